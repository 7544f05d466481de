/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfs4_compound.c - the client's COMPOUND4args builder and fattr4 encoder.
 *
 * Every helper appends one nfs_argop4 (RFC 8881 §16.2, RFC 7862) to the
 * compound's xdr_out; the header and the optional SEQUENCE are written by
 * nfs4_compound_encode() at submit time.  Nothing here does I/O, and nothing
 * validates arguments: tests rely on being able to send nonsense.
 */
#include "tests/lib/nfs4_client.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Large enough for a WRITE of several MiB; tests want to exceed limits. */
#define NFS4_COMPOUND_LIMIT (64u << 20)

const struct nfs4_stateid nfs4_anon_stateid = { 0, { 0 } };
const struct nfs4_stateid nfs4_current_stateid = { 1, { 0 } };

void nfs4_bitmap_clear(struct nfs4_bitmap *bm)
{
	memset(bm, 0, sizeof(*bm));
}

void nfs4_bitmap_set(struct nfs4_bitmap *bm, uint32_t attr)
{
	uint32_t word = attr / 32;

	if (word >= NFS4_BITMAP_WORDS)
		return;
	bm->w[word] |= 1u << (attr % 32);
	if (bm->n < word + 1)
		bm->n = word + 1;
}

bool nfs4_bitmap_isset(const struct nfs4_bitmap *bm, uint32_t attr)
{
	uint32_t word = attr / 32;

	return word < bm->n && (bm->w[word] & (1u << (attr % 32)));
}

void nfs4_bitmap_of(struct nfs4_bitmap *bm, ...)
{
	va_list ap;
	int attr;

	nfs4_bitmap_clear(bm);
	va_start(ap, bm);
	while ((attr = va_arg(ap, int)) >= 0)
		nfs4_bitmap_set(bm, (uint32_t)attr);
	va_end(ap);
}

void nfs4_bitmap_common(struct nfs4_bitmap *bm)
{
	nfs4_bitmap_of(bm, FATTR4_TYPE, FATTR4_CHANGE, FATTR4_SIZE, FATTR4_FSID,
		       FATTR4_FILEID, FATTR4_MODE, FATTR4_NUMLINKS, FATTR4_OWNER,
		       FATTR4_OWNER_GROUP, FATTR4_RAWDEV, FATTR4_SPACE_USED,
		       FATTR4_TIME_ACCESS, FATTR4_TIME_METADATA, FATTR4_TIME_MODIFY,
		       FATTR4_MOUNTED_ON_FILEID, -1);
}

static void put_bitmap(struct xdr_out *x, const struct nfs4_bitmap *bm)
{
	uint32_t n = bm ? bm->n : 0;

	/* trailing zero words carry nothing */
	while (n > 0 && bm->w[n - 1] == 0)
		n--;
	xdr_put_u32(x, n);
	for (uint32_t i = 0; i < n; i++)
		xdr_put_u32(x, bm->w[i]);
}

static void put_time(struct xdr_out *x, const struct nfs4_time *t)
{
	xdr_put_i64(x, t->sec);
	xdr_put_u32(x, t->nsec);
}

static void put_settime(struct xdr_out *x, uint32_t how, const struct nfs4_time *t)
{
	xdr_put_u32(x, how);
	if (how == SET_TO_CLIENT_TIME4)
		put_time(x, t);
}

static void put_stateid(struct xdr_out *x, const struct nfs4_stateid *sid)
{
	if (!sid)
		sid = &nfs4_anon_stateid;
	xdr_put_u32(x, sid->seqid);
	xdr_put_fixed(x, sid->other, NFS4_OTHER_SIZE);
}

static void put_str(struct xdr_out *x, const char *s)
{
	xdr_put_string(x, s ? s : "");
}

/*
 * fattr4 for the attributes in attrs->mask, in increasing bit order as
 * RFC 8881 §3.3.17 requires.  Unknown bits are dropped from the bitmap, so
 * the bitmap always matches the attrlist4 sent.
 */
