"""Broken projects: one clear located message, exit status 1 / CartwheelError, no file written."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from _support import BROKEN, copy_tree, run, snapshot
from conftest import cli_build


@dataclass(frozen=True)
class Case:
    name: str
    needle: str | None  # offending text in pyproject.toml the position must point into
    key: str | None  # regex for the `(key `...`)` part


# The whole text of each diagnostic is tests/snapshots/errors/<name>.txt.
CASES = [
    Case("wrong_type", '"fast, small"', r"project\.keywords"),
    Case("bad_name", '"bad name!"', r"project\.name"),
    Case("bad_version", '"1.0.x"', r"project\.version"),
    Case("bad_requirement", '"requests >= 2.0,, < 3"', r"project\.dependencies(\[1\])?"),
    Case("bad_spdx", '"MIT OR Bogus-License-9.9"', r"project\.license"),
    Case("missing_readme", '"READ_ME.md"', r"project\.readme"),
    # Linux: the other spelling is named; macOS and Windows open it, and the build is refused
    # there too (with the on-disk spelling), so a project builds the same everywhere.
    Case("readme_case", '"readme.md"', r"project\.readme"),
    Case("missing_license_file", '"COPYING*"', r"project\.license-files(\[1\])?"),
    Case("unknown_key", "modul", r"tool\.cartwheel(\.modul)?"),
    Case("module_not_found", '"nothere"', r"tool\.cartwheel\.module"),
    Case("symlink_escape", None, None),
    # PEP 794: a listed name must be importable from the wheel; no name in both lists.
    Case("import_name_not_in_wheel", '"broken_import_name_not_in_whee"', r"project\.import-names"),
    Case(
        "import_names_ambiguous",
        'import-namespaces = ["broken_import_names_ambiguous"]',
        r"project\.import-namespaces",
    ),
]
IDS = [c.name for c in CASES]

HEAD = re.compile(
    r"^error: (?P<path>(?:.*/)?pyproject\.toml):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*?)"
    r"(?: \(key `(?P<key>[^`]+)`\))?$",
    re.MULTILINE,
)


def _prepare(case: Case, tmp_path: Path) -> Path:
    tree = copy_tree(BROKEN / case.name, tmp_path / "proj")
    if case.name == "symlink_escape":
        outside = tmp_path / "outside-secret.txt"
        outside.write_text("must never be packed\n")
        (tree / "broken_symlink_escape" / "leak.txt").symlink_to(outside)
    return tree


def _line_col(text: str, needle: str) -> tuple[int, int, int]:
    """1-based line, first and last column of the needle's only occurrence at a line start or value."""
    idx = text.find(needle)
    assert idx >= 0 and text.find(needle, idx + 1) < 0, f"needle {needle!r} must occur once"
    line = text.count("\n", 0, idx) + 1
    col = idx - (text.rfind("\n", 0, idx) + 1) + 1
    return line, col, col + len(needle) - 1


def check_diagnostic(case: Case, rendered: str, tree: Path, expected: str) -> None:
    """The rendered diagnostic is `expected` exactly (the temporary folder written `<tmp>`), and
    its position, key, source line and caret agree with where the case's needle is."""
    assert rendered.replace(str(tree.parent), "<tmp>") == expected
    if case.needle is None:
        return
    m = HEAD.search(rendered)
    assert m, f"no `error: pyproject.toml:LINE:COL: message` line in:\n{rendered}"
    text = (tree / "pyproject.toml").read_text()
    line, first_col, last_col = _line_col(text, case.needle)
    assert int(m["line"]) == line, f"line {m['line']} != {line}:\n{rendered}"
    assert first_col <= int(m["col"]) <= last_col, f"column {m['col']} not within {first_col}..{last_col}:\n{rendered}"
    assert m["key"] is not None and re.fullmatch(case.key, m["key"]), f"key {m['key']!r} !~ {case.key}"
    # The offending line, then a caret under the reported column.
    src_line = text.splitlines()[line - 1]
    lines = rendered.splitlines()
    at = next((i for i, ln in enumerate(lines) if ln.endswith(src_line) and ln.lstrip().startswith(f"{line} |")), None)
    assert at is not None, f"the source line {src_line!r} is not shown:\n{rendered}"
    caret_line = lines[at + 1]
    bar = lines[at].index("|")
    assert caret_line[bar] == "|", rendered
    carets = caret_line[bar + 2 :]
    assert carets.lstrip(" ").startswith("^"), rendered
    assert len(carets) - len(carets.lstrip(" ")) == int(m["col"]) - 1, f"caret not under column {m['col']}:\n{rendered}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli_error(case, cw_venv, tmp_path):
    tree = _prepare(case, tmp_path)
    before = snapshot(tree)
    out = tmp_path / "out"
    out.mkdir()
    proc = cli_build(cw_venv, tree, out, check=False)
    assert proc.returncode == 1, f"exit status {proc.returncode}\n{proc.stderr}"
    assert list(out.iterdir()) == [], "a failed build left files in the output dir"
    assert snapshot(tree) == before
    check_diagnostic(case, proc.stderr, tree, snapshot_text(case.name, proc.stderr, tmp_path))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli_error_without_output_dir(case, cw_venv, tmp_path):
    """With -o naming a folder that does not exist yet, a failed build creates no file in it."""
    tree = _prepare(case, tmp_path)
    out = tmp_path / "not-yet"
    proc = cli_build(cw_venv, tree, out, "--wheel", check=False)
    assert proc.returncode == 1
    assert not out.exists() or list(out.iterdir()) == []


