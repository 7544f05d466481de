/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_compound.c - the real COMPOUND engine, in process: a struct srv with
 * a configuration snapshot exporting a fresh temporary directory and a state
 * table, COMPOUND4args built with the test client's builder, nfs4_compound()
 * called with a fake RPC call from 127.0.0.1, and the encoded COMPOUND4res
 * parsed back.  Covers the loop's rules (minor version, op positions, stop
 * at the first error with the right result count, OP_ILLEGAL, NOTSUPP,
 * NOFILEHANDLE), the session reply cache (a retry is answered byte for byte
 * from the cache without running anything again), SAVEFH/RESTOREFH and the
 * sec_label attribute at minor versions 1 and 2.  Cases that need root
 * (trusted.* label xattrs) are skipped without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/cfg.h"
#include "rpc/rpc.h"
#include "server/compound.h"
#include "server/limits.h"
#include "server/srv.h"
#include "server/state.h"
/* after the server headers: the builder's nfs4_op_* become nfs4cli_nfs4_op_*
 * (generated in the build tree, see tests/Makefile.inc) */
#include "tests/unit/nfs4_client_rename.h"
#include "tests/lib/nfs4_client.h"

#define NSLOTS 4
#define CACHED_MAX 8192

static struct {
	struct srv srv;
	struct rpc_conn_info conn;
	struct rpc_call call;
	char dir[64];			/* the export (host path == server path) */
	uint64_t clientid;
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t seqid[NSLOTS];		/* last sequenceid used per slot */
} g;

/* One executed compound: the reply bytes and their parse. */
struct result {
	struct xdr_out res;
	struct nfs4_compound_res r;
};

static void result_release(struct result *x)
{
	nfs4_compound_res_release(&x->r);
	xdr_out_release(&x->res);
}

/* Encode c with SEQUENCE on `slot` (-1: none) and sequenceid seqid. */
static void encode(const struct nfs4_compound *c, int slot, uint32_t seqid, bool cachethis,
		   struct xdr_out *args)
{
	struct nfs4_sequence_args sa;

	memset(&sa, 0, sizeof(sa));
	memcpy(sa.sessionid, g.sessionid, NFS4_SESSIONID_SIZE);
	sa.sequenceid = seqid;
	sa.slotid = slot < 0 ? 0 : (uint32_t)slot;
	sa.highest_slotid = NSLOTS - 1;
	sa.cachethis = cachethis;
	xdr_out_init(args, LNFS_MAX_RECORD);
	assert_true(nfs4_compound_encode(c, slot < 0 ? NULL : &sa, args));
}

/* Run encoded arguments through the engine; the reply must parse. */
static void exec_args(const uint8_t *args, size_t len, struct result *x)
{
	struct xdr_in in;

	xdr_in_init(&in, args, len);
	xdr_out_init(&x->res, LNFS_MAX_RECORD);
	assert_true(nfs4_compound(&g.srv, &g.call, &in, &x->res));
	assert_false(x->res.overflow);
	if (nfs4_parse_compound_res(x->res.buf, x->res.len, &x->r) != 0)
		fail_msg("COMPOUND4res of %zu bytes does not parse", x->res.len);
	assert_int_equal(x->r.nparsed, x->r.nres);
}

/* Run c, with a fresh SEQUENCE on slot 0 when `session`. */
static void run(const struct nfs4_compound *c, bool session, struct result *x)
{
	struct xdr_out args;

	encode(c, session ? 0 : -1, session ? ++g.seqid[0] : 0, false, &args);
	exec_args(args.buf, args.len, x);
	xdr_out_release(&args);
}

static void expect_status(const char *what, nfsstat4 got, nfsstat4 want)
{
	if (got != want)
		fail_msg("%s: %s (%u), expected %s (%u)", what, nfs4_stat_name(got), got,
			 nfs4_stat_name(want), want);
}

