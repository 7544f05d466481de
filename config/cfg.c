/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg.c - the cfg snapshot's life: creation with built-in defaults,
 * reference counting, reading the files, the cross-checks of cfg_finish()
 * that turn names into pointers and seal the snapshot, lookups, client
 * matching, and the holder that swaps snapshots on reload.  Parsing lives in
 * cfg_conf.c and cfg_exports.c, printing in cfg_dump.c.
 */
#include "config.h"

#include "config/cfg_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CFG_MAX_FILE (16u << 20)

struct cfg *cfg_new_default(void)
{
	struct cfg *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	atomic_init(&cfg->refcount, 1);
	cfg->threads = CFG_DEFAULT_THREADS;
	cfg->lease_time = CFG_DEFAULT_LEASE;
	cfg->grace_time = CFG_DEFAULT_GRACE;
	cfg->max_record = CFG_DEFAULT_MAX_RECORD;
	cfg->max_clients = CFG_DEFAULT_MAX_CLIENTS;
	cfg->max_conns = CFG_DEFAULT_MAX_CONNS;
	cfg->max_requests = CFG_DEFAULT_MAX_REQUESTS;
	cfg->state_dir = strdup(CFG_DEFAULT_STATE_DIR);
	cfg->control_socket = strdup(CFG_DEFAULT_CONTROL_SOCKET);
	cfg->exports_path = strdup(CFG_DEFAULT_EXPORTS_PATH);
	strcpy(cfg->default_domain_name, CFG_DEFAULT_DOMAIN);
	if (!cfg->state_dir || !cfg->exports_path || !cfg->control_socket) {
		cfg_put(cfg);
		return NULL;
	}
	return cfg;
}

struct cfg *cfg_get(struct cfg *cfg)
{
	atomic_fetch_add_explicit(&cfg->refcount, 1, memory_order_relaxed);
	return cfg;
}

void cfg_export_release(struct cfg_export *e)
{
	unsigned int i;

	for (i = 0; i < e->nclients; i++) {
		free(e->clients[i].host);
		free(e->clients[i].spec);
	}
	free(e->clients);
	free(e->path);
}

void cfg_put(struct cfg *cfg)
{
	unsigned int i;

	if (!cfg)
		return;
	if (atomic_fetch_sub_explicit(&cfg->refcount, 1,
				      memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < cfg->nexports; i++)
		cfg_export_release(&cfg->exports[i]);
	free(cfg->exports);
	for (i = 0; i < cfg->ndomains; i++)
		cfg_domain_release(&cfg->domains[i]);
	free(cfg->domains);
	free(cfg->state_dir);
	free(cfg->control_socket);
	free(cfg->exports_path);
	free(cfg->conf_path);
	free(cfg->keytab);
	cfg_names_free(cfg->names);
	free(cfg);
}

void cfg_domain_release(struct cfg_domain *d)
{
	cfg_xlate_free(d->xlate);
	cfg_policy_free(d->policy);
	free(d->xlate_path);
	free(d->policy_path);
	d->xlate = NULL;
	d->policy = NULL;
	d->xlate_path = NULL;
	d->policy_path = NULL;
}

void cfg_domain_defaults(struct cfg_domain *d, const char *name)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->lfs[0] = 0;
	d->lfs[1] = 258;	/* RFC 7569: FLASK security context */
	d->nlfs = 2;
	d->pi[0] = 0;
	d->npi = 1;
	strcpy(d->default_label, CFG_DEFAULT_LABEL);
	d->default_label_len = (uint32_t)strlen(CFG_DEFAULT_LABEL);
	d->max_label = CFG_LABEL_MAX;
	d->format = CFG_LABEL_OPAQUE;
}

