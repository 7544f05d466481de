/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_lock.c - byte-range locks against a live server (RFC 8881 §9,
 * §18.10-18.12).  Two clients with different client owners, one connecting
 * from 127.0.0.2, open the same file: overlapping locks are DENIED with the
 * holder named in LOCK4denied, LOCKU lets the other in, LOCKT tests without
 * taking.  Locks are real on the host: a local process holding an fcntl
 * lock on the exported file makes LOCK fail (owner "local", client ID 0),
 * and the host sees the NFS client's locks (F_OFD_GETLK, F_SETLK).  WRITE
 * works with a lock stateid; CLOSE with locks held is NFS4ERR_LOCKS_HELD
 * until LOCKU and FREE_STATEID.
 *
 * Run by run.sh: LNFS_SERVER, LNFS_PORT and LNFS_EXPORT name the server;
 * NFS4_TEST_EXPORT_HOSTDIR, when set, is where the export lives on this
 * host.  The test works in its own subdirectory and removes it at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/lib/nfs4_client.h"

static struct {
	struct nfs4_client *a, *b;	/* b connects from 127.0.0.2 */
	char hostdir[4096];
	char srvdir[4096];
	char hostfile[4200];
	struct nfs4_fh dirfh;
} g;

/* ---------------------------------------------------------- helpers */

static struct nfs4_call *call_sync(struct nfs4_client *cl, struct nfs4_compound *c)
{
	struct nfs4_call *call = NULL;

	if (nfs4_call_sync(cl, c, &call) != 0)
		fail_msg("call failed: %s", nfs4_client_error(cl));
	nfs4_compound_reset(c);
	return call;
}

/* OPEN "f" in our directory for owner with access; *fh, *sid out. */
static void open_f(struct nfs4_client *cl, const char *owner, uint32_t access,
		   struct nfs4_fh *fh, struct nfs4_stateid *sid)
{
	struct nfs4_open_args oa;
	struct nfs4_compound c;
	struct nfs4_call *call;

	memset(&oa, 0, sizeof(oa));
	oa.share_access = access | OPEN4_SHARE_ACCESS_WANT_NO_DELEG;
	oa.clientid = nfs4_client_clientid(cl);
	oa.owner = owner;
	oa.owner_len = (uint32_t)strlen(owner);
	oa.claim = CLAIM_NULL;
	oa.name = "f";
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dirfh);
	nfs4_op_open(&c, &oa);
	nfs4_op_getfh(&c);
	call = call_sync(cl, &c);
	if (call->res.status != NFS4_OK)
		fail_msg("OPEN: %s", nfs4_stat_name(call->res.status));
	*sid = nfs4_call_op(call, 1)->u.open.stateid;
	*fh = nfs4_call_op(call, 2)->u.getfh;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

struct lock_res {
	nfsstat4 status;
	struct nfs4_stateid stateid;	/* NFS4_OK */
	uint64_t offset, length, clientid;	/* NFS4ERR_DENIED */
	uint32_t locktype;
	char owner[64];
};

/* PUTFH fh + one lock op already in c; the lock op's result into *r. */
static void run_lock_op(struct nfs4_client *cl, struct nfs4_compound *c, uint32_t op,
			struct lock_res *r)
{
	struct nfs4_call *call = call_sync(cl, c);
	const struct nfs4_op_res *o = nfs4_call_op(call, 1);

	memset(r, 0, sizeof(*r));
	assert_non_null(o);
	assert_int_equal(o->op, op);
	r->status = o->status;
	r->stateid = o->u.lock.stateid;
	if (o->status == NFS4ERR_DENIED) {
		r->offset = o->u.lock.offset;
		r->length = o->u.lock.length;
		r->clientid = o->u.lock.clientid;
		r->locktype = o->u.lock.locktype;
		assert_true(o->u.lock.owner.len < sizeof(r->owner));
		memcpy(r->owner, o->u.lock.owner.data, o->u.lock.owner.len);
	}
	nfs4_call_free(call);
}

/* LOCK: owner != NULL sends open_to_lock_owner4 with open stateid sid. */
static void lock(struct nfs4_client *cl, const struct nfs4_fh *fh, uint32_t type, uint64_t off,
		 uint64_t len, const struct nfs4_stateid *sid, const char *owner,
		 struct lock_res *r)
{
	struct nfs4_compound c;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_lock(&c, type, false, off, len, owner != NULL, sid, owner,
		     owner ? (uint32_t)strlen(owner) : 0);
	run_lock_op(cl, &c, OP_LOCK, r);
	nfs4_compound_release(&c);
}

