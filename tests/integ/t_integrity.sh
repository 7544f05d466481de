#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_integrity.sh - tamper-evident labels (integrity = log|default|deny) end
# to end over NFSv4.2 with nfs4cli.  One export, three domains chosen by
# client address: 127.0.0.1 "lg" (log), 127.0.0.2 "df" (default),
# 127.0.0.3 "dn" (deny), all user.* xattrs.  Each sets a label on f through
# NFS and reads it back; state-dir/label.key exists with mode 0600; each
# domain's value is then copied on the host to g (setfattr), and GETATTR of
# g gives: lg the copied label, df its default label, dn NFS4ERR_ACCESS;
# the log says so.  lnfs-label set on g writes a value that verifies, and a
# byte edited on the host and a tag stripped on the host are caught.  A
# fourth domain, 127.0.0.4 "rq" (deny, label-required), has every object
# lnfsd creates labelled, catches a label removed on the host and a
# host-made unlabelled file, and lnfs-label seal labels them.  The server listens on those three
# loopback addresses only and is stopped by pid.  Needs root, else skips.
set -u
. "$(dirname "$0")/lib.sh"
lib_init int
LABEL=$B/lfs/lnfs-label
[ -x "$CLI" ] || { echo "SKIP: $CLI not built"; exit 77; }
[ -x "$LABEL" ] || { echo "SKIP: $LABEL not built"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (open_by_handle_at)"; exit 77; }
command -v getfattr >/dev/null 2>&1 || { echo "SKIP: getfattr (attr) not installed"; exit 77; }

mkdir -p "$W/exp" "$W/state" || exit 99
echo data > "$W/exp/f"
echo other > "$W/exp/g"
if ! setfattr -n user.lnfs-probe -v 1 "$W/exp/f" 2>/dev/null; then
	echo "SKIP: no user.* xattrs in $W"
	exit 77
fi
setfattr -x user.lnfs-probe "$W/exp/f"

cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $W/state
exports = $W/exports

[domain "lg"]
xattr = user.lnfs.lg
integrity = log

[domain "df"]
xattr = user.lnfs.df
integrity = default
default-label = df_default

[domain "dn"]
xattr = user.lnfs.dn
integrity = deny

[domain "rq"]
xattr = user.lnfs.rq
integrity = deny
label-required = yes
default-label = rq_default
CONF
printf '%s 127.0.0.1(rw,no_root_squash,domain=lg) 127.0.0.2(rw,no_root_squash,domain=df) 127.0.0.3(rw,no_root_squash,domain=dn) 127.0.0.4(rw,no_root_squash,domain=rq)\n' \
	"$W/exp" > "$W/exports"

port=$(free_port 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4) || { echo "no free port"; exit 99; }

${LNFS_WRAPPER:-} "$LNFSD" -f -v -c "$W/lnfsd.conf" -l "127.0.0.1:$port" -l "127.0.0.2:$port" \
	-l "127.0.0.3:$port" -l "127.0.0.4:$port" >> "$W/log" 2>&1 &
SPID=$!
i=0
while ! "$CLI" -s 127.0.0.1 -p "$port" null >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt $_patience ] || ! kill -0 "$SPID" 2>/dev/null; then
		echo "server did not start: $(tail -n 5 "$W/log")"
		exit 99
	fi
	sleep 0.1
done

# hx NAME FILE: the xattr's value in hex (0x...)
hx() { getfattr --absolute-names -n "$1" -e hex "$2" 2>/dev/null | sed -n 's/^[^=]*=//p'; }
c() {
	a=$1
	shift
	"$CLI" -m 2 -b "$a" -s "$a" -p "$port" "$@"
}
F=$W/exp/f
G=$W/exp/g

