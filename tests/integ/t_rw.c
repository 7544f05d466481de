/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_rw.c - the read-write server against a live lnfsd: create, write (each
 * stable_how, with the committed level and the write verifier checked),
 * read back, rename in and across directories and over an existing target,
 * remove; GUARDED4 and the EXCLUSIVE4_1 retry rule; share reservations
 * between two clients (the second connecting from 127.0.0.2); SETATTR of
 * mode, size and times with the attrsset bitmap.  Every effect is checked on
 * the host's own view of the export.
 *
 * Run by run.sh: LNFS_SERVER, LNFS_PORT and LNFS_EXPORT name the server.
 */
#include <errno.h>
#include <fcntl.h>
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

static struct {
	struct nfs4_client *a, *b;  /* b connects from 127.0.0.2 */
	char hostdir[4096];         /* our directory, host view */
	char srvdir[4096];          /* the same, server path */
	struct nfs4_fh dirfh, subfh;
} g;

static struct nfs4_client *connect_client(const char *src, const char *owner)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl;

	nfs4_client_opts_init(&o);
	o.host = getenv("LNFS_SERVER");
	o.port = getenv("LNFS_PORT");
	o.src_addr = src;
	o.owner = owner;
	o.uid = 0;
	o.gid = 0;
	o.minor = 2;
	if (nfs4_client_connect(&o, &cl) != 0)
		fail_msg("connect failed");
	if (nfs4_client_setup(cl) != 0)
		fail_msg("session setup: %s", nfs4_client_error(cl));
	return cl;
}

static struct nfs4_call *run(struct nfs4_client *cl, struct nfs4_compound *c)
{
	struct nfs4_call *call = NULL;

	if (nfs4_call_sync(cl, c, &call) != 0)
		fail_msg("call failed: %s", nfs4_client_error(cl));
	nfs4_compound_reset(c);
	return call;
}

static void host_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", g.hostdir, name);
}

static char *host_read(const char *name)
{
	static char buf[4096];
	char p[4200];
	ssize_t n;
	int fd;

	host_path(p, sizeof(p), name);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = 0;
	return buf;
}

static bool host_exists(const char *name)
{
	char p[4200];
	struct stat st;

	host_path(p, sizeof(p), name);
	return lstat(p, &st) == 0;
}

/* OPEN in dir `dir` (CLAIM_NULL); returns the status, fh and stateid. */
static nfsstat4 do_open(struct nfs4_client *cl, const struct nfs4_fh *dir, const char *name,
			const char *owner, uint32_t access, uint32_t deny, bool create,
			uint32_t mode, const uint8_t *verf, struct nfs4_fh *fh,
			struct nfs4_stateid *sid)
{
	struct nfs4_open_args oa;
	struct nfs4_setattrs sa;
	struct nfs4_compound c;
	struct nfs4_call *call;
	nfsstat4 st;

	memset(&oa, 0, sizeof(oa));
	memset(&sa, 0, sizeof(sa));
	oa.share_access = access | OPEN4_SHARE_ACCESS_WANT_NO_DELEG;
	oa.share_deny = deny;
	oa.clientid = nfs4_client_clientid(cl);
	oa.owner = owner;
	oa.owner_len = (uint32_t)strlen(owner);
	oa.claim = CLAIM_NULL;
	oa.name = name;
	oa.create = create;
	oa.createmode = mode;
	if (create && mode != EXCLUSIVE4 && mode != EXCLUSIVE4_1) {
		nfs4_bitmap_set(&sa.mask, FATTR4_MODE);
		sa.mode = 0640;
		oa.attrs = &sa;
	}
	if (verf)
		memcpy(oa.verifier, verf, NFS4_VERIFIER_SIZE);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, dir);
	nfs4_op_open(&c, &oa);
	nfs4_op_getfh(&c);
	call = run(cl, &c);
	st = call->res.status;
	if (st == NFS4_OK) {
		if (sid)
			*sid = nfs4_call_op(call, 1)->u.open.stateid;
		if (fh)
			*fh = nfs4_call_op(call, 2)->u.getfh;
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return st;
}

