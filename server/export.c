/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export.c - the export table, the pseudo-filesystem that leads to the
 * exports, and file handles.  Nothing here follows a path a client sent:
 * export paths come from the configuration and are opened once, O_PATH.
 *
 * Handle layout (all integers big-endian):
 *   [0] version 1  [1] kind (1 pseudo, 2 object, 3 indexed object,
 *       4 object with its parent directory)
 *   [2..3] zero
 *   [4..7] export id (objects) or pseudo path hash (pseudo)
 *   [8..15] tag = SipHash-2-4(key, bytes 0..7 || bytes 16..end)
 *   object: [16..19] host handle type, [20..] host handle bytes
 *   indexed object: [16..23] st_dev, [24..31] st_ino, [32..35] generation,
 *     [36] file type (S_IFMT >> 12), [37] flags (1: generation known),
 *     [38..39] zero
 *   object with parent: [16..19] host handle type of the object,
 *     [20..23] host handle type of the parent directory, [24] length c of
 *     the object's host handle, [25..27] zero, [28..28+c) the object's host
 *     handle bytes, [28+c..end) the parent's (both at least one byte)
 *
 * Indexed objects (exports where open_by_handle_at() is refused, i.e.
 * lnfsd lacks CAP_DAC_READ_SEARCH) are reopened by walking the handle
 * index (fhindex.h) from the export root, one openat(O_PATH | O_NOFOLLOW)
 * per component, each checked against the inode number the index expects.
 * When that fails (the index does not know the inode, or a host-side rename
 * or delete made it wrong) a breadth-first search from the root reads at
 * most LNFS_FH_SEARCH_MAX entries, learning every one; an inode no complete
 * search found is remembered as gone for a while.  An object with the
 * inode number but another type, or another generation when both are known
 * (FS_IOC_GETVERSION, on regular files and directories of file systems
 * that have it), is NFS4ERR_STALE.  Limits: an object the server user
 * cannot reach (a directory it may not search or read) cannot be found;
 * a handle of a deleted object whose inode number was reused for an object
 * of the same type, and without a known generation (symlinks, special
 * files, file systems without FS_IOC_GETVERSION), names the new object;
 * handles depend on st_dev, so a file system that comes back under another
 * device number makes them stale; and a large tree in which the server
 * user's handles went out of date costs a search per handle.
 *
 * Object handles of directories are checked to still lie inside their
 * export on every resolve (dir_inside): ".." is walked, openat(O_PATH) and
 * fstat per level, up to the export root (dev+ino) or at most
 * LNFS_FH_DIR_WALK_MAX levels; a directory the host moved out of the
 * export, or that a handle of the same file system names outside it, is
 * NFS4ERR_STALE.  By default files are not checked (as knfsd's
 * no_subtree_check): a file the host hard-links or moves out of the export
 * stays reachable by a handle a client already holds (docs/security.md).
 *
 * The export option subtree_check closes that gap for host handles: the
 * handle of a non-directory is then kind 4, which also carries the host
 * handle of the directory it was found in (LOOKUP, OPEN, CREATE, READDIR's
 * filehandle attribute all know it; PUTROOTFH, PUTPUBFH and LOOKUPP only
 * reach directories).  Resolving it (subtree_resolve) opens the object
 * and, as fsuid 0, its parent by handle, requires the parent to be inside
 * the export (dir_inside) and the object to be linked in it still (a
 * getdents scan for its inode number, confirmed by fstatat), else
 * NFS4ERR_STALE.  The object's own host handle carries its generation, so
 * a reused inode number cannot pass.  What that means, as for knfsd's
 * subtree_check: a file renamed into another directory, even inside the
 * export, makes older handles stale (same directory: they keep working);
 * a file with hard links in several directories has a handle per
 * directory.  Kind 2 handles of non-directories (issued before the option
 * was set) are NFS4ERR_STALE on such an export, so the client looks the
 * name up again.  The cost, only on subtree_check exports: a parent open,
 * the ".." walk and a scan of the parent per resolve of a non-directory.
 * Both host handles must fit in NFS4_FHSIZE; exports_new() refuses the
 * option on a file system whose handles are too long for that.  Index
 * handles are unchanged by the option: they are always found by a walk or
 * search from the export root, which already holds what subtree_check asks
 * (and more: a file moved within the export is found again).
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config/cfg.h"
#include "server/cred.h"
#include "server/export.h"
#include "server/limits.h"

#define FH_VERSION 1
#define FH_KIND_PSEUDO 1
#define FH_KIND_OBJECT 2
#define FH_KIND_INDEXED 3
#define FH_KIND_SUBTREE 4
#define FH_HDR 16
#define FH_OBJ_HDR 20
#define FH_MAX_HOST (NFS4_FHSIZE - FH_OBJ_HDR)
#define FH_IX_LEN 40
#define FH_IX_GEN 1u            /* flags: the generation is known */
#define FH_SUB_HDR 28           /* kind 4: header before the two host handles */

