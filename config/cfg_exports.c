/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_exports.c - the exports(5)-style file parser, client specs, export
 * options, and cfg_add_export_path() for "lnfsd -e PATH".  It appends
 * exports to an unsealed cfg and stops at the first error with
 * "FILE:LINE: KEY: problem"; domain names and export ids are resolved by
 * cfg_finish().  The text is untrusted input and is fuzzed.
 */
#include "config.h"

#include "config/cfg_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct exp_ctx {
	struct cfg *cfg;
	struct cfg_where w;
};

/* A client being parsed: squash comes from two independent switches. */
struct client_opts {
	struct cfg_client c;
	bool root_squash;
	bool all_squash;
	bool fsid_set;
	bool fsid_root;
	uint32_t fsid;
	char host_context[CFG_HOST_CONTEXT_MAX + 1];	/* "" = not given */
	int subtree;		/* 1 subtree_check, -1 no_subtree_check, 0 not given */
};

static const char *const sec_names[CFG_SEC_COUNT] = {
	[CFG_SEC_SYS] = "sys",	   [CFG_SEC_NONE] = "none",
	[CFG_SEC_KRB5] = "krb5",   [CFG_SEC_KRB5I] = "krb5i",
	[CFG_SEC_KRB5P] = "krb5p",
};

const char *cfg_sec_name(enum cfg_sec s)
{
	return (unsigned int)s < CFG_SEC_COUNT ? sec_names[s] : "?";
}

static void client_opts_init(struct client_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->c.sync = true;
	o->c.secure = true;
	o->c.labels = true;
	o->c.anonuid = CFG_ANON_ID;
	o->c.anongid = CFG_ANON_ID;
	o->c.sec[0] = CFG_SEC_SYS;
	o->c.nsec = 1;
	o->c.sec_mask = 1u << CFG_SEC_SYS;
	o->root_squash = true;
}

/* ---- client specs ---- */

static bool parse_mask4(const char *s, unsigned int *prefix)
{
	struct in_addr m;
	uint32_t v;
	unsigned int n = 0;

	if (inet_pton(AF_INET, s, &m) != 1)
		return false;
	v = ntohl(m.s_addr);
	while (v & 0x80000000u) {
		n++;
		v <<= 1;
	}
	if (v)
		return false;	/* not contiguous */
	*prefix = n;
	return true;
}

static void mask_addr(uint8_t *a, unsigned int bits, unsigned int total)
{
	unsigned int i;

	for (i = 0; i < total / 8; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		a[i] &= (uint8_t)(0xff00u >> bits);
		bits = 0;
	}
}

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
	       c == '*' || c == '?';
}

/* "krb5:PRINCIPAL" or "krb5:PATTERN": printable, no blanks, no "(),",
 * at most RPC_PRINCIPAL_MAX (255) bytes, an '@' with a realm after it.
 * Kerberos names are case-sensitive, so the text is kept as written. */
static int parse_principal(struct exp_ctx *x, const char *spec,
			   struct cfg_client *c)
{
	const char *p = spec + 5, *at = strrchr(p, '@');
	size_t n = strlen(p), i;

	if (!n || n > 255)
		return cfg_errf(&x->w, -EINVAL, spec,
				"a principal of 1 to 255 characters must "
				"follow krb5: (krb5:alice@REALM, "
				"krb5:*@REALM, krb5:nfs/*@REALM)");
	for (i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] > '~' || p[i] == '(' ||
		    p[i] == ')' || p[i] == ',')
			return cfg_errf(&x->w, -EINVAL, spec,
					"a principal has no blanks, "
					"control characters, parentheses or "
					"commas");
	if (!at || at == p || !at[1])
		return cfg_errf(&x->w, -EINVAL, spec,
				"write the principal with its realm, "
				"NAME@REALM (krb5:alice@EXAMPLE.ORG, "
				"krb5:*@EXAMPLE.ORG)");
	c->kind = strpbrk(p, "*?[") ? CFG_CLIENT_PRINCIPAL_PATTERN :
				       CFG_CLIENT_PRINCIPAL;
	c->host = strdup(p);
	return c->host ? 0 : -ENOMEM;
}