struct cfg_domain *cfg_domain_add(struct cfg *cfg, const char *name,
				  const char *file, unsigned int line, int *rc)
{
	struct cfg_domain *d;

	if (cfg->ndomains >= CFG_MAX_DOMAINS) {
		*rc = -E2BIG;
		return NULL;
	}
	d = realloc(cfg->domains, (cfg->ndomains + 1) * sizeof(*d));
	if (!d) {
		*rc = -ENOMEM;
		return NULL;
	}
	cfg->domains = d;
	d = &cfg->domains[cfg->ndomains++];
	cfg_domain_defaults(d, name);
	d->file = file;
	d->line = line;
	*rc = 0;
	return d;
}

const struct cfg_domain *cfg_find_domain(const struct cfg *cfg,
					 const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->ndomains; i++)
		if (!strcmp(cfg->domains[i].name, name))
			return &cfg->domains[i];
	return NULL;
}

const struct cfg_export *cfg_find_export(const struct cfg *cfg, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < cfg->nexports; i++)
		if (cfg->exports[i].id == id)
			return &cfg->exports[i];
	return NULL;
}

const struct cfg_export *cfg_find_export_path(const struct cfg *cfg,
					      const char *path)
{
	unsigned int i;

	for (i = 0; i < cfg->nexports; i++)
		if (!strcmp(cfg->exports[i].path, path))
			return &cfg->exports[i];
	return NULL;
}

/* ---- cfg_finish ---- */

static unsigned int key_line(const struct cfg_domain *d, unsigned int bit)
{
	unsigned int l = d->key_line[__builtin_ctz(bit)];

	return (d->keys_set & bit) && l ? l : d->line;
}

static int domain_err(const struct cfg_domain *d, char *err, size_t errlen,
		      unsigned int bit, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int domain_err(const struct cfg_domain *d, char *err, size_t errlen,
		      unsigned int bit, const char *key, const char *fmt, ...)
{
	struct cfg_where w = { d->file ? d->file : "built-in",
			       bit ? key_line(d, bit) : d->line, err, errlen };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cfg_errf(&w, -EINVAL, key, "%s", msg);
}

static bool u32_in(const uint32_t *v, unsigned int n, uint32_t x)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static int resolve_parents(struct cfg *cfg, char *err, size_t errlen)
{
	unsigned int i, steps;

	for (i = 0; i < cfg->ndomains; i++) {
		struct cfg_domain *d = &cfg->domains[i];

		if (!d->parent_name[0])
			continue;
		d->parent = cfg_find_domain(cfg, d->parent_name);
		if (!d->parent)
			return domain_err(d, err, errlen, CFG_DK_PARENT,
					  "parent",
					  "\"%s\" is not a declared domain",
					  d->parent_name);
	}
	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain *p = cfg->domains[i].parent;

		for (steps = 0; p && steps <= cfg->ndomains; steps++)
			p = p->parent;
		if (p)
			return domain_err(&cfg->domains[i], err, errlen,
					  CFG_DK_PARENT, "parent",
					  "domain \"%s\" is its own ancestor "
					  "(parent cycle)",
					  cfg->domains[i].name);
	}
	return 0;
}

