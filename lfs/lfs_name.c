/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfs_name.c - the label store's pure half: which host xattr holds a
 * domain's labels, which names are label names, the checks a label must
 * pass before it is stored, and the framed/raw value encoding.  No system
 * calls, so all of it is unit-tested and fuzzable without a file system.
 */
#include "config.h"

#include "lfs/lfs.h"

#include <errno.h>
#include <string.h>

_Static_assert(CFG_LABEL_MAX == NFS4_MAXLABELLEN,
	       "config and wire label limits differ");

bool lfs_accepts(const struct cfg_domain *d, uint32_t lfs, uint32_t pi)
{
	bool lok = false, pok = false;
	unsigned int i;

	for (i = 0; i < d->nlfs; i++)
		lok |= d->lfs[i] == lfs;
	for (i = 0; i < d->npi; i++)
		pok |= d->pi[i] == pi;
	return lok && pok;
}

int lfs_name(const struct cfg_domain *d, uint32_t lfs, uint32_t pi,
	     char *buf, size_t buflen)
{
	size_t n = strlen(d->xattr);

	if (!lfs_accepts(d, lfs, pi))
		return -EPROTO;
	if (n + 1 > buflen)
		return -ENAMETOOLONG;
	memcpy(buf, d->xattr, n + 1);
	return (int)n;
}

bool lfs_is_label_xattr(const struct cfg *cfg, const char *name)
{
	unsigned int i;

	if (!strncmp(name, "trusted.lnfs.", 13))
		return true;
	for (i = 0; i < cfg->ndomains; i++)
		if (!strcmp(cfg->domains[i].xattr, name))
			return true;
	return false;
}

int lfs_validate(const struct cfg_domain *d, const struct lfs_label *l)
{
	if (!lfs_accepts(d, l->lfs, l->pi))
		return -EPROTO;
	if (!l->len)
		return -EINVAL;
	if (l->len > d->max_label || l->len > NFS4_MAXLABELLEN)
		return -E2BIG;
	if (cfg_label_format_check(d->format, l->data, l->len))
		return -EINVAL;
	if (d->policy && cfg_policy_check(d->policy, l->data, l->len))
		return -EINVAL;
	return 0;
}

void lfs_default(const struct cfg_domain *d, struct lfs_label *out)
{
	out->lfs = d->default_lfs;
	out->pi = d->default_pi;
	out->len = d->default_label_len;
	memcpy(out->data, d->default_label, d->default_label_len);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int lfs_encode(const struct cfg_domain *d, const struct lfs_label *l,
	       uint8_t *buf, size_t buflen)
{
	if (l->len > NFS4_MAXLABELLEN)
		return -ENOSPC;
	if (d->xattr_format == CFG_XATTR_RAW) {
		if (buflen < (size_t)l->len + 1)
			return -ENOSPC;
		memcpy(buf, l->data, l->len);
		buf[l->len] = '\0';	/* as the kernel stores contexts */
		return (int)l->len + 1;
	}
	if (buflen < LFS_FRAME_HDR + (size_t)l->len)
		return -ENOSPC;
	buf[0] = LFS_FRAME_MAGIC0;
	buf[1] = LFS_FRAME_MAGIC1;
	buf[2] = LFS_FRAME_VERSION;
	buf[3] = 0;
	put_be32(buf + 4, l->lfs);
	put_be32(buf + 8, l->pi);
	memcpy(buf + LFS_FRAME_HDR, l->data, l->len);
	return LFS_FRAME_HDR + (int)l->len;
}

int lfs_encode_tagged(const struct cfg_domain *d, const struct lfs_label *l,
		      const uint8_t tag[LFS_TAG_LEN], uint8_t *buf,
		      size_t buflen)
{
	int n;

	if (d->xattr_format == CFG_XATTR_RAW)
		return -EINVAL;
	n = lfs_encode(d, l, buf, buflen);
	if (n < 0)
		return n;
	if (buflen < (size_t)n + LFS_TAG_LEN)
		return -ENOSPC;
	buf[3] = LFS_FRAME_F_TAG;
	memcpy(buf + n, tag, LFS_TAG_LEN);
	return n + LFS_TAG_LEN;
}

int lfs_decode(const struct cfg_domain *d, const uint8_t *val, size_t len,
	       struct lfs_label *out)
{
	return lfs_decode_tagged(d, val, len, out, NULL, NULL);
}

int lfs_decode_tagged(const struct cfg_domain *d, const uint8_t *val,
		      size_t len, struct lfs_label *out, bool *tagged,
		      uint8_t tag[LFS_TAG_LEN])
{
	if (tagged)
		*tagged = false;
	if (d->xattr_format == CFG_XATTR_RAW) {
		if (len && val[len - 1] == '\0')
			len--;
		if (!len || len > NFS4_MAXLABELLEN)
			return -EBADMSG;
		out->lfs = d->default_lfs;
		out->pi = d->default_pi;
		out->len = (uint32_t)len;
		memcpy(out->data, val, len);
		return 0;
	}
	if (len < 4 || val[0] != LFS_FRAME_MAGIC0 ||
	    val[1] != LFS_FRAME_MAGIC1 || val[2] != LFS_FRAME_VERSION ||
	    (val[3] & ~LFS_FRAME_F_TAG))
		return -EBADMSG;
	if (val[3] & LFS_FRAME_F_TAG) {
		if (len <= LFS_FRAME_HDR + LFS_TAG_LEN)
			return -EBADMSG;
		len -= LFS_TAG_LEN;
		if (tag)
			memcpy(tag, val + len, LFS_TAG_LEN);
		if (tagged)
			*tagged = true;
	}
	if (len <= LFS_FRAME_HDR || len - LFS_FRAME_HDR > NFS4_MAXLABELLEN)
		return -EBADMSG;
	out->lfs = get_be32(val + 4);
	out->pi = get_be32(val + 8);
	out->len = (uint32_t)(len - LFS_FRAME_HDR);
	memcpy(out->data, val + LFS_FRAME_HDR, out->len);
	return 0;
}
