//! Module discovery and file selection for the wheel and the sdist.
//!
//! Candidates come from `git ls-files` in a git work tree (so an untracked `.env` can never
//! leak), otherwise from a walk honouring the project's .gitignore files and
//! `.git/info/exclude` (never the builder's global excludes file; no ignore file at all in an
//! unpacked sdist, whose file list is final); both minus the default excludes. `include` globs
//! add files from disk, `exclude` globs remove them; license globs match that same pool. The
//! wheel takes what lies under the module folders, the sdist takes everything plus the files
//! the build needs (pyproject.toml, readme, license files, version file).
//!
//! In git, the files of checked-out submodules are candidates too; a submodule that is not
//! checked out, and untracked files under a module folder, are warned about (both are silently
//! missing from a release otherwise). The sdist must hold every file the wheel draws from, or
//! the wheel built from the unpacked sdist would differ: an `sdist-exclude` removing one is an
//! error.

mod modules;
mod portable;
mod walk;

#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::project::{Located, Project, VersionSource};
use walk::{Cand, Listing, Origin, Resolved, WalkKind};

/// Every stage fails with the one error type.
pub use crate::error::Error;

/// One file going into an artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path inside the artifact, `/` separated: relative to the wheel root (`wheel`), to the
    /// `.data` folder (`data`: `scripts/foo`), to `.dist-info/licenses/` (`license_files`), or
    /// to the sdist's top folder (`sdist`).
    pub archive_path: String,
    /// Project-relative path, `/` separated (matches stamp targets).
    pub rel_path: String,
    /// Absolute path to read the bytes from.
    pub source: PathBuf,
    /// Whether the file is executable on disk.
    pub executable: bool,
    /// Size in bytes when listed (a hint for read-ahead).
    pub size: u64,
}

/// One top-level importable thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Import name, dotted for a namespace sub-package (`acme.plugins.foo`): a `ModuleName`
    /// when configured, the project name's module form otherwise (importlib imports any name).
    pub name: String,
    /// Project-relative path of the package folder or the `.py` file.
    pub rel_path: String,
    /// Project-relative path of `__init__.py` (package) or the module file itself; `None` for
    /// an implicit namespace package.
    pub init: Option<String>,
    /// Absolute folder that goes on `sys.path` (the `source` folder) for editable installs.
    pub source_dir: PathBuf,
}

/// What goes where.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The modules found.
    pub modules: Vec<Module>,
    /// Wheel payload (modules with their data files, `include`d files), sorted by archive path.
    pub wheel: Vec<FileEntry>,
    /// `[tool.cartwheel] data` files, archive path relative to `.data/`.
    pub data: Vec<FileEntry>,
    /// License files, archive path = project-relative path.
    pub license_files: Vec<FileEntry>,
    /// Sdist payload (includes pyproject.toml, readme, license files), sorted.
    pub sdist: Vec<FileEntry>,
    /// Why the wheel may not be written (it would carry a secret), checked when writing it.
    pub wheel_refused: Option<Box<Diagnostic>>,
    /// Why the sdist may not be written (it would carry a secret), checked when writing it.
    pub sdist_refused: Option<Box<Diagnostic>>,
}

/// Which artifacts a selection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The wheel and the sdist.
    Both,
    /// The wheel only (`build_wheel`): top-level folders that cannot hold a file of the wheel
    /// (tests, docs) are not walked, so `Selection::sdist` is partial and stale-glob warnings
    /// are left to the builds that see the whole tree. The wheel is the same either way.
    Wheel,
}

/// Select the files of both artifacts; warnings (stale globs, ...) are pushed to `warnings`.
pub fn select(project: &Project, warnings: &mut Vec<Diagnostic>) -> Result<Selection, Error> {
    select_scoped(project, Scope::Both, warnings)
}

/// The top-level folders a wheel can draw files from (module roots, `data` sources, literal
/// leading folders of `license-files` globs), or `None` when a glob could match anywhere.
fn wheel_roots(project: &Project, found: &modules::Found) -> Option<Vec<String>> {
    let first = |rel: &str| rel.split('/').next().unwrap_or(rel).to_string();
    let mut roots: Vec<String> = found.modules.iter().map(|m| first(&m.rel_path)).collect();
    roots.extend(project.tool.data.iter().map(|(src, _)| first(src.value.trim_start_matches("./"))));
    for glob in project.license_files.iter().flatten() {
        let Some((top, _)) = glob.value.split_once('/') else { continue };
        if top.contains(['*', '?', '[']) || top == "." {
            return None;
        }
        roots.push(top.to_string());
    }
    roots.sort();
    roots.dedup();
    Some(roots)
}

/// The five glob lists of `[tool.cartwheel]`, compiled once.
struct Rules<'p> {
    include: Globs<'p>,
    exclude: Globs<'p>,
    wheel_exclude: Globs<'p>,
    sdist_include: Globs<'p>,
    sdist_exclude: Globs<'p>,
}

impl<'p> Rules<'p> {
    fn new(project: &'p Project) -> Result<Self, Error> {
        let tool = &project.tool;
        Ok(Self {
            include: Globs::new(project, "include", &tool.include)?,
            exclude: Globs::new(project, "exclude", &tool.exclude)?,
            wheel_exclude: Globs::new(project, "wheel-exclude", &tool.wheel_exclude)?,
            sdist_include: Globs::new(project, "sdist-include", &tool.sdist_include)?,
            sdist_exclude: Globs::new(project, "sdist-exclude", &tool.sdist_exclude)?,
        })
    }

    fn all(&self) -> [&Globs<'p>; 5] {
        [&self.include, &self.exclude, &self.wheel_exclude, &self.sdist_include, &self.sdist_exclude]
    }

    /// Folders the walk must enter although ignored: the literal leading folders of the globs
    /// that add files (`include`, `sdist-include`, `license-files`).
    fn entered(&self, project: &Project) -> Vec<String> {
        let adding = self.include.items.iter().chain(&self.sdist_include.items).map(|g| &g.located.value);
        let licenses = project.license_files.iter().flatten().map(|g| &g.value);
        adding.chain(licenses).filter_map(|g| literal_prefix(g)).collect()
    }
}

