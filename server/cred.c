/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cred.c - switching a worker thread's filesystem identity (see cred.h).
 *
 * glibc's setgroups() changes every thread of the process, so the raw
 * system call is used: in the kernel, group lists, fsuid and fsgid are
 * per-thread credentials.  The squash rules are those of exports(5):
 * root_squash maps uid 0 and gid 0 (also in the group list) to the
 * anonymous ids, all_squash maps everybody, AUTH_NONE callers are always
 * anonymous, RPCSEC_GSS callers are their principal's local user
 * (idmap_gss_principal()) or anonymous when it has none.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config/cfg.h"
#include "server/compound.h"
#include "server/cred.h"
#include "server/export.h"
#include "server/srv.h"

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
	if (c->srv && c->srv->single_user) {
		/* no CAP_SETUID/CAP_SETGID: everything runs as the server's
		 * user and squash rules do not apply; obj_perms() checks that
		 * user's own rights */
		gid_t g[RPC_AUTH_SYS_MAX_GIDS];
		int ng = getgroups(RPC_AUTH_SYS_MAX_GIDS, g);

		out->server = true;
		out->uid = (uint32_t)geteuid();
		out->gid = (uint32_t)getegid();
		for (i = 0; ng > 0 && i < (uint32_t)ng; i++)
			out->gids[n++] = (uint32_t)g[i];
		out->ngids = n;
		return;
	}
	if (x->cfg)
		cl = srv_client_rule(c, x->cfg);
	if (cl) {
		squash = cl->squash;
		anonuid = cl->anonuid;
		anongid = cl->anongid;
	}
	/* RPCSEC_GSS callers have ids only when their principal maps to a
	 * local user (rpc_gss.h); the squash rules apply to them as well */
	if ((rc->flavor != RPC_AUTH_SYS && !(rc->flavor == RPC_AUTH_GSS && rc->gss_mapped)) ||
	    squash == CFG_SQUASH_ALL) {
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

/* The server's own ids, read once (they do not change while it runs), and
 * whether its supplementary groups add nothing to its gid.  Then a caller
 * with exactly these ids (groups, if any, all equal to the gid) gets the
 * same permission checks and new-file ownership as the server's identity,
 * whether the thread's group list is the process's or the one cred_reset()
 * leaves (empty): no switch is needed, which saves a worker the ten system
 * calls of switching and resetting per compound for such callers. */
static uid_t srv_euid;
static gid_t srv_egid;
static bool srv_plain;
static pthread_once_t srv_once = PTHREAD_ONCE_INIT;

static void srv_ids_init(void)
{
	gid_t g[64];
	int n, i;

	srv_euid = geteuid();
	srv_egid = getegid();
	n = getgroups(64, g);
	srv_plain = n >= 0;
	for (i = 0; i < n; i++)
		if (g[i] != srv_egid)
			srv_plain = false;
}

static bool like_server(const struct cred_id *id)
{
	uint32_t i;

	if (id->server)
		return true;
	if (!srv_plain || id->uid != (uint32_t)srv_euid || id->gid != (uint32_t)srv_egid)
		return false;
	for (i = 0; i < id->ngids; i++)
		if (id->gids[i] != (uint32_t)srv_egid)
			return false;
	return true;
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
	bool server;
	int r;

	pthread_once(&srv_once, srv_ids_init);
	server = like_server(id);
	if (!st->switched && server)
		return NFS4_OK;
	if (st->switched && same(&st->cur, id))
		return NFS4_OK;
	if (server) {
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
	pthread_once(&srv_once, srv_ids_init);
	setfsuid(srv_euid);
	setfsgid(srv_egid);
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

uint32_t cred_raise_st(const struct cred_state *st)
{
	pthread_once(&srv_once, srv_ids_init);
	if (!st->switched && srv_euid == 0)
		return 0;
	return cred_raise();
}

void cred_lower(uint32_t fsuid)
{
	if (fsuid != 0)
		setfsuid(fsuid);
}
