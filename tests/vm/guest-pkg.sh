#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest-pkg.sh - phase 9 of tests/vm/run.sh, run inside the guest: install
# the lnfsd Debian package with dpkg -i, configure it to export /srv/nfs to
# 127.0.0.1 with labels, run it as the systemd service (Type=notify) and
# mount it from the guest itself.
# Usage: guest-pkg.sh DEB [PACKAGE...]   (PACKAGEs: the libraries' packages
# the host binary needs, from ldd; checked with dpkg -l before installing)
# Prints PASS:/FAIL:/SKIP: lines; SKIP (no FAIL) if the package cannot be
# installed because the guest lacks dependencies (it has no network).
set -u
DEB=$1; shift
pass=0 fail=0
ok() { echo "PASS: pkg-guest: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: pkg-guest: $1"; fail=$((fail + 1)); }
run() { echo "\$ $*"; "$@"; local rc=$?; echo "[rc=$rc]"; return $rc; }
summary() { echo "pkg-guest: $pass passed, $fail failed"; exit 0; }

# ------------------------------------------------------------ dependencies
missing=
for p in "$@"; do
    st=$(dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null)
    echo "dependency $p: ${st:-not known} $(dpkg-query -W -f '${Version}' "$p" 2>/dev/null)"
    case $st in ii*) ;; *) missing="$missing $p" ;; esac
done
echo "Depends of the .deb: $(dpkg-deb -f "$DEB" Depends)"
if [ -n "$missing" ]; then
    echo "SKIP: pkg-guest: the guest lacks the libraries' packages:$missing (no network to fetch them)"
    exit 0
fi
ok "the guest has every library package the binary needs ($*)"

# ------------------------------------------------------------ dpkg -i
if run dpkg -i "$DEB" > /tmp/dpkg.log 2>&1; then
    cat /tmp/dpkg.log
    ok "dpkg -i $(basename "$DEB")"
else
    cat /tmp/dpkg.log
    deps=$(grep -E 'depends on|is not installed' /tmp/dpkg.log | sed 's/^ *//' | tr '\n' ' ')
    if [ -n "$deps" ]; then
        echo "SKIP: pkg-guest: dpkg -i: unmet dependencies: $deps"
        exit 0
    fi
    ko "dpkg -i failed"
    summary
fi
dpkg -s lnfsd | grep -E '^(Status|Version):'
[ "$(dpkg-query -W -f '${db:Status-Abbrev}' lnfsd)" = "ii " ] && ok "dpkg reports lnfsd installed (ii)" ||
    ko "lnfsd status: $(dpkg-query -W -f '${db:Status-Abbrev}' lnfsd)"
st=$(systemctl is-enabled lnfsd 2>&1)
[ "$st" = disabled ] && ok "the unit is installed disabled" || ko "systemctl is-enabled lnfsd: $st"
st=$(systemctl is-active lnfsd 2>&1)
[ "$st" = inactive ] && ok "the package did not start the service" || ko "after dpkg -i: is-active $st"

# ------------------------------------------------------------ configuration
mkdir -p /srv/nfs/sub
echo "served by the packaged lnfsd" > /srv/nfs/hello
cat > /etc/lnfsd/lnfsd.conf <<'CONF'
# written by tests/vm/guest-pkg.sh
[lnfsd]
listen = 127.0.0.1:2049
state-dir = /var/lib/lnfsd
exports = /etc/lnfsd/exports
control-socket = /run/lnfsd/lnfsd.sock
CONF
cat > /etc/lnfsd/exports <<'EXP'
# written by tests/vm/guest-pkg.sh
/srv/nfs   127.0.0.1(rw,no_root_squash,security_label)
EXP
run /usr/sbin/lnfsd --check-config && ok "lnfsd --check-config accepts the configuration" ||
    ko "lnfsd --check-config"

# ------------------------------------------------------------ start
run timeout 120 systemctl start lnfsd; rc=$?
[ $rc = 0 ] && ok "systemctl start lnfsd" || ko "systemctl start lnfsd exit $rc"
st=$(systemctl is-active lnfsd 2>&1)
[ "$st" = active ] && ok "systemctl is-active lnfsd: active" || ko "systemctl is-active lnfsd: $st"
show=$(systemctl show -p Type,ActiveState,SubState,NRestarts,MainPID,StatusText lnfsd)
echo "$show"
echo "$show" | grep -qx 'Type=notify' && echo "$show" | grep -qx 'ActiveState=active' &&
    echo "$show" | grep -qx 'SubState=running' && echo "$show" | grep -qx 'NRestarts=0' &&
    ok "systemd saw READY: Type=notify, active/running, NRestarts=0" ||
    ko "systemctl show: $(echo "$show" | tr '\n' ' ')"
