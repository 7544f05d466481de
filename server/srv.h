/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * srv.h - the server context: everything that lives as long as the server
 * process and that handlers reach through struct compound.srv.  There is no
 * other process-wide mutable state.
 */
#ifndef LNFSD_SRV_H
#define LNFSD_SRV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "server/log.h"
#include "xdr/nfs4_prot.h"
#include "xdr/xdr.h"

struct cfg;
struct cfg_domain;
struct lfs_fallback;
struct fh_index;
struct state_table;
struct exports;
struct rpc_server;
struct compound;
struct stats;

/*
 * The configuration and the export table built from it, replaced together
 * on SIGHUP.  A compound holds a reference for its whole run, so the
 * exports (and their descriptors) it borrows stay valid.
 */
struct snapshot {
	atomic_uint refcount;
	struct cfg *cfg;               /* one reference owned */
	struct exports *exports;       /* owned */
};

struct srv {
	pthread_mutex_t snap_lock;     /* guards the pointer swap only */
	struct snapshot *snap;

	struct state_table *state;     /* clients, sessions, stateids */
	struct rpc_server *rpc;

	uint64_t boot_time;            /* seconds since the epoch at start */
	/* The write verifier (RFC 8881 §18.32.3): new at every start, and
	 * changed when a flush fails, so that a client resends UNSTABLE data
	 * the kernel may have dropped (as knfsd does). */
	_Atomic uint64_t write_verf;
	uint8_t server_owner[64];      /* so_major_id */
	uint32_t server_owner_len;
	char server_scope[64];

	uint32_t lease_time;            /* seconds (lease_time attribute) */
	uint8_t fh_key[16];            /* file handle tag key */
	int verbose;
	bool privileged;               /* CAP_DAC_READ_SEARCH/CAP_SYS_ADMIN usable */
	struct lfs_fallback *label_fb; /* state-dir/labels (lfs.h), or NULL */
	struct fh_index *fh_index;     /* index handles (fhindex.h), or NULL */
	bool single_user;              /* no CAP_SETUID/CAP_SETGID: every op runs
					* as the server's user (cred.h) */

	struct stats *stats;           /* counters (stats.h), or NULL */
	struct log_limit log_limits[LOG_KIND_COUNT]; /* rate limits (log.h) */
};

/* Append the current write verifier to x. */
bool srv_put_write_verf(struct srv *s, struct xdr_out *x);
/* A flush failed: give every later WRITE/COMMIT reply a new verifier. */
void srv_write_verf_bump(struct srv *s);

/* A new reference to the current snapshot. */
struct snapshot *srv_snapshot_get(struct srv *s);
void snapshot_put(struct snapshot *snap);
/* Install a new snapshot (takes ownership), dropping the old one. */
void srv_snapshot_swap(struct srv *s, struct snapshot *snap);
/* Build a snapshot from a finished cfg (takes the reference): 0 or -errno
 * with a message in err. */
int snapshot_new(struct srv *s, struct cfg *cfg, struct snapshot **out, char *err, size_t errlen);

/* Some client rule of export x admits the caller (else: NFS4ERR_ACCESS). */
struct export;
bool srv_client_allowed(const struct compound *c, const struct export *x);

/*
 * The label domain of a call (docs/design.md, Labels): the domain of the
 * caller's principal rule (compound.gss_rule) for an RPCSEC_GSS call whose
 * principal one matches; else the domain fixed when its client ID was
 * established; else the peer's by its rules (srv_domain_for_peer).  Never
 * NULL (falls back to the default domain).  Borrowed from the current
 * snapshot: copy the name to keep it.  Costs a lookup by name, no matching.
 */
const struct cfg_domain *srv_domain_for_call(struct srv *s, const struct compound *c);
struct sockaddr;
/* The domain of the first export (configuration order) with a rule for
 * the peer (address, and host name when given); default-domain if none. */
const struct cfg_domain *srv_domain_for_peer(const struct cfg *cfg, const struct sockaddr *peer,
					     const char *hostname);

/*
 * The caller's client rule of a configured export, or NULL (no access):
 * matched by principal (RPCSEC_GSS calls), address and, when the
 * configuration has host-name rules, the connection's verified peer name
 * (resolved once per connection).  Borrowed from the export's cfg.
 */
struct cfg_export;
struct cfg_client;
const struct cfg_client *srv_client_rule(const struct compound *c, const struct cfg_export *ce);
/* The principal rule for c's caller (for compound.gss_rule), logged at
 * debug level; NULL unless an RPCSEC_GSS call matches a principal rule. */
const struct cfg_client *srv_principal_rule(const struct compound *c);
/* The peer's verified host name when the configuration has host rules,
 * else NULL. */
const char *srv_peer_name(const struct compound *c);

#endif
