/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc.h - ONC RPC over TCP for the NFS server (RFC 5531): the public contract
 * between the transport (rpc/) and the programs it serves (server/).
 *
 * The transport owns listening sockets, connections, record marking, the
 * call header, credential parsing and the accepted/denied reply header.  A
 * program sees only whole, authenticated calls of its own program/version
 * and writes its results after a reply header the transport already wrote.
 */
#ifndef LNFSD_RPC_H
#define LNFSD_RPC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "xdr/xdr.h"

/* Auth flavours (RFC 5531 §8.2) */
#define RPC_AUTH_NONE 0u
#define RPC_AUTH_SYS 1u
#define RPC_AUTH_SHORT 2u
#define RPC_AUTH_DH 3u
#define RPC_AUTH_GSS 6u

#define RPC_AUTH_SYS_MAX_GIDS 16
#define RPC_AUTH_SYS_MAX_MACHINE 255

/* RPCSEC_GSS version 1 (RFC 2203 §5): rpc_gss_proc_t and rpc_gss_service_t */
#define RPC_GSS_VERS_1 1u
#define RPC_GSS_PROC_DATA 0u
#define RPC_GSS_PROC_INIT 1u
#define RPC_GSS_PROC_CONTINUE_INIT 2u
#define RPC_GSS_PROC_DESTROY 3u
#define RPC_GSS_SVC_NONE 1u
#define RPC_GSS_SVC_INTEGRITY 2u
#define RPC_GSS_SVC_PRIVACY 3u
#define RPC_PRINCIPAL_MAX 255

struct rpc_cred {
	uint32_t flavor;     /* RPC_AUTH_NONE, RPC_AUTH_SYS or RPC_AUTH_GSS */
	uint32_t uid;        /* AUTH_SYS or a mapped principal; 65534 otherwise */
	uint32_t gid;
	uint32_t ngids;
	uint32_t gids[RPC_AUTH_SYS_MAX_GIDS];
	char machine[RPC_AUTH_SYS_MAX_MACHINE + 1]; /* NUL-terminated copy */
	/* RPC_AUTH_GSS only (rpc_gss.h): the service protecting the call, the
	 * authenticated principal ("user@REALM", "nfs/host@REALM") and whether
	 * uid/gid/gids are its local user's (else the caller is anonymous). */
	uint32_t gss_service; /* RPC_GSS_SVC_* */
	bool gss_mapped;
	char principal[RPC_PRINCIPAL_MAX + 1];
};

/* What a program knows about the connection a call came on. */
struct rpc_conn_info {
	uint64_t id;                     /* unique for the server's lifetime */
	struct sockaddr_storage peer;    /* client address */
	socklen_t peer_len;
	struct sockaddr_storage local;   /* our address the client reached */
	socklen_t local_len;
	struct rpc_peer_name *name;      /* rpc_conn_peer_name()'s cache; NULL: none */
};

struct rpc_peer_name;

/*
 * The peer's host name if its address has a reverse name that resolves
 * back to the address, else NULL.  Resolved once per connection by the
 * first caller (which blocks on the resolver; concurrent callers wait) and
 * cached; the string lives as long as the connection.  NULL when the
 * connection has no cache (conn->name NULL).
 */
const char *rpc_conn_peer_name(const struct rpc_conn_info *ci);

struct rpc_call {
	uint32_t xid;
	uint32_t prog, vers, proc;
	struct rpc_cred cred;
	const struct rpc_conn_info *conn; /* borrowed, valid during the call */
	const uint8_t *record;            /* the whole received record (borrowed) */
	size_t record_len;
	struct xdr_in args;               /* positioned at the procedure's arguments */
};

/* What a program's dispatch function tells the transport. */
enum rpc_dispatch_result {
	RPC_DISPATCH_OK = 0,      /* results were appended to res */
	RPC_DISPATCH_GARBAGE,     /* reply GARBAGE_ARGS (transport truncates res) */
	RPC_DISPATCH_SYSTEM_ERR,  /* reply SYSTEM_ERR */
	RPC_DISPATCH_DROP,        /* send nothing (e.g. a retransmission in progress) */
};

/*
 * Called on a worker thread for every call to a registered (prog, vers) and
 * procedure number below nprocs.  `res` is positioned after the accepted
 * reply header (status SUCCESS) and limited to the server's max record size.
 */
