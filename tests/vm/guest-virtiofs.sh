#!/bin/bash
# guest-virtiofs.sh - runs INSIDE the guest: ONE host tree seen twice, through
# virtiofs (QEMU's C virtiofsd, security.selinux remapped to
# MAP.virtiofs.security.selinux) on /mnt/vfs and through lnfsd (a domain whose
# xattr is that same name, raw format) on /mnt/nfs; and a third view,
# /mnt/vfsnest, a virtiofsd whose map is two prefix levels deep (where a
# guest behind two nested virtiofsd levels finds its labels).
# For every object type: create it through each side, chcon it through each
# side, remount both, and check each side sees the labels the other set.
# Lines "PASS:/FAIL: virtiofs ..." describe virtiofsd, "lnfsd ..." lnfsd,
# "virtiofs->lnfsd"/"lnfsd->virtiofs" the cross views; "SKIP:" when a check
# cannot apply (the label could not be set on that side at all).
# Usage: guest-virtiofs.sh MAP SERVER:/PATH     (MAP: user or trusted)
. "$(dirname "$0")/guest-sel-lib.sh"
MAP=$1 SRC=$2
V=/mnt/vfs N=/mnt/nfs NEST=/mnt/vfsnest
T1=httpd_sys_content_t T2=public_content_t
mkdir -p $V $N $NEST
echo "===== guest ($MAP map)"
run getenforce
semodule -l | grep -q '^lnfs_virtiofs' || run semodule -i "$LNFS_IO/lnfs_virtiofs.cil"
mount_all() {
    run mount -t virtiofs lnfsfs $V && run mount -t nfs -o vers=4.2 "$SRC" $N &&
        run mount -t virtiofs lnfsnest $NEST
}
umount_all() { run umount $V; run umount $N; run umount $NEST; }
mount_all || { ck "mount virtiofs and nfs" false; summary "vfs-$MAP"; exit 1; }
sh_run "grep -E ' ($(echo $V $N $NEST | sed 's|/|\\/|g; s/ /|/g')) ' /proc/mounts"
ck "virtiofs mount has seclabel" grep -q " $V [^ ]* [^ ]*seclabel" /proc/mounts
ck "lnfsd mount has seclabel" grep -q " $N [^ ]* [^ ]*seclabel" /proc/mounts

declare -A CREATE_RC CREATE_CTX CHCON_RC
# side NAME MOUNT SUBDIR TYPE: make every kind through MOUNT in SUBDIR,
# c_KIND left with its label at create, x_KIND chcon'ed to TYPE
side() {
    local s=$1 m=$2 d=$2/$3 t=$4 k
    echo "===== through $s: create and chcon in $3/"
    run mkdir $d
    # a parent with a type of its own, so that "label at create" (inherited
    # from it) differs from both sides' defaults
    chcon_obj $d $t
    run ls -Zd $d
    for k in $KINDS; do
        mkobj $k $d/c_$k; CREATE_RC[$s.$k]=$?
        CREATE_CTX[$s.$k]=$(expected_create $d "$(sel_class $d/c_$k)")
        run ls -Zd $d/c_$k
        ck "$s: create a $k (mkdir/ln -s/mkfifo/bind/mknod c 1 3)" test "${CREATE_RC[$s.$k]}" = 0
        ck "$s: a new $k shows the policy's label at create (${CREATE_CTX[$s.$k]})" test "$(ctx $d/c_$k)" = "${CREATE_CTX[$s.$k]}"
        mkobj $k $d/x_$k
        chcon_obj $d/x_$k $t; CHCON_RC[$s.$k]=$?
        run ls -Zd $d/x_$k
        ck "$s: chcon -t $t on a $k" is_type $d/x_$k $t
    done
}
side virtiofs $V v $T1
side lnfsd $N n $T2

echo "===== nesting: the guest writes the store's own prefix, as a nested virtiofsd would"
run setfattr -n $MAP.virtiofs.security.selinux -v system_u:object_r:$T1:s0 $V/v/x_file
ck "virtiofs: the guest may write $MAP.virtiofs.security.selinux (a nested virtiofsd level with the same map)" \
    test "$(getfattr --only-values -n $MAP.virtiofs.security.selinux $V/v/x_file 2>/dev/null)" = system_u:object_r:$T1:s0
run setfattr -n $MAP.virtiofs.security.selinux -v system_u:object_r:$T1:s0 $N/n/x_file
run getfattr -d -m - $N/n/x_file

echo "===== remount both, then read every object through both"
umount_all
mount_all
for k in $KINDS; do
    for pair in "virtiofs v $T1 $V $N virtiofs->lnfsd" "lnfsd n $T2 $N $V lnfsd->virtiofs"; do
        set -- $pair
        s=$1 d=$2 t=$3 own=$4 other=$5 what=$6
        run ls -Zd $own/$d/x_$k $other/$d/x_$k $own/$d/c_$k $other/$d/c_$k
        ck "$s: after a remount a $k keeps the label chcon set" is_type $own/$d/x_$k $t
        if [ "${CHCON_RC[$s.$k]}" != 0 ]; then
            echo "SKIP: $what: a $k's label set through $s (chcon failed there); seen through the other: '$(ctx $other/$d/x_$k)'"
        elif [ $s = lnfsd ] && [ $MAP = user ] && [ $k != file ] && [ $k != dir ]; then
            echo "SKIP: $what: a $k's label set through lnfsd: user.* cannot hold it on the host, lnfsd keeps it in its fallback store; seen through virtiofs: '$(ctx $other/$d/x_$k)'"
        else
            ck "$what: a $k's label set through $s is seen through the other" is_type $other/$d/x_$k $t
        fi
        want=${CREATE_CTX[$s.$k]}
        if [ "${CREATE_RC[$s.$k]}" = 0 ]; then
            ck "$s: the label at create of a $k was stored (after a remount still '$want')" \
                test "$(ctx $own/$d/c_$k)" = "$want"
            echo "AT-CREATE $s $k: policy's label at create '$want', after remount through $s '$(ctx $own/$d/c_$k)', through the other '$(ctx $other/$d/c_$k)'"
        fi
    done
done

echo "===== nesting: a label lnfsd's nested domain (parent = this map's domain) stored, through a two-level virtiofsd map"
run ls -Z $NEST/nested $N/nested $V/nested
ck "lnfsd nested domain -> virtiofs two-level map: 'nested' shows the label the nested domain set ($T1)" is_type $NEST/nested $T1
ck "lnfsd: the parent domain does not see the nested domain's label on 'nested' (default nfs_t)" is_type $N/nested nfs_t
umount_all
sh_run "dmesg | grep -i -E 'avc|virtio.?fs|fuse' | grep -v -E 'udev|agetty|lnfs-io|tmpfile' | tail -n 10"
summary "vfs-$MAP"
