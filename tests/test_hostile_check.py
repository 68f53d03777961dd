"""`cartwheel check` on hostile archives: bombs, enormous or deeply nested metadata, millions of
entries, lying zip central directories and malformed tar headers.

Each file is generated here and checked by `python -m cartwheel check` under a time limit and a
1 GiB address-space limit; the test asserts the exact FAILED reason (or, for metadata that is
merely large, the verdict) so a bound that stops holding fails loudly instead of swapping.
"""

from __future__ import annotations

import gzip
import io
import random
import resource
import struct
import subprocess
import time
import zipfile
import zlib
from pathlib import Path
from typing import Callable

import pytest

from _support import clean_env

ADDRESS_SPACE = 1 << 30
TIME_LIMIT = 60
META = "demo-1.0.dist-info/METADATA"


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def check(venv, path: Path) -> tuple[str, float]:
    """`cartwheel check path` under the limits: its output and wall time."""
    start = time.monotonic()
    proc = subprocess.run(  # noqa: PLW1510 - the exit status is asserted below
        [str(venv.python), "-m", "cartwheel", "check", str(path)],
        env={**clean_env(), "RAYON_NUM_THREADS": "2"},
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        stdin=subprocess.DEVNULL,
        preexec_fn=limited,
    )
    took = time.monotonic() - start
    out = proc.stdout + proc.stderr
    assert "panicked" not in out and "Traceback" not in out, out
    assert proc.returncode in (0, 1), f"exit {proc.returncode}\n{out}"
    return out, took


# --------------------------------------------------------------------------- zip writers


def metadata(extra: str = "", body: str = "") -> bytes:
    head = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n" + extra
    return (head + ("\n" + body if body else "")).encode()


