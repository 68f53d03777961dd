//! Assembling wheels: payload, `.data`, `.dist-info` (METADATA, WHEEL, entry_points.txt,
//! licenses/, RECORD last), and PEP 660 editable wheels.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::build::{stream, write_members, Artifact, Blob, Build, Content, Loaded, Staged};
use cartwheel_archive::{ArchiveWriter, AtomicOutput, DirWriter, Streamed, ZipWriter};
use cartwheel_core::diagnostic::Diagnostic;
use cartwheel_core::error::Result;
use cartwheel_core::metadata;
use cartwheel_core::names::WheelFilename;
use cartwheel_core::record::{csv_field, record_form, record_hash, record_line, wheel_file};

impl Build {
    /// The wheel's file name.
    pub fn wheel_filename(&self) -> WheelFilename {
        WheelFilename::pure(self.project.normalized_name.clone(), self.version.clone())
    }

    /// The files of `.dist-info` except RECORD, in archive order.
    fn dist_info(&self, name: &WheelFilename) -> Vec<Blob> {
        let dir = name.dist_info_dir();
        let mut blobs = vec![
            Blob::bytes(format!("{dir}/METADATA"), self.metadata.render(false)),
            Blob::bytes(format!("{dir}/WHEEL"), wheel_file(name)),
        ];
        if let Some(ep) = metadata::entry_points_txt(&self.project) {
            blobs.push(Blob::bytes(format!("{dir}/entry_points.txt"), ep));
        }
        blobs.extend(self.blobs(&self.selection.license_files, &format!("{dir}/licenses/")));
        blobs.sort_by(|a, b| a.path.cmp(&b.path));
        blobs
    }

    /// The `.data/` files, scripts with their shebang made `#!python` for installers to rewrite.
    fn data_files(&self, name: &WheelFilename) -> Result<Vec<Blob>> {
        let mut blobs = self.blobs(&self.selection.data, &format!("{}/", name.data_dir()));
        let scripts = format!("{}/scripts/", name.data_dir());
        for b in &mut blobs {
            if b.path.starts_with(&scripts) {
                let mut data = match &b.content {
                    Content::File(p) => fs_err::read(p).map_err(cartwheel_core::discover::Error::from)?,
                    Content::Bytes(d) => d.clone(),
                    Content::Dir => continue,
                };
                rewrite_shebang(&mut data);
                b.content = Content::Bytes(data);
            }
        }
        blobs.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(blobs)
    }

