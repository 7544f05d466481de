/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_session.c - the handlers for client ID, session and stateid operations
 * (RFC 8881 §18.2, §18.18, §18.34-18.38, §18.46, §18.48, §18.50-18.51).  Each
 * decodes its arguments through the xdr/ cursor, lets state.c do the work
 * under its locks, and encodes the result body.  No state lives here; the
 * COMPOUND loop owns position rules (SEQUENCE first, BIND_CONN_TO_SESSION
 * alone) and writes the status words.  DESTROY_SESSION of the compound's
 * own session must be its last op: state_destroy_session() checks that.
 */
#include <string.h>

#include "server/srv.h"
#include "server/state.h"

#define MAX_SEC_PARMS 16u     /* csa_sec_parms<>: callback flavours offered */
#define MAX_BITMAP_WORDS 8u   /* state_protect_ops4 bitmaps */

static const char impl_domain[] = "lnfsd.invalid"; /* RFC 2606: no DNS name of ours */
static const char impl_name[] = "lnfsd";

/* --- decoders ------------------------------------------------------------- */

/* nfs_impl_id4<1> (RFC 8881 §3.3.21): decoded, then ignored. */
static bool dec_impl_id_list(struct xdr_in *x)
{
	struct xdr_view v;
	uint32_t n, ns;
	int64_t sec;

	if (!xdr_get_u32(x, &n) || n > 1)
		return false;
	if (n == 0)
		return true;
	return xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &v) &&   /* nii_domain */
	       xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &v) &&   /* nii_name */
	       xdr_get_i64(x, &sec) && xdr_get_u32(x, &ns);  /* nii_date */
}

static bool dec_bitmap_skip(struct xdr_in *x)
{
	uint32_t n, w;

	if (!xdr_get_u32(x, &n) || n > MAX_BITMAP_WORDS)
		return false;
	while (n--)
		if (!xdr_get_u32(x, &w))
			return false;
	return true;
}

static bool dec_channel_attrs4(struct xdr_in *x, struct state_chan_attrs *a)
{
	uint32_t n, ird;

	if (!xdr_get_u32(x, &a->headerpadsize) || !xdr_get_u32(x, &a->maxrequestsize) ||
	    !xdr_get_u32(x, &a->maxresponsesize) || !xdr_get_u32(x, &a->maxresponsesize_cached) ||
	    !xdr_get_u32(x, &a->maxoperations) || !xdr_get_u32(x, &a->maxrequests))
		return false;
	if (!xdr_get_u32(x, &n) || n > 1) /* ca_rdma_ird<1> */
		return false;
	return n == 0 || xdr_get_u32(x, &ird);
}

/* callback_sec_parms4 (RFC 8881 §18.36.1): checked and dropped, since no
 * callback is ever sent. */
static bool dec_callback_sec_parms4(struct xdr_in *x)
{
	struct xdr_view v;
	uint32_t flavor, w, n;

	if (!xdr_get_u32(x, &flavor))
		return false;
	switch (flavor) {
	case RPC_AUTH_NONE:
		return true;
	case RPC_AUTH_SYS:
		/* authsys_parms (RFC 5531 §9.2) */
		if (!xdr_get_u32(x, &w) || !xdr_get_opaque(x, RPC_AUTH_SYS_MAX_MACHINE, &v) ||
		    !xdr_get_u32(x, &w) || !xdr_get_u32(x, &w) || !xdr_get_u32(x, &n) ||
		    n > RPC_AUTH_SYS_MAX_GIDS)
			return false;
		while (n--)
			if (!xdr_get_u32(x, &w))
				return false;
		return true;
	case RPCSEC_GSS:
		/* gss_cb_handles4 */
		return xdr_get_u32(x, &w) && xdr_get_opaque(x, UINT32_MAX, &v) &&
		       xdr_get_opaque(x, UINT32_MAX, &v);
	default:
		return false;
	}
}

/* --- EXCHANGE_ID (RFC 8881 §18.35) ---------------------------------------- */

#define EXCHGID4_FLAG_MASK_A                                                                   \
	(EXCHGID4_FLAG_SUPP_MOVED_REFER | EXCHGID4_FLAG_SUPP_MOVED_MIGR |                      \
	 EXCHGID4_FLAG_SUPP_FENCE_OPS | EXCHGID4_FLAG_BIND_PRINC_STATEID |                     \
	 EXCHGID4_FLAG_MASK_PNFS | EXCHGID4_FLAG_UPD_CONFIRMED_REC_A)

