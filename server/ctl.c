/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.c - the control socket, the metrics listener and sd_notify (ctl.h).
 * The RPC loop watches one epoll descriptor of ours; when it is readable we
 * run the ready events without waiting: accept, read a request, answer it
 * from the counters and the state table, write, close.  Every socket is
 * non-blocking, a connection lives at most CTL_TIMEOUT_MS (a one-second
 * timerfd sweeps them), and a connection closed in the middle of a batch is
 * freed only after the batch, so no event reaches freed memory.  Answers
 * are built whole in memory (open_memstream) before the first byte is sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "config/cfg.h"
#include "rpc/rpc.h"
#include "server/ctl.h"
#include "server/log.h"
#include "server/srv.h"
#include "server/state.h"
#include "server/stats.h"

enum ctl_kind {
	K_CTL_LISTEN = 1,
	K_HTTP_LISTEN,
	K_TIMER,
	K_CTL_CONN,
	K_HTTP_CONN,
};

/* First member of everything registered in our epoll set. */
struct ctl_tag {
	enum ctl_kind kind;
};

struct ctl_conn {
	struct ctl_tag tag;
	int fd;
	struct ctl_conn *prev, *next;	/* live list, or the dead list */
	uint64_t deadline;		/* ms, CLOCK_MONOTONIC */
	bool writing;
	size_t inlen;
	char in[CTL_MAX_REQUEST + 1];
	char *out;
	size_t outlen, outoff;
};

struct ctl {
	struct srv *srv;
	struct ctl_hooks hooks;
	int epfd;
	struct ctl_tag ctl_tag, http_tag, timer_tag;
	int ctl_fd, http_fd, timer_fd;
	char *ctl_path;			/* the socket file we created */
	dev_t ctl_dev;
	ino_t ctl_ino;
	char http_addr[80];		/* "127.0.0.1:9249" as bound */
	struct ctl_conn *conns, *dead;
	unsigned nconns;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* --- sd_notify ------------------------------------------------------------ */

int ctl_sd_notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t salen;
	size_t n;
	int fd, r = 0;

	if (!path || !*path)
		return 0;
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path))
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract namespace */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* --- connections ---------------------------------------------------------- */

static void conn_close(struct ctl *c, struct ctl_conn *cn)
{
	if (cn->fd < 0)
		return;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, cn->fd, NULL);
	close(cn->fd);
	cn->fd = -1;
	if (cn->prev)
		cn->prev->next = cn->next;
	else
		c->conns = cn->next;
	if (cn->next)
		cn->next->prev = cn->prev;
	c->nconns--;
	/* freed after the current batch of events */
	cn->prev = NULL;
	cn->next = c->dead;
	c->dead = cn;
}

static void free_dead(struct ctl *c)
{
	while (c->dead) {
		struct ctl_conn *cn = c->dead;

		c->dead = cn->next;
		free(cn->out);
		free(cn);
	}
}

/* Send what is left of the answer; close when all of it is out. */
static void conn_flush(struct ctl *c, struct ctl_conn *cn)
{
	while (cn->outoff < cn->outlen) {
		ssize_t w = send(cn->fd, cn->out + cn->outoff, cn->outlen - cn->outoff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w <= 0) {
			conn_close(c, cn);
			return;
		}
		cn->outoff += (size_t)w;
	}
	conn_close(c, cn);
}

static void conn_answer(struct ctl *c, struct ctl_conn *cn, char *buf, size_t len)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = &cn->tag };

	cn->out = buf;
	cn->outlen = buf ? len : 0;
	cn->outoff = 0;
	cn->writing = true;
	shutdown(cn->fd, SHUT_RD);
	epoll_ctl(c->epfd, EPOLL_CTL_MOD, cn->fd, &ev);
	conn_flush(c, cn);
}

/* --- the control protocol ------------------------------------------------- */

static void fmt_addr(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(((const struct sockaddr_in *)ss)->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a,
			 ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
	} else {
		snprintf(buf, len, "-");
	}
}

