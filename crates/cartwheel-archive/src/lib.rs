//! One archive-writer abstraction with zip and tar.gz implementations.
//!
//! Reproducibility lives here, once: every entry gets the same timestamp (SOURCE_DATE_EPOCH or
//! a fixed date), normalised permissions (644, or 755 when executable), no owner names; the
//! caller decides the order (sorted payload, dist-info last) and the writers keep it.

pub mod deflate;
pub mod gzip;
mod output;
mod tar;
mod zip;

use std::io;

pub use self::gzip::ParallelGz;
pub use self::output::AtomicOutput;
pub use self::tar::TarGzWriter;
pub use self::zip::{ZipEntry, ZipWriter};

/// 1980-01-01T00:00:00Z: the oldest time a zip can hold, and the default when
/// SOURCE_DATE_EPOCH is unset, so builds of one tree are byte-identical everywhere.
pub const DEFAULT_EPOCH: u64 = 315_532_800;

/// An archive that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// I/O, naming the path (fs-err).
    #[error(transparent)]
    Io(#[from] io::Error),
    /// SOURCE_DATE_EPOCH is not a whole number of seconds.
    #[error("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got `{0}`")]
    BadEpoch(String),
}

impl From<Error> for cartwheel_core::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io(e) => cartwheel_core::Error::Io(e),
            other => cartwheel_core::diagnostic::Diagnostic::error(other.to_string()).into(),
        }
    }
}

/// The settings that make archives reproducible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reproducible {
    /// Modification time of every entry, seconds since the Unix epoch.
    pub mtime: u64,
}

impl Reproducible {
    /// SOURCE_DATE_EPOCH when set (and not empty), else [`DEFAULT_EPOCH`].
    pub fn from_env() -> Result<Self, Error> {
        match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) if !v.trim().is_empty() => {
                let mtime = v.trim().parse::<u64>().map_err(|_| Error::BadEpoch(v.clone()))?;
                Ok(Self { mtime })
            }
            _ => Ok(Self { mtime: DEFAULT_EPOCH }),
        }
    }

    /// Unix mode for an entry.
    pub fn mode(executable: bool) -> u32 {
        if executable {
            0o755
        } else {
            0o644
        }
    }
}

/// Writes entries, in the order given, into one archive.
pub trait ArchiveWriter {
    /// Add a regular file.
    fn add_file(&mut self, path: &str, data: &[u8], executable: bool) -> Result<(), Error>;
    /// Add a directory entry (tar only needs them for tools that expect them).
    fn add_directory(&mut self, path: &str) -> Result<(), Error>;
    /// Write trailers and flush.
    fn finish(self: Box<Self>) -> Result<(), Error>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_normalised() {
        assert_eq!(Reproducible::mode(false), 0o644);
        assert_eq!(Reproducible::mode(true), 0o755);
    }
}
