//! One project per backend: the pyproject.toml migrate writes (snapshots) and its findings.

use cartwheel_migrate::{migrate, Input, Kind, MemTree, Options};

fn run(files: &MemTree, setup_py: Option<serde_json::Value>, remove_old: bool) -> (String, String) {
    let input = Input {
        pyproject: files.0.get("pyproject.toml").map(String::as_str),
        setup_cfg: files.0.get("setup.cfg").map(String::as_str),
        setup_py: setup_py.as_ref(),
        manifest_in: files.0.get("MANIFEST.in").map(String::as_str),
        tree: files,
    };
    let out = migrate(&input, &Options { remove_old, ..Options::default() }).unwrap();
    let findings: Vec<String> = out
        .findings
        .iter()
        .map(|f| f.to_string())
        .chain(out.unused.iter().map(|u| format!("unused: {u}")))
        .collect();
    (out.pyproject, findings.join("\n"))
}

/// Each rendered text under a `--- label` line, for one snapshot per test.
fn labelled<L: std::fmt::Display>(texts: &[(L, String)]) -> String {
    texts.iter().map(|(label, text)| format!("--- {label}\n{text}")).collect::<Vec<_>>().join("\n\n")
}

/// The pyproject.toml migrate writes for `files` and its findings, for one snapshot.
fn migrated(files: &MemTree, setup_py: Option<serde_json::Value>) -> String {
    migrated_case("", files, setup_py)
}

/// [`migrated`], its labels led by `case` where a snapshot holds several projects.
fn migrated_case(case: &str, files: &MemTree, setup_py: Option<serde_json::Value>) -> String {
    let (out, findings) = run(files, setup_py, false);
    let findings = if findings.is_empty() { "(none)".to_string() } else { findings };
    let lead = if case.is_empty() { String::new() } else { format!("{case}: ") };
    labelled(&[
        (format!("{lead}pyproject.toml"), out.trim_end().to_string()),
        (format!("{lead}findings"), findings),
    ])
}

const POETRY: &str = r#"# The acme project.
[tool.poetry]
name = "acme-sdk"
version = "1.4.0"
description = "Acme SDK"
authors = ["Ann Example <ann@example.com>", "Bob"]
license = "MIT"
readme = "README.md"
homepage = "https://acme.example"
repository = "https://github.com/acme/sdk"
keywords = ["acme"]
packages = [{ include = "acme", from = "src" }]
include = ["CHANGELOG.md", { path = "tests", format = "sdist" }]

[tool.poetry.dependencies]
python = "^3.9"
requests = "^2.28"
attrs = { version = "^1.0 || ^3.0", python = "<3.11" }
rich = { version = "~13.1", optional = true, extras = ["jupyter"] }
tomli = { version = ">=1.1", markers = "python_version < '3.11'" }
lib = { git = "https://github.com/acme/lib.git", tag = "v1" }

[tool.poetry.extras]
fancy = ["rich"]

[tool.poetry.group.dev.dependencies]
pytest = "^8"  # the test runner

[tool.poetry.scripts]
acme = "acme.cli:main"
acme-tool = { reference = "acme.tool:run", type = "console" }

[tool.poetry.plugins."acme.plugins"]
base = "acme.plugins:Base"

[tool.black]
line-length = 100

[build-system]
requires = ["poetry-core>=1.0.0"]  # poetry
build-backend = "poetry.core.masonry.api"
"#;

#[test]
fn poetry_core_1() {
    let files = MemTree::new(&[("pyproject.toml", POETRY), ("src/acme/__init__.py", "")]);
    let (py, findings) = run(&files, None, false);
    insta::assert_snapshot!("poetry", py);
    insta::assert_snapshot!("poetry_findings", findings);
}

#[test]
fn poetry_remove_old_and_second_run() {
    let files = MemTree::new(&[("pyproject.toml", POETRY), ("src/acme/__init__.py", "")]);
    let (py, _) = run(&files, None, true);
    insta::assert_snapshot!("poetry_remove_old", py);
    // The second run finds a cartwheel project and changes nothing.
    let again = MemTree::new(&[("pyproject.toml", &py), ("src/acme/__init__.py", "")]);
    let (py2, findings) = run(&again, None, false);
    assert_eq!(py2, py);
    assert_eq!(findings, "");
}

