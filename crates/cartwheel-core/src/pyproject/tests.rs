//! pyproject.toml reading, field family by field family, against exact messages.

use super::*;
use crate::diagnostic::Severity;
use crate::project::{CheckLevel, VersionSource};

/// Write `toml` (and `files`) into a fresh folder and load it.
pub(super) fn load_with(
    toml: &str,
    files: &[(&str, &[u8])],
) -> (Result<Project, Error>, Vec<Diagnostic>, tempfile::TempDir) {
    let dir = crate::testing::tree(toml, files);
    let mut warnings = Vec::new();
    let result = load(dir.path(), &mut warnings);
    (result, warnings, dir)
}

pub(super) fn ok(toml: &str) -> (Project, Vec<Diagnostic>) {
    let (r, w, _dir) = load_with(toml, &[]);
    match r {
        Ok(p) => (p, w),
        Err(e) => panic!("{}", e.diagnostic()),
    }
}

/// The rendered error for `[project]` + name + version + `extra`.
pub(super) fn err(extra: &str) -> String {
    err_full(&format!("{HEAD}{extra}"))
}

pub(super) fn err_full(toml: &str) -> String {
    let (r, _, _dir) = load_with(toml, &[]);
    match r {
        Ok(_) => panic!("expected an error for:\n{toml}"),
        Err(e) => e.diagnostic().to_string(),
    }
}

pub(super) fn warnings(extra: &str) -> Vec<String> {
    ok(&format!("{HEAD}{extra}"))
        .1
        .iter()
        .map(|w| {
            assert_eq!(w.severity, Severity::Warning);
            w.to_string()
        })
        .collect()
}

/// Three lines, so a tested key written next sits on line 4.
pub(super) const HEAD: &str = "[project]\nname = \"acme-sdk\"\nversion = \"1.0\"\n";

pub(super) fn has(out: &str, parts: &[&str]) {
    for p in parts {
        assert!(out.contains(p), "missing {p:?} in:\n{out}");
    }
}

const FULL: &str = r#"
[build-system]
requires = ["cartwheel>=0.1"]
build-backend = "cartwheel"

[project]
name = "Acme.SDK"
version = "1.4.0"
description = "Acme database SDK"
readme = "README.md"
requires-python = ">=3.8,<4"
license = "apache-2.0 or mit"
license-files = ["LICENSE*", "licenses/**/*.txt"]
authors = [{ name = "Jane Doe", email = "jane@example.org" }, { email = "team@example.org" }]
maintainers = [{ name = "Bob" }]
keywords = ["db", "sql"]
classifiers = ["Programming Language :: Python :: 3"]
dependencies = ["SQLAlchemy >=2", "tomli; python_version < '3.11'"]

[project.optional-dependencies]
Test_Extra = ["pytest"]
docs = ["sphinx>=7"]

[project.urls]
Source = "https://example.org/src"
Docs = "https://example.org/docs"

[project.scripts]
acme-client = "acme.cli:main"

[project.gui-scripts]
acme-gui = "acme.gui : run"

[project.entry-points."acme.plugins"]
csv = "acme.plugins.csv:Plugin"
base = "acme.plugins"

[tool.black]
line-length = 100

[tool.cartwheel]
module = ["acme", "acme_extra"]
source = "src"
include = ["generated/*.json"]
exclude = ["**/*.tmp"]
wheel-exclude = ["tests/"]
sdist-include = ["docs/**"]
sdist-exclude = ["docs/_build/"]
data = { "bin" = "scripts", "share/x.json" = "data/etc/x.json" }
check = "warn"

[tool.cartwheel.version]
stamp = ["src/acme/__init__.py"]
changelog = "CHANGES.md"
"#;

#[test]
fn fuzz_regressions_are_errors_not_panics() {
    // A TOML error located in the `\r` run that ends a line (pyproject fuzz target).
    let bytes = include_bytes!("../../../../fuzz/corpus/pyproject/regress-cr-span.toml");
    let dir = tempfile::tempdir().unwrap();
    let e = parse(bytes.to_vec(), PathBuf::from("pyproject.toml"), dir.path(), &mut Vec::new()).unwrap_err();
    assert!(e.diagnostic().to_string().starts_with("error: pyproject.toml:2:"), "{}", e.diagnostic());
}

#[test]
fn deeply_nested_marker_is_an_error_not_a_crash() {
    let deep = format!("a ; {}python_version > '3'{}", "(".repeat(3000), ")".repeat(3000));
    let out = err(&format!("dependencies = [\"{deep}\"]\n"));
    has(&out, &["pyproject.toml:4:17: invalid requirement: parentheses nested 3000 deep"]);
}

#[test]
fn name_ending_in_a_separator_is_an_error_not_a_crash() {
    let out = err("dependencies = [\"foo-==1\"]\n");
    has(&out, &["pyproject.toml:4:17: invalid requirement: the name `foo-` must end with a letter or digit"]);
}