bool nfs4_encode_fattr4(struct xdr_out *x, const struct nfs4_setattrs *a, bool verify)
{
	static const uint32_t order[] = {
		FATTR4_TYPE, FATTR4_CHANGE, FATTR4_SIZE, FATTR4_FILEID, FATTR4_MODE,
		FATTR4_NUMLINKS, FATTR4_OWNER, FATTR4_OWNER_GROUP, FATTR4_TIME_ACCESS_SET,
		FATTR4_TIME_MODIFY, FATTR4_TIME_MODIFY_SET, FATTR4_SEC_LABEL,
		FATTR4_MODE_UMASK,
	};
	struct nfs4_bitmap sent;
	struct nfs4_setattrs none;
	size_t lenpos, start;

	if (!a) {
		memset(&none, 0, sizeof(none));
		a = &none;
	}
	nfs4_bitmap_clear(&sent);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint32_t attr = order[i];
		bool get_only = attr == FATTR4_TYPE || attr == FATTR4_CHANGE ||
				attr == FATTR4_FILEID || attr == FATTR4_NUMLINKS ||
				attr == FATTR4_TIME_MODIFY;

		if (nfs4_bitmap_isset(&a->mask, attr) && (verify || !get_only))
			nfs4_bitmap_set(&sent, attr);
	}
	put_bitmap(x, &sent);
	lenpos = xdr_out_pos(x);
	xdr_put_u32(x, 0);
	start = xdr_out_pos(x);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!nfs4_bitmap_isset(&sent, order[i]))
			continue;
		switch (order[i]) {
		case FATTR4_TYPE:
			xdr_put_u32(x, a->type);
			break;
		case FATTR4_CHANGE:
			xdr_put_u64(x, a->change);
			break;
		case FATTR4_SIZE:
			xdr_put_u64(x, a->size);
			break;
		case FATTR4_FILEID:
			xdr_put_u64(x, a->fileid);
			break;
		case FATTR4_MODE:
			xdr_put_u32(x, a->mode);
			break;
		case FATTR4_NUMLINKS:
			xdr_put_u32(x, a->numlinks);
			break;
		case FATTR4_OWNER:
			put_str(x, a->owner);
			break;
		case FATTR4_OWNER_GROUP:
			put_str(x, a->owner_group);
			break;
		case FATTR4_TIME_ACCESS_SET:
			put_settime(x, a->atime_how, &a->atime);
			break;
		case FATTR4_TIME_MODIFY:
			put_time(x, &a->time_modify);
			break;
		case FATTR4_TIME_MODIFY_SET:
			put_settime(x, a->mtime_how, &a->mtime);
			break;
		case FATTR4_SEC_LABEL:
			/* sec_label4: slai_lfs, slai_pi, slai_data<> */
			xdr_put_u32(x, a->label_lfs);
			xdr_put_u32(x, a->label_pi);
			xdr_put_opaque(x, a->label, a->label_len);
			break;
		case FATTR4_MODE_UMASK:
			xdr_put_u32(x, a->mode);
			xdr_put_u32(x, a->umask);
			break;
		}
	}
	if (x->overflow)
		return false;
	xdr_set_u32_at(x, lenpos, (uint32_t)(xdr_out_pos(x) - start));
	return true;
}

void nfs4_compound_init(struct nfs4_compound *c)
{
	memset(c, 0, sizeof(*c));
	xdr_out_init(&c->ops, NFS4_COMPOUND_LIMIT);
	c->minor = 1;
}

void nfs4_compound_release(struct nfs4_compound *c)
{
	xdr_out_release(&c->ops);
	c->nops = 0;
}

void nfs4_compound_reset(struct nfs4_compound *c)
{
	xdr_out_reset(&c->ops, NFS4_COMPOUND_LIMIT);
	c->nops = 0;
}

