use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use super::*;
use crate::diagnostic::Severity;
use crate::names::ModuleName;
use crate::project::Readme;
use crate::testing::labelled;

const TOML: &str = r#"[project]
name = "acme"
version = "1.0"

[tool.cartwheel]
module = ["acme", "acme_cli", "acme.plugins.foo", "acme.plugins.bar", "nope"]
source = "lib"
include = ["acme/_generated.js", "build/assets/app.js", ".env", "**/*.pyc"]
exclude = ["acme/secret_notes.txt", "nothing/*", "tests/fixtures/"]
wheel-exclude = ["acme/tests/"]
sdist-exclude = ["docs/", "acme/cli.py", "acme/data/**"]
data = { "bin" = "scripts", "jupyter/shim.json" = "data/etc/jupyter/x.json", "gone" = "data" }
license-files = ["LICENSE*", "NOPE*"]
"#;

/// A project tree with `pyproject.toml` and the given files.
fn tree(files: &[&str]) -> TempDir {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "pyproject.toml", TOML);
    for f in files {
        write(dir.path(), f, &format!("# {f}\n"));
    }
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The value as written in `TOML`, with the span of its quoted form.
fn loc(value: &str) -> Located<String> {
    let quoted = format!("\"{value}\"");
    let start = TOML.find(&quoted).unwrap_or_else(|| panic!("{quoted} not in TOML"));
    Located::new(value.to_string(), Some(start..start + quoted.len()))
}

fn locs(values: &[&str]) -> Vec<Located<String>> {
    values.iter().map(|v| loc(v)).collect()
}

/// Module names as `[tool.cartwheel] module` gives them, each located in the test TOML.
fn modules(values: &[&str]) -> Vec<Located<ModuleName>> {
    values.iter().map(|v| Located::new(ModuleName::new(v).unwrap(), loc(v).span)).collect()
}

fn project(root: &Path, name: &str) -> Project {
    let name_loc = match TOML.find(&format!("\"{name}\"")) {
        Some(_) => loc(name),
        None => Located::new(name.to_string(), None),
    };
    Project::named(root.to_path_buf(), SourceFile::new("pyproject.toml", TOML), name_loc)
}

fn git(root: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

fn git_repo(root: &Path) {
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
}

fn run(p: &Project) -> (Selection, Vec<Diagnostic>) {
    let mut warnings = Vec::new();
    let sel = select(p, &mut warnings).unwrap_or_else(|e| panic!("{}", e.diagnostic()));
    (sel, warnings)
}

/// The files of project `acme` in a tree of `files` (the tree is kept for the test's checks).
fn acme(files: &[&str]) -> (TempDir, Selection) {
    let t = tree(files);
    let (sel, _) = run(&project(t.path(), "acme"));
    (t, sel)
}

fn run_err(p: &Project) -> Diagnostic {
    let mut warnings = Vec::new();
    match select(p, &mut warnings) {
        Ok(sel) => panic!("expected an error, got {sel:#?}"),
        Err(e) => e.diagnostic(),
    }
}

fn paths(entries: &[FileEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.archive_path.as_str()).collect()
}

/// `d` as the user sees it, the folder `dir` written `<project>`, as no two runs share it.
fn shown(d: &Diagnostic, dir: &Path) -> String {
    crate::testing::anonymised(&d.to_string(), dir)
}

#[test]
fn src_layout() {
    let t = tree(&[
        "src/acme/__init__.py",
        "src/acme/data/x.json",
        "src/acme/py.typed",
        "tests/test_acme.py",
        "README.md",
        "LICENSE",
    ]);
    let mut p = project(t.path(), "acme");
    p.readme = Some(Readme {
        text: String::new(),
        content_type: "text/markdown".into(),
        path: Some("README.md".into()),
    });
    let (sel, warnings) = run(&p);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(sel.modules.len(), 1);
    let m = &sel.modules[0];
    assert_eq!(m.rel_path, "src/acme");
    assert_eq!(m.init.as_deref(), Some("src/acme/__init__.py"));
    assert_eq!(m.source_dir, t.path().join("src"));
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme/data/x.json", "acme/py.typed"]);
    assert_eq!(sel.wheel[1].rel_path, "src/acme/data/x.json");
    assert_eq!(paths(&sel.license_files), ["LICENSE"]);
    assert_eq!(
        paths(&sel.sdist),
        [
            "LICENSE",
            "README.md",
            "pyproject.toml",
            "src/acme/__init__.py",
            "src/acme/data/x.json",
            "src/acme/py.typed",
            "tests/test_acme.py"
        ]
    );
}

#[test]
fn flat_layout_with_default_excludes() {
    let (t, sel) = acme(&[
        "acme/__init__.py",
        "acme/build/__init__.py",
        "acme/__pycache__/__init__.cpython-312.pyc",
        "acme/mod.pyc",
        "build/lib/acme/__init__.py",
        "dist/acme-1.0.tar.gz",
        "target/x",
        ".venv/lib/site.py",
        "env3/pyvenv.cfg",
        "env3/lib/x.py",
        ".tox/py312/x",
        ".mypy_cache/x.json",
        "acme.egg-info/PKG-INFO",
        ".hg/store",
        ".github/workflows/ci.yml",
    ]);
    assert_eq!(sel.modules[0].rel_path, "acme");
    assert_eq!(sel.modules[0].source_dir, t.path());
    // A sub-package called `build` is not the build output folder.
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme/build/__init__.py"]);
    assert_eq!(
        paths(&sel.sdist),
        [".github/workflows/ci.yml", "acme/__init__.py", "acme/build/__init__.py", "pyproject.toml"]
    );
}

#[test]
fn virtual_environments_under_any_name_at_any_depth_are_left_out() {
    // The top-level one is recognised before the walk enters it, deeper ones by the listing;
    // a deep venv's links out of the project and odd names must not fail the build.
    let t = tree(&[
        "acme/__init__.py",
        "env3/pyvenv.cfg",
        "env3/lib/x.py",
        "tools/sandbox/pyvenv.cfg",
        "tools/sandbox/lib/python3.12/site-packages/y.py",
        "tools/keep.py",
        "acme/inner/pyvenv.cfg",
        "acme/inner/z.py",
    ]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/usr/bin/python3", t.path().join("tools/sandbox/python")).unwrap();
        std::os::unix::fs::symlink("/usr/bin/python3", t.path().join("acme/inner/python")).unwrap();
    }
    let (sel, _) = run(&project(t.path(), "acme"));
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py"]);
    assert_eq!(paths(&sel.sdist), ["acme/__init__.py", "pyproject.toml", "tools/keep.py"]);
}

#[test]
fn single_module_file() {
    let (_t, sel) = acme(&["acme.py", "test_acme.py"]);
    let m = &sel.modules[0];
    assert_eq!(m.rel_path, "acme.py");
    assert_eq!(m.init.as_deref(), Some("acme.py"));
    assert_eq!(paths(&sel.wheel), ["acme.py"]);
}

#[test]
fn single_module_in_src() {
    let (_t, sel) = acme(&["src/acme.py", "src/acme_extra.py"]);
    assert_eq!(paths(&sel.wheel), ["acme.py"]);
}

#[test]
fn several_modules_and_explicit_source() {
    let t = tree(&["lib/acme/__init__.py", "lib/acme_cli.py", "lib/other/__init__.py"]);
    let mut p = project(t.path(), "acme");
    p.tool.module = Some(modules(&["acme", "acme_cli"]));
    p.tool.source = Some(loc("lib"));
    let (sel, _) = run(&p);
    let names: Vec<_> = sel.modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["acme", "acme_cli"]);
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme_cli.py"]);
}

