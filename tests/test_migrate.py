"""`cartwheel migrate`: the command's contract on small fixtures, the poetry constraint
translation against poetry-core itself, and real projects from PyPI migrated, verified against
their original backend, built, installed and imported.

The real projects' sdists come from PyPI at pinned versions (`pip download`, cached beside the
test venv); their original backends are installed by `python -m build` from PyPI, as the
verification does for a user.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
import tomllib
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from _support import Venv, git, git_repo, make_venv, pypi_cache, run


def migrate(venv: Venv, tree: Path, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return run(
        [venv.python, "-m", "cartwheel", "migrate", tree, *args],
        env={"CARTWHEEL_PYTHON": str(venv.python)},
        check=check,
        timeout=900,
    )


def write(tree: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tree


POETRY_PROJECT = """\
# Acme's build configuration.
[tool.poetry]
name = "acme"
version = "1.2.0"
description = "Acme"
authors = ["Ann Example <ann@example.com>"]
license = "MIT"

[tool.poetry.dependencies]
python = "^3.9"
requests = "^2.28"  # HTTP

[tool.poetry.scripts]
acme = "acme:main"

[build-system]
requires = ["poetry-core>=1.0.0"]
build-backend = "poetry.core.masonry.api"
"""

POETRY_FILES = {"pyproject.toml": POETRY_PROJECT, "acme/__init__.py": "def main():\n    print('acme')\n"}

EXPECTED_DIFF = """\
--- a/pyproject.toml
+++ b/pyproject.toml
@@ -14,5 +14,27 @@
 acme = "acme:main"
 \n\
 [build-system]
-requires = ["poetry-core>=1.0.0"]
-build-backend = "poetry.core.masonry.api"
+requires = ["cartwheel>=0.1"]
+build-backend = "cartwheel"
+
+[project]
+name = "acme"
+version = "1.2.0"
+description = "Acme"
+requires-python = ">=3.9,<4.0"
+license = "MIT"
+authors = [{ name = "Ann Example", email = "ann@example.com" }]
+classifiers = [
+    "Programming Language :: Python :: 3",
+    "Programming Language :: Python :: 3.9",
+    "Programming Language :: Python :: 3.10",
+    "Programming Language :: Python :: 3.11",
+    "Programming Language :: Python :: 3.12",
+    "Programming Language :: Python :: 3.13",
+    "Programming Language :: Python :: 3.14",
+    "Programming Language :: Python :: 3.15",
+]
+dependencies = ["requests>=2.28,<3.0"]
+
+[project.scripts]
+acme = "acme:main"
""".replace(" \n\\\n", " \n")


def test_dry_run_prints_the_diff_and_writes_nothing(cw_venv: Venv, tmp_path: Path) -> None:
    tree = write(tmp_path / "proj", POETRY_FILES)
    proc = migrate(cw_venv, tree, "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == EXPECTED_DIFF
    assert proc.stderr == (
        "Migrated from poetry-core: would write pyproject.toml\n"
        "No longer used (kept; --remove-old deletes them): pyproject.toml [tool.poetry]\n"
    )
    assert (tree / "pyproject.toml").read_text() == POETRY_PROJECT


def test_write_keeps_comments_and_a_second_run_is_a_no_op(cw_venv: Venv, tmp_path: Path) -> None:
    tree = write(tmp_path / "proj", POETRY_FILES)
    proc = migrate(cw_venv, tree, "--no-verify")
    assert proc.returncode == 0, proc.stderr
    text = (tree / "pyproject.toml").read_text()
    # Everything that was there is still there, comments included, in the same order (only the
    # two build-system values changed).
    kept = [
        line for line in POETRY_PROJECT.splitlines() if line and "poetry-core" not in line and "masonry" not in line
    ]
    lines = iter(text.splitlines())
    assert all(any(line == other for other in lines) for line in kept), text
    assert "# Acme's build configuration." in text and 'requests = "^2.28"  # HTTP' in text
    again = migrate(cw_venv, tree, "--no-verify")
    assert again.returncode == 0
    assert again.stderr == f"{tree / 'pyproject.toml'}: already builds with cartwheel; nothing to do\n"
    assert (tree / "pyproject.toml").read_text() == text
    # The migrated project builds and its script works.
    out = tmp_path / "dist"
    run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", out])
    assert sorted(p.name for p in out.iterdir()) == ["acme-1.2.0-py3-none-any.whl", "acme-1.2.0.tar.gz"]


def test_a_dirty_git_tree_is_refused_unless_forced(cw_venv: Venv, tmp_path: Path) -> None:
    tree = write(tmp_path / "proj", POETRY_FILES)
    git_repo(tree)
    (tree / "acme" / "__init__.py").write_text("# changed\n")
    proc = migrate(cw_venv, tree, "--no-verify")
    assert proc.returncode == 1
    assert proc.stderr == (
        f"error: {tree}: the git work tree has uncommitted changes (acme/__init__.py); commit or stash them "
        "first so that the migration can be reviewed with `git diff` (or --force)\n"
    )
    assert (tree / "pyproject.toml").read_text() == POETRY_PROJECT
    forced = migrate(cw_venv, tree, "--no-verify", "--force")
    assert forced.returncode == 0, forced.stderr
    assert 'build-backend = "cartwheel"' in (tree / "pyproject.toml").read_text()


SETUP_CFG = """\
[metadata]
name = acme
version = attr: acme.__version__
description = Acme

