//! `cartwheel release`: the flags and the environment read, the release run
//! (crates/cartwheel-release), one line per step as it starts and ends, a summary.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use cartwheel_core::version::bump::Part;
use cartwheel_publish::target::{self, Target};
use cartwheel_release::{Event, GithubOptions, Options, Outcome, Request, StepStatus};
use serde::Serialize;

use crate::cli::{say, say_out};
use crate::publish_cmd::{ci_env, client, credentials_env, read_pypirc, secret_var, var};

/// Exit status: the release failed.
const FAILED: i32 = 1;
/// Exit status: a usage or configuration error.
const USAGE: i32 = 2;

/// Test only: SIGKILL the process right after the named step (the interruption tests).
const KILL_AFTER: &str = "CARTWHEEL_TEST_RELEASE_KILL";

/// `cartwheel release` flags.
#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// major, minor, patch, alpha, beta, rc, pre, post, dev, release, or a version (2.0.0rc1);
    /// omitted with --resume.
    #[arg(required_unless_present = "resume")]
    part: Option<String>,
    /// Project folder (holding pyproject.toml).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The rehearsal index: a .pypirc section or a built-in name [default: testpypi].
    #[arg(long, value_name = "NAME", conflicts_with_all = ["test_repository_url", "no_test_index"])]
    test_repository: Option<String>,
    /// The rehearsal index's upload URL (credentials as for `cartwheel publish`).
    #[arg(long, value_name = "URL", conflicts_with = "no_test_index")]
    test_repository_url: Option<String>,
    /// Skip the rehearsal on a test index.
    #[arg(long)]
    no_test_index: bool,
    /// The real index: a .pypirc section or a built-in name [default: pypi].
    #[arg(short = 'r', long, value_name = "NAME", conflicts_with = "repository_url")]
    repository: Option<String>,
    /// The real index's upload URL (credentials as for `cartwheel publish`).
    #[arg(long, value_name = "URL")]
    repository_url: Option<String>,
    /// The git remote the branch and the tag are pushed to.
    #[arg(long, default_value = "origin", conflicts_with = "no_push")]
    remote: String,
    /// Push nothing.
    #[arg(long)]
    no_push: bool,
    /// An interpreter for the smoke tests (a version such as 3.9, found on PATH or under
    /// pyenv, or a path); repeatable [default: [tool.cartwheel.release] python, else the one
    /// running cartwheel].
    #[arg(long = "python", value_name = "PY")]
    pythons: Vec<String>,
    /// Also create the GitHub release of the tag (GITHUB_TOKEN; GITHUB_API_URL,
    /// GITHUB_REPOSITORY).
    #[arg(long)]
    github_release: bool,
    /// Every check (bump, build, check and smoke test in a scratch clone); no change anywhere.
    #[arg(long)]
    dry_run: bool,
    /// Go on with a release that stopped after its first upload.
    #[arg(long, conflicts_with = "dry_run")]
    resume: bool,
    /// Output format (progress goes to stderr in both).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Seconds to keep asking an index for the files just uploaded while its pages catch up.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    index_wait: u64,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Lines for people.
    Text,
    /// One JSON object on stdout at the end (docs/release.md).
    Json,
}

/// Run `cartwheel release`; returns the exit status.
pub fn run(args: ReleaseArgs) -> i32 {
    let mut args = args;
    // `cartwheel release --resume PATH`: the one positional is the path.
    if args.resume && args.part.is_some() {
        if args.path != Path::new(".") {
            say("error: --resume goes on with the release begun: give no PART, only the PATH");
            return USAGE;
        }
        args.path = PathBuf::from(args.part.take().expect("checked"));
    }
    let request = match (&args.part, args.resume) {
        (_, true) => Request::Resume,
        (Some(p), false) => match p.parse::<Part>() {
            Ok(part) => Request::New(part),
            Err(msg) => {
                say(&format!("error: {msg}"));
                return USAGE;
            }
        },
        (None, false) => unreachable!("clap requires PART without --resume"),
    };
    let opts = match options(&args, request) {
        Ok(o) => o,
        Err(msg) => {
            say(&format!("error: {msg}"));
            return USAGE;
        }
    };
    let ids = watch_signals(&opts.interrupted);
    let outcome = cartwheel_release::run(&opts, &mut |e| show(&e));
    for id in ids {
        signal_hook::low_level::unregister(id);
    }
    report(&outcome, args.format)
}

