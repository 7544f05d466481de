#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t_wire.sh - `make check` entry: tshark decodes a capture of the integration
# traffic with zero malformed packets (tests/integ/wire-capture.sh).
LNFSD=${LNFSD:-$(pwd)/server/lnfsd} export LNFSD
exec "${srcdir:-.}/tests/integ/run.sh" "${srcdir:-.}/tests/integ/wire-capture.sh" "$@"
