"""`cartwheel check` against `twine check`, `twine check --strict` and `check-wheel-contents`.

A generator writes dozens of distributions (wheels and sdists, with zipfile/tarfile), each
breaking one rule, plus a few clean ones. Every file is checked by twine (one file per call:
twine stops at the first unreadable file), by check-wheel-contents (wheels) and by cartwheel
at both levels. The assertions: `--compat twine` gives twine's verdict on every file (with and
without --strict), the default level fails every file twine fails, each rule twine does not
check is caught by its own case, and cartwheel's W0xx codes are check-wheel-contents' codes.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import sys
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from _support import BROKEN, FIXTURES, copy_tree, record_hash, run

# --------------------------------------------------------------------------- writing dists

BODY = "# demo\n\nA demo package.\n"
BASE = {
    "Metadata-Version": "2.1",
    "Name": "demo",
    "Version": "1.0",
    "Summary": "A demo",
    "Description-Content-Type": "text/markdown",
}


def meta(
    fields: dict[str, str | None] | None = None, extra: tuple[tuple[str, str], ...] = (), body: str | None = BODY
) -> str:
    """METADATA text: BASE with `fields` overriding (None drops), `extra` headers appended."""
    merged = {**BASE, **(fields or {})}
    lines = [f"{k}: {v}" for k, v in merged.items() if v is not None]
    lines += [f"{k}: {v}" for k, v in extra]
    text = "\n".join(lines) + "\n"
    if body is not None:
        text += "\n" + body
    return text


PKG_INFO_BASE = {"Metadata-Version": "2.2"}


def pkg_info(fields: dict[str, str | None] | None = None, **kw) -> str:
    return meta({**PKG_INFO_BASE, **(fields or {})}, **kw)


WHEEL_FILE = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def write_wheel(
    path: Path,
    *,
    metadata: str | bytes | None = None,
    files: dict[str, bytes] | None = None,
    dist_info: str = "demo-1.0.dist-info",
    wheel_file: str | None = WHEEL_FILE,
    record: str = "auto",
    rows: Callable[[list[list[str]]], list[list[str]]] | None = None,
    raw: tuple[tuple[str, bytes], ...] = (),
) -> None:
    """A wheel; `rows` rewrites RECORD's rows, `raw` members go in unlisted and after RECORD."""
    members = dict(files if files is not None else {"demo/__init__.py": b"x = 1\n"})
    md = meta() if metadata is None else metadata
    members[f"{dist_info}/METADATA"] = md.encode() if isinstance(md, str) else md
    if wheel_file is not None:
        members[f"{dist_info}/WHEEL"] = wheel_file.encode()
    table = [[name, record_hash(data), str(len(data))] for name, data in members.items()]
    table.append([f"{dist_info}/RECORD", "", ""])
    if rows:
        table = rows(table)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        if record == "auto":
            out = io.StringIO()
            import csv

            csv.writer(out, lineterminator="\n").writerows(table)
            z.writestr(f"{dist_info}/RECORD", out.getvalue())
        for name, data in raw:
            z.writestr(name, data)


def write_sdist(
    path: Path,
    *,
    top: str = "demo-1.0",
    info: str | None = None,
    files: dict[str, bytes] | None = None,
    dirs: bool = True,
    prefix: str = "",
    extra: Callable[[tarfile.TarFile], None] | None = None,
) -> None:
    """A .tar.gz sdist with `top/PKG-INFO`, pyproject.toml and a module (or `files`)."""
    members: dict[str, bytes] = {}
    if info is not False:
        members["PKG-INFO"] = (pkg_info() if info is None else info).encode()
    members.update(
        files
        if files is not None
        else {"pyproject.toml": b"[project]\nname = 'demo'\nversion = '1.0'\n", "demo/__init__.py": b"x = 1\n"}
    )
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as t:
        if dirs:
            seen = set()
            for name in [top] + [f"{top}/{n.rsplit('/', 1)[0]}" for n in members if "/" in n]:
                if name not in seen:
                    seen.add(name)
                    info_ = tarfile.TarInfo(prefix + name)
                    info_.type = tarfile.DIRTYPE
                    info_.mode = 0o755
                    t.addfile(info_)
        for name, data in members.items():
            ti = tarfile.TarInfo(f"{prefix}{top}/{name}")
            ti.size = len(data)
            ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data))
        if extra:
            extra(t)


def write_zip_sdist(path: Path, *, top: str = "demo-1.0") -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{top}/PKG-INFO", pkg_info())
        z.writestr(f"{top}/pyproject.toml", "[project]\nname = 'demo'\nversion = '1.0'\n")


def write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def truncated(writer: Callable[[Path], None], path: Path) -> None:
    writer(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zip_duplicate(path: Path) -> None:
    write_wheel(path)
    with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning):
        z.writestr("demo/__init__.py", b"y = 2\n")


def dup_metadata(path: Path) -> None:
    """A valid METADATA, then a second copy under the same name that packaging rejects."""
    write_wheel(path)
    with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning):
        z.writestr("demo-1.0.dist-info/METADATA", meta({"Metadata-Version": "2.0"}))


def sdist_corrupt_later_header(path: Path) -> None:
    """A valid sdist whose last tar header has a bad checksum: tarfile stops there quietly."""
    write_sdist(path)
    data = bytearray(gzip.decompress(path.read_bytes()))
    at = data.rfind(b"demo-1.0/demo/__init__.py")
    data[at + 148 : at + 156] = b"0000000\0"
    path.write_bytes(gzip.compress(bytes(data)))


def tar_link(t: tarfile.TarFile, name: str = "demo-1.0/evil", target: str = "/etc/passwd") -> None:
    ti = tarfile.TarInfo(name)
    ti.type = tarfile.SYMTYPE
    ti.linkname = target
    t.addfile(ti)


def tar_pkg_info_link(path: Path) -> None:
    write_sdist(path, info=False, extra=lambda t: tar_link(t, "demo-1.0/PKG-INFO", "pyproject.toml"))


def tar_bomb(t: tarfile.TarFile) -> None:
    size = 64 << 20
    ti = tarfile.TarInfo("demo-1.0/zeros.bin")
    ti.size = size

    class Zeros(io.RawIOBase):
        def __init__(self) -> None:
            self.left = size

        def readable(self) -> bool:
            return True

        def readinto(self, b) -> int:
            n = min(len(b), self.left)
            b[:n] = bytes(n)
            self.left -= n
            return n

    t.addfile(ti, io.BufferedReader(Zeros()))


# --------------------------------------------------------------------------- the cases

WHL = "demo-1.0-py3-none-any.whl"
SD = "demo-1.0.tar.gz"


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    write: Callable[[Path], None]
    codes: tuple[str, ...] = ()  # default-level codes this case exists to show
    beyond: bool = False  # a rule twine does not check: twine passes, cartwheel's default fails/warns
    diverges: str = ""  # why --compat twine deliberately differs from twine on this file


def W(id: str, codes=(), beyond=False, file=WHL, diverges="", **kw) -> Case:
    return Case(id, file, partial(write_wheel, **kw), tuple(codes), beyond, diverges)


def S(id: str, codes=(), beyond=False, file=SD, **kw) -> Case:
    return Case(id, file, partial(write_sdist, **kw), tuple(codes), beyond)


def set_row(i: int, col: int, value: str):
    def f(rows):
        rows[i][col] = value
        return rows

    return f


