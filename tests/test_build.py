"""Every fixture built by `python -m build`; the artifacts checked against the standards."""

from __future__ import annotations

import configparser
import email.parser
import stat
import sys
import tarfile
import zipfile

import pytest
from packaging.markers import Marker
from packaging.metadata import Metadata
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from _support import (
    FIXTURE_IDS,
    FIXTURES_BY_DIR,
    Sdist,
    Wheel,
    expected_sdist_files,
    is_stamped,
    only_file,
    parse_record,
    prepare_fixture,
    record_hash,
    run,
    snapshot,
)
from conftest import frontend_build

per_fixture = pytest.mark.parametrize("name", FIXTURE_IDS)


def _headers(raw: bytes):
    return email.parser.BytesParser().parsebytes(raw)


# Core-metadata fields and the Metadata-Version that introduced them (only those above 1.2 matter).
FIELD_VERSION = {
    "Description-Content-Type": "2.1",
    "Provides-Extra": "2.1",
    "Dynamic": "2.2",
    "License-Expression": "2.4",
    "License-File": "2.4",
    "Import-Name": "2.5",
    "Import-Namespace": "2.5",
}


def _lowest_version(msg, floor: str) -> str:
    needed = [floor] + [v for k, v in FIELD_VERSION.items() if msg.get_all(k)]
    return max(needed, key=lambda v: tuple(map(int, v.split("."))))


# --------------------------------------------------------------------------- names and layout


@per_fixture
def test_file_names_normalised(name, built):
    b = built(name)
    fx = b.fx
    assert b.wheel.name == fx.wheel_name
    assert b.sdist.name == fx.sdist_name
    wheel = Wheel(b.wheel)
    assert wheel.dist_info == f"{fx.norm}-{fx.version}.dist-info"
    for entry in wheel.payload():
        top = entry.split("/")[0]
        if top.endswith(".data"):
            assert top == f"{fx.norm}-{fx.version}.data", entry


@per_fixture
def test_wheel_contents_exact(name, built):
    b = built(name)
    fx = b.fx
    wheel = Wheel(b.wheel)
    assert wheel.payload() == set(fx.wheel_payload)
    expected_meta = {"METADATA", "WHEEL", "RECORD"} | {f"licenses/{lf}" for lf in fx.license_files}
    if name == "scripts":
        expected_meta.add("entry_points.txt")
    got_meta = {n.split("/", 1)[1] for n in wheel.names if n.startswith(wheel.dist_info + "/")}
    assert got_meta == expected_meta


@per_fixture
def test_sdist_contents_exact(name, built):
    b = built(name)
    sd = Sdist(b.sdist)
    assert sd.top == f"{b.fx.norm}-{b.fx.version}"
    assert sd.files() == expected_sdist_files(b.fx, b.tree)
    assert "pyproject.toml" in sd.files() and "PKG-INFO" in sd.files()
    for lf in b.fx.license_files:
        assert lf in sd.files()


@per_fixture
def test_source_tree_unchanged(name, built):
    b = built(name)
    assert snapshot(b.tree) == b.before, "a build wrote into (or changed) the source tree"
    text = (b.tree / ("src/" if (b.tree / "src").is_dir() else "") / b.fx.stamp).read_text()
    assert is_stamped(text, "0.0.0"), "the stale __version__ in the source tree must stay as it is"


def opened(b):
    """A built fixture's description, its wheel and its sdist, open for reading."""
    return b.fx, Wheel(b.wheel), Sdist(b.sdist)


# --------------------------------------------------------------------------- metadata


@per_fixture
def test_metadata_validates(name, built):
    fx, wheel, sd = opened(built(name))
    for label, raw in (("METADATA", wheel.meta("METADATA")), ("PKG-INFO", sd.read("PKG-INFO"))):
        meta = Metadata.from_email(raw, validate=True)
        assert canonicalize_name(meta.name) == canonicalize_name(fx.name), label
        assert str(meta.version) == fx.version, label
        assert meta.metadata_version in {"2.1", "2.2", "2.3", "2.4", "2.5"}, (label, meta.metadata_version)
        # 2.5 only for the PEP 794 keys: every other project keeps the version it had.
        assert (meta.metadata_version == "2.5") == (name == "import_names"), (label, meta.metadata_version)
        body = _headers(raw).get_payload()
        assert body.strip(), f"{label}: the README must be in the message body"
        assert meta.description_content_type is not None
        assert meta.description_content_type.split(";")[0].strip() == fx.content_type
        if fx.license_expression:
            assert meta.license_expression == fx.license_expression, label
            assert sorted(meta.license_files or []) == sorted(fx.license_files), label
        else:
            assert meta.license_expression is None


