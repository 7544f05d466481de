/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfs4_client.c - one TCP connection to an NFSv4.1/4.2 server: RPC call
 * framing (RFC 5531 record marking, AUTH_SYS/AUTH_NONE), replies matched to
 * pending calls by xid, and the session (RFC 8881 §2.10): EXCHANGE_ID,
 * CREATE_SESSION, a slot table whose SEQUENCE is prepended to each submitted
 * compound, DESTROY_SESSION and DESTROY_CLIENTID.
 *
 * Single-threaded by design; the socket is non-blocking and every wait is a
 * poll() that also drains replies, so a caller sending large requests while
 * the server sends large replies cannot deadlock.  Nothing here exits the
 * process: failures come back as -errno with a message in cl->err.
 */
#include "tests/lib/nfs4_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RPC_VERSION 2u
#define REC_LAST 0x80000000u
#define REC_MAX_REPLY (256u << 20)	/* refuse to buffer more than this */

struct nfs4_slot {
	uint32_t seqid;		/* last sequenceid used on the slot */
	bool busy;
};

struct nfs4_client {
	int fd;
	bool closed;		/* EOF or error seen; no more replies */
	char err[256];
	uint32_t minor;
	uint32_t next_xid;
	int timeout_ms;

	/* credential body, encoded once */
	uint32_t auth;
	uint8_t cred[512];
	size_t cred_len;
	/* another flavour instead (nfs4_client_set_sec) */
	const struct nfs4_sec_ops *sec_ops;
	void *sec_ctx;
	uint64_t sec_cookie;	/* of the call being built */

	char owner[NFS4_OPAQUE_LIMIT + 1];
	uint8_t verifier[NFS4_VERIFIER_SIZE];

	/* receive side: raw stream bytes and the record being assembled */
	uint8_t *in;
	size_t in_len, in_cap;
	uint8_t *rec;
	size_t rec_len, rec_cap;

	struct nfs4_call *pending;	/* doubly linked, newest first */
	unsigned int npending;
	uint64_t stray_replies;

	/* session */
	bool have_clientid, have_session;
	uint64_t clientid;
	uint32_t cs_seq;	/* csa_sequence for CREATE_SESSION */
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	struct nfs4_channel_attrs want_fore, fore;
	struct nfs4_slot *slots;
	uint32_t nslots;
	uint32_t target_highest;	/* last sr_target_highest_slotid */
};

static int fail(struct nfs4_client *cl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct nfs4_client *cl, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cl->err, sizeof(cl->err), fmt, ap);
	va_end(ap);
	return err;
}

void nfs4_client_opts_init(struct nfs4_client_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->port = "2049";
	o->auth = NFS4_RPC_AUTH_SYS;
	o->uid = getuid();
	o->gid = getgid();
	o->minor = 1;
	o->timeout_ms = 30000;
	o->fore.headerpadsize = 0;
	o->fore.maxrequestsize = 1049620;	/* 1 MiB WRITE plus headers */
	o->fore.maxresponsesize = 1049620;
	o->fore.maxresponsesize_cached = 4096;
	o->fore.maxops = 64;
	o->fore.maxrequests = 16;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void encode_cred(struct nfs4_client *cl, const struct nfs4_client_opts *o)
{
	struct xdr_out x;
	char host[256];
	const char *machine = o->machine;
	size_t len;
	uint8_t *b;

	if (!machine) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = 0;
		machine = host;
	}
	/* authsys_parms: stamp, machinename<255>, uid, gid, gids<16> */
	xdr_out_init(&x, sizeof(cl->cred));
	xdr_put_u32(&x, (uint32_t)time(NULL));
	xdr_put_opaque(&x, machine, (uint32_t)strnlen(machine, 255));
	xdr_put_u32(&x, o->uid);
	xdr_put_u32(&x, o->gid);
	xdr_put_u32(&x, o->ngids);
	for (uint32_t i = 0; i < o->ngids && i < NFS4_CLIENT_MAX_GIDS; i++)
		xdr_put_u32(&x, o->gids[i]);
	b = xdr_out_steal(&x, &len);
	if (b && len <= sizeof(cl->cred)) {
		memcpy(cl->cred, b, len);
		cl->cred_len = len;
	}
	free(b);
}

