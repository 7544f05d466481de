/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * label.c - sec_label for the protocol code: picks the caller's label
 * domain, reads and writes through lfs/, and turns lfs errors into the
 * statuses RFC 7862 gives (decisions.md 1-4): a label the domain cannot
 * accept (LFS/PI, length, format, policy) is NFS4ERR_BADLABEL, a read-only
 * domain NFS4ERR_ACCESS.  Reads translate from source domains when the
 * caller's domain has none of its own (a translate-unmapped = deny refusal
 * is NFS4ERR_ACCESS); symlinks and special files that cannot hold a user.*
 * xattr use the server's fallback store (srv.label_fb) when it is open.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "config/cfg.h"
#include "lfs/lfs.h"
#include "server/attr.h"
#include "server/compound.h"
#include "server/cred.h"
#include "server/export.h"
#include "server/label.h"
#include "server/log.h"
#include "server/srv.h"
#include "server/stats.h"

bool label_enabled(const struct compound *c, const struct export *x)
{
	const struct cfg_client *cl;

	if (c->minorversion < 2)
		return false;
	if (!x || !x->cfg)
		return true;
	cl = srv_client_rule(c, x->cfg);
	return cl ? cl->labels : false;
}

/* The server's fallback label store, if any. */
static struct lfs_fallback *label_fb(const struct compound *c)
{
	return c->srv ? c->srv->label_fb : NULL;
}

int label_forget_begin(const struct compound *c, int dirfd, const char *name)
{
	return lfs_forget_begin(label_fb(c), dirfd, name);
}

void label_forget_end(const struct compound *c, int fd, bool done)
{
	uint32_t fsuid;

	if (fd < 0)
		return;
	fsuid = cred_raise();
	lfs_forget_end(label_fb(c), fd, done);
	cred_lower(fsuid);
}

/* Count a refused label and say so in the log, rate-limited: clients can
 * cause any number of these. */
static void label_refused(const struct compound *c, const struct cfg_domain *d, bool write,
			  nfsstat4 s)
{
	struct srv *srv = c->srv;
	char addr[64];

	if (!srv)
		return;
	stats_label(srv->stats, d->name,
		    s == NFS4ERR_BADLABEL ? STATS_LABEL_REJECTED : STATS_LABEL_DENIED);
	log_limited(&srv->log_limits[LOG_KIND_LABEL], LOG_NOTICE,
		    "client %s: label %s refused in domain %s: %s",
		    log_addr(c->call && c->call->conn ? &c->call->conn->peer : NULL, addr,
			     sizeof(addr)),
		    write ? "write" : "read", d->name,
		    s == NFS4ERR_BADLABEL ? "not a label the domain accepts (NFS4ERR_BADLABEL)" :
		    s == NFS4ERR_ACCESS ? (write ? "the domain is read-only (NFS4ERR_ACCESS)" :
					   "no translation and translate-unmapped = deny "
					   "(NFS4ERR_ACCESS)") :
		    "not supported for this object");
}

/* A label whose integrity tag is missing or wrong (lfs.h "Integrity"), or
 * (missing) no label at all in a label-required domain: always logged
 * (rate-limited: a client can read it any number of times). */
static void label_tampered(const struct compound *c, const struct cfg_domain *d, int fd,
			   bool missing)
{
	static const char *const action[] = {
		[CFG_INTEGRITY_LOG] = "serving the stored label",
		[CFG_INTEGRITY_DEFAULT] = "serving the default label",
		[CFG_INTEGRITY_DENY] = "refusing it (NFS4ERR_ACCESS)",
	};
	const char *what = d->integrity <= CFG_INTEGRITY_DENY && action[d->integrity] ?
			   action[d->integrity] : "serving the default label";
	const char *why = missing ?
		"has no label although the domain requires one (removed on the host?)" :
		"has a missing or wrong integrity tag (edited or copied from another file or "
		"domain)";
	struct stat st;
	unsigned long long ino = fstat(fd, &st) == 0 ? (unsigned long long)st.st_ino : 0;

	if (c->srv)
		log_limited(&c->srv->log_limits[LOG_KIND_LABEL], LOG_WARNING,
			    "domain %s: the object with inode %llu %s; %s", d->name, ino, why, what);
	else
		log_warn("domain %s: the object with inode %llu %s; %s", d->name, ino, why, what);
}

static void to_lfs(const struct nfs_label *l, struct lfs_label *o)
{
	o->lfs = l->lfs;
	o->pi = l->pi;
	o->len = l->len;
	memcpy(o->data, l->data, l->len);
}