#[test]
fn missing_source_folder_is_located() {
    let t = tree(&["acme/__init__.py"]);
    let mut p = project(t.path(), "acme");
    p.tool.source = Some(loc("lib"));
    let d = run_err(&p);
    assert!(d.position().unwrap().starts_with("pyproject.toml:7:"), "{d}");
    insta::assert_snapshot!(shown(&d, t.path()));
}

#[test]
fn dotted_namespace_sub_package() {
    let t = tree(&[
        "src/acme/plugins/foo/__init__.py",
        "src/acme/plugins/foo/x.txt",
        "src/acme/plugins/bar/impl.py",
        "src/acme/plugins/other/__init__.py",
    ]);
    let mut p = project(t.path(), "acme");
    p.tool.module = Some(modules(&["acme.plugins.foo", "acme.plugins.bar"]));
    let (sel, _) = run(&p);
    assert_eq!(sel.modules[0].rel_path, "src/acme/plugins/foo");
    assert_eq!(sel.modules[0].init.as_deref(), Some("src/acme/plugins/foo/__init__.py"));
    // The final folder of a dotted name may itself be a namespace package.
    assert_eq!(sel.modules[1].init, None);
    assert_eq!(
        paths(&sel.wheel),
        ["acme/plugins/bar/impl.py", "acme/plugins/foo/__init__.py", "acme/plugins/foo/x.txt"]
    );
}

#[test]
fn undotted_folder_without_init_is_not_a_module() {
    let t = tree(&["acme/impl.py"]);
    let d = run_err(&project(t.path(), "acme"));
    insta::assert_snapshot!(shown(&d, t.path()));
}

#[test]
fn module_not_found_message() {
    let t = tree(&["acme/__init__.py", "tests/__init__.py", "zeta/__init__.py"]);
    let p = project(t.path(), "acme-sdk");
    let derived = run_err(&p);
    assert_eq!(derived.key.as_deref(), Some("project.name"));

    // Explicit names point at the list entry.
    let mut p = project(t.path(), "acme");
    p.tool.module = Some(modules(&["nope"]));
    let named = run_err(&p);
    assert!(named.position().unwrap().starts_with("pyproject.toml:6:"), "{named}");
    assert_eq!(named.key.as_deref(), Some("tool.cartwheel.module"));
    // `tests` holds the tests, so the help never suggests it as the package.
    insta::assert_snapshot!(labelled(&[
        ("derived from the project name `acme-sdk`", shown(&derived, t.path())),
        ("named in `module`", shown(&named, t.path())),
    ]));
}

#[test]
fn data_files_and_py_typed_travel_with_the_package() {
    let (_t, sel) = acme(&[
        "src/acme/__init__.py",
        "src/acme/py.typed",
        "src/acme/templates/base.html",
        "src/acme/static/app.css",
    ]);
    assert_eq!(
        paths(&sel.wheel),
        ["acme/__init__.py", "acme/py.typed", "acme/static/app.css", "acme/templates/base.html"]
    );
}

#[test]
fn gitignored_file_excluded_outside_git() {
    let t = tree(&[
        "acme/__init__.py",
        "acme/debug.log",
        "acme/sub/.gitignore",
        "acme/sub/scratch.py",
        "acme/sub/keep.py",
        "notes/private.md",
        ".gitignore",
    ]);
    write(t.path(), ".gitignore", "*.log\nnotes/\n");
    write(t.path(), "acme/sub/.gitignore", "scratch.py\n");
    let (sel, _) = run(&project(t.path(), "acme"));
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme/sub/.gitignore", "acme/sub/keep.py"]);
    assert!(!paths(&sel.sdist).contains(&"notes/private.md"));
    assert!(paths(&sel.sdist).contains(&".gitignore"));
}

#[test]
fn untracked_file_absent_in_git_tree() {
    let t = tree(&["acme/__init__.py", "acme/core.py", "gone.txt"]);
    git_repo(t.path());
    write(t.path(), "acme/new.py", "");
    std::fs::remove_file(t.path().join("gone.txt")).unwrap();
    let (sel, warnings) = run(&project(t.path(), "acme"));
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme/core.py"]);
    assert_eq!(paths(&sel.sdist), ["acme/__init__.py", "acme/core.py", "pyproject.toml"]);
    // ...but not silently.
    let msgs: Vec<_> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        msgs,
        ["1 untracked file under `acme/` is left out: `acme/new.py` (`git add` it, or list generated files in `include`)"]
    );
}

