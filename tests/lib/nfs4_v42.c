/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfs4_v42.c - the client's builders and result decoders for the NFSv4.2
 * data operations (RFC 7862 §15): SEEK, READ_PLUS, ALLOCATE, DEALLOCATE,
 * COPY, CLONE and IO_ADVISE.
 *
 * Builders encode their arguments into a scratch xdr_out and append them
 * with nfs4_op_raw(), so they share nothing with nfs4_compound.c beyond its
 * public API.  Decoders read through xdr_in and borrow the reply; READ_PLUS
 * segments stay as a view of the wire array, walked on demand with
 * nfs4_read_plus_next(), so nothing is allocated.
 */
#include "tests/lib/nfs4_client.h"

#include <string.h>

/* Build one op's arguments in a scratch encoder, then append them. */
struct v42_args {
	struct xdr_out x;
};

static void args_begin(struct v42_args *a)
{
	xdr_out_init(&a->x, 1u << 16);
}

static void args_end(struct v42_args *a, struct nfs4_compound *c, uint32_t opnum)
{
	nfs4_op_raw(c, opnum, a->x.buf, a->x.len);
	xdr_out_release(&a->x);
}

static void put_sid(struct xdr_out *x, const struct nfs4_stateid *sid)
{
	xdr_put_u32(x, sid->seqid);
	xdr_put_fixed(x, sid->other, NFS4_OTHER_SIZE);
}

void nfs4_op_seek(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		  uint32_t what)
{
	struct v42_args a;

	args_begin(&a);
	put_sid(&a.x, sid);
	xdr_put_u64(&a.x, offset);
	xdr_put_u32(&a.x, what);
	args_end(&a, c, OP_SEEK);
}

void nfs4_op_read_plus(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		       uint32_t count)
{
	struct v42_args a;

	args_begin(&a);
	put_sid(&a.x, sid);
	xdr_put_u64(&a.x, offset);
	xdr_put_u32(&a.x, count);
	args_end(&a, c, OP_READ_PLUS);
}

static void falloc_op(struct nfs4_compound *c, uint32_t opnum, const struct nfs4_stateid *sid,
		      uint64_t offset, uint64_t length)
{
	struct v42_args a;

	args_begin(&a);
	put_sid(&a.x, sid);
	xdr_put_u64(&a.x, offset);
	xdr_put_u64(&a.x, length);
	args_end(&a, c, opnum);
}

void nfs4_op_allocate(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		      uint64_t length)
{
	falloc_op(c, OP_ALLOCATE, sid, offset, length);
}

void nfs4_op_deallocate(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
			uint64_t length)
{
	falloc_op(c, OP_DEALLOCATE, sid, offset, length);
}

void nfs4_op_copy(struct nfs4_compound *c, const struct nfs4_copy_args *ca)
{
	struct v42_args a;

	args_begin(&a);
	put_sid(&a.x, &ca->src);
	put_sid(&a.x, &ca->dst);
	xdr_put_u64(&a.x, ca->src_offset);
	xdr_put_u64(&a.x, ca->dst_offset);
	xdr_put_u64(&a.x, ca->count);
	xdr_put_bool(&a.x, ca->consecutive);
	xdr_put_bool(&a.x, ca->synchronous);
	if (ca->source_server) {
		/* ca_source_server<>: one netloc4, NL4_NAME (1) */
		xdr_put_u32(&a.x, 1);
		xdr_put_u32(&a.x, 1);
		xdr_put_string(&a.x, ca->source_server);
	} else {
		xdr_put_u32(&a.x, 0);
	}
	args_end(&a, c, OP_COPY);
}

void nfs4_op_clone(struct nfs4_compound *c, const struct nfs4_stateid *src,
		   const struct nfs4_stateid *dst, uint64_t src_offset, uint64_t dst_offset,
		   uint64_t count)
{
	struct v42_args a;

	args_begin(&a);
	put_sid(&a.x, src);
	put_sid(&a.x, dst);
	xdr_put_u64(&a.x, src_offset);
	xdr_put_u64(&a.x, dst_offset);
	xdr_put_u64(&a.x, count);
	args_end(&a, c, OP_CLONE);
}