CASES = [
    # Clean.
    W("clean-wheel"),
    S("clean-sdist"),
    W("clean-plain", metadata=meta({"Description-Content-Type": "text/plain"}, body="Just text.\n")),
    W(
        "clean-2.4-license",
        metadata=meta({"Metadata-Version": "2.4"}, extra=(("License-Expression", "MIT"), ("License-File", "LICENSE"))),
        files={"demo/__init__.py": b"x = 1\n", "demo-1.0.dist-info/licenses/LICENSE": b"MIT\n"},
    ),
    # PEP 794 (Metadata 2.5): import names, private ones, an empty Import-Name ("none at all").
    W(
        "clean-2.5-import-names",
        metadata=meta(
            {"Metadata-Version": "2.5"},
            extra=(("Import-Name", "demo"), ("Import-Name", "demo._c ; private"), ("Import-Namespace", "acme")),
        ),
    ),
    W("clean-2.5-no-import-names", metadata=meta({"Metadata-Version": "2.5"}, extra=(("Import-Name", ""),))),
    S(
        "clean-sdist-2.5-import-names",
        info=pkg_info({"Metadata-Version": "2.5"}, extra=(("Import-Name", "demo"), ("Import-Namespace", "acme"))),
    ),
    W("clean-markdown-broken-syntax", metadata=meta(body="# t\n\n```\nunclosed fence *a _b [c](\n")),
    # twine's two warnings.
    W("no-content-type", codes=["T004"], metadata=meta({"Description-Content-Type": None}, body="Plain words.\n")),
    W("no-description", codes=["T005"], metadata=meta(body=None)),
    # docutils (through readme_renderer) refuses the reST description: twine's markup failure.
    W(
        "rst-title-underline-short",
        codes=["T006"],
        metadata=meta({"Description-Content-Type": "text/x-rst"}, body="Demo\n====\n\nLong title\n====\n"),
    ),
    W(
        "rst-unknown-target-no-content-type",
        codes=["T004", "T006"],
        metadata=meta({"Description-Content-Type": None}, body="See `the docs`_.\n"),
    ),
    S(
        "sdist-rst-unknown-directive",
        codes=["T006"],
        info=pkg_info({"Description-Content-Type": "text/x-rst"}, body="Demo\n\n.. bogus:: x\n"),
    ),
    W(
        "markdown-without-content-type",
        codes=["T004", "D002"],
        metadata=meta({"Description-Content-Type": None}, body="# Demo\n\nSee [the docs](https://example.org).\n"),
    ),
    W("description-unknown", codes=["T005"], metadata=meta(body="UNKNOWN\n")),
    S("sdist-no-description", codes=["T005"], info=pkg_info(body=None)),
    # packaging's validation.
    W("metadata-version-2.0", codes=["T003"], metadata=meta({"Metadata-Version": "2.0"})),
    W("metadata-version-3.0", codes=["T003"], metadata=meta({"Metadata-Version": "3.0"})),
    W("metadata-version-not-a-version", codes=["T007"], metadata=meta({"Metadata-Version": "x"})),
    W("metadata-version-trailing-space", codes=["T003"], metadata=meta({"Metadata-Version": "2.1 "})),
    W("field-too-new", codes=["T003"], metadata=meta(extra=(("License-Expression", "MIT"),))),
    W("import-name-too-new", codes=["T003"], metadata=meta({"Metadata-Version": "2.4"}, extra=(("Import-Name", "a"),))),
    W(
        "import-name-keyword",
        codes=["T003"],
        metadata=meta({"Metadata-Version": "2.5"}, extra=(("Import-Name", "a.if"),)),
    ),
    W(
        "import-name-not-private",
        codes=["T003"],
        metadata=meta({"Metadata-Version": "2.5"}, extra=(("Import-Name", "demo; public"),)),
    ),
    W(
        "import-namespace-empty",
        codes=["T003"],
        metadata=meta({"Metadata-Version": "2.5"}, extra=(("Import-Namespace", ""),)),
    ),

    W(
        "classifier-under-1.0",
        codes=["T003"],
        metadata=meta(
            {"Metadata-Version": "1.0", "Description-Content-Type": None},
            extra=(("Classifier", "Framework :: Django"),),
            body=None,
        ),
    ),
    W("variant-lowercase", codes=["T003"], metadata=meta({"Description-Content-Type": "text/markdown; variant=gfm"})),
    W("variant-gfm", metadata=meta({"Description-Content-Type": "text/markdown; variant=GFM"})),
    W("content-type-html", codes=["T003"], metadata=meta({"Description-Content-Type": "text/html"})),
    W("content-type-bare-markdown", codes=["T003"], metadata=meta({"Description-Content-Type": "markdown"})),
    W("charset-utf8", codes=["T003"], metadata=meta({"Description-Content-Type": "text/plain; charset=utf8"})),
    W("charset-UTF-8", metadata=meta({"Description-Content-Type": "text/plain; charset=UTF-8"})),
    W(
        "rst-stream-param",
        codes=["T007"],
        metadata=meta({"Description-Content-Type": "text/x-rst; stream=1"}, body="Words.\n"),
    ),
    W("summary-folded", codes=["T003"], metadata=meta({"Summary": "one\n  two"})),
    W("unknown-field", codes=["T003"], metadata=meta(extra=(("X-Custom", "1"),))),
    W("name-twice", codes=["T003"], metadata=meta(extra=(("Name", "demo"),))),
    W("invalid-name", codes=["T003"], metadata=meta({"Name": "-demo-"})),
    W("invalid-version", codes=["T003"], metadata=meta({"Version": "1.0.x"})),
    W("bad-requires-dist", codes=["T003"], metadata=meta(extra=(("Requires-Dist", "foo >="),))),
    W("requires-dist-folded", codes=["T003"], metadata=meta(extra=(("Requires-Dist", "foo >=1,\n        <2"),))),
    W("requires-dist-name-ends-in-dash", codes=["T003"], metadata=meta(extra=(("Requires-Dist", "foo-==1"),))),
    # packaging's grammar, stricter than pep508_rs / pep440_rs.
    W("requires-dist-loose-and", codes=["T003"], metadata=meta(extra=(("Requires-Dist", "foo>=1 and <2"),))),
    W("requires-dist-dangling-or", codes=["T003"], metadata=meta(extra=(("Requires-Dist", 'foo; os_name == "a" or'),))),
    W("requires-python-no-comma", codes=["T003"], metadata=meta(extra=(("Requires-Python", ">=3.8 <4"),))),
    W("requires-dist-arbitrary-equality", metadata=meta(extra=(("Requires-Dist", "foo ===abc"),))),
    W("old-style-requires-dist", metadata=meta(extra=(("Requires-Dist", "foo (>=1.0)"),))),
    W("bad-requires-python", codes=["T003"], metadata=meta(extra=(("Requires-Python", ">=3.x"),))),
    W(
        "bad-spdx",
        codes=["T003"],
        metadata=meta({"Metadata-Version": "2.4"}, extra=(("License-Expression", "Bogus-1.0"),)),
    ),
    W("bad-dynamic", codes=["T003"], metadata=meta({"Metadata-Version": "2.2"}, extra=(("Dynamic", "Version"),))),
    W("bad-extra-name", codes=["T003"], metadata=meta(extra=(("Provides-Extra", "-x"),))),
    W(
        "project-url-label-twice",
        codes=["T003"],
        metadata=meta(extra=(("Project-URL", "Home, https://a.org"), ("Project-URL", "Home, https://b.org"))),
    ),
    W("license-file-under-2.1", metadata=meta(extra=(("License-File", "LICENSE"),))),
    W("bom", codes=["T003"], metadata=b"\xef\xbb\xbf" + meta().encode()),
    W("lowercase-metadata-version", codes=["T001"], metadata=meta().replace("Metadata-Version", "metadata-version")),
    W("not-utf8", codes=["T003"], metadata=meta().encode().replace(b"A demo", b"A d\xe9mo")),
    W(
        "non-header-line-starts-body",
        metadata=meta({"Description-Content-Type": "text/plain"}, body=None) + "this line is not a header\n",
    ),
    W(
        "metadata-version-missing",
        codes=["T003"],
        metadata=meta({"Metadata-Version": None}).replace("Name", "Metadata-Version-X: 1\nName"),
    ),
    W("description-header-and-body", codes=["T003"], metadata=meta(extra=(("Description", "also here"),))),
    W("content-type-empty", codes=["T003"], metadata=meta({"Description-Content-Type": ""})),
    W(
        "rst-raw-param",
        codes=["T007"],
        metadata=meta({"Description-Content-Type": "text/x-rst; raw=1"}, body="Words.\n"),
    ),
    W("markdown-stream-param-not-rendered", metadata=meta({"Description-Content-Type": "text/markdown; stream=1"})),
    W(
        "metadata-1.1-description-header",
        metadata=meta(
            {"Metadata-Version": "1.1", "Description-Content-Type": None},
            extra=(("Description", "Line one.\n        Line two."),),
            body=None,
        ),
    ),
    W("crlf-line-endings", metadata=meta().replace("\n", "\r\n")),
    # A lone CR ends a header (email compat32): "b" is no header, so the body starts there.
    W("summary-with-cr-starts-the-body", codes=["T004"], metadata=meta({"Summary": "a\rb"})),
    # Where twine reads the metadata from.
    W("no-metadata", codes=["T001"], metadata="Name: demo\n"),
    W(
        "stray-top-level-metadata-wins",
        codes=["T003"],
        raw=(("METADATA", meta({"Metadata-Version": "2.0"}).encode()),),
        rows=lambda r: r + [["METADATA", "", ""]],
    ),
    W(
        "stray-metadata-txt-skipped",
        raw=(("METADATA.txt", b"not metadata\n"),),
        rows=lambda r: r + [["METADATA.txt", "", ""]],
    ),
    W(
        "first-dist-info-wins",
        codes=["T003"],
        raw=(("a-1.0.dist-info/METADATA", meta({"Metadata-Version": "2.0"}).encode()),),
        rows=lambda r: [*r, ["a-1.0.dist-info/METADATA", "", ""]],
    ),
    Case("duplicate-metadata-last-wins", WHL, lambda p: dup_metadata(p), ("T003",)),
    S("sdist-pkg-info-is-a-dir", codes=["T001"], info=False, files={"PKG-INFO/x": b"", "pyproject.toml": b""}),
    Case("not-a-zip", WHL, partial(write_bytes, data=b"this is not a zip file\n" * 10), ("A001",)),
    Case("truncated-wheel", WHL, partial(truncated, write_wheel), ("A001",)),
    Case("unknown-format", "demo-1.0.tar.bz2", partial(write_bytes, data=b"BZh9"), ("A001",)),
    S("sdist-no-pkg-info", codes=["T001", "S003"], info=False),
    S(
        "sdist-egg-info-only",
        codes=["T001"],
        info=False,
        files={"pyproject.toml": b"", "demo.egg-info/PKG-INFO": pkg_info().encode()},
    ),
    S("sdist-two-tops", codes=["T001"], extra=lambda t: t.addfile(tarfile.TarInfo("other.txt"))),
    S("sdist-dot-slash", codes=["T001"], prefix="./"),
    S("sdist-only-pkg-info-no-dir", codes=["T001"], dirs=False, files={}),
    Case("sdist-pkg-info-symlink", SD, tar_pkg_info_link, ("T001",)),
    Case("sdist-not-gzip", SD, partial(write_bytes, data=b"plain text, not gzip\n"), ("A001",)),
    Case("sdist-truncated", SD, partial(truncated, write_sdist), ("A001",)),
    Case("sdist-corrupt-later-header", SD, sdist_corrupt_later_header, ("A001",), beyond=True),
    # Beyond twine: archive safety.
    Case("zip-duplicate-name", WHL, zip_duplicate, ("A005",), beyond=True),
    W("absolute-member", codes=["A002"], beyond=True, raw=(("/tmp/evil.py", b"x"),)),
    W("dotdot-member", codes=["A003"], beyond=True, raw=(("demo/../../evil.py", b"x"),)),
    S("sdist-symlink", codes=["A004"], beyond=True, extra=tar_link),
    # A link that stays inside the sdist (a `NEWS.txt` -> `CHANGELOG` seen on PyPI): a warning.
    S("sdist-symlink-inside", codes=["A004"], beyond=True, extra=partial(tar_link, name="demo-1.0/NEWS.txt", target="CHANGELOG")),
    Case(
        "sdist-bomb",
        SD,
        partial(write_sdist, extra=tar_bomb),
        ("A006",),
        beyond=True,
    ),
    # Beyond twine: RECORD.
    W("no-record", codes=["R001"], beyond=True, record="none"),
    W("file-not-in-record", codes=["R004"], beyond=True, raw=(("demo/extra.py", b"y = 1\n"),)),
    W(
        "record-lists-missing-file",
        codes=["R005"],
        beyond=True,
        rows=lambda r: r + [["demo/gone.py", record_hash(b""), "0"]],
    ),
    W("record-bad-hash", codes=["R007"], beyond=True, rows=set_row(0, 1, record_hash(b"other"))),
    W("record-bad-size", codes=["R008"], beyond=True, rows=set_row(0, 2, "999")),
    W("record-row-twice", codes=["R003"], beyond=True, rows=lambda r: r + [r[0]]),
    W("record-md5", codes=["R006"], beyond=True, rows=set_row(0, 1, "md5=abc")),
    W("record-row-malformed", codes=["R002"], beyond=True, rows=lambda r: [*r, ["demo/x.py"]]),
    W(
        "two-dist-infos",
        codes=["N002"],
        beyond=True,
        raw=(("other-1.0.dist-info/WHEEL", WHEEL_FILE.encode()),),
    ),
    # Beyond twine: names and WHEEL.
    W(
        "dist-info-name-mismatch",
        codes=["N003", "M002"],
        beyond=True,
        dist_info="other-1.0.dist-info",
        metadata=meta({"Name": "other"}),
    ),
    W(
        "wheel-tag-mismatch",
        codes=["N005"],
        beyond=True,
        wheel_file=WHEEL_FILE.replace("py3-none-any", "cp311-cp311-linux_x86_64"),
    ),
    W("no-wheel-file", codes=["N004"], beyond=True, wheel_file=None),
    W("wheel-name-not-normalised", codes=["N001"], beyond=True, file="Demo-1.0-py3-none-any.whl"),
    W("metadata-name-mismatch", codes=["M002"], beyond=True, metadata=meta({"Name": "other"})),
    W("metadata-version-mismatch", codes=["M003"], beyond=True, metadata=meta({"Version": "2.0"})),
    W(
        "local-version",
        codes=["M004"],
        beyond=True,
        file="demo-1.0+local-py3-none-any.whl",
        dist_info="demo-1.0+local.dist-info",
        metadata=meta({"Version": "1.0+local"}),
    ),
    W("metadata-version-2.6", codes=["M001"], beyond=True, metadata=meta({"Metadata-Version": "2.6"})),
    # Beyond twine: PyPI's metadata rules.
    W("summary-too-long", codes=["M005"], beyond=True, metadata=meta({"Summary": "x" * 600})),
    W(
        "unknown-classifier",
        codes=["M006"],
        beyond=True,
        metadata=meta(extra=(("Classifier", "Programming Language :: Pyhton :: 3"),)),
    ),
    W(
        "deprecated-classifier",
        codes=["M006"],
        beyond=True,
        metadata=meta(extra=(("Classifier", "Natural Language :: Ukranian"),)),
    ),
    W(
        "private-classifier",
        codes=["M006"],
        beyond=True,
        metadata=meta(extra=(("Classifier", "Private :: Do Not Upload"),)),
    ),
    W(
        "project-url-not-http",
        codes=["M007"],
        beyond=True,
        metadata=meta(extra=(("Project-URL", "Source, git@github.com:a/b"),)),
    ),
    W(
        "project-url-label-long",
        codes=["M007"],
        beyond=True,
        metadata=meta(extra=(("Project-URL", "L" * 40 + ", https://a.org"),)),
    ),
    W(
        "project-url-without-comma",
        codes=["M007"],
        beyond=True,
        metadata=meta(extra=(("Project-URL", "https://example.org"),)),
    ),
    W(
        "direct-url-dependency",
        codes=["M009"],
        beyond=True,
        metadata=meta(extra=(("Requires-Dist", "foo @ https://example.org/foo.whl"),)),
    ),
    W(
        "undeclared-extra",
        codes=["M008"],
        beyond=True,
        metadata=meta(extra=(("Requires-Dist", "foo; extra == 'test'"),)),
    ),
    W(
        "unnormalised-extra",
        codes=["M008"],
        beyond=True,
        metadata=meta({"Metadata-Version": "2.3"}, extra=(("Provides-Extra", "Dev_Tools"),)),
    ),
    W(
        "license-and-expression",
        codes=["M010"],
        beyond=True,
        metadata=meta({"Metadata-Version": "2.4"}, extra=(("License", "MIT"), ("License-Expression", "MIT"))),
    ),
    W(
        "license-file-missing",
        codes=["M011"],
        beyond=True,
        metadata=meta({"Metadata-Version": "2.4"}, extra=(("License-Expression", "MIT"), ("License-File", "LICENSE"))),
    ),
    W(
        # hatchling 1.33's METADATA for `import-names = []`: a bare `Import-Name` line ends the
        # headers for every email parser, so twine passes it with Summary and Requires-Dist lost.
        "header-line-without-colon",
        codes=["M012"],
        beyond=True,
        metadata="Metadata-Version: 2.5\nName: demo\nVersion: 1.0\nImport-Name\nSummary: A demo\n"
        "Requires-Dist: attrs\nDescription-Content-Type: text/markdown\n\n# demo\n",
    ),
    W("markdown-relative-image", codes=["D001"], beyond=True, metadata=meta(body="# demo\n\n![logo](docs/logo.png)\n")),
    # Beyond twine: check-wheel-contents.
    W(
        "pyc",
        codes=["W001"],
        beyond=True,
        files={"demo/__init__.py": b"x = 1\n", "demo/__init__.cpython-311.pyc": b"\x00bytecode"},
    ),
    W(
        "duplicate-files",
        codes=["W002"],
        beyond=True,
        files={"demo/__init__.py": b"x = 1\n", "demo/a.py": b"same\n", "demo/b.py": b"same\n"},
    ),
    W("non-module-top", codes=["W003"], beyond=True, files={"demo/__init__.py": b"x = 1\n", "README.txt": b"hi\n"}),
    W(
        "bad-module-path",
        codes=["W004"],
        beyond=True,
        files={"demo/__init__.py": b"x = 1\n", "demo/my-mod.py": b"x = 2\n"},
    ),
    W(
        "tests-at-top",
        codes=["W005", "W009"],
        beyond=True,
        files={"demo/__init__.py": b"x = 1\n", "tests/__init__.py": b"# t\n"},
    ),
    W("init-at-top", codes=["W006"], beyond=True, files={"demo/__init__.py": b"x = 1\n", "__init__.py": b"# top\n"}),
    W("only-dist-info", codes=["W007", "W008"], beyond=True, files={}),
    W(
        "two-top-level",
        codes=["W009"],
        beyond=True,
        files={"demo/__init__.py": b"x = 1\n", "other/__init__.py": b"y = 1\n"},
    ),
    W(
        "top-dir-without-modules",
        codes=["W010"],
        beyond=True,
        files={"demo/__init__.py": b"x = 1\n", "_data/x.json": b"{}\n"},
    ),
    # Beyond twine: sdist rules.
    Case("zip-sdist", "demo-1.0.zip", write_zip_sdist, ("S001",), beyond=True),
    S("sdist-name-not-normalised", codes=["S001"], beyond=True, file="Demo-1.0.tar.gz", top="Demo-1.0"),
    S("sdist-top-mismatch", codes=["S002"], beyond=True, top="demo-2.0"),
    S("sdist-old-metadata", codes=["S004"], beyond=True, info=pkg_info({"Metadata-Version": "2.1"})),
    S("sdist-no-pyproject", codes=["S005"], beyond=True, files={"setup.py": b"", "demo/__init__.py": b""}),
    S("sdist-name-mismatch", codes=["M002"], beyond=True, info=pkg_info({"Name": "other"})),
]
CASE_IDS = [c.id for c in CASES]
assert len(set(CASE_IDS)) == len(CASE_IDS)


