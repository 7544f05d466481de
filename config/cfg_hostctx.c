/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_hostctx.c - the host_context= export option: checking a context when
 * the exports file is read, and telling whether the option can work on this
 * host.  The only place in config/ that asks the host's SELinux (libselinux)
 * anything; label domains never do (cfg_policy.c reads their own policies).
 */
#include "config.h"

#include "config/cfg_int.h"

#include <errno.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <string.h>

int cfg_host_context_check(const char *ctx, char *why, size_t whylen)
{
	size_t n = strlen(ctx);

	if (!n || n > CFG_HOST_CONTEXT_MAX) {
		snprintf(why, whylen, "a context of 1 to %u characters is "
			 "needed (user:role:type[:level])",
			 CFG_HOST_CONTEXT_MAX);
		return -EINVAL;
	}
	if (cfg_label_format_check(CFG_LABEL_SELINUX, (const uint8_t *)ctx,
				   n) || ctx[n - 1] == '\0') {
		snprintf(why, whylen, "\"%s\" is not an SELinux context "
			 "user:role:type[:level] (printable, no blanks)", ctx);
		return -EINVAL;
	}
	/* security_check_context() asks the kernel (selinuxfs); without
	 * SELinux there is no policy to ask and only the syntax counts. */
	if (is_selinux_enabled() > 0 &&
	    security_check_context_raw(ctx) < 0) {
		snprintf(why, whylen, "\"%s\" is not a valid context in the "
			 "host's loaded SELinux policy (is its type "
			 "defined? the lnfsd policy module defines "
			 "lnfsd_export_t: semodule -i lnfsd.pp)", ctx);
		return -EINVAL;
	}
	return 0;
}

bool cfg_host_context_inert(const struct cfg *cfg, char *msg, size_t msglen)
{
	unsigned int i;

	if (is_selinux_enabled() > 0)
		return false;
	for (i = 0; i < cfg->nexports; i++) {
		const struct cfg_export *e = &cfg->exports[i];

		if (!e->host_context[0])
			continue;
		snprintf(msg, msglen, "%s:%u: host_context: SELinux is "
			 "disabled on this host, so objects created in %s "
			 "do not get %s (the option takes effect once SELinux "
			 "is enabled; relabel what was created meanwhile)",
			 e->file, e->host_context_line, e->path,
			 e->host_context);
		return true;
	}
	return false;
}