union host_handle {
	struct file_handle h;
	uint8_t raw[sizeof(struct file_handle) + FH_MAX_HOST];
};

static uint32_t fnv1a(const char *s, size_t n, uint32_t h)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

static int pseudo_add(struct exports *e, uint32_t parent, const char *name, size_t len,
		      uint32_t *out)
{
	struct pseudo_node *nn, *n;
	uint32_t i;

	for (i = 1; i < e->nnode; i++) {
		n = &e->node[i];
		if (n->parent == parent && strlen(n->name) == len && !memcmp(n->name, name, len)) {
			*out = i;
			return 0;
		}
	}
	nn = realloc(e->node, (e->nnode + 1) * sizeof(*nn));
	if (!nn)
		return -ENOMEM;
	e->node = nn;
	n = &e->node[e->nnode];
	memset(n, 0, sizeof(*n));
	n->name = strndup(name, len);
	if (!n->name)
		return -ENOMEM;
	n->parent = parent;
	/* the hash of the full path: parent's hash folded with "/name" */
	n->hash = fnv1a(name, len, fnv1a("/", 1, e->node[parent].hash));
	n->fileid = (uint64_t)e->nnode + 1;
	*out = e->nnode++;
	return 0;
}

/* True when the export's root can be reopened from its host handle, i.e.
 * open_by_handle_at() is allowed (CAP_DAC_READ_SEARCH) and the file system
 * has handles. */
static bool host_handles_work(const struct export *x)
{
	union host_handle u;
	int mnt, f;

	u.h.handle_bytes = FH_MAX_HOST;
	if (name_to_handle_at(x->root_fd, "", &u.h, &mnt, AT_EMPTY_PATH) < 0)
		return false;
	f = open_by_handle_at(x->mount_fd, &u.h, O_PATH | O_CLOEXEC);
	if (f < 0)
		return false;
	close(f);
	return true;
}

/* subtree_check: do two host handles the size of the root's fit in a
 * handle (kind 4)?  0 or -ENAMETOOLONG. */
static int subtree_probe(const struct export *x)
{
	union host_handle u;
	int mnt;

	u.h.handle_bytes = FH_MAX_HOST;
	if (name_to_handle_at(x->root_fd, "", &u.h, &mnt, AT_EMPTY_PATH) < 0)
		return -errno;
	return FH_SUB_HDR + 2 * u.h.handle_bytes <= NFS4_FHSIZE ? 0 : -ENAMETOOLONG;
}

/* FS_IOC_GETVERSION writes an int whatever its encoded size says. */
static bool getversion(int fd, uint32_t *gen)
{
	union {
		long l;
		int i;
	} v = { 0 };

	if (ioctl(fd, FS_IOC_GETVERSION, &v) < 0)
		return false;
	*gen = (uint32_t)v.i;
	return true;
}

int exports_new(const char *const *paths, const uint32_t *ids, const struct cfg_export *const *cfgs,
		uint32_t n, const uint8_t key[16], struct fh_index *idx, struct exports **out,
		char *err, size_t errlen)
{
	struct exports *e;
	uint32_t i, j;
	int r;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	memcpy(e->fh_key, key, 16);
	e->idx = idx;
	if (!idx) {
		e->idx = fh_index_new(0);
		e->own_idx = true;
		if (!e->idx) {
			free(e);
			return -ENOMEM;
		}
	}
	e->node = calloc(1, sizeof(*e->node));
	e->exp = calloc(n ? n : 1, sizeof(*e->exp));
	if (!e->node || !e->exp)
		goto nomem;
	e->node[0].name = strdup("");
	if (!e->node[0].name)
		goto nomem;
	e->node[0].hash = 2166136261u;
	e->node[0].fileid = 1;
	e->nnode = 1;

	for (i = 0; i < n; i++) {
		struct export *x = &e->exp[i];
		const char *p = paths[i];
		uint32_t node = 0;
		struct stat st;

		x->root_fd = -1;
		x->mount_fd = -1;
		if (p[0] != '/') {
			snprintf(err, errlen, "export %s: not an absolute path", p);
			r = -EINVAL;
			goto fail;
		}
		for (j = 0; j < i; j++) {
			if (e->exp[j].id == ids[i]) {
				snprintf(err, errlen, "exports %s and %s have the same id %u",
					 e->exp[j].path, p, ids[i]);
				r = -EINVAL;
				goto fail;
			}
		}
		x->id = ids[i];
		x->cfg = cfgs ? cfgs[i] : NULL;
		x->path = strdup(p);
		if (!x->path)
			goto nomem;
		e->nexp = i + 1;
		x->root_fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (x->root_fd < 0 || fstat(x->root_fd, &st) < 0) {
			r = -errno;
			snprintf(err, errlen, "export %s: %s (create the directory or fix the path)", p,
				 strerror(errno));
			goto fail;
		}
		x->mount_fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (x->mount_fd < 0) {
			r = -errno;
			snprintf(err, errlen, "export %s: %s", p, strerror(errno));
			goto fail;
		}
		x->dev = st.st_dev;
		x->root_ino = st.st_ino;
		x->by_index = fh_index_always(e->idx) || !host_handles_work(x);
		if (x->by_index) {
			uint32_t gen;

			x->has_gen = getversion(x->mount_fd, &gen);
		}
		x->subtree_check = x->cfg && x->cfg->subtree_check;
		if (x->subtree_check && !x->by_index) {
			r = subtree_probe(x);
			if (r) {
				snprintf(err, errlen,
					 "export %s: subtree_check: this file system's handles are "
					 "too long to carry a parent in a %d-byte NFS handle "
					 "(remove subtree_check)", x->path, NFS4_FHSIZE);
				goto fail;
			}
		}
		/* walk the components, creating pseudo nodes */
		while (*p) {
			const char *q;

			while (*p == '/')
				p++;
			if (!*p)
				break;
			q = strchr(p, '/');
			if (!q)
				q = p + strlen(p);
			if ((q - p == 1 && p[0] == '.') || (q - p == 2 && p[0] == '.' && p[1] == '.')) {
				snprintf(err, errlen, "export %s: '.' and '..' are not allowed",
					 x->path);
				r = -EINVAL;
				goto fail;
			}
			r = pseudo_add(e, node, p, (size_t)(q - p), &node);
			if (r)
				goto fail;
			p = q;
		}
		if (e->node[node].exp) {
			snprintf(err, errlen, "export %s is listed twice", x->path);
			r = -EINVAL;
			goto fail;
		}
		e->node[node].exp = x;
		x->pseudo_node = node;
	}
	/* an export below another export's root is served inside the outer one;
	 * the pseudo node of the inner one is then never reached, which is what
	 * knfsd does without crossmnt. */
	*out = e;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	r = -ENOMEM;
fail:
	exports_free(e);
	return r;
}