# --------------------------------------------------------------------------- running the tools


@dataclass
class Outcome:
    path: Path
    twine: int
    twine_strict: int
    twine_out: str
    compat: dict
    compat_strict: dict
    default: dict
    default_strict: dict
    cwc: set[str] | None


def cartwheel_json(venv, files: list[Path], *args: str) -> dict[str, dict]:
    proc = run([venv.python, "-m", "cartwheel", "check", "--format", "json", *args, *files], check=False)
    assert proc.returncode in (0, 1), proc.stderr
    reports = json.loads(proc.stdout)
    assert len(reports) == len(files)
    return {r["file"]: r for r in reports}


# twine and check-wheel-contents run in one helper process, each file through their own entry
# points (twine's `cli.dispatch(["check", FILE])`, one file per call, as the CLI does): starting
# an interpreter per file would cost minutes. `test_in_process_runner_matches_the_cli` keeps
# this honest against the real command lines.
RUNNER = r"""
import contextlib, io, json, sys
from twine import cli
from check_wheel_contents.checker import NO_CONFIG, WheelChecker
from check_wheel_contents.contents import WheelContents

result = {}
for path in sys.argv[2:]:
    row = {}
    for strict in (False, True):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            try:
                cli.configure_output()
                failed = bool(cli.dispatch(["check", *(["--strict"] if strict else []), path]))
            except Exception as exc:  # what twine's main turns into exit status 1
                failed = True
                print(f"{type(exc).__name__}: {exc}")
        row["strict" if strict else "plain"] = [int(failed), buf.getvalue()]
    if path.endswith(".whl"):
        checker = WheelChecker()
        checker.configure_options(configpath=NO_CONFIG)
        try:
            contents = WheelContents.from_wheel(path)
        except Exception:
            row["cwc"] = None
        else:
            row["cwc"] = sorted({f.check.name for f in checker.check_contents(contents)})
    result[path] = row
with open(sys.argv[1], "w") as f:
    json.dump(result, f)
"""


