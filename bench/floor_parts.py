"""Floor, broken into parts, inside one process (time.perf_counter, median of N):
read every file of the wheel payload / the sdist set (page cache), then, on the bytes in memory:
sha256 (RECORD), zlib deflate-6 per file (the zip path), gzip -6 of one tar stream (the sdist
path).  usage: floor_parts.py PACKAGE_DIR TREE_DIR [RUNS]"""
import hashlib
import io
import json
import os
import statistics
import sys
import tarfile
import time
import zlib

pkg, tree = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5


def files(d):
    for dp, dns, fns in os.walk(d):
        dns.sort()
        for fn in sorted(fns):
            yield os.path.join(dp, fn)


def med(f):
    xs = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        xs.append(time.perf_counter() - t)
    return statistics.median(xs) * 1000


paths = list(files(pkg))
blobs = []
def read(p):
    with open(p, "rb") as f:
        return f.read()


read_ms = med(lambda: blobs.__setitem__(slice(None), [read(p) for p in paths]))
total = sum(map(len, blobs))


def deflate(level):
    for b in blobs:
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        c.compress(b)
        c.flush()


buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
    tf.add(tree, arcname="x")
tar = buf.getvalue()
row = {
    "wheel files": len(paths), "wheel MB": round(total / 1e6, 2),
    "read ms": read_ms,
    "sha256 ms": med(lambda: [hashlib.sha256(b).digest() for b in blobs]),
    "deflate-6 ms": med(lambda: deflate(6)),
    "sdist tar MB": round(len(tar) / 1e6, 2),
    "gzip-6 tar ms": med(lambda: zlib.compress(tar, 6)),
}
print(json.dumps(row))
