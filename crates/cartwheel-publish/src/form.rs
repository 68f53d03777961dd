//! The multipart/form-data body, streamed: small text parts in memory, the file read from disk
//! as it is sent, the exact length known before the first byte (no chunked encoding, which some
//! index front ends refuse).

use std::io::{self, Cursor, Read};

use crate::dist::Dist;

/// A multipart body for one file.
pub struct Body {
    /// The `Content-Type` header value (with the boundary).
    pub content_type: String,
    /// Total length in bytes.
    pub len: u64,
    head: Vec<u8>,
    tail: Vec<u8>,
}

/// `"` and line breaks cannot appear in a quoted header parameter: percent-encode them, as
/// browsers and urllib3 do.
fn quote(s: &str) -> String {
    s.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

impl Body {
    /// The body for `dist`: its form fields, then `content`.
    pub fn new(dist: &Dist) -> Self {
        let fields = dist.form();
        // A boundary that occurs in no value (a 128-bit random one, re-drawn in the unlikely
        // event it does).
        let boundary = loop {
            let b = format!("{:032x}", fastrand::u128(..));
            if !fields.iter().any(|(_, v)| v.contains(&b)) {
                break b;
            }
        };
        let mut head = Vec::new();
        for (name, value) in &fields {
            head.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n", quote(name))
                    .as_bytes(),
            );
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                quote(&dist.filename)
            )
            .as_bytes(),
        );
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        let len = head.len() as u64 + dist.size + tail.len() as u64;
        Self { content_type: format!("multipart/form-data; boundary={boundary}"), len, head, tail }
    }

    /// A reader over the whole body, the file opened now; `progress` gets the bytes sent so far.
    pub fn reader<'a>(&'a self, dist: &Dist, progress: &'a mut dyn FnMut(u64)) -> io::Result<impl Read + 'a> {
        let file = fs_err::File::open(&dist.path)?;
        let size = dist.size;
        let file = Exact { inner: file.take(size), left: size };
        let chain = Cursor::new(&self.head[..]).chain(file).chain(Cursor::new(&self.tail[..]));
        Ok(Progress { inner: chain, sent: 0, progress })
    }
}

/// The file must still be as long as it was when its digests were taken.
struct Exact<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && self.left > 0 && !buf.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file shrank while it was being sent",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

struct Progress<'a, R> {
    inner: R,
    sent: u64,
    progress: &'a mut dyn FnMut(u64),
}

impl<R: Read> Read for Progress<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sent += n as u64;
        (self.progress)(self.sent);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a-1.0-py3-none-any.whl");
        fs_err::write(&p, vec![7u8; 100_000]).unwrap();
        let headers =
            vec![("Name".to_string(), "a".to_string()), ("Classifier".to_string(), "x \"y\"".to_string())];
        let dist = Dist::new(&p, &headers, Some("hello")).unwrap();
        let body = Body::new(&dist);
        let mut seen = 0;
        let mut cb = |n| seen = n;
        let mut out = Vec::new();
        body.reader(&dist, &mut cb).unwrap().read_to_end(&mut out).unwrap();
        assert_eq!(out.len() as u64, body.len);
        assert_eq!(seen, body.len);
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("name=\"classifiers\"\r\n\r\nx \"y\"\r\n"));
        assert!(text.find("name=\"description\"").unwrap() < text.find("name=\"pyversion\"").unwrap());
        assert!(text.find("protocol_version").unwrap() < text.find("name=\"content\"").unwrap());
    }
}
