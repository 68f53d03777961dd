//! The upload itself: one multipart POST per file, answers read by meaning, retries with
//! backoff, "already exists" settled by the simple API's sha256.

use std::io::Read;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use base64::Engine;
use serde::Serialize;

use crate::dist::{Dist, FileType};
use crate::form::Body;
use crate::http::Client;
use crate::simple;
use crate::target::{Credentials, Target};
use crate::Secret;

/// Something that happened, for the caller to show (progress bar, `-v` log, summary line).
#[derive(Debug)]
pub enum Event<'a> {
    /// A file's upload starts.
    Start {
        /// The file.
        dist: &'a Dist,
    },
    /// Bytes of the request body sent so far.
    Progress {
        /// Sent.
        sent: u64,
        /// Total body length.
        total: u64,
    },
    /// A request goes out (no header that carries a secret is listed).
    Request {
        /// Method.
        method: &'a str,
        /// URL.
        url: &'a str,
        /// Headers, `Authorization` shown as `Basic ***`.
        headers: Vec<(String, String)>,
    },
    /// Its answer.
    Response {
        /// Status code.
        status: u16,
        /// Reason phrase as sent, with what the request carried (password, token) as `***`.
        reason: &'a str,
        /// Time from the request to the answer's headers.
        elapsed: Duration,
    },
    /// The request failed without an answer (network error).
    NetworkError {
        /// What happened.
        message: &'a str,
    },
    /// A retry after `wait`.
    Retry {
        /// The try that comes next (2 for the first retry).
        attempt: u32,
        /// How long it waits first.
        wait: Duration,
        /// Why.
        why: &'a str,
    },
    /// Something worth saying that changes nothing (a hash look-up that failed).
    Note {
        /// The text.
        message: String,
    },
    /// A file is settled.
    Done {
        /// Its outcome.
        outcome: &'a Outcome,
    },
}

/// What became of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The index took it.
    Uploaded,
    /// The index already had these exact bytes.
    Skipped,
    /// Not on the index (refused, network, or not sent after an earlier failure).
    Failed,
}

/// The outcome of one file.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// File name.
    pub filename: String,
    /// Size in bytes.
    pub size: u64,
    /// Hex sha256.
    pub sha256: String,
    /// Uploaded, skipped or failed.
    pub status: Status,
    /// The index's last HTTP status, when it answered.
    pub http_status: Option<u16>,
    /// The index's answer (status and reason, or why nothing was sent).
    pub answer: String,
    /// Where the file can be found now (project page or simple-API page).
    pub url: Option<String>,
    /// Upload requests sent.
    pub attempts: u32,
}

/// Retry policy for network errors and 5xx answers (never 4xx).
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Tries in all (at least 1).
    pub tries: u32,
    /// Wait before the first retry; doubled each time, plus up to as much again of jitter.
    pub base: Duration,
    /// Longest wait.
    pub max: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self { tries: 3, base: Duration::from_millis(500), max: Duration::from_secs(20) }
    }
}

impl Retry {
    /// The wait before try `next` (2, 3, ...).
    pub fn wait(&self, next: u32) -> Duration {
        let exp = self.base.saturating_mul(1 << (next.saturating_sub(2)).min(16));
        exp.mul_f64(1.0 + fastrand::f64()).min(self.max)
    }
}

/// How to upload.
#[derive(Debug, Clone)]
pub struct Options {
    /// Ask the simple API first and skip a file whose exact bytes are there.
    pub skip_existing: bool,
    /// Retries.
    pub retry: Retry,
    /// After a file fails, send no more (reported failed, `not sent`): a half release is worse
    /// than none.
    pub stop_on_failure: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { skip_existing: false, retry: Retry::default(), stop_on_failure: true }
    }
}

/// An answer, read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Reason phrase as sent.
    pub reason: String,
    /// `Content-Type`.
    pub content_type: String,
    /// `Location`, for redirects.
    pub location: Option<String>,
    /// The body as text (lossy), at most a few MiB.
    pub body: String,
    /// What the request carried that must never be shown (its credential, a token it sent):
    /// the summaries hide it wherever the index echoes it.
    pub sent: Vec<String>,
}

impl Answer {
    /// `400 File already exists.`, or `400 Bad Request: <the body's message>` when the reason
    /// phrase is only the standard one; what the request carried (`sent`) shown as `***`.
    pub fn summary(&self) -> String {
        self.summary_hiding(&[])
    }

