/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_int.h - helpers shared by the config/ source files and nothing else:
 * error formatting with file and line, number, boolean and list parsing, the
 * per-cfg list of source names, and adding domains and exports while a cfg
 * is being built.  All pointers returned point into the cfg being built.
 */
#ifndef LNFSD_CFG_INT_H
#define LNFSD_CFG_INT_H

#include "config/cfg.h"

#include <stdarg.h>

/* cfg_domain.keys_set bits: which keys a file gave explicitly. */
enum {
	CFG_DK_LFS = 1u << 0,
	CFG_DK_PI = 1u << 1,
	CFG_DK_XATTR = 1u << 2,
	CFG_DK_XATTR_FORMAT = 1u << 3,
	CFG_DK_DEFAULT_LABEL = 1u << 4,
	CFG_DK_DEFAULT_LFS = 1u << 5,
	CFG_DK_DEFAULT_PI = 1u << 6,
	CFG_DK_MAX_LABEL = 1u << 7,
	CFG_DK_READ_ONLY = 1u << 8,
	CFG_DK_PARENT = 1u << 9,
	CFG_DK_FORMAT = 1u << 10,
	CFG_DK_XLATE_FROM = 1u << 11,
	CFG_DK_XLATE_TABLE = 1u << 12,
	CFG_DK_XLATE_UNMAPPED = 1u << 13,
	CFG_DK_POLICY = 1u << 14,
	CFG_DK_INTEGRITY = 1u << 15,
	CFG_DK_LABEL_REQUIRED = 1u << 16,
};

#define CFG_DEFAULT_THREADS 8u
#define CFG_DEFAULT_LEASE 90u
#define CFG_DEFAULT_GRACE 90u
#define CFG_DEFAULT_MAX_RECORD ((1u << 20) + (64u << 10))
#define CFG_MIN_MAX_RECORD (8u << 10)
#define CFG_MAX_MAX_RECORD (64u << 20)
#define CFG_MAX_LINE 65536	/* bytes in one logical line */

/* Where a message points: file name, line (0 = none), output buffer. */
struct cfg_where {
	const char *file;
	unsigned int line;
	char *err;
	size_t errlen;
};

/* Writes "FILE:LINE: KEY: message" into w->err; returns rc (an -errno). */
int cfg_errf(const struct cfg_where *w, int rc, const char *key,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Interns a source name in cfg; NULL on ENOMEM.  Freed with the cfg. */
const char *cfg_intern(struct cfg *cfg, const char *name);
void cfg_names_free(struct cfg_name *n);

/* Decimal u32 in min..max, digits only: true on success. */
bool cfg_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
bool cfg_parse_bool(const char *s, bool *out);
/* Next item of a comma/space separated list: returns its start and sets
 * *len, or NULL at the end; *pos advances. */
const char *cfg_list_next(const char **pos, size_t *len);

/* Strip leading and trailing blanks in place; returns the new start. */
char *cfg_trim(char *s);

/* Appends a domain with built-in defaults; NULL on ENOMEM/limit (rc set). */
struct cfg_domain *cfg_domain_add(struct cfg *cfg, const char *name,
				  const char *file, unsigned int line, int *rc);
void cfg_domain_defaults(struct cfg_domain *d, const char *name);

/* Reads a whole regular file (at most 16 MiB) into a new NUL-terminated
 * buffer: 0 or -errno (-EINVAL: not a regular file, -EFBIG: too big). */
int cfg_read_file(const char *path, char **buf, size_t *len);

/* Frees what a domain owns (table, policy, paths), not the struct. */
void cfg_domain_release(struct cfg_domain *d);
void cfg_xlate_free(struct cfg_xlate *x);
void cfg_policy_free(struct cfg_policy *p);
/*
 * path, or path relative to the directory of file (a main file's name):
 * a new string, NULL on ENOMEM.
 */
char *cfg_path_relative(const char *file, const char *path);

/* Frees one export's memory (not the struct itself). */
void cfg_export_release(struct cfg_export *e);

/* Normalises an absolute path into out[outlen]: 0, -EINVAL, -ENAMETOOLONG. */
int cfg_path_normalise(const char *in, char *out, size_t outlen);

/* "sys", "krb5", ... */
const char *cfg_sec_name(enum cfg_sec s);

/* 32-bit FNV-1a. */
uint32_t cfg_hash32(const char *s);

#endif /* LNFSD_CFG_INT_H */
