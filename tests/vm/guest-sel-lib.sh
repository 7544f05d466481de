# guest-sel-lib.sh - shell helpers sourced INSIDE the guest by
# guest-labels.sh, guest-domains.sh and guest-virtiofs.sh (copied in with
# run-guest.sh -c).  Checks print "PASS: ..." / "FAIL: ..." lines, which the
# host collects; commands are echoed as "$ ..." with their output and
# "[rc=N]" so the transcript can be read without the script.

NPASS=0 NFAIL=0
# ck "what" COMMAND...: one PASS/FAIL line
ck() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then
        echo "PASS: $what"; NPASS=$((NPASS + 1))
    else
        echo "FAIL: $what"; NFAIL=$((NFAIL + 1))
    fi
}
# run COMMAND...: echo, run, show output and status; returns the status
run() {
    local rc
    printf '$ %s\n' "$*"
    "$@" 2>&1
    rc=$?
    printf '[rc=%s]\n' "$rc"
    return $rc
}
# sh_run 'snippet': the same for pipelines and redirections
sh_run() {
    local rc
    printf '$ %s\n' "$1"
    bash -c "$1" 2>&1
    rc=$?
    printf '[rc=%s]\n' "$rc"
    return $rc
}
# ctx PATH: the SELinux context of PATH itself (a symlink is not followed)
ctx() { stat -c %C "$1" 2>/dev/null; }
# typ PATH: its type field
typ() { ctx "$1" | cut -d: -f3; }
is_type() { [ "$(typ "$1")" = "$2" ]; }
# has_label PATH: the object shows a real label (not empty, not unlabeled)
has_label() {
    local c
    c=$(ctx "$1")
    [ -n "$c" ] && [ "$c" != "?" ] && [[ "$c" != *:unlabeled_t:* ]]
}
# sel_class PATH: the SELinux object class of PATH
sel_class() {
    case $(stat -c %F "$1" 2>/dev/null) in
        "regular file"|"regular empty file") echo file ;;
        directory) echo dir ;;
        "symbolic link") echo lnk_file ;;
        fifo) echo fifo_file ;;
        socket) echo sock_file ;;
        "character special file") echo chr_file ;;
        "block special file") echo blk_file ;;
        *) echo file ;;
    esac
}
# expected_create DIR CLASS: the context the loaded policy gives a new
# object of CLASS made by this shell's domain in DIR (security_compute_create
# through /sys/fs/selinux/create: type transitions, else inheritance).
expected_create() {
    python3 - "$(cat /proc/self/attr/current | tr -d '\0')" "$(ctx "$1")" "$2" <<'PY'
import os, sys
scon, tcon, cls = sys.argv[1], sys.argv[2], sys.argv[3]
idx = open('/sys/fs/selinux/class/%s/index' % cls).read().strip()
fd = os.open('/sys/fs/selinux/create', os.O_RDWR)
os.write(fd, ('%s %s %s' % (scon, tcon, idx)).encode())
print(os.read(fd, 4096).decode().rstrip('\0').strip())
PY
}
# mksock PATH: bind a unix socket there (leaves the socket inode)
mksock() {
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$1"
}
# mkobj KIND PATH: create one object of KIND (file dir symlink fifo socket chardev)
mkobj() {
    case $1 in
        file) sh_run "echo data > '$2'" ;;
        dir) run mkdir "$2" ;;
        symlink) run ln -s target-of-link "$2" ;;
        fifo) run mkfifo "$2" ;;
        socket) printf '$ bind a unix socket at %s\n' "$2"; mksock "$2" 2>&1; local rc=$?; echo "[rc=$rc]"; return $rc ;;
        chardev) run mknod "$2" c 1 3 ;;
    esac
}
KINDS="file dir symlink fifo socket chardev"
# chcon_obj PATH TYPE: chcon -t (with -h, so a symlink itself is relabelled)
chcon_obj() { run chcon -h -t "$2" "$1"; }
summary() { echo; echo "${1:-guest}: $NPASS passed, $NFAIL failed"; [ "$NFAIL" = 0 ]; }
