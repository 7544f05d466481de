/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * idmap.c - numeric ids for AUTH_SYS, libnfsidmap for names.  libnfsidmap
 * keeps global state and is not documented as thread-safe, so every call
 * into it is serialised by one mutex; the library is initialised lazily on
 * the first name that is not a number.
 */
#include <errno.h>
#include <sys/types.h>
#include <nfsidmap.h>
#include <pthread.h>
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
