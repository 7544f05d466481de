#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Test wrapper for `make check`: replay the authsys fuzz corpus.
exec "$(dirname "$0")/replay.sh" authsys