void exports_free(struct exports *e)
{
	uint32_t i;

	if (!e)
		return;
	for (i = 0; i < e->nexp; i++) {
		if (e->exp[i].root_fd >= 0)
			close(e->exp[i].root_fd);
		if (e->exp[i].mount_fd >= 0)
			close(e->exp[i].mount_fd);
		free(e->exp[i].path);
	}
	for (i = 0; i < e->nnode; i++)
		free(e->node[i].name);
	if (e->own_idx)
		fh_index_free(e->idx);
	free(e->exp);
	free(e->node);
	free(e);
}

struct export *exports_by_id(const struct exports *e, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < e->nexp; i++)
		if (e->exp[i].id == id)
			return &e->exp[i];
	return NULL;
}

uint32_t pseudo_next_child(const struct exports *e, uint32_t node, uint32_t after)
{
	uint32_t i = after == UINT32_MAX ? 1 : after + 1;

	for (; i < e->nnode; i++)
		if (e->node[i].parent == node)
			return i;
	return UINT32_MAX;
}

uint32_t pseudo_lookup(const struct exports *e, uint32_t node, const char *name, size_t len)
{
	uint32_t i;

	for (i = 1; i < e->nnode; i++)
		if (e->node[i].parent == node && strlen(e->node[i].name) == len &&
		    !memcmp(e->node[i].name, name, len))
			return i;
	return UINT32_MAX;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
}

static uint32_t get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

static uint64_t fh_tag(const struct exports *e, const uint8_t *fh, size_t len)
{
	uint8_t buf[NFS4_FHSIZE];
	size_t n = 8;

	memcpy(buf, fh, 8);
	if (len > FH_HDR) {
		memcpy(buf + 8, fh + FH_HDR, len - FH_HDR);
		n += len - FH_HDR;
	}
	return siphash24(e->fh_key, buf, n);
}

static void fh_seal(const struct exports *e, struct nfs_fh *fh)
{
	uint64_t tag = htobe64(fh_tag(e, fh->data, fh->len));

	memcpy(fh->data + 8, &tag, 8);
}

