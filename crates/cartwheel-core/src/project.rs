//! `Project`: the validated, typed input every later stage reads.
//!
//! Built by `pyproject::load`; nothing downstream touches TOML again. Values the user wrote
//! keep their span (`Located`) so later stages (discover, version stamping) can point at them.

use std::ops::Range;
use std::path::PathBuf;

use indexmap::IndexMap;
use pep440_rs::Version;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::names::{ModuleName, PackageName};

/// A value with the byte span (in pyproject.toml) it came from, when it came from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Byte range in `Project::source`, if the value was written by the user.
    pub span: Option<Range<usize>>,
}

impl<T> Located<T> {
    /// A value and its span.
    pub fn new(value: T, span: Option<Range<usize>>) -> Self {
        Self { value, span }
    }
}

/// `name` and/or `email` of an author or maintainer (PEP 621).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// Display name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// The long description, read and typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readme {
    /// Content, decoded as UTF-8.
    pub text: String,
    /// Full content type, e.g. `text/markdown; charset=UTF-8`.
    pub content_type: String,
    /// Project-relative path (`/` separated) when it came from a file.
    pub path: Option<String>,
}

/// `project.license`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum License {
    /// PEP 639 SPDX expression, validated and case-normalised.
    Spdx(String),
    /// Legacy table form (`{text = ...}` or `{file = ...}` read): becomes the `License` field.
    Text(String),
}

/// Where the version comes from (`[tool.cartwheel.version] source`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSource {
    /// `project.version`.
    Pyproject,
    /// The top-level `__version__` string literal of the module.
    Module,
    /// Newest git tag.
    Git {
        /// Override for the tag pattern.
        tag_pattern: Option<Located<String>>,
        /// The version when git cannot give one (no repository, no commit, no tag, a shallow
        /// clone): hatch-vcs' `fallback-version`, setuptools-scm's `fallback_version`.
        fallback: Option<Located<Version>>,
    },
    /// A file, optionally with a regex having a `version` group.
    File {
        /// Project-relative path.
        path: Located<String>,
        /// Regex with a named group `version`.
        pattern: Option<Located<String>>,
    },
}

/// `[tool.cartwheel] check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CheckLevel {
    /// Findings fail the build.
    #[default]
    Error,
    /// Findings are printed, the build goes on.
    Warn,
    /// No check.
    Off,
}

impl CheckLevel {
    /// The values `[tool.cartwheel] check` and the `check` config setting take.
    pub const CHOICES: [&'static str; 3] = ["error", "warn", "off"];

    /// The level a setting's text names, if any.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "error" => Some(CheckLevel::Error),
            "warn" => Some(CheckLevel::Warn),
            "off" => Some(CheckLevel::Off),
            _ => None,
        }
    }
}

/// The `cartwheel check` codes that are warnings (docs/check.md): what `[tool.cartwheel]
/// check-ignore` and `cartwheel check --ignore` may name. Errors are never waved through: they
/// are what PyPI, pip or twine refuse. cartwheel-check's tests keep this list and docs/check.md
/// equal.
pub const IGNORABLE_CHECKS: [&str; 18] = [
    "A004", "D001", "D002", "M008", "S004", "S005", "T004", "T005", "W001", "W002", "W003", "W004", "W005",
    "W006", "W007", "W008", "W009", "W010",
];

/// Why `code` cannot be ignored and what to do instead (`None`: it can be).
pub fn unignorable(code: &str) -> Option<(String, String)> {
    if IGNORABLE_CHECKS.contains(&code) {
        return None;
    }
    let is_code = code.len() == 4
        && code.as_bytes()[0].is_ascii_uppercase()
        && code.as_bytes()[1..].iter().all(u8::is_ascii_digit);
    if is_code {
        return Some((
            format!("`{code}` is not a warning of `cartwheel check`: only warnings can be ignored"),
            "errors are what PyPI, pip or twine refuse; `check = \"warn\"` builds anyway".to_string(),
        ));
    }
    let upper = code.to_ascii_uppercase();
    let help = if IGNORABLE_CHECKS.contains(&upper.as_str()) {
        format!("did you mean \"{upper}\"?")
    } else {
        format!("the warnings' codes: {}", IGNORABLE_CHECKS.join(", "))
    };
    Some((format!("`{code}` is not a code of `cartwheel check`"), help))
}

/// The `.data/` schemes of a wheel (the first segment of a `[tool.cartwheel] data`
/// destination).
pub const DATA_SCHEMES: &[&str] = &["scripts", "data", "headers", "purelib", "platlib"];

/// `[tool.cartwheel.version]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionConfig {
    /// Where the version lives.
    pub source: VersionSource,
    /// Explicit stamp targets (project-relative); `None` = the default (`<module>/__init__.py`
    /// when it assigns a string literal to `__version__`); `Some(vec![])` = stamping off.
    pub stamp: Option<Vec<Located<String>>>,
    /// Changelog file for `cartwheel bump`.
    pub changelog: Option<Located<String>>,
    /// The key that chose `source`, and its span, for errors about the source: `source` as
    /// written, else `"version"` in `project.dynamic` (module) or `project.version`.
    pub chosen_by: Located<&'static str>,
}

impl Default for VersionConfig {
    fn default() -> Self {
        Self {
            source: VersionSource::Pyproject,
            stamp: None,
            changelog: None,
            chosen_by: Located::new("project.version", None),
        }
    }
}

