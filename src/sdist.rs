//! Assembling the sdist: one top folder `{name}-{version}`, PKG-INFO at its top, the project's
//! files with stamped versions, pyproject.toml always (PEP 517/625/643).

use std::collections::BTreeSet;
use std::path::Path;

use crate::archive::{ArchiveWriter, AtomicOutput, TarGzWriter};
use crate::build::{Artifact, Blob, Build};
use crate::error::Result;
use crate::names::SdistFilename;

impl Build {
    /// The sdist's file name.
    pub fn sdist_filename(&self) -> SdistFilename {
        SdistFilename::new(self.project.normalized_name.clone(), self.version.clone())
    }

    /// Write the sdist into `out_dir`.
    pub fn write_sdist(&self, out_dir: &Path) -> Result<Artifact> {
        let name = self.sdist_filename();
        let top = name.top_dir();
        fs_err::create_dir_all(out_dir).map_err(crate::archive::Error::from)?;
        let mut blobs = self.read_all(&self.outside(&self.selection.sdist, out_dir), &format!("{top}/"))?;
        blobs.retain(|b| b.path != format!("{top}/PKG-INFO"));
        blobs.push(Blob {
            path: format!("{top}/PKG-INFO"),
            data: self.metadata.render(true).into_bytes(),
            executable: false,
        });
        blobs.sort_by(|a, b| a.path.cmp(&b.path));
        // Directory entries: some extractors (and twine's root detection) expect them.
        let mut dirs = BTreeSet::new();
        for b in &blobs {
            let mut p = b.path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                if !dirs.insert(parent.to_string()) {
                    break;
                }
                p = parent;
            }
        }
        let mut entries: Vec<(String, Option<&Blob>)> =
            dirs.into_iter().map(|d| (format!("{d}/"), None)).collect();
        entries.extend(blobs.iter().map(|b| (b.path.clone(), Some(b))));
        entries.sort_by(|a, b| a.0.cmp(&b.0));

        let out = AtomicOutput::create(out_dir, &name.to_string())?;
        let mut writer: Box<dyn ArchiveWriter> = Box::new(TarGzWriter::new(out.file()?, self.repro));
        for (path, blob) in &entries {
            match blob {
                Some(b) => writer.add_file(&b.path, &b.data, b.executable)?,
                None => writer.add_directory(path)?,
            }
        }
        writer.finish()?;
        let path = out.persist()?;
        let size = fs_err::metadata(&path).map_err(crate::archive::Error::from)?.len();
        Ok(Artifact { path, size, files: blobs.len() })
    }
}
