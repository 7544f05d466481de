/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_server.c - the ONC RPC over TCP server: one epoll loop thread and a
 * fixed pool of worker threads.
 *
 * The loop thread accepts connections, reads records without blocking (each
 * connection owns a small read buffer and its record-marking state, so a
 * peer that trickles a partial record costs memory proportional to what it
 * sent and never a worker), hands each complete record to the worker queue,
 * flushes replies a worker could not send at once, and performs every
 * epoll_ctl() and every close.  Workers decode the call header, run the
 * program's dispatch function with plain blocking code, and append the
 * encoded reply (record mark + body) to the connection's send queue, trying
 * one nonblocking send; they never wait for a peer.  When a worker needs the
 * loop (leftover output, reading may resume, connection broken or done) it
 * puts the connection on an attention list and pokes an eventfd.
 *
 * Back-pressure: a connection counts a call as outstanding from the moment
 * its record is taken until its reply has left the send queue.  While
 * max_inflight calls are outstanding the loop stops reading that connection
 * (EPOLLIN off), which also bounds the reply bytes a non-reading client can
 * pin.  Replies are queued whole, in completion order, so they may leave out
 * of order but never interleave.
 *
 * Lifetime: a connection is reference counted (one reference for the loop,
 * one per call at a worker, one while on the attention list).  Closing only
 * shuts the socket down; the descriptor is closed when the last reference
 * goes, so a worker never writes to a reused descriptor number.  The
 * conn-closed callback runs on the loop thread once the connection is closed
 * and its last call has returned.  No global state: all hangs off struct
 * rpc_server.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "rpc/rpc.h"
#include "rpc/rpc_gss.h"
#include "rpc/rpc_msg.h"
#include "rpc/rpc_peer.h"
#include "rpc/rpc_rec.h"

#define RPC_DEF_THREADS 8u
#define RPC_DEF_MAX_RECORD (1024u * 1024u + 64u * 1024u)
#define RPC_DEF_MAX_CONNS 4096u
#define RPC_DEF_MAX_INFLIGHT 64u
#define RPC_DEFAULT_PORT 2049

#define RPC_RBUF_SIZE 8192u          /* per-connection read buffer */
#define RPC_DIRECT_MIN 4096u         /* payloads this big are read in place */
#define RPC_READ_BUDGET (256u * 1024u) /* bytes per connection per wakeup */
#define RPC_MAX_IOV 16
#define RPC_MAX_EVENTS 64
#define RPC_MAX_LISTENERS 16u

enum ep_kind { EP_LISTEN, EP_WAKE, EP_WATCH, EP_CONN };

/* First member of everything registered with epoll. */
struct ep_tag {
	enum ep_kind kind;
};

struct rpc_listener {
	struct ep_tag tag;
	int fd;
	int port;
};

struct rpc_watch {
	struct ep_tag tag;
	int fd;
	rpc_fd_fn fn;
	void *arg;
	struct rpc_watch *next;
};

struct rpc_prog {
	uint32_t prog, vers, nprocs;
	rpc_dispatch_fn fn;
	void *ctx;
};

/* Replies up to this size that must wait in the send queue are copied out
 * of the worker's buffer (metadata, not payload); bigger ones take the
 * buffer with them and the worker starts a new one. */
#define RPC_OUT_COPY_MAX (16u * 1024u)

/* One encoded reply (record mark + body) waiting to be sent. */
struct rpc_out {
	struct rpc_out *next;
	uint8_t *data;                /* inl, or an owned allocation */
	size_t len, off;
	size_t cap;                   /* bytes allocated at data (owned only) */
	uint8_t inl[];                /* a copied small reply */
};

/*
 * Big buffers kept for reuse, so that 1 MiB READs and WRITEs do not each
 * grow a fresh buffer by realloc(): fresh memory costs a page fault per
 * page, and glibc gives freed memory back with madvise(), so every 1 MiB
 * call paid about 256 faults (perf: 13 % of the server's CPU in the read
 * test in page faults, 4 % in madvise).  Two pools:
 *  - replies: a big reply that has to wait in the send queue takes its
 *    worker's buffer with it (out_new()); once sent, the buffer comes back
 *    here and the next worker left without a buffer takes it;
 *  - records: a call's record buffer comes back here when the call is
 *    done, and a connection that starts receiving a fragment of at least
 *    RPC_POOL_MIN_FRAG bytes takes one big enough for the whole fragment
 *    (rpc_rec_adopt()).  Such a buffer is already allocated, so a peer that
 *    declares a big fragment and then stalls pins one pooled buffer, not
 *    new memory; at most RPC_POOL_MAX such.
 * Each pool keeps at most RPC_POOL_MAX buffers of at most max_record + 4
 * bytes, under its own leaf lock.
 */
#define RPC_POOL_MAX 8u
#define RPC_POOL_MIN_FRAG (64u * 1024u)

struct rpc_pool {
	pthread_mutex_t lock;         /* a leaf: no other lock is taken under it */
	struct {
		uint8_t *buf;
		size_t cap;
	} b[RPC_POOL_MAX];
	unsigned n;
};

struct rpc_conn {
	struct ep_tag tag;
	struct rpc_server *srv;
	int fd;
	struct rpc_conn_info info;
	struct rpc_peer_name name;    /* info.name; its own lock */

	/* Loop thread only. */
	struct rpc_conn *prev, *next; /* server's connection list */
	struct rpc_rec rec;
	uint8_t *rbuf;
	size_t rpos, rlen;            /* unconsumed bytes rbuf[rpos..rlen) */
	uint32_t ev;                  /* events registered with epoll */
	bool finalized;               /* closed callback done, list unlinked */

	/* Under lock. */
	pthread_mutex_t lock;
	unsigned refs;
	unsigned inflight;            /* calls taken, not yet finished by a worker */
	unsigned queued;              /* replies in the send queue */
	struct rpc_out *oq_head, *oq_tail;
	bool sending;                 /* a thread is in sendmsg() (conn_flush_locked) */
	bool eof;                     /* peer finished sending */
	bool closing;                 /* loop closed it: nobody may send */
	bool broken;                  /* worker saw a send error or garbage */
	bool attn;                    /* on the attention list */
	bool read_paused;             /* the loop stopped reading: max_inflight reached */
	struct rpc_conn *attn_next;
	time_t last_active;           /* monotonic seconds */
};

