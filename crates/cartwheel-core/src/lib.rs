//! cartwheel-core: pyproject.toml → a typed [`project::Project`] → core metadata, the version
//! and the files of each artifact. Nothing here writes an archive or prints: findings are
//! [`diagnostic::Diagnostic`] values returned to the caller.
//!
//! ```text
//! pyproject.toml ─► pyproject ─► Project ─┬─► metadata ─► Metadata ─► METADATA / PKG-INFO
//!                                         ├─► version  ─► Version + stamps
//!                                         └─► discover ─► file list (wheel, sdist)
//! ```

pub mod changelog;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod fault;
pub mod git;
pub mod leftover;
pub mod metadata;
pub mod names;
pub mod pattern;
pub mod project;
pub mod pyproject;
pub mod record;
pub mod spelling;
pub mod version;

pub use error::{Error, Result};

/// Helpers the unit tests of several modules share.
#[cfg(test)]
pub(crate) mod testing {
    /// A fresh project folder holding `pyproject.toml` = `toml` and `files` (project-relative
    /// path, content).
    pub fn tree<C: AsRef<[u8]>>(toml: &str, files: &[(&str, C)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(dir.path().join("pyproject.toml"), toml).unwrap();
        for (rel, content) in files {
            let path = dir.path().join(rel);
            fs_err::create_dir_all(path.parent().unwrap()).unwrap();
            fs_err::write(path, content).unwrap();
        }
        dir
    }

    /// `text` with the folder `dir` written `<project>`, as no two runs share it.
    pub fn anonymised(text: &str, dir: &std::path::Path) -> String {
        let mut text = text.to_string();
        // Canonical first: it may end with the raw path (`/private/var/...` on macOS).
        if let Ok(canonical) = std::fs::canonicalize(dir) {
            text = text.replace(&canonical.display().to_string(), "<project>");
        }
        text.replace(&dir.display().to_string(), "<project>")
    }

    /// Each rendered message under a `--- label` line, for one snapshot per test.
    pub fn labelled(messages: &[(&str, String)]) -> String {
        messages.iter().map(|(label, text)| format!("--- {label}\n{text}")).collect::<Vec<_>>().join("\n\n")
    }
}
