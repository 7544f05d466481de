# phases-labels.sh - phases 6-8 of tests/vm/run.sh (sourced by it; uses its
# WORK, HERE, VM, LNFSD, want, check, guest_run and fails):
#   6. every object type's label in an SELinux ENFORCING guest: chcon, ls -Z,
#      restorecon -R, label at create (inheritance, type_transition), mkdir,
#      ln -s, mkfifo, a socket, mknod c 1 3; the host holds each label in
#      trusted.lnfs.default (guest-labels.sh);
#   7. two guests at the same time, from two addresses that one export maps to
#      two label domains (alpha, beta; beta translates alpha's labels): each
#      sees its own label on the same file, the host holds both xattrs
#      (guest-domains.sh).  The second guest has its own tap (10.78.0.0/24)
#      in the harness's namespace, created and deleted here;
#   8. virtiofs (QEMU's C virtiofsd) and lnfsd on the SAME tree, once with
#      the user.virtiofs. map and once with trusted.virtiofs.: labels set
#      through one are seen through the other (guest-virtiofs.sh);
#      docs/virtiofs-comparison.md is written from these runs.
# Guest checks print PASS:/FAIL: lines; host checks go through check().

# host_label FILE XATTR FORMAT: the label stored in XATTR (framed: after
# lnfsd's 12-byte header; raw: without the trailing NUL)
host_label() {
    if [ "$3" = framed ]; then
        getfattr -h -n "$2" --only-values "$1" 2>/dev/null | tail -c +13 | tr -d '\0'
    else
        getfattr -h -n "$2" --only-values "$1" 2>/dev/null | tr -d '\0'
    fi
}
host_has() { [ "$(host_label "$1" "$2" "$3")" = "$4" ]; }
# guest_checks LOG [IGNORE_RE]: print the guest's PASS/FAIL/SKIP lines and
# add its FAIL lines (except those matching IGNORE_RE) to fails
guest_checks() {
    local n
    # lines about virtiofsd's own behaviour (excluded by $2) are shown as
    # "virtiofsd-no:" so they are not mistaken for lnfsd failures
    if [ -n "${2:-}" ]; then
        grep -E '^(PASS|FAIL|SKIP):' "$1" | sed -E "s/$2/virtiofsd-no: virtiofs /"
    else
        grep -E '^(PASS|FAIL|SKIP):' "$1"
    fi
    if [ -n "${2:-}" ]; then
        n=$(grep '^FAIL:' "$1" | grep -c -v -E "$2")
    else
        n=$(grep -c '^FAIL:' "$1")
    fi
    fails=$((fails + n))
}
# host_dump DIR...: every entry's xattrs, for the transcript
host_dump() {
    local f
    find "$@" -mindepth 1 | sort | while read -r f; do
        echo "--- ${f#"$WORK"/} ($(stat -c %F "$f"))"
        getfattr --absolute-names -h -d -m - -e text "$f" 2>&1 | grep -v -e '^# file' -e '^$'
    done
}

# ------------------------------------------------ 6. object types, enforcing
if want 6; then
echo "== 6. labels of every object type, SELinux enforcing guest"
EXP6=$WORK/types-export
mkdir -p "$EXP6/tree/sub"
echo "before the mount" > "$EXP6/existing"
echo a > "$EXP6/tree/a"
echo b > "$EXP6/tree/sub/b"
cp "$HERE/guest-labels.sh" "$HERE/guest-sel-lib.sh" "$WORK/"
LNFS_SELINUX=enforcing guest_run types "$EXP6" "bash \$LNFS_IO/guest-labels.sh 10.77.0.1:$EXP6" \
    "$WORK/guest-labels.sh" "$WORK/guest-sel-lib.sh"
rc=$?
tr -d '\r' < "$WORK/types.log" > "$WORK/types.txt"
grep -E '^(RESTORECON|TRANSITION|CREATE) ' "$WORK/types.txt" | sed 's/^/  /'
grep -E '^(RESTORECON|TRANSITION):' "$WORK/types.txt"
guest_checks "$WORK/types.txt"
DESC="the guest ran the whole script (exit $rc)"; check grep -q '^labels: .* passed' "$WORK/types.txt"
while read -r _ name label; do
    DESC="host: trusted.lnfs.default of $name ($(stat -c %F "$EXP6/$name" 2>/dev/null)) holds $label"
    check host_has "$EXP6/$name" trusted.lnfs.default framed "$label"
