/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_compound.c - libFuzzer target for the COMPOUND engine.  The input is
 * COMPOUND4args (tag, minor version, numops, ops; no RPC header), run by
 * nfs4_compound() on an in-process server that exports a small tree created
 * on the first call (as root when available) and removed at exit.  The tree
 * is /tmp/lnfs-fuzz-compound, a fixed path so that seed inputs can LOOKUP
 * their way into it ("tmp", "lnfs-fuzz-compound"; entries "file", "empty",
 * "dir", "dir/inner", "dir/sub", "link"); a process that finds the path
 * locked by another uses a temporary directory instead.  Ops such as
 * ALLOCATE can reserve any amount of disk space, so as root the harness
 * mounts a 64 MiB tmpfs on that path in a mount namespace of its own, or
 * else caps the size of files it writes (RLIMIT_FSIZE).  The harness also
 * creates a session there; when the first op of an input is SEQUENCE, it
 * writes that session's id and slot 0's next sequenceid into the copy it
 * runs (a sequenceid of 0 in the input asks for the previous one, i.e. a
 * retry answered from the reply cache), so inputs reach the ops behind
 * SEQUENCE.  Checks the shape of every reply it gets.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/cfg.h"
#include "rpc/rpc.h"
#include "server/compound.h"
#include "server/limits.h"
#include "server/srv.h"
#include "server/state.h"
#include "xdr/nfs4_prot.h"
#include "xdr/xdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIXED_DIR "/tmp/lnfs-fuzz-compound"
#define FUZZ_FSIZE (16u << 20)	/* largest file the fuzzed server may write */

static struct {
	bool ready;
	struct srv srv;
	struct rpc_conn_info conn;
	struct rpc_call call;
	char dir[64];
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t seq;			/* slot 0's last sequenceid */
	uint32_t owner;			/* EXCHANGE_ID owners used */
	bool tmpfs;			/* FIXED_DIR is our own small tmpfs */
} g;

/*
 * Before main() (a new mount namespace needs a single-threaded process):
 * where permitted, put a size-limited tmpfs on FIXED_DIR that only this
 * process sees; otherwise cap the size of files (EFBIG instead of SIGXFSZ;
 * libFuzzer then needs -handle_xfsz=0, or it reports the signal).
 */
