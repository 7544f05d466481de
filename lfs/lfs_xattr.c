/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfs_xattr.c - the only place that reads, writes or removes label xattrs
 * (and so the only label code that needs CAP_SYS_ADMIN for trusted.* and
 * security.* names).  Works on any descriptor, O_PATH ones included, by
 * addressing "/proc/self/fd/N" with the following xattr calls: see lfs.h for
 * why not fgetxattr() or lgetxattr().  Values are encoded and checked by
 * lfs_name.c.
 *
 * Cost.  Resolving "/proc/thread-self/fd/N" from the root walks four
 * components, revalidates the task's directories and then follows the
 * magic link: about 4 us of kernel time, the largest part of a GETATTR
 * with sec_label.  Where the kernel has the *xattrat() calls (Linux 6.13),
 * the same magic link is followed from a directory descriptor of
 * "/proc/self/fd" kept open by this file: one component, about 1.5 us
 * less.  (Those calls refuse O_PATH descriptors themselves with EBADF, so
 * the magic link is still needed.)  The threads of lnfsd share one
 * descriptor table, so "/proc/self/fd/N" and "/proc/thread-self/fd/N" name
 * the same object.  Without the calls (ENOSYS) the full path is used.
 */
#include "config.h"

#include "lfs/lfs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#define LFS_PROC_PATH 48

/* The *xattrat() calls: one number on every architecture but alpha. */
#if !defined(__alpha__)
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_getxattrat
#define __NR_getxattrat 464
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
#endif

/* struct xattr_args of <linux/xattr.h> (not in older kernel headers) */
struct lfs_xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

enum { PROCDIR_UNSET = -2, PROCDIR_NONE = -1 };

/*
 * The descriptor of "/proc/self/fd", PROCDIR_UNSET until first use, or
 * PROCDIR_NONE when the kernel lacks the *xattrat() calls.  It belongs to
 * the process, not to a server context (it names the process's own
 * descriptor table), so it is the one process-wide variable here: set
 * once, and reset in a forked child, whose "/proc/self" is another
 * directory (a stale one would name the parent's descriptors).
 */
static atomic_int procdir = PROCDIR_UNSET;
static pthread_once_t procdir_once = PTHREAD_ONCE_INIT;

static void procdir_child(void)
{
	int fd = atomic_exchange(&procdir, PROCDIR_UNSET);

	if (fd >= 0)
		close(fd);
}

static void procdir_register(void)
{
	pthread_atfork(NULL, NULL, procdir_child);
}

static int procdir_get(void)
{
	int fd = atomic_load_explicit(&procdir, memory_order_acquire);
	int want = PROCDIR_UNSET, f;

	if (fd != PROCDIR_UNSET)
		return fd;
#if defined(__NR_getxattrat)
	pthread_once(&procdir_once, procdir_register);
	f = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f >= 0 && f <= 2) {
		/* never 0-2: daemon() and friends redirect those */
		int g = fcntl(f, F_DUPFD_CLOEXEC, 3);

		close(f);
		f = g;
	}
	if (f < 0)
		return PROCDIR_NONE; /* try again next time; the path works */
#else
	f = PROCDIR_NONE;
#endif
	if (!atomic_compare_exchange_strong(&procdir, &want, f)) {
		if (f >= 0)
			close(f); /* another thread was first */
		return want;
	}
	return f;
}

/* The calls are missing (ENOSYS): use paths from now on. */
static void procdir_none(int seen)
{
	if (atomic_compare_exchange_strong(&procdir, &seen, PROCDIR_NONE) && seen >= 0)
		close(seen);
}

static void proc_path(int fd, char buf[static LFS_PROC_PATH])
{
	snprintf(buf, LFS_PROC_PATH, "/proc/thread-self/fd/%d", fd);
}

/* getxattr(), setxattr() and removexattr() of the object fd refers to,
 * following its /proc magic link; -1 and errno on failure as they do */
static ssize_t fd_getxattr(int fd, const char *name, void *val, size_t size)
{
	char path[LFS_PROC_PATH];
	int dir = procdir_get();

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
#if defined(__NR_getxattrat)
	if (dir >= 0) {
		struct lfs_xattr_args a = { .value = (uintptr_t)val, .size = (uint32_t)size };
		char n[16];
		long r;

		snprintf(n, sizeof(n), "%d", fd);
		r = syscall(__NR_getxattrat, dir, n, 0, name, &a, sizeof(a));
		if (r >= 0 || errno != ENOSYS)
			return (ssize_t)r;
		procdir_none(dir);
	}
#endif
	(void)dir;
	proc_path(fd, path);
	return getxattr(path, name, val, size);
}

