/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfs4_gss.h - RPCSEC_GSS version 1 (RFC 2203) with Kerberos v5 for the
 * test client: context creation over the NULL procedure, then every call of
 * the client carries an RPCSEC_GSS DATA credential with the header MIC as
 * verifier, its arguments wrapped for integrity or privacy, and every reply
 * has its verifier checked and its results unwrapped.  Installed on a
 * struct nfs4_client through nfs4_client_set_sec() (nfs4_client.h), so
 * programs that do not use it need no GSSAPI.
 *
 * Credentials: a principal and a client keytab (initial credentials are
 * got from the KDC into a memory ccache), or the default ccache
 * (KRB5CCNAME) when no keytab is given.  Test hooks corrupt or record the
 * next sealed call, so servers can be checked against tampering and
 * replays.
 */
#ifndef LNFSD_TESTS_NFS4_GSS_H
#define LNFSD_TESTS_NFS4_GSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/lib/nfs4_client.h"

#define NFS4_GSS_SVC_NONE 1u
#define NFS4_GSS_SVC_INTEGRITY 2u
#define NFS4_GSS_SVC_PRIVACY 3u

struct nfs4_gss_opts {
	const char *target;        /* host-based service, e.g. "nfs@localhost" */
	uint32_t service;          /* NFS4_GSS_SVC_* */
	const char *principal;     /* client principal (with client_keytab) */
	const char *client_keytab; /* NULL: the default ccache */
};

/*
 * Establish a context (RPCSEC_GSS_INIT / CONTINUE_INIT) and use it for every
 * later call of cl.  0; -EACCES when the server refused the context (its
 * GSS major status in *gss_major when not NULL); -EPERM when the client
 * could not get credentials or a ticket (reason on stderr); -errno
 * otherwise.  On failure cl goes on with its AUTH_SYS/AUTH_NONE flavour.
 */
int nfs4_client_gss_init(struct nfs4_client *cl, const struct nfs4_gss_opts *o,
			 uint32_t *gss_major);
/* The service of the next calls (same context). */
void nfs4_client_gss_set_service(struct nfs4_client *cl, uint32_t service);
/* RPCSEC_GSS_DESTROY.  keep: the client goes on using the handle (tests
 * of a destroyed context); else it goes back to AUTH_SYS. */
int nfs4_client_gss_destroy(struct nfs4_client *cl, bool keep);

/* Test hooks: flip one byte of the next call's protected arguments after
 * sealing; a copy of the last sealed record (mark included), valid until
 * the next call. */
void nfs4_client_gss_tamper_next(struct nfs4_client *cl);
const uint8_t *nfs4_client_gss_last_record(const struct nfs4_client *cl, size_t *len,
					   uint32_t *xid);

#endif
