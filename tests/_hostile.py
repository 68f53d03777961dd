"""Helpers of the hostile-input tests: generated projects and whole-archive verification that
reads members in chunks (an artifact may hold a member larger than memory)."""

from __future__ import annotations

import base64
import hashlib
import os
import tarfile
import zipfile
from pathlib import Path

from _support import BUILD_SYSTEM, parse_record

PYPROJECT = BUILD_SYSTEM + '[project]\nname = "{name}"\nversion = "1.0"\n'

CHUNK = 1 << 20


def project(root: Path, name: str = "hostile", files: dict[str, bytes] | None = None) -> Path:
    """A project `name` with the import package `name/` holding `files` (relative to it)."""
    pkg = root / name
    pkg.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format(name=name))
    (pkg / "__init__.py").write_text("")
    # One open folder per parent and names relative to it: pathlib took 36 s for 100,000
    # files here, resolving the deep temporary path every time; this takes 5.
    folders: dict[str, int] = {}
    try:
        for rel, data in (files or {}).items():
            parent, _, name = os.path.join(pkg, rel).rpartition("/")
            if parent not in folders:
                os.makedirs(parent, exist_ok=True)
                folders[parent] = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=folders[parent])
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
    finally:
        for fd in folders.values():
            os.close(fd)
    return root


def large_tree(root: Path, *, small: int = 3000, big: int = 4, big_size: int = 2 << 20) -> Path:
    """A project of `small` short modules in folders of 100 and `big` files of `big_size`
    bytes of compressible text: the shape of a real tree, with enough bytes to take a while."""
    files = {f"sub{i // 100:02d}/mod{i:04d}.py": f"X_{i} = {i!r}\n".encode() * (i % 50 + 1) for i in range(small)}
    for i in range(big):
        line = f"data file {i}: the quick brown fox jumps over the lazy dog\n".encode()
        files[f"data/big{i}.txt"] = (line * (big_size // len(line) + 1))[:big_size]
    return project(root, "hostile", files)


def _digest(read) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    while chunk := read(CHUNK):
        h.update(chunk)
        size += len(chunk)
    return size, "sha256=" + base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode()


def verify_wheel(path: Path) -> dict[str, tuple[int, str]]:
    """Read every member of the wheel (CRC checked by zipfile) and check it against RECORD;
    returns each member's size and RECORD-form hash."""
    seen: dict[str, tuple[int, str]] = {}
    with zipfile.ZipFile(path) as zf:
        record_name = next(n for n in zf.namelist() if n.endswith(".dist-info/RECORD"))
        for info in zf.infolist():
            with zf.open(info) as f:
                seen[info.filename] = _digest(f.read)
        record = parse_record(zf.read(record_name).decode())
    listed = {row[0]: row for row in record}
    assert set(listed) == set(seen), f"{path.name}: RECORD lists {sorted(set(listed) ^ set(seen))} wrongly"
    for name, (size, digest) in seen.items():
        if name != record_name:
            assert listed[name][1:] == [digest, str(size)], f"{path.name}: {name} disagrees with RECORD"
    return seen


def verify_sdist(path: Path) -> dict[str, tuple[int, str]]:
    """Read every member of the sdist to the end of the gzip stream (CRC and length checked);
    returns each regular file's size and RECORD-form hash."""
    seen: dict[str, tuple[int, str]] = {}
    with tarfile.open(path, "r|gz") as tf:
        for member in tf:
            if member.isfile():
                f = tf.extractfile(member)
                assert f is not None
                seen[member.name] = _digest(f.read)
                assert seen[member.name][0] == member.size, member.name
    assert any(n.endswith("/PKG-INFO") for n in seen), f"{path.name}: no PKG-INFO"
    return seen


def verify_artifacts(out: Path) -> list[str]:
    """Every file in `out` is a temporary file (hidden, `.part`) or a complete artifact;
    returns the artifacts' names."""
    names = []
    for p in sorted(out.iterdir()):
        if p.name.startswith(".") and p.name.endswith(".part"):
            continue
        if p.name.endswith(".whl"):
            verify_wheel(p)
        elif p.name.endswith(".tar.gz"):
            verify_sdist(p)
        else:
            raise AssertionError(f"unexpected file in the output folder: {p.name}")
        names.append(p.name)
    return names
