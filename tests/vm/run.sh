#!/usr/bin/env bash
# run.sh - the Linux kernel client against lnfsd, in the qemu guest of
# ../shared/harness/vm (Debian 12, SELinux, inside a network namespace the
# harness makes and removes):
#   1. the harness's 12 Labeled NFS checks (nfs-label-check.sh), with the
#      host-side check that chcon'ed labels landed in lnfsd's own xattr and
#      never in the host's security.selinux;
#   2. browse-check: mount vers=4.2, `ls -lanR` and md5sum of a generated tree
#      equal to the host's, `ls -Z` shows the default label, chcon -t on an
#      existing file works and its host xattr holds the new label.
#   3-9. workload, locks, crash, object types, two domains, virtiofs, the
#      Debian package (see each phase below and phases-labels.sh, phase-pkg.sh);
#  10. sec=krb5p through rpc.gssd with a throw-away KDC (phase-krb5.sh).
#  11. the SELinux-enforcing guest as the host: lnfsd confined by its policy
#      module as lnfsd_t, host_context=, confined domains kept off exported
#      files (phase-hostpol.sh).
# Usage: sudo tests/vm/run.sh /path/to/lnfsd
# Exit: 0 all passed, 1 a check failed, 77 the guest cannot be built here
# (the reason is printed).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LNFSD=${1:-$ROOT/build/server/lnfsd}
SHARED=${LNFS_SHARED:-$ROOT/../shared}
VM=$SHARED/harness/vm

if [ ! -x "$VM/run-guest.sh" ]; then
    echo "SKIP: the guest harness is not at $VM (set LNFS_SHARED)"; exit 77
fi
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: the kernel-client tests need root (network namespace, qemu)"; exit 77
fi
[ -x "$LNFSD" ] || { echo "FAIL: $LNFSD is not built"; exit 1; }
if [ ! -f "${LNFS_VM_CACHE:-/var/cache/lnfs-vm}/.complete" ]; then
    echo "building the guest image once (about 3-4 minutes)..."
    if ! "$VM/build-image.sh" > /tmp/lnfs-vm-build.log 2>&1; then
        echo "SKIP: the guest image cannot be built here; last lines of the build log:"
        tail -n 20 /tmp/lnfs-vm-build.log
        exit 77
    fi
fi

# A namespace left behind by a run that was killed (no process inside) is
# removed; one that is in use by another run is left alone (with-netns.sh
# then refuses, and the phases fail visibly).
NS=${LNFS_NETNS:-lnfs0}
if ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$NS" && [ -z "$(ip netns pids "$NS" 2>/dev/null)" ]; then
    echo "removing the stale network namespace $NS left by an interrupted run"
    ip netns del "$NS"
