/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procfd.h - reaching the object behind a descriptor through its /proc
 * magic link, "/proc/self/fd/N".  lnfsd holds objects as O_PATH
 * descriptors, and the kernel offers no other way to open such a
 * descriptor for I/O, to read or write its xattrs (fgetxattr() refuses
 * O_PATH), or to link an O_TMPFILE file into a directory.
 *
 * Cost.  Resolving "/proc/thread-self/fd/N" from the root walks four
 * components and revalidates the task's directories before it follows the
 * magic link: about 4 us of kernel time per call.  This module keeps a
 * descriptor of "/proc/self/fd" open and resolves "N" relative to it (one
 * component), which saves about 1.5 us per call.  The threads of lnfsd
 * share one descriptor table, so "/proc/self/fd/N" and
 * "/proc/thread-self/fd/N" name the same object.  The kept descriptor is
 * the process's own (it names the process's descriptor table), the one
 * process-wide variable here: opened on first use (never as 0-2, which
 * daemon() redirects) and dropped in a forked child, whose "/proc/self" is
 * another directory.  If it cannot be opened the full path is used.
 *
 * xattrs.  The *xattrat() calls (Linux 6.13) accept the kept directory
 * and "N"; without them (ENOSYS) the full path and the path-based calls
 * are used.  The calls follow the magic link: they act on the object fd
 * refers to, a symlink included (see lfs.h).
 *
 * All functions return what the system calls they replace return (-1 and
 * errno on failure), and fail with EBADF for fd < 0.
 */
#ifndef LNFSD_PROCFD_H
#define LNFSD_PROCFD_H

#include <stddef.h>
#include <sys/types.h>

/* "/proc/thread-self/fd/" + an int + NUL fits */
#define PROCFD_PATH_MAX 48

/* The full path of fd's magic link into buf. */
void procfd_path(int fd, char buf[static PROCFD_PATH_MAX]);
/* open(2) of fd's magic link with flags (O_CLOEXEC is added). */
int procfd_open(int fd, int flags);
/* linkat(2) of the file open as fd (an O_TMPFILE file) to dirfd/name,
 * following the magic link (AT_SYMLINK_FOLLOW). */
int procfd_linkat(int fd, int dirfd, const char *name);
/* getxattr(2), setxattr(2) (flags 0) and removexattr(2) of the object. */
ssize_t procfd_getxattr(int fd, const char *name, void *val, size_t size);
int procfd_setxattr(int fd, const char *name, const void *val, size_t size);
int procfd_removexattr(int fd, const char *name);

#endif
