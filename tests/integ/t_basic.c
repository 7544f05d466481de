/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_basic.c - read-side integration test: a tree made on the host must look
 * the same through the server.  Compares READDIR listings (names, types,
 * sizes, fileids), GETATTR (size, mode, nlink, mtime, owner) and file
 * contents with the host's lstat()/read(), checks READLINK, LOOKUP of a
 * missing name, LOOKUPP, and keeps 32 READs in flight on one session.
 *
 * Run by run.sh: LNFS_SERVER, LNFS_PORT and LNFS_EXPORT (the export's path
 * in the server's namespace) name the server; NFS4_TEST_EXPORT_HOSTDIR, when
 * set, is where that export lives on this host (default: LNFS_EXPORT).  The
 * test works in its own subdirectory and removes it at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/lib/nfs4_client.h"

#define BIG_SIZE (1u << 20)
#define MANY_FILES 150

static struct {
	struct nfs4_client *cl;
	char hostdir[4096];	/* our subdirectory on the host */
	char srvdir[4096];	/* the same directory in the server's namespace */
	struct nfs4_fh dirfh;
} g;

/* ----------------------------------------------------------- host tree */

static void host_write(const char *rel, const void *data, size_t len, mode_t mode)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", g.hostdir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void host_mkdir(const char *rel)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", g.hostdir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void big_pattern(uint8_t *buf, size_t len)
{
	uint32_t v = 0x12345678;

	for (size_t i = 0; i < len; i++) {
		v = v * 1103515245u + 12345u;
		buf[i] = (uint8_t)(v >> 16);
	}
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* ---------------------------------------------------------- NFS helpers */

/* Run c and require NFS4_OK; the caller frees the call. */
static struct nfs4_call *run_ok(struct nfs4_compound *c)
{
	struct nfs4_call *call = NULL;
	int rc = nfs4_call_sync(g.cl, c, &call);

	if (rc != 0)
		fail_msg("call failed: %s", nfs4_client_error(g.cl));
	if (call->res.status != NFS4_OK) {
		const struct nfs4_op_res *bad = nfs4_call_failed_op(call);

		fail_msg("%s failed: %s", bad ? nfs4_op_name(bad->op) : "?",
			 nfs4_stat_name(call->res.status));
	}
	return call;
}

static void lookup_rel(const char *rel, struct nfs4_fh *fh)
{
	char path[8400];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", g.srvdir, rel);
	rc = nfs4_lookup_path(g.cl, path, fh, NULL);
	if (rc != 0)
		fail_msg("%s", nfs4_client_error(g.cl));
}

static uint32_t nfs_type(mode_t m)
{
	if (S_ISREG(m))
		return NF4REG;
	if (S_ISDIR(m))
		return NF4DIR;
	if (S_ISLNK(m))
		return NF4LNK;
	if (S_ISFIFO(m))
		return NF4FIFO;
	if (S_ISSOCK(m))
		return NF4SOCK;
	if (S_ISBLK(m))
		return NF4BLK;
	return NF4CHR;
}

/* owner may be numeric ("1000"), a name ("root") or name@domain */
static void assert_owner(const struct xdr_view *v, uid_t uid)
{
	char s[1100], num[32];
	struct passwd *pw = getpwuid(uid);
	char *at;

	snprintf(s, sizeof(s), "%.*s", (int)v->len, (const char *)v->data);
	snprintf(num, sizeof(num), "%u", (unsigned int)uid);
	if (strcmp(s, num) == 0)
		return;
	at = strchr(s, '@');
	if (at)
		*at = 0;
	if (pw && strcmp(s, pw->pw_name) == 0)
		return;
	fail_msg("owner %s does not match uid %u", s, (unsigned int)uid);
}

static void assert_attrs_match(const char *what, const struct nfs4_attrs *a,
			       const struct stat *st)
{
	if (a->type != nfs_type(st->st_mode))
		fail_msg("%s: type %u, host %u", what, a->type, nfs_type(st->st_mode));
	if (a->fileid != (uint64_t)st->st_ino)
		fail_msg("%s: fileid %llu, host ino %llu", what, (unsigned long long)a->fileid,
			 (unsigned long long)st->st_ino);
	if (!S_ISDIR(st->st_mode) && a->size != (uint64_t)st->st_size)
		fail_msg("%s: size %llu, host %lld", what, (unsigned long long)a->size,
			 (long long)st->st_size);
	if ((a->mode & 07777) != (st->st_mode & 07777))
		fail_msg("%s: mode %o, host %o", what, a->mode & 07777, st->st_mode & 07777);
}

/* Full listing of a directory, small replies to force several READDIRs. */
struct listing {
	size_t n;
	char **names;
	struct nfs4_attrs *attrs;	/* views unusable after the call: scalars only */
};

static void list_dir(const struct nfs4_fh *dir, struct listing *l)
{
	struct nfs4_bitmap bm;
	uint8_t verf[NFS4_VERIFIER_SIZE] = { 0 };
	uint64_t cookie = 0;
	bool eof = false;
	unsigned int rounds = 0;

	memset(l, 0, sizeof(*l));
	nfs4_bitmap_of(&bm, FATTR4_TYPE, FATTR4_SIZE, FATTR4_FILEID, FATTR4_MODE,
		       FATTR4_NUMLINKS, FATTR4_RDATTR_ERROR, -1);
	while (!eof) {
		struct nfs4_compound c;
		struct nfs4_call *call;
		const struct nfs4_op_res *r;

		assert_true(++rounds < 10000);
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, dir);
		nfs4_op_readdir(&c, cookie, verf, 1024, 2048, &bm);
		call = run_ok(&c);
		r = nfs4_call_op(call, 1);
		assert_non_null(r);
		for (uint32_t i = 0; i < r->u.readdir.count; i++) {
			const struct nfs4_dirent *e = &r->u.readdir.entries[i];

			l->names = realloc(l->names, (l->n + 1) * sizeof(*l->names));
			l->attrs = realloc(l->attrs, (l->n + 1) * sizeof(*l->attrs));
			l->names[l->n] = strndup((const char *)e->name.data, e->name.len);
			l->attrs[l->n] = e->attrs;
			l->n++;
			cookie = e->cookie;
		}
		memcpy(verf, r->u.readdir.verifier, sizeof(verf));
		eof = r->u.readdir.eof;
		assert_true(eof || r->u.readdir.count > 0);
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
}

static void free_listing(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	free(l->attrs);
}

static void compare_listing(const char *rel)
{
	char hpath[4200];
	struct nfs4_fh fh;
	struct listing l;
	DIR *d;
	struct dirent *de;
	size_t host_n = 0;

	if (rel[0])
		lookup_rel(rel, &fh);
	else
		fh = g.dirfh;
	list_dir(&fh, &l);
	snprintf(hpath, sizeof(hpath), "%s/%s", g.hostdir, rel);
	d = opendir(hpath);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char p[8400];
		struct stat st;
		size_t i;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		host_n++;
		snprintf(p, sizeof(p), "%s/%s", hpath, de->d_name);
		assert_int_equal(lstat(p, &st), 0);
		for (i = 0; i < l.n; i++)
			if (strcmp(l.names[i], de->d_name) == 0)
				break;
		if (i == l.n)
			fail_msg("%s/%s missing from READDIR", rel, de->d_name);
		assert_attrs_match(de->d_name, &l.attrs[i], &st);
		if (nfs4_attrs_has(&l.attrs[i], FATTR4_NUMLINKS))
			assert_int_equal(l.attrs[i].numlinks, st.st_nlink);
	}
	closedir(d);
	if (l.n != host_n)
		fail_msg("%s: READDIR gave %zu entries, host has %zu", rel, l.n, host_n);
	free_listing(&l);
}

/* ---------------------------------------------------------------- setup */

static int setup(void **state)
{
	const char *server = getenv("LNFS_SERVER");
	const char *port = getenv("LNFS_PORT");
	const char *export = getenv("LNFS_EXPORT");
	const char *hostexp = getenv("NFS4_TEST_EXPORT_HOSTDIR");
	char name[64];
	struct nfs4_client_opts o;
	uint8_t *big;
	int rc;

	if (!server || !port || !export) {
		fprintf(stderr, "t_basic: LNFS_SERVER/LNFS_PORT/LNFS_EXPORT not set "
				"(run through tests/integ/run.sh)\n");
		exit(77);
	}
	if (getenv("NFS4_TEST_SERVER") && !hostexp) {
		fprintf(stderr, "t_basic: NFS4_TEST_SERVER needs NFS4_TEST_EXPORT_HOSTDIR\n");
		exit(77);
	}
	if (!hostexp)
		hostexp = export;
	snprintf(name, sizeof(name), "t_basic.%d", (int)getpid());
	snprintf(g.hostdir, sizeof(g.hostdir), "%s/%s", hostexp, name);
	snprintf(g.srvdir, sizeof(g.srvdir), "%s/%s", export, name);

	/* the tree, made before the server ever looks at it */
	assert_int_equal(mkdir(g.hostdir, 0755), 0);
	host_write("hello.txt", "hello, world\n", 13, 0644);
	host_write("empty", "", 0, 0600);
	host_write("script.sh", "#!/bin/sh\necho hi\n", 18, 0755);
	host_mkdir("a");
	host_mkdir("a/b");
	host_mkdir("a/b/c");
	host_write("a/b/c/deep.txt", "deep down\n", 10, 0640);
	host_write("a/top.txt", "top\n", 4, 0644);
	host_mkdir("many");
	for (int i = 0; i < MANY_FILES; i++) {
		char rel[64], body[64];
		int n = snprintf(body, sizeof(body), "file number %d\n", i);

		snprintf(rel, sizeof(rel), "many/f%03d-with-a-longish-name", i);
		host_write(rel, body, (size_t)n, 0644);
	}
	{
		char lp[4200];

		snprintf(lp, sizeof(lp), "%s/link", g.hostdir);
		assert_int_equal(symlink("hello.txt", lp), 0);
		snprintf(lp, sizeof(lp), "%s/a/b/hardlink", g.hostdir);
		{
			char src[4200];

			snprintf(src, sizeof(src), "%s/a/top.txt", g.hostdir);
			assert_int_equal(link(src, lp), 0);
		}
	}
	big = malloc(BIG_SIZE);
	assert_non_null(big);
	big_pattern(big, BIG_SIZE);
	host_write("big.bin", big, BIG_SIZE, 0644);
	free(big);

	nfs4_client_opts_init(&o);
	o.host = server;
	o.port = port;
	o.fore.maxrequests = 64;	/* ask for many; at least 16 expected */
	rc = nfs4_client_connect(&o, &g.cl);
	if (rc < 0)
		fail_msg("connect %s:%s: %s", server, port, strerror(-rc));
	rc = nfs4_client_setup(g.cl);
	if (rc != 0)
		fail_msg("session setup: %s", nfs4_client_error(g.cl));
	rc = nfs4_lookup_path(g.cl, g.srvdir, &g.dirfh, NULL);
	if (rc != 0)
		fail_msg("%s", nfs4_client_error(g.cl));
	return 0;
}

static int teardown(void **state)
{
	if (g.cl) {
		nfs4_client_teardown(g.cl);
		nfs4_client_free(g.cl);
	}
	if (g.hostdir[0])
		nftw(g.hostdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ---------------------------------------------------------------- tests */

static void test_readdir_listings(void **state)
{
	compare_listing("");
	compare_listing("a");
	compare_listing("a/b");
	compare_listing("many");
}

static void test_getattr_matches_stat(void **state)
{
	static const char *const files[] = { "hello.txt", "empty", "script.sh", "a",
					     "a/b/c/deep.txt", "link", "big.bin",
					     "a/b/hardlink" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char hp[4200];
		struct stat st;
		struct nfs4_fh fh;
		struct nfs4_bitmap bm;
		struct nfs4_compound c;
		struct nfs4_call *call;
		const struct nfs4_attrs *a;

		snprintf(hp, sizeof(hp), "%s/%s", g.hostdir, files[i]);
		assert_int_equal(lstat(hp, &st), 0);
		lookup_rel(files[i], &fh);
		nfs4_bitmap_common(&bm);
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &fh);
		nfs4_op_getattr(&c, &bm);
		call = run_ok(&c);
		a = &nfs4_call_op(call, 1)->u.getattr;
		assert_true(nfs4_attrs_has(a, FATTR4_TYPE));
		assert_true(nfs4_attrs_has(a, FATTR4_SIZE));
		assert_true(nfs4_attrs_has(a, FATTR4_MODE));
		assert_true(nfs4_attrs_has(a, FATTR4_NUMLINKS));
		assert_true(nfs4_attrs_has(a, FATTR4_TIME_MODIFY));
		assert_true(nfs4_attrs_has(a, FATTR4_OWNER));
		assert_attrs_match(files[i], a, &st);
		if (a->numlinks != st.st_nlink)
			fail_msg("%s: numlinks %u, host %u", files[i], a->numlinks,
				 (unsigned int)st.st_nlink);
		if (a->time_modify.sec != (int64_t)st.st_mtim.tv_sec)
			fail_msg("%s: mtime %lld, host %lld", files[i],
				 (long long)a->time_modify.sec, (long long)st.st_mtim.tv_sec);
		assert_owner(&a->owner, st.st_uid);
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
}

/* OPEN for reading by name in dir; returns the file's fh and stateid. */
static void open_read(const char *rel, struct nfs4_fh *fh, struct nfs4_stateid *sid)
{
	char dir[4200];
	const char *slash = strrchr(rel, '/');
	struct nfs4_fh dirfh;
	struct nfs4_open_args oa;
	struct nfs4_compound c;
	struct nfs4_call *call;

	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
		lookup_rel(dir, &dirfh);
	} else {
		dirfh = g.dirfh;
	}
	memset(&oa, 0, sizeof(oa));
	oa.share_access = OPEN4_SHARE_ACCESS_READ | OPEN4_SHARE_ACCESS_WANT_NO_DELEG;
	oa.clientid = nfs4_client_clientid(g.cl);
	oa.owner = "t_basic";
	oa.owner_len = 7;
	oa.claim = CLAIM_NULL;
	oa.name = slash ? slash + 1 : rel;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &dirfh);
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

static void read_and_compare(const char *rel, uint32_t chunk)
{
	char hp[4200];
	struct nfs4_fh fh;
	struct nfs4_stateid sid;
	uint8_t *host;
	struct stat st;
	uint64_t off = 0;
	bool eof = false;
	int fd;

	snprintf(hp, sizeof(hp), "%s/%s", g.hostdir, rel);
	fd = open(hp, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	host = malloc((size_t)st.st_size + 1);
	assert_int_equal(read(fd, host, (size_t)st.st_size), st.st_size);
	close(fd);

	open_read(rel, &fh, &sid);
	while (!eof) {
		struct nfs4_compound c;
		struct nfs4_call *call;
		const struct nfs4_op_res *r;

		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &fh);
		nfs4_op_read(&c, &sid, off, chunk);
		call = run_ok(&c);
		r = nfs4_call_op(call, 1);
		assert_true(off + r->u.read.data.len <= (uint64_t)st.st_size);
		if (r->u.read.data.len)
			assert_memory_equal(r->u.read.data.data, host + off, r->u.read.data.len);
		off += r->u.read.data.len;
		eof = r->u.read.eof;
		if (!eof)
			assert_true(r->u.read.data.len > 0);
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	assert_int_equal(off, st.st_size);
	close_file(&fh, &sid);
	free(host);
}

static void test_read_contents(void **state)
{
	read_and_compare("hello.txt", 4096);
	read_and_compare("empty", 4096);
	read_and_compare("a/b/c/deep.txt", 3);
	read_and_compare("big.bin", 65536);
	read_and_compare("big.bin", 100000);	/* chunks not aligned to pages */
}

static void test_readlink(void **state)
{
	struct nfs4_fh fh;
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;

	lookup_rel("link", &fh);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_readlink(&c);
	call = run_ok(&c);
	r = nfs4_call_op(call, 1);
	assert_int_equal(r->u.readlink.len, 9);
	assert_memory_equal(r->u.readlink.data, "hello.txt", 9);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_lookup_noent(void **state)
{
	struct nfs4_compound c;
	struct nfs4_call *call = NULL;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_lookup(&c, "does-not-exist");
	nfs4_op_getfh(&c);
	assert_int_equal(nfs4_call_sync(g.cl, &c, &call), 0);
	assert_int_equal(call->res.status, NFS4ERR_NOENT);
	/* SEQUENCE, PUTFH, LOOKUP: the compound stops at the failing op */
	assert_int_equal(call->res.nres, 3);
	assert_int_equal(nfs4_call_op(call, 0)->status, NFS4_OK);
	assert_int_equal(nfs4_call_op(call, 1)->op, OP_LOOKUP);
	assert_int_equal(nfs4_call_op(call, 1)->status, NFS4ERR_NOENT);
	assert_null(nfs4_call_op(call, 2));
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_lookupp(void **state)
{
	char hp[4200];
	struct stat st;
	struct nfs4_fh fh;
	struct nfs4_bitmap bm;
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_bitmap_of(&bm, FATTR4_FILEID, FATTR4_TYPE, -1);
	lookup_rel("a/b/c", &fh);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_lookupp(&c);
	nfs4_op_getattr(&c, &bm);
	nfs4_op_lookupp(&c);
	nfs4_op_getattr(&c, &bm);
	nfs4_op_lookupp(&c);
	nfs4_op_getfh(&c);
	call = run_ok(&c);
	snprintf(hp, sizeof(hp), "%s/a/b", g.hostdir);
	assert_int_equal(stat(hp, &st), 0);
	assert_int_equal(nfs4_call_op(call, 2)->u.getattr.fileid, st.st_ino);
	assert_int_equal(nfs4_call_op(call, 2)->u.getattr.type, NF4DIR);
	snprintf(hp, sizeof(hp), "%s/a", g.hostdir);
	assert_int_equal(stat(hp, &st), 0);
	assert_int_equal(nfs4_call_op(call, 4)->u.getattr.fileid, st.st_ino);
	/* three levels up is our directory */
	assert_int_equal(nfs4_call_op(call, 6)->u.getfh.len, g.dirfh.len);
	assert_memory_equal(nfs4_call_op(call, 6)->u.getfh.data, g.dirfh.data, g.dirfh.len);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

struct par_state {
	unsigned int done;
	unsigned int max_inflight;
};

static void par_done(struct nfs4_call *call, void *arg)
{
	((struct par_state *)arg)->done++;
}

static void test_parallel_reads(void **state)
{
	enum { NCALLS = 32, CHUNK = 32768 };
	struct nfs4_call *calls[NCALLS];
	struct par_state ps = { 0, 0 };
	struct nfs4_fh fh;
	struct nfs4_stateid sid;
	uint8_t *want;

	assert_true(nfs4_client_nslots(g.cl) >= 16);
	want = malloc(BIG_SIZE);
	big_pattern(want, BIG_SIZE);
	open_read("big.bin", &fh, &sid);
	for (int i = 0; i < NCALLS; i++) {
		struct nfs4_compound c;

		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &fh);
		/* in reverse order, so the replies cannot simply be sequential */
		nfs4_op_read(&c, &sid, (uint64_t)(NCALLS - 1 - i) * CHUNK, CHUNK);
		if (nfs4_submit(g.cl, &c, par_done, &ps, &calls[i]) != 0)
			fail_msg("submit %d: %s", i, nfs4_client_error(g.cl));
		nfs4_compound_release(&c);
		if (nfs4_client_inflight(g.cl) > ps.max_inflight)
			ps.max_inflight = nfs4_client_inflight(g.cl);
	}
	for (int i = 0; i < NCALLS; i++) {
		const struct nfs4_op_res *r;
		uint64_t off = (uint64_t)(NCALLS - 1 - i) * CHUNK;

		if (nfs4_wait(g.cl, calls[i]) != 0)
			fail_msg("wait %d: %s", i, nfs4_client_error(g.cl));
		assert_int_equal(calls[i]->res.status, NFS4_OK);
		r = nfs4_call_op(calls[i], 1);
		assert_int_equal(r->u.read.data.len, CHUNK);
		assert_memory_equal(r->u.read.data.data, want + off, CHUNK);
		nfs4_call_free(calls[i]);
	}
	assert_int_equal(ps.done, NCALLS);
	/* every slot we were granted (up to 32) was in use at once */
	if (nfs4_client_nslots(g.cl) >= NCALLS)
		assert_int_equal(ps.max_inflight, NCALLS);
	else
		assert_int_equal(ps.max_inflight, nfs4_client_nslots(g.cl));
	fprintf(stderr, "t_basic: %u slots, %u READs in flight at most\n",
		nfs4_client_nslots(g.cl), ps.max_inflight);
	close_file(&fh, &sid);
	free(want);
}

/* A second client from another loopback source address sees the same tree. */
static void test_second_client_other_address(void **state)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl2;
	struct nfs4_fh fh;
	int rc;

	nfs4_client_opts_init(&o);
	o.host = getenv("LNFS_SERVER");
	o.port = getenv("LNFS_PORT");
	o.src_addr = strchr(o.host, ':') ? NULL : "127.0.0.2";
	rc = nfs4_client_connect(&o, &cl2);
	if (rc < 0)
		fail_msg("connect from 127.0.0.2: %s", strerror(-rc));
	assert_int_equal(nfs4_null(cl2), 0);
	assert_int_equal(nfs4_client_setup(cl2), 0);
	assert_int_equal(nfs4_lookup_path(cl2, g.srvdir, &fh, NULL), 0);
	assert_int_equal(fh.len, g.dirfh.len);
	assert_memory_equal(fh.data, g.dirfh.data, fh.len);
	assert_int_equal(nfs4_client_teardown(cl2), 0);
	nfs4_client_free(cl2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readdir_listings),
		cmocka_unit_test(test_getattr_matches_stat),
		cmocka_unit_test(test_read_contents),
		cmocka_unit_test(test_readlink),
		cmocka_unit_test(test_lookup_noent),
		cmocka_unit_test(test_lookupp),
		cmocka_unit_test(test_parallel_reads),
		cmocka_unit_test(test_second_client_other_address),
	};

	return cmocka_run_group_tests_name("t_basic", tests, setup, teardown);
}
