#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_isolation.sh - no client sees or changes another label domain's label,
# through GETATTR, READDIR attributes, VERIFY or SETATTR (the RFC 8276
# xattr operations: t_xattr).  Two domains on one export: 127.0.0.2 is
# in alpha, 127.0.0.3 in beta.  The server listens on those two loopback
# addresses only and is stopped by pid.
set -u
. "$(dirname "$0")/lib.sh"
lib_init iso
[ "$(id -u)" = 0 ] || { echo "SKIP: trusted.* labels need root"; exit 77; }
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
port=$(free_port 127.0.0.2)
start_lnfsd 127.0.0.2 -c "$W/conf" -l "127.0.0.2:$port" -l "127.0.0.3:$port"
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
stop_lnfsd
finish t_isolation
