/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_gss_wire.c - RPCSEC_GSS sequence window and DATA argument framing
 * (RFC 2203 §5.3.2, §5.3.3.1); see rpc_gss_wire.h.
 */
#include "config.h"

#include <string.h>

#include "rpc/rpc_gss_wire.h"
#include "rpc/rpc_msg.h"

bool rpc_gss_window_accept(struct rpc_gss_window *w, uint32_t seq)
{
	uint32_t s;

	if (!w->seen_any) {
		w->seen_any = true;
		w->seq_max = seq;
		memset(w->seen, 0, sizeof(w->seen));
		w->seen[seq % RPC_GSS_SEQ_WINDOW] = 1;
		return true;
	}
	if (seq > w->seq_max) {
		/* slide: forget the slots the window moves over */
		if (seq - w->seq_max >= RPC_GSS_SEQ_WINDOW)
			memset(w->seen, 0, sizeof(w->seen));
		else
			for (s = w->seq_max + 1; s != seq; s++)
				w->seen[s % RPC_GSS_SEQ_WINDOW] = 0;
		w->seq_max = seq;
		w->seen[seq % RPC_GSS_SEQ_WINDOW] = 1;
		return true;
	}
	if (w->seq_max - seq >= RPC_GSS_SEQ_WINDOW)
		return false; /* below the window */
	if (w->seen[seq % RPC_GSS_SEQ_WINDOW])
		return false; /* a replay */
	w->seen[seq % RPC_GSS_SEQ_WINDOW] = 1;
	return true;
}

bool rpc_gss_get_integ(struct xdr_in *args, struct xdr_view *body, struct xdr_view *checksum)
{
	return xdr_get_opaque(args, UINT32_MAX, body) &&
	       xdr_get_opaque(args, RPC_AUTH_BODY_MAX, checksum) && body->len >= 4;
}

bool rpc_gss_get_priv(struct xdr_in *args, struct xdr_view *body)
{
	return xdr_get_opaque(args, UINT32_MAX, body);
}

bool rpc_gss_body_seq(const uint8_t *data, size_t len, uint32_t seq_num, struct xdr_in *rest)
{
	uint32_t v;

	if (len < 4)
		return false;
	v = ((uint32_t)data[0] << 24) | ((uint32_t)data[1] << 16) | ((uint32_t)data[2] << 8) |
	    data[3];
	if (v != seq_num)
		return false;
	xdr_in_init(rest, data + 4, len - 4);
	return true;
}
