/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfsbench.c - an NFSv4.1/4.2 load generator on the project's client
 * library (tests/lib): several sessions, each on its own connection and
 * thread, each keeping DEPTH compounds in flight on its slots.  The same
 * binary measures lnfsd and nfs-ganesha, so both see the same client.
 *
 * Usage: nfsbench -s HOST -p PORT -e EXPORT -t TEST [-c SESSIONS] [-d DEPTH]
 *                 [-n COUNT] [-T SECONDS] [-m MINOR] [-S BYTES] [-P PID]
 * Tests (EXPORT is the server path of an empty, writable export):
 *   getattr        PUTFH + GETATTR of one file (no label)
 *   getattr-label  the same with sec_label requested (minor 2)
 *   setattr-label  PUTFH + SETATTR of sec_label (minor 2)
 *   open-close     PUTFH + OPEN(name) + GETFH, then PUTFH + CLOSE
 *   create         PUTFH + OPEN(create) + WRITE 4 KiB + CLOSE, COUNT files
 *   readdir        full READDIR listings of a COUNT-entry directory
 *   write          sequential 1 MiB UNSTABLE WRITEs of a BYTES file + COMMIT
 *   read           sequential 1 MiB READs of that file
 *   sessions       COUNT (default 1000) idle clients, each with its own
 *                  connection and a session of DEPTH slots that has done one
 *                  PUTROOTFH + GETATTR; the server's RSS (-P PID, read from
 *                  /proc/PID/status) before and after gives KiB per session
 *   null           RPC NULL
 * Prints one line: "TEST ops N seconds S rate R UNIT" (UNIT ops/s or MB/s;
 * for readdir, entries/s; for sessions, KiB/session followed by the RSS
 * figures).  Exit status 0 only if every reply was NFS4_OK.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tests/lib/nfs4_client.h"

#define IO_SIZE (1024u * 1024u)

struct bench {
	const char *host, *port, *export, *test;
	unsigned sessions, depth;
	uint64_t count;       /* files / entries / requests; 0 = by time */
	double seconds;
	uint32_t minor;
	uint64_t bytes;       /* write/read file size */

	struct nfs4_fh dir;   /* the export's directory */
	struct nfs4_fh file;  /* the test file */
	atomic_uint_fast64_t next;   /* next work item (shared by sessions) */
	atomic_uint_fast64_t done;   /* completed operations */
	atomic_uint_fast64_t units;  /* bytes or entries */
	atomic_uint_fast64_t errors;
	double deadline;
	uint8_t *data;        /* write payload */
};

struct worker;

/* One request in flight and what to do when it completes. */
struct req {
	struct worker *w;
	int stage;
	uint64_t item;
	struct nfs4_fh fh;
	struct nfs4_stateid sid;
	struct nfs4_call *call;
	bool busy;
	char owner[32];       /* its own open owner: opens never share state */
};

struct worker {
	struct bench *b;
	struct nfs4_client *cl;
	struct req *reqs;
	pthread_t thread;
	int rc;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "nfsbench: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static struct nfs4_client *connect_client(struct bench *b, unsigned idx)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl;
	char owner[64];
	int r;

	nfs4_client_opts_init(&o);
	o.host = b->host;
	o.port = b->port;
	o.minor = b->minor;
	o.uid = 0;
	o.gid = 0;
	snprintf(owner, sizeof(owner), "nfsbench-%d-%u-%ld", (int)getpid(), idx, (long)time(NULL));
	o.owner = owner;
	o.fore.maxrequests = b->depth < 16 ? 16 : b->depth;
	o.fore.maxrequestsize = IO_SIZE + 64 * 1024;
	o.fore.maxresponsesize = IO_SIZE + 64 * 1024;
	if (nfs4_client_connect(&o, &cl) != 0)
		die("connect %s:%s failed", b->host, b->port);
	r = nfs4_client_setup(cl);
	if (r != 0)
		die("session setup failed: %s", nfs4_client_error(cl));
	return cl;
}

