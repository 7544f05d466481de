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

struct caps {
	bool setid;           /* CAP_SETUID and CAP_SETGID */
	bool dac_read_search; /* open_by_handle_at() */
	bool sys_admin;       /* trusted.* xattrs */
	bool dac_override;    /* reaching objects whatever their mode */
};

/* 0, or -errno when the kernel would not say (then all false). */
int caps_probe(struct caps *out);

#endif
