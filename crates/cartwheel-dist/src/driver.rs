//! The one build driver: a [`Request`] in, the artifacts and every warning out, as data. The
//! PEP 517 hooks, `cartwheel build` and `cartwheel version` all come through here and print
//! what it returns; nothing below prints.

use std::path::{Path, PathBuf};

use cartwheel_core::diagnostic::Diagnostic;
use cartwheel_core::discover::Scope;
use cartwheel_core::project::CheckLevel;
use cartwheel_core::Result;

use cartwheel_archive::{ListWriter, Listed};

use crate::build::{persist_all, write_members, Artifact, Build, Staged};
use crate::wheel::{write_wheel_members, WheelWriter};

/// What to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The wheel alone (`build_wheel`, `cartwheel build --wheel`).
    Wheel,
    /// The sdist alone (`build_sdist`, `cartwheel build --sdist`).
    Sdist,
    /// Both in one walk of the tree, all or nothing (`cartwheel build`).
    Both,
    /// A PEP 660 editable wheel.
    Editable,
    /// `prepare_metadata_for_build_wheel`: the `.dist-info` folder alone.
    WheelMetadata,
    /// `prepare_metadata_for_build_editable`.
    EditableMetadata,
}

impl Target {
    /// Which files the build must list: a wheel-only build does not walk the folders that
    /// cannot hold a file of the wheel.
    fn scope(self) -> Scope {
        match self {
            Target::Wheel | Target::WheelMetadata => Scope::Wheel,
            Target::Sdist | Target::Both | Target::Editable | Target::EditableMetadata => Scope::Both,
        }
    }

    /// Whether the result imports the source tree (stale stamps are worded for it).
    fn editable(self) -> bool {
        matches!(self, Target::Editable | Target::EditableMetadata)
    }
}

/// One build: the project, what to make, where, and the settings a frontend may pass.
#[derive(Debug, Clone)]
pub struct Request {
    /// Folder holding pyproject.toml.
    pub project_dir: PathBuf,
    /// What to make.
    pub target: Target,
    /// Where the artifacts (or the `.dist-info` folder) go.
    pub out_dir: PathBuf,
    /// A `.dist-info` folder from `prepare_metadata_for_build_*` whose METADATA the wheel must
    /// match (PEP 517).
    pub metadata_directory: Option<PathBuf>,
    /// The `check` config setting, overriding `[tool.cartwheel] check`.
    pub check: Option<CheckLevel>,
    /// List what each artifact would hold instead of writing it (wheel and sdist targets).
    pub dry_run: bool,
    /// Every entry's time, overriding SOURCE_DATE_EPOCH (`cartwheel release` builds a tag at
    /// its commit's time without changing the process's environment, which rayon's threads read).
    pub epoch: Option<u64>,
}

impl Request {
    /// Make `target` of the project in `project_dir` into `out_dir`, with the project's own
    /// settings.
    pub fn new(project_dir: impl Into<PathBuf>, target: Target, out_dir: impl Into<PathBuf>) -> Self {
        Self {
            project_dir: project_dir.into(),
            target,
            out_dir: out_dir.into(),
            metadata_directory: None,
            check: None,
            dry_run: false,
            epoch: None,
        }
    }
}

/// What a build returns: its warnings (also when it failed, to be shown beside the error) and
/// the artifacts, or why there are none.
#[derive(Debug)]
pub struct Outcome {
    /// Every warning, in the order the stages found them.
    pub warnings: Vec<Diagnostic>,
    /// The artifacts written (for a metadata target: the `.dist-info` folder), or the error.
    pub result: Result<Vec<Artifact>>,
}

/// Run one build.
pub fn run(request: &Request) -> Outcome {
    let mut warnings = Vec::new();
    let result = run_into(request, &mut warnings);
    Outcome { warnings, result }
}

/// Read and prepare the project (what `cartwheel version` needs), with the stale-stamp
/// warnings of `target`.
pub fn prepare(project_dir: &Path, target: Target, warnings: &mut Vec<Diagnostic>) -> Result<Build> {
    let build = Build::prepare_scoped(project_dir, target.scope(), warnings);
    if let Ok(b) = &build {
        warnings.extend(b.stamp_warnings(target.editable()));
    }
    build
}

fn run_into(request: &Request, warnings: &mut Vec<Diagnostic>) -> Result<Vec<Artifact>> {
    let mut build = prepare(&request.project_dir, request.target, warnings)?;
    if let Some(level) = request.check {
        build.check = level;
    }
    if let Some(mtime) = request.epoch {
        build.repro.mtime = mtime;
    }
    let out = request.out_dir.as_path();
    let meta = request.metadata_directory.as_deref();
    if request.dry_run {
        return listings(&build, request.target, out);
    }
    match request.target {
        Target::Wheel => Ok(vec![build.write_wheel(out, meta, false, warnings)?]),
        Target::Sdist => Ok(vec![build.write_sdist(out, warnings)?]),
        Target::Editable => Ok(vec![build.write_wheel(out, meta, true, warnings)?]),
        Target::WheelMetadata | Target::EditableMetadata => {
            let name = build.write_prepared_metadata(out)?;
            Ok(vec![Artifact { path: out.join(name), size: 0, files: 0, listing: Vec::new() }])
        }
        Target::Both => both(&build, out, warnings),
    }
}

/// What each artifact of `target` would hold, written nowhere (the members are read: RECORD's
/// hashes and the sizes are the real ones).
fn listings(build: &Build, target: Target, out: &Path) -> Result<Vec<Artifact>> {
    let artifact = |name: String, listing: Vec<Listed>| {
        let files = listing.iter().filter(|l| !l.path.ends_with('/')).count();
        let size = listing.iter().map(|l| l.size).sum();
        Artifact { path: out.join(name), size, files, listing }
    };
    let mut found = Vec::new();
    if matches!(target, Target::Sdist | Target::Both) {
        let (name, members) = build.sdist_members(out)?;
        found.push(artifact(name.to_string(), write_members(ListWriter::new(), &members)?));
    }
    if matches!(target, Target::Wheel | Target::Both) {
        let (name, members) = build.wheel_members(None)?;
        let (listing, _) = write_wheel_members(WheelWriter::new(ListWriter::new(), &name), &members)?;
        found.push(artifact(name.to_string(), listing));
    }
    Ok(found)
}

/// The sdist and the wheel from one walk, checked side by side, then renamed into place
/// together: a failure never leaves (or deletes) half a release.
fn both(build: &Build, out_dir: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Vec<Artifact>> {
    let (s, w) = build.stage_both(out_dir)?;
    let staged = [s, w];
    // Each check reads its file back whole, on a thread of its own; warnings and the first
    // failure are reported in the artifacts' order, whichever thread finishes first.
    let check = |s: &Staged| {
        let mut found = Vec::new();
        let result = s.check(build, &mut found);
        (found, result)
    };
    let results: Vec<(Vec<Diagnostic>, Result<()>)> = std::thread::scope(|scope| {
        let handle = scope.spawn(|| check(&staged[1]));
        let first = check(&staged[0]);
        vec![first, handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p))]
    });
    let mut failure = None;
    for (found, result) in results {
        warnings.extend(found);
        if let (Err(e), None) = (result, &failure) {
            failure = Some(e);
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    persist_all(staged.into())
}