void nfs4_op_io_advise(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		       uint64_t count, const struct nfs4_bitmap *hints)
{
	struct v42_args a;

	args_begin(&a);
	put_sid(&a.x, sid);
	xdr_put_u64(&a.x, offset);
	xdr_put_u64(&a.x, count);
	xdr_put_u32(&a.x, hints ? hints->n : 0);
	for (uint32_t i = 0; hints && i < hints->n; i++)
		xdr_put_u32(&a.x, hints->w[i]);
	args_end(&a, c, OP_IO_ADVISE);
}

/* ------------------------------------------------------------ decoders */

bool nfs4_read_plus_next(struct xdr_in *x, struct nfs4_rp_segment *s)
{
	memset(s, 0, sizeof(*s));
	if (xdr_in_left(x) == 0 || !xdr_get_u32(x, &s->content))
		return false;
	switch (s->content) {
	case NFS4_CONTENT_DATA:
		if (!xdr_get_u64(x, &s->offset) || !xdr_get_opaque(x, UINT32_MAX, &s->data))
			return false;
		s->length = s->data.len;
		return true;
	case NFS4_CONTENT_HOLE:
		return xdr_get_u64(x, &s->offset) && xdr_get_u64(x, &s->length);
	default:
		return false;
	}
}

/* read_plus_res4: rpr_eof, then rpr_contents<>, kept as a view. */
static bool dec_read_plus(struct xdr_in *x, struct nfs4_op_res *r)
{
	const uint8_t *start;
	struct nfs4_rp_segment s;
	uint32_t n;

	if (!xdr_get_bool(x, &r->u.read_plus.eof) || !xdr_get_u32(x, &n))
		return false;
	/* each segment is at least 16 bytes */
	if (n > xdr_in_left(x) / 16)
		return false;
	start = x->p;
	for (uint32_t i = 0; i < n; i++)
		if (!nfs4_read_plus_next(x, &s))
			return false;
	r->u.read_plus.count = n;
	r->u.read_plus.segments.data = start;
	r->u.read_plus.segments.len = (uint32_t)(x->p - start);
	return true;
}

/* COPY4resok: write_response4 then copy_requirements4. */
static bool dec_copy(struct xdr_in *x, struct nfs4_op_res *r)
{
	uint32_t n;

	if (!xdr_get_u32(x, &n) || n > 1)
		return false;
	r->u.copy.callback_ids = n;
	if (n && (!xdr_get_u32(x, &r->u.copy.callback_id.seqid) ||
		  !xdr_get_fixed(x, r->u.copy.callback_id.other, NFS4_OTHER_SIZE)))
		return false;
	return xdr_get_u64(x, &r->u.copy.count) && xdr_get_u32(x, &r->u.copy.committed) &&
	       xdr_get_fixed(x, r->u.copy.verifier, NFS4_VERIFIER_SIZE) &&
	       xdr_get_bool(x, &r->u.copy.consecutive) &&
	       xdr_get_bool(x, &r->u.copy.synchronous);
}

int nfs4_dec_resop_v42(struct xdr_in *x, struct nfs4_op_res *r)
{
	bool ok;

	if (r->status != NFS4_OK)
		return 1; /* none of these carries a body on error */
	switch (r->op) {
	case OP_ALLOCATE:
	case OP_DEALLOCATE:
	case OP_CLONE:
		return 1;
	case OP_SEEK:
		ok = xdr_get_bool(x, &r->u.seek.eof) && xdr_get_u64(x, &r->u.seek.offset);
		break;
	case OP_READ_PLUS:
		ok = dec_read_plus(x, r);
		break;
	case OP_COPY:
		ok = dec_copy(x, r);
		break;
	case OP_IO_ADVISE:
		ok = nfs4_decode_bitmap(x, &r->u.io_advise);
		break;
	default:
		return 0;
	}
	return ok ? 1 : -1;
}
