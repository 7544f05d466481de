/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdr.c - bounds-checked XDR primitives (RFC 4506 §4).  Decoders never read
 * past xdr_in.end and never allocate; encoders never grow past xdr_out.limit.
 */
#include "xdr/xdr.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

bool xdr_get_u32(struct xdr_in *x, uint32_t *v)
{
	uint32_t be;

	if (xdr_in_left(x) < 4)
		return false;
	memcpy(&be, x->p, 4);
	*v = be32toh(be);
	x->p += 4;
	return true;
}

bool xdr_get_i32(struct xdr_in *x, int32_t *v)
{
	uint32_t u;

	if (!xdr_get_u32(x, &u))
		return false;
	*v = (int32_t)u;
	return true;
}

bool xdr_get_u64(struct xdr_in *x, uint64_t *v)
{
	uint64_t be;

	if (xdr_in_left(x) < 8)
		return false;
	memcpy(&be, x->p, 8);
	*v = be64toh(be);
	x->p += 8;
	return true;
}

bool xdr_get_i64(struct xdr_in *x, int64_t *v)
{
	uint64_t u;

	if (!xdr_get_u64(x, &u))
		return false;
	*v = (int64_t)u;
	return true;
}

bool xdr_get_bool(struct xdr_in *x, bool *v)
{
	const uint8_t *save = x->p;
	uint32_t u;

	if (!xdr_get_u32(x, &u))
		return false;
	if (u > 1) {
		x->p = save;
		return false;
	}
	*v = u == 1;
	return true;
}

bool xdr_get_fixed_view(struct xdr_in *x, size_t len, struct xdr_view *v)
{
	size_t padded = XDR_PAD(len);

	if (len > UINT32_MAX || padded < len || xdr_in_left(x) < padded)
		return false;
	v->data = x->p;
	v->len = (uint32_t)len;
	x->p += padded;
	return true;
}

bool xdr_get_fixed(struct xdr_in *x, void *dst, size_t len)
{
	struct xdr_view v;

	if (!xdr_get_fixed_view(x, len, &v))
		return false;
	if (len)
		memcpy(dst, v.data, len);
	return true;
}

bool xdr_get_opaque(struct xdr_in *x, uint32_t maxlen, struct xdr_view *v)
{
	const uint8_t *save = x->p;
	uint32_t len;

	if (!xdr_get_u32(x, &len))
		return false;
	if (len > maxlen || !xdr_get_fixed_view(x, len, v)) {
		x->p = save;
		return false;
	}
	return true;
}

bool xdr_skip(struct xdr_in *x, size_t len)
{
	size_t padded = XDR_PAD(len);

	if (padded < len || xdr_in_left(x) < padded)
		return false;
	x->p += padded;
	return true;
}

void xdr_out_init(struct xdr_out *x, size_t limit)
{
	x->buf = NULL;
	x->len = 0;
	x->cap = 0;
	x->limit = limit;
	x->overflow = false;
}

void xdr_out_release(struct xdr_out *x)
{
	free(x->buf);
	xdr_out_init(x, x->limit);
}

uint8_t *xdr_out_steal(struct xdr_out *x, size_t *len)
{
	uint8_t *b = x->buf;

	*len = x->len;
	x->buf = NULL;
	x->len = 0;
	x->cap = 0;
	x->overflow = false;
	return b;
}

uint8_t *xdr_reserve(struct xdr_out *x, size_t n)
{
	uint8_t *p;

	if (x->overflow)
		return NULL;
	if (n > x->limit || x->len > x->limit - n) {
		x->overflow = true;
		return NULL;
	}
	if (x->len + n > x->cap) {
		size_t cap = x->cap ? x->cap : 1024;
		uint8_t *nb;

		while (cap < x->len + n)
			cap *= 2;
		if (cap > x->limit)
			cap = x->limit;
		nb = realloc(x->buf, cap);
		if (!nb) {
			x->overflow = true;
			return NULL;
		}
		x->buf = nb;
		x->cap = cap;
	}
	p = x->buf + x->len;
	x->len += n;
	return p;
}

bool xdr_put_u32(struct xdr_out *x, uint32_t v)
{
	uint8_t *p = xdr_reserve(x, 4);
	uint32_t be = htobe32(v);

	if (!p)
		return false;
	memcpy(p, &be, 4);
	return true;
}

bool xdr_put_i32(struct xdr_out *x, int32_t v)
{
	return xdr_put_u32(x, (uint32_t)v);
}

bool xdr_put_u64(struct xdr_out *x, uint64_t v)
{
	uint8_t *p = xdr_reserve(x, 8);
	uint64_t be = htobe64(v);

	if (!p)
		return false;
	memcpy(p, &be, 8);
	return true;
}

bool xdr_put_i64(struct xdr_out *x, int64_t v)
{
	return xdr_put_u64(x, (uint64_t)v);
}

bool xdr_put_bool(struct xdr_out *x, bool v)
{
	return xdr_put_u32(x, v ? 1 : 0);
}

bool xdr_put_fixed(struct xdr_out *x, const void *data, size_t len)
{
	size_t padded = XDR_PAD(len);
	uint8_t *p = xdr_reserve(x, padded);

	if (!p)
		return false;
	if (len)
		memcpy(p, data, len);
	memset(p + len, 0, padded - len);
	return true;
}

bool xdr_put_opaque(struct xdr_out *x, const void *data, uint32_t len)
{
	return xdr_put_u32(x, len) && xdr_put_fixed(x, data, len);
}

bool xdr_put_string(struct xdr_out *x, const char *s)
{
	size_t n = strlen(s);

	if (n > UINT32_MAX) {
		x->overflow = true;
		return false;
	}
	return xdr_put_opaque(x, s, (uint32_t)n);
}

void xdr_set_u32_at(struct xdr_out *x, size_t pos, uint32_t v)
{
	uint32_t be = htobe32(v);

	if (pos + 4 <= x->len)
		memcpy(x->buf + pos, &be, 4);
}

void xdr_truncate(struct xdr_out *x, size_t pos)
{
	if (pos < x->len)
		x->len = pos;
	x->overflow = false;
}
