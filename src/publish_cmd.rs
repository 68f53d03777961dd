//! `cartwheel publish`: the flags and environment read, every file checked, then the upload
//! (crates/cartwheel-publish) with a progress bar or one summary line per file.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cartwheel_publish::dist::Dist;
use cartwheel_publish::oidc::{self, CiEnv, Mode};
use cartwheel_publish::pypirc::Pypirc;
use cartwheel_publish::target::{self, Env, Target};
use cartwheel_publish::upload::{self, Event, Outcome, Status};
use cartwheel_publish::{http, Secret};
use serde::Serialize;

use crate::cli::say;

/// Exit status: a file failed (its check, or the index refused it).
const FAILED: i32 = 1;
/// Exit status: a usage or configuration error (flags, .pypirc, repository, credentials).
const USAGE: i32 = 2;

/// `cartwheel publish` flags.
#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// Distribution files, folders or glob patterns [default: dist/*.whl dist/*.tar.gz].
    dists: Vec<String>,
    /// A section of ~/.pypirc (or of the file $PYPIRC names); `pypi` and `testpypi` are built in.
    #[arg(short = 'r', long)]
    repository: Option<String>,
    /// The upload endpoint (legacy upload API); overrides --repository.
    #[arg(long, value_name = "URL")]
    repository_url: Option<String>,
    /// The index's simple API, asked for the sha256 of files already there [default: derived
    /// from the upload URL, or `index_url` in the .pypirc section].
    #[arg(long, value_name = "URL")]
    check_url: Option<String>,
    /// User name (else CARTWHEEL_USERNAME, TWINE_USERNAME, the .pypirc).
    #[arg(short = 'u', long)]
    username: Option<String>,
    /// Password (else CARTWHEEL_PASSWORD, TWINE_PASSWORD, the .pypirc); prefer the environment.
    #[arg(short = 'p', long)]
    password: Option<Secret>,
    /// API token, sent with the user name `__token__` (else CARTWHEEL_TOKEN); prefer the
    /// environment.
    #[arg(long)]
    token: Option<Secret>,
    /// Mint a short-lived token with the CI's identity (GitHub Actions, GitLab CI).
    #[arg(long, value_enum, default_value_t = TrustedPublishing::Auto)]
    trusted_publishing: TrustedPublishing,
    /// A file whose exact bytes (sha256) the index already has is skipped.
    #[arg(long)]
    skip_existing: bool,
    /// Check and list what would be uploaded; no network at all.
    #[arg(long)]
    dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Seconds without progress (connecting, sending, waiting for the answer) before a try
    /// is abandoned.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    timeout: f64,
    /// Show each request and answer (never a secret).
    #[arg(short = 'v', long)]
    verbose: bool,
}

/// `--trusted-publishing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TrustedPublishing {
    /// On GitHub Actions / GitLab CI when no credentials are given.
    Auto,
    /// Always (an error elsewhere).
    Always,
    /// Never.
    Never,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A line per file.
    Text,
    /// A JSON array, one object per file (schema in docs/publish.md).
    Json,
}

/// One file in `--format json` (docs/publish.md).
#[derive(Debug, Serialize)]
struct JsonFile<'a> {
    file: String,
    name: &'a str,
    size: u64,
    sha256: &'a str,
    status: &'a str,
    http_status: Option<u16>,
    answer: &'a str,
    url: Option<&'a str>,
}

/// An environment variable, when set and not empty.
pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// An environment variable holding a secret.
pub(crate) fn secret_var(name: &str) -> Option<Secret> {
    var(name).map(Secret::new)
}