void fh_for_pseudo(const struct exports *e, uint32_t node, struct nfs_fh *fh)
{
	memset(fh, 0, sizeof(*fh));
	fh->data[0] = FH_VERSION;
	fh->data[1] = FH_KIND_PSEUDO;
	put_be32(fh->data + 4, e->node[node].hash);
	fh->len = FH_HDR;
	fh_seal(e, fh);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static int fh_from_host(const struct exports *e, const struct export *x, int dirfd,
			const char *name, int flags, struct nfs_fh *fh)
{
	union host_handle u;
	int mnt;

	u.h.handle_bytes = FH_MAX_HOST;
	if (name_to_handle_at(dirfd, name, &u.h, &mnt, flags) < 0)
		return errno == EOVERFLOW ? -ENAMETOOLONG : -errno;
	memset(fh, 0, sizeof(*fh));
	fh->data[0] = FH_VERSION;
	fh->data[1] = FH_KIND_OBJECT;
	put_be32(fh->data + 4, x->id);
	put_be32(fh->data + 16, (uint32_t)u.h.handle_type);
	memcpy(fh->data + FH_OBJ_HDR, u.h.f_handle, u.h.handle_bytes);
	fh->len = FH_OBJ_HDR + u.h.handle_bytes;
	fh_seal(e, fh);
	return 0;
}

/* Kind 4 (subtree_check): the host handle of (at, name, flags) as for
 * name_to_handle_at(), followed by that of its parent, directory dirfd. */
static int fh_from_host_sub(const struct exports *e, const struct export *x, int dirfd, int at,
			    const char *name, int flags, struct nfs_fh *fh)
{
	union host_handle obj, dir;
	int mnt;

	obj.h.handle_bytes = FH_MAX_HOST;
	if (name_to_handle_at(at, name, &obj.h, &mnt, flags) < 0)
		return errno == EOVERFLOW ? -ENAMETOOLONG : -errno;
	dir.h.handle_bytes = FH_MAX_HOST;
	if (name_to_handle_at(dirfd, "", &dir.h, &mnt, AT_EMPTY_PATH) < 0)
		return errno == EOVERFLOW ? -ENAMETOOLONG : -errno;
	if (obj.h.handle_bytes == 0 || obj.h.handle_bytes > 255 || dir.h.handle_bytes == 0 ||
	    FH_SUB_HDR + obj.h.handle_bytes + dir.h.handle_bytes > NFS4_FHSIZE)
		return -ENAMETOOLONG;
	memset(fh, 0, sizeof(*fh));
	fh->data[0] = FH_VERSION;
	fh->data[1] = FH_KIND_SUBTREE;
	put_be32(fh->data + 4, x->id);
	put_be32(fh->data + 16, (uint32_t)obj.h.handle_type);
	put_be32(fh->data + 20, (uint32_t)dir.h.handle_type);
	fh->data[24] = (uint8_t)obj.h.handle_bytes;
	memcpy(fh->data + FH_SUB_HDR, obj.h.f_handle, obj.h.handle_bytes);
	memcpy(fh->data + FH_SUB_HDR + obj.h.handle_bytes, dir.h.f_handle, dir.h.handle_bytes);
	fh->len = FH_SUB_HDR + obj.h.handle_bytes + dir.h.handle_bytes;
	fh_seal(e, fh);
	return 0;
}

/* The generation of a regular file or directory open as fd (O_PATH), when
 * the file system reports one and the server may open the object. */
static bool obj_generation(const struct export *x, int fd, const struct stat *st, uint32_t *gen)
{
	char proc[64];
	bool ok;
	int f;

	if (!x->has_gen || !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)))
		return false;
	snprintf(proc, sizeof(proc), "/proc/thread-self/fd/%d", fd);
	f = open(proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
			       (S_ISDIR(st->st_mode) ? O_DIRECTORY : 0));
	if (f < 0)
		return false;
	ok = getversion(f, gen);
	close(f);
	return ok;
}

static int fh_from_index(const struct exports *e, const struct export *x, int fd,
			 struct nfs_fh *fh)
{
	uint32_t gen = 0;
	struct stat st;
	bool known;

	if (fstat(fd, &st) < 0)
		return -errno;
	known = obj_generation(x, fd, &st, &gen);
	memset(fh, 0, sizeof(*fh));
	fh->data[0] = FH_VERSION;
	fh->data[1] = FH_KIND_INDEXED;
	put_be32(fh->data + 4, x->id);
	put_be64(fh->data + 16, (uint64_t)st.st_dev);
	put_be64(fh->data + 24, (uint64_t)st.st_ino);
	put_be32(fh->data + 32, known ? gen : 0);
	fh->data[36] = (uint8_t)((st.st_mode & S_IFMT) >> 12);
	fh->data[37] = known ? FH_IX_GEN : 0;
	fh->len = FH_IX_LEN;
	fh_seal(e, fh);
	return 0;
}

int fh_for_fd(const struct exports *e, const struct export *x, int fd, struct nfs_fh *fh)
{
	if (x->by_index)
		return fh_from_index(e, x, fd, fh);
	if (x->subtree_check)
		return fh_for_child(e, x, -1, fd, fh);
	return fh_from_host(e, x, fd, "", AT_EMPTY_PATH, fh);
}

int fh_for_child(const struct exports *e, const struct export *x, int dirfd, int fd,
		 struct nfs_fh *fh)
{
	struct stat st;

	if (x->by_index)
		return fh_from_index(e, x, fd, fh);
	if (!x->subtree_check)
		return fh_from_host(e, x, fd, "", AT_EMPTY_PATH, fh);
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return fh_from_host(e, x, fd, "", AT_EMPTY_PATH, fh);
	if (dirfd < 0)
		return -EINVAL; /* the parent is not known: no handle can name it */
	return fh_from_host_sub(e, x, dirfd, fd, "", AT_EMPTY_PATH, fh);
}

int fh_for_name(const struct exports *e, const struct export *x, int dirfd, const char *name,
		struct nfs_fh *fh)
{
	struct stat st;
	int fd, r;

