#!/usr/bin/env bash
# bench/run.sh - lnfsd against nfs-ganesha (Debian's nfs-ganesha + VFS
# backend) on this machine, in one run, with the same client (bench/nfsbench,
# NFSv4.1/4.2 sessions, many slots in flight) on the same fresh export
# directory, on loopback.  Prints one table: per test the median of the
# repetitions for each server, the ratio lnfsd/ganesha, and each server's CPU
# time per operation; then the machine's own limits for the same work
# (loopback TCP, the local filesystem).  The sessions row opens 1,000 idle
# sessions (64 slots each, as the Linux client asks) and reports the server's
# RSS growth per session (VmRSS from /proc/PID/status; lower is better).
#
# Usage: bench/run.sh (as root) [--smoke] [--reps N] [--callgrind]
#   --smoke      seconds instead of minutes: tiny sizes, one repetition
#   --callgrind  instead: run lnfsd under valgrind --tool=callgrind and print
#                instructions per operation for each test (stable on noisy
#                machines; compare runs of the same binary)
# Env: BENCH_DIR (scratch, default /var/tmp/lnfs-bench), BENCH_SECONDS,
#      BUILD_DIR (lnfsd build directory, default ./build; built if needed),
#      BENCH_PORT (lnfsd's port, default 24049; ganesha gets the next one)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SMOKE=0 REPS=3 CALLGRIND=0
while [ $# -gt 0 ]; do
    case $1 in
        --smoke) SMOKE=1; REPS=1 ;;
        --reps) REPS=$2; shift ;;
        --callgrind) CALLGRIND=1; REPS=1 ;;
        *) echo "usage: bench/run.sh [--smoke] [--reps N] [--callgrind]" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || { echo "bench/run.sh: run as root (both servers need it)" >&2; exit 2; }

SECS=${BENCH_SECONDS:-5}
FILES=10000 DIRENTS=10000 BIG=$((1024 * 1024 * 1024)) NSESS=1000
if [ $SMOKE = 1 ]; then SECS=1 FILES=300 DIRENTS=500 BIG=$((32 * 1024 * 1024)) NSESS=200; fi
W=${BENCH_DIR:-/var/tmp/lnfs-bench}
EXP=$W/export
LPORT=${BENCH_PORT:-24049}
GPORT=$((LPORT + 1))

"$ROOT/scripts/build.sh" >/dev/null || exit 1
B=${BUILD_DIR:-$ROOT/build}
BENCH=$B/bench/nfsbench
[ -x "$BENCH" ] || (cd "$B" && make bench/nfsbench >/dev/null) || exit 1
if ! command -v ganesha.nfsd >/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so ]; then
    echo "installing nfs-ganesha and its VFS backend..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nfs-ganesha nfs-ganesha-vfs >/dev/null || exit 1
fi
[ $CALLGRIND = 1 ] && ! command -v valgrind >/dev/null && { echo "valgrind is missing" >&2; exit 1; }

SPID=
cleanup() { [ -n "$SPID" ] && kill -KILL "$SPID" 2>/dev/null; }
trap cleanup EXIT

fresh_export() {
    rm -rf "$EXP"
    mkdir -p "$EXP"
}