/// Run `cartwheel publish`; returns the exit status.
pub fn run(args: PublishArgs) -> i32 {
    if args.password.is_some() || args.token.is_some() {
        let what = if args.token.is_some() { "token" } else { "password" };
        say(&format!(
            "warning: a {what} on the command line can be read by other users (process list, shell history): set CARTWHEEL_{} in the environment instead",
            what.to_ascii_uppercase()
        ));
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        say(&format!("error: --timeout must be a positive number of seconds, not {}", args.timeout));
        return USAGE;
    }
    // 1. Where to and as whom (no network yet).
    let pypirc = match read_pypirc() {
        Ok(rc) => rc,
        Err(e) => {
            say(&format!("error: {e}"));
            return USAGE;
        }
    };
    let opts = target::Options {
        repository: args.repository.clone(),
        repository_url: args.repository_url.clone(),
        check_url: args.check_url.clone(),
        username: args.username.clone(),
        password: args.password.clone(),
        token: args.token.clone(),
        env: credentials_env(),
        pypirc,
    };
    let mut target = match target::resolve(&opts) {
        Ok(t) => t,
        Err(e) => {
            say(&format!("error: {e}"));
            return USAGE;
        }
    };
    // 2. Every file checked before the first request.
    let files = match expand(&args.dists) {
        Ok(f) => f,
        Err(e) => {
            say(&format!("error: {e}"));
            return FAILED;
        }
    };
    let ignore = match project_check_ignore(Path::new(".")) {
        Ok(codes) => codes,
        Err(e) => {
            say(&e);
            return USAGE;
        }
    };
    let dists = match check_all(&files, ignore) {
        Ok(d) => d,
        Err(()) => return FAILED,
    };
    let mut ordered: Vec<&(PathBuf, Dist)> = dists.iter().collect();
    ordered.sort_by_key(|(_, d)| d.filetype != cartwheel_publish::dist::FileType::Wheel);
    if args.dry_run {
        return dry_run(&args, &target, &ordered);
    }
    // 3. The client, trusted publishing, the upload.
    let client = match client(Duration::from_secs_f64(args.timeout)) {
        Ok(c) => c,
        Err(e) => {
            say(&format!("error: {e}"));
            return USAGE;
        }
    };
    let mut printer = Printer::new(args.verbose, args.format == Format::Text);
    let ci = ci_env();
    let mode = match args.trusted_publishing {
        TrustedPublishing::Auto => Mode::Auto,
        TrustedPublishing::Always => Mode::Always,
        TrustedPublishing::Never => Mode::Never,
    };
    match oidc::wanted(mode, target.credentials.is_some(), &ci) {
        Err(e) => {
            say(&format!("error: {e}"));
            return USAGE;
        }
        Ok(false) => {}
        Ok(true) => match oidc::mint(&client, &target.upload_url, &ci, &mut |e| printer.event(e)) {
            Ok(c) => {
                say(&format!(
                    "Trusted publishing: minted a short-lived upload token at {}",
                    target::oidc_origin(&target.upload_url)
                ));
                target.credentials = Some(c);
            }
            Err(e) => {
                say(&format!("error: {e}"));
                return FAILED;
            }
        },
    }
    match &target.credentials {
        None => say(&format!(
            "warning: no credentials for {} (--token, CARTWHEEL_TOKEN, --username/--password, TWINE_*, the .pypirc, trusted publishing): uploading without",
            target.upload_url
        )),
        Some(c) if args.verbose => say(&format!("Credentials: user `{}` from {}", c.username, c.source)),
        Some(_) => {}
    }
    let list: Vec<Dist> = ordered.iter().map(|(_, d)| d.clone()).collect();
    let uopts = upload::Options { skip_existing: args.skip_existing, ..upload::Options::default() };
    let outcomes = upload::upload(&client, &target, &list, &uopts, &mut |e| printer.event(e));
    printer.finish();
    if args.format == Format::Json {
        let paths: Vec<&Path> = ordered.iter().map(|(p, _)| p.as_path()).collect();
        print_json(&paths, &outcomes);
    }
    if outcomes.iter().any(|o| o.status == Status::Failed) {
        FAILED
    } else {
        0
    }
}

/// The credentials the environment gives (CARTWHEEL_*, TWINE_*).
pub(crate) fn credentials_env() -> Env {
    Env {
        cartwheel_username: var("CARTWHEEL_USERNAME"),
        cartwheel_password: secret_var("CARTWHEEL_PASSWORD"),
        cartwheel_token: secret_var("CARTWHEEL_TOKEN"),
        twine_username: var("TWINE_USERNAME"),
        twine_password: secret_var("TWINE_PASSWORD"),
        twine_repository_url: var("TWINE_REPOSITORY_URL"),
    }
}

/// What trusted publishing needs from the CI's environment.
pub(crate) fn ci_env() -> CiEnv {
    CiEnv {
        github_request_url: var("ACTIONS_ID_TOKEN_REQUEST_URL"),
        github_request_token: secret_var("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
        gitlab_id_token: secret_var("PYPI_ID_TOKEN"),
    }
}

/// The HTTP client, with the environment's CA bundles and proxies.
pub(crate) fn client(timeout: Duration) -> cartwheel_publish::Result<http::Client> {
    let mut ca_bundles = Vec::new();
    for name in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"] {
        if let Some(p) = var(name) {
            ca_bundles.push(PathBuf::from(p));
        }
    }
    http::Client::new(http::Options {
        user_agent: format!("cartwheel/{}", env!("CARGO_PKG_VERSION")),
        connect_timeout: timeout.min(Duration::from_secs(15)),
        read_timeout: timeout,
        ca_bundles,
        https_proxy: var("HTTPS_PROXY").or_else(|| var("https_proxy")),
        http_proxy: var("HTTP_PROXY").or_else(|| var("http_proxy")),
        no_proxy: var("NO_PROXY").or_else(|| var("no_proxy")),
    })
}

