/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_xlate.c - the translate-table parser (syntax in cfg.h, "Table file
 * syntax") and the loading of the files a domain names (translate-table,
 * policy).  A table is untrusted text: every line is tokenised with a bound
 * on its length and number of tokens, every string is checked before it is
 * kept, and the first error stops with "FILE:LINE: rule: problem".  Whether
 * a rule's source is in translate-from and its literal result acceptable to
 * the domain is checked later by cfg_finish(); matching is lfs/'s.
 */
#include "config.h"

#include "config/cfg_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define XLATE_MAX_TOKENS 12

struct xtok {
	char *s;	/* NUL-terminated, unescaped, in the line buffer */
	size_t n;
	bool quoted;
};

void cfg_xlate_free(struct cfg_xlate *x)
{
	unsigned int i, k;

	if (!x)
		return;
	for (i = 0; i < x->nrules; i++) {
		struct cfg_xlate_rule *r = &x->rules[i];

		free(r->exact);
		free(r->literal);
		for (k = 0; k < CFG_CTX_NFIELDS; k++) {
			free(r->field[k]);
			free(r->set[k]);
		}
	}
	free(x->rules);
	free(x);
}

/*
 * Splits line (modified in place) into tokens: blanks separate, "..." is
 * one token with \" and \\ escapes, a '#' starting a token ends the line.
 */
static int tokenise(const struct cfg_where *w, char *line, struct xtok *t,
		    unsigned int *nt)
{
	char *p = line;
	unsigned int n = 0;

	for (;;) {
		char *o;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			break;
		if (n >= XLATE_MAX_TOKENS)
			return cfg_errf(w, -EINVAL, "rule",
					"too many words (at most %d)",
					XLATE_MAX_TOKENS);
		t[n].quoted = *p == '"';
		if (t[n].quoted) {
			o = ++p;
			t[n].s = o;
			for (;;) {
				if (!*p)
					return cfg_errf(w, -EINVAL, "rule",
							"unterminated quoted "
							"string");
				if (*p == '"')
					break;
				if (*p == '\\') {
					if (p[1] != '"' && p[1] != '\\')
						return cfg_errf(w, -EINVAL,
								"rule",
								"unknown escape "
								"\"\\%c\" (only "
								"\\\" and \\\\)",
								p[1] ? p[1] :
								       '0');
					p++;
				}
				*o++ = *p++;
			}
			p++;
			if (*p && *p != ' ' && *p != '\t')
				return cfg_errf(w, -EINVAL, "rule",
						"text right after a closing "
						"quote");
		} else {
			t[n].s = p;
			while (*p && *p != ' ' && *p != '\t') {
				if (*p == '"')
					return cfg_errf(w, -EINVAL, "rule",
							"a quote inside a word");
				p++;
			}
			o = p;
			if (*p)
				p++;
		}
		*o = '\0';
		t[n].n = (size_t)(o - t[n].s);
		n++;
		if (o >= p)	/* the closing NUL replaced the last byte */
			break;
	}
	*nt = n;
	return 0;
}

/* "field=value" with a known field: its index, else -1. */
static int field_of(const struct xtok *t, const char **val)
{
	const char *eq;
	unsigned int k;

	if (t->quoted)
		return -1;
	eq = strchr(t->s, '=');
	if (!eq || eq == t->s)
		return -1;
	for (k = 0; k < CFG_CTX_NFIELDS; k++) {
		const char *name = cfg_ctx_field_name((enum cfg_ctx_field)k);

		if (strlen(name) == (size_t)(eq - t->s) &&
		    !memcmp(name, t->s, (size_t)(eq - t->s))) {
			*val = eq + 1;
			return (int)k;
		}
	}
	return -1;
}

static bool field_value_ok(unsigned int k, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	if (!*p)
		return false;
	for (; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || (*p == ':' && k != CFG_CTX_LEVEL))
			return false;
	return true;
}

static bool label_text_ok(const struct xtok *t)
{
	size_t i;

	if (!t->n || t->n > CFG_LABEL_MAX)
		return false;
	for (i = 0; i < t->n; i++)
		if ((unsigned char)t->s[i] < 0x20 || t->s[i] == 0x7f)
			return false;
	return true;
}

