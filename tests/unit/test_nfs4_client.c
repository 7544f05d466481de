/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_nfs4_client.c - the test client's compound encoder and reply parsers
 * on canned bytes: exact argument encodings, typed results, and that every
 * truncation of a valid reply fails cleanly instead of reading past the end.
 * Replies are hand-built here with the xdr_out primitives, as a server
 * would send them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/lib/nfs4_client.h"

/* ------------------------------------------------------------ helpers */

static uint32_t word_at(const uint8_t *p, size_t idx)
{
	p += idx * 4;
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Every proper prefix of a valid reply must be rejected, on the heap so
 * ASan sees any overread. */
static void assert_prefixes_fail(const uint8_t *buf, size_t len)
{
	for (size_t n = 0; n < len; n++) {
		struct nfs4_compound_res res;
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, buf, n);
		assert_int_equal(nfs4_parse_compound_res(copy, n, &res), -EBADMSG);
		free(copy);
	}
}

static void put_res_header(struct xdr_out *x, uint32_t status, uint32_t nres)
{
	xdr_put_u32(x, status);
	xdr_put_opaque(x, "t", 1);	/* tag */
	xdr_put_u32(x, nres);
}

static void put_sequence_ok(struct xdr_out *x)
{
	static const uint8_t sid[NFS4_SESSIONID_SIZE] = { 1, 2, 3 };

	xdr_put_u32(x, OP_SEQUENCE);
	xdr_put_u32(x, NFS4_OK);
	xdr_put_fixed(x, sid, sizeof(sid));
	xdr_put_u32(x, 7);	/* sequenceid */
	xdr_put_u32(x, 2);	/* slotid */
	xdr_put_u32(x, 15);	/* highest */
	xdr_put_u32(x, 15);	/* target */
	xdr_put_u32(x, 0);	/* flags */
}

/* fattr4 with type, size, mode, owner, time_modify, sec_label */
static void put_fattr(struct xdr_out *x, uint64_t size)
{
	size_t lenpos, start;

	xdr_put_u32(x, 3);
	xdr_put_u32(x, (1u << FATTR4_TYPE) | (1u << FATTR4_SIZE));
	xdr_put_u32(x, (1u << (FATTR4_MODE - 32)) | (1u << (FATTR4_OWNER - 32)) |
			       (1u << (FATTR4_TIME_MODIFY - 32)));
	xdr_put_u32(x, 1u << (FATTR4_SEC_LABEL - 64));
	lenpos = xdr_out_pos(x);
	xdr_put_u32(x, 0);
	start = xdr_out_pos(x);
	xdr_put_u32(x, NF4REG);
	xdr_put_u64(x, size);
	xdr_put_u32(x, 0644);
	xdr_put_string(x, "1000");
	xdr_put_i64(x, 1700000000);
	xdr_put_u32(x, 5);
	xdr_put_u32(x, LFS_FLASK);
	xdr_put_u32(x, 3);
	xdr_put_string(x, "system_u:object_r:etc_t:s0");
	xdr_set_u32_at(x, lenpos, (uint32_t)(xdr_out_pos(x) - start));
}

/* ------------------------------------------------------------ encoder */

