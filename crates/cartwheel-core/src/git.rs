//! Running the `git` command on a project (never a reimplementation of git).

use std::path::Path;
use std::process::{Command, Stdio};

/// The repository-locating variables (`git rev-parse --local-env-vars`) that git hooks and
/// server-side hooks set (`GIT_DIR` in a worktree's hook, `GIT_INDEX_FILE` during a commit,
/// `GIT_OBJECT_DIRECTORY` in a quarantined pre-receive): they point at the repository the hook
/// runs for, not the project's. The `GIT_CONFIG*` ones carry the user's settings
/// (`safe.directory` in CI) and are kept.
const REPOSITORY_VARS: [&str; 12] = [
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
];

/// `git -C root`, shielded from the variables git hooks set: they would point git at another
/// repository than the project's.
pub fn command(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    for var in REPOSITORY_VARS {
        cmd.env_remove(var);
    }
    cmd.arg("-C").arg(root).stdin(Stdio::null());
    cmd
}

/// What one git invocation printed.
#[derive(Debug)]
pub enum Outcome {
    /// git is not installed (or cannot be started).
    Missing(std::io::Error),
    /// Exit status 0: stdout without trailing whitespace (a porcelain line starts with a space).
    Ok(String),
    /// Non-zero exit: stderr, trimmed.
    Failed(String),
}

/// Run `git -C root ARGS`, capturing its output.
pub fn run(root: &Path, args: &[&str]) -> Outcome {
    match command(root).args(args).output() {
        Err(e) => Outcome::Missing(e),
        Ok(out) if out.status.success() => {
            Outcome::Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
        }
        Ok(out) => Outcome::Failed(String::from_utf8_lossy(&out.stderr).trim().to_string()),
    }
}

/// `git ARGS` as a shell line a user can copy: an argument with spaces or quotes is quoted.
pub fn command_line(args: &[&str]) -> String {
    let quoted = args.iter().map(|a| {
        if !a.is_empty() && a.chars().all(|c| c.is_alphanumeric() || "-_./=:@+,%^~".contains(c)) {
            (*a).to_string()
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        }
    });
    std::iter::once("git".to_string()).chain(quoted).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_repository_variable_git_knows_is_removed() {
        let Outcome::Ok(vars) = run(Path::new("."), &["rev-parse", "--local-env-vars"]) else {
            panic!("git runs");
        };
        let removed: Vec<String> = command(Path::new("."))
            .get_envs()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        for var in vars.lines().filter(|v| !v.starts_with("GIT_CONFIG")) {
            assert!(removed.iter().any(|r| r == var), "{var} reaches git");
        }
    }

    #[test]
    fn command_lines_can_be_copied() {
        assert_eq!(
            command_line(&["tag", "-a", "v1.0", "-m", "Release 1.0"]),
            "git tag -a v1.0 -m 'Release 1.0'"
        );
        assert_eq!(command_line(&["commit", "-m", "it's"]), "git commit -m 'it'\\''s'");
        assert_eq!(command_line(&["log", "-1", "--format=%s", ""]), "git log -1 --format=%s ''");
    }
}