    /// [`Answer::summary`] with `secrets` hidden too: each shown as `***`, also where the index
    /// quotes it JSON-escaped, and before the text is shortened (a cut through a secret would
    /// leave its start).
    pub fn summary_hiding(&self, secrets: &[&str]) -> String {
        let all: Vec<&str> = self.sent.iter().map(String::as_str).chain(secrets.iter().copied()).collect();
        let hide = |text: &str| {
            all.iter().filter(|s| !s.is_empty()).fold(text.to_string(), |t, s| t.replace(s, "***"))
        };
        let reason = hide(self.reason.trim());
        let reason = reason.trim();
        let standard = standard_reason(self.status);
        // A body that only repeats the reason (GitHub's `{"message": "Not Found"}` on a 404)
        // adds nothing: `404 Not Found`, not `404 Not Found: Not Found`.
        let detail = self.detail_hiding(&hide).filter(|d| {
            let d = d.trim_end_matches('.');
            !(d.eq_ignore_ascii_case(reason) || standard.is_some_and(|s| s.eq_ignore_ascii_case(d)))
        });
        let generic = reason.is_empty() || standard.is_some_and(|s| s.eq_ignore_ascii_case(reason));
        match (generic, detail) {
            (true, Some(d)) if !reason.is_empty() => format!("{} {reason}: {d}", self.status),
            (true, Some(d)) => format!("{} {d}", self.status),
            (true, None) if reason.is_empty() => {
                format!("{} {}", self.status, standard.unwrap_or("")).trim_end().to_string()
            }
            _ => format!("{} {reason}", self.status),
        }
    }

    /// The message of a JSON or HTML error body.
    pub fn detail(&self) -> Option<String> {
        self.detail_hiding(&|text: &str| {
            self.sent.iter().fold(text.to_string(), |t, s| t.replace(s.as_str(), "***"))
        })
    }

    fn detail_hiding(&self, hide: &dyn Fn(&str) -> String) -> Option<String> {
        let body = hide(self.body.trim());
        let body = body.trim();
        if body.is_empty() {
            return None;
        }
        if self.content_type.contains("json") || body.starts_with('{') {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
                return json_message(&v).map(|(m, max)| shorten(&hide(&m), max));
            }
        }
        let text = if self.content_type.contains("html") || body.starts_with('<') {
            html_text(body)
        } else {
            body.to_string()
        };
        let text = hide(&text).split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return None;
        }
        Some(shorten(&text, 400))
    }

    /// Whether it says the file name is taken (devpi/pypiserver 409, PyPI 400 "File already
    /// exists"); the hash look-up then decides.
    pub fn is_conflict(&self) -> bool {
        let says = |t: &str| t.to_ascii_lowercase().contains("already exist");
        self.status == 409 || (self.status == 400 && (says(&self.reason) || says(&self.body)))
    }
}

/// The message of a JSON error body and the length it is shortened to.
fn json_message(v: &serde_json::Value) -> Option<(String, usize)> {
    if let Some(errors) = v.get("errors").and_then(|e| e.as_array()) {
        let parts: Vec<String> = errors
            .iter()
            .filter_map(|e| {
                e.as_str()
                    .map(str::to_string)
                    .or_else(|| e.get("description").and_then(|d| d.as_str()).map(str::to_string))
                    .or_else(|| e.get("message").and_then(|d| d.as_str()).map(str::to_string))
            })
            .collect();
        if !parts.is_empty() {
            return Some((parts.join("; "), 800));
        }
    }
    ["message", "detail", "error", "title"]
        .iter()
        .find_map(|k| v.get(*k).and_then(|m| m.as_str()))
        .map(|m| (m.trim().to_string(), 400))
}

/// The visible text of an HTML page (style and script dropped), the title's repetition skipped.
fn html_text(html: &str) -> String {
    static DROP: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
        regex_lite::Regex::new(r"(?is)<(style|script|head)\b.*?</(style|script|head)\s*>").expect("valid")
    });
    static TAGS: LazyLock<regex_lite::Regex> =
        LazyLock::new(|| regex_lite::Regex::new(r"(?s)<[^>]*>").expect("valid"));
    let text = DROP.replace_all(html, " ");
    let text = TAGS.replace_all(&text, " ");
    simple::unescape(&text)
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}…")
}

