/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_state.c - client IDs, sessions, the slot reply cache, stateids, share
 * reservations, leases, byte-range locks, and the stable client records
 * with the grace period after a restart (a temporary state directory; a
 * "restart" frees the table and makes a new one on the same directory),
 * driven through the op handlers with hand-encoded arguments and a fake
 * clock.  The hooks state.h expects from the rest of
 * the server (domain name, current file key, stateid codec) are faked here.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include <dirent.h>

#include "server/compound.h"
#include "server/cred.h"
#include "server/lock_range.h"
#include "server/srv.h"
#include "server/state.h"
#include "xdr/xdr.h"

#define EPOCH 0x5eed0001u

struct rec_dir;
static void rec_dir_free(struct rec_dir *d);

struct env {
	struct srv srv; /* first: the hooks find the env from c->srv */
	uint64_t now;
	struct rpc_conn_info conn;
	struct rpc_call call;
	struct compound c;
	bool have_fh;
	uint64_t fh_dev, fh_ino;
	struct rec_dir *rec; /* a state directory to remove in teardown */
};

/* --- fakes for the hooks --------------------------------------------------- */

void srv_client_domain_name(struct srv *s, const struct compound *c, char *buf, size_t len)
{
	snprintf(buf, len, "testdom");
}

nfsstat4 srv_cur_file_key(struct compound *c, uint64_t *dev, uint64_t *ino)
{
	struct env *e = (struct env *)c->srv;

	if (!e->have_fh)
		return NFS4ERR_NOFILEHANDLE;
	*dev = e->fh_dev;
	*ino = e->fh_ino;
	return NFS4_OK;
}

bool nfs4_dec_stateid4(struct xdr_in *x, struct stateid4 *sid)
{
	return xdr_get_u32(x, &sid->seqid) && xdr_get_fixed(x, sid->other, NFS4_OTHER_SIZE);
}

bool nfs4_enc_stateid4(struct xdr_out *x, const struct stateid4 *sid)
{
	return xdr_put_u32(x, sid->seqid) && xdr_put_fixed(x, sid->other, NFS4_OTHER_SIZE);
}

uint32_t cred_raise(void)
{
	return 0;
}

void cred_lower(uint32_t fsuid)
{
	(void)fsuid;
}

static uint32_t get_be32_for_test(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t fake_clock(void *arg)
{
	return ((struct env *)arg)->now;
}

/* --- fixture -------------------------------------------------------------- */

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->srv.boot_time = 0x100000000ull | EPOCH;
	memcpy(e->srv.server_owner, "lnfsd-test", 10);
	e->srv.server_owner_len = 10;
	strcpy(e->srv.server_scope, "scope");
	e->srv.state = state_table_new(&e->srv, 90);
	assert_non_null(e->srv.state);
	e->now = 1000;
	state_set_clock(e->srv.state, fake_clock, e);
	e->conn.id = 7;
	e->call.conn = &e->conn;
	e->call.cred.flavor = RPC_AUTH_SYS;
	e->call.cred.uid = 0;
	e->c.srv = &e->srv;
	e->c.call = &e->call;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	state_slot_done(&e->c, NULL, 0);
	state_table_free(e->srv.state);
	if (e->rec)
		rec_dir_free(e->rec); /* a test that failed half-way */
	free(e);
	return 0;
}

/* Start a new compound on the same connection (ends the previous one). */
static void begin(struct env *e)
{
	state_slot_done(&e->c, NULL, 0);
	memset(&e->c, 0, sizeof(e->c));
	e->c.srv = &e->srv;
	e->c.call = &e->call;
}

/* Run handler fn over the encoded args; the result body lands in res. */
static nfsstat4 run(struct env *e, nfs4_op_fn fn, struct xdr_out *args, struct xdr_out *res)
{
	struct xdr_in in;
	nfsstat4 status;

	assert_false(args->overflow);
	xdr_in_init(&in, args->buf, args->len);
	xdr_out_init(res, 1 << 20);
	status = fn(&e->c, &in, res);
	if (status == NFS4_OK)
		assert_int_equal(xdr_in_left(&in), 0);
	xdr_out_release(args);
	return status;
}

/* --- operation helpers ---------------------------------------------------- */

struct exid {
	uint64_t clientid;
	uint32_t seq, flags;
};

static nfsstat4 exchange_id_how(struct env *e, const char *owner, uint64_t verf, uint32_t flags,
				uint32_t how, struct exid *out)
{
	struct xdr_out a, r;
	struct xdr_in in;
	nfsstat4 st;

	xdr_out_init(&a, 4096);
	xdr_put_u64(&a, verf);
	xdr_put_string(&a, owner);
	xdr_put_u32(&a, flags);
	xdr_put_u32(&a, how);
	if (how == SP4_MACH_CRED) {
		xdr_put_u32(&a, 0);
		xdr_put_u32(&a, 0);
	}
	xdr_put_u32(&a, 1); /* eia_client_impl_id<1> */
	xdr_put_string(&a, "kernel.org");
	xdr_put_string(&a, "Linux");
	xdr_put_i64(&a, 0);
	xdr_put_u32(&a, 0);
	st = run(e, nfs4_op_exchange_id, &a, &r);
	if (st == NFS4_OK && out) {
		struct xdr_view v;
		uint64_t minor;
		uint32_t how_r, n;

		xdr_in_init(&in, r.buf, r.len);
		assert_true(xdr_get_u64(&in, &out->clientid));
		assert_true(xdr_get_u32(&in, &out->seq));
		assert_true(xdr_get_u32(&in, &out->flags));
		assert_true(xdr_get_u32(&in, &how_r));
		assert_int_equal(how_r, SP4_NONE);
		assert_true(xdr_get_u64(&in, &minor));
		assert_true(minor == 0);
		assert_true(xdr_get_opaque(&in, 1024, &v));
		assert_int_equal(v.len, 10);
		assert_memory_equal(v.data, "lnfsd-test", 10);
		assert_true(xdr_get_opaque(&in, 1024, &v));
		assert_int_equal(v.len, 5);
		assert_true(xdr_get_u32(&in, &n));
		assert_int_equal(n, 1);
	}
	xdr_out_release(&r);
	return st;
}

static nfsstat4 exchange_id(struct env *e, const char *owner, uint64_t verf, uint32_t flags,
			    struct exid *out)
{
	return exchange_id_how(e, owner, verf, flags, SP4_NONE, out);
}

struct chan {
	uint32_t reqsize, respsize, cached, ops, reqs;
};

static const struct chan default_chan = { 1 << 20, 1 << 20, 4096, 16, 8 };

static void put_chan(struct xdr_out *a, const struct chan *ch)
{
	xdr_put_u32(a, 0);
	xdr_put_u32(a, ch->reqsize);
	xdr_put_u32(a, ch->respsize);
	xdr_put_u32(a, ch->cached);
	xdr_put_u32(a, ch->ops);
	xdr_put_u32(a, ch->reqs);
	xdr_put_u32(a, 0);
}

/* CREATE_SESSION; the raw result body is copied to body (if given). */
static nfsstat4 create_session_fb(struct env *e, uint64_t clientid, uint32_t seq, uint32_t flags,
				  const struct chan *fore, const struct chan *back, uint8_t sid[16],
				  uint8_t *body, size_t *body_len)
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 4096);
	xdr_put_u64(&a, clientid);
	xdr_put_u32(&a, seq);
	xdr_put_u32(&a, flags);
	put_chan(&a, fore);
	put_chan(&a, back);
	xdr_put_u32(&a, 0x40000000); /* csa_cb_program */
	xdr_put_u32(&a, 2);          /* csa_sec_parms<> */
	xdr_put_u32(&a, RPC_AUTH_NONE);
	xdr_put_u32(&a, RPC_AUTH_SYS);
	xdr_put_u32(&a, 0);
	xdr_put_string(&a, "host");
	xdr_put_u32(&a, 0);
	xdr_put_u32(&a, 0);
	xdr_put_u32(&a, 1);
	xdr_put_u32(&a, 10);
	st = run(e, nfs4_op_create_session, &a, &r);
	if (st == NFS4_OK) {
		assert_true(r.len >= 16);
		if (sid)
			memcpy(sid, r.buf, 16);
		if (body) {
			memcpy(body, r.buf, r.len);
			*body_len = r.len;
		}
	}
	xdr_out_release(&r);
	return st;
}

static nfsstat4 create_session_ch(struct env *e, uint64_t clientid, uint32_t seq, uint32_t flags,
				  const struct chan *fore, uint8_t sid[16], uint8_t *body,
				  size_t *body_len)
{
	return create_session_fb(e, clientid, seq, flags, fore, &default_chan, sid, body,
				 body_len);
}

static nfsstat4 create_session(struct env *e, uint64_t clientid, uint32_t seq, uint8_t sid[16])
{
	return create_session_ch(e, clientid, seq, 0, &default_chan, sid, NULL, NULL);
}

static nfsstat4 sequence(struct env *e, const uint8_t sid[16], uint32_t seq, uint32_t slot,
			 bool cachethis)
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 4096);
	xdr_put_fixed(&a, sid, 16);
	xdr_put_u32(&a, seq);
	xdr_put_u32(&a, slot);
	xdr_put_u32(&a, 7);
	xdr_put_bool(&a, cachethis);
	st = run(e, nfs4_op_sequence, &a, &r);
	if (st == NFS4_OK) {
		struct xdr_in in;
		uint32_t v;

		xdr_in_init(&in, r.buf, r.len);
		assert_int_equal(r.len, 16 + 5 * 4);
		assert_memory_equal(r.buf, sid, 16);
		assert_true(xdr_skip(&in, 16));
		assert_true(xdr_get_u32(&in, &v));
		assert_int_equal(v, seq);
		assert_true(xdr_get_u32(&in, &v));
		assert_int_equal(v, slot);
	}
	xdr_out_release(&r);
	return st;
}

static nfsstat4 reclaim_complete_fs(struct env *e, bool one_fs)
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 8);
	xdr_put_bool(&a, one_fs);
	st = run(e, nfs4_op_reclaim_complete, &a, &r);
	xdr_out_release(&r);
	return st;
}

static nfsstat4 reclaim_complete(struct env *e)
{
	return reclaim_complete_fs(e, false);
}

/* The session's last slot (default_chan: 8 slots) is kept for the
 * RECLAIM_COMPLETE of new_client(); the tests use the others. */
#define RC_SLOT 7u

/* A confirmed client with one session; returns the client id.  Unless
 * `recovering` (a client back after a restart that reclaims first), it sends
 * RECLAIM_COMPLETE as clients do before their first OPEN (RFC 8881
 * §18.51.3); a client that did so in an earlier session has done it. */
static uint64_t new_client_rc(struct env *e, const char *owner, uint8_t sid[16],
			      bool recovering)
{
	struct exid x;
	nfsstat4 st;

	begin(e);
	assert_int_equal(exchange_id(e, owner, 1, 0, &x), NFS4_OK);
	assert_int_equal(create_session(e, x.clientid, x.seq, sid), NFS4_OK);
	if (!recovering) {
		begin(e);
		assert_int_equal(sequence(e, sid, 1, RC_SLOT, false), NFS4_OK);
		st = reclaim_complete(e);
		assert_true(st == NFS4_OK || st == NFS4ERR_COMPLETE_ALREADY);
		begin(e);
	}
	return x.clientid;
}

static uint64_t new_client(struct env *e, const char *owner, uint8_t sid[16])
{
	return new_client_rc(e, owner, sid, false);
}

static nfsstat4 sid_op(struct env *e, nfs4_op_fn fn, const uint8_t sid[16])
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 64);
	xdr_put_fixed(&a, sid, 16);
	st = run(e, fn, &a, &r);
	xdr_out_release(&r);
	return st;
}

static nfsstat4 destroy_clientid(struct env *e, uint64_t clientid)
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 64);
	xdr_put_u64(&a, clientid);
	st = run(e, nfs4_op_destroy_clientid, &a, &r);
	xdr_out_release(&r);
	return st;
}

static nfsstat4 open_file(struct env *e, const char *owner, uint64_t ino, uint32_t access,
			  uint32_t deny, int fd, struct stateid4 *out)
{
	struct xdr_view v = { (const uint8_t *)owner, (uint32_t)strlen(owner) };

	return state_open_file(&e->c, &v, 1, ino, access, deny, fd, out);
}

static nfsstat4 reclaim_file(struct env *e, const char *owner, uint64_t ino, uint32_t access,
			     uint32_t deny, struct stateid4 *out)
{
	struct xdr_view v = { (const uint8_t *)owner, (uint32_t)strlen(owner) };

	return state_reclaim_open(&e->c, &v, 1, ino, access, deny, -1, out);
}

static nfsstat4 io(struct env *e, const struct stateid4 *sid, uint64_t ino, bool write, int *fd)
{
	struct open_state *ref;
	nfsstat4 st;

	st = state_stateid_for_io(&e->c, sid, 1, ino, write, fd, &ref);
	state_io_done(ref);
	return st;
}

static nfsstat4 stateid_op(struct env *e, nfs4_op_fn fn, uint32_t pre, bool has_pre,
			   const struct stateid4 *sid, struct stateid4 *out)
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 64);
	if (has_pre)
		xdr_put_u32(&a, pre);
	nfs4_enc_stateid4(&a, sid);
	st = run(e, fn, &a, &r);
	if (st == NFS4_OK && out) {
		struct xdr_in in;

		xdr_in_init(&in, r.buf, r.len);
		assert_true(nfs4_dec_stateid4(&in, out));
	}
	xdr_out_release(&r);
	return st;
}