/// [`select`] for `scope`: candidates (git's or the walk's), what `include` adds, the wheel's
/// modules, data and license files, the sdist, then the warnings about the whole selection.
pub fn select_scoped(
    project: &Project,
    scope: Scope,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Selection, Error> {
    let found = modules::find(project, warnings)?;
    let mut ctx = Ctx::new(project)?;
    let rules = Rules::new(project)?;
    ctx.enter = rules.entered(project);

    let only = match scope {
        Scope::Both => None,
        Scope::Wheel => wheel_roots(project, &found),
    };
    let (listing, origin) = candidate_listing(project, only.as_deref(), warnings)?;
    if let Some(bad) = listing.bad_names.iter().find(|b| !rules.exclude.hits(b)) {
        return Err(non_utf8(bad));
    }
    let resolved = walk::resolve(&project.root, &ctx.root_canon, &listing);
    // An excluded link is never read, so its target does not matter.
    if let Some((_, d)) = resolved.errors.into_iter().find(|(rel, _)| !rules.exclude.hits(rel)) {
        return Err(invalid(d));
    }
    let candidates = resolved.files;
    let (included, sdist_included) = included(&mut ctx, &rules)?;

    // What both artifacts draw from.
    let mut pool: BTreeMap<String, Cand> = BTreeMap::new();
    for (rel, cand) in candidates.iter().chain(&included) {
        if !rules.exclude.matches(rel) {
            pool.insert(rel.clone(), cand.clone());
        }
    }

    let wheel = select_wheel(&found, &pool, &rules, origin, warnings)?;
    if origin == Origin::Git {
        let excludes = [&rules.exclude, &rules.wheel_exclude, &rules.sdist_exclude];
        warn_submodules(project, &found.modules, &listing.submodules, excludes, warnings);
        let globs = [&rules.include, &rules.exclude, &rules.wheel_exclude];
        warn_untracked(project, &found.modules, globs, warnings);
    }
    let data = select_data(project, &mut ctx, &pool, &rules.wheel_exclude, warnings)?;
    let license_files = select_licenses(project, &mut ctx, &pool, &rules.exclude, origin)?;
    let installed = wheel.keys().map(String::as_str).chain(data.iter().filter_map(|e| {
        e.archive_path.strip_prefix("purelib/").or_else(|| e.archive_path.strip_prefix("platlib/"))
    }));
    check_import_names(project, &found.modules, installed)?;

    let mut sdist_pool = sdist_pool(&pool, &sdist_included, &rules);
    // Each artifact is refused on its own secrets, when it is written: a `.env` test fixture
    // that only the sdist would carry must not stop `pip install .` (which builds a wheel).
    // An unpacked sdist is never refused: its files are already public.
    let unpacked_sdist = project.root.join("PKG-INFO").is_file();
    let wheel_rels: Vec<&str> =
        wheel.values().chain(&license_files).chain(&data).map(|e| e.rel_path.as_str()).collect();
    let sdist_rels: Vec<&str> = sdist_pool.keys().map(String::as_str).collect();
    let (wheel_refused, sdist_refused) = if unpacked_sdist {
        (None, None)
    } else {
        let every = if scope == Scope::Both { &sdist_rels } else { &wheel_rels };
        warn_test_keys(project, &rules, every, warnings);
        (
            refuse_secrets(project, &rules, origin, wheel_rels),
            refuse_secrets(project, &rules, origin, sdist_rels),
        )
    };
    add_build_inputs(project, &mut ctx, &pool, &mut sdist_pool)?;
    // License files are metadata the build needs, like the readme; a data file is added when
    // untracked (an explicitly mapped file), but not against an `sdist-exclude` glob.
    for e in license_files.iter().chain(data.iter().filter(|e| !rules.sdist_exclude.hits(&e.rel_path))) {
        sdist_pool.entry(e.rel_path.clone()).or_insert_with(|| Cand {
            source: e.source.clone(),
            executable: e.executable,
            size: e.size,
        });
    }
    let needed = wheel.values().chain(&data).chain(&license_files);
    check_sdist_builds_the_wheel(project, &sdist_pool, needed, &rules.sdist_exclude)?;
    let sdist: Vec<FileEntry> = sdist_pool.iter().map(|(rel, cand)| entry(rel.clone(), rel, cand)).collect();

    warn_stale_globs(project, &mut ctx, &rules, scope, &candidates, &listing.submodules, warnings)?;
    let wheel_files: Vec<&FileEntry> = wheel.values().chain(&data).chain(&license_files).collect();
    warnings.extend(portable::check(project, &wheel_files, &sdist)?);

    Ok(Selection {
        modules: found.modules,
        wheel: wheel.into_values().collect(),
        data,
        license_files,
        sdist,
        wheel_refused,
        sdist_refused,
    })
}

type Files = BTreeMap<String, Cand>;

/// The files `include` (both artifacts) and `sdist-include` (the sdist only) add, looked up on
/// disk whether tracked or ignored.
fn included(ctx: &mut Ctx<'_>, rules: &Rules<'_>) -> Result<(Files, Files), Error> {
    let (mut included, mut sdist_included) = (Files::new(), Files::new());
    if rules.include.is_empty() && rules.sdist_include.is_empty() {
        return Ok((included, sdist_included));
    }
    let adds = |rel: &str| rules.include.hits(rel) || rules.sdist_include.hits(rel);
    let (disk_listing, disk) = ctx.disk()?;
    if let Some(bad) = disk_listing.bad_names.iter().find(|b| adds(b)) {
        return Err(non_utf8(bad));
    }
    if let Some((_, d)) = disk.errors.iter().find(|(rel, _)| adds(rel)) {
        return Err(invalid(d.clone()));
    }
    for (rel, cand) in &disk.files {
        if rules.include.matches(rel) {
            included.insert(rel.clone(), cand.clone());
        } else if rules.sdist_include.matches(rel) {
            sdist_included.insert(rel.clone(), cand.clone());
        }
    }
    Ok((included, sdist_included))
}

/// The wheel's payload: every pooled file inside a module's folder (or the module's file),
/// under its import path. A module that contributes nothing is an error: an empty wheel
/// installs "successfully" and fails at import.
fn select_wheel(
    found: &modules::Found,
    pool: &Files,
    rules: &Rules<'_>,
    origin: Origin,
    warnings: &mut Vec<Diagnostic>,
) -> Result<BTreeMap<String, FileEntry>, Error> {
    let mut wheel: BTreeMap<String, FileEntry> = BTreeMap::new();
    for module in &found.modules {
        let single_file = module.init.as_deref() == Some(module.rel_path.as_str());
        let prefix = format!("{}/", module.rel_path);
        let mut count = 0;
        for (rel, cand) in pool {
            let inside = if single_file { rel == &module.rel_path } else { rel.starts_with(&prefix) };
            if !inside || rules.wheel_exclude.matches(rel) {
                continue;
            }
            count += 1;
            let archive = strip_dir(rel, &found.source_rel).to_string();
            wheel.insert(archive.clone(), entry(archive, rel, cand));
        }
        if count == 0 {
            let mut e =
                Diagnostic::error(format!("module `{}` contributes no file to the wheel", module.name));
            e = if origin == Origin::Git {
                e.help(format!(
                    "only files tracked by git are packaged: `git add {}`, or list generated files in `include`",
                    module.rel_path
                ))
            } else {
                e.help("check `.gitignore`, `exclude` and `wheel-exclude`")
            };
            return Err(invalid(e));
        } else if let Some(init) = &module.init {
            if !pool.contains_key(init) && !rules.exclude.hits(init) && !rules.wheel_exclude.hits(init) {
                warnings.push(
                    Diagnostic::warning(format!(
                        "`{init}` is not packaged (not tracked by git?); `{}` will not import as a package",
                        module.name
                    ))
                    .help(format!("`git add {init}`")),
                );
            }
        }
    }
    Ok(wheel)
}

/// The sdist's own selection: every pooled file and what `sdist-include` adds, less
/// `sdist-exclude`.
fn sdist_pool(pool: &Files, sdist_included: &Files, rules: &Rules<'_>) -> Files {
    let mut sdist_pool: Files = pool.clone();
    for (rel, cand) in sdist_included {
        if !rules.exclude.matches(rel) {
            sdist_pool.insert(rel.clone(), cand.clone());
        }
    }
    sdist_pool.retain(|rel, _| !rules.sdist_exclude.matches(rel));
    sdist_pool
}

/// What building from the sdist needs, whatever the globs say: pyproject.toml, the readme, a
/// version file, the stamp targets.
fn add_build_inputs(
    project: &Project,
    ctx: &mut Ctx<'_>,
    pool: &Files,
    sdist_pool: &mut Files,
) -> Result<(), Error> {
    let mut always: Vec<String> = vec!["pyproject.toml".to_string()];
    if let Some(readme) = project.readme.as_ref().and_then(|r| r.path.as_deref()) {
        always.extend(normalize_rel(readme));
    }
    if let VersionSource::File { path, .. } = &project.tool.version.source {
        always.extend(normalize_rel(&path.value));
    }
    if let Some(stamps) = &project.tool.version.stamp {
        always.extend(stamps.iter().filter_map(|s| normalize_rel(&s.value)));
    }
    for rel in always.into_iter().filter(|r| !r.is_empty()) {
        if sdist_pool.contains_key(&rel) {
            continue;
        }
        let cand = match pool.get(&rel) {
            Some(c) => Some(c.clone()),
            None => ctx.single(&rel)?,
        };
        if let Some(cand) = cand {
            sdist_pool.insert(rel, cand);
        }
    }
    Ok(())
}

/// The refusal of an artifact that would carry `rels` when one of them looks like a secret (a
/// private key, credentials, .env) and `include` does not name it.
fn refuse_secrets(
    project: &Project,
    rules: &Rules<'_>,
    origin: Origin,
    rels: Vec<&str>,
) -> Option<Box<Diagnostic>> {
    let found: Vec<&str> = rels
        .into_iter()
        .filter(|rel| is_refused_secret(&project.root, rel))
        .filter(|rel| !rules.include.hits(rel) && !rules.sdist_include.hits(rel))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let first = found.first()?;
    let list = found.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
    Some(Box::new(
        Diagnostic::error(format!(
            "refusing to package {list}: {} (a private key, credentials, .env)",
            if found.len() == 1 { "it looks like a secret" } else { "they look like secrets" }
        ))
        .at(&SourceFile::new(*first, ""), None)
        .help({
            let (it, they_are) = if found.len() == 1 { ("it", "it is") } else { ("them", "they are") };
            let untrack = if origin == Origin::Git { format!(" (and `git rm --cached` {it})") } else { String::new() };
            format!(
                "add {it} to `exclude` in `[tool.cartwheel]`{untrack}, or list {it} explicitly in `include` if {they_are} meant to ship (a test fixture)"
            )
        }),
    ))
}

/// A warning per glob that matches no file of the project at all (so a safety-net `exclude`
/// for a file that is merely untracked does not nag).
fn warn_stale_globs(
    project: &Project,
    ctx: &mut Ctx<'_>,
    rules: &Rules<'_>,
    scope: Scope,
    candidates: &Files,
    submodules: &[String],
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), Error> {
    let all_globs = rules.all();
    if scope == Scope::Both && all_globs.iter().any(|g| g.unused().next().is_some()) {
        for rel in candidates.keys() {
            all_globs.iter().for_each(|g| g.mark(rel));
        }
        // A submodule that is not checked out holds no file, but a glob meant for it is used.
        for sub in submodules {
            all_globs.iter().for_each(|g| g.mark(&format!("{sub}/_")));
        }
    }
    if all_globs.iter().any(|g| g.unused().next().is_some()) {
        let (listing, disk) = ctx.disk()?;
        // A link that leaves the project or loops, and a name that is not UTF-8, are there to
        // be excluded (their errors say so): the glob that does it is not stale.
        let refused = disk.errors.iter().map(|(rel, _)| rel).chain(&listing.bad_names);
        for rel in disk.files.keys().chain(refused) {
            all_globs.iter().for_each(|g| g.mark(rel));
        }
    }
    for globs in all_globs {
        for item in globs.unused() {
            warnings.push(
                Diagnostic::warning(format!("`{}` glob `{}` matches no file", globs.key, item.located.value))
                    .at(&project.source, item.located.span.clone())
                    .key(format!("tool.cartwheel.{}", globs.key))
                    .help("remove the stale pattern, or fix it"),
            );
        }
    }
    Ok(())
}

/// Every file the wheel draws from (payload, `data`, license files) must be in the sdist, or the
/// wheel built from the unpacked sdist lacks it (a console script then fails at import): refuse
/// the build at the `sdist-exclude` glob that removed the files.
fn check_sdist_builds_the_wheel<'e>(
    project: &Project,
    sdist_pool: &BTreeMap<String, Cand>,
    needed: impl Iterator<Item = &'e FileEntry>,
    sdist_exclude: &Globs<'_>,
) -> Result<(), Error> {
    let missing: std::collections::BTreeSet<&str> =
        needed.map(|e| e.rel_path.as_str()).filter(|rel| !sdist_pool.contains_key(*rel)).collect();
    let Some(first) = missing.first() else {
        return Ok(());
    };
    // Report the files of one glob at a time, at that glob.
    let culprit = sdist_exclude.culprit(first);
    let mine: Vec<&str> =
        missing.iter().copied().filter(|rel| sdist_exclude.culprit(rel) == culprit).collect();
    let others = missing.len() - mine.len();
    let (what, span) = match culprit.map(|i| &sdist_exclude.items[i]) {
        Some(g) => (format!("`sdist-exclude` glob `{}`", g.located.value), g.located.span.clone()),
        None => ("`sdist-exclude`".to_string(), None),
    };
    let mut message = format!(
        "{what} removes from the sdist {} the wheel needs: {}",
        if mine.len() == 1 { "a file" } else { "files" },
        name_list(&mine, 10)
    );
    if others > 0 {
        message.push_str(&format!(" (and {others} more removed by other `sdist-exclude` globs)"));
    }
    Err(invalid(
        project
            .error_at(message, span)
            .key("tool.cartwheel.sdist-exclude")
            .help(if mine.len() == 1 {
                "the wheel built from the sdist would lack it; drop the pattern or add the file to `wheel-exclude` too"
            } else {
                "the wheel built from the sdist would lack them; drop the pattern or add the files to `wheel-exclude` too"
            }),
    ))
}

