//! The single-source version: resolving it and stamping `__version__` into the artifacts.

use crate::diagnostic::Diagnostic;

/// A version that cannot be resolved or stamped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Located problem.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
}

impl Error {
    /// The finding to show the user.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Error::Invalid(d) => (**d).clone(),
        }
    }
}
