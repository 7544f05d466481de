/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_attr.c - GETATTR, SETATTR, VERIFY, NVERIFY and ACCESS (RFC 8881
 * §18.7, §18.30, §18.31, §18.15, §18.1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/attr.h"
#include "server/export.h"
#include "server/obj.h"
#include "server/ops.h"
#include "server/srv.h"
#include "server/state.h"
#include "server/xattr.h"

static void attr_obj_from_cur(const struct cur_obj *o, struct attr_obj *ao)
{
	memset(ao, 0, sizeof(*ao));
	ao->exp = o->exp;
	ao->node = o->pseudo_node;
	ao->fd = o->exp ? o->fd : -1;
	ao->fh = &o->fh;
}

NFS4_OP(getattr)
{
	uint32_t req[LNFS_MAX_BITMAP_WORDS], n;
	struct attr_obj ao;

	if (!nfs4_dec_bitmap4(args, req, LNFS_MAX_BITMAP_WORDS, &n))
		return NFS4ERR_BADXDR;
	attr_obj_from_cur(&c->cur, &ao);
	return attr_encode(c, &ao, req, n, res);
}

NFS4_OP(setattr)
{
	uint32_t done[FATTR4_WORDS] = { 0 };
	struct stateid4 sid;
	struct attr_set *s;
	nfsstat4 r;

	s = malloc(sizeof(*s));
	if (!s)
		return NFS4ERR_DELAY;
	if (!nfs4_dec_stateid4(args, &sid)) {
		r = NFS4ERR_BADXDR;
		goto out;
	}
	r = attr_decode_set(c, c->cur.exp, args, s);
	if (r != NFS4_OK)
		goto out;
	if (!c->cur.exp) {
		r = NFS4ERR_ROFS; /* the pseudo-fs is read-only */
		goto out;
	}
	if (obj_export_readonly(c, c->cur.exp)) {
		r = NFS4ERR_ROFS;
		goto out;
	}
	if (attr_isset(s->mask, FATTR4_SIZE)) {
		struct open_state *os = NULL;
		struct stat st;
		int fd = -1;

		/* RFC 8881 §18.30.3: a size change checks the stateid like WRITE */
		if (fstat(c->cur.fd, &st) < 0) {
			r = nfs4_errno(errno);
			goto out;
		}
		r = state_stateid_for_io(c, &sid, st.st_dev, st.st_ino, true, &fd, &os);
		if (r != NFS4_OK)
			goto out;
		state_io_done(os);
	}
	r = attr_apply(c, c->cur.exp, c->cur.fd, s, done);
out:
	free(s);
	/* attrsset is returned on success and on error (RFC 8881 §18.30.2) */
	nfs4_enc_bitmap4(res, done, FATTR4_WORDS);
	return r;
}

/* VERIFY and NVERIFY: encode our attributes for the client's bitmap and
 * compare the attrlist4 bytes (RFC 8881 §18.31.4). */
static nfsstat4 attrs_equal(struct compound *c, struct xdr_in *args, bool *same)
{
	uint32_t req[LNFS_MAX_BITMAP_WORDS], n, sup[FATTR4_WORDS], i;
	struct xdr_view list;
	struct attr_obj ao;
	struct xdr_out tmp;
	struct xdr_in t;
	nfsstat4 r;
	uint32_t nw, len;

	if (!nfs4_dec_bitmap4(args, req, LNFS_MAX_BITMAP_WORDS, &n) ||
	    !xdr_get_opaque(args, LNFS_MAX_ATTRLIST, &list))
		return NFS4ERR_BADXDR;
	attr_supported(c, c->cur.exp, sup);
	for (i = 0; i < n; i++)
		if (req[i] & ~(i < FATTR4_WORDS ? sup[i] : 0))
			return NFS4ERR_ATTRNOTSUPP;
	if (attr_isset(req, FATTR4_RDATTR_ERROR))
		return NFS4ERR_INVAL;
	if (attr_isset(req, FATTR4_TIME_ACCESS_SET) || attr_isset(req, FATTR4_TIME_MODIFY_SET))
		return NFS4ERR_INVAL;
	attr_obj_from_cur(&c->cur, &ao);
	xdr_out_init(&tmp, LNFS_MAX_ATTRLIST + 1024);
	r = attr_encode(c, &ao, req, n, &tmp);
	if (r == NFS4_OK) {
		/* skip our bitmap and length word to reach the attrlist bytes */
		xdr_in_init(&t, tmp.buf, tmp.len);
		xdr_get_u32(&t, &nw);
		xdr_skip(&t, (size_t)nw * 4);
		xdr_get_u32(&t, &len);
		*same = len == list.len && !memcmp(t.p, list.data, len);
	}
	xdr_out_release(&tmp);
	return r;
}

NFS4_OP(verify)
{
	bool same = false;
	nfsstat4 r = attrs_equal(c, args, &same);

	if (r != NFS4_OK)
		return r;
	return same ? NFS4_OK : NFS4ERR_NOT_SAME;
}

NFS4_OP(nverify)
{
	bool same = false;
	nfsstat4 r = attrs_equal(c, args, &same);

	if (r != NFS4_OK)
		return r;
	return same ? NFS4ERR_SAME : NFS4_OK;
}

/* Can the caller's credentials read/write/execute an object of mode m
 * owned by uid/gid?  The same rules as the kernel's generic_permission()
 * without ACLs; root may do everything but execute a file nobody can. */
unsigned obj_perms(const struct compound *c, const struct stat *st)
{
	struct cred_id id;
	unsigned bits;
	uint32_t i;

	/* the identity the op runs with: after the export's squash rule */
	cred_for(c, c->cur.exp, &id);
	/* an unprivileged server's own identity has only its user's rights */
	if (id.uid == 0 || (id.server && !(c->srv && c->srv->single_user))) {
		bits = 6;
		if (S_ISDIR(st->st_mode) || (st->st_mode & 0111))
			bits |= 1;
		return bits;
	}
	if (id.uid == st->st_uid)
		return (st->st_mode >> 6) & 7;
	if (id.gid == st->st_gid)
		return (st->st_mode >> 3) & 7;
	for (i = 0; i < id.ngids; i++)
		if (id.gids[i] == st->st_gid)
			return (st->st_mode >> 3) & 7;
	return st->st_mode & 7;
}

NFS4_OP(access)
{
	uint32_t want, supported, granted = 0, xa_sup, xa_granted;
	struct stat st;
	unsigned p;
	nfsstat4 r;

	if (!xdr_get_u32(args, &want))
		return NFS4ERR_BADXDR;
	supported = want & (ACCESS4_READ | ACCESS4_LOOKUP | ACCESS4_MODIFY | ACCESS4_EXTEND |
			    ACCESS4_DELETE | ACCESS4_EXECUTE);
	r = obj_stat(c, &c->cur, &st);
	if (r != NFS4_OK)
		return r;
	if (!c->cur.exp) {
		granted = supported & (ACCESS4_READ | ACCESS4_LOOKUP);
	} else {
		p = obj_perms(c, &st);
		if (p & 4)
			granted |= ACCESS4_READ;
		if (p & 2) {
			granted |= ACCESS4_MODIFY | ACCESS4_EXTEND;
			if (S_ISDIR(st.st_mode))
				granted |= ACCESS4_DELETE;
		}
		if (p & 1)
			granted |= S_ISDIR(st.st_mode) ? ACCESS4_LOOKUP : ACCESS4_EXECUTE;
		if (obj_export_readonly(c, c->cur.exp))
			granted &= ~(ACCESS4_MODIFY | ACCESS4_EXTEND | ACCESS4_DELETE);
		granted &= supported;
	}
	/* RFC 8276 §8.5: the xattr bits, at minor version 2 only */
	xattr_access(c, &st, want, &xa_sup, &xa_granted);
	supported |= xa_sup;
	granted |= xa_granted;
	xdr_put_u32(res, supported);
	xdr_put_u32(res, granted);
	return NFS4_OK;
}
