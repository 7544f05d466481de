/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfs4_reply.c - the client's RPC reply header, COMPOUND4res and fattr4
 * decoders.
 *
 * Everything reads through struct xdr_in, so a truncated or lying reply
 * ends in -EBADMSG, never in a read past the buffer.  Results borrow the
 * reply bytes (names, data, owners, labels); the only allocations are the
 * per-op result array and READDIR entry arrays, both freed by
 * nfs4_compound_res_release().  Counts from the wire are checked against
 * the bytes left before anything is allocated for them.
 */
#include "tests/lib/nfs4_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BITMAP_WIRE_MAX 8	/* bitmap4 words accepted on the wire */

bool nfs4_decode_bitmap(struct xdr_in *x, struct nfs4_bitmap *bm)
{
	uint32_t n, w;

	nfs4_bitmap_clear(bm);
	if (!xdr_get_u32(x, &n) || n > BITMAP_WIRE_MAX)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (!xdr_get_u32(x, &w))
			return false;
		if (i < NFS4_BITMAP_WORDS) {
			bm->w[i] = w;
			bm->n = i + 1;
		}
	}
	return true;
}

static bool get_time(struct xdr_in *x, struct nfs4_time *t)
{
	return xdr_get_i64(x, &t->sec) && xdr_get_u32(x, &t->nsec);
}

static bool get_u32_array_count(struct xdr_in *x, uint32_t *count)
{
	if (!xdr_get_u32(x, count) || *count > xdr_in_left(x) / 4)
		return false;
	return xdr_skip(x, (size_t)*count * 4);
}

/* nfsace4<>: count it, skip it. */
static bool skip_acl(struct xdr_in *x, uint32_t *count)
{
	struct xdr_view who;
	uint32_t n, v;

	if (!xdr_get_u32(x, &n) || n > xdr_in_left(x) / 16)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (!xdr_get_u32(x, &v) || !xdr_get_u32(x, &v) || !xdr_get_u32(x, &v) ||
		    !xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &who))
			return false;
	}
	*count = n;
	return true;
}

static bool get_bool_field(struct xdr_in *x, bool *b)
{
	return xdr_get_bool(x, b);
}