const SETUP_CFG: &str = "[metadata]
name = acme
version = attr: acme.__version__
description = Acme tools
long_description = file: README.rst
author = Ann Example
author_email = ann@example.com
license = MIT
url = https://acme.example
project_urls =
    Source = https://github.com/acme/acme
classifiers =
    Programming Language :: Python :: 3
keywords = acme, tools

[options]
packages = find:
package_dir =
    =src
python_requires = >=3.8
install_requires =
    requests>=2
    tomli; python_version < \"3.11\"
zip_safe = False

[options.packages.find]
where = src
exclude = tests

[options.extras_require]
yaml = pyyaml>=6

[options.entry_points]
console_scripts =
    acme = acme.cli:main

[flake8]
max-line-length = 100
";

#[test]
fn setuptools_setup_cfg_and_manifest() {
    let files = MemTree::new(&[
        ("setup.cfg", SETUP_CFG),
        (
            "MANIFEST.in",
            "include CHANGES.rst\nrecursive-include docs *.rst\nprune tests/big\nglobal-exclude *.py[co]\n",
        ),
        ("src/acme/__init__.py", "__version__ = \"2.0.1\"\n"),
        ("src/acme/cli.py", ""),
        ("README.rst", "Acme\n"),
    ]);
    let setup_py = serde_json::json!({"found": true, "args": {}, "computed": {}, "star": []});
    let (py, findings) = run(&files, Some(setup_py), false);
    insta::assert_snapshot!("setuptools_cfg", py);
    insta::assert_snapshot!("setuptools_cfg_findings", findings);
}

#[test]
fn setuptools_setup_py_static() {
    let files = MemTree::new(&[("acme.py", "__version__ = '0.3'\n"), ("README.md", "# Acme\n")]);
    let setup_py = serde_json::json!({
        "found": true,
        "args": {
            "name": {"value": "acme", "line": 3, "col": 10},
            "py_modules": {"value": ["acme"], "line": 4, "col": 16},
            "install_requires": {"value": ["click>=8"], "line": 5, "col": 22},
            "entry_points": {"value": {"console_scripts": ["acme=acme:main"]}, "line": 6, "col": 18},
        },
        "computed": {
            "version": {"source": "get_version()", "strings": [], "line": 7, "col": 13},
            "long_description": {"source": "open('README.md').read()", "strings": ["README.md"], "line": 8, "col": 22},
        },
        "star": [],
    });
    let (py, findings) = run(&files, Some(setup_py), false);
    insta::assert_snapshot!("setuptools_py", py);
    insta::assert_snapshot!("setuptools_py_findings", findings);
}

#[test]
fn setuptools_pyproject_with_scm() {
    let py = r#"[build-system]
requires = ["setuptools>=64", "setuptools-scm>=8"]
build-backend = "setuptools.build_meta"

[project]
name = "acme"
dynamic = ["version", "readme"]

[tool.setuptools.dynamic]
readme = { file = ["README.md"], content-type = "text/markdown" }

[tool.setuptools.packages.find]
where = ["src"]

[tool.setuptools_scm]
version_file = "src/acme/_version.py"
"#;
    let files = MemTree::new(&[("pyproject.toml", py), ("src/acme/__init__.py", ""), ("README.md", "")]);
    let (out, findings) = run(&files, None, false);
    insta::assert_snapshot!("setuptools_scm", out);
    insta::assert_snapshot!("setuptools_scm_findings", findings);
    let input =
        Input { pyproject: Some(py), setup_cfg: None, setup_py: None, manifest_in: None, tree: &files };
    let outcome = migrate(&input, &Options::default()).unwrap();
    assert!(outcome.untranslatable());
    assert_eq!(outcome.findings[0].kind, Kind::Untranslatable);
    assert_eq!((outcome.findings[0].line, outcome.findings[0].col), (16, 16));
}

