/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export.c - the export table, the pseudo-filesystem that leads to the
 * exports, and file handles.  Nothing here follows a path a client sent:
 * export paths come from the configuration and are opened once, O_PATH.
 *
 * Handle layout (all integers big-endian):
 *   [0] version 1  [1] kind (1 pseudo, 2 object)  [2..3] zero
 *   [4..7] export id (object) or pseudo path hash (pseudo)
 *   [8..15] tag = SipHash-2-4(key, bytes 0..7 || bytes 16..end)
 *   object only: [16..19] host handle type, [20..] host handle bytes
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/export.h"

#define FH_VERSION 1
#define FH_KIND_PSEUDO 1
#define FH_KIND_OBJECT 2
#define FH_HDR 16
#define FH_OBJ_HDR 20
#define FH_MAX_HOST (NFS4_FHSIZE - FH_OBJ_HDR)

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

int exports_new(const char *const *paths, const uint32_t *ids, const struct cfg_export *const *cfgs,
		uint32_t n, const uint8_t key[16], struct exports **out, char *err, size_t errlen)
{
	struct exports *e;
	uint32_t i, j;
	int r;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	memcpy(e->fh_key, key, 16);
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

static int fh_from_host(const struct exports *e, const struct export *x, int dirfd,
			const char *name, int flags, struct nfs_fh *fh)
{
	union {
		struct file_handle h;
		uint8_t raw[sizeof(struct file_handle) + FH_MAX_HOST];
	} u;
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

int fh_for_fd(const struct exports *e, const struct export *x, int fd, struct nfs_fh *fh)
{
	return fh_from_host(e, x, fd, "", AT_EMPTY_PATH, fh);
}

int fh_for_name(const struct exports *e, const struct export *x, int dirfd, const char *name,
		struct nfs_fh *fh)
{
	return fh_from_host(e, x, dirfd, name, 0, fh);
}

nfsstat4 fh_resolve(const struct exports *e, const struct nfs_fh *fh, struct export **exp,
		    uint32_t *node, int *fd)
{
	union {
		struct file_handle h;
		uint8_t raw[sizeof(struct file_handle) + FH_MAX_HOST];
	} u;
	uint64_t tag;
	struct export *x;
	struct stat st;
	uint32_t i, id;
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
	if (fh->data[1] != FH_KIND_OBJECT || fh->len <= FH_OBJ_HDR)
		return NFS4ERR_BADHANDLE;
	x = exports_by_id(e, id);
	if (!x)
		return NFS4ERR_STALE;
	u.h.handle_type = (int)get_be32(fh->data + 16);
	u.h.handle_bytes = fh->len - FH_OBJ_HDR;
	memcpy(u.h.f_handle, fh->data + FH_OBJ_HDR, u.h.handle_bytes);
	f = open_by_handle_at(x->mount_fd, &u.h, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (f < 0) {
		switch (errno) {
		case ESTALE:
		case ENOENT:
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
	if (fstat(f, &st) < 0 || st.st_dev != x->dev) {
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
