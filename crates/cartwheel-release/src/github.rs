//! The GitHub release of a tag through GitHub's REST API: the release, then each file as an
//! asset; resumable (an existing release is reused, assets it already has are skipped).

use std::path::PathBuf;

use cartwheel_publish::http::Client;
use cartwheel_publish::upload::{exchange, Answer, Event, Retry, Sent};
use cartwheel_publish::Secret;
use url::Url;

/// A GitHub repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The user or organisation.
    pub owner: String,
    /// The repository's name (no `.git`).
    pub name: String,
}

impl std::fmt::Display for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// `owner/name` (GITHUB_REPOSITORY) or a git remote URL: https://github.com/o/r(.git),
/// git@github.com:o/r.git, ssh://git@github.com/o/r.git, and the same on a GitHub Enterprise
/// host.
pub fn parse_repository(text: &str) -> Option<Repo> {
    let text = text.trim();
    let path = if let Some((scheme, rest)) = text.split_once("://") {
        if !["https", "http", "ssh", "git", "git+ssh", "ssh+git"]
            .contains(&scheme.to_ascii_lowercase().as_str())
        {
            return None;
        }
        rest.split_once('/')?.1
    } else if let Some((host, path)) = text.split_once(':') {
        // scp-like `[user@]host:owner/name.git`.
        if host.is_empty() || host.contains('/') || path.starts_with('/') {
            return None;
        }
        path
    } else {
        text
    };
    let path = path.trim_end_matches('/');
    let (owner, name) = path.split_once('/')?;
    let name = name.strip_suffix(".git").unwrap_or(name);
    let valid = |s: &str, extra: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || extra.contains(c))
    };
    // Enterprise user names may hold `_`; repository names also `.`.
    (valid(owner, "_") && valid(name, "_.")).then(|| Repo { owner: owner.into(), name: name.into() })
}

/// A GitHub release to create (or complete).
#[derive(Debug, Clone, Copy)]
pub struct Release<'a> {
    /// The API's base (`https://api.github.com`, `https://HOST/api/v3`).
    pub api: &'a Url,
    /// The repository.
    pub repo: &'a Repo,
    /// A token allowed to write the repository's contents.
    pub token: &'a Secret,
    /// The tag (`v1.2.0`), pushed before.
    pub tag: &'a str,
    /// The release's title.
    pub name: &'a str,
    /// The release notes (Markdown).
    pub body: &'a str,
    /// Marked as a pre-release.
    pub prerelease: bool,
    /// The files attached as assets.
    pub files: &'a [PathBuf],
    /// How often a request is tried when GitHub does not answer or answers 5xx.
    pub retry: Retry,
}

/// What [`publish`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The release's page.
    pub html_url: String,
    /// Assets sent now.
    pub uploaded: Vec<String>,
    /// Assets the release already had (same name and size).
    pub skipped: Vec<String>,
    /// Whether the release existed already.
    pub reused: bool,
}

/// An asset the release has.
struct Asset {
    /// For deleting an upload that broke off.
    id: u64,
    name: String,
    size: u64,
    /// `uploaded`, or `starter` for an upload that broke off (absent in older answers).
    state: Option<String>,
}