/* Length of the prefix to stack: up to and including the second '.'. */
static size_t stack_prefix_len(const char *x)
{
	const char *dot = strchr(x, '.');

	if (!dot)
		return 0;
	dot = strchr(dot + 1, '.');
	return dot ? (size_t)(dot - x) + 1 : 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int domain_xattr(struct cfg_domain *d, char *err, size_t errlen)
{
	if (!(d->keys_set & CFG_DK_XATTR)) {
		if (d->parent) {
			size_t pl = stack_prefix_len(d->parent->xattr);
			size_t n = strlen(d->parent->xattr);

			if (!pl)
				return domain_err(d, err, errlen,
						  CFG_DK_PARENT, "xattr",
						  "parent's xattr \"%s\" has "
						  "no prefix to stack; set "
						  "xattr",
						  d->parent->xattr);
			if (pl + n > CFG_XATTR_MAX)
				return domain_err(d, err, errlen,
						  CFG_DK_PARENT, "xattr",
						  "stacked name for parent "
						  "\"%s\" is longer than 255 "
						  "bytes; set xattr",
						  d->parent->name);
			memcpy(d->xattr, d->parent->xattr, pl);
			memcpy(d->xattr + pl, d->parent->xattr, n + 1);
		} else {
			snprintf(d->xattr, sizeof(d->xattr), "trusted.lnfs.%s",
				 d->name);
		}
	}
	if (!cfg_xattr_name_ok(d->xattr))
		return domain_err(d, err, errlen, CFG_DK_XATTR, "xattr",
				  "\"%s\" is not an allowed label xattr name",
				  d->xattr);
	if (!(d->keys_set & CFG_DK_XATTR_FORMAT))
		d->xattr_format = ends_with(d->xattr, "security.selinux") ?
				  CFG_XATTR_RAW : CFG_XATTR_FRAMED;
	if (d->integrity != CFG_INTEGRITY_OFF &&
	    d->xattr_format == CFG_XATTR_RAW)
		return domain_err(d, err, errlen, CFG_DK_INTEGRITY, "integrity",
				  "a raw-format xattr (%s) cannot carry an "
				  "integrity tag: use xattr-format = framed "
				  "or integrity = off", d->xattr);
	if (d->label_required && d->integrity == CFG_INTEGRITY_OFF)
		return domain_err(d, err, errlen, CFG_DK_LABEL_REQUIRED, "label-required",
				  "needs integrity = log, default or deny in the same "
				  "domain (a missing label is reported as tampering)");
	return 0;
}

static int resolve_xattrs(struct cfg *cfg, char *err, size_t errlen)
{
	bool *done = calloc(cfg->ndomains + 1, sizeof(*done));
	unsigned int i, j, left = cfg->ndomains;
	int rc = 0;

	if (!done)
		return -ENOMEM;
	/* Parents first; resolve_parents() ruled out cycles. */
	while (left && !rc) {
		for (i = 0; i < cfg->ndomains && !rc; i++) {
			struct cfg_domain *d = &cfg->domains[i];
			size_t pi;

			if (done[i])
				continue;
			if (d->parent) {
				pi = (size_t)(d->parent - cfg->domains);
				if (!done[pi])
					continue;
			}
			rc = domain_xattr(d, err, errlen);
			done[i] = true;
			left--;
		}
	}
	free(done);
	if (rc)
		return rc;
	for (i = 0; i < cfg->ndomains; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(cfg->domains[i].xattr,
				    cfg->domains[j].xattr))
				return domain_err(&cfg->domains[i], err,
						  errlen, CFG_DK_XATTR,
						  "xattr",
						  "\"%s\" is already used by "
						  "another domain",
						  cfg->domains[i].xattr);
	return 0;
}

static int domain_finish(struct cfg_domain *d, char *err, size_t errlen)
{
	if (!(d->keys_set & CFG_DK_DEFAULT_LFS))
		d->default_lfs = d->lfs[0];
	else if (!u32_in(d->lfs, d->nlfs, d->default_lfs))
		return domain_err(d, err, errlen, CFG_DK_DEFAULT_LFS,
				  "default-lfs", "%u is not in the lfs list",
				  d->default_lfs);
	if (!(d->keys_set & CFG_DK_DEFAULT_PI))
		d->default_pi = d->pi[0];
	else if (!u32_in(d->pi, d->npi, d->default_pi))
		return domain_err(d, err, errlen, CFG_DK_DEFAULT_PI,
				  "default-pi", "%u is not in the pi list",
				  d->default_pi);
	if (d->default_label_len > d->max_label)
		return domain_err(d, err, errlen, CFG_DK_DEFAULT_LABEL,
				  "default-label",
				  "longer than max-label (%u bytes)",
				  d->max_label);
	if (cfg_label_format_check(d->format,
				   (const uint8_t *)d->default_label,
				   d->default_label_len))
		return domain_err(d, err, errlen, CFG_DK_DEFAULT_LABEL,
				  "default-label",
				  "\"%s\" is not a SELinux context "
				  "(user:role:type[:level])",
				  d->default_label);
	return 0;
}

/* translate-from names to domains; the table's sources and results. */
static int domain_xlate(struct cfg *cfg, struct cfg_domain *d, char *err,
			size_t errlen)
{
	const struct cfg_xlate *x = d->xlate;
	unsigned int i, j;

	for (i = 0; i < d->nxlate_from; i++) {
		d->xlate_from[i] = cfg_find_domain(cfg, d->xlate_from_name[i]);
		if (!d->xlate_from[i])
			return domain_err(d, err, errlen, CFG_DK_XLATE_FROM,
					  "translate-from",
					  "\"%s\" is not a declared domain",
					  d->xlate_from_name[i]);
	}
	if (d->nxlate_from && !d->xlate_path)
		return domain_err(d, err, errlen, CFG_DK_XLATE_FROM,
				  "translate-from",
				  "needs translate-table in domain \"%s\"",
				  d->name);
	if (d->xlate_path && !d->nxlate_from)
		return domain_err(d, err, errlen, CFG_DK_XLATE_TABLE,
				  "translate-table",
				  "needs translate-from in domain \"%s\"",
				  d->name);
	if (d->xlate_path && !x)
		return domain_err(d, err, errlen, CFG_DK_XLATE_TABLE,
				  "translate-table",
				  "\"%s\" was not loaded (cfg_read() or "
				  "cfg_load_domain_files() loads it)",
				  d->xlate_path);
	for (i = 0; x && i < x->nrules; i++) {
		const struct cfg_xlate_rule *r = &x->rules[i];
		struct cfg_where w = { x->file, r->line, err, errlen };
		bool found = !r->src[0];

		for (j = 0; j < d->nxlate_from && !found; j++)
			found = !strcmp(r->src, d->xlate_from_name[j]);
		if (!found)
			return cfg_errf(&w, -EINVAL, "rule",
					"\"%s\" is not in translate-from of "
					"domain \"%s\"", r->src, d->name);
		if (r->result != CFG_XR_LITERAL)
			continue;
		if (r->literal_len > d->max_label)
			return cfg_errf(&w, -EINVAL, "rule",
					"result is longer than max-label (%u "
					"bytes) of domain \"%s\"",
					d->max_label, d->name);
		if (cfg_label_format_check(d->format,
					   (const uint8_t *)r->literal,
					   r->literal_len))
			return cfg_errf(&w, -EINVAL, "rule",
					"result \"%s\" is not a SELinux "
					"context (domain \"%s\" has format = "
					"selinux)", r->literal, d->name);
		if (d->policy &&
		    cfg_policy_check(d->policy, (const uint8_t *)r->literal,
				     r->literal_len))
			return cfg_errf(&w, -EINVAL, "rule",
					"result \"%s\" is not a valid context "
					"in %s", r->literal, d->policy_path);
	}
	return 0;
}

static int domain_policy(struct cfg_domain *d, char *err, size_t errlen)
{
	if (!d->policy_path)
		return 0;
	if (!d->policy)
		return domain_err(d, err, errlen, CFG_DK_POLICY, "policy",
				  "\"%s\" was not loaded (cfg_read() or "
				  "cfg_load_domain_files() loads it)",
				  d->policy_path);
	if ((d->keys_set & CFG_DK_FORMAT) && d->format != CFG_LABEL_SELINUX)
		return domain_err(d, err, errlen, CFG_DK_FORMAT, "format",
				  "must be selinux with policy");
	d->format = CFG_LABEL_SELINUX;
	if (cfg_label_format_check(d->format,
				   (const uint8_t *)d->default_label,
				   d->default_label_len) == 0 &&
	    cfg_policy_check(d->policy, (const uint8_t *)d->default_label,
			     d->default_label_len))
		return domain_err(d, err, errlen, CFG_DK_DEFAULT_LABEL,
				  "default-label",
				  "\"%s\" is not a valid context in %s",
				  d->default_label, d->policy_path);
	return 0;
}

static int finish_exports(struct cfg *cfg, char *err, size_t errlen)
{
	unsigned int i, j;

	for (i = 0; i < cfg->nexports; i++) {
		struct cfg_export *e = &cfg->exports[i];
		struct cfg_where w = { e->file, e->line, err, errlen };

		for (j = 0; j < e->nclients; j++) {
			struct cfg_client *c = &e->clients[j];
			const char *name = c->domain_name[0] ?
					   c->domain_name :
					   cfg->default_domain->name;

			if (c->kind == CFG_CLIENT_HOST ||
			    c->kind == CFG_CLIENT_WILDCARD)
				cfg->has_host_rules = true;
			if (c->kind == CFG_CLIENT_PRINCIPAL ||
			    c->kind == CFG_CLIENT_PRINCIPAL_PATTERN)
				cfg->has_principal_rules = true;
			c->domain = cfg_find_domain(cfg, name);
			if (!c->domain) {
				w.line = c->line;
				return cfg_errf(&w, -EINVAL, "domain",
						"\"%s\" is not a declared "
						"domain", name);
			}
		}
		if (e->fsid_set && e->fsid)
			e->id = e->fsid;
		else
			e->id = cfg_hash32(e->path) ? cfg_hash32(e->path) : 1;
		for (j = 0; j < i; j++) {
			const struct cfg_export *o = &cfg->exports[j];

			if (!strcmp(o->path, e->path))
				return cfg_errf(&w, -EINVAL, e->path,
						"already exported at %s:%u",
						o->file, o->line);
			if (o->id == e->id)
				return cfg_errf(&w, -EINVAL, "fsid",
						"export id %u of %s collides "
						"with %s (%s:%u); set a "
						"distinct fsid=",
						e->id, e->path, o->path,
						o->file, o->line);
		}
	}
	return 0;
}

int cfg_finish(struct cfg *cfg, char *err, size_t errlen)
{
	struct cfg_domain *d;
	unsigned int i;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (cfg->sealed)
		return -EBUSY;
	if (!cfg_find_domain(cfg, CFG_DEFAULT_DOMAIN)) {
		d = cfg_domain_add(cfg, CFG_DEFAULT_DOMAIN, "built-in", 0,
				   &rc);
		if (!d)
			return rc;
		d->implicit = true;
	}
	cfg->default_domain = cfg_find_domain(cfg, cfg->default_domain_name);
	if (!cfg->default_domain) {
		struct cfg_where w = { cfg->default_domain_file ?
				       cfg->default_domain_file : "built-in",
				       cfg->default_domain_line, err, errlen };

		return cfg_errf(&w, -EINVAL, "default-domain",
				"\"%s\" is not a declared domain",
				cfg->default_domain_name);
	}
	rc = resolve_parents(cfg, err, errlen);
	if (!rc)
		rc = resolve_xattrs(cfg, err, errlen);
	for (i = 0; !rc && i < cfg->ndomains; i++)
		rc = domain_policy(&cfg->domains[i], err, errlen);
	for (i = 0; !rc && i < cfg->ndomains; i++)
		rc = domain_finish(&cfg->domains[i], err, errlen);
	for (i = 0; !rc && i < cfg->ndomains; i++)
		rc = domain_xlate(cfg, &cfg->domains[i], err, errlen);
	if (!rc)
		rc = finish_exports(cfg, err, errlen);
	if (!rc)
		cfg->sealed = true;
	return rc;
}

int cfg_check_paths(const struct cfg *cfg, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < cfg->nexports; i++) {
		const struct cfg_export *e = &cfg->exports[i];
		struct cfg_where w = { e->file, e->line, err, errlen };
		struct stat st;

		if (stat(e->path, &st))
			return cfg_errf(&w, -errno, e->path, "%s",
					strerror(errno));
		if (!S_ISDIR(st.st_mode))
			return cfg_errf(&w, -ENOTDIR, e->path,
					"not a directory");
	}
	return 0;
}