	if (!x->by_index && x->subtree_check) {
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (S_ISDIR(st.st_mode))
			return fh_from_host(e, x, dirfd, name, 0, fh);
		return fh_from_host_sub(e, x, dirfd, dirfd, name, 0, fh);
	}
	if (!x->by_index)
		return fh_from_host(e, x, dirfd, name, 0, fh);
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = fh_from_index(e, x, fd, fh);
	close(fd);
	return r;
}

void fh_learn(const struct exports *e, const struct export *x, int dirfd, const char *name,
	      int fd)
{
	struct stat ds, st;
	int r;

	if (!x || !x->by_index || !e->idx)
		return;
	if (fstat(dirfd, &ds) < 0)
		return;
	if (fd >= 0)
		r = fstat(fd, &st);
	else
		r = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW);
	if (r < 0 || st.st_dev != x->dev || ds.st_dev != x->dev || !S_ISDIR(ds.st_mode))
		return;
	fh_index_learn(e->idx, x->id, st.st_ino, ds.st_ino, name, strlen(name), false);
}

void fh_learn_stx(const struct exports *e, const struct export *x, int dirfd, const char *name,
		  const struct statx *stx)
{
	struct stat ds;

	if (!x || !x->by_index || !e->idx)
		return;
	if (makedev(stx->stx_dev_major, stx->stx_dev_minor) != x->dev || fstat(dirfd, &ds) < 0 ||
	    ds.st_dev != x->dev || !S_ISDIR(ds.st_mode))
		return;
	fh_index_learn(e->idx, x->id, stx->stx_ino, ds.st_ino, name, strlen(name), false);
}

void fh_forget(const struct exports *e, const struct export *x, uint64_t ino)
{
	if (!x || !x->by_index || !e->idx)
		return;
	fh_index_forget(e->idx, x->id, ino);
	fh_index_mark_gone(e->idx, x->id, ino);
}

static bool resource_errno(int err)
{
	return err == ENOMEM || err == EMFILE || err == ENFILE;
}

/* openat() of one component below dirfd in export x, checked to be on the
 * export's file system (and to be inode ino when ino is not 0). */
static int open_below(const struct export *x, int dirfd, const char *name, uint64_t ino,
		      bool want_dir)
{
	struct stat st;
	int fd;

	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC | (want_dir ? O_DIRECTORY : 0));
	if (fd < 0)
		return resource_errno(errno) ? -errno : -ENOENT;
	if (fstat(fd, &st) < 0 || st.st_dev != x->dev || (ino && st.st_ino != ino)) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

/* Reopen inode ino of export x by the chain of (parent, name) links the
 * index holds: an O_PATH descriptor, -ENOENT when the index does not lead
 * to it, or -ENOMEM/-EMFILE/-ENFILE. */
static int index_open(const struct exports *e, const struct export *x, uint64_t ino)
{
	char name[LNFS_MAX_NAME + 1];
	uint64_t *inos = NULL, cur = ino, parent;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int fd = -ENOENT, nfd;

	while (cur != x->root_ino) {
		if (n == LNFS_FH_MAX_DEPTH || fh_index_get(e->idx, x->id, cur, &parent, name,
							   sizeof(name)) < 0)
			goto out;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			uint64_t *ni = realloc(inos, nc * sizeof(*ni));
			char **nn;

			if (ni)
				inos = ni;
			nn = ni ? realloc(names, nc * sizeof(*nn)) : NULL;
			if (!nn) {
				fd = -ENOMEM;
				goto out;
			}
			names = nn;
			cap = nc;
		}
		names[n] = strdup(name);
		if (!names[n]) {
			fd = -ENOMEM;
			goto out;
		}
		inos[n++] = cur;
		cur = parent;
	}
	fd = fcntl(x->root_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		fd = -errno;
		goto out;
	}
	for (i = n; i-- > 0;) {
		nfd = open_below(x, fd, names[i], inos[i], i > 0);
		close(fd);
		fd = nfd;
		if (fd < 0)
			break;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(inos);
	return fd;
}

/* The directories still to read in a search, as paths relative to the
 * export root built only from names read from directories. */
struct search_queue {
	char **path;
	size_t head, tail, cap;
};

static int sq_push(struct search_queue *q, char *p)
{
	if (!p)
		return -ENOMEM;
	if (q->tail == q->cap) {
		size_t nc = q->cap ? q->cap * 2 : 64;
		char **np;

		if (q->head > q->cap / 2) {
			/* reuse the space of the directories already read */
			memmove(q->path, q->path + q->head, (q->tail - q->head) * sizeof(*q->path));
			q->tail -= q->head;
			q->head = 0;
		} else {
			np = realloc(q->path, nc * sizeof(*np));
			if (!np) {
				free(p);
				return -ENOMEM;
			}
			q->path = np;
			q->cap = nc;
		}
	}
	q->path[q->tail++] = p;
	return 0;
}

/* Open a relative path of the search, one component at a time (never
 * following a symlink, never leaving the file system). */