static nfsstat4 close_sid(struct env *e, const struct stateid4 *sid, struct stateid4 *out)
{
	return stateid_op(e, nfs4_op_close, 0, true, sid, out);
}

static nfsstat4 downgrade(struct env *e, const struct stateid4 *sid, uint32_t access,
			  uint32_t deny, struct stateid4 *out)
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 64);
	nfs4_enc_stateid4(&a, sid);
	xdr_put_u32(&a, 0);
	xdr_put_u32(&a, access);
	xdr_put_u32(&a, deny);
	st = run(e, nfs4_op_open_downgrade, &a, &r);
	if (st == NFS4_OK) {
		struct xdr_in in;

		xdr_in_init(&in, r.buf, r.len);
		assert_true(nfs4_dec_stateid4(&in, out));
	}
	xdr_out_release(&r);
	return st;
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static int devnull(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* --- EXCHANGE_ID ---------------------------------------------------------- */

static void test_exchange_id_new(void **state)
{
	struct env *e = *state;
	struct exid x;

	assert_int_equal(exchange_id(e, "client-a", 1, 0, &x), NFS4_OK);
	assert_int_equal((uint32_t)(x.clientid >> 32), EPOCH);
	assert_int_equal(x.seq, 1);
	assert_int_equal(x.flags, EXCHGID4_FLAG_USE_NON_PNFS);
	assert_int_equal(state_client_count(e->srv.state), 1);
}

static void test_exchange_id_flags_and_protection(void **state)
{
	struct env *e = *state;

	assert_int_equal(exchange_id(e, "c", 1, EXCHGID4_FLAG_CONFIRMED_R, NULL), NFS4ERR_INVAL);
	assert_int_equal(exchange_id(e, "c", 1, 0x1000, NULL), NFS4ERR_INVAL);
	assert_int_equal(exchange_id_how(e, "c", 1, 0, SP4_MACH_CRED, NULL), NFS4ERR_INVAL);
	assert_int_equal(exchange_id_how(e, "c", 1, 0, SP4_SSV, NULL), NFS4ERR_ENCR_ALG_UNSUPP);
	assert_int_equal(exchange_id_how(e, "c", 1, 0, 9, NULL), NFS4ERR_BADXDR);
	assert_int_equal(state_client_count(e->srv.state), 0);
	/* Pass-through of permitted argument flags. */
	assert_int_equal(exchange_id(e, "c", 1, EXCHGID4_FLAG_SUPP_MOVED_REFER |
						       EXCHGID4_FLAG_BIND_PRINC_STATEID,
				     NULL),
			 NFS4_OK);
	/* SUPP_FENCE_OPS (0x4) exists from NFSv4.2 (RFC 7862) on: undefined,
	 * hence NFS4ERR_INVAL, at minor version 1 (pynfs EID4); accepted at
	 * 4.2, and never answered (no fence operations). */
	e->c.minorversion = 1;
	assert_int_equal(exchange_id(e, "f", 1, EXCHGID4_FLAG_SUPP_FENCE_OPS, NULL),
			 NFS4ERR_INVAL);
	assert_int_equal(state_client_count(e->srv.state), 1);
	e->c.minorversion = 2;
	struct exid x;

	assert_int_equal(exchange_id(e, "f", 1, EXCHGID4_FLAG_SUPP_FENCE_OPS, &x), NFS4_OK);
	assert_false(x.flags & EXCHGID4_FLAG_SUPP_FENCE_OPS);
	assert_int_equal(state_client_count(e->srv.state), 2);
}

static void test_exchange_id_cases(void **state)
{
	struct env *e = *state;
	struct exid x1, x2, x3, y;
	uint8_t sid[16], sid3[16];

	/* Case 1, then case 4: an unconfirmed record is replaced. */
	assert_int_equal(exchange_id(e, "owner", 1, 0, &x1), NFS4_OK);
	assert_int_equal(exchange_id(e, "owner", 1, 0, &x2), NFS4_OK);
	assert_true(x1.clientid != x2.clientid);
	assert_int_equal(state_client_count(e->srv.state), 1);
	assert_int_equal(create_session(e, x1.clientid, 1, sid), NFS4ERR_STALE_CLIENTID);
	assert_int_equal(create_session(e, x2.clientid, 1, sid), NFS4_OK);

	/* Case 2: same verifier and principal give the confirmed record. */
	assert_int_equal(exchange_id(e, "owner", 1, 0, &y), NFS4_OK);
	assert_true(y.clientid == x2.clientid);
	assert_int_equal(y.flags, EXCHGID4_FLAG_USE_NON_PNFS | EXCHGID4_FLAG_CONFIRMED_R);
	assert_int_equal(y.seq, 2);

	/* Cases 6-9: updates. */
	assert_int_equal(exchange_id(e, "owner", 1, EXCHGID4_FLAG_UPD_CONFIRMED_REC_A, &y),
			 NFS4_OK);
	assert_true(y.clientid == x2.clientid);
	assert_true(y.flags & EXCHGID4_FLAG_CONFIRMED_R);
	assert_int_equal(exchange_id(e, "owner", 2, EXCHGID4_FLAG_UPD_CONFIRMED_REC_A, NULL),
			 NFS4ERR_NOT_SAME);
	assert_int_equal(exchange_id(e, "nobody", 1, EXCHGID4_FLAG_UPD_CONFIRMED_REC_A, NULL),
			 NFS4ERR_NOENT);
	e->call.cred.uid = 1000;
	assert_int_equal(exchange_id(e, "owner", 1, EXCHGID4_FLAG_UPD_CONFIRMED_REC_A, NULL),
			 NFS4ERR_PERM);
	/* Case 3: another principal while the record has state. */
	assert_int_equal(exchange_id(e, "owner", 1, 0, NULL), NFS4ERR_CLID_INUSE);
	e->call.cred.uid = 0;

	/* Case 5: a restart (new verifier) gets a new unconfirmed record;
	 * the old incarnation keeps working until the new one is confirmed. */
	assert_int_equal(exchange_id(e, "owner", 2, 0, &x3), NFS4_OK);
	assert_true(x3.clientid != x2.clientid);
	assert_false(x3.flags & EXCHGID4_FLAG_CONFIRMED_R);
	assert_int_equal(x3.seq, 1);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	begin(e);
	assert_int_equal(create_session(e, x3.clientid, 1, sid3), NFS4_OK);
	assert_int_equal(sequence(e, sid, 2, 0, false), NFS4ERR_BADSESSION);
	assert_int_equal(state_client_count(e->srv.state), 1);
	assert_int_equal(exchange_id(e, "owner", 2, 0, &y), NFS4_OK);
	assert_true(y.clientid == x3.clientid);
	assert_true(y.flags & EXCHGID4_FLAG_CONFIRMED_R);
}

static void test_exchange_id_collision_without_state(void **state)
{
	struct env *e = *state;
	struct exid x, y;
	uint8_t sid[16];

	assert_int_equal(exchange_id(e, "owner", 1, 0, &x), NFS4_OK);
	assert_int_equal(create_session(e, x.clientid, 1, sid), NFS4_OK);
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid), NFS4_OK);
	/* No state left: another principal takes the name over (case 3). */
	e->call.cred.uid = 1000;
	assert_int_equal(exchange_id(e, "owner", 1, 0, &y), NFS4_OK);
	assert_true(y.clientid != x.clientid);
	assert_false(y.flags & EXCHGID4_FLAG_CONFIRMED_R);
	assert_int_equal(state_client_count(e->srv.state), 1);
}

static void test_client_limit(void **state)
{
	struct env *e = *state;
	struct state_limits lim = { .max_clients = 2 };

	state_set_limits(e->srv.state, &lim);
	assert_int_equal(exchange_id(e, "a", 1, 0, NULL), NFS4_OK);
	assert_int_equal(exchange_id(e, "b", 1, 0, NULL), NFS4_OK);
	assert_int_equal(exchange_id(e, "c", 1, 0, NULL), NFS4ERR_DELAY);
	/* Replacing a's unconfirmed record frees a place first. */
	assert_int_equal(exchange_id(e, "a", 1, 0, NULL), NFS4_OK);
}

/* --- CREATE_SESSION ------------------------------------------------------- */

static void test_create_session_replay(void **state)
{
	struct env *e = *state;
	struct exid x;
	uint8_t sid1[16], sid2[16], b1[256], b2[256];
	size_t l1, l2;

	assert_int_equal(exchange_id(e, "owner", 1, 0, &x), NFS4_OK);
	/* §18.36.4: an unconfirmed record wants exactly eir_sequenceid. */
	assert_int_equal(create_session(e, x.clientid, 5, sid1), NFS4ERR_SEQ_MISORDERED);
	assert_int_equal(create_session_ch(e, x.clientid, 1, 0, &default_chan, sid1, b1, &l1),
			 NFS4_OK);
	/* The retry gets the cached reply byte for byte, and no new session. */
	assert_int_equal(create_session_ch(e, x.clientid, 1, 0, &default_chan, sid2, b2, &l2),
			 NFS4_OK);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	assert_int_equal(create_session(e, x.clientid, 3, sid2), NFS4ERR_SEQ_MISORDERED);
	assert_int_equal(create_session(e, x.clientid, 0, sid2), NFS4ERR_SEQ_MISORDERED);
	assert_int_equal(create_session(e, x.clientid, 2, sid2), NFS4_OK);
	assert_memory_not_equal(sid1, sid2, 16);
	/* Both sessions work. */
	assert_int_equal(sequence(e, sid1, 1, 0, false), NFS4_OK);
	begin(e);
	assert_int_equal(sequence(e, sid2, 1, 0, false), NFS4_OK);
	begin(e);
	/* Unknown and stale client ids. */
	assert_int_equal(create_session(e, x.clientid + 100, 1, sid2), NFS4ERR_STALE_CLIENTID);
	assert_int_equal(create_session(e, x.clientid ^ (1ull << 40), 1, sid2),
			 NFS4ERR_STALE_CLIENTID);
}

static void test_create_session_attrs(void **state)
{
	struct env *e = *state;
	struct exid x;
	struct chan big = { 1u << 30, 1u << 30, 1u << 30, 1000, 1000 };
	struct chan tiny = { 10, 1 << 20, 0, 8, 8 };
	struct chan zero = { 1 << 20, 1 << 20, 0, 8, 0 };
	uint8_t sid[16], body[256];
	size_t len;
	struct xdr_in in;
	uint32_t v[7], seq, flags;

	assert_int_equal(exchange_id(e, "owner", 1, 0, &x), NFS4_OK);
	assert_int_equal(create_session_ch(e, x.clientid, 1, 0x8, &big, sid, NULL, NULL),
			 NFS4ERR_INVAL);
	assert_int_equal(create_session_ch(e, x.clientid, 1, 0, &tiny, sid, NULL, NULL),
			 NFS4ERR_TOOSMALL);
	/* §18.36.3 (pynfs CSESS29): a back channel that could never carry
	 * CB_SEQUENCE is too small as well, though no callback is sent; the
	 * sequence slot does not move on */
	{
		struct chan btiny = { 10, 8192, 8192, 128, 1 };
		struct chan bresp = { 8192, STATE_MIN_CB_RESPONSE_SIZE - 1, 8192, 128, 1 };
		struct chan bmin = { STATE_MIN_CB_REQUEST_SIZE, STATE_MIN_CB_RESPONSE_SIZE, 0,
				     1, 1 };

		assert_int_equal(create_session_fb(e, x.clientid, 1, 0, &default_chan, &btiny,
						   sid, NULL, NULL),
				 NFS4ERR_TOOSMALL);
		assert_int_equal(create_session_fb(e, x.clientid, 1, 0, &default_chan, &bresp,
						   sid, NULL, NULL),
				 NFS4ERR_TOOSMALL);
		bmin.reqsize--;
		assert_int_equal(create_session_fb(e, x.clientid, 1, 0, &default_chan, &bmin,
						   sid, NULL, NULL),
				 NFS4ERR_TOOSMALL);
		bmin.reqsize++;
		assert_int_equal(state_client_count(e->srv.state), 1);
		/* the smallest back channel is fine: tried in a later exchange */
		struct exid y;
		uint8_t sid_y[16];

		assert_int_equal(exchange_id(e, "owner-min", 1, 0, &y), NFS4_OK);
		assert_int_equal(create_session_fb(e, y.clientid, y.seq, 0, &default_chan, &bmin,
						   sid_y, NULL, NULL),
				 NFS4_OK);
	}
	/* Another principal cannot confirm the record. */
	e->call.cred.uid = 42;
	assert_int_equal(create_session(e, x.clientid, 1, sid), NFS4ERR_CLID_INUSE);
	e->call.cred.uid = 0;
	assert_int_equal(create_session_ch(e, x.clientid, 1,
					   CREATE_SESSION4_FLAG_PERSIST |
						   CREATE_SESSION4_FLAG_CONN_BACK_CHAN,
					   &big, sid, body, &len),
			 NFS4_OK);
	xdr_in_init(&in, body, len);
	assert_true(xdr_skip(&in, 16));
	assert_true(xdr_get_u32(&in, &seq));
	assert_int_equal(seq, 1);
	assert_true(xdr_get_u32(&in, &flags));
	assert_int_equal(flags, 0);
	for (int i = 0; i < 7; i++)
		assert_true(xdr_get_u32(&in, &v[i]));
	assert_int_equal(v[0], 0);
	assert_int_equal(v[1], STATE_MAX_REQUEST_SIZE);
	assert_int_equal(v[2], STATE_MAX_RESPONSE_SIZE);
	assert_int_equal(v[3], STATE_MAX_RESPONSE_CACHED);
	assert_int_equal(v[4], STATE_MAX_OPS);
	assert_int_equal(v[5], STATE_MAX_SLOTS);
	assert_int_equal(v[6], 0);
	/* The compound limits come from the fore channel. */
	assert_int_equal(sequence(e, sid, 1, 63, false), NFS4_OK);
	assert_int_equal(e->c.max_ops, STATE_MAX_OPS);
	assert_int_equal(e->c.max_resp_size, STATE_MAX_RESPONSE_SIZE);
	assert_int_equal(state_max_cached_reply(&e->c), STATE_MAX_RESPONSE_CACHED);
	assert_int_equal(sequence(e, sid, 1, 64, false), NFS4ERR_SEQUENCE_POS);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 64, false), NFS4ERR_BADSLOT);
	/* ca_maxrequests 0 still gets one slot. */
	assert_int_equal(create_session_ch(e, x.clientid, 2, 0, &zero, sid, NULL, NULL), NFS4_OK);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 1, false), NFS4ERR_BADSLOT);
}