/// The standard reason phrase of common statuses (a reason that is only this says nothing).
pub fn standard_reason(status: u16) -> Option<&'static str> {
    Some(match status {
        200 => "OK",
        201 => "Created",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// A request body.
pub enum Sent<'a> {
    /// None.
    Empty,
    /// JSON text.
    Json(String),
    /// A streamed body of known length.
    Stream(Box<dyn Read + 'a>, u64),
}

/// What a request carries that must never be shown: the credential of its `Authorization`
/// header (Basic's base64 and the password inside it, a bearer token) and the string values of
/// a JSON body (the OIDC token sent to be exchanged).
fn sent_secrets(req: &ureq::Request, body: &Sent<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(auth) = req.header("Authorization") {
        if let Some((scheme, credential)) = auth.split_once(' ') {
            out.push(credential.to_string());
            if scheme.eq_ignore_ascii_case("basic") {
                let decoded =
                    base64::engine::general_purpose::STANDARD.decode(credential).unwrap_or_default();
                if let Some((_, password)) = String::from_utf8_lossy(&decoded).split_once(':') {
                    out.push(password.to_string());
                }
            }
        }
    }
    if let Sent::Json(text) = body {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) {
            // Short values are names, not tokens; hiding them would mangle the text.
            out.extend(map.values().filter_map(|v| v.as_str()).filter(|v| v.len() >= 16).map(str::to_string));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Send `req` and read the answer whole (any status); `Err` is a network error's text. Every
/// request and answer is reported through `on`.
pub fn exchange(req: ureq::Request, body: Sent<'_>, on: &mut dyn FnMut(Event)) -> Result<Answer, String> {
    let mut req = req;
    if let Sent::Json(_) = &body {
        req = req.set("Content-Type", "application/json");
    }
    if let Sent::Stream(_, len) = &body {
        req = req.set("Content-Length", &len.to_string());
    }
    let sent = sent_secrets(&req, &body);
    let headers: Vec<(String, String)> = req
        .header_names()
        .into_iter()
        .map(|n| {
            let v = req.header(&n).unwrap_or_default();
            let shown = if n.eq_ignore_ascii_case("authorization") {
                format!("{} ***", v.split(' ').next().unwrap_or_default())
            } else {
                v.to_string()
            };
            (n, shown)
        })
        .collect();
    let url = req.url().to_string();
    on(Event::Request { method: req.method(), url: &url, headers });
    let started = Instant::now();
    let result = match body {
        Sent::Empty => req.call(),
        Sent::Json(text) => req.send_string(&text),
        Sent::Stream(reader, _) => req.send(reader),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(ureq::Error::Transport(t)) => {
            let message = transport_message(&t);
            on(Event::NetworkError { message: &message });
            return Err(message);
        }
    };
    let status = response.status();
    let reason = response.status_text().to_string();
    // A reason phrase is the server's text: one that echoes what was sent must not show it.
    let shown = sent.iter().fold(reason.clone(), |t, s| t.replace(s.as_str(), "***"));
    on(Event::Response { status, reason: &shown, elapsed: started.elapsed() });
    let content_type = response.header("Content-Type").unwrap_or_default().to_string();
    let location = response.header("Location").map(str::to_string);
    let mut bytes = Vec::new();
    // At most 4 MiB of an answer: an error page, a simple-API page or a small JSON document.
    if let Err(e) = response.into_reader().take(4 << 20).read_to_end(&mut bytes) {
        let message = format!("reading the answer to {url}: {e}");
        on(Event::NetworkError { message: &message });
        return Err(message);
    }
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Ok(Answer { status, reason, content_type, location, body, sent })
}

/// A network error in words (ureq's text names the URL, which holds no secret: URLs with
/// credentials are refused up front).
fn transport_message(t: &ureq::Transport) -> String {
    let mut text = t.to_string();
    // ureq's "Network Error: timed out reading response" reads better with the cause first.
    if text.contains("timed out") {
        text = format!("timed out: {text}");
    }
    text
}

/// `Basic base64(user:password)`.
fn basic_auth(c: &Credentials) -> Secret {
    let raw = format!("{}:{}", c.username, c.password.expose());
    Secret::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw)))
}

/// Where a file can be found once the index has it.
pub fn file_url(target: &Target, dist: &Dist) -> String {
    version_url(target, &dist.name, &dist.version)
}

/// The page of a version: PyPI's and TestPyPI's project page, else the index's simple page of
/// the project.
pub fn version_url(target: &Target, name: &str, version: &str) -> String {
    match target.upload_url.host_str() {
        Some("upload.pypi.org") => format!("https://pypi.org/project/{name}/{version}/"),
        Some("test.pypi.org") => format!("https://test.pypi.org/project/{name}/{version}/"),
        _ => simple::project_url(&target.check_url, name).map(|u| u.to_string()).unwrap_or_default(),
    }
}

/// What the index holds under a file's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    /// Nothing under this name.
    Absent,
    /// These exact bytes.
    Same,
    /// Other bytes (their sha256, when the index lists one).
    Different(Option<String>),
}

