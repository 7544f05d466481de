/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libfault.c - an LD_PRELOAD shim that makes the Nth call of chosen file
 * system functions fail with a chosen errno, so tests can sweep failures
 * through a live lnfsd without touching its code (SQLite's fault loops,
 * style-anchors.md B16, at the process boundary).
 *
 * Environment (read once, at load):
 *   LNFS_FAULT_CTL=FILE   the shared control block (fault.h); created (and
 *                         zeroed) when missing.  Drivers map it too and
 *                         re-arm between scenarios.  Without it the block
 *                         is private to the process.
 *   LNFS_FAULT=SPEC       arm at start: FN[,FN...]:N:ERRNO[:persist], FN a
 *                         name of fault.h's fault_fn_names or "all", ERRNO a
 *                         name (ENOSPC, EIO, EDQUOT, EACCES, ...) or number;
 *                         e.g. LNFS_FAULT=setxattr:3:ENOSPC.
 *   LNFS_FAULT_ROOT=P[:P]  count only calls whose path, directory descriptor
 *                         or descriptor lies under one of these absolute
 *                         prefixes (resolved through /proc/self/fd, so
 *                         O_PATH descriptors, /proc/thread-self/fd/N paths
 *                         and O_TMPFILE files count); unset: every call.
 *   LNFS_FAULT_LOG=1      print each injected failure on stderr.
 *
 * A failed call returns -1 with errno set and never reaches the kernel, so
 * it has no side effect.  Nothing is counted while the block is disarmed,
 * and disarmed calls cost one atomic load.
 */
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tests/fault/fault.h"

#define MAX_ROOTS 8

static struct fault_ctl *ctl;
static struct fault_ctl private_ctl;
static char roots[MAX_ROOTS][PATH_MAX];
static size_t nroots;
static bool log_hits;

/* ------------------------------------------------------------ set-up */

static const struct {
	const char *name;
	int err;
} errnames[] = {
	{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EDQUOT", EDQUOT }, { "EACCES", EACCES },
	{ "EPERM", EPERM }, { "EROFS", EROFS }, { "ENOMEM", ENOMEM }, { "EFBIG", EFBIG },
	{ "EMLINK", EMLINK }, { "ENOENT", ENOENT }, { "EEXIST", EEXIST }, { "EINTR", EINTR },
	{ "EAGAIN", EAGAIN }, { "EMFILE", EMFILE }, { "ENFILE", ENFILE }, { "ESTALE", ESTALE },
	{ "ENAMETOOLONG", ENAMETOOLONG }, { "EOPNOTSUPP", EOPNOTSUPP }, { "EINVAL", EINVAL },
	{ "EBUSY", EBUSY }, { "ENODATA", ENODATA }, { "E2BIG", E2BIG }, { "ERANGE", ERANGE },
};

static int parse_errno(const char *s)
{
	size_t i;
	char *end;
	long v;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(s, errnames[i].name))
			return errnames[i].err;
	v = strtol(s, &end, 10);
	return (*s && !*end && v > 0 && v < 4096) ? (int)v : 0;
}

static uint32_t parse_funcs(const char *s)
{
	char buf[512], *save = NULL, *t;
	uint32_t mask = 0;
	unsigned i;

	snprintf(buf, sizeof(buf), "%s", s);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "all")) {
			mask |= FAULT_FN_ALL;
			continue;
		}
		for (i = 0; i < FAULT_FN_COUNT; i++)
			if (!strcmp(t, fault_fn_names[i]))
				break;
		if (i == FAULT_FN_COUNT) {
			fprintf(stderr, "libfault: unknown function '%s'\n", t);
			return 0;
		}
		mask |= 1u << i;
	}
	return mask;
}

/* FN[,FN...]:N:ERRNO[:persist] */
static void arm_from_spec(const char *spec)
{
	char buf[600], *f[4] = { 0 }, *p;
	unsigned n = 0;
	uint32_t funcs;
	int err;
	long nth;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (p = buf; n < 4; n++) {
		f[n] = p;
		p = strchr(p, ':');
		if (!p) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n < 3) {
		fprintf(stderr, "libfault: LNFS_FAULT='%s': want FN[,FN...]:N:ERRNO[:persist]\n",
			spec);
		return;
	}
	funcs = parse_funcs(f[0]);
	nth = strtol(f[1], NULL, 10);
	err = parse_errno(f[2]);
	if (!funcs || nth < 1 || !err) {
		fprintf(stderr, "libfault: LNFS_FAULT='%s' not understood; not armed\n", spec);
		return;
	}
	__atomic_store_n(&ctl->armed, 0, __ATOMIC_SEQ_CST);
	ctl->funcs = funcs;
	ctl->nth = (uint32_t)nth;
	ctl->err = (uint32_t)err;
	ctl->persist = n > 3 && !strcmp(f[3], "persist");
	ctl->opts = 0;
	__atomic_store_n(&ctl->calls, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&ctl->injected, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&ctl->armed, 1, __ATOMIC_RELEASE);
}

