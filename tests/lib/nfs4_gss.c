/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfs4_gss.c - the client side of RPCSEC_GSS version 1 (RFC 2203) with
 * Kerberos v5 through MIT GSSAPI, plugged into struct nfs4_client as a
 * struct nfs4_sec_ops (see nfs4_gss.h).  Every reply byte is read through
 * the xdr/ cursor; GSSAPI sees only checked buffers.  Test code: failures
 * come back as -errno with a message in the client, nothing exits.
 */
#include "tests/lib/nfs4_gss.h"

#include <errno.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RPC_AUTH_GSS 6u
#define GSS_VERS_1 1u
#define GSS_PROC_DATA 0u
#define GSS_PROC_INIT 1u
#define GSS_PROC_CONTINUE_INIT 2u
#define GSS_PROC_DESTROY 3u
#define AUTH_BODY_MAX 400u

struct nfs4_gss {
	gss_ctx_id_t ctx;
	gss_cred_id_t cred;
	uint8_t handle[AUTH_BODY_MAX];
	uint32_t handle_len;
	uint32_t proc;          /* of the next call */
	uint32_t service;
	uint32_t seq;           /* last seq_num sent */
	uint32_t window;
	uint32_t major, minor;  /* of the last INIT reply */
	bool tamper_next;
	uint8_t *last;          /* last sealed record */
	size_t last_len;
	char ccache[128];
};

