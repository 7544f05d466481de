#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay.sh NAME - run the replay build of fuzz target NAME over every file
# in tests/fuzz/corpus/NAME/ (an empty or missing corpus passes).  Run from
# the top build directory, as `make check` does; REPLAY_BIN overrides the
# binary.
set -eu
name=${1:?usage: replay.sh NAME}
here=$(cd "$(dirname "$0")" && pwd)
bin=${REPLAY_BIN:-./tests/fuzz/replay_$name}
corpus=$here/corpus/$name
if [ ! -x "$bin" ]; then
	echo "replay.sh: $bin not built" >&2
	exit 99
fi
if [ ! -d "$corpus" ]; then
	echo "replay.sh: no corpus for $name"
	exec "$bin"
fi
exec "$bin" "$corpus"
