//! Smoke tests: a fresh venv per interpreter, the artifact installed, its modules imported,
//! `__version__` compared, every console script run with `--help`.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// An interpreter for the smoke tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    /// The executable as found.
    pub path: PathBuf,
    /// Its `major.minor.micro` (`3.12.4`).
    pub version: String,
}

/// How long an interpreter may take to say its version (a cold pyenv shim takes a second).
const ASK_TIMEOUT: Duration = Duration::from_secs(60);
/// `python -m venv` (ensurepip installs pip from its bundled wheel).
const VENV_TIMEOUT: Duration = Duration::from_secs(300);
/// A pip install, dependencies and an sdist build included.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(1800);
/// The import check and each `SCRIPT --help`.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest pause between two installs from an index that does not list the version yet
/// (a tenth of the wait when that is shorter: a short wait still gets a few tries).
const INDEX_PAUSE: Duration = Duration::from_secs(5);
/// Lines of a child's output kept for a failure.
const TAIL_LINES: usize = 40;

/// A path (absolute, or containing a separator) is used as is; `3.9` / `3.13` finds `python3.9`
/// on `path_var` (the PATH value, passed in), then under
/// `<pyenv_root>/versions/3.9.*/bin/python3.9` (highest patch first); `python3.11` / `pypy3` by
/// name on PATH. Asks the interpreter its version (`-c`), and refuses a `3.9` spec answered by
/// another version. Errors say what was looked for and where.
pub fn find(spec: &str, path_var: Option<&OsStr>, pyenv_root: Option<&Path>) -> Result<Interpreter, String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err("an empty interpreter name (give a path, `3.12` or `python3.12`)".into());
    }
    let as_path = Path::new(spec);
    if as_path.is_absolute() || spec.contains('/') || spec.contains(std::path::MAIN_SEPARATOR) {
        // Absolute: the commands run in another folder.
        let path = std::path::absolute(as_path).map_err(|e| format!("interpreter {spec}: {e}"))?;
        let version = ask_version(&path).map_err(|e| format!("interpreter {spec}: {e}"))?;
        return Ok(Interpreter { path, version });
    }
    let (name, wanted) = match minor_spec(spec) {
        Some(v) => (format!("python{v}"), Some(v.to_string())),
        None => (spec.to_string(), spec.strip_prefix("python").and_then(minor_spec).map(str::to_string)),
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    for dir in path_var.map(std::env::split_paths).into_iter().flatten() {
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    let mut candidates: Vec<PathBuf> =
        dirs.iter().map(|d| d.join(exe_name(&name))).filter(|p| is_executable(p)).collect();
    let mut looked = vec![format!(
        "{name} on PATH ({})",
        if path_var.is_none() { "not set".to_string() } else { shown_dirs(&dirs) }
    )];
    if let (Some(v), true, Some(root)) = (&wanted, minor_spec(spec).is_some(), pyenv_root) {
        let (found, pattern) = pyenv_candidates(root, v);
        candidates.extend(found);
        looked.push(pattern);
    }
    let mut answers = Vec::new();
    for path in &candidates {
        match ask_version(path) {
            Ok(version) if wanted.as_ref().is_none_or(|w| same_minor(&version, w)) => {
                return Ok(Interpreter { path: path.clone(), version });
            }
            Ok(version) => answers.push(format!("{} is Python {version}", path.display())),
            Err(e) => answers.push(format!("{}: {e}", path.display())),
        }
    }
    let what = wanted.as_ref().map_or_else(|| format!("`{spec}`"), |v| format!("Python {v}"));
    let tried = if answers.is_empty() { "none found".to_string() } else { answers.join("; ") };
    Err(format!("no interpreter for {what}: looked for {}; {tried}", looked.join(" and ")))
}

/// `3.9` → `3.9`; anything else (`3`, `3.9.1`, `pypy3`) → None.
fn minor_spec(s: &str) -> Option<&str> {
    let (major, minor) = s.split_once('.')?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor)).then_some(s)
}

