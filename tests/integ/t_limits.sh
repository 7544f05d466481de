#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_limits.sh - configurable limits: max-clients in lnfsd.conf (the parser,
# --check-config, the limit itself through tests/integ/t_limits, its log
# line, and a reload that raises it).  The server listens on 127.0.0.1 only
# and is stopped by pid.
set -u
. "$(dirname "$0")/lib.sh"
lib_init limits
DRV=$B/tests/integ/t_limits
[ -x "$DRV" ] || { echo "SKIP: $DRV not built"; exit 77; }
mkdir -p "$W/exp" "$W/state"
conf() {
	printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = none\nmax-clients = %s\n' \
		"$W/state" "$1" > "$W/conf"
}

conf 0
expect "max-clients = 0 is refused, naming file, line and key" 1 \
	"$W/conf:4: max-clients" "$LNFSD" --check-config -c "$W/conf" -e "$W/exp"
conf lots
expect "max-clients must be a number" 1 "max-clients.*1..1048576" \
	"$LNFSD" --check-config -c "$W/conf" -e "$W/exp"
conf 4
expect "--check-config shows max-clients" 0 "max-clients = 4" \
	"$LNFSD" --check-config -c "$W/conf" -e "$W/exp"
printf '[lnfsd]\nstate-dir = %s\n' "$W/state" > "$W/conf0"
expect "max-clients defaults to 1024" 0 "max-clients = 1024" \
	"$LNFSD" --check-config -c "$W/conf0" -e "$W/exp"

port=$(free_port 127.0.0.1)
start_lnfsd 127.0.0.1 -c "$W/conf" -e "$W/exp" -l "127.0.0.1:$port"
expect "max-clients = 4: the fifth client waits" 0 "t_limits: 0 failed" \
	env LNFS_SERVER=127.0.0.1 LNFS_PORT="$port" "$DRV" 4
grep -q 'client limit reached (max-clients = 4)' "$W/log" &&
	ok "the server logs that the limit was reached" ||
	ko "no 'client limit reached' line in the log: $(tail -n 5 "$W/log")"

conf 6
kill -HUP "$SPID"
i=0
until grep -q 'configuration reloaded' "$W/log" || [ $i -gt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect "after a reload with max-clients = 6, six clients fit and the seventh waits" 0 \
	"t_limits: 0 failed" env LNFS_SERVER=127.0.0.1 LNFS_PORT="$port" "$DRV" 6
stop_lnfsd && ok "the server stops cleanly" || ko "the server exited with status $?"
finish t_limits