/// Ask the simple API what the index holds under `dist`'s name.
pub fn existing(
    client: &Client,
    target: &Target,
    dist: &Dist,
    on: &mut dyn FnMut(Event),
) -> crate::Result<Existing> {
    let files = simple::files(client, &target.check_url, &dist.name, on)?.unwrap_or_default();
    Ok(match files.into_iter().find(|f| f.filename == dist.filename) {
        None => Existing::Absent,
        Some(f) if f.sha256.as_deref() == Some(dist.sha256.as_str()) => Existing::Same,
        Some(f) => Existing::Different(f.sha256),
    })
}

/// Upload `dists` to `target` (wheels first, then sdists, each group in the given order); with
/// `stop_on_failure`, the files after a failed one are reported failed and not sent.
pub fn upload(
    client: &Client,
    target: &Target,
    dists: &[Dist],
    opts: &Options,
    on: &mut dyn FnMut(Event),
) -> Vec<Outcome> {
    let mut ordered: Vec<&Dist> = dists.iter().collect();
    ordered.sort_by_key(|d| d.filetype != FileType::Wheel);
    let mut out: Vec<Outcome> = Vec::new();
    let mut failed: Option<String> = None;
    for dist in ordered {
        let outcome = match &failed {
            Some(first) => Outcome {
                filename: dist.filename.clone(),
                size: dist.size,
                sha256: dist.sha256.clone(),
                status: Status::Failed,
                http_status: None,
                answer: format!("not sent: {first} failed"),
                url: None,
                attempts: 0,
            },
            None => {
                on(Event::Start { dist });
                one(client, target, dist, opts, on)
            }
        };
        if outcome.status == Status::Failed && failed.is_none() && opts.stop_on_failure {
            failed = Some(dist.filename.clone());
        }
        on(Event::Done { outcome: &outcome });
        out.push(outcome);
    }
    out
}

fn one(client: &Client, target: &Target, dist: &Dist, opts: &Options, on: &mut dyn FnMut(Event)) -> Outcome {
    // The body's progress and the request log both report through `on`, never at the same
    // moment (progress while the body is sent, the log before and after).
    let cell = std::cell::RefCell::new(on);
    let mut log = |e: Event| (*cell.borrow_mut())(e);
    let on = &mut log;
    let mut outcome = Outcome {
        filename: dist.filename.clone(),
        size: dist.size,
        sha256: dist.sha256.clone(),
        status: Status::Failed,
        http_status: None,
        answer: String::new(),
        url: None,
        attempts: 0,
    };
    let found = file_url(target, dist);
    if opts.skip_existing {
        match existing(client, target, dist, on) {
            Ok(Existing::Same) => {
                outcome.status = Status::Skipped;
                outcome.answer = "already on the index with the same sha256 (not sent)".into();
                outcome.url = Some(found);
                return outcome;
            }
            Ok(Existing::Different(sha)) => {
                outcome.answer = format!("not sent: {}", differs_text(dist, &sha));
                return outcome;
            }
            Ok(Existing::Absent) => {}
            Err(e) => on(Event::Note {
                message: format!("cannot ask the index which files it has ({e}); uploading"),
            }),
        }
    }
    let agent = match client.agent(&target.upload_url, false) {
        Ok(a) => a,
        Err(e) => {
            outcome.answer = e.to_string();
            return outcome;
        }
    };
    let auth = target.credentials.as_ref().map(basic_auth);
    let body = Body::new(dist);
    let tries = opts.retry.tries.max(1);
    for attempt in 1..=tries {
        outcome.attempts = attempt;
        let total = body.len;
        let mut progress = |sent: u64| (*cell.borrow_mut())(Event::Progress { sent, total });
        let reader = match body.reader(dist, &mut progress) {
            Ok(r) => r,
            Err(e) => {
                outcome.answer = format!("cannot read {}: {e}", dist.path.display());
                return outcome;
            }
        };
        let mut req = agent.request_url("POST", &target.upload_url).set("Content-Type", &body.content_type);
        if let Some(a) = &auth {
            req = req.set("Authorization", a.expose());
        }
        let result = exchange(req, Sent::Stream(Box::new(reader), total), on);
        let why = match result {
            Err(network) => network,
            Ok(a) if a.status >= 500 => {
                outcome.http_status = Some(a.status);
                a.summary()
            }
            Ok(a) => {
                outcome.http_status = Some(a.status);
                settle(client, target, dist, &a, &found, &mut outcome, on);
                return outcome;
            }
        };
        outcome.answer = why.clone();
        if attempt < tries {
            let wait = opts.retry.wait(attempt + 1);
            on(Event::Retry { attempt: attempt + 1, wait, why: &why });
            std::thread::sleep(wait);
        }
    }
    outcome.answer = format!("{} (after {} tries)", outcome.answer, tries);
    outcome
}