static void lockt(struct nfs4_client *cl, const struct nfs4_fh *fh, uint32_t type, uint64_t off,
		  uint64_t len, const char *owner, struct lock_res *r)
{
	struct nfs4_compound c;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_lockt(&c, type, off, len, owner, (uint32_t)strlen(owner));
	run_lock_op(cl, &c, OP_LOCKT, r);
	nfs4_compound_release(&c);
}

static void locku(struct nfs4_client *cl, const struct nfs4_fh *fh, uint64_t off, uint64_t len,
		  const struct nfs4_stateid *sid, struct lock_res *r)
{
	struct nfs4_compound c;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_locku(&c, WRITE_LT, sid, off, len);
	run_lock_op(cl, &c, OP_LOCKU, r);
	nfs4_compound_release(&c);
}

/* A one-op compound after PUTFH (CLOSE, FREE_STATEID): its status. */
static nfsstat4 close_f(struct nfs4_client *cl, const struct nfs4_fh *fh,
			const struct nfs4_stateid *sid)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	nfsstat4 st;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_close(&c, sid);
	call = call_sync(cl, &c);
	st = call->res.status;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return st;
}

static nfsstat4 free_stateid(struct nfs4_client *cl, const struct nfs4_stateid *sid)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	nfsstat4 st;

	nfs4_compound_init(&c);
	nfs4_op_free_stateid(&c, sid);
	call = call_sync(cl, &c);
	st = call->res.status;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return st;
}

/* F_OFD_GETLK from a descriptor of our own: F_UNLCK or the holder's type. */
static short host_probe(short type, off_t start, off_t len, struct flock *fl)
{
	int fd = open(g.hostfile, O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = start;
	fl->l_len = len;
	assert_int_equal(fcntl(fd, F_OFD_GETLK, fl), 0);
	close(fd);
	return fl->l_type;
}

/* ---------------------------------------------------------- fixture */

static struct nfs4_client *connect_client(const char *src, const char *owner)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl;
	int rc;

	nfs4_client_opts_init(&o);
	o.host = getenv("LNFS_SERVER");
	o.port = getenv("LNFS_PORT");
	o.src_addr = strchr(o.host, ':') ? NULL : src;
	o.owner = owner;
	rc = nfs4_client_connect(&o, &cl);
	if (rc < 0)
		fail_msg("connect from %s: %s", src ? src : "default", strerror(-rc));
	rc = nfs4_client_setup(cl);
	if (rc != 0)
		fail_msg("session setup: %d %s", rc, nfs4_client_error(cl));
	return cl;
}

