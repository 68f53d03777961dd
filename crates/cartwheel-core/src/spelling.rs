//! A file the user names in pyproject.toml, as the file system spells it.
//!
//! On a case-insensitive file system (macOS, Windows) `readme = "readme.md"` opens `README.md`,
//! and the build would package it under the user's spelling; on Linux, where most builds and
//! installs happen, the same project fails. Every named file is therefore held to its on-disk
//! spelling on every system, and a missing one is matched against the names that do exist.

use std::ffi::OsString;
use std::path::Path;

/// How a `/`-separated project-relative path stands on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spelling {
    /// Every part exists under exactly the name written (or the folder could not be listed).
    Exact,
    /// It exists only under other case (a case-insensitive file system opened it): the on-disk
    /// spelling.
    Differs(String),
    /// Nothing is there; the on-disk spelling of a path that differs only in case, if any.
    Missing(Option<String>),
}

/// How `rel` stands under `root`.
pub fn spelling(root: &Path, rel: &str) -> Spelling {
    let list = |dir: &Path| -> Option<Vec<OsString>> {
        Some(fs_err::read_dir(dir).ok()?.filter_map(|e| e.ok().map(|e| e.file_name())).collect())
    };
    spelling_with(root, rel, root.join(rel).exists(), list)
}

/// `spelling`, with the folder listing and the file system's own answer given (the tests play a
/// case-insensitive file system with them).
fn spelling_with(
    root: &Path,
    rel: &str,
    exists: bool,
    list: impl Fn(&Path) -> Option<Vec<OsString>>,
) -> Spelling {
    let mut dir = root.to_path_buf();
    let mut spelled = Vec::new();
    let mut differs = false;
    for part in rel.split('/').filter(|p| !p.is_empty() && *p != ".") {
        let Some(names) = list(&dir) else {
            // An unreadable folder: the file system's answer is all there is.
            return if exists { Spelling::Exact } else { Spelling::Missing(None) };
        };
        let name = if names.iter().any(|n| n == part) {
            part.to_string()
        } else {
            let folded = part.to_lowercase();
            let Some(other) = names.iter().filter_map(|n| n.to_str()).find(|n| n.to_lowercase() == folded)
            else {
                return if exists { Spelling::Exact } else { Spelling::Missing(None) };
            };
            differs = true;
            other.to_string()
        };
        dir.push(&name);
        spelled.push(name);
    }
    match (differs, exists) {
        (false, true) => Spelling::Exact,
        (false, false) => Spelling::Missing(None),
        (true, true) => Spelling::Differs(spelled.join("/")),
        (true, false) => Spelling::Missing(Some(spelled.join("/"))),
    }
}

impl Spelling {
    /// For a path that was found: the message and help when only other case found it.
    pub fn differs(&self, what: &str, rel: &str) -> Option<(String, String)> {
        let Spelling::Differs(on_disk) = self else { return None };
        Some((
            format!("{what} `{rel}` is spelled `{on_disk}` on disk"),
            format!(
                "write `{on_disk}`: file names are case-sensitive on Linux, where `{rel}` does not exist and the build fails"
            ),
        ))
    }

    /// For a path that was not found: the help naming the spelling that exists.
    pub fn missing_help(&self) -> Option<String> {
        match self {
            Spelling::Missing(Some(on_disk)) => {
                Some(format!("did you mean `{on_disk}`? file names are case-sensitive"))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            let path = dir.path().join(f);
            fs_err::create_dir_all(path.parent().unwrap()).unwrap();
            fs_err::write(path, "x").unwrap();
        }
        dir
    }

    #[test]
    fn exact_and_missing_on_this_file_system() {
        let dir = tree(&["README.md", "docs/Intro.rst"]);
        assert_eq!(spelling(dir.path(), "README.md"), Spelling::Exact);
        assert_eq!(spelling(dir.path(), "./docs/Intro.rst"), Spelling::Exact);
        assert_eq!(spelling(dir.path(), "NOTES.md"), Spelling::Missing(None));
        // Linux: the other spelling does not exist, and the one that does is named.
        if !dir.path().join("readme.md").exists() {
            let s = spelling(dir.path(), "readme.md");
            assert_eq!(s, Spelling::Missing(Some("README.md".into())));
            assert_eq!(s.missing_help().unwrap(), "did you mean `README.md`? file names are case-sensitive");
            assert_eq!(
                spelling(dir.path(), "DOCS/intro.rst"),
                Spelling::Missing(Some("docs/Intro.rst".into()))
            );
        }
    }

    #[test]
    fn a_case_insensitive_file_system_opens_the_other_spelling() {
        // What macOS and Windows answer: the path exists, the listing has other case.
        let listing = |dir: &Path| -> Option<Vec<OsString>> {
            Some(match dir.to_str()? {
                "/p" => vec!["README.md".into(), "Docs".into()],
                "/p/Docs" => vec!["intro.rst".into()],
                _ => vec![],
            })
        };
        let root = Path::new("/p");
        let s = spelling_with(root, "readme.md", true, listing);
        assert_eq!(s, Spelling::Differs("README.md".into()));
        assert_eq!(
            s.differs("readme file", "readme.md").unwrap(),
            (
                "readme file `readme.md` is spelled `README.md` on disk".to_string(),
                "write `README.md`: file names are case-sensitive on Linux, where `readme.md` does not exist and the build fails".to_string()
            )
        );
        assert_eq!(
            spelling_with(root, "docs/intro.rst", true, listing),
            Spelling::Differs("Docs/intro.rst".into())
        );
        assert_eq!(spelling_with(root, "Docs/intro.rst", true, listing), Spelling::Exact);
        // An unlistable folder leaves the file system's answer.
        assert_eq!(spelling_with(root, "x/y", true, |_: &Path| None), Spelling::Exact);
    }
}
