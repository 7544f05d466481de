/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * idmap.c - numeric ids for AUTH_SYS, libnfsidmap for names.  libnfsidmap
 * keeps global state and is not documented as thread-safe, so every call
 * into it is serialised by one mutex; the library is initialised lazily on
 * the first name that is not a number.
 */
#include <errno.h>
#include <sys/types.h>
#include <grp.h>
#include <nfsidmap.h>
#include <pthread.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/idmap.h"
#include "server/limits.h"

static pthread_mutex_t idmap_lock = PTHREAD_MUTEX_INITIALIZER; /* guards libnfsidmap */
static int idmap_ready; /* 0 untried, 1 ok, -1 failed; under idmap_lock */

void idmap_uid_to_owner(const struct compound *c, uint32_t uid, char *buf, size_t len)
{
	snprintf(buf, len, "%u", uid);
}

void idmap_gid_to_group(const struct compound *c, uint32_t gid, char *buf, size_t len)
{
	snprintf(buf, len, "%u", gid);
}

static bool parse_number(const uint8_t *s, uint32_t len, uint32_t *out)
{
	uint64_t v = 0;
	uint32_t i;

	if (len == 0 || len > 10)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > UINT32_MAX - 1) /* (uint32_t)-1 means "no change" to chown */
		return false;
	*out = (uint32_t)v;
	return true;
}

static nfsstat4 by_name(const uint8_t *s, uint32_t len, bool group, uint32_t *out)
{
	char name[LNFS_MAX_OWNER + 1];
	uid_t u;
	gid_t g;
	int r = -1;

	if (len == 0 || len > LNFS_MAX_OWNER || memchr(s, 0, len))
		return NFS4ERR_BADOWNER;
	memcpy(name, s, len);
	name[len] = 0;
	pthread_mutex_lock(&idmap_lock);
	if (idmap_ready == 0)
		idmap_ready = nfs4_init_name_mapping(NULL) == 0 ? 1 : -1;
	if (idmap_ready == 1) {
		if (group) {
			r = nfs4_group_owner_to_gid(name, &g);
			if (r == 0)
				*out = g;
		} else {
			r = nfs4_owner_to_uid(name, &u);
			if (r == 0)
				*out = u;
		}
	}
	pthread_mutex_unlock(&idmap_lock);
	return r == 0 ? NFS4_OK : NFS4ERR_BADOWNER;
}

nfsstat4 idmap_owner_to_uid(const struct compound *c, const uint8_t *s, uint32_t len, uint32_t *uid)
{
	if (parse_number(s, len, uid))
		return NFS4_OK;
	return by_name(s, len, false, uid);
}

nfsstat4 idmap_group_to_gid(const struct compound *c, const uint8_t *s, uint32_t len, uint32_t *gid)
{
	if (parse_number(s, len, gid))
		return NFS4_OK;
	return by_name(s, len, true, gid);
}

bool idmap_gss_principal(void *ctx, const char *principal, const char *local_realm,
			 struct rpc_cred *cred)
{
	char name[RPC_PRINCIPAL_MAX + 1], buf[16384];
	gid_t groups[RPC_AUTH_SYS_MAX_GIDS], *all;
	struct passwd pw, *res = NULL;
	const char *at = strrchr(principal, '@');
	uid_t uid = 0;
	gid_t gid = 0;
	int n = RPC_AUTH_SYS_MAX_GIDS, r = -1, i;

	if (strlen(principal) >= sizeof(name))
		return false;
	strcpy(name, principal);
	/* libnfsidmap first: its methods (nsswitch, static, ldap) carry the
	 * site's rules, machine principals listed in [Static] included */
	pthread_mutex_lock(&idmap_lock);
	if (idmap_ready == 0)
		idmap_ready = nfs4_init_name_mapping(NULL) == 0 ? 1 : -1;
	if (idmap_ready == 1) {
		r = nfs4_gss_princ_to_ids("krb5", name, &uid, &gid);
		if (r == 0 && nfs4_gss_princ_to_grouplist("krb5", name, groups, &n) != 0)
			n = -1;
	}
	pthread_mutex_unlock(&idmap_lock);

	if (r != 0) {
		/* user@REALM of the server's own realm is the local user of
		 * that name; service and machine principals (nfs/host@REALM)
		 * stay anonymous unless libnfsidmap maps them */
		if (!at || at == principal || !local_realm[0] || strcmp(at + 1, local_realm) ||
		    memchr(principal, '/', (size_t)(at - principal)))
			return false;
		name[at - principal] = 0;
		if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res)
			return false;
		uid = pw.pw_uid;
		gid = pw.pw_gid;
		n = 0;
		if (getgrouplist(name, gid, NULL, &n) == -1 && n > 0) {
			all = calloc((size_t)n, sizeof(*all));
			if (all && getgrouplist(name, gid, all, &n) != -1) {
				if (n > RPC_AUTH_SYS_MAX_GIDS)
					n = RPC_AUTH_SYS_MAX_GIDS; /* the wire's limit for AUTH_SYS */
				memcpy(groups, all, (size_t)n * sizeof(*all));
			} else {
				n = 0;
			}
			free(all);
		}
	}
	if (n < 0)
		n = 0;
	if (n > RPC_AUTH_SYS_MAX_GIDS)
		n = RPC_AUTH_SYS_MAX_GIDS;
	cred->uid = uid;
	cred->gid = gid;
	cred->ngids = (uint32_t)n;
	for (i = 0; i < n; i++)
		cred->gids[i] = groups[i];
	return true;
}