bool nfs4_compound_encode(const struct nfs4_compound *c, const struct nfs4_sequence_args *seq,
			  struct xdr_out *out)
{
	uint32_t nops = c->nops + (seq ? 1 : 0);

	if (c->ops.overflow)
		return false;
	put_str(out, c->tag);
	xdr_put_u32(out, c->minor);
	xdr_put_u32(out, c->numops_override ? c->numops_value : nops);
	if (seq) {
		xdr_put_u32(out, OP_SEQUENCE);
		xdr_put_fixed(out, seq->sessionid, NFS4_SESSIONID_SIZE);
		xdr_put_u32(out, seq->sequenceid);
		xdr_put_u32(out, seq->slotid);
		xdr_put_u32(out, seq->highest_slotid);
		xdr_put_bool(out, seq->cachethis);
	}
	if (c->ops.len) {
		/* copied as is: raw bytes may leave it unaligned on purpose */
		uint8_t *p = xdr_reserve(out, c->ops.len);

		if (p)
			memcpy(p, c->ops.buf, c->ops.len);
	}
	return !out->overflow;
}

/* Every helper starts with this: count the op and write its number. */
static struct xdr_out *op_begin(struct nfs4_compound *c, uint32_t opnum)
{
	c->nops++;
	xdr_put_u32(&c->ops, opnum);
	return &c->ops;
}

void nfs4_op_raw(struct nfs4_compound *c, uint32_t opnum, const void *args, size_t len)
{
	struct xdr_out *x = op_begin(c, opnum);

	if (len)
		xdr_put_fixed(x, args, len); /* pads to 4; tests wanting odd lengths use raw_bytes */
}

void nfs4_op_raw_bytes(struct nfs4_compound *c, const void *bytes, size_t len)
{
	uint8_t *p = xdr_reserve(&c->ops, len);

	if (p && len)
		memcpy(p, bytes, len);
}

void nfs4_op_sequence(struct nfs4_compound *c, const struct nfs4_sequence_args *a)
{
	struct xdr_out *x = op_begin(c, OP_SEQUENCE);

	xdr_put_fixed(x, a->sessionid, NFS4_SESSIONID_SIZE);
	xdr_put_u32(x, a->sequenceid);
	xdr_put_u32(x, a->slotid);
	xdr_put_u32(x, a->highest_slotid);
	xdr_put_bool(x, a->cachethis);
}

void nfs4_op_exchange_id(struct nfs4_compound *c, const uint8_t verifier[NFS4_VERIFIER_SIZE],
			 const void *owner, uint32_t owner_len, uint32_t flags)
{
	struct xdr_out *x = op_begin(c, OP_EXCHANGE_ID);

	/* client_owner4 */
	xdr_put_fixed(x, verifier, NFS4_VERIFIER_SIZE);
	xdr_put_opaque(x, owner, owner_len);
	xdr_put_u32(x, flags);
	xdr_put_u32(x, SP4_NONE);	/* eia_state_protect */
	xdr_put_u32(x, 0);		/* eia_client_impl_id<1>: none */
}

static void put_channel_attrs(struct xdr_out *x, const struct nfs4_channel_attrs *ca)
{
	xdr_put_u32(x, ca->headerpadsize);
	xdr_put_u32(x, ca->maxrequestsize);
	xdr_put_u32(x, ca->maxresponsesize);
	xdr_put_u32(x, ca->maxresponsesize_cached);
	xdr_put_u32(x, ca->maxops);
	xdr_put_u32(x, ca->maxrequests);
	xdr_put_u32(x, 0);		/* ca_rdma_ird<1>: none */
}