#[test]
fn untracked_files_under_a_module_warn_once() {
    let t = tree(&["src/acme/__init__.py", "src/acme_cli/__init__.py", "README.md", ".gitignore"]);
    write(t.path(), ".gitignore", "*.log\n");
    git_repo(t.path());
    for f in [
        "src/acme/new.py",
        "src/acme/sub/gen.py",
        "src/acme_cli/main.py",
        // Ignored, default-excluded, included, excluded, a secret, outside any module.
        "src/acme/debug.log",
        "src/acme/__pycache__/new.cpython-312.pyc",
        "src/acme/_generated.js",
        "src/acme/secret_notes.txt",
        "src/acme/.env",
        "tests/test_new.py",
    ] {
        write(t.path(), f, "#");
    }
    let mut p = project(t.path(), "acme");
    p.tool.module = Some(modules(&["acme", "acme_cli"]));
    p.tool.include = locs(&["acme/_generated.js"]);
    p.tool.include[0].value = "src/acme/_generated.js".into();
    p.tool.exclude = vec![Located::new("src/acme/secret_notes.txt".into(), None)];
    let (sel, warnings) = run(&p);
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme/_generated.js", "acme_cli/__init__.py"]);
    let msgs: Vec<_> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        msgs,
        ["3 untracked files under `src/acme/`, `src/acme_cli/` are left out: `src/acme/new.py`, \
          `src/acme/sub/gen.py`, `src/acme_cli/main.py` (`git add` them, or list generated files in `include`)"]
    );
    assert_eq!(warnings[0].severity, Severity::Warning);

    // Once tracked, nothing to say; outside git, nothing to compare with.
    git(t.path(), &["add", "src/acme/new.py", "src/acme/sub/gen.py", "src/acme_cli/main.py"]);
    let (sel, warnings) = run(&p);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(paths(&sel.wheel).contains(&"acme_cli/main.py"));
    let plain = tree(&["acme/__init__.py", "acme/new.py"]);
    let (_, warnings) = run(&project(plain.path(), "acme"));
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// A committed repository to use as a submodule.
fn submodule_source() -> TempDir {
    let s = TempDir::new().unwrap();
    write(s.path(), "vend.py", "");
    write(s.path(), "data/table.json", "{}");
    git_repo(s.path());
    git(s.path(), &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init"]);
    s
}

#[test]
fn submodule_files_are_packaged() {
    let src = submodule_source();
    let t = tree(&["acme/__init__.py"]);
    git_repo(t.path());
    let url = src.path().to_str().unwrap();
    for dest in ["acme/vendor", "third_party/lib"] {
        git(t.path(), &["-c", "protocol.file.allow=always", "submodule", "add", "-q", url, dest]);
    }
    let (sel, warnings) = run(&project(t.path(), "acme"));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme/vendor/data/table.json", "acme/vendor/vend.py"]);
    assert_eq!(
        paths(&sel.sdist),
        [
            ".gitmodules",
            "acme/__init__.py",
            "acme/vendor/data/table.json",
            "acme/vendor/vend.py",
            "pyproject.toml",
            "third_party/lib/data/table.json",
            "third_party/lib/vend.py"
        ]
    );

    // Not checked out: an empty folder, whose files cannot be packaged.
    git(t.path(), &["submodule", "deinit", "-q", "-f", "third_party/lib"]);
    let (sel, warnings) = run(&project(t.path(), "acme"));
    assert!(!paths(&sel.sdist).iter().any(|p| p.starts_with("third_party")));
    let msgs: Vec<_> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(msgs, ["submodule `third_party/lib` is not checked out: `git submodule update --init`"]);

    // Left out of both artifacts on purpose: nothing to say.
    let mut p = project(t.path(), "acme");
    p.tool.sdist_exclude = vec![Located::new("third_party/".into(), None)];
    let (_, warnings) = run(&p);
    assert!(warnings.is_empty(), "{warnings:?}");

    // Under a module, it is missing from the wheel whatever the sdist takes.
    git(t.path(), &["submodule", "deinit", "-q", "-f", "acme/vendor"]);
    let (sel, warnings) = run(&p);
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py"]);
    let msgs: Vec<_> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(msgs, ["submodule `acme/vendor` is not checked out: `git submodule update --init`"]);
    p.tool.exclude = vec![Located::new("acme/vendor/**".into(), None)];
    let (_, warnings) = run(&p);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn project_in_a_subfolder_of_the_repository() {
    let t = TempDir::new().unwrap();
    let proj = t.path().join("packages/acme");
    write(&proj, "pyproject.toml", TOML);
    write(&proj, "acme/__init__.py", "");
    write(t.path(), "other/x.py", "");
    git_repo(t.path());
    let (sel, _) = run(&project(&proj, "acme"));
    assert_eq!(paths(&sel.sdist), ["acme/__init__.py", "pyproject.toml"]);
}

#[test]
fn untracked_env_never_in_sdist() {
    let t = tree(&["acme/__init__.py"]);
    git_repo(t.path());
    write(t.path(), ".env", "TOKEN=hunter2\n");
    write(t.path(), "acme/.env.local", "TOKEN=hunter2\n");
    let (sel, _) = run(&project(t.path(), "acme"));
    assert!(sel.sdist.iter().all(|e| !e.archive_path.contains(".env")));
    assert!(sel.wheel.iter().all(|e| !e.archive_path.contains(".env")));
}

#[test]
fn tracked_secret_refused_unless_included() {
    let t = tree(&["acme/__init__.py", ".env", ".env.example", "acme/certs/id_rsa.pub"]);
    write(t.path(), "acme/certs/server.pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n");
    // A public CA bundle is package data (botocore, certifi).
    write(t.path(), "acme/cacert.pem", "-----BEGIN CERTIFICATE-----\nMIIF\n-----END CERTIFICATE-----\n");
    git_repo(t.path());
    let (sel, _) = run(&project(t.path(), "acme"));
    // The wheel is refused only for what it would carry; the sdist for everything.
    let wheel = sel.wheel_refused.as_deref().unwrap();
    let sdist = sel.sdist_refused.as_deref().unwrap();
    assert_eq!(sdist.severity, Severity::Error);
    assert_eq!(sdist.position().as_deref(), Some(".env"));

    let mut p = project(t.path(), "acme");
    p.tool.include = locs(&[".env"]);
    p.tool.exclude = locs(&["acme/secret_notes.txt"]);
    write(t.path(), "acme/secret_notes.txt", "");
    let included = run(&p).0.sdist_refused.unwrap();
    // A CA bundle, `.env.example` and a public key are not secrets: none may be named.
    insta::assert_snapshot!(labelled(&[
        ("wheel", shown(wheel, t.path())),
        ("sdist", shown(sdist, t.path())),
        ("sdist, `.env` in `include`", shown(&included, t.path())),
    ]));

    p.tool.exclude = locs(&["tests/fixtures/"]);
    write(t.path(), "tests/fixtures/x", "");
    p.tool.wheel_exclude = vec![];
    p.tool.exclude.push(Located::new("*.pem".into(), None));
    let (sel, _) = run(&p);
    assert!(paths(&sel.sdist).contains(&".env"));
    assert!(!paths(&sel.wheel).iter().any(|p| p.ends_with(".pem")));
}

#[test]
fn include_adds_ignored_generated_files() {
    let t = tree(&["acme/__init__.py", ".gitignore"]);
    write(t.path(), ".gitignore", "acme/_generated.js\nbuild/\n");
    for with_git in [false, true] {
        if with_git {
            git_repo(t.path());
        }
        write(t.path(), "acme/_generated.js", "//");
        write(t.path(), "build/assets/app.js", "//");
        write(t.path(), "build/other.js", "//");
        let mut p = project(t.path(), "acme");
        p.tool.include = locs(&["acme/_generated.js", "build/assets/app.js"]);
        let (sel, warnings) = run(&p);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme/_generated.js"], "git: {with_git}");
        let sdist = paths(&sel.sdist);
        assert!(sdist.contains(&"acme/_generated.js"), "{sdist:?}");
        assert!(sdist.contains(&"build/assets/app.js"), "{sdist:?}");
        assert!(!sdist.contains(&"build/other.js"), "{sdist:?}");
    }
}

#[test]
fn exclude_wheel_exclude_sdist_exclude() {
    let t = tree(&[
        "acme/__init__.py",
        "acme/secret_notes.txt",
        "acme/tests/test_x.py",
        "docs/index.md",
        "tests/fixtures/big.bin",
        "tests/test_y.py",
    ]);
    let mut p = project(t.path(), "acme");
    p.tool.exclude = locs(&["acme/secret_notes.txt", "tests/fixtures/"]);
    p.tool.wheel_exclude = locs(&["acme/tests/"]);
    p.tool.sdist_exclude = locs(&["docs/"]);
    let (sel, warnings) = run(&p);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py"]);
    assert_eq!(
        paths(&sel.sdist),
        ["acme/__init__.py", "acme/tests/test_x.py", "pyproject.toml", "tests/test_y.py"]
    );
}

#[test]
fn stale_globs_warn_at_their_span() {
    let t = tree(&["acme/__init__.py", "tests/fixtures/x"]);
    git_repo(t.path());
    write(t.path(), "acme/secret_notes.txt", "untracked but present");
    let mut p = project(t.path(), "acme");
    p.tool.exclude = locs(&["acme/secret_notes.txt", "nothing/*", "tests/fixtures/"]);
    p.tool.include = locs(&["**/*.pyc"]);
    let (_, warnings) = run(&p);
    let msgs: Vec<_> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        msgs,
        ["`include` glob `**/*.pyc` matches no file", "`exclude` glob `nothing/*` matches no file"]
    );
    assert!(warnings.iter().all(|w| w.severity == Severity::Warning));
    assert!(warnings[1].position().unwrap().starts_with("pyproject.toml:9:"));
}

#[test]
fn license_files_glob_matching_nothing_is_an_error() {
    let t = tree(&["acme/__init__.py", "LICENSE.txt", "LICENSES/MIT.txt"]);
    let mut p = project(t.path(), "acme");
    p.license_files = Some(locs(&["LICENSE*", "NOPE*"]));
    let no_match = run_err(&p);
    assert!(no_match.position().unwrap().starts_with("pyproject.toml:13:"), "{no_match}");

    p.license_files =
        Some(vec![Located::new("LICENSE*".into(), None), Located::new("LICENSES/*.txt".into(), None)]);
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.license_files), ["LICENSE.txt", "LICENSES/MIT.txt"]);
    assert!(paths(&sel.sdist).contains(&"LICENSES/MIT.txt"));

    p.license_files = Some(vec![Located::new("../LICENSE".into(), None)]);
    let escape = run_err(&p);
    insta::assert_snapshot!(labelled(&[
        ("`NOPE*`", shown(&no_match, t.path())),
        ("`../LICENSE`", shown(&escape, t.path())),
    ]));

    p.license_files = Some(vec![]);
    let (sel, _) = run(&p);
    assert!(sel.license_files.is_empty());
}

