//! Listing the files of a project (git index or filesystem walk) and resolving symlinks.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use super::Error;
use crate::diagnostic::Diagnostic;

/// What a listed path is on disk, before symlinks are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A regular file, and whether its mode says executable (read where the listing stats it:
    /// on the walk's threads, not once more per file afterwards).
    File {
        /// Mode bits say executable (unix).
        executable: bool,
        /// Size in bytes when listed.
        size: u64,
    },
    /// A symlink, to a file or a folder.
    Symlink,
}

/// Project-relative, `/`-separated paths found, plus names that are not UTF-8.
#[derive(Debug, Default)]
pub(super) struct Listing {
    /// Path → kind; sorted, so a folder's files form one contiguous range.
    pub entries: BTreeMap<String, Kind>,
    /// Paths (lossy) that could not be represented as UTF-8.
    pub bad_names: Vec<String>,
    /// Git submodules that are not checked out (their folder is empty): their files are
    /// unknown, so none can be packaged.
    pub submodules: Vec<String>,
}

/// A selectable file: where it sits in the project and where its bytes come from.
#[derive(Debug, Clone)]
pub(super) struct Cand {
    /// Absolute path to read (the symlink target for links).
    pub source: PathBuf,
    /// Mode bits say executable (unix).
    pub executable: bool,
    /// Size in bytes when listed (a hint for read-ahead; the read takes what is there).
    pub size: u64,
}

/// Where the candidate files came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// `git ls-files`.
    Git,
    /// Filesystem walk honouring the .gitignore family.
    Walk,
}

/// Folder names excluded wherever they appear; `include` cannot bring these back.
const ALWAYS_EXCLUDED_DIRS: &[&str] = &[".git", ".hg", ".svn", "__pycache__"];
/// Tool caches and environments excluded wherever they appear.
const EXCLUDED_DIRS: &[&str] = &[".venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache"];
/// Build outputs excluded at the project root only: `acme/build/` can be a real sub-package.
const EXCLUDED_ROOT_DIRS: &[&str] = &["dist", "build", "target", "venv"];

/// Whether a folder is one of the default excludes that `include` can never override.
pub(super) fn always_excluded_dir(name: &str) -> bool {
    ALWAYS_EXCLUDED_DIRS.contains(&name)
}

/// Whether a folder at `rel` (project-relative) is excluded by default.
pub(super) fn default_excluded_dir(rel: &str, abs: &Path) -> bool {
    excluded_by_name(rel)
        // A virtual environment under any name.
        || abs.join("pyvenv.cfg").is_file()
}

/// Whether a folder at `rel` is excluded by default for its name alone.
fn excluded_by_name(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    always_excluded_dir(name)
        || EXCLUDED_DIRS.contains(&name)
        || name.ends_with(".egg-info")
        || (!rel.contains('/') && EXCLUDED_ROOT_DIRS.contains(&name))
}

/// Whether an `include` prefix asks to enter the default-excluded folder `rel`.
fn entered(enter: &[String], rel: &str) -> bool {
    let inside = format!("{rel}/");
    enter.iter().any(|p| p == rel || p.starts_with(&inside))
}

/// Whether a file name is compiled output or a submodule's `.git` pointer file, never packaged.
pub(super) fn excluded_file(name: &str) -> bool {
    name.ends_with(".pyc") || name.ends_with(".pyo") || name == ".git"
}

