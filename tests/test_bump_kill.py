"""`cartwheel bump` killed midway: every file is whole, old or new, and the next cartwheel
command on the project finishes the bump (or drops it when no file had changed) and says so,
so the set of files is consistent too."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from _support import ROOT, clean_env, copy_tree, run, snapshot

ACME = ROOT / "examples" / "acme-sdk"
EPOCH = {"SOURCE_DATE_EPOCH": "1795521600"}
EDITED = ["CHANGELOG.md", "pyproject.toml", "src/acme/__init__.py"]
# The order in which `bump` renames its new files into place.
RENAMED_LAST = ["pyproject.toml", "src/acme/__init__.py", "CHANGELOG.md"]


@pytest.fixture(scope="module")
def states(cw_venv, tmp_path_factory) -> tuple[dict, dict]:
    """The tree's snapshot before and after an uninterrupted `bump major`."""
    tree = copy_tree(ACME, tmp_path_factory.mktemp("bumped") / "acme")
    before = snapshot(tree)
    run([cw_venv.python, "-m", "cartwheel", "bump", "major", tree], env=EPOCH)
    after = snapshot(tree)
    assert sorted(k for k in after if after[k] != before[k]) == EDITED
    return before, after


def bump(cw_venv, tree: Path, env: dict[str, str]) -> subprocess.Popen:
    cmd = [str(cw_venv.python), "-m", "cartwheel", "bump", "major", str(tree)]
    return subprocess.Popen(
        cmd, env={**clean_env(), **EPOCH, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def each_file_old_or_new(tree: Path, before: dict, after: dict) -> int:
    """Every edited file is exactly its old or its new self; returns how many are new."""
    now = snapshot(tree)
    for rel in EDITED:
        assert now[rel] in (before[rel], after[rel]), rel
    return sum(now[rel] == after[rel] for rel in EDITED)


@pytest.mark.parametrize("renamed", [0, 1, 2, 3])
def test_a_bump_killed_between_renames_is_finished_by_the_next_command(renamed, cw_venv, states, tmp_path):
    before, after = states
    tree = copy_tree(ACME, tmp_path / "acme")
    proc = bump(cw_venv, tree, {"CARTWHEEL_TEST_KILL_BUMP_AFTER": str(renamed)})
    assert proc.wait() == -signal.SIGABRT
    assert each_file_old_or_new(tree, before, after) == renamed
    assert (tree / ".cartwheel-bump.json").is_file()

    proc = run([cw_venv.python, "-m", "cartwheel", "version", tree])
    if renamed == 0:
        assert proc.stderr == (
            "warning: an interrupted `cartwheel bump` (1.4.0 → 2.0.0) had not changed any file yet: there is nothing to undo\n"
        )
        assert (proc.stdout.strip(), snapshot(tree)) == ("1.4.0", before)
    else:
        left = ", ".join(f"`{tree / rel}`" for rel in RENAMED_LAST[renamed:]) or "nothing more (every file was written)"
        assert proc.stderr == f"warning: finished an interrupted `cartwheel bump` (1.4.0 → 2.0.0): wrote {left}\n"
        # The snapshot holds every file: no journal, no temporary file is left.
        assert (proc.stdout.strip(), snapshot(tree)) == ("2.0.0", after)


def test_a_bump_killed_at_random_moments_is_never_half_done(cw_venv, states, tmp_path):
    before, after = states
    slow = {"CARTWHEEL_TEST_BUMP_PAUSE_MS": "40"}
    tree = copy_tree(ACME, tmp_path / "timed")
    start = time.monotonic()
    assert bump(cw_venv, tree, slow).wait() == 0
    took = time.monotonic() - start
    rng = random.Random(5)
    seen = set()
    for i in range(20):
        tree = copy_tree(ACME, tmp_path / f"acme{i}")
        proc = bump(cw_venv, tree, slow)
        time.sleep(rng.uniform(0, took))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen.add(each_file_old_or_new(tree, before, after))
        run([cw_venv.python, "-m", "cartwheel", "version", tree])
        assert snapshot(tree) in (before, after), i
    # Kills landed before, between and after the renames.
    assert len(seen) >= 3, seen
