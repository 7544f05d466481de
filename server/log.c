/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c - logging.  Verbosity 0 shows warnings and errors and the start/stop
 * notices, -v adds informational events (clients, reloads), -vv debug.
 */
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
