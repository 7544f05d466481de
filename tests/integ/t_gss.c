/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_gss.c - RPCSEC_GSS (RFC 2203) against a live lnfsd, run by t_gss.sh,
 * which makes a throw-away Kerberos realm, keytabs and the exports:
 *   $LNFS_DIR/k5   sec=krb5:krb5i:krb5p, no_root_squash
 *   $LNFS_DIR/p    sec=krb5p
 *   $LNFS_DIR/mix  sec=krb5i:sys
 *   $LNFS_DIR/sys  sec=sys
 * Sessions and file I/O over krb5, krb5i and krb5p; principals mapped to
 * local users (daemon -> uid 1), unknown users and machine principals
 * anonymous; a ticket the server cannot decrypt and a client with a stale
 * key refused; a replayed call dropped; a tampered krb5i/krb5p body
 * GARBAGE_ARGS; a destroyed context CREDPROBLEM; WRONGSEC and SECINFO.
 * The server runs with one worker thread, so calls on a connection are
 * handled in order and "no reply before the next call's" means dropped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/lib/nfs4_client.h"
#include "tests/lib/nfs4_gss.h"

#define RPC_AUTH_GSS 6u
#define GSS_CREDPROBLEM 13u

static struct {
	const char *server, *port, *dir, *keytab, *realm;
} g;

static struct nfs4_client *connect_sys(void)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl;

	nfs4_client_opts_init(&o);
	o.host = g.server;
	o.port = g.port;
	o.minor = 2;
	assert_int_equal(nfs4_client_connect(&o, &cl), 0);
	return cl;
}

/* A client whose calls all go as principal (user part; realm added). */
static struct nfs4_client *connect_gss(const char *user, uint32_t service, bool session)
{
	struct nfs4_gss_opts go = { .target = "nfs@localhost", .service = service,
				    .client_keytab = g.keytab };
	struct nfs4_client *cl = connect_sys();
	char princ[256];
	int rc;

	snprintf(princ, sizeof(princ), "%s@%s", user, g.realm);
	go.principal = princ;
	rc = nfs4_client_gss_init(cl, &go, NULL);
	if (rc != 0)
		fail_msg("RPCSEC_GSS context for %s: %s", princ, strerror(-rc));
	if (session && nfs4_client_setup(cl) != 0)
		fail_msg("session over RPCSEC_GSS (%s): %s", princ, nfs4_client_error(cl));
	return cl;
}

static void done(struct nfs4_client *cl)
{
	nfs4_client_teardown(cl);
	nfs4_client_free(cl);
}

/* Run c; the call (reply accepted and parsed) or a failure. */
static struct nfs4_call *run(struct nfs4_client *cl, struct nfs4_compound *c)
{
	struct nfs4_call *call = NULL;

	if (nfs4_call_sync(cl, c, &call) != 0)
		fail_msg("call failed: %s", nfs4_client_error(cl));
	if (call->rpc.reply_stat != 0 || call->rpc.accept_stat != 0)
		fail_msg("RPC not accepted: reply_stat %u accept_stat %u auth_stat %u",
			 call->rpc.reply_stat, call->rpc.accept_stat, call->rpc.auth_stat);
	return call;
}

static nfsstat4 lookup(struct nfs4_client *cl, const char *rel, struct nfs4_fh *fh)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", g.dir, rel);
	return (nfsstat4)nfs4_lookup_path(cl, path, fh, NULL);
}

/* Create rel (in an export) with data through OPEN/WRITE/CLOSE, then read
 * it back and compare. */
