//! Assembling the sdist: one top folder `{name}-{version}`, PKG-INFO at its top, the project's
//! files with stamped versions, pyproject.toml always (PEP 517/625/643).

use std::collections::BTreeSet;
use std::path::Path;

use crate::archive::{ArchiveWriter, AtomicOutput, TarGzWriter};
use crate::build::{stream, Artifact, Blob, Build, Content, Staged};
use crate::error::Result;
use crate::names::SdistFilename;

impl Build {
    /// The sdist's file name.
    pub fn sdist_filename(&self) -> SdistFilename {
        SdistFilename::new(self.project.normalized_name.clone(), self.version.clone())
    }

    /// Write the sdist into `out_dir`.
    pub fn write_sdist(&self, out_dir: &Path) -> Result<Artifact> {
        self.persist(self.stage_sdist(out_dir)?)
    }

    /// Write the sdist to a temporary file in `out_dir`, to be persisted by the caller.
    pub fn stage_sdist(&self, out_dir: &Path) -> Result<Staged> {
        if let Some(d) = &self.selection.sdist_refused {
            return Err((**d).clone().into());
        }
        let name = self.sdist_filename();
        let top = name.top_dir();
        fs_err::create_dir_all(out_dir).map_err(crate::archive::Error::from)?;
        let pkg_info = format!("{top}/PKG-INFO");
        let mut members = self.blobs(&self.outside(&self.selection.sdist, out_dir), &format!("{top}/"));
        members.retain(|b| b.path != pkg_info);
        members.push(Blob::bytes(pkg_info, self.metadata.render(true)));
        let files = members.len();
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
        }));
        members.sort_by(|a, b| a.path.cmp(&b.path));

        let out = AtomicOutput::create(out_dir, &name.to_string())?;
        let mut writer: Box<dyn ArchiveWriter> = Box::new(TarGzWriter::new(out.file()?, self.repro));
        stream(&members, false, |b, data, _| {
            match b.content {
                Content::Dir => writer.add_directory(&b.path)?,
                _ => writer.add_file(&b.path, data, b.executable)?,
            }
            Ok(())
        })?;
        writer.finish()?;
        Ok(Staged::new(out, files))
    }
}