/// Whether the project root lies in a git work tree (false when git is not installed).
pub(super) fn in_git_work_tree(root: &Path) -> bool {
    // git finds a work tree through a `.git` folder or file in the root or above it; without
    // one there is none, and not starting git saves a process (most of a small build's time).
    if !root.ancestors().any(|dir| dir.join(".git").symlink_metadata().is_ok()) {
        return false;
    }
    git(root)
        .args(["rev-parse", "--show-toplevel"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn git(root: &Path) -> Command {
    crate::git::command(root)
}

/// The tracked files under `root`, those of checked-out submodules included, minus deleted
/// ones and the default excludes; submodules that are not checked out are listed apart.
pub(super) fn git_listing(root: &Path) -> Result<Listing, Error> {
    // `--recurse-submodules` lists the files of checked-out submodules (it supports only
    // `--cached` and `--stage`); a submodule that is not checked out stays a gitlink, listed
    // as its (empty) folder.
    let out = git(root)
        .args(["ls-files", "-z", "--cached", "--recurse-submodules"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| invalid(format!("cannot run `git ls-files` in {}: {e}", root.display())))?;
    if !out.status.success() {
        return Err(invalid(format!(
            "`git ls-files` failed in {}: {}",
            root.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let mut listing = Listing::default();
    let mut venv_cache: HashMap<String, bool> = HashMap::new();
    for raw in out.stdout.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let Ok(rel) = std::str::from_utf8(raw) else {
            listing.bad_names.push(String::from_utf8_lossy(raw).into_owned());
            continue;
        };
        if path_default_excluded(root, rel, &mut venv_cache) {
            continue;
        }
        let abs = root.join(rel);
        let meta = match std::fs::symlink_metadata(&abs) {
            Ok(m) => m,
            // Tracked but deleted from the work tree: what is on disk is what gets built.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(fs_err_wrap(e, &abs)),
        };
        if meta.file_type().is_symlink() {
            listing.entries.insert(rel.to_string(), Kind::Symlink);
        } else if meta.is_file() {
            listing
                .entries
                .insert(rel.to_string(), Kind::File { executable: mode_executable(&meta), size: meta.len() });
        } else if meta.is_dir() {
            // A gitlink that `--recurse-submodules` could not enter: not checked out.
            listing.submodules.push(rel.to_string());
        }
    }
    Ok(listing)
}

/// The untracked, not ignored files under `root` (`git ls-files --others --exclude-standard`),
/// minus the default excludes. Only used for a warning: empty when git fails.
pub(super) fn git_untracked(root: &Path) -> Vec<String> {
    let out =
        git(root).args(["ls-files", "-z", "--others", "--exclude-standard"]).stdin(Stdio::null()).output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        _ => return Vec::new(),
    };
    let mut venv_cache: HashMap<String, bool> = HashMap::new();
    out.stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|raw| String::from_utf8_lossy(raw).into_owned())
        // A trailing `/` is a nested repository, which `git add` would not add as files.
        .filter(|rel| !rel.ends_with('/') && !path_default_excluded(root, rel, &mut venv_cache))
        .collect()
}

fn path_default_excluded(root: &Path, rel: &str, venv_cache: &mut HashMap<String, bool>) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if excluded_file(name) {
        return true;
    }
    for (i, _) in rel.match_indices('/') {
        let dir = &rel[..i];
        let excluded =
            *venv_cache.entry(dir.to_string()).or_insert_with(|| default_excluded_dir(dir, &root.join(dir)));
        if excluded {
            return true;
        }
    }
    false
}

/// Which walk: the candidate walk honours ignore files; the disk walk (for `include` and
/// `license-files`) sees everything but the default-excluded folders.
pub(super) enum WalkKind<'a> {
    /// Honour the project's .gitignore files and `.git/info/exclude` (never the builder's
    /// global excludes file) when `ignore_files`; an unpacked sdist, whose file list is final,
    /// walks with no ignore file at all.
    Candidates {
        /// Whether to apply the project's ignore files.
        ignore_files: bool,
        /// Top-level folders to walk, when not all of them (a wheel-only build); files at the
        /// top are always listed.
        only: Option<&'a [String]>,
    },
    /// Ignore no file; enter default-excluded folders named by these literal prefixes.
    Disk {
        /// Literal leading folders of `include` globs.
        enter: &'a [String],
    },
}

/// Walk the project folder without following symlinks (they are resolved afterwards).
pub(super) fn walk_listing(root: &Path, kind: WalkKind<'_>) -> Result<Listing, Error> {
    let mut builder = ignore::WalkBuilder::new(root);
    builder.follow_links(false);
    let (enter, only): (Vec<String>, Option<Vec<String>>) = match kind {
        WalkKind::Candidates { ignore_files, only } => {
            candidate_filters(&mut builder, ignore_files);
            (Vec::new(), only.map(<[String]>::to_vec))
        }
        WalkKind::Disk { enter } => {
            builder.standard_filters(false);
            (enter.to_vec(), None)
        }
    };
    let root_buf = root.to_path_buf();
    let filter_enter = enter.clone();
    builder.filter_entry(move |entry| {
        if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
            return true;
        }
        let Ok(rel) = entry.path().strip_prefix(&root_buf) else {
            return true;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        if always_excluded_dir(name) {
            return false;
        }
        if entry.depth() == 1 && only.as_ref().is_some_and(|only| !only.contains(&rel)) {
            return false;
        }
        // A virtual environment at the top is known by its `pyvenv.cfg` before the walk goes
        // in; a deeper one by the `pyvenv.cfg` its listing shows, and dropped after the walk:
        // one stat per top-level folder rather than per folder (Django: 3,300).
        let excluded =
            if rel.contains('/') { excluded_by_name(&rel) } else { default_excluded_dir(&rel, entry.path()) };
        !excluded || entered(&filter_enter, &rel)
    });
    // A small tree is walked on this thread: starting the walk's threads costs more than
    // listing a few dozen files. Past SERIAL_WALK_ENTRIES the walk starts again in parallel.
    let mut serial = Part::default();
    let mut seen = 0;
    let mut small = true;
    for entry in builder.build() {
        seen += 1;
        if seen > SERIAL_WALK_ENTRIES {
            small = false;
            break;
        }
        serial.record(root, entry);
    }
    let parts = if small {
        vec![serial]
    } else {
        // The walk is stat and readdir calls, one folder at a time: spread over every core
        // (Django: 3,300 folders). Each thread keeps what it finds (no lock per file); the
        // listing is sorted, so the order the threads find files in is moot. Every error is
        // kept and the walk goes on: which one a thread meets first depends on scheduling, so
        // the one reported is the least by its text (which starts with the path).
        let shared = std::sync::Mutex::new(Vec::new());
        builder.build_parallel().visit(&mut Gatherers { root, shared: &shared });
        shared.into_inner().unwrap_or_else(|e| e.into_inner())
    };
    let mut listing = Listing::default();
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    for part in parts {
        entries.extend(part.entries);
        listing.bad_names.extend(part.bad_names);
        errors.extend(part.errors);
    }
    // Built in bulk (sorted once) rather than by one insert per file.
    listing.entries = entries.into_iter().collect();
    if let Some(e) = errors.into_iter().min() {
        return Err(invalid(format!("cannot list the project files: {e}")));
    }
    drop_nested_venvs(&mut listing, &enter);
    listing.bad_names.sort();
    Ok(listing)
}

/// Drop the files of folders below the top that hold a `pyvenv.cfg` (virtual environments),
/// unless an `include` prefix enters them.
fn drop_nested_venvs(listing: &mut Listing, enter: &[String]) {
    let venvs: Vec<String> = listing
        .entries
        .keys()
        .filter_map(|rel| rel.strip_suffix("/pyvenv.cfg"))
        .filter(|dir| dir.contains('/') && !entered(enter, dir))
        .map(|dir| format!("{dir}/"))
        .collect();
    for prefix in venvs {
        let inside: Vec<String> = listing
            .entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for k in inside {
            listing.entries.remove(&k);
        }
        listing.bad_names.retain(|n| !n.starts_with(&prefix));
    }
}

/// What one walking thread found.
#[derive(Default)]
struct Part {
    entries: Vec<(String, Kind)>,
    bad_names: Vec<String>,
    errors: Vec<String>,
}

impl Part {
    /// Record one walked entry (its stat runs here, on the walking thread), or the error met
    /// instead.
    fn record(&mut self, root: &Path, entry: Result<ignore::DirEntry, ignore::Error>) {
        match entry.map(|e| listed(root, &e)) {
            Ok(Some(Ok(found))) => self.entries.push(found),
            Ok(Some(Err(lossy))) => self.bad_names.push(lossy),
            Ok(None) => {}
            Err(e) => self.errors.push(walk_error(&e)),
        }
    }
}

/// One walking thread's visitor: it keeps what it finds to itself and hands it over when the
/// walk is done (dropped), so the threads never wait for one another.
struct Gatherer<'s> {
    root: &'s Path,
    part: Part,
    shared: &'s std::sync::Mutex<Vec<Part>>,
}

impl ignore::ParallelVisitor for Gatherer<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> ignore::WalkState {
        self.part.record(self.root, entry);
        ignore::WalkState::Continue
    }
}

impl Drop for Gatherer<'_> {
    fn drop(&mut self) {
        let part = std::mem::take(&mut self.part);
        self.shared.lock().unwrap_or_else(|e| e.into_inner()).push(part);
    }
}

