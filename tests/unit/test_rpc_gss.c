/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_rpc_gss.c - the RPCSEC_GSS parts that need no Kerberos: decoding of
 * the rpc_gss_cred_vers_1 credential and its verifier (rpc_msg.c), the
 * sequence window (RFC 2203 §5.3.3.1) and the rpc_gss_integ_data /
 * rpc_gss_priv_data framing of DATA arguments (rpc_gss_wire.c).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rpc/rpc_gss_wire.h"
#include "rpc/rpc_msg.h"

struct gsscall {
	uint32_t vers, proc, seq, svc;
	uint32_t handle_len;
	uint32_t cred_extra;   /* bytes after the handle inside the body */
	int32_t cred_len_adj;  /* added to the true credential body length */
	uint32_t verf_flavor, verf_len;
};

static const struct gsscall good = {
	.vers = RPC_GSS_VERS_1, .proc = RPC_GSS_PROC_DATA, .seq = 7,
	.svc = RPC_GSS_SVC_INTEGRITY, .handle_len = 16, .verf_flavor = RPC_AUTH_GSS,
	.verf_len = 28,
};

/* A call with an RPCSEC_GSS credential and 8 bytes of arguments; *cred_end
 * is the offset just after the credential. */
static void build(struct xdr_out *o, const struct gsscall *c, size_t *cred_end)
{
	uint8_t fill[512];
	size_t at;
	uint32_t i;

	for (i = 0; i < sizeof(fill); i++)
		fill[i] = (uint8_t)(i * 7 + 1);
	xdr_out_init(o, 4096);
	assert_true(xdr_put_u32(o, 0x1234) && xdr_put_u32(o, RPC_MSG_CALL) &&
		    xdr_put_u32(o, 2) && xdr_put_u32(o, 100003) && xdr_put_u32(o, 4) &&
		    xdr_put_u32(o, 1) && xdr_put_u32(o, RPC_AUTH_GSS));
	at = xdr_out_pos(o);
	assert_true(xdr_put_u32(o, 0) && xdr_put_u32(o, c->vers) && xdr_put_u32(o, c->proc) &&
		    xdr_put_u32(o, c->seq) && xdr_put_u32(o, c->svc) &&
		    xdr_put_opaque(o, fill, c->handle_len) &&
		    xdr_put_fixed(o, fill, c->cred_extra));
	xdr_set_u32_at(o, at, (uint32_t)((int64_t)(xdr_out_pos(o) - at - 4) + c->cred_len_adj));
	*cred_end = xdr_out_pos(o);
	assert_true(xdr_put_u32(o, c->verf_flavor) && xdr_put_opaque(o, fill, c->verf_len) &&
		    xdr_put_u32(o, 0xaaaaaaaa) && xdr_put_u32(o, 0xbbbbbbbb));
}

static enum rpc_msg_status decode(const struct gsscall *c, struct rpc_msg_call *m,
				  size_t *cred_end)
{
	static uint8_t rec[4096];
	struct xdr_out o;
	struct xdr_in args;
	enum rpc_msg_status st;
	size_t len;

	build(&o, c, cred_end);
	len = o.len;
	memcpy(rec, o.buf, len);
	xdr_out_release(&o);
	st = rpc_msg_decode_call(rec, len, m, &args);
	if (st == RPC_MSG_OK) {
		/* the arguments follow the verifier */
		assert_int_equal(args.end - args.p, 8);
		assert_int_equal(args.p[0], 0xaa);
		assert_ptr_equal(m->gss.verf.data + ((m->gss.verf.len + 3) & ~3u), args.p);
	}
	return st;
}

