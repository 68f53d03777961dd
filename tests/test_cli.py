"""`cartwheel build` end to end, and the PEP 517 / 660 hooks called directly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from _support import ROOT, Sdist, Wheel, only_file, run, snapshot
from conftest import cli_build


def tidy(text: str, tmp: Path) -> str:
    """`text` with `tmp` written `<tmp>` and artifact sizes (they move with the compressor and
    with cartwheel's version in WHEEL) written `<size>`."""
    return re.sub(r"\(\d+(?:\.\d)? (?:B|KiB|MiB|GiB), ", "(<size>, ", text.replace(str(tmp), "<tmp>"))


def stamped(module: str, version: str) -> str:
    """The warning for a fixture whose `__version__ = "0.0.0"` (line 3) is stamped on build."""
    return (
        f'warning: {module}:3:16: `__version__ = "0.0.0"` is stamped as "{version}" in the artifacts '
        "(the source tree is left as it is)\n"
        "  |\n"
        '3 | __version__ = "0.0.0"\n'
        "  |                ^^^^^\n"
        "  = help: `cartwheel bump` keeps the source in step; `[tool.cartwheel.version] stamp = []` turns stamping "
        "off\n"
    )


def test_build_both_with_summary(cw_venv, fx_copy, tmp_path):
    tree = fx_copy("scripts")
    before = snapshot(tree)
    out = tmp_path / "dist"
    proc = cli_build(cw_venv, tree, out)
    assert proc.returncode == 0
    assert snapshot(tree) == before
    wheel = only_file(out, "*.whl")
    sdist = only_file(out, "*.tar.gz")
    assert sorted(p.name for p in out.iterdir()) == sorted([wheel.name, sdist.name])
    assert (wheel.name, sdist.name) == ("scripts_demo-0.5.0-py3-none-any.whl", "scripts_demo-0.5.0.tar.gz")
    assert tidy(proc.stderr, tmp_path) == (
        stamped("<tmp>/proj/scripts_demo/__init__.py", "0.5.0")
        + "Built <tmp>/dist/scripts_demo-0.5.0.tar.gz (<size>, 7 files)\n"
        + "Built <tmp>/dist/scripts_demo-0.5.0-py3-none-any.whl (<size>, 8 files)\n"
    )
    # The counts in the summary are the archives' own.
    with zipfile.ZipFile(wheel) as zf:
        assert len(zf.namelist()) == 8
    with tarfile.open(sdist) as tf:
        assert sum(1 for m in tf.getmembers() if m.isfile()) == 7
    assert proc.stdout == ""  # stdout is not for chatter


def test_wheel_only_and_sdist_only(cw_venv, fx_copy, tmp_path):
    tree = fx_copy("flat_layout")
    warning = stamped("<tmp>/proj/flat_layout/__init__.py", "0.3.0")
    sdist_line = "Built <tmp>/{}/flat_layout-0.3.0.tar.gz (<size>, 8 files)\n"
    wheel_line = "Built <tmp>/{}/flat_layout-0.3.0-py3-none-any.whl (<size>, 5 files)\n"
    proc = cli_build(cw_venv, tree, tmp_path / "w", "--wheel")
    assert [p.name for p in (tmp_path / "w").iterdir()] == ["flat_layout-0.3.0-py3-none-any.whl"]
    assert tidy(proc.stderr, tmp_path) == warning + wheel_line.format("w")
    proc = cli_build(cw_venv, tree, tmp_path / "s", "--sdist")
    assert [p.name for p in (tmp_path / "s").iterdir()] == ["flat_layout-0.3.0.tar.gz"]
    assert tidy(proc.stderr, tmp_path) == warning + sdist_line.format("s")
    proc = cli_build(cw_venv, tree, tmp_path / "both", "--wheel", "--sdist")
    assert len(list((tmp_path / "both").iterdir())) == 2
    assert tidy(proc.stderr, tmp_path) == warning + sdist_line.format("both") + wheel_line.format("both")


def test_console_script_and_default_paths(cw_venv, fx_copy):
    """The `cartwheel` console script, no PATH argument and no -o: the current dir and ./dist."""
    tree = fx_copy("single_module")
    proc = run([cw_venv.script("cartwheel"), "build"], cwd=tree)
    assert sorted(p.name for p in (tree / "dist").iterdir()) == [
        "single_module-2.0.0-py3-none-any.whl",
        "single_module-2.0.0.tar.gz",
    ]
    built = (
        "Built {0}/single_module-2.0.0.tar.gz (<size>, 4 files)\n"
        "Built {0}/single_module-2.0.0-py3-none-any.whl (<size>, 4 files)\n"
    )
    assert tidy(proc.stderr, tree) == stamped("single_module.py", "2.0.0") + built.format("./dist")
    # A dist/ folder left in the project is never packed into the next sdist.
    proc = run([cw_venv.script("cartwheel"), "build", ".", "-o", "dist"], cwd=tree)
    assert tidy(proc.stderr, tree) == stamped("single_module.py", "2.0.0") + built.format("dist")
    assert not any("/dist/" in n for n in Sdist(only_file(tree / "dist", "*.tar.gz")).data)


def test_symlink_inside_project_is_followed(cw_venv, fx_copy, tmp_path):
    tree = fx_copy("flat_layout")
    (tree / "flat_layout" / "alias.py").symlink_to("core.py")
    cli_build(cw_venv, tree, tmp_path / "out", "--wheel")
    wheel = Wheel(only_file(tmp_path / "out", "*.whl"))
    assert wheel.read("flat_layout/alias.py") == (tree / "flat_layout" / "core.py").read_bytes()


def test_git_tree_packs_only_tracked_files(cw_venv, fx_copy, tmp_path):
    """In a git work tree the candidates are the tracked files: untracked secrets never leak."""
    tree = fx_copy("md_readme")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]
    run([*git, "init", "-q"], cwd=tree)
    run([*git, "add", "-A"], cwd=tree)
    run([*git, "commit", "-q", "-m", "init"], cwd=tree)
    (tree / ".env").write_text("API_KEY=do-not-ship\n")
    (tree / "md_readme" / "untracked.py").write_text("X = 1\n")
    cli_build(cw_venv, tree, tmp_path / "out")
    sd = Sdist(only_file(tmp_path / "out", "*.tar.gz"))
    assert ".env" not in sd.files() and "md_readme/untracked.py" not in sd.files()
    assert {"pyproject.toml", "README.md", "md_readme/__init__.py", "PKG-INFO"} <= sd.files()
    assert not any(f.startswith(".git/") for f in sd.files())
    wheel = Wheel(only_file(tmp_path / "out", "*.whl"))
    assert "md_readme/untracked.py" not in wheel.names