/// Ctrl-C and SIGTERM set `flag` (the release stops before its next step) and still reach
/// the handler that was there (Python's raises KeyboardInterrupt once the command returns).
fn watch_signals(flag: &Arc<AtomicBool>) -> Vec<signal_hook::SigId> {
    [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM]
        .into_iter()
        .filter_map(|sig| signal_hook::flag::register(sig, Arc::clone(flag)).ok())
        .collect()
}

fn options(args: &ReleaseArgs, request: Request) -> Result<Options, String> {
    let pypirc = read_pypirc()?;
    // TWINE_REPOSITORY_URL is not read: it would make both indexes the same one.
    let env = target::Env { twine_repository_url: None, ..credentials_env() };
    let resolve = |repository: Option<String>, repository_url: Option<String>| -> Result<Target, String> {
        let o = target::Options {
            repository,
            repository_url,
            env: env.clone(),
            pypirc: pypirc.clone(),
            ..target::Options::default()
        };
        target::resolve(&o).map_err(|e| e.to_string())
    };
    let test_index = if args.no_test_index {
        None
    } else {
        let name = match (&args.test_repository, &args.test_repository_url) {
            (_, Some(_)) => None,
            (Some(n), None) => Some(n.clone()),
            (None, None) => Some("testpypi".to_string()),
        };
        Some(resolve(name, args.test_repository_url.clone())?)
    };
    let index = resolve(
        args.repository.clone().or_else(|| args.repository_url.is_none().then(|| "pypi".to_string())),
        args.repository_url.clone(),
    )?;
    let github = args.github_release.then(|| -> Result<GithubOptions, String> {
        let api = var("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into());
        Ok(GithubOptions {
            api: url::Url::parse(&api).map_err(|e| format!("GITHUB_API_URL `{api}`: {e}"))?,
            token: secret_var("GITHUB_TOKEN"),
            repository: var("GITHUB_REPOSITORY"),
        })
    });
    let host = crate::cli::host();
    let pyenv_root =
        var("PYENV_ROOT").map(PathBuf::from).or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    Ok(Options {
        project_dir: args.path.clone(),
        request,
        test_index,
        index,
        remote: (!args.no_push).then(|| args.remote.clone()),
        pythons: args.pythons.clone(),
        running_python: host.python.clone().unwrap_or_else(|| PathBuf::from(crate::migrate_cmd::python())),
        path_var: std::env::var_os("PATH"),
        pyenv_root,
        github: github.transpose()?,
        dry_run: args.dry_run,
        backend: host.package.clone(),
        client: client(Duration::from_secs(60)).map_err(|e| e.to_string())?,
        index_wait: Duration::from_secs(args.index_wait),
        kill_after: var(KILL_AFTER),
        interrupted: Arc::new(AtomicBool::new(false)),
        ci: ci_env(),
    })
}

/// One line per event on stderr.
fn show(e: &Event) {
    match e {
        Event::Start(step) => say(&format!("-> {}", step.name())),
        Event::End { step, seconds, detail } => {
            say(&format!("<- {} ({seconds:.2} s): {detail}", step.name()))
        }
        Event::Skipped { step, why } => say(&format!("-- {} skipped: {why}", step.name())),
        Event::Failed { step, seconds } => say(&format!("!! {} ({seconds:.2} s)", step.name())),
        Event::Warning(d) => say(&d.to_string()),
        Event::Note(text) => say(&format!("   {text}")),
        Event::Output(text) => say(&format!("     {text}")),
    }
}

/// The end: the error and what is left, or the notes and the links; the exit status.
fn report(o: &Outcome, format: Format) -> i32 {
    let status = match &o.failure {
        Some(f) => {
            let what =
                if o.version.is_empty() { String::new() } else { format!(" of {} {}", o.name, o.version) };
            match f.step {
                Some(step) => say(&format!("error: release{what} stopped at `{}`: {}", step.name(), f.cause)),
                None => say(&format!("error: {}", f.cause)),
            }
            if let Some(a) = &f.aftermath {
                say(a);
            }
            FAILED
        }
        None if o.dry_run => {
            say("Dry run: every check passed; nothing was committed, tagged, sent or pushed");
            0
        }
        None => {
            if format == Format::Text {
                if let Some(n) = &o.notes {
                    say_out(n);
                }
            }
            let url = o.url.clone().unwrap_or_default();
            say(&format!("Released {} {} (tag {}): {url}", o.name, o.version, o.tag));
            if let Some(f) = &o.notes_file {
                say(&format!("Release notes: {}", f.display()));
            }
            if let Some(g) = &o.github_url {
                say(&format!("GitHub release: {g}"));
            }
            0
        }
    };
    if format == Format::Json {
        say_out(&json(o));
    }
    status
}

#[derive(Serialize)]
struct JsonStep<'a> {
    step: &'a str,
    status: &'a str,
    seconds: f64,
    detail: &'a str,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    name: &'a str,
    sha256: &'a str,
    size: u64,
}