fi
WORK=$(mktemp -d /tmp/lnfs-vmtest.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
# LNFS_VM_ONLY="2 5" runs only those phases
check() {
    if "$@"; then echo "PASS: $DESC"; else echo "FAIL: $DESC"; fails=$((fails + 1)); fi
}
want() { [ -z "${LNFS_VM_ONLY:-}" ] || [[ " $LNFS_VM_ONLY " == *" $1 "* ]]; }

# guest_run NAME EXPORT GUEST_COMMAND FILES...: inside the harness's network
# namespace, start lnfsd exporting EXPORT on 10.77.0.1, boot the guest with
# FILES in its exchange directory, run GUEST_COMMAND, stop lnfsd by pid.
# The transcript is $WORK/NAME.log, the server's log $WORK/NAME-server.log.
guest_run() {
    local name=$1 export=$2 cmd=$3 f copies=""
    shift 3
    for f in "$@"; do copies="$copies -c \"$f\""; done
    cat > "$WORK/$name-inner.sh" <<INNER
#!/usr/bin/env bash
"$LNFSD" -f -v -l 10.77.0.1:2049 -e "$export" > "$WORK/$name-server.log" 2>&1 &
SPID=\$!
for _ in \$(seq 100); do ss -Hltn 'sport = :2049' | grep -q . && break; sleep 0.1; done
"$VM/run-guest.sh" $copies "\$1"
rc=\$?
kill -TERM \$SPID; wait \$SPID
exit \$rc
INNER
    chmod +x "$WORK/$name-inner.sh"
    "$VM/with-netns.sh" "$WORK/$name-inner.sh" "$cmd" > "$WORK/$name.log" 2>&1
}

# ---------------------------------------------------------------- 1. labels
if want 1; then
EXP1=$WORK/label-export
mkdir -p "$EXP1"
echo "labelled before the mount" > "$EXP1/existing"
echo "== 1. nfs-label-check.sh (12 checks)"
"$VM/nfs-label-check.sh" -p "$EXP1" -d "$EXP1" -- "$LNFSD" -f -v -l 10.77.0.1:2049 -e "$EXP1" \
    > "$WORK/label.log" 2>&1
rc=$?
grep -E '^(PASS|FAIL):|passed, .* failed' "$WORK/label.log"
if [ $rc != 0 ]; then
    echo "FAIL: nfs-label-check.sh exit $rc; transcript tail:"; tail -n 60 "$WORK/label.log"
    fails=$((fails + 1))
fi
# the chcon'ed file's label is in lnfsd's xattr, and the host's own
# security.selinux was not written for the client
if getfattr -h -n trusted.lnfs.default --only-values "$EXP1/file" 2>/dev/null |
        grep -q httpd_sys_content_t; then
    echo "PASS: host xattr trusted.lnfs.default of 'file' holds the label chcon set"
else
    echo "FAIL: host xattr trusted.lnfs.default of 'file' does not hold the chcon label"
    fails=$((fails + 1))
fi
if getfattr -h -n security.selinux "$EXP1/file" 2>/dev/null | grep -q httpd_sys_content_t; then
    echo "FAIL: the client's label reached the host's security.selinux"
    fails=$((fails + 1))
else
    echo "PASS: the host's security.selinux was not written for the client"
fi

fi

# ---------------------------------------------------------------- 2. browse
if want 2; then
EXP2=$WORK/browse-export
mkdir -p "$EXP2/dir/sub/deeper" "$EXP2/many" "$EXP2/with space"
echo hello > "$EXP2/hello.txt"
: > "$EXP2/empty"
head -c 4095 /dev/urandom > "$EXP2/dir/odd"
head -c 4096 /dev/urandom > "$EXP2/dir/page"
head -c 1048579 /dev/urandom > "$EXP2/dir/sub/mib-plus-3"
head -c 5000000 /dev/urandom > "$EXP2/dir/sub/deeper/big"
echo "x" > "$EXP2/with space/naïve file"
for i in $(seq 1 600); do echo "$i" > "$EXP2/many/f$i"; done
ln -s hello.txt "$EXP2/link"
ln -s /etc/passwd "$EXP2/dir/outside-link"
mkfifo "$EXP2/fifo"
chmod 0600 "$EXP2/dir/odd"
chown 1234:5678 "$EXP2/dir/page"
# ls output without the SELinux/ACL marker after the mode and without the
# root's ".." (which is the mount point's parent on the guest)
norm_ls() { sed 's/^\([-a-z]\{10\}\)[.+]/\1/' | awk 'BEGIN{b=0} /^$/{b=1} !(b==0 && / \.\.$/)'; }
(cd "$EXP2" && ls -lanR --time-style=+%s . | norm_ls > "$WORK/host-ls.txt")
(cd "$EXP2" && find . -type f -print0 | sort -z | xargs -0 md5sum > "$WORK/host-md5.txt")
cp "$HERE/guest-browse.sh" "$WORK/guest-browse.sh"
echo "== 2. browse-check"
guest_run browse "$EXP2" "bash \$LNFS_IO/guest-browse.sh 10.77.0.1:$EXP2" "$WORK/guest-browse.sh"
rc=$?
sed -n '/^=== LS-BEGIN/,/^=== LS-END/p' "$WORK/browse.log" | sed '1d;$d' | tr -d '\r' | norm_ls > "$WORK/guest-ls.txt"
sed -n '/^=== MD5-BEGIN/,/^=== MD5-END/p' "$WORK/browse.log" | sed '1d;$d' | tr -d '\r' > "$WORK/guest-md5.txt"
DESC="guest ran the browse script (exit $rc)"; check test $rc = 0
DESC="ls -lanR through NFS equals the host's ($(wc -l < "$WORK/host-ls.txt") lines)"
check diff -u "$WORK/host-ls.txt" "$WORK/guest-ls.txt"
DESC="md5sum of every file through NFS equals the host's ($(wc -l < "$WORK/host-md5.txt") files)"
check diff -u "$WORK/host-md5.txt" "$WORK/guest-md5.txt"
DESC="ls -Z shows the default label system_u:object_r:nfs_t:s0"
check grep -q '^DEFAULT-LABEL: system_u:object_r:nfs_t:s0$' "$WORK/browse.log"
DESC="chcon -t on an existing file worked in the guest"
check grep -q '^CHCON: system_u:object_r:httpd_sys_content_t:s0$' "$WORK/browse.log"
DESC="the host xattr of the chcon'ed file holds the new label"
check sh -c "getfattr -h -n trusted.lnfs.default --only-values '$EXP2/hello.txt' 2>/dev/null | grep -q httpd_sys_content_t"
if [ $fails != 0 ]; then
    echo "----- guest transcript (tail)"; tail -n 60 "$WORK/browse.log"
    echo "----- server log (tail)"; tail -n 20 "$WORK/browse-server.log"
fi

fi

# ---------------------------------------------------------------- 3. workload
if want 3; then
# A real source tree (zlib, from Debian's source archive, cached next to the
# guest image) built on the mount and on local disk, and the fsx exerciser.
SRCTGZ=${LNFS_VM_CACHE:-/var/cache/lnfs-vm}/src/zlib.tar.gz
if [ ! -s "$SRCTGZ" ]; then
    mkdir -p "$(dirname "$SRCTGZ")" "$WORK/apt/lists/partial" "$WORK/apt/dl"
    echo "deb-src http://deb.debian.org/debian bookworm main" > "$WORK/apt/sources.list"
    aptsrc() { apt-get -q -o Dir::Etc::SourceList="$WORK/apt/sources.list" \
        -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$WORK/apt/lists" "$@"; }
    if (cd "$WORK/apt/dl" && aptsrc update && aptsrc source --download-only zlib) > "$WORK/apt.log" 2>&1; then
        orig=$(ls "$WORK"/apt/dl/zlib_*.orig.tar.* | head -n1)
        mkdir -p "$WORK/apt/x" && tar xf "$orig" -C "$WORK/apt/x" &&
            tar czf "$SRCTGZ" -C "$WORK/apt/x" . || rm -f "$SRCTGZ"
    fi
fi
echo "== 3. workload: source build and fsx"
if [ ! -s "$SRCTGZ" ]; then
    echo "SKIP: no source tarball (apt-get source zlib failed: $(tail -n 2 "$WORK/apt.log" 2>/dev/null))"
elif ! gcc -O2 -o "$WORK/fsx" "$ROOT/tests/tools/fsx.c"; then
    echo "FAIL: fsx does not build"; fails=$((fails + 1))
else
    cp "$SRCTGZ" "$WORK/src.tar.gz"
    cp "$HERE/guest-workload.sh" "$WORK/guest-workload.sh"
    EXP3=$WORK/work-export
    mkdir -p "$EXP3"
    guest_run work "$EXP3" "bash \$LNFS_IO/guest-workload.sh 10.77.0.1:$EXP3 ${LNFS_FSX_SECONDS:-180}" \
        "$WORK/guest-workload.sh" "$WORK/src.tar.gz" "$WORK/fsx"
    rc=$?
    grep -E '^(BUILD|FSX)-' "$WORK/work.log"
    DESC="guest ran the workload (exit $rc)"; check test $rc = 0
    DESC="a source tree built on the mount is identical to the local build"
    check grep -q '^BUILD-OK' "$WORK/work.log"
    DESC="fsx found no data mismatch (2 seeds)"
    check test "$(grep -c '^FSX-OK' "$WORK/work.log")" = 2
    sed -n '/^=== NFSMD5-BEGIN/,/^=== NFSMD5-END/p' "$WORK/work.log" | sed '1d;$d' | tr -d '\r' > "$WORK/nfs-md5.txt"
    (cd "$EXP3"/nfs-build/zlib-* 2>/dev/null && find . -type f -print0 | sort -z | xargs -0 md5sum) > "$WORK/host-md5b.txt"
    DESC="every file of the NFS build has the same checksum on the server's disk"
    check sh -c "test -s '$WORK/host-md5b.txt' && diff '$WORK/host-md5b.txt' '$WORK/nfs-md5.txt' >/dev/null"
    if [ $rc != 0 ]; then
        echo "----- workload transcript (tail)"; grep -v '^[0-9a-f]\{32\} ' "$WORK/work.log" | tail -n 40
        echo "----- server log (tail)"; tail -n 20 "$WORK/work-server.log"
    fi
fi

fi

# ---------------------------------------------------------------- 4. locks
if want 4; then
# The guest (kernel client) and the project's test client on the host lock
# the same file: the guest's lock makes the test client's LOCK fail with
# NFS4ERR_DENIED; once the guest unlocks, the test client gets the lock.
echo "== 4. locking between the guest and the test client"
EXP4=$WORK/lock-export
mkdir -p "$EXP4"
: > "$EXP4/lockfile"
echo wait > "$EXP4/ctl"
cp "$HERE/guest-lock.sh" "$WORK/guest-lock.sh"
CLI=$(dirname "$LNFSD")/../tests/lib/nfs4cli
cat > "$WORK/lock-inner.sh" <<INNER
#!/usr/bin/env bash
"$LNFSD" -f -v -l 10.77.0.1:2049 -e "$EXP4" > "$WORK/lock-server.log" 2>&1 &
SPID=\$!
for _ in \$(seq 100); do ss -Hltn 'sport = :2049' | grep -q . && break; sleep 0.1; done
"$VM/run-guest.sh" -c "$WORK/guest-lock.sh" "bash \\\$LNFS_IO/guest-lock.sh 10.77.0.1:$EXP4" > "$WORK/lock-guest.log" 2>&1 &
GPID=\$!
wait_state() {
    for _ in \$(seq 600); do
        [ "\$(cat "$EXP4/state" 2>/dev/null)" = "\$1" ] && return 0
        kill -0 \$GPID 2>/dev/null || return 1
        sleep 0.5
    done
    return 1
}
if wait_state locked; then
    "$CLI" -s 10.77.0.1 -p 2049 lock "$EXP4/lockfile"; echo "HOST-LOCK-WHILE-GUEST-HOLDS: \$?"
    echo release > "$EXP4/ctl"
    if wait_state released; then
        "$CLI" -s 10.77.0.1 -p 2049 lock "$EXP4/lockfile"; echo "HOST-LOCK-AFTER-RELEASE: \$?"
    fi
fi
echo done > "$EXP4/ctl"
wait \$GPID
rc=\$?
echo "GUEST-EXIT: \$rc"
kill -TERM \$SPID; wait \$SPID
exit \$rc
INNER
chmod +x "$WORK/lock-inner.sh"
if [ -x "$CLI" ]; then
    "$VM/with-netns.sh" "$WORK/lock-inner.sh" > "$WORK/lock.log" 2>&1
    rc=$?
    grep -E '^(HOST-|GUEST-)' "$WORK/lock.log" "$WORK/lock-guest.log" 2>/dev/null | sed 's/^[^:]*://'
    DESC="the guest took a whole-file lock over NFS"; check grep -q '^GUEST-LOCKED' "$WORK/lock-guest.log"
    DESC="the test client's LOCK is denied while the guest holds the lock"
    check grep -q '^HOST-LOCK-WHILE-GUEST-HOLDS: 3$' "$WORK/lock.log"
    DESC="the test client gets the lock once the guest released it"
    check grep -q '^HOST-LOCK-AFTER-RELEASE: 0$' "$WORK/lock.log"
    DESC="the guest finished cleanly (exit $rc)"; check test $rc = 0
    if [ $rc != 0 ]; then
        echo "----- lock transcript (tail)"; tail -n 30 "$WORK/lock.log"; tail -n 30 "$WORK/lock-guest.log"
        echo "----- server log (tail)"; tail -n 20 "$WORK/lock-server.log"
    fi
else
    echo "FAIL: $CLI is not built"; fails=$((fails + 1))
fi

fi

# ---------------------------------------------------------------- 5. crash
if want 5; then
# kill -9 the server in the middle of the guest's writes and restart it with
# the same state directory: every record acknowledged as durable (fsync:
# FILE_SYNC or COMMIT) is intact, and the writer, whose file stays open,
# carries on after the client reclaims its state in the grace period.
echo "== 5. server crash during writes"
EXP5=$WORK/crash-export
mkdir -p "$EXP5" "$WORK/crash-state"
printf '[lnfsd]\nstate-dir = %s\nlease-time = 15\ngrace-time = 15\n' "$WORK/crash-state" > "$WORK/crash.conf"
cp "$HERE/guest-crash.sh" "$WORK/guest-crash.sh"
if gcc -O2 -o "$WORK/crashwriter" "$ROOT/tests/tools/crashwriter.c"; then
    cat > "$WORK/crash-inner.sh" <<INNER
#!/usr/bin/env bash
start() {
    "$LNFSD" -f -v -c "$WORK/crash.conf" -l 10.77.0.1:2049 -e "$EXP5" >> "$WORK/crash-server.log" 2>&1 &
    SPID=\$!
    for _ in \$(seq 100); do ss -Hltn 'sport = :2049' | grep -q . && break; sleep 0.1; done
}
start
"$VM/run-guest.sh" -c "$WORK/guest-crash.sh" -c "$WORK/crashwriter" "bash \\\$LNFS_IO/guest-crash.sh 10.77.0.1:$EXP5 ${LNFS_CRASH_RECORDS:-6000}" > "$WORK/crash-guest.log" 2>&1 &
GPID=\$!
for _ in \$(seq 600); do [ -e "$EXP5/started" ] && break; kill -0 \$GPID 2>/dev/null || break; sleep 0.5; done
# let some records be written, then kill the server mid-stream
for _ in \$(seq 600); do
    [ "\$(stat -c %s "$EXP5/data" 2>/dev/null || echo 0)" -gt 2000000 ] && break
    kill -0 \$GPID 2>/dev/null || break
    sleep 0.2
done
echo "HOST: data file at \$(stat -c %s "$EXP5/data" 2>/dev/null) bytes; kill -9 lnfsd"
kill -KILL \$SPID; wait \$SPID 2>/dev/null
sleep 2
echo "HOST: restarting lnfsd"
start
wait \$GPID
rc=\$?
kill -TERM \$SPID; wait \$SPID
exit \$rc
INNER
    chmod +x "$WORK/crash-inner.sh"
    "$VM/with-netns.sh" "$WORK/crash-inner.sh" > "$WORK/crash.log" 2>&1
    rc=$?
    grep -E '^HOST:' "$WORK/crash.log"
    grep -E '^(CRASH-|crashwriter:)' "$WORK/crash-guest.log"
    grep -i -E 'grace|reclaim' "$WORK/crash-server.log" | sed 's/^/server: /' | head -n 6
    DESC="the writer carried on across the server's SIGKILL and restart (its open was reclaimed)"
    check grep -q '^CRASH-WRITER-EXIT: 0' "$WORK/crash-guest.log"
    DESC="every record acknowledged as durable is intact after the restart"
    check grep -q '^CRASH-CHECK-EXIT: 0' "$WORK/crash-guest.log"
    DESC="the server really was killed in the middle of the writes"
    check grep -q '^HOST: restarting' "$WORK/crash.log"
    if [ $rc != 0 ]; then
        echo "----- crash transcript (tail)"; tail -n 30 "$WORK/crash-guest.log"
        echo "----- server log (tail)"; tail -n 30 "$WORK/crash-server.log"
    fi
else
    echo "FAIL: crashwriter does not build"; fails=$((fails + 1))
fi
fi

# ------------------------------------------- 6-8. object types, domains, virtiofs
# 6. every object type's label, enforcing guest; 7. two guests in two label
# domains on one export at once; 8. virtiofs and lnfsd on the same tree.
. "$HERE/phases-labels.sh"
# 9. the Debian package installed in the guest and run as a systemd service
. "$HERE/phase-pkg.sh"
# 10. the kernel client with sec=krb5p through rpc.gssd, a throw-away KDC
. "$HERE/phase-krb5.sh"
# 11. the SELinux-enforcing guest as the host: lnfsd confined by its policy
# module, host_context=, confined domains kept off exported files
. "$HERE/phase-hostpol.sh"

echo "kernel client: $fails failed checks"
[ $fails = 0 ]
