//! One archive-writer abstraction (zip, tar.gz); reproducibility lives here, once.

/// An archive that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// I/O.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
