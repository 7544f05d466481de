/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_badinput.c - hostile and malformed input against a live server: broken
 * record marks, RPC headers and credentials, undecodable COMPOUND arguments,
 * op position and count rules, forged file handles, bad names, oversized
 * bitmaps, attribute lists, labels and I/O lengths, escapes from the export
 * through LOOKUPP, and 200 stalled connections.  Every case runs on its own
 * connection; after every case a fresh, well-behaved client must still get
 * answers (NULL ping and SEQUENCE + PUTROOTFH + GETATTR), so a case that
 * wedges or kills the server fails right there.
 *
 * Run by run.sh (LNFS_SERVER, LNFS_PORT, LNFS_EXPORT; NFS4_TEST_EXPORT_HOSTDIR
 * when the export lives elsewhere on this host).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/lib/nfs4_client.h"

#define RPC_VERS 2u
#define REC_LAST 0x80000000u
#define BIG_FILE_SIZE (2u * 1024u * 1024u + 5u)
#define NSTALL 200

static struct {
	const char *server, *port, *export;
	char hostdir[4096];	/* our subdirectory on the host */
	char srvdir[4096];	/* the same directory in the server's namespace */
} g;

/* --------------------------------------------------------------- helpers */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A new connection, with a session (EXCHANGE_ID + CREATE_SESSION +
 * RECLAIM_COMPLETE) when `session`, at minor version `minor`. */
static struct nfs4_client *cl_new(bool session, uint32_t minor)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl;
	int rc;

	nfs4_client_opts_init(&o);
	o.host = g.server;
	o.port = g.port;
	o.minor = minor;
	o.timeout_ms = 5000;
	rc = nfs4_client_connect(&o, &cl);
	if (rc < 0)
		fail_msg("connect %s:%s: %s", g.server, g.port, strerror(-rc));
	if (session) {
		rc = nfs4_client_setup(cl);
		if (rc != 0)
			fail_msg("session setup: %s", nfs4_client_error(cl));
	}
	return cl;
}

static void cl_done(struct nfs4_client *cl)
{
	if (!nfs4_client_is_closed(cl))
		nfs4_client_teardown(cl);
	nfs4_client_free(cl);
}

/* Submit c and wait for its reply; *out is the call (caller frees). */
static void run(struct nfs4_client *cl, const struct nfs4_compound *c, struct nfs4_call **out)
{
	int rc = nfs4_call_sync(cl, c, out);

	if (rc != 0)
		fail_msg("no reply: %s", nfs4_client_error(cl));
	if ((*out)->rpc.reply_stat != 0 || (*out)->rpc.accept_stat != 0)
		fail_msg("RPC reply_stat %u accept_stat %u", (*out)->rpc.reply_stat,
			 (*out)->rpc.accept_stat);
	if (!(*out)->parsed)
		fail_msg("COMPOUND reply did not parse");
}

/* Result i of the whole reply (SEQUENCE included). */
static const struct nfs4_op_res *res_op(const struct nfs4_call *call, uint32_t i)
{
	if (i >= call->res.nparsed)
		fail_msg("reply has %u parsed results, wanted #%u", call->res.nparsed, i);
	return &call->res.ops[i];
}

static void expect_status(const char *what, nfsstat4 got, nfsstat4 want)
{
	if (got != want)
		fail_msg("%s: %s (%u), expected %s (%u)", what, nfs4_stat_name(got), got,
			 nfs4_stat_name(want), want);
}

/*
 * After every case: a fresh, well-behaved client is still served.  Returns
 * after a NULL ping and SEQUENCE + PUTROOTFH + GETATTR(type) succeeded.
 */
