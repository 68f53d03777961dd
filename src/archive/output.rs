//! Artifacts are written to a temporary file beside their final name and renamed into place,
//! so a failed or killed build never leaves a file with an artifact's name.

use std::fs::File;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::Error;

/// A file being written in an output directory; removed unless `persist` is called.
pub struct AtomicOutput {
    temp: NamedTempFile,
    target: PathBuf,
}

impl AtomicOutput {
    /// Start writing `dir/name` (the directory is created when missing).
    pub fn create(dir: &Path, name: &str) -> Result<Self, Error> {
        fs_err::create_dir_all(dir)?;
        let temp =
            tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".part").tempfile_in(dir).map_err(
                |e| {
                    std::io::Error::new(
                        e.kind(),
                        format!("cannot create a temporary file in `{}`: {e}", dir.display()),
                    )
                },
            )?;
        Ok(Self { temp, target: dir.join(name) })
    }

    /// The open file to write into.
    pub fn file(&self) -> Result<File, Error> {
        Ok(self.temp.reopen()?)
    }

    /// The temporary file being written.
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// The final path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Give the file its final name and normal permissions.
    pub fn persist(self) -> Result<PathBuf, Error> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // tempfile creates 0600 files; an artifact should be readable like any other file.
            let _ = fs_err::set_permissions(self.temp.path(), std::fs::Permissions::from_mode(0o644));
        }
        let target = self.target.clone();
        self.temp.persist(&target).map_err(|e| {
            std::io::Error::new(
                e.error.kind(),
                format!("cannot move the artifact to `{}`: {}", target.display(), e.error),
            )
        })?;
        Ok(target)
    }
}