static struct fault_ctl *map_ctl(const char *path)
{
	struct fault_ctl *m;
	struct stat st;
	int fd;

	/* the raw system calls: our own open() is interposed */
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "libfault: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 ||
	    ((size_t)st.st_size < sizeof(*m) && syscall(SYS_ftruncate, fd, (long)sizeof(*m)) < 0)) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	if (m->magic != FAULT_MAGIC) {
		memset(m, 0, sizeof(*m));
		m->version = FAULT_VERSION;
		__atomic_store_n(&m->magic, FAULT_MAGIC, __ATOMIC_RELEASE);
	}
	return m;
}

__attribute__((constructor)) static void fault_init(void)
{
	const char *p = getenv("LNFS_FAULT_CTL");
	const char *r = getenv("LNFS_FAULT_ROOT");
	struct fault_ctl *m = NULL;

	if (p && *p)
		m = map_ctl(p);
	if (!m) {
		m = &private_ctl;
		m->magic = FAULT_MAGIC;
		m->version = FAULT_VERSION;
	}
	log_hits = getenv("LNFS_FAULT_LOG") != NULL;
	while (r && *r && nroots < MAX_ROOTS) {
		const char *e = strchr(r, ':');
		size_t n = e ? (size_t)(e - r) : strlen(r);

		while (n > 1 && r[n - 1] == '/')
			n--;
		if (n && n < PATH_MAX && r[0] == '/') {
			memcpy(roots[nroots], r, n);
			roots[nroots][n] = '\0';
			nroots++;
		}
		r = e ? e + 1 : NULL;
	}
	ctl = m;
	p = getenv("LNFS_FAULT");
	if (p && *p)
		arm_from_spec(p);
}

/* ------------------------------------------------------------ filter */

static bool under_root(const char *path)
{
	size_t i, n;

	for (i = 0; i < nroots; i++) {
		n = strlen(roots[i]);
		if (!strncmp(path, roots[i], n) && (path[n] == '/' || path[n] == '\0'))
			return true;
	}
	return false;
}

static bool fd_under_root(int fd)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	if (fd == AT_FDCWD) {
		if (!getcwd(target, sizeof(target)))
			return false;
		return under_root(target);
	}
	if (fd < 0)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return under_root(target);
}

static bool path_under_root(int dirfd, const char *path)
{
	char target[PATH_MAX];
	ssize_t n;

	if (!path)
		return false;
	if (!strncmp(path, "/proc/self/fd/", 14) || !strncmp(path, "/proc/thread-self/fd/", 21)) {
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			return false;
		target[n] = '\0';
		return under_root(target);
	}
	if (path[0] == '/')
		return under_root(path);
	/* relative (or empty with AT_EMPTY_PATH): the directory decides */
	return fd_under_root(dirfd);
}

/*
 * The errno to fail this call with, or 0.  fd >= 0 (or AT_FDCWD with a
 * path) describes what the call touches; path2/dirfd2 a second name.
 */
static int fault_hit(enum fault_fn fn, const char *name, int dirfd, const char *path,
		     int dirfd2, const char *path2)
{
	struct fault_ctl *c = ctl;
	uint64_t n;
	bool in;
	int saved, err;

	if (!c || !__atomic_load_n(&c->armed, __ATOMIC_ACQUIRE))
		return 0;
	if (!(__atomic_load_n(&c->funcs, __ATOMIC_RELAXED) & (1u << fn)))
		return 0;
	saved = errno;
	if (!nroots)
		in = true;
	else if (path)
		in = path_under_root(dirfd, path) || (path2 && path_under_root(dirfd2, path2));
	else
		in = fd_under_root(dirfd);
	errno = saved;
	if (!in)
		return 0;
	n = __atomic_add_fetch(&c->calls, 1, __ATOMIC_SEQ_CST);
	if (n != c->nth && !(c->persist && n > c->nth))
		return 0;
	err = (int)c->err;
	__atomic_add_fetch(&c->injected, 1, __ATOMIC_SEQ_CST);
	snprintf(c->last_fn, sizeof(c->last_fn), "%s", name);
	if (log_hits)
		fprintf(stderr, "libfault: %s #%llu (%s) -> %s\n", name, (unsigned long long)n,
			path ? path : "fd", strerror(err));
	return err;
}

