/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.c - the capability probe of caps.h: one capget() of the calling
 * thread's effective set (version 3, two 32-bit words), and the drop to
 * the kept set with the raw capset()/prctl() calls: no libcap, as the
 * probe needs none and the drop is a handful of system calls.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
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

uint64_t caps_keep_mask(bool sys_admin)
{
	static const unsigned keep[] = { CAP_DAC_READ_SEARCH, CAP_SETUID,
					 CAP_SETGID, CAP_CHOWN, CAP_FOWNER, CAP_FSETID,
					 CAP_DAC_OVERRIDE, CAP_MKNOD };
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		m |= UINT64_C(1) << keep[i];
	if (sys_admin)
		m |= UINT64_C(1) << CAP_SYS_ADMIN;
	return m;
}

int caps_drop(bool sys_admin, uint64_t *kept)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];
	uint64_t keep = caps_keep_mask(sys_admin), eff, prm, inh;
	bool dropped = false;
	unsigned cap;
	int r;

	*kept = 0;
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	eff = d[0].effective | (uint64_t)d[1].effective << 32;
	prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* the bounding set: only with CAP_SETPCAP (an unprivileged lnfsd
	 * cannot change it, and gains nothing through it without exec) */
	if (has(d, CAP_SETPCAP)) {
		for (cap = 0; cap < 64; cap++) {
			if (keep & (UINT64_C(1) << cap))
				continue;
			r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
			if (r < 0)
				break; /* past the kernel's last capability */
			if (r == 0)
				continue;
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
				return -errno;
			dropped = true;
		}
	}
	/* no ambient capabilities (EINVAL: a kernel without them) */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	if ((prm & ~keep) || (eff & ~keep) || inh) {
		eff &= keep;
		prm &= keep;
		d[0].effective = (uint32_t)eff;
		d[1].effective = (uint32_t)(eff >> 32);
		d[0].permitted = (uint32_t)prm;
		d[1].permitted = (uint32_t)(prm >> 32);
		d[0].inheritable = d[1].inheritable = 0;
		if (syscall(SYS_capset, &h, d) < 0)
			return -errno;
		dropped = true;
	}
	/* read back: what the kernel holds now */
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	*kept = d[0].permitted | (uint64_t)d[1].permitted << 32;
	if (*kept & ~keep)
		return -EPERM;
	return dropped ? 0 : 1;
}

void caps_names(uint64_t mask, char *buf, size_t len)
{
	static const char *const names[] = {
		[CAP_CHOWN] = "cap_chown",
		[CAP_DAC_OVERRIDE] = "cap_dac_override",
		[CAP_DAC_READ_SEARCH] = "cap_dac_read_search",
		[CAP_FOWNER] = "cap_fowner",
		[CAP_FSETID] = "cap_fsetid",
		[CAP_SETGID] = "cap_setgid",
		[CAP_SETUID] = "cap_setuid",
		[CAP_MKNOD] = "cap_mknod",
		[CAP_SYS_ADMIN] = "cap_sys_admin",
	};
	size_t n = 0;
	unsigned cap;
	int w;

	if (len == 0)
		return;
	buf[0] = 0;
	for (cap = 0; cap < 64 && n < len; cap++) {
		if (!(mask & (UINT64_C(1) << cap)))
			continue;
		if (cap < sizeof(names) / sizeof(names[0]) && names[cap])
			w = snprintf(buf + n, len - n, "%s%s", n ? "," : "", names[cap]);
		else
			w = snprintf(buf + n, len - n, "%scap_%u", n ? "," : "", cap);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	if (n == 0)
		snprintf(buf, len, "none");
}
