#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_unpriv.sh - lnfsd without any capability (decisions.md 3): as root, make
# a temporary export owned by nobody and start lnfsd as nobody (setpriv with
# every capability cleared, or runuser) on 127.0.0.1 with a state-dir in the
# temporary directory and a user.* label domain.  Then, over NFSv4.2 with
# nfs4cli: browse, read and write; index file handles (no
# open_by_handle_at); every operation as the server's user whatever the
# caller's uid; labels on a file and a directory in the xattr, on a
# symlink, a fifo and a socket in the fallback store (a device cannot be
# made); after a restart the handles (also with the index thrown away, and
# after a host-side rename) and the labels still work; a rename through NFS
# carries the symlink's handle and label along, and its removal drops the
# fallback entry and makes the handle stale.
# Skips (77) unless run as root with setpriv or runuser, and on file
# systems without user.* xattrs.  The server is stopped by pid.
set -u
B=$(pwd)
LNFSD=${LNFSD:-$B/server/lnfsd}
CLI=$B/tests/lib/nfs4cli
[ -x "$LNFSD" ] || { echo "SKIP: $LNFSD not built"; exit 77; }
[ -x "$CLI" ] || { echo "SKIP: $CLI not built"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to give the export to another user"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
U=nobody
G=$(id -gn "$U" 2>/dev/null) || { echo "SKIP: no user $U"; exit 77; }
if command -v setpriv >/dev/null 2>&1; then
	RUNAS="setpriv --reuid=$U --regid=$G --clear-groups --inh-caps=-all --bounding-set=-all"
elif command -v runuser >/dev/null 2>&1; then
	RUNAS="runuser -u $U --"
else
	echo "SKIP: neither setpriv nor runuser"
	exit 77
fi
$RUNAS test -x "$LNFSD" 2>/dev/null ||
	{ echo "SKIP: $U cannot run $LNFSD (a build directory it cannot reach)"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-unpriv.XXXXXX") || exit 99
chmod 755 "$W"
$RUNAS test -x "$W" 2>/dev/null ||
	{ echo "SKIP: $U cannot reach $W"; rm -rf "$W"; exit 77; }
SPID=
cleanup() {
	if [ -n "$SPID" ]; then
		kill -KILL "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
	fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then ok "$d"; else ko "$d"; fi
}

E=$W/exp
mkdir -p "$E/dir" "$W/state" || exit 99
echo hello > "$E/f"
echo inner > "$E/dir/inner"
echo secret > "$E/locked"
chmod 000 "$E/locked"
mkdir "$E/dir/deep" && echo moved > "$E/dir/deep/m"
echo doomed > "$E/doomed"
chown -R "$U:$G" "$E" "$W/state" || exit 99
if ! python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.lnfs-probe", b"1")' "$E/f" \
	2>/dev/null; then
	echo "SKIP: no user.* xattrs in $W"
	exit 77
fi
python3 -c 'import os, sys; os.removexattr(sys.argv[1], "user.lnfs-probe")' "$E/f"
cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $W/state
exports = $W/exports
grace-time = 10

[domain "default"]
xattr = user.lnfs.default
CONF
printf '%s 127.0.0.1(rw,root_squash)\n' "$E" > "$W/exports"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

start() {
	$RUNAS "$LNFSD" -f -v -c "$W/lnfsd.conf" -l "127.0.0.1:$port" >> "$W/log" 2>&1 &
	SPID=$!
	i=0
	while ! "$CLI" -s 127.0.0.1 -p "$port" null >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$SPID" 2>/dev/null; then
			echo "server did not start: $(tail -n 5 "$W/log")"
			exit 99
		fi
		sleep 0.1
	done
}
stop() {
	kill -TERM "$SPID"
	wait "$SPID" 2>/dev/null
	SPID=
}
c() { "$CLI" -m 2 -s 127.0.0.1 -p "$port" "$@"; }
fh_of() { c stat "$1" | sed -n 's/^fh: //p'; }
fileid_of() { c statfh "$1" 2>&1 | sed -n 's/^fileid: //p'; }
ino() { stat -c %i "$1"; }
nlabels() { find "$W/state/labels" -mindepth 2 -type f ! -name '.tmp-*' 2>/dev/null | wc -l; }

start
uid=$(awk '/^Uid:/ { print $3 }' "/proc/$SPID/status")
capeff=$(awk '/^CapEff:/ { print $2 }' "/proc/$SPID/status")
[ "$uid" = "$(id -u "$U")" ] && [ "$capeff" = 0000000000000000 ] &&
	ok "lnfsd runs as $U without capabilities" || ko "lnfsd uid $uid, CapEff $capeff"
check "start-up says per-user permissions are not enforced" \
	grep -q "per-user permissions are not enforced" "$W/log"
check "start-up says squash settings do not apply" grep -q "squash settings.*do not apply" "$W/log"
check "the export uses index handles" grep -q "file handles by lnfsd's index" "$W/log"

# browse, read, write
out=$(c ls "$E" 2>&1)
case $out in
*dir*doomed*f*locked*) ok "ls of the export" ;;
*) ko "ls: $out" ;;
esac
[ "$(c cat "$E/f" 2>&1)" = hello ] && ok "cat" || ko "cat: $(c cat "$E/f" 2>&1)"
[ "$(c cat "$E/dir/inner" 2>&1)" = inner ] && ok "cat in a subdirectory" || ko "cat dir/inner"
printf 'written over nfs\n' > "$W/local"
c put "$W/local" "$E/new" && cmp -s "$W/local" "$E/new" && ok "put" || ko "put"
c mkdir "$E/made" && [ -d "$E/made" ] && ok "mkdir" || ko "mkdir"
[ "$(stat -c %U "$E/new")" = "$U" ] && [ "$(stat -c %U "$E/made")" = "$U" ] &&
	ok "new objects belong to the server's user" || ko "owners: $(stat -c %U "$E/new" "$E/made")"
