/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_gss.c - RPCSEC_GSS version 1 (RFC 2203) over MIT Kerberos GSSAPI:
 * the context table of one rpc server, context creation, per-call
 * verification with the sequence window, integrity and privacy of
 * arguments and results, destruction and expiry.  See rpc_gss.h.
 *
 * Every wire byte is read through xdr/; GSSAPI only sees buffers whose
 * bounds were checked.  Nothing here is process-global: the acceptor
 * credential, the handle secret and the contexts belong to struct rpc_gss.
 * A context handle is 16 bytes, a per-table counter and a random value
 * drawn when the table is made, so handles of an earlier server instance
 * are never found.  Lock order: table lock, then a context's lock (the
 * table lock is never taken while a context is locked).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_gss.h"

#ifndef HAVE_GSSAPI

struct rpc_gss *rpc_gss_new(const struct rpc_gss_opts *o)
{
	errno = ENOTSUP;
	return NULL;
}

void rpc_gss_free(struct rpc_gss *g)
{
}

enum rpc_gss_verdict rpc_gss_accept(struct rpc_gss *g, const struct rpc_msg_call *m,
				    const uint8_t *rec, size_t len, struct xdr_in *args,
				    struct rpc_cred *cred, struct rpc_gss_req *req,
				    struct xdr_out *o, uint32_t *auth_stat)
{
	memset(req, 0, sizeof(*req));
	*auth_stat = RPC_AUTHSTAT_BADCRED;
	return RPC_GSS_AUTH_ERROR;
}

bool rpc_gss_put_accepted(struct rpc_gss_req *req, struct xdr_out *o, uint32_t xid,
			  uint32_t stat)
{
	return false;
}

bool rpc_gss_wrap_begin(struct rpc_gss_req *req, struct xdr_out *o)
{
	return false;
}

bool rpc_gss_wrap_end(struct rpc_gss_req *req, struct xdr_out *o)
{
	return false;
}

void rpc_gss_req_release(struct rpc_gss_req *req)
{
}

#else /* HAVE_GSSAPI */

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

#define GSS_HANDLE_LEN 16u
#define GSS_BUCKETS 256u
#define GSS_DEF_MAX_CONTEXTS 4096u
#define GSS_INCOMPLETE_TTL 60      /* seconds an unfinished context is kept */
#define GSS_MAX_LIFETIME 86400     /* cap for contexts without an end */

struct rpc_gss_ctx {
	struct rpc_gss_ctx *next;       /* bucket chain; under the table lock */
	uint8_t handle[GSS_HANDLE_LEN];
	uint64_t id;
	unsigned refs;                  /* under the table lock */
	bool in_table;                  /* under the table lock */
	time_t last_used;               /* under the table lock */
	bool established;               /* under the table lock: complete */

	pthread_mutex_t lock;           /* the GSS context, window and cred */
	gss_ctx_id_t gctx;
	bool complete;
	_Atomic time_t expiry;          /* monotonic seconds; read by the
					 * sweep under the table lock, written
					 * under the context lock */
	struct rpc_gss_window win;      /* sequence numbers seen */
	struct rpc_cred cred;           /* principal and mapped ids */
};

struct rpc_gss {
	pthread_mutex_t lock;           /* table, acceptor credential */
	gss_cred_id_t acceptor;
	char *keytab;
	rpc_gss_map_fn map;
	void *map_ctx;
	unsigned max_contexts;
	unsigned count;
	uint64_t next_id;
	uint8_t secret[GSS_HANDLE_LEN - 8];
	struct rpc_gss_ctx *bucket[GSS_BUCKETS];
};

static time_t now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- acceptor credential ---- */

/* Caller holds g->lock.  Kerberos v5 only: no SPNEGO negotiation. */
static int acquire_acceptor(struct rpc_gss *g)
{
	gss_OID_set_desc mechs = { 1, (gss_OID)gss_mech_krb5 };
	gss_key_value_element_desc kv = { "keytab", NULL };
	gss_key_value_set_desc store = { 1, &kv };
	OM_uint32 major, minor;

	if (g->acceptor != GSS_C_NO_CREDENTIAL)
		return 0;
	if (g->keytab) {
		kv.value = g->keytab;
		major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs,
					      GSS_C_ACCEPT, &store, &g->acceptor, NULL, NULL);
	} else {
		major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs,
					 GSS_C_ACCEPT, &g->acceptor, NULL, NULL);
	}
	if (GSS_ERROR(major)) {
		g->acceptor = GSS_C_NO_CREDENTIAL;
		return -ENOKEY;
	}
	return 0;
}