void nfs4_op_create_session(struct nfs4_compound *c, uint64_t clientid, uint32_t sequence,
			    uint32_t flags, const struct nfs4_channel_attrs *fore,
			    const struct nfs4_channel_attrs *back)
{
	struct xdr_out *x = op_begin(c, OP_CREATE_SESSION);

	xdr_put_u64(x, clientid);
	xdr_put_u32(x, sequence);
	xdr_put_u32(x, flags);
	put_channel_attrs(x, fore);
	put_channel_attrs(x, back);
	xdr_put_u32(x, 0x40000000u);	/* csa_cb_program: unused, no back channel */
	xdr_put_u32(x, 1);		/* csa_sec_parms<>: one AUTH_NONE entry */
	xdr_put_u32(x, NFS4_RPC_AUTH_NONE);
}

void nfs4_op_destroy_session(struct nfs4_compound *c, const uint8_t sid[NFS4_SESSIONID_SIZE])
{
	xdr_put_fixed(op_begin(c, OP_DESTROY_SESSION), sid, NFS4_SESSIONID_SIZE);
}

void nfs4_op_destroy_clientid(struct nfs4_compound *c, uint64_t clientid)
{
	xdr_put_u64(op_begin(c, OP_DESTROY_CLIENTID), clientid);
}

void nfs4_op_reclaim_complete(struct nfs4_compound *c, bool one_fs)
{
	xdr_put_bool(op_begin(c, OP_RECLAIM_COMPLETE), one_fs);
}

void nfs4_op_putrootfh(struct nfs4_compound *c)
{
	op_begin(c, OP_PUTROOTFH);
}

void nfs4_op_putfh(struct nfs4_compound *c, const struct nfs4_fh *fh)
{
	xdr_put_opaque(op_begin(c, OP_PUTFH), fh->data, fh->len);
}

void nfs4_op_getfh(struct nfs4_compound *c)
{
	op_begin(c, OP_GETFH);
}

void nfs4_op_lookup(struct nfs4_compound *c, const char *name)
{
	put_str(op_begin(c, OP_LOOKUP), name);
}

void nfs4_op_lookup_len(struct nfs4_compound *c, const void *name, uint32_t len)
{
	xdr_put_opaque(op_begin(c, OP_LOOKUP), name, len);
}

void nfs4_op_lookupp(struct nfs4_compound *c)
{
	op_begin(c, OP_LOOKUPP);
}

void nfs4_op_savefh(struct nfs4_compound *c)
{
	op_begin(c, OP_SAVEFH);
}

void nfs4_op_restorefh(struct nfs4_compound *c)
{
	op_begin(c, OP_RESTOREFH);
}

void nfs4_op_getattr(struct nfs4_compound *c, const struct nfs4_bitmap *request)
{
	put_bitmap(op_begin(c, OP_GETATTR), request);
}

void nfs4_op_access(struct nfs4_compound *c, uint32_t access)
{
	xdr_put_u32(op_begin(c, OP_ACCESS), access);
}

void nfs4_op_readdir(struct nfs4_compound *c, uint64_t cookie,
		     const uint8_t verifier[NFS4_VERIFIER_SIZE], uint32_t dircount,
		     uint32_t maxcount, const struct nfs4_bitmap *request)
{
	static const uint8_t zero[NFS4_VERIFIER_SIZE];
	struct xdr_out *x = op_begin(c, OP_READDIR);

	xdr_put_u64(x, cookie);
	xdr_put_fixed(x, verifier ? verifier : zero, NFS4_VERIFIER_SIZE);
	xdr_put_u32(x, dircount);
	xdr_put_u32(x, maxcount);
	put_bitmap(x, request);
}

void nfs4_op_readlink(struct nfs4_compound *c)
{
	op_begin(c, OP_READLINK);
}