HOOKS = r"""
import json, os, sys
import cartwheel
os.chdir(sys.argv[1])
out, meta = sys.argv[2], sys.argv[3]
res = {}
for h in ("get_requires_for_build_wheel", "get_requires_for_build_sdist", "get_requires_for_build_editable"):
    res[h] = [getattr(cartwheel, h)(), getattr(cartwheel, h)(config_settings=None), getattr(cartwheel, h)({})]
res["prepare"] = cartwheel.prepare_metadata_for_build_wheel(meta)
res["prepare_editable"] = cartwheel.prepare_metadata_for_build_editable(os.path.join(meta, "e"))
# PEP 517: metadata_directory is the .dist-info folder the prepare hook made.
res["wheel"] = cartwheel.build_wheel(out, {"unknown-setting": "x"}, os.path.join(meta, res["prepare"]))
res["sdist"] = cartwheel.build_sdist(sdist_directory=out, config_settings=None)
res["editable"] = cartwheel.build_editable(os.path.join(out, "e"), None, None)
print(json.dumps(res))
"""


@pytest.mark.parametrize(
    ("name", "stem"), [("src_layout", "src_layout_demo-1.2.0rc1"), ("flat_layout", "flat_layout-0.3.0")]
)
def test_hooks_directly(name, stem, cw_venv, fx_copy, tmp_path):
    tree = fx_copy(name)
    out = tmp_path / "out"
    meta = tmp_path / "meta"
    for d in (out, out / "e", meta, meta / "e"):
        d.mkdir(parents=True, exist_ok=True)
    res = json.loads(run([cw_venv.python, "-c", HOOKS, tree, out, meta]).stdout.strip().splitlines()[-1])
    for h in ("get_requires_for_build_wheel", "get_requires_for_build_sdist", "get_requires_for_build_editable"):
        assert res[h] == [[], [], []], h
    # Hooks return basenames.
    assert {key: res[key] for key in ("prepare", "prepare_editable", "wheel", "sdist", "editable")} == {
        "prepare": f"{stem}.dist-info",
        "prepare_editable": f"{stem}.dist-info",
        "wheel": f"{stem}-py3-none-any.whl",
        "sdist": f"{stem}.tar.gz",
        "editable": f"{stem}-py3-none-any.whl",
    }
    wheel = Wheel(out / res["wheel"])
    assert res["prepare"] == wheel.dist_info
    assert (meta / res["prepare"] / "METADATA").read_bytes() == wheel.meta("METADATA")
    editable = Wheel(out / "e" / res["editable"])
    assert res["prepare_editable"] == editable.dist_info
    assert (meta / "e" / res["prepare_editable"] / "METADATA").read_bytes() == editable.meta("METADATA")
    assert editable.meta("METADATA") == wheel.meta("METADATA")
    assert {"METADATA", "WHEEL", "RECORD"} <= {n.split("/", 1)[1] for n in editable.names if "/" in n}
    pth = [n for n in editable.names if n.endswith(".pth")]
    assert pth, f"no .pth in the editable wheel: {editable.names}"
    assert (out / res["sdist"]).is_file()


