//! Where to upload and as whom: the repository (a name, a URL), the simple-API URL for hash
//! look-ups, and the credentials, from flags, environment values and the .pypirc (all passed
//! in by the caller).

use url::Url;

use crate::pypirc::Pypirc;
use crate::{Error, Result, Secret};

/// PyPI's upload endpoint.
pub const PYPI_UPLOAD: &str = "https://upload.pypi.org/legacy/";
/// TestPyPI's upload endpoint.
pub const TESTPYPI_UPLOAD: &str = "https://test.pypi.org/legacy/";

/// Environment values that take part in the resolution (the caller reads the environment).
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `CARTWHEEL_USERNAME`.
    pub cartwheel_username: Option<String>,
    /// `CARTWHEEL_PASSWORD`.
    pub cartwheel_password: Option<Secret>,
    /// `CARTWHEEL_TOKEN`.
    pub cartwheel_token: Option<Secret>,
    /// `TWINE_USERNAME`.
    pub twine_username: Option<String>,
    /// `TWINE_PASSWORD`.
    pub twine_password: Option<Secret>,
    /// `TWINE_REPOSITORY_URL`.
    pub twine_repository_url: Option<String>,
}

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--repository NAME`.
    pub repository: Option<String>,
    /// `--repository-url URL` (beats `--repository`).
    pub repository_url: Option<String>,
    /// `--check-url URL`: the simple API to look hashes up in.
    pub check_url: Option<String>,
    /// `-u/--username`.
    pub username: Option<String>,
    /// `-p/--password`.
    pub password: Option<Secret>,
    /// `--token`.
    pub token: Option<Secret>,
    /// Environment values.
    pub env: Env,
    /// The parsed .pypirc, when there is one.
    pub pypirc: Option<Pypirc>,
}

/// Where the credentials came from (shown with `-v`; never the values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    /// `-u`/`-p`/`--token`.
    Flags,
    /// `CARTWHEEL_*`.
    CartwheelEnv,
    /// `TWINE_*`.
    TwineEnv,
    /// The .pypirc section.
    Pypirc,
    /// Minted by trusted publishing.
    TrustedPublishing,
}

impl std::fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Flags => "the command line",
            Self::CartwheelEnv => "CARTWHEEL_* environment variables",
            Self::TwineEnv => "TWINE_* environment variables",
            Self::Pypirc => "the .pypirc",
            Self::TrustedPublishing => "trusted publishing",
        })
    }
}

/// A username and its password or token.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// User name (`__token__` for an API token).
    pub username: String,
    /// Password or token.
    pub password: Secret,
    /// Where they came from.
    pub source: CredentialSource,
}

/// A resolved repository.
#[derive(Debug, Clone)]
pub struct Target {
    /// The repository name (`pypi`, a .pypirc section), when it was named.
    pub name: Option<String>,
    /// The upload endpoint.
    pub upload_url: Url,
    /// The simple API (PEP 503/691) for hash look-ups.
    pub check_url: Url,
    /// Credentials, when any were given (else trusted publishing may mint them).
    pub credentials: Option<Credentials>,
}

impl Target {
    /// Whether the index is PyPI or TestPyPI (trusted publishing and project pages exist).
    pub fn is_warehouse(&self) -> bool {
        matches!(self.upload_url.host_str(), Some("upload.pypi.org" | "test.pypi.org"))
    }
}

/// Check a repository or check URL: a scheme (http or https), a host, no credentials in it.
pub fn parse_url(what: &str, text: &str) -> Result<Url> {
    let text = text.trim();
    let no_scheme = || {
        Error::Url(format!(
            "{what} `{text}` has no scheme: write it as `https://{text}` (or `http://` for a local index)"
        ))
    };
    if !text.contains("://") {
        return Err(no_scheme());
    }
    let url =
        Url::parse(text).map_err(|e| Error::Url(format!("{what} `{}` is not a URL: {e}", redact(text))))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Url(format!(
            "{what} `{text}`: the scheme must be https (or http), not `{}`",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Url(format!(
            "{what} `{}` holds credentials: give them with --username/--password, the environment or the .pypirc",
            redact(text)
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Url(format!("{what} `{text}` has no host")));
    }
    Ok(url)
}

/// `text` with any `user:password@` removed.
fn redact(text: &str) -> String {
    match (text.find("://"), text.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***{}", &text[..s + 3], &text[at..]),
        _ => text.to_string(),
    }
}

/// The simple-API URL of an upload URL: known for PyPI and TestPyPI, `…/legacy/` → `…/simple/`,
/// else the upload URL + `simple/`.
pub fn derive_check_url(upload: &Url) -> Url {
    match upload.host_str() {
        Some("upload.pypi.org") => return Url::parse("https://pypi.org/simple/").expect("valid"),
        Some("test.pypi.org") => return Url::parse("https://test.pypi.org/simple/").expect("valid"),
        _ => {}
    }
    let mut url = upload.clone();
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().to_string();
    let trimmed = path.trim_end_matches('/');
    let new = match trimmed.strip_suffix("/legacy") {
        Some(base) => format!("{base}/simple/"),
        None => format!("{trimmed}/simple/"),
    };
    url.set_path(&new);
    url
}

/// The origin trusted publishing talks to: scheme, host and port, a leading `upload.` dropped.
pub fn oidc_origin(upload: &Url) -> String {
    let host = upload.host_str().unwrap_or_default();
    let host = host.strip_prefix("upload.").unwrap_or(host);
    match upload.port() {
        Some(p) => format!("{}://{host}:{p}", upload.scheme()),
        None => format!("{}://{host}", upload.scheme()),
    }
}

/// Resolve the repository and the credentials.
pub fn resolve(opts: &Options) -> Result<Target> {
    let (name, url_text, section) = if let Some(url) = &opts.repository_url {
        (None, url.clone(), None)
    } else if let Some(name) = &opts.repository {
        let section = opts.pypirc.as_ref().and_then(|rc| rc.section(name));
        let url = match (section.and_then(|s| s.get("repository")), name.as_str()) {
            (Some(url), _) => url.to_string(),
            (None, "pypi") => PYPI_UPLOAD.to_string(),
            (None, "testpypi") => TESTPYPI_UPLOAD.to_string(),
            (None, _) if section.is_some() => {
                let rc = opts.pypirc.as_ref().expect("section found in it");
                let s = section.expect("checked");
                return Err(Error::Pypirc {
                    file: rc.file.clone(),
                    line: s.line,
                    message: format!("[{name}] has no `repository` (the upload URL)"),
                });
            }
            (None, _) => {
                let mut known = vec!["pypi".to_string(), "testpypi".to_string()];
                let mut from = String::new();
                if let Some(rc) = &opts.pypirc {
                    for n in rc.repository_names() {
                        if !known.contains(&n) {
                            known.push(n);
                        }
                    }
                    from = format!(" in {}", rc.file);
                }
                return Err(Error::UnknownRepository(format!(
                    "unknown repository `{name}`: not built in and no [{name}] section{}; known: {}",
                    if from.is_empty() { " (no .pypirc found)".to_string() } else { from },
                    known.join(", ")
                )));
            }
        };
        (Some(name.clone()), url, section)
    } else if let Some(url) = &opts.env.twine_repository_url {
        (None, url.clone(), None)
    } else {
        let section = opts.pypirc.as_ref().and_then(|rc| rc.section("pypi"));
        let url = section.and_then(|s| s.get("repository")).unwrap_or(PYPI_UPLOAD).to_string();
        (Some("pypi".to_string()), url, section)
    };
    let located = |what: &str, key: &str, e: Error| match (&opts.pypirc, section) {
        (Some(rc), Some(s)) if s.get(key).is_some() => Error::Pypirc {
            file: rc.file.clone(),
            line: s.line_of(key),
            message: format!("[{}] {key}: {e}", s.name),
        },
        _ => {
            let _ = what;
            e
        }
    };
    let upload_url =
        parse_url("repository URL", &url_text).map_err(|e| located("repository URL", "repository", e))?;
    let check_url = match (&opts.check_url, section.and_then(|s| s.get("index_url"))) {
        (Some(u), _) => parse_url("check URL", u)?,
        (None, Some(u)) => parse_url("index_url", u).map_err(|e| located("index_url", "index_url", e))?,
        (None, None) => derive_check_url(&upload_url),
    };
    let credentials = credentials(opts, section)?;
    Ok(Target { name, upload_url, check_url, credentials })
}

fn credentials(opts: &Options, section: Option<&crate::pypirc::Section>) -> Result<Option<Credentials>> {
    use CredentialSource::*;
    if opts.token.is_some() && (opts.password.is_some() || opts.username.is_some()) {
        return Err(Error::Credentials(
            "--token and --username/--password both given: a token's user name is `__token__`; give one or the other".into(),
        ));
    }
    let token =
        |t: &Secret, source| Credentials { username: "__token__".into(), password: t.clone(), source };
    if let Some(t) = &opts.token {
        return Ok(Some(token(t, Flags)));
    }
    let env = &opts.env;
    let from_section = |key: &str| section.and_then(|s| s.get(key)).map(str::to_string);
    // Each part from the first place that has it: flags, CARTWHEEL_*, TWINE_*, the .pypirc.
    let username = [
        (opts.username.clone(), Flags),
        (env.cartwheel_username.clone(), CartwheelEnv),
        (env.twine_username.clone(), TwineEnv),
        (from_section("username"), Pypirc),
    ]
    .into_iter()
    .find_map(|(v, s)| v.map(|v| (v, s)));
    let password = [
        (opts.password.clone(), Flags),
        (env.cartwheel_password.clone(), CartwheelEnv),
        (env.twine_password.clone(), TwineEnv),
        (from_section("password").map(Secret::new), Pypirc),
    ]
    .into_iter()
    .find_map(|(v, s)| v.map(|v| (v, s)));
    // A CARTWHEEL_TOKEN stands in for a password from the environment or the .pypirc, not for
    // one given on the command line.
    if let Some(t) = &env.cartwheel_token {
        if !matches!(password, Some((_, Flags))) && opts.username.is_none() {
            return Ok(Some(token(t, CartwheelEnv)));
        }
    }
    match (username, password) {
        (None, None) => Ok(None),
        (Some((u, _)), Some((p, s))) => Ok(Some(Credentials { username: u, password: p, source: s })),
        // A password alone is an API token (PyPI's only way now), as twine assumes.
        (None, Some((p, s))) => Ok(Some(Credentials { username: "__token__".into(), password: p, source: s })),
        (Some((u, s)), None) => Err(Error::Credentials(format!(
            "a user name (`{u}`, from {s}) but no password: give --password, CARTWHEEL_PASSWORD or `password` in the .pypirc"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn check_urls() {
        assert_eq!(derive_check_url(&url(PYPI_UPLOAD)).as_str(), "https://pypi.org/simple/");
        assert_eq!(derive_check_url(&url(TESTPYPI_UPLOAD)).as_str(), "https://test.pypi.org/simple/");
        assert_eq!(derive_check_url(&url("http://h:1/legacy/")).as_str(), "http://h:1/simple/");
        assert_eq!(derive_check_url(&url("http://h:1/x/legacy")).as_str(), "http://h:1/x/simple/");
        assert_eq!(derive_check_url(&url("http://h:1/")).as_str(), "http://h:1/simple/");
        assert_eq!(derive_check_url(&url("http://h/root/dev/")).as_str(), "http://h/root/dev/simple/");
    }

    #[test]
    fn origins() {
        assert_eq!(oidc_origin(&url(PYPI_UPLOAD)), "https://pypi.org");
        assert_eq!(oidc_origin(&url("http://127.0.0.1:9/legacy/")), "http://127.0.0.1:9");
    }

    #[test]
    fn urls_need_a_scheme() {
        assert_eq!(
            parse_url("repository URL", "localhost:8080").unwrap_err().to_string(),
            "repository URL `localhost:8080` has no scheme: write it as `https://localhost:8080` (or `http://` for a local index)"
        );
        let e = parse_url("repository URL", "https://u:hunter2@h/").unwrap_err().to_string();
        assert!(!e.contains("hunter2"), "{e}");
        assert_eq!(
            e,
            "repository URL `https://***@h/` holds credentials: give them with --username/--password, the \
             environment or the .pypirc"
        );
    }

    #[test]
    fn precedence() {
        let rc = Pypirc::parse("rc", "[pypi]\nusername = rcuser\npassword = rcpass\n").unwrap();
        let mut o = Options { pypirc: Some(rc), ..Options::default() };
        let c = resolve(&o).unwrap().credentials.unwrap();
        assert_eq!(
            (c.username.as_str(), c.password.expose(), c.source),
            ("rcuser", "rcpass", CredentialSource::Pypirc)
        );
        o.env.twine_password = Some(Secret::new("tw"));
        let c = resolve(&o).unwrap().credentials.unwrap();
        assert_eq!((c.username.as_str(), c.password.expose()), ("rcuser", "tw"));
        o.env.cartwheel_token = Some(Secret::new("tok"));
        let c = resolve(&o).unwrap().credentials.unwrap();
        assert_eq!((c.username.as_str(), c.password.expose()), ("__token__", "tok"));
        o.password = Some(Secret::new("flag"));
        let c = resolve(&o).unwrap().credentials.unwrap();
        assert_eq!(
            (c.username.as_str(), c.password.expose(), c.source),
            ("rcuser", "flag", CredentialSource::Flags)
        );
        o.token = Some(Secret::new("t2"));
        assert!(resolve(&o).is_err());
    }

    #[test]
    fn unknown_repository() {
        let o = Options { repository: Some("nope".into()), ..Options::default() };
        assert_eq!(
            resolve(&o).unwrap_err().to_string(),
            "unknown repository `nope`: not built in and no [nope] section (no .pypirc found); known: pypi, testpypi"
        );
    }
}
