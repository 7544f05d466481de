/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lock_range.h - the byte ranges one NFSv4 lock owner holds on one file,
 * kept with POSIX semantics (RFC 8881 §9.2, §18.10.3): setting a range
 * replaces whatever the owner held there (upgrade, downgrade), splits the
 * ranges it cuts and merges touching ranges of the same type, exactly as
 * the kernel does for one open file description.  The server uses this
 * bookkeeping only to name the owner of a conflicting lock, to answer
 * NFS4ERR_LOCKS_HELD and to know what a lock state holds; the host's OFD
 * locks stay the arbiter.  Pure functions: no locking, no system calls.
 */
#ifndef LNFSD_LOCK_RANGE_H
#define LNFSD_LOCK_RANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "xdr/nfs4_prot.h"

/* An inclusive range; end == LOCK_RANGE_EOF reaches the end of any file. */
#define LOCK_RANGE_EOF UINT64_MAX

struct lock_range {
	uint64_t start;
	uint64_t end;
	uint32_t type;          /* READ_LT or WRITE_LT */
};

/* Disjoint ranges sorted by start; {NULL, 0} is empty.  Owned. */
struct lock_ranges {
	struct lock_range *r;
	uint32_t n;
};

/*
 * (offset, length) of LOCK, LOCKT or LOCKU as [*start, *end].
 * RFC 8881 §18.10.3: a zero length, or offset + length beyond 2^64 - 1 with
 * a length other than NFS4_UINT64_MAX, is NFS4ERR_INVAL.  The host's file
 * offsets are signed 64-bit: a range ending at or beyond INT64_MAX is taken
 * to reach the end of the file, and one that starts beyond INT64_MAX, or
 * ends beyond it without reaching 2^64 - 1, is NFS4ERR_BAD_RANGE (the
 * 64-bit analogue of the 32-bit rule in §18.10.3).
 */
nfsstat4 lock_range_from_wire(uint64_t offset, uint64_t length, uint64_t *start, uint64_t *end);
/* The wire length4 of [start, end]: NFS4_UINT64_MAX when it reaches EOF. */
uint64_t lock_range_length(uint64_t start, uint64_t end);
/* READW_LT/WRITEW_LT to READ_LT/WRITE_LT; 0 for a value outside 1..4. */
uint32_t lock_type_plain(uint32_t locktype);

/*
 * *out = in with [start, end] set to `type` (READ_LT or WRITE_LT), or
 * unlocked when type is 0.  `in` is not changed, so the caller can apply
 * *out only once the host agreed.  0, or -ENOMEM (then *out is empty).
 */
int lock_ranges_update(const struct lock_ranges *in, uint64_t start, uint64_t end, uint32_t type,
		       struct lock_ranges *out);
/* The first range of l overlapping [start, end] that conflicts with a new
 * lock of `type`: any range for WRITE_LT, WRITE_LT ranges for READ_LT. */
const struct lock_range *lock_ranges_conflict(const struct lock_ranges *l, uint64_t start,
					      uint64_t end, uint32_t type);
void lock_ranges_free(struct lock_ranges *l);

#endif
