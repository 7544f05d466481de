#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-and-install.sh - build the Debian package from a clean copy of the
# tree and check that what it installs works.
#
# 1. Copies the tree's source files (git's tracked and new, not ignored
#    files: no build directories, no generated configure) to a temporary
#    directory, so the working tree and other builds are never touched, and
#    runs dpkg-buildpackage -us -uc -b there (installs devscripts, debhelper
#    and fakeroot with apt-get when missing, as root).
# 2. Checks the .deb: its file list, its conffiles, and that apt could
#    install it here (apt-get install --simulate resolves its Depends).
# 3. Unpacks it into a throw-away root with dpkg -x (no maintainer scripts,
#    no systemd: a container has neither a running systemd nor a reason to
#    change the host's /usr) and runs the unpacked /usr/sbin/lnfsd from there
#    on 127.0.0.1, a free port, a temporary export, state directory and
#    control socket: the project's nfs4cli (built by the package build)
#    must read a file through it and the unpacked lnfsctl must reach it.
#    The server is stopped by its pid.
#
# A chroot made with debootstrap plus dpkg -i would also run the maintainer
# scripts, but costs minutes and a mirror; dpkg -x tests the same binaries
# against this system's libraries, which is what the .deb promises.
#
# Prints PASS:/FAIL:/SKIP: lines and exits 0 (all passed), 1 (a failure) or
# 77 (could not run: not root and tools missing).  Env: KEEP=1 keeps the
# temporary directory; LNFS_PKG_OUT=DIR copies the .deb there.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
ok() { echo "PASS: pkg: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: pkg: $1"; fail=$((fail + 1)); }
skip() { echo "SKIP: pkg: $1"; exit 77; }

need=()
for t in dpkg-buildpackage:dpkg-dev dh:debhelper fakeroot:fakeroot debchange:devscripts; do
	command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || skip "missing ${need[*]}; run as root to install them"
	echo "build-and-install: installing ${need[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${need[@]}" >/dev/null || skip "apt-get install ${need[*]} failed"
fi
# the build dependencies (debian/control)
if ! (cd "$ROOT" && dpkg-checkbuilddeps >/dev/null 2>&1); then
	[ "$(id -u)" = 0 ] || skip "build dependencies missing; run scripts/deps.sh as root"
	"$ROOT/scripts/deps.sh" build || skip "cannot install the build dependencies"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-pkg.XXXXXX") || exit 1
spid=
cleanup() {
	if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then
		kill -TERM "$spid"
		for _ in $(seq 50); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$spid" 2>/dev/null && kill -KILL "$spid"
		wait "$spid" 2>/dev/null
	fi
	[ "${KEEP:-0}" = 1 ] && echo "build-and-install: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# 1. a clean copy and the build
ver=$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version)
src=$work/lnfsd-$ver
mkdir -p "$src"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$ROOT" && git ls-files -z -c -o --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -C "$src" -xf -
else
	tar -C "$ROOT" --exclude=./build --exclude='./build-*' --exclude=.git -cf - . |
		tar -C "$src" -xf -
fi
mkdir -p "$src/m4"
if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	ko "dpkg-buildpackage failed; the end of its log:"
	tail -n 40 "$work/build.log"
	echo "summary: $pass passed, $fail failed"
	exit 1
