#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_man.sh - every manual page of the project formats without a warning
# from man --warnings (groff's checks of requests, escapes and fonts).
# Skipped (77) when man is not installed.
set -u
S=${srcdir:-.}
command -v man >/dev/null || { echo "SKIP: man (package man-db) is missing"; exit 77; }
fail=0 n=0
for p in "$S"/server/*.8 "$S"/lfs/*.8 "$S"/config/*.5; do
	[ -f "$p" ] || continue
	n=$((n + 1))
	w=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
	if [ -n "$w" ]; then
		echo "FAIL: $p:"
		echo "$w"
		fail=$((fail + 1))
	else
		echo "PASS: $p"
	fi
done
[ $n -ge 5 ] || { echo "FAIL: only $n manual pages found under $S"; exit 1; }
[ $fail = 0 ]
