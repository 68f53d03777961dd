//! The steps in order, the undo before the first upload, the state after it, `--resume`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cartwheel_core::diagnostic::{count, Diagnostic};
use cartwheel_core::version::bump::{self, Part};
use cartwheel_publish::dist::Dist;
use cartwheel_publish::http::Client;
use cartwheel_publish::target::Target;
use cartwheel_publish::upload::{self, Status};
use cartwheel_publish::{simple, Secret};

use crate::git;
use crate::smoke::{self, Expect, Install, Interpreter, Smoke};
use crate::state::{FileRecord, Phase, State, Store};

/// The steps, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// Git, credentials, version, indexes, interpreters: everything later steps need.
    Preflight,
    /// `[tool.cartwheel.release] checks`.
    Checks,
    /// Version source, stamp targets, changelog; commit; annotated tag.
    Bump,
    /// Wheel and sdist from a clean clone of the tag.
    Build,
    /// `cartwheel check --strict`.
    Check,
    /// Fresh venvs: install, import, `__version__`, console scripts.
    Smoke,
    /// Upload to the test index.
    TestUpload,
    /// The test index serves the built bytes.
    TestVerify,
    /// Install from the test index and smoke test.
    TestInstall,
    /// Upload to the real index.
    Upload,
    /// The real index serves the built bytes.
    Verify,
    /// Install from the real index and smoke test.
    Install,
    /// Push the branch and the tag.
    Push,
    /// The release notes: printed and written to a file, the files copied to `dist/`.
    Notes,
    /// The GitHub release.
    GithubRelease,
}

impl Step {
    /// Every step in order.
    pub const ALL: [Step; 15] = [
        Step::Preflight,
        Step::Checks,
        Step::Bump,
        Step::Build,
        Step::Check,
        Step::Smoke,
        Step::TestUpload,
        Step::TestVerify,
        Step::TestInstall,
        Step::Upload,
        Step::Verify,
        Step::Install,
        Step::Push,
        Step::Notes,
        Step::GithubRelease,
    ];

    /// The name printed.
    pub fn name(self) -> &'static str {
        match self {
            Step::Preflight => "preflight",
            Step::Checks => "checks",
            Step::Bump => "bump",
            Step::Build => "build",
            Step::Check => "check",
            Step::Smoke => "smoke",
            Step::TestUpload => "test-upload",
            Step::TestVerify => "test-verify",
            Step::TestInstall => "test-install",
            Step::Upload => "upload",
            Step::Verify => "verify",
            Step::Install => "install",
            Step::Push => "push",
            Step::Notes => "notes",
            Step::GithubRelease => "github-release",
        }
    }

    /// The step named `name`.
    pub fn from_name(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// What to do.
#[derive(Debug, Clone)]
pub enum Request {
    /// A new release: the part to bump or the version.
    New(Part),
    /// Go on with the release the state file describes.
    Resume,
}

/// `--github-release`, with the environment's values.
#[derive(Debug, Clone)]
pub struct GithubOptions {
    /// `GITHUB_API_URL` (default `https://api.github.com`).
    pub api: url::Url,
    /// `GITHUB_TOKEN`.
    pub token: Option<Secret>,
    /// `GITHUB_REPOSITORY` (`owner/name`); else parsed from the remote's URL.
    pub repository: Option<String>,
}

/// Everything a release needs, read by the caller from flags and the environment.
#[derive(Debug)]
pub struct Options {
    /// The project folder.
    pub project_dir: PathBuf,
    /// New or resume.
    pub request: Request,
    /// The test index (`None`: `--no-test-index`).
    pub test_index: Option<Target>,
    /// The real index.
    pub index: Target,
    /// The remote to push to (`None`: `--no-push`).
    pub remote: Option<String>,
    /// `--python` specs; empty: the config's, else `running_python`.
    pub pythons: Vec<String>,
    /// The interpreter running cartwheel.
    pub running_python: PathBuf,
    /// PATH, for finding `3.9`-style interpreters.
    pub path_var: Option<OsString>,
    /// The pyenv root (`PYENV_ROOT`, else `~/.pyenv`).
    pub pyenv_root: Option<PathBuf>,
    /// `--github-release`.
    pub github: Option<GithubOptions>,
    /// `--dry-run`.
    pub dry_run: bool,
    /// The running cartwheel's package folder: the backend of an un-isolated sdist build.
    pub backend: Option<PathBuf>,
    /// The HTTP client.
    pub client: Client,
    /// How long verify and install keep trying while an index's pages catch up.
    pub index_wait: Duration,
    /// Test only: SIGKILL this process right after the named step ends.
    pub kill_after: Option<String>,
    /// Set (by the caller's signal handler) on Ctrl-C or SIGTERM: the release stops before the
    /// next step, undone or resumable as any failure there.
    pub interrupted: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The CI's identity, for trusted publishing to an index given no credentials (a token is
    /// minted right before each upload: they live 15 minutes, a release may take longer).
    pub ci: cartwheel_publish::oidc::CiEnv,
}

/// What the caller shows as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    /// A step starts.
    Start(Step),
    /// A step ended well.
    End {
        /// Which.
        step: Step,
        /// Seconds it took.
        seconds: f64,
        /// What it found or did, on one line.
        detail: &'a str,
    },
    /// A step is not run.
    Skipped {
        /// Which.
        step: Step,
        /// Why.
        why: &'a str,
    },
    /// A step failed (the cause is in the outcome).
    Failed {
        /// Which.
        step: Step,
        /// Seconds it took.
        seconds: f64,
    },
    /// A warning (e.g. an empty Unreleased section).
    Warning(&'a Diagnostic),
    /// A line of progress inside a step.
    Note(&'a str),
    /// A line a check printed (stdout and stderr as one stream), as it comes.
    Output(&'a str),
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Done.
    Done,
    /// Not run.
    Skipped,
    /// Failed.
    Failed,
}

/// One step's record.
#[derive(Debug, Clone)]
pub struct StepRecord {
    /// Which.
    pub step: Step,
    /// How it ended.
    pub status: StepStatus,
    /// Seconds.
    pub seconds: f64,
    /// What it did, or why it was skipped.
    pub detail: String,
}

/// Why a release stopped, and what it left.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The step (`None`: before any step, e.g. a state file that cannot be read).
    pub step: Option<Step>,
    /// Why.
    pub cause: String,
    /// What is left: undone, or half done and resumable.
    pub aftermath: Option<String>,
}

/// What a release did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Project name.
    pub name: String,
    /// The version released.
    pub version: String,
    /// Its tag.
    pub tag: String,
    /// Every step's record.
    pub steps: Vec<StepRecord>,
    /// The built files.
    pub files: Vec<FileRecord>,
    /// The release notes.
    pub notes: Option<String>,
    /// Where they were written.
    pub notes_file: Option<PathBuf>,
    /// The index's page of the version.
    pub url: Option<String>,
    /// The GitHub release's page.
    pub github_url: Option<String>,
    /// `None`: released (or the dry run passed).
    pub failure: Option<Failure>,
    /// It was a dry run.
    pub dry_run: bool,
}

/// The cause of a release stopped by a signal.
const INTERRUPTED: &str = "interrupted (Ctrl-C or SIGTERM)";

/// A step's failure, before it is dressed with the aftermath.
type StepResult<T> = Result<T, String>;

/// Run a release (or resume one).
pub fn run(opts: &Options, on: &mut dyn FnMut(Event)) -> Outcome {
    let mut r = Run { opts, on, out: Outcome { dry_run: opts.dry_run, ..Outcome::default() }, ctx: None };
    r.go();
    r.out
}

/// The repository and project a release works in, found by preflight (or read back on resume).
struct Ctx {
    top: PathBuf,
    store: Store,
    state: State,
    project_dir: PathBuf,
    pythons: Vec<Interpreter>,
    checks: Vec<String>,
    /// `[tool.cartwheel] check-ignore`: the warnings the strict check of the built files drops.
    check_ignore: Vec<String>,
    changelog: Option<String>,
    prerelease: bool,
    part: Option<Part>,
    /// The bump as planned: `1.4.0 → 1.5.0 (pyproject.toml, CHANGELOG.md)`.
    planned: String,
    /// The scratch folder of this run (clone, builds for a dry run, venvs).
    scratch: tempfile::TempDir,
    /// The built files (the state folder's, or a dry run's scratch copies).
    built: Vec<PathBuf>,
    /// Their form fields, once checked.
    dists: Vec<Dist>,
    github_repo: Option<crate::github::Repo>,
}

impl Ctx {
    fn wheel(&self) -> StepResult<PathBuf> {
        self.built
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "whl"))
            .cloned()
            .ok_or_else(|| "no wheel was built".into())
    }
}

