#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_hostctx.sh - the export option host_context= (lnfsd.exports(5)):
#   * --check-config accepts it and prints it back; a value that is not a
#     context is refused with FILE:LINE: host_context: ...;
#   * on a host with SELinux disabled, --check-config, the start and a
#     reload warn that the option does nothing (FILE:LINE: host_context:),
#     and creation still works; no security.selinux is written;
#   * on a host with SELinux enabled, every object created through NFS
#     (file, directory, symlink, fifo) has exactly the context in
#     security.selinux, and a label the client sets goes to
#     trusted.lnfs.default, never to security.selinux.
# The enforcing-guest version, with lnfsd confined by the lnfsd policy
# module, is phase 11 of tests/vm/run.sh.  Listens on 127.0.0.1 only.
set -u
. "$(dirname "$0")/lib.sh"
lib_init hostctx
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (trusted.* labels)"; exit 77; }
mkdir -p "$W/exp" "$W/state" || exit 99
port=$(free_port 127.0.0.1)
if selinuxenabled 2>/dev/null; then
	enabled=1
	# a context that surely exists in the loaded policy: the export's own
	ctx=$(stat -c %C "$W/exp")
else
	enabled=0
	ctx=system_u:object_r:lnfsd_export_t:s0
fi
echo "SELinux enabled: $enabled; host_context=$ctx"
printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = %s\nexports = %s\n' \
	"$W/state" "$W/ctl.sock" "$W/exports" > "$W/conf"
printf '# host_context test\n%s 127.0.0.1(rw,no_root_squash,host_context=%s)\n' \
	"$W/exp" "$ctx" > "$W/exports"

# ---------------------------------------------------------------- config
"$LNFSD" --check-config -c "$W/conf" > "$W/dump" 2> "$W/check.err"
rc=$?
[ $rc = 0 ] && grep -q "host_context=$ctx)" "$W/dump" &&
	ok "--check-config accepts host_context and prints it back" ||
	ko "--check-config exit $rc: $(cat "$W/check.err" "$W/dump")"
if [ $enabled = 0 ]; then
	grep -q "warning: $W/exports:2: host_context: SELinux is disabled on this host" "$W/check.err" &&
		ok "--check-config warns that SELinux is disabled (file:line:key)" ||
		ko "no warning from --check-config: $(cat "$W/check.err")"
else
	[ ! -s "$W/check.err" ] && ok "--check-config says nothing more with SELinux enabled" ||
		ko "--check-config stderr: $(cat "$W/check.err")"
fi
printf '[lnfsd]\nstate-dir = %s\nexports = %s\n' "$W/state" "$W/exports.bad" > "$W/conf.bad"
printf '\n%s *(rw,host_context=lnfsd_export_t)\n' "$W/exp" > "$W/exports.bad"
expect "a value that is not a context is refused with file:line:key" 1 \
	"$W/exports.bad:2: host_context: \"lnfsd_export_t\" is not an SELinux context" \
	"$LNFSD" --check-config -c "$W/conf.bad"
printf '%s 10.0.0.1(host_context=u:r:a_t:s0) 10.0.0.2(host_context=u:r:b_t:s0)\n' \
	"$W/exp" > "$W/exports.bad"
expect "two contexts for one export are refused" 1 \
	"$W/exports.bad:1: host_context: conflicting host_context" \
	"$LNFSD" --check-config -c "$W/conf.bad"

# ---------------------------------------------------------------- server
start_lnfsd 127.0.0.1 -v -c "$W/conf" -l "127.0.0.1:$port"
c() { "$CLI" -s 127.0.0.1 -p "$port" "$@"; }
echo data > "$W/src"
c put "$W/src" "$W/exp/file" && c mkdir "$W/exp/dir" && c symlink file "$W/exp/link" &&
	c mkfifo "$W/exp/fifo" && c put "$W/src" "$W/exp/dir/inner" &&
	ok "file, directory, symlink, fifo created through NFS" || ko "create through NFS"
c -m 2 setlabel "$W/exp/file" system_u:object_r:httpd_sys_content_t:s0 >/dev/null ||
	ko "setlabel"
lbl=$(getfattr -h -n trusted.lnfs.default --only-values "$W/exp/file" 2>/dev/null | tr -d '\0')
case $lbl in *httpd_sys_content_t*) ok "the client's label is in trusted.lnfs.default" ;;
	*) ko "trusted.lnfs.default of file: '$lbl'" ;; esac
if [ $enabled = 0 ]; then
	grep -q "host_context: SELinux is disabled on this host, so objects created in $W/exp" "$W/log" &&
		ok "the start logs that host_context does nothing here" ||
		ko "no start warning: $(cat "$W/log")"
	n=0
	for o in file dir link fifo dir/inner; do
		getfattr -h -n security.selinux "$W/exp/$o" >/dev/null 2>&1 && n=$((n + 1))
	done
	[ $n = 0 ] && ok "no security.selinux written without SELinux" ||
		ko "$n objects got a security.selinux"
	kill -HUP "$SPID"
	i=0
	while [ "$(grep -c 'SELinux is disabled on this host' "$W/log")" -lt 2 ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ "$(grep -c 'SELinux is disabled on this host' "$W/log")" -ge 2 ] &&
		ok "a reload warns again" || ko "no warning at reload: $(tail -n 5 "$W/log")"
else
	for o in file dir link fifo dir/inner; do
		got=$(getfattr -h -n security.selinux --only-values "$W/exp/$o" 2>/dev/null | tr -d '\0')
		[ "$got" = "$ctx" ] && ok "$o has the host context $ctx" || ko "$o: '$got'"
	done
fi
stop_lnfsd || ko "lnfsd exit status $?"
finish t_hostctx
