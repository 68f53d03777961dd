//! The single-source version: reading it from its source (`source`, `git`), stamping it into
//! the artifacts (`stamp`), and moving it on (`bump`, with `changelog` and `transaction`).

pub mod bump;
pub mod git;
pub mod source;
pub mod stamp;
mod transaction;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep440_rs::Version;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::project::Project;

pub use source::{resolve, Resolved};
pub use stamp::{any_assignment, find_assignment, Stamp, TreeCheck, VersionAssignment};

/// Finish (or drop) a `cartwheel bump` killed midway in `project_dir`, warning what was done;
/// every command that reads the project calls this first, so it never sees half a bump.
pub fn finish_interrupted_bump(project_dir: &Path, warnings: &mut Vec<Diagnostic>) -> Result<(), Error> {
    if let Some(message) = transaction::recover(project_dir)? {
        warnings.push(Diagnostic::warning(message));
    }
    Ok(())
}

/// A version that cannot be resolved, stamped or bumped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file system error, naming the path (fs-err).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Located problem.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
}

impl Error {
    /// The finding to show the user.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Error::Io(e) => Diagnostic::error(e.to_string()),
            Error::Invalid(d) => (**d).clone(),
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Invalid(Box::new(d))
    }
}

impl From<Box<Diagnostic>> for Error {
    fn from(d: Box<Diagnostic>) -> Self {
        Error::Invalid(d)
    }
}

/// A project file's path as diagnostics show it: beside pyproject.toml as that is shown
/// (`src/acme/__init__.py` when run in the project, `proj/src/acme/__init__.py` for `proj`).
pub fn shown_path(project: &Project, rel: &str) -> PathBuf {
    project.source.path.with_file_name(rel)
}

/// Parse a version written at `span` of `file`, warning (at the same place) when PEP 440
/// normalisation changes what the user wrote, since the artifacts carry the normalised form.
pub fn parse_written(
    written: &str,
    file: &SourceFile,
    span: Option<Range<usize>>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Version, Error> {
    let version = Version::from_str(written).map_err(|e| {
        Diagnostic::error(format!("invalid version `{written}`: {e}"))
            .at(file, span.clone())
            .help("use a PEP 440 version such as `1.2.0`, `1.2.0rc1` or `1.2.0.post1`")
    })?;
    let normalized = version.to_string();
    if normalized != written {
        warnings.push(
            Diagnostic::warning(format!("version `{written}` is normalised to `{normalized}`"))
                .at(file, span)
                .help(format!("write `{normalized}`: that is what the artifacts will carry")),
        );
    }
    Ok(version)
}

#[cfg(test)]
mod tests;
