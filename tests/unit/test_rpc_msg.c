/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_rpc_msg.c - RPC call header decoding, AUTH_SYS bounds, reply headers. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rpc/rpc_msg.h"

struct callspec {
	uint32_t xid, mtype, rpcvers, prog, vers, proc;
	uint32_t cred_flavor;
	const uint8_t *cred;
	uint32_t cred_len;
	uint32_t verf_flavor;
	uint32_t verf_len;
};

static const struct callspec base = {
	.xid = 0xabcd, .mtype = RPC_MSG_CALL, .rpcvers = 2,
	.prog = 100003, .vers = 4, .proc = 1,
};

/* Encode a call header (plus 8 bytes of "args") into o. */
static void build(struct xdr_out *o, const struct callspec *c)
{
	uint8_t zero[512] = { 0 };

	xdr_out_init(o, 4096);
	assert_true(xdr_put_u32(o, c->xid) && xdr_put_u32(o, c->mtype) &&
		    xdr_put_u32(o, c->rpcvers) && xdr_put_u32(o, c->prog) &&
		    xdr_put_u32(o, c->vers) && xdr_put_u32(o, c->proc));
	assert_true(xdr_put_u32(o, c->cred_flavor));
	assert_true(xdr_put_opaque(o, c->cred ? c->cred : zero, c->cred_len));
	assert_true(xdr_put_u32(o, c->verf_flavor));
	assert_true(xdr_put_opaque(o, zero, c->verf_len));
	assert_true(xdr_put_u32(o, 0x11111111) && xdr_put_u32(o, 0x22222222));
}

/* authsys_parms into o */
static void authsys(struct xdr_out *o, uint32_t machlen, uint32_t ngids, bool extra)
{
	char mach[300];
	uint32_t i;

	memset(mach, 'm', sizeof(mach));
	xdr_out_init(o, 4096);
	assert_true(xdr_put_u32(o, 42));
	assert_true(xdr_put_opaque(o, mach, machlen));
	assert_true(xdr_put_u32(o, 1000) && xdr_put_u32(o, 100));
	assert_true(xdr_put_u32(o, ngids));
	for (i = 0; i < ngids; i++)
		assert_true(xdr_put_u32(o, 500 + i));
	if (extra)
		assert_true(xdr_put_u32(o, 0));
}

static enum rpc_msg_status decode(const struct callspec *c, struct rpc_msg_call *m,
				  struct xdr_in *args)
{
	struct xdr_out o;
	enum rpc_msg_status st;

	build(&o, c);
	st = rpc_msg_decode_call(o.buf, o.len, m, args);
	if (st == RPC_MSG_OK) {
		uint32_t v;

		assert_int_equal(xdr_in_left(args), 8);
		assert_true(xdr_get_u32(args, &v));
		assert_int_equal(v, 0x11111111);
	}
	xdr_out_release(&o);
	return st;
}

static void test_auth_none(void **state)
{
	struct rpc_msg_call m;
	struct xdr_in args;

	assert_int_equal(decode(&base, &m, &args), RPC_MSG_OK);
	assert_int_equal(m.xid, 0xabcd);
	assert_int_equal(m.prog, 100003);
	assert_int_equal(m.vers, 4);
	assert_int_equal(m.proc, 1);
	assert_int_equal(m.cred.flavor, RPC_AUTH_NONE);
	assert_int_equal(m.cred.uid, RPC_NOBODY_ID);
	assert_int_equal(m.cred.ngids, 0);
}

static void test_auth_none_with_body(void **state)
{
	struct callspec c = base;
	struct rpc_msg_call m;
	struct xdr_in args;

	c.cred_len = 4;
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_AUTH_ERROR);
	assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADCRED);
	assert_int_equal(m.xid, 0xabcd);
}

