#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# crash.sh - crash consistency loop: tests/crash/lnfs_crash runs a mixed
# labelled workload from two clients against lnfsd, kills the server with
# SIGKILL at a random point (mostly with a call in flight), restarts it on
# the same state directory, lets the clients reclaim and checks everything
# against the clients' record (see lnfs_crash.c).  The server listens on
# 127.0.0.1 and 127.0.0.2 only (two label domains on one export: "default"
# in trusted.lnfs.default, "fb" in user.lnfs.fb with the fallback store);
# lnfs_crash starts and kills it by pid.  Needs root.  Run from the build
# directory.
#
# usage: crash.sh [--quick | --iterations N | --minutes N] [--seed S]
#   --quick        8 kills (make check, well under a minute)
#   --iterations N N kills (default 200)
#   --minutes N    as many kills as fit in N minutes
set -u
# free_port only (nothing runs when it is sourced)
. "$(dirname "$0")/../integ/lib.sh"
B=$(pwd)
LNFSD=${LNFSD:-$B/server/lnfsd}
DRV=$B/tests/crash/lnfs_crash
iterations=200
minutes=0
seed=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) iterations=8 ;;
	--iterations) iterations=${2:?--iterations needs a number}; shift ;;
	--minutes) minutes=${2:?--minutes needs a number}; iterations=1000000000; shift ;;
	--seed) seed=${2:?--seed needs a number}; shift ;;
	*) echo "usage: crash.sh [--quick | --iterations N | --minutes N] [--seed S]" >&2; exit 2 ;;
	esac
	shift
done
for f in "$LNFSD" "$DRV"; do
	[ -x "$f" ] || { echo "SKIP: $f not built"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (file handles, trusted.* labels)"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-crash.XXXXXX") || exit 99
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$W/exp" "$W/state" || exit 99
if ! setfattr -n user.lnfs-probe -v 1 "$W/exp" 2>/dev/null; then
	echo "SKIP: no user.* xattrs in $W"
	exit 77
fi
setfattr -x user.lnfs-probe "$W/exp"
# grace-time is long on purpose: the grace period must end because both
# clients reclaimed, not because it ran out.
cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $W/state
exports = $W/exports
threads = 4
grace-time = 120
control-socket = none

[domain "fb"]
xattr = user.lnfs.fb
CONF
printf '%s 127.0.0.1(rw,no_root_squash) 127.0.0.2(rw,no_root_squash,domain=fb)\n' \
	"$W/exp" > "$W/exports"

port=$(free_port 127.0.0.1 127.0.0.2) || { echo "no free port"; exit 99; }

# shellcheck disable=SC2086
"$DRV" "$LNFSD" "$W/lnfsd.conf" "$W/exp" "$W/state" "$port" "$W/log" "$iterations" \
	$((minutes * 60)) $seed
rc=$?
if [ $rc != 0 ]; then
	echo "crash.sh: lnfs_crash exited $rc; server log (last 30 lines):"
	tail -n 30 "$W/log"
fi
n=$(grep -c -i 'asan\|runtime error\|sanitizer' "$W/log")
if [ "$n" != 0 ]; then
	echo "FAIL: sanitizer reports in the server log:"
	grep -i -A5 'asan\|runtime error\|sanitizer' "$W/log" | head -n 40
	rc=1
fi
[ $rc = 0 ] && echo "PASS: crash consistency"
exit $rc
