#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_isolation.sh - no client sees or changes another label domain's label,
# through GETATTR, READDIR attributes, VERIFY or SETATTR (the RFC 8276
# xattr operations: t_xattr).  Two domains on one export: 127.0.0.2 is
# in alpha, 127.0.0.3 in beta.  The server listens on those two loopback
# addresses only and is stopped by pid.
set -u
B=$(pwd)
LNFSD=${LNFSD:-$B/server/lnfsd}
CLI=$B/tests/lib/nfs4cli
[ -x "$LNFSD" ] || { echo "SKIP: $LNFSD not built"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: trusted.* labels need root"; exit 77; }
W=$(mktemp -d /tmp/lnfs-iso.XXXXXX)
SPID=
cleanup() {
	[ -n "$SPID" ] && kill -KILL "$SPID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }
mkdir -p "$W/exp" "$W/state"
echo x > "$W/exp/f"
cat > "$W/conf" <<EOC
[lnfsd]
state-dir = $W/state
exports = $W/exports
control-socket = $W/ctl.sock
[domain "alpha"]
format = selinux
[domain "beta"]
format = selinux
EOC
printf '%s 127.0.0.2(rw,no_root_squash,domain=alpha) 127.0.0.3(rw,no_root_squash,domain=beta)\n' \
	"$W/exp" > "$W/exports"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.2",0)); print(s.getsockname()[1])')
"$LNFSD" -f -c "$W/conf" -l "127.0.0.2:$port" -l "127.0.0.3:$port" > "$W/log" 2>&1 &
SPID=$!
i=0
while ! "$CLI" -s 127.0.0.2 -p "$port" null >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && { ko "server did not start: $(cat "$W/log")"; exit 1; }
	sleep 0.1
done
A="$CLI -s 127.0.0.2 -b 127.0.0.2 -p $port -m 2"
Bc="$CLI -s 127.0.0.3 -b 127.0.0.3 -p $port -m 2"
LA=system_u:object_r:httpd_sys_content_t:s0
LB=system_u:object_r:etc_t:s0
DEF=system_u:object_r:nfs_t:s0

$A setlabel "$W/exp/f" "$LA" || ko "alpha sets its label"
[ "$($Bc getlabel "$W/exp/f")" = "0 0 $DEF" ] && ok "GETATTR: beta does not see alpha's label" ||
	ko "GETATTR beta: $($Bc getlabel "$W/exp/f" 2>&1)"
$Bc lsz "$W/exp" | grep -q "^f 0 0 $DEF$" && ok "READDIR: beta does not see alpha's label" ||
	ko "READDIR beta: $($Bc lsz "$W/exp" 2>&1)"
$A lsz "$W/exp" | grep -q "^f 0 0 $LA$" && ok "READDIR: alpha sees its own label" ||
	ko "READDIR alpha: $($A lsz "$W/exp" 2>&1)"
[ "$($Bc verifylabel "$W/exp/f" "$LA")" = "not same" ] &&
	ok "VERIFY: beta cannot probe alpha's label" || ko "VERIFY beta probe"
[ "$($Bc verifylabel "$W/exp/f" "$DEF")" = "same" ] && ok "VERIFY: beta compares against its own view" ||
	ko "VERIFY beta own view"
[ "$($A verifylabel "$W/exp/f" "$LA")" = "same" ] && ok "VERIFY: alpha matches its own label" ||
	ko "VERIFY alpha"
$Bc setlabel "$W/exp/f" "$LB" || ko "beta sets its label"
[ "$($A getlabel "$W/exp/f")" = "0 0 $LA" ] && ok "SETATTR: beta's label did not change alpha's" ||
	ko "alpha after beta's SETATTR: $($A getlabel "$W/exp/f" 2>&1)"
[ "$($Bc getlabel "$W/exp/f")" = "0 0 $LB" ] && ok "beta reads back its own label" || ko "beta read back"
getfattr -h -d -m trusted.lnfs -e text "$W/exp/f" 2>/dev/null | grep -q "trusted.lnfs.alpha=.*httpd_sys_content_t" &&
	getfattr -h -d -m trusted.lnfs -e text "$W/exp/f" 2>/dev/null | grep -q "trusted.lnfs.beta=.*etc_t" &&
	ok "the host holds both domains' xattrs" || ko "host xattrs"
# The RFC 8276 xattr operations never reach label xattrs of any domain:
# tests/integ/t_xattr.c (test_labels_hidden) covers them.
echo "t_isolation: $pass passed, $fail failed"
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null; SPID=
[ $fail = 0 ]