def deflated_stream(chunk: bytes, count: int) -> bytes:
    """`chunk` repeated `count` times, raw-deflated without building the whole text."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [c.compress(chunk) for _ in range(count)]
    out.append(c.flush())
    return b"".join(out)


def local_header(name: bytes, method: int, crc: int, csize: int, size: int) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, csize, size, len(name), 0) + name


def central_entry(name: bytes, method: int, crc: int, csize: int, size: int, offset: int) -> bytes:
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0,
            crc,
            csize,
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )


def end_record(count: int, cd_size: int, cd_offset: int, comment: bytes = b"") -> bytes:
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, cd_size, cd_offset, len(comment)) + comment


def raw_zip(members: list[tuple[bytes, int, int, bytes, int]], comment: bytes = b"") -> bytes:
    """A zip from (name, method, crc, stored data, declared size) as given: sizes may lie."""
    body, cd = b"", b""
    for name, method, crc, data, size in members:
        cd += central_entry(name, method, crc, len(data), size, len(body))
        body += local_header(name, method, crc, len(data), size) + data
    return body + cd + end_record(len(members), len(cd), len(body), comment)


def wheel_with(extra: list[tuple[bytes, int, int, bytes, int]], meta: bytes | None = None) -> bytes:
    meta = metadata() if meta is None else meta
    return raw_zip([(META.encode(), 0, zlib.crc32(meta), meta, len(meta)), *extra])


def zip_bomb(path: Path) -> None:
    data = deflated_stream(bytes(1 << 20), 256)
    path.write_bytes(wheel_with([(b"demo/big.bin", 8, 0, data, 256 << 20)]))


def zip_size_lies_small(path: Path) -> None:
    # 64 MiB of zeros declared as 10 bytes: the reader stops at the declared size.
    data = deflated_stream(bytes(1 << 20), 64)
    path.write_bytes(wheel_with([(b"demo/liar.bin", 8, 0, data, 10)]))


def zip_overlapping(path: Path) -> None:
    # Every central-directory entry points at the one local header (the overlapping-files bomb).
    data = deflated_stream(bytes(1 << 20), 8)
    body = local_header(b"demo/a.bin", 8, 0, len(data), 8 << 20) + data
    meta = metadata()
    meta_off = len(body)
    body += local_header(META.encode(), 0, zlib.crc32(meta), len(meta), len(meta)) + meta
    cd = central_entry(META.encode(), 0, zlib.crc32(meta), len(meta), len(meta), meta_off)
    names = [f"demo/{i}.bin".encode() for i in range(100)]
    cd += b"".join(central_entry(n, 8, 0, len(data), 8 << 20, 0) for n in names)
    path.write_bytes(body + cd + end_record(101, len(cd), len(body)))


def zip_million_entries(path: Path) -> None:
    entry = central_entry(b"demo/x.py", 0, 0, 0, 0, 0)
    body = local_header(b"demo/x.py", 0, 0, 0, 0)
    cd = entry * 1_000_000
    # 10^6 entries need the zip64 end records.
    z64 = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1_000_000, 1_000_000, len(cd), len(body))
    loc = struct.pack("<IIQI", 0x07064B50, 0, len(body) + len(cd), 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    path.write_bytes(body + cd + z64 + loc + end)


def zip_cd_offset_lies(path: Path) -> None:
    data = wheel_with([])
    eocd = data.rfind(b"PK\x05\x06")
    path.write_bytes(data[: eocd + 16] + struct.pack("<I", 0x7FFFFFFF) + data[eocd + 20 :])


def zip_huge_comment(path: Path) -> None:
    meta = metadata()
    path.write_bytes(
        raw_zip([(META.encode(), 0, zlib.crc32(meta), meta, len(meta))], comment=b"PK\x05\x06" * 16383 + b"xxx")
    )


def zip64_lies(path: Path) -> None:
    data = wheel_with([])
    eocd = data.rfind(b"PK\x05\x06")
    # A zip64 locator pointing at a zip64 end record that claims 2^60 entries far past the end.
    z64 = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1 << 60, 1 << 60, 1 << 40, 1 << 41)
    loc = struct.pack("<IIQI", 0x07064B50, 0, eocd, 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    path.write_bytes(data[:eocd] + z64 + loc + end)


def big_metadata_wheel(meta: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr(META, meta)
            z.writestr("demo/__init__.py", "")
        path.write_bytes(buf.getvalue())

    return write


def metadata_too_large_to_parse(path: Path) -> None:
    # 70 MiB at about 150:1: no bomb, but more than the 64 MiB kept for parsing.
    chunk = b"Summary: " + random.Random(0).randbytes(2048).hex().encode() + b"\n" + b"x" * (100 << 10) + b"\n"
    data = deflated_stream(chunk, 700)
    size = len(chunk) * 700
    c = zlib.crc32(chunk * 700)
    path.write_bytes(raw_zip([(META.encode(), 8, c, data, size)]))


def metadata_500mb(path: Path) -> None:
    data = deflated_stream(b"Summary: " + b"x" * 1014 + b"\n", 500 << 10)
    path.write_bytes(raw_zip([(META.encode(), 8, 0, data, 500 << 20)]))


# --------------------------------------------------------------------------- tar writers


def tar_gz(blocks: bytes, level: int = 6) -> bytes:
    return gzip.compress(blocks, compresslevel=level, mtime=0)


def tar_header(name: bytes, size: int | bytes, kind: bytes = b"0") -> bytes:
    size_field = size if isinstance(size, bytes) else b"%011o\0" % size
    h = bytearray(512)
    h[0 : len(name)] = name[:100]
    h[100:108] = b"0000644\0"
    h[108:116] = h[116:124] = b"0000000\0"
    h[124:136] = size_field
    h[136:148] = b"00000000000\0"
    h[156:157] = kind
    h[257:265] = b"ustar\x0000"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def pkg_info_member() -> bytes:
    data = b"Metadata-Version: 2.2\nName: demo\nVersion: 1.0\n"
    return tar_header(b"demo-1.0/PKG-INFO", len(data)) + data + bytes(-len(data) % 512)


def tar_million_entries(path: Path) -> None:
    block = tar_header(b"demo-1.0/e", 0)
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    out = [c.compress(pkg_info_member())]
    out += [c.compress(block * 1000) for _ in range(1000)]
    out.append(c.flush())
    path.write_bytes(b"".join(out))


def tar_bomb(path: Path) -> None:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [c.compress(pkg_info_member() + tar_header(b"demo-1.0/big", 1 << 30))]
    out += [c.compress(bytes(1 << 20)) for _ in range(64)]
    out.append(c.flush())
    path.write_bytes(b"".join(out))


def tar_bad_checksum(path: Path) -> None:
    header = bytearray(tar_header(b"demo-1.0/PKG-INFO", 0))
    header[148:156] = b"0000001\0"
    path.write_bytes(tar_gz(bytes(header) + bytes(1024)))


def tar_huge_size(path: Path) -> None:
    size = b"\x80" + bytes(3) + (1 << 62).to_bytes(8, "big")
    path.write_bytes(tar_gz(pkg_info_member() + tar_header(b"demo-1.0/huge", size) + bytes(1024)))


def tar_negative_size(path: Path) -> None:
    size = b"\xff" * 12
    path.write_bytes(tar_gz(pkg_info_member() + tar_header(b"demo-1.0/neg", size) + bytes(1024)))


def tar_gnu_longname_1gb(path: Path) -> None:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [c.compress(pkg_info_member() + tar_header(b"././@LongLink", 1 << 30, kind=b"L"))]
    out += [c.compress(b"a" * (1 << 20)) for _ in range(1024)]
    out.append(c.flush())
    path.write_bytes(b"".join(out))


def tar_pax_huge_length(path: Path) -> None:
    record = b"99999999999 path=demo-1.0/x\n"
    pax = tar_header(b"demo-1.0/PaxHeader", len(record), kind=b"x") + record + bytes(-len(record) % 512)
    path.write_bytes(tar_gz(pkg_info_member() + pax + tar_header(b"demo-1.0/x", 0) + bytes(1024)))


def metadata_wheel(meta_text: str) -> Callable[[Path], None]:
    return big_metadata_wheel(meta_text.encode())


CONTINUATIONS = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nSummary: x\n" + " y\n" * 1_000_000
REQUIRES = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n" + "".join(
    f"Requires-Dist: pkg{i}>=1.0\n" for i in range(100_000)
)
DEEP = (
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: a; "
    + "(" * 100_000
    + "os_name == 'x'"
    + (")" * 100_000)
    + "\n"
)


WHEEL = "demo-1.0-py3-none-any.whl"
SDIST = "demo-1.0.tar.gz"
BOMB = ": refusing to read further (decompression bomb?)"

CASES: dict[str, tuple[str, Callable[[Path], None], str]] = {
    # id: (file name, writer, expected line of the report)
    "zip-bomb": (WHEEL, zip_bomb, "error[A006] demo/big.bin: `demo/big.bin` expands 1028:1" + BOMB),
    "zip-size-lies": (
        WHEEL,
        zip_size_lies_small,
        "error[A001] demo/liar.bin: member cannot be read: more than 10 bytes",
    ),
    "zip-overlapping": (
        WHEEL,
        zip_overlapping,
        "error[A006] demo/1.bin: `demo/1.bin` overlaps `demo/0.bin` in the archive" + BOMB,
    ),
    "zip-million-entries": (WHEEL, zip_million_entries, "error[A006] more than 500000 members" + BOMB),
    "zip-cd-offset-lies": (
        WHEEL,
        zip_cd_offset_lies,
        "error[A001] not a readable zip archive: invalid Zip archive: Invalid CDFH offset in EOCD",
    ),
    # 16383 fake end-record signatures in the comment: the real one is still found.
    "zip-huge-comment": (WHEEL, zip_huge_comment, "error[R001] demo-1.0.dist-info/RECORD: no RECORD file"),
    # The zip64 end record claims 2^60 entries: refused from the count, before any is read.
    "zip64-lies": (WHEEL, zip64_lies, "error[A006] more than 500000 members" + BOMB),
    "metadata-500mb": (WHEEL, metadata_500mb, f"error[A006] {META}: `{META}` expands 473:1" + BOMB),
    "metadata-too-large-to-parse": (
        WHEEL,
        metadata_too_large_to_parse,
        f"error[A006] {META}: `{META}` holds 74554900 bytes, more than the 67108864 read for parsing",
    ),
    "metadata-continuations": (
        WHEEL,
        metadata_wheel(CONTINUATIONS),
        f"error[T003] {META}: invalid distribution metadata: `Summary` must be one line",
    ),
    # 10^5 valid requirements: read and judged (only the missing RECORD fails).
    "metadata-requires": (WHEEL, metadata_wheel(REQUIRES), "error[R001] demo-1.0.dist-info/RECORD: no RECORD file"),
    "metadata-deep-marker": (WHEEL, metadata_wheel(DEEP), "is invalid: parentheses nested 100000 deep (at most 64)"),
    "tar-million-entries": (SDIST, tar_million_entries, "error[A006] more than 500000 members" + BOMB),
    "tar-bomb": (SDIST, tar_bomb, "error[A006] the archive expands past 16777216 bytes" + BOMB),
    "tar-bad-checksum": (
        SDIST,
        tar_bad_checksum,
        "error[A001] the archive is truncated or corrupt: archive header checksum mismatch",
    ),
    "tar-huge-size": (
        SDIST,
        tar_huge_size,
        "error[A006] demo-1.0/huge: `demo-1.0/huge` holds 4611686018427387904 bytes" + BOMB,
    ),
    "tar-negative-size": (SDIST, tar_negative_size, "error[A001] the archive is truncated or corrupt: size overflow"),
    "tar-gnu-longname-1gb": (
        SDIST,
        tar_gnu_longname_1gb,
        "error[A006] a tar header (GNU long name or PAX records) after member 1 is longer than 1048576 bytes" + BOMB,
    ),
    "tar-pax-huge-length": (SDIST, tar_pax_huge_length, "error[A001] demo-1.0/x: malformed PAX header"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_archive_fails_within_bounds(case, cw_venv, tmp_path):
    name, write, expected = CASES[case]
    path = tmp_path / name
    write(path)
    out, took = check(cw_venv, path)
    print(f"{case}: {took:.1f}s, {path.stat().st_size} bytes\n{out[:3000]}")
    assert f"Checking {path}: FAILED" in out, out[:3000]
    assert expected in out, out[:3000]
    assert took < 30, f"{case} took {took:.1f}s"