# root_squash is not applied and a caller's uid gives no rights of its own:
# only the server user's (mode 000: nobody may read it)
c cat "$E/locked" 2>&1 | grep -q NFS4ERR_ACCESS && ok "the server user's own rights decide (mode 000)" ||
	ko "locked: $(c cat "$E/locked" 2>&1)"
# its user.* label cannot be read by the server user: the default is served
[ "$(c getlabel "$E/locked" 2>&1)" = "0 0 system_u:object_r:nfs_t:s0" ] &&
	ok "an unreadable object gets the default label" ||
	ko "getlabel locked: $(c getlabel "$E/locked" 2>&1)"
[ "$(c -u 4242 -g 4242 cat "$E/f" 2>&1)" = hello ] && ok "any caller uid runs as the server user" ||
	ko "uid 4242: $(c -u 4242 -g 4242 cat "$E/f" 2>&1)"

# symlink and fifo
c symlink f "$E/ln" && [ "$(readlink "$E/ln")" = f ] && ok "symlink" || ko "symlink"
c mkfifo "$E/fifo" && [ -p "$E/fifo" ] && ok "mkfifo" || ko "mkfifo"
c mksock "$E/sock" && [ -S "$E/sock" ] && ok "mksock" || ko "mksock"
c mkchr "$E/null" 1 3 2>&1 | grep -q NFS4ERR_PERM && [ ! -e "$E/null" ] &&
	ok "a device cannot be made (NFS4ERR_PERM)" || ko "mkchr: $(c mkchr "$E/null2" 1 3 2>&1)"

# handles: version 1, kind 3 (index)
fh_f=$(fh_of "$E/f")
fh_inner=$(fh_of "$E/dir/inner")
fh_dir=$(fh_of "$E/dir")
fh_ln=$(fh_of "$E/ln")
fh_fifo=$(fh_of "$E/fifo")
fh_m=$(fh_of "$E/dir/deep/m")
fh_doomed=$(fh_of "$E/doomed")
case $fh_f in
0103*) ok "handles are index handles" ;;
*) ko "handle $fh_f" ;;
esac

# labels: xattr for the file and the directory, fallback for symlink and fifo
c setlabel "$E/f" "file label" && c setlabel "$E/dir" "dir label" &&
	c setlabel "$E/ln" "link label" && c setlabel "$E/fifo" "fifo label" &&
	c setlabel "$E/sock" "sock label" &&
	ok "setlabel on a file, a directory, a symlink, a fifo and a socket" || ko "setlabel"
[ "$(c getlabel "$E/f")" = "0 0 file label" ] && [ "$(c getlabel "$E/dir")" = "0 0 dir label" ] &&
	[ "$(c getlabel "$E/ln")" = "0 0 link label" ] &&
	[ "$(c getlabel "$E/fifo")" = "0 0 fifo label" ] && ok "getlabel reads all four back" ||
	ko "getlabel: $(c getlabel "$E/f"); $(c getlabel "$E/dir"); $(c getlabel "$E/ln"); $(c getlabel "$E/fifo")"
v=$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.lnfs.default")[12:].decode())' \
	"$E/f" 2>&1)