#[test]
fn license_glob_ignores_ignored_files_outside_git() {
    // Outside git the candidates honour .gitignore: an ignored license file is not picked up
    // (the unpacked sdist would not have it), and the error says why.
    let t = tree(&["acme/__init__.py", ".gitignore"]);
    write(t.path(), ".gitignore", "COPYING\n");
    write(t.path(), "COPYING", "gpl");
    let mut p = project(t.path(), "acme");
    p.license_files = Some(vec![Located::new("COPYING".into(), None)]);
    let ignored = run_err(&p);

    // `include` brings it back.
    p.tool.include = vec![Located::new("COPYING".into(), None)];
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.license_files), ["COPYING"]);
    assert!(paths(&sel.sdist).contains(&"COPYING"));

    // `exclude` still applies to license files.
    p.tool.include = vec![];
    p.tool.exclude = vec![Located::new("LICENSE".into(), None)];
    write(t.path(), "LICENSE", "mit");
    p.license_files = Some(vec![Located::new("LICENSE".into(), None)]);
    let excluded = run_err(&p);
    insta::assert_snapshot!(labelled(&[
        ("ignored by .gitignore", shown(&ignored, t.path())),
        ("excluded by `exclude`", shown(&excluded, t.path())),
    ]));
}

#[test]
fn license_glob_matches_tracked_files_only_in_git() {
    let t = tree(&["acme/__init__.py", "LICENSE", "vendor/lib/LICENSE.txt", ".gitignore"]);
    write(t.path(), ".gitignore", "node_modules/\n");
    git_repo(t.path());
    write(t.path(), "node_modules/left-pad/LICENSE", "wtfpl");
    write(t.path(), "docs/LICENSE.md", "untracked");
    let mut p = project(t.path(), "acme");
    p.license_files = Some(vec![Located::new("**/LICENSE*".into(), None)]);
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.license_files), ["LICENSE", "vendor/lib/LICENSE.txt"]);
    let sdist = paths(&sel.sdist);
    assert!(!sdist.iter().any(|s| s.starts_with("node_modules") || s.starts_with("docs")), "{sdist:?}");

    // A glob matching only an untracked file is an error that says so.
    write(t.path(), "COPYING", "gpl");
    p.license_files = Some(vec![Located::new("LICENSE".into(), None), Located::new("COPY*".into(), None)]);
    let untracked = run_err(&p);

    // A license file with a secret's name is refused like any other packaged file.
    write(t.path(), "LICENSE.key", "-----BEGIN PRIVATE KEY-----\n");
    git(t.path(), &["add", "LICENSE.key"]);
    p.license_files = Some(vec![Located::new("LICENSE*".into(), None)]);
    p.tool.sdist_exclude = vec![Located::new("LICENSE.key".into(), None)];
    let refused = run(&p).0.wheel_refused.unwrap();
    insta::assert_snapshot!(labelled(&[
        ("untracked", shown(&untracked, t.path())),
        ("a secret's name", shown(&refused, t.path())),
    ]));
}

