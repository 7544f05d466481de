/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lock_range.c - POSIX byte-range bookkeeping for one lock owner on one file
 * (see lock_range.h).  A new list is built beside the old one so that the
 * caller can keep the old list when the host refuses the lock.
 */
#include <errno.h>
#include <stdlib.h>

#include "server/lock_range.h"

nfsstat4 lock_range_from_wire(uint64_t offset, uint64_t length, uint64_t *start, uint64_t *end)
{
	uint64_t last;

	/* RFC 8881 §18.10.3 */
	if (length == 0)
		return NFS4ERR_INVAL;
	if (length == NFS4_UINT64_MAX) {
		last = LOCK_RANGE_EOF;
	} else {
		if (length > UINT64_MAX - offset)
			return NFS4ERR_INVAL;
		last = offset + length - 1;
	}
	if (offset > (uint64_t)NFS4_INT64_MAX)
		return NFS4ERR_BAD_RANGE;
	if (last >= (uint64_t)NFS4_INT64_MAX) {
		if (last != LOCK_RANGE_EOF && last != (uint64_t)NFS4_INT64_MAX)
			return NFS4ERR_BAD_RANGE;
		last = LOCK_RANGE_EOF; /* the host's "to EOF" is its largest offset */
	}
	*start = offset;
	*end = last;
	return NFS4_OK;
}

uint64_t lock_range_length(uint64_t start, uint64_t end)
{
	return end == LOCK_RANGE_EOF ? NFS4_UINT64_MAX : end - start + 1;
}

uint32_t lock_type_plain(uint32_t locktype)
{
	switch (locktype) {
	case READ_LT:
	case READW_LT:
		return READ_LT;
	case WRITE_LT:
	case WRITEW_LT:
		return WRITE_LT;
	default:
		return 0;
	}
}

static bool overlaps(const struct lock_range *r, uint64_t start, uint64_t end)
{
	return r->start <= end && start <= r->end;
}

static bool touches(const struct lock_range *r, uint64_t start, uint64_t end)
{
	return (r->end != LOCK_RANGE_EOF && r->end + 1 == start) ||
	       (end != LOCK_RANGE_EOF && end + 1 == r->start);
}

static void emit(struct lock_ranges *out, uint64_t start, uint64_t end, uint32_t type)
{
	struct lock_range *r = &out->r[out->n++];

	r->start = start;
	r->end = end;
	r->type = type;
}

int lock_ranges_update(const struct lock_ranges *in, uint64_t start, uint64_t end, uint32_t type,
		       struct lock_ranges *out)
{
	uint64_t ms = start, me = end;

	out->n = 0;
	/* Only the ranges holding start and end can leave two pieces, so
	 * the result has at most two more ranges than the input. */
	out->r = malloc(((size_t)in->n + 2) * sizeof(*out->r));
	if (!out->r)
		return -ENOMEM;
	for (uint32_t i = 0; i < in->n; i++) {
		const struct lock_range *r = &in->r[i];
		bool same = type && r->type == type;

		if (!overlaps(r, start, end) && !(same && touches(r, start, end))) {
			emit(out, r->start, r->end, r->type);
			continue;
		}
		if (same) {
			/* the same type: merge into the new range */
			if (r->start < ms)
				ms = r->start;
			if (r->end > me)
				me = r->end;
			continue;
		}
		/* another type, or an unlock: keep the parts outside */
		if (r->start < start)
			emit(out, r->start, start - 1, r->type);
		if (r->end > end)
			emit(out, end + 1, r->end, r->type);
	}
	if (type)
		emit(out, ms, me, type);
	/* insertion sort by start: the lists are short and nearly sorted */
	for (uint32_t i = 1; i < out->n; i++) {
		struct lock_range t = out->r[i];
		uint32_t j = i;

		while (j > 0 && out->r[j - 1].start > t.start) {
			out->r[j] = out->r[j - 1];
			j--;
		}
		out->r[j] = t;
	}
	if (out->n == 0) {
		free(out->r);
		out->r = NULL;
	}
	return 0;
}

const struct lock_range *lock_ranges_conflict(const struct lock_ranges *l, uint64_t start,
					      uint64_t end, uint32_t type)
{
	for (uint32_t i = 0; i < l->n; i++) {
		const struct lock_range *r = &l->r[i];

		if (r->start > end)
			break;
		if (overlaps(r, start, end) && (type == WRITE_LT || r->type == WRITE_LT))
			return r;
	}
	return NULL;
}

void lock_ranges_free(struct lock_ranges *l)
{
	free(l->r);
	l->r = NULL;
	l->n = 0;
}
