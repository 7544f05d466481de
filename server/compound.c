/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compound.c - the COMPOUND loop (RFC 8881 §15.1, §16.2).  Protocol rules
 * that hold for every operation live here, once: minor version, SEQUENCE
 * position, "only op" rules, the current filehandle requirement, op count
 * and reply size limits, stopping at the first error, and the slot reply
 * cache.  Handlers never re-check them.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "server/compound.h"
#include "server/limits.h"
#include "server/obj.h"
#include "server/srv.h"
#include "server/state.h"
#include "server/stats.h"

void cur_obj_release(struct cur_obj *o)
{
	if (o->fd >= 0)
		close(o->fd);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

void cur_obj_copy(struct cur_obj *dst, const struct cur_obj *src)
{
	int fd = -1;

	if (dst == src)
		return;
	if (src->fd >= 0)
		fd = fcntl(src->fd, F_DUPFD_CLOEXEC, 0);
	cur_obj_release(dst);
	*dst = *src;
	dst->fd = fd;
	if (src->fd >= 0 && fd < 0)
		dst->set = false; /* out of descriptors: act as if no fh */
}

bool nfs4_dec_stateid4(struct xdr_in *x, struct stateid4 *sid)
{
	return xdr_get_u32(x, &sid->seqid) && xdr_get_fixed(x, sid->other, NFS4_OTHER_SIZE);
}

bool nfs4_enc_stateid4(struct xdr_out *x, const struct stateid4 *sid)
{
	return xdr_put_u32(x, sid->seqid) && xdr_put_fixed(x, sid->other, NFS4_OTHER_SIZE);
}

bool nfs4_dec_bitmap4(struct xdr_in *x, uint32_t *words, uint32_t max, uint32_t *nwords)
{
	uint32_t n, i, w;

	if (!xdr_get_u32(x, &n))
		return false;
	/* each word takes 4 bytes: a count beyond the data is garbage */
	if (n > xdr_in_left(x) / 4)
		return false;
	for (i = 0; i < max; i++)
		words[i] = 0;
	for (i = 0; i < n; i++) {
		if (!xdr_get_u32(x, &w))
			return false;
		if (i < max)
			words[i] = w;
	}
	*nwords = n < max ? n : max;
	return true;
}

bool nfs4_enc_bitmap4(struct xdr_out *x, const uint32_t *words, uint32_t nwords)
{
	uint32_t i;

	while (nwords > 0 && words[nwords - 1] == 0)
		nwords--;
	if (!xdr_put_u32(x, nwords))
		return false;
	for (i = 0; i < nwords; i++)
		if (!xdr_put_u32(x, words[i]))
			return false;
	return true;
}

/* Ops of NFSv4.0 only: valid op numbers, but not in minor version 1+
 * (RFC 8881 §18: "MUST NOT be used" -> NFS4ERR_NOTSUPP). */
static bool op_is_v40_only(uint32_t op)
{
	return op == OP_OPEN_CONFIRM || op == OP_RENEW || op == OP_SETCLIENTID ||
	       op == OP_SETCLIENTID_CONFIRM || op == OP_RELEASE_LOCKOWNER;
}

/* Room an op must find left in the reply before it runs: enough for its
 * status and a small result, so it can fail cleanly with REP_TOO_BIG. */
#define OP_MIN_ROOM 128
#define OP_ERR_ROOM 8	/* resop + status of an op that fails before its handler */

/* RFC 8881 §16.2.3.1.2: an op that sets the current filehandle without
 * returning a stateid sets the current stateid to the all-zeros stateid,
 * which a later op may not use as "the current stateid" (Figure 6: it gets
 * NFS4ERR_BAD_STATEID).  OPEN sets both itself; SAVEFH and RESTOREFH carry
 * the stateid with the filehandle and are handled by the loop. */
static bool op_resets_cur_stateid(uint32_t op)
{
	switch (op) {
	case OP_PUTFH:
	case OP_PUTPUBFH:
	case OP_PUTROOTFH:
	case OP_LOOKUP:
	case OP_LOOKUPP:
	case OP_CREATE:
	case OP_SECINFO:
	case OP_SECINFO_NO_NAME:
		return true;
	default:
		return false;
	}
}

/* The put filehandle operations of RFC 8881 §2.6.3.1.1. */
static bool op_puts_fh(uint32_t op)
{
	return op == OP_PUTFH || op == OP_PUTROOTFH || op == OP_PUTPUBFH || op == OP_RESTOREFH;
}

/* An OPEN whose arguments start at x opens by component name (a create,
 * CLAIM_NULL, CLAIM_DELEGATE_CUR/PREV); false if not or undecodable. */
static bool open_by_name(struct xdr_in x)
{
	uint32_t v, opentype, claim;
	uint64_t clientid;
	struct xdr_view owner;

	/* seqid, share_access, share_deny, open_owner4, openflag4 */
	if (!xdr_get_u32(&x, &v) || !xdr_get_u32(&x, &v) || !xdr_get_u32(&x, &v) ||
	    !xdr_get_u64(&x, &clientid) || !xdr_get_opaque(&x, UINT32_MAX, &owner) ||
	    !xdr_get_u32(&x, &opentype))
		return false;
	if (opentype == OPEN4_CREATE)
		return true;
	if (!xdr_get_u32(&x, &claim))
		return false;
	return claim == CLAIM_NULL || claim == CLAIM_DELEGATE_CUR || claim == CLAIM_DELEGATE_PREV;
}

/*
 * After a put-fh op whose object the call's flavour may not reach: RFC 8881
 * §2.6.3.1.1 has the put-fh op answer NFS4ERR_WRONGSEC unless nothing uses
 * the handle (nothing or another put-fh op follows), the next op answers
 * for itself (LOOKUP, LOOKUPP, OPEN by name) or asks which flavours to use
 * (SECINFO, SECINFO_NO_NAME).  SAVEFH in between does not count.  x is the
 * rest of the request, left the ops not decoded yet.
 */
static bool putfh_checks_sec(struct xdr_in x, uint32_t left)
{
	uint32_t op;

	for (; left > 0; left--) {
		if (!xdr_get_u32(&x, &op))
			return false;
		switch (op) {
		case OP_SAVEFH:
			continue;
		case OP_PUTFH:
		case OP_PUTROOTFH:
		case OP_PUTPUBFH:
		case OP_RESTOREFH:
		case OP_LOOKUP:
		case OP_LOOKUPP:
		case OP_SECINFO:
		case OP_SECINFO_NO_NAME:
			return false;
		case OP_OPEN:
			return !open_by_name(x);
		default:
			return true;
		}
	}
	return false;
}

/* Track the current and saved stateids across an op that succeeded. */
static void track_stateids(struct compound *c, uint32_t op, bool *have_saved,
			   struct stateid4 *saved)
{
	if (op_resets_cur_stateid(op)) {
		c->have_cur_stateid = false;
	} else if (op == OP_SAVEFH) {
		*have_saved = c->have_cur_stateid;
		*saved = c->cur_stateid;
	} else if (op == OP_RESTOREFH) {
		c->have_cur_stateid = *have_saved;
		c->cur_stateid = *saved;
	}
}

/* The reply limit once SEQUENCE has succeeded: ca_maxresponsesize, or
 * ca_maxresponsesize_cached when the client asked for the reply to be
 * cached (RFC 8881 §2.10.6.4, §18.46.3).  *to_cache tells which one. */
static size_t session_reply_limit(const struct compound *c, size_t res_start, bool *to_cache)
{
	size_t lim = c->max_resp_size;

	*to_cache = false;
	if (c->cachethis && state_max_cached_reply(c) < lim) {
		lim = state_max_cached_reply(c);
		*to_cache = true;
	}
	return res_start + lim;
}

bool nfs4_compound(struct srv *srv, const struct rpc_call *call, struct xdr_in *args,
		   struct xdr_out *res)
{
	struct compound c;
	struct xdr_view tag;
	struct stateid4 saved_sid = { 0 };
	uint32_t minor, numops, i, opnum = 0, done = 0;
	size_t res_start, status_pos, count_pos, limit_saved = res->limit;
	nfsstat4 status = NFS4_OK, too_big = NFS4ERR_RESOURCE;
	bool have_saved_sid = false;

	if (!xdr_get_opaque(args, LNFS_MAX_TAG, &tag) || !xdr_get_u32(args, &minor) ||
	    !xdr_get_u32(args, &numops))
		return false;

	res_start = xdr_out_pos(res);
	status_pos = res_start;
	xdr_put_u32(res, NFS4_OK);
	xdr_put_opaque(res, tag.data, tag.len);
	count_pos = xdr_out_pos(res);
	xdr_put_u32(res, 0);
	if (res->overflow)
		return false;

	/* RFC 8881 §16.2.3: an unsupported minor version gets an empty result */
	if (minor < 1 || minor > 2) {
		xdr_set_u32_at(res, status_pos, NFS4ERR_MINOR_VERS_MISMATCH);
		return true;
	}

	memset(&c, 0, sizeof(c));
	c.srv = srv;
	c.call = call;
	c.minorversion = minor;
	c.op_count = numops;
	c.tag_len = tag.len;
	c.cur.fd = -1;
	c.saved.fd = -1;
	c.snap = srv_snapshot_get(srv);
	c.exports = c.snap->exports;
	c.gss_rule = srv_principal_rule(&c);
	c.max_ops = LNFS_MAX_OPS;
	c.max_resp_size = LNFS_MAX_RECORD;

	for (i = 0; i < numops; i++) {
		const struct nfs4_op_desc *d = NULL;
		size_t op_pos, st_pos;
		uint64_t t0;

		c.op_index = i;
		if (!xdr_get_u32(args, &opnum)) {
			/* the op array is shorter than numops */
			opnum = OP_ILLEGAL;
			status = NFS4ERR_BADXDR;
			xdr_put_u32(res, OP_ILLEGAL);
			xdr_put_u32(res, status);
			done++;
			break;
		}
		if (opnum < NFS4_OP_MAX && opnum >= OP_ACCESS)
			d = &nfs4_optab[opnum];
		if (!d || !d->name || minor < d->minor_min) {
			/* RFC 8881 §15.2: unknown ops answer OP_ILLEGAL */
			xdr_put_u32(res, OP_ILLEGAL);
			xdr_put_u32(res, NFS4ERR_OP_ILLEGAL);
			status = NFS4ERR_OP_ILLEGAL;
			done++;
			break;
		}

		op_pos = xdr_out_pos(res);
		if (xdr_out_room(res) < OP_MIN_ROOM) {
			/* RFC 8881 §2.10.6.4: no room for even a status */
			status = too_big;
			xdr_truncate(res, op_pos);
			res->limit = limit_saved;
			xdr_put_u32(res, opnum);
			xdr_put_u32(res, status);
			done++;
			break;
		}
		xdr_put_u32(res, opnum);
		st_pos = xdr_out_pos(res);
		xdr_put_u32(res, NFS4_OK);
		done++;

		/* position rules, RFC 8881 §2.10.6.1, §18.46.3 */
		if (i == 0 && !(d->flags & OPF_IS_SEQUENCE)) {
			if (!(d->flags & OPF_FIRST_OK))
				status = NFS4ERR_OP_NOT_IN_SESSION;
			else if ((d->flags & OPF_ONLY_OP) && numops != 1)
				status = NFS4ERR_NOT_ONLY_OP;
			else
				status = NFS4_OK;
		} else if (i > 0 && (d->flags & OPF_IS_SEQUENCE)) {
			status = NFS4ERR_SEQUENCE_POS;
		} else if (i > 0 && !c.session) {
			status = NFS4ERR_OP_NOT_IN_SESSION;
		} else if (op_is_v40_only(opnum)) {
			status = NFS4ERR_NOTSUPP;
		} else if (!d->handler) {
			status = NFS4ERR_NOTSUPP;
		} else if ((d->flags & OPF_NEEDS_FH) && !c.cur.set) {
			status = NFS4ERR_NOFILEHANDLE;
		} else {
			status = NFS4_OK;
		}
		if (status == NFS4_OK) {
			/* each op runs as the caller on the current export, after
			 * its squash rule; handle resolution as the server */
			struct cred_id id;

			if ((d->flags & OPF_AS_SERVER) || !c.cur.set)
				cred_for(&c, NULL, &id);
			else
				cred_for(&c, c.cur.exp, &id);
			status = cred_apply(&c.cred, &id);
		}
		/* exports(5): a client that no rule of the export admits may
		 * not use it at all (a handle of it can be put, not used) */
		if (status == NFS4_OK && (d->flags & OPF_NEEDS_FH) && c.cur.set && c.cur.exp &&
		    !srv_client_allowed(&c, c.cur.exp))
			status = NFS4ERR_ACCESS;
		/* RFC 8881 §2.6.3.1.1.3: an OPEN by name answers NFS4ERR_WRONGSEC
		 * for its directory's export, its put-fh op did not (below) */
		if (status == NFS4_OK && opnum == OP_OPEN && c.cur.set &&
		    !obj_flavor_ok(&c, c.cur.exp))
			status = NFS4ERR_WRONGSEC;
		t0 = 0;
		if (status == NFS4_OK) {
			t0 = stats_now_ns();
			/* Handlers see OP_ERR_ROOM bytes less, so that the
			 * OP_ILLEGAL or BADXDR result of a following op always
			 * fits (fuzz_compound: a result filling the reply to
			 * its limit left the next one out, with it counted). */
			res->limit -= OP_ERR_ROOM;
			status = d->handler(&c, args, res);
			res->limit += OP_ERR_ROOM;
			if (status == NFS4_OK && op_puts_fh(opnum) && !obj_flavor_ok(&c, c.cur.exp) &&
			    putfh_checks_sec(*args, numops - i - 1))
				status = NFS4ERR_WRONGSEC;
			if (status == NFS4_OK && res->overflow)
				status = too_big;
			/* a reply cut short by the cache limit (not the size
			 * limit) is too big to cache, whatever the handler
			 * answered (RFC 8881 §2.10.6.4) */
			if (res->overflow && too_big == NFS4ERR_REP_TOO_BIG_TO_CACHE)
				status = too_big;
			/* a handler that ran out of reply room: within a session
			 * that is REP_TOO_BIG(_TO_CACHE), RFC 8881 §15.1.3.6-7 */
			if (status == NFS4ERR_RESOURCE && c.session)
				status = too_big;
		}
		stats_op(srv->stats, opnum, status, t0);
		if (c.replay) {
			/* RFC 8881 §2.10.6.1.3: answer a retry with the cached reply */
			const uint8_t *data;
			size_t len;

			res->limit = limit_saved;
			xdr_truncate(res, res_start);
			if (state_slot_replay(&c, &data, &len))
				xdr_put_fixed(res, data, len);
			state_slot_done(&c, NULL, 0);
			cred_reset(&c.cred);
			cur_obj_release(&c.cur);
			cur_obj_release(&c.saved);
			snapshot_put(c.snap);
			return !res->overflow;
		}
		if (status != NFS4_OK && (!(d->flags & OPF_ENCODE_ON_ERROR) || res->overflow))
			xdr_truncate(res, st_pos + 4);
		xdr_set_u32_at(res, st_pos, status);
		if (i == 0 && (d->flags & OPF_IS_SEQUENCE) && status == NFS4_OK) {
			/* the session's channel limits apply from here on */
			bool to_cache;
			size_t lim = session_reply_limit(&c, res_start, &to_cache);

			if (lim < res->limit) {
				res->limit = lim;
				too_big = to_cache ? NFS4ERR_REP_TOO_BIG_TO_CACHE :
						     NFS4ERR_REP_TOO_BIG;
			} else {
				too_big = NFS4ERR_REP_TOO_BIG;
			}
		}
		if (status != NFS4_OK)
			break;
		track_stateids(&c, opnum, &have_saved_sid, &saved_sid);
	}

	res->limit = limit_saved;
	xdr_set_u32_at(res, status_pos, status);
	xdr_set_u32_at(res, count_pos, done);
	if (c.session)
		state_slot_done(&c, res->buf + res_start, xdr_out_pos(res) - res_start);
	cred_reset(&c.cred);
	cur_obj_release(&c.cur);
	cur_obj_release(&c.saved);
	snapshot_put(c.snap);
	return true;
}
