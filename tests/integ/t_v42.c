/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_v42.c - integration test of the NFSv4.2 data operations (RFC 7862
 * §15) against a live server: sparse files made on the host must look the
 * same through SEEK (compared with the host's lseek SEEK_DATA/SEEK_HOLE)
 * and READ_PLUS (holes and data compared with the host's map and bytes);
 * ALLOCATE and DEALLOCATE must change st_blocks, size and contents on the
 * host as fallocate would; COPY must produce the host bytes (count 0 = to
 * the end, bad and overlapping ranges refused); CLONE answers NOTSUPP where
 * the host cannot reflink (ext4) and clones where it can (btrfs, run by
 * t_v42_btrfs.sh); IO_ADVISE reports the hints it followed; the ops are
 * OP_ILLEGAL at minor version 1.
 *
 * Run by run.sh (LNFS_SERVER, LNFS_PORT, LNFS_EXPORT; NFS4_TEST_EXPORT_HOSTDIR
 * when the export lives elsewhere on this host).  LNFS_V42_RO, when set, is
 * a read-only export (server and host path alike) holding a file "ro".
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/lib/nfs4_client.h"

#define KB 1024u
#define SPARSE_SIZE (1024u * KB)
#define EXT4_MAGIC 0xef53u
#define BTRFS_MAGIC 0x9123683eu

/* IO_ADVISE_type4 bits (RFC 7862 §15.5.1) */
#define ADV_NORMAL 0
#define ADV_SEQUENTIAL 1
#define ADV_RANDOM 3
#define ADV_WILLNEED 4
#define ADV_DONTNEED 6
#define ADV_INIT_PROXIMITY 10

static struct {
	struct nfs4_client *cl;
	char hostdir[4096];
	char srvdir[4096];
	struct nfs4_fh dirfh;
	uint32_t fstype;
} g;

/* ----------------------------------------------------------- host side */

static void host_path(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", g.hostdir, rel);
}

static void pattern(uint8_t *buf, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)((seed >> 16) | 1); /* never zero */
	}
}

/* Write len pattern bytes at off into the host file rel (created). */
static void host_pwrite(const char *rel, uint64_t off, size_t len, uint32_t seed)
{
	char path[4200];
	uint8_t *buf = malloc(len);
	int fd;

	assert_non_null(buf);
	pattern(buf, len, seed);
	host_path(path, sizeof(path), rel);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
	free(buf);
}

static void host_truncate(const char *rel, uint64_t size)
{
	char path[4200];

	host_path(path, sizeof(path), rel);
	assert_int_equal(truncate(path, (off_t)size), 0);
}

static void host_stat(const char *rel, struct stat *st)
{
	char path[4200];

	host_path(path, sizeof(path), rel);
	assert_int_equal(stat(path, st), 0);
}

