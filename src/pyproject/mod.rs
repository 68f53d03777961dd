//! Reading pyproject.toml into a typed, validated `Project` (PEP 621 + `[tool.cartwheel]`).

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::project::Project;

/// A pyproject.toml that cannot be read or is invalid.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file cannot be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file is invalid; the diagnostic points at the offending text.
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

/// Read and validate `<project_dir>/pyproject.toml`; warnings are pushed to `warnings`.
pub fn load(project_dir: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Project, Error> {
    let _ = (project_dir, warnings);
    todo!("pyproject::load")
}