/// The .pypirc from $PYPIRC or ~/.pypirc, when there is one.
pub(crate) fn read_pypirc() -> Result<Option<Pypirc>, String> {
    let (path, named) = match var("PYPIRC") {
        Some(p) => (PathBuf::from(p), true),
        None => match var("HOME") {
            Some(h) => (Path::new(&h).join(".pypirc"), false),
            None => return Ok(None),
        },
    };
    if !path.exists() {
        if named {
            return Err(format!("PYPIRC names `{}`, which does not exist", path.display()));
        }
        return Ok(None);
    }
    let text = fs_err::read_to_string(&path).map_err(|e| e.to_string())?;
    Pypirc::parse(&path.display().to_string(), &text).map(Some).map_err(|e| e.to_string())
}

/// The files named, or dist/*.whl and dist/*.tar.gz.
fn expand(args: &[String]) -> Result<Vec<PathBuf>, String> {
    if !args.is_empty() {
        return cartwheel_check::inputs::expand(args);
    }
    let mut out: Vec<PathBuf> = Vec::new();
    if let Ok(rd) = std::fs::read_dir("dist") {
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".whl") || name.ends_with(".tar.gz") {
                out.push(Path::new("dist").join(name));
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(
            "no dist/*.whl or dist/*.tar.gz here: build first (`cartwheel build`) or name the files".into()
        );
    }
    Ok(out)
}

/// The warnings a cartwheel project in `dir` asks every check of its files to drop
/// (`[tool.cartwheel] check-ignore`): published files are checked as their build checked them.
/// Other projects (and folders without pyproject.toml) ignore nothing; a cartwheel project whose
/// pyproject.toml is invalid is the rendered error.
fn project_check_ignore(dir: &Path) -> Result<Vec<String>, String> {
    let Ok(text) = std::fs::read_to_string(dir.join("pyproject.toml")) else { return Ok(Vec::new()) };
    let doc = text.parse::<toml_edit::DocumentMut>().ok();
    let backend =
        doc.as_ref().and_then(|d| d.get("build-system")?.get("build-backend")?.as_str().map(str::to_string));
    if backend.as_deref() != Some("cartwheel") {
        return Ok(Vec::new());
    }
    let project =
        cartwheel_core::pyproject::load(dir, &mut Vec::new()).map_err(|e| e.to_diagnostic().to_string())?;
    Ok(project.tool.check_ignore_codes())
}

/// `cartwheel check` (default level, less the `ignore`d warnings) on every file, in parallel;
/// the form fields of each.
fn check_all(files: &[PathBuf], ignore: Vec<String>) -> Result<Vec<(PathBuf, Dist)>, ()> {
    use rayon::prelude::*;
    let options = cartwheel_check::Options { ignore, ..cartwheel_check::Options::default() };
    let checked: Vec<_> = files
        .par_iter()
        .map(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let (mut report, text) = cartwheel_check::check_file_for_upload(path, &name, &options);
            report.file = path.display().to_string();
            let dist = if report.failed() {
                None
            } else {
                Some(cartwheel_release::dist_of(path, text.as_deref().unwrap_or_default()))
            };
            (path.clone(), report, dist)
        })
        .collect();
    let mut ok = true;
    let mut out = Vec::new();
    for (path, report, dist) in checked {
        if report.failed() {
            ok = false;
            say(cartwheel_check::report::text(&report).trim_end());
            continue;
        }
        for w in report.with_severity(cartwheel_check::Severity::Warning) {
            say(&format!("warning: {}: {}", path.display(), w.finding_line()));
        }
        match dist {
            Some(Ok(d)) => out.push((path, d)),
            Some(Err(e)) => {
                ok = false;
                say(&format!("error: {e}"));
            }
            None => {}
        }
    }
    if ok {
        Ok(out)
    } else {
        say("error: nothing was uploaded: every file must pass `cartwheel check` first");
        Err(())
    }
}

fn dry_run(args: &PublishArgs, target: &Target, dists: &[&(PathBuf, Dist)]) -> i32 {
    if args.format == Format::Json {
        let files: Vec<JsonFile> = dists
            .iter()
            .map(|(p, d)| JsonFile {
                file: p.display().to_string(),
                name: &d.filename,
                size: d.size,
                sha256: &d.sha256,
                status: "would_upload",
                http_status: None,
                answer: "",
                url: None,
            })
            .collect();
        crate::cli::say_out(&serde_json::to_string_pretty(&files).expect("serializable"));
    } else {
        for (_, d) in dists {
            say(&format!("Would upload {} ({}) to {}", d.filename, human_size(d.size), target.upload_url));
        }
        say("Dry run: nothing was sent");
    }
    0
}

