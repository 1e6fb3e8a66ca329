#!/usr/bin/env python3
"""Block filter statistics of a logd store (chunk format version 2, docs/chunk-format.md):
filter bytes per raw (decompressed) byte, and for each literal the blocks the trigram filter lets
through against the blocks whose lines really hold it (payloads decompressed with the zstd CLI).
usage: filter_fpr.py STORE_DIR LITERAL..."""
import glob, struct, subprocess, sys

def uvarint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1
        v |= (c & 0x7F) << s; s += 7
        if c < 0x80: return v, i

def may_contain(f, lit):
    if len(lit) < 3 or not f or f[0] != 1: return True
    bits = (len(f) - 1) * 8
    for k in range(len(lit) - 2):
        t = lit[k] << 16 | lit[k + 1] << 8 | lit[k + 2]
        h = ((t * 0x9E3779B97F4A7C15) % (1 << 64)) >> 48
        bit = h & (bits - 1)
        if not f[1 + bit // 8] >> (bit % 8) & 1: return False
    return True

store, lits = sys.argv[1], [l.encode() for l in sys.argv[2:]]
raw = fbytes = blocks = 0
passed = {l: 0 for l in lits}; truly = {l: 0 for l in lits}; fp = {l: 0 for l in lits}
for path in glob.glob(store + "/**/*.chunk", recursive=True):
    b = open(path, "rb").read()
    if b[8] != 2: continue
    hl = struct.unpack_from("<I", b, 12)[0]
    off, flen = struct.unpack_from("<QI", b, len(b) - 24)
    i = off
    n, i = uvarint(b, i); _, i = uvarint(b, i); _, i = uvarint(b, i); _, i = uvarint(b, i)
    pos = 16 + hl + 4
    for _ in range(n):
        cs, i = uvarint(b, i); us, i = uvarint(b, i)
        for _ in range(3): _, i = uvarint(b, i)
        i += 4
        fl, i = uvarint(b, i); f = b[i:i + fl]; i += fl
        payload = subprocess.run(["zstd", "-dcq"], input=b[pos:pos + cs], capture_output=True, check=True).stdout
        pos += cs; raw += us; fbytes += fl; blocks += 1
        for l in lits:
            p, t = may_contain(f, l), l in payload
            passed[l] += p; truly[l] += t; fp[l] += p and not t
print("blocks=%d raw_bytes=%d filter_bytes=%d filter_per_raw=%.5f" % (blocks, raw, fbytes, fbytes / max(raw, 1)))
for l in lits:
    neg = blocks - truly[l]
    print("literal=%s blocks_with=%d filter_passes=%d false_positives=%d fp_rate=%.4f" %
          (l.decode(), truly[l], passed[l], fp[l], fp[l] / max(neg, 1)))
