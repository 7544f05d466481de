#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# gss_capture.py PCAP OUTDIR - seeds for the gss fuzz target from captured
# traffic: reassembles the client-to-server TCP byte streams of a capture
# (read through tshark), splits them into RPC records (record marking, RFC
# 5531 §11) and keeps the calls with an RPCSEC_GSS credential (flavour 6).
# One seed per distinct (gss_proc, service, program procedure, first
# operation) holds the call three times: as captured, with the live
# context's handle and a real header MIC (flags 3), and with the databody
# protected again as well (flags 7).  See tests/fuzz/fuzz_gss.c; used by
# tests/fuzz/gss_capture.sh.
import collections
import hashlib
import struct
import subprocess
import sys

pcap, out = sys.argv[1], sys.argv[2]
fields = subprocess.run(
    ["tshark", "-r", pcap, "-Y", "tcp.len > 0", "-T", "fields", "-e", "ip.src",
     "-e", "tcp.srcport", "-e", "ip.dst", "-e", "tcp.dstport", "-e", "tcp.seq_raw",
     "-e", "tcp.payload"],
    check=True, capture_output=True, text=True).stdout
streams = collections.defaultdict(dict)
for line in fields.splitlines():
    parts = line.split("\t")
    if len(parts) != 6 or not parts[5]:
        continue
    key = tuple(parts[:4])
    streams[key][int(parts[4])] = bytes.fromhex(parts[5].replace(":", ""))


def records(segs):
    data, nxt = b"", None
    for seq in sorted(segs):
        if nxt is not None and seq < nxt:
            continue  # retransmission
        data += segs[seq]
        nxt = seq + len(segs[seq])
    pos, frag = 0, b""
    while pos + 4 <= len(data):
        mark = struct.unpack(">I", data[pos:pos + 4])[0]
        n = mark & 0x7fffffff
        if pos + 4 + n > len(data):
            break
        frag += data[pos + 4:pos + 4 + n]
        pos += 4 + n
        if mark & 0x80000000:
            yield frag
            frag = b""


def u32(b, o):
    return struct.unpack(">I", b[o:o + 4])[0]


seen = {}
for key, segs in streams.items():
    for rec in records(segs):
        if len(rec) < 40 or u32(rec, 4) != 0 or u32(rec, 24) != 6:
            continue
        clen = u32(rec, 28)
        if clen < 20 or 32 + clen > len(rec):
            continue
        gproc, svc = u32(rec, 36), u32(rec, 44)
        proc = u32(rec, 20)
        first_op = -1
        vo = 32 + clen + (-clen % 4)
        if vo + 8 <= len(rec):
            vlen = u32(rec, vo + 4)
            ao = vo + 8 + vlen + (-vlen % 4)
            if svc == 2:
                ao += 8  # databody_integ length and seq_num
            if gproc == 0 and svc in (1, 2) and proc == 1 and ao + 8 <= len(rec):
                tlen = u32(rec, ao)
                oo = ao + 4 + tlen + (-tlen % 4) + 8
                if oo + 4 <= len(rec):
                    first_op = u32(rec, oo)
        k = (gproc, svc, proc, first_op)
        if k in seen or len(rec) > 0xffff:
            continue
        seen[k] = rec
for (gproc, svc, proc, op), rec in sorted(seen.items()):
    # the protected copy carries the next seq_num (in the credential and,
    # with integrity, at the start of the plaintext databody), so the
    # server's window does not drop it as a replay of the signed copy
    seq = u32(rec, 40)
    again = bytearray(rec)
    again[40:44] = struct.pack(">I", (seq + 1) & 0xffffffff)
    clen = u32(rec, 28)
    vo = 32 + clen + (-clen % 4)
    vlen = u32(rec, vo + 4)
    bo = vo + 8 + vlen + (-vlen % 4) + 4
    if svc == 2 and bo + 4 <= len(rec) and u32(rec, bo) == seq:
        again[bo:bo + 4] = struct.pack(">I", (seq + 1) & 0xffffffff)
    item = b""
    for flags, r in ((0, rec), (3, rec), (7, bytes(again))):
        item += bytes([flags]) + struct.pack(">H", len(r)) + r
    name = "cap-p%d-s%d-n%d-op%d-%s" % (gproc, svc, proc, op,
                                        hashlib.sha1(rec).hexdigest()[:8])
    with open(f"{out}/{name}", "wb") as f:
        f.write(item)
print(f"{len(seen)} distinct RPCSEC_GSS calls written to {out}")