#[test]
fn bom_and_duplicate_tables_are_explained() {
    let out = err_full("\u{feff}[project]\nname = \"a\"\nversion = \"1\"\n");
    has(&out, &["pyproject.toml:1:1: pyproject.toml starts with a UTF-8 byte-order mark"]);
    let out = err_full("[project]\nname = \"a\"\nversion = \"1\"\n[project]\n");
    has(&out, &["pyproject.toml:4:1: invalid TOML: invalid table header: duplicate key `\"project\"`"]);
}

#[test]
fn non_utf8_file_is_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), b"[project]\nname = \"caf\xe9\"\n").unwrap();
    let e = load(dir.path(), &mut Vec::new()).unwrap_err().diagnostic().to_string();
    assert!(e.contains("pyproject.toml:2:12: pyproject.toml is not valid UTF-8"), "{e}");
}

#[test]
fn toml_11_syntax_is_refused() {
    let e = err_full(
        "[project]\nname = \"a\"\nversion = \"1\"\nauthors = [{name = \"A\",\n  email = \"a@b.co\",}]\n",
    );
    assert!(e.contains("invalid TOML 1.0"), "{e}");
    assert!(e.contains("pyproject.toml:4:"), "{e}");
    let e = err_full("[project]\nname = \"a\"\nversion = \"1\"\ndescription = \"\\e[1m\"\n");
    assert!(e.contains("invalid TOML 1.0") && e.contains("pyproject.toml:4:"), "{e}");
    let e = err_full("[project\n");
    assert!(e.contains("invalid TOML: ") && e.contains("pyproject.toml:1:"), "{e}");
}

#[test]
fn full_pyproject() {
    let (r, w, dir) = load_with(FULL, &[("README.md", "# Acme\n".as_bytes())]);
    let p = r.unwrap_or_else(|e| panic!("{}", e.diagnostic()));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(p.root, dir.path().canonicalize().unwrap());
    assert_eq!(p.name.value, "Acme.SDK");
    assert_eq!(p.normalized_name.as_str(), "acme-sdk");
    assert_eq!(p.version.as_ref().unwrap().value.to_string(), "1.4.0");
    let span = p.version.as_ref().unwrap().span.clone().unwrap();
    assert_eq!(&p.source.text[span], "\"1.4.0\"");
    assert_eq!(p.description.as_deref(), Some("Acme database SDK"));
    assert_eq!(
        p.readme,
        Some(Readme {
            text: "# Acme\n".into(),
            content_type: "text/markdown; charset=UTF-8".into(),
            path: Some("README.md".into()),
        })
    );
    assert_eq!(p.requires_python.as_deref(), Some(">=3.8, <4"));
    assert_eq!(p.license.as_ref().unwrap().value, License::Spdx("Apache-2.0 OR MIT".into()));
    let globs: Vec<_> = p.license_files.unwrap().into_iter().map(|g| g.value).collect();
    assert_eq!(globs, ["LICENSE*", "licenses/**/*.txt"]);
    assert_eq!(
        p.authors,
        [
            Contact { name: Some("Jane Doe".into()), email: Some("jane@example.org".into()) },
            Contact { name: None, email: Some("team@example.org".into()) }
        ]
    );
    assert_eq!(p.maintainers[0].name.as_deref(), Some("Bob"));
    assert_eq!(p.keywords, ["db", "sql"]);
    assert_eq!(p.classifiers, ["Programming Language :: Python :: 3"]);
    assert_eq!(p.dependencies[0], "SQLAlchemy >=2");
    assert_eq!(p.dependencies[1], "tomli; python_version < '3.11'");
    // Order as written, keys normalised.
    let extras: Vec<_> = p.optional_dependencies.keys().cloned().collect();
    assert_eq!(extras, ["test-extra", "docs"]);
    assert_eq!(p.optional_dependencies["docs"], ["sphinx>=7"]);
    let labels: Vec<_> = p.urls.keys().cloned().collect();
    assert_eq!(labels, ["Source", "Docs"]);
    assert_eq!(p.scripts["acme-client"], "acme.cli:main");
    assert_eq!(p.gui_scripts["acme-gui"], "acme.gui:run");
    let eps = &p.entry_points["acme.plugins"];
    assert_eq!(eps.keys().collect::<Vec<_>>(), ["csv", "base"]);
    assert_eq!(eps["base"], "acme.plugins");
    assert!(p.dynamic.is_empty());
    let t = &p.tool;
    let modules: Vec<_> = t.module.as_ref().unwrap().iter().map(|m| &m.value).collect();
    assert_eq!(modules, ["acme", "acme_extra"]);
    assert_eq!(t.source.as_ref().unwrap().value, "src");
    assert_eq!(t.include[0].value, "generated/*.json");
    assert_eq!(t.exclude[0].value, "**/*.tmp");
    assert_eq!(t.wheel_exclude[0].value, "tests/");
    assert_eq!(t.sdist_include[0].value, "docs/**");
    assert_eq!(t.sdist_exclude[0].value, "docs/_build/");
    let data: Vec<_> = t.data.iter().map(|(s, d)| (&*s.value, &*d.value)).collect();
    assert_eq!(data, [("bin", "scripts"), ("share/x.json", "data/etc/x.json")]);
    assert_eq!(t.check, CheckLevel::Warn);
    assert_eq!(t.version.source, VersionSource::Pyproject);
    assert_eq!(t.version.stamp.as_ref().unwrap()[0].value, "src/acme/__init__.py");
    assert_eq!(t.version.changelog.as_ref().unwrap().value, "CHANGES.md");
}