struct Run<'o, 'e> {
    opts: &'o Options,
    on: &'e mut dyn FnMut(Event),
    out: Outcome,
    ctx: Option<Ctx>,
}

impl Run<'_, '_> {
    fn go(&mut self) {
        let resume = matches!(self.opts.request, Request::Resume);
        if let Err(cause) = self.recover(resume) {
            self.out.failure = Some(Failure { step: None, cause, aftermath: None });
            return;
        }
        if resume && self.ctx.is_none() {
            return;
        }
        let first = if resume { Step::TestUpload } else { Step::Preflight };
        if resume {
            for s in Step::ALL.into_iter().filter(|s| *s < first) {
                self.skip(s, "done before (resume)");
            }
        }
        for step in Step::ALL.into_iter().filter(|s| *s >= first) {
            if self.interrupted() {
                (self.on)(Event::Failed { step, seconds: 0.0 });
                self.out.steps.push(StepRecord {
                    step,
                    status: StepStatus::Failed,
                    seconds: 0.0,
                    detail: INTERRUPTED.into(),
                });
                self.fail(step, format!("{INTERRUPTED}, before it started"));
                return;
            }
            if let Some(why) = self.skip_reason(step) {
                self.skip(step, &why);
                continue;
            }
            let started = Instant::now();
            (self.on)(Event::Start(step));
            let result = self.step(step);
            let seconds = started.elapsed().as_secs_f64();
            match result {
                Ok(detail) => {
                    (self.on)(Event::End { step, seconds, detail: &detail });
                    self.out.steps.push(StepRecord { step, status: StepStatus::Done, seconds, detail });
                    if let Err(cause) = self.mark_done(step) {
                        self.fail(step, cause);
                        return;
                    }
                    if self.opts.kill_after.as_deref() == Some(step.name()) {
                        kill_self();
                    }
                }
                Err(cause) => {
                    // A child killed by the terminal's Ctrl-C fails its step: say why first.
                    let cause = if self.interrupted() { format!("{INTERRUPTED}: {cause}") } else { cause };
                    (self.on)(Event::Failed { step, seconds });
                    self.out.steps.push(StepRecord {
                        step,
                        status: StepStatus::Failed,
                        seconds,
                        detail: first_line(&cause),
                    });
                    self.fail(step, cause);
                    return;
                }
            }
        }
        if !self.opts.dry_run {
            // Also after a resume that began past `verify` or `notes`.
            self.out.url = Some(upload::version_url(&self.opts.index, &self.out.name, &self.out.version));
            if self.out.notes.is_none() && self.ctx.is_some() {
                match self.release_notes() {
                    Ok(n) => self.out.notes = Some(n),
                    Err(e) => {
                        let d = Diagnostic::warning(format!("the release notes cannot be read again: {e}"));
                        (self.on)(Event::Warning(&d));
                    }
                }
                self.out.notes_file = Some(self.notes_file());
            }
            if let Some(ctx) = &self.ctx {
                if let Err(e) = ctx.store.remove() {
                    let d = Diagnostic::warning(format!(
                        "the release is complete, but its state folder stays: {e}"
                    ));
                    (self.on)(Event::Warning(&d));
                }
            }
        }
    }

