/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_conf.c - the main INI file parser ([lnfsd] and [domain "NAME"]
 * sections, nfs.conf conventions) and listen address parsing.  It fills an
 * unsealed cfg and stops at the first error with "FILE:LINE: KEY: problem";
 * cross-section checks (parents, xattr names, defaults) wait for
 * cfg_finish().  The text is untrusted input and is fuzzed.
 */
#include "config.h"

#include "config/cfg_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum conf_section { SEC_NONE, SEC_LNFSD, SEC_DOMAIN };

struct conf_ctx {
	struct cfg *cfg;
	struct cfg_where w;
	enum conf_section sec;
	unsigned int dom;	/* index into cfg->domains for SEC_DOMAIN */
};

int cfg_parse_listen(const char *spec, struct cfg_listen *out)
{
	char host[64];
	const char *port = NULL;
	uint32_t p = CFG_DEFAULT_PORT;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		struct sockaddr_in6 *s6 = (void *)&out->addr;

		if (!end)
			return -EINVAL;
		n = (size_t)(end - spec - 1);
		if (n >= sizeof(host))
			return -EINVAL;
		memcpy(host, spec + 1, n);
		host[n] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -EINVAL;
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return -EINVAL;
		s6->sin6_family = AF_INET6;
		out->addrlen = sizeof(*s6);
	} else {
		const char *colon = strchr(spec, ':');
		struct sockaddr_in *s4 = (void *)&out->addr;

		if (colon && strchr(colon + 1, ':'))
			return -EINVAL;	/* IPv6 needs brackets */
		n = colon ? (size_t)(colon - spec) : strlen(spec);
		if (n >= sizeof(host))
			return -EINVAL;
		memcpy(host, spec, n);
		host[n] = '\0';
		if (colon)
			port = colon + 1;
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return -EINVAL;
		s4->sin_family = AF_INET;
		out->addrlen = sizeof(*s4);
	}
	if (port && !cfg_parse_u32(port, 1, 65535, &p))
		return -EINVAL;
	if (out->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&out->addr)->sin_port =
			htons((uint16_t)p);
	else
		((struct sockaddr_in6 *)&out->addr)->sin6_port =
			htons((uint16_t)p);
	return 0;
}

static int bad_value(struct conf_ctx *c, const char *key, const char *val,
		     const char *expect)
{
	return cfg_errf(&c->w, -EINVAL, key, "\"%s\" is not %s", val, expect);
}

/* A boolean key's value into *out: 0, or the error naming file, line and key. */
static int bool_value(struct conf_ctx *c, const char *key, const char *val, bool *out)
{
	if (!cfg_parse_bool(val, out))
		return bad_value(c, key, val, "a boolean (yes/no, true/false, 1/0, on/off)");
	return 0;
}

static int set_string(struct conf_ctx *c, char **dst, const char *val)
{
	char *s = strdup(val);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int parse_size(const char *val, uint32_t *out)
{
	char num[16];
	size_t n = strlen(val);
	uint32_t mul = 1, v;

	if (n && (val[n - 1] == 'K' || val[n - 1] == 'k')) {
		mul = 1024;
		n--;
	} else if (n && (val[n - 1] == 'M' || val[n - 1] == 'm')) {
		mul = 1024 * 1024;
		n--;
	}
	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, val, n);
	num[n] = '\0';
	if (!cfg_parse_u32(num, 0, CFG_MAX_MAX_RECORD / mul, &v))
		return -EINVAL;
	v *= mul;
	if (v < CFG_MIN_MAX_RECORD || v > CFG_MAX_MAX_RECORD)
		return -EINVAL;
	*out = v;
	return 0;
}