for d in lg:127.0.0.1 df:127.0.0.2 dn:127.0.0.3; do
	n=${d%%:*} a=${d#*:}
	c "$a" setlabel "$F" "label of $n" 0 0 || ko "$n setlabel"
	out=$(c "$a" getlabel "$F")
	[ "$out" = "0 0 label of $n" ] && ok "$n: a tagged label reads back" ||
		ko "$n getlabel: [$out]"
	v=$(hx "user.lnfs.$n" "$F")
	case $v in
	0x4c4e0101*) ok "$n: the stored value has the tag flag" ;;
	*) ko "$n stored value: [$v]" ;;
	esac
	# copy the value to another file on the host
	setfattr -n "user.lnfs.$n" -v "$v" "$G" || ko "$n setfattr"
done
[ "$(stat -c %a "$W/state/label.key" 2>/dev/null)" = 600 ] &&
	[ "$(stat -c %s "$W/state/label.key")" = 16 ] &&
	ok "state-dir/label.key: 16 bytes, mode 0600" || ko "label.key: $(ls -l "$W/state")"

out=$(c 127.0.0.1 getlabel "$G" 2>&1)
[ "$out" = "0 0 label of lg" ] && ok "log: a copied value serves the stored label" ||
	ko "lg copied: [$out]"
out=$(c 127.0.0.2 getlabel "$G" 2>&1)
[ "$out" = "0 0 df_default" ] && ok "default: a copied value serves the default label" ||
	ko "df copied: [$out]"
out=$(c 127.0.0.3 getlabel "$G" 2>&1)
case $out in
*NFS4ERR_ACCESS*) ok "deny: a copied value is NFS4ERR_ACCESS" ;;
*) ko "dn copied: [$out]" ;;
esac
c 127.0.0.3 getlabel "$F" >/dev/null 2>&1 && ok "deny: the original still reads" ||
	ko "dn original refused"
n=$(grep -c "integrity tag" "$W/log")
[ "$n" -ge 3 ] && ok "each detection is logged" || ko "log: $(grep -i integrity "$W/log")"

# another domain's value in dn's xattr
v=$(hx user.lnfs.lg "$F")
setfattr -n user.lnfs.dn -v "$v" "$F"
out=$(c 127.0.0.3 getlabel "$F" 2>&1)
case $out in
*NFS4ERR_ACCESS*) ok "deny: another domain's value is NFS4ERR_ACCESS" ;;
*) ko "dn cross-domain: [$out]" ;;
esac

# lnfs-label set writes tagged values with the same key
"$LABEL" -c "$W/lnfsd.conf" set -d dn "set by tool" "$G" && ok "lnfs-label set" ||
	ko "lnfs-label set"
out=$(c 127.0.0.3 getlabel "$G" 2>&1)
[ "$out" = "0 0 set by tool" ] && ok "the tool's tagged value verifies in the server" ||
	ko "dn after lnfs-label set: [$out]"
# one label byte edited on the host ('s' -> 'S')
v=$(hx user.lnfs.dn "$G")
e=$(echo "$v" | sed 's/^\(0x4c4e0101.\{16\}\)73/\153/')
[ "$e" != "$v" ] || ko "the edit did not apply: [$v]"
v=$e
setfattr -n user.lnfs.dn -v "$v" "$G"
out=$(c 127.0.0.3 getlabel "$G" 2>&1)
case $out in
*NFS4ERR_ACCESS*) ok "deny: an edited byte is NFS4ERR_ACCESS" ;;
*) ko "dn edited: [$out]" ;;
esac
out=$("$LABEL" -c "$W/lnfsd.conf" get -d dn "$G" 2>&1)
case $out in
*integrity*) ok "lnfs-label get reports the bad tag" ;;
*) ko "lnfs-label get: [$out]" ;;
esac