done < <(grep '^LABEL ' "$WORK/types.txt")
DESC="host: no object got a security.selinux xattr from the client"
check sh -c "! getfattr -R -h -n security.selinux '$EXP6' 2>/dev/null | grep -q -E 'httpd_sys_content_t|public_content_t|tmp_t'"
if [ "$(grep -c '^FAIL:' "$WORK/types.txt")" != 0 ] || ! grep -q '^labels: ' "$WORK/types.txt"; then
    echo "----- guest transcript (tail)"; tail -n 80 "$WORK/types.txt"
    echo "----- server log (tail)"; tail -n 20 "$WORK/types-server.log"
fi
fi

# ------------------------------------------------ 7. two domains at once
if want 7; then
echo "== 7. two guests in two label domains on one export, at the same time"
EXP7=$WORK/dom-export
mkdir -p "$EXP7" "$WORK/dom-state"
for f in shared alpha-only alpha-unmapped beta-only plain; do echo "$f" > "$EXP7/$f"; done
cat > "$WORK/dom.conf" <<EOF
[lnfsd]
state-dir = $WORK/dom-state
exports = $WORK/dom.exports
[domain "alpha"]
format = selinux
[domain "beta"]
format = selinux
translate-from = alpha
translate-table = $WORK/dom.xlate
EOF
echo "$EXP7 10.77.0.2(rw,no_root_squash,domain=alpha) 10.78.0.2(rw,no_root_squash,domain=beta)" > "$WORK/dom.exports"
echo "alpha type=httpd_sys_content_t -> type=public_content_t" > "$WORK/dom.xlate"
cp "$HERE/guest-domains.sh" "$HERE/guest-sel-lib.sh" "$WORK/"
cat > "$WORK/dom-inner.sh" <<INNER
#!/usr/bin/env bash
TAP2=\${LNFS_TAP}b
ip tuntap add dev \$TAP2 mode tap && ip addr add 10.78.0.1/24 dev \$TAP2 && ip link set \$TAP2 up || exit 125
"$LNFSD" -f -v -c "$WORK/dom.conf" -l 10.77.0.1:2049 -l 10.78.0.1:2049 > "$WORK/dom-server.log" 2>&1 &
SPID=\$!
for _ in \$(seq 100); do [ "\$(ss -Hltn 'sport = :2049' | wc -l)" -ge 2 ] && break; sleep 0.1; done
guest() { # guest ROLE TAP GUEST_IP SERVER_IP
    # both guests boot the same image (same host name): a unique client
    # owner each, or the server rightly takes the second EXCHANGE_ID for a
    # reboot of the first and the two keep replacing each other's client ID
    LNFS_TAP=\$2 LNFS_GUEST_IP=\$3 LNFS_VM_APPEND="nfs.nfs4_unique_id=lnfs-\$1" "$VM/run-guest.sh" -c "$WORK/guest-domains.sh" -c "$WORK/guest-sel-lib.sh" \
        "bash \\\$LNFS_IO/guest-domains.sh \$1 \$4:$EXP7" > "$WORK/dom-\$1.log" 2>&1
}
guest alpha \$LNFS_TAP 10.77.0.2 10.77.0.1 &
APID=\$!
guest beta \$TAP2 10.78.0.2 10.78.0.1 &
BPID=\$!
for _ in \$(seq 1200); do
    [ -e "$EXP7/ready-alpha" ] && [ -e "$EXP7/ready-beta" ] && break
    kill -0 \$APID 2>/dev/null && kill -0 \$BPID 2>/dev/null || break
    sleep 0.5
done
if [ -e "$EXP7/ready-alpha" ] && [ -e "$EXP7/ready-beta" ]; then
    echo "HOST: both guests mounted and labelled; the host's xattrs now:"
    getfattr --absolute-names -h -d -m - -e text "$EXP7/shared" "$EXP7/alpha-only" "$EXP7/beta-only" | sed 's/^/HOST:   /'
    touch "$EXP7/go"
