/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_xdr.c - the XDR primitives: bounds, padding, limits, back-fill. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "xdr/xdr.h"

static void test_get_u32_bounds(void **state)
{
	const uint8_t buf[6] = { 0, 0, 1, 2, 9, 9 };
	struct xdr_in x;
	uint32_t v;

	xdr_in_init(&x, buf, sizeof(buf));
	assert_true(xdr_get_u32(&x, &v));
	assert_int_equal(v, 0x102);
	assert_false(xdr_get_u32(&x, &v));
	assert_int_equal(xdr_in_left(&x), 2);
}

static void test_get_u64(void **state)
{
	const uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct xdr_in x;
	uint64_t v;

	xdr_in_init(&x, buf, 7);
	assert_false(xdr_get_u64(&x, &v));
	xdr_in_init(&x, buf, 8);
	assert_true(xdr_get_u64(&x, &v));
	assert_true(v == 0x0102030405060708ULL);
}

static void test_bool_rejects_two(void **state)
{
	const uint8_t buf[4] = { 0, 0, 0, 2 };
	struct xdr_in x;
	bool b;

	xdr_in_init(&x, buf, 4);
	assert_false(xdr_get_bool(&x, &b));
	assert_int_equal(xdr_in_left(&x), 4);
}

static void test_opaque_limits(void **state)
{
	uint8_t buf[12] = { 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0 };
	struct xdr_in x;
	struct xdr_view v;

	xdr_in_init(&x, buf, sizeof(buf));
	assert_false(xdr_get_opaque(&x, 4, &v)); /* above maxlen */
	assert_int_equal(xdr_in_left(&x), 12);
	assert_true(xdr_get_opaque(&x, 5, &v));
	assert_int_equal(v.len, 5);
	assert_memory_equal(v.data, "hello", 5);
	assert_int_equal(xdr_in_left(&x), 0);

	/* padding missing: truncated */
	xdr_in_init(&x, buf, 10);
	assert_false(xdr_get_opaque(&x, 100, &v));
	/* absurd length */
	buf[0] = 0xff;
	xdr_in_init(&x, buf, sizeof(buf));
	assert_false(xdr_get_opaque(&x, UINT32_MAX, &v));
}

static void test_skip_and_fixed(void **state)
{
	const uint8_t buf[8] = { 1, 2, 3, 0, 4, 5, 6, 7 };
	struct xdr_in x;
	uint8_t out[3];

	xdr_in_init(&x, buf, sizeof(buf));
	assert_true(xdr_get_fixed(&x, out, 3));
	assert_memory_equal(out, buf, 3);
	assert_int_equal(xdr_in_left(&x), 4);
	assert_false(xdr_skip(&x, 5));
	assert_true(xdr_skip(&x, 4));
	assert_int_equal(xdr_in_left(&x), 0);
}

static void test_out_roundtrip(void **state)
{
	struct xdr_out o;
	struct xdr_in x;
	struct xdr_view v;
	uint32_t a;
	uint64_t b;
	size_t pos;

	xdr_out_init(&o, 4096);
	assert_true(xdr_put_u32(&o, 7));
	pos = xdr_out_pos(&o);
	assert_true(xdr_put_u32(&o, 0));
	assert_true(xdr_put_u64(&o, 0x1122334455667788ULL));
	assert_true(xdr_put_string(&o, "abc"));
	xdr_set_u32_at(&o, pos, 99);
	assert_int_equal(o.len, 4 + 4 + 8 + 8);
	assert_int_equal(o.buf[o.len - 1], 0); /* zero padding */

	xdr_in_init(&x, o.buf, o.len);
	assert_true(xdr_get_u32(&x, &a));
	assert_int_equal(a, 7);
	assert_true(xdr_get_u32(&x, &a));
	assert_int_equal(a, 99);
	assert_true(xdr_get_u64(&x, &b));
	assert_true(b == 0x1122334455667788ULL);
	assert_true(xdr_get_opaque(&x, 10, &v));
	assert_memory_equal(v.data, "abc", 3);
	xdr_out_release(&o);
}

static void test_out_limit(void **state)
{
	struct xdr_out o;
	size_t pos;

	xdr_out_init(&o, 10);
	assert_true(xdr_put_u64(&o, 1));
	pos = xdr_out_pos(&o);
	assert_false(xdr_put_u32(&o, 1));
	assert_true(o.overflow);
	assert_false(xdr_put_u32(&o, 1)); /* sticky */
	xdr_truncate(&o, pos);
	assert_false(o.overflow);
	assert_null(xdr_reserve(&o, SIZE_MAX));
	xdr_out_release(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_u32_bounds),
		cmocka_unit_test(test_get_u64),
		cmocka_unit_test(test_bool_rejects_two),
		cmocka_unit_test(test_opaque_limits),
		cmocka_unit_test(test_skip_and_fixed),
		cmocka_unit_test(test_out_roundtrip),
		cmocka_unit_test(test_out_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
