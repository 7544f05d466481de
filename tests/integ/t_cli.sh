#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_cli.sh - lnfsd's command line, --check-config, configuration errors,
# SIGHUP reload (new exports appear, a broken file keeps the old
# configuration, the process and its clients stay) and SIGTERM shutdown.
# Every server listens on 127.0.0.1 only and is stopped by pid.
set -u
B=$(pwd)
LNFSD=${LNFSD:-$B/server/lnfsd}
CLI=$B/tests/lib/nfs4cli
[ -x "$LNFSD" ] || { echo "SKIP: $LNFSD not built"; exit 77; }
W=$(mktemp -d /tmp/lnfs-cli.XXXXXX)
SPID=
cleanup() {
	[ -n "$SPID" ] && kill -KILL "$SPID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }
expect() { # expect DESC EXPECTED_RC PATTERN CMD...
	d=$1 want=$2 pat=$3
	shift 3
	out=$("$@" 2>&1)
	got=$?
	if [ "$got" = "$want" ] && printf '%s\n' "$out" | grep -q -- "$pat"; then
		ok "$d"
	else
		ko "$d (exit $got, wanted $want; output: $out)"
	fi
}

expect "unknown option is refused with a usage hint" 2 "unknown option --bogus (try 'lnfsd --help')" \
	"$LNFSD" --bogus
expect "-l without a value" 2 "needs a value" "$LNFSD" -l
expect "-e needs an absolute path" 2 "absolute path" "$LNFSD" -e relative/dir
: > "$W/empty.conf"
expect "nothing to export" 1 "nothing to export" "$LNFSD" -c "$W/empty.conf"
expect "missing export directory names it" 1 "$W/nope" "$LNFSD" -f -e "$W/nope"
expect "bad listen address" 1 "-l 999.1.1.1:2049" "$LNFSD" -f -l 999.1.1.1:2049 -e "$W"
expect "--help" 0 "usage: lnfsd" "$LNFSD" --help
expect "--version" 0 "lnfsd " "$LNFSD" --version

mkdir -p "$W/a" "$W/b" "$W/state"
cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
listen = 127.0.0.1:2049
state-dir = $W/state
exports = $W/exports
lease-time = 30
CONF
printf '%s 127.0.0.1(rw,no_root_squash)\n' "$W/a" > "$W/exports"
expect "--check-config prints the effective configuration" 0 "lease-time" \
	"$LNFSD" --check-config -c "$W/lnfsd.conf"
expect "--check-config lists the exports" 0 "$W/a" "$LNFSD" --check-config -c "$W/lnfsd.conf"
printf '[lnfsd]\nlease-time = soon\n' > "$W/bad.conf"
expect "a bad value names file, line and key" 1 "$W/bad.conf:2: lease-time:" \
	"$LNFSD" --check-config -c "$W/bad.conf"
printf '%s 127.0.0.1(rw,frobnicate)\n' "$W/a" > "$W/bad-exports"
printf '[lnfsd]\nexports = %s\n' "$W/bad-exports" > "$W/bad2.conf"
expect "a bad export option names file and line" 1 "$W/bad-exports:1" \
	"$LNFSD" --check-config -c "$W/bad2.conf"

# a running server: find a free port by letting the kernel pick one
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 23049)
"$LNFSD" -f -v -c "$W/lnfsd.conf" -l "127.0.0.1:$port" > "$W/log" 2>&1 &
SPID=$!
i=0
while ! "$CLI" -s 127.0.0.1 -p "$port" null >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && { ko "server did not start: $(cat "$W/log")"; exit 1; }
	sleep 0.1
done
echo hi > "$W/a/x"
echo hi > "$W/b/y"
expect "export a is served" 0 "x" "$CLI" -s 127.0.0.1 -p "$port" ls "$W/a"
expect "export b is not served yet" 1 "NOENT" "$CLI" -s 127.0.0.1 -p "$port" ls "$W/b"
printf '%s 127.0.0.1(rw,no_root_squash)\n%s 127.0.0.1(ro)\n' "$W/a" "$W/b" > "$W/exports"
kill -HUP "$SPID"
sleep 0.5
expect "after SIGHUP export b is served" 0 "y" "$CLI" -s 127.0.0.1 -p "$port" ls "$W/b"
expect "after SIGHUP export a is still served" 0 "hi" "$CLI" -s 127.0.0.1 -p "$port" cat "$W/a/x"
expect "the new export is read-only" 1 "ROFS" "$CLI" -s 127.0.0.1 -p "$port" mkdir "$W/b/new"
printf '%s 127.0.0.1(rw,nonsense)\n' "$W/a" > "$W/exports"
kill -HUP "$SPID"
sleep 0.5
if kill -0 "$SPID" 2>/dev/null && grep -q "reload failed, keeping the running configuration" "$W/log"; then
	ok "a broken configuration on SIGHUP is refused and logged"
else
	ko "a broken configuration on SIGHUP (log: $(tail -n 3 "$W/log"))"
fi
expect "the old configuration keeps serving after a failed reload" 0 "y" \
	"$CLI" -s 127.0.0.1 -p "$port" ls "$W/b"
kill -TERM "$SPID"
i=0
while kill -0 "$SPID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$SPID" 2>/dev/null; then
	ko "SIGTERM did not stop the server within 5 s"
else
	wait "$SPID"
	rc=$?
	SPID=
	if [ $rc = 0 ] && grep -q "stopped" "$W/log"; then ok "SIGTERM stops cleanly (exit 0)"; else ko "SIGTERM exit $rc"; fi
fi
echo "t_cli: $pass passed, $fail failed"
[ $fail = 0 ]