def reference_tools(files: list[Path], tmp: Path) -> dict[str, dict]:
    out = tmp / "reference.json"
    run([sys.executable, "-c", RUNNER, out, *files], timeout=900)
    return json.loads(out.read_text())


@pytest.fixture(scope="session")
def outcomes(cw_venv, tmp_path_factory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("check-corpus")
    paths = {}
    for case in CASES:
        d = base / case.id
        d.mkdir()
        paths[case.id] = d / case.file
        case.write(paths[case.id])
    files = list(paths.values())
    ref = reference_tools(files, base)
    compat = cartwheel_json(cw_venv, files, "--compat", "twine")
    compat_strict = cartwheel_json(cw_venv, files, "--compat", "twine", "--strict")
    default = cartwheel_json(cw_venv, files)
    default_strict = cartwheel_json(cw_venv, files, "--strict")
    return {
        cid: Outcome(
            p,
            ref[str(p)]["plain"][0],
            ref[str(p)]["strict"][0],
            ref[str(p)]["plain"][1],
            compat[str(p)],
            compat_strict[str(p)],
            default[str(p)],
            default_strict[str(p)],
            None if ref[str(p)].get("cwc") is None else set(ref[str(p)]["cwc"]),
        )
        for cid, p in paths.items()
    }


@pytest.mark.parametrize(
    "cid", ["clean-wheel", "no-description", "not-a-zip", "rst-stream-param", "sdist-dot-slash", "pyc", "no-record"]
)
def test_in_process_runner_matches_the_cli(cid, outcomes):
    """The reference verdicts equal the real `twine check` / `check-wheel-contents` commands."""
    o = outcomes[cid]
    for strict, expected in ((False, o.twine), (True, o.twine_strict)):
        cmd = [sys.executable, "-m", "twine", "check", *(["--strict"] if strict else []), o.path]
        assert run(cmd, check=False).returncode == expected
    if o.path.name.endswith(".whl"):
        proc = run([sys.executable, "-m", "check_wheel_contents", "--no-config", o.path], check=False)
        found = set(re.findall(r": (W\d{3}): ", proc.stdout))
        assert (None if proc.returncode and not found else found) == o.cwc, proc.stdout + proc.stderr


def failed(report: dict) -> bool:
    return report["verdict"] == "failed"


def codes(report: dict, severities=("error", "warning")) -> list[str]:
    return [p["code"] for p in report["problems"] if p["severity"] in severities]


# --------------------------------------------------------------------------- the comparisons


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_compat_twine_gives_twines_verdict(case, outcomes):
    o = outcomes[case.id]
    if case.diverges:
        pytest.skip(case.diverges)
    if case.id == "sdist-bomb":
        # Deliberate: twine decompresses the whole 64 MiB to list the members and passes;
        # cartwheel refuses to read past its ratio bound, at every level.
        assert o.twine == 0 and failed(o.compat) and "A006" in codes(o.compat), o.compat
        return
    detail = f"twine said:\n{o.twine_out}\ncartwheel --compat twine said:\n{json.dumps(o.compat, indent=1)}"
    assert failed(o.compat) == (o.twine != 0), detail
    assert failed(o.compat_strict) == (o.twine_strict != 0), detail


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_default_level_fails_a_superset(case, outcomes):
    o = outcomes[case.id]
    if o.twine != 0:
        assert failed(o.default), o.default
    if o.twine_strict != 0:
        assert failed(o.default_strict), o.default_strict


@pytest.mark.parametrize("case", [c for c in CASES if c.codes], ids=[c.id for c in CASES if c.codes])
def test_each_rule_is_caught_by_its_case(case, outcomes):
    o = outcomes[case.id]
    found = codes(o.default)
    for code in case.codes:
        assert code in found, f"{code} not reported for {case.id}: {json.dumps(o.default, indent=1)}"
    if case.beyond and case.id != "sdist-bomb":
        assert o.twine == 0, f"twine was expected to miss this:\n{o.twine_out}"
        # The compat level must not fail on what twine does not check.
        assert not failed(o.compat), o.compat
    if not case.codes and not case.beyond:
        assert not failed(o.default)


def test_a_link_inside_the_sdist_warns_one_leaving_it_fails(outcomes):
    inside, leaving = outcomes["sdist-symlink-inside"].default, outcomes["sdist-symlink"].default
    assert inside["verdict"] == "passed_with_warnings", inside
    assert [(p["code"], p["severity"], p["location"], p["message"]) for p in inside["problems"]] == [
        (
            "A004",
            "warning",
            "demo-1.0/NEWS.txt",
            "link to `CHANGELOG` inside the sdist: ship the file itself, some tools do not extract links",
        )
    ]
    assert leaving["verdict"] == "failed", leaving


CLEAN = [c.id for c in CASES if c.id.startswith("clean-")]


@pytest.mark.parametrize("cid", CLEAN)
def test_clean_files_pass_everything(cid, outcomes):
    o = outcomes[cid]
    assert o.twine == 0 and o.twine_strict == 0, o.twine_out
    assert o.default_strict["verdict"] == "passed", o.default_strict
    assert o.cwc in (None, set()), o.cwc


WHEELS = [c for c in CASES if c.file.endswith(".whl")]


@pytest.mark.parametrize("case", WHEELS, ids=[c.id for c in WHEELS])
def test_wheel_contents_codes_match_check_wheel_contents(case, outcomes):
    o = outcomes[case.id]
    if o.cwc is None:
        # check-wheel-contents refuses the wheel outright (no WHEEL/RECORD, unreadable): no
        # codes to compare, but such a wheel must not pass the default level either.
        assert o.default["verdict"] == "failed", o.default
        return
    ours = {c for c in codes(o.default) if re.fullmatch(r"W\d{3}", c)}
    assert ours == o.cwc, f"cartwheel {sorted(ours)} vs check-wheel-contents {sorted(o.cwc)}"


def test_every_code_is_exercised():
    """Each documented non-twine code has a case of its own (the list in docs/check.md)."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "check.md").read_text()
    documented = set(re.findall(r"^\| `([ADMNRSTW]\d{3})`", doc, re.MULTILINE))
    exercised = {code for c in CASES for code in c.codes}
    assert documented, "no code table in docs/check.md"
    assert documented - exercised == set(), f"codes without a case: {sorted(documented - exercised)}"


# --------------------------------------------------------------------------- real distributions

# Small pure-Python projects from PyPI, pinned: old and new setuptools, flit, hatchling, poetry
# and pdm outputs, Metadata 1.x to 2.3, Markdown and reST descriptions.
PYPI = [
    "six==1.16.0",
    "idna==3.7",
    "certifi==2024.2.2",
    "attrs==23.2.0",
    "packaging==24.0",
    "pyparsing==3.1.2",
    "toml==0.10.2",
    "tomli==2.0.1",
    "iniconfig==2.0.0",
    "pluggy==1.5.0",
    "click==8.1.7",
    "itsdangerous==2.2.0",
    "wheel==0.43.0",
    "docutils==0.21.2",
    "pytz==2024.1",
    "python-dateutil==2.9.0.post0",
    "colorama==0.4.6",
    "distro==1.9.0",
    "tabulate==0.9.0",
    "decorator==5.1.1",
    "wcwidth==0.2.13",
    "urllib3==2.2.1",
    "requests==2.31.0",
    "jinja2==3.1.4",
    "typing_extensions==4.11.0",
    "zipp==3.18.1",
    "more-itertools==10.2.0",
    "filelock==3.14.0",
    "appdirs==1.4.4",
    "mccabe==0.7.0",
    "pycparser==2.22",
    "chardet==5.2.0",
    "termcolor==2.4.0",
    "Pygments==2.18.0",
    "Markdown==3.6",
    "soupsieve==2.5",
]


@pytest.fixture(scope="session")
def pypi_files() -> list[Path]:
    """The wheels and sdists of PYPI, downloaded once into a cache beside the test venv."""
    cache = Path(os.environ.get("CARTWHEEL_PYPI_CACHE") or Path(sys.prefix) / "cartwheel-pypi-cache")
    wheels, sdists = cache / "whl", cache / "sdist"
    if len(list(wheels.glob("*.whl"))) < len(PYPI):
        run([*pip_cmd(), "--only-binary", ":all:", "-d", wheels, *PYPI], timeout=900)
    if len(list(sdists.glob("*"))) < len(PYPI):
        # pip prepares each sdist's metadata (an isolated build env from PyPI): minutes, once.
        run([*pip_cmd(), "--no-binary", ":all:", "-d", sdists, *PYPI], timeout=1800)
    files = sorted(wheels.glob("*.whl")) + sorted(sdists.glob("*.tar.gz"))
    assert len(files) == 2 * len(PYPI), [f.name for f in files]
    return files


def pip_cmd() -> list[str]:
    return [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]


def test_real_distributions_from_pypi(pypi_files, cw_venv, tmp_path):
    ref = reference_tools(pypi_files, tmp_path)
    compat = cartwheel_json(cw_venv, pypi_files, "--compat", "twine")
    compat_strict = cartwheel_json(cw_venv, pypi_files, "--compat", "twine", "--strict")
    default = cartwheel_json(cw_venv, pypi_files)
    disagree = []
    for f in map(str, pypi_files):
        twine_plain, twine_strict = ref[f]["plain"][0], ref[f]["strict"][0]
        # twine's reST renderer refused the description: cartwheel's validator says so too.
        rst_refused = "syntax errors in markup" in ref[f]["plain"][1]
        if rst_refused != ("T006" in codes(compat[f], ("error",))):
            disagree.append((Path(f).name, "reST", ref[f]["plain"][1], compat[f]))
        if failed(compat[f]) != bool(twine_plain) or failed(compat_strict[f]) != bool(twine_strict):
            disagree.append((Path(f).name, twine_plain, twine_strict, compat[f]))
        if twine_plain:
            assert failed(default[f]), default[f]
        if f.endswith(".whl") and ref[f].get("cwc") is not None:
            ours = {c for c in codes(default[f]) if re.fullmatch(r"W\d{3}", c)}
            assert ours == set(ref[f]["cwc"]), (f, ours, ref[f]["cwc"])
    assert disagree == [], disagree


def test_bundled_classifiers_match_trove_classifiers(tmp_path):
    """crates/cartwheel-check/src/classifiers.txt is what scripts/refresh-classifiers.py makes of the pinned
    trove-classifiers (requirements-test.txt): refreshing it is one command."""
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "classifiers.txt"
    run([sys.executable, root / "scripts" / "refresh-classifiers.py", out])
    assert out.read_text() == (root / "crates" / "cartwheel-check" / "src" / "classifiers.txt").read_text()


def test_bundled_lexers_match_pygments(tmp_path):
    """crates/cartwheel-rst/src/lexers.txt (the names docutils' code roles can highlight) is what
    scripts/refresh-lexers.py makes of the pinned Pygments (requirements-test.txt)."""
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "lexers.txt"
    run([sys.executable, root / "scripts" / "refresh-lexers.py", out])
    assert out.read_text() == (root / "crates" / "cartwheel-rst" / "src" / "lexers.txt").read_text()


# --------------------------------------------------------------------------- output


def tidy(text: str, tmp: Path) -> str:
    """`text` with `tmp` written `<tmp>` and artifact sizes written `<size>`."""
    return re.sub(r"\(\d+(?:\.\d)? (?:B|KiB|MiB|GiB), ", "(<size>, ", text.replace(str(tmp), "<tmp>"))


def frontend(text: str) -> str:
    """`python -m build`'s stderr with a traceback's frames (the frontend's own files and line
    numbers, laid out by the Python version) written `<traceback>`; the exception line stays."""
    return re.sub(r"^Traceback \(most recent call last\):\n(?:  .*\n)+", "<traceback>\n", text, flags=re.MULTILINE)


# `trove-classifiers VERSION`, as `cartwheel check` names its bundled list (from the list's header line).
CLASSIFIERS = Path(__file__).resolve().parent.parent / "crates" / "cartwheel-check" / "src" / "classifiers.txt"
TROVE = CLASSIFIERS.read_text().split(":", 1)[0].removeprefix("# ")


def test_json_schema(outcomes):
    report = outcomes["record-bad-hash"].default
    assert set(report) == {"file", "verdict", "problems"}
    assert report["verdict"] in ("passed", "passed_with_warnings", "failed")
    for p in report["problems"]:
        assert set(p) == {"code", "severity", "message", "location"}
        assert p["severity"] in ("error", "warning", "note")
        assert p["location"] is None or isinstance(p["location"], str)
    bad = [p for p in report["problems"] if p["code"] == "R007"]
    assert bad == [
        {
            "code": "R007",
            "severity": "error",
            "message": "the content does not match its RECORD hash",
            "location": "demo/__init__.py",
        }
    ]


def test_text_names_each_problem_once_and_exit_status(cw_venv, outcomes):
    path = outcomes["record-bad-hash"].path
    proc = run([cw_venv.python, "-m", "cartwheel", "check", path], check=False)
    assert proc.returncode == 1
    assert proc.stdout == (
        f"Checking {path}: FAILED\n  error[R007] demo/__init__.py: the content does not match its RECORD hash\n"
    )
    warned = outcomes["no-description"].path
    ok = run([cw_venv.python, "-m", "cartwheel", "check", warned], check=False)
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout == (
        f"Checking {warned}: PASSED with warnings\n  warning[T005] Description: `long_description` missing.\n"
    )
    strict = run([cw_venv.python, "-m", "cartwheel", "check", "--strict", warned], check=False)
    assert strict.returncode == 1, strict.stdout
    assert strict.stdout == (
        f"Checking {warned}: FAILED due to warnings\n  warning[T005] Description: `long_description` missing.\n"
    )


def test_a_header_line_without_colon_names_what_it_loses(cw_venv, outcomes):
    """hatchling 1.33's METADATA for `import-names = []`: twine passes it (with Summary and
    Requires-Dist read as the description); cartwheel says which fields are lost, and where."""
    path = outcomes["header-line-without-colon"].path
    proc = run([cw_venv.python, "-m", "cartwheel", "check", path], check=False)
    assert proc.returncode == 1
    assert proc.stdout == (
        f"Checking {path}: FAILED\n"
        "  warning[T004] Description-Content-Type: `long_description_content_type` missing. defaulting to "
        "`text/x-rst`.\n"
        "  error[M012] demo-1.0.dist-info/METADATA: line 4 `Import-Name` is not a `Name: value` header: email "
        "parsers (twine, pip, PyPI) end the headers there, so Summary, Requires-Dist, Description-Content-Type "
        "are read as description text and lost\n"
        "  warning[D002] README line 6: the description looks like Markdown but has no content type: PyPI will "
        "show it as reStructuredText (set `text/markdown`)\n"
    )


def test_rst_problem_names_the_readme_line(outcomes):
    # Plain words without a content type are valid reST: only twine's T004 warning.
    assert codes(outcomes["no-content-type"].compat) == ["T004"]
    (problem,) = [p for p in outcomes["rst-title-underline-short"].compat["problems"] if p["code"] == "T006"]
    assert problem["severity"] == "error"
    assert problem["location"] == "README line 5"
    assert problem["message"] == (
        "`long_description` has syntax errors in markup and would not be rendered on PyPI. "
        "Warning: Title underline too short."
    )


def test_directories_and_globs(cw_venv, outcomes, tmp_path):
    folder = outcomes["clean-wheel"].path.parent
    walked = run([cw_venv.python, "-m", "cartwheel", "check", folder.parent / "clean-*" / "*"], check=False)
    assert walked.returncode == 0, walked.stdout
    assert tidy(walked.stdout, folder.parent) == (
        "Checking <tmp>/clean-2.4-license/demo-1.0-py3-none-any.whl: PASSED\n"
        "Checking <tmp>/clean-2.5-import-names/demo-1.0-py3-none-any.whl: PASSED\n"
        "Checking <tmp>/clean-2.5-no-import-names/demo-1.0-py3-none-any.whl: PASSED\n"
        "Checking <tmp>/clean-markdown-broken-syntax/demo-1.0-py3-none-any.whl: PASSED\n"
        "Checking <tmp>/clean-plain/demo-1.0-py3-none-any.whl: PASSED\n"
        "Checking <tmp>/clean-sdist/demo-1.0.tar.gz: PASSED\n"
        "Checking <tmp>/clean-sdist-2.5-import-names/demo-1.0.tar.gz: PASSED\n"
        "Checking <tmp>/clean-wheel/demo-1.0-py3-none-any.whl: PASSED\n"
    )
    by_dir = run([cw_venv.python, "-m", "cartwheel", "check", folder])
    assert by_dir.stdout == f"Checking {folder}/demo-1.0-py3-none-any.whl: PASSED\n"
    missing = run([cw_venv.python, "-m", "cartwheel", "check", tmp_path / "*.whl"], check=False)
    assert missing.returncode == 1
    assert missing.stderr == f"error: cannot find file (or expand pattern): `{tmp_path}/*.whl`\n"


# --------------------------------------------------------------------------- at build time


def _check_fails_tree(tmp_path: Path, tool: str = "") -> Path:
    tree = copy_tree(BROKEN / "check_fails", tmp_path / "proj")
    if tool:
        with (tree / "pyproject.toml").open("a") as f:
            f.write(f"\n[tool.cartwheel]\n{tool}\n")
    return tree


# What `cartwheel check` finds in broken/check_fails' artifacts at build time (`{0}`: the artifact's
# name after the version): a warning, and an error (a warning with `check = "warn"`).
RELATIVE_IMAGE = (
    "warning: broken_check_fails-1.0.0{0}: [D001] README.md line 3: relative image `docs/diagram.png` points "
    "nowhere on PyPI: use an absolute URL\n"
)
PYHTON = f"[M006] Classifier: unknown classifier `Programming Language :: Pyhton :: 3` ({TROVE})"
CHECK_FAILS_WARNINGS = RELATIVE_IMAGE + "warning: broken_check_fails-1.0.0{0}: " + PYHTON + "\n"
# `python -m build`'s last words when a hook raised.
FRONTEND_GAVE_UP = (
    "TIP pass --env-dir and --sdist-extract-dir to keep the build environment and sources, then see "
    "https://build.pypa.io/en/stable/how-to/troubleshooting.html#debug-a-failed-build for help debugging a failed "
    "build\n"
    "ERROR Backend subprocess exited when trying to invoke {}\n"
)


def test_build_fails_on_the_check_and_writes_nothing(cw_venv, tmp_path):
    tree = _check_fails_tree(tmp_path)
    out = tmp_path / "out"
    proc = run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out], check=False)
    assert proc.returncode == 1, proc.stderr
    refused = (
        "error: `broken_check_fails-1.0.0.tar.gz` fails `cartwheel check`, so it was not written:\n"
        f"  {PYHTON}\n"
        '  = help: fix the project; `[tool.cartwheel] check = "warn"` (or the `check=warn` config setting) builds '
        "anyway\n"
    )
    assert proc.stderr == RELATIVE_IMAGE.format(".tar.gz") + RELATIVE_IMAGE.format("-py3-none-any.whl") + refused
    assert not out.exists() or list(out.iterdir()) == [], list(out.iterdir())
    # Through a PEP 517 frontend too: the hook raises, nothing lands.
    out2 = tmp_path / "out2"
    fe = run([cw_venv.python, "-m", "build", "--no-isolation", "-o", out2, tree], check=False)
    assert fe.returncode != 0
    assert fe.stdout == "\n"
    assert frontend(fe.stderr) == (
        "* Getting build dependencies for sdist...\n"
        "* Building sdist...\n"
        + RELATIVE_IMAGE.format(".tar.gz")
        + "<traceback>\n"
        + f"cartwheel.CartwheelError: {refused}"
        + FRONTEND_GAVE_UP.format("build_sdist")
    )
    assert not out2.exists() or [p for p in out2.iterdir() if not p.name.startswith(".")] == []


def test_build_check_warn_builds_and_warns(cw_venv, tmp_path):
    tree = _check_fails_tree(tmp_path, 'check = "warn"')
    out = tmp_path / "out"
    proc = run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out])
    assert tidy(proc.stderr, tmp_path) == (
        CHECK_FAILS_WARNINGS.format(".tar.gz")
        + CHECK_FAILS_WARNINGS.format("-py3-none-any.whl")
        + "Built <tmp>/out/broken_check_fails-1.0.0.tar.gz (<size>, 4 files)\n"
        + "Built <tmp>/out/broken_check_fails-1.0.0-py3-none-any.whl (<size>, 4 files)\n"
    )
    assert len(list(out.glob("*.whl"))) == 1 and len(list(out.glob("*.tar.gz"))) == 1


def test_build_fails_on_rst_the_readme_and_its_line(cw_venv, tmp_path):
    """A README.rst docutils refuses stops the build, located in the README file itself."""
    tree = copy_tree(FIXTURES / "rst_readme", tmp_path / "proj")
    readme = tree / "README.rst"
    lines = readme.read_text().splitlines()
    readme.write_text("\n".join([*lines, "", "See `the missing docs`_.", ""]))
    out = tmp_path / "out"
    proc = run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out], check=False)
    assert proc.returncode == 1, proc.stderr
    assert tidy(proc.stderr, tmp_path) == (
        'warning: <tmp>/proj/rst_readme/__init__.py:3:16: `__version__ = "0.0.0"` is stamped as "0.9.0" in the '
        "artifacts (the source tree is left as it is)\n"
        "  |\n"
        '3 | __version__ = "0.0.0"\n'
        "  |                ^^^^^\n"
        "  = help: `cartwheel bump` keeps the source in step; `[tool.cartwheel.version] stamp = []` turns stamping "
        "off\n"
        "error: `rst_readme-0.9.0.tar.gz` fails `cartwheel check`, so it was not written:\n"
        f"  [T006] README.rst line {len(lines) + 2}: `long_description` has syntax errors in markup and "
        'would not be rendered on PyPI. Error: Unknown target name: "the missing docs".\n'
        '  = help: fix the project; `[tool.cartwheel] check = "warn"` (or the `check=warn` config setting) builds '
        "anyway\n"
    )
    assert not out.exists() or list(out.iterdir()) == []


def test_config_setting_overrides_check(cw_venv, tmp_path):
    tree = _check_fails_tree(tmp_path)
    out = tmp_path / "out"
    proc = run([cw_venv.python, "-m", "build", "--no-isolation", "-C", "check=warn", "-o", out, tree])
    assert proc.stdout == (
        "Successfully built broken_check_fails-1.0.0.tar.gz and broken_check_fails-1.0.0-py3-none-any.whl\n"
    )
    assert proc.stderr == (
        "* Getting build dependencies for sdist...\n"
        "* Building sdist...\n"
        + CHECK_FAILS_WARNINGS.format(".tar.gz")
        + "* Building wheel from sdist\n"
        + "* Getting build dependencies for wheel...\n"
        + "* Building wheel...\n"
        + CHECK_FAILS_WARNINGS.format("-py3-none-any.whl")
    )
    assert len(list(out.glob("*.whl"))) == 1
    off = _check_fails_tree(tmp_path / "off", 'check = "off"')
    quiet = run([cw_venv.python, "-m", "cartwheel", "build", off, "-o", tmp_path / "out-off"])
    assert tidy(quiet.stderr, tmp_path) == (
        "Built <tmp>/out-off/broken_check_fails-1.0.0.tar.gz (<size>, 4 files)\n"
        "Built <tmp>/out-off/broken_check_fails-1.0.0-py3-none-any.whl (<size>, 4 files)\n"
    )
    bad = run(
        [cw_venv.python, "-m", "build", "--no-isolation", "-C", "check=maybe", "-o", tmp_path / "o3", tree], check=False
    )
    assert bad.returncode != 0
    assert bad.stdout == "\n"
    assert frontend(bad.stderr) == (
        "* Getting build dependencies for sdist...\n"
        "<traceback>\n"
        'cartwheel.CartwheelError: config setting `check = "maybe"`: expected "error", "warn" or "off"\n'
        + FRONTEND_GAVE_UP.format("get_requires_for_build_sdist")
    )


def test_gzip_member_helper_is_gzip():
    """The generator's sdists are real gzip streams (guards the truncation cases above)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz"):
        pass
    assert gzip.decompress(buf.getvalue()) is not None


def test_local_version_builds_quietly_and_fails_the_upload_check(cw_venv, tmp_path):
    """PyPI refuses local versions, but a local build of one (git between tags) must work:
    every commit of a git-versioned project builds one, so the artifact check says nothing (a
    local version written in pyproject.toml is warned about there, once, located), and
    `cartwheel check` before an upload refuses it."""
    tree = tmp_path / "proj"
    (tree / "localver").mkdir(parents=True)
    (tree / "localver" / "__init__.py").write_text("")
    (tree / "README.md").write_text("# localver\n")
    (tree / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["cartwheel"]\nbuild-backend = "cartwheel"\n\n'
        '[project]\nname = "localver"\nversion = "1.0+local"\nreadme = "README.md"\n'
    )
    out = tmp_path / "out"
    proc = run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out])
    assert tidy(proc.stderr, tmp_path) == (
        "warning: <tmp>/proj/pyproject.toml:7:11: `1.0+local` has a local version label (key `project.version`)\n"
        "  |\n"
        '7 | version = "1.0+local"\n'
        "  |           ^^^^^^^^^^^\n"
        "  = help: PyPI rejects uploads with a local version (`+...`)\n"
        "Built <tmp>/out/localver-1.0+local.tar.gz (<size>, 4 files)\n"
        "Built <tmp>/out/localver-1.0+local-py3-none-any.whl (<size>, 4 files)\n"
    )
    wheel = out / "localver-1.0+local-py3-none-any.whl"
    assert wheel.is_file()
    checked = run([cw_venv.python, "-m", "cartwheel", "check", wheel], check=False)
    assert checked.returncode == 1, checked.stdout
    assert checked.stdout == (
        f"Checking {wheel}: FAILED\n  error[M004] Version: local version `1.0+local`: PyPI refuses local versions\n"
    )


