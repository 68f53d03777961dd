//! The `cartwheel` command line (clap): prints diagnostics, returns the exit status.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use cartwheel_core::diagnostic::Diagnostic;
use cartwheel_core::version::bump::{Options as BumpOptions, Part};
use cartwheel_dist::build::Build;
use cartwheel_dist::{Request, Target};

/// cartwheel: fast, correct wheels and sdists for pure-Python projects.
#[derive(Debug, Parser)]
#[command(name = "cartwheel", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the sdist and the wheel in one pass (both unless --wheel or --sdist is given).
    Build {
        /// Project folder (holding pyproject.toml).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output folder [default: PATH/dist].
        #[arg(short = 'o', long = "out-dir")]
        out_dir: Option<PathBuf>,
        /// Build the wheel.
        #[arg(long)]
        wheel: bool,
        /// Build the sdist.
        #[arg(long)]
        sdist: bool,
        /// List the files each artifact would hold (with RECORD's hashes computed, so every
        /// file is read) and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check wheels and sdists: the `twine check` verdict and PyPI's upload rules.
    Check {
        /// Distribution files, folders (walked) or glob patterns.
        #[arg(required = true)]
        dists: Vec<String>,
        /// Warnings fail too.
        #[arg(long)]
        strict: bool,
        /// Drop these warnings (codes, comma-separated or repeated: `--ignore W002,D001`).
        #[arg(long, value_name = "CODE", value_delimiter = ',', value_parser = ignorable)]
        ignore: Vec<String>,
        /// Give exactly another tool's verdict instead of cartwheel's fuller one.
        #[arg(long, value_enum)]
        compat: Option<Compat>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Print the project's version.
    Version {
        /// Project folder (holding pyproject.toml).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Fail (exit 1, with a diff per file) when a stamp target in the source tree
        /// disagrees with the version.
        #[arg(long)]
        check: bool,
    },
    /// Move the version on and record it: the version source, the stamp targets and the
    /// changelog, all or nothing.
    Bump {
        /// major, minor, patch, alpha, beta, rc, pre, post, dev, release, or a version (2.0.0rc1).
        part: String,
        /// Project folder (holding pyproject.toml).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Allow a version lower than the current one.
        #[arg(long)]
        allow_downgrade: bool,
        /// Print the diff of every file it would change; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Leave the changelog alone.
        #[arg(long)]
        no_changelog: bool,
        /// Commit the changed files (the git work tree must be clean).
        #[arg(long)]
        commit: bool,
        /// Create the annotated tag vX.Y.Z (committing the changed files first).
        #[arg(long)]
        tag: bool,
    },
    /// Upload wheels and sdists to PyPI or any compatible index, each checked first.
    Publish(crate::publish_cmd::PublishArgs),
    /// The release checklist as one command: preflight, checks, bump + commit + tag, build
    /// from a clean clone of the tag, check, smoke tests, test index, index, push, notes.
    Release(crate::release_cmd::ReleaseArgs),
    /// Switch a setuptools / poetry / hatchling / flit / pdm / uv_build project to cartwheel,
    /// and prove it by building both ways and comparing the artifacts.
    Migrate {
        /// Project folder.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Print the unified diff; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not build with both backends to compare.
        #[arg(long)]
        no_verify: bool,
        /// Delete the old configuration that is no longer used.
        #[arg(long)]
        remove_old: bool,
        /// Write despite a dirty git tree, untranslatable items or differences.
        #[arg(long)]
        force: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
}

/// `--compat` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Compat {
    /// `twine check` (twine 7).
    Twine,
}

/// `--format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    /// One `Checking FILE: VERDICT` block per file.
    Text,
    /// A JSON array of reports (schema in docs/check.md).
    Json,
}

/// What the Python face knows of the process: the interpreter and cartwheel's package folder.
#[derive(Debug, Clone, Default)]
pub struct Host {
    /// `sys.executable`.
    pub python: Option<PathBuf>,
    /// The folder of the `cartwheel` package (the backend of an un-isolated sdist build).
    pub package: Option<PathBuf>,
}

static HOST: std::sync::OnceLock<Host> = std::sync::OnceLock::new();

/// Record the host (the PyO3 face, once, before the CLI runs).
pub fn set_host(host: Host) {
    let _ = HOST.set(host);
}

/// The host, as recorded (empty when not run from Python).
pub fn host() -> Host {
    HOST.get().cloned().unwrap_or_default()
}

/// Exit status for a failed command.
const FAILURE: i32 = 1;

