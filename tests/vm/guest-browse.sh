#!/bin/bash
# guest-browse.sh - runs INSIDE the guest: mount SERVER:/PATH with vers=4.2,
# print the listing and checksums between markers for the host to compare,
# the default label of an entry and the result of chcon on it.
# Usage: guest-browse.sh SERVER:/PATH
SRC=$1
M=/mnt/nfs
mkdir -p $M
mount -t nfs -o vers=4.2 "$SRC" $M || { echo "mount failed"; exit 1; }
grep " $M " /proc/mounts
cd $M || exit 1
echo "=== LS-BEGIN"
ls -lanR --time-style=+%s .
echo "=== LS-END"
echo "=== MD5-BEGIN"
find . -type f -print0 | sort -z | xargs -0 md5sum
echo "=== MD5-END"
echo "DEFAULT-LABEL: $(stat -c %C hello.txt)"
ls -Z hello.txt
chcon -t httpd_sys_content_t hello.txt && echo "CHCON: $(stat -c %C hello.txt)"
cd /
umount $M
echo "guest done"