static void test_encode_with_sequence(void **state)
{
	struct nfs4_compound c;
	struct nfs4_sequence_args seq = { .sequenceid = 9, .slotid = 3, .highest_slotid = 5 };
	struct xdr_out out;

	nfs4_compound_init(&c);
	nfs4_op_putrootfh(&c);
	nfs4_op_lookup(&c, "abc");
	nfs4_op_getfh(&c);
	assert_int_equal(c.nops, 3);
	xdr_out_init(&out, 4096);
	assert_true(nfs4_compound_encode(&c, &seq, &out));
	/* tag "", minor 1, numops 4 */
	assert_int_equal(word_at(out.buf, 0), 0);
	assert_int_equal(word_at(out.buf, 1), 1);
	assert_int_equal(word_at(out.buf, 2), 4);
	assert_int_equal(word_at(out.buf, 3), OP_SEQUENCE);
	/* sessionid 16 bytes = words 4..7 */
	assert_int_equal(word_at(out.buf, 8), 9);
	assert_int_equal(word_at(out.buf, 9), 3);
	assert_int_equal(word_at(out.buf, 10), 5);
	assert_int_equal(word_at(out.buf, 11), 0);
	assert_int_equal(word_at(out.buf, 12), OP_PUTROOTFH);
	assert_int_equal(word_at(out.buf, 13), OP_LOOKUP);
	assert_int_equal(word_at(out.buf, 14), 3);
	assert_memory_equal(out.buf + 60, "abc\0", 4);
	assert_int_equal(word_at(out.buf, 16), OP_GETFH);
	assert_int_equal(out.len, 17 * 4);
	xdr_out_release(&out);
	nfs4_compound_release(&c);
}

static void test_encode_numops_override_and_raw(void **state)
{
	struct nfs4_compound c;
	struct xdr_out out;
	const uint8_t junk[3] = { 0xde, 0xad, 0xbe };

	nfs4_compound_init(&c);
	c.minor = 7;
	c.numops_override = true;
	c.numops_value = 1000;
	snprintf(c.tag, sizeof(c.tag), "xy");
	nfs4_op_raw(&c, 9999, NULL, 0);
	nfs4_op_raw_bytes(&c, junk, sizeof(junk));
	xdr_out_init(&out, 4096);
	assert_true(nfs4_compound_encode(&c, NULL, &out));
	assert_int_equal(word_at(out.buf, 0), 2);
	assert_int_equal(word_at(out.buf, 2), 7);
	assert_int_equal(word_at(out.buf, 3), 1000);
	assert_int_equal(word_at(out.buf, 4), 9999);
	assert_memory_equal(out.buf + 20, junk, 3);
	assert_int_equal(out.len, 23);	/* raw bytes are not padded */
	xdr_out_release(&out);
	nfs4_compound_release(&c);
}

static void test_encode_fattr4_setattrs(void **state)
{
	struct nfs4_setattrs sa;
	struct xdr_out out;

	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_of(&sa.mask, FATTR4_SEC_LABEL, FATTR4_MODE, FATTR4_SIZE,
		       FATTR4_TIME_MODIFY_SET, FATTR4_FILEID /* get-only: dropped */, -1);
	sa.size = 0x100000000ull;
	sa.mode = 0600;
	sa.mtime_how = SET_TO_SERVER_TIME4;
	sa.label_lfs = LFS_FLASK;
	sa.label_pi = 2;
	sa.label = "abcde";
	sa.label_len = 5;
	xdr_out_init(&out, 4096);
	assert_true(nfs4_encode_fattr4(&out, &sa, false));
	assert_int_equal(word_at(out.buf, 0), 3);
	assert_int_equal(word_at(out.buf, 1), 1u << FATTR4_SIZE);
	assert_int_equal(word_at(out.buf, 2),
			 (1u << (FATTR4_MODE - 32)) | (1u << (FATTR4_TIME_MODIFY_SET - 32)));
	assert_int_equal(word_at(out.buf, 3), 1u << (FATTR4_SEC_LABEL - 64));
	/* attrlist: size(8) mode(4) settime(4) label(4+4+4+8) = 36 */
	assert_int_equal(word_at(out.buf, 4), 36);
	assert_int_equal(word_at(out.buf, 5), 1);
	assert_int_equal(word_at(out.buf, 6), 0);
	assert_int_equal(word_at(out.buf, 7), 0600);
	assert_int_equal(word_at(out.buf, 8), SET_TO_SERVER_TIME4);
	assert_int_equal(word_at(out.buf, 9), LFS_FLASK);
	assert_int_equal(word_at(out.buf, 10), 2);
	assert_int_equal(word_at(out.buf, 11), 5);
	assert_memory_equal(out.buf + 48, "abcde\0\0\0", 8);
	assert_int_equal(out.len, 56);

	/* the same mask for VERIFY keeps fileid */
	xdr_out_reset(&out, 4096);
	sa.fileid = 42;
	assert_true(nfs4_encode_fattr4(&out, &sa, true));
	assert_int_equal(word_at(out.buf, 1), (1u << FATTR4_SIZE) | (1u << FATTR4_FILEID));
	xdr_out_release(&out);
}

