//! One prepared build: pyproject.toml read once, files selected once, version and metadata
//! resolved once; the wheel, sdist and editable writers all read from it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pep440_rs::Version;
use rayon::prelude::*;

use cartwheel_archive::{ArchiveWriter, Listed, Reproducible, Streamed};
use cartwheel_core::diagnostic::Diagnostic;
use cartwheel_core::discover::{self, FileEntry, Selection};
use cartwheel_core::error::Result;
use cartwheel_core::metadata::Metadata;
use cartwheel_core::project::{CheckLevel, Project};
use cartwheel_core::{pyproject, version};

/// Rules that stop an upload but not a local build.
const UPLOAD_ONLY: [&str; 1] = ["M004"];

/// Everything the archive writers need, computed once.
#[derive(Debug)]
pub struct Build {
    /// The validated pyproject.toml.
    pub project: Project,
    /// Files of each artifact.
    pub selection: Selection,
    /// Which artifacts `selection` is complete for.
    pub scope: discover::Scope,
    /// The resolved version.
    pub version: Version,
    /// Core metadata.
    pub metadata: Metadata,
    /// Stamped stamp targets by project-relative path (only those whose text changes).
    pub stamps: BTreeMap<String, version::Stamp>,
    /// The source tree's stamp targets against the version they should hold.
    pub tree: version::TreeCheck,
    /// Timestamps for the archives.
    pub repro: Reproducible,
    /// What `cartwheel check` on each written artifact does (`[tool.cartwheel] check`, or the
    /// `check` config setting).
    pub check: CheckLevel,
}

/// What one writer produced.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Final path.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Number of files in the archive.
    pub files: usize,
    /// Its members, for a dry run (which writes nothing); empty otherwise.
    pub listing: Vec<Listed>,
}

impl Artifact {
    /// The file name (what PEP 517 hooks return).
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// An artifact written to its temporary file, not yet under its final name.
pub struct Staged {
    out: cartwheel_archive::AtomicOutput,
    files: usize,
    /// For a tar.gz: where its gzip stream can be inflated from independently.
    restarts: Vec<cartwheel_archive::gzip::Restart>,
}

impl Staged {
    /// Wrap a finished temporary file holding `files` members.
    pub fn new(out: cartwheel_archive::AtomicOutput, files: usize) -> Self {
        Self { out, files, restarts: Vec::new() }
    }

    /// Tell the check where the gzip stream restarts (it reads the sdist back in parallel).
    pub fn with_restarts(mut self, restarts: Vec<cartwheel_archive::gzip::Restart>) -> Self {
        self.restarts = restarts;
        self
    }

    /// Run `cartwheel check` on the written temporary file, under its final name, at
    /// `build`'s level and without its `check-ignore` warnings: warnings go to `warnings`
    /// (also when the check fails); errors fail the build under `check = "error"` and are
    /// warnings under `"warn"`. Notes are for `cartwheel check`, not for every build.
    /// Description problems are located in the README (its lines are the description's
    /// lines). The sdist's gzip restart points let it be read back in parallel; the read
    /// verifies them and falls back to one serial pass.
    pub fn check(&self, build: &Build, warnings: &mut Vec<Diagnostic>) -> Result<()> {
        use cartwheel_check::{check_file, Limits, Options, Severity};
        let (level, readme) = (build.check, build.readme_path());
        if level == CheckLevel::Off {
            return Ok(());
        }
        let name =
            self.out.target().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
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
        let options = Options {
            limits: own,
            restarts: self.restarts.clone(),
            ignore: build.project.tool.check_ignore_codes(),
            ..Options::default()
        };
        let report = check_file(self.out.path(), &name, &options);
        // A local version (`1.2.4.dev2+g5ab5313` from git between tags) is fine to build and
        // install, on every commit of a git-versioned project; only an upload refuses it, and
        // `cartwheel check` before the upload says so. A warning on every such build is noise.
        // Description lines are the README's lines: findings name the file.
        let found = report.problems.into_iter().filter(|p| !p.code.is_some_and(|c| UPLOAD_ONLY.contains(&c)));
        let found: Vec<Diagnostic> = found
            .map(|p| match readme {
                Some(readme) => p.with_readme(readme),
                None => p,
            })
            .collect();
        let of = |severity| found.iter().filter(move |p| p.severity == severity);
        let as_warning =
            |p: &Diagnostic| Diagnostic { severity: Severity::Warning, ..p.clone() }.in_artifact(&name);
        warnings.extend(of(Severity::Warning).map(as_warning));
        if of(Severity::Error).next().is_none() {
            return Ok(());
        }
        if level == CheckLevel::Warn {
            warnings.extend(of(Severity::Error).map(as_warning));
            return Ok(());
        }
        let errors: Vec<String> = of(Severity::Error).map(Diagnostic::finding_line).collect();
        Err(Diagnostic::error(format!(
            "`{name}` fails `cartwheel check`, so it was not written:\n  {}",
            errors.join("\n  ")
        ))
        .help("fix the project; `[tool.cartwheel] check = \"warn\"` (or the `check=warn` config setting) builds anyway")
        .into())
    }

