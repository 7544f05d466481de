#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_escape.sh - no way out of an export (docs/security.md): the handle of a
# directory the host moves out of the export (itself or an ancestor) is
# NFS4ERR_STALE, and works again once it is moved back; a directory moved
# within the export keeps working; a symlink pointing outside is returned
# by READLINK as stored but never followed by the server (LOOKUP through
# it is NFS4ERR_SYMLINK or NFS4ERR_NOTDIR); LOOKUP of "." and ".." is
# NFS4ERR_BADNAME; LOOKUPP at the export root leads to the pseudo-fs,
# never to the host parent; RENAME and LINK between two exports are
# NFS4ERR_XDEV; a handle given another export's id is NFS4ERR_BADHANDLE;
# handles of deleted files and directories are NFS4ERR_STALE.  Without
# subtree_check files keep their handles when moved out (the documented
# no_subtree_check limit).  With subtree_check (export "sub"): LOOKUP,
# OPEN, CREATE and READDIR give files the parent-carrying handle (kind 4),
# and a file moved out is NFS4ERR_STALE (back in: works), a hard link
# outside whose original is removed is NFS4ERR_STALE, a file renamed into
# another directory of the export is NFS4ERR_STALE (documented), a rename
# in the same directory keeps working, a caller who may not read the
# parent still uses the handle; a reload that sets subtree_check makes
# older file handles NFS4ERR_STALE; clients that disagree on it are a
# configuration error.  The server listens on 127.0.0.1 only and is
# stopped by pid.
set -u
. "$(dirname "$0")/lib.sh"
lib_init esc
[ "$(id -u)" = 0 ] || { echo "SKIP: host file handles need root (CAP_DAC_READ_SEARCH)"; exit 77; }

mkdir -p "$W/exp/d/sub" "$W/exp/a/b/c" "$W/exp/m" "$W/exp/dst" "$W/out" "$W/state" \
	"$W/exp2" "$W/sub/p" "$W/sub/q" "$W/sub/locked" || exit 99
echo secret > "$W/out/secret"
echo f > "$W/exp/file"
ln -s "$W/out" "$W/exp/abs"
ln -s ../out "$W/exp/rel"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = %s\nexports = %s\n' \
	"$W/state" "$W/ctl.sock" "$W/exports" > "$W/conf"
printf '%s 127.0.0.1(rw,no_root_squash)\n%s 127.0.0.1(rw,no_root_squash)\n' "$W/exp" "$W/exp2" \
	> "$W/exports"
printf '%s 127.0.0.1(rw,no_root_squash,subtree_check)\n' "$W/sub" >> "$W/exports"
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
# "." and ".." are never looked up, at the export root or below
for n in . ..; do
	for d in "$W/exp" "$W/exp/dst"; do
		c stat "$d/$n" 2>&1 | grep -q NFS4ERR_BADNAME && ok "LOOKUP of '$n' in $d is NFS4ERR_BADNAME" ||
			ko "LOOKUP $d/$n: $(c stat "$d/$n" 2>&1)"
	done
done

# two exports: RENAME and LINK with the saved handle in the other one
echo x > "$W/exp/x"
out=$(c mv "$W/exp/x" "$W/exp2/x" 2>&1)
case $out in *NFS4ERR_XDEV*) ok "RENAME into another export is NFS4ERR_XDEV" ;; *) ko "RENAME across: $out" ;; esac
out=$(c ln "$W/exp/x" "$W/exp2/x" 2>&1)
case $out in *NFS4ERR_XDEV*) ok "LINK into another export is NFS4ERR_XDEV" ;; *) ko "LINK across: $out" ;; esac
[ -e "$W/exp/x" ] && [ ! -e "$W/exp2/x" ] && ok "nothing crossed on the host" || ko "a name crossed exports"
c ln "$W/exp/x" "$W/exp/x2" && [ "$(stat -c %i "$W/exp/x")" = "$(stat -c %i "$W/exp/x2")" ] &&
	ok "LINK within an export works" || ko "LINK within"