static void do_close(struct nfs4_client *cl, const struct nfs4_fh *fh,
		     const struct nfs4_stateid *sid)
{
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_close(&c, sid);
	call = run(cl, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_create_write_read(void **state)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;
	struct nfs4_fh fh;
	struct nfs4_stateid sid;
	uint8_t verf_w[NFS4_VERIFIER_SIZE];
	struct stat st;
	char p[4200];

	assert_int_equal(do_open(g.a, &g.dirfh, "a", "rw-a", OPEN4_SHARE_ACCESS_BOTH, 0, true,
				 GUARDED4, NULL, &fh, &sid),
			 NFS4_OK);
	host_path(p, sizeof(p), "a");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);

	/* FILE_SYNC4: the reply says FILE_SYNC4 */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_write(&c, &sid, 0, FILE_SYNC4, "hello ", 6);
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	r = nfs4_call_op(call, 1);
	assert_int_equal(r->u.write.count, 6);
	assert_int_equal(r->u.write.committed, FILE_SYNC4);
	nfs4_call_free(call);
	/* UNSTABLE4 then COMMIT: same verifier */
	nfs4_op_putfh(&c, &fh);
	nfs4_op_write(&c, &sid, 6, UNSTABLE4, "world", 5);
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	r = nfs4_call_op(call, 1);
	assert_int_equal(r->u.write.committed, UNSTABLE4);
	memcpy(verf_w, r->u.write.verifier, sizeof(verf_w));
	nfs4_call_free(call);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_commit(&c, 0, 0);
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	assert_memory_equal(nfs4_call_op(call, 1)->u.commit.verifier, verf_w, NFS4_VERIFIER_SIZE);
	nfs4_call_free(call);
	assert_string_equal(host_read("a"), "hello world");
	/* read back through NFS */
	nfs4_op_putfh(&c, &fh);
	nfs4_op_read(&c, &sid, 0, 100);
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	r = nfs4_call_op(call, 1);
	assert_int_equal(r->u.read.data.len, 11);
	assert_memory_equal(r->u.read.data.data, "hello world", 11);
	assert_true(r->u.read.eof);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	do_close(g.a, &fh, &sid);

	/* GUARDED4 on an existing name */
	assert_int_equal(do_open(g.a, &g.dirfh, "a", "rw-a", OPEN4_SHARE_ACCESS_READ, 0, true,
				 GUARDED4, NULL, NULL, NULL),
			 NFS4ERR_EXIST);
}