/// Makes one [`Gatherer`] per walking thread.
struct Gatherers<'s> {
    root: &'s Path,
    shared: &'s std::sync::Mutex<Vec<Part>>,
}

impl<'s> ignore::ParallelVisitorBuilder<'s> for Gatherers<'s> {
    fn build(&mut self) -> Box<dyn ignore::ParallelVisitor + 's> {
        Box::new(Gatherer { root: self.root, part: Part::default(), shared: self.shared })
    }
}

/// Entries the walk visits on the calling thread before it goes parallel.
const SERIAL_WALK_ENTRIES: usize = 256;

/// A walk error as `path: reason`, the same from the serial walk (whose errors come from
/// walkdir, with the path in the reason again) as from the parallel one.
fn walk_error(e: &ignore::Error) -> String {
    fn path_of(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => path_of(err),
            _ => None,
        }
    }
    // walkdir's error sits inside the io::Error, holding the OS error as its source.
    let code = e.io_error().and_then(|io| {
        io.raw_os_error().or_else(|| io.get_ref()?.source()?.downcast_ref::<std::io::Error>()?.raw_os_error())
    });
    match (path_of(e), code) {
        (Some(path), Some(code)) => {
            format!("{}: {}", path.display(), std::io::Error::from_raw_os_error(code))
        }
        _ => e.to_string(),
    }
}