struct rpc_gss *rpc_gss_new(const struct rpc_gss_opts *o)
{
	struct rpc_gss *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	if (o->keytab && !(g->keytab = strdup(o->keytab))) {
		free(g);
		return NULL;
	}
	if (getrandom(g->secret, sizeof(g->secret), 0) != (ssize_t)sizeof(g->secret)) {
		free(g->keytab);
		free(g);
		errno = EIO;
		return NULL;
	}
	pthread_mutex_init(&g->lock, NULL);
	g->acceptor = GSS_C_NO_CREDENTIAL;
	g->map = o->map;
	g->map_ctx = o->map_ctx;
	g->max_contexts = o->max_contexts ? o->max_contexts : GSS_DEF_MAX_CONTEXTS;
	g->next_id = 1;
	pthread_mutex_lock(&g->lock);
	acquire_acceptor(g); /* tried again at the next INIT if this failed */
	pthread_mutex_unlock(&g->lock);
	return g;
}

/* ---- contexts and the table ---- */

static void ctx_destroy(struct rpc_gss_ctx *c)
{
	OM_uint32 minor;

	if (c->gctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &c->gctx, GSS_C_NO_BUFFER);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Drop a reference; caller holds g->lock.  Returns the context to destroy
 * (outside the lock) or NULL. */
static struct rpc_gss_ctx *ctx_put_locked(struct rpc_gss_ctx *c)
{
	return --c->refs == 0 ? c : NULL;
}

static void ctx_put(struct rpc_gss *g, struct rpc_gss_ctx *c)
{
	struct rpc_gss_ctx *dead;

	pthread_mutex_lock(&g->lock);
	dead = ctx_put_locked(c);
	pthread_mutex_unlock(&g->lock);
	if (dead)
		ctx_destroy(dead);
}

/* Unlink c from the table; caller holds g->lock.  Returns it when the
 * table's reference was the last. */
static struct rpc_gss_ctx *unlink_locked(struct rpc_gss *g, struct rpc_gss_ctx *c)
{
	struct rpc_gss_ctx **pp = &g->bucket[c->id % GSS_BUCKETS];

	if (!c->in_table)
		return NULL;
	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp)
		*pp = c->next;
	c->next = NULL;
	c->in_table = false;
	g->count--;
	return ctx_put_locked(c);
}

static void ctx_remove(struct rpc_gss *g, struct rpc_gss_ctx *c)
{
	struct rpc_gss_ctx *dead;

	pthread_mutex_lock(&g->lock);
	dead = unlink_locked(g, c);
	pthread_mutex_unlock(&g->lock);
	if (dead)
		ctx_destroy(dead);
}

/* A new reference to the context with this handle, or NULL. */
static struct rpc_gss_ctx *ctx_find(struct rpc_gss *g, const struct xdr_view *h)
{
	struct rpc_gss_ctx *c = NULL;
	uint64_t id = 0;
	unsigned i;

	if (h->len != GSS_HANDLE_LEN)
		return NULL;
	for (i = 0; i < 8; i++)
		id = (id << 8) | h->data[i];
	pthread_mutex_lock(&g->lock);
	for (c = g->bucket[id % GSS_BUCKETS]; c; c = c->next)
		if (c->id == id && !memcmp(c->handle, h->data, GSS_HANDLE_LEN))
			break;
	if (c) {
		c->refs++;
		c->last_used = now_sec();
	}
	pthread_mutex_unlock(&g->lock);
	return c;
}

/* Make room for one more context; caller holds g->lock.  Expired and
 * abandoned contexts go first, then (table full) the least recently used
 * unfinished one, and only when there is none the least recently used
 * established one: an INIT needs no credentials, and a token that makes
 * gss_accept_sec_context() ask for more (15 bytes do) must not be able to
 * push established contexts out.  Contexts to destroy are chained on *dead. */