static void test_encode_open_create_exclusive41(void **state)
{
	struct nfs4_compound c;
	struct nfs4_setattrs sa;
	struct nfs4_open_args oa;
	const uint8_t *b;

	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_of(&sa.mask, FATTR4_MODE, -1);
	sa.mode = 0640;
	memset(&oa, 0, sizeof(oa));
	oa.share_access = OPEN4_SHARE_ACCESS_BOTH;
	oa.clientid = 0x1122334455667788ull;
	oa.owner = "ow";
	oa.owner_len = 2;
	oa.claim = CLAIM_NULL;
	oa.name = "f";
	oa.create = true;
	oa.createmode = EXCLUSIVE4_1;
	oa.attrs = &sa;
	memcpy(oa.verifier, "VERIFIER", 8);
	nfs4_compound_init(&c);
	nfs4_op_open(&c, &oa);
	b = c.ops.buf;
	assert_int_equal(word_at(b, 0), OP_OPEN);
	assert_int_equal(word_at(b, 1), 0);		/* seqid */
	assert_int_equal(word_at(b, 2), OPEN4_SHARE_ACCESS_BOTH);
	assert_int_equal(word_at(b, 3), 0);
	assert_int_equal(word_at(b, 4), 0x11223344);
	assert_int_equal(word_at(b, 5), 0x55667788);
	assert_int_equal(word_at(b, 6), 2);		/* owner len */
	assert_int_equal(word_at(b, 8), OPEN4_CREATE);
	assert_int_equal(word_at(b, 9), EXCLUSIVE4_1);
	assert_memory_equal(b + 40, "VERIFIER", 8);
	assert_int_equal(word_at(b, 12), 2);		/* bitmap words */
	assert_int_equal(word_at(b, 13), 0);
	assert_int_equal(word_at(b, 14), 1u << (FATTR4_MODE - 32));
	assert_int_equal(word_at(b, 15), 4);
	assert_int_equal(word_at(b, 16), 0640);
	assert_int_equal(word_at(b, 17), CLAIM_NULL);
	assert_int_equal(word_at(b, 18), 1);
	assert_int_equal(c.ops.len, 20 * 4);
	nfs4_compound_release(&c);
}

static void test_encode_create_symlink_and_write(void **state)
{
	struct nfs4_compound c;
	struct nfs4_create_args ca = { .type = NF4LNK, .name = "l", .linkdata = "target" };
	const uint8_t *b;

	nfs4_compound_init(&c);
	nfs4_op_create(&c, &ca);
	nfs4_op_write(&c, NULL, 4096, FILE_SYNC4, "xyz", 3);
	b = c.ops.buf;
	assert_int_equal(word_at(b, 0), OP_CREATE);
	assert_int_equal(word_at(b, 1), NF4LNK);
	assert_int_equal(word_at(b, 2), 6);
	assert_memory_equal(b + 12, "target\0\0", 8);
	assert_int_equal(word_at(b, 5), 1);
	assert_int_equal(word_at(b, 7), 0);		/* empty bitmap */
	assert_int_equal(word_at(b, 8), 0);		/* empty attrlist */
	assert_int_equal(word_at(b, 9), OP_WRITE);
	/* stateid (anonymous) 16 bytes: words 10..13 */
	assert_int_equal(word_at(b, 14), 0);
	assert_int_equal(word_at(b, 15), 4096);
	assert_int_equal(word_at(b, 16), FILE_SYNC4);
	assert_int_equal(word_at(b, 17), 3);
	assert_int_equal(c.ops.len, 19 * 4);
	nfs4_compound_release(&c);
}

