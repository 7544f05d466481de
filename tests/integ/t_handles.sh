#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_handles.sh - file handles survive a server restart (same state-dir), a
# forged handle is NFS4ERR_BADHANDLE, a deleted object's handle and the
# handle of an export that is gone are NFS4ERR_STALE.  Servers listen on
# 127.0.0.1 only and are stopped by pid.
set -u
. "$(dirname "$0")/lib.sh"
lib_init fh
[ "$(id -u)" = 0 ] || { echo "SKIP: open_by_handle_at needs root (CAP_DAC_READ_SEARCH)"; exit 77; }
port=$(free_port 127.0.0.1)
mkdir -p "$W/exp/dir" "$W/other" "$W/state"
echo one > "$W/exp/dir/file"
echo two > "$W/exp/gone"
echo three > "$W/other/f"
printf '[lnfsd]\nstate-dir = %s\nexports = %s\n' "$W/state" "$W/exports" > "$W/conf"
printf '%s 127.0.0.1(rw,no_root_squash)\n%s 127.0.0.1(rw)\n' "$W/exp" "$W/other" > "$W/exports"
start() { start_lnfsd 127.0.0.1 -c "$W/conf" -l "127.0.0.1:$port"; }
stop() { stop_lnfsd; }
c() { "$CLI" -s 127.0.0.1 -p "$port" "$@"; }
fh_of() { c stat "$1" | sed -n 's/^fh: //p'; }

start
fh_file=$(fh_of "$W/exp/dir/file")
fh_dir=$(fh_of "$W/exp/dir")
fh_gone=$(fh_of "$W/exp/gone")
fh_other=$(fh_of "$W/other/f")
fh_pseudo=$(fh_of "$(dirname "$W")")
ino=$(stat -c %i "$W/exp/dir/file")
[ -n "$fh_file" ] && [ -n "$fh_other" ] && ok "handles issued" || ko "no handles"
stop
start
if c statfh "$fh_file" | grep -q "^fileid: $ino$"; then
	ok "a file's handle works after a restart"
else
	ko "file handle after restart: $(c statfh "$fh_file" 2>&1)"
fi
c statfh "$fh_dir" | grep -q "^type: dir" && ok "a directory's handle works after a restart" ||
	ko "directory handle after restart"
c statfh "$fh_pseudo" | grep -q "^type: dir" && ok "a pseudo-fs handle works after a restart" ||
	ko "pseudo handle after restart"
# flip one bit in several positions: every one is refused
bad=0
for pos in 0 2 5 9 14 17 20 $((${#fh_file} / 2 - 1)); do
	h=$(printf '%s' "$fh_file" | python3 -c "
import sys; b=bytearray.fromhex(sys.stdin.read().strip()); b[$pos]^=1; print(b.hex())")
	c statfh "$h" 2>&1 | grep -q NFS4ERR_BADHANDLE || bad=$((bad + 1))
done
[ $bad = 0 ] && ok "handles with a flipped bit are NFS4ERR_BADHANDLE" || ko "$bad forged handles were not refused"
short=$(printf '%s' "$fh_file" | cut -c1-30)
c statfh "$short" 2>&1 | grep -q NFS4ERR_BADHANDLE && ok "a truncated handle is NFS4ERR_BADHANDLE" ||
	ko "truncated handle: $(c statfh "$short" 2>&1)"
rm "$W/exp/gone"
c statfh "$fh_gone" 2>&1 | grep -q NFS4ERR_STALE && ok "a deleted file's handle is NFS4ERR_STALE" ||
	ko "deleted file handle: $(c statfh "$fh_gone" 2>&1)"
# take export "other" away: its handles become stale on reload
printf '%s 127.0.0.1(rw,no_root_squash)\n' "$W/exp" > "$W/exports"
kill -HUP "$SPID"
sleep 0.5
c statfh "$fh_other" 2>&1 | grep -q NFS4ERR_STALE && ok "handles of a removed export are NFS4ERR_STALE" ||
	ko "removed export handle: $(c statfh "$fh_other" 2>&1)"
c statfh "$fh_file" | grep -q "^fileid: $ino$" && ok "handles of the remaining export still work" ||
	ko "remaining export after reload"
stop
# a new key (state-dir wiped) makes old handles unusable, never valid for another object
rm -f "$W/state/fh.key"
start
c statfh "$fh_file" 2>&1 | grep -q NFS4ERR_BADHANDLE && ok "handles under a new key are NFS4ERR_BADHANDLE" ||
	ko "new key: $(c statfh "$fh_file" 2>&1)"
stop
finish t_handles
