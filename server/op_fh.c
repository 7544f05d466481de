/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_fh.c - operations that set or read the current filehandle (RFC 8881
 * §18.19-18.24, §18.13-18.15, §18.29, §18.45): PUTROOTFH, PUTPUBFH, PUTFH,
 * GETFH, SAVEFH, RESTOREFH, LOOKUP, LOOKUPP, SECINFO, SECINFO_NO_NAME, and
 * the object helpers of obj.h.
 *
 * LOOKUP never follows a client-supplied path: one component at a time,
 * openat(O_PATH | O_NOFOLLOW) relative to the directory's descriptor.
 * LOOKUPP stops at the export root and continues in the pseudo-fs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rpc/rpc.h"
#include "server/attr.h"
#include "server/export.h"
#include "server/obj.h"
#include "server/ops.h"
#include "server/srv.h"

nfsstat4 obj_set_fd(struct compound *c, struct cur_obj *o, struct export *x, int fd)
{
	struct nfs_fh fh;
	int r;

	r = fh_for_fd(c->exports, x, fd, &fh);
	if (r < 0) {
		close(fd);
		return r == -ENAMETOOLONG ? NFS4ERR_SERVERFAULT : nfs4_errno(-r);
	}
	cur_obj_release(o);
	o->set = true;
	o->fh = fh;
	o->exp = x;
	o->fd = fd;
	return NFS4_OK;
}

nfsstat4 obj_set_pseudo(struct compound *c, struct cur_obj *o, uint32_t node)
{
	const struct exports *e = c->exports;
	struct export *x = e->node[node].exp;

	if (x) {
		int fd = fcntl(x->root_fd, F_DUPFD_CLOEXEC, 0);

		if (fd < 0)
			return NFS4ERR_DELAY;
		return obj_set_fd(c, o, x, fd);
	}
	cur_obj_release(o);
	o->set = true;
	o->pseudo_node = node;
	fh_for_pseudo(e, node, &o->fh);
	return NFS4_OK;
}

bool obj_name_hidden(const char *name)
{
	return strncmp(name, LNFS_STAGE_PREFIX, sizeof(LNFS_STAGE_PREFIX) - 1) == 0;
}

nfsstat4 obj_get_name(struct xdr_in *args, char *buf)
{
	struct xdr_view v;

	if (!xdr_get_opaque(args, UINT32_MAX, &v))
		return NFS4ERR_BADXDR;
	if (v.len == 0)
		return NFS4ERR_INVAL;
	if (v.len > LNFS_MAX_NAME)
		return NFS4ERR_NAMETOOLONG;
	if (memchr(v.data, '/', v.len) || memchr(v.data, 0, v.len))
		return NFS4ERR_BADCHAR;
	if ((v.len == 1 && v.data[0] == '.') ||
	    (v.len == 2 && v.data[0] == '.' && v.data[1] == '.'))
		return NFS4ERR_BADNAME;
	memcpy(buf, v.data, v.len);
	buf[v.len] = 0;
	return NFS4_OK;
}

nfsstat4 obj_stat(const struct compound *c, const struct cur_obj *o, struct stat *st)
{
	if (!o->exp) {
		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFDIR | 0555;
		return NFS4_OK;
	}
	if (fstat(o->fd, st) < 0)
		return nfs4_errno(errno);
	return NFS4_OK;
}

nfsstat4 obj_want_dir(const struct compound *c, const struct cur_obj *o)
{
	struct stat st;
	nfsstat4 r = obj_stat(c, o, &st);

	if (r != NFS4_OK)
		return r;
	if (S_ISDIR(st.st_mode))
		return NFS4_OK;
	return S_ISLNK(st.st_mode) ? NFS4ERR_SYMLINK : NFS4ERR_NOTDIR;
}

