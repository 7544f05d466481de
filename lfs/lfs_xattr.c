/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfs_xattr.c - the only place that reads, writes or removes label xattrs
 * (and so the only label code that needs CAP_SYS_ADMIN for trusted.* and
 * security.* names).  Works on any descriptor, O_PATH ones included, by
 * addressing "/proc/self/fd/N" with the following xattr calls: see lfs.h for
 * why not fgetxattr() or lgetxattr().  Values are encoded and checked by
 * lfs_name.c.
 *
 * The magic-link calls themselves, and their cost, are in procfd.h.
 */
#include "config.h"

#include "lfs/lfs.h"

#include <errno.h>

#include "lfs/procfd.h"

int lfs_get(const struct cfg_domain *d, int fd, struct lfs_label *out)
{
	/* One spare byte: a value longer than any valid one is corrupt. */
	uint8_t val[LFS_VALUE_MAX_TAGGED + 1];
	uint8_t tag[LFS_TAG_LEN], want[LFS_TAG_LEN], diff = 0;
	bool tagged;
	ssize_t n;
	int rc, i;

	n = procfd_getxattr(fd, d->xattr, val, sizeof(val));
	if (n < 0)
		return errno == ERANGE ? -EBADMSG : -errno;
	if (d->integrity == CFG_INTEGRITY_OFF)
		return lfs_decode(d, val, (size_t)n, out);
	rc = lfs_decode_tagged(d, val, (size_t)n, out, &tagged, tag);
	if (rc)
		return rc;
	if (!tagged || lfs_tag(d, fd, out, want))
		return -EKEYREJECTED;
	for (i = 0; i < LFS_TAG_LEN; i++)	/* constant time */
		diff |= tag[i] ^ want[i];
	return diff ? -EKEYREJECTED : 0;
}

int lfs_get_or_default(const struct cfg_domain *d, int fd,
		       struct lfs_label *out, bool *is_default)
{
	int rc = lfs_get(d, fd, out);

	if (rc == -ENODATA || rc == -EOPNOTSUPP) {
		lfs_default(d, out);
		if (is_default)
			*is_default = true;
		return 0;
	}
	if (is_default)
		*is_default = false;
	return rc;
}

int lfs_set(const struct cfg_domain *d, int fd, const struct lfs_label *l)
{
	uint8_t val[LFS_VALUE_MAX_TAGGED];
	int rc, n;

	if (d->read_only)
		return -EROFS;
	rc = lfs_validate(d, l);
	if (rc)
		return rc;
	if (fd < 0)
		return -EBADF;
	if (d->integrity != CFG_INTEGRITY_OFF) {
		uint8_t tag[LFS_TAG_LEN];

		rc = lfs_tag(d, fd, l, tag);
		if (rc)
			return rc;
		n = lfs_encode_tagged(d, l, tag, val, sizeof(val));
	} else {
		n = lfs_encode(d, l, val, sizeof(val));
	}
	if (n < 0)
		return n;
	if (procfd_setxattr(fd, d->xattr, val, (size_t)n))
		return -errno;
	return 0;
}

int lfs_remove(const struct cfg_domain *d, int fd)
{
	if (d->read_only)
		return -EROFS;
	if (fd < 0)
		return -EBADF;
	if (procfd_removexattr(fd, d->xattr))
		return errno == ENODATA ? 0 : -errno;
	return 0;
}
