/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - lnfsd start-up: the command line, the configuration snapshot,
 * the listeners, signals (SIGTERM/SIGINT stop, SIGHUP reloads without
 * dropping clients) and the hand-over to the RPC loop.  Everything the
 * server needs lives in one struct srv created here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "config/cfg.h"
#include "lfs/lfs.h"
#include "rpc/rpc.h"
#include "server/caps.h"
#include "server/ctl.h"
#include "server/export.h"
#include "server/idmap.h"
#include "server/limits.h"
#include "server/log.h"
#include "server/nfs4_prog.h"
#include "server/srv.h"
#include "server/state.h"
#include "server/stats.h"
#include "xdr/nfs4_prot.h"

#define MAX_CLI 64

struct options {
	bool foreground;
	bool check_config;
	int verbose;
	const char *conf;           /* -c */
	const char *listen[MAX_CLI];
	unsigned nlisten;
	const char *exports[MAX_CLI];
	unsigned nexports;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lnfsd [-f] [-v]... [-c FILE] [-l ADDR[:PORT]]... [-e PATH]... [--check-config]\n"
		"  -f, --foreground     stay in the foreground and log to stderr\n"
		"  -c, --config FILE    configuration file (default %s if it exists)\n"
		"  -l, --listen A[:P]   listen on address A, port P (default 2049); repeatable;\n"
		"                       IPv6 as [ADDR]:PORT\n"
		"  -e, --export PATH    export directory PATH read-write to every client, seen by\n"
		"                       clients at PATH itself; repeatable; needs no config file\n"
		"      --check-config   check the configuration, print it and exit\n"
		"  -v, --verbose        more log messages (-vv for debug)\n"
		"  -V, --version        print the version\n"
		"  -h, --help           this help\n",
		CFG_DEFAULT_CONF_PATH);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option lopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "export", required_argument, NULL, 'e' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":fc:l:e:vVh", lopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o->foreground = true;
			break;
		case 'c':
			o->conf = optarg;
			break;
		case 'l':
			if (o->nlisten == MAX_CLI) {
				fprintf(stderr, "lnfsd: too many -l options (at most %d)\n", MAX_CLI);
				return -1;
			}
			o->listen[o->nlisten++] = optarg;
			break;
		case 'e':
			if (o->nexports == MAX_CLI) {
				fprintf(stderr, "lnfsd: too many -e options (at most %d)\n", MAX_CLI);
				return -1;
			}
			if (optarg[0] != '/') {
				fprintf(stderr,
					"lnfsd: -e %s: the export must be an absolute path (e.g. -e /srv/nfs)\n",
					optarg);
				return -1;
			}
			o->exports[o->nexports++] = optarg;
			break;
		case 'C':
			o->check_config = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'V':
			printf("lnfsd %s\n", PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			fprintf(stderr, "lnfsd: option %s needs a value (try 'lnfsd --help')\n",
				argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "lnfsd: unknown option %s (try 'lnfsd --help')\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lnfsd: unexpected argument '%s' (try 'lnfsd --help')\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* Build a sealed configuration from the options: the config file (given,
 * or the default one when it exists and no -e was given), then -e paths. */
static int build_cfg(const struct options *o, struct cfg **out, char *err, size_t errlen)
{
	struct cfg *cfg = cfg_new_default();
	const char *conf = o->conf;
	unsigned i;
	int r;

	if (!cfg) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!conf && o->nexports == 0 && access(CFG_DEFAULT_CONF_PATH, F_OK) == 0)
		conf = CFG_DEFAULT_CONF_PATH;
	if (conf) {
		r = cfg_read(cfg, conf, err, errlen);
		if (r < 0)
			goto fail;
	}
	for (i = 0; i < o->nexports; i++) {
		r = cfg_add_export_path(cfg, o->exports[i], err, errlen);
		if (r < 0)
			goto fail;
	}
	r = cfg_finish(cfg, err, errlen);
	if (r < 0)
		goto fail;
	r = cfg_check_paths(cfg, err, errlen);
	if (r < 0)
		goto fail;
	if (cfg->nexports == 0) {
		snprintf(err, errlen,
			 "nothing to export: give -e PATH, or -c FILE with an exports file (see lnfsd --help)");
		r = -EINVAL;
		goto fail;
	}
	*out = cfg;
	return 0;
fail:
	cfg_put(cfg);
	return r;
}