    fn interrupted(&self) -> bool {
        self.opts.interrupted.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn skip(&mut self, step: Step, why: &str) {
        (self.on)(Event::Skipped { step, why });
        self.out.steps.push(StepRecord {
            step,
            status: StepStatus::Skipped,
            seconds: 0.0,
            detail: why.into(),
        });
    }

    fn skip_reason(&self, step: Step) -> Option<String> {
        let ctx = self.ctx.as_ref();
        if ctx.is_some_and(|c| c.state.done.iter().any(|d| d == step.name())) {
            return Some("done before (resume)".into());
        }
        let test = matches!(step, Step::TestUpload | Step::TestVerify | Step::TestInstall);
        if self.opts.dry_run && step >= Step::TestUpload {
            return Some("dry run".into());
        }
        match step {
            Step::Checks if ctx.is_some_and(|c| c.checks.is_empty()) => {
                Some("none configured ([tool.cartwheel.release] checks)".into())
            }
            _ if test && self.opts.test_index.is_none() => Some("--no-test-index".into()),
            Step::Push if self.opts.remote.is_none() => Some("--no-push".into()),
            Step::GithubRelease if self.opts.github.is_none() => Some("no --github-release".into()),
            _ => None,
        }
    }

    fn step(&mut self, step: Step) -> StepResult<String> {
        match step {
            Step::Preflight => self.preflight(),
            Step::Checks => self.checks(),
            Step::Bump => self.bump(),
            Step::Build => self.build(),
            Step::Check => self.check(),
            Step::Smoke => self.smoke(),
            Step::TestUpload => {
                let target = self.opts.test_index.as_ref().expect("skipped without a test index");
                self.upload(target)
            }
            Step::TestVerify => {
                let target = self.opts.test_index.as_ref().expect("skipped without a test index");
                self.verify(target)
            }
            Step::TestInstall => {
                let target = self.opts.test_index.as_ref().expect("skipped without a test index");
                self.install(target, "test-install", Some(&self.opts.index))
            }
            Step::Upload => self.upload(&self.opts.index),
            Step::Verify => self.verify(&self.opts.index),
            Step::Install => self.install(&self.opts.index, "install", None),
            Step::Push => self.push(),
            Step::Notes => self.notes(),
            Step::GithubRelease => self.github(),
        }
    }

    fn ctx(&self) -> &Ctx {
        self.ctx.as_ref().expect("preflight sets the context")
    }

    fn ctx_mut(&mut self) -> &mut Ctx {
        self.ctx.as_mut().expect("preflight sets the context")
    }

    fn save(&self) -> StepResult<()> {
        if self.opts.dry_run {
            return Ok(());
        }
        let ctx = self.ctx();
        ctx.store.save(&ctx.state)
    }

    /// Record a step of the sent phase as done, so a resume skips it.
    fn mark_done(&mut self, step: Step) -> StepResult<()> {
        if self.opts.dry_run || step < Step::TestUpload {
            return Ok(());
        }
        self.ctx_mut().state.done.push(step.name().to_string());
        self.save()
    }

    fn fail(&mut self, step: Step, cause: String) {
        let aftermath = self.aftermath(step);
        self.out.failure = Some(Failure { step: Some(step), cause, aftermath: Some(aftermath) });
    }

    /// Undo a failure before the first upload; describe a later one.
    fn aftermath(&mut self, step: Step) -> String {
        let Some(ctx) = &self.ctx else {
            return "Undone: nothing was changed, committed, tagged or sent.".into();
        };
        if self.opts.dry_run {
            return "Dry run: nothing was changed, committed, tagged or sent.".into();
        }
        if ctx.state.phase == Phase::Sent {
            let done =
                if ctx.state.done.is_empty() { "nothing yet".to_string() } else { ctx.state.done.join(", ") };
            return format!("The release is half done (done: {done}). Fix the cause, then `cartwheel release --resume` goes on.");
        }
        if step <= Step::Checks {
            return "Undone: nothing was changed, committed, tagged or sent.".into();
        }
        match undo(&ctx.top, &ctx.project_dir, &ctx.store, &ctx.state) {
            Ok(()) => format!(
                "Undone: the bump commit and the tag {} are removed, every file is as it was, nothing was sent.",
                ctx.state.tag
            ),
            Err(e) => format!(
                "The undo failed: {e}. The state is in {}; `cartwheel release` tries the undo again first.",
                ctx.store.file().display()
            ),
        }
    }

    /// A state left by an earlier run: undo one killed before its first upload; refuse a new
    /// release over a half-done one; load it for `--resume`.
    fn recover(&mut self, resume: bool) -> StepResult<()> {
        let project_dir = &self.opts.project_dir;
        let top = git::ok(project_dir, &["rev-parse", "--show-toplevel"])
            .map_err(|e| format!("`{}` is not in a git work tree: {e}", project_dir.display()))?;
        let git_dir = git::ok(project_dir, &["rev-parse", "--absolute-git-dir"])?;
        let store = Store::new(Path::new(&git_dir));
        let Some(state) = store.load()? else {
            if resume {
                return Err("there is no release to resume (no state in .git/cartwheel-release/): start one with `cartwheel release PART|VERSION`".into());
            }
            return Ok(());
        };
        let top = PathBuf::from(top);
        if state.phase == Phase::Local {
            if self.opts.dry_run {
                return Err(format!(
                    "a release of {} was interrupted before its first upload; run `cartwheel release` without --dry-run to undo it first",
                    state.version
                ));
            }
            undo(&top, project_dir, &store, &state)
                .map_err(|e| format!("undoing the interrupted release of {}: {e}", state.version))?;
            let note = format!("undid the release of {} interrupted before its first upload", state.version);
            let d = Diagnostic::new(cartwheel_core::diagnostic::Severity::Note, note);
            (self.on)(Event::Warning(&d));
            if resume {
                return Err(format!(
                    "nothing to resume: the release of {} had not uploaded anything and is undone; start it again",
                    state.version
                ));
            }
            return Ok(());
        }
        if !resume {
            return Err(format!(
                "a release of {} {} is half done (done: {}): `cartwheel release --resume` goes on with it",
                state.name,
                state.version,
                state.done.join(", ")
            ));
        }
        if self.opts.dry_run {
            return Err("--resume and --dry-run do not go together".into());
        }
        self.resume_ctx(top, store, state)
    }

    fn resume_ctx(&mut self, top: PathBuf, store: Store, state: State) -> StepResult<()> {
        let test_now = self.opts.test_index.as_ref().map(|t| t.upload_url.to_string());
        if test_now != state.test_index || self.opts.index.upload_url.as_str() != state.index {
            let shown = |u: &Option<String>| u.clone().unwrap_or_else(|| "none (--no-test-index)".into());
            return Err(format!(
                "--resume must use the indexes of the release it continues: test index {} and index {}, not {} and {}",
                shown(&state.test_index),
                state.index,
                shown(&test_now),
                self.opts.index.upload_url
            ));
        }
        match (&state.commit, git::commit_of(&top, &format!("refs/tags/{}", state.tag))) {
            (_, None) => {
                return Err(format!("the tag {} of the release is gone: it cannot be resumed", state.tag))
            }
            (Some(c), Some(t)) if *c != t => {
                return Err(format!("the tag {} no longer points at the release's commit {c}", state.tag))
            }
            _ => {}
        }
        self.out.name = state.name.clone();
        self.out.version = state.version.clone();
        self.out.tag = state.tag.clone();
        self.out.files = state.files.clone();
        let mut dists = Vec::new();
        let mut built = Vec::new();
        for f in &state.files {
            let path = store.dist().join(&f.name);
            let (size, sha256, _) = cartwheel_publish::dist::digests(&path)
                .map_err(|e| format!("the built file {} is gone or unreadable: {e}", path.display()))?;
            if sha256 != f.sha256 || size != f.size {
                return Err(format!(
                    "{} is not the file that was built (sha256 {sha256}, built {}): it cannot be resumed",
                    path.display(),
                    f.sha256
                ));
            }
            dists.push(describe(&path, false, &[])?);
            built.push(path);
        }
        let project = load_project(&self.opts.project_dir, &mut |d| (self.on)(Event::Warning(d)))?;
        let pythons = self.interpreters(&project)?;
        let prerelease = state.version.parse::<pep440_rs::Version>().is_ok_and(|v| v.any_prerelease());
        let github_repo = self.github_repo(&top)?;
        self.ctx = Some(Ctx {
            top,
            store,
            changelog: bump::changelog_path(&project).map_err(|e| e.to_diagnostic().to_string())?,
            state,
            project_dir: self.opts.project_dir.clone(),
            pythons,
            checks: Vec::new(),
            check_ignore: project.tool.check_ignore_codes(),
            prerelease,
            part: None,
            planned: String::new(),
            scratch: scratch()?,
            built,
            dists,
            github_repo,
        });
        let note = format!(
            "resuming the release of {} (done: {})",
            self.out.version,
            self.ctx().state.done.join(", ")
        );
        (self.on)(Event::Note(&note));
        Ok(())
    }

    fn interpreters(&self, project: &cartwheel_core::project::Project) -> StepResult<Vec<Interpreter>> {
        let specs: Vec<String> = if !self.opts.pythons.is_empty() {
            self.opts.pythons.clone()
        } else {
            project.tool.release.python.iter().map(|p| p.value.clone()).collect()
        };
        if specs.is_empty() {
            let spec = self.opts.running_python.display().to_string();
            return Ok(vec![smoke::find(
                &spec,
                self.opts.path_var.as_deref(),
                self.opts.pyenv_root.as_deref(),
            )?]);
        }
        specs
            .iter()
            .map(|s| smoke::find(s, self.opts.path_var.as_deref(), self.opts.pyenv_root.as_deref()))
            .collect()
    }

    fn github_repo(&self, top: &Path) -> StepResult<Option<crate::github::Repo>> {
        let Some(gh) = &self.opts.github else { return Ok(None) };
        if gh.token.as_ref().is_none_or(Secret::is_empty) {
            return Err("--github-release needs a token in GITHUB_TOKEN".into());
        }
        if let Some(r) = &gh.repository {
            return crate::github::parse_repository(r)
                .map(Some)
                .ok_or_else(|| format!("GITHUB_REPOSITORY `{r}` is not `owner/name`"));
        }
        let remote = self.opts.remote.as_deref().unwrap_or("origin");
        let url = git::ok(top, &["remote", "get-url", remote]).map_err(|_| {
            format!(
                "--github-release: no GITHUB_REPOSITORY and no remote `{remote}` to read the repository from"
            )
        })?;
        crate::github::parse_repository(&url).map(Some).ok_or_else(|| {
            format!("--github-release: the remote `{remote}` ({url}) is not a GitHub repository URL; set GITHUB_REPOSITORY=owner/name")
        })
    }

    // ------------------------------------------------------------------ 1. preflight

    fn preflight(&mut self) -> StepResult<String> {
        let Request::New(part) = &self.opts.request else { unreachable!("resume starts later") };
        let dir = &self.opts.project_dir;
        // The project and the version first (read only), so that every refusal names them.
        let mut warnings: Vec<Diagnostic> = Vec::new();
        let project = load_project(dir, &mut |d| warnings.push(d.clone()))?;
        self.out.name = project.name.value.clone();
        let version_only = bump_options(part.clone(), true);
        let version_only = bump::Options { commit: false, tag: false, ..version_only };
        let new =
            bump::run(dir, &version_only, &mut Vec::new()).map_err(|e| e.to_diagnostic().to_string())?;
        self.out.version = new.plan.new.to_string();
        let top = PathBuf::from(git::ok(dir, &["rev-parse", "--show-toplevel"])?);
        let git_dir = git::ok(dir, &["rev-parse", "--absolute-git-dir"])?;
        let branch = git::test(dir, &["symbolic-ref", "-q", "--short", "HEAD"])
            .ok_or("HEAD is detached: check out the branch to release from")?;
        let dirty = git::ok(dir, &["--no-optional-locks", "status", "--porcelain", "--untracked-files=no"])?;
        if !dirty.is_empty() {
            return Err(format!(
                "the work tree has changes to tracked files; commit or stash them first (untracked files are fine: they never reach the build):\n{dirty}"
            ));
        }
        if git::test(dir, &["var", "GIT_COMMITTER_IDENT"]).is_none() {
            return Err("git knows no committer to make the bump commit and the tag as: set `git config user.name` and `user.email`".into());
        }
        if let Some(remote) = &self.opts.remote {
            git::ok(dir, &["remote", "get-url", remote]).map_err(|_| {
                format!("there is no remote `{remote}` to push to: add it, name another with --remote, or --no-push")
            })?;
        }
        let before = git::ok(dir, &["rev-parse", "HEAD"])?;
        // The bump as `cartwheel bump --commit --tag --dry-run` plans it: the version is valid
        // and higher, the tag is free, the tree is clean.
        let bopts = bump_options(part.clone(), true);
        let planned = bump::run(dir, &bopts, &mut warnings).map_err(|e| e.to_diagnostic().to_string())?;
        for w in &warnings {
            (self.on)(Event::Warning(w));
        }
        let plan = planned.plan;
        let version = plan.new.to_string();
        let tag = plan.tag.clone().unwrap_or_else(|| format!("v{version}"));
        let name = project.name.value.clone();
        self.out.name = name.clone();
        self.out.version = version.clone();
        self.out.tag = tag.clone();
        let mut indexes = Vec::new();
        let mut uncredentialed = Vec::new();
        for (label, target) in self.indexes() {
            if target.credentials.is_none() && !self.opts.ci.available() {
                let missing = format!(
                    "no credentials for the {label} {} (a .pypirc section through --{}repository, CARTWHEEL_TOKEN, CARTWHEEL_USERNAME/CARTWHEEL_PASSWORD, TWINE_USERNAME/TWINE_PASSWORD, or trusted publishing on GitHub Actions / GitLab CI)",
                    target.upload_url,
                    if label == "test index" { "test-" } else { "" }
                );
                // A dry run sends nothing: where trusted publishing on CI is the only way in, a
                // rehearsal on the maintainer's machine must still get through every other check.
                if !self.opts.dry_run {
                    return Err(missing);
                }
                uncredentialed.push(Diagnostic::warning(format!(
                    "{missing}: a release would stop here; the dry run goes on"
                )));
            }
            let files = simple::files(&self.opts.client, &target.check_url, &name, &mut |_| {})
                .map_err(|e| format!("the {label} cannot be asked what it holds: {e}"))?
                .unwrap_or_default();
            if let Some(f) =
                files.iter().find(|f| file_version(&f.filename).as_deref() == Some(version.as_str()))
            {
                return Err(format!(
                    "{name} {version} is already on the {label} ({}, e.g. {}): an index never takes a version back; release another version",
                    target.check_url, f.filename
                ));
            }
            indexes.push(format!("{label} {}", target.upload_url));
        }
        for d in &uncredentialed {
            (self.on)(Event::Warning(d));
        }
        if let Some(remote) = &self.opts.remote {
            remote_accepts(dir, remote, &branch, &tag)?;
        }
        let pythons = self.interpreters(&project)?;
        if let Some(spec) = &project.requires_python {
            outside_requires_python(&pythons, spec)?;
        }
        let github_repo = self.github_repo(&top)?;
        let edited: Vec<String> = plan.edits.iter().map(|e| e.rel.clone()).collect();
        let prerelease = plan.new.any_prerelease();
        self.ctx = Some(Ctx {
            store: Store::new(Path::new(&git_dir)),
            state: State {
                name: name.clone(),
                version: version.clone(),
                tag: tag.clone(),
                branch: branch.clone(),
                before,
                commit: None,
                edited,
                phase: Phase::Local,
                files: Vec::new(),
                done: Vec::new(),
                test_index: self.opts.test_index.as_ref().map(|t| t.upload_url.to_string()),
                index: self.opts.index.upload_url.to_string(),
                remote: self.opts.remote.clone(),
            },
            top,
            project_dir: dir.clone(),
            checks: project.tool.release.checks.iter().map(|c| c.value.clone()).collect(),
            check_ignore: project.tool.check_ignore_codes(),
            changelog: bump::changelog_path(&project).map_err(|e| e.to_diagnostic().to_string())?,
            pythons,
            prerelease,
            part: Some(part.clone()),
            planned: format!(
                "{} ({})",
                plan.change(false),
                if plan.edits.is_empty() {
                    "no file".to_string()
                } else {
                    plan.edits.iter().map(|e| e.rel.as_str()).collect::<Vec<_>>().join(", ")
                }
            ),
            scratch: scratch()?,
            built: Vec::new(),
            dists: Vec::new(),
            github_repo,
        });
        let old = plan.old.map_or_else(|| "(none)".to_string(), |v| v.to_string());
        let pys: Vec<String> = self.ctx().pythons.iter().map(|p| p.version.clone()).collect();
        let push = match &self.opts.remote {
            Some(r) => format!("pushes to {r}"),
            None => "no push".into(),
        };
        Ok(format!(
            "{name} {old} → {version} (tag {tag}) on branch {branch}; {push}; {}; Python {}",
            indexes.join(", "),
            pys.join(", ")
        ))
    }

    fn indexes(&self) -> Vec<(&'static str, &Target)> {
        let mut out = Vec::new();
        if let Some(t) = &self.opts.test_index {
            out.push(("test index", t));
        }
        out.push(("index", &self.opts.index));
        out
    }

    // ------------------------------------------------------------------ 1b. checks

    fn checks(&mut self) -> StepResult<String> {
        let ctx = self.ctx();
        let checks = ctx.checks.clone();
        let dir = ctx.project_dir.clone();
        for cmd in &checks {
            let note = format!("$ {cmd}");
            (self.on)(Event::Note(&note));
            let (status, text) = run_shown(cmd, &dir, &mut |line| (self.on)(Event::Output(line)))
                .map_err(|e| format!("the check `{cmd}` cannot be started: {e}"))?;
            if !status.success() {
                return Err(format!(
                    "the check `{cmd}` failed ({}); its output:\n{}",
                    smoke::status_text(status),
                    indent(&smoke::tail(&text, 60))
                ));
            }
        }
        Ok(format!("{} passed", count(checks.len(), "check", "checks")))
    }

    // ------------------------------------------------------------------ 2. bump

    fn bump(&mut self) -> StepResult<String> {
        let ctx = self.ctx();
        let part = ctx.part.clone().expect("a new release");
        let bopts = bump_options(part, false);
        if self.opts.dry_run {
            return Ok(format!(
                "would be {}, committed and tagged {} (done in a scratch clone, for the build)",
                ctx.planned, ctx.state.tag
            ));
        }
        // The state is on disk before the first file changes: a kill from here on is undone by
        // the next run.
        self.save()?;
        let dir = ctx.project_dir.clone();
        let mut warnings = Vec::new();
        let done = bump::run(&dir, &bopts, &mut warnings).map_err(|e| e.to_diagnostic().to_string())?;
        let head = git::ok(&dir, &["rev-parse", "HEAD"])?;
        let ctx = self.ctx_mut();
        if done.committed {
            ctx.state.commit = Some(head);
        }
        let files: Vec<&str> = done.plan.edits.iter().map(|e| e.rel.as_str()).collect();
        let tag = ctx.state.tag.clone();
        self.save()?;
        Ok(format!(
            "{} ({}); committed; tagged {tag}",
            done.plan.change(false),
            if files.is_empty() { "no file".to_string() } else { files.join(", ") }
        ))
    }

    // ------------------------------------------------------------------ 3. build

    fn build(&mut self) -> StepResult<String> {
        let ctx = self.ctx();
        let clone = ctx.scratch.path().join("src");
        let top = ctx.top.display().to_string();
        let clone_s = clone.display().to_string();
        git::ok(Path::new("."), &["clone", "--quiet", "--shared", "--no-checkout", &top, &clone_s])?;
        let rev =
            if self.opts.dry_run { ctx.state.before.clone() } else { format!("refs/tags/{}", ctx.state.tag) };
        git::ok(&clone, &["checkout", "--quiet", "--detach", &rev])?;
        let prefix = git::ok(&ctx.project_dir, &["rev-parse", "--show-prefix"])?;
        let project = clone.join(prefix.trim_end_matches('/'));
        if self.opts.dry_run {
            // The bump, committed and tagged in the scratch clone: the build sees what the real
            // release would build.
            let bopts = bump_options(ctx.part.clone().expect("a new release"), false);
            let mut warnings = Vec::new();
            bump::run(&project, &bopts, &mut warnings).map_err(|e| e.to_diagnostic().to_string())?;
        }
        let epoch: u64 = git::ok(&clone, &["log", "-1", "--format=%ct", "HEAD"])?
            .trim()
            .parse()
            .map_err(|_| "git log printed no commit time".to_string())?;
        let out_dir = if self.opts.dry_run { ctx.scratch.path().join("dist") } else { ctx.store.dist() };
        if out_dir.exists() {
            fs_err::remove_dir_all(&out_dir).map_err(|e| e.to_string())?;
        }
        let request = cartwheel_dist::Request {
            epoch: Some(epoch),
            ..cartwheel_dist::Request::new(&project, cartwheel_dist::Target::Both, &out_dir)
        };
        let outcome = cartwheel_dist::run(&request);
        for w in &outcome.warnings {
            (self.on)(Event::Warning(w));
        }
        let artifacts = outcome.result.map_err(|e| e.to_diagnostic().to_string())?;
        let mut files = Vec::new();
        let mut paths = Vec::new();
        for a in &artifacts {
            let (size, sha256, _) = cartwheel_publish::dist::digests(&a.path).map_err(|e| e.to_string())?;
            let name = a.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            files.push(FileRecord { name, sha256, size });
            paths.push(a.path.clone());
        }
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        let detail =
            format!("{} from a clean clone of {rev} (SOURCE_DATE_EPOCH={epoch})", names.join(" and "));
        self.out.files = files.clone();
        let ctx = self.ctx_mut();
        ctx.state.files = files;
        ctx.built = paths;
        self.save()?;
        Ok(detail)
    }

    // ------------------------------------------------------------------ 4. check

    fn check(&mut self) -> StepResult<String> {
        let mut dists = Vec::new();
        let ctx = self.ctx();
        for p in &ctx.built {
            dists.push(describe(p, true, &ctx.check_ignore)?);
        }
        let n = dists.len();
        self.ctx_mut().dists = dists;
        Ok(format!("{} pass `cartwheel check --strict`", count(n, "file", "files")))
    }

    // ------------------------------------------------------------------ 5. smoke

    fn smoke(&mut self) -> StepResult<String> {
        let ctx = self.ctx.as_ref().expect("preflight sets the context");
        let wheel = ctx.wheel()?;
        let sdist = ctx.built.iter().find(|p| p.to_string_lossy().ends_with(".tar.gz")).cloned();
        let expect = smoke::expect_from_wheel(&wheel)?;
        let deps = self.opts.index.check_url.to_string();
        // An isolated build of the sdist gets its backend from the index, as a user's pip
        // would; when the index has no cartwheel (a private index, a first release), the
        // running cartwheel builds it, without isolation.
        let index_has_backend =
            simple::files(&self.opts.client, &self.opts.index.check_url, "cartwheel", &mut |_| {})
                .ok()
                .flatten()
                .is_some_and(|files| !files.is_empty());
        let backend = if index_has_backend { None } else { self.opts.backend.as_deref() };
        let mut done = Vec::new();
        for (i, python) in ctx.pythons.iter().enumerate() {
            let mut installs = vec![("wheel", Install::Wheel(&wheel))];
            if let Some(s) = &sdist {
                installs.push(("sdist", Install::Sdist { path: s, backend }));
            }
            for (what, install) in installs {
                let work = ctx.scratch.path().join(format!("smoke-{i}-{what}"));
                let s = Smoke {
                    python,
                    install,
                    deps_index: Some(&deps),
                    expect: &expect,
                    work: &work,
                    wait: Duration::ZERO,
                };
                let on = &mut *self.on;
                let summary = smoke::run(&s, &mut |n| on(Event::Note(n)))
                    .map_err(|f| format!("the {what} on Python {}: {f}", python.version))?;
                done.push(format!("{what} on Python {}", summary.python));
            }
        }
        let how = match backend {
            None => "the sdist built in isolation, its backend from the index",
            Some(_) => "the sdist built by this cartwheel without isolation (the index has none)",
        };
        Ok(format!("{}; {}; {how}", done.join(", "), expect_detail(&expect)))
    }

    // ------------------------------------------------------------------ 6./7. indexes

    fn upload(&mut self, target: &Target) -> StepResult<String> {
        if self.ctx().state.phase == Phase::Local {
            // From the first byte sent on, nothing can be undone: resumable from now.
            self.ctx_mut().state.phase = Phase::Sent;
            self.save()?;
        }
        let dists = self.ctx().dists.clone();
        let minted;
        let target = match &target.credentials {
            Some(_) => target,
            None => {
                let on = &mut *self.on;
                let credentials = cartwheel_publish::oidc::mint(
                    &self.opts.client,
                    &target.upload_url,
                    &self.opts.ci,
                    &mut |_| {},
                )
                .map_err(|e| e.to_string())?;
                on(Event::Note(&format!(
                    "trusted publishing: minted a short-lived upload token at {}",
                    cartwheel_publish::target::oidc_origin(&target.upload_url)
                )));
                minted = Target { credentials: Some(credentials), ..target.clone() };
                &minted
            }
        };
        let uopts = upload::Options { skip_existing: true, ..upload::Options::default() };
        let on = &mut *self.on;
        let outcomes = upload::upload(&self.opts.client, target, &dists, &uopts, &mut |e| {
            if let Some(line) = retry_note(&e) {
                on(Event::Note(&line));
            }
            if let upload::Event::Done { outcome } = e {
                let line = match outcome.status {
                    Status::Uploaded => format!("uploaded {}: {}", outcome.filename, outcome.answer),
                    Status::Skipped => format!("skipped {}: {}", outcome.filename, outcome.answer),
                    Status::Failed => format!("failed {}: {}", outcome.filename, outcome.answer),
                };
                on(Event::Note(&line));
            }
        });
        let failed: Vec<String> = outcomes
            .iter()
            .filter(|o| o.status == Status::Failed)
            .map(|o| format!("{}: {}", o.filename, o.answer))
            .collect();
        if !failed.is_empty() {
            return Err(format!("{} refused or unreachable: {}", target.upload_url, failed.join("; ")));
        }
        let parts: Vec<String> = outcomes
            .iter()
            .map(|o| match o.status {
                Status::Skipped => format!("{} (already there)", o.filename),
                _ => o.filename.clone(),
            })
            .collect();
        Ok(format!("{} to {}", parts.join(", "), target.upload_url))
    }

    fn verify(&mut self, target: &Target) -> StepResult<String> {
        let ctx = self.ctx();
        let name = ctx.state.name.clone();
        let want: Vec<FileRecord> = ctx.state.files.clone();
        let deadline = Instant::now() + self.opts.index_wait;
        loop {
            let listed = simple::files(&self.opts.client, &target.check_url, &name, &mut |_| {})
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
            let mut missing = Vec::new();
            for f in &want {
                match listed.iter().find(|l| l.filename == f.name) {
                    None => missing.push(f.name.clone()),
                    Some(l) => match &l.sha256 {
                        Some(h) if *h == f.sha256 => {}
                        Some(h) => {
                            return Err(format!(
                                "{} serves {} with sha256 {h}, but the file built has {}",
                                target.check_url, f.name, f.sha256
                            ))
                        }
                        None => {
                            return Err(format!(
                                "{} lists {} without a sha256: the bytes served cannot be verified",
                                target.check_url, f.name
                            ))
                        }
                    },
                }
            }
            if missing.is_empty() {
                let page = simple::project_url(&target.check_url, &name).map_err(|e| e.to_string())?;
                return Ok(format!(
                    "{page} serves {} with the sha256 built",
                    count(want.len(), "file", "files")
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} does not list {} after {} s",
                    target.check_url,
                    missing.join(", "),
                    self.opts.index_wait.as_secs()
                ));
            }
            let note = format!("{} does not list {} yet; asking again", target.check_url, missing.join(", "));
            (self.on)(Event::Note(&note));
            std::thread::sleep(Duration::from_secs(2));
        }
    }