struct rpc_work {
	struct rpc_work *next;
	struct rpc_conn *c;
	uint8_t *rec;
	size_t len, cap;              /* record bytes, bytes allocated at rec */
};

struct rpc_server {
	struct rpc_server_opts opts;
	int epfd;
	int wakefd;
	struct ep_tag wake_tag;
	struct rpc_listener *lst[RPC_MAX_LISTENERS];
	unsigned nlst;
	bool lst_armed;
	time_t lst_resume;            /* re-arm listeners after fd exhaustion */
	struct rpc_prog *progs;
	unsigned nprogs;
	struct rpc_watch *watches;
	rpc_conn_closed_fn closed_fn;
	void *closed_ctx;
	struct rpc_gss *gss;          /* RPCSEC_GSS contexts, or NULL */

	/* Loop thread only. */
	struct rpc_conn *conns;
	unsigned nconns;
	uint64_t next_id;
	bool running;
	bool stopping;

	atomic_bool stop;             /* set by rpc_server_stop() */
	atomic_uint calls;            /* calls queued or running */

	pthread_mutex_t attn_lock;    /* after a conn lock when both are held */
	struct rpc_conn *attn_head, *attn_tail;

	pthread_mutex_t wq_lock;
	pthread_cond_t wq_cond;
	struct rpc_work *wq_head, *wq_tail;
	bool wq_quit;
	pthread_t *threads;
	unsigned nthreads;

	struct rpc_pool replies, records;
};

static int pool_init(struct rpc_pool *p)
{
	p->n = 0;
	return pthread_mutex_init(&p->lock, NULL) ? -1 : 0;
}

static void pool_destroy(struct rpc_pool *p)
{
	while (p->n)
		free(p->b[--p->n].buf);
	pthread_mutex_destroy(&p->lock);
}

/* Keep buf (cap bytes) if it is big and there is room; false: the
 * caller frees it. */
static bool pool_put(struct rpc_pool *p, uint8_t *buf, size_t cap)
{
	bool kept = false;

	if (!buf || cap < RPC_POOL_MIN_FRAG)
		return false; /* small ones are cheap to make */
	pthread_mutex_lock(&p->lock);
	if (p->n < RPC_POOL_MAX) {
		p->b[p->n].buf = buf;
		p->b[p->n].cap = cap;
		p->n++;
		kept = true;
	}
	pthread_mutex_unlock(&p->lock);
	return kept;
}

