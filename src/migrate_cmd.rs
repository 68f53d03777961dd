//! `cartwheel migrate`: reads the project's files, runs the translator
//! (`cartwheel_migrate`), verifies by building both ways, prints and writes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cartwheel_migrate::{Input, Kind, Options, Outcome, Tree};
use serde::Serialize;

use crate::cli::{say, say_out};
use cartwheel_verify::{self as migrate_verify, Report};

/// What `cartwheel migrate` was asked to do.
#[derive(Debug, Clone)]
pub struct Flags {
    /// Project folder.
    pub path: PathBuf,
    /// Print the diff; write nothing.
    pub dry_run: bool,
    /// Skip building both ways.
    pub no_verify: bool,
    /// Delete the old configuration.
    pub remove_old: bool,
    /// Dirty tree, untranslatable items and verification differences do not stop the write.
    pub force: bool,
    /// JSON on stdout instead of text.
    pub json: bool,
    /// The Python interpreter that reads setup.py and runs the original backend.
    pub python: String,
}

/// The project folder seen through the translator's [`Tree`].
struct FsTree<'a>(&'a Path);

impl Tree for FsTree<'_> {
    fn read(&self, rel: &str) -> Option<String> {
        let p = self.0.join(rel);
        if !p.is_file() {
            return None;
        }
        fs_err::read_to_string(p).ok()
    }
    fn is_dir(&self, rel: &str) -> bool {
        self.0.join(rel).is_dir()
    }
    fn list(&self, rel: &str) -> Vec<String> {
        let mut out: Vec<String> = fs_err::read_dir(self.0.join(rel))
            .map(|rd| {
                rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }
}

#[derive(Serialize)]
struct JsonOut<'a> {
    backend: &'a str,
    changed: bool,
    written: bool,
    findings: &'a [cartwheel_migrate::Finding],
    unused: Vec<String>,
    delete: &'a [String],
    verification: Option<&'a Report>,
    seconds: f64,
    /// The new pyproject.toml text.
    pyproject: &'a str,
}

/// The interpreter for setup.py's reader and the original backend's build: `CARTWHEEL_PYTHON`,
/// else the one running cartwheel (`python -m cartwheel`, the console script), else `python3`.
pub fn python() -> String {
    if let Ok(p) = std::env::var("CARTWHEEL_PYTHON") {
        return p;
    }
    // The process's own argv[0] as invoked (`/venv/bin/python`): current_exe() would resolve a
    // venv's symlink to the base interpreter, which lacks the venv's packages.
    let is_python = |p: &Path| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("python"));
    if let Some(arg0) = std::env::args_os().next().map(PathBuf::from) {
        if is_python(&arg0) {
            return arg0.display().to_string();
        }
    }
    match std::env::current_exe() {
        Ok(exe) if is_python(&exe) => exe.display().to_string(),
        _ => "python3".into(),
    }
}

/// Run the command; returns the exit status.
pub fn run(flags: &Flags) -> i32 {
    match run_inner(flags) {
        Ok(code) => code,
        Err(msg) => {
            say(&format!("error: {msg}"));
            1
        }
    }
}

fn read_opt(path: &Path) -> Result<Option<String>, String> {
    if !path.is_file() {
        return Ok(None);
    }
    fs_err::read_to_string(path).map(Some).map_err(|e| e.to_string())
}

