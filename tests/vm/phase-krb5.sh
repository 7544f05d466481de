# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034  # DESC is read by check() in run.sh
# phase-krb5.sh - phase 10 of tests/vm/run.sh (sourced by it; uses its
# WORK, HERE, ROOT, VM, LNFSD, want, check and fails): the kernel client
# mounting lnfsd with sec=krb5p through rpc.gssd.
#   Inside the harness's network namespace: a throw-away realm LNFS.TEST
#   (tests/integ/krb5realm.sh; krb5kdc on 10.77.0.1:88) with
#   nfs/krbserver.lnfs.test (lnfsd's keytab), nfs/krbguest.lnfs.test (the
#   guest's machine credential, /etc/krb5.keytab for rpc.gssd) and the user
#   daemon@LNFS.TEST (uid 1 on both sides); lnfsd exporting one directory
#   with sec=krb5p only, the guest's address in label domain "machine" and
#   the principal rule krb5:daemon@LNFS.TEST in domain "users"; dumpcap
#   capturing port 2049 on every interface of the namespace.  The guest
#   (guest-krb5.sh) is refused sec=sys, mounts sec=krb5p, writes as daemon
#   with a ticket (and chcon's its file), is refused as a user without
#   one, and writes as root.
#   Host checks: the file is intact and owned by uid 1 (principal mapped);
#   the labels daemon's calls set (at creation, chcon) are in
#   trusted.lnfs.users and not in trusted.lnfs.machine, root's file the
#   other way round; the marker text the guest wrote never appears in the
#   capture, which did see
#   RPCSEC_GSS calls and, as a control, a marker written over AUTH_SYS by
#   the test client on the host (to a second export) in clear text.
if want 10; then
echo "== 10. the kernel client with sec=krb5p (rpc.gssd, throw-away KDC)"
CLI=$(dirname "$LNFSD")/../tests/lib/nfs4cli
K=$WORK/krb
EXP10=$WORK/krb5-export
CTL10=$WORK/krb5-control
mkdir -p "$K" "$EXP10" "$CTL10" "$WORK/krb5-state"
chmod 0777 "$EXP10"
MARK10=lnfs-krb5p-plain-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
CMARK10=lnfs-authsys-plain-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
yes "$CMARK10" | head -c 65536 > "$WORK/krb5-control.txt"
cp "$HERE/guest-krb5.sh" "$HERE/guest-sel-lib.sh" "$WORK/"
cat > "$WORK/krb5-lnfsd.conf" <<CONF
[lnfsd]
state-dir = $WORK/krb5-state
exports = $WORK/krb5-exports
keytab = $K/server.keytab
[domain "machine"]
[domain "users"]
CONF
cat > "$WORK/krb5-exports" <<EXPORTS
$EXP10 10.77.0.2(rw,sec=krb5p,domain=machine) krb5:daemon@LNFS.TEST(rw,sec=krb5p,domain=users)
$CTL10 10.77.0.1(rw,no_root_squash,sec=sys)
EXPORTS
cat > "$WORK/krb5-inner.sh" <<INNER
#!/usr/bin/env bash
. "$ROOT/tests/integ/krb5realm.sh"
krb_have || { echo "SKIP-KRB5: the MIT KDC is not installed (krb5-kdc, krb5-admin-server)"; exit 77; }
krb_realm "$K" LNFS.TEST 10.77.0.1 88 krbserver.lnfs.test krbguest.lnfs.test .lnfs.test || exit 1
krb_addprinc nfs/krbserver.lnfs.test nfs/krbguest.lnfs.test daemon || exit 1
krb_ktadd "$K/server.keytab" nfs/krbserver.lnfs.test || exit 1
krb_ktadd "$K/guest.keytab" nfs/krbguest.lnfs.test || exit 1
krb_ktadd "$K/user.keytab" daemon || exit 1
chmod 0644 "$K/guest.keytab" "$K/user.keytab"
krb_start || exit 1
KPID=\$KPID
DPID=
if command -v dumpcap >/dev/null 2>&1; then
    dumpcap -q -i any -f "tcp port 2049" -w "$WORK/krb5.pcapng" > "$WORK/dumpcap.log" 2>&1 &
    DPID=\$!
    for _ in \$(seq 50); do [ -s "$WORK/krb5.pcapng" ] && break; sleep 0.1; done
fi
"$LNFSD" -f -vv -c "$WORK/krb5-lnfsd.conf" -l 10.77.0.1:2049 > "$WORK/krb5-server.log" 2>&1 &
SPID=\$!
for _ in \$(seq 100); do ss -Hltn 'sport = :2049' | grep -q . && break; sleep 0.1; done
# the control: plain AUTH_SYS data from the host's test client, captured on lo
"$CLI" -s 10.77.0.1 -p 2049 put "$WORK/krb5-control.txt" "$CTL10/control.txt" &&
    echo "HOST-CONTROL-PUT: ok"