static int parse_spec(struct exp_ctx *x, const char *spec, struct cfg_client *c)
{
	char buf[300];
	const char *slash;
	size_t n = strlen(spec), i;

	if (!strcmp(spec, "*")) {
		c->kind = CFG_CLIENT_ANY;
		return 0;
	}
	if (spec[0] == '@')
		return cfg_errf(&x->w, -EINVAL, spec,
				"netgroups are not supported");
	if (!strncmp(spec, "gss/", 4))
		return cfg_errf(&x->w, -EINVAL, spec,
				"knfsd's gss/ client specs are not supported; "
				"give the flavours with sec=krb5:krb5i:krb5p "
				"and a principal as krb5:PRINCIPAL");
	if (!strncmp(spec, "krb5:", 5))
		return parse_principal(x, spec, c);
	if (n >= sizeof(buf))
		return cfg_errf(&x->w, -EINVAL, "client", "spec too long");
	slash = strchr(spec, '/');
	if (slash) {
		const char *pfx = slash + 1;
		uint32_t p;

		memcpy(buf, spec, (size_t)(slash - spec));
		buf[slash - spec] = '\0';
		if (inet_pton(AF_INET, buf, c->addr) == 1) {
			c->family = AF_INET;
			if (!cfg_parse_u32(pfx, 0, 32, &p) &&
			    !parse_mask4(pfx, &p))
				return cfg_errf(&x->w, -EINVAL, spec,
						"bad IPv4 prefix (0..32 or a "
						"netmask)");
		} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
			c->family = AF_INET6;
			if (!cfg_parse_u32(pfx, 0, 128, &p))
				return cfg_errf(&x->w, -EINVAL, spec,
						"bad IPv6 prefix (0..128)");
		} else {
			return cfg_errf(&x->w, -EINVAL, spec,
					"not an address/prefix");
		}
		c->kind = CFG_CLIENT_CIDR;
		c->prefix = p;
		mask_addr(c->addr, p, c->family == AF_INET ? 32 : 128);
		return 0;
	}
	if (inet_pton(AF_INET, spec, c->addr) == 1) {
		c->kind = CFG_CLIENT_ADDR;
		c->family = AF_INET;
		c->prefix = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, spec, c->addr) == 1) {
		c->kind = CFG_CLIENT_ADDR;
		c->family = AF_INET6;
		c->prefix = 128;
		return 0;
	}
	if (n && spec[n - 1] == '.')
		n--;
	if (!n || n > 253)
		return cfg_errf(&x->w, -EINVAL, spec, "not a host name");
	for (i = 0; i < n; i++) {
		if (!host_char(spec[i]))
			return cfg_errf(&x->w, -EINVAL, spec,
					"not an address, network or host "
					"name");
		buf[i] = (spec[i] >= 'A' && spec[i] <= 'Z') ?
				 (char)(spec[i] - 'A' + 'a') : spec[i];
	}
	buf[n] = '\0';
	c->kind = strpbrk(buf, "*?") ? CFG_CLIENT_WILDCARD : CFG_CLIENT_HOST;
	c->host = strdup(buf);
	return c->host ? 0 : -ENOMEM;
}

static bool same_spec(const struct cfg_client *a, const struct cfg_client *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case CFG_CLIENT_ANY:
		return true;
	case CFG_CLIENT_ADDR:
	case CFG_CLIENT_CIDR:
		return a->family == b->family && a->prefix == b->prefix &&
		       !memcmp(a->addr, b->addr, 16);
	default:
		return !strcmp(a->host, b->host);
	}
}

/* ---- options ---- */