fn run_inner(flags: &Flags) -> Result<i32, String> {
    let start = Instant::now();
    let root = &flags.path;
    if !root.is_dir() {
        return Err(format!("{}: not a folder", root.display()));
    }
    let pyproject = read_opt(&root.join("pyproject.toml"))?;
    let setup_cfg = read_opt(&root.join("setup.cfg"))?;
    let manifest = read_opt(&root.join("MANIFEST.in"))?;
    let setup_py = if root.join("setup.py").is_file() {
        Some(read_setup_py(&flags.python, &root.join("setup.py"))?)
    } else {
        None
    };
    let tree = FsTree(root);
    let input = Input {
        pyproject: pyproject.as_deref(),
        setup_cfg: setup_cfg.as_deref(),
        setup_py: setup_py.as_ref(),
        manifest_in: manifest.as_deref(),
        tree: &tree,
    };
    let options = Options { remove_old: flags.remove_old, ..Options::default() };
    let mut outcome = cartwheel_migrate::migrate(&input, &options).map_err(|e| e.to_string())?;
    if !outcome.changes() {
        if flags.json {
            print_json(&outcome, false, None, start);
        } else {
            say(&format!(
                "{}: already builds with cartwheel; nothing to do",
                root.join("pyproject.toml").display()
            ));
        }
        return Ok(0);
    }
    if !flags.json {
        for f in &outcome.findings {
            say(&f.to_string());
        }
    }
    let untranslatable = outcome.untranslatable();
    if flags.dry_run {
        if flags.json {
            print_json(&outcome, false, None, start);
        } else {
            say_out(diff(&outcome, root).trim_end());
            say(&summary(&outcome, "would write", flags));
        }
        return Ok(if untranslatable { 1 } else { 0 });
    }
    if untranslatable && !flags.force {
        if flags.json {
            print_json(&outcome, false, None, start);
        } else {
            let n = outcome.findings.iter().filter(|f| f.kind == Kind::Untranslatable).count();
            let items = cartwheel_core::diagnostic::count(n, "item cannot", "items cannot");
            say(&format!(
                "{items} be translated: nothing written (fix them by hand, or --force to write the rest)"
            ));
        }
        return Ok(1);
    }
    if let Some(dirty) = dirty(root) {
        if !flags.force {
            return Err(format!(
                "{}: the git work tree has uncommitted changes ({dirty}); commit or stash them first so that the migration can be reviewed with `git diff` (or --force)",
                root.display()
            ));
        }
    }
    let report = if flags.no_verify {
        None
    } else {
        if !flags.json {
            say(&format!("Verifying: building with {} and with cartwheel ...", outcome.backend.name()));
        }
        let original = migrate_verify::build_original(root, &outcome, &flags.python)?;
        let first = migrate_verify::compare(root, &outcome, &original)?;
        // Files the original sdist holds and cartwheel's does not, though they are in the
        // tree (ignored by a nested .gitignore the old backend did not read, or excluded by
        // cartwheel's defaults): the migration names them in `sdist-include` and checks again.
        let missing = first.missing_from_sdist(root);
        if missing.is_empty() {
            Some(first)
        } else {
            outcome.pyproject = sdist_include(&outcome.pyproject, &missing)?;
            let finding = cartwheel_migrate::Finding {
                kind: Kind::Repaired,
                file: "pyproject.toml".into(),
                line: 0,
                col: 0,
                key: "tool.cartwheel.sdist-include".into(),
                message: format!(
                    "the original sdist also holds {}, which cartwheel's would leave out: added to `sdist-include`",
                    missing.join(", ")
                ),
                fix: String::new(),
            };
            if !flags.json {
                say(&finding.to_string());
                say("Verifying again ...");
            }
            outcome.findings.push(finding);
            Some(migrate_verify::compare(root, &outcome, &original)?)
        }
    };
    let differs = report.as_ref().is_some_and(|r| r.unexplained() > 0);
    if let (Some(r), false) = (&report, flags.json) {
        say(&r.text());
    }
    if differs && !flags.force {
        if flags.json {
            print_json(&outcome, false, report.as_ref(), start);
        } else {
            say("the artifacts differ: nothing written (--force writes anyway)");
        }
        return Ok(1);
    }
    write(root, &outcome)?;
    if flags.json {
        print_json(&outcome, true, report.as_ref(), start);
    } else {
        say(&summary(&outcome, "wrote", flags));
    }
    Ok(if untranslatable || differs { 1 } else { 0 })
}

fn summary(outcome: &Outcome, verb: &str, flags: &Flags) -> String {
    let mut s = format!("Migrated from {}: {verb} pyproject.toml", outcome.backend.name());
    if outcome.setup_cfg.is_some() {
        s.push_str(", setup.cfg");
    }
    for d in &outcome.delete {
        s.push_str(&format!(", removed {d}"));
    }
    if !flags.remove_old && !outcome.unused.is_empty() {
        let list: Vec<String> = outcome.unused.iter().map(|u| u.to_string()).collect();
        s.push_str(&format!("\nNo longer used (kept; --remove-old deletes them): {}", list.join(", ")));
    }
    s
}