    /// Give the artifact its final name.
    pub fn persist(self) -> Result<Artifact> {
        let path = self.out.persist()?;
        let size = fs_err::metadata(&path).map_err(cartwheel_archive::Error::from)?.len();
        Ok(Artifact { path, size, files: self.files, listing: Vec::new() })
    }
}

/// Give staged artifacts their final names, all or none: an artifact a rename would replace
/// is set aside first and put back when a later rename fails (`cartwheel build` must not
/// leave a new sdist beside an old wheel, or delete the old release and write half the new).
pub fn persist_all(staged: Vec<Staged>) -> Result<Vec<Artifact>> {
    let mut aside: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut done: Vec<Artifact> = Vec::new();
    for s in staged {
        let target = s.out.target().to_path_buf();
        let step = set_aside(&target).and_then(|old| {
            aside.extend(old.map(|o| (target.clone(), o)));
            s.persist()
        });
        match step {
            Ok(a) => done.push(a),
            Err(e) => {
                for a in &done {
                    let _ = std::fs::remove_file(&a.path);
                }
                for (target, old) in &aside {
                    let _ = std::fs::rename(old, target);
                }
                return Err(e);
            }
        }
    }
    for (_, old) in &aside {
        let _ = std::fs::remove_file(old);
    }
    Ok(done)
}

/// Move an existing file at `target` to a temporary name beside it (named like the temporary
/// artifacts, so a killed build's leftover is cleaned the same way); `None` when there is none.
fn set_aside(target: &Path) -> Result<Option<PathBuf>> {
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    if !target.is_file() {
        return Ok(None);
    }
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let old = target.with_file_name(format!(".{name}.{}.replaced{n}.part", std::process::id()));
    match fs_err::rename(target, &old) {
        Ok(()) => Ok(Some(old)),
        // Another build replaced or moved it meanwhile: nothing of ours to put back.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(cartwheel_archive::Error::from(e).into()),
    }
}

/// Where an archive member's bytes come from.
#[derive(Debug, Clone)]
pub enum Content {
    /// Made in memory (metadata, stamped files, rewritten scripts).
    Bytes(Vec<u8>),
    /// Read from disk when the member is written.
    File(PathBuf),
    /// A directory entry (sdists only).
    Dir,
}

/// One archive member: its path inside the archive and where its bytes come from.
#[derive(Debug, Clone)]
pub struct Blob {
    /// Path inside the archive.
    pub path: String,
    /// Content.
    pub content: Content,
    /// Executable bit.
    pub executable: bool,
    /// Size of a `Content::File` when listed: read-ahead is planned with it, without a
    /// second stat of every file.
    pub size_hint: u64,
}

impl Blob {
    /// A regular, non-executable member made in memory.
    pub fn bytes(path: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self { path: path.into(), content: Content::Bytes(data.into()), executable: false, size_hint: 0 }
    }
}

/// Read-ahead budget: files are read (and prepared) in parallel batches of about this many
/// bytes, one batch while the one before is written, so memory stays flat however large the
/// tree; a larger single file is a batch of its own.
const BATCH_BYTES: u64 = 8 << 20;

/// Below this many bytes a batch is read on the calling thread: starting the thread pool
/// costs more than a small project's whole build.
const PARALLEL_MIN_BYTES: u64 = 1 << 20;

/// Files larger than this are never held in memory: the archive writers read them in chunks
/// (compressing and hashing as they go), so memory stays bounded whatever the file sizes.
const LARGE_FILE: u64 = 32 << 20;

/// Test-only override of [`LARGE_FILE`] in bytes: the streaming path must write the same bytes
/// as the in-memory one, which is tested with a small file on each side of the threshold.
const LARGE_FILE_VAR: &str = "CARTWHEEL_TEST_LARGE_FILE_BYTES";

/// The size above which a file is streamed ([`LARGE_FILE`], or its test override).
pub fn large_file_threshold() -> u64 {
    static VALUE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *VALUE
        .get_or_init(|| std::env::var(LARGE_FILE_VAR).ok().and_then(|v| v.parse().ok()).unwrap_or(LARGE_FILE))
}

/// The size of a member read from disk when it is too large to hold in memory (as listed: the
/// walk stat'ed every file once already).
pub fn large_size(member: &Blob) -> Option<u64> {
    match &member.content {
        Content::File(_) => Some(member.size_hint).filter(|&n| n > large_file_threshold()),
        _ => None,
    }
}

/// Each member's size in bytes, as listed.
fn sizes(members: &[Blob]) -> Vec<u64> {
    let size = |m: &Blob| match &m.content {
        Content::Bytes(b) => b.len() as u64,
        Content::File(_) => m.size_hint,
        Content::Dir => 0,
    };
    members.iter().map(size).collect()
}

/// Consecutive batches of about [`BATCH_BYTES`] of members with these sizes, with each
/// batch's size in bytes.
fn batches(sizes: &[u64]) -> Vec<(std::ops::Range<usize>, u64)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < sizes.len() {
        let mut end = start;
        let mut total = 0;
        while end < sizes.len() && (end == start || total + sizes[end] <= BATCH_BYTES) {
            total += sizes[end];
            end += 1;
        }
        out.push((start..end, total));
        start = end;
    }
    out
}