/// PEP 794: the names in `Import-Name` / `Import-Namespace` "MUST be importable when the
/// project is installed"; a pure-Python wheel is the same on every platform, so each must be
/// a module, a package or a folder of the installed files (`installed`: site-packages paths).
fn check_import_names<'p>(
    project: &Project,
    modules: &[Module],
    installed: impl Iterator<Item = &'p str>,
) -> Result<(), Error> {
    let names = project.import_names.as_deref().unwrap_or_default();
    if names.is_empty() && project.import_namespaces.is_empty() {
        return Ok(());
    }
    let installed: Vec<&str> = installed.collect();
    let keyed = names
        .iter()
        .map(|n| ("project.import-names", n))
        .chain(project.import_namespaces.iter().map(|n| ("project.import-namespaces", n)));
    for (key, entry) in keyed {
        let name = entry.value.split(';').next().unwrap_or_default().trim_end();
        let base = name.replace('.', "/");
        let provided = installed.iter().any(|path| match path.strip_prefix(base.as_str()) {
            Some(rest) => rest.starts_with('/') || rest.strip_prefix('.').is_some_and(is_module_suffix),
            None => false,
        });
        if !provided {
            let shipped: Vec<&str> = modules.iter().map(|m| m.name.as_str()).collect();
            return Err(invalid(
                project
                    .error_in(key, entry, format!("`{name}` is not in the wheel, so it cannot be imported once installed"))
                    .help(format!(
                        "the wheel ships {}; correct the name, or select the module with `tool.cartwheel.module`",
                        name_list(&shipped, 10)
                    )),
            ));
        }
    }
    Ok(())
}