static void cmd_status(struct ctl *c, FILE *f)
{
	struct srv *srv = c->srv;
	struct snapshot *snap = srv_snapshot_get(srv);
	const struct cfg *cfg = snap->cfg;
	bool grace = state_in_grace(srv->state);
	unsigned i, j;

	fprintf(f, "ok\n");
	fprintf(f, "version: %s\n", PACKAGE_VERSION);
	fprintf(f, "pid: %ld\n", (long)getpid());
	fprintf(f, "uptime: %" PRIu64 " s\n", (uint64_t)time(NULL) - srv->boot_time);
	fprintf(f, "config: %s\n", cfg->conf_path ? cfg->conf_path : "(command line)");
	fprintf(f, "nfs-port: %d\n", rpc_server_bound_port(srv->rpc, 0));
	fprintf(f, "metrics: %s\n", c->http_fd >= 0 ? c->http_addr : "off");
	fprintf(f, "grace: %s", grace ? "yes" : "no");
	if (grace)
		fprintf(f, " (%u earlier client(s) may still reclaim)",
			state_reclaim_pending(srv->state));
	fprintf(f, "\n");
	fprintf(f, "lease-time: %u s\n", state_lease_time(srv->state));
	fprintf(f, "clients: %u\n", state_client_count(srv->state));
	fprintf(f, "exports: %u\n", cfg->nexports);
	for (i = 0; i < cfg->nexports; i++) {
		const struct cfg_export *e = &cfg->exports[i];

		fprintf(f, "  %s id %u:", e->path, e->id);
		for (j = 0; j < e->nclients; j++) {
			const struct cfg_client *cl = &e->clients[j];

			fprintf(f, " %s(%s,%s,domain=%s)", cl->spec ? cl->spec : "*",
				cl->rw ? "rw" : "ro",
				cl->labels ? "security_label" : "no_security_label",
				cl->domain ? cl->domain->name : cfg->default_domain_name);
		}
		fprintf(f, "\n");
	}
	fprintf(f, "label-domains: %u\n", cfg->ndomains);
	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain *d = &cfg->domains[i];

		fprintf(f, "  %s xattr %s%s%s", d->name, d->xattr,
			d->read_only ? " read-only" : "",
			d->name[0] && !strcmp(d->name, cfg->default_domain_name) ? " default" : "");
		if (d->parent)
			fprintf(f, " parent %s", d->parent->name);
		if (d->nxlate_from) {
			fprintf(f, " translate-from");
			for (j = 0; j < d->nxlate_from; j++)
				fprintf(f, " %s", d->xlate_from_name[j]);
		}
		fprintf(f, "\n");
	}
	snapshot_put(snap);
}

static void cmd_clients(struct ctl *c, FILE *f)
{
	struct state_client_info *v;
	unsigned n, i;
	char addr[64];

	if (state_list_clients(c->srv->state, &v, &n) < 0) {
		fprintf(f, "error: out of memory listing the clients; try again\n");
		return;
	}
	fprintf(f, "ok\n");
	fprintf(f, "%-16s  %-40s %-16s %-11s %8s %6s %6s %7s\n", "CLIENTID", "ADDRESS", "DOMAIN",
		"STATE", "SESSIONS", "OPENS", "LOCKS", "LEASE");
	for (i = 0; i < n; i++) {
		const struct state_client_info *ci = &v[i];
		char lease[32];

		log_addr(&ci->addr, addr, sizeof(addr));
		if (ci->in_request)
			snprintf(lease, sizeof(lease), "busy");
		else if (ci->lease_left >= 0)
			snprintf(lease, sizeof(lease), "%" PRId64 "s", ci->lease_left);
		else
			snprintf(lease, sizeof(lease), "-%" PRId64 "s", -ci->lease_left);
		fprintf(f, "%016" PRIx64 "  %-40s %-16s %-11s %8u %6u %6u %7s\n", ci->clientid,
			addr, ci->domain, ci->confirmed ? "confirmed" : "unconfirmed",
			ci->nsessions, ci->nopens, ci->nlocks, lease);
	}
	free(v);
}

