//! pyproject.toml reading, field family by field family, against exact messages.

use super::*;
use crate::diagnostic::Severity;
use crate::project::{CheckLevel, VersionSource};
use crate::testing::anonymised;

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

/// What loading `toml` beside `files` prints: the error, else the warnings.
fn printed(toml: &str, files: &[(&str, &[u8])]) -> String {
    let (r, w, dir) = load_with(toml, files);
    let text = match r {
        Err(e) => e.diagnostic().to_string(),
        Ok(_) if w.is_empty() => "(loads, no warning)".to_string(),
        Ok(_) => w.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
    };
    anonymised(&text, dir.path())
}

/// Each input under a `---` line quoting it, over what `print` makes of it.
fn each(inputs: &[&str], print: impl Fn(&str) -> String) -> String {
    inputs.iter().map(|i| format!("--- {i:?}\n{}", print(i))).collect::<Vec<_>>().join("\n\n")
}

/// Each `extra` (after `HEAD`) with all it prints, for one snapshot per rule family.
pub(super) fn printed_each(extras: &[&str]) -> String {
    printed_each_beside(&[], extras)
}

/// Each `extra` (after `HEAD`, beside `files`) with all it prints.
fn printed_each_beside(files: &[(&str, &[u8])], extras: &[&str]) -> String {
    each(extras, |extra| printed(&format!("{HEAD}{extra}"), files))
}

/// Each whole file with all it prints.
pub(super) fn printed_each_full(tomls: &[&str]) -> String {
    each(tomls, |toml| printed(toml, &[]))
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
    // No `---` line: it would quote the 6 KB input.
    insta::assert_snapshot!(printed(&format!("{HEAD}dependencies = [\"{deep}\"]\n"), &[]));
}

#[test]
fn name_ending_in_a_separator_is_an_error_not_a_crash() {
    insta::assert_snapshot!(printed_each(&["dependencies = [\"foo-==1\"]\n"]));
}

#[test]
fn bom_and_duplicate_tables_are_explained() {
    insta::assert_snapshot!(printed_each_full(&[
        "\u{feff}[project]\nname = \"a\"\nversion = \"1\"\n",
        "[project]\nname = \"a\"\nversion = \"1\"\n[project]\n",
    ]));
}

#[test]
fn non_utf8_file_is_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), b"[project]\nname = \"caf\xe9\"\n").unwrap();
    let e = load(dir.path(), &mut Vec::new()).unwrap_err();
    insta::assert_snapshot!(anonymised(&e.diagnostic().to_string(), dir.path()));
}

#[test]
fn toml_11_syntax_is_refused() {
    insta::assert_snapshot!(printed_each_full(&[
        "[project]\nname = \"a\"\nversion = \"1\"\nauthors = [{name = \"A\",\n  email = \"a@b.co\",}]\n",
        "[project]\nname = \"a\"\nversion = \"1\"\ndescription = \"\\e[1m\"\n",
        "[project\n",
    ]));
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
    insta::assert_snapshot!(anonymised(&e.diagnostic().to_string(), dir.path()));
}

#[test]
fn syntax_error_is_located() {
    insta::assert_snapshot!(printed_each_full(&["[project]\nname = \"x\nversion = \"1\"\n"]));
}

#[test]
fn missing_project_name_version() {
    insta::assert_snapshot!(printed_each_full(&[
        "[build-system]\nrequires = []\n",
        "[tool.poetry]\nname = \"x\"\n",
        "\n[project]\nversion = \"1\"\n",
        "[project]\nname = \"x\"\n",
    ]));
}

#[test]
fn unknown_keys_suggest() {
    insta::assert_snapshot!(printed_each(&[
        "nmae = \"x\"\n",
        "[tool.cartwheel]\nmodules = \"x\"\n",
        "[tool.cartwheel.version]\nsorce = \"git\"\n",
        "authors = [{ name = \"a\", mail = \"x\" }]\n",
    ]));
    // Other tools' tables are not ours to judge.
    ok(&format!("{HEAD}[tool.black]\nwhatever = 1\n[build-system]\nx = 1\n"));
}

#[test]
fn wrong_types_are_located() {
    insta::assert_snapshot!([
        printed_each(&[
            "description = 3\n",
            "keywords = \"a\"\n",
            "readme = 2\n",
            "readme = { file = 2, content-type = \"text/plain\" }\n",
            "[tool.cartwheel]\nmodule = [\"a\", 1]\n",
        ]),
        printed_each_full(&["[project]\nname = \"x\"\nversion = 1979-05-27\n"]),
    ]
    .join("\n\n"));
}

#[test]
fn name_rules() {
    insta::assert_snapshot!([
        printed_each_full(&["[project]\nname = \"-bad\"\nversion = \"1\"\n"]),
        printed_each(&["dynamic = [\"name\"]\n"]),
    ]
    .join("\n\n"));
}

