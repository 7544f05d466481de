/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_msg.c - RPC call header decoding and reply header encoding (RFC 5531
 * §9 and appendix A).  Every wire byte goes through the xdr/ cursor; counts
 * and lengths are checked against their limits and the bytes present before
 * anything is copied.  No allocation, no state: safe on any thread.
 */
#include "config.h"

#include <string.h>

#include "rpc/rpc_msg.h"

bool rpc_msg_parse_authsys(const uint8_t *body, size_t len, struct rpc_cred *cred)
{
	struct xdr_in x;
	struct xdr_view machine;
	uint32_t stamp, uid, gid, ngids, i;
	uint32_t gids[RPC_AUTH_SYS_MAX_GIDS];

	if (len > RPC_AUTH_BODY_MAX)
		return false;
	xdr_in_init(&x, body, len);
	/* authsys_parms: stamp, machinename<255>, uid, gid, gids<16> */
	if (!xdr_get_u32(&x, &stamp) ||
	    !xdr_get_opaque(&x, RPC_AUTH_SYS_MAX_MACHINE, &machine) ||
	    !xdr_get_u32(&x, &uid) || !xdr_get_u32(&x, &gid) ||
	    !xdr_get_u32(&x, &ngids))
		return false;
	if (ngids > RPC_AUTH_SYS_MAX_GIDS || xdr_in_left(&x) != (size_t)ngids * 4)
		return false;
	for (i = 0; i < ngids; i++)
		if (!xdr_get_u32(&x, &gids[i]))
			return false;

	/* Everything checked: now copy. */
	memset(cred, 0, sizeof(*cred));
	cred->flavor = RPC_AUTH_SYS;
	cred->uid = uid;
	cred->gid = gid;
	cred->ngids = ngids;
	if (ngids)
		memcpy(cred->gids, gids, (size_t)ngids * sizeof(gids[0]));
	if (machine.len)
		memcpy(cred->machine, machine.data, machine.len);
	cred->machine[machine.len] = '\0';
	return true;
}

static enum rpc_msg_status auth_error(struct rpc_msg_call *out, uint32_t stat)
{
	memset(&out->cred, 0, sizeof(out->cred));
	memset(&out->gss, 0, sizeof(out->gss));
	out->auth_stat = stat;
	return RPC_MSG_AUTH_ERROR;
}

/* rpc_gss_cred_t (RFC 2203 §5): version 1 only, then gss_proc, seq_num,
 * service and handle<>, filling the body exactly. */
static bool parse_gss_cred(const struct xdr_view *body, struct rpc_msg_gss *g)
{
	struct xdr_in x;
	uint32_t vers;

	xdr_in_init(&x, body->data, body->len);
	if (!xdr_get_u32(&x, &vers) || vers != RPC_GSS_VERS_1 ||
	    !xdr_get_u32(&x, &g->proc) || !xdr_get_u32(&x, &g->seq_num) ||
	    !xdr_get_u32(&x, &g->service) ||
	    !xdr_get_opaque(&x, RPC_AUTH_BODY_MAX, &g->handle) || xdr_in_left(&x) != 0)
		return false;
	return g->proc <= RPC_GSS_PROC_DESTROY && g->service >= RPC_GSS_SVC_NONE &&
	       g->service <= RPC_GSS_SVC_PRIVACY;
}

enum rpc_msg_status rpc_msg_decode_call(const uint8_t *rec, size_t len,
					struct rpc_msg_call *out, struct xdr_in *args)
{
	struct xdr_in x;
	struct xdr_view cred_body, verf_body;
	uint32_t mtype, cred_flavor, verf_flavor;
	size_t hdr_len;

	memset(out, 0, sizeof(*out));
	xdr_in_init(&x, rec, len);
	xdr_in_init(args, rec, 0);

	if (!xdr_get_u32(&x, &out->xid) || !xdr_get_u32(&x, &mtype))
		return RPC_MSG_GARBAGE;
	if (mtype == RPC_MSG_REPLY)
		return RPC_MSG_DROP; /* a reply to a call we never made */
	if (mtype != RPC_MSG_CALL)
		return RPC_MSG_GARBAGE;
	if (!xdr_get_u32(&x, &out->rpcvers))
		return RPC_MSG_GARBAGE;
	if (out->rpcvers != RPC_VERSION)
		return RPC_MSG_RPC_MISMATCH;
	if (!xdr_get_u32(&x, &out->prog) || !xdr_get_u32(&x, &out->vers) ||
	    !xdr_get_u32(&x, &out->proc))
		return RPC_MSG_GARBAGE;