/// Exit status for a bug in cartwheel (a panic), as for a usage error: neither is the
/// project's fault.
pub const INTERNAL_ERROR: i32 = 2;

/// Run the CLI on `args` (program name first); returns the exit status.
pub fn run(args: Vec<String>) -> i32 {
    cartwheel_core::fault::inject("cli");
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let result = match cli.command {
        Command::Build { path, out_dir, wheel, sdist, dry_run } => {
            let out_dir = out_dir.unwrap_or_else(|| path.join("dist"));
            let (wheel, sdist) = if wheel || sdist { (wheel, sdist) } else { (true, true) };
            build(&path, &out_dir, wheel, sdist, dry_run).map(|()| 0)
        }
        Command::Check { dists, strict, ignore, compat, format } => {
            Ok(check(&dists, strict, ignore, compat, format))
        }
        Command::Version { path, check } => version(&path, check),
        Command::Publish(args) => Ok(crate::publish_cmd::run(args)),
        Command::Release(args) => Ok(crate::release_cmd::run(args)),
        Command::Bump { part, path, allow_downgrade, dry_run, no_changelog, commit, tag } => {
            match part.parse::<Part>() {
                Ok(parsed) => {
                    let opts =
                        BumpOptions { part: parsed, allow_downgrade, dry_run, no_changelog, commit, tag };
                    let written = match &opts.part {
                        Part::Exact(_) => part.as_str(),
                        _ => "",
                    };
                    bump(&path, &opts, written)
                }
                Err(msg) => Err(Diagnostic::error(msg).into()),
            }
        }
        Command::Migrate { path, dry_run, no_verify, remove_old, force, format } => {
            let python = crate::migrate_cmd::python();
            let flags = crate::migrate_cmd::Flags {
                path,
                dry_run,
                no_verify,
                remove_old,
                force,
                json: format == OutputFormat::Json,
                python,
            };
            Ok(crate::migrate_cmd::run(&flags))
        }
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            say(&e.to_diagnostic().to_string());
            FAILURE
        }
    }
}

fn build(path: &Path, out_dir: &Path, wheel: bool, sdist: bool, dry_run: bool) -> cartwheel_core::Result<()> {
    let target = match (wheel, sdist) {
        (true, false) => Target::Wheel,
        (false, true) => Target::Sdist,
        _ => Target::Both,
    };
    let outcome = cartwheel_dist::run(&Request { dry_run, ..Request::new(path, target, out_dir) });
    print_warnings(&outcome.warnings);
    for a in &outcome.result? {
        if !dry_run {
            say(&format!("Built {} ({}, {} files)", a.path.display(), human_size(a.size), a.files));
            continue;
        }
        // The listing is the command's output (stdout); what it means goes to stderr.
        say_out(&format!("{} ({} files, {} uncompressed):", a.path.display(), a.files, human_size(a.size)));
        for member in a.listing.iter().filter(|m| !m.path.ends_with('/')) {
            let mode = if member.executable { "x" } else { " " };
            say_out(&format!("  {:>10} {mode} {}", human_size(member.size), member.path));
        }
    }
    if dry_run {
        say("Dry run: nothing was written (and no archive was checked)");
    }
    Ok(())
}

/// A code `--ignore` takes: a warning of `cartwheel check`.
fn ignorable(code: &str) -> Result<String, String> {
    match cartwheel_core::project::unignorable(code) {
        None => Ok(code.to_string()),
        Some((message, help)) => Err(format!("{message} ({help})")),
    }
}

fn check(
    dists: &[String],
    strict: bool,
    ignore: Vec<String>,
    compat: Option<Compat>,
    format: OutputFormat,
) -> i32 {
    use cartwheel_check::{self as check, Level, Options};
    let files = match check::inputs::expand(dists) {
        Ok(files) => files,
        Err(why) => {
            say(&format!("error: {why}"));
            return FAILURE;
        }
    };
    if files.is_empty() {
        // Only signatures / attestations were named: twine says so and succeeds.
        say("warning: no files to check");
    }
    let level = if compat == Some(Compat::Twine) { Level::Twine } else { Level::Full };
    let options = Options { level, strict, ignore, ..Options::default() };
    let mut reports = Vec::new();
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut report = check::check_file(path, &name, &options);
        report.file = path.display().to_string();
        if format == OutputFormat::Text {
            say_out(check::report::text(&report).trim_end());
        }
        reports.push(report);
    }
    if format == OutputFormat::Json {
        say_out(&check::report::json(&reports));
    }
    if reports.iter().any(|r| r.failed()) {
        FAILURE
    } else {
        0
    }
}