/// What importlib's default finders load, after the module's name and a dot: source,
/// bytecode, extension modules (`so` / `pyd`, with or without an ABI tag).
fn is_module_suffix(suffix: &str) -> bool {
    matches!(suffix, "py" | "pyc" | "so" | "pyd") || suffix.ends_with(".so") || suffix.ends_with(".pyd")
}

/// Warn about git submodules that are not checked out where files are selected: under a
/// module folder or a `data` folder, or anywhere the sdist takes (everything not excluded).
fn warn_submodules(
    project: &Project,
    modules: &[Module],
    submodules: &[String],
    [exclude, wheel_exclude, sdist_exclude]: [&Globs<'_>; 3],
    warnings: &mut Vec<Diagnostic>,
) {
    let under = |rel: &str, dir: &str| rel == dir || rel.starts_with(&format!("{dir}/"));
    for sub in submodules {
        if exclude.dir_hits(sub) {
            continue;
        }
        let in_wheel = !wheel_exclude.dir_hits(sub)
            && (modules.iter().any(|m| under(sub, &m.rel_path))
                || project
                    .tool
                    .data
                    .iter()
                    .filter_map(|(src, _)| normalize_rel(&src.value))
                    .any(|src| !src.is_empty() && under(sub, &src)));
        if in_wheel || !sdist_exclude.dir_hits(sub) {
            warnings.push(
                Diagnostic::warning(format!(
                    "submodule `{sub}` is not checked out: `git submodule update --init`"
                ))
                .help("its files are left out until it is checked out"),
            );
        }
    }
}

/// One warning listing the untracked (and not ignored) files under the module folders: they
/// import fine in an editable install, and go missing only from the released wheel.
fn warn_untracked(
    project: &Project,
    modules: &[Module],
    [include, exclude, wheel_exclude]: [&Globs<'_>; 3],
    warnings: &mut Vec<Diagnostic>,
) {
    let mut folders: Vec<String> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    for rel in walk::git_untracked(&project.root) {
        // Brought in anyway, left out on purpose, or never to be `git add`ed.
        if include.hits(&rel)
            || exclude.hits(&rel)
            || wheel_exclude.hits(&rel)
            || secret_kind(&project.root, &rel).is_some()
        {
            continue;
        }
        let module = modules.iter().find(|m| {
            let single_file = m.init.as_deref() == Some(m.rel_path.as_str());
            if single_file {
                rel == m.rel_path
            } else {
                rel.starts_with(&format!("{}/", m.rel_path))
            }
        });
        // An untracked `__init__.py` has its own warning.
        let Some(module) = module.filter(|m| m.init.as_deref() != Some(rel.as_str())) else {
            continue;
        };
        let single_file = module.init.as_deref() == Some(module.rel_path.as_str());
        let folder = if single_file { module.rel_path.clone() } else { format!("{}/", module.rel_path) };
        if !folders.contains(&folder) {
            folders.push(folder);
        }
        files.push(rel);
    }
    if files.is_empty() {
        return;
    }
    files.sort();
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    let folders = folders.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
    let message = if files.len() == 1 {
        format!(
            "1 untracked file under {folders} is left out: {} (`git add` it, or list generated files in `include`)",
            name_list(&names, 10)
        )
    } else {
        format!(
            "{} untracked files under {folders} are left out: {} (`git add` them, or list generated files in `include`)",
            files.len(),
            name_list(&names, 10)
        )
    };
    warnings.push(Diagnostic::warning(message));
}

/// `` `a`, `b`, `c` `` with at most `max` names, then `and N more`.
fn name_list(names: &[&str], max: usize) -> String {
    let mut list = names.iter().take(max).map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    if names.len() > max {
        list.push_str(&format!(", and {} more", names.len() - max));
    }
    list
}

/// The shared state of one selection: the canonical root and the lazily walked disk.
struct Ctx<'a> {
    project: &'a Project,
    root_canon: PathBuf,
    /// Literal leading folders of include-like globs, which the disk walk enters even when
    /// they are excluded by default.
    enter: Vec<String>,
    disk: Option<(Listing, Resolved)>,
}

impl<'a> Ctx<'a> {
    fn new(project: &'a Project) -> Result<Self, Error> {
        Ok(Self { project, root_canon: fs_err::canonicalize(&project.root)?, enter: Vec::new(), disk: None })
    }

    /// Every file on disk but the default-excluded folders, ignore files not honoured.
    fn disk(&mut self) -> Result<(&Listing, &Resolved), Error> {
        if self.disk.is_none() {
            let root = &self.project.root;
            let listing = walk::walk_listing(root, WalkKind::Disk { enter: &self.enter })?;
            let resolved = walk::resolve(root, &self.root_canon, &listing);
            self.disk = Some((listing, resolved));
        }
        let (l, r) = self.disk.as_ref().expect("just filled");
        Ok((l, r))
    }

    /// One named file, symlinks resolved; `None` when it is missing or a folder.
    fn single(&self, rel: &str) -> Result<Option<Cand>, Error> {
        let abs = self.project.root.join(rel);
        let meta = match std::fs::symlink_metadata(&abs) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(_) => fs_err::symlink_metadata(&abs)?,
        };
        let source = if meta.file_type().is_symlink() {
            walk::link_target(&self.root_canon, &abs, rel).map_err(Error::Invalid)?
        } else {
            abs
        };
        let meta = match std::fs::metadata(&source) {
            Ok(m) if m.is_file() => m,
            _ => return Ok(None),
        };
        Ok(Some(Cand { source, executable: walk::mode_executable(&meta), size: meta.len() }))
    }
}