    fn install(&mut self, target: &Target, what: &str, deps: Option<&Target>) -> StepResult<String> {
        let ctx = self.ctx.as_ref().expect("preflight sets the context");
        let wheel = ctx.wheel()?;
        let expect = smoke::expect_from_wheel(&wheel)?;
        let index = target.check_url.to_string();
        let deps = deps.map(|d| d.check_url.to_string());
        let mut done = Vec::new();
        for (i, python) in ctx.pythons.iter().enumerate() {
            let work = ctx.scratch.path().join(format!("{what}-{i}"));
            let s = Smoke {
                python,
                install: Install::Index { index_url: &index },
                deps_index: deps.as_deref(),
                expect: &expect,
                work: &work,
                wait: self.opts.index_wait,
            };
            let on = &mut *self.on;
            let summary = smoke::run(&s, &mut |n| on(Event::Note(n))).map_err(|f| {
                format!(
                    "installing {}=={} from {index} on Python {}: {f}",
                    expect.name, expect.version, python.version
                )
            })?;
            done.push(format!("Python {}", summary.python));
        }
        Ok(format!(
            "{}=={} from {index} on {}; {}",
            expect.name,
            expect.version,
            done.join(", "),
            expect_detail(&expect)
        ))
    }

    // ------------------------------------------------------------------ 8. push

