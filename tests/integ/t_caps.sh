#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_caps.sh - least privilege (docs/security.md): lnfsd started as root
# with a trusted.* label domain keeps exactly DAC_READ_SEARCH, SYS_ADMIN,
# SETUID, SETGID, CHOWN, FOWNER, FSETID, DAC_OVERRIDE and MKNOD in its
# effective, permitted and bounding sets (every thread), nothing inheritable or ambient, NoNewPrivs set, logs
# the kept set at -v; and still works for a root client (create, chown, a
# device node, a trusted.* label) and for a user (fs capabilities follow
# the fsuid: a user is refused a root-owned directory, root is not after).
# With only user.* domains it drops SYS_ADMIN too, and refuses a reload that
# would need it.
# The server listens on 127.0.0.1 only and is stopped by pid.
set -u
. "$(dirname "$0")/lib.sh"
lib_init caps
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (the capabilities to drop)"; exit 77; }

# the kept set: bits 0 chown, 1 dac_override, 2 dac_read_search, 3 fowner,
# 4 fsetid, 6 setgid, 7 setuid, 21 sys_admin, 27 mknod
WANT=00000000082000df
mkdir -p "$W/exp" "$W/state" || exit 99
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = %s\nexports = %s\n\n[domain "alpha"]\nformat = selinux\n' \
	"$W/state" "$W/ctl.sock" "$W/exports" > "$W/conf"
printf '%s 127.0.0.1(rw,no_root_squash,domain=alpha)\n' "$W/exp" > "$W/exports"
"$LNFSD" -f -v -c "$W/conf" -l "127.0.0.1:$port" > "$W/log" 2>&1 &
SPID=$!
c() { "$CLI" -s 127.0.0.1 -p "$port" "$@"; }
# wait_up LOG: until the server answers NULL, else fail with LOG's tail
wait_up() {
	i=0
	while ! c null >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "FAIL: server did not start: $(tail -n 5 "$1")"; exit 1; }
		sleep 0.1
	done
}
wait_up "$W/log"

field() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$SPID/status"; }
for f in CapEff CapPrm CapBnd; do
	v=$(field $f)
	[ "$v" = "$WANT" ] && ok "$f is exactly the kept set" || ko "$f is $v, want $WANT"
done
[ "$(field CapInh)" = 0000000000000000 ] && ok "nothing inheritable" || ko "CapInh $(field CapInh)"
[ "$(field CapAmb)" = 0000000000000000 ] && ok "nothing ambient" || ko "CapAmb $(field CapAmb)"
[ "$(field NoNewPrivs)" = 1 ] && ok "NoNewPrivs is set" || ko "NoNewPrivs $(field NoNewPrivs)"
bad=0
for t in /proc/$SPID/task/*; do
	e=$(sed -n 's/^CapEff:[[:space:]]*//p' "$t/status")
	b=$(sed -n 's/^CapBnd:[[:space:]]*//p' "$t/status")
	[ "$e" = "$WANT" ] && [ "$b" = "$WANT" ] || bad=$((bad + 1))
done
[ $bad = 0 ] && ok "every thread has the kept set" || ko "$bad threads differ"
grep -q "capabilities kept: cap_chown,cap_dac_override,cap_dac_read_search,cap_fowner,cap_fsetid,cap_setgid,cap_setuid,cap_sys_admin,cap_mknod" "$W/log" &&
	ok "the kept set is logged at -v" || ko "no kept-set log line: $(cat "$W/log")"

# a root client still acts as root
echo data > "$W/src"
c put "$W/src" "$W/exp/f" && [ "$(stat -c %u "$W/exp/f")" = 0 ] && ok "root creates a file" ||
	ko "root create"
if c chown "$W/exp/f" 1234 1234 && [ "$(stat -c %u:%g "$W/exp/f")" = 1234:1234 ]; then
	ok "root chowns a file (CAP_CHOWN)"
else
	ko "chown: $(stat -c %u:%g "$W/exp/f")"
fi
c mkchr "$W/exp/null" 1 3 && [ "$(stat -c %t,%T "$W/exp/null")" = 1,3 ] &&
	ok "root creates a device node (CAP_MKNOD)" || ko "mknod"
if c -m 2 setlabel "$W/exp/f" system_u:object_r:caps_t:s0 &&
	getfattr --absolute-names --only-values -n trusted.lnfs.alpha "$W/exp/f" 2>/dev/null |
		tr -d '\0' | grep -q caps_t; then
	ok "a label is stored in trusted.lnfs.alpha (CAP_SYS_ADMIN)"
