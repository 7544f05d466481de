/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfs4_prog.c - RPC program 100003 version 4: NULL and COMPOUND, the glue
 * between the transport and the COMPOUND engine.
 */
#include "server/compound.h"
#include "server/nfs4_prog.h"
#include "server/srv.h"

enum rpc_dispatch_result nfs4_dispatch(void *ctx, const struct rpc_call *call, struct xdr_out *res)
{
	struct srv *s = ctx;
	struct xdr_in args = call->args;

	switch (call->proc) {
	case NFSPROC4_NULL:
		return RPC_DISPATCH_OK;
	case NFSPROC4_COMPOUND:
		return nfs4_compound(s, call, &args, res) ? RPC_DISPATCH_OK : RPC_DISPATCH_GARBAGE;
	default:
		return RPC_DISPATCH_GARBAGE; /* the transport answers PROC_UNAVAIL first */
	}
}