static int setup(void **state)
{
	const char *server = getenv("LNFS_SERVER");
	const char *port = getenv("LNFS_PORT");
	const char *export = getenv("LNFS_EXPORT");
	const char *hostexp = getenv("NFS4_TEST_EXPORT_HOSTDIR");
	char name[64], owner_a[64], owner_b[64];
	int fd;

	if (!server || !port || !export) {
		fprintf(stderr, "t_lock: LNFS_SERVER/LNFS_PORT/LNFS_EXPORT not set "
				"(run through tests/integ/run.sh)\n");
		exit(77);
	}
	if (getenv("NFS4_TEST_SERVER") && !hostexp) {
		fprintf(stderr, "t_lock: NFS4_TEST_SERVER needs NFS4_TEST_EXPORT_HOSTDIR\n");
		exit(77);
	}
	if (!hostexp)
		hostexp = export;
	snprintf(name, sizeof(name), "t_lock.%d", (int)getpid());
	snprintf(g.hostdir, sizeof(g.hostdir), "%s/%s", hostexp, name);
	snprintf(g.srvdir, sizeof(g.srvdir), "%s/%s", export, name);
	snprintf(g.hostfile, sizeof(g.hostfile), "%s/f", g.hostdir);
	assert_int_equal(mkdir(g.hostdir, 0777), 0);
	fd = open(g.hostfile, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	assert_int_equal(fchmod(fd, 0666), 0);
	close(fd);

	snprintf(owner_a, sizeof(owner_a), "t_lock-a.%d", (int)getpid());
	snprintf(owner_b, sizeof(owner_b), "t_lock-b.%d", (int)getpid());
	g.a = connect_client(NULL, owner_a);
	g.b = connect_client("127.0.0.2", owner_b);
	if (nfs4_lookup_path(g.a, g.srvdir, &g.dirfh, NULL) != 0)
		fail_msg("lookup %s: %s", g.srvdir, nfs4_client_error(g.a));
	return 0;
}

static int teardown(void **state)
{
	if (g.a) {
		nfs4_client_teardown(g.a);
		nfs4_client_free(g.a);
	}
	if (g.b) {
		nfs4_client_teardown(g.b);
		nfs4_client_free(g.b);
	}
	unlink(g.hostfile);
	rmdir(g.hostdir);
	return 0;
}

/* ---------------------------------------------------------------- tests */

/* Two NFS clients: conflicts named, LOCKU lets the other in, LOCKT. */
static void test_two_clients(void **state)
{
	struct nfs4_fh fa, fb;
	struct nfs4_stateid oa, ob, la, lb;
	struct lock_res r;
	struct flock fl;

	open_f(g.a, "open-a", OPEN4_SHARE_ACCESS_BOTH, &fa, &oa);
	open_f(g.b, "open-b", OPEN4_SHARE_ACCESS_BOTH, &fb, &ob);

	lock(g.a, &fa, WRITE_LT, 0, 100, &oa, "lock-a", &r);
	assert_int_equal(r.status, NFS4_OK);
	la = r.stateid;
	assert_int_equal(la.seqid, 1);

	/* b (from 127.0.0.2) wants part of it: DENIED, a's owner named */
	lock(g.b, &fb, READW_LT, 50, 10, &ob, "lock-b", &r);
	assert_int_equal(r.status, NFS4ERR_DENIED);
	assert_true(r.offset == 0 && r.length == 100);
	assert_int_equal(r.locktype, WRITE_LT);
	assert_true(r.clientid == nfs4_client_clientid(g.a));
	assert_string_equal(r.owner, "lock-a");

	/* LOCKT: beside it fine, inside it DENIED; a's own owner is fine */
	lockt(g.b, &fb, WRITE_LT, 100, NFS4_UINT64_MAX, "lock-b", &r);
	assert_int_equal(r.status, NFS4_OK);
	lockt(g.b, &fb, READ_LT, 99, 1, "lock-b", &r);
	assert_int_equal(r.status, NFS4ERR_DENIED);
	assert_string_equal(r.owner, "lock-a");
	lockt(g.a, &fa, WRITE_LT, 0, 100, "lock-a", &r);
	assert_int_equal(r.status, NFS4_OK);

	/* zero length and overflow are INVAL (RFC 8881 §18.10.3) */
	lock(g.a, &fa, READ_LT, 0, 0, &la, NULL, &r);
	assert_int_equal(r.status, NFS4ERR_INVAL);
	lock(g.a, &fa, READ_LT, 2, UINT64_MAX - 1, &la, NULL, &r);
	assert_int_equal(r.status, NFS4ERR_INVAL);

	/* the host sees a's lock */
	assert_int_equal(host_probe(F_RDLCK, 50, 1, &fl), F_WRLCK);
	assert_true(fl.l_start == 0 && fl.l_len == 100);

	/* a unlocks: seqid moves on, b gets its lock */
	locku(g.a, &fa, 0, 100, &la, &r);
	assert_int_equal(r.status, NFS4_OK);
	assert_int_equal(r.stateid.seqid, 2);
	la = r.stateid;
	lock(g.b, &fb, READ_LT, 50, 10, &ob, "lock-b", &r);
	assert_int_equal(r.status, NFS4_OK);
	lb = r.stateid;
	/* now a cannot write-lock there, but may read-lock */
	lock(g.a, &fa, WRITE_LT, 0, NFS4_UINT64_MAX, &la, NULL, &r);
	assert_int_equal(r.status, NFS4ERR_DENIED);
	assert_true(r.offset == 50 && r.length == 10 && r.locktype == READ_LT);
	assert_true(r.clientid == nfs4_client_clientid(g.b));
	assert_string_equal(r.owner, "lock-b");
	lock(g.a, &fa, READ_LT, 0, NFS4_UINT64_MAX, &la, NULL, &r);
	assert_int_equal(r.status, NFS4_OK);
	la = r.stateid;

	/* tidy: unlock, CLOSE (lock states without locks go with it) */
	locku(g.a, &fa, 0, NFS4_UINT64_MAX, &la, &r);
	assert_int_equal(r.status, NFS4_OK);
	locku(g.b, &fb, 0, NFS4_UINT64_MAX, &lb, &r);
	assert_int_equal(r.status, NFS4_OK);
	assert_int_equal(close_f(g.a, &fa, &oa), NFS4_OK);
	assert_int_equal(close_f(g.b, &fb, &ob), NFS4_OK);
	assert_int_equal(host_probe(F_WRLCK, 0, 0, &fl), F_UNLCK);
}

/* A local process's fcntl lock blocks NFS, and the host sees NFS locks. */
static void test_local_process(void **state)
{
	int ready[2], go[2];
	struct nfs4_fh fa;
	struct nfs4_stateid oa, la;
	struct lock_res r;
	struct flock fl;
	pid_t pid;
	char ch;
	int fd, status;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the child: a classic POSIX lock, held until told to go */
		struct flock cfl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
				     .l_start = 200, .l_len = 10 };
		int cfd = open(g.hostfile, O_RDWR);

		close(ready[0]);
		close(go[1]);
		if (cfd < 0 || fcntl(cfd, F_SETLK, &cfl) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(2);
		if (read(go[0], &ch, 1) < 0)
			_exit(3);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &ch, 1), 1);

	open_f(g.a, "open-a", OPEN4_SHARE_ACCESS_BOTH, &fa, &oa);
	lock(g.a, &fa, READ_LT, 205, 1, &oa, "lock-a", &r);
	assert_int_equal(r.status, NFS4ERR_DENIED);
	assert_true(r.offset == 200 && r.length == 10 && r.locktype == WRITE_LT);
	assert_true(r.clientid == 0);
	assert_string_equal(r.owner, "local");
	lockt(g.a, &fa, WRITE_LT, 0, NFS4_UINT64_MAX, "lock-a", &r);
	assert_int_equal(r.status, NFS4ERR_DENIED);
	assert_string_equal(r.owner, "local");

	/* the child lets go: the lock is granted */
	assert_int_equal(write(go[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(ready[0]);
	close(go[1]);
	lock(g.a, &fa, WRITE_LT, 200, 10, &oa, "lock-a", &r);
	assert_int_equal(r.status, NFS4_OK);
	la = r.stateid;

	/* ... and the host sees it: OFD and classic POSIX both conflict */
	assert_int_equal(host_probe(F_RDLCK, 0, 0, &fl), F_WRLCK);
	assert_true(fl.l_start == 200 && fl.l_len == 10);
	fd = open(g.hostfile, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 209;
	fl.l_len = 1;
	assert_int_equal(fcntl(fd, F_SETLK, &fl), -1);
	assert_true(errno == EAGAIN || errno == EACCES);
	fl.l_start = 210;
	assert_int_equal(fcntl(fd, F_SETLK, &fl), 0); /* beside it is free */
	close(fd);

	locku(g.a, &fa, 200, 10, &la, &r);
	assert_int_equal(r.status, NFS4_OK);
	assert_int_equal(host_probe(F_WRLCK, 0, 0, &fl), F_UNLCK);
	assert_int_equal(close_f(g.a, &fa, &oa), NFS4_OK);
}

/* WRITE with the lock stateid; CLOSE while locked; FREE_STATEID. */
static void test_write_and_close(void **state)
{
	struct nfs4_fh fa;
	struct nfs4_stateid oa, la;
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct lock_res r;
	char buf[8];
	int fd;

	open_f(g.a, "open-a", OPEN4_SHARE_ACCESS_BOTH, &fa, &oa);
	lock(g.a, &fa, WRITE_LT, 0, 5, &oa, "lock-w", &r);
	assert_int_equal(r.status, NFS4_OK);
	la = r.stateid;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fa);
	nfs4_op_write(&c, &la, 0, FILE_SYNC4, "hello", 5);
	nfs4_op_read(&c, &la, 0, 5);
	call = call_sync(g.a, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	assert_int_equal(nfs4_call_op(call, 1)->u.write.count, 5);
	assert_int_equal(nfs4_call_op(call, 2)->u.read.data.len, 5);
	assert_memory_equal(nfs4_call_op(call, 2)->u.read.data.data, "hello", 5);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	fd = open(g.hostfile, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, 5), 5);
	assert_memory_equal(buf, "hello", 5);
	close(fd);

	/* RFC 8881 §18.2.4, §18.38.3 */
	assert_int_equal(close_f(g.a, &fa, &oa), NFS4ERR_LOCKS_HELD);
	assert_int_equal(free_stateid(g.a, &la), NFS4ERR_LOCKS_HELD);
	locku(g.a, &fa, 0, 5, &la, &r);
	assert_int_equal(r.status, NFS4_OK);
	la = r.stateid;
	assert_int_equal(free_stateid(g.a, &la), NFS4_OK);
	assert_int_equal(free_stateid(g.a, &la), NFS4ERR_BAD_STATEID);
	assert_int_equal(close_f(g.a, &fa, &oa), NFS4_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_clients),
		cmocka_unit_test(test_local_process),
		cmocka_unit_test(test_write_and_close),
	};

	return cmocka_run_group_tests_name("t_lock", tests, setup, teardown);
}