fi
deb=$(ls "$work"/lnfsd_"$ver"_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || { ko "no .deb in $work"; exit 1; }
[ -n "${LNFS_PKG_OUT:-}" ] && cp "$deb" "$LNFS_PKG_OUT/"

# 2. what is in it
list=$(dpkg-deb -c "$deb")
missing=
for f in ./usr/sbin/lnfsd ./usr/sbin/lnfsctl ./usr/sbin/lnfs-label \
	./usr/share/man/man8/lnfsd.8.gz ./usr/share/man/man8/lnfsctl.8.gz \
	./usr/share/man/man5/lnfsd.conf.5.gz ./usr/share/man/man5/lnfsd.exports.5.gz \
	./usr/share/man/man8/lnfs-label.8.gz ./usr/lib/systemd/system/lnfsd.service \
	./etc/lnfsd/lnfsd.conf ./etc/lnfsd/exports \
	./usr/share/doc/lnfsd/examples/lnfsd.conf.example \
	./usr/share/doc/lnfsd/operations.md.gz ./usr/share/selinux/packages/lnfsd.pp; do
	echo "$list" | awk '{ print $6 }' | grep -qx -- "$f" || missing="$missing $f"
done
[ -z "$missing" ] && ok "the package holds the programs, man pages, unit, configuration, docs, SELinux module" ||
	ko "missing from the package:$missing"
conff=$(dpkg-deb -f "$deb" Conffiles 2>/dev/null; dpkg-deb -I "$deb" conffiles 2>/dev/null)
echo "$conff" | grep -q /etc/lnfsd/exports && echo "$conff" | grep -q /etc/lnfsd/lnfsd.conf &&
	ok "/etc/lnfsd files are conffiles" || ko "conffiles: $conff"
dep=$(dpkg-deb -f "$deb" Depends)
echo "$dep" | grep -q libc6 && ok "Depends: $dep" || ko "Depends lacks shared libraries: $dep"
if [ "$(id -u)" = 0 ]; then
	if apt-get install --simulate -qq "$deb" >"$work/sim.log" 2>&1; then
		ok "apt-get install --simulate accepts it"
	else
		ko "apt-get install --simulate: $(tail -n 5 "$work/sim.log")"
	fi
fi

# 3. unpack and run
root=$work/root
dpkg -x "$deb" "$root" && ok "dpkg -x into a throw-away root" || ko "dpkg -x"
lnfsd=$root/usr/sbin/lnfsd
ctl=$root/usr/sbin/lnfsctl
cli=$src/_build/tests/lib/nfs4cli
[ -x "$cli" ] || { ko "nfs4cli was not built by the package build ($cli)"; exit 1; }
man --warnings -l "$root/usr/share/man/man8/lnfsd.8.gz" >/dev/null 2>"$work/man.err" &&
	[ ! -s "$work/man.err" ] && ok "the installed lnfsd.8 formats cleanly" ||
	ko "man lnfsd.8: $(cat "$work/man.err")"
mkdir -p "$work/export"
echo "served from the package" > "$work/export/hello"
cat > "$work/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $work/state
control-socket = $work/ctl.sock
CONF
"$lnfsd" --check-config -c "$work/lnfsd.conf" -e "$work/export" >/dev/null 2>"$work/cc.err" &&
	ok "the unpacked lnfsd runs (--check-config)" || ko "lnfsd --check-config: $(cat "$work/cc.err")"
port=
for _ in $(seq 20); do
	p=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
	grep -qi ":$(printf '%04X' "$p") " /proc/net/tcp /proc/net/tcp6 2>/dev/null || { port=$p; break; }
done
[ -n "$port" ] || { ko "no free port"; exit 1; }
"$lnfsd" -f -c "$work/lnfsd.conf" -l "127.0.0.1:$port" -e "$work/export" 2>"$work/lnfsd.log" &
spid=$!
for _ in $(seq 100); do
	[ -S "$work/ctl.sock" ] && "$ctl" -s "$work/ctl.sock" status >/dev/null 2>&1 && break
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.1
done
st=$("$ctl" -s "$work/ctl.sock" status 2>&1) && echo "$st" | grep -q "^nfs-port: $port" &&
	ok "the unpacked lnfsctl reaches the unpacked lnfsd" || { ko "lnfsctl status: $st"; cat "$work/lnfsd.log"; }
got=$("$cli" -s 127.0.0.1 -p "$port" cat "$work/export/hello" 2>&1)
[ "$got" = "served from the package" ] && ok "nfs4cli reads a file through the packaged lnfsd" ||
	ko "nfs4cli cat: $got"
kill -TERM "$spid"
wait "$spid"
rc=$?
spid=
[ $rc = 0 ] && ok "SIGTERM stops it with status 0" || ko "lnfsd exited $rc after SIGTERM"

echo "summary: $pass passed, $fail failed"
[ $fail = 0 ]