static void test_session_limit(void **state)
{
	struct env *e = *state;
	struct state_limits lim = { .max_sessions_per_client = 2 };
	struct exid x;
	uint8_t sid[16];

	state_set_limits(e->srv.state, &lim);
	assert_int_equal(exchange_id(e, "owner", 1, 0, &x), NFS4_OK);
	assert_int_equal(create_session(e, x.clientid, 1, sid), NFS4_OK);
	assert_int_equal(create_session(e, x.clientid, 2, sid), NFS4_OK);
	assert_int_equal(create_session(e, x.clientid, 3, sid), NFS4ERR_NOSPC);
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid), NFS4_OK);
	assert_int_equal(create_session(e, x.clientid, 3, sid), NFS4_OK);
}

/* --- SEQUENCE and the reply cache ----------------------------------------- */

static void test_sequence_rules(void **state)
{
	struct env *e = *state;
	uint8_t sid[16], bogus[16] = { 1, 2, 3 };
	const uint8_t reply[] = "COMPOUND4res bytes, exactly";
	const uint8_t *data;
	size_t len;

	new_client(e, "owner", sid);
	begin(e);
	assert_int_equal(sequence(e, bogus, 1, 0, false), NFS4ERR_BADSESSION);
	assert_int_equal(sequence(e, sid, 1, 8, false), NFS4ERR_BADSLOT);
	/* A fresh slot has seqid 0: 0 is no replay of anything. */
	assert_int_equal(sequence(e, sid, 0, 0, false), NFS4ERR_SEQ_MISORDERED);
	assert_int_equal(sequence(e, sid, 2, 0, false), NFS4ERR_SEQ_MISORDERED);

	/* New request with sa_cachethis: the reply is cached. */
	assert_int_equal(sequence(e, sid, 1, 0, true), NFS4_OK);
	assert_non_null(e->c.session);
	assert_non_null(e->c.client);
	assert_non_null(e->c.slot);
	assert_true(e->c.cachethis);
	assert_false(e->c.replay);
	assert_false(state_slot_replay(&e->c, &data, &len));
	assert_string_equal(client_domain(e->c.client), "testdom");
	state_slot_done(&e->c, reply, sizeof(reply));
	assert_null(e->c.session);

	/* Its retry is answered from the cache, byte for byte. */
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	assert_true(e->c.replay);
	assert_true(state_slot_replay(&e->c, &data, &len));
	assert_int_equal(len, sizeof(reply));
	assert_memory_equal(data, reply, len);
	/* ... and a second retry while the first is in progress waits. */
	{
		struct compound first = e->c;

		memset(&e->c, 0, sizeof(e->c));
		e->c.srv = &e->srv;
		e->c.call = &e->call;
		assert_int_equal(sequence(e, sid, 1, 0, false), NFS4ERR_DELAY);
		assert_int_equal(sequence(e, sid, 2, 0, false), NFS4ERR_SEQ_MISORDERED);
		state_slot_done(&first, NULL, 0);
	}
	/* The replay left the cache alone. */
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	assert_true(state_slot_replay(&e->c, &data, &len));
	assert_memory_equal(data, reply, sizeof(reply));

	/* Without sa_cachethis nothing is kept: RETRY_UNCACHED_REP. */
	begin(e);
	assert_int_equal(sequence(e, sid, 2, 0, false), NFS4_OK);
	assert_false(state_slot_replay(&e->c, &data, &len));
	state_slot_done(&e->c, reply, sizeof(reply));
	begin(e);
	assert_int_equal(sequence(e, sid, 2, 0, false), NFS4ERR_RETRY_UNCACHED_REP);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4ERR_SEQ_MISORDERED);

	/* Slot in use by an in-flight request: its retry gets DELAY. */
	assert_int_equal(sequence(e, sid, 3, 0, true), NFS4_OK);
	{
		struct compound first = e->c;

		memset(&e->c, 0, sizeof(e->c));
		e->c.srv = &e->srv;
		e->c.call = &e->call;
		assert_int_equal(sequence(e, sid, 3, 0, true), NFS4ERR_DELAY);
		/* Another slot is independent. */
		assert_int_equal(sequence(e, sid, 1, 1, false), NFS4_OK);
		begin(e);
		state_slot_done(&first, reply, sizeof(reply));
	}
	/* A reply too large for ca_maxresponsesize_cached is not kept. */
	{
		static uint8_t big[8192];

		assert_int_equal(sequence(e, sid, 4, 0, true), NFS4_OK);
		state_slot_done(&e->c, big, sizeof(big));
		begin(e);
		assert_int_equal(sequence(e, sid, 4, 0, true), NFS4ERR_RETRY_UNCACHED_REP);
	}
}

/* §2.10.6.4, §18.46.3 (pynfs CSESS27): with sa_cachethis, a session whose
 * ca_maxresponsesize_cached cannot hold even the SEQUENCE reply gets
 * NFS4ERR_REP_TOO_BIG_TO_CACHE from SEQUENCE, and the slot stays as it was. */
static void test_sequence_cache_too_small(void **state)
{
	struct env *e = *state;
	struct chan small = { 8192, 8192, 10, 128, 8 };
	struct chan fits = { 8192, 8192, STATE_SEQUENCE_REPLY_MIN, 128, 8 };
	struct exid x;
	uint8_t sid[16], sid2[16];

	assert_int_equal(exchange_id(e, "owner", 1, 0, &x), NFS4_OK);
	assert_int_equal(create_session_ch(e, x.clientid, 1, 0, &small, sid, NULL, NULL),
			 NFS4_OK);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, true), NFS4ERR_REP_TOO_BIG_TO_CACHE);
	assert_null(e->c.session);
	/* not used up: the same seqid without cachethis runs */
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	begin(e);

	/* The limit counts the tag the reply echoes (padded to 4 bytes). */
	assert_int_equal(create_session_ch(e, x.clientid, 2, 0, &fits, sid2, NULL, NULL),
			 NFS4_OK);
	begin(e);
	e->c.tag_len = 1;
	assert_int_equal(sequence(e, sid2, 1, 0, true), NFS4ERR_REP_TOO_BIG_TO_CACHE);
	e->c.tag_len = 0;
	assert_int_equal(sequence(e, sid2, 1, 0, true), NFS4_OK);
	assert_int_equal(state_max_cached_reply(&e->c), STATE_SEQUENCE_REPLY_MIN);
}

static void test_bind_conn_and_destroy_session(void **state)
{
	struct env *e = *state;
	uint8_t sid[16], other[16] = { 9 };
	struct xdr_out a, r;
	struct xdr_in in;
	uint32_t dir;

	new_client(e, "owner", sid);
	begin(e);
	e->conn.id = 8;
	xdr_out_init(&a, 64);
	xdr_put_fixed(&a, sid, 16);
	xdr_put_u32(&a, CDFC4_FORE_OR_BOTH);
	xdr_put_bool(&a, true);
	assert_int_equal(run(e, nfs4_op_bind_conn_to_session, &a, &r), NFS4_OK);
	xdr_in_init(&in, r.buf, r.len);
	assert_true(xdr_skip(&in, 16));
	assert_true(xdr_get_u32(&in, &dir));
	assert_int_equal(dir, CDFS4_FORE);
	xdr_out_release(&r);

	xdr_out_init(&a, 64);
	xdr_put_fixed(&a, sid, 16);
	xdr_put_u32(&a, 5);
	xdr_put_bool(&a, false);
	assert_int_equal(run(e, nfs4_op_bind_conn_to_session, &a, &r), NFS4ERR_INVAL);
	xdr_out_release(&r);

	xdr_out_init(&a, 64);
	xdr_put_fixed(&a, other, 16);
	xdr_put_u32(&a, CDFC4_FORE);
	xdr_put_bool(&a, false);
	assert_int_equal(run(e, nfs4_op_bind_conn_to_session, &a, &r), NFS4ERR_BADSESSION);
	xdr_out_release(&r);

	state_conn_closed(e->srv.state, 8);
	state_conn_closed(e->srv.state, 7);

	/* Destroy the session from a compound on it (as its last op): it
	 * stays usable by this compound until the end, then it is gone. */
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	e->c.op_count = 2;
	e->c.op_index = 1;
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid), NFS4_OK);
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid), NFS4ERR_BADSESSION);
	state_slot_done(&e->c, (const uint8_t *)"x", 1);
	begin(e);
	assert_int_equal(sequence(e, sid, 2, 0, false), NFS4ERR_BADSESSION);
}

/* RFC 8881 §18.37.3: DESTROY_SESSION on a connection not bound to the
 * session (pynfs DSESS9001), and of the compound's own session when it is
 * not the last op (DSESS9004). */
static void test_destroy_session_rules(void **state)
{
	struct env *e = *state;
	uint8_t sid[16], sid2[16];

	new_client(e, "owner", sid); /* created on connection 7 */
	/* A fresh connection: not bound, the session survives. */
	begin(e);
	e->conn.id = 9;
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid),
			 NFS4ERR_CONN_NOT_BOUND_TO_SESSION);
	/* With SP4_NONE a SEQUENCE of the session binds the connection. */
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	begin(e);
	/* Connection 9 closes: unbound again. */
	state_conn_closed(e->srv.state, 9);
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid),
			 NFS4ERR_CONN_NOT_BOUND_TO_SESSION);
	/* The creating connection still is bound. */
	e->conn.id = 7;
	new_client(e, "owner", sid2); /* a second session of the same client */

	/* Its own session, not as the last op: NOT_ONLY_OP, nothing done. */
	begin(e);
	assert_int_equal(sequence(e, sid, 2, 0, false), NFS4_OK);
	e->c.op_count = 3;
	e->c.op_index = 1;
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid), NFS4ERR_NOT_ONLY_OP);
	/* Another session may be destroyed anywhere in the compound. */
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid2), NFS4_OK);
	e->c.op_index = 2;
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid), NFS4_OK);
	begin(e);
	assert_int_equal(sequence(e, sid, 3, 0, false), NFS4ERR_BADSESSION);
	assert_int_equal(sequence(e, sid2, 1, 0, false), NFS4ERR_BADSESSION);
	/* BIND_CONN_TO_SESSION binds as well. */
	new_client(e, "owner", sid);
	begin(e);
	e->conn.id = 10;
	{
		struct xdr_out a, r;

		xdr_out_init(&a, 64);
		xdr_put_fixed(&a, sid, 16);
		xdr_put_u32(&a, CDFC4_FORE);
		xdr_put_bool(&a, false);
		assert_int_equal(run(e, nfs4_op_bind_conn_to_session, &a, &r), NFS4_OK);
		xdr_out_release(&r);
	}
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid), NFS4_OK);
	e->conn.id = 7;
}

static void test_destroy_clientid_busy(void **state)
{
	struct env *e = *state;
	uint8_t sid[16];
	uint64_t id = new_client(e, "owner", sid);

	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	assert_int_equal(destroy_clientid(e, id), NFS4ERR_CLIENTID_BUSY);
	begin(e);
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid), NFS4_OK);
	assert_int_equal(destroy_clientid(e, id ^ (1ull << 40)), NFS4ERR_STALE_CLIENTID);
	assert_int_equal(destroy_clientid(e, id), NFS4_OK);
	assert_int_equal(destroy_clientid(e, id), NFS4ERR_STALE_CLIENTID);
	assert_int_equal(state_client_count(e->srv.state), 0);

	/* Opens make a client busy too, even without sessions. */
	id = new_client(e, "owner2", sid);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	struct stateid4 os;

	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &os), NFS4_OK);
	begin(e);
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, sid), NFS4_OK);
	assert_int_equal(destroy_clientid(e, id), NFS4ERR_CLIENTID_BUSY);
	/* An unconfirmed record can be destroyed. */
	struct exid x;

	assert_int_equal(exchange_id(e, "fresh", 1, 0, &x), NFS4_OK);
	assert_int_equal(destroy_clientid(e, x.clientid), NFS4_OK);
}

