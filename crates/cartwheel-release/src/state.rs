//! The release's state under `.git/cartwheel-release/`: what a killed or failed run left, so
//! the next run undoes it (before the first upload) or goes on with it (after).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How far a release got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Bumping, building, checking, smoke testing: everything can still be undone.
    Local,
    /// The first upload started: an index never takes a file back, so only going on is left.
    Sent,
}

/// One built file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// File name.
    pub name: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// What `.git/cartwheel-release/state.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The project's name as written.
    pub name: String,
    /// The version being released.
    pub version: String,
    /// The annotated tag.
    pub tag: String,
    /// The branch the bump commit is on.
    pub branch: String,
    /// HEAD before the bump.
    pub before: String,
    /// The bump commit, once made.
    pub commit: Option<String>,
    /// The files the bump edits, relative to the repository's top.
    pub edited: Vec<String>,
    /// How far it got.
    pub phase: Phase,
    /// The built files (kept in the state folder's `dist/`).
    pub files: Vec<FileRecord>,
    /// Steps done, by name.
    pub done: Vec<String>,
    /// The test index's upload URL (`None`: `--no-test-index`).
    pub test_index: Option<String>,
    /// The real index's upload URL.
    pub index: String,
    /// The remote pushed to (`None`: `--no-push`).
    pub remote: Option<String>,
}

/// The state folder of one repository.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store under a git directory (`git rev-parse --absolute-git-dir`).
    pub fn new(git_dir: &Path) -> Self {
        Self { dir: git_dir.join("cartwheel-release") }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The state file.
    pub fn file(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    /// Where the built files are kept.
    pub fn dist(&self) -> PathBuf {
        self.dir.join("dist")
    }

    /// The saved state, if any; a file that cannot be read is an error naming it.
    pub fn load(&self) -> Result<Option<State>, String> {
        let path = self.file();
        let text = match fs_err::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            // serde_json ends its message with the place, which leads ours already.
            let why = e.to_string();
            let place = format!(" at line {} column {}", e.line(), e.column());
            let why = why.strip_suffix(&place).unwrap_or(&why);
            format!(
                "{}:{}:{}: not a release state ({why}); remove the folder `{}` once you know where the release stands",
                path.display(),
                e.line(),
                e.column(),
                self.dir.display()
            )
        })
    }

    /// Save `state` atomically (a temporary file, synced, renamed over the old one): a kill at
    /// any moment leaves the old state or the new one, never half of one.
    pub fn save(&self, state: &State) -> Result<(), String> {
        let write = || -> std::io::Result<()> {
            fs_err::create_dir_all(&self.dir)?;
            let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
            let text = serde_json::to_string_pretty(state).map_err(std::io::Error::other)?;
            tmp.write_all(text.as_bytes())?;
            tmp.as_file().sync_all()?;
            tmp.persist(self.file()).map_err(|e| e.error)?;
            // The rename itself is durable once the folder is synced (not on Windows, where
            // folders cannot be opened).
            #[cfg(unix)]
            fs_err::File::open(&self.dir)?.sync_all()?;
            Ok(())
        };
        write().map_err(|e| format!("cannot save the release state in {}: {e}", self.dir.display()))
    }

    /// Remove the folder (a finished or undone release).
    pub fn remove(&self) -> Result<(), String> {
        match fs_err::remove_dir_all(&self.dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State {
            name: "acme-sdk".into(),
            version: "1.5.0".into(),
            tag: "v1.5.0".into(),
            branch: "main".into(),
            before: "a".repeat(40),
            commit: None,
            edited: vec!["pyproject.toml".into()],
            phase: Phase::Local,
            files: Vec::new(),
            done: Vec::new(),
            test_index: Some("http://127.0.0.1:1/legacy/".into()),
            index: "http://127.0.0.1:2/".into(),
            remote: Some("origin".into()),
        }
    }

    #[test]
    fn saves_loads_and_removes() {
        let git = tempfile::tempdir().unwrap();
        let store = Store::new(git.path());
        assert_eq!(store.load().unwrap(), None);
        let mut s = state();
        store.save(&s).unwrap();
        s.phase = Phase::Sent;
        s.done.push("test-upload".into());
        store.save(&s).unwrap();
        assert_eq!(store.load().unwrap(), Some(s));
        // Only the state file is left: the temporary one was renamed over it.
        let names: Vec<_> = std::fs::read_dir(store.dir()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["state.json"]);
        store.remove().unwrap();
        assert!(!store.dir().exists());
        store.remove().unwrap();
    }

    #[test]
    fn a_broken_file_names_its_place() {
        let git = tempfile::tempdir().unwrap();
        let store = Store::new(git.path());
        fs_err::create_dir_all(store.dir()).unwrap();
        fs_err::write(store.file(), "{\n  \"name\": 3\n}").unwrap();
        let e = store.load().unwrap_err();
        // The words in parentheses are serde_json's (as Cargo.lock pins it).
        assert_eq!(
            e.replace(&git.path().display().to_string(), "<git>"),
            "<git>/cartwheel-release/state.json:2:11: not a release state (invalid type: integer `3`, expected a \
             string); remove the folder `<git>/cartwheel-release` once you know where the release stands"
        );
    }
}
