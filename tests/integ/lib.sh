# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared by the shell integration tests that start their own
# lnfsd (sourced, not run): PASS/FAIL counting, `expect`, a free loopback
# port, and starting/stopping the server by pid with its temp directory
# removed at exit.  Run the tests from the top build directory.
#
#   . "$(dirname "$0")/lib.sh"
#   lib_init NAME           # B, LNFSD, CLI, W (temp dir), cleanup trap
#   port=$(free_port 127.0.0.1 [127.0.0.2 ...])
#   start_lnfsd ADDR ARGS...  # lnfsd -f ARGS >> $W/log, waits for ADDR:$port
#   ok/ko/expect ...; stop_lnfsd; finish NAME
#
# LNFS_WRAPPER, when set, is a command lnfsd runs under (word-split), e.g.
# valgrind (tests/integ/valgrind.sh): the server then gets 60 s to start and
# to stop, and a non-zero exit status of the server (the wrapper's report)
# counts as a failure, whether the test stops it or the clean-up does.

lib_init() {
	B=$(pwd)
	LNFSD=${LNFSD:-$B/server/lnfsd}
	CLI=$B/tests/lib/nfs4cli
	[ -x "$LNFSD" ] || { echo "SKIP: $LNFSD not built"; exit 77; }
	W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-$1.XXXXXX") || exit 99
	SPID=
	pass=0
	fail=0
	_patience=100
	[ -n "${LNFS_WRAPPER:-}" ] && _patience=600
	trap lib_cleanup EXIT
	trap 'exit 130' INT TERM
}

# A server still running gets SIGTERM, then SIGKILL after 5 s (60 s under
# LNFS_WRAPPER); W goes.  Under LNFS_WRAPPER a failing server fails the test.
lib_cleanup() {
	_rc=$?
	if [ -n "$SPID" ]; then
		kill -TERM "$SPID" 2>/dev/null
		_i=0
		while kill -0 "$SPID" 2>/dev/null && [ $_i -lt $((_patience / 2)) ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -KILL "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
		_src=$?
		SPID=
		if [ -n "${LNFS_WRAPPER:-}" ] && [ $_src -ne 0 ]; then
			wrapper_failed $_src
			[ $_rc = 77 ] || _rc=1
		fi
	fi
	rm -rf "$W"
	exit $_rc
}

# wrapper_failed STATUS: lnfsd under LNFS_WRAPPER exited with STATUS.
wrapper_failed() {
	echo "FAIL: lnfsd under '$LNFS_WRAPPER' exited with status $1; its log:"
	cat "$W/log"
	fail=$((fail + 1))
}

ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

# expect DESC EXPECTED_RC PATTERN CMD...: CMD exits EXPECTED_RC and prints
# something matching PATTERN (grep; "" matches anything).
expect() {
	_d=$1 _want=$2 _pat=$3
	shift 3
	_out=$("$@" 2>&1)
	_got=$?
	if [ "$_got" = "$_want" ] && printf '%s\n' "$_out" | grep -q -- "$_pat"; then
		ok "$_d"
	else
		ko "$_d (exit $_got, wanted $_want; output: $_out)"
	fi
}

# free_port ADDR...: a TCP port the kernel calls free on every ADDR (the
# first picks it, the others are checked by binding; 50 tries); fails
# with nothing printed when none is found.
free_port() {
	python3 - "$@" <<'PY'
import socket, sys
for _ in range(50):
    s = socket.socket(); s.bind((sys.argv[1], 0)); p = s.getsockname()[1]
    try:
        for a in sys.argv[2:]:
            t = socket.socket(); t.bind((a, p)); t.close()
    except OSError:
        s.close(); continue
    s.close(); print(p); sys.exit(0)
sys.exit(1)
PY
}

# start_lnfsd ADDR ARGS...: start lnfsd in the foreground with ARGS and wait
# (10 s at most) until it answers an RPC NULL on ADDR:$port.
start_lnfsd() {
	_addr=$1
	shift
	# shellcheck disable=SC2086
	${LNFS_WRAPPER:-} "$LNFSD" -f "$@" >> "$W/log" 2>&1 &
	SPID=$!
	_i=0
	while ! "$CLI" -s "$_addr" -p "$port" null >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -gt $_patience ] && { ko "server did not start: $(tail -n 5 "$W/log")"; exit 1; }
		sleep 0.1
	done
}

# stop_lnfsd: SIGTERM by pid and wait; $? of the wait is the server's status
# (under LNFS_WRAPPER a non-zero one is also counted as a failure).
stop_lnfsd() {
	kill -TERM "$SPID"
	wait "$SPID" 2>/dev/null
	_rc=$?
	SPID=
	[ -n "${LNFS_WRAPPER:-}" ] && [ $_rc -ne 0 ] && wrapper_failed $_rc
	return $_rc
}

# finish NAME: the closing count line and the exit status.
finish() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}
