"""Smoke test of a built cartwheel distribution, as the release workflow runs it on every platform.

    python scripts/smoke-wheel.py DIST_DIR

Makes a fresh venv, installs cartwheel from DIST_DIR alone (no index; a DIST_DIR holding only
the sdist is first compiled into a wheel, maturin coming from the index), then builds tests/fixtures/src_layout twice: with
the CLI, and with pip installing it from source in an isolated environment that gets cartwheel
from DIST_DIR too. Exits non-zero with the failing command's output on any problem.
Standard library only; any OS.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "src_layout"


def run(*cmd: object, env: dict[str, str] | None = None) -> str:
    """Run a command; on failure print everything it said and stop."""
    full = {**os.environ, **(env or {})}
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=full, check=False)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {cmd}\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def main() -> None:
    dist = Path(sys.argv[1]).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if not list(dist.glob("cartwheel-*.whl")):
            # The sdist alone: pip compiles it (maturin from the index) into a wheelhouse first.
            (sdist,) = dist.glob("cartwheel-*.tar.gz")
            dist = tmp_path / "wheelhouse"
            run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, sdist)
        offline = {"PIP_FIND_LINKS": str(dist), "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        venv = tmp_path / "venv"
        run(sys.executable, "-m", "venv", venv)
        bindir = venv / ("Scripts" if os.name == "nt" else "bin")
        python = bindir / ("python.exe" if os.name == "nt" else "python")
        run(python, "-m", "pip", "install", "cartwheel", env=offline)
        print(run(python, "-m", "pip", "show", "cartwheel"))

        out = tmp_path / "out"
        run(python, "-m", "cartwheel", "build", FIXTURE, "-o", out)
        wheel = out / "src_layout_demo-1.2.0rc1-py3-none-any.whl"
        with zipfile.ZipFile(wheel) as zf:
            names = set(zf.namelist())
        assert "src_layout_demo/sub/core.py" in names, sorted(names)
        assert (out / "src_layout_demo-1.2.0rc1.tar.gz").is_file(), sorted(os.listdir(out))

        # pip's isolated build environment installs cartwheel from DIST_DIR alone.
        run(python, "-m", "pip", "install", FIXTURE, env=offline)
        version = run(python, "-c", "import src_layout_demo; print(src_layout_demo.__version__)", env=offline)
        assert version.strip() == "1.2.0rc1", version
    print(f"ok: cartwheel from {dist} builds and installs {FIXTURE.name}")


if __name__ == "__main__":
    main()