/* ------------------------------------------------------------- parser */

static void test_parse_getattr_reply(void **state)
{
	static const uint8_t fh[5] = { 9, 8, 7, 6, 5 };
	struct nfs4_compound_res res;
	const struct nfs4_attrs *a;
	struct xdr_out x;

	xdr_out_init(&x, 65536);
	put_res_header(&x, NFS4_OK, 4);
	put_sequence_ok(&x);
	xdr_put_u32(&x, OP_PUTFH);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, OP_GETFH);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_opaque(&x, fh, sizeof(fh));
	xdr_put_u32(&x, OP_GETATTR);
	xdr_put_u32(&x, NFS4_OK);
	put_fattr(&x, 123456789012ull);

	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), 0);
	assert_int_equal(res.status, NFS4_OK);
	assert_int_equal(res.nres, 4);
	assert_int_equal(res.nparsed, 4);
	assert_false(res.incomplete);
	assert_int_equal(res.ops[0].u.sequence.slotid, 2);
	assert_int_equal(res.ops[0].u.sequence.sequenceid, 7);
	assert_int_equal(res.ops[2].u.getfh.len, 5);
	assert_memory_equal(res.ops[2].u.getfh.data, fh, 5);
	a = &res.ops[3].u.getattr;
	assert_true(nfs4_attrs_has(a, FATTR4_TYPE));
	assert_true(nfs4_attrs_has(a, FATTR4_SEC_LABEL));
	assert_false(nfs4_attrs_has(a, FATTR4_FILEID));
	assert_int_equal(a->type, NF4REG);
	assert_true(a->size == 123456789012ull);
	assert_int_equal(a->mode, 0644);
	assert_int_equal(a->owner.len, 4);
	assert_memory_equal(a->owner.data, "1000", 4);
	assert_int_equal(a->time_modify.sec, 1700000000);
	assert_int_equal(a->time_modify.nsec, 5);
	assert_int_equal(a->sec_label.lfs, LFS_FLASK);
	assert_int_equal(a->sec_label.pi, 3);
	assert_int_equal(a->sec_label.data.len, 26);
	nfs4_compound_res_release(&res);
	assert_prefixes_fail(x.buf, x.len);

	/* trailing garbage after the last result */
	xdr_put_u32(&x, 0);
	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), -EBADMSG);
	xdr_out_release(&x);
}

static void test_parse_readdir_reply(void **state)
{
	struct nfs4_compound_res res;
	struct xdr_out x;
	const struct nfs4_op_res *r;

	xdr_out_init(&x, 65536);
	put_res_header(&x, NFS4_OK, 2);
	xdr_put_u32(&x, OP_PUTFH);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, OP_READDIR);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_fixed(&x, "COOKVERF", 8);
	for (int i = 0; i < 3; i++) {
		char name[8];

		snprintf(name, sizeof(name), "e%d", i);
		xdr_put_bool(&x, true);
		xdr_put_u64(&x, 100 + i);
		xdr_put_string(&x, name);
		put_fattr(&x, i);
	}
	xdr_put_bool(&x, false);
	xdr_put_bool(&x, true);	/* eof */

	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), 0);
	r = &res.ops[1];
	assert_int_equal(r->u.readdir.count, 3);
	assert_true(r->u.readdir.eof);
	assert_memory_equal(r->u.readdir.verifier, "COOKVERF", 8);
	assert_int_equal(r->u.readdir.entries[2].cookie, 102);
	assert_int_equal(r->u.readdir.entries[2].name.len, 2);
	assert_memory_equal(r->u.readdir.entries[2].name.data, "e2", 2);
	assert_int_equal(r->u.readdir.entries[1].attrs.size, 1);
	nfs4_compound_res_release(&res);
	assert_prefixes_fail(x.buf, x.len);
	xdr_out_release(&x);
}