    fn push(&mut self) -> StepResult<String> {
        let ctx = self.ctx();
        let remote = self.opts.remote.clone().expect("skipped without a remote");
        let branch = format!("refs/heads/{0}:refs/heads/{0}", ctx.state.branch);
        let tag = format!("refs/tags/{0}:refs/tags/{0}", ctx.state.tag);
        // Atomic: the remote gets the branch and the tag together or neither.
        git::ok(&ctx.top, &["push", "--quiet", "--atomic", &remote, &branch, &tag])
            .map_err(|e| format!("the push to `{remote}` was refused: {e}"))?;
        Ok(format!("{} and {} to {remote}", ctx.state.branch, ctx.state.tag))
    }

    // ------------------------------------------------------------------ 9. notes

    /// The release notes: the version's section of the changelog as tagged (the work tree may
    /// have moved on before a resume).
    fn release_notes(&self) -> StepResult<String> {
        let ctx = self.ctx();
        let version = &ctx.state.version;
        let notes = match &ctx.changelog {
            Some(rel) => {
                let spec = format!("refs/tags/{}:./{rel}", ctx.state.tag);
                let text = git::ok(&ctx.project_dir, &["show", &spec])?;
                cartwheel_core::changelog::notes(&text, version)
            }
            None => None,
        };
        Ok(notes.filter(|n| !n.is_empty()).unwrap_or_else(|| format!("Release {version}.")))
    }

