/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lnfs_load.c - load, abuse and soak client for lnfsd, on the project's
 * NFSv4.1/4.2 client library.  Run by tests/load/load.sh and soak.sh; each
 * phase is bounded in count and time and stops by itself.
 *
 *   lnfs_load conns N HOLD_S      N connections with a session each, held
 *   lnfs_load slowloris N HOLD_S  N connections holding 2 bytes of a record mark
 *   lnfs_load records             oversized, fragmented and trickled records
 *   lnfs_load noread N ROUNDS     N sessions that pipeline READs, never read replies
 *   lnfs_load abandon N ROUNDS    N clients per round made and dropped; leases expire
 *   lnfs_load soak SECONDS ID     mixed labelled workload, checked continuously
 *
 * Environment: LNFS_SERVER, LNFS_PORT, LNFS_EXPORT (server path of the
 * export, also its host path), LOAD_PID (lnfsd's pid, for VmRSS), LOAD_LOG
 * (lnfsd's log), LOAD_STATE_DIR (its state-dir: client records show which
 * abandoned clients with state have expired), LOAD_LEASE (lease time, s).
 * Throughout, a well-behaved client measures NULL and GETATTR latency
 * ("probe" lines); a probe that gets no answer within 10 s fails the phase.
 * Output: "metric NAME VALUE" lines and "FAIL: ..." lines; exit status 0 or 1.
 * Timings are reported, never asserted, except that liveness bound.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/lib/nfs4_client.h"

#define PROBE_TIMEOUT_MS 10000
#define REC_LAST 0x80000000u

static struct {
	const char *server, *port, *export;
	long pid;
	const char *log, *state_dir;
	unsigned lease;
	unsigned failures;
	struct nfs4_client *wb;		/* the well-behaved client */
	struct nfs4_fh root;
} g;

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
	g.failures++;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void metric(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void metric(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("metric %s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* VmRSS of the server in KiB, or -1. */
static long rss_kb(void)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	if (g.pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", g.pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

static long server_fds(void)
{
	char path[64];
	long n = 0;
	FILE *p;
	char cmd[128];

	if (g.pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/fd", g.pid);
	snprintf(cmd, sizeof(cmd), "ls %s | wc -l", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%ld", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		metric("client_nofile_limit", "%llu", (unsigned long long)rl.rlim_cur);
}

static int client_new(uint32_t minor, bool session, struct nfs4_client **out)
{
	struct nfs4_client_opts o;
	int rc;

	nfs4_client_opts_init(&o);
	o.host = g.server;
	o.port = g.port;
	o.minor = minor;
	o.uid = 0;
	o.gid = 0;
	o.timeout_ms = PROBE_TIMEOUT_MS;
	rc = nfs4_client_connect(&o, out);
	if (rc < 0)
		return rc;
	if (session) {
		rc = nfs4_client_setup(*out);
		if (rc != 0) {
			nfs4_client_free(*out);
			*out = NULL;
			return rc < 0 ? rc : -EPROTO;
		}
	}
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* n NULL and n GETATTR round trips of the well-behaved client. */
static void probe(const char *phase, int n)
{
	int64_t nul[64], ga[64], t;
	struct nfs4_compound c;
	struct nfs4_bitmap bm;
	struct nfs4_call *call;
	int i, ok = 0;

	if (n > 64)
		n = 64;
	nfs4_bitmap_of(&bm, FATTR4_TYPE, FATTR4_CHANGE, FATTR4_SIZE, -1);
	for (i = 0; i < n; i++) {
		t = now_us();
		if (nfs4_null(g.wb) != 0) {
			failf("%s: the well-behaved client got no NULL reply within %d s: %s",
			      phase, PROBE_TIMEOUT_MS / 1000, nfs4_client_error(g.wb));
			return;
		}
		nul[i] = now_us() - t;
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &g.root);
		nfs4_op_getattr(&c, &bm);
		t = now_us();
		call = NULL;
		if (nfs4_call_sync(g.wb, &c, &call) != 0 || call->res.status != NFS4_OK) {
			failf("%s: the well-behaved client's GETATTR failed: %s", phase,
			      nfs4_client_error(g.wb));
			nfs4_call_free(call);
			nfs4_compound_release(&c);
			return;
		}
		ga[i] = now_us() - t;
		ok++;
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	qsort(nul, (size_t)ok, sizeof(nul[0]), cmp_i64);
	qsort(ga, (size_t)ok, sizeof(ga[0]), cmp_i64);
	printf("probe %s: NULL median %.2f ms max %.2f ms; GETATTR median %.2f ms max %.2f ms (%d each)\n",
	       phase, nul[ok / 2] / 1000.0, nul[ok - 1] / 1000.0, ga[ok / 2] / 1000.0,
	       ga[ok - 1] / 1000.0, ok);
	fflush(stdout);
}

/* A SEQUENCE-only compound: renews the lease of cl. */
static int renew(struct nfs4_client *cl)
{
	struct nfs4_compound c;
	struct nfs4_call *call = NULL;
	int rc;

	nfs4_compound_init(&c);
	rc = nfs4_call_sync(cl, &c, &call);
	if (rc == 0 && call->res.status != NFS4_OK)
		rc = -EPROTO;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return rc;
}

/* Sleep for seconds, keeping the well-behaved client's lease. */
static void idle(int seconds)
{
	for (int i = 0; i < seconds; i++) {
		sleep(1);
		renew(g.wb);
	}
}

static void wb_start(void)
{
	uint32_t op;
	int rc = client_new(1, true, &g.wb);

	if (rc != 0) {
		printf("FAIL: the well-behaved client cannot connect: %d\n", rc);
		exit(1);
	}
	rc = nfs4_lookup_path(g.wb, g.export, &g.root, &op);
	if (rc != 0) {
		printf("FAIL: lookup %s: %d\n", g.export, rc);
		exit(1);
	}
}

/* ------------------------------------------------------------ conns */

static void phase_conns(int n, int hold)
{
	struct nfs4_client **cl = calloc((size_t)n, sizeof(*cl));
	long r0, r1, r2;
	int64_t t0, t;
	int i, made = 0, alive = 0;

	r0 = rss_kb();
	metric("server_fds_before", "%ld", server_fds());
	t0 = now_us();
	for (i = 0; i < n; i++) {
		int rc = client_new(1, true, &cl[i]);

		if (rc != 0) {
			failf("conns: client %d of %d could not set up a session: %d", i, n, rc);
			break;
		}
		made++;
	}
	t = now_us() - t0;
	metric("conns_sessions", "%d", made);
	metric("conns_setup_ms_total", "%.0f", t / 1000.0);
	r1 = rss_kb();
	metric("server_fds_during", "%ld", server_fds());
	metric("rss_kb_before", "%ld", r0);
	metric("rss_kb_with_sessions", "%ld", r1);
	if (made)
		metric("rss_kb_per_session", "%.1f", (double)(r1 - r0) / made);
	probe("conns-held", 32);
	for (t0 = now_us(); now_us() - t0 < (int64_t)hold * 1000000;) {
		/* keep every lease (lease-time may be shorter than the hold) */
		for (i = 0; i < made; i++)
			renew(cl[i]);
		idle(3);
	}
	for (i = 0; i < made; i++)
		if (nfs4_null(cl[i]) == 0 && renew(cl[i]) == 0)
			alive++;
	metric("conns_alive_after_hold", "%d", alive);
	if (alive != made)
		failf("conns: only %d of %d held connections still answered", alive, made);
	probe("conns-after-hold", 16);
	/* half leave cleanly, half just go (their leases expire) */
	for (i = 0; i < made; i++) {
		if (i % 2 == 0)
			nfs4_client_teardown(cl[i]);
		nfs4_client_free(cl[i]);
	}
	free(cl);
	idle(1);
	r2 = rss_kb();
	metric("rss_kb_after_close", "%ld", r2);
	probe("conns-closed", 16);
}

/* -------------------------------------------------------- slowloris */

static int raw_connect(void)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)atoi(g.port));
	inet_pton(AF_INET, g.server, &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* Closed by the peer?  (readable with EOF or error, without blocking) */
static bool peer_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b;

	if (poll(&p, 1, 0) <= 0)
		return false;
	return recv(fd, &b, 1, MSG_DONTWAIT) <= 0;
}

static void phase_slowloris(int n, int hold)
{
	static const uint8_t half[2] = { 0x80, 0x00 };
	int *fds = calloc((size_t)n, sizeof(*fds));
	int i, made = 0, closed = 0;
	long r0 = rss_kb();

	for (i = 0; i < n; i++) {
		fds[i] = raw_connect();
		if (fds[i] < 0) {
			failf("slowloris: connection %d: %s", i, strerror(-fds[i]));
			break;
		}
		if (send(fds[i], half, sizeof(half), MSG_NOSIGNAL) != (ssize_t)sizeof(half))
			failf("slowloris: send on connection %d: %s", i, strerror(errno));
		made++;
	}
	metric("slowloris_connections", "%d", made);
	metric("rss_kb_slowloris_before", "%ld", r0);
	metric("rss_kb_slowloris_held", "%ld", rss_kb());
	metric("server_fds_slowloris", "%ld", server_fds());
	probe("slowloris-held", 32);
	idle(hold);
	probe("slowloris-after-hold", 16);
	{
		/* a newcomer, not only a client connected before */
		struct nfs4_client *nc;

		if (client_new(1, true, &nc) != 0) {
			failf("slowloris: a new client cannot connect and set up a session while %d connections stall",
			      made);
		} else {
			printf("ok: a new client is served while %d connections stall\n", made);
			nfs4_client_teardown(nc);
			nfs4_client_free(nc);
		}
	}
	for (i = 0; i < made; i++) {
		if (peer_closed(fds[i]))
			closed++;
		close(fds[i]);
	}
	metric("slowloris_closed_by_server", "%d", closed);
	free(fds);
	idle(1);
	metric("rss_kb_slowloris_after", "%ld", rss_kb());
	probe("slowloris-closed", 8);
}

/* ---------------------------------------------------------- records */

/* An RPC NULL call (AUTH_NONE) of 40 bytes, without record mark. */
static size_t null_call(uint8_t *b, uint32_t xid)
{
	uint32_t w[10] = { xid, 0, 2, 100003, 4, 0, 0, 0, 0, 0 };
	int i;

	for (i = 0; i < 10; i++)
		w[i] = htonl(w[i]);
	memcpy(b, w, sizeof(w));
	return sizeof(w);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

/* Wait up to ms for a reply record to xid on fd: 1 got it, 0 closed/none. */
static int await_reply(int fd, uint32_t xid, int ms)
{
	uint8_t buf[256];
	size_t have = 0;
	int64_t end = now_us() + (int64_t)ms * 1000;

	while (now_us() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (n <= 0)
			return 0;
		have += (size_t)n;
		if (have >= 8) {
			uint32_t x;

			memcpy(&x, buf + 4, 4);
			return ntohl(x) == xid;
		}
	}
	return 0;
}

static bool closed_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b[4096];
	int64_t end = now_us() + (int64_t)ms * 1000;

	while (now_us() < end) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = recv(fd, b, sizeof(b), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return true;
	}
	return false;
}

static void phase_records(void)
{
	uint8_t call[64], frag[8];
	size_t len, i;
	int fd, got;
	uint32_t total;

	/* 1. a record mark announcing 2 GiB - 1 */
	fd = raw_connect();
	put_u32(frag, REC_LAST | 0x7fffffffu);
	send(fd, frag, 4, MSG_NOSIGNAL);
	if (!closed_within(fd, 3000))
		failf("records: a 2 GiB record mark did not close the connection");
	else
		printf("ok: a 2 GiB record mark closes the connection\n");
	close(fd);
	probe("records-oversized", 4);

	/* 2. non-last 64 KiB fragments beyond any record limit (64 MiB) */
	{
		static uint8_t chunk[65536 + 4];
		bool closed = false;

		fd = raw_connect();
		put_u32(chunk, 65536);
		for (total = 0; total < 64u << 20 && !closed; total += 65536) {
			size_t off = 0;

			while (off < sizeof(chunk)) {
				ssize_t n = send(fd, chunk + off, sizeof(chunk) - off, MSG_NOSIGNAL);

				if (n <= 0) {
					closed = true;
					break;
				}
				off += (size_t)n;
			}
		}
		if (!closed)
			closed = closed_within(fd, 3000);
		if (!closed)
			failf("records: 64 MiB of fragments did not close the connection");
		else
			printf("ok: endless fragments close the connection after %u KiB\n",
			       total / 1024);
		close(fd);
	}
	probe("records-fragments", 4);

	/* 3. a NULL call in 1-byte fragments */
	fd = raw_connect();
	len = null_call(call, 0x1001);
	for (i = 0; i < len; i++) {
		put_u32(frag, (i == len - 1 ? REC_LAST : 0) | 1u);
		frag[4] = call[i];
		send(fd, frag, 5, MSG_NOSIGNAL);
	}
	got = await_reply(fd, 0x1001, 5000);
	if (!got)
		failf("records: a NULL call in 1-byte fragments got no reply");
	else
		printf("ok: a call in %zu one-byte fragments is answered\n", len);
	close(fd);

	/* 4. a NULL call trickled a byte every 20 ms */
	fd = raw_connect();
	put_u32(call, REC_LAST | 40u);
	null_call(call + 4, 0x1002);
	for (i = 0; i < 44; i++) {
		send(fd, call + i, 1, MSG_NOSIGNAL);
		usleep(20000);
	}
	if (!await_reply(fd, 0x1002, 5000))
		failf("records: a trickled NULL call got no reply");
	else
		printf("ok: a call trickled over ~0.9 s is answered\n");
	close(fd);

	/* 5. empty non-last fragments, then a call: answered or closed, and
	 * the server lives on */
	fd = raw_connect();
	for (i = 0; i < 1000; i++) {
		put_u32(frag, 0);
		send(fd, frag, 4, MSG_NOSIGNAL);
	}
	put_u32(call, REC_LAST | 40u);
	null_call(call + 4, 0x1003);
	send(fd, call, 44, MSG_NOSIGNAL);
	got = await_reply(fd, 0x1003, 3000);
	printf("info: 1000 empty fragments then a call: %s\n",
	       got ? "answered" : "connection closed (no reply)");
	close(fd);

	/* 6. 4096 back-to-back NULL calls, sent and read at the same time */
	{
		static uint8_t many[4096 * 44];
		uint8_t rb[65536];
		size_t off = 0, bytes = 0;
		int64_t end = now_us() + 10000000;
		ssize_t n;

		fd = raw_connect();
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		for (i = 0; i < 4096; i++) {
			put_u32(many + i * 44, REC_LAST | 40u);
			null_call(many + i * 44 + 4, (uint32_t)(0x2000 + i));
		}
		while (bytes < 4096u * 28u && now_us() < end) {
			struct pollfd p = { .fd = fd,
					    .events = POLLIN | (off < sizeof(many) ? POLLOUT : 0) };

			if (poll(&p, 1, 200) <= 0) {
				renew(g.wb);	/* keep its lease through a stall */
				continue;
			}
			if ((p.revents & POLLOUT) && off < sizeof(many)) {
				n = send(fd, many + off, sizeof(many) - off, MSG_NOSIGNAL);
				if (n > 0)
					off += (size_t)n;
			}
			if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
				n = recv(fd, rb, sizeof(rb), 0);
				if (n == 0 || (n < 0 && errno != EAGAIN))
					break;
				if (n > 0)
					bytes += (size_t)n;
			}
		}
		if (bytes < 4096u * 28u)
			failf("records: 4096 pipelined NULL calls: %zu of %u reply bytes in 10 s (%zu of %zu request bytes sent)",
			      bytes, 4096u * 28u, off, sizeof(many));
		else
			printf("ok: 4096 pipelined NULL calls all answered\n");
		close(fd);
	}
	probe("records-done", 8);
}

/* ----------------------------------------------------------- noread */

/* A COMPOUND call record (AUTH_NONE) for c with SEQUENCE seq into x. */
static void compound_record(struct xdr_out *x, uint32_t xid, const struct nfs4_compound *c,
			    const struct nfs4_sequence_args *seq)
{
	struct xdr_out body;
	size_t start = xdr_out_pos(x);

	xdr_out_init(&body, 1 << 16);
	nfs4_compound_encode(c, seq, &body);
	xdr_put_u32(x, 0);
	xdr_put_u32(x, xid);
	xdr_put_u32(x, 0);
	xdr_put_u32(x, 2);
	xdr_put_u32(x, 100003);
	xdr_put_u32(x, 4);
	xdr_put_u32(x, 1);
	xdr_put_u32(x, 0);
	xdr_put_u32(x, 0);
	xdr_put_u32(x, 0);
	xdr_put_u32(x, 0);
	memcpy(xdr_reserve(x, body.len), body.buf, body.len);
	xdr_set_u32_at(x, start, REC_LAST | (uint32_t)(xdr_out_pos(x) - start - 4));
	xdr_out_release(&body);
}

static void phase_noread(int n, int rounds)
{
	struct nfs4_client **cl = calloc((size_t)n, sizeof(*cl));
	char path[4200];
	struct nfs4_fh fh;
	uint32_t op;
	long r0 = rss_kb(), peak = r0;
	int i, r, fd, made = 0;
	uint64_t queued = 0;
	const uint32_t rsize = 256 * 1024;

	/* a 1 MiB file to read */
	snprintf(path, sizeof(path), "%s/noread.dat", g.export);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd >= 0) {
		static uint8_t buf[1 << 20];

		memset(buf, 'r', sizeof(buf));
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			failf("noread: cannot write %s", path);
		close(fd);
	}
	if (nfs4_lookup_path(g.wb, path, &fh, &op) != 0) {
		failf("noread: lookup %s failed", path);
		free(cl);
		return;
	}
	for (i = 0; i < n; i++) {
		if (client_new(1, true, &cl[i]) != 0) {
			failf("noread: client %d could not set up a session", i);
			break;
		}
		made++;
	}
	/* each round: one READ per slot, sequenceids moving on, sent without
	 * ever reading, until the socket stops taking bytes */
	for (i = 0; i < made; i++) {
		int s = nfs4_client_fd(cl[i]);
		uint32_t nslots = nfs4_client_nslots(cl[i]);
		struct xdr_out x;

		xdr_out_init(&x, 1 << 20);
		for (r = 1; r <= rounds; r++) {
			for (uint32_t slot = 0; slot < nslots; slot++) {
				struct nfs4_sequence_args seq;
				struct nfs4_compound c;

				memset(&seq, 0, sizeof(seq));
				memcpy(seq.sessionid, nfs4_client_sessionid(cl[i]),
				       NFS4_SESSIONID_SIZE);
				/* RECLAIM_COMPLETE used slot 0 once */
				seq.sequenceid = (uint32_t)r + (slot == 0);
				seq.slotid = slot;
				seq.highest_slotid = nslots - 1;
				nfs4_compound_init(&c);
				nfs4_op_putfh(&c, &fh);
				nfs4_op_read(&c, &nfs4_anon_stateid, 0, rsize);
				compound_record(&x, 0x70000000u + (uint32_t)(r * 64 + (int)slot), &c,
						&seq);
				nfs4_compound_release(&c);
			}
		}
		/* nonblocking: the library set O_NONBLOCK; stop when full */
		{
			size_t off = 0;
			int64_t end = now_us() + 2000000;

			while (off < x.len && now_us() < end) {
				ssize_t k = send(s, x.buf + off, x.len - off, MSG_NOSIGNAL);

				if (k > 0) {
					off += (size_t)k;
					continue;
				}
				if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
					break;
				usleep(10000);
			}
			queued += off;
		}
		xdr_out_release(&x);
		if (rss_kb() > peak)
			peak = rss_kb();
	}
	idle(2);
	if (rss_kb() > peak)
		peak = rss_kb();
	metric("noread_clients", "%d", made);
	metric("noread_request_bytes_accepted", "%llu", (unsigned long long)queued);
	metric("rss_kb_noread_before", "%ld", r0);
	metric("rss_kb_noread_peak", "%ld", peak);
	if (made)
		metric("rss_kb_noread_per_client", "%.0f", (double)(peak - r0) / made);
	probe("noread-stalled", 32);
	for (i = 0; i < made; i++)
		nfs4_client_free(cl[i]);	/* never read a byte; just go */
	free(cl);
	idle(2);
	metric("rss_kb_noread_after", "%ld", rss_kb());
	probe("noread-gone", 8);
	unlink(path);
}

/* ---------------------------------------------------------- abandon */

/* Stable client records (state-dir/clients/<id>): one per client that
 * opened a file, removed when it expires (design.md "Restart and reclaim"). */
static long count_records(void)
{
	char path[4200], cmd[4300];
	long n = -1;
	FILE *p;

	if (!g.state_dir)
		return -1;
	snprintf(path, sizeof(path), "%s/clients", g.state_dir);
	snprintf(cmd, sizeof(cmd), "ls '%s' 2>/dev/null | grep -c '^[0-9a-f]*$'", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%ld", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

static void phase_abandon(int n, int rounds)
{
	long base = count_records(), r_start = rss_kb();
	int r, i;

	metric("rss_kb_abandon_start", "%ld", r_start);
	for (r = 1; r <= rounds; r++) {
		int made = 0, opened = 0;
		int64_t t0 = now_us();
		long recs;

		for (i = 0; i < n; i++) {
			struct nfs4_client *cl;

			if (client_new(1, true, &cl) != 0) {
				failf("abandon: round %d client %d could not set up a session", r, i);
				break;
			}
			made++;
			if (i % 20 == 0) {
				/* some with an open file (state to drop on expiry) */
				struct nfs4_compound c;
				struct nfs4_open_args oa;
				struct nfs4_call *call = NULL;
				char name[64];

				snprintf(name, sizeof(name), "ab-%d-%d", r, i);
				memset(&oa, 0, sizeof(oa));
				oa.share_access = OPEN4_SHARE_ACCESS_BOTH;
				oa.share_deny = OPEN4_SHARE_DENY_NONE;
				oa.clientid = nfs4_client_clientid(cl);
				oa.claim = CLAIM_NULL;
				oa.name = name;
				oa.create = true;
				oa.createmode = UNCHECKED4;
				nfs4_compound_init(&c);
				nfs4_op_putfh(&c, &g.root);
				nfs4_op_open(&c, &oa);
				if (nfs4_call_sync(cl, &c, &call) == 0 && call->res.status == NFS4_OK)
					opened++;
				nfs4_call_free(call);
				nfs4_compound_release(&c);
			}
			nfs4_client_free(cl);	/* no DESTROY_*: abandoned */
		}
		recs = count_records();
		printf("abandon round %d: %d clients (%d with an open file, %ld client records) in %.1f s\n",
		       r, made, opened, recs, (now_us() - t0) / 1e6);
		metric("rss_kb_abandon_made", "%ld", rss_kb());
		probe("abandon-made", 8);
		if (recs >= 0 && recs < base + opened)
			failf("abandon: %ld client records for %d clients with opens", recs - base,
			      opened);
		/* wait for the laundromat: at most 4 leases */
		t0 = now_us();
		while (count_records() > base && now_us() - t0 < (int64_t)g.lease * 4 * 1000000)
			idle(1);
		recs = count_records();
		if (recs > base)
			failf("abandon: round %d: %ld client records left after %u s", r,
			      recs - base, g.lease * 4);
		else
			printf("abandon round %d: every client with state expired after %.1f s\n", r,
			       (now_us() - t0) / 1e6);
		/* sessions-only clients expire in the same laundromat pass */
		idle(2);
		metric("rss_kb_abandon_expired", "%ld", rss_kb());
		probe("abandon-expired", 8);
	}
}

/* ------------------------------------------------------------- soak */

#define SOAK_FILES 64
#define SOAK_MAXLEN 65536

struct sfile {
	bool used;
	char name[48];
	char label[64];
	uint32_t len;
	uint32_t seed;
};

static struct {
	struct nfs4_client *cl;
	struct nfs4_fh dir;
	struct sfile f[SOAK_FILES];
	unsigned id, gen;
	unsigned long ops[8];
	unsigned long errors;
} s;

static uint32_t rnd(void)
{
	static uint64_t x = 88172645463325252ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (uint32_t)x;
}

static void soak_fill(uint8_t *b, uint32_t len, uint32_t seed)
{
	uint32_t i, v = seed;

	for (i = 0; i < len; i++) {
		v = v * 1103515245u + 12345u;
		b[i] = (uint8_t)(v >> 16);
	}
}

static void soak_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void soak_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: soak %u: ", s.id);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
	s.errors++;
}

static struct nfs4_call *soak_run(struct nfs4_compound *c)
{
	struct nfs4_call *call = NULL;

	if (nfs4_call_sync(s.cl, c, &call) != 0) {
		printf("FAIL: soak %u: no reply: %s\n", s.id, nfs4_client_error(s.cl));
		exit(1);
	}
	return call;
}

static void soak_create(struct sfile *f)
{
	static uint8_t buf[SOAK_MAXLEN];
	struct nfs4_open_args oa;
	struct nfs4_setattrs a;
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_stateid sid;
	struct nfs4_fh fh;
	bool unstable = rnd() & 1;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "s%u-%u", s.id, s.gen);
	snprintf(f->label, sizeof(f->label), "system_u:object_r:soak%u_t:s0", s.gen);
	f->len = 1 + rnd() % SOAK_MAXLEN;
	f->seed = rnd();
	s.gen++;
	soak_fill(buf, f->len, f->seed);
	memset(&a, 0, sizeof(a));
	nfs4_bitmap_set(&a.mask, FATTR4_MODE);
	a.mode = 0644;
	nfs4_bitmap_set(&a.mask, FATTR4_SEC_LABEL);
	a.label = f->label;
	a.label_len = (uint32_t)strlen(f->label);
	memset(&oa, 0, sizeof(oa));
	oa.share_access = OPEN4_SHARE_ACCESS_BOTH;
	oa.share_deny = OPEN4_SHARE_DENY_NONE;
	oa.clientid = nfs4_client_clientid(s.cl);
	oa.claim = CLAIM_NULL;
	oa.name = f->name;
	oa.create = true;
	oa.createmode = GUARDED4;
	oa.attrs = &a;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &s.dir);
	nfs4_op_open(&c, &oa);
	nfs4_op_getfh(&c);
	nfs4_op_write(&c, &nfs4_current_stateid, 0, unstable ? UNSTABLE4 : FILE_SYNC4, buf,
		      f->len);
	if (unstable)
		nfs4_op_commit(&c, 0, 0);
	call = soak_run(&c);
	nfs4_compound_release(&c);
	if (call->res.status != NFS4_OK) {
		soak_err("create %s: %s", f->name, nfs4_stat_name(call->res.status));
		nfs4_call_free(call);
		return;
	}
	sid = nfs4_call_op(call, 1)->u.open.stateid;
	fh = nfs4_call_op(call, 2)->u.getfh;
	if (nfs4_call_op(call, 3)->u.write.count != f->len)
		soak_err("create %s: short write %u of %u", f->name,
			 nfs4_call_op(call, 3)->u.write.count, f->len);
	nfs4_call_free(call);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_close(&c, &sid);
	call = soak_run(&c);
	if (call->res.status != NFS4_OK)
		soak_err("close %s: %s", f->name, nfs4_stat_name(call->res.status));
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	f->used = true;
	s.ops[0]++;
}

static void soak_verify(struct sfile *f)
{
	static uint8_t want[SOAK_MAXLEN];
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;
	const struct nfs4_op_res *ga, *rd;

	soak_fill(want, f->len, f->seed);
	nfs4_bitmap_of(&bm, FATTR4_SIZE, FATTR4_SEC_LABEL, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &s.dir);
	nfs4_op_lookup(&c, f->name);
	nfs4_op_getattr(&c, &bm);
	nfs4_op_read(&c, &nfs4_anon_stateid, 0, SOAK_MAXLEN);
	call = soak_run(&c);
	nfs4_compound_release(&c);
	ga = nfs4_call_op(call, 2);
	rd = nfs4_call_op(call, 3);
	if (call->res.status != NFS4_OK || !ga || !rd) {
		soak_err("verify %s: %s", f->name, nfs4_stat_name(call->res.status));
	} else {
		if (ga->u.getattr.size != f->len || rd->u.read.data.len != f->len ||
		    memcmp(rd->u.read.data.data, want, f->len))
			soak_err("verify %s: data differs (size %llu, want %u)", f->name,
				 (unsigned long long)ga->u.getattr.size, f->len);
		if (ga->u.getattr.sec_label.data.len != strlen(f->label) ||
		    memcmp(ga->u.getattr.sec_label.data.data, f->label, strlen(f->label)))
			soak_err("verify %s: label '%.*s', want '%s'", f->name,
				 (int)ga->u.getattr.sec_label.data.len,
				 (const char *)ga->u.getattr.sec_label.data.data, f->label);
	}
	nfs4_call_free(call);
	s.ops[1]++;
}

static void soak_rename(struct sfile *f)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	char to[48];

	snprintf(to, sizeof(to), "s%u-%u", s.id, s.gen++);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &s.dir);
	nfs4_op_savefh(&c);
	nfs4_op_rename(&c, f->name, to);
	call = soak_run(&c);
	nfs4_compound_release(&c);
	if (call->res.status != NFS4_OK)
		soak_err("rename %s: %s", f->name, nfs4_stat_name(call->res.status));
	else
		snprintf(f->name, sizeof(f->name), "%s", to);
	nfs4_call_free(call);
	s.ops[2]++;
}

static void soak_remove(struct sfile *f)
{
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &s.dir);
	nfs4_op_remove(&c, f->name);
	call = soak_run(&c);
	nfs4_compound_release(&c);
	if (call->res.status != NFS4_OK)
		soak_err("remove %s: %s", f->name, nfs4_stat_name(call->res.status));
	f->used = false;
	nfs4_call_free(call);
	s.ops[3]++;
}

