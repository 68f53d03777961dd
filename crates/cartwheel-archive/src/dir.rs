//! A folder as an archive: each member a file under the root, with the archives' modes. What
//! `prepare_metadata_for_build_wheel` writes (the `.dist-info` folder), and a way for tests to
//! look at an artifact's members as plain files.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{ArchiveWriter, Error, Streamed};

/// Writes members as files under a root folder (created as needed).
pub struct DirWriter {
    root: PathBuf,
}

impl DirWriter {
    /// A writer into `root`; members' paths are taken relative to it.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The file a member path lands on; a path that would leave the root is refused (members
    /// are cartwheel's own, but a folder is not an archive a reader will check).
    fn target(&self, path: &str) -> Result<PathBuf, Error> {
        let rel = Path::new(path);
        if rel.is_absolute() || rel.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err(Error::Io(std::io::Error::other(format!(
                "`{path}` is not a path inside the folder"
            ))));
        }
        let target = self.root.join(rel);
        if let Some(parent) = target.parent() {
            fs_err::create_dir_all(parent)?;
        }
        Ok(target)
    }

    #[cfg(unix)]
    fn set_mode(path: &Path, executable: bool) -> Result<(), Error> {
        use std::os::unix::fs::PermissionsExt;
        let mode = super::Reproducible::mode(executable);
        fs_err::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        Ok(())
    }

    #[cfg(not(unix))]
    fn set_mode(_path: &Path, _executable: bool) -> Result<(), Error> {
        // Windows has no executable bit: the file's name says what runs it.
        Ok(())
    }
}

impl ArchiveWriter for DirWriter {
    type Settings = ();
    type Part = ();
    type Done = ();

    fn settings(&self) {}

    fn prepare((): (), _data: &[u8]) -> Result<(), Error> {
        Ok(())
    }

    fn add(&mut self, path: &str, data: &[u8], (): (), executable: bool) -> Result<(), Error> {
        let target = self.target(path)?;
        fs_err::write(&target, data)?;
        Self::set_mode(&target, executable)
    }

    fn add_reader(&mut self, path: &str, executable: bool, from: Streamed<'_>) -> Result<(), Error> {
        let Streamed { file, size, observe } = from;
        let target = self.target(path)?;
        let mut out = fs_err::File::create(&target)?;
        let mut chunk = vec![0u8; 1 << 20];
        let mut left = size;
        let mut input = file.take(size);
        while left > 0 {
            let n = input.read(&mut chunk)?;
            if n == 0 {
                return Err(Error::Io(std::io::Error::other(format!(
                    "`{path}` changed while it was being copied ({left} bytes fewer than listed)"
                ))));
            }
            observe(&chunk[..n]);
            std::io::Write::write_all(&mut out, &chunk[..n])?;
            left -= n as u64;
        }
        Self::set_mode(&target, executable)
    }

    fn add_directory(&mut self, path: &str) -> Result<(), Error> {
        fs_err::create_dir_all(self.root.join(path.trim_end_matches('/')))?;
        Ok(())
    }

    fn finish(self) -> Result<(), Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_become_files_and_escapes_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = DirWriter::new(dir.path().join("out"));
        w.add_file("a/b.txt", b"hello", false).unwrap();
        w.add_directory("empty/").unwrap();
        let src = dir.path().join("src.bin");
        std::fs::write(&src, vec![7u8; 3000]).unwrap();
        let mut seen = 0;
        let file = &mut std::fs::File::open(&src).unwrap();
        w.add_reader("big.bin", true, Streamed { file, size: 3000, observe: &mut |c| seen += c.len() })
            .unwrap();
        w.finish().unwrap();
        assert_eq!(std::fs::read(dir.path().join("out/a/b.txt")).unwrap(), b"hello");
        assert!(dir.path().join("out/empty").is_dir());
        assert_eq!(std::fs::read(dir.path().join("out/big.bin")).unwrap(), vec![7u8; 3000]);
        assert_eq!(seen, 3000);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &str| std::fs::metadata(dir.path().join(p)).unwrap().permissions().mode() & 0o777;
            assert_eq!((mode("out/a/b.txt"), mode("out/big.bin")), (0o644, 0o755));
        }
        let mut w = DirWriter::new(dir.path().join("out"));
        for bad in ["../x", "/etc/x", "a/../../x"] {
            assert!(w.add_file(bad, b"x", false).is_err(), "{bad}");
        }
    }
}
