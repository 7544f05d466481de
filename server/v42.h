/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * v42.h - what the NFSv4.2 data operations (op_v42.c) tell the attribute
 * code about an export's filesystem: whether it can clone (reflink) file
 * ranges, which decides between advertising clone_blksize and space_freed
 * (RFC 7862 §12.2.1, §12.2.2).  Both answers come from one fstatfs() of the
 * export root; nothing is cached, so a reload or remount is seen at once.
 */
#ifndef LNFSD_V42_H
#define LNFSD_V42_H

#include <stdint.h>

struct export;

/*
 * The clone block size of export x's filesystem (RFC 7862 §12.2.1), or 0
 * if CLONE is not supported there.  Only filesystems known to implement
 * FICLONERANGE for every file are reported (btrfs); elsewhere CLONE may
 * still be attempted and answers NFS4ERR_NOTSUPP when the host refuses.
 */
uint32_t v42_clone_blksize(const struct export *x);

#endif
