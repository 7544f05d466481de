#!/usr/bin/env bash
# quickstart.sh - build lnfsd and run it in the foreground exporting one
# directory with the embedded default configuration (no config file):
# read-write for every client, labels on, label domain "default", NFSv4.1
# and 4.2 on port 2049 (all addresses; pass -l ADDR:PORT to change).
# Usage: scripts/quickstart.sh (as root) [DIR] [more lnfsd options]
#   DIR defaults to /srv/lnfs (created if missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/srv/lnfs}
[ $# -gt 0 ] && shift
"$ROOT/scripts/build.sh"
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
echo "lnfsd: exporting $DIR; mount it with: mount -t nfs -o vers=4.2 SERVER:$DIR /mnt" >&2
exec "$ROOT/build/server/lnfsd" -f -e "$DIR" "$@"