pid1=$(systemctl show -p MainPID --value lnfsd)
echo "\$ grep Cap /proc/$pid1/status"; grep -E '^Cap(Eff|Bnd)' "/proc/$pid1/status" 2>/dev/null
echo "\$ ss -ltnp"; ss -Hltnp 2>/dev/null | grep 2049
out=$(lnfsctl status 2>&1); rc=$?
echo "\$ lnfsctl status"; echo "$out"; echo "[rc=$rc]"
[ $rc = 0 ] && echo "$out" | grep -q 'nfs-port: 2049' && ok "lnfsctl status reaches the service (nfs-port 2049)" ||
    ko "lnfsctl status exit $rc"

# ------------------------------------------------------------ mount
mkdir -p /mnt/pkg
if run timeout 60 mount -t nfs -o vers=4.2 127.0.0.1:/srv/nfs /mnt/pkg; then
    ok "mount -t nfs -o vers=4.2 127.0.0.1:/srv/nfs"
    grep ' /mnt/pkg ' /proc/mounts
    got=$(timeout 30 cat /mnt/pkg/hello 2>&1)
    [ "$got" = "served by the packaged lnfsd" ] && ok "cat reads a file back through the mount" ||
        ko "cat /mnt/pkg/hello: $got"
    grep ' /mnt/pkg ' /proc/mounts | grep -q seclabel && ok "the mount has seclabel (labels on)" ||
        ko "no seclabel in the mount options"
    run timeout 30 ls -laZ /mnt/pkg
    lz=$(timeout 30 ls -Z /mnt/pkg/hello 2>&1)
    case $lz in *:object_r:*) ok "ls -Z shows a label: $lz" ;; *) ko "ls -Z: $lz" ;; esac
    if run timeout 30 chcon -t httpd_sys_content_t /mnt/pkg/hello; then
        lz=$(timeout 30 ls -Z /mnt/pkg/hello 2>&1)
        case $lz in *httpd_sys_content_t*) ok "chcon through the mount: $lz" ;; *) ko "after chcon: $lz" ;; esac
        hx=$(getfattr -h -n trusted.lnfs.default --only-values /srv/nfs/hello 2>/dev/null | tr -d '\0')
        case $hx in *httpd_sys_content_t*) ok "the exported file's trusted.lnfs.default holds the label" ;;
            *) ko "trusted.lnfs.default of /srv/nfs/hello: '$hx'" ;; esac
    else
        ko "chcon through the mount"
    fi

    # ------------------------------------------------------------ reload
    run timeout 60 systemctl reload lnfsd; rc=$?
    [ $rc = 0 ] && ok "systemctl reload lnfsd" || ko "systemctl reload lnfsd exit $rc"
    sleep 1
    pid2=$(systemctl show -p MainPID --value lnfsd)
    st=$(systemctl is-active lnfsd 2>&1)
    [ "$st" = active ] && [ "$pid1" = "$pid2" ] && ok "still active with the same main pid after reload ($pid2)" ||
        ko "after reload: $st, pid $pid1 -> $pid2"
    got=$(timeout 30 cat /mnt/pkg/hello 2>&1)
    [ "$got" = "served by the packaged lnfsd" ] && ok "the mount still reads after reload" ||
        ko "cat after reload: $got"
    echo "written after reload" > /mnt/pkg/after-reload 2>/dev/null && sync &&
        [ "$(cat /srv/nfs/after-reload 2>/dev/null)" = "written after reload" ] &&
        ok "the mount still writes after reload" || ko "write after reload"
    run timeout 60 umount /mnt/pkg || { umount -f -l /mnt/pkg; ko "umount /mnt/pkg"; }
else
    ko "mount -t nfs -o vers=4.2 127.0.0.1:/srv/nfs /mnt/pkg"
fi

# ------------------------------------------------------------ stop
run timeout 60 systemctl stop lnfsd; rc=$?
[ $rc = 0 ] && ok "systemctl stop lnfsd" || ko "systemctl stop lnfsd exit $rc"
st=$(systemctl is-active lnfsd 2>&1)
show=$(systemctl show -p ActiveState,SubState,Result,ExecMainStatus lnfsd | tr '\n' ' ')
echo "$show"
[ "$st" = inactive ] && ok "inactive after stop ($show)" || ko "after stop: $st ($show)"
if [ -n "$pid1" ] && [ "$pid1" != 0 ] && kill -0 "$pid1" 2>/dev/null; then
    ko "process $pid1 still runs after stop"
else
    ok "the lnfsd process is gone"
fi
ss -Hltn 'sport = :2049' | grep -q . && ko "something still listens on 2049" || ok "nothing listens on 2049"
echo "----- journal"
journalctl -u lnfsd --no-pager -o short-monotonic 2>&1 | tail -n 40
summary