/// Read a non-5xx answer to an upload.
fn settle(
    client: &Client,
    target: &Target,
    dist: &Dist,
    a: &Answer,
    found: &str,
    outcome: &mut Outcome,
    on: &mut dyn FnMut(Event),
) {
    let summary = a.summary();
    match a.status {
        200..=299 => {
            outcome.status = Status::Uploaded;
            outcome.answer = summary;
            outcome.url = Some(found.to_string());
        }
        300..=399 => {
            let to = a
                .location
                .as_deref()
                .and_then(|l| target.upload_url.join(l).ok())
                .map_or_else(|| "(no Location given)".to_string(), |u| u.to_string());
            outcome.answer = format!(
                "{summary}: the index redirects the upload to {to}; a redirected upload loses its body, so use that URL as the repository URL"
            );
        }
        _ if a.is_conflict() => match existing(client, target, dist, on) {
            Ok(Existing::Same) => {
                outcome.status = Status::Skipped;
                outcome.answer = format!("{summary}: the index already has these exact bytes (same sha256)");
                outcome.url = Some(found.to_string());
            }
            Ok(Existing::Different(sha)) => {
                outcome.answer = format!("{summary}: {}", differs_text(dist, &sha))
            }
            Ok(Existing::Absent) => {
                outcome.answer = format!(
                    "{summary} (and the index's simple API at {} does not list the file)",
                    target.check_url
                )
            }
            Err(e) => outcome.answer = format!("{summary} (cannot compare hashes: {e})"),
        },
        401 | 403 => {
            let who = target.credentials.as_ref().map_or_else(
                || "no credentials were given".to_string(),
                |c| format!("user `{}` from {}", c.username, c.source),
            );
            outcome.answer = format!("{summary} (the index refused the credentials: {who})");
        }
        _ => outcome.answer = summary,
    }
}

