/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export.h - the exported directories and the pseudo-filesystem above them
 * (RFC 8881 §7.3), and the file handles that name objects in both.
 *
 * Every export appears at its own absolute path, as with knfsd: exporting
 * /srv/a and /srv/b makes a pseudo tree "/" -> "srv" -> {"a", "b"} whose
 * leaves are the export roots.  Pseudo directories are read-only and hold
 * only the names that lead to exports.
 *
 * A file handle (fh_*) carries the export id and the host's
 * name_to_handle_at() bytes, protected by a keyed tag so that a client cannot
 * forge a handle for an object the server never gave out, or move a handle
 * from one export to another.  The key lives in the state directory and so
 * survives restarts; handles then survive restarts too.
 *
 * Without CAP_DAC_READ_SEARCH open_by_handle_at() is refused, so an export
 * whose start-up probe (a real open_by_handle_at() of its root) fails uses
 * "index" handles instead: device, inode number, generation and type of the
 * object under the same tag, resolved through the handle index
 * (fhindex.h) that LOOKUP, READDIR, OPEN, CREATE, RENAME and LINK feed
 * through fh_learn(), and, when the index is out of date, by a bounded
 * breadth-first search from the export root.  See export.c for the limits.
 */
#ifndef LNFSD_EXPORT_H
#define LNFSD_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "server/fh.h"
#include "server/fhindex.h"
#include "xdr/nfs4_prot.h"

struct cfg_export;

struct export {
	uint32_t id;                /* stable export id (in handles and fsid) */
	char *path;                 /* absolute host path; owned */
	int root_fd;                /* O_PATH descriptor of the root; owned */
	int mount_fd;               /* O_RDONLY descriptor of the root, for
				     * open_by_handle_at() (which refuses O_PATH); owned */
	dev_t dev;                  /* st_dev of the root */
	uint64_t root_ino;
	uint32_t pseudo_node;       /* the pseudo node this export is mounted on */
	const struct cfg_export *cfg; /* borrowed from the snapshot that built us */
	bool by_index;              /* index handles (no open_by_handle_at()) */
	bool has_gen;               /* FS_IOC_GETVERSION works on this file system */
	bool subtree_check;         /* handles of non-directories name their parent
				     * directory, checked at every resolve (export.c) */
};

struct pseudo_node {
	char *name;                 /* component name; "" for the root; owned */
	uint32_t parent;            /* index of the parent (root: itself) */
	uint32_t hash;              /* hash of the full path: the handle's node id */
	struct export *exp;         /* non-NULL if an export is mounted here */
	uint64_t fileid;            /* synthetic inode number */
};

struct exports {
	struct export *exp;         /* array; owned */
	uint32_t nexp;
	struct pseudo_node *node;   /* array, node 0 is "/"; owned */
	uint32_t nnode;
	uint8_t fh_key[16];         /* tag key for handles */
	struct fh_index *idx;       /* handle index; borrowed, or owned if own_idx */
	bool own_idx;
};

/* Build the export table for n host paths with the given ids.  cfgs[i]
 * (may be NULL) is kept as a borrowed pointer in exp[i].cfg.  idx (may be
 * NULL: a memory-only one is made when an export needs it) is the handle
 * index, borrowed; each export is probed and set to index handles when
 * open_by_handle_at() of its root fails (or idx says FH_INDEX_ALWAYS).
 * Returns 0 or -errno and writes a message naming the path into err. */
int exports_new(const char *const *paths, const uint32_t *ids, const struct cfg_export *const *cfgs,
		uint32_t n, const uint8_t key[16], struct fh_index *idx, struct exports **out,
		char *err, size_t errlen);
void exports_free(struct exports *e);

struct export *exports_by_id(const struct exports *e, uint32_t id);

/* Children of pseudo node `node`, one at a time: returns the next child
 * index after `after` (use UINT32_MAX to start), or UINT32_MAX at the end. */
uint32_t pseudo_next_child(const struct exports *e, uint32_t node, uint32_t after);
/* The child of `node` called name, or UINT32_MAX. */
uint32_t pseudo_lookup(const struct exports *e, uint32_t node, const char *name, size_t len);

/* Handles. */
void fh_for_pseudo(const struct exports *e, uint32_t node, struct nfs_fh *fh);
/* The handle of the object open as fd (O_PATH) in export x: 0 or -errno. */
int fh_for_fd(const struct exports *e, const struct export *x, int fd, struct nfs_fh *fh);
/* Same for the entry `name` of directory dirfd, without opening it. */
int fh_for_name(const struct exports *e, const struct export *x, int dirfd, const char *name,
		struct nfs_fh *fh);
/* Same as fh_for_fd() for an object found as an entry of directory dirfd
 * (LOOKUP, OPEN, CREATE).  Only on a subtree_check export does it differ:
 * the handle of a non-directory then also names dirfd, and fh_for_fd()
 * refuses such an object (-EINVAL) since it does not know the parent. */
int fh_for_child(const struct exports *e, const struct export *x, int dirfd, int fd,
		 struct nfs_fh *fh);

/*
 * Index handles: tell the index that the entry name of directory dirfd (both
 * in export x) is the object open as fd (-1: look the name up, without
 * following a symlink).  Call it wherever a name is resolved or made
 * (LOOKUP, READDIR, OPEN, CREATE, RENAME, LINK).  Nothing is done for
 * exports with host handles; failures are ignored (the search covers them).
 */
void fh_learn(const struct exports *e, const struct export *x, int dirfd, const char *name,
	      int fd);
/* Index handles: the object with inode number ino lost its last name
 * through NFS (REMOVE): its handles are NFS4ERR_STALE without a search. */
void fh_forget(const struct exports *e, const struct export *x, uint64_t ino);
/* Same as fh_learn() for an entry already statx()ed by name (READDIR). */
struct statx;
void fh_learn_stx(const struct exports *e, const struct export *x, int dirfd, const char *name,
		  const struct statx *stx);

/*
 * Resolve a client's handle.  On success returns NFS4_OK and either sets
 * *node (pseudo object, *exp = NULL, *fd = -1) or *exp and an O_PATH *fd the
 * caller owns.  Malformed or forged handles: NFS4ERR_BADHANDLE; handles of
 * an export that no longer exists or an object that was deleted:
 * NFS4ERR_STALE.
 */
nfsstat4 fh_resolve(const struct exports *e, const struct nfs_fh *fh, struct export **exp,
		    uint32_t *node, int *fd);

/* Load the handle key from dir/fh.key, creating it if missing.  0 or
 * -errno (the caller then uses a random key and warns). */
int fh_key_load(const char *dir, uint8_t key[16]);

/* SipHash-2-4 of data under key (the handle tag). */
uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
