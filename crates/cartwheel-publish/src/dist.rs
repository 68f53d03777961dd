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

    /// Every form field but `content`, in twine's order: the metadata, then `pyversion`,
    /// `filetype`, the digests, `:action` and `protocol_version`.
    pub fn form(&self) -> Vec<(String, String)> {
        let mut out = self.fields.clone();
        for (k, v) in [
            ("pyversion", self.pyversion.as_str()),
            ("filetype", self.filetype.form_value()),
            ("sha256_digest", &self.sha256),
            ("blake2_256_digest", &self.blake2_256),
            (":action", "file_upload"),
            ("protocol_version", "1"),
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

/// The form name of a core-metadata field (lower case, `-` → `_`, warehouse's plurals), or
/// `None` for an unknown field.
///
/// `Import-Name` / `Import-Namespace` (Metadata 2.5) go under the names warehouse's forklift
/// reads (`import_name`, `import_namespace`) and validates with packaging; twine 7.0 sends
/// neither, and warehouse stores neither (they live in the file's METADATA), so the upload
/// is the same to PyPI either way, but a bad value is refused by the index as in the file.
pub fn form_name(field: &str) -> Option<&'static str> {
    Some(match field.to_ascii_lowercase().as_str() {
        "metadata-version" => "metadata_version",
        "name" => "name",
        "version" => "version",
        "platform" => "platform",
        "summary" => "summary",
        "description" => "description",
        "keywords" => "keywords",
        "home-page" => "home_page",
        "author" => "author",
        "author-email" => "author_email",
        "license" => "license",
        "supported-platform" => "supported_platform",
        "download-url" => "download_url",
        "classifier" => "classifiers",
        "requires" => "requires",
        "provides" => "provides",
        "obsoletes" => "obsoletes",
        "maintainer" => "maintainer",
        "maintainer-email" => "maintainer_email",
        "requires-dist" => "requires_dist",
        "provides-dist" => "provides_dist",
        "obsoletes-dist" => "obsoletes_dist",
        "requires-python" => "requires_python",
        "requires-external" => "requires_external",
        "project-url" => "project_urls",
        "description-content-type" => "description_content_type",
        "provides-extra" => "provides_extra",
        "dynamic" => "dynamic",
        "license-expression" => "license_expression",
        "license-file" => "license_file",
        "import-name" => "import_name",
        "import-namespace" => "import_namespace",
        _ => return None,
    })
}

/// The metadata form fields of `headers` and `body`, as twine builds them from packaging's
/// parse: known fields only, each field's values together at its first occurrence, the body as
/// `description` (after the headers), `name` as pkg_resources' safe name, `keywords` re-joined
/// with `, `, `project_urls` as `Label, URL`; and, past twine, the PEP 794 fields
/// ([`form_name`]).
pub fn form_fields(headers: &[(String, String)], body: Option<&str>) -> Vec<(String, String)> {
    let mut grouped: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (k, v) in headers {
        let Some(name) = form_name(k) else { continue };
        let value = match name {
            "name" => safe_name(v),
            "keywords" => v.split(',').map(str::trim).collect::<Vec<_>>().join(", "),
            "project_urls" => {
                let (label, url) = v.split_once(',').unwrap_or((v, ""));
                format!("{}, {}", label.trim(), url.trim())
            }
            _ => v.clone(),
        };
        match grouped.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => grouped.push((name, vec![value])),
        }
    }
    if let Some(body) = body {
        if !grouped.iter().any(|(k, _)| *k == "description") {
            grouped.push(("description", vec![body.to_string()]));
        }
    }
    grouped.into_iter().flat_map(|(k, vs)| vs.into_iter().map(move |v| (k.to_string(), v))).collect()
}

/// pkg_resources' `safe_name`, which twine sends (runs of characters other than letters, digits
/// and `.` become one `-`).
fn safe_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut run = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
            run = false;
        } else if !run {
            out.push('-');
            run = true;
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
        assert_eq!(form_name("Classifier"), Some("classifiers"));
        assert_eq!(form_name("Project-URL"), Some("project_urls"));
        assert_eq!(form_name("Supported-Platform"), Some("supported_platform"));
        assert_eq!(form_name("License-File"), Some("license_file"));
        assert_eq!(form_name("Description-Content-Type"), Some("description_content_type"));
        assert_eq!(form_name("Import-Name"), Some("import_name"));
        assert_eq!(form_name("Import-Namespace"), Some("import_namespace"));
        assert_eq!(form_name("X-Unknown"), None);
        assert_eq!(safe_name("pub_demo"), "pub-demo");
        assert_eq!(safe_name("zope.interface__x"), "zope.interface-x");
        assert_eq!(wheel_python_tag("a-1.0-py3-none-any.whl").as_deref(), Some("py3"));
        assert_eq!(wheel_python_tag("a-1.0-1-py2.py3-none-any.whl").as_deref(), Some("py2.py3"));
    }

    #[test]
    fn twine_grouping() {
        let h = |k: &str, v: &str| (k.to_string(), v.to_string());
        let headers = [
            h("Name", "a_b"),
            h("Classifier", "X"),
            h("Keywords", "a,b"),
            h("Classifier", "Y"),
            h("Import-Name", "a"),
            h("X-Unknown", "z"),
            h("Import-Name", "_a; private"),
        ];
        let got = form_fields(&headers, Some("body"));
        let want = [
            ("name", "a-b"),
            ("classifiers", "X"),
            ("classifiers", "Y"),
            ("keywords", "a, b"),
            ("import_name", "a"),
            ("import_name", "_a; private"),
            ("description", "body"),
        ];
        assert_eq!(got, want.map(|(k, v)| (k.to_string(), v.to_string())));
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
