#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_lnfs_label.sh - the lnfs-label command on host files in a temporary
# directory: list/get/set/remove with per-domain checks (LFS, format,
# read-only), translation (translated, unmapped, denied), symlinks through
# the fallback store, export/import to a virtiofsd xattr layout, the
# configuration errors it reports, usage errors, and its man page under
# man --warnings.  Domains keep their labels under user.* so it runs
# without privileges; skips (77) when the directory has no user xattrs.
# Run from the top build directory (automake does; srcdir is exported).
set -u

tool=$(pwd)/lfs/lnfs-label
[ -x "$tool" ] || { echo "SKIP: $tool not built" >&2; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/lnfs-lbl.XXXXXX") || exit 99
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/state" "$W/data/sub" || exit 99
: > "$W/data/f" || exit 99
: > "$W/data/sub/g" || exit 99
ln -s f "$W/data/ln" || exit 99
if ! setfattr -n user.lnfs-probe -v 1 "$W/data/f" 2>/dev/null; then
	echo "SKIP: no user xattrs in $W" >&2
	exit 77
fi
setfattr -x user.lnfs-probe "$W/data/f"

cat > "$W/lnfsd.conf" <<CONF
[lnfsd]
state-dir = $W/state
exports = $W/exports

[domain "alpha"]
xattr = user.lnfs.alpha
format = selinux

[domain "beta"]
xattr = user.lnfs.beta
lfs = 0 258

[domain "gamma"]
xattr = user.lnfs.gamma
translate-from = alpha
translate-table = gamma.tbl

[domain "delta"]
xattr = user.lnfs.delta
translate-from = alpha
translate-table = gamma.tbl
translate-unmapped = deny

[domain "ro"]
xattr = user.lnfs.ro
read-only = yes
CONF
cat > "$W/gamma.tbl" <<'TBL'
# gamma's view of alpha's labels
alpha type=httpd_sys_content_t -> system_u:object_r:public_content_t:s0
alpha type=user_home_t -> type=nfs_t
TBL
: > "$W/exports"

fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
# run EXPECTED_RC CMD...: output in $out, errors in $errout
run() {
	want=$1
	shift
	out=$("$tool" -c "$W/lnfsd.conf" "$@" 2>"$W/err")
	rc=$?
	errout=$(cat "$W/err")
	[ "$rc" -eq "$want" ] || fail "lnfs-label $*: exit $rc, want $want ($errout)"
}
expect_out() {
	[ "$out" = "$1" ] || fail "output: got [$out] want [$1]"
}
expect_err() {
	case $errout in
	*"$1"*) ;;
	*) fail "stderr: got [$errout] want to contain [$1]" ;;
	esac
}

D=$W/data
# nothing stored: defaults everywhere
run 0 get -d alpha "$D/f"
expect_out "0 0 system_u:object_r:nfs_t:s0"
run 0 list "$D/f"
expect_out "$D/f alpha 0 0 default system_u:object_r:nfs_t:s0
$D/f beta 0 0 default system_u:object_r:nfs_t:s0
$D/f gamma 0 0 default system_u:object_r:nfs_t:s0
$D/f delta 0 0 default system_u:object_r:nfs_t:s0
$D/f ro 0 0 default system_u:object_r:nfs_t:s0
$D/f default 0 0 default system_u:object_r:nfs_t:s0"

# set and read back; gamma translates, delta too
run 0 set -d alpha staff_u:object_r:user_home_t:s0:c1 "$D/f"
run 0 get -d alpha "$D/f"
expect_out "0 0 staff_u:object_r:user_home_t:s0:c1"
run 0 get -d gamma "$D/f"
expect_out "0 0 staff_u:object_r:nfs_t:s0:c1"
run 0 list "$D/f"
case $out in
*"$D/f gamma 0 0 translated:alpha staff_u:object_r:nfs_t:s0:c1"*) ;;
*) fail "list: no translated gamma line in [$out]" ;;
esac
[ "$(getfattr --absolute-names --only-values -n user.lnfs.gamma "$D/f" 2>/dev/null)" = "" ] ||
	fail "translation wrote gamma's xattr"
getfattr -n user.lnfs.alpha "$D/f" >/dev/null 2>&1 || fail "alpha's xattr missing"