static int add_listen(struct conf_ctx *c, const char *val)
{
	struct cfg *cfg = c->cfg;
	const char *pos = val, *item;
	char spec[80];
	size_t n;
	unsigned int i;

	while ((item = cfg_list_next(&pos, &n))) {
		struct cfg_listen l;

		if (n >= sizeof(spec))
			return cfg_errf(&c->w, -EINVAL, "listen",
					"\"%.*s...\" is too long", 20, item);
		memcpy(spec, item, n);
		spec[n] = '\0';
		if (cfg_parse_listen(spec, &l))
			return bad_value(c, "listen", spec,
					 "ADDR[:PORT] (a.b.c.d[:port] or "
					 "[ipv6][:port])");
		for (i = 0; i < cfg->nlisten; i++)
			if (cfg->listen[i].addrlen == l.addrlen &&
			    !memcmp(&cfg->listen[i].addr, &l.addr, l.addrlen))
				return cfg_errf(&c->w, -EINVAL, "listen",
						"\"%s\" is listed twice", spec);
		if (cfg->nlisten >= CFG_MAX_LISTEN)
			return cfg_errf(&c->w, -EINVAL, "listen",
					"more than %d addresses",
					CFG_MAX_LISTEN);
		l.line = c->w.line;
		cfg->listen[cfg->nlisten++] = l;
	}
	return 0;
}

char *cfg_path_relative(const char *file, const char *path)
{
	const char *slash = strrchr(file, '/');
	char *p;

	if (path[0] == '/' || !slash)
		return strdup(path);
	p = malloc((size_t)(slash - file) + 1 + strlen(path) + 1);
	if (!p)
		return NULL;
	memcpy(p, file, (size_t)(slash - file) + 1);
	strcpy(p + (slash - file) + 1, path);
	return p;
}

static int set_relative(struct conf_ctx *c, char **dst, const char *val)
{
	char *p = cfg_path_relative(c->w.file, val);

	if (!p)
		return -ENOMEM;
	free(*dst);
	*dst = p;
	return 0;
}

static int set_exports_path(struct conf_ctx *c, const char *val)
{
	return set_relative(c, &c->cfg->exports_path, val);
}

/* translate-from = NAME ...: declared-ness is checked by cfg_finish(). */
static int xlate_from(struct conf_ctx *c, struct cfg_domain *d,
		      const char *val)
{
	const char *pos = val, *item;
	char name[CFG_NAME_MAX + 1];
	unsigned int cnt = 0, i;
	size_t n;

	while ((item = cfg_list_next(&pos, &n))) {
		if (n > CFG_NAME_MAX)
			return cfg_errf(&c->w, -EINVAL, "translate-from",
					"\"%.*s...\" is not a domain name",
					20, item);
		memcpy(name, item, n);
		name[n] = '\0';
		if (!cfg_domain_name_ok(name))
			return cfg_errf(&c->w, -EINVAL, "translate-from",
					"\"%s\" is not a domain name "
					"([a-z0-9-], 1..32 characters)", name);
		if (!strcmp(name, d->name))
			return cfg_errf(&c->w, -EINVAL, "translate-from",
					"a domain cannot translate from "
					"itself");
		for (i = 0; i < cnt; i++)
			if (!strcmp(d->xlate_from_name[i], name))
				return cfg_errf(&c->w, -EINVAL,
						"translate-from",
						"\"%s\" is listed twice",
						name);
		if (cnt >= CFG_MAX_XLATE_FROM)
			return cfg_errf(&c->w, -EINVAL, "translate-from",
					"more than %d domains",
					CFG_MAX_XLATE_FROM);
		strcpy(d->xlate_from_name[cnt++], name);
	}
	d->nxlate_from = cnt;
	return 0;
}