#[test]
fn version_rules() {
    let (p, _) = ok("[project]\nname = \"x\"\nversion = \"1.0.0-rc.1\"\n");
    assert_eq!(p.version.unwrap().value.to_string(), "1.0.0rc1");
    insta::assert_snapshot!([
        printed_each_full(&[
            "[project]\nname = \"x\"\nversion = \"1.0.x\"\n",
            "[project]\nname = \"x\"\nversion = \"1.0.0-rc.1\"\n",
        ]),
        printed_each(&["dynamic = [\"version\"]\n"]),
    ]
    .join("\n\n"));
    let (p, _) = ok("[project]\nname = \"x\"\ndynamic = [\"version\"]\n");
    assert_eq!(p.version, None);
    assert_eq!(p.dynamic, ["version"]);
    assert_eq!(p.tool.version.source, VersionSource::Module);
}

#[test]
fn dynamic_rules() {
    insta::assert_snapshot!(printed_each(&[
        "dynamic = [\"requires_python\"]\n",
        "description = \"d\"\ndynamic = [\"description\"]\n",
        "dynamic = [\"dependencies\"]\n",
    ]));
    // PEP 808: list and table fields may be static and dynamic at once.
    let (p, _) = ok(&format!("{HEAD}dependencies = [\"a\"]\ndynamic = [\"dependencies\"]\n"));
    assert_eq!(p.dynamic, ["dependencies"]);
}

#[test]
fn description_and_urls_as_pypi_wants_them() {
    let long = "x".repeat(513);
    insta::assert_snapshot!(printed_each(&[
        &format!("description = \"{long}\"\n"),
        "[project.urls]\nHomepage = \"example.com\"\n",
        "[project.urls]\nHomepage = \"ftp://example.com\"\n",
    ]));
}

#[test]
fn metadata_field_rules_are_located() {
    insta::assert_snapshot!(printed_each(&[
        "keywords = [\"a,b\"]\n",
        "classifiers = [\"a\\nb\"]\n",
        "[project.urls]\n\"a,b\" = \"https://x.org\"\n",
        "readme = {text = \"hi\", content-type = \"text/html\"}\n",
        "readme = {text = \"hi\", content-type = \"text/markdown\", charset = \"latin-1\"}\n",
        "readme = {text = \"hi\", content-type = \"text/markdown; variant=Bogus\"}\n",
    ]));
}

#[test]
fn description_one_line() {
    insta::assert_snapshot!(printed_each(&["description = \"\"\"two\nlines\"\"\"\n"]));
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
    // A readme of no known type, and one in Latin-1.
    let files: &[(&str, &[u8])] = &[("README.txt", b"x"), ("README.md", b"caf\xe9")];
    insta::assert_snapshot!(printed_each_beside(
        files,
        &[
            "readme = \"README.txt\"\n",
            "readme = \"MISSING.md\"\n",
            "readme = { file = \"R.md\", text = \"x\", content-type = \"text/markdown\" }\n",
            "readme = { text = \"x\" }\n",
            "readme = \"../README.md\"\n",
            "readme = \"README.md\"\n",
        ]
    ));
}

#[test]
fn requires_python_normalised_and_located() {
    let (p, _) = ok(&format!("{HEAD}requires-python = \">= 3.9\"\n"));
    assert_eq!(p.requires_python.as_deref(), Some(">=3.9"));
    insta::assert_snapshot!(printed_each(&["requires-python = \">=3.8, =>4\"\n"]));
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
    assert_eq!(w.len(), 1);

    insta::assert_snapshot!(printed_each(&[
        "license = \"GPL-2.0\"\n",
        "license = \"MIT OR Apache2\"\n",
        "license = \"MIT OR\"\n",
        "license = \"LicenseRef-my_license\"\n",
    ]));
}

#[test]
fn license_tables() {
    let files: &[(&str, &[u8])] = &[("LICENSE", b"Permission is granted")];
    let toml = format!("{HEAD}license = {{ file = \"LICENSE\" }}\n");
    let (r, w, _d) = load_with(&toml, files);
    assert_eq!(r.unwrap().license.unwrap().value, License::Text("Permission is granted".into()));
    assert_eq!(w.len(), 1);
    let (p, _) = ok(&format!("{HEAD}license = {{ text = \"MIT\" }}\n"));
    assert_eq!(p.license.unwrap().value, License::Text("MIT".into()));

    insta::assert_snapshot!(printed_each_beside(
        files,
        &[
            "license = { file = \"LICENSE\" }\n",
            "license = { file = \"L\", text = \"x\" }\n",
            "license = { file = \"NOPE\" }\n",
            "license = { text = \"x\" }\nlicense-files = []\n",
        ]
    ));
}

#[test]
fn license_classifier_is_a_warning() {
    let extra = "license = \"MIT\"\nclassifiers = [\"License :: OSI Approved :: MIT License\"]\n";
    assert_eq!(warnings(extra).len(), 1);
    insta::assert_snapshot!(printed_each(&[extra]));
}