static void test_parse_io_and_state_results(void **state)
{
	struct nfs4_compound_res res;
	struct xdr_out x;
	struct nfs4_stateid sid = { 1, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 } };

	xdr_out_init(&x, 65536);
	put_res_header(&x, NFS4_OK, 7);
	/* OPEN */
	xdr_put_u32(&x, OP_OPEN);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, sid.seqid);
	xdr_put_fixed(&x, sid.other, 12);
	xdr_put_bool(&x, true);
	xdr_put_u64(&x, 10);
	xdr_put_u64(&x, 11);
	xdr_put_u32(&x, OPEN4_RESULT_LOCKTYPE_POSIX);
	xdr_put_u32(&x, 2);
	xdr_put_u32(&x, 0);
	xdr_put_u32(&x, 1u << (FATTR4_MODE - 32));
	xdr_put_u32(&x, OPEN_DELEGATE_NONE_EXT);
	xdr_put_u32(&x, WND4_CONTENTION);
	xdr_put_bool(&x, false);
	/* WRITE */
	xdr_put_u32(&x, OP_WRITE);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, 3);
	xdr_put_u32(&x, FILE_SYNC4);
	xdr_put_fixed(&x, "WRITEVER", 8);
	/* READ */
	xdr_put_u32(&x, OP_READ);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_bool(&x, true);
	xdr_put_opaque(&x, "hello", 5);
	/* CREATE */
	xdr_put_u32(&x, OP_CREATE);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_bool(&x, false);
	xdr_put_u64(&x, 1);
	xdr_put_u64(&x, 2);
	xdr_put_u32(&x, 0);
	/* RENAME */
	xdr_put_u32(&x, OP_RENAME);
	xdr_put_u32(&x, NFS4_OK);
	for (int i = 0; i < 2; i++) {
		xdr_put_bool(&x, true);
		xdr_put_u64(&x, 5 + i);
		xdr_put_u64(&x, 6 + i);
	}
	/* CLOSE */
	xdr_put_u32(&x, OP_CLOSE);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, 2);
	xdr_put_fixed(&x, sid.other, 12);
	/* SETATTR failing still carries attrsset */
	xdr_put_u32(&x, OP_SETATTR);
	xdr_put_u32(&x, NFS4ERR_ATTRNOTSUPP);
	xdr_put_u32(&x, 0);

	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), 0);
	assert_int_equal(res.nparsed, 7);
	assert_memory_equal(res.ops[0].u.open.stateid.other, sid.other, 12);
	assert_true(res.ops[0].u.open.cinfo.atomic);
	assert_int_equal(res.ops[0].u.open.cinfo.after, 11);
	assert_true(nfs4_bitmap_isset(&res.ops[0].u.open.attrset, FATTR4_MODE));
	assert_int_equal(res.ops[0].u.open.why_no_deleg, WND4_CONTENTION);
	assert_int_equal(res.ops[1].u.write.count, 3);
	assert_int_equal(res.ops[1].u.write.committed, FILE_SYNC4);
	assert_true(res.ops[2].u.read.eof);
	assert_memory_equal(res.ops[2].u.read.data.data, "hello", 5);
	assert_int_equal(res.ops[3].u.create.cinfo.after, 2);
	assert_int_equal(res.ops[4].u.rename.target.before, 6);
	assert_int_equal(res.ops[5].u.close.seqid, 2);
	assert_int_equal(res.ops[6].status, NFS4ERR_ATTRNOTSUPP);
	assert_int_equal(res.ops[6].u.setattr.n, 0);
	nfs4_compound_res_release(&res);
	assert_prefixes_fail(x.buf, x.len);
	xdr_out_release(&x);
}

