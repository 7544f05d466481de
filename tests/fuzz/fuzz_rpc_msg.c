/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_rpc_msg.c - libFuzzer target for the RPC call header decoder and the
 * AUTH_SYS credential parser.  The input is one record (no record mark).
 * Checks the decoded credential's invariants and encodes the reply the
 * transport would send.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_cred(const struct rpc_cred *c)
{
	if (c->ngids > RPC_AUTH_SYS_MAX_GIDS)
		abort();
	if (strnlen(c->machine, sizeof(c->machine)) >= sizeof(c->machine))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_msg_call m;
	struct rpc_cred cred;
	struct xdr_in args;
	struct xdr_out o;

	xdr_out_init(&o, 1024);
	switch (rpc_msg_decode_call(data, size, &m, &args)) {
	case RPC_MSG_OK:
		check_cred(&m.cred);
		if (args.p < data || args.end != data + size || args.p > args.end)
			abort();
		if (!rpc_msg_put_accepted(&o, m.xid, RPC_ACCEPT_SUCCESS) ||
		    !rpc_msg_put_prog_mismatch(&o, m.xid, m.vers, m.vers))
			abort();
		break;
	case RPC_MSG_RPC_MISMATCH:
		if (!rpc_msg_put_rpc_mismatch(&o, m.xid, RPC_VERSION, RPC_VERSION))
			abort();
		break;
	case RPC_MSG_AUTH_ERROR:
		if (m.auth_stat == RPC_AUTHSTAT_OK)
			abort();
		if (!rpc_msg_put_auth_error(&o, m.xid, m.auth_stat))
			abort();
		break;
	case RPC_MSG_GARBAGE:
	case RPC_MSG_DROP:
		break;
	}
	xdr_out_release(&o);

	if (rpc_msg_parse_authsys(data, size, &cred))
		check_cred(&cred);
	return 0;
}