[ "$v" = "file label" ] && ok "host: the file's label is in user.lnfs.default" || ko "host xattr: $v"
[ "$(c getlabel "$E/sock")" = "0 0 sock label" ] && ok "getlabel of the socket" ||
	ko "getlabel sock: $(c getlabel "$E/sock" 2>&1)"
[ "$(nlabels)" = 3 ] && ok "host: three fallback entries (symlink, fifo, socket)" ||
	ko "fallback entries: $(nlabels)"
stop

# restart: the same handles and labels
start
[ "$(fileid_of "$fh_f")" = "$(ino "$E/f")" ] && [ "$(fileid_of "$fh_inner")" = "$(ino "$E/dir/inner")" ] &&
	[ "$(fileid_of "$fh_dir")" = "$(ino "$E/dir")" ] && ok "handles of a file and a directory after a restart" ||
	ko "after restart: $(c statfh "$fh_inner" 2>&1 | head -n 1)"
[ "$(fileid_of "$fh_ln")" = "$(ino "$E/ln")" ] && [ "$(fileid_of "$fh_fifo")" = "$(ino "$E/fifo")" ] &&
	ok "handles of a symlink and a fifo after a restart" || ko "symlink/fifo handles after restart"
[ "$(c getlabel "$E/ln")" = "0 0 link label" ] && [ "$(c getlabel "$E/fifo")" = "0 0 fifo label" ] &&
	[ "$(c getlabel "$E/f")" = "0 0 file label" ] && ok "labels after a restart" ||
	ko "labels after restart: $(c getlabel "$E/ln" 2>&1)"
stop

# the index thrown away, and a host-side rename: found by searching
rm -f "$W/state/fhindex"
mv "$E/dir/deep" "$E/elsewhere"
start
[ "$(fileid_of "$fh_inner")" = "$(ino "$E/dir/inner")" ] && ok "a handle without the index (search)" ||
	ko "search: $(c statfh "$fh_inner" 2>&1 | head -n 1)"
[ "$(fileid_of "$fh_m")" = "$(ino "$E/elsewhere/m")" ] && ok "a handle after a host-side rename" ||
	ko "host rename: $(c statfh "$fh_m" 2>&1 | head -n 1)"
rm "$E/doomed"
c statfh "$fh_doomed" 2>&1 | grep -q NFS4ERR_STALE && ok "a deleted file's handle is NFS4ERR_STALE" ||
	ko "deleted: $(c statfh "$fh_doomed" 2>&1 | head -n 1)"
h=$(printf '%s' "$fh_f" | python3 -c "
import sys; b=bytearray.fromhex(sys.stdin.read().strip()); b[25]^=1; print(b.hex())")
c statfh "$h" 2>&1 | grep -q NFS4ERR_BADHANDLE && ok "a forged index handle is NFS4ERR_BADHANDLE" ||
	ko "forged: $(c statfh "$h" 2>&1 | head -n 1)"

# rename a labelled symlink through NFS: handle and label follow it
c mv "$E/ln" "$E/made/ln2" && [ -L "$E/made/ln2" ] && ok "mv through NFS" || ko "mv"
[ "$(c getlabel "$E/made/ln2")" = "0 0 link label" ] && ok "the label follows the rename" ||
	ko "label after mv: $(c getlabel "$E/made/ln2" 2>&1)"
[ "$(fileid_of "$fh_ln")" = "$(ino "$E/made/ln2")" ] && ok "the handle follows the rename" ||
	ko "handle after mv: $(c statfh "$fh_ln" 2>&1 | head -n 1)"
stop
start
[ "$(fileid_of "$fh_ln")" = "$(ino "$E/made/ln2")" ] &&
	[ "$(c getlabel "$E/made/ln2")" = "0 0 link label" ] &&
	ok "handle and label of the renamed symlink after a restart" || ko "renamed symlink after restart"
# remove it: the fallback entry goes, the handle is stale
c rm "$E/made/ln2" && [ ! -e "$E/made/ln2" ] && ok "rm through NFS" || ko "rm"
[ "$(nlabels)" = 2 ] && ok "the fallback entry is gone with the symlink" || ko "fallback entries: $(nlabels)"
c statfh "$fh_ln" 2>&1 | grep -q NFS4ERR_STALE && ok "the removed symlink's handle is NFS4ERR_STALE" ||
	ko "removed symlink: $(c statfh "$fh_ln" 2>&1 | head -n 1)"
stop
[ -s "$W/state/fhindex" ] && ok "the index is kept in the state directory" || ko "no state/fhindex"
echo "t_unpriv: $pass passed, $fail failed"
[ $fail = 0 ] || { echo "--- server log"; cat "$W/log"; }
[ $fail = 0 ]