static void cmd_evict(struct ctl *c, FILE *f, const char *arg)
{
	struct state_client_info *v = NULL;
	char addr[64] = "?", domain[64] = "?";
	unsigned n = 0, i;
	uint64_t id;
	char *end;
	int r;

	if (!arg || !*arg) {
		fprintf(f, "error: evict needs a client ID (the first column of "
			   "'lnfsctl clients')\n");
		return;
	}
	errno = 0;
	id = strtoull(arg, &end, 16);
	if (errno || *end || end == arg) {
		fprintf(f, "error: '%s' is not a client ID: give its 16 hex digits as "
			   "'lnfsctl clients' shows them\n", arg);
		return;
	}
	if (state_list_clients(c->srv->state, &v, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (v[i].clientid != id)
				continue;
			log_addr(&v[i].addr, addr, sizeof(addr));
			snprintf(domain, sizeof(domain), "%s", v[i].domain);
		}
		free(v);
	}
	r = state_evict(c->srv->state, id);
	if (r == -ENOENT) {
		fprintf(f, "error: no client %016" PRIx64 " (it may have expired already; "
			   "see 'lnfsctl clients')\n", id);
		return;
	}
	if (r == -EBUSY) {
		fprintf(f, "error: client %016" PRIx64 " has a request in progress; "
			   "try again in a moment\n", id);
		return;
	}
	log_msg(LOG_NOTICE, "client %016" PRIx64 " (%s, label domain %s): evicted by lnfsctl, "
		"its state is gone", id, addr, domain);
	fprintf(f, "ok\nclient %016" PRIx64 " evicted: its sessions, opens and locks are gone\n",
		id);
}

static void cmd_reload(struct ctl *c, FILE *f)
{
	char msg[1024] = "";

	if (!c->hooks.reload) {
		fprintf(f, "error: this server cannot reload; restart it instead\n");
		return;
	}
	if (c->hooks.reload(c->hooks.arg, msg, sizeof(msg)) < 0)
		fprintf(f, "error: reload failed, the running configuration stays: %s\n", msg);
	else
		fprintf(f, "ok\n%s\n", msg);
}

static void ctl_request(struct ctl *c, struct ctl_conn *cn)
{
	char *line = cn->in, *cmd, *arg, *save = NULL, *buf = NULL;
	size_t len = 0;
	FILE *f;

	cn->in[cn->inlen] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	cmd = strtok_r(line, " \t", &save);
	arg = strtok_r(NULL, " \t", &save);
	f = open_memstream(&buf, &len);
	if (!f) {
		conn_close(c, cn);
		return;
	}
	if (!cmd)
		fprintf(f, "error: empty request (commands: status, clients, stats, reload, "
			   "evict CLIENTID)\n");
	else if (!strcmp(cmd, "status"))
		cmd_status(c, f);
	else if (!strcmp(cmd, "clients"))
		cmd_clients(c, f);
	else if (!strcmp(cmd, "stats")) {
		fprintf(f, "ok\n");
		if (c->srv->stats)
			stats_write_text(c->srv->stats, f);
	} else if (!strcmp(cmd, "reload"))
		cmd_reload(c, f);
	else if (!strcmp(cmd, "evict"))
		cmd_evict(c, f, arg);
	else
		fprintf(f, "error: unknown command '%.64s' (commands: status, clients, stats, "
			   "reload, evict CLIENTID)\n", cmd);
	if (fclose(f) != 0) {
		free(buf);
		conn_close(c, cn);
		return;
	}
	conn_answer(c, cn, buf, len);
}

/* --- the metrics listener ------------------------------------------------- */

