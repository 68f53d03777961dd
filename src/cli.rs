//! The `cartwheel` command line (clap): prints diagnostics, returns the exit status.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::build::{Artifact, Build, Staged};
use crate::diagnostic::Diagnostic;

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
    },
    /// Check wheels and sdists: the `twine check` verdict and PyPI's upload rules.
    Check {
        /// Distribution files, folders (walked) or glob patterns.
        #[arg(required = true)]
        dists: Vec<String>,
        /// Warnings fail too.
        #[arg(long)]
        strict: bool,
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

/// Exit status for a failed command.
const FAILURE: i32 = 1;

/// Run the CLI on `args` (program name first); returns the exit status.
pub fn run(args: Vec<String>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let result = match cli.command {
        Command::Build { path, out_dir, wheel, sdist } => {
            let out_dir = out_dir.unwrap_or_else(|| path.join("dist"));
            let (wheel, sdist) = if wheel || sdist { (wheel, sdist) } else { (true, true) };
            build(&path, &out_dir, wheel, sdist)
        }
        Command::Check { dists, strict, compat, format } => return check(&dists, strict, compat, format),
        Command::Version { path } => {
            let mut warnings = Vec::new();
            let build = Build::prepare(&path, &mut warnings);
            print_warnings(&warnings);
            build.map(|b| say_out(&b.version.to_string()))
        }
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            say(&e.to_diagnostic().to_string());
            FAILURE
        }
    }
}

fn build(path: &Path, out_dir: &Path, wheel: bool, sdist: bool) -> crate::Result<()> {
    let mut warnings = Vec::new();
    let build = Build::prepare(path, &mut warnings);
    print_warnings(&warnings);
    let build = build?;
    // All or nothing: both artifacts are written to temporary files first and only renamed
    // into place once both succeeded, so a failure never leaves (or deletes) half a release.
    let mut staged = Vec::new();
    if sdist {
        staged.push(build.stage_sdist(out_dir)?);
    }
    if wheel {
        staged.push(build.stage_wheel(out_dir, None)?);
    }
    // Both artifacts are checked at once: the check reads each file back whole.
    {
        use rayon::prelude::*;
        staged.par_iter().try_for_each(|s| s.check(build.check))?;
    }
    let written = staged.into_iter().map(Staged::persist).collect::<crate::Result<Vec<Artifact>>>()?;
    for a in &written {
        say(&format!("Built {} ({}, {} files)", a.path.display(), human_size(a.size), a.files));
    }
    Ok(())
}

fn check(dists: &[String], strict: bool, compat: Option<Compat>, format: OutputFormat) -> i32 {
    use crate::check::{self, Level, Options};
    let files = match check::inputs::expand(dists) {
        Ok(files) => files,
        Err(why) => {
            say(&format!("error: {why}"));
            return FAILURE;
        }
    };
    let level = if compat == Some(Compat::Twine) { Level::Twine } else { Level::Full };
    let options = Options { level, strict, ..Options::default() };
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
fn say_out(line: &str) {
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
            Command::Build { path, out_dir, wheel, sdist } => {
                assert_eq!(path, PathBuf::from("proj"));
                assert_eq!(out_dir, Some(PathBuf::from("out")));
                assert!(wheel && !sdist);
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["cartwheel", "frobnicate"]).is_err());
    }
}
