#!/bin/bash
# guest-domains.sh - runs INSIDE one of two guests that mount the same lnfsd
# export at the same time, each from an address the exports file maps to a
# label domain of its own (alpha, beta).  Each sets its own labels, then
# tells the host ("ready-ROLE" on the export) and waits until the host says
# "go" (both have set theirs); then, and again after a remount, it checks it
# sees its own labels and, for objects only the other domain labelled, its
# domain's default or the label beta's translate-table gives.
# Usage: guest-domains.sh alpha|beta SERVER:/PATH
. "$(dirname "$0")/guest-sel-lib.sh"
ROLE=$1 SRC=$2
M=/mnt/nfs
# no lookup or attribute caching: "go" must be seen as soon as it exists
OPTS=vers=4.2,lookupcache=none,actimeo=0
mkdir -p $M
run ip -br addr show eth0
sh_run "hostname; cat /sys/module/nfs/parameters/nfs4_unique_id"
run mount -t nfs -o $OPTS "$SRC" $M || { ck "[$ROLE] mount" false; summary "$ROLE"; exit 1; }
case $ROLE in
    alpha)
        chcon_obj $M/shared httpd_sys_content_t
        chcon_obj $M/alpha-only httpd_sys_content_t
        chcon_obj $M/alpha-unmapped tmp_t ;;
    beta)
        chcon_obj $M/shared etc_t
        chcon_obj $M/beta-only etc_t ;;
esac
run ls -Z $M/shared $M/$ROLE-only
touch $M/ready-$ROLE
echo "[$ROLE] labels set, waiting for the other guest"
for _ in $(seq 900); do [ -e $M/go ] && break; sleep 1; done
ck "[$ROLE] the other guest set its labels while this one is mounted" test -e $M/go

verify() { # verify WHEN
    run ls -Z $M
    case $ROLE in
        alpha)
            ck "[alpha] $1: sees its own label on 'shared' (httpd_sys_content_t), not beta's" is_type $M/shared httpd_sys_content_t
            ck "[alpha] $1: 'beta-only' (labelled only by beta) shows alpha's default nfs_t" is_type $M/beta-only nfs_t
            ck "[alpha] $1: 'plain' (no label) shows the default nfs_t" is_type $M/plain nfs_t ;;
        beta)
            ck "[beta] $1: sees its own label on 'shared' (etc_t), not alpha's" is_type $M/shared etc_t
            ck "[beta] $1: 'alpha-only' (alpha: httpd_sys_content_t) shows the translated public_content_t" is_type $M/alpha-only public_content_t
            ck "[beta] $1: 'alpha-unmapped' (alpha: tmp_t, no rule) shows beta's default nfs_t" is_type $M/alpha-unmapped nfs_t
            ck "[beta] $1: 'plain' (no label) shows the default nfs_t" is_type $M/plain nfs_t ;;
    esac
}
verify "while both are mounted"
run umount $M
run mount -t nfs -o $OPTS "$SRC" $M
verify "after a remount"
run umount $M
summary "$ROLE"
