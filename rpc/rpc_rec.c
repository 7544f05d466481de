/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_rec.c - record-marking reassembly (RFC 5531 §11).  Pure state machine
 * over caller-supplied bytes: no descriptors, no blocking, no globals.  The
 * limits (record size, zero-length fragments) are checked from the fragment
 * header before any payload is stored; see rpc_rec.h for the rules.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_rec.h"

/* Smallest allocation for a record buffer. */
#define RPC_REC_MIN_ALLOC 512u

void rpc_rec_init(struct rpc_rec *r, size_t max_record)
{
	memset(r, 0, sizeof(*r));
	r->max_record = max_record;
}

void rpc_rec_release(struct rpc_rec *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = 0;
	r->cap = 0;
}

/*
 * Make room for at least `need` more bytes.  Grow geometrically, but never
 * beyond what the current fragment can still bring, so the allocation stays
 * proportional to the bytes received.
 */
static int rec_grow(struct rpc_rec *r, size_t need)
{
	size_t want = r->len + need;
	size_t bound = r->len + r->frag_left;
	size_t ncap;
	uint8_t *nb;

	if (want <= r->cap)
		return 0;
	ncap = r->cap ? r->cap * 2 : RPC_REC_MIN_ALLOC;
	if (ncap > bound)
		ncap = bound;
	if (ncap < want)
		ncap = want;
	nb = realloc(r->buf, ncap);
	if (!nb)
		return -ENOMEM;
	r->buf = nb;
	r->cap = ncap;
	return 0;
}

static int rec_fail(struct rpc_rec *r, int err)
{
	r->error = err;
	return err;
}

/* A whole fragment header arrived: check it against the rules. */
static int rec_header(struct rpc_rec *r)
{
	uint32_t h = (uint32_t)r->hdr[0] << 24 | (uint32_t)r->hdr[1] << 16 |
		     (uint32_t)r->hdr[2] << 8 | r->hdr[3];
	uint32_t flen = h & RPC_REC_FRAG_MAX;

	r->hdr_have = 0;
	r->last = (h & RPC_REC_LAST_FRAG) != 0;
	if (flen == 0) {
		if (!r->last || r->len == 0)
			return rec_fail(r, -EBADMSG);
		r->done = true;
		return 0;
	}
	if (flen > r->max_record || r->len > r->max_record - flen)
		return rec_fail(r, -EMSGSIZE);
	r->frag_left = flen;
	r->in_body = true;
	return 0;
}

static void rec_body_done(struct rpc_rec *r)
{
	if (r->frag_left)
		return;
	r->in_body = false;
	if (r->last)
		r->done = true;
}

ssize_t rpc_rec_feed(struct rpc_rec *r, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t used = 0, take;
	int err;

	if (r->error)
		return r->error;
	while (used < n && !r->done) {
		if (!r->in_body) {
			r->hdr[r->hdr_have++] = p[used++];
			if (r->hdr_have == 4 && (err = rec_header(r)) != 0)
				return err;
			continue;
		}
		take = n - used;
		if (take > r->frag_left)
			take = r->frag_left;
		err = rec_grow(r, take);
		if (err)
			return rec_fail(r, err);
		memcpy(r->buf + r->len, p + used, take);
		r->len += take;
		r->frag_left -= (uint32_t)take;
		used += take;
		rec_body_done(r);
	}
	return (ssize_t)used;
}

uint8_t *rpc_rec_take(struct rpc_rec *r, size_t *len)
{
	uint8_t *b;

	if (!r->done)
		return NULL;
	b = r->buf;
	*len = r->len;
	r->buf = NULL;
	r->len = 0;
	r->cap = 0;
	r->done = false;
	r->last = false;
	return b;
}

ssize_t rpc_rec_body_space(struct rpc_rec *r, size_t min, uint8_t **p)
{
	size_t want;
	int err;

	if (r->error)
		return r->error;
	if (r->done || !r->in_body || r->frag_left < min || r->frag_left == 0)
		return 0;
	want = r->cap > r->len ? r->cap - r->len : 0;
	if (want == 0) {
		/* Double the buffer, bounded by the fragment (rec_grow). */
		want = r->len ? r->len : RPC_REC_MIN_ALLOC;
		if (want > r->frag_left)
			want = r->frag_left;
		err = rec_grow(r, want);
		if (err)
			return rec_fail(r, err);
		want = r->cap - r->len;
	}
	if (want > r->frag_left)
		want = r->frag_left;
	*p = r->buf + r->len;
	return (ssize_t)want;
}

int rpc_rec_adopt(struct rpc_rec *r, uint8_t *buf, size_t cap, uint8_t **old)
{
	if (r->error || r->done || !r->in_body || cap < r->len + r->frag_left)
		return -EINVAL;
	if (r->len)
		memcpy(buf, r->buf, r->len);
	*old = r->buf;
	r->buf = buf;
	r->cap = cap;
	return 0;
}

void rpc_rec_body_commit(struct rpc_rec *r, size_t n)
{
	if (n > r->frag_left || r->len + n > r->cap)
		return; /* caller bug; keep the state consistent */
	r->len += n;
	r->frag_left -= (uint32_t)n;
	rec_body_done(r);
}

void rpc_rec_mark(uint8_t out[4], size_t len)
{
	uint32_t h = RPC_REC_LAST_FRAG | ((uint32_t)len & RPC_REC_FRAG_MAX);

	out[0] = (uint8_t)(h >> 24);
	out[1] = (uint8_t)(h >> 16);
	out[2] = (uint8_t)(h >> 8);
	out[3] = (uint8_t)h;
}