/// What the listing keeps of one walked entry: its project-relative path and kind (`Err` with
/// the lossy path when it is not UTF-8); `None` for the root, folders and excluded files.
type Listed = Option<Result<(String, Kind), String>>;

/// What to list for one walked entry (files and symlinks; the root and folders are skipped).
fn listed(root: &Path, entry: &ignore::DirEntry) -> Listed {
    if entry.depth() == 0 {
        return None;
    }
    let ft = entry.file_type()?;
    let rel = entry.path().strip_prefix(root).ok()?;
    let Some(rel) = rel_string(rel) else {
        return Some(Err(rel.to_string_lossy().replace('\\', "/")));
    };
    if excluded_file(rel.rsplit('/').next().unwrap_or(&rel)) {
        return None;
    }
    let kind = if ft.is_symlink() {
        Kind::Symlink
    } else if ft.is_file() {
        let meta = entry.metadata().ok();
        Kind::File {
            executable: meta.as_ref().is_some_and(mode_executable),
            size: meta.map_or(0, |m| m.len()),
        }
    } else {
        return None;
    };
    Some(Ok((rel, kind)))
}

/// The ignore rules of the candidate walk.
///
/// Only the project's own ignore files: a `.gitignore` of `*` in a folder above (uv's cache,
/// where it unpacks sdists) must not empty the build, and the builder's global excludes file
/// (`core.excludesFile`, `~/.config/git/ignore`) must not make the artifacts depend on whose
/// machine built them.
pub(super) fn candidate_filters(builder: &mut ignore::WalkBuilder, ignore_files: bool) {
    builder
        .standard_filters(false)
        .hidden(false)
        .ignore(false)
        .parents(false)
        .git_ignore(ignore_files)
        .git_global(false)
        .git_exclude(ignore_files)
        .require_git(false);
}

/// Whether the project root is an unpacked sdist: `PKG-INFO` at its top. Its file list was
/// selected when the sdist was built, so no ignore file may take anything away from it (it
/// ships `.gitignore`, which may match files that were tracked, e.g. force-added).
pub(super) fn is_unpacked_sdist(root: &Path) -> bool {
    root.join("PKG-INFO").is_file()
}

/// A relative path as a `/`-separated string; `None` when it is not UTF-8.
fn rel_string(rel: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::CurDir => {}
            _ => return Some(rel.to_string_lossy().into_owned()),
        }
    }
    Some(parts.join("/"))
}

/// Files after symlink resolution, and the links that could not be resolved (with why).
#[derive(Debug, Default)]
pub(super) struct Resolved {
    /// Project-relative path (the link's path for links) → file.
    pub files: BTreeMap<String, Cand>,
    /// Link path → error, for the caller to raise or ignore.
    pub errors: Vec<(String, Diagnostic)>,
}

