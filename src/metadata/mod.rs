//! Core metadata (2.1-2.4) from a `Project`: rendering METADATA / PKG-INFO and parsing it back.

use pep440_rs::Version;

use crate::diagnostic::Diagnostic;
use crate::project::Project;

/// Metadata that cannot be built or parsed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Located problem.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
}

impl Error {
    /// The finding to show the user.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Error::Invalid(d) => (**d).clone(),
        }
    }
}

/// Core metadata of one distribution.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {}

impl Metadata {
    /// Metadata for `project` at `version`; `license_files` are the project-relative paths found.
    pub fn from_project(
        project: &Project,
        version: &Version,
        license_files: &[String],
    ) -> Result<Self, Error> {
        let _ = (project, version, license_files);
        todo!("metadata::from_project")
    }

    /// METADATA (wheel) text; `for_sdist` renders PKG-INFO (Metadata-Version at least 2.2).
    pub fn render(&self, for_sdist: bool) -> String {
        let _ = for_sdist;
        todo!("metadata::render")
    }
}

/// `entry_points.txt` for the project's scripts and entry points; `None` when there are none.
pub fn entry_points_txt(project: &Project) -> Option<String> {
    let _ = project;
    todo!("metadata::entry_points_txt")
}