# the tag stripped on the host: flag byte cleared and the 8-byte tag cut
# off, leaving a well-formed untagged value of the same label
"$LABEL" -c "$W/lnfsd.conf" set -d dn "stripped" "$G" || ko "lnfs-label set before strip"
v=$(hx user.lnfs.dn "$G")
e=$(echo "$v" | sed 's/^0x4c4e0101/0x4c4e0100/; s/.\{16\}$//')
case $e in
0x4c4e0100*) setfattr -n user.lnfs.dn -v "$e" "$G" ;;
*) ko "the strip did not apply: [$v]" ;;
esac
out=$(c 127.0.0.3 getlabel "$G" 2>&1)
case $out in
*NFS4ERR_ACCESS*) ok "deny: a stripped tag is NFS4ERR_ACCESS" ;;
*) ko "dn stripped: [$out]" ;;
esac
setfattr -n user.lnfs.df -v "$e" "$G"
out=$(c 127.0.0.2 getlabel "$G" 2>&1)
[ "$out" = "0 0 df_default" ] && ok "default: a stripped tag serves the default label" ||
	ko "df stripped: [$out]"

# label-required (domain rq, 127.0.0.4, deny): objects lnfsd creates get
# rq's tagged default even when another domain's client creates them; a
# label removed on the host, and a host-made object without one, count as
# tampered; lnfs-label seal labels the tree
echo rq > "$W/src"
c 127.0.0.4 put "$W/src" "$W/exp/rq1" || ko "rq: create"
c 127.0.0.1 put "$W/src" "$W/exp/rq2" || ko "lg: create"
c 127.0.0.4 mkdir "$W/exp/rqdir" || ko "rq: mkdir"
for o in rq1 rq2 rqdir; do
	case $(hx user.lnfs.rq "$W/exp/$o") in
	0x4c4e0101*) ok "rq: $o was created with a tagged rq label" ;;
	*) ko "rq: $o has no tagged rq label: [$(hx user.lnfs.rq "$W/exp/$o")]" ;;
	esac
done
[ -z "$(hx user.lnfs.lg "$W/exp/rq2")" ] && ok "lg (not label-required) stores nothing extra" ||
	ko "lg value on rq2"
out=$(c 127.0.0.4 getlabel "$W/exp/rq1" 2>&1)
[ "$out" = "0 0 rq_default" ] && ok "rq: the new object reads the default label" ||
	ko "rq getlabel: [$out]"
setfattr -x user.lnfs.rq "$W/exp/rq1"
out=$(c 127.0.0.4 getlabel "$W/exp/rq1" 2>&1)
case $out in
*NFS4ERR_ACCESS*) ok "rq: a label removed on the host is NFS4ERR_ACCESS" ;;
*) ko "rq removed: [$out]" ;;
esac
grep -q "domain rq: the object with inode [0-9]* has no label although the domain requires one" "$W/log" &&
	ok "rq: the removal is logged" || ko "rq removal log: $(grep 'domain rq' "$W/log")"
echo host > "$W/exp/rqhost"
out=$(c 127.0.0.4 getlabel "$W/exp/rqhost" 2>&1)
case $out in
*NFS4ERR_ACCESS*) ok "rq: a host-made unlabelled file is NFS4ERR_ACCESS" ;;
*) ko "rq host file: [$out]" ;;
esac
out=$("$LABEL" -c "$W/lnfsd.conf" seal -d rq "$W/exp/rq1" "$W/exp/rqhost" "$W/exp/rqdir" 2>&1)
[ "$out" = "sealed 2 object(s) with the default label, 1 already labelled, 0 with a bad value" ] &&
	ok "lnfs-label seal labels the unlabelled objects only" || ko "seal: [$out]"
for o in rq1 rqhost; do
	out=$(c 127.0.0.4 getlabel "$W/exp/$o" 2>&1)
	[ "$out" = "0 0 rq_default" ] && ok "rq: $o reads again after seal" || ko "rq $o after seal: [$out]"
done
"$LABEL" -c "$W/lnfsd.conf" seal -d nosuch "$W/exp" > /dev/null 2>&1 &&
	ko "seal of an unknown domain succeeded" || ok "seal of an unknown domain fails"

kill -0 "$SPID" 2>/dev/null || ko "lnfsd died: $(tail -n 5 "$W/log")"
echo "t_integrity: $pass passed, $fail failed"
[ $fail -eq 0 ]
