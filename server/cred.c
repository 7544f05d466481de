/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cred.c - switching a worker thread's filesystem identity (see cred.h).
 *
 * glibc's setgroups() changes every thread of the process, so the raw
 * system call is used: in the kernel, group lists, fsuid and fsgid are
 * per-thread credentials.  The squash rules are those of exports(5):
 * root_squash maps uid 0 and gid 0 (also in the group list) to the
 * anonymous ids, all_squash maps everybody, AUTH_NONE callers are always
 * anonymous.
 */
#include <errno.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config/cfg.h"
#include "server/compound.h"
#include "server/cred.h"
#include "server/export.h"

void cred_for(const struct compound *c, const struct export *x, struct cred_id *out)
{
	const struct rpc_cred *rc = &c->call->cred;
	const struct cfg_client *cl = NULL;
	enum cfg_squash squash = CFG_SQUASH_ROOT;
	uint32_t anonuid = CFG_ANON_ID, anongid = CFG_ANON_ID, i, n = 0;

	memset(out, 0, sizeof(*out));
	if (!x) {
		out->server = true;
		return;
	}
	if (x->cfg)
		cl = cfg_match_client(x->cfg, (const struct sockaddr *)&c->call->conn->peer, NULL);
	if (cl) {
		squash = cl->squash;
		anonuid = cl->anonuid;
		anongid = cl->anongid;
	}
	if (rc->flavor != RPC_AUTH_SYS || squash == CFG_SQUASH_ALL) {
		out->uid = anonuid;
		out->gid = anongid;
		return;
	}
	out->uid = rc->uid;
	out->gid = rc->gid;
	if (squash == CFG_SQUASH_ROOT) {
		if (out->uid == 0)
			out->uid = anonuid;
		if (out->gid == 0)
			out->gid = anongid;
	}
	for (i = 0; i < rc->ngids && i < RPC_AUTH_SYS_MAX_GIDS; i++) {
		uint32_t g = rc->gids[i];

		if (g == 0 && squash == CFG_SQUASH_ROOT)
			g = anongid;
		out->gids[n++] = g;
	}
	out->ngids = n;
}

static bool same(const struct cred_id *a, const struct cred_id *b)
{
	return a->server == b->server && a->uid == b->uid && a->gid == b->gid &&
	       a->ngids == b->ngids && !memcmp(a->gids, b->gids, a->ngids * sizeof(a->gids[0]));
}

/* Per-thread set: setfsuid/setfsgid return the previous id, so check by
 * reading back (they do not report errors). */
static int set_ids(uint32_t uid, uint32_t gid, uint32_t ngids, const uint32_t *gids)
{
	gid_t list[RPC_AUTH_SYS_MAX_GIDS];
	uint32_t i;

	for (i = 0; i < ngids; i++)
		list[i] = gids[i];
	if (syscall(SYS_setgroups, (size_t)ngids, list) < 0)
		return -errno;
	setfsgid(gid);
	if ((uint32_t)setfsgid((gid_t)-1) != gid)
		return -EPERM;
	setfsuid(uid);
	if ((uint32_t)setfsuid((uid_t)-1) != uid)
		return -EPERM;
	return 0;
}

nfsstat4 cred_apply(struct cred_state *st, const struct cred_id *id)
{
	int r;

	if (!st->switched && id->server)
		return NFS4_OK;
	if (st->switched && same(&st->cur, id))
		return NFS4_OK;
	if (id->server) {
		cred_reset(st);
		return NFS4_OK;
	}
	/* uid last on the way in: fsuid 0 keeps the rights to set the rest */
	if (st->switched)
		cred_reset(st);
	r = set_ids(id->uid, id->gid, id->ngids, id->gids);
	if (r < 0) {
		cred_reset(st);
		return NFS4ERR_SERVERFAULT;
	}
	st->switched = true;
	st->cur = *id;
	return NFS4_OK;
}

void cred_reset(struct cred_state *st)
{
	if (!st->switched)
		return;
	setfsuid(geteuid());
	setfsgid(getegid());
	syscall(SYS_setgroups, (size_t)0, NULL);
	st->switched = false;
	memset(&st->cur, 0, sizeof(st->cur));
}

uint32_t cred_fsuid(void)
{
	return (uint32_t)setfsuid((uid_t)-1);
}

uint32_t cred_raise(void)
{
	uint32_t prev = cred_fsuid();

	if (prev != 0)
		setfsuid(0);
	return prev;
}

void cred_lower(uint32_t fsuid)
{
	if (fsuid != 0)
		setfsuid(fsuid);
}
