/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * create.h - creating objects so that nobody sees them without their label
 * and initial attributes (RFC 7862 §9.2: "an object must never become
 * visible in the namespace before its label is bound").
 *
 * Regular files are made with O_TMPFILE, labelled, then linked in; other
 * types are made under a hidden staging name (LNFS_STAGE_PREFIX, never
 * shown by READDIR or LOOKUP), labelled, then renamed into place with
 * RENAME_NOREPLACE.  On any failure nothing is left behind.
 */
#ifndef LNFSD_CREATE_H
#define LNFSD_CREATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "server/attr.h"

struct compound;
struct export;

struct create_req {
	mode_t type;                 /* S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFSOCK, S_IFBLK, S_IFCHR */
	dev_t rdev;                  /* devices */
	const char *target;          /* symlinks */
	const struct attr_set *attrs; /* createattrs, may be NULL */
};

/*
 * Create `name` in the directory open as dirfd (O_PATH) of export x.
 * Returns NFS4_OK with *path_fd an O_PATH descriptor of the new object and,
 * for regular files when io_fd is not NULL, *io_fd an O_RDWR descriptor
 * (both owned by the caller).  The attributes applied are added to attrset.
 * An existing name: NFS4ERR_EXIST, nothing changed.
 */
nfsstat4 create_object(const struct compound *c, struct export *x, int dirfd, const char *name,
		       const struct create_req *r, int *path_fd, int *io_fd,
		       uint32_t attrset[FATTR4_WORDS]);

/*
 * A hidden staging entry `name` of directory dirfd (a name for which
 * obj_name_hidden() is true) that no creation of this server process can
 * own (another instance's name, and a ctime no later than the second this
 * process started: left by a server that was killed) is removed, with its
 * fallback-store label.  True if it was removed.  Best effort, with the
 * caller's filesystem identity; READDIR calls it.
 */
bool create_stage_reap(const struct compound *c, int dirfd, const char *name);

#endif
