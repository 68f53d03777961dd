//! Version sources, stamps and bumps on real project folders (and real git repositories).

use std::path::Path;
use std::process::Command;

use super::bump::{self, Options, Part};
use super::*;
use crate::discover;
use crate::testing::{anonymised, labelled};

/// Project `acme` 1.0 (version in pyproject.toml) with `files`.
fn acme_1_0(files: &[(&str, &str)]) -> tempfile::TempDir {
    tree("[project]\nname = \"acme\"\nversion = \"1.0\"\n", files)
}

/// A project folder with `pyproject.toml` = `toml` and `files`.
fn tree(toml: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    crate::testing::tree(toml, files)
}

/// The version `root` resolves to, with the rendered warnings, or the rendered error.
fn version_of(root: &Path) -> Result<(String, Vec<String>), String> {
    let shown = |d: &dyn std::fmt::Display| anonymised(&d.to_string(), root);
    let mut warnings = Vec::new();
    let project = crate::pyproject::load(root, &mut warnings).map_err(|e| shown(&e.diagnostic()))?;
    let selection = discover::select(&project, &mut warnings).map_err(|e| shown(&e.diagnostic()))?;
    let v = resolve(&project, &selection, &mut warnings).map_err(|e| shown(&e.diagnostic()))?;
    Ok((v.version.value.to_string(), warnings.iter().map(|w| shown(w)).collect()))
}