static void test_reclaim_complete(void **state)
{
	struct env *e = *state;
	uint8_t sid[16];
	struct stateid4 os;

	new_client_rc(e, "owner", sid, true);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	/* RFC 8881 §18.51.3 (pynfs RECC3): before RECLAIM_COMPLETE a new
	 * client ID gets no new locking state, even outside grace */
	assert_false(state_in_grace(e->srv.state));
	assert_int_equal(state_new_state_allowed(&e->c), NFS4ERR_GRACE);
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &os),
			 NFS4ERR_GRACE);
	/* nor does a reclaim work: there is nothing to reclaim */
	assert_int_equal(reclaim_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, &os),
			 NFS4ERR_NO_GRACE);
	/* rca_one_fs TRUE concerns one file system: it is not the one */
	assert_int_equal(reclaim_complete_fs(e, true), NFS4_OK);
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &os),
			 NFS4ERR_GRACE);
	assert_int_equal(reclaim_complete(e), NFS4_OK);
	assert_int_equal(reclaim_complete(e), NFS4ERR_COMPLETE_ALREADY);
	assert_int_equal(state_new_state_allowed(&e->c), NFS4_OK);
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &os), NFS4_OK);
	assert_false(state_in_grace(e->srv.state));
	/* a new session of the same client ID needs no second one */
	new_client_rc(e, "owner", sid, true);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	assert_int_equal(open_file(e, "oo", 6, OPEN4_SHARE_ACCESS_READ, 0, -1, &os), NFS4_OK);
	/* a restarted client (new verifier) has a new client ID: again */
	{
		struct exid x;
		uint8_t sid2[16];

		begin(e);
		assert_int_equal(exchange_id(e, "owner", 2, 0, &x), NFS4_OK);
		assert_int_equal(create_session(e, x.clientid, x.seq, sid2), NFS4_OK);
		assert_int_equal(sequence(e, sid2, 1, 0, false), NFS4_OK);
		assert_int_equal(open_file(e, "oo", 7, OPEN4_SHARE_ACCESS_READ, 0, -1, &os),
				 NFS4ERR_GRACE);
		assert_int_equal(reclaim_complete(e), NFS4_OK);
		assert_int_equal(open_file(e, "oo", 7, OPEN4_SHARE_ACCESS_READ, 0, -1, &os),
				 NFS4_OK);
	}
	begin(e);
	assert_int_equal(state_new_state_allowed(&e->c), NFS4ERR_OP_NOT_IN_SESSION);
}

/* --- leases --------------------------------------------------------------- */

static void test_lease_expiry(void **state)
{
	struct env *e = *state;
	uint8_t sa[16], sb[16];
	uint64_t ida;
	struct stateid4 os;
	int fd = devnull();

	ida = new_client(e, "a", sa);
	new_client(e, "b", sb);
	begin(e);
	assert_int_equal(sequence(e, sa, 1, 0, false), NFS4_OK);
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, fd, &os), NFS4_OK);
	begin(e);

	/* b renews at 1060; a's lease (renewed at 1000) ends at 1090. */
	e->now = 1060;
	assert_int_equal(sequence(e, sb, 1, 0, false), NFS4_OK);
	begin(e);
	e->now = 1090;
	state_laundromat(e->srv.state, e->now);
	assert_int_equal(state_client_count(e->srv.state), 2);
	e->now = 1091;
	state_laundromat(e->srv.state, e->now);
	assert_int_equal(state_client_count(e->srv.state), 1);
	assert_false(fd_open(fd));
	assert_int_equal(sequence(e, sa, 2, 0, false), NFS4ERR_BADSESSION);
	assert_int_equal(create_session(e, ida, 2, sa), NFS4ERR_STALE_CLIENTID);

	/* A client with a compound in progress is not expired under it. */
	assert_int_equal(sequence(e, sb, 2, 0, false), NFS4_OK);
	e->now = 5000;
	state_laundromat(e->srv.state, e->now);
	assert_int_equal(state_client_count(e->srv.state), 1);
	begin(e); /* the end of the compound renews the lease */
	state_laundromat(e->srv.state, e->now + 90);
	assert_int_equal(state_client_count(e->srv.state), 1);
	state_laundromat(e->srv.state, e->now + 91);
	assert_int_equal(state_client_count(e->srv.state), 0);

	/* Unconfirmed records expire too. */
	assert_int_equal(exchange_id(e, "u", 1, 0, NULL), NFS4_OK);
	state_laundromat(e->srv.state, e->now + 91);
	assert_int_equal(state_client_count(e->srv.state), 0);
}

static void test_laundromat_thread(void **state)
{
	struct env *e = *state;

	assert_int_equal(state_start_laundromat(e->srv.state), 0);
	assert_int_equal(state_start_laundromat(e->srv.state), -EALREADY);
	state_stop_laundromat(e->srv.state);
	state_stop_laundromat(e->srv.state);
	assert_int_equal(state_start_laundromat(e->srv.state), 0);
	/* state_table_free() in teardown stops it. */
}

/* --- stateids ------------------------------------------------------------- */

static void test_stateid_rules(void **state)
{
	struct env *e = *state;
	uint8_t sid[16];
	struct stateid4 s1, s2, t, anon = { 0 }, bypass, cur = { .seqid = 1 },
				   invalid = { .seqid = UINT32_MAX };
	int fdr = devnull(), fdw = devnull(), fd;

	memset(bypass.other, 0xff, sizeof(bypass.other));
	bypass.seqid = UINT32_MAX;
	new_client(e, "owner", sid);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);

	assert_int_equal(open_file(e, "oo", 5, 0, 0, -1, &s1), NFS4ERR_INVAL);
	assert_int_equal(open_file(e, "oo", 5, 1, 4, -1, &s1), NFS4ERR_INVAL);
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, fdr, &s1), NFS4_OK);
	assert_int_equal(s1.seqid, 1);
	assert_int_equal(get_be32_for_test(s1.other), EPOCH);
	assert_true(e->c.have_cur_stateid);
	assert_memory_equal(&e->c.cur_stateid, &s1, sizeof(s1));

	assert_int_equal(io(e, &s1, 5, false, &fd), NFS4_OK);
	assert_int_equal(fd, fdr);
	assert_int_equal(io(e, &s1, 5, true, &fd), NFS4ERR_OPENMODE);
	assert_int_equal(io(e, &s1, 6, false, &fd), NFS4ERR_BAD_STATEID);

	/* Upgrade: same owner and file; seqid 2, the write fd is kept. */
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_WRITE, 0, fdw, &s2), NFS4_OK);
	assert_int_equal(s2.seqid, 2);
	assert_memory_equal(s1.other, s2.other, NFS4_OTHER_SIZE);
	assert_int_equal(io(e, &s2, 5, true, &fd), NFS4_OK);
	assert_int_equal(fd, fdw);
	assert_int_equal(io(e, &s1, 5, false, &fd), NFS4ERR_OLD_STATEID);
	t = s2;
	t.seqid = 3;
	assert_int_equal(io(e, &t, 5, false, &fd), NFS4ERR_BAD_STATEID);
	t.seqid = 0;
	assert_int_equal(io(e, &t, 5, false, &fd), NFS4_OK);
	t = s2;
	t.other[0] ^= 1; /* another boot epoch */
	assert_int_equal(io(e, &t, 5, false, &fd), NFS4ERR_STALE_STATEID);
	t = s2;
	t.other[7] ^= 1; /* another client */
	assert_int_equal(io(e, &t, 5, false, &fd), NFS4ERR_BAD_STATEID);
	t = s2;
	t.other[11] ^= 1; /* another generation */
	assert_int_equal(io(e, &t, 5, false, &fd), NFS4ERR_BAD_STATEID);
	t = s2;
	t.other[8] = 0x7f; /* an index never used */
	assert_int_equal(io(e, &t, 5, false, &fd), NFS4ERR_BAD_STATEID);

	/* Special stateids (§8.2.3). */
	assert_int_equal(io(e, &anon, 5, true, &fd), NFS4_OK);
	assert_int_equal(fd, -1);
	assert_int_equal(io(e, &bypass, 5, false, &fd), NFS4_OK);
	assert_int_equal(fd, -1);
	assert_int_equal(io(e, &invalid, 5, false, &fd), NFS4ERR_BAD_STATEID);
	t = anon;
	t.seqid = 2;
	assert_int_equal(io(e, &t, 5, false, &fd), NFS4ERR_BAD_STATEID);
	t = bypass;
	t.seqid = 0;
	assert_int_equal(io(e, &t, 5, false, &fd), NFS4ERR_BAD_STATEID);
	/* The current stateid is the last OPEN's. */
	assert_int_equal(io(e, &cur, 5, true, &fd), NFS4_OK);
	assert_int_equal(fd, fdw);
	e->c.have_cur_stateid = false;
	assert_int_equal(io(e, &cur, 5, true, &fd), NFS4ERR_BAD_STATEID);

	/* A write-only open may read, with no descriptor to lend. */
	struct stateid4 w;
	int fd2 = devnull();

	assert_int_equal(open_file(e, "oo", 9, OPEN4_SHARE_ACCESS_WRITE, 0, fd2, &w), NFS4_OK);
	assert_int_equal(io(e, &w, 9, false, &fd), NFS4_OK);
	assert_int_equal(fd, -1);
	assert_int_equal(io(e, &w, 9, true, &fd), NFS4_OK);
	assert_int_equal(fd, fd2);

	/* Without a session, a stateid cannot be checked. */
	begin(e);
	assert_int_equal(io(e, &s2, 5, false, &fd), NFS4ERR_BAD_STATEID);
}

static void test_share_deny(void **state)
{
	struct env *e = *state;
	uint8_t sa[16], sb[16];
	struct stateid4 a, b, anon = { 0 }, out;
	int fd;

	new_client(e, "a", sa);
	new_client(e, "b", sb);
	begin(e);
	assert_int_equal(sequence(e, sa, 1, 0, false), NFS4_OK);
	assert_int_equal(open_file(e, "oa", 5, OPEN4_SHARE_ACCESS_READ, OPEN4_SHARE_DENY_WRITE, -1,
				   &a),
			 NFS4_OK);
	begin(e);
	assert_int_equal(sequence(e, sb, 1, 0, false), NFS4_OK);
	assert_int_equal(open_file(e, "ob", 5, OPEN4_SHARE_ACCESS_WRITE, 0, -1, &b),
			 NFS4ERR_SHARE_DENIED);
	assert_int_equal(open_file(e, "ob", 5, OPEN4_SHARE_ACCESS_READ, OPEN4_SHARE_DENY_READ, -1,
				   &b),
			 NFS4ERR_SHARE_DENIED);
	assert_int_equal(open_file(e, "ob", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &b), NFS4_OK);
	/* An upgrade is checked too. */
	assert_int_equal(open_file(e, "ob", 5, OPEN4_SHARE_ACCESS_BOTH, 0, -1, &out),
			 NFS4ERR_SHARE_DENIED);
	/* Other files are unaffected. */
	assert_int_equal(open_file(e, "ob", 6, OPEN4_SHARE_ACCESS_WRITE, 0, -1, &out), NFS4_OK);
	/* Anonymous I/O honours the reservation (§9.7). */
	assert_int_equal(io(e, &anon, 5, true, &fd), NFS4ERR_LOCKED);
	assert_int_equal(io(e, &anon, 5, false, &fd), NFS4_OK);

	/* a closes; b can now write. */
	begin(e);
	assert_int_equal(sequence(e, sa, 2, 0, false), NFS4_OK);
	e->have_fh = true;
	e->fh_dev = 1;
	e->fh_ino = 5;
	assert_int_equal(close_sid(e, &a, &out), NFS4_OK);
	begin(e);
	assert_int_equal(sequence(e, sb, 2, 0, false), NFS4_OK);
	assert_int_equal(open_file(e, "ob", 5, OPEN4_SHARE_ACCESS_BOTH, OPEN4_SHARE_DENY_BOTH, -1,
				   &out),
			 NFS4_OK);
	assert_int_equal(io(e, &anon, 5, false, &fd), NFS4ERR_LOCKED);
}

