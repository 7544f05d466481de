#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_ctl.sh - operating a live lnfsd: lnfsctl status, clients, stats,
# reload (a good and a broken configuration) and evict (a client holding an
# open loses it and its session), errors for unknown commands and client
# IDs, the socket's mode, and GET /metrics on the metrics listener (a free
# loopback port).  Without arguments it writes its configuration and runs
# itself through run.sh, which starts lnfsd on 127.0.0.1 and stops it by pid.
set -u
B=$(pwd)
S=${srcdir:-.}

if [ "${1:-}" != --run ]; then
	[ -x "$B/server/lnfsctl" ] || { echo "SKIP: server/lnfsctl is not built"; exit 77; }
	t=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-ctl.XXXXXX") || exit 99
	trap 'rm -rf "$t"' EXIT
	printf '[lnfsd]\nstate-dir = %s/state\ncontrol-socket = %s/ctl.sock\nmetrics-listen = 127.0.0.1:0\nexports = %s/exports\n\n[domain "web"]\n' \
		"$t" "$t" "$t" > "$t/lnfsd.conf"
	: > "$t/exports"
	LNFSD=${LNFSD:-$B/server/lnfsd} LNFSD_ARGS="-c $t/lnfsd.conf" T=$t \
		"$S/tests/integ/run.sh" "$0" --run
	exit $?
fi

CTL="$B/server/lnfsctl -s $T/ctl.sock"
CLI="$B/tests/lib/nfs4cli -s $LNFS_SERVER -p $LNFS_PORT -m 2"
E=$LNFS_EXPORT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }
echo hello > "$E/f"

mode=$(stat -c %a "$T/ctl.sock" 2>/dev/null)
[ "$mode" = 600 ] && ok "the control socket has mode 0600" || ko "socket mode is '$mode'"

out=$($CTL status)
rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "^version: " && echo "$out" | grep -q "^grace: no" &&
	echo "$out" | grep -q "^clients: 0" && echo "$out" | grep -q "^  $E id " &&
	echo "$out" | grep -q "^  web xattr trusted.lnfs.web" &&
	ok "status: version, grace, clients, exports, label domains" || ko "status (rc $rc): $out"

[ "$($CLI cat "$E/f")" = hello ] && ok "a client reads a file" || ko "nfs4cli cat"
$CLI getlabel "$E/f" >/dev/null || ko "nfs4cli getlabel"
out=$($CTL stats)
echo "$out" | grep -Eq '^READ +1 +0 ' && echo "$out" | grep -Eq '^SEQUENCE +[0-9]+ ' &&
	echo "$out" | grep -Eq '^default +1 +0 +0 +0$' &&
	ok "stats: per-op counts and the label read of domain default" || ko "stats: $out"

# a client that stays: put from a FIFO holds its session and an open
mkfifo "$T/fifo"
$CLI put "$T/fifo" "$E/held" 2>"$T/put.err" &
cpid=$!
exec 3>"$T/fifo"
i=0
while ! $CTL clients | grep -q ' 1 *1 *0 '; do
	i=$((i + 1))
	[ $i -gt 50 ] && break
	sleep 0.1
done
out=$($CTL clients)
id=$(echo "$out" | awk '$2 == "127.0.0.1" && $5 == 1 && $6 == 1 { print $1 }' | head -n1)
[ -n "$id" ] && echo "$out" | grep -q "127.0.0.1 *default *confirmed" &&
	ok "clients: the client, its address, domain, session and open" || ko "clients: $out"
$CTL evict 0123456789abcdef >/dev/null 2>"$T/err"
rc=$?
[ $rc = 1 ] && grep -q "no client 0123456789abcdef" "$T/err" &&
	ok "evicting an unknown client ID is refused (exit 1)" || ko "evict unknown: rc $rc $(cat "$T/err")"
if [ -n "$id" ]; then
	# a client with a request in flight is refused ("try again"): retry
	evicted=0
	for _ in $(seq 50); do
		$CTL evict "$id" 2>/dev/null | grep -q "evicted" && { evicted=1; break; }
		sleep 0.1
	done
	[ $evicted = 1 ] && ok "evict $id" || ko "evict $id"
	$CTL clients | grep -q "^$id" && ko "the evicted client is still listed" ||
		ok "the evicted client is gone"
fi
echo data >&3
exec 3>&-
wait $cpid
rc=$?
[ $rc != 0 ] && ok "the evicted client's next request fails (nfs4cli exit $rc)" ||
	ko "the evicted client carried on"

out=$($CTL reload)
echo "$out" | grep -q "configuration reloaded: 1 exports, 2 label domains" &&
	ok "reload: $out" || ko "reload: $out"
cp "$T/lnfsd.conf" "$T/lnfsd.conf.good"
printf 'threads = lots\n' >> "$T/lnfsd.conf"
$CTL reload >/dev/null 2>"$T/err"
rc=$?
[ $rc = 1 ] && grep -q "threads" "$T/err" && grep -q "running configuration stays" "$T/err" &&
	ok "a broken configuration is refused with its line (exit 1)" || ko "bad reload: rc $rc $(cat "$T/err")"
cp "$T/lnfsd.conf.good" "$T/lnfsd.conf"
$CTL status >/dev/null && ok "the server still answers after the refused reload" || ko "status after bad reload"

$CTL frobnicate >/dev/null 2>&1
[ $? = 2 ] && ok "an unknown command is a usage error (exit 2)" || ko "unknown command"
"$B/server/lnfsctl" -s "$T/nonexistent.sock" status >/dev/null 2>"$T/err"
[ $? = 3 ] && grep -q "is lnfsd running" "$T/err" && ok "no server: exit 3 with a hint" ||
	ko "no server: $(cat "$T/err")"

maddr=$($CTL status | sed -n 's/^metrics: //p')
if command -v curl >/dev/null; then
	m=$(curl -s "http://$maddr/metrics")
	echo "$m" | grep -q '^lnfsd_op_total{op="READ"} 1$' &&
		echo "$m" | grep -q '^lnfsd_op_duration_seconds_bucket{op="READ",le="+Inf"} 1$' &&
		echo "$m" | grep -q '^lnfsd_label_reads_total{domain="default"} 1$' &&
		echo "$m" | grep -q '^lnfsd_clients 0$' &&
		ok "GET /metrics on $maddr: counters, histogram, label reads" || ko "metrics: $m"
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://$maddr/other")
	[ "$code" = 404 ] && ok "other paths are 404" || ko "GET /other gave $code"
else
	echo "SKIP: curl is missing: metrics not checked"
fi

echo "t_ctl: $pass passed, $fail failed"
[ $fail = 0 ]
