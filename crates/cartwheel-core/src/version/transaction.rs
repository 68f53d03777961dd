//! Writing several files all or nothing: each new text goes to a temporary file beside its
//! target first; only when every one is written are they renamed into place, and a failure
//! during the renames puts back the original bytes of those already renamed.
//!
//! A process killed between two renames cannot put anything back, so a recorded change
//! ([`apply_recorded`], what `cartwheel bump` uses) first writes a journal in the project
//! folder: every file's new bytes and the hash of its old ones. The next cartwheel command on
//! the project ([`recover`]) finds it and finishes the change, or drops it when no file had
//! changed yet, and says so; each single file is always whole, old or new (renames).

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// One file to replace.
#[derive(Debug, Clone)]
pub struct FileEdit {
    /// Absolute path.
    pub path: PathBuf,
    /// The bytes it holds now (restored on failure).
    pub old: Vec<u8>,
    /// The bytes it gets.
    pub new: Vec<u8>,
}

/// Test-only fault injection: fail after this many renames. Not a user-facing option; the
/// all-or-nothing promise cannot be tested without a failure between two renames.
const FAIL_AFTER: &str = "CARTWHEEL_TEST_FAIL_BUMP_AFTER";

/// Test-only: abort the process (as a kill would, nothing cleaned up) after this many renames.
const KILL_AFTER: &str = "CARTWHEEL_TEST_KILL_BUMP_AFTER";

/// Test-only: sleep this many milliseconds before each rename, so that a kill at a random
/// moment lands between renames.
const PAUSE_MS: &str = "CARTWHEEL_TEST_BUMP_PAUSE_MS";

/// The journal of a recorded change in progress, in the project folder.
pub const JOURNAL: &str = ".cartwheel-bump.json";

/// What the journal holds.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Journal {
    /// What the change was (`1.2.3 → 1.3.0`), for the message that finishes it.
    change: String,
    files: Vec<JournalFile>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct JournalFile {
    path: PathBuf,
    /// sha256 of the bytes before the change, hex.
    old_sha256: String,
    /// The bytes after it, base64.
    new: String,
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// Replace every file's content, or none; a kill midway is finished (or dropped) by the next
/// [`recover`] in `dir`. `change` names the change in the message that does so.
pub fn apply_recorded(dir: &Path, change: &str, edits: &[FileEdit]) -> std::io::Result<()> {
    apply_inner(edits, Some((dir, change)))
}

/// Replace every file's content, or none.
pub fn apply(edits: &[FileEdit]) -> std::io::Result<()> {
    apply_inner(edits, None)
}

fn apply_inner(edits: &[FileEdit], record: Option<(&Path, &str)>) -> std::io::Result<()> {
    // A symlinked target is edited where it points: renaming onto the link would replace it
    // with a regular file and leave the file it points to unchanged.
    let resolved: Vec<FileEdit> = edits
        .iter()
        .map(|e| Ok(FileEdit { path: real_path(&e.path)?, ..e.clone() }))
        .collect::<std::io::Result<_>>()?;
    let edits = &resolved[..];
    let journal = match record {
        Some((dir, change)) if !edits.is_empty() => Some(write_journal(dir, change, edits)?),
        _ => None,
    };
    let mut staged = Vec::with_capacity(edits.len());
    for e in edits {
        match stage(e) {
            Ok(t) => staged.push(t),
            Err(err) => {
                drop_journal(journal.as_deref());
                return Err(err);
            }
        }
    }
    let test_var = |name: &str| -> Option<u64> { std::env::var(name).ok().and_then(|s| s.parse().ok()) };
    let fail_after = test_var(FAIL_AFTER);
    let kill_after = test_var(KILL_AFTER);
    let pause = test_var(PAUSE_MS).map(std::time::Duration::from_millis);
    for (done, (e, temp)) in edits.iter().zip(staged).enumerate() {
        if kill_after == Some(done as u64) {
            std::process::abort();
        }
        if let Some(p) = pause {
            std::thread::sleep(p);
        }
        let result = if fail_after == Some(done as u64) {
            Err(std::io::Error::other(format!(
                "injected failure before renaming `{}` ({FAIL_AFTER})",
                e.path.display()
            )))
        } else {
            temp.persist(&e.path).map(drop).map_err(|err| {
                std::io::Error::new(
                    err.error.kind(),
                    format!("cannot replace `{}`: {}", e.path.display(), err.error),
                )
            })
        };
        if let Err(err) = result {
            let err = rollback(&edits[..done], err);
            drop_journal(journal.as_deref());
            return Err(err);
        }
    }
    if kill_after == Some(edits.len() as u64) {
        std::process::abort();
    }
    drop_journal(journal.as_deref());
    Ok(())
}

/// Write the journal of `edits` (temporary file, then rename: it is whole or absent).
fn write_journal(dir: &Path, change: &str, edits: &[FileEdit]) -> std::io::Result<PathBuf> {
    use base64::Engine;
    let journal = Journal {
        change: change.to_string(),
        files: edits
            .iter()
            .map(|e| JournalFile {
                path: e.path.clone(),
                old_sha256: sha256_hex(&e.old),
                new: base64::engine::general_purpose::STANDARD.encode(&e.new),
            })
            .collect(),
    };
    let path = dir.join(JOURNAL);
    let text = serde_json::to_vec_pretty(&journal).map_err(std::io::Error::other)?;
    let entry = FileEdit { path: path.clone(), old: Vec::new(), new: text };
    stage(&entry)?.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

fn drop_journal(path: Option<&Path>) {
    if let Some(p) = path {
        let _ = std::fs::remove_file(p);
    }
}

/// Finish or drop a recorded change a killed process left in `dir`; returns what was done,
/// for the user, or `None` when there was nothing to do. A file that holds neither its old
/// nor its new bytes (edited since) is an error, and the journal is kept for the user.
pub fn recover(dir: &Path) -> std::io::Result<Option<String>> {
    use base64::Engine;
    let path = dir.join(JOURNAL);
    // A kill while the journal itself was written leaves only its temporary file.
    remove_temporaries(&path);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(std::io::Error::new(e.kind(), format!("cannot read `{}`: {e}", path.display())))
        }
    };
    let bad = |why: String| std::io::Error::other(format!("`{}` {why}", path.display()));
    let journal: Journal =
        serde_json::from_slice(&text).map_err(|e| bad(format!("is not a cartwheel bump journal: {e}")))?;
    let mut pending = Vec::new();
    let mut done = 0;
    for f in &journal.files {
        let new = base64::engine::general_purpose::STANDARD
            .decode(&f.new)
            .map_err(|e| bad(format!("is not a cartwheel bump journal: {e}")))?;
        remove_temporaries(&f.path);
        let now = std::fs::read(&f.path).unwrap_or_default();
        if now == new {
            done += 1;
        } else if sha256_hex(&now) == f.old_sha256 {
            pending.push(FileEdit { path: f.path.clone(), old: now, new });
        } else {
            return Err(bad(format!(
                "records an interrupted `cartwheel bump` ({}), but `{}` has changed since: it holds neither \
                 the old nor the new text; finish the bump by hand and delete the journal",
                journal.change,
                f.path.display()
            )));
        }
    }
    let message = if done == 0 {
        format!(
            "an interrupted `cartwheel bump` ({}) had not changed any file yet: there is nothing to undo",
            journal.change
        )
    } else {
        apply(&pending)?;
        let names: Vec<String> = pending.iter().map(|e| format!("`{}`", e.path.display())).collect();
        format!(
            "finished an interrupted `cartwheel bump` ({}): wrote {}",
            journal.change,
            if names.is_empty() {
                "nothing more (every file was written)".to_string()
            } else {
                names.join(", ")
            }
        )
    };
    std::fs::remove_file(&path)?;
    Ok(Some(message))
}