#[test]
fn conventional_license_files() {
    let (_t, sel) = acme(&[
        "acme/__init__.py",
        "LICENSE",
        "LICENCE.md",
        "COPYING.txt",
        "NOTICE",
        "AUTHORS.rst",
        "license.txt",
        "docs/LICENSE",
    ]);
    assert_eq!(paths(&sel.license_files), ["AUTHORS.rst", "COPYING.txt", "LICENCE.md", "LICENSE", "NOTICE"]);
}

#[cfg(unix)]
#[test]
fn data_mapping_of_file_and_folder() {
    use std::os::unix::fs::PermissionsExt;
    let t = tree(&["acme/__init__.py", "bin/acme-tool", "bin/sub/helper", "jupyter/shim.json"]);
    let tool = t.path().join("bin/acme-tool");
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut p = project(t.path(), "acme");
    p.tool.data =
        vec![(loc("bin"), loc("scripts")), (loc("jupyter/shim.json"), loc("data/etc/jupyter/x.json"))];
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.data), ["data/etc/jupyter/x.json", "scripts/acme-tool", "scripts/sub/helper"]);
    assert!(sel.data[1].executable);
    assert!(!sel.data[0].executable);
    assert_eq!(sel.data[0].rel_path, "jupyter/shim.json");
    assert!(sel.sdist.iter().any(|e| e.archive_path == "bin/acme-tool" && e.executable));

    p.tool.data.push((loc("gone"), loc("data")));
    let d = run_err(&p);
    assert!(d.position().unwrap().starts_with("pyproject.toml:12:"), "{d}");
    insta::assert_snapshot!(shown(&d, t.path()));
}

#[test]
fn data_destination_with_trailing_slash_is_a_folder() {
    let t = tree(&["acme/__init__.py", "share/x.json", "share/t/y.json", "share/z.json"]);
    let mut p = project(t.path(), "acme");
    let map = |src: &str, dest: &str| (Located::new(src.into(), None), Located::new(dest.into(), None));
    p.tool.data = vec![map("share/x.json", "data/share/t/"), map("share/t", "data/share/t")];
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.data), ["data/share/t/x.json", "data/share/t/y.json"]);
    assert_eq!(sel.data[0].rel_path, "share/x.json");

    // Without the slash the file is installed under that name; `t` cannot then also be a folder.
    p.tool.data = vec![map("share/x.json", "data/share/t"), map("share/t", "data/share/t")];
    let file_and_folder = run_err(&p);
    assert_eq!(file_and_folder.key.as_deref(), Some("tool.cartwheel.data"));

    // The same destination twice.
    p.tool.data = vec![map("share/x.json", "data/etc/c.json"), map("share/z.json", "data/etc/c.json")];
    let twice = run_err(&p);
    insta::assert_snapshot!(labelled(&[
        ("a file and a folder at `data/share/t`", shown(&file_and_folder, t.path())),
        ("two files at `data/etc/c.json`", shown(&twice, t.path())),
    ]));

    // The same file reached through a folder and a file mapping is not a conflict.
    p.tool.data = vec![map("share/t/y.json", "data/share/t/"), map("share/t", "data/share/t/")];
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.data), ["data/share/t/y.json"]);
}

#[test]
fn unpacked_sdist_builds_the_same_wheel_as_the_tree() {
    // A tracked file matching .gitignore (force-added) is in the tree's wheel and in the sdist,
    // which ships `.gitignore`: the unpacked sdist must not drop it.
    let t = tree(&["src/g1/__init__.py", "src/g1/core.py", ".gitignore"]);
    write(t.path(), ".gitignore", "*.mo\nbuild/\n");
    write(t.path(), "src/g1/locale/de.mo", "mo");
    git_repo(t.path());
    git(t.path(), &["add", "-f", "src/g1/locale/de.mo"]);
    let (from_tree, _) = run(&project(t.path(), "g1"));
    assert_eq!(paths(&from_tree.wheel), ["g1/__init__.py", "g1/core.py", "g1/locale/de.mo"]);
    assert!(paths(&from_tree.sdist).contains(&".gitignore"));

    let unpacked = TempDir::new().unwrap();
    for e in &from_tree.sdist {
        write(unpacked.path(), &e.archive_path, &std::fs::read_to_string(&e.source).unwrap());
    }
    // Default excludes still apply.
    write(unpacked.path(), "src/g1/__pycache__/core.cpython-312.pyc", "");
    write(unpacked.path(), "src/g1/core.pyc", "");
    // Without PKG-INFO it is a plain folder and .gitignore applies.
    let (plain, _) = run(&project(unpacked.path(), "g1"));
    assert_eq!(paths(&plain.wheel), ["g1/__init__.py", "g1/core.py"]);

    write(unpacked.path(), "PKG-INFO", "Metadata-Version: 2.4\nName: g1\nVersion: 1.0\n");
    let (from_sdist, _) = run(&project(unpacked.path(), "g1"));
    assert_eq!(paths(&from_sdist.wheel), paths(&from_tree.wheel));
    let sdist: Vec<&str> = paths(&from_sdist.sdist).into_iter().filter(|p| *p != "PKG-INFO").collect();
    assert_eq!(sdist, paths(&from_tree.sdist));
}