static int opt_sec(struct exp_ctx *x, struct cfg_client *c, const char *val)
{
	const char *p = val;

	c->nsec = 0;
	c->sec_mask = 0;
	while (*p) {
		size_t n = strcspn(p, ":");
		unsigned int s;

		for (s = 0; s < CFG_SEC_COUNT; s++)
			if (strlen(sec_names[s]) == n &&
			    !strncmp(p, sec_names[s], n))
				break;
		if (s == CFG_SEC_COUNT)
			return cfg_errf(&x->w, -EINVAL, "sec",
					"\"%.*s\" is not a security flavor "
					"(sys, none, krb5, krb5i, krb5p)",
					(int)n, p);
		if (!(c->sec_mask & (1u << s))) {
			c->sec[c->nsec++] = (uint8_t)s;
			c->sec_mask |= 1u << s;
		}
		p += n;
		if (*p == ':' && !*++p)
			break;
	}
	if (!c->nsec)
		return cfg_errf(&x->w, -EINVAL, "sec", "empty flavor list");
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A UUID (32 hex digits, '-' and ':' ignored) folded to 32 bits. */
static bool parse_uuid(const char *s, uint32_t *out)
{
	uint32_t words[4] = { 0 };
	unsigned int nd = 0;

	for (; *s; s++) {
		int v = hexval(*s);

		if (*s == '-' || *s == ':')
			continue;
		if (v < 0 || nd >= 32)
			return false;
		words[nd / 8] = (words[nd / 8] << 4) | (uint32_t)v;
		nd++;
	}
	if (nd != 32)
		return false;
	*out = words[0] ^ words[1] ^ words[2] ^ words[3];
	return true;
}

static int opt_fsid(struct exp_ctx *x, struct client_opts *o, const char *val)
{
	uint32_t v;

	if (!strcmp(val, "root") || !strcmp(val, "0")) {
		o->fsid_root = true;
		o->fsid_set = false;
		return 0;
	}
	if (cfg_parse_u32(val, 1, UINT32_MAX, &v) || parse_uuid(val, &v)) {
		o->fsid_set = true;
		o->fsid_root = false;
		o->fsid = v ? v : 1;
		return 0;
	}
	return cfg_errf(&x->w, -EINVAL, "fsid",
			"\"%s\" is not a number, root or a UUID", val);
}

static int one_opt(struct exp_ctx *x, struct client_opts *o, char *opt)
{
	static const struct {
		const char *name;
		size_t off;
		bool val;
	} flags[] = {
#define F(n, field, v) { n, offsetof(struct client_opts, field), v }
		F("ro", c.rw, false),
		F("rw", c.rw, true),
		F("sync", c.sync, true),
		F("async", c.sync, false),
		F("root_squash", root_squash, true),
		F("no_root_squash", root_squash, false),
		F("all_squash", all_squash, true),
		F("no_all_squash", all_squash, false),
		F("security_label", c.labels, true),
		F("no_security_label", c.labels, false),
		F("secure", c.secure, true),
		F("insecure", c.secure, false),
		F("crossmnt", c.crossmnt, true),
		F("nohide", c.nohide, true),
#undef F
	};
	static const char *const ignored[] = {
		"wdelay", "no_wdelay",
	};
	char *val = strchr(opt, '=');
	uint32_t v;
	size_t i;

	if (val)
		*val++ = '\0';
	if (!val) {
		if (!strcmp(opt, "subtree_check") || !strcmp(opt, "no_subtree_check")) {
			o->subtree = opt[0] == 's' ? 1 : -1;
			return 0;
		}
		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
			if (strcmp(opt, flags[i].name))
				continue;
			*(bool *)((char *)o + flags[i].off) = flags[i].val;
			return 0;
		}
		for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
			if (!strcmp(opt, ignored[i]))
				return 0;
	} else if (!strcmp(opt, "anonuid") || !strcmp(opt, "anongid")) {
		if (!cfg_parse_u32(val, 0, UINT32_MAX, &v))
			return cfg_errf(&x->w, -EINVAL, opt,
					"\"%s\" is not a number", val);
		if (opt[4] == 'u')
			o->c.anonuid = v;
		else
			o->c.anongid = v;
		return 0;
	} else if (!strcmp(opt, "sec")) {
		return opt_sec(x, &o->c, val);
	} else if (!strcmp(opt, "fsid")) {
		return opt_fsid(x, o, val);
	} else if (!strcmp(opt, "host_context")) {
		char why[512];

		if (cfg_host_context_check(val, why, sizeof(why)))
			return cfg_errf(&x->w, -EINVAL, opt, "%s", why);
		strcpy(o->host_context, val);
		return 0;
	} else if (!strcmp(opt, "domain")) {
		if (!cfg_domain_name_ok(val))
			return cfg_errf(&x->w, -EINVAL, opt,
					"\"%s\" is not a domain name "
					"([a-z0-9-], 1..32 characters)", val);
		strcpy(o->c.domain_name, val);
		return 0;
	}
	if (strlen(opt) > 40)
		opt[40] = '\0';
	return cfg_errf(&x->w, -EINVAL, opt, "unknown export option");
}