/* One attribute value; -1 malformed, 0 unknown attribute, 1 decoded. */
static int decode_attr(struct xdr_in *x, uint32_t attr, struct nfs4_attrs *a)
{
	bool ok;

	switch (attr) {
	case FATTR4_SUPPORTED_ATTRS:
		ok = nfs4_decode_bitmap(x, &a->supported_attrs);
		break;
	case FATTR4_TYPE:
		ok = xdr_get_u32(x, &a->type);
		break;
	case FATTR4_FH_EXPIRE_TYPE:
		ok = xdr_get_u32(x, &a->fh_expire_type);
		break;
	case FATTR4_CHANGE:
		ok = xdr_get_u64(x, &a->change);
		break;
	case FATTR4_SIZE:
		ok = xdr_get_u64(x, &a->size);
		break;
	case FATTR4_LINK_SUPPORT:
		ok = get_bool_field(x, &a->link_support);
		break;
	case FATTR4_SYMLINK_SUPPORT:
		ok = get_bool_field(x, &a->symlink_support);
		break;
	case FATTR4_NAMED_ATTR:
		ok = get_bool_field(x, &a->named_attr);
		break;
	case FATTR4_FSID:
		ok = xdr_get_u64(x, &a->fsid.major) && xdr_get_u64(x, &a->fsid.minor);
		break;
	case FATTR4_UNIQUE_HANDLES:
		ok = get_bool_field(x, &a->unique_handles);
		break;
	case FATTR4_LEASE_TIME:
		ok = xdr_get_u32(x, &a->lease_time);
		break;
	case FATTR4_RDATTR_ERROR:
		ok = xdr_get_u32(x, &a->rdattr_error);
		break;
	case FATTR4_ACL:
		ok = skip_acl(x, &a->acl_count);
		break;
	case FATTR4_ACLSUPPORT:
		ok = xdr_get_u32(x, &a->aclsupport);
		break;
	case FATTR4_ARCHIVE:
		ok = get_bool_field(x, &a->archive);
		break;
	case FATTR4_CANSETTIME:
		ok = get_bool_field(x, &a->cansettime);
		break;
	case FATTR4_CASE_INSENSITIVE:
		ok = get_bool_field(x, &a->case_insensitive);
		break;
	case FATTR4_CASE_PRESERVING:
		ok = get_bool_field(x, &a->case_preserving);
		break;
	case FATTR4_CHOWN_RESTRICTED:
		ok = get_bool_field(x, &a->chown_restricted);
		break;
	case FATTR4_FILEHANDLE:
		ok = xdr_get_opaque(x, NFS4_FHSIZE, &a->filehandle);
		break;
	case FATTR4_FILEID:
		ok = xdr_get_u64(x, &a->fileid);
		break;
	case FATTR4_FILES_AVAIL:
		ok = xdr_get_u64(x, &a->files_avail);
		break;
	case FATTR4_FILES_FREE:
		ok = xdr_get_u64(x, &a->files_free);
		break;
	case FATTR4_FILES_TOTAL:
		ok = xdr_get_u64(x, &a->files_total);
		break;
	case FATTR4_HIDDEN:
		ok = get_bool_field(x, &a->hidden);
		break;
	case FATTR4_HOMOGENEOUS:
		ok = get_bool_field(x, &a->homogeneous);
		break;
	case FATTR4_MAXFILESIZE:
		ok = xdr_get_u64(x, &a->maxfilesize);
		break;
	case FATTR4_MAXLINK:
		ok = xdr_get_u32(x, &a->maxlink);
		break;
	case FATTR4_MAXNAME:
		ok = xdr_get_u32(x, &a->maxname);
		break;
	case FATTR4_MAXREAD:
		ok = xdr_get_u64(x, &a->maxread);
		break;
	case FATTR4_MAXWRITE:
		ok = xdr_get_u64(x, &a->maxwrite);
		break;
	case FATTR4_MODE:
		ok = xdr_get_u32(x, &a->mode);
		break;
	case FATTR4_NO_TRUNC:
		ok = get_bool_field(x, &a->no_trunc);
		break;
	case FATTR4_NUMLINKS:
		ok = xdr_get_u32(x, &a->numlinks);
		break;
	case FATTR4_OWNER:
		ok = xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &a->owner);
		break;
	case FATTR4_OWNER_GROUP:
		ok = xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &a->owner_group);
		break;
	case FATTR4_QUOTA_AVAIL_HARD:
		ok = xdr_get_u64(x, &a->quota_avail_hard);
		break;
	case FATTR4_QUOTA_AVAIL_SOFT:
		ok = xdr_get_u64(x, &a->quota_avail_soft);
		break;
	case FATTR4_QUOTA_USED:
		ok = xdr_get_u64(x, &a->quota_used);
		break;
	case FATTR4_RAWDEV:
		ok = xdr_get_u32(x, &a->rawdev.major) && xdr_get_u32(x, &a->rawdev.minor);
		break;
	case FATTR4_SPACE_AVAIL:
		ok = xdr_get_u64(x, &a->space_avail);
		break;
	case FATTR4_SPACE_FREE:
		ok = xdr_get_u64(x, &a->space_free);
		break;
	case FATTR4_SPACE_TOTAL:
		ok = xdr_get_u64(x, &a->space_total);
		break;
	case FATTR4_SPACE_USED:
		ok = xdr_get_u64(x, &a->space_used);
		break;
	case FATTR4_SYSTEM:
		ok = get_bool_field(x, &a->system);
		break;
	case FATTR4_TIME_ACCESS:
		ok = get_time(x, &a->time_access);
		break;
	case FATTR4_TIME_BACKUP:
		ok = get_time(x, &a->time_backup);
		break;
	case FATTR4_TIME_CREATE:
		ok = get_time(x, &a->time_create);
		break;
	case FATTR4_TIME_DELTA:
		ok = get_time(x, &a->time_delta);
		break;
	case FATTR4_TIME_METADATA:
		ok = get_time(x, &a->time_metadata);
		break;
	case FATTR4_TIME_MODIFY:
		ok = get_time(x, &a->time_modify);
		break;
	case FATTR4_MOUNTED_ON_FILEID:
		ok = xdr_get_u64(x, &a->mounted_on_fileid);
		break;
	case FATTR4_FS_LAYOUT_TYPES:
		ok = get_u32_array_count(x, &a->fs_layout_types_count);
		break;
	case FATTR4_LAYOUT_BLKSIZE:
		ok = xdr_get_u32(x, &a->layout_blksize);
		break;
	case FATTR4_SUPPATTR_EXCLCREAT:
		ok = nfs4_decode_bitmap(x, &a->suppattr_exclcreat);
		break;
	case FATTR4_FS_CHARSET_CAP:
		ok = xdr_get_u32(x, &a->fs_charset_cap);
		break;
	case FATTR4_CLONE_BLKSIZE:
		ok = xdr_get_u32(x, &a->clone_blksize);
		break;
	case FATTR4_SPACE_FREED:
		ok = xdr_get_u64(x, &a->space_freed);
		break;
	case FATTR4_CHANGE_ATTR_TYPE:
		ok = xdr_get_u32(x, &a->change_attr_type);
		break;
	case FATTR4_SEC_LABEL:
		ok = xdr_get_u32(x, &a->sec_label.lfs) && xdr_get_u32(x, &a->sec_label.pi) &&
		     xdr_get_opaque(x, NFS4_MAXLABELLEN, &a->sec_label.data);
		break;
	case FATTR4_MODE_UMASK:
		ok = xdr_get_u32(x, &a->mode_umask.mode) && xdr_get_u32(x, &a->mode_umask.umask);
		break;
	case FATTR4_XATTR_SUPPORT:
		ok = get_bool_field(x, &a->xattr_support);
		break;
	default:
		return 0;
	}
	return ok ? 1 : -1;
}

