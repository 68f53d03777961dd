//! Module discovery and file selection for the wheel and the sdist.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::project::Project;

/// Files that cannot be selected.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file system error, naming the path (fs-err).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Located problem (a glob, a missing module, an escaping symlink, ...).
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
}

impl Error {
    /// The finding to show the user.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Error::Io(e) => Diagnostic::error(e.to_string()),
            Error::Invalid(d) => (**d).clone(),
        }
    }
}

/// One file going into an artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path inside the artifact, `/` separated: relative to the wheel root (`wheel`), to the
    /// `.data` folder (`data`: `scripts/foo`), to `.dist-info/licenses/` (`license_files`), or
    /// to the sdist's top folder (`sdist`).
    pub archive_path: String,
    /// Project-relative path, `/` separated (matches stamp targets).
    pub rel_path: String,
    /// Absolute path to read the bytes from.
    pub source: PathBuf,
    /// Whether the file is executable on disk.
    pub executable: bool,
}

/// One top-level importable thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Import name, dotted for a namespace sub-package (`acme.plugins.foo`).
    pub name: String,
    /// Project-relative path of the package folder or the `.py` file.
    pub rel_path: String,
    /// Project-relative path of `__init__.py` (package) or the module file itself; `None` for
    /// an implicit namespace package.
    pub init: Option<String>,
    /// Absolute folder that goes on `sys.path` (the `source` folder) for editable installs.
    pub source_dir: PathBuf,
}

/// What goes where.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The modules found.
    pub modules: Vec<Module>,
    /// Wheel payload (modules with their data files, `include`d files), sorted by archive path.
    pub wheel: Vec<FileEntry>,
    /// `[tool.cartwheel] data` files, archive path relative to `.data/`.
    pub data: Vec<FileEntry>,
    /// License files, archive path = project-relative path.
    pub license_files: Vec<FileEntry>,
    /// Sdist payload (includes pyproject.toml, readme, license files), sorted.
    pub sdist: Vec<FileEntry>,
}

/// Select the files of both artifacts; warnings (stale globs, ...) are pushed to `warnings`.
pub fn select(project: &Project, warnings: &mut Vec<Diagnostic>) -> Result<Selection, Error> {
    let _ = (project, warnings);
    todo!("discover::select")
}