#[test]
fn hatchling_with_vcs() {
    let py = r#"[build-system]
requires = ["hatchling", "hatch-vcs"]
build-backend = "hatchling.build"

[project]
name = "acme"
dynamic = ["version"]  # from git

[tool.hatch.version]
source = "vcs"
fallback-version = "0.0.0"

[tool.hatch.build.targets.wheel]
packages = ["lib/acme"]

[tool.hatch.build.targets.sdist]
exclude = ["/.github", "docs/_build"]

[tool.hatch.build.targets.wheel.shared-data]
"share/acme.json" = "etc/acme/acme.json"

[tool.hatch.envs.default]
dependencies = ["pytest"]
"#;
    let files = MemTree::new(&[("pyproject.toml", py), ("lib/acme/__init__.py", "")]);
    let (out, findings) = run(&files, None, false);
    insta::assert_snapshot!("hatchling", out);
    insta::assert_snapshot!("hatchling_findings", findings);
}

#[test]
fn hatchling_version_path() {
    let py = "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"acme\"\ndynamic = [\"version\"]\n\n[tool.hatch.version]\npath = \"src/acme/__about__.py\"\n";
    let files = MemTree::new(&[
        ("pyproject.toml", py),
        ("src/acme/__init__.py", ""),
        ("src/acme/__about__.py", "__version__ = '1.0'\n"),
    ]);
    insta::assert_snapshot!("hatchling_version_path", migrated(&files, None));
}

#[test]
fn flit_core() {
    let py = r#"[build-system]
requires = ["flit_core >=3.2,<4"]
build-backend = "flit_core.buildapi"

[project]
name = "acme-flit"
dynamic = ["version", "description"]

[tool.flit.module]
name = "acme"

[tool.flit.sdist]
include = ["docs/"]
exclude = ["docs/_build"]
"#;
    let files = MemTree::new(&[
        ("pyproject.toml", py),
        ("acme/__init__.py", "\"\"\"Acme, the flit way.\n\nMore.\"\"\"\n__version__ = \"1.0\"\n"),
    ]);
    let (out, findings) = run(&files, None, false);
    insta::assert_snapshot!("flit", out);
    insta::assert_snapshot!("flit_findings", findings);
}

#[test]
fn pdm_backend() {
    let py = r#"[build-system]
requires = ["pdm-backend"]
build-backend = "pdm.backend"

[project]
name = "acme"
dynamic = ["version"]

[tool.pdm.version]
source = "file"
path = "src/acme/__init__.py"

[tool.pdm.build]
package-dir = "src"
source-includes = ["tests/"]

[tool.pdm.dev-dependencies]
test = ["pytest>=8"]
"#;
    let files = MemTree::new(&[("pyproject.toml", py), ("src/acme/__init__.py", "__version__ = '1'\n")]);
    let (out, findings) = run(&files, None, false);
    insta::assert_snapshot!("pdm", out);
    insta::assert_snapshot!("pdm_findings", findings);
}

#[test]
fn uv_build() {
    let py = r#"[build-system]
requires = ["uv_build>=0.8,<0.9"]
build-backend = "uv_build"

[project]
name = "acme-uv"
version = "0.1.0"

[tool.uv.build-backend]
module-name = "acme"
module-root = ""
source-exclude = ["notes"]
data = { scripts = "bin" }
"#;
    let files = MemTree::new(&[("pyproject.toml", py), ("acme/__init__.py", "")]);
    let (out, findings) = run(&files, None, false);
    insta::assert_snapshot!("uv", out);
    insta::assert_snapshot!("uv_findings", findings);
}

#[test]
fn poetry_namespace_root_becomes_its_dotted_packages() {
    let py = "[project]\nname = \"acme-core\"\nversion = \"1.0\"\n\n[tool.poetry]\npackages = [{ include = \"acme\", from = \"src\" }]\n\n[build-system]\nrequires = [\"poetry-core\"]\nbuild-backend = \"poetry.core.masonry.api\"\n";
    let files = MemTree::new(&[("pyproject.toml", py), ("src/acme/core/__init__.py", "")]);
    insta::assert_snapshot!("poetry_namespace_root", migrated(&files, None));
}