    /// Where the notes step writes them, as shown.
    fn notes_file(&self) -> PathBuf {
        Path::new("dist").join(format!("RELEASE-NOTES-{}.md", self.ctx().state.version))
    }

    fn notes(&mut self) -> StepResult<String> {
        let notes = self.release_notes()?;
        let ctx = self.ctx();
        let version = ctx.state.version.clone();
        let dist = ctx.project_dir.join("dist");
        fs_err::create_dir_all(&dist).map_err(|e| e.to_string())?;
        for path in &ctx.built {
            if let Some(name) = path.file_name() {
                fs_err::copy(path, dist.join(name)).map_err(|e| e.to_string())?;
            }
        }
        let file = dist.join(format!("RELEASE-NOTES-{version}.md"));
        fs_err::write(&file, format!("{notes}\n")).map_err(|e| e.to_string())?;
        let shown = self.notes_file();
        self.out.notes = Some(notes);
        self.out.notes_file = Some(shown.clone());
        Ok(format!("{} and the built files in dist/", shown.display()))
    }

    // ------------------------------------------------------------------ 10. GitHub

    fn github(&mut self) -> StepResult<String> {
        let gh = self.opts.github.as_ref().expect("skipped without --github-release");
        // The field, not `self.ctx()`: `self.on` is borrowed beside it below.
        let ctx = self.ctx.as_ref().expect("preflight sets the context");
        let repo = ctx.github_repo.as_ref().expect("preflight found the repository");
        let token = gh.token.as_ref().expect("preflight found the token");
        let body = match &self.out.notes {
            Some(n) => n.clone(),
            // The notes step ran before a resume.
            None => self.release_notes()?,
        };
        let files = ctx.built.clone();
        let name = format!("{} {}", ctx.state.name, ctx.state.version);
        let release = crate::github::Release {
            api: &gh.api,
            repo,
            token,
            tag: &ctx.state.tag,
            name: &name,
            body: &body,
            prerelease: ctx.prerelease,
            files: &files,
            retry: upload::Retry::default(),
        };
        let on = &mut *self.on;
        let published = crate::github::publish(&self.opts.client, &release, &mut |e| {
            if let Some(line) = retry_note(&e) {
                on(Event::Note(&line));
            }
        })?;
        self.out.github_url = Some(published.html_url.clone());
        let reused = if published.reused { " (it existed: reused)" } else { "" };
        Ok(format!(
            "{}{reused}: {} uploaded, {} already there",
            published.html_url,
            published.uploaded.len(),
            published.skipped.len()
        ))
    }
}

/// A retry as a progress line: an index or GitHub that did not answer, or answered 5xx.
fn retry_note(e: &upload::Event) -> Option<String> {
    match e {
        upload::Event::Retry { attempt, wait, why } => {
            Some(format!("{why}; try {attempt} in {:.1} s", wait.as_secs_f64()))
        }
        _ => None,
    }
}

/// `cartwheel bump --commit --tag` (with `--dry-run` when `dry_run`).
fn bump_options(part: Part, dry_run: bool) -> bump::Options {
    bump::Options { part, allow_downgrade: false, dry_run, no_changelog: false, commit: true, tag: true }
}

/// Undo a release that did not reach its first upload: the tag, the bump commit, the edited
/// files, the state folder. Only what this release made is removed.
fn undo(top: &Path, project_dir: &Path, store: &Store, state: &State) -> Result<(), String> {
    // A bump killed while writing its files left core's transaction record: settle it first.
    let mut ignored = Vec::new();
    cartwheel_core::version::finish_interrupted_bump(project_dir, &mut ignored)
        .map_err(|e| e.to_diagnostic().to_string())?;
    let head = git::ok(top, &["rev-parse", "HEAD"])?;
    let tagged = git::commit_of(top, &format!("refs/tags/{}", state.tag));
    // The commit this release made: recorded, or (killed before recording it) HEAD when it is
    // a child of the recorded HEAD with the bump's message.
    let made = match &state.commit {
        Some(c) => Some(c.clone()),
        None if head != state.before
            && git::commit_of(top, "HEAD^").as_deref() == Some(state.before.as_str())
            && git::ok(top, &["log", "-1", "--format=%s", "HEAD"])?.starts_with("Bump version: ") =>
        {
            Some(head.clone())
        }
        None => None,
    };
    // Checked before anything is touched: an undo is whole or not at all.
    if let Some(c) = made.as_ref().filter(|c| head != **c && head != state.before) {
        return Err(format!(
            "HEAD moved on since the bump commit {c}; remove it yourself (`git revert` or `git reset`), delete the tag {} and the folder {}",
            state.tag,
            store.dir().display()
        ));
    }
    if let Some(t) = &tagged {
        if Some(t) == made.as_ref() || *t == state.before {
            git::ok(top, &["tag", "-d", &state.tag])?;
        }
    }
    if made.as_ref() == Some(&head) {
        git::ok(top, &["reset", "--quiet", "--keep", &state.before])?;
    }
    if !state.edited.is_empty() {
        let mut args = vec!["checkout", state.before.as_str(), "--"];
        args.extend(state.edited.iter().map(String::as_str));
        git::ok(project_dir, &args)?;
    }
    store.remove()
}

/// Check a built file (`strict`: warnings fail, but for the `ignore`d codes) and describe it
/// for the upload (its form fields).
pub fn describe(path: &Path, strict: bool, ignore: &[String]) -> Result<Dist, String> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let options =
        cartwheel_check::Options { strict, ignore: ignore.to_vec(), ..cartwheel_check::Options::default() };
    let (report, text) = cartwheel_check::check_file_for_upload(path, &name, &options);
    if report.failed() {
        return Err(format!(
            "{name} fails `cartwheel check{}`:\n{}",
            if strict { " --strict" } else { "" },
            indent(cartwheel_check::report::text(&report).trim_end())
        ));
    }
    dist_of(path, text.as_deref().unwrap_or_default())
}

