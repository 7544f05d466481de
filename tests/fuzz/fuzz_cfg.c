/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_cfg.c - libFuzzer target for the config parsers.  The input is split
 * at its first NUL byte: the part before is main-file text, the part after
 * exports text; both go into one cfg, which is finished and dumped.  Without
 * a NUL byte the whole input is tried as each format on its own.  No files
 * are read (cfg_check_paths() is not called).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const char *conf, size_t clen, const char *exp, size_t elen)
{
	struct cfg *cfg = cfg_new_default();
	char err[256];
	int rc = 0;

	if (!cfg)
		return;
	if (conf)
		rc = cfg_parse_conf_text(cfg, conf, clen, "fuzz.conf", err,
					 sizeof(err));
	if (!rc && exp)
		rc = cfg_parse_exports_text(cfg, exp, elen, "fuzz.exports",
					    err, sizeof(err));
	if (!rc)
		rc = cfg_finish(cfg, err, sizeof(err));
	if (!rc) {
		FILE *f = fopen("/dev/null", "w");

		if (f) {
			cfg_dump(cfg, f);
			fclose(f);
		}
		if (cfg->nexports) {
			struct cfg_caller who = { NULL, "h.example", "alice@EXAMPLE.ORG" };

			cfg_match_client(&cfg->exports[0], NULL, "h.example");
			cfg_match_caller(&cfg->exports[0], &who);
			cfg_match_principal(cfg, "nfs/h.example@EXAMPLE.ORG");
		}
	}
	cfg_put(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);

	if (nul) {
		size_t clen = (size_t)(nul - text);

		run(text, clen, nul + 1, size - clen - 1);
	} else {
		run(text, size, NULL, 0);
		run(NULL, 0, text, size);
	}
	return 0;
}
