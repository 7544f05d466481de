#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_fault.sh - failure loops: lnfsd runs under tests/fault/libfault.so (an
# LD_PRELOAD shim that fails the Nth file system call inside the export or
# the fallback label store) and tests/fault/t_fault sweeps N = 1, 2, 3...
# over labelled creation, rename, writes and SETATTR with ENOSPC, EIO, EDQUOT
# and EACCES, checking statuses, labels, staging entries and the fallback
# store after every failure (see t_fault.c).  Two label domains on one
# export: 127.0.0.1 is "default" (trusted.lnfs.default) and 127.0.0.2 is
# "fb" (user.lnfs.fb, so symlink and fifo labels go to the fallback store).
# The server listens on those two loopback addresses only and is stopped by
# pid.  Needs root; run from the build directory (make check does).
# Env: FAULT_ERRNOS, FAULT_SCENARIOS, FAULT_MAX_N (passed to t_fault).
set -u
# lib_cleanup and free_port only (nothing runs when it is sourced)
. "$(dirname "$0")/../integ/lib.sh"
B=$(pwd)
LNFSD=${LNFSD:-$B/server/lnfsd}
DRV=$B/tests/fault/t_fault
SHIM=$B/tests/fault/libfault.so
for f in "$LNFSD" "$DRV" "$SHIM"; do
	[ -e "$f" ] || { echo "SKIP: $f not built"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (file handles, trusted.* labels)"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-fault.XXXXXX") || exit 99
SPID=
# lib.sh's lib_cleanup: TERM, KILL after 5 s, then W goes
_patience=100
trap lib_cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$W/exp" "$W/state" || exit 99
if ! setfattr -n user.lnfs-probe -v 1 "$W/exp" 2>/dev/null; then
	echo "SKIP: no user.* xattrs in $W"
	exit 77
fi
setfattr -x user.lnfs-probe "$W/exp"
cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $W/state
exports = $W/exports
threads = 4
control-socket = none

[domain "fb"]
xattr = user.lnfs.fb
CONF
printf '%s 127.0.0.1(rw,no_root_squash) 127.0.0.2(rw,no_root_squash,domain=fb)\n' \
	"$W/exp" > "$W/exports"

port=$(free_port 127.0.0.1 127.0.0.2) || { echo "no free port"; exit 99; }

# An ASan build of lnfsd needs its runtime first in the preload list.
pre=$SHIM
asan=$(ldd "$LNFSD" 2>/dev/null | sed -n 's/.*libasan[^ ]* => \([^ ]*\).*/\1/p' | head -n 1)
[ -n "$asan" ] && pre="$asan $SHIM"

ctl=$W/fault.ctl
LD_PRELOAD=$pre LNFS_FAULT_CTL=$ctl LNFS_FAULT_ROOT="$W/exp:$W/state/labels" \
	"$LNFSD" -f -c "$W/lnfsd.conf" -l "127.0.0.1:$port" -l "127.0.0.2:$port" \
	> "$W/log" 2>&1 &
SPID=$!
i=0
while [ ! -s "$ctl" ] || ! grep -q ready "$W/log"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$SPID" 2>/dev/null; then
		echo "server did not start: $(tail -n 5 "$W/log")"
		SPID=
		exit 99
	fi
	sleep 0.1
done

rc=0
# default domain first: the fallback store must stay empty through it
LNFS_SERVER=127.0.0.1 LNFS_PORT=$port LNFS_EXPORT=$W/exp LNFS_FAULT_CTL=$ctl \
	FAULT_ADDR=127.0.0.1 FAULT_TAG=default FAULT_STATE_DIR=$W/state \
	"$DRV" || rc=1
LNFS_SERVER=127.0.0.2 LNFS_PORT=$port LNFS_EXPORT=$W/exp LNFS_FAULT_CTL=$ctl \
	FAULT_ADDR=127.0.0.2 FAULT_TAG=fb FAULT_STATE_DIR=$W/state FAULT_FALLBACK=1 \
	"$DRV" || rc=1
if ! kill -0 "$SPID" 2>/dev/null; then
	echo "FAIL: lnfsd died; log:"
	tail -n 30 "$W/log"
	SPID=
	exit 1
fi
if [ $rc -ne 0 ]; then
	echo "lnfsd log (last 30 lines):"
	tail -n 30 "$W/log"
fi
exit $rc