#[test]
fn minimal_defaults() {
    let (p, w) = ok(HEAD);
    assert!(w.is_empty());
    assert_eq!(p.readme, None);
    assert_eq!(p.license, None);
    assert_eq!(p.license_files, None);
    assert_eq!(p.tool.module, None);
    assert_eq!(p.tool.check, CheckLevel::Error);
    assert_eq!(p.tool.version.stamp, None);
    assert!(p.source.path.ends_with("pyproject.toml"));
}

#[test]
fn shown_path_drops_dot() {
    assert_eq!(shown_path(Path::new(".")), Path::new("pyproject.toml"));
    assert_eq!(shown_path(Path::new("")), Path::new("pyproject.toml"));
    assert_eq!(shown_path(Path::new("proj")), Path::new("proj/pyproject.toml"));
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let e = load(dir.path(), &mut Vec::new()).unwrap_err();
    let out = e.diagnostic().to_string();
    has(&out, &["pyproject.toml` not found", &dir.path().display().to_string()]);
}

#[test]
fn syntax_error_is_located() {
    let out = err_full("[project]\nname = \"x\nversion = \"1\"\n");
    has(&out, &["pyproject.toml:2:10: invalid TOML"]);
}

#[test]
fn missing_project_name_version() {
    let out = err_full("[build-system]\nrequires = []\n");
    has(&out, &["no `[project]` table", "(key `project`)"]);
    let out = err_full("[tool.poetry]\nname = \"x\"\n");
    has(&out, &["not `[tool.poetry]`"]);
    let out = err_full("\n[project]\nversion = \"1\"\n");
    has(&out, &["pyproject.toml:2:1: `project.name` is missing"]);
    let out = err_full("[project]\nname = \"x\"\n");
    has(&out, &["pyproject.toml:1:1: `project.version` is missing", "dynamic"]);
}

#[test]
fn unknown_keys_suggest() {
    let out = err("nmae = \"x\"\n");
    has(
        &out,
        &[
            "pyproject.toml:4:1: unknown key `nmae` in `[project]` (key `project.nmae`)",
            "help: did you mean `name`?",
        ],
    );
    let out = err("[tool.cartwheel]\nmodules = \"x\"\n");
    has(&out, &["pyproject.toml:5:1: unknown key `modules`", "did you mean `module`?"]);
    let out = err("[tool.cartwheel.version]\nsorce = \"git\"\n");
    has(&out, &["pyproject.toml:5:1", "(key `tool.cartwheel.version.sorce`)", "`source`"]);
    let out = err("authors = [{ name = \"a\", mail = \"x\" }]\n");
    has(&out, &["pyproject.toml:4:26: unknown key `mail`", "did you mean `email`?"]);
    // Other tools' tables are not ours to judge.
    ok(&format!("{HEAD}[tool.black]\nwhatever = 1\n[build-system]\nx = 1\n"));
}

#[test]
fn wrong_types_are_located() {
    let out = err("description = 3\n");
    has(&out, &["pyproject.toml:4:15: expected a string, found an integer (key `project.description`)"]);
    let out = err("keywords = \"a\"\n");
    has(&out, &["pyproject.toml:4:12: expected an array, found a string"]);
    let out = err("readme = 2\n");
    has(&out, &["expected a string or a table, found an integer"]);
    let out = err("readme = { file = 2, content-type = \"text/plain\" }\n");
    has(&out, &["pyproject.toml:4:19: expected a string", "(key `project.readme.file`)"]);
    let out = err("[tool.cartwheel]\nmodule = [\"a\", 1]\n");
    has(&out, &["pyproject.toml:5:16: expected a string, found an integer"]);
    let out = err_full("[project]\nname = \"x\"\nversion = 1979-05-27\n");
    has(&out, &["pyproject.toml:3:11: expected a string, found a date-time"]);
}

#[test]
fn name_rules() {
    let out = err_full("[project]\nname = \"-bad\"\nversion = \"1\"\n");
    has(&out, &["pyproject.toml:2:8: `-bad` is not a valid name", "(key `project.name`)"]);
    let out = err("dynamic = [\"name\"]\n");
    has(&out, &["pyproject.toml:4:12: `name` may not be dynamic"]);
}

#[test]
fn version_rules() {
    let out = err_full("[project]\nname = \"x\"\nversion = \"1.0.x\"\n");
    has(&out, &["pyproject.toml:3:11: invalid version `1.0.x`", "(key `project.version`)"]);
    let (p, w) = ok("[project]\nname = \"x\"\nversion = \"1.0.0-rc.1\"\n");
    assert_eq!(p.version.unwrap().value.to_string(), "1.0.0rc1");
    has(
        &w[0].to_string(),
        &["warning: ", "pyproject.toml:3:11: version `1.0.0-rc.1` is normalised to `1.0.0rc1`"],
    );
    let out = err("dynamic = [\"version\"]\n");
    has(&out, &["pyproject.toml:4:12: `version` is both set in `[project]` and listed as dynamic"]);
    let (p, _) = ok("[project]\nname = \"x\"\ndynamic = [\"version\"]\n");
    assert_eq!(p.version, None);
    assert_eq!(p.dynamic, ["version"]);
    assert_eq!(p.tool.version.source, VersionSource::Module);
}