static void label_bitmap(struct nfs4_bitmap *bm, bool label)
{
	nfs4_bitmap_clear(bm);
	nfs4_bitmap_set(bm, FATTR4_TYPE);
	nfs4_bitmap_set(bm, FATTR4_CHANGE);
	nfs4_bitmap_set(bm, FATTR4_SIZE);
	nfs4_bitmap_set(bm, FATTR4_FSID);
	nfs4_bitmap_set(bm, FATTR4_FILEID);
	nfs4_bitmap_set(bm, FATTR4_MODE);
	nfs4_bitmap_set(bm, FATTR4_NUMLINKS);
	nfs4_bitmap_set(bm, FATTR4_OWNER);
	nfs4_bitmap_set(bm, FATTR4_OWNER_GROUP);
	nfs4_bitmap_set(bm, FATTR4_SPACE_USED);
	nfs4_bitmap_set(bm, FATTR4_TIME_ACCESS);
	nfs4_bitmap_set(bm, FATTR4_TIME_METADATA);
	nfs4_bitmap_set(bm, FATTR4_TIME_MODIFY);
	if (label)
		nfs4_bitmap_set(bm, FATTR4_SEC_LABEL);
}

static void open_args(struct bench *b, struct nfs4_client *cl, struct nfs4_open_args *oa,
		      const char *name, uint32_t access, bool create, const char *owner)
{
	memset(oa, 0, sizeof(*oa));
	oa->share_access = access | OPEN4_SHARE_ACCESS_WANT_NO_DELEG;
	oa->share_deny = OPEN4_SHARE_DENY_NONE;
	oa->clientid = nfs4_client_clientid(cl);
	oa->owner = owner;
	oa->owner_len = (uint32_t)strlen(owner);
	oa->claim = CLAIM_NULL;
	oa->name = name;
	oa->create = create;
	oa->createmode = UNCHECKED4;
}

/* The current stateid (RFC 8881 §16.2.3.1.2): seqid 1, other all zero. */
static const struct nfs4_stateid current_sid = { .seqid = 1 };
static const struct nfs4_stateid anon_sid;

static void on_done(struct nfs4_call *call, void *arg);

