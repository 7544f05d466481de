/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h - operating a running lnfsd: the control socket lnfsctl talks to
 * (a UNIX socket, one text request per connection: status, clients, stats,
 * reload, evict CLIENTID), the optional Prometheus metrics listener
 * (GET /metrics over HTTP/1.x) and systemd's readiness notification.  Both
 * listeners are served from the RPC loop thread through one descriptor it
 * watches (an epoll set of their own), never block, and close connections
 * that take longer than CTL_TIMEOUT_MS.
 */
#ifndef LNFSD_CTL_H
#define LNFSD_CTL_H

#include <stddef.h>

struct cfg;
struct srv;
struct ctl;

#define CTL_TIMEOUT_MS 5000u	/* a whole request and its answer */
#define CTL_MAX_CONNS 32u	/* more at once are closed at accept */
#define CTL_MAX_REQUEST 4096u	/* bytes of a request (line or HTTP head) */

struct ctl_hooks {
	/* The work of SIGHUP: 0, or -1 with what went wrong in msg. */
	int (*reload)(void *arg, char *msg, size_t len);
	void *arg;
};

/*
 * Opens cfg's control-socket (if any; failing that only a warning is logged
 * and lnfsd runs without one) and metrics-listen (if any; failure is an
 * error: 0 or -errno with a message in err) and watches them from srv->rpc,
 * which must exist and not run yet.  *out is freed by ctl_free() after the
 * loop has stopped.
 */
int ctl_start(struct srv *srv, const struct cfg *cfg, const struct ctl_hooks *hooks,
	      struct ctl **out, char *err, size_t errlen);
/* Closes everything and removes the control socket's file. */
void ctl_free(struct ctl *c);

/*
 * Sends msg ("READY=1", "RELOADING=1", "STOPPING=1", "STATUS=...") to the
 * service manager over $NOTIFY_SOCKET (sd_notify(3)'s protocol: one
 * datagram on a UNIX socket, '@' for the abstract namespace).  Without
 * $NOTIFY_SOCKET it does nothing and returns 0; else 0 or -errno.
 */
int ctl_sd_notify(const char *msg);

#endif