[options]
packages = find:

[flake8]
max-line-length = 100
"""


def test_remove_old_deletes_what_is_no_longer_used(cw_venv: Venv, tmp_path: Path) -> None:
    tree = write(
        tmp_path / "proj",
        {
            "setup.cfg": SETUP_CFG,
            "setup.py": "from setuptools import setup\nsetup()\n",
            "MANIFEST.in": "include CHANGES.txt\n",
            "CHANGES.txt": "1.0\n",
            "acme/__init__.py": '__version__ = "1.0"\n',
        },
    )
    proc = migrate(cw_venv, tree, "--no-verify", "--remove-old")
    assert proc.returncode == 0, proc.stderr
    assert (
        proc.stderr
        == "Migrated from setuptools: wrote pyproject.toml, setup.cfg, removed setup.py, removed MANIFEST.in\n"
    )
    assert not (tree / "setup.py").exists() and not (tree / "MANIFEST.in").exists()
    assert (tree / "setup.cfg").read_text() == "[flake8]\nmax-line-length = 100\n"
    assert (tree / "pyproject.toml").read_text() == (
        "[build-system]\n"
        'requires = ["cartwheel>=0.1"]\n'
        'build-backend = "cartwheel"\n'
        "\n"
        "[project]\n"
        'name = "acme"\n'
        'description = "Acme"\n'
        'dynamic = ["version"]\n'
        "\n"
        "[tool.cartwheel]\n"
        'sdist-include = ["/CHANGES.txt"]\n'
    )


def test_an_untranslatable_item_stops_the_write(cw_venv: Venv, tmp_path: Path) -> None:
    setup_py = 'from setuptools import setup\n\nsetup(\n    name="acme",\n    version=get_version(),\n)\n'
    tree = write(tmp_path / "proj", {"setup.py": setup_py, "acme/__init__.py": ""})
    proc = migrate(cw_venv, tree, "--no-verify")
    assert proc.returncode == 1
    assert proc.stderr == (
        "untranslatable: setup.py:5:13: `version`: the version is computed by setup.py (`get_version()`)\n"
        "  fix: write `project.version`, or assign `__version__` as a string literal in the package's __init__.py\n"
        "1 item cannot be translated: nothing written (fix them by hand, or --force to write the rest)\n"
    )
    assert not (tree / "pyproject.toml").exists()
    forced = migrate(cw_venv, tree, "--no-verify", "--force")
    assert forced.returncode == 1
    assert (tree / "pyproject.toml").is_file() and (tree / "setup.py").is_file()


def test_artifacts_that_differ_stop_the_write(cw_venv: Venv, tmp_path: Path) -> None:
    # setuptools ships a package's data only when MANIFEST.in lists it (include_package_data);
    # cartwheel ships the package folder whole: a difference nothing explains.
    cfg = SETUP_CFG.replace("packages = find:\n", "packages = find:\ninclude_package_data = True\n")
    files = {
        "setup.cfg": cfg,
        "setup.py": "from setuptools import setup\n\nsetup()\n",
        "acme/__init__.py": '__version__ = "1.0"\n',
        "acme/data.json": "{}\n",
    }
    tree = write(tmp_path / "proj", files)
    proc = migrate(cw_venv, tree)
    assert proc.returncode == 1, proc.stderr
    assert re.sub(r"\b\d+\.\d+s\b", "<secs>s", proc.stderr) == (
        "note: setup.cfg:8:1: `include_package_data`: cartwheel ships the package's data files\n"
        "Verifying: building with setuptools and with cartwheel ...\n"
        "Verification: original backend <secs>s (acme-1.0.tar.gz, acme-1.0-py3-none-any.whl), "
        "cartwheel <secs>s (acme-1.0.tar.gz, acme-1.0-py3-none-any.whl)\n"
        "  DIFFERS wheel: acme/data.json only in cartwheel's wheel\n"
        "  expected sdist: 4 *.egg-info files only in the original sdist (written by setuptools)\n"
        "  expected sdist: 2 files only in cartwheel's sdist: acme/data.json, pyproject.toml (cartwheel's sdist "
        "holds the project's files; list any that must stay out in `tool.cartwheel.sdist-exclude`)\n"
        "Verification: 1 unexplained difference\n"
        "the artifacts differ: nothing written (--force writes anyway)\n"
    )
    assert not (tree / "pyproject.toml").exists()
    assert (tree / "setup.cfg").read_text() == cfg
    forced = migrate(cw_venv, tree, "--force")
    assert forced.returncode == 1
    assert 'build-backend = "cartwheel"' in (tree / "pyproject.toml").read_text()


# --------------------------------------------------------------------------- poetry constraints

CONSTRAINTS = [
    "^1.2.3",
    "^1.2",
    "^1",
    "^0.2.3",
    "^0.2",
    "^0.0.3",
    "^0.0",
    "^0",
    "^0.0.0",
    "^2.0.0.0",
    "~1.2.3",
    "~1.2",
    "~1",
    "~0",
    "~0.1.2",
    "~=1.2",
    "~=1.2.3",
    "~=0.9",
    "1.2.*",
    "==1.2.*",
    "!=1.2.*",
    "1.*",
    "1.2.3",
    "=1.2",
    "==1.2.3",
    "*",
    ">=1.2",
    ">1.2",
    "<2",
    "<=2.1",
    ">= 1.2, < 2",
    ">=1.2,<2.0,!=1.5",
    ">=2.0 <3.0",
    "^1.0 || ^2.0",
    "^1.0 || ^3.0",
    "~1.2 || ~1.3",
    "^0.1 || ^0.2 || ^0.3",
    ">=1,<2 || >=2,<3",
    "^1.2.3b1",
    ">=1.0a1",
    "^13.1",
    "~13.1.2",
    "^2024.1",
    ">=3.8,<4.0",
]

SAMPLES = [
    "0",
    "0.0.1",
    "0.0.2",
    "0.0.3",
    "0.0.4",
    "0.1",
    "0.1.2",
    "0.1.5",
    "0.2",
    "0.2.3",
    "0.2.9",
    "0.3",
    "0.3.1",
    "0.4",
    "0.9",
    "0.9.5",
    "1",
    "1.0",
    "1.0.1",
    "1.1",
    "1.2",
    "1.2.0",
    "1.2.2",
    "1.2.3",
    "1.2.4",
    "1.2.99",
    "1.3",
    "1.3.5",
    "1.4",
    "1.5",
    "1.9.9",
    "2",
    "2.0",
    "2.0.0.0",
    "2.0.1",
    "2.1",
    "2.1.1",
    "2.5",
    "3",
    "3.0",
    "3.5",
    "4",
    "4.0.1",
    "5",
    "13.0",
    "13.1",
    "13.1.2",
    "13.1.9",
    "13.2",
    "14",
    "2024.1",
    "2024.5",
    "2025.0",
]


def test_poetry_constraints_agree_with_poetry_core(cw_venv: Venv, tmp_path: Path) -> None:
    """Every constraint means the same as poetry-core's own reading (on final releases: PEP 440
    `<2.0.0` excludes 2.0.0's pre-releases where poetry's does not, in poetry-core's own
    PEP 508 output too), and the same as poetry-core's PEP 508 rendering wherever that is valid."""
    from poetry.core.constraints.version import Version as PoetryVersion
    from poetry.core.constraints.version import parse_constraint
    from poetry.core.packages.dependency import Dependency

    deps = "\n".join(f'dep{i} = "{c}"' for i, c in enumerate(CONSTRAINTS))
    project = '[tool.poetry]\nname = "acme"\nversion = "1.0"\ndescription = ""\nauthors = []\n\n'
    project += f"[tool.poetry.dependencies]\n{deps}\n\n"
    project += '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
    tree = write(tmp_path / "proj", {"pyproject.toml": project, "acme/__init__.py": ""})
    proc = migrate(cw_venv, tree, "--dry-run", "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = json.loads(proc.stdout)
    reqs = tomllib.loads(out["pyproject"])["project"]["dependencies"]
    by_name = {r.split(">")[0].split("<")[0].split("=")[0].split("!")[0].split("~")[0]: r for r in reqs}
    checked_rendering = 0
    for i, c in enumerate(CONSTRAINTS):
        ours = SpecifierSet(by_name.get(f"dep{i}", f"dep{i}")[len(f"dep{i}") :])
        theirs = parse_constraint(c)
        for s in SAMPLES:
            assert (Version(s) in ours) == theirs.allows(PoetryVersion.parse(s)), (c, str(ours), s)
        rendered = Dependency(f"dep{i}", c).to_pep_508()
        if "||" not in rendered:
            spec = rendered[len(f"dep{i}") :].strip().strip("()")
            for s in SAMPLES:
                assert (Version(s) in ours) == (Version(s) in SpecifierSet(spec)), (c, spec, str(ours), s)
            checked_rendering += 1
    assert checked_rendering > 30


# --------------------------------------------------------------------------- real projects


class Project:
    def __init__(
        self,
        dist: str,
        version: str,
        backend: str,
        module: str,
        *,
        git_tag: bool = False,
        untranslatable: str | None = None,
    ) -> None:
        self.dist, self.version, self.backend, self.module = dist, version, backend, module
        self.git_tag, self.untranslatable = git_tag, untranslatable

    @property
    def id(self) -> str:
        return f"{self.backend}-{self.dist}-{self.version}"


PROJECTS = [
    Project("itsdangerous", "2.1.2", "setuptools-cfg", "itsdangerous"),
    Project("click", "8.1.7", "setuptools-cfg", "click"),
    Project("asgiref", "3.8.1", "setuptools-cfg", "asgiref"),
    Project("pycodestyle", "2.11.1", "setuptools-cfg", "pycodestyle"),
    Project("pyjwt", "2.8.0", "setuptools-cfg", "jwt"),
    Project("cachetools", "5.5.0", "setuptools-cfg", "cachetools"),
    # `attr: distro.__version__`, re-exported from the sibling distro.py.
    Project("distro", "1.9.0", "setuptools-cfg", "distro"),
    # setup.py: one requirement string with a marker, a maintenance `cmdclass`, and no
    # include_package_data (only package_data's files in the wheel).
    Project("wcwidth", "0.2.13", "setuptools-py", "wcwidth"),
    Project("sniffio", "1.3.1", "tool-setuptools", "sniffio"),
    Project("python-json-logger", "3.2.1", "tool-setuptools", "pythonjsonlogger"),
    Project("tomlkit", "0.12.5", "poetry-core-1", "tomlkit"),
    Project("tomlkit", "0.13.2", "poetry-core-1", "tomlkit"),
    Project("crashtest", "0.4.1", "poetry-core-1", "crashtest"),
    Project("cleo", "2.1.0", "poetry-core-1", "cleo"),
    Project("poetry-core", "2.0.1", "poetry-2", "poetry.core"),
    # `src/poetry/` has no `__init__.py` (a namespace folder holding modules): poetry-core takes
    # it by default, migrate names it in `module`; the author is NFD in pyproject.toml, NFC in
    # poetry-core's METADATA.
    Project("poetry", "2.0.1", "poetry-2", "poetry"),
    Project("termcolor", "2.4.0", "hatchling-vcs", "termcolor", git_tag=True),
    # hatchling reads only the root .gitignore: .idea/.gitignore's workspace.xml ships; migrate
    # finds it by verification and names it in sdist-include.
    Project("sqlparse", "0.5.0", "hatchling", "sqlparse"),
    Project("urllib3", "2.2.1", "hatchling", "urllib3"),
    Project("tomli", "2.0.1", "flit_core", "tomli"),
    Project("pathspec", "0.12.1", "flit_core", "pathspec"),
    Project("unearth", "0.17.2", "pdm-backend", "unearth", git_tag=True),
    # `module-name = "spakky.core"`: a package inside the namespace `spakky`.
    Project("spakky", "6.4.0", "uv_build", "spakky.core"),
    # Truly untranslatable: the build writes a version file that the package imports.
    Project(
        "pluggy",
        "1.5.0",
        "setuptools-scm",
        "pluggy",
        git_tag=True,
        untranslatable=(
            "`tool.setuptools_scm.write_to`: setuptools-scm writes the version into a file at build time; "
            "cartwheel does not generate files"
        ),
    ),
    Project(
        "parso",
        "0.8.4",
        "setuptools-py",
        "parso",
        untranslatable="`long_description`: the description is computed by setup.py (`readme`)",
    ),
    Project(
        "markdown",
        "3.6",
        "tool-setuptools",
        "markdown",
        untranslatable=(
            "`version`: `attr: markdown.__meta__.__version__` is not a string literal assigned at the top level "
            "of markdown/__meta__/__init__.py or markdown/__meta__.py"
        ),
    ),
    Project(
        "iniconfig",
        "2.0.0",
        "hatchling-vcs",
        "iniconfig",
        git_tag=True,
        untranslatable=(
            "`tool.hatch.build.hooks.vcs.version-file`: hatch-vcs writes the version into a file at build time; "
            "cartwheel does not generate files"
        ),
    ),
]


def sdist_of(p: Project) -> Path:
    cache = pypi_cache() / "migrate"

    def cached() -> list[Path]:
        want = f"{p.dist}-{p.version}.tar.gz"
        return [f for f in cache.glob("*.tar.gz") if f.name.lower().replace("_", "-") == want]

    found = cached()
    if not found:
        cache.mkdir(parents=True, exist_ok=True)
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                # The project's own sdist; its build requirements (whose metadata pip prepares
                # it with) may be wheels: uv_build's sdist would need a Rust toolchain.
                "--no-binary",
                p.dist,
                "-d",
                cache,
                f"{p.dist}=={p.version}",
            ],
            timeout=900,
        )
        found = cached()
    assert len(found) == 1, found
    return found[0]