/* ---- files ---- */

int cfg_read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *b;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > CFG_MAX_FILE) {
		rc = -EFBIG;
		goto out;
	}
	b = malloc((size_t)st.st_size + 1);
	if (!b) {
		rc = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			free(b);
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
out:
	close(fd);
	return rc;
}

int cfg_read(struct cfg *cfg, const char *conf_path, char *err, size_t errlen)
{
	struct cfg_where w = { conf_path, 0, err, errlen };
	char *text;
	size_t len;
	int rc;

	if (cfg->sealed)
		return -EBUSY;
	rc = cfg_read_file(conf_path, &text, &len);
	if (rc)
		return cfg_errf(&w, rc, "read", "%s", strerror(-rc));
	free(cfg->conf_path);
	cfg->conf_path = strdup(conf_path);
	if (!cfg->conf_path) {
		free(text);
		return -ENOMEM;
	}
	rc = cfg_parse_conf_text(cfg, text, len, conf_path, err, errlen);
	free(text);
	if (!rc)
		rc = cfg_load_domain_files(cfg, err, errlen);
	if (rc)
		return rc;
	rc = cfg_read_file(cfg->exports_path, &text, &len);
	if (rc == -ENOENT && !cfg->exports_explicit)
		return 0;
	if (rc) {
		w.line = cfg->exports_line;
		return cfg_errf(&w, rc, "exports", "cannot read \"%s\": %s",
				cfg->exports_path, strerror(-rc));
	}
	rc = cfg_parse_exports_text(cfg, text, len, cfg->exports_path, err,
				    errlen);
	free(text);
	return rc;
}

