#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_escape.sh - no way out of an export (docs/security.md): the handle of a
# directory the host moves out of the export (itself or an ancestor) is
# NFS4ERR_STALE, and works again once it is moved back; a directory moved
# within the export keeps working; a symlink pointing outside is returned
# by READLINK as stored but never followed by the server (LOOKUP through
# it is NFS4ERR_SYMLINK or NFS4ERR_NOTDIR); LOOKUPP at the export root
# leads to the pseudo-fs, never to the host parent.  Files keep their
# handles when moved out (the documented no_subtree_check limit).  The
# server listens on 127.0.0.1 only and is stopped by pid.
set -u
. "$(dirname "$0")/lib.sh"
lib_init esc
[ "$(id -u)" = 0 ] || { echo "SKIP: host file handles need root (CAP_DAC_READ_SEARCH)"; exit 77; }

mkdir -p "$W/exp/d/sub" "$W/exp/a/b/c" "$W/exp/m" "$W/exp/dst" "$W/out" "$W/state" || exit 99
echo secret > "$W/out/secret"
echo f > "$W/exp/file"
ln -s "$W/out" "$W/exp/abs"
ln -s ../out "$W/exp/rel"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = %s\nexports = %s\n' \
	"$W/state" "$W/ctl.sock" "$W/exports" > "$W/conf"
printf '%s 127.0.0.1(rw,no_root_squash)\n' "$W/exp" > "$W/exports"
${LNFS_WRAPPER:-} "$LNFSD" -f -c "$W/conf" -l "127.0.0.1:$port" > "$W/log" 2>&1 &
SPID=$!
c() { "$CLI" -s 127.0.0.1 -p "$port" "$@"; }
fh_of() { c stat "$1" | sed -n 's/^fh: //p'; }
i=0
while ! c null >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt $_patience ] && { echo "FAIL: server did not start: $(tail -n 5 "$W/log")"; exit 1; }
	sleep 0.1
done

fh_d=$(fh_of "$W/exp/d")
fh_c=$(fh_of "$W/exp/a/b/c")
fh_m=$(fh_of "$W/exp/m")
fh_file=$(fh_of "$W/exp/file")
fh_root=$(fh_of "$W/exp")
[ -n "$fh_d" ] && [ -n "$fh_c" ] && [ -n "$fh_m" ] && [ -n "$fh_root" ] && ok "handles issued" ||
	ko "no handles"
c statfh "$fh_d" | grep -q '^type: dir' && ok "a directory handle works in place" || ko "in place"

# a directory moved out on the host: its handle is stale
mv "$W/exp/d" "$W/out/d"
c statfh "$fh_d" 2>&1 | grep -q NFS4ERR_STALE && ok "a directory moved out is NFS4ERR_STALE" ||
	ko "moved-out directory: $(c statfh "$fh_d" 2>&1)"
# ... also when an ancestor moved out
mv "$W/exp/a" "$W/out/a"
c statfh "$fh_c" 2>&1 | grep -q NFS4ERR_STALE &&
	ok "a directory whose ancestor moved out is NFS4ERR_STALE" ||
	ko "ancestor moved out: $(c statfh "$fh_c" 2>&1)"
mv "$W/out/a" "$W/exp/a"
c statfh "$fh_c" | grep -q '^type: dir' && ok "moved back in, the handle works again" ||
	ko "moved back: $(c statfh "$fh_c" 2>&1)"
# within the export: still good
mv "$W/exp/m" "$W/exp/dst/m2"
c statfh "$fh_m" | grep -q '^type: dir' && ok "a directory moved within the export keeps working" ||
	ko "moved within: $(c statfh "$fh_m" 2>&1)"
c statfh "$fh_root" | grep -q '^type: dir' && ok "the export root's handle works" || ko "root handle"
# files: the documented limit (no subtree check), a held handle still works
mv "$W/exp/file" "$W/out/file"
c statfh "$fh_file" | grep -q '^type: reg' &&
	ok "a file moved out keeps its handle (documented limit)" ||
	ko "file moved out: $(c statfh "$fh_file" 2>&1)"

# symlinks: returned as stored, never followed
[ "$(c readlink "$W/exp/abs")" = "$W/out" ] && ok "READLINK returns an absolute target as stored" ||
	ko "readlink abs: $(c readlink "$W/exp/abs" 2>&1)"
[ "$(c readlink "$W/exp/rel")" = "../out" ] && ok "READLINK returns a relative target as stored" ||
	ko "readlink rel: $(c readlink "$W/exp/rel" 2>&1)"
for l in abs rel; do
	out=$(c stat "$W/exp/$l/secret" 2>&1)
	case $out in
	*NFS4ERR_SYMLINK* | *NFS4ERR_NOTDIR*) ok "LOOKUP through the $l symlink is refused" ;;
	*) ko "LOOKUP through $l: $out" ;;
	esac
	out=$(c cat "$W/exp/$l/secret" 2>&1)
	case $out in
	*secret*) ko "the $l symlink was followed: $out" ;;
	*) ok "no data through the $l symlink" ;;
	esac
done
c stat "$W/exp/abs" | grep -q '^type: lnk' && ok "the symlink itself is a symlink" || ko "symlink type"

# LOOKUPP at the export root: the pseudo-fs node of the parent, not the host
fh_pparent=$(fh_of "$W")
up=$(c parent "$W/exp")
pfh=$(printf '%s\n' "$up" | sed -n 's/^fh: //p')
pino=$(printf '%s\n' "$up" | sed -n 's/^fileid: //p')
[ -n "$pfh" ] && [ "$pfh" = "$fh_pparent" ] && ok "LOOKUPP at the export root is the pseudo-fs parent" ||
	ko "LOOKUPP at the root: $up (want fh $fh_pparent)"
[ -n "$pino" ] && [ "$pino" != "$(stat -c %i "$W")" ] && ok "LOOKUPP does not reach the host parent" ||
	ko "LOOKUPP fileid $pino is the host parent's"
out=$(c ls "$W" 2>&1)
case $out in
*out*) ko "the pseudo-fs lists a host directory: $out" ;;
*exp*) ok "the pseudo-fs parent lists only the export" ;;
*) ko "pseudo-fs listing: $out" ;;
esac
kill -0 "$SPID" 2>/dev/null && ok "server alive" || ko "server died: $(tail -n 5 "$W/log")"
echo "t_escape: $pass passed, $fail failed"
[ $fail = 0 ]
