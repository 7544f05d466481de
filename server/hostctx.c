/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostctx.c - host_context= at creation (see hostctx.h).  The fscreate
 * attribute (/proc/thread-self/attr/fscreate) belongs to the calling
 * thread, so workers creating in different exports at once do not see
 * each other's context.
 */
#include "config.h"

#include <errno.h>
#include <selinux/selinux.h>
#include <string.h>

#include "config/cfg.h"
#include "server/compound.h"
#include "server/export.h"
#include "server/hostctx.h"
#include "server/log.h"
#include "server/srv.h"

nfsstat4 hostctx_begin(const struct compound *c, const struct export *x, bool *set)
{
	const char *ctx = x && x->cfg ? x->cfg->host_context : "";

	*set = false;
	if (!ctx[0] || is_selinux_enabled() <= 0)
		return NFS4_OK;
	if (setfscreatecon_raw(ctx) < 0) {
		log_limited(&c->srv->log_limits[LOG_KIND_LABEL], LOG_ERR,
			    "export %s: cannot create objects with host_context %s: %s "
			    "(is the context still valid in the loaded policy?)",
			    x->path, ctx, strerror(errno));
		return NFS4ERR_SERVERFAULT;
	}
	*set = true;
	return NFS4_OK;
}

void hostctx_end(const struct compound *c, bool set)
{
	int saved = errno;

	if (set && setfscreatecon_raw(NULL) < 0)
		log_limited(&c->srv->log_limits[LOG_KIND_LABEL], LOG_ERR,
			    "cannot restore the default file creation context: %s",
			    strerror(errno));
	errno = saved;
}