#[test]
fn dynamic_rules() {
    let out = err("dynamic = [\"requires_python\"]\n");
    has(
        &out,
        &[
            "pyproject.toml:4:12: `requires_python` is not a `[project]` field",
            "did you mean `requires-python`?",
        ],
    );
    let out = err("description = \"d\"\ndynamic = [\"description\"]\n");
    has(&out, &["pyproject.toml:5:12: `description` is both set"]);
    // PEP 808: list and table fields may be static and dynamic at once.
    let (p, _) = ok(&format!("{HEAD}dependencies = [\"a\"]\ndynamic = [\"dependencies\"]\n"));
    assert_eq!(p.dynamic, ["dependencies"]);
    let out = err("dynamic = [\"dependencies\"]\n");
    has(&out, &["pyproject.toml:4:12: cartwheel cannot compute a dynamic `dependencies`"]);
}

#[test]
fn description_and_urls_as_pypi_wants_them() {
    let long = "x".repeat(513);
    let out = err(&format!("description = \"{long}\"\n"));
    has(&out, &["pyproject.toml:4:15: the description has 513 characters"]);
    let out = err("[project.urls]\nHomepage = \"example.com\"\n");
    has(&out, &["pyproject.toml:5:12: `example.com` is not an absolute URL", "https://example.com"]);
    let out = err("[project.urls]\nHomepage = \"ftp://example.com\"\n");
    has(&out, &["is not an http or https URL"]);
}

#[test]
fn metadata_field_rules_are_located() {
    let out = err("keywords = [\"a,b\"]\n");
    has(&out, &["pyproject.toml:4:13: keyword contains a comma (key `project.keywords`)"]);
    let out = err("classifiers = [\"a\\nb\"]\n");
    has(&out, &["pyproject.toml:4:16: \"a\\nb\" holds a line break"]);
    let out = err("[project.urls]\n\"a,b\" = \"https://x.org\"\n");
    has(&out, &["pyproject.toml:5:1: URL label `a,b` contains a comma"]);
    let out = err("readme = {text = \"hi\", content-type = \"text/html\"}\n");
    has(&out, &["pyproject.toml:4:39: PyPI does not accept the content type `text/html`"]);
    let out = err("readme = {text = \"hi\", content-type = \"text/markdown\", charset = \"latin-1\"}\n");
    has(&out, &["pyproject.toml:4:66: invalid readme content type", "charset"]);
    let out = err("readme = {text = \"hi\", content-type = \"text/markdown; variant=Bogus\"}\n");
    has(&out, &["pyproject.toml:4:39: invalid readme content type", "variant"]);
}

#[test]
fn description_one_line() {
    let out = err("description = \"\"\"two\nlines\"\"\"\n");
    has(&out, &["pyproject.toml:4:15: the description must be one line"]);
}

#[test]
fn readme_forms() {
    let toml = format!("{HEAD}readme = \"docs/INTRO.RST\"\n");
    let (r, _, _d) = load_with(&toml, &[("docs/INTRO.RST", b"Intro\n=====\n")]);
    let readme = r.unwrap().readme.unwrap();
    assert_eq!(readme.content_type, "text/x-rst; charset=UTF-8");
    assert_eq!(readme.path.as_deref(), Some("docs/INTRO.RST"));

    let toml = format!("{HEAD}readme = \"./README.Md\"\n");
    let (r, _, _d) = load_with(&toml, &[("README.Md", b"hi")]);
    let readme = r.unwrap().readme.unwrap();
    assert_eq!(readme.content_type, "text/markdown; charset=UTF-8");
    assert_eq!(readme.path.as_deref(), Some("README.Md"));

    let toml = format!("{HEAD}readme = {{ file = \"README.txt\", content-type = \"text/plain\" }}\n");
    let (r, _, _d) = load_with(&toml, &[("README.txt", b"plain")]);
    assert_eq!(r.unwrap().readme.unwrap().content_type, "text/plain; charset=UTF-8");

    let (p, _) = ok(&format!(
        "{HEAD}readme = {{ text = \"inline\", content-type = \"text/markdown; variant=GFM\", charset = \"utf-8\" }}\n"
    ));
    let readme = p.readme.unwrap();
    assert_eq!(readme.text, "inline");
    assert_eq!(readme.content_type, "text/markdown; variant=GFM; charset=utf-8");
    assert_eq!(readme.path, None);
}