def test_example_acme_sdk(cw_venv, fresh_venv, tmp_path):
    """The README's demo: build examples/acme-sdk in place, install it, run its CLI."""
    example = ROOT / "examples" / "acme-sdk"
    before = snapshot(example)
    out = tmp_path / "dist"
    proc = cli_build(cw_venv, example, out)
    assert snapshot(example) == before
    wheel = only_file(out, "*.whl")
    sdist = only_file(out, "*.tar.gz")
    assert (wheel.name, sdist.name) == ("acme_sdk-1.4.0-py3-none-any.whl", "acme_sdk-1.4.0.tar.gz")
    # The demo is the README's first impression: it builds clean, the build-time check included.
    assert tidy(proc.stderr, tmp_path) == (
        "Built <tmp>/dist/acme_sdk-1.4.0.tar.gz (<size>, 9 files)\n"
        "Built <tmp>/dist/acme_sdk-1.4.0-py3-none-any.whl (<size>, 9 files)\n"
    )
    assert {"CHANGELOG.md", "LICENSE", "README.md", "src/acme/cli.py"} <= Sdist(sdist).files()
    run([sys.executable, "-m", "twine", "check", "--strict", wheel, sdist])
    fresh_venv.pip("install", "--no-index", wheel)
    client = fresh_venv.script("acme-client")
    assert run([client, "--version"], cwd=tmp_path).stdout.strip() == "acme-client 1.4.0"
    # argparse's own text, whose layout below the usage line varies with the Python version.
    usage = run([client, "--help"], cwd=tmp_path).stdout.splitlines()[0]
    assert usage == "usage: acme-client [-h] [--version] [--url URL] [ops ...]"
    assert run([client, "put", "widget", "3", "get", "widget"], cwd=tmp_path).stdout.strip() == "3"


def test_gitignore_above_project_does_not_apply(cw_venv, tmp_path):
    """Outside git, only the project's own ignore files count, not one in a parent folder.

    Frontends unpack sdists into cache folders such as uv's, whose `.gitignore` holds `*`:
    honouring it would give a wheel without the package.
    """
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / ".gitignore").write_text("*\n")
    from _support import FIXTURES_BY_DIR, prepare_fixture

    tree = prepare_fixture(FIXTURES_BY_DIR["md_readme"], tmp_path / "cache" / "proj")
    cli_build(cw_venv, tree, tmp_path / "out")
    assert "md_readme/__init__.py" in Wheel(only_file(tmp_path / "out", "*.whl")).names
    assert "md_readme/__init__.py" in Sdist(only_file(tmp_path / "out", "*.tar.gz")).files()


