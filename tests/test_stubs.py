"""`python/cartwheel/_native.pyi` is the extension's typed contract: mypy's stubtest compares it
with the built module (names, signatures, defaults, `__all__`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

STUB = Path(__file__).resolve().parent.parent / "python" / "cartwheel" / "_native.pyi"


@pytest.fixture(scope="module")
def unpacked(cartwheel_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """cartwheel's wheel unpacked: importable with PYTHONPATH (the extension is abi3)."""
    site = tmp_path_factory.mktemp("stubtest")
    with zipfile.ZipFile(cartwheel_wheel) as wheel:
        wheel.extractall(site)
    return site


def stubtest(site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "cartwheel._native"],
        cwd=site,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_stub_matches_the_extension(unpacked: Path):
    # The stub under test is the one in the source tree, not the copy the wheel carries.
    shutil.copyfile(STUB, unpacked / "cartwheel" / "_native.pyi")
    proc = stubtest(unpacked)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "Success: no issues found in 1 module"


def test_a_stub_that_lies_fails(unpacked: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(unpacked, site)
    lying = STUB.read_text().replace("def validate_rst(text: str)", "def validate_rst(txt: str)")
    assert lying != STUB.read_text()
    (site / "cartwheel" / "_native.pyi").write_text(lying)
    proc = stubtest(site)
    assert proc.returncode == 1
    assert "error: cartwheel._native.validate_rst is inconsistent" in proc.stdout, proc.stdout