fn candidate_listing(
    project: &Project,
    only: Option<&[String]>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Listing, Origin), Error> {
    let root = &project.root;
    // An unpacked sdist ships its `.gitignore`, which may match files the sdist holds (tracked
    // but ignored, e.g. force-added `*.mo`): its file list is final, so no ignore file applies,
    // and the wheel built from it equals the wheel built from the tree.
    let sdist = walk::is_unpacked_sdist(root);
    if walk::in_git_work_tree(root) {
        let listing = walk::git_listing(root)?;
        if listing.entries.contains_key("pyproject.toml") {
            return Ok((listing, Origin::Git));
        }
        // A fresh `git init` (or a project in an ignored folder): tracking says nothing yet.
        let how = if sdist { "every file of the unpacked sdist" } else { "honouring .gitignore" };
        warnings.push(
            Diagnostic::warning(format!(
                "{} is in a git work tree but pyproject.toml is not tracked; \
                 selecting files by walking the folder ({how}) instead",
                root.display()
            ))
            .help("`git add` the project so that only tracked files are packaged"),
        );
    }
    let ignore_files = !sdist;
    let listing = walk::walk_listing(root, WalkKind::Candidates { ignore_files, only })?;
    // A link may point into a folder that was not walked: walk everything then.
    if only.is_some() && listing.entries.values().any(|k| matches!(k, walk::Kind::Symlink)) {
        let listing = walk::walk_listing(root, WalkKind::Candidates { ignore_files, only: None })?;
        return Ok((listing, Origin::Walk));
    }
    Ok((listing, Origin::Walk))
}

/// Wheel schemes a `data` destination may start with.
use crate::project::DATA_SCHEMES as SCHEMES;

