//! Running the `git` command on a project (never a reimplementation of git).

use std::path::Path;
use std::process::{Command, Stdio};

/// `git -C root`, shielded from the variables git hooks set: they would point git at another
/// repository than the project's.
pub fn command(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .arg("-C")
        .arg(root)
        .stdin(Stdio::null());
    cmd
}

/// What one git invocation printed.
#[derive(Debug)]
pub enum Outcome {
    /// git is not installed (or cannot be started).
    Missing(std::io::Error),
    /// Exit status 0: stdout, trimmed.
    Ok(String),
    /// Non-zero exit: stderr, trimmed.
    Failed(String),
}

/// Run `git -C root ARGS`, capturing its output.
pub fn run(root: &Path, args: &[&str]) -> Outcome {
    match command(root).args(args).output() {
        Err(e) => Outcome::Missing(e),
        Ok(out) if out.status.success() => {
            Outcome::Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        Ok(out) => Outcome::Failed(String::from_utf8_lossy(&out.stderr).trim().to_string()),
    }
}
