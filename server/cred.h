/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cred.h - per-request credentials.  Each operation that touches an export
 * runs with the caller's AUTH_SYS uid, gid and groups, after the export's
 * squash rule, as the filesystem identity of the worker thread
 * (setfsuid/setfsgid and a per-thread setgroups), so the host makes exactly
 * the permission checks it makes for a local process.  Operations that need
 * the server's own identity (resolving handles, the pseudo-fs, session ops)
 * run with it.  A worker starts and ends every compound as the server.
 *
 * Changing the filesystem uid away from 0 drops the filesystem
 * capabilities (CAP_DAC_OVERRIDE, CAP_CHOWN, CAP_FOWNER, ...) from the
 * thread's effective set and going back to 0 restores them; CAP_SYS_ADMIN,
 * which the label store needs for trusted.* names, is not affected.
 *
 * Without CAP_SETUID and CAP_SETGID (an unprivileged lnfsd, srv.single_user)
 * nothing is switched: cred_for() gives every caller the server's own
 * identity (its uid, gid and groups, marked server), so cred_apply() makes
 * no system call and cannot fail, squash rules do not apply, and the host
 * checks every operation against the server user's rights only.
 */
#ifndef LNFSD_CRED_H
#define LNFSD_CRED_H

#include <stdbool.h>
#include <stdint.h>

#include "rpc/rpc.h"
#include "xdr/nfs4_prot.h"

struct compound;
struct export;

/* The identity a request runs with. */
struct cred_id {
	uint32_t uid, gid;
	uint32_t ngids;
	uint32_t gids[RPC_AUTH_SYS_MAX_GIDS];
	bool server;                 /* the server's own identity */
};

/* What the thread currently runs as (kept in struct compound). */
struct cred_state {
	bool switched;               /* not the server's identity */
	struct cred_id cur;
};

/* The identity for the caller on export x (NULL: the server's). */
void cred_for(const struct compound *c, const struct export *x, struct cred_id *out);
/* Make the thread run as id (no system call when it already does).
 * NFS4ERR_SERVERFAULT if the kernel refused. */
nfsstat4 cred_apply(struct cred_state *st, const struct cred_id *id);
/* Back to the server's identity (end of a compound). */
void cred_reset(struct cred_state *st);

/* The current filesystem uid of this thread. */
uint32_t cred_fsuid(void);
/* Label store access: labels are readable by anyone who may see the
 * object (as security.* attributes are), whatever the xattr's namespace,
 * so the store is used with filesystem uid 0 for the duration.  Returns the
 * uid to give back to cred_lower(). */
uint32_t cred_raise(void);
/* The same for a thread whose identity st describes, without the system
 * call that reads the fsuid back when st has not switched and the server
 * runs as root (the fsuid is 0 already; cred_lower() then does nothing). */
uint32_t cred_raise_st(const struct cred_state *st);
void cred_lower(uint32_t fsuid);

#endif