fn differs_text(dist: &Dist, sha: &Option<String>) -> String {
    match sha {
        Some(s) => format!(
            "the index holds a different {} (sha256 {s}, this file's is {})",
            dist.filename, dist.sha256
        ),
        None => format!("the index holds a {} but lists no sha256 for it to compare", dist.filename),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, reason: &str, ct: &str, body: &str) -> Answer {
        Answer {
            status,
            reason: reason.into(),
            content_type: ct.into(),
            location: None,
            body: body.into(),
            sent: Vec::new(),
        }
    }

    #[test]
    fn summaries() {
        assert_eq!(
            answer(400, "File already exists.", "text/html", "<p>x</p>").summary(),
            "400 File already exists."
        );
        assert_eq!(
            answer(400, "Bad Request", "application/json", r#"{"message": "Invalid version"}"#).summary(),
            "400 Bad Request: Invalid version"
        );
        assert_eq!(
            answer(
                409,
                "Conflict",
                "text/html",
                "<html><head><title>t</title></head><body><h1>File already exists</h1></body></html>"
            )
            .summary(),
            "409 Conflict: File already exists"
        );
        assert_eq!(
            answer(
                422,
                "",
                "application/json",
                r#"{"errors": [{"code": "invalid-publisher", "description": "no publisher"}]}"#
            )
            .summary(),
            "422 no publisher"
        );
        assert_eq!(answer(200, "OK", "", "").summary(), "200 OK");
        // A body repeating the reason (GitHub's 404s), with and without a reason phrase (HTTP/2).
        let not_found = r#"{"message": "Not Found"}"#;
        assert_eq!(answer(404, "Not Found", "application/json", not_found).summary(), "404 Not Found");
        assert_eq!(answer(404, "", "application/json", not_found).summary(), "404 Not Found");
        assert!(answer(400, "File already exists.", "", "").is_conflict());
        assert!(!answer(400, "Invalid", "", "").is_conflict());
    }

    /// A server on 127.0.0.1 answering one request with `status_line`; the request's bytes come
    /// back through the handle.
    fn one_answer(status_line: &'static str) -> (String, std::thread::JoinHandle<String>) {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut head = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            write!(stream, "{status_line}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
            head
        });
        (url, handle)
    }

    #[test]
    fn a_reason_phrase_echoing_what_was_sent_is_hidden_in_the_events() {
        for (auth, body, status_line, shown) in [
            (
                Some(("alice", "hunter2-secret")),
                Sent::Empty,
                "HTTP/1.1 403 Invalid password hunter2-secret for alice",
                "Invalid password *** for alice",
            ),
            (
                Some(("alice", "pw")),
                Sent::Empty,
                "HTTP/1.1 401 Bad header Basic YWxpY2U6cHc=",
                "Bad header Basic ***",
            ),
            (
                None,
                Sent::Json(r#"{"token": "eyJhbGciOiJSUzI1NiJ9.payload.sig"}"#.into()),
                "HTTP/1.1 422 cannot mint from eyJhbGciOiJSUzI1NiJ9.payload.sig",
                "cannot mint from ***",
            ),
        ] {
            let (url, server) = one_answer(status_line);
            let mut req = ureq::AgentBuilder::new().build().post(&url);
            if let Some((user, password)) = auth {
                let c = Credentials {
                    username: user.into(),
                    password: Secret::new(password),
                    source: crate::target::CredentialSource::Flags,
                };
                req = req.set("Authorization", basic_auth(&c).expose());
            }
            let mut reasons = Vec::new();
            let answer = exchange(req, body, &mut |e| {
                if let Event::Response { reason, .. } = e {
                    reasons.push(reason.to_string());
                }
            })
            .unwrap();
            server.join().unwrap();
            assert_eq!(reasons, [shown]);
            // The answer keeps the text as sent, and what was sent, which its summary hides.
            assert_eq!(answer.reason, status_line.splitn(3, ' ').nth(2).unwrap());
            assert!(answer.summary().ends_with(shown), "{}", answer.summary());
        }
    }

    #[test]
    fn summaries_hide_what_was_sent() {
        let token = format!("eyJhbGciOiJSUzI1NiJ9.{}.c2ln", "x".repeat(500));
        // Quoted far into a long message: hidden before the message is shortened (a cut through
        // the token used to leave its first part in the text).
        let long = format!(r#"{{"message": "{} {token}"}}"#, "word ".repeat(70));
        let shown = answer(422, "", "application/json", &long).summary_hiding(&[&token]);
        assert_eq!(shown, format!("422 {} ***", "word ".repeat(70)));
        // JSON-escaped in the body, in the reason phrase, in an HTML page.
        let escaped =
            answer(403, "Forbidden", "application/json", r#"{"detail": "bad token \u0070ypi-AgEIcHlw"}"#);
        assert_eq!(escaped.summary_hiding(&["pypi-AgEIcHlw"]), "403 Forbidden: bad token ***");
        assert_eq!(answer(401, "no pypi-AgEIcHlw", "", "").summary_hiding(&["pypi-AgEIcHlw"]), "401 no ***");
        let page = answer(500, "", "text/html", "<p>Authorization: Basic YWxpY2U6aHVudGVyMg==</p>");
        assert_eq!(page.summary_hiding(&["hunter2", "YWxpY2U6aHVudGVyMg=="]), "500 Authorization: Basic ***");
        // Nothing to hide: the summary as is (an empty secret used to put `***` between letters).
        assert_eq!(answer(400, "Invalid", "", "").summary_hiding(&[""]), "400 Invalid");
    }

    #[test]
    fn backoff_grows() {
        let r = Retry { tries: 5, base: Duration::from_millis(100), max: Duration::from_secs(1) };
        for _ in 0..50 {
            let (a, b) = (r.wait(2), r.wait(3));
            assert!(a >= Duration::from_millis(100) && a <= Duration::from_millis(200));
            assert!(b >= Duration::from_millis(200) && b <= Duration::from_millis(400));
            assert!(r.wait(9) <= Duration::from_secs(1));
        }
    }
}
