/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_rpc_server.c - the RPC server end to end over loopback: a toy
 * program (100003 v4 and v2, two procedures) served by a real rpc_server
 * on 127.0.0.1 with an ephemeral port, driven by plain blocking sockets.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "rpc/rpc.h"
#include "rpc/rpc_msg.h"
#include "rpc/rpc_rec.h"

#define PROG 100003u
#define MAX_RECORD (64u * 1024u)
#define MAX_INFLIGHT 8u

/* proc 1 ops: first argument word */
enum { OP_ECHO, OP_SLOW, OP_DROP, OP_SYSERR, OP_BIG };

struct srv {
	struct rpc_server *s;
	pthread_t th;
	int port;
	int run_rc;
	atomic_int closed;
	atomic_int watch_hits;
};

static struct srv main_srv;

static enum rpc_dispatch_result toy_dispatch(void *ctx, const struct rpc_call *call,
					     struct xdr_out *res)
{
	struct xdr_in a = call->args;
	struct xdr_view data;
	uint32_t op, i;
	bool ok;

	if (call->proc == 0)
		return RPC_DISPATCH_OK; /* NULL */
	if (!xdr_get_u32(&a, &op) || !xdr_get_opaque(&a, MAX_RECORD, &data))
		return RPC_DISPATCH_GARBAGE;
	switch (op) {
	case OP_SLOW:
		usleep(3000);
		/* fall through */
	case OP_ECHO:
		ok = xdr_put_u32(res, call->vers) && xdr_put_u32(res, call->cred.flavor) &&
		     xdr_put_u32(res, call->cred.uid) && xdr_put_u32(res, call->cred.gid) &&
		     xdr_put_u32(res, call->cred.ngids);
		for (i = 0; i < call->cred.ngids; i++)
			ok = ok && xdr_put_u32(res, call->cred.gids[i]);
		ok = ok && xdr_put_string(res, call->cred.machine) &&
		     xdr_put_opaque(res, data.data, data.len);
		return ok ? RPC_DISPATCH_OK : RPC_DISPATCH_SYSTEM_ERR;
	case OP_DROP:
		return RPC_DISPATCH_DROP;
	case OP_SYSERR:
		xdr_put_u32(res, 1234); /* must be discarded */
		return RPC_DISPATCH_SYSTEM_ERR;
	case OP_BIG:
		xdr_reserve(res, MAX_RECORD * 2); /* overflows: transport says SYSTEM_ERR */
		return RPC_DISPATCH_OK;
	default:
		return RPC_DISPATCH_GARBAGE;
	}
}

static void on_closed(void *ctx, uint64_t id)
{
	struct srv *v = ctx;

	atomic_fetch_add(&v->closed, 1);
}

static void *run_thread(void *arg)
{
	struct srv *v = arg;

	v->run_rc = rpc_server_run(v->s);
	return NULL;
}

static int srv_start(struct srv *v, const struct rpc_server_opts *opts)
{
	const char *msg;

	memset(v, 0, sizeof(*v));
	v->s = rpc_server_new(opts);
	if (!v->s)
		return -1;
	if (rpc_server_register(v->s, PROG, 4, 2, toy_dispatch, v) != 0 ||
	    rpc_server_register(v->s, PROG, 2, 2, toy_dispatch, v) != 0 ||
	    rpc_server_listen(v->s, "127.0.0.1:0", &msg) != 0)
		return -1;
	rpc_server_on_conn_closed(v->s, on_closed, v);
	v->port = rpc_server_bound_port(v->s, 0);
	if (v->port <= 0)
		return -1;
	return pthread_create(&v->th, NULL, run_thread, v) == 0 ? 0 : -1;
}

static void srv_stop(struct srv *v)
{
	rpc_server_stop(v->s);
	pthread_join(v->th, NULL);
	rpc_server_free(v->s);
	v->s = NULL;
}

static int group_setup(void **state)
{
	struct rpc_server_opts o = {
		.threads = 4, .max_record = MAX_RECORD, .max_inflight = MAX_INFLIGHT,
	};

	return srv_start(&main_srv, &o);
}

static int group_teardown(void **state)
{
	srv_stop(&main_srv);
	return main_srv.run_rc == 0 ? 0 : -1;
}

/* ---- client side ---- */