static int lnfsd_key(struct conf_ctx *c, const char *key, const char *val)
{
	struct cfg *cfg = c->cfg;
	uint32_t v;

	if (!strcmp(key, "listen"))
		return add_listen(c, val);
	if (!strcmp(key, "threads")) {
		if (!cfg_parse_u32(val, 1, 1024, &v))
			return bad_value(c, key, val,
					 "a number (expected 1..1024)");
		cfg->threads = v;
		return 0;
	}
	if (!strcmp(key, "lease-time") || !strcmp(key, "grace-time")) {
		if (!cfg_parse_u32(val, 10, 3600, &v))
			return bad_value(c, key, val,
					 "a number of seconds "
					 "(expected 10..3600)");
		if (key[0] == 'l')
			cfg->lease_time = v;
		else
			cfg->grace_time = v;
		return 0;
	}
	if (!strcmp(key, "max-record")) {
		if (parse_size(val, &v))
			return bad_value(c, key, val,
					 "a size in bytes (expected 8K..64M)");
		cfg->max_record = v;
		return 0;
	}
	if (!strcmp(key, "max-clients")) {
		if (!cfg_parse_u32(val, 1, CFG_MAX_MAX_CLIENTS, &v))
			return bad_value(c, key, val,
					 "a number of client records "
					 "(expected 1..1048576)");
		cfg->max_clients = v;
		return 0;
	}
	if (!strcmp(key, "max-connections")) {
		if (!cfg_parse_u32(val, 1, CFG_MAX_MAX_CONNS, &v))
			return bad_value(c, key, val,
					 "a number of connections "
					 "(expected 1..1048576)");
		cfg->max_conns = v;
		return 0;
	}
	if (!strcmp(key, "max-requests")) {
		if (!cfg_parse_u32(val, 1, CFG_MAX_MAX_REQUESTS, &v))
			return bad_value(c, key, val,
					 "a number of calls per connection "
					 "(expected 1..1024)");
		cfg->max_requests = v;
		return 0;
	}
	if (!strcmp(key, "state-dir")) {
		char path[4096];

		if (cfg_path_normalise(val, path, sizeof(path)))
			return bad_value(c, key, val, "an absolute path");
		return set_string(c, &cfg->state_dir, path);
	}
	if (!strcmp(key, "control-socket")) {
		char path[4096];

		if (!strcasecmp(val, "none")) {
			free(cfg->control_socket);
			cfg->control_socket = NULL;
			return 0;
		}
		if (cfg_path_normalise(val, path, sizeof(path)) ||
		    strlen(path) > CFG_SOCKET_PATH_MAX)
			return bad_value(c, key, val,
					 "an absolute path of at most 107 bytes, "
					 "or none");
		return set_string(c, &cfg->control_socket, path);
	}
	if (!strcmp(key, "metrics-listen")) {
		const char *rb = strrchr(val, ']');
		/* the port is not optional here: 2049 would be a mistake */
		const char *colon = strrchr(rb ? rb : val, ':');
		size_t n = colon ? (size_t)(colon - val) : 0;
		char any[80];

		if (!strcasecmp(val, "none")) {
			cfg->metrics_set = false;
			return 0;
		}

		if (colon && !strcmp(colon, ":0") && n + 3 <= sizeof(any)) {
			/* port 0: any free port (cfg_parse_listen wants 1..) */
			memcpy(any, val, n);
			memcpy(any + n, ":1", 3);
			if (cfg_parse_listen(any, &cfg->metrics_listen))
				colon = NULL;
			else if (cfg->metrics_listen.addr.ss_family == AF_INET)
				((struct sockaddr_in *)&cfg->metrics_listen.addr)->sin_port = 0;
			else
				((struct sockaddr_in6 *)&cfg->metrics_listen.addr)->sin6_port = 0;
		} else if (colon && cfg_parse_listen(val, &cfg->metrics_listen)) {
			colon = NULL;
		}
		if (!colon)
			return bad_value(c, key, val,
					 "ADDR:PORT (e.g. 127.0.0.1:9249 or "
					 "[::1]:9249; port 0 for any), or none");
		cfg->metrics_listen.line = c->w.line;
		cfg->metrics_set = true;
		return 0;
	}
	if (!strcmp(key, "keytab")) {
		/* a path, or a keytab name with its type (FILE:..., MEMORY:...) */
		if (val[0] != '/' && !strchr(val, ':'))
			return bad_value(c, key, val,
					 "an absolute path or TYPE:NAME");
		return set_string(c, &cfg->keytab, val);
	}
	if (!strcmp(key, "exports")) {
		cfg->exports_explicit = true;
		cfg->exports_line = c->w.line;
		return set_exports_path(c, val);
	}
	if (!strcmp(key, "default-domain")) {
		if (!cfg_domain_name_ok(val))
			return bad_value(c, key, val,
					 "a domain name ([a-z0-9-], 1..32 "
					 "characters)");
		strcpy(cfg->default_domain_name, val);
		cfg->default_domain_file = c->w.file;
		cfg->default_domain_line = c->w.line;
		return 0;
	}
	return cfg_errf(&c->w, -EINVAL, key, "unknown key in [lnfsd]");
}