/// Create (or reuse) the release and upload the files missing from it. Errors: one line naming
/// the request and GitHub's `message`; never the token.
pub fn publish(client: &Client, r: &Release, on: &mut dyn FnMut(Event)) -> Result<Published, String> {
    let repo_url = |tail: &[&str]| {
        let mut url = r.api.clone();
        url.path_segments_mut()
            .map_err(|()| format!("GitHub API URL {}: cannot hold a path", r.api))?
            .pop_if_empty()
            .extend(["repos", &r.repo.owner, &r.repo.name])
            .extend(tail);
        Ok::<Url, String>(url)
    };
    let releases = repo_url(&["releases"])?;
    let body = serde_json::json!({
        "tag_name": r.tag,
        "name": r.name,
        "body": r.body,
        "draft": false,
        "prerelease": r.prerelease,
    });
    let created =
        retried(r, on, |on| request(client, r, "POST", &releases, Sent::Json(body.to_string()), on))?;
    let (release, reused) = match created.status {
        201 => (json(&created, "POST", &releases)?, false),
        422 if already_exists(&created) => {
            let by_tag = repo_url(&["releases", "tags", r.tag])?;
            let found = retried(r, on, |on| request(client, r, "GET", &by_tag, Sent::Empty, on))?;
            if found.status != 200 {
                return Err(refused(r, "GET", &by_tag, &found));
            }
            (json(&found, "GET", &by_tag)?, true)
        }
        _ => return Err(refused(r, "POST", &releases, &created)),
    };
    let field = |key: &str| {
        release[key]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("GitHub release {}: the answer for {} has no `{key}`", r.tag, r.repo))
    };
    let html_url = field("html_url")?;
    let upload_url = strip_template(&field("upload_url")?);
    let upload_url = Url::parse(&upload_url)
        .map_err(|e| format!("GitHub release {}: upload_url `{upload_url}`: {e}", r.tag))?;
    let assets = assets_of(&release);

    // Every file is checked against what the release has before anything is sent: a clash
    // found half way would leave a release with part of the files.
    let mut send = Vec::new();
    let mut skipped = Vec::new();
    for path in r.files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("{}: not a file name", path.display()))?;
        let size = fs_err::metadata(path).map_err(|e| e.to_string())?.len();
        match assets.iter().find(|a| a.name == name) {
            None => send.push((path, name, size)),
            Some(a) if a.state.as_deref().is_some_and(|s| s != "uploaded") => {
                return Err(format!(
                    "GitHub release {} has an asset {name} whose upload did not finish (state `{}`): delete it on GitHub, then run again",
                    r.tag,
                    a.state.as_deref().unwrap_or_default()
                ))
            }
            Some(a) if a.size == size => skipped.push(name),
            Some(a) => {
                return Err(format!(
                    "GitHub release {} already has an asset {name} of {} bytes, but this {name} is {size} bytes: delete that asset on GitHub if it is wrong, then run again",
                    r.tag, a.size
                ))
            }
        }
    }
    let mut uploaded = Vec::new();
    let by_tag = repo_url(&["releases", "tags", r.tag])?;
    for (path, name, size) in send {
        let mut url = upload_url.clone();
        url.query_pairs_mut().clear().append_pair("name", &name);
        let mut attempt = 1;
        loop {
            let file = fs_err::File::open(path).map_err(|e| e.to_string())?;
            let body = Sent::Stream(Box::new(std::io::Read::take(file, size)), size);
            let sent = request(client, r, "POST", &url, body, on);
            let why = match &sent {
                Ok(a) if a.status == 201 => break,
                Ok(a) if a.status < 500 => return Err(refused(r, "POST", &url, a)),
                Ok(a) => refused(r, "POST", &url, a),
                Err(e) => e.clone(),
            };
            if !pause(r, on, &mut attempt, &why) {
                return Err(why);
            }
            // A broken-off upload may have landed whole, or left an asset in state `starter`
            // that takes the name until it is deleted: ask before sending again.
            let found = retried(r, on, |on| request(client, r, "GET", &by_tag, Sent::Empty, on))?;
            if found.status != 200 {
                return Err(refused(r, "GET", &by_tag, &found));
            }
            match assets_of(&json(&found, "GET", &by_tag)?).into_iter().find(|a| a.name == name) {
                None => {}
                Some(a) if a.state.as_deref().is_none_or(|s| s == "uploaded") && a.size == size => break,
                Some(a) => {
                    let asset_url = repo_url(&["releases", "assets", &a.id.to_string()])?;
                    let gone =
                        retried(r, on, |on| request(client, r, "DELETE", &asset_url, Sent::Empty, on))?;
                    if !matches!(gone.status, 204 | 404) {
                        return Err(refused(r, "DELETE", &asset_url, &gone));
                    }
                }
            }
        }
        uploaded.push(name);
    }
    Ok(Published { html_url, uploaded, skipped, reused })
}