# a handle of one export with the other export's id: the tag no longer matches
fh_x=$(fh_of "$W/exp/x")
fh_e2=$(fh_of "$W/exp2")
forged=$(printf '%s' "$fh_x" | cut -c1-8)$(printf '%s' "$fh_e2" | cut -c9-16)$(printf '%s' "$fh_x" | cut -c17-)
[ "$forged" != "$fh_x" ] && c statfh "$forged" 2>&1 | grep -q NFS4ERR_BADHANDLE &&
	ok "a handle moved to another export's id is NFS4ERR_BADHANDLE" ||
	ko "forged export id: $(c statfh "$forged" 2>&1)"
# replayed handles of deleted objects
mkdir "$W/exp/gone_d"
echo g > "$W/exp/gone_f"
fh_gd=$(fh_of "$W/exp/gone_d")
fh_gf=$(fh_of "$W/exp/gone_f")
rmdir "$W/exp/gone_d"
c rm "$W/exp/gone_f"
c statfh "$fh_gd" 2>&1 | grep -q NFS4ERR_STALE && ok "a deleted directory's handle is NFS4ERR_STALE" ||
	ko "deleted dir: $(c statfh "$fh_gd" 2>&1)"
c statfh "$fh_gf" 2>&1 | grep -q NFS4ERR_STALE &&
	ok "a file removed through NFS: its handle is NFS4ERR_STALE" ||
	ko "removed file: $(c statfh "$fh_gf" 2>&1)"

# ---- subtree_check (export $W/sub) ----
kind() { printf '%s' "$1" | cut -c3-4; }
for f in f1 f2 f3 f4 f5; do echo "$f" > "$W/sub/p/$f"; done
echo hidden > "$W/sub/locked/f"
chmod 0711 "$W/sub/locked"
chmod 0644 "$W/sub/locked/f"
fh1=$(fh_of "$W/sub/p/f1")
fh2=$(fh_of "$W/sub/p/f2")
fh3=$(fh_of "$W/sub/p/f3")
fh4=$(fh_of "$W/sub/p/f4")
fh5=$(fh_of "$W/sub/p/f5")
fh_l=$(fh_of "$W/sub/locked/f")
fh_p=$(fh_of "$W/sub/p")
[ "$(kind "$fh1")" = 04 ] && ok "subtree_check: LOOKUP gives a file a parent-carrying handle" ||
	ko "LOOKUP handle kind $(kind "$fh1"): $fh1"
[ "$(kind "$fh_p")" = 02 ] && ok "subtree_check: a directory keeps the plain handle" ||
	ko "directory handle kind $(kind "$fh_p")"
[ "$(kind "$fh_file")" = 02 ] && ok "without subtree_check a file's handle keeps its format" ||
	ko "plain export file handle kind $(kind "$fh_file")"
c statfh "$fh1" | grep -q '^type: reg' && ok "subtree_check: the handle works in place" ||
	ko "in place: $(c statfh "$fh1" 2>&1)"
c statfh "$fh_p" | grep -q '^type: dir' && ok "subtree_check: the directory handle works" ||
	ko "dir in place: $(c statfh "$fh_p" 2>&1)"
fh_o=$(c openfh "$W/sub/p/opened" | sed -n 's/^fh: //p')
[ "$(kind "$fh_o")" = 04 ] && c statfh "$fh_o" | grep -q '^type: reg' &&
	ok "subtree_check: OPEN (create) gives a working parent-carrying handle" ||
	ko "OPEN handle: $fh_o $(c statfh "$fh_o" 2>&1)"
fh_o2=$(c openfh "$W/sub/p/f1" | sed -n 's/^fh: //p')
[ "$fh_o2" = "$fh1" ] && ok "subtree_check: OPEN of an existing file gives LOOKUP's handle" ||
	ko "OPEN existing: $fh_o2 vs $fh1"
