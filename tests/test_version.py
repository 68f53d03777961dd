"""One version everywhere: version sources (git above all), stamps, `cartwheel version` and `bump`.

Git repositories are real, made in temp dirs with an isolated git configuration.
"""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import pytest

from _support import (
    GIT_ENV,
    GIT_VERSION,
    ROOT,
    Sdist,
    Venv,
    Wheel,
    copy_tree,
    git,
    git_repo,
    only_file,
    run,
    snapshot,
)
from conftest import cli_build, frontend_build

ACME = ROOT / "examples" / "acme-sdk"
# 2026-11-24 12:00 UTC: the changelog date of every bump here.
EPOCH = "1795521600"
TODAY = "2026-11-24"
# The snippet under every error about the git_version template's `source = "git"`.
SOURCE_GIT = ("   |", '13 | source = "git"', "   |          ^^^^^")


def cw(venv: Venv, *args, cwd=None, env=None, check=True):
    """`python -m cartwheel ARGS` with git isolated."""
    return run([venv.python, "-m", "cartwheel", *args], cwd=cwd, env={**GIT_ENV, **(env or {})}, check=check)


def version(venv: Venv, tree: Path, *args: str) -> str:
    return cw(venv, "version", tree, *args).stdout.strip()


def stream(*lines: str) -> str:
    """The text a command writes as these lines, each ended by a newline."""
    return "".join(f"{line}\n" for line in lines)


def normalised(text: str, tmp: Path) -> str:
    """`text` with what changes from run to run written as <...>: the test's temp folder, the
    random part of a temporary file's name and the sizes of built artifacts."""
    text = text.replace(str(tmp), "<tmp>")
    text = re.sub(r"\.[0-9A-Za-z]{6}\.tmp\b", ".<random>.tmp", text)
    # A size moves with any change to the archive writer; the file count is what these tests mean.
    return re.sub(r"\(\d+(?:\.\d+)? (?:B|KiB|MiB), ", "(<size>, ", text)