/// Resolve the symlinks of a listing: links to files become files read from the target,
/// links to folders are expanded with the listed files of the target folder.
pub(super) fn resolve(root: &Path, root_canon: &Path, listing: &Listing) -> Resolved {
    let mut out = Resolved::default();
    for (rel, kind) in &listing.entries {
        match kind {
            &Kind::File { executable, size } => {
                out.files.insert(rel.clone(), Cand { source: root.join(rel), executable, size });
            }
            Kind::Symlink => {
                if let Err(d) =
                    resolve_link(root, root_canon, listing, rel, rel, &mut Vec::new(), &mut out.files)
                {
                    out.errors.push((rel.clone(), *d));
                }
            }
        }
    }
    out
}

/// `shown` is where the link appears in the package; `real` is where it sits on disk (they
/// differ for links inside a followed folder link).
fn resolve_link(
    root: &Path,
    root_canon: &Path,
    listing: &Listing,
    shown: &str,
    real: &str,
    chain: &mut Vec<String>,
    files: &mut BTreeMap<String, Cand>,
) -> Result<(), Box<Diagnostic>> {
    let abs = root.join(real);
    let target = link_target(root_canon, &abs, shown)?;
    let meta = fs_err::metadata(&target).map_err(|e| Box::new(Diagnostic::error(e.to_string())))?;
    if meta.is_file() {
        let (executable, size) = (mode_executable(&meta), meta.len());
        files.insert(shown.to_string(), Cand { source: target, executable, size });
        return Ok(());
    }
    if !meta.is_dir() {
        return Ok(());
    }
    let target_rel = target.strip_prefix(root_canon).ok().and_then(rel_string).unwrap_or_default();
    let real_path = Path::new(real);
    if target_rel.is_empty() || real_path.starts_with(&target_rel) || chain.iter().any(|c| c == &target_rel) {
        return Err(Box::new(
            Diagnostic::error(format!(
                "symlink loop: `{shown}` points to {}, which contains it",
                if target_rel.is_empty() {
                    "the project folder".to_string()
                } else {
                    format!("`{target_rel}`")
                }
            ))
            .help("remove the link or point it at a folder that does not contain it"),
        ));
    }
    chain.push(target_rel.clone());
    let prefix = format!("{target_rel}/");
    for (rel, kind) in listing.entries.range(prefix.clone()..) {
        let Some(suffix) = rel.strip_prefix(&prefix) else {
            break;
        };
        let new_shown = format!("{shown}/{suffix}");
        match kind {
            &Kind::File { executable, size } => {
                files.insert(new_shown, Cand { source: root.join(rel), executable, size });
            }
            Kind::Symlink => {
                resolve_link(root, root_canon, listing, &new_shown, rel, chain, files)?;
            }
        }
    }
    chain.pop();
    Ok(())
}

/// The canonical target of a link, which must exist and stay inside the project.
pub(super) fn link_target(root_canon: &Path, abs: &Path, shown: &str) -> Result<PathBuf, Box<Diagnostic>> {
    let written = std::fs::read_link(abs).map(|t| t.display().to_string()).unwrap_or_else(|_| "?".into());
    let target = match std::fs::canonicalize(abs) {
        Ok(t) => t,
        Err(e) if is_loop(&e) => {
            return Err(Box::new(Diagnostic::error(format!(
                "symlink loop: `{shown}` -> `{written}` never reaches a file"
            ))));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Box::new(
                Diagnostic::error(format!("broken symlink: `{shown}` -> `{written}` does not exist"))
                    .help("remove the link, or add it to `exclude` in `[tool.cartwheel]`"),
            ));
        }
        Err(e) => {
            return Err(Box::new(Diagnostic::error(format!(
                "cannot resolve symlink `{shown}` -> `{written}`: {e}"
            ))));
        }
    };
    if !target.starts_with(root_canon) {
        return Err(Box::new(
            Diagnostic::error(format!(
                "symlink `{shown}` points outside the project, to `{}`",
                target.display()
            ))
            .help("copy the file into the project, or add the link to `exclude` in `[tool.cartwheel]`"),
        ));
    }
    Ok(target)
}

