//! The index's simple API (PEP 503 HTML, PEP 691 JSON): which files a project has and their
//! sha256, for `--skip-existing` and for telling "already there, same bytes" from "different
//! file under that name".

use std::sync::LazyLock;

use url::Url;

use crate::http::Client;
use crate::upload::{exchange, Event, Sent};
use crate::{Error, Result};

/// One file the index lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// File name.
    pub filename: String,
    /// Hex sha256, when the index gives it.
    pub sha256: Option<String>,
}

/// PEP 503 name normalisation.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The project page of `project` under `check_url`.
pub fn project_url(check_url: &Url, project: &str) -> Result<Url> {
    let mut base = check_url.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    base.join(&format!("{}/", normalize(project)))
        .map_err(|e| Error::Url(format!("check URL {check_url}: {e}")))
}

/// The files the index lists for `project` (`Ok(None)`: no such project there).
pub fn files(
    client: &Client,
    check_url: &Url,
    project: &str,
    on: &mut dyn FnMut(Event),
) -> Result<Option<Vec<IndexFile>>> {
    let url = project_url(check_url, project)?;
    let agent = client.agent(&url, true)?;
    let req = agent.request_url("GET", &url).set(
        "Accept",
        "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01",
    );
    let answer = exchange(req, Sent::Empty, on).map_err(|e| Error::Http(format!("GET {url}: {e}")))?;
    match answer.status {
        404 => return Ok(None),
        200 => {}
        _ => return Err(Error::Http(format!("GET {url}: {}", answer.summary()))),
    }
    parse_page(&answer.content_type, &answer.body)
        .map(Some)
        .map_err(|e| Error::Http(format!("GET {url}: {e}")))
}

/// The files of a project page: PEP 691 JSON when `content_type` says JSON, else PEP 503 HTML.
/// `Err` is why a JSON page is not JSON.
pub fn parse_page(content_type: &str, body: &str) -> Result<Vec<IndexFile>, String> {
    if !content_type.contains("json") {
        return Ok(parse_html(body));
    }
    let v: serde_json::Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    let files = v.get("files").and_then(|f| f.as_array()).map(Vec::as_slice).unwrap_or_default();
    Ok(files
        .iter()
        .filter_map(|f| {
            let filename = f.get("filename")?.as_str()?.to_string();
            let sha256 = f.pointer("/hashes/sha256").and_then(|h| h.as_str()).map(str::to_ascii_lowercase);
            Some(IndexFile { filename, sha256 })
        })
        .collect())
}

/// The anchors of a PEP 503 page: the file name is the link's text (or its path's last part),
/// the hash its `#sha256=` fragment.
pub fn parse_html(html: &str) -> Vec<IndexFile> {
    static ANCHOR: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
        regex_lite::Regex::new(r#"(?is)<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>"#).expect("valid")
    });
    ANCHOR
        .captures_iter(html)
        .map(|c| {
            let href = unescape(&c[1]);
            let text = unescape(c[2].trim());
            let (path, fragment) = href.split_once('#').unwrap_or((&href, ""));
            let from_path =
                path.rsplit('/').next().unwrap_or(path).split('?').next().unwrap_or_default().to_string();
            let filename = if text.is_empty() { from_path } else { text };
            let sha256 = fragment.strip_prefix("sha256=").map(str::to_ascii_lowercase);
            IndexFile { filename, sha256 }
        })
        .collect()
}

/// The text of HTML with its five common entities decoded.
pub(crate) fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(normalize("Foo.Bar__baz"), "foo-bar-baz");
        let u = Url::parse("http://h/simple").unwrap();
        assert_eq!(project_url(&u, "My_Pkg").unwrap().as_str(), "http://h/simple/my-pkg/");
    }

    #[test]
    fn pages() {
        let json = r#"{"meta": {"api-version": "1.1"}, "files": [{"filename": "a-1.0.tar.gz", "hashes": {"sha256": "ABC"}}, {"filename": 1}, {"filename": "a-1.0-py3-none-any.whl", "hashes": {}}]}"#;
        assert_eq!(
            parse_page("application/vnd.pypi.simple.v1+json", json).unwrap(),
            vec![
                IndexFile { filename: "a-1.0.tar.gz".into(), sha256: Some("abc".into()) },
                IndexFile { filename: "a-1.0-py3-none-any.whl".into(), sha256: None },
            ]
        );
        assert_eq!(
            parse_page("application/json", "<html>").unwrap_err(),
            "not JSON: expected value at line 1 column 1"
        );
        assert_eq!(parse_page("text/html", "{}").unwrap(), vec![]);
    }

    #[test]
    fn html() {
        let page = r#"<html><body><a href="../../packages/a-1.0.tar.gz#sha256=ABC">a-1.0.tar.gz</a>
        <a href="/f/a-1.0-py3-none-any.whl?x=1#md5=1"></a></body></html>"#;
        assert_eq!(
            parse_html(page),
            vec![
                IndexFile { filename: "a-1.0.tar.gz".into(), sha256: Some("abc".into()) },
                IndexFile { filename: "a-1.0-py3-none-any.whl".into(), sha256: None },
            ]
        );
    }
}
