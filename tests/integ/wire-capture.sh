#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# wire-capture.sh - run by run.sh with LNFS_SERVER/LNFS_PORT/LNFS_EXPORT set:
# capture the loopback traffic of the integration test and some label
# operations with tshark, then decode the capture with Wireshark's RPC/NFS
# dissectors and fail on any malformed packet or dissector error.
# Needs root (capture) and tshark; exits 77 (skip) without them.
set -u
B=$(pwd)
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark is not installed"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: capturing needs root"; exit 77; }
cap=$(mktemp /tmp/lnfs-wire.XXXXXX.pcapng)
tshark -q -i lo -f "tcp port $LNFS_PORT" -w "$cap" >/dev/null 2>&1 &
tpid=$!
# wait until the capture is running (the file gets its header)
i=0
while [ $i -lt 100 ] && [ ! -s "$cap" ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
rc=0
"$B/tests/integ/t_basic" >/dev/null 2>&1 || rc=1
cli="$B/tests/lib/nfs4cli -s $LNFS_SERVER -p $LNFS_PORT -m 2"
echo hello > "$LNFS_EXPORT/wire.txt"
$cli getlabel "$LNFS_EXPORT/wire.txt" >/dev/null || rc=1
$cli setlabel "$LNFS_EXPORT/wire.txt" system_u:object_r:httpd_sys_content_t:s0 || rc=1
$cli getlabel "$LNFS_EXPORT/wire.txt" | grep -q httpd_sys_content_t || rc=1
$cli mkdir "$LNFS_EXPORT/wire-dir" || rc=1
$cli ls "$LNFS_EXPORT" >/dev/null || rc=1
sleep 1
kill -INT $tpid
wait $tpid 2>/dev/null
[ $rc = 0 ] || echo "FAIL: the client run under capture failed"
frames=$(tshark -r "$cap" -d "tcp.port==$LNFS_PORT,rpc" -Y nfs 2>/dev/null | wc -l)
bad=$(tshark -r "$cap" -d "tcp.port==$LNFS_PORT,rpc" \
	-Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null)
labels=$(tshark -r "$cap" -d "tcp.port==$LNFS_PORT,rpc" -V -Y nfs 2>/dev/null |
	grep -c 'httpd_sys_content_t')
echo "tshark: $frames NFS frames decoded, label seen in $labels frames"
if [ -n "$bad" ]; then
	echo "FAIL: malformed or erroneous frames:"
	echo "$bad" | head -n 20
	rc=1
fi
[ "$frames" -gt 50 ] || { echo "FAIL: too few NFS frames decoded ($frames)"; rc=1; }
[ "$labels" -gt 0 ] || { echo "FAIL: the sec_label attribute was not decoded"; rc=1; }
rm -f "$cap"
exit $rc
