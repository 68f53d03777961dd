//! Assembling the sdist: one top folder `{name}-{version}`, PKG-INFO at its top, the project's
//! files with stamped versions, pyproject.toml always (PEP 517/625/643).

use std::collections::BTreeSet;
use std::path::Path;

use cartwheel_core::diagnostic::Diagnostic;

use crate::build::{append, write_members, Artifact, Blob, Build, Content, Loaded, Staged};
use cartwheel_archive::{ArchiveWriter, AtomicOutput, TarGzWriter};
use cartwheel_core::error::Result;
use cartwheel_core::names::SdistFilename;

impl Build {
    /// The sdist's file name.
    pub fn sdist_filename(&self) -> SdistFilename {
        SdistFilename::new(self.project.normalized_name.clone(), self.version.clone())
    }

    /// Write the sdist into `out_dir`.
    pub fn write_sdist(&self, out_dir: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Artifact> {
        self.persist(self.stage_sdist(out_dir)?, warnings)
    }

    /// Write the sdist to a temporary file in `out_dir`, to be persisted by the caller.
    pub fn stage_sdist(&self, out_dir: &Path) -> Result<Staged> {
        let (name, members) = self.sdist_members(out_dir)?;
        let sdist = SdistWriter::create(self, out_dir, &name.to_string(), &members)?;
        let restarts = write_members(sdist.tar, &members)?;
        Ok(Staged::new(sdist.out, sdist.files).with_restarts(restarts))
    }

    /// The sdist's name and members (files and their folders) in archive order, after the
    /// checks that can refuse it.
    pub fn sdist_members(&self, out_dir: &Path) -> Result<(SdistFilename, Vec<Blob>)> {
        // A wheel-only preparation lists part of the tree: its sdist would miss files.
        assert_eq!(self.scope, cartwheel_core::discover::Scope::Both, "an sdist from a wheel-only selection");
        if let Some(d) = &self.selection.sdist_refused {
            return Err((**d).clone().into());
        }
        let name = self.sdist_filename();
        let top = name.top_dir();
        // An output folder that does not exist yet holds no earlier artifact to leave out (and a
        // dry run must not make it).
        let pkg_info = format!("{top}/PKG-INFO");
        let mut members = self.blobs(&self.outside(&self.selection.sdist, out_dir), &format!("{top}/"));
        members.retain(|b| b.path != pkg_info);
        members.push(Blob::bytes(pkg_info, self.metadata.render(true)));
        // Directory entries: some extractors (and twine's root detection) expect them.
        let mut dirs = BTreeSet::new();
        for b in &members {
            let mut p = b.path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                if !dirs.insert(parent.to_string()) {
                    break;
                }
                p = parent;
            }
        }
        members.extend(dirs.into_iter().map(|d| Blob {
            path: format!("{d}/"),
            content: Content::Dir,
            executable: false,
            size_hint: 0,
        }));
        members.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((name, members))
    }
}

/// An sdist being written to its temporary file.
pub struct SdistWriter {
    out: AtomicOutput,
    tar: TarGzWriter,
    files: usize,
}

impl SdistWriter {
    /// Start the sdist `name` in `out_dir`; `members` only counts its files.
    pub fn create(build: &Build, out_dir: &Path, name: &str, members: &[Blob]) -> Result<Self> {
        let out = AtomicOutput::create(out_dir, name)?;
        let tar = TarGzWriter::new(out.file()?, build.repro)?;
        let files = members.iter().filter(|b| !matches!(b.content, Content::Dir)).count();
        Ok(Self { out, tar, files })
    }

    /// Append the next member as [`stream`](crate::build::stream) hands it over.
    pub fn add_loaded(&mut self, blob: &Blob, item: Loaded<'_, ()>) -> Result<()> {
        append(&mut self.tar, blob, item)
    }

    /// Close the archive.
    pub fn finish(self) -> Result<Staged> {
        let restarts = self.tar.finish()?;
        Ok(Staged::new(self.out, self.files).with_restarts(restarts))
    }
}