elif ! command -v getfattr >/dev/null 2>&1 && c -m 2 getlabel "$W/exp/f" | grep -q caps_t; then
	ok "a label is set (getfattr not installed)"
else
	ko "label: $(c -m 2 getlabel "$W/exp/f" 2>&1)"
fi
# fs capabilities follow the fsuid: a user is refused, root works after it
mkdir -m 0755 "$W/exp/rootdir"
c -u 1000 -g 1000 put "$W/src" "$W/exp/rootdir/u" 2>/dev/null &&
	ko "uid 1000 wrote into a root-owned 0755 directory" ||
	ok "uid 1000 is refused a root-owned 0755 directory"
mkdir -m 0777 "$W/exp/open"
c -u 1000 -g 1000 put "$W/src" "$W/exp/open/u" && [ "$(stat -c %u "$W/exp/open/u")" = 1000 ] &&
	ok "uid 1000 creates as itself (CAP_SETUID/SETGID)" || ko "user create"
c put "$W/src" "$W/exp/rootdir/r" && c chown "$W/exp/open/u" 0 0 && ok "root again after a user" ||
	ko "root after a user"
kill -0 "$SPID" 2>/dev/null && ok "server alive" || ko "server died: $(tail -n 5 "$W/log")"
kill -TERM "$SPID"
wait "$SPID" 2>/dev/null
SPID=

# Every domain in user.* xattrs (the default one declared too): nothing
# needs CAP_SYS_ADMIN, so it is dropped as well (bit 21 clear); labels still
# work; a reload that brings a trusted.* domain is refused with the reason
# and the running configuration stays.
WANT2=00000000080000df
mkdir -p "$W/exp2" "$W/state2" || exit 99
cat > "$W/conf2" <<EOC
[lnfsd]
state-dir = $W/state2
control-socket = $W/ctl2.sock
exports = $W/exports2

[domain "default"]
xattr = user.lnfs.default

[domain "alpha"]
format = selinux
xattr = user.lnfs.alpha
EOC
printf '%s 127.0.0.1(rw,no_root_squash,domain=alpha)\n' "$W/exp2" > "$W/exports2"
"$LNFSD" -f -v -c "$W/conf2" -l "127.0.0.1:$port" > "$W/log2" 2>&1 &
SPID=$!
wait_up "$W/log2"
for f in CapEff CapPrm CapBnd; do
	v=$(field $f)
	[ "$v" = "$WANT2" ] && ok "user.* domains only: $f has no cap_sys_admin" ||
		ko "user.* domains only: $f is $v, want $WANT2"
done
grep -q "capabilities kept: cap_chown,cap_dac_override,cap_dac_read_search,cap_fowner,cap_fsetid,cap_setgid,cap_setuid,cap_mknod" "$W/log2" &&
	ok "the smaller kept set is logged" || ko "kept-set log line: $(grep capabilities "$W/log2")"
c put "$W/src" "$W/exp2/f" || ko "create in exp2"
if c -m 2 setlabel "$W/exp2/f" system_u:object_r:caps_t:s0 &&
	c -m 2 getlabel "$W/exp2/f" | grep -q caps_t; then
	ok "a label is set and read without CAP_SYS_ADMIN (user.lnfs.alpha)"
else
	ko "label without CAP_SYS_ADMIN: $(c -m 2 getlabel "$W/exp2/f" 2>&1)"
fi
printf '\n[domain "beta"]\nxattr = trusted.lnfs.beta\n' >> "$W/conf2"
if [ -x "$B/server/lnfsctl" ]; then
	"$B/server/lnfsctl" -s "$W/ctl2.sock" reload > "$W/reload.out" 2>&1 &&
		ko "a reload needing CAP_SYS_ADMIN was accepted: $(cat "$W/reload.out")" ||
		{ grep -q "label domain beta stores labels in trusted.lnfs.beta, which needs CAP_SYS_ADMIN" "$W/reload.out" &&
			ok "a reload needing CAP_SYS_ADMIN is refused with the reason" ||
			ko "reload refusal message: $(cat "$W/reload.out")"; }
else
	kill -HUP "$SPID"
	sleep 1
	grep -q "needs CAP_SYS_ADMIN" "$W/log2" && ok "a reload needing CAP_SYS_ADMIN is refused (log)" ||
		ko "no refusal in the log"
fi
c -m 2 getlabel "$W/exp2/f" | grep -q caps_t && ok "the running configuration still serves labels" ||
	ko "labels after the refused reload"
kill -0 "$SPID" 2>/dev/null && ok "server alive" || ko "server died: $(tail -n 5 "$W/log2")"
echo "t_caps: $pass passed, $fail failed"
[ $fail = 0 ]