static void test_auth_sys(void **state)
{
	struct callspec c = base;
	struct rpc_msg_call m;
	struct xdr_in args;
	struct xdr_out a;

	authsys(&a, 255, 16, false);
	c.cred_flavor = RPC_AUTH_SYS;
	c.cred = a.buf;
	c.cred_len = (uint32_t)a.len;
	assert_true(a.len <= RPC_AUTH_BODY_MAX);
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_OK);
	assert_int_equal(m.cred.flavor, RPC_AUTH_SYS);
	assert_int_equal(m.cred.uid, 1000);
	assert_int_equal(m.cred.gid, 100);
	assert_int_equal(m.cred.ngids, 16);
	assert_int_equal(m.cred.gids[0], 500);
	assert_int_equal(m.cred.gids[15], 515);
	assert_int_equal(strlen(m.cred.machine), 255);
	xdr_out_release(&a);
}

static void expect_badcred(uint32_t machlen, uint32_t ngids, bool extra)
{
	struct callspec c = base;
	struct rpc_msg_call m;
	struct xdr_in args;
	struct xdr_out a;
	struct rpc_cred cred;

	authsys(&a, machlen, ngids, extra);
	c.cred_flavor = RPC_AUTH_SYS;
	c.cred = a.buf;
	c.cred_len = (uint32_t)a.len;
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_AUTH_ERROR);
	assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADCRED);
	assert_int_equal(m.cred.ngids, 0);
	memset(&cred, 0x5a, sizeof(cred));
	assert_false(rpc_msg_parse_authsys(a.buf, a.len, &cred));
	assert_int_equal(cred.uid, 0x5a5a5a5a); /* untouched */
	xdr_out_release(&a);
}

static void test_auth_sys_bounds(void **state)
{
	expect_badcred(256, 0, false);  /* machinename too long */
	expect_badcred(10, 17, false);  /* too many gids */
	expect_badcred(10, 2, true);    /* trailing bytes in the body */
	expect_badcred(300, 30, false); /* body > 400 bytes */
}

static void test_auth_sys_truncated(void **state)
{
	struct xdr_out a;
	struct rpc_cred cred;
	size_t cut;

	authsys(&a, 9, 3, false);
	for (cut = 0; cut < a.len; cut++)
		assert_false(rpc_msg_parse_authsys(a.buf, cut, &cred));
	assert_true(rpc_msg_parse_authsys(a.buf, a.len, &cred));
	assert_string_equal(cred.machine, "mmmmmmmmm");
	xdr_out_release(&a);
}

static void test_cred_length_garbage(void **state)
{
	uint8_t rec[40] = { 0 };
	struct rpc_msg_call m;
	struct xdr_in args;
	struct xdr_out o;

	/* xid 1 CALL v2 prog vers proc, cred flavor 0, length 0xfffffff0 */
	xdr_out_init(&o, 64);
	assert_true(xdr_put_u32(&o, 1) && xdr_put_u32(&o, 0) && xdr_put_u32(&o, 2) &&
		    xdr_put_u32(&o, 3) && xdr_put_u32(&o, 4) && xdr_put_u32(&o, 5) &&
		    xdr_put_u32(&o, 0) && xdr_put_u32(&o, 0xfffffff0));
	memcpy(rec, o.buf, o.len);
	assert_int_equal(rpc_msg_decode_call(rec, sizeof(rec), &m, &args), RPC_MSG_AUTH_ERROR);
	assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADCRED);
	assert_int_equal(m.xid, 1);
	xdr_out_release(&o);
}

static void test_flavors_and_verf(void **state)
{
	struct callspec c = base;
	struct rpc_msg_call m;
	struct xdr_in args;

	c.cred_flavor = RPC_AUTH_GSS;
	c.cred_len = 20;
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_AUTH_ERROR);
	assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADCRED);

	c = base;
	c.cred_flavor = 77;
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_AUTH_ERROR);
	assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADCRED);

	c = base;
	c.verf_flavor = RPC_AUTH_SYS;
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_AUTH_ERROR);
	assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADVERF);

	c = base;
	c.verf_len = 8;
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_AUTH_ERROR);
	assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADVERF);
}