static int cli_connect_port(int port)
{
	struct sockaddr_in sin;
	struct timeval tv = { .tv_sec = 3 };
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int cli_connect(void)
{
	return cli_connect_port(main_srv.port);
}

static void send_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	ssize_t w;

	while (n) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		assert_true(w > 0);
		p += w;
		n -= (size_t)w;
	}
}

struct call {
	uint32_t xid, rpcvers, prog, vers, proc;
	bool authsys;
	bool has_args;
	uint32_t op;
	const void *data;
	uint32_t dlen;
};

/* Encode a call record body (no record mark) into o. */
static void make_call(struct xdr_out *o, const struct call *c)
{
	xdr_out_init(o, 4 * MAX_RECORD);
	assert_true(xdr_put_u32(o, c->xid) && xdr_put_u32(o, RPC_MSG_CALL) &&
		    xdr_put_u32(o, c->rpcvers ? c->rpcvers : 2) && xdr_put_u32(o, c->prog) &&
		    xdr_put_u32(o, c->vers) && xdr_put_u32(o, c->proc));
	if (c->authsys) {
		struct xdr_out a;

		xdr_out_init(&a, 400);
		assert_true(xdr_put_u32(&a, 99) && xdr_put_string(&a, "testhost") &&
			    xdr_put_u32(&a, 1001) && xdr_put_u32(&a, 2002) &&
			    xdr_put_u32(&a, 3) && xdr_put_u32(&a, 7) &&
			    xdr_put_u32(&a, 8) && xdr_put_u32(&a, 9));
		assert_true(xdr_put_u32(o, RPC_AUTH_SYS) &&
			    xdr_put_opaque(o, a.buf, (uint32_t)a.len));
		xdr_out_release(&a);
	} else {
		assert_true(xdr_put_u32(o, RPC_AUTH_NONE) && xdr_put_u32(o, 0));
	}
	assert_true(xdr_put_u32(o, RPC_AUTH_NONE) && xdr_put_u32(o, 0));
	if (c->has_args)
		assert_true(xdr_put_u32(o, c->op) && xdr_put_opaque(o, c->data, c->dlen));
}

static void send_record(int fd, const void *body, size_t len)
{
	uint8_t m[4];

	rpc_rec_mark(m, len);
	send_all(fd, m, 4);
	send_all(fd, body, len);
}

static void send_call(int fd, const struct call *c)
{
	struct xdr_out o;

	make_call(&o, c);
	send_record(fd, o.buf, o.len);
	xdr_out_release(&o);
}

