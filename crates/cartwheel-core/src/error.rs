//! The one error type of every stage: an I/O failure (naming its path, through fs-err) or a
//! located finding. What else a stage knows about a failure is in the finding.

use crate::diagnostic::Diagnostic;

/// Any failure of a cartwheel operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file system error, naming the path (fs-err).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A located finding (a bad key, a missing module, an escaping symlink, ...).
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
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

impl Error {
    /// The finding to show the user.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Error::Io(e) => Diagnostic::error(e.to_string()),
            Error::Invalid(d) => (**d).clone(),
        }
    }

    /// The finding to show the user (the name the edge has always called).
    pub fn to_diagnostic(&self) -> Diagnostic {
        self.diagnostic()
    }
}

/// Result of every stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