/* Field tests (match) or rewrites (result) into out[]. */
static int fields(const struct cfg_where *w, const struct xtok *t,
		  unsigned int n, bool result, char *out[CFG_CTX_NFIELDS])
{
	const char *what = result ? "result" : "match";
	unsigned int i;

	for (i = 0; i < n; i++) {
		const char *v;
		int k = field_of(&t[i], &v);

		if (k < 0)
			return cfg_errf(w, -EINVAL, "rule",
					"%s \"%.40s\" is not FIELD=VALUE "
					"(user, role, type, level); quote an "
					"exact label", what, t[i].s);
		if (out[k])
			return cfg_errf(w, -EINVAL, "rule",
					"%s gives %s twice", what,
					cfg_ctx_field_name(
						(enum cfg_ctx_field)k));
		if (result && !strcmp(v, "*")) {
			return cfg_errf(w, -EINVAL, "rule",
					"result %s=\"*\" is not a context "
					"field (printable, no spaces, no ':')",
					cfg_ctx_field_name(
						(enum cfg_ctx_field)k));
		} else if (!strcmp(v, "*")) {
			/* any value: leave NULL, but remember the field */
			out[k] = strdup("*");
		} else {
			if (!field_value_ok((unsigned int)k, v))
				return cfg_errf(w, -EINVAL, "rule",
						"%s %s=\"%.40s\" is not a "
						"context field (printable, "
						"no spaces%s)", what,
						cfg_ctx_field_name(
							(enum cfg_ctx_field)k),
						v,
						k == CFG_CTX_LEVEL ? "" :
							", no ':'");
			out[k] = strdup(v);
		}
		if (!out[k])
			return -ENOMEM;
	}
	return 0;
}

static int xlate_rule(const struct cfg_where *w, const struct xtok *t,
		      unsigned int nt, struct cfg_xlate_rule *r)
{
	unsigned int arrow = 0, i, nm, nr;
	int rc;

	for (i = 0; i < nt; i++) {
		if (!t[i].quoted && !strcmp(t[i].s, "->")) {
			if (arrow)
				return cfg_errf(w, -EINVAL, "rule",
						"more than one \"->\"");
			arrow = i;
		}
	}
	if (!arrow)
		return cfg_errf(w, -EINVAL, "rule",
				nt == 1 ? "expected SOURCE MATCH -> RESULT" :
					  "expected \"->\"");
	/* source */
	if (t[0].quoted)
		return cfg_errf(w, -EINVAL, "rule",
				"source must be a domain name or *");
	if (strcmp(t[0].s, "*")) {
		if (!cfg_domain_name_ok(t[0].s))
			return cfg_errf(w, -EINVAL, "rule",
					"source \"%.40s\" is not a domain name "
					"([a-z0-9-], 1..32 characters) or *",
					t[0].s);
		strcpy(r->src, t[0].s);
	}
	/* match */
	nm = arrow - 1;
	if (!nm)
		return cfg_errf(w, -EINVAL, "rule", "missing MATCH before \"->\"");
	if (nm == 1 && !t[1].quoted && !strcmp(t[1].s, "*")) {
		r->match = CFG_XM_ANY;
	} else if (nm == 1 && (t[1].quoted || !strchr(t[1].s, '='))) {
		if (!label_text_ok(&t[1]))
			return cfg_errf(w, -EINVAL, "rule",
					"exact label must be 1..%d bytes "
					"without control characters",
					CFG_LABEL_MAX);
		r->match = CFG_XM_EXACT;
		r->exact = strdup(t[1].s);
		if (!r->exact)
			return -ENOMEM;
		r->exact_len = (uint32_t)t[1].n;
	} else {
		r->match = CFG_XM_FIELDS;
		rc = fields(w, &t[1], nm, false, r->field);
		if (rc)
			return rc;
		/* "*" stored as a marker only: any value means no test */
		for (i = 0; i < CFG_CTX_NFIELDS; i++) {
			if (r->field[i] && !strcmp(r->field[i], "*")) {
				free(r->field[i]);
				r->field[i] = NULL;
			}
		}
	}
	/* result */
	nr = nt - arrow - 1;
	if (!nr)
		return cfg_errf(w, -EINVAL, "rule", "missing RESULT after \"->\"");
	if (nr == 1 && !t[arrow + 1].quoted && !strcmp(t[arrow + 1].s, "=")) {
		r->result = CFG_XR_KEEP;
	} else if (nr == 1 && (t[arrow + 1].quoted ||
			       !strchr(t[arrow + 1].s, '='))) {
		if (!label_text_ok(&t[arrow + 1]))
			return cfg_errf(w, -EINVAL, "rule",
					"result label must be 1..%d bytes "
					"without control characters",
					CFG_LABEL_MAX);
		r->result = CFG_XR_LITERAL;
		r->literal = strdup(t[arrow + 1].s);
		if (!r->literal)
			return -ENOMEM;
		r->literal_len = (uint32_t)t[arrow + 1].n;
	} else {
		r->result = CFG_XR_REWRITE;
		rc = fields(w, &t[arrow + 1], nr, true, r->set);
		if (rc)
			return rc;
	}
	return 0;
}