static void test_parse_error_and_unknown(void **state)
{
	struct nfs4_compound_res res;
	struct xdr_out x;

	/* failing LOOKUP ends the compound: status only */
	xdr_out_init(&x, 4096);
	put_res_header(&x, NFS4ERR_NOENT, 2);
	xdr_put_u32(&x, OP_PUTROOTFH);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, OP_LOOKUP);
	xdr_put_u32(&x, NFS4ERR_NOENT);
	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), 0);
	assert_int_equal(res.status, NFS4ERR_NOENT);
	assert_int_equal(res.ops[1].status, NFS4ERR_NOENT);
	nfs4_compound_res_release(&res);

	/* an op this parser does not know stops parsing without failing */
	xdr_out_reset(&x, 4096);
	put_res_header(&x, NFS4_OK, 2);
	xdr_put_u32(&x, OP_PUTROOTFH);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, OP_LAYOUTGET);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, 77);
	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), 0);
	assert_true(res.incomplete);
	assert_int_equal(res.nparsed, 1);
	nfs4_compound_res_release(&res);

	/* a resarray count the bytes cannot hold */
	xdr_out_reset(&x, 4096);
	put_res_header(&x, NFS4_OK, 0x40000000);
	xdr_put_u32(&x, OP_PUTROOTFH);
	xdr_put_u32(&x, NFS4_OK);
	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), -EBADMSG);

	/* fattr4 whose attrlist is longer than its attributes */
	xdr_out_reset(&x, 4096);
	put_res_header(&x, NFS4_OK, 1);
	xdr_put_u32(&x, OP_GETATTR);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, 1);
	xdr_put_u32(&x, 1u << FATTR4_TYPE);
	xdr_put_u32(&x, 8);
	xdr_put_u32(&x, NF4DIR);
	xdr_put_u32(&x, 0);
	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), -EBADMSG);

	/* unknown attribute: decoded up to it, marked partial */
	xdr_out_reset(&x, 4096);
	put_res_header(&x, NFS4_OK, 1);
	xdr_put_u32(&x, OP_GETATTR);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, 4);
	xdr_put_u32(&x, 1u << FATTR4_TYPE);
	xdr_put_u32(&x, 0);
	xdr_put_u32(&x, 0);
	xdr_put_u32(&x, 1u << 31);	/* attribute 127 */
	xdr_put_u32(&x, 8);
	xdr_put_u32(&x, NF4DIR);
	xdr_put_u32(&x, 0);
	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), 0);
	assert_true(res.ops[0].u.getattr.partial);
	assert_int_equal(res.ops[0].u.getattr.type, NF4DIR);
	nfs4_compound_res_release(&res);

	/* bool out of range in READ eof */
	xdr_out_reset(&x, 4096);
	put_res_header(&x, NFS4_OK, 1);
	xdr_put_u32(&x, OP_READ);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u32(&x, 2);
	xdr_put_u32(&x, 0);
	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), -EBADMSG);
	xdr_out_release(&x);
}

static void test_parse_session_setup(void **state)
{
	struct nfs4_compound_res res;
	struct xdr_out x;

	xdr_out_init(&x, 4096);
	put_res_header(&x, NFS4_OK, 2);
	xdr_put_u32(&x, OP_EXCHANGE_ID);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_u64(&x, 0xabcdef);
	xdr_put_u32(&x, 1);
	xdr_put_u32(&x, EXCHGID4_FLAG_USE_NON_PNFS);
	xdr_put_u32(&x, SP4_NONE);
	xdr_put_u64(&x, 0);
	xdr_put_string(&x, "major");
	xdr_put_string(&x, "scope");
	xdr_put_u32(&x, 1);
	xdr_put_string(&x, "example.org");
	xdr_put_string(&x, "srv");
	xdr_put_i64(&x, 0);
	xdr_put_u32(&x, 0);
	xdr_put_u32(&x, OP_CREATE_SESSION);
	xdr_put_u32(&x, NFS4_OK);
	xdr_put_fixed(&x, "SESSIONID0123456", 16);
	xdr_put_u32(&x, 1);
	xdr_put_u32(&x, 0);
	for (int ch = 0; ch < 2; ch++) {
		for (int i = 0; i < 6; i++)
			xdr_put_u32(&x, 100 * ch + i);
		xdr_put_u32(&x, 0);
	}
	assert_int_equal(nfs4_parse_compound_res(x.buf, x.len, &res), 0);
	assert_int_equal(res.ops[0].u.exchange_id.clientid, 0xabcdef);
	assert_true(res.ops[0].u.exchange_id.has_impl_id);
	assert_int_equal(res.ops[0].u.exchange_id.server_scope.len, 5);
	assert_memory_equal(res.ops[1].u.create_session.sessionid, "SESSIONID0123456", 16);
	assert_int_equal(res.ops[1].u.create_session.fore.maxrequests, 5);
	assert_int_equal(res.ops[1].u.create_session.back.maxops, 104);
	nfs4_compound_res_release(&res);
	assert_prefixes_fail(x.buf, x.len);
	xdr_out_release(&x);
}