static void sweep_locked(struct rpc_gss *g, struct rpc_gss_ctx **dead)
{
	struct rpc_gss_ctx *c, *next, *lru = NULL, *lru_open = NULL, *d;
	time_t now = now_sec();
	unsigned i;

	for (i = 0; i < GSS_BUCKETS; i++) {
		for (c = g->bucket[i]; c; c = next) {
			next = c->next;
			/* incomplete contexts carry a short expiry; a
			 * CONTINUE_INIT that completes a published one
			 * rewrites it (atomic, so no torn read here) */
			if (now >= c->expiry) {
				d = unlink_locked(g, c);
				if (d) {
					d->next = *dead;
					*dead = d;
				}
				continue;
			}
			if (!c->established &&
			    (!lru_open || c->last_used < lru_open->last_used))
				lru_open = c;
			if (!lru || c->last_used < lru->last_used)
				lru = c;
		}
	}
	if (lru_open)
		lru = lru_open;
	if (g->count >= g->max_contexts && lru) {
		d = unlink_locked(g, lru);
		if (d) {
			d->next = *dead;
			*dead = d;
		}
	}
}

/* Give c a handle and publish it (one reference for the table, one kept
 * by the caller); established: its context is complete. */
static void ctx_insert(struct rpc_gss *g, struct rpc_gss_ctx *c, bool established)
{
	struct rpc_gss_ctx *dead = NULL, *next;
	unsigned i;

	pthread_mutex_lock(&g->lock);
	sweep_locked(g, &dead);
	c->id = g->next_id++;
	for (i = 0; i < 8; i++)
		c->handle[i] = (uint8_t)(c->id >> (56 - 8 * i));
	memcpy(c->handle + 8, g->secret, sizeof(g->secret));
	c->next = g->bucket[c->id % GSS_BUCKETS];
	g->bucket[c->id % GSS_BUCKETS] = c;
	c->in_table = true;
	c->refs = 2;
	c->last_used = now_sec();
	c->established = established;
	g->count++;
	pthread_mutex_unlock(&g->lock);
	for (; dead; dead = next) {
		next = dead->next;
		ctx_destroy(dead);
	}
}

void rpc_gss_free(struct rpc_gss *g)
{
	struct rpc_gss_ctx *c, *next;
	OM_uint32 minor;
	unsigned i;

	if (!g)
		return;
	/* the server has stopped: no call holds a context any more */
	for (i = 0; i < GSS_BUCKETS; i++) {
		for (c = g->bucket[i]; c; c = next) {
			next = c->next;
			ctx_destroy(c);
		}
	}
	if (g->acceptor != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&minor, &g->acceptor);
	pthread_mutex_destroy(&g->lock);
	free(g->keytab);
	free(g);
}

/* ---- context creation (RFC 2203 §5.2) ---- */

/* The realm of the name's display form ("svc/host@REALM"), or "". */
static void name_realm(const char *name, char *realm, size_t len)
{
	const char *at = strrchr(name, '@');

	snprintf(realm, len, "%s", at ? at + 1 : "");
}

/* Display form of a GSS name into buf; false if it does not fit. */
static bool display_name(gss_name_t name, char *buf, size_t len)
{
	gss_buffer_desc b = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	bool ok;

	major = gss_display_name(&minor, name, &b, NULL);
	if (GSS_ERROR(major))
		return false;
	ok = b.length > 0 && b.length < len && !memchr(b.value, 0, b.length);
	if (ok) {
		memcpy(buf, b.value, b.length);
		buf[b.length] = 0;
	}
	gss_release_buffer(&minor, &b);
	return ok;
}

/* The context just completed: who is it, and who is that locally?
 * Caller holds c->lock.  False if the principal cannot be represented. */