    /// Write the wheel (`editable`: the PEP 660 editable wheel) into `out_dir`. With a
    /// `metadata_directory` from `prepare_metadata_for_build_*`, its METADATA must equal this
    /// build's (PEP 517).
    pub fn write_wheel(
        &self,
        out_dir: &Path,
        metadata_directory: Option<&Path>,
        editable: bool,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<Artifact> {
        let (name, members) = self.members(metadata_directory, editable)?;
        // An editable wheel is stored: it is unpacked once, right after it is written.
        let staged = write_zip(self, out_dir, &name, members, !editable)?;
        self.persist(staged, warnings)
    }

    /// Write the wheel to a temporary file in `out_dir`, to be persisted by the caller.
    pub fn stage_wheel(&self, out_dir: &Path, metadata_directory: Option<&Path>) -> Result<Staged> {
        let (name, members) = self.wheel_members(metadata_directory)?;
        write_zip(self, out_dir, &name, members, true)
    }

    /// The wheel's name and members in archive order (RECORD aside), after the checks that
    /// can refuse it.
    pub fn wheel_members(&self, metadata_directory: Option<&Path>) -> Result<(WheelFilename, Vec<Blob>)> {
        self.members(metadata_directory, false)
    }

    /// The members of the wheel or of the editable wheel (whose payload points at the source
    /// tree instead of holding it).
    fn members(
        &self,
        metadata_directory: Option<&Path>,
        editable: bool,
    ) -> Result<(WheelFilename, Vec<Blob>)> {
        if let Some(d) = &self.selection.wheel_refused {
            return Err((**d).clone().into());
        }
        let name = self.wheel_filename();
        self.check_prepared_metadata(metadata_directory)?;
        let mut payload =
            if editable { crate::editable::files(self)? } else { self.blobs(&self.selection.wheel, "") };
        payload.sort_by(|a, b| a.path.cmp(&b.path));
        payload.extend(self.data_files(&name)?);
        payload.extend(self.dist_info(&name));
        check_unique(&payload)?;
        Ok((name, payload))
    }

    /// Write `<dist-info>/` with METADATA, WHEEL, entry_points.txt and licenses into
    /// `metadata_directory`; returns the folder's name. The folder is filled under a temporary
    /// name and renamed into place, so it never exists half-written.
    pub fn write_prepared_metadata(&self, metadata_directory: &Path) -> Result<String> {
        let name = self.wheel_filename();
        let dir_name = name.dist_info_dir();
        let io = cartwheel_archive::Error::from;
        fs_err::create_dir_all(metadata_directory).map_err(io)?;
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{dir_name}.{}.", std::process::id()))
            .suffix(".part")
            .tempdir_in(metadata_directory)
            .map_err(io)?;
        let _unfinished = cartwheel_core::leftover::Unfinished::new(temp.path());
        // The blobs' paths start with the folder's name: the temporary folder stands in for
        // `metadata_directory` until the rename.
        write_members(DirWriter::new(temp.path()), &self.dist_info(&name))?;
        let target = metadata_directory.join(&dir_name);
        if target.is_dir() {
            // A frontend calling the hook twice into one folder gets this build's files only.
            fs_err::remove_dir_all(&target).map_err(io)?;
        }
        // On failure the temporary folder goes with `temp`; on success only it is left, empty.
        fs_err::rename(temp.path().join(&dir_name), &target).map_err(io)?;
        Ok(dir_name)
    }

    fn check_prepared_metadata(&self, metadata_directory: Option<&Path>) -> Result<()> {
        let Some(dir) = metadata_directory else { return Ok(()) };
        let ours = self.wheel_filename().dist_info_dir();
        let differs = |what: String| -> cartwheel_core::Error {
            Diagnostic::error(format!(
                "the metadata prepared in `{}` is not this build's: {what}; the project changed \
                 between prepare_metadata_for_build_wheel and build_wheel",
                dir.display()
            ))
            .into()
        };
        // PEP 517 passes the `.dist-info` folder itself; some callers pass the folder they gave
        // the prepare hook. Its name may differ from ours when the version changed since.
        let prepared = if dir.join("METADATA").is_file() {
            dir.file_name().map(|n| (n.to_string_lossy().into_owned(), dir.to_path_buf()))
        } else {
            fs_err::read_dir(dir)
                .map_err(cartwheel_archive::Error::from)?
                .filter_map(|e| e.ok())
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .find(|(n, _)| n.ends_with(".dist-info"))
        };
        match prepared {
            Some((name, _)) if name != ours => {
                Err(differs(format!("it is `{name}`, the wheel's is `{ours}`")))
            }
            Some((_, path)) => {
                let text =
                    fs_err::read_to_string(path.join("METADATA")).map_err(cartwheel_archive::Error::from)?;
                if text == self.metadata.render(false) {
                    Ok(())
                } else {
                    Err(differs("its METADATA differs".into()))
                }
            }
            None => Err(Diagnostic::error(format!(
                "`{}` holds no `.dist-info` folder from prepare_metadata_for_build_wheel",
                dir.display()
            ))
            .into()),
        }
    }
}

/// `#!/usr/bin/env python3 -u` → `#!python -u`, as the wheel spec asks of scripts.
fn rewrite_shebang(data: &mut Vec<u8>) {
    if !data.starts_with(b"#!") {
        return;
    }
    let end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let Ok(line) = std::str::from_utf8(&data[2..end]) else { return };
    let line = line.trim_end_matches('\r');
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else { return };
    let interp = if first.ends_with("/env") {
        // `env -S python3 -u`: skip env's own options.
        words.by_ref().find(|w| !w.starts_with('-')).unwrap_or("")
    } else {
        first
    };
    let base = interp.rsplit('/').next().unwrap_or(interp);
    let is_python = base.starts_with("python") && base[6..].chars().all(|c| c.is_ascii_digit() || c == '.');
    if !is_python || line.starts_with("python") {
        return;
    }
    let args: Vec<&str> = words.collect();
    let mut new = String::from("#!python");
    if !args.is_empty() {
        new.push(' ');
        new.push_str(&args.join(" "));
    }
    if data[..end].ends_with(b"\r") {
        new.push('\r');
    }
    data.splice(0..end, new.into_bytes());
}

/// Refuse two members with one archive path.
fn check_unique(blobs: &[Blob]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for b in blobs {
        if !seen.insert(b.path.as_str()) {
            return Err(Diagnostic::error(format!(
                "two files would be written to `{}` in the wheel",
                b.path
            ))
            .help("check [tool.cartwheel] data and include for overlapping destinations")
            .into());
        }
    }
    Ok(())
}

fn write_zip(
    build: &Build,
    out_dir: &Path,
    name: &WheelFilename,
    blobs: Vec<Blob>,
    compress: bool,
) -> Result<Staged> {
    let out = AtomicOutput::create(out_dir, &name.to_string())?;
    let zip = ZipWriter::new(out.file()?, build.repro, compress);
    let ((), files) = write_wheel_members(WheelWriter::new(zip, name), &blobs)?;
    Ok(Staged::new(out, files))
}

/// Stream `blobs` (read and prepared in parallel batches, appended in order) through `wheel`;
/// what its archive tells when finished, and how many members it holds (RECORD included).
pub fn write_wheel_members<W: ArchiveWriter>(
    mut wheel: WheelWriter<W>,
    blobs: &[Blob],
) -> Result<(W::Done, usize)> {
    let settings = wheel.archive.settings();
    stream(
        blobs,
        |_, _, data| WheelPart::new::<W>(settings, data),
        |_, b, item| match item {
            Loaded::Bytes(data, part) => wheel.add(b, &data, part),
            Loaded::Large(path, size) => wheel.add_large(b, path, size),
        },
    )?;
    wheel.finish()
}

/// The half of adding a wheel member that needs no other member: its RECORD hash and what the
/// archive prepares (a zip: the compressed bytes), made on any thread from one read of the file.
pub struct WheelPart<P> {
    part: P,
    hash: String,
    size: usize,
}

impl<P> WheelPart<P> {
    /// Hash `data` and prepare it for an archive of `W`'s kind with `settings`.
    pub fn new<W: ArchiveWriter<Part = P>>(settings: W::Settings, data: &[u8]) -> Result<Self> {
        Ok(Self { part: W::prepare(settings, data)?, hash: record_hash(data), size: data.len() })
    }
}

/// A wheel being written: members in order into any archive writer, RECORD at the end.
pub struct WheelWriter<W> {
    archive: W,
    record: String,
    record_path: String,
    files: usize,
}

impl<W: ArchiveWriter> WheelWriter<W> {
    /// Start the wheel `name` in `archive`.
    pub fn new(archive: W, name: &WheelFilename) -> Self {
        let record_path = format!("{}/RECORD", name.dist_info_dir());
        Self { archive, record: String::new(), record_path, files: 0 }
    }

