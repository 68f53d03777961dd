//! `cartwheel check`: validators over any wheel or sdist, built by cartwheel or by anything else.
//!
//! Findings are data (`Diagnostic`), collected into one `Report` per file; `report` renders them
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
mod sdist;
mod twine;
mod wheel;

/// The reST validator (its own crate, usable alone), as the description checks use it.
pub use cartwheel_rst as rst;
pub use read::Limits;

pub use cartwheel_core::diagnostic::{Diagnostic, Severity};

/// The constructors the rules write their findings with: a code and a message.
pub mod problem {
    use super::{Diagnostic, Severity};

    /// An error: `FAILED`.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::coded(Severity::Error, code, message)
    }

    /// A warning: `PASSED with warnings`, `FAILED` with `--strict`.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::coded(Severity::Warning, code, message)
    }

    /// A note: never changes the verdict.
    pub fn note(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::coded(Severity::Note, code, message)
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The file as named on the command line (or the artifact's final name at build time).
    pub file: String,
    /// Overall outcome.
    pub verdict: Verdict,
    /// Findings, in the order they were found.
    pub problems: Vec<Diagnostic>,
}

impl Report {
    /// A report whose verdict follows from `problems` (`strict`: warnings fail).
    pub fn new(file: impl Into<String>, problems: Vec<Diagnostic>, strict: bool) -> Self {
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
    pub fn with_severity(&self, severity: Severity) -> impl Iterator<Item = &Diagnostic> {
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
    pub restarts: Vec<cartwheel_archive::gzip::Restart>,
    /// Warning codes to drop (`--ignore`, `[tool.cartwheel] check-ignore`); an error with one
    /// of these codes still counts (A004 is either).
    pub ignore: Vec<String>,
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
    read: impl FnOnce(read::Format) -> Result<read::Archive, Diagnostic>,
) -> Report {
    let problems = match read::Format::from_name(name) {
        None => vec![problem::error(
            "A001",
            "unknown distribution format: the name must end in `.whl`, `.tar.gz` or `.zip`",
        )],
        Some(format) => match read(format) {
            Err(fatal) => vec![fatal],
            Ok(archive) => check_archive(&archive, name, options),
        },
    };
    let ignored = |p: &Diagnostic| {
        p.severity == Severity::Warning && p.code.is_some_and(|c| options.ignore.iter().any(|i| i == c))
    };
    let problems = problems.into_iter().filter(|p| !ignored(p)).collect();
    Report::new(name, problems, options.strict)
}

fn check_archive(archive: &read::Archive, name: &str, options: &Options) -> Vec<Diagnostic> {
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

#[cfg(test)]
mod tests {
    use cartwheel_core::project::IGNORABLE_CHECKS;

    /// The codes docs/check.md gives as warnings: a row whose severity says `warning`
    /// (A004's "error (warning for …)" too), and every check-wheel-contents row.
    fn documented_warnings() -> Vec<String> {
        let doc = include_str!("../../../docs/check.md");
        let mut codes: Vec<String> = doc
            .lines()
            .filter_map(|l| {
                let mut cells = l.strip_prefix("| `")?.splitn(3, '|');
                let code = cells.next()?.trim().trim_end_matches('`');
                let second = cells.next()?.trim();
                (second.contains("warning") || code.starts_with('W')).then(|| code.to_string())
            })
            .collect();
        codes.sort();
        codes
    }

    #[test]
    fn the_ignorable_codes_are_the_documented_warnings() {
        let mut ignorable: Vec<String> = IGNORABLE_CHECKS.iter().map(|c| c.to_string()).collect();
        ignorable.sort();
        assert_eq!(ignorable, documented_warnings());
    }

    #[test]
    fn every_warning_the_rules_write_is_ignorable() {
        // `problem::warning("X000", …)` and check-wheel-contents' `warn("W000", …)` in the rules.
        let sources = [
            include_str!("metadata.rs"),
            include_str!("markdown.rs"),
            include_str!("sdist.rs"),
            include_str!("twine.rs"),
            include_str!("wheel.rs"),
            include_str!("read.rs"),
            include_str!("report.rs"),
        ];
        for src in sources {
            for (at, _) in src.match_indices("warning(\"").chain(src.match_indices("warn(\"")) {
                let rest = &src[at..];
                let code = &rest[rest.find('"').unwrap() + 1..][..4];
                assert!(IGNORABLE_CHECKS.contains(&code), "{code} is written as a warning");
            }
        }
    }
}
