#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh - run one integration test program against a live NFSv4.1 server.
#
# usage: run.sh TEST_PROGRAM [ARGS...]
#
# By default starts server/lnfsd (from $LNFSD, else TEST_PROGRAM's
# ../../server/lnfsd, i.e. the build tree) in the foreground on 127.0.0.1
# and a free port, exporting a fresh temporary directory, waits until the
# port accepts connections (at most 10 s), runs the test with
#   LNFS_SERVER=127.0.0.1 LNFS_PORT=<port> LNFS_EXPORT=<abs export dir>
# then stops the server (SIGTERM, SIGKILL after 5 s), removes the temporary
# directory and exits with the test's status (77 = skipped).  Extra server
# arguments may be given in $LNFSD_ARGS (e.g. "-c file -v").
#
# LNFS_WRAPPER, when set, is a command lnfsd runs under (word-split), e.g.
# "valgrind --tool=memcheck --error-exitcode=97" (tests/integ/valgrind.sh):
# then the server gets 60 s to start and to stop, is stopped at the end of
# the test, and a non-zero exit status of the server fails the test.
#
# NFS4_TEST_SERVER=host:port (IPv6 as [addr]:port) skips starting lnfsd and
# points the test at that server instead; NFS4_TEST_EXPORT is the export's
# path in the server's namespace and NFS4_TEST_EXPORT_HOSTDIR the same
# directory on this host (the test creates its files there).
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 TEST_PROGRAM [ARGS...]" >&2
	exit 2
fi
prog=$1
shift

if [ -n "${NFS4_TEST_SERVER:-}" ]; then
	host=${NFS4_TEST_SERVER%:*}
	port=${NFS4_TEST_SERVER##*:}
	host=${host#[}
	host=${host%]}
	LNFS_SERVER=$host LNFS_PORT=$port LNFS_EXPORT=${NFS4_TEST_EXPORT:-/} \
		exec "$prog" "$@"
fi

lnfsd=${LNFSD:-$(dirname "$prog")/../../server/lnfsd}
if [ ! -x "$lnfsd" ]; then
	echo "SKIP: $lnfsd is not built yet (set LNFSD or NFS4_TEST_SERVER)" >&2
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-integ.XXXXXX") || exit 99
mkdir "$work/export" || exit 99
# A state directory of its own (client records, handle key) unless the test
# brings a configuration: no grace period left over from another run, and
# servers running in parallel never share one.
conf_arg=
case " ${LNFSD_ARGS:-} " in
*" -c "*) ;;
*)
	# and a control socket of its own, never the system's /run/lnfsd
	printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = %s\n' "$work/state" "$work/ctl.sock" \
		> "$work/lnfsd.conf" || exit 99
	LNFSCTL_SOCKET=$work/ctl.sock
	export LNFSCTL_SOCKET
	conf_arg="-c $work/lnfsd.conf"
	;;
esac
spid=
# tenths of a second to wait for the server to listen, or to stop
patience=100
stop_patience=50
if [ -n "${LNFS_WRAPPER:-}" ]; then
	patience=600
	stop_patience=600
fi
cleanup() {
	if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then
		kill -TERM "$spid" 2>/dev/null
		i=0
		while kill -0 "$spid" 2>/dev/null && [ $i -lt $stop_patience ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 "$spid" 2>/dev/null; then
			echo "run.sh: lnfsd ignored SIGTERM for $((stop_patience / 10)) s, killing it" >&2
			kill -KILL "$spid" 2>/dev/null
		fi
		wait "$spid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Does a local socket use TCP port $1 (LISTEN only with $2 = listen)?
# Read from /proc/net/tcp{,6}: no helper tools needed.
port_used() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v h="$(printf ':%04X' "$1")" -v l="${2:-}" '
			substr($2, length($2) - 4) == h && (l == "" || $4 == "0A") { f = 1 }
			END { exit !f }'
}

listening() {
	port_used "$1" listen
}

free_port() {
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
		if ! port_used "$p"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

port=$(free_port) || { echo "run.sh: no free port found" >&2; exit 99; }
# shellcheck disable=SC2086
${LNFS_WRAPPER:-} "$lnfsd" -f -l "127.0.0.1:$port" -e "$work/export" $conf_arg ${LNFSD_ARGS:-} 2>"$work/lnfsd.log" &
spid=$!

i=0
until listening "$port"; do
	if ! kill -0 "$spid" 2>/dev/null; then
		echo "run.sh: lnfsd exited before listening; its log:" >&2
		cat "$work/lnfsd.log" >&2
		spid=
		exit 99
	fi
	if [ $i -ge $patience ]; then
		echo "run.sh: lnfsd not listening on 127.0.0.1:$port after $((patience / 10)) s; its log:" >&2
		cat "$work/lnfsd.log" >&2
		exit 99
	fi
	sleep 0.1
	i=$((i + 1))
done

LNFS_SERVER=127.0.0.1 LNFS_PORT=$port LNFS_EXPORT=$work/export "$prog" "$@"
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
	echo "run.sh: $prog exited $rc; lnfsd log (last 50 lines):" >&2
	tail -n 50 "$work/lnfsd.log" >&2
fi
if ! kill -0 "$spid" 2>/dev/null; then
	echo "run.sh: lnfsd died during the test; log:" >&2
	tail -n 50 "$work/lnfsd.log" >&2
	[ $rc -eq 0 ] && rc=1
	spid=
elif [ -n "${LNFS_WRAPPER:-}" ]; then
	# stop it now: what the wrapper reports at exit decides too
	kill -TERM "$spid"
	i=0
	while kill -0 "$spid" 2>/dev/null && [ $i -lt $stop_patience ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$spid" 2>/dev/null
	wait "$spid"
	src=$?
	spid=
	if [ $src -ne 0 ]; then
		echo "run.sh: lnfsd under '$LNFS_WRAPPER' exited with status $src; its log:" >&2
		cat "$work/lnfsd.log" >&2
		[ $rc -eq 0 ] || [ $rc -eq 77 ] && rc=1
	fi
fi
exit $rc