void nfs4_op_open(struct nfs4_compound *c, const struct nfs4_open_args *a)
{
	static const char default_owner[] = "lnfs-open-owner";
	struct xdr_out *x = op_begin(c, OP_OPEN);

	xdr_put_u32(x, 0);		/* seqid: ignored in 4.1 */
	xdr_put_u32(x, a->share_access);
	xdr_put_u32(x, a->share_deny);
	/* open_owner4 */
	xdr_put_u64(x, a->clientid);
	if (a->owner)
		xdr_put_opaque(x, a->owner, a->owner_len);
	else
		xdr_put_opaque(x, default_owner, sizeof(default_owner) - 1);
	/* openflag4 */
	xdr_put_u32(x, a->create ? OPEN4_CREATE : OPEN4_NOCREATE);
	if (a->create) {
		xdr_put_u32(x, a->createmode);
		switch (a->createmode) {
		case UNCHECKED4:
		case GUARDED4:
			nfs4_encode_fattr4(x, a->attrs, false);
			break;
		case EXCLUSIVE4:
			xdr_put_fixed(x, a->verifier, NFS4_VERIFIER_SIZE);
			break;
		case EXCLUSIVE4_1:
			/* creatverfattr */
			xdr_put_fixed(x, a->verifier, NFS4_VERIFIER_SIZE);
			nfs4_encode_fattr4(x, a->attrs, false);
			break;
		default:
			break;	/* nonsense mode on purpose: nothing follows */
		}
	}
	/* open_claim4 */
	xdr_put_u32(x, a->claim);
	switch (a->claim) {
	case CLAIM_NULL:
	case CLAIM_DELEGATE_PREV:
		put_str(x, a->name);
		break;
	case CLAIM_PREVIOUS:
		xdr_put_u32(x, OPEN_DELEGATE_NONE);
		break;
	default:
		break;	/* CLAIM_FH: the current filehandle names the file */
	}
}

void nfs4_op_close(struct nfs4_compound *c, const struct nfs4_stateid *sid)
{
	struct xdr_out *x = op_begin(c, OP_CLOSE);

	xdr_put_u32(x, 0);		/* seqid: ignored in 4.1 */
	put_stateid(x, sid);
}

void nfs4_op_lock(struct nfs4_compound *c, uint32_t locktype, bool reclaim, uint64_t offset,
		  uint64_t length, bool new_owner, const struct nfs4_stateid *sid,
		  const void *owner, uint32_t owner_len)
{
	struct xdr_out *x = op_begin(c, OP_LOCK);

	xdr_put_u32(x, locktype);
	xdr_put_bool(x, reclaim);
	xdr_put_u64(x, offset);
	xdr_put_u64(x, length);
	xdr_put_bool(x, new_owner);
	if (new_owner) {
		xdr_put_u32(x, 0);	/* open_seqid */
		put_stateid(x, sid);
		xdr_put_u32(x, 0);	/* lock_seqid */
		xdr_put_u64(x, 0);	/* lock_owner4.clientid: ignored in 4.1 */
		xdr_put_opaque(x, owner, owner_len);
	} else {
		put_stateid(x, sid);
		xdr_put_u32(x, 0);	/* lock_seqid */
	}
}

void nfs4_op_lockt(struct nfs4_compound *c, uint32_t locktype, uint64_t offset, uint64_t length,
		   const void *owner, uint32_t owner_len)
{
	struct xdr_out *x = op_begin(c, OP_LOCKT);

	xdr_put_u32(x, locktype);
	xdr_put_u64(x, offset);
	xdr_put_u64(x, length);
	xdr_put_u64(x, 0);		/* owner.clientid: ignored in 4.1 */
	xdr_put_opaque(x, owner, owner_len);
}

void nfs4_op_locku(struct nfs4_compound *c, uint32_t locktype, const struct nfs4_stateid *sid,
		   uint64_t offset, uint64_t length)
{
	struct xdr_out *x = op_begin(c, OP_LOCKU);

	xdr_put_u32(x, locktype);
	xdr_put_u32(x, 0);		/* seqid: ignored in 4.1 */
	put_stateid(x, sid);
	xdr_put_u64(x, offset);
	xdr_put_u64(x, length);
}

void nfs4_op_free_stateid(struct nfs4_compound *c, const struct nfs4_stateid *sid)
{
	put_stateid(op_begin(c, OP_FREE_STATEID), sid);
}