static void test_cred_good(void **state)
{
	static const uint32_t procs[] = { RPC_GSS_PROC_DATA, RPC_GSS_PROC_INIT,
					  RPC_GSS_PROC_CONTINUE_INIT, RPC_GSS_PROC_DESTROY };
	static const uint32_t svcs[] = { RPC_GSS_SVC_NONE, RPC_GSS_SVC_INTEGRITY,
					 RPC_GSS_SVC_PRIVACY };
	struct gsscall c = good;
	struct rpc_msg_call m;
	size_t cred_end, i, j;

	(void)state;
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 3; j++) {
			c.proc = procs[i];
			c.svc = svcs[j];
			assert_int_equal(decode(&c, &m, &cred_end), RPC_MSG_OK);
			assert_int_equal(m.cred.flavor, RPC_AUTH_GSS);
			assert_int_equal(m.gss.proc, procs[i]);
			assert_int_equal(m.gss.service, svcs[j]);
			assert_int_equal(m.cred.gss_service, svcs[j]);
			assert_int_equal(m.gss.seq_num, 7);
			assert_int_equal(m.gss.handle.len, 16);
			assert_int_equal(m.gss.handle.data[0], 1);
			assert_int_equal(m.gss.verf_flavor, RPC_AUTH_GSS);
			assert_int_equal(m.gss.verf.len, 28);
			/* what a DATA verifier signs: xid up to the credential's end */
			assert_int_equal(m.gss.hdr_len, cred_end);
		}
	}
	/* empty handle (INIT), largest handle that fits the 400-byte body */
	c = good;
	c.proc = RPC_GSS_PROC_INIT;
	c.handle_len = 0;
	c.verf_flavor = RPC_AUTH_NONE;
	c.verf_len = 0;
	assert_int_equal(decode(&c, &m, &cred_end), RPC_MSG_OK);
	assert_int_equal(m.gss.handle.len, 0);
	c = good;
	c.handle_len = 400 - 20;
	assert_int_equal(decode(&c, &m, &cred_end), RPC_MSG_OK);
	assert_int_equal(m.gss.handle.len, 380);
	/* RPC sequence numbers are not judged here: MAXSEQ decodes */
	c = good;
	c.seq = 0xffffffffu;
	assert_int_equal(decode(&c, &m, &cred_end), RPC_MSG_OK);
	assert_int_equal(m.gss.seq_num, 0xffffffffu);
}

static void expect_badcred(const struct gsscall *c)
{
	struct rpc_msg_call m;
	size_t cred_end;

	assert_int_equal(decode(c, &m, &cred_end), RPC_MSG_AUTH_ERROR);
	assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADCRED);
	assert_int_equal(m.cred.flavor, 0);
	assert_null(m.gss.handle.data);
}

static void test_cred_bad(void **state)
{
	struct gsscall c;
	struct rpc_msg_call m;
	size_t cred_end;

	(void)state;
	c = good, c.vers = 0, expect_badcred(&c);
	c = good, c.vers = 2, expect_badcred(&c);
	c = good, c.proc = 4, expect_badcred(&c);
	c = good, c.proc = 0xffffffffu, expect_badcred(&c);
	c = good, c.svc = 0, expect_badcred(&c);
	c = good, c.svc = 4, expect_badcred(&c);
	/* body longer than its fields, or shorter: not exactly filled */
	c = good, c.cred_extra = 4, expect_badcred(&c);
	c = good, c.cred_len_adj = -1, expect_badcred(&c);
	/* handle length past the body */
	c = good, c.cred_len_adj = -4, expect_badcred(&c);
	/* body above 400 bytes */
	c = good, c.handle_len = 400 - 16, expect_badcred(&c);
	/* a verifier above 400 bytes */
	c = good;
	c.verf_len = 401;
	assert_int_equal(decode(&c, &m, &cred_end), RPC_MSG_AUTH_ERROR);
	assert_int_equal(m.auth_stat, RPC_AUTHSTAT_BADVERF);
}

