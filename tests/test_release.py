"""`cartwheel release` end to end, with real parts only.

A real git repository (tests/fixtures/release: rel-demo 0.1.0, a package with `__version__`, a
console script, a CHANGELOG with Unreleased entries) with a bare remote as `origin`; two real
indexes on 127.0.0.1: tests/_index.py (warehouse's upload rules) as the test index and a real
pypiserver as the real index, each with its own credentials from a .pypirc named by $PYPIRC;
tests/_github.py standing in for GitHub's releases API. Each test runs whole releases with the
session's cartwheel, breaks them at one step, asserts exactly what is left (work tree, git, the
remote, the state under .git/cartwheel-release, both indexes, GitHub), then fixes the cause and
goes on to the end (`--resume` after the first upload, a fresh run before it).

Every run asserts that no secret of the test appears in its output.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import re
import signal
import subprocess
import tarfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from _github import TOKEN as GITHUB_TOKEN
from _github import GitHub
from _index import Index
from _support import FIXTURES, GIT_ENV, PyPIServer, Venv, Wheel, clean_env, copy_tree, git, run, snapshot

TEST_PASSWORD = "rehearsal-Pa55word-0123456789"
REAL_PASSWORD = "production-Pa55word-9876543210"
SECRETS = [TEST_PASSWORD, REAL_PASSWORD, GITHUB_TOKEN]
OWNER_REPO = "ada/rel-demo"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "release"

STEPS = [
    "preflight",
    "checks",
    "bump",
    "build",
    "check",
    "smoke",
    "test-upload",
    "test-verify",
    "test-install",
    "upload",
    "verify",
    "install",
    "push",
    "notes",
    "github-release",
]
UPLOADS_FROM = STEPS.index("test-upload")

# The CHANGELOG section of the release: the notes.
NOTES = """\
### Added

- `rel-demo --shout` prints the greeting in capitals.

### Fixed

- `rel-demo` without arguments greets the world instead of nobody.
"""

UNDONE_EARLY = "Undone: nothing was changed, committed, tagged or sent."


def undone_bump(version: str) -> str:
    return f"Undone: the bump commit and the tag v{version} are removed, every file is as it was, nothing was sent."


def half_done(done: list[str]) -> str:
    return (
        f"The release is half done (done: {', '.join(done)}). Fix the cause, then `cartwheel release --resume` goes on."
    )


def wheel_name(version: str) -> str:
    return f"rel_demo-{version}-py3-none-any.whl"


def sdist_name(version: str) -> str:
    return f"rel_demo-{version}.tar.gz"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def today() -> str:
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def _not_for_release(key: str) -> bool:
    """Credentials, index and GitHub settings of the machine running the tests."""
    return key.startswith(
        ("CARTWHEEL_", "TWINE_", "ACTIONS_", "PYPI", "GITHUB_", "GIT_", "PIP_INDEX", "PIP_EXTRA")
    ) or (key.lower() in ("https_proxy", "http_proxy", "all_proxy", "pip_find_links", "pip_no_index"))


# --------------------------------------------------------------------------- the world of a test


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


@dataclass
class World:
    """The project's repository, its remote, both indexes and GitHub, for one test."""

    tmp: Path
    venv: Venv
    tree: Path
    remote: Path
    test: Index
    real: PyPIServer
    github: GitHub
    env: dict[str, str] = field(default_factory=dict)
    pid: int = 0  # the running release's

    # ---------------------------------------------------------------- running

    def release(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        on_line: Callable[[str], None] | None = None,
        default_args: bool = True,
        timeout: float = 900,
    ) -> Run:
        """`cartwheel release ARGS` in the project, stderr read line by line as it comes
        (`on_line` sees each line: a test takes an index down at a given point)."""
        base = ["--test-repository", "rehearsal", "--repository", "production", "--github-release"]
        cmd = [str(self.venv.python), "-m", "cartwheel", "release", *args, *(base if default_args else [])]
        full_env = {k: v for k, v in clean_env().items() if not _not_for_release(k)}
        full_env.update(self.env)
        full_env.update(env or {})
        proc = subprocess.Popen(
            cmd,
            cwd=self.tree,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # Its own process group, as a terminal's foreground job: Ctrl-C reaches it all.
            start_new_session=True,
        )
        self.pid = proc.pid
        out: list[str] = []
        reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)
        reader.start()
        timed_out = threading.Event()
        timer = threading.Timer(timeout, lambda: (timed_out.set(), proc.kill()))
        timer.start()
        err = []
        try:
            for line in proc.stderr:
                err.append(line)
                if on_line:
                    on_line(line.rstrip("\n"))
            proc.wait()
        finally:
            timer.cancel()
        reader.join()
        res = Run(proc.returncode, "".join(out), "".join(err))
        assert not timed_out.is_set(), f"killed after {timeout} s:\n{res.stderr}"
        for secret in SECRETS:
            assert secret not in res.stdout + res.stderr, f"a secret was shown:\n{res.stdout}\n{res.stderr}"
        return res

    def commit(self, rel: str, text: str, message: str) -> None:
        (self.tree / rel).write_text(text)
        git(self.tree, "commit", "-q", "-am", message)

    def edit(self, rel: str, old: str, new: str, message: str) -> None:
        text = (self.tree / rel).read_text()
        assert old in text, rel
        self.commit(rel, text.replace(old, new), message)

    def test_index_down(self) -> None:
        self.test.__exit__()

    def test_index_up(self) -> None:
        """The test index back on its port with its users and files (a new server)."""
        old = self.test
        self.test = Index(old.users, port=old.server.server_address[1]).__enter__()
        self.test.files.update(old.files)

    # ---------------------------------------------------------------- what is there

    def state_dir(self) -> Path:
        return self.tree / ".git" / "cartwheel-release"

    def state(self) -> dict:
        return json.loads((self.state_dir() / "state.json").read_text())

    def where(self) -> dict:
        """Everything a release can change, but the indexes: files, git, the remote."""
        files = {k: v for k, v in snapshot(self.tree).items() if k != ".git" and not k.startswith(".git/")}
        return {
            "files": files,
            "head": git(self.tree, "rev-parse", "HEAD"),
            "branch": git(self.tree, "symbolic-ref", "--short", "HEAD"),
            "tags": git(self.tree, "tag", "--list"),
            "status": git(self.tree, "status", "--porcelain"),
            "remote": self.remote_refs(),
            "state": self.state_dir().exists(),
        }

    def remote_refs(self) -> dict[str, str]:
        text = git(self.tree, "ls-remote", str(self.remote))
        return {ref: oid for oid, ref in (ln.split("\t") for ln in text.splitlines())}

    def test_files(self) -> dict[str, bytes]:
        return {name: data for name, (_, data) in self.test.files.items()}

    def real_files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.real.packages.iterdir())}

    def test_uploads(self) -> list[tuple[str, int]]:
        # An injected fault answers before the form is read: no file name.
        return [(r.fields[-1][1] if r.fields else "(unread)", r.answer) for r in self.test.uploads()]