int cfg_load(const char *conf_path, struct cfg **out, char *err, size_t errlen)
{
	struct cfg *cfg = cfg_new_default();
	int rc;

	if (!cfg)
		return -ENOMEM;
	rc = cfg_read(cfg, conf_path, err, errlen);
	if (!rc)
		rc = cfg_finish(cfg, err, errlen);
	if (!rc)
		rc = cfg_check_paths(cfg, err, errlen);
	if (rc) {
		cfg_put(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

/* ---- client matching ---- */

static bool peer_addr(const struct sockaddr *sa, int *family, uint8_t a[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0xff, 0xff };

	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		*family = AF_INET;
		memcpy(a, &s4->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		if (!memcmp(s6->sin6_addr.s6_addr, mapped, 12)) {
			*family = AF_INET;
			memcpy(a, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			*family = AF_INET6;
			memcpy(a, s6->sin6_addr.s6_addr, 16);
		}
		return true;
	}
	return false;
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full))
		return false;
	if (!rest)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

static unsigned int literal_chars(const char *pat)
{
	unsigned int n = 0;

	for (; *pat; pat++)
		if (*pat != '*' && *pat != '?')
			n++;
	return n;
}

/* Higher is more specific; 0 means no match.  Principal rules rank above
 * every address rule: they name an authenticated caller, an address only
 * where a call came from. */
static unsigned int client_rank(const struct cfg_client *c, bool have_addr,
				int family, const uint8_t *addr,
				const char *host, const char *principal)
{
	switch (c->kind) {
	case CFG_CLIENT_PRINCIPAL:
		return principal && !strcmp(c->host, principal) ? 6000 : 0;
	case CFG_CLIENT_PRINCIPAL_PATTERN:
		if (principal && !fnmatch(c->host, principal, FNM_PATHNAME)) {
			unsigned int n = literal_chars(c->host);

			return 4000 + (n > 1000 ? 1000 : n);
		}
		return 0;
	case CFG_CLIENT_ANY:
		return 1;
	case CFG_CLIENT_ADDR:
		if (have_addr && c->family == family &&
		    !memcmp(c->addr, addr, family == AF_INET ? 4 : 16))
			return 3000;
		return 0;
	case CFG_CLIENT_CIDR:
		if (have_addr && c->family == family &&
		    prefix_eq(c->addr, addr, c->prefix))
			return 1000 + c->prefix;
		return 0;
	case CFG_CLIENT_HOST:
		return host && !strcmp(c->host, host) ? 900 : 0;
	case CFG_CLIENT_WILDCARD:
		if (host && !fnmatch(c->host, host, 0)) {
			unsigned int n = literal_chars(c->host);

			return 100 + (n > 700 ? 700 : n);
		}
		return 0;
	}
	return 0;
}

/* Lower-cased hostname without a trailing dot into host (size 256), or
 * NULL when there is none or it does not fit. */
static const char *norm_host(const char *hostname, char *host)
{
	size_t n, i;

	if (!hostname)
		return NULL;
	n = strlen(hostname);
	if (n && hostname[n - 1] == '.')
		n--;
	if (!n || n >= 256)
		return NULL;
	for (i = 0; i < n; i++)
		host[i] = (char)((hostname[i] >= 'A' && hostname[i] <= 'Z') ?
				 hostname[i] - 'A' + 'a' : hostname[i]);
	host[n] = '\0';
	return host;
}

static const struct cfg_client *best_rule(const struct cfg_export *exp,
					  const struct cfg_caller *who,
					  unsigned int *rank)
{
	const struct cfg_client *best = NULL;
	unsigned int best_rank = 0, i;
	uint8_t addr[16];
	char host[256];
	int family = 0;
	bool have_addr = who->peer && peer_addr(who->peer, &family, addr);
	const char *h = norm_host(who->hostname, host);

	for (i = 0; i < exp->nclients; i++) {
		unsigned int r = client_rank(&exp->clients[i], have_addr,
					     family, addr, h, who->principal);

		if (r > best_rank) {
			best_rank = r;
			best = &exp->clients[i];
		}
	}
	*rank = best_rank;
	return best;
}

const struct cfg_client *cfg_match_caller(const struct cfg_export *exp,
					  const struct cfg_caller *who)
{
	unsigned int rank;

	return best_rule(exp, who, &rank);
}

const struct cfg_client *cfg_match_client(const struct cfg_export *exp,
					  const struct sockaddr *peer,
					  const char *hostname)
{
	struct cfg_caller who = { peer, hostname, NULL };

	return cfg_match_caller(exp, &who);
}

const struct cfg_client *cfg_match_principal(const struct cfg *cfg,
					     const char *principal)
{
	const struct cfg_client *best = NULL;
	unsigned int best_rank = 0, i, j;

	if (!principal || !cfg->has_principal_rules)
		return NULL;
	for (i = 0; i < cfg->nexports; i++) {
		const struct cfg_export *e = &cfg->exports[i];

		for (j = 0; j < e->nclients; j++) {
			const struct cfg_client *c = &e->clients[j];
			unsigned int r;

			if (c->kind != CFG_CLIENT_PRINCIPAL &&
			    c->kind != CFG_CLIENT_PRINCIPAL_PATTERN)
				continue;
			r = client_rank(c, false, 0, NULL, NULL, principal);
			if (r > best_rank) {
				best_rank = r;
				best = c;
			}
		}
	}
	return best;
}

/* ---- holder ---- */

struct cfg_holder {
	pthread_mutex_t lock;
	struct cfg *cur;
};

struct cfg_holder *cfg_holder_new(struct cfg *cfg)
{
	struct cfg_holder *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	if (pthread_mutex_init(&h->lock, NULL)) {
		free(h);
		return NULL;
	}
	h->cur = cfg;
	return h;
}

void cfg_holder_free(struct cfg_holder *h)
{
	if (!h)
		return;
	cfg_put(h->cur);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

struct cfg *cfg_holder_acquire(struct cfg_holder *h)
{
	struct cfg *c;

	pthread_mutex_lock(&h->lock);
	c = cfg_get(h->cur);
	pthread_mutex_unlock(&h->lock);
	return c;
}

void cfg_holder_swap(struct cfg_holder *h, struct cfg *cfg)
{
	struct cfg *old;

	pthread_mutex_lock(&h->lock);
	old = h->cur;
	h->cur = cfg;
	pthread_mutex_unlock(&h->lock);
	cfg_put(old);
}