static void test_cred_truncated(void **state)
{
	struct gsscall c = good;
	struct rpc_msg_call m;
	struct xdr_out o;
	struct xdr_in args;
	size_t cred_end, cut;
	enum rpc_msg_status st;

	(void)state;
	build(&o, &c, &cred_end);
	/* every cut inside the credential or verifier is refused, never read past */
	for (cut = 28; cut < o.len - 8; cut++) {
		uint8_t *rec = malloc(cut);

		assert_non_null(rec);
		memcpy(rec, o.buf, cut);
		st = rpc_msg_decode_call(rec, cut, &m, &args);
		assert_int_equal(st, RPC_MSG_AUTH_ERROR);
		assert_true(m.auth_stat == RPC_AUTHSTAT_BADCRED ||
			    m.auth_stat == RPC_AUTHSTAT_BADVERF);
		free(rec);
	}
	xdr_out_release(&o);
}

static void test_window_basic(void **state)
{
	struct rpc_gss_window w;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_true(rpc_gss_window_accept(&w, 1000)); /* any first number */
	assert_false(rpc_gss_window_accept(&w, 1000)); /* replay */
	assert_true(rpc_gss_window_accept(&w, 1001));
	assert_true(rpc_gss_window_accept(&w, 999)); /* late, inside the window */
	assert_false(rpc_gss_window_accept(&w, 999));
	/* the window is [seq_max - 127, seq_max] */
	assert_true(rpc_gss_window_accept(&w, 1001 - 127));
	assert_false(rpc_gss_window_accept(&w, 1001 - 128));
	assert_false(rpc_gss_window_accept(&w, 0));
	assert_false(rpc_gss_window_accept(&w, 1001 - 127));

	memset(&w, 0, sizeof(w));
	assert_true(rpc_gss_window_accept(&w, 0)); /* zero is a number too */
	assert_false(rpc_gss_window_accept(&w, 0));
	assert_true(rpc_gss_window_accept(&w, RPC_GSS_MAXSEQ - 1));
	assert_false(rpc_gss_window_accept(&w, 0));
	assert_false(rpc_gss_window_accept(&w, RPC_GSS_MAXSEQ - 1));
}

static void test_window_slide(void **state)
{
	struct rpc_gss_window w;
	uint32_t s;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_true(rpc_gss_window_accept(&w, 0));
	assert_true(rpc_gss_window_accept(&w, 1));
	assert_true(rpc_gss_window_accept(&w, 100)); /* slots 2..99 forgotten */
	assert_false(rpc_gss_window_accept(&w, 1));
	assert_false(rpc_gss_window_accept(&w, 0));
	/* 129 takes slot 1 (129 % 128): 1 is now below the window, and slot
	 * 0 (128) was cleared while sliding, so 128 is new and 2 still is */
	assert_true(rpc_gss_window_accept(&w, 129));
	assert_false(rpc_gss_window_accept(&w, 1));
	assert_true(rpc_gss_window_accept(&w, 128));
	assert_true(rpc_gss_window_accept(&w, 2));
	assert_false(rpc_gss_window_accept(&w, 2));
	assert_false(rpc_gss_window_accept(&w, 100));

	/* a jump of exactly the window forgets everything */
	memset(&w, 0, sizeof(w));
	for (s = 10; s < 10 + RPC_GSS_SEQ_WINDOW; s++)
		assert_true(rpc_gss_window_accept(&w, s));
	assert_true(rpc_gss_window_accept(&w, 10 + 2 * RPC_GSS_SEQ_WINDOW));
	for (s = 11 + RPC_GSS_SEQ_WINDOW; s < 10 + 2 * RPC_GSS_SEQ_WINDOW; s++)
		assert_true(rpc_gss_window_accept(&w, s));
	for (s = 11 + RPC_GSS_SEQ_WINDOW; s <= 10 + 2 * RPC_GSS_SEQ_WINDOW; s++)
		assert_false(rpc_gss_window_accept(&w, s));
	assert_false(rpc_gss_window_accept(&w, 10 + RPC_GSS_SEQ_WINDOW));

	/* a jump of window - 1 keeps only the old top */
	memset(&w, 0, sizeof(w));
	assert_true(rpc_gss_window_accept(&w, 50));
	assert_true(rpc_gss_window_accept(&w, 49));
	assert_true(rpc_gss_window_accept(&w, 50 + RPC_GSS_SEQ_WINDOW - 1));
	assert_false(rpc_gss_window_accept(&w, 50));
	assert_false(rpc_gss_window_accept(&w, 49)); /* now below */
	for (s = 51; s < 50 + RPC_GSS_SEQ_WINDOW - 1; s++)
		assert_true(rpc_gss_window_accept(&w, s));
}