HOOK = r"""
import json, os, sys
import cartwheel
os.chdir(sys.argv[1])
try:
    result = getattr(cartwheel, sys.argv[2])(sys.argv[3])
except cartwheel.CartwheelError as exc:
    print(json.dumps({"error": str(exc), "type": type(exc).__name__}))
else:
    print(json.dumps({"ok": result}))
"""


@pytest.mark.parametrize("hook", ["build_wheel", "build_sdist"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hook_raises_cartwheel_error(case, hook, cw_venv, tmp_path):
    tree = _prepare(case, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    proc = run([cw_venv.python, "-c", HOOK, tree, hook, out])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "error" in result, f"{hook} succeeded on a broken project: {result}"
    assert result["type"] == "CartwheelError"
    assert list(out.iterdir()) == []
    # The hook runs in the project's folder: its pyproject.toml is named relative to it.
    expected = snapshot_text(case.name).replace("error: <tmp>/proj/pyproject.toml:", "error: pyproject.toml:")
    check_diagnostic(case, result["error"] + "\n", tree, expected)


def test_cartwheel_error_is_an_exception(cw_venv):
    out = run([cw_venv.python, "-c", "import cartwheel; print(issubclass(cartwheel.CartwheelError, Exception))"])
    assert out.stdout.strip() == "True"


def test_exception_is_named_and_picklable_as_cartwheel_error(cw_venv, tmp_path):
    """Tracebacks say `cartwheel.CartwheelError`, and the exception survives pickling
    (frontends that run hooks in a subprocess may ship it back)."""
    code = (
        "import pickle, cartwheel; e = cartwheel.CartwheelError('boom'); "
        "print(type(e).__module__, type(e).__qualname__, type(pickle.loads(pickle.dumps(e))).__name__)"
    )
    out = run([cw_venv.python, "-c", code], cwd=tmp_path).stdout.split()
    assert out == ["cartwheel", "CartwheelError", "CartwheelError"]


def test_hostile_marker_nesting_is_an_error_not_a_crash(cw_venv, tmp_path):
    """A marker nested thousands deep once overflowed the stack inside pep508_rs: a segfault
    that took the frontend down with it. It must be one located error, exit status 1."""
    tree = tmp_path / "deep"
    (tree / "deep").mkdir(parents=True)
    (tree / "deep" / "__init__.py").write_text("")
    marker = "(" * 5000 + "python_version > '3'" + ")" * 5000
    (tree / "pyproject.toml").write_text(
        f'[project]\nname = "deep"\nversion = "1.0"\ndependencies = ["a ; {marker}"]\n'
    )
    out = tmp_path / "out"
    res = cli_build(cw_venv, tree, out, check=False)
    assert res.returncode == 1, (res.returncode, res.stderr[-500:])
    # The snippet of the huge line is windowed.
    assert res.stderr.replace(str(tmp_path), "<tmp>") == snapshot_text("hostile_marker_nesting", res.stderr, tmp_path)
    assert not out.exists() or list(out.iterdir()) == []


def test_secret_only_in_the_sdist_blocks_the_sdist_not_the_wheel(cw_venv, tmp_path):
    """Flask ships `tests/test_apps/.env`: `pip install .` builds only a wheel, which would
    never carry it, so only the sdist is refused (with the file named)."""
    tree = tmp_path / "proj"
    (tree / "proj").mkdir(parents=True)
    (tree / "proj" / "__init__.py").write_text("")
    (tree / "tests").mkdir()
    (tree / "tests" / ".env").write_text("FOO=bar\n")
    (tree / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "1.0"\n')
    ok = cli_build(cw_venv, tree, tmp_path / "w", "--wheel")
    assert ok.returncode == 0 and len(list((tmp_path / "w").glob("*.whl"))) == 1
    res = cli_build(cw_venv, tree, tmp_path / "s", "--sdist", check=False)
    assert res.returncode == 1
    assert res.stderr == (
        "error: tests/.env: refusing to package `tests/.env`: it looks like a secret (a private key, credentials, "
        ".env)\n  = help: add it to `exclude` in `[tool.cartwheel]`, or list it explicitly in `include` if it is "
        "meant to ship (a test fixture)\n"
    )
    assert not (tmp_path / "s").exists() or list((tmp_path / "s").iterdir()) == []
    # Both at once: all or nothing.
    res = cli_build(cw_venv, tree, tmp_path / "both", check=False)
    assert res.returncode == 1
    assert not (tmp_path / "both").exists() or list((tmp_path / "both").iterdir()) == []


SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "errors"


def snapshot_text(name: str, text: str | None = None, tmp_path: Path | None = None) -> str:
    """tests/snapshots/errors/<name>.txt. Given the `text` a run printed, with
    `CARTWHEEL_UPDATE_SNAPSHOTS=1`, first rewrites the file with it (`tmp_path` written `<tmp>`)."""
    expected = SNAPSHOTS / f"{name}.txt"
    if text is not None and os.environ.get("CARTWHEEL_UPDATE_SNAPSHOTS") == "1":
        assert tmp_path is not None
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(text.replace(str(tmp_path), "<tmp>"))
    return expected.read_text()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli_error_text_is_exact(case, cw_venv, tmp_path):
    """The whole of what the user reads (message, position, source line, caret, key, help) is
    the contract: compared with tests/snapshots/errors/<case>.txt, the temporary folder written
    `<tmp>`. `CARTWHEEL_UPDATE_SNAPSHOTS=1` rewrites the files (review the diff)."""
    tree = _prepare(case, tmp_path)
    proc = cli_build(cw_venv, tree, tmp_path / "out", check=False)
    assert proc.stderr.replace(str(tmp_path), "<tmp>") == snapshot_text(case.name, proc.stderr, tmp_path)