static void test_close_test_free(void **state)
{
	struct env *e = *state;
	uint8_t sid[16];
	struct stateid4 s, out, bogus;
	int fd = devnull(), iofd;
	struct open_state *ref;

	new_client(e, "owner", sid);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, fd, &s), NFS4_OK);

	/* TEST_STATEID: [open, anonymous, bogus, old seqid] */
	bogus = s;
	bogus.other[9] ^= 0x55;
	{
		struct xdr_out a, r;
		struct xdr_in in;
		struct stateid4 anon = { 0 }, old = s;
		uint32_t n, st[4];

		old.seqid = 0;
		xdr_out_init(&a, 256);
		xdr_put_u32(&a, 4);
		nfs4_enc_stateid4(&a, &s);
		nfs4_enc_stateid4(&a, &anon);
		nfs4_enc_stateid4(&a, &bogus);
		nfs4_enc_stateid4(&a, &old);
		assert_int_equal(run(e, nfs4_op_test_stateid, &a, &r), NFS4_OK);
		xdr_in_init(&in, r.buf, r.len);
		assert_true(xdr_get_u32(&in, &n));
		assert_int_equal(n, 4);
		for (int i = 0; i < 4; i++)
			assert_true(xdr_get_u32(&in, &st[i]));
		assert_int_equal(st[0], NFS4_OK);
		assert_int_equal(st[1], NFS4ERR_BAD_STATEID);
		assert_int_equal(st[2], NFS4ERR_BAD_STATEID);
		assert_int_equal(st[3], NFS4_OK);
		xdr_out_release(&r);

		/* A count larger than the bytes sent is garbage. */
		xdr_out_init(&a, 64);
		xdr_put_u32(&a, 1000);
		assert_int_equal(run(e, nfs4_op_test_stateid, &a, &r), NFS4ERR_BADXDR);
		xdr_out_release(&r);
	}

	/* FREE_STATEID on an open stateid: CLOSE is the way (§18.38). */
	assert_int_equal(stateid_op(e, nfs4_op_free_stateid, 0, false, &s, NULL),
			 NFS4ERR_LOCKS_HELD);
	assert_int_equal(stateid_op(e, nfs4_op_free_stateid, 0, false, &bogus, NULL),
			 NFS4ERR_BAD_STATEID);

	/* CLOSE needs the right file. */
	assert_int_equal(close_sid(e, &s, &out), NFS4ERR_NOFILEHANDLE);
	e->have_fh = true;
	e->fh_dev = 1;
	e->fh_ino = 6;
	assert_int_equal(close_sid(e, &s, &out), NFS4ERR_BAD_STATEID);
	e->fh_ino = 5;

	/* A READ in progress keeps the descriptor open across CLOSE. */
	assert_int_equal(state_stateid_for_io(&e->c, &s, 1, 5, false, &iofd, &ref), NFS4_OK);
	assert_int_equal(iofd, fd);
	assert_int_equal(close_sid(e, &s, &out), NFS4_OK);
	assert_int_equal(out.seqid, UINT32_MAX);
	for (int i = 0; i < NFS4_OTHER_SIZE; i++)
		assert_int_equal(out.other[i], 0);
	assert_memory_equal(&e->c.cur_stateid, &out, sizeof(out));
	assert_true(fd_open(fd));
	state_io_done(ref);
	assert_false(fd_open(fd));

	assert_int_equal(close_sid(e, &s, &out), NFS4ERR_BAD_STATEID);
	assert_int_equal(state_test_stateid(&e->c, &s), NFS4ERR_BAD_STATEID);
	/* The current stateid is now the invalid one. */
	struct stateid4 cur = { .seqid = 1 };

	assert_int_equal(close_sid(e, &cur, &out), NFS4ERR_BAD_STATEID);

	/* The index is reused with a new generation; the old id stays bad. */
	struct stateid4 s2;

	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &s2), NFS4_OK);
	assert_memory_equal(s.other, s2.other, 10);
	assert_memory_not_equal(s.other, s2.other, 12);
	assert_int_equal(state_test_stateid(&e->c, &s), NFS4ERR_BAD_STATEID);
	assert_int_equal(state_test_stateid(&e->c, &s2), NFS4_OK);
}

static void test_open_downgrade(void **state)
{
	struct env *e = *state;
	uint8_t sid[16];
	struct stateid4 s, out, anon = { 0 };
	int fd;

	new_client(e, "owner", sid);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	e->have_fh = true;
	e->fh_dev = 1;
	e->fh_ino = 5;
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_BOTH, OPEN4_SHARE_DENY_WRITE, -1,
				   &s),
			 NFS4_OK);
	assert_int_equal(s.seqid, 2);
	assert_int_equal(io(e, &anon, 5, true, &fd), NFS4ERR_LOCKED);

	/* Only modes this owner OPENed with are acceptable (§18.18.3). */
	assert_int_equal(downgrade(e, &s, OPEN4_SHARE_ACCESS_WRITE, 0, &out), NFS4ERR_INVAL);
	assert_int_equal(downgrade(e, &s, OPEN4_SHARE_ACCESS_READ, OPEN4_SHARE_DENY_READ, &out),
			 NFS4ERR_INVAL);
	assert_int_equal(downgrade(e, &s, 0, 0, &out), NFS4ERR_INVAL);
	assert_int_equal(downgrade(e, &s, OPEN4_SHARE_ACCESS_READ, 0, &out), NFS4_OK);
	assert_int_equal(out.seqid, 3);
	assert_memory_equal(&e->c.cur_stateid, &out, sizeof(out));
	assert_int_equal(io(e, &out, 5, true, &fd), NFS4ERR_OPENMODE);
	assert_int_equal(io(e, &anon, 5, true, &fd), NFS4_OK);
	assert_int_equal(io(e, &s, 5, false, &fd), NFS4ERR_OLD_STATEID);
	/* No way back up by downgrading. */
	assert_int_equal(downgrade(e, &out, OPEN4_SHARE_ACCESS_BOTH, 0, &out), NFS4ERR_INVAL);
	assert_int_equal(downgrade(e, &anon, OPEN4_SHARE_ACCESS_READ, 0, &out),
			 NFS4ERR_BAD_STATEID);
}

static void test_stateid_limit(void **state)
{
	struct env *e = *state;
	struct state_limits lim = { .max_stateids_per_client = 20 };
	uint8_t sid[16];
	struct stateid4 s;
	uint64_t ino;

	state_set_limits(e->srv.state, &lim);
	new_client(e, "owner", sid);
	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	for (ino = 0; ino < 20; ino++)
		assert_int_equal(open_file(e, "oo", ino, 1, 0, -1, &s), NFS4_OK);
	assert_int_equal(open_file(e, "oo", ino, 1, 0, -1, &s), NFS4ERR_NOSPC);
	/* Upgrading an existing open needs no new stateid. */
	assert_int_equal(open_file(e, "oo", 3, 3, 0, -1, &s), NFS4_OK);
}

/* --- byte-range locks ----------------------------------------------------- */

static void test_lock_ranges(void **state)
{
	struct lock_ranges a = { 0 }, b;
	uint64_t s, en;

	(void)state;
	/* RFC 8881 §18.10.3: zero length, overflow; host limits */
	assert_int_equal(lock_range_from_wire(0, 0, &s, &en), NFS4ERR_INVAL);
	assert_int_equal(lock_range_from_wire(10, UINT64_MAX - 5, &s, &en), NFS4ERR_INVAL);
	assert_int_equal(lock_range_from_wire(UINT64_MAX, 1, &s, &en), NFS4ERR_INVAL);
	assert_int_equal(lock_range_from_wire(5, NFS4_UINT64_MAX, &s, &en), NFS4_OK);
	assert_true(s == 5 && en == LOCK_RANGE_EOF);
	assert_int_equal(lock_range_from_wire(5, 10, &s, &en), NFS4_OK);
	assert_true(s == 5 && en == 14);
	assert_int_equal(lock_range_from_wire((uint64_t)INT64_MAX + 1, NFS4_UINT64_MAX, &s, &en),
			 NFS4ERR_BAD_RANGE);
	assert_int_equal(lock_range_from_wire(0, (uint64_t)INT64_MAX + 10, &s, &en),
			 NFS4ERR_BAD_RANGE);
	assert_int_equal(lock_range_from_wire(1, (uint64_t)INT64_MAX, &s, &en), NFS4_OK);
	assert_true(en == LOCK_RANGE_EOF);
	assert_true(lock_range_length(5, 14) == 10);
	assert_true(lock_range_length(5, LOCK_RANGE_EOF) == NFS4_UINT64_MAX);

	/* read [0,99], write [20,29] in it: split in three */
	assert_int_equal(lock_ranges_update(&a, 0, 99, READ_LT, &b), 0);
	a = b;
	assert_int_equal(lock_ranges_update(&a, 20, 29, WRITE_LT, &b), 0);
	lock_ranges_free(&a);
	a = b;
	assert_int_equal(a.n, 3);
	assert_true(a.r[0].start == 0 && a.r[0].end == 19 && a.r[0].type == READ_LT);
	assert_true(a.r[1].start == 20 && a.r[1].end == 29 && a.r[1].type == WRITE_LT);
	assert_true(a.r[2].start == 30 && a.r[2].end == 99 && a.r[2].type == READ_LT);
	assert_non_null(lock_ranges_conflict(&a, 25, 25, READ_LT));
	assert_null(lock_ranges_conflict(&a, 0, 19, READ_LT));
	assert_non_null(lock_ranges_conflict(&a, 0, 0, WRITE_LT));
	/* downgrade back: merged into one */
	assert_int_equal(lock_ranges_update(&a, 20, 29, READ_LT, &b), 0);
	lock_ranges_free(&a);
	a = b;
	assert_int_equal(a.n, 1);
	assert_true(a.r[0].start == 0 && a.r[0].end == 99);
	/* touching ranges of the same type merge, of another type do not */
	assert_int_equal(lock_ranges_update(&a, 100, 109, READ_LT, &b), 0);
	lock_ranges_free(&a);
	a = b;
	assert_int_equal(a.n, 1);
	assert_true(a.r[0].end == 109);
	assert_int_equal(lock_ranges_update(&a, 110, LOCK_RANGE_EOF, WRITE_LT, &b), 0);
	lock_ranges_free(&a);
	a = b;
	assert_int_equal(a.n, 2);
	/* unlock in the middle splits; unlocking nothing changes nothing */
	assert_int_equal(lock_ranges_update(&a, 40, 59, 0, &b), 0);
	lock_ranges_free(&a);
	a = b;
	assert_int_equal(a.n, 3);
	assert_true(a.r[0].end == 39 && a.r[1].start == 60 && a.r[1].end == 109);
	assert_int_equal(lock_ranges_update(&a, 40, 59, 0, &b), 0);
	lock_ranges_free(&a);
	a = b;
	assert_int_equal(a.n, 3);
	/* unlock everything */
	assert_int_equal(lock_ranges_update(&a, 0, LOCK_RANGE_EOF, 0, &b), 0);
	lock_ranges_free(&a);
	assert_int_equal(b.n, 0);
	assert_null(b.r);
}

/* A real file for the lock handlers: they open it through /proc/self/fd. */
struct lk_file {
	char path[64];
	int pfd;       /* O_PATH, the "current filehandle" */
	int hostfd;    /* the test's own open file description (a local process) */
	uint64_t dev, ino;
};

static void lk_file_new(struct lk_file *f)
{
	struct stat st;
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/lnfsd-test-lock-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	close(fd);
	f->pfd = open(f->path, O_PATH | O_CLOEXEC);
	assert_true(f->pfd >= 0);
	f->hostfd = open(f->path, O_RDWR | O_CLOEXEC);
	assert_true(f->hostfd >= 0);
	assert_int_equal(fstat(f->pfd, &st), 0);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
}

static void lk_file_free(struct lk_file *f)
{
	close(f->pfd);
	close(f->hostfd);
	unlink(f->path);
}

struct lk_client {
	uint8_t sid[16];
	uint32_t seq;
	uint64_t id;
};

/* Begin a compound of client k on file f (SEQUENCE done, current fh set). */
static void lk_as(struct env *e, struct lk_client *k, struct lk_file *f)
{
	begin(e);
	assert_int_equal(sequence(e, k->sid, ++k->seq, 0, false), NFS4_OK);
	e->have_fh = true;
	e->fh_dev = f->dev;
	e->fh_ino = f->ino;
	e->c.cur.set = true;
	e->c.cur.fd = f->pfd;
}

static void lk_open(struct env *e, struct lk_client *k, struct lk_file *f, const char *owner,
		    uint32_t access, int fd, struct stateid4 *out)
{
	struct xdr_view v = { (const uint8_t *)owner, (uint32_t)strlen(owner) };

	lk_as(e, k, f);
	assert_int_equal(state_open_file(&e->c, &v, f->dev, f->ino, access, 0, fd, out), NFS4_OK);
}

/* What the host sees from the test's own descriptor: F_UNLCK or the type
 * of a conflicting lock, with its range. */
static short host_probe(struct lk_file *f, short type, off_t start, off_t len, struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = start;
	fl->l_len = len;
	assert_int_equal(fcntl(f->hostfd, F_OFD_GETLK, fl), 0);
	return fl->l_type;
}

struct lk_denied {
	uint64_t offset, length, clientid;
	uint32_t type;
	char owner[64];
};

static void dec_denied(struct xdr_out *r, struct lk_denied *d)
{
	struct xdr_in in;
	struct xdr_view v;

	xdr_in_init(&in, r->buf, r->len);
	assert_true(xdr_get_u64(&in, &d->offset));
	assert_true(xdr_get_u64(&in, &d->length));
	assert_true(xdr_get_u32(&in, &d->type));
	assert_true(xdr_get_u64(&in, &d->clientid));
	assert_true(xdr_get_opaque(&in, 1024, &v));
	assert_true(v.len < sizeof(d->owner));
	memcpy(d->owner, v.data, v.len);
	d->owner[v.len] = '\0';
	assert_int_equal(xdr_in_left(&in), 0);
}

/* LOCK (reclaim or not); owner non-NULL: open_to_lock_owner4 with open
 * stateid sid. */
static nfsstat4 lk_lock_rc(struct env *e, uint32_t type, bool reclaim, uint64_t off, uint64_t len,
			   const struct stateid4 *sid, const char *owner, struct stateid4 *out,
			   struct lk_denied *d)
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 4096);
	xdr_put_u32(&a, type);
	xdr_put_bool(&a, reclaim);
	xdr_put_u64(&a, off);
	xdr_put_u64(&a, len);
	xdr_put_bool(&a, owner != NULL);
	if (owner) {
		xdr_put_u32(&a, 0);
		nfs4_enc_stateid4(&a, sid);
		xdr_put_u32(&a, 0);
		xdr_put_u64(&a, 0xdeadbeef); /* ignored in 4.1 */
		xdr_put_string(&a, owner);
	} else {
		nfs4_enc_stateid4(&a, sid);
		xdr_put_u32(&a, 0);
	}
	st = run(e, nfs4_op_lock, &a, &r);
	if (st == NFS4_OK && out) {
		struct xdr_in in;

		xdr_in_init(&in, r.buf, r.len);
		assert_true(nfs4_dec_stateid4(&in, out));
	} else if (st == NFS4ERR_DENIED) {
		struct lk_denied tmp;

		dec_denied(&r, d ? d : &tmp);
	} else if (st != NFS4_OK) {
		assert_int_equal(r.len, 0); /* nothing else survives an error */
	}
	xdr_out_release(&r);
	return st;
}

