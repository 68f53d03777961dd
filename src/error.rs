//! The crate-level error: one variant per module, each rendered as a `Diagnostic` at the edge.

use crate::diagnostic::Diagnostic;

/// Any failure of a cartwheel operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or validating pyproject.toml.
    #[error(transparent)]
    Pyproject(#[from] crate::pyproject::Error),
    /// Building or parsing core metadata.
    #[error(transparent)]
    Metadata(#[from] crate::metadata::Error),
    /// Selecting files.
    #[error(transparent)]
    Discover(#[from] crate::discover::Error),
    /// Resolving or stamping the version.
    #[error(transparent)]
    Version(#[from] crate::version::Error),
    /// Writing an archive.
    #[error(transparent)]
    Archive(#[from] crate::archive::Error),
    /// A located finding from any stage.
    #[error("{0}")]
    Diagnostic(Box<Diagnostic>),
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Diagnostic(Box::new(d))
    }
}

impl Error {
    /// The finding to show the user.
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            Error::Pyproject(e) => e.diagnostic(),
            Error::Metadata(e) => e.diagnostic(),
            Error::Discover(e) => e.diagnostic(),
            Error::Version(e) => e.diagnostic(),
            Error::Archive(e) => Diagnostic::error(e.to_string()),
            Error::Diagnostic(d) => (**d).clone(),
        }
    }
}

/// Crate result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
