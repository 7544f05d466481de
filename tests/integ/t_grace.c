/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_grace.c - reclaim after a server restart (RFC 8881 §8.4.2, §8.4.3,
 * §9.11, §18.51) against the real server, which this test starts, kills
 * with SIGKILL and starts again itself (127.0.0.1, a free port, the same
 * state directory; stopped by pid, and by PR_SET_PDEATHSIG should the test
 * die).  Client A opens and locks a file; after the kill its session is
 * NFS4ERR_BADSESSION and its client ID NFS4ERR_STALE_CLIENTID; under the
 * same owner it reclaims the open (CLAIM_PREVIOUS) and the lock (reclaim)
 * while client B's new OPEN gets NFS4ERR_GRACE; A's RECLAIM_COMPLETE ends
 * the grace period at once (grace-time is far longer than the test) and
 * B's OPEN succeeds; A's later reclaims get NFS4ERR_NO_GRACE.  Once every
 * client is gone, a restart has no grace period at all.
 *
 * Run by t_grace.sh: LNFSD is the server binary, LNFS_GRACE_DIR a fresh
 * directory holding conf (state-dir, lease-time, grace-time) and export/;
 * the server's log goes to LNFS_GRACE_DIR/lnfsd.log.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/lib/nfs4_client.h"

static struct {
	const char *lnfsd;
	char dir[4096];
	char conf[4200], export[4200], log[4200], records[4200], hostfile[4200];
	char port[16];
	pid_t pid;
	char owner_a[64], owner_b[64];
} g;

/* Client A runs as an ordinary user: the server writes its record with
 * its own identity, not the caller's (the state directory is root's). */
#define USER_A 4242u

/* ---------------------------------------------------------- the server */

static void pick_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(g.port, sizeof(g.port), "%u", ntohs(sin.sin_port));
	close(fd);
}

/* A connection; uid/gid 0: the caller's own AUTH_SYS ids. */
static struct nfs4_client *try_connect(const char *owner, uint32_t uid)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl;

	nfs4_client_opts_init(&o);
	o.host = "127.0.0.1";
	o.port = g.port;
	o.owner = owner;
	if (uid) {
		o.uid = uid;
		o.gid = uid;
		o.ngids = 0;
	}
	o.timeout_ms = 10000;
	if (nfs4_client_connect(&o, &cl) < 0)
		return NULL;
	return cl;
}

