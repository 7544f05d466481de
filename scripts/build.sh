#!/usr/bin/env bash
# build.sh - configure and build lnfsd in ./build (or $BUILD_DIR).
# Extra arguments go to configure, e.g. --enable-asan --enable-ubsan.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
"$ROOT/scripts/deps.sh" build
cd "$ROOT"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    ./autogen.sh >/dev/null 2>&1 || ./autogen.sh
fi
mkdir -p "$BUILD"
cd "$BUILD"
if [ ! -f Makefile ] || [ "$ROOT/configure" -nt Makefile ] || [ $# -gt 0 ]; then
    "$ROOT/configure" -q "$@"
fi
make -j"$(nproc)" >/dev/null
echo "built $BUILD/server/lnfsd" >&2
