/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_util.c - small pure helpers for the config parsers: messages with file
 * and line, numbers, booleans, lists, path normalisation, name and label
 * syntax checks.  Nothing here touches the file system or global state.
 */
#include "config.h"

#include "config/cfg_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cfg_name {
	struct cfg_name *next;
	char name[];
};

int cfg_errf(const struct cfg_where *w, int rc, const char *key,
	     const char *fmt, ...)
{
	va_list ap;
	size_t n;
	int r;

	if (!w->err || !w->errlen)
		return rc;
	if (w->line)
		r = snprintf(w->err, w->errlen, "%s:%u: %s: ", w->file,
			     w->line, key);
	else
		r = snprintf(w->err, w->errlen, "%s: %s: ", w->file, key);
	if (r < 0)
		return rc;
	n = (size_t)r;
	if (n >= w->errlen)
		return rc;
	va_start(ap, fmt);
	vsnprintf(w->err + n, w->errlen - n, fmt, ap);
	va_end(ap);
	return rc;
}

const char *cfg_intern(struct cfg *cfg, const char *name)
{
	struct cfg_name *n;
	size_t len = strlen(name);

	for (n = cfg->names; n; n = n->next)
		if (!strcmp(n->name, name))
			return n->name;
	n = malloc(sizeof(*n) + len + 1);
	if (!n)
		return NULL;
	memcpy(n->name, name, len + 1);
	n->next = cfg->names;
	cfg->names = n;
	return n->name;
}

void cfg_names_free(struct cfg_name *n)
{
	while (n) {
		struct cfg_name *next = n->next;

		free(n);
		n = next;
	}
}

bool cfg_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	if (v < min || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool cfg_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "1", "on" };
	static const char *const no[] = { "no", "false", "0", "off" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return true;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t';
}

const char *cfg_list_next(const char **pos, size_t *len)
{
	const char *p = *pos, *start;

	while (*p && is_sep(*p))
		p++;
	if (!*p) {
		*pos = p;
		return NULL;
	}
	start = p;
	while (*p && !is_sep(*p))
		p++;
	*len = (size_t)(p - start);
	*pos = p;
	return start;
}

char *cfg_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

int cfg_path_normalise(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	const char *p = in;

	if (*p != '/')
		return -EINVAL;
	while (*p) {
		const char *c;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - c);
		if ((n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return -EINVAL;
		if (o + 1 + n + 1 > outlen)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, c, n);
		o += n;
	}
	if (!o) {
		if (outlen < 2)
			return -ENAMETOOLONG;
		out[o++] = '/';
	}
	out[o] = '\0';
	for (p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -EINVAL;
	return 0;
}

uint32_t cfg_hash32(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

bool cfg_domain_name_ok(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++) {
		char c = name[n];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
		if (n >= CFG_NAME_MAX)
			return false;
	}
	return n > 0;
}

bool cfg_xattr_name_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (!n || n > CFG_XATTR_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!(isalnum((unsigned char)c) || c == '.' || c == '_' ||
		      c == '-'))
			return false;
		if (c == '.' && (i + 1 == n || name[i + 1] == '.'))
			return false;
	}
	if (!strncmp(name, "trusted.", 8))
		return n > 8;
	if (!strncmp(name, "user.", 5))
		return n > 5;
	return !strcmp(name, "security.selinux") ||
	       !strcmp(name, "security.SMACK64");
}

/* One SELinux context field: printable, no space, no ':' unless level. */
static bool selinux_field(const uint8_t *p, size_t n, bool level)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return false;
		if (p[i] == ':' && !level)
			return false;
	}
	return true;
}

int cfg_label_format_check(enum cfg_label_format fmt, const uint8_t *label,
			   size_t len)
{
	size_t start = 0, i;
	unsigned int field = 0;

	if (fmt != CFG_LABEL_SELINUX)
		return 0;
	/* The kernel's context length may count a terminating NUL. */
	if (len && label[len - 1] == '\0')
		len--;
	for (i = 0; i <= len; i++) {
		if (field < 3 && (i == len || label[i] == ':')) {
			if (!selinux_field(label + start, i - start, false))
				return -EINVAL;
			field++;
			start = i + 1;
			if (field == 3 && i < len) {
				/* level: the rest, colons allowed */
				if (!selinux_field(label + start, len - start,
						   true))
					return -EINVAL;
				return 0;
			}
		}
	}
	return field == 3 ? 0 : -EINVAL;
}

const char *cfg_ctx_field_name(enum cfg_ctx_field f)
{
	static const char *const names[CFG_CTX_NFIELDS] = {
		[CFG_CTX_USER] = "user",
		[CFG_CTX_ROLE] = "role",
		[CFG_CTX_TYPE] = "type",
		[CFG_CTX_LEVEL] = "level",
	};

	return (unsigned int)f < CFG_CTX_NFIELDS ? names[f] : "?";
}

int cfg_ctx_split(const uint8_t *label, size_t len,
		  const uint8_t *f[CFG_CTX_NFIELDS], size_t n[CFG_CTX_NFIELDS])
{
	size_t start = 0, i;
	unsigned int k = 0;

	if (cfg_label_format_check(CFG_LABEL_SELINUX, label, len))
		return -EINVAL;
	if (len && label[len - 1] == '\0')
		len--;
	f[CFG_CTX_LEVEL] = NULL;
	n[CFG_CTX_LEVEL] = 0;
	for (i = 0; i <= len && k < CFG_CTX_LEVEL; i++) {
		if (i == len || label[i] == ':') {
			f[k] = label + start;
			n[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	if (start < len) {
		f[CFG_CTX_LEVEL] = label + start;
		n[CFG_CTX_LEVEL] = len - start;
	}
	return 0;
}
