/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xattr.h - what the rest of the server needs to know about RFC 8276
 * extended attributes (implemented in op_xattr.c): whether an object's file
 * system can hold them (the xattr_support attribute) and which of the
 * ACCESS4_XA* bits the caller has.  Only the host's user namespace is ever
 * reached, and never the names that store labels.
 */
#ifndef LNFSD_XATTR_H
#define LNFSD_XATTR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

struct compound;
struct export;

/*
 * True if the file system of the object open as fd (O_PATH) in export x
 * supports user xattrs: the xattr_support attribute (RFC 8276 §8.1), a per
 * file system property, so symlinks and special files (which Linux never
 * lets hold user xattrs) answer for their file system.  mode is the
 * object's st_mode.  False in the pseudo-fs (x == NULL).
 */
bool xattr_fs_supported(const struct export *x, int fd, mode_t mode);

/*
 * The ACCESS4_XAREAD/XAWRITE/XALIST bits of `want` that are supported for
 * the current object and those the caller is granted (RFC 8276 §8.5):
 * supported only for regular files and directories on a file system with
 * user xattrs, granted as the kernel decides for user.* (read permission
 * for XAREAD and XALIST, write permission on a writable export for
 * XAWRITE).  st is the object's stat.
 */
void xattr_access(const struct compound *c, const struct stat *st, uint32_t want,
		  uint32_t *supported, uint32_t *granted);

#endif