static bool recv_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	ssize_t r;

	while (n) {
		r = recv(fd, p, n, 0);
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

/* One whole reply record (malloc'ed), or NULL on EOF, reset or timeout. */
static uint8_t *recv_record(int fd, size_t *len)
{
	uint8_t hdr[4], *buf = NULL, *nb;
	uint32_t h, flen;
	size_t have = 0;

	for (;;) {
		if (!recv_full(fd, hdr, 4))
			goto fail;
		h = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
		flen = h & 0x7fffffffu;
		nb = realloc(buf, have + flen + 1);
		if (!nb)
			goto fail;
		buf = nb;
		if (!recv_full(fd, buf + have, flen))
			goto fail;
		have += flen;
		if (h & 0x80000000u)
			break;
	}
	*len = have;
	return buf;
fail:
	free(buf);
	return NULL;
}

/* Expect an accepted reply with stat; *rest is positioned at the results.
 * Returns the buffer to free. */
static uint8_t *expect_accepted(int fd, uint32_t xid, uint32_t stat, struct xdr_in *rest)
{
	uint32_t w[6];
	size_t len;
	uint8_t *rec = recv_record(fd, &len);
	int i;

	assert_non_null(rec);
	xdr_in_init(rest, rec, len);
	for (i = 0; i < 6; i++)
		assert_true(xdr_get_u32(rest, &w[i]));
	assert_int_equal(w[0], xid);
	assert_int_equal(w[1], RPC_MSG_REPLY);
	assert_int_equal(w[2], RPC_MSG_ACCEPTED);
	assert_int_equal(w[3], RPC_AUTH_NONE);
	assert_int_equal(w[4], 0);
	assert_int_equal(w[5], stat);
	return rec;
}

static void expect_closed(int fd)
{
	uint8_t b[256];
	ssize_t r;

	do {
		r = recv(fd, b, sizeof(b), 0);
	} while (r > 0);
	assert_true(r == 0 || errno == ECONNRESET);
}

static void wait_closed_count(int want)
{
	int i;

	for (i = 0; i < 300 && atomic_load(&main_srv.closed) < want; i++)
		usleep(1000);
	assert_true(atomic_load(&main_srv.closed) >= want);
}

/* ---- tests ---- */

static void test_null_call(void **state)
{
	struct call c = { .xid = 1, .prog = PROG, .vers = 4, .proc = 0 };
	struct xdr_in rest;
	uint8_t *rec;
	int fd = cli_connect();

	send_call(fd, &c);
	rec = expect_accepted(fd, 1, RPC_ACCEPT_SUCCESS, &rest);
	assert_int_equal(xdr_in_left(&rest), 0);
	free(rec);
	close(fd);
}

static void test_unavail_and_mismatch(void **state)
{
	struct call c = { .xid = 2, .prog = 999999, .vers = 4, .proc = 0 };
	struct xdr_in rest;
	uint32_t low, high, w[6];
	uint8_t *rec;
	size_t len;
	int fd = cli_connect(), i;

	send_call(fd, &c);
	free(expect_accepted(fd, 2, RPC_ACCEPT_PROG_UNAVAIL, &rest));

	c.xid = 3;
	c.prog = PROG;
	c.vers = 3;
	send_call(fd, &c);
	rec = expect_accepted(fd, 3, RPC_ACCEPT_PROG_MISMATCH, &rest);
	assert_true(xdr_get_u32(&rest, &low) && xdr_get_u32(&rest, &high));
	assert_int_equal(low, 2);
	assert_int_equal(high, 4);
	free(rec);

	c.xid = 4;
	c.vers = 4;
	c.proc = 2;
	send_call(fd, &c);
	free(expect_accepted(fd, 4, RPC_ACCEPT_PROC_UNAVAIL, &rest));

	/* rpcvers 3: denied RPC_MISMATCH(2, 2) */
	c.xid = 5;
	c.proc = 0;
	c.rpcvers = 3;
	send_call(fd, &c);
	rec = recv_record(fd, &len);
	assert_non_null(rec);
	xdr_in_init(&rest, rec, len);
	for (i = 0; i < 6; i++)
		assert_true(xdr_get_u32(&rest, &w[i]));
	assert_int_equal(w[0], 5);
	assert_int_equal(w[1], RPC_MSG_REPLY);
	assert_int_equal(w[2], RPC_MSG_DENIED);
	assert_int_equal(w[3], RPC_REJECT_RPC_MISMATCH);
	assert_int_equal(w[4], 2);
	assert_int_equal(w[5], 2);
	assert_int_equal(xdr_in_left(&rest), 0);
	free(rec);
	close(fd);
}

static void test_authsys_reaches_dispatch(void **state)
{
	struct call c = { .xid = 10, .prog = PROG, .vers = 4, .proc = 1, .authsys = true,
			  .has_args = true, .op = OP_ECHO, .data = "payload", .dlen = 7 };
	struct xdr_in rest;
	struct xdr_view v;
	uint32_t w[8];
	uint8_t *rec;
	int fd = cli_connect(), i;

	send_call(fd, &c);
	rec = expect_accepted(fd, 10, RPC_ACCEPT_SUCCESS, &rest);
	for (i = 0; i < 8; i++)
		assert_true(xdr_get_u32(&rest, &w[i]));
	assert_int_equal(w[0], 4);
	assert_int_equal(w[1], RPC_AUTH_SYS);
	assert_int_equal(w[2], 1001);
	assert_int_equal(w[3], 2002);
	assert_int_equal(w[4], 3);
	assert_int_equal(w[5], 7);
	assert_int_equal(w[7], 9);
	assert_true(xdr_get_opaque(&rest, 255, &v));
	assert_int_equal(v.len, 8);
	assert_memory_equal(v.data, "testhost", 8);
	assert_true(xdr_get_opaque(&rest, 100, &v));
	assert_int_equal(v.len, 7);
	assert_memory_equal(v.data, "payload", 7);
	free(rec);
	close(fd);
}

static void test_garbage_args_and_results(void **state)
{
	struct call c = { .xid = 20, .prog = PROG, .vers = 4, .proc = 1 };
	struct xdr_in rest;
	int fd = cli_connect();

	send_call(fd, &c); /* no arguments at all */
	free(expect_accepted(fd, 20, RPC_ACCEPT_GARBAGE_ARGS, &rest));
	assert_int_equal(xdr_in_left(&rest), 0);

	c.xid = 21;
	c.has_args = true;
	c.op = OP_SYSERR;
	send_call(fd, &c);
	free(expect_accepted(fd, 21, RPC_ACCEPT_SYSTEM_ERR, &rest));
	assert_int_equal(xdr_in_left(&rest), 0);

	c.xid = 22;
	c.op = OP_BIG;
	send_call(fd, &c);
	free(expect_accepted(fd, 22, RPC_ACCEPT_SYSTEM_ERR, &rest));

	/* DROP sends nothing: the next reply is for the next call */
	c.xid = 23;
	c.op = OP_DROP;
	send_call(fd, &c);
	c.xid = 24;
	c.proc = 0;
	c.has_args = false;
	send_call(fd, &c);
	free(expect_accepted(fd, 24, RPC_ACCEPT_SUCCESS, &rest));
	close(fd);
}

static void test_bad_cred_and_garbage_header(void **state)
{
	struct call c = { .xid = 30, .prog = PROG, .vers = 4, .proc = 0 };
	struct xdr_out o;
	struct xdr_in rest;
	uint32_t w[5];
	uint8_t *rec;
	size_t len;
	int fd = cli_connect(), i, before;

	/* cred length 0xfffffff0: AUTH_ERROR(AUTH_BADCRED), connection kept */
	make_call(&o, &c);
	xdr_set_u32_at(&o, 28, 0xfffffff0u);
	send_record(fd, o.buf, o.len);
	xdr_out_release(&o);
	rec = recv_record(fd, &len);
	assert_non_null(rec);
	xdr_in_init(&rest, rec, len);
	for (i = 0; i < 5; i++)
		assert_true(xdr_get_u32(&rest, &w[i]));
	assert_int_equal(w[0], 30);
	assert_int_equal(w[2], RPC_MSG_DENIED);
	assert_int_equal(w[3], RPC_REJECT_AUTH_ERROR);
	assert_int_equal(w[4], RPC_AUTHSTAT_BADCRED);
	free(rec);

	/* a REPLY is ignored, the connection keeps working */
	make_call(&o, &c);
	xdr_set_u32_at(&o, 4, RPC_MSG_REPLY);
	send_record(fd, o.buf, o.len);
	xdr_out_release(&o);
	c.xid = 31;
	send_call(fd, &c);
	free(expect_accepted(fd, 31, RPC_ACCEPT_SUCCESS, &rest));

	/* a header cut inside the call body is garbage: connection closed */
	before = atomic_load(&main_srv.closed);
	send_record(fd, "\0\0\0\x20\0\0\0\0\0\0", 10);
	expect_closed(fd);
	close(fd);
	wait_closed_count(before + 1);
}

static void test_fragments_bytewise(void **state)
{
	struct call c = { .xid = 40, .prog = PROG, .vers = 4, .proc = 1, .authsys = true,
			  .has_args = true, .op = OP_ECHO, .data = "fragmented", .dlen = 10 };
	struct xdr_out o;
	struct xdr_in rest;
	uint8_t m[4];
	size_t off, n, i;
	int fd = cli_connect();

	make_call(&o, &c);
	for (off = 0; off < o.len; off += n) {
		n = o.len - off < 3 ? o.len - off : 3;
		rpc_rec_mark(m, n);
		if (off + n < o.len)
			m[0] &= 0x7f;
		for (i = 0; i < 4; i++)
			send_all(fd, &m[i], 1);
		for (i = 0; i < n; i++)
			send_all(fd, o.buf + off + i, 1);
	}
	xdr_out_release(&o);
	free(expect_accepted(fd, 40, RPC_ACCEPT_SUCCESS, &rest));
	close(fd);
}

static void test_oversized_record(void **state)
{
	struct call c = { .xid = 50, .prog = PROG, .vers = 4, .proc = 0 };
	struct xdr_in rest;
	uint8_t m[4];
	int good = cli_connect(), bad = cli_connect(), before;

	send_call(good, &c);
	free(expect_accepted(good, 50, RPC_ACCEPT_SUCCESS, &rest));

	before = atomic_load(&main_srv.closed);
	rpc_rec_mark(m, MAX_RECORD + 1);
	send_all(bad, m, 4);
	send_all(bad, "abcdefgh", 8);
	expect_closed(bad);
	close(bad);
	wait_closed_count(before + 1);

	c.xid = 51;
	send_call(good, &c);
	free(expect_accepted(good, 51, RPC_ACCEPT_SUCCESS, &rest));
	close(good);
}

static void test_pipelined(void **state)
{
	enum { N = 50 };
	struct call c = { .prog = PROG, .vers = 4, .proc = 1, .has_args = true,
			  .data = "x", .dlen = 1 };
	struct xdr_out all, one;
	struct xdr_in rest;
	bool seen[N] = { false };
	uint32_t xid;
	uint8_t *rec, m[4];
	size_t len;
	int fd = cli_connect(), i;

	/* one write holding all 50 calls; slow ones make replies overtake */
	xdr_out_init(&all, 1 << 20);
	for (i = 0; i < N; i++) {
		c.xid = 1000 + (uint32_t)i;
		c.op = i % 3 == 0 ? OP_SLOW : OP_ECHO;
		make_call(&one, &c);
		rpc_rec_mark(m, one.len);
		assert_true(xdr_put_fixed(&all, m, 4) && xdr_put_fixed(&all, one.buf, one.len));
		xdr_out_release(&one);
	}
	send_all(fd, all.buf, all.len);
	xdr_out_release(&all);
	for (i = 0; i < N; i++) {
		rec = recv_record(fd, &len);
		assert_non_null(rec);
		xdr_in_init(&rest, rec, len);
		assert_true(xdr_get_u32(&rest, &xid));
		assert_true(xid >= 1000 && xid < 1000 + N);
		assert_false(seen[xid - 1000]);
		seen[xid - 1000] = true;
		free(rec);
	}
	close(fd);
}

static void test_many_connections(void **state)
{
	enum { N = 100 };
	struct call c = { .prog = PROG, .vers = 4, .proc = 0 };
	struct xdr_in rest;
	int fds[N], i;

	for (i = 0; i < N; i++)
		fds[i] = cli_connect();
	for (i = 0; i < N; i++) {
		c.xid = 5000 + (uint32_t)i;
		send_call(fds[i], &c);
	}
	for (i = N - 1; i >= 0; i--) {
		free(expect_accepted(fds[i], 5000 + (uint32_t)i, RPC_ACCEPT_SUCCESS, &rest));
		close(fds[i]);
	}
}

static void test_non_reading_client(void **state)
{
	static uint8_t data[16 * 1024];
	struct call c = { .prog = PROG, .vers = 4, .proc = 1, .has_args = true,
			  .op = OP_ECHO, .data = data, .dlen = sizeof(data) };
	struct xdr_out o;
	struct xdr_in rest;
	uint8_t m[4];
	size_t off = 0;
	ssize_t w;
	int hog = cli_connect(), fd, i, sends = 0;
	struct timespec t0, t1;

	/* Stuff the hog connection with calls and never read a reply. */
	for (i = 0; i < 400 && sends < 400; i++) {
		c.xid = 7000 + (uint32_t)i;
		make_call(&o, &c);
		rpc_rec_mark(m, o.len);
		w = send(hog, m, 4, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w == 4) {
			for (off = 0; off < o.len; off += (size_t)w) {
				w = send(hog, o.buf + off, o.len - off,
					 MSG_DONTWAIT | MSG_NOSIGNAL);
				if (w <= 0)
					break;
			}
		}
		xdr_out_release(&o);
		if (w <= 0 || off < o.len)
			break;
		sends++;
	}
	assert_true(sends > (int)MAX_INFLIGHT);

	/* Everyone else is still served promptly. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = cli_connect();
	c.xid = 7999;
	c.proc = 0;
	c.has_args = false;
	send_call(fd, &c);
	free(expect_accepted(fd, 7999, RPC_ACCEPT_SUCCESS, &rest));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	close(fd);
	close(hog);
}

static void test_half_close(void **state)
{
	struct call c = { .prog = PROG, .vers = 4, .proc = 1, .has_args = true,
			  .op = OP_SLOW, .data = "h", .dlen = 1 };
	struct xdr_in rest;
	bool seen[12] = { false };
	uint32_t xid;
	uint8_t *rec;
	size_t len;
	int fd = cli_connect(), i;

	/* More calls than max_inflight, then EOF: every reply still comes. */
	for (i = 0; i < 12; i++) {
		c.xid = 9000 + (uint32_t)i;
		send_call(fd, &c);
	}
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	for (i = 0; i < 12; i++) {
		rec = recv_record(fd, &len);
		assert_non_null(rec);
		xdr_in_init(&rest, rec, len);
		assert_true(xdr_get_u32(&rest, &xid));
		assert_true(xid >= 9000 && xid < 9012 && !seen[xid - 9000]);
		seen[xid - 9000] = true;
		free(rec);
	}
	expect_closed(fd);
	close(fd);
}

static void on_watch(void *arg, int fd)
{
	struct srv *v = arg;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) == sizeof(n))
		atomic_fetch_add(&v->watch_hits, 1);
}

