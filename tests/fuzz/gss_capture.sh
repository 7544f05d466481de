#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gss_capture.sh BUILD_DIR OUT_DIR - seeds for the gss fuzz target from real
# RPCSEC_GSS traffic: runs BUILD_DIR's tests/integ/t_gss.sh (krb5, krb5i,
# krb5p; needs root and krb5-kdc) while tshark records TCP on the loopback
# interface, then gss_capture.py keeps one call of each kind.  Everything
# on lo is recorded for that time, other programs' traffic too, but only
# calls with an RPCSEC_GSS credential are written.  The seeds in
# tests/fuzz/corpus/gss/cap-* were made this way.
set -u
b=${1:?usage: gss_capture.sh BUILD_DIR OUT_DIR}
out=${2:?usage: gss_capture.sh BUILD_DIR OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null 2>&1 || { echo "gss_capture.sh: tshark not installed" >&2; exit 1; }
mkdir -p "$out" || exit 1
pcap=$(mktemp /tmp/lnfs-gsscap.XXXXXX) || exit 1
tshark -i lo -f tcp -q -a filesize:300000 -w "$pcap" >/dev/null 2>&1 &
tpid=$!
sleep 3 # tshark needs a moment before it captures
(cd "$b" && sh "$here/../integ/t_gss.sh") >/dev/null 2>&1
rc=$?
kill -TERM "$tpid" 2>/dev/null
wait "$tpid" 2>/dev/null
if [ $rc -ne 0 ]; then
	echo "gss_capture.sh: t_gss.sh exited $rc" >&2
	rm -f "$pcap"
	exit 1
fi
python3 "$here/gss_capture.py" "$pcap" "$out"
rc=$?
rm -f "$pcap"
exit $rc