/// The builder's global excludes file (`~/.config/git/ignore`) must not change the artifacts.
/// HOME and XDG_CONFIG_HOME are process-wide, so the check runs in a child test process.
#[test]
fn global_git_excludes_file_is_not_honoured() {
    const CHILD: &str = "CARTWHEEL_TEST_GLOBAL_EXCLUDES_CHILD";
    const NAME: &str = "discover::tests::global_git_excludes_file_is_not_honoured";
    if std::env::var_os(CHILD).is_none() {
        let home = TempDir::new().unwrap();
        write(home.path(), "xdg/git/ignore", "*.json\n");
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("xdg"))
            .env_remove("GIT_CONFIG_GLOBAL")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("1 passed"), "the child did not run the test: {stdout}");
        return;
    }
    // The child: the global excludes file is in effect for git tools...
    let (global, err) = ignore::gitignore::Gitignore::global();
    assert!(err.is_none(), "{err:?}");
    assert!(global.matched("acme/data/x.json", false).is_ignore(), "fake HOME not in effect");
    // ...but not for the build.
    let (_t, sel) = acme(&["acme/__init__.py", "acme/data/x.json"]);
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme/data/x.json"]);
}

#[test]
fn stub_only_package_is_named_after_the_project() {
    // PEP 561: `foo-stubs` ships the folder `foo-stubs`, whose init is `__init__.pyi`.
    let t = tree(&[
        "src/foo-stubs/__init__.pyi",
        "src/foo-stubs/sub/__init__.pyi",
        "src/foo-stubs/METADATA.toml",
    ]);
    let (sel, _) = run(&project(t.path(), "foo-stubs"));
    let m = &sel.modules[0];
    assert_eq!(m.name, "foo-stubs");
    assert_eq!(m.rel_path, "src/foo-stubs");
    assert_eq!(m.init.as_deref(), Some("src/foo-stubs/__init__.pyi"));
    assert_eq!(
        paths(&sel.wheel),
        ["foo-stubs/METADATA.toml", "foo-stubs/__init__.pyi", "foo-stubs/sub/__init__.pyi"]
    );

    // Written explicitly, and `Foo_Stubs` normalises to the same.
    let mut p = project(t.path(), "Foo_Stubs");
    p.tool.module = Some(vec![Located::new(ModuleName::new("foo-stubs").unwrap(), None)]);
    assert_eq!(run(&p).0.modules[0].rel_path, "src/foo-stubs");
    let (sel, _) = run(&project(t.path(), "Foo_Stubs"));
    assert_eq!(sel.modules[0].name, "foo-stubs");

    // Stubs of a namespace package have no `__init__.pyi` at the top.
    let t = tree(&["google-stubs/protobuf/__init__.pyi"]);
    let (sel, _) = run(&project(t.path(), "google-stubs"));
    assert_eq!(sel.modules[0].init, None);
    assert_eq!(paths(&sel.wheel), ["google-stubs/protobuf/__init__.pyi"]);

    // A regular package that merely ends in `stubs` keeps the `_` name.
    let t = tree(&["http_stubs/__init__.py"]);
    let (sel, _) = run(&project(t.path(), "http-stubs"));
    assert_eq!(sel.modules[0].name, "http_stubs");

    // Missing: say what was looked for.
    let t = tree(&["README.md"]);
    let d = run_err(&project(t.path(), "foo-stubs"));
    insta::assert_snapshot!(shown(&d, t.path()));
}

#[test]
fn package_with_only_init_pyi_is_a_package() {
    let (t, sel) = acme(&["acme/__init__.pyi", "acme/core.pyi", "acme/py.typed", "other/__init__.pyi"]);
    assert_eq!(sel.modules[0].init.as_deref(), Some("acme/__init__.pyi"));
    assert_eq!(paths(&sel.wheel), ["acme/__init__.pyi", "acme/core.pyi", "acme/py.typed"]);

    // Not found: `other` (stubs only) is suggested, and no "add an `__init__.py`" help.
    let mut p = project(t.path(), "acme");
    p.tool.module = Some(vec![Located::new(ModuleName::new("zzz").unwrap(), None)]);
    let not_found = run_err(&p);

    // A stub package next to a same-named module is ambiguous.
    write(t.path(), "acme.py", "");
    let ambiguous = run_err(&project(t.path(), "acme"));
    insta::assert_snapshot!(labelled(&[
        ("`zzz` not found", shown(&not_found, t.path())),
        ("`acme/__init__.pyi` beside `acme.py`", shown(&ambiguous, t.path())),
    ]));
}

#[cfg(unix)]
#[test]
fn symlinks_inside_are_followed() {
    use std::os::unix::fs::symlink;
    let t = tree(&["acme/__init__.py", "shared/schema.json", "assets/a.css"]);
    symlink("../shared/schema.json", t.path().join("acme/schema.json")).unwrap();
    symlink("../assets", t.path().join("acme/assets")).unwrap();
    for with_git in [false, true] {
        if with_git {
            git_repo(t.path());
        }
        let (sel, _) = run(&project(t.path(), "acme"));
        assert_eq!(
            paths(&sel.wheel),
            ["acme/__init__.py", "acme/assets/a.css", "acme/schema.json"],
            "git: {with_git}"
        );
        let schema = &sel.wheel[2];
        assert_eq!(schema.source, std::fs::canonicalize(t.path().join("shared/schema.json")).unwrap());
    }
}