static int parse_opts(struct exp_ctx *x, struct client_opts *o,
		      const char *opts)
{
	char buf[1024];
	char *p, *next;
	int rc;

	if (strlen(opts) >= sizeof(buf))
		return cfg_errf(&x->w, -EINVAL, "options", "too long");
	strcpy(buf, opts);
	for (p = buf; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (!*p)
			continue;
		rc = one_opt(x, o, p);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- exports ---- */

static struct cfg_export *export_add(struct exp_ctx *x, const char *path,
				     int *rc)
{
	struct cfg *cfg = x->cfg;
	struct cfg_export *e;
	char norm[PATH_MAX];

	*rc = cfg_path_normalise(path, norm, sizeof(norm));
	if (*rc) {
		*rc = cfg_errf(&x->w, *rc, path[0] ? path : "\"\"",
			       *rc == -ENAMETOOLONG ? "path too long" :
			       "not an absolute path without \".\" or "
			       "\"..\" components");
		return NULL;
	}
	if (cfg->nexports >= CFG_MAX_EXPORTS) {
		*rc = cfg_errf(&x->w, -E2BIG, norm, "too many exports");
		return NULL;
	}
	e = realloc(cfg->exports, (cfg->nexports + 1) * sizeof(*e));
	if (!e) {
		*rc = -ENOMEM;
		return NULL;
	}
	cfg->exports = e;
	e = &cfg->exports[cfg->nexports];
	memset(e, 0, sizeof(*e));
	e->path = strdup(norm);
	if (!e->path) {
		*rc = -ENOMEM;
		return NULL;
	}
	e->file = x->w.file;
	e->line = x->w.line;
	cfg->nexports++;
	return e;
}

static int client_add(struct exp_ctx *x, struct cfg_export *e,
		      struct client_opts *o, const char *spec)
{
	struct cfg_client *c;
	unsigned int i;

	o->c.squash = o->all_squash ? CFG_SQUASH_ALL :
		      o->root_squash ? CFG_SQUASH_ROOT : CFG_SQUASH_NONE;
	o->c.line = x->w.line;
	for (i = 0; i < e->nclients; i++)
		if (same_spec(&e->clients[i], &o->c))
			return cfg_errf(&x->w, -EINVAL, spec,
					"client listed twice for %s", e->path);
	if (o->fsid_set || o->fsid_root) {
		if ((e->fsid_set || e->fsid_root) &&
		    (e->fsid_root != o->fsid_root || e->fsid != o->fsid))
			return cfg_errf(&x->w, -EINVAL, "fsid",
					"conflicting fsid for %s", e->path);
		e->fsid_set = o->fsid_set;
		e->fsid_root = o->fsid_root;
		e->fsid = o->fsid;
	}
	if (o->host_context[0]) {
		/* one context for the whole export (objects are shared) */
		if (e->host_context[0] &&
		    strcmp(e->host_context, o->host_context))
			return cfg_errf(&x->w, -EINVAL, "host_context",
					"conflicting host_context for %s "
					"(%s at line %u)", e->path,
					e->host_context, e->host_context_line);
		strcpy(e->host_context, o->host_context);
		e->host_context_line = x->w.line;
	}
	if (o->subtree) {
		/* handles are per export: every client gets the same form */
		if (e->subtree_line && e->subtree_check != (o->subtree > 0))
			return cfg_errf(&x->w, -EINVAL, o->subtree > 0 ?
					"subtree_check" : "no_subtree_check",
					"conflicts with %s at line %u: %s is "
					"one setting for every client of %s",
					e->subtree_check ? "subtree_check" :
					"no_subtree_check", e->subtree_line,
					"subtree_check", e->path);
		e->subtree_check = o->subtree > 0;
		e->subtree_line = x->w.line;
	}
	if (e->nclients >= CFG_MAX_CLIENTS)
		return cfg_errf(&x->w, -E2BIG, spec, "too many clients");
	c = realloc(e->clients, (e->nclients + 1) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	e->clients = c;
	o->c.spec = strdup(spec);
	if (!o->c.spec)
		return -ENOMEM;
	e->clients[e->nclients++] = o->c;
	o->c.spec = NULL;
	o->c.host = NULL;	/* now owned by the export */
	return 0;
}

/* Decodes \ooo escapes in place; false on an escaped NUL. */
static bool unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			int v = (s[1] - '0') * 64 + (s[2] - '0') * 8 +
				(s[3] - '0');

			if (!v)
				return false;
			*o++ = (char)v;
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return true;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Next whitespace-separated token of *p, NUL-terminated in place. */
static char *token(char **p)
{
	char *s = *p, *t;

	while (is_ws(*s))
		s++;
	if (!*s)
		return NULL;
	t = s;
	while (*s && !is_ws(*s))
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return t;
}

static int one_client(struct exp_ctx *x, struct cfg_export *e,
		      const char *defopts, char *tok)
{
	struct client_opts o;
	char *paren = strchr(tok, '('), *spec = tok, *opts = NULL;
	int rc;

	client_opts_init(&o);
	if (paren) {
		size_t n = strlen(paren);

		if (paren[n - 1] != ')' || strchr(paren + 1, '(') ||
		    memchr(paren, ')', n - 1))
			return cfg_errf(&x->w, -EINVAL, tok,
					"expected client(options)");
		paren[n - 1] = '\0';
		*paren = '\0';
		opts = paren + 1;
		if (!*spec)
			spec = "*";
	}
	rc = parse_spec(x, spec, &o.c);
	if (!rc && defopts)
		rc = parse_opts(x, &o, defopts);
	if (!rc && opts)
		rc = parse_opts(x, &o, opts);
	if (!rc)
		rc = client_add(x, e, &o, spec);
	free(o.c.host);
	return rc;
}

static int export_line(struct exp_ctx *x, char *line)
{
	char *p = line, *path, *tok, *defopts = NULL;
	struct cfg_export *e;
	int rc;

	while (is_ws(*p))
		p++;
	if (!*p)
		return 0;
	if (*p == '"') {
		char *end = strchr(p + 1, '"');

		if (!end)
			return cfg_errf(&x->w, -EINVAL, "path",
					"missing closing quote");
		if (end[1] && !is_ws(end[1]))
			return cfg_errf(&x->w, -EINVAL, "path",
					"expected a blank after the quoted "
					"path");
		*end = '\0';
		path = p + 1;
		p = end + 1;
	} else {
		path = token(&p);
	}
	if (!unescape(path))
		return cfg_errf(&x->w, -EINVAL, "path", "escaped NUL byte");
	e = export_add(x, path, &rc);
	if (!e)
		return rc;
	tok = token(&p);
	if (tok && tok[0] == '-') {
		defopts = tok + 1;
		tok = token(&p);
	}
	if (!tok)
		return one_client(x, e, defopts, (char[]){ "*" });
	for (; tok; tok = token(&p)) {
		rc = one_client(x, e, defopts, tok);
		if (rc)
			return rc;
	}
	return 0;
}

/* Strips a '#' comment outside quotes; returns true if a '\' ends it. */
static bool strip_line(char *s)
{
	bool q = false;
	size_t n;
	char *p;

	for (p = s; *p; p++) {
		if (*p == '"')
			q = !q;
		else if (*p == '#' && !q) {
			*p = '\0';
			break;
		}
	}
	n = strlen(s);
	while (n && is_ws(s[n - 1]))
		n--;
	s[n] = '\0';
	if (n && s[n - 1] == '\\') {
		s[n - 1] = ' ';
		return true;
	}
	return false;
}

int cfg_parse_exports_text(struct cfg *cfg, const char *text, size_t len,
			   const char *fname, char *err, size_t errlen)
{
	struct exp_ctx x = { .cfg = cfg };
	size_t pos = 0, used = 0;
	unsigned int lineno = 0;
	char *buf;
	int rc = 0;

	if (err && errlen)
		err[0] = '\0';
	if (cfg->sealed)
		return -EBUSY;
	x.w.file = cfg_intern(cfg, fname ? fname : "(exports)");
	x.w.err = err;
	x.w.errlen = errlen;
	if (!x.w.file)
		return -ENOMEM;
	buf = malloc(CFG_MAX_LINE + 1);
	if (!buf)
		return -ENOMEM;
	while (pos < len && !rc) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		bool more;

		lineno++;
		if (!used)
			x.w.line = lineno;
		if (memchr(text + pos, '\0', n)) {
			x.w.line = lineno;
			rc = cfg_errf(&x.w, -EINVAL, "line",
				      "contains a NUL byte");
			break;
		}
		if (used + n > CFG_MAX_LINE) {
			rc = cfg_errf(&x.w, -EINVAL, "line", "too long");
			break;
		}
		memcpy(buf + used, text + pos, n);
		pos += n + (nl ? 1 : 0);
		if (n && buf[used + n - 1] == '\r')
			n--;
		buf[used + n] = '\0';
		more = strip_line(buf + used);
		used += strlen(buf + used);
		if (more && pos < len)
			continue;
		rc = export_line(&x, buf);
		used = 0;
	}
	free(buf);
	return rc;
}

int cfg_add_export_path(struct cfg *cfg, const char *path, char *err,
			size_t errlen)
{
	struct exp_ctx x = { .cfg = cfg };
	struct client_opts o;
	struct cfg_export *e;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (cfg->sealed)
		return -EBUSY;
	x.w.file = cfg_intern(cfg, "command line");
	x.w.err = err;
	x.w.errlen = errlen;
	if (!x.w.file)
		return -ENOMEM;
	e = export_add(&x, path, &rc);
	if (!e)
		return rc;
	client_opts_init(&o);
	o.c.kind = CFG_CLIENT_ANY;
	o.c.rw = true;
	o.root_squash = false;
	strcpy(o.c.domain_name, CFG_DEFAULT_DOMAIN);
	return client_add(&x, e, &o, "*");
}