# unmapped: gamma gets its default, delta is denied
run 0 set -d alpha system_u:object_r:other_t:s0 "$D/f"
run 0 get -d gamma "$D/f"
expect_out "0 0 system_u:object_r:nfs_t:s0"
run 1 get -d delta "$D/f"
expect_err "translate-unmapped = deny"
run 0 list "$D/f"
case $out in
*"$D/f delta - - denied:alpha"*) ;;
*) fail "list: delta not denied in [$out]" ;;
esac
case $out in
*"$D/f gamma 0 0 default(unmapped:alpha) system_u:object_r:nfs_t:s0"*) ;;
*) fail "list: gamma not unmapped in [$out]" ;;
esac

# translate without files
run 0 translate -d gamma --from alpha u:r:httpd_sys_content_t
expect_out "0 0 system_u:object_r:public_content_t:s0"
run 1 translate -d gamma --from alpha u:r:x_t
expect_err "unmapped: no rule of domain gamma maps this label from alpha"

# refusals
run 1 set -d alpha "not a context" "$D/f"
expect_err "not a label the domain accepts"
run 1 set -d beta --lfs 7 x "$D/f"
expect_err "the domain does not accept this LFS/PI"
run 0 set -d beta --lfs 258 flask "$D/f"
run 0 get -d beta "$D/f"
expect_out "258 0 flask"
run 1 set -d ro x "$D/f"
expect_err "the domain is read-only"
run 1 set -d nope x "$D/f"
expect_err "no domain \"nope\""
run 1 get -d alpha "$D/missing"
expect_err "$D/missing: No such file or directory"

# remove
run 0 remove -d beta "$D/f"
run 0 get -d beta "$D/f"
expect_out "0 0 system_u:object_r:nfs_t:s0"

# symlinks: the fallback store under state-dir
run 0 set -d alpha system_u:object_r:link_t:s0 "$D/ln"
run 0 get -d alpha "$D/ln"
expect_out "0 0 system_u:object_r:link_t:s0"
[ -n "$(ls "$W/state/labels")" ] || fail "no fallback entry for the symlink"
run 0 get -d alpha "$D/f"
expect_out "0 0 system_u:object_r:other_t:s0"
mv "$D/ln" "$D/ln2"
run 0 get -d alpha "$D/ln2"
expect_out "0 0 system_u:object_r:link_t:s0"
run 0 remove -d alpha "$D/ln2"
[ -z "$(ls "$W/state/labels")" ] || fail "fallback entry left after remove"

# export to and import from a virtiofsd layout
run 0 set -d alpha system_u:object_r:g_t:s0 "$D/sub/g"
run 0 set -d alpha system_u:object_r:link_t:s0 "$D/ln2"
run 0 export --virtiofs user.virtiofs.security.selinux -d alpha -R "$D"
expect_out "exported 2 label(s), 3 without one"
expect_err "skipped: user.virtiofs.security.selinux cannot be set"
v=$(getfattr --absolute-names --only-values -n user.virtiofs.security.selinux "$D/sub/g" | tr -d '\0')
[ "$v" = "system_u:object_r:g_t:s0" ] || fail "exported value [$v]"
run 0 import --virtiofs user.virtiofs.security.selinux -d beta "$D/sub/g" "$D/f"
expect_out "imported 2 label(s), 0 without one"
run 0 get -d beta "$D/sub/g"
expect_out "0 0 system_u:object_r:g_t:s0"
run 1 import --virtiofs security.other -d beta "$D/f"
expect_err "not an allowed label xattr name"
run 1 export --virtiofs user.lnfs.alpha -d alpha "$D/f"
expect_err "is domain alpha's own xattr"

# configuration errors name file, line and key
printf '[domain "x"]\nbogus = 1\n' > "$W/bad.conf"
out=$("$tool" -c "$W/bad.conf" list "$D/f" 2>&1)
[ $? -eq 1 ] || fail "bad config: exit status"
case $out in
*"$W/bad.conf:2: bogus: unknown key in [domain \"x\"]"*) ;;
*) fail "bad config message [$out]" ;;
esac
printf 'alpha a b\n' > "$W/gamma.tbl"
run 1 list "$D/f"
expect_err "$W/gamma.tbl:1: rule: expected \"->\""
printf 'alpha * -> =\n' > "$W/gamma.tbl"

# usage
run 2 frobnicate
run 2 get "$D/f" extra
run 2 translate -d gamma x

# the man page renders without warnings
man=${srcdir:-.}/lfs/lnfs-label.8
if command -v man >/dev/null 2>&1; then
	warn=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$man" 2>&1 >/dev/null)
	[ -z "$warn" ] || fail "man --warnings: $warn"
else
	echo "note: man not installed, man page not checked" >&2
fi

[ $fails -eq 0 ] || exit 1
echo "t_lnfs_label: all checks passed"