static void test_max_conns_and_watch(void **state)
{
	struct rpc_server_opts o = { .threads = 1, .max_conns = 2 };
	struct call c = { .xid = 1, .prog = PROG, .vers = 4, .proc = 0 };
	struct srv *v = calloc(1, sizeof(*v));
	struct xdr_in rest;
	uint64_t one = 1;
	int a, b, x, efd, i;

	assert_non_null(v);
	assert_int_equal(srv_start(v, &o), 0);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(efd >= 0);
	assert_int_equal(rpc_server_watch_fd(v->s, efd, on_watch, v), 0);
	assert_int_equal(write(efd, &one, sizeof(one)), sizeof(one));

	a = cli_connect_port(v->port);
	b = cli_connect_port(v->port);
	send_call(a, &c);
	free(expect_accepted(a, 1, RPC_ACCEPT_SUCCESS, &rest));
	send_call(b, &c);
	free(expect_accepted(b, 1, RPC_ACCEPT_SUCCESS, &rest));
	x = cli_connect_port(v->port);
	expect_closed(x); /* over max_conns: refused */
	close(x);
	for (i = 0; i < 300 && atomic_load(&v->watch_hits) == 0; i++)
		usleep(1000);
	assert_int_equal(atomic_load(&v->watch_hits), 1);

	srv_stop(v); /* closes a and b from the server side */
	assert_int_equal(v->run_rc, 0);
	assert_int_equal(atomic_load(&v->closed), 2);
	expect_closed(a);
	expect_closed(b);
	close(a);
	close(b);
	close(efd);
	free(v);
}

