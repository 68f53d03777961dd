//! One file to upload: its name, kind, digests and the metadata form fields.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The kind of distribution, as the `filetype` form field names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// A `.whl`: `bdist_wheel`.
    Wheel,
    /// A `.tar.gz` (or legacy `.zip`) sdist: `sdist`.
    Sdist,
}

impl FileType {
    /// The form value.
    pub fn form_value(self) -> &'static str {
        match self {
            FileType::Wheel => "bdist_wheel",
            FileType::Sdist => "sdist",
        }
    }

    /// The kind a file name stands for (`None`: not a distribution name).
    pub fn from_name(name: &str) -> Option<Self> {
        if name.ends_with(".whl") {
            Some(FileType::Wheel)
        } else if name.ends_with(".tar.gz") || name.ends_with(".zip") {
            Some(FileType::Sdist)
        } else {
            None
        }
    }
}

/// A distribution ready to upload.
#[derive(Debug, Clone)]
pub struct Dist {
    /// Where it is.
    pub path: PathBuf,
    /// Its file name (what the index stores it as).
    pub filename: String,
    /// Wheel or sdist.
    pub filetype: FileType,
    /// `pyversion`: the wheel's python tag, `source` for an sdist.
    pub pyversion: String,
    /// The project name from the metadata.
    pub name: String,
    /// The version from the metadata.
    pub version: String,
    /// Core-metadata form fields, in the metadata's order, multi-valued fields repeated.
    pub fields: Vec<(String, String)>,
    /// Size in bytes.
    pub size: u64,
    /// Hex sha256.
    pub sha256: String,
    /// Hex blake2b-256.
    pub blake2_256: String,
}

impl Dist {
    /// Describe the file at `path` from its metadata `headers` (name, unfolded value, in file
    /// order) and `body` (the description when it is not a header); reads the file once for
    /// the digests.
    pub fn new(path: &Path, headers: &[(String, String)], body: Option<&str>) -> Result<Self> {
        let filename = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let file_err = |message: String| Error::File { path: path.display().to_string(), message };
        let filetype = FileType::from_name(&filename)
            .ok_or_else(|| file_err("not a distribution: the name must end in `.whl` or `.tar.gz`".into()))?;
        let pyversion = match filetype {
            FileType::Sdist => "source".to_string(),
            FileType::Wheel => wheel_python_tag(&filename).ok_or_else(|| {
                file_err("not a wheel file name (name-version-python-abi-platform.whl)".into())
            })?,
        };
        let fields = form_fields(headers, body);
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        let (name, version) = (get("name"), get("version"));
        let (size, sha256, blake2_256) = digests(path).map_err(|e| file_err(format!("cannot read: {e}")))?;
        Ok(Self {
            path: path.to_path_buf(),
            filename,
            filetype,
            pyversion,
            name,
            version,
            fields,
            size,
            sha256,
            blake2_256,
        })
    }

    /// Every form field but `content`, in the order they are sent: the metadata, then
    /// `:action`, `protocol_version`, `filetype`, `pyversion` and the digests.
    pub fn form(&self) -> Vec<(String, String)> {
        let mut out = self.fields.clone();
        for (k, v) in [
            (":action", "file_upload"),
            ("protocol_version", "1"),
            ("filetype", self.filetype.form_value()),
            ("pyversion", &self.pyversion),
            ("sha256_digest", &self.sha256),
            ("blake2_256_digest", &self.blake2_256),
        ] {
            out.push((k.to_string(), v.to_string()));
        }
        out
    }
}

/// The python tag of a wheel file name (`py3` in `a-1.0-py3-none-any.whl`).
fn wheel_python_tag(filename: &str) -> Option<String> {
    let stem = filename.strip_suffix(".whl")?;
    let parts: Vec<&str> = stem.split('-').collect();
    if !(5..=6).contains(&parts.len()) {
        return None;
    }
    Some(parts[parts.len() - 3].to_string())
}

/// The form name of a core-metadata field: lower case, `-` → `_`, and warehouse's plurals.
pub fn form_name(field: &str) -> String {
    let lower = field.to_ascii_lowercase();
    match lower.as_str() {
        "classifier" => "classifiers".into(),
        "project-url" => "project_urls".into(),
        _ => lower.replace('-', "_"),
    }
}

/// The metadata form fields of `headers` and `body`.
pub fn form_fields(headers: &[(String, String)], body: Option<&str>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers.iter().map(|(k, v)| (form_name(k), v.clone())).collect();
    if let Some(body) = body {
        if !out.iter().any(|(k, _)| k == "description") {
            out.push(("description".into(), body.to_string()));
        }
    }
    out
}

/// Size, sha256 and blake2b-256 of a file, read once.
pub fn digests(path: &Path) -> std::io::Result<(u64, String, String)> {
    let mut file = fs_err::File::open(path)?;
    let mut sha = Sha256::new();
    let mut blake = blake2b_simd::Params::new().hash_length(32).to_state();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
        blake.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex(&sha.finalize()), blake.finalize().to_hex().to_string()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(form_name("Classifier"), "classifiers");
        assert_eq!(form_name("Project-URL"), "project_urls");
        assert_eq!(form_name("Supported-Platform"), "supported_platform");
        assert_eq!(form_name("License-File"), "license_file");
        assert_eq!(form_name("Description-Content-Type"), "description_content_type");
        assert_eq!(wheel_python_tag("a-1.0-py3-none-any.whl").as_deref(), Some("py3"));
        assert_eq!(wheel_python_tag("a-1.0-1-py2.py3-none-any.whl").as_deref(), Some("py2.py3"));
    }

    #[test]
    fn known_digests() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        fs_err::write(&p, b"abc").unwrap();
        let (n, sha, blake) = digests(&p).unwrap();
        assert_eq!(n, 3);
        assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(blake, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    }
}
