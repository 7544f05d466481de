/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * create.c - atomic labelled creation (see create.h).  The new object gets
 * the caller's filesystem identity (cred.h), its mode, its owner attributes and its
 * label while it is still invisible; only then is it given its name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lfs/procfd.h"
#include "server/compound.h"
#include "server/create.h"
#include "server/hostctx.h"
#include "server/label.h"
#include "server/limits.h"
#include "server/srv.h"

/* "<prefix><instance>-" for this server process: its start time and pid,
 * so that staging entries a killed server left behind can be told from
 * those of creations in progress (create_stage_reap()). */
static int stage_instance(const struct srv *srv, char *buf, size_t len)
{
	return snprintf(buf, len, "%s%08x%x-", LNFS_STAGE_PREFIX, (unsigned)srv->boot_time,
			(unsigned)getpid());
}

static void stage_name(const struct compound *c, char *buf, size_t len)
{
	uint8_t r[8];
	size_t i;
	int n;

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		memset(r, 0x5a, sizeof(r));
	n = stage_instance(c->srv, buf, len);
	for (i = 0; i < sizeof(r) && n > 0 && (size_t)n + 2 < len; i++)
		n += snprintf(buf + n, len - (size_t)n, "%02x", r[i]);
}

bool create_stage_reap(const struct compound *c, int dirfd, const char *name)
{
	char mine[64];
	struct stat st;
	bool done;
	int n, fd;

	n = stage_instance(c->srv, mine, sizeof(mine));
	if (n <= 0 || !strncmp(name, mine, (size_t)n))
		return false;	/* this process's: a creation in progress */
	/* Made after this server started: another lnfsd serving the same
	 * directory may be creating it right now. */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    (uint64_t)st.st_ctim.tv_sec > c->srv->boot_time)
		return false;
	/* with its fallback-store label, as a failed creation does */
	fd = label_forget_begin(c, dirfd, name);
	done = unlinkat(dirfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) == 0;
	label_forget_end(c, fd, done);
	return done;
}

/* Owner, group, label and mode of a new, still invisible object. */
static nfsstat4 init_attrs(const struct compound *c, struct export *x, int fd, mode_t type,
			   const struct attr_set *a, uint32_t attrset[FATTR4_WORDS])
{
	struct attr_set s;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;

	/* The object was created with the caller's filesystem identity
	 * (cred.h), so it already has the right owner and group (including
	 * the group of a set-group-ID directory); only explicit owner
	 * attributes change them, with the kernel's rules for chown. */
	{
		nfsstat4 st = label_store_required(c, fd, a && attr_isset(a->mask,
									  FATTR4_SEC_LABEL));

		if (st != NFS4_OK || !a)
			return st;
	}
	if (attr_isset(a->mask, FATTR4_OWNER))
		uid = a->uid;
	if (attr_isset(a->mask, FATTR4_OWNER_GROUP))
		gid = a->gid;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return nfs4_errno(errno);
	if (attr_isset(a->mask, FATTR4_OWNER))
		attr_setbit(attrset, FATTR4_OWNER);
	if (attr_isset(a->mask, FATTR4_OWNER_GROUP))
		attr_setbit(attrset, FATTR4_OWNER_GROUP);
	/* the rest (label, times, explicit mode for non-symlinks) */
	s = *a;
	s.mask[0] &= ~((1u << FATTR4_SIZE));
	s.mask[1] &= ~((1u << (FATTR4_OWNER - 32)) | (1u << (FATTR4_OWNER_GROUP - 32)));
	if (type == S_IFLNK)
		s.mask[1] &= ~(1u << (FATTR4_MODE - 32));
	return attr_apply(c, x, fd, &s, attrset);
}