fi
wait \$APID; arc=\$?
wait \$BPID; brc=\$?
echo "HOST: guest alpha exit \$arc, guest beta exit \$brc"
kill -TERM \$SPID; wait \$SPID
ip link del \$TAP2
[ \$arc = 0 ] && [ \$brc = 0 ]
INNER
chmod +x "$WORK/dom-inner.sh"
if "$LNFSD" --check-config -c "$WORK/dom.conf" > "$WORK/dom-check.txt" 2>&1; then
    "$VM/with-netns.sh" "$WORK/dom-inner.sh" > "$WORK/dom.log" 2>&1
    rc=$?
    grep '^HOST:' "$WORK/dom.log"
    grep -E -o 'client [0-9.]*: label domain .*' "$WORK/dom-server.log" | sort | uniq -c | sed 's/^ */server: client IDs established: /'
    for r in alpha beta; do
        tr -d '\r' < "$WORK/dom-$r.log" > "$WORK/dom-$r.txt"
        guest_checks "$WORK/dom-$r.txt"
        DESC="guest $r ran its whole script"; check grep -q "^$r: .* passed" "$WORK/dom-$r.txt"
    done
    DESC="server: 10.77.0.2's client ID is in domain alpha"
    check grep -q 'client 10.77.0.2: label domain alpha' "$WORK/dom-server.log"
    DESC="server: 10.78.0.2's client ID is in domain beta"
    check grep -q 'client 10.78.0.2: label domain beta' "$WORK/dom-server.log"
    DESC="host: 'shared' holds alpha's label in trusted.lnfs.alpha"
    check host_has "$EXP7/shared" trusted.lnfs.alpha framed system_u:object_r:httpd_sys_content_t:s0
    DESC="host: 'shared' holds beta's label in trusted.lnfs.beta"
    check host_has "$EXP7/shared" trusted.lnfs.beta framed system_u:object_r:etc_t:s0
    DESC="host: 'alpha-only' has no trusted.lnfs.beta (translation never writes)"
    check sh -c "! getfattr -h -n trusted.lnfs.beta '$EXP7/alpha-only' >/dev/null 2>&1"
    if [ $rc != 0 ]; then
        echo "----- transcript (tail)"; tail -n 20 "$WORK/dom.log"
        for r in alpha beta; do echo "----- guest $r (tail)"; tail -n 30 "$WORK/dom-$r.txt"; done
        echo "----- server log (tail)"; tail -n 20 "$WORK/dom-server.log"
    fi
else
    echo "FAIL: the two-domain configuration is refused:"; cat "$WORK/dom-check.txt"
    fails=$((fails + 1))
fi
fi