@per_fixture
def test_metadata_version_is_lowest_that_fits(name, built):
    b = built(name)
    wheel_msg = _headers(Wheel(b.wheel).meta("METADATA"))
    pkg_msg = _headers(Sdist(b.sdist).read("PKG-INFO"))
    # Wheel METADATA: 2.1 is the floor (body description); PKG-INFO: 2.2 is a MUST for sdists.
    assert wheel_msg["Metadata-Version"] == _lowest_version(wheel_msg, "2.1")
    assert pkg_msg["Metadata-Version"] == _lowest_version(pkg_msg, "2.2")
    for field in ("Name", "Version", "Metadata-Version"):
        assert field not in (pkg_msg.get_all("Dynamic") or [])


@per_fixture
def test_pkg_info_matches_wheel_metadata(name, built):
    """Fields that are not Dynamic in PKG-INFO must be the same in the wheel built from it."""
    b = built(name)
    wheel_msg = _headers(Wheel(b.wheel).meta("METADATA"))
    pkg_msg = _headers(Sdist(b.sdist).read("PKG-INFO"))
    dynamic = {d.lower() for d in pkg_msg.get_all("Dynamic") or []}
    keys = {k.lower() for k in wheel_msg} | {k.lower() for k in pkg_msg}
    for key in sorted(keys - dynamic - {"metadata-version", "dynamic"}):
        assert wheel_msg.get_all(key) == pkg_msg.get_all(key), key
    assert wheel_msg.get_payload() == pkg_msg.get_payload()