static int open_rel(const struct export *x, const char *rel)
{
	char comp[LNFS_MAX_NAME + 1];
	int fd, nfd;

	fd = fcntl(x->root_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	while (*rel) {
		const char *slash = strchr(rel, '/');
		size_t len = slash ? (size_t)(slash - rel) : strlen(rel);

		if (len == 0 || len > LNFS_MAX_NAME) {
			close(fd);
			return -ENOENT;
		}
		memcpy(comp, rel, len);
		comp[len] = 0;
		nfd = open_below(x, fd, comp, 0, true);
		close(fd);
		if (nfd < 0)
			return nfd;
		fd = nfd;
		rel += len + (slash ? 1 : 0);
	}
	return fd;
}

static bool is_stage_name(const char *name)
{
	return strncmp(name, LNFS_STAGE_PREFIX, sizeof(LNFS_STAGE_PREFIX) - 1) == 0;
}

/* Read one directory of the search: learn its entries, queue its
 * subdirectories, and return a descriptor of inode ino if it is there
 * (-ENOENT if not, -E2BIG when the budget ran out). */
static int search_dir(const struct exports *e, const struct export *x, const char *rel,
		      uint64_t ino, struct search_queue *q, size_t *budget)
{
	struct dirent *de;
	struct stat ds, st;
	DIR *dir;
	int dfd, rfd, found = -ENOENT;

	dfd = open_rel(x, rel);
	if (dfd < 0)
		return resource_errno(-dfd) ? dfd : -ENOENT;
	rfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0 || fstat(dfd, &ds) < 0) {
		found = rfd >= 0 || !resource_errno(errno) ? -ENOENT : -errno;
		if (rfd >= 0)
			close(rfd);
		close(dfd);
		return found;
	}
	dir = fdopendir(rfd);
	if (!dir) {
		close(rfd);
		close(dfd);
		return -ENOMEM;
	}
	while (found == -ENOENT && (de = readdir(dir))) {
		const char *name = de->d_name;
		bool sub = de->d_type == DT_DIR;

		if (!strcmp(name, ".") || !strcmp(name, "..") || is_stage_name(name))
			continue;
		if (*budget == 0) {
			found = -E2BIG;
			break;
		}
		(*budget)--;
		fh_index_learn(e->idx, x->id, de->d_ino, ds.st_ino, name, strlen(name), true);
		if (de->d_ino == ino) {
			int fd = open_below(x, dfd, name, ino, false);

			if (fd >= 0 || resource_errno(-fd)) {
				found = fd;
				break;
			}
		}
		if (de->d_type == DT_UNKNOWN)
			sub = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			      S_ISDIR(st.st_mode) && st.st_dev == x->dev;
		if (sub && strlen(rel) + strlen(name) + 2 < 4096) {
			size_t rl = strlen(rel), nl = strlen(name);
			char *p = malloc(rl + nl + 2);

			if (p) {
				memcpy(p, rel, rl);
				if (rl)
					p[rl++] = '/';
				memcpy(p + rl, name, nl + 1);
			}
			if (sq_push(q, p) < 0) {
				found = -ENOMEM;
				break;
			}
		}
	}
	closedir(dir);
	close(dfd);
	return found;
}

/* Breadth-first search of export x for inode ino (see the top of this
 * file): an O_PATH descriptor, -ENOENT when a complete search did not find
 * it, -E2BIG when the search stopped at LNFS_FH_SEARCH_MAX entries, or a
 * resource error. */
static int index_search(const struct exports *e, const struct export *x, uint64_t ino)
{
	struct search_queue q = { 0 };
	size_t budget = LNFS_FH_SEARCH_MAX;
	int found = -ENOENT;

	if (sq_push(&q, strdup("")) < 0)
		return -ENOMEM;
	while (q.head < q.tail) {
		char *rel = q.path[q.head++];

		found = search_dir(e, x, rel, ino, &q, &budget);
		free(rel);
		if (found != -ENOENT)
			break;
	}
	while (q.head < q.tail)
		free(q.path[q.head++]);
	free(q.path);
	fh_index_flush(e->idx);
	return found;
}

static nfsstat4 index_resolve(const struct exports *e, struct export *x, const struct nfs_fh *fh,
			      int *out)
{
	const uint8_t *d = fh->data;
	uint64_t ino = get_be64(d + 24);
	uint32_t gen = get_be32(d + 32), g;
	struct stat st;
	int f;

	if (fh->len != FH_IX_LEN || (d[37] & ~FH_IX_GEN) || d[38] || d[39])
		return NFS4ERR_BADHANDLE;
	if (get_be64(d + 16) != (uint64_t)x->dev)
		return NFS4ERR_STALE;
	if (ino == x->root_ino) {
		f = fcntl(x->root_fd, F_DUPFD_CLOEXEC, 0);
		if (f < 0)
			return NFS4ERR_DELAY;
	} else {
		f = index_open(e, x, ino);
		if (f == -ENOENT) {
			if (fh_index_is_gone(e->idx, x->id, ino))
				return NFS4ERR_STALE;
			f = index_search(e, x, ino);
			if (f == -ENOENT) {
				fh_index_forget(e->idx, x->id, ino);
				fh_index_mark_gone(e->idx, x->id, ino);
			}
		}
		if (f < 0)
			return resource_errno(-f) ? NFS4ERR_DELAY : NFS4ERR_STALE;
	}
	if (fstat(f, &st) < 0 || st.st_ino != ino || st.st_dev != x->dev ||
	    (uint8_t)((st.st_mode & S_IFMT) >> 12) != d[36] ||
	    ((d[37] & FH_IX_GEN) && obj_generation(x, f, &st, &g) && g != gen)) {
		/* the inode number was reused by another object */
		close(f);
		return NFS4ERR_STALE;
	}
	*out = f;
	return NFS4_OK;
}

