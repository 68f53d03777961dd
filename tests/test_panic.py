"""A panic inside cartwheel is a bug report, never a bare crash: the process running the hook
or the CLI prints the "internal error ... this is a bug" report, removes what it was writing (no
artifact or temporary file is left in the output folder) and exits 2. Extensions are built with
`panic = "abort"` (src/panic.rs), so nothing unwinds back into Python. Panics are injected
through the test-only CARTWHEEL_TEST_PANIC variable at a point it names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from _support import run

BUG = "this is a bug in cartwheel, please report it with the project that triggered it"
INTERNAL_ERROR = 2
# How the lines that `python -m build` prints itself start.
BUILD_PREFIXES = ("* ", "TIP ", "ERROR ")

# Calls the named hooks in order, printing one JSON line per hook that returns.
HOOKS = r"""
import json, os, sys
import cartwheel
os.chdir(sys.argv[1])
out = sys.argv[2]
every = {
    "get_requires_for_build_wheel": lambda: cartwheel.get_requires_for_build_wheel({}),
    "get_requires_for_build_sdist": lambda: cartwheel.get_requires_for_build_sdist(),
    "get_requires_for_build_editable": lambda: cartwheel.get_requires_for_build_editable(None),
    "prepare_metadata_for_build_wheel": lambda: cartwheel.prepare_metadata_for_build_wheel(out),
    "prepare_metadata_for_build_editable": lambda: cartwheel.prepare_metadata_for_build_editable(out),
    "build_wheel": lambda: cartwheel.build_wheel(out, {"check": "warn"}),
    "build_sdist": lambda: cartwheel.build_sdist(out),
    "build_editable": lambda: cartwheel.build_editable(out),
}
for name in sys.argv[3].split(","):
    try:
        res = ["returned", repr(every[name]())]
    except BaseException as e:
        res = [type(e).__name__, str(e)]
    print(json.dumps({name: res}), flush=True)
"""

EVERY = [
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
    "get_requires_for_build_editable",
    "prepare_metadata_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "build_wheel",
    "build_sdist",
    "build_editable",
]

PREPARING = [
    "prepare_metadata_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "build_wheel",
    "build_sdist",
    "build_editable",
]


def project(root: Path) -> Path:
    """A small project with over 1 MiB of files, so members are read on rayon's workers."""
    (root / "panicky").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["cartwheel"]\nbuild-backend = "cartwheel"\n\n'
        '[project]\nname = "panicky"\nversion = "1.0"\n'
    )
    (root / "panicky" / "__init__.py").write_text("")
    for i in range(4):
        (root / "panicky" / f"blob{i}.bin").write_bytes(bytes(range(256)) * 2048)
    return root


def hooks(cw_venv, tree: Path, out: Path, point: str, *names: str):
    """Run `names` in one process; returns the process and what each hook that returned gave."""
    out.mkdir(parents=True, exist_ok=True)
    proc = run(
        [cw_venv.python, "-c", HOOKS, tree, out, ",".join(names)],
        env={"CARTWHEEL_TEST_PANIC": point},
        check=False,
    )
    res = {}
    for line in proc.stdout.splitlines():
        res.update(json.loads(line))
    return proc, res


def report(point: str, worker: bool) -> str:
    """The whole bug report, the panic's line and column in fault.rs written `<line>:<col>`."""
    return (
        f"error: internal error: injected panic at `{point}` (CARTWHEEL_TEST_PANIC; on a rayon worker: "
        f"{str(worker).lower()}) (at crates/cartwheel-core/src/fault.rs:<line>:<col>)\n{BUG}\n"
    )


def normalised(stderr: str) -> str:
    return re.sub(r"(?<=/fault\.rs):\d+:\d+\)", ":<line>:<col>)", stderr)


def assert_reported(proc, point: str, worker: bool) -> None:
    """The process ended with the bug report alone (so no traceback, no Rust panic text): exit 2."""
    assert proc.returncode == INTERNAL_ERROR, (proc.returncode, proc.stderr)
    assert normalised(proc.stderr) == report(point, worker)


@pytest.mark.parametrize("point", ["prepare", "requires"])
@pytest.mark.parametrize("hook", EVERY)
def test_a_panic_in_any_hook_ends_its_process_with_the_bug_report(point, hook, cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    out = tmp_path / "out"
    proc, res = hooks(cw_venv, tree, out, point, hook)
    panics = hook in PREPARING if point == "prepare" else hook.startswith("get_requires")
    if panics:
        assert res == {}, res
        assert_reported(proc, point, worker=False)
    else:
        assert proc.returncode == 0, proc.stderr
        assert res[hook][0] == "returned", res
    if point == "prepare":
        assert list(out.iterdir()) == []


@pytest.mark.parametrize("hook", ["build_wheel", "build_sdist"])
def test_a_panic_on_a_worker_thread_removes_the_part_file(hook, cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    out = tmp_path / "out"
    proc, res = hooks(cw_venv, tree, out, "worker", hook)
    assert res == {}, res
    assert_reported(proc, "worker", worker=True)
    # The worker panicked while the artifact's `.part` file was being written.
    assert list(out.iterdir()) == []


def test_python_m_build_reports_the_panic(cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    out = tmp_path / "dist"
    proc = run(
        [cw_venv.python, "-m", "build", "--no-isolation", "--sdist", "-o", out, tree],
        env={"CARTWHEEL_TEST_PANIC": "worker"},
        check=False,
    )
    assert proc.returncode != 0
    # build's own lines (`* Building sdist...`, `ERROR ...`) are its text, not cartwheel's: left
    # out; what the backend printed is the bug report alone (not the default panic hook's too).
    ours = [ln for ln in normalised(proc.stderr).splitlines(keepends=True) if not ln.startswith(BUILD_PREFIXES)]
    assert "".join(ours) == report("worker", worker=True)
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(("point", "worker"), [("cli", False), ("prepare", False), ("worker", True)])
def test_the_cli_exits_2_with_the_bug_report(point, worker, cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    out = tmp_path / "dist"
    env = {"CARTWHEEL_TEST_PANIC": point}
    proc = run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out], env=env, check=False)
    assert_reported(proc, point, worker)
    assert not out.exists() or list(out.iterdir()) == []