def test_import_names_pep_794(built, cw_venv):
    """`import-names` / `import-namespaces` become Import-Name / Import-Namespace (Metadata 2.5)
    in both artifacts, `; private` written in its one spelling, read back by packaging; cartwheel
    check passes them at both levels, as twine does (`test_twine_check_strict`)."""
    b = built("import_names")
    for label, raw in (("METADATA", Wheel(b.wheel).meta("METADATA")), ("PKG-INFO", Sdist(b.sdist).read("PKG-INFO"))):
        msg = _headers(raw)
        assert msg["Metadata-Version"] == "2.5", label
        assert msg.get_all("Import-Name") == ["acme.widgets", "acme.widgets._speedups; private"], label
        assert msg.get_all("Import-Namespace") == ["acme"], label
        meta = Metadata.from_email(raw, validate=True)
        assert meta.import_names == ["acme.widgets", "acme.widgets._speedups; private"], label
        assert meta.import_namespaces == ["acme"], label
    for level in ((), ("--compat", "twine")):
        proc = run([cw_venv.python, "-m", "cartwheel", "check", "--strict", *level, b.wheel, b.sdist], check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@per_fixture
def test_requirements_and_extras(name, built):
    b = built(name)
    meta = Metadata.from_email(Wheel(b.wheel).meta("METADATA"), validate=True)
    assert sorted(meta.provides_extra or []) == sorted(b.fx.extras)
    for req in meta.requires_dist or []:
        marker = req.marker
        if marker is None or "extra" not in str(marker):
            continue
        # An extra's requirement must never apply when no extra is requested (a missing
        # parenthesis around an `or` marker breaks exactly this).
        for pyver in ("3.8", "3.12"):
            for system in ("Linux", "Windows"):
                env = {"extra": "", "python_version": pyver, "platform_system": system}
                assert not marker.evaluate(env), f"{req} applies without its extra ({env})"
    if name == "optional_deps":
        by_name = {r.name: r for r in meta.requires_dist or []}
        assert set(by_name) == {"requests", "tomli", "ruff", "mypy", "pytest", "coverage", "sphinx", "furo"}
        assert by_name["coverage"].extras == {"toml"}
        assert by_name["requests"].marker is None
        assert by_name["mypy"].marker.evaluate({"extra": "dev-tools"})
        assert by_name["pytest"].marker.evaluate({"extra": "test-unit"})
        sphinx = by_name["sphinx"].marker
        assert sphinx.evaluate({"extra": "docs", "python_version": "3.8", "platform_system": "Windows"})
        assert not sphinx.evaluate({"extra": "docs", "python_version": "3.8", "platform_system": "Linux"})
        assert by_name["tomli"].marker == Marker('python_version < "3.11"')
        assert str(by_name["requests"].specifier) == str(Requirement("requests>=2.28").specifier)


@pytest.mark.parametrize("name", ["src_layout", "md_readme"])
def test_authors_and_urls(name, built):
    meta = Metadata.from_email(Wheel(built(name).wheel).meta("METADATA"), validate=True)
    if name == "src_layout":
        assert meta.author == "Grace Hopper"
        assert meta.author_email == "Ada Lovelace <ada@example.org>"
        assert meta.maintainer_email == "maint@example.org"
        assert meta.project_urls == {
            "Homepage": "https://example.org/src-layout",
            "Issue Tracker": "https://example.org/src-layout/issues",
        }
        assert meta.keywords == ["fixture", "src-layout"]
        assert meta.requires_python is not None and str(meta.requires_python) == ">=3.8"
    else:
        assert meta.author_email is not None and "Zoë Ünicode" in meta.author_email
        assert "zoe@example.org" in meta.author_email


# --------------------------------------------------------------------------- wheel format


@per_fixture
def test_record_complete_and_hashes_verified(name, built):
    wheel = Wheel(built(name).wheel)
    record_name = f"{wheel.dist_info}/RECORD"
    rows = parse_record(wheel.text(record_name))
    assert all(len(r) == 3 for r in rows), rows
    paths = [r[0] for r in rows]
    assert len(paths) == len(set(paths)), "duplicate RECORD lines"
    assert set(paths) == set(wheel.names), "RECORD must list every file in the wheel, and only those"
    for path, digest, size in rows:
        assert "\\" not in path and not path.startswith(("./", "/")), path
        if path == record_name:
            assert (digest, size) == ("", "")
            continue
        data = wheel.read(path)
        assert digest == record_hash(data), f"{path}: hash mismatch"
        assert size == str(len(data)), f"{path}: size mismatch"


@per_fixture
def test_zip_layout(name, built):
    wheel = Wheel(built(name).wheel)
    names = wheel.names
    assert len(names) == len(set(names)), "duplicate zip entries"
    assert names[-1] == f"{wheel.dist_info}/RECORD", "RECORD must be the last entry"
    first_meta = min(i for i, n in enumerate(names) if n.startswith(wheel.dist_info + "/"))
    assert all(n.startswith(wheel.dist_info + "/") for n in names[first_meta:]), ".dist-info must come last"
    for info in wheel.infos:
        assert not info.is_dir(), f"directory entry {info.filename}"
        assert info.flag_bits & 0x08 == 0, f"{info.filename}: data descriptor (not written seekably)"
        assert info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED), info.filename
        assert info.comment == b"", info.filename
        assert info.date_time >= (1980, 1, 1, 0, 0, 0)
        assert not info.filename.endswith((".pyc", "setup.py", "setup.cfg")), info.filename
    with zipfile.ZipFile(built(name).wheel) as zf:
        assert zf.testzip() is None


@per_fixture
def test_wheel_file(name, built):
    wheel = Wheel(built(name).wheel)
    msg = _headers(wheel.meta("WHEEL"))
    assert msg["Wheel-Version"] == "1.0"
    assert msg["Root-Is-Purelib"] == "true"
    assert msg.get_all("Tag") == ["py3-none-any"]
    assert msg["Generator"] and msg["Generator"].startswith("cartwheel")
    assert "Build" not in msg


@per_fixture
def test_stamped_version_in_both_artifacts(name, built):
    b = built(name)
    fx, wheel, sd = opened(b)
    assert is_stamped(wheel.text(fx.stamp), fx.version), wheel.text(fx.stamp)
    src_rel = ("src/" if (b.tree / "src").is_dir() else "") + fx.stamp
    stamped_sdist = sd.read(src_rel).decode()
    assert is_stamped(stamped_sdist, fx.version), stamped_sdist
    # Only the literal changed: everything else in the file is byte for byte the source.
    original = (b.tree / src_rel).read_text()
    assert stamped_sdist == original.replace('__version__ = "0.0.0"', f'__version__ = "{fx.version}"')


@per_fixture
def test_entry_points(name, built):
    wheel = Wheel(built(name).wheel)
    ep_name = f"{wheel.dist_info}/entry_points.txt"
    if name != "scripts":
        assert ep_name not in wheel.names
        return
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # entry-point names are case-sensitive
    parser.read_string(wheel.text(ep_name))
    assert {s: dict(parser[s]) for s in parser.sections()} == {
        "console_scripts": {"scripts-demo": "scripts_demo.cli:main"},
        "gui_scripts": {"scripts-demo-gui": "scripts_demo.gui:main"},
        "scripts_demo.plugins": {
            "builtin": "scripts_demo.plugins:builtin",
            "Extra-Plugin": "scripts_demo.plugins:extra",
        },
    }


