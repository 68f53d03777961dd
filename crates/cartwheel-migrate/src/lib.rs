//! `cartwheel migrate`'s translator: a project's build configuration (setuptools, poetry-core,
//! hatchling, flit_core, pdm-backend, uv_build) in, cartwheel's pyproject.toml out.
//!
//! Data in, data out: the caller hands over the files' text (and setup.py's `setup(...)`
//! arguments as JSON, read statically by [`SETUP_PY_READER`]) plus a [`Tree`] to look at the
//! project's folders; the library returns the new pyproject.toml text, the findings (what it
//! could not translate, what it repaired) and the old configuration no longer used. It never
//! prints, reads the environment or executes anything.

mod emit;
pub mod ini;
mod modern;
pub mod poetry;
pub(crate) mod setuptools;
mod src;

use std::collections::BTreeMap;

use serde::Serialize;

pub use emit::Target;
use src::TomlSrc;

/// The project's files, as far as the translator needs to look at them.
pub trait Tree {
    /// The text of a project-relative file, if it exists and is UTF-8.
    fn read(&self, rel: &str) -> Option<String>;
    /// Whether the project-relative path is a folder.
    fn is_dir(&self, rel: &str) -> bool;
    /// Names of the entries of a project-relative folder (`""` is the root), sorted.
    fn list(&self, rel: &str) -> Vec<String>;
}

/// A project held in memory, path → text (folders are implied by the paths): for translating
/// files that are not on disk (tests, fuzzing).
#[derive(Debug, Clone, Default)]
pub struct MemTree(pub BTreeMap<String, String>);

impl MemTree {
    /// The project of these `(path, text)` files.
    pub fn new(files: &[(&str, &str)]) -> Self {
        MemTree(files.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }
}

impl Tree for MemTree {
    fn read(&self, rel: &str) -> Option<String> {
        self.0.get(rel).cloned()
    }
    fn is_dir(&self, rel: &str) -> bool {
        let prefix = format!("{rel}/");
        self.0.keys().any(|k| k.starts_with(&prefix))
    }
    fn list(&self, rel: &str) -> Vec<String> {
        let prefix = crate::src::dir_prefix(rel);
        let mut out: Vec<String> = self
            .0
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(|r| r.split('/').next().unwrap_or_default().to_string())
            .collect();
        out.dedup();
        out
    }
}

/// What the translator is given.
pub struct Input<'a> {
    /// pyproject.toml's text, when the project has one.
    pub pyproject: Option<&'a str>,
    /// setup.cfg's text.
    pub setup_cfg: Option<&'a str>,
    /// setup.py's `setup(...)` arguments as [`SETUP_PY_READER`] prints them.
    pub setup_py: Option<&'a serde_json::Value>,
    /// MANIFEST.in's text.
    pub manifest_in: Option<&'a str>,
    /// The project folder.
    pub tree: &'a dyn Tree,
}

/// How to translate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Delete the old configuration that is no longer used (tables, setup.cfg sections, files).
    pub remove_old: bool,
    /// The requirement written to `[build-system] requires`.
    pub requirement: String,
}

impl Default for Options {
    fn default() -> Self {
        Self { remove_old: false, requirement: "cartwheel>=0.1".into() }
    }
}

/// The build backend a project used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// setuptools (pyproject, setup.cfg or setup.py).
    Setuptools,
    /// poetry-core (`[tool.poetry]`, with or without `[project]`).
    Poetry,
    /// hatchling.
    Hatchling,
    /// flit_core.
    Flit,
    /// pdm-backend.
    Pdm,
    /// uv_build.
    Uv,
    /// Already cartwheel: nothing to do.
    Cartwheel,
}

impl Backend {
    /// The backend's usual name.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Setuptools => "setuptools",
            Backend::Poetry => "poetry-core",
            Backend::Hatchling => "hatchling",
            Backend::Flit => "flit_core",
            Backend::Pdm => "pdm-backend",
            Backend::Uv => "uv_build",
            Backend::Cartwheel => "cartwheel",
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Could not be translated: the user must act (exit 1 unless forced).
    Untranslatable,
    /// Translated, but the meaning may differ slightly, or PyPI will refuse it.
    Warning,
    /// Repaired on the way (a spec violation the old backend accepted).
    Repaired,
    /// Dropped because cartwheel needs nothing for it.
    Note,
}