/* Build and submit the next compound for r; false when there is no work. */
static bool submit(struct req *r)
{
	struct worker *w = r->w;
	struct bench *b = w->b;
	struct nfs4_compound c;
	struct nfs4_bitmap bm;
	struct nfs4_open_args oa;
	struct nfs4_setattrs sa;
	char name[64];
	static const char *const labels[2] = { "system_u:object_r:httpd_sys_content_t:s0",
					       "system_u:object_r:public_content_t:s0" };
	int rc;

	if (r->stage == 0) {
		if (now() > b->deadline)
			return false;
		r->item = atomic_fetch_add(&b->next, 1);
		if (b->count && r->item >= b->count)
			return false;
	}
	nfs4_compound_init(&c);
	if (!strcmp(b->test, "getattr") || !strcmp(b->test, "getattr-label")) {
		label_bitmap(&bm, !strcmp(b->test, "getattr-label"));
		nfs4_op_putfh(&c, &b->file);
		nfs4_op_getattr(&c, &bm);
	} else if (!strcmp(b->test, "setattr-label")) {
		memset(&sa, 0, sizeof(sa));
		nfs4_bitmap_set(&sa.mask, FATTR4_SEC_LABEL);
		sa.label = labels[r->item & 1];
		sa.label_len = (uint32_t)strlen(labels[r->item & 1]);
		nfs4_op_putfh(&c, &b->file);
		nfs4_op_setattr(&c, &anon_sid, &sa);
	} else if (!strcmp(b->test, "open-close")) {
		if (r->stage == 0) {
			open_args(b, w->cl, &oa, "target", OPEN4_SHARE_ACCESS_READ, false, r->owner);
			nfs4_op_putfh(&c, &b->dir);
			nfs4_op_open(&c, &oa);
			nfs4_op_getfh(&c);
		} else {
			nfs4_op_putfh(&c, &r->fh);
			nfs4_op_close(&c, &r->sid);
		}
	} else if (!strcmp(b->test, "create")) {
		snprintf(name, sizeof(name), "f%" PRIu64, r->item);
		open_args(b, w->cl, &oa, name, OPEN4_SHARE_ACCESS_WRITE, true, r->owner);
		nfs4_op_putfh(&c, &b->dir);
		nfs4_op_open(&c, &oa);
		nfs4_op_write(&c, &current_sid, 0, UNSTABLE4, b->data, 4096);
		nfs4_op_close(&c, &current_sid);
	} else if (!strcmp(b->test, "readdir")) {
		static const uint8_t verf[NFS4_VERIFIER_SIZE];

		label_bitmap(&bm, false);
		nfs4_op_putfh(&c, &b->dir);
		nfs4_op_readdir(&c, r->stage == 0 ? 0 : r->item, verf, 32768, 65536, &bm);
	} else if (!strcmp(b->test, "write")) {
		uint64_t off = r->item * IO_SIZE;

		if (off >= b->bytes) {
			nfs4_compound_release(&c);
			return false;
		}
		nfs4_op_putfh(&c, &b->file);
		nfs4_op_write(&c, &anon_sid, off, UNSTABLE4, b->data, IO_SIZE);
	} else if (!strcmp(b->test, "read")) {
		uint64_t off = r->item * IO_SIZE;

		if (off >= b->bytes) {
			nfs4_compound_release(&c);
			return false;
		}
		nfs4_op_putfh(&c, &b->file);
		nfs4_op_read(&c, &anon_sid, off, IO_SIZE);
	} else {
		die("unknown test %s", b->test);
	}
	rc = nfs4_submit(w->cl, &c, on_done, r, &r->call);
	nfs4_compound_release(&c);
	if (rc != 0)
		die("submit failed: %s", nfs4_client_error(w->cl));
	r->busy = true;
	return true;
}

static void on_done(struct nfs4_call *call, void *arg)
{
	struct req *r = arg;
	struct bench *b = r->w->b;
	const struct nfs4_op_res *op;
	bool ok = call->error == 0 && call->parsed && call->res.status == NFS4_OK;

	r->busy = false;
	if (!ok) {
		if (atomic_fetch_add(&b->errors, 1) < 5) {
			const struct nfs4_op_res *f = nfs4_call_failed_op(call);

			fprintf(stderr, "nfsbench: %s: %s failed: %s\n", b->test,
				f ? nfs4_op_name(f->op) : "call",
				f ? nfs4_stat_name(f->status) : strerror(-call->error));
		}
		r->stage = 0;
		goto out;
	}
	if (!strcmp(b->test, "open-close") && r->stage == 0) {
		r->sid = nfs4_call_op(call, 1)->u.open.stateid;
		op = nfs4_call_op(call, 2);
		r->fh = op->u.getfh;
		r->stage = 1;
		goto out;
	}
	if (!strcmp(b->test, "readdir")) {
		op = nfs4_call_op(call, 1);
		atomic_fetch_add(&b->units, op->u.readdir.count);
		if (!op->u.readdir.eof && op->u.readdir.count) {
			r->item = op->u.readdir.entries[op->u.readdir.count - 1].cookie;
			r->stage = 1;
			goto out;
		}
	}
	if (!strcmp(b->test, "write"))
		atomic_fetch_add(&b->units, IO_SIZE);
	if (!strcmp(b->test, "read")) {
		op = nfs4_call_op(call, 1);
		atomic_fetch_add(&b->units, op->u.read.data.len);
	}
	r->stage = 0;
	atomic_fetch_add(&b->done, 1);
out:
	nfs4_call_free(call);
	r->call = NULL;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct bench *b = w->b;
	unsigned i, busy;

	for (;;) {
		busy = 0;
		for (i = 0; i < b->depth; i++) {
			struct req *r = &w->reqs[i];

			if (!r->busy && !submit(r) && r->stage == 0)
				continue;
			busy++;
		}
		if (!busy)
			break;
		if (nfs4_poll(w->cl, 1000) < 0) {
			w->rc = 1;
			fprintf(stderr, "nfsbench: connection lost: %s\n", nfs4_client_error(w->cl));
			break;
		}
	}
	return NULL;
}

