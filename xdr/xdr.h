/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdr.h - the only door to wire bytes (RFC 4506).
 *
 * Decoding reads through a struct xdr_in cursor over a received buffer that
 * the caller owns; every getter checks the bytes left before it reads and
 * returns false past the end, leaving the cursor where it was.  Variable
 * length opaques are returned as struct xdr_view: a borrowed pointer into the
 * received buffer, valid as long as that buffer, never copied.
 *
 * Encoding appends to a struct xdr_out, a growable buffer with a hard size
 * limit (the session's maximum reply size).  Growing past the limit sets
 * `overflow` and makes every later put fail, so an encoder may check once at
 * the end.  xdr_reserve() hands out space to fill in place (READ reads file
 * data straight into it); positions can be back-filled and truncated.
 * Pointers from xdr_reserve() are valid only until the next put.
 */
#ifndef LNFSD_XDR_H
#define LNFSD_XDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XDR_PAD(n) (((size_t)(n) + 3u) & ~(size_t)3u)

/* A borrowed run of bytes inside a received buffer. */
struct xdr_view {
	const uint8_t *data;
	uint32_t len;
};

struct xdr_in {
	const uint8_t *p;   /* next byte to read */
	const uint8_t *end; /* one past the last received byte */
};

static inline void xdr_in_init(struct xdr_in *x, const void *buf, size_t len)
{
	x->p = (const uint8_t *)buf;
	x->end = x->p + len;
}

static inline size_t xdr_in_left(const struct xdr_in *x)
{
	return (size_t)(x->end - x->p);
}

bool xdr_get_u32(struct xdr_in *x, uint32_t *v);
bool xdr_get_i32(struct xdr_in *x, int32_t *v);
bool xdr_get_u64(struct xdr_in *x, uint64_t *v);
bool xdr_get_i64(struct xdr_in *x, int64_t *v);
/* XDR bool: only 0 and 1 are accepted. */
bool xdr_get_bool(struct xdr_in *x, bool *v);
/* Fixed-length opaque of len bytes (plus padding), copied into dst. */
bool xdr_get_fixed(struct xdr_in *x, void *dst, size_t len);
/* Fixed-length opaque as a borrowed view (len bytes plus padding). */
bool xdr_get_fixed_view(struct xdr_in *x, size_t len, struct xdr_view *v);
/* Variable-length opaque<maxlen> or string<maxlen>: borrowed view.  A length
 * above maxlen or above the bytes left fails. */
bool xdr_get_opaque(struct xdr_in *x, uint32_t maxlen, struct xdr_view *v);
/* Skip len bytes plus padding. */
bool xdr_skip(struct xdr_in *x, size_t len);

struct xdr_out {
	uint8_t *buf;   /* owned; NULL until the first put */
	size_t len;     /* bytes written */
	size_t cap;     /* bytes allocated */
	size_t limit;   /* never grow beyond this many bytes */
	bool overflow;  /* a put failed for lack of room */
};

/* Start an empty encoder that may grow to limit bytes; no allocation yet. */
void xdr_out_init(struct xdr_out *x, size_t limit);
/* Free the buffer; the struct may be initialised again. */
void xdr_out_release(struct xdr_out *x);
/* Forget the contents, keep the allocation (for reuse by a worker). */
static inline void xdr_out_reset(struct xdr_out *x, size_t limit)
{
	x->len = 0;
	x->limit = limit;
	x->overflow = false;
}
/* Hand the buffer to the caller, who must free() it; x becomes empty. */
uint8_t *xdr_out_steal(struct xdr_out *x, size_t *len);

/* n bytes of space at the end (n is not padded), or NULL on overflow. */
uint8_t *xdr_reserve(struct xdr_out *x, size_t n);
bool xdr_put_u32(struct xdr_out *x, uint32_t v);
bool xdr_put_i32(struct xdr_out *x, int32_t v);
bool xdr_put_u64(struct xdr_out *x, uint64_t v);
bool xdr_put_i64(struct xdr_out *x, int64_t v);
bool xdr_put_bool(struct xdr_out *x, bool v);
/* Fixed-length opaque: len bytes, then zero padding. */
bool xdr_put_fixed(struct xdr_out *x, const void *data, size_t len);
/* Variable-length opaque or string: length word, bytes, zero padding. */
bool xdr_put_opaque(struct xdr_out *x, const void *data, uint32_t len);
bool xdr_put_string(struct xdr_out *x, const char *s);

static inline size_t xdr_out_pos(const struct xdr_out *x)
{
	return x->len;
}
/* Overwrite the word at byte offset pos (which must have been written). */
void xdr_set_u32_at(struct xdr_out *x, size_t pos, uint32_t v);
/* Drop everything after byte offset pos; clears `overflow`. */
void xdr_truncate(struct xdr_out *x, size_t pos);
/* Bytes that may still be appended before the limit. */
static inline size_t xdr_out_room(const struct xdr_out *x)
{
	return x->limit > x->len ? x->limit - x->len : 0;
}

#endif
