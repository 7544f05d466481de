// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpc_peer.c - a connection peer's verified host name for host-name client
 * rules.  A PTR record alone proves nothing (whoever controls the
 * address's reverse zone picks it), so the name must also resolve forward
 * to the peer's address before it is used, as knfsd's mountd and
 * OpenSSH's UseDNS do.  Resolution happens at most once per connection, on
 * the worker thread of the first call that needs it, never on the loop
 * thread; the server asks only when its configuration has host rules.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "rpc/rpc.h"
#include "rpc/rpc_peer.h"

int rpc_peer_name_init(struct rpc_peer_name *n)
{
	int rc = pthread_mutex_init(&n->lock, NULL);

	atomic_init(&n->done, false);
	n->host[0] = '\0';
	return rc ? -rc : 0;
}

void rpc_peer_name_release(struct rpc_peer_name *n)
{
	pthread_mutex_destroy(&n->lock);
}

/* The peer as a plain IPv4 or IPv6 address (IPv4-mapped IPv6 unmapped). */
static bool plain_addr(const struct sockaddr *sa, int *family, unsigned char *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (sa->sa_family == AF_INET) {
		*family = AF_INET;
		memcpy(a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const unsigned char *b =
			((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;

		if (!memcmp(b, mapped, 12)) {
			*family = AF_INET;
			memcpy(a, b + 12, 4);
		} else {
			*family = AF_INET6;
			memcpy(a, b, 16);
		}
		return true;
	}
	return false;
}

void rpc_peer_resolve(const struct sockaddr *peer, socklen_t len, char *host, size_t hostlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	unsigned char want[16], got[16];
	int wf, gf;
	bool ok = false;

	host[0] = '\0';
	if (!plain_addr(peer, &wf, want))
		return;
	if (getnameinfo(peer, len, host, (socklen_t)hostlen, NULL, 0, NI_NAMEREQD) != 0) {
		host[0] = '\0';
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) == 0) {
		for (ai = res; ai && !ok; ai = ai->ai_next)
			ok = plain_addr(ai->ai_addr, &gf, got) && gf == wf &&
			     !memcmp(got, want, wf == AF_INET ? 4 : 16);
		freeaddrinfo(res);
	}
	if (!ok)
		host[0] = '\0';
}

const char *rpc_conn_peer_name(const struct rpc_conn_info *ci)
{
	struct rpc_peer_name *n = ci->name;

	if (!n)
		return NULL;
	if (!atomic_load_explicit(&n->done, memory_order_acquire)) {
		pthread_mutex_lock(&n->lock);
		if (!atomic_load_explicit(&n->done, memory_order_relaxed)) {
			rpc_peer_resolve((const struct sockaddr *)&ci->peer, ci->peer_len,
					 n->host, sizeof(n->host));
			atomic_store_explicit(&n->done, true, memory_order_release);
		}
		pthread_mutex_unlock(&n->lock);
	}
	return n->host[0] ? n->host : NULL;
}