void nfs4_op_read(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		  uint32_t count)
{
	struct xdr_out *x = op_begin(c, OP_READ);

	put_stateid(x, sid);
	xdr_put_u64(x, offset);
	xdr_put_u32(x, count);
}

void nfs4_op_write(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		   uint32_t stable, const void *data, uint32_t len)
{
	struct xdr_out *x = op_begin(c, OP_WRITE);

	put_stateid(x, sid);
	xdr_put_u64(x, offset);
	xdr_put_u32(x, stable);
	xdr_put_opaque(x, data, len);
}

void nfs4_op_commit(struct nfs4_compound *c, uint64_t offset, uint32_t count)
{
	struct xdr_out *x = op_begin(c, OP_COMMIT);

	xdr_put_u64(x, offset);
	xdr_put_u32(x, count);
}

void nfs4_op_setattr(struct nfs4_compound *c, const struct nfs4_stateid *sid,
		     const struct nfs4_setattrs *attrs)
{
	struct xdr_out *x = op_begin(c, OP_SETATTR);

	put_stateid(x, sid);
	nfs4_encode_fattr4(x, attrs, false);
}

void nfs4_op_create(struct nfs4_compound *c, const struct nfs4_create_args *a)
{
	struct xdr_out *x = op_begin(c, OP_CREATE);

	/* createtype4 */
	xdr_put_u32(x, a->type);
	switch (a->type) {
	case NF4LNK:
		put_str(x, a->linkdata);
		break;
	case NF4BLK:
	case NF4CHR:
		xdr_put_u32(x, a->specmajor);
		xdr_put_u32(x, a->specminor);
		break;
	default:
		break;
	}
	put_str(x, a->name);
	nfs4_encode_fattr4(x, a->attrs, false);
}

void nfs4_op_remove(struct nfs4_compound *c, const char *name)
{
	put_str(op_begin(c, OP_REMOVE), name);
}

void nfs4_op_rename(struct nfs4_compound *c, const char *oldname, const char *newname)
{
	struct xdr_out *x = op_begin(c, OP_RENAME);

	put_str(x, oldname);
	put_str(x, newname);
}

void nfs4_op_link(struct nfs4_compound *c, const char *newname)
{
	put_str(op_begin(c, OP_LINK), newname);
}

void nfs4_op_verify(struct nfs4_compound *c, const struct nfs4_setattrs *attrs)
{
	nfs4_encode_fattr4(op_begin(c, OP_VERIFY), attrs, true);
}

void nfs4_op_nverify(struct nfs4_compound *c, const struct nfs4_setattrs *attrs)
{
	nfs4_encode_fattr4(op_begin(c, OP_NVERIFY), attrs, true);
}

void nfs4_op_secinfo_no_name(struct nfs4_compound *c, uint32_t style)
{
	xdr_put_u32(op_begin(c, OP_SECINFO_NO_NAME), style);
}

void nfs4_op_getxattr(struct nfs4_compound *c, const void *key, uint32_t key_len)
{
	xdr_put_opaque(op_begin(c, OP_GETXATTR), key, key_len);
}

void nfs4_op_setxattr(struct nfs4_compound *c, uint32_t option, const void *key, uint32_t key_len,
		      const void *value, uint32_t value_len)
{
	struct xdr_out *x = op_begin(c, OP_SETXATTR);

	xdr_put_u32(x, option);
	xdr_put_opaque(x, key, key_len);
	xdr_put_opaque(x, value, value_len);
}

void nfs4_op_listxattrs(struct nfs4_compound *c, uint64_t cookie, uint32_t maxcount)
{
	struct xdr_out *x = op_begin(c, OP_LISTXATTRS);

	xdr_put_u64(x, cookie);
	xdr_put_u32(x, maxcount);
}

void nfs4_op_removexattr(struct nfs4_compound *c, const void *key, uint32_t key_len)
{
	xdr_put_opaque(op_begin(c, OP_REMOVEXATTR), key, key_len);
}
