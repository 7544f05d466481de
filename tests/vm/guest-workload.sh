#!/bin/bash
# guest-workload.sh - runs INSIDE the guest: real work on an lnfsd mount.
#   1. unpack a real source tarball (zlib, from Debian) on the NFS mount and
#      on local disk, ./configure && make in both, and compare the checksum
#      of every file the two builds produced;
#   2. the fsx random-operation exerciser (writes, truncates, reads, mmap,
#      fsync, reopen; every byte checked against an in-memory model).
# Usage: guest-workload.sh SERVER:/PATH FSX_SECONDS
# Prints BUILD-OK / BUILD-DIFF and FSX-OK / FSX-FAIL lines for the host.
SRC=$1
SECS=${2:-60}
M=/mnt/nfs
IO=$(dirname "$0")
mkdir -p $M
mount -t nfs -o vers=4.2 "$SRC" $M || { echo "mount failed"; exit 1; }
grep " $M " /proc/mounts

build() { # build DIR
	mkdir -p "$1" && cd "$1" || return 1
	tar xzf "$IO/src.tar.gz" || return 1
	cd zlib-* || return 1
	{ ./configure && make -j2; } > ../build.log 2>&1 || { tail -n 30 ../build.log; return 1; }
	# every file, without the configure log (it records times and paths)
	find . -type f ! -name configure.log -print0 | sort -z | xargs -0 sha256sum > ../sums.txt
}
rc=0
t0=$(date +%s)
if build /root/local-build && build $M/nfs-build; then
	t1=$(date +%s)
	n=$(wc -l < /root/local-build/sums.txt)
	if diff /root/local-build/sums.txt $M/nfs-build/sums.txt; then
		echo "BUILD-OK: $n files identical (local and NFS builds, $((t1 - t0)) s)"
	else
		echo "BUILD-DIFF: the NFS build differs from the local build"
		rc=1
	fi
	# the same tree seen from the server side is checked by the host
	(cd $M/nfs-build/zlib-* && find . -type f -print0 | sort -z | xargs -0 md5sum) > /root/nfs-md5.txt
	echo "=== NFSMD5-BEGIN"; cat /root/nfs-md5.txt; echo "=== NFSMD5-END"
else
	echo "BUILD-FAIL: the build did not finish"
	rc=1
fi
cd /
for seed in 1 2; do
	if "$IO/fsx" -s $seed -t $((SECS / 2)) -n 1000000 -l 2097152 -o 131072 $M/fsx.$seed; then
		echo "FSX-OK: seed $seed"
	else
		echo "FSX-FAIL: seed $seed"
		rc=1
	fi
done
umount $M || { echo "umount failed"; rc=1; }
exit $rc