/// `tool.data`: the `.data/` entries (their `rel_path` is the file the sdist must carry).
///
/// A destination ending in `/` (or naming only the scheme) is a folder the source goes into;
/// otherwise a file source is installed under exactly that name. Two mappings writing the
/// same file, or one writing a file where another writes a folder, are refused: the installer
/// would fail (or silently overwrite) at install time.
fn select_data(
    project: &Project,
    ctx: &mut Ctx<'_>,
    pool: &BTreeMap<String, Cand>,
    wheel_exclude: &Globs<'_>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<FileEntry>, Error> {
    // Archive path → (entry, index of the mapping that wrote it).
    let mut data: BTreeMap<String, (FileEntry, usize)> = BTreeMap::new();
    let mappings = &project.tool.data;
    let collision = |archive: &str, what: String, a: usize, b: usize| {
        let (sa, da) = &mappings[a];
        let (sb, db) = &mappings[b];
        let both = if a == b {
            format!("data mapping `{}` = `{}`", sa.value, da.value)
        } else {
            format!("data mappings `{}` = `{}` and `{}` = `{}`", sb.value, db.value, sa.value, da.value)
        };
        invalid(
            project.error_in("tool.cartwheel.data", da, format!("{both} collide at `{archive}` in the wheel's data: {what}"))
                .help("give each file its own destination; end a destination with `/` to install into that folder"),
        )
    };
    for (index, (src, dest)) in mappings.iter().enumerate() {
        let src_rel = normalize_rel(&src.value).filter(|r| !r.is_empty()).ok_or_else(|| {
            invalid(project.error_in(
                "tool.cartwheel.data",
                src,
                format!("data source `{}` must be a path inside the project", src.value),
            ))
        })?;
        let dest_rel = normalize_rel(&dest.value)
            .filter(|r| SCHEMES.contains(&r.split('/').next().unwrap_or_default()))
            .ok_or_else(|| {
                invalid(project.error_in(
                    "tool.cartwheel.data",
                    dest,
                    format!(
                        "data destination `{}` must start with a wheel scheme: {}",
                        dest.value,
                        SCHEMES.join(", ")
                    ),
                ))
            })?;
        let dest_is_dir = dest.value.trim_end().ends_with('/') || !dest_rel.contains('/');
        let abs = project.root.join(&src_rel);
        let mut add = |archive: String, rel: &str, cand: &Cand| -> Result<(), Error> {
            if let Some((prev, prev_index)) = data.get(&archive) {
                // The same file reached through two mappings (a folder and a file in it) is
                // harmless; two different files are not.
                if prev.rel_path != rel {
                    let what = format!("both `{}` and `{rel}` are written there", prev.rel_path);
                    return Err(collision(&archive, what, index, *prev_index));
                }
            }
            data.insert(archive.clone(), (entry(archive, rel, cand), index));
            Ok(())
        };
        if abs.is_dir() {
            let prefix = format!("{src_rel}/");
            let mut count = 0;
            for (rel, cand) in pool.range(prefix.clone()..) {
                let Some(suffix) = rel.strip_prefix(&prefix) else {
                    break;
                };
                if wheel_exclude.matches(rel) {
                    continue;
                }
                count += 1;
                add(format!("{dest_rel}/{suffix}"), rel, cand)?;
            }
            if count == 0 {
                warnings.push(
                    Diagnostic::warning(format!(
                        "data folder `{src_rel}` holds no selected file (untracked or excluded?)"
                    ))
                    .at(&project.source, src.span.clone())
                    .key("tool.cartwheel.data"),
                );
            }
        } else {
            // An explicitly mapped file is wanted even when untracked.
            let cand = match pool.get(&src_rel) {
                Some(c) => Some(c.clone()),
                None => ctx.single(&src_rel)?,
            };
            let Some(cand) = cand else {
                return Err(invalid(project.error_in(
                    "tool.cartwheel.data",
                    src,
                    format!("data source `{src_rel}` does not exist"),
                )));
            };
            let archive = if dest_is_dir {
                let name = src_rel.rsplit('/').next().unwrap_or(&src_rel);
                format!("{dest_rel}/{name}")
            } else {
                dest_rel.clone()
            };
            add(archive, &src_rel, &cand)?;
        }
    }
    // A file at `data/share/t` and another at `data/share/t/x.json`: `t` cannot be both.
    for (archive, (e, index)) in &data {
        for (i, _) in archive.match_indices('/') {
            let folder = &archive[..i];
            if let Some((file, file_index)) = data.get(folder) {
                let what = format!(
                    "`{}` is installed as the file `{folder}`, but `{}` goes inside a folder of that name",
                    file.rel_path, e.rel_path
                );
                return Err(collision(folder, what, *index, *file_index));
            }
        }
    }
    Ok(data.into_values().map(|(e, _)| e).collect())
}

