#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_label.sh - sec_label for one domain through the project's client:
# the default label on unlabelled objects, SETATTR stores the label with its
# LFS and PI in lnfsd's own xattr (never the host's security.selinux),
# GETATTR returns them as stored, `change` moves on every label change,
# labels over 2048 bytes are NFS4ERR_BADLABEL, and minor version 1 does not
# offer the attribute.  Runs through run.sh (LNFS_SERVER/LNFS_PORT/LNFS_EXPORT).
set -u
B=$(pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: trusted.* labels need root"; exit 77; }
command -v getfattr >/dev/null || { echo "SKIP: getfattr (package attr) is missing"; exit 77; }
CLI="$B/tests/lib/nfs4cli -s $LNFS_SERVER -p $LNFS_PORT"
E=$LNFS_EXPORT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }
echo data > "$E/f"
mkdir "$E/d"
L1=system_u:object_r:httpd_sys_content_t:s0
L2=system_u:object_r:public_content_t:s0

[ "$($CLI -m 2 getlabel "$E/f")" = "0 0 system_u:object_r:nfs_t:s0" ] &&
	ok "an unlabelled file shows the default label (LFS 0, PI 0)" || ko "default label: $($CLI -m 2 getlabel "$E/f" 2>&1)"
[ "$($CLI -m 2 getlabel "$E/d")" = "0 0 system_u:object_r:nfs_t:s0" ] &&
	ok "an unlabelled directory shows the default label" || ko "default label on a directory"
c0=$($CLI -m 2 stat "$E/f" | sed -n 's/^change: //p')
$CLI -m 2 setlabel "$E/f" "$L1" && ok "SETATTR of sec_label (LFS 0, PI 0, as Linux sends it)" || ko "setlabel"
[ "$($CLI -m 2 getlabel "$E/f")" = "0 0 $L1" ] && ok "GETATTR returns the label set" || ko "read back"
c1=$($CLI -m 2 stat "$E/f" | sed -n 's/^change: //p')
[ -n "$c0" ] && [ "$c0" != "$c1" ] && ok "change moved with the label ($c0 -> $c1)" || ko "change did not move ($c0 / $c1)"
getfattr -h -n trusted.lnfs.default --only-values "$E/f" 2>/dev/null | grep -q httpd_sys_content_t &&
	ok "the host xattr trusted.lnfs.default holds it" || ko "host xattr"
getfattr -h -n security.selinux "$E/f" 2>/dev/null | grep -q httpd_sys_content_t &&
	ko "the label reached the host's security.selinux" || ok "the host's security.selinux is untouched"
$CLI -m 2 setlabel "$E/f" "$L2" 258 0 && [ "$($CLI -m 2 getlabel "$E/f")" = "258 0 $L2" ] &&
	ok "LFS 258 (FLASK) and PI are stored and returned as set" || ko "LFS 258: $($CLI -m 2 getlabel "$E/f" 2>&1)"
c2=$($CLI -m 2 stat "$E/f" | sed -n 's/^change: //p')
[ "$c2" != "$c1" ] && ok "change moved again" || ko "change did not move the second time"
$CLI -m 2 setlabel "$E/d" "$L1" && [ "$($CLI -m 2 getlabel "$E/d")" = "0 0 $L1" ] &&
	ok "a directory is labelled" || ko "directory label"
long=$(head -c 2049 /dev/zero | tr '\0' a)
$CLI -m 2 setlabel "$E/f" "$long" 2>&1 | grep -q NFS4ERR_BADLABEL &&
	ok "a 2049-byte label is NFS4ERR_BADLABEL" || ko "long label not refused"
[ "$($CLI -m 2 getlabel "$E/f")" = "258 0 $L2" ] && ok "a refused label changes nothing" || ko "refused label changed the file"
max=$(head -c 2048 /dev/zero | tr '\0' b)
$CLI -m 2 setlabel "$E/f" "$max" 7 0 2>&1 | grep -q NFS4ERR_BADLABEL &&
	ok "an LFS the domain does not accept is NFS4ERR_BADLABEL" || ko "LFS 7 accepted"
$CLI -m 1 getlabel "$E/f" >/dev/null 2>&1 && ko "minor version 1 offers sec_label" ||
	ok "minor version 1 does not offer sec_label"
echo "t_label: $pass passed, $fail failed"
[ $fail = 0 ]
