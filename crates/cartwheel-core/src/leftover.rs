//! What killed processes leave behind: temporary files and folders named with the pid of the
//! process that made them (a build's `.part` files, a release's scratch folder). A process that
//! is killed cannot remove its own; the next one removes those whose process is gone.

use std::path::Path;
use std::time::Duration;

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
}