nfsstat4 label_get(const struct compound *c, const struct export *x, int fd,
		   unsigned int mode, struct nfs_label *out)
{
	const struct cfg_domain *d = srv_domain_for_call(c->srv, c);
	struct lfs_origin origin;
	struct lfs_label l;
	int r;

	if (fd < 0) {
		lfs_default(d, &l);
	} else {
		/* own label, else translated (cfg.h "Translation"), else the
		 * default; never written back */
		r = lfs_get_translated(S_ISREG(mode) || S_ISDIR(mode) ? NULL : label_fb(c), d,
				       fd, &l, &origin);
		if (r == -EKEYREJECTED ||
		    (r == 0 && origin.kind == LFS_ORIGIN_DEFAULT && d->label_required)) {
			/* integrity: l is the stored label (or the default
			 * where none is stored); apply the action */
			label_tampered(c, d, fd, r == 0);
			if (lfs_integrity_action(d, &l) < 0)
				return NFS4ERR_ACCESS;
		} else if (r == -EBADMSG) {
			log_warn("domain %s: the stored label of an object is corrupt; serving the default",
				 d->name);
			lfs_default(d, &l);
		} else if (r == -EACCES && d->xlate_unmapped != CFG_XLATE_DENY) {
			/* an unprivileged server may not read the user.* xattr
			 * of an object it may not read: the default, so that
			 * GETATTR and READDIR of the object still work */
			lfs_default(d, &l);
		} else if (r == -EACCES) {
			/* translate-unmapped = deny */
			label_refused(c, d, false, NFS4ERR_ACCESS);
			return NFS4ERR_ACCESS;
		} else if (r < 0) {
			return nfs4_errno(-r);
		}
	}
	out->lfs = l.lfs;
	out->pi = l.pi;
	out->len = l.len;
	memcpy(out->data, l.data, l.len);
	if (c->srv)
		stats_label(c->srv->stats, d->name, STATS_LABEL_READ);
	return NFS4_OK;
}

static nfsstat4 lfs_status(int r)
{
	switch (r) {
	case 0:
		return NFS4_OK;
	case -EPROTO:
	case -EINVAL:
	case -E2BIG:
		return NFS4ERR_BADLABEL;
	case -EROFS:
	case -EACCES:
		return NFS4ERR_ACCESS;
	case -EPERM:
		/* user.* names cannot label symlinks and special files */
		return NFS4ERR_NOTSUPP;
	default:
		return nfs4_errno(-r);
	}
}

nfsstat4 label_check(const struct compound *c, const struct export *x, const struct nfs_label *l)
{
	const struct cfg_domain *d = srv_domain_for_call(c->srv, c);
	struct lfs_label ll;
	nfsstat4 s;

	if (d->read_only) {
		label_refused(c, d, true, NFS4ERR_ACCESS);
		return NFS4ERR_ACCESS;
	}
	to_lfs(l, &ll);
	s = lfs_status(lfs_validate(d, &ll));
	if (s != NFS4_OK)
		label_refused(c, d, true, s);
	return s;
}

nfsstat4 label_set(const struct compound *c, const struct export *x, int fd,
		   const struct nfs_label *l)
{
	const struct cfg_domain *d = srv_domain_for_call(c->srv, c);
	struct lfs_label ll;
	nfsstat4 s;

	if (!label_enabled(c, x))
		return NFS4ERR_ATTRNOTSUPP;
	s = label_check(c, x, l);
	if (s != NFS4_OK)
		return s;
	to_lfs(l, &ll);
	s = lfs_status(lfs_write(label_fb(c), d, fd, &ll));
	if (s != NFS4_OK)
		log_info("domain %s: storing a label failed: nfsstat4 %u", d->name, s);
	else if (c->srv)
		stats_label(c->srv->stats, d->name, STATS_LABEL_WRITE);
	return s;
}

nfsstat4 label_store_required(const struct compound *c, int fd, bool labelled)
{
	const struct cfg_domain *own = srv_domain_for_call(c->srv, c), *d;
	const struct cfg *cfg = c->snap->cfg;
	struct lfs_label ll;
	nfsstat4 s;
	unsigned i;

	for (i = 0; i < cfg->ndomains; i++) {
		d = &cfg->domains[i];
		if (!d->label_required || (d == own && labelled) ||
		    (d != own && d->nxlate_from))
			continue;
		lfs_default(d, &ll);
		s = lfs_status(lfs_write(label_fb(c), d, fd, &ll));
		if (s != NFS4_OK) {
			log_info("domain %s: storing the required default label failed: "
				 "nfsstat4 %u", d->name, s);
			return s;
		}
		if (c->srv)
			stats_label(c->srv->stats, d->name, STATS_LABEL_WRITE);
	}
	return NFS4_OK;
}

nfsstat4 label_decode(struct xdr_in *x, struct nfs_label *l)
{
	struct xdr_view v;
	uint32_t len;

	if (!xdr_get_u32(x, &l->lfs) || !xdr_get_u32(x, &l->pi) || !xdr_get_u32(x, &len))
		return NFS4ERR_BADXDR;
	if (len > NFS4_MAXLABELLEN) {
		/* consume it if it is all there, so the error is the label's */
		return xdr_skip(x, len) ? NFS4ERR_BADLABEL : NFS4ERR_BADXDR;
	}
	x->p -= 4;
	if (!xdr_get_opaque(x, NFS4_MAXLABELLEN, &v))
		return NFS4ERR_BADXDR;
	l->len = v.len;
	memcpy(l->data, v.data, v.len);
	return NFS4_OK;
}

bool label_encode(struct xdr_out *x, const struct nfs_label *l)
{
	return xdr_put_u32(x, l->lfs) && xdr_put_u32(x, l->pi) &&
	       xdr_put_opaque(x, l->data, l->len);
}
