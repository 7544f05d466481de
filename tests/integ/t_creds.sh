#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_creds.sh - every operation runs with the caller's AUTH_SYS identity
# after the export's squash rule: the host's own permission checks apply,
# new objects belong to the caller, root_squash and all_squash map to the
# anonymous ids, and only an object's owner may relabel it.  The server
# listens on 127.0.0.1 only and is stopped by pid.
set -u
. "$(dirname "$0")/lib.sh"
lib_init creds
[ "$(id -u)" = 0 ] || { echo "SKIP: switching identities needs root"; exit 77; }
chmod 0755 "$W"
mkdir -p "$W/rw" "$W/sq" "$W/all" "$W/only2" "$W/state"
echo two > "$W/only2/f"
chmod 0777 "$W/sq" "$W/all"
mkdir "$W/rw/mine" && chown 1000:1000 "$W/rw/mine"
echo secret > "$W/rw/private" && chown 1000:1000 "$W/rw/private" && chmod 0600 "$W/rw/private"
echo open > "$W/rw/public"
printf '[lnfsd]\nstate-dir = %s\nexports = %s\n' "$W/state" "$W/exports" > "$W/conf"
cat > "$W/exports" <<EOX
$W/rw 127.0.0.1(rw,no_root_squash)
$W/sq 127.0.0.1(rw,root_squash,anonuid=7777,anongid=7778)
$W/all 127.0.0.1(rw,all_squash,anonuid=4321,anongid=4322)
$W/only2 127.0.0.2(rw,no_root_squash)
EOX
port=$(free_port 127.0.0.1)
start_lnfsd 127.0.0.1 -c "$W/conf" -l "127.0.0.1:$port"
as() { u=$1; shift; "$CLI" -s 127.0.0.1 -p "$port" -m 2 -u "$u" -g "$u" "$@"; }

expect "the owner reads a 0600 file" 0 "secret" as 1000 cat "$W/rw/private"
expect "another user cannot open a 0600 file" 1 "NFS4ERR_ACCESS" as 2000 cat "$W/rw/private"
expect "another user reads a 0644 file" 0 "open" as 2000 cat "$W/rw/public"
echo data > "$W/in"
expect "a user cannot create in a root-owned 0755 directory" 1 "NFS4ERR_ACCESS" \
	as 1000 put "$W/in" "$W/rw/nope"
expect "a user creates in a directory they own" 0 "" as 1000 put "$W/in" "$W/rw/mine/new"
[ "$(stat -c %u:%g "$W/rw/mine/new" 2>/dev/null)" = "1000:1000" ] &&
	ok "the new file belongs to the caller (1000:1000)" ||
	ko "new file owner: $(stat -c %u:%g "$W/rw/mine/new" 2>&1)"
expect "mkdir as a user" 0 "" as 1000 mkdir "$W/rw/mine/d"
[ "$(stat -c %u "$W/rw/mine/d" 2>/dev/null)" = 1000 ] && ok "the new directory belongs to the caller" ||
	ko "new dir owner: $(stat -c %u "$W/rw/mine/d" 2>&1)"
expect "root without squash creates as root" 0 "" as 0 put "$W/in" "$W/rw/byroot"
[ "$(stat -c %u:%g "$W/rw/byroot")" = "0:0" ] && ok "no_root_squash: owned by 0:0" ||
	ko "no_root_squash owner: $(stat -c %u:%g "$W/rw/byroot")"
expect "root_squash: root creates" 0 "" as 0 put "$W/in" "$W/sq/f"
[ "$(stat -c %u:%g "$W/sq/f")" = "7777:7778" ] && ok "root_squash maps root to anonuid/anongid" ||
	ko "root_squash owner: $(stat -c %u:%g "$W/sq/f")"
expect "root_squash: other users keep their id" 0 "" as 1000 put "$W/in" "$W/sq/g"
[ "$(stat -c %u "$W/sq/g")" = 1000 ] && ok "root_squash leaves uid 1000 alone" ||
	ko "root_squash uid 1000: $(stat -c %u "$W/sq/g")"
expect "all_squash: a user creates" 0 "" as 1000 put "$W/in" "$W/all/h"
[ "$(stat -c %u:%g "$W/all/h")" = "4321:4322" ] && ok "all_squash maps everybody to anonuid/anongid" ||
	ko "all_squash owner: $(stat -c %u:%g "$W/all/h")"
expect "the owner relabels their file" 0 "" \
	as 1000 setlabel "$W/rw/private" system_u:object_r:httpd_sys_content_t:s0
expect "another user may not relabel it" 1 "NFS4ERR_PERM" \
	as 2000 setlabel "$W/rw/private" system_u:object_r:public_content_t:s0
expect "another user still reads the label" 0 "httpd_sys_content_t" as 2000 getlabel "$W/rw/private"
expect "root (no squash) relabels any file" 0 "" \
	as 0 setlabel "$W/rw/private" system_u:object_r:public_content_t:s0
expect "squashed root may not relabel a file it does not own" 1 "NFS4ERR_PERM" \
	as 0 setlabel "$W/sq/g" system_u:object_r:public_content_t:s0
expect "a user cannot remove from a directory without write permission" 1 "NFS4ERR_ACCESS" \
	as 2000 rm "$W/rw/public"
expect "a client no rule of the export admits is refused" 1 "NFS4ERR_ACCESS" as 0 cat "$W/only2/f"
expect "the client the rule names is served" 0 "two" \
	"$CLI" -s 127.0.0.1 -b 127.0.0.2 -p "$port" -m 2 -u 0 -g 0 cat "$W/only2/f"
stop_lnfsd
finish t_creds
