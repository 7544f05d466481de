/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attr.h - fattr4: encoding the attributes of an object (GETATTR, READDIR,
 * VERIFY/NVERIFY) and decoding the attributes a client sets (SETATTR, OPEN
 * and CREATE createattrs).  One statx() per object; the label is read only
 * when sec_label is requested.
 */
#ifndef LNFSD_ATTR_H
#define LNFSD_ATTR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "server/fh.h"
#include "server/label.h"
#include "xdr/nfs4_prot.h"
#include "xdr/xdr.h"

struct compound;
struct export;

/* The object whose attributes are encoded. */
struct attr_obj {
	struct export *exp;       /* NULL: pseudo-fs node `node` */
	uint32_t node;
	int fd;                   /* O_PATH descriptor (borrowed), -1 for pseudo */
	const struct nfs_fh *fh;  /* its handle if known (borrowed), else NULL */
	uint64_t mounted_on;      /* mounted_on_fileid override, 0 = fileid */
	bool have_stx;
	struct statx stx;
	/* READDIR: with name set and fd -1, the object is entry `name`
	 * (borrowed) of directory dirfd.  statx() and name_to_handle_at() work
	 * on the name; only attributes that need a descriptor of the object
	 * itself (sec_label, space_*, files_*, xattr_support) open it, and
	 * attr_encode() closes that descriptor again. */
	const char *name;
	int dirfd;
	bool fd_owned;            /* fd was opened by attr_encode() */
};

/* The attributes this server supports for objects of export x (NULL: the
 * pseudo-fs) at the request's minor version. */
void attr_supported(const struct compound *c, const struct export *x, uint32_t out[FATTR4_WORDS]);

/* Append a fattr4 with the requested attributes (those supported) to out.
 * With rdattr_error requested (READDIR), a failure to read the object is
 * encoded as rdattr_error instead of being returned. */
nfsstat4 attr_encode(const struct compound *c, struct attr_obj *o, const uint32_t *req,
		     uint32_t nreq, struct xdr_out *out);

/* Attributes a client asks to set. */
struct attr_set {
	uint32_t mask[FATTR4_WORDS];
	uint64_t size;
	uint32_t mode;
	uint32_t uid, gid;
	uint32_t atime_how, mtime_how; /* SET_TO_SERVER_TIME4 / SET_TO_CLIENT_TIME4 */
	struct timespec atime, mtime;
	struct nfs_label label;
};

static inline bool attr_isset(const uint32_t *mask, unsigned a)
{
	return (mask[a / 32] >> (a % 32)) & 1u;
}

static inline void attr_setbit(uint32_t *mask, unsigned a)
{
	mask[a / 32] |= 1u << (a % 32);
}

/* Decode a fattr4 of attributes to set.  Unsupported attributes:
 * NFS4ERR_ATTRNOTSUPP; read-only ones: NFS4ERR_INVAL; bad values:
 * NFS4ERR_BADXDR / NFS4ERR_BADOWNER / NFS4ERR_BADLABEL. */
nfsstat4 attr_decode_set(const struct compound *c, const struct export *x, struct xdr_in *in,
			 struct attr_set *s);

/* Apply s (except size when skip_size) to the object open as fd (O_PATH);
 * the bits actually set are added to done. */
nfsstat4 attr_apply(const struct compound *c, const struct export *x, int fd,
		    const struct attr_set *s, uint32_t done[FATTR4_WORDS]);

/* Map an errno from a filesystem call to the nfsstat4 most operations may
 * return for it (RFC 8881 §15.2); callers with narrower lists check first. */
nfsstat4 nfs4_errno(int err);

#endif
