# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034  # DESC is read by check() in run.sh
# phase-hostpol.sh - phase 11 of tests/vm/run.sh (sourced by it; uses its
# WORK, HERE, ROOT, VM, want, check and fails): the SELinux-enforcing guest
# plays the host.  The Debian package (with the policy module
# /usr/share/selinux/packages/lnfsd.pp) is the one phase 9 built, or
# LNFS_PKG_DEB, or built here by tests/pkg/build-and-install.sh; the
# test-only module tests/vm/lnfsdtest.te (confined domains that may manage
# every non-security file, one also allowed to read exports) is built here
# with selinux-policy-dev.  In the
# guest (guest-hostpol.sh, LNFS_SELINUX=enforcing): semodule -i both,
# dpkg -i, restorecon, lnfsd under systemd as lnfsd_t, an export with
# host_context=system_u:object_r:lnfsd_export_t:s0 mounted over loopback
# with vers=4.2; objects created through the mount have exactly that
# context on the host side, the client's chcon label is in
# trusted.lnfs.default and not in security.selinux, no AVC denial names
# lnfsd_t, and the confined test domains are refused writes and attribute
# changes on exported files (while they may on /srv files of type var_t)
# while lnfsd keeps serving.
if want 11; then
echo "== 11. host SELinux policy: the enforcing guest as the host"
mkdir -p "$WORK/pkg" "$WORK/hostpol"
hdeb=
if [ -n "${LNFS_PKG_DEB:-}" ] && [ -f "$LNFS_PKG_DEB" ]; then
    hdeb=$LNFS_PKG_DEB
elif ls "$WORK"/pkg/lnfsd_*.deb >/dev/null 2>&1; then
    hdeb=$(ls "$WORK"/pkg/lnfsd_*.deb | head -n1)     # phase 9's
else
    echo "building the package (tests/pkg/build-and-install.sh)..."
    LNFS_PKG_OUT=$WORK/pkg "$ROOT/tests/pkg/build-and-install.sh" > "$WORK/hostpol-pkg.log" 2>&1
    rc=$?
    if [ $rc = 77 ]; then
        echo "SKIP: phase 11: the package cannot be built here"
    elif [ $rc != 0 ]; then
        echo "FAIL: phase 11: tests/pkg/build-and-install.sh exit $rc"; tail -n 20 "$WORK/hostpol-pkg.log"
        fails=$((fails + 1))
    fi
    hdeb=$(ls "$WORK"/pkg/lnfsd_*.deb 2>/dev/null | head -n1)
fi
if [ -n "$hdeb" ] && [ -f "$hdeb" ] && ! dpkg-deb -c "$hdeb" | grep -q 'usr/share/selinux/packages/lnfsd.pp$'; then
    echo "FAIL: phase 11: $hdeb has no usr/share/selinux/packages/lnfsd.pp"
    fails=$((fails + 1)); hdeb=
fi
if [ -n "$hdeb" ] && [ ! -f /usr/share/selinux/devel/Makefile ]; then
    echo "SKIP: phase 11: selinux-policy-dev is not installed (scripts/deps.sh test)"; hdeb=
fi
if [ -n "$hdeb" ]; then
    # lnfsdtest uses lnfsd_read_export() from lnfsd.if (the devel Makefile
    # reads the interfaces of the modules whose .te is in the directory)
    cp "$HERE/lnfsdtest.te" "$ROOT"/selinux/lnfsd.te "$ROOT"/selinux/lnfsd.if "$ROOT"/selinux/lnfsd.fc "$WORK/hostpol/"
    if ! make -C "$WORK/hostpol" -f /usr/share/selinux/devel/Makefile lnfsdtest.pp > "$WORK/hostpol-mod.log" 2>&1; then
        echo "FAIL: phase 11: the test module lnfsdtest.pp does not build"; tail -n 20 "$WORK/hostpol-mod.log"
        fails=$((fails + 1))
    else
        cp "$hdeb" "$WORK/hostpol/"
        cp "$HERE/guest-hostpol.sh" "$WORK/hostpol/"
        libpkgs=$(dpkg-deb -x "$hdeb" "$WORK/hostpol/root" &&
            ldd "$WORK/hostpol/root/usr/sbin/lnfsd" | awk '$3 ~ /^\// { print $3 }' |
            while read -r l; do dpkg -S "$(readlink -f "$l")" 2>/dev/null || dpkg -S "$l" 2>/dev/null; done |
            cut -d: -f1 | sort -u | tr '\n' ' ')
        LNFS_SELINUX=enforcing LNFS_VM_TIMEOUT=${LNFS_VM_TIMEOUT:-900} "$VM/with-netns.sh" "$VM/run-guest.sh" \
            -c "$WORK/hostpol/guest-hostpol.sh" -c "$WORK/hostpol/$(basename "$hdeb")" \
            -c "$WORK/hostpol/lnfsdtest.pp" \
            "bash \$LNFS_IO/guest-hostpol.sh \$LNFS_IO/$(basename "$hdeb") \$LNFS_IO/lnfsdtest.pp $libpkgs" \
            > "$WORK/hostpol.log" 2>&1
        rc=$?
        tr -d '\r' < "$WORK/hostpol.log" | grep -E '^(PASS|FAIL|SKIP|AVC):|passed, .* failed'
        if grep -q '^SKIP: hostpol' "$WORK/hostpol.log"; then
            echo "SKIP: phase 11: see above"
        else
            n=$(grep -c '^FAIL:' "$WORK/hostpol.log")
            fails=$((fails + n))
            DESC="the guest ran guest-hostpol.sh to the end (exit $rc)"
            check grep -q '^hostpol: .* passed, .* failed' "$WORK/hostpol.log"
        fi
        if [ $rc != 0 ] || grep -q '^FAIL:' "$WORK/hostpol.log"; then
            echo "----- phase 11 guest transcript (tail)"; tail -n 100 "$WORK/hostpol.log"
        fi
        [ -n "${LNFS_HOSTPOL_LOG:-}" ] && cp "$WORK/hostpol.log" "$LNFS_HOSTPOL_LOG"
    fi
fi
fi