    /// The settings members are prepared with.
    pub fn settings(&self) -> W::Settings {
        self.archive.settings()
    }

    /// Append the next member.
    pub fn add(&mut self, blob: &Blob, data: &[u8], part: WheelPart<W::Part>) -> Result<()> {
        self.archive.add(&blob.path, data, part.part, blob.executable)?;
        self.record.push_str(&record_line(&blob.path, &part.hash, part.size as u64));
        self.files += 1;
        Ok(())
    }

    /// Append the next member, a file of `size` bytes read in chunks (never held in memory).
    pub fn add_large(&mut self, blob: &Blob, path: &Path, size: u64) -> Result<()> {
        let mut file = fs_err::File::open(path)?;
        let mut hasher = Sha256::new();
        self.archive.add_reader(
            &blob.path,
            blob.executable,
            Streamed { file: file.file_mut(), size, observe: &mut |c| hasher.update(c) },
        )?;
        let hash = record_form(hasher.finalize());
        self.record.push_str(&record_line(&blob.path, &hash, size));
        self.files += 1;
        Ok(())
    }

    /// Append the next member, reading it (in chunks when large) from where it comes from.
    pub fn add_member(&mut self, blob: &Blob) -> Result<()> {
        if let (Content::File(path), Some(size)) = (&blob.content, crate::build::large_size(blob)) {
            return self.add_large(blob, path, size);
        }
        let data = crate::build::load(blob)?;
        let part = WheelPart::new::<W>(self.settings(), &data)?;
        self.add(blob, &data, part)
    }

    /// Append RECORD and close the archive: what it tells, and its number of members.
    pub fn finish(mut self) -> Result<(W::Done, usize)> {
        self.record.push_str(&format!("{},,\n", csv_field(&self.record_path)));
        self.archive.add_file(&self.record_path, self.record.as_bytes(), false)?;
        Ok((self.archive.finish()?, self.files + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebangs() {
        for (before, after) in [
            (&b"#!/usr/bin/env python3\nprint(1)\n"[..], &b"#!python\nprint(1)\n"[..]),
            (b"#!/usr/bin/python3.11 -u\nx", b"#!python -u\nx"),
            (b"#!/usr/bin/env -S python3 -u\nx", b"#!python -u\nx"),
            (b"#!/bin/sh\necho\n", b"#!/bin/sh\necho\n"),
        ] {
            let mut d = before.to_vec();
            rewrite_shebang(&mut d);
            assert_eq!(d, after);
        }
    }
}
