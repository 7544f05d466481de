# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034  # DESC is read by check() in run.sh
# phase-pkg.sh - phase 9 of tests/vm/run.sh (sourced by it; uses its WORK,
# HERE, ROOT, VM, want, check and fails): the Debian package in the guest.
#   The .deb is built by tests/pkg/build-and-install.sh (dpkg-buildpackage on
#   a copy of the tree) into $WORK/pkg, or taken from LNFS_PKG_DEB=FILE;
#   the host's ldd of the packaged lnfsd names the library packages the
#   guest must already have (it has no network).  In the guest
#   (guest-pkg.sh): dpkg -i, /etc/lnfsd/{lnfsd.conf,exports} exporting
#   /srv/nfs to 127.0.0.1 with labels, systemctl start (Type=notify: READY),
#   lnfsctl status, mount -t nfs -o vers=4.2 127.0.0.1:/srv/nfs from the
#   guest itself, cat, ls -Z, chcon, systemctl reload (mount keeps working),
#   systemctl stop.  Missing libraries in the guest give SKIP, not FAIL.
if want 9; then
echo "== 9. the Debian package in the guest, as a systemd service"
mkdir -p "$WORK/pkg"
deb=
if [ -n "${LNFS_PKG_DEB:-}" ]; then
    if [ -f "$LNFS_PKG_DEB" ]; then deb=$LNFS_PKG_DEB; cp "$deb" "$WORK/pkg/"
    else echo "FAIL: LNFS_PKG_DEB=$LNFS_PKG_DEB does not exist"; fails=$((fails + 1)); fi
else
    echo "building the package (tests/pkg/build-and-install.sh)..."
    LNFS_PKG_OUT=$WORK/pkg "$ROOT/tests/pkg/build-and-install.sh" > "$WORK/pkg-build.log" 2>&1
    rc=$?
    grep -E '^(PASS|FAIL|SKIP):' "$WORK/pkg-build.log"
    if [ $rc = 77 ]; then
        echo "SKIP: phase 9: the package cannot be built here"
    elif [ $rc != 0 ]; then
        echo "FAIL: tests/pkg/build-and-install.sh exit $rc"; tail -n 20 "$WORK/pkg-build.log"
        fails=$((fails + 1))
    fi
fi
[ -n "$deb" ] || deb=$(ls "$WORK"/pkg/lnfsd_*.deb 2>/dev/null | head -n1)
if [ -n "$deb" ] && [ -f "$deb" ]; then
    deb=$WORK/pkg/$(basename "$deb")
    # the packages of the libraries the packaged lnfsd, lnfsctl and lnfs-label link
    rm -rf "$WORK/pkg/root"
    dpkg -x "$deb" "$WORK/pkg/root"
    libs=$(for b in lnfsd lnfsctl lnfs-label; do ldd "$WORK/pkg/root/usr/sbin/$b"; done |
        awk '$3 ~ /^\// { print $3 }' | sort -u)
    echo "the packaged programs link: $(echo "$libs" | xargs -n1 basename | tr "\n" " ")"
    libpkgs=$(for l in $libs; do dpkg -S "$(readlink -f "$l")" 2>/dev/null || dpkg -S "$l" 2>/dev/null; done |
        cut -d: -f1 | sort -u | tr '\n' ' ')
    echo "their packages: $libpkgs"
    echo "the .deb's Depends: $(dpkg-deb -f "$deb" Depends)"
    cp "$HERE/guest-pkg.sh" "$WORK/guest-pkg.sh"
    # no lnfsd on the host: the guest talks to its own service over loopback;
    # the guest still runs in the harness's namespace (LNFS_NETNS/LNFS_TAP)
    "$VM/with-netns.sh" "$VM/run-guest.sh" -c "$WORK/guest-pkg.sh" -c "$deb" \
        "bash \$LNFS_IO/guest-pkg.sh \$LNFS_IO/$(basename "$deb") $libpkgs" > "$WORK/pkg.log" 2>&1
    rc=$?
    grep -E '^(PASS|FAIL|SKIP):|passed, .* failed' "$WORK/pkg.log" | tr -d '\r'
    if grep -q '^SKIP: pkg-guest' "$WORK/pkg.log"; then
        echo "SKIP: phase 9: the package could not be installed in the guest (see above)"
    else
        n=$(grep -c '^FAIL:' "$WORK/pkg.log")
        fails=$((fails + n))
        DESC="the guest ran guest-pkg.sh to the end (exit $rc)"
        check grep -q '^pkg-guest: .* passed, .* failed' "$WORK/pkg.log"
    fi
    if [ $rc != 0 ] || grep -q '^FAIL:' "$WORK/pkg.log"; then
        echo "----- phase 9 guest transcript (tail)"; tail -n 80 "$WORK/pkg.log"
    fi
fi
fi