/* Ops to make the export root current (after PUTROOTFH). */
static void op_lookup_export(struct nfs4_compound *c)
{
	char path[sizeof(g.dir)], *s, *save = NULL;

	snprintf(path, sizeof(path), "%s", g.dir);
	nfs4_op_putrootfh(c);
	for (s = strtok_r(path, "/", &save); s; s = strtok_r(NULL, "/", &save))
		nfs4_op_lookup(c, s);
}

/* Number of ops op_lookup_export() appends. */
static uint32_t export_ops(void)
{
	uint32_t n = 1;

	for (const char *p = g.dir; *p; p++)
		if (*p == '/')
			n++;
	return n;
}

static void host_file(const char *rel)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", g.dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "data\n", 5), 5);
	close(fd);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* ---------------------------------------------------------------- setup */

static void setup_session(void)
{
	static const uint8_t verf[NFS4_VERIFIER_SIZE] = "compound";
	struct nfs4_channel_attrs fore, back;
	struct nfs4_compound c;
	struct result x;
	uint32_t seq;

	nfs4_compound_init(&c);
	c.no_sequence = true;
	nfs4_op_exchange_id(&c, verf, "test_compound", 13, EXCHGID4_FLAG_USE_NON_PNFS);
	run(&c, false, &x);
	expect_status("EXCHANGE_ID", x.r.status, NFS4_OK);
	g.clientid = x.r.ops[0].u.exchange_id.clientid;
	seq = x.r.ops[0].u.exchange_id.sequenceid;
	result_release(&x);

	memset(&fore, 0, sizeof(fore));
	fore.maxrequestsize = LNFS_MAX_RECORD;
	fore.maxresponsesize = LNFS_MAX_RECORD;
	fore.maxresponsesize_cached = CACHED_MAX;
	fore.maxops = 16;
	fore.maxrequests = NSLOTS;
	back = fore;
	back.maxrequests = 1;
	nfs4_compound_reset(&c);
	nfs4_op_create_session(&c, g.clientid, seq, 0, &fore, &back);
	run(&c, false, &x);
	expect_status("CREATE_SESSION", x.r.status, NFS4_OK);
	memcpy(g.sessionid, x.r.ops[0].u.create_session.sessionid, NFS4_SESSIONID_SIZE);
	assert_true(x.r.ops[0].u.create_session.fore.maxrequests >= NSLOTS);
	result_release(&x);

	nfs4_compound_reset(&c);
	nfs4_op_reclaim_complete(&c, false);
	run(&c, true, &x);
	expect_status("RECLAIM_COMPLETE", x.r.status, NFS4_OK);
	result_release(&x);
	nfs4_compound_release(&c);
}

