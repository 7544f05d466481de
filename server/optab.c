/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * optab.c - the operation table: one row per NFSv4.1/4.2 operation with its
 * handler and the flags the COMPOUND loop enforces.  Rows without a handler
 * are valid operations this server does not implement: they answer
 * NFS4ERR_NOTSUPP.  Rows left out entirely are not operations of minor
 * versions 1 and 2 and answer NFS4ERR_OP_ILLEGAL.
 */
#include "server/compound.h"
#include "server/ops.h"

#define ROW(op, fn, fl, minor) [OP_##op] = { .name = #op, .handler = fn, .flags = (fl), .minor_min = (minor) }
#define NOTSUPP(op, minor) [OP_##op] = { .name = #op, .handler = NULL, .flags = 0, .minor_min = (minor) }

const struct nfs4_op_desc nfs4_optab[NFS4_OP_MAX] = {
	ROW(ACCESS, nfs4_op_access, OPF_NEEDS_FH, 1),
	ROW(CLOSE, nfs4_op_close, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	ROW(COMMIT, nfs4_op_commit, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	ROW(CREATE, nfs4_op_create, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	NOTSUPP(DELEGPURGE, 1),
	NOTSUPP(DELEGRETURN, 1),
	ROW(GETATTR, nfs4_op_getattr, OPF_NEEDS_FH, 1),
	ROW(GETFH, nfs4_op_getfh, OPF_NEEDS_FH, 1),
	ROW(LINK, nfs4_op_link, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	/* LOCK4denied survives NFS4ERR_DENIED (RFC 8881 §18.10.2, §18.11.2) */
	ROW(LOCK, nfs4_op_lock, OPF_NEEDS_FH | OPF_MODIFIES | OPF_ENCODE_ON_ERROR, 1),
	ROW(LOCKT, nfs4_op_lockt, OPF_NEEDS_FH | OPF_ENCODE_ON_ERROR, 1),
	ROW(LOCKU, nfs4_op_locku, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	ROW(LOOKUP, nfs4_op_lookup, OPF_NEEDS_FH, 1),
	ROW(LOOKUPP, nfs4_op_lookupp, OPF_NEEDS_FH, 1),
	ROW(NVERIFY, nfs4_op_nverify, OPF_NEEDS_FH, 1),
	ROW(OPEN, nfs4_op_open, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	NOTSUPP(OPENATTR, 1),
	NOTSUPP(OPEN_CONFIRM, 1),
	ROW(OPEN_DOWNGRADE, nfs4_op_open_downgrade, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	ROW(PUTFH, nfs4_op_putfh, OPF_AS_SERVER, 1),
	ROW(PUTPUBFH, nfs4_op_putpubfh, OPF_AS_SERVER, 1),
	ROW(PUTROOTFH, nfs4_op_putrootfh, OPF_AS_SERVER, 1),
	ROW(READ, nfs4_op_read, OPF_NEEDS_FH, 1),
	ROW(READDIR, nfs4_op_readdir, OPF_NEEDS_FH, 1),
	ROW(READLINK, nfs4_op_readlink, OPF_NEEDS_FH, 1),
	ROW(REMOVE, nfs4_op_remove, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	ROW(RENAME, nfs4_op_rename, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	NOTSUPP(RENEW, 1),
	ROW(RESTOREFH, nfs4_op_restorefh, 0, 1),
	ROW(SAVEFH, nfs4_op_savefh, OPF_NEEDS_FH, 1),
	ROW(SECINFO, nfs4_op_secinfo, OPF_NEEDS_FH, 1),
	ROW(SETATTR, nfs4_op_setattr, OPF_NEEDS_FH | OPF_MODIFIES | OPF_ENCODE_ON_ERROR, 1),
	NOTSUPP(SETCLIENTID, 1),
	NOTSUPP(SETCLIENTID_CONFIRM, 1),
	ROW(VERIFY, nfs4_op_verify, OPF_NEEDS_FH, 1),
	ROW(WRITE, nfs4_op_write, OPF_NEEDS_FH | OPF_MODIFIES, 1),
	NOTSUPP(RELEASE_LOCKOWNER, 1),
	NOTSUPP(BACKCHANNEL_CTL, 1),
	ROW(BIND_CONN_TO_SESSION, nfs4_op_bind_conn_to_session, OPF_FIRST_OK | OPF_ONLY_OP, 1),
	ROW(EXCHANGE_ID, nfs4_op_exchange_id, OPF_FIRST_OK | OPF_ONLY_OP | OPF_MODIFIES, 1),
	ROW(CREATE_SESSION, nfs4_op_create_session, OPF_FIRST_OK | OPF_ONLY_OP | OPF_MODIFIES, 1),
	ROW(DESTROY_SESSION, nfs4_op_destroy_session, OPF_FIRST_OK | OPF_ONLY_OP | OPF_MODIFIES, 1),
	ROW(FREE_STATEID, nfs4_op_free_stateid, OPF_MODIFIES, 1),
	NOTSUPP(GET_DIR_DELEGATION, 1),
	NOTSUPP(GETDEVICEINFO, 1),
	NOTSUPP(GETDEVICELIST, 1),
	NOTSUPP(LAYOUTCOMMIT, 1),
	NOTSUPP(LAYOUTGET, 1),
	NOTSUPP(LAYOUTRETURN, 1),
	ROW(SECINFO_NO_NAME, nfs4_op_secinfo_no_name, OPF_NEEDS_FH, 1),
	ROW(SEQUENCE, nfs4_op_sequence, OPF_IS_SEQUENCE, 1),
	NOTSUPP(SET_SSV, 1),
	ROW(TEST_STATEID, nfs4_op_test_stateid, 0, 1),
	NOTSUPP(WANT_DELEGATION, 1),
	ROW(DESTROY_CLIENTID, nfs4_op_destroy_clientid, OPF_FIRST_OK | OPF_ONLY_OP | OPF_MODIFIES, 1),
	ROW(RECLAIM_COMPLETE, nfs4_op_reclaim_complete, OPF_MODIFIES, 1),
	/* RFC 7862: NFSv4.2 */
	ROW(ALLOCATE, nfs4_op_allocate, OPF_NEEDS_FH | OPF_MODIFIES, 2),
	ROW(COPY, nfs4_op_copy, OPF_NEEDS_FH | OPF_MODIFIES, 2),
	NOTSUPP(COPY_NOTIFY, 2),
	ROW(DEALLOCATE, nfs4_op_deallocate, OPF_NEEDS_FH | OPF_MODIFIES, 2),
	ROW(IO_ADVISE, nfs4_op_io_advise, OPF_NEEDS_FH, 2),
	NOTSUPP(LAYOUTERROR, 2),
	NOTSUPP(LAYOUTSTATS, 2),
	NOTSUPP(OFFLOAD_CANCEL, 2),
	NOTSUPP(OFFLOAD_STATUS, 2),
	ROW(READ_PLUS, nfs4_op_read_plus, OPF_NEEDS_FH, 2),
	ROW(SEEK, nfs4_op_seek, OPF_NEEDS_FH, 2),
	NOTSUPP(WRITE_SAME, 2),
	ROW(CLONE, nfs4_op_clone, OPF_NEEDS_FH | OPF_MODIFIES, 2),
	/* RFC 8276: extended attributes, an extension of 4.2 */
	ROW(GETXATTR, nfs4_op_getxattr, OPF_NEEDS_FH, 2),
	ROW(SETXATTR, nfs4_op_setxattr, OPF_NEEDS_FH | OPF_MODIFIES, 2),
	ROW(LISTXATTRS, nfs4_op_listxattrs, OPF_NEEDS_FH, 2),
	ROW(REMOVEXATTR, nfs4_op_removexattr, OPF_NEEDS_FH | OPF_MODIFIES, 2),
};