/* A kept buffer of at least min bytes, or NULL; *cap gets its size. */
static uint8_t *pool_take(struct rpc_pool *p, size_t min, size_t *cap)
{
	uint8_t *buf = NULL;
	unsigned i;

	pthread_mutex_lock(&p->lock);
	for (i = p->n; i-- > 0;) {
		if (p->b[i].cap >= min) {
			buf = p->b[i].buf;
			*cap = p->b[i].cap;
			p->b[i] = p->b[--p->n];
			break;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return buf;
}

static void out_free(struct rpc_server *s, struct rpc_out *o)
{
	if (o->data != o->inl && !pool_put(&s->replies, o->data, o->cap))
		free(o->data);
	free(o);
}

static time_t now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void server_wake(struct rpc_server *s)
{
	uint64_t one = 1;
	ssize_t n = write(s->wakefd, &one, sizeof(one));

	(void)n; /* EAGAIN means a wakeup is already pending */
}

/* ---- connections: references and the send queue ---- */

static void conn_get_locked(struct rpc_conn *c)
{
	c->refs++;
}

static void oq_free(struct rpc_conn *c)
{
	struct rpc_out *o, *n;

	for (o = c->oq_head; o; o = n) {
		n = o->next;
		out_free(c->srv, o);
	}
	c->oq_head = c->oq_tail = NULL;
	c->queued = 0;
}

static void conn_put(struct rpc_conn *c)
{
	unsigned refs;

	pthread_mutex_lock(&c->lock);
	refs = --c->refs;
	pthread_mutex_unlock(&c->lock);
	if (refs)
		return;
	oq_free(c);
	rpc_rec_release(&c->rec);
	close(c->fd);
	free(c->rbuf);
	rpc_peer_name_release(&c->name);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static unsigned conn_outstanding_locked(const struct rpc_conn *c)
{
	return c->inflight + c->queued;
}

/*
 * Send what the queue holds without blocking.  0 when done or the socket is
 * full, -errno when the connection is unusable.  Caller holds c->lock; it is
 * dropped around sendmsg(), so the loop and other workers are not held up
 * by the copy into the socket.  While c->sending is set only its owner
 * sends or takes entries off the queue (others only append, and
 * conn_close() leaves the queue to it); a caller that finds another thread
 * sending returns at once: that thread sends what was appended, or leaves
 * it for the loop (EPOLLOUT) when the socket is full.
 */
static int conn_flush_locked(struct rpc_conn *c)
{
	struct iovec iov[RPC_MAX_IOV];
	struct msghdr msg;
	struct rpc_out *o, *sent = NULL;
	ssize_t n;
	int i, e, err = 0;

	if (c->sending)
		return 0;
	c->sending = true;
	while (c->oq_head && !c->closing) {
		i = 0;
		for (o = c->oq_head; o && i < RPC_MAX_IOV; o = o->next, i++) {
			iov[i].iov_base = o->data + o->off;
			iov[i].iov_len = o->len - o->off;
		}
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = (size_t)i;
		pthread_mutex_unlock(&c->lock);
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		e = errno;
		pthread_mutex_lock(&c->lock);
		if (n < 0) {
			if (e == EINTR)
				continue;
			if (e != EAGAIN && e != EWOULDBLOCK)
				err = -e;
			break;
		}
		c->last_active = now_sec();
		while (n > 0) {
			o = c->oq_head;
			if ((size_t)n < o->len - o->off) {
				o->off += (size_t)n;
				break;
			}
			n -= (ssize_t)(o->len - o->off);
			c->oq_head = o->next;
			if (!c->oq_head)
				c->oq_tail = NULL;
			c->queued--;
			o->next = sent;
			sent = o;
		}
	}
	c->sending = false;
	if (c->closing)
		oq_free(c); /* conn_close() left it to us */
	if (sent) {
		pthread_mutex_unlock(&c->lock);
		for (o = sent; o; o = sent) {
			sent = o->next;
			out_free(c->srv, o);
		}
		pthread_mutex_lock(&c->lock);
	}
	return err;
}

/* Put c on the attention list (caller holds c->lock). */
static void conn_attn_locked(struct rpc_conn *c)
{
	struct rpc_server *s = c->srv;

	if (c->attn)
		return;
	c->attn = true;
	conn_get_locked(c);
	pthread_mutex_lock(&s->attn_lock);
	c->attn_next = NULL;
	if (s->attn_tail)
		s->attn_tail->attn_next = c;
	else
		s->attn_head = c;
	s->attn_tail = c;
	pthread_mutex_unlock(&s->attn_lock);
	server_wake(s);
}

/* A queue entry for the unsent part of the reply in ro, from byte off:
 * small replies are copied, big ones take ro's buffer. */
static struct rpc_out *out_new(struct xdr_out *ro, size_t off)
{
	size_t rest = ro->len - off;
	struct rpc_out *o;

	if (rest <= RPC_OUT_COPY_MAX) {
		o = malloc(sizeof(*o) + rest);
		if (!o)
			return NULL;
		memcpy(o->inl, ro->buf + off, rest);
		o->data = o->inl;
		o->len = rest;
		o->off = 0;
		o->cap = 0;
	} else {
		o = malloc(sizeof(*o));
		if (!o)
			return NULL;
		o->cap = ro->cap;
		o->data = xdr_out_steal(ro, &o->len);
		o->off = off;
	}
	o->next = NULL;
	return o;
}

/*
 * A worker finished a call on c: send the reply in ro (record mark + body;
 * NULL for none), or queue what the socket does not take, decide whether the
 * loop must look at c, and drop the call's reference.  Never blocks on the
 * peer.  ro is the worker's buffer: when nothing else is queued the reply
 * goes out straight from it (no allocation, no copy); a reply that must wait
 * is copied when small, or takes the buffer with it (ro is left empty).
 */
static void conn_call_done(struct rpc_conn *c, struct xdr_out *ro, bool garbage)
{
	unsigned max = c->srv->opts.max_inflight;
	unsigned before, after;
	struct rpc_out *o;
	size_t off = 0;
	ssize_t n;
	int e = 0;

	pthread_mutex_lock(&c->lock);
	before = conn_outstanding_locked(c);
	c->inflight--;
	if (garbage)
		c->broken = true;
	if (ro && !c->closing && !c->broken && !c->oq_head && !c->sending) {
		/* counted as queued while it is being sent */
		c->sending = true;
		c->queued++;
		pthread_mutex_unlock(&c->lock);
		for (;;) {
			n = send(c->fd, ro->buf + off, ro->len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0) {
				off += (size_t)n;
				if (off < ro->len)
					continue;
			} else if (n < 0) {
				e = errno;
				if (e == EINTR)
					continue;
			}
			break;
		}
		pthread_mutex_lock(&c->lock);
		c->sending = false;
		if (off)
			c->last_active = now_sec();
		if (off == ro->len || c->closing) {
			c->queued--;
		} else if (e && e != EAGAIN && e != EWOULDBLOCK) {
			c->queued--;
			c->broken = true;
		} else {
			/* the socket is full: the rest goes first in the queue */
			o = out_new(ro, off);
			if (!o) {
				c->queued--;
				c->broken = true; /* half a record cannot be taken back */
			} else {
				o->next = c->oq_head;
				c->oq_head = o;
				if (!c->oq_tail)
					c->oq_tail = o;
			}
		}
		if (c->closing) {
			oq_free(c); /* conn_close() left it to us */
		} else if (c->oq_head && !c->broken) {
			/* others queued replies meanwhile, or the socket is full */
			if (off == ro->len && conn_flush_locked(c) < 0)
				c->broken = true;
			else if (c->oq_head)
				conn_attn_locked(c); /* needs EPOLLOUT */
		}
	} else if (ro && !c->closing && !c->broken) {
		/* behind other replies: the thread sending, or the loop, sends it */
		o = out_new(ro, 0);
		if (o) {
			if (c->oq_tail)
				c->oq_tail->next = o;
			else
				c->oq_head = o;
			c->oq_tail = o;
			c->queued++;
			if (!c->sending && c->oq_head == o) {
				if (conn_flush_locked(c) < 0)
					c->broken = true;
				else if (c->oq_head)
					conn_attn_locked(c); /* needs EPOLLOUT */
			}
		}
	}
	after = conn_outstanding_locked(c);
	/* read_paused, not only before >= max: while this thread sent
	 * unlocked, the loop may have taken the call that reached max and
	 * stopped reading; nobody else would wake it (lost wakeup found by
	 * tests/load: 4096 pipelined NULL calls stalled with unread input) */
	if ((before >= max && after < max) || (c->read_paused && after < max) || c->broken ||
	    (c->closing && c->inflight == 0) || (c->eof && after == 0))
		conn_attn_locked(c);
	pthread_mutex_unlock(&c->lock);
	conn_put(c);
}

/* ---- workers ---- */

static const struct rpc_prog *prog_find(const struct rpc_server *s, uint32_t prog,
					uint32_t vers, bool *known, uint32_t *low,
					uint32_t *high)
{
	const struct rpc_prog *hit = NULL;
	unsigned i;

	*known = false;
	*low = UINT32_MAX;
	*high = 0;
	for (i = 0; i < s->nprogs; i++) {
		const struct rpc_prog *p = &s->progs[i];

		if (p->prog != prog)
			continue;
		*known = true;
		if (p->vers < *low)
			*low = p->vers;
		if (p->vers > *high)
			*high = p->vers;
		if (p->vers == vers)
			hit = p;
	}
	return hit;
}

/* Encode the reply to an accepted call into o (after the record mark).
 * False if nothing is to be sent. */
/* Accepted reply header: our verifier is AUTH_NONE, or for RPCSEC_GSS the
 * MIC of the call's sequence number (gr != NULL). */
static bool put_accepted(struct rpc_gss_req *gr, struct xdr_out *o, uint32_t xid,
			 uint32_t stat)
{
	return gr ? rpc_gss_put_accepted(gr, o, xid, stat) : rpc_msg_put_accepted(o, xid, stat);
}

static bool run_accepted(struct rpc_server *s, struct rpc_conn *c,
			 const struct rpc_msg_call *m, const struct rpc_cred *cred,
			 struct xdr_in *args, const uint8_t *rec, size_t len,
			 struct rpc_gss_req *gr, struct xdr_out *o)
{
	const struct rpc_prog *p;
	struct rpc_call call;
	enum rpc_dispatch_result r;
	uint32_t low, high, stat;
	size_t stat_pos, res_pos, limit = o->limit;
	bool known;

	p = prog_find(s, m->prog, m->vers, &known, &low, &high);
	if (!known)
		return put_accepted(gr, o, m->xid, RPC_ACCEPT_PROG_UNAVAIL);
	if (!p)
		return put_accepted(gr, o, m->xid, RPC_ACCEPT_PROG_MISMATCH) &&
		       xdr_put_u32(o, low) && xdr_put_u32(o, high);
	if (m->proc >= p->nprocs)
		return put_accepted(gr, o, m->xid, RPC_ACCEPT_PROC_UNAVAIL);
	if (!put_accepted(gr, o, m->xid, RPC_ACCEPT_SUCCESS))
		return false;
	res_pos = xdr_out_pos(o);
	stat_pos = res_pos - 4;
	if (gr) {
		/* integrity/privacy wrap the results: keep room for it */
		if (!rpc_gss_wrap_begin(gr, o))
			return false;
		if (o->limit > res_pos + 2 * RPC_GSS_REPLY_SLACK)
			o->limit -= RPC_GSS_REPLY_SLACK;
	}

	memset(&call, 0, sizeof(call));
	call.xid = m->xid;
	call.prog = m->prog;
	call.vers = m->vers;
	call.proc = m->proc;
	call.cred = *cred;
	call.conn = &c->info;
	call.record = rec;
	call.record_len = len;
	call.args = *args;

	r = p->fn(p->ctx, &call, o);
	o->limit = limit;
	switch (r) {
	case RPC_DISPATCH_OK:
		if (!o->overflow && !gr)
			return true;
		if (!o->overflow && rpc_gss_wrap_end(gr, o))
			return true;
		if (!o->overflow)
			return false; /* RFC 2203 §5.3.3.4.4: no reply */
		stat = RPC_ACCEPT_SYSTEM_ERR; /* results did not fit */
		break;
	case RPC_DISPATCH_GARBAGE:
		stat = RPC_ACCEPT_GARBAGE_ARGS;
		break;
	case RPC_DISPATCH_DROP:
		return false;
	case RPC_DISPATCH_SYSTEM_ERR:
	default:
		stat = RPC_ACCEPT_SYSTEM_ERR;
		break;
	}
	xdr_truncate(o, res_pos);
	xdr_set_u32_at(o, stat_pos, stat);
	return true;
}

/* A call with an RPCSEC_GSS credential (rpc_gss.h); false: no reply. */
static bool run_gss(struct rpc_server *s, struct rpc_conn *c, const struct rpc_msg_call *m,
		    struct xdr_in *args, const uint8_t *rec, size_t len, struct xdr_out *o)
{
	struct rpc_gss_req gr;
	struct rpc_cred cred = m->cred;
	uint32_t stat = RPC_AUTHSTAT_BADCRED;
	bool have = false;

	if (!s->gss) /* not set up: a flavour we do not take */
		return rpc_msg_put_auth_error(o, m->xid, RPC_AUTHSTAT_BADCRED);
	switch (rpc_gss_accept(s->gss, m, rec, len, args, &cred, &gr, o, &stat)) {
	case RPC_GSS_RUN:
		have = run_accepted(s, c, m, &cred, args, rec, len, &gr, o);
		break;
	case RPC_GSS_REPLIED:
		have = true;
		break;
	case RPC_GSS_AUTH_ERROR:
		have = rpc_msg_put_auth_error(o, m->xid, stat);
		break;
	case RPC_GSS_GARBAGE:
		have = rpc_gss_put_accepted(&gr, o, m->xid, RPC_ACCEPT_GARBAGE_ARGS);
		break;
	case RPC_GSS_DROP:
		break;
	}
	rpc_gss_req_release(&gr);
	return have;
}

/* Run one call; wo is the worker's reply buffer, kept from call to call. */
static void run_call(struct rpc_server *s, struct rpc_work *w, struct xdr_out *wo)
{
	struct rpc_conn *c = w->c;
	struct rpc_msg_call m;
	struct xdr_in args;
	struct xdr_out o = *wo;
	bool have = false, garbage = false, send = false;

	xdr_out_reset(&o, s->opts.max_record + 4);
	if (xdr_put_u32(&o, 0)) { /* record mark, filled in below */
		switch (rpc_msg_decode_call(w->rec, w->len, &m, &args)) {
		case RPC_MSG_OK:
			if (m.cred.flavor == RPC_AUTH_GSS)
				have = run_gss(s, c, &m, &args, w->rec, w->len, &o);
			else
				have = run_accepted(s, c, &m, &m.cred, &args, w->rec, w->len,
						    NULL, &o);
			break;
		case RPC_MSG_RPC_MISMATCH:
			have = rpc_msg_put_rpc_mismatch(&o, m.xid, RPC_VERSION, RPC_VERSION);
			break;
		case RPC_MSG_AUTH_ERROR:
			have = rpc_msg_put_auth_error(&o, m.xid, m.auth_stat);
			break;
		case RPC_MSG_GARBAGE:
			garbage = true;
			break;
		case RPC_MSG_DROP:
			break;
		}
	}
	if (have && !o.overflow && o.len > 4) {
		rpc_rec_mark(o.buf, o.len - 4);
		send = true;
	}
	conn_call_done(c, send ? &o : NULL, garbage); /* may take o's buffer */
	if (!o.buf) {
		o.buf = pool_take(&s->replies, 0, &o.cap);
		if (!o.buf)
			o.cap = 0;
	}
	if (!pool_put(&s->records, w->rec, w->cap))
		free(w->rec);
	*wo = o;
	free(w);
	if (atomic_fetch_sub(&s->calls, 1) == 1 && atomic_load(&s->stop))
		server_wake(s);
}

static void *worker_main(void *arg)
{
	struct rpc_server *s = arg;
	struct rpc_work *w;
	struct xdr_out o; /* reply buffer, reused (B12) */

	xdr_out_init(&o, s->opts.max_record + 4);
	for (;;) {
		pthread_mutex_lock(&s->wq_lock);
		while (!s->wq_head && !s->wq_quit)
			pthread_cond_wait(&s->wq_cond, &s->wq_lock);
		w = s->wq_head;
		if (!w) {
			pthread_mutex_unlock(&s->wq_lock);
			xdr_out_release(&o);
			return NULL;
		}
		s->wq_head = w->next;
		if (!s->wq_head)
			s->wq_tail = NULL;
		pthread_mutex_unlock(&s->wq_lock);
		run_call(s, w, &o);
	}
}

/* ---- the loop: connection input, events, closing ---- */

static void conn_sync(struct rpc_conn *c);

static bool conn_can_read(struct rpc_conn *c)
{
	bool ok;

	pthread_mutex_lock(&c->lock);
	ok = !c->eof && !c->closing && !c->srv->stopping &&
	     conn_outstanding_locked(c) < c->srv->opts.max_inflight;
	c->read_paused = conn_outstanding_locked(c) >= c->srv->opts.max_inflight;
	pthread_mutex_unlock(&c->lock);
	return ok;
}

/* The record in c->rec is complete: give it to a worker. */
static int conn_submit(struct rpc_conn *c)
{
	struct rpc_server *s = c->srv;
	struct rpc_work *w;
	size_t len;
	uint8_t *rec;

	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cap = c->rec.cap;
	rec = rpc_rec_take(&c->rec, &len);
	w->next = NULL;
	w->c = c;
	w->rec = rec;
	w->len = len;

	pthread_mutex_lock(&c->lock);
	c->inflight++;
	conn_get_locked(c);
	pthread_mutex_unlock(&c->lock);
	atomic_fetch_add(&s->calls, 1);

	pthread_mutex_lock(&s->wq_lock);
	if (s->wq_tail)
		s->wq_tail->next = w;
	else
		s->wq_head = w;
	s->wq_tail = w;
	pthread_mutex_unlock(&s->wq_lock);
	/* after unlocking: the woken worker does not then wait for the lock */
	pthread_cond_signal(&s->wq_cond);
	return 0;
}

/* A big fragment is coming: receive it into a kept buffer if one fits. */
static void rec_from_pool(struct rpc_conn *c)
{
	struct rpc_pool *p = &c->srv->records;
	size_t cap, need = c->rec.len + c->rec.frag_left;
	uint8_t *buf = pool_take(p, need, &cap), *old;

	if (!buf)
		return;
	if (rpc_rec_adopt(&c->rec, buf, cap, &old) < 0) {
		if (!pool_put(p, buf, cap))
			free(buf);
		return;
	}
	free(old);
}

/*
 * Read and split records until the socket is drained, the connection must
 * pause (too many calls outstanding) or its read budget is spent.  Leftover
 * bytes stay in c->rbuf.  0, or -errno when the connection must close.
 */
static int conn_input(struct rpc_conn *c)
{
	size_t budget = RPC_READ_BUDGET;
	bool got = false;
	uint8_t *p;
	ssize_t n, room;
	int err = 0;

	for (;;) {
		while (c->rpos < c->rlen) {
			if (!conn_can_read(c))
				goto out;
			n = rpc_rec_feed(&c->rec, c->rbuf + c->rpos, c->rlen - c->rpos);
			if (n < 0) {
				err = (int)n;
				goto out;
			}
			c->rpos += (size_t)n;
			if (rpc_rec_ready(&c->rec) && (err = conn_submit(c)) < 0)
				goto out;
		}
		if (budget == 0 || !conn_can_read(c))
			goto out;

		if (c->rec.in_body && c->rec.frag_left >= RPC_POOL_MIN_FRAG &&
		    c->rec.cap - c->rec.len < c->rec.frag_left)
			rec_from_pool(c);
		room = rpc_rec_body_space(&c->rec, RPC_DIRECT_MIN, &p);
		if (room < 0) {
			err = (int)room;
			goto out;
		}
		if (room > 0) {
			n = read(c->fd, p, (size_t)room);
			if (n > 0) {
				rpc_rec_body_commit(&c->rec, (size_t)n);
				if (rpc_rec_ready(&c->rec) && (err = conn_submit(c)) < 0)
					goto out;
			}
		} else {
			c->rpos = c->rlen = 0;
			n = read(c->fd, c->rbuf, RPC_RBUF_SIZE);
			if (n > 0)
				c->rlen = (size_t)n;
		}
		if (n == 0) {
			/* A record cut short by EOF can never complete. */
			if (!rpc_rec_idle(&c->rec))
				err = -ECONNRESET;
			pthread_mutex_lock(&c->lock);
			c->eof = true;
			pthread_mutex_unlock(&c->lock);
			goto out;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				err = -errno;
			goto out;
		}
		got = true;
		budget = (size_t)n >= budget ? 0 : budget - (size_t)n;
	}
out:
	if (got) {
		pthread_mutex_lock(&c->lock);
		c->last_active = now_sec();
		pthread_mutex_unlock(&c->lock);
	}
	return err;
}

/* Register with epoll exactly the events c needs now. */
static void conn_sync(struct rpc_conn *c)
{
	struct epoll_event ev;
	uint32_t want = 0;

	if (c->finalized || c->closing)
		return;
	if (conn_can_read(c))
		want |= EPOLLIN;
	pthread_mutex_lock(&c->lock);
	/* not while a worker is in sendmsg(): the loop could only spin on
	 * EPOLLOUT meanwhile; a worker that leaves output queued puts c on
	 * the attention list, and the loop comes back here */
	if (c->oq_head && !c->sending)
		want |= EPOLLOUT;
	pthread_mutex_unlock(&c->lock);
	if (want == c->ev)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = &c->tag;
	if (epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->ev = want;
}

/* Closed and no call left: tell the owner and drop the loop's reference. */
static void conn_finalize(struct rpc_conn *c)
{
	struct rpc_server *s = c->srv;

	if (c->finalized)
		return;
	c->finalized = true;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	rpc_rec_release(&c->rec);
	if (s->closed_fn)
		s->closed_fn(s->closed_ctx, c->info.id);
	conn_put(c);
}

static void conn_close(struct rpc_conn *c)
{
	unsigned inflight;

	if (c->finalized)
		return;
	pthread_mutex_lock(&c->lock);
	if (c->closing) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	c->closing = true;
	if (!c->sending) /* else the sender frees it (conn_flush_locked) */
		oq_free(c);
	inflight = c->inflight;
	pthread_mutex_unlock(&c->lock);

	epoll_ctl(c->srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	shutdown(c->fd, SHUT_RDWR);
	c->ev = 0;
	if (inflight == 0)
		conn_finalize(c);
}

/* Close c, which has no call in progress (shutdown paths); may free c. */
static void conn_close_idle(struct rpc_conn *c)
{
	bool closing;

	pthread_mutex_lock(&c->lock);
	closing = c->closing;
	pthread_mutex_unlock(&c->lock);
	if (closing)
		conn_finalize(c);
	else
		conn_close(c);
}

/* Look at c again after something changed (worker news, output drained). */
static void conn_reeval(struct rpc_conn *c)
{
	bool closing, broken, done;

	if (c->finalized)
		return;
	pthread_mutex_lock(&c->lock);
	closing = c->closing;
	broken = c->broken;
	pthread_mutex_unlock(&c->lock);
	if (closing) {
		pthread_mutex_lock(&c->lock);
		done = c->inflight == 0;
		pthread_mutex_unlock(&c->lock);
		if (done)
			conn_finalize(c);
		return;
	}
	if (broken) {
		conn_close(c);
		return;
	}
	if (c->rpos < c->rlen && conn_can_read(c) && conn_input(c) < 0) {
		conn_close(c);
		return;
	}
	pthread_mutex_lock(&c->lock);
	done = c->eof && conn_outstanding_locked(c) == 0;
	pthread_mutex_unlock(&c->lock);
	if (done) {
		conn_close(c);
		return;
	}
	conn_sync(c);
}

static void conn_event(struct rpc_conn *c, uint32_t events)
{
	int err = 0;

	if (events & (EPOLLERR | EPOLLHUP)) {
		conn_close(c);
		return;
	}
	if (events & EPOLLOUT) {
		pthread_mutex_lock(&c->lock);
		err = conn_flush_locked(c);
		pthread_mutex_unlock(&c->lock);
	}
	if (!err && (events & EPOLLIN))
		err = conn_input(c);
	if (err) {
		conn_close(c);
		return;
	}
	conn_reeval(c);
}

static struct rpc_conn *conn_new(struct rpc_server *s, int fd,
				 const struct sockaddr_storage *peer, socklen_t plen)
{
	struct rpc_conn *c;
	struct epoll_event ev;
	int one = 1;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->rbuf = malloc(RPC_RBUF_SIZE);
	if (!c->rbuf || pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->rbuf);
		free(c);
		return NULL;
	}
	if (rpc_peer_name_init(&c->name) < 0) {
		pthread_mutex_destroy(&c->lock);
		free(c->rbuf);
		free(c);
		return NULL;
	}
	c->info.name = &c->name;
	c->tag.kind = EP_CONN;
	c->srv = s;
	c->fd = fd;
	c->refs = 1;
	c->info.id = ++s->next_id;
	memcpy(&c->info.peer, peer, plen);
	c->info.peer_len = plen;
	c->info.local_len = sizeof(c->info.local);
	if (getsockname(fd, (struct sockaddr *)&c->info.local, &c->info.local_len) < 0)
		c->info.local_len = 0;
	rpc_rec_init(&c->rec, s->opts.max_record);
	c->last_active = now_sec();
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	memset(&ev, 0, sizeof(ev));
	ev.events = s->stopping ? 0 : EPOLLIN;
	ev.data.ptr = &c->tag;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		rpc_peer_name_release(&c->name);
		pthread_mutex_destroy(&c->lock);
		free(c->rbuf);
		free(c);
		return NULL;
	}
	c->ev = ev.events;
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	return c;
}

/* ---- listeners ---- */

static void listeners_arm(struct rpc_server *s, bool on)
{
	struct epoll_event ev;
	unsigned i;

	if (s->lst_armed == on)
		return;
	for (i = 0; i < s->nlst; i++) {
		if (on) {
			memset(&ev, 0, sizeof(ev));
			ev.events = EPOLLIN;
			ev.data.ptr = &s->lst[i]->tag;
			epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lst[i]->fd, &ev);
		} else {
			epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->lst[i]->fd, NULL);
		}
	}
	s->lst_armed = on;
}

static void listener_event(struct rpc_server *s, struct rpc_listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	for (;;) {
		len = sizeof(ss);
		fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* Out of descriptors: back off instead of spinning. */
				listeners_arm(s, false);
				s->lst_resume = now_sec() + 1;
			}
			return;
		}
		if (s->nconns >= s->opts.max_conns || !conn_new(s, fd, &ss, len))
			close(fd);
	}
}