static bool ctx_identify(struct rpc_gss *g, struct rpc_gss_ctx *c, gss_name_t src,
			 OM_uint32 time_rec)
{
	char target[RPC_PRINCIPAL_MAX + 1] = "", realm[RPC_PRINCIPAL_MAX + 1];
	gss_name_t targ = GSS_C_NO_NAME;
	OM_uint32 major, minor;

	memset(&c->cred, 0, sizeof(c->cred));
	c->cred.flavor = RPC_AUTH_GSS;
	c->cred.uid = RPC_NOBODY_ID;
	c->cred.gid = RPC_NOBODY_ID;
	if (!display_name(src, c->cred.principal, sizeof(c->cred.principal)))
		return false;
	major = gss_inquire_context(&minor, c->gctx, NULL, &targ, NULL, NULL, NULL, NULL, NULL);
	if (!GSS_ERROR(major) && targ != GSS_C_NO_NAME) {
		if (!display_name(targ, target, sizeof(target)))
			target[0] = 0;
		gss_release_name(&minor, &targ);
	}
	name_realm(target, realm, sizeof(realm));
	if (g->map && g->map(g->map_ctx, c->cred.principal, realm, &c->cred)) {
		c->cred.gss_mapped = true;
		if (c->cred.ngids > RPC_AUTH_SYS_MAX_GIDS)
			c->cred.ngids = RPC_AUTH_SYS_MAX_GIDS;
	} else {
		c->cred.gss_mapped = false;
		c->cred.uid = RPC_NOBODY_ID;
		c->cred.gid = RPC_NOBODY_ID;
		c->cred.ngids = 0;
	}
	if (time_rec == GSS_C_INDEFINITE || time_rec > GSS_MAX_LIFETIME)
		time_rec = GSS_MAX_LIFETIME;
	c->expiry = now_sec() + (time_t)time_rec;
	return true;
}

/*
 * INIT / CONTINUE_INIT: one gss_accept_sec_context() step; the reply is
 * rpc_gss_init_res with our verifier (the MIC of the window once the
 * context is complete, RFC 2203 §5.2.3.1).
 */
static enum rpc_gss_verdict gss_init(struct rpc_gss *g, const struct rpc_msg_call *m,
				     struct xdr_in *args, struct xdr_out *o, uint32_t *auth_stat)
{
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER, mic = GSS_C_EMPTY_BUFFER, win;
	gss_name_t src = GSS_C_NO_NAME;
	gss_OID mech = GSS_C_NO_OID;
	struct rpc_gss_ctx *c = NULL;
	struct xdr_view token;
	OM_uint32 major, minor = 0, minor2, flags = 0, time_rec = 0;
	uint8_t winbuf[4];
	bool fresh = false, ok;

	/* rpc_gss_init_arg: opaque gss_token<> */
	if (m->proc != 0 || !xdr_get_opaque(args, UINT32_MAX, &token)) {
		*auth_stat = RPC_AUTHSTAT_BADCRED;
		return RPC_GSS_AUTH_ERROR;
	}
	if (m->gss.proc == RPC_GSS_PROC_CONTINUE_INIT) {
		c = ctx_find(g, &m->gss.handle);
		if (!c) {
			*auth_stat = RPC_AUTHSTAT_GSS_CREDPROBLEM;
			return RPC_GSS_AUTH_ERROR;
		}
	} else {
		c = calloc(1, sizeof(*c));
		if (!c) {
			*auth_stat = RPC_AUTHSTAT_GSS_CTXPROBLEM;
			return RPC_GSS_AUTH_ERROR;
		}
		pthread_mutex_init(&c->lock, NULL);
		c->gctx = GSS_C_NO_CONTEXT;
		c->expiry = now_sec() + GSS_INCOMPLETE_TTL;
		c->refs = 1;
		fresh = true;
	}
	pthread_mutex_lock(&g->lock);
	acquire_acceptor(g);
	pthread_mutex_unlock(&g->lock);

