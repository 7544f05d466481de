/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_gss.h - the RPCSEC_GSS version 1 flavour (RFC 2203) on the server
 * side, with Kerberos v5 through GSSAPI: the context table hanging off the
 * rpc server, context creation (INIT / CONTINUE_INIT on the NULL procedure),
 * DATA calls with service none, integrity or privacy, the sequence window,
 * DESTROY and expiry.  Used by rpc_server.c only; programs see the outcome
 * in struct rpc_cred (flavor RPC_AUTH_GSS, principal, mapped ids).
 *
 * Per call, rpc_server.c asks rpc_gss_accept() what to do.  For a DATA call
 * that may run, the arguments are unwrapped (views into the record for
 * integrity, a buffer owned by struct rpc_gss_req for privacy); the reply
 * header is written by rpc_gss_put_accepted() (verifier: MIC of seq_num,
 * RFC 2203 §5.3.3.2) and results are wrapped between rpc_gss_wrap_begin()
 * and rpc_gss_wrap_end().  rpc_gss_req_release() drops what the call held.
 * A context is used by one GSS call at a time (a per-context mutex); the
 * table lock is held only for lookups and insertions.
 */
#ifndef LNFSD_RPC_GSS_H
#define LNFSD_RPC_GSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/rpc.h"
#include "rpc/rpc_gss_wire.h"
#include "rpc/rpc_msg.h"
#include "xdr/xdr.h"

/* auth_stat values of RFC 2203 §4 */
#define RPC_AUTHSTAT_GSS_CREDPROBLEM 13u
#define RPC_AUTHSTAT_GSS_CTXPROBLEM 14u

/* Reply bytes kept free for the verifier and the wrapping of results. */
#define RPC_GSS_REPLY_SLACK 512u

struct rpc_gss;
struct rpc_gss_ctx;

/* What one call holds while it runs (on the worker's stack). */
struct rpc_gss_req {
	struct rpc_gss *g;
	struct rpc_gss_ctx *ctx;   /* reference, or NULL */
	uint32_t seq_num;
	uint32_t service;          /* RPC_GSS_SVC_* */
	void *plain;               /* privacy: unwrapped arguments (owned) */
	size_t plain_len;
	uint8_t verf[RPC_AUTH_BODY_MAX];
	uint32_t verf_len;
	bool have_verf;
	size_t body_pos;           /* rpc_gss_wrap_begin(): start of the wrapped body */
};

enum rpc_gss_verdict {
	RPC_GSS_RUN = 0,        /* run the call with *args and *cred */
	RPC_GSS_REPLIED,        /* the whole reply is in the encoder */
	RPC_GSS_AUTH_ERROR,     /* reply AUTH_ERROR(*auth_stat) */
	RPC_GSS_GARBAGE,        /* reply GARBAGE_ARGS (with our verifier) */
	RPC_GSS_DROP,           /* send nothing (RFC 2203 §5.3.3.1) */
};

/* New table; NULL and errno on failure (ENOTSUP without GSSAPI). */
struct rpc_gss *rpc_gss_new(const struct rpc_gss_opts *o);
void rpc_gss_free(struct rpc_gss *g);

/*
 * Decide about a call whose header decoded with an RPCSEC_GSS credential.
 * rec[0..len) is the record, *args points at the procedure arguments and
 * is replaced by the unwrapped ones on RPC_GSS_RUN; *cred becomes the
 * context's identity.  INIT, CONTINUE_INIT and DESTROY are answered here
 * (RPC_GSS_REPLIED, reply header and results appended to o).  req must be
 * released with rpc_gss_req_release() whatever the verdict.
 */
enum rpc_gss_verdict rpc_gss_accept(struct rpc_gss *g, const struct rpc_msg_call *m,
				    const uint8_t *rec, size_t len, struct xdr_in *args,
				    struct rpc_cred *cred, struct rpc_gss_req *req,
				    struct xdr_out *o, uint32_t *auth_stat);
/* Accepted reply header whose verifier is the MIC of the call's seq_num.
 * False if the MIC cannot be made (the call is then dropped). */
bool rpc_gss_put_accepted(struct rpc_gss_req *req, struct xdr_out *o, uint32_t xid,
			  uint32_t stat);
/* Around the results of a SUCCESS reply: integrity and privacy wrap what the
 * program appended between begin and end (RFC 2203 §5.3.3.4).  end returns
 * false when wrapping failed (no reply may be sent, §5.3.3.4.4). */
bool rpc_gss_wrap_begin(struct rpc_gss_req *req, struct xdr_out *o);
bool rpc_gss_wrap_end(struct rpc_gss_req *req, struct xdr_out *o);
void rpc_gss_req_release(struct rpc_gss_req *req);

#endif