#[cfg(unix)]
#[test]
fn symlink_leaving_the_project_is_refused() {
    use std::os::unix::fs::symlink;
    let outside = TempDir::new().unwrap();
    write(outside.path(), "secret.txt", "x");
    let t = tree(&["acme/__init__.py"]);
    symlink(outside.path().join("secret.txt"), t.path().join("acme/data.txt")).unwrap();
    let d = run_err(&project(t.path(), "acme"));
    insta::assert_snapshot!(shown(&d, t.path()).replace(&outside.path().display().to_string(), "<outside>"));

    let mut p = project(t.path(), "acme");
    p.tool.exclude = vec![Located::new("acme/data.txt".into(), None)];
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_errors() {
    use std::os::unix::fs::symlink;
    let t = tree(&["acme/__init__.py"]);
    symlink("..", t.path().join("acme/up")).unwrap();
    let up = shown(&run_err(&project(t.path(), "acme")), t.path());

    let t = tree(&["acme/__init__.py"]);
    symlink("b", t.path().join("acme/a")).unwrap();
    symlink("a", t.path().join("acme/b")).unwrap();
    let two = shown(&run_err(&project(t.path(), "acme")), t.path());
    insta::assert_snapshot!(labelled(&[("`acme/up` -> `..`", up), ("`acme/a` <-> `acme/b`", two)]));
}

#[test]
fn pycache_never_included() {
    let t = tree(&["acme/__init__.py", "acme/__pycache__/__init__.cpython-312.pyc", "acme/legacy.pyo"]);
    git(t.path(), &["init", "-q"]);
    git(t.path(), &["add", "-f", "-A"]);
    let mut p = project(t.path(), "acme");
    p.tool.include = locs(&["**/*.pyc"]);
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py"]);
    assert!(sel
        .sdist
        .iter()
        .all(|e| !e.archive_path.contains("pycache") && !e.archive_path.ends_with(".pyo")));
}

#[test]
fn untracked_pyproject_falls_back_to_walk_with_a_warning() {
    let t = tree(&["acme/__init__.py"]);
    git(t.path(), &["init", "-q"]);
    let (sel, warnings) = run(&project(t.path(), "acme"));
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py"]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    insta::assert_snapshot!(shown(&warnings[0], t.path()));
}

#[test]
fn untracked_module_is_an_error() {
    let t = tree(&["README.md"]);
    git_repo(t.path());
    write(t.path(), "acme/__init__.py", "");
    let err = select(&project(t.path(), "acme"), &mut Vec::new()).unwrap_err();
    insta::assert_snapshot!(shown(&err.diagnostic(), t.path()));
}

#[test]
fn gitignore_above_the_project_does_not_apply_outside_git() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join(".gitignore"), "*\n").unwrap();
    let root = outer.path().join("proj");
    std::fs::create_dir_all(root.join("acme")).unwrap();
    std::fs::write(root.join("acme/__init__.py"), "").unwrap();
    std::fs::write(root.join(".gitignore"), "*.log\n").unwrap();
    std::fs::write(root.join("acme/debug.log"), "").unwrap();
    let (sel, _) = run(&project(&root, "acme"));
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py"]);
}

#[test]
fn sdist_exclude_of_a_file_the_wheel_needs_is_an_error() {
    let t = tree(&[
        "acme/__init__.py",
        "acme/cli.py",
        "acme/data/x.json",
        "acme/templates/t.html",
        "docs/index.md",
        "bin/tool",
        "LICENSE",
    ]);
    let mut p = project(t.path(), "acme");
    p.tool.sdist_exclude = locs(&["docs/", "acme/cli.py"]);
    let module_file = run_err(&p);
    assert!(module_file.position().unwrap().starts_with("pyproject.toml:11:"), "{module_file}");
    assert_eq!(module_file.key.as_deref(), Some("tool.cartwheel.sdist-exclude"));

    // Package data, reported at its glob; the other glob's file is counted.
    p.tool.sdist_exclude = locs(&["acme/data/**", "docs/"]);
    p.tool.sdist_exclude.push(Located::new("acme/templates/".into(), None));
    let package_data = run_err(&p);
    assert!(package_data.position().unwrap().starts_with("pyproject.toml:11:"), "{package_data}");
    p.tool.sdist_exclude.pop();
    let package_data_alone = run_err(&p);

    // Out of both artifacts is consistent.
    p.tool.sdist_exclude = locs(&["acme/cli.py", "acme/data/**"]);
    p.tool.wheel_exclude =
        vec![Located::new("acme/data/".into(), None), Located::new("acme/cli.py".into(), None)];
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.wheel), ["acme/__init__.py", "acme/templates/t.html"]);
    assert!(!paths(&sel.sdist).contains(&"acme/cli.py"));

    // A `data` mapping is checked too (it is no longer put back against the glob)...
    p.tool.data = vec![(Located::new("bin".into(), None), Located::new("scripts".into(), None))];
    p.tool.sdist_exclude.push(Located::new("bin/".into(), None));
    let data_mapping = run_err(&p);
    insta::assert_snapshot!(labelled(&[
        ("`acme/cli.py`", shown(&module_file, t.path())),
        ("`acme/data/**`, `docs/`, `acme/templates/`", shown(&package_data, t.path())),
        ("`acme/data/**`, `docs/`", shown(&package_data_alone, t.path())),
        ("`bin/` of `data`", shown(&data_mapping, t.path())),
    ]));

    // ...while license files are metadata the build needs, like the readme.
    p.tool.data.clear();
    p.tool.sdist_exclude = vec![Located::new("LICENSE".into(), None)];
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.license_files), ["LICENSE"]);
    assert!(paths(&sel.sdist).contains(&"LICENSE"));
}