static int parse_port(const char *p, int *port)
{
	unsigned long v = 0;
	int n = 0;

	if (!*p)
		return -EINVAL;
	for (; *p; p++, n++) {
		if (*p < '0' || *p > '9' || n >= 5)
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return -EINVAL;
	*port = (int)v;
	return 0;
}

/* Split "ADDR:PORT", "[V6]:PORT", "[V6]", "ADDR" or a bare IPv6 address. */
static int parse_addr(const char *text, struct sockaddr_storage *ss, socklen_t *sslen,
		      const char **errmsg)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *h, *colon, *port_text = NULL;
	size_t hlen;
	bool v6 = false;
	int port = RPC_DEFAULT_PORT;

	if (text[0] == '[') {
		const char *close_br = strchr(text, ']');

		if (!close_br) {
			*errmsg = "missing ']' after IPv6 address";
			return -EINVAL;
		}
		h = text + 1;
		hlen = (size_t)(close_br - h);
		v6 = true;
		if (close_br[1] == ':')
			port_text = close_br + 2;
		else if (close_br[1] != '\0') {
			*errmsg = "junk after ']'";
			return -EINVAL;
		}
	} else {
		h = text;
		colon = strchr(text, ':');
		if (colon && strchr(colon + 1, ':')) {
			hlen = strlen(text); /* bare IPv6, default port */
			v6 = true;
		} else if (colon) {
			hlen = (size_t)(colon - text);
			port_text = colon + 1;
		} else {
			hlen = strlen(text);
		}
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		*errmsg = "bad address length";
		return -EINVAL;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (port_text && parse_port(port_text, &port) < 0) {
		*errmsg = "bad port (0-65535)";
		return -EINVAL;
	}

	memset(ss, 0, sizeof(*ss));
	if (!v6) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
			*errmsg = "bad IPv4 address (numeric only)";
			return -EINVAL;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			*errmsg = "bad IPv6 address (numeric only)";
			return -EINVAL;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*sin6);
	}
	return 0;
}

