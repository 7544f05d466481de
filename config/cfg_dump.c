/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_dump.c - prints a finished cfg as a main file and an exports file in
 * the syntax the parsers read (for "lnfsd --check-config"), every setting
 * explicit and resolved, so that parsing the output gives the same
 * configuration.  Output only; never fails beyond the FILE's own errors.
 */
#include "config.h"

#include "config/cfg_int.h"

#include <arpa/inet.h>
#include <string.h>

static void dump_listen(const struct cfg_listen *l, FILE *f)
{
	char buf[INET6_ADDRSTRLEN];

	if (l->addr.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&l->addr;

		inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof(buf));
		fprintf(f, "listen = %s:%u\n", buf, ntohs(s4->sin_port));
	} else {
		const struct sockaddr_in6 *s6 = (const void *)&l->addr;

		inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf));
		fprintf(f, "listen = [%s]:%u\n", buf, ntohs(s6->sin6_port));
	}
}

static void dump_u32s(FILE *f, const char *key, const uint32_t *v,
		      unsigned int n)
{
	unsigned int i;

	fprintf(f, "%s =", key);
	for (i = 0; i < n; i++)
		fprintf(f, " %u", v[i]);
	fputc('\n', f);
}

static void dump_domain(const struct cfg_domain *d, FILE *f)
{
	fprintf(f, "\n[domain \"%s\"]\n", d->name);
	if (d->implicit)
		fprintf(f, "# implicit: not declared in the file\n");
	dump_u32s(f, "lfs", d->lfs, d->nlfs);
	dump_u32s(f, "pi", d->pi, d->npi);
	if (d->parent_name[0])
		fprintf(f, "parent = %s\n", d->parent_name);
	fprintf(f, "xattr = %s\n", d->xattr);
	fprintf(f, "xattr-format = %s\n",
		d->xattr_format == CFG_XATTR_RAW ? "raw" : "framed");
	fprintf(f, "format = %s\n",
		d->format == CFG_LABEL_SELINUX ? "selinux" : "opaque");
	fprintf(f, "default-label = \"%s\"\n", d->default_label);
	fprintf(f, "default-lfs = %u\n", d->default_lfs);
	fprintf(f, "default-pi = %u\n", d->default_pi);
	fprintf(f, "max-label = %u\n", d->max_label);
	fprintf(f, "read-only = %s\n", d->read_only ? "yes" : "no");
	if (d->policy_path)
		fprintf(f, "policy = \"%s\"\n", d->policy_path);
	if (d->nxlate_from) {
		unsigned int i;

		fprintf(f, "translate-from =");
		for (i = 0; i < d->nxlate_from; i++)
			fprintf(f, " %s", d->xlate_from_name[i]);
		fputc('\n', f);
	}
	if (d->xlate_path)
		fprintf(f, "translate-table = \"%s\"\n", d->xlate_path);
	if (d->nxlate_from)
		fprintf(f, "translate-unmapped = %s\n",
			d->xlate_unmapped == CFG_XLATE_DENY ? "deny" :
							      "default");
	if (d->integrity != CFG_INTEGRITY_OFF)
		fprintf(f, "integrity = %s\n",
			d->integrity == CFG_INTEGRITY_LOG ? "log" :
			d->integrity == CFG_INTEGRITY_DENY ? "deny" : "default");
	if (d->label_required)
		fprintf(f, "label-required = yes\n");
}

void cfg_dump_conf(const struct cfg *cfg, FILE *f)
{
	unsigned int i;

	fprintf(f, "# lnfsd effective configuration%s%s\n",
		cfg->conf_path ? " from " : "",
		cfg->conf_path ? cfg->conf_path : "");
	fprintf(f, "[lnfsd]\n");
	if (!cfg->nlisten)
		fprintf(f, "# listen: none given, the server uses %s\n",
			CFG_DEFAULT_LISTEN);
	for (i = 0; i < cfg->nlisten; i++)
		dump_listen(&cfg->listen[i], f);
	fprintf(f, "threads = %u\n", cfg->threads);
	fprintf(f, "lease-time = %u\n", cfg->lease_time);
	fprintf(f, "grace-time = %u\n", cfg->grace_time);
	fprintf(f, "max-record = %u\n", cfg->max_record);
	fprintf(f, "max-clients = %u\n", cfg->max_clients);
	fprintf(f, "max-connections = %u\n", cfg->max_conns);
	fprintf(f, "max-requests = %u\n", cfg->max_requests);
	fprintf(f, "state-dir = %s\n", cfg->state_dir);
	fprintf(f, "control-socket = %s\n", cfg->control_socket ? cfg->control_socket : "none");
	if (cfg->metrics_set) {
		fprintf(f, "metrics-");
		dump_listen(&cfg->metrics_listen, f);
	}
	fprintf(f, "exports = %s\n", cfg->exports_path);
	fprintf(f, "default-domain = %s\n", cfg->default_domain_name);
	if (cfg->keytab)
		fprintf(f, "keytab = %s\n", cfg->keytab);
	for (i = 0; i < cfg->ndomains; i++)
		dump_domain(&cfg->domains[i], f);
}

static void dump_path(const char *p, FILE *f)
{
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '#' ||
		    c == '\\')
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
}

static void dump_client(const struct cfg_export *e,
			const struct cfg_client *c, bool first, FILE *f)
{
	static const char *const squash[] = {
		[CFG_SQUASH_ROOT] = "root_squash",
		[CFG_SQUASH_NONE] = "no_root_squash",
		[CFG_SQUASH_ALL] = "all_squash",
	};
	unsigned int i;

	fprintf(f, "%s(%s,%s,%s,anonuid=%u,anongid=%u,sec=", c->spec,
		c->rw ? "rw" : "ro", c->sync ? "sync" : "async",
		squash[c->squash], c->anonuid, c->anongid);
	for (i = 0; i < c->nsec; i++)
		fprintf(f, "%s%s", i ? ":" : "", cfg_sec_name(c->sec[i]));
	fprintf(f, ",%s,%s", c->secure ? "secure" : "insecure",
		c->labels ? "security_label" : "no_security_label");
	if (c->domain)
		fprintf(f, ",domain=%s", c->domain->name);
	else if (c->domain_name[0])
		fprintf(f, ",domain=%s", c->domain_name);
	if (c->crossmnt)
		fprintf(f, ",crossmnt");
	if (c->nohide)
		fprintf(f, ",nohide");
	if (first && e->fsid_root)
		fprintf(f, ",fsid=root");
	else if (first && e->fsid_set)
		fprintf(f, ",fsid=%u", e->fsid);
	if (first && e->host_context[0])
		fprintf(f, ",host_context=%s", e->host_context);
	if (first && e->subtree_check)
		fprintf(f, ",subtree_check");
	fputc(')', f);
}

void cfg_dump_exports(const struct cfg *cfg, FILE *f)
{
	unsigned int i, j;

	for (i = 0; i < cfg->nexports; i++) {
		const struct cfg_export *e = &cfg->exports[i];

		fprintf(f, "# id %u, from %s:%u\n", e->id, e->file, e->line);
		dump_path(e->path, f);
		for (j = 0; j < e->nclients; j++) {
			fputs(" \\\n\t", f);
			dump_client(e, &e->clients[j], j == 0, f);
		}
		fputc('\n', f);
	}
}

void cfg_dump(const struct cfg *cfg, FILE *f)
{
	cfg_dump_conf(cfg, f);
	fprintf(f, "\n# ---- exports (%s) ----\n", cfg->exports_path);
	cfg_dump_exports(cfg, f);
}