#[test]
fn flit_version_re_exported_from_a_sibling() {
    let py = "[build-system]\nrequires = [\"flit_core\"]\nbuild-backend = \"flit_core.buildapi\"\n\n[project]\nname = \"acme\"\ndescription = \"x\"\ndynamic = [\"version\"]\n";
    let init = "from ._meta import (\n\t__author__,\n\t__version__,\n)\n";
    let files = MemTree::new(&[
        ("pyproject.toml", py),
        ("acme/__init__.py", init),
        ("acme/_meta.py", "__version__ = \"0.12.1\"\n"),
    ]);
    insta::assert_snapshot!("flit_version_re_exported", migrated(&files, None));
}

#[test]
fn check_wheel_contents_ignores_become_check_ignore() {
    for (ignore, expected) in [
        (r#"["W002", "W201", "W004"]"#, r#"check-ignore = ["W002", "W004"]"#),
        (r#""W002, W101""#, r#"check-ignore = ["W002"]"#),
    ] {
        let py = format!("[project]\nname = \"acme\"\nversion = \"1.0\"\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[tool.check-wheel-contents]\nignore = {ignore}\n");
        let files = MemTree::new(&[("pyproject.toml", py.as_str()), ("acme/__init__.py", "")]);
        let (out, findings) = run(&files, None, false);
        assert_eq!(
            out,
            format!("[project]\nname = \"acme\"\nversion = \"1.0\"\n\n[build-system]\nrequires = [\"cartwheel>=0.1\"]\nbuild-backend = \"cartwheel\"\n\n[tool.check-wheel-contents]\nignore = {ignore}\n\n[tool.cartwheel]\n{expected}\n")
        );
        assert_eq!(findings, "");
    }
    // Only checks cartwheel does not run: nothing to carry.
    let py = "[project]\nname = \"acme\"\nversion = \"1.0\"\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[tool.check-wheel-contents]\nignore = [\"W201\"]\n";
    let files = MemTree::new(&[("pyproject.toml", py), ("acme/__init__.py", "")]);
    assert_eq!(
        run(&files, None, false),
        (
            py.replace(
                "\"hatchling\"]\nbuild-backend = \"hatchling.build\"",
                "\"cartwheel>=0.1\"]\nbuild-backend = \"cartwheel\""
            ),
            String::new()
        )
    );
}

#[test]
fn undefined_project_url_key_is_repaired() {
    let py = "[project]\nname = \"acme\"\nversion = \"1.0\"\nrepository = \"https://github.com/acme/acme\"\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n";
    let files = MemTree::new(&[("pyproject.toml", py), ("acme/__init__.py", "")]);
    let (out, findings) = run(&files, None, false);
    assert_eq!(
        out,
        "[project]\nname = \"acme\"\nversion = \"1.0\"\n\n[build-system]\nrequires = [\"cartwheel>=0.1\"]\nbuild-backend = \"cartwheel\"\n\n[project.urls]\nRepository = \"https://github.com/acme/acme\"\n"
    );
    assert_eq!(findings, "repaired: pyproject.toml:4:14: `project.repository`: `repository` is not a `[project]` key; moved to `[project.urls]` as `Repository`");
}

#[test]
fn poetry_default_package_without_init_is_named() {
    // poetry-core takes `src/<name>/` as the package even without `__init__.py` (poetry 2.0.1
    // itself: a namespace folder holding modules and packages); cartwheel must be told.
    let py = "[project]\nname = \"acme\"\nversion = \"1.0\"\n\n[tool.poetry]\n\n[build-system]\nrequires = [\"poetry-core>=2.0\"]\nbuild-backend = \"poetry.core.masonry.api\"\n";
    let files = MemTree::new(&[
        ("pyproject.toml", py),
        ("src/acme/factory.py", ""),
        ("src/acme/console/__init__.py", ""),
    ]);
    let without_init = migrated_case("without __init__.py", &files, None);
    // With `__init__.py` the convention finds it: nothing to write.
    let files = MemTree::new(&[("pyproject.toml", py), ("src/acme/__init__.py", "")]);
    let with_init = migrated_case("with __init__.py", &files, None);
    insta::assert_snapshot!("poetry_default_package", format!("{without_init}\n\n{with_init}"));
}

#[test]
fn poetry_source_prereleases_and_develop_are_reported() {
    let py = r#"[tool.poetry]
name = "acme"
version = "1.0"
description = ""
authors = []

[tool.poetry.dependencies]
python = "^3.9"
internal = { version = "^2.0", source = "corp" }
beta = { version = ">=1.0", allow-prereleases = true }
sibling = { path = "../sibling", develop = true }

[[tool.poetry.source]]
name = "corp"
url = "https://pypi.corp.example/simple/"
priority = "supplemental"

[build-system]
requires = ["poetry-core>=1.0.0"]
build-backend = "poetry.core.masonry.api"
"#;
    let files = MemTree::new(&[("pyproject.toml", py), ("acme/__init__.py", "")]);
    let (out, findings) = run(&files, None, false);
    insta::assert_snapshot!("poetry_source_prereleases", out);
    assert_eq!(
        findings,
        "untranslatable: pyproject.toml:11:11: `tool.poetry.dependencies.sibling`: `sibling` is a path dependency (`../sibling`): PEP 508 has no relative file references
  fix: publish it and depend on a version, or move it to a `[dependency-groups]` entry managed by your installer
warning: pyproject.toml:9:12: `tool.poetry.dependencies.internal`: `internal` comes from the package source `corp` (https://pypi.corp.example/simple/): a requirement cannot name an index, so installers look for it on PyPI (or whichever index they are given)
  fix: publish `internal` where your users install from, or tell them to install with `--extra-index-url` naming that source
warning: pyproject.toml:10:8: `tool.poetry.dependencies.beta`: `beta` sets `allow-prereleases`: a requirement cannot say so; installers take a pre-release only when the specifier names one (or with `--pre`)
  fix: name the pre-release in the version (e.g. `>=2.0.0b1`) if one is needed
note: pyproject.toml:11:11: `tool.poetry.dependencies.sibling`: `sibling` sets `develop`: it changes only how poetry installs the path dependency into its environment, not the built artifacts
unused: pyproject.toml [tool.poetry]"
    );
}

#[test]
fn setuptools_without_include_package_data_ships_only_package_data() {
    let cfg = "[metadata]\nname = acme\nversion = 1.0\n\n[options]\npackages = find:\n\n[options.package_data]\nacme = *.json, templates/*.html\n";
    let files = MemTree::new(&[
        ("setup.cfg", cfg),
        ("acme/__init__.py", ""),
        ("acme/data.json", "{}"),
        ("acme/notes.txt", ""),
        ("acme/templates/page.html", ""),
        ("acme/templates/page.css", ""),
        ("acme/sub/__init__.py", ""),
        ("acme/sub/table.csv", ""),
        ("acme/scripts/tool.py", ""),
    ]);
    // setup.cfg's default is `include_package_data = False`: only package_data's files and the
    // packages' modules go in the wheel (a .py in a folder without __init__.py is data).
    let cfg_default = migrated_case("setup.cfg, default", &files, None);
    let with = cfg.replace("packages = find:\n", "packages = find:\ninclude_package_data = True\n");
    let files = MemTree(
        files
            .0
            .into_iter()
            .map(|(k, v)| (k.clone(), if k == "setup.cfg" { with.clone() } else { v }))
            .collect(),
    );
    let cfg_with = migrated_case("setup.cfg, include_package_data = True", &files, None);
    // A pyproject-configured project includes package data unless told not to.
    let py = "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"acme\"\nversion = \"1.0\"\n\n[tool.setuptools]\npackages = [\"acme\"]\ninclude-package-data = false\n\n[tool.setuptools.package-data]\nacme = [\"*.json\"]\n";
    let files = MemTree::new(&[
        ("pyproject.toml", py),
        ("acme/__init__.py", ""),
        ("acme/data.json", "{}"),
        ("acme/notes.txt", ""),
    ]);
    let toml_without = migrated_case("pyproject.toml, include-package-data = false", &files, None);
    let files = MemTree::new(&[
        ("pyproject.toml", &py.replace("include-package-data = false\n", "")),
        ("acme/__init__.py", ""),
        ("acme/notes.txt", ""),
    ]);
    let toml_default = migrated_case("pyproject.toml, default", &files, None);
    insta::assert_snapshot!(
        "setuptools_package_data",
        [cfg_default, cfg_with, toml_without, toml_default].join("\n\n")
    );
}

#[test]
fn hatch_force_include_is_mapped_where_cartwheel_can_express_it() {
    let py = r#"[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "acme"
version = "1.0"

[tool.hatch.build.targets.wheel.force-include]
"schemas/v1.json" = "acme/schemas/v1.json"
"src/acme/_generated.py" = "acme/_generated.py"
"../shared/LICENSE" = "acme/LICENSE"

[tool.hatch.build.targets.sdist.force-include]
"CHANGES" = "CHANGES"
"docs/intro.md" = "README.md"
"#;
    let files = MemTree::new(&[
        ("pyproject.toml", py),
        ("src/acme/__init__.py", ""),
        ("src/acme/_generated.py", ""),
        ("schemas/v1.json", "{}"),
        ("CHANGES", ""),
        ("docs/intro.md", ""),
    ]);
    let (out, findings) = run(&files, None, false);
    insta::assert_snapshot!("hatch_force_include", out);
    assert_eq!(
        findings,
        "untranslatable: pyproject.toml:12:23: `tool.hatch.build.targets.wheel.force-include`: `../shared/LICENSE` is outside the project
  fix: copy it into the project, then map it with `tool.cartwheel.data` or move it into the package
untranslatable: pyproject.toml:16:19: `tool.hatch.build.targets.sdist.force-include`: `docs/intro.md` is copied to `README.md` inside the sdist
  fix: move the file to where the sdist should hold it
warning: pyproject.toml:10:21: `tool.hatch.build.targets.wheel.force-include`: `schemas/v1.json` goes in the wheel as `acme/schemas/v1.json`: cartwheel maps it through the wheel's `.data/purelib/`, which installers put at the same place
unused: pyproject.toml [tool.hatch.build]"
    );
}

#[test]
fn setuptools_attr_version_re_exported_from_a_sibling() {
    // distro 1.9.0: `from .distro import __version__` in the package, the literal in distro.py.
    let cfg = "[metadata]\nname = acme\nversion = attr: acme.__version__\n\n[options]\npackage_dir =\n    = src\npackages = acme\n";
    let files = MemTree::new(&[
        ("setup.cfg", cfg),
        (
            "src/acme/__init__.py",
            "from .acme import (\n    __version__,\n    main,\n)\n\n__version__ = __version__\n",
        ),
        ("src/acme/acme.py", "__version__ = \"1.9.0\"\n"),
    ]);
    insta::assert_snapshot!("setuptools_attr_version_re_exported", migrated(&files, None));
}

#[test]
fn setup_py_requirement_string_is_one_requirement_a_line() {
    // wcwidth 0.2.13: two adjacent literals make one requirement with a marker.
    let files = MemTree::new(&[("acme/__init__.py", "")]);
    let setup_py = serde_json::json!({
        "found": true,
        "args": {
            "name": {"value": "acme", "line": 3, "col": 10},
            "version": {"value": "1.0", "line": 4, "col": 13},
            "install_requires": {"value": "backports.functools-lru-cache>=1.2.1;python_version < \"3.2\"", "line": 5, "col": 22},
            "extras_require": {"value": {"cli": "click>=8\nrich; python_version >= \"3.8\""}, "line": 6, "col": 20},
        },
        "computed": {},
        "star": [],
    });
    insta::assert_snapshot!("setup_py_requirement_string", migrated(&files, Some(setup_py)));
}

#[test]
fn setup_py_cmdclass_of_commands_no_build_runs_is_a_note() {
    // wcwidth 0.2.13: `cmdclass={'update': _SetupUpdate}`, a maintenance command.
    let files = MemTree::new(&[("acme/__init__.py", "")]);
    let json = |commands: &[&str]| {
        serde_json::json!({
            "found": true,
            "args": {"name": {"value": "acme", "line": 3, "col": 10}, "version": {"value": "1.0", "line": 4, "col": 13}},
            "computed": {"cmdclass": {"source": "{...}", "strings": commands, "line": 5, "col": 18}},
            "star": [],
        })
    };
    let (_, findings) = run(&files, Some(json(&["update"])), false);
    assert_eq!(
        findings,
        "note: setup.py:5:18: `cmdclass` adds setup.py commands (`update`) that no build runs\nunused: setup.py"
    );
    let (_, findings) = run(&files, Some(json(&["update", "build_py"])), false);
    insta::assert_snapshot!("setup_py_cmdclass_build_py", findings);
}

#[test]
fn setup_cfg_universal_wheel_is_a_note() {
    let cfg = "[metadata]\nname = acme\nversion = 1.0\n\n[bdist_wheel]\nuniversal = 1\n";
    let files = MemTree::new(&[("setup.cfg", cfg), ("acme/__init__.py", "")]);
    let (_, findings) = run(&files, None, false);
    assert_eq!(
        findings,
        "note: setup.cfg:6:1: `bdist_wheel.universal`: `universal = 1` tags the wheel py2.py3; cartwheel tags it py3 (it builds for Python 3 only)\nunused: setup.cfg [metadata]\nunused: setup.cfg [bdist_wheel]"
    );
}

#[test]
fn entry_points_that_cannot_be_read_are_untranslatable() {
    let cfg = |entry_points: &str| {
        format!("[metadata]\nname = acme\nversion = 1.0\n\n[options]\npackages = find:\nentry_points = {entry_points}\n")
    };
    let findings = |entry_points: &str| {
        let files = MemTree::new(&[("setup.cfg", &cfg(entry_points)), ("acme/__init__.py", "")]);
        run(&files, None, false).1
    };
    // Before, text that did not parse was dropped without a word (the script went missing).
    insta::assert_snapshot!(
        "entry_points_unreadable",
        labelled(&[
            ("file:", findings("file: entry_points.cfg")),
            ("not INI text", findings("\n    acme = acme.cli:main")),
        ])
    );
}

#[test]
fn a_version_only_in_a_docstring_is_not_a_literal() {
    // Read as cartwheel's build reads it: the docstring's line is not an assignment.
    let cfg = "[metadata]\nname = acme\nversion = attr: acme.__version__\n\n[options]\npackages = find:\n";
    let init = "\"\"\"Acme.\n\n__version__ = \"9.9\"\n\"\"\"\n__version__ = compute()\n";
    let files = MemTree::new(&[("setup.cfg", cfg), ("acme/__init__.py", init)]);
    let (_, findings) = run(&files, None, false);
    insta::assert_snapshot!("version_only_in_a_docstring", findings);
}

#[test]
fn what_has_no_cartwheel_form_is_located() {
    let findings = |files: &[(&str, &str)]| run(&MemTree::new(files), None, false).1;
    let cfg = "[metadata]\nname = acme\nversion = 1.0\n\n[options]\npackages = find:\nfoo_bar = 1\n";
    let manifest = "include README.md\nrecursive-includ docs *.txt\n";
    let py = "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"acme\"\nversion = \"1.0\"\nfoo = 1\n";
    insta::assert_snapshot!(
        "untranslatable_located",
        labelled(&[
            ("setup.cfg option", findings(&[("setup.cfg", cfg), ("acme/__init__.py", "")])),
            (
                "MANIFEST.in command",
                findings(&[
                    ("setup.cfg", cfg.replace("foo_bar = 1\n", "").as_str()),
                    ("MANIFEST.in", manifest),
                    ("acme/__init__.py", ""),
                ]),
            ),
            ("[project] key", findings(&[("pyproject.toml", py), ("acme/__init__.py", "")])),
        ])
    );
}

#[test]
fn pep_794_import_names_are_kept() {
    // hatchling and setuptools both copy `[project]` as written: the keys must stay, unreported.
    let project = "[project]\nname = \"acme\"\nversion = \"1.0\"\nimport-names = [\"acme.sdk\", \"_acme_c ; private\"]\nimport-namespaces = [\"acme\"]\n";
    let mut each = Vec::new();
    for backend in ["hatchling.build", "setuptools.build_meta"] {
        let requires = backend.split('.').next().unwrap();
        let py = format!(
            "[build-system]\nrequires = [\"{requires}\"]\nbuild-backend = \"{backend}\"\n\n{project}"
        );
        let files = MemTree::new(&[
            ("pyproject.toml", py.as_str()),
            ("acme/sdk/__init__.py", ""),
            ("_acme_c.py", ""),
        ]);
        each.push(migrated_case(backend, &files, None));
    }
    insta::assert_snapshot!("pep_794_import_names", each.join("\n\n"));
}