int rpc_server_listen(struct rpc_server *s, const char *addrport, const char **errmsg)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct rpc_listener *l;
	const char *dummy;
	int fd, one = 1, err;

	if (!errmsg)
		errmsg = &dummy;
	*errmsg = NULL;
	if (!addrport) {
		*errmsg = "no address";
		return -EINVAL;
	}
	if (s->running) {
		*errmsg = "server already running";
		return -EBUSY;
	}
	if (s->nlst >= RPC_MAX_LISTENERS) {
		*errmsg = "too many listeners";
		return -ENOSPC;
	}
	err = parse_addr(addrport, &ss, &sslen, errmsg);
	if (err)
		return err;

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*errmsg = "socket() failed";
		return -errno;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (ss.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)) {
		*errmsg = "setsockopt() failed";
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0) {
		*errmsg = "bind() failed";
		goto fail;
	}
	if (listen(fd, SOMAXCONN) < 0) {
		*errmsg = "listen() failed";
		goto fail;
	}
	sslen = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0) {
		*errmsg = "getsockname() failed";
		goto fail;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		errno = ENOMEM;
		*errmsg = "out of memory";
		goto fail;
	}
	l->tag.kind = EP_LISTEN;
	l->fd = fd;
	l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						 : ((struct sockaddr_in *)&ss)->sin_port);
	s->lst[s->nlst++] = l;
	return 0;