static nfsstat4 create_regular(const struct compound *c, struct export *x, int dirfd,
			       const char *name, const struct create_req *r, mode_t mode,
			       int *path_fd, int *io_fd, uint32_t attrset[FATTR4_WORDS])
{
	char stage[64];
	nfsstat4 st;
	int fd, pfd;
	bool staged = false, ctx;

	st = hostctx_begin(c, x, &ctx);
	if (st != NFS4_OK)
		return st;
	fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		/* no O_TMPFILE on this filesystem: a hidden staging name */
		stage_name(c, stage, sizeof(stage));
		fd = openat(dirfd, stage, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, mode);
		staged = fd >= 0;
	}
	hostctx_end(c, ctx);
	if (fd < 0)
		return nfs4_errno(errno);
	pfd = procfd_open(fd, O_PATH);
	if (pfd < 0) {
		st = nfs4_errno(errno);
		goto fail;
	}
	st = init_attrs(c, x, pfd, S_IFREG, r->attrs, attrset);
	if (st != NFS4_OK)
		goto fail;
	if (r->attrs && attr_isset(r->attrs->mask, FATTR4_SIZE) && r->attrs->size) {
		if (ftruncate(fd, (off_t)r->attrs->size) < 0) {
			st = nfs4_errno(errno);
			goto fail;
		}
	}
	if (r->attrs && attr_isset(r->attrs->mask, FATTR4_SIZE))
		attr_setbit(attrset, FATTR4_SIZE);
	if (staged) {
		if (renameat2(dirfd, stage, dirfd, name, RENAME_NOREPLACE) < 0) {
			st = nfs4_errno(errno);
			goto fail;
		}
	} else if (procfd_linkat(fd, dirfd, name) < 0) {
		st = nfs4_errno(errno);
		goto fail;
	}
	*path_fd = pfd;
	if (io_fd)
		*io_fd = fd;
	else
		close(fd);
	return NFS4_OK;
fail:
	if (pfd >= 0)
		close(pfd);
	close(fd);
	if (staged)
		unlinkat(dirfd, stage, 0);
	return st;
}

nfsstat4 create_object(const struct compound *c, struct export *x, int dirfd, const char *name,
		       const struct create_req *r, int *path_fd, int *io_fd,
		       uint32_t attrset[FATTR4_WORDS])
{
	mode_t mode = 0666;
	char stage[64];
	nfsstat4 st;
	int fd, rc;
	bool ctx;

	*path_fd = -1;
	if (io_fd)
		*io_fd = -1;
	if (r->attrs && attr_isset(r->attrs->mask, FATTR4_MODE))
		mode = r->attrs->mode & 07777;
	else if (r->type == S_IFDIR)
		mode = 0777;
	if (r->attrs && attr_isset(r->attrs->mask, FATTR4_MODE) && r->type != S_IFLNK)
		attr_setbit(attrset, FATTR4_MODE);
	if (r->type == S_IFREG)
		return create_regular(c, x, dirfd, name, r, mode, path_fd, io_fd, attrset);

	stage_name(c, stage, sizeof(stage));
	st = hostctx_begin(c, x, &ctx);
	if (st != NFS4_OK)
		return st;
	switch (r->type) {
	case S_IFDIR:
		rc = mkdirat(dirfd, stage, mode);
		break;
	case S_IFLNK:
		rc = symlinkat(r->target, dirfd, stage);
		break;
	default:
		rc = mknodat(dirfd, stage, r->type | mode, r->rdev);
		break;
	}
	hostctx_end(c, ctx);
	if (rc < 0)
		return nfs4_errno(errno);
	fd = openat(dirfd, stage, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		st = nfs4_errno(errno);
		goto fail;
	}
	/* mkdirat/mknodat applied the umask-free mode; set it again only when
	 * set-id bits were asked for, which mknod may drop */
	st = init_attrs(c, x, fd, r->type, r->attrs, attrset);
	if (st != NFS4_OK)
		goto fail;
	if (renameat2(dirfd, stage, dirfd, name, RENAME_NOREPLACE) < 0) {
		st = nfs4_errno(errno);
		goto fail;
	}
	*path_fd = fd;
	return NFS4_OK;
fail:
	if (fd >= 0)
		close(fd);
	/* The label of a staged symlink or special file may already be in
	 * the fallback store (label.h): drop it with the object, or it stays
	 * there for good (found by tests/fault/t_fault). */
	fd = label_forget_begin(c, dirfd, stage);
	rc = unlinkat(dirfd, stage, r->type == S_IFDIR ? AT_REMOVEDIR : 0);
	label_forget_end(c, fd, rc == 0);
	return st;
}
