/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_rec.h - record marking for ONC RPC over TCP (RFC 5531 §11): a
 * nonblocking reassembly state machine and the reply-side record mark.
 *
 * A struct rpc_rec is fed whatever bytes arrived on a stream, in any split,
 * and gathers fragment payloads into one contiguous record buffer.  It owns
 * no descriptor and never blocks, so it can be unit-tested and fuzzed alone.
 * The record buffer grows only as payload bytes actually arrive (at most
 * about twice what was received), never to a length a peer merely declared:
 * a slow or hostile peer holding a partial record pins only what it sent.
 *
 * Rules enforced (each sets a sticky error; the stream is then unusable and
 * the caller should close the connection):
 *  - a record longer than max_record bytes: -EMSGSIZE, detected from the
 *    fragment header, before any of that fragment's payload is stored;
 *  - a zero-length fragment that is not the last one: -EBADMSG (it carries
 *    nothing and would let a peer keep us busy forever, as in libtirpc);
 *  - an empty record (a zero-length last fragment with nothing before it):
 *    -EBADMSG.  A zero-length last fragment that ends a non-empty record is
 *    accepted: RFC 5531 does not forbid it and some encoders emit one.
 */
#ifndef LNFSD_RPC_REC_H
#define LNFSD_RPC_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RPC_REC_LAST_FRAG 0x80000000u
#define RPC_REC_FRAG_MAX 0x7fffffffu

struct rpc_rec {
	size_t max_record;  /* largest record accepted */
	uint8_t hdr[4];     /* fragment header being assembled */
	unsigned hdr_have;  /* bytes of hdr received (0..4) */
	bool in_body;       /* reading a fragment payload */
	bool last;          /* current fragment is the last of its record */
	bool done;          /* a whole record is ready for rpc_rec_take() */
	uint32_t frag_left; /* payload bytes still expected in this fragment */
	uint8_t *buf;       /* record being assembled (owned) */
	size_t len;         /* record bytes received */
	size_t cap;         /* bytes allocated at buf */
	int error;          /* sticky -errno, 0 while healthy */
};

void rpc_rec_init(struct rpc_rec *r, size_t max_record);
/* Free the buffer; the struct may be initialised again. */
void rpc_rec_release(struct rpc_rec *r);

/*
 * Consume bytes from data[0..n).  Stops right after the byte that completes
 * a record, so the caller can take it before feeding the rest.  Returns the
 * number of bytes consumed (possibly fewer than n, and 0 if a record is
 * already waiting), or -errno (sticky) if the stream broke a rule above or
 * memory ran out.
 */
ssize_t rpc_rec_feed(struct rpc_rec *r, const void *data, size_t n);

/* True when a complete record waits to be taken. */
static inline bool rpc_rec_ready(const struct rpc_rec *r)
{
	return r->done;
}

/* True between records (no partial header or payload held). */
static inline bool rpc_rec_idle(const struct rpc_rec *r)
{
	return !r->done && !r->in_body && r->hdr_have == 0 && r->len == 0;
}

/*
 * Hand the completed record to the caller, who must free() it; the state is
 * reset for the next record.  NULL if no record is ready.  The buffer is
 * never NULL for a ready record (records are at least one byte).
 */
uint8_t *rpc_rec_take(struct rpc_rec *r, size_t *len);

/*
 * Zero-copy receive of large payloads: when at least `min` payload bytes
 * of the current fragment are still expected, make room for some of them
 * and return where they go and how many fit (*p, result); otherwise 0.  The
 * caller reads into *p and then reports with rpc_rec_body_commit().  -ENOMEM
 * is returned as a negative value (and becomes the sticky error).
 */
ssize_t rpc_rec_body_space(struct rpc_rec *r, size_t min, uint8_t **p);
/*
 * Continue the record in buf (cap bytes, from malloc(), at least the bytes
 * received plus those the current fragment still brings): the bytes so far
 * are copied over and *old gets the previous buffer (the caller frees it;
 * may be NULL).  Lets the caller receive a big fragment into a buffer it
 * kept, instead of growing one.  0, or -EINVAL (nothing changed) when buf
 * is too small or no fragment payload is expected.
 */
int rpc_rec_adopt(struct rpc_rec *r, uint8_t *buf, size_t cap, uint8_t **old);
/* n bytes (at most what rpc_rec_body_space() returned) were written. */
void rpc_rec_body_commit(struct rpc_rec *r, size_t n);

/* Write the 4-byte record mark for a single-fragment record of len bytes
 * (len <= RPC_REC_FRAG_MAX). */
void rpc_rec_mark(uint8_t out[4], size_t len);

#endif