/// A file's bytes, read with one open and (for a file the size it was listed with) two reads:
/// `fs::read` stats the file twice more and seeks to size its buffer, and trees hold
/// thousands of files.
pub fn read_file(path: &Path, size_hint: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut file = fs_err::File::open(path).map_err(cartwheel_core::discover::Error::from)?;
    let mut data = Vec::with_capacity(usize::try_from(size_hint).unwrap_or(0).saturating_add(1));
    // Through `Take`, `read_to_end` fills the buffer as sized instead of asking the file its size.
    Read::by_ref(&mut file)
        .take(u64::MAX)
        .read_to_end(&mut data)
        .map_err(cartwheel_core::discover::Error::from)?;
    Ok(data)
}

/// A member's bytes: borrowed when made in memory, read from disk otherwise.
pub fn load(member: &Blob) -> Result<Cow<'_, [u8]>> {
    Ok(match &member.content {
        Content::Bytes(b) => Cow::Borrowed(b),
        Content::File(p) => Cow::Owned(read_file(p, member.size_hint)?),
        Content::Dir => Cow::Borrowed(&[]),
    })
}

/// What [`stream`] hands its sink for one member.
pub enum Loaded<'a, T> {
    /// The member's bytes and what `prepare` made of them.
    Bytes(Cow<'a, [u8]>, T),
    /// A file over [`large_file_threshold`] bytes (its size given): the sink reads it itself,
    /// in chunks.
    Large(&'a Path, u64),
}

/// Member `i`: its path when it is a large file of `large` bytes, else its bytes, prepared.
fn load_one<'a, T>(
    m: &'a Blob,
    i: usize,
    large: Option<u64>,
    prepare: &impl Fn(usize, &Blob, &[u8]) -> Result<T>,
) -> Result<Loaded<'a, T>> {
    match (&m.content, large) {
        (Content::File(p), Some(size)) => Ok(Loaded::Large(p, size)),
        _ => {
            let data = load(m)?;
            let prepared = prepare(i, m, &data)?;
            Ok(Loaded::Bytes(data, prepared))
        }
    }
}