/*
 * fattr4 = bitmap4 attrmask + opaque attrlist4.  The values must fill the
 * attrlist exactly (RFC 8881 §3.3.17); leftover bytes mean a broken reply.
 */
bool nfs4_decode_fattr4(struct xdr_in *x, struct nfs4_attrs *a)
{
	struct nfs4_bitmap req;
	struct xdr_view list;
	struct xdr_in lx;

	memset(a, 0, sizeof(*a));
	if (!nfs4_decode_bitmap(x, &req) || !xdr_get_opaque(x, UINT32_MAX, &list))
		return false;
	xdr_in_init(&lx, list.data, list.len);
	for (uint32_t attr = 0; attr < req.n * 32; attr++) {
		int r;

		if (!nfs4_bitmap_isset(&req, attr))
			continue;
		r = decode_attr(&lx, attr, a);
		if (r < 0)
			return false;
		if (r == 0) {
			a->partial = true;
			return true;
		}
		nfs4_bitmap_set(&a->mask, attr);
	}
	return xdr_in_left(&lx) == 0;
}

static bool get_stateid(struct xdr_in *x, struct nfs4_stateid *sid)
{
	return xdr_get_u32(x, &sid->seqid) && xdr_get_fixed(x, sid->other, NFS4_OTHER_SIZE);
}

static bool get_cinfo(struct xdr_in *x, struct nfs4_change_info *ci)
{
	return xdr_get_bool(x, &ci->atomic) && xdr_get_u64(x, &ci->before) &&
	       xdr_get_u64(x, &ci->after);
}

static bool get_channel_attrs(struct xdr_in *x, struct nfs4_channel_attrs *ca)
{
	uint32_t nird, ird;

	if (!xdr_get_u32(x, &ca->headerpadsize) || !xdr_get_u32(x, &ca->maxrequestsize) ||
	    !xdr_get_u32(x, &ca->maxresponsesize) ||
	    !xdr_get_u32(x, &ca->maxresponsesize_cached) || !xdr_get_u32(x, &ca->maxops) ||
	    !xdr_get_u32(x, &ca->maxrequests) || !xdr_get_u32(x, &nird) || nird > 1)
		return false;
	return nird == 0 || xdr_get_u32(x, &ird);
}

static bool dec_exchange_id(struct xdr_in *x, struct nfs4_res_exchange_id *r)
{
	struct nfs4_bitmap enforce, allow;
	uint32_t nimpl;

	if (!xdr_get_u64(x, &r->clientid) || !xdr_get_u32(x, &r->sequenceid) ||
	    !xdr_get_u32(x, &r->flags) || !xdr_get_u32(x, &r->state_protect))
		return false;
	switch (r->state_protect) {
	case SP4_NONE:
		break;
	case SP4_MACH_CRED:
		if (!nfs4_decode_bitmap(x, &enforce) || !nfs4_decode_bitmap(x, &allow))
			return false;
		break;
	default:
		return false;	/* SP4_SSV never requested */
	}
	/* server_owner4, server_scope, server_impl_id<1> */
	if (!xdr_get_u64(x, &r->server_minor_id) ||
	    !xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &r->server_major_id) ||
	    !xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &r->server_scope) || !xdr_get_u32(x, &nimpl) ||
	    nimpl > 1)
		return false;
	r->has_impl_id = nimpl == 1;
	if (nimpl == 1)
		return xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &r->impl_domain) &&
		       xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &r->impl_name) &&
		       get_time(x, &r->impl_date);
	return true;
}

static bool dec_create_session(struct xdr_in *x, struct nfs4_res_create_session *r)
{
	return xdr_get_fixed(x, r->sessionid, NFS4_SESSIONID_SIZE) &&
	       xdr_get_u32(x, &r->sequenceid) && xdr_get_u32(x, &r->flags) &&
	       get_channel_attrs(x, &r->fore) && get_channel_attrs(x, &r->back);
}

static bool dec_sequence(struct xdr_in *x, struct nfs4_res_sequence *r)
{
	return xdr_get_fixed(x, r->sessionid, NFS4_SESSIONID_SIZE) &&
	       xdr_get_u32(x, &r->sequenceid) && xdr_get_u32(x, &r->slotid) &&
	       xdr_get_u32(x, &r->highest_slotid) && xdr_get_u32(x, &r->target_highest_slotid) &&
	       xdr_get_u32(x, &r->status_flags);
}