static void test_rename_remove(void **state)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;
	char p[4200];
	int fd;

	host_path(p, sizeof(p), "r1");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "one", 3), 3);
	close(fd);
	host_path(p, sizeof(p), "r2");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "two", 3), 3);
	close(fd);

	/* same directory */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_savefh(&c);
	nfs4_op_rename(&c, "r1", "r1b");
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	r = nfs4_call_op(call, 2);
	assert_true(r->u.rename.source.after != r->u.rename.source.before ||
		    r->u.rename.source.after != 0);
	nfs4_call_free(call);
	assert_false(host_exists("r1"));
	assert_string_equal(host_read("r1b"), "one");
	/* over an existing target */
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_savefh(&c);
	nfs4_op_rename(&c, "r1b", "r2");
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	nfs4_call_free(call);
	assert_string_equal(host_read("r2"), "one");
	/* across directories */
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_savefh(&c);
	nfs4_op_putfh(&c, &g.subfh);
	nfs4_op_rename(&c, "r2", "moved");
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	nfs4_call_free(call);
	assert_false(host_exists("r2"));
	assert_string_equal(host_read("sub/moved"), "one");
	/* a missing source */
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_savefh(&c);
	nfs4_op_rename(&c, "nope", "x");
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4ERR_NOENT);
	nfs4_call_free(call);
	/* remove */
	nfs4_op_putfh(&c, &g.subfh);
	nfs4_op_remove(&c, "moved");
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	nfs4_call_free(call);
	assert_false(host_exists("sub/moved"));
	nfs4_op_putfh(&c, &g.subfh);
	nfs4_op_remove(&c, "moved");
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4ERR_NOENT);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_exclusive_retry(void **state)
{
	static const uint8_t v1[NFS4_VERIFIER_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t v2[NFS4_VERIFIER_SIZE] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	struct nfs4_fh fh1, fh2;
	struct nfs4_stateid s1, s2;

	assert_int_equal(do_open(g.a, &g.dirfh, "x", "rw-x", OPEN4_SHARE_ACCESS_BOTH, 0, true,
				 EXCLUSIVE4_1, v1, &fh1, &s1),
			 NFS4_OK);
	/* the retry of the same create (same verifier) succeeds on the same file */
	assert_int_equal(do_open(g.a, &g.dirfh, "x", "rw-x", OPEN4_SHARE_ACCESS_BOTH, 0, true,
				 EXCLUSIVE4_1, v1, &fh2, &s2),
			 NFS4_OK);
	assert_int_equal(fh1.len, fh2.len);
	assert_memory_equal(fh1.data, fh2.data, fh1.len);
	/* another creator's verifier: EXIST */
	assert_int_equal(do_open(g.a, &g.dirfh, "x", "rw-y", OPEN4_SHARE_ACCESS_BOTH, 0, true,
				 EXCLUSIVE4_1, v2, NULL, NULL),
			 NFS4ERR_EXIST);
	do_close(g.a, &fh2, &s2);
}

static void test_share_deny(void **state)
{
	struct nfs4_fh fha, fhb;
	struct nfs4_stateid sa, sb;
	char p[4200];
	int fd;

	host_path(p, sizeof(p), "s");
	fd = open(p, O_CREAT | O_WRONLY, 0666);
	assert_true(fd >= 0);
	close(fd);
	/* a holds it for reading and writing and denies writers */
	assert_int_equal(do_open(g.a, &g.dirfh, "s", "share-a", OPEN4_SHARE_ACCESS_BOTH,
				 OPEN4_SHARE_DENY_WRITE, false, 0, NULL, &fha, &sa),
			 NFS4_OK);
	assert_int_equal(do_open(g.b, &g.dirfh, "s", "share-b", OPEN4_SHARE_ACCESS_WRITE, 0, false,
				 0, NULL, NULL, NULL),
			 NFS4ERR_SHARE_DENIED);
	/* b's own deny conflicting with a's access */
	assert_int_equal(do_open(g.b, &g.dirfh, "s", "share-b", OPEN4_SHARE_ACCESS_READ,
				 OPEN4_SHARE_DENY_READ, false, 0, NULL, NULL, NULL),
			 NFS4ERR_SHARE_DENIED);
	assert_int_equal(do_open(g.b, &g.dirfh, "s", "share-b", OPEN4_SHARE_ACCESS_READ, 0, false,
				 0, NULL, &fhb, &sb),
			 NFS4_OK);
	do_close(g.b, &fhb, &sb);
	do_close(g.a, &fha, &sa);
	/* once a closed, b may write */
	assert_int_equal(do_open(g.b, &g.dirfh, "s", "share-b", OPEN4_SHARE_ACCESS_WRITE, 0, false,
				 0, NULL, &fhb, &sb),
			 NFS4_OK);
	do_close(g.b, &fhb, &sb);
}

static void test_setattr(void **state)
{
	static const struct nfs4_stateid anon;
	struct nfs4_setattrs sa;
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_fh fh;
	const struct nfs4_op_res *r;
	struct stat st;
	char p[4200];
	int fd;

	host_path(p, sizeof(p), "t");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_lookup(&c, "t");
	nfs4_op_getfh(&c);
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	fh = nfs4_call_op(call, 2)->u.getfh;
	nfs4_call_free(call);

	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_set(&sa.mask, FATTR4_MODE);
	nfs4_bitmap_set(&sa.mask, FATTR4_SIZE);
	nfs4_bitmap_set(&sa.mask, FATTR4_TIME_MODIFY_SET);
	sa.mode = 0600;
	sa.size = 4;
	sa.mtime_how = SET_TO_CLIENT_TIME4;
	sa.mtime.sec = 1000000000;
	sa.mtime.nsec = 5;
	nfs4_op_putfh(&c, &fh);
	nfs4_op_setattr(&c, &anon, &sa);
	call = run(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	r = nfs4_call_op(call, 1);
	/* attrsset: exactly the three attributes */
	assert_true(nfs4_bitmap_isset(&r->u.setattr, FATTR4_MODE));
	assert_true(nfs4_bitmap_isset(&r->u.setattr, FATTR4_SIZE));
	assert_true(nfs4_bitmap_isset(&r->u.setattr, FATTR4_TIME_MODIFY_SET));
	assert_false(nfs4_bitmap_isset(&r->u.setattr, FATTR4_TIME_ACCESS_SET));
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(st.st_mtim.tv_sec, 1000000000);
	assert_int_equal(st.st_mtim.tv_nsec, 5);
}

static int setup(void **state)
{
	const char *export = getenv("LNFS_EXPORT");
	char name[64], sub[4200];

	if (!getenv("LNFS_SERVER") || !getenv("LNFS_PORT") || !export) {
		fprintf(stderr, "t_rw: run through tests/integ/run.sh\n");
		exit(77);
	}
	snprintf(name, sizeof(name), "t_rw.%d", (int)getpid());
	snprintf(g.hostdir, sizeof(g.hostdir), "%s/%s", export, name);
	snprintf(g.srvdir, sizeof(g.srvdir), "%s/%s", export, name);
	assert_int_equal(mkdir(g.hostdir, 0777), 0);
	snprintf(sub, sizeof(sub), "%s/sub", g.hostdir);
	assert_int_equal(mkdir(sub, 0777), 0);
	g.a = connect_client(NULL, "t_rw-a");
	g.b = connect_client("127.0.0.2", "t_rw-b");
	if (nfs4_lookup_path(g.a, g.srvdir, &g.dirfh, NULL) != 0)
		fail_msg("lookup %s", g.srvdir);
	snprintf(sub, sizeof(sub), "%s/sub", g.srvdir);
	if (nfs4_lookup_path(g.a, sub, &g.subfh, NULL) != 0)
		fail_msg("lookup %s", sub);
	return 0;
}

static int teardown(void **state)
{
	nfs4_client_teardown(g.a);
	nfs4_client_free(g.a);
	nfs4_client_teardown(g.b);
	nfs4_client_free(g.b);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_write_read),
		cmocka_unit_test(test_rename_remove),
		cmocka_unit_test(test_exclusive_retry),
		cmocka_unit_test(test_share_deny),
		cmocka_unit_test(test_setattr),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
