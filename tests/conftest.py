"""pytest fixtures: cartwheel's own wheel, venvs, and builds of the fixture projects.

Environment:
- CARTWHEEL_WHEELHOUSE: a folder holding an already built cartwheel-*.whl (scripts/test.sh sets
  it); without it the session builds the wheel once with maturin.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

from _support import (
    FIXTURES_BY_DIR,
    ROOT,
    Fx,
    Venv,
    make_venv,
    only_file,
    prepare_fixture,
    run,
    snapshot,
)

# The fixture projects contain tests of their own; they are data, not part of this suite.
collect_ignore_glob = ["fixtures/*"]

# The longest file (whole releases with their venvs: about half the suite's wall time on two
# cores) goes first: under `pytest -n` a worker starts on it at once and the others share the
# rest, instead of one worker running it alone at the end.
FIRST = "test_release.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name != FIRST)


# --------------------------------------------------------------------------- cartwheel's wheel


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with cartwheel's freshly built wheel and nothing else."""
    given = os.environ.get("CARTWHEEL_WHEELHOUSE")
    if given:
        house = Path(given).resolve()
        only_file(house, "cartwheel-*.whl")
        return house
    house = tmp_path_factory.mktemp("wheelhouse")
    maturin = shutil.which("maturin", path=str(Path(sys.executable).parent)) or shutil.which("maturin")
    assert maturin, "maturin is needed to build cartwheel's wheel (pip install -r requirements-test.txt)"
    run([maturin, "build", "--interpreter", sys.executable, "-o", house], cwd=ROOT, timeout=1800)
    only_file(house, "cartwheel-*.whl")
    return house


@pytest.fixture(scope="session")
def cartwheel_wheel(wheelhouse: Path) -> Path:
    return only_file(wheelhouse, "cartwheel-*.whl")


@pytest.fixture(scope="session")
def offline_env(wheelhouse: Path) -> dict[str, str]:
    """Env for frontends that set up isolated build envs: cartwheel from the wheelhouse, no index.

    cartwheel has no runtime dependencies, so an isolated build needs nothing from the network.
    """
    return {"PIP_FIND_LINKS": str(wheelhouse), "PIP_NO_INDEX": "1"}


# --------------------------------------------------------------------------- venvs


@pytest.fixture(scope="session")
def cw_venv(tmp_path_factory: pytest.TempPathFactory, cartwheel_wheel: Path) -> Venv:
    """One venv per session with cartwheel and `build` installed (never used to install artifacts)."""
    venv = make_venv(tmp_path_factory.mktemp("cw-venv") / "venv", with_pip=True)
    venv.pip("install", "--no-index", "--no-deps", cartwheel_wheel)
    # The frontend, at the same version as in the runner's environment.
    venv.pip(
        "install",
        f"build=={metadata.version('build')}",
        f"packaging=={metadata.version('packaging')}",
        f"pyproject_hooks=={metadata.version('pyproject_hooks')}",
    )
    return venv


@pytest.fixture
def fresh_venv(tmp_path: Path) -> Venv:
    """A brand-new, empty venv for installing built artifacts into."""
    return make_venv(tmp_path / "fresh-venv")


# --------------------------------------------------------------------------- building


@dataclass
class Built:
    fx: Fx
    tree: Path
    out: Path
    wheel: Path
    sdist: Path
    before: dict
    stdout: str
    stderr: str


def frontend_build(venv: Venv, tree: Path, out: Path, *, isolated: bool, env=None, args=()) -> tuple[str, str]:
    """`python -m build` (sdist, then the wheel from the sdist, as build does by default)."""
    cmd = [venv.python, "-m", "build", *args, "-o", out, tree]
    if not isolated:
        cmd.insert(3, "--no-isolation")
    proc = run(cmd, env=env, timeout=900)
    return proc.stdout, proc.stderr


def cli_build(venv: Venv, tree: Path, out: Path, *args: str, env=None, check=True):
    """`python -m cartwheel build TREE -o OUT ARGS`."""
    return run([venv.python, "-m", "cartwheel", "build", tree, "-o", out, *args], env=env, check=check)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, cw_venv: Venv):
    """Build a fixture once per session with `python -m build --no-isolation` (results cached)."""
    cache: dict[str, Built | BaseException] = {}

    def get(name: str) -> Built:
        if name not in cache:
            fx = FIXTURES_BY_DIR[name]
            base = tmp_path_factory.mktemp(f"built-{name}")
            tree = prepare_fixture(fx, base / "src")
            before = snapshot(tree)
            out = base / "dist"
            try:
                stdout, stderr = frontend_build(cw_venv, tree, out, isolated=False)
                cache[name] = Built(
                    fx, tree, out, only_file(out, "*.whl"), only_file(out, "*.tar.gz"), before, stdout, stderr
                )
            except BaseException as exc:  # noqa: BLE001 - re-raised for every test that asks
                cache[name] = exc
        result = cache[name]
        if isinstance(result, BaseException):
            raise result
        return result

    return get


@pytest.fixture
def fx_copy(tmp_path: Path):
    """Copy a fixture to a fresh tmp dir (outside git) and prepare it."""

    def make(name: str, dest_name: str = "proj") -> Path:
        return prepare_fixture(FIXTURES_BY_DIR[name], tmp_path / dest_name)

    return make