/// The assets a release answer lists.
fn assets_of(release: &serde_json::Value) -> Vec<Asset> {
    release["assets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            Some(Asset {
                id: a["id"].as_u64().unwrap_or_default(),
                name: a["name"].as_str()?.to_string(),
                size: a["size"].as_u64()?,
                state: a["state"].as_str().map(str::to_string),
            })
        })
        .collect()
}

/// `send` again (after the policy's wait) while GitHub does not answer or answers 5xx; the
/// last answer or error otherwise. Only for requests that are safe to repeat: a release created
/// twice is refused as `already_exists`, which the caller settles.
fn retried(
    r: &Release,
    on: &mut dyn FnMut(Event),
    mut send: impl FnMut(&mut dyn FnMut(Event)) -> Result<Answer, String>,
) -> Result<Answer, String> {
    let mut attempt = 1;
    loop {
        let result = send(on);
        let why = match &result {
            Ok(a) if a.status >= 500 => a.summary_hiding(&[r.token.expose()]),
            Err(e) => e.clone(),
            Ok(_) => return result,
        };
        if !pause(r, on, &mut attempt, &why) {
            return result;
        }
    }
}

/// Before the next try: false when the policy's tries are spent, else the policy's wait (said
/// as a `Retry` event) and `attempt` counted up.
fn pause(r: &Release, on: &mut dyn FnMut(Event), attempt: &mut u32, why: &str) -> bool {
    if *attempt >= r.retry.tries {
        return false;
    }
    *attempt += 1;
    let wait = r.retry.wait(*attempt);
    on(Event::Retry { attempt: *attempt, wait, why });
    std::thread::sleep(wait);
    true
}

/// `…/assets{?name,label}` → `…/assets`: the URI template GitHub answers with.
fn strip_template(upload_url: &str) -> String {
    upload_url.split_once('{').map_or(upload_url, |(head, _)| head).to_string()
}

/// One request with GitHub's headers; `Err`: no answer (network).
fn request(
    client: &Client,
    r: &Release,
    method: &str,
    url: &Url,
    body: Sent<'_>,
    on: &mut dyn FnMut(Event),
) -> Result<Answer, String> {
    // Redirects are followed for reads only: a redirected POST loses its body.
    let agent = client.agent(url, method == "GET").map_err(|e| format!("{method} {url}: {e}"))?;
    let mut req = agent
        .request_url(method, url)
        .set("Accept", "application/vnd.github+json")
        .set("X-GitHub-Api-Version", "2022-11-28")
        .set("Authorization", &format!("Bearer {}", r.token.expose()));
    if let Sent::Stream(..) = body {
        req = req.set("Content-Type", "application/octet-stream");
    }
    exchange(req, body, on).map_err(|e| hide(&format!("{method} {url}: {e}"), r.token))
}

fn hide(text: &str, token: &Secret) -> String {
    if token.is_empty() {
        text.to_string()
    } else {
        text.replace(token.expose(), "***")
    }
}

/// A 422 saying the tag has a release already.
fn already_exists(a: &Answer) -> bool {
    serde_json::from_str::<serde_json::Value>(&a.body).ok().is_some_and(|v| {
        v["errors"].as_array().into_iter().flatten().any(|e| e["code"].as_str() == Some("already_exists"))
    })
}

fn json(a: &Answer, method: &str, url: &Url) -> Result<serde_json::Value, String> {
    serde_json::from_str(&a.body)
        .map_err(|e| format!("{method} {url}: {} but the answer is not JSON ({e})", a.status))
}

