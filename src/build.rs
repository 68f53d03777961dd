//! One prepared build: pyproject.toml read once, files selected once, version and metadata
//! resolved once; the wheel, sdist and editable writers all read from it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pep440_rs::Version;
use rayon::prelude::*;

use crate::archive::Reproducible;
use crate::diagnostic::Diagnostic;
use crate::discover::{self, FileEntry, Selection};
use crate::error::Result;
use crate::metadata::Metadata;
use crate::project::{CheckLevel, Project};
use crate::wheel::record_hash;
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
    /// Stamped stamp targets by project-relative path (only those whose text changes).
    pub stamps: BTreeMap<String, version::Stamp>,
    /// The source tree's stamp targets against the version they should hold.
    pub tree: version::TreeCheck,
    /// Timestamps for the archives.
    pub repro: Reproducible,
    /// What `cartwheel check` on each written artifact does (`[tool.cartwheel] check`, or the
    /// `check` config setting).
    pub check: CheckLevel,
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

/// An artifact written to its temporary file, not yet under its final name.
pub struct Staged {
    out: crate::archive::AtomicOutput,
    files: usize,
}

impl Staged {
    /// Wrap a finished temporary file holding `files` members.
    pub fn new(out: crate::archive::AtomicOutput, files: usize) -> Self {
        Self { out, files }
    }

    /// Run `cartwheel check` on the written temporary file, under its final name.
    pub fn check(&self, level: CheckLevel) -> Result<()> {
        let name =
            self.out.target().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        crate::check::at_build(self.out.path(), &name, level)
    }

    /// Give the artifact its final name.
    pub fn persist(self) -> Result<Artifact> {
        let path = self.out.persist()?;
        let size = fs_err::metadata(&path).map_err(crate::archive::Error::from)?.len();
        Ok(Artifact { path, size, files: self.files })
    }
}

/// Where an archive member's bytes come from.
#[derive(Debug, Clone)]
pub enum Content {
    /// Made in memory (metadata, stamped files, rewritten scripts).
    Bytes(Vec<u8>),
    /// Read from disk when the member is written.
    File(PathBuf),
    /// A directory entry (sdists only).
    Dir,
}

/// One archive member: its path inside the archive and where its bytes come from.
#[derive(Debug, Clone)]
pub struct Blob {
    /// Path inside the archive.
    pub path: String,
    /// Content.
    pub content: Content,
    /// Executable bit.
    pub executable: bool,
}

impl Blob {
    /// A regular, non-executable member made in memory.
    pub fn bytes(path: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self { path: path.into(), content: Content::Bytes(data.into()), executable: false }
    }
}

/// Read-ahead budget: files are read (and hashed) in parallel batches of about this many bytes,
/// so memory stays flat however large the tree; a larger single file is a batch of its own.
const BATCH_BYTES: u64 = 32 << 20;

/// Hand every member, in order, with its bytes (and its RECORD hash when `hash`) to `sink`.
pub fn stream(
    members: &[Blob],
    hash: bool,
    mut sink: impl FnMut(&Blob, &[u8], Option<String>) -> Result<()>,
) -> Result<()> {
    let sizes: Vec<u64> = members
        .par_iter()
        .map(|m| match &m.content {
            Content::Bytes(b) => b.len() as u64,
            Content::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            Content::Dir => 0,
        })
        .collect();
    let mut start = 0;
    while start < members.len() {
        let mut end = start;
        let mut total = 0;
        while end < members.len() && (end == start || total + sizes[end] <= BATCH_BYTES) {
            total += sizes[end];
            end += 1;
        }
        let loaded: Vec<(Cow<'_, [u8]>, Option<String>)> = members[start..end]
            .par_iter()
            .map(|m| {
                let data: Cow<'_, [u8]> = match &m.content {
                    Content::Bytes(b) => Cow::Borrowed(b),
                    Content::File(p) => Cow::Owned(fs_err::read(p).map_err(crate::discover::Error::from)?),
                    Content::Dir => Cow::Borrowed(&[]),
                };
                let digest = (hash && !matches!(m.content, Content::Dir)).then(|| record_hash(&data));
                Ok((data, digest))
            })
            .collect::<Result<_>>()?;
        for (m, (data, digest)) in members[start..end].iter().zip(loaded) {
            sink(m, &data, digest)?;
        }
        start = end;
    }
    Ok(())
}

impl Build {
    /// Read the project at `project_dir` and prepare both artifacts' inputs. Warnings go to
    /// `warnings` even when preparing fails, so the caller can show them beside the error.
    pub fn prepare(project_dir: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Self> {
        let project = pyproject::load(project_dir, warnings)?;
        let selection = discover::select(&project, warnings)?;
        let resolved = version::resolve(&project, &selection, warnings)?;
        let tree = version::TreeCheck::new(&project, &selection, &resolved)?;
        let version = resolved.version.value;
        let license_paths: Vec<String> =
            selection.license_files.iter().map(|f| f.archive_path.clone()).collect();
        let metadata = Metadata::from_project(&project, &version, &license_paths)?;
        let stamps = version::stamp::plan(&project, &selection, &version, &mut |rel| {
            version::stamp::read_rel(&project, rel)
        })?
        .into_iter()
        .map(|s| (s.path.clone(), s))
        .collect();
        let repro = Reproducible::from_env().map_err(crate::Error::from)?;
        let check = project.tool.check;
        Ok(Self { project, selection, version, metadata, stamps, tree, repro, check })
    }

    /// Check a staged artifact, then give it its final name: nothing failing the check lands.
    pub fn persist(&self, staged: Staged) -> Result<Artifact> {
        staged.check(self.check)?;
        staged.persist()
    }

    /// Warnings for the stamp targets out of step in the source tree (`TreeCheck`): stamped
    /// in the artifacts, or, for an editable install (which imports the source tree), left
    /// stale.
    pub fn stamp_warnings(&self, editable: bool) -> Vec<Diagnostic> {
        if editable {
            return self.tree.stale.iter().flat_map(|s| s.warnings(true)).collect();
        }
        let stale = |path: &str| self.tree.stale.iter().any(|s| s.path == path);
        self.stamps.values().filter(|s| stale(&s.path)).flat_map(|s| s.warnings(false)).collect()
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

    /// Archive members for `entries` under `prefix`: stamped content where a stamp applies,
    /// otherwise the file, read when it is written.
    pub fn blobs(&self, entries: &[FileEntry], prefix: &str) -> Vec<Blob> {
        entries
            .iter()
            .map(|e| Blob {
                path: format!("{prefix}{}", e.archive_path),
                content: match self.stamps.get(&e.rel_path) {
                    Some(stamp) => Content::Bytes(stamp.new.clone().into_bytes()),
                    None => Content::File(e.source.clone()),
                },
                executable: e.executable,
            })
            .collect()
    }
}
