#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_badinput.sh - `make check` entry: runs tests/integ/t_badinput (malformed
# and hostile input against a live lnfsd) through run.sh from the build dir.
exec "${srcdir:-.}/tests/integ/run.sh" "$(pwd)/tests/integ/t_badinput" "$@"
