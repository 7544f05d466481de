/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - one line per event, to stderr in the foreground and to syslog
 * (journald) as a daemon.  The settings are fixed at start-up by log_setup()
 * and read-only afterwards.
 */
#ifndef LNFSD_LOG_H
#define LNFSD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_setup(bool foreground, int verbosity);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool log_enabled(int prio);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