/// Hand every member, in order, with its bytes and what `prepare` made of them (given the
/// member's index) to `sink`, or, for a large file, its path. Reading and `prepare` (hashing,
/// compressing) run in parallel on each batch; `sink` runs in the members' order, so the
/// output does not depend on the scheduling. While `sink` takes one batch the next is read
/// and prepared (the sdist's gzip and the next files' reads share the cores instead of
/// taking turns), so at most two batches are held.
pub fn stream<'a, T: Send>(
    members: &'a [Blob],
    prepare: impl Fn(usize, &Blob, &[u8]) -> Result<T> + Sync,
    mut sink: impl FnMut(usize, &'a Blob, Loaded<'a, T>) -> Result<()> + Send,
) -> Result<()> {
    let large: Vec<Option<u64>> = members.iter().map(large_size).collect();
    // Large files take no read-ahead memory: they are read by the sink.
    let held: Vec<u64> =
        sizes(members).into_iter().zip(&large).map(|(n, l)| if l.is_some() { 0 } else { n }).collect();
    let one = |(m, i): (&'a Blob, usize)| load_one(m, i, large[i], &prepare);
    let load = |range: std::ops::Range<usize>, bytes: u64| -> Result<Vec<Loaded<'a, T>>> {
        let batch = &members[range.clone()];
        if bytes < PARALLEL_MIN_BYTES {
            return batch.iter().zip(range).map(one).collect();
        }
        // Every result, then the first error in order: collecting into `Result` in parallel
        // returns whichever error a thread met first, so the message varied run to run.
        let all: Vec<Result<_>> = batch
            .par_iter()
            .zip(range)
            .map(|m| {
                cartwheel_core::fault::inject("worker");
                one(m)
            })
            .collect();
        all.into_iter().collect()
    };
    let drain = |sink: &mut dyn FnMut(usize, &'a Blob, Loaded<'a, T>) -> Result<()>,
                 range: std::ops::Range<usize>,
                 loaded: Vec<Loaded<'a, T>>|
     -> Result<()> {
        for ((m, i), item) in members[range.clone()].iter().zip(range).zip(loaded) {
            sink(i, m, item)?;
        }
        Ok(())
    };
    let mut ready: Option<(std::ops::Range<usize>, Vec<Loaded<'a, T>>)> = None;
    for (range, bytes) in batches(&held) {
        let next = match ready.take() {
            None => load(range.clone(), bytes)?,
            // A pool thread must not wait for the pool (one pool thread would wait for itself).
            Some((done, loaded)) if rayon::current_thread_index().is_none() => {
                let (sunk, next) =
                    rayon::join(|| drain(&mut sink, done, loaded), || load(range.clone(), bytes));
                sunk?;
                next?
            }
            Some((done, loaded)) => {
                drain(&mut sink, done, loaded)?;
                load(range.clone(), bytes)?
            }
        };
        ready = Some((range, next));
    }
    if let Some((done, loaded)) = ready {
        drain(&mut sink, done, loaded)?;
    }
    Ok(())
}

/// Stream `members` through `archive` (read and prepared in parallel batches, appended in
/// order); what the finished archive tells.
pub fn write_members<W: ArchiveWriter>(mut archive: W, members: &[Blob]) -> Result<W::Done> {
    let settings = archive.settings();
    stream(
        members,
        |_, _, data| Ok(W::prepare(settings, data)?),
        |_, b, item| append(&mut archive, b, item),
    )?;
    Ok(archive.finish()?)
}

/// Append one member as [`stream`] hands it over: a folder, bytes with what `prepare` made of
/// them, or a large file read in chunks.
pub fn append<W: ArchiveWriter>(archive: &mut W, blob: &Blob, item: Loaded<'_, W::Part>) -> Result<()> {
    match (item, &blob.content) {
        (_, Content::Dir) => archive.add_directory(&blob.path)?,
        (Loaded::Bytes(data, part), _) => archive.add(&blob.path, &data, part, blob.executable)?,
        (Loaded::Large(path, size), _) => {
            let mut file = fs_err::File::open(path)?;
            archive.add_reader(
                &blob.path,
                blob.executable,
                Streamed { file: file.file_mut(), size, observe: &mut |_| {} },
            )?;
        }
    }
    Ok(())
}

impl Build {
    /// Read the project at `project_dir` and prepare both artifacts' inputs. Warnings go to
    /// `warnings` even when preparing fails, so the caller can show them beside the error.
    pub fn prepare(project_dir: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Self> {
        Self::prepare_scoped(project_dir, discover::Scope::Both, warnings)
    }

    /// [`prepare`](Self::prepare) for `scope`: a wheel-only build does not walk the folders
    /// that cannot hold a file of the wheel, and cannot write the sdist.
    pub fn prepare_scoped(
        project_dir: &Path,
        scope: discover::Scope,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<Self> {
        cartwheel_core::fault::inject("prepare");
        version::finish_interrupted_bump(project_dir, warnings)?;
        let project = pyproject::load(project_dir, warnings)?;
        let selection = discover::select_scoped(&project, scope, warnings)?;
        let resolved = version::resolve(&project, &selection, warnings)?;
        let tree = version::TreeCheck::new(&project, &selection, &resolved)?;
        let version = resolved.version.value;
        let license_paths: Vec<String> =
            selection.license_files.iter().map(|f| f.archive_path.clone()).collect();
        let metadata = Metadata::from_project(&project, &version, &license_paths)?;
        let stamps = version::stamp::plan(&project, &selection, &version, &mut |rel| {
            version::stamp::read_rel(&project, rel)
        })?
        .into_iter()
        .map(|s| (s.path.clone(), s))
        .collect();
        let repro = Reproducible::from_env().map_err(cartwheel_core::Error::from)?;
        let check = project.tool.check;
        Ok(Self { project, selection, scope, version, metadata, stamps, tree, repro, check })
    }

    /// The README file the long description comes from (project-relative), if any.
    pub fn readme_path(&self) -> Option<&str> {
        self.project.readme.as_ref().and_then(|r| r.path.as_deref())
    }

    /// Check a staged artifact, then give it its final name: nothing failing the check lands.
    /// The check's warnings go to `warnings`.
    pub fn persist(&self, staged: Staged, warnings: &mut Vec<Diagnostic>) -> Result<Artifact> {
        staged.check(self, warnings)?;
        staged.persist()
    }

    /// Warnings for the stamp targets out of step in the source tree (`TreeCheck`): stamped
    /// in the artifacts, or, for an editable install (which imports the source tree), left
    /// stale.
    pub fn stamp_warnings(&self, editable: bool) -> Vec<Diagnostic> {
        if editable {
            return self.tree.stale.iter().flat_map(|s| s.warnings(true)).collect();
        }
        let stale = |path: &str| self.tree.stale.iter().any(|s| s.path == path);
        self.stamps.values().filter(|s| stale(&s.path)).flat_map(|s| s.warnings(false)).collect()
    }

    /// `entries` minus files inside `out_dir`: with `-o out` inside a project that is not a git
    /// tree, the artifacts of the previous build would otherwise be packed into the next sdist.
    pub fn outside(&self, entries: &[FileEntry], out_dir: &Path) -> Vec<FileEntry> {
        let Ok(out) = out_dir.canonicalize() else { return entries.to_vec() };
        if !out.starts_with(&self.project.root) {
            return entries.to_vec();
        }
        entries.iter().filter(|e| !e.source.starts_with(&out)).cloned().collect()
    }

    /// Archive members for `entries` under `prefix`: stamped content where a stamp applies,
    /// otherwise the file, read when it is written.
    pub fn blobs(&self, entries: &[FileEntry], prefix: &str) -> Vec<Blob> {
        entries
            .iter()
            .map(|e| Blob {
                path: format!("{prefix}{}", e.archive_path),
                content: match self.stamps.get(&e.rel_path) {
                    Some(stamp) => Content::Bytes(stamp.new.clone().into_bytes()),
                    None => Content::File(e.source.clone()),
                },
                executable: e.executable,
                size_hint: e.size,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_reach_the_sink_in_order_whatever_the_overlap() {
        // 5 batches: each is read while the one before is sunk; the sink sees every member
        // once, in order, with its own bytes and prepared value; a pool thread does the same
        // without overlapping.
        let members: Vec<Blob> =
            (0..40u8).map(|i| Blob::bytes(format!("m{i:02}"), vec![i; 1 << 20])).collect();
        let run = || {
            let mut seen = Vec::new();
            stream(
                &members,
                |i, m, data| Ok((i, m.path.clone(), data.len())),
                |i, m, item| {
                    let Loaded::Bytes(data, prepared) = item else { panic!("not large") };
                    assert_eq!(prepared, (i, m.path.clone(), 1 << 20));
                    assert!(data.iter().all(|&b| b as usize == i));
                    seen.push(i);
                    Ok(())
                },
            )
            .unwrap();
            seen
        };
        let all: Vec<usize> = (0..40).collect();
        assert_eq!(run(), all);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        assert_eq!(pool.install(run), all);
        // A failing sink stops the stream with its error.
        let e = stream(
            &members,
            |_, _, _| Ok(()),
            |i, _, _| if i == 17 { Err(Diagnostic::error("stop").into()) } else { Ok(()) },
        );
        assert_eq!(e.unwrap_err().to_string(), "error: stop");
    }

    #[test]
    fn of_several_unreadable_members_the_first_is_reported() {
        // A parallel batch (over PARALLEL_MIN_BYTES) where many files vanished: the error must
        // name the first in the members' order, not whichever a thread read first.
        let dir = tempfile::tempdir().unwrap();
        let mut members = vec![Blob::bytes("big", vec![0u8; 2 << 20])];
        for i in 0..200 {
            let path = dir.path().join(format!("gone{i:03}"));
            members.push(Blob {
                path: format!("gone{i:03}"),
                content: Content::File(path),
                executable: false,
                size_hint: 0,
            });
        }
        for _ in 0..10 {
            // The thread with the first member is slow to reach the first missing file.
            let slow = |i: usize, _: &Blob, _: &[u8]| {
                if i == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Ok(())
            };
            let e = stream(&members, slow, |_, _, _| Ok(())).unwrap_err();
            // The OS's words for the missing file vary by platform: only the rest is compared.
            let shown = e.to_string().replace(&dir.path().display().to_string(), "<tmp>");
            let (shown, _os) = shown.rsplit_once(": ").unwrap();
            assert_eq!(shown, "failed to open file `<tmp>/gone000`");
        }
    }
}
