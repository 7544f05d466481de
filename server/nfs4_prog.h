/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nfs4_prog.h - the NFSv4 RPC program's dispatch function (ctx: struct srv). */
#ifndef LNFSD_NFS4_PROG_H
#define LNFSD_NFS4_PROG_H

#include "rpc/rpc.h"

enum rpc_dispatch_result nfs4_dispatch(void *ctx, const struct rpc_call *call, struct xdr_out *res);

#endif