/* Synchronous helpers for the set-up phase. */
static void sync_call(struct nfs4_client *cl, struct nfs4_compound *c, struct nfs4_call **call,
		      const char *what)
{
	if (nfs4_call_sync(cl, c, call) != 0 || (*call)->res.status != NFS4_OK) {
		const struct nfs4_op_res *f = *call ? nfs4_call_failed_op(*call) : NULL;

		die("%s: %s %s", what, f ? nfs4_op_name(f->op) : "call",
		    f ? nfs4_stat_name(f->status) : nfs4_client_error(cl));
	}
}

/* Create (or truncate) `name` in the export with `size` bytes written by
 * the set-up client; returns its handle. */
static void make_file(struct bench *b, struct nfs4_client *cl, const char *name, uint64_t size,
		      struct nfs4_fh *fh)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_open_args oa;
	struct nfs4_setattrs sa;
	struct nfs4_stateid sid;
	uint64_t off;

	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_set(&sa.mask, FATTR4_SIZE);
	sa.size = 0;
	open_args(b, cl, &oa, name, OPEN4_SHARE_ACCESS_BOTH, true, "nfsbench-setup");
	oa.attrs = &sa;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &b->dir);
	nfs4_op_open(&c, &oa);
	nfs4_op_getfh(&c);
	sync_call(cl, &c, &call, "create test file");
	sid = nfs4_call_op(call, 1)->u.open.stateid;
	*fh = nfs4_call_op(call, 2)->u.getfh;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	for (off = 0; off < size; off += IO_SIZE) {
		uint32_t n = size - off < IO_SIZE ? (uint32_t)(size - off) : IO_SIZE;

		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, fh);
		nfs4_op_write(&c, &sid, off, UNSTABLE4, b->data, n);
		sync_call(cl, &c, &call, "fill test file");
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_commit(&c, 0, 0);
	nfs4_op_close(&c, &sid);
	sync_call(cl, &c, &call, "close test file");
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void setup(struct bench *b, struct nfs4_client *cl)
{
	uint32_t failed;
	char name[32];
	uint64_t i;

	if (nfs4_lookup_path(cl, b->export, &b->dir, &failed) != 0)
		die("cannot look up %s: %s", b->export, nfs4_client_error(cl));
	if (!strcmp(b->test, "read") || !strcmp(b->test, "write")) {
		make_file(b, cl, "seqfile", !strcmp(b->test, "read") ? b->bytes : 0, &b->file);
	} else if (!strcmp(b->test, "readdir")) {
		struct nfs4_compound c;
		struct nfs4_call *call;
		struct nfs4_fh sub;

		/* a subdirectory of COUNT empty files, made once */
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &b->dir);
		nfs4_op_lookup(&c, "bigdir");
		nfs4_op_getfh(&c);
		if (nfs4_call_sync(cl, &c, &call) == 0 && call->res.status == NFS4_OK) {
			b->dir = nfs4_call_op(call, 2)->u.getfh;
			nfs4_call_free(call);
			nfs4_compound_release(&c);
			return;
		}
		nfs4_call_free(call);
		nfs4_compound_release(&c);
		{
			struct nfs4_create_args ca;

			memset(&ca, 0, sizeof(ca));
			ca.type = NF4DIR;
			ca.name = "bigdir";
			nfs4_compound_init(&c);
			nfs4_op_putfh(&c, &b->dir);
			nfs4_op_create(&c, &ca);
			nfs4_op_getfh(&c);
			sync_call(cl, &c, &call, "mkdir bigdir");
			sub = nfs4_call_op(call, 2)->u.getfh;
			nfs4_call_free(call);
			nfs4_compound_release(&c);
		}
		b->dir = sub;
		for (i = 0; i < b->count; i++) {
			struct nfs4_open_args oa;

			snprintf(name, sizeof(name), "e%06" PRIu64, i);
			open_args(b, cl, &oa, name, OPEN4_SHARE_ACCESS_WRITE, true, "nfsbench-setup");
			nfs4_compound_init(&c);
			nfs4_op_putfh(&c, &b->dir);
			nfs4_op_open(&c, &oa);
			nfs4_op_close(&c, &current_sid);
			sync_call(cl, &c, &call, "populate bigdir");
			nfs4_call_free(call);
			nfs4_compound_release(&c);
		}
	} else if (strcmp(b->test, "create") != 0 && strcmp(b->test, "null") != 0) {
		make_file(b, cl, "target", 4096, &b->file);
	}
}