/// One thing the user should know about, located in the old configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Severity.
    pub kind: Kind,
    /// Project-relative file.
    pub file: String,
    /// 1-based line (0 when the whole file is meant).
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// The key (dotted) or setup() argument.
    pub key: String,
    /// What it means and what happened.
    pub message: String,
    /// What to do by hand (empty when nothing).
    pub fix: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            Kind::Untranslatable => "untranslatable",
            Kind::Warning => "warning",
            Kind::Repaired => "repaired",
            Kind::Note => "note",
        };
        // The key leads unless the message already begins by naming it.
        let key = format!("`{}`", self.key);
        let lead = if self.message.starts_with(&key) { String::new() } else { format!("{key}: ") };
        if self.line > 0 {
            write!(f, "{kind}: {}:{}:{}: {lead}{}", self.file, self.line, self.col, self.message)?;
        } else {
            write!(f, "{kind}: {}: {lead}{}", self.file, self.message)?;
        }
        if !self.fix.is_empty() {
            write!(f, "\n  fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// A piece of old configuration that cartwheel does not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unused {
    /// Project-relative file.
    pub file: String,
    /// `[tool.poetry]`, `[metadata]`, or empty for the whole file.
    pub what: String,
}

impl std::fmt::Display for Unused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.what.is_empty() {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{} {}", self.file, self.what)
        }
    }
}

/// What the translator produced.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The backend the project used.
    pub backend: Backend,
    /// The old pyproject.toml text ("" when there was none).
    pub old_pyproject: String,
    /// The new pyproject.toml text.
    pub pyproject: String,
    /// Findings, most serious first.
    pub findings: Vec<Finding>,
    /// Old configuration no longer used (removed when `remove_old`).
    pub unused: Vec<Unused>,
    /// setup.cfg's new text when `remove_old` keeps some of its sections; `None` leaves it.
    pub setup_cfg: Option<String>,
    /// Project-relative files to delete (`remove_old`).
    pub delete: Vec<String>,
}

impl Outcome {
    /// Whether anything would be written.
    pub fn changes(&self) -> bool {
        self.pyproject != self.old_pyproject || self.setup_cfg.is_some() || !self.delete.is_empty()
    }

    /// Whether an item could not be translated.
    pub fn untranslatable(&self) -> bool {
        self.findings.iter().any(|f| f.kind == Kind::Untranslatable)
    }
}

/// The input cannot be read at all (not a finding about one item).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file does not parse.
    #[error("{file}:{line}:{col}: {message}")]
    Parse {
        /// Project-relative file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What is wrong.
        message: String,
    },
    /// Nothing says how the project is built.
    #[error("{0}")]
    NoProject(String),
}

/// A Python program printing, as JSON on stdout, the literal arguments of the `setup(...)` call
/// in the setup.py file named by `sys.argv[1]`: `{"found": bool, "args": {name: {"value": ...,
/// "line": n, "col": n}}, "computed": {name: {"source": text, "line": n, "col": n}},
/// "star": [...]}`. Reads with `ast` only; never runs setup.py.
pub const SETUP_PY_READER: &str = include_str!("setup_py_reader.py");

/// Translate the project.
pub fn migrate(input: &Input<'_>, options: &Options) -> Result<Outcome, Error> {
    let old = input.pyproject.unwrap_or_default().to_string();
    let py = match input.pyproject {
        Some(text) => Some(TomlSrc::parse("pyproject.toml", text)?),
        None => None,
    };
    let backend = detect(py.as_ref(), input)?;
    if backend == Backend::Cartwheel {
        return Ok(Outcome {
            backend,
            pyproject: old.clone(),
            old_pyproject: old,
            findings: Vec::new(),
            unused: Vec::new(),
            setup_cfg: None,
            delete: Vec::new(),
        });
    }
    let mut target = Target::default();
    match backend {
        Backend::Setuptools => setuptools::translate(py.as_ref(), input, &mut target)?,
        Backend::Poetry => {
            poetry::translate(py.as_ref().expect("poetry needs pyproject"), input.tree, &mut target)
        }
        Backend::Hatchling => modern::hatch(py.as_ref().expect("pyproject"), input.tree, &mut target),
        Backend::Flit => modern::flit(py.as_ref().expect("pyproject"), input.tree, &mut target),
        Backend::Pdm => modern::pdm(py.as_ref().expect("pyproject"), input.tree, &mut target),
        Backend::Uv => modern::uv(py.as_ref().expect("pyproject"), input.tree, &mut target),
        Backend::Cartwheel => unreachable!(),
    }
    if let Some(py) = &py {
        repair_project(py, &mut target);
        carry_check_wheel_contents(py, &mut target);
    }
    // The document already read (and checked by `toml`), to edit in place.
    let doc = py.map_or_else(toml_edit::DocumentMut::new, |p| p.doc.into_mut());
    target.apply(doc, &old, backend, options)
}

