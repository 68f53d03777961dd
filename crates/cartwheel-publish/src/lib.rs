//! Upload wheels and sdists to PyPI, TestPyPI and any index that speaks the legacy upload API
//! (devpi, pypiserver, Artifactory, ...): what `cartwheel publish` and `cartwheel release` run.
//!
//! Data in, data out: nothing here prints or reads the environment or argv. The caller fills
//! [`target::Options`] (flags, environment values, the .pypirc text), gets a
//! [`target::Target`] (upload URL, simple-API URL, credentials), describes each file as a
//! [`dist::Dist`] and calls [`upload::upload`], which reports per-file [`upload::Event`]s as
//! they happen and returns one [`upload::Outcome`] per file.
//!
//! ```text
//! .pypirc ─► pypirc ─┐
//! flags/env ─────────┴─► target::resolve ─► Target ─┐
//!                       oidc (trusted publishing) ──┤
//! METADATA ─► dist::Dist (form fields, digests) ────┴─► upload ─► form (streamed) ─► index
//!                                                          └─► simple (sha256 lookup)
//! ```
//!
//! # Why ureq 2 (and not ureq 3 or reqwest)
//!
//! An upload is a handful of sequential requests from a command line tool: a blocking client
//! is the natural fit, and ureq is one with no async runtime (reqwest's blocking client runs a
//! tokio runtime on a thread and brings hyper, h2 and tower: several hundred KiB more in every
//! build hook process that loads the extension, and minutes more to compile). ureq 3 was the
//! first choice but drops the HTTP reason phrase, which is where PyPI puts the reason of a
//! refusal (`400 File already exists.`, `400 Invalid value for version`): ureq 2 keeps it
//! (`Response::status_text`). ureq 2 with rustls (ring) lets us hand it a rustls
//! `ClientConfig` built from the system's certificate store plus `SSL_CERT_FILE` /
//! `REQUESTS_CA_BUNDLE`, refuses redirects on request (`redirects(0)`), sends a reader with a
//! caller-set `Content-Length` (the multipart body is streamed from the file with its exact
//! length known in advance), and has connect/read/write timeouts and HTTP(S) proxies.

pub mod dist;
pub mod form;
pub mod http;
pub mod oidc;
pub mod pypirc;
pub mod secret;
pub mod simple;
pub mod target;
pub mod upload;

pub use secret::Secret;

/// Everything that can go wrong before or around a file's upload (a file's own refusal by the
/// index is an [`upload::Outcome`], not an error). Messages never hold a secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A .pypirc that cannot be read or parsed: `file:line: why`.
    #[error("{file}:{line}: {message}")]
    Pypirc {
        /// The file as given.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A repository name that is neither built in nor a .pypirc section.
    #[error("{0}")]
    UnknownRepository(String),
    /// A URL that cannot be used.
    #[error("{0}")]
    Url(String),
    /// No way to authenticate.
    #[error("{0}")]
    Credentials(String),
    /// A file that cannot be read.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// Trusted publishing (OIDC) failed.
    #[error("trusted publishing: {0}")]
    TrustedPublishing(String),
    /// A request failed (network, TLS, unexpected answer).
    #[error("{0}")]
    Http(String),
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
