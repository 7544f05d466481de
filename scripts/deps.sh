#!/usr/bin/env bash
# deps.sh - install the Debian packages lnfsd needs, only those missing.
# Usage: scripts/deps.sh [build|test]   (default build)
#   build: compiler, autotools, libraries (libtirpc, libnfsidmap, libselinux,
#          libsepol, krb5 GSSAPI, cmocka), selinux-policy-dev (the SELinux
#          policy module selinux/lnfsd.pp, shipped in the Debian package)
#   test:  build + what the test suite uses: tshark (wire check), attr,
#          secilc (tiny SELinux policies for label checks), man-db (man page
#          check), curl (metrics check), valgrind (memcheck pass), qemu/debootstrap for the
#          kernel-client guest, iproute2, krb5-kdc/krb5-admin-server (a
#          throw-away realm for the RPCSEC_GSS test)
set -euo pipefail
what=${1:-build}
pkgs=(build-essential autoconf automake libtool pkg-config libtirpc-dev libnfsidmap-dev
      libselinux1-dev libsepol-dev libkrb5-dev libcmocka-dev selinux-policy-dev)
if [ "$what" = test ]; then
    pkgs+=(tshark attr debootstrap qemu-system-x86 e2fsprogs iproute2 procps psmisc btrfs-progs
           secilc man-db curl krb5-kdc krb5-admin-server valgrind)
fi
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing packages: ${missing[*]}; run as root (or sudo) to install them" >&2
    exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