fh_ff=$(c mkfifofh "$W/sub/p/fifo" | sed -n 's/^fh: //p')
[ "$(kind "$fh_ff")" = 04 ] && c statfh "$fh_ff" | grep -q '^type: fifo' &&
	ok "subtree_check: CREATE gives a working parent-carrying handle" ||
	ko "CREATE handle: $fh_ff $(c statfh "$fh_ff" 2>&1)"
rd=$(c lsfh "$W/sub/p")
[ "$(printf '%s
' "$rd" | sed -n 's/^f1 //p')" = "$fh1" ] &&
	ok "subtree_check: READDIR's filehandle attribute is LOOKUP's handle" ||
	ko "READDIR handles: $rd"
rd=$(c lsfh "$W/sub")
[ "$(printf '%s
' "$rd" | sed -n 's/^p //p')" = "$fh_p" ] &&
	ok "subtree_check: READDIR gives a directory its plain handle" || ko "READDIR dir handle: $rd"
c -u 1000 -g 1000 statfh "$fh_l" | grep -q '^type: reg' &&
	ok "subtree_check: a caller who may not read the parent still uses the handle" ||
	ko "unreadable parent: $(c -u 1000 -g 1000 statfh "$fh_l" 2>&1)"
# moved out on the host, and back
mv "$W/sub/p/f1" "$W/out/f1"
c statfh "$fh1" 2>&1 | grep -q NFS4ERR_STALE && ok "subtree_check: a file moved out is NFS4ERR_STALE" ||
	ko "moved out: $(c statfh "$fh1" 2>&1)"
out=$(c cat "$W/sub/p/f1" 2>&1)
case $out in *NFS4ERR_NOENT*) ok "subtree_check: the moved-out file is not found by name" ;;
*) ko "name of moved-out file: $out" ;; esac
mv "$W/out/f1" "$W/sub/p/f1"
c statfh "$fh1" | grep -q '^type: reg' && ok "subtree_check: moved back, the handle works again" ||
	ko "moved back: $(c statfh "$fh1" 2>&1)"
# a hard link outside, then the name inside removed
ln "$W/sub/p/f2" "$W/out/f2"
c statfh "$fh2" | grep -q '^type: reg' && ok "subtree_check: a hard link outside alone changes nothing" ||
	ko "link outside: $(c statfh "$fh2" 2>&1)"
rm "$W/sub/p/f2"
c statfh "$fh2" 2>&1 | grep -q NFS4ERR_STALE &&
	ok "subtree_check: hard-linked outside and removed inside is NFS4ERR_STALE" ||
	ko "link outside, removed: $(c statfh "$fh2" 2>&1)"
# renamed within the export into another directory: stale (documented)
mv "$W/sub/p/f3" "$W/sub/q/f3"
c statfh "$fh3" 2>&1 | grep -q NFS4ERR_STALE &&
	ok "subtree_check: a file renamed into another directory is NFS4ERR_STALE (documented)" ||
	ko "renamed across directories: $(c statfh "$fh3" 2>&1)"
fh3n=$(fh_of "$W/sub/q/f3")
c statfh "$fh3n" | grep -q '^type: reg' && ok "subtree_check: a new LOOKUP gives it a working handle" ||
	ko "new handle after rename: $(c statfh "$fh3n" 2>&1)"
# renamed in the same directory: the scan still finds it
mv "$W/sub/p/f4" "$W/sub/p/f4.renamed"
c statfh "$fh4" | grep -q '^type: reg' && ok "subtree_check: a rename in the same directory keeps the handle" ||
	ko "same-directory rename: $(c statfh "$fh4" 2>&1)"
# the parent directory itself moved out: its files' handles are stale too
mv "$W/sub/q" "$W/out/q"
c statfh "$fh3n" 2>&1 | grep -q NFS4ERR_STALE &&
	ok "subtree_check: a file whose directory moved out is NFS4ERR_STALE" ||
	ko "parent moved out: $(c statfh "$fh3n" 2>&1)"
