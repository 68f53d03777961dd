"""A project written on Windows: CRLF line endings everywhere, and `\\` where a path is expected.

The wheel spec stores files as bytes: a CRLF module is shipped byte for byte (RECORD hashes the
bytes shipped), the version stamp keeps the file's line endings, and the metadata files cartwheel
writes are its own (LF). PEP 639 requires `/` in license-files globs, and a `\\` in any path the
user names must be refused with the fix, not matched against nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.metadata import Metadata

from _support import Sdist, Venv, Wheel, make_venv, parse_record, record_hash, run
from conftest import cli_build, frontend_build

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}

PYPROJECT = (
    '[build-system]\r\nrequires = ["cartwheel"]\r\nbuild-backend = "cartwheel"\r\n\r\n'
    '[project]\r\nname = "crlf-demo"\r\nversion = "2.0.0"\r\ndescription = "CRLF files"\r\n'
    'readme = "README.md"\r\nlicense = "MIT"\r\nlicense-files = ["LICENSE"]\r\n\r\n'
    '[project.scripts]\r\ncrlf-demo = "crlf_demo:main"\r\n'
)
FILES = {
    "pyproject.toml": PYPROJECT,
    "README.md": "# crlf-demo\r\n\r\nWritten on Windows.\r\n\r\n- one\r\n- two\r\n",
    "LICENSE": "MIT License\r\n\r\nCopyright (c) 2026 The Authors\r\n",
    "src/crlf_demo/__init__.py": (
        '"""CRLF package."""\r\n\r\n__version__ = "0.0.0"\r\n\r\n\r\n'
        'def main():\r\n    print("crlf-demo", __version__)\r\n'
    ),
    "src/crlf_demo/mod.py": "X = 1\r\nY = 2\r\n",
}


def write_project(tree: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return tree


def test_crlf_project(cw_venv: Venv, tmp_path: Path):
    tree = write_project(tmp_path / "proj", FILES)
    # The hooks (sdist, then the wheel from it) and the CLI on the tree: the same wheel bytes.
    frontend_build(cw_venv, tree, tmp_path / "dist", isolated=False, env=EPOCH)
    cli_build(cw_venv, tree, tmp_path / "cli", env=EPOCH)
    name = "crlf_demo-2.0.0-py3-none-any.whl"
    assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "dist" / name).read_bytes()

    wheel = Wheel(tmp_path / "dist" / name)
    assert sorted(wheel.names) == [
        "crlf_demo-2.0.0.dist-info/METADATA",
        "crlf_demo-2.0.0.dist-info/RECORD",
        "crlf_demo-2.0.0.dist-info/WHEEL",
        "crlf_demo-2.0.0.dist-info/entry_points.txt",
        "crlf_demo-2.0.0.dist-info/licenses/LICENSE",
        "crlf_demo/__init__.py",
        "crlf_demo/mod.py",
    ]
    assert wheel.read("crlf_demo/mod.py") == FILES["src/crlf_demo/mod.py"].encode()
    assert wheel.meta("licenses/LICENSE") == FILES["LICENSE"].encode()
    # Only the version literal changes; every line keeps its CRLF.
    stamped = FILES["src/crlf_demo/__init__.py"].replace('"0.0.0"', '"2.0.0"').encode()
    assert wheel.read("crlf_demo/__init__.py") == stamped
    assert wheel.meta("entry_points.txt") == b"[console_scripts]\ncrlf-demo = crlf_demo:main\n"
    assert wheel.meta("WHEEL") == b"Wheel-Version: 1.0\nGenerator: cartwheel 0.1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"

    # RECORD: the hash and size of the bytes shipped, for every file but itself.
    rows = parse_record(wheel.meta("RECORD").decode())
    assert "\r" not in wheel.meta("RECORD").decode()
    for path, digest, size in rows:
        if path.endswith("/RECORD"):
            assert (digest, size) == ("", "")
            continue
        assert (digest, size) == (record_hash(wheel.read(path)), str(len(wheel.read(path)))), path
    assert sorted(r[0] for r in rows) == sorted(wheel.names)

    # Core metadata: LF headers; the README is the body, each of its lines there.
    raw = wheel.meta("METADATA")
    head, _, body = raw.partition(b"\n\n")
    assert b"\r" not in head
    meta = Metadata.from_email(raw, validate=True)
    assert meta.name == "crlf-demo"
    assert str(meta.version) == "2.0.0"
    assert meta.description_content_type == "text/markdown; charset=UTF-8"
    assert body.decode().splitlines() == FILES["README.md"].splitlines()

    # The sdist: every source file byte for byte (the stamp as in the wheel), PKG-INFO the
    # wheel's METADATA.
    sdist = Sdist(tmp_path / "dist" / "crlf_demo-2.0.0.tar.gz")
    assert sdist.files() == {*FILES, "PKG-INFO"}
    for rel, text in FILES.items():
        expected = stamped if rel == "src/crlf_demo/__init__.py" else text.encode()
        assert sdist.read(rel) == expected, rel
    assert sdist.read("PKG-INFO") == raw

    # And it installs and runs.
    venv = make_venv(tmp_path / "fresh")
    venv.pip("install", "--no-index", "--no-deps", wheel.path)
    assert run([venv.script("crlf-demo")], cwd=tmp_path).stdout == "crlf-demo 2.0.0\n"


@pytest.mark.parametrize(
    ("folder", "file", "old", "new", "expected"),
    [
        pytest.param(
            "licenses",
            "LICENSE",
            '["LICENSE"]',
            '["licenses\\\\LICENSE"]',
            "error: proj/pyproject.toml:11:18: `\\` is not allowed in license-files patterns"
            " (key `project.license-files`)\n"
            "   |\n"
            '11 | license-files = ["licenses\\\\LICENSE"]\n'
            "   |                  ^^^^^^^^^^^^^^^^^^^\n"
            "   = help: use `/` as the separator: `licenses/LICENSE`\n",
            id="license-files",
        ),
        pytest.param(
            "docs",
            "README.md",
            '"README.md"',
            '"docs\\\\README.md"',
            "error: proj/pyproject.toml:9:10: the readme path contains `\\` (key `project.readme`)\n"
            "  |\n"
            '9 | readme = "docs\\\\README.md"\n'
            "  |          ^^^^^^^^^^^^^^^^^\n"
            "  = help: use `/` as the separator: `docs/README.md`\n",
            id="readme",
        ),
    ],
)
def test_backslash_as_separator_is_refused(
    cw_venv: Venv, tmp_path: Path, folder: str, file: str, old: str, new: str, expected: str
):
    """A Windows user's `\\` in a path key: refused with the `/` spelling, nothing written."""
    (tmp_path / "proj" / folder).mkdir(parents=True)
    (tmp_path / "proj" / folder / file).write_bytes(FILES[file].encode())
    files = {**FILES, "pyproject.toml": PYPROJECT.replace(old, new)}
    write_project(tmp_path / "proj", files)
    proc = run(
        [cw_venv.python, "-m", "cartwheel", "build", "proj", "-o", "out"], cwd=tmp_path, check=False, env=EPOCH
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert proc.stdout == ""
    assert proc.stderr == expected

