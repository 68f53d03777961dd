//! The single-source version: reading it from its source (`source`, `git`), stamping it into
//! the artifacts (`stamp`), and moving it on (`bump`, with `changelog` and `transaction`).

pub mod bump;
pub mod git;
pub mod source;
pub mod stamp;
pub mod transaction;

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

/// Every stage fails with the one error type.
pub use crate::error::Error;

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
