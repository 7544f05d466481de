/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c - logging.  Verbosity 0 shows warnings and errors and the start/stop
 * notices, -v adds informational events (clients, reloads), -vv debug.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "server/log.h"

static struct {
	bool foreground;
	int max_prio;
} log_cfg = { true, LOG_NOTICE }; /* written once by log_setup() before threads start */

void log_setup(bool foreground, int verbosity)
{
	log_cfg.foreground = foreground;
	log_cfg.max_prio = verbosity <= 0 ? LOG_NOTICE : verbosity == 1 ? LOG_INFO : LOG_DEBUG;
	if (!foreground)
		openlog("lnfsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool log_enabled(int prio)
{
	return prio <= log_cfg.max_prio;
}

void log_msg(int prio, const char *fmt, ...)
{
	static const char *const names[] = { "emerg", "alert", "crit", "error",
					     "warning", "notice", "info", "debug" };
	char line[1024];
	va_list ap;

	if (!log_enabled(prio))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_cfg.foreground) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld lnfsd %s: %s\n", tm.tm_hour, tm.tm_min,
			tm.tm_sec, ts.tv_nsec / 1000000, names[prio & 7], line);
	} else {
		syslog(prio, "%s", line);
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A token bucket in its GCRA form: one atomic time stamp, no lock. */
static bool log_limit_take(struct log_limit *l, unsigned *suppressed)
{
	const uint64_t tau = (uint64_t)(LOG_LIMIT_BURST - 1) * LOG_LIMIT_INTERVAL_MS;
	uint64_t now = now_ms(), tat, base;

	tat = atomic_load_explicit(&l->tat, memory_order_relaxed);
	do {
		base = tat > now ? tat : now;
		if (base - now > tau) {
			atomic_fetch_add_explicit(&l->suppressed, 1, memory_order_relaxed);
			return false;
		}
	} while (!atomic_compare_exchange_weak_explicit(&l->tat, &tat, base + LOG_LIMIT_INTERVAL_MS,
							memory_order_relaxed,
							memory_order_relaxed));
	*suppressed = atomic_exchange_explicit(&l->suppressed, 0, memory_order_relaxed);
	return true;
}

void log_limited(struct log_limit *l, int prio, const char *fmt, ...)
{
	unsigned suppressed = 0;
	char line[1024];
	va_list ap;

	if (!log_enabled(prio) || (l && !log_limit_take(l, &suppressed)))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (suppressed)
		log_msg(prio, "%s (%u similar messages suppressed)", line, suppressed);
	else
		log_msg(prio, "%s", line);
}

const char *log_addr(const void *sockaddr, char *buf, size_t len)
{
	const struct sockaddr *sa = sockaddr;

	snprintf(buf, len, "?");
	if (!sa)
		return buf;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, len);
	return buf;
}
