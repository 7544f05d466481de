/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostctx.h - the export option host_context= (lnfsd.exports(5)): every
 * object lnfsd creates in such an export gets that host SELinux context,
 * whatever label the client gives it (the client's label goes to the label
 * domain's own xattr as always).  The context is set as the worker
 * thread's SELinux file-creation context (setfscreatecon, per thread) for
 * exactly the system call that makes the object, so the object is born
 * with it; nothing else the thread creates (state directory, fallback
 * store) is affected.
 */
#ifndef LNFSD_HOSTCTX_H
#define LNFSD_HOSTCTX_H

#include <stdbool.h>

#include "xdr/nfs4_prot.h"

struct compound;
struct export;

/*
 * Call right before the system call creating an object in export x.  Sets
 * the thread's file-creation context to x's host_context when there is one
 * and SELinux is enabled (*set true), else does nothing (*set false).
 * NFS4_OK, or NFS4ERR_SERVERFAULT when the context cannot be set (logged,
 * rate-limited; e.g. a policy reload removed its type): the object must
 * then not be created.
 */
nfsstat4 hostctx_begin(const struct compound *c, const struct export *x, bool *set);
/*
 * Call right after that system call, whatever it returned, when
 * hostctx_begin() set a context: restores the thread's default.  errno is
 * preserved.
 */
void hostctx_end(const struct compound *c, bool set);

#endif /* LNFSD_HOSTCTX_H */