static nfsstat4 lk_lock(struct env *e, uint32_t type, uint64_t off, uint64_t len,
			const struct stateid4 *sid, const char *owner, struct stateid4 *out,
			struct lk_denied *d)
{
	return lk_lock_rc(e, type, false, off, len, sid, owner, out, d);
}

static nfsstat4 lk_lockt(struct env *e, uint32_t type, uint64_t off, uint64_t len,
			 const char *owner, struct lk_denied *d)
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 4096);
	xdr_put_u32(&a, type);
	xdr_put_u64(&a, off);
	xdr_put_u64(&a, len);
	xdr_put_u64(&a, 0);
	xdr_put_string(&a, owner);
	st = run(e, nfs4_op_lockt, &a, &r);
	if (st == NFS4ERR_DENIED) {
		struct lk_denied tmp;

		dec_denied(&r, d ? d : &tmp);
	} else {
		assert_int_equal(r.len, 0);
	}
	xdr_out_release(&r);
	return st;
}

static nfsstat4 lk_locku(struct env *e, uint64_t off, uint64_t len, const struct stateid4 *sid,
			 struct stateid4 *out)
{
	struct xdr_out a, r;
	nfsstat4 st;

	xdr_out_init(&a, 4096);
	xdr_put_u32(&a, READ_LT);
	xdr_put_u32(&a, 0);
	nfs4_enc_stateid4(&a, sid);
	xdr_put_u64(&a, off);
	xdr_put_u64(&a, len);
	st = run(e, nfs4_op_locku, &a, &r);
	if (st == NFS4_OK && out) {
		struct xdr_in in;

		xdr_in_init(&in, r.buf, r.len);
		assert_true(nfs4_dec_stateid4(&in, out));
	}
	xdr_out_release(&r);
	return st;
}

static void lk_two_clients(struct env *e, struct lk_client *a, struct lk_client *b)
{
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->id = new_client(e, "client-a", a->sid);
	b->id = new_client(e, "client-b", b->sid);
}

static void test_lock_conflicts(void **state)
{
	struct env *e = *state;
	struct lk_client a, b;
	struct lk_file f;
	struct stateid4 oa, ob, la, la2, lb, cur = { .seqid = 1 };
	struct lk_denied d;
	struct open_state *ref;
	struct flock fl;
	int fd = devnull(), iofd;

	lk_file_new(&f);
	lk_two_clients(e, &a, &b);
	lk_open(e, &a, &f, "open-a", OPEN4_SHARE_ACCESS_BOTH, -1, &oa);
	lk_open(e, &b, &f, "open-b", OPEN4_SHARE_ACCESS_BOTH, fd, &ob);

	/* a write-locks [0, 100) */
	lk_as(e, &a, &f);
	assert_int_equal(lk_lock(e, WRITE_LT, 0, 100, &oa, "lock-a", &la, NULL), NFS4_OK);
	assert_int_equal(la.seqid, 1);
	assert_memory_equal(&e->c.cur_stateid, &la, sizeof(la)); /* §16.2.3.1.2 */
	assert_int_equal(host_probe(&f, F_RDLCK, 50, 1, &fl), F_WRLCK);
	assert_true(fl.l_start == 0 && fl.l_len == 100 && fl.l_pid == -1);

	/* b's read lock inside it: DENIED, naming a's owner and range */
	lk_as(e, &b, &f);
	assert_int_equal(lk_lock(e, READW_LT, 50, 10, &ob, "lock-b", NULL, &d), NFS4ERR_DENIED);
	assert_true(d.offset == 0 && d.length == 100 && d.clientid == a.id);
	assert_int_equal(d.type, WRITE_LT);
	assert_string_equal(d.owner, "lock-a");
	/* another client's stateid is not b's to use */
	assert_int_equal(state_test_stateid(&e->c, &la), NFS4ERR_BAD_STATEID);

	/* LOCKT */
	assert_int_equal(lk_lockt(e, WRITE_LT, 100, NFS4_UINT64_MAX, "lock-b", NULL), NFS4_OK);
	assert_int_equal(lk_lockt(e, READ_LT, 99, 1, "lock-b", &d), NFS4ERR_DENIED);
	assert_string_equal(d.owner, "lock-a");
	lk_as(e, &a, &f);
	assert_int_equal(lk_lockt(e, WRITE_LT, 0, 10, "lock-a", NULL), NFS4_OK); /* its own */
	assert_int_equal(lk_lockt(e, WRITE_LT, 0, 10, "lock-a2", &d), NFS4ERR_DENIED);

	/* a second lock owner of a on the same open */
	assert_int_equal(lk_lock(e, READ_LT, 200, 10, &oa, "lock-a2", &la2, NULL), NFS4_OK);
	assert_memory_not_equal(la.other, la2.other, NFS4_OTHER_SIZE);
	/* the same owner again by open_to_lock_owner4: its stateid */
	assert_int_equal(lk_lock(e, READ_LT, 300, 10, &oa, "lock-a2", &la2, NULL), NFS4_OK);
	assert_int_equal(la2.seqid, 2);

	/* a lock of a local process on the host: DENIED, owner "local" */
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 1000;
	fl.l_len = 10;
	assert_int_equal(fcntl(f.hostfd, F_OFD_SETLK, &fl), 0);
	assert_int_equal(lk_lock(e, READ_LT, 1005, 1, &oa, "lock-a", NULL, &d), NFS4ERR_DENIED);
	assert_true(d.offset == 1000 && d.length == 10 && d.clientid == 0);
	assert_string_equal(d.owner, "local");
	assert_int_equal(lk_lockt(e, READ_LT, 1000, NFS4_UINT64_MAX, "lock-x", &d),
			 NFS4ERR_DENIED);
	assert_string_equal(d.owner, "local");
	fl.l_type = F_UNLCK;
	assert_int_equal(fcntl(f.hostfd, F_OFD_SETLK, &fl), 0);

	/* a unlocks; b gets its lock, and can WRITE with the lock stateid */
	lk_as(e, &a, &f);
	assert_int_equal(lk_locku(e, 0, 100, &la, &la), NFS4_OK);
	assert_int_equal(la.seqid, 2);
	assert_int_equal(host_probe(&f, F_WRLCK, 0, 100, &fl), F_UNLCK);
	lk_as(e, &b, &f);
	assert_int_equal(lk_lock(e, READ_LT, 50, 10, &ob, "lock-b", &lb, NULL), NFS4_OK);
	assert_int_equal(state_stateid_for_io(&e->c, &lb, f.dev, f.ino, true, &iofd, &ref),
			 NFS4_OK);
	assert_int_equal(iofd, fd); /* the open's descriptor */
	state_io_done(ref);
	/* the current stateid (LOCK set it) works too */
	assert_int_equal(io(e, &cur, 0, false, &iofd), NFS4ERR_BAD_STATEID); /* other file */
	assert_int_equal(state_stateid_for_io(&e->c, &cur, f.dev, f.ino, false, &iofd, &ref),
			 NFS4_OK);
	state_io_done(ref);
	/* a lock stateid is no open stateid for a new lock owner */
	assert_int_equal(lk_lock(e, READ_LT, 0, 1, &lb, "lock-b2", NULL, NULL),
			 NFS4ERR_BAD_STATEID);
	/* nor a lock of another client */
	assert_int_equal(lk_lock(e, READ_LT, 0, 1, &la, NULL, NULL, NULL), NFS4ERR_BAD_STATEID);
	lk_file_free(&f);
}

static void test_lock_upgrade_split(void **state)
{
	struct env *e = *state;
	struct lk_client a, b;
	struct lk_file f, g;
	struct stateid4 oa, oro, ob, la, stale;
	struct lk_denied d;
	struct flock fl;

	lk_file_new(&f);
	lk_file_new(&g);
	lk_two_clients(e, &a, &b);
	lk_open(e, &a, &f, "open-a", OPEN4_SHARE_ACCESS_BOTH, -1, &oa);
	lk_open(e, &b, &f, "open-b", OPEN4_SHARE_ACCESS_READ, -1, &ob);
	lk_open(e, &a, &g, "open-a", OPEN4_SHARE_ACCESS_READ, -1, &oro);

	lk_as(e, &a, &f);
	assert_int_equal(lk_lock(e, READ_LT, 0, 100, &oa, "lock-a", &la, NULL), NFS4_OK);
	stale = la;
	assert_int_equal(lk_lock(e, WRITE_LT, 20, 10, &la, NULL, &la, NULL), NFS4_OK); /* upgrade */
	assert_int_equal(la.seqid, 2);
	/* an old seqid of the lock stateid */
	assert_int_equal(lk_lock(e, WRITE_LT, 20, 10, &stale, NULL, NULL, NULL),
			 NFS4ERR_OLD_STATEID);

	lk_as(e, &b, &f);
	assert_int_equal(lk_lockt(e, READ_LT, 25, 1, "lock-b", &d), NFS4ERR_DENIED);
	assert_true(d.offset == 20 && d.length == 10 && d.type == WRITE_LT);
	assert_int_equal(lk_lockt(e, READ_LT, 0, 20, "lock-b", NULL), NFS4_OK);
	assert_int_equal(lk_lockt(e, READ_LT, 30, 70, "lock-b", NULL), NFS4_OK);
	assert_int_equal(lk_lockt(e, WRITE_LT, 0, 1, "lock-b", &d), NFS4ERR_DENIED);
	assert_true(d.offset == 0 && d.length == 20 && d.type == READ_LT);
	assert_int_equal(host_probe(&f, F_RDLCK, 25, 1, &fl), F_WRLCK);
	assert_true(fl.l_start == 20 && fl.l_len == 10);
	/* a read-only open cannot hold a write lock */
	assert_int_equal(lk_lock(e, WRITE_LT, 500, 1, &ob, "lock-b", NULL, NULL),
			 NFS4ERR_OPENMODE);

	/* downgrade: one read range again */
	lk_as(e, &a, &f);
	assert_int_equal(lk_lock(e, READ_LT, 20, 10, &la, NULL, &la, NULL), NFS4_OK);
	lk_as(e, &b, &f);
	assert_int_equal(lk_lockt(e, WRITE_LT, 50, 1, "lock-b", &d), NFS4ERR_DENIED);
	assert_true(d.offset == 0 && d.length == 100 && d.type == READ_LT);
	assert_int_equal(lk_lockt(e, READ_LT, 0, NFS4_UINT64_MAX, "lock-b", NULL), NFS4_OK);

	/* unlock the middle: two ranges left, on the host too */
	lk_as(e, &a, &f);
	assert_int_equal(lk_locku(e, 40, 20, &la, &la), NFS4_OK);
	assert_int_equal(la.seqid, 4);
	lk_as(e, &b, &f);
	assert_int_equal(lk_lockt(e, WRITE_LT, 45, 10, "lock-b", NULL), NFS4_OK);
	assert_int_equal(lk_lockt(e, WRITE_LT, 39, 2, "lock-b", &d), NFS4ERR_DENIED);
	assert_true(d.offset == 0 && d.length == 40);
	assert_int_equal(host_probe(&f, F_WRLCK, 40, 20, &fl), F_UNLCK);
	assert_int_equal(host_probe(&f, F_WRLCK, 60, 1, &fl), F_RDLCK);
	assert_true(fl.l_start == 60 && fl.l_len == 40);

	/* argument checks (RFC 8881 §18.10.3) */
	lk_as(e, &a, &f);
	assert_int_equal(lk_lock(e, READ_LT, 0, 0, &la, NULL, NULL, NULL), NFS4ERR_INVAL);
	assert_int_equal(lk_lock(e, READ_LT, 10, UINT64_MAX - 1, &la, NULL, NULL, NULL),
			 NFS4ERR_INVAL);
	assert_int_equal(lk_lock(e, 7, 0, 1, &la, NULL, NULL, NULL), NFS4ERR_BADXDR);
	assert_int_equal(lk_lock(e, READ_LT, (uint64_t)INT64_MAX + 2, 5, &la, NULL, NULL, NULL),
			 NFS4ERR_BAD_RANGE);
	assert_int_equal(lk_lockt(e, READ_LT, 0, 0, "x", NULL), NFS4ERR_INVAL);
	assert_int_equal(lk_locku(e, 5, 0, &la, NULL), NFS4ERR_INVAL);
	/* reclaim outside a grace period */
	{
		struct xdr_out args, r;

		xdr_out_init(&args, 256);
		xdr_put_u32(&args, READ_LT);
		xdr_put_bool(&args, true);
		xdr_put_u64(&args, 0);
		xdr_put_u64(&args, 1);
		xdr_put_bool(&args, false);
		nfs4_enc_stateid4(&args, &la);
		xdr_put_u32(&args, 0);
		assert_int_equal(run(e, nfs4_op_lock, &args, &r), NFS4ERR_NO_GRACE);
		xdr_out_release(&r);
	}
	/* the lock stateid of another file */
	lk_as(e, &a, &g);
	assert_int_equal(lk_lock(e, READ_LT, 0, 1, &la, NULL, NULL, NULL), NFS4ERR_BAD_STATEID);
	assert_int_equal(lk_locku(e, 0, 1, &la, NULL), NFS4ERR_BAD_STATEID);
	/* read locks on a read-only open are fine, write locks are not */
	assert_int_equal(lk_lock(e, READ_LT, 0, 1, &oro, "lock-a", NULL, NULL), NFS4_OK);
	assert_int_equal(lk_lock(e, WRITEW_LT, 0, 1, &oro, "lock-a", NULL, NULL),
			 NFS4ERR_OPENMODE);
	/* no file handle */
	e->c.cur.set = false;
	e->have_fh = false;
	assert_int_equal(lk_lockt(e, READ_LT, 0, 1, "x", NULL), NFS4ERR_NOFILEHANDLE);
	lk_file_free(&f);
	lk_file_free(&g);
}

