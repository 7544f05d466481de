#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_rw.sh - `make check` entry: runs tests/integ/t_rw through run.sh.
exec "${srcdir:-.}/tests/integ/run.sh" "$(pwd)/tests/integ/t_rw" "$@"
