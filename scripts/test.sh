#!/usr/bin/env bash
# test.sh - install what is missing, build, and run the whole lnfsd test
# suite: unit tests, integration tests against the real server (own client,
# tshark wire check), the same under AddressSanitizer+UBSan, the integration
# tests with lnfsd under valgrind memcheck, and the Linux
# kernel client in a qemu guest (../shared/harness/vm).
#
# Usage: scripts/test.sh [--quick]   (as root)
#   --quick   skip the sanitizer build, valgrind and the kernel-client guest
# Env: LNFS_SHARED  the shared/ folder (default: ../shared next to the repo)
# Ends with "summary: N passed, N failed, N skipped"; exit status 0 only if
# nothing failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
[ "${1:-}" = --quick ] && QUICK=1
PASS=0 FAIL=0 SKIP=0
FAILED=()

step() { printf '\n===== %s\n' "$*"; }
count_automake() {
    # add the counts of one automake test-suite.log
    local log=$1 n
    n=$(sed -n 's/^# PASS: *//p' "$log" | head -n1); PASS=$((PASS + ${n:-0}))
    n=$(sed -n 's/^# SKIP: *//p' "$log" | head -n1); SKIP=$((SKIP + ${n:-0}))
    n=$(sed -n 's/^# FAIL: *//p' "$log" | head -n1); FAIL=$((FAIL + ${n:-0}))
    n=$(sed -n 's/^# ERROR: *//p' "$log" | head -n1); FAIL=$((FAIL + ${n:-0}))
}
run_check() {
    # run_check NAME BUILD_DIR CONFIGURE_ARGS...
    local name=$1 dir=$2
    shift 2
    step "$name: build in $dir"
    if ! BUILD_DIR=$dir "$ROOT/scripts/build.sh" "$@"; then
        echo "FAIL: $name: build failed"
        FAIL=$((FAIL + 1)); FAILED+=("$name build")
        return
    fi
    step "$name: make check"
    (cd "$dir" && make -j"$(nproc)" check >/dev/null 2>&1)
    grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):' "$dir/test-suite.log" 2>/dev/null ||
        (cd "$dir" && find . -name '*.log' -newer Makefile -path './tests/*' -exec grep -H -E '^(PASS|FAIL|SKIP|ERROR):' {} + | sed 's/^[^:]*://')
    for t in $(cd "$dir" && find tests -name '*.trs' | sort); do
        r=$(sed -n 's/^:test-result: //p' "$dir/$t")
        echo "$r: $name ${t%.trs}"
        if [ "$r" = FAIL ] || [ "$r" = ERROR ]; then
            FAILED+=("$name ${t%.trs}")
            echo "----- ${t%.trs}.log (tail)"
            tail -n 40 "$dir/${t%.trs}.log"
        fi
    done
    count_automake "$dir/test-suite.log"
}

step "dependencies"
"$ROOT/scripts/deps.sh" test || { echo "summary: 0 passed, 1 failed, 0 skipped"; exit 1; }

WERROR=--enable-werror
run_check "unit+integration" "$ROOT/build" $WERROR
if [ $QUICK = 0 ]; then
    run_check "asan+ubsan" "$ROOT/build-asan" $WERROR --enable-asan --enable-ubsan
    step "valgrind memcheck: integration tests, lnfsd of the plain build"
    # tests/integ/valgrind.sh: any memcheck report (errors, leaks) fails
    # the test it came from; about a minute
    (cd "$ROOT/build" && srcdir=$ROOT "$ROOT/tests/integ/valgrind.sh") |
        tee /tmp/lnfs-valgrind.$$.log
    rc=${PIPESTATUS[0]}
    n=$(grep -c '^PASS: valgrind ' /tmp/lnfs-valgrind.$$.log); PASS=$((PASS + n))
    n=$(grep -c '^SKIP: valgrind ' /tmp/lnfs-valgrind.$$.log); SKIP=$((SKIP + n))
    n=$(grep -c '^FAIL: valgrind ' /tmp/lnfs-valgrind.$$.log); FAIL=$((FAIL + n))
    for t in $(sed -n 's/^FAIL: valgrind \([a-z_0-9]*\).*/\1/p' /tmp/lnfs-valgrind.$$.log); do
        FAILED+=("valgrind $t")
    done
    if [ "$rc" = 77 ]; then
        SKIP=$((SKIP + 1))
    elif [ "$rc" != 0 ] && [ "$n" = 0 ]; then
        FAIL=$((FAIL + 1)); FAILED+=("valgrind (rc=$rc)")
    fi
    rm -f /tmp/lnfs-valgrind.$$.log
    step "Debian package: build, unpack, serve a file"
    PKG_OUT=$(mktemp -d /tmp/lnfs-pkg-out.XXXXXX)
    LNFS_PKG_OUT=$PKG_OUT "$ROOT/tests/pkg/build-and-install.sh" | tee /tmp/lnfs-pkg-test.$$.log
    rc=${PIPESTATUS[0]}
    n=$(grep -c '^PASS: ' /tmp/lnfs-pkg-test.$$.log); PASS=$((PASS + n))
    n=$(grep -c '^FAIL: ' /tmp/lnfs-pkg-test.$$.log); FAIL=$((FAIL + n))
    [ "$n" -gt 0 ] && FAILED+=("Debian package")
    if [ "$rc" = 77 ]; then
        SKIP=$((SKIP + 1))
    elif [ "$rc" != 0 ] && [ "$n" = 0 ]; then
        FAIL=$((FAIL + 1)); FAILED+=("Debian package (rc=$rc)")
    fi
    rm -f /tmp/lnfs-pkg-test.$$.log
    step "Linux kernel client in a qemu guest"
    # phase 9 installs the package just built instead of building it again
    deb=$(ls "$PKG_OUT"/*.deb 2>/dev/null | head -n 1)
    LNFS_PKG_DEB=${deb:-} "$ROOT/tests/vm/run.sh" "$ROOT/build/server/lnfsd"
    rc=$?
    case $rc in
        0) PASS=$((PASS + 11)); echo "PASS: kernel client (11 phases: labels, listing/checksums, source build + fsx, locks, crash/reclaim, enforcing labels, two domains, virtiofs, the package as a service, sec=krb5p, the SELinux host policy)" ;;
        77) SKIP=$((SKIP + 9)); echo "SKIP: kernel client (see the reason above)" ;;
        *) FAIL=$((FAIL + 1)); FAILED+=("kernel client"); echo "FAIL: kernel client (rc=$rc)" ;;
    esac
    rm -rf "$PKG_OUT"
fi

step "result"
for f in "${FAILED[@]}"; do echo "failed: $f"; done
echo "summary: $PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" = 0 ]
