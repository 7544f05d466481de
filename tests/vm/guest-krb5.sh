#!/bin/bash
# guest-krb5.sh - runs INSIDE the guest for phase 10 of tests/vm/run.sh:
# the kernel client mounting lnfsd with sec=krb5p through rpc.gssd.
# The host put krb5.conf, the guest's keytab (nfs/krbguest.lnfs.test, the
# machine credential rpc.gssd uses for root and for the client's state) and
# the user's keytab (daemon@LNFS.TEST) in the exchange directory.  Steps:
# name the guest and the server in /etc/hosts (the server principal is
# nfs/krbserver.lnfs.test), install krb5.conf and /etc/krb5.keytab, start
# rpc.gssd; a sec=sys mount must be refused; mount vers=4.2,sec=krb5p; as
# uid 1 (daemon) with a ticket from kinit: write a file of marker lines,
# read it back, create a file whose label the client sends at creation,
# chcon its file;
# as uid 2 (bin) without a ticket: refused; as root (machine credential):
# create a file; print each file's md5 for the host.
# Usage: guest-krb5.sh SERVERNAME:/PATH MARKER
. "$(dirname "$0")/guest-sel-lib.sh"
IO=$(dirname "$0")
SRC=$1 MARK=$2
M=/mnt/k
U="setpriv --reuid=1 --regid=1 --clear-groups env KRB5CCNAME=FILE:/tmp/krb5cc_1"

hostname krbguest.lnfs.test
printf '10.77.0.1 krbserver.lnfs.test krbserver\n10.77.0.2 krbguest.lnfs.test krbguest\n' >> /etc/hosts
cp "$IO/krb5.conf" /etc/krb5.conf
install -m 0600 "$IO/guest.keytab" /etc/krb5.keytab
install -m 0600 -o 1 -g 1 "$IO/user.keytab" /tmp/user.keytab
run klist -k -e /etc/krb5.keytab
mkdir -p /run/rpc_pipefs $M
mountpoint -q /run/rpc_pipefs || run mount -t rpc_pipefs sunrpc /run/rpc_pipefs
rpc.gssd -f -vvv -rrr -p /run/rpc_pipefs > /tmp/gssd.log 2>&1 &
GSSD=$!
sleep 1
ck "rpc.gssd is running" kill -0 $GSSD

run timeout 90 mount -t nfs -o vers=4.2,sec=sys "$SRC" $M
rc=$?
if [ $rc = 0 ]; then
    echo "FAIL: a sec=sys mount was accepted by an export that requires krb5p"
    NFAIL=$((NFAIL + 1))
    run umount $M
else
    echo "PASS: a sec=sys mount is refused (rc $rc)"
    NPASS=$((NPASS + 1))
fi

if ! run timeout 120 mount -t nfs -o vers=4.2,sec=krb5p "$SRC" $M; then
    echo "FAIL: mount vers=4.2,sec=krb5p"
    NFAIL=$((NFAIL + 1))
    echo "--- rpc.gssd log"; tail -n 60 /tmp/gssd.log
    run dmesg | tail -n 20
    summary krb5
    exit 1
fi
echo "PASS: mount vers=4.2,sec=krb5p"
NPASS=$((NPASS + 1))
run grep " $M " /proc/mounts
sh_run "grep -A3 ' $M ' /proc/self/mountstats | head -n 4"

ck "daemon (uid 1) gets a ticket with kinit" $U kinit -k -t /tmp/user.keytab daemon@LNFS.TEST
run $U klist
# 2 MiB of marker lines: if krb5p did not encrypt, the capture shows them
sh_run "$U sh -c 'yes $MARK | head -c 2097152 > $M/userfile'"
ck "daemon wrote userfile through krb5p" test -s $M/userfile
ck "daemon created 'userlabelled' (its label sent with the OPEN)" $U touch $M/userlabelled
ck "daemon relabels userfile (chcon -t httpd_sys_content_t, a SETATTR as daemon)" \
    $U chcon -t httpd_sys_content_t $M/userfile
run ls -lnZ $M
run sync
echo 3 > /proc/sys/vm/drop_caches
want=$(yes "$MARK" | head -c 2097152 | md5sum | cut -d' ' -f1)
got=$($U md5sum $M/userfile | cut -d' ' -f1)
echo "USERFILE-MD5: $got"
ck "daemon reads back what it wrote (md5 $want)" test "$got" = "$want"

# a user without a ticket gets nothing (no credential for uid 2)
run setpriv --reuid=2 --regid=2 --clear-groups env KRB5CCNAME=FILE:/tmp/krb5cc_2 timeout 60 ls $M
rc=$?
if [ $rc != 0 ]; then echo "PASS: uid 2 without a ticket is refused (rc $rc)"; NPASS=$((NPASS + 1))
else echo "FAIL: uid 2 without a ticket listed the mount"; NFAIL=$((NFAIL + 1)); fi

# root uses the machine credential
ck "root (machine credential) creates 'rootfile'" sh -c "echo root-was-here > $M/rootfile"
run ls -lnZ $M
run umount $M
echo "--- rpc.gssd log (tail)"
tail -n 25 /tmp/gssd.log
kill $GSSD 2>/dev/null
summary krb5
