/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_rpc_rec.c - record-marking reassembly: splits, fragments, limits. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rpc/rpc_rec.h"

static size_t put_frag(uint8_t *out, const void *data, uint32_t len, bool last)
{
	rpc_rec_mark(out, len);
	if (!last)
		out[0] &= 0x7f;
	if (len)
		memcpy(out + 4, data, len);
	return 4 + (size_t)len;
}

static void test_whole_record(void **state)
{
	uint8_t buf[64];
	struct rpc_rec r;
	size_t n = put_frag(buf, "hello world!", 12, true), len;
	uint8_t *rec;

	rpc_rec_init(&r, 1024);
	assert_true(rpc_rec_idle(&r));
	assert_int_equal(rpc_rec_feed(&r, buf, n), n);
	assert_true(rpc_rec_ready(&r));
	assert_int_equal(rpc_rec_feed(&r, buf, n), 0); /* waits to be taken */
	rec = rpc_rec_take(&r, &len);
	assert_non_null(rec);
	assert_int_equal(len, 12);
	assert_memory_equal(rec, "hello world!", 12);
	free(rec);
	assert_true(rpc_rec_idle(&r));
	assert_null(rpc_rec_take(&r, &len));
	rpc_rec_release(&r);
}

static void test_byte_at_a_time_fragments(void **state)
{
	uint8_t buf[128];
	struct rpc_rec r;
	size_t n = 0, i, len;
	uint8_t *rec;

	n += put_frag(buf + n, "abc", 3, false);
	n += put_frag(buf + n, "defgh", 5, false);
	n += put_frag(buf + n, "i", 1, true);
	rpc_rec_init(&r, 1024);
	for (i = 0; i < n; i++) {
		assert_false(rpc_rec_ready(&r));
		assert_int_equal(rpc_rec_feed(&r, buf + i, 1), 1);
	}
	assert_true(rpc_rec_ready(&r));
	rec = rpc_rec_take(&r, &len);
	assert_int_equal(len, 9);
	assert_memory_equal(rec, "abcdefghi", 9);
	free(rec);
	rpc_rec_release(&r);
}