fn print_json(outcome: &Outcome, written: bool, report: Option<&Report>, start: Instant) {
    let out = JsonOut {
        backend: outcome.backend.name(),
        changed: outcome.changes(),
        written,
        findings: &outcome.findings,
        unused: outcome.unused.iter().map(|u| u.to_string()).collect(),
        delete: &outcome.delete,
        verification: report,
        seconds: start.elapsed().as_secs_f64(),
        pyproject: &outcome.pyproject,
    };
    say_out(&serde_json::to_string_pretty(&out).unwrap_or_default());
}

/// `text` with `paths` added to `[tool.cartwheel] sdist-include` (anchored at the root).
fn sdist_include(text: &str, paths: &[String]) -> Result<String, String> {
    use toml_edit::{Array, DocumentMut, Item, Table, Value};
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("pyproject.toml: {e}"))?;
    let tool = doc.entry("tool").or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    let cw = tool
        .as_table_like_mut()
        .ok_or("pyproject.toml: `tool` is not a table")?
        .entry("cartwheel")
        .or_insert_with(|| Item::Table(Table::new()));
    let cw = cw.as_table_like_mut().ok_or("pyproject.toml: `tool.cartwheel` is not a table")?;
    let list = cw.entry("sdist-include").or_insert_with(|| Item::Value(Value::Array(Array::new())));
    let arr = list.as_array_mut().ok_or("pyproject.toml: `tool.cartwheel.sdist-include` is not an array")?;
    for p in paths {
        let glob = format!("/{p}");
        if !arr.iter().any(|v| v.as_str() == Some(glob.as_str())) {
            arr.push(glob);
        }
    }
    Ok(doc.to_string())
}

/// The unified diff of every file the migration changes.
pub fn diff(outcome: &Outcome, root: &Path) -> String {
    let mut out = String::new();
    let mut one = |name: &str, old: &str, new: &str| {
        let d = similar::TextDiff::from_lines(old, new);
        let from = if old.is_empty() { "/dev/null".to_string() } else { format!("a/{name}") };
        let to = if new.is_empty() { "/dev/null".to_string() } else { format!("b/{name}") };
        out.push_str(&d.unified_diff().context_radius(3).header(&from, &to).to_string());
    };
    one("pyproject.toml", &outcome.old_pyproject, &outcome.pyproject);
    if let Some(cfg) = &outcome.setup_cfg {
        let old = fs_err::read_to_string(root.join("setup.cfg")).unwrap_or_default();
        one("setup.cfg", &old, cfg);
    }
    for d in &outcome.delete {
        let old = fs_err::read_to_string(root.join(d)).unwrap_or_default();
        one(d, &old, "");
    }
    out
}

/// `git status --porcelain` of the project, when it is in a git work tree and not clean.
fn dirty(root: &Path) -> Option<String> {
    match cartwheel_core::git::run(root, &["status", "--porcelain", "--untracked-files=no", "--", "."]) {
        cartwheel_core::git::Outcome::Ok(s) if !s.trim().is_empty() => {
            let files: Vec<&str> = s.lines().map(|l| l.get(3..).unwrap_or(l)).take(5).collect();
            Some(files.join(", "))
        }
        _ => None,
    }
}

/// setup.py's `setup(...)` literal arguments, read with Python's `ast` (never executed).
fn read_setup_py(python: &str, path: &Path) -> Result<serde_json::Value, String> {
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(cartwheel_migrate::SETUP_PY_READER)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{python}` to read setup.py: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.trim().lines().last().unwrap_or_default().to_string();
        return Err(format!("{}: cannot be read statically: {last}", path.display()));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("{}: reader output: {e}", path.display()))
}

/// Write every changed file, all or none (core's transaction, as `cartwheel bump` writes: a
/// symlinked pyproject.toml is edited where it points), then delete what `--remove-old` removes.
fn write(root: &Path, outcome: &Outcome) -> Result<(), String> {
    use cartwheel_core::version::transaction::{apply, FileEdit};
    let edit = |name: &str, text: &str| {
        let path = root.join(name);
        FileEdit { old: fs_err::read(&path).unwrap_or_default(), new: text.as_bytes().to_vec(), path }
    };
    let mut edits = vec![edit("pyproject.toml", &outcome.pyproject)];
    edits.extend(outcome.setup_cfg.as_deref().map(|cfg| edit("setup.cfg", cfg)));
    apply(&edits).map_err(|e| e.to_string())?;
    for d in &outcome.delete {
        fs_err::remove_file(root.join(d)).map_err(|e| e.to_string())?;
    }
    Ok(())
}
