//! Trusted publishing (OIDC), as PyPI documents it: the CI's identity token is exchanged at
//! the index for a short-lived API token.
//!
//! GitHub Actions: GET `{origin}/_/oidc/audience`, GET `$ACTIONS_ID_TOKEN_REQUEST_URL&audience=…`
//! with `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, POST the token to
//! `{origin}/_/oidc/mint-token`. GitLab CI: the job's `id_tokens:` gives `PYPI_ID_TOKEN`
//! (its audience set in the job), posted as is.

use url::Url;

use crate::http::Client;
use crate::target::{oidc_origin, CredentialSource, Credentials};
use crate::upload::{exchange, Event, Sent};
use crate::{Error, Result, Secret};

/// `--trusted-publishing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// When on a supported CI with no credentials given.
    #[default]
    Auto,
    /// Always (an error when not on a supported CI).
    Always,
    /// Never.
    Never,
}

/// The CI environment values trusted publishing uses (the caller reads them).
#[derive(Debug, Clone, Default)]
pub struct CiEnv {
    /// `ACTIONS_ID_TOKEN_REQUEST_URL` (GitHub Actions, with `id-token: write`).
    pub github_request_url: Option<String>,
    /// `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
    pub github_request_token: Option<Secret>,
    /// `PYPI_ID_TOKEN` (GitLab CI `id_tokens:`).
    pub gitlab_id_token: Option<Secret>,
}

impl CiEnv {
    /// Whether an identity token can be had here.
    pub fn available(&self) -> bool {
        (self.github_request_url.is_some() && self.github_request_token.is_some())
            || self.gitlab_id_token.is_some()
    }
}

/// Whether to mint a token, given the mode, whether credentials were given and the CI.
pub fn wanted(mode: Mode, have_credentials: bool, ci: &CiEnv) -> Result<bool> {
    match mode {
        Mode::Never => Ok(false),
        Mode::Auto => Ok(!have_credentials && ci.available()),
        Mode::Always if ci.available() => Ok(true),
        Mode::Always => Err(Error::TrustedPublishing(
            "--trusted-publishing always, but no identity token here: on GitHub Actions the job needs `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN); on GitLab CI an `id_tokens: PYPI_ID_TOKEN` entry".into(),
        )),
    }
}

fn json(what: &str, body: &str) -> Result<serde_json::Value> {
    serde_json::from_str(body)
        .map_err(|e| Error::TrustedPublishing(format!("{what}: the answer is not JSON ({e})")))
}

/// Mint an upload token for `upload_url` with the CI's identity.
pub fn mint(client: &Client, upload_url: &Url, ci: &CiEnv, on: &mut dyn FnMut(Event)) -> Result<Credentials> {
    let origin = oidc_origin(upload_url);
    let tp = Error::TrustedPublishing;
    let id_token =
        if let (Some(req_url), Some(req_token)) = (&ci.github_request_url, &ci.github_request_token) {
            // 1. The audience the index wants.
            let aud_url =
                Url::parse(&format!("{origin}/_/oidc/audience")).map_err(|e| tp(format!("{origin}: {e}")))?;
            let a = exchange(client.agent(&aud_url, true)?.request_url("GET", &aud_url), Sent::Empty, on)
                .map_err(|e| tp(format!("GET {aud_url}: {e}")))?;
            if a.status != 200 {
                return Err(tp(format!(
                    "GET {aud_url}: {} (does this index support trusted publishing?)",
                    a.summary()
                )));
            }
            let audience = json(&format!("GET {aud_url}"), &a.body)?
                .get("audience")
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| tp(format!("GET {aud_url}: no `audience` in the answer")))?;
            // 2. GitHub's identity token for that audience.
            let mut gh = Url::parse(req_url)
                .map_err(|e| tp(format!("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL: {e}")))?;
            gh.query_pairs_mut().append_pair("audience", &audience);
            let req = client
                .agent(&gh, true)?
                .request_url("GET", &gh)
                .set("Authorization", &format!("bearer {}", req_token.expose()));
            let a = exchange(req, Sent::Empty, on)
                .map_err(|e| tp(format!("GitHub's OIDC token endpoint: {e}")))?;
            if a.status != 200 {
                return Err(tp(format!(
                    "GitHub's OIDC token endpoint: {} (does the job have `permissions: id-token: write`?)",
                    a.summary()
                )));
            }
            let value = json("GitHub's OIDC token endpoint", &a.body)?
                .get("value")
                .and_then(|v| v.as_str())
                .map(Secret::new)
                .ok_or_else(|| tp("GitHub's OIDC token endpoint: no `value` in the answer".into()))?;
            value
        } else if let Some(t) = &ci.gitlab_id_token {
            t.clone()
        } else {
            return Err(tp("no identity token (not on GitHub Actions or GitLab CI)".into()));
        };
    // 3. Exchange it for an upload token.
    let mint_url =
        Url::parse(&format!("{origin}/_/oidc/mint-token")).map_err(|e| tp(format!("{origin}: {e}")))?;
    let body = serde_json::json!({ "token": id_token.expose() }).to_string();
    let a = exchange(client.agent(&mint_url, false)?.request_url("POST", &mint_url), Sent::Json(body), on)
        .map_err(|e| tp(format!("POST {mint_url}: {e}")))?;
    if a.status != 200 {
        // The index's errors could quote the token it was given: the summary hides it.
        return Err(tp(format!("POST {mint_url}: {}", a.summary())));
    }
    let token = json(&format!("POST {mint_url}"), &a.body)?
        .get("token")
        .and_then(|v| v.as_str())
        .map(Secret::new)
        .ok_or_else(|| tp(format!("POST {mint_url}: no `token` in the answer")))?;
    Ok(Credentials {
        username: "__token__".into(),
        password: token,
        source: CredentialSource::TrustedPublishing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        let none = CiEnv::default();
        let gh = CiEnv {
            github_request_url: Some("http://x/?a=b".into()),
            github_request_token: Some(Secret::new("t")),
            ..CiEnv::default()
        };
        assert!(!wanted(Mode::Auto, false, &none).unwrap());
        assert!(wanted(Mode::Auto, false, &gh).unwrap());
        assert!(!wanted(Mode::Auto, true, &gh).unwrap());
        assert!(wanted(Mode::Always, true, &gh).unwrap());
        assert!(wanted(Mode::Always, false, &none).is_err());
        assert!(!wanted(Mode::Never, false, &gh).unwrap());
    }
}