static bool dec_readdir(struct xdr_in *x, struct nfs4_op_res *res)
{
	size_t cap = 0;
	bool follows;

	if (!xdr_get_fixed(x, res->u.readdir.verifier, NFS4_VERIFIER_SIZE))
		return false;
	for (;;) {
		struct nfs4_dirent *e;

		if (!xdr_get_bool(x, &follows))
			return false;
		if (!follows)
			break;
		if (res->u.readdir.count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct nfs4_dirent *ne;

			/* an entry takes at least 20 bytes: no huge arrays */
			if (ncap > xdr_in_left(x) / 20 + cap + 1)
				ncap = xdr_in_left(x) / 20 + cap + 1;
			ne = realloc(res->u.readdir.entries, ncap * sizeof(*ne));
			if (!ne)
				return false;
			res->u.readdir.entries = ne;
			cap = ncap;
		}
		e = &res->u.readdir.entries[res->u.readdir.count];
		if (!xdr_get_u64(x, &e->cookie) ||
		    !xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &e->name) ||
		    !nfs4_decode_fattr4(x, &e->attrs))
			return false;
		res->u.readdir.count++;
	}
	return xdr_get_bool(x, &res->u.readdir.eof);
}

static bool dec_open(struct xdr_in *x, struct nfs4_res_open *r)
{
	uint32_t v;
	bool b;
	struct xdr_view who;

	if (!get_stateid(x, &r->stateid) || !get_cinfo(x, &r->cinfo) ||
	    !xdr_get_u32(x, &r->rflags) || !nfs4_decode_bitmap(x, &r->attrset) ||
	    !xdr_get_u32(x, &r->delegation_type))
		return false;
	switch (r->delegation_type) {
	case OPEN_DELEGATE_NONE:
		return true;
	case OPEN_DELEGATE_READ:
	case OPEN_DELEGATE_WRITE:
		if (!get_stateid(x, &r->delegation_stateid) || !xdr_get_bool(x, &b))
			return false;
		if (r->delegation_type == OPEN_DELEGATE_WRITE) {
			/* nfs_space_limit4: NFS_LIMIT_SIZE 1, NFS_LIMIT_BLOCKS 2 */
			uint32_t limitby;
			uint64_t filesize;

			if (!xdr_get_u32(x, &limitby))
				return false;
			if (limitby == 1 && !xdr_get_u64(x, &filesize))
				return false;
			if (limitby == 2 && (!xdr_get_u32(x, &v) || !xdr_get_u32(x, &v)))
				return false;
			if (limitby != 1 && limitby != 2)
				return false;
		}
		/* nfsace4 permissions */
		return xdr_get_u32(x, &v) && xdr_get_u32(x, &v) && xdr_get_u32(x, &v) &&
		       xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &who);
	case OPEN_DELEGATE_NONE_EXT:
		if (!xdr_get_u32(x, &r->why_no_deleg))
			return false;
		if (r->why_no_deleg == WND4_CONTENTION || r->why_no_deleg == WND4_RESOURCE)
			return xdr_get_bool(x, &b);
		return true;
	default:
		return false;
	}
}

/* LISTXATTRS4resok (RFC 8276 §8.4.3): cookie, xattrkey4 names<>, eof. */
static bool dec_listxattrs(struct xdr_in *x, struct nfs4_op_res *res)
{
	uint32_t n;

	if (!xdr_get_u64(x, &res->u.listxattrs.cookie) || !xdr_get_u32(x, &n))
		return false;
	/* each name takes at least its length word */
	if (n > xdr_in_left(x) / 4)
		return false;
	res->u.listxattrs.names = calloc(n ? n : 1, sizeof(struct xdr_view));
	if (!res->u.listxattrs.names)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (!xdr_get_opaque(x, UINT32_MAX, &res->u.listxattrs.names[i]))
			return false;
		res->u.listxattrs.count = i + 1;
	}
	return xdr_get_bool(x, &res->u.listxattrs.eof);
}

/* LOCK4denied (RFC 8881 §18.10.2): offset, length, locktype, lock_owner4. */
static bool dec_lock4denied(struct xdr_in *x, struct nfs4_op_res *res)
{
	return xdr_get_u64(x, &res->u.lock.offset) && xdr_get_u64(x, &res->u.lock.length) &&
	       xdr_get_u32(x, &res->u.lock.locktype) && xdr_get_u64(x, &res->u.lock.clientid) &&
	       xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &res->u.lock.owner);
}

static bool dec_secinfo(struct xdr_in *x, struct nfs4_op_res *res)
{
	uint32_t n, flavor, v;
	struct xdr_view oid;

	if (!xdr_get_u32(x, &n) || n > xdr_in_left(x) / 4)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (!xdr_get_u32(x, &flavor))
			return false;
		if (flavor == RPCSEC_GSS &&
		    (!xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &oid) || !xdr_get_u32(x, &v) ||
		     !xdr_get_u32(x, &v)))
			return false;
		if (i < NFS4_SECINFO_MAX)
			res->u.secinfo.flavors[i] = flavor;
	}
	res->u.secinfo.count = n < NFS4_SECINFO_MAX ? n : NFS4_SECINFO_MAX;
	return true;
}