/// `[tool.cartwheel]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ToolConfig {
    /// Import names of the top-level modules (dotted for a namespace sub-package);
    /// `None` = the normalised project name.
    pub module: Option<Vec<Located<ModuleName>>>,
    /// Folder holding the module(s); `None` = `src` if `src/<module>` exists, else `.`.
    pub source: Option<Located<String>>,
    /// Globs added to both artifacts.
    pub include: Vec<Located<String>>,
    /// Globs removed from both artifacts.
    pub exclude: Vec<Located<String>>,
    /// Globs removed from the wheel only.
    pub wheel_exclude: Vec<Located<String>>,
    /// Globs added to the sdist only.
    pub sdist_include: Vec<Located<String>>,
    /// Globs removed from the sdist only.
    pub sdist_exclude: Vec<Located<String>>,
    /// Source path → destination under `.data/` (first segment is the scheme; a trailing `/`
    /// makes the destination a folder).
    pub data: Vec<(Located<String>, Located<String>)>,
    /// Build-time check level.
    pub check: CheckLevel,
    /// `check-ignore`: warning codes the build-time check and `cartwheel release` drop.
    pub check_ignore: Vec<Located<String>>,
    /// `[tool.cartwheel.version]`.
    pub version: VersionConfig,
    /// `[tool.cartwheel.release]`.
    pub release: ReleaseConfig,
}

impl ToolConfig {
    /// The `check-ignore` codes, as `cartwheel check`'s options take them.
    pub fn check_ignore_codes(&self) -> Vec<String> {
        self.check_ignore.iter().map(|c| c.value.clone()).collect()
    }
}

/// `[tool.cartwheel.release]`: read by `cartwheel release` only (a build accepts and ignores it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReleaseConfig {
    /// Shell commands run in the project root before anything changes; the first failure stops.
    pub checks: Vec<Located<String>>,
    /// Interpreters for the smoke tests: versions (`3.9`) or paths.
    pub python: Vec<Located<String>>,
}

/// A validated pyproject.toml.
#[derive(Debug, Clone)]
pub struct Project {
    /// Absolute project root (the folder holding pyproject.toml).
    pub root: PathBuf,
    /// pyproject.toml's path and text, for diagnostics.
    pub source: SourceFile,
    /// `project.name` as written (for the `Name` field).
    pub name: Located<String>,
    /// Normalised name.
    pub normalized_name: PackageName,
    /// The version, `None` when dynamic (resolved by `version`).
    pub version: Option<Located<Version>>,
    /// `project.description`.
    pub description: Option<String>,
    /// `project.readme`, read.
    pub readme: Option<Readme>,
    /// `project.requires-python`, normalised.
    pub requires_python: Option<String>,
    /// `project.license`.
    pub license: Option<Located<License>>,
    /// `project.license-files` globs; `None` = the conventional names.
    pub license_files: Option<Vec<Located<String>>>,
    /// `project.authors`.
    pub authors: Vec<Contact>,
    /// `project.maintainers`.
    pub maintainers: Vec<Contact>,
    /// `project.keywords`.
    pub keywords: Vec<String>,
    /// `project.classifiers`.
    pub classifiers: Vec<String>,
    /// `project.urls`, in order.
    pub urls: IndexMap<String, String>,
    /// `project.dependencies`, each a normalised PEP 508 string.
    pub dependencies: Vec<String>,
    /// `project.optional-dependencies`: normalised extra → PEP 508 strings, in order.
    pub optional_dependencies: IndexMap<String, Vec<String>>,
    /// `project.scripts`.
    pub scripts: IndexMap<String, String>,
    /// `project.gui-scripts`.
    pub gui_scripts: IndexMap<String, String>,
    /// `project.entry-points`: group → (name → object reference).
    pub entry_points: IndexMap<String, IndexMap<String, String>>,
    /// `project.import-names` (PEP 794) as `Import-Name` values (`name` or `name; private`);
    /// `None` when not written, `Some([])` when the project provides no import names.
    pub import_names: Option<Vec<Located<String>>>,
    /// `project.import-namespaces` (PEP 794) as `Import-Namespace` values.
    pub import_namespaces: Vec<Located<String>>,
    /// `project.dynamic`, as written (lower-case field names).
    pub dynamic: Vec<String>,
    /// `[tool.cartwheel]`.
    pub tool: ToolConfig,
}

#[cfg(test)]
impl Project {
    /// A project with a name and nothing else (no version, no table but `[project]`): what
    /// unit tests start from, setting the fields they are about.
    pub(crate) fn named(root: PathBuf, source: SourceFile, name: Located<String>) -> Project {
        Project {
            root,
            source,
            normalized_name: PackageName::new(&name.value).unwrap(),
            name,
            version: None,
            description: None,
            readme: None,
            requires_python: None,
            license: None,
            license_files: None,
            authors: Vec::new(),
            maintainers: Vec::new(),
            keywords: Vec::new(),
            classifiers: Vec::new(),
            urls: IndexMap::new(),
            dependencies: Vec::new(),
            optional_dependencies: IndexMap::new(),
            scripts: IndexMap::new(),
            gui_scripts: IndexMap::new(),
            entry_points: IndexMap::new(),
            import_names: None,
            import_namespaces: Vec::new(),
            dynamic: Vec::new(),
            tool: ToolConfig::default(),
        }
    }
}

impl Project {
    /// An error pointing at a span of pyproject.toml.
    pub fn error_at(&self, message: impl Into<String>, span: Option<Range<usize>>) -> Diagnostic {
        Diagnostic::error(message).at(&self.source, span)
    }

    /// An error about the value of `key` that the user wrote at `at`.
    pub fn error_in<T>(&self, key: &str, at: &Located<T>, message: impl Into<String>) -> Diagnostic {
        self.error_at(message, at.span.clone()).key(key)
    }

    /// An error about the version source, pointing at the key that chose it.
    pub fn version_source_error(&self, message: impl Into<String>) -> Diagnostic {
        let by = &self.tool.version.chosen_by;
        self.error_at(message, by.span.clone()).key(by.value)
    }
}