/// PEP 639 license files: the globs when given, else the conventional root-level names.
///
/// Both are matched against `pool` (the candidates plus `include`d files, minus `exclude`), so
/// an untracked or ignored `node_modules/x/LICENSE` is never picked up by `**/LICENSE*`.
fn select_licenses(
    project: &Project,
    ctx: &mut Ctx<'_>,
    pool: &BTreeMap<String, Cand>,
    exclude: &Globs<'_>,
    origin: Origin,
) -> Result<Vec<FileEntry>, Error> {
    let mut out: BTreeMap<String, FileEntry> = BTreeMap::new();
    match &project.license_files {
        Some(globs) if globs.is_empty() => {}
        Some(globs) => {
            let mut matchers = Vec::new();
            for g in globs {
                let glob = check_license_glob(&g.value)
                    .and_then(|()| {
                        globset::GlobBuilder::new(&g.value)
                            .literal_separator(true)
                            .backslash_escape(false)
                            .build()
                            .map_err(|e| e.kind().to_string())
                    })
                    .map_err(|why| {
                        invalid(project.error_in(
                            "project.license-files",
                            g,
                            format!("invalid license-files glob `{}`: {why}", g.value),
                        ))
                    })?;
                // A pattern without `*`, `?` or `[` names one path: no matcher to compile (a regex
                // per pattern, every build) and no scan of the whole tree.
                let literal = !g.value.contains(['*', '?', '[']);
                matchers.push((g, (!literal).then(|| glob.compile_matcher())));
            }
            for (g, m) in &matchers {
                let is_match = |rel: &str| m.as_ref().map_or(rel == g.value, |m| m.is_match(rel));
                let hits: Vec<(&String, &Cand)> = match m {
                    None => pool.get_key_value(&g.value).into_iter().collect(),
                    Some(m) => pool.iter().filter(|(rel, _)| m.is_match(rel)).collect(),
                };
                let any = !hits.is_empty();
                for (rel, cand) in hits {
                    out.insert(rel.clone(), entry(rel.clone(), rel, cand));
                }
                if !any {
                    let (_, disk) = ctx.disk()?;
                    let on_disk = disk.files.keys().chain(disk.errors.iter().map(|(rel, _)| rel));
                    let help = match on_disk.filter(|rel| is_match(rel)).min() {
                        Some(rel) if exclude.hits(rel) => format!(
                            "`{rel}` exists but is excluded by `exclude` in `[tool.cartwheel]`; \
                             PEP 639 requires every pattern to match"
                        ),
                        Some(rel) if origin == Origin::Git => {
                            format!("`{rel}` exists but is not tracked by git: `git add {rel}`")
                        }
                        Some(rel) => format!(
                            "`{rel}` exists but is ignored (.gitignore or .git/info/exclude): \
                             stop ignoring it, or add it to `include` in `[tool.cartwheel]`"
                        ),
                        None => "PEP 639 requires every pattern to match; fix or remove it".to_string(),
                    };
                    return Err(invalid(
                        project
                            .error_in(
                                "project.license-files",
                                g,
                                format!("license-files glob `{}` matches no file", g.value),
                            )
                            .help(help),
                    ));
                }
            }
        }
        None => {
            for (rel, cand) in pool {
                if !rel.contains('/') && is_conventional_license(rel) {
                    out.insert(rel.clone(), entry(rel.clone(), rel, cand));
                }
            }
        }
    }
    Ok(out.into_values().collect())
}

/// `LICEN[CS]E*`, `COPYING*`, `NOTICE*`, `AUTHORS*`, case-sensitive as hatchling and
/// setuptools match them (Python's `glob` on POSIX), so `license.txt` is not picked up.
fn is_conventional_license(name: &str) -> bool {
    ["LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS"].iter().any(|p| name.starts_with(p))
}

/// PEP 639 glob syntax: anything else is invalid and must be refused.
fn check_license_glob(glob: &str) -> Result<(), String> {
    if glob.starts_with('/') {
        return Err("patterns are relative to the project: no leading `/`".into());
    }
    if glob.contains('\\') {
        return Err("use `/` as the path separator".into());
    }
    if glob.split('/').any(|s| s == "..") {
        return Err("`..` is not allowed".into());
    }
    let verbatim = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ');
    let mut chars = glob.chars();
    while let Some(c) = chars.next() {
        match c {
            '[' => loop {
                match chars.next() {
                    Some(']') => break,
                    Some(c) if verbatim(c) => {}
                    Some(c) => return Err(format!("`{c}` is not allowed inside `[...]`")),
                    None => return Err("unclosed `[`".into()),
                }
            },
            '*' | '?' | '/' => {}
            c if verbatim(c) => {}
            c => return Err(format!("`{c}` is not allowed (PEP 639 glob syntax)")),
        }
    }
    Ok(())
}

/// Files that must not ship by accident: `.env` files (not their `.example`/`.sample`
/// templates), `.pypirc`, `.netrc`, SSH private keys (`id_rsa`, not `id_rsa.pub`), and `.pem`
/// / `.key` files only when they hold a private key: public CA bundles such as botocore's
/// `cacert.pem` are ordinary package data.
fn secret_kind(root: &Path, rel: &str) -> Option<Secret> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name == ".env" {
        return Some(Secret::Credentials);
    }
    if let Some(suffix) = name.strip_prefix(".env.") {
        let template = matches!(suffix, "example" | "sample" | "template" | "dist" | "defaults");
        return (!template).then_some(Secret::Credentials);
    }
    if name == ".pypirc" || name == ".netrc" {
        return Some(Secret::Credentials);
    }
    if ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"].iter().any(|k| name.starts_with(k)) {
        return (!name.ends_with(".pub")).then_some(Secret::PrivateKey);
    }
    if [".pem", ".key", ".p8"].iter().any(|ext| name.ends_with(ext)) {
        return holds_private_key(&root.join(rel)).then_some(Secret::PrivateKey);
    }
    None
}

/// What a file that looks like a secret holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Secret {
    /// `.env`, `.pypirc`, `.netrc`: never test data worth shipping.
    Credentials,
    /// A private key: real projects ship test keys (a `tests/keys/testkey.pem`) and lexer
    /// samples (an `examplefiles/.../id_ecdsa`).
    PrivateKey,
}

/// Whether `rel` lies under a test or example folder, where private keys are test data.
fn in_test_or_example_folder(rel: &str) -> bool {
    let mut folders = rel.split('/').rev().skip(1);
    folders.any(|f| {
        matches!(f, "tests" | "test" | "testdata" | "fixtures" | "examples") || f.contains("examplefiles")
    })
}

/// Whether packaging `rel` would be refused: credentials anywhere, private keys outside test
/// and example folders.
fn is_refused_secret(root: &Path, rel: &str) -> bool {
    match secret_kind(root, rel) {
        Some(Secret::Credentials) => true,
        Some(Secret::PrivateKey) => !in_test_or_example_folder(rel),
        None => false,
    }
}