#[derive(Serialize)]
struct JsonOutcome<'a> {
    name: &'a str,
    version: &'a str,
    tag: &'a str,
    status: &'a str,
    failed_step: Option<&'a str>,
    steps: Vec<JsonStep<'a>>,
    files: Vec<JsonFile<'a>>,
    notes_file: Option<String>,
    url: Option<&'a str>,
    github_url: Option<&'a str>,
    error: Option<&'a str>,
    aftermath: Option<&'a str>,
}

fn json(o: &Outcome) -> String {
    let out = JsonOutcome {
        name: &o.name,
        version: &o.version,
        tag: &o.tag,
        status: match (&o.failure, o.dry_run) {
            (Some(_), _) => "failed",
            (None, true) => "dry-run",
            (None, false) => "released",
        },
        failed_step: o.failure.as_ref().and_then(|f| f.step).map(|s| s.name()),
        steps: o
            .steps
            .iter()
            .map(|s| JsonStep {
                step: s.step.name(),
                status: match s.status {
                    StepStatus::Done => "done",
                    StepStatus::Skipped => "skipped",
                    StepStatus::Failed => "failed",
                },
                seconds: (s.seconds * 1000.0).round() / 1000.0,
                detail: &s.detail,
            })
            .collect(),
        files: o.files.iter().map(|f| JsonFile { name: &f.name, sha256: &f.sha256, size: f.size }).collect(),
        notes_file: o.notes_file.as_ref().map(|p| p.display().to_string()),
        url: o.url.as_deref(),
        github_url: o.github_url.as_deref(),
        error: o.failure.as_ref().map(|f| f.cause.as_str()),
        aftermath: o.failure.as_ref().and_then(|f| f.aftermath.as_deref()),
    };
    serde_json::to_string_pretty(&out).expect("serializable")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrap {
        #[command(flatten)]
        args: ReleaseArgs,
    }

    #[test]
    fn flags() {
        let w = Wrap::try_parse_from([
            "x",
            "minor",
            "proj",
            "--no-test-index",
            "--python",
            "3.9",
            "--python",
            "3.13",
        ])
        .unwrap();
        assert_eq!(w.args.part.as_deref(), Some("minor"));
        assert_eq!(w.args.path, PathBuf::from("proj"));
        assert!(w.args.no_test_index);
        assert_eq!(w.args.pythons, ["3.9", "3.13"]);
        // PART is required unless resuming; --resume and --dry-run, --no-push and --remote,
        // --no-test-index and a test index do not go together.
        assert!(Wrap::try_parse_from(["x"]).is_err());
        assert!(Wrap::try_parse_from(["x", "--resume"]).is_ok());
        assert!(Wrap::try_parse_from(["x", "--resume", "--dry-run"]).is_err());
        assert!(Wrap::try_parse_from(["x", "patch", "--no-push", "--remote", "up"]).is_err());
        assert!(Wrap::try_parse_from(["x", "patch", "--no-test-index", "--test-repository", "t"]).is_err());
    }
}