static void test_rpc_reply_header(void **state)
{
	struct nfs4_rpc_reply r;
	struct xdr_out x;

	xdr_out_init(&x, 4096);
	xdr_put_u32(&x, 0x1234);
	xdr_put_u32(&x, 1);	/* REPLY */
	xdr_put_u32(&x, 0);	/* MSG_ACCEPTED */
	xdr_put_u32(&x, 0);
	xdr_put_u32(&x, 0);	/* verf */
	xdr_put_u32(&x, 0);	/* SUCCESS */
	xdr_put_u32(&x, 0xfeed);
	assert_int_equal(nfs4_rpc_parse_reply(x.buf, x.len, &r), 0);
	assert_int_equal(r.xid, 0x1234);
	assert_int_equal(r.body.len, 4);
	for (size_t n = 0; n < x.len - 4; n++)
		assert_int_equal(nfs4_rpc_parse_reply(x.buf, n, &r), -EBADMSG);

	xdr_out_reset(&x, 4096);
	xdr_put_u32(&x, 7);
	xdr_put_u32(&x, 1);
	xdr_put_u32(&x, 1);	/* MSG_DENIED */
	xdr_put_u32(&x, 1);	/* AUTH_ERROR */
	xdr_put_u32(&x, 5);	/* AUTH_FAILED... */
	assert_int_equal(nfs4_rpc_parse_reply(x.buf, x.len, &r), 0);
	assert_int_equal(r.reject_stat, 1);
	assert_int_equal(r.auth_stat, 5);

	xdr_out_reset(&x, 4096);
	xdr_put_u32(&x, 7);
	xdr_put_u32(&x, 0);	/* a CALL is not a reply */
	xdr_put_u32(&x, 0);
	assert_int_equal(nfs4_rpc_parse_reply(x.buf, x.len, &r), -EBADMSG);
	xdr_out_release(&x);
}

static void test_bitmap_helpers(void **state)
{
	struct nfs4_bitmap bm;
	struct xdr_in in;
	uint8_t wire[40];

	nfs4_bitmap_of(&bm, FATTR4_SEC_LABEL, FATTR4_TYPE, -1);
	assert_int_equal(bm.n, 3);
	assert_true(nfs4_bitmap_isset(&bm, FATTR4_SEC_LABEL));
	assert_false(nfs4_bitmap_isset(&bm, FATTR4_SIZE));
	assert_false(nfs4_bitmap_isset(&bm, 200));

	memset(wire, 0, sizeof(wire));
	wire[3] = 9;	/* nine words: over the limit */
	xdr_in_init(&in, wire, sizeof(wire));
	assert_false(nfs4_decode_bitmap(&in, &bm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_with_sequence),
		cmocka_unit_test(test_encode_numops_override_and_raw),
		cmocka_unit_test(test_encode_fattr4_setattrs),
		cmocka_unit_test(test_encode_open_create_exclusive41),
		cmocka_unit_test(test_encode_create_symlink_and_write),
		cmocka_unit_test(test_parse_getattr_reply),
		cmocka_unit_test(test_parse_readdir_reply),
		cmocka_unit_test(test_parse_io_and_state_results),
		cmocka_unit_test(test_parse_error_and_unknown),
		cmocka_unit_test(test_parse_session_setup),
		cmocka_unit_test(test_rpc_reply_header),
		cmocka_unit_test(test_bitmap_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