	pthread_mutex_lock(&c->lock);
	if (c->complete) {
		/* CONTINUE_INIT on an established context */
		pthread_mutex_unlock(&c->lock);
		ctx_put(g, c);
		*auth_stat = RPC_AUTHSTAT_GSS_CREDPROBLEM;
		return RPC_GSS_AUTH_ERROR;
	}
	in.value = (void *)token.data;
	in.length = token.len;
	major = gss_accept_sec_context(&minor, &c->gctx, g->acceptor, &in,
				       GSS_C_NO_CHANNEL_BINDINGS, &src, &mech, &out, &flags,
				       &time_rec, NULL);
	if (major == GSS_S_COMPLETE) {
		if (!mech || !gss_oid_equal(mech, gss_mech_krb5) ||
		    !ctx_identify(g, c, src, time_rec))
			major = GSS_S_FAILURE;
		else
			c->complete = true;
	}
	if (major == GSS_S_COMPLETE) {
		put_be32(winbuf, RPC_GSS_SEQ_WINDOW);
		win.value = winbuf;
		win.length = sizeof(winbuf);
		if (GSS_ERROR(gss_get_mic(&minor2, c->gctx, GSS_C_QOP_DEFAULT, &win, &mic)) ||
		    mic.length > RPC_AUTH_BODY_MAX) {
			major = GSS_S_FAILURE;
			c->complete = false;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (src != GSS_C_NO_NAME)
		gss_release_name(&minor2, &src);

	if (GSS_ERROR(major)) {
		/* RFC 2203 §5.2.3.2: the error goes back in the init result;
		 * the context is forgotten */
		if (!fresh)
			ctx_remove(g, c);
	} else if (fresh) {
		ctx_insert(g, c, major == GSS_S_COMPLETE);
	} else if (major == GSS_S_COMPLETE) {
		pthread_mutex_lock(&g->lock);
		c->established = true;
		pthread_mutex_unlock(&g->lock);
	}
	ok = GSS_ERROR(major) || major == GSS_S_COMPLETE
		     ? rpc_msg_put_accepted_verf(o, m->xid,
						 major == GSS_S_COMPLETE ? RPC_AUTH_GSS : RPC_AUTH_NONE,
						 mic.length ? mic.value : winbuf,
						 (uint32_t)mic.length, RPC_ACCEPT_SUCCESS)
		     : rpc_msg_put_accepted(o, m->xid, RPC_ACCEPT_SUCCESS);
	/* rpc_gss_init_res: handle<>, gss_major, gss_minor, seq_window, gss_token<> */
	if (GSS_ERROR(major))
		ok = ok && xdr_put_opaque(o, winbuf, 0);
	else
		ok = ok && xdr_put_opaque(o, c->handle, GSS_HANDLE_LEN);
	ok = ok && xdr_put_u32(o, major) && xdr_put_u32(o, minor) &&
	     xdr_put_u32(o, RPC_GSS_SEQ_WINDOW) &&
	     xdr_put_opaque(o, out.length ? out.value : winbuf, (uint32_t)out.length);
	gss_release_buffer(&minor2, &out);
	gss_release_buffer(&minor2, &mic);
	ctx_put(g, c);
	return ok ? RPC_GSS_REPLIED : RPC_GSS_DROP;
}

/* ---- DATA and DESTROY (RFC 2203 §5.3, §5.4) ---- */

/* Header verifier, context state and sequence window.  On RPC_GSS_RUN the
 * caller holds a reference in req->ctx. */
static enum rpc_gss_verdict check_call(struct rpc_gss *g, const struct rpc_msg_call *m,
				       const uint8_t *rec, struct rpc_gss_req *req,
				       struct rpc_cred *cred, uint32_t *auth_stat)
{
	struct rpc_gss_ctx *c;
	gss_buffer_desc hdr, tok;
	OM_uint32 major, minor;
	bool fresh;

	c = ctx_find(g, &m->gss.handle);
	if (!c) {
		/* unknown, destroyed or expired: the client must start over */
		*auth_stat = RPC_AUTHSTAT_GSS_CREDPROBLEM;
		return RPC_GSS_AUTH_ERROR;
	}
	req->ctx = c;
	pthread_mutex_lock(&c->lock);
	if (!c->complete) {
		pthread_mutex_unlock(&c->lock);
		*auth_stat = RPC_AUTHSTAT_GSS_CREDPROBLEM;
		return RPC_GSS_AUTH_ERROR;
	}
	if (now_sec() >= c->expiry) {
		pthread_mutex_unlock(&c->lock);
		ctx_remove(g, c);
		*auth_stat = RPC_AUTHSTAT_GSS_CTXPROBLEM;
		return RPC_GSS_AUTH_ERROR;
	}
	if (m->gss.verf_flavor != RPC_AUTH_GSS) {
		pthread_mutex_unlock(&c->lock);
		*auth_stat = RPC_AUTHSTAT_GSS_CREDPROBLEM;
		return RPC_GSS_AUTH_ERROR;
	}
	/* §5.3.1: the verifier is the MIC of the header up to the credential */
	hdr.value = (void *)rec;
	hdr.length = m->gss.hdr_len;
	tok.value = (void *)m->gss.verf.data;
	tok.length = m->gss.verf.len;
	major = gss_verify_mic(&minor, c->gctx, &hdr, &tok, NULL);
	if (GSS_ERROR(major)) {
		pthread_mutex_unlock(&c->lock);
		if (GSS_ROUTINE_ERROR(major) == GSS_S_CONTEXT_EXPIRED) {
			ctx_remove(g, c);
			*auth_stat = RPC_AUTHSTAT_GSS_CTXPROBLEM;
		} else {
			*auth_stat = RPC_AUTHSTAT_GSS_CREDPROBLEM;
		}
		return RPC_GSS_AUTH_ERROR;
	}
	if (m->gss.seq_num >= RPC_GSS_MAXSEQ) {
		/* §5.3.3.1: the context cannot be used any more */
		pthread_mutex_unlock(&c->lock);
		ctx_remove(g, c);
		*auth_stat = RPC_AUTHSTAT_GSS_CTXPROBLEM;
		return RPC_GSS_AUTH_ERROR;
	}
	fresh = rpc_gss_window_accept(&c->win, m->gss.seq_num);
	if (fresh) {
		*cred = c->cred;
		cred->gss_service = m->gss.service;
	}
	pthread_mutex_unlock(&c->lock);
	/* §5.3.3.1: replays and calls below the window are silently dropped */
	return fresh ? RPC_GSS_RUN : RPC_GSS_DROP;
}

/* rpc_gss_integ_data / rpc_gss_priv_data of a DATA call (§5.3.2) */
static enum rpc_gss_verdict unwrap_args(struct rpc_gss_req *req, struct xdr_in *args)
{
	struct rpc_gss_ctx *c = req->ctx;
	struct xdr_view body, sum;
	gss_buffer_desc in, tok, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	int conf = 0;

	if (req->service == RPC_GSS_SVC_NONE)
		return RPC_GSS_RUN;
	if (req->service == RPC_GSS_SVC_INTEGRITY) {
		if (!rpc_gss_get_integ(args, &body, &sum))
			return RPC_GSS_GARBAGE;
		in.value = (void *)body.data;
		in.length = body.len;
		tok.value = (void *)sum.data;
		tok.length = sum.len;
		pthread_mutex_lock(&c->lock);
		major = gss_verify_mic(&minor, c->gctx, &in, &tok, NULL);
		pthread_mutex_unlock(&c->lock);
		/* §5.3.3.4.2: a bad checksum is GARBAGE_ARGS, as is a body
		 * whose sequence number is not the credential's */
		if (GSS_ERROR(major) || !rpc_gss_body_seq(body.data, body.len, req->seq_num, args))
			return RPC_GSS_GARBAGE;
		return RPC_GSS_RUN;
	}
	if (!rpc_gss_get_priv(args, &body))
		return RPC_GSS_GARBAGE;
	in.value = (void *)body.data;
	in.length = body.len;
	pthread_mutex_lock(&c->lock);
	major = gss_unwrap(&minor, c->gctx, &in, &out, &conf, NULL);
	pthread_mutex_unlock(&c->lock);
	if (GSS_ERROR(major) || !conf ||
	    !rpc_gss_body_seq(out.value, out.length, req->seq_num, args)) {
		gss_release_buffer(&minor, &out);
		return RPC_GSS_GARBAGE; /* §5.3.3.4.3 */
	}
	req->plain = out.value;
	req->plain_len = out.length;
	return RPC_GSS_RUN;
}

enum rpc_gss_verdict rpc_gss_accept(struct rpc_gss *g, const struct rpc_msg_call *m,
				    const uint8_t *rec, size_t len, struct xdr_in *args,
				    struct rpc_cred *cred, struct rpc_gss_req *req,
				    struct xdr_out *o, uint32_t *auth_stat)
{
	enum rpc_gss_verdict v;

	memset(req, 0, sizeof(*req));
	req->g = g;
	req->seq_num = m->gss.seq_num;
	req->service = m->gss.service;
	switch (m->gss.proc) {
	case RPC_GSS_PROC_INIT:
	case RPC_GSS_PROC_CONTINUE_INIT:
		return gss_init(g, m, args, o, auth_stat);
	case RPC_GSS_PROC_DESTROY:
		v = check_call(g, m, rec, req, cred, auth_stat);
		if (v != RPC_GSS_RUN)
			return v;
		/* §5.4: answer (void results, not wrapped), then forget it */
		if (!rpc_gss_put_accepted(req, o, m->xid, RPC_ACCEPT_SUCCESS))
			return RPC_GSS_DROP;
		ctx_remove(g, req->ctx);
		return RPC_GSS_REPLIED;
	default:
		v = check_call(g, m, rec, req, cred, auth_stat);
		if (v != RPC_GSS_RUN)
			return v;
		return unwrap_args(req, args);
	}
}

/* ---- replies ---- */

/* MIC over len bytes into dst (at most cap); its length, or -1. */
static int make_mic(struct rpc_gss_ctx *c, const void *data, size_t len, uint8_t *dst,
		    size_t cap)
{
	gss_buffer_desc in, mic = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	int n = -1;

	in.value = (void *)data;
	in.length = len;
	pthread_mutex_lock(&c->lock);
	major = gss_get_mic(&minor, c->gctx, GSS_C_QOP_DEFAULT, &in, &mic);
	pthread_mutex_unlock(&c->lock);
	if (!GSS_ERROR(major) && mic.length <= cap) {
		memcpy(dst, mic.value, mic.length);
		n = (int)mic.length;
	}
	gss_release_buffer(&minor, &mic);
	return n;
}

bool rpc_gss_put_accepted(struct rpc_gss_req *req, struct xdr_out *o, uint32_t xid,
			  uint32_t stat)
{
	uint8_t seq[4];
	int n;

	if (!req->ctx)
		return false;
	if (!req->have_verf) {
		/* §5.3.3.2: the reply verifier is the MIC of seq_num */
		put_be32(seq, req->seq_num);
		n = make_mic(req->ctx, seq, sizeof(seq), req->verf, sizeof(req->verf));
		if (n < 0)
			return false;
		req->verf_len = (uint32_t)n;
		req->have_verf = true;
	}
	return rpc_msg_put_accepted_verf(o, xid, RPC_AUTH_GSS, req->verf, req->verf_len, stat);
}

bool rpc_gss_wrap_begin(struct rpc_gss_req *req, struct xdr_out *o)
{
	req->body_pos = xdr_out_pos(o);
	switch (req->service) {
	case RPC_GSS_SVC_INTEGRITY:
		/* databody_integ<>: length back-filled, then seq_num + results */
		return xdr_put_u32(o, 0) && xdr_put_u32(o, req->seq_num);
	case RPC_GSS_SVC_PRIVACY:
		return xdr_put_u32(o, req->seq_num);
	default:
		return true;
	}
}

bool rpc_gss_wrap_end(struct rpc_gss_req *req, struct xdr_out *o)
{
	struct rpc_gss_ctx *c = req->ctx;
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	uint8_t sum[RPC_AUTH_BODY_MAX];
	OM_uint32 major, minor;
	size_t start = req->body_pos;
	int n, conf = 0;
	bool ok;

	if (o->overflow || !c)
		return false;
	switch (req->service) {
	case RPC_GSS_SVC_INTEGRITY:
		/* rpc_gss_integ_data: databody_integ<>, checksum<> */
		n = make_mic(c, o->buf + start + 4, o->len - start - 4, sum, sizeof(sum));
		if (n < 0)
			return false; /* §5.3.3.4.1: no reply */
		xdr_set_u32_at(o, start, (uint32_t)(o->len - start - 4));
		return xdr_put_opaque(o, sum, (uint32_t)n);
	case RPC_GSS_SVC_PRIVACY:
		/* rpc_gss_priv_data: databody_priv<> = wrap(seq_num + results) */
		in.value = o->buf + start;
		in.length = o->len - start;
		pthread_mutex_lock(&c->lock);
		major = gss_wrap(&minor, c->gctx, 1, GSS_C_QOP_DEFAULT, &in, &conf, &out);
		pthread_mutex_unlock(&c->lock);
		ok = !GSS_ERROR(major) && conf && out.length <= UINT32_MAX;
		if (ok) {
			xdr_truncate(o, start);
			ok = xdr_put_opaque(o, out.value, (uint32_t)out.length);
		}
		gss_release_buffer(&minor, &out);
		return ok; /* §5.3.3.4.4: no reply when wrapping failed */
	default:
		return true;
	}
}

void rpc_gss_req_release(struct rpc_gss_req *req)
{
	gss_buffer_desc b;
	OM_uint32 minor;

	if (req->plain) {
		b.value = req->plain;
		b.length = req->plain_len;
		gss_release_buffer(&minor, &b);
		req->plain = NULL;
	}
	if (req->ctx) {
		ctx_put(req->g, req->ctx);
		req->ctx = NULL;
	}
}

#endif /* HAVE_GSSAPI */
