#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_gss_domains.sh - label domains chosen by Kerberos principal over real
# RPCSEC_GSS (krb5p).  A throw-away realm (krb5realm.sh) on 127.0.0.1,
# lnfsd with keytab nfs/localhost, and one export whose rules are
#   127.0.0.1               rw, sec=krb5p:sys, domain gamma
#   krb5:root@REALM         rw, sec=krb5p, domain alpha   (exact)
#   krb5:d*@REALM           rw, sec=krb5p, domain beta    (pattern)
#   krb5:bin@REALM          ro, sec=krb5p, domain alpha
#   krb5:nfs/*@REALM        rw, sec=krb5i, domain beta
# All clients come from 127.0.0.1.  Checks: root and daemon set different
# labels on the same file and each reads back its own; the host holds
# trusted.lnfs.alpha and trusted.lnfs.beta side by side; an exact
# principal beats a pattern (root is alpha although "krb5:*" would not
# match it anyway, bin is alpha and read-only: its SETATTR is refused);
# principal rules outrank the address rule (daemon gets beta, not the
# address's gamma); "*" does not cross "/" (nfs/client matches only the
# nfs/* rule) and that rule's sec= applies (krb5p refused, krb5i works);
# a principal without a rule (ghost) falls back to the address rule
# (gamma); AUTH_SYS from the same address is gamma.  lnfsd -vv logs each
# principal's rule.  Needs root, GSSAPI and the MIT KDC, else skips.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/krb5realm.sh"
lib_init gssdom
GCLI=$B/tests/lib/nfs4cli-gss
[ -x "$CLI" ] || { echo "SKIP: $CLI not built"; exit 77; }
[ -x "$GCLI" ] || { echo "SKIP: $GCLI not built (no GSSAPI)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (handles, trusted.* xattrs)"; exit 77; }
krb_have || { echo "SKIP: MIT KDC not installed (krb5-kdc, krb5-admin-server)"; exit 77; }
command -v getfattr >/dev/null 2>&1 || { echo "SKIP: getfattr (attr) not installed"; exit 77; }
KPID=
# the KDC first (lib_cleanup exits), keeping the exit status for it
trap '_k=$?; [ -n "$KPID" ] && kill -TERM "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null; (exit $_k); lib_cleanup' EXIT
chmod 0755 "$W"

R=LNFS.TEST
kport=$(free_port 127.0.0.1)
krb_realm "$W/krb" "$R" 127.0.0.1 "$kport" localhost || exit 1
krb_addprinc nfs/localhost root daemon bin ghost nfs/client || exit 1
krb_ktadd "$W/server.keytab" nfs/localhost || exit 1
krb_ktadd "$W/client.keytab" root daemon bin ghost nfs/client || exit 1
krb_start || exit 1
export LNFS_CLIENT_KEYTAB="$W/client.keytab"

mkdir -p "$W/exp" "$W/state"
chmod 0777 "$W/exp"
F=$W/exp/f
echo data > "$F"
chmod 0666 "$F"
chown daemon "$F"
setfattr -n trusted.lnfs-probe -v 1 "$F" 2>/dev/null || { echo "SKIP: no trusted.* xattrs in $W"; exit 77; }
setfattr -x trusted.lnfs-probe "$F"

cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $W/state
exports = $W/exports
keytab = $W/server.keytab
[domain "alpha"]
[domain "beta"]
[domain "gamma"]
default-label = gamma_default
CONF
cat > "$W/exports" <<EXP
$W/exp 127.0.0.1(rw,no_root_squash,sec=krb5p:sys,domain=gamma) krb5:root@$R(rw,no_root_squash,sec=krb5p,domain=alpha) krb5:d*@$R(rw,sec=krb5p,domain=beta) krb5:bin@$R(ro,sec=krb5p,domain=alpha) krb5:nfs/*@$R(rw,sec=krb5i,domain=beta)
EXP
port=$(free_port 127.0.0.1)
start_lnfsd 127.0.0.1 -vv -c "$W/lnfsd.conf" -l "127.0.0.1:$port"

g() { # PRINCIPAL [-K SVC] CMD...
	_p=$1
	shift
	"$GCLI" -m 2 -s 127.0.0.1 -p "$port" -k "$_p@$R" "$@"
}
sys() { "$CLI" -m 2 -s 127.0.0.1 -p "$port" "$@"; }

expect "root (exact rule, alpha) sets its label" 0 "" g root setlabel "$F" "alpha label"
expect "daemon (pattern rule, beta) sets its label" 0 "" g daemon setlabel "$F" "beta label"
expect "root reads back alpha's label" 0 "^0 0 alpha label$" g root getlabel "$F"
expect "daemon reads back beta's label" 0 "^0 0 beta label$" g daemon getlabel "$F"
va=$(getfattr --absolute-names --only-values -n trusted.lnfs.alpha "$F" 2>/dev/null | tr -d '\0')
vb=$(getfattr --absolute-names --only-values -n trusted.lnfs.beta "$F" 2>/dev/null | tr -d '\0')
case $va in *"alpha label") ok "host: trusted.lnfs.alpha holds root's label" ;; *) ko "host alpha xattr: [$va]" ;; esac
case $vb in *"beta label") ok "host: trusted.lnfs.beta holds daemon's label" ;; *) ko "host beta xattr: [$vb]" ;; esac
getfattr --absolute-names -n trusted.lnfs.gamma "$F" >/dev/null 2>&1 &&
	ko "the address rule's domain got a label" || ok "no trusted.lnfs.gamma: no label went to the address's domain"

expect "bin (exact ro rule in alpha) reads alpha's label" 0 "^0 0 alpha label$" g bin getlabel "$F"
expect "bin's SETATTR is refused by its read-only rule" 1 "NFS4ERR_ROFS\|NFS4ERR_ACCESS" \
	g bin setlabel "$F" "bin label"
expect "ghost (no principal rule) gets the address rule's domain" 0 "^0 0 gamma_default$" \
	g ghost getlabel "$F"
expect "AUTH_SYS from the same address gets gamma" 0 "^0 0 gamma_default$" sys getlabel "$F"
expect "nfs/client: the nfs/* rule's sec=krb5i refuses krb5p" 1 "WRONGSEC" \
	g nfs/client getlabel "$F"
expect "nfs/client over krb5i is beta (\"*@\" does not cross \"/\")" 0 "^0 0 beta label$" \
	g nfs/client -K krb5i getlabel "$F"

grep -q "principal root@$R: rule krb5:root@$R (line 1), label domain alpha" "$W/log" &&
	grep -q "principal daemon@$R: rule krb5:d\*@$R (line 1), label domain beta" "$W/log" &&
	ok "the log names each principal's rule and domain (-vv)" ||
	ko "rule choice not logged: $(grep principal "$W/log" | tail -n 5)"
kill -0 "$SPID" 2>/dev/null && ok "server alive" || ko "server died"
finish t_gss_domains