fn err_of(root: &Path) -> String {
    match version_of(root) {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

const DYN: &str = "[project]\nname = \"acme\"\ndynamic = [\"version\"]\n";

fn file_source(extra: &str) -> String {
    format!("{DYN}[tool.cartwheel.version]\nsource = \"file\"\n{extra}")
}

#[test]
fn file_source_plain_python_and_pattern() {
    let init = ("acme/__init__.py", "");
    let dir = tree(&file_source("path = \"VERSION\"\n"), &[("VERSION", "\n 2.1.0 \n"), init]);
    assert_eq!(version_of(dir.path()).unwrap().0, "2.1.0");
    let dir = tree(
        &file_source("path = \"acme/__about__.py\"\n"),
        &[("acme/__about__.py", "\"\"\"About.\"\"\"\nVERSION = '3.0'\n"), init],
    );
    assert_eq!(version_of(dir.path()).unwrap().0, "3.0");
    let dir = tree(
        &file_source("path = \"version.txt\"\npattern = 'release: (?P<version>\\S+)'\n"),
        &[("version.txt", "name: acme\nrelease: 1.0.0-rc.1\n"), init],
    );
    let (v, w) = version_of(dir.path()).unwrap();
    assert_eq!(v, "1.0.0rc1");
    insta::assert_snapshot!(w.join("\n"));
}

#[test]
fn file_source_errors_are_located() {
    let init = ("acme/__init__.py", "");
    let error = |extra: &str, files: &[(&str, &str)]| err_of(tree(&file_source(extra), files).path());
    insta::assert_snapshot!(labelled(&[
        ("missing", error("path = \"VERSION\"\n", &[init])),
        ("empty", error("path = \"VERSION\"\n", &[("VERSION", "  \n"), init])),
        ("invalid", error("path = \"VERSION\"\n", &[("VERSION", "1.0.x\n"), init])),
        (
            "pattern matching nothing",
            error("path = \"VERSION\"\npattern = 'v=(?P<version>\\d+)'\n", &[("VERSION", "1.0\n"), init]),
        ),
        ("computed", error("path = \"v.py\"\n", &[("v.py", "VERSION = get()\n"), init])),
    ]));
}

#[test]
fn module_source_computed_names_the_alternatives() {
    let dir = tree(DYN, &[("acme/__init__.py", "from ._v import v\n__version__ = v\n")]);
    let computed = err_of(dir.path());
    let dir = tree(DYN, &[("acme/__init__.py", "__version__ = '1.0-RC1'\n")]);
    let (v, w) = version_of(dir.path()).unwrap();
    assert_eq!(v, "1.0rc1");
    insta::assert_snapshot!(labelled(&[("computed", computed), ("normalised", w.join("\n"))]));
}

// --------------------------------------------------------------------------- stamps

#[test]
fn stamps_version_and_version_info() {
    let v: pep440_rs::Version = "1.2.3rc1".parse().unwrap();
    assert_eq!(stamp::version_info(&v), "(1, 2, 3, \"rc\", 1)");
    let v: pep440_rs::Version = "2!1.2.4.post2.dev1+g1".parse().unwrap();
    assert_eq!(stamp::version_info(&v), "(1, 2, 4, \"post\", 2, \"dev\", 1)");
    let text = "__version__: str = '0.0.0'\n__version_info__ = (0, 0, 0)  # stamped\n";
    let (new, changes) = stamp::stamp_text(text, &"1.2.3rc1".parse().unwrap()).unwrap();
    assert_eq!(new, "__version__: str = '1.2.3rc1'\n__version_info__ = (1, 2, 3, \"rc\", 1)  # stamped\n");
    assert_eq!(changes.len(), 2);
    // Computed tuples are left alone; a file without `__version__` is not stamped.
    let text = "__version__ = \"1.0\"\n__version_info__ = tuple(__version__.split('.'))\n";
    assert_eq!(stamp::stamp_text(text, &"1.0".parse().unwrap()).unwrap().1, vec![]);
    assert!(stamp::stamp_text("__version_info__ = (1, 0)\n", &"1.0".parse().unwrap()).is_none());
    assert!(stamp::find_version_info("__version_info__: tuple[int, ...] = (1, 'a',)\n").is_some());
}

#[test]
fn explicit_stamp_target_without_literal_is_named() {
    let toml = "[project]\nname = \"acme\"\nversion = \"1.0\"\n[tool.cartwheel.version]\nstamp = [\"acme/__init__.py\", \"acme/other.py\"]\n";
    let dir = tree(toml, &[("acme/__init__.py", "__version__ = '1.0'\n"), ("acme/other.py", "x = 1\n")]);
    // The stamp plan is what refuses it (the build prepares it the same way).
    let mut w = Vec::new();
    let project = crate::pyproject::load(dir.path(), &mut w).unwrap();
    let selection = discover::select(&project, &mut w).unwrap();
    let v = resolve(&project, &selection, &mut w).unwrap().version.value;
    let e = stamp::plan(&project, &selection, &v, &mut |rel| stamp::read_rel(&project, rel))
        .unwrap_err()
        .diagnostic()
        .to_string();
    insta::assert_snapshot!(anonymised(&e, dir.path()));
}

// --------------------------------------------------------------------------- git

fn git(root: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "-c",
            "tag.gpgsign=false",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn git_project(extra: &str) -> tempfile::TempDir {
    let dir = tree(
        &format!("{DYN}[tool.cartwheel.version]\nsource = \"git\"\n{extra}"),
        &[("acme/__init__.py", "__version__ = \"0.0.0\"\n")],
    );
    git_init(dir.path(), &["-A"]);
    dir
}

/// `root` as a repository (with an identity, unsigned) whose first commit holds `paths`.
fn git_init(root: &Path, paths: &[&str]) {
    git(root, &["init", "-q"]);
    git(root, &["config", "user.name", "T"]);
    git(root, &["config", "user.email", "t@example.com"]);
    git(root, &["config", "tag.gpgsign", "false"]);
    git(root, &["config", "commit.gpgsign", "false"]);
    git(root, &[&["add"], paths].concat());
    git(root, &["commit", "-qm", "one"]);
}

fn commit(root: &Path, rel: &str, text: &str) {
    fs_err::write(root.join(rel), text).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", rel]);
}

#[test]
fn describe_output_and_versions_past_a_tag() {
    let d = git::parse_describe("v1.2-3-4-g0abc123\n").unwrap();
    assert_eq!((d.tag.as_str(), d.distance, d.hash.as_str()), ("v1.2-3", 4, "0abc123"));
    assert!(git::parse_describe("v1.2").is_none());
    assert!(git::parse_describe("v1.2-x-gabc").is_none());
    assert!(git::parse_describe("v1.2-1-abc").is_none());
    let at = |tag: &str, n: u64, dirty: bool| {
        let d = git::Describe { tag: tag.into(), distance: n, hash: "abc1234".into() };
        git::version_at(&tag.parse().unwrap(), &d, dirty).to_string()
    };
    assert_eq!(at("1.2.3", 0, false), "1.2.3");
    assert_eq!(at("1.2.3", 0, true), "1.2.3+dirty");
    assert_eq!(at("1.2.3", 4, false), "1.2.4.dev4+gabc1234");
    assert_eq!(at("1.2.3", 4, true), "1.2.4.dev4+gabc1234.dirty");
    assert_eq!(at("1.2", 1, false), "1.2.1.dev1+gabc1234");
    assert_eq!(at("2.0rc1", 2, false), "2.0rc2.dev2+gabc1234");
    assert_eq!(at("2.0.post1", 2, false), "2.0.post2.dev2+gabc1234");
    assert_eq!(at("1.0.dev5", 2, false), "1.0.dev7+gabc1234");
    assert_eq!(at("1.0rc1.dev1", 1, false), "1.0rc1.dev2+gabc1234");
    // A hostile tag at the top of the number range does not overflow.
    assert_eq!(at("1.0.dev18446744073709551615", 2, false), "1.0.dev18446744073709551615+gabc1234");
    assert_eq!(at("1.0.18446744073709551615", 1, false), "1.0.18446744073709551615.dev1+gabc1234");
}

#[test]
fn git_tags_commits_and_dirty_trees() {
    let dir = git_project("");
    let root = dir.path();
    let untagged = err_of(root);
    git(root, &["tag", "-a", "v1.2.3", "-m", "r"]);
    git(root, &["tag", "nightly"]);
    assert_eq!(version_of(root).unwrap().0, "1.2.3");
    commit(root, "a.txt", "a");
    commit(root, "b.txt", "b");
    let hash = git(root, &["rev-parse", "--short=7", "HEAD"]);
    assert_eq!(version_of(root).unwrap().0, format!("1.2.4.dev2+g{hash}"));
    fs_err::write(root.join("a.txt"), "changed").unwrap();
    assert_eq!(version_of(root).unwrap().0, format!("1.2.4.dev2+g{hash}.dirty"));
    // Untracked files do not make a tree dirty (they are not packaged).
    git(root, &["checkout", "-q", "--", "a.txt"]);
    fs_err::write(root.join("new.txt"), "x").unwrap();
    assert_eq!(version_of(root).unwrap().0, format!("1.2.4.dev2+g{hash}"));
    // The nearest tag wins, `1.3.0` spelled without a `v` too; on one commit, the highest.
    git(root, &["tag", "1.3.0"]);
    git(root, &["tag", "1.3.0rc1"]);
    git(root, &["tag", "-a", "v1.3.0b1", "-m", "b"]);
    assert_eq!(version_of(root).unwrap().0, "1.3.0");
    commit(root, "c.txt", "c");
    git(root, &["tag", "v1.4.0-final"]);
    insta::assert_snapshot!(labelled(&[("no tag", untagged), ("newest tag not a version", err_of(root))]));
}

#[test]
fn git_state_errors_point_at_the_source_key() {
    let dir = git_project("");
    let root = dir.path();
    let untagged = err_of(root);
    git(root, &["tag", "v1.0-x"]);
    let not_a_version = err_of(root);
    git(root, &["tag", "-d", "v1.0-x"]);
    git(root, &["tag", "v1.0"]);
    commit(root, "a.txt", "a");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", root.display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let shallow = err_of(&clone.path().join("c"));
    let plain =
        tree(&format!("{DYN}[tool.cartwheel.version]\nsource = \"git\"\n"), &[("acme/__init__.py", "")]);
    insta::assert_snapshot!(labelled(&[
        ("no tag", untagged),
        ("tag not a version", not_a_version),
        ("shallow clone", shallow),
        ("no repository", err_of(plain.path())),
    ]));
}

/// The stale stamp targets of `root`'s tree, by path, and the version they should hold.
fn tree_check(root: &Path) -> (String, Vec<String>) {
    let mut w = Vec::new();
    let project = crate::pyproject::load(root, &mut w).unwrap();
    let selection = discover::select(&project, &mut w).unwrap();
    let resolved = resolve(&project, &selection, &mut w).unwrap();
    let check = TreeCheck::new(&project, &selection, &resolved).unwrap();
    (check.expected.to_string(), check.stale.iter().map(|s| s.path.clone()).collect())
}

#[test]
fn a_git_tree_is_checked_against_its_nearest_tag() {
    let dir = git_project("");
    let root = dir.path();
    let init = root.join("acme/__init__.py");
    git(root, &["tag", "v1.2.3"]);
    commit(root, "a.txt", "a");
    assert!(version_of(root).unwrap().0.starts_with("1.2.4.dev1+g"));
    // A placeholder leaves the version to the build.
    assert_eq!(tree_check(root), ("1.2.3".into(), vec![]));
    fs_err::write(&init, "__version__ = \"0\"\n__version_info__ = (0, 0)\n").unwrap();
    assert_eq!(tree_check(root), ("1.2.3".into(), vec![]));
    // The release the tree was bumped to is in step between tags; an older one is not.
    fs_err::write(&init, "__version__ = \"1.2.3\"\n__version_info__ = (1, 2, 3)\n").unwrap();
    assert_eq!(tree_check(root), ("1.2.3".into(), vec![]));
    fs_err::write(&init, "__version__ = \"1.2.2\"\n").unwrap();
    assert_eq!(tree_check(root), ("1.2.3".into(), vec!["acme/__init__.py".into()]));
    fs_err::write(&init, "__version__ = \"0.0.0\"\n__version_info__ = (1, 2, 2)\n").unwrap();
    assert_eq!(tree_check(root), ("1.2.3".into(), vec!["acme/__init__.py".into()]));
    // Other sources know the version: a placeholder is stale there.
    let dir = acme_1_0(&[("acme/__init__.py", "__version__ = \"0.0.0\"\n")]);
    assert_eq!(tree_check(dir.path()), ("1.0".into(), vec!["acme/__init__.py".into()]));
}

#[test]
fn tag_pattern_selects_tags() {
    let dir = git_project("tag-pattern = '^acme-(?P<version>.+)$'\n");
    let root = dir.path();
    git(root, &["tag", "acme-2.0"]);
    commit(root, "a.txt", "a");
    git(root, &["tag", "v9.0"]);
    assert!(version_of(root).unwrap().0.starts_with("2.0.1.dev1+g"));
    git(root, &["tag", "acme-2.1-x"]);
    // A pattern without a `version` group chooses tags; the version is the tag minus its `v`.
    let plain = git_project("tag-pattern = '^v\\d'\n");
    git(plain.path(), &["tag", "v1.2.3"]);
    git(plain.path(), &["tag", "1.9.0"]);
    assert_eq!(version_of(plain.path()).unwrap(), ("1.2.3".to_string(), vec![]));
    insta::assert_snapshot!(err_of(root));
}

#[test]
fn no_git_uses_pkg_info_or_fails_clearly() {
    let toml = format!("{DYN}[tool.cartwheel.version]\nsource = \"git\"\n");
    let dir = tree(&toml, &[("acme/__init__.py", "")]);
    let no_repository = err_of(dir.path());
    let dir = tree(
        &toml,
        &[
            ("acme/__init__.py", ""),
            ("PKG-INFO", "Metadata-Version: 2.4\nName: acme\nVersion: 1.2.4.dev2+gabc1234\n\nVersion: 9\n"),
        ],
    );
    assert_eq!(version_of(dir.path()).unwrap().0, "1.2.4.dev2+gabc1234");
    let dir = tree(&toml, &[("acme/__init__.py", ""), ("PKG-INFO", "Name: acme\n")]);
    insta::assert_snapshot!(labelled(&[
        ("no repository", no_repository),
        ("PKG-INFO without a version", err_of(dir.path())),
    ]));
}

// --------------------------------------------------------------------------- bump

fn opts(part: &str) -> Options {
    Options {
        part: part.parse::<Part>().unwrap(),
        allow_downgrade: false,
        dry_run: false,
        no_changelog: false,
        commit: false,
        tag: false,
    }
}

/// Plan a bump of `root`; the edits by path, rendered.
fn plan_of(root: &Path, o: &Options) -> Result<bump::Plan, String> {
    let mut w = Vec::new();
    let shown = |e: crate::Error| anonymised(&e.diagnostic().to_string(), root);
    let project = crate::pyproject::load(root, &mut w).map_err(shown)?;
    let selection = discover::select(&project, &mut w).unwrap();
    bump::plan(&project, &selection, o, "2026-11-24", &mut w).map_err(shown)
}

const ODD_PYPROJECT: &str = "# Acme's project file\r\n[project]\r\nname = \"acme\"   # the dist name\r\nversion = '1.4.0'  # bumped by cartwheel\r\nauthors = [{ name = \"A\", email = \"a@example.com\" }]\r\nurls = { Home = \"https://example.com\" }\r\n\r\n[tool.cartwheel]\r\nmodule = \"acme\"\r\n";

#[test]
fn pyproject_edits_keep_every_other_byte() {
    let dir = tree(
        ODD_PYPROJECT,
        &[("acme/__init__.py", "__version__ = \"1.4.0\"\r\n__version_info__ = (1, 4, 0)\r\n")],
    );
    let plan = plan_of(dir.path(), &opts("minor")).unwrap();
    assert_eq!(plan.new.to_string(), "1.5.0");
    let files: Vec<&str> = plan.edits.iter().map(|e| e.rel.as_str()).collect();
    assert_eq!(files, ["pyproject.toml", "acme/__init__.py"]);
    insta::assert_snapshot!("pyproject_crlf_comments_literal_quotes", plan.edits[0].new);
    assert_eq!(plan.edits[0].new, ODD_PYPROJECT.replace("'1.4.0'", "'1.5.0'"));
    assert_eq!(plan.edits[1].new, "__version__ = \"1.5.0\"\r\n__version_info__ = (1, 5, 0)\r\n");
    // An inline [project] table and a multi-line basic string.
    let text = "project = { name = \"acme\", version = \"\"\"1.4.0\"\"\", description = \"x\" } # inline\n";
    let dir = tree(text, &[("acme/__init__.py", "")]);
    let plan = plan_of(dir.path(), &opts("2.0.0rc1")).unwrap();
    insta::assert_snapshot!("pyproject_inline_table", plan.edits[0].new);
    let mut d = plan_of(dir.path(), &Options { dry_run: true, ..opts("patch") }).unwrap().diff();
    d.retain(|c| c != '\r');
    assert_eq!(d, "--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1 +1 @@\n-project = { name = \"acme\", version = \"\"\"1.4.0\"\"\", description = \"x\" } # inline\n+project = { name = \"acme\", version = \"\"\"1.4.1\"\"\", description = \"x\" } # inline\n");
}

const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n- Faster.\n\n## [1.4.0] - 2026-11-20\n\n- First.\n\n[Unreleased]: https://github.com/o/r/compare/v1.4.0...HEAD\n[1.4.0]: https://github.com/o/r/releases/tag/v1.4.0\n";

#[test]
fn module_file_and_changelog_edits() {
    // source = "module": the module is both the source and the stamp target, edited once.
    let dir = tree(DYN, &[("acme/__init__.py", "__version__ = '1.4.0'\n"), ("CHANGELOG.md", CHANGELOG)]);
    let plan = plan_of(dir.path(), &opts("patch")).unwrap();
    let files: Vec<&str> = plan.edits.iter().map(|e| e.rel.as_str()).collect();
    assert_eq!(files, ["acme/__init__.py", "CHANGELOG.md"]);
    assert_eq!(plan.edits[0].new, "__version__ = '1.4.1'\n");
    insta::assert_snapshot!("changelog_after_bump", plan.edits[1].new);
    insta::assert_snapshot!("module_and_changelog_diff", plan.diff());
    let plan = plan_of(dir.path(), &Options { no_changelog: true, ..opts("patch") }).unwrap();
    assert_eq!(plan.edits.len(), 1);
    // source = "file" with a pattern: only the `version` group changes.
    let dir = tree(
        &file_source("path = \"acme/_v.py\"\npattern = 'V = \"(?P<version>[^\"]+)\"'\nchangelog = \"docs/CHANGES.md\"\n"),
        &[("acme/__init__.py", "from ._v import V as __version__\n"), ("acme/_v.py", "V = \"0.9\"  # here\n")],
    );
    let e = plan_of(dir.path(), &opts("minor")).unwrap_err();
    insta::assert_snapshot!(e);
    let plan = plan_of(dir.path(), &Options { no_changelog: true, ..opts("minor") }).unwrap();
    assert_eq!(plan.edits.len(), 1);
    assert_eq!(plan.edits[0].new, "V = \"0.10\"  # here\n");
}

#[test]
fn bump_writes_all_or_reports_nothing_changed() {
    let dir = tree(
        ODD_PYPROJECT,
        &[("acme/__init__.py", "__version__ = \"1.4.0\"\n"), ("CHANGELOG.md", CHANGELOG)],
    );
    let before: Vec<Vec<u8>> = ["pyproject.toml", "acme/__init__.py", "CHANGELOG.md"]
        .iter()
        .map(|f| fs_err::read(dir.path().join(f)).unwrap())
        .collect();
    let mut w = Vec::new();
    let dry = bump::run(dir.path(), &Options { dry_run: true, ..opts("minor") }, &mut w).unwrap();
    assert_eq!(dry.plan.edits.len(), 3);
    let after: Vec<Vec<u8>> = ["pyproject.toml", "acme/__init__.py", "CHANGELOG.md"]
        .iter()
        .map(|f| fs_err::read(dir.path().join(f)).unwrap())
        .collect();
    assert_eq!(before, after, "a dry run writes nothing");
    let done = bump::run(dir.path(), &opts("minor"), &mut w).unwrap();
    assert_eq!(done.plan.new.to_string(), "1.5.0");
    assert_eq!(version_of(dir.path()).unwrap().0, "1.5.0");
    let init = fs_err::read_to_string(dir.path().join("acme/__init__.py")).unwrap();
    assert_eq!(init, "__version__ = \"1.5.0\"\n");
    // --commit outside git: refused before anything is written, by a dry run too.
    let refused = |dry_run| {
        let e = bump::run(dir.path(), &Options { commit: true, dry_run, ..opts("minor") }, &mut Vec::new())
            .unwrap_err();
        anonymised(&e.to_diagnostic().to_string(), dir.path())
    };
    insta::assert_snapshot!(labelled(&[("--commit", refused(false)), ("--commit --dry-run", refused(true))]));
    assert_eq!(version_of(dir.path()).unwrap().0, "1.5.0");
}

#[test]
fn bump_commit_and_tag_in_git() {
    let dir = tree(
        "[project]\nname = \"acme\"\nversion = \"0.1.16\"\n",
        &[("acme/__init__.py", "__version__ = \"0.1.16\"\n"), ("CHANGELOG.md", CHANGELOG)],
    );
    let root = dir.path();
    git_init(root, &["-A"]);
    fs_err::write(root.join("acme/__init__.py"), "__version__ = \"0.1.16\"\nx = 1\n").unwrap();
    let mut w = Vec::new();
    let shown = |e: crate::Error| anonymised(&e.to_diagnostic().to_string(), root);
    let dirty = shown(bump::run(root, &Options { tag: true, ..opts("minor") }, &mut w).unwrap_err());
    git(root, &["checkout", "-q", "--", "."]);
    let done = bump::run(root, &Options { tag: true, ..opts("minor") }, &mut w).unwrap();
    assert!(done.committed);
    assert_eq!(git(root, &["status", "--porcelain"]), "");
    assert_eq!(git(root, &["log", "-1", "--format=%s"]), "Bump version: 0.1.16 → 0.2.0");
    assert_eq!(git(root, &["describe", "--exact-match"]), "v0.2.0");
    assert_eq!(git(root, &["cat-file", "-t", "v0.2.0"]), "tag");
    let same = shown(bump::run(root, &Options { tag: true, ..opts("0.2.0") }, &mut w).unwrap_err());
    // A tag git cannot make (signing fails): the commit stands, and the error says so.
    git(root, &["config", "tag.gpgSign", "true"]);
    git(root, &["config", "gpg.program", "false"]);
    let unsigned = shown(bump::run(root, &Options { tag: true, ..opts("0.2.1") }, &mut w).unwrap_err());
    // What git prints when signing fails differs between git versions; the rest is cartwheel's.
    let (head, rest) = unsigned.split_once("git said:\n").unwrap();
    let retry = rest.find("once that is fixed").unwrap();
    let indent = rest[..retry].rfind('\n').map_or(0, |n| n + 1);
    let pad = &rest[indent..retry];
    let unsigned = format!("{head}git said:\n{pad}<git's message>\n{}", &rest[indent..]);
    assert_eq!(git(root, &["log", "-1", "--format=%s"]), "Bump version: 0.2.0 → 0.2.1");
    insta::assert_snapshot!(labelled(&[
        ("uncommitted changes", dirty),
        ("same version", same),
        ("tag refused", unsigned),
    ]));
}

#[test]
fn first_release_of_a_git_project() {
    let dir = git_project("");
    let root = dir.path();
    let mut w = Vec::new();
    // A part needs a current version to move on from; the error says how to start.
    let e = bump::run(root, &Options { tag: true, ..opts("minor") }, &mut w).unwrap_err();
    insta::assert_snapshot!(anonymised(&e.to_diagnostic().to_string(), root));
    let plan = plan_of(root, &opts("0.1.0")).unwrap();
    assert_eq!((plan.old.as_ref(), plan.change(true).as_str()), (None, "0.1.0 (first release)"));
    let done = bump::run(root, &Options { tag: true, ..opts("0.1.0") }, &mut w).unwrap();
    assert!(done.committed);
    assert_eq!(git(root, &["log", "-1", "--format=%s"]), "Bump version: 0.1.0 (first release)");
    assert_eq!(git(root, &["describe", "--exact-match"]), "v0.1.0");
    assert_eq!(version_of(root).unwrap().0, "0.1.0");
    assert_eq!(fs_err::read_to_string(root.join("acme/__init__.py")).unwrap(), "__version__ = \"0.1.0\"\n");
}

#[test]
fn the_new_tag_follows_the_project_tag_style() {
    let tag_of =
        |root: &Path, part: &str| plan_of(root, &Options { tag: true, ..opts(part) }).map(|p| p.tag.unwrap());
    let dir = git_project("");
    git(dir.path(), &["tag", "1.2.3"]);
    assert_eq!(tag_of(dir.path(), "patch").unwrap(), "1.2.4");
    git(dir.path(), &["tag", "v1.2.3b1"]);
    commit(dir.path(), "a.txt", "a");
    git(dir.path(), &["tag", "v1.3.0"]);
    assert_eq!(tag_of(dir.path(), "minor").unwrap(), "v1.4.0");
    let dir = git_project("tag-pattern = '^acme-(?P<version>.+)-final$'\n");
    git(dir.path(), &["tag", "acme-2.0-final"]);
    assert_eq!(tag_of(dir.path(), "minor").unwrap(), "acme-2.1-final");
    // No tag yet: `v0.1.0`, or `0.1.0` where only that matches the pattern.
    let dir = git_project("tag-pattern = '^(?P<version>\\d+\\.\\d+\\.\\d+)$'\n");
    assert_eq!(tag_of(dir.path(), "0.1.0").unwrap(), "0.1.0");
    git(dir.path(), &["tag", "0.1.0"]);
    insta::assert_snapshot!(tag_of(dir.path(), "rc").unwrap_err());
    // Another version source: the style of the repository's tags.
    let dir = acme_1_0(&[("acme/__init__.py", "")]);
    assert_eq!(tag_of(dir.path(), "minor").unwrap(), "v1.1");
    git_init(dir.path(), &["-A"]);
    git(dir.path(), &["tag", "1.0"]);
    assert_eq!(tag_of(dir.path(), "minor").unwrap(), "1.1");
}

#[cfg(unix)]
#[test]
fn a_refused_commit_undoes_the_bump() {
    use std::os::unix::fs::PermissionsExt;
    let dir = acme_1_0(&[("acme/__init__.py", "__version__ = \"1.0\"\n"), ("CHANGELOG.md", CHANGELOG)]);
    let root = dir.path();
    git_init(root, &["pyproject.toml", "acme"]);
    // CHANGELOG.md stays untracked: undoing must not leave it staged either.
    let hook = root.join(".git/hooks/pre-commit");
    fs_err::write(&hook, "#!/bin/sh\necho hook says no >&2\nexit 1\n").unwrap();
    fs_err::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let before =
        ["pyproject.toml", "acme/__init__.py", "CHANGELOG.md"].map(|f| fs_err::read(root.join(f)).unwrap());
    let status = git(root, &["status", "--porcelain"]);
    let mut w = Vec::new();
    let e = bump::run(root, &Options { commit: true, ..opts("minor") }, &mut w).unwrap_err();
    insta::assert_snapshot!(anonymised(&e.to_diagnostic().to_string(), root));
    let after =
        ["pyproject.toml", "acme/__init__.py", "CHANGELOG.md"].map(|f| fs_err::read(root.join(f)).unwrap());
    assert_eq!(before, after);
    assert_eq!(git(root, &["status", "--porcelain"]), status, "the index is as it was");
}

#[cfg(unix)]
#[test]
fn commit_takes_the_file_a_symlink_points_to() {
    let dir = acme_1_0(&[("acme/__init__.py", "__version__ = \"1.0\"\n"), ("docs/changes.md", CHANGELOG)]);
    let root = dir.path();
    std::os::unix::fs::symlink("docs/changes.md", root.join("CHANGELOG.md")).unwrap();
    git_init(root, &["-A"]);
    let mut w = Vec::new();
    let before = crate::changelog::today().unwrap();
    bump::run(root, &Options { commit: true, ..opts("minor") }, &mut w).unwrap();
    let after = crate::changelog::today().unwrap();
    assert_eq!(git(root, &["status", "--porcelain"]), "", "everything the bump changed is committed");
    // Both days: the bump may have run across midnight.
    let committed = git(root, &["show", "HEAD:docs/changes.md"]);
    insta::assert_snapshot!(committed.replace(&before, "<today>").replace(&after, "<today>"));
}

#[test]
fn git_fallback_stands_in_when_git_has_no_answer() {
    let config = format!("{DYN}[tool.cartwheel.version]\nsource = \"git\"\nfallback = \"0.0.0.dev0\"\n");
    // A copy without `.git` (a tarball of the tree): the fallback, with the reason.
    let dir = tree(&config, &[("acme/__init__.py", "")]);
    let (v, warnings) = version_of(dir.path()).unwrap();
    assert_eq!(v, "0.0.0.dev0");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let no_repository = warnings[0].clone();
    // A repository before its first tag.
    git_init(dir.path(), &["-A"]);
    let (v, warnings) = version_of(dir.path()).unwrap();
    assert_eq!(v, "0.0.0.dev0");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let untagged = warnings[0].clone();
    // Once tagged, git answers: no fallback, no warning.
    git(dir.path(), &["tag", "v1.4.0"]);
    assert_eq!(version_of(dir.path()).unwrap(), ("1.4.0".to_string(), vec![]));
    // A tag that is not a version is a mistake, not a missing answer: still an error.
    let dir = git_project("fallback = \"0.0.0\"\n");
    git(dir.path(), &["tag", "v1.x"]);
    let not_a_version = err_of(dir.path());
    // Only for source = "git", and only a version in its normal form.
    let toml = format!("{DYN}[tool.cartwheel.version]\nsource = \"module\"\nfallback = \"0.0.0\"\n");
    let not_git = err_of(tree(&toml, &[("acme/__init__.py", "__version__ = '1.0'\n")]).path());
    let toml = format!("{DYN}[tool.cartwheel.version]\nsource = \"git\"\nfallback = \"1.0-dev\"\n");
    insta::assert_snapshot!(labelled(&[
        ("no repository", no_repository),
        ("no tag", untagged),
        ("tag not a version", not_a_version),
        ("not source = \"git\"", not_git),
        ("not normalised", err_of(tree(&toml, &[("acme/__init__.py", "")]).path())),
    ]));
}