static void write_metrics(struct ctl *c, FILE *f)
{
	struct srv *srv = c->srv;
	struct snapshot *snap = srv_snapshot_get(srv);

	fprintf(f, "# HELP lnfsd_info The running lnfsd.\n# TYPE lnfsd_info gauge\n"
		   "lnfsd_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	fprintf(f, "# HELP lnfsd_uptime_seconds Seconds since the server started.\n"
		   "# TYPE lnfsd_uptime_seconds gauge\nlnfsd_uptime_seconds %" PRIu64 "\n",
		(uint64_t)time(NULL) - srv->boot_time);
	fprintf(f, "# HELP lnfsd_clients Client records (confirmed or not).\n"
		   "# TYPE lnfsd_clients gauge\nlnfsd_clients %u\n",
		state_client_count(srv->state));
	fprintf(f, "# HELP lnfsd_grace 1 while the server is in its grace period.\n"
		   "# TYPE lnfsd_grace gauge\nlnfsd_grace %d\n", state_in_grace(srv->state));
	fprintf(f, "# HELP lnfsd_reclaim_pending Earlier clients that may still reclaim.\n"
		   "# TYPE lnfsd_reclaim_pending gauge\nlnfsd_reclaim_pending %u\n",
		state_reclaim_pending(srv->state));
	fprintf(f, "# HELP lnfsd_exports Exported directories.\n"
		   "# TYPE lnfsd_exports gauge\nlnfsd_exports %u\n", snap->cfg->nexports);
	fprintf(f, "# HELP lnfsd_label_domains Label domains configured.\n"
		   "# TYPE lnfsd_label_domains gauge\nlnfsd_label_domains %u\n",
		snap->cfg->ndomains);
	snapshot_put(snap);
	if (srv->stats)
		stats_write_prometheus(srv->stats, f);
}

static void http_request(struct ctl *c, struct ctl_conn *cn)
{
	char *body = NULL, *buf = NULL, method[16] = "", target[256] = "";
	size_t blen = 0, len = 0;
	const char *status = "200 OK";
	FILE *f;

	cn->in[cn->inlen] = '\0';
	if (sscanf(cn->in, "%15s %255s", method, target) != 2)
		status = "400 Bad Request";
	else if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		status = "405 Method Not Allowed";
	else if (strcmp(target, "/metrics") && strncmp(target, "/metrics?", 9))
		status = "404 Not Found";
	f = open_memstream(&body, &blen);
	if (!f) {
		conn_close(c, cn);
		return;
	}
	if (!strcmp(status, "200 OK"))
		write_metrics(c, f);
	else
		fprintf(f, "%s: lnfsd serves only GET /metrics here\n", status);
	if (fclose(f) != 0) {
		free(body);
		conn_close(c, cn);
		return;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		free(body);
		conn_close(c, cn);
		return;
	}
	fprintf(f, "HTTP/1.0 %s\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		   "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, blen);
	if (strcmp(method, "HEAD"))
		fwrite(body, 1, blen, f);
	free(body);
	if (fclose(f) != 0) {
		free(buf);
		conn_close(c, cn);
		return;
	}
	conn_answer(c, cn, buf, len);
}

/* --- events --------------------------------------------------------------- */

static bool request_complete(const struct ctl_conn *cn)
{
	if (cn->tag.kind == K_CTL_CONN)
		return memchr(cn->in, '\n', cn->inlen) != NULL;
	return strstr(cn->in, "\r\n\r\n") || strstr(cn->in, "\n\n");
}

static void conn_read(struct ctl *c, struct ctl_conn *cn)
{
	bool eof = false;

	while (cn->inlen < CTL_MAX_REQUEST) {
		ssize_t r = recv(cn->fd, cn->in + cn->inlen, CTL_MAX_REQUEST - cn->inlen,
				 MSG_DONTWAIT);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r <= 0) {
			eof = true;
			break;
		}
		cn->inlen += (size_t)r;
		cn->in[cn->inlen] = '\0';
		if (request_complete(cn))
			break;
	}
	cn->in[cn->inlen] = '\0';
	if (!request_complete(cn)) {
		if (cn->inlen >= CTL_MAX_REQUEST) {
			static const char too_long[] = "error: request too long\n";
			char *m = strdup(too_long);

			conn_answer(c, cn, m, m ? strlen(m) : 0);
			return;
		}
		if (!eof)
			return;
		/* a control request without its newline still counts */
		if (cn->tag.kind != K_CTL_CONN || cn->inlen == 0) {
			conn_close(c, cn);
			return;
		}
	}
	if (cn->tag.kind == K_CTL_CONN)
		ctl_request(c, cn);
	else
		http_request(c, cn);
}