static int setup(void **state)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&g.conn.peer;
	struct snapshot *snap;
	struct cfg *cfg;
	char err[512] = "";

	snprintf(g.dir, sizeof(g.dir), "/tmp/lnfs-compound.XXXXXX");
	if (!mkdtemp(g.dir)) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	chmod(g.dir, 0755);
	cfg = cfg_new_default();
	if (!cfg || cfg_add_export_path(cfg, g.dir, err, sizeof(err)) < 0 ||
	    cfg_finish(cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	memset(&g.srv, 0, sizeof(g.srv));
	pthread_mutex_init(&g.srv.snap_lock, NULL);
	g.srv.boot_time = 1700000000;
	g.srv.lease_time = cfg->lease_time;
	{
		uint64_t v;

		memcpy(&v, "testverf", sizeof(v));
		atomic_init(&g.srv.write_verf, v);
	}
	g.srv.server_owner_len = 13;
	memcpy(g.srv.server_owner, "test_compound", 13);
	snprintf(g.srv.server_scope, sizeof(g.srv.server_scope), "test_compound");
	g.srv.privileged = geteuid() == 0;
	if (getrandom(g.srv.fh_key, sizeof(g.srv.fh_key), 0) != (ssize_t)sizeof(g.srv.fh_key))
		return -1;
	if (snapshot_new(&g.srv, cfg, &snap, err, sizeof(err)) < 0) {
		fprintf(stderr, "snapshot: %s\n", err);
		return -1;
	}
	g.srv.snap = snap;
	g.srv.state = state_table_new(&g.srv, snap->cfg->lease_time);
	if (!g.srv.state)
		return -1;

	g.conn.id = 1;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(700);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g.conn.peer_len = sizeof(*sin);
	g.conn.local = g.conn.peer;
	g.conn.local_len = g.conn.peer_len;
	g.call.xid = 1;
	g.call.prog = NFS4_PROGRAM;
	g.call.vers = NFS_V4;
	g.call.proc = NFSPROC4_COMPOUND;
	g.call.cred.flavor = RPC_AUTH_SYS;
	g.call.cred.uid = geteuid();
	g.call.cred.gid = getegid();
	snprintf(g.call.cred.machine, sizeof(g.call.cred.machine), "localhost");
	g.call.conn = &g.conn;

	setup_session();
	return 0;
}

static int teardown(void **state)
{
	if (g.srv.state)
		state_table_free(g.srv.state);
	if (g.srv.snap)
		snapshot_put(g.srv.snap);
	pthread_mutex_destroy(&g.srv.snap_lock);
	if (g.dir[0])
		nftw(g.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ---------------------------------------------------------------- tests */

static void test_minor_mismatch(void **state)
{
	static const uint32_t minors[] = { 0, 3, 0xffffffffu };

	for (size_t i = 0; i < sizeof(minors) / sizeof(minors[0]); i++) {
		struct nfs4_compound c;
		struct result x;

		nfs4_compound_init(&c);
		c.minor = minors[i];
		c.minor_set = true;
		snprintf(c.tag, sizeof(c.tag), "tag-%zu", i);
		nfs4_op_putrootfh(&c);
		nfs4_op_getfh(&c);
		run(&c, true, &x);
		expect_status("minor version", x.r.status, NFS4ERR_MINOR_VERS_MISMATCH);
		assert_int_equal(x.r.nres, 0);
		assert_int_equal(x.r.tag.len, strlen(c.tag));
		assert_memory_equal(x.r.tag.data, c.tag, x.r.tag.len);
		result_release(&x);
		nfs4_compound_release(&c);
		g.seqid[0]--;	/* SEQUENCE never ran */
	}
}

static void test_truncated_header(void **state)
{
	/* tag longer than the arguments, then no numops: GARBAGE_ARGS */
	static const uint8_t a1[] = { 0, 0, 0, 8, 't', 'a', 'g' };
	static const uint8_t a2[] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t a3[] = { 0, 0, 0x10, 0, 0, 0, 0, 1, 0, 0, 0, 1 };
	const uint8_t *args[] = { a1, a2, a3 };
	const size_t lens[] = { sizeof(a1), sizeof(a2), sizeof(a3) };

	for (size_t i = 0; i < 3; i++) {
		struct xdr_out res;
		struct xdr_in in;

		xdr_in_init(&in, args[i], lens[i]);
		xdr_out_init(&res, 4096);
		assert_false(nfs4_compound(&g.srv, &g.call, &in, &res));
		xdr_out_release(&res);
	}
}

static void test_position_rules(void **state)
{
	static const uint8_t verf[NFS4_VERIFIER_SIZE] = "position";
	struct nfs4_sequence_args sa;
	struct nfs4_compound c;
	struct result x;

	/* no SEQUENCE: PUTROOTFH first */
	nfs4_compound_init(&c);
	c.no_sequence = true;
	nfs4_op_putrootfh(&c);
	nfs4_op_getfh(&c);
	run(&c, false, &x);
	expect_status("PUTROOTFH first", x.r.status, NFS4ERR_OP_NOT_IN_SESSION);
	assert_int_equal(x.r.nres, 1);
	assert_int_equal(x.r.ops[0].op, OP_PUTROOTFH);
	result_release(&x);

	/* SEQUENCE twice */
	nfs4_compound_reset(&c);
	c.no_sequence = false;
	memset(&sa, 0, sizeof(sa));
	memcpy(sa.sessionid, g.sessionid, NFS4_SESSIONID_SIZE);
	sa.slotid = 1;
	sa.sequenceid = g.seqid[1] + 1;
	nfs4_op_putrootfh(&c);
	nfs4_op_sequence(&c, &sa);
	nfs4_op_getfh(&c);
	run(&c, true, &x);
	expect_status("SEQUENCE second", x.r.status, NFS4ERR_SEQUENCE_POS);
	assert_int_equal(x.r.nres, 3);
	assert_int_equal(x.r.ops[2].op, OP_SEQUENCE);
	result_release(&x);

	/* EXCHANGE_ID not alone */
	nfs4_compound_reset(&c);
	c.no_sequence = true;
	nfs4_op_exchange_id(&c, verf, "test_compound-2", 15, EXCHGID4_FLAG_USE_NON_PNFS);
	nfs4_op_putrootfh(&c);
	run(&c, false, &x);
	expect_status("EXCHANGE_ID + PUTROOTFH", x.r.status, NFS4ERR_NOT_ONLY_OP);
	assert_int_equal(x.r.nres, 1);
	result_release(&x);

	/* DESTROY_SESSION of our own session after other ops is not
	 * checked here; EXCHANGE_ID after SEQUENCE is a normal op (§18.35) */
	nfs4_compound_release(&c);
}

static void test_stop_at_first_error(void **state)
{
	struct nfs4_compound c;
	struct result x;

	nfs4_compound_init(&c);
	op_lookup_export(&c);
	nfs4_op_getfh(&c);
	nfs4_op_lookup(&c, "no-such-name");
	nfs4_op_getfh(&c);
	nfs4_op_putrootfh(&c);
	run(&c, true, &x);
	expect_status("LOOKUP of a missing name", x.r.status, NFS4ERR_NOENT);
	/* SEQUENCE, the export lookup, GETFH, the failing LOOKUP */
	assert_int_equal(x.r.nres, 1 + export_ops() + 2);
	for (uint32_t i = 0; i + 1 < x.r.nres; i++)
		expect_status("ops before the failure", x.r.ops[i].status, NFS4_OK);
	assert_int_equal(x.r.ops[x.r.nres - 1].op, OP_LOOKUP);
	result_release(&x);
	nfs4_compound_release(&c);
}

static void test_op_illegal(void **state)
{
	static const uint32_t bad[] = { 0, 1, 2, NFS4_OP_MAX, 9999, OP_ILLEGAL, 0xffffffffu };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nfs4_compound c;
		struct result x;

		nfs4_compound_init(&c);
		nfs4_op_putrootfh(&c);
		nfs4_op_raw(&c, bad[i], "\0\0\0\0", 4);
		nfs4_op_getfh(&c);
		run(&c, true, &x);
		if (x.r.status != NFS4ERR_OP_ILLEGAL)
			fail_msg("op %u: %s", bad[i], nfs4_stat_name(x.r.status));
		assert_int_equal(x.r.nres, 3);
		assert_int_equal(x.r.ops[2].op, OP_ILLEGAL);
		expect_status("OP_ILLEGAL result", x.r.ops[2].status, NFS4ERR_OP_ILLEGAL);
		result_release(&x);
		nfs4_compound_release(&c);
	}
}

/* op `op` with (undecoded) raw args after SEQUENCE + PUTROOTFH at minor. */
static void expect_op_status(uint32_t minor, uint32_t op, nfsstat4 want, uint32_t want_resop)
{
	static const uint8_t args[64];
	struct nfs4_compound c;
	struct result x;
	char what[64];

	nfs4_compound_init(&c);
	c.minor = minor;
	c.minor_set = true;
	nfs4_op_putrootfh(&c);
	nfs4_op_raw(&c, op, args, sizeof(args));
	run(&c, true, &x);
	snprintf(what, sizeof(what), "%s at minor %u", nfs4_op_name(op), minor);
	expect_status(what, x.r.status, want);
	assert_int_equal(x.r.nres, 3);
	assert_int_equal(x.r.ops[2].op, want_resop);
	expect_status(what, x.r.ops[2].status, want);
	result_release(&x);
	nfs4_compound_release(&c);
}

/*
 * Valid ops without a handler answer NFS4ERR_NOTSUPP at every minor version
 * they exist in (the table decides which: LOCK, SEEK and friends leave it
 * as they are implemented); ops of minor version 2 are OP_ILLEGAL at minor
 * version 1; the NFSv4.0-only ops are NOTSUPP in 4.1 and 4.2 whatever the
 * table says (RFC 8881 §18, RFC 7862).
 */
static void test_notsupp(void **state)
{
	static const uint32_t v40[] = { OP_OPEN_CONFIRM, OP_RENEW, OP_SETCLIENTID,
					OP_SETCLIENTID_CONFIRM, OP_RELEASE_LOCKOWNER };
	static const uint32_t v42[] = { OP_ALLOCATE, OP_COPY, OP_COPY_NOTIFY, OP_DEALLOCATE,
					OP_IO_ADVISE, OP_LAYOUTERROR, OP_LAYOUTSTATS,
					OP_OFFLOAD_CANCEL, OP_OFFLOAD_STATUS, OP_READ_PLUS,
					OP_SEEK, OP_WRITE_SAME, OP_CLONE };
	unsigned nrows = 0;

	for (uint32_t op = OP_ACCESS; op < NFS4_OP_MAX; op++) {
		const struct nfs4_op_desc *d = &nfs4_optab[op];

		if (!d->name || d->handler)
			continue;
		nrows++;
		for (uint32_t minor = d->minor_min; minor <= 2; minor++)
			expect_op_status(minor, op, NFS4ERR_NOTSUPP, op);
	}
	assert_true(nrows > 0);
	for (size_t i = 0; i < sizeof(v40) / sizeof(v40[0]); i++) {
		expect_op_status(1, v40[i], NFS4ERR_NOTSUPP, v40[i]);
		expect_op_status(2, v40[i], NFS4ERR_NOTSUPP, v40[i]);
	}
	for (size_t i = 0; i < sizeof(v42) / sizeof(v42[0]); i++)
		expect_op_status(1, v42[i], NFS4ERR_OP_ILLEGAL, OP_ILLEGAL);
	/* SEEK at minor version 2 stays NOTSUPP until it has a handler */
	if (!nfs4_optab[OP_SEEK].handler)
		expect_op_status(2, OP_SEEK, NFS4ERR_NOTSUPP, OP_SEEK);
}

static void test_nofilehandle(void **state)
{
	struct nfs4_bitmap bm;

	nfs4_bitmap_of(&bm, FATTR4_TYPE, -1);
	for (int i = 0; i < 5; i++) {
		struct nfs4_compound c;
		struct result x;

		nfs4_compound_init(&c);
		switch (i) {
		case 0:
			nfs4_op_getattr(&c, &bm);
			break;
		case 1:
			nfs4_op_getfh(&c);
			break;
		case 2:
			nfs4_op_lookup(&c, "tmp");
			break;
		case 3:
			nfs4_op_savefh(&c);
			break;
		case 4:
			nfs4_op_lookupp(&c);
			break;
		}
		run(&c, true, &x);
		expect_status("op without a current fh", x.r.status, NFS4ERR_NOFILEHANDLE);
		assert_int_equal(x.r.nres, 2);
		result_release(&x);
		nfs4_compound_release(&c);
	}
}

static void test_savefh_restorefh(void **state)
{
	struct nfs4_compound c;
	struct result x;
	uint32_t n = export_ops();

	/* RESTOREFH without a saved fh */
	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_restorefh(&c);
	run(&c, true, &x);
	expect_status("RESTOREFH without SAVEFH", x.r.status, NFS4ERR_RESTOREFH);
	assert_int_equal(x.r.nres, 3);
	result_release(&x);

	/* root saved, export looked up, root restored */
	nfs4_compound_reset(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_getfh(&c);
	nfs4_op_savefh(&c);
	op_lookup_export(&c);
	nfs4_op_getfh(&c);
	nfs4_op_restorefh(&c);
	nfs4_op_getfh(&c);
	nfs4_op_savefh(&c);
	run(&c, true, &x);
	expect_status("SAVEFH/RESTOREFH", x.r.status, NFS4_OK);
	assert_int_equal(x.r.nres, 4 + n + 4);
	{
		const struct nfs4_fh *root = &x.r.ops[2].u.getfh;
		const struct nfs4_fh *exp = &x.r.ops[4 + n].u.getfh;
		const struct nfs4_fh *back = &x.r.ops[4 + n + 2].u.getfh;

		assert_int_equal(back->len, root->len);
		assert_memory_equal(back->data, root->data, root->len);
		assert_true(exp->len != root->len || memcmp(exp->data, root->data, root->len));
	}
	result_release(&x);
	nfs4_compound_release(&c);
}

/*
 * sa_cachethis: the same slot and sequenceid twice gives a byte-identical
 * reply, and the retry does not run CREATE again (it would fail with
 * NFS4ERR_EXIST).  A new sequenceid runs it and gets NFS4ERR_EXIST.
 */
static void test_reply_cache(void **state)
{
	struct nfs4_create_args ca;
	struct nfs4_compound c;
	struct xdr_out args;
	struct result a, b, d;
	struct stat st;
	char path[256];
	uint32_t seq;

	memset(&ca, 0, sizeof(ca));
	ca.type = NF4DIR;
	ca.name = "cached-dir";
	nfs4_compound_init(&c);
	op_lookup_export(&c);
	nfs4_op_create(&c, &ca);
	nfs4_op_getfh(&c);
	seq = ++g.seqid[2];
	encode(&c, 2, seq, true, &args);
	exec_args(args.buf, args.len, &a);
	expect_status("CREATE", a.r.status, NFS4_OK);
	snprintf(path, sizeof(path), "%s/cached-dir", g.dir);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_true(a.res.len <= CACHED_MAX);

	/* the retry */
	exec_args(args.buf, args.len, &b);
	assert_int_equal(b.res.len, a.res.len);
	assert_memory_equal(b.res.buf, a.res.buf, a.res.len);
	expect_status("CREATE retried", b.r.status, NFS4_OK);

	/* again, after the directory is gone: still the cached success */
	assert_int_equal(rmdir(path), 0);
	result_release(&b);
	exec_args(args.buf, args.len, &b);
	assert_memory_equal(b.res.buf, a.res.buf, a.res.len);
	assert_int_equal(stat(path, &st), -1);	/* not created again */
	xdr_out_release(&args);

	/* a new request on the slot runs the op */
	assert_int_equal(mkdir(path, 0755), 0);
	seq = ++g.seqid[2];
	encode(&c, 2, seq, true, &args);
	exec_args(args.buf, args.len, &d);
	expect_status("CREATE as a new request", d.r.status, NFS4ERR_EXIST);
	xdr_out_release(&args);

	/* the previous sequenceid is now misordered (RFC 8881 §2.10.6.1) */
	result_release(&b);
	encode(&c, 2, seq - 1, true, &args);
	exec_args(args.buf, args.len, &b);
	expect_status("old sequenceid", b.r.status, NFS4ERR_SEQ_MISORDERED);
	assert_int_equal(b.r.nres, 1);
	xdr_out_release(&args);

	result_release(&a);
	result_release(&b);
	result_release(&d);
	nfs4_compound_release(&c);
}

/* GETATTR sec_label (and supported_attrs) of `name` at `minor`. */
static void getattr_label(const char *name, uint32_t minor, struct result *x)
{
	struct nfs4_compound c;
	struct nfs4_bitmap bm;

	nfs4_bitmap_of(&bm, FATTR4_SUPPORTED_ATTRS, FATTR4_SEC_LABEL, -1);
	nfs4_compound_init(&c);
	c.minor = minor;
	c.minor_set = true;
	op_lookup_export(&c);
	nfs4_op_lookup(&c, name);
	nfs4_op_getattr(&c, &bm);
	run(&c, true, x);
	expect_status("GETATTR sec_label", x->r.status, NFS4_OK);
	nfs4_compound_release(&c);
}

static void test_sec_label(void **state)
{
	static const char label[] = "user_u:object_r:test_compound_t:s0";
	const struct cfg_domain *d = g.srv.snap->cfg->default_domain;
	struct nfs4_setattrs sa;
	struct nfs4_compound c;
	const struct nfs4_attrs *a;
	struct result x;
	uint32_t n = export_ops();

	if (geteuid() != 0)
		skip();	/* labels live in trusted.* xattrs */
	host_file("labelled");
	host_file("plain");

	/* store a label through SETATTR at minor version 2 */
	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_set(&sa.mask, FATTR4_SEC_LABEL);
	sa.label_lfs = 0;
	sa.label_pi = 0;
	sa.label = label;
	sa.label_len = sizeof(label) - 1;
	nfs4_compound_init(&c);
	c.minor = 2;
	c.minor_set = true;
	op_lookup_export(&c);
	nfs4_op_lookup(&c, "labelled");
	nfs4_op_setattr(&c, &nfs4_anon_stateid, &sa);
	run(&c, true, &x);
	expect_status("SETATTR sec_label", x.r.status, NFS4_OK);
	assert_true(nfs4_bitmap_isset(&x.r.ops[2 + n].u.setattr, FATTR4_SEC_LABEL));
	result_release(&x);
	nfs4_compound_release(&c);

	/* read back at minor 2 */
	getattr_label("labelled", 2, &x);
	a = &x.r.ops[2 + n].u.getattr;
	assert_true(nfs4_attrs_has(a, FATTR4_SEC_LABEL));
	assert_true(nfs4_bitmap_isset(&a->supported_attrs, FATTR4_SEC_LABEL));
	assert_int_equal(a->sec_label.lfs, 0);
	assert_int_equal(a->sec_label.pi, 0);
	assert_int_equal(a->sec_label.data.len, sizeof(label) - 1);
	assert_memory_equal(a->sec_label.data.data, label, sizeof(label) - 1);
	result_release(&x);

	/* no label stored: the domain's default */
	getattr_label("plain", 2, &x);
	a = &x.r.ops[2 + n].u.getattr;
	assert_true(nfs4_attrs_has(a, FATTR4_SEC_LABEL));
	assert_int_equal(a->sec_label.lfs, d->default_lfs);
	assert_int_equal(a->sec_label.pi, d->default_pi);
	assert_int_equal(a->sec_label.data.len, d->default_label_len);
	assert_memory_equal(a->sec_label.data.data, d->default_label, d->default_label_len);
	result_release(&x);

	/* minor version 1: not supported, not returned */
	getattr_label("labelled", 1, &x);
	a = &x.r.ops[2 + n].u.getattr;
	assert_false(nfs4_attrs_has(a, FATTR4_SEC_LABEL));
	assert_true(nfs4_attrs_has(a, FATTR4_SUPPORTED_ATTRS));
	assert_false(nfs4_bitmap_isset(&a->supported_attrs, FATTR4_SEC_LABEL));
	result_release(&x);

	/* and cannot be set at minor version 1 */
	nfs4_compound_init(&c);
	op_lookup_export(&c);
	nfs4_op_lookup(&c, "plain");
	nfs4_op_setattr(&c, &nfs4_anon_stateid, &sa);
	run(&c, true, &x);
	expect_status("SETATTR sec_label at minor 1", x.r.status, NFS4ERR_ATTRNOTSUPP);
	result_release(&x);
	nfs4_compound_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minor_mismatch),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_position_rules),
		cmocka_unit_test(test_stop_at_first_error),
		cmocka_unit_test(test_op_illegal),
		cmocka_unit_test(test_notsupp),
		cmocka_unit_test(test_nofilehandle),
		cmocka_unit_test(test_savefh_restorefh),
		cmocka_unit_test(test_reply_cache),
		cmocka_unit_test(test_sec_label),
	};

	return cmocka_run_group_tests_name("test_compound", tests, setup, teardown);
}
