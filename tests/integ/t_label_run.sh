#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make check` entry: tests/integ/t_label.sh through run.sh.
LNFSD=${LNFSD:-$(pwd)/server/lnfsd} export LNFSD
exec "${srcdir:-.}/tests/integ/run.sh" "${srcdir:-.}/tests/integ/t_label.sh" "$@"
