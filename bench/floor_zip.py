"""Floor: read every file under DIR and write a deflate-6 zip (Python's zipfile), optionally
with a wheel-style RECORD (urlsafe-b64 sha256 of every file).  usage: floor_zip.py DIR OUTROOT [--record]"""
import base64
import hashlib
import os
import sys
import zipfile

src, outroot = sys.argv[1], sys.argv[2]
record = "--record" in sys.argv
os.makedirs(outroot, exist_ok=True)
out = os.path.join(outroot, f"{os.getpid()}-{os.urandom(4).hex()}.zip")
base = os.path.dirname(src.rstrip("/"))
rows = []
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
    for dp, dns, fns in os.walk(src):
        dns.sort()
        for fn in sorted(fns):
            p = os.path.join(dp, fn)
            arc = os.path.relpath(p, base).replace(os.sep, "/")
            with open(p, "rb") as f:
                data = f.read()
            zi = zipfile.ZipInfo(arc, (1980, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data, zipfile.ZIP_DEFLATED, 6)
            if record:
                h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                rows.append(f"{arc},sha256={h},{len(data)}")
    if record:
        zf.writestr("x.dist-info/RECORD", "\n".join(rows) + "\nx.dist-info/RECORD,,\n")
