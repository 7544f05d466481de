#!/bin/bash
# guest-crash.sh - runs INSIDE the guest: write numbered records with
# fsync on the mount while the host kills the server with SIGKILL and
# restarts it; the writer keeps its file open throughout.  Then remount and
# check every record the writer was told was durable.
# Usage: guest-crash.sh SERVER:/PATH RECORDS
SRC=$1
RECORDS=${2:-6000}
M=/mnt/nfs
IO=$(dirname "$0")
mkdir -p $M
mount -t nfs -o vers=4.2 "$SRC" $M || { echo "mount failed"; exit 1; }
echo started > $M/started
"$IO/crashwriter" -w $M/data /root/journal "$RECORDS" 16
wrc=$?
echo "CRASH-WRITER-EXIT: $wrc"
echo "CRASH-DURABLE-RECORDS: $(($(tail -n 1 /root/journal 2>/dev/null || echo -1) + 1))"
umount $M; mount -t nfs -o vers=4.2 "$SRC" $M || { echo "remount failed"; exit 1; }
"$IO/crashwriter" -c $M/data /root/journal
crc=$?
echo "CRASH-CHECK-EXIT: $crc"
grep -i -E 'nfs|lnfs' /proc/self/mountstats | head -n 3
dmesg | grep -i nfs | tail -n 10
umount $M
[ $wrc = 0 ] && [ $crc = 0 ]
