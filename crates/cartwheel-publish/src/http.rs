//! The HTTP client settings: timeouts, TLS roots, proxies, the User-Agent (values passed in).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::{Error, Result};

/// How to reach the index.
#[derive(Clone)]
pub struct Options {
    /// `User-Agent` (`cartwheel/<version>`).
    pub user_agent: String,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Timeout for each read (and write) on the socket: an index that stops answering.
    pub read_timeout: Duration,
    /// Extra CA certificates (`SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`): PEM files added to the
    /// system's store.
    pub ca_bundles: Vec<PathBuf>,
    /// `HTTPS_PROXY` (for https URLs).
    pub https_proxy: Option<String>,
    /// `HTTP_PROXY` (for http URLs).
    pub http_proxy: Option<String>,
    /// `NO_PROXY`: comma-separated hosts, `.suffix`es or `*`.
    pub no_proxy: Option<String>,
}

/// Proxy URLs may hold `user:password@`: shown redacted.
impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("ca_bundles", &self.ca_bundles)
            .field("https_proxy", &self.https_proxy.as_deref().map(redact_proxy))
            .field("http_proxy", &self.http_proxy.as_deref().map(redact_proxy))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            user_agent: format!("cartwheel-publish/{}", env!("CARGO_PKG_VERSION")),
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(60),
            ca_bundles: Vec::new(),
            https_proxy: None,
            http_proxy: None,
            no_proxy: None,
        }
    }
}

/// A configured client; agents are made per URL (the proxy depends on the host).
#[derive(Clone)]
pub struct Client {
    opts: Options,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("opts", &self.opts).finish_non_exhaustive()
    }
}

impl Client {
    /// A client; loads the certificate stores now (an unreadable CA bundle is an error).
    pub fn new(opts: Options) -> Result<Self> {
        let tls = tls_config(&opts.ca_bundles)?;
        Ok(Self { opts, tls })
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// An agent for requests to `url`; `follow`: whether redirects are followed (never for an
    /// upload: a 301/302/308 drops or replays the body).
    pub fn agent(&self, url: &Url, follow: bool) -> Result<ureq::Agent> {
        let mut b = ureq::AgentBuilder::new()
            .user_agent(&self.opts.user_agent)
            .timeout_connect(self.opts.connect_timeout)
            .timeout_read(self.opts.read_timeout)
            .timeout_write(self.opts.read_timeout)
            .redirects(if follow { 5 } else { 0 });
        if let Some(tls) = &self.tls {
            b = b.tls_config(tls.clone());
        }
        if let Some(proxy) = self.proxy_for(url) {
            let p = ureq::Proxy::new(&proxy)
                .map_err(|e| Error::Http(format!("proxy `{}`: {e}", redact_proxy(&proxy))))?;
            b = b.proxy(p);
        }
        Ok(b.build())
    }

    /// The proxy for `url`, unless NO_PROXY exempts its host.
    pub fn proxy_for(&self, url: &Url) -> Option<String> {
        let proxy = match url.scheme() {
            "https" => self.opts.https_proxy.clone(),
            _ => self.opts.http_proxy.clone(),
        }
        .filter(|p| !p.is_empty())?;
        let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        if no_proxy_matches(self.opts.no_proxy.as_deref().unwrap_or(""), host) {
            return None;
        }
        Some(proxy)
    }
}

/// A proxy URL without its credentials, for messages.
fn redact_proxy(p: &str) -> String {
    match (p.find("://"), p.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***{}", &p[..s + 3], &p[at..]),
        _ => p.to_string(),
    }
}

/// Whether `host` is on a NO_PROXY list (curl's rules: `*`, exact names, domain suffixes with
/// or without a leading dot).
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    list.split(',').map(str::trim).filter(|e| !e.is_empty()).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = entry.to_ascii_lowercase();
        // A port in the entry (`localhost:8080`) is not compared: hosts are.
        let entry = entry
            .rsplit_once(':')
            .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
            .map_or(entry.as_str(), |(h, _)| h);
        let bare = entry.trim_start_matches("*.").trim_start_matches('.');
        host == bare || host.ends_with(&format!(".{bare}"))
    })
}

/// rustls with the system's roots plus the extra bundles; `None` (ureq's bundled Mozilla
/// roots) when the system has none and no bundle is given.
fn tls_config(bundles: &[PathBuf]) -> Result<Option<Arc<rustls::ClientConfig>>> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        // A certificate the system holds but rustls cannot use is skipped, as browsers do.
        let _ = roots.add(cert);
    }
    for bundle in bundles {
        let shown = bundle.display();
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(bundle)
            .map_err(|e| Error::Http(format!("CA bundle {shown}: {e}")))?
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Http(format!("CA bundle {shown}: {e}")))?;
        if certs.is_empty() {
            return Err(Error::Http(format!("CA bundle {shown}: no PEM certificate in it")));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| Error::Http(format!("CA bundle {shown}: {e}")))?;
        }
    }
    if roots.is_empty() {
        return Ok(None);
    }
    // ring, the provider ureq 2 builds rustls with (aws-lc-rs would add a C/cmake build);
    // rustls deprecates it only for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Http(format!("TLS set-up: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Some(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy() {
        assert!(no_proxy_matches("localhost,.example.com", "localhost"));
        assert!(no_proxy_matches("localhost,.example.com", "a.example.com"));
        assert!(no_proxy_matches("example.com", "example.com"));
        assert!(no_proxy_matches("127.0.0.1:8080", "127.0.0.1"));
        assert!(!no_proxy_matches("example.com", "badexample.com"));
        assert!(no_proxy_matches("*", "pypi.org"));
        assert!(!no_proxy_matches("", "pypi.org"));
    }

    #[test]
    fn proxy_credentials_never_shown() {
        let o = Options { https_proxy: Some("http://bob:hunter2@proxy:3128".into()), ..Options::default() };
        let shown = format!("{o:?}");
        assert!(shown.contains("http://***@proxy:3128") && !shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn proxies_per_host() {
        let c = Client::new(Options {
            https_proxy: Some("http://proxy:3128".into()),
            no_proxy: Some("internal".into()),
            ..Options::default()
        })
        .unwrap();
        assert_eq!(
            c.proxy_for(&Url::parse("https://pypi.org/").unwrap()).as_deref(),
            Some("http://proxy:3128")
        );
        assert_eq!(c.proxy_for(&Url::parse("https://internal/").unwrap()), None);
        assert_eq!(c.proxy_for(&Url::parse("http://pypi.org/").unwrap()), None);
    }
}