static void test_lock_locks_held(void **state)
{
	struct env *e = *state;
	struct lk_client a, b;
	struct lk_file f;
	struct stateid4 oa, la, la2, out;

	lk_file_new(&f);
	lk_two_clients(e, &a, &b);
	lk_open(e, &a, &f, "open-a", OPEN4_SHARE_ACCESS_BOTH, -1, &oa);
	lk_as(e, &a, &f);
	assert_int_equal(lk_lock(e, WRITE_LT, 0, 10, &oa, "lock-a", &la, NULL), NFS4_OK);
	assert_int_equal(lk_lock(e, WRITE_LT, 20, 10, &oa, "lock-a2", &la2, NULL), NFS4_OK);
	assert_int_equal(lk_locku(e, 20, 10, &la2, &la2), NFS4_OK);

	/* RFC 8881 §18.38.3, §18.2.4 */
	assert_int_equal(stateid_op(e, nfs4_op_free_stateid, 0, false, &la, NULL),
			 NFS4ERR_LOCKS_HELD);
	assert_int_equal(close_sid(e, &oa, &out), NFS4ERR_LOCKS_HELD);
	assert_int_equal(state_test_stateid(&e->c, &la), NFS4_OK);
	assert_int_equal(lk_locku(e, 0, NFS4_UINT64_MAX, &la, &la), NFS4_OK);
	assert_int_equal(stateid_op(e, nfs4_op_free_stateid, 0, false, &la, NULL), NFS4_OK);
	assert_int_equal(state_test_stateid(&e->c, &la), NFS4ERR_BAD_STATEID);
	assert_int_equal(lk_locku(e, 0, 1, &la, NULL), NFS4ERR_BAD_STATEID);
	/* la2 holds nothing: it goes with the open */
	assert_int_equal(state_test_stateid(&e->c, &la2), NFS4_OK);
	assert_int_equal(close_sid(e, &oa, &out), NFS4_OK);
	assert_int_equal(state_test_stateid(&e->c, &la2), NFS4ERR_BAD_STATEID);
	/* locks still held when the table goes are released with it */
	lk_open(e, &a, &f, "open-a", OPEN4_SHARE_ACCESS_BOTH, -1, &oa);
	lk_as(e, &a, &f);
	assert_int_equal(lk_lock(e, WRITE_LT, 0, 10, &oa, "lock-a", &la, NULL), NFS4_OK);
	lk_file_free(&f);
}

static void test_lock_lease_expiry(void **state)
{
	struct env *e = *state;
	struct lk_client a, b;
	struct lk_file f;
	struct stateid4 oa, ob, la, lb;
	struct lk_denied d;
	struct flock fl;

	lk_file_new(&f);
	lk_two_clients(e, &a, &b);
	lk_open(e, &a, &f, "open-a", OPEN4_SHARE_ACCESS_BOTH, -1, &oa);
	lk_open(e, &b, &f, "open-b", OPEN4_SHARE_ACCESS_BOTH, -1, &ob);
	lk_as(e, &a, &f);
	assert_int_equal(lk_lock(e, WRITE_LT, 0, NFS4_UINT64_MAX, &oa, "lock-a", &la, NULL),
			 NFS4_OK);
	lk_as(e, &b, &f);
	assert_int_equal(lk_lock(e, WRITE_LT, 10, 1, &ob, "lock-b", NULL, &d), NFS4ERR_DENIED);
	assert_true(d.length == NFS4_UINT64_MAX && d.clientid == a.id);
	begin(e);
	assert_int_equal(host_probe(&f, F_RDLCK, 0, 0, &fl), F_WRLCK);

	/* b renews, a goes silent: its lease ends and its locks go (§8.3) */
	e->now += 60;
	lk_as(e, &b, &f);
	begin(e);
	e->now += 31;
	state_laundromat(e->srv.state, e->now);
	assert_int_equal(state_client_count(e->srv.state), 1);
	assert_int_equal(host_probe(&f, F_WRLCK, 0, 0, &fl), F_UNLCK);
	lk_as(e, &b, &f);
	assert_int_equal(lk_lock(e, WRITE_LT, 10, 1, &ob, "lock-b", &lb, NULL), NFS4_OK);
	assert_int_equal(host_probe(&f, F_RDLCK, 10, 1, &fl), F_WRLCK);
	begin(e);
	/* freeing the table releases every lock left */
	state_table_free(e->srv.state);
	e->srv.state = state_table_new(&e->srv, 90);
	assert_int_equal(host_probe(&f, F_WRLCK, 0, 0, &fl), F_UNLCK);
	lk_file_free(&f);
}

/* --- stable client records and the grace period (RFC 8881 §8.4) ----------- */

struct rec_dir {
	char path[64];
	char clients[80];
};

static void rec_dir_new(struct env *e, struct rec_dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/lnfsd-test-rec-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	snprintf(d->clients, sizeof(d->clients), "%s/clients", d->path);
	e->rec = d;
}

/* Record files (16 hex digits) in DIR/clients. */
static int rec_count(const struct rec_dir *d)
{
	struct dirent *de;
	DIR *dir = opendir(d->clients);
	int n = 0;

	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL)
		if (strlen(de->d_name) == 16 && strspn(de->d_name, "0123456789abcdef") == 16)
			n++;
	closedir(dir);
	return n;
}

static void rec_dir_free(struct rec_dir *d)
{
	struct dirent *de;
	DIR *dir = opendir(d->clients);

	if (dir) {
		while ((de = readdir(dir)) != NULL)
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
				unlinkat(dirfd(dir), de->d_name, 0);
		closedir(dir);
		rmdir(d->clients);
	}
	rmdir(d->path);
}

/* The server stops (records stay) and starts again on the same directory,
 * with the same boot time: the epoch must move on anyway. */
static void restart(struct env *e, const struct rec_dir *d, uint32_t grace)
{
	begin(e);
	e->have_fh = false;
	state_table_free(e->srv.state);
	e->srv.state = state_table_new(&e->srv, 90);
	assert_non_null(e->srv.state);
	state_set_clock(e->srv.state, fake_clock, e);
	assert_int_equal(state_recovery_init(e->srv.state, d->path, grace), 0);
}

/* A confirmed client with a session, in a compound after SEQUENCE (slot 0,
 * seqid 1); client_back() for one back after a restart, which has not sent
 * RECLAIM_COMPLETE yet. */
static uint64_t client_in_rc(struct env *e, const char *owner, uint8_t sid[16], bool recovering)
{
	uint64_t id = new_client_rc(e, owner, sid, recovering);

	begin(e);
	assert_int_equal(sequence(e, sid, 1, 0, false), NFS4_OK);
	return id;
}

static uint64_t client_in(struct env *e, const char *owner, uint8_t sid[16])
{
	return client_in_rc(e, owner, sid, false);
}

static uint64_t client_back(struct env *e, const char *owner, uint8_t sid[16])
{
	return client_in_rc(e, owner, sid, true);
}

/* Records: none without state, one per client with state, gone when the
 * client is destroyed or expires; a client back after expiry gets a new
 * one.  One instance per directory. */
static void test_records(void **state)
{
	struct env *e = *state;
	struct rec_dir d;
	struct stateid4 sa, sb;
	uint8_t ida[16], idb[16];
	uint64_t idb_c;
	struct state_table *other;

	rec_dir_new(e, &d);
	assert_int_equal(state_recovery_init(e->srv.state, d.path, 0), 0);
	assert_false(state_in_grace(e->srv.state)); /* nothing recorded: no grace */
	assert_int_equal(state_reclaim_pending(e->srv.state), 0);
	other = state_table_new(&e->srv, 90);
	assert_int_equal(state_recovery_init(other, d.path, 0), -EBUSY);
	state_table_free(other);

	new_client(e, "a", ida);
	assert_int_equal(rec_count(&d), 0); /* no state yet */
	begin(e);
	assert_int_equal(sequence(e, ida, 1, 0, false), NFS4_OK);
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &sa), NFS4_OK);
	assert_int_equal(rec_count(&d), 1);
	assert_int_equal(open_file(e, "oo", 6, OPEN4_SHARE_ACCESS_READ, 0, -1, &sa), NFS4_OK);
	assert_int_equal(rec_count(&d), 1);

	idb_c = new_client(e, "b", idb);
	begin(e);
	assert_int_equal(sequence(e, idb, 1, 0, false), NFS4_OK);
	assert_int_equal(open_file(e, "ob", 7, OPEN4_SHARE_ACCESS_READ, 0, -1, &sb), NFS4_OK);
	assert_int_equal(rec_count(&d), 2);
	/* b goes away properly: DESTROY_CLIENTID removes its record */
	e->have_fh = true;
	e->fh_dev = 1;
	e->fh_ino = 7;
	assert_int_equal(close_sid(e, &sb, NULL), NFS4_OK);
	begin(e);
	assert_int_equal(sid_op(e, nfs4_op_destroy_session, idb), NFS4_OK);
	assert_int_equal(destroy_clientid(e, idb_c), NFS4_OK);
	assert_int_equal(rec_count(&d), 1);

	/* a goes silent: expiry removes its record (§8.4.3) */
	e->now += 91;
	state_laundromat(e->srv.state, e->now);
	assert_int_equal(state_client_count(e->srv.state), 0);
	assert_int_equal(rec_count(&d), 0);
	/* back after expiry: a clean new record */
	new_client(e, "a", ida);
	begin(e);
	assert_int_equal(sequence(e, ida, 1, 0, false), NFS4_OK);
	assert_int_equal(open_file(e, "oo", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &sa), NFS4_OK);
	assert_int_equal(rec_count(&d), 1);

	/* a restart keeps it, and so a's owner may reclaim */
	restart(e, &d, 30);
	assert_true(state_in_grace(e->srv.state));
	assert_int_equal(state_reclaim_pending(e->srv.state), 1);
	rec_dir_free(&d);
	e->rec = NULL;
}

/* Reclaims during grace; everything else waits; RECLAIM_COMPLETE; the end
 * by time; earlier records purged then. */
