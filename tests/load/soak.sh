#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# soak.sh - several lnfs_load soak clients against a fresh lnfsd on
# 127.0.0.1 for N minutes: labelled creates (OPEN with sec_label, WRITE
# FILE_SYNC or UNSTABLE+COMMIT), read-verify of data and label, rename,
# remove, SETATTR of labels, READDIR checked against each client's model.
# Small files (<= 64 KiB, <= 64 per client) on a 256 MiB tmpfs when run as
# root (else under TMPDIR), at nice 10.  Reports the server's VmRSS and
# descriptor count every minute.  Exit 0 only if every client finished
# without an error and the server is alive.
#
# usage: soak.sh [--minutes N] [--clients K]   (defaults 30 and 4)
# Run from the build directory.  Env: LNFSD, LOAD_TOOL, SOAK_DELAY_US (pause
# after each client op, default 2000: a few hundred ops/s per client).
set -u
minutes=30 clients=4
while [ $# -gt 0 ]; do
	case $1 in
	--minutes) minutes=$2; shift 2 ;;
	--clients) clients=$2; shift 2 ;;
	*) echo "usage: $0 [--minutes N] [--clients K]" >&2; exit 2 ;;
	esac
done
B=$(pwd)
LNFSD=${LNFSD:-$B/server/lnfsd}
TOOL=${LOAD_TOOL:-$B/tests/load/lnfs_load}
for f in "$LNFSD" "$TOOL"; do
	[ -x "$f" ] || { echo "SKIP: $f not built"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (file handles, trusted.* labels)"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-soak.XXXXXX") || exit 99
SPID= MNT=
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	if [ -n "$SPID" ]; then
		kill -TERM "$SPID" 2>/dev/null
		i=0
		while kill -0 "$SPID" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
	fi
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$W/exp" "$W/state" || exit 99
if mount -t tmpfs -o size=256m,mode=0755 lnfs-soak "$W/exp" 2>/dev/null; then
	MNT=$W/exp
fi
# control-socket = none: never take the default /run/lnfsd/lnfsd.sock
printf '[lnfsd]\nstate-dir = %s\nlease-time = 10\ngrace-time = 10\ncontrol-socket = none\n' \
	"$W/state" > "$W/lnfsd.conf"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])') || exit 99
nice -n 10 "$LNFSD" -f -c "$W/lnfsd.conf" -l "127.0.0.1:$port" -e "$W/exp" > "$W/log" 2>&1 &
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
echo "soak: $clients clients for $minutes min, export $W/exp${MNT:+ (tmpfs)}, lnfsd pid $SPID"
secs=$((minutes * 60))
k=0
while [ $k -lt "$clients" ]; do
	LNFS_SERVER=127.0.0.1 LNFS_PORT=$port LNFS_EXPORT=$W/exp SOAK_DELAY_US=${SOAK_DELAY_US:-2000} \
		nice -n 10 "$TOOL" soak "$secs" "$k" > "$W/client$k.log" 2>&1 &
	pids="$pids $!"
	k=$((k + 1))
done
start=$(date +%s)
while :; do
	running=0
	for p in $pids; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done
	[ $running -eq 0 ] && break
	sleep 60
	if ! kill -0 "$SPID" 2>/dev/null; then
		echo "FAIL: lnfsd died after $(( $(date +%s) - start )) s"
		tail -n 20 "$W/log"
		SPID=
		exit 1
	fi
	echo "t=$(( $(date +%s) - start ))s rss_kb=$(awk '/^VmRSS:/ { print $2 }' /proc/$SPID/status) fds=$(ls /proc/$SPID/fd | wc -l) clients_running=$running"
done
rc=0
for p in $pids; do wait "$p" || rc=1; done
pids=
k=0
while [ $k -lt "$clients" ]; do
	tail -n 1 "$W/client$k.log"
	grep FAIL "$W/client$k.log" | head -n 5
	k=$((k + 1))
done
kill -0 "$SPID" 2>/dev/null || { echo "FAIL: lnfsd died"; rc=1; }
echo "server log: $(wc -l < "$W/log") lines, $(grep -c ' err' "$W/log") errors"
[ $rc -eq 0 ] && echo "PASS: soak of $minutes min" || echo "FAIL: soak"
exit $rc