static void format_listen(const struct cfg_listen *l, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (l->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&l->addr;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&l->addr;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
}

static void conn_closed(void *ctx, uint64_t conn_id)
{
	state_conn_closed(ctx, conn_id);
}

struct sigctx {
	struct srv *srv;
	const struct options *opts;
	int sfd;
	bool sys_admin_dropped; /* held at start, dropped by caps_drop */
};

/* The label domain of cfg whose labels need CAP_SYS_ADMIN (a trusted.* or
 * security.* xattr), or NULL when every domain stores user.* xattrs: then
 * lnfsd drops CAP_SYS_ADMIN after start-up (docs/security.md). */
static const struct cfg_domain *domain_needing_sys_admin(const struct cfg *cfg)
{
	unsigned i;

	for (i = 0; i < cfg->ndomains; i++)
		if (!strncmp(cfg->domains[i].xattr, "trusted.", 8) ||
		    !strncmp(cfg->domains[i].xattr, "security.", 9))
			return &cfg->domains[i];
	return NULL;
}

/* SIGHUP and "lnfsctl reload": 0, or -1 with the reason in msg. */
static int reload(struct sigctx *sc, char *msg, size_t len)
{
	char err[1024] = "";
	struct snapshot *snap;
	struct cfg *cfg = NULL;
	const struct cfg_domain *d;

	ctl_sd_notify("RELOADING=1");
	if (build_cfg(sc->opts, &cfg, err, sizeof(err)) < 0)
		cfg = NULL;
	else if (sc->sys_admin_dropped && (d = domain_needing_sys_admin(cfg)) != NULL) {
		snprintf(err, sizeof(err),
			 "label domain %s stores labels in %s, which needs CAP_SYS_ADMIN; lnfsd "
			 "dropped it at start because no domain then used a trusted.* or "
			 "security.* xattr: restart lnfsd to use this configuration",
			 d->name, d->xattr);
		cfg_put(cfg);
		cfg = NULL;
	}
	if (!cfg || snapshot_new(sc->srv, cfg, &snap, err, sizeof(err)) < 0) {
		log_err("reload failed, keeping the running configuration: %s", err);
		snprintf(msg, len, "%s", err);
		ctl_sd_notify("READY=1");
		return -1;
	}
	state_set_lease_time(sc->srv->state, snap->cfg->lease_time);
	/* lowering max-clients keeps the records over it until they go */
	state_set_limits(sc->srv->state,
			 &(struct state_limits){ .max_clients = snap->cfg->max_clients });
	snprintf(msg, len, "configuration reloaded: %u exports, %u label domains",
		 snap->cfg->nexports, snap->cfg->ndomains);
	srv_snapshot_swap(sc->srv, snap);
	log_msg(LOG_NOTICE, "%s", msg);
	ctl_sd_notify("READY=1");
	return 0;
}

static int ctl_reload(void *arg, char *msg, size_t len)
{
	return reload(arg, msg, len);
}

static void on_signal(void *arg, int fd)
{
	struct sigctx *sc = arg;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP: {
			char msg[1024];

			reload(sc, msg, sizeof(msg));
			break;
		}
		case SIGTERM:
		case SIGINT:
			log_msg(LOG_NOTICE, "signal %u: shutting down", si.ssi_signo);
			ctl_sd_notify("STOPPING=1");
			rpc_server_stop(sc->srv->rpc);
			break;
		default:
			break;
		}
	}
}

