# SPDX-License-Identifier: GPL-2.0-or-later
# krb5realm.sh - a throw-away MIT Kerberos realm for tests (sourced, not
# run): its own krb5.conf and kdc.conf (KRB5_CONFIG, KRB5_KDC_PROFILE), a
# database in a directory of the caller, krb5kdc on one address and a free
# port, principals with random keys and keytabs.  The caller stops the KDC
# by pid ($KPID) and removes the directory.
#
#   krb_have || skip            # krb5kdc, kdb5_util, kadmin.local present
#   krb_realm DIR REALM ADDR PORT HOSTS...  # files + database; HOSTS map to REALM
#   krb_start                   # krb5kdc in the background, KPID set
#   krb_addprinc PRINC...; krb_ktadd KEYTAB PRINC...

krb_have() {
	PATH=$PATH:/usr/sbin:/sbin
	for _t in krb5kdc kdb5_util kadmin.local; do
		command -v $_t >/dev/null 2>&1 || return 1
	done
}

krb_realm() { # DIR REALM ADDR PORT HOSTS...
	KRB_DIR=$1 KRB_REALM=$2 KRB_ADDR=$3 KRB_PORT=$4
	shift 4
	mkdir -p "$KRB_DIR/db" || return 1
	{
		printf '[libdefaults]\n\tdefault_realm = %s\n' "$KRB_REALM"
		printf '\tdns_lookup_kdc = false\n\tdns_lookup_realm = false\n'
		printf '\tdns_canonicalize_hostname = false\n\trdns = false\n'
		printf '\tudp_preference_limit = 1\n'
		printf '\tpermitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96\n'
		printf '[realms]\n\t%s = {\n\t\tkdc = %s:%s\n\t}\n' "$KRB_REALM" "$KRB_ADDR" "$KRB_PORT"
		printf '[domain_realm]\n'
		for _h in "$@"; do
			printf '\t%s = %s\n' "$_h" "$KRB_REALM"
		done
	} > "$KRB_DIR/krb5.conf"
	cat > "$KRB_DIR/kdc.conf" <<KDC
[kdcdefaults]
	kdc_listen = $KRB_ADDR:$KRB_PORT
	kdc_tcp_listen = $KRB_ADDR:$KRB_PORT
[realms]
	$KRB_REALM = {
		database_name = $KRB_DIR/db/principal
		key_stash_file = $KRB_DIR/db/stash
		acl_file = $KRB_DIR/db/kadm5.acl
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
	}
[logging]
	kdc = FILE:$KRB_DIR/kdc.log
KDC
	export KRB5_CONFIG="$KRB_DIR/krb5.conf" KRB5_KDC_PROFILE="$KRB_DIR/kdc.conf"
	export KRB5RCACHEDIR="$KRB_DIR" KRB5CCNAME="FILE:$KRB_DIR/ccache"
	kdb5_util create -s -r "$KRB_REALM" -P "lnfs-test-master" >"$KRB_DIR/kdb.log" 2>&1 || {
		echo "kdb5_util failed:"
		cat "$KRB_DIR/kdb.log"
		return 1
	}
}

_krb_q() {
	kadmin.local -r "$KRB_REALM" -q "$1" >>"$KRB_DIR/kadmin.log" 2>&1 || {
		echo "kadmin: $1 failed:"
		tail -n 5 "$KRB_DIR/kadmin.log"
		return 1
	}
}

krb_addprinc() {
	for _p in "$@"; do
		_krb_q "addprinc -randkey $_p" || return 1
	done
}

krb_ktadd() { # KEYTAB PRINC...
	_kt=$1
	shift
	_krb_q "ktadd -k $_kt $*"
}

# the KDC answers on TCP (it listens on UDP too)
krb_start() {
	krb5kdc -n -r "$KRB_REALM" >"$KRB_DIR/kdc.out" 2>&1 &
	KPID=$!
	_i=0
	until awk -v h="$(printf ':%04X' "$KRB_PORT")" \
		'substr($2, length($2) - 4) == h && $4 == "0A" { f = 1 } END { exit !f }' \
		/proc/net/tcp; do
		kill -0 "$KPID" 2>/dev/null && [ $_i -lt 100 ] || {
			echo "krb5kdc did not start:"
			cat "$KRB_DIR/kdc.out" "$KRB_DIR/kdc.log" 2>/dev/null
			return 1
		}
		sleep 0.1
		_i=$((_i + 1))
	done
}
