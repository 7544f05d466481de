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

#include "config/cfg.h"
#include "lfs/procfd.h"
#include "rpc/rpc.h"
#include "server/attr.h"
#include "server/export.h"
#include "server/obj.h"
#include "server/ops.h"
#include "server/srv.h"

nfsstat4 obj_set_fd(struct compound *c, struct cur_obj *o, struct export *x, int fd)
{
	return obj_set_child(c, o, x, -1, fd);
}

nfsstat4 obj_set_child(struct compound *c, struct cur_obj *o, struct export *x, int dirfd, int fd)
{
	struct nfs_fh fh;
	int r;

	r = dirfd < 0 ? fh_for_fd(c->exports, x, fd, &fh) : fh_for_child(c->exports, x, dirfd, fd, &fh);
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
	int fd;

	if (!o->exp)
		return -EINVAL;
	fd = procfd_open(o->fd, flags | O_NOCTTY);
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
	fh_learn(c->exports, o->exp, o->fd, name, fd); /* index handles (export.h) */
	return obj_set_child(c, o, o->exp, o->fd, fd);
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
	r = lookup_name(c, name);
	/* RFC 8881 §2.6.3.1.1.3: LOOKUP answers for the object it reaches */
	if (r == NFS4_OK && !obj_flavor_ok(c, c->cur.exp))
		r = NFS4ERR_WRONGSEC;
	return r;
}

/* LOOKUPP without the flavour check (SECINFO_NO_NAME uses it too). */
static nfsstat4 lookup_parent(struct compound *c)
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

NFS4_OP(lookupp)
{
	nfsstat4 r = lookup_parent(c);

	/* RFC 8881 §2.6.3.1.1.4 */
	if (r == NFS4_OK && !obj_flavor_ok(c, c->cur.exp))
		r = NFS4ERR_WRONGSEC;
	return r;
}

/* ---- security flavours (RFC 8881 §2.6, §18.29, §18.45) ---- */

/* Kerberos v5 mechanism OID 1.2.840.113554.1.2.2, DER contents without the
 * tag and length, as sec_oid4 carries it (and as the Linux client compares). */
static const uint8_t krb5_oid[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };

/* The cfg_sec of the call's credential. */
static enum cfg_sec call_sec(const struct compound *c)
{
	const struct rpc_cred *rc = &c->call->cred;

	if (rc->flavor == RPC_AUTH_GSS)
		return rc->gss_service == RPC_GSS_SVC_PRIVACY	? CFG_SEC_KRB5P :
		       rc->gss_service == RPC_GSS_SVC_INTEGRITY ? CFG_SEC_KRB5I :
								  CFG_SEC_KRB5;
	return rc->flavor == RPC_AUTH_SYS ? CFG_SEC_SYS : CFG_SEC_NONE;
}

/* The caller's client rule of a configured export, or NULL. */
static const struct cfg_client *sec_rule(const struct compound *c, const struct cfg_export *ce)
{
	return srv_client_rule(c, ce);
}

bool obj_flavor_ok(const struct compound *c, const struct export *x)
{
	const struct cfg_client *cl;
	unsigned mask;
	enum cfg_sec s;

	if (!x || !c->call)
		return true;
	cl = x->cfg ? sec_rule(c, x->cfg) : NULL;
	mask = cl ? cl->sec_mask : 1u << CFG_SEC_SYS;
	s = call_sec(c);
	if (s == CFG_SEC_NONE && (mask & (1u << CFG_SEC_SYS)))
		return true;
	return (mask & (1u << s)) != 0;
}

/* One secinfo4: flavor, and for RPCSEC_GSS rpcsec_gss_info (oid, qop 0,
 * service). */
static void put_one_sec(struct xdr_out *res, enum cfg_sec s)
{
	switch (s) {
	case CFG_SEC_SYS:
		xdr_put_u32(res, RPC_AUTH_SYS);
		break;
	case CFG_SEC_NONE:
		xdr_put_u32(res, RPC_AUTH_NONE);
		break;
	default:
		xdr_put_u32(res, RPC_AUTH_GSS);
		xdr_put_opaque(res, krb5_oid, sizeof(krb5_oid));
		xdr_put_u32(res, 0);
		xdr_put_u32(res, s == CFG_SEC_KRB5P ? RPC_GSS_SVC_PRIVACY :
				 s == CFG_SEC_KRB5I ? RPC_GSS_SVC_INTEGRITY :
						      RPC_GSS_SVC_NONE);
		break;
	}
}

/*
 * SECINFO4resok: the flavours of the caller's client rule of export x, in
 * its sec= order.  For a pseudo directory (x == NULL), every flavour some
 * export offers the caller, in configuration order, so a client probing
 * the root finds one it can use below it.
 */
static nfsstat4 put_secinfo(struct compound *c, const struct export *x, struct xdr_out *res)
{
	const struct cfg *cfg = c->snap ? c->snap->cfg : NULL;
	const struct cfg_client *cl;
	uint8_t list[CFG_SEC_COUNT];
	unsigned i, j, n = 0, seen = 0;

	if (x) {
		cl = x->cfg ? sec_rule(c, x->cfg) : NULL;
		for (i = 0; cl && i < cl->nsec && n < CFG_SEC_COUNT; i++)
			list[n++] = cl->sec[i];
	} else {
		for (i = 0; cfg && i < cfg->nexports; i++) {
			cl = sec_rule(c, &cfg->exports[i]);
			for (j = 0; cl && j < cl->nsec && n < CFG_SEC_COUNT; j++) {
				if (seen & (1u << cl->sec[j]))
					continue;
				seen |= 1u << cl->sec[j];
				list[n++] = cl->sec[j];
			}
		}
	}
	if (n == 0)
		list[n++] = CFG_SEC_SYS; /* no rule: the default, sec=sys */
	xdr_put_u32(res, n);
	for (i = 0; i < n; i++)
		put_one_sec(res, (enum cfg_sec)list[i]);
	return res->overflow ? NFS4ERR_RESOURCE : NFS4_OK;
}

NFS4_OP(secinfo)
{
	char name[LNFS_MAX_NAME + 1];
	struct export *x;
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
	x = c->cur.exp;
	cur_obj_release(&c->cur);
	return put_secinfo(c, x, res);
}

NFS4_OP(secinfo_no_name)
{
	struct export *x;
	uint32_t style;
	nfsstat4 r;

	if (!xdr_get_u32(args, &style))
		return NFS4ERR_BADXDR;
	if (style > 1)
		return NFS4ERR_INVAL;
	if (style == 1) {
		/* no WRONGSEC from SECINFO_NO_NAME (RFC 8881 §2.6.3.1.1.5) */
		r = lookup_parent(c);
		if (r != NFS4_OK)
			return r;
	}
	x = c->cur.exp;
	cur_obj_release(&c->cur);
	return put_secinfo(c, x, res);
}
