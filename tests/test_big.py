"""Large inputs: a file over 4 GiB (zip64) is streamed into both artifacts with bounded memory,
the streamed path writes the same bytes as the in-memory one, and a tree of 100,000 files
builds into archives the standard readers accept (zipfile reads every member, checking its
CRC, and each agrees with RECORD; the build-time check read them too)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tarfile
from pathlib import Path

import pytest

from _hostile import project, verify_sdist, verify_wheel
from _support import run

WHEEL = "hostile-1.0-py3-none-any.whl"
SDIST = "hostile-1.0.tar.gz"
HUGE = (4 << 30) + (1 << 20)

# Runs a command and prints the peak resident size of its process tree, in KiB (Linux).
PEAK = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); " + (
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def sparse(path: Path, size: int) -> tuple[int, str]:
    """A sparse file of `size` bytes with a little text at both ends; its size and RECORD hash."""
    with path.open("wb") as f:
        f.write(b"head of a huge file\n")
        f.truncate(size - 20)
        f.seek(size - 20)
        f.write(b"tail of a huge file\n")
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            h.update(chunk)
    from base64 import urlsafe_b64encode

    return size, "sha256=" + urlsafe_b64encode(h.digest()).rstrip(b"=").decode()


@pytest.mark.skipif(sys.platform != "linux", reason="peak memory of children from getrusage, sparse files")
def test_a_file_over_4_gib_is_streamed_into_both_artifacts(cw_venv, tmp_path):
    tree = project(tmp_path / "proj")
    # The build-time check reads both artifacts back (twice the work): its unbounded reading of
    # the project's own large files is tested on a smaller file below.
    with (tree / "pyproject.toml").open("a") as f:
        f.write('\n[tool.cartwheel]\ncheck = "off"\n')
    expected = sparse(tree / "hostile" / "huge.bin", HUGE)
    if os.stat(tree / "hostile" / "huge.bin").st_blocks * 512 > 64 << 20:
        pytest.skip("the temporary folder's file system has no sparse files")
    out = tmp_path / "dist"
    proc = run([cw_venv.python, "-c", PEAK, cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out])
    peak_mib = int(proc.stdout.strip().splitlines()[-1]) / 1024
    assert peak_mib < 300, f"peak RSS {peak_mib:.0f} MiB"
    assert sorted(p.name for p in out.iterdir()) == [WHEEL, SDIST]
    assert verify_wheel(out / WHEEL)["hostile/huge.bin"] == expected
    assert verify_sdist(out / SDIST)["hostile-1.0/hostile/huge.bin"] == expected


def threshold_project(root: Path) -> Path:
    """Files on both sides of a 1 MiB streaming threshold: text, random bytes (stored, deflate
    cannot shrink them), empty, a license file (its own wheel folder), and 20 MiB of zeros
    (over 1000:1: a decompression bomb to `cartwheel check`, not to the build's own check)."""
    text = b"".join(b"line %d of a text file\n" % i for i in range(60_000))
    noise = hashlib.shake_256(b"noise").digest(3 << 20)
    files = {
        "below.txt": text[: (1 << 20) - 1],
        "at.txt": text[: 1 << 20],
        "above.txt": text[: (1 << 20) + 1],
        "noise.bin": noise,
        "empty.txt": b"",
        "zeros.bin": bytes(20 << 20),
    }
    tree = project(root, "hostile", files)
    (tree / "LICENSE").write_bytes(text * 2)
    return tree


def test_streamed_files_make_the_same_bytes_as_read_ones(cw_venv, tmp_path):
    tree = threshold_project(tmp_path / "proj")
    hook = (
        "import os, sys, cartwheel; os.chdir(sys.argv[1]); "
        "cartwheel.build_wheel(sys.argv[2]); cartwheel.build_sdist(sys.argv[2])"
    )
    made = {}
    for threshold in ("1048576", None):
        env = {"CARTWHEEL_TEST_LARGE_FILE_BYTES": threshold} if threshold else {}
        for how, cmd in {
            "cli": [cw_venv.python, "-m", "cartwheel", "build", tree, "-o"],
            "hooks": [cw_venv.python, "-c", hook, tree],
        }.items():
            out = tmp_path / f"{how}-{threshold}"
            run([*cmd, out], env=env)
            made[how, threshold] = {name: (out / name).read_bytes() for name in (WHEEL, SDIST)}
    reference = made["cli", None]
    for key, artifacts in made.items():
        assert artifacts == reference, key
    wheel = verify_wheel(tmp_path / "cli-1048576" / WHEEL)
    assert wheel["hostile/above.txt"][0] == (1 << 20) + 1
    assert wheel["hostile-1.0.dist-info/licenses/LICENSE"][0] == (tree / "LICENSE").stat().st_size
    verify_sdist(tmp_path / "cli-1048576" / SDIST)


def test_a_tree_of_100000_files_builds(cw_venv, tmp_path):
    files = {f"d{i // 1000:03d}/m{i:05d}.py": b"X = %d\n" % i for i in range(100_000)}
    tree = project(tmp_path / "proj", "hostile", files)
    out = tmp_path / "dist"
    try:
        run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out], timeout=300)
        wheel = verify_wheel(out / WHEEL)
        assert len(wheel) == 100_000 + 1 + 3  # __init__.py, METADATA, WHEEL, RECORD
        # Reading every member back is the build-time check's job (on by default); Python's
        # tarfile takes 20 s to hash 100,000 members, so here the listing only.
        with tarfile.open(out / SDIST, "r:gz") as tf:
            files = [m for m in tf.getmembers() if m.isfile()]
        assert len(files) == 100_000 + 3  # __init__.py, pyproject.toml, PKG-INFO
    finally:
        # 100,000 files left behind would slow every later pytest's clean-up of old temp dirs.
        shutil.rmtree(tree, ignore_errors=True)
