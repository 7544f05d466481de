#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_hostrules.sh - host-name client rules match the peer's verified name.
# Uses only names this machine resolves without a network: 127.0.0.1 must
# have a reverse name (getnameinfo NI_NAMEREQD, normally "localhost" from
# /etc/hosts) that resolves back to 127.0.0.1, and 127.0.0.2 none; else
# the test skips.  Exports (clients from 127.0.0.1 and 127.0.0.2):
#   e1  NAME(rw,domain=byname)  *(rw,domain=other)
#   e2  PATTERN(ro)             *(rw)          PATTERN: NAME's first letter + "*"
#   e3  NAME(ro)                127.0.0.1(rw)  (an address outranks a name)
# Checks: 127.0.0.1 labels in "byname", 127.0.0.2 in "other" (host
# xattrs); 127.0.0.1 cannot write e2, 127.0.0.2 can; 127.0.0.1 writes e3.
# Needs root (handles, trusted.* xattrs), else skips.
set -u
. "$(dirname "$0")/lib.sh"
lib_init hostrules
[ -x "$CLI" ] || { echo "SKIP: $CLI not built"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (handles, trusted.* xattrs)"; exit 77; }
command -v getfattr >/dev/null 2>&1 || { echo "SKIP: getfattr (attr) not installed"; exit 77; }

# the verified name of an address, as lnfsd finds it, or nothing
vname() {
	python3 -c '
import socket, sys
a = sys.argv[1]
try:
    n = socket.getnameinfo((a, 0), socket.NI_NAMEREQD)[0]
    if a in {i[4][0] for i in socket.getaddrinfo(n, None)}:
        print(n.rstrip(".").lower())
except OSError:
    pass' "$1"
}
N=$(vname 127.0.0.1)
[ -n "$N" ] || { echo "SKIP: 127.0.0.1 has no verified host name here"; exit 77; }
[ -z "$(vname 127.0.0.2)" ] || { echo "SKIP: 127.0.0.2 has a host name here"; exit 77; }
case $N in *[!a-z0-9.-]*) echo "SKIP: unusual host name $N"; exit 77 ;; esac
P=$(printf '%s' "$N" | cut -c1)'*'

mkdir -p "$W/e1" "$W/e2" "$W/e3" "$W/state"
F=$W/e1/f
echo data > "$F"
setfattr -n trusted.lnfs-probe -v 1 "$F" 2>/dev/null || { echo "SKIP: no trusted.* xattrs in $W"; exit 77; }
setfattr -x trusted.lnfs-probe "$F"
cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $W/state
exports = $W/exports
[domain "byname"]
[domain "other"]
CONF
cat > "$W/exports" <<EXP
$W/e1 $N(rw,no_root_squash,domain=byname) *(rw,no_root_squash,domain=other)
$W/e2 $P(ro,no_root_squash) *(rw,no_root_squash)
$W/e3 $N(ro,no_root_squash) 127.0.0.1(rw,no_root_squash)
EXP
port=$(free_port 127.0.0.1)
start_lnfsd 127.0.0.1 -v -c "$W/lnfsd.conf" -l "127.0.0.1:$port"
c() { # SRCADDR CMD...
	_a=$1
	shift
	"$CLI" -m 2 -b "$_a" -s 127.0.0.1 -p "$port" "$@"
}
echo local > "$W/src"

expect "127.0.0.1 ($N) sets a label" 0 "" c 127.0.0.1 setlabel "$F" "by name"
expect "127.0.0.2 (no name) sets a label" 0 "" c 127.0.0.2 setlabel "$F" "by address"
v1=$(getfattr --absolute-names --only-values -n trusted.lnfs.byname "$F" 2>/dev/null | tr -d '\0')
v2=$(getfattr --absolute-names --only-values -n trusted.lnfs.other "$F" 2>/dev/null | tr -d '\0')
case $v1 in *"by name") ok "rule $N chose domain byname" ;; *) ko "trusted.lnfs.byname: [$v1]" ;; esac
case $v2 in *"by address") ok "127.0.0.2 fell to * (domain other)" ;; *) ko "trusted.lnfs.other: [$v2]" ;; esac
expect "pattern $P: 127.0.0.1 is read-only on e2" 1 "ROFS\|ACCESS" c 127.0.0.1 put "$W/src" "$W/e2/a"
expect "127.0.0.2 writes e2 through *" 0 "" c 127.0.0.2 put "$W/src" "$W/e2/b"
expect "an address rule outranks the host rule (e3 writable)" 0 "" \
	c 127.0.0.1 put "$W/src" "$W/e3/c"
grep -q "client 127.0.0.1 $N: label domain byname" "$W/log" &&
	ok "the log names the client's host and domain" ||
	ko "log: $(grep 'label domain' "$W/log" | tail -n 3)"
kill -0 "$SPID" 2>/dev/null && ok "server alive" || ko "server died"
finish t_hostrules
