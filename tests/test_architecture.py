"""The crate graph of docs/architecture.md is the one `cargo metadata` reports, and no crate
depends on one that is not below it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "crate-graph.py"


def load_script():
    spec = importlib.util.spec_from_file_location("crate_graph", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_documented_graph_is_cargo_metadata():
    proc = subprocess.run([sys.executable, SCRIPT, "--check"], check=False, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_the_top_crate_is_above_every_other():
    graph = load_script().graph()
    assert set(graph) == {
        "cartwheel",
        "cartwheel-dist",
        "cartwheel-check",
        "cartwheel-archive",
        "cartwheel-core",
        "cartwheel-rst",
        "cartwheel-publish",
        "cartwheel-migrate",
        "cartwheel-verify",
        "cartwheel-release",
    }
    assert not any("cartwheel" in deps for deps in graph.values())
    assert graph["cartwheel-rst"] == []
    assert graph["cartwheel-core"] == []
    assert graph["cartwheel-publish"] == []
    # The translator holds requirements to core's rules, and knows nothing of building.
    assert graph["cartwheel-migrate"] == ["cartwheel-core"]
    # The release checklist runs the build, the check and the upload; nothing below knows of it.
    assert sorted(graph["cartwheel-release"]) == [
        "cartwheel-check",
        "cartwheel-core",
        "cartwheel-dist",
        "cartwheel-publish",
    ]


def test_a_back_edge_is_reported():
    script = load_script()
    graph = script.graph()
    graph["cartwheel-check"] = [*graph["cartwheel-check"], "cartwheel-dist"]
    graph["cartwheel-core"] = ["cartwheel"]
    assert script.problems(graph) == [
        "`cartwheel-check` depends on `cartwheel-dist`, which is not below it",
        "`cartwheel-core` depends on `cartwheel`, which is not below it",
    ]


def test_only_the_top_crate_prints():
    # clippy (`-D warnings` in scripts/test.sh) enforces it through the workspace lints; the
    # lints must stay on and every crate below the top must take them.
    manifest = (ROOT / "Cargo.toml").read_text()
    assert 'print_stdout = "deny"' in manifest and 'print_stderr = "deny"' in manifest
    for crate in (ROOT / "crates").iterdir():
        assert "[lints]\nworkspace = true" in (crate / "Cargo.toml").read_text(), crate.name