/*
 * One nfs_resop4 body after its status.  Returns -1 malformed, 0 for an op
 * this parser cannot decode, 1 decoded.
 */
static int dec_resop(struct xdr_in *x, struct nfs4_op_res *r)
{
	bool ok = r->status == NFS4_OK;

	/* results carried whatever the status */
	if (r->op == OP_SETATTR)
		return nfs4_decode_bitmap(x, &r->u.setattr) ? 1 : -1;
	switch (r->op) {
	case OP_PUTROOTFH:
	case OP_PUTFH:
	case OP_PUTPUBFH:
	case OP_LOOKUP:
	case OP_LOOKUPP:
	case OP_SAVEFH:
	case OP_RESTOREFH:
	case OP_VERIFY:
	case OP_NVERIFY:
	case OP_DESTROY_SESSION:
	case OP_DESTROY_CLIENTID:
	case OP_RECLAIM_COMPLETE:
	case OP_DELEGRETURN:
	case OP_FREE_STATEID:
	case OP_RELEASE_LOCKOWNER:
	case OP_ILLEGAL:
		return 1;
	default:
		break;
	}
	if (!ok) {
		/* LOCK/LOCKT carry LOCK4denied on NFS4ERR_DENIED */
		if ((r->op == OP_LOCK || r->op == OP_LOCKT) && r->status == NFS4ERR_DENIED)
			return dec_lock4denied(x, r) ? 1 : -1;
		return 1;
	}
	switch (r->op) {
	case OP_SEQUENCE:
		ok = dec_sequence(x, &r->u.sequence);
		break;
	case OP_EXCHANGE_ID:
		ok = dec_exchange_id(x, &r->u.exchange_id);
		break;
	case OP_CREATE_SESSION:
		ok = dec_create_session(x, &r->u.create_session);
		break;
	case OP_GETFH: {
		struct xdr_view fh;

		ok = xdr_get_opaque(x, NFS4_FHSIZE, &fh);
		if (ok) {
			r->u.getfh.len = fh.len;
			memcpy(r->u.getfh.data, fh.data, fh.len);
		}
		break;
	}
	case OP_GETATTR:
		ok = nfs4_decode_fattr4(x, &r->u.getattr);
		break;
	case OP_ACCESS:
		ok = xdr_get_u32(x, &r->u.access.supported) && xdr_get_u32(x, &r->u.access.access);
		break;
	case OP_READDIR:
		ok = dec_readdir(x, r);
		break;
	case OP_READLINK:
		ok = xdr_get_opaque(x, UINT32_MAX, &r->u.readlink);
		break;
	case OP_OPEN:
		ok = dec_open(x, &r->u.open);
		break;
	case OP_CLOSE:
	case OP_OPEN_DOWNGRADE:
		ok = get_stateid(x, &r->u.close);
		break;
	case OP_LOCK:
	case OP_LOCKU:
		ok = get_stateid(x, &r->u.lock.stateid);
		break;
	case OP_LOCKT:
		break;		/* LOCKT4res: nothing but the status */
	case OP_READ:
		ok = xdr_get_bool(x, &r->u.read.eof) &&
		     xdr_get_opaque(x, UINT32_MAX, &r->u.read.data);
		break;
	case OP_WRITE:
		ok = xdr_get_u32(x, &r->u.write.count) && xdr_get_u32(x, &r->u.write.committed) &&
		     xdr_get_fixed(x, r->u.write.verifier, NFS4_VERIFIER_SIZE);
		break;
	case OP_COMMIT:
		ok = xdr_get_fixed(x, r->u.commit.verifier, NFS4_VERIFIER_SIZE);
		break;
	case OP_CREATE:
		ok = get_cinfo(x, &r->u.create.cinfo) &&
		     nfs4_decode_bitmap(x, &r->u.create.attrset);
		break;
	case OP_REMOVE:
		ok = get_cinfo(x, &r->u.remove);
		break;
	case OP_LINK:
		ok = get_cinfo(x, &r->u.link);
		break;
	case OP_RENAME:
		ok = get_cinfo(x, &r->u.rename.source) && get_cinfo(x, &r->u.rename.target);
		break;
	case OP_SECINFO:
	case OP_SECINFO_NO_NAME:
		ok = dec_secinfo(x, r);
		break;
	case OP_GETXATTR:
		ok = xdr_get_opaque(x, UINT32_MAX, &r->u.getxattr);
		break;
	case OP_SETXATTR:
		ok = get_cinfo(x, &r->u.setxattr);
		break;
	case OP_LISTXATTRS:
		ok = dec_listxattrs(x, r);
		break;
	case OP_REMOVEXATTR:
		ok = get_cinfo(x, &r->u.removexattr);
		break;
	default:
		/* NFSv4.2 data operations: nfs4_v42.c */
		return nfs4_dec_resop_v42(x, r);
	}
	return ok ? 1 : -1;
}