static void sec_free(void *p)
{
	struct nfs4_gss *g = p;
	OM_uint32 minor;

	if (!g)
		return;
	if (g->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &g->ctx, GSS_C_NO_BUFFER);
	if (g->cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&minor, &g->cred);
	free(g->last);
	free(g);
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* rpc_gss_cred_vers_1_t, then an empty verifier sealing replaces. */
static void sec_put_cred(void *p, struct xdr_out *x, uint64_t *cookie)
{
	struct nfs4_gss *g = p;
	uint32_t seq = 0;
	size_t len_pos;

	if (g->proc == GSS_PROC_DATA || g->proc == GSS_PROC_DESTROY)
		seq = ++g->seq;
	xdr_put_u32(x, RPC_AUTH_GSS);
	len_pos = xdr_out_pos(x);
	xdr_put_u32(x, 0);
	xdr_put_u32(x, GSS_VERS_1);
	xdr_put_u32(x, g->proc);
	xdr_put_u32(x, seq);
	xdr_put_u32(x, g->service);
	xdr_put_opaque(x, g->handle, g->handle_len);
	if (!x->overflow)
		xdr_set_u32_at(x, len_pos, (uint32_t)(xdr_out_pos(x) - len_pos - 4));
	xdr_put_u32(x, 0);	/* verifier: AUTH_NONE for INIT, else replaced */
	xdr_put_u32(x, 0);
	*cookie = ((uint64_t)g->proc << 32) | seq;
}

static int get_mic(struct nfs4_gss *g, const void *data, size_t len, gss_buffer_t mic)
{
	gss_buffer_desc in = { len, (void *)data };
	OM_uint32 minor;

	return GSS_ERROR(gss_get_mic(&minor, g->ctx, GSS_C_QOP_DEFAULT, &in, mic)) ? -EACCES : 0;
}

static bool mic_ok(struct nfs4_gss *g, const void *data, size_t len, const void *tok,
		   size_t toklen)
{
	gss_buffer_desc in = { len, (void *)data }, t = { toklen, (void *)tok };
	OM_uint32 minor;

	return !GSS_ERROR(gss_verify_mic(&minor, g->ctx, &in, &t, NULL));
}

/*
 * DATA and DESTROY: the verifier becomes the MIC of the header (xid up to
 * the end of the credential, RFC 2203 §5.3.1); DATA arguments are wrapped
 * for integrity (seq_num + args, then their MIC) or privacy (gss_wrap of
 * seq_num + args), §5.3.2.
 */
static int sec_seal(void *p, struct xdr_out *x, uint64_t cookie)
{
	struct nfs4_gss *g = p;
	uint32_t proc = (uint32_t)(cookie >> 32), seq = (uint32_t)cookie, clen;
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER, wrapped = GSS_C_EMPTY_BUFFER, in;
	size_t hdr_end, args_pos, args_len;
	struct xdr_out n;
	uint8_t *body = NULL;
	OM_uint32 minor;
	int conf = 0, rc = 0;

	if (proc != GSS_PROC_DATA && proc != GSS_PROC_DESTROY)
		return 0;
	/* record mark, xid, CALL, rpcvers, prog, vers, proc, flavor, length */
	if (x->len < 36)
		return -EINVAL;
	clen = be32(x->buf + 32);
	hdr_end = 36 + XDR_PAD(clen);
	args_pos = hdr_end + 8;
	if (x->len < args_pos)
		return -EINVAL;
	args_len = x->len - args_pos;
	if (get_mic(g, x->buf + 4, hdr_end - 4, &mic) < 0)
		return -EACCES;
	xdr_out_init(&n, x->limit + 4096);
	xdr_put_fixed(&n, x->buf, hdr_end);
	xdr_put_u32(&n, RPC_AUTH_GSS);
	xdr_put_opaque(&n, mic.value, (uint32_t)mic.length);
	gss_release_buffer(&minor, &mic);
	if (proc == GSS_PROC_DESTROY || g->service == NFS4_GSS_SVC_NONE) {
		xdr_put_fixed(&n, x->buf + args_pos, args_len);
	} else {
		body = malloc(args_len + 4);
		if (!body) {
			rc = -ENOMEM;
			goto out;
		}
		put_be32(body, seq);
		memcpy(body + 4, x->buf + args_pos, args_len);
		in.value = body;
		in.length = args_len + 4;
		if (g->service == NFS4_GSS_SVC_INTEGRITY) {
			if (get_mic(g, body, args_len + 4, &mic) < 0) {
				rc = -EACCES;
				goto out;
			}
			if (g->tamper_next)
				body[args_len + 3] ^= 0x01; /* after the checksum was made */
			xdr_put_opaque(&n, body, (uint32_t)(args_len + 4));
			xdr_put_opaque(&n, mic.value, (uint32_t)mic.length);
			gss_release_buffer(&minor, &mic);
		} else {
			if (GSS_ERROR(gss_wrap(&minor, g->ctx, 1, GSS_C_QOP_DEFAULT, &in, &conf,
					       &wrapped)) || !conf) {
				gss_release_buffer(&minor, &wrapped);
				rc = -EACCES;
				goto out;
			}
			if (g->tamper_next && wrapped.length)
				((uint8_t *)wrapped.value)[wrapped.length - 1] ^= 0x01;
			xdr_put_opaque(&n, wrapped.value, (uint32_t)wrapped.length);
			gss_release_buffer(&minor, &wrapped);
		}
	}
	g->tamper_next = false;
	if (n.overflow) {
		rc = -EMSGSIZE;
		goto out;
	}
	xdr_out_release(x);
	*x = n;
	memset(&n, 0, sizeof(n));
	free(g->last);
	g->last = malloc(x->len);
	g->last_len = g->last ? x->len : 0;
	if (g->last) {
		memcpy(g->last, x->buf, x->len);
		/* the caller sets the mark after sealing: do it in the copy */
		put_be32(g->last, 0x80000000u | (uint32_t)(x->len - 4));
	}
out:
	free(body);
	xdr_out_release(&n);
	return rc;
}

/* Reply of a DATA or DESTROY call: verifier = MIC of seq_num (§5.3.3.2);
 * SUCCESS results unwrapped per service (§5.3.3.4). */
static int sec_unseal(void *p, uint64_t cookie, uint8_t **rec, size_t *len,
		      struct nfs4_rpc_reply *r)
{
	struct nfs4_gss *g = p;
	uint32_t proc = (uint32_t)(cookie >> 32), seq = (uint32_t)cookie, v, flavor;
	struct xdr_view verf, body, sum;
	struct xdr_in x;
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 minor;
	uint8_t seqb[4], *plain;
	size_t plen;
	int conf = 0;

	if (proc != GSS_PROC_DATA && proc != GSS_PROC_DESTROY)
		return 0;
	if (r->reply_stat != 0)
		return 0; /* denied replies carry no verifier */
	xdr_in_init(&x, *rec, *len);
	if (!xdr_get_u32(&x, &v) || !xdr_get_u32(&x, &v) || !xdr_get_u32(&x, &v) ||
	    !xdr_get_u32(&x, &flavor) || !xdr_get_opaque(&x, AUTH_BODY_MAX, &verf))
		return -EBADMSG;
	put_be32(seqb, seq);
	if (flavor != RPC_AUTH_GSS || !mic_ok(g, seqb, 4, verf.data, verf.len))
		return -EBADMSG;
	if (proc != GSS_PROC_DATA || r->accept_stat != 0 || g->service == NFS4_GSS_SVC_NONE)
		return 0;
	xdr_in_init(&x, r->body.data, r->body.len);
	if (!xdr_get_opaque(&x, UINT32_MAX, &body))
		return -EBADMSG;
	if (g->service == NFS4_GSS_SVC_INTEGRITY) {
		if (!xdr_get_opaque(&x, AUTH_BODY_MAX, &sum) || body.len < 4 ||
		    be32(body.data) != seq || !mic_ok(g, body.data, body.len, sum.data, sum.len))
			return -EBADMSG;
		r->body.data = body.data + 4;
		r->body.len = body.len - 4;
		return 0;
	}
	in.value = (void *)body.data;
	in.length = body.len;
	if (GSS_ERROR(gss_unwrap(&minor, g->ctx, &in, &out, &conf, NULL)) || !conf ||
	    out.length < 4 || be32(out.value) != seq) {
		gss_release_buffer(&minor, &out);
		return -EBADMSG;
	}
	plain = malloc(out.length);
	if (!plain) {
		gss_release_buffer(&minor, &out);
		return -ENOMEM;
	}
	plen = out.length;
	memcpy(plain, out.value, plen);
	gss_release_buffer(&minor, &out);
	free(*rec);
	*rec = plain;
	*len = plen;
	r->body.data = plain + 4;
	r->body.len = (uint32_t)(plen - 4);
	return 0;
}

static const struct nfs4_sec_ops gss_ops = {
	.put_cred = sec_put_cred,
	.seal = sec_seal,
	.unseal = sec_unseal,
	.free = sec_free,
};

static struct nfs4_gss *gss_of(const struct nfs4_client *cl)
{
	return nfs4_client_sec_ctx(cl);
}

/* Client credentials: initial ones from the client keytab, or the default
 * ccache. */
static int acquire(struct nfs4_gss *g, const struct nfs4_gss_opts *o)
{
	gss_OID_set_desc mechs = { 1, (gss_OID)gss_mech_krb5 };
	gss_key_value_element_desc kv[2];
	gss_key_value_set_desc store = { 2, kv };
	gss_buffer_desc nb;
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 major, minor;

	if (!o->client_keytab)
		return 0;
	if (o->principal) {
		nb.value = (void *)o->principal;
		nb.length = strlen(o->principal);
		if (GSS_ERROR(gss_import_name(&minor, &nb, (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME,
					      &name)))
			return -EINVAL;
	}
	snprintf(g->ccache, sizeof(g->ccache), "MEMORY:lnfs-gss-%p", (void *)g);
	kv[0].key = "client_keytab";
	kv[0].value = o->client_keytab;
	kv[1].key = "ccache";
	kv[1].value = g->ccache;
	major = gss_acquire_cred_from(&minor, name, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE,
				      &store, &g->cred, NULL, NULL);
	if (name != GSS_C_NO_NAME)
		gss_release_name(&minor, &name);
	return GSS_ERROR(major) ? -EPERM : 0;
}

static void status_text(OM_uint32 code, int type, char *buf, size_t len)
{
	OM_uint32 ctx = 0, minor;
	gss_buffer_desc s = GSS_C_EMPTY_BUFFER;

	buf[0] = 0;
	if (!GSS_ERROR(gss_display_status(&minor, code, type, GSS_C_NO_OID, &ctx, &s))) {
		snprintf(buf, len, "%.*s", (int)s.length, (const char *)s.value);
		gss_release_buffer(&minor, &s);
	}
}

/* One INIT / CONTINUE_INIT round trip; *res_tok borrows the call's reply. */
static int init_call(struct nfs4_client *cl, struct nfs4_gss *g, const gss_buffer_desc *tok,
		     struct nfs4_call **callp, struct xdr_view *res_tok)
{
	struct nfs4_call *call;
	struct xdr_view handle, verf;
	struct xdr_out a;
	struct xdr_in x;
	uint32_t v, flavor;
	int rc;

	xdr_out_init(&a, tok->length + 16);
	xdr_put_opaque(&a, tok->value, (uint32_t)tok->length); /* rpc_gss_init_arg */
	rc = nfs4_submit_rpc(cl, NFS4_PROGRAM, NFS_V4, 0, a.buf, a.len, &call);
	xdr_out_release(&a);
	*callp = call;
	if (rc == 0)
		rc = nfs4_wait(cl, call);
	if (rc < 0)
		return rc;
	if (call->rpc.reply_stat != 0 || call->rpc.accept_stat != 0)
		return -EACCES;
	/* rpc_gss_init_res: handle<>, gss_major, gss_minor, seq_window, gss_token<> */
	xdr_in_init(&x, call->rpc.body.data, call->rpc.body.len);
	if (!xdr_get_opaque(&x, AUTH_BODY_MAX, &handle) || !xdr_get_u32(&x, &g->major) ||
	    !xdr_get_u32(&x, &g->minor) || !xdr_get_u32(&x, &g->window) ||
	    !xdr_get_opaque(&x, UINT32_MAX, res_tok))
		return -EBADMSG;
	if (GSS_ERROR(g->major))
		return -EACCES;
	memcpy(g->handle, handle.data, handle.len);
	g->handle_len = handle.len;
	if (g->major == GSS_S_COMPLETE) {
		/* §5.2.3.1.1: the verifier, the MIC of the window, is checked
		 * once our side of the context is complete too */
		xdr_in_init(&x, call->reply, call->reply_len);
		if (!xdr_get_u32(&x, &v) || !xdr_get_u32(&x, &v) || !xdr_get_u32(&x, &v) ||
		    !xdr_get_u32(&x, &flavor) || !xdr_get_opaque(&x, AUTH_BODY_MAX, &verf) ||
		    flavor != RPC_AUTH_GSS)
			return -EBADMSG;
	}
	return 0;
}

int nfs4_client_gss_init(struct nfs4_client *cl, const struct nfs4_gss_opts *o,
			 uint32_t *gss_major)
{
	struct nfs4_gss *g;
	gss_buffer_desc nb, in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
	gss_name_t target = GSS_C_NO_NAME;
	struct nfs4_call *call = NULL;
	struct xdr_view res_tok = { NULL, 0 };
	OM_uint32 major, minor, flags = 0;
	char msg[160] = "";
	int rc;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->ctx = GSS_C_NO_CONTEXT;
	g->cred = GSS_C_NO_CREDENTIAL;
	g->proc = GSS_PROC_INIT;
	g->service = o->service ? o->service : NFS4_GSS_SVC_NONE;
	rc = acquire(g, o);
	if (rc < 0) {
		sec_free(g);
		return rc;
	}
	nb.value = (void *)o->target;
	nb.length = strlen(o->target);
	if (GSS_ERROR(gss_import_name(&minor, &nb, GSS_C_NT_HOSTBASED_SERVICE, &target))) {
		sec_free(g);
		return -EINVAL;
	}
	nfs4_client_set_sec(cl, &gss_ops, g);
	for (;;) {
		major = gss_init_sec_context(&minor, g->cred, &g->ctx, target,
					     (gss_OID)gss_mech_krb5,
					     GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG,
					     0, GSS_C_NO_CHANNEL_BINDINGS, &in, NULL, &out, &flags,
					     NULL);
		nfs4_call_free(call);
		call = NULL;
		if (GSS_ERROR(major)) {
			status_text(minor, GSS_C_MECH_CODE, msg, sizeof(msg));
			gss_release_buffer(&minor, &out);
			rc = -EPERM;
			break;
		}
		if (out.length) {
			rc = init_call(cl, g, &out, &call, &res_tok);
			gss_release_buffer(&minor, &out);
			if (rc < 0)
				break;
			g->proc = GSS_PROC_CONTINUE_INIT;
			in.value = (void *)res_tok.data;
			in.length = res_tok.len;
		}
		if (major == GSS_S_COMPLETE && g->major == GSS_S_COMPLETE) {
			rc = 0;
			break;
		}
		if (!out.length && major != GSS_S_CONTINUE_NEEDED) {
			rc = -EPROTO;
			break;
		}
	}
	if (rc == 0 && call) {
		/* now both sides are complete: the INIT verifier must check */
		struct xdr_in x;
		struct xdr_view verf;
		uint32_t v, flavor;
		uint8_t winb[4];

		xdr_in_init(&x, call->reply, call->reply_len);
		put_be32(winb, g->window);
		if (!xdr_get_u32(&x, &v) || !xdr_get_u32(&x, &v) || !xdr_get_u32(&x, &v) ||
		    !xdr_get_u32(&x, &flavor) || !xdr_get_opaque(&x, AUTH_BODY_MAX, &verf) ||
		    !mic_ok(g, winb, 4, verf.data, verf.len))
			rc = -EBADMSG;
	}
	nfs4_call_free(call);
	gss_release_name(&minor, &target);
	if (gss_major)
		*gss_major = g->major;
	if (rc == -EPERM)
		fprintf(stderr, "nfs4_gss: %s: %s\n", o->target, msg);
	if (rc < 0) {
		nfs4_client_set_sec(cl, NULL, NULL); /* frees g */
		return rc;
	}
	g->proc = GSS_PROC_DATA;
	return 0;
}

void nfs4_client_gss_set_service(struct nfs4_client *cl, uint32_t service)
{
	struct nfs4_gss *g = gss_of(cl);

	if (g)
		g->service = service;
}

int nfs4_client_gss_destroy(struct nfs4_client *cl, bool keep)
{
	struct nfs4_gss *g = gss_of(cl);
	struct nfs4_call *call;
	int rc;

	if (!g)
		return -ENOENT;
	g->proc = GSS_PROC_DESTROY;
	rc = nfs4_submit_rpc(cl, NFS4_PROGRAM, NFS_V4, 0, NULL, 0, &call);
	if (rc == 0)
		rc = nfs4_wait(cl, call);
	if (rc == 0 && (call->rpc.reply_stat != 0 || call->rpc.accept_stat != 0))
		rc = -EPROTO;
	nfs4_call_free(call);
	g->proc = GSS_PROC_DATA;
	if (!keep)
		nfs4_client_set_sec(cl, NULL, NULL);
	return rc;
}

void nfs4_client_gss_tamper_next(struct nfs4_client *cl)
{
	struct nfs4_gss *g = gss_of(cl);

	if (g)
		g->tamper_next = true;
}

const uint8_t *nfs4_client_gss_last_record(const struct nfs4_client *cl, size_t *len,
					   uint32_t *xid)
{
	const struct nfs4_gss *g = gss_of(cl);

	if (!g || !g->last || g->last_len < 8)
		return NULL;
	*len = g->last_len;
	*xid = be32(g->last + 4);
	return g->last;
}