static int u32_list(struct conf_ctx *c, const char *key, const char *val,
		    uint32_t *out, unsigned int max, unsigned int *nout)
{
	const char *pos = val, *item;
	unsigned int cnt = 0, i;
	char num[16];
	size_t n;

	while ((item = cfg_list_next(&pos, &n))) {
		uint32_t v;
		bool dup = false;

		if (n >= sizeof(num))
			return bad_value(c, key, val, "a list of numbers");
		memcpy(num, item, n);
		num[n] = '\0';
		if (!cfg_parse_u32(num, 0, UINT32_MAX, &v))
			return cfg_errf(&c->w, -EINVAL, key,
					"\"%s\" is not a number", num);
		for (i = 0; i < cnt; i++)
			dup |= out[i] == v;
		if (dup)
			continue;
		if (cnt >= max)
			return cfg_errf(&c->w, -EINVAL, key,
					"more than %u values", max);
		out[cnt++] = v;
	}
	if (!cnt)
		return bad_value(c, key, val, "a list of numbers");
	*nout = cnt;
	return 0;
}

static int domain_key(struct conf_ctx *c, const char *key, const char *val)
{
	struct cfg_domain *d = &c->cfg->domains[c->dom];
	unsigned int bit;
	uint32_t v;
	bool b;
	int rc = 0;

	if (!strcmp(key, "lfs")) {
		bit = CFG_DK_LFS;
		rc = u32_list(c, key, val, d->lfs, CFG_MAX_LFS, &d->nlfs);
	} else if (!strcmp(key, "pi")) {
		bit = CFG_DK_PI;
		rc = u32_list(c, key, val, d->pi, CFG_MAX_PI, &d->npi);
	} else if (!strcmp(key, "xattr")) {
		bit = CFG_DK_XATTR;
		if (!cfg_xattr_name_ok(val))
			return bad_value(c, key, val,
					 "an allowed label xattr name "
					 "(trusted.*, user.*, security.selinux "
					 "or security.SMACK64; [A-Za-z0-9._-], "
					 "at most 255 bytes)");
		strcpy(d->xattr, val);
	} else if (!strcmp(key, "xattr-format")) {
		bit = CFG_DK_XATTR_FORMAT;
		if (!strcmp(val, "framed"))
			d->xattr_format = CFG_XATTR_FRAMED;
		else if (!strcmp(val, "raw"))
			d->xattr_format = CFG_XATTR_RAW;
		else
			return bad_value(c, key, val, "framed or raw");
	} else if (!strcmp(key, "default-label")) {
		size_t n = strlen(val), i;

		bit = CFG_DK_DEFAULT_LABEL;
		if (n > CFG_LABEL_MAX)
			return cfg_errf(&c->w, -EINVAL, key,
					"longer than %d bytes", CFG_LABEL_MAX);
		for (i = 0; i < n; i++)
			if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f)
				return cfg_errf(&c->w, -EINVAL, key,
						"contains a control character");
		memcpy(d->default_label, val, n + 1);
		d->default_label_len = (uint32_t)n;
	} else if (!strcmp(key, "default-lfs") || !strcmp(key, "default-pi")) {
		bit = key[8] == 'l' ? CFG_DK_DEFAULT_LFS : CFG_DK_DEFAULT_PI;
		if (!cfg_parse_u32(val, 0, UINT32_MAX, &v))
			return bad_value(c, key, val, "a number");
		if (bit == CFG_DK_DEFAULT_LFS)
			d->default_lfs = v;
		else
			d->default_pi = v;
	} else if (!strcmp(key, "max-label")) {
		bit = CFG_DK_MAX_LABEL;
		if (!cfg_parse_u32(val, 1, CFG_LABEL_MAX, &v))
			return bad_value(c, key, val,
					 "a size in bytes (expected 1..2048)");
		d->max_label = v;
	} else if (!strcmp(key, "read-only")) {
		bit = CFG_DK_READ_ONLY;
		if (bool_value(c, key, val, &b))
			return -EINVAL;
		d->read_only = b;
	} else if (!strcmp(key, "parent")) {
		bit = CFG_DK_PARENT;
		if (!cfg_domain_name_ok(val))
			return bad_value(c, key, val,
					 "a domain name ([a-z0-9-], 1..32 "
					 "characters)");
		if (!strcmp(val, d->name))
			return cfg_errf(&c->w, -EINVAL, key,
					"a domain cannot be its own parent");
		strcpy(d->parent_name, val);
	} else if (!strcmp(key, "format")) {
		bit = CFG_DK_FORMAT;
		if (!strcmp(val, "selinux"))
			d->format = CFG_LABEL_SELINUX;
		else if (!strcmp(val, "opaque"))
			d->format = CFG_LABEL_OPAQUE;
		else
			return bad_value(c, key, val, "selinux or opaque");
	} else if (!strcmp(key, "translate-from")) {
		bit = CFG_DK_XLATE_FROM;
		rc = xlate_from(c, d, val);
	} else if (!strcmp(key, "translate-table")) {
		bit = CFG_DK_XLATE_TABLE;
		rc = set_relative(c, &d->xlate_path, val);
		cfg_xlate_free(d->xlate);
		d->xlate = NULL;
	} else if (!strcmp(key, "translate-unmapped")) {
		bit = CFG_DK_XLATE_UNMAPPED;
		if (!strcmp(val, "default"))
			d->xlate_unmapped = CFG_XLATE_DEFAULT;
		else if (!strcmp(val, "deny"))
			d->xlate_unmapped = CFG_XLATE_DENY;
		else
			return bad_value(c, key, val, "default or deny");
	} else if (!strcmp(key, "integrity")) {
		bit = CFG_DK_INTEGRITY;
		if (!strcmp(val, "off"))
			d->integrity = CFG_INTEGRITY_OFF;
		else if (!strcmp(val, "log"))
			d->integrity = CFG_INTEGRITY_LOG;
		else if (!strcmp(val, "default"))
			d->integrity = CFG_INTEGRITY_DEFAULT;
		else if (!strcmp(val, "deny"))
			d->integrity = CFG_INTEGRITY_DENY;
		else
			return bad_value(c, key, val, "off, log, default or deny");
	} else if (!strcmp(key, "label-required")) {
		bit = CFG_DK_LABEL_REQUIRED;
		if (bool_value(c, key, val, &b))
			return -EINVAL;
		d->label_required = b;
	} else if (!strcmp(key, "policy")) {
		bit = CFG_DK_POLICY;
		rc = set_relative(c, &d->policy_path, val);
		cfg_policy_free(d->policy);
		d->policy = NULL;
	} else {
		return cfg_errf(&c->w, -EINVAL, key,
				"unknown key in [domain \"%s\"]", d->name);
	}
	if (rc)
		return rc;
	d->keys_set |= bit;
	d->key_line[__builtin_ctz(bit)] = c->w.line;
	return 0;
}