/* Start lnfsd and wait until it answers NULL (at most ~10 s). */
static void server_start(void)
{
	char listen[64];
	int status;

	snprintf(listen, sizeof(listen), "127.0.0.1:%s", g.port);
	g.pid = fork();
	assert_true(g.pid >= 0);
	if (g.pid == 0) {
		int fd = open(g.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(g.lnfsd, "lnfsd", "-f", "-c", g.conf, "-l", listen, "-e", g.export,
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		struct nfs4_client *cl = try_connect(NULL, 0);

		if (cl) {
			int rc = nfs4_null(cl);

			nfs4_client_free(cl);
			if (rc == 0)
				return;
		}
		if (waitpid(g.pid, &status, WNOHANG) == g.pid) {
			g.pid = 0;
			fail_msg("lnfsd exited before serving; see %s", g.log);
		}
		usleep(50 * 1000);
	}
	fail_msg("lnfsd does not answer on 127.0.0.1:%s; see %s", g.port, g.log);
}

static void server_stop(int sig)
{
	int status;

	if (g.pid <= 0)
		return;
	kill(g.pid, sig);
	waitpid(g.pid, &status, 0);
	g.pid = 0;
}

/* Record files the server keeps in its state directory. */
static int record_count(void)
{
	struct dirent *de;
	DIR *d = opendir(g.records);
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strlen(de->d_name) == 16 && strspn(de->d_name, "0123456789abcdef") == 16)
			n++;
	closedir(d);
	return n;
}

/* ---------------------------------------------------------- NFS helpers */

static struct nfs4_client *client_new(const char *owner, uint32_t uid, bool reclaim_complete)
{
	struct nfs4_client *cl = try_connect(owner, uid);
	int rc;

	if (!cl)
		fail_msg("cannot connect to 127.0.0.1:%s", g.port);
	rc = nfs4_client_exchange_id(cl);
	if (rc == 0)
		rc = nfs4_client_create_session(cl);
	if (rc == 0 && reclaim_complete)
		rc = nfs4_client_reclaim_complete(cl);
	if (rc != 0)
		fail_msg("session setup: %d %s", rc, nfs4_client_error(cl));
	return cl;
}

static void client_end(struct nfs4_client *cl)
{
	assert_int_equal(nfs4_client_teardown(cl), 0);
	nfs4_client_free(cl);
}

static struct nfs4_call *call_sync(struct nfs4_client *cl, struct nfs4_compound *c)
{
	struct nfs4_call *call = NULL;

	if (nfs4_call_sync(cl, c, &call) != 0)
		fail_msg("call failed: %s", nfs4_client_error(cl));
	return call;
}

static void dir_fh(struct nfs4_client *cl, struct nfs4_fh *fh)
{
	if (nfs4_lookup_path(cl, g.export, fh, NULL) != 0)
		fail_msg("lookup %s: %s", g.export, nfs4_client_error(cl));
}

/* OPEN "f" by name (CLAIM_NULL) or, with fh given, reclaim it
 * (CLAIM_PREVIOUS); the OPEN status, and on success its stateid and fh. */
static nfsstat4 open_f(struct nfs4_client *cl, const char *owner, const struct nfs4_fh *reclaim_fh,
		       struct nfs4_stateid *sid, struct nfs4_fh *fh)
{
	struct nfs4_open_args oa;
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_fh dir;
	nfsstat4 st;

	memset(&oa, 0, sizeof(oa));
	oa.share_access = OPEN4_SHARE_ACCESS_BOTH;
	oa.clientid = nfs4_client_clientid(cl);
	oa.owner = owner;
	oa.owner_len = (uint32_t)strlen(owner);
	nfs4_compound_init(&c);
	if (reclaim_fh) {
		oa.claim = CLAIM_PREVIOUS;
		nfs4_op_putfh(&c, reclaim_fh);
	} else {
		oa.claim = CLAIM_NULL;
		oa.name = "f";
		dir_fh(cl, &dir);
		nfs4_op_putfh(&c, &dir);
	}
	nfs4_op_open(&c, &oa);
	nfs4_op_getfh(&c);
	call = call_sync(cl, &c);
	st = nfs4_call_op(call, 1)->status;
	if (st == NFS4_OK) {
		*sid = nfs4_call_op(call, 1)->u.open.stateid;
		assert_int_equal(nfs4_call_op(call, 1)->u.open.delegation_type, OPEN_DELEGATE_NONE);
		if (fh)
			*fh = nfs4_call_op(call, 2)->u.getfh;
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return st;
}

/* A one-op compound after PUTFH fh (built by the caller in c): its status,
 * and the stateid of a LOCK/LOCKU/CLOSE result when out is given. */
static nfsstat4 run_fh_op(struct nfs4_client *cl, struct nfs4_compound *c,
			  struct nfs4_stateid *out)
{
	struct nfs4_call *call = call_sync(cl, c);
	const struct nfs4_op_res *o = nfs4_call_op(call, 1);
	nfsstat4 st;

	assert_non_null(o);
	st = o->status;
	if (st == NFS4_OK && out)
		*out = o->op == OP_CLOSE ? o->u.close : o->u.lock.stateid;
	nfs4_call_free(call);
	nfs4_compound_release(c);
	return st;
}

static nfsstat4 lock_f(struct nfs4_client *cl, const struct nfs4_fh *fh, bool reclaim,
		       const struct nfs4_stateid *open_sid, struct nfs4_stateid *out)
{
	struct nfs4_compound c;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_lock(&c, WRITE_LT, reclaim, 0, 100, true, open_sid, "lock-a", 6);
	return run_fh_op(cl, &c, out);
}

static nfsstat4 unlock_close(struct nfs4_client *cl, const struct nfs4_fh *fh,
			     const struct nfs4_stateid *lock_sid,
			     const struct nfs4_stateid *open_sid)
{
	struct nfs4_compound c;
	nfsstat4 st;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_locku(&c, WRITE_LT, lock_sid, 0, 100);
	st = run_fh_op(cl, &c, NULL);
	if (st != NFS4_OK)
		return st;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_close(&c, open_sid);
	return run_fh_op(cl, &c, NULL);
}

/* OPEN CLAIM_PREVIOUS claiming a read delegation we never granted. */
static nfsstat4 reclaim_deleg(struct nfs4_client *cl, const struct nfs4_fh *fh, const char *owner)
{
	struct nfs4_compound c;
	struct xdr_out a;
	nfsstat4 st;

	xdr_out_init(&a, 512);
	xdr_put_u32(&a, 0);                        /* seqid */
	xdr_put_u32(&a, OPEN4_SHARE_ACCESS_READ);
	xdr_put_u32(&a, OPEN4_SHARE_DENY_NONE);
	xdr_put_u64(&a, nfs4_client_clientid(cl)); /* open_owner4 */
	xdr_put_opaque(&a, owner, (uint32_t)strlen(owner));
	xdr_put_u32(&a, OPEN4_NOCREATE);
	xdr_put_u32(&a, CLAIM_PREVIOUS);
	xdr_put_u32(&a, OPEN_DELEGATE_READ);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_raw(&c, OP_OPEN, a.buf, a.len);
	st = run_fh_op(cl, &c, NULL);
	xdr_out_release(&a);
	return st;
}

/* F_OFD_GETLK from a descriptor of our own: F_UNLCK or the holder's type. */
static short host_probe(void)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100 };
	int fd = open(g.hostfile, O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_OFD_GETLK, &fl), 0);
	close(fd);
	return fl.l_type;
}