#define REAL(ret, name, ...)                                                   \
	static ret (*real_##name)(__VA_ARGS__);                                \
	if (!real_##name)                                                      \
		*(void **)&real_##name = dlsym(RTLD_NEXT, #name);              \
	if (!real_##name) {                                                    \
		errno = ENOSYS;                                                \
		return -1;                                                     \
	}

#define FAIL_IF(fn, name, dirfd, path, dirfd2, path2)                          \
	do {                                                                   \
		int e_ = fault_hit(fn, name, dirfd, path, dirfd2, path2);      \
		if (e_) {                                                      \
			errno = e_;                                            \
			return -1;                                             \
		}                                                              \
	} while (0)

/* ------------------------------------------------------------ open */

#define NEEDS_MODE(fl) (((fl) & O_CREAT) || ((fl) & O_TMPFILE) == O_TMPFILE)

static bool open_counts(int flags)
{
	return !ctl || !(__atomic_load_n(&ctl->opts, __ATOMIC_RELAXED) & FAULT_OPT_OPEN_CREATE_ONLY) ||
	       NEEDS_MODE(flags);
}

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

#define DEF_OPEN(name)                                                         \
	int name(const char *path, int flags, ...)                             \
	{                                                                      \
		mode_t mode = 0;                                               \
		REAL(int, name, const char *, int, ...)                        \
		if (NEEDS_MODE(flags)) {                                       \
			va_list ap;                                            \
			va_start(ap, flags);                                   \
			mode = (mode_t)va_arg(ap, int);                        \
			va_end(ap);                                            \
		}                                                              \
		if (open_counts(flags))                                        \
			FAIL_IF(FAULT_FN_OPEN, #name, AT_FDCWD, path, -1, NULL); \
		return real_##name(path, flags, mode);                         \
	}
DEF_OPEN(open)
DEF_OPEN(open64)

#define DEF_OPENAT(name)                                                       \
	int name(int dirfd, const char *path, int flags, ...)                  \
	{                                                                      \
		mode_t mode = 0;                                               \
		REAL(int, name, int, const char *, int, ...)                   \
		if (NEEDS_MODE(flags)) {                                       \
			va_list ap;                                            \
			va_start(ap, flags);                                   \
			mode = (mode_t)va_arg(ap, int);                        \
			va_end(ap);                                            \
		}                                                              \
		if (open_counts(flags))                                        \
			FAIL_IF(FAULT_FN_OPENAT, #name, dirfd, path, -1, NULL); \
		return real_##name(dirfd, path, flags, mode);                  \
	}
DEF_OPENAT(openat)
DEF_OPENAT(openat64)

int __open_2(const char *path, int flags)
{
	REAL(int, __open_2, const char *, int)
	if (open_counts(flags))
		FAIL_IF(FAULT_FN_OPEN, "__open_2", AT_FDCWD, path, -1, NULL);
	return real___open_2(path, flags);
}

int __open64_2(const char *path, int flags)
{
	REAL(int, __open64_2, const char *, int)
	if (open_counts(flags))
		FAIL_IF(FAULT_FN_OPEN, "__open64_2", AT_FDCWD, path, -1, NULL);
	return real___open64_2(path, flags);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	REAL(int, __openat_2, int, const char *, int)
	if (open_counts(flags))
		FAIL_IF(FAULT_FN_OPENAT, "__openat_2", dirfd, path, -1, NULL);
	return real___openat_2(dirfd, path, flags);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	REAL(int, __openat64_2, int, const char *, int)
	if (open_counts(flags))
		FAIL_IF(FAULT_FN_OPENAT, "__openat64_2", dirfd, path, -1, NULL);
	return real___openat64_2(dirfd, path, flags);
}

/* ------------------------------------------------------- namespace */

int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
	REAL(int, linkat, int, const char *, int, const char *, int)
	FAIL_IF(FAULT_FN_LINKAT, "linkat", newdirfd, newpath, olddirfd, oldpath);
	return real_linkat(olddirfd, oldpath, newdirfd, newpath, flags);
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	REAL(int, renameat, int, const char *, int, const char *)
	FAIL_IF(FAULT_FN_RENAMEAT, "renameat", newdirfd, newpath, olddirfd, oldpath);
	return real_renameat(olddirfd, oldpath, newdirfd, newpath);
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
	      unsigned int flags)
{
	REAL(int, renameat2, int, const char *, int, const char *, unsigned int)
	FAIL_IF(FAULT_FN_RENAMEAT, "renameat2", newdirfd, newpath, olddirfd, oldpath);
	return real_renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
}

int rename(const char *oldpath, const char *newpath)
{
	REAL(int, rename, const char *, const char *)
	FAIL_IF(FAULT_FN_RENAMEAT, "rename", AT_FDCWD, newpath, AT_FDCWD, oldpath);
	return real_rename(oldpath, newpath);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	REAL(int, mkdirat, int, const char *, mode_t)
	FAIL_IF(FAULT_FN_MKDIRAT, "mkdirat", dirfd, path, -1, NULL);
	return real_mkdirat(dirfd, path, mode);
}

int mkdir(const char *path, mode_t mode)
{
	REAL(int, mkdir, const char *, mode_t)
	FAIL_IF(FAULT_FN_MKDIRAT, "mkdir", AT_FDCWD, path, -1, NULL);
	return real_mkdir(path, mode);
}

int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	REAL(int, mknodat, int, const char *, mode_t, dev_t)
	FAIL_IF(FAULT_FN_MKNODAT, "mknodat", dirfd, path, -1, NULL);
	return real_mknodat(dirfd, path, mode, dev);
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
	REAL(int, mknod, const char *, mode_t, dev_t)
	FAIL_IF(FAULT_FN_MKNODAT, "mknod", AT_FDCWD, path, -1, NULL);
	return real_mknod(path, mode, dev);
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	REAL(int, symlinkat, const char *, int, const char *)
	FAIL_IF(FAULT_FN_SYMLINKAT, "symlinkat", dirfd, path, -1, NULL);
	return real_symlinkat(target, dirfd, path);
}

int symlink(const char *target, const char *path)
{
	REAL(int, symlink, const char *, const char *)
	FAIL_IF(FAULT_FN_SYMLINKAT, "symlink", AT_FDCWD, path, -1, NULL);
	return real_symlink(target, path);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	REAL(int, unlinkat, int, const char *, int)
	FAIL_IF(FAULT_FN_UNLINKAT, "unlinkat", dirfd, path, -1, NULL);
	return real_unlinkat(dirfd, path, flags);
}

int unlink(const char *path)
{
	REAL(int, unlink, const char *)
	FAIL_IF(FAULT_FN_UNLINKAT, "unlink", AT_FDCWD, path, -1, NULL);
	return real_unlink(path);
}

int rmdir(const char *path)
{
	REAL(int, rmdir, const char *)
	FAIL_IF(FAULT_FN_UNLINKAT, "rmdir", AT_FDCWD, path, -1, NULL);
	return real_rmdir(path);
}

/* ---------------------------------------------------------- xattrs */

int setxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
	REAL(int, setxattr, const char *, const char *, const void *, size_t, int)
	FAIL_IF(FAULT_FN_SETXATTR, "setxattr", AT_FDCWD, path, -1, NULL);
	return real_setxattr(path, name, value, size, flags);
}

int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
	REAL(int, lsetxattr, const char *, const char *, const void *, size_t, int)
	FAIL_IF(FAULT_FN_LSETXATTR, "lsetxattr", AT_FDCWD, path, -1, NULL);
	return real_lsetxattr(path, name, value, size, flags);
}

