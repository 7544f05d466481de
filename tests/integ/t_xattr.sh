#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_xattr.sh - `make check` entry: runs tests/integ/t_xattr through run.sh
# with a configuration whose label domains keep their labels under user.*
# ("default" in user.virtiofs.security.selinux, "test-domain" in
# user.lnfs.test-domain), so the test can check that the RFC 8276 xattr
# operations never reach them, plus a second, read-only export.  Run from
# the top build directory (automake does; srcdir is exported).
set -u

W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-xattr.XXXXXX") || exit 99
trap 'rm -rf "$W"' EXIT
mkdir "$W/ro" "$W/state" || exit 99
: > "$W/ro/f" || exit 99
cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $W/state
exports = $W/exports

[domain "default"]
xattr = user.virtiofs.security.selinux

[domain "test-domain"]
xattr = user.lnfs.test-domain
CONF
printf '%s 127.0.0.1(ro,no_root_squash)\n' "$W/ro" > "$W/exports"

LNFSD_ARGS="-c $W/lnfsd.conf ${LNFSD_ARGS:-}" LNFS_XATTR_LABELS=1 LNFS_XATTR_RO_EXPORT="$W/ro" \
	"${srcdir:-.}/tests/integ/run.sh" "$(pwd)/tests/integ/t_xattr" "$@"
