"""A panic inside cartwheel is a bug report, never a crash: every hook raises CartwheelError
with the "internal error ... this is a bug" message, the CLI exits 2 with it, and no artifact
(or temporary file) is left in the output folder. Panics are injected through the test-only
CARTWHEEL_TEST_PANIC variable at a point it names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from _support import run

BUG = "this is a bug in cartwheel, please report it with the project that triggered it"

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
calls = {name: every[name] for name in sys.argv[3].split(",")} if sys.argv[3:] else every
res = {}
for name, call in calls.items():
    try:
        res[name] = ["returned", repr(call())]
    except cartwheel.CartwheelError as e:
        res[name] = ["CartwheelError", str(e)]
    except BaseException as e:
        res[name] = [type(e).__name__, str(e)]
print(json.dumps(res))
"""

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


def hooks(cw_venv, tree: Path, out: Path, point: str, *names: str) -> dict[str, list[str]]:
    out.mkdir(parents=True, exist_ok=True)
    proc = run(
        [cw_venv.python, "-c", HOOKS, tree, out, *([",".join(names)] if names else [])],
        env={"CARTWHEEL_TEST_PANIC": point},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def expected(point: str, worker: bool) -> re.Pattern[str]:
    return re.compile(
        rf"internal error: injected panic at `{point}` \(CARTWHEEL_TEST_PANIC; on a rayon worker: "
        rf"{str(worker).lower()}\) \(at crates/cartwheel-core/src/fault\.rs:\d+:\d+\)\n{re.escape(BUG)}\Z"
    )


@pytest.mark.parametrize(("point", "panicking"), [("prepare", PREPARING), ("requires", None)])
def test_a_panic_in_any_hook_raises_the_bug_report(point, panicking, cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    res = hooks(cw_venv, tree, tmp_path / "out", point)
    panicking = panicking or [h for h in res if h.startswith("get_requires")]
    for name in panicking:
        kind, message = res[name]
        assert kind == "CartwheelError", (name, res[name])
        assert expected(point, worker=False).match(message), (name, message)
    for name in set(res) - set(panicking):
        assert res[name][0] == "returned", (name, res[name])
    if point == "prepare":
        assert list((tmp_path / "out").iterdir()) == []


def test_a_panic_on_a_worker_thread_raises_the_bug_report(cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    res = hooks(cw_venv, tree, tmp_path / "out", "worker", "build_wheel", "build_sdist")
    for name in ("build_wheel", "build_sdist"):
        kind, message = res[name]
        assert kind == "CartwheelError", (name, res[name])
        assert expected("worker", worker=True).match(message), (name, message)
    assert list((tmp_path / "out").iterdir()) == []


def test_python_m_build_reports_the_panic(cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    out = tmp_path / "dist"
    proc = run(
        [cw_venv.python, "-m", "build", "--no-isolation", "--sdist", "-o", out, tree],
        env={"CARTWHEEL_TEST_PANIC": "worker"},
        check=False,
    )
    assert proc.returncode != 0
    assert "cartwheel.CartwheelError: internal error: injected panic at `worker`" in proc.stderr
    assert BUG in proc.stderr
    # The default panic hook's report is not printed besides the exception.
    assert "panicked at" not in proc.stderr
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(("point", "worker"), [("cli", False), ("prepare", False), ("worker", True)])
def test_the_cli_exits_2_with_the_bug_report(point, worker, cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    out = tmp_path / "dist"
    env = {"CARTWHEEL_TEST_PANIC": point}
    proc = run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out], env=env, check=False)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[-2].startswith("error: internal error: "), proc.stderr
    assert expected(point, worker).match("\n".join(lines[-2:]).removeprefix("error: ")), proc.stderr
    assert "panicked at" not in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() or list(out.iterdir()) == []