static void soak_relabel(struct sfile *f)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_setattrs a;
	char label[64];

	snprintf(label, sizeof(label), "system_u:object_r:soak_re%u_t:s0", s.gen++);
	memset(&a, 0, sizeof(a));
	nfs4_bitmap_set(&a.mask, FATTR4_SEC_LABEL);
	a.label = label;
	a.label_len = (uint32_t)strlen(label);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &s.dir);
	nfs4_op_lookup(&c, f->name);
	nfs4_op_setattr(&c, &nfs4_anon_stateid, &a);
	call = soak_run(&c);
	nfs4_compound_release(&c);
	if (call->res.status != NFS4_OK)
		soak_err("relabel %s: %s", f->name, nfs4_stat_name(call->res.status));
	else
		snprintf(f->label, sizeof(f->label), "%s", label);
	nfs4_call_free(call);
	s.ops[4]++;
}

/* READDIR: exactly the files of the model, each with its label. */
static void soak_listing(void)
{
	uint8_t verf[NFS4_VERIFIER_SIZE] = { 0 };
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;
	const struct nfs4_op_res *r;
	uint64_t cookie = 0;
	bool eof = false;
	unsigned seen = 0, want = 0, i, j;

	for (i = 0; i < SOAK_FILES; i++)
		want += s.f[i].used;
	nfs4_bitmap_of(&bm, FATTR4_SEC_LABEL, -1);
	while (!eof) {
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &s.dir);
		nfs4_op_readdir(&c, cookie, verf, 8192, 65536, &bm);
		call = soak_run(&c);
		nfs4_compound_release(&c);
		r = nfs4_call_op(call, 1);
		if (call->res.status != NFS4_OK || !r) {
			soak_err("readdir: %s", nfs4_stat_name(call->res.status));
			nfs4_call_free(call);
			return;
		}
		for (j = 0; j < r->u.readdir.count; j++) {
			const struct nfs4_dirent *e = &r->u.readdir.entries[j];
			struct sfile *f = NULL;

			cookie = e->cookie;
			for (i = 0; i < SOAK_FILES; i++)
				if (s.f[i].used && strlen(s.f[i].name) == e->name.len &&
				    !memcmp(s.f[i].name, e->name.data, e->name.len))
					f = &s.f[i];
			if (!f) {
				soak_err("readdir: unexpected entry '%.*s'", (int)e->name.len,
					 (const char *)e->name.data);
				continue;
			}
			seen++;
			if (e->attrs.sec_label.data.len != strlen(f->label) ||
			    memcmp(e->attrs.sec_label.data.data, f->label, strlen(f->label)))
				soak_err("readdir: %s has label '%.*s', want '%s'", f->name,
					 (int)e->attrs.sec_label.data.len,
					 (const char *)e->attrs.sec_label.data.data, f->label);
		}
		memcpy(verf, r->u.readdir.verifier, sizeof(verf));
		eof = r->u.readdir.eof;
		nfs4_call_free(call);
	}
	if (seen != want)
		soak_err("readdir: %u entries, the model has %u", seen, want);
	s.ops[5]++;
}

