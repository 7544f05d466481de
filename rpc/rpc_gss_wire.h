/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_gss_wire.h - the parts of RPCSEC_GSS version 1 (RFC 2203) that need
 * no GSSAPI: the sequence window a context keeps (§5.3.3.1) and the framing
 * of the arguments of a DATA call with integrity (rpc_gss_integ_data) or
 * privacy (rpc_gss_priv_data), §5.3.2.  Pure functions over caller-owned
 * state and views into the received record, so they are unit-tested and
 * fuzzed on their own; rpc_gss.c calls them with the context locked.
 */
#ifndef LNFSD_RPC_GSS_WIRE_H
#define LNFSD_RPC_GSS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdr/xdr.h"

/* RFC 2203 §5.3.3.1: sequence numbers stop at MAXSEQ */
#define RPC_GSS_MAXSEQ 0x80000000u
/* The sequence window we announce (as the Linux server does). */
#define RPC_GSS_SEQ_WINDOW 128u

/* Sequence numbers seen by one context; zero-initialised means none yet. */
struct rpc_gss_window {
	bool seen_any;
	uint32_t seq_max;                  /* highest seq_num accepted */
	uint8_t seen[RPC_GSS_SEQ_WINDOW];  /* seen[s % W] for s in the window */
};

/* True if seq is new (above the window's top, or inside the window and not
 * seen yet) and records it; false for a replay or a number below the
 * window (RFC 2203 §5.3.3.1: such calls are dropped silently). */
bool rpc_gss_window_accept(struct rpc_gss_window *w, uint32_t seq);

/* rpc_gss_integ_data { opaque databody_integ<>; opaque checksum<>; }:
 * views of both (the checksum at most RPC_AUTH_BODY_MAX bytes, the body
 * long enough for its seq_num).  False if the arguments do not hold that. */
bool rpc_gss_get_integ(struct xdr_in *args, struct xdr_view *body, struct xdr_view *checksum);

/* rpc_gss_priv_data { opaque databody_priv<>; }: a view of the wrapped body. */
bool rpc_gss_get_priv(struct xdr_in *args, struct xdr_view *body);

/* An unwrapped or checked databody starts with the credential's seq_num
 * (rpc_gss_data_t); true if data[0..len) does, with *rest after it. */
bool rpc_gss_body_seq(const uint8_t *data, size_t len, uint32_t seq_num, struct xdr_in *rest);

#endif