static int parse_addr(const char *host, const char *port, struct addrinfo **ai)
{
	struct addrinfo hints;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	return getaddrinfo(host, port, &hints, ai);
}

int nfs4_client_connect(const struct nfs4_client_opts *o, struct nfs4_client **out)
{
	static unsigned int seq;
	struct nfs4_client *cl;
	struct addrinfo *ai = NULL, *src = NULL;
	int one = 1, rc, err;
	uint64_t v;

	*out = NULL;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return -ENOMEM;
	cl->fd = -1;
	cl->minor = o->minor;
	cl->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
	cl->auth = o->auth;
	cl->want_fore = o->fore;
	srandom((unsigned int)(time(NULL) ^ getpid() ^ (seq << 16)));
	cl->next_xid = (uint32_t)random();
	if (o->owner)
		snprintf(cl->owner, sizeof(cl->owner), "%s", o->owner);
	else
		snprintf(cl->owner, sizeof(cl->owner), "lnfs-client.%d.%ld.%u.%s",
			 (int)getpid(), (long)time(NULL), seq++,
			 o->src_addr ? o->src_addr : "any");
	v = ((uint64_t)time(NULL) << 24) ^ ((uint64_t)getpid() << 8) ^ seq;
	memcpy(cl->verifier, &v, sizeof(cl->verifier));
	encode_cred(cl, o);

	rc = parse_addr(o->host, o->port ? o->port : "2049", &ai);
	if (rc != 0) {
		free(cl);
		return -EHOSTUNREACH;
	}
	cl->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cl->fd < 0) {
		err = -errno;
		goto out_fail;
	}
	if (o->src_addr) {
		if (parse_addr(o->src_addr, "0", &src) != 0 ||
		    bind(cl->fd, src->ai_addr, src->ai_addrlen) != 0) {
			err = src ? -errno : -EADDRNOTAVAIL;
			goto out_fail;
		}
	}
	if (connect(cl->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		err = -errno;
		goto out_fail;
	}
	setsockopt(cl->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(cl->fd, F_SETFL, fcntl(cl->fd, F_GETFL) | O_NONBLOCK);
	freeaddrinfo(ai);
	if (src)
		freeaddrinfo(src);
	*out = cl;
	return 0;
out_fail:
	if (cl->fd >= 0)
		close(cl->fd);
	freeaddrinfo(ai);
	if (src)
		freeaddrinfo(src);
	free(cl);
	return err;
}

static void call_complete(struct nfs4_client *cl, struct nfs4_call *call);

static void unlink_call(struct nfs4_client *cl, struct nfs4_call *call)
{
	if (call->prev)
		call->prev->next = call->next;
	else
		cl->pending = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
	cl->npending--;
}

/* The connection is gone: every pending call fails. */
static void mark_closed(struct nfs4_client *cl, int err)
{
	cl->closed = true;
	while (cl->pending) {
		struct nfs4_call *call = cl->pending;

		unlink_call(cl, call);
		call->error = err;
		call_complete(cl, call);
	}
}

void nfs4_client_free(struct nfs4_client *cl)
{
	if (!cl)
		return;
	while (cl->pending) {
		struct nfs4_call *call = cl->pending;

		unlink_call(cl, call);
		if (call->orphan) {
			free(call->reply);
			nfs4_compound_res_release(&call->res);
			free(call);
		} else {
			call->error = -ECONNABORTED;
			call->done = true;
			call->cl = NULL;
		}
	}
	if (cl->fd >= 0)
		close(cl->fd);
	nfs4_client_set_sec(cl, NULL, NULL);
	free(cl->in);
	free(cl->rec);
	free(cl->slots);
	free(cl);
}

void nfs4_client_set_sec(struct nfs4_client *cl, const struct nfs4_sec_ops *ops, void *ctx)
{
	if (cl->sec_ops && cl->sec_ops->free && cl->sec_ctx != ctx)
		cl->sec_ops->free(cl->sec_ctx);
	cl->sec_ops = ops;
	cl->sec_ctx = ops ? ctx : NULL;
}

void *nfs4_client_sec_ctx(const struct nfs4_client *cl)
{
	return cl->sec_ctx;
}

const char *nfs4_client_error(const struct nfs4_client *cl)
{
	return cl->err[0] ? cl->err : "no error";
}

int nfs4_client_fd(const struct nfs4_client *cl)
{
	return cl->fd;
}

uint64_t nfs4_client_clientid(const struct nfs4_client *cl)
{
	return cl->clientid;
}

const uint8_t *nfs4_client_sessionid(const struct nfs4_client *cl)
{
	return cl->sessionid;
}

const struct nfs4_channel_attrs *nfs4_client_fore(const struct nfs4_client *cl)
{
	return &cl->fore;
}

uint32_t nfs4_client_nslots(const struct nfs4_client *cl)
{
	return cl->nslots;
}

uint32_t nfs4_client_minor(const struct nfs4_client *cl)
{
	return cl->minor;
}

unsigned int nfs4_client_inflight(const struct nfs4_client *cl)
{
	return cl->npending;
}

bool nfs4_client_is_closed(const struct nfs4_client *cl)
{
	return cl->closed;
}

/* ------------------------------------------------------------ receive */

/* Slot bookkeeping once the reply of a session compound is in. */
static void release_slot(struct nfs4_client *cl, struct nfs4_call *call)
{
	const struct nfs4_op_res *seq;

	if (call->slot < 0 || !cl->slots || (uint32_t)call->slot >= cl->nslots)
		return;
	seq = call->parsed && call->res.nparsed > 0 ? &call->res.ops[0] : NULL;
	/*
	 * RFC 8881 §2.10.6.1: the server bumps the slot's sequenceid only when
	 * SEQUENCE itself succeeded; otherwise the next use reuses the value.
	 */
	if (!seq || seq->op != OP_SEQUENCE || seq->status != NFS4_OK)
		cl->slots[call->slot].seqid--;
	else
		cl->target_highest = seq->u.sequence.target_highest_slotid;
	cl->slots[call->slot].busy = false;
}

static void call_complete(struct nfs4_client *cl, struct nfs4_call *call)
{
	call->done = true;
	release_slot(cl, call);
	if (call->orphan) {
		free(call->reply);
		nfs4_compound_res_release(&call->res);
		free(call);
		return;
	}
	if (call->cb)
		call->cb(call, call->cb_arg);
}

/* A whole reply record arrived: find its call by xid and decode it. */
static void handle_record(struct nfs4_client *cl, uint8_t *rec, size_t len)
{
	struct nfs4_call *call;
	struct nfs4_rpc_reply r;
	uint32_t xid;

	if (len < 4) {
		cl->stray_replies++;
		free(rec);
		return;
	}
	xid = ((uint32_t)rec[0] << 24) | ((uint32_t)rec[1] << 16) | ((uint32_t)rec[2] << 8) |
	      rec[3];
	for (call = cl->pending; call; call = call->next)
		if (call->xid == xid)
			break;
	if (!call) {
		cl->stray_replies++;
		free(rec);
		return;
	}
	unlink_call(cl, call);
	call->reply = rec;
	call->reply_len = len;
	if (nfs4_rpc_parse_reply(rec, len, &r) != 0) {
		call->error = -EBADMSG;
	} else if (call->sec && cl->sec_ops &&
		   cl->sec_ops->unseal(cl->sec_ctx, call->sec_cookie, &call->reply,
				       &call->reply_len, &r) != 0) {
		call->rpc = r;
		call->error = -EBADMSG; /* a verifier or wrapping that does not check */
	} else {
		call->rpc = r;
		if (call->compound && r.reply_stat == 0 && r.accept_stat == 0) {
			if (nfs4_parse_compound_res(r.body.data, r.body.len, &call->res) == 0)
				call->parsed = true;
			else
				call->error = -EBADMSG;
		}
	}
	call_complete(cl, call);
}

/* Cut complete fragments out of cl->in; returns calls completed. */
static int process_input(struct nfs4_client *cl)
{
	size_t off = 0;
	int completed = 0;

	while (cl->in_len - off >= 4) {
		const uint8_t *p = cl->in + off;
		uint32_t mark = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
				((uint32_t)p[2] << 8) | p[3];
		size_t flen = mark & ~REC_LAST;

		if (cl->rec_len + flen > REC_MAX_REPLY) {
			fail(cl, -EMSGSIZE, "reply record too large (%zu bytes)",
			     cl->rec_len + flen);
			mark_closed(cl, -EMSGSIZE);
			return completed;
		}
		if (cl->in_len - off - 4 < flen)
			break;
		if (cl->rec_len + flen > cl->rec_cap) {
			size_t cap = cl->rec_cap ? cl->rec_cap : 4096;
			uint8_t *nb;

			while (cap < cl->rec_len + flen)
				cap *= 2;
			nb = realloc(cl->rec, cap);
			if (!nb) {
				mark_closed(cl, -ENOMEM);
				return completed;
			}
			cl->rec = nb;
			cl->rec_cap = cap;
		}
		memcpy(cl->rec + cl->rec_len, p + 4, flen);
		cl->rec_len += flen;
		off += 4 + flen;
		if (mark & REC_LAST) {
			unsigned int before = cl->npending;
			uint8_t *rec = cl->rec;
			size_t len = cl->rec_len;

			/* hand the record buffer to the call */
			cl->rec = NULL;
			cl->rec_len = cl->rec_cap = 0;
			handle_record(cl, rec, len);
			if (cl->npending < before)
				completed++;
		}
	}
	if (off) {
		memmove(cl->in, cl->in + off, cl->in_len - off);
		cl->in_len -= off;
	}
	return completed;
}

/* Read what the socket has (non-blocking).  Returns calls completed or
 * -errno when the connection ended. */
static int read_input(struct nfs4_client *cl)
{
	int completed = 0;

	for (;;) {
		ssize_t n;

		if (cl->in_cap - cl->in_len < 65536) {
			size_t cap = cl->in_cap ? cl->in_cap * 2 : 262144;
			uint8_t *nb = realloc(cl->in, cap);

			if (!nb)
				return -ENOMEM;
			cl->in = nb;
			cl->in_cap = cap;
		}
		n = recv(cl->fd, cl->in + cl->in_len, cl->in_cap - cl->in_len, 0);
		if (n > 0) {
			cl->in_len += (size_t)n;
			completed += process_input(cl);
			if (cl->closed)
				return -EMSGSIZE;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return completed;
		if (n < 0 && errno == EINTR)
			continue;
		fail(cl, n == 0 ? -ECONNRESET : -errno, "server closed the connection");
		mark_closed(cl, n == 0 ? -ECONNRESET : -errno);
		return -ECONNRESET;
	}
}

int nfs4_poll(struct nfs4_client *cl, int timeout_ms)
{
	struct pollfd pfd = { .fd = cl->fd, .events = POLLIN };
	int rc;

	if (cl->closed)
		return -ECONNRESET;
	rc = poll(&pfd, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	if (rc == 0)
		return 0;
	return read_input(cl);
}

/* Send all of buf, reading replies whenever the socket is readable. */
static int send_all(struct nfs4_client *cl, const uint8_t *buf, size_t len)
{
	int64_t deadline = now_ms() + cl->timeout_ms;

	while (len > 0) {
		struct pollfd pfd = { .fd = cl->fd, .events = POLLIN | POLLOUT };
		ssize_t n;
		int rc;

		if (cl->closed)
			return fail(cl, -EPIPE, "connection closed while sending");
		n = send(cl->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			int err = -errno;

			mark_closed(cl, err);
			return fail(cl, err, "send: %s", strerror(-err));
		}
		if (now_ms() > deadline)
			return fail(cl, -ETIMEDOUT, "send timed out");
		rc = poll(&pfd, 1, 1000);
		if (rc > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			read_input(cl);
	}
	return 0;
}

int nfs4_send_raw(struct nfs4_client *cl, const void *buf, size_t len)
{
	return send_all(cl, buf, len);
}

uint32_t nfs4_client_next_xid(struct nfs4_client *cl)
{
	return cl->next_xid++;
}

static struct nfs4_call *new_call(struct nfs4_client *cl, uint32_t xid)
{
	struct nfs4_call *call = calloc(1, sizeof(*call));

	if (!call)
		return NULL;
	call->xid = xid;
	call->slot = -1;
	call->cl = cl;
	call->next = cl->pending;
	if (cl->pending)
		cl->pending->prev = call;
	cl->pending = call;
	cl->npending++;
	return call;
}

int nfs4_expect_reply(struct nfs4_client *cl, uint32_t xid, struct nfs4_call **out)
{
	*out = new_call(cl, xid);
	if (!*out)
		return -ENOMEM;
	(*out)->compound = true;
	return 0;
}

void nfs4_call_free(struct nfs4_call *call)
{
	if (!call)
		return;
	if (!call->done && call->cl) {
		call->orphan = true;
		call->cb = NULL;
		return;
	}
	free(call->reply);
	nfs4_compound_res_release(&call->res);
	free(call);
}

/* RPC call header (RFC 5531 §9) with record mark placeholder. */
static void put_call_header(struct nfs4_client *cl, struct xdr_out *x, uint32_t xid,
			    uint32_t prog, uint32_t vers, uint32_t proc)
{
	xdr_put_u32(x, 0);		/* record mark, back-filled */
	xdr_put_u32(x, xid);
	xdr_put_u32(x, 0);		/* CALL */
	xdr_put_u32(x, RPC_VERSION);
	xdr_put_u32(x, prog);
	xdr_put_u32(x, vers);
	xdr_put_u32(x, proc);
	if (cl->sec_ops) {
		/* another flavour (nfs4_gss.c): cred and verifier are its own */
		cl->sec_cookie = 0;
		cl->sec_ops->put_cred(cl->sec_ctx, x, &cl->sec_cookie);
		return;
	}
	if (cl->auth == NFS4_RPC_AUTH_SYS) {
		xdr_put_u32(x, NFS4_RPC_AUTH_SYS);
		xdr_put_opaque(x, cl->cred, (uint32_t)cl->cred_len);
	} else {
		xdr_put_u32(x, NFS4_RPC_AUTH_NONE);
		xdr_put_u32(x, 0);
	}
	xdr_put_u32(x, NFS4_RPC_AUTH_NONE);	/* verifier */
	xdr_put_u32(x, 0);
}

/*
 * Frame and send x (record mark back-filled), registering the pending call
 * first: a reply may be read while the rest of the request is still going
 * out.  *out is set whenever a call was created.
 */
static int send_call(struct nfs4_client *cl, struct xdr_out *x, uint32_t xid, bool compound,
		     int slot, nfs4_done_fn cb, void *arg, struct nfs4_call **out)
{
	struct nfs4_call *call;
	int rc;

	if (x->overflow)
		return fail(cl, -EMSGSIZE, "request too large to encode");
	if (cl->closed)
		return fail(cl, -ENOTCONN, "connection is closed");
	if (cl->sec_ops) {
		rc = cl->sec_ops->seal(cl->sec_ctx, x, cl->sec_cookie);
		if (rc < 0)
			return fail(cl, rc, "cannot protect the call (%s)", strerror(-rc));
		if (x->overflow)
			return fail(cl, -EMSGSIZE, "request too large to encode");
	}
	xdr_set_u32_at(x, 0, REC_LAST | (uint32_t)(x->len - 4));
	call = new_call(cl, xid);
	if (!call)
		return -ENOMEM;
	call->compound = compound;
	call->sec = cl->sec_ops != NULL;
	call->sec_cookie = cl->sec_cookie;
	call->slot = slot;
	call->first_op = slot >= 0 ? 1 : 0;
	call->cb = cb;
	call->cb_arg = arg;
	*out = call;
	rc = send_all(cl, x->buf, x->len);
	if (rc < 0 && !call->done) {
		unlink_call(cl, call);
		call->error = rc;
		call->done = true;
		release_slot(cl, call);
	}
	return rc;
}

int nfs4_submit_rpc(struct nfs4_client *cl, uint32_t prog, uint32_t vers, uint32_t proc,
		    const void *args, size_t len, struct nfs4_call **out)
{
	struct xdr_out x;
	uint32_t xid = cl->next_xid++;
	uint8_t *p;
	int rc;

	*out = NULL;
	xdr_out_init(&x, len + 1024);
	put_call_header(cl, &x, xid, prog, vers, proc);
	p = xdr_reserve(&x, len);	/* raw: no padding added */
	if (p && len)
		memcpy(p, args, len);
	rc = send_call(cl, &x, xid,
		       prog == NFS4_PROGRAM && vers == NFS_V4 && proc == NFSPROC4_COMPOUND, -1,
		       NULL, NULL, out);
	xdr_out_release(&x);
	return rc;
}

/* A free slot, waiting for replies while every slot is busy. */
static int get_slot(struct nfs4_client *cl)
{
	int64_t deadline = now_ms() + cl->timeout_ms;

	for (;;) {
		for (uint32_t i = 0; i < cl->nslots; i++)
			if (!cl->slots[i].busy)
				return (int)i;
		if (cl->closed)
			return fail(cl, -ENOTCONN, "connection is closed");
		if (now_ms() > deadline)
			return fail(cl, -ETIMEDOUT, "no free session slot");
		if (nfs4_poll(cl, 1000) < 0)
			return fail(cl, -ENOTCONN, "connection closed waiting for a slot");
	}
}

int nfs4_submit(struct nfs4_client *cl, const struct nfs4_compound *c, nfs4_done_fn cb,
		void *arg, struct nfs4_call **out)
{
	struct nfs4_sequence_args seq;
	struct nfs4_compound hdr = *c;
	struct xdr_out x;
	uint32_t xid;
	int slot = -1, rc;
	uint32_t highest = 0;

	*out = NULL;
	if (c->ops.overflow)
		return fail(cl, -EMSGSIZE, "compound too large to encode");
	if (!c->minor_set)
		hdr.minor = cl->minor;
	if (!c->no_sequence) {
		if (!cl->have_session)
			return fail(cl, -ENOTCONN, "no session (call nfs4_client_setup first)");
		slot = get_slot(cl);
		if (slot < 0)
			return slot;
		for (uint32_t i = 0; i < cl->nslots; i++)
			if (cl->slots[i].busy || i == (uint32_t)slot)
				highest = i;
		memcpy(seq.sessionid, cl->sessionid, NFS4_SESSIONID_SIZE);
		seq.sequenceid = ++cl->slots[slot].seqid;
		seq.slotid = (uint32_t)slot;
		seq.highest_slotid = highest;
		seq.cachethis = c->cachethis;
		cl->slots[slot].busy = true;
	}
	xid = cl->next_xid++;
	xdr_out_init(&x, c->ops.len + 4096);
	put_call_header(cl, &x, xid, NFS4_PROGRAM, NFS_V4, NFSPROC4_COMPOUND);
	nfs4_compound_encode(&hdr, slot >= 0 ? &seq : NULL, &x);
	rc = send_call(cl, &x, xid, true, slot, cb, arg, out);
	xdr_out_release(&x);
	if (!*out && slot >= 0) {
		cl->slots[slot].seqid--;
		cl->slots[slot].busy = false;
	}
	return rc;
}

int nfs4_wait(struct nfs4_client *cl, struct nfs4_call *call)
{
	int64_t deadline = now_ms() + cl->timeout_ms;

	while (!call->done) {
		int64_t left = deadline - now_ms();
		int rc;

		if (left <= 0)
			return fail(cl, -ETIMEDOUT, "no reply to xid %#x within %d ms", call->xid,
				    cl->timeout_ms);
		rc = nfs4_poll(cl, left > 1000 ? 1000 : (int)left);
		if (rc < 0 && !call->done)
			return rc;
	}
	if (call->error)
		return fail(cl, call->error, "xid %#x: %s", call->xid,
			    call->error == -EBADMSG ? "malformed reply" : strerror(-call->error));
	return 0;
}

int nfs4_call_sync(struct nfs4_client *cl, const struct nfs4_compound *c,
		   struct nfs4_call **out)
{
	int rc = nfs4_submit(cl, c, NULL, NULL, out);

	if (rc < 0)
		return rc;
	return nfs4_wait(cl, *out);
}

const struct nfs4_op_res *nfs4_call_op(const struct nfs4_call *call, uint32_t i)
{
	if (!call || !call->parsed || call->res.nparsed <= call->first_op ||
	    i >= call->res.nparsed - call->first_op)
		return NULL;
	return &call->res.ops[call->first_op + i];
}

const struct nfs4_op_res *nfs4_call_failed_op(const struct nfs4_call *call)
{
	if (!call || !call->parsed)
		return NULL;
	for (uint32_t i = 0; i < call->res.nparsed; i++)
		if (call->res.ops[i].status != NFS4_OK)
			return &call->res.ops[i];
	return NULL;
}

int nfs4_client_wait_closed(struct nfs4_client *cl, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	while (!cl->closed) {
		int64_t left = deadline - now_ms();

		if (left <= 0)
			return 0;
		nfs4_poll(cl, left > 1000 ? 1000 : (int)left);
	}
	return 1;
}

int nfs4_null(struct nfs4_client *cl)
{
	struct nfs4_call *call;
	int rc = nfs4_submit_rpc(cl, NFS4_PROGRAM, NFS_V4, NFSPROC4_NULL, NULL, 0, &call);

	if (rc == 0)
		rc = nfs4_wait(cl, call);
	if (rc == 0 && (call->rpc.reply_stat != 0 || call->rpc.accept_stat != 0))
		rc = fail(cl, -EPROTO, "NULL: reply_stat %u accept_stat %u",
			  call->rpc.reply_stat, call->rpc.accept_stat);
	nfs4_call_free(call);
	return rc;
}

/* ------------------------------------------------------------ session */

/*
 * Run c synchronously and reduce the outcome to 0, a positive nfsstat4 or
 * -errno, naming the failing op in cl->err.  On success *out (if not NULL)
 * receives the call.
 */
static int run_checked(struct nfs4_client *cl, const struct nfs4_compound *c, const char *what,
		       struct nfs4_call **out)
{
	struct nfs4_call *call = NULL;
	const struct nfs4_op_res *bad;
	int rc = nfs4_call_sync(cl, c, &call);

	if (rc < 0) {
		nfs4_call_free(call);
		return rc;
	}
	if (call->rpc.reply_stat != 0 || call->rpc.accept_stat != 0) {
		rc = fail(cl, -EPROTO, "%s: RPC reply_stat %u accept_stat %u", what,
			  call->rpc.reply_stat, call->rpc.accept_stat);
		nfs4_call_free(call);
		return rc;
	}
	if (call->res.status != NFS4_OK) {
		bad = nfs4_call_failed_op(call);
		rc = (int)call->res.status;
		fail(cl, rc, "%s: %s failed: %s (%u)", what, bad ? nfs4_op_name(bad->op) : "?",
		     nfs4_stat_name(call->res.status), call->res.status);
		nfs4_call_free(call);
		return rc;
	}
	if (call->res.incomplete) {
		fail(cl, -EBADMSG, "%s: reply not fully parsed", what);
		nfs4_call_free(call);
		return -EBADMSG;
	}
	if (out)
		*out = call;
	else
		nfs4_call_free(call);
	return 0;
}

int nfs4_client_exchange_id(struct nfs4_client *cl)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;
	int rc;

	nfs4_compound_init(&c);
	c.no_sequence = true;
	nfs4_op_exchange_id(&c, cl->verifier, cl->owner, (uint32_t)strlen(cl->owner),
			    EXCHGID4_FLAG_USE_NON_PNFS);
	rc = run_checked(cl, &c, "EXCHANGE_ID", &call);
	nfs4_compound_release(&c);
	if (rc)
		return rc;
	r = nfs4_call_op(call, 0);
	if (!r || r->op != OP_EXCHANGE_ID) {
		nfs4_call_free(call);
		return fail(cl, -EBADMSG, "EXCHANGE_ID: no result");
	}
	cl->clientid = r->u.exchange_id.clientid;
	cl->cs_seq = r->u.exchange_id.sequenceid;
	cl->have_clientid = true;
	nfs4_call_free(call);
	return 0;
}

int nfs4_client_create_session(struct nfs4_client *cl)
{
	struct nfs4_channel_attrs back = {
		.maxrequestsize = 4096,
		.maxresponsesize = 4096,
		.maxops = 2,
		.maxrequests = 1,
	};
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;
	uint32_t n;
	int rc;

	nfs4_compound_init(&c);
	c.no_sequence = true;
	nfs4_op_create_session(&c, cl->clientid, cl->cs_seq, 0, &cl->want_fore, &back);
	rc = run_checked(cl, &c, "CREATE_SESSION", &call);
	nfs4_compound_release(&c);
	if (rc)
		return rc;
	r = nfs4_call_op(call, 0);
	if (!r || r->op != OP_CREATE_SESSION) {
		nfs4_call_free(call);
		return fail(cl, -EBADMSG, "CREATE_SESSION: no result");
	}
	cl->cs_seq++;
	memcpy(cl->sessionid, r->u.create_session.sessionid, NFS4_SESSIONID_SIZE);
	cl->fore = r->u.create_session.fore;
	n = cl->fore.maxrequests;
	if (n == 0)
		n = 1;
	if (n > 1024)
		n = 1024;
	nfs4_call_free(call);
	free(cl->slots);
	cl->slots = calloc(n, sizeof(*cl->slots));
	if (!cl->slots)
		return -ENOMEM;
	/* RFC 8881 §2.10.6.1: a new slot's first SEQUENCE uses sequenceid 1 */
	cl->nslots = n;
	cl->target_highest = n - 1;
	cl->have_session = true;
	return 0;
}

int nfs4_client_reclaim_complete(struct nfs4_client *cl)
{
	struct nfs4_compound c;
	int rc;

	nfs4_compound_init(&c);
	nfs4_op_reclaim_complete(&c, false);
	rc = run_checked(cl, &c, "RECLAIM_COMPLETE", NULL);
	nfs4_compound_release(&c);
	return rc;
}

int nfs4_client_setup(struct nfs4_client *cl)
{
	int rc = nfs4_client_exchange_id(cl);

	if (rc == 0)
		rc = nfs4_client_create_session(cl);
	if (rc == 0)
		rc = nfs4_client_reclaim_complete(cl);
	return rc;
}

int nfs4_client_destroy_session(struct nfs4_client *cl)
{
	struct nfs4_compound c;
	int rc;

	if (!cl->have_session)
		return 0;
	/* wait for calls in flight so their slots settle */
	while (cl->npending && !cl->closed)
		if (nfs4_poll(cl, 1000) < 0)
			break;
	nfs4_compound_init(&c);
	c.no_sequence = true;	/* allowed alone (RFC 8881 §18.37) */
	nfs4_op_destroy_session(&c, cl->sessionid);
	rc = run_checked(cl, &c, "DESTROY_SESSION", NULL);
	nfs4_compound_release(&c);
	if (rc == 0)
		cl->have_session = false;
	return rc;
}

int nfs4_client_destroy_clientid(struct nfs4_client *cl)
{
	struct nfs4_compound c;
	int rc;

	if (!cl->have_clientid)
		return 0;
	nfs4_compound_init(&c);
	c.no_sequence = true;
	nfs4_op_destroy_clientid(&c, cl->clientid);
	rc = run_checked(cl, &c, "DESTROY_CLIENTID", NULL);
	nfs4_compound_release(&c);
	if (rc == 0)
		cl->have_clientid = false;
	return rc;
}

int nfs4_client_teardown(struct nfs4_client *cl)
{
	int rc = nfs4_client_destroy_session(cl);

	if (rc == 0)
		rc = nfs4_client_destroy_clientid(cl);
	return rc;
}

int nfs4_lookup_path(struct nfs4_client *cl, const char *path, struct nfs4_fh *fh,
		     uint32_t *failed_op)
{
	struct nfs4_compound c;
	struct nfs4_call *call = NULL;
	const struct nfs4_op_res *r;
	char *copy, *tok, *save;
	int rc;

	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save))
		nfs4_op_lookup(&c, tok);
	nfs4_op_getfh(&c);
	free(copy);
	rc = nfs4_call_sync(cl, &c, &call);
	if (rc == 0 && (call->rpc.reply_stat != 0 || call->rpc.accept_stat != 0))
		rc = fail(cl, -EPROTO, "lookup %s: RPC not accepted", path);
	if (rc == 0 && call->res.status != NFS4_OK) {
		r = nfs4_call_failed_op(call);
		rc = (int)call->res.status;
		if (failed_op)
			*failed_op = r ? r->op : 0;
		fail(cl, rc, "lookup %s: %s failed: %s (%u)", path,
		     r ? nfs4_op_name(r->op) : "?", nfs4_stat_name(call->res.status),
		     call->res.status);
	}
	if (rc == 0) {
		r = nfs4_call_op(call, c.nops - 1);
		if (!r || r->op != OP_GETFH)
			rc = fail(cl, -EBADMSG, "lookup %s: no GETFH result", path);
		else
			*fh = r->u.getfh;
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return rc;
}
