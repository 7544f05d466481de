#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_v42.sh - `make check` entry: runs tests/integ/t_v42 (NFSv4.2 data ops)
# through run.sh, on the build host's temporary filesystem (ext4 in CI),
# with a second, read-only export holding a small file for the ROFS cases.
# Run from the top build directory (automake does; srcdir is exported).
set -u
ro=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-v42-ro.XXXXXX") || exit 99
trap 'rm -rf "$ro"' EXIT
mkdir "$ro/exp" || exit 99
printf hello > "$ro/exp/ro"
printf '%s 127.0.0.1(ro,insecure)\n' "$ro/exp" > "$ro/exports"
printf '[lnfsd]\nexports = %s\nstate-dir = %s\n' "$ro/exports" "$ro/state" > "$ro/conf"
LNFSD_ARGS="${LNFSD_ARGS:-} -c $ro/conf" LNFS_V42_RO="$ro/exp" \
	"${srcdir:-.}/tests/integ/run.sh" "$(pwd)/tests/integ/t_v42" "$@"
