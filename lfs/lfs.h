/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfs.h - the label store: where each label domain keeps its sec_label
 * (RFC 7862 §12.2.4: LFS, PI, opaque data) on the host file system, and the
 * only code that reads or writes those extended attributes.  It knows
 * nothing of NFS: callers pass a struct cfg_domain (borrowed; the caller
 * holds the cfg reference) and a descriptor, and get 0 or -errno back, which
 * the protocol layer turns into NFS4ERR_* per operation.
 *
 * Storage.  Each domain has one host xattr (cfg_domain.xattr, resolved by
 * config/).  Its value is either
 *   framed (CFG_XATTR_FRAMED): a 12-byte header then the label bytes:
 *       byte 0-1  magic 'L' 'N'
 *       byte 2    version (LFS_FRAME_VERSION = 1)
 *       byte 3    flags, must be 0
 *       byte 4-7  LFS, big endian
 *       byte 8-11 PI, big endian
 *       byte 12-  label, 1..NFS4_MAXLABELLEN bytes, stored exactly
 *     so GETATTR returns the LFS and PI a client set;
 *   raw (CFG_XATTR_RAW): the bare label followed by one NUL, as the kernel
 *     stores security.selinux and virtiofsd its remapped names, so other
 *     software reads it directly.  On read one trailing NUL is removed if
 *     present; LFS and PI are reported as the domain's default-lfs and
 *     default-pi (an accepted but different LFS/PI given to lfs_set() is
 *     therefore not kept).
 * A stored value that does not parse (short, bad magic/version/flags, empty
 * label, label longer than NFS4_MAXLABELLEN) is -EBADMSG.  Reads do not apply
 * the domain's max-label (it may have been lowered after the label was set).
 *
 * Descriptors.  fd may be any descriptor of the object, including O_PATH
 * (with O_NOFOLLOW, of a symlink itself).  fgetxattr() fails with EBADF on
 * O_PATH descriptors, so the calls go through "/proc/self/fd/N" with the
 * *following* getxattr()/setxattr()/removexattr(): following that magic link
 * lands on the object the descriptor refers to, a symlink included, while
 * the l*xattr() variants would address the /proc link itself (ENODATA or
 * EOPNOTSUPP).  /proc must be mounted.  Linux refuses user.* xattrs on
 * anything but regular files and directories: writes give -EPERM, reads
 * -ENODATA; trusted.* (CAP_SYS_ADMIN) works on every inode type.
 *
 * Privilege.  trusted.* and security.* need CAP_SYS_ADMIN; this file's
 * implementation (lfs_xattr.c) is the only caller of the xattr syscalls for
 * labels so that it can move to a privileged helper later.  Nothing here
 * ever touches a name that is not some domain's configured xattr, so the
 * host's own security.selinux is used only when a domain names it.
 */
#ifndef LNFSD_LFS_H
#define LNFSD_LFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/cfg.h"
#include "xdr/nfs4_prot.h"

#define LFS_FRAME_MAGIC0 'L'
#define LFS_FRAME_MAGIC1 'N'
#define LFS_FRAME_VERSION 1
#define LFS_FRAME_HDR 12
/* Largest stored value: header + label (raw needs label + NUL). */
#define LFS_VALUE_MAX (LFS_FRAME_HDR + NFS4_MAXLABELLEN)

struct lfs_label {
	uint32_t lfs;
	uint32_t pi;
	uint32_t len;		/* bytes used in data */
	uint8_t data[NFS4_MAXLABELLEN];
};

/* ---- names and checks (lfs_name.c; no system calls) ---- */

/*
 * The host xattr name holding (d, lfs, pi): the domain's one name, since
 * LFS and PI travel inside the value.  Copies it into buf[buflen]; returns
 * its length, -EPROTO if the domain does not accept lfs/pi, -ENAMETOOLONG
 * if buf is too small.
 */
int lfs_name(const struct cfg_domain *d, uint32_t lfs, uint32_t pi,
	     char *buf, size_t buflen);
/* True if the domain accepts this LFS and PI. */
bool lfs_accepts(const struct cfg_domain *d, uint32_t lfs, uint32_t pi);
/*
 * True if name is the storage name of any domain of cfg, or lies under the
 * reserved "trusted.lnfs." prefix: such names must be hidden from and
 * refused to the RFC 8276 xattr operations.
 */
bool lfs_is_label_xattr(const struct cfg *cfg, const char *name);
/*
 * Checks l against d, in this order: LFS/PI accepted (-EPROTO, the caller
 * answers NFS4ERR_BADLABEL), length 0 (-EINVAL), longer than max_label
 * (-E2BIG), format for selinux domains (-EINVAL).  0 if acceptable.  Does
 * not look at read_only (lfs_set() does).
 */
int lfs_validate(const struct cfg_domain *d, const struct lfs_label *l);
/* Fills out with d's default label, default-lfs and default-pi. */
void lfs_default(const struct cfg_domain *d, struct lfs_label *out);
/*
 * The stored value for l in d's xattr format into buf[buflen]; returns its
 * length or -ENOSPC.  No validation.
 */
int lfs_encode(const struct cfg_domain *d, const struct lfs_label *l,
	       uint8_t *buf, size_t buflen);
/* Parses a stored value; 0 or -EBADMSG. */
int lfs_decode(const struct cfg_domain *d, const uint8_t *val, size_t len,
	       struct lfs_label *out);

/* ---- storage (lfs_xattr.c; the only xattr syscalls for labels) ---- */

/* d's label of the object fd: 0, -ENODATA if none stored, -EBADMSG if the
 * stored value is corrupt, other -errno from the file system. */
int lfs_get(const struct cfg_domain *d, int fd, struct lfs_label *out);
/*
 * As lfs_get(), but when nothing is stored (-ENODATA) or the file system has
 * no xattrs (-EOPNOTSUPP) returns d's default label and sets *is_default
 * (which may be NULL).  Corrupt values and other errors are returned.
 */
int lfs_get_or_default(const struct cfg_domain *d, int fd,
		       struct lfs_label *out, bool *is_default);
/*
 * Stores l as d's label of fd, replacing any: -EROFS for a read-only domain,
 * then lfs_validate()'s errors, then -errno from the file system (-EPERM
 * for user.* names on symlinks and special files).
 */
int lfs_set(const struct cfg_domain *d, int fd, const struct lfs_label *l);
/* Removes d's label of fd; 0 also when none was stored; -EROFS if the
 * domain is read-only. */
int lfs_remove(const struct cfg_domain *d, int fd);

#endif /* LNFSD_LFS_H */
