#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# load.sh - load and abuse phases against a fresh lnfsd on 127.0.0.1
# (lease-time 10), run with tests/load/lnfs_load from the build directory:
# many concurrent sessions, slowloris connections, oversized, fragmented and
# trickled records, clients that pipeline READs and never read replies, and
# clients created and abandoned until their leases expire.  Prints the
# server's VmRSS and the well-behaved client's NULL/GETATTR latency per
# phase; fails only if the server stops answering (10 s bound), dies, or a
# phase's functional check fails.  Every phase is bounded and ends by itself.
#
# usage: load.sh [--quick|--long]   (default --quick: < 30 s on an idle box)
# Env: LNFSD (server binary), LOAD_TOOL (lnfs_load binary).
set -u
# lib_cleanup and free_port only (nothing runs when it is sourced)
. "$(dirname "$0")/../integ/lib.sh"
mode=${1:---quick}
B=$(pwd)
LNFSD=${LNFSD:-$B/server/lnfsd}
TOOL=${LOAD_TOOL:-$B/tests/load/lnfs_load}
for f in "$LNFSD" "$TOOL"; do
	[ -x "$f" ] || { echo "SKIP: $f not built"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (file handles)"; exit 77; }
case $mode in
--quick)
	CONNS="1000 1" SLOW="1000 2" NOREAD="4 4" ABANDON="300 1" ;;
--long)
	CONNS="1000 30" SLOW="3000 30" NOREAD="20 8" ABANDON="1000 3" ;;
*)
	echo "usage: $0 [--quick|--long]" >&2
	exit 2 ;;
esac
W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-load.XXXXXX") || exit 99
SPID=
# lib.sh's lib_cleanup: TERM, KILL after 5 s, then W goes
_patience=100
trap lib_cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$W/exp" "$W/state" || exit 99
# control-socket = none: never take the default /run/lnfsd/lnfsd.sock
printf '[lnfsd]\nstate-dir = %s\nlease-time = 10\ngrace-time = 10\ncontrol-socket = none\n' \
	"$W/state" > "$W/lnfsd.conf"
port=$(free_port 127.0.0.1) || exit 99

# The client needs ~2 descriptors per connection of the largest phase.
ulimit -n "$(ulimit -H -n)" 2>/dev/null
"$LNFSD" -f -c "$W/lnfsd.conf" -l "127.0.0.1:$port" -e "$W/exp" > "$W/log" 2>&1 &
SPID=$!
i=0
until grep -q ready "$W/log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$SPID" 2>/dev/null; then
		echo "server did not start: $(tail -n 5 "$W/log")"
		SPID=
		exit 99
	fi
	sleep 0.1
done
echo "lnfsd pid $SPID: $(grep 'Max open files' /proc/$SPID/limits)"

rc=0
run() {
	echo "===== $*"
	LNFS_SERVER=127.0.0.1 LNFS_PORT=$port LNFS_EXPORT=$W/exp LOAD_PID=$SPID \
		LOAD_LOG=$W/log LOAD_STATE_DIR=$W/state LOAD_LEASE=10 "$TOOL" "$@" || rc=1
	if ! kill -0 "$SPID" 2>/dev/null; then
		echo "FAIL: lnfsd died during '$*'; log:"
		tail -n 20 "$W/log"
		SPID=
		exit 1
	fi
}
# shellcheck disable=SC2086
{
	run conns $CONNS
	run slowloris $SLOW
	run records
	run noread $NOREAD
	run abandon $ABANDON
}
echo "server log lines: $(wc -l < "$W/log"), errors: $(grep -c ' err' "$W/log")"
[ $rc -ne 0 ] && tail -n 20 "$W/log"
exit $rc