/* VmRSS of process pid in KiB, or -1. */
static long rss_kib(int pid)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* The sessions test: many idle clients; memory the server spends on each. */
static int run_sessions(struct bench *b, int pid)
{
	struct nfs4_client **cls;
	struct nfs4_bitmap bm;
	uint64_t n = b->count ? b->count : 1000, i, opened = 0;
	long before, after, closed;
	double t0, t1;
	int rc = 0;

	if (pid <= 0)
		die("sessions: -P PID (the server's) is required");
	cls = calloc(n, sizeof(*cls));
	if (!cls)
		die("out of memory");
	nfs4_bitmap_clear(&bm);
	nfs4_bitmap_set(&bm, FATTR4_TYPE);
	nfs4_bitmap_set(&bm, FATTR4_CHANGE);
	nfs4_bitmap_set(&bm, FATTR4_FILEID);
	usleep(200000);
	before = rss_kib(pid);
	t0 = now();
	for (i = 0; i < n; i++) {
		struct nfs4_compound c;
		struct nfs4_call *call = NULL;

		cls[i] = connect_client(b, (unsigned)(i + 1));
		opened++;
		nfs4_compound_init(&c);
		nfs4_op_putrootfh(&c);
		nfs4_op_getattr(&c, &bm);
		if (nfs4_call_sync(cls[i], &c, &call) != 0 || call->res.status != NFS4_OK) {
			atomic_fetch_add(&b->errors, 1);
			rc = 1;
		}
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	t1 = now();
	usleep(200000);
	after = rss_kib(pid);
	for (i = 0; i < opened; i++) {
		nfs4_client_teardown(cls[i]);
		nfs4_client_free(cls[i]);
	}
	usleep(500000);
	closed = rss_kib(pid);
	free(cls);
	printf("sessions ops %" PRIu64 " seconds %.3f rate %.1f KiB/session errors %" PRIu64
	       " rss_before_kib %ld rss_after_kib %ld rss_after_close_kib %ld\n",
	       opened, t1 - t0, opened ? (double)(after - before) / (double)opened : 0.0,
	       (uint64_t)b->errors, before, after, closed);
	return rc || before < 0 || after < 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: nfsbench -s HOST -p PORT -e EXPORT -t TEST [-c SESSIONS] [-d DEPTH]\n"
			"                [-n COUNT] [-T SECONDS] [-m MINOR] [-S BYTES] [-P PID]\n"
			"tests: getattr getattr-label setattr-label open-close create readdir write read\n"
			"       sessions null\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench b;
	struct worker *w;
	struct nfs4_client *setup_cl;
	double t0, t1, rate;
	const char *unit = "ops/s";
	unsigned i, j;
	int ch, rc = 0, pid = 0;
	struct rlimit rl;

	memset(&b, 0, sizeof(b));
	b.port = "2049";
	b.sessions = 2;
	b.depth = 16;
	b.seconds = 5;
	b.minor = 2;
	b.bytes = 256ull * 1024 * 1024;
	while ((ch = getopt(argc, argv, "s:p:e:t:c:d:n:T:m:S:P:")) != -1) {
		switch (ch) {
		case 's': b.host = optarg; break;
		case 'p': b.port = optarg; break;
		case 'e': b.export = optarg; break;
		case 't': b.test = optarg; break;
		case 'c': b.sessions = (unsigned)atoi(optarg); break;
		case 'd': b.depth = (unsigned)atoi(optarg); break;
		case 'n': b.count = strtoull(optarg, NULL, 0); break;
		case 'T': b.seconds = atof(optarg); break;
		case 'm': b.minor = (uint32_t)atoi(optarg); break;
		case 'S': b.bytes = strtoull(optarg, NULL, 0); break;
		case 'P': pid = atoi(optarg); break;
		default: usage();
		}
	}
	if (!b.host || !b.export || !b.test || !b.sessions || !b.depth || b.depth > 64)
		usage();
	b.data = malloc(IO_SIZE);
	if (!b.data)
		die("out of memory");
	for (i = 0; i < IO_SIZE; i++)
		b.data[i] = (uint8_t)(i * 131 + 7);

	/* one descriptor per session */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	setup_cl = connect_client(&b, 0);
	if (!strcmp(b.test, "sessions")) {
		rc = run_sessions(&b, pid);
		nfs4_client_teardown(setup_cl);
		nfs4_client_free(setup_cl);
		free(b.data);
		return rc ? 1 : 0;
	}
	if (strcmp(b.test, "null") != 0)
		setup(&b, setup_cl);
	if (!strcmp(b.test, "readdir")) {
		b.count = 0; /* listings by time; each counts once */
		unit = "entries/s";
	}
	if (!strcmp(b.test, "write") || !strcmp(b.test, "read")) {
		b.sessions = 1; /* one sequential stream */
		unit = "MB/s";
	}

	w = calloc(b.sessions, sizeof(*w));
	if (!w)
		die("out of memory");
	for (i = 0; i < b.sessions; i++) {
		w[i].b = &b;
		w[i].cl = connect_client(&b, i + 1);
		w[i].reqs = calloc(b.depth, sizeof(*w[i].reqs));
		if (!w[i].reqs)
			die("out of memory");
		for (j = 0; j < b.depth; j++) {
			w[i].reqs[j].w = &w[i];
			snprintf(w[i].reqs[j].owner, sizeof(w[i].reqs[j].owner), "nfsbench-%u-%u", i, j);
		}
	}
	t0 = now();
	b.deadline = t0 + (b.count && strcmp(b.test, "readdir") ? 1e9 : b.seconds);
	if (!strcmp(b.test, "null")) {
		uint64_t n = 0;

		while (now() < b.deadline) {
			if (nfs4_null(w[0].cl) != 0)
				die("NULL failed");
			n++;
		}
		b.done = n;
	} else {
		for (i = 0; i < b.sessions; i++)
			pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
		for (i = 0; i < b.sessions; i++) {
			pthread_join(w[i].thread, NULL);
			rc |= w[i].rc;
		}
	}
	if (!strcmp(b.test, "write")) {
		/* the data is not written until it is committed */
		struct nfs4_compound c;
		struct nfs4_call *call;

		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &b.file);
		nfs4_op_commit(&c, 0, 0);
		sync_call(w[0].cl, &c, &call, "commit");
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	t1 = now();
	if (!strcmp(b.test, "write") || !strcmp(b.test, "read"))
		rate = (double)b.units / (t1 - t0) / 1e6;
	else if (!strcmp(b.test, "readdir"))
		rate = (double)b.units / (t1 - t0);
	else
		rate = (double)b.done / (t1 - t0);
	printf("%s ops %" PRIu64 " seconds %.3f rate %.1f %s errors %" PRIu64 "\n", b.test,
	       (uint64_t)b.done, t1 - t0, rate, unit, (uint64_t)b.errors);
	for (i = 0; i < b.sessions; i++) {
		nfs4_client_teardown(w[i].cl);
		nfs4_client_free(w[i].cl);
		free(w[i].reqs);
	}
	nfs4_client_teardown(setup_cl);
	nfs4_client_free(setup_cl);
	free(w);
	free(b.data);
	return rc || b.errors ? 1 : 0;
}