int obj_reopen(const struct cur_obj *o, int flags)
{
	char path[64];
	int fd;

	if (!o->exp)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/thread-self/fd/%d", o->fd);
	fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

NFS4_OP(putrootfh)
{
	return obj_set_pseudo(c, &c->cur, 0);
}

NFS4_OP(putpubfh)
{
	/* RFC 8881 §18.20: the public fh may be the root fh */
	return obj_set_pseudo(c, &c->cur, 0);
}

NFS4_OP(putfh)
{
	struct xdr_view v;
	struct nfs_fh fh;
	struct export *x;
	uint32_t node;
	nfsstat4 r;
	int fd;

	if (!xdr_get_opaque(args, NFS4_FHSIZE, &v)) {
		/* a handle longer than NFS4_FHSIZE is a bad handle, not bad XDR,
		 * when the bytes are all there */
		uint32_t len;
		struct xdr_in peek = *args;

		if (xdr_get_u32(&peek, &len) && len > NFS4_FHSIZE && xdr_skip(&peek, len)) {
			*args = peek;
			return NFS4ERR_BADHANDLE;
		}
		return NFS4ERR_BADXDR;
	}
	fh.len = v.len;
	memcpy(fh.data, v.data, v.len);
	r = fh_resolve(c->exports, &fh, &x, &node, &fd);
	if (r != NFS4_OK)
		return r;
	cur_obj_release(&c->cur);
	c->cur.set = true;
	c->cur.fh = fh;
	c->cur.exp = x;
	c->cur.pseudo_node = node;
	c->cur.fd = fd;
	return NFS4_OK;
}

NFS4_OP(getfh)
{
	return xdr_put_opaque(res, c->cur.fh.data, c->cur.fh.len) ? NFS4_OK : NFS4ERR_RESOURCE;
}

NFS4_OP(savefh)
{
	cur_obj_copy(&c->saved, &c->cur);
	return c->saved.set ? NFS4_OK : NFS4ERR_DELAY;
}

NFS4_OP(restorefh)
{
	if (!c->saved.set)
		return NFS4ERR_RESTOREFH;
	cur_obj_copy(&c->cur, &c->saved);
	return c->cur.set ? NFS4_OK : NFS4ERR_DELAY;
}

/* LOOKUP of name in the current directory, leaving the result current. */
static nfsstat4 lookup_name(struct compound *c, const char *name)
{
	struct cur_obj *o = &c->cur;
	struct stat st;
	nfsstat4 r;
	int fd;

	r = obj_want_dir(c, o);
	if (r != NFS4_OK)
		return r;
	if (!o->exp) {
		uint32_t n = pseudo_lookup(c->exports, o->pseudo_node, name, strlen(name));

		if (n == UINT32_MAX)
			return NFS4ERR_NOENT;
		return obj_set_pseudo(c, o, n);
	}
	if (obj_name_hidden(name))
		return NFS4ERR_NOENT;
	fd = openat(o->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nfs4_errno(errno);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return nfs4_errno(errno);
	}
	if (st.st_dev != o->exp->dev) {
		/* a host mount point inside the export: not served (no crossmnt) */
		close(fd);
		return NFS4ERR_ACCESS;
	}
	return obj_set_fd(c, o, o->exp, fd);
}

NFS4_OP(lookup)
{
	char name[LNFS_MAX_NAME + 1];
	nfsstat4 r = obj_get_name(args, name);

	if (r != NFS4_OK) {
		/* the object must still be a directory for NOTDIR to win */
		nfsstat4 d = obj_want_dir(c, &c->cur);

		return d != NFS4_OK && r != NFS4ERR_BADXDR ? d : r;
	}
	return lookup_name(c, name);
}

NFS4_OP(lookupp)
{
	struct cur_obj *o = &c->cur;
	const struct exports *e = c->exports;
	struct stat st;
	nfsstat4 r;
	int fd;

	r = obj_want_dir(c, o);
	if (r != NFS4_OK)
		return r;
	if (!o->exp) {
		if (o->pseudo_node == 0)
			return NFS4ERR_NOENT;
		return obj_set_pseudo(c, o, e->node[o->pseudo_node].parent);
	}
	if (fstat(o->fd, &st) < 0)
		return nfs4_errno(errno);
	if (st.st_ino == o->exp->root_ino && st.st_dev == o->exp->dev) {
		/* leave the export: the pseudo directory holding its root */
		uint32_t n = o->exp->pseudo_node;

		if (n == 0)
			return NFS4ERR_NOENT;
		n = e->node[n].parent;
		cur_obj_release(o);
		o->set = true;
		o->pseudo_node = n;
		fh_for_pseudo(e, n, &o->fh);
		return NFS4_OK;
	}
	fd = openat(o->fd, "..", O_PATH | O_CLOEXEC);
	if (fd < 0)
		return nfs4_errno(errno);
	return obj_set_fd(c, o, o->exp, fd);
}

/* secinfo4 list: the flavours the export accepts (AUTH_SYS, AUTH_NONE until
 * RPCSEC_GSS exists). */
static nfsstat4 put_secinfo(struct xdr_out *res)
{
	xdr_put_u32(res, 2);
	xdr_put_u32(res, RPC_AUTH_SYS);
	xdr_put_u32(res, RPC_AUTH_NONE);
	return res->overflow ? NFS4ERR_RESOURCE : NFS4_OK;
}

NFS4_OP(secinfo)
{
	char name[LNFS_MAX_NAME + 1];
	struct cur_obj save;
	nfsstat4 r;

	r = obj_get_name(args, name);
	if (r != NFS4_OK)
		return r;
	/* look the name up to report NOENT etc., then consume the fh
	 * (RFC 8881 §2.6.3.1.1.8: SECINFO leaves no current filehandle) */
	memset(&save, 0, sizeof(save));
	save.fd = -1;
	cur_obj_copy(&save, &c->cur);
	r = lookup_name(c, name);
	cur_obj_release(&save);
	if (r != NFS4_OK)
		return r;
	cur_obj_release(&c->cur);
	return put_secinfo(res);
}

NFS4_OP(secinfo_no_name)
{
	uint32_t style;
	nfsstat4 r;

	if (!xdr_get_u32(args, &style))
		return NFS4ERR_BADXDR;
	if (style > 1)
		return NFS4ERR_INVAL;
	if (style == 1) {
		r = nfs4_op_lookupp(c, args, res);
		if (r != NFS4_OK)
			return r;
	}
	cur_obj_release(&c->cur);
	return put_secinfo(res);
}