static void write_read(struct nfs4_client *cl, const char *dir, const char *name,
		       const void *data, uint32_t len)
{
	struct nfs4_fh dfh, fh;
	struct nfs4_open_args oa;
	struct nfs4_stateid sid;
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;

	assert_int_equal(lookup(cl, dir, &dfh), 0);
	memset(&oa, 0, sizeof(oa));
	oa.share_access = OPEN4_SHARE_ACCESS_BOTH | OPEN4_SHARE_ACCESS_WANT_NO_DELEG;
	oa.clientid = nfs4_client_clientid(cl);
	oa.owner = "t_gss";
	oa.owner_len = 5;
	oa.claim = CLAIM_NULL;
	oa.name = name;
	oa.create = true;
	oa.createmode = UNCHECKED4;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &dfh);
	nfs4_op_open(&c, &oa);
	nfs4_op_getfh(&c);
	nfs4_op_write(&c, &nfs4_current_stateid, 0, FILE_SYNC4, data, len);
	call = run(cl, &c);
	if (call->res.status != NFS4_OK)
		fail_msg("OPEN+WRITE %s/%s: %s", dir, name, nfs4_stat_name(call->res.status));
	sid = nfs4_call_op(call, 1)->u.open.stateid;
	fh = nfs4_call_op(call, 2)->u.getfh;
	assert_int_equal(nfs4_call_op(call, 3)->u.write.count, len);
	nfs4_call_free(call);
	nfs4_compound_release(&c);

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_read(&c, &sid, 0, len + 10);
	nfs4_op_close(&c, &sid);
	call = run(cl, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	r = nfs4_call_op(call, 1);
	assert_int_equal(r->u.read.data.len, len);
	assert_memory_equal(r->u.read.data.data, data, len);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void host_owner(const char *rel, uid_t *uid, gid_t *gid)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", g.dir, rel);
	if (stat(path, &st) != 0)
		fail_msg("%s: %s", path, strerror(errno));
	*uid = st.st_uid;
	*gid = st.st_gid;
}

static void fill(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31 + seed);
}

/* ------------------------------------------------------------- tests */

static void io_over(uint32_t service, const char *name)
{
	static uint8_t buf[200000];
	struct nfs4_client *cl = connect_gss("daemon", service, true);
	char rel[64];
	uid_t u;
	gid_t gr;

	fill(buf, sizeof(buf), service);
	write_read(cl, "k5", name, buf, sizeof(buf));
	snprintf(rel, sizeof(rel), "k5/%s", name);
	host_owner(rel, &u, &gr);
	/* daemon@REALM is the local user daemon (uid 1, gid 1 on Debian) */
	assert_int_equal(u, 1);
	assert_int_equal(gr, 1);
	done(cl);
}

static void test_krb5(void **state)
{
	io_over(NFS4_GSS_SVC_NONE, "f-krb5");
}

static void test_krb5i(void **state)
{
	io_over(NFS4_GSS_SVC_INTEGRITY, "f-krb5i");
}

static void test_krb5p(void **state)
{
	io_over(NFS4_GSS_SVC_PRIVACY, "f-krb5p");
}

static void test_service_change(void **state)
{
	struct nfs4_client *cl = connect_gss("daemon", NFS4_GSS_SVC_NONE, true);
	static const char data[] = "one context, three services";

	/* RFC 2203 §5.3.2: the service may differ per call on one context */
	nfs4_client_gss_set_service(cl, NFS4_GSS_SVC_PRIVACY);
	write_read(cl, "p", "svc", data, sizeof(data));
	nfs4_client_gss_set_service(cl, NFS4_GSS_SVC_INTEGRITY);
	write_read(cl, "k5", "svc", data, sizeof(data));
	done(cl);
}

static void test_mapping(void **state)
{
	static const char data[] = "who am i";
	struct nfs4_client *cl;
	uid_t u;
	gid_t gr;

	/* a principal without a local user is anonymous */
	cl = connect_gss("ghost", NFS4_GSS_SVC_INTEGRITY, true);
	write_read(cl, "k5", "by-ghost", data, sizeof(data));
	host_owner("k5/by-ghost", &u, &gr);
	assert_int_equal(u, 65534);
	done(cl);
	/* so is a machine principal */
	cl = connect_gss("nfs/client", NFS4_GSS_SVC_INTEGRITY, true);
	write_read(cl, "k5", "by-machine", data, sizeof(data));
	host_owner("k5/by-machine", &u, &gr);
	assert_int_equal(u, 65534);
	done(cl);
	/* root@REALM is uid 0: kept with no_root_squash (k5)... */
	cl = connect_gss("root", NFS4_GSS_SVC_INTEGRITY, true);
	write_read(cl, "k5", "by-root", data, sizeof(data));
	host_owner("k5/by-root", &u, &gr);
	assert_int_equal(u, 0);
	/* ...and squashed with root_squash (mix, krb5i allowed) */
	write_read(cl, "mix", "by-root", data, sizeof(data));
	host_owner("mix/by-root", &u, &gr);
	assert_int_equal(u, 65534);
	done(cl);
}