static int xlate_parse(struct cfg_xlate *x, const char *text, size_t len,
		       struct cfg_where *w)
{
	struct xtok t[XLATE_MAX_TOKENS];
	size_t pos = 0;
	unsigned int nt = 0;
	char *line;
	int rc = 0;

	line = malloc(CFG_MAX_LINE + 1);
	if (!line)
		return -ENOMEM;
	while (pos < len && !rc) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t adv = n + (nl ? 1 : 0);
		struct cfg_xlate_rule *r;

		w->line++;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (n > CFG_MAX_LINE) {
			rc = cfg_errf(w, -EINVAL, "rule", "line too long");
			break;
		}
		if (memchr(text + pos, '\0', n)) {
			rc = cfg_errf(w, -EINVAL, "rule",
				      "line contains a NUL byte");
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += adv;
		rc = tokenise(w, line, t, &nt);
		if (rc || !nt)
			continue;
		if (x->nrules >= CFG_MAX_XLATE_RULES) {
			rc = cfg_errf(w, -EINVAL, "rule",
				      "more than %d rules",
				      CFG_MAX_XLATE_RULES);
			break;
		}
		r = realloc(x->rules, (x->nrules + 1) * sizeof(*r));
		if (!r) {
			rc = -ENOMEM;
			break;
		}
		x->rules = r;
		r = &x->rules[x->nrules++];
		memset(r, 0, sizeof(*r));
		r->line = w->line;
		rc = xlate_rule(w, t, nt, r);
	}
	free(line);
	return rc;
}

int cfg_parse_translate_text(struct cfg *cfg, const char *domain,
			     const char *text, size_t len, const char *fname,
			     char *err, size_t errlen)
{
	struct cfg_where w = { NULL, 0, err, errlen };
	struct cfg_domain *d = NULL;
	struct cfg_xlate *x;
	unsigned int i;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (cfg->sealed)
		return -EBUSY;
	for (i = 0; i < cfg->ndomains; i++)
		if (!strcmp(cfg->domains[i].name, domain))
			d = &cfg->domains[i];
	w.file = cfg_intern(cfg, fname ? fname : "(table)");
	if (!w.file)
		return -ENOMEM;
	if (!d)
		return cfg_errf(&w, -ENOENT, "domain",
				"\"%s\" is not a declared domain", domain);
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->file = w.file;
	rc = xlate_parse(x, text, len, &w);
	if (rc) {
		if (rc == -ENOMEM)
			cfg_errf(&w, rc, "rule", "out of memory");
		cfg_xlate_free(x);
		return rc;
	}
	cfg_xlate_free(d->xlate);
	d->xlate = x;
	return 0;
}

int cfg_load_domain_files(struct cfg *cfg, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	if (cfg->sealed)
		return -EBUSY;
	for (i = 0; i < cfg->ndomains; i++) {
		struct cfg_domain *d = &cfg->domains[i];
		struct cfg_where w = { d->file ? d->file : "built-in", 0, err,
				       errlen };
		char *text;
		size_t len;

		if (d->xlate_path && !d->xlate) {
			w.line = d->key_line[__builtin_ctz(CFG_DK_XLATE_TABLE)];
			rc = cfg_read_file(d->xlate_path, &text, &len);
			if (rc)
				return cfg_errf(&w, rc, "translate-table",
						"cannot read \"%s\": %s",
						d->xlate_path, strerror(-rc));
			rc = cfg_parse_translate_text(cfg, d->name, text, len,
						      d->xlate_path, err,
						      errlen);
			free(text);
			if (rc)
				return rc;
		}
		if (d->policy_path && !d->policy) {
			rc = cfg_load_policy(cfg, d->name, d->policy_path, err,
					     errlen);
			if (rc)
				return rc;
		}
	}
	return 0;
}
