/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * idmap.h - owner and owner_group strings (RFC 8881 §5.9).  For AUTH_SYS
 * callers the server sends and accepts numeric ids, as knfsd does by default
 * and as the Linux client expects with sec=sys; "name@domain" strings from a
 * client are mapped with libnfsidmap (the same mapping as rpc.idmapd).
 */
#ifndef LNFSD_IDMAP_H
#define LNFSD_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/rpc.h"
#include "xdr/nfs4_prot.h"

struct compound;

void idmap_uid_to_owner(const struct compound *c, uint32_t uid, char *buf, size_t len);
void idmap_gid_to_group(const struct compound *c, uint32_t gid, char *buf, size_t len);
/* NFS4ERR_BADOWNER when the string is neither a number nor a known name. */
nfsstat4 idmap_owner_to_uid(const struct compound *c, const uint8_t *s, uint32_t len, uint32_t *uid);
nfsstat4 idmap_group_to_gid(const struct compound *c, const uint8_t *s, uint32_t len, uint32_t *gid);

/*
 * RPCSEC_GSS principal to local ids (an rpc_gss_map_fn, rpc.h): what
 * libnfsidmap's nfs4_gss_princ_to_ids() says, else for "user@REALM" of the
 * server principal's own realm the local user "user" (getpwnam, and its
 * groups, at most RPC_AUTH_SYS_MAX_GIDS).  Machine and service principals
 * ("nfs/host@REALM") and unknown users: false (anonymous).
 */
bool idmap_gss_principal(void *ctx, const char *principal, const char *local_realm,
			 struct rpc_cred *cred);

#endif
