//! tar.gz (sdist) writer: ustar headers with pax records for long or non-ASCII names,
//! uid/gid 0, no owner names, fixed mtime, and a gzip header without a time or file name.

use std::fs::File;
use std::io::{BufWriter, Read, Write};

use super::gzip::{ParallelGz, Restart};
use super::{ArchiveWriter, Error, Reproducible, Streamed};

/// Writes an sdist (or any tar.gz) to a file.
pub struct TarGzWriter {
    inner: tar::Builder<ParallelGz<BufWriter<File>>>,
    mtime: u64,
}

impl TarGzWriter {
    /// A writer into `file`, gzip compressed on every core.
    pub fn new(file: File, repro: Reproducible) -> Result<Self, Error> {
        Self::with_parallelism(file, repro, true)
    }

    /// A writer into `file`; `parallel = false` compresses on this thread only, to the same bytes.
    pub fn with_parallelism(file: File, repro: Reproducible, parallel: bool) -> Result<Self, Error> {
        // The gzip header's mtime is part of the bytes: fix it too (u32 field).
        let mtime = repro.mtime.min(u32::MAX as u64) as u32;
        let gz = ParallelGz::new(BufWriter::with_capacity(256 << 10, file), mtime, parallel)?;
        let mut inner = tar::Builder::new(gz);
        inner.mode(tar::HeaderMode::Deterministic);
        Ok(Self { inner, mtime: repro.mtime })
    }

    fn header(&self, size: u64, mode: u32, kind: tar::EntryType) -> tar::Header {
        let mut h = tar::Header::new_ustar();
        h.set_size(size);
        h.set_mode(mode);
        h.set_mtime(self.mtime);
        h.set_uid(0);
        h.set_gid(0);
        // Empty owner names: no local user name leaks into the artifact.
        let _ = h.set_username("");
        let _ = h.set_groupname("");
        h.set_entry_type(kind);
        h
    }

    fn append(
        &mut self,
        path: &str,
        data: impl Read,
        size: u64,
        mode: u32,
        kind: tar::EntryType,
    ) -> Result<(), Error> {
        let mut header = self.header(size, mode, kind);
        if !path.is_ascii() || header.set_path(path).is_err() {
            // POSIX.1-2001: a pax `path` record carries the full UTF-8 name.
            self.append_pax_path(path)?;
            let short: String = path.chars().filter(char::is_ascii).take(90).collect();
            header.set_path(if short.is_empty() { "_" } else { &short })?;
        }
        header.set_cksum();
        self.inner.append(&header, data)?;
        Ok(())
    }

    fn append_pax_path(&mut self, path: &str) -> Result<(), Error> {
        let record = pax_record("path", path);
        let mut h = self.header(record.len() as u64, 0o644, tar::EntryType::XHeader);
        h.set_path("././@PaxHeader")?;
        h.set_cksum();
        self.inner.append(&h, record.as_bytes())?;
        Ok(())
    }
}

/// A reader that fails when its file ends before the size its tar header announced (a file
/// that shrank while archived would otherwise shift every later member).
struct Exact<'p, R> {
    inner: R,
    left: u64,
    path: &'p str,
    observe: &'p mut dyn FnMut(&[u8]),
}

impl<R: Read> Read for Exact<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && self.left > 0 && !buf.is_empty() {
            return Err(std::io::Error::other(format!(
                "`{}` changed while it was being archived ({} bytes fewer than listed)",
                self.path, self.left
            )));
        }
        self.left -= n as u64;
        (self.observe)(&buf[..n]);
        Ok(n)
    }
}

/// One pax record: `"<len> <key>=<value>\n"`, where len counts the whole record, itself included.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while len.to_string().len() + body.len() != len {
        len = len.to_string().len() + body.len();
    }
    format!("{len}{body}")
}

impl ArchiveWriter for TarGzWriter {
    type Settings = ();
    /// Nothing to do ahead: the gzip stream compresses its blocks in parallel itself.
    type Part = ();
    /// Where the gzip stream can be inflated from without earlier output.
    type Done = Vec<Restart>;

    fn settings(&self) {}

    fn prepare((): (), _data: &[u8]) -> Result<(), Error> {
        Ok(())
    }

