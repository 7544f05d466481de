#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gss.sh - RPCSEC_GSS end to end.  Makes a throw-away Kerberos realm in a
# temporary directory (its own krb5.conf and kdc.conf through KRB5_CONFIG
# and KRB5_KDC_PROFILE, krb5kdc on 127.0.0.1 and a free port), keytabs for
# the server (nfs/localhost, and nfs/wrongkey whose key the KDC changed
# afterwards) and for the clients (daemon, root, ghost, nfs/client, and eve
# with a stale key), starts lnfsd on 127.0.0.1 with `keytab =` and exports
# of different sec= lists, and runs tests/integ/t_gss.  Everything started
# here is stopped by pid and the directory removed.  Skipped without root
# (identities are switched) or without the MIT KDC (krb5-kdc,
# krb5-admin-server).
set -u
B=$(pwd)
LNFSD=${LNFSD:-$B/server/lnfsd}
T=$B/tests/integ/t_gss
PATH=$PATH:/usr/sbin:/sbin
[ -x "$LNFSD" ] || { echo "SKIP: $LNFSD not built"; exit 77; }
[ -x "$T" ] || { echo "SKIP: $T not built (no GSSAPI)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: switching identities needs root"; exit 77; }
for t in krb5kdc kdb5_util kadmin.local; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed (krb5-kdc, krb5-admin-server)"; exit 77; }
done
id daemon >/dev/null 2>&1 || { echo "SKIP: no local user daemon"; exit 77; }

W=$(mktemp -d /tmp/lnfs-gss.XXXXXX) || exit 99
chmod 0755 "$W"
KPID= SPID=
cleanup() {
	[ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ -n "$KPID" ] && kill -TERM "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
listening() { # port
	awk -v h="$(printf ':%04X' "$1")" 'substr($2, length($2) - 4) == h && $4 == "0A" { f = 1 }
		END { exit !f }' /proc/net/tcp
}
wait_port() { # pid port what
	i=0
	until listening "$2"; do
		kill -0 "$1" 2>/dev/null || return 1
		[ $i -ge 600 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

REALM=LNFS.TEST
kport=$(free_port)
mkdir "$W/db"
cat > "$W/krb5.conf" <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	udp_preference_limit = 1
[realms]
	$REALM = {
		kdc = 127.0.0.1:$kport
	}
[domain_realm]
	localhost = $REALM
	wrongkey = $REALM
EOF
cat > "$W/kdc.conf" <<EOF
[kdcdefaults]
	kdc_listen = 127.0.0.1:$kport
	kdc_tcp_listen = 127.0.0.1:$kport
[realms]
	$REALM = {
		database_name = $W/db/principal
		key_stash_file = $W/db/stash
		acl_file = $W/db/kadm5.acl
	}
[logging]
	kdc = FILE:$W/kdc.log
EOF
export KRB5_CONFIG="$W/krb5.conf" KRB5_KDC_PROFILE="$W/kdc.conf" KRB5RCACHEDIR="$W"
export KRB5CCNAME="FILE:$W/ccache"
q() { kadmin.local -r "$REALM" -q "$1" >>"$W/kadmin.log" 2>&1 || { echo "kadmin: $1 failed:"; cat "$W/kadmin.log"; exit 1; }; }
kdb5_util create -s -r "$REALM" -P "lnfs-test-master" >"$W/kdb.log" 2>&1 ||
	{ echo "kdb5_util failed:"; cat "$W/kdb.log"; exit 1; }
for p in nfs/localhost nfs/wrongkey daemon root ghost nfs/client eve; do
	q "addprinc -randkey $p"
done
q "ktadd -k $W/server.keytab nfs/localhost nfs/wrongkey"
q "ktadd -k $W/client.keytab daemon root ghost nfs/client eve"
# the KDC moves on: the server's nfs/wrongkey and the client's eve are stale
q "cpw -randkey nfs/wrongkey"
q "cpw -randkey eve"

krb5kdc -n -r "$REALM" >"$W/kdc.out" 2>&1 &
KPID=$!
wait_port "$KPID" "$kport" || { echo "krb5kdc did not start:"; cat "$W/kdc.out" "$W/kdc.log"; exit 1; }

D=$W/ex
mkdir -p "$D/k5" "$D/p" "$D/mix" "$D/sys" "$W/state"
chmod 0777 "$D/k5" "$D/p" "$D/mix" "$D/sys"
cat > "$W/exports" <<EOF
$D/k5 127.0.0.1(rw,no_root_squash,sec=krb5:krb5i:krb5p)
$D/p 127.0.0.1(rw,sec=krb5p)
$D/mix 127.0.0.1(rw,root_squash,sec=krb5i:sys)
$D/sys 127.0.0.1(rw,sec=sys)
EOF
printf '[lnfsd]\nstate-dir = %s\ncontrol-socket = %s\nexports = %s\nkeytab = %s\nthreads = 1\n' \
	"$W/state" "$W/ctl.sock" "$W/exports" "$W/server.keytab" > "$W/lnfsd.conf"
port=$(free_port)
# LNFS_WRAPPER: a command to run lnfsd under (tests/integ/valgrind.sh)
# shellcheck disable=SC2086
${LNFS_WRAPPER:-} "$LNFSD" -f -c "$W/lnfsd.conf" -l "127.0.0.1:$port" >"$W/lnfsd.log" 2>&1 &
SPID=$!
wait_port "$SPID" "$port" || { echo "lnfsd did not start:"; cat "$W/lnfsd.log"; exit 1; }

LNFS_SERVER=127.0.0.1 LNFS_PORT=$port LNFS_DIR=$D LNFS_REALM=$REALM \
	LNFS_CLIENT_KEYTAB=$W/client.keytab "$T"
rc=$?
if [ $rc -ne 0 ]; then
	echo "t_gss.sh: t_gss exited $rc; lnfsd log:"
	tail -n 40 "$W/lnfsd.log"
	echo "KDC log:"
	tail -n 20 "$W/kdc.log"
fi
kill -0 "$SPID" 2>/dev/null || { echo "t_gss.sh: lnfsd died"; [ $rc -eq 0 ] && rc=1; }
if [ -n "${LNFS_WRAPPER:-}" ] && kill -0 "$SPID" 2>/dev/null; then
	# the wrapper's verdict comes at exit: a non-zero status fails the test
	kill -TERM "$SPID"
	wait "$SPID"
	src=$?
	SPID=
	if [ $src -ne 0 ]; then
		echo "FAIL: lnfsd under '$LNFS_WRAPPER' exited with status $src; its log:"
		cat "$W/lnfsd.log"
		rc=1
	fi
fi
exit $rc
