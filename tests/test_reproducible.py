"""Same tree, same bytes; SOURCE_DATE_EPOCH honoured; tree -> sdist -> wheel equals tree -> wheel."""

from __future__ import annotations

import gzip
import os
import tarfile
import time
import zipfile

import pytest

from _support import FIXTURE_IDS, only_file
from conftest import cli_build


def _build(cw_venv, tree, out, *args, epoch=None):
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else None
    cli_build(cw_venv, tree, out, *args, env=env)
    return only_file(out, "*.whl").read_bytes(), only_file(out, "*.tar.gz").read_bytes()


def _touch_all(tree, when):
    for dirpath, _dirs, files in os.walk(tree):
        for f in files:
            os.utime(os.path.join(dirpath, f), (when, when))


@pytest.mark.parametrize("name", ["src_layout", "data_mapping", "license_files"])
def test_two_builds_identical(name, cw_venv, fx_copy, tmp_path):
    tree_a = fx_copy(name, "a")
    tree_b = fx_copy(name, "b-elsewhere")
    # Different absolute paths and file mtimes: still the same bytes.
    _touch_all(tree_b, 1_234_567_890)
    wheel_a, sdist_a = _build(cw_venv, tree_a, tmp_path / "out-a")
    wheel_b, sdist_b = _build(cw_venv, tree_b, tmp_path / "out-b")
    wheel_a2, sdist_a2 = _build(cw_venv, tree_a, tmp_path / "out-a2")
    assert wheel_a == wheel_a2 and sdist_a == sdist_a2
    assert wheel_a == wheel_b, "wheel bytes depend on the tree's path or mtimes"
    assert sdist_a == sdist_b, "sdist bytes depend on the tree's path or mtimes"
    # No local user or group name may leak into the sdist.
    with tarfile.open(only_file(tmp_path / "out-a", "*.tar.gz")) as tf:
        assert {(m.uname, m.gname) for m in tf.getmembers()} == {("", "")}


def test_source_date_epoch(cw_venv, fx_copy, tmp_path):
    tree = fx_copy("src_layout")
    epoch = 1_700_000_000  # 2023-11-14 22:13:20 UTC
    default = _build(cw_venv, tree, tmp_path / "default")
    first = _build(cw_venv, tree, tmp_path / "e1", epoch=epoch)
    second = _build(cw_venv, tree, tmp_path / "e2", epoch=epoch)
    other = _build(cw_venv, tree, tmp_path / "e3", epoch=epoch + 86_400)
    assert first == second, "same SOURCE_DATE_EPOCH, different bytes"
    assert first[0] != default[0] and first[1] != default[1], "SOURCE_DATE_EPOCH ignored"
    assert other[0] != first[0] and other[1] != first[1]

    expected = time.gmtime(epoch)[:5] + (time.gmtime(epoch).tm_sec // 2 * 2,)
    with zipfile.ZipFile(only_file(tmp_path / "e1", "*.whl")) as zf:
        assert {i.date_time for i in zf.infolist()} == {expected}
    sdist = only_file(tmp_path / "e1", "*.tar.gz")
    with tarfile.open(sdist) as tf:
        assert {m.mtime for m in tf.getmembers()} == {epoch}
    gz_mtime = int.from_bytes(sdist.read_bytes()[4:8], "little")
    assert gz_mtime in (0, epoch), f"gzip header mtime {gz_mtime} is neither fixed nor SOURCE_DATE_EPOCH"
    with gzip.open(sdist) as g:
        g.read()


def test_source_date_epoch_before_1980_is_clamped(cw_venv, fx_copy, tmp_path):
    tree = fx_copy("single_module")
    _build(cw_venv, tree, tmp_path / "old", epoch=100)
    with zipfile.ZipFile(only_file(tmp_path / "old", "*.whl")) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.testzip() is None


def test_default_date_is_fixed_not_now(cw_venv, fx_copy, tmp_path):
    tree = fx_copy("single_module")
    _build(cw_venv, tree, tmp_path / "out")
    now = time.gmtime()[:3]
    with zipfile.ZipFile(only_file(tmp_path / "out", "*.whl")) as zf:
        stamps = {i.date_time for i in zf.infolist()}
    assert len(stamps) == 1 and next(iter(stamps))[:3] != now


@pytest.mark.parametrize("name", FIXTURE_IDS)
def test_wheel_from_sdist_equals_wheel_from_tree(name, cw_venv, fx_copy, tmp_path):
    tree = fx_copy(name)
    wheel_tree, _ = _build(cw_venv, tree, tmp_path / "tree")
    sdist = only_file(tmp_path / "tree", "*.tar.gz")
    unpacked = tmp_path / "unpacked"
    with tarfile.open(sdist) as tf:
        tf.extractall(unpacked, filter="data")
    (top,) = list(unpacked.iterdir())
    out = tmp_path / "from-sdist"
    cli_build(cw_venv, top, out, "--wheel")
    assert [p.name for p in out.iterdir()] == [only_file(tmp_path / "tree", "*.whl").name]
    wheel_sdist = only_file(out, "*.whl").read_bytes()
    if wheel_sdist != wheel_tree:
        a = zipfile.ZipFile(only_file(tmp_path / "tree", "*.whl"))
        b = zipfile.ZipFile(only_file(out, "*.whl"))
        diff = sorted(set(a.namelist()) ^ set(b.namelist()))
        changed = [n for n in set(a.namelist()) & set(b.namelist()) if a.read(n) != b.read(n)]
        pytest.fail(f"wheel from sdist differs: names only in one {diff}, changed {sorted(changed)}")