mv "$W/out/q" "$W/sub/q"
# a hard link in a second directory of the export gets its own handle
ln "$W/sub/p/f5" "$W/sub/q/f5"
fh5q=$(fh_of "$W/sub/q/f5")
[ -n "$fh5q" ] && [ "$fh5q" != "$fh5" ] && c statfh "$fh5q" | grep -q '^type: reg' &&
	c statfh "$fh5" | grep -q '^type: reg' &&
	ok "subtree_check: hard links in two directories have two working handles" ||
	ko "two links: $fh5 $fh5q"
# deleted: stale
c rm "$W/sub/p/opened"
c statfh "$fh_o" 2>&1 | grep -q NFS4ERR_STALE && ok "subtree_check: a deleted file's handle is NFS4ERR_STALE" ||
	ko "deleted: $(c statfh "$fh_o" 2>&1)"
# a kind 4 handle moved to the other export's id
forged=$(printf '%s' "$fh4" | cut -c1-8)$(printf '%s' "$fh_e2" | cut -c9-16)$(printf '%s' "$fh4" | cut -c17-)
c statfh "$forged" 2>&1 | grep -q NFS4ERR_BADHANDLE &&
	ok "subtree_check: a handle given another export's id is NFS4ERR_BADHANDLE" ||
	ko "forged subtree handle: $(c statfh "$forged" 2>&1)"

# a reload that sets subtree_check on $W/exp: older file handles there are stale
echo y > "$W/exp/y"
fh_y=$(fh_of "$W/exp/y")
printf '%s 127.0.0.1(rw,no_root_squash,subtree_check)\n%s 127.0.0.1(rw,no_root_squash)\n' \
	"$W/exp" "$W/exp2" > "$W/exports"
printf '%s 127.0.0.1(rw,no_root_squash,subtree_check)\n' "$W/sub" >> "$W/exports"
kill -HUP "$SPID"
i=0
while c statfh "$fh_y" >/dev/null 2>&1 && [ $i -lt $_patience ]; do
	i=$((i + 1))
	sleep 0.1
done
c statfh "$fh_y" 2>&1 | grep -q NFS4ERR_STALE &&
	ok "after a reload with subtree_check an older file handle is NFS4ERR_STALE" ||
	ko "old handle after reload: $(c statfh "$fh_y" 2>&1)"
fh_y2=$(fh_of "$W/exp/y")
[ "$(kind "$fh_y2")" = 04 ] && c statfh "$fh_y2" | grep -q '^type: reg' &&
	ok "after the reload LOOKUP gives a working parent-carrying handle" || ko "new handle: $fh_y2"
c statfh "$fh_d" 2>&1 | grep -q NFS4ERR_STALE && c statfh "$fh_c" | grep -q '^type: dir' &&
	ok "directory handles keep their format and checks over the reload" ||
	ko "dir handles after reload: $(c statfh "$fh_c" 2>&1)"
# clients of one export that disagree: a configuration error naming the line
printf '%s 127.0.0.1(rw,subtree_check) 127.0.0.2(no_subtree_check)\n' "$W/exp" > "$W/exports.bad"
printf '[lnfsd]\nstate-dir = %s\nexports = %s\n' "$W/state" "$W/exports.bad" > "$W/conf.bad"
out=$("$LNFSD" --check-config -c "$W/conf.bad" 2>&1)
case $out in
*"exports.bad:1: no_subtree_check:"*) ok "conflicting subtree_check settings: file:line:key error" ;;
*) ko "conflicting subtree_check: $out" ;;
esac
"$LNFSD" --check-config -c "$W/conf" 2>&1 | grep -q "subtree_check" &&
	ok "--check-config shows subtree_check" || ko "check-config: $("$LNFSD" --check-config -c "$W/conf" 2>&1)"

kill -0 "$SPID" 2>/dev/null && ok "server alive" || ko "server died: $(tail -n 5 "$W/log")"
echo "t_escape: $pass passed, $fail failed"
[ $fail = 0 ]
