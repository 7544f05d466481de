#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_connlimits.sh - the transport limits in lnfsd.conf: max-connections and
# max-requests (the parser with file:line:key errors, --check-config and the
# defaults), and max-connections itself: with 3, three connections are
# served, a fourth is closed without an answer, and once one of the three
# goes a new one is served again.  The server listens on 127.0.0.1 only and
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
finish connlimits
