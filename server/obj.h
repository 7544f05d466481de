/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * obj.h - helpers shared by the handlers for the current and saved objects:
 * setting them from a pseudo node or a host descriptor, checking names a
 * client sends, and reading the type of an object.
 */
#ifndef LNFSD_OBJ_H
#define LNFSD_OBJ_H

#include <stdbool.h>
#include <sys/stat.h>

#include "server/compound.h"
#include "server/limits.h"

/* Make o the pseudo node `node` (or the export mounted on it). */
nfsstat4 obj_set_pseudo(struct compound *c, struct cur_obj *o, uint32_t node);
/* Make o the object open as fd (O_PATH) in export x; takes ownership of fd
 * (closed on failure). */
nfsstat4 obj_set_fd(struct compound *c, struct cur_obj *o, struct export *x, int fd);
/* The same for an object found as an entry of directory dirfd (borrowed;
 * it may be o's own descriptor): on a subtree_check export the handle of a
 * non-directory names dirfd (fh_for_child()). */
nfsstat4 obj_set_child(struct compound *c, struct cur_obj *o, struct export *x, int dirfd, int fd);

/* A component name from the wire, checked (RFC 8881 §18.9.3 and §1.7.3):
 * empty -> NFS4ERR_INVAL, too long -> NFS4ERR_NAMETOOLONG, '/' or NUL ->
 * NFS4ERR_BADCHAR, "." or ".." -> NFS4ERR_BADNAME.  Copied NUL-terminated
 * into buf (LNFS_MAX_NAME + 1 bytes). */
nfsstat4 obj_get_name(struct xdr_in *args, char *buf);
/* Names the server keeps to itself (staging entries of atomic creates). */
bool obj_name_hidden(const char *name);

/* fstat of o (pseudo nodes are directories). */
nfsstat4 obj_stat(const struct compound *c, const struct cur_obj *o, struct stat *st);
/* NFS4_OK if o is a directory, else NFS4ERR_NOTDIR (NFS4ERR_SYMLINK for a
 * symlink). */
nfsstat4 obj_want_dir(const struct compound *c, const struct cur_obj *o);
/* Open o for I/O or listing (a new descriptor the caller owns), flags as
 * for open(2); -errno on failure. */
int obj_reopen(const struct cur_obj *o, int flags);

/* rwx bits (4, 2, 1) the caller's AUTH_SYS credentials have on an object,
 * as the kernel's generic_permission() decides without ACLs. */
unsigned obj_perms(const struct compound *c, const struct stat *st);

/* The export's client rule says read-only for this caller. */
bool obj_export_readonly(const struct compound *c, const struct export *x);

/* The call's security flavour (AUTH_SYS, AUTH_NONE, krb5/krb5i/krb5p) is
 * one the export's client rule for the caller lists (sec=); AUTH_NONE goes
 * wherever AUTH_SYS does (it could claim the anonymous ids with AUTH_SYS
 * anyway).  Pseudo directories (x == NULL) take every flavour: they only
 * show export paths.  False means NFS4ERR_WRONGSEC (op_fh.c, RFC 8881
 * §2.6.3.1). */
bool obj_flavor_ok(const struct compound *c, const struct export *x);

#endif
