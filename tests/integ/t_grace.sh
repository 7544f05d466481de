#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_grace.sh - `make check` entry for tests/integ/t_grace: reclaim after a
# server restart.  The test starts, kills and restarts server/lnfsd itself
# (127.0.0.1, by pid), so it gets a fresh directory with a configuration
# (its own state-dir, short lease, long grace), an export and the log.
# Needs root: file handles must survive the restart (open_by_handle_at).
set -u
B=$(pwd)
LNFSD=${LNFSD:-$B/server/lnfsd}
[ -x "$LNFSD" ] || { echo "SKIP: $LNFSD not built"; exit 77; }
[ -z "${NFS4_TEST_SERVER:-}" ] || { echo "SKIP: t_grace restarts its own server"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: handles across restarts need root"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-grace.XXXXXX") || exit 99
trap 'rm -rf "$W"' EXIT
mkdir "$W/export" "$W/state" || exit 99
# grace-time far longer than the test: it must end early, by RECLAIM_COMPLETE
printf '[lnfsd]\nstate-dir = %s\nlease-time = 20\ngrace-time = 120\n' "$W/state" > "$W/conf"
LNFSD=$LNFSD LNFS_GRACE_DIR=$W "$B/tests/integ/t_grace"
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
	echo "t_grace.sh: t_grace exited $rc; lnfsd log (last 40 lines):" >&2
	tail -n 40 "$W/lnfsd.log" >&2
fi
exit $rc
