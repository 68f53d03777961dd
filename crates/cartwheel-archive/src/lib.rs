//! One archive-writer abstraction with zip and tar.gz implementations.
//!
//! Reproducibility lives here, once: every entry gets the same timestamp (SOURCE_DATE_EPOCH or
//! a fixed date), normalised permissions (644, or 755 when executable), no owner names; the
//! caller decides the order (sorted payload, dist-info last) and the writers keep it.

pub mod deflate;
mod dir;
pub mod gzip;
pub mod inflate;
mod list;
mod output;
mod tar;
mod zip;

use std::io;

pub use self::dir::DirWriter;
pub use self::gzip::ParallelGz;
pub use self::list::{ListWriter, Listed};
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

/// Where a streamed member's bytes come from: a file, read in chunks (and rewound once by the
/// zip writer when deflating did not help).
pub trait Source: io::Read + io::Seek {}

impl<T: io::Read + io::Seek> Source for T {}

/// A member streamed from a file instead of held in memory: the file, its size as listed (an
/// error if it no longer holds that many bytes), and who sees each chunk (a wheel hashes it).
pub struct Streamed<'a> {
    /// Where the bytes come from.
    pub file: &'a mut dyn Source,
    /// How many bytes to take.
    pub size: u64,
    /// Called with every chunk, in order.
    pub observe: &'a mut dyn FnMut(&[u8]),
}

/// One archive being written, members in the order given: a zip, a tar.gz, a folder or a
/// listing. What takes time for a member (a zip's deflate) is [`prepare`](Self::prepare)d on
/// any thread, ahead of the member's turn, from one read of its bytes; [`add`](Self::add) then
/// only appends. That is the one path every member takes (a build streams batches of members:
/// read and prepared in parallel, appended in order), so every writer makes the same bytes
/// whatever the scheduling.
pub trait ArchiveWriter: Send {
    /// What [`prepare`](Self::prepare) needs from the writer, copied to the preparing threads.
    type Settings: Copy + Send + Sync;
    /// A member's bytes made ready to append.
    type Part: Send;
    /// What the finished archive tells its caller.
    type Done;

    /// The settings to prepare members with.
    fn settings(&self) -> Self::Settings;
    /// Ready a member's `data` to be appended (on any thread).
    fn prepare(settings: Self::Settings, data: &[u8]) -> Result<Self::Part, Error>;
    /// Append a regular file: its bytes and what `prepare` made of them.
    fn add(&mut self, path: &str, data: &[u8], part: Self::Part, executable: bool) -> Result<(), Error>;
    /// Append a regular file read in chunks (never held in memory).
    fn add_reader(&mut self, path: &str, executable: bool, from: Streamed<'_>) -> Result<(), Error>;
    /// Append a directory entry (only tar keeps them).
    fn add_directory(&mut self, path: &str) -> Result<(), Error>;
    /// Write trailers and flush.
    fn finish(self) -> Result<Self::Done, Error>;

    /// Prepare and append `data` on this thread (small members: RECORD, tests).
    fn add_file(&mut self, path: &str, data: &[u8], executable: bool) -> Result<(), Error>
    where
        Self: Sized,
    {
        let part = Self::prepare(self.settings(), data)?;
        self.add(path, data, part, executable)
    }
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
