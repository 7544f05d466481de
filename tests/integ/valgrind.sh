#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind.sh - the integration tests with lnfsd under valgrind memcheck:
# each test below runs with LNFS_WRAPPER set (tests/integ/run.sh and
# lib.sh's start_lnfsd honour it), so its lnfsd runs under
#   valgrind --tool=memcheck --leak-check=full --error-exitcode=97
#            --errors-for-leak-kinds=definite,indirect,possible
#            --suppressions=tests/integ/valgrind.supp
# and any memcheck report (invalid access, uninitialised value used, a
# leak of any of those kinds) makes lnfsd exit 97 at stop, which fails the
# test.  The suppressions cover one-time allocations inside third-party
# libraries only (see the file).  scripts/test.sh runs this after the
# ASan+UBSan pass; run it from a build directory (plain build, no
# sanitizers).
#
# usage: valgrind.sh [TEST...]   (default: the list below)
# Prints PASS:/FAIL:/SKIP: per test and a summary; exit 0 only if no test
# failed.  Each test's output goes to TMPDIR/lnfs-valgrind.PID/NAME.log
# (kept when the test failed).
#
# Left out: tests that start lnfsd themselves in C (t_grace: restarts
# with SIGKILL, which valgrind cannot report on), t_caps (inspects the
# capabilities of the lnfsd process: valgrind's start-up is not lnfsd's),
# t_unpriv (runs lnfsd as another user through runuser), t_wire (tshark
# timing), t_cli and t_man (no server, or a server that exits at once on a
# bad command line), and the fault, load and crash tests (an LD_PRELOAD
# shim, thousands of connections, SIGKILL).  Tests added by others that
# start lnfsd through run.sh or start_lnfsd can simply join the list.
set -u
B=$(pwd)
S=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind is not installed"; exit 77; }
[ -x "$B/server/lnfsd" ] || { echo "SKIP: run from a build directory (no server/lnfsd)"; exit 77; }
if ldd "$B/server/lnfsd" | grep -q 'libasan\|libubsan'; then
	echo "SKIP: $B/server/lnfsd is a sanitizer build; valgrind needs a plain one"
	exit 77
fi
tests=${*:-t_basic t_badinput t_lock t_rw t_v42 t_xattr t_label_run t_ctl t_creds t_handles \
t_isolation t_escape t_domains t_integrity t_limits t_gss t_gss_domains t_hostrules}
out=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-valgrind.XXXXXX") || exit 99
LNFS_WRAPPER="valgrind --tool=memcheck --leak-check=full --error-exitcode=97 \
--errors-for-leak-kinds=definite,indirect,possible --num-callers=30 \
--suppressions=$S/tests/integ/valgrind.supp"
export LNFS_WRAPPER srcdir=$S
pass=0 fail=0 skip=0
for t in $tests; do
	start=$(date +%s)
	sh "$S/tests/integ/$t.sh" > "$out/$t.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) echo "PASS: valgrind $t (${secs} s)"; pass=$((pass + 1)); rm -f "$out/$t.log" ;;
	77) echo "SKIP: valgrind $t: $(grep -m1 SKIP "$out/$t.log")"; skip=$((skip + 1)) ;;
	*)
		echo "FAIL: valgrind $t (exit $rc, ${secs} s); memcheck's report and the end of the log:"
		grep -E '^==[0-9]+== ' "$out/$t.log" | grep -v -E '== (Memcheck|Copyright|Using|Command|$)' |
			head -n 60
		grep -v "^==[0-9]*==" "$out/$t.log" | tail -n 15
		fail=$((fail + 1))
		;;
	esac
done
if [ $fail = 0 ]; then
	echo "valgrind: $pass passed, 0 failed, $skip skipped"
	rm -rf "$out"
	exit 0
fi
echo "valgrind: $pass passed, $fail failed, $skip skipped (logs of the failures in $out)"
exit 1