static int section(struct conf_ctx *c, char *s)
{
	size_t n = strlen(s);
	char *inner, *word, *rest;
	struct cfg_domain *d;
	const struct cfg_domain *old;
	int rc;

	if (s[n - 1] != ']')
		return cfg_errf(&c->w, -EINVAL, "section",
				"header must end with \"]\"");
	s[n - 1] = '\0';
	inner = cfg_trim(s + 1);
	word = inner;
	rest = inner + strcspn(inner, " \t");
	if (*rest)
		*rest++ = '\0';
	rest = cfg_trim(rest);
	if (!strcasecmp(word, "lnfsd") && !*rest) {
		c->sec = SEC_LNFSD;
		return 0;
	}
	if (strcasecmp(word, "domain"))
		return cfg_errf(&c->w, -EINVAL, "section",
				"unknown section \"[%s]\"", word);
	n = strlen(rest);
	if (n >= 2 && rest[0] == '"' && rest[n - 1] == '"') {
		rest[n - 1] = '\0';
		rest++;
	}
	if (!cfg_domain_name_ok(rest))
		return cfg_errf(&c->w, -EINVAL, "domain",
				"\"%s\" is not a domain name ([a-z0-9-], "
				"1..32 characters)", rest);
	old = cfg_find_domain(c->cfg, rest);
	if (old)
		return cfg_errf(&c->w, -EINVAL, "domain",
				"\"%s\" is already declared at %s:%u", rest,
				old->file, old->line);
	d = cfg_domain_add(c->cfg, rest, c->w.file, c->w.line, &rc);
	if (!d)
		return cfg_errf(&c->w, rc, "domain", "%s",
				rc == -E2BIG ? "too many domains" :
					       "out of memory");
	c->dom = (unsigned int)(d - c->cfg->domains);
	c->sec = SEC_DOMAIN;
	return 0;
}

