#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Test wrapper for `make check`: replay the gss fuzz corpus (RPCSEC_GSS with
# a Kerberos context made in memory; needs no KDC).
exec "$(dirname "$0")/replay.sh" gss
