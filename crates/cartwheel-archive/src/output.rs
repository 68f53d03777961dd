//! Artifacts are written to a temporary file beside their final name and renamed into place,
//! so a failed or killed build never leaves a file with an artifact's name.
//!
//! Temporary names are `.<artifact>.<pid>.<random>.part`: unique per process and thread, hidden,
//! and clearly not artifacts. A killed build cannot remove its own; the next build of the same
//! artifact into the same folder removes those whose process is gone (see [`remove_stale`]).

use std::fs::File;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::Error;

/// A file being written in an output directory; removed unless `persist` is called.
pub struct AtomicOutput {
    temp: NamedTempFile,
    target: PathBuf,
    /// Lists the temporary file for a process that ends without unwinding (a panic).
    _unfinished: cartwheel_core::leftover::Unfinished,
}

impl AtomicOutput {
    /// Start writing `dir/name` (the directory is created when missing).
    pub fn create(dir: &Path, name: &str) -> Result<Self, Error> {
        fs_err::create_dir_all(dir)?;
        remove_stale(dir, name);
        let prefix = format!(".{name}.{}.", std::process::id());
        let temp =
            tempfile::Builder::new().prefix(&prefix).suffix(".part").tempfile_in(dir).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot create a temporary file in `{}`: {e}", dir.display()),
                )
            })?;
        let _unfinished = cartwheel_core::leftover::Unfinished::new(temp.path());
        Ok(Self { temp, target: dir.join(name), _unfinished })
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

/// A temporary file is left alone until it is this old, even when its process is gone: the
/// process may run in another pid namespace (a container) or on another machine (a shared
/// folder), where its pid means nothing here.
#[cfg(target_os = "linux")]
const STALE_AGE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Where the process table cannot be read (not Linux), a temporary file is stale when no live
/// build could have left it untouched so long.
#[cfg(not(target_os = "linux"))]
const STALE_AGE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Remove the temporary files of `name` left in `dir` by builds that were killed: those whose
/// process no longer runs, untouched for [`STALE_AGE`].
fn remove_stale(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    cartwheel_core::leftover::sweep(dir, STALE_AGE, |file_name| {
        let rest = file_name.strip_prefix(&prefix)?.strip_suffix(".part")?;
        rest.split('.').next()?.parse().ok()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_of_dead_builds_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let name = "a-1.0-py3-none-any.whl";
        // A pid no process has (above Linux's pid_max), ours, and another artifact's.
        let dead = dir.path().join(format!(".{name}.4294967.abc123.part"));
        let recent = dir.path().join(format!(".{name}.4294967.def456.part"));
        let other = dir.path().join(".b-1.0.tar.gz.4294967.abc123.part");
        let long_ago = std::time::SystemTime::now() - STALE_AGE - std::time::Duration::from_secs(60);
        for path in [&dead, &recent, &other] {
            let f = File::create(path).unwrap();
            if path != &recent {
                f.set_modified(long_ago).unwrap();
            }
        }
        let live = AtomicOutput::create(dir.path(), name).unwrap();
        let live_name = live.path().file_name().unwrap().to_string_lossy().into_owned();
        assert!(live_name.starts_with(&format!(".{name}.{}.", std::process::id())), "{live_name}");
        assert!(live_name.ends_with(".part"), "{live_name}");
        assert!(!dead.exists(), "the dead build's file is removed");
        assert!(recent.exists(), "a recent one may belong to a build elsewhere");
        assert!(other.exists(), "another artifact's files are left alone");
        // A second build of the same artifact while the first runs keeps the first's file.
        let second = AtomicOutput::create(dir.path(), name).unwrap();
        assert!(live.path().exists() && second.path().exists());
        assert_ne!(live.path(), second.path());
        let target = second.persist().unwrap();
        assert_eq!(target, dir.path().join(name));
        drop(live);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 3, "{left:?}");
    }
}
