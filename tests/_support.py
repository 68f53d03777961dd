"""Shared helpers and the fixture registry for cartwheel's end-to-end tests.

Everything here is plain functions and data; pytest fixtures live in conftest.py.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from typing_extensions import Self

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
BROKEN = FIXTURES / "broken"
# A `source = "git"` project template, not in FIXTURE_LIST: the tests make it a repository.
GIT_VERSION = FIXTURES / "git_version"
# The table every generated test project starts with.
BUILD_SYSTEM = '[build-system]\nrequires = ["cartwheel"]\nbuild-backend = "cartwheel"\n\n'


# --------------------------------------------------------------------------- processes


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float = 600,
    unset: Callable[[str], bool] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command with captured text output; on an unexpected exit show everything.

    `env` is laid over `clean_env()` after dropping the variables `unset` names."""
    full_env = {k: v for k, v in clean_env().items() if unset is None or not unset(k)}
    if env:
        full_env.update(env)
    proc = subprocess.run(  # noqa: PLW1510 - the exit status is checked below
        [str(c) for c in cmd],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"command failed with exit status {proc.returncode}: {' '.join(map(str, cmd))}\n"
            f"cwd: {cwd}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
    return proc


def clean_env() -> dict[str, str]:
    """The environment for child processes: no SOURCE_DATE_EPOCH, no virtualenv leakage."""
    env = dict(os.environ)
    for key in ("SOURCE_DATE_EPOCH", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV"):
        env.pop(key, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


@dataclass
class Venv:
    """A virtual environment; installs go through the test runner's pip (`pip --python`)."""

    path: Path

    @property
    def bin(self) -> Path:
        return self.path / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def script(self, name: str) -> Path:
        return self.bin / name

    def pip(self, *args: str | os.PathLike[str], env: Mapping[str, str] | None = None, cwd=None):
        return run([sys.executable, "-m", "pip", "--python", self.python, *args], env=env, cwd=cwd)

    def run_python(self, code: str, *, cwd=None, env=None, check=True):
        return run([self.python, "-c", code], cwd=cwd, env=env, check=check)


def make_venv(path: Path, *, with_pip: bool = False) -> Venv:
    args = [sys.executable, "-m", "venv", str(path)]
    if not with_pip:
        args.insert(3, "--without-pip")
    run(args)
    return Venv(path)


# --------------------------------------------------------------------------- PyPI downloads


def pypi_cache() -> Path:
    """Where downloaded PyPI files are kept between runs: beside the test venv, or $CARTWHEEL_PYPI_CACHE."""
    return Path(os.environ.get("CARTWHEEL_PYPI_CACHE") or Path(sys.prefix) / "cartwheel-pypi-cache")


def fetch_pinned(url: str, sha256: str, dest: Path) -> Path:
    """The file at `url` in `dest` (downloaded once), refused unless its sha256 is `sha256`."""
    path = dest / url.rsplit("/", 1)[1]
    if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
        dest.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(url, timeout=120) as resp:
            data = resp.read()
        got = hashlib.sha256(data).hexdigest()
        assert got == sha256, f"{url}: sha256 {got}, pinned {sha256}"
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path


# --------------------------------------------------------------------------- file trees

IGNORE_ON_COPY = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


def copy_tree(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=IGNORE_ON_COPY, symlinks=True)
    return dest


def snapshot(tree: Path) -> dict[str, tuple[str, int]]:
    """Every path under `tree` with its content hash (or link target) and mode."""
    out: dict[str, tuple[str, int]] = {}
    for dirpath, dirnames, filenames in os.walk(tree):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(tree).as_posix()
            st = p.lstat()
            if p.is_symlink():
                out[rel] = ("link:" + os.readlink(p), st.st_mode)
            elif p.is_dir():
                out[rel] = ("dir", st.st_mode)
            else:
                out[rel] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mode)
    return out


def files_under(tree: Path) -> set[str]:
    return {k for k, (h, _) in snapshot(tree).items() if h != "dir"}


def only_file(directory: Path, pattern: str) -> Path:
    found = sorted(directory.glob(pattern))
    assert len(found) == 1, f"expected exactly one {pattern} in {directory}, found {[p.name for p in found]}"
    return found[0]


# --------------------------------------------------------------------------- names


def normalize_dist(name: str) -> str:
    """Wheel / sdist file name form of a distribution name."""
    return re.sub(r"[-_.]+", "_", name).lower()


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# --------------------------------------------------------------------------- archives


@dataclass
class Wheel:
    path: Path

    def __post_init__(self) -> None:
        with zipfile.ZipFile(self.path) as zf:
            self.infos = zf.infolist()
            self.data = {i.filename: zf.read(i) for i in self.infos}

    @property
    def names(self) -> list[str]:
        return [i.filename for i in self.infos]

    @property
    def dist_info(self) -> str:
        dirs = {n.split("/")[0] for n in self.names if n.split("/")[0].endswith(".dist-info")}
        assert len(dirs) == 1, f"{self.path.name}: expected one .dist-info folder, found {sorted(dirs)}"
        return dirs.pop()

    def read(self, name: str) -> bytes:
        return self.data[name]

    def text(self, name: str) -> str:
        return self.data[name].decode("utf-8")

    def meta(self, name: str) -> bytes:
        return self.data[f"{self.dist_info}/{name}"]

    def payload(self) -> set[str]:
        """Files outside .dist-info (including .data/)."""
        return {n for n in self.names if not n.split("/")[0].endswith(".dist-info")}


@dataclass
class Sdist:
    path: Path

    def __post_init__(self) -> None:
        with tarfile.open(self.path, "r:gz") as tf:
            self.members = tf.getmembers()
            self.data = {}
            for m in self.members:
                if m.isfile():
                    f = tf.extractfile(m)
                    assert f is not None
                    self.data[m.name] = f.read()

    @property
    def top(self) -> str:
        tops = {m.name.split("/")[0] for m in self.members}
        assert len(tops) == 1, f"{self.path.name}: expected one top folder, found {sorted(tops)}"
        return tops.pop()

    def files(self) -> set[str]:
        """Regular files relative to the top folder."""
        return {name.split("/", 1)[1] for name in self.data if "/" in name}

    def read(self, rel: str) -> bytes:
        return self.data[f"{self.top}/{rel}"]


def parse_record(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --------------------------------------------------------------------------- git

# Git isolated from the machine's configuration, with a fixed identity and no signing.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(tree: Path, *args: str, check: bool = True) -> str:
    """`git ARGS` in `tree` (isolated config); stdout, stripped."""
    return run(["git", "-c", "init.defaultBranch=main", *args], cwd=tree, env=GIT_ENV, check=check).stdout.strip()


def git_repo(tree: Path, message: str = "init") -> Path:
    """Make `tree` a repository with everything in it committed."""
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", message)
    return tree


# --------------------------------------------------------------------------- fixtures registry


def _make_gitignored_files(tree: Path) -> None:
    """The gitignore fixture's generated files are never in git: make them in the copy."""
    (tree / "gitignored" / "_generated.py").write_text("GENERATED = True\n")
    (tree / "gitignored" / "_build_info.json").write_text('{"built": true}\n')
    (tree / "build-output.log").write_text("log line\n")
    (tree / "scratch").mkdir()
    (tree / "scratch" / "notes.txt").write_text("scratch\n")


@dataclass(frozen=True)
class Fx:
    """What a fixture is expected to produce."""

    dir: str
    name: str  # project.name as written
    version: str  # normalised version
    import_name: str  # dotted import name
    stamp: str  # file whose __version__ gets stamped (path inside the wheel)
    wheel_payload: frozenset[str]  # files outside .dist-info, .data included
    license_files: tuple[str, ...] = ()
    license_expression: str | None = None
    sdist_drop: frozenset[str] = frozenset()  # files of the prepared copy NOT in the sdist
    prepare: Callable[[Path], None] | None = None
    no_deps: bool = False
    hatch: str = ""  # extra pyproject text translating the config to hatchling's
    extras: tuple[str, ...] = ()
    content_type: str = "text/markdown"

    @property
    def norm(self) -> str:
        return normalize_dist(self.name)

    @property
    def wheel_name(self) -> str:
        return f"{self.norm}-{self.version}-py3-none-any.whl"

    @property
    def sdist_name(self) -> str:
        return f"{self.norm}-{self.version}.tar.gz"

    @property
    def source(self) -> Path:
        return FIXTURES / self.dir


def _fs(*names: str) -> frozenset[str]:
    return frozenset(names)


FIXTURE_LIST = [
    Fx(
        "src_layout",
        "Src.Layout-Demo",
        "1.2.0rc1",
        "src_layout_demo",
        "src_layout_demo/__init__.py",
        _fs("src_layout_demo/__init__.py", "src_layout_demo/sub/__init__.py", "src_layout_demo/sub/core.py"),
        license_files=("LICENSE",),
        license_expression="MIT",
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["src/src_layout_demo"]\n',
    ),
    Fx(
        "flat_layout",
        "flat-layout",
        "0.3.0",
        "flat_layout",
        "flat_layout/__init__.py",
        _fs("flat_layout/__init__.py", "flat_layout/core.py"),
        sdist_drop=_fs("docs/drafts/wip.md"),
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["flat_layout"]\nexclude = ["flat_layout/_dev_only.py"]\n',
    ),
    Fx(
        "single_module",
        "single-module",
        "2.0.0",
        "single_module",
        "single_module.py",
        _fs("single_module.py"),
        hatch='[tool.hatch.build.targets.wheel]\nonly-include = ["single_module.py"]\n',
    ),
    Fx(
        "namespace",
        "acme-plugins-foo",
        "0.1.0",
        "acme.plugins.foo",
        "acme/plugins/foo/__init__.py",
        _fs("acme/plugins/foo/__init__.py", "acme/plugins/foo/core.py"),
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["src/acme"]\n',
    ),
    Fx(
        "import_names",
        "acme-widgets",
        "0.6.0",
        "acme.widgets",
        "acme/widgets/__init__.py",
        _fs("acme/widgets/__init__.py", "acme/widgets/_speedups.py"),
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["src/acme"]\n',
    ),
    Fx(
        "package_data",
        "package-data",
        "1.0.0",
        "package_data",
        "package_data/__init__.py",
        _fs(
            "package_data/__init__.py",
            "package_data/py.typed",
            "package_data/data/schema.json",
            "package_data/data/nested/table.csv",
            "package_data/templates/base.txt",
        ),
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["package_data"]\n',
    ),
    Fx(
        "scripts",
        "scripts-demo",
        "0.5.0",
        "scripts_demo",
        "scripts_demo/__init__.py",
        _fs("scripts_demo/__init__.py", "scripts_demo/cli.py", "scripts_demo/gui.py", "scripts_demo/plugins.py"),
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["scripts_demo"]\n',
    ),
    Fx(
        "license_files",
        "license-files",
        "3.1.4",
        "license_files",
        "license_files/__init__.py",
        _fs("license_files/__init__.py"),
        license_files=("LICENSE", "LICENSES/Apache-2.0.txt", "LICENSES/MIT.txt", "NOTICE"),
        license_expression="MIT OR Apache-2.0",
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["license_files"]\n',
    ),
    Fx(
        "rst_readme",
        "rst-readme",
        "0.9.0",
        "rst_readme",
        "rst_readme/__init__.py",
        _fs("rst_readme/__init__.py"),
        content_type="text/x-rst",
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["rst_readme"]\n',
    ),
    Fx(
        "md_readme",
        "md-readme",
        "0.2.0",
        "md_readme",
        "md_readme/__init__.py",
        _fs("md_readme/__init__.py"),
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["md_readme"]\n',
    ),
    Fx(
        "optional_deps",
        "optional-deps",
        "1.0.0",
        "optional_deps",
        "optional_deps/__init__.py",
        _fs("optional_deps/__init__.py"),
        no_deps=True,
        extras=("dev-tools", "docs", "test-unit"),
        hatch='[tool.hatch.build.targets.wheel]\npackages = ["optional_deps"]\n',
    ),
    Fx(
        "gitignored",
        "gitignored",
        "0.4.0",
        "gitignored",
        "gitignored/__init__.py",
        _fs("gitignored/__init__.py", "gitignored/_build_info.json"),
        sdist_drop=_fs("gitignored/_generated.py", "build-output.log", "scratch/notes.txt"),
        prepare=_make_gitignored_files,
        hatch=(
            '[tool.hatch.build.targets.wheel]\npackages = ["gitignored"]\nartifacts = ["gitignored/_build_info.json"]\n'
        ),
    ),
    Fx(
        "data_mapping",
        "data-mapping",
        "0.7.0",
        "data_mapping",
        "data_mapping/__init__.py",
        _fs(
            "data_mapping/__init__.py",
            "data_mapping-0.7.0.data/scripts/data-mapping-tool",
            "data_mapping-0.7.0.data/data/etc/data_mapping/app.toml",
        ),
        hatch=(
            '[tool.hatch.build.targets.wheel]\npackages = ["data_mapping"]\n'
            '[tool.hatch.build.targets.wheel.shared-scripts]\n"bin/data-mapping-tool" = "data-mapping-tool"\n'
            '[tool.hatch.build.targets.wheel.shared-data]\n"etc/app.toml" = "etc/data_mapping/app.toml"\n'
        ),
    ),
]
FIXTURES_BY_DIR = {fx.dir: fx for fx in FIXTURE_LIST}
FIXTURE_IDS = [fx.dir for fx in FIXTURE_LIST]


def prepare_fixture(fx: Fx, dest: Path) -> Path:
    """Copy a fixture out of the repository (outside any git work tree) and finish it."""
    copy_tree(fx.source, dest)
    if fx.prepare:
        fx.prepare(dest)
    return dest


def expected_sdist_files(fx: Fx, tree: Path) -> set[str]:
    return (files_under(tree) - set(fx.sdist_drop)) | {"PKG-INFO"}


def is_stamped(source: str, version: str) -> bool:
    return re.search(rf'^__version__ = "{re.escape(version)}"$', source, re.MULTILINE) is not None


def iter_fixture_dirs() -> Iterable[Path]:
    return (FIXTURES / fx.dir for fx in FIXTURE_LIST)


# --------------------------------------------------------------------------- a real pypiserver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    """Until `url` answers (any HTTP status); fails when `proc` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


class PyPIServer:
    """pypiserver on 127.0.0.1 with htpasswd auth for uploads (`-a update`), files in `packages`.

    `stop()` closes its port; `start()` brings it back on the same port with the same files."""

    def __init__(self, base: Path, users: Mapping[str, str]) -> None:
        import warnings

        with warnings.catch_warnings():
            # passlib imports the `crypt` module (deprecated in 3.11-3.12; it copes with its absence).
            warnings.simplefilter("ignore", DeprecationWarning)
            from passlib.apache import HtpasswdFile

        self.htpasswd = base / "htpasswd"
        ht = HtpasswdFile(str(self.htpasswd), new=True)
        for user, password in users.items():
            ht.set_password(user, password)
        ht.save()
        self.packages = base / "packages"
        self.packages.mkdir()
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        exe = Path(sys.executable).parent / "pypi-server"
        cmd = [exe, "run", "--host", "127.0.0.1", "-p", self.port, "-P", self.htpasswd, "-a", "update", self.packages]
        self.proc = subprocess.Popen(
            [str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        wait_for(f"{self.url}/simple/", self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