PYPIRC = """\
[distutils]
index-servers =
    rehearsal
    production

[rehearsal]
repository = {test}
username = alice
password = {test_password}

[production]
repository = {real}/
username = bob
password = {real_password}
"""


@pytest.fixture
def world(tmp_path, cw_venv):
    tree = copy_tree(FIXTURES / "release", tmp_path / "rel-demo")
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "rel-demo 0.1.0")
    git(tree, "tag", "-a", "v0.1.0", "-m", "v0.1.0")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(tree, "remote", "add", "origin", str(remote))
    git(tree, "push", "-q", "-u", "origin", "main", "v0.1.0")
    # Untracked: a release never builds from the work tree, so this never reaches an index.
    (tree / "src" / "rel_demo" / "_scratch.py").write_text("SCRATCH = True\n")
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "real").mkdir()
    test = Index({"alice": TEST_PASSWORD})
    real = PyPIServer(tmp_path / "real", {"bob": REAL_PASSWORD})
    with test, real, GitHub() as github:
        pypirc = tmp_path / "pypirc"
        pypirc.write_text(
            PYPIRC.format(test=test.upload_url, test_password=TEST_PASSWORD, real=real.url, real_password=REAL_PASSWORD)
        )
        w = World(tmp_path, cw_venv, tree, remote, test, real, github)
        # The scratch folders (venvs, clones) of the releases that a test kills stay in the
        # test's own folder, not in the machine's temporary one.
        (tmp_path / "tmp").mkdir()
        w.env = {
            **GIT_ENV,
            "TMPDIR": str(tmp_path / "tmp"),
            "HOME": str(home),
            "PYPIRC": str(pypirc),
            "GITHUB_TOKEN": GITHUB_TOKEN,
            "GITHUB_API_URL": github.api_url,
            "GITHUB_REPOSITORY": OWNER_REPO,
        }
        try:
            yield w
        finally:
            w.test.__exit__()


# --------------------------------------------------------------------------- reading the output


def outcomes(run_: Run) -> list[tuple[str, str]]:
    """Each step as the progress lines tell it: (step, "done" | "failed" | "skipped: WHY"),
    checking that each step that ran was announced with `-> STEP` first."""
    got: list[tuple[str, str]] = []
    started = None
    for ln in run_.lines:
        m = re.fullmatch(r"-> ([a-z-]+)", ln)
        if m:
            assert started is None, f"{ln!r} while {started} runs:\n{run_.stderr}"
            started = m.group(1)
            continue
        m = re.fullmatch(r"<- ([a-z-]+) \(\d+\.\d\d s\): .+", ln) or re.fullmatch(r"!! ([a-z-]+) \(\d+\.\d\d s\)", ln)
        if m:
            assert m.group(1) == started, f"{ln!r} ends a step that did not start:\n{run_.stderr}"
            got.append((started, "done" if ln.startswith("<-") else "failed"))
            started = None
            continue
        m = re.fullmatch(r"-- ([a-z-]+) skipped: (.+)", ln)
        if m:
            got.append((m.group(1), f"skipped: {m.group(2)}"))
    return got


def done(steps: list[str]) -> list[tuple[str, str]]:
    return [(s, "done") for s in steps]


def skipped(steps: list[str], why: str) -> list[tuple[str, str]]:
    return [(s, f"skipped: {why}") for s in steps]


def until(step: str) -> list[str]:
    """The steps before `step`."""
    return STEPS[: STEPS.index(step)]


def after(step: str) -> list[str]:
    """The steps after `step`."""
    return STEPS[STEPS.index(step) + 1 :]


def assert_failed(
    run_: Run,
    step: str,
    cause: str,
    last: str,
    version: str = "0.2.0",
    stdout: str = "",
    mask: Callable[[str], str] = lambda text: text,
) -> None:
    """The run stopped at `step`: exit 1, `!! STEP`, then all that follows is the error naming
    step and cause, and `last` (stdout: nothing, or the JSON report). `mask` writes what changes
    from run to run in what follows `!! STEP` as placeholders."""
    assert run_.returncode == 1, run_.stderr
    assert outcomes(run_)[-1] == (step, "failed"), run_.stderr
    error = f"error: release of rel-demo {version} stopped at `{step}`: {cause}"
    # Everything after the `!! STEP (T s)` line: the error, whole, then `last`.
    tail = re.split(rf"^!! {re.escape(step)} \(\d+\.\d\d s\)\n", run_.stderr, flags=re.MULTILINE)[-1]
    assert mask(tail) == f"{error}{last}\n", run_.stderr
    assert run_.stdout == stdout


def assert_untouched(w: World, before: dict) -> None:
    """Nothing changed anywhere: files, git, remote; no state, no dist/; nothing sent."""
    assert w.where() == before
    assert not (w.tree / "dist").exists()
    assert w.test.uploads() == [] and w.real_files() == {}
    assert w.github.requests == []