static int conf_line(struct conf_ctx *c, char *line)
{
	char *s = cfg_trim(line), *eq, *key, *val;
	size_t n, i;

	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return section(c, s);
	eq = strchr(s, '=');
	if (!eq) {
		if (strlen(s) > 40)
			s[40] = '\0';
		return cfg_errf(&c->w, -EINVAL, s,
				"expected \"key = value\"");
	}
	*eq = '\0';
	key = cfg_trim(s);
	val = cfg_trim(eq + 1);
	for (i = 0; key[i]; i++)
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (char)(key[i] - 'A' + 'a');
	if (!*key)
		return cfg_errf(&c->w, -EINVAL, "=", "missing key");
	if (strlen(key) > 40)
		key[40] = '\0';
	n = strlen(val);
	if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
		val[n - 1] = '\0';
		val++;
	}
	if (!*val)
		return cfg_errf(&c->w, -EINVAL, key, "missing value");
	switch (c->sec) {
	case SEC_LNFSD:
		return lnfsd_key(c, key, val);
	case SEC_DOMAIN:
		return domain_key(c, key, val);
	default:
		return cfg_errf(&c->w, -EINVAL, key,
				"key outside of a section (add [lnfsd])");
	}
}

int cfg_parse_conf_text(struct cfg *cfg, const char *text, size_t len,
			const char *fname, char *err, size_t errlen)
{
	struct conf_ctx c = { .cfg = cfg, .sec = SEC_NONE };
	size_t pos = 0;
	char *line;
	int rc = 0;

	if (err && errlen)
		err[0] = '\0';
	if (cfg->sealed)
		return -EBUSY;
	c.w.file = cfg_intern(cfg, fname ? fname : "(config)");
	c.w.err = err;
	c.w.errlen = errlen;
	if (!c.w.file)
		return -ENOMEM;
	line = malloc(CFG_MAX_LINE + 1);
	if (!line)
		return -ENOMEM;
	while (pos < len && !rc) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t adv = n + (nl ? 1 : 0);

		c.w.line++;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (n > CFG_MAX_LINE)
			rc = cfg_errf(&c.w, -EINVAL, "line", "too long");
		else if (memchr(text + pos, '\0', n))
			rc = cfg_errf(&c.w, -EINVAL, "line",
				      "contains a NUL byte");
		else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			rc = conf_line(&c, line);
		}
		pos += adv;
	}
	free(line);
	return rc;
}