nfsstat4 nfs4_op_exchange_id(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct state_exchange_args a;
	struct state_exchange_res r;
	const struct srv *s = c->srv;
	uint32_t how;
	nfsstat4 status;

	if (!xdr_get_fixed(args, a.verifier, sizeof(a.verifier)) ||
	    !xdr_get_opaque(args, NFS4_OPAQUE_LIMIT, &a.owner) || !xdr_get_u32(args, &a.flags) ||
	    !xdr_get_u32(args, &how))
		return NFS4ERR_BADXDR;
	switch (how) {
	case SP4_NONE:
		break;
	case SP4_MACH_CRED:
		/* §18.35.4: machine credential protection needs RPCSEC_GSS,
		 * which the transport does not offer yet. */
		if (!dec_bitmap_skip(args) || !dec_bitmap_skip(args))
			return NFS4ERR_BADXDR;
		return NFS4ERR_INVAL;
	case SP4_SSV:
		/* §18.35.4: no SSV support, hence no encryption algorithm
		 * the client could offer is supported. */
		return NFS4ERR_ENCR_ALG_UNSUPP;
	default:
		return NFS4ERR_BADXDR;
	}
	if (!dec_impl_id_list(args))
		return NFS4ERR_BADXDR;
	/* §18.35.3: bits outside the argument flags, including the
	 * result-only CONFIRMED_R, are invalid. */
	if (a.flags & ~EXCHGID4_FLAG_MASK_A)
		return NFS4ERR_INVAL;
	/* SUPP_FENCE_OPS is defined by NFSv4.2 (RFC 7862, XDR in RFC 7863),
	 * for client or server to set; at minor version 1 the bit is
	 * undefined, hence NFS4ERR_INVAL (§18.35.3).  Never set in
	 * eir_flags: no fence operations here. */
	if (c->minorversion < 2 && (a.flags & EXCHGID4_FLAG_SUPP_FENCE_OPS))
		return NFS4ERR_INVAL;

	status = state_exchange_id(c, &a, &r);
	if (status)
		return status;

	size_t scope_len = strnlen(s->server_scope, sizeof(s->server_scope));
	uint32_t major_len = s->server_owner_len <= sizeof(s->server_owner)
				     ? s->server_owner_len
				     : (uint32_t)sizeof(s->server_owner);
	bool ok = xdr_put_u64(res, r.clientid) &&              /* eir_clientid */
		  xdr_put_u32(res, r.sequenceid) &&            /* eir_sequenceid */
		  xdr_put_u32(res, r.flags) &&                 /* eir_flags */
		  xdr_put_u32(res, SP4_NONE) &&                /* eir_state_protect */
		  xdr_put_u64(res, 0) &&                       /* so_minor_id */
		  xdr_put_opaque(res, s->server_owner, major_len) && /* so_major_id */
		  xdr_put_opaque(res, s->server_scope, (uint32_t)scope_len) &&
		  xdr_put_u32(res, 1) &&                       /* eir_server_impl_id<1> */
		  xdr_put_string(res, impl_domain) && xdr_put_string(res, impl_name) &&
		  xdr_put_i64(res, 0) && xdr_put_u32(res, 0);  /* nii_date */

	return ok ? NFS4_OK : NFS4ERR_REP_TOO_BIG;
}

/* --- CREATE_SESSION (RFC 8881 §18.36) ------------------------------------- */

nfsstat4 nfs4_op_create_session(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct state_create_session_args a;
	uint32_t n;

	if (!xdr_get_u64(args, &a.clientid) || !xdr_get_u32(args, &a.sequence) ||
	    !xdr_get_u32(args, &a.flags) || !dec_channel_attrs4(args, &a.fore) ||
	    !dec_channel_attrs4(args, &a.back) || !xdr_get_u32(args, &a.cb_program) ||
	    !xdr_get_u32(args, &n) || n > MAX_SEC_PARMS)
		return NFS4ERR_BADXDR;
	while (n--)
		if (!dec_callback_sec_parms4(args))
			return NFS4ERR_BADXDR;
	return state_create_session(c, &a, res);
}

/* --- SEQUENCE (RFC 8881 §18.46) ------------------------------------------- */

nfsstat4 nfs4_op_sequence(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct state_sequence_args a;
	struct state_sequence_res r;
	nfsstat4 status;

	if (!xdr_get_fixed(args, a.sessionid, sizeof(a.sessionid)) ||
	    !xdr_get_u32(args, &a.sequenceid) || !xdr_get_u32(args, &a.slotid) ||
	    !xdr_get_u32(args, &a.highest_slotid) || !xdr_get_bool(args, &a.cachethis))
		return NFS4ERR_BADXDR;
	status = state_sequence(c, &a, &r);
	if (status)
		return status;
	/* On a replay the loop sends the cached COMPOUND4res instead; this
	 * body is then discarded. */
	if (!xdr_put_fixed(res, a.sessionid, sizeof(a.sessionid)) ||
	    !xdr_put_u32(res, a.sequenceid) || !xdr_put_u32(res, a.slotid) ||
	    !xdr_put_u32(res, r.highest_slotid) || !xdr_put_u32(res, r.target_highest_slotid) ||
	    !xdr_put_u32(res, r.status_flags))
		return NFS4ERR_REP_TOO_BIG; /* the slot is released by state_slot_done() */
	return NFS4_OK;
}

