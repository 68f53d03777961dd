//! Reading pyproject.toml into a typed, validated `Project` (PEP 621 + `[tool.cartwheel]`).
//!
//! Two steps: serde fills the `raw` mirror (TOML types and unknown keys, with spans), then the
//! functions here check every value against the specs and build `Project`. Every finding is one
//! `Diagnostic` pointing at the offending text of pyproject.toml.

mod dependencies;
mod entry_points;
mod fields;
mod import_names;
mod raw;
/// Every key `[project]` accepts.
pub use raw::PROJECT_FIELDS;
mod readme_license;
#[cfg(test)]
mod tests;
mod toml_errors;
mod tool;

use dependencies::*;
use entry_points::*;
use fields::*;
use import_names::*;
use readme_license::*;
use toml_errors::*;

use std::io::ErrorKind;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use indexmap::IndexMap;
use pep440_rs::{Version, VersionSpecifier, VersionSpecifiers};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::names::{is_dotted_identifier, normalize_extra, PackageName};
use crate::project::{Contact, License, Located, Project, Readme};

use raw::{SList, SStr, StringOr};

/// Every stage fails with the one error type.
pub use crate::error::Error;

/// Read and validate `<project_dir>/pyproject.toml`; warnings are pushed to `warnings`.
pub fn load(project_dir: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Project, Error> {
    let path = project_dir.join("pyproject.toml");
    let shown = shown_path(project_dir);
    let bytes = match fs_err::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Diagnostic::error(format!("`{}` not found", shown.display()))
                .help("run cartwheel in the folder holding pyproject.toml, or pass that folder's path")
                .into())
        }
        Err(e) => return Err(Error::Io(e)),
    };
    let root = fs_err::canonicalize(project_dir)?;
    parse(bytes, shown, &root, warnings)
}

/// Validate pyproject.toml's `bytes`, shown as `shown` in diagnostics; files it names (readme,
/// licenses) are looked up under `root`.
pub fn parse(
    bytes: Vec<u8>,
    shown: PathBuf,
    root: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Project, Error> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // Point at the first bad byte in a lossy copy of the text.
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::error("pyproject.toml is not valid UTF-8")
                .help("TOML files must be UTF-8; re-save the file with that encoding");
            return Err(Error::Invalid(Box::new(d.at(&SourceFile::new(shown, lossy), Some(at..at + 1)))));
        }
    };
    let source = SourceFile::new(shown, text.as_str());
    check_toml_10(&source, &text)?;
    let raw: raw::PyProject = toml::from_str(&text).map_err(|e| toml_error(&source, &text, &e))?;
    let mut cx = Cx { source: &source, root, warnings };
    Ok(build(&mut cx, raw)?)
}

/// Refuse what TOML 1.1 allows and 1.0 does not (newlines and trailing commas in inline
/// tables, `\e`, `\xHH`, times without seconds): pip, build and every Python frontend parse
/// pyproject.toml with tomllib (TOML 1.0), so such a file would build here and nowhere else.
fn check_toml_10(source: &SourceFile, text: &str) -> Result<(), Error> {
    if text.starts_with('\u{feff}') {
        // tomllib refuses a byte-order mark; so do pip and build.
        let d = Diagnostic::error("pyproject.toml starts with a UTF-8 byte-order mark")
            .help("save the file as UTF-8 without BOM: pip, build and Python's tomllib cannot read it");
        return Err(Error::Invalid(Box::new(d.at(source, Some(0..3)))));
    }
    let Err(e) = text.parse::<toml10::DocumentMut>() else { return Ok(()) };
    // The parser's message may span lines ("invalid table header" / "duplicate key ...").
    let message = e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(": ");
    let d = if toml::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        Diagnostic::error(format!("invalid TOML 1.0: {message}"))
            .help("this is TOML 1.1 syntax, which pip, build and Python's tomllib cannot read yet")
    } else {
        Diagnostic::error(format!("invalid TOML: {message}"))
    };
    Err(Error::Invalid(Box::new(d.at(source, e.span()))))
}

/// pyproject.toml's path as diagnostics show it: the way the user named the folder, minus a
/// noisy `./`.
fn shown_path(project_dir: &Path) -> PathBuf {
    if project_dir.as_os_str().is_empty() || project_dir == Path::new(".") {
        PathBuf::from("pyproject.toml")
    } else {
        project_dir.join("pyproject.toml")
    }
}

/// What every check needs: the file (for locations), the root (for files the user names) and
/// the warnings sink.
struct Cx<'a> {
    source: &'a SourceFile,
    root: &'a Path,
    warnings: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    fn error(&self, key: &str, span: Range<usize>, message: impl Into<String>) -> Diag {
        Diag::from(Diagnostic::error(message).at(self.source, Some(span)).key(key))
    }

    fn warn(&mut self, key: &str, span: Range<usize>, message: impl Into<String>, help: &str) {
        let mut d = Diagnostic::warning(message).at(self.source, Some(span)).key(key);
        if !help.is_empty() {
            d = d.help(help);
        }
        self.warnings.push(d);
    }
}

/// A boxed error diagnostic: keeps the many `Result`s of this module small.
struct Diag(Box<Diagnostic>);

impl Diag {
    fn help(self, help: impl Into<String>) -> Self {
        Diag(Box::new(self.0.help(help)))
    }
}

impl From<Diagnostic> for Diag {
    fn from(d: Diagnostic) -> Self {
        Diag(Box::new(d))
    }
}

impl From<Diag> for Error {
    fn from(d: Diag) -> Self {
        Error::Invalid(d.0)
    }
}

type Res<T> = Result<T, Diag>;

fn located<T>(value: T, span: Range<usize>) -> Located<T> {
    Located::new(value, Some(span))
}

/// The closest candidate, if it is close enough to be a plausible typo.
///
/// Jaro-Winkler alone misses transpositions in short words (`gti` → `git`), so an edit
/// distance of one also counts.
fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_lowercase();
            let jw = strsim::jaro_winkler(&word, &lc);
            let close = strsim::damerau_levenshtein(&word, &lc) <= 1 && word.len() >= 3;
            (jw >= 0.8 || close).then(|| (jw + strsim::normalized_damerau_levenshtein(&word, &lc), c))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