/// Whether `version` (`3.9.18`) is of `minor` (`3.9`).
fn same_minor(version: &str, minor: &str) -> bool {
    version.strip_prefix(minor).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

fn shown_dirs(dirs: &[PathBuf]) -> String {
    if dirs.is_empty() {
        return "empty".into();
    }
    dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
}

fn exe_name(name: &str) -> String {
    if cfg!(windows) && !name.to_ascii_lowercase().ends_with(".exe") {
        format!("{name}.exe")
    } else {
        name.to_string()
    }
}

/// pyenv's installs of `minor`, highest patch first, and the pattern looked for (for errors).
fn pyenv_candidates(root: &Path, minor: &str) -> (Vec<PathBuf>, String) {
    let versions = root.join("versions");
    // pyenv-win keeps `python.exe` at the top of each version's folder.
    let inside = |dir: &Path| {
        if cfg!(windows) {
            dir.join("python.exe")
        } else {
            dir.join("bin").join(format!("python{minor}"))
        }
    };
    let pattern = inside(&versions.join(format!("{minor}.*"))).display().to_string();
    let mut found: Vec<(u64, String, PathBuf)> = fs_err::read_dir(&versions)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let rest = name.strip_prefix(minor)?.strip_prefix('.')?;
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let patch = digits.parse().ok()?;
                    let exe = inside(&e.path());
                    is_executable(&exe).then_some((patch, name, exe))
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort_by(|a, b| (b.0, &b.1).cmp(&(a.0, &a.1)));
    (found.into_iter().map(|(_, _, p)| p).collect(), pattern)
}

fn is_executable(p: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(p) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// The interpreter's `major.minor.micro`.
fn ask_version(python: &Path) -> Result<String, String> {
    let mut cmd = Command::new(python);
    cmd.args(["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"]);
    let ran = exec(&mut cmd, ASK_TIMEOUT)?;
    let mut lines = ran.output.lines().map(str::trim).filter(|l| !l.is_empty());
    // A failure's first line says why (`pyenv: python3.9: command not found`, `Fatal Python
    // error: …`); the version is the last line (after any warning).
    let first = lines.clone().next().unwrap_or_default();
    let last = lines.next_back().unwrap_or_default();
    match ran.status {
        None => Err(format!("did not say its version within {} s", ASK_TIMEOUT.as_secs())),
        Some(s) if !s.success() => Err(format!("asking its version failed ({}): {first}", status_text(s))),
        Some(_) if is_version(last) => Ok(last.to_string()),
        Some(_) => Err(format!("answered `{last}` when asked its version")),
    }
}

fn is_version(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// What an installed artifact must provide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    /// The distribution name as METADATA spells it.
    pub name: String,
    /// The version as METADATA spells it.
    pub version: String,
    /// Top-level import names.
    pub modules: Vec<String>,
    /// Console scripts.
    pub scripts: Vec<String>,
}

/// From a wheel: the distribution name and version (the .dist-info's METADATA Name/Version),
/// top-level import names from RECORD (packages `pkg/…` and modules `mod.py`; never
/// `*.dist-info`, `*.data`, `*.pth`, `__pycache__`), console scripts from entry_points.txt
/// `[console_scripts]`.
pub fn expect_from_wheel(wheel: &Path) -> Result<Expect, String> {
    let shown = wheel.display();
    let file = fs_err::File::open(wheel).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("{shown}: not a readable zip: {e}"))?;
    let infos: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.strip_suffix("/METADATA"))
        .filter(|d| d.ends_with(".dist-info") && !d.contains('/'))
        .map(str::to_string)
        .collect();
    let info = match infos.as_slice() {
        [one] => one.clone(),
        [] => return Err(format!("{shown}: no *.dist-info/METADATA in the wheel")),
        many => return Err(format!("{shown}: more than one .dist-info ({})", many.join(", "))),
    };
    let mut read = |member: &str| -> Result<Option<String>, String> {
        let mut f = match zip.by_name(member) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("{shown}: {member}: {e}")),
        };
        let mut text = String::new();
        f.read_to_string(&mut text).map_err(|e| format!("{shown}: {member}: {e}"))?;
        Ok(Some(text))
    };
    let metadata = read(&format!("{info}/METADATA"))?.unwrap_or_default();
    let header = |key: &str| {
        metadata
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case(key)))
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("{shown}: {info}/METADATA has no {key}"))
    };
    let (name, version) = (header("Name")?, header("Version")?);
    let record = read(&format!("{info}/RECORD"))?.ok_or_else(|| format!("{shown}: no {info}/RECORD"))?;
    let mut modules: Vec<String> =
        record.lines().filter_map(record_path).filter_map(|p| top_level(&p)).collect();
    modules.sort();
    modules.dedup();
    let entry_points = read(&format!("{info}/entry_points.txt"))?.unwrap_or_default();
    let mut scripts = console_scripts(&entry_points);
    scripts.sort();
    scripts.dedup();
    Ok(Expect { name, version, modules, scripts })
}

/// The path field of a RECORD line (CSV: quoted when it holds a comma or a quote).
fn record_path(line: &str) -> Option<String> {
    let line = line.trim_end_matches('\r');
    if let Some(rest) = line.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    out.push('"');
                    chars.next();
                }
                '"' => return Some(out),
                c => out.push(c),
            }
        }
        return None;
    }
    let path = line.split(',').next()?;
    (!path.is_empty()).then(|| path.to_string())
}

/// The import name a wheel member provides at the top level, if any.
fn top_level(path: &str) -> Option<String> {
    let (first, rest) = match path.split_once('/') {
        Some((dir, rest)) => (dir, Some(rest)),
        None => (path, None),
    };
    let name = match rest {
        Some(_) if first.ends_with(".dist-info") || first.ends_with(".data") => return None,
        Some(_) => first,
        None => first.strip_suffix(".py")?,
    };
    let identifier = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    (identifier && name != "__pycache__").then(|| name.to_string())
}

/// The names under `[console_scripts]` of an entry_points.txt.
fn console_scripts(text: &str) -> Vec<String> {
    let mut section = "";
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = s.trim();
        } else if section == "console_scripts" {
            if let Some((name, _)) = line.split_once('=') {
                out.push(name.trim().to_string());
            }
        }
    }
    out
}

/// What is installed.
#[derive(Debug, Clone, Copy)]
pub enum Install<'a> {
    /// A wheel file.
    Wheel(&'a Path),
    /// pip builds the sdist; `backend`: the running cartwheel's package folder
    /// (…/site-packages/cartwheel), copied to `<work>/backend/cartwheel` (no __pycache__) and put
    /// on PYTHONPATH for a `--no-build-isolation` build; None = an isolated build.
    Sdist {
        /// The sdist file.
        path: &'a Path,
        /// The backend's package folder.
        backend: Option<&'a Path>,
    },
    /// NAME==VERSION from `index_url` (a simple-API URL).
    Index {
        /// The simple-API URL.
        index_url: &'a str,
    },
}

