//! A listing as an archive: what would be written, member by member, without writing anything
//! (`cartwheel build --dry-run`).

use super::{ArchiveWriter, Error, Streamed};

/// One member as it would be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Path inside the archive (a directory entry ends in `/`).
    pub path: String,
    /// Size in bytes (0 for a directory).
    pub size: u64,
    /// Whether it gets the executable mode.
    pub executable: bool,
}

/// Records the members instead of writing them.
#[derive(Debug, Default)]
pub struct ListWriter {
    listed: Vec<Listed>,
}

impl ListWriter {
    /// An empty listing.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ArchiveWriter for ListWriter {
    type Settings = ();
    type Part = ();
    type Done = Vec<Listed>;

    fn settings(&self) {}

    fn prepare((): (), _data: &[u8]) -> Result<(), Error> {
        Ok(())
    }

    fn add(&mut self, path: &str, data: &[u8], (): (), executable: bool) -> Result<(), Error> {
        self.listed.push(Listed { path: path.to_string(), size: data.len() as u64, executable });
        Ok(())
    }

    fn add_reader(&mut self, path: &str, executable: bool, from: Streamed<'_>) -> Result<(), Error> {
        let size = from.size;
        // A listing of a large file needs its size, which the caller knows: it is not read.
        self.listed.push(Listed { path: path.to_string(), size, executable });
        Ok(())
    }

    fn add_directory(&mut self, path: &str) -> Result<(), Error> {
        let path = format!("{}/", path.trim_end_matches('/'));
        self.listed.push(Listed { path, size: 0, executable: false });
        Ok(())
    }

    fn finish(self) -> Result<Vec<Listed>, Error> {
        Ok(self.listed)
    }
}