fn print_json(paths: &[&Path], outcomes: &[Outcome]) {
    let files: Vec<JsonFile> = paths
        .iter()
        .zip(outcomes)
        .map(|(p, o)| JsonFile {
            file: p.display().to_string(),
            name: &o.filename,
            size: o.size,
            sha256: &o.sha256,
            status: match o.status {
                Status::Uploaded => "uploaded",
                Status::Skipped => "skipped",
                Status::Failed => "failed",
            },
            http_status: o.http_status,
            answer: &o.answer,
            url: o.url.as_deref(),
        })
        .collect();
    crate::cli::say_out(&serde_json::to_string_pretty(&files).expect("serializable"));
}

/// Shows the events: a progress bar per file on a terminal, a summary line per file in any
/// case (text format), each request with `-v`.
struct Printer {
    verbose: bool,
    text: bool,
    bar: Option<indicatif::ProgressBar>,
    terminal: bool,
    current: String,
}

impl Printer {
    fn new(verbose: bool, text: bool) -> Self {
        let terminal = text && std::io::stderr().is_terminal();
        Self { verbose, text, bar: None, terminal, current: String::new() }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| say(text)),
            None => say(text),
        }
    }

    fn event(&mut self, e: Event) {
        match e {
            Event::Start { dist } => {
                self.current = dist.filename.clone();
                if self.terminal {
                    let bar = indicatif::ProgressBar::new(dist.size);
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{msg} [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec}",
                        )
                        .expect("valid template")
                        .progress_chars("=> "),
                    );
                    bar.set_message(dist.filename.clone());
                    self.bar = Some(bar);
                }
            }
            Event::Progress { sent, total } => {
                if let Some(bar) = &self.bar {
                    // The bar counts the body, whose length is the file's plus the form.
                    bar.set_length(total);
                    bar.set_position(sent);
                }
            }
            Event::Request { method, url, headers } => {
                if self.verbose {
                    let mut text = format!("> {method} {url}");
                    for (k, v) in headers {
                        text.push_str(&format!("\n>   {k}: {v}"));
                    }
                    self.line(&text);
                }
            }
            Event::Response { status, reason, elapsed } => {
                if self.verbose {
                    self.line(&format!("< {status} {reason} ({:.2} s)", elapsed.as_secs_f64()));
                }
            }
            Event::NetworkError { message } => {
                if self.verbose {
                    self.line(&format!("! {message}"));
                }
            }
            Event::Retry { attempt, wait, why } => {
                self.line(&format!(
                    "warning: {}: {why}; trying again in {:.1} s (try {attempt})",
                    self.current,
                    wait.as_secs_f64()
                ));
            }
            Event::Note { message } => self.line(&format!("note: {message}")),
            Event::Done { outcome } => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                if self.text {
                    say(&summary(outcome));
                }
            }
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// `Uploaded NAME (SIZE): ANSWER; now at URL`.
fn summary(o: &Outcome) -> String {
    let size = human_size(o.size);
    match (o.status, &o.url) {
        (Status::Uploaded, Some(url)) => {
            format!("Uploaded {} ({size}): {}; now at {url}", o.filename, o.answer)
        }
        (Status::Skipped, Some(url)) => format!("Skipped {} ({size}): {}; at {url}", o.filename, o.answer),
        (Status::Uploaded, None) => format!("Uploaded {} ({size}): {}", o.filename, o.answer),
        (Status::Skipped, None) => format!("Skipped {} ({size}): {}", o.filename, o.answer),
        (Status::Failed, _) => format!("Failed {} ({size}): {}", o.filename, o.answer),
    }
}

fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    for unit in ["KiB", "MiB", "GiB"] {
        if size < 1024.0 || unit == "GiB" {
            return format!("{size:.1} {unit}");
        }
        size /= 1024.0;
    }
    unreachable!()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrap {
        #[command(flatten)]
        args: PublishArgs,
    }

    #[test]
    fn secrets_never_in_debug() {
        let w = Wrap::try_parse_from(["x", "-p", "hunter2", "--token", "pypi-tok", "dist/a.whl"]).unwrap();
        let shown = format!("{w:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("pypi-tok"), "{shown}");
        assert_eq!(w.args.password.as_ref().map(Secret::expose), Some("hunter2"));
    }
}