/// One smoke test.
#[derive(Debug, Clone, Copy)]
pub struct Smoke<'a> {
    /// The interpreter the venv is made with.
    pub python: &'a Interpreter,
    /// What is installed.
    pub install: Install<'a>,
    /// Where dependencies come from: `--index-url` for Wheel/Sdist, `--extra-index-url` for Index.
    pub deps_index: Option<&'a str>,
    /// What the installed artifact must provide.
    pub expect: &'a Expect,
    /// A scratch folder of the caller's (the venv and the backend copy go under it; it may not
    /// exist yet).
    pub work: &'a Path,
    /// Install from an index: keep retrying (pip says no matching distribution / the file
    /// 404s) for this long, the index's pages catching up.
    pub wait: Duration,
}

/// What a passed smoke test checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The interpreter's version.
    pub python: String,
    /// The modules imported.
    pub modules: Vec<String>,
    /// The scripts run with `--help`.
    pub scripts: Vec<String>,
    /// Time taken.
    pub seconds: f64,
}

/// Why a smoke test failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `venv`, `install`, `import`, `version` or `script`.
    pub stage: &'static str,
    /// What went wrong, in a sentence.
    pub message: String,
    /// The command that failed (empty when none ran).
    pub command: String,
    /// The last lines of the command's combined output.
    pub output: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if !self.command.is_empty() {
            write!(f, "\n  command: {}", self.command)?;
        }
        if !self.output.trim().is_empty() {
            f.write_str("\n  output:")?;
            for line in self.output.trim_end().lines() {
                write!(f, "\n    {line}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

impl Failure {
    /// A failure with no command run.
    fn new(stage: &'static str, message: String) -> Self {
        Self { stage, message, command: String::new(), output: String::new() }
    }
}

/// Run one smoke test; `on` receives one-line progress notes ("venv with Python 3.12.4",
/// "pip install …").
pub fn run(s: &Smoke, on: &mut dyn FnMut(&str)) -> Result<Summary, Failure> {
    let started = Instant::now();
    let bare = Failure::new;
    let work = std::path::absolute(s.work).map_err(|e| bare("venv", format!("{}: {e}", s.work.display())))?;
    let venv = work.join("venv");
    if venv.exists() {
        return Err(bare(
            "venv",
            format!("{} already exists: a smoke test installs into a fresh venv only", venv.display()),
        ));
    }
    // The import check and the scripts run here: the project's own folder must not shadow what
    // was installed.
    let empty = work.join("empty");
    fs_err::create_dir_all(&empty).map_err(|e| bare("venv", e.to_string()))?;

    on(&format!("venv with Python {}", s.python.version));
    let mut cmd = Command::new(&s.python.path);
    cmd.arg("-m").arg("venv").arg(&venv).current_dir(&empty);
    let what = format!("creating a venv with Python {} ({})", s.python.version, s.python.path.display());
    checked("venv", &what, &mut cmd, VENV_TIMEOUT)?;
    let python = venv_exe(&venv, "python");

    install(s, &python, &work, &empty, on)?;

    let modules = &s.expect.modules;
    on(&if modules.is_empty() {
        "no top-level module to import".to_string()
    } else {
        format!("import {}", modules.join(", "))
    });
    let mut cmd = Command::new(&python);
    cmd.args(["-I", "-c", IMPORT_CODE, &s.expect.name]).args(modules).current_dir(&empty);
    let ran = exec(&mut cmd, RUN_TIMEOUT).map_err(|e| bare("import", e))?;
    // The script itself is twenty lines: the command is shown with a placeholder for it.
    let shown = describe(&cmd).replacen(&quote(OsStr::new(IMPORT_CODE)), "<import check>", 1);
    check_imports(s, &ran, &shown)?;

    for script in &s.expect.scripts {
        on(&format!("{script} --help"));
        let exe = venv_exe(&venv, script);
        if !exe.is_file() {
            return Err(bare(
                "script",
                format!("console script `{script}` was not installed: {} does not exist", exe.display()),
            ));
        }
        let mut cmd = Command::new(&exe);
        cmd.arg("--help").current_dir(&empty);
        checked("script", &format!("`{script} --help`"), &mut cmd, RUN_TIMEOUT)?;
    }
    Ok(Summary {
        python: s.python.version.clone(),
        modules: modules.clone(),
        scripts: s.expect.scripts.clone(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// An executable of the venv (`bin/NAME`, on Windows `Scripts\NAME.exe`).
fn venv_exe(venv: &Path, name: &str) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join(exe_name(name))
    } else {
        venv.join("bin").join(name)
    }
}

/// pip install of the artifact (with retries for an index that does not list it yet).
fn install(
    s: &Smoke,
    python: &Path,
    work: &Path,
    empty: &Path,
    on: &mut dyn FnMut(&str),
) -> Result<(), Failure> {
    let mut cmd = Command::new(python);
    cmd.args(["-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check", "--no-input"])
        .current_dir(empty);
    let artifact = |p: &Path| {
        std::path::absolute(p).map_err(|e| Failure::new("install", format!("{}: {e}", p.display())))
    };
    let what = match s.install {
        Install::Wheel(wheel) => {
            cmd.args(s.deps_index.map(|d| ["--index-url", d]).into_iter().flatten()).arg(artifact(wheel)?);
            format!("pip could not install {}", file_name(wheel))
        }
        Install::Sdist { path, backend } => {
            cmd.args(s.deps_index.map(|d| ["--index-url", d]).into_iter().flatten());
            if let Some(backend) = backend {
                let parent = work.join("backend");
                copy_package(backend, &parent.join("cartwheel")).map_err(|e| {
                    let why =
                        format!("copying the build backend {} for the sdist build: {e}", backend.display());
                    Failure::new("install", why)
                })?;
                // The build runs in this venv, which has no cartwheel: the running one is
                // lent to it.
                cmd.arg("--no-build-isolation").env("PYTHONPATH", parent);
            }
            cmd.arg(artifact(path)?);
            format!("pip could not build and install {}", file_name(path))
        }
        Install::Index { index_url } => {
            cmd.args(["--index-url", index_url]);
            cmd.args(s.deps_index.map(|d| ["--extra-index-url", d]).into_iter().flatten());
            cmd.arg(format!("{}=={}", s.expect.name, s.expect.version));
            format!("pip could not install {}=={} from {index_url}", s.expect.name, s.expect.version)
        }
    };
    on(&format!("pip install {}", describe_args(&cmd, 3)));
    let what = format!("{what} in Python {}", s.python.version);
    let index = match s.install {
        Install::Index { index_url } => Some(index_url),
        _ => None,
    };
    let started = Instant::now();
    loop {
        match checked("install", &what, &mut cmd, INSTALL_TIMEOUT) {
            Ok(_) => return Ok(()),
            Err(f) if not_on_index(&f.output) && index.is_some() => {
                let left = s.wait.saturating_sub(started.elapsed());
                if left.is_zero() {
                    let (name, version, index) =
                        (&s.expect.name, &s.expect.version, index.unwrap_or_default());
                    let waited = started.elapsed().as_secs();
                    let message =
                        format!("{name}=={version} is not on {index} (pip found no such file there, tried for {waited} s)");
                    return Err(Failure { message, ..f });
                }
                let pause = left.min(INDEX_PAUSE).min(s.wait / 10);
                on(&format!(
                    "{}=={} not on the index yet; trying again in {} s",
                    s.expect.name,
                    s.expect.version,
                    pause.as_secs_f64().ceil()
                ));
                std::thread::sleep(pause);
            }
            Err(f) => return Err(f),
        }
    }
}

/// Whether pip's output says the version or its file is not there (yet).
fn not_on_index(output: &str) -> bool {
    [
        "No matching distribution found",
        "Could not find a version that satisfies the requirement",
        "404 Client Error",
        "HTTP error 404",
    ]
    .iter()
    .any(|s| output.contains(s))
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Copy a package folder without its `__pycache__` folders (bytecode of another interpreter).
fn copy_package(from: &Path, to: &Path) -> std::io::Result<()> {
    fs_err::create_dir_all(to)?;
    for entry in fs_err::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let dest = to.join(&name);
        if entry.path().is_dir() {
            if name != "__pycache__" {
                copy_package(&entry.path(), &dest)?;
            }
        } else {
            fs_err::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

/// Imports each module given after the distribution name; prints one marker line with JSON:
/// each module's `__version__` (null when it has none), the modules that failed (their
/// tracebacks above it) and the installed distribution's version.
const IMPORT_CODE: &str = r#"
import importlib, json, sys, traceback
versions, failed = {}, []
for name in sys.argv[2:]:
    try:
        module = importlib.import_module(name)
    except BaseException:
        traceback.print_exc()
        failed.append(name)
        continue
    v = getattr(module, "__version__", None)
    versions[name] = v if v is None or isinstance(v, str) else repr(v)
try:
    from importlib.metadata import version
    dist = version(sys.argv[1])
except Exception:
    dist = None
sys.stdout.flush()
print("\ncartwheel-smoke: " + json.dumps({"versions": versions, "failed": failed, "dist": dist}))
sys.exit(1 if failed else 0)
"#;

/// Read the import check's answer.
fn check_imports(s: &Smoke, ran: &Ran, command: &str) -> Result<(), Failure> {
    let fail = |stage, message: String| Failure {
        stage,
        message,
        command: command.to_string(),
        output: tail(&ran.output, TAIL_LINES),
    };
    let answer = ran
        .output
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("cartwheel-smoke: "))
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok());
    let Some(answer) = answer.filter(|_| ran.status.is_some()) else {
        let why =
            ran.status.map_or_else(|| format!("timed out after {} s", RUN_TIMEOUT.as_secs()), status_text);
        return Err(fail(
            "import",
            format!("the import check in Python {} failed ({why})", s.python.version),
        ));
    };
    let strings = |key: &str| -> Vec<String> {
        answer[key].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
    };
    let failed = strings("failed");
    if !failed.is_empty() {
        let names = failed.iter().map(|m| format!("`import {m}`")).collect::<Vec<_>>().join(", ");
        return Err(fail(
            "import",
            format!("{names} failed in Python {} (the installed {})", s.python.version, installed(s)),
        ));
    }
    let want = &s.expect.version;
    if let Some(dist) = answer["dist"].as_str().filter(|d| d != want) {
        return Err(fail(
            "version",
            format!("the installed {} is version {dist}, not {want}", s.expect.name),
        ));
    }
    for module in &s.expect.modules {
        if let Some(v) = answer["versions"][module].as_str().filter(|v| v != want) {
            return Err(fail(
                "version",
                format!("{module}.__version__ is \"{v}\", not \"{want}\" (the installed {})", installed(s)),
            ));
        }
    }
    Ok(())
}

fn installed(s: &Smoke) -> String {
    format!("{} {}", s.expect.name, s.expect.version)
}

/// A finished (or killed) child.
struct Ran {
    /// None: killed at the timeout.
    status: Option<ExitStatus>,
    /// stdout and stderr as they were interleaved.
    output: String,
}

/// Variables removed from every child's environment: the smoke test must install the artifact
/// being released, from where the release says, into the venv it made. PYTHONPATH/PYTHONHOME
/// would put other code (a checkout of the project itself) in front of the installed one,
/// VIRTUAL_ENV names another venv, `__PYVENV_LAUNCHER__` (macOS framework builds) makes a
/// venv's Python take the launching interpreter's place; pip's own variables would redirect the
/// install to other files (an index URL or find-links serving another build of NAME==VERSION),
/// refuse it (PIP_REQUIRE_VIRTUALENV, PIP_NO_INDEX, binary-only), or put it outside the venv
/// (PIP_USER, PIP_TARGET). pip's network settings (proxy, certificates, timeouts) are the
/// user's and kept. A fixed list: this crate does not read the environment.
const REMOVED_ENV: &[&str] = &[
    "PYTHONPATH",
    "PYTHONHOME",
    "VIRTUAL_ENV",
    "__PYVENV_LAUNCHER__",
    "PIP_REQUIRE_VIRTUALENV",
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_NO_INDEX",
    "PIP_FIND_LINKS",
    "PIP_USER",
    "PIP_TARGET",
    "PIP_PREFIX",
    "PIP_ROOT",
    "PIP_NO_BUILD_ISOLATION",
    "PIP_ONLY_BINARY",
    "PIP_NO_BINARY",
    "PIP_NO_DEPS",
    "PIP_CONSTRAINT",
    "PIP_REQUIREMENT",
];

/// Run `cmd` with stdin closed, its stdout and stderr into one file (in the order written; a
/// file and not pipes: a grandchild holding a pipe open would keep us waiting), killed after
/// `timeout`. `Err`: it could not be started.
fn exec(cmd: &mut Command, timeout: Duration) -> Result<Ran, String> {
    // PYTHONPATH set on purpose (the sdist build's backend) survives the clean-up.
    let keep: Option<OsString> = cmd
        .get_envs()
        .find(|(k, _)| *k == OsStr::new("PYTHONPATH"))
        .and_then(|(_, v)| v.map(OsStr::to_owned));
    for name in REMOVED_ENV {
        cmd.env_remove(name);
    }
    if let Some(v) = keep {
        cmd.env("PYTHONPATH", v);
    }
    let program = format!("cannot run {}", cmd_program(cmd));
    let started = || program.clone();
    let mut out: File = tempfile::tempfile().map_err(|e| format!("{}: temporary file: {e}", started()))?;
    let err = out.try_clone().map_err(|e| format!("{}: {e}", started()))?;
    cmd.stdin(Stdio::null()).stdout(out.try_clone().map_err(|e| format!("{}: {e}", started()))?).stderr(err);
    let mut child = spawn(cmd).map_err(|e| format!("{}: {e}", started()))?;
    let begun = Instant::now();
    let mut pause = Duration::from_millis(5);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if begun.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(e) => return Err(format!("waiting for {}: {e}", cmd_program(cmd))),
        }
    };
    let mut bytes = Vec::new();
    out.rewind().and_then(|_| out.read_to_end(&mut bytes)).map_err(|e| format!("reading its output: {e}"))?;
    Ok(Ran { status, output: String::from_utf8_lossy(&bytes).into_owned() })
}

/// `cmd.spawn()`, tried again while the executable is "busy": a script written a moment ago
/// (a test's fake interpreter) stays open for writing in any process forked meanwhile until
/// that one execs.
fn spawn(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    const ETXTBSY: i32 = 26;
    let mut tries = 0;
    loop {
        match cmd.spawn() {
            Err(e) if cfg!(target_os = "linux") && e.raw_os_error() == Some(ETXTBSY) && tries < 20 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// [`exec`], a failure unless it exits 0.
fn checked(stage: &'static str, what: &str, cmd: &mut Command, timeout: Duration) -> Result<Ran, Failure> {
    let command = describe(cmd);
    let ran = exec(cmd, timeout).map_err(|e| Failure {
        stage,
        message: format!("{what}: {e}"),
        command: command.clone(),
        output: String::new(),
    })?;
    let why = match ran.status {
        Some(s) if s.success() => return Ok(ran),
        Some(s) => status_text(s),
        None => format!("timed out after {} s and was killed", timeout.as_secs()),
    };
    Err(Failure { stage, message: format!("{what} ({why})"), command, output: tail(&ran.output, TAIL_LINES) })
}

/// How a child ended: its exit status, or the signal that ended it.
pub(crate) fn status_text(s: ExitStatus) -> String {
    match s.code() {
        Some(code) => format!("exit status {code}"),
        None => format!("ended by {s}"),
    }
}

fn cmd_program(cmd: &Command) -> String {
    Path::new(cmd.get_program()).display().to_string()
}

/// The command as a shell line (PYTHONPATH first when it is set).
fn describe(cmd: &Command) -> String {
    let env = cmd
        .get_envs()
        .filter(|(k, _)| *k == OsStr::new("PYTHONPATH"))
        .filter_map(|(k, v)| v.map(|v| format!("{}={} ", k.to_string_lossy(), quote(v))));
    let mut line: String = env.collect();
    line.push_str(&quote(cmd.get_program()));
    line.push(' ');
    line.push_str(&describe_args(cmd, 0));
    line.trim_end().to_string()
}

/// The arguments from the `skip`th on, quoted where needed.
fn describe_args(cmd: &Command, skip: usize) -> String {
    cmd.get_args().skip(skip).map(quote).collect::<Vec<_>>().join(" ")
}

fn quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The last `n` lines of `text`.
/// The last `n` lines of a child's output, after a line saying how many came before.
pub(crate) fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let start = lines.len().saturating_sub(n);
    let kept = lines[start..].join("\n");
    match start {
        0 => kept,
        1 => format!("[1 earlier line]\n{kept}"),
        _ => format!("[{start} earlier lines]\n{kept}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip at `path` holding `members` (name, text), as a wheel is.
    fn write_zip(path: &Path, members: &[(&str, &str)]) {
        write_zip_bytes(path, &members.iter().map(|(n, t)| (*n, t.as_bytes())).collect::<Vec<_>>());
    }

    fn write_zip_bytes(path: &Path, members: &[(&str, &[u8])]) {
        let mut zip = zip::ZipWriter::new(fs_err::File::create(path).unwrap());
        for (name, bytes) in members {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }

    /// A pure-Python wheel `tinysmoke-1.0`: package `tinysmoke` whose `__init__.py` is `init`,
    /// console script `tinysmoke` calling `tinysmoke:main`.
    fn tiny_wheel(dir: &Path, init: &str) -> PathBuf {
        let path = dir.join("tinysmoke-1.0-py3-none-any.whl");
        let info = "tinysmoke-1.0.dist-info";
        let files = [
            ("tinysmoke/__init__.py".to_string(), init),
            (format!("{info}/METADATA"), "Metadata-Version: 2.1\nName: tinysmoke\nVersion: 1.0\n"),
            (
                format!("{info}/WHEEL"),
                "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
            ),
            (format!("{info}/entry_points.txt"), "[console_scripts]\ntinysmoke = tinysmoke:main\n"),
        ];
        let record: String =
            files.iter().map(|(n, _)| format!("{n},,\n")).collect::<String>() + &format!("{info}/RECORD,,\n");
        let record_name = format!("{info}/RECORD");
        let mut members: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        members.push((&record_name, &record));
        write_zip(&path, &members);
        path
    }

    #[cfg(unix)]
    fn fake_python(path: &Path, version: &str) {
        fake_script(path, &format!("echo {version}"));
    }

    #[cfg(unix)]
    fn fake_script(path: &Path, body: &str) {
        use std::os::unix::fs::PermissionsExt;
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs_err::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn find_on_path_then_pyenv() {
        let tmp = tempfile::tempdir().unwrap();
        let (good, wrong, root) =
            (tmp.path().join("good"), tmp.path().join("wrong"), tmp.path().join("pyenv"));
        fake_python(&good.join("python3.9"), "3.9.18");
        fake_python(&good.join("pypy3"), "3.10.14");
        fake_python(&wrong.join("python3.9"), "3.11.7");
        for v in ["3.9.9", "3.9.12", "3.10.2"] {
            let minor = &v[..v.rfind('.').unwrap()];
            fake_python(&root.join("versions").join(v).join("bin").join(format!("python{minor}")), v);
        }
        let path_var = std::env::join_paths([&wrong, &good]).unwrap();

        // PATH in order: the first python3.9 says it is 3.11, the next one is taken.
        let found = find("3.9", Some(&path_var), Some(&root)).unwrap();
        assert_eq!(found, Interpreter { path: good.join("python3.9"), version: "3.9.18".into() });
        // Not on PATH: pyenv's highest patch (12 above 9, numerically).
        let found = find("3.9", Some(wrong.as_os_str()), Some(&root)).unwrap();
        assert_eq!(found.path, root.join("versions/3.9.12/bin/python3.9"));
        assert_eq!(found.version, "3.9.12");
        // By name, and as a path.
        assert_eq!(find("pypy3", Some(&path_var), None).unwrap().version, "3.10.14");
        let direct = wrong.join("python3.9");
        assert_eq!(find(direct.to_str().unwrap(), None, None).unwrap().version, "3.11.7");

        // A 3.9 spec answered by 3.11 is refused, saying what was looked at.
        let err = find("3.9", Some(wrong.as_os_str()), None).unwrap_err();
        assert_eq!(
            err,
            format!(
                "no interpreter for Python 3.9: looked for python3.9 on PATH ({w}); {w}/python3.9 is Python 3.11.7",
                w = wrong.display()
            )
        );
        // A pyenv shim for a version that is not active fails: pyenv's own install is found.
        let broken = tmp.path().join("shims");
        fake_script(
            &broken.join("python3.9"),
            "echo 'pyenv: python3.9: command not found' >&2; echo >&2; echo 'The python3.9 command exists in these Python versions:' >&2; exit 127",
        );
        let twice = std::env::join_paths([&broken, &broken]).unwrap();
        assert_eq!(find("3.9", Some(&twice), Some(&root)).unwrap().version, "3.9.12");
        assert_eq!(
            find("3.9", Some(&twice), None).unwrap_err(),
            format!(
                "no interpreter for Python 3.9: looked for python3.9 on PATH ({b}); {b}/python3.9: asking its version failed (exit status 127): pyenv: python3.9: command not found",
                b = broken.display()
            )
        );
        let err = find("python3.9", Some(wrong.as_os_str()), None).unwrap_err();
        assert!(err.ends_with("python3.9 is Python 3.11.7"), "{err}");
        let err = find("3.7", Some(&path_var), Some(&root)).unwrap_err();
        assert_eq!(
            err,
            format!(
                "no interpreter for Python 3.7: looked for python3.7 on PATH ({}, {}) and {}/versions/3.7.*/bin/python3.7; none found",
                wrong.display(),
                good.display(),
                root.display()
            )
        );
        assert_eq!(
            find("3.9", None, None).unwrap_err(),
            "no interpreter for Python 3.9: looked for python3.9 on PATH (not set); none found"
        );
        let missing = tmp.path().join("nope/python");
        let err = find(missing.to_str().unwrap(), None, None).unwrap_err();
        assert!(err.starts_with(&format!("interpreter {}: cannot run", missing.display())), "{err}");
    }

    #[test]
    fn what_a_wheel_provides() {
        let tmp = tempfile::tempdir().unwrap();
        let wheel = tmp.path().join("demo_pkg-2.0-py3-none-any.whl");
        let record = "demo/__init__.py,sha256=x,1\n\
                      demo/sub/mod.py,,\n\
                      single.py,,\n\
                      \"quoted/a,b.py\",sha256=y,2\n\
                      __pycache__/single.cpython-312.pyc,,\n\
                      demo.pth,,\n\
                      demo_pkg-2.0.data/scripts/run,,\n\
                      not-a-name/data.txt,,\n\
                      README.txt,,\n\
                      demo_pkg-2.0.dist-info/METADATA,,\n\
                      demo_pkg-2.0.dist-info/RECORD,,\n";
        write_zip(
            &wheel,
            &[
                ("demo_pkg-2.0.dist-info/METADATA", "Metadata-Version: 2.4\nName: Demo.Pkg\nVersion: 2.0\n\nName: body\n"),
                ("demo_pkg-2.0.dist-info/RECORD", record),
                (
                    "demo_pkg-2.0.dist-info/entry_points.txt",
                    "[gui_scripts]\ngui = demo:gui\n\n[console_scripts]\n# a comment\ndemo-cli = demo:main\nb = demo.sub.mod:run [extra]\n",
                ),
            ],
        );
        let expect = expect_from_wheel(&wheel).unwrap();
        assert_eq!(
            expect,
            Expect {
                name: "Demo.Pkg".into(),
                version: "2.0".into(),
                modules: vec!["demo".into(), "quoted".into(), "single".into()],
                scripts: vec!["b".into(), "demo-cli".into()],
            }
        );

        write_zip(&wheel, &[("x/__init__.py", "")]);
        assert_eq!(
            expect_from_wheel(&wheel).unwrap_err(),
            format!("{}: no *.dist-info/METADATA in the wheel", wheel.display())
        );
        write_zip(&wheel, &[("a-1.dist-info/METADATA", "Name: a\n")]);
        assert_eq!(
            expect_from_wheel(&wheel).unwrap_err(),
            format!("{}: a-1.dist-info/METADATA has no Version", wheel.display())
        );
    }

    #[test]
    fn failure_shown() {
        let f = Failure {
            stage: "script",
            message: "`tool --help` (exit status 2)".into(),
            command: "/v/bin/tool --help".into(),
            output: "usage: tool\nerror: bad\n".into(),
        };
        assert_eq!(
            f.to_string(),
            "`tool --help` (exit status 2)\n  command: /v/bin/tool --help\n  output:\n    usage: tool\n    error: bad"
        );
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.args(["-m", "pip", "install", "a b.whl", "it's"]).env("PYTHONPATH", "/w/backend");
        assert_eq!(
            describe(&cmd),
            r"PYTHONPATH=/w/backend /usr/bin/python3 -m pip install 'a b.whl' 'it'\''s'"
        );
        assert!(not_on_index("ERROR: No matching distribution found for tinysmoke==1.0"));
        assert!(!not_on_index("ERROR: THESE PACKAGES DO NOT MATCH THE HASHES"));
        assert_eq!(tail("1\n2\n3\n", 2), "[1 earlier line]\n2\n3");
        assert_eq!(tail("1\n2\n3\n4\n", 2), "[2 earlier lines]\n3\n4");
        assert_eq!(tail("1\n2\n", 2), "1\n2");
    }

    /// The real thing: venvs made with this machine's python3, hand-written wheels installed.
    #[test]
    fn smoke_tests_with_the_real_interpreter() {
        let python = find("python3", std::env::var_os("PATH").as_deref(), None).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let good = "__version__ = \"1.0\"\n\ndef main():\n    print(\"usage: tinysmoke\")\n";
        let cases = [
            ("good", good.to_string()),
            ("crash", "__version__ = \"1.0\"\n\ndef main():\n    raise SystemExit(1)\n".to_string()),
            ("stale", good.replace("\"1.0\"", "\"0.9\"")),
        ];
        let mut results = Vec::new();
        for (label, init) in &cases {
            let dir = tmp.path().join(label);
            fs_err::create_dir_all(&dir).unwrap();
            let wheel = tiny_wheel(&dir, init);
            let expect = expect_from_wheel(&wheel).unwrap();
            let work = dir.join("work");
            let smoke = Smoke {
                python: &python,
                install: Install::Wheel(&wheel),
                deps_index: None,
                expect: &expect,
                work: &work,
                wait: Duration::ZERO,
            };
            let mut notes = Vec::new();
            results.push((run(&smoke, &mut |n| notes.push(n.to_string())), notes, smoke.work.to_path_buf()));
            if *label == "good" {
                // The same folder again: its venv is not fresh.
                let again = run(&smoke, &mut |_| {}).unwrap_err();
                assert_eq!(again.stage, "venv");
                assert_eq!(
                    again.message,
                    format!(
                        "{} already exists: a smoke test installs into a fresh venv only",
                        work.join("venv").display()
                    )
                );
            }
        }
        let (ok, notes, _) = &results[0];
        let ok = ok.as_ref().unwrap();
        assert_eq!(
            (ok.python.as_str(), &ok.modules[..], &ok.scripts[..]),
            (python.version.as_str(), &["tinysmoke".to_string()][..], &["tinysmoke".to_string()][..])
        );
        assert_eq!(notes[0], format!("venv with Python {}", python.version));
        assert_eq!(
            notes[1].replace(&tmp.path().display().to_string(), "<tmp>"),
            "pip install --no-cache-dir --disable-pip-version-check --no-input <tmp>/good/tinysmoke-1.0-py3-none-any.whl"
        );
        assert_eq!(&notes[2..], ["import tinysmoke", "tinysmoke --help"]);

        let (crash, _, work) = &results[1];
        let crash = crash.as_ref().unwrap_err();
        assert_eq!(crash.stage, "script");
        assert_eq!(crash.message, "`tinysmoke --help` (exit status 1)");
        assert_eq!(crash.command, format!("{}/venv/bin/tinysmoke --help", work.display()));

        let (stale, _, _) = &results[2];
        let stale = stale.as_ref().unwrap_err();
        assert_eq!(stale.stage, "version");
        assert_eq!(
            stale.message,
            "tinysmoke.__version__ is \"0.9\", not \"1.0\" (the installed tinysmoke 1.0)"
        );
    }

    /// A stand-in for the build backend: `build_wheel` hands over the wheel the sdist carries.
    const BACKEND: &str = r#"
import os, shutil

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = "tinysmoke-1.0-py3-none-any.whl"
    shutil.copy("prebuilt.whl", os.path.join(wheel_directory, name))
    return name

def build_sdist(sdist_directory, config_settings=None):
    raise RuntimeError("not here")
"#;

    /// A simple index on 127.0.0.1 serving `wheel` for `tinysmoke`; its project page answers 404
    /// `missing` times first (an index whose pages lag behind an upload).
    fn index(wheel: Vec<u8>, missing: usize) -> (String, std::sync::Arc<std::sync::atomic::AtomicBool>) {
        use std::io::{BufRead, BufReader};
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/simple/", listener.local_addr().unwrap());
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let mut misses = 0;
            while !stopped.load(Ordering::Relaxed) {
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                reader.read_line(&mut first).unwrap();
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                let path = first.split_whitespace().nth(1).unwrap_or_default().to_string();
                let page = "<html><body><a href=\"/files/tinysmoke-1.0-py3-none-any.whl\">tinysmoke-1.0-py3-none-any.whl</a></body></html>";
                let (status, kind, body): (&str, &str, &[u8]) = match path.as_str() {
                    "/simple/tinysmoke/" if misses < missing => {
                        misses += 1;
                        ("404 Not Found", "text/html", b"not found")
                    }
                    "/simple/tinysmoke/" => ("200 OK", "text/html", page.as_bytes()),
                    "/files/tinysmoke-1.0-py3-none-any.whl" => ("200 OK", "application/octet-stream", &wheel),
                    _ => ("404 Not Found", "text/html", b"not found"),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
            }
        });
        (url, stop)
    }

    /// pip builds an sdist with the lent backend (no build isolation), and installs from an
    /// index that lists the version only on the second try.
    #[test]
    fn sdist_with_the_lent_backend_and_an_index_catching_up() {
        let python = find("python3", std::env::var_os("PATH").as_deref(), None).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let wheel = tiny_wheel(tmp.path(), "__version__ = \"1.0\"\n\ndef main():\n    pass\n");
        let expect = expect_from_wheel(&wheel).unwrap();
        let wheel_bytes = fs_err::read(&wheel).unwrap();

        let backend = tmp.path().join("site/cartwheel");
        fs_err::create_dir_all(backend.join("__pycache__")).unwrap();
        fs_err::write(backend.join("__init__.py"), BACKEND).unwrap();
        fs_err::write(backend.join("__pycache__/__init__.cpython-311.pyc"), b"stale").unwrap();
        let sdist = tmp.path().join("tinysmoke-1.0.zip");
        let pyproject = "[build-system]\nrequires = [\"cartwheel\"]\nbuild-backend = \"cartwheel\"\n\n[project]\nname = \"tinysmoke\"\nversion = \"1.0\"\n";
        write_zip_bytes(
            &sdist,
            &[
                ("tinysmoke-1.0/pyproject.toml", pyproject.as_bytes()),
                ("tinysmoke-1.0/PKG-INFO", b"Metadata-Version: 2.1\nName: tinysmoke\nVersion: 1.0\n"),
                ("tinysmoke-1.0/prebuilt.whl", &wheel_bytes),
            ],
        );
        let work = tmp.path().join("sdist");
        let smoke = Smoke {
            python: &python,
            install: Install::Sdist { path: &sdist, backend: Some(&backend) },
            deps_index: None,
            expect: &expect,
            work: &work,
            wait: Duration::ZERO,
        };
        let mut notes = Vec::new();
        let done = run(&smoke, &mut |n| notes.push(n.to_string()));
        assert!(done.is_ok(), "{}", done.unwrap_err());
        assert!(work.join("backend/cartwheel/__init__.py").is_file());
        assert!(!work.join("backend/cartwheel/__pycache__").exists());
        assert_eq!(
            notes[1].replace(&tmp.path().display().to_string(), "<tmp>"),
            "pip install --no-cache-dir --disable-pip-version-check --no-input --no-build-isolation \
             <tmp>/tinysmoke-1.0.zip"
        );

        let (url, stop) = index(wheel_bytes, 1);
        let work = tmp.path().join("index");
        let smoke = Smoke {
            install: Install::Index { index_url: &url },
            work: &work,
            wait: Duration::from_secs(20),
            ..smoke
        };
        let mut notes = Vec::new();
        let done = run(&smoke, &mut |n| notes.push(n.to_string()));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(done.is_ok(), "{}", done.unwrap_err());
        assert_eq!(
            notes[1],
            format!(
                "pip install --no-cache-dir --disable-pip-version-check --no-input --index-url {url} tinysmoke==1.0"
            )
        );
        assert_eq!(notes[2], "tinysmoke==1.0 not on the index yet; trying again in 2 s");
        assert_eq!(notes[3..], ["import tinysmoke", "tinysmoke --help"]);
    }
}