void nfs4_compound_res_release(struct nfs4_compound_res *res)
{
	if (res->ops) {
		for (uint32_t i = 0; i < res->nparsed; i++)
			if (res->ops[i].op == OP_READDIR)
				free(res->ops[i].u.readdir.entries);
			else if (res->ops[i].op == OP_LISTXATTRS && res->ops[i].status == NFS4_OK)
				free(res->ops[i].u.listxattrs.names);
		free(res->ops);
	}
	memset(res, 0, sizeof(*res));
}

int nfs4_parse_compound_res(const void *buf, size_t len, struct nfs4_compound_res *res)
{
	struct xdr_in x;
	uint32_t n;

	memset(res, 0, sizeof(*res));
	xdr_in_init(&x, buf, len);
	if (!xdr_get_u32(&x, &res->status) || !xdr_get_opaque(&x, NFS4_OPAQUE_LIMIT, &res->tag) ||
	    !xdr_get_u32(&x, &n))
		return -EBADMSG;
	/* each result is at least opnum + status */
	if (n > xdr_in_left(&x) / 8)
		return -EBADMSG;
	res->nres = n;
	res->ops = calloc(n ? n : 1, sizeof(*res->ops));
	if (!res->ops)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct nfs4_op_res *r = &res->ops[i];
		int d;

		if (!xdr_get_u32(&x, &r->op) || !xdr_get_u32(&x, &r->status))
			goto bad;
		res->nparsed = i + 1;	/* so release frees what dec_resop allocates */
		d = dec_resop(&x, r);
		if (d < 0)
			goto bad;
		if (d == 0) {
			res->nparsed = i;
			res->incomplete = true;
			return 0;
		}
	}
	if (xdr_in_left(&x) != 0)
		goto bad;
	return 0;
bad:
	nfs4_compound_res_release(res);
	return -EBADMSG;
}

int nfs4_rpc_parse_reply(const void *rec, size_t len, struct nfs4_rpc_reply *r)
{
	struct xdr_in x;
	uint32_t mtype, flavor;
	struct xdr_view verf;

	memset(r, 0, sizeof(*r));
	xdr_in_init(&x, rec, len);
	if (!xdr_get_u32(&x, &r->xid) || !xdr_get_u32(&x, &mtype) || mtype != 1 ||
	    !xdr_get_u32(&x, &r->reply_stat))
		return -EBADMSG;
	if (r->reply_stat == 0) {
		/* accepted_reply: verf, accept_stat */
		if (!xdr_get_u32(&x, &flavor) || !xdr_get_opaque(&x, 400, &verf) ||
		    !xdr_get_u32(&x, &r->accept_stat))
			return -EBADMSG;
		if (r->accept_stat == 2 &&
		    (!xdr_get_u32(&x, &r->mismatch_low) || !xdr_get_u32(&x, &r->mismatch_high)))
			return -EBADMSG;
	} else if (r->reply_stat == 1) {
		if (!xdr_get_u32(&x, &r->reject_stat))
			return -EBADMSG;
		if (r->reject_stat == 0) {
			if (!xdr_get_u32(&x, &r->mismatch_low) ||
			    !xdr_get_u32(&x, &r->mismatch_high))
				return -EBADMSG;
		} else if (r->reject_stat == 1) {
			if (!xdr_get_u32(&x, &r->auth_stat))
				return -EBADMSG;
		} else {
			return -EBADMSG;
		}
	} else {
		return -EBADMSG;
	}
	r->body.data = x.p;
	r->body.len = (uint32_t)xdr_in_left(&x);
	return 0;
}