static void test_integ_framing(void **state)
{
	static const uint8_t body[12] = { 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t sum[401];
	struct xdr_out o;
	struct xdr_in x, rest;
	struct xdr_view b, s;

	(void)state;
	memset(sum, 0x5c, sizeof(sum));
	xdr_out_init(&o, 4096);
	assert_true(xdr_put_opaque(&o, body, sizeof(body)) && xdr_put_opaque(&o, sum, 28) &&
		    xdr_put_u32(&o, 99));
	xdr_in_init(&x, o.buf, o.len);
	assert_true(rpc_gss_get_integ(&x, &b, &s));
	assert_int_equal(b.len, 12);
	assert_int_equal(s.len, 28);
	assert_int_equal(xdr_in_left(&x), 4); /* trailing bytes are the caller's */
	assert_true(rpc_gss_body_seq(b.data, b.len, 7, &rest));
	assert_int_equal(rest.end - rest.p, 8);
	assert_int_equal(rest.p[0], 1);
	assert_false(rpc_gss_body_seq(b.data, b.len, 8, &rest));
	assert_false(rpc_gss_body_seq(b.data, 3, 7, &rest));
	assert_true(rpc_gss_body_seq(b.data, 4, 7, &rest));
	assert_int_equal(rest.end - rest.p, 0);
	xdr_out_release(&o);

	/* body too short for a seq_num */
	xdr_out_init(&o, 4096);
	assert_true(xdr_put_opaque(&o, body, 3) && xdr_put_opaque(&o, sum, 28));
	xdr_in_init(&x, o.buf, o.len);
	assert_false(rpc_gss_get_integ(&x, &b, &s));
	xdr_out_release(&o);

	/* checksum above 400 bytes */
	xdr_out_init(&o, 4096);
	assert_true(xdr_put_opaque(&o, body, sizeof(body)) && xdr_put_opaque(&o, sum, 401));
	xdr_in_init(&x, o.buf, o.len);
	assert_false(rpc_gss_get_integ(&x, &b, &s));
	xdr_out_release(&o);

	/* checksum missing, body length past the end */
	xdr_out_init(&o, 4096);
	assert_true(xdr_put_opaque(&o, body, sizeof(body)));
	xdr_in_init(&x, o.buf, o.len);
	assert_false(rpc_gss_get_integ(&x, &b, &s));
	xdr_in_init(&x, o.buf, o.len - 1);
	assert_false(rpc_gss_get_integ(&x, &b, &s));
	xdr_out_release(&o);
}

static void test_priv_framing(void **state)
{
	static const uint8_t body[5] = { 9, 9, 9, 9, 9 };
	struct xdr_out o;
	struct xdr_in x;
	struct xdr_view b;

	(void)state;
	xdr_out_init(&o, 4096);
	assert_true(xdr_put_opaque(&o, body, sizeof(body)));
	xdr_in_init(&x, o.buf, o.len);
	assert_true(rpc_gss_get_priv(&x, &b));
	assert_int_equal(b.len, 5);
	assert_int_equal(xdr_in_left(&x), 0);
	xdr_in_init(&x, o.buf, o.len - 3); /* padding cut off */
	assert_false(rpc_gss_get_priv(&x, &b));
	xdr_in_init(&x, o.buf, 3);
	assert_false(rpc_gss_get_priv(&x, &b));
	xdr_out_release(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cred_good),
		cmocka_unit_test(test_cred_bad),
		cmocka_unit_test(test_cred_truncated),
		cmocka_unit_test(test_window_basic),
		cmocka_unit_test(test_window_slide),
		cmocka_unit_test(test_integ_framing),
		cmocka_unit_test(test_priv_framing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