wait_port() {
    local i
    for i in $(seq 200); do
        "$BENCH" -s 127.0.0.1 -p "$1" -e / -t null -T 0.01 >/dev/null 2>&1 && return 0
        kill -0 "$SPID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

start_lnfsd() {
    mkdir -p "$W/lnfsd-state"
    printf '[lnfsd]\nstate-dir = %s\nthreads = 8\n' "$W/lnfsd-state" > "$W/lnfsd.conf"
    if [ $CALLGRIND = 1 ]; then
        valgrind --tool=callgrind --callgrind-out-file="$W/callgrind.out" \
            "$B/server/lnfsd" -f -c "$W/lnfsd.conf" -l 127.0.0.1:$LPORT -e "$EXP" \
            > "$W/lnfsd.log" 2>&1 &
    else
        "$B/server/lnfsd" -f -c "$W/lnfsd.conf" -l 127.0.0.1:$LPORT -e "$EXP" > "$W/lnfsd.log" 2>&1 &
    fi
    SPID=$!
    PORT=$LPORT
    wait_port $LPORT || { echo "lnfsd did not start:"; tail "$W/lnfsd.log"; exit 1; }
}

start_ganesha() {
    mkdir -p "$W/ganesha/recovery"
    cat > "$W/ganesha/ganesha.conf" <<EOF
NFS_CORE_PARAM {
    Protocols = 4;
    NFS_Port = $GPORT;
    Bind_addr = 127.0.0.1;
    Enable_NLM = false;
    Enable_RQUOTA = false;
    Enable_UDP = false;
    Plugins_Dir = /usr/lib/x86_64-linux-gnu/ganesha;
}
NFSv4 {
    Graceless = true;
    Minor_Versions = 1, 2;
    RecoveryBackend = fs;
    RecoveryRoot = $W/ganesha/recovery;
    Only_Numeric_Owners = true;
}
NFS_KRB5 { Active_krb5 = false; }
EXPORT {
    Export_Id = 1;
    Path = $EXP;
    Pseudo = $EXP;
    Protocols = 4;
    Transports = TCP;
    Access_Type = RW;
    Squash = No_Root_Squash;
    SecType = sys;
    FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
EOF
    ganesha.nfsd -F -f "$W/ganesha/ganesha.conf" -L "$W/ganesha/ganesha.log" \
        -p "$W/ganesha/ganesha.pid" -N NIV_EVENT > /dev/null 2>&1 &
    SPID=$!
    PORT=$GPORT
    wait_port $GPORT || { echo "ganesha did not start:"; tail "$W/ganesha/ganesha.log"; exit 1; }
}

stop_server() {
    kill -TERM "$SPID" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SPID=
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SPID/stat" 2>/dev/null || echo 0; }

# run_test SERVER TEST ARGS...: one nfsbench run; appends
# "SERVER TEST RATE UNIT OPS CPU_SECONDS" to $W/results
run_test() {
    local srv=$1 t=$2 c0 c1 out
    shift 2
    c0=$(cpu_ticks)
    out=$("$BENCH" -s 127.0.0.1 -p "$PORT" -e "$EXP" -t "$t" "$@" 2>"$W/err")
    local rc=$?
    c1=$(cpu_ticks)
    if [ $rc != 0 ] || [ -z "$out" ]; then
        echo "$srv $t n/a - 0 0" >> "$W/results"
        echo "  $srv $t: failed ($(head -n 1 "$W/err"))" >&2
        return
    fi
    # "TEST ops N seconds S rate R UNIT errors E"
    set -- $out
    echo "$srv $t $7 $8 $3 $(echo "$c0 $c1" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($2 - $1) / hz}')" >> "$W/results"
    echo "  $srv $t: $7 $8" >&2
}

run_suite() {
    local srv=$1
    run_test "$srv" getattr -T "$SECS" -c 2 -d 16
    run_test "$srv" getattr-label -T "$SECS" -c 2 -d 16
    run_test "$srv" setattr-label -T "$SECS" -c 2 -d 16
    run_test "$srv" open-close -T "$SECS" -c 2 -d 16
    run_test "$srv" create -n "$FILES" -c 2 -d 16
    run_test "$srv" readdir -n "$DIRENTS" -T "$SECS" -c 2 -d 4
    run_test "$srv" write -S "$BIG" -d 16
    run_test "$srv" read -S "$BIG" -d 16
    run_test "$srv" sessions -n "$NSESS" -d 64 -P "$SPID"
}

mkdir -p "$W"
: > "$W/results"
if [ $CALLGRIND = 1 ]; then
    # instructions per operation: zero the counters, run a fixed number of
    # operations, dump, read the dump's total
    fresh_export
    start_lnfsd
    echo "instructions per operation in lnfsd (valgrind --tool=callgrind):"
    for spec in "getattr 4000" "getattr-label 4000" "setattr-label 2000" "open-close 2000" "create 1000"; do
        set -- $spec
        callgrind_control -z "$SPID" >/dev/null 2>&1
        out=$("$BENCH" -s 127.0.0.1 -p $LPORT -e "$EXP" -t "$1" -n "$2" -c 1 -d 4 2>/dev/null)
        ops=$(echo "$out" | awk '{print $3}')
        callgrind_control -d "$SPID" >/dev/null 2>&1
        sleep 0.5
        f=$(ls -t "$W"/callgrind.out.* 2>/dev/null | head -n 1)
        ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$f" 2>/dev/null)
        if [ -n "$ir" ] && [ "${ops:-0}" -gt 0 ]; then
            printf '  %-14s %10d instructions/op (%s ops)\n' "$1" $((ir / ops)) "$ops"
        else
            printf '  %-14s failed\n' "$1"
        fi
    done
    stop_server
    rm -f "$W"/callgrind.out*
    exit 0
fi

# The servers take turns going first: the second one of a repetition runs
# right after the first one's export (a 1 GiB file, 20,000 small ones) was
# deleted and while its dirty data is still being written back, which
# slows the disk-bound tests (create, write).
for rep in $(seq "$REPS"); do
    echo "repetition $rep of $REPS" >&2
    if [ $((rep % 2)) = 1 ]; then
        fresh_export; start_lnfsd; run_suite lnfsd; stop_server
        fresh_export; start_ganesha; run_suite ganesha; stop_server
    else
        fresh_export; start_ganesha; run_suite ganesha; stop_server
        fresh_export; start_lnfsd; run_suite lnfsd; stop_server
    fi
done
rm -rf "$EXP"

# the machine's limits for the same work
limits() {
    python3 - "$W" "$BIG" <<'PY'
import os, socket, sys, threading, time
w, big = sys.argv[1], int(sys.argv[2])
# loopback TCP: one stream of 1 MiB sends
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
port = srv.getsockname()[1]
def sink():
    c, _ = srv.accept()
    while c.recv(1 << 20):
        pass
t = threading.Thread(target=sink); t.start()
cl = socket.create_connection(("127.0.0.1", port)); buf = b"\0" * (1 << 20)
t0 = time.time(); n = 0
while n < max(big, 2 << 30):
    cl.sendall(buf); n += len(buf)
cl.close(); t.join()
print("tcp-loopback %.1f MB/s" % (n / (time.time() - t0) / 1e6))
# local filesystem: sequential write (+fsync) and read of the same size
p = os.path.join(w, "local.dat"); data = os.urandom(1 << 20)
t0 = time.time(); fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
for i in range(big >> 20):
    os.write(fd, data)
os.fsync(fd); os.close(fd)
print("local-write %.1f MB/s" % (big / (time.time() - t0) / 1e6))
os.system("sync; echo 1 > /proc/sys/vm/drop_caches")
t0 = time.time(); fd = os.open(p, os.O_RDONLY)
while os.read(fd, 1 << 20):
    pass
os.close(fd)
print("local-read %.1f MB/s (cold cache)" % (big / (time.time() - t0) / 1e6))
os.unlink(p)
t0 = time.time(); n = 0
while time.time() - t0 < 1:
    for _ in range(1000):
        os.lstat(w)
    n += 1000
print("local-stat %.0f ops/s (python, one thread)" % (n / (time.time() - t0)))
PY
}

echo
printf '%-14s %14s %14s %8s %12s %12s\n' test lnfsd ganesha ratio "lnfsd us/op" "gan. us/op"
for t in getattr getattr-label setattr-label open-close create readdir write read sessions; do
    awk -v t="$t" '
        function median(a, n,   i, j, x) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
            return n ? a[int((n + 1) / 2)] : -1
        }
        $2 == t && $3 != "n/a" {
            if ($1 == "lnfsd") { l[++nl] = $3; lu = $4; lc[nl] = ($5 > 0 ? $6 / $5 * 1e6 : 0) }
            else { g[++ng] = $3; gc[ng] = ($5 > 0 ? $6 / $5 * 1e6 : 0) }
        }
        END {
            ml = median(l, nl); mg = median(g, ng)
            cl = median(lc, nl); cg = median(gc, ng)
            printf "%-14s %14s %14s %8s %12s %12s\n", t,
                ml < 0 ? "n/a" : sprintf("%.1f", ml), mg < 0 ? "n/a" : sprintf("%.1f", mg),
                (ml > 0 && mg > 0) ? sprintf("%.2f", ml / mg) : "-",
                nl ? sprintf("%.1f", cl) : "-", ng ? sprintf("%.1f", cg) : "-"
            if (lu != "") printf "%-14s %14s\n", "", "(" lu ")"
        }' "$W/results"
done
echo
echo "machine limits for the same work:"
limits
echo
echo "raw results: $W/results (server test rate unit ops cpu-seconds)"