/// Whether resolving a link failed because links point at each other. `ErrorKind::FilesystemLoop`
/// is not stable yet, so the system's own codes: ELOOP (40 on Linux, 62 on macOS and the BSDs)
/// and Windows' ERROR_CANT_RESOLVE_FILENAME (1921), which std maps to that kind too.
fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const LOOP: i32 = 40;
    #[cfg(windows)]
    const LOOP: i32 = 1921;
    #[cfg(not(any(target_os = "linux", target_os = "android", windows)))]
    const LOOP: i32 = 62;
    e.raw_os_error() == Some(LOOP)
}

/// Whether metadata's mode bits say executable (always false off unix).
pub(super) fn mode_executable(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

fn invalid(message: String) -> Error {
    Error::Invalid(Box::new(Diagnostic::error(message)))
}

fn fs_err_wrap(e: std::io::Error, path: &Path) -> Error {
    Error::Io(std::io::Error::new(e.kind(), format!("failed to read metadata of `{}`: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_several_walk_errors_the_first_by_path_is_reported() {
        // Folders nested past PATH_MAX cannot be listed (even by root). The one under `z` is
        // deeper, so a depth-first thread meets it first; the error must not depend on that.
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(250);
        let script = format!(
            "mkdir -p a m z/b/c/d/e/f/g && for top in a m z/b/c/d/e/f/g; do (cd $top && \
             for i in $(seq 20); do mkdir {long} && cd -P {long} || exit 1; done); done"
        );
        let ok =
            std::process::Command::new("sh").arg("-c").arg(script).current_dir(dir.path()).status().unwrap();
        assert!(ok.success());
        let check = || {
            for _ in 0..5 {
                let Err(e) =
                    walk_listing(dir.path(), WalkKind::Candidates { ignore_files: true, only: None })
                else {
                    panic!("an unlistable folder must fail the walk");
                };
                // How deep the walk gets before PATH_MAX depends on the temporary folder's length,
                // and the OS words its refusal ("File name too long (os error 36)" on Linux):
                // the nested folders are written once, the OS's words masked.
                let mut shown =
                    crate::testing::anonymised(&e.to_string(), dir.path()).replace(&long, "<x250>");
                while shown.contains("<x250>/<x250>") {
                    shown = shown.replace("<x250>/<x250>", "<x250>");
                }
                let (shown, _os) = shown.rsplit_once(": ").unwrap();
                assert_eq!(shown, "error: cannot list the project files: <project>/a/<x250>");
            }
        };
        // A small tree is walked on one thread; past SERIAL_WALK_ENTRIES it is walked again
        // in parallel: the same error either way.
        check();
        std::fs::create_dir(dir.path().join("m/fill")).unwrap();
        for i in 0..SERIAL_WALK_ENTRIES {
            std::fs::write(dir.path().join(format!("m/fill/{i}.py")), "").unwrap();
        }
        check();
    }

    #[test]
    fn small_and_large_trees_list_the_same_way() {
        // The serial walk (small trees) and the parallel one must agree on every field.
        let dir = tempfile::tempdir().unwrap();
        let make = |n: usize| {
            for i in 0..n {
                let sub = dir.path().join(format!("pkg/d{}", i % 7));
                std::fs::create_dir_all(&sub).unwrap();
                std::fs::write(sub.join(format!("f{i}.py")), "x".repeat(i)).unwrap();
            }
        };
        make(10);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let p = dir.path().join("pkg/d3/f3.py");
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let small =
            walk_listing(dir.path(), WalkKind::Candidates { ignore_files: true, only: None }).unwrap();
        assert_eq!(small.entries.len(), 10);
        assert_eq!(small.entries["pkg/d3/f3.py"], Kind::File { executable: cfg!(unix), size: 3 });
        assert_eq!(small.entries["pkg/d1/f8.py"], Kind::File { executable: false, size: 8 });
        make(SERIAL_WALK_ENTRIES + 50);
        let large =
            walk_listing(dir.path(), WalkKind::Candidates { ignore_files: true, only: None }).unwrap();
        assert_eq!(large.entries.len(), SERIAL_WALK_ENTRIES + 50);
        for (rel, kind) in &small.entries {
            assert_eq!(&large.entries[rel], kind, "{rel}");
        }
    }
}
