/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_gss.c - libFuzzer target for lnfsd's RPCSEC_GSS v1 server side
 * (rpc/rpc_gss.c, rpc/rpc_gss_wire.c, the credential decoding in
 * rpc/rpc_msg.c) with a real, established Kerberos context.
 *
 * Start-up makes a throw-away realm in memory, without a KDC: a random
 * AES-256 key for nfs/localhost@LNFS.FUZZ in a MEMORY: keytab (the
 * acceptor's), and a service ticket for fuzz@LNFS.FUZZ encrypted in that
 * key by hand (krb5_encrypt_tkt_part, encode_krb5_ticket: exported by MIT
 * libkrb5, not declared in krb5.h) stored in a MEMORY: credentials cache
 * (the initiator's).  Replay caches are off (KRB5RCACHETYPE=none).
 *
 * A context is established through the server's own INIT path
 * (gss_init_sec_context on the client side, the token sent as an
 * RPCSEC_GSS_INIT call through rpc_msg_decode_call() and rpc_gss_accept())
 * and kept across inputs while it lasts (establishing one per input would
 * cost two thirds of the time).  So that inputs stay independent of each
 * other, each input's sequence numbers on the live context are moved to a
 * fresh base at least 65536 above anything used before, which empties the
 * server's window; a context destroyed by an input, or whose numbers near
 * MAXSEQ, is destroyed (signed DESTROY) and replaced for the next input.
 * An input is up to 8 calls, each
 *     u8 flags, u16 length (big endian), length bytes of an RPC call
 *     message as on the wire (no record mark)
 * and the flags let the harness do what a fuzzer cannot, so the code after
 * each GSS check is reached:
 *     0x01  replace the credential's handle by the live context's handle
 *     0x02  replace the verifier by the MIC of the header (flavour 6)
 *     0x04  DATA with integrity: replace the checksum by the MIC of the
 *           databody; with privacy: replace databody_priv by gss_wrap()
 *           of it (the fuzzer then controls the plaintext)
 *     0x08  with 0x01: keep seq_num as it is; without, it becomes the
 *           input's base + (seq_num & 0xffff), and a databody starting
 *           with the original seq_num starts with the new one
 * Without flags the record goes in unchanged (captured traffic, garbage).
 *
 * Checks (abort): an AUTH_ERROR carries BADCRED, GSS_CREDPROBLEM or
 * GSS_CTXPROBLEM; GARBAGE only for integrity or privacy; a correctly
 * signed call on the live context is never refused unless its seq_num is
 * at MAXSEQ or the context was destroyed; a call that runs has the
 * context's identity, its unwrapped arguments are exactly what the harness
 * protected, and its reply verifier and wrapped results verify and unwrap
 * on the client's context.  ASan/UBSan/LeakSanitizer report the rest.
 * FUZZ_GSS_TRACE=1 in the environment prints each call's verdict.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_gss.h"
#include "rpc/rpc_gss_wire.h"
#include "rpc/rpc_msg.h"
#include "xdr/xdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef HAVE_GSSAPI

/* Built without GSSAPI: RPCSEC_GSS calls are refused, nothing to drive. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}

#else

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <time.h>

/* In MIT libkrb5's export list, not in its public header. */
krb5_error_code krb5_encrypt_tkt_part(krb5_context, const krb5_keyblock *, krb5_ticket *);
krb5_error_code encode_krb5_ticket(const krb5_ticket *, krb5_data **);

#define F_HANDLE 0x01u
#define F_SIGN 0x02u
#define F_WRAP 0x04u
#define F_RAWSEQ 0x08u
#define SEQ_STRIDE 0x10000u
#define MAX_CALLS 8
#define REPLY_LIMIT (64u * 1024u)
#define FUZZ_REALM "LNFS.FUZZ"
#define FUZZ_SERVICE "nfs/localhost@" FUZZ_REALM
#define FUZZ_CLIENT "fuzz@" FUZZ_REALM
#define FUZZ_STORE "MEMORY:lnfs-fuzz-gss"
#define FUZZ_UID 1000u

/* The harness's world, made once (test code: process state is fine). */
static struct {
	bool ready;
	krb5_context kc;
	krb5_keytab kt;
	krb5_ccache cc;
	gss_cred_id_t icred;
	gss_name_t target;
	struct rpc_gss *g;
	bool trace;             /* FUZZ_GSS_TRACE set: one line per call */
} w;

/* The live context of one input. */
struct live {
	gss_ctx_id_t cctx;      /* the client's side */
	uint8_t handle[RPC_AUTH_BODY_MAX];
	uint32_t handle_len;
	bool gone;              /* destroyed or made unusable by a call */
	bool top_used;          /* a signed call used seq_num MAXSEQ - 1 */
	bool up;                /* established, usable by the next input */
	uint32_t base;          /* this input's sequence numbers start here */
	uint32_t top;           /* highest seq_num sent on it */
	uint32_t xid;
};

static void die(const char *what)
{
	fprintf(stderr, "fuzz_gss: %s\n", what);
	abort();
}

static bool map_principal(void *ctx, const char *principal, const char *realm,
			  struct rpc_cred *cred)
{
	(void)ctx;
	(void)realm;
	if (strcmp(principal, FUZZ_CLIENT) != 0)
		return false;
	cred->uid = FUZZ_UID;
	cred->gid = FUZZ_UID;
	cred->ngids = 2;
	cred->gids[0] = 10;
	cred->gids[1] = 20;
	return true;
}

/* The realm in memory: acceptor keytab and a forged service ticket. */
static void setup(void)
{
	gss_OID_set_desc mechs = { 1, (gss_OID)gss_mech_krb5 };
	gss_key_value_element_desc kv = { "ccache", FUZZ_STORE };
	gss_key_value_set_desc store = { 1, &kv };
	gss_buffer_desc nb;
	krb5_principal sp = NULL, cp = NULL;
	krb5_keyblock skey, sess;
	krb5_keytab_entry ent;
	krb5_enc_tkt_part etp;
	krb5_ticket tkt;
	krb5_creds cr;
	krb5_data *der = NULL;
	krb5_timestamp now = (krb5_timestamp)time(NULL);
	struct rpc_gss_opts o;
	OM_uint32 major, minor;

	/* no krb5.conf of the host, no replay cache on disk */
	setenv("KRB5_CONFIG", "/dev/null", 1);
	setenv("KRB5RCACHETYPE", "none", 1);
	if (krb5_init_context(&w.kc) ||
	    krb5_parse_name(w.kc, FUZZ_SERVICE, &sp) || krb5_parse_name(w.kc, FUZZ_CLIENT, &cp))
		die("krb5 context or principal names");
	if (krb5_c_make_random_key(w.kc, ENCTYPE_AES256_CTS_HMAC_SHA1_96, &skey) ||
	    krb5_c_make_random_key(w.kc, ENCTYPE_AES256_CTS_HMAC_SHA1_96, &sess))
		die("random keys");
	memset(&ent, 0, sizeof(ent));
	ent.principal = sp;
	ent.vno = 1;
	ent.key = skey;
	if (krb5_kt_resolve(w.kc, FUZZ_STORE, &w.kt) || krb5_kt_add_entry(w.kc, w.kt, &ent))
		die("MEMORY keytab");

	memset(&etp, 0, sizeof(etp));
	etp.session = &sess;
	etp.client = cp;
	etp.transited.tr_type = KRB5_DOMAIN_X500_COMPRESS;
	etp.times.authtime = now;
	etp.times.starttime = now;
	etp.times.endtime = now + 86400;
	memset(&tkt, 0, sizeof(tkt));
	tkt.server = sp;
	tkt.enc_part2 = &etp;
	if (krb5_encrypt_tkt_part(w.kc, &skey, &tkt))
		die("encrypting the ticket");
	tkt.enc_part.kvno = 1;
	if (encode_krb5_ticket(&tkt, &der))
		die("encoding the ticket");
	memset(&cr, 0, sizeof(cr));
	cr.client = cp;
	cr.server = sp;
	cr.keyblock = sess;
	cr.times = etp.times;
	cr.ticket = *der;
	if (krb5_cc_resolve(w.kc, FUZZ_STORE, &w.cc) || krb5_cc_initialize(w.kc, w.cc, cp) ||
	    krb5_cc_store_cred(w.kc, w.cc, &cr))
		die("MEMORY credentials cache");
	krb5_free_data(w.kc, der);
	krb5_free_data_contents(w.kc, &tkt.enc_part.ciphertext);
	krb5_free_keyblock_contents(w.kc, &skey);
	krb5_free_keyblock_contents(w.kc, &sess);
	krb5_free_principal(w.kc, sp);
	krb5_free_principal(w.kc, cp);

	major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs,
				      GSS_C_INITIATE, &store, &w.icred, NULL, NULL);
	if (GSS_ERROR(major))
		die("initiator credential");
	nb.value = (void *)FUZZ_SERVICE;
	nb.length = strlen(FUZZ_SERVICE);
	major = gss_import_name(&minor, &nb, (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME, &w.target);
	if (GSS_ERROR(major))
		die("target name");

	memset(&o, 0, sizeof(o));
	o.keytab = FUZZ_STORE;
	o.map = map_principal;
	o.max_contexts = 4; /* small: the eviction of full tables runs often */
	w.g = rpc_gss_new(&o);
	if (!w.g)
		die("rpc_gss_new");
	w.trace = getenv("FUZZ_GSS_TRACE") != NULL;
	w.ready = true;
}

/* ---- building calls ---- */

static bool put_call_head(struct xdr_out *o, uint32_t xid, uint32_t prog, uint32_t vers,
			  uint32_t proc, uint32_t gproc, uint32_t seq, uint32_t svc,
			  const uint8_t *handle, uint32_t hlen)
{
	size_t at;

	if (!(xdr_put_u32(o, xid) && xdr_put_u32(o, RPC_MSG_CALL) &&
	      xdr_put_u32(o, RPC_VERSION) && xdr_put_u32(o, prog) && xdr_put_u32(o, vers) &&
	      xdr_put_u32(o, proc) && xdr_put_u32(o, RPC_AUTH_GSS)))
		return false;
	at = xdr_out_pos(o);
	if (!(xdr_put_u32(o, 0) && xdr_put_u32(o, RPC_GSS_VERS_1) && xdr_put_u32(o, gproc) &&
	      xdr_put_u32(o, seq) && xdr_put_u32(o, svc) && xdr_put_opaque(o, handle, hlen)))
		return false;
	xdr_set_u32_at(o, at, (uint32_t)(xdr_out_pos(o) - at - 4));
	return true;
}

/* The verifier of a DATA/DESTROY call: MIC of the header so far. */
static bool put_signed_verf(struct xdr_out *o, gss_ctx_id_t cctx)
{
	gss_buffer_desc in, mic = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	bool ok;

	in.value = o->buf;
	in.length = o->len;
	major = gss_get_mic(&minor, cctx, GSS_C_QOP_DEFAULT, &in, &mic);
	if (GSS_ERROR(major))
		die("client gss_get_mic");
	ok = xdr_put_u32(o, RPC_AUTH_GSS) && xdr_put_opaque(o, mic.value, (uint32_t)mic.length);
	gss_release_buffer(&minor, &mic);
	return ok;
}

/* Reply header: xid, REPLY, ACCEPTED, verifier; *rest after accept_stat. */
static bool get_reply(const struct xdr_out *o, uint32_t *vflavor, struct xdr_view *verf,
		      uint32_t *astat, struct xdr_in *rest)
{
	uint32_t xid, mt, rs;

	xdr_in_init(rest, o->buf, o->len);
	return xdr_get_u32(rest, &xid) && xdr_get_u32(rest, &mt) && mt == RPC_MSG_REPLY &&
	       xdr_get_u32(rest, &rs) && rs == RPC_MSG_ACCEPTED && xdr_get_u32(rest, vflavor) &&
	       xdr_get_opaque(rest, RPC_AUTH_BODY_MAX, verf) && xdr_get_u32(rest, astat);
}

static bool client_verify(gss_ctx_id_t cctx, const void *data, size_t len,
			  const struct xdr_view *mic)
{
	gss_buffer_desc in, tok;
	OM_uint32 minor;

	in.value = (void *)data;
	in.length = len;
	tok.value = (void *)mic->data;
	tok.length = mic->len;
	return !GSS_ERROR(gss_verify_mic(&minor, cctx, &in, &tok, NULL));
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* INIT through rpc_gss_accept(): the live context of this input. */
static void establish(struct live *lv)
{
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	struct rpc_msg_call m;
	struct rpc_gss_req req;
	struct rpc_cred cred;
	struct xdr_out call, rep;
	struct xdr_in args, rest;
	struct xdr_view verf, handle;
	uint32_t vflavor = 0, astat = 0, gmaj = 0, gmin = 0, win = 0, auth_stat = 0;
	uint8_t winbuf[4];
	OM_uint32 major, minor;
	enum rpc_gss_verdict v;

	memset(lv, 0, sizeof(*lv));
	lv->cctx = GSS_C_NO_CONTEXT;
	major = gss_init_sec_context(&minor, w.icred, &lv->cctx, w.target, (gss_OID)gss_mech_krb5,
				     0, GSS_C_INDEFINITE, GSS_C_NO_CHANNEL_BINDINGS,
				     GSS_C_NO_BUFFER, NULL, &tok, NULL, NULL);
	if (major != GSS_S_COMPLETE)
		die("client gss_init_sec_context");
	xdr_out_init(&call, REPLY_LIMIT);
	xdr_out_init(&rep, REPLY_LIMIT);
	if (!put_call_head(&call, 1, 100003, 4, 0, RPC_GSS_PROC_INIT, 0, RPC_GSS_SVC_NONE,
			   NULL, 0) ||
	    !xdr_put_u32(&call, RPC_AUTH_NONE) || !xdr_put_u32(&call, 0) ||
	    !xdr_put_opaque(&call, tok.value, (uint32_t)tok.length))
		die("building INIT");
	gss_release_buffer(&minor, &tok);
	if (rpc_msg_decode_call(call.buf, call.len, &m, &args) != RPC_MSG_OK)
		die("INIT does not decode");
	v = rpc_gss_accept(w.g, &m, call.buf, call.len, &args, &cred, &req, &rep, &auth_stat);
	rpc_gss_req_release(&req);
	if (v != RPC_GSS_REPLIED || !get_reply(&rep, &vflavor, &verf, &astat, &rest) ||
	    astat != RPC_ACCEPT_SUCCESS || !xdr_get_opaque(&rest, RPC_AUTH_BODY_MAX, &handle) ||
	    !xdr_get_u32(&rest, &gmaj) || !xdr_get_u32(&rest, &gmin) ||
	    !xdr_get_u32(&rest, &win) || gmaj != GSS_S_COMPLETE || handle.len == 0 ||
	    win != RPC_GSS_SEQ_WINDOW || vflavor != RPC_AUTH_GSS)
		die("INIT of a good token failed");
	/* RFC 2203 §5.2.3.1: the verifier is the MIC of the window */
	put_be32(winbuf, win);
	if (!client_verify(lv->cctx, winbuf, 4, &verf))
		die("INIT reply verifier does not verify");
	memcpy(lv->handle, handle.data, handle.len);
	lv->handle_len = handle.len;
	lv->xid = 2;
	lv->up = true;
	lv->base = 1;
	xdr_out_release(&call);
	xdr_out_release(&rep);
}

/* Make the call the flags ask for out of the fuzzed record into *o. */
/* A databody whose first word is the credential's original seq_num gets
 * the rewritten one: a copy in *copy (freed by the caller). */
static struct xdr_view reseq_body(struct xdr_view body, uint32_t old, uint32_t seq,
				  uint8_t **copy)
{
	uint8_t be[4];

	*copy = NULL;
	put_be32(be, old);
	if (old == seq || body.len < 4 || memcmp(body.data, be, 4) != 0)
		return body;
	*copy = malloc(body.len);
	if (!*copy)
		die("out of memory");
	memcpy(*copy, body.data, body.len);
	put_be32(*copy, seq);
	body.data = *copy;
	return body;
}

static bool rebuild(const uint8_t *rec, size_t len, unsigned flags, struct live *lv,
		    struct xdr_out *o, size_t *wrapped_at, struct xdr_out *plain)
{
	struct rpc_msg_call m;
	struct xdr_in args;
	struct xdr_view body, sum;
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	uint8_t *copy = NULL;
	uint32_t seq;
	int conf = 0;
	bool ok;

	*wrapped_at = 0;
	if (rpc_msg_decode_call(rec, len, &m, &args) != RPC_MSG_OK ||
	    m.cred.flavor != RPC_AUTH_GSS)
		return false;
	seq = m.gss.seq_num;
	if ((flags & F_HANDLE) && !(flags & F_RAWSEQ))
		seq = lv->base + (seq & 0xffffu);
	if ((flags & F_HANDLE) && (flags & F_SIGN) && seq > lv->top)
		lv->top = seq;
	if (flags & F_HANDLE)
		ok = put_call_head(o, m.xid, m.prog, m.vers, m.proc, m.gss.proc, seq,
				   m.gss.service, lv->handle, lv->handle_len);
	else
		ok = put_call_head(o, m.xid, m.prog, m.vers, m.proc, m.gss.proc, m.gss.seq_num,
				   m.gss.service, m.gss.handle.data, m.gss.handle.len);
	if (flags & F_SIGN)
		ok = ok && put_signed_verf(o, lv->cctx);
	else
		ok = ok && xdr_put_u32(o, m.gss.verf_flavor) &&
		     xdr_put_opaque(o, m.gss.verf.data, m.gss.verf.len);
	if (!ok)
		return false;
	if ((flags & F_WRAP) && m.gss.proc == RPC_GSS_PROC_DATA &&
	    m.gss.service == RPC_GSS_SVC_INTEGRITY &&
	    xdr_get_opaque(&args, UINT32_MAX, &body) && xdr_get_opaque(&args, UINT32_MAX, &sum)) {
		body = reseq_body(body, m.gss.seq_num, seq, &copy);
		in.value = (void *)body.data;
		in.length = body.len;
		major = gss_get_mic(&minor, lv->cctx, GSS_C_QOP_DEFAULT, &in, &out);
		if (GSS_ERROR(major))
			die("client gss_get_mic of a databody");
		*wrapped_at = 1;
		ok = xdr_put_opaque(plain, body.data, body.len) &&
		     xdr_put_opaque(o, body.data, body.len) &&
		     xdr_put_opaque(o, out.value, (uint32_t)out.length);
		gss_release_buffer(&minor, &out);
	} else if ((flags & F_WRAP) && m.gss.proc == RPC_GSS_PROC_DATA &&
		   m.gss.service == RPC_GSS_SVC_PRIVACY && xdr_get_opaque(&args, UINT32_MAX, &body)) {
		body = reseq_body(body, m.gss.seq_num, seq, &copy);
		in.value = (void *)body.data;
		in.length = body.len;
		major = gss_wrap(&minor, lv->cctx, 1, GSS_C_QOP_DEFAULT, &in, &conf, &out);
		if (GSS_ERROR(major) || !conf)
			die("client gss_wrap of a databody");
		*wrapped_at = 1;
		ok = xdr_put_opaque(plain, body.data, body.len) &&
		     xdr_put_opaque(o, out.value, (uint32_t)out.length);
		gss_release_buffer(&minor, &out);
	}
	free(copy);
	/* whatever follows goes along unchanged */
	if (ok && args.end > args.p) {
		uint8_t *dst = xdr_reserve(o, (size_t)(args.end - args.p));

		ok = dst != NULL;
		if (ok)
			memcpy(dst, args.p, (size_t)(args.end - args.p));
	}
	return ok;
}

/* The results of a call that ran: echo its arguments (at most 1 KiB), and
 * check the reply on the client's side. */
static void reply_and_check(struct rpc_gss_req *req, const struct rpc_msg_call *m,
			    struct xdr_in *args, const struct live *lv)
{
	struct xdr_out o;
	struct xdr_in rest;
	struct xdr_view verf, body, sum;
	uint32_t vflavor, astat;
	size_t n = (size_t)(args->end - args->p);
	uint8_t seq[4];
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 minor;
	int conf = 0;

	if (n > 1024)
		n = 1024;
	xdr_out_init(&o, REPLY_LIMIT);
	if (!rpc_gss_put_accepted(req, &o, m->xid, RPC_ACCEPT_SUCCESS)) {
		xdr_out_release(&o);
		return; /* dropped: allowed when the MIC cannot be made */
	}
	if (!rpc_gss_wrap_begin(req, &o) || !xdr_put_opaque(&o, args->p, (uint32_t)n) ||
	    !rpc_gss_wrap_end(req, &o))
		die("wrapping a small reply failed");
	if (!get_reply(&o, &vflavor, &verf, &astat, &rest) || vflavor != RPC_AUTH_GSS ||
	    astat != RPC_ACCEPT_SUCCESS)
		die("reply header");
	put_be32(seq, m->gss.seq_num);
	if (!lv->gone && !client_verify(lv->cctx, seq, 4, &verf))
		die("reply verifier does not verify");
	if (lv->gone)
		goto out;
	switch (m->gss.service) {
	case RPC_GSS_SVC_INTEGRITY:
		if (!xdr_get_opaque(&rest, UINT32_MAX, &body) ||
		    !xdr_get_opaque(&rest, RPC_AUTH_BODY_MAX, &sum) ||
		    !client_verify(lv->cctx, body.data, body.len, &sum) || body.len < 8 ||
		    memcmp(body.data, seq, 4) != 0)
			die("integrity reply");
		break;
	case RPC_GSS_SVC_PRIVACY:
		if (!xdr_get_opaque(&rest, UINT32_MAX, &body))
			die("privacy reply framing");
		in.value = (void *)body.data;
		in.length = body.len;
		if (GSS_ERROR(gss_unwrap(&minor, lv->cctx, &in, &out, &conf, NULL)) || !conf ||
		    out.length < 8 || memcmp(out.value, seq, 4) != 0)
			die("privacy reply does not unwrap");
		gss_release_buffer(&minor, &out);
		break;
	default:
		break;
	}
out:
	xdr_out_release(&o);
}

static void one_call(const uint8_t *rec, size_t len, unsigned flags, struct live *lv)
{
	struct xdr_out built, plain, rep;
	struct rpc_msg_call m;
	struct rpc_gss_req req;
	struct rpc_cred cred;
	struct xdr_in args;
	const uint8_t *r = rec;
	size_t rlen = len, wrapped = 0;
	uint32_t auth_stat = 0;
	enum rpc_gss_verdict v;
	bool ours;

	xdr_out_init(&built, REPLY_LIMIT);
	xdr_out_init(&plain, REPLY_LIMIT);
	xdr_out_init(&rep, REPLY_LIMIT);
	if ((flags & (F_HANDLE | F_SIGN | F_WRAP)) &&
	    rebuild(rec, len, flags, lv, &built, &wrapped, &plain)) {
		r = built.buf;
		rlen = built.len;
	}
	if (rpc_msg_decode_call(r, rlen, &m, &args) != RPC_MSG_OK ||
	    m.cred.flavor != RPC_AUTH_GSS)
		goto out;
	/* a call the live context signed itself */
	ours = (flags & F_HANDLE) && (flags & F_SIGN) && r == built.buf && !lv->gone &&
	       m.gss.proc != RPC_GSS_PROC_INIT && m.gss.proc != RPC_GSS_PROC_CONTINUE_INIT;
	if (ours && m.gss.seq_num == RPC_GSS_MAXSEQ - 1)
		lv->top_used = true;
	memset(&cred, 0, sizeof(cred));
	v = rpc_gss_accept(w.g, &m, r, rlen, &args, &cred, &req, &rep, &auth_stat);
	if (w.trace)
		fprintf(stderr, "gss_proc %u seq %u svc %u flags %u: verdict %d auth_stat %u\n",
			m.gss.proc, m.gss.seq_num, m.gss.service, flags, (int)v, auth_stat);
	switch (v) {
	case RPC_GSS_RUN:
		if (m.gss.proc != RPC_GSS_PROC_DATA || cred.flavor != RPC_AUTH_GSS ||
		    strcmp(cred.principal, FUZZ_CLIENT) != 0 || !cred.gss_mapped ||
		    cred.uid != FUZZ_UID || cred.ngids != 2 || cred.gss_service != m.gss.service)
			die("a call ran with the wrong identity");
		if (wrapped) {
			/* the arguments are the protected databody after seq_num */
			struct xdr_in p;
			struct xdr_view pb;

			xdr_in_init(&p, plain.buf, plain.len);
			if (!xdr_get_opaque(&p, UINT32_MAX, &pb) || pb.len < 4 ||
			    (size_t)(args.end - args.p) != pb.len - 4 ||
			    memcmp(args.p, pb.data + 4, pb.len - 4) != 0)
				die("unwrapped arguments differ from what was protected");
		}
		reply_and_check(&req, &m, &args, lv);
		break;
	case RPC_GSS_REPLIED:
		if (m.gss.proc == RPC_GSS_PROC_DATA)
			die("a DATA call was answered by rpc_gss");
		if (w.trace && m.gss.proc != RPC_GSS_PROC_DESTROY) {
			struct xdr_in rest;
			struct xdr_view verf, handle;
			uint32_t vflavor, astat, gmaj = 0;

			if (get_reply(&rep, &vflavor, &verf, &astat, &rest) &&
			    xdr_get_opaque(&rest, RPC_AUTH_BODY_MAX, &handle) &&
			    xdr_get_u32(&rest, &gmaj))
				fprintf(stderr, "  init reply: handle %u bytes, gss_major 0x%x\n",
					handle.len, gmaj);
		}
		if (m.gss.proc == RPC_GSS_PROC_DESTROY && ours)
			lv->gone = true;
		break;
	case RPC_GSS_AUTH_ERROR:
		if (auth_stat != RPC_AUTHSTAT_BADCRED && auth_stat != RPC_AUTHSTAT_GSS_CREDPROBLEM &&
		    auth_stat != RPC_AUTHSTAT_GSS_CTXPROBLEM)
			die("unexpected auth_stat");
		if (ours) {
			if (m.gss.seq_num < RPC_GSS_MAXSEQ)
				die("a correctly signed call on the live context was refused");
			lv->gone = true; /* §5.3.3.1: the context is done */
		}
		break;
	case RPC_GSS_GARBAGE:
		if (m.gss.proc != RPC_GSS_PROC_DATA || m.gss.service == RPC_GSS_SVC_NONE)
			die("GARBAGE_ARGS without integrity or privacy");
		break;
	case RPC_GSS_DROP:
		break;
	default:
		die("unknown verdict");
	}
	rpc_gss_req_release(&req);
out:
	xdr_out_release(&built);
	xdr_out_release(&plain);
	xdr_out_release(&rep);
}

/* A call the harness makes on the live context, signed, no arguments. */
static enum rpc_gss_verdict signed_call(struct live *lv, uint32_t gproc, uint32_t seq,
					uint32_t *auth_stat)
{
	struct xdr_out call, rep;
	struct rpc_msg_call m;
	struct rpc_gss_req req;
	struct rpc_cred cred;
	struct xdr_in args;
	enum rpc_gss_verdict v;

	xdr_out_init(&call, REPLY_LIMIT);
	xdr_out_init(&rep, REPLY_LIMIT);
	*auth_stat = 0;
	if (!put_call_head(&call, lv->xid, 100003, 4, 0, gproc, seq, RPC_GSS_SVC_NONE, lv->handle,
			   lv->handle_len) ||
	    !put_signed_verf(&call, lv->cctx))
		die("building a signed call");
	if (rpc_msg_decode_call(call.buf, call.len, &m, &args) != RPC_MSG_OK)
		die("a signed call does not decode");
	v = rpc_gss_accept(w.g, &m, call.buf, call.len, &args, &cred, &req, &rep, auth_stat);
	rpc_gss_req_release(&req);
	xdr_out_release(&call);
	xdr_out_release(&rep);
	return v;
}

/* Destroy the live context with a signed DESTROY; the client's side goes. */
static void retire(struct live *lv)
{
	uint32_t auth_stat;
	OM_uint32 minor;
	enum rpc_gss_verdict v;

	/* seq_num MAXSEQ - 1: above anything a window could hold */
	v = signed_call(lv, RPC_GSS_PROC_DESTROY, RPC_GSS_MAXSEQ - 1, &auth_stat);
	if (lv->gone && v == RPC_GSS_REPLIED)
		die("DESTROY found a context that should be gone");
	if (!lv->gone && v != RPC_GSS_REPLIED) {
		/* only a replay of MAXSEQ - 1 may be dropped; then a call at
		 * MAXSEQ ends the context (§5.3.3.1) */
		if (v != RPC_GSS_DROP || !lv->top_used)
			die("DESTROY of the live context failed");
		v = signed_call(lv, RPC_GSS_PROC_DATA, RPC_GSS_MAXSEQ, &auth_stat);
		if (v != RPC_GSS_AUTH_ERROR || auth_stat != RPC_AUTHSTAT_GSS_CTXPROBLEM)
			die("a call at MAXSEQ did not end the context");
	}
	gss_delete_sec_context(&minor, &lv->cctx, GSS_C_NO_BUFFER);
	lv->up = false;
}

/* After an input: the next one starts on a fresh base, or a new context. */
static void end_input(struct live *lv)
{
	uint32_t next = (lv->top > lv->base ? lv->top : lv->base) + SEQ_STRIDE;

	if (lv->gone || lv->top_used || lv->top >= RPC_GSS_MAXSEQ - 2 * SEQ_STRIDE ||
	    next >= RPC_GSS_MAXSEQ - 2 * SEQ_STRIDE) {
		retire(lv);
		return;
	}
	lv->base = next;
}

static struct live lv;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0, len;
	unsigned flags;
	int n;

	if (!w.ready)
		setup();
	if (!lv.up)
		establish(&lv);
	for (n = 0; n < MAX_CALLS && size - pos >= 3; n++) {
		flags = data[pos];
		len = ((size_t)data[pos + 1] << 8) | data[pos + 2];
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		one_call(data + pos, len, flags, &lv);
		pos += len;
	}
	end_input(&lv);
	return 0;
}

#endif /* HAVE_GSSAPI */