static void conn_event(struct ctl *c, struct ctl_conn *cn, uint32_t events)
{
	if (cn->fd < 0)
		return;
	if (cn->writing) {
		if (events & (EPOLLERR | EPOLLHUP))
			conn_close(c, cn);
		else
			conn_flush(c, cn);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_read(c, cn);
}

static bool peer_allowed(int fd)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
		return false;
	return uc.uid == 0 || uc.uid == geteuid();
}

static void accept_all(struct ctl *c, int lfd, enum ctl_kind kind)
{
	for (;;) {
		struct epoll_event ev;
		struct ctl_conn *cn;
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_limited(&c->srv->log_limits[LOG_KIND_CTL], LOG_WARNING,
					    "%s: accept: %s",
					    kind == K_CTL_CONN ? "control socket" : "metrics listener",
					    strerror(errno));
			return;
		}
		if (c->nconns >= CTL_MAX_CONNS) {
			log_limited(&c->srv->log_limits[LOG_KIND_CTL], LOG_WARNING,
				    "%s: more than %u connections at once; closing the newest",
				    kind == K_CTL_CONN ? "control socket" : "metrics listener",
				    CTL_MAX_CONNS);
			close(fd);
			continue;
		}
		if (kind == K_CTL_CONN && !peer_allowed(fd)) {
			static const char no[] = "error: only root (or lnfsd's own user) may use "
						 "the control socket\n";

			if (send(fd, no, sizeof(no) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
				/* nothing more to tell it */
			}
			close(fd);
			continue;
		}
		cn = calloc(1, sizeof(*cn));
		if (!cn) {
			close(fd);
			return;
		}
		cn->tag.kind = kind;
		cn->fd = fd;
		cn->deadline = now_ms() + CTL_TIMEOUT_MS;
		ev.events = EPOLLIN | EPOLLRDHUP;
		ev.data.ptr = &cn->tag;
		if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(cn);
			continue;
		}
		cn->next = c->conns;
		if (c->conns)
			c->conns->prev = cn;
		c->conns = cn;
		c->nconns++;
	}
}

static void sweep(struct ctl *c)
{
	uint64_t expirations, now = now_ms();
	struct ctl_conn *cn, *next;

	if (read(c->timer_fd, &expirations, sizeof(expirations)) < 0) {
		/* EAGAIN: nothing to read; the sweep is harmless either way */
	}
	for (cn = c->conns; cn; cn = next) {
		next = cn->next;
		if (now >= cn->deadline)
			conn_close(c, cn);
	}
}

static void on_ready(void *arg, int fd)
{
	struct ctl *c = arg;
	struct epoll_event ev[16];
	int n, i;

	n = epoll_wait(c->epfd, ev, 16, 0);
	for (i = 0; i < n; i++) {
		struct ctl_tag *t = ev[i].data.ptr;

		switch (t->kind) {
		case K_CTL_LISTEN:
			accept_all(c, c->ctl_fd, K_CTL_CONN);
			break;
		case K_HTTP_LISTEN:
			accept_all(c, c->http_fd, K_HTTP_CONN);
			break;
		case K_TIMER:
			sweep(c);
			break;
		case K_CTL_CONN:
		case K_HTTP_CONN:
			conn_event(c, (struct ctl_conn *)t, ev[i].events);
			break;
		}
	}
	free_dead(c);
}

/* --- set-up --------------------------------------------------------------- */