#[test]
fn readme_errors() {
    let toml = format!("{HEAD}readme = \"README.txt\"\n");
    let (r, _, _d) = load_with(&toml, &[("README.txt", b"x")]);
    let out = r.unwrap_err().diagnostic().to_string();
    has(&out, &["pyproject.toml:4:10: cannot tell the content type of `README.txt`", "content-type"]);

    let out = err("readme = \"MISSING.md\"\n");
    has(&out, &["pyproject.toml:4:10: readme file `MISSING.md` not found"]);

    let out = err("readme = { file = \"R.md\", text = \"x\", content-type = \"text/markdown\" }\n");
    has(&out, &["pyproject.toml:4:34: `readme` has both `file` and `text`"]);

    let out = err("readme = { text = \"x\" }\n");
    has(&out, &["pyproject.toml:4:10: the `readme` table needs `content-type`"]);

    let out = err("readme = \"../README.md\"\n");
    has(&out, &["readme path leaves the project"]);

    let toml = format!("{HEAD}readme = \"README.md\"\n");
    let (r, _, _d) = load_with(&toml, &[("README.md", b"caf\xe9")]);
    let out = r.unwrap_err().diagnostic().to_string();
    has(&out, &["pyproject.toml:4:10: readme file `README.md` is not valid UTF-8 (byte 3)"]);
}

#[test]
fn requires_python_normalised_and_located() {
    let (p, _) = ok(&format!("{HEAD}requires-python = \">= 3.9\"\n"));
    assert_eq!(p.requires_python.as_deref(), Some(">=3.9"));
    let out = err("requires-python = \">=3.8, =>4\"\n");
    has(&out, &["pyproject.toml:4:27: invalid version specifier", "(key `project.requires-python`)"]);
}