#[test]
fn license_file_globs() {
    let (p, _) = ok(&format!("{HEAD}license-files = []\n"));
    assert_eq!(p.license_files, Some(vec![]));
    insta::assert_snapshot!(printed_each(&[
        "license-files = [\"/LICENSE\"]\n",
        "license-files = [\"../LICENSE\"]\n",
        "license-files = [\"a/../b\"]\n",
        "license-files = [\"LICENSE{,.txt}\"]\n",
        "license-files = [\"[ab\"]\n",
        "license-files = ['a\\b']\n",
    ]));
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
    insta::assert_snapshot!(printed_each(&[
        "authors = [{ email = \"jane.example.org\" }]\n",
        "maintainers = [{ email = \"Jane <j@x.org>\" }]\n",
        "authors = [{}]\n",
    ]));
}

#[test]
fn urls_rules() {
    let label = "x".repeat(33);
    insta::assert_snapshot!(printed_each(&[
        &format!("[project.urls]\n{label} = \"https://x\"\n"),
        "[project.urls]\nHome = \"\"\n",
    ]));
}

#[test]
fn dependencies_rules() {
    insta::assert_snapshot!(printed_each(&[
        "dependencies = [\"requests >>= 2\"]\n",
        "[project.optional-dependencies]\ntest = [\"pytest\", \"bad name\"]\n",
        "[project.optional-dependencies]\nTest = []\nTEST = []\n",
        "[project.optional-dependencies]\nTest = []\n\"te_st\" = []\ntest = []\n",
        "[project.optional-dependencies]\n\"-x\" = []\n",
    ]));
}

#[test]
fn entry_point_rules() {
    insta::assert_snapshot!(printed_each(&[
        "[project.scripts]\n\"my tool\" = \"a:b\"\n",
        "[project.scripts]\ntool = \"acme.cli\"\n",
        "[project.scripts]\ntool = \"acme-cli:main\"\n",
        "[project.gui-scripts]\ntool = \"a:1b\"\n",
        "[project.entry-points.console_scripts]\nx = \"a:b\"\n",
        "[project.entry-points.gui_scripts]\nx = \"a:b\"\n",
        "[project.entry-points.\"bad-group\"]\nx = \"a:b\"\n",
        "[project.entry-points.g]\n\"[x\" = \"a:b\"\n",
        "[project.entry-points.g]\n\"new\\nline\" = \"a:b\"\n",
        "[project.entry-points.g]\n\"#hash\" = \"a:b\"\n",
        "[project.entry-points.g]\n\"a b\" = \"a:b\"\n",
        "[project.scripts]\nx = \"a:b\"\n[project.gui-scripts]\nx = \"a:c\"\n",
        "[project.entry-points.g]\nx = \"a:b [extra]\"\n",
    ]));
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
    insta::assert_snapshot!(printed_each(&[
        // `exclude = ["src\\acme\\secret.py"]` would match nothing: the file would ship.
        "[tool.cartwheel]\nexclude = ['src\\acme\\secret.py']\n",
        // In a basic string the escapes move the offsets: the whole value is pointed at.
        "[tool.cartwheel]\ninclude = [\"a\\\\b.txt\"]\n",
    ]));
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
    insta::assert_snapshot!(printed_each(&[
        "[tool.cartwheel.release]\ncheck = [\"pytest\"]\n",
        "[tool.cartwheel.release]\nchecks = [\" \"]\n",
    ]));
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

    insta::assert_snapshot!(printed_each(&[
        "import-names = [\"acme\", \"acme-sdk\"]\n",
        "import-names = [\"acme.class\"]\n",
        "import-namespaces = [\"acme; public\"]\n",
        "import-names = [\"acme; private \"]\n",
        "import-names = [\" acme\"]\n",
        "import-names = [\"acme\", \"\"]\n",
        "import-namespaces = []\n",
        "import-names = [\"acme\", \"acme ; private\"]\n",
        "import-names = [\"acme.sdk\", \"acme\"]\nimport-namespaces = [\"acme\"]\n",
        "import-names = [\"acme\"]\ndynamic = [\"import-namespaces\"]\n",
        "import-names = \"acme\"\n",
        "import-name = [\"acme\"]\n",
        "dynamic = [\"import-name\"]\n",
        "import-names = [\"acme\"]\nimport-namespaces = [\"acme\"]\n",
        // The spec's SHOULD: the parents of a dotted name are listed too. One warning per parent.
        "import-names = [\"acme.sdk.io\", \"acme.sdk.db\"]\n",
    ]));
    // PEP 808: a list both written and dynamic is accepted; cartwheel appends nothing to it.
    let (p, _) = ok(&format!("{HEAD}import-names = [\"acme\"]\ndynamic = [\"import-names\"]\n"));
    assert_eq!(p.import_names.unwrap()[0].value, "acme");

    assert!(warnings("import-names = [\"acme.sdk\"]\nimport-namespaces = [\"acme\"]\n").is_empty());
}