/// A checked file's upload form, from the text of its METADATA / PKG-INFO.
pub fn dist_of(path: &Path, metadata: &str) -> Result<Dist, String> {
    let raw = cartwheel_core::metadata::parse_headers(metadata)
        .map_err(|e| format!("{}: {}", path.display(), e.diagnostic().message))?;
    let headers: Vec<(String, String)> = raw.headers.iter().map(|h| (h.name.clone(), h.value())).collect();
    Dist::new(path, &headers, raw.body.as_deref()).map_err(|e| e.to_string())
}

fn load_project(
    dir: &Path,
    warn: &mut dyn FnMut(&Diagnostic),
) -> Result<cartwheel_core::project::Project, String> {
    let mut warnings = Vec::new();
    let project = cartwheel_core::pyproject::load(dir, &mut warnings);
    for w in &warnings {
        warn(w);
    }
    project.map_err(|e| e.to_diagnostic().to_string())
}

/// The version in a distribution's file name (`name-1.0-py3-none-any.whl`, `name-1.0.tar.gz`).
fn file_version(filename: &str) -> Option<String> {
    let v = if let Some(stem) = filename.strip_suffix(".whl") {
        stem.split('-').nth(1)?.to_string()
    } else {
        let stem = filename.strip_suffix(".tar.gz").or_else(|| filename.strip_suffix(".zip"))?;
        stem.rsplit_once('-')?.1.to_string()
    };
    let parsed: pep440_rs::Version = v.parse().ok()?;
    Some(parsed.to_string())
}

/// The push at the end would be refused when the remote's branch has commits this one lacks,
/// or the remote has the tag already: known now, it must not wait until after the uploads.
/// Asked with `ls-remote` (read only: nothing is fetched).
fn remote_accepts(dir: &Path, remote: &str, branch: &str, tag: &str) -> StepResult<()> {
    let heads = format!("refs/heads/{branch}");
    let tags = format!("refs/tags/{tag}");
    let listed = git::ok(dir, &["ls-remote", remote, &heads, &tags])
        .map_err(|e| format!("the remote `{remote}` cannot be reached: {e}"))?;
    for line in listed.lines() {
        let Some((oid, name)) = line.split_once('\t') else { continue };
        if name == tags {
            return Err(format!("the remote `{remote}` already has a tag {tag}: release another version"));
        }
        if name == heads && git::test(dir, &["merge-base", "--is-ancestor", oid, "HEAD"]).is_none() {
            return Err(format!(
                "`{remote}/{branch}` has commits this branch lacks (it is at {}): pull them first, or the push would be refused after the uploads",
                &oid[..12.min(oid.len())]
            ));
        }
    }
    Ok(())
}

/// Refuse before anything changes an interpreter the project does not support: its smoke test
/// would fail after the bump.
fn outside_requires_python(pythons: &[Interpreter], spec: &str) -> StepResult<()> {
    let Ok(specifiers) = spec.parse::<pep440_rs::VersionSpecifiers>() else { return Ok(()) };
    for p in pythons {
        let Ok(v) = p.version.parse::<pep440_rs::Version>() else { continue };
        if !specifiers.contains(&v) {
            return Err(format!(
                "Python {} ({}) is outside the project's requires-python `{spec}`: name interpreters it supports with --python or [tool.cartwheel.release] python",
                p.version,
                p.path.display()
            ));
        }
    }
    Ok(())
}

fn expect_detail(e: &Expect) -> String {
    let scripts = if e.scripts.is_empty() {
        "no console script".to_string()
    } else {
        e.scripts.iter().map(|s| format!("{s} --help")).collect::<Vec<_>>().join(", ")
    };
    format!("imported {}; {scripts}", e.modules.join(", "))
}

/// A folder for this run's venvs, clones and builds, in the system's temporary folder.
fn scratch() -> StepResult<tempfile::TempDir> {
    let tmp = std::env::temp_dir();
    // A release killed (SIGKILL, a power cut) left its folder: gone after a day, when its
    // process is too. A day, not minutes: a live release may leave the folder alone for the
    // length of a test suite, and in another container its pid means nothing here.
    cartwheel_core::leftover::sweep(&tmp, Duration::from_secs(24 * 3600), |name| {
        name.strip_prefix(SCRATCH)?.split_once('-')?.0.parse().ok()
    });
    tempfile::Builder::new()
        .prefix(&format!("{SCRATCH}{}-", std::process::id()))
        .tempdir_in(&tmp)
        .map_err(|e| format!("cannot make a scratch folder: {e}"))
}

/// The scratch folders' names: this, the pid, a dash and a random part.
const SCRATCH: &str = "cartwheel-release-";

/// Run `cmd` through the shell in `dir`, its stdout and stderr one stream (as `2>&1` makes
/// them: a test suite's progress and its errors in the order printed), each line given to
/// `line` as it comes (a check may run for minutes); the exit status and the whole output.
///
/// The pipe is read on a thread of its own: a check that leaves a process behind holding its
/// output (a server started with `&`) would otherwise keep the release waiting for that
/// process. Once the check has exited, what its leftovers print within [`LEFTOVER_GRACE`] is
/// still shown; then the release goes on.
fn run_shown(
    cmd: &str,
    dir: &Path,
    line: &mut dyn FnMut(&str),
) -> std::io::Result<(std::process::ExitStatus, String)> {
    use std::io::BufRead;
    use std::sync::mpsc::RecvTimeoutError;
    let (reader, writer) = std::io::pipe()?;
    let mut command = shell(cmd);
    command.current_dir(dir).stdin(std::process::Stdio::null()).stdout(writer.try_clone()?).stderr(writer);
    let mut child = command.spawn()?;
    // The pipe ends at the check's exit only once no copy of its writing end is left here.
    drop(command);
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(reader);
        loop {
            let mut buf = Vec::new();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(_) if tx.send(buf).is_err() => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    });
    let mut text = String::new();
    let mut status = None;
    let mut until = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(buf) => {
                let got = String::from_utf8_lossy(&buf);
                line(got.trim_end_matches(['\n', '\r']));
                text.push_str(&got);
            }
            // Every writing end is closed: all the output is in.
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {}
        }
        // Also between lines: a leftover that never stops printing must not hold the release.
        if status.is_none() {
            status = child.try_wait()?;
            if status.is_some() {
                until = Some(Instant::now() + LEFTOVER_GRACE);
            }
        }
        if until.is_some_and(|u| Instant::now() >= u) {
            break;
        }
    }
    let status = match status {
        Some(s) => s,
        None => child.wait()?,
    };
    Ok((status, text))
}

/// How long a check's leftover processes may go on printing after it exited.
const LEFTOVER_GRACE: Duration = Duration::from_secs(1);

