#!/bin/bash
# guest-labels.sh - runs INSIDE the guest, meant for SELinux enforcing: the
# label life cycle of every object type on a vers=4.2 mount of lnfsd.
#   chcon -t and ls -Z on an existing file; restorecon -R on a subtree (the
#   policy has no file contexts under /mnt/*/, so it is expected to change
#   nothing; what it did is printed and only its exit status is checked);
#   label at create: regular file, directory, symlink, fifo, socket and char
#   device made in the export root, in a directory relabelled to
#   httpd_sys_content_t (inheritance) and in one relabelled to tmp_t (where
#   the policy may have a type_transition), each compared with what the
#   loaded policy computes (/sys/fs/selinux/create);
#   chcon (-h) on every type; everything again after a remount.
# "LABEL NAME CONTEXT" lines tell the host which label each object must hold
# in its trusted.lnfs.default xattr.
# Usage: guest-labels.sh SERVER:/PATH
. "$(dirname "$0")/guest-sel-lib.sh"
SRC=$1
M=/mnt/nfs
mkdir -p $M
T1=httpd_sys_content_t
T2=public_content_t

echo "===== guest"
run getenforce
ck "the guest runs SELinux enforcing" test "$(getenforce)" = Enforcing
run id -Z
echo "===== mount"
if ! run mount -t nfs -o vers=4.2 "$SRC" $M; then
    ck "mount -t nfs -o vers=4.2 $SRC" false
    summary labels; exit 1
fi
sh_run "grep ' $M ' /proc/mounts"
ck "the mount has the seclabel option" grep -q " $M [^ ]* [^ ]*seclabel" /proc/mounts

echo "===== existing file: ls -Z, chcon -t"
run ls -Z $M/existing
ck "ls -Z of an existing unlabelled file shows the domain default nfs_t" is_type $M/existing nfs_t
run chcon -t $T1 $M/existing
run ls -Z $M/existing
ck "chcon -t $T1 on an existing file" is_type $M/existing $T1
echo "LABEL existing $(ctx $M/existing)"

echo "===== restorecon -R on a subtree"
run chcon -R -t $T2 $M/tree
run ls -ZR $M/tree
run matchpathcon $M/tree $M/tree/a $M/tree/sub/b
before=$(cd $M/tree && find . -printf '%p ' -exec stat -c '%C' {} \; | sort)
run restorecon -R -n -v $M/tree
run restorecon -R -v $M/tree
rrc=$?
after=$(cd $M/tree && find . -printf '%p ' -exec stat -c '%C' {} \; | sort)
run ls -ZR $M/tree
ck "restorecon -R on an NFS subtree exits 0" test $rrc = 0
if [ "$before" = "$after" ]; then
    echo "RESTORECON: changed nothing (no file context applies to $M/tree)"
else
    echo "RESTORECON: changed labels:"; diff <(echo "$before" | tr ' ' '\n') <(echo "$after" | tr ' ' '\n')
fi
ck "restorecon -R left the subtree's labels readable (every entry has a label)" \
    bash -c "! (cd $M/tree && find . -exec stat -c %C {} \; | grep -v -q ':object_r:')"

# create_all DIR PREFIX: make one object of every kind in DIR, check its
# label is there and is what the policy computes for it
create_all() {
    local d=$1 p=$2 k o want got
    for k in $KINDS; do
        o=$d/$p$k
        mkobj $k $o
        run ls -Zd $o
        got=$(ctx $o)
        want=$(expected_create $d "$(sel_class $o)")
        echo "CREATE $p$k in $(typ $d): got '$got', policy computes '$want'"
        ck "create $k in a $(typ $d) directory: ls -Z shows a label" has_label $o
        ck "create $k in a $(typ $d) directory: the label is the policy's ($want)" test "$got" = "$want"
        echo "LABEL ${o#$M/} $got"
    done
}
echo "===== label at create, in the export root ($(ctx $M))"
create_all $M c_
echo "===== label at create, in a directory relabelled to $T1 (inheritance)"
run mkdir $M/inherit
run chcon -t $T1 $M/inherit
create_all $M/inherit i_
ck "a new file inherits the type $T1 of its directory" is_type $M/inherit/i_file $T1
echo "===== label at create, in a directory relabelled to tmp_t (type_transition?)"
run mkdir $M/trans
run chcon -t tmp_t $M/trans
create_all $M/trans t_
echo "TRANSITION: $(id -Z | cut -d: -f3) creating a file in a tmp_t directory gets $(typ $M/trans/t_file)"

echo "===== chcon on every type"
for k in $KINDS; do
    o=$M/x_$k
    mkobj $k $o
    chcon_obj $o $T2
    run ls -Zd $o
    ck "chcon -t $T2 on a $k" is_type $o $T2
    echo "LABEL x_$k $(ctx $o)"
done

echo "===== after a remount"
labels_before=$(cd $M && for f in existing c_* inherit/* trans/* x_*; do echo "$f $(ctx $f)"; done)
cd /
run umount $M
run mount -t nfs -o vers=4.2 "$SRC" $M
labels_after=$(cd $M && for f in existing c_* inherit/* trans/* x_*; do echo "$f $(ctx $f)"; done)
run ls -laZ $M
ck "every label is the same after a remount ($(echo "$labels_before" | wc -l) objects)" \
    test "$labels_before" = "$labels_after"
[ "$labels_before" = "$labels_after" ] || diff <(echo "$labels_before") <(echo "$labels_after")
run umount $M

echo "===== AVC denials"
sh_run "dmesg | grep -i 'avc: *denied' | tail -n 20"
summary labels
