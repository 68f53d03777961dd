//! Writing several files all or nothing: each new text goes to a temporary file beside its
//! target first; only when every one is written are they renamed into place, and a failure
//! during the renames puts back the original bytes of those already renamed.

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

/// Replace every file's content, or none.
pub fn apply(edits: &[FileEdit]) -> std::io::Result<()> {
    // A symlinked target is edited where it points: renaming onto the link would replace it
    // with a regular file and leave the file it points to unchanged.
    let resolved: Vec<FileEdit> = edits
        .iter()
        .map(|e| Ok(FileEdit { path: real_path(&e.path)?, ..e.clone() }))
        .collect::<std::io::Result<_>>()?;
    let edits = &resolved[..];
    let mut staged = Vec::with_capacity(edits.len());
    for e in edits {
        staged.push(stage(e)?);
    }
    let fail_after: Option<usize> = std::env::var(FAIL_AFTER).ok().and_then(|s| s.parse().ok());
    for (done, (e, temp)) in edits.iter().zip(staged).enumerate() {
        let result = if fail_after == Some(done) {
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
            return Err(rollback(&edits[..done], err));
        }
    }
    Ok(())
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
        std::io::Error::new(err.kind(), format!("cannot write `{}`: {err}", e.path.display()))
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

    #[test]
    fn writes_all_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        std::fs::write(&a, "old a").unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.py");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.py");
        std::os::unix::fs::symlink("real.py", &link).unwrap();
        apply(&[FileEdit { path: link.clone(), old: b"old".to_vec(), new: b"new".to_vec() }]).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn a_failed_rename_restores_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        std::fs::write(&a, "old a").unwrap();
        // The second target is a folder: the rename onto it fails after `a` was replaced.
        let b = dir.path().join("b");
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("keep"), "x").unwrap();
        let edits = [
            FileEdit { path: a.clone(), old: b"old a".to_vec(), new: b"new a".to_vec() },
            FileEdit { path: b.clone(), old: Vec::new(), new: b"new b".to_vec() },
        ];
        let err = apply(&edits).unwrap_err().to_string();
        assert!(err.contains("no file was changed"), "{err}");
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert!(b.is_dir());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    }
}