/* ---------------------------------------------------------------- tests */

static void test_restart_and_reclaim(void **state)
{
	struct nfs4_client *a, *b, *raw;
	struct nfs4_stateid oa, la, ob;
	struct nfs4_fh fh, fhb;
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_sequence_args seq;
	struct nfs4_channel_attrs chan = { 0, 65536, 65536, 4096, 8, 4 };
	uint8_t old_session[NFS4_SESSIONID_SIZE];
	uint64_t old_clientid;

	(void)state;
	/* instance 1: A opens and write-locks f */
	server_start();
	a = client_new(g.owner_a, USER_A, true);
	assert_int_equal(open_f(a, "open-a", NULL, &oa, &fh), NFS4_OK);
	assert_int_equal(lock_f(a, &fh, false, &oa, &la), NFS4_OK);
	assert_int_equal(host_probe(), F_WRLCK);
	assert_int_equal(record_count(), 1); /* written before OPEN answered */
	memcpy(old_session, nfs4_client_sessionid(a), sizeof(old_session));
	old_clientid = nfs4_client_clientid(a);

	/* kill -9: the host lock goes with the process, the record stays */
	server_stop(SIGKILL);
	nfs4_client_free(a);
	assert_int_equal(host_probe(), F_UNLCK);
	assert_int_equal(record_count(), 1);

	/* instance 2, in grace */
	server_start();
	raw = try_connect(NULL, 0);
	assert_non_null(raw);
	memset(&seq, 0, sizeof(seq));
	memcpy(seq.sessionid, old_session, sizeof(old_session));
	seq.sequenceid = 99;
	nfs4_compound_init(&c);
	c.no_sequence = true;
	nfs4_op_sequence(&c, &seq);
	nfs4_op_putrootfh(&c);
	call = call_sync(raw, &c);
	assert_int_equal(call->res.status, NFS4ERR_BADSESSION);
	nfs4_call_free(call);
	nfs4_compound_reset(&c);
	c.no_sequence = true;
	nfs4_op_create_session(&c, old_clientid, 2, 0, &chan, &chan);
	call = call_sync(raw, &c);
	assert_int_equal(call->res.status, NFS4ERR_STALE_CLIENTID);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	nfs4_client_free(raw);

	/* B never held state: its new OPEN waits for the grace period */
	b = client_new(g.owner_b, 0, true);
	assert_int_equal(open_f(b, "open-b", NULL, &ob, NULL), NFS4ERR_GRACE);
	assert_int_equal(open_f(b, "open-b", &fh, &ob, NULL), NFS4ERR_NO_GRACE);

	/* A again, same owner: reclaims its open and its lock */
	a = client_new(g.owner_a, USER_A, false);
	assert_true(nfs4_client_clientid(a) != old_clientid);
	assert_int_equal(reclaim_deleg(a, &fh, "open-a"), NFS4ERR_RECLAIM_BAD);
	assert_int_equal(open_f(a, "open-a", NULL, &oa, NULL), NFS4ERR_GRACE);
	assert_int_equal(open_f(a, "open-a", &fh, &oa, NULL), NFS4_OK);
	assert_int_equal(lock_f(a, &fh, false, &oa, &la), NFS4ERR_GRACE);
	assert_int_equal(lock_f(a, &fh, true, &oa, &la), NFS4_OK);
	assert_int_equal(host_probe(), F_WRLCK);
	assert_int_equal(open_f(b, "open-b", NULL, &ob, NULL), NFS4ERR_GRACE);

	/* A's RECLAIM_COMPLETE: every previous client is done, grace ends */
	assert_int_equal(nfs4_client_reclaim_complete(a), 0);
	assert_int_equal(open_f(b, "open-b", NULL, &ob, &fhb), NFS4_OK);
	assert_int_equal(open_f(a, "open-a", &fh, &oa, NULL), NFS4ERR_NO_GRACE);
	assert_int_equal(lock_f(a, &fh, true, &oa, NULL), NFS4ERR_NO_GRACE);
	assert_int_equal(record_count(), 2); /* A's and B's of this instance */

	/* everybody leaves; their records go */
	assert_int_equal(unlock_close(a, &fh, &la, &oa), NFS4_OK);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fhb);
	nfs4_op_close(&c, &ob);
	assert_int_equal(run_fh_op(b, &c, NULL), NFS4_OK);
	client_end(a);
	client_end(b);
	assert_int_equal(record_count(), 0);

	/* instance 3: nobody to wait for, a new OPEN succeeds at once */
	server_stop(SIGKILL);
	server_start();
	b = client_new(g.owner_b, 0, true);
	assert_int_equal(open_f(b, "open-b", NULL, &ob, &fhb), NFS4_OK);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fhb);
	nfs4_op_close(&c, &ob);
	assert_int_equal(run_fh_op(b, &c, NULL), NFS4_OK);
	client_end(b);
	server_stop(SIGTERM);
}