__attribute__((constructor)) static void confine(void)
{
	struct rlimit rl = { FUZZ_FSIZE, FUZZ_FSIZE };

	if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) {
		mkdir(FIXED_DIR, 0755);
		g.tmpfs = mount("lnfs-fuzz", FIXED_DIR, "tmpfs", MS_NOSUID | MS_NODEV,
				"size=64m,mode=0755") == 0;
	}
	if (!g.tmpfs) {
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
	}
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tree(void)
{
	nftw(g.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The fixed directory, emptied, if no other process holds its lock; else
 * a temporary one. */
static void make_dir(void)
{
	int fd;

	snprintf(g.dir, sizeof(g.dir), "%s", FIXED_DIR);
	if (g.tmpfs)
		return;
	fd = open(FIXED_DIR ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
		remove_tree();	/* left over from an earlier run */
		if (mkdir(g.dir, 0755) == 0)
			return;	/* the lock stays held until exit */
	}
	if (fd >= 0)
		close(fd);
	snprintf(g.dir, sizeof(g.dir), "%s.XXXXXX", FIXED_DIR);
	if (!mkdtemp(g.dir) || chmod(g.dir, 0755) < 0)
		abort();
}

static void make_file(const char *rel, const char *text)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", g.dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		abort();
	if (write(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
}

/* Run args; the reply goes to *res (caller releases). */
static bool run(const uint8_t *args, size_t len, struct xdr_out *res)
{
	struct xdr_in in;

	xdr_in_init(&in, args, len);
	xdr_out_init(res, LNFS_MAX_RECORD);
	return nfs4_compound(&g.srv, &g.call, &in, res);
}

/* Status of result i (0-based) of a COMPOUND4res whose results are all
 * status-only or known, here only used for the first op. */
static bool first_result(const struct xdr_out *res, uint32_t *op, uint32_t *status)
{
	struct xdr_in x;
	struct xdr_view tag;
	uint32_t st, n;

	xdr_in_init(&x, res->buf, res->len);
	return xdr_get_u32(&x, &st) && xdr_get_opaque(&x, LNFS_MAX_TAG, &tag) &&
	       xdr_get_u32(&x, &n) && n > 0 && xdr_get_u32(&x, op) && xdr_get_u32(&x, status);
}

/* EXCHANGE_ID + CREATE_SESSION, by hand: a session with one slot. */
static void new_session(void)
{
	struct xdr_out a, r;
	struct xdr_in x;
	uint64_t clientid;
	uint32_t seq, op, st;
	char owner[32];

	xdr_out_init(&a, 4096);
	xdr_put_u32(&a, 0);			/* tag */
	xdr_put_u32(&a, 1);			/* minorversion */
	xdr_put_u32(&a, 1);
	xdr_put_u32(&a, OP_EXCHANGE_ID);
	xdr_put_fixed(&a, "fuzzverf", NFS4_VERIFIER_SIZE);
	snprintf(owner, sizeof(owner), "fuzz_compound.%u", g.owner++);
	xdr_put_string(&a, owner);
	xdr_put_u32(&a, EXCHGID4_FLAG_USE_NON_PNFS);
	xdr_put_u32(&a, 0);			/* SP4_NONE */
	xdr_put_u32(&a, 0);			/* no implementation id */
	if (!run(a.buf, a.len, &r) || !first_result(&r, &op, &st) || st != NFS4_OK)
		abort();
	xdr_in_init(&x, r.buf + 20, r.len - 20);	/* empty tag: 5 words */
	if (!xdr_get_u64(&x, &clientid) || !xdr_get_u32(&x, &seq))
		abort();
	xdr_out_release(&r);

	xdr_truncate(&a, 0);
	xdr_put_u32(&a, 0);
	xdr_put_u32(&a, 1);
	xdr_put_u32(&a, 1);
	xdr_put_u32(&a, OP_CREATE_SESSION);
	xdr_put_u64(&a, clientid);
	xdr_put_u32(&a, seq);
	xdr_put_u32(&a, 0);			/* flags */
	for (int ch = 0; ch < 2; ch++) {
		xdr_put_u32(&a, 0);		/* headerpadsize */
		xdr_put_u32(&a, LNFS_MAX_RECORD);
		xdr_put_u32(&a, LNFS_MAX_RECORD);
		xdr_put_u32(&a, 8192);		/* maxresponsesize_cached */
		xdr_put_u32(&a, 64);		/* maxoperations */
		xdr_put_u32(&a, 1);		/* maxrequests */
		xdr_put_u32(&a, 0);		/* no rdma_ird */
	}
	xdr_put_u32(&a, 0x40000000);		/* cb_program */
	xdr_put_u32(&a, 1);			/* one callback_sec_parms4: */
	xdr_put_u32(&a, 0);			/* AUTH_NONE */
	if (!run(a.buf, a.len, &r) || !first_result(&r, &op, &st) || st != NFS4_OK)
		abort();
	memcpy(g.sessionid, r.buf + 20, NFS4_SESSIONID_SIZE);
	xdr_out_release(&r);
	xdr_out_release(&a);
	g.seq = 0;
}

static void init(void)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&g.conn.peer;
	struct snapshot *snap;
	struct cfg *cfg;
	char err[512] = "", path[256];

	make_dir();
	atexit(remove_tree);
	make_file("file", "some file contents\n");
	make_file("empty", "");
	snprintf(path, sizeof(path), "%s/dir", g.dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/dir/sub", g.dir);
	mkdir(path, 0700);
	make_file("dir/inner", "inner\n");
	snprintf(path, sizeof(path), "%s/link", g.dir);
	if (symlink("file", path) < 0)
		abort();

	cfg = cfg_new_default();
	if (!cfg || cfg_add_export_path(cfg, g.dir, err, sizeof(err)) < 0 ||
	    cfg_finish(cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_compound: config: %s\n", err);
		abort();
	}
	pthread_mutex_init(&g.srv.snap_lock, NULL);
	g.srv.boot_time = 1700000000;
	g.srv.lease_time = cfg->lease_time;
	{
		uint64_t v;

		memcpy(&v, "fuzzverf", sizeof(v));
		atomic_init(&g.srv.write_verf, v);
	}
	g.srv.server_owner_len = 4;
	memcpy(g.srv.server_owner, "fuzz", 4);
	snprintf(g.srv.server_scope, sizeof(g.srv.server_scope), "fuzz");
	memcpy(g.srv.fh_key, "fuzz-handle-key!", 16);
	g.srv.privileged = geteuid() == 0;
	if (snapshot_new(&g.srv, cfg, &snap, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_compound: %s\n", err);
		abort();
	}
	g.srv.snap = snap;
	g.srv.state = state_table_new(&g.srv, snap->cfg->lease_time);
	if (!g.srv.state)
		abort();

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
	snprintf(g.call.cred.machine, sizeof(g.call.cred.machine), "fuzz");
	g.call.conn = &g.conn;
	new_session();
	g.ready = true;
}

/* Offset of the first op's arguments if it is SEQUENCE, else 0. */
static size_t sequence_args_at(const uint8_t *buf, size_t len)
{
	struct xdr_in x;
	struct xdr_view tag;
	uint32_t minor, n, op;

	xdr_in_init(&x, buf, len);
	if (!xdr_get_opaque(&x, LNFS_MAX_TAG, &tag) || !xdr_get_u32(&x, &minor) ||
	    !xdr_get_u32(&x, &n) || !xdr_get_u32(&x, &op) || op != OP_SEQUENCE)
		return 0;
	if (xdr_in_left(&x) < NFS4_SESSIONID_SIZE + 12)
		return 0;
	return (size_t)(x.p - buf);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The reply's header is well formed and its results fit in it. */
static void check_reply(const struct xdr_out *res)
{
	struct xdr_in x;
	struct xdr_view tag;
	uint32_t status, n;

	if (res->overflow || res->len < 12) {
		fprintf(stderr, "fuzz_compound: COMPOUND4res of %zu bytes, overflow %d, limit %zu\n",
			res->len, res->overflow, res->limit);
		abort();
	}
	xdr_in_init(&x, res->buf, res->len);
	if (!xdr_get_u32(&x, &status) || !xdr_get_opaque(&x, LNFS_MAX_TAG, &tag) ||
	    !xdr_get_u32(&x, &n))
		abort();
	/* each result is at least resop + status */
	if (n > xdr_in_left(&x) / 8)
		abort();
	if (status == NFS4ERR_MINOR_VERS_MISMATCH && n != 0)
		abort();
	/* any other error comes from an op, whose result is there */
	if (status != NFS4_OK && status != NFS4ERR_MINOR_VERS_MISMATCH && n == 0)
		abort();
}

/* With FUZZ_COMPOUND_TRACE set: each result's op and status on stderr
 * (results after an unknown successful op body are not followed). */
static void trace(const struct xdr_out *res)
{
	struct xdr_in x;
	struct xdr_view tag;
	uint32_t st, n, op;

	xdr_in_init(&x, res->buf, res->len);
	if (!xdr_get_u32(&x, &st) || !xdr_get_opaque(&x, LNFS_MAX_TAG, &tag) ||
	    !xdr_get_u32(&x, &n))
		return;
	fprintf(stderr, "fuzz_compound: status %u, %u results, last:", st, n);
	if (n && xdr_get_u32(&x, &op) && xdr_get_u32(&x, &st) && n == 1)
		fprintf(stderr, " op %u status %u", op, st);
	else if (n)
		fprintf(stderr, " (%u bytes)", (unsigned)res->len);
	fprintf(stderr, "\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xdr_out res;
	uint8_t *buf;
	size_t at;
	bool isnew = false, ok;
	uint32_t op, st;

	if (!g.ready)
		init();
	if (size > LNFS_MAX_RECORD)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	at = sequence_args_at(buf, size);
	if (at) {
		uint32_t want = ((uint32_t)buf[at + 16] << 24) | ((uint32_t)buf[at + 17] << 16) |
				((uint32_t)buf[at + 18] << 8) | buf[at + 19];

		memcpy(buf + at, g.sessionid, NFS4_SESSIONID_SIZE);
		isnew = want != 0;
		put_be32(buf + at + 16, isnew ? g.seq + 1 : g.seq);
		put_be32(buf + at + 20, 0);	/* slotid */
	}
	ok = run(buf, size, &res);
	if (ok) {
		check_reply(&res);
		if (getenv("FUZZ_COMPOUND_TRACE"))
			trace(&res);
		if (at && first_result(&res, &op, &st) && op == OP_SEQUENCE) {
			if (st == NFS4_OK && isnew)
				g.seq++;
			else if (st == NFS4ERR_BADSESSION || st == NFS4ERR_DEADSESSION)
				new_session();	/* an input destroyed it */
		}
	}
	xdr_out_release(&res);
	free(buf);
	return 0;
}
