/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lnfsctl.c - the administrator's command for a running lnfsd: sends one
 * request line to the control socket (server/ctl.c), prints the answer and
 * exits 0 when it begins with "ok", 1 when the server refused ("error:
 * ..."), 2 for usage errors and 3 when the server cannot be reached.
 * lnfsctl.8 describes the commands.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "config/cfg.h"

#define TIMEOUT_MS 10000

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lnfsctl [-s SOCKET] COMMAND\n"
		"  status            version, uptime, exports, label domains, grace, clients\n"
		"  clients           one line per client: address, domain, sessions, opens,\n"
		"                    locks, lease left\n"
		"  stats             per-operation counts, errors and latency; label counters\n"
		"  reload            re-read the configuration (as SIGHUP)\n"
		"  evict CLIENTID    expire that client's state now\n"
		"  -s, --socket PATH the control socket (default %s)\n"
		"  -V, --version     print the version\n"
		"  -h, --help        this help\n",
		CFG_DEFAULT_CONTROL_SOCKET);
}

static int64_t ms_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* Wait for fd to be ready for events until end: 0, or -1 on time-out. */
static int wait_fd(int fd, short events, const struct timespec *end)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t left;
	int r;

	for (;;) {
		left = ms_left(end);
		if (left <= 0)
			return -1;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv("LNFSCTL_SOCKET");
	char req[512], buf[65536];
	struct sockaddr_un sa;
	struct timespec end;
	size_t len = 0, total = 0;
	bool first = true, ok = false;
	int ch, fd, i;

	if (!path || !*path)
		path = CFG_DEFAULT_CONTROL_SOCKET;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:s:Vh", lopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 'V':
			printf("lnfsctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "lnfsctl: option %s needs a value (try 'lnfsctl --help')\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "lnfsctl: unknown option %s (try 'lnfsctl --help')\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[optind], "status") && strcmp(argv[optind], "clients") &&
	    strcmp(argv[optind], "stats") && strcmp(argv[optind], "reload") &&
	    strcmp(argv[optind], "evict")) {
		fprintf(stderr, "lnfsctl: unknown command '%s' (try 'lnfsctl --help')\n",
			argv[optind]);
		return 2;
	}
	if (!strcmp(argv[optind], "evict") ? argc - optind != 2 : argc - optind != 1) {
		fprintf(stderr, "lnfsctl: %s\n",
			!strcmp(argv[optind], "evict") ?
				"evict takes exactly one client ID (see 'lnfsctl clients')" :
				"this command takes no arguments (try 'lnfsctl --help')");
		return 2;
	}
	for (i = optind; i < argc; i++) {
		int n = snprintf(req + len, sizeof(req) - len, "%s%s", i > optind ? " " : "",
				 argv[i]);

		if (n < 0 || (size_t)n >= sizeof(req) - len - 1 || strpbrk(argv[i], "\r\n")) {
			fprintf(stderr, "lnfsctl: the request is too long or has a line break\n");
			return 2;
		}
		len += (size_t)n;
	}
	req[len++] = '\n';

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "lnfsctl: %s: the socket path is too long (at most %zu bytes)\n",
			path, sizeof(sa.sun_path) - 1);
		return 2;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		fprintf(stderr, "lnfsctl: cannot reach lnfsd at %s: %s\n", path, strerror(e));
		if (e == ENOENT || e == ECONNREFUSED)
			fprintf(stderr, "lnfsctl: is lnfsd running (systemctl status lnfsd)? "
					"If its control-socket is elsewhere, give it with -s\n");
		else if (e == EACCES)
			fprintf(stderr, "lnfsctl: the socket is root's (mode 0600): run lnfsctl "
					"as root\n");
		return 3;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += TIMEOUT_MS / 1000;
	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		fprintf(stderr, "lnfsctl: sending the request to %s failed: %s\n", path,
			strerror(errno));
		return 3;
	}
	shutdown(fd, SHUT_WR);
	for (;;) {
		ssize_t r;

		if (wait_fd(fd, POLLIN, &end) < 0) {
			fprintf(stderr, "lnfsctl: lnfsd did not answer within %d s\n",
				TIMEOUT_MS / 1000);
			return 3;
		}
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "lnfsctl: reading the answer failed: %s\n", strerror(errno));
			return 3;
		}
		if (r == 0)
			break;
		if (first) {
			/* the status line: "ok" or "error: ..." */
			char *nl = memchr(buf, '\n', (size_t)r);
			size_t skip = nl ? (size_t)(nl - buf) + 1 : (size_t)r;

			ok = r >= 2 && !memcmp(buf, "ok", 2) && (r == 2 || buf[2] == '\n');
			if (!ok)
				fprintf(stderr, "lnfsctl: %.*s\n", (int)(skip - (nl ? 1 : 0)), buf);
			fwrite(buf + skip, 1, (size_t)r - skip, ok ? stdout : stderr);
			first = false;
		} else {
			fwrite(buf, 1, (size_t)r, ok ? stdout : stderr);
		}
		total += (size_t)r;
	}
	close(fd);
	if (!total) {
		fprintf(stderr, "lnfsctl: lnfsd closed the connection without an answer\n");
		return 3;
	}
	return ok ? 0 : 1;
}