@per_fixture
def test_data_scripts_executable(name, built):
    wheel = Wheel(built(name).wheel)
    for info in wheel.infos:
        mode = info.external_attr >> 16
        if "/scripts/" in info.filename and ".data/" in info.filename:
            assert stat.S_ISREG(mode), f"{info.filename}: file-type bits missing ({oct(mode)})"
            assert mode & 0o111, f"{info.filename}: not executable ({oct(mode)})"
    if name == "data_mapping":
        assert any(".data/scripts/" in n for n in wheel.names)


@per_fixture
def test_license_files_in_dist_info(name, built):
    b = built(name)
    wheel = Wheel(b.wheel)
    for lf in b.fx.license_files:
        assert wheel.meta(f"licenses/{lf}") == (b.tree / lf).read_bytes()
    if name == "license_files":
        assert f"{wheel.dist_info}/licenses/AUTHORS" not in wheel.names


# --------------------------------------------------------------------------- sdist format


@per_fixture
def test_sdist_tar_format(name, built):
    b = built(name)
    raw = b.sdist.read_bytes()
    assert raw[:2] == b"\x1f\x8b", "not gzip"
    with tarfile.open(b.sdist, "r:gz") as tf:
        for m in tf.getmembers():
            assert m.isfile() or m.isdir(), f"{m.name}: only files and folders belong in an sdist"
            assert not m.name.startswith("/") and ".." not in m.name.split("/"), m.name
            assert (m.uid, m.gid, m.uname, m.gname) == (0, 0, "", ""), (m.name, m.uid, m.gid, m.uname, m.gname)
            expected = {0o755} if m.isdir() else {0o644, 0o755}
            assert m.mode & 0o7777 in expected, (m.name, oct(m.mode))
    if name == "data_mapping":
        with tarfile.open(b.sdist, "r:gz") as tf:
            tool = tf.getmember(f"{b.fx.norm}-{b.fx.version}/bin/data-mapping-tool")
            assert tool.mode & 0o7777 == 0o755, "the executable bit of a script must survive in the sdist"


# --------------------------------------------------------------------------- external checkers


@per_fixture
def test_twine_check_strict(name, built):
    b = built(name)
    run([sys.executable, "-m", "twine", "check", "--strict", b.wheel, b.sdist])


@per_fixture
def test_check_wheel_contents(name, built):
    # Run with every check enabled: the fixtures are laid out so that none should fire.
    run([sys.executable, "-m", "check_wheel_contents", built(name).wheel])


# --------------------------------------------------------------------------- isolated builds


@pytest.mark.parametrize("name", ["src_layout", "data_mapping", "namespace"])
def test_isolated_build_matches(name, built, cw_venv, offline_env, tmp_path):
    """`python -m build` in an isolated env (cartwheel from the wheelhouse only) gives the same bytes."""
    fx = FIXTURES_BY_DIR[name]
    tree = prepare_fixture(fx, tmp_path / "src")
    before = snapshot(tree)
    out = tmp_path / "dist"
    frontend_build(cw_venv, tree, out, isolated=True, env=offline_env)
    assert snapshot(tree) == before
    b = built(name)
    assert only_file(out, "*.whl").read_bytes() == b.wheel.read_bytes()
    assert only_file(out, "*.tar.gz").read_bytes() == b.sdist.read_bytes()


# --------------------------------------------------------------------------- small projects

THREADS_AFTER_HOOKS = """
import os, sys
import cartwheel
os.chdir(sys.argv[1])
cartwheel.build_wheel(sys.argv[2])
cartwheel.build_sdist(sys.argv[2])
print(len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts the threads in /proc/self/task")
def test_a_small_project_is_built_without_starting_threads(cw_venv, fx_copy, tmp_path):
    # Starting the thread pool costs more than a small project's whole build (a tenth of a
    # tiny hook process); rayon's global pool, once started, keeps its threads to the end.
    tree = fx_copy("scripts")
    out = tmp_path / "out"
    out.mkdir()
    threads = run([cw_venv.python, "-c", THREADS_AFTER_HOOKS, tree, out]).stdout.strip().splitlines()[-1]
    assert threads == "1"
    assert {p.suffix for p in out.iterdir()} == {".whl", ".gz"}