"$VM/run-guest.sh" -c "$WORK/guest-krb5.sh" -c "$WORK/guest-sel-lib.sh" -c "$K/krb5.conf" \\
    -c "$K/guest.keytab" -c "$K/user.keytab" \\
    "bash \\\$LNFS_IO/guest-krb5.sh krbserver.lnfs.test:$EXP10 $MARK10"
rc=\$?
kill -TERM \$SPID; wait \$SPID
[ -n "\$DPID" ] && { kill -TERM \$DPID; wait \$DPID; }
kill -TERM \$KPID; wait \$KPID
exit \$rc
INNER
chmod +x "$WORK/krb5-inner.sh"
"$VM/with-netns.sh" "$WORK/krb5-inner.sh" > "$WORK/krb5.log" 2>&1
rc=$?
if grep -q '^SKIP-KRB5' "$WORK/krb5.log"; then
    echo "SKIP: phase 10: $(grep '^SKIP-KRB5' "$WORK/krb5.log" | cut -d: -f2-)"
else
    guest_checks "$WORK/krb5.log"
    DESC="the guest ran guest-krb5.sh to the end (exit $rc)"
    check grep -q '^krb5: .* passed, .* failed' "$WORK/krb5.log"
    U10=$EXP10/userfile
    DESC="the file daemon wrote over krb5p is intact on the host (2 MiB of marker lines)"
    check bash -c "test -f '$U10' && cmp -s '$U10' <(yes '$MARK10' | head -c 2097152)"
    DESC="the guest's md5 of userfile equals the host's"
    check sh -c "test -f '$U10' && grep -q \"^USERFILE-MD5: \$(md5sum < '$U10' | cut -d' ' -f1)\" '$WORK/krb5.log'"
    DESC="userfile is owned by uid 1 on the host (daemon@LNFS.TEST mapped to its local user)"
    check sh -c "[ \"\$(stat -c %u '$U10' 2>/dev/null)\" = 1 ]"
    DESC="daemon's chcon landed in trusted.lnfs.users (its principal's domain), not machine"
    check sh -c "getfattr -h -n trusted.lnfs.users --only-values '$U10' 2>/dev/null | grep -a -q httpd_sys_content_t &&
        ! getfattr -h -n trusted.lnfs.machine '$U10' >/dev/null 2>&1"
    DESC="daemon's label at creation landed in trusted.lnfs.users (its principal's domain)"
    check sh -c "getfattr -h -n trusted.lnfs.users '$EXP10/userlabelled' >/dev/null 2>&1"
    DESC="... and not in trusted.lnfs.machine (the client ID's domain)"
    check sh -c "! getfattr -h -n trusted.lnfs.machine '$EXP10/userlabelled' >/dev/null 2>&1"
    DESC="root's file (machine credential) is labelled in trusted.lnfs.machine, not users"
    check sh -c "getfattr -h -n trusted.lnfs.machine '$EXP10/rootfile' >/dev/null 2>&1 &&
        ! getfattr -h -n trusted.lnfs.users '$EXP10/rootfile' >/dev/null 2>&1"
    DESC="lnfsd logged the principal rule for daemon@LNFS.TEST (domain users)"
    check grep -q 'principal daemon@LNFS.TEST: rule krb5:daemon@LNFS.TEST .*label domain users' \
        "$WORK/krb5-server.log"
    if [ -s "$WORK/krb5.pcapng" ]; then
        DESC="the capture holds the AUTH_SYS control marker in clear text (it sees payloads)"
        check grep -a -q "$CMARK10" "$WORK/krb5.pcapng"
        DESC="the capture holds RPCSEC_GSS calls from the guest"
        check sh -c "[ \"\$(tshark -r '$WORK/krb5.pcapng' -Y 'rpc.auth.flavor == 6 && ip.src == 10.77.0.2' 2>/dev/null | wc -l)\" -gt 10 ]"
        DESC="the 2 MiB the guest wrote over krb5p never appear in clear text on the wire"
        check sh -c "! grep -a -q '$MARK10' '$WORK/krb5.pcapng'"
        echo "capture: $(stat -c %s "$WORK/krb5.pcapng") bytes"
    else
        echo "SKIP: no capture (dumpcap from tshark/wireshark-common not installed)"
    fi
fi
if [ $rc != 0 ] || grep -q '^FAIL:' "$WORK/krb5.log"; then
    echo "----- phase 10 transcript (tail)"; tail -n 100 "$WORK/krb5.log"
    echo "----- server log (tail)"; tail -n 30 "$WORK/krb5-server.log"
fi
fi