/* ---------------------------------------------------------- fixture */

static int setup(void **state)
{
	const char *dir = getenv("LNFS_GRACE_DIR");
	int fd;

	(void)state;
	g.lnfsd = getenv("LNFSD");
	if (!g.lnfsd || !dir) {
		fprintf(stderr, "t_grace: LNFSD/LNFS_GRACE_DIR not set (run t_grace.sh)\n");
		exit(77);
	}
	snprintf(g.dir, sizeof(g.dir), "%s", dir);
	snprintf(g.conf, sizeof(g.conf), "%s/conf", g.dir);
	snprintf(g.export, sizeof(g.export), "%s/export", g.dir);
	snprintf(g.log, sizeof(g.log), "%s/lnfsd.log", g.dir);
	snprintf(g.records, sizeof(g.records), "%s/state/clients", g.dir);
	snprintf(g.hostfile, sizeof(g.hostfile), "%s/export/f", g.dir);
	snprintf(g.owner_a, sizeof(g.owner_a), "t_grace-a.%d", (int)getpid());
	snprintf(g.owner_b, sizeof(g.owner_b), "t_grace-b.%d", (int)getpid());
	fd = open(g.hostfile, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	assert_int_equal(fchmod(fd, 0666), 0);
	close(fd);
	pick_port();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	server_stop(SIGKILL);
	unlink(g.hostfile);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_and_reclaim),
	};

	return cmocka_run_group_tests_name("t_grace", tests, setup, teardown);
}