def assert_half_done(w: World, before: dict, version: str = "0.2.0") -> None:
    """After the first upload: the bump commit and the tag are there, the state keeps the
    built files (their sha256 in it), the remote and dist/ are not touched yet."""
    tag = f"v{version}"
    assert git(w.tree, "rev-parse", "HEAD~1") == before["head"]
    assert git(w.tree, "describe", "--exact-match") == tag
    assert w.remote_refs() == before["remote"]
    assert not (w.tree / "dist").exists()
    kept = {p.name: p.read_bytes() for p in (w.state_dir() / "dist").iterdir()}
    assert sorted(kept) == sorted([wheel_name(version), sdist_name(version)])
    state_text = (w.state_dir() / "state.json").read_text()
    assert version in json.dumps(w.state())
    for data in kept.values():
        assert sha(data) in state_text


def assert_released(w: World, run_: Run, before: dict, version: str = "0.2.0", old: str = "0.1.0") -> None:
    """The end of a whole release, whatever the road: every place says `version`."""
    tag = f"v{version}"
    wheel, sdist, notes = wheel_name(version), sdist_name(version), f"RELEASE-NOTES-{version}.md"
    assert run_.returncode == 0, run_.stderr
    assert run_.lines[-3:] == [
        f"Released rel-demo {version} (tag {tag}): {w.real.url}/simple/rel-demo/",
        f"Release notes: dist/{notes}",
        f"GitHub release: {w.github.api_url}/{OWNER_REPO}/releases/tag/{tag}",
    ], run_.stderr
    # git: one commit on top of where the release started, the annotated tag on it, both pushed.
    assert git(w.tree, "log", "-1", "--format=%s") == f"Bump version: {old} → {version}"
    assert git(w.tree, "rev-parse", "HEAD~1") == before["head"]
    assert git(w.tree, "cat-file", "-t", tag) == "tag"
    assert git(w.tree, "rev-parse", f"{tag}^{{commit}}") == git(w.tree, "rev-parse", "HEAD")
    assert git(w.tree, "status", "--porcelain").splitlines() == ["?? dist/", "?? src/rel_demo/_scratch.py"]
    assert git(w.tree, "diff", "--name-only", "HEAD~1", "HEAD").splitlines() == [
        "CHANGELOG.md",
        "pyproject.toml",
        "src/rel_demo/__init__.py",
    ]
    remote = w.remote_refs()
    assert remote["refs/heads/main"] == git(w.tree, "rev-parse", "HEAD")
    assert remote[f"refs/tags/{tag}"] == git(w.tree, "rev-parse", tag)
    # The three files the bump edits, whole.
    assert git(w.tree, "show", "HEAD~1:pyproject.toml").replace(f'version = "{old}"', f'version = "{version}"', 1) == (
        (w.tree / "pyproject.toml").read_text().rstrip("\n")
    )
    assert (w.tree / "src/rel_demo/__init__.py").read_text() == (
        f'"""rel-demo: released by the tests of `cartwheel release`."""\n\n__version__ = "{version}"\n'
    )
    assert (w.tree / "CHANGELOG.md").read_text() == (FIXTURES / "release" / "CHANGELOG.md").read_text().replace(
        "## [Unreleased]\n", f"## [Unreleased]\n\n## [{version}] - {today()}\n"
    ).replace(
        "[Unreleased]: https://example.org/rel-demo/compare/v0.1.0...HEAD\n",
        f"[Unreleased]: https://example.org/rel-demo/compare/{tag}...HEAD\n"
        f"[{version}]: https://example.org/rel-demo/compare/v0.1.0...{tag}\n",
    )
    # dist/: the built files and the notes; the notes are the CHANGELOG section.
    dist = {p.name: p.read_bytes() for p in (w.tree / "dist").iterdir()}
    assert sorted(dist) == sorted([wheel, sdist, notes])
    assert dist[notes].decode().strip("\n") == NOTES.strip("\n")
    # The same bytes on both indexes.
    assert {n: w.test_files()[n] for n in (wheel, sdist)} == {wheel: dist[wheel], sdist: dist[sdist]}
    assert {n: w.real_files()[n] for n in (wheel, sdist)} == {wheel: dist[wheel], sdist: dist[sdist]}
    # Built from the tag, not the work tree: no untracked file; the version stamped.
    built = Wheel(w.tree / "dist" / wheel)
    assert "rel_demo/_scratch.py" not in built.names
    assert f'\n__version__ = "{version}"\n' in built.text("rel_demo/__init__.py")
    with tarfile.open(w.tree / "dist" / sdist) as tf:
        assert not [n for n in tf.getnames() if "_scratch" in n]
    # ... reproducibly: the tag's export built at the commit's time gives the same bytes.
    export = w.tmp / f"export-{version}"
    export.mkdir()
    archive = w.tmp / f"export-{version}.tar"
    git(w.tree, "archive", "-o", str(archive), tag)
    with tarfile.open(archive) as tf:
        tf.extractall(export, filter="data")
    epoch = git(w.tree, "log", "-1", "--format=%ct", tag)
    if "-> build" in run_.lines:  # this run built them (a resume does not)
        assert f"(SOURCE_DATE_EPOCH={epoch})" in run_.stderr
    out = w.tmp / f"rebuilt-{version}"
    run([w.venv.python, "-m", "cartwheel", "build", export, "-o", out], env={"SOURCE_DATE_EPOCH": epoch})
    assert {p.name: sha(p.read_bytes()) for p in out.iterdir()} == {n: sha(dist[n]) for n in (wheel, sdist)}
    # GitHub: the release of the tag, the notes as its body, both files as assets.
    release = w.github.release(*OWNER_REPO.split("/"), tag)
    assert release is not None
    assert (release.name, release.draft, release.prerelease) == (f"rel-demo {version}", False, False)
    assert release.body.strip("\n") == NOTES.strip("\n")
    assert release.assets == {wheel: dist[wheel], sdist: dist[sdist]}
    # Done: no state left.
    assert not w.state_dir().exists()


