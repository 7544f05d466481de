/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.c - the capability probe of caps.h: one capget() of the calling
 * thread's effective set (version 3, two 32-bit words), so no libcap.
 */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "server/caps.h"

static bool has(const struct __user_cap_data_struct d[2], unsigned cap)
{
	return (d[cap / 32].effective >> (cap % 32)) & 1u;
}

int caps_probe(struct caps *out)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];

	memset(out, 0, sizeof(*out));
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	out->setid = has(d, CAP_SETUID) && has(d, CAP_SETGID);
	out->dac_read_search = has(d, CAP_DAC_READ_SEARCH);
	out->sys_admin = has(d, CAP_SYS_ADMIN);
	out->dac_override = has(d, CAP_DAC_OVERRIDE);
	return 0;
}
