"""Hostile source trees: each hazard in a file that would be packaged gives one clear error (or
warning) naming the path, and no artifact; the same file excluded is never an error."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from _hostile import PYPROJECT, project, verify_artifacts
from _support import make_venv, run

HELP = "  = help: rename it, or add it to `exclude` in `[tool.cartwheel]`"
# What a build of a project without a README says after the project's own warnings.
NO_README_BUILT = (
    "warning: hostile-1.0.tar.gz: [T004] Description-Content-Type: `long_description_content_type` missing. "
    "defaulting to `text/x-rst`.\n"
    "warning: hostile-1.0.tar.gz: [T005] Description: `long_description` missing.\n"
    "warning: hostile-1.0-py3-none-any.whl: [T004] Description-Content-Type: `long_description_content_type` "
    "missing. defaulting to `text/x-rst`.\n"
    "warning: hostile-1.0-py3-none-any.whl: [T005] Description: `long_description` missing.\n"
    "Built <tmp>/dist/hostile-1.0.tar.gz (<size>, 4 files)\n"
    "Built <tmp>/dist/hostile-1.0-py3-none-any.whl (<size>, 5 files)\n"
)


def tidy(text: str, tmp: Path) -> str:
    """`text` with `tmp` written `<tmp>` and artifact sizes written `<size>`."""
    return re.sub(r"\(\d+(?:\.\d)? (?:B|KiB|MiB|GiB), ", "(<size>, ", text.replace(str(tmp), "<tmp>"))


def build(cw_venv, tree: Path, out: Path, check: bool = True):
    return run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out], check=check)


def errors_of(cw_venv, tree: Path, out: Path) -> str:
    """The whole stderr of a build that fails, the folder holding `tree` written `<tmp>`."""
    proc = build(cw_venv, tree, out, check=False)
    assert proc.returncode == 1, proc.stderr
    assert not out.exists() or list(out.iterdir()) == [], "no artifact, no temporary file"
    return tidy(proc.stderr, tree.parent)


CASES = {
    "backslash": (
        "a\\b.py",
        (
            "error: `hostile/a\\b.py`: the name holds a backslash, which zip and tar readers on Windows "
            "take for a folder separator"
        ),
    ),
    "control": (
        "line\nbreak.txt",
        (
            "error: `hostile/line\nbreak.txt`: the name holds the control character U+000A, which archives "
            "and RECORD cannot carry portably"
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_names_no_archive_carries_portably_are_errors(case, cw_venv, tmp_path):
    name, message = CASES[case]
    tree = project(tmp_path / "proj", files={name: b"x = 1\n"})
    assert errors_of(cw_venv, tree, tmp_path / "dist") == f"{message}\n{HELP}\n"


def test_names_differing_only_by_case_are_an_error(cw_venv, tmp_path):
    tree = project(tmp_path / "proj", files={"Data.txt": b"A", "data.txt": b"a"})
    assert errors_of(cw_venv, tree, tmp_path / "dist") == (
        "error: `hostile/Data.txt` and `hostile/data.txt` differ only by case: installed on macOS or "
        "Windows, one overwrites the other\n"
        "  = help: rename one of them, or add it to `exclude` in `[tool.cartwheel]`\n"
    )


WINDOWS = {
    "aux.py": "`aux` is a device name Windows reserves, with any extension",
    "Com1.txt": "`Com1` is a device name Windows reserves, with any extension",
    "what?.txt": "the name holds `?`, which Windows forbids in file names",
    "dot.": "the name ends with a dot or a space, which Windows drops",
}


@pytest.mark.parametrize("name", sorted(WINDOWS))
def test_windows_hostile_names_warn_unless_the_project_claims_windows(name, cw_venv, tmp_path):
    why = WINDOWS[name]
    line = f"`hostile/{name}`: {why}: the artifacts cannot be installed or unpacked on Windows"
    tree = project(tmp_path / "proj", files={name: b"x = 1\n"})
    proc = build(cw_venv, tree, tmp_path / "dist")
    # Once, though the file is in both artifacts.
    assert tidy(proc.stderr, tmp_path) == f"warning: {line}\n{HELP}\n" + NO_README_BUILT
    assert sorted(verify_artifacts(tmp_path / "dist")) == ["hostile-1.0-py3-none-any.whl", "hostile-1.0.tar.gz"]

    claims = project(tmp_path / "claims", files={name: b"x = 1\n"})
    (claims / "pyproject.toml").write_text(
        PYPROJECT.format(name="hostile") + 'classifiers = ["Operating System :: OS Independent"]\n'
    )
    assert errors_of(cw_venv, claims, tmp_path / "dist2") == (
        f"error: {line}\n{HELP} (an error because the classifiers say the project runs on Windows)\n"
    )


def test_excluded_hazards_are_never_errors(cw_venv, tmp_path):
    tree = project(tmp_path / "proj", files={"aux.py": b"", "Data.txt": b"A", "data.txt": b"a", "a\\b.py": b""})
    os.symlink("/etc/hostname", tree / "hostile" / "outside.txt")
    os.symlink("loop", tree / "hostile" / "loop")
    (tree / "hostile" / os.fsdecode(b"bad\xff.py")).write_text("")
    (tree / "pyproject.toml").write_text(
        PYPROJECT.format(name="hostile")
        + "\n[tool.cartwheel]\nexclude = ['hostile/aux.py', 'hostile/Data.txt', 'hostile/a?b.py', "
        "'hostile/outside.txt', 'hostile/loop', 'hostile/bad*.py']\n"
    )
    proc = build(cw_venv, tree, tmp_path / "dist")
    # The globs that keep the link out, the loop and the name that is not UTF-8 are not stale.
    assert tidy(proc.stderr, tmp_path) == NO_README_BUILT
    assert sorted(verify_artifacts(tmp_path / "dist")) == ["hostile-1.0-py3-none-any.whl", "hostile-1.0.tar.gz"]


def test_a_symlink_out_of_the_project_is_refused(cw_venv, tmp_path):
    (tmp_path / "secret.txt").write_text("not yours")
    tree = project(tmp_path / "proj")
    os.symlink(tmp_path / "secret.txt", tree / "hostile" / "link.txt")
    assert errors_of(cw_venv, tree, tmp_path / "dist") == (
        "error: symlink `hostile/link.txt` points outside the project, to `<tmp>/secret.txt`\n"
        "  = help: copy the file into the project, or add the link to `exclude` in `[tool.cartwheel]`\n"
    )


def test_a_symlink_loop_is_refused(cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    os.symlink("b", tree / "hostile" / "a")
    os.symlink("a", tree / "hostile" / "b")
    assert errors_of(cw_venv, tree, tmp_path / "dist") == (
        "error: symlink loop: `hostile/a` -> `b` never reaches a file\n"
    )


def test_a_file_name_that_is_not_utf8_is_refused(cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    (tree / "hostile" / os.fsdecode(b"bad\xff.py")).write_text("")
    assert errors_of(cw_venv, tree, tmp_path / "dist") == (
        "error: hostile/bad\ufffd.py: file name is not valid UTF-8: `hostile/bad\ufffd.py`\n"
        "  = help: rename the file (wheels and sdists store UTF-8 names), or add it to `exclude` in `[tool.cartwheel]`\n"
    )


NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture(scope="module")
def open_venv(cartwheel_wheel):
    """cartwheel in a venv any user can run (root reads every file: the unreadable-file tests
    run as `nobody` then)."""
    base = Path(tempfile.mkdtemp(prefix="cw-hostile-"))
    base.chmod(0o755)
    venv = make_venv(base / "venv")
    venv.pip("install", "--no-index", "--no-deps", cartwheel_wheel)
    yield base, venv
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(sys.platform != "linux", reason="file modes and setpriv")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_an_unreadable_file_or_folder_is_refused(what, open_venv):
    base, venv = open_venv
    root = Path(tempfile.mkdtemp(dir=base))
    root.chmod(0o777)
    tree = project(root / "proj", files={"sub/locked.py": b""})
    locked = tree / "hostile" / "sub" / ("locked.py" if what == "file" else "")
    prefix = NOBODY if os.geteuid() == 0 else []
    if prefix and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: every file is readable")
    locked.chmod(0)
    try:
        proc = run([*prefix, venv.python, "-m", "cartwheel", "build", tree, "-o", root / "dist"], check=False)
    finally:
        locked.chmod(0o755)
    assert proc.returncode == 1, proc.stderr
    expected = {
        "file": "error: failed to open file `<tmp>/proj/hostile/sub/locked.py`: Permission denied (os error 13)\n",
        "folder": "error: cannot list the project files: <tmp>/proj/hostile/sub: Permission denied (os error 13)\n",
    }[what]
    assert tidy(proc.stderr, root) == expected
    assert not (root / "dist").exists() or list((root / "dist").iterdir()) == []
