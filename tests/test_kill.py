"""Killed and concurrent builds: a SIGKILL at any moment never leaves a file under an
artifact's name that is not a complete archive, the next build removes the dead build's
temporary files, builds racing into one folder all succeed, and `cartwheel build` publishes
its two artifacts all or nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from _hostile import large_tree, project, verify_artifacts
from _support import clean_env, run

WHEEL = "hostile-1.0-py3-none-any.whl"
SDIST = "hostile-1.0.tar.gz"
# The check's warnings on an artifact of the `hostile` project, which has no description.
NO_DESCRIPTION = (
    "warning: {0}: [T004] Description-Content-Type: `long_description_content_type` missing. defaulting to "
    "`text/x-rst`.\nwarning: {0}: [T005] Description: `long_description` missing."
)

HOOK = "import os, sys, cartwheel; os.chdir(sys.argv[1]); cartwheel.build_wheel(sys.argv[2])"


def commands(python: Path, tree: Path, out: Path) -> dict[str, list[str]]:
    return {
        "cli": [str(python), "-m", "cartwheel", "build", str(tree), "-o", str(out)],
        "hook": [str(python), "-c", HOOK, str(tree), str(out)],
    }


def timed(cmd: list[str]) -> float:
    start = time.monotonic()
    run(cmd)
    return time.monotonic() - start


def test_sigkill_at_any_point_leaves_only_complete_artifacts(cw_venv, tmp_path):
    tree = large_tree(tmp_path / "proj")
    out = tmp_path / "dist"
    cmds = commands(cw_venv.python, tree, out)
    took = {kind: timed(cmd) for kind, cmd in cmds.items()}
    for p in out.iterdir():
        p.unlink()
    rng = random.Random(6)
    killed = mid_write = 0
    for i in range(20):
        kind = "cli" if i % 2 == 0 else "hook"
        proc = subprocess.Popen(cmds[kind], env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, took[kind]))
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        assert set(verify_artifacts(out)) <= {WHEEL, SDIST}, i
        mid_write += any(p.name.endswith(".part") for p in out.iterdir())
    # Most kills land during the build, not after it ended, and some while writing.
    assert killed >= 12, killed
    assert mid_write >= 3, mid_write
    # The next build removes the temporary files of the killed ones, once they are old enough
    # not to be a live build's elsewhere (another container or machine sharing the folder).
    fresh = run(cmds["cli"])
    assert fresh.returncode == 0
    assert any(p.name.endswith(".part") for p in out.iterdir()), "recent ones are kept"
    hour_ago = time.time() - 3600
    for p in out.iterdir():
        os.utime(p, (hour_ago, hour_ago))
    run(cmds["cli"])
    assert sorted(p.name for p in out.iterdir()) == [WHEEL, SDIST]
    verify_artifacts(out)


@pytest.mark.parametrize("n", [2, 4])
def test_builds_racing_into_one_folder_all_succeed(n, cw_venv, tmp_path):
    tree = large_tree(tmp_path / "proj", small=600, big=4)
    out = tmp_path / "dist"
    cmds = commands(cw_venv.python, tree, out)
    kinds = ["cli", "hook"] * (n // 2)
    procs = [
        subprocess.Popen(cmds[k], env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for k in kinds
    ]
    for p in procs:
        _, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr
    assert sorted(verify_artifacts(out)) == [WHEEL, SDIST]
    assert sorted(p.name for p in out.iterdir()) == [WHEEL, SDIST], "no temporary file is left"


def test_cartwheel_build_publishes_both_artifacts_or_neither(cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    out = tmp_path / "dist"
    cli = commands(cw_venv.python, tree, out)["cli"]
    run(cli)
    old_sdist = (out / SDIST).read_bytes()
    (tree / "hostile" / "new.py").write_text("NEW = 1\n")
    # The wheel's name is taken by a folder: its rename fails after the sdist's succeeded.
    (out / WHEEL).unlink()
    (out / WHEEL).mkdir()
    (out / WHEEL / "keep").write_text("x")
    proc = run(cli, check=False)
    assert proc.returncode == 1
    assert proc.stderr.replace(str(tmp_path), "<tmp>") == (
        "".join(f"{NO_DESCRIPTION.format(name)}\n" for name in (SDIST, WHEEL))
        + f"error: cannot move the artifact to `<tmp>/dist/{WHEEL}`: Is a directory (os error 21)\n"
    )
    assert (out / SDIST).read_bytes() == old_sdist, "the previous sdist is put back"
    assert sorted(p.name for p in out.iterdir()) == [WHEEL, SDIST]
    (out / WHEEL / "keep").unlink()
    (out / WHEEL).rmdir()
    run(cli)
    assert (out / SDIST).read_bytes() != old_sdist
    assert sorted(verify_artifacts(out)) == [WHEEL, SDIST]


def test_prepared_metadata_folder_appears_whole(cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    meta = tmp_path / "meta"
    code = (
        "import os, sys, cartwheel; os.chdir(sys.argv[1]); "
        "print(cartwheel.prepare_metadata_for_build_wheel(sys.argv[2]))"
    )
    for _ in range(2):
        name = run([cw_venv.python, "-c", code, tree, meta]).stdout.strip().splitlines()[-1]
        assert name == "hostile-1.0.dist-info"
        assert sorted(p.name for p in meta.iterdir()) == [name]
        assert sorted(p.name for p in (meta / name).iterdir()) == ["METADATA", "WHEEL"]