const char *nfs4_stat_name(nfsstat4 st)
{
	static const struct {
		nfsstat4 st;
		const char *name;
	} names[] = {
#define N(s) { s, #s }
		N(NFS4_OK), N(NFS4ERR_PERM), N(NFS4ERR_NOENT), N(NFS4ERR_IO), N(NFS4ERR_NXIO),
		N(NFS4ERR_ACCESS), N(NFS4ERR_EXIST), N(NFS4ERR_XDEV), N(NFS4ERR_NOTDIR),
		N(NFS4ERR_ISDIR), N(NFS4ERR_INVAL), N(NFS4ERR_FBIG), N(NFS4ERR_NOSPC),
		N(NFS4ERR_ROFS), N(NFS4ERR_MLINK), N(NFS4ERR_NAMETOOLONG), N(NFS4ERR_NOTEMPTY),
		N(NFS4ERR_DQUOT), N(NFS4ERR_STALE), N(NFS4ERR_BADHANDLE), N(NFS4ERR_BAD_COOKIE),
		N(NFS4ERR_NOTSUPP), N(NFS4ERR_TOOSMALL), N(NFS4ERR_SERVERFAULT),
		N(NFS4ERR_BADTYPE), N(NFS4ERR_DELAY), N(NFS4ERR_SAME), N(NFS4ERR_DENIED),
		N(NFS4ERR_EXPIRED), N(NFS4ERR_LOCKED), N(NFS4ERR_GRACE), N(NFS4ERR_FHEXPIRED),
		N(NFS4ERR_SHARE_DENIED), N(NFS4ERR_WRONGSEC), N(NFS4ERR_CLID_INUSE),
		N(NFS4ERR_RESOURCE), N(NFS4ERR_MOVED), N(NFS4ERR_NOFILEHANDLE),
		N(NFS4ERR_MINOR_VERS_MISMATCH), N(NFS4ERR_STALE_CLIENTID),
		N(NFS4ERR_STALE_STATEID), N(NFS4ERR_OLD_STATEID), N(NFS4ERR_BAD_STATEID),
		N(NFS4ERR_BAD_SEQID), N(NFS4ERR_NOT_SAME), N(NFS4ERR_LOCK_RANGE),
		N(NFS4ERR_SYMLINK), N(NFS4ERR_RESTOREFH), N(NFS4ERR_LEASE_MOVED),
		N(NFS4ERR_ATTRNOTSUPP), N(NFS4ERR_NO_GRACE), N(NFS4ERR_RECLAIM_BAD),
		N(NFS4ERR_RECLAIM_CONFLICT), N(NFS4ERR_BADXDR), N(NFS4ERR_LOCKS_HELD),
		N(NFS4ERR_OPENMODE), N(NFS4ERR_BADOWNER), N(NFS4ERR_BADCHAR), N(NFS4ERR_BADNAME),
		N(NFS4ERR_BAD_RANGE), N(NFS4ERR_LOCK_NOTSUPP), N(NFS4ERR_OP_ILLEGAL),
		N(NFS4ERR_DEADLOCK), N(NFS4ERR_FILE_OPEN), N(NFS4ERR_ADMIN_REVOKED),
		N(NFS4ERR_CB_PATH_DOWN), N(NFS4ERR_BADIOMODE), N(NFS4ERR_BADLAYOUT),
		N(NFS4ERR_BAD_SESSION_DIGEST), N(NFS4ERR_BADSESSION), N(NFS4ERR_BADSLOT),
		N(NFS4ERR_COMPLETE_ALREADY), N(NFS4ERR_CONN_NOT_BOUND_TO_SESSION),
		N(NFS4ERR_DELEG_ALREADY_WANTED), N(NFS4ERR_BACK_CHAN_BUSY),
		N(NFS4ERR_LAYOUTTRYLATER), N(NFS4ERR_LAYOUTUNAVAILABLE),
		N(NFS4ERR_NOMATCHING_LAYOUT), N(NFS4ERR_RECALLCONFLICT),
		N(NFS4ERR_UNKNOWN_LAYOUTTYPE), N(NFS4ERR_SEQ_MISORDERED), N(NFS4ERR_SEQUENCE_POS),
		N(NFS4ERR_REQ_TOO_BIG), N(NFS4ERR_REP_TOO_BIG), N(NFS4ERR_REP_TOO_BIG_TO_CACHE),
		N(NFS4ERR_RETRY_UNCACHED_REP), N(NFS4ERR_UNSAFE_COMPOUND),
		N(NFS4ERR_TOO_MANY_OPS), N(NFS4ERR_OP_NOT_IN_SESSION),
		N(NFS4ERR_HASH_ALG_UNSUPP), N(NFS4ERR_CLIENTID_BUSY), N(NFS4ERR_PNFS_IO_HOLE),
		N(NFS4ERR_SEQ_FALSE_RETRY), N(NFS4ERR_BAD_HIGH_SLOT), N(NFS4ERR_DEADSESSION),
		N(NFS4ERR_ENCR_ALG_UNSUPP), N(NFS4ERR_PNFS_NO_LAYOUT), N(NFS4ERR_NOT_ONLY_OP),
		N(NFS4ERR_WRONG_CRED), N(NFS4ERR_WRONG_TYPE), N(NFS4ERR_DIRDELEG_UNAVAIL),
		N(NFS4ERR_REJECT_DELEG), N(NFS4ERR_RETURNCONFLICT), N(NFS4ERR_DELEG_REVOKED),
		N(NFS4ERR_PARTNER_NOTSUPP), N(NFS4ERR_PARTNER_NO_AUTH),
		N(NFS4ERR_UNION_NOTSUPP), N(NFS4ERR_OFFLOAD_DENIED), N(NFS4ERR_WRONG_LFS),
		N(NFS4ERR_BADLABEL), N(NFS4ERR_OFFLOAD_NO_REQS), N(NFS4ERR_NOXATTR),
		N(NFS4ERR_XATTR2BIG),
#undef N
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].st == st)
			return names[i].name;
	return "NFS4ERR_?";
}