static int watch(struct ctl *c, int fd, struct ctl_tag *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Bind the control socket at path; on failure a message in why. */
static int open_ctl_socket(struct ctl *c, const char *path, char *why, size_t len)
{
	struct sockaddr_un sa;
	struct stat st;
	char dir[CFG_SOCKET_PATH_MAX + 1], *slash;
	mode_t old;
	int fd, r;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, len, "the path is longer than %zu bytes", sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		/* /run/lnfsd is normally made by systemd (RuntimeDirectory) */
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			snprintf(why, len, "cannot create its directory %s: %s", dir, strerror(errno));
			return r;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(why, len, "socket: %s", strerror(errno));
		return r;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			close(fd);
			snprintf(why, len, "%s exists and is not a socket; remove it or set "
				 "control-socket to another path", path);
			return -EEXIST;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(fd);
			snprintf(why, len, "another lnfsd answers on it; give this one its own "
				 "control-socket");
			return -EADDRINUSE;
		}
		/* a socket nobody listens on: left over from a crash */
		close(fd);
		unlink(path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			r = -errno;
			snprintf(why, len, "socket: %s", strerror(errno));
			return r;
		}
	}
	/* created 0600 from the start: single-threaded here, so the umask
	 * change cannot affect anything else */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(fd, 16) < 0 || stat(path, &st) < 0) {
		r = -errno;
		snprintf(why, len, "%s", strerror(errno));
		close(fd);
		return r;
	}
	c->ctl_fd = fd;
	c->ctl_dev = st.st_dev;
	c->ctl_ino = st.st_ino;
	c->ctl_path = strdup(path);
	return 0;
}

static int open_http(struct ctl *c, const struct cfg_listen *l, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, one = 1, r;

	fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		goto fail;
	c->http_fd = fd;
	fmt_addr(&ss, c->http_addr, sizeof(c->http_addr));
	return 0;
fail:
	r = -errno;
	fmt_addr(&l->addr, c->http_addr, sizeof(c->http_addr));
	snprintf(err, errlen, "metrics-listen %s: %s (choose a free port, or metrics-listen = none)",
		 c->http_addr, strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

int ctl_start(struct srv *srv, const struct cfg *cfg, const struct ctl_hooks *hooks,
	      struct ctl **out, char *err, size_t errlen)
{
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	struct ctl *c = calloc(1, sizeof(*c));
	char why[512];
	int r;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->srv = srv;
	if (hooks)
		c->hooks = *hooks;
	c->ctl_fd = c->http_fd = -1;
	c->ctl_tag.kind = K_CTL_LISTEN;
	c->http_tag.kind = K_HTTP_LISTEN;
	c->timer_tag.kind = K_TIMER;
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->epfd < 0 || c->timer_fd < 0 || timerfd_settime(c->timer_fd, 0, &its, NULL) < 0 ||
	    (r = watch(c, c->timer_fd, &c->timer_tag)) < 0) {
		r = -errno;
		snprintf(err, errlen, "control socket set-up: %s", strerror(errno));
		goto fail;
	}
	if (cfg->control_socket) {
		r = open_ctl_socket(c, cfg->control_socket, why, sizeof(why));
		if (r == 0)
			r = watch(c, c->ctl_fd, &c->ctl_tag);
		if (r < 0)
			log_warn("control socket %s: %s; lnfsctl will not reach this server",
				 cfg->control_socket, why);
		else
			log_info("control socket %s", cfg->control_socket);
	}
	if (cfg->metrics_set) {
		r = open_http(c, &cfg->metrics_listen, err, errlen);
		if (r == 0)
			r = watch(c, c->http_fd, &c->http_tag);
		if (r < 0)
			goto fail;
		log_msg(LOG_NOTICE, "metrics on http://%s/metrics", c->http_addr);
	}
	r = rpc_server_watch_fd(srv->rpc, c->epfd, on_ready, c);
	if (r < 0) {
		snprintf(err, errlen, "cannot watch the control socket: %s", strerror(-r));
		goto fail;
	}
	*out = c;
	return 0;
fail:
	ctl_free(c);
	return r < 0 ? r : -EINVAL;
}

void ctl_free(struct ctl *c)
{
	struct stat st;

	if (!c)
		return;
	while (c->conns)
		conn_close(c, c->conns);
	free_dead(c);
	if (c->ctl_fd >= 0) {
		close(c->ctl_fd);
		/* remove the file only if it is still ours */
		if (c->ctl_path && lstat(c->ctl_path, &st) == 0 && st.st_dev == c->ctl_dev &&
		    st.st_ino == c->ctl_ino)
			unlink(c->ctl_path);
	}
	if (c->http_fd >= 0)
		close(c->http_fd);
	if (c->timer_fd >= 0)
		close(c->timer_fd);
	if (c->epfd >= 0)
		close(c->epfd);
	free(c->ctl_path);
	free(c);
}
