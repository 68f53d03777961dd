//! The git commands a release runs (core's `git` runner, shielded from hook variables).

use std::path::Path;

use cartwheel_core::git::{self, Outcome};

/// `git ARGS` in `dir`: stdout, or an error naming the command and git's own words.
pub fn ok(dir: &Path, args: &[&str]) -> Result<String, String> {
    match git::run(dir, args) {
        Outcome::Ok(out) => Ok(out),
        Outcome::Failed(err) => Err(format!("`git {}` failed: {}", args.join(" "), one_paragraph(&err))),
        Outcome::Missing(e) => Err(format!("git cannot be run: {e}")),
    }
}

/// `git ARGS` in `dir` when only success matters (a ref that may not exist).
pub fn test(dir: &Path, args: &[&str]) -> Option<String> {
    match git::run(dir, args) {
        Outcome::Ok(out) => Some(out),
        _ => None,
    }
}

/// The commit a ref names (`None`: no such ref).
pub fn commit_of(dir: &Path, rev: &str) -> Option<String> {
    test(dir, &["rev-parse", "-q", "--verify", &format!("{rev}^{{commit}}")])
}

/// git's message on a few lines: hints and blank lines dropped.
fn one_paragraph(err: &str) -> String {
    let lines: Vec<&str> =
        err.lines().map(str::trim_end).filter(|l| !l.trim().is_empty() && !l.starts_with("hint:")).collect();
    lines.join("\n  ")
}