# ------------------------------------------------ 8. virtiofs and lnfsd, one tree
if want 8; then
VIRTIOFSD=${VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
CLI=$(dirname "$LNFSD")/../tests/lib/nfs4cli
echo "== 8. virtiofs (C virtiofsd) and lnfsd on the same tree"
if [ ! -x "$VIRTIOFSD" ]; then
    echo "SKIP: $VIRTIOFSD not found (package qemu-system-common)"
elif [ ! -x "$CLI" ]; then
    echo "FAIL: $CLI is not built"; fails=$((fails + 1))
else
cp "$HERE/guest-virtiofs.sh" "$HERE/guest-sel-lib.sh" "$VM/guest/lnfs_virtiofs.cil" "$WORK/"
for MAP in user trusted; do
    EXP8=$WORK/vfs-$MAP-tree
    mkdir -p "$EXP8" "$WORK/vfs-$MAP-state"
    chmod 0755 "$EXP8"
    echo nested > "$EXP8/nested"
    cat > "$WORK/vfs-$MAP.conf" <<EOF
[lnfsd]
state-dir = $WORK/vfs-$MAP-state
exports = $WORK/vfs-$MAP.exports
[domain "vfs"]
xattr = $MAP.virtiofs.security.selinux
xattr-format = raw
[domain "vfsnest"]
parent = vfs
EOF
    echo "$EXP8 10.77.0.2(rw,no_root_squash,domain=vfs) 127.0.0.1(rw,no_root_squash,insecure,domain=vfsnest)" > "$WORK/vfs-$MAP.exports"
    caps=""
    [ $MAP = trusted ] && caps="-o modcaps=+sys_admin"
    cat > "$WORK/vfs-$MAP-inner.sh" <<INNER
#!/usr/bin/env bash
"$LNFSD" -f -v -c "$WORK/vfs-$MAP.conf" -l 10.77.0.1:2049 -l 127.0.0.1:2049 > "$WORK/vfs-$MAP-server.log" 2>&1 &
SPID=\$!
"$VIRTIOFSD" --socket-path="$WORK/vfs-$MAP.sock" -o source="$EXP8" -o cache=none \
    -o xattrmap=:map:security.selinux:$MAP.virtiofs.: $caps > "$WORK/virtiofsd-$MAP.log" 2>&1 &
VPID=\$!
"$VIRTIOFSD" --socket-path="$WORK/vfs-$MAP-nest.sock" -o source="$EXP8" -o cache=none \
    -o xattrmap=:map:security.selinux:$MAP.virtiofs.$MAP.virtiofs.: $caps > "$WORK/virtiofsd-$MAP-nest.log" 2>&1 &
NPID=\$!
for _ in \$(seq 100); do
    [ "\$(ss -Hltn 'sport = :2049' | wc -l)" -ge 2 ] && [ -S "$WORK/vfs-$MAP.sock" ] && [ -S "$WORK/vfs-$MAP-nest.sock" ] && break
    sleep 0.1
done
# a client of the nested domain (the host's test client, from 127.0.0.1)
echo "HOST: nfs4cli (domain vfsnest) setlabel nested: \$("$CLI" -s 127.0.0.1 -m 2 setlabel "$EXP8/nested" system_u:object_r:httpd_sys_content_t:s0 2>&1; echo rc=\$?)"
echo "HOST: nfs4cli (domain vfsnest) getlabel nested: \$("$CLI" -s 127.0.0.1 -m 2 getlabel "$EXP8/nested" 2>&1 | tr '\n' ' ')"
LNFS_VIRTIOFS="lnfsfs=$WORK/vfs-$MAP.sock lnfsnest=$WORK/vfs-$MAP-nest.sock" "$VM/run-guest.sh" \
    -c "$WORK/guest-virtiofs.sh" -c "$WORK/guest-sel-lib.sh" -c "$WORK/lnfs_virtiofs.cil" \
    "bash \\\$LNFS_IO/guest-virtiofs.sh $MAP 10.77.0.1:$EXP8"
rc=\$?
kill -TERM \$SPID \$VPID \$NPID; wait \$SPID \$VPID \$NPID
exit \$rc
INNER
    chmod +x "$WORK/vfs-$MAP-inner.sh"
    echo "-- $MAP map: virtiofsd -o xattrmap=:map:security.selinux:$MAP.virtiofs.: $caps; lnfsd [domain \"vfs\"] xattr = $MAP.virtiofs.security.selinux, raw"
    "$VM/with-netns.sh" "$WORK/vfs-$MAP-inner.sh" > "$WORK/vfs-$MAP.log" 2>&1
    rc=$?
    tr -d '\r' < "$WORK/vfs-$MAP.log" > "$WORK/vfs-$MAP.txt"
    grep -E "^AT-CREATE " "$WORK/vfs-$MAP.txt"
    grep -E '^HOST:' "$WORK/vfs-$MAP.txt"
    # virtiofsd's own results are documented, not counted
    guest_checks "$WORK/vfs-$MAP.txt" '^FAIL: virtiofs[: ]'
    DESC="[$MAP] the guest ran the whole script"; check grep -q "^vfs-$MAP: .* passed" "$WORK/vfs-$MAP.txt"
    DESC="[$MAP] host: lnfsd's nested domain stored 'nested' in $MAP.virtiofs.$MAP.virtiofs.security.selinux"
    check host_has "$EXP8/nested" "$MAP.virtiofs.$MAP.virtiofs.security.selinux" raw system_u:object_r:httpd_sys_content_t:s0
    for k in file dir; do
        DESC="[$MAP] host: the $k chcon'ed through lnfsd holds its label in $MAP.virtiofs.security.selinux (raw)"
        check host_has "$EXP8/n/x_$k" "$MAP.virtiofs.security.selinux" raw system_u:object_r:public_content_t:s0
    done
    echo "---- [$MAP] host xattrs of the tree" > "$WORK/vfs-$MAP-host.txt"
    host_dump "$EXP8" >> "$WORK/vfs-$MAP-host.txt"
    echo "---- [$MAP] lnfsd fallback store" >> "$WORK/vfs-$MAP-host.txt"
    find "$WORK/vfs-$MAP-state" -path '*labels*' -type f >> "$WORK/vfs-$MAP-host.txt" 2>&1
    if [ -n "${LNFS_VM_KEEP:-}" ]; then
        mkdir -p "$LNFS_VM_KEEP" && cp "$WORK"/vfs-$MAP*.txt "$WORK"/virtiofsd-$MAP*.log "$WORK"/vfs-$MAP-server.log "$LNFS_VM_KEEP/"
    fi
    if [ $rc -gt 1 ] || ! grep -q "^vfs-$MAP: " "$WORK/vfs-$MAP.txt"; then
        echo "----- [$MAP] transcript (tail)"; tail -n 60 "$WORK/vfs-$MAP.txt"
        echo "----- server log (tail)"; tail -n 20 "$WORK/vfs-$MAP-server.log"
    fi
done
fi
fi
# LNFS_VM_KEEP=DIR keeps the transcripts of phases 6-8 there
if [ -n "${LNFS_VM_KEEP:-}" ]; then
    mkdir -p "$LNFS_VM_KEEP"
    cp "$WORK"/types*.txt "$WORK"/types-server.log "$WORK"/dom*.txt "$WORK"/dom*.log "$LNFS_VM_KEEP/" 2>/dev/null
    true
fi