	/* cred and verf: opaque_auth { flavor; body<400> } */
	if (!xdr_get_u32(&x, &cred_flavor) ||
	    !xdr_get_opaque(&x, RPC_AUTH_BODY_MAX, &cred_body))
		return auth_error(out, RPC_AUTHSTAT_BADCRED);
	hdr_len = (size_t)(x.p - rec);
	if (!xdr_get_u32(&x, &verf_flavor) ||
	    !xdr_get_opaque(&x, RPC_AUTH_BODY_MAX, &verf_body))
		return auth_error(out, RPC_AUTHSTAT_BADVERF);

	switch (cred_flavor) {
	case RPC_AUTH_NONE:
		if (cred_body.len != 0)
			return auth_error(out, RPC_AUTHSTAT_BADCRED);
		out->cred.flavor = RPC_AUTH_NONE;
		out->cred.uid = RPC_NOBODY_ID;
		out->cred.gid = RPC_NOBODY_ID;
		break;
	case RPC_AUTH_SYS:
		if (!rpc_msg_parse_authsys(cred_body.data, cred_body.len, &out->cred))
			return auth_error(out, RPC_AUTHSTAT_BADCRED);
		break;
	case RPC_AUTH_GSS:
		if (!parse_gss_cred(&cred_body, &out->gss))
			return auth_error(out, RPC_AUTHSTAT_BADCRED);
		out->gss.verf_flavor = verf_flavor;
		out->gss.verf = verf_body;
		out->gss.hdr_len = hdr_len;
		out->cred.flavor = RPC_AUTH_GSS;
		out->cred.uid = RPC_NOBODY_ID;
		out->cred.gid = RPC_NOBODY_ID;
		out->cred.gss_service = out->gss.service;
		*args = x;
		return RPC_MSG_OK; /* the verifier is rpc_gss.c's business */
	default:
		/* Not implemented (yet): see the policy in rpc_msg.h. */
		return auth_error(out, RPC_AUTHSTAT_BADCRED);
	}
	/* AUTH_NONE and AUTH_SYS calls carry an empty AUTH_NONE verifier. */
	if (verf_flavor != RPC_AUTH_NONE || verf_body.len != 0)
		return auth_error(out, RPC_AUTHSTAT_BADVERF);

	*args = x;
	return RPC_MSG_OK;
}

static bool put_reply_start(struct xdr_out *o, uint32_t xid, uint32_t reply_stat)
{
	return xdr_put_u32(o, xid) && xdr_put_u32(o, RPC_MSG_REPLY) &&
	       xdr_put_u32(o, reply_stat);
}

bool rpc_msg_put_accepted(struct xdr_out *o, uint32_t xid, uint32_t stat)
{
	/* verf: AUTH_NONE, empty body */
	return put_reply_start(o, xid, RPC_MSG_ACCEPTED) &&
	       xdr_put_u32(o, RPC_AUTH_NONE) && xdr_put_u32(o, 0) &&
	       xdr_put_u32(o, stat);
}

bool rpc_msg_put_accepted_verf(struct xdr_out *o, uint32_t xid, uint32_t flavor,
			       const void *body, uint32_t len, uint32_t stat)
{
	return put_reply_start(o, xid, RPC_MSG_ACCEPTED) && xdr_put_u32(o, flavor) &&
	       xdr_put_opaque(o, body, len) && xdr_put_u32(o, stat);
}

bool rpc_msg_put_prog_mismatch(struct xdr_out *o, uint32_t xid, uint32_t low, uint32_t high)
{
	return rpc_msg_put_accepted(o, xid, RPC_ACCEPT_PROG_MISMATCH) &&
	       xdr_put_u32(o, low) && xdr_put_u32(o, high);
}

bool rpc_msg_put_rpc_mismatch(struct xdr_out *o, uint32_t xid, uint32_t low, uint32_t high)
{
	return put_reply_start(o, xid, RPC_MSG_DENIED) &&
	       xdr_put_u32(o, RPC_REJECT_RPC_MISMATCH) &&
	       xdr_put_u32(o, low) && xdr_put_u32(o, high);
}

bool rpc_msg_put_auth_error(struct xdr_out *o, uint32_t xid, uint32_t stat)
{
	return put_reply_start(o, xid, RPC_MSG_DENIED) &&
	       xdr_put_u32(o, RPC_REJECT_AUTH_ERROR) && xdr_put_u32(o, stat);
}