static void server_identity(struct srv *s)
{
	char host[256] = "localhost";
	uint8_t rnd[8];

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = 0;
	s->boot_time = (uint64_t)time(NULL);
	/* a new write verifier every start (RFC 8881 §18.32.3) */
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memcpy(rnd, &s->boot_time, sizeof(rnd));
	{
		uint64_t v;

		memcpy(&v, rnd, sizeof(v));
		atomic_init(&s->write_verf, v);
	}
	s->server_owner_len = (uint32_t)snprintf((char *)s->server_owner, sizeof(s->server_owner),
						 "lnfsd@%s", host);
	if (s->server_owner_len >= sizeof(s->server_owner))
		s->server_owner_len = sizeof(s->server_owner) - 1;
	snprintf(s->server_scope, sizeof(s->server_scope), "lnfsd@%s", host);
}

/* What an unprivileged lnfsd does differently (decisions.md 3), said once. */
static void unprivileged_notes(struct srv *s, const struct caps *caps, const struct cfg *cfg)
{
	unsigned i;

	s->single_user = !caps->setid;
	if (s->single_user)
		log_warn("no CAP_SETUID/CAP_SETGID: every operation runs as uid %u gid %u, so "
			 "per-user permissions are not enforced beyond that user's own rights; "
			 "squash settings (root_squash, all_squash, anonuid, anongid) do not apply",
			 (unsigned)geteuid(), (unsigned)getegid());
	if (!caps->dac_read_search)
		log_warn("no CAP_DAC_READ_SEARCH: file handles are lnfsd's own (an index in "
			 "%s and a search of the export), see docs/design.md", cfg->state_dir);
	if (caps->sys_admin)
		return;
	for (i = 0; i < cfg->ndomains; i++)
		if (!strncmp(cfg->domains[i].xattr, "trusted.", 8) ||
		    !strncmp(cfg->domains[i].xattr, "security.", 9))
			log_warn("no CAP_SYS_ADMIN: label domain %s cannot store labels in %s "
				 "(use xattr = user.lnfs.%s)", cfg->domains[i].name,
				 cfg->domains[i].xattr, cfg->domains[i].name);
}

/* Every connection and every open file holds a descriptor: use the whole
 * hard limit (a soft limit of 1024 stopped accepting at ~1000 clients;
 * tests/load/load.sh). */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warn("cannot raise the open files limit to %llu: %s",
			 (unsigned long long)rl.rlim_max, strerror(errno));
}

