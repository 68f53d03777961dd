//! `cartwheel check`: validators over any wheel or sdist, built by cartwheel or by anything else.
//!
//! Findings are data (`Problem`), collected into one `Report` per file; `report` renders them
//! as text or JSON at the edge. Two levels: `Level::Twine` gives exactly the verdict of
//! `twine check` (twine 7), `Level::Full` adds PyPI's upload rules, archive integrity
//! (RECORD) and check-wheel-contents' W0xx checks. Archives are read, never extracted.

use std::path::Path;

use serde::Serialize;

mod classifiers;
mod inflate;
pub mod inputs;
pub mod markdown;
mod metadata;
mod read;
pub mod report;
pub mod rst;
mod sdist;
mod twine;
mod wheel;

pub use read::Limits;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information only; never changes the verdict.
    Note,
    /// `PASSED with warnings`; fails with `--strict`.
    Warning,
    /// `FAILED`.
    Error,
}

/// One finding about one distribution file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable code (`T001`, `M004`, `W001`...), documented in docs/check.md.
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Archive member path, metadata field or `README line N`, when there is one.
    pub location: Option<String>,
}

impl Problem {
    /// An error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, severity: Severity::Error, message: message.into(), location: None }
    }

    /// A warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(code, message) }
    }

    /// A note.
    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Self { severity: Severity::Note, ..Self::error(code, message) }
    }

    /// The same problem, located.
    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }
}

/// The outcome for one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No error, no warning.
    Passed,
    /// Warnings only (and not `--strict`).
    PassedWithWarnings,
    /// An error, or a warning under `--strict`.
    Failed,
}

/// Every problem found in one file and the verdict they add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The file as named on the command line (or the artifact's final name at build time).
    pub file: String,
    /// Overall outcome.
    pub verdict: Verdict,
    /// Findings, in the order they were found.
    pub problems: Vec<Problem>,
}

impl Report {
    /// A report whose verdict follows from `problems` (`strict`: warnings fail).
    pub fn new(file: impl Into<String>, problems: Vec<Problem>, strict: bool) -> Self {
        let worst = problems.iter().map(|p| p.severity).max();
        let verdict = match worst {
            Some(Severity::Error) => Verdict::Failed,
            Some(Severity::Warning) if strict => Verdict::Failed,
            Some(Severity::Warning) => Verdict::PassedWithWarnings,
            _ => Verdict::Passed,
        };
        Self { file: file.into(), verdict, problems }
    }

    /// Whether the file failed.
    pub fn failed(&self) -> bool {
        self.verdict == Verdict::Failed
    }

    /// Problems of exactly `severity`.
    pub fn with_severity(&self, severity: Severity) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.severity == severity)
    }
}

/// Which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    /// Exactly `twine check`'s verdict.
    Twine,
    /// twine's rules plus PyPI's, integrity and contents.
    #[default]
    Full,
}

/// How to check.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Which rules.
    pub level: Level,
    /// Warnings fail.
    pub strict: bool,
    /// Archive reading bounds.
    pub limits: Limits,
    /// Where a tar.gz's gzip stream restarts, when its writer says so (a hint, verified).
    pub restarts: Vec<crate::archive::gzip::Restart>,
}

/// Check the distribution at `path`; its kind comes from `name` (the file name it is or will
/// be published under), as twine decides it from the name alone.
pub fn check_file(path: &Path, name: &str, options: &Options) -> Report {
    check_with(name, options, |format| read::read(path, format, &options.limits, &options.restarts))
}

/// `check_file`, and the text of the metadata file twine reads (METADATA / PKG-INFO) when it
/// is there and UTF-8: what an upload sends as its form fields, from the one read of the file.
pub fn check_file_for_upload(path: &Path, name: &str, options: &Options) -> (Report, Option<String>) {
    let mut text = None;
    let report = check_with(name, options, |format| {
        let archive = read::read(path, format, &options.limits, &options.restarts)?;
        text = twine::find_metadata(&archive).ok().and_then(|(_, b)| String::from_utf8(b.to_vec()).ok());
        Ok(archive)
    });
    (report, text)
}

/// Check a distribution held in memory, as `check_file` does a file.
pub fn check_bytes(bytes: &[u8], name: &str, options: &Options) -> Report {
    check_with(name, options, |format| read::read_bytes(bytes, format, &options.limits))
}

fn check_with(
    name: &str,
    options: &Options,
    read: impl FnOnce(read::Format) -> Result<read::Archive, Problem>,
) -> Report {
    let problems = match read::Format::from_name(name) {
        None => vec![Problem::error(
            "A001",
            "unknown distribution format: the name must end in `.whl`, `.tar.gz` or `.zip`",
        )],
        Some(format) => match read(format) {
            Err(fatal) => vec![fatal],
            Ok(archive) => check_archive(&archive, name, options),
        },
    };
    Report::new(name, problems, options.strict)
}

