#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make check` entry: tests/load/load.sh --quick from the build directory.
exec "${srcdir:-.}/tests/load/load.sh" --quick