def original_layout(p: Project, dest: Path) -> Path:
    """The unpacked sdist as the project's own tree: no PKG-INFO or *.egg-info (they hide a
    wrong dynamic-version setting), no setup.py that poetry-core generated into the sdist."""
    with tarfile.open(sdist_of(p)) as tf:
        tf.extractall(dest, filter="data")
    (tree,) = dest.iterdir()
    (tree / "PKG-INFO").unlink()
    for egg in [*tree.glob("*.egg-info"), *tree.glob("src/*.egg-info")]:
        shutil.rmtree(egg)
    setup_py = tree / "setup.py"
    if p.backend.startswith("poetry") and setup_py.exists() and "setup_kwargs = {" in setup_py.read_text():
        setup_py.unlink()
    if p.git_tag:
        git(git_repo(tree), "tag", f"v{p.version}")
    return tree


@pytest.mark.parametrize("p", PROJECTS, ids=[p.id for p in PROJECTS])
def test_real_project(p: Project, cw_venv: Venv, tmp_path: Path) -> None:
    tree = original_layout(p, tmp_path / "src")
    start = time.monotonic()
    proc = migrate(cw_venv, tree, "--format", "json")
    seconds = time.monotonic() - start
    out = json.loads(proc.stdout)
    if p.untranslatable:
        assert proc.returncode == 1
        shown = [f"`{f['key']}`: {f['message']}" for f in out["findings"] if f["kind"] == "untranslatable"]
        assert shown == [p.untranslatable]
        assert not out["written"]
        return
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = out["verification"]
    unexplained = [d for d in report["diffs"] if d["explained"] is None]
    assert unexplained == []
    if p.dist == "sqlparse":
        repaired = [f["message"] for f in out["findings"] if f["kind"] == "repaired"]
        message = (
            "the original sdist also holds .idea/workspace.xml, which cartwheel's would leave out: added to "
            "`sdist-include`"
        )
        assert repaired == [message]
    print(
        f"{p.id}: migrated and verified in {seconds:.1f}s (original backend {report['original_seconds']:.1f}s, "
        f"cartwheel {report['cartwheel_seconds']:.2f}s), {len(report['diffs'])} explained difference(s)"
    )
    # The migrated project builds with cartwheel; the wheel installs, imports and runs its scripts.
    if p.git_tag:
        # The maintainer commits the migration and tags the release from that commit.
        git(tree, "add", "-A")
        git(tree, "commit", "-qm", "migrate")
        git(tree, "tag", "-f", f"v{p.version}")
    dist = tmp_path / "dist"
    run([cw_venv.python, "-m", "cartwheel", "build", tree, "-o", dist])
    (wheel,) = dist.glob("*.whl")
    venv = make_venv(tmp_path / "venv")
    venv.pip("install", wheel)
    imported = venv.run_python(f"import {p.module}, importlib.metadata as m; print(m.version('{p.dist}'))")
    assert imported.stdout.strip() == p.version
    with zipfile.ZipFile(wheel) as zf:
        eps = [n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt")]
        text = zf.read(eps[0]).decode() if eps else ""
    scripts, section = [], ""
    for line in text.splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif "=" in line and section == "console_scripts":
            scripts.append(line.split("=")[0].strip())
    for script in scripts:
        assert os.path.exists(venv.script(script)), script
        run([venv.script(script), "--help"])


UV_PROJECT = """\
[project]
name = "acme-uv"
version = "0.3.0"
description = "A uv_build project"
readme = "README.md"
requires-python = ">=3.9"
license = "MIT"
dependencies = []

[project.scripts]
acme-uv = "acme:main"

[tool.uv.build-backend]
module-name = "acme"
module-root = ""
source-exclude = ["notes"]

[build-system]
requires = ["uv_build>=0.8,<0.10"]
build-backend = "uv_build"
"""


def test_uv_build_project_verified_against_uv_build(cw_venv: Venv, tmp_path: Path) -> None:
    """No small published project builds with uv_build yet that we pin; this one is built with
    the real uv_build (from PyPI, as the verification installs it) and compared."""
    tree = write(
        tmp_path / "proj",
        {
            "pyproject.toml": UV_PROJECT,
            "README.md": "# acme-uv\n",
            "LICENSE": "MIT\n",
            "acme/__init__.py": "def main():\n    print('acme-uv')\n",
            "acme/data.json": "{}\n",
            "notes/todo.txt": "later\n",
        },
    )
    proc = migrate(cw_venv, tree, "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = json.loads(proc.stdout)
    assert [d for d in out["verification"]["diffs"] if d["explained"] is None] == []
    assert out["written"]
    text = (tree / "pyproject.toml").read_text()
    assert text.endswith('[tool.cartwheel]\nmodule = "acme"\nsdist-exclude = ["/notes"]\n'), text