/// The platform's shell running `cmd`.
fn shell(cmd: &str) -> std::process::Command {
    if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", cmd]);
        c
    } else {
        let mut c = std::process::Command::new("sh");
        c.args(["-c", cmd]);
        c
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

/// The test knob: die as a power cut would, right after a step's state was saved.
fn kill_self() {
    #[cfg(unix)]
    {
        let pid = std::process::id().to_string();
        let _ = std::process::Command::new("kill").args(["-KILL", &pid]).status();
    }
    std::process::abort();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_file_names() {
        assert_eq!(file_version("acme_sdk-1.5.0-py3-none-any.whl").as_deref(), Some("1.5.0"));
        assert_eq!(file_version("acme_sdk-1.5.0.tar.gz").as_deref(), Some("1.5.0"));
        assert_eq!(file_version("acme-sdk-1.5.tar.gz").as_deref(), Some("1.5"));
        assert_eq!(file_version("acme_sdk-1.5.0rc1.zip").as_deref(), Some("1.5.0rc1"));
        assert_eq!(file_version("README"), None);
    }

    #[test]
    fn steps_have_names_and_order() {
        for s in Step::ALL {
            assert_eq!(Step::from_name(s.name()), Some(s));
        }
        assert!(Step::Smoke < Step::TestUpload);
        assert_eq!(Step::from_name("bogus"), None);
    }

    fn git_in(dir: &Path, args: &[&str]) -> String {
        let mut all = vec!["-c", "user.name=T", "-c", "user.email=t@example.com"];
        all.extend_from_slice(args);
        git::ok(dir, &all).unwrap()
    }

    /// A repository with one commit, then what a bump does: an edit, a commit, a tag.
    fn bumped_repo(record_commit: bool) -> (tempfile::TempDir, State) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git_in(d, &["init", "-q", "-b", "main"]);
        fs_err::write(d.join("pyproject.toml"), "version = \"1.0\"\n").unwrap();
        git_in(d, &["add", "-A"]);
        git_in(d, &["commit", "-qm", "init"]);
        let before = git_in(d, &["rev-parse", "HEAD"]);
        fs_err::write(d.join("pyproject.toml"), "version = \"1.1\"\n").unwrap();
        git_in(d, &["commit", "-qam", "Bump version: 1.0 → 1.1"]);
        git_in(d, &["tag", "-a", "v1.1", "-m", "Release 1.1"]);
        let commit = git_in(d, &["rev-parse", "HEAD"]);
        let state = State {
            name: "p".into(),
            version: "1.1".into(),
            tag: "v1.1".into(),
            branch: "main".into(),
            before,
            commit: record_commit.then_some(commit),
            edited: vec!["pyproject.toml".into()],
            phase: Phase::Local,
            files: Vec::new(),
            done: Vec::new(),
            test_index: None,
            index: "http://127.0.0.1:1/".into(),
            remote: None,
        };
        (dir, state)
    }

    #[test]
    fn undo_removes_the_commit_and_the_tag_recorded_or_not() {
        for record_commit in [true, false] {
            let (dir, state) = bumped_repo(record_commit);
            let d = dir.path();
            let store = Store::new(&d.join(".git"));
            store.save(&state).unwrap();
            undo(d, d, &store, &state).unwrap();
            assert_eq!(git_in(d, &["rev-parse", "HEAD"]), state.before);
            assert_eq!(git_in(d, &["tag", "--list"]), "");
            assert_eq!(fs_err::read_to_string(d.join("pyproject.toml")).unwrap(), "version = \"1.0\"\n");
            assert_eq!(git_in(d, &["status", "--porcelain"]), "");
            assert!(!store.dir().exists());
        }
    }

    #[test]
    fn undo_keeps_a_commit_made_after_the_bump() {
        let (dir, state) = bumped_repo(true);
        let d = dir.path();
        fs_err::write(d.join("later.txt"), "x").unwrap();
        git_in(d, &["add", "later.txt"]);
        git_in(d, &["commit", "-qm", "later"]);
        let store = Store::new(&d.join(".git"));
        let e = undo(d, d, &store, &state).unwrap_err();
        assert!(e.starts_with("HEAD moved on since the bump commit"), "{e}");
        assert_eq!(git_in(d, &["log", "-1", "--format=%s"]), "later");
        assert_eq!(git_in(d, &["tag", "--list"]), "v1.1");
    }

    #[test]
    fn a_push_the_remote_would_refuse_is_known_at_preflight() {
        let (dir, _) = bumped_repo(true);
        let d = dir.path();
        let remote = tempfile::tempdir().unwrap();
        let r = remote.path().display().to_string();
        git_in(remote.path(), &["init", "-q", "--bare"]);
        git_in(d, &["remote", "add", "origin", &r]);
        git_in(d, &["push", "-q", "origin", "main"]);
        assert_eq!(remote_accepts(d, "origin", "main", "v1.2"), Ok(()));
        git_in(d, &["push", "-q", "origin", "v1.1"]);
        assert_eq!(
            remote_accepts(d, "origin", "main", "v1.1").unwrap_err(),
            "the remote `origin` already has a tag v1.1: release another version"
        );
        // Someone else pushed: this clone lacks the commit.
        let other = tempfile::tempdir().unwrap();
        git_in(other.path(), &["clone", "-q", "-b", "main", &r, "."]);
        fs_err::write(other.path().join("x.txt"), "x").unwrap();
        git_in(other.path(), &["add", "x.txt"]);
        git_in(other.path(), &["commit", "-qm", "x"]);
        git_in(other.path(), &["push", "-q", "origin", "main"]);
        let e = remote_accepts(d, "origin", "main", "v1.2").unwrap_err();
        assert!(e.starts_with("`origin/main` has commits this branch lacks"), "{e}");
        assert!(remote_accepts(d, "nowhere", "main", "v1.2")
            .unwrap_err()
            .starts_with("the remote `nowhere` cannot be reached"));
    }

    #[test]
    fn interpreters_outside_requires_python_are_refused() {
        let py = |v: &str| Interpreter { path: PathBuf::from(format!("/py/{v}")), version: v.into() };
        assert!(outside_requires_python(&[py("3.10.2"), py("3.13.0")], ">=3.10").is_ok());
        assert_eq!(
            outside_requires_python(&[py("3.13.0"), py("3.9.18")], ">=3.10").unwrap_err(),
            "Python 3.9.18 (/py/3.9.18) is outside the project's requires-python `>=3.10`: name interpreters it supports with --python or [tool.cartwheel.release] python"
        );
    }

    #[test]
    fn scratch_is_named_with_the_pid() {
        let dir = scratch().unwrap();
        let name = dir.path().file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(&format!("cartwheel-release-{}-", std::process::id())), "{name}");
    }

    #[cfg(unix)]
    #[test]
    fn a_check_is_shown_line_by_line_both_streams_in_the_order_printed() {
        let dir = tempfile::tempdir().unwrap();
        let mut seen = Vec::new();
        let cmd = "echo one; echo two >&2; printf 'three\\r\\n\\377\\n'; printf 'no end'; exit 3";
        let (status, text) = run_shown(cmd, dir.path(), &mut |l| seen.push(l.to_string())).unwrap();
        assert_eq!(status.code(), Some(3));
        assert_eq!(seen, ["one", "two", "three", "\u{fffd}", "no end"]);
        assert_eq!(text, "one\ntwo\nthree\r\n\u{fffd}\nno end");
        // A silent check shows nothing.
        let (status, text) = run_shown("exit 0", dir.path(), &mut |_| {}).unwrap();
        assert!(status.success() && text.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_process_a_check_leaves_behind_does_not_hold_the_release() {
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let cmd = "(sleep 5; echo too late; sleep 20) & echo checked";
        let (status, text) = run_shown(cmd, dir.path(), &mut |_| {}).unwrap();
        assert!(status.success());
        // Not the leftover's 25 seconds.
        assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
        assert_eq!(text, "checked\n");
        // One that prints without pause: the grace still ends.
        let started = Instant::now();
        let cmd = "(i=0; while [ $i -lt 3000 ]; do echo tick; sleep 0.01; i=$((i+1)); done) & echo checked";
        let (status, text) = run_shown(cmd, dir.path(), &mut |_| {}).unwrap();
        assert!(status.success());
        assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
        assert!(text.lines().any(|l| l == "checked") && text.lines().all(|l| l == "checked" || l == "tick"));
    }

    #[test]
    fn the_strict_check_drops_the_ignored_warnings_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("proj");
        fs_err::create_dir_all(root.join("zones")).unwrap();
        fs_err::write(root.join("zones/__init__.py"), "").unwrap();
        for alias in ["UTC", "Zulu"] {
            fs_err::write(root.join("zones").join(alias), "TZif2 zone data\n").unwrap();
        }
        fs_err::write(root.join("README.md"), "# zones\n").unwrap();
        fs_err::write(
            root.join("pyproject.toml"),
            "[project]\nname = \"zones\"\nversion = \"1.0\"\nreadme = \"README.md\"\n",
        )
        .unwrap();
        let request = cartwheel_dist::Request::new(&root, cartwheel_dist::Target::Wheel, dir.path());
        let built = cartwheel_dist::run(&request).result.unwrap();
        let wheel = &built[0].path;
        let refused = describe(wheel, true, &[]).unwrap_err();
        assert!(
            refused.contains("warning[W002] zones/UTC, zones/Zulu: Wheel contains duplicate files"),
            "{refused}"
        );
        let dist = describe(wheel, true, &["W002".to_string()]).unwrap();
        assert_eq!(dist.filename, "zones-1.0-py3-none-any.whl");
    }
}