static int fd_setxattr(int fd, const char *name, const void *val, size_t size)
{
	char path[LFS_PROC_PATH];
	int dir = procdir_get();

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
#if defined(__NR_setxattrat)
	if (dir >= 0) {
		struct lfs_xattr_args a = { .value = (uintptr_t)val, .size = (uint32_t)size };
		char n[16];
		long r;

		snprintf(n, sizeof(n), "%d", fd);
		r = syscall(__NR_setxattrat, dir, n, 0, name, &a, sizeof(a));
		if (r >= 0 || errno != ENOSYS)
			return (int)r;
		procdir_none(dir);
	}
#endif
	(void)dir;
	proc_path(fd, path);
	return setxattr(path, name, val, size, 0);
}

static int fd_removexattr(int fd, const char *name)
{
	char path[LFS_PROC_PATH];
	int dir = procdir_get();

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
#if defined(__NR_removexattrat)
	if (dir >= 0) {
		char n[16];
		long r;

		snprintf(n, sizeof(n), "%d", fd);
		r = syscall(__NR_removexattrat, dir, n, 0, name);
		if (r >= 0 || errno != ENOSYS)
			return (int)r;
		procdir_none(dir);
	}
#endif
	(void)dir;
	proc_path(fd, path);
	return removexattr(path, name);
}

int lfs_get(const struct cfg_domain *d, int fd, struct lfs_label *out)
{
	/* One spare byte: a value longer than any valid one is corrupt. */
	uint8_t val[LFS_VALUE_MAX_TAGGED + 1];
	uint8_t tag[LFS_TAG_LEN], want[LFS_TAG_LEN], diff = 0;
	bool tagged;
	ssize_t n;
	int rc, i;

	n = fd_getxattr(fd, d->xattr, val, sizeof(val));
	if (n < 0)
		return errno == ERANGE ? -EBADMSG : -errno;
	if (d->integrity == CFG_INTEGRITY_OFF)
		return lfs_decode(d, val, (size_t)n, out);
	rc = lfs_decode_tagged(d, val, (size_t)n, out, &tagged, tag);
	if (rc)
		return rc;
	if (!tagged || lfs_tag(d, fd, out, want))
		return -EKEYREJECTED;
	for (i = 0; i < LFS_TAG_LEN; i++)	/* constant time */
		diff |= tag[i] ^ want[i];
	return diff ? -EKEYREJECTED : 0;
}

int lfs_get_or_default(const struct cfg_domain *d, int fd,
		       struct lfs_label *out, bool *is_default)
{
	int rc = lfs_get(d, fd, out);

	if (rc == -ENODATA || rc == -EOPNOTSUPP) {
		lfs_default(d, out);
		if (is_default)
			*is_default = true;
		return 0;
	}
	if (is_default)
		*is_default = false;
	return rc;
}

int lfs_set(const struct cfg_domain *d, int fd, const struct lfs_label *l)
{
	uint8_t val[LFS_VALUE_MAX_TAGGED];
	int rc, n;

	if (d->read_only)
		return -EROFS;
	rc = lfs_validate(d, l);
	if (rc)
		return rc;
	if (fd < 0)
		return -EBADF;
	if (d->integrity != CFG_INTEGRITY_OFF) {
		uint8_t tag[LFS_TAG_LEN];

		rc = lfs_tag(d, fd, l, tag);
		if (rc)
			return rc;
		n = lfs_encode_tagged(d, l, tag, val, sizeof(val));
	} else {
		n = lfs_encode(d, l, val, sizeof(val));
	}
	if (n < 0)
		return n;
	if (fd_setxattr(fd, d->xattr, val, (size_t)n))
		return -errno;
	return 0;
}

int lfs_remove(const struct cfg_domain *d, int fd)
{
	if (d->read_only)
		return -EROFS;
	if (fd < 0)
		return -EBADF;
	if (fd_removexattr(fd, d->xattr))
		return errno == ENODATA ? 0 : -errno;
	return 0;
}