/// Remove the temporary files a killed [`stage`] left beside `path`.
fn remove_temporaries(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else { return };
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let n = entry.file_name();
        let Some(rest) = n.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        // tempfile's six random characters between the prefix and the suffix.
        if rest.len() == 6 + ".tmp".len() && rest.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The file `path` names: itself, or where it points when it is a symlink.
pub fn real_path(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs_err::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

/// Write `e.new` to a temporary file beside `e.path`, with `e.path`'s permissions.
fn stage(e: &FileEdit) -> std::io::Result<NamedTempFile> {
    let dir = e.path.parent().unwrap_or(std::path::Path::new("."));
    let name = e.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let wrap = |err: std::io::Error| {
        // tempfile's error names the temporary file too (`... at path ".x.md.AbC12.tmp"`; its
        // error type is private): the system's reason alone, about the file the user knows.
        let text = err.to_string();
        let reason = text.rsplit_once(" at path \"").map_or(text.as_str(), |(reason, _)| reason);
        std::io::Error::new(err.kind(), format!("cannot write `{}`: {reason}", e.path.display()))
    };
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(wrap)?;
    temp.write_all(&e.new).map_err(wrap)?;
    temp.as_file().sync_all().map_err(wrap)?;
    if let Ok(meta) = std::fs::metadata(&e.path) {
        temp.as_file().set_permissions(meta.permissions()).map_err(wrap)?;
    }
    Ok(temp)
}

/// Put back the original bytes of the files already replaced; the error says whether that
/// worked, since a file left half-bumped must be named.
fn rollback(done: &[FileEdit], cause: std::io::Error) -> std::io::Error {
    let failed: Vec<String> = done
        .iter()
        .filter(|e| {
            let back = FileEdit { path: e.path.clone(), old: e.new.clone(), new: e.old.clone() };
            stage(&back).and_then(|t| t.persist(&e.path).map(drop).map_err(|err| err.error)).is_err()
        })
        .map(|e| e.path.display().to_string())
        .collect();
    let state = if failed.is_empty() {
        "no file was changed".to_string()
    } else {
        format!("these files could not be restored and hold the new version: {}", failed.join(", "))
    };
    std::io::Error::new(cause.kind(), format!("{cause}; {state}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::anonymised;

    /// A fresh folder holding `name` with `text`, and that file's path.
    fn with_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn writes_all_and_keeps_permissions() {
        let (dir, a) = with_file("a.txt", "old a");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let edits = [FileEdit { path: a.clone(), old: b"old a".to_vec(), new: b"new a".to_vec() }];
        apply(&edits).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&a).unwrap().permissions().mode() & 0o777, 0o640);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_target_is_edited_where_it_points() {
        let (dir, real) = with_file("real.py", "old");
        let link = dir.path().join("link.py");
        std::os::unix::fs::symlink("real.py", &link).unwrap();
        apply(&[FileEdit { path: link.clone(), old: b"old".to_vec(), new: b"new".to_vec() }]).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }

    /// Two files and the journal of changing both, as a kill after `renamed` renames leaves them.
    fn killed_after(renamed: usize) -> (tempfile::TempDir, Vec<FileEdit>) {
        let dir = tempfile::tempdir().unwrap();
        let edits: Vec<FileEdit> = ["a.txt", "b.txt"]
            .iter()
            .map(|n| FileEdit {
                path: dir.path().join(n),
                old: format!("old {n}").into(),
                new: format!("new {n}").into(),
            })
            .collect();
        for (i, e) in edits.iter().enumerate() {
            std::fs::write(&e.path, if i < renamed { &e.new } else { &e.old }).unwrap();
        }
        write_journal(dir.path(), "1.0 → 2.0", &edits).unwrap();
        // A temporary file the killed process had staged.
        std::fs::write(dir.path().join(".b.txt.Ab3dE9.tmp"), "new b.txt").unwrap();
        std::fs::write(dir.path().join(format!(".{JOURNAL}.xY7pQ2.tmp")), "{").unwrap();
        (dir, edits)
    }

    #[test]
    fn a_change_killed_midway_is_finished_by_the_next_command() {
        let (dir, edits) = killed_after(1);
        let message = recover(dir.path()).unwrap().unwrap();
        assert_eq!(
            message,
            format!(
                "finished an interrupted `cartwheel bump` (1.0 → 2.0): wrote `{}`",
                edits[1].path.display()
            )
        );
        for e in &edits {
            assert_eq!(std::fs::read(&e.path).unwrap(), e.new);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no journal, no temporary file");
        assert_eq!(recover(dir.path()).unwrap(), None);
    }

    #[test]
    fn a_change_killed_before_any_rename_is_dropped() {
        let (dir, edits) = killed_after(0);
        let message = recover(dir.path()).unwrap().unwrap();
        assert_eq!(
            message,
            "an interrupted `cartwheel bump` (1.0 → 2.0) had not changed any file yet: there is nothing to undo"
        );
        for e in &edits {
            assert_eq!(std::fs::read(&e.path).unwrap(), e.old);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_file_edited_since_the_kill_is_not_overwritten() {
        let (dir, edits) = killed_after(1);
        std::fs::write(&edits[1].path, "edited by hand").unwrap();
        let err = recover(dir.path()).unwrap_err().to_string();
        assert_eq!(
            anonymised(&err, dir.path()),
            "`<project>/.cartwheel-bump.json` records an interrupted `cartwheel bump` (1.0 → 2.0), but \
             `<project>/b.txt` has changed since: it holds neither the old nor the new text; finish the bump \
             by hand and delete the journal"
        );
        assert_eq!(std::fs::read(&edits[1].path).unwrap(), b"edited by hand");
        assert!(dir.path().join(JOURNAL).exists(), "the journal is kept for the user");
    }

    #[test]
    fn a_failed_rename_restores_the_others() {
        let (dir, a) = with_file("a.txt", "old a");
        // The second target is a folder: the rename onto it fails after `a` was replaced.
        let b = dir.path().join("b");
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("keep"), "x").unwrap();
        let edits = [
            FileEdit { path: a.clone(), old: b"old a".to_vec(), new: b"new a".to_vec() },
            FileEdit { path: b.clone(), old: Vec::new(), new: b"new b".to_vec() },
        ];
        let err = apply(&edits).unwrap_err().to_string();
        // The OS's words for the failed rename ("Is a directory (os error 21)" on Linux) vary by
        // platform: only cartwheel's own are compared.
        let err = anonymised(&err, dir.path());
        let (before, rest) = err.split_once("`: ").unwrap();
        let (_os, after) = rest.split_once("; ").unwrap();
        assert_eq!(
            format!("{before}`: <OS error>; {after}"),
            "cannot replace `<project>/b`: <OS error>; no file was changed"
        );
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert!(b.is_dir());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    }
}