int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)
{
	REAL(int, fsetxattr, int, const char *, const void *, size_t, int)
	FAIL_IF(FAULT_FN_FSETXATTR, "fsetxattr", fd, NULL, -1, NULL);
	return real_fsetxattr(fd, name, value, size, flags);
}

ssize_t getxattr(const char *path, const char *name, void *value, size_t size)
{
	REAL(ssize_t, getxattr, const char *, const char *, void *, size_t)
	FAIL_IF(FAULT_FN_GETXATTR, "getxattr", AT_FDCWD, path, -1, NULL);
	return real_getxattr(path, name, value, size);
}

ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size)
{
	REAL(ssize_t, lgetxattr, const char *, const char *, void *, size_t)
	FAIL_IF(FAULT_FN_GETXATTR, "lgetxattr", AT_FDCWD, path, -1, NULL);
	return real_lgetxattr(path, name, value, size);
}

ssize_t fgetxattr(int fd, const char *name, void *value, size_t size)
{
	REAL(ssize_t, fgetxattr, int, const char *, void *, size_t)
	FAIL_IF(FAULT_FN_GETXATTR, "fgetxattr", fd, NULL, -1, NULL);
	return real_fgetxattr(fd, name, value, size);
}

int removexattr(const char *path, const char *name)
{
	REAL(int, removexattr, const char *, const char *)
	FAIL_IF(FAULT_FN_REMOVEXATTR, "removexattr", AT_FDCWD, path, -1, NULL);
	return real_removexattr(path, name);
}