typedef enum rpc_dispatch_result (*rpc_dispatch_fn)(void *ctx, const struct rpc_call *call,
						    struct xdr_out *res);

/* Called on the loop thread when a connection closes (ids are not reused),
 * once its last in-flight call has returned: nothing runs for conn_id after. */
typedef void (*rpc_conn_closed_fn)(void *ctx, uint64_t conn_id);

/* Called on the loop thread when a watched descriptor is readable. */
typedef void (*rpc_fd_fn)(void *arg, int fd);

struct rpc_server_opts {
	unsigned threads;          /* worker threads (default 8 if 0) */
	size_t max_record;         /* largest call record accepted (default 1 MiB + 64 KiB) */
	unsigned max_conns;        /* connections beyond this are refused (default 4096) */
	unsigned max_inflight;     /* calls in progress per connection before the transport
				    * stops reading it (default 64); a call counts until
				    * its reply has been written to the socket */
	unsigned idle_timeout;     /* seconds before an idle connection is closed (0 = never) */
};

struct rpc_server;

/* A new server with no listeners; NULL and errno on failure. */
struct rpc_server *rpc_server_new(const struct rpc_server_opts *opts);
/* Register program prog version vers with procedures 0..nprocs-1.  Calls to
 * other versions of a registered program get PROG_MISMATCH (low..high of the
 * registered versions), to unknown programs PROG_UNAVAIL, to procedures
 * >= nprocs PROC_UNAVAIL. */
int rpc_server_register(struct rpc_server *s, uint32_t prog, uint32_t vers, uint32_t nprocs,
			rpc_dispatch_fn fn, void *ctx);
void rpc_server_on_conn_closed(struct rpc_server *s, rpc_conn_closed_fn fn, void *ctx);
/* Listen on "ADDR:PORT", "[V6ADDR]:PORT" or "ADDR" (port 2049).  0 or -errno;
 * *errmsg (static string) says what was wrong with the text.  Numeric
 * addresses only; IPv6 sockets are IPV6_V6ONLY.  Before rpc_server_run()
 * (-EBUSY after), as is rpc_server_register(). */
int rpc_server_listen(struct rpc_server *s, const char *addrport, const char **errmsg);
/* The port actually bound by the n-th listener (useful with port 0), or
 * -ENOENT. */
int rpc_server_bound_port(const struct rpc_server *s, unsigned n);
/* Run the loop on this thread until rpc_server_stop(); starts the workers. */
int rpc_server_run(struct rpc_server *s);
/* Async-signal-safe: make rpc_server_run() return after in-flight calls end. */
void rpc_server_stop(struct rpc_server *s);
/* Watch fd (e.g. a signalfd) from the loop thread. */
int rpc_server_watch_fd(struct rpc_server *s, int fd, rpc_fd_fn fn, void *arg);
/* Stop everything and free; listeners and connections are closed. */
void rpc_server_free(struct rpc_server *s);

/*
 * Maps an authenticated principal to a local identity, once per RPCSEC_GSS
 * context when it is established (on a worker thread, concurrently with
 * other calls).  local_realm is the realm of the server principal that
 * accepted the context.  Returns true with cred->uid/gid/ngids/gids filled
 * in when the principal has a local user; false leaves the caller
 * anonymous.
 */
typedef bool (*rpc_gss_map_fn)(void *ctx, const char *principal, const char *local_realm,
			       struct rpc_cred *cred);

struct rpc_gss_opts {
	const char *keytab;        /* acceptor keytab; NULL: KRB5_KTNAME or the default */
	rpc_gss_map_fn map;        /* NULL: every principal is anonymous */
	void *map_ctx;
	unsigned max_contexts;     /* established contexts kept (default 4096) */
};

/* Accept RPCSEC_GSS (Kerberos v5) calls (rpc_gss.h).  Without it they get
 * AUTH_BADCRED.  Before rpc_server_run(); 0, -ENOTSUP when built without
 * GSSAPI, or -errno.  A keytab that cannot be used yet is not an error: it
 * is tried again at the next context creation. */
int rpc_server_gss_setup(struct rpc_server *s, const struct rpc_gss_opts *o);

#endif
