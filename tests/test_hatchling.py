"""Differential test: cartwheel's wheel vs hatchling's for the same fixture.

Each fixture's `[tool.cartwheel]` config is translated to hatchling's (`Fx.hatch` in _support.py).
Where cartwheel differs on purpose, the difference is named here with the reason.
"""

from __future__ import annotations

import re
import sys

import pytest
from packaging.metadata import parse_email
from packaging.requirements import Requirement
from packaging.version import Version

from _support import FIXTURE_IDS, FIXTURES_BY_DIR, Wheel, prepare_fixture, run

HATCH_BUILD = "import sys, hatchling.build as h; print(h.build_wheel(sys.argv[1]))"

# Raw metadata keys that legitimately differ (packaging.metadata raw names):
#  - metadata_version: hatchling always writes its newest (2.5); cartwheel writes the lowest
#    version that covers the fields used (DESIGN.md), e.g. 2.1 for a wheel without license fields.
#  - dynamic: only meaningful in an sdist's PKG-INFO.
IGNORED_KEYS = {"metadata_version", "dynamic"}


@pytest.fixture(scope="session")
def hatch_wheel(tmp_path_factory):
    """hatchling's wheel of a fixture, built once per session."""
    cache: dict[str, Wheel] = {}

    def get(name: str) -> Wheel:
        if name not in cache:
            cache[name] = _hatch_wheel(name, tmp_path_factory.mktemp(f"hatch-{name}"))
        return cache[name]

    return get


def _hatch_wheel(name: str, tmp_path) -> Wheel:
    fx = FIXTURES_BY_DIR[name]
    tree = prepare_fixture(fx, tmp_path / "hatch-src")
    pyproject = tree / "pyproject.toml"
    text = pyproject.read_text()
    text = re.sub(
        r"\[build-system\].*?(?=\n\[project\])",
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
        text,
        flags=re.DOTALL,
    )
    pyproject.write_text(text + "\n" + fx.hatch)
    out = tmp_path / "hatch-dist"
    out.mkdir()
    name_out = run([sys.executable, "-c", HATCH_BUILD, out], cwd=tree).stdout.strip().splitlines()[-1]
    return Wheel(out / name_out)


def _normalised_metadata(raw: bytes) -> dict:
    fields, unparsed = parse_email(raw)
    assert not unparsed, f"unparsed metadata fields: {unparsed}"
    out = {k: v for k, v in fields.items() if k not in IGNORED_KEYS}
    # hatchling copies `project.version` as written ("1.2.0.RC1"); cartwheel writes the PEP 440
    # normalised form ("1.2.0rc1"), the same string as in the wheel's file name and dist-info
    # folder, which is what PyPI and installers compare against. Compare the parsed versions.
    if "version" in out:
        out["version"] = str(Version(out["version"]))
    if "requires_dist" in out:
        # Same requirement, different spelling (spaces, quote style) is not a difference.
        out["requires_dist"] = sorted(str(Requirement(r)) for r in out["requires_dist"])
    if "description_content_type" in out:
        # hatchling passes the content type through; cartwheel adds `charset=UTF-8` (the
        # pyproject spec's default made explicit, which PyPI's renderer reads). Compare the type.
        out["description_content_type"] = out["description_content_type"].split(";")[0].strip()
    for key in ("license_files", "classifiers", "provides_extra", "keywords"):
        if key in out:
            out[key] = sorted(out[key])
    if "description" in out:
        out["description"] = out["description"].rstrip("\n")
    return out


@pytest.mark.parametrize("name", FIXTURE_IDS)
def test_same_files_as_hatchling(name, built, hatch_wheel):
    ours = Wheel(built(name).wheel)
    theirs = hatch_wheel(name)
    assert ours.dist_info == theirs.dist_info
    # Every file, dist-info bookkeeping included (METADATA, WHEEL, RECORD, entry_points.txt,
    # licenses/...): the two backends agree on all of them for these fixtures.
    assert sorted(ours.names) == sorted(theirs.names)


@pytest.mark.parametrize("name", FIXTURE_IDS)
def test_same_metadata_as_hatchling(name, built, hatch_wheel):
    ours_raw = Wheel(built(name).wheel).meta("METADATA")
    theirs_raw = hatch_wheel(name).meta("METADATA")
    ours = _normalised_metadata(ours_raw)
    theirs = _normalised_metadata(theirs_raw)
    assert ours == theirs


def test_version_normalised_unlike_hatchling(built, hatch_wheel):
    """The named Version difference, asserted on the fixture whose version needs normalising."""
    ours, _ = parse_email(Wheel(built("src_layout").wheel).meta("METADATA"))
    theirs, _ = parse_email(hatch_wheel("src_layout").meta("METADATA"))
    assert ours["version"] == "1.2.0rc1"
    assert Version(theirs["version"]) == Version(ours["version"])


@pytest.mark.parametrize("name", FIXTURE_IDS)
def test_metadata_version_not_above_hatchling(name, built, hatch_wheel):
    """The one named difference, asserted: cartwheel's Metadata-Version is the lowest that fits."""
    ours, _ = parse_email(Wheel(built(name).wheel).meta("METADATA"))
    theirs, _ = parse_email(hatch_wheel(name).meta("METADATA"))

    def key(v):
        return tuple(map(int, v.split(".")))

    assert key(ours["metadata_version"]) <= key(theirs["metadata_version"])
    uses_pep639 = "license_expression" in ours or "license_files" in ours
    assert (ours["metadata_version"] == "2.4") == uses_pep639


def test_import_names_same_as_hatchling(built, hatch_wheel):
    """PEP 794: the pinned hatchling writes Metadata 2.5 with the same Import-Name /
    Import-Namespace lines (`test_same_metadata_as_hatchling` compares them parsed)."""
    ours = Wheel(built("import_names").wheel).meta("METADATA").decode()
    theirs = hatch_wheel("import_names").meta("METADATA").decode()

    def lines(text: str) -> list[str]:
        head = text.split("\n\n", 1)[0]
        return [line for line in head.splitlines() if line.startswith(("Import-Name", "Import-Namespace"))]

    assert lines(ours) == lines(theirs) == [
        "Import-Name: acme.widgets",
        "Import-Name: acme.widgets._speedups; private",
        "Import-Namespace: acme",
    ]
    assert theirs.startswith("Metadata-Version: 2.5\n") and ours.startswith("Metadata-Version: 2.5\n")
