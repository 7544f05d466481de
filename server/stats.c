/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.c - per-operation counters and latency histograms, and per-domain
 * label counters (stats.h).  Updates are relaxed atomic additions: a reader
 * may see a count and its histogram a few samples apart, which is fine for
 * monitoring.  Domains are found by name in a small open-addressing table
 * whose slots are claimed once with a compare-and-swap and never freed, so
 * counters survive reloads and lookups take no lock.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/compound.h"
#include "server/stats.h"

static const uint64_t bucket_bound_us[STATS_NBUCKETS - 1] = STATS_BUCKET_BOUNDS_US;

struct stats *stats_new(void)
{
	return calloc(1, sizeof(struct stats));
}

void stats_free(struct stats *s)
{
	free(s);
}

uint64_t stats_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void add(atomic_uint_fast64_t *a, uint64_t v)
{
	atomic_fetch_add_explicit(a, v, memory_order_relaxed);
}

static uint64_t get(const atomic_uint_fast64_t *a)
{
	return atomic_load_explicit((atomic_uint_fast64_t *)a, memory_order_relaxed);
}

void stats_op(struct stats *s, uint32_t opnum, nfsstat4 status, uint64_t t0)
{
	struct stats_op *o;
	uint64_t ns, us;
	unsigned b;

	if (!s || opnum >= NFS4_OP_MAX)
		return;
	o = &s->op[opnum];
	add(&o->count, 1);
	if (status != NFS4_OK)
		add(&o->errors, 1);
	if (!t0)
		return;
	ns = stats_now_ns() - t0;
	us = ns / 1000;
	for (b = 0; b < STATS_NBUCKETS - 1 && us > bucket_bound_us[b]; b++)
		;
	add(&o->ns_sum, ns);
	add(&o->bucket[b], 1);
}

static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/* The domain's slot, claimed if new; NULL when the table is full. */
static struct stats_domain *domain_slot(struct stats *s, const char *name)
{
	uint32_t h = name_hash(name);

	if (strlen(name) > STATS_DOMAIN_NAME_MAX)
		return NULL;
	for (unsigned i = 0; i < STATS_MAX_DOMAINS; i++) {
		struct stats_domain *d = &s->dom[(h + i) % STATS_MAX_DOMAINS];
		int st = atomic_load_explicit(&d->state, memory_order_acquire);

		if (st == 0) {
			int zero = 0;

			if (atomic_compare_exchange_strong(&d->state, &zero, 1)) {
				strcpy(d->name, name);
				atomic_store_explicit(&d->state, 2, memory_order_release);
				return d;
			}
			st = zero;
		}
		/* another thread is writing this slot's name: a few spins */
		while (st == 1)
			st = atomic_load_explicit(&d->state, memory_order_acquire);
		if (!strcmp(d->name, name))
			return d;
	}
	return NULL;
}

void stats_label(struct stats *s, const char *domain, enum stats_label_event ev)
{
	struct stats_domain *d;

	if (!s || !domain || ev >= STATS_LABEL_NEVENTS)
		return;
	d = domain_slot(s, domain);
	if (d)
		add(&d->n[ev], 1);
}

uint64_t stats_percentile_us(const struct stats_op *o, unsigned p, bool *open_ended)
{
	uint64_t n[STATS_NBUCKETS], total = 0, rank, seen = 0;
	unsigned b;

	*open_ended = false;
	for (b = 0; b < STATS_NBUCKETS; b++) {
		n[b] = get(&o->bucket[b]);
		total += n[b];
	}
	if (!total)
		return 0;
	/* the smallest bucket holding at least p% of the samples */
	rank = (total * p + 99) / 100;
	for (b = 0; b < STATS_NBUCKETS - 1; b++) {
		seen += n[b];
		if (seen >= rank)
			return bucket_bound_us[b];
	}
	*open_ended = true;
	return bucket_bound_us[STATS_NBUCKETS - 2];
}

static const char *const label_event_name[STATS_LABEL_NEVENTS] = {
	"reads", "writes", "denied", "rejected",
};
static const char *const label_event_help[STATS_LABEL_NEVENTS] = {
	"Labels read by clients",
	"Labels stored by clients",
	"Label reads and writes refused with NFS4ERR_ACCESS",
	"Labels refused with NFS4ERR_BADLABEL",
};

static void fmt_pct(char *buf, size_t len, const struct stats_op *o, unsigned p)
{
	bool open;
	uint64_t us = stats_percentile_us(o, p, &open);

	snprintf(buf, len, "%s%" PRIu64, open ? ">" : "<=", us);
}

