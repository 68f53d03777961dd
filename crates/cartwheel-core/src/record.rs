//! RECORD and WHEEL, the two files of `.dist-info` that say what a wheel holds: written here
//! for cartwheel's wheels and read here by `cartwheel check` for anyone's, so the writer and
//! the validator cannot disagree on the format.

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::names::WheelFilename;

/// The generator line of WHEEL.
const GENERATOR: &str = concat!("cartwheel ", env!("CARGO_PKG_VERSION"));

/// WHEEL: one `Tag` line per expanded tag.
pub fn wheel_file(name: &WheelFilename) -> String {
    let mut s = format!("Wheel-Version: 1.0\nGenerator: {GENERATOR}\nRoot-Is-Purelib: true\n");
    for tag in name.tags() {
        s.push_str(&format!("Tag: {tag}\n"));
    }
    if let Some(build) = &name.build {
        s.push_str(&format!("Build: {build}\n"));
    }
    s
}

/// urlsafe base64 sha256, no padding: RECORD's hash form.
pub fn record_hash(data: &[u8]) -> String {
    record_form(Sha256::digest(data))
}

/// A sha256 digest in RECORD's form.
pub fn record_form(digest: impl AsRef<[u8]>) -> String {
    format!("sha256={}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest))
}

/// One CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One RECORD line.
pub fn record_line(path: &str, hash: &str, size: u64) -> String {
    format!("{},{hash},{size}\n", csv_field(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_hash_is_urlsafe_unpadded() {
        // sha256("") in urlsafe base64 without padding.
        assert_eq!(record_hash(b""), "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    }

    #[test]
    fn record_quotes_commas_and_ends_with_itself() {
        let r = record_line("a,b.py", &record_hash(b"x"), 1);
        assert!(r.starts_with("\"a,b.py\",sha256="), "{r}");
        assert!(r.ends_with(",1\n"), "{r}");
        assert_eq!(csv_field("say \"hi\".txt"), "\"say \"\"hi\"\".txt\"");
    }

    #[test]
    fn wheel_file_lists_tags() {
        let name: WheelFilename = "a-1-py2.py3-none-any.whl".parse().unwrap();
        assert_eq!(
            wheel_file(&name),
            format!("Wheel-Version: 1.0\nGenerator: {GENERATOR}\nRoot-Is-Purelib: true\nTag: py2-none-any\nTag: py3-none-any\n")
        );
    }
}