static void test_header_classes(void **state)
{
	struct callspec c = base;
	struct rpc_msg_call m;
	struct xdr_in args;
	struct xdr_out o;
	size_t cut;

	c.rpcvers = 3;
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_RPC_MISMATCH);
	assert_int_equal(m.xid, 0xabcd);
	c = base;
	c.mtype = RPC_MSG_REPLY;
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_DROP);
	c.mtype = 9;
	assert_int_equal(decode(&c, &m, &args), RPC_MSG_GARBAGE);

	/* truncations inside xid..proc are garbage; inside cred, BADCRED */
	build(&o, &base);
	for (cut = 0; cut < 24; cut++)
		assert_int_equal(rpc_msg_decode_call(o.buf, cut, &m, &args), RPC_MSG_GARBAGE);
	for (cut = 24; cut < 32; cut++) {
		assert_int_equal(rpc_msg_decode_call(o.buf, cut, &m, &args),
				 RPC_MSG_AUTH_ERROR);
		assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADCRED);
	}
	for (cut = 32; cut < 40; cut++) {
		assert_int_equal(rpc_msg_decode_call(o.buf, cut, &m, &args),
				 RPC_MSG_AUTH_ERROR);
		assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADVERF);
	}
	assert_int_equal(rpc_msg_decode_call(o.buf, 40, &m, &args), RPC_MSG_OK);
	assert_int_equal(xdr_in_left(&args), 0);
	xdr_out_release(&o);
}

static void expect_words(const struct xdr_out *o, const uint32_t *w, size_t n)
{
	struct xdr_in x;
	uint32_t v;
	size_t i;

	assert_int_equal(o->len, n * 4);
	xdr_in_init(&x, o->buf, o->len);
	for (i = 0; i < n; i++) {
		assert_true(xdr_get_u32(&x, &v));
		assert_int_equal(v, w[i]);
	}
}

static void test_encoders(void **state)
{
	struct xdr_out o;
	const uint32_t acc[] = { 7, 1, 0, 0, 0, RPC_ACCEPT_PROC_UNAVAIL };
	const uint32_t pm[] = { 7, 1, 0, 0, 0, RPC_ACCEPT_PROG_MISMATCH, 2, 4 };
	const uint32_t rm[] = { 7, 1, 1, RPC_REJECT_RPC_MISMATCH, 2, 2 };
	const uint32_t ae[] = { 7, 1, 1, RPC_REJECT_AUTH_ERROR, RPC_AUTHSTAT_BADCRED };

	xdr_out_init(&o, 256);
	assert_true(rpc_msg_put_accepted(&o, 7, RPC_ACCEPT_PROC_UNAVAIL));
	assert_int_equal(o.len, RPC_REPLY_HDR_LEN);
	expect_words(&o, acc, 6);
	xdr_truncate(&o, 0);
	assert_true(rpc_msg_put_prog_mismatch(&o, 7, 2, 4));
	expect_words(&o, pm, 8);
	xdr_truncate(&o, 0);
	assert_true(rpc_msg_put_rpc_mismatch(&o, 7, 2, 2));
	expect_words(&o, rm, 6);
	xdr_truncate(&o, 0);
	assert_true(rpc_msg_put_auth_error(&o, 7, RPC_AUTHSTAT_BADCRED));
	expect_words(&o, ae, 5);
	xdr_out_release(&o);

	xdr_out_init(&o, 12);
	assert_false(rpc_msg_put_accepted(&o, 7, 0));
	assert_true(o.overflow);
	xdr_out_release(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_none),
		cmocka_unit_test(test_auth_none_with_body),
		cmocka_unit_test(test_auth_sys),
		cmocka_unit_test(test_auth_sys_bounds),
		cmocka_unit_test(test_auth_sys_truncated),
		cmocka_unit_test(test_cred_length_garbage),
		cmocka_unit_test(test_flavors_and_verf),
		cmocka_unit_test(test_header_classes),
		cmocka_unit_test(test_encoders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
