/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * srv.c - the server context's snapshot handling and the per-request
 * decisions that come from the configuration: which client rule of an
 * export applies to the caller, and which label domain the caller is in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "rpc/rpc.h"
#include "server/compound.h"
#include "server/export.h"
#include "server/log.h"
#include "server/obj.h"
#include "server/srv.h"
#include "server/state.h"

bool srv_put_write_verf(struct srv *s, struct xdr_out *x)
{
	uint64_t v = atomic_load(&s->write_verf);

	return xdr_put_fixed(x, &v, sizeof(v));
}

void srv_write_verf_bump(struct srv *s)
{
	/* an odd step: all 2^64 values before one repeats */
	atomic_fetch_add(&s->write_verf, 0x9e3779b97f4a7c15ULL);
}

struct snapshot *srv_snapshot_get(struct srv *s)
{
	struct snapshot *snap;

	pthread_mutex_lock(&s->snap_lock);
	snap = s->snap;
	atomic_fetch_add(&snap->refcount, 1);
	pthread_mutex_unlock(&s->snap_lock);
	return snap;
}

void snapshot_put(struct snapshot *snap)
{
	if (!snap || atomic_fetch_sub(&snap->refcount, 1) != 1)
		return;
	exports_free(snap->exports);
	cfg_put(snap->cfg);
	free(snap);
}

void srv_snapshot_swap(struct srv *s, struct snapshot *snap)
{
	struct snapshot *old;

	pthread_mutex_lock(&s->snap_lock);
	old = s->snap;
	s->snap = snap;
	pthread_mutex_unlock(&s->snap_lock);
	snapshot_put(old);
}

int snapshot_new(struct srv *s, struct cfg *cfg, struct snapshot **out, char *err, size_t errlen)
{
	struct snapshot *snap;
	const char **paths;
	uint32_t *ids;
	const struct cfg_export **cfgs;
	char hc_msg[768];
	unsigned i;
	int r = -ENOMEM;

	snap = calloc(1, sizeof(*snap));
	paths = calloc(cfg->nexports + 1, sizeof(*paths));
	ids = calloc(cfg->nexports + 1, sizeof(*ids));
	cfgs = calloc(cfg->nexports + 1, sizeof(*cfgs));
	if (!snap || !paths || !ids || !cfgs)
		goto out;
	for (i = 0; i < cfg->nexports; i++) {
		paths[i] = cfg->exports[i].path;
		ids[i] = cfg->exports[i].id;
		cfgs[i] = &cfg->exports[i];
	}
	r = exports_new(paths, ids, cfgs, cfg->nexports, s->fh_key, s->fh_index, &snap->exports,
			err, errlen);
	if (r < 0)
		goto out;
	/* at start and on every reload: an export option that cannot work */
	if (cfg_host_context_inert(cfg, hc_msg, sizeof(hc_msg)))
		log_warn("%s", hc_msg);
	atomic_init(&snap->refcount, 1);
	snap->cfg = cfg;
	*out = snap;
	snap = NULL;
	cfg = NULL;
out:
	free(paths);
	free(ids);
	free(cfgs);
	free(snap);
	cfg_put(cfg);
	return r;
}

const char *srv_peer_name(const struct compound *c)
{
	if (!c->snap || !c->snap->cfg->has_host_rules)
		return NULL;
	return rpc_conn_peer_name(c->call->conn);
}

const struct cfg_client *srv_client_rule(const struct compound *c, const struct cfg_export *ce)
{
	struct cfg_caller who = { (const struct sockaddr *)&c->call->conn->peer, NULL, NULL };

	who.hostname = srv_peer_name(c);
	if (c->call->cred.flavor == RPC_AUTH_GSS && c->snap && c->snap->cfg->has_principal_rules)
		who.principal = c->call->cred.principal;
	return cfg_match_caller(ce, &who);
}

const struct cfg_client *srv_principal_rule(const struct compound *c)
{
	const struct cfg_client *cl;

	if (!c->snap || c->call->cred.flavor != RPC_AUTH_GSS || !c->snap->cfg->has_principal_rules)
		return NULL;
	cl = cfg_match_principal(c->snap->cfg, c->call->cred.principal);
	if (cl)
		log_debug("principal %s: rule krb5:%s (line %u), label domain %s",
			  c->call->cred.principal, cl->host, cl->line, cl->domain->name);
	return cl;
}

/* The client rule of export x for the caller, or NULL (no access). */
static const struct cfg_client *client_rule(const struct compound *c, const struct export *x)
{
	if (!x->cfg)
		return NULL;
	return srv_client_rule(c, x->cfg);
}

bool srv_client_allowed(const struct compound *c, const struct export *x)
{
	return !x->cfg || client_rule(c, x) != NULL;
}

bool obj_export_readonly(const struct compound *c, const struct export *x)
{
	const struct cfg_client *cl = client_rule(c, x);

	return !cl || !cl->rw;
}

const struct cfg_domain *srv_domain_for_peer(const struct cfg *cfg, const struct sockaddr *peer,
					     const char *hostname)
{
	const struct cfg_client *cl;
	unsigned i;

	/* the first export (in configuration order) with a rule for the
	 * peer decides (decisions.md 5) */
	for (i = 0; i < cfg->nexports; i++) {
		cl = cfg_match_client(&cfg->exports[i], peer, hostname);
		if (cl && cl->domain)
			return cl->domain;
	}
	return cfg->default_domain;
}

const struct cfg_domain *srv_domain_for_call(struct srv *s, const struct compound *c)
{
	const struct cfg_domain *d;

	/* a principal rule decides the calls made with its principal */
	if (c->gss_rule)
		return c->gss_rule->domain;
	/* the domain fixed when the client ID was established, if it still
	 * exists after a reload */
	if (c->client) {
		d = cfg_find_domain(c->snap->cfg, client_domain(c->client));
		if (d)
			return d;
	}
	return srv_domain_for_peer(c->snap->cfg, (const struct sockaddr *)&c->call->conn->peer,
				   srv_peer_name(c));
}

void srv_client_domain_name(struct srv *s, const struct compound *c, char *buf, size_t len)
{
	const char *host = srv_peer_name(c);
	const struct cfg_domain *d =
		c->gss_rule ? c->gss_rule->domain :
			      srv_domain_for_peer(c->snap->cfg,
						  (const struct sockaddr *)&c->call->conn->peer, host);
	char addr[INET6_ADDRSTRLEN] = "?";
	const struct sockaddr *sa = (const struct sockaddr *)&c->call->conn->peer;

	snprintf(buf, len, "%s", d->name);
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, addr, sizeof(addr));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, addr, sizeof(addr));
	if (c->gss_rule)
		log_info("client %s (%s, principal rule krb5:%s): label domain %s", addr,
			 c->call->cred.principal, c->gss_rule->host, d->name);
	else
		log_info("client %s%s%s: label domain %s", addr, host ? " " : "", host ? host : "",
			 d->name);
}

nfsstat4 srv_cur_file_key(struct compound *c, uint64_t *dev, uint64_t *ino)
{
	struct stat st;

	if (!c->cur.set)
		return NFS4ERR_NOFILEHANDLE;
	if (!c->cur.exp)
		return NFS4ERR_ISDIR;
	if (fstat(c->cur.fd, &st) < 0)
		return NFS4ERR_STALE;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return NFS4_OK;
}
