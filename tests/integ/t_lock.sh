#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_lock.sh - `make check` entry: runs tests/integ/t_lock through run.sh.
# Run from the top build directory (automake does; srcdir is exported).
exec "${srcdir:-.}/tests/integ/run.sh" "$(pwd)/tests/integ/t_lock" "$@"
