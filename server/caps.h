/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.h - which of the capabilities lnfsd can use it actually holds,
 * read once at start-up from the kernel (capget, effective set).  Running
 * as root is the normal case; without CAP_DAC_READ_SEARCH the exports use
 * index handles (export.h), without CAP_SETUID/CAP_SETGID every operation
 * runs as the server's user (cred.h), and without CAP_SYS_ADMIN trusted.*
 * label names cannot be used, so label domains should name user.* xattrs
 * (the fallback store then labels symlinks and special files, lfs.h).
 */
#ifndef LNFSD_CAPS_H
#define LNFSD_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct caps {
	bool setid;           /* CAP_SETUID and CAP_SETGID */
	bool dac_read_search; /* open_by_handle_at() */
	bool sys_admin;       /* trusted.* xattrs */
	bool dac_override;    /* reaching objects whatever their mode */
};

/* 0, or -errno when the kernel would not say (then all false). */
int caps_probe(struct caps *out);

/* The capabilities lnfsd keeps once it serves (docs/security.md):
 * DAC_READ_SEARCH, SETUID, SETGID, CHOWN, FOWNER, FSETID, DAC_OVERRIDE,
 * MKNOD, and SYS_ADMIN only when sys_admin is true (some label domain
 * stores its labels in trusted.* or security.* xattrs), as a mask of bit
 * (1 << CAP_x). */
uint64_t caps_keep_mask(bool sys_admin);

/* Least privilege, called once after start-up (listeners bound, state dir
 * and control socket ready) and before any thread exists, since the sets
 * are per thread and threads inherit them: PR_SET_NO_NEW_PRIVS; with
 * CAP_SETPCAP, PR_CAPBSET_DROP of every capability outside the kept mask;
 * the ambient set cleared; capset() of permitted and effective to their
 * intersection with the mask and inheritable to nothing (lnfsd never
 * executes a program).  The fs-related capabilities still follow the fsuid
 * (cred.c): the kernel removes them from the effective set when a thread's
 * fsuid leaves 0 and restores them from the permitted set when it returns,
 * so keeping them permitted is enough.  sys_admin: as for caps_keep_mask.
 * *kept gets the permitted set left.
 * 1 when there was nothing to drop (an unprivileged lnfsd), 0 when
 * something was dropped, -errno on failure. */
int caps_drop(bool sys_admin, uint64_t *kept);

/* "cap_chown,cap_fowner,..." for a capability mask, into buf. */
void caps_names(uint64_t mask, char *buf, size_t len);

#endif