fail:
	err = -errno;
	close(fd);
	return err;
}

int rpc_server_bound_port(const struct rpc_server *s, unsigned n)
{
	if (n >= s->nlst)
		return -ENOENT;
	return s->lst[n]->port;
}

/* ---- server object ---- */

struct rpc_server *rpc_server_new(const struct rpc_server_opts *opts)
{
	struct rpc_server *s;
	struct epoll_event ev;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (opts)
		s->opts = *opts;
	if (!s->opts.threads)
		s->opts.threads = RPC_DEF_THREADS;
	if (!s->opts.max_record)
		s->opts.max_record = RPC_DEF_MAX_RECORD;
	if (s->opts.max_record > RPC_REC_FRAG_MAX)
		s->opts.max_record = RPC_REC_FRAG_MAX - 4; /* a reply is one fragment */
	if (!s->opts.max_conns)
		s->opts.max_conns = RPC_DEF_MAX_CONNS;
	if (!s->opts.max_inflight)
		s->opts.max_inflight = RPC_DEF_MAX_INFLIGHT;
	atomic_init(&s->stop, false);
	atomic_init(&s->calls, 0);
	s->epfd = -1;
	s->wakefd = -1;
	s->wake_tag.kind = EP_WAKE;

	if (pthread_mutex_init(&s->attn_lock, NULL) != 0) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	if (pthread_mutex_init(&s->wq_lock, NULL) != 0 ||
	    pthread_cond_init(&s->wq_cond, NULL) != 0 ||
	    pool_init(&s->replies) < 0 || pool_init(&s->records) < 0) {
		/* leaks a mutex on a failure that cannot happen with NULL attrs */
		pthread_mutex_destroy(&s->attn_lock);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->epfd < 0 || s->wakefd < 0)
		goto fail;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &s->wake_tag;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->wakefd, &ev) < 0)
		goto fail;
	return s;