static void test_listen_parsing(void **state)
{
	struct rpc_server *s = rpc_server_new(NULL);
	const char *msg;
	int rc;

	assert_non_null(s);
	assert_int_equal(rpc_server_listen(s, "1.2.3", &msg), -EINVAL);
	assert_non_null(msg);
	assert_int_equal(rpc_server_listen(s, "[::1", &msg), -EINVAL);
	assert_int_equal(rpc_server_listen(s, "[::1]x", &msg), -EINVAL);
	assert_int_equal(rpc_server_listen(s, "127.0.0.1:70000", &msg), -EINVAL);
	assert_int_equal(rpc_server_listen(s, "127.0.0.1:", &msg), -EINVAL);
	assert_int_equal(rpc_server_listen(s, "localhost:1", &msg), -EINVAL);
	assert_int_equal(rpc_server_bound_port(s, 0), -ENOENT);
	assert_int_equal(rpc_server_listen(s, "127.0.0.1:0", &msg), 0);
	assert_true(rpc_server_bound_port(s, 0) > 0);
	rc = rpc_server_listen(s, "[::1]:0", &msg);
	if (rc == 0)
		assert_true(rpc_server_bound_port(s, 1) > 0);
	else
		assert_true(rc == -EADDRNOTAVAIL || rc == -EAFNOSUPPORT);
	assert_int_equal(rpc_server_register(s, PROG, 4, 2, toy_dispatch, NULL), 0);
	assert_int_equal(rpc_server_register(s, PROG, 4, 2, toy_dispatch, NULL), -EEXIST);
	rpc_server_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_call),
		cmocka_unit_test(test_unavail_and_mismatch),
		cmocka_unit_test(test_authsys_reaches_dispatch),
		cmocka_unit_test(test_garbage_args_and_results),
		cmocka_unit_test(test_bad_cred_and_garbage_header),
		cmocka_unit_test(test_fragments_bytewise),
		cmocka_unit_test(test_oversized_record),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_many_connections),
		cmocka_unit_test(test_non_reading_client),
		cmocka_unit_test(test_half_close),
		cmocka_unit_test(test_max_conns_and_watch),
		cmocka_unit_test(test_listen_parsing),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
