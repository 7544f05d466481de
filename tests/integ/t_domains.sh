#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_domains.sh - label domains end to end over NFSv4.2 with nfs4cli.  One
# export, three domains chosen by client address: 127.0.0.2 is "alpha",
# 127.0.0.3 is "beta", 127.0.0.1 is "gamma", which translates alpha's
# labels with a small table and is read-only, and 127.0.0.4 (a client
# address only) is "delta", which translates with translate-unmapped = deny.  The server listens on those
# three loopback addresses only (never a wildcard) and is stopped by pid.
# Checks: alpha and beta set different labels on the same file and each
# reads back its own; the host holds both xattrs (getfattr); gamma sees
# alpha's label translated (and its default for an unmapped one); an LFS
# alpha does not accept is NFS4ERR_BADLABEL and changes nothing; beta
# (user.* xattr) labels a symlink through the fallback store, and REMOVE
# drops that entry; gamma's
# SETATTR of a label is NFS4ERR_ACCESS; delta's GETATTR of an unmapped label
# is NFS4ERR_ACCESS.  Needs root (file handles and
# trusted.* xattrs), else skips.
set -u
. "$(dirname "$0")/lib.sh"
lib_init dom
[ -x "$CLI" ] || { echo "SKIP: $CLI not built"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (open_by_handle_at, trusted.* xattrs)"; exit 77; }
command -v getfattr >/dev/null 2>&1 || { echo "SKIP: getfattr (attr) not installed"; exit 77; }

mkdir -p "$W/exp" "$W/state" || exit 99
echo data > "$W/exp/f"
echo other > "$W/exp/g"
ln -s f "$W/exp/ln"
if ! setfattr -n trusted.lnfs-probe -v 1 "$W/exp/f" 2>/dev/null; then
	echo "SKIP: no trusted.* xattrs in $W"
	exit 77
fi
setfattr -x trusted.lnfs-probe "$W/exp/f"

cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $W/state
exports = $W/exports

[domain "alpha"]
lfs = 0
format = selinux

[domain "beta"]
xattr = user.lnfs.beta
default-label = beta_u:object_r:beta_default_t:s0

[domain "gamma"]
format = selinux
read-only = yes
default-label = system_u:object_r:gamma_default_t:s0
translate-from = alpha
translate-table = gamma.tbl

[domain "delta"]
translate-from = alpha
translate-table = gamma.tbl
translate-unmapped = deny
CONF
cat > "$W/gamma.tbl" <<'TBL'
# gamma sees alpha's web content as public content; other types kept
alpha type=httpd_sys_content_t -> system_u:object_r:public_content_t:s0
alpha type=user_home_t -> type=nfs_t
TBL
printf '%s 127.0.0.2(rw,no_root_squash,domain=alpha) 127.0.0.3(rw,no_root_squash,domain=beta) 127.0.0.1(rw,no_root_squash,domain=gamma) 127.0.0.4(rw,no_root_squash,domain=delta)\n' \
	"$W/exp" > "$W/exports"

# a free port on all three addresses (checked by binding each)
port=$(free_port 127.0.0.1 127.0.0.2 127.0.0.3) || { echo "no free port"; exit 99; }

${LNFS_WRAPPER:-} "$LNFSD" -f -v -c "$W/lnfsd.conf" -l "127.0.0.1:$port" -l "127.0.0.2:$port" \
	-l "127.0.0.3:$port" >> "$W/log" 2>&1 &
SPID=$!
i=0
while ! "$CLI" -s 127.0.0.3 -p "$port" null >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt $_patience ] || ! kill -0 "$SPID" 2>/dev/null; then
		echo "server did not start: $(tail -n 5 "$W/log")"
		exit 99
	fi
	sleep 0.1
done

# c ADDR CMD...: a client bound to ADDR talking to the server on ADDR
c() {
	a=$1
	shift
	"$CLI" -m 2 -b "$a" -s "$a" -p "$port" "$@"
}
A=127.0.0.2
Bt=127.0.0.3
G=127.0.0.1
F=$W/exp/f

c $A setlabel "$F" system_u:object_r:httpd_sys_content_t:s0 &&
	ok "alpha sets its label" || ko "alpha setlabel"
c $Bt setlabel "$F" "beta label 1" 0 0 && ok "beta sets its label" || ko "beta setlabel"
out=$(c $A getlabel "$F")
[ "$out" = "0 0 system_u:object_r:httpd_sys_content_t:s0" ] &&
	ok "alpha reads back its own label" || ko "alpha getlabel: [$out]"
out=$(c $Bt getlabel "$F")
[ "$out" = "0 0 beta label 1" ] && ok "beta reads back its own label" || ko "beta getlabel: [$out]"

# the host holds one xattr per domain, framed (LFS, PI, label)
va=$(getfattr --absolute-names --only-values -n trusted.lnfs.alpha "$F" 2>/dev/null | tr -d '\0')
vb=$(getfattr --absolute-names --only-values -n user.lnfs.beta "$F" 2>/dev/null | tr -d '\0')
case $va in
*system_u:object_r:httpd_sys_content_t:s0) ok "host: trusted.lnfs.alpha holds alpha's label" ;;
*) ko "host alpha xattr: [$va]" ;;
esac
case $vb in
*"beta label 1") ok "host: user.lnfs.beta holds beta's label" ;;
*) ko "host beta xattr: [$vb]" ;;
esac
getfattr --absolute-names -n trusted.lnfs.gamma "$F" >/dev/null 2>&1 &&
	ko "gamma's xattr exists (translation must not write)" ||
	ok "gamma has no xattr of its own"
