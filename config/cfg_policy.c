/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_policy.c - a domain's "policy = FILE": a binary SELinux policy read
 * with libsepol, against which labels of that domain are checked as
 * contexts.  Only the named file is used; the host's loaded policy
 * (/sys/fs/selinux) is never consulted.  The policydb is read once and then
 * only read; each check creates its own libsepol handle, so checks from
 * several worker threads share no mutable state.  libsepol's messages are
 * silenced: a failed check is an answer, not an event.
 */
#include "config.h"

#include "config/cfg_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sepol/context.h>
#include <sepol/context_record.h>
#include <sepol/debug.h>
#include <sepol/handle.h>
#include <sepol/policydb.h>

struct cfg_policy {
	sepol_policydb_t *db;
};

static void quiet(void *arg, sepol_handle_t *h, const char *fmt, ...)
{
}

static sepol_handle_t *quiet_handle(void)
{
	sepol_handle_t *h = sepol_handle_create();

	if (h)
		sepol_msg_set_callback(h, quiet, NULL);
	return h;
}

void cfg_policy_free(struct cfg_policy *p)
{
	if (!p)
		return;
	if (p->db)
		sepol_policydb_free(p->db);
	free(p);
}

int cfg_load_policy(struct cfg *cfg, const char *domain, const char *path,
		    char *err, size_t errlen)
{
	struct cfg_where w = { "built-in", 0, err, errlen };
	struct cfg_domain *d = NULL;
	sepol_policy_file_t *pf = NULL;
	sepol_handle_t *h = NULL;
	struct cfg_policy *p;
	unsigned int i;
	FILE *f;
	int rc = 0;

	if (cfg->sealed)
		return -EBUSY;
	for (i = 0; i < cfg->ndomains; i++)
		if (!strcmp(cfg->domains[i].name, domain))
			d = &cfg->domains[i];
	if (!d)
		return cfg_errf(&w, -ENOENT, "domain",
				"\"%s\" is not a declared domain", domain);
	if (d->file)
		w.file = d->file;
	w.line = d->key_line[__builtin_ctz(CFG_DK_POLICY)];
	f = fopen(path, "rbe");
	if (!f)
		return cfg_errf(&w, -errno, "policy", "cannot open \"%s\": %s",
				path, strerror(errno));
	p = calloc(1, sizeof(*p));
	h = quiet_handle();
	if (!p || !h || sepol_policy_file_create(&pf) ||
	    sepol_policydb_create(&p->db)) {
		rc = cfg_errf(&w, -ENOMEM, "policy", "out of memory");
		goto out;
	}
	sepol_policy_file_set_fp(pf, f);
	sepol_policy_file_set_handle(pf, h);
	if (sepol_policydb_read(p->db, pf)) {
		rc = cfg_errf(&w, -EINVAL, "policy",
			      "\"%s\" is not a binary SELinux policy that "
			      "libsepol can read", path);
		goto out;
	}
	if (d->policy_path != path) {
		char *copy = strdup(path);

		if (!copy) {
			rc = -ENOMEM;
			goto out;
		}
		free(d->policy_path);
		d->policy_path = copy;
	}
	cfg_policy_free(d->policy);
	d->policy = p;
	p = NULL;
out:
	if (pf)
		sepol_policy_file_free(pf);
	if (h)
		sepol_handle_destroy(h);
	cfg_policy_free(p);
	fclose(f);
	return rc;
}

int cfg_policy_check(const struct cfg_policy *p, const uint8_t *label,
		     size_t len)
{
	char buf[CFG_LABEL_MAX + 1];
	sepol_context_t *ctx = NULL;
	sepol_handle_t *h;
	int rc = -EINVAL;

	if (len && label[len - 1] == '\0')
		len--;
	if (!len || len > CFG_LABEL_MAX || memchr(label, '\0', len))
		return -EINVAL;
	memcpy(buf, label, len);
	buf[len] = '\0';
	h = quiet_handle();
	if (!h)
		return -ENOMEM;
	if (sepol_context_from_string(h, buf, &ctx) == 0 &&
	    sepol_context_check(h, p->db, ctx) == 0)
		rc = 0;
	if (ctx)
		sepol_context_free(ctx);
	sepol_handle_destroy(h);
	return rc;
}
