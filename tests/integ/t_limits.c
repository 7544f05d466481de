/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_limits.c - the client-record limit (max-clients in lnfsd.conf), run by
 * t_limits.sh against a server configured with max-clients = N:
 *
 *   - N clients (distinct owners) each get a client ID and a session;
 *   - client N+1 gets NFS4ERR_DELAY from EXCHANGE_ID (RFC 8881 has no
 *     "too many clients" error; DELAY, allowed by §15.2, makes it retry);
 *   - a client already known may still call EXCHANGE_ID again (same owner,
 *     same verifier) and keeps working;
 *   - once one client destroys its client ID, client N+1 gets in.
 *
 * usage: t_limits N   (LNFS_SERVER, LNFS_PORT from the environment)
 * Prints PASS:/FAIL: lines; exit 0 only if all passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/nfs4_client.h"

static unsigned failures;

static void check(bool ok, const char *what, const char *detail)
{
	printf("%s: %s%s%s\n", ok ? "PASS" : "FAIL", what, detail ? ": " : "",
	       detail ? detail : "");
	failures += !ok;
}

static struct nfs4_client *connect_as(const char *owner)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl;

	nfs4_client_opts_init(&o);
	o.host = getenv("LNFS_SERVER");
	o.port = getenv("LNFS_PORT");
	o.owner = owner;
	o.timeout_ms = 10000;
	if (nfs4_client_connect(&o, &cl) < 0) {
		printf("FAIL: connect to %s:%s\n", o.host, o.port);
		exit(1);
	}
	return cl;
}

int main(int argc, char **argv)
{
	struct nfs4_client **cl, *extra;
	char owner[64], buf[128];
	unsigned n, i, ok = 0;
	int rc;

	if (argc != 2 || !getenv("LNFS_SERVER") || !getenv("LNFS_PORT")) {
		fprintf(stderr, "usage: LNFS_SERVER=A LNFS_PORT=P t_limits N\n");
		return 2;
	}
	n = (unsigned)strtoul(argv[1], NULL, 10);
	cl = calloc(n, sizeof(*cl));
	if (!cl)
		return 1;
	for (i = 0; i < n; i++) {
		snprintf(owner, sizeof(owner), "t_limits.%u", i);
		cl[i] = connect_as(owner);
		if (nfs4_client_exchange_id(cl[i]) == 0 && nfs4_client_create_session(cl[i]) == 0)
			ok++;
	}
	snprintf(buf, sizeof(buf), "%u of %u", ok, n);
	check(ok == n, "clients up to max-clients get a client ID and a session", buf);

	extra = connect_as("t_limits.extra");
	rc = nfs4_client_exchange_id(extra);
	snprintf(buf, sizeof(buf), "got %s", rc > 0 ? nfs4_stat_name((nfsstat4)rc) :
				   rc == 0 ? "NFS4_OK" : nfs4_client_error(extra));
	check(rc == NFS4ERR_DELAY, "one more client gets NFS4ERR_DELAY from EXCHANGE_ID", buf);

	rc = nfs4_client_exchange_id(cl[0]);
	snprintf(buf, sizeof(buf), "got %d", rc);
	check(rc == 0, "a known client may repeat EXCHANGE_ID at the limit", buf);
	check(nfs4_null(cl[0]) == 0 && nfs4_client_reclaim_complete(cl[0]) == 0,
	      "a known client keeps working at the limit", nfs4_client_error(cl[0]));

	rc = nfs4_client_teardown(cl[n - 1]);
	check(rc == 0, "a client destroys its client ID", NULL);
	nfs4_client_free(cl[n - 1]);
	cl[n - 1] = NULL;
	rc = nfs4_client_exchange_id(extra);
	if (rc == 0)
		rc = nfs4_client_create_session(extra);
	snprintf(buf, sizeof(buf), "got %d", rc);
	check(rc == 0, "then the waiting client gets in", buf);

	nfs4_client_teardown(extra);
	nfs4_client_free(extra);
	for (i = 0; i < n; i++) {
		if (!cl[i])
			continue;
		nfs4_client_teardown(cl[i]);
		nfs4_client_free(cl[i]);
	}
	free(cl);
	printf("t_limits: %u failed\n", failures);
	return failures ? 1 : 0;
}