/// `cartwheel version [--check]`: the version on stdout; with `--check`, status 1 and a diff
/// per stamp target in the source tree that disagrees with the version it should hold (for
/// source = "git", the nearest tag's).
fn version(path: &Path, check: bool) -> cartwheel_core::Result<i32> {
    let mut warnings = Vec::new();
    let build = Build::prepare(path, &mut warnings);
    print_warnings(&warnings);
    let build = build?;
    say_out(&build.version.to_string());
    let tree = &build.tree;
    if !check || tree.stale.is_empty() {
        return Ok(0);
    }
    for stamp in &tree.stale {
        let file = cartwheel_core::diagnostic::SourceFile::new(stamp.shown.clone(), stamp.old.as_str());
        let names: Vec<&str> = stamp.changes.iter().map(|c| c.name).collect();
        let first = stamp.changes.first().map(|c| c.span.start).unwrap_or_default();
        let (line, col) = file.line_col(first);
        let verb = if names.len() == 1 { "disagrees" } else { "disagree" };
        say(&format!(
            "error: {}:{line}:{col}: `{}` {verb} with the version {}\n{}",
            stamp.shown.display(),
            names.join("` and `"),
            tree.expected,
            stamp.diff().trim_end()
        ));
    }
    let from_tag = match &tree.tag {
        Some(t) => format!(" (of tag `{t}`, the release this tree was last bumped to)"),
        None => String::new(),
    };
    let n = tree.stale.len();
    let stale = cartwheel_core::diagnostic::count(n, "stamp target is", "stamp targets are");
    let them = if n == 1 { "it" } else { "them" };
    say(&format!(
        "{stale} out of step with the version {}{from_tag}: edit {them} to match; `cartwheel bump` keeps {them} in step from then on",
        tree.expected
    ));
    Ok(FAILURE)
}

/// `cartwheel bump`: diffs on stdout for a dry run, else the new version on stdout and a
/// summary on stderr.
fn bump(path: &Path, opts: &BumpOptions, written: &str) -> cartwheel_core::Result<i32> {
    let mut warnings = Vec::new();
    if let Part::Exact(v) = &opts.part {
        if v.to_string() != written {
            warnings.push(Diagnostic::warning(format!("version `{written}` is normalised to `{v}`")));
        }
    }
    let outcome = cartwheel_core::version::bump::run(path, opts, &mut warnings);
    print_warnings(&warnings);
    let done = outcome?;
    let plan = &done.plan;
    let files: Vec<&str> = plan.edits.iter().map(|e| e.rel.as_str()).collect();
    let list = if files.is_empty() { "no file".to_string() } else { files.join(", ") };
    if opts.dry_run {
        say_out(plan.diff().trim_end());
        say(&format!("Would bump {} ({list}); dry run, nothing written", plan.change(true)));
        return Ok(0);
    }
    say(&format!("Bumped {} ({list})", plan.change(true)));
    if done.committed {
        say("Committed the change");
    }
    match &plan.tag {
        Some(t) => say(&format!("Tagged {t}")),
        None if done.git_source => say(&format!(
            "The version comes from git tags: tag the release (`git tag -a v{0} -m v{0}`, or `--tag`) to make it {0}",
            plan.new
        )),
        None => {}
    }
    say_out(&plan.new.to_string());
    Ok(0)
}

/// Print warnings to stderr.
pub fn print_warnings(warnings: &[Diagnostic]) {
    for w in warnings {
        say(&w.to_string());
    }
}

/// One line to stderr. A closed pipe (`cartwheel build 2>&1 | head`) is not an error of the
/// build: `eprintln!` would panic on it, after the artifacts were written.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// One line to stdout, ignoring a closed pipe.
pub fn say_out(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(2048), "2.0 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 + 1), "5.0 MiB");
    }

    #[test]
    fn parses_build_flags() {
        let cli = Cli::try_parse_from(["cartwheel", "build", "proj", "-o", "out", "--wheel"]).unwrap();
        match cli.command {
            Command::Build { path, out_dir, wheel, sdist, .. } => {
                assert_eq!(path, PathBuf::from("proj"));
                assert_eq!(out_dir, Some(PathBuf::from("out")));
                assert!(wheel && !sdist);
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["cartwheel", "frobnicate"]).is_err());
    }
}
