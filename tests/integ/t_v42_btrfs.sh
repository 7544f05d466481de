#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_v42_btrfs.sh - `make check` entry: runs tests/integ/t_v42 with the
# export on a small btrfs loop image, where CLONE (FICLONERANGE) works and
# clone_blksize is advertised.  Needs root, mkfs.btrfs and a loop device;
# without them it is skipped (77).  The image and mount point live in a
# private temporary directory and are removed at the end.
set -u
[ "$(id -u)" -eq 0 ] || { echo "SKIP: not root" >&2; exit 77; }
command -v mkfs.btrfs >/dev/null 2>&1 || { echo "SKIP: no mkfs.btrfs" >&2; exit 77; }
grep -qw btrfs /proc/filesystems 2>/dev/null || modprobe btrfs 2>/dev/null ||
	{ echo "SKIP: no btrfs in this kernel" >&2; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-v42-btrfs.XXXXXX") || exit 99
mnt=
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
truncate -s 128M "$work/img" || exit 99
if ! mkfs.btrfs -q "$work/img" >/dev/null 2>&1; then
	echo "SKIP: mkfs.btrfs failed" >&2
	exit 77
fi
mkdir "$work/mnt" || exit 99
if ! mount -o loop "$work/img" "$work/mnt" 2>/dev/null; then
	echo "SKIP: cannot mount a loop device here" >&2
	exit 77
fi
mnt=$work/mnt
TMPDIR=$mnt "${srcdir:-.}/tests/integ/run.sh" "$(pwd)/tests/integ/t_v42" "$@"
