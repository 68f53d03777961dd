//! The GitHub release of a tag through GitHub's REST API: the release, then each file as an
//! asset; resumable (an existing release is reused, assets it already has are skipped).

use std::path::PathBuf;

/// A repository.
pub struct Repo {
    /// Owner.
    pub owner: String,
    /// Name.
    pub name: String,
}

/// Parse `owner/name` or a remote URL (stub).
pub fn parse_repository(_text: &str) -> Option<Repo> {
    None
}

/// A release to make.
pub struct Release<'a> {
    /// API base.
    pub api: &'a url::Url,
    /// Repository.
    pub repo: &'a Repo,
    /// Token.
    pub token: &'a cartwheel_publish::Secret,
    /// Tag.
    pub tag: &'a str,
    /// Name.
    pub name: &'a str,
    /// Body.
    pub body: &'a str,
    /// Pre-release.
    pub prerelease: bool,
    /// Assets.
    pub files: &'a [PathBuf],
}

/// Made.
pub struct Published {
    /// Page.
    pub html_url: String,
    /// Uploaded.
    pub uploaded: Vec<String>,
    /// Skipped.
    pub skipped: Vec<String>,
    /// Reused.
    pub reused: bool,
}

/// Create the release (stub).
pub fn publish(
    _client: &cartwheel_publish::http::Client,
    _r: &Release,
    _on: &mut dyn FnMut(cartwheel_publish::upload::Event),
) -> Result<Published, String> {
    Err("stub".into())
}
