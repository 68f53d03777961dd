//! Smoke tests: a fresh venv per interpreter, the artifact installed, its modules imported,
//! `__version__` compared, every console script run with `--help`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An interpreter for the smoke tests.
pub struct Interpreter {
    /// Its path.
    pub path: PathBuf,
    /// Its version.
    pub version: String,
}

/// Find an interpreter (stub until the smoke module lands).
pub fn find(
    spec: &str,
    _path_var: Option<&OsStr>,
    _pyenv_root: Option<&Path>,
) -> Result<Interpreter, String> {
    Ok(Interpreter { path: PathBuf::from(spec), version: String::new() })
}

/// What an installed artifact must provide.
pub struct Expect {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Modules.
    pub modules: Vec<String>,
    /// Scripts.
    pub scripts: Vec<String>,
}

/// From a wheel.
pub fn expect_from_wheel(_wheel: &Path) -> Result<Expect, String> {
    Err("stub".into())
}

/// What is installed.
pub enum Install<'a> {
    /// A wheel.
    Wheel(&'a Path),
    /// An sdist.
    Sdist {
        /// The file.
        path: &'a Path,
        /// The running cartwheel.
        backend: Option<&'a Path>,
    },
    /// From an index.
    Index {
        /// Simple URL.
        index_url: &'a str,
    },
}

/// One smoke test.
pub struct Smoke<'a> {
    /// Interpreter.
    pub python: &'a Interpreter,
    /// What.
    pub install: Install<'a>,
    /// Dependencies.
    pub deps_index: Option<&'a str>,
    /// Expectations.
    pub expect: &'a Expect,
    /// Scratch.
    pub work: &'a Path,
    /// Wait.
    pub wait: Duration,
}

/// Passed.
pub struct Summary {
    /// Python.
    pub python: String,
    /// Modules.
    pub modules: Vec<String>,
    /// Scripts.
    pub scripts: Vec<String>,
    /// Time.
    pub seconds: f64,
}

/// Failed.
#[derive(Debug)]
pub struct Failure {
    /// Stage.
    pub stage: &'static str,
    /// Message.
    pub message: String,
    /// Command.
    pub command: String,
    /// Output.
    pub output: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

/// Run one smoke test.
pub fn run(_s: &Smoke, _on: &mut dyn FnMut(&str)) -> Result<Summary, Failure> {
    Err(Failure { stage: "venv", message: "stub".into(), command: String::new(), output: String::new() })
}