const char *nfs4_op_name(uint32_t op)
{
	static const char *const names[] = {
		[OP_ACCESS] = "ACCESS", [OP_CLOSE] = "CLOSE", [OP_COMMIT] = "COMMIT",
		[OP_CREATE] = "CREATE", [OP_DELEGPURGE] = "DELEGPURGE",
		[OP_DELEGRETURN] = "DELEGRETURN", [OP_GETATTR] = "GETATTR", [OP_GETFH] = "GETFH",
		[OP_LINK] = "LINK", [OP_LOCK] = "LOCK", [OP_LOCKT] = "LOCKT", [OP_LOCKU] = "LOCKU",
		[OP_LOOKUP] = "LOOKUP", [OP_LOOKUPP] = "LOOKUPP", [OP_NVERIFY] = "NVERIFY",
		[OP_OPEN] = "OPEN", [OP_OPENATTR] = "OPENATTR", [OP_OPEN_CONFIRM] = "OPEN_CONFIRM",
		[OP_OPEN_DOWNGRADE] = "OPEN_DOWNGRADE", [OP_PUTFH] = "PUTFH",
		[OP_PUTPUBFH] = "PUTPUBFH", [OP_PUTROOTFH] = "PUTROOTFH", [OP_READ] = "READ",
		[OP_READDIR] = "READDIR", [OP_READLINK] = "READLINK", [OP_REMOVE] = "REMOVE",
		[OP_RENAME] = "RENAME", [OP_RENEW] = "RENEW", [OP_RESTOREFH] = "RESTOREFH",
		[OP_SAVEFH] = "SAVEFH", [OP_SECINFO] = "SECINFO", [OP_SETATTR] = "SETATTR",
		[OP_SETCLIENTID] = "SETCLIENTID", [OP_SETCLIENTID_CONFIRM] = "SETCLIENTID_CONFIRM",
		[OP_VERIFY] = "VERIFY", [OP_WRITE] = "WRITE",
		[OP_RELEASE_LOCKOWNER] = "RELEASE_LOCKOWNER",
		[OP_BACKCHANNEL_CTL] = "BACKCHANNEL_CTL",
		[OP_BIND_CONN_TO_SESSION] = "BIND_CONN_TO_SESSION",
		[OP_EXCHANGE_ID] = "EXCHANGE_ID", [OP_CREATE_SESSION] = "CREATE_SESSION",
		[OP_DESTROY_SESSION] = "DESTROY_SESSION", [OP_FREE_STATEID] = "FREE_STATEID",
		[OP_GET_DIR_DELEGATION] = "GET_DIR_DELEGATION",
		[OP_GETDEVICEINFO] = "GETDEVICEINFO", [OP_GETDEVICELIST] = "GETDEVICELIST",
		[OP_LAYOUTCOMMIT] = "LAYOUTCOMMIT", [OP_LAYOUTGET] = "LAYOUTGET",
		[OP_LAYOUTRETURN] = "LAYOUTRETURN", [OP_SECINFO_NO_NAME] = "SECINFO_NO_NAME",
		[OP_SEQUENCE] = "SEQUENCE", [OP_SET_SSV] = "SET_SSV",
		[OP_TEST_STATEID] = "TEST_STATEID", [OP_WANT_DELEGATION] = "WANT_DELEGATION",
		[OP_DESTROY_CLIENTID] = "DESTROY_CLIENTID",
		[OP_RECLAIM_COMPLETE] = "RECLAIM_COMPLETE", [OP_ALLOCATE] = "ALLOCATE",
		[OP_COPY] = "COPY", [OP_COPY_NOTIFY] = "COPY_NOTIFY",
		[OP_DEALLOCATE] = "DEALLOCATE", [OP_IO_ADVISE] = "IO_ADVISE",
		[OP_LAYOUTERROR] = "LAYOUTERROR", [OP_LAYOUTSTATS] = "LAYOUTSTATS",
		[OP_OFFLOAD_CANCEL] = "OFFLOAD_CANCEL", [OP_OFFLOAD_STATUS] = "OFFLOAD_STATUS",
		[OP_READ_PLUS] = "READ_PLUS", [OP_SEEK] = "SEEK", [OP_WRITE_SAME] = "WRITE_SAME",
		[OP_CLONE] = "CLONE", [OP_GETXATTR] = "GETXATTR", [OP_SETXATTR] = "SETXATTR",
		[OP_LISTXATTRS] = "LISTXATTRS", [OP_REMOVEXATTR] = "REMOVEXATTR",
	};

	if (op == OP_ILLEGAL)
		return "ILLEGAL";
	if (op < sizeof(names) / sizeof(names[0]) && names[op])
		return names[op];
	return "OP_?";
}
