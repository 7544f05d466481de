#!/bin/bash
# guest-lock.sh - runs INSIDE the guest: hold a whole-file lock on the mount
# while the host's test client tries to take the same lock, then release it
# and let the host take it.  Coordination goes through two small files on
# the export: the guest writes "state", the host writes "ctl" (close-to-open
# consistency makes each new open see the other side's latest contents).
# Usage: guest-lock.sh SERVER:/PATH
SRC=$1
M=/mnt/nfs
mkdir -p $M
mount -t nfs -o vers=4.2 "$SRC" $M || { echo "mount failed"; exit 1; }
wait_ctl() { # wait_ctl WORD: until the host wrote WORD into ctl (300 s)
	local i
	for i in $(seq 600); do
		[ "$(cat $M/ctl 2>/dev/null)" = "$1" ] && return 0
		sleep 0.5
	done
	echo "timed out waiting for '$1'"
	return 1
}
rc=0
exec 9>>$M/lockfile
if flock -x -w 60 9; then
	echo "GUEST-LOCKED"
	echo locked > $M/state
	wait_ctl release || rc=1
	flock -u 9
	echo "GUEST-RELEASED"
	echo released > $M/state
	wait_ctl done || rc=1
else
	echo "GUEST-LOCK-FAILED"
	rc=1
fi
exec 9>&-
umount $M || rc=1
exit $rc