void stats_write_text(const struct stats *s, FILE *f)
{
	uint64_t count, timed;
	unsigned op, b, i;

	fprintf(f, "%-22s %10s %8s %10s %10s %10s %10s\n", "op", "count", "errors", "mean_us",
		"p50_us", "p90_us", "p99_us");
	for (op = 0; op < NFS4_OP_MAX; op++) {
		const struct stats_op *o = &s->op[op];
		char p50[24], p90[24], p99[24];

		count = get(&o->count);
		if (!count)
			continue;
		for (timed = 0, b = 0; b < STATS_NBUCKETS; b++)
			timed += get(&o->bucket[b]);
		fmt_pct(p50, sizeof(p50), o, 50);
		fmt_pct(p90, sizeof(p90), o, 90);
		fmt_pct(p99, sizeof(p99), o, 99);
		fprintf(f, "%-22s %10" PRIu64 " %8" PRIu64 " %10" PRIu64 " %10s %10s %10s\n",
			nfs4_optab[op].name ? nfs4_optab[op].name : "?", count, get(&o->errors),
			timed ? get(&o->ns_sum) / timed / 1000 : 0, timed ? p50 : "-",
			timed ? p90 : "-", timed ? p99 : "-");
	}
	fprintf(f, "%-22s %10s %10s %10s %10s\n", "label-domain", "reads", "writes", "denied",
		"rejected");
	for (i = 0; i < STATS_MAX_DOMAINS; i++) {
		const struct stats_domain *d = &s->dom[i];

		if (atomic_load_explicit((atomic_int *)&d->state, memory_order_acquire) != 2)
			continue;
		fprintf(f, "%-22s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
			d->name, get(&d->n[0]), get(&d->n[1]), get(&d->n[2]), get(&d->n[3]));
	}
}

void stats_write_prometheus(const struct stats *s, FILE *f)
{
	unsigned op, b, i, ev;

	fprintf(f, "# HELP lnfsd_op_total NFSv4 operations answered.\n"
		   "# TYPE lnfsd_op_total counter\n");
	for (op = 0; op < NFS4_OP_MAX; op++)
		if (get(&s->op[op].count))
			fprintf(f, "lnfsd_op_total{op=\"%s\"} %" PRIu64 "\n", nfs4_optab[op].name,
				get(&s->op[op].count));
	fprintf(f, "# HELP lnfsd_op_errors_total NFSv4 operations answered with an error status.\n"
		   "# TYPE lnfsd_op_errors_total counter\n");
	for (op = 0; op < NFS4_OP_MAX; op++)
		if (get(&s->op[op].count))
			fprintf(f, "lnfsd_op_errors_total{op=\"%s\"} %" PRIu64 "\n",
				nfs4_optab[op].name, get(&s->op[op].errors));
	fprintf(f, "# HELP lnfsd_op_duration_seconds Time spent in operation handlers.\n"
		   "# TYPE lnfsd_op_duration_seconds histogram\n");
	for (op = 0; op < NFS4_OP_MAX; op++) {
		const struct stats_op *o = &s->op[op];
		uint64_t cum = 0;

		if (!get(&o->count))
			continue;
		for (b = 0; b < STATS_NBUCKETS; b++) {
			cum += get(&o->bucket[b]);
			if (b < STATS_NBUCKETS - 1)
				fprintf(f, "lnfsd_op_duration_seconds_bucket{op=\"%s\",le=\"%g\"} %"
					PRIu64 "\n", nfs4_optab[op].name,
					(double)bucket_bound_us[b] / 1e6, cum);
			else
				fprintf(f, "lnfsd_op_duration_seconds_bucket{op=\"%s\",le=\"+Inf\"} %"
					PRIu64 "\n", nfs4_optab[op].name, cum);
		}
		fprintf(f, "lnfsd_op_duration_seconds_sum{op=\"%s\"} %.9f\n", nfs4_optab[op].name,
			(double)get(&o->ns_sum) / 1e9);
		fprintf(f, "lnfsd_op_duration_seconds_count{op=\"%s\"} %" PRIu64 "\n",
			nfs4_optab[op].name, cum);
	}
	for (ev = 0; ev < STATS_LABEL_NEVENTS; ev++) {
		fprintf(f, "# HELP lnfsd_label_%s_total %s, per label domain.\n"
			   "# TYPE lnfsd_label_%s_total counter\n",
			label_event_name[ev], label_event_help[ev], label_event_name[ev]);
		for (i = 0; i < STATS_MAX_DOMAINS; i++) {
			const struct stats_domain *d = &s->dom[i];

			if (atomic_load_explicit((atomic_int *)&d->state, memory_order_acquire) != 2)
				continue;
			fprintf(f, "lnfsd_label_%s_total{domain=\"%s\"} %" PRIu64 "\n",
				label_event_name[ev], d->name, get(&d->n[ev]));
		}
	}
}
