//! What killed processes leave behind: temporary files and folders named with the pid of the
//! process that made them (a build's `.part` files, a release's scratch folder). A process that
//! is killed cannot remove its own; the next one removes those whose process is gone.
//!
//! A process that ends at once on its own (a panic: release builds abort instead of unwinding)
//! removes what it is still writing first: each such file or folder is an [`Unfinished`] while
//! it is written, and [`remove_unfinished`] removes them all.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// The temporary files and folders this process is writing (see [`Unfinished`]).
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temporary file or folder being written: listed for [`remove_unfinished`] until dropped.
#[must_use = "the path is listed only while this lives"]
pub struct Unfinished(PathBuf);

impl Unfinished {
    /// List `path` until the returned value is dropped.
    pub fn new(path: &Path) -> Self {
        unfinished().push(path.to_path_buf());
        Self(path.to_path_buf())
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        let mut list = unfinished();
        if let Some(i) = list.iter().rposition(|p| *p == self.0) {
            list.swap_remove(i);
        }
    }
}

/// The list, also after a panic on a thread that held it (the process is ending then).
fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Remove every file and folder still being written (best effort), for a process about to
/// end without running destructors.
pub fn remove_unfinished() {
    for path in std::mem::take(&mut *unfinished()) {
        // Not following links: a temporary entry is ours, never what a link points to.
        let _ = match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(&path),
            Ok(_) => std::fs::remove_file(&path),
            Err(_) => Ok(()),
        };
    }
}

/// Remove the entries of `dir` that `pid_of` names a process for (others are not ours), when
/// that process is not this one, is gone, and the entry is untouched for `min_age`: the age
/// guards a process in another pid namespace (a container) or on another machine (a shared
/// folder), whose pid means nothing here. Best effort: what cannot be removed is left alone.
pub fn sweep(dir: &Path, min_age: Duration, pid_of: impl Fn(&str) -> Option<u32>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(&pid_of) else { continue };
        if pid == std::process::id() || !untouched_for(&entry, min_age) || !process_gone(pid) {
            continue;
        }
        // Not following links: a link is removed, never what it points to.
        let _ = match entry.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(entry.path()),
            _ => std::fs::remove_file(entry.path()),
        };
    }
}

/// Whether `entry` was last written over `age` ago.
fn untouched_for(entry: &std::fs::DirEntry, age: Duration) -> bool {
    let elapsed = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
    elapsed.is_some_and(|a| a > age)
}

/// Whether process `pid` has ended (Linux's process table).
#[cfg(target_os = "linux")]
fn process_gone(pid: u32) -> bool {
    !Path::new(&format!("/proc/{pid}")).exists()
}

/// Without a process table to read, only the age tells: callers give a longer `min_age`.
#[cfg(not(target_os = "linux"))]
fn process_gone(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_old_entries_of_gone_processes_named_by_the_caller_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let age = Duration::from_secs(600);
        let long_ago = std::time::SystemTime::now() - age - Duration::from_secs(60);
        // 4294967 is above Linux's pid_max: no process has it.
        let dead_dir = dir.path().join("x-4294967-a");
        let dead_file = dir.path().join("x-4294967-b");
        let recent = dir.path().join("x-4294967-c");
        let ours = dir.path().join(format!("x-{}-d", std::process::id()));
        let not_ours = dir.path().join("y-4294967-e");
        std::fs::create_dir(&dead_dir).unwrap();
        std::fs::write(dead_dir.join("inside"), "x").unwrap();
        for p in [&dead_file, &recent, &ours, &not_ours] {
            std::fs::write(p, "x").unwrap();
        }
        for p in [&dead_dir, &dead_file, &ours, &not_ours] {
            std::fs::File::open(p).unwrap().set_modified(long_ago).unwrap();
        }
        sweep(dir.path(), age, |n| n.strip_prefix("x-")?.split('-').next()?.parse().ok());
        assert!(!dead_dir.exists() && !dead_file.exists(), "a gone process's old entries go");
        assert!(recent.exists(), "a recent one may belong to a process elsewhere");
        assert!(ours.exists() && not_ours.exists());
        assert!(!process_gone(std::process::id()));
    }

    #[test]
    fn unfinished_entries_are_removed_until_they_are_done() {
        let dir = tempfile::tempdir().unwrap();
        let (file, folder, done) =
            (dir.path().join("a.part"), dir.path().join("b.part"), dir.path().join("c"));
        std::fs::write(&file, "x").unwrap();
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("inside"), "x").unwrap();
        std::fs::write(&done, "x").unwrap();
        let _writing = (Unfinished::new(&file), Unfinished::new(&folder));
        drop(Unfinished::new(&done));
        remove_unfinished();
        assert!(!file.exists() && !folder.exists(), "what is still written goes");
        assert!(done.exists(), "a finished entry stays");
    }
}