static int phase_soak(int seconds, unsigned id)
{
	char dir[4200];
	int64_t end = now_us() + (int64_t)seconds * 1000000, next_report;
	uint32_t op;
	unsigned i;
	useconds_t delay_us = getenv("SOAK_DELAY_US") ? (useconds_t)atoi(getenv("SOAK_DELAY_US")) : 0;

	s.id = id;
	for (i = 0; i < id * 7 + 3; i++)
		rnd();
	if (client_new(2, true, &s.cl) != 0) {
		printf("FAIL: soak %u: cannot connect\n", id);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/soak-%u", g.export, id);
	mkdir(dir, 0777);
	if (nfs4_lookup_path(s.cl, dir, &s.dir, &op) != 0) {
		printf("FAIL: soak %u: lookup %s\n", id, dir);
		return 1;
	}
	next_report = now_us() + 60000000;
	while (now_us() < end) {
		struct sfile *f = &s.f[rnd() % SOAK_FILES];
		unsigned what = rnd() % 100;

		if (!f->used)
			soak_create(f);
		else if (what < 40)
			soak_verify(f);
		else if (what < 55)
			soak_rename(f);
		else if (what < 70)
			soak_relabel(f);
		else if (what < 85)
			soak_remove(f);
		else
			soak_listing();
		if (delay_us)
			usleep(delay_us);	/* bounded CPU: soak.sh shares the machine */
		if (now_us() > next_report) {
			printf("soak %u: create %lu verify %lu rename %lu relabel %lu remove %lu readdir %lu errors %lu\n",
			       id, s.ops[0], s.ops[1], s.ops[2], s.ops[4], s.ops[3], s.ops[5],
			       s.errors);
			fflush(stdout);
			next_report += 60000000;
		}
		if (s.errors > 50) {
			printf("FAIL: soak %u: too many errors, stopping\n", id);
			break;
		}
	}
	for (i = 0; i < SOAK_FILES; i++)
		if (s.f[i].used)
			soak_verify(&s.f[i]);
	soak_listing();
	printf("soak %u done: create %lu verify %lu rename %lu relabel %lu remove %lu readdir %lu errors %lu\n",
	       id, s.ops[0], s.ops[1], s.ops[2], s.ops[4], s.ops[3], s.ops[5], s.errors);
	nfs4_client_teardown(s.cl);
	nfs4_client_free(s.cl);
	return s.errors ? 1 : 0;
}

/* ------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	int a1 = argc > 2 ? atoi(argv[2]) : 0, a2 = argc > 3 ? atoi(argv[3]) : 0;

	g.server = getenv("LNFS_SERVER") ? getenv("LNFS_SERVER") : "127.0.0.1";
	g.port = getenv("LNFS_PORT");
	g.export = getenv("LNFS_EXPORT");
	g.pid = getenv("LOAD_PID") ? atol(getenv("LOAD_PID")) : 0;
	g.log = getenv("LOAD_LOG");
	g.state_dir = getenv("LOAD_STATE_DIR");
	g.lease = getenv("LOAD_LEASE") ? (unsigned)atoi(getenv("LOAD_LEASE")) : 10;
	if (argc < 2 || !g.port || !g.export) {
		fprintf(stderr, "usage: LNFS_PORT=.. LNFS_EXPORT=.. %s conns|slowloris|records|noread|abandon|soak ARGS\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	raise_nofile();
	if (!strcmp(argv[1], "soak"))
		return phase_soak(a1 > 0 ? a1 : 60, (unsigned)a2);
	wb_start();
	probe("idle", 32);
	if (!strcmp(argv[1], "conns"))
		phase_conns(a1 > 0 ? a1 : 1000, a2);
	else if (!strcmp(argv[1], "slowloris"))
		phase_slowloris(a1 > 0 ? a1 : 1000, a2);
	else if (!strcmp(argv[1], "records"))
		phase_records();
	else if (!strcmp(argv[1], "noread"))
		phase_noread(a1 > 0 ? a1 : 10, a2 > 0 ? a2 : 8);
	else if (!strcmp(argv[1], "abandon"))
		phase_abandon(a1 > 0 ? a1 : 1000, a2 > 0 ? a2 : 1);
	else {
		fprintf(stderr, "%s: unknown phase %s\n", argv[0], argv[1]);
		return 2;
	}
	nfs4_client_teardown(g.wb);
	nfs4_client_free(g.wb);
	printf("%s: %s, %u check(s) failed\n", g.failures ? "FAIL" : "PASS", argv[1], g.failures);
	return g.failures ? 1 : 0;
}