static void test_feed_stops_after_record(void **state)
{
	uint8_t buf[64];
	struct rpc_rec r;
	size_t n1, n = 0, len;
	uint8_t *rec;
	ssize_t used;

	n += put_frag(buf, "one", 3, true);
	n1 = n;
	n += put_frag(buf + n, "two!", 4, true);
	rpc_rec_init(&r, 64);
	used = rpc_rec_feed(&r, buf, n);
	assert_int_equal(used, n1);
	rec = rpc_rec_take(&r, &len);
	assert_int_equal(len, 3);
	free(rec);
	assert_int_equal(rpc_rec_feed(&r, buf + used, n - (size_t)used), n - n1);
	rec = rpc_rec_take(&r, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(rec, "two!", 4);
	free(rec);
	rpc_rec_release(&r);
}

static void test_max_record(void **state)
{
	uint8_t buf[64], data[16] = { 0 };
	struct rpc_rec r;
	size_t n, len;
	uint8_t *rec;

	/* exactly the limit, in two fragments */
	rpc_rec_init(&r, 16);
	n = put_frag(buf, data, 10, false);
	n += put_frag(buf + n, data, 6, true);
	assert_int_equal(rpc_rec_feed(&r, buf, n), n);
	rec = rpc_rec_take(&r, &len);
	assert_int_equal(len, 16);
	free(rec);

	/* one byte more: refused at the second header, before its payload */
	n = put_frag(buf, data, 10, false);
	n += put_frag(buf + n, data, 7, true);
	assert_int_equal(rpc_rec_feed(&r, buf, 18), -EMSGSIZE);
	assert_int_equal(r.len, 10);
	/* sticky */
	assert_int_equal(rpc_rec_feed(&r, buf, 4), -EMSGSIZE);
	assert_int_equal(rpc_rec_body_space(&r, 1, &rec), -EMSGSIZE);
	rpc_rec_release(&r);
}

static void test_huge_declared_length(void **state)
{
	const uint8_t hdr[4] = { 0xff, 0xff, 0xff, 0xff };
	struct rpc_rec r;

	rpc_rec_init(&r, 1024 * 1024);
	assert_int_equal(rpc_rec_feed(&r, hdr, 4), -EMSGSIZE);
	assert_null(r.buf);
	rpc_rec_release(&r);
}

static void test_growth_follows_bytes(void **state)
{
	uint8_t hdr[4], data[10] = { 0 };
	struct rpc_rec r;

	/* A 1 MiB fragment is declared but only 10 bytes arrive. */
	rpc_rec_init(&r, 2 * 1024 * 1024);
	rpc_rec_mark(hdr, 1024 * 1024);
	assert_int_equal(rpc_rec_feed(&r, hdr, 4), 4);
	assert_int_equal(rpc_rec_feed(&r, data, 10), 10);
	assert_true(r.cap <= 1024);
	assert_false(rpc_rec_idle(&r));
	rpc_rec_release(&r);
}

static void test_zero_length_fragments(void **state)
{
	uint8_t buf[64];
	struct rpc_rec r;
	size_t n, len;
	uint8_t *rec;

	/* zero-length non-last fragment */
	rpc_rec_init(&r, 64);
	n = put_frag(buf, NULL, 0, false);
	assert_int_equal(rpc_rec_feed(&r, buf, n), -EBADMSG);
	rpc_rec_release(&r);

	/* empty record */
	rpc_rec_init(&r, 64);
	n = put_frag(buf, NULL, 0, true);
	assert_int_equal(rpc_rec_feed(&r, buf, n), -EBADMSG);
	rpc_rec_release(&r);

	/* zero-length last fragment ends a non-empty record */
	rpc_rec_init(&r, 64);
	n = put_frag(buf, "xy", 2, false);
	n += put_frag(buf + n, NULL, 0, true);
	assert_int_equal(rpc_rec_feed(&r, buf, n), n);
	rec = rpc_rec_take(&r, &len);
	assert_int_equal(len, 2);
	free(rec);
	rpc_rec_release(&r);
}

/* rpc_rec_adopt(): the record continues in the given buffer, bytes kept */
static void test_adopt(void **state)
{
	uint8_t hdr[4], data[100], *big, *old, *p, *rec;
	struct rpc_rec r;
	size_t len, i;
	ssize_t n;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	rpc_rec_init(&r, 100000);
	big = malloc(70000);
	assert_non_null(big);
	/* no fragment yet: refused, nothing changes */
	assert_int_equal(rpc_rec_adopt(&r, big, 70000, &old), -EINVAL);
	rpc_rec_mark(hdr, 60000);
	assert_int_equal(rpc_rec_feed(&r, hdr, 4), 4);
	assert_int_equal(rpc_rec_feed(&r, data, sizeof(data)), sizeof(data));
	/* too small for what the fragment still brings: refused */
	assert_int_equal(rpc_rec_adopt(&r, big, 59999, &old), -EINVAL);
	assert_true(r.buf != big);
	assert_int_equal(rpc_rec_adopt(&r, big, 70000, &old), 0);
	assert_non_null(old);
	free(old);
	assert_ptr_equal(r.buf, big);
	assert_int_equal(r.cap, 70000);
	/* the rest arrives in place, without growing */
	while (!rpc_rec_ready(&r)) {
		n = rpc_rec_body_space(&r, 1, &p);
		assert_true(n > 0);
		memset(p, 0xab, (size_t)n);
		rpc_rec_body_commit(&r, (size_t)n);
		assert_ptr_equal(r.buf, big);
	}
	rec = rpc_rec_take(&r, &len);
	assert_ptr_equal(rec, big);
	assert_int_equal(len, 60000);
	assert_memory_equal(rec, data, sizeof(data));
	assert_int_equal(rec[59999], 0xab);
	free(rec);
	rpc_rec_release(&r);
}

static void test_body_space(void **state)
{
	uint8_t hdr[4], *p, *rec;
	struct rpc_rec r;
	size_t got = 0, len;
	ssize_t n;

	rpc_rec_init(&r, 100000);
	assert_int_equal(rpc_rec_body_space(&r, 1, &p), 0); /* no header yet */
	rpc_rec_mark(hdr, 70000);
	assert_int_equal(rpc_rec_feed(&r, hdr, 4), 4);
	assert_int_equal(rpc_rec_body_space(&r, 80000, &p), 0); /* below min */
	while (!rpc_rec_ready(&r)) {
		n = rpc_rec_body_space(&r, 1, &p);
		assert_true(n > 0);
		memset(p, (int)(got & 0xff), (size_t)n);
		rpc_rec_body_commit(&r, (size_t)n);
		got += (size_t)n;
		assert_true(r.cap <= 2 * got + 512);
	}
	assert_int_equal(got, 70000);
	assert_int_equal(rpc_rec_body_space(&r, 1, &p), 0);
	rec = rpc_rec_take(&r, &len);
	assert_int_equal(len, 70000);
	free(rec);
	rpc_rec_release(&r);
}

static void test_mark(void **state)
{
	uint8_t m[4];

	rpc_rec_mark(m, 0x1234);
	assert_int_equal(m[0], 0x80);
	assert_int_equal(m[1], 0x00);
	assert_int_equal(m[2], 0x12);
	assert_int_equal(m[3], 0x34);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_record),
		cmocka_unit_test(test_byte_at_a_time_fragments),
		cmocka_unit_test(test_feed_stops_after_record),
		cmocka_unit_test(test_max_record),
		cmocka_unit_test(test_huge_declared_length),
		cmocka_unit_test(test_growth_follows_bytes),
		cmocka_unit_test(test_zero_length_fragments),
		cmocka_unit_test(test_body_space),
		cmocka_unit_test(test_adopt),
		cmocka_unit_test(test_mark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
