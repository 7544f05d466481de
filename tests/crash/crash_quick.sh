#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make check` entry: tests/crash/crash.sh --quick from the build directory.
exec "${srcdir:-.}/tests/crash/crash.sh" --quick