/* Is the directory f (st its stat) inside export x?  1 yes, 0 no (the walk
 * reached the file system root, another device, or the level limit first),
 * -errno when it could not tell (out of descriptors).  The walk runs with
 * fsuid 0, as the server, so a caller who may not search a parent does not
 * make the handle stale. */
static int dir_inside(const struct export *x, int f, const struct stat *st)
{
	struct stat cur = *st, up;
	uint32_t fsuid;
	int d = f, p, n, r = 0;

	if (st->st_ino == x->root_ino)
		return 1;
	fsuid = cred_raise();
	for (n = 0; n < LNFS_FH_DIR_WALK_MAX; n++) {
		p = openat(d, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (p < 0) {
			r = resource_errno(errno) ? -errno : 0;
			break;
		}
		if (d != f)
			close(d);
		d = p;
		if (fstat(d, &up) < 0) {
			r = resource_errno(errno) ? -errno : 0;
			break;
		}
		if (up.st_dev != x->dev || (up.st_ino == cur.st_ino && up.st_dev == cur.st_dev))
			break; /* another file system, or the root of this one */
		if (up.st_ino == x->root_ino) {
			r = 1;
			break;
		}
		cur = up;
	}
	if (d != f)
		close(d);
	cred_lower(fsuid);
	return r;
}

/* open_by_handle_at() of n host handle bytes of the given type in export x:
 * NFS4_OK and *out, or the status a failure means. */
static nfsstat4 open_host(const struct export *x, uint32_t type, const uint8_t *bytes, size_t n,
			  int flags, int *out)
{
	union host_handle u;

	u.h.handle_type = (int)type;
	u.h.handle_bytes = (unsigned int)n;
	memcpy(u.h.f_handle, bytes, n);
	*out = open_by_handle_at(x->mount_fd, &u.h, flags | O_CLOEXEC);
	if (*out >= 0)
		return NFS4_OK;
	switch (errno) {
	case ESTALE:
	case ENOENT:
	case ENOTDIR:
	case ELOOP:
		return NFS4ERR_STALE;
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return NFS4ERR_DELAY;
	case EPERM:
		return NFS4ERR_SERVERFAULT; /* lnfsd lacks CAP_DAC_READ_SEARCH */
	default:
		return NFS4ERR_BADHANDLE;
	}
}

/* Is inode st (dev and ino) an entry of the directory open as dfd (for
 * reading)?  1 yes, 0 no, -errno when the directory cannot be read.  The
 * scan matches d_ino and confirms the name with fstatat(), so a file system
 * whose d_ino differs from st_ino only makes the handle stale.  Staging
 * names are not entries (obj_name_hidden()). */
static int linked_in(int dfd, const struct stat *st)
{
	char buf[8192] __attribute__((aligned(8)));
	struct stat cur;
	ssize_t n, off;

	for (;;) {
		n = getdents64(dfd, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (off = 0; off < n;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);

			off += de->d_reclen;
			if (de->d_ino != st->st_ino || is_stage_name(de->d_name))
				continue;
			if (fstatat(dfd, de->d_name, &cur, AT_SYMLINK_NOFOLLOW) == 0 &&
			    cur.st_ino == st->st_ino && cur.st_dev == st->st_dev)
				return 1;
		}
	}
}

/* Kind 4 (subtree_check, see the top of this file): open the object and
 * require its parent, opened by handle, to be inside export x and to hold
 * it still.  The parent is opened and read as fsuid 0: a caller who may
 * not read the directory does not make the handle stale. */
static nfsstat4 subtree_resolve(const struct export *x, const struct nfs_fh *fh, int *out)
{
	const uint8_t *d = fh->data;
	size_t c = d[24];
	struct stat st, ds;
	uint32_t fsuid;
	nfsstat4 s;
	int f, p, in;

	if (d[25] || d[26] || d[27] || c == 0 || fh->len <= FH_SUB_HDR + c ||
	    c > FH_MAX_HOST || fh->len - FH_SUB_HDR - c > FH_MAX_HOST)
		return NFS4ERR_BADHANDLE;
	if (x->by_index)
		return NFS4ERR_STALE; /* host handles need CAP_DAC_READ_SEARCH */
	s = open_host(x, get_be32(d + 16), d + FH_SUB_HDR, c, O_PATH | O_NOFOLLOW, &f);
	if (s != NFS4_OK)
		return s;
	if (fstat(f, &st) < 0 || st.st_dev != x->dev || S_ISDIR(st.st_mode)) {
		close(f);
		return NFS4ERR_STALE;
	}
	fsuid = cred_raise();
	s = open_host(x, get_be32(d + 20), d + FH_SUB_HDR + c, fh->len - FH_SUB_HDR - c,
		      O_RDONLY | O_DIRECTORY, &p);
	if (s == NFS4_OK) {
		if (fstat(p, &ds) < 0 || ds.st_dev != x->dev || !S_ISDIR(ds.st_mode)) {
			s = NFS4ERR_STALE;
		} else {
			in = dir_inside(x, p, &ds);
			if (in > 0)
				in = linked_in(p, &st);
			s = in > 0 ? NFS4_OK : in < 0 && resource_errno(-in) ? NFS4ERR_DELAY :
									   NFS4ERR_STALE;
		}
		close(p);
	}
	cred_lower(fsuid);
	if (s != NFS4_OK) {
		close(f);
		return s == NFS4ERR_BADHANDLE ? NFS4ERR_STALE : s;
	}
	*out = f;
	return NFS4_OK;
}

nfsstat4 fh_resolve(const struct exports *e, const struct nfs_fh *fh, struct export **exp,
		    uint32_t *node, int *fd)
{
	uint64_t tag;
	struct export *x;
	struct stat st;
	uint32_t i, id;
	nfsstat4 s;
	int f;

	*exp = NULL;
	*fd = -1;
	*node = 0;
	if (fh->len < FH_HDR || fh->len > NFS4_FHSIZE || fh->data[0] != FH_VERSION ||
	    fh->data[2] || fh->data[3])
		return NFS4ERR_BADHANDLE;
	memcpy(&tag, fh->data + 8, 8);
	if (be64toh(tag) != fh_tag(e, fh->data, fh->len))
		return NFS4ERR_BADHANDLE;
	id = get_be32(fh->data + 4);
	if (fh->data[1] == FH_KIND_PSEUDO) {
		if (fh->len != FH_HDR)
			return NFS4ERR_BADHANDLE;
		for (i = 0; i < e->nnode; i++) {
			if (e->node[i].hash == id) {
				*node = i;
				return NFS4_OK;
			}
		}
		return NFS4ERR_STALE;
	}
	if (fh->data[1] == FH_KIND_INDEXED) {
		/* also on an export that has host handles now (the server
		 * gained the capability): the index and the search still work */
		x = exports_by_id(e, id);
		if (!x)
			return NFS4ERR_STALE;
		s = index_resolve(e, x, fh, &f);
		if (s != NFS4_OK)
			return s;
		*exp = x;
		*fd = f;
		return NFS4_OK;
	}
	if (fh->data[1] == FH_KIND_SUBTREE) {
		/* also on an export that no longer has subtree_check: checked */
		x = exports_by_id(e, id);
		if (!x)
			return NFS4ERR_STALE;
		s = subtree_resolve(x, fh, &f);
		if (s != NFS4_OK)
			return s;
		*exp = x;
		*fd = f;
		return NFS4_OK;
	}
	if (fh->data[1] != FH_KIND_OBJECT || fh->len <= FH_OBJ_HDR)
		return NFS4ERR_BADHANDLE;
	x = exports_by_id(e, id);
	if (!x)
		return NFS4ERR_STALE;
	if (x->by_index) {
		/* a host handle from a privileged run: it cannot be opened
		 * without CAP_DAC_READ_SEARCH, and says nothing portable */
		return NFS4ERR_STALE;
	}
	s = open_host(x, get_be32(fh->data + 16), fh->data + FH_OBJ_HDR, fh->len - FH_OBJ_HDR,
		      O_PATH | O_NOFOLLOW, &f);
	if (s != NFS4_OK)
		return s;
	if (fstat(f, &st) < 0 || st.st_dev != x->dev) {
		close(f);
		return NFS4ERR_STALE;
	}
	if (S_ISDIR(st.st_mode)) {
		int in = dir_inside(x, f, &st);

		if (in <= 0) {
			close(f);
			return in < 0 ? NFS4ERR_DELAY : NFS4ERR_STALE;
		}
	} else if (x->subtree_check) {
		/* issued before subtree_check was set: it names no parent */
		close(f);
		return NFS4ERR_STALE;
	}
	*exp = x;
	*fd = f;
	return NFS4_OK;
}

int fh_key_load(const char *dir, uint8_t key[16])
{
	char path[4096];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/fh.key", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, key, 16);
		close(fd);
		if (n == 16)
			return 0;
	}
	if (getrandom(key, 16, 0) != 16)
		return -EIO;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	n = write(fd, key, 16);
	if (n != 16 || fsync(fd) < 0) {
		close(fd);
		unlink(path);
		return -EIO;
	}
	close(fd);
	return 0;
}
