/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.h - the server's operational counters: per NFSv4 operation a call
 * count, an error count and a latency histogram with fixed buckets; per
 * label domain the labels read, written, denied and rejected.  Workers
 * update them with relaxed atomics and no lock; the control socket and the
 * metrics listener (ctl.c) read them.  One struct stats hangs off struct
 * srv (srv.stats); every function accepts a NULL stats and then does
 * nothing, so in-process tests need not create one.
 */
#ifndef LNFSD_STATS_H
#define LNFSD_STATS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xdr/nfs4_prot.h"

/* Upper bounds of the latency buckets, in microseconds; a last bucket
 * holds everything slower. */
#define STATS_BUCKET_BOUNDS_US \
	{ 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, \
	  100000, 250000, 1000000 }
#define STATS_NBUCKETS 16
#define STATS_MAX_DOMAINS 256	/* CFG_MAX_DOMAINS; names kept across reloads */
#define STATS_DOMAIN_NAME_MAX 32

struct stats_op {
	atomic_uint_fast64_t count;
	atomic_uint_fast64_t errors;	/* any status other than NFS4_OK */
	atomic_uint_fast64_t ns_sum;	/* handler time, nanoseconds */
	atomic_uint_fast64_t bucket[STATS_NBUCKETS];
};

enum stats_label_event {
	STATS_LABEL_READ = 0,	/* GETATTR of sec_label answered */
	STATS_LABEL_WRITE,	/* a label stored */
	STATS_LABEL_DENIED,	/* NFS4ERR_ACCESS: read-only domain, unmapped = deny */
	STATS_LABEL_REJECTED,	/* NFS4ERR_BADLABEL: LFS/PI, length, format, policy */
	STATS_LABEL_NEVENTS
};

struct stats_domain {
	atomic_int state;	/* 0 free, 1 being claimed, 2 name valid */
	char name[STATS_DOMAIN_NAME_MAX + 1];
	atomic_uint_fast64_t n[STATS_LABEL_NEVENTS];
};

struct stats {
	struct stats_op op[NFS4_OP_MAX];
	struct stats_domain dom[STATS_MAX_DOMAINS];
};

/* calloc'ed, all zero; NULL when out of memory. */
struct stats *stats_new(void);
void stats_free(struct stats *s);

/* A monotonic time stamp in nanoseconds, for stats_op(). */
uint64_t stats_now_ns(void);
/* One operation opnum answered status; t0 is stats_now_ns() taken before
 * its handler ran, or 0 when no handler ran (then no latency is kept). */
void stats_op(struct stats *s, uint32_t opnum, nfsstat4 status, uint64_t t0);
/* One label event in the named domain. */
void stats_label(struct stats *s, const char *domain, enum stats_label_event ev);

/*
 * The p-th percentile (0 < p < 100) of an op's latency in microseconds, as
 * the upper bound of the bucket holding it (the slowest bucket reports its
 * lower bound, marked by *open_ended); 0 when the op has no samples.
 */
uint64_t stats_percentile_us(const struct stats_op *o, unsigned p, bool *open_ended);

/* The text of "lnfsctl stats": one line per used op, then per domain. */
void stats_write_text(const struct stats *s, FILE *f);
/* The same counters in the Prometheus text exposition format (0.0.4). */
void stats_write_prometheus(const struct stats *s, FILE *f);

#endif