/// A warning naming the private keys that are packaged because they lie under test or example
/// folders (and `include` does not name them).
fn warn_test_keys(project: &Project, rules: &Rules<'_>, rels: &[&str], warnings: &mut Vec<Diagnostic>) {
    let keys: std::collections::BTreeSet<&str> = rels
        .iter()
        .copied()
        .filter(|rel| {
            in_test_or_example_folder(rel) && !rules.include.hits(rel) && !rules.sdist_include.hits(rel)
        })
        .filter(|rel| secret_kind(&project.root, rel) == Some(Secret::PrivateKey))
        .collect();
    let Some(first) = keys.first() else { return };
    let list = keys.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
    warnings.push(
        Diagnostic::warning(format!(
            "packaging {list}: {}, taken as test data because {} under a test or example folder",
            if keys.len() == 1 { "it looks like a private key" } else { "they look like private keys" },
            if keys.len() == 1 { "it lies" } else { "they lie" }
        ))
        .at(&SourceFile::new(*first, ""), None)
        .help("if a key is real, remove it (and replace it); list test keys in `include` to say they are meant to ship"),
    );
}

/// Whether a PEM file holds a private key (`-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE KEY-----`).
fn holds_private_key(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    // Keys sit near the top of a bundle; 1 MiB bounds the read on a huge file.
    let read = std::fs::File::open(path).and_then(|f| f.take(1 << 20).read_to_end(&mut head));
    match read {
        Ok(_) => head.windows(16).any(|w| w == b"PRIVATE KEY-----"),
        // Unreadable: refuse rather than ship it unseen.
        Err(_) => true,
    }
}

/// One list of gitignore-style globs, remembering which glob ever matched.
struct Globs<'a> {
    key: &'static str,
    all: Gitignore,
    items: Vec<GlobItem<'a>>,
}

struct GlobItem<'a> {
    located: &'a Located<String>,
    matcher: Gitignore,
    negated: bool,
    used: Cell<bool>,
}

impl<'a> Globs<'a> {
    fn new(project: &Project, key: &'static str, list: &'a [Located<String>]) -> Result<Self, Error> {
        let bad = |g: &Located<String>, e: ignore::Error| {
            invalid(
                project
                    .error_at(format!("invalid `{key}` glob `{}`: {e}", g.value), g.span.clone())
                    .key(format!("tool.cartwheel.{key}")),
            )
        };
        let mut all = GitignoreBuilder::new(&project.root);
        let mut items = Vec::new();
        for g in list {
            all.add_line(None, &g.value).map_err(|e| bad(g, e))?;
            let mut one = GitignoreBuilder::new(&project.root);
            one.add_line(None, &g.value).map_err(|e| bad(g, e))?;
            items.push(GlobItem {
                located: g,
                matcher: one.build().map_err(|e| bad(g, e))?,
                negated: g.value.trim_start().starts_with('!'),
                used: Cell::new(false),
            });
        }
        let all = all.build().map_err(|e| match list.first() {
            Some(g) => bad(g, e),
            None => invalid(Diagnostic::error(e.to_string())),
        })?;
        Ok(Self { key, all, items })
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether the path (or a folder above it) is matched, without recording use.
    fn hits(&self, rel: &str) -> bool {
        !self.items.is_empty() && self.all.matched_path_or_any_parents(rel, false).is_ignore()
    }

    /// Whether the path is matched, recording which globs were used.
    fn matches(&self, rel: &str) -> bool {
        let hit = self.hits(rel);
        if hit {
            self.mark(rel);
        }
        hit
    }

    /// Whether the folder, or every file in it, is matched (`vendor/` and `vendor/**` alike).
    fn dir_hits(&self, dir: &str) -> bool {
        !self.items.is_empty()
            && (self.all.matched_path_or_any_parents(dir, true).is_ignore() || self.hits(&format!("{dir}/_")))
    }

    /// The glob deciding that `rel` is matched: the last one matching it, as in gitignore.
    fn culprit(&self, rel: &str) -> Option<usize> {
        self.items.iter().rposition(|i| i.matcher.matched_path_or_any_parents(rel, false).is_ignore())
    }

    /// Record every glob matching `rel`, whatever the verdict of the whole list.
    fn mark(&self, rel: &str) {
        for item in self.items.iter().filter(|i| !i.used.get() && !i.negated) {
            if item.matcher.matched_path_or_any_parents(rel, false).is_ignore() {
                item.used.set(true);
            }
        }
    }

    fn unused(&self) -> impl Iterator<Item = &GlobItem<'a>> {
        self.items.iter().filter(|i| !i.used.get() && !i.negated)
    }
}

/// The leading folders of a glob that hold no wildcard (`build/gen/*.js` → `build/gen`).
fn literal_prefix(glob: &str) -> Option<String> {
    let g = glob.trim();
    if g.starts_with('!') {
        return None;
    }
    let parts: Vec<&str> = g
        .trim_start_matches('/')
        .split('/')
        .take_while(|s| !s.is_empty() && !s.contains(['*', '?', '[', '\\']))
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A user-written project-relative path, `/`-separated without `.` parts (`""` = the root);
/// `None` when it is absolute or climbs out with `..`.
pub(crate) fn normalize_rel(path: &str) -> Option<String> {
    let path = path.trim().replace('\\', "/");
    if path.starts_with('/') || path.get(1..2) == Some(":") {
        return None;
    }
    let mut parts = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn strip_dir<'p>(rel: &'p str, dir: &str) -> &'p str {
    if dir.is_empty() {
        return rel;
    }
    rel.strip_prefix(dir).and_then(|r| r.strip_prefix('/')).unwrap_or(rel)
}

fn entry(archive_path: String, rel: &str, cand: &Cand) -> FileEntry {
    FileEntry {
        archive_path,
        rel_path: rel.to_string(),
        source: cand.source.clone(),
        executable: cand.executable,
        size: cand.size,
    }
}

fn non_utf8(lossy: &str) -> Error {
    invalid(
        Diagnostic::error(format!("file name is not valid UTF-8: `{lossy}`"))
            .at(&SourceFile::new(lossy, ""), None)
            .help("rename the file (wheels and sdists store UTF-8 names), or add it to `exclude` in `[tool.cartwheel]`"),
    )
}

fn invalid(d: Diagnostic) -> Error {
    Error::Invalid(Box::new(d))
}