#[test]
fn license_expressions() {
    let lic = |expr: &str| {
        let (p, w) = ok(&format!("{HEAD}license = \"{expr}\"\n"));
        match p.license.unwrap().value {
            License::Spdx(s) => (s, w),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(lic("mit").0, "MIT");
    assert_eq!(lic("apache-2.0 or mit").0, "Apache-2.0 OR MIT");
    assert_eq!(
        lic("(mit OR bsd-3-clause) and gpl-3.0-or-later WITH classpath-exception-2.0").0,
        "(MIT OR BSD-3-Clause) AND GPL-3.0-or-later WITH Classpath-exception-2.0"
    );
    assert_eq!(lic("LicenseRef-Acme-1.0 OR MIT").0, "LicenseRef-Acme-1.0 OR MIT");
    let (s, w) = lic("GPL-2.0");
    assert_eq!(s, "GPL-2.0");
    has(&w[0].to_string(), &["deprecated SPDX identifier", "GPL-2.0-only"]);

    let out = err("license = \"MIT OR Apache2\"\n");
    has(
        &out,
        &["pyproject.toml:4:19: unknown SPDX license identifier `Apache2`", "did you mean `Apache-2.0`?"],
    );
    let out = err("license = \"MIT OR\"\n");
    has(&out, &["pyproject.toml:4:11: invalid license expression"]);
    let out = err("license = \"LicenseRef-my_license\"\n");
    has(&out, &["invalid license reference"]);
}

#[test]
fn license_tables() {
    let toml = format!("{HEAD}license = {{ file = \"LICENSE\" }}\n");
    let (r, w, _d) = load_with(&toml, &[("LICENSE", b"Permission is granted")]);
    assert_eq!(r.unwrap().license.unwrap().value, License::Text("Permission is granted".into()));
    has(&w[0].to_string(), &["deprecated (PEP 639)"]);
    let (p, _) = ok(&format!("{HEAD}license = {{ text = \"MIT\" }}\n"));
    assert_eq!(p.license.unwrap().value, License::Text("MIT".into()));

    let out = err("license = { file = \"L\", text = \"x\" }\n");
    has(&out, &["pyproject.toml:4:32: `license` has both `file` and `text`"]);
    let out = err("license = { file = \"NOPE\" }\n");
    has(&out, &["pyproject.toml:4:20: license file `NOPE` not found"]);
    let out = err("license = { text = \"x\" }\nlicense-files = []\n");
    has(&out, &["pyproject.toml:5:17: `license-files` cannot be used with the legacy"]);
}

#[test]
fn license_classifier_is_a_warning() {
    let w = warnings("license = \"MIT\"\nclassifiers = [\"License :: OSI Approved :: MIT License\"]\n");
    assert_eq!(w.len(), 1);
    has(&w[0], &["warning: ", "pyproject.toml:5:16: `License ::` classifier"]);
}

#[test]
fn license_file_globs() {
    let (p, _) = ok(&format!("{HEAD}license-files = []\n"));
    assert_eq!(p.license_files, Some(vec![]));
    for (glob, col, msg) in [
        ("/LICENSE", 19, "no leading `/`"),
        ("../LICENSE", 19, "`..` is not allowed"),
        ("a/../b", 21, "`..` is not allowed"),
        ("LICENSE{,.txt}", 26, "`{` is not allowed"),
        ("[ab", 19, "unclosed `[`"),
    ] {
        let out = err(&format!("license-files = [\"{glob}\"]\n"));
        has(&out, &[&format!("pyproject.toml:4:{col}: "), msg, "(key `project.license-files`)"]);
    }
    let out = err("license-files = ['a\\b']\n");
    has(&out, &["`\\` is not allowed"]);
}

#[test]
fn contacts_rules() {
    // A comma in a name: warned (the spec's letter; PyPI and every backend accept it), built.
    let (_, warnings) = ok(&format!(
        "{HEAD}authors = [{{ name = \"Ann, Bob\", email = \"team@x.org\" }}, {{ name = \"Doe, Jane\" }}]\n"
    ));
    let w: Vec<String> = warnings.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        w,
        [
            "the name `Ann, Bob` contains a comma: it is written quoted in `Author-email`, but PEP 621 forbids commas in names",
            "the name `Doe, Jane` contains a comma: it is written as is in `Author`, where readers split names at commas",
        ]
    );
    let out = err("authors = [{ email = \"jane.example.org\" }]\n");
    has(&out, &["pyproject.toml:4:22: `jane.example.org` is not an e-mail address"]);
    let out = err("maintainers = [{ email = \"Jane <j@x.org>\" }]\n");
    has(&out, &["is not a bare e-mail address", "(key `project.maintainers.email`)"]);
    let out = err("authors = [{}]\n");
    has(&out, &["pyproject.toml:4:12: an entry needs `name` or `email`"]);
}

#[test]
fn urls_rules() {
    let label = "x".repeat(33);
    let out = err(&format!("[project.urls]\n{label} = \"https://x\"\n"));
    has(&out, &["pyproject.toml:5:1: URL labels must be 1 to 32 characters"]);
    let out = err("[project.urls]\nHome = \"\"\n");
    has(&out, &["pyproject.toml:5:8: the URL is empty"]);
}

#[test]
fn dependencies_rules() {
    let out = err("dependencies = [\"requests >>= 2\"]\n");
    has(&out, &["pyproject.toml:4:", "invalid requirement", "(key `project.dependencies`)"]);
    let out = err("[project.optional-dependencies]\ntest = [\"pytest\", \"bad name\"]\n");
    has(&out, &["pyproject.toml:5:", "invalid requirement", "optional-dependencies.test"]);
    let out = err("[project.optional-dependencies]\nTest = []\nTEST = []\n");
    has(&out, &["pyproject.toml:6:1: extras `Test` and `TEST` are the same name"]);
    let out = err("[project.optional-dependencies]\nTest = []\n\"te_st\" = []\ntest = []\n");
    has(&out, &["pyproject.toml:7:1: extras `Test` and `test`", "line 5:1"]);
    let out = err("[project.optional-dependencies]\n\"-x\" = []\n");
    has(&out, &["pyproject.toml:5:1: invalid extra name"]);
}

#[test]
fn entry_point_rules() {
    let out = err("[project.scripts]\n\"my tool\" = \"a:b\"\n");
    has(&out, &["pyproject.toml:5:1: invalid script name `my tool`"]);
    let out = err("[project.scripts]\ntool = \"acme.cli\"\n");
    has(&out, &["pyproject.toml:5:8: invalid object reference `acme.cli`: the function is missing"]);
    let out = err("[project.scripts]\ntool = \"acme-cli:main\"\n");
    has(&out, &["not a dotted module name"]);
    let out = err("[project.gui-scripts]\ntool = \"a:1b\"\n");
    has(&out, &["`1b` is not a dotted attribute name"]);
    let out = err("[project.entry-points.console_scripts]\nx = \"a:b\"\n");
    has(&out, &["pyproject.toml:4:23: `console_scripts` may not be given", "[project.scripts]"]);
    let out = err("[project.entry-points.gui_scripts]\nx = \"a:b\"\n");
    has(&out, &["[project.gui-scripts]"]);
    let out = err("[project.entry-points.\"bad-group\"]\nx = \"a:b\"\n");
    has(&out, &["invalid entry-point group `bad-group`"]);
    let out = err("[project.entry-points.g]\n\"[x\" = \"a:b\"\n");
    has(&out, &["invalid entry-point name \"[x\""]);
    let out = err("[project.entry-points.g]\n\"new\\nline\" = \"a:b\"\n");
    has(&out, &["pyproject.toml:5:1: invalid entry-point name \"new\\nline\""]);
    let out = err("[project.entry-points.g]\n\"#hash\" = \"a:b\"\n");
    has(&out, &["invalid entry-point name \"#hash\""]);
    let w = warnings("[project.entry-points.g]\n\"a b\" = \"a:b\"\n");
    has(&w[0], &["outside `[\\w.-]`"]);
    let out = err("[project.scripts]\nx = \"a:b\"\n[project.gui-scripts]\nx = \"a:c\"\n");
    has(&out, &["pyproject.toml:7:1: `x` is both a script and a GUI script"]);
    let w = warnings("[project.entry-points.g]\nx = \"a:b [extra]\"\n");
    has(&w[0], &["extras in an entry point are deprecated"]);
}

/// The full text of each family's errors (position, source line, caret, key, help): the
/// contract with the user, so compared whole.
#[test]
fn errors_render_exactly() {
    let cases: &[(&str, &str)] = &[
        ("unknown [project] key", "repository = \"https://example.org\"\n"),
        ("wrong type", "keywords = \"fast, small\"\n"),
        ("version source without dynamic", "[tool.cartwheel.version]\nsource = \"module\"\n"),
        ("bad requirement", "dependencies = [\"requests >= 2.0,, < 3\"]\n"),
        ("bad extra name", "[project.optional-dependencies]\n\"dev tools\" = [\"pytest\"]\n"),
        ("bad SPDX", "license = \"MIT OR Bogus-License-9.9\"\n"),
        ("license table and expression", "license = { text = \"MIT\" }\nlicense-files = [\"LICENSE\"]\n"),
        ("bad email", "authors = [{ name = \"A\", email = \"not an email\" }]\n"),
        ("bad entry point", "[project.scripts]\nacme = \"acme.cli\"\n"),
        ("script clash", "[project.scripts]\nacme = \"a:b\"\n[project.gui-scripts]\nacme = \"a:c\"\n"),
        ("unknown tool key", "[tool.cartwheel]\nmodul = \"acme\"\n"),
        ("bad module name", "[tool.cartwheel]\nmodule = \"acme-sdk\"\n"),
        ("bad check level", "[tool.cartwheel]\ncheck = \"strict\"\n"),
        ("bad data scheme", "[tool.cartwheel.data]\nbin = \"script/\"\n"),
        ("TOML syntax", "name = \n"),
    ];
    let rendered: Vec<String> = cases
        .iter()
        .map(|(what, extra)| {
            let (r, _, dir) = load_with(&format!("{HEAD}{extra}"), &[]);
            let text = r.map_or_else(|e| e.diagnostic().to_string(), |_| "(no error)".to_string());
            let text = text.replace(&dir.path().display().to_string(), "<project>");
            format!("== {what}\n{text}")
        })
        .collect();
    insta::assert_snapshot!(rendered.join("\n\n"));
}

#[test]
fn a_windows_separator_in_a_glob_is_refused_an_escape_is_not() {
    // `exclude = ["src\\acme\\secret.py"]` would match nothing: the file would ship.
    let out = err("[tool.cartwheel]\nexclude = ['src\\acme\\secret.py']\n");
    assert_eq!(
        out.lines().next().unwrap().split_once("pyproject.toml:").unwrap().1,
        "5:16: glob `src\\acme\\secret.py` uses `\\` as a path separator; globs use `/` (key `tool.cartwheel.exclude`)"
    );
    has(&out, &["= help: write `src/acme/secret.py` (a `\\` only escapes the character after it)"]);
    // In a basic string the escapes move the offsets: the whole value is pointed at.
    has(&err("[tool.cartwheel]\ninclude = [\"a\\\\b.txt\"]\n"), &["5:12: glob `a\\b.txt` uses `\\`"]);
    // Escaping a character that means something in a glob is what `\` is for.
    let (p, _) = ok(&format!("{HEAD}[tool.cartwheel]\nexclude = ['\\#notes', 'a\\*b', '\\!keep']\n"));
    assert_eq!(p.tool.exclude.len(), 3);
}

#[test]
fn release_table_is_read_and_checked() {
    let (p, _) = ok(&format!(
        "{HEAD}[tool.cartwheel.release]\nchecks = [\"python -m pytest\", \"ruff check .\"]\npython = [\"3.9\", \"3.13\"]\n"
    ));
    let checks: Vec<&str> = p.tool.release.checks.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(checks, ["python -m pytest", "ruff check ."]);
    let pythons: Vec<&str> = p.tool.release.python.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(pythons, ["3.9", "3.13"]);
    assert_eq!(ok(HEAD).0.tool.release, crate::project::ReleaseConfig::default());
    has(
        &err("[tool.cartwheel.release]\ncheck = [\"pytest\"]\n"),
        &["pyproject.toml:5:1: unknown key `check`", "did you mean `checks`?"],
    );
    has(&err("[tool.cartwheel.release]\nchecks = [\" \"]\n"), &["pyproject.toml:5:11: empty command"]);
}

#[test]
fn import_names_pep_794() {
    let (p, w) = ok(&format!(
        "{HEAD}import-names = [\"acme.sdk\", \"_acme_c ;private\", \"acme_cli;   private\"]\nimport-namespaces = [\"acme\"]\n"
    ));
    assert!(w.is_empty(), "{w:?}");
    let values = |names: &[Located<String>]| names.iter().map(|n| n.value.clone()).collect::<Vec<_>>();
    assert_eq!(
        values(p.import_names.as_deref().unwrap()),
        ["acme.sdk", "_acme_c; private", "acme_cli; private"]
    );
    assert_eq!(values(&p.import_namespaces), ["acme"]);
    // Each keeps the span of its entry, for the wheel's check that the names are in it.
    assert_eq!(&p.source.text[p.import_namespaces[0].span.clone().unwrap()], "\"acme\"");
    // Not written, written empty, and the spec's lone empty name (the same as empty).
    assert_eq!(ok(HEAD).0.import_names, None);
    assert_eq!(ok(&format!("{HEAD}import-names = []\n")).0.import_names, Some(vec![]));
    assert_eq!(ok(&format!("{HEAD}import-names = [\"\"]\n")).0.import_names, Some(vec![]));
    // Soft keywords are names.
    assert_eq!(ok(&format!("{HEAD}import-names = [\"match\", \"type\"]\n")).0.import_names.unwrap().len(), 2);

    let cases: &[(&str, &str)] = &[
        (
            "import-names = [\"acme\", \"acme-sdk\"]\n",
            "pyproject.toml:4:25: `acme-sdk` is not an import name: `acme-sdk` is not an identifier (key `project.import-names`)",
        ),
        (
            "import-names = [\"acme.class\"]\n",
            "pyproject.toml:4:17: `acme.class` is not an import name: `class` is a keyword (key `project.import-names`)",
        ),
        (
            "import-namespaces = [\"acme; public\"]\n",
            "pyproject.toml:4:22: `acme; public` is not an import name: only `private` may follow the `;` (key `project.import-namespaces`)",
        ),
        (
            "import-names = [\"acme; private \"]\n",
            "pyproject.toml:4:17: `acme; private ` is not an import name: only `private` may follow the `;` (key `project.import-names`)",
        ),
        (
            "import-names = [\" acme\"]\n",
            "pyproject.toml:4:17: ` acme` is not an import name: ` acme` is not an identifier (key `project.import-names`)",
        ),
        (
            "import-names = [\"acme\", \"\"]\n",
            "pyproject.toml:4:25: empty entry in `import-names` (key `project.import-names`)",
        ),
        (
            "import-namespaces = []\n",
            "pyproject.toml:4:21: `import-namespaces` cannot be an empty array (key `project.import-namespaces`)",
        ),
        (
            "import-names = [\"acme\", \"acme ; private\"]\n",
            "pyproject.toml:4:25: `acme` is listed twice in `import-names` (key `project.import-names`)",
        ),
        (
            "import-names = [\"acme.sdk\", \"acme\"]\nimport-namespaces = [\"acme\"]\n",
            "pyproject.toml:5:22: `acme` is in both `import-names` and `import-namespaces` (key `project.import-namespaces`)",
        ),
        (
            "import-names = [\"acme\"]\ndynamic = [\"import-namespaces\"]\n",
            "pyproject.toml:5:12: cartwheel cannot compute a dynamic `import-namespaces` (key `project.dynamic`)",
        ),
        ("import-names = \"acme\"\n", "pyproject.toml:4:16: expected an array, found a string (key `project.import-names`)"),
    ];
    for (extra, want) in cases {
        has(&err(extra), &[want]);
    }
    has(&err("import-name = [\"acme\"]\n"), &["unknown key `import-name`", "did you mean `import-names`?"]);
    has(&err("dynamic = [\"import-name\"]\n"), &["did you mean `import-names`?"]);
    has(
        &err("import-names = [\"acme\", \"\"]\n"),
        &["help: an empty entry alone means \"no import names\"; write `import-names = []` for that, or remove it"],
    );
    has(
        &err("import-names = [\"acme\"]\nimport-namespaces = [\"acme\"]\n"),
        &["help: keep it in `import-namespaces` if other projects also install modules under it, else in `import-names`"],
    );
    // PEP 808: a list both written and dynamic is accepted; cartwheel appends nothing to it.
    let (p, _) = ok(&format!("{HEAD}import-names = [\"acme\"]\ndynamic = [\"import-names\"]\n"));
    assert_eq!(p.import_names.unwrap()[0].value, "acme");

    // The spec's SHOULD: the parents of a dotted name are listed too. One warning per parent.
    let (r, w, dir) = load_with(&format!("{HEAD}import-names = [\"acme.sdk.io\", \"acme.sdk.db\"]\n"), &[]);
    assert!(r.is_ok());
    let shown = dir.path().display().to_string();
    let w: Vec<String> = w.iter().map(|w| w.to_string().replace(&shown, "<project>")).collect();
    assert_eq!(
        w,
        [
            "warning: <project>/pyproject.toml:4:17: `acme`, a parent of `acme.sdk.io`, is in neither `import-names` nor `import-namespaces` (key `project.import-names`)\n  |\n4 | import-names = [\"acme.sdk.io\", \"acme.sdk.db\"]\n  |                 ^^^^^^^^^^^^^\n  = help: add \"acme\" to `import-namespaces` if other projects also install modules under it, else to `import-names`",
            "warning: <project>/pyproject.toml:4:17: `acme.sdk`, a parent of `acme.sdk.io`, is in neither `import-names` nor `import-namespaces` (key `project.import-names`)\n  |\n4 | import-names = [\"acme.sdk.io\", \"acme.sdk.db\"]\n  |                 ^^^^^^^^^^^^^\n  = help: add \"acme.sdk\" to `import-namespaces` if other projects also install modules under it, else to `import-names`",
        ]
    );
    assert!(warnings("import-names = [\"acme.sdk\"]\nimport-namespaces = [\"acme\"]\n").is_empty());
}
