/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpc_peer.h - the verified host name of a connection's peer, resolved
 * once per connection on first use (rpc_conn_peer_name(), rpc.h) and
 * cached.  The transport embeds one struct rpc_peer_name in each
 * connection and points rpc_conn_info.name at it.
 */
#ifndef LNFSD_RPC_PEER_H
#define LNFSD_RPC_PEER_H

#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>

struct rpc_peer_name {
	pthread_mutex_t lock;   /* held while resolving */
	atomic_bool done;       /* host is final (release/acquire) */
	char host[NI_MAXHOST];  /* "" when the peer has no verified name */
};

/* 0 or -errno (the mutex). */
int rpc_peer_name_init(struct rpc_peer_name *n);
void rpc_peer_name_release(struct rpc_peer_name *n);

/*
 * The name of peer when it passes the reverse-then-forward check: the
 * address has a PTR name (getnameinfo with NI_NAMEREQD) and that name
 * resolves back to the same address.  Writes "" otherwise.  Blocks on the
 * resolver (files, DNS per nsswitch.conf).
 */
void rpc_peer_resolve(const struct sockaddr *peer, socklen_t len, char *host, size_t hostlen);

#endif
