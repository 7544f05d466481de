#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# gss_seeds.py DIR - write the hand-made seeds of the gss fuzz target
# (tests/fuzz/fuzz_gss.c) into DIR: each input is a list of calls
# "u8 flags, u16 length, RPC call message"; flags 1 = use the live context's
# handle, 2 = sign the header, 4 = protect the databody, 8 = keep seq_num
# as it is (see fuzz_gss.c).
import struct
import sys

H, S, W, RAW = 1, 2, 4, 8
DATA, INIT, CONT, DESTROY = 0, 1, 2, 3
NONE, INTEG, PRIV = 1, 2, 3


def u32(v):
    return struct.pack(">I", v & 0xffffffff)


def opaque(b):
    return u32(len(b)) + b + b"\0" * (-len(b) % 4)


def call(gproc, seq, svc, args=b"", handle=b"\0" * 16, verf_flavor=6, verf=b"",
         vers=1, xid=0x100, proc=1, cred_extra=b""):
    body = u32(vers) + u32(gproc) + u32(seq) + u32(svc) + opaque(handle) + cred_extra
    return (u32(xid) + u32(0) + u32(2) + u32(100003) + u32(4) + u32(proc) +
            u32(6) + opaque(body) + u32(verf_flavor) + opaque(verf) + args)


def item(flags, rec):
    return bytes([flags]) + struct.pack(">H", len(rec)) + rec


# a GSS token header with the Kerberos v5 OID and token id 0x0000
KRB5_CONT_TOKEN = b"\x60\x0d\x06\x09\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x00\x00"


def compound(tag=b""):
    # COMPOUND4args: tag, minorversion 1, no operations
    return opaque(tag) + u32(1) + u32(0)


def integ(seq, args, checksum=b""):
    return opaque(u32(seq) + args) + opaque(checksum)


def priv(seq, args):
    return opaque(u32(seq) + args)


seeds = {
    "data-none": [item(H | S, call(DATA, 1, NONE, compound()))],
    "data-integ": [item(H | S | W, call(DATA, 1, INTEG, integ(1, compound())))],
    "data-priv": [item(H | S | W, call(DATA, 1, PRIV, priv(1, compound())))],
    "integ-wrong-seq": [item(H | S | W, call(DATA, 5, INTEG, integ(6, compound())))],
    "priv-wrong-seq": [item(H | S | W, call(DATA, 5, PRIV, priv(4, compound())))],
    "integ-short-body": [item(H | S | W, call(DATA, 1, INTEG, opaque(b"\0\0\1") + opaque(b"")))],
    "integ-bad-checksum": [item(H | S, call(DATA, 1, INTEG, integ(1, compound(), b"x" * 28)))],
    "priv-not-wrapped": [item(H | S, call(DATA, 1, PRIV, priv(1, compound())))],
    "integ-big-checksum": [item(H | S, call(DATA, 1, INTEG, integ(1, b"", b"y" * 404)))],
    "priv-empty": [item(H | S | W, call(DATA, 1, PRIV, opaque(b"")))],
    "replay-and-window": [
        item(H | S, call(DATA, 200, NONE, compound())),
        item(H | S, call(DATA, 200, NONE, compound())),
        item(H | S, call(DATA, 150, NONE, compound())),
        item(H | S, call(DATA, 72, NONE, compound())),
        item(H | S, call(DATA, 73, NONE, compound())),
        item(H | S, call(DATA, 400, INTEG, integ(400, compound()))),
        item(H | S | W, call(DATA, 401, INTEG, integ(401, compound()))),
        item(H | S | W, call(DATA, 273, PRIV, priv(273, compound()))),
    ],
    "maxseq": [
        item(H | S | RAW, call(DATA, 0x7fffffff, NONE, compound())),
        item(H | S | RAW, call(DATA, 0x80000000, NONE, compound())),
        item(H | S, call(DATA, 3, NONE, compound())),
    ],
    "destroy-then-data": [
        item(H | S, call(DESTROY, 9, NONE)),
        item(H | S, call(DATA, 10, NONE, compound())),
        item(H | S, call(DESTROY, 11, NONE)),
    ],
    "destroy-integ": [item(H | S, call(DESTROY, 1, INTEG))],
    "maxseq-1-destroy": [
        item(H | S | W | RAW, call(DATA, 0x7fffffff, INTEG, integ(0x7fffffff, compound()))),
        item(H | S | RAW, call(DESTROY, 0x7fffffff, NONE)),
    ],
    "unsigned-live": [
        item(H, call(DATA, 1, NONE, compound(), verf=b"z" * 28)),
        item(H, call(DATA, 1, NONE, compound(), verf_flavor=0)),
        item(H | S, call(DATA, 2, NONE, compound(), proc=0)),
    ],
    "unknown-handle": [
        item(S, call(DATA, 1, NONE, compound(), handle=b"\0" * 16)),
        item(S, call(DATA, 1, INTEG, integ(1, b""), handle=b"")),
        item(0, call(DESTROY, 1, NONE, handle=b"\xff" * 16)),
    ],
    "init-garbage": [
        item(0, call(INIT, 0, NONE, opaque(b"\x60\x82\x01\x00garbage"), handle=b"",
                     verf_flavor=0, proc=0)),
        item(0, call(INIT, 0, NONE, opaque(b""), handle=b"", verf_flavor=0, proc=0)),
        item(0, call(INIT, 0, NONE, u32(100), handle=b"", verf_flavor=0, proc=0)),
        item(0, call(INIT, 0, NONE, opaque(b"\x60\x03\x06\x01\x00"), handle=b"",
                     verf_flavor=0, proc=1)),
    ],
    # found by fuzz_gss: a 15-byte token (Kerberos OID, token id 0) makes
    # gss_accept_sec_context() ask for more, and each such INIT used to
    # push the least recently used context out of the table, established
    # or not (the target's table holds 4); the live one must survive
    "init-continue-evicts": [
        item(0, call(INIT, 0, NONE, opaque(KRB5_CONT_TOKEN), handle=b"", verf_flavor=0,
                     proc=0))
    ] * 5 + [item(H | S, call(DATA, 1, NONE, compound()))],
    "continue-init": [
        item(H, call(CONT, 0, NONE, opaque(b"\x6f\x10token"), verf_flavor=0, proc=0)),
        item(0, call(CONT, 0, NONE, opaque(b"tok"), handle=b"\1" * 16, verf_flavor=0, proc=0)),
        item(0, call(CONT, 0, NONE, b"", handle=b"", verf_flavor=0, proc=0)),
    ],
    "cred-bad": [
        item(0, call(DATA, 1, NONE, vers=2)),
        item(0, call(DATA, 1, 4)),
        item(0, call(4, 1, NONE)),
        item(0, call(DATA, 1, NONE, cred_extra=b"\0\0\0\0")),
    ],
}

out = sys.argv[1]
for name, items in seeds.items():
    with open(f"{out}/{name}", "wb") as f:
        f.write(b"".join(items))
