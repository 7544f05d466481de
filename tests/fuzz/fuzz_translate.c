/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_translate.c - libFuzzer target for translate-table files and rule
 * matching.  The input is split at its first NUL byte: the part before is
 * a table for domain "gamma" (translating from "alpha" and "beta", the
 * first with format = selinux), the part after a label that is then
 * translated from both sources.  Without a NUL the whole input is the table
 * and a few fixed labels are translated.  No files are read.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lfs/lfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
	"[domain \"alpha\"]\nxattr = user.a\n"
	"[domain \"beta\"]\nxattr = user.b\n"
	"[domain \"gamma\"]\nxattr = user.g\nformat = selinux\n"
	"translate-from = alpha beta\ntranslate-table = g.tbl\n";

static const char *const fixed[] = {
	"system_u:object_r:httpd_sys_content_t:s0",
	"staff_u:staff_r:user_home_t:s0-s0:c0.c1023",
	"u:r:t",
	"plain words",
};

static void map(const struct cfg *cfg, const uint8_t *label, size_t len)
{
	const struct cfg_domain *g = cfg_find_domain(cfg, "gamma");
	struct lfs_label in, out;

	if (len > NFS4_MAXLABELLEN)
		len = NFS4_MAXLABELLEN;
	in.lfs = 0;
	in.pi = 0;
	in.len = (uint32_t)len;
	memcpy(in.data, label, len);
	lfs_translate(g, cfg_find_domain(cfg, "alpha"), &in, &out, NULL);
	lfs_translate(g, cfg_find_domain(cfg, "beta"), &in, &out, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t tlen = nul ? (size_t)(nul - text) : size;
	struct cfg *cfg = cfg_new_default();
	char err[256];
	size_t i;

	if (!cfg)
		return 0;
	if (cfg_parse_conf_text(cfg, conf, sizeof(conf) - 1, "f.conf", err,
				sizeof(err)) ||
	    cfg_parse_translate_text(cfg, "gamma", text, tlen, "g.tbl", err,
				     sizeof(err)) ||
	    cfg_finish(cfg, err, sizeof(err))) {
		cfg_put(cfg);
		return 0;
	}
	if (nul) {
		map(cfg, (const uint8_t *)nul + 1, size - tlen - 1);
	} else {
		for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
			map(cfg, (const uint8_t *)fixed[i], strlen(fixed[i]));
	}
	cfg_put(cfg);
	return 0;
}