getfattr --absolute-names -n security.selinux "$F" 2>/dev/null | grep -q httpd_sys_content_t &&
	ko "a domain label reached the host's security.selinux" ||
	ok "the host's security.selinux is untouched"

# gamma (127.0.0.1) sees alpha's label through its table
out=$(c $G getlabel "$F")
[ "$out" = "0 0 system_u:object_r:public_content_t:s0" ] &&
	ok "gamma sees alpha's label translated" || ko "gamma getlabel: [$out]"
c $A setlabel "$F" staff_u:object_r:user_home_t:s0:c1 || ko "alpha relabel"
out=$(c $G getlabel "$F")
[ "$out" = "0 0 staff_u:object_r:nfs_t:s0:c1" ] &&
	ok "gamma: a rewrite rule keeps the other fields" || ko "gamma rewrite: [$out]"
c $A setlabel "$F" system_u:object_r:other_t:s0 || ko "alpha relabel 2"
out=$(c $G getlabel "$F")
[ "$out" = "0 0 system_u:object_r:gamma_default_t:s0" ] &&
	ok "gamma: an unmapped label gives gamma's default" || ko "gamma unmapped: [$out]"
out=$(c $G getlabel "$W/exp/g")
[ "$out" = "0 0 system_u:object_r:gamma_default_t:s0" ] &&
	ok "gamma: no label anywhere gives gamma's default" || ko "gamma default: [$out]"
out=$(c $Bt getlabel "$W/exp/g")
[ "$out" = "0 0 beta_u:object_r:beta_default_t:s0" ] &&
	ok "beta: its own default label" || ko "beta default: [$out]"

# BADLABEL: an LFS alpha does not accept (alpha has lfs = 0 only), and a
# malformed context; nothing changes
out=$(c $A setlabel "$F" system_u:object_r:x_t:s0 258 0 2>&1)
case $out in
*NFS4ERR_BADLABEL*) ok "alpha: LFS 258 is NFS4ERR_BADLABEL" ;;
*) ko "alpha LFS 258: [$out]" ;;
esac
out=$(c $A setlabel "$F" "not a context" 2>&1)
case $out in
*NFS4ERR_BADLABEL*) ok "alpha: a malformed context is NFS4ERR_BADLABEL" ;;
*) ko "alpha malformed: [$out]" ;;
esac
out=$(c $A getlabel "$F")
[ "$out" = "0 0 system_u:object_r:other_t:s0" ] &&
	ok "a refused label changes nothing" || ko "after BADLABEL: [$out]"

# delta (a client from 127.0.0.4, to the server on 127.0.0.1) refuses
# what its table cannot map
out=$("$CLI" -m 2 -b 127.0.0.4 -s 127.0.0.1 -p "$port" getlabel "$F" 2>&1)
case $out in
*NFS4ERR_ACCESS*) ok "delta (translate-unmapped = deny): GETATTR is NFS4ERR_ACCESS" ;;
*) ko "delta unmapped: [$out]" ;;
esac
c $A setlabel "$W/exp/g" system_u:object_r:httpd_sys_content_t:s0 || ko "alpha label g"
out=$("$CLI" -m 2 -b 127.0.0.4 -s 127.0.0.1 -p "$port" getlabel "$W/exp/g" 2>&1)
[ "$out" = "0 0 system_u:object_r:public_content_t:s0" ] &&
	ok "delta: a mapped label is served" || ko "delta mapped: [$out]"

# a symlink cannot hold beta's user.* xattr: the fallback store under
# state-dir keeps it; alpha's trusted.* xattr works there directly; REMOVE
# through NFS drops the store's entry
L=$W/exp/ln
c $Bt setlabel "$L" "beta link label" 0 0 && ok "beta labels a symlink (user.* name)" ||
	ko "beta setlabel symlink"
out=$(c $Bt getlabel "$L")
[ "$out" = "0 0 beta link label" ] && ok "beta reads the symlink's label back" ||
	ko "beta symlink getlabel: [$out]"
[ -n "$(ls "$W/state/labels" 2>/dev/null)" ] && ok "the label is in state-dir/labels" ||
	ko "no fallback entry: $(ls -R "$W/state" 2>&1)"
c $A setlabel "$L" system_u:object_r:link_t:s0 && ok "alpha labels the symlink (trusted.*)" ||
	ko "alpha setlabel symlink"
out=$(c $A getlabel "$L")
[ "$out" = "0 0 system_u:object_r:link_t:s0" ] || ko "alpha symlink getlabel: [$out]"
c $Bt rm "$L" && [ -z "$(ls "$W/state/labels")" ] &&
	ok "REMOVE of the symlink drops its fallback entry" ||
	ko "fallback entry after REMOVE: $(ls "$W/state/labels" 2>&1)"

# gamma is read-only
out=$(c $G setlabel "$F" system_u:object_r:mine_t:s0 2>&1)
case $out in
*NFS4ERR_ACCESS*) ok "gamma (read-only): SETATTR of sec_label is NFS4ERR_ACCESS" ;;
*) ko "gamma setlabel: [$out]" ;;
esac
getfattr --absolute-names -n trusted.lnfs.gamma "$F" >/dev/null 2>&1 &&
	ko "read-only gamma got an xattr" || ok "read-only gamma stored nothing"

# the server chose the domains by address
grep -q "label domain alpha" "$W/log" && grep -q "label domain beta" "$W/log" &&
	grep -q "label domain gamma" "$W/log" && ok "the log names each client's domain" ||
	ko "domain choice not logged: $(grep -i domain "$W/log" | head -5)"

kill -0 "$SPID" 2>/dev/null || ko "lnfsd died: $(tail -n 5 "$W/log")"
echo "t_domains: $pass passed, $fail failed"
[ $fail -eq 0 ]
