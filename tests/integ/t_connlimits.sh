#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_connlimits.sh - the transport limits in lnfsd.conf: max-connections and
# max-requests (the parser with file:line:key errors, --check-config and the
# defaults), and max-connections itself: with 3, three connections are
# served, a fourth is closed without an answer, and once one of the three
# goes a new one is served again; with max-requests = 2, clients that
# pipeline READs and never read the replies pin little server memory.  The server listens on 127.0.0.1 only and
# is stopped by pid.
set -u
. "$(dirname "$0")/lib.sh"
lib_init connlimits
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
mkdir -p "$W/exp" "$W/state"
conf() {
	printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = none\n%s\n' "$W/state" "$1" > "$W/conf"
}

conf "max-connections = 0"
expect "max-connections = 0 is refused, naming file, line and key" 1 \
	"$W/conf:4: max-connections" "$LNFSD" --check-config -c "$W/conf" -e "$W/exp"
conf "max-requests = 2000"
expect "max-requests above 1024 is refused" 1 "$W/conf:4: max-requests.*1..1024" \
	"$LNFSD" --check-config -c "$W/conf" -e "$W/exp"
conf "max-requests = many"
expect "max-requests must be a number" 1 "max-requests" \
	"$LNFSD" --check-config -c "$W/conf" -e "$W/exp"
conf ""
expect "max-connections defaults to 4096" 0 "max-connections = 4096" \
	"$LNFSD" --check-config -c "$W/conf" -e "$W/exp"
expect "max-requests defaults to 64" 0 "max-requests = 64" \
	"$LNFSD" --check-config -c "$W/conf" -e "$W/exp"
printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = none\nmax-connections = 3\nmax-requests = 8\n' \
	"$W/state" > "$W/conf"
expect "--check-config shows both" 0 "max-requests = 8" \
	"$LNFSD" --check-config -c "$W/conf" -e "$W/exp"

port=$(free_port 127.0.0.1)
start_lnfsd 127.0.0.1 -c "$W/conf" -e "$W/exp" -l "127.0.0.1:$port"
# NULL calls over raw sockets: three held connections, a fourth refused,
# a fifth served after one of the three closed
expect "max-connections = 3: the fourth connection is closed unanswered, a later one served" 0 \
	"^3 served, 4th closed, 5th served$" python3 - "$port" <<'PY'
import socket, struct, sys, time
port = int(sys.argv[1])
def null_call(s, xid):
    body = struct.pack(">10I", xid, 0, 2, 100003, 4, 0, 0, 0, 0, 0)
    s.sendall(struct.pack(">I", 0x80000000 | len(body)) + body)
    s.settimeout(5)
    data = b""
    try:
        while len(data) < 4:
            chunk = s.recv(4 - len(data))
            if not chunk:
                return False
            data += chunk
        n = struct.unpack(">I", data)[0] & 0x7fffffff
        rest = b""
        while len(rest) < n:
            chunk = s.recv(n - len(rest))
            if not chunk:
                return False
            rest += chunk
        return struct.unpack(">I", rest[:4])[0] == xid
    except (socket.timeout, ConnectionError):
        return False
def served(xid):
    # the start-up probe's connection may still be counted for a moment
    for _ in range(50):
        s = socket.create_connection(("127.0.0.1", port))
        if null_call(s, xid):
            return s
        s.close()
        time.sleep(0.1)
    return None
held = []
for i in range(3):
    s = served(100 + i)
    if not s:
        print("connection %d not served" % (i + 1)); sys.exit(1)
    held.append(s)
s4 = socket.create_connection(("127.0.0.1", port))
if null_call(s4, 200):
    print("the 4th connection was served"); sys.exit(1)
s4.close()
held.pop().close()
if not served(300):
    print("no connection served after one closed"); sys.exit(1)
print("3 served, 4th closed, 5th served")
PY
kill -0 "$SPID" 2>/dev/null && ok "server alive" || ko "server died: $(tail -n 5 "$W/log")"

# max-requests bounds what clients that never read can pin: 4 sessions
# pipelining READs of 256 KiB (tests/load/lnfs_load noread) raise the
# server's RSS by about 12 MB per client with the default 64; with
# max-requests = 2 the server holds at most two replies per connection.
TOOL=$B/tests/load/lnfs_load
if [ -x "$TOOL" ]; then
	kill -TERM "$SPID"
	wait "$SPID" 2>/dev/null
	SPID=
	printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = none\nmax-requests = 2\n' \
		"$W/state" > "$W/conf"
	start_lnfsd 127.0.0.1 -c "$W/conf" -e "$W/exp" -l "127.0.0.1:$port"
	out=$(LNFS_SERVER=127.0.0.1 LNFS_PORT=$port LNFS_EXPORT=$W/exp LOAD_PID=$SPID \
		LOAD_LOG=$W/log LOAD_STATE_DIR=$W/state "$TOOL" noread 4 4 2>&1)
	per=$(printf '%s\n' "$out" | sed -n 's/^metric rss_kb_noread_per_client //p')
	if [ -n "$per" ] && [ "$per" -lt 4096 ]; then
		ok "max-requests = 2: non-reading clients pin $per KiB each (under 4 MiB)"
	else
		ko "max-requests = 2: per-client RSS [$per] KiB; output: $out"
	fi
	kill -0 "$SPID" 2>/dev/null && ok "server alive after the non-reading clients" ||
		ko "server died: $(tail -n 5 "$W/log")"
fi
finish connlimits