def empty_unreleased(changelog: str, version: str, line: int) -> tuple[str, ...]:
    """The warning lines `cartwheel bump` prints for an empty Unreleased section of `changelog`."""
    return (
        f"warning: {changelog}:{line}:1: the Unreleased section is empty: {version}'s section lists no changes",
        "  |",
        f"{line} | ## [Unreleased]",
        "  | ^^^^^^^^^^^^^^^",
        "  = help: note the changes under `## [Unreleased]` before releasing",
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The git_version template as a repository with one commit, tagged v1.2.3."""
    tree = git_repo(copy_tree(GIT_VERSION, tmp_path / "repo"))
    git(tree, "tag", "-a", "v1.2.3", "-m", "1.2.3")
    return tree


def commit(tree: Path, rel: str, text: str) -> str:
    (tree / rel).write_text(text)
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", f"edit {rel}")
    return git(tree, "rev-parse", "--short=7", "HEAD")


def stamped(source: str, name: str) -> str:
    m = re.search(rf"^{name}(?::\s*\w+)?\s*=\s*(.+?)\s*(?:#.*)?$", source, re.MULTILINE)
    assert m, f"no {name} in:\n{source}"
    return m.group(1)


def metadata_version(text: str) -> str:
    m = re.search(r"^Version: (.+)$", text, re.MULTILINE)
    assert m
    return m.group(1)


def assert_artifacts_agree(wheel_path: Path, sdist_path: Path, expected: str, info: str) -> None:
    """Wheel name, METADATA, PKG-INFO and the stamped literals all carry `expected`."""
    wheel, sdist = Wheel(wheel_path), Sdist(sdist_path)
    assert wheel_path.name == f"git_version-{expected}-py3-none-any.whl"
    assert sdist_path.name == f"git_version-{expected}.tar.gz"
    assert metadata_version(wheel.meta("METADATA").decode()) == expected
    assert metadata_version(sdist.read("PKG-INFO").decode()) == expected
    for source in (wheel.text("git_version/__init__.py"), sdist.read("src/git_version/__init__.py").decode()):
        assert stamped(source, "__version__") == f"'{expected}'"
    for source in (wheel.text("git_version/_meta.py"), sdist.read("src/git_version/_meta.py").decode()):
        assert stamped(source, "__version__") == f'"{expected}"'
        assert stamped(source, "__version_info__") == info


# --------------------------------------------------------------------------- git source


def test_git_versions_on_tag_past_tag_and_dirty(cw_venv, repo, tmp_path):
    assert version(cw_venv, repo) == "1.2.3"
    (repo / "README.md").write_text("changed\n")
    assert version(cw_venv, repo) == "1.2.3+dirty"
    git(repo, "checkout", "-q", "--", "README.md")
    commit(repo, "a.txt", "a\n")
    head = commit(repo, "b.txt", "b\n")
    assert version(cw_venv, repo) == f"1.2.4.dev2+g{head}"
    (repo / "a.txt").write_text("dirty\n")
    assert version(cw_venv, repo) == f"1.2.4.dev2+g{head}.dirty"
    # An untracked file is not packaged, so it does not make the tree dirty.
    git(repo, "checkout", "-q", "--", "a.txt")
    (repo / "scratch.txt").write_text("x\n")
    assert version(cw_venv, repo) == f"1.2.4.dev2+g{head}"
    # The tree is never written by a build: its placeholders stay, the artifacts are stamped.
    before = snapshot(repo)
    cli_build(cw_venv, repo, tmp_path / "dist", env=GIT_ENV)
    assert snapshot(repo) == before
    expected = f"1.2.4.dev2+g{head}"
    assert_artifacts_agree(
        only_file(tmp_path / "dist", "*.whl"),
        only_file(tmp_path / "dist", "*.tar.gz"),
        expected,
        '(1, 2, 4, "dev", 2)',
    )


def test_sdist_of_a_git_project_builds_without_git(cw_venv, repo, tmp_path):
    """`python -m build` makes the wheel from the unpacked sdist, which has no .git: PKG-INFO."""
    git(repo, "tag", "-a", "v2.0.0rc1", "-m", "rc")
    head = commit(repo, "a.txt", "a\n")
    expected = f"2.0.0rc2.dev1+g{head}"
    frontend_build(cw_venv, repo, tmp_path / "dist", isolated=False, env=GIT_ENV)
    wheel, sdist = only_file(tmp_path / "dist", "*.whl"), only_file(tmp_path / "dist", "*.tar.gz")
    assert_artifacts_agree(wheel, sdist, expected, '(2, 0, 0, "rc", 2, "dev", 1)')
    # The unpacked sdist reports PKG-INFO's version, even unpacked inside another repository.
    other = git_repo(copy_tree(GIT_VERSION, tmp_path / "other"))
    git(other, "tag", "v9.9.9")
    for dest in (tmp_path / "unpacked", other / "vendor"):
        dest.mkdir()
        with tarfile.open(sdist) as tf:
            tf.extractall(dest, filter="data")
        assert version(cw_venv, dest / sdist.name.removesuffix(".tar.gz")) == expected
    # The wheel built straight from the unpacked sdist is the same file as build's.
    cli_build(cw_venv, tmp_path / "unpacked" / sdist.name.removesuffix(".tar.gz"), tmp_path / "again", "--wheel")
    assert only_file(tmp_path / "again", "*.whl").read_bytes() == wheel.read_bytes()


def test_git_variables_of_a_hook_in_another_repository_are_ignored(cw_venv, repo, tmp_path):
    """A hook of another repository (or a quarantined pre-receive) exports where its repository
    is; the project's version still comes from the project's own repository."""
    other = git_repo(copy_tree(GIT_VERSION, tmp_path / "other"))
    git(other, "tag", "v9.9.9")
    dot_git = other / ".git"
    hook_env = {
        "GIT_DIR": str(dot_git),
        "GIT_WORK_TREE": str(other),
        "GIT_INDEX_FILE": str(dot_git / "index"),
        "GIT_COMMON_DIR": str(dot_git),
        "GIT_OBJECT_DIRECTORY": str(dot_git / "objects"),
        "GIT_PREFIX": "src/",
    }
    proc = cw(cw_venv, "version", repo, env=hook_env)
    assert (proc.stdout, proc.stderr) == ("1.2.3\n", "")


def test_shallow_clone_and_missing_git_fail_clearly(cw_venv, repo, tmp_path):
    commit(repo, "a.txt", "a\n")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    assert git(shallow, "rev-parse", "--is-shallow-repository") == "true"
    proc = cw(cw_venv, "build", "-o", tmp_path / "out", cwd=shallow, check=False)
    assert proc.returncode == 1
    assert proc.stderr == stream(
        'error: pyproject.toml:13:10: version source "git": this is a shallow clone, so the commits since the newest '
        "tag cannot be counted (key `tool.cartwheel.version.source`)",
        *SOURCE_GIT,
        "   = help: fetch the whole history (`git fetch --unshallow --tags`; in GitHub Actions `fetch-depth: 0`), "
        "or build from an sdist",
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    # A shallow clone of the tagged commit itself has nothing to count.
    git(repo, "tag", "-a", "v1.3.0", "-m", "1.3.0")
    exact = tmp_path / "exact"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(exact))
    assert version(cw_venv, exact) == "1.3.0"
    # A copy without .git.
    bare = copy_tree(GIT_VERSION, tmp_path / "bare")
    proc = cw(cw_venv, "version", bare, check=False)
    assert proc.returncode == 1
    assert normalised(proc.stderr, tmp_path) == stream(
        'error: <tmp>/bare/pyproject.toml:13:10: version source "git": `<tmp>/bare` is not in a git repository '
        "(key `tool.cartwheel.version.source`)",
        *SOURCE_GIT,
        "   = help: build from the git checkout or from an sdist (which records the version in PKG-INFO); "
        "a tree copied without `.git` has no version",
    )
    # No git command at all.
    empty = tmp_path / "no-bin"
    empty.mkdir()
    proc = cw(cw_venv, "version", repo, env={"PATH": str(empty)}, check=False)
    assert proc.returncode == 1
    assert normalised(proc.stderr, tmp_path) == stream(
        'error: <tmp>/repo/pyproject.toml:13:10: version source "git" needs the `git` command, which cannot be run: '
        "No such file or directory (os error 2) (key `tool.cartwheel.version.source`)",
        *SOURCE_GIT,
        "   = help: install git, or build from an sdist (it records the version in PKG-INFO)",
    )


def test_tag_pattern_and_a_tag_that_is_not_pep440(cw_venv, repo):
    head = commit(repo, "a.txt", "a\n")
    git(repo, "tag", "v1.3-final")
    proc = cw(cw_venv, "version", cwd=repo, check=False)
    assert proc.returncode == 1
    assert proc.stderr == stream(
        "error: pyproject.toml:13:10: tag `v1.3-final` (the newest tag reachable from HEAD) is not a PEP 440 version: "
        "after parsing `1.3`, found `-final`, which is not part of a valid version (key `tool.cartwheel.version.source`)",
        *SOURCE_GIT,
        "   = help: tag releases with PEP 440 versions (`v1.2.3`, `v1.3.0rc1`); "
        "`tag-pattern` (a regex with a `version` group) selects which tags count",
    )
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "tag-pattern = '^v(?P<version>\\d+\\.\\d+\\.\\d+)$'\n")
    assert version(cw_venv, repo) == f"1.2.4.dev1+g{head}.dirty"


# --------------------------------------------------------------------------- version --check, editable


def acme_init_diff(old: str, new: str) -> list[str]:
    """The lines of the demo's `__init__.py` diff when its `__version__` goes from old to new."""
    comment = "  # kept in step with project.version (stamped into the artifacts)"
    return [
        "--- a/src/acme/__init__.py",
        "+++ b/src/acme/__init__.py",
        "@@ -2,6 +2,6 @@",
        " ",
        " from acme.client import Client",
        " ",
        f'-__version__ = "{old}"{comment}',
        f'+__version__ = "{new}"{comment}',
        " ",
        ' __all__ = ["Client", "__version__"]',
    ]


def test_version_check_prints_a_diff_per_stale_file(cw_venv, tmp_path):
    tree = copy_tree(ACME, tmp_path / "acme")
    proc = cw(cw_venv, "version", tree, "--check")
    assert (proc.stdout, proc.stderr) == ("1.4.0\n", "")
    init = tree / "src" / "acme" / "__init__.py"
    init.write_text(init.read_text().replace('"1.4.0"', '"1.3.9"'))
    proc = cw(cw_venv, "version", "--check", cwd=tree, check=False)
    assert proc.returncode == 1
    assert proc.stdout == "1.4.0\n"
    assert proc.stderr == stream(
        "error: src/acme/__init__.py:5:16: `__version__` disagrees with the version 1.4.0",
        *acme_init_diff("1.3.9", "1.4.0"),
        "1 stamp target is out of step with the version 1.4.0: edit it to match; "
        "`cartwheel bump` keeps it in step from then on",
    )
    # Without --check the version is printed and the status is 0.
    assert cw(cw_venv, "version", tree).stdout == "1.4.0\n"


def test_version_check_lists_every_stale_file(cw_venv, repo):
    """Git source: the tree is checked against the nearest tag; two files, one with both literals stale."""
    for rel in ("src/git_version/__init__.py", "src/git_version/_meta.py"):
        text = (repo / rel).read_text().replace("0.0.0", "1.2.2").replace("(0, 0, 0)", "(1, 2, 2)")
        head = commit(repo, rel, text)
    proc = cw(cw_venv, "version", "--check", cwd=repo, check=False)
    assert (proc.returncode, proc.stdout) == (1, f"1.2.4.dev2+g{head}\n")
    assert proc.stderr == stream(
        "error: src/git_version/__init__.py:5:21: `__version__` disagrees with the version 1.2.3",
        "--- a/src/git_version/__init__.py",
        "+++ b/src/git_version/__init__.py",
        "@@ -2,6 +2,6 @@",
        " ",
        " from git_version._meta import __version_info__",
        " ",
        "-__version__: str = '1.2.2'  # stamped by cartwheel",
        "+__version__: str = '1.2.3'  # stamped by cartwheel",
        " ",
        " VERSION_INFO = __version_info__",
        "error: src/git_version/_meta.py:3:16: `__version__` and `__version_info__` disagree with the version 1.2.3",
        "--- a/src/git_version/_meta.py",
        "+++ b/src/git_version/_meta.py",
        "@@ -1,4 +1,4 @@",
        ' """Release metadata, stamped by cartwheel."""',
        " ",
        '-__version__ = "1.2.2"',
        "-__version_info__ = (1, 2, 2)",
        '+__version__ = "1.2.3"',
        "+__version_info__ = (1, 2, 3)",
        "2 stamp targets are out of step with the version 1.2.3 (of tag `v1.2.3`, the release this tree was last bumped to): "
        "edit them to match; `cartwheel bump` keeps them in step from then on",
    )


def test_git_tree_between_releases_passes_check_and_installs_editable_quietly(cw_venv, repo, tmp_path):
    """CI on any commit: the tree holds the placeholders or the last release, the artifacts the full version."""
    proc = cw(cw_venv, "version", "--check", cwd=repo)
    assert (proc.stdout, proc.stderr) == ("1.2.3\n", "")
    cw(cw_venv, "bump", "minor", repo, "--tag", env={"SOURCE_DATE_EPOCH": EPOCH})
    head = commit(repo, "a.txt", "a\n")
    proc = cw(cw_venv, "version", "--check", cwd=repo)
    assert (proc.stdout, proc.stderr) == (f"1.3.1.dev1+g{head}\n", "")
    code = "import os, sys, cartwheel; os.chdir(sys.argv[1]); print(cartwheel.build_editable(sys.argv[2]))"
    proc = run([cw_venv.python, "-c", code, repo, tmp_path / "editable"], env=GIT_ENV)
    assert (proc.stdout, proc.stderr) == (f"git_version-1.3.1.dev1+g{head}-py3-none-any.whl\n", "")
    proc = cli_build(cw_venv, repo, tmp_path / "dist", env=GIT_ENV)
    assert normalised(proc.stderr, tmp_path) == stream(
        f"Built <tmp>/dist/git_version-1.3.1.dev1+g{head}.tar.gz (<size>, 7 files)",
        f"Built <tmp>/dist/git_version-1.3.1.dev1+g{head}-py3-none-any.whl (<size>, 5 files)",
    )
    assert_artifacts_agree(
        only_file(tmp_path / "dist", "*.whl"),
        only_file(tmp_path / "dist", "*.tar.gz"),
        f"1.3.1.dev1+g{head}",
        '(1, 3, 1, "dev", 1)',
    )
    # A stale release in the tree still warns an editable install.
    meta = repo / "src" / "git_version" / "_meta.py"
    meta.write_text(meta.read_text().replace('"1.3.0"', '"1.2.3"'))
    proc = run([cw_venv.python, "-c", code, repo, tmp_path / "editable2"], env=GIT_ENV)
    assert proc.stderr == stream(
        'warning: src/git_version/_meta.py:3:16: `__version__ = "1.2.3"` disagrees with the version (expected "1.3.0"); '
        'an editable install imports the source tree, so it reports "1.2.3"',
        "  |",
        '3 | __version__ = "1.2.3"',
        "  |                ^^^^^",
        "  = help: `cartwheel version --check` lists every stale stamp; `cartwheel bump` keeps them in step",
    )


def test_editable_build_warns_about_stale_stamps(cw_venv, tmp_path):
    tree = copy_tree(ACME, tmp_path / "acme")
    init = tree / "src" / "acme" / "__init__.py"
    init.write_text(init.read_text().replace('"1.4.0"', '"1.3.9"'))
    code = "import os, sys, cartwheel; os.chdir(sys.argv[1]); print(cartwheel.build_editable(sys.argv[2]))"
    proc = run([cw_venv.python, "-c", code, tree, tmp_path / "out"])
    assert proc.stdout == "acme_sdk-1.4.0-py3-none-any.whl\n"
    snippet = (
        "  |",
        '5 | __version__ = "1.3.9"  # kept in step with project.version (stamped into the artifacts)',
        "  |                ^^^^^",
    )
    assert proc.stderr == stream(
        'warning: src/acme/__init__.py:5:16: `__version__ = "1.3.9"` disagrees with the version (expected "1.4.0"); '
        'an editable install imports the source tree, so it reports "1.3.9"',
        *snippet,
        "  = help: `cartwheel version --check` lists every stale stamp; `cartwheel bump` keeps them in step",
    )
    # A regular wheel says the literal is stamped instead.
    proc = cli_build(cw_venv, tree, tmp_path / "dist", "--wheel")
    assert normalised(proc.stderr, tmp_path) == stream(
        'warning: <tmp>/acme/src/acme/__init__.py:5:16: `__version__ = "1.3.9"` is stamped as "1.4.0" in the artifacts '
        "(the source tree is left as it is)",
        *snippet,
        "  = help: `cartwheel bump` keeps the source in step; `[tool.cartwheel.version] stamp = []` turns stamping off",
        "Built <tmp>/dist/acme_sdk-1.4.0-py3-none-any.whl (<size>, 9 files)",
    )


# --------------------------------------------------------------------------- bump


def test_bump_minor_then_build_and_install(cw_venv, fresh_venv, tmp_path):
    """Round trip: bump, `python -m build`, install: every place says the bumped version."""
    tree = copy_tree(ACME, tmp_path / "acme")
    proc = cw(cw_venv, "bump", "minor", tree, env={"SOURCE_DATE_EPOCH": EPOCH})
    assert proc.stdout == "1.5.0\n"
    assert normalised(proc.stderr, tmp_path) == stream(
        *empty_unreleased("<tmp>/acme/CHANGELOG.md", "1.5.0", 8),
        "Bumped 1.4.0 → 1.5.0 (pyproject.toml, src/acme/__init__.py, CHANGELOG.md)",
    )
    assert 'version = "1.5.0"\n' in (tree / "pyproject.toml").read_text()
    changelog = (tree / "CHANGELOG.md").read_text()
    assert f"## [Unreleased]\n\n## [1.5.0] - {TODAY}\n\n## [1.4.0] - 2026-11-20\n" in changelog
    assert changelog.endswith(
        "[Unreleased]: https://acme.example/sdk/compare/v1.5.0...HEAD\n"
        "[1.5.0]: https://acme.example/sdk/compare/v1.4.0...v1.5.0\n"
        "[1.4.0]: https://acme.example/sdk/compare/v1.3.0...v1.4.0\n"
        "[1.3.0]: https://acme.example/sdk/releases/tag/v1.3.0\n"
    )
    assert cw(cw_venv, "version", tree, "--check").stdout == "1.5.0\n"
    frontend_build(cw_venv, tree, tmp_path / "dist", isolated=False)
    wheel = only_file(tmp_path / "dist", "*.whl")
    assert wheel.name == "acme_sdk-1.5.0-py3-none-any.whl"
    fresh_venv.pip("install", "--no-index", "--no-deps", wheel)
    out = fresh_venv.run_python(
        "import acme, importlib.metadata as m; print(acme.__version__, m.version('acme-sdk'))"
    ).stdout.split()
    assert out == ["1.5.0", "1.5.0"]


def test_bump_git_source_commits_and_tags(cw_venv, repo, tmp_path):
    before = (repo / "CHANGELOG.md").read_text()
    proc = cw(cw_venv, "bump", "minor", repo, "--tag", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert proc.stdout == "1.3.0\n"
    assert proc.stderr == stream(
        "Bumped 1.2.3 → 1.3.0 (src/git_version/__init__.py, src/git_version/_meta.py, CHANGELOG.md)",
        "Committed the change",
        "Tagged v1.3.0",
    )
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "describe", "--exact-match") == "v1.3.0"
    assert git(repo, "cat-file", "-t", "v1.3.0") == "tag"  # annotated
    assert git(repo, "log", "-1", "--format=%s") == "Bump version: 1.2.3 → 1.3.0"
    assert version(cw_venv, repo, "--check") == "1.3.0"
    meta = (repo / "src" / "git_version" / "_meta.py").read_text()
    assert '__version__ = "1.3.0"\n__version_info__ = (1, 3, 0)\n' in meta
    assert "__version__: str = '1.3.0'  # stamped by cartwheel" in (repo / "src/git_version/__init__.py").read_text()
    after = (repo / "CHANGELOG.md").read_text()
    assert after == before.replace("## [Unreleased]\n", f"## [Unreleased]\n\n## [1.3.0] - {TODAY}\n").replace(
        "[Unreleased]: https://github.com/example/git-version/compare/v1.2.3...HEAD\n",
        "[Unreleased]: https://github.com/example/git-version/compare/v1.3.0...HEAD\n"
        "[1.3.0]: https://github.com/example/git-version/compare/v1.2.3...v1.3.0\n",
    )
    # Without --tag, nothing records a git-sourced version: the user is told.
    proc = cw(cw_venv, "bump", "patch", repo, "--no-changelog")
    assert (proc.stdout, proc.stderr) == (
        "1.3.1\n",
        stream(
            "Bumped 1.3.0 → 1.3.1 (src/git_version/__init__.py, src/git_version/_meta.py)",
            "The version comes from git tags: tag the release (`git tag -a v1.3.1 -m v1.3.1`, or `--tag`) "
            "to make it 1.3.1",
        ),
    )
    # A dirty tree refuses --commit before writing anything.
    snap = snapshot(repo)
    proc = cw(cw_venv, "bump", "patch", repo, "--commit", check=False)
    assert proc.returncode == 1
    assert normalised(proc.stderr, tmp_path) == stream(
        *empty_unreleased("<tmp>/repo/CHANGELOG.md", "1.3.1", 5),
        "error: the work tree has uncommitted changes; `--commit` and `--tag` record only the bump",
        "  = help: commit or stash them first:",
        "           M src/git_version/__init__.py",
        "           M src/git_version/_meta.py",
    )
    assert snapshot(repo) == snap


def test_first_release_of_an_untagged_git_project(cw_venv, tmp_path):
    tree = git_repo(copy_tree(GIT_VERSION, tmp_path / "repo"))
    proc = cw(cw_venv, "bump", "minor", tree, "--tag", check=False)
    assert proc.returncode == 1
    assert normalised(proc.stderr, tmp_path) == stream(
        'error: <tmp>/repo/pyproject.toml:13:10: version source "git": no tag named like `v1.2.3` or `1.2.3` '
        "is reachable from HEAD (key `tool.cartwheel.version.source`)",
        *SOURCE_GIT,
        "   = help: tag the first release: `cartwheel bump 0.1.0 --tag`, or `git tag -a v0.1.0 -m v0.1.0`",
    )
    proc = cw(cw_venv, "bump", "0.1.0", tree, "--tag", "--no-changelog")
    assert proc.stdout == "0.1.0\n"
    assert proc.stderr == stream(
        "Bumped 0.1.0 (first release) (src/git_version/__init__.py, src/git_version/_meta.py)",
        "Committed the change",
        "Tagged v0.1.0",
    )
    assert git(tree, "describe", "--exact-match") == "v0.1.0"
    assert version(cw_venv, tree, "--check") == "0.1.0"


def test_bump_tag_follows_the_tag_pattern(cw_venv, repo):
    pyproject = repo / "pyproject.toml"
    commit(repo, "pyproject.toml", pyproject.read_text() + "tag-pattern = '^release-(?P<version>[0-9.]+)$'\n")
    git(repo, "tag", "release-1.2.3")
    proc = cw(cw_venv, "bump", "minor", repo, "--tag", "--no-changelog")
    assert proc.stderr == stream(
        "Bumped 1.2.3 → 1.3.0 (src/git_version/__init__.py, src/git_version/_meta.py)",
        "Committed the change",
        "Tagged release-1.3.0",
    )
    assert git(repo, "describe", "--exact-match") == "release-1.3.0"
    # A version the pattern cannot read back: refused before anything is written.
    before = snapshot(repo)
    proc = cw(cw_venv, "bump", "rc", "--tag", "--no-changelog", cwd=repo, check=False)
    assert proc.returncode == 1 and snapshot(repo) == before
    assert proc.stderr == stream(
        "error: pyproject.toml:15:15: the new tag `release-1.3.1rc1` would not match tag-pattern "
        "`^release-(?P<version>[0-9.]+)$` as version 1.3.1rc1 (key `tool.cartwheel.version.tag-pattern`)",
        "   |",
        "15 | tag-pattern = '^release-(?P<version>[0-9.]+)$'",
        "   |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "   = help: tag the release yourself (`git tag -a <name> -m 1.3.1rc1`), or widen the pattern",
    )


def test_bump_dry_run_prints_diffs_and_writes_nothing(cw_venv, tmp_path):
    tree = copy_tree(ACME, tmp_path / "acme")
    before = snapshot(tree)
    proc = cw(cw_venv, "bump", "rc", tree, "--dry-run", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert snapshot(tree) == before
    assert proc.stdout == stream(
        "--- a/pyproject.toml",
        "+++ b/pyproject.toml",
        "@@ -4,7 +4,7 @@",
        " ",
        " [project]",
        ' name = "acme-sdk"',
        '-version = "1.4.0"',
        '+version = "1.4.1rc1"',
        ' description = "Acme database SDK (cartwheel\'s demo project)"',
        ' readme = "README.md"',
        ' requires-python = ">=3.9"',
        *acme_init_diff("1.4.0", "1.4.1rc1"),
        "--- a/CHANGELOG.md",
        "+++ b/CHANGELOG.md",
        "@@ -7,6 +7,8 @@",
        " ",
        " ## [Unreleased]",
        " ",
        f"+## [1.4.1rc1] - {TODAY}",
        "+",
        " ## [1.4.0] - 2026-11-20",
        " ",
        " ### Added",
        "@@ -24,6 +26,7 @@",
        " ",
        " - The `acme-client` command.",
        " ",
        "-[Unreleased]: https://acme.example/sdk/compare/v1.4.0...HEAD",
        "+[Unreleased]: https://acme.example/sdk/compare/v1.4.1rc1...HEAD",
        "+[1.4.1rc1]: https://acme.example/sdk/compare/v1.4.0...v1.4.1rc1",
        " [1.4.0]: https://acme.example/sdk/compare/v1.3.0...v1.4.0",
        " [1.3.0]: https://acme.example/sdk/releases/tag/v1.3.0",
    )
    assert normalised(proc.stderr, tmp_path) == stream(
        *empty_unreleased("<tmp>/acme/CHANGELOG.md", "1.4.1rc1", 8),
        "Would bump 1.4.0 → 1.4.1rc1 (pyproject.toml, src/acme/__init__.py, CHANGELOG.md); dry run, nothing written",
    )


@pytest.mark.parametrize("after", [0, 1, 2])
def test_failed_bump_leaves_every_file_as_it_was(cw_venv, tmp_path, after):
    tree = copy_tree(ACME, tmp_path / "acme")
    (tree / "pyproject.toml").write_bytes((tree / "pyproject.toml").read_bytes().replace(b"\n", b"\r\n"))
    before = snapshot(tree)
    proc = cw(cw_venv, "bump", "major", tree, env={"CARTWHEEL_TEST_FAIL_BUMP_AFTER": str(after)}, check=False)
    assert proc.returncode == 1
    # The files are renamed into place in this order; the failure comes before the rename of the `after`th.
    renamed = ["pyproject.toml", "src/acme/__init__.py", "CHANGELOG.md"][after]
    assert normalised(proc.stderr, tmp_path) == stream(
        *empty_unreleased("<tmp>/acme/CHANGELOG.md", "2.0.0", 8),
        f"error: injected failure before renaming `<tmp>/acme/{renamed}` (CARTWHEEL_TEST_FAIL_BUMP_AFTER); "
        "no file was changed",
    )
    assert snapshot(tree) == before  # same bytes, same modes, no temporary files left
    assert proc.stdout == ""


def test_bump_that_cannot_write_a_file_changes_nothing(cw_venv, tmp_path):
    """A real write failure, even as root (CI): the changelog's name is so long that the
    temporary file beside it (`.<name>.XXXXXX.tmp`) exceeds the file-name limit, after the
    pyproject.toml and `__init__.py` edits were staged."""
    tree = copy_tree(ACME, tmp_path / "acme")
    name = "C" * 247 + ".md"  # 250 bytes: allowed; its temporary file (265) is not
    (tree / "CHANGELOG.md").rename(tree / name)
    with (tree / "pyproject.toml").open("a") as f:
        f.write(f'\n[tool.cartwheel.version]\nchangelog = "{name}"\n')
    before = snapshot(tree)
    proc = cw(cw_venv, "bump", "patch", tree, check=False)
    assert proc.returncode == 1
    assert normalised(proc.stderr, tmp_path) == stream(
        *empty_unreleased(f"<tmp>/acme/{name}", "1.4.1", 8),
        f"error: cannot write `<tmp>/acme/{name}`: File name too long (os error 36)",
    )
    assert snapshot(tree) == before  # no file changed, no temporary file left
    assert proc.stdout == ""


# --------------------------------------------------------------------------- bad inputs


def _project(tmp_path: Path, pyproject: str, files: dict[str, str]) -> Path:
    tree = tmp_path / "proj"
    tree.mkdir()
    (tree / "pyproject.toml").write_text(pyproject)
    for rel, text in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    return tree


HEAD = '[project]\nname = "proj"\n'
DYN = HEAD + 'dynamic = ["version"]\n'
INIT = {"proj/__init__.py": '__version__ = "1.0"\n'}

BAD = {
    "unparseable_version": (
        DYN + '[tool.cartwheel.version]\nsource = "file"\npath = "VERSION"\n',
        {**INIT, "VERSION": "1.0.x\n"},
        stream(
            "error: VERSION:1:1: invalid version `1.0.x`: after parsing `1.0`, found `.x`, "
            "which is not part of a valid version",
            "  |",
            "1 | 1.0.x",
            "  | ^^^^^",
            "  = help: use a PEP 440 version such as `1.2.0`, `1.2.0rc1` or `1.2.0.post1`",
        ),
    ),
    "missing_dynamic": (
        HEAD + 'version = "1.0"\n[tool.cartwheel.version]\nsource = "file"\npath = "VERSION"\n',
        {**INIT, "VERSION": "1.0\n"},
        stream(
            'error: pyproject.toml:5:10: version source "file" needs "version" in `project.dynamic` '
            "(key `tool.cartwheel.version.source`)",
            "  |",
            '5 | source = "file"',
            "  |          ^^^^^^",
            '  = help: remove `project.version` and add `dynamic = ["version"]` to `[project]`',
        ),
    ),
    "pattern_without_version_group": (
        DYN + '[tool.cartwheel.version]\nsource = "file"\npath = "VERSION"\npattern = \'v=(\\d+)\'\n',
        {**INIT, "VERSION": "v=1\n"},
        stream(
            "error: pyproject.toml:7:11: the pattern has no group named `version` (key `tool.cartwheel.version.pattern`)",
            "  |",
            "7 | pattern = 'v=(\\d+)'",
            "  |           ^^^^^^^^^",
            '  = help: capture the version with `(?P<version>...)`, e.g. `VERSION = "(?P<version>[^"]+)"`',
        ),
    ),
    "stamp_target_missing": (
        HEAD + 'version = "1.0"\n[tool.cartwheel.version]\nstamp = ["proj/_version.py"]\n',
        INIT,
        stream(
            "error: pyproject.toml:5:10: stamp target `proj/_version.py` does not exist "
            "(key `tool.cartwheel.version.stamp`)",
            "  |",
            '5 | stamp = ["proj/_version.py"]',
            "  |          ^^^^^^^^^^^^^^^^^^",
        ),
    ),
    "stamp_target_without_literal": (
        HEAD + 'version = "1.0"\n[tool.cartwheel.version]\nstamp = ["proj/__init__.py"]\n',
        {"proj/__init__.py": "__version__ = get_version()\n"},
        stream(
            "error: pyproject.toml:5:10: stamp target `proj/__init__.py` has no top-level "
            '`__version__ = "..."` string literal (key `tool.cartwheel.version.stamp`)',
            "  |",
            '5 | stamp = ["proj/__init__.py"]',
            "  |          ^^^^^^^^^^^^^^^^^^",
            "  = help: its `__version__` is computed; only a string literal can be stamped: remove the file from `stamp`",
        ),
    ),
    "computed_module_version": (
        DYN,
        {"proj/__init__.py": "from ._v import v\n__version__ = v\n"},
        stream(
            "error: proj/__init__.py:2:1: `__version__` is computed, not a string literal, "
            "so it cannot be read without running the module",
            "  |",
            "2 | __version__ = v",
            "  | ^^^^^^^^^^^^^^^",
            '  = help: write `__version__ = "X.Y.Z"`, or set `source = "file"` (with a `pattern`) '
            'or `source = "git"` in `[tool.cartwheel.version]`',
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_version_input_is_one_located_error(case, cw_venv, tmp_path):
    pyproject, files, expected = BAD[case]
    tree = _project(tmp_path, pyproject, files)
    before = snapshot(tree)
    for args in (["version"], ["build", "-o", tmp_path / "out"], ["bump", "patch"]):
        proc = cw(cw_venv, *args, cwd=tree, check=False)
        assert proc.returncode == 1, proc
        assert (proc.stdout, proc.stderr) == ("", expected)
    assert snapshot(tree) == before
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_bump_refusals(cw_venv, tmp_path):
    tree = copy_tree(ACME, tmp_path / "acme")
    before = snapshot(tree)
    for part, expected in [
        (
            "1.0",
            stream(
                "error: 1.0 is lower than the current version 1.4.0",
                "  = help: bumping goes forwards; pass `--allow-downgrade` to go back on purpose",
            ),
        ),
        ("1.4.0", stream("error: the version is already 1.4.0")),
        (
            "release",
            stream(
                "error: 1.4.0 is already a final release",
                "  = help: bump `major`, `minor` or `patch` for the next one",
            ),
        ),
        (
            "sideways",
            stream(
                "error: `sideways` is neither a part to bump (major, minor, patch, alpha, beta, rc, pre, post, dev, "
                "release) nor a PEP 440 version: expected version to start with a number, "
                "but no leading ASCII digits were found"
            ),
        ),
    ]:
        proc = cw(cw_venv, "bump", part, tree, check=False)
        assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", expected)
    assert snapshot(tree) == before
    proc = cw(cw_venv, "bump", "1.0", tree, "--allow-downgrade", "--no-changelog")
    assert (proc.stdout, proc.stderr) == ("1.0\n", stream("Bumped 1.4.0 → 1.0 (pyproject.toml, src/acme/__init__.py)"))