/* --- BIND_CONN_TO_SESSION (RFC 8881 §18.34) ------------------------------- */

nfsstat4 nfs4_op_bind_conn_to_session(struct compound *c, struct xdr_in *args,
				      struct xdr_out *res)
{
	uint8_t sid[NFS4_SESSIONID_SIZE];
	uint32_t dir, dir_out;
	bool rdma;
	nfsstat4 status;

	if (!xdr_get_fixed(args, sid, sizeof(sid)) || !xdr_get_u32(args, &dir) ||
	    !xdr_get_bool(args, &rdma))
		return NFS4ERR_BADXDR;
	status = state_bind_conn(c, sid, dir, &dir_out);
	if (status)
		return status;
	/* bctsr_use_conn_in_rdma_mode: TCP only. */
	if (!xdr_put_fixed(res, sid, sizeof(sid)) || !xdr_put_u32(res, dir_out) ||
	    !xdr_put_bool(res, false))
		return NFS4ERR_REP_TOO_BIG;
	return NFS4_OK;
}

/* --- DESTROY_SESSION, DESTROY_CLIENTID, RECLAIM_COMPLETE ------------------- */

nfsstat4 nfs4_op_destroy_session(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	uint8_t sid[NFS4_SESSIONID_SIZE];

	if (!xdr_get_fixed(args, sid, sizeof(sid)))
		return NFS4ERR_BADXDR;
	return state_destroy_session(c, sid);
}

nfsstat4 nfs4_op_destroy_clientid(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	uint64_t clientid;

	if (!xdr_get_u64(args, &clientid))
		return NFS4ERR_BADXDR;
	return state_destroy_clientid(c, clientid);
}

nfsstat4 nfs4_op_reclaim_complete(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	bool one_fs;

	if (!xdr_get_bool(args, &one_fs))
		return NFS4ERR_BADXDR;
	return state_reclaim_complete(c, one_fs);
}

/* --- TEST_STATEID, FREE_STATEID (RFC 8881 §18.48, §18.38) ----------------- */

nfsstat4 nfs4_op_test_stateid(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct stateid4 sid;
	uint32_t n;

	/* Each stateid4 takes 16 bytes: a count beyond the bytes left is
	 * garbage, checked before any work. */
	if (!xdr_get_u32(args, &n) || n > xdr_in_left(args) / 16)
		return NFS4ERR_BADXDR;
	if (!xdr_put_u32(res, n)) /* tsr_status_codes<> */
		return NFS4ERR_REP_TOO_BIG;
	while (n--) {
		if (!nfs4_dec_stateid4(args, &sid))
			return NFS4ERR_BADXDR;
		if (!xdr_put_u32(res, state_test_stateid(c, &sid)))
			return NFS4ERR_REP_TOO_BIG;
	}
	return NFS4_OK;
}

nfsstat4 nfs4_op_free_stateid(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct stateid4 sid;

	if (!nfs4_dec_stateid4(args, &sid))
		return NFS4ERR_BADXDR;
	return state_free_stateid(c, &sid); /* FREE_STATEID4res is the status */
}

/* --- CLOSE, OPEN_DOWNGRADE (RFC 8881 §18.2, §18.18) ----------------------- */

nfsstat4 nfs4_op_close(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct stateid4 sid, invalid = { .seqid = UINT32_MAX };
	uint32_t seqid;
	uint64_t dev, ino;
	nfsstat4 status;

	/* §18.2.3: in 4.1 the seqid argument is ignored. */
	if (!xdr_get_u32(args, &seqid) || !nfs4_dec_stateid4(args, &sid))
		return NFS4ERR_BADXDR;
	status = srv_cur_file_key(c, &dev, &ino);
	if (status)
		return status;
	status = state_close(c, &sid, dev, ino);
	if (status)
		return status;
	/* §18.2.4: the open stateid is gone; answer the special invalid
	 * stateid (§8.2.3), which also becomes the current stateid. */
	c->cur_stateid = invalid;
	c->have_cur_stateid = true;
	return nfs4_enc_stateid4(res, &invalid) ? NFS4_OK : NFS4ERR_REP_TOO_BIG;
}

nfsstat4 nfs4_op_open_downgrade(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct stateid4 sid, out;
	uint32_t seqid, access, deny;
	uint64_t dev, ino;
	nfsstat4 status;

	/* §18.18.3: seqid ignored in 4.1. */
	if (!nfs4_dec_stateid4(args, &sid) || !xdr_get_u32(args, &seqid) ||
	    !xdr_get_u32(args, &access) || !xdr_get_u32(args, &deny))
		return NFS4ERR_BADXDR;
	status = srv_cur_file_key(c, &dev, &ino);
	if (status)
		return status;
	status = state_open_downgrade(c, &sid, dev, ino, access, deny, &out);
	if (status)
		return status;
	return nfs4_enc_stateid4(res, &out) ? NFS4_OK : NFS4ERR_REP_TOO_BIG;
}
