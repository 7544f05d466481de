/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault.h - the control block shared by the fault-injection shim
 * (libfault.so, LD_PRELOADed into lnfsd) and the programs that drive it.
 *
 * The block lives in a small file (LNFS_FAULT_CTL) that both sides map
 * MAP_SHARED, so a driver re-arms the shim between scenarios by storing
 * into it, with no signal and no restart, and reads back how many calls the
 * shim counted and how many it failed.  Fields are accessed with the
 * __atomic builtins; a driver arms by writing every field and storing
 * `armed` last (release), the shim reads `armed` first (acquire).
 *
 * Meaning: once armed, each call of a selected function (`funcs`, a mask of
 * FAULT_FN_* bits) that touches a path or descriptor under one of the
 * shim's roots (LNFS_FAULT_ROOT, colon-separated absolute prefixes; unset:
 * every call) increments `calls`; the call whose number equals `nth` fails
 * with `err` without reaching the kernel (and so do all later ones when
 * `persist` is set).  `injected` counts the failures, `last_fn` names the
 * function of the last one.
 */
#ifndef LNFSD_TESTS_FAULT_H
#define LNFSD_TESTS_FAULT_H

#include <stdint.h>

#define FAULT_MAGIC 0x4c4e4654u		/* "LNFT" */
#define FAULT_VERSION 1u

enum fault_fn {
	FAULT_FN_OPEN = 0,	/* open open64 __open_2 */
	FAULT_FN_OPENAT,	/* openat openat64 __openat_2 (O_TMPFILE included) */
	FAULT_FN_LINKAT,
	FAULT_FN_RENAMEAT,	/* renameat renameat2 rename */
	FAULT_FN_MKDIRAT,	/* mkdirat mkdir */
	FAULT_FN_MKNODAT,	/* mknodat mknod */
	FAULT_FN_SYMLINKAT,	/* symlinkat symlink */
	FAULT_FN_SETXATTR,
	FAULT_FN_LSETXATTR,
	FAULT_FN_FSETXATTR,
	FAULT_FN_GETXATTR,	/* getxattr lgetxattr fgetxattr */
	FAULT_FN_REMOVEXATTR,	/* removexattr lremovexattr fremovexattr */
	FAULT_FN_PWRITE,	/* pwrite pwrite64 */
	FAULT_FN_PWRITEV,	/* pwritev pwritev64 pwritev2 */
	FAULT_FN_FSYNC,
	FAULT_FN_FDATASYNC,
	FAULT_FN_FTRUNCATE,	/* ftruncate ftruncate64 */
	FAULT_FN_TRUNCATE,	/* truncate truncate64 */
	FAULT_FN_UNLINKAT,	/* unlinkat unlink rmdir */
	FAULT_FN_FALLOCATE,	/* fallocate fallocate64 */
	FAULT_FN_COUNT
};

#define FAULT_FN_ALL ((1u << FAULT_FN_COUNT) - 1u)

/* open/openat count only when they may create (O_CREAT, O_TMPFILE): the
 * kernel never answers ENOSPC or EDQUOT to opening an existing object. */
#define FAULT_OPT_OPEN_CREATE_ONLY 1u

struct fault_ctl {
	uint32_t magic;		/* FAULT_MAGIC once initialised */
	uint32_t version;
	uint32_t armed;		/* 0: every call passes through */
	uint32_t funcs;		/* mask of 1u << FAULT_FN_* */
	uint32_t nth;		/* 1-based number of the counted call that fails */
	uint32_t err;		/* errno it fails with */
	uint32_t persist;	/* also fail every counted call after the nth */
	uint32_t opts;		/* FAULT_OPT_* */
	uint64_t calls;		/* counted calls since arming */
	uint64_t injected;	/* failures injected since arming */
	char last_fn[32];	/* name of the function failed last */
};

/* Names as accepted in LNFS_FAULT and by fault_fn_mask(). */
static const char *const fault_fn_names[FAULT_FN_COUNT] = {
	"open", "openat", "linkat", "renameat", "mkdirat", "mknodat", "symlinkat",
	"setxattr", "lsetxattr", "fsetxattr", "getxattr", "removexattr", "pwrite",
	"pwritev", "fsync", "fdatasync", "ftruncate", "truncate", "unlinkat", "fallocate",
};

#endif