    fn add(&mut self, path: &str, data: &[u8], (): (), executable: bool) -> Result<(), Error> {
        self.append(path, data, data.len() as u64, Reproducible::mode(executable), tar::EntryType::Regular)
    }

    fn add_reader(&mut self, path: &str, executable: bool, from: Streamed<'_>) -> Result<(), Error> {
        let Streamed { file, size, observe } = from;
        let mut exact = Exact { inner: file.take(size), left: size, path, observe };
        self.append(path, &mut exact, size, Reproducible::mode(executable), tar::EntryType::Regular)
    }

    fn add_directory(&mut self, path: &str) -> Result<(), Error> {
        let path = format!("{}/", path.trim_end_matches('/'));
        self.append(&path, &[][..], 0, 0o755, tar::EntryType::Directory)
    }

    fn finish(self) -> Result<Vec<Restart>, Error> {
        let gz = self.inner.into_inner()?;
        let (mut out, restarts) = gz.finish_indexed()?;
        out.flush()?;
        Ok(restarts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_record_length_counts_itself() {
        let r = pax_record("path", "a");
        assert_eq!(r, "9 path=a\n");
        assert_eq!(r.len(), 9);
        let long = "x".repeat(200);
        let r = pax_record("path", &long);
        let (n, _) = r.split_once(' ').unwrap();
        assert_eq!(n.parse::<usize>().unwrap(), r.len());
    }

    #[test]
    fn streamed_members_are_the_bytes_of_whole_ones() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..200_000u32).flat_map(|i| format!("{i}\n").into_bytes()).collect();
        let write = |streamed: bool| {
            let path = dir.path().join("out.tar.gz");
            let mut w =
                Box::new(TarGzWriter::new(File::create(&path).unwrap(), Reproducible { mtime: 0 }).unwrap());
            let long = format!("p-1/{}/é.bin", "d".repeat(120));
            for name in ["p-1/a.txt", long.as_str()] {
                if streamed {
                    let file = &mut std::io::Cursor::new(&data[..]);
                    let size = data.len() as u64;
                    w.add_reader(name, true, Streamed { file, size, observe: &mut |_| {} }).unwrap();
                } else {
                    w.add_file(name, &data, true).unwrap();
                }
            }
            w.finish().unwrap();
            std::fs::read(&path).unwrap()
        };
        assert_eq!(write(true), write(false));
        let mut w =
            TarGzWriter::new(File::create(dir.path().join("x.tar.gz")).unwrap(), Reproducible { mtime: 0 })
                .unwrap();
        let file = &mut std::io::Cursor::new(&b"abc"[..]);
        let err =
            w.add_reader("p-1/short", false, Streamed { file, size: 10, observe: &mut |_| {} }).unwrap_err();
        assert!(
            err.to_string()
                .contains("`p-1/short` changed while it was being archived (7 bytes fewer than listed)"),
            "{err}"
        );
    }

    #[test]
    fn writes_readable_reproducible_tar() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str| {
            let path = dir.path().join(name);
            let mut w = Box::new(
                TarGzWriter::new(File::create(&path).unwrap(), Reproducible { mtime: 1_700_000_000 })
                    .unwrap(),
            );
            w.add_directory("pkg-1.0").unwrap();
            w.add_file("pkg-1.0/PKG-INFO", b"Metadata-Version: 2.2\n", false).unwrap();
            let long = format!("pkg-1.0/{}/é.txt", "d".repeat(150));
            w.add_file(&long, b"x", true).unwrap();
            w.finish().unwrap();
            (std::fs::read(path).unwrap(), long)
        };
        let (a, long) = write("a.tar.gz");
        let (b, _) = write("b.tar.gz");
        assert_eq!(a, b);
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&a[..]));
        let entries: Vec<(String, u32, u64, u64)> = archive
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let h = e.header();
                (
                    e.path().unwrap().to_string_lossy().into_owned(),
                    h.mode().unwrap(),
                    h.uid().unwrap(),
                    h.mtime().unwrap(),
                )
            })
            .collect();
        assert_eq!(entries[0], ("pkg-1.0/".into(), 0o755, 0, 1_700_000_000));
        assert_eq!(entries[1].0, "pkg-1.0/PKG-INFO");
        assert_eq!(entries[2], (long, 0o755, 0, 1_700_000_000));
    }
}
