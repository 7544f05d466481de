/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - one line per event, to stderr in the foreground and to syslog
 * (journald) as a daemon.  The settings are fixed at start-up by log_setup()
 * and read-only afterwards.
 */
#ifndef LNFSD_LOG_H
#define LNFSD_LOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

void log_setup(bool foreground, int verbosity);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool log_enabled(int prio);

/*
 * Messages a client can trigger go through a token bucket per message kind
 * (a struct log_limit, zero-initialised, lock-free): a burst of
 * LOG_LIMIT_BURST lines, then one every LOG_LIMIT_INTERVAL_MS; the next
 * line let through says how many were suppressed.  l NULL: no limit.
 */
#define LOG_LIMIT_BURST 20u
#define LOG_LIMIT_INTERVAL_MS 500u

struct log_limit {
	_Atomic uint64_t tat;		/* GCRA theoretical arrival time, ms */
	atomic_uint suppressed;
};

enum log_kind {
	LOG_KIND_CLIENT = 0,	/* client established / expired / evicted */
	LOG_KIND_LABEL,		/* label denied or rejected */
	LOG_KIND_CTL,		/* control and metrics connections */
	LOG_KIND_COUNT
};

void log_limited(struct log_limit *l, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A peer address (struct sockaddr_in/in6 or NULL) as "a.b.c.d" or "v6addr"
 * for log lines; returns buf ("?" when unknown).  len >= 46 is enough. */
const char *log_addr(const void *sockaddr, char *buf, size_t len);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