/// An answer GitHub refused with, in one line, with what usually causes it.
fn refused(r: &Release, method: &str, url: &Url, a: &Answer) -> String {
    let hint = match a.status {
        401 => " (GitHub refused the token)",
        403 | 404 => {
            " (can the token write the repository's contents? GitHub answers 404 where it may not see it)"
        }
        _ => "",
    };
    format!("{method} {url}: {}{hint}", a.summary_hiding(&[r.token.expose()]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};

    #[test]
    fn repositories() {
        let repo = |o: &str, n: &str| Some(Repo { owner: o.into(), name: n.into() });
        for text in [
            "octo/hello",
            "https://github.com/octo/hello",
            "https://github.com/octo/hello.git",
            "https://github.com/octo/hello/",
            "https://user@github.com/octo/hello.git",
            "git@github.com:octo/hello.git",
            "git@github.com:octo/hello",
            "ssh://git@github.com/octo/hello.git",
            "ssh://git@github.example.com:2222/octo/hello.git",
            "https://github.example.com/octo/hello.git",
            "git@github.example.com:octo/hello.git",
            " octo/hello\n",
        ] {
            assert_eq!(parse_repository(text), repo("octo", "hello"), "{text}");
        }
        assert_eq!(parse_repository("my_org/my.repo-2"), repo("my_org", "my.repo-2"));
        assert_eq!(parse_repository("https://github.com/a/b.c.git"), repo("a", "b.c"));
        for text in [
            "",
            "octo",
            "octo/hello/extra",
            "/srv/git/remote.git",
            "../remote.git",
            "./x",
            "file:///srv/git/octo/hello.git",
            "https://github.com/octo",
            "https://github.com/",
            "C:\\repos\\hello",
            "octo/hel lo",
        ] {
            assert_eq!(parse_repository(text), None, "{text}");
        }
        assert_eq!(Repo { owner: "o".into(), name: "r".into() }.to_string(), "o/r");
    }

    #[test]
    fn upload_url_template() {
        assert_eq!(
            strip_template("https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}"),
            "https://uploads.github.com/repos/o/r/releases/1/assets"
        );
        assert_eq!(strip_template("http://127.0.0.1:9/up"), "http://127.0.0.1:9/up");
    }

    /// A request the test server received.
    #[derive(Debug)]
    struct Got {
        method: String,
        target: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Got {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
        }
    }

    /// A server on 127.0.0.1 answering one request per connection with the scripted answers in
    /// order (`{base}` in a body becomes its own URL); the requests come back through the handle.
    fn server(answers: Vec<(u16, String)>) -> (String, std::thread::JoinHandle<Vec<Got>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let url = base.clone();
        let handle = std::thread::spawn(move || {
            let mut got = Vec::new();
            for (status, body) in answers {
                let Some(mut stream) = accept(&listener) else { break };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut parts = line.split_whitespace();
                let (method, target) = (parts.next().unwrap().to_string(), parts.next().unwrap().to_string());
                let mut headers = Vec::new();
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).unwrap();
                    let h = h.trim_end();
                    if h.is_empty() {
                        break;
                    }
                    let (k, v) = h.split_once(':').unwrap();
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
                let mut request = Got { method, target, headers, body: Vec::new() };
                let len: usize = request.header("Content-Length").map_or(0, |l| l.parse().unwrap());
                request.body.resize(len, 0);
                reader.read_exact(&mut request.body).unwrap();
                let body = body.replace("{base}", &url);
                write!(
                    stream,
                    "HTTP/1.1 {status} {}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    cartwheel_publish::upload::standard_reason(status).unwrap_or("Other"),
                    body.len()
                )
                .unwrap();
                got.push(request);
            }
            got
        });
        (base, handle)
    }

    /// The next connection, or None after 10 s without one (a test whose code sends fewer
    /// requests than scripted fails on what it got instead of hanging).
    fn accept(listener: &std::net::TcpListener) -> Option<std::net::TcpStream> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    return Some(stream);
                }
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(_) => return None,
            }
        }
    }

    const TOKEN: &str = "ghp_0123456789abcdefSECRET";

    fn release_json(assets: &str) -> String {
        format!(
            r#"{{"id": 7, "html_url": "https://github.example/o/r/releases/tag/v1.2.0", "upload_url": "{{base}}/uploads/repos/o/r/releases/7/assets{{?name,label}}", "assets": [{assets}]}}"#
        )
    }

    /// Runs `publish` for two files (3 and 5 bytes) against the scripted answers.
    fn publish_against(
        answers: Vec<(u16, String)>,
        token: &str,
    ) -> (Result<Published, String>, Vec<Got>, Vec<String>) {
        let tmp = tempfile::tempdir().unwrap();
        let files =
            [tmp.path().join("demo-1.2.0-py3-none-any.whl"), tmp.path().join("demo-1.2.0+local.tar.gz")];
        fs_err::write(&files[0], b"whl").unwrap();
        fs_err::write(&files[1], b"sdist").unwrap();
        let (base, handle) = server(answers);
        let api = Url::parse(&format!("{base}/api/v3")).unwrap();
        let repo = Repo { owner: "o".into(), name: "r".into() };
        let token = Secret::new(token);
        let r = Release {
            api: &api,
            repo: &repo,
            token: &token,
            tag: "v1.2.0",
            name: "demo 1.2.0",
            body: "## Added\n- things",
            prerelease: false,
            files: &files,
            retry: Retry {
                tries: 3,
                base: std::time::Duration::from_millis(1),
                max: std::time::Duration::from_millis(5),
            },
        };
        let client = Client::new(Default::default()).unwrap();
        let mut events = Vec::new();
        let result = publish(&client, &r, &mut |e| events.push(format!("{e:?}")));
        let got = handle.join().unwrap();
        (result.map_err(|e| e.replace(&base, "{base}")), got, events)
    }

    fn lines(got: &[Got]) -> Vec<String> {
        got.iter().map(|g| format!("{} {}", g.method, g.target)).collect()
    }

    #[test]
    fn creates_the_release_and_uploads_both_files() {
        let asset = |name: &str, size: u64| {
            (201, format!(r#"{{"name": "{name}", "size": {size}, "browser_download_url": "x"}}"#))
        };
        let (result, got, events) = publish_against(
            vec![
                (201, release_json("")),
                asset("demo-1.2.0-py3-none-any.whl", 3),
                asset("demo-1.2.0+local.tar.gz", 5),
            ],
            TOKEN,
        );
        assert_eq!(
            result.unwrap(),
            Published {
                html_url: "https://github.example/o/r/releases/tag/v1.2.0".into(),
                uploaded: vec!["demo-1.2.0-py3-none-any.whl".into(), "demo-1.2.0+local.tar.gz".into()],
                skipped: vec![],
                reused: false,
            }
        );
        assert_eq!(
            lines(&got),
            [
                "POST /api/v3/repos/o/r/releases",
                "POST /uploads/repos/o/r/releases/7/assets?name=demo-1.2.0-py3-none-any.whl",
                "POST /uploads/repos/o/r/releases/7/assets?name=demo-1.2.0%2Blocal.tar.gz",
            ]
        );
        let create = &got[0];
        assert_eq!(create.header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        assert_eq!(create.header("Accept"), Some("application/vnd.github+json"));
        assert_eq!(create.header("X-GitHub-Api-Version"), Some("2022-11-28"));
        assert_eq!(create.header("Content-Type"), Some("application/json"));
        let sent: serde_json::Value = serde_json::from_slice(&create.body).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({"tag_name": "v1.2.0", "name": "demo 1.2.0", "body": "## Added\n- things", "draft": false, "prerelease": false})
        );
        assert_eq!(got[1].header("Content-Type"), Some("application/octet-stream"));
        assert_eq!((got[1].body.as_slice(), got[2].body.as_slice()), (&b"whl"[..], &b"sdist"[..]));
        assert_eq!(got[2].header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        // The events list every request, the token never.
        assert_eq!(events.iter().filter(|e| e.starts_with("Request")).count(), 3);
        assert!(events.iter().all(|e| !e.contains(TOKEN)), "{events:?}");
    }

    #[test]
    fn a_broken_off_upload_is_asked_about_then_sent_again() {
        let asset = |name: &str, size: u64| {
            (201, format!(r#"{{"name": "{name}", "size": {size}, "browser_download_url": "x"}}"#))
        };
        let error = (502, r#"{"message": "Server Error"}"#.to_string());
        let listed = |assets: &str| (200, release_json(assets));
        let (result, got, events) = publish_against(
            vec![
                error.clone(),
                (201, release_json("")),
                // The wheel's upload breaks off and leaves a `starter` asset: deleted, sent again.
                error.clone(),
                listed(r#"{"id": 70, "name": "demo-1.2.0-py3-none-any.whl", "size": 1, "state": "starter"}"#),
                (204, String::new()),
                asset("demo-1.2.0-py3-none-any.whl", 3),
                // The sdist's answer is lost, but the upload landed whole: not sent again.
                (503, r#"{"message": "Unavailable"}"#.to_string()),
                listed(r#"{"id": 71, "name": "demo-1.2.0+local.tar.gz", "size": 5, "state": "uploaded"}"#),
            ],
            TOKEN,
        );
        assert_eq!(result.unwrap().uploaded, ["demo-1.2.0-py3-none-any.whl", "demo-1.2.0+local.tar.gz"]);
        assert_eq!(
            lines(&got),
            [
                "POST /api/v3/repos/o/r/releases",
                "POST /api/v3/repos/o/r/releases",
                "POST /uploads/repos/o/r/releases/7/assets?name=demo-1.2.0-py3-none-any.whl",
                "GET /api/v3/repos/o/r/releases/tags/v1.2.0",
                "DELETE /api/v3/repos/o/r/releases/assets/70",
                "POST /uploads/repos/o/r/releases/7/assets?name=demo-1.2.0-py3-none-any.whl",
                "POST /uploads/repos/o/r/releases/7/assets?name=demo-1.2.0%2Blocal.tar.gz",
                "GET /api/v3/repos/o/r/releases/tags/v1.2.0",
            ]
        );
        assert_eq!(events.iter().filter(|e| e.starts_with("Retry")).count(), 3, "{events:?}");
        assert!(events.iter().all(|e| !e.contains(TOKEN)), "{events:?}");
    }

    #[test]
    fn a_broken_off_upload_whose_release_cannot_be_looked_up_fails_naming_the_lookup() {
        let error = (502, r#"{"message": "Server Error"}"#.to_string());
        let (result, got, _) = publish_against(
            vec![
                (201, release_json("")),
                error,
                (
                    404,
                    r#"{"message": "Not Found", "documentation_url": "https://docs.github.com"}"#.to_string(),
                ),
            ],
            TOKEN,
        );
        assert_eq!(
            result.unwrap_err(),
            "GET {base}/api/v3/repos/o/r/releases/tags/v1.2.0: 404 Not Found (can the token write the repository's contents? GitHub answers 404 where it may not see it)"
        );
        assert_eq!(lines(&got)[2], "GET /api/v3/repos/o/r/releases/tags/v1.2.0");
    }

    #[test]
    fn a_starter_asset_that_cannot_be_deleted_fails_naming_the_delete() {
        let error = (502, r#"{"message": "Server Error"}"#.to_string());
        let starter = r#"{"id": 70, "name": "demo-1.2.0-py3-none-any.whl", "size": 1, "state": "starter"}"#;
        let (result, got, events) = publish_against(
            vec![
                (201, release_json("")),
                error,
                (200, release_json(starter)),
                (403, format!(r#"{{"message": "Resource not accessible by token {TOKEN}"}}"#)),
            ],
            TOKEN,
        );
        assert_eq!(
            result.unwrap_err(),
            "DELETE {base}/api/v3/repos/o/r/releases/assets/70: 403 Forbidden: Resource not accessible by token *** (can the token write the repository's contents? GitHub answers 404 where it may not see it)"
        );
        assert_eq!(lines(&got)[3], "DELETE /api/v3/repos/o/r/releases/assets/70");
        assert!(events.iter().all(|e| !e.contains(TOKEN)), "{events:?}");
    }

    #[test]
    fn a_5xx_after_the_last_try_fails_naming_it() {
        let error = (500, r#"{"message": "Server Error"}"#.to_string());
        let (result, got, _) = publish_against(vec![error.clone(), error.clone(), error], TOKEN);
        let message = result.unwrap_err();
        assert!(message.starts_with("POST {base}/api/v3/repos/o/r/releases: 500"), "{message}");
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn an_existing_release_is_reused_and_its_asset_skipped() {
        let exists = r#"{"message": "Validation Failed", "errors": [{"resource": "Release", "code": "already_exists", "field": "tag_name"}], "documentation_url": "https://docs.github.com"}"#;
        let (result, got, _) = publish_against(
            vec![
                (422, exists.into()),
                (
                    200,
                    release_json(
                        r#"{"name": "demo-1.2.0-py3-none-any.whl", "size": 3, "state": "uploaded"}"#,
                    ),
                ),
                (201, r#"{"name": "demo-1.2.0+local.tar.gz", "size": 5}"#.into()),
            ],
            TOKEN,
        );
        assert_eq!(
            result.unwrap(),
            Published {
                html_url: "https://github.example/o/r/releases/tag/v1.2.0".into(),
                uploaded: vec!["demo-1.2.0+local.tar.gz".into()],
                skipped: vec!["demo-1.2.0-py3-none-any.whl".into()],
                reused: true,
            }
        );
        assert_eq!(
            lines(&got),
            [
                "POST /api/v3/repos/o/r/releases",
                "GET /api/v3/repos/o/r/releases/tags/v1.2.0",
                "POST /uploads/repos/o/r/releases/7/assets?name=demo-1.2.0%2Blocal.tar.gz",
            ]
        );
        assert_eq!(got[1].header("Authorization"), Some(format!("Bearer {TOKEN}").as_str()));

        // Same name, other size: nothing is sent.
        let (result, got, _) = publish_against(
            vec![
                (422, exists.into()),
                (200, release_json(r#"{"name": "demo-1.2.0+local.tar.gz", "size": 9, "state": "uploaded"}"#)),
            ],
            TOKEN,
        );
        assert_eq!(
            result.unwrap_err(),
            "GitHub release v1.2.0 already has an asset demo-1.2.0+local.tar.gz of 9 bytes, but this demo-1.2.0+local.tar.gz is 5 bytes: delete that asset on GitHub if it is wrong, then run again"
        );
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn a_refused_token_is_never_shown() {
        let bad = format!(
            r#"{{"message": "Bad credentials: {TOKEN}", "documentation_url": "https://docs.github.com/rest"}}"#
        );
        let (result, got, events) = publish_against(vec![(401, bad)], TOKEN);
        assert_eq!(
            result.unwrap_err(),
            "POST {base}/api/v3/repos/o/r/releases: 401 Unauthorized: Bad credentials: *** (GitHub refused the token)"
        );
        assert_eq!(got.len(), 1);
        assert!(events.iter().all(|e| !e.contains(TOKEN)), "{events:?}");

        // Nothing listening: the network error names the request.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let api = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        drop(listener);
        let (repo, token) = (Repo { owner: "o".into(), name: "r".into() }, Secret::new(TOKEN));
        let r = Release {
            api: &api,
            repo: &repo,
            token: &token,
            tag: "v1",
            name: "v1",
            body: "",
            prerelease: true,
            files: &[],
            retry: Retry { tries: 2, base: std::time::Duration::ZERO, max: std::time::Duration::ZERO },
        };
        let err = publish(&Client::new(Default::default()).unwrap(), &r, &mut |_| {}).unwrap_err();
        assert!(err.starts_with(&format!("POST {api}repos/o/r/releases: ")), "{err}");
        assert!(!err.contains(TOKEN));
    }
}