static void check_alive(void)
{
	struct nfs4_client *cl = cl_new(false, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;

	if (nfs4_null(cl) != 0)
		fail_msg("server no longer answers NULL: %s", nfs4_client_error(cl));
	if (nfs4_client_setup(cl) != 0)
		fail_msg("server no longer sets up sessions: %s", nfs4_client_error(cl));
	nfs4_bitmap_of(&bm, FATTR4_TYPE, -1);
	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_getattr(&c, &bm);
	run(cl, &c, &call);
	expect_status("alive check", call->res.status, NFS4_OK);
	assert_int_equal(nfs4_call_op(call, 1)->u.getattr.type, NF4DIR);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
}

/* An RPC call record (with record mark) into x: AUTH_NONE credential and
 * verifier, then body. */
static void put_call(struct xdr_out *x, uint32_t xid, uint32_t rpcvers, uint32_t prog,
		     uint32_t vers, uint32_t proc, const void *body, size_t blen)
{
	size_t start = xdr_out_pos(x);
	uint8_t *p;

	xdr_put_u32(x, 0);
	xdr_put_u32(x, xid);
	xdr_put_u32(x, 0);		/* CALL */
	xdr_put_u32(x, rpcvers);
	xdr_put_u32(x, prog);
	xdr_put_u32(x, vers);
	xdr_put_u32(x, proc);
	xdr_put_u32(x, NFS4_RPC_AUTH_NONE);
	xdr_put_u32(x, 0);
	xdr_put_u32(x, NFS4_RPC_AUTH_NONE);
	xdr_put_u32(x, 0);
	if (blen) {
		p = xdr_reserve(x, blen);
		assert_non_null(p);
		memcpy(p, body, blen);
	}
	xdr_set_u32_at(x, start, REC_LAST | (uint32_t)(xdr_out_pos(x) - start - 4));
}

/* Send the finished record(s) in x and wait for the reply to xid. */
static struct nfs4_call *send_and_wait(struct nfs4_client *cl, const struct xdr_out *x,
				       uint32_t xid)
{
	struct nfs4_call *call;

	assert_int_equal(nfs4_expect_reply(cl, xid, &call), 0);
	assert_int_equal(nfs4_send_raw(cl, x->buf, x->len), 0);
	if (nfs4_wait(cl, call) != 0)
		fail_msg("no reply to the hand-made call: %s", nfs4_client_error(cl));
	return call;
}

/* Send raw bytes and require the server to close the connection. */
static void expect_closed(const void *bytes, size_t len, const char *what)
{
	struct nfs4_client *cl = cl_new(false, 1);

	assert_int_equal(nfs4_send_raw(cl, bytes, len), 0);
	if (!nfs4_client_wait_closed(cl, 3000))
		fail_msg("%s: connection still open after 3 s", what);
	cl_done(cl);
}

/* A sessionless COMPOUND body with one EXCHANGE_ID. */
static void exchange_id_body(struct xdr_out *x)
{
	static const uint8_t verf[NFS4_VERIFIER_SIZE] = "badinput";
	struct nfs4_compound c;
	char owner[64];
	int n = snprintf(owner, sizeof(owner), "t_badinput.%d.%lld", (int)getpid(),
			 (long long)now_ms());

	nfs4_compound_init(&c);
	c.no_sequence = true;
	nfs4_op_exchange_id(&c, verf, owner, (uint32_t)n, EXCHGID4_FLAG_USE_NON_PNFS);
	assert_true(nfs4_compound_encode(&c, NULL, x));
	nfs4_compound_release(&c);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void host_file(const char *rel, size_t size)
{
	char path[4200];
	uint8_t buf[65536];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", g.hostdir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	while (size) {
		size_t n = size < sizeof(buf) ? size : sizeof(buf);

		assert_int_equal(write(fd, buf, n), (ssize_t)n);
		size -= n;
	}
	close(fd);
}

/* The handle of a path below our directory ("" = the directory). */
static void lookup_rel(struct nfs4_client *cl, const char *rel, struct nfs4_fh *fh)
{
	char path[8400];

	snprintf(path, sizeof(path), "%s%s%s", g.srvdir, rel[0] ? "/" : "", rel);
	if (nfs4_lookup_path(cl, path, fh, NULL) != 0)
		fail_msg("lookup %s: %s", path, nfs4_client_error(cl));
}

/* ------------------------------------------------------ record marking */

static void test_rec_huge(void **state)
{
	static const uint8_t mark[] = { 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1 };

	/* a last fragment of 2 GiB - 1 bytes: far beyond any record cap */
	expect_closed(mark, sizeof(mark), "2 GiB record mark");
	check_alive();
}

static void test_rec_zero_fragment(void **state)
{
	static const uint8_t mark[] = { 0, 0, 0, 0, 0x80, 0, 0, 4, 0, 0, 0, 1 };

	expect_closed(mark, sizeof(mark), "zero-length non-last fragment");
	check_alive();
}

static void test_rec_one_byte_sends(void **state)
{
	struct nfs4_client *cl = cl_new(false, 1);
	struct xdr_out body, x;
	struct nfs4_call *call;
	uint32_t xid = nfs4_client_next_xid(cl);
	int one = 1;

	setsockopt(nfs4_client_fd(cl), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	xdr_out_init(&body, 4096);
	exchange_id_body(&body);
	xdr_out_init(&x, 8192);
	put_call(&x, xid, RPC_VERS, NFS4_PROGRAM, NFS_V4, NFSPROC4_COMPOUND, body.buf, body.len);
	assert_int_equal(nfs4_expect_reply(cl, xid, &call), 0);
	for (size_t i = 0; i < x.len; i++) {
		assert_int_equal(nfs4_send_raw(cl, x.buf + i, 1), 0);
		usleep(500);
	}
	if (nfs4_wait(cl, call) != 0)
		fail_msg("record sent in 1-byte pieces: %s", nfs4_client_error(cl));
	assert_int_equal(call->rpc.accept_stat, 0);
	assert_true(call->parsed);
	expect_status("EXCHANGE_ID in 1-byte sends", call->res.status, NFS4_OK);
	assert_int_equal(res_op(call, 0)->op, OP_EXCHANGE_ID);
	nfs4_call_free(call);
	xdr_out_release(&body);
	xdr_out_release(&x);
	cl_done(cl);
	check_alive();
}

/* ------------------------------------------------------------ RPC header */

static void test_rpc_truncated_header(void **state)
{
	/* xid, CALL, rpcvers, prog and nothing more */
	static const uint8_t rec[] = { 0x80, 0, 0, 16, 0, 0, 0, 9, 0, 0, 0, 0,
				       0, 0, 0, 2, 0, 1, 0x86, 0xa3 };

	expect_closed(rec, sizeof(rec), "truncated RPC header");
	check_alive();
}

static void test_rpc_garbage_cred_len(void **state)
{
	struct nfs4_client *cl = cl_new(false, 1);
	uint32_t xid = nfs4_client_next_xid(cl);
	struct nfs4_call *call;
	struct xdr_out x;

	xdr_out_init(&x, 1024);
	xdr_put_u32(&x, 0);
	xdr_put_u32(&x, xid);
	xdr_put_u32(&x, 0);
	xdr_put_u32(&x, RPC_VERS);
	xdr_put_u32(&x, NFS4_PROGRAM);
	xdr_put_u32(&x, NFS_V4);
	xdr_put_u32(&x, NFSPROC4_NULL);
	xdr_put_u32(&x, NFS4_RPC_AUTH_SYS);
	xdr_put_u32(&x, 0x7ffffff0u);	/* credential body length */
	for (int i = 0; i < 8; i++)
		xdr_put_u32(&x, 0);
	xdr_set_u32_at(&x, 0, REC_LAST | (uint32_t)(x.len - 4));
	call = send_and_wait(cl, &x, xid);
	assert_int_equal(call->rpc.reply_stat, 1);	/* MSG_DENIED */
	assert_int_equal(call->rpc.reject_stat, 1);	/* AUTH_ERROR */
	assert_int_equal(call->rpc.auth_stat, 1);	/* AUTH_BADCRED */
	nfs4_call_free(call);
	xdr_out_release(&x);
	cl_done(cl);
	check_alive();
}

/* One hand-made call, reply checked by the caller. */
static struct nfs4_call *raw_call(struct nfs4_client *cl, uint32_t rpcvers, uint32_t prog,
				  uint32_t vers, uint32_t proc, const void *body, size_t blen)
{
	uint32_t xid = nfs4_client_next_xid(cl);
	struct nfs4_call *call;
	struct xdr_out x;

	xdr_out_init(&x, blen + 1024);
	put_call(&x, xid, rpcvers, prog, vers, proc, body, blen);
	call = send_and_wait(cl, &x, xid);
	xdr_out_release(&x);
	return call;
}

static void test_rpc_mismatch(void **state)
{
	struct nfs4_client *cl = cl_new(false, 1);
	struct nfs4_call *call = raw_call(cl, 3, NFS4_PROGRAM, NFS_V4, NFSPROC4_NULL, NULL, 0);

	assert_int_equal(call->rpc.reply_stat, 1);	/* MSG_DENIED */
	assert_int_equal(call->rpc.reject_stat, 0);	/* RPC_MISMATCH */
	assert_int_equal(call->rpc.mismatch_low, 2);
	assert_int_equal(call->rpc.mismatch_high, 2);
	nfs4_call_free(call);
	cl_done(cl);
	check_alive();
}

static void test_rpc_prog_unavail(void **state)
{
	struct nfs4_client *cl = cl_new(false, 1);
	struct nfs4_call *call = raw_call(cl, RPC_VERS, 100005, 3, 0, NULL, 0);

	assert_int_equal(call->rpc.reply_stat, 0);
	assert_int_equal(call->rpc.accept_stat, 1);	/* PROG_UNAVAIL */
	nfs4_call_free(call);
	cl_done(cl);
	check_alive();
}

static void test_rpc_prog_mismatch(void **state)
{
	struct nfs4_client *cl = cl_new(false, 1);
	struct nfs4_call *call = raw_call(cl, RPC_VERS, NFS4_PROGRAM, 3, 0, NULL, 0);

	assert_int_equal(call->rpc.reply_stat, 0);
	assert_int_equal(call->rpc.accept_stat, 2);	/* PROG_MISMATCH */
	assert_int_equal(call->rpc.mismatch_low, NFS_V4);
	assert_int_equal(call->rpc.mismatch_high, NFS_V4);
	nfs4_call_free(call);
	cl_done(cl);
	check_alive();
}

static void test_rpc_proc_unavail(void **state)
{
	struct nfs4_client *cl = cl_new(false, 1);
	struct nfs4_call *call = raw_call(cl, RPC_VERS, NFS4_PROGRAM, NFS_V4, 7, NULL, 0);

	assert_int_equal(call->rpc.reply_stat, 0);
	assert_int_equal(call->rpc.accept_stat, 3);	/* PROC_UNAVAIL */
	nfs4_call_free(call);
	cl_done(cl);
	check_alive();
}

static void test_compound_truncated_tag(void **state)
{
	/* tag<> of 1000 bytes, 4 present, no minorversion or numops */
	static const uint8_t body[] = { 0, 0, 0x03, 0xe8, 't', 'a', 'g', '!' };
	struct nfs4_client *cl = cl_new(false, 1);
	struct nfs4_call *call = raw_call(cl, RPC_VERS, NFS4_PROGRAM, NFS_V4, NFSPROC4_COMPOUND,
					  body, sizeof(body));

	assert_int_equal(call->rpc.reply_stat, 0);
	assert_int_equal(call->rpc.accept_stat, 4);	/* GARBAGE_ARGS */
	nfs4_call_free(call);
	cl_done(cl);
	check_alive();
}

/* ------------------------------------------------------ COMPOUND rules */

static void minor_mismatch(uint32_t minor)
{
	struct nfs4_client *cl = cl_new(false, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	c.minor = minor;
	c.minor_set = true;
	c.no_sequence = true;
	snprintf(c.tag, sizeof(c.tag), "minor-%u", minor);
	nfs4_op_putrootfh(&c);
	nfs4_op_getfh(&c);
	run(cl, &c, &call);
	expect_status("minor version", call->res.status, NFS4ERR_MINOR_VERS_MISMATCH);
	assert_int_equal(call->res.nres, 0);
	assert_int_equal(call->res.tag.len, strlen(c.tag));
	assert_memory_equal(call->res.tag.data, c.tag, call->res.tag.len);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
}

static void test_minor_mismatch(void **state)
{
	minor_mismatch(0);
	check_alive();
	minor_mismatch(3);
	check_alive();
}

static void test_op_illegal(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_raw(&c, 9999, NULL, 0);
	nfs4_op_getfh(&c);
	run(cl, &c, &call);
	expect_status("op 9999", call->res.status, NFS4ERR_OP_ILLEGAL);
	assert_int_equal(call->res.nres, 3);
	assert_int_equal(res_op(call, 2)->op, OP_ILLEGAL);
	expect_status("op 9999 result", res_op(call, 2)->status, NFS4ERR_OP_ILLEGAL);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

static void test_v40_ops_notsupp(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct xdr_out a;

	/* RENEW4args: clientid4 */
	xdr_out_init(&a, 256);
	xdr_put_u64(&a, nfs4_client_clientid(cl));
	nfs4_compound_init(&c);
	nfs4_op_raw(&c, OP_RENEW, a.buf, a.len);
	run(cl, &c, &call);
	expect_status("RENEW in 4.1", call->res.status, NFS4ERR_NOTSUPP);
	assert_int_equal(call->res.nres, 2);
	assert_int_equal(res_op(call, 1)->op, OP_RENEW);
	nfs4_call_free(call);

	/* SETCLIENTID4args: verifier, id, callback (prog, netid, addr), ident */
	xdr_truncate(&a, 0);
	xdr_put_fixed(&a, "verifier", 8);
	xdr_put_string(&a, "t_badinput-v40");
	xdr_put_u32(&a, 0x40000000);
	xdr_put_string(&a, "tcp");
	xdr_put_string(&a, "127.0.0.1.3.232");
	xdr_put_u32(&a, 1);
	nfs4_compound_reset(&c);
	nfs4_op_raw(&c, OP_SETCLIENTID, a.buf, a.len);
	run(cl, &c, &call);
	expect_status("SETCLIENTID in 4.1", call->res.status, NFS4ERR_NOTSUPP);
	assert_int_equal(call->res.nres, 2);
	assert_int_equal(res_op(call, 1)->op, OP_SETCLIENTID);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	xdr_out_release(&a);
	cl_done(cl);
	check_alive();
}

static void test_numops_huge(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;
	int rc;

	nfs4_bitmap_of(&bm, FATTR4_TYPE, -1);
	nfs4_compound_init(&c);
	c.numops_override = true;
	c.numops_value = 0xffffffffu;
	nfs4_op_putrootfh(&c);
	nfs4_op_getattr(&c, &bm);
	rc = nfs4_call_sync(cl, &c, &call);
	if (rc != 0)
		fail_msg("numops 0xffffffff: no reply (%s)", nfs4_client_error(cl));
	if (call->rpc.reply_stat == 0 && call->rpc.accept_stat == 4) {
		fprintf(stderr, "t_badinput: numops 0xffffffff -> GARBAGE_ARGS\n");
	} else {
		assert_int_equal(call->rpc.accept_stat, 0);
		assert_true(call->parsed);
		fprintf(stderr, "t_badinput: numops 0xffffffff -> %s after %u results\n",
			nfs4_stat_name(call->res.status), call->res.nres);
		if (call->res.status != NFS4ERR_BADXDR && call->res.status != NFS4ERR_TOO_MANY_OPS)
			fail_msg("numops 0xffffffff: %s", nfs4_stat_name(call->res.status));
		assert_true(call->res.nres <= 4);
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

static void test_too_many_ops(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	uint32_t maxops = nfs4_client_fore(cl)->maxops;
	struct nfs4_compound c;
	struct nfs4_call *call;

	assert_true(maxops > 0 && maxops < 100);
	nfs4_compound_init(&c);
	for (int i = 0; i < 100; i++)
		nfs4_op_putrootfh(&c);
	run(cl, &c, &call);
	/*
	 * RFC 8881 §2.10.6.4 and §18.46.3: a compound with more operations
	 * than the session's ca_maxoperations gets NFS4ERR_TOO_MANY_OPS from
	 * SEQUENCE.  (lnfsd once ran all 101 ops and answered NFS4_OK: the
	 * loop kept c.max_ops but never compared numops with it.)
	 */
	if (call->res.status != NFS4ERR_TOO_MANY_OPS)
		fail_msg("101 ops with ca_maxoperations %u: %s with %u results, expected "
			 "NFS4ERR_TOO_MANY_OPS", maxops, nfs4_stat_name(call->res.status),
			 call->res.nres);
	assert_true(call->res.nres <= maxops);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

static void test_no_sequence(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	c.no_sequence = true;
	nfs4_op_putrootfh(&c);
	nfs4_op_getfh(&c);
	run(cl, &c, &call);
	expect_status("PUTROOTFH first", call->res.status, NFS4ERR_OP_NOT_IN_SESSION);
	assert_int_equal(call->res.nres, 1);
	assert_int_equal(res_op(call, 0)->op, OP_PUTROOTFH);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

static void test_sequence_not_first(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_sequence_args sa;
	struct nfs4_compound c;
	struct nfs4_call *call;

	memset(&sa, 0, sizeof(sa));
	memcpy(sa.sessionid, nfs4_client_sessionid(cl), NFS4_SESSIONID_SIZE);
	sa.sequenceid = 1;
	sa.slotid = nfs4_client_nslots(cl) - 1;
	sa.highest_slotid = sa.slotid;
	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_sequence(&c, &sa);
	run(cl, &c, &call);
	expect_status("second SEQUENCE", call->res.status, NFS4ERR_SEQUENCE_POS);
	assert_int_equal(call->res.nres, 3);
	assert_int_equal(res_op(call, 2)->op, OP_SEQUENCE);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

static void test_exchange_id_not_alone(void **state)
{
	static const uint8_t verf[NFS4_VERIFIER_SIZE] = "notalone";
	struct nfs4_client *cl = cl_new(false, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	c.no_sequence = true;
	nfs4_op_exchange_id(&c, verf, "t_badinput-notalone", 19, EXCHGID4_FLAG_USE_NON_PNFS);
	nfs4_op_putrootfh(&c);
	run(cl, &c, &call);
	expect_status("EXCHANGE_ID + PUTROOTFH", call->res.status, NFS4ERR_NOT_ONLY_OP);
	assert_int_equal(call->res.nres, 1);
	assert_int_equal(res_op(call, 0)->op, OP_EXCHANGE_ID);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

static void test_getattr_no_fh(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;

	nfs4_bitmap_of(&bm, FATTR4_TYPE, -1);
	nfs4_compound_init(&c);
	nfs4_op_getattr(&c, &bm);
	run(cl, &c, &call);
	expect_status("GETATTR without fh", call->res.status, NFS4ERR_NOFILEHANDLE);
	assert_int_equal(call->res.nres, 2);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

/* ---------------------------------------------------------- file handles */

/* PUTFH(fh) + GETATTR must fail at PUTFH with NFS4ERR_BADHANDLE. */
static void expect_badhandle(struct nfs4_client *cl, const struct nfs4_fh *fh, const char *what)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;

	nfs4_bitmap_of(&bm, FATTR4_TYPE, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_getattr(&c, &bm);
	run(cl, &c, &call);
	if (call->res.status != NFS4ERR_BADHANDLE)
		fail_msg("%s (%u bytes): %s, expected NFS4ERR_BADHANDLE", what, fh->len,
			 nfs4_stat_name(call->res.status));
	assert_int_equal(call->res.nres, 2);
	assert_int_equal(res_op(call, 1)->op, OP_PUTFH);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_forged_handles(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_fh real, pseudo, f;
	struct nfs4_compound c;
	struct nfs4_call *call;
	uint32_t v = 0x9e3779b9u;
	uint8_t raw[4 + 132];
	char what[64];

	lookup_rel(cl, "", &real);
	assert_int_equal(nfs4_lookup_path(cl, "/", &pseudo, NULL), 0);
	assert_true(real.len > 20);

	/* random bytes of several lengths */
	for (uint32_t len = 1; len <= NFS4_FHSIZE; len = len * 2 + 3) {
		f.len = len;
		for (uint32_t i = 0; i < len; i++) {
			v = v * 1103515245u + 12345u;
			f.data[i] = (uint8_t)(v >> 16);
		}
		snprintf(what, sizeof(what), "random handle");
		expect_badhandle(cl, &f, what);
	}
	/* one bit flipped, at positions across header, tag and host handle */
	for (uint32_t pos = 0; pos < real.len; pos += (pos < 24 ? 1 : 7)) {
		f = real;
		f.data[pos] ^= (uint8_t)(1u << (pos % 8));
		snprintf(what, sizeof(what), "export handle, bit flipped at byte %u", pos);
		expect_badhandle(cl, &f, what);
	}
	for (uint32_t pos = 0; pos < pseudo.len; pos++) {
		f = pseudo;
		f.data[pos] ^= 0x80;
		snprintf(what, sizeof(what), "pseudo handle, bit flipped at byte %u", pos);
		expect_badhandle(cl, &f, what);
	}
	/* truncated */
	f = real;
	f.len = real.len - 1;
	expect_badhandle(cl, &f, "truncated by one byte");
	f.len = 16;
	expect_badhandle(cl, &f, "export handle cut to the pseudo size");
	f = pseudo;
	f.len = pseudo.len - 1;
	expect_badhandle(cl, &f, "truncated pseudo handle");
	/* another export id: without the key the tag cannot match */
	f = real;
	f.data[4] ^= 0x5a;
	f.data[5] ^= 0xa5;
	expect_badhandle(cl, &f, "handle for a non-existent export id");
	/* empty */
	f.len = 0;
	expect_badhandle(cl, &f, "empty handle");

	/* 129 bytes (NFS4_FHSIZE + 1) */
	memset(raw, 0, sizeof(raw));
	raw[3] = NFS4_FHSIZE + 1;
	memcpy(raw + 4, real.data, real.len);
	nfs4_compound_init(&c);
	nfs4_op_raw(&c, OP_PUTFH, raw, 4 + 132);
	nfs4_op_getfh(&c);
	run(cl, &c, &call);
	expect_status("129-byte handle", call->res.status, NFS4ERR_BADHANDLE);
	assert_int_equal(call->res.nres, 2);
	nfs4_call_free(call);
	nfs4_compound_release(&c);

	/* the originals still work */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &real);
	nfs4_op_putfh(&c, &pseudo);
	run(cl, &c, &call);
	expect_status("real handles", call->res.status, NFS4_OK);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

/* ----------------------------------------------------------------- names */

static void lookup_name_status(struct nfs4_client *cl, const struct nfs4_fh *dir,
			       const void *name, uint32_t len, nfsstat4 want, const char *what)
{
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, dir);
	nfs4_op_lookup_len(&c, name, len);
	nfs4_op_getfh(&c);
	run(cl, &c, &call);
	expect_status(what, call->res.status, want);
	assert_int_equal(call->res.nres, 3);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_bad_names(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_fh dir, root;
	char longname[257];

	lookup_rel(cl, "", &dir);
	assert_int_equal(nfs4_lookup_path(cl, "/", &root, NULL), 0);
	memset(longname, 'x', sizeof(longname));
	for (int i = 0; i < 2; i++) {
		const struct nfs4_fh *d = i ? &root : &dir;

		lookup_name_status(cl, d, "sub/f", 5, NFS4ERR_BADCHAR, "LOOKUP sub/f");
		lookup_name_status(cl, d, "/", 1, NFS4ERR_BADCHAR, "LOOKUP /");
		lookup_name_status(cl, d, "a\0b", 3, NFS4ERR_BADCHAR, "LOOKUP a<NUL>b");
		lookup_name_status(cl, d, ".", 1, NFS4ERR_BADNAME, "LOOKUP .");
		lookup_name_status(cl, d, "..", 2, NFS4ERR_BADNAME, "LOOKUP ..");
		lookup_name_status(cl, d, "", 0, NFS4ERR_INVAL, "LOOKUP \"\"");
		lookup_name_status(cl, d, longname, 256, NFS4ERR_NAMETOOLONG, "LOOKUP 256 bytes");
	}
	/* 255 bytes is a legal (missing) name */
	lookup_name_status(cl, &dir, longname, 255, NFS4ERR_NOENT, "LOOKUP 255 bytes");
	cl_done(cl);
	check_alive();
}

/* ------------------------------------------------- attributes and labels */

static void test_bitmap_huge_count(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct xdr_out a;

	/* bitmap4 claiming 2^30 words, two present */
	xdr_out_init(&a, 64 * 1024);
	xdr_put_u32(&a, 0x40000000u);
	xdr_put_u32(&a, 1u << FATTR4_TYPE);
	xdr_put_u32(&a, 0);
	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_raw(&c, OP_GETATTR, a.buf, a.len);
	run(cl, &c, &call);
	expect_status("GETATTR bitmap of 2^30 words", call->res.status, NFS4ERR_BADXDR);
	assert_int_equal(call->res.nres, 3);
	nfs4_call_free(call);

	/* 0xffffffff words */
	xdr_set_u32_at(&a, 0, 0xffffffffu);
	nfs4_compound_reset(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_raw(&c, OP_GETATTR, a.buf, a.len);
	run(cl, &c, &call);
	expect_status("GETATTR bitmap of 2^32-1 words", call->res.status, NFS4ERR_BADXDR);
	nfs4_call_free(call);

	/* 1000 words that are all there (zero beyond the first) */
	xdr_truncate(&a, 0);
	xdr_put_u32(&a, 1000);
	xdr_put_u32(&a, 1u << FATTR4_TYPE);
	for (int i = 1; i < 1000; i++)
		xdr_put_u32(&a, 0);
	nfs4_compound_reset(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_raw(&c, OP_GETATTR, a.buf, a.len);
	run(cl, &c, &call);
	fprintf(stderr, "t_badinput: GETATTR with a 1000-word bitmap (present) -> %s\n",
		nfs4_stat_name(call->res.status));
	assert_true(call->res.status == NFS4_OK || call->res.status == NFS4ERR_BADXDR ||
		    call->res.status == NFS4ERR_INVAL);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	xdr_out_release(&a);
	cl_done(cl);
	check_alive();
}

static void test_setattr_attrlist_beyond_record(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_fh fh;
	struct xdr_out a;

	host_file("attrfile", 10);
	lookup_rel(cl, "attrfile", &fh);
	xdr_out_init(&a, 1024);
	xdr_put_u32(&a, 0);				/* anonymous stateid */
	xdr_put_fixed(&a, nfs4_anon_stateid.other, NFS4_OTHER_SIZE);
	xdr_put_u32(&a, 2);				/* bitmap: mode */
	xdr_put_u32(&a, 0);
	xdr_put_u32(&a, 1u << (FATTR4_MODE - 32));
	xdr_put_u32(&a, 0x1000);			/* attrlist4 length */
	xdr_put_u32(&a, 0600);				/* only 4 bytes follow */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_raw(&c, OP_SETATTR, a.buf, a.len);
	run(cl, &c, &call);
	expect_status("SETATTR attrlist beyond the record", call->res.status, NFS4ERR_BADXDR);
	assert_int_equal(call->res.nres, 3);
	assert_int_equal(res_op(call, 2)->op, OP_SETATTR);
	assert_int_equal(res_op(call, 2)->u.setattr.n, 0);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	xdr_out_release(&a);
	cl_done(cl);
	check_alive();
}

static void test_label_too_long(void **state)
{
	struct nfs4_client *cl = cl_new(true, 2);
	static uint8_t label[NFS4_MAXLABELLEN + 1];
	struct nfs4_setattrs sa;
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_fh fh;

	host_file("labelfile", 10);
	lookup_rel(cl, "labelfile", &fh);
	memset(label, 'l', sizeof(label));
	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_set(&sa.mask, FATTR4_SEC_LABEL);
	sa.label = label;
	sa.label_len = NFS4_MAXLABELLEN + 1;
	nfs4_compound_init(&c);
	c.minor = 2;
	c.minor_set = true;
	nfs4_op_putfh(&c, &fh);
	nfs4_op_setattr(&c, &nfs4_anon_stateid, &sa);
	run(cl, &c, &call);
	expect_status("SETATTR sec_label of 2049 bytes", call->res.status, NFS4ERR_BADLABEL);
	assert_int_equal(call->res.nres, 3);
	assert_int_equal(res_op(call, 2)->u.setattr.n, 0);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

/* ------------------------------------------------------------------- I/O */

static void test_read_huge_count(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;
	struct nfs4_fh fh;
	uint64_t maxread;
	uint32_t got;

	host_file("big", BIG_FILE_SIZE);
	lookup_rel(cl, "big", &fh);
	nfs4_bitmap_of(&bm, FATTR4_MAXREAD, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_getattr(&c, &bm);
	nfs4_op_read(&c, &nfs4_anon_stateid, 0, 0xffffffffu);
	run(cl, &c, &call);
	expect_status("READ count 0xffffffff", call->res.status, NFS4_OK);
	maxread = nfs4_call_op(call, 1)->u.getattr.maxread;
	got = nfs4_call_op(call, 2)->u.read.data.len;
	fprintf(stderr, "t_badinput: READ 0xffffffff -> %u bytes (maxread %llu, eof %d)\n", got,
		(unsigned long long)maxread, nfs4_call_op(call, 2)->u.read.eof);
	assert_true(maxread > 0);
	assert_true(got > 0);
	assert_true(got <= maxread);
	assert_true(got < BIG_FILE_SIZE);
	assert_false(nfs4_call_op(call, 2)->u.read.eof);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

static void test_write_short_data(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_fh fh;
	struct xdr_out a;
	struct stat st;
	char path[4200];
	int rc;

	host_file("wfile", 10);
	lookup_rel(cl, "wfile", &fh);
	xdr_out_init(&a, 1024);
	xdr_put_u32(&a, 0);				/* anonymous stateid */
	xdr_put_fixed(&a, nfs4_anon_stateid.other, NFS4_OTHER_SIZE);
	xdr_put_u64(&a, 0);				/* offset */
	xdr_put_u32(&a, FILE_SYNC4);
	xdr_put_u32(&a, 1000);				/* data<> length */
	xdr_put_fixed(&a, "0123456789ab", 12);		/* 12 bytes present */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_raw(&c, OP_WRITE, a.buf, a.len);
	rc = nfs4_call_sync(cl, &c, &call);
	if (rc != 0)
		fail_msg("WRITE with short data: no reply (%s)", nfs4_client_error(cl));
	if (call->rpc.accept_stat == 4) {
		fprintf(stderr, "t_badinput: WRITE with short data -> GARBAGE_ARGS\n");
	} else {
		assert_int_equal(call->rpc.accept_stat, 0);
		assert_true(call->parsed);
		expect_status("WRITE with short data", call->res.status, NFS4ERR_BADXDR);
	}
	snprintf(path, sizeof(path), "%s/wfile", g.hostdir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 10);	/* nothing was written */
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	xdr_out_release(&a);
	cl_done(cl);
	check_alive();
}

/* ---------------------------------------------------- pseudo-fs escapes */

static void test_lookupp_pseudo_root(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_lookupp(&c);
	nfs4_op_getfh(&c);
	run(cl, &c, &call);
	expect_status("LOOKUPP at the pseudo root", call->res.status, NFS4ERR_NOENT);
	assert_int_equal(call->res.nres, 3);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

/* The names READDIR lists in the directory fh; returns how many, the first
 * copied into first. */
static uint32_t readdir_names(struct nfs4_client *cl, const struct nfs4_fh *fh, char *first,
			      size_t flen)
{
	static const uint8_t verf[NFS4_VERIFIER_SIZE];
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;
	const struct nfs4_op_res *r;
	uint32_t n;

	nfs4_bitmap_of(&bm, FATTR4_TYPE, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_readdir(&c, 0, verf, 8192, 32768, &bm);
	run(cl, &c, &call);
	expect_status("READDIR of a pseudo directory", call->res.status, NFS4_OK);
	r = nfs4_call_op(call, 1);
	assert_true(r->u.readdir.eof);
	n = r->u.readdir.count;
	first[0] = 0;
	if (n)
		snprintf(first, flen, "%.*s", (int)r->u.readdir.entries[0].name.len,
			 (const char *)r->u.readdir.entries[0].name.data);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return n;
}

/*
 * Climb out of the export with LOOKUPP (from a subdirectory, then from the
 * export root on): every step above the export root is a pseudo directory
 * whose only entry is the next component towards the export, and the climb
 * ends at the pseudo root, where LOOKUPP gives NFS4ERR_NOENT.
 */
static void test_lookupp_escape(void **state)
{
	struct nfs4_client *cl = cl_new(true, 1);
	char path[4200], *comp[64], name[512];
	struct nfs4_fh fh, exproot;
	struct nfs4_compound c;
	struct nfs4_call *call;
	int ncomp = 0;

	snprintf(path, sizeof(path), "%s/sub", g.hostdir);
	assert_int_equal(mkdir(path, 0755), 0);
	if (nfs4_lookup_path(cl, g.export, &exproot, NULL) != 0)
		fail_msg("lookup %s: %s", g.export, nfs4_client_error(cl));
	lookup_rel(cl, "sub", &fh);
	/* sub -> our dir -> export root */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_lookupp(&c);
	nfs4_op_lookupp(&c);
	nfs4_op_getfh(&c);
	run(cl, &c, &call);
	expect_status("LOOKUPP x2 from sub", call->res.status, NFS4_OK);
	assert_int_equal(nfs4_call_op(call, 3)->u.getfh.len, exproot.len);
	assert_memory_equal(nfs4_call_op(call, 3)->u.getfh.data, exproot.data, exproot.len);
	nfs4_call_free(call);
	nfs4_compound_release(&c);

	snprintf(path, sizeof(path), "%s", g.export);
	for (char *s = strtok(path, "/"); s && ncomp < 64; s = strtok(NULL, "/"))
		comp[ncomp++] = s;
	assert_true(ncomp > 0);
	fh = exproot;
	for (int level = ncomp - 1; level >= 0; level--) {
		/* one LOOKUPP up: the pseudo directory holding comp[level] */
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &fh);
		nfs4_op_lookupp(&c);
		nfs4_op_getfh(&c);
		run(cl, &c, &call);
		expect_status("LOOKUPP above the export", call->res.status, NFS4_OK);
		fh = nfs4_call_op(call, 2)->u.getfh;
		nfs4_call_free(call);
		nfs4_compound_release(&c);
		if (readdir_names(cl, &fh, name, sizeof(name)) != 1)
			fail_msg("pseudo directory above %s lists other entries", comp[level]);
		if (strcmp(name, comp[level]) != 0)
			fail_msg("pseudo directory lists %s, expected only %s", name, comp[level]);
	}
	/* we are at the root now */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_lookupp(&c);
	run(cl, &c, &call);
	expect_status("LOOKUPP above the pseudo root", call->res.status, NFS4ERR_NOENT);
	nfs4_call_free(call);
	/* and names that do not lead to an export are not there */
	nfs4_compound_reset(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_lookup(&c, strcmp(comp[0], "etc") ? "etc" : "usr");
	run(cl, &c, &call);
	expect_status("LOOKUP of a host directory in the pseudo root", call->res.status,
		      NFS4ERR_NOENT);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	check_alive();
}

/* ------------------------------------------------------ many connections */

static void test_many_stalled_connections(void **state)
{
	static const uint8_t half[2] = { 0x80, 0x00 };
	struct sockaddr_in sa;
	struct nfs4_client *cl;
	struct nfs4_compound c;
	struct nfs4_call *call;
	int fds[NSTALL];
	int64_t t0, dt;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(g.port));
	if (inet_pton(AF_INET, g.server, &sa.sin_addr) != 1)
		skip();	/* an IPv6 or named test server */
	for (int i = 0; i < NSTALL; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(fds[i] >= 0);
		if (connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) < 0)
			fail_msg("connection %d: %s", i, strerror(errno));
		assert_int_equal(send(fds[i], half, sizeof(half), MSG_NOSIGNAL), 2);
	}
	t0 = now_ms();
	cl = cl_new(false, 1);
	assert_int_equal(nfs4_null(cl), 0);
	assert_int_equal(nfs4_client_setup(cl), 0);
	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_getfh(&c);
	run(cl, &c, &call);
	expect_status("PUTROOTFH beside 200 stalled connections", call->res.status, NFS4_OK);
	dt = now_ms() - t0;
	fprintf(stderr, "t_badinput: answered in %lld ms beside %d stalled connections\n",
		(long long)dt, NSTALL);
	assert_true(dt < 2000);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	cl_done(cl);
	for (int i = 0; i < NSTALL; i++)
		close(fds[i]);
	check_alive();
}

/* ----------------------------------------------------------------- setup */

static int setup(void **state)
{
	const char *hostexp = getenv("NFS4_TEST_EXPORT_HOSTDIR");

	g.server = getenv("LNFS_SERVER");
	g.port = getenv("LNFS_PORT");
	g.export = getenv("LNFS_EXPORT");
	if (!g.server || !g.port || !g.export) {
		fprintf(stderr, "t_badinput: LNFS_SERVER/LNFS_PORT/LNFS_EXPORT not set "
				"(run through tests/integ/run.sh)\n");
		exit(77);
	}
	if (getenv("NFS4_TEST_SERVER") && !hostexp) {
		fprintf(stderr, "t_badinput: NFS4_TEST_SERVER needs NFS4_TEST_EXPORT_HOSTDIR\n");
		exit(77);
	}
	if (!hostexp)
		hostexp = g.export;
	snprintf(g.hostdir, sizeof(g.hostdir), "%s/t_badinput.%d", hostexp, (int)getpid());
	snprintf(g.srvdir, sizeof(g.srvdir), "%s/t_badinput.%d", g.export, (int)getpid());
	if (mkdir(g.hostdir, 0755) < 0) {
		fprintf(stderr, "t_badinput: mkdir %s: %s\n", g.hostdir, strerror(errno));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	if (g.hostdir[0])
		nftw(g.hostdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rec_huge),
		cmocka_unit_test(test_rec_zero_fragment),
		cmocka_unit_test(test_rec_one_byte_sends),
		cmocka_unit_test(test_rpc_truncated_header),
		cmocka_unit_test(test_rpc_garbage_cred_len),
		cmocka_unit_test(test_rpc_mismatch),
		cmocka_unit_test(test_rpc_prog_unavail),
		cmocka_unit_test(test_rpc_prog_mismatch),
		cmocka_unit_test(test_rpc_proc_unavail),
		cmocka_unit_test(test_compound_truncated_tag),
		cmocka_unit_test(test_minor_mismatch),
		cmocka_unit_test(test_op_illegal),
		cmocka_unit_test(test_v40_ops_notsupp),
		cmocka_unit_test(test_numops_huge),
		cmocka_unit_test(test_too_many_ops),
		cmocka_unit_test(test_no_sequence),
		cmocka_unit_test(test_sequence_not_first),
		cmocka_unit_test(test_exchange_id_not_alone),
		cmocka_unit_test(test_getattr_no_fh),
		cmocka_unit_test(test_forged_handles),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_bitmap_huge_count),
		cmocka_unit_test(test_setattr_attrlist_beyond_record),
		cmocka_unit_test(test_label_too_long),
		cmocka_unit_test(test_read_huge_count),
		cmocka_unit_test(test_write_short_data),
		cmocka_unit_test(test_lookupp_pseudo_root),
		cmocka_unit_test(test_lookupp_escape),
		cmocka_unit_test(test_many_stalled_connections),
	};

	return cmocka_run_group_tests_name("t_badinput", tests, setup, teardown);
}
