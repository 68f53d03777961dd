//! One prepared build: pyproject.toml read once, files selected once, version and metadata
//! resolved once; the wheel, sdist and editable writers all read from it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pep440_rs::Version;
use rayon::prelude::*;

use crate::archive::Reproducible;
use crate::diagnostic::Diagnostic;
use crate::discover::{self, FileEntry, Selection};
use crate::error::Result;
use crate::metadata::Metadata;
use crate::project::Project;
use crate::{pyproject, version};

/// Everything the archive writers need, computed once.
#[derive(Debug)]
pub struct Build {
    /// The validated pyproject.toml.
    pub project: Project,
    /// Files of each artifact.
    pub selection: Selection,
    /// The resolved version.
    pub version: Version,
    /// Core metadata.
    pub metadata: Metadata,
    /// Stamped bytes by project-relative path.
    pub stamps: BTreeMap<String, Vec<u8>>,
    /// Warnings found while preparing (printed by the caller).
    pub warnings: Vec<Diagnostic>,
    /// Timestamps for the archives.
    pub repro: Reproducible,
}

/// What one writer produced.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Final path.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Number of files in the archive.
    pub files: usize,
}

impl Artifact {
    /// The file name (what PEP 517 hooks return).
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// A file's bytes, ready to archive.
#[derive(Debug, Clone)]
pub struct Blob {
    /// Path inside the archive.
    pub path: String,
    /// Content.
    pub data: Vec<u8>,
    /// Executable bit.
    pub executable: bool,
}

impl Build {
    /// Read the project at `project_dir` and prepare both artifacts' inputs.
    pub fn prepare(project_dir: &Path) -> Result<Self> {
        let mut warnings = Vec::new();
        let project = pyproject::load(project_dir, &mut warnings)?;
        let selection = discover::select(&project, &mut warnings)?;
        let version = version::resolve(&project, &selection)?.value;
        let license_paths: Vec<String> =
            selection.license_files.iter().map(|f| f.archive_path.clone()).collect();
        let metadata = Metadata::from_project(&project, &version, &license_paths)?;
        let stamps = version::stamps(&project, &selection, &version, &mut warnings)?;
        let repro = Reproducible::from_env().map_err(crate::Error::from)?;
        Ok(Self { project, selection, version, metadata, stamps, warnings, repro })
    }

    /// `entries` minus files inside `out_dir`: with `-o out` inside a project that is not a git
    /// tree, the artifacts of the previous build would otherwise be packed into the next sdist.
    pub fn outside(&self, entries: &[FileEntry], out_dir: &Path) -> Vec<FileEntry> {
        let Ok(out) = out_dir.canonicalize() else { return entries.to_vec() };
        if !out.starts_with(&self.project.root) {
            return entries.to_vec();
        }
        entries.iter().filter(|e| !e.source.starts_with(&out)).cloned().collect()
    }

    /// Read `entries` in parallel, with stamped content where a stamp applies, under `prefix`.
    pub fn read_all(&self, entries: &[FileEntry], prefix: &str) -> Result<Vec<Blob>> {
        entries
            .par_iter()
            .map(|e| {
                let data = match self.stamps.get(&e.rel_path) {
                    Some(bytes) => bytes.clone(),
                    None => fs_err::read(&e.source).map_err(crate::discover::Error::from)?,
                };
                Ok(Blob { path: format!("{prefix}{}", e.archive_path), data, executable: e.executable })
            })
            .collect()
    }
}
