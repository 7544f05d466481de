/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_msg.h - the ONC RPC message header (RFC 5531 §9): decoding a call
 * header with its credential and verifier, and encoding reply headers.
 *
 * Decoding works on one complete record and never allocates or copies a
 * byte from the wire before every length involved has been checked against
 * its limit and against the bytes present.  It classifies the record into
 * what the transport must do next (run it, answer with a denial, drop it
 * silently, or give up on the connection).  Encoding writes host-chosen
 * values only; all writers return false when the xdr_out overflowed.
 *
 * Authentication policy (RFC 5531 §8.2 and §9, auth_stat):
 *  - AUTH_NONE and AUTH_SYS are supported; the verifier must be AUTH_NONE
 *    with an empty body (RFC 5531 appendix A), else AUTH_BADVERF;
 *  - a credential body that cannot be decoded (opaque_auth longer than 400
 *    bytes or than the record, AUTH_NONE with a body, AUTH_SYS whose
 *    machinename exceeds 255 bytes, whose gids exceed 16, or whose fields do
 *    not exactly fill the body) gets AUTH_BADCRED;
 *  - RPCSEC_GSS: the credential must be version 1 with a known procedure
 *    and service, exactly filling its body (else AUTH_BADCRED); its views
 *    and the verifier are handed up in struct rpc_msg_gss, and rpc_gss.c
 *    checks everything else (contexts, verifiers, sequence window);
 *  - a flavour this server does not implement (AUTH_SHORT, AUTH_DH,
 *    anything unknown) also gets AUTH_BADCRED: the
 *    server cannot interpret the credential at all.  RFC 5531 describes
 *    AUTH_REJECTEDCRED as "client must begin new session" (RPCSEC_GSS
 *    clients react by rebuilding their context, which cannot help here)
 *    and AUTH_TOOWEAK as "rejected for security reasons", i.e. a credential
 *    understood but refused by policy, a per-export decision made above
 *    this layer.  Linux's sunrpc server also answers unknown flavours with
 *    AUTH_BADCRED.
 */
#ifndef LNFSD_RPC_MSG_H
#define LNFSD_RPC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/rpc.h"
#include "xdr/xdr.h"

#define RPC_VERSION 2u

/* msg_type */
#define RPC_MSG_CALL 0u
#define RPC_MSG_REPLY 1u

/* reply_stat */
#define RPC_MSG_ACCEPTED 0u
#define RPC_MSG_DENIED 1u

/* accept_stat */
#define RPC_ACCEPT_SUCCESS 0u
#define RPC_ACCEPT_PROG_UNAVAIL 1u
#define RPC_ACCEPT_PROG_MISMATCH 2u
#define RPC_ACCEPT_PROC_UNAVAIL 3u
#define RPC_ACCEPT_GARBAGE_ARGS 4u
#define RPC_ACCEPT_SYSTEM_ERR 5u

/* reject_stat */
#define RPC_REJECT_RPC_MISMATCH 0u
#define RPC_REJECT_AUTH_ERROR 1u

/* auth_stat */
#define RPC_AUTHSTAT_OK 0u
#define RPC_AUTHSTAT_BADCRED 1u
#define RPC_AUTHSTAT_REJECTEDCRED 2u
#define RPC_AUTHSTAT_BADVERF 3u
#define RPC_AUTHSTAT_REJECTEDVERF 4u
#define RPC_AUTHSTAT_TOOWEAK 5u

/* opaque_auth body<400> (RFC 5531 §8.2) */
#define RPC_AUTH_BODY_MAX 400u

/* The uid/gid an AUTH_NONE call runs as. */
#define RPC_NOBODY_ID 65534u

/* Bytes of an accepted reply header with an AUTH_NONE verifier:
 * xid, REPLY, MSG_ACCEPTED, verf flavor, verf length, accept_stat. */
#define RPC_REPLY_HDR_LEN 24u

enum rpc_msg_status {
	RPC_MSG_OK = 0,       /* a call we can look up; args follow */
	RPC_MSG_DROP,         /* well-formed but not a call: ignore it */
	RPC_MSG_GARBAGE,      /* header undecodable: close the connection */
	RPC_MSG_RPC_MISMATCH, /* reply denied RPC_MISMATCH(2, 2) */
	RPC_MSG_AUTH_ERROR,   /* reply denied AUTH_ERROR(auth_stat) */
};

/* An RPCSEC_GSS credential (rpc_gss_cred_vers_1_t, RFC 2203 §5) and the
 * call's verifier, as views into the record; checked by rpc_gss.c. */
struct rpc_msg_gss {
	uint32_t proc;          /* RPC_GSS_PROC_* */
	uint32_t seq_num;
	uint32_t service;       /* RPC_GSS_SVC_* */
	struct xdr_view handle;
	uint32_t verf_flavor;
	struct xdr_view verf;
	size_t hdr_len;         /* record bytes from xid to the end of the
				 * credential: what a DATA verifier signs */
};

struct rpc_msg_call {
	uint32_t xid;
	uint32_t rpcvers;
	uint32_t prog, vers, proc;
	struct rpc_cred cred;
	uint32_t auth_stat;     /* why, for RPC_MSG_AUTH_ERROR */
	struct rpc_msg_gss gss; /* cred.flavor == RPC_AUTH_GSS */
};

/*
 * Decode the call header at the start of rec[0..len).  On RPC_MSG_OK, *args
 * is positioned at the procedure's arguments.  xid is valid for every result
 * except RPC_MSG_GARBAGE; prog/vers/proc are valid for RPC_MSG_OK and
 * RPC_MSG_AUTH_ERROR.  *out is fully written in every case (cred zeroed or
 * complete, never half-copied).
 */
enum rpc_msg_status rpc_msg_decode_call(const uint8_t *rec, size_t len,
					struct rpc_msg_call *out, struct xdr_in *args);

/*
 * Parse an AUTH_SYS credential body (authsys_parms, RFC 5531 appendix A)
 * into *cred.  Every bound is checked before anything is copied; the body
 * must be consumed exactly.  Returns false (cred untouched) if malformed.
 */
bool rpc_msg_parse_authsys(const uint8_t *body, size_t len, struct rpc_cred *cred);

/* Accepted reply header with an AUTH_NONE verifier and accept_stat stat. */
bool rpc_msg_put_accepted(struct xdr_out *o, uint32_t xid, uint32_t stat);
/* The same with verifier (flavor, body[0..len)). */
bool rpc_msg_put_accepted_verf(struct xdr_out *o, uint32_t xid, uint32_t flavor,
			       const void *body, uint32_t len, uint32_t stat);
/* Accepted PROG_MISMATCH with the supported version range. */
bool rpc_msg_put_prog_mismatch(struct xdr_out *o, uint32_t xid, uint32_t low, uint32_t high);
/* Denied RPC_MISMATCH with the supported RPC version range. */
bool rpc_msg_put_rpc_mismatch(struct xdr_out *o, uint32_t xid, uint32_t low, uint32_t high);
/* Denied AUTH_ERROR with auth_stat stat. */
bool rpc_msg_put_auth_error(struct xdr_out *o, uint32_t xid, uint32_t stat);

#endif