static void test_wrong_key(void **state)
{
	struct nfs4_gss_opts go = { .target = "nfs@wrongkey", .service = NFS4_GSS_SVC_NONE,
				    .client_keytab = g.keytab };
	struct nfs4_client *cl = connect_sys();
	char princ[256];
	uint32_t major = 0;

	/* a ticket for a key the server's keytab does not have */
	snprintf(princ, sizeof(princ), "daemon@%s", g.realm);
	go.principal = princ;
	assert_int_equal(nfs4_client_gss_init(cl, &go, &major), -EACCES);
	assert_true(major != 0);
	/* the connection is still usable (AUTH_SYS again) */
	assert_int_equal(nfs4_null(cl), 0);
	/* a client keytab with a stale key gets no ticket at all */
	snprintf(princ, sizeof(princ), "eve@%s", g.realm);
	go.target = "nfs@localhost";
	assert_int_equal(nfs4_client_gss_init(cl, &go, NULL), -EPERM);
	nfs4_client_free(cl);
}

static void test_replay_dropped(void **state)
{
	struct nfs4_client *cl = connect_gss("daemon", NFS4_GSS_SVC_INTEGRITY, false);
	struct nfs4_call *again;
	const uint8_t *rec;
	uint8_t copy[4096];
	size_t len;
	uint32_t xid;

	assert_int_equal(nfs4_null(cl), 0);
	rec = nfs4_client_gss_last_record(cl, &len, &xid);
	assert_non_null(rec);
	assert_true(len <= sizeof(copy));
	memcpy(copy, rec, len);
	/* the same record again: same seq_num, silently dropped (§5.3.3.1) */
	assert_int_equal(nfs4_expect_reply(cl, xid, &again), 0);
	assert_int_equal(nfs4_send_raw(cl, copy, len), 0);
	/* one worker, one connection: the next call is handled after it */
	assert_int_equal(nfs4_null(cl), 0);
	assert_false(again->done);
	nfs4_call_free(again);
	nfs4_client_free(cl);
}