def _zones_tree(tmp_path: Path, tool: str = "") -> Path:
    """tzdata's shape: zone aliases are byte-identical data files (check-wheel-contents' W002)."""
    tree = tmp_path / "proj"
    (tree / "zones").mkdir(parents=True)
    (tree / "zones" / "__init__.py").write_text('"""Zones."""\n')
    for alias in ("UTC", "Zulu"):
        (tree / "zones" / alias).write_bytes(b"TZif2 zone data\n")
    (tree / "README.md").write_text("# zones\n")
    (tree / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["cartwheel"]\nbuild-backend = "cartwheel"\n\n'
        '[project]\nname = "zones"\nversion = "1.0"\nreadme = "README.md"\n' + (f"\n[tool.cartwheel]\n{tool}\n" if tool else "")
    )
    return tree


def test_check_ignore_drops_those_warnings_from_builds_and_checks(cw_venv, tmp_path):
    """A project whose identical data files are deliberate says so once: no W002 on every build,
    and `cartwheel check --strict` (what `cartwheel release` runs) passes with `--ignore W002`."""
    noisy = _zones_tree(tmp_path / "noisy")
    proc = run([cw_venv.python, "-m", "cartwheel", "build", noisy, "-o", tmp_path / "out1"])
    built = (
        "Built <tmp>/{0}/zones-1.0.tar.gz (<size>, 6 files)\n"
        "Built <tmp>/{0}/zones-1.0-py3-none-any.whl (<size>, 6 files)\n"
    )
    assert tidy(proc.stderr, tmp_path) == (
        "warning: zones-1.0-py3-none-any.whl: [W002] zones/UTC, zones/Zulu: Wheel contains duplicate files\n"
        + built.format("out1")
    )
    quiet = _zones_tree(tmp_path / "quiet", 'check-ignore = ["W002"]')
    proc = run([cw_venv.python, "-m", "cartwheel", "build", quiet, "-o", tmp_path / "out2"])
    assert tidy(proc.stderr, tmp_path) == built.format("out2")
    wheel = tmp_path / "out2" / "zones-1.0-py3-none-any.whl"
    strict = run([cw_venv.python, "-m", "cartwheel", "check", "--strict", wheel], check=False)
    assert strict.returncode == 1, strict.stdout
    assert strict.stdout == (
        f"Checking {wheel}: FAILED due to warnings\n"
        "  warning[W002] zones/UTC, zones/Zulu: Wheel contains duplicate files\n"
    )
    ignored = run([cw_venv.python, "-m", "cartwheel", "check", "--strict", "--ignore", "D001,W002", wheel])
    assert ignored.stdout == f"Checking {wheel}: PASSED\n"


def test_check_ignore_names_warnings_only(cw_venv, tmp_path):
    bad = _zones_tree(tmp_path, 'check-ignore = ["W002", "M004"]')
    proc = run([cw_venv.python, "-m", "cartwheel", "build", bad, "-o", tmp_path / "out"], check=False)
    assert proc.returncode == 1
    assert proc.stderr == (
        f"error: {bad / 'pyproject.toml'}:11:25: `M004` is not a warning of `cartwheel check`: only warnings can "
        "be ignored (key `tool.cartwheel.check-ignore`)\n"
        "   |\n"
        '11 | check-ignore = ["W002", "M004"]\n'
        "   |                         ^^^^^^\n"
        '   = help: errors are what PyPI, pip or twine refuse; `check = "warn"` builds anyway\n'
    )
    assert not (tmp_path / "out").exists()
    cli = run([cw_venv.python, "-m", "cartwheel", "check", "--ignore", "w002", tmp_path], check=False)
    assert cli.returncode == 2
    assert cli.stderr == (
        "error: invalid value 'w002' for '--ignore <CODE>': `w002` is not a code of `cartwheel check` "
        '(did you mean "W002"?)\n'
        "\n"
        "For more information, try '--help'.\n"
    )