int lremovexattr(const char *path, const char *name)
{
	REAL(int, lremovexattr, const char *, const char *)
	FAIL_IF(FAULT_FN_REMOVEXATTR, "lremovexattr", AT_FDCWD, path, -1, NULL);
	return real_lremovexattr(path, name);
}

int fremovexattr(int fd, const char *name)
{
	REAL(int, fremovexattr, int, const char *)
	FAIL_IF(FAULT_FN_REMOVEXATTR, "fremovexattr", fd, NULL, -1, NULL);
	return real_fremovexattr(fd, name);
}

/* ------------------------------------------------------------ data */

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
	REAL(ssize_t, pwrite, int, const void *, size_t, off_t)
	FAIL_IF(FAULT_FN_PWRITE, "pwrite", fd, NULL, -1, NULL);
	return real_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset)
{
	REAL(ssize_t, pwrite64, int, const void *, size_t, off64_t)
	FAIL_IF(FAULT_FN_PWRITE, "pwrite64", fd, NULL, -1, NULL);
	return real_pwrite64(fd, buf, count, offset);
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
	REAL(ssize_t, pwritev, int, const struct iovec *, int, off_t)
	FAIL_IF(FAULT_FN_PWRITEV, "pwritev", fd, NULL, -1, NULL);
	return real_pwritev(fd, iov, iovcnt, offset);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int iovcnt, off64_t offset)
{
	REAL(ssize_t, pwritev64, int, const struct iovec *, int, off64_t)
	FAIL_IF(FAULT_FN_PWRITEV, "pwritev64", fd, NULL, -1, NULL);
	return real_pwritev64(fd, iov, iovcnt, offset);
}

ssize_t pwritev2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags)
{
	REAL(ssize_t, pwritev2, int, const struct iovec *, int, off_t, int)
	FAIL_IF(FAULT_FN_PWRITEV, "pwritev2", fd, NULL, -1, NULL);
	return real_pwritev2(fd, iov, iovcnt, offset, flags);
}

int fsync(int fd)
{
	REAL(int, fsync, int)
	FAIL_IF(FAULT_FN_FSYNC, "fsync", fd, NULL, -1, NULL);
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(int, fdatasync, int)
	FAIL_IF(FAULT_FN_FDATASYNC, "fdatasync", fd, NULL, -1, NULL);
	return real_fdatasync(fd);
}

int ftruncate(int fd, off_t length)
{
	REAL(int, ftruncate, int, off_t)
	FAIL_IF(FAULT_FN_FTRUNCATE, "ftruncate", fd, NULL, -1, NULL);
	return real_ftruncate(fd, length);
}

int ftruncate64(int fd, off64_t length)
{
	REAL(int, ftruncate64, int, off64_t)
	FAIL_IF(FAULT_FN_FTRUNCATE, "ftruncate64", fd, NULL, -1, NULL);
	return real_ftruncate64(fd, length);
}

int truncate(const char *path, off_t length)
{
	REAL(int, truncate, const char *, off_t)
	FAIL_IF(FAULT_FN_TRUNCATE, "truncate", AT_FDCWD, path, -1, NULL);
	return real_truncate(path, length);
}

int truncate64(const char *path, off64_t length)
{
	REAL(int, truncate64, const char *, off64_t)
	FAIL_IF(FAULT_FN_TRUNCATE, "truncate64", AT_FDCWD, path, -1, NULL);
	return real_truncate64(path, length);
}

int fallocate(int fd, int mode, off_t offset, off_t len)
{
	REAL(int, fallocate, int, int, off_t, off_t)
	FAIL_IF(FAULT_FN_FALLOCATE, "fallocate", fd, NULL, -1, NULL);
	return real_fallocate(fd, mode, offset, len);
}

int fallocate64(int fd, int mode, off64_t offset, off64_t len)
{
	REAL(int, fallocate64, int, int, off64_t, off64_t)
	FAIL_IF(FAULT_FN_FALLOCATE, "fallocate64", fd, NULL, -1, NULL);
	return real_fallocate64(fd, mode, offset, len);
}
