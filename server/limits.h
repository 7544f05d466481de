/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limits.h - every cap the server applies to what a client sends or asks
 * for, with its reason.  Change them here, nowhere else.
 */
#ifndef LNFSD_LIMITS_H
#define LNFSD_LIMITS_H

/* READ/WRITE payload (maxread/maxwrite attributes): 1 MiB, the Linux
 * client's largest rsize/wsize. */
#define LNFS_MAX_IO (1024u * 1024u)
/* A call record: the largest WRITE plus room for the compound around it. */
#define LNFS_MAX_RECORD (LNFS_MAX_IO + 64u * 1024u)
/* Reply to a compound without a session (EXCHANGE_ID, CREATE_SESSION...). */
#define LNFS_SESSIONLESS_REPLY (16u * 1024u)
/* Operations in one compound (also the session's ca_maxoperations cap). */
#define LNFS_MAX_OPS 64u
/* COMPOUND tag: RFC 8881 leaves it unbounded; nobody needs more. */
#define LNFS_MAX_TAG 1024u
/* A component name (maxname attribute; Linux NAME_MAX). */
#define LNFS_MAX_NAME 255u
/* A symlink target (PATH_MAX minus the NUL). */
#define LNFS_MAX_LINK 4095u
/* Owner strings (user@domain or a number). */
#define LNFS_MAX_OWNER 1024u
/* Attribute bitmap words accepted from a client (extra words must be 0). */
#define LNFS_MAX_BITMAP_WORDS 8u
/* An fattr4 attrlist a client sends. */
#define LNFS_MAX_ATTRLIST (8u * 1024u)
/* RFC 8276 xattrs, all in the host's user namespace: a key on the wire is
 * the host name without "user.", so Linux XATTR_NAME_MAX (255) minus those
 * 5 bytes; a value is at most XATTR_SIZE_MAX (64 KiB), a host listxattr()
 * list at most XATTR_LIST_MAX (64 KiB). */
#define LNFS_MAX_XATTR_KEY 250u
#define LNFS_MAX_XATTR_VALUE 65536u
#define LNFS_MAX_XATTR_LIST 65536u
/* Index handles (export.h, unprivileged mode): the deepest chain of
 * directories followed from the export root (a path of one-character
 * names near PATH_MAX), and the most directory entries one search for an
 * object the index does not know may read, so a stale handle costs
 * bounded work. */
#define LNFS_FH_MAX_DEPTH 2048u
#define LNFS_FH_SEARCH_MAX 1000000u
/* Host handles of directories (export.c, dir_inside): the most ".." levels
 * walked to prove the directory is still inside its export; deeper is
 * NFS4ERR_STALE. */
#define LNFS_FH_DIR_WALK_MAX 4096
/* Name prefix of the hidden staging entries used for atomic labelled
 * creation; never shown to clients. */
#define LNFS_STAGE_PREFIX ".lnfsd-stage-"

#endif
