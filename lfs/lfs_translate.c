/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfs_translate.c - label translation between domains (cfg.h,
 * "Translation"): matching a source label against a domain's
 * translate-table rules and building the result, and the read path that
 * serves a domain its own label, else a translated one, else its default.
 * Matching is pure (fuzzed); the read path only reads stores, never writes.
 */
#include "config.h"

#include "lfs/lfs.h"

#include <errno.h>
#include <string.h>

/* Strips one trailing NUL (the kernel may count it in a context). */
static size_t label_len(const struct lfs_label *l)
{
	size_t n = l->len;

	if (n && l->data[n - 1] == '\0')
		n--;
	return n;
}

static bool field_eq(const char *want, const uint8_t *p, size_t n)
{
	return strlen(want) == n && !memcmp(want, p, n);
}

static bool rule_matches(const struct cfg_xlate_rule *r,
			 const struct lfs_label *in, size_t n)
{
	const uint8_t *f[CFG_CTX_NFIELDS];
	size_t fn[CFG_CTX_NFIELDS];
	unsigned int k;

	switch (r->match) {
	case CFG_XM_ANY:
		return true;
	case CFG_XM_EXACT:
		return r->exact_len == n && !memcmp(r->exact, in->data, n);
	case CFG_XM_FIELDS:
		if (cfg_ctx_split(in->data, n, f, fn))
			return false;
		for (k = 0; k < CFG_CTX_NFIELDS; k++) {
			if (!r->field[k])
				continue;
			if (!f[k] || !field_eq(r->field[k], f[k], fn[k]))
				return false;
		}
		return true;
	}
	return false;
}

/* The source context with r's fields replaced into out: 0 or -EINVAL
 * (the source is not a context) or -E2BIG. */
static int rewrite(const struct cfg_xlate_rule *r, const struct lfs_label *in,
		   size_t n, struct lfs_label *out)
{
	const uint8_t *f[CFG_CTX_NFIELDS];
	size_t fn[CFG_CTX_NFIELDS], o = 0;
	unsigned int k;

	if (cfg_ctx_split(in->data, n, f, fn))
		return -EINVAL;
	for (k = 0; k < CFG_CTX_NFIELDS; k++) {
		const uint8_t *p = f[k];
		size_t len = fn[k];

		if (r->set[k]) {
			p = (const uint8_t *)r->set[k];
			len = strlen(r->set[k]);
		}
		if (!p)
			continue;	/* no level, none added */
		if (o + (k ? 1 : 0) + len > NFS4_MAXLABELLEN)
			return -E2BIG;
		if (k)
			out->data[o++] = ':';
		memcpy(out->data + o, p, len);
		o += len;
	}
	out->len = (uint32_t)o;
	return 0;
}

int lfs_translate(const struct cfg_domain *to, const struct cfg_domain *from,
		  const struct lfs_label *in, struct lfs_label *out,
		  unsigned int *line)
{
	const struct cfg_xlate *x = to->xlate;
	size_t n = label_len(in);
	unsigned int i;

	if (!x)
		return -ENOENT;
	for (i = 0; i < x->nrules; i++) {
		const struct cfg_xlate_rule *r = &x->rules[i];

		if (r->src[0] && strcmp(r->src, from->name))
			continue;
		if (!rule_matches(r, in, n))
			continue;
		switch (r->result) {
		case CFG_XR_LITERAL:
			out->len = r->literal_len;
			memcpy(out->data, r->literal, r->literal_len);
			break;
		case CFG_XR_KEEP:
			out->len = (uint32_t)n;
			memcpy(out->data, in->data, n);
			break;
		case CFG_XR_REWRITE:
			if (rewrite(r, in, n, out) == -EINVAL)
				continue;	/* not a context: no match */
			break;
		}
		out->lfs = to->default_lfs;
		out->pi = to->default_pi;
		if (line)
			*line = r->line;
		if (r->result == CFG_XR_REWRITE && out->len == 0)
			return -EINVAL;
		return lfs_validate(to, out) ? -EINVAL : 0;
	}
	return -ENOENT;
}

static bool absent(int rc)
{
	return rc == -ENODATA || rc == -EOPNOTSUPP;
}

int lfs_get_translated(struct lfs_fallback *fb, const struct cfg_domain *d,
		       int fd, struct lfs_label *out,
		       struct lfs_origin *origin)
{
	struct lfs_origin dummy;
	struct lfs_label *src = out;	/* out doubles as the source buffer */
	struct lfs_label tmp;
	unsigned int i;
	int rc;

	if (!origin)
		origin = &dummy;
	memset(origin, 0, sizeof(*origin));
	rc = lfs_read(fb, d, fd, out);
	if (rc == 0) {
		origin->kind = LFS_ORIGIN_STORED;
		return 0;
	}
	if (rc == -EKEYREJECTED)	/* out: the stored label */
		origin->kind = LFS_ORIGIN_STORED;
	if (!absent(rc))
		return rc;
	for (i = 0; i < d->nxlate_from; i++) {
		const struct cfg_domain *s = d->xlate_from[i];

		if (!s)
			continue;
		rc = lfs_read(fb, s, fd, src);
		if (absent(rc) || rc == -EBADMSG || rc == -EKEYREJECTED)
			continue;	/* corrupt or untrusted sources */
		if (rc)
			return rc;
		tmp = *src;
		origin->from = s;
		rc = lfs_translate(d, s, &tmp, out, &origin->line);
		if (rc == 0) {
			origin->kind = LFS_ORIGIN_TRANSLATED;
			return 0;
		}
		origin->kind = LFS_ORIGIN_UNMAPPED;
		origin->line = 0;
		if (d->xlate_unmapped == CFG_XLATE_DENY)
			return -EACCES;
		lfs_default(d, out);
		return 0;
	}
	origin->kind = LFS_ORIGIN_DEFAULT;
	lfs_default(d, out);
	return 0;
}