STALE_METADATA = r"""
import os, sys
import cartwheel
os.chdir(sys.argv[1])
out, meta, old, new = sys.argv[2:6]
name = cartwheel.prepare_metadata_for_build_wheel(meta)
text = open("pyproject.toml").read().replace(old, new)
open("pyproject.toml", "w").write(text)
try:
    cartwheel.build_wheel(out, None, os.path.join(meta, name))
except cartwheel.CartwheelError as e:
    print("REFUSED:", e)
else:
    print("BUILT")
"""


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        (
            'version = "0.5.0"',
            'version = "0.6.0"',
            "it is `scripts_demo-0.5.0.dist-info`, the wheel's is `scripts_demo-0.6.0.dist-info`",
        ),
        ('description = "Console', 'description = "Console-only', "its METADATA differs"),
    ],
    ids=["name", "metadata"],
)
def test_build_wheel_refuses_metadata_that_changed_since_prepare(cw_venv, fx_copy, tmp_path, old, new, why):
    """PEP 517: a wheel built with a metadata_directory must carry that metadata."""
    tree = fx_copy("scripts")
    assert old in (tree / "pyproject.toml").read_text()
    out, meta = tmp_path / "out", tmp_path / "meta"
    out.mkdir()
    meta.mkdir()
    res = run([cw_venv.python, "-c", STALE_METADATA, tree, out, meta, old, new]).stdout
    assert res.replace(str(tmp_path), "<tmp>") == (
        "REFUSED: error: the metadata prepared in `<tmp>/meta/scripts_demo-0.5.0.dist-info` is not this build's: "
        f"{why}; the project changed between prepare_metadata_for_build_wheel and build_wheel\n"
    )
    assert list(out.iterdir()) == []


def test_closed_stderr_pipe_does_not_fail_the_build(cw_venv, fx_copy, tmp_path):
    """`cartwheel build 2>&1 | head -1`: a reader that goes away must not turn a good build
    into a failure (Rust's eprintln! panics on EPIPE)."""
    tree = fx_copy("src_layout")  # its stale __version__ makes a multi-line warning
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out], stderr=subprocess.PIPE
    )
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0
    assert len(list(out.glob("*.whl"))) == 1 and len(list(out.glob("*.tar.gz"))) == 1


def _human(n: int) -> str:
    """cartwheel's size format (cli.rs `human_size`)."""
    if n < 1024:
        return f"{n} B"
    size, unit = float(n), "B"
    for unit in ("KiB", "MiB", "GiB"):
        size /= 1024
        if size < 1024:
            break
    return f"{size:.1f} {unit}"


def test_dry_run_lists_what_the_build_writes(cw_venv, fx_copy, tmp_path):
    # The listing is made from the same members as the build: compared line for line with the
    # artifacts a real build writes (names, sizes, modes, order; RECORD included).
    tree = fx_copy("scripts")
    before = snapshot(tree)
    dry = cli_build(cw_venv, tree, tmp_path / "dry", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert not (tmp_path / "dry").exists()
    assert snapshot(tree) == before
    real = cli_build(cw_venv, tree, tmp_path / "real")
    # The same warnings as the real build (a stamp here); the summary instead of `Built` lines.
    warning = stamped("<tmp>/proj/scripts_demo/__init__.py", "0.5.0")
    assert tidy(real.stderr, tmp_path) == (
        warning
        + "Built <tmp>/real/scripts_demo-0.5.0.tar.gz (<size>, 7 files)\n"
        + "Built <tmp>/real/scripts_demo-0.5.0-py3-none-any.whl (<size>, 8 files)\n"
    )
    assert tidy(dry.stderr, tmp_path) == warning + "Dry run: nothing was written (and no archive was checked)\n"
    sdist = only_file(tmp_path / "real", "*.tar.gz")
    wheel = only_file(tmp_path / "real", "*.whl")
    expected = []
    with tarfile.open(sdist) as tf:
        files = [m for m in tf.getmembers() if m.isfile()]
        total = sum(m.size for m in files)
        expected.append(f"{tmp_path / 'dry' / sdist.name} ({len(files)} files, {_human(total)} uncompressed):")
        for m in files:
            expected.append(f"  {_human(m.size):>10} {'x' if m.mode & 0o100 else ' '} {m.name}")
    with zipfile.ZipFile(wheel) as zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        expected.append(f"{tmp_path / 'dry' / wheel.name} ({len(infos)} files, {_human(total)} uncompressed):")
        for i in infos:
            executable = (i.external_attr >> 16) & 0o100
            expected.append(f"  {_human(i.file_size):>10} {'x' if executable else ' '} {i.filename}")
    assert dry.stdout.splitlines() == expected