fn detect(py: Option<&TomlSrc>, input: &Input<'_>) -> Result<Backend, Error> {
    let backend = py.and_then(|p| p.str_at(&["build-system", "build-backend"]));
    Ok(match backend.as_deref() {
        Some("cartwheel") => Backend::Cartwheel,
        Some(b) if b.starts_with("setuptools") => Backend::Setuptools,
        Some(b) if b.starts_with("poetry") => Backend::Poetry,
        Some(b) if b.starts_with("hatchling") => Backend::Hatchling,
        Some(b) if b.starts_with("flit") => Backend::Flit,
        Some(b) if b.starts_with("pdm") => Backend::Pdm,
        Some("uv_build") => Backend::Uv,
        Some(other) => {
            return Err(Error::NoProject(format!(
                "pyproject.toml: build backend `{other}` is not one migrate reads (setuptools, poetry-core, hatchling, flit_core, pdm-backend, uv_build)"
            )))
        }
        // PEP 517: no backend means setuptools' legacy one.
        None if input.setup_py.is_some() || input.setup_cfg.is_some() => Backend::Setuptools,
        None => return Err(Error::NoProject("no pyproject.toml build backend, setup.py or setup.cfg".into())),
    })
}

/// check-wheel-contents' `ignore` (a list, or one comma-separated string as its CLI takes)
/// becomes `check-ignore`: every build now runs its W0xx checks, and the project already said
/// which warnings it expects. Codes of checks cartwheel does not run (W1xx, W2xx) are left
/// out; the table stays for check-wheel-contents itself.
fn carry_check_wheel_contents(py: &TomlSrc, t: &mut Target) {
    let path = ["tool", "check-wheel-contents", "ignore"];
    let Some(item) = py.get(&path) else { return };
    let codes = match item.as_str() {
        Some(text) => text.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect(),
        None => src::strings(item).unwrap_or_default(),
    };
    let kept: Vec<String> = codes
        .into_iter()
        .filter(|c| cartwheel_core::project::IGNORABLE_CHECKS.contains(&c.as_str()))
        .collect();
    if kept.is_empty() {
        return;
    }
    // One short line, as a user writes it (emit::array breaks lists over lines).
    t.tool("check-ignore", toml_edit::Item::Value(toml_edit::Value::Array(kept.iter().collect())));
}

/// Keys other backends let through in `[project]` that PEP 621 does not define: a URL under
/// such a key becomes a `[project.urls]` entry; anything else is left for the user.
fn repair_project(py: &TomlSrc, t: &mut Target) {
    let Some(project) = py.table(&["project"]) else { return };
    for (key, item) in project.entries() {
        if cartwheel_core::pyproject::PROJECT_FIELDS.contains(&key.as_str()) {
            continue;
        }
        let at = py.get(&["project", key.as_str()]);
        match item.as_str() {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                let mut label: Vec<char> = key.replace(['-', '_'], " ").chars().collect();
                if let Some(first) = label.first_mut() {
                    *first = first.to_ascii_uppercase();
                }
                let label: String = label.into_iter().collect();
                t.find(py.finding(
                    Kind::Repaired,
                    at,
                    &format!("project.{key}"),
                    format!("`{key}` is not a `[project]` key; moved to `[project.urls]` as `{label}`"),
                    "",
                ));
                t.url_repairs.push((key.clone(), label, url.to_string()));
            }
            _ => t.find(py.finding(
                Kind::Untranslatable,
                at,
                &format!("project.{key}"),
                format!("`{key}` is not a `[project]` key (PEP 621); cartwheel refuses unknown keys"),
                "remove it or move it under `[tool.<your tool>]`",
            )),
        }
    }
}