static void tamper(uint32_t service)
{
	struct nfs4_client *cl = connect_gss("daemon", service, true);
	struct nfs4_compound c;
	struct nfs4_call *call = NULL;
	struct nfs4_bitmap bm;

	nfs4_bitmap_of(&bm, FATTR4_TYPE, -1);
	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_getattr(&c, &bm);
	nfs4_client_gss_tamper_next(cl);
	assert_int_equal(nfs4_call_sync(cl, &c, &call), 0);
	/* RFC 2203 §5.3.3.4.2-3: a bad checksum or unwrap is GARBAGE_ARGS */
	assert_int_equal(call->rpc.reply_stat, 0);
	assert_int_equal(call->rpc.accept_stat, 4);
	nfs4_call_free(call);
	/* the untouched call goes through */
	call = run(cl, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	done(cl);
}

static void test_tamper_krb5i(void **state)
{
	tamper(NFS4_GSS_SVC_INTEGRITY);
}

static void test_tamper_krb5p(void **state)
{
	tamper(NFS4_GSS_SVC_PRIVACY);
}

static void test_destroyed_context(void **state)
{
	struct nfs4_client *cl = connect_gss("daemon", NFS4_GSS_SVC_NONE, false);
	struct nfs4_call *call;

	assert_int_equal(nfs4_client_gss_destroy(cl, true), 0);
	assert_int_equal(nfs4_submit_rpc(cl, NFS4_PROGRAM, NFS_V4, 0, NULL, 0, &call), 0);
	assert_int_equal(nfs4_wait(cl, call), 0);
	assert_int_equal(call->rpc.reply_stat, 1);	/* MSG_DENIED */
	assert_int_equal(call->rpc.reject_stat, 1);	/* AUTH_ERROR */
	assert_int_equal(call->rpc.auth_stat, GSS_CREDPROBLEM);
	nfs4_call_free(call);
	nfs4_client_free(cl);
}

static void test_wrongsec(void **state)
{
	struct nfs4_client *k5 = connect_gss("daemon", NFS4_GSS_SVC_NONE, true);
	struct nfs4_client *k5p = connect_gss("daemon", NFS4_GSS_SVC_PRIVACY, true);
	struct nfs4_client *sys = connect_sys();
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;
	struct nfs4_fh pfh, kfh;
	uint32_t op = 0;
	char path[4200];

	assert_int_equal(nfs4_client_setup(sys), 0);
	/* LOOKUP into an export the flavour may not reach: the LOOKUP says so */
	snprintf(path, sizeof(path), "%s/p", g.dir);
	assert_int_equal(nfs4_lookup_path(k5, path, &pfh, &op), NFS4ERR_WRONGSEC);
	assert_int_equal(op, OP_LOOKUP);
	assert_int_equal(lookup(k5p, "p", &pfh), 0);
	assert_int_equal(lookup(sys, "sys", &kfh), 0);
	assert_int_equal(lookup(k5, "k5", &kfh), 0);
	assert_int_equal(nfs4_lookup_path(sys, path, &pfh, &op), NFS4ERR_WRONGSEC);

	/* PUTFH + GETATTR: the PUTFH answers (§2.6.3.1.1.7) */
	nfs4_bitmap_of(&bm, FATTR4_TYPE, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &pfh);
	nfs4_op_getattr(&c, &bm);
	call = run(k5, &c);
	assert_int_equal(call->res.status, NFS4ERR_WRONGSEC);
	assert_int_equal(nfs4_call_failed_op(call)->op, OP_PUTFH);
	nfs4_call_free(call);
	nfs4_compound_release(&c);

	/* PUTFH alone, and PUTFH + SECINFO_NO_NAME: no WRONGSEC (§2.6.3.1.1.5-6),
	 * and the flavours of the export */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &pfh);
	call = run(k5, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &pfh);
	nfs4_op_secinfo_no_name(&c, 0);
	call = run(k5, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	assert_int_equal(nfs4_call_op(call, 1)->u.secinfo.count, 1);
	assert_int_equal(nfs4_call_op(call, 1)->u.secinfo.flavors[0], RPC_AUTH_GSS);
	nfs4_call_free(call);
	nfs4_compound_release(&c);

	/* AUTH_SYS on a krb5-only export */
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &kfh);
	nfs4_op_getattr(&c, &bm);
	call = run(sys, &c);
	assert_int_equal(call->res.status, NFS4ERR_WRONGSEC);
	nfs4_call_free(call);
	/* the right flavour gets through */
	call = run(k5p, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	done(k5);
	done(k5p);
	done(sys);
}

/* The flavours SECINFO (by name from dir) reports. */
static void secinfo_of(struct nfs4_client *cl, const char *dir, const char *name,
		       uint32_t *flavors, uint32_t *services, uint32_t *n)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_fh dfh;
	struct xdr_in x;
	uint32_t i, count, v;
	struct xdr_view oid;
	uint8_t args[512];
	struct xdr_out a;

	assert_int_equal(nfs4_lookup_path(cl, dir, &dfh, NULL), 0);
	/* SECINFO4args: component4 name */
	xdr_out_init(&a, sizeof(args));
	xdr_put_string(&a, name);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &dfh);
	nfs4_op_raw(&c, OP_SECINFO, a.buf, a.len);
	xdr_out_release(&a);
	call = run(cl, &c);
	assert_int_equal(call->res.status, NFS4_OK);
	/* walk the raw reply: rpc body = COMPOUND4res; our own decode of
	 * SECINFO4resok to see the services */
	xdr_in_init(&x, call->rpc.body.data, call->rpc.body.len);
	assert_true(xdr_get_u32(&x, &v));		/* status */
	assert_true(xdr_get_opaque(&x, 1024, &oid));	/* tag */
	assert_true(xdr_get_u32(&x, &v));		/* numres */
	/* SEQUENCE result: op, status, sessionid, 5 words */
	assert_true(xdr_get_u32(&x, &v) && xdr_get_u32(&x, &v) && xdr_skip(&x, 16));
	for (i = 0; i < 5; i++)
		assert_true(xdr_get_u32(&x, &v));
	assert_true(xdr_get_u32(&x, &v) && xdr_get_u32(&x, &v)); /* PUTFH */
	assert_true(xdr_get_u32(&x, &v) && v == OP_SECINFO);
	assert_true(xdr_get_u32(&x, &v) && v == NFS4_OK);
	assert_true(xdr_get_u32(&x, &count) && count <= 8);
	for (i = 0; i < count; i++) {
		assert_true(xdr_get_u32(&x, &flavors[i]));
		services[i] = 0;
		if (flavors[i] == RPC_AUTH_GSS) {
			static const uint8_t krb5[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7,
							0x12, 0x01, 0x02, 0x02 };

			assert_true(xdr_get_opaque(&x, 64, &oid));
			assert_int_equal(oid.len, sizeof(krb5));
			assert_memory_equal(oid.data, krb5, sizeof(krb5));
			assert_true(xdr_get_u32(&x, &v) && v == 0);	/* qop */
			assert_true(xdr_get_u32(&x, &services[i]));
		}
	}
	*n = count;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_secinfo(void **state)
{
	struct nfs4_client *cl = connect_sys();
	uint32_t f[8], s[8], n;

	assert_int_equal(nfs4_client_setup(cl), 0);
	secinfo_of(cl, g.dir, "k5", f, s, &n);
	assert_int_equal(n, 3);
	assert_int_equal(f[0], RPC_AUTH_GSS);
	assert_int_equal(s[0], NFS4_GSS_SVC_NONE);
	assert_int_equal(f[1], RPC_AUTH_GSS);
	assert_int_equal(s[1], NFS4_GSS_SVC_INTEGRITY);
	assert_int_equal(f[2], RPC_AUTH_GSS);
	assert_int_equal(s[2], NFS4_GSS_SVC_PRIVACY);
	secinfo_of(cl, g.dir, "mix", f, s, &n);
	assert_int_equal(n, 2);
	assert_int_equal(f[0], RPC_AUTH_GSS);
	assert_int_equal(s[0], NFS4_GSS_SVC_INTEGRITY);
	assert_int_equal(f[1], NFS4_RPC_AUTH_SYS);
	secinfo_of(cl, g.dir, "sys", f, s, &n);
	assert_int_equal(n, 1);
	assert_int_equal(f[0], NFS4_RPC_AUTH_SYS);
	done(cl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_krb5),
		cmocka_unit_test(test_krb5i),
		cmocka_unit_test(test_krb5p),
		cmocka_unit_test(test_service_change),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_replay_dropped),
		cmocka_unit_test(test_tamper_krb5i),
		cmocka_unit_test(test_tamper_krb5p),
		cmocka_unit_test(test_destroyed_context),
		cmocka_unit_test(test_wrongsec),
		cmocka_unit_test(test_secinfo),
	};

	g.server = getenv("LNFS_SERVER");
	g.port = getenv("LNFS_PORT");
	g.dir = getenv("LNFS_DIR");
	g.keytab = getenv("LNFS_CLIENT_KEYTAB");
	g.realm = getenv("LNFS_REALM");
	if (!g.server || !g.port || !g.dir || !g.keytab || !g.realm) {
		fprintf(stderr, "SKIP: run through t_gss.sh\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