/* The whole host file rel into a new buffer; *len gets its size. */
static uint8_t *host_read_all(const char *rel, size_t *len)
{
	char path[4200];
	struct stat st;
	uint8_t *buf;
	int fd;

	host_path(path, sizeof(path), rel);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* lseek on the host; -errno on failure. */
static int64_t host_seek(const char *rel, uint64_t off, int whence)
{
	char path[4200];
	off_t r;
	int fd, e;

	host_path(path, sizeof(path), rel);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	r = lseek(fd, (off_t)off, whence);
	e = errno;
	close(fd);
	return r < 0 ? -e : (int64_t)r;
}

/* sparse: data [0,64K) [256K,320K) [704K,708K), holes elsewhere, 1 MiB. */
static void make_sparse(const char *rel)
{
	host_pwrite(rel, 0, 64 * KB, 1);
	host_pwrite(rel, 256 * KB, 64 * KB, 2);
	host_pwrite(rel, 704 * KB, 4 * KB, 3);
	host_truncate(rel, SPARSE_SIZE);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* ----------------------------------------------------------- NFS side */

static struct nfs4_call *run(struct nfs4_compound *c)
{
	struct nfs4_call *call = NULL;

	if (nfs4_call_sync(g.cl, c, &call) != 0)
		fail_msg("call failed: %s", nfs4_client_error(g.cl));
	return call;
}

static struct nfs4_call *run_ok(struct nfs4_compound *c)
{
	struct nfs4_call *call = run(c);

	if (call->res.status != NFS4_OK) {
		const struct nfs4_op_res *bad = nfs4_call_failed_op(call);

		fail_msg("%s failed: %s", bad ? nfs4_op_name(bad->op) : "?",
			 nfs4_stat_name(call->res.status));
	}
	return call;
}

/* Run c, expect status st from op index i (after SEQUENCE); frees all. */
static void expect_status(struct nfs4_compound *c, uint32_t i, nfsstat4 st)
{
	struct nfs4_call *call = run(c);
	const struct nfs4_op_res *r = nfs4_call_op(call, i);

	assert_non_null(r);
	if (r->status != st)
		fail_msg("%s: got %s, want %s", nfs4_op_name(r->op), nfs4_stat_name(r->status),
			 nfs4_stat_name(st));
	nfs4_call_free(call);
	nfs4_compound_release(c);
}

static void lookup_rel(const char *rel, struct nfs4_fh *fh)
{
	char path[8400];

	snprintf(path, sizeof(path), "%s/%s", g.srvdir, rel);
	if (nfs4_lookup_path(g.cl, path, fh, NULL) != 0)
		fail_msg("lookup %s: %s", rel, nfs4_client_error(g.cl));
}

/* OPEN rel in our directory with share access `access`. */
static void open_file(const char *rel, uint32_t access, struct nfs4_fh *fh,
		      struct nfs4_stateid *sid)
{
	struct nfs4_open_args oa;
	struct nfs4_compound c;
	struct nfs4_call *call;

	memset(&oa, 0, sizeof(oa));
	oa.share_access = access | OPEN4_SHARE_ACCESS_WANT_NO_DELEG;
	oa.clientid = nfs4_client_clientid(g.cl);
	oa.owner = "t_v42";
	oa.owner_len = 5;
	oa.claim = CLAIM_NULL;
	oa.name = rel;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_open(&c, &oa);
	nfs4_op_getfh(&c);
	call = run_ok(&c);
	*sid = nfs4_call_op(call, 1)->u.open.stateid;
	*fh = nfs4_call_op(call, 2)->u.getfh;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void close_file(const struct nfs4_fh *fh, const struct nfs4_stateid *sid)
{
	struct nfs4_compound c;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_close(&c, sid);
	nfs4_call_free(run_ok(&c));
	nfs4_compound_release(&c);
}

/* ---------------------------------------------------------------- setup */

static int setup(void **state)
{
	const char *server = getenv("LNFS_SERVER");
	const char *port = getenv("LNFS_PORT");
	const char *export = getenv("LNFS_EXPORT");
	const char *hostexp = getenv("NFS4_TEST_EXPORT_HOSTDIR");
	struct nfs4_client_opts o;
	struct statfs sfs;
	char name[64];

	(void)state;
	if (!server || !port || !export) {
		fprintf(stderr, "t_v42: LNFS_SERVER/LNFS_PORT/LNFS_EXPORT not set "
				"(run through tests/integ/run.sh)\n");
		exit(77);
	}
	if (getenv("NFS4_TEST_SERVER") && !hostexp) {
		fprintf(stderr, "t_v42: NFS4_TEST_SERVER needs NFS4_TEST_EXPORT_HOSTDIR\n");
		exit(77);
	}
	if (!hostexp)
		hostexp = export;
	snprintf(name, sizeof(name), "t_v42.%d", (int)getpid());
	snprintf(g.hostdir, sizeof(g.hostdir), "%s/%s", hostexp, name);
	snprintf(g.srvdir, sizeof(g.srvdir), "%s/%s", export, name);
	assert_int_equal(mkdir(g.hostdir, 0755), 0);
	assert_int_equal(statfs(g.hostdir, &sfs), 0);
	g.fstype = (uint32_t)sfs.f_type;
	print_message("t_v42: export filesystem type 0x%x%s\n", g.fstype,
		      g.fstype == BTRFS_MAGIC ? " (btrfs: CLONE expected to work)" :
		      g.fstype == EXT4_MAGIC  ? " (ext4: CLONE expected NOTSUPP)" : "");

	nfs4_client_opts_init(&o);
	o.host = server;
	o.port = port;
	o.minor = 2;
	if (nfs4_client_connect(&o, &g.cl) < 0)
		fail_msg("connect %s:%s failed", server, port);
	if (nfs4_client_setup(g.cl) != 0)
		fail_msg("session setup: %s", nfs4_client_error(g.cl));
	if (nfs4_lookup_path(g.cl, g.srvdir, &g.dirfh, NULL) != 0)
		fail_msg("%s", nfs4_client_error(g.cl));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (g.cl) {
		nfs4_client_teardown(g.cl);
		nfs4_client_free(g.cl);
	}
	if (g.hostdir[0])
		nftw(g.hostdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ----------------------------------------------------------------- SEEK */

static void seek_one(const struct nfs4_fh *fh, const struct nfs4_stateid *sid, const char *rel,
		     uint64_t off, uint32_t what, uint64_t size)
{
	int64_t host = host_seek(rel, off, what == NFS4_CONTENT_DATA ? SEEK_DATA : SEEK_HOLE);
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_seek(&c, sid, off, what);
	call = run(&c);
	r = nfs4_call_op(call, 1);
	assert_non_null(r);
	if (host == -ENXIO && off >= size) {
		/* RFC 7862 §15.11.3: beyond the end is NFS4ERR_NXIO */
		if (r->status != NFS4ERR_NXIO)
			fail_msg("SEEK %s @%llu: %s, want NXIO", what ? "HOLE" : "DATA",
				 (unsigned long long)off, nfs4_stat_name(r->status));
	} else if (host == -ENXIO) {
		/* no data up to the end: NFS4_OK with sr_eof */
		assert_int_equal(r->status, NFS4_OK);
		assert_true(r->u.seek.eof);
		assert_int_equal(r->u.seek.offset, size);
	} else {
		assert_true(host >= 0);
		if (r->status != NFS4_OK || r->u.seek.offset != (uint64_t)host)
			fail_msg("SEEK %s @%llu: %s %llu, host %lld", what ? "HOLE" : "DATA",
				 (unsigned long long)off, nfs4_stat_name(r->status),
				 (unsigned long long)r->u.seek.offset, (long long)host);
		assert_int_equal(r->u.seek.eof, (uint64_t)host >= size);
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_seek_matches_lseek(void **state)
{
	static const uint64_t offs[] = {
		0, 1, 4 * KB, 64 * KB - 1, 64 * KB, 100 * KB, 256 * KB, 300 * KB, 320 * KB,
		500 * KB, 704 * KB, 706 * KB, 708 * KB, 900 * KB, SPARSE_SIZE - 1,
		SPARSE_SIZE, SPARSE_SIZE + 10,
	};
	struct nfs4_fh fh, dfh;
	struct nfs4_stateid sid;
	struct nfs4_compound c;

	(void)state;
	make_sparse("sparse");
	open_file("sparse", OPEN4_SHARE_ACCESS_READ, &fh, &sid);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		seek_one(&fh, &sid, "sparse", offs[i], NFS4_CONTENT_DATA, SPARSE_SIZE);
		seek_one(&fh, &sid, "sparse", offs[i], NFS4_CONTENT_HOLE, SPARSE_SIZE);
		/* the anonymous stateid reads with the caller's own rights */
		seek_one(&fh, &nfs4_anon_stateid, "sparse", offs[i], NFS4_CONTENT_HOLE,
			 SPARSE_SIZE);
	}
	/* an offset no file can reach */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_seek(&c, &sid, UINT64_MAX, NFS4_CONTENT_DATA);
	expect_status(&c, 1, NFS4ERR_NXIO);
	/* a data_content4 arm that does not exist */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_seek(&c, &sid, 0, 7);
	expect_status(&c, 1, NFS4ERR_UNION_NOTSUPP);
	close_file(&fh, &sid);

	/* a file without holes still ends with a virtual hole */
	host_pwrite("dense", 0, 10000, 4);
	lookup_rel("dense", &dfh);
	seek_one(&dfh, &nfs4_anon_stateid, "dense", 0, NFS4_CONTENT_HOLE, 10000);
	seek_one(&dfh, &nfs4_anon_stateid, "dense", 5000, NFS4_CONTENT_DATA, 10000);

	/* directories */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_seek(&c, &nfs4_anon_stateid, 0, NFS4_CONTENT_DATA);
	expect_status(&c, 1, NFS4ERR_ISDIR);
}

/* ------------------------------------------------------------ READ_PLUS */

/* READ_PLUS [off, off+count) of rel and check it against the host. */
static void read_plus_check(const struct nfs4_fh *fh, const struct nfs4_stateid *sid,
			    const char *rel, uint64_t off, uint32_t count, unsigned *holes,
			    unsigned *datas)
{
	size_t hlen;
	uint8_t *host = host_read_all(rel, &hlen);
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;
	struct nfs4_rp_segment s;
	struct xdr_in x;
	uint64_t pos = off, end = off + count < hlen ? off + count : hlen;
	uint32_t n = 0;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_read_plus(&c, sid, off, count);
	call = run_ok(&c);
	r = nfs4_call_op(call, 1);
	assert_non_null(r);
	assert_int_equal(r->op, OP_READ_PLUS);
	xdr_in_init(&x, r->u.read_plus.segments.data, r->u.read_plus.segments.len);
	while (nfs4_read_plus_next(&x, &s)) {
		/* segments are contiguous, in order, inside the file */
		if (s.offset != pos)
			fail_msg("segment at %llu, expected %llu", (unsigned long long)s.offset,
				 (unsigned long long)pos);
		assert_true(s.length > 0);
		assert_true(s.offset + s.length <= hlen);
		if (s.content == NFS4_CONTENT_DATA) {
			assert_memory_equal(s.data.data, host + s.offset, s.data.len);
			(*datas)++;
		} else {
			int64_t d = host_seek(rel, s.offset, SEEK_DATA);

			/* the host has no data there either, and zeros */
			assert_true(d == -ENXIO || (uint64_t)d >= s.offset + s.length);
			for (uint64_t i = 0; i < s.length; i++)
				if (host[s.offset + i] != 0)
					fail_msg("hole at %llu holds data",
						 (unsigned long long)(s.offset + i));
			(*holes)++;
		}
		pos += s.length;
		n++;
	}
	assert_int_equal(n, r->u.read_plus.count);
	assert_int_equal(pos, off < hlen ? end : off);
	assert_int_equal(r->u.read_plus.eof, pos >= hlen);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	free(host);
}

static void test_read_plus_segments(void **state)
{
	struct nfs4_fh fh;
	struct nfs4_stateid sid;
	unsigned holes = 0, datas = 0;

	(void)state;
	make_sparse("rp");
	open_file("rp", OPEN4_SHARE_ACCESS_READ, &fh, &sid);
	/* the whole file: three data runs and the holes between them */
	read_plus_check(&fh, &sid, "rp", 0, SPARSE_SIZE, &holes, &datas);
	assert_true(holes >= 3);
	assert_true(datas >= 3);
	/* pieces across boundaries, with the anonymous stateid too */
	read_plus_check(&fh, &sid, "rp", 60 * KB, 8 * KB, &holes, &datas);
	read_plus_check(&fh, &nfs4_anon_stateid, "rp", 200 * KB, 100 * KB, &holes, &datas);
	read_plus_check(&fh, &sid, "rp", 700 * KB, 500 * KB, &holes, &datas);
	read_plus_check(&fh, &sid, "rp", 12345, 0, &holes, &datas);
	/* at and beyond the end: eof, no segments */
	read_plus_check(&fh, &sid, "rp", SPARSE_SIZE, 4096, &holes, &datas);
	read_plus_check(&fh, &sid, "rp", SPARSE_SIZE + 100000, 4096, &holes, &datas);
	close_file(&fh, &sid);
}

/* ---------------------------------------------- ALLOCATE and DEALLOCATE */

static void test_allocate_deallocate(void **state)
{
	struct nfs4_fh fh, rfh;
	struct nfs4_stateid sid, rsid;
	struct nfs4_compound c;
	struct stat before, after;
	size_t len;
	uint8_t *data;

	(void)state;
	host_pwrite("fa", 0, 256 * KB, 5);
	assert_int_equal(host_seek("fa", 0, SEEK_HOLE), 256 * KB);
	host_stat("fa", &before);
	open_file("fa", OPEN4_SHARE_ACCESS_BOTH, &fh, &sid);

	/* DEALLOCATE punches a hole: fewer blocks, zeros, same size */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_deallocate(&c, &sid, 64 * KB, 64 * KB);
	nfs4_call_free(run_ok(&c));
	nfs4_compound_release(&c);
	host_stat("fa", &after);
	assert_int_equal(after.st_size, before.st_size);
	assert_true(after.st_blocks < before.st_blocks);
	assert_int_equal(host_seek("fa", 0, SEEK_HOLE), 64 * KB);
	data = host_read_all("fa", &len);
	for (size_t i = 64 * KB; i < 128 * KB; i++)
		assert_int_equal(data[i], 0);
	assert_int_not_equal(data[128 * KB], 0);
	free(data);

	/* ALLOCATE past the end: the size follows, the blocks are there */
	before = after;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_allocate(&c, &sid, 1024 * KB, 64 * KB);
	nfs4_call_free(run_ok(&c));
	nfs4_compound_release(&c);
	host_stat("fa", &after);
	assert_int_equal(after.st_size, 1088 * KB);
	assert_true(after.st_blocks >= before.st_blocks + (64 * KB) / 512);
	/* ALLOCATE inside the punched range fills it again, reading zeros */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_allocate(&c, &sid, 64 * KB, 64 * KB);
	nfs4_call_free(run_ok(&c));
	nfs4_compound_release(&c);
	data = host_read_all("fa", &len);
	assert_int_equal(len, 1088 * KB);
	for (size_t i = 64 * KB; i < 128 * KB; i++)
		assert_int_equal(data[i], 0);
	free(data);

	/* ranges: empty is INVAL, past maxfilesize is FBIG */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_allocate(&c, &sid, 0, 0);
	expect_status(&c, 1, NFS4ERR_INVAL);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_allocate(&c, &sid, UINT64_MAX - 10, 100);
	expect_status(&c, 1, NFS4ERR_FBIG);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_deallocate(&c, &sid, (uint64_t)INT64_MAX, 2);
	expect_status(&c, 1, NFS4ERR_FBIG);
	close_file(&fh, &sid);

	/* a read-only open may not change the file */
	open_file("fa", OPEN4_SHARE_ACCESS_READ, &rfh, &rsid);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &rfh);
	nfs4_op_deallocate(&c, &rsid, 0, 4096);
	expect_status(&c, 1, NFS4ERR_OPENMODE);
	close_file(&rfh, &rsid);

	/* directories */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_allocate(&c, &nfs4_anon_stateid, 0, 4096);
	expect_status(&c, 1, NFS4ERR_ISDIR);
}

/* ----------------------------------------------------------------- COPY */

static void copy_call(const struct nfs4_fh *src, const struct nfs4_fh *dst,
		      const struct nfs4_copy_args *a, nfsstat4 want, uint64_t want_count)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, src);
	nfs4_op_savefh(&c);
	nfs4_op_putfh(&c, dst);
	nfs4_op_copy(&c, a);
	call = run(&c);
	r = nfs4_call_op(call, 3);
	assert_non_null(r);
	if (r->status != want)
		fail_msg("COPY: %s, want %s", nfs4_stat_name(r->status), nfs4_stat_name(want));
	if (want == NFS4_OK) {
		assert_int_equal(r->u.copy.callback_ids, 0);
		assert_int_equal(r->u.copy.count, want_count);
		assert_int_equal(r->u.copy.committed, UNSTABLE4);
		assert_true(r->u.copy.consecutive);
		assert_true(r->u.copy.synchronous);
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_copy(void **state)
{
	struct nfs4_fh sfh, dfh;
	struct nfs4_stateid ssid, dsid;
	struct nfs4_copy_args a;
	struct nfs4_compound c;
	uint8_t *src, *dst;
	size_t slen, dlen;

	(void)state;
	host_pwrite("src", 0, 300000, 6);
	host_pwrite("dst", 0, 1, 7);
	host_truncate("dst", 0);
	open_file("src", OPEN4_SHARE_ACCESS_READ, &sfh, &ssid);
	open_file("dst", OPEN4_SHARE_ACCESS_BOTH, &dfh, &dsid);

	memset(&a, 0, sizeof(a));
	a.src = ssid;
	a.dst = dsid;
	a.src_offset = 1000;
	a.dst_offset = 5000;
	a.count = 100000;
	a.consecutive = true;
	a.synchronous = true;
	copy_call(&sfh, &dfh, &a, NFS4_OK, 100000);
	/* count 0: from the source offset to its end (RFC 7862 §15.2.3) */
	a.src_offset = 200000;
	a.dst_offset = 200000;
	a.count = 0;
	a.synchronous = false; /* asked asynchronous, done synchronously */
	copy_call(&sfh, &dfh, &a, NFS4_OK, 100000);

	src = host_read_all("src", &slen);
	dst = host_read_all("dst", &dlen);
	assert_int_equal(dlen, 300000);
	assert_memory_equal(dst + 5000, src + 1000, 100000);
	assert_memory_equal(dst + 200000, src + 200000, 100000);
	for (size_t i = 0; i < 5000; i++)
		assert_int_equal(dst[i], 0);
	free(src);
	free(dst);

	/* source ranges beyond the source's end */
	a.src_offset = 300001;
	a.count = 0;
	copy_call(&sfh, &dfh, &a, NFS4ERR_INVAL, 0);
	a.src_offset = 299000;
	a.count = 2000;
	copy_call(&sfh, &dfh, &a, NFS4ERR_INVAL, 0);
	a.src_offset = 10;
	a.count = UINT64_MAX;
	copy_call(&sfh, &dfh, &a, NFS4ERR_INVAL, 0);
	/* within one file: overlapping ranges are refused, others work */
	a.src = dsid;
	a.src_offset = 0;
	a.dst_offset = 1000;
	a.count = 5000;
	copy_call(&dfh, &dfh, &a, NFS4ERR_INVAL, 0);
	a.dst_offset = 250000;
	copy_call(&dfh, &dfh, &a, NFS4_OK, 5000);
	/* an inter-server copy is not supported */
	a.src = ssid;
	a.dst_offset = 0;
	a.source_server = "elsewhere.example";
	copy_call(&sfh, &dfh, &a, NFS4ERR_NOTSUPP, 0);
	a.source_server = NULL;
	/* the destination stateid must allow writing */
	a.dst = ssid;
	a.dst_offset = 100000;
	copy_call(&sfh, &sfh, &a, NFS4ERR_OPENMODE, 0);
	a.dst = dsid;
	/* no saved filehandle */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &dfh);
	nfs4_op_copy(&c, &a);
	expect_status(&c, 1, NFS4ERR_NOFILEHANDLE);
	/* a directory as the source */
	copy_call(&g.dirfh, &dfh, &a, NFS4ERR_ISDIR, 0);
	close_file(&sfh, &ssid);
	close_file(&dfh, &dsid);
}

/* ---------------------------------------------------------------- CLONE */

static void getattr_of(const struct nfs4_fh *fh, struct nfs4_call **call,
		       const struct nfs4_attrs **a)
{
	struct nfs4_compound c;
	struct nfs4_bitmap bm;

	nfs4_bitmap_of(&bm, FATTR4_SUPPORTED_ATTRS, FATTR4_CLONE_BLKSIZE, FATTR4_SPACE_FREED, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_getattr(&c, &bm);
	*call = run_ok(&c);
	*a = &nfs4_call_op(*call, 1)->u.getattr;
	nfs4_compound_release(&c);
}

static void clone_call(const struct nfs4_fh *src, const struct nfs4_stateid *ssid,
		       const struct nfs4_fh *dst, const struct nfs4_stateid *dsid,
		       uint64_t soff, uint64_t doff, uint64_t count, nfsstat4 want)
{
	struct nfs4_compound c;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, src);
	nfs4_op_savefh(&c);
	nfs4_op_putfh(&c, dst);
	nfs4_op_clone(&c, ssid, dsid, soff, doff, count);
	expect_status(&c, 3, want);
}

static void test_clone(void **state)
{
	struct nfs4_fh sfh, dfh;
	struct nfs4_stateid ssid, dsid;
	struct nfs4_call *call;
	const struct nfs4_attrs *at;
	struct stat st;
	uint8_t *src, *dst;
	size_t slen, dlen;

	(void)state;
	host_pwrite("csrc", 0, 256 * KB, 8);
	host_pwrite("cdst", 0, 1, 9);
	host_truncate("cdst", 0);
	open_file("csrc", OPEN4_SHARE_ACCESS_READ, &sfh, &ssid);
	open_file("cdst", OPEN4_SHARE_ACCESS_BOTH, &dfh, &dsid);
	getattr_of(&sfh, &call, &at);
	host_stat("csrc", &st);

	if (g.fstype == BTRFS_MAGIC) {
		/* reflink: clone_blksize advertised, space_freed not */
		assert_true(nfs4_bitmap_isset(&at->supported_attrs, FATTR4_CLONE_BLKSIZE));
		assert_false(nfs4_bitmap_isset(&at->supported_attrs, FATTR4_SPACE_FREED));
		assert_true(nfs4_attrs_has(at, FATTR4_CLONE_BLKSIZE));
		assert_true(at->clone_blksize >= 512);
		nfs4_call_free(call);
		clone_call(&sfh, &ssid, &dfh, &dsid, 64 * KB, 0, 128 * KB, NFS4_OK);
		/* count 0: to the end of the source */
		clone_call(&sfh, &ssid, &dfh, &dsid, 192 * KB, 128 * KB, 0, NFS4_OK);
		src = host_read_all("csrc", &slen);
		dst = host_read_all("cdst", &dlen);
		assert_int_equal(dlen, 192 * KB);
		assert_memory_equal(dst, src + 64 * KB, 192 * KB);
		free(src);
		free(dst);
		/* misaligned ranges and source ranges past the end */
		clone_call(&sfh, &ssid, &dfh, &dsid, 100, 0, 4096, NFS4ERR_INVAL);
		clone_call(&sfh, &ssid, &dfh, &dsid, 0, 0, 512 * KB, NFS4ERR_INVAL);
		/* one file, overlapping */
		clone_call(&dfh, &dsid, &dfh, &dsid, 0, 64 * KB, 128 * KB, NFS4ERR_INVAL);
	} else {
		/* no reflink (ext4): CLONE is not supported, and space_freed
		 * (not clone_blksize) is advertised */
		assert_false(nfs4_bitmap_isset(&at->supported_attrs, FATTR4_CLONE_BLKSIZE));
		assert_true(nfs4_bitmap_isset(&at->supported_attrs, FATTR4_SPACE_FREED));
		assert_true(nfs4_attrs_has(at, FATTR4_SPACE_FREED));
		assert_int_equal(at->space_freed, (uint64_t)st.st_blocks * 512u);
		nfs4_call_free(call);
		if (g.fstype == EXT4_MAGIC)
			clone_call(&sfh, &ssid, &dfh, &dsid, 0, 0, 64 * KB, NFS4ERR_NOTSUPP);
	}
	/* the range check comes first everywhere */
	clone_call(&sfh, &ssid, &dfh, &dsid, 300 * KB, 0, 4096, NFS4ERR_INVAL);
	/* and the destination must be writable through its stateid */
	clone_call(&sfh, &ssid, &sfh, &ssid, 0, 128 * KB, 64 * KB, NFS4ERR_OPENMODE);
	close_file(&sfh, &ssid);
	close_file(&dfh, &dsid);
}

/* ------------------------------------------------------------ IO_ADVISE */

static uint32_t advise(const struct nfs4_fh *fh, const struct nfs4_stateid *sid,
		       const struct nfs4_bitmap *hints)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	uint32_t got;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_io_advise(&c, sid, 0, 0, hints);
	call = run_ok(&c);
	got = nfs4_call_op(call, 1)->u.io_advise.n ? nfs4_call_op(call, 1)->u.io_advise.w[0] : 0;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return got;
}

static void test_io_advise(void **state)
{
	struct nfs4_fh fh;
	struct nfs4_stateid sid;
	struct nfs4_bitmap bm;

	(void)state;
	host_pwrite("adv", 0, 64 * KB, 10);
	open_file("adv", OPEN4_SHARE_ACCESS_READ, &fh, &sid);
	nfs4_bitmap_of(&bm, ADV_WILLNEED, -1);
	assert_int_equal(advise(&fh, &sid, &bm), 1u << ADV_WILLNEED);
	nfs4_bitmap_of(&bm, ADV_DONTNEED, ADV_SEQUENTIAL, -1);
	assert_int_equal(advise(&fh, &sid, &bm), (1u << ADV_DONTNEED) | (1u << ADV_SEQUENTIAL));
	/* contradictions are not errors: one access pattern is followed,
	 * WILLNEED and DONTNEED cancel out */
	nfs4_bitmap_of(&bm, ADV_RANDOM, ADV_SEQUENTIAL, ADV_NORMAL, ADV_WILLNEED, ADV_DONTNEED,
		       -1);
	assert_int_equal(advise(&fh, &sid, &bm), 1u << ADV_RANDOM);
	/* hints the server cannot follow are simply not reported */
	nfs4_bitmap_of(&bm, ADV_INIT_PROXIMITY, 31, -1);
	assert_int_equal(advise(&fh, &sid, &bm), 0);
	/* an access pattern needs the open's descriptor to last */
	nfs4_bitmap_of(&bm, ADV_SEQUENTIAL, ADV_WILLNEED, -1);
	assert_int_equal(advise(&fh, &nfs4_anon_stateid, &bm), 1u << ADV_WILLNEED);
	close_file(&fh, &sid);
}

/* ------------------------------------------- minor versions, NOTSUPP ops */

static void test_minor1_illegal(void **state)
{
	static const uint32_t ops[] = { OP_SEEK, OP_READ_PLUS, OP_ALLOCATE, OP_DEALLOCATE,
					OP_COPY, OP_CLONE, OP_IO_ADVISE };
	struct nfs4_client_opts o;
	struct nfs4_client *cl;
	struct nfs4_copy_args ca;

	(void)state;
	memset(&ca, 0, sizeof(ca));
	nfs4_client_opts_init(&o);
	o.host = getenv("LNFS_SERVER");
	o.port = getenv("LNFS_PORT");
	o.minor = 1;
	assert_int_equal(nfs4_client_connect(&o, &cl), 0);
	assert_int_equal(nfs4_client_setup(cl), 0);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct nfs4_compound c;
		struct nfs4_call *call = NULL;
		const struct nfs4_op_res *r;

		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &g.dirfh);
		switch (ops[i]) {
		case OP_SEEK:
			nfs4_op_seek(&c, &nfs4_anon_stateid, 0, NFS4_CONTENT_DATA);
			break;
		case OP_READ_PLUS:
			nfs4_op_read_plus(&c, &nfs4_anon_stateid, 0, 10);
			break;
		case OP_ALLOCATE:
			nfs4_op_allocate(&c, &nfs4_anon_stateid, 0, 10);
			break;
		case OP_DEALLOCATE:
			nfs4_op_deallocate(&c, &nfs4_anon_stateid, 0, 10);
			break;
		case OP_COPY:
			nfs4_op_copy(&c, &ca);
			break;
		case OP_CLONE:
			nfs4_op_clone(&c, &nfs4_anon_stateid, &nfs4_anon_stateid, 0, 0, 0);
			break;
		default:
			nfs4_op_io_advise(&c, &nfs4_anon_stateid, 0, 0, NULL);
			break;
		}
		assert_int_equal(nfs4_call_sync(cl, &c, &call), 0);
		assert_int_equal(call->res.status, NFS4ERR_OP_ILLEGAL);
		r = nfs4_call_op(call, 1);
		assert_non_null(r);
		assert_int_equal(r->op, OP_ILLEGAL);
		assert_int_equal(r->status, NFS4ERR_OP_ILLEGAL);
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	nfs4_client_teardown(cl);
	nfs4_client_free(cl);
}

static void test_notsupp_ops(void **state)
{
	static const uint32_t ops[] = { OP_WRITE_SAME, OP_COPY_NOTIFY, OP_OFFLOAD_CANCEL,
					OP_OFFLOAD_STATUS };
	uint8_t zeros[64] = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct nfs4_compound c;

		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &g.dirfh);
		nfs4_op_raw(&c, ops[i], zeros, sizeof(zeros));
		expect_status(&c, 1, NFS4ERR_NOTSUPP);
	}
}

