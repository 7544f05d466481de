#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run_fuzzers.sh - run libFuzzer targets of a --enable-fuzzing build one
# after another, each for at most RUNS executions or SECONDS seconds, at low
# priority, and print one line per target with the executions done.
#
# usage: run_fuzzers.sh BUILD_DIR OUT_DIR [TARGET...]
#   BUILD_DIR  a build configured with CC=clang --enable-fuzzing
#   OUT_DIR    work corpora (OUT_DIR/NAME/corpus), logs, crash artifacts
#   TARGET     rpc_rec rpc_msg authsys gss cfg translate fattr4 compound (default all
#              that are built)
# Env: RUNS (10000000), SECONDS_PER_TARGET (900), NICE (15).
# The seed corpus tests/fuzz/corpus/NAME is read, never written: copy a
# crash reproducer there by hand (see docs/robustness.md).  fuzz_compound
# confines its files to a private 64 MiB tmpfs when run as root; the
# others write no files.  RLIMIT_FSIZE caps any file at 64 MiB regardless.
set -u
b=${1:?usage: run_fuzzers.sh BUILD_DIR OUT_DIR [TARGET...]}
out=${2:?usage: run_fuzzers.sh BUILD_DIR OUT_DIR [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-10000000}
secs=${SECONDS_PER_TARGET:-900}
targets=${*:-rpc_rec rpc_msg authsys gss cfg translate fattr4 compound}
mkdir -p "$out" || exit 1
for t in $targets; do
	bin=$b/tests/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "$t: not built ($bin)"
		continue
	fi
	mkdir -p "$out/$t/corpus"
	seed=$here/corpus/$t
	[ -d "$seed" ] || seed=
	start=$(date +%s)
	(
	# a 64 MiB file-size cap, except for fuzz_compound, which confines
	# itself (private tmpfs, or its own cap with SIGXFSZ ignored): a cap
	# from here would kill it with SIGXFSZ on a legitimately large write
	[ "$t" = compound ] || ulimit -f $((64 * 1024 * 2)) 2>/dev/null
	# shellcheck disable=SC2086
	nice -n "${NICE:-15}" "$bin" -runs="$runs" -max_total_time="$secs" -timeout=20 \
		-rss_limit_mb=2048 -handle_xfsz=0 -print_final_stats=1 \
		-artifact_prefix="$out/$t/" "$out/$t/corpus" $seed \
		> "$out/$t/log" 2>&1
	)
	rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t/log" | tail -n 1)
	crashes=$(find "$out/$t" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o \
		-name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	echo "$t: rc=$rc executions=${execs:-?} seconds=$((end - start)) corpus=$(ls "$out/$t/corpus" | wc -l) artifacts=$crashes"
done