fn check_archive(archive: &read::Archive, name: &str, options: &Options) -> Vec<Problem> {
    let contents = || match archive.format {
        read::Format::Wheel => wheel::check(archive, name),
        read::Format::TarGz | read::Format::ZipSdist => sdist::check(archive, name),
    };
    let mut problems = Vec::new();
    match options.level {
        Level::Twine => {
            let verdict = twine::check(archive);
            // Unsafe member paths and unreadable members twine never looks at do not change
            // its verdict; say so without failing.
            problems.extend(archive.problems.iter().cloned().map(|mut p| {
                p.severity = Severity::Note;
                p.message.push_str(" (not checked by twine)");
                p
            }));
            problems.extend(verdict.problems);
        }
        Level::Full => {
            // The metadata (README included) and the member list are judged side by side when
            // the list is long (Django's wheel: 6 ms each); a small archive is not worth a thread.
            let (verdict, contents) = if archive.members.len() > PARALLEL_CHECK_MEMBERS {
                rayon::join(|| twine::check(archive), contents)
            } else {
                (twine::check(archive), contents())
            };
            problems.extend(archive.problems.iter().cloned());
            problems.extend(verdict.problems);
            if let Some(meta) = &verdict.metadata {
                problems.extend(metadata::check(meta, archive, name));
                problems.extend(markdown::check(meta));
            }
            problems.extend(contents);
        }
    }
    problems
}

/// Archives with more members than this have their metadata and contents checked in parallel.
const PARALLEL_CHECK_MEMBERS: usize = 256;

/// Rules that stop an upload but not a local build.
const UPLOAD_ONLY: [&str; 1] = ["M004"];

/// The build-time check on an artifact just written to `path` (to be published as `name`):
/// warnings are printed; errors fail the build under `check = "error"` and are printed as
/// warnings under `"warn"`. Notes are for `cartwheel check`, not for every build. `readme` is
/// the project's README file: description problems are located in it (its lines are the
/// description's lines).
///
/// `restarts` (from the sdist writer) lets the tar.gz be inflated in parallel; the read
/// verifies them and falls back to one serial pass when they do not hold.
pub fn at_build(
    path: &Path,
    name: &str,
    level: crate::project::CheckLevel,
    readme: Option<&str>,
    restarts: &[crate::archive::gzip::Restart],
) -> crate::Result<()> {
    use crate::project::CheckLevel;
    if level == CheckLevel::Off {
        return Ok(());
    }
    // The archive was just written by this build from the project's own files: the bounds
    // that guard `cartwheel check` against hostile uploads would only refuse large projects
    // (a 4 GiB data file, 100,000 files, sparse zeros that deflate 1000:1).
    let own = Limits {
        member_bytes: u64::MAX,
        total_bytes: u64::MAX,
        ratio: u64::MAX,
        members: usize::MAX,
        ..Limits::default()
    };
    let options = Options { limits: own, restarts: restarts.to_vec(), ..Options::default() };
    let mut report = check_file(path, name, &options);
    // A local version (`1.2.4.dev2+g5ab5313` from git between tags) is fine to build and
    // install, on every commit of a git-versioned project; only an upload refuses it, and
    // `cartwheel check` before the upload says so. A warning on every such build is noise.
    report.problems.retain(|p| !UPLOAD_ONLY.contains(&p.code));
    if let Some(readme) = readme {
        for p in &mut report.problems {
            if let Some(line) = p.location.as_deref().and_then(|l| l.strip_prefix("README line ")) {
                p.location = Some(format!("{readme} line {line}"));
            }
        }
    }
    let errors: Vec<String> = report.with_severity(Severity::Error).map(self::report::line).collect();
    for w in report.with_severity(Severity::Warning) {
        crate::cli::say(&format!("warning: {name}: {}", self::report::line(w)));
    }
    if errors.is_empty() {
        return Ok(());
    }
    if level == CheckLevel::Warn {
        for e in &errors {
            crate::cli::say(&format!("warning: {name}: {e}"));
        }
        return Ok(());
    }
    Err(crate::diagnostic::Diagnostic::error(format!(
        "`{name}` fails `cartwheel check`, so it was not written:\n  {}",
        errors.join("\n  ")
    ))
    .help("fix the project; `[tool.cartwheel] check = \"warn\"` (or the `check=warn` config setting) builds anyway")
    .into())
}