/* A read-only export (LNFS_V42_RO): reading ops work, modifying ops are
 * NFS4ERR_ROFS. */
static void test_readonly_export(void **state)
{
	const char *ro = getenv("LNFS_V42_RO");
	char path[4200];
	struct nfs4_fh fh, wfh;
	struct nfs4_stateid wsid;
	struct nfs4_compound c;
	struct nfs4_copy_args a;

	(void)state;
	if (!ro) {
		skip();
		return;
	}
	snprintf(path, sizeof(path), "%s/ro", ro);
	if (nfs4_lookup_path(g.cl, path, &fh, NULL) != 0)
		fail_msg("lookup %s: %s", path, nfs4_client_error(g.cl));
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_seek(&c, &nfs4_anon_stateid, 0, NFS4_CONTENT_HOLE);
	expect_status(&c, 1, NFS4_OK);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_allocate(&c, &nfs4_anon_stateid, 0, 4096);
	expect_status(&c, 1, NFS4ERR_ROFS);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_deallocate(&c, &nfs4_anon_stateid, 0, 4096);
	expect_status(&c, 1, NFS4ERR_ROFS);
	/* COPY out of the read-only export is fine, into it is not */
	host_pwrite("fromro", 0, 1, 11);
	host_truncate("fromro", 0);
	open_file("fromro", OPEN4_SHARE_ACCESS_BOTH, &wfh, &wsid);
	memset(&a, 0, sizeof(a));
	a.src = nfs4_anon_stateid;
	a.dst = wsid;
	copy_call(&fh, &wfh, &a, NFS4_OK, 5);
	a.src = wsid;
	a.dst = nfs4_anon_stateid;
	copy_call(&wfh, &fh, &a, NFS4ERR_ROFS, 0);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &wfh);
	nfs4_op_savefh(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_clone(&c, &wsid, &nfs4_anon_stateid, 0, 0, 0);
	expect_status(&c, 3, NFS4ERR_ROFS);
	close_file(&wfh, &wsid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seek_matches_lseek),
		cmocka_unit_test(test_read_plus_segments),
		cmocka_unit_test(test_allocate_deallocate),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_io_advise),
		cmocka_unit_test(test_minor1_illegal),
		cmocka_unit_test(test_notsupp_ops),
		cmocka_unit_test(test_readonly_export),
	};

	return cmocka_run_group_tests_name("t_v42", tests, setup, teardown);
}
