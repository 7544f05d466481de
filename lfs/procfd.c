/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procfd.c - the object behind a descriptor, through "/proc/self/fd/N"
 * resolved relative to a kept descriptor of "/proc/self/fd": see procfd.h.
 */
#include "config.h"

#include "lfs/procfd.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

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
struct procfd_xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

enum { PROCDIR_UNSET = -2, PROCDIR_NONE = -1 };

/* The kept descriptor of "/proc/self/fd", PROCDIR_UNSET until first use,
 * PROCDIR_NONE when it cannot be opened (see procfd.h). */
static atomic_int procdir = PROCDIR_UNSET;
/* The *xattrat() calls answered ENOSYS once. */
static atomic_bool no_xattrat;
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
	if (!atomic_compare_exchange_strong(&procdir, &want, f)) {
		close(f); /* another thread was first */
		return want;
	}
	return f;
}

void procfd_path(int fd, char buf[static PROCFD_PATH_MAX])
{
	snprintf(buf, PROCFD_PATH_MAX, "/proc/thread-self/fd/%d", fd);
}

/* fd (>= 0) in decimal into buf: the name of its link in the kept
 * directory.  By hand: snprintf() costs several hundred instructions,
 * more than the rest of a label read's user-space work on this path. */
static void fd_name(int fd, char buf[static PROCFD_PATH_MAX])
{
	char tmp[16];
	unsigned int v = (unsigned int)fd;
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
}

/* fd's name in the kept directory, or -1 to use the full path in buf */
static int at(int fd, char buf[static PROCFD_PATH_MAX])
{
	int dir = procdir_get();

	if (dir >= 0)
		fd_name(fd, buf);
	else
		procfd_path(fd, buf);
	return dir >= 0 ? dir : AT_FDCWD;
}

int procfd_open(int fd, int flags)
{
	char n[PROCFD_PATH_MAX];

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	return openat(at(fd, n), n, flags | O_CLOEXEC);
}

int procfd_linkat(int fd, int dirfd, const char *name)
{
	char n[PROCFD_PATH_MAX];

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	return linkat(at(fd, n), n, dirfd, name, AT_SYMLINK_FOLLOW);
}

/* The kept directory for the *xattrat() calls, or -1 */
static int xattrat_dir(void)
{
#if defined(__NR_getxattrat)
	if (!atomic_load_explicit(&no_xattrat, memory_order_relaxed))
		return procdir_get();
#endif
	return -1;
}

/* System call nr (getxattrat, setxattrat with a, or removexattrat with a
 * NULL) on fd's entry of the kept directory: true with its result in *r,
 * or false when there is no kept directory or the kernel lacks the call
 * (ENOSYS: never tried again), for the caller's path form. */
static bool via_xattrat(long nr, int fd, const char *name, struct procfd_xattr_args *a, long *r)
{
#if defined(__NR_getxattrat)
	char n[PROCFD_PATH_MAX];
	int dir = xattrat_dir();

	if (dir < 0)
		return false;
	fd_name(fd, n);
	*r = a ? syscall(nr, dir, n, 0, name, a, sizeof(*a)) : syscall(nr, dir, n, 0, name);
	if (*r >= 0 || errno != ENOSYS)
		return true;
	atomic_store(&no_xattrat, true);
#else
	(void)nr, (void)fd, (void)name, (void)a, (void)r;
#endif
	return false;
}

ssize_t procfd_getxattr(int fd, const char *name, void *val, size_t size)
{
	struct procfd_xattr_args a = { .value = (uintptr_t)val, .size = (uint32_t)size };
	char path[PROCFD_PATH_MAX];
	long r;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
#if defined(__NR_getxattrat)
	if (via_xattrat(__NR_getxattrat, fd, name, &a, &r))
		return (ssize_t)r;
#endif
	procfd_path(fd, path);
	return getxattr(path, name, val, size);
}

int procfd_setxattr(int fd, const char *name, const void *val, size_t size)
{
	struct procfd_xattr_args a = { .value = (uintptr_t)val, .size = (uint32_t)size };
	char path[PROCFD_PATH_MAX];
	long r;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
#if defined(__NR_setxattrat)
	if (via_xattrat(__NR_setxattrat, fd, name, &a, &r))
		return (int)r;
#endif
	procfd_path(fd, path);
	return setxattr(path, name, val, size, 0);
}

int procfd_removexattr(int fd, const char *name)
{
	char path[PROCFD_PATH_MAX];
	long r;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
#if defined(__NR_removexattrat)
	if (via_xattrat(__NR_removexattrat, fd, name, NULL, &r))
		return (int)r;
#endif
	procfd_path(fd, path);
	return removexattr(path, name);
}
