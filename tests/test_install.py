"""Built artifacts installed into fresh venvs: imports, versions, scripts, data; pip / uv frontends."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from _support import FIXTURE_IDS, FIXTURES, FIXTURES_BY_DIR, GIT_VERSION, Venv, Wheel, only_file, run, snapshot

CHECK_IMPORT = r"""
import importlib, importlib.metadata as md, json, sys
mod = importlib.import_module(sys.argv[1])
print(json.dumps({
    "version": getattr(mod, "__version__", None),
    "metadata_version": md.version(sys.argv[2]),
    "file": mod.__file__,
}))
"""


def _import_info(venv: Venv, import_name: str, dist: str, cwd: Path) -> dict:
    proc = run([venv.python, "-c", CHECK_IMPORT, import_name, dist], cwd=cwd)
    return json.loads(proc.stdout)


def _install_wheel(venv: Venv, wheel: Path, no_deps: bool) -> None:
    args = ["install", "--no-index", str(wheel)]
    if no_deps:
        args.insert(1, "--no-deps")
    venv.pip(*args)


@pytest.mark.parametrize("name", FIXTURE_IDS)
def test_install_wheel_and_import(name, built, fresh_venv, tmp_path):
    b = built(name)
    fx = b.fx
    _install_wheel(fresh_venv, b.wheel, no_deps=fx.no_deps)
    info = _import_info(fresh_venv, fx.import_name, fx.name, cwd=tmp_path)
    assert info["metadata_version"] == fx.version
    assert info["version"] == fx.version, "the stamped version, not the stale 0.0.0 of the source"
    assert "site-packages" in info["file"]


def test_console_and_gui_scripts(built, fresh_venv, tmp_path):
    b = built("scripts")
    _install_wheel(fresh_venv, b.wheel, no_deps=False)
    cli = fresh_venv.script("scripts-demo")
    assert run([cli, "--help"], cwd=tmp_path).stdout.startswith("usage: scripts-demo")
    assert run([cli, "--version"], cwd=tmp_path).stdout.strip() == "scripts-demo 0.5.0"
    assert run([cli, "pytest"], cwd=tmp_path).stdout.strip() == "scripts-demo says hello to pytest"
    gui = fresh_venv.script("scripts-demo-gui")
    assert gui.is_file() and os.access(gui, os.X_OK)
    assert "scripts_demo.gui" in gui.read_text()
    code = (
        "import importlib.metadata as md;"
        "eps = md.entry_points(group='scripts_demo.plugins');"
        "print(sorted((e.name, e.load()()) for e in eps))"
    )
    out = fresh_venv.run_python(code, cwd=tmp_path).stdout.strip()
    assert out == "[('Extra-Plugin', 'extra'), ('builtin', 'builtin')]"


def test_data_scheme_files_land(built, fresh_venv, tmp_path):
    b = built("data_mapping")
    _install_wheel(fresh_venv, b.wheel, no_deps=False)
    tool = fresh_venv.script("data-mapping-tool")
    assert tool.is_file() and os.access(tool, os.X_OK)
    assert run([tool], cwd=tmp_path).stdout.strip() == "data-mapping-tool ran"
    config = fresh_venv.path / "etc" / "data_mapping" / "app.toml"
    assert config.read_text() == (b.tree / "etc" / "app.toml").read_text()


def test_package_data_and_namespace(built, fresh_venv, tmp_path):
    _install_wheel(fresh_venv, built("package_data").wheel, no_deps=False)
    _install_wheel(fresh_venv, built("namespace").wheel, no_deps=False)
    code = (
        "import package_data, acme, acme.plugins, acme.plugins.foo.core as c, pathlib;"
        "print(package_data.schema_text().strip());"
        "assert acme.__file__ is None and acme.plugins.__file__ is None, 'namespaces must stay implicit';"
        "print(c.NAME);"
        "print(pathlib.Path(package_data.__file__).with_name('py.typed').is_file())"
    )
    out = fresh_venv.run_python(code, cwd=tmp_path).stdout.splitlines()
    assert out == ['{"type": "object", "title": "package-data schema"}', "foo", "True"]


def test_pip_install_sdist(built, fresh_venv, offline_env, tmp_path):
    """pip builds the wheel from our sdist in an isolated env that gets cartwheel from the wheelhouse."""
    b = built("src_layout")
    fresh_venv.pip("install", b.sdist, env=offline_env)
    info = _import_info(fresh_venv, "src_layout_demo", "Src.Layout-Demo", cwd=tmp_path)
    assert info["version"] == info["metadata_version"] == "1.2.0rc1"


def test_pip_install_dot(fresh_venv, offline_env, fx_copy, tmp_path):
    tree = fx_copy("scripts")
    before = snapshot(tree)
    fresh_venv.pip("install", ".", env=offline_env, cwd=tree)
    assert snapshot(tree) == before, "pip install . must not write into the project"
    out = run([fresh_venv.script("scripts-demo"), "--version"], cwd=tmp_path).stdout.strip()
    assert out == "scripts-demo 0.5.0"


def test_pip_install_editable_sees_edits(fresh_venv, offline_env, fx_copy, tmp_path):
    tree = fx_copy("src_layout")
    fresh_venv.pip("install", "-e", ".", env=offline_env, cwd=tree)
    code = "import src_layout_demo as m; print(m.hello()); print(m.__file__)"
    first = fresh_venv.run_python(code, cwd=tmp_path).stdout.splitlines()
    assert first[0] == "hello from src_layout_demo"
    assert Path(first[1]).resolve() == (tree / "src/src_layout_demo/__init__.py").resolve()
    init = tree / "src/src_layout_demo/__init__.py"
    init.write_text(init.read_text().replace("hello from src_layout_demo", "edited without reinstalling"))
    second = fresh_venv.run_python(code, cwd=tmp_path).stdout.splitlines()
    assert second[0] == "edited without reinstalling"
    # The editable wheel carries the same metadata as the real one.
    out = fresh_venv.run_python("import importlib.metadata as md; print(md.version('src-layout-demo'))", cwd=tmp_path)
    assert out.stdout.strip() == "1.2.0rc1"


def test_uv_build(built, wheelhouse, cw_venv, fx_copy, tmp_path):
    """`uv build` (sdist, then wheel from it) gives the same bytes as `python -m build`."""
    tree = fx_copy("md_readme")
    out = tmp_path / "uv-dist"
    uv = Path(sys.executable).parent / "uv"
    uv_cmd = str(uv) if uv.exists() else "uv"
    env = {
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_CONFIG": "1",
    }
    run(
        [uv_cmd, "build", "--no-index", "--find-links", wheelhouse, "--python", cw_venv.python, "-o", out, tree],
        env=env,
    )
    b = built("md_readme")
    assert sorted(Wheel(only_file(out, "*.whl")).names) == sorted(Wheel(b.wheel).names)
    assert only_file(out, "*.whl").read_bytes() == b.wheel.read_bytes()
    assert only_file(out, "*.tar.gz").read_bytes() == b.sdist.read_bytes()


def test_fixture_registry_matches_files():
    """Guard for the suite itself: every fixture folder is in the registry, and vice versa."""
    # `release` is test_release.py's project (a git repository with a remote, not a build case).
    dirs = {p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name not in {"broken", "release", GIT_VERSION.name}}
    assert dirs == set(FIXTURES_BY_DIR)


def test_editable_flat_namespace_subpackage_beside_another_portion(fresh_venv, offline_env, tmp_path):
    """Flat layout, `module = "acme.plugins.foo"`, while another distribution owns `acme.core`.

    The flat layout gets an import hook (a path entry would expose the whole project root); it
    must still resolve the sub-package through the `acme` namespace that lives elsewhere.
    """
    tree = tmp_path / "proj"
    (tree / "acme" / "plugins" / "foo").mkdir(parents=True)
    (tree / "acme" / "plugins" / "foo" / "__init__.py").write_text('X = "foo"\n')
    (tree / "tests").mkdir()
    (tree / "tests" / "__init__.py").write_text("")
    (tree / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["cartwheel"]\nbuild-backend = "cartwheel"\n'
        '[project]\nname = "acme-foo"\nversion = "1.0"\n'
        '[tool.cartwheel]\nmodule = "acme.plugins.foo"\n'
    )
    site = fresh_venv.run_python("import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    other = Path(site) / "acme" / "core"
    other.mkdir(parents=True)
    (other / "__init__.py").write_text('Y = "core"\n')
    fresh_venv.pip("install", "-e", ".", env=offline_env, cwd=tree)
    out = fresh_venv.run_python(
        "import acme.core, acme.plugins.foo as f; print(acme.core.Y, f.X, f.__file__)", cwd=tmp_path
    ).stdout.split()
    assert out[:2] == ["core", "foo"]
    assert Path(out[2]).resolve() == (tree / "acme/plugins/foo/__init__.py").resolve()
    # Only the project's module is exposed, not the rest of its root.
    res = fresh_venv.run_python("import tests", cwd=tmp_path, check=False)
    assert res.returncode != 0 and "No module named 'tests'" in res.stderr