def assert_github_wire(w: World, tag: str = "v0.2.0") -> None:
    """The requests GitHub got: the release created once, then each file uploaded once."""
    created = [c for c in w.github.requests if c.method == "POST" and c.path.endswith("/releases")]
    assert [c.answer for c in created] == [201]
    c = created[0]
    assert c.path == f"/repos/{OWNER_REPO}/releases"
    assert c.header("Authorization") == f"Bearer {GITHUB_TOKEN}"
    assert c.header("Accept") == "application/vnd.github+json"
    assert c.header("X-GitHub-Api-Version") == "2022-11-28"
    assert sorted(c.json) == ["body", "draft", "name", "prerelease", "tag_name"]
    assert (c.json["tag_name"], c.json["draft"], c.json["prerelease"]) == (tag, False, False)
    uploads = [x for x in w.github.requests if x.path.startswith("/uploads/")]
    version = tag[1:]
    assert sorted((x.path, x.answer) for x in uploads) == [
        (f"/uploads/repos/{OWNER_REPO}/releases/1/assets?name={wheel_name(version)}", 201),
        (f"/uploads/repos/{OWNER_REPO}/releases/1/assets?name={sdist_name(version)}", 201),
    ]
    for x in uploads:
        assert x.header("Content-Type") == "application/octet-stream"
        assert x.header("Authorization") == f"Bearer {GITHUB_TOKEN}"


def masked(w: World, text: str) -> str:
    """The output with what changes from run to run written as <...>: times, ports, folders,
    hashes, sizes, the date and the Python version."""
    text = re.sub(r"\(\d+\.\d\d s\)", "(T s)", text)
    text = re.sub(r"SOURCE_DATE_EPOCH=\d+", "SOURCE_DATE_EPOCH=<commit time>", text)
    for value, name in (
        (w.test.url, "<test-index>"),
        (w.real.url, "<real-index>"),
        (w.github.api_url, "<github>"),
        (str(w.tmp), "<tmp>"),
        (str(w.venv.path), "<cw-venv>"),
        (today(), "<date>"),
        (platform.python_version(), "<python-version>"),
    ):
        text = text.replace(value, name)
    text = re.sub(r"\b(?=[0-9a-f]*[0-9])[0-9a-f]{7,64}\b", "<hash>", text)
    return re.sub(r"\b\d+(?:\.\d+)? (?:B|KiB|MiB)\b", "<size>", text)


def check_snapshot(name: str, text: str) -> None:
    """`text` is tests/snapshots/release/NAME.txt; `CARTWHEEL_UPDATE_SNAPSHOTS=1` rewrites it."""
    import os

    expected = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("CARTWHEEL_UPDATE_SNAPSHOTS") == "1":
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(text)
    assert text == expected.read_text()


# --------------------------------------------------------------------------- the whole release


def test_a_whole_release(world):
    w = world
    before = w.where()
    assert before["status"] == "?? src/rel_demo/_scratch.py"
    proc = w.release("minor")
    assert outcomes(proc) == done(STEPS), proc.stderr
    assert_released(w, proc, before)
    # The notes on stdout, nothing else.
    assert proc.stdout.strip("\n") == NOTES.strip("\n")
    # Each file sent once to each index, with the test index's own record of it.
    assert w.test_uploads() == [(wheel_name("0.2.0"), 200), (sdist_name("0.2.0"), 200)]
    assert_github_wire(w)
    # The whole of stderr, times and run-specific values masked.
    check_snapshot("whole-release", masked(w, proc.stderr))