fail:
	err = errno;
	rpc_server_free(s);
	errno = err;
	return NULL;
}

int rpc_server_register(struct rpc_server *s, uint32_t prog, uint32_t vers, uint32_t nprocs,
			rpc_dispatch_fn fn, void *ctx)
{
	struct rpc_prog *np;
	unsigned i;

	if (!fn)
		return -EINVAL;
	if (s->running)
		return -EBUSY;
	for (i = 0; i < s->nprogs; i++)
		if (s->progs[i].prog == prog && s->progs[i].vers == vers)
			return -EEXIST;
	np = realloc(s->progs, (s->nprogs + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	s->progs = np;
	np[s->nprogs].prog = prog;
	np[s->nprogs].vers = vers;
	np[s->nprogs].nprocs = nprocs;
	np[s->nprogs].fn = fn;
	np[s->nprogs].ctx = ctx;
	s->nprogs++;
	return 0;
}

int rpc_server_gss_setup(struct rpc_server *s, const struct rpc_gss_opts *o)
{
	struct rpc_gss *g;

	if (s->running)
		return -EBUSY;
	g = rpc_gss_new(o);
	if (!g)
		return -errno;
	rpc_gss_free(s->gss);
	s->gss = g;
	return 0;
}

void rpc_server_on_conn_closed(struct rpc_server *s, rpc_conn_closed_fn fn, void *ctx)
{
	s->closed_fn = fn;
	s->closed_ctx = ctx;
}

int rpc_server_watch_fd(struct rpc_server *s, int fd, rpc_fd_fn fn, void *arg)
{
	struct rpc_watch *w;
	struct epoll_event ev;

	if (fd < 0 || !fn)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->tag.kind = EP_WATCH;
	w->fd = fd;
	w->fn = fn;
	w->arg = arg;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &w->tag;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = -errno;

		free(w);
		return err;
	}
	w->next = s->watches;
	s->watches = w;
	return 0;
}

void rpc_server_stop(struct rpc_server *s)
{
	int saved = errno;

	/* Only a lock-free atomic store and write(2): async-signal-safe. */
	atomic_store(&s->stop, true);
	server_wake(s);
	errno = saved;
}

/* Handle every connection workers asked about. */
static void attn_run(struct rpc_server *s)
{
	struct rpc_conn *c, *next;

	pthread_mutex_lock(&s->attn_lock);
	c = s->attn_head;
	s->attn_head = s->attn_tail = NULL;
	pthread_mutex_unlock(&s->attn_lock);
	for (; c; c = next) {
		pthread_mutex_lock(&c->lock);
		next = c->attn_next;
		c->attn_next = NULL;
		c->attn = false;
		pthread_mutex_unlock(&c->lock);
		conn_reeval(c);
		conn_put(c);
	}
}

static void idle_scan(struct rpc_server *s, time_t now)
{
	struct rpc_conn *c, *next;
	bool idle;

	for (c = s->conns; c; c = next) {
		next = c->next;
		pthread_mutex_lock(&c->lock);
		idle = !c->closing && conn_outstanding_locked(c) == 0 &&
		       now - c->last_active >= (time_t)s->opts.idle_timeout;
		pthread_mutex_unlock(&c->lock);
		if (idle)
			conn_close(c);
	}
}

static void begin_stop(struct rpc_server *s)
{
	struct rpc_conn *c;

	s->stopping = true;
	listeners_arm(s, false);
	for (c = s->conns; c; c = c->next)
		conn_sync(c);
}

static int workers_start(struct rpc_server *s)
{
	sigset_t all, old;
	unsigned i;
	int err = 0;

	s->threads = calloc(s->opts.threads, sizeof(*s->threads));
	if (!s->threads)
		return -ENOMEM;
	s->wq_quit = false;
	/* Workers take no asynchronous signals; the loop thread (or the
	 * application's signalfd) handles them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < s->opts.threads; i++) {
		err = -pthread_create(&s->threads[i], NULL, worker_main, s);
		if (err)
			break;
		s->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return s->nthreads ? 0 : err;
}

static void workers_stop(struct rpc_server *s)
{
	unsigned i;

	pthread_mutex_lock(&s->wq_lock);
	s->wq_quit = true;
	pthread_cond_broadcast(&s->wq_cond);
	pthread_mutex_unlock(&s->wq_lock);
	for (i = 0; i < s->nthreads; i++)
		pthread_join(s->threads[i], NULL);
	free(s->threads);
	s->threads = NULL;
	s->nthreads = 0;
}

int rpc_server_run(struct rpc_server *s)
{
	struct epoll_event evs[RPC_MAX_EVENTS];
	struct rpc_conn *c, *next;
	struct ep_tag *tag;
	time_t now, last_tick = now_sec();
	uint64_t junk;
	int i, n, timeout, err;

	if (s->running)
		return -EBUSY;
	err = workers_start(s);
	if (err)
		return err;
	s->running = true;
	s->stopping = false;
	listeners_arm(s, true);

	for (;;) {
		if (atomic_load(&s->stop) && !s->stopping)
			begin_stop(s);
		if (s->stopping && atomic_load(&s->calls) == 0)
			break;
		timeout = (s->opts.idle_timeout || !s->lst_armed) ? 1000 : -1;
		n = epoll_wait(s->epfd, evs, RPC_MAX_EVENTS, timeout);
		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		for (i = 0; i < n; i++) {
			tag = evs[i].data.ptr;
			switch (tag->kind) {
			case EP_LISTEN:
				if (!s->stopping)
					listener_event(s, (struct rpc_listener *)tag);
				break;
			case EP_WAKE:
				if (read(s->wakefd, &junk, sizeof(junk)) < 0)
					junk = 0;
				break;
			case EP_WATCH: {
				struct rpc_watch *w = (struct rpc_watch *)tag;

				w->fn(w->arg, w->fd);
				break;
			}
			case EP_CONN:
				conn_event((struct rpc_conn *)tag, evs[i].events);
				break;
			}
		}
		attn_run(s);
		now = now_sec();
		if (now != last_tick) {
			last_tick = now;
			if (!s->lst_armed && !s->stopping && now >= s->lst_resume)
				listeners_arm(s, true);
			if (s->opts.idle_timeout)
				idle_scan(s, now);
		}
	}

	/* Every call has returned: send what can go without waiting, close. */
	attn_run(s);
	for (c = s->conns; c; c = next) {
		next = c->next;
		pthread_mutex_lock(&c->lock);
		if (!c->closing)
			conn_flush_locked(c);
		pthread_mutex_unlock(&c->lock);
		conn_close_idle(c);
	}
	workers_stop(s);
	attn_run(s);
	listeners_arm(s, false);
	s->running = false;
	return err;
}

void rpc_server_free(struct rpc_server *s)
{
	struct rpc_watch *w, *wn;
	struct rpc_conn *c, *next;
	unsigned i;

	if (!s)
		return;
	attn_run(s);
	for (c = s->conns; c; c = next) {
		next = c->next;
		conn_close_idle(c);
	}
	for (i = 0; i < s->nlst; i++) {
		close(s->lst[i]->fd);
		free(s->lst[i]);
	}
	for (w = s->watches; w; w = wn) {
		wn = w->next;
		free(w);
	}
	if (s->wakefd >= 0)
		close(s->wakefd);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s->progs);
	rpc_gss_free(s->gss);
	pool_destroy(&s->replies);
	pool_destroy(&s->records);
	pthread_cond_destroy(&s->wq_cond);
	pthread_mutex_destroy(&s->wq_lock);
	pthread_mutex_destroy(&s->attn_lock);
	free(s);
}