static void test_grace_reclaim(void **state)
{
	struct env *e = *state;
	struct lk_client a, b, c;
	struct lk_file f;
	struct rec_dir d;
	struct stateid4 oa, la, ob, oc, anon = { 0 };
	struct exid x;
	uint8_t old_sid[16];
	uint64_t old_id;
	int iofd;

	rec_dir_new(e, &d);
	lk_file_new(&f);
	assert_int_equal(state_recovery_init(e->srv.state, d.path, 60), 0);
	/* instance 1: a opens and write-locks f, b opens another file */
	lk_two_clients(e, &a, &b);
	memcpy(old_sid, a.sid, 16);
	old_id = a.id;
	lk_open(e, &a, &f, "open-a", OPEN4_SHARE_ACCESS_BOTH, -1, &oa);
	assert_int_equal(lk_lock(e, WRITE_LT, 0, 100, &oa, "lock-a", &la, NULL), NFS4_OK);
	lk_as(e, &b, &f);
	assert_int_equal(open_file(e, "open-b", 9, OPEN4_SHARE_ACCESS_READ,
				   OPEN4_SHARE_DENY_WRITE, -1, &ob),
			 NFS4_OK);
	assert_int_equal(rec_count(&d), 2);

	/* instance 2 (same boot time): old ids are stale, grace is on */
	restart(e, &d, 60);
	assert_true(state_in_grace(e->srv.state));
	assert_int_equal(state_reclaim_pending(e->srv.state), 2);
	begin(e);
	assert_int_equal(sequence(e, old_sid, 2, 0, false), NFS4ERR_BADSESSION);
	assert_int_equal(create_session(e, old_id, 2, old_sid), NFS4ERR_STALE_CLIENTID);
	assert_int_equal(exchange_id(e, "fresh", 1, 0, &x), NFS4_OK);
	assert_int_equal((uint32_t)(x.clientid >> 32), EPOCH + 1);

	/* c never had state: no reclaim, no new opens */
	memset(&c, 0, sizeof(c));
	c.id = new_client(e, "client-c", c.sid);
	lk_as(e, &c, &f);
	assert_int_equal(open_file(e, "open-c", 11, OPEN4_SHARE_ACCESS_READ, 0, -1, &oc),
			 NFS4ERR_GRACE);
	assert_int_equal(reclaim_file(e, "open-c", 11, OPEN4_SHARE_ACCESS_READ, 0, &oc),
			 NFS4ERR_NO_GRACE);
	assert_int_equal(state_reclaim_allowed(&e->c), NFS4ERR_NO_GRACE);
	/* special stateids wait too (a denying open may be reclaimed) */
	assert_int_equal(io(e, &anon, 9, false, &iofd), NFS4ERR_GRACE);

	/* a comes back under the same owner and reclaims its open and lock */
	memset(&a, 0, sizeof(a));
	a.id = new_client_rc(e, "client-a", a.sid, true);
	assert_true(a.id != old_id);
	lk_as(e, &a, &f);
	assert_int_equal(state_reclaim_allowed(&e->c), NFS4_OK);
	assert_int_equal(open_file(e, "open-a", f.ino, OPEN4_SHARE_ACCESS_BOTH, 0, -1, &oa),
			 NFS4ERR_GRACE);
	{
		struct xdr_view v = { (const uint8_t *)"open-a", 6 };

		assert_int_equal(state_reclaim_open(&e->c, &v, f.dev, f.ino,
						    OPEN4_SHARE_ACCESS_BOTH, 0, -1, &oa),
				 NFS4_OK);
	}
	assert_int_equal(oa.seqid, 1);
	assert_int_equal(lk_lock(e, WRITE_LT, 200, 10, &oa, "lock-a", NULL, NULL), NFS4ERR_GRACE);
	assert_int_equal(lk_lockt(e, WRITE_LT, 0, 10, "lock-x", NULL), NFS4ERR_GRACE);
	assert_int_equal(lk_lock_rc(e, WRITE_LT, true, 0, 100, &oa, "lock-a", &la, NULL), NFS4_OK);
	struct flock fl;

	assert_int_equal(host_probe(&f, F_RDLCK, 50, 1, &fl), F_WRLCK); /* real again */
	/* another open owner of a reclaims a read-write open of ino 9 */
	assert_int_equal(reclaim_file(e, "open-a2", 9, OPEN4_SHARE_ACCESS_BOTH, 0, &oc), NFS4_OK);
	assert_int_equal(rec_count(&d), 3); /* a's new record beside the two old ones */

	/* a is done; b is not back yet: still grace for c */
	lk_as(e, &a, &f);
	assert_int_equal(reclaim_complete(e), NFS4_OK);
	assert_int_equal(state_reclaim_pending(e->srv.state), 1);
	assert_int_equal(reclaim_file(e, "open-a", 13, OPEN4_SHARE_ACCESS_READ, 0, &oc),
			 NFS4ERR_NO_GRACE);
	assert_int_equal(lk_lock_rc(e, WRITE_LT, true, 300, 1, &la, NULL, NULL, NULL),
			 NFS4ERR_NO_GRACE);
	lk_as(e, &c, &f);
	assert_int_equal(open_file(e, "open-c", 11, OPEN4_SHARE_ACCESS_READ, 0, -1, &oc),
			 NFS4ERR_GRACE);

	/* b's reclaim of a deny-write open conflicts with a's reclaimed write
	 * access to ino 9 */
	memset(&b, 0, sizeof(b));
	b.id = new_client_rc(e, "client-b", b.sid, true);
	lk_as(e, &b, &f);
	assert_int_equal(reclaim_file(e, "open-b", 9, OPEN4_SHARE_ACCESS_READ,
				      OPEN4_SHARE_DENY_WRITE, &ob),
			 NFS4ERR_RECLAIM_CONFLICT);

	/* the grace time runs out: reclaims NO_GRACE, new opens fine, and the
	 * earlier instance's records are gone */
	e->now += 60;
	assert_false(state_in_grace(e->srv.state));
	assert_int_equal(reclaim_file(e, "open-b", 15, OPEN4_SHARE_ACCESS_READ, 0, &ob),
			 NFS4ERR_NO_GRACE);
	/* b has not sent RECLAIM_COMPLETE: no new opens for it even now
	 * (§18.51.3) */
	assert_int_equal(open_file(e, "open-b", 15, OPEN4_SHARE_ACCESS_READ, 0, -1, &ob),
			 NFS4ERR_GRACE);
	assert_int_equal(state_new_state_allowed(&e->c), NFS4ERR_GRACE);
	assert_int_equal(reclaim_complete(e), NFS4_OK);
	assert_int_equal(state_new_state_allowed(&e->c), NFS4_OK);
	assert_int_equal(open_file(e, "open-b", 15, OPEN4_SHARE_ACCESS_READ, 0, -1, &ob), NFS4_OK);
	assert_int_equal(rec_count(&d), 2); /* a's and b's of this instance */
	assert_int_equal(io(e, &anon, 16, false, &iofd), NFS4_OK);
	lk_as(e, &a, &f);
	assert_int_equal(lk_lock(e, WRITE_LT, 200, 10, &la, NULL, NULL, NULL), NFS4_OK);
	begin(e);
	lk_file_free(&f);
	rec_dir_free(&d);
	e->rec = NULL;
}

/* Grace ends as soon as every previous client is done: RECLAIM_COMPLETE,
 * or expiry of the one that came back without reclaiming.  A restart with
 * no records has no grace at all. */
static void test_grace_early_end(void **state)
{
	struct env *e = *state;
	struct rec_dir d;
	struct stateid4 s;
	uint8_t sa[16], sb[16], sc[16];
	uint64_t ida, idb;

	rec_dir_new(e, &d);
	assert_int_equal(state_recovery_init(e->srv.state, d.path, 300), 0);
	client_in(e, "a", sa);
	assert_int_equal(open_file(e, "oa", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);
	client_in(e, "b", sb);
	assert_int_equal(open_file(e, "ob", 6, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);
	client_in(e, "c", sc);
	assert_int_equal(open_file(e, "oc", 7, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);

	/* by RECLAIM_COMPLETE: no waiting for the grace time */
	restart(e, &d, 300);
	assert_int_equal(state_reclaim_pending(e->srv.state), 3);
	client_back(e, "a", sa);
	assert_int_equal(reclaim_complete(e), NFS4_OK);
	client_back(e, "b", sb);
	assert_int_equal(reclaim_complete(e), NFS4_OK);
	client_back(e, "c", sc);
	assert_true(state_in_grace(e->srv.state));
	assert_int_equal(open_file(e, "oc", 7, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4ERR_GRACE);
	assert_int_equal(reclaim_complete(e), NFS4_OK);
	assert_false(state_in_grace(e->srv.state));
	assert_int_equal(open_file(e, "oc", 7, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);
	assert_int_equal(rec_count(&d), 1); /* c's; a and b hold no state now */

	/* by expiry: b comes back, does not reclaim and goes silent */
	ida = client_in(e, "a", sa);
	assert_int_equal(open_file(e, "oa", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);
	idb = client_in(e, "b", sb);
	assert_int_equal(open_file(e, "ob", 6, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);
	restart(e, &d, 300); /* a, b, c */
	assert_int_equal(state_reclaim_pending(e->srv.state), 3);
	client_back(e, "a", sa);
	assert_int_equal(reclaim_complete(e), NFS4_OK);
	client_back(e, "c", sc);
	assert_int_equal(reclaim_complete(e), NFS4_OK);
	client_back(e, "b", sb);
	begin(e);
	e->now += 60;
	assert_int_equal(sequence(e, sa, 2, 0, false), NFS4_OK);
	begin(e);
	assert_int_equal(sequence(e, sc, 2, 0, false), NFS4_OK);
	begin(e);
	e->now += 31;
	state_laundromat(e->srv.state, e->now);
	assert_int_equal(state_client_count(e->srv.state), 2);
	assert_false(state_in_grace(e->srv.state));

	/* nobody holds state at the next start: no grace */
	(void)ida;
	(void)idb;
	restart(e, &d, 300);
	assert_int_equal(rec_count(&d), 0);
	assert_false(state_in_grace(e->srv.state));
	client_in(e, "n", sa);
	assert_int_equal(open_file(e, "on", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);
	rec_dir_free(&d);
	e->rec = NULL;
}

/* A crash during grace keeps the earlier records: a client that has not
 * reclaimed yet still may after the next start (§8.4.3). */
static void test_grace_crash_during_grace(void **state)
{
	struct env *e = *state;
	struct rec_dir d;
	struct stateid4 s;
	uint8_t sa[16], sb[16];

	rec_dir_new(e, &d);
	assert_int_equal(state_recovery_init(e->srv.state, d.path, 30), 0);
	client_in(e, "a", sa);
	assert_int_equal(open_file(e, "oa", 5, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);
	client_in(e, "b", sb);
	assert_int_equal(open_file(e, "ob", 6, OPEN4_SHARE_ACCESS_READ, 0, -1, &s), NFS4_OK);
	restart(e, &d, 30);
	client_back(e, "a", sa);
	assert_int_equal(reclaim_file(e, "oa", 5, OPEN4_SHARE_ACCESS_READ, 0, &s), NFS4_OK);
	assert_int_equal(rec_count(&d), 3);
	restart(e, &d, 30); /* "crash": b never came */
	assert_int_equal(state_reclaim_pending(e->srv.state), 2);
	client_back(e, "b", sb);
	assert_int_equal(reclaim_file(e, "ob", 6, OPEN4_SHARE_ACCESS_READ, 0, &s), NFS4_OK);
	client_back(e, "a", sa);
	assert_int_equal(reclaim_file(e, "oa", 5, OPEN4_SHARE_ACCESS_READ, 0, &s), NFS4_OK);
	e->now += 30;
	assert_false(state_in_grace(e->srv.state));
	assert_int_equal(rec_count(&d), 2);
	rec_dir_free(&d);
	e->rec = NULL;
}

/* A LOCK that is not a reclaim waits for RECLAIM_COMPLETE too: a client
 * back after a restart reclaims its open, grace runs out before it sends
 * RECLAIM_COMPLETE, and its new lock is NFS4ERR_GRACE until it does. */
static void test_lock_before_reclaim_complete(void **state)
{
	struct env *e = *state;
	struct lk_client a;
	struct lk_file f;
	struct rec_dir d;
	struct stateid4 oa, la;

	rec_dir_new(e, &d);
	lk_file_new(&f);
	assert_int_equal(state_recovery_init(e->srv.state, d.path, 30), 0);
	memset(&a, 0, sizeof(a));
	a.id = new_client(e, "client-a", a.sid);
	lk_open(e, &a, &f, "open-a", OPEN4_SHARE_ACCESS_BOTH, -1, &oa);
	restart(e, &d, 30);
	memset(&a, 0, sizeof(a));
	a.id = new_client_rc(e, "client-a", a.sid, true);
	lk_as(e, &a, &f);
	{
		struct xdr_view v = { (const uint8_t *)"open-a", 6 };

		assert_int_equal(state_reclaim_open(&e->c, &v, f.dev, f.ino,
						    OPEN4_SHARE_ACCESS_BOTH, 0, -1, &oa),
				 NFS4_OK);
	}
	e->now += 30;
	assert_false(state_in_grace(e->srv.state));
	lk_as(e, &a, &f);
	assert_int_equal(lk_lock(e, WRITE_LT, 0, 10, &oa, "lock-a", &la, NULL), NFS4ERR_GRACE);
	assert_int_equal(reclaim_complete(e), NFS4_OK);
	assert_int_equal(lk_lock(e, WRITE_LT, 0, 10, &oa, "lock-a", &la, NULL), NFS4_OK);
	begin(e);
	lk_file_free(&f);
	rec_dir_free(&d);
	e->rec = NULL;
}

/* --- threads ------------------------------------------------------------- */

struct worker {
	struct env *e;
	const uint8_t *sid;
	uint32_t slot;
	int failures;
};

/* SEQUENCE, OPEN, READ, CLOSE on its own slot, many times; the main
 * thread runs the laundromat and closes connections meanwhile.  cmocka's
 * asserts are not thread-safe, so failures are counted. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct compound c = { .srv = &w->e->srv, .call = &w->e->call };
	struct state_sequence_args sa = { .slotid = w->slot, .cachethis = true };
	struct state_sequence_res sr;
	char owner[16];
	struct xdr_view ov = { (const uint8_t *)owner, 0 };
	struct stateid4 s;
	struct open_state *ref;
	int fd;

	memcpy(sa.sessionid, w->sid, 16);
	snprintf(owner, sizeof(owner), "owner%u", w->slot);
	ov.len = (uint32_t)strlen(owner);
	for (uint32_t i = 1; i <= 2000; i++) {
		sa.sequenceid = i;
		if (state_sequence(&c, &sa, &sr) != NFS4_OK) {
			w->failures++;
			continue;
		}
		if (state_open_file(&c, &ov, 1, 100 + i % 3, OPEN4_SHARE_ACCESS_READ, 0, -1, &s) ||
		    state_stateid_for_io(&c, &s, 1, 100 + i % 3, false, &fd, &ref) ||
		    state_close(&c, &s, 1, 100 + i % 3))
			w->failures++;
		state_io_done(ref);
		state_slot_done(&c, (const uint8_t *)owner, ov.len);
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	struct env *e = *state;
	uint8_t sid[16];
	struct worker w[4];
	pthread_t t[4];

	new_client(e, "owner", sid);
	begin(e);
	for (uint32_t i = 0; i < 4; i++) {
		w[i] = (struct worker){ .e = e, .sid = sid, .slot = i };
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 2000; i++) {
		state_laundromat(e->srv.state, 1000);
		state_conn_closed(e->srv.state, 99);
	}
	for (uint32_t i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(state_client_count(e->srv.state), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exchange_id_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exchange_id_flags_and_protection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exchange_id_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exchange_id_collision_without_state, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_client_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_session_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_session_attrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_cache_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_conn_and_destroy_session, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_destroy_session_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_clientid_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_laundromat_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stateid_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_share_deny, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_test_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_downgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stateid_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
		cmocka_unit_test(test_lock_ranges),
		cmocka_unit_test_setup_teardown(test_lock_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_upgrade_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_locks_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_lease_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grace_reclaim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grace_early_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grace_crash_during_grace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_before_reclaim_complete, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
