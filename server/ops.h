/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ops.h - the operation handlers listed in the op table (optab.c).  Each
 * has the nfs4_op_fn signature described in compound.h.
 */
#ifndef LNFSD_OPS_H
#define LNFSD_OPS_H

#include "server/compound.h"

#define NFS4_OP(name) nfsstat4 nfs4_op_##name(struct compound *c, struct xdr_in *args, struct xdr_out *res)

/* op_fh.c: filehandles and names */
NFS4_OP(putrootfh);
NFS4_OP(putpubfh);
NFS4_OP(putfh);
NFS4_OP(getfh);
NFS4_OP(savefh);
NFS4_OP(restorefh);
NFS4_OP(lookup);
NFS4_OP(lookupp);
NFS4_OP(secinfo);
NFS4_OP(secinfo_no_name);

/* op_attr.c: attributes */
NFS4_OP(getattr);
NFS4_OP(setattr);
NFS4_OP(verify);
NFS4_OP(nverify);
NFS4_OP(access);

/* op_dir.c: directories and namespace changes */
NFS4_OP(readdir);
NFS4_OP(readlink);
NFS4_OP(create);
NFS4_OP(remove);
NFS4_OP(rename);
NFS4_OP(link);

/* op_io.c: opens and data */
NFS4_OP(open);
NFS4_OP(read);
NFS4_OP(write);
NFS4_OP(commit);

/* op_v42.c: NFSv4.2 data operations (RFC 7862 §15) */
NFS4_OP(seek);
NFS4_OP(read_plus);
NFS4_OP(allocate);
NFS4_OP(deallocate);
NFS4_OP(copy);
NFS4_OP(clone);
NFS4_OP(io_advise);

/* op_session.c: client ids, sessions, stateids */
NFS4_OP(exchange_id);
NFS4_OP(create_session);
NFS4_OP(sequence);
NFS4_OP(bind_conn_to_session);
NFS4_OP(destroy_session);
NFS4_OP(destroy_clientid);
NFS4_OP(reclaim_complete);
NFS4_OP(test_stateid);
NFS4_OP(free_stateid);
NFS4_OP(close);
NFS4_OP(open_downgrade);

/* op_lock.c: byte-range locks */
NFS4_OP(lock);
NFS4_OP(lockt);
NFS4_OP(locku);

/* op_xattr.c: RFC 8276 extended attributes (user namespace) */
NFS4_OP(getxattr);
NFS4_OP(setxattr);
NFS4_OP(listxattrs);
NFS4_OP(removexattr);

#endif