#[test]
fn always_in_sdist_even_when_excluded() {
    let t = tree(&["acme/__init__.py", "README.md", "VERSION"]);
    let mut p = project(t.path(), "acme");
    p.readme = Some(Readme {
        text: String::new(),
        content_type: "text/markdown".into(),
        path: Some("README.md".into()),
    });
    p.tool.version.source = VersionSource::File { path: Located::new("VERSION".into(), None), pattern: None };
    p.tool.sdist_exclude = vec![Located::new("*.md".into(), None), Located::new("VERSION".into(), None)];
    let (sel, _) = run(&p);
    assert_eq!(paths(&sel.sdist), ["README.md", "VERSION", "acme/__init__.py", "pyproject.toml"]);
}

#[cfg(target_os = "linux")]
#[test]
fn non_utf8_name_is_an_error() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let t = tree(&["acme/__init__.py"]);
    let name = OsStr::from_bytes(b"acme/caf\xe9.txt");
    std::fs::write(t.path().join(name), "x").unwrap();
    let d = run_err(&project(t.path(), "acme"));
    insta::assert_snapshot!(shown(&d, t.path()));
}

#[test]
fn normalize_rel_refuses_escapes() {
    assert_eq!(normalize_rel("./src/").as_deref(), Some("src"));
    assert_eq!(normalize_rel(".").as_deref(), Some(""));
    assert_eq!(normalize_rel("../x"), None);
    assert_eq!(normalize_rel("/etc"), None);
}

#[test]
fn test_keys_warn_credentials_refuse_and_an_unpacked_sdist_is_public() {
    // Real sdists: a test key pair (tests/keys/testkey_ed25519.pem) and a lexer sample
    // (tests/examplefiles/ssh/id_ecdsa). Credentials under tests stay refused.
    let t = tree(&["acme/__init__.py", "tests/examplefiles/ssh/id_ecdsa", "tests/.env"]);
    write(t.path(), "tests/keys/testkey_ed25519.pem", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n");
    write(t.path(), "acme/certs/server.pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n");
    let (sel, warnings) = run(&project(t.path(), "acme"));
    let refused = sel.sdist_refused.as_deref().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    // The test keys are named in the warning, never in the refusal.
    insta::assert_snapshot!(labelled(&[
        ("refused", shown(refused, t.path())),
        ("warned", shown(&warnings[0], t.path())),
    ]));
    // Built from its own unpacked sdist (PKG-INFO at the root), nothing is refused.
    write(t.path(), "PKG-INFO", "Metadata-Version: 2.4\nName: acme\nVersion: 1.0\n");
    let (sel, _) = run(&project(t.path(), "acme"));
    assert!(sel.sdist_refused.is_none() && sel.wheel_refused.is_none());
}

#[test]
fn a_named_folder_without_init_is_a_namespace_root_shipped_whole() {
    // A distribution owning a dozen sub-packages of `src/ns/` names `module = "ns"`.
    let t = tree(&["src/ns/a/__init__.py", "src/ns/a/x.py", "src/ns/b/__init__.py", "src/ns/data.json"]);
    let mut p = project(t.path(), "acme");
    p.tool.module = Some(vec![Located::new(ModuleName::new("ns").unwrap(), None)]);
    let (sel, warnings) = run(&p);
    assert_eq!(sel.modules[0].init, None);
    assert_eq!(paths(&sel.wheel), ["ns/a/__init__.py", "ns/a/x.py", "ns/b/__init__.py", "ns/data.json"]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let named = shown(&warnings[0], t.path());
    // Derived from the project name (not named), a bare folder is still not taken.
    let t = tree(&["acme/sub/__init__.py"]);
    let derived = shown(&run_err(&project(t.path(), "acme")), t.path());
    insta::assert_snapshot!(labelled(&[("named `ns`", named), ("derived `acme`", derived)]));
}

#[test]
fn import_names_must_be_in_the_wheel() {
    let head = "[project]\nname = \"acme-widgets\"\nversion = \"1.0\"\n";
    let files: &[(&str, &str)] = &[
        ("src/acme/widgets/__init__.py", ""),
        ("src/acme/widgets/_c.cpython-312-x86_64-linux-gnu.so", ""),
        ("src/acme/widgets/_win.cp312-win_amd64.pyd", ""),
        ("extra/purelib_only.py", ""),
        ("notes.py", ""),
    ];
    let select_with = |names: &str| {
        let toml = format!(
            "{head}import-namespaces = [\"acme\"]\nimport-names = [{names}]\n\n[tool.cartwheel]\nmodule = \"acme.widgets\"\ndata = {{ \"extra/purelib_only.py\" = \"purelib/purelib_only.py\" }}\n"
        );
        let dir = crate::testing::tree(&toml, files);
        let mut warnings = Vec::new();
        let project = crate::pyproject::load(dir.path(), &mut warnings).unwrap();
        select(&project, &mut warnings)
            .map(|_| ())
            .map_err(|e| e.diagnostic().to_string().replace(&dir.path().display().to_string(), "<project>"))
    };
    // A package, private extension modules (Linux, Windows), a module installed through `.data/purelib`.
    select_with("\"acme.widgets\", \"acme.widgets._c ; private\", \"acme.widgets._win\", \"purelib_only\"")
        .unwrap();
    // In the tree, but not in the wheel: not importable once installed.
    assert_eq!(
        select_with("\"acme.widgets\", \"notes\"").unwrap_err(),
        "error: <project>/pyproject.toml:5:33: `notes` is not in the wheel, so it cannot be imported once installed (key `project.import-names`)\n  |\n5 | import-names = [\"acme.widgets\", \"notes\"]\n  |                                 ^^^^^^^\n  = help: the wheel ships `acme.widgets`; correct the name, or select the module with `tool.cartwheel.module`"
    );
    // A name is not a prefix of a file name.
    assert_eq!(
        select_with("\"acme.widget\"").unwrap_err(),
        "error: <project>/pyproject.toml:5:17: `acme.widget` is not in the wheel, so it cannot be imported once installed (key `project.import-names`)\n  |\n5 | import-names = [\"acme.widget\"]\n  |                 ^^^^^^^^^^^^^\n  = help: the wheel ships `acme.widgets`; correct the name, or select the module with `tool.cartwheel.module`"
    );
}
