#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_selinux_module.sh - the host SELinux policy module (selinux/lnfsd.te,
# .fc, .if) builds with Debian's selinux-policy-dev (`make
# selinux-module`), and the package holds the file contexts lnfsd's
# programs and directories need.  What the module allows and denies is
# tested where SELinux enforces: phase 11 of tests/vm/run.sh.  Skipped
# (77) without selinux-policy-dev.
set -u
B=$(pwd)
[ -f /usr/share/selinux/devel/Makefile ] ||
	{ echo "SKIP: selinux-policy-dev is not installed (scripts/deps.sh test)"; exit 77; }
command -v semodule_unpackage >/dev/null ||
	{ echo "SKIP: semodule_unpackage (semodule-utils) is not installed"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-semod.XXXXXX") || exit 99
trap 'rm -rf "$W"' EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

if make -s selinux-module > "$W/build.log" 2>&1 && [ -s "$B/selinux/lnfsd.pp" ]; then
	ok "make selinux-module builds selinux/lnfsd.pp"
else
	ko "make selinux-module: $(tail -n 20 "$W/build.log")"
	echo "t_selinux_module: $pass passed, $fail failed"; exit 1
fi
if semodule_unpackage "$B/selinux/lnfsd.pp" "$W/lnfsd.mod" "$W/lnfsd.fc"; then
	ok "the package unpacks into a module and file contexts"
else
	ko "semodule_unpackage"
fi
for want in '^/usr/sbin/lnfsd[[:space:]].*lnfsd_exec_t' '^/etc/lnfsd(/\.\*)?[[:space:]].*lnfsd_conf_t' \
	'^/var/lib/lnfsd(/\.\*)?[[:space:]].*lnfsd_var_lib_t' '^/run/lnfsd(/\.\*)?[[:space:]].*lnfsd_runtime_t' \
	'^/srv/lnfsd(/\.\*)?[[:space:]].*lnfsd_export_t'; do
	grep -q "$want" "$W/lnfsd.fc" && ok "file context $want" || ko "no file context $want"
done
# the module's own symbols (the binary module keeps type names as text)
for t in lnfsd_t lnfsd_exec_t lnfsd_export_t lnfsd_conf_t lnfsd_var_lib_t lnfsd_runtime_t; do
	grep -aq "$t" "$W/lnfsd.mod" && ok "the module declares $t" || ko "$t missing from the module"
done
echo "t_selinux_module: $pass passed, $fail failed"
[ "$fail" = 0 ]