int main(int argc, char **argv)
{
	struct rpc_server_opts ropts;
	struct options opts;
	struct srv srv;
	struct snapshot *snap;
	struct sigctx sc;
	struct ctl_hooks hooks;
	struct ctl *ctl = NULL;
	struct caps caps;
	struct cfg *cfg;
	char err[1024] = "";
	const char *emsg;
	sigset_t mask;
	unsigned i;
	int r;

	if (parse_args(argc, argv, &opts) < 0)
		return 2;
	if (build_cfg(&opts, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "lnfsd: %s\n", err);
		return 1;
	}
	if (opts.check_config) {
		cfg_dump(cfg, stdout);
		if (cfg_host_context_inert(cfg, err, sizeof(err)))
			fprintf(stderr, "lnfsd: warning: %s\n", err);
		cfg_put(cfg);
		return 0;
	}
	log_setup(opts.foreground, opts.verbose);
	raise_nofile();
	umask(0);

	memset(&srv, 0, sizeof(srv));
	pthread_mutex_init(&srv.snap_lock, NULL);
	srv.verbose = opts.verbose;
	srv.lease_time = cfg->lease_time;
	srv.stats = stats_new();
	if (!srv.stats) {
		fprintf(stderr, "lnfsd: out of memory\n");
		return 1;
	}
	server_identity(&srv);
	if (caps_probe(&caps) < 0)
		log_warn("cannot read the process capabilities: assuming none");
	unprivileged_notes(&srv, &caps, cfg);
	r = fh_key_load(cfg->state_dir, srv.fh_key);
	if (r < 0) {
		log_warn("cannot keep the file handle key in %s (%s): handles will not survive a restart",
			 cfg->state_dir, strerror(-r));
		if (getrandom(srv.fh_key, sizeof(srv.fh_key), 0) != (ssize_t)sizeof(srv.fh_key))
			return 1;
	}
	/* integrity tags: state-dir/label.key, read or created on first use */
	lfs_key_init(cfg->state_dir);
	r = lfs_fallback_open(cfg->state_dir, &srv.label_fb);
	if (r < 0)
		log_warn("no fallback label store in %s (%s): symlinks and special files "
			 "cannot be labelled in user.* domains", cfg->state_dir, strerror(-r));
	else if ((r = lfs_fallback_sweep_tmp(srv.label_fb)) > 0)
		log_info("fallback label store: removed %d temporary files left by an "
			 "earlier run", r);
	/* index handles (export.h) for exports open_by_handle_at() cannot serve */
	srv.fh_index = fh_index_new(0);
	if (!srv.fh_index) {
		fprintf(stderr, "lnfsd: out of memory\n");
		return 1;
	}
	r = fh_index_persist(srv.fh_index, cfg->state_dir);
	if (r < 0 && !caps.dac_read_search)
		log_warn("cannot keep the file handle index in %s (%s): after a restart, handles "
			 "are found by searching the exports", cfg->state_dir, strerror(-r));
	r = snapshot_new(&srv, cfg, &snap, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "lnfsd: %s\n", err);
		return 1;
	}
	srv.snap = snap;

	srv.state = state_table_new(&srv, snap->cfg->lease_time);
	if (!srv.state) {
		fprintf(stderr, "lnfsd: out of memory\n");
		return 1;
	}
	state_set_limits(srv.state, &(struct state_limits){ .max_clients = snap->cfg->max_clients });
	/* client records and the grace period (RFC 8881 §8.4.2) */
	r = state_recovery_init(srv.state, snap->cfg->state_dir, snap->cfg->grace_time);
	if (r < 0)
		log_warn("cannot keep client records in %s/clients (%s): clients will not be "
			 "able to reclaim after a restart",
			 snap->cfg->state_dir,
			 r == -EBUSY ? "another lnfsd uses it" : strerror(-r));

	memset(&ropts, 0, sizeof(ropts));
	ropts.threads = snap->cfg->threads;
	/* Close connections idle for 6 minutes, as knfsd does: a mounted
	 * Linux client renews its lease long before that, and a closed idle
	 * connection is simply reopened; stalled ones no longer pile up. */
	ropts.idle_timeout = 360;
	ropts.max_record = snap->cfg->max_record > LNFS_MAX_RECORD ? snap->cfg->max_record :
								      LNFS_MAX_RECORD;
	ropts.max_conns = snap->cfg->max_conns;
	ropts.max_inflight = snap->cfg->max_requests;
	srv.rpc = rpc_server_new(&ropts);
	if (!srv.rpc) {
		fprintf(stderr, "lnfsd: cannot create the RPC server: %s\n", strerror(errno));
		return 1;
	}
	rpc_server_register(srv.rpc, NFS4_PROGRAM, NFS_V4, 2, nfs4_dispatch, &srv);
	rpc_server_on_conn_closed(srv.rpc, conn_closed, srv.state);
	{
		/* RPCSEC_GSS: Kerberos contexts accepted with the configured
		 * keytab (else KRB5_KTNAME), principals mapped by idmap.c */
		struct rpc_gss_opts gopts = { .keytab = snap->cfg->keytab,
					      .map = idmap_gss_principal };

		r = rpc_server_gss_setup(srv.rpc, &gopts);
		if (r < 0 && r != -ENOTSUP)
			log_warn("RPCSEC_GSS not available: %s", strerror(-r));
	}

	if (opts.nlisten) {
		for (i = 0; i < opts.nlisten; i++) {
			r = rpc_server_listen(srv.rpc, opts.listen[i], &emsg);
			if (r < 0) {
				fprintf(stderr, "lnfsd: -l %s: %s\n", opts.listen[i],
					r == -EINVAL && emsg ? emsg : strerror(-r));
				return 1;
			}
		}
	} else if (snap->cfg->nlisten) {
		for (i = 0; i < snap->cfg->nlisten; i++) {
			char spec[128];

			format_listen(&snap->cfg->listen[i], spec, sizeof(spec));
			r = rpc_server_listen(srv.rpc, spec, &emsg);
			if (r < 0) {
				fprintf(stderr, "lnfsd: %s:%u: listen %s: %s\n",
					snap->cfg->conf_path ? snap->cfg->conf_path : "config",
					snap->cfg->listen[i].line, spec,
					r == -EINVAL && emsg ? emsg : strerror(-r));
				return 1;
			}
		}
	} else {
		r = rpc_server_listen(srv.rpc, "0.0.0.0:2049", &emsg);
		if (r == 0)
			r = rpc_server_listen(srv.rpc, "[::]:2049", &emsg);
		if (r < 0) {
			fprintf(stderr, "lnfsd: cannot listen on port 2049: %s (use -l ADDR:PORT)\n",
				strerror(-r));
			return 1;
		}
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sc.srv = &srv;
	sc.sys_admin_dropped = false;
	sc.opts = &opts;
	sc.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sc.sfd < 0 || rpc_server_watch_fd(srv.rpc, sc.sfd, on_signal, &sc) < 0) {
		fprintf(stderr, "lnfsd: signal setup failed: %s\n", strerror(errno));
		return 1;
	}
	hooks.reload = ctl_reload;
	hooks.arg = &sc;
	r = ctl_start(&srv, snap->cfg, &hooks, &ctl, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "lnfsd: %s: %s\n",
			snap->cfg->conf_path ? snap->cfg->conf_path : "config", err);
		return 1;
	}

	if (!opts.foreground && daemon(0, 0) < 0) {
		fprintf(stderr, "lnfsd: cannot become a daemon: %s\n", strerror(errno));
		return 1;
	}
	/* least privilege (caps.h): listeners, state dir and control socket
	 * are set up, and no thread exists yet to keep the old sets */
	{
		uint64_t kept;
		char names[256];

		r = caps_drop(domain_needing_sys_admin(snap->cfg) != NULL, &kept);
		if (r < 0) {
			log_err("cannot drop capabilities: %s", strerror(-r));
			return 1;
		}
		if (r == 0) {
			caps_names(kept, names, sizeof(names));
			log_info("capabilities kept: %s", names);
		}
		sc.sys_admin_dropped = caps.sys_admin && r == 0 && !((kept >> CAP_SYS_ADMIN) & 1);
	}
	if (state_start_laundromat(srv.state) < 0) {
		log_err("cannot start the lease thread");
		return 1;
	}
	for (i = 0; i < snap->cfg->nexports; i++)
		log_msg(LOG_NOTICE, "exporting %s (id %u)%s", snap->cfg->exports[i].path,
			snap->cfg->exports[i].id,
			exports_by_id(snap->exports, snap->cfg->exports[i].id)->by_index ?
				", file handles by lnfsd's index (open_by_handle_at() refused)" :
				"");
	log_msg(LOG_NOTICE, "lnfsd %s ready: NFSv4.1/4.2, port %d", PACKAGE_VERSION,
		rpc_server_bound_port(srv.rpc, 0));
	{
		char ready[128];

		snprintf(ready, sizeof(ready), "READY=1\nMAINPID=%ld\nSTATUS=serving %u exports",
			 (long)getpid(), snap->cfg->nexports);
		r = ctl_sd_notify(ready);
		if (r < 0)
			log_warn("cannot tell the service manager that lnfsd is ready "
				 "($NOTIFY_SOCKET): %s", strerror(-r));
	}

	r = rpc_server_run(srv.rpc);
	state_stop_laundromat(srv.state);
	rpc_server_free(srv.rpc);
	ctl_free(ctl);
	stats_free(srv.stats);
	state_table_free(srv.state);
	snapshot_put(srv.snap);
	lfs_fallback_close(srv.label_fb);
	fh_index_free(srv.fh_index);
	close(sc.sfd);
	log_msg(LOG_NOTICE, "stopped");
	return r < 0 ? 1 : 0;
}