def test_dry_run_changes_nothing_anywhere(world):
    w = world
    before = w.where()
    proc = w.release("minor", "--dry-run", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert outcomes(proc) == done(until("test-upload")) + skipped(STEPS[UPLOADS_FROM:], "dry run"), proc.stderr
    assert proc.lines[-1] == "Dry run: every check passed; nothing was committed, tagged, sent or pushed"
    report = json.loads(proc.stdout)
    assert (report["status"], report["failed_step"], report["error"]) == ("dry-run", None, None)
    assert [(s["step"], s["status"]) for s in report["steps"]] == [
        (step, "done" if i < UPLOADS_FROM else "skipped") for i, step in enumerate(STEPS)
    ]
    assert sorted(f["name"] for f in report["files"]) == [wheel_name("0.2.0"), sdist_name("0.2.0")]
    assert_untouched(w, before)
    # The indexes were asked (is the version there yet?) but nothing was sent to them.
    assert all(r.method == "GET" for r in w.test.requests)

    # No credentials for the real index (trusted publishing on CI is the only way in): the dry
    # run says a release would stop there and goes on; the release itself stops in preflight.
    pypirc = Path(w.env["PYPIRC"])
    pypirc.write_text(re.sub(r"(\[production\]\nrepository = .*\n)username = bob\npassword = .*\n", r"\1", pypirc.read_text()))
    missing = (
        f"no credentials for the index {w.real.url}/ (a .pypirc section through --repository, CARTWHEEL_TOKEN, "
        "CARTWHEEL_USERNAME/CARTWHEEL_PASSWORD, TWINE_USERNAME/TWINE_PASSWORD, or trusted publishing on "
        "GitHub Actions / GitLab CI)"
    )
    proc = w.release("minor", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert f"warning: {missing}: a release would stop here; the dry run goes on" in proc.lines, proc.stderr
    assert proc.lines[-1] == "Dry run: every check passed; nothing was committed, tagged, sent or pushed"
    assert_untouched(w, before)
    proc = w.release("minor")
    assert_failed(proc, "preflight", missing + "\n", UNDONE_EARLY)
    assert_untouched(w, before)
    assert REAL_PASSWORD not in proc.stderr + proc.stdout


# --------------------------------------------------------------------------- preflight and checks


DIRTY = "modified tracked file"
FAILING_CHECK = "failing check"
ON_THE_INDEX = "version on the test index"


@pytest.mark.parametrize("case", [DIRTY, FAILING_CHECK, ON_THE_INDEX])
def test_refused_before_anything_changes(case, world):
    w = world
    version = "0.2.0"
    if case == DIRTY:
        (w.tree / "README.md").write_text((w.tree / "README.md").read_text() + "\nA line not committed.\n")
        step = "preflight"
        cause = (
            "the work tree has changes to tracked files; commit or stash them first "
            "(untracked files are fine: they never reach the build):\n M README.md\n"
        )
    elif case == FAILING_CHECK:
        w.edit(
            "pyproject.toml",
            "checks = [\"grep -q 'MIT License' LICENSE\"]",
            "checks = [\"grep -q 'MIT License' LICENSE\", "
            '"echo lint: 2 problems; echo bad.py:1:1: E999 SyntaxError >&2; exit 3"]',
            "A lint check",
        )
        step = "checks"
        # The check's own output, both streams.
        cause = (
            "the check `echo lint: 2 problems; echo bad.py:1:1: E999 SyntaxError >&2; exit 3` failed "
            "(exit status 3); its output:\n  lint: 2 problems\n  bad.py:1:1: E999 SyntaxError\n"
        )
    else:
        w.test.files[sdist_name(version)] = ("rel-demo", b"an older upload of 0.2.0")
        step = "preflight"
        cause = (
            f"rel-demo 0.2.0 is already on the test index ({w.test.url}/simple/, e.g. rel_demo-0.2.0.tar.gz): "
            "an index never takes a version back; release another version\n"
        )
    before = w.where()
    proc = w.release("minor")
    assert outcomes(proc) == done(until(step)) + [(step, "failed")], proc.stderr
    assert_failed(proc, step, cause, UNDONE_EARLY)
    if case == FAILING_CHECK:
        # Each check's output is shown as it comes, both streams in the order printed.
        shown = (
            "-> checks\n"
            "   $ grep -q 'MIT License' LICENSE\n"
            "   $ echo lint: 2 problems; echo bad.py:1:1: E999 SyntaxError >&2; exit 3\n"
            "     lint: 2 problems\n"
            "     bad.py:1:1: E999 SyntaxError\n"
            "!! checks ("
        )
        assert shown in proc.stderr, proc.stderr
    assert_untouched(w, before)
    if case == ON_THE_INDEX:
        assert w.test_files() == {sdist_name(version): b"an older upload of 0.2.0"}

    # The cause fixed, the release goes through.
    if case == DIRTY:
        git(w.tree, "commit", "-q", "-am", "README: one more line")
    elif case == FAILING_CHECK:
        git(w.tree, "revert", "--no-edit", "HEAD")
    else:
        version = "0.3.0"  # an index never takes a file name back: the next version
    before = w.where()
    proc = w.release(version if case == ON_THE_INDEX else "minor")
    assert outcomes(proc) == done(STEPS), proc.stderr
    assert_released(w, proc, before, version)


# --------------------------------------------------------------------------- undone: check, smoke


BAD_README = "a README `cartwheel check --strict` fails"
CRASHING_SCRIPT = "a console script that crashes"


@pytest.mark.parametrize("case", [BAD_README, CRASHING_SCRIPT])
def test_a_failure_before_the_uploads_is_undone(case, world):
    w = world
    if case == BAD_README:
        w.edit("README.md", "once per test.", "once per test; see [the guide](docs/guide.md).", "README: a link")
        step = "check"
        cause = (
            f"{sdist_name('0.2.0')} fails `cartwheel check --strict`:\n"
            f"  Checking {sdist_name('0.2.0')}: FAILED due to warnings\n"
            "    warning[D001] README line 3: relative link `docs/guide.md` points nowhere on PyPI: use an absolute URL\n"
        )
    else:
        w.edit(
            "src/rel_demo/cli.py",
            "    parser = argparse",
            '    raise RuntimeError("the greeting table is missing")\n    parser = argparse',
            "cli: a crash",
        )
        step = "smoke"
        # The command's output (Python's traceback) is checked below.
        cause = (
            "the wheel on Python <python-version>: `rel-demo --help` (exit status 1)\n"
            "  command: <tmp>/tmp/cartwheel-release-<id>/smoke-0-wheel/venv/bin/rel-demo --help\n"
            "  output:\n"
            "    <output>\n"
        )
    before = w.where()
    proc = w.release("minor")
    assert outcomes(proc) == done(until(step)) + [(step, "failed")], proc.stderr

    def mask(text: str) -> str:
        text = re.sub(r"(?<=/cartwheel-release-)\d+-\w+/", "<id>/", masked(w, text))
        return re.sub(r"(?<=\n  output:\n)(?:    .*\n)+", "    <output>\n", text)

    assert_failed(proc, step, cause, undone_bump("0.2.0"), mask=mask)
    if case == CRASHING_SCRIPT:
        # The command's output: the traceback.
        assert "    RuntimeError: the greeting table is missing" in proc.lines
    # The bump commit and the tag are gone, every file byte for byte as it was.
    assert_untouched(w, before)

    git(w.tree, "revert", "--no-edit", "HEAD")
    before = w.where()
    proc = w.release("minor")
    assert outcomes(proc) == done(STEPS), proc.stderr
    assert_released(w, proc, before)


# --------------------------------------------------------------------------- half done: resume


def resumed(first_not_done: str) -> list[tuple[str, str]]:
    """What `--resume` does: the steps done before are skipped, the rest run."""
    i = STEPS.index(first_not_done)
    return skipped(STEPS[:i], "done before (resume)") + done(STEPS[i:])


def resume_to_the_end(w: World, before: dict, first_not_done: str, *args: str) -> Run:
    """`cartwheel release --resume ARGS` runs the steps from `first_not_done` and ends the release;
    each file went to the test index once (a resume never sends what the index has)."""
    proc = w.release("--resume", *args)
    assert outcomes(proc) == resumed(first_not_done), proc.stderr
    assert_released(w, proc, before)
    if "json" not in args:
        assert proc.stdout.strip("\n") == NOTES.strip("\n")
    assert w.test_uploads() == [(wheel_name("0.2.0"), 200), (sdist_name("0.2.0"), 200)]
    return proc


def unreachable(url: str) -> str:
    """The cause of an upload to an index whose port is closed."""
    return (
        f"{url} refused or unreachable: {wheel_name('0.2.0')}: {url}: Connection Failed: Connect error: "
        f"Connection refused (os error 111) (after 3 tries); {sdist_name('0.2.0')}: not sent: "
        f"{wheel_name('0.2.0')} failed\n"
    )


def test_test_index_down(world):
    w = world
    before = w.where()

    def take_down(line: str) -> None:
        # The test index is asked nothing between the preflight and the test upload.
        if line.startswith("<- preflight "):
            w.test_index_down()

    proc = w.release("minor", on_line=take_down)
    assert outcomes(proc) == done(until("test-upload")) + [("test-upload", "failed")], proc.stderr
    cause = unreachable(w.test.upload_url)
    assert_failed(proc, "test-upload", cause, half_done(["nothing yet"]))
    assert_half_done(w, before)
    assert w.real_files() == {} and w.github.requests == []

    w.test_index_up()
    resume_to_the_end(w, before, "test-upload")


def test_test_index_refuses_the_sdist_then_resume_skips_the_wheel(world):
    w = world
    before = w.where()
    w.test.faults = [None, 400]  # the wheel goes through, the sdist is refused
    proc = w.release("minor")
    cause = f"{w.test.upload_url} refused or unreachable: {sdist_name('0.2.0')}: 400 Injected fault\n"
    assert_failed(proc, "test-upload", cause, half_done(["nothing yet"]))
    assert_half_done(w, before)
    assert w.test_uploads() == [(wheel_name("0.2.0"), 200), ("(unread)", 400)]
    assert sorted(w.test_files()) == [wheel_name("0.2.0")]

    proc = w.release("--resume")
    assert outcomes(proc) == resumed("test-upload"), proc.stderr
    assert_released(w, proc, before)
    # The wheel the index already had byte for byte was not sent again.
    assert w.test_uploads() == [(wheel_name("0.2.0"), 200), ("(unread)", 400), (sdist_name("0.2.0"), 200)]


def test_real_index_down(world):
    """Killed after the test install, the real index goes down: `--resume` stops at the upload
    (resumable again); with the index back, `--resume` finishes."""
    w = world
    before = w.where()
    proc = w.release("minor", env={"CARTWHEEL_TEST_RELEASE_KILL": "test-install"})
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert outcomes(proc) == done(until("upload")), proc.stderr
    assert_half_done(w, before)
    w.real.stop()
    proc = w.release("--resume")
    assert outcomes(proc) == resumed("upload")[: STEPS.index("upload")] + [("upload", "failed")], proc.stderr
    cause = unreachable(f"{w.real.url}/")
    assert_failed(proc, "upload", cause, half_done(STEPS[UPLOADS_FROM : STEPS.index("upload")]))
    assert_half_done(w, before)

    w.real.start()
    resume_to_the_end(w, before, "upload")


def test_push_rejected_then_resume_with_json(world):
    w = world
    hook = w.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed for the freeze' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = w.where()
    proc = w.release("minor", "--format", "json")
    assert outcomes(proc) == done(until("push")) + [("push", "failed")], proc.stderr
    half = half_done(STEPS[UPLOADS_FROM : STEPS.index("push")])
    # git's own account of the refusal, the hook's message in it.
    cause = (
        "the push to `origin` was refused: `git push --quiet --atomic origin refs/heads/main:refs/heads/main "
        "refs/tags/v0.2.0:refs/tags/v0.2.0` failed: remote: pushes are closed for the freeze\n"
        f"  To {w.remote}\n"
        "   ! [remote rejected] main -> main (pre-receive hook declined)\n"
        "   ! [remote rejected] v0.2.0 -> v0.2.0 (pre-receive hook declined)\n"
        f"  error: failed to push some refs to '{w.remote}'"
    )
    assert_failed(proc, "push", cause + "\n", half, stdout=proc.stdout)
    report = json.loads(proc.stdout)
    assert_json_report(w, report, "failed", "push")
    assert (report["error"], report["aftermath"]) == (cause, half)
    assert_half_done(w, before)
    assert sorted(w.real_files()) == sorted([wheel_name("0.2.0"), sdist_name("0.2.0")])

    # Without --resume: refused, nothing touched.
    state = w.where()
    again = w.release("minor")
    assert again.returncode == 1
    assert again.lines[-1] == (
        "error: a release of rel-demo 0.2.0 is half done (done: "
        + ", ".join(STEPS[UPLOADS_FROM : STEPS.index("push")])
        + "): `cartwheel release --resume` goes on with it"
    )
    assert w.where() == state

    hook.unlink()
    proc = resume_to_the_end(w, before, "push", "--format", "json")
    report = json.loads(proc.stdout)
    assert_json_report(w, report, "released", None)
    assert_github_wire(w)


def assert_json_report(w: World, report: dict, status: str, failed_step: str | None) -> None:
    kept = w.state_dir() / "dist" if w.state_dir().exists() else w.tree / "dist"
    # The contract's keys, and two more: github_url and aftermath (the line after the error).
    assert sorted(report) == sorted(
        ["name", "version", "tag", "status", "failed_step", "steps", "files", "notes_file", "url", "error"]
        + ["github_url", "aftermath"]
    )
    assert (report["name"], report["version"], report["tag"]) == ("rel-demo", "0.2.0", "v0.2.0")
    assert (report["status"], report["failed_step"]) == (status, failed_step)
    reached = STEPS[: STEPS.index(failed_step) + 1] if failed_step else STEPS
    assert [s["step"] for s in report["steps"]] == reached
    for s in report["steps"]:
        assert sorted(s) == ["detail", "seconds", "status", "step"]
        assert s["status"] in ("done", "skipped", "failed")
        assert isinstance(s["seconds"], (int, float)) and isinstance(s["detail"], str)
    assert sorted(report["files"], key=lambda f: f["name"]) == [
        {"name": n, "sha256": sha((kept / n).read_bytes()), "size": (kept / n).stat().st_size}
        for n in (wheel_name("0.2.0"), sdist_name("0.2.0"))
    ]
    if status == "released":
        assert report["steps"][-1]["status"] == "done" and report["error"] is None
        assert report["url"] == f"{w.real.url}/simple/rel-demo/"
        assert report["notes_file"] == "dist/RELEASE-NOTES-0.2.0.md"
    else:
        assert report["steps"][-1]["status"] == "failed" and isinstance(report["error"], str)


# --------------------------------------------------------------------------- SIGKILL between steps


@pytest.mark.parametrize("step", ["bump", "smoke", "test-upload", "upload", "push"])
def test_killed_after_a_step(step, world):
    w = world
    before = w.where()
    proc = w.release("minor", env={"CARTWHEEL_TEST_RELEASE_KILL": step})
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert outcomes(proc) == done(until(step) + [step]), proc.stderr
    # The bump is committed and tagged, the state saved.
    assert git(w.tree, "rev-parse", "HEAD~1") == before["head"]
    assert git(w.tree, "describe", "--exact-match") == "v0.2.0"
    assert w.state()["version"] == "0.2.0"
    uploaded = sorted([wheel_name("0.2.0"), sdist_name("0.2.0")])
    assert sorted(w.test_files()) == (uploaded if STEPS.index(step) >= UPLOADS_FROM else [])
    assert sorted(w.real_files()) == (uploaded if STEPS.index(step) >= STEPS.index("upload") else [])
    remote = w.remote_refs()
    if STEPS.index(step) < STEPS.index("push"):
        assert remote == before["remote"]
    else:
        assert remote["refs/tags/v0.2.0"] == git(w.tree, "rev-parse", "v0.2.0")

    if step == "smoke":
        # Nothing was sent: `--resume` undoes it, and says there is nothing to resume.
        proc = w.release("--resume")
        assert proc.returncode == 1
        assert proc.lines == [
            "note: undid the release of 0.2.0 interrupted before its first upload",
            "error: nothing to resume: the release of 0.2.0 had not uploaded anything and is undone; start it again",
        ]
        assert w.where() == before
    if STEPS.index(step) < UPLOADS_FROM:
        # Before the first upload: the next release undoes it first, then releases.
        proc = w.release("minor")
        if step != "smoke":  # (there `--resume` undid it)
            assert proc.lines[0] == "note: undid the release of 0.2.0 interrupted before its first upload", proc.stderr
        assert outcomes(proc) == done(STEPS), proc.stderr
        assert_released(w, proc, before)
        assert w.test_uploads() == [(wheel_name("0.2.0"), 200), (sdist_name("0.2.0"), 200)]
    else:
        if step == "upload":
            refuses_to_resume_what_was_changed(w)
        resume_to_the_end(w, before, after(step)[0])


def refuses_to_resume_what_was_changed(w: World) -> None:
    """After uploads, `--resume` goes on only with what was released: a built file whose bytes
    changed, a tag that moved or is gone are refused, touching nothing; put back, it resumes."""
    tag_object = git(w.tree, "rev-parse", "refs/tags/v0.2.0")
    commit = git(w.tree, "rev-parse", "v0.2.0^{commit}")
    wheel = w.state_dir() / "dist" / wheel_name("0.2.0")
    built = wheel.read_bytes()
    state, files = w.state(), (w.test_files(), w.real_files())

    def refused(error: str) -> None:
        proc = w.release("--resume")
        assert proc.returncode == 1, proc.stderr
        assert proc.lines[-1] == f"error: {error}", proc.stderr
        assert (w.state(), (w.test_files(), w.real_files())) == (state, files)

    changed = built + b"\0"
    wheel.write_bytes(changed)
    refused(f"{wheel} is not the file that was built (sha256 {sha(changed)}, built {sha(built)}): it cannot be resumed")
    wheel.write_bytes(built)
    git(w.tree, "tag", "-f", "-a", "v0.2.0", "-m", "moved", "HEAD~1")
    refused(f"the tag v0.2.0 no longer points at the release's commit {commit}")
    git(w.tree, "tag", "-d", "v0.2.0")
    refused("the tag v0.2.0 of the release is gone: it cannot be resumed")
    git(w.tree, "update-ref", "refs/tags/v0.2.0", tag_object)


# --------------------------------------------------------------------------- fewer steps


def test_no_test_index_no_push_index_by_url(world):
    """`--no-test-index --no-push`, the real index by URL with the credentials of `cartwheel
    publish` (TWINE_*), no GitHub: those steps are skipped and say why; TWINE_REPOSITORY_URL,
    which would make both indexes one, is not read."""
    w = world
    before = w.where()
    env = {"TWINE_USERNAME": "bob", "TWINE_PASSWORD": REAL_PASSWORD, "TWINE_REPOSITORY_URL": w.test.upload_url}
    args = ["patch", "--no-test-index", "--no-push", "--repository-url", f"{w.real.url}/"]
    proc = w.release(*args, env=env, default_args=False)
    assert proc.returncode == 0, proc.stderr
    assert outcomes(proc) == (
        done(until("test-upload"))
        + skipped(["test-upload", "test-verify", "test-install"], "--no-test-index")
        + done(["upload", "verify", "install"])
        + skipped(["push"], "--no-push")
        + done(["notes"])
        + skipped(["github-release"], "no --github-release")
    ), proc.stderr
    assert proc.lines[-2:] == [
        f"Released rel-demo 0.1.1 (tag v0.1.1): {w.real.url}/simple/rel-demo/",
        "Release notes: dist/RELEASE-NOTES-0.1.1.md",
    ]
    assert proc.stdout.strip("\n") == NOTES.strip("\n")
    # Committed and tagged here only; the test index and GitHub never asked.
    assert git(w.tree, "rev-parse", "HEAD~1") == before["head"]
    assert git(w.tree, "describe", "--exact-match") == "v0.1.1"
    assert w.remote_refs() == before["remote"]
    assert w.test.requests == [] and w.github.requests == []
    dist = {p.name: p.read_bytes() for p in (w.tree / "dist").iterdir()}
    assert sorted(dist) == sorted([wheel_name("0.1.1"), sdist_name("0.1.1"), "RELEASE-NOTES-0.1.1.md"])
    assert w.real_files() == {n: dist[n] for n in (wheel_name("0.1.1"), sdist_name("0.1.1"))}
    assert not w.state_dir().exists()


def github_calls(w: World) -> list[str]:
    """GitHub's requests as `METHOD WHAT STATUS`: the release, an asset, the release by tag, a
    starter asset deleted."""
    what = {
        f"/repos/{OWNER_REPO}/releases": "release",
        f"/uploads/repos/{OWNER_REPO}/releases/1/assets": "asset",
        f"/repos/{OWNER_REPO}/releases/tags/v0.2.0": "tag",
    }
    out = []
    for c in w.github.requests:
        path = c.path.split("?")[0]
        starter = re.fullmatch(rf"/repos/{OWNER_REPO}/releases/assets/\d+", path)
        out.append(f"{c.method} {'starter' if starter else what.get(path, c.path)} {c.answer}")
    return out


def test_github_refuses_an_asset_then_resume_reuses_the_release(world):
    """GitHub refuses the second file: half done; `--resume` finds the release of the tag
    (422 already_exists, then GET by tag), leaves the asset it has and sends the other."""
    w = world
    before = w.where()
    w.github.faults = [None, None, 403]  # the release, the first file, then a refusal
    proc = w.release("minor")
    assert outcomes(proc) == done(until("github-release")) + [("github-release", "failed")], proc.stderr
    assert proc.returncode == 1 and proc.lines[-1] == half_done(STEPS[UPLOADS_FROM : STEPS.index("github-release")])
    first = next(c for c in w.github.requests if c.path.startswith("/uploads/"))
    name = first.path.rsplit("=", 1)[1]
    assert sorted(w.github.release("ada", "rel-demo", "v0.2.0").assets) == [name]
    assert w.state_dir().exists()

    proc = w.release("--resume")
    assert github_calls(w) == [
        "POST release 201", "POST asset 201", "POST asset 403", "POST release 422", "GET tag 200", "POST asset 201"
    ]
    assert w.github.requests[-1].path.endswith(f"?name={({wheel_name('0.2.0'), sdist_name('0.2.0')} - {name}).pop()}")
    assert outcomes(proc) == resumed("github-release"), proc.stderr
    assert_released(w, proc, before)
    assert proc.stdout.strip("\n") == NOTES.strip("\n")


@pytest.mark.parametrize("fault", [502, "partial"])
def test_github_5xx_on_an_asset_is_retried(fault, world):
    """GitHub answers 502 to the second file once, having kept nothing or (`partial`) half of it
    as a `starter` asset that holds the name: the release asks what the release holds, deletes a
    starter, sends the file again and finishes, saying so; no resume needed."""
    w = world
    before = w.where()
    w.github.faults = [None, None, fault]
    proc = w.release("minor")
    assert outcomes(proc) == done(STEPS), proc.stderr
    assert_released(w, proc, before)
    again = ["GET tag 200"] + (["DELETE starter 204"] if fault == "partial" else []) + ["POST asset 201"]
    assert github_calls(w) == ["POST release 201", "POST asset 201", "POST asset 502", *again]
    # Both assets whole, as built.
    release = w.github.release("ada", "rel-demo", "v0.2.0")
    built = w.tree / "dist"
    assert release.starters == set()
    assert release.assets == {n: (built / n).read_bytes() for n in (wheel_name("0.2.0"), sdist_name("0.2.0"))}
    retry = [ln for ln in proc.lines if "; try 2 in " in ln]
    assert len(retry) == 1 and retry[0].startswith("   POST http://127.0.0.1:"), proc.stderr
    assert "502 Bad Gateway: Server Error; try 2 in " in retry[0], proc.stderr


@pytest.mark.parametrize(
    ("whom", "when"),
    [
        # A terminal's Ctrl-C: the whole process group, the smoke test's import check included.
        ("group", "   import rel_demo"),
        # `kill -INT PID`, or Ctrl-C landing while no child runs: cartwheel alone, in `check`.
        ("process", "-> check"),
    ],
)
def test_ctrl_c(whom, when, world):
    """SIGINT before the first upload: the release stops soon, sends nothing, and leaves either
    everything as it was or a state the next release undoes; then it goes through."""
    w = world
    before = w.where()

    def interrupt(line: str) -> None:
        if line == when:
            os.killpg(w.pid, signal.SIGINT) if whom == "group" else os.kill(w.pid, signal.SIGINT)

    started = time.monotonic()
    proc = w.release("minor", on_line=interrupt)
    assert time.monotonic() - started < 120
    assert proc.returncode != 0, proc.stderr
    assert w.test.uploads() == [] and w.real_files() == {} and w.github.requests == [], proc.stderr
    assert w.remote_refs() == before["remote"]
    # What the user reads ends with what is left, not with a Python traceback.
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr, proc.stderr
    left = w.where()
    if left["state"]:  # stopped without undoing: the next release does
        proc = w.release("minor")
        assert proc.lines[0] == "note: undid the release of 0.2.0 interrupted before its first upload", proc.stderr
    else:
        assert left == before
        assert proc.lines[-1] == undone_bump("0.2.0"), proc.stderr
        proc = w.release("minor")
    assert outcomes(proc) == done(STEPS), proc.stderr
    assert_released(w, proc, before)
