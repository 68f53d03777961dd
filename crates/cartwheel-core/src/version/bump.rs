//! `cartwheel bump`: the next version by PEP 440 rules, and every edit that records it
//! (the version source, the stamp targets, the changelog), written all or nothing.
//!
//! `major`, `minor` and `patch` of a pre- or dev release whose lower numbers are zero release
//! it, as the semver crate does (`2.0.0rc1` major → `2.0.0`); otherwise they increment that
//! number and zero the ones after it. `alpha`, `beta`, `rc` continue the current pre-release
//! or start one on the next patch (`pre` continues whichever is current); `dev` continues or starts a dev release of the next
//! version; `post` follows a final release (or continues a post-release); `release` drops the
//! pre and dev segments (and a pre-release's post segment).

use std::path::Path;
use std::str::FromStr;

use pep440_rs::{Prerelease, PrereleaseKind, Version};

use super::source::{module_file, read_file_source};
use super::stamp::{self, find_assignment, unified_diff};
use super::transaction::{self, FileEdit};
use super::Error;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::discover::{self, Selection};
use crate::git::{self, Outcome};
use crate::project::{Project, VersionSource};

/// What to bump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// X in X.Y.Z.
    Major,
    /// Y in X.Y.Z.
    Minor,
    /// Z in X.Y.Z.
    Patch,
    /// A pre-release of the given kind.
    Pre(PrereleaseKind),
    /// The next number of the current pre-release, whatever its kind.
    NextPre,
    /// `.postN`.
    Post,
    /// `.devN`.
    Dev,
    /// Drop the pre and dev segments.
    Release,
    /// This exact version.
    Exact(Version),
}

/// The words `cartwheel bump` takes.
pub const PARTS: &str = "major, minor, patch, alpha, beta, rc, pre, post, dev, release";

impl FromStr for Part {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "major" => Part::Major,
            "minor" => Part::Minor,
            "patch" => Part::Patch,
            "alpha" => Part::Pre(PrereleaseKind::Alpha),
            "beta" => Part::Pre(PrereleaseKind::Beta),
            "rc" => Part::Pre(PrereleaseKind::Rc),
            "pre" => Part::NextPre,
            "post" => Part::Post,
            "dev" => Part::Dev,
            "release" => Part::Release,
            other => Part::Exact(Version::from_str(other).map_err(|e| {
                format!("`{other}` is neither a part to bump ({PARTS}) nor a PEP 440 version: {e}")
            })?),
        })
    }
}

/// `release` padded with zeros to at least `len` numbers.
fn padded(v: &Version, len: usize) -> Vec<u64> {
    let mut r = v.release().to_vec();
    r.resize(r.len().max(len), 0);
    r
}

/// `v`'s epoch with `release` and nothing else.
fn final_of(v: &Version, release: Vec<u64>) -> Version {
    Version::new(release).with_epoch(v.epoch())
}

/// `n + 1`; a number already at the top of the range is an error, not a wrap to 0.
fn one_up(n: u64) -> Result<u64, Error> {
    n.checked_add(1)
        .ok_or_else(|| Diagnostic::error(format!("the version number {n} cannot be incremented")).into())
}

/// Increment release number `i` (0-based) and zero the ones after it.
fn increment(v: &Version, i: usize) -> Result<Version, Error> {
    let mut r = padded(v, i + 1);
    r[i] = one_up(r[i])?;
    r[i + 1..].iter_mut().for_each(|n| *n = 0);
    Ok(final_of(v, r))
}

fn pre(kind: PrereleaseKind, number: u64) -> Option<Prerelease> {
    Some(Prerelease { kind, number })
}

/// The version after `current` for `part`; going backwards (or nowhere) is an error unless
/// `allow_downgrade`.
pub fn next(current: &Version, part: &Part, allow_downgrade: bool) -> Result<Version, Error> {
    let cur = current.clone().without_local();
    let unreleased = cur.is_pre() || cur.is_dev();
    let zero_after = |i: usize| cur.release().iter().skip(i).all(|&n| n == 0);
    let new = match part {
        Part::Major if unreleased && zero_after(1) && !cur.is_post() => {
            final_of(&cur, cur.release().to_vec())
        }
        Part::Minor if unreleased && zero_after(2) && !cur.is_post() => final_of(&cur, padded(&cur, 2)),
        Part::Patch if unreleased && zero_after(3) && !cur.is_post() => final_of(&cur, padded(&cur, 3)),
        Part::Major => increment(&cur, 0)?,
        Part::Minor => increment(&cur, 1)?,
        Part::Patch => increment(&cur, 2)?,
        Part::Pre(kind) => match cur.pre() {
            // `1.0rc1.dev2` rc → `1.0rc1`: the dev releases led up to it. `1.0rc1.post1.dev2`
            // is past `1.0rc1`, so it continues with `1.0rc2` like any other.
            Some(p) if p.kind == *kind && cur.is_dev() && !cur.is_post() => cur.clone().with_dev(None),
            Some(p) if p.kind == *kind => {
                final_of(&cur, cur.release().to_vec()).with_pre(pre(p.kind, one_up(p.number)?))
            }
            Some(_) => final_of(&cur, cur.release().to_vec()).with_pre(pre(*kind, 1)),
            None if cur.is_dev() && !cur.is_post() => {
                final_of(&cur, cur.release().to_vec()).with_pre(pre(*kind, 1))
            }
            None => increment(&cur, 2)?.with_pre(pre(*kind, 1)),
        },
        Part::NextPre => match cur.pre() {
            Some(p) => return next(current, &Part::Pre(p.kind), allow_downgrade),
            None => {
                return Err(Diagnostic::error(format!(
                    "{cur} is not a pre-release, so `pre` has nothing to continue"
                ))
                .help("start one with `alpha`, `beta` or `rc`")
                .into())
            }
        },
        Part::Post => {
            // A post-release of a pre-release (`1.0rc1.post1`) continues; otherwise only a
            // final release takes one.
            if !cur.is_post() && (cur.is_pre() || cur.is_dev()) {
                return Err(Diagnostic::error(format!(
                    "{cur} is not a final release, so it cannot have a post-release"
                ))
                .help("`cartwheel bump release` first, or bump `dev`")
                .into());
            }
            match (cur.post(), cur.dev()) {
                (Some(_), Some(_)) => cur.clone().with_dev(None),
                (Some(n), None) => cur.clone().with_post(Some(one_up(n)?)),
                _ => cur.clone().with_post(Some(1)),
            }
        }
        Part::Dev => match (cur.dev(), cur.pre(), cur.post()) {
            (Some(n), ..) => cur.clone().with_dev(Some(one_up(n)?)),
            (None, _, Some(n)) => cur.clone().with_post(Some(one_up(n)?)).with_dev(Some(1)),
            (None, Some(p), None) => final_of(&cur, cur.release().to_vec())
                .with_pre(pre(p.kind, one_up(p.number)?))
                .with_dev(Some(1)),
            (None, None, None) => increment(&cur, 2)?.with_dev(Some(1)),
        },
        Part::Release => {
            if !unreleased {
                return Err(Diagnostic::error(format!("{cur} is already a final release"))
                    .help("bump `major`, `minor` or `patch` for the next one")
                    .into());
            }
            // A pre-release's post-releases (`1.0rc1.post1`) belong to it, not to the release.
            let post = if cur.is_pre() { None } else { cur.post() };
            cur.clone().with_pre(None).with_post(post).with_dev(None)
        }
        Part::Exact(v) => v.clone(),
    };
    // Dropping a local label (`1.1+abc` → `1.1`) is a move, though not upwards.
    if new == *current {
        return Err(Diagnostic::error(format!("the version is already {current}")).into());
    }
    if new < cur && !allow_downgrade {
        return Err(Diagnostic::error(format!("{new} is lower than the current version {cur}"))
            .help("bumping goes forwards; pass `--allow-downgrade` to go back on purpose")
            .into());
    }
    Ok(new)
}

/// What `cartwheel bump` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The part or version.
    pub part: Part,
    /// Allow a lower version.
    pub allow_downgrade: bool,
    /// Print the diffs, write nothing.
    pub dry_run: bool,
    /// Leave the changelog alone.
    pub no_changelog: bool,
    /// `git commit` the edits.
    pub commit: bool,
    /// Create the annotated release tag, named like the nearest one (`vX.Y.Z` by default),
    /// committing the edits first.
    pub tag: bool,
}

/// One file `bump` rewrites.
#[derive(Debug, Clone)]
pub struct Edit {
    /// Project-relative path, `/` separated.
    pub rel: String,
    /// Text now.
    pub old: String,
    /// Text after the bump.
    pub new: String,
}

/// The bump, planned: versions, edits (in write order) and the tag to create.
#[derive(Debug)]
pub struct Plan {
    /// The version before; `None` for a git project's first release (no tag yet).
    pub old: Option<Version>,
    /// The version after.
    pub new: Version,
    /// Files to rewrite.
    pub edits: Vec<Edit>,
    /// Tag to create, when asked.
    pub tag: Option<String>,
}

impl Plan {
    /// `old → new` (the old version's local label dropped unless `local`), or
    /// `new (first release)` when there was no version before.
    pub fn change(&self, local: bool) -> String {
        match &self.old {
            Some(old) if local => format!("{old} → {}", self.new),
            Some(old) => format!("{} → {}", old.clone().without_local(), self.new),
            None => format!("{} (first release)", self.new),
        }
    }

    /// Unified diffs of every edit.
    pub fn diff(&self) -> String {
        self.edits.iter().map(|e| unified_diff(&e.rel, &e.old, &e.new)).collect()
    }
}

/// The edits so far, by path; a file edited twice (a module that is both the version source
/// and a stamp target) gets both.
struct Edits<'p> {
    project: &'p Project,
    edits: Vec<Edit>,
}

impl Edits<'_> {
    fn text(&self, rel: &str) -> Result<String, Error> {
        match self.edits.iter().find(|e| e.rel == rel) {
            Some(e) => Ok(e.new.clone()),
            None => stamp::read_rel(self.project, rel),
        }
    }

    fn set(&mut self, rel: &str, new: String) -> Result<(), Error> {
        match self.edits.iter_mut().find(|e| e.rel == rel) {
            Some(e) => e.new = new,
            None => {
                let old = stamp::read_rel(self.project, rel)?;
                self.edits.push(Edit { rel: rel.to_string(), old, new });
            }
        }
        Ok(())
    }
}

/// `project.version`'s string in pyproject.toml set to `new`, every other byte kept: the
/// value is found with toml_edit and only the text between its quotes replaced, so quoting
/// style, comments, layout and line endings stay as written.
pub fn set_pyproject_version(project: &Project, text: &str, new: &str) -> Result<String, Error> {
    let doc = toml_edit::Document::parse(text)
        .map_err(|e| Diagnostic::error(format!("cannot parse pyproject.toml: {e}")))?;
    let item = doc.get("project").and_then(|p| p.get("version"));
    let span = item
        .and_then(|i| i.span())
        .ok_or_else(|| project.error_at("`project.version` is missing", None).key("project.version"))?;
    let raw = &text[span.clone()];
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| raw.starts_with(q) && raw.ends_with(q) && raw.len() >= 2 * q.len());
    let mut out = text.to_string();
    match quote {
        // The written text is the value (no escapes): replace just that.
        Some(q) if item.and_then(|i| i.as_str()) == Some(&raw[q.len()..raw.len() - q.len()]) => {
            out.replace_range(span.start + q.len()..span.end - q.len(), new)
        }
        _ => out.replace_range(span, &format!("\"{new}\"")),
    }
    // The edit must read back as exactly the new version before anything is written.
    let back = toml_edit::Document::parse(out.as_str()).ok();
    if back.as_ref().and_then(|d| d.get("project")?.get("version")?.as_str().map(str::to_string)).as_deref()
        != Some(new)
    {
        return Err(Diagnostic::error("cannot set `project.version` in pyproject.toml without rewriting it")
            .help("set the version by hand")
            .into());
    }
    Ok(out)
}

/// Plan the bump of the project at `project.root`.
pub fn plan(
    project: &Project,
    selection: &Selection,
    opts: &Options,
    date: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Plan, Error> {
    let old = match (&project.tool.version.source, &opts.part) {
        // Before a git project's first tag there is no current version, only the one asked for.
        (VersionSource::Git { tag_pattern, .. }, Part::Exact(_)) => {
            super::git::describe(project, tag_pattern.as_ref(), warnings)?.map(|g| g.version)
        }
        _ => Some(super::resolve(project, selection, warnings)?.version.value),
    };
    let new = match (&old, &opts.part) {
        (Some(old), part) => next(old, part, opts.allow_downgrade)?,
        (None, Part::Exact(v)) => v.clone(),
        (None, _) => unreachable!("only an exact version is planned without a current one"),
    };
    let text = new.to_string();
    let mut edits = Edits { project, edits: Vec::new() };
    match &project.tool.version.source {
        VersionSource::Pyproject => {
            let current = edits.text("pyproject.toml")?;
            edits.set("pyproject.toml", set_pyproject_version(project, &current, &text)?)?;
        }
        VersionSource::Module => {
            let rel = module_file(project, selection)?;
            let mut current = edits.text(&rel)?;
            let found = find_assignment(&current).expect("resolve read a literal");
            current.replace_range(found.span, &text);
            edits.set(&rel, current)?;
        }
        VersionSource::File { path, pattern } => {
            let (_, file, span) = read_file_source(project, path, pattern.as_ref())?;
            let mut current = file.text.to_string();
            current.replace_range(span, &text);
            edits.set(&path.value, current)?;
        }
        VersionSource::Git { .. } => {}
    }
    let stamps = {
        let mut read = |rel: &str| edits.text(rel);
        stamp::plan(project, selection, &new, &mut read)?
    };
    for s in stamps {
        edits.set(&s.path, s.new)?;
    }
    if !opts.no_changelog {
        if let Some(rel) = changelog_path(project)? {
            let current = edits.text(&rel)?;
            let file = SourceFile::new(super::shown_path(project, &rel), current.as_str());
            let released = crate::changelog::release(&file, &text, date, warnings)?;
            edits.set(&rel, released)?;
        }
    }
    let tag = if opts.tag {
        let tag_pattern = match &project.tool.version.source {
            VersionSource::Git { tag_pattern, .. } => tag_pattern.as_ref(),
            _ => None,
        };
        Some(super::git::tag_name(project, tag_pattern, &new)?)
    } else {
        None
    };
    edits.edits.retain(|e| e.old != e.new);
    Ok(Plan { old, new, edits: edits.edits, tag })
}

/// The changelog to update: `changelog` from the config (which must exist), else
/// CHANGELOG.md when present.
pub fn changelog_path(project: &Project) -> Result<Option<String>, Error> {
    const KEY: &str = "tool.cartwheel.version.changelog";
    match &project.tool.version.changelog {
        Some(c) if project.root.join(&c.value).is_file() => {
            match crate::spelling::spelling(&project.root, &c.value).differs("changelog", &c.value) {
                Some((message, help)) => Err(project.error_in(KEY, c, message).help(help).into()),
                None => Ok(Some(c.value.clone())),
            }
        }
        Some(c) => {
            let help =
                crate::spelling::spelling(&project.root, &c.value).missing_help().unwrap_or_else(|| {
                    "create it (Keep a Changelog layout), fix the path, or pass `--no-changelog`".to_string()
                });
            Err(project.error_in(KEY, c, format!("changelog `{}` does not exist", c.value)).help(help).into())
        }
        None => Ok(project.root.join("CHANGELOG.md").is_file().then(|| "CHANGELOG.md".to_string())),
    }
}

/// `git` in `root`, as an error when it fails.
fn git_ok(root: &Path, args: &[&str]) -> Result<String, Error> {
    match git::run(root, args) {
        Outcome::Ok(s) => Ok(s),
        // git's words go in the help, whole and as git wrote them: they are often several
        // lines, and the message goes on to say what became of the bump.
        Outcome::Failed(msg) => {
            let d = Diagnostic::error(format!("`{}` failed", git::command_line(args)));
            let said = msg.trim_end();
            Err(if said.is_empty() { d } else { d.help(format!("git said:\n{said}")) }.into())
        }
        Outcome::Missing(e) => Err(Diagnostic::error(format!("cannot run git: {e}")).into()),
    }
}

/// `--commit` / `--tag` need a git work tree without uncommitted changes and a free tag name.
fn check_git(root: &Path, tag: Option<&str>) -> Result<(), Error> {
    if !matches!(git::run(root, &["rev-parse", "--show-toplevel"]), Outcome::Ok(_)) {
        return Err(Diagnostic::error(format!(
            "`--commit` and `--tag` need a git repository; `{}` is not in one",
            root.display()
        ))
        .into());
    }
    let status = git_ok(root, &["--no-optional-locks", "status", "--porcelain", "--untracked-files=no"])?;
    if !status.is_empty() {
        return Err(Diagnostic::error(
            "the work tree has uncommitted changes; `--commit` and `--tag` record only the bump",
        )
        .help(format!("commit or stash them first:\n{status}"))
        .into());
    }
    if let Some(t) = tag {
        if matches!(
            git::run(root, &["rev-parse", "-q", "--verify", &format!("refs/tags/{t}")]),
            Outcome::Ok(_)
        ) {
            return Err(Diagnostic::error(format!("tag `{t}` already exists")).into());
        }
    }
    Ok(())
}

/// `git add` the edited files and commit them.
fn commit_files(root: &Path, files: &[FileEdit], message: &str) -> Result<(), Error> {
    let mut add = vec!["add".to_string(), "--".to_string()];
    // A symlink's own blob did not change: the file it points to did.
    for f in files {
        add.push(transaction::real_path(&f.path)?.display().to_string());
    }
    git_ok(root, &add.iter().map(String::as_str).collect::<Vec<_>>())?;
    git_ok(root, &["commit", "-q", "-m", message])?;
    Ok(())
}

/// After a failed `--commit` (a hook said no, no committer identity): the files and the index
/// as they were, so the failure leaves nothing half-done; the error says whether that worked.
fn undo(root: &Path, files: &[FileEdit], cause: Error) -> Diagnostic {
    let back: Vec<FileEdit> = files
        .iter()
        .map(|f| FileEdit { path: f.path.clone(), old: f.new.clone(), new: f.old.clone() })
        .collect();
    let mut reset = vec!["reset".to_string(), "-q".to_string(), "--".to_string()];
    reset.extend(
        files.iter().map(|f| {
            transaction::real_path(&f.path).unwrap_or_else(|_| f.path.clone()).display().to_string()
        }),
    );
    let restored = transaction::apply(&back).is_ok()
        && matches!(git::run(root, &reset.iter().map(String::as_str).collect::<Vec<_>>()), Outcome::Ok(_));
    let d = cause.diagnostic();
    let state = if restored {
        "the bump was undone: no file was changed".to_string()
    } else {
        let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
        format!("the bump could not be undone; these files hold the new version: {}", names.join(", "))
    };
    Diagnostic { message: format!("{}; {state}", d.message), ..d }
}

/// What a bump did.
#[derive(Debug)]
pub struct Bumped {
    /// The plan carried out (or, for a dry run, not).
    pub plan: Plan,
    /// The commit was made.
    pub committed: bool,
    /// The version comes from git tags (and no tag was asked for, nothing records it yet).
    pub git_source: bool,
}

/// Run `cartwheel bump` on the project at `project_dir`.
pub fn run(project_dir: &Path, opts: &Options, warnings: &mut Vec<Diagnostic>) -> crate::Result<Bumped> {
    super::finish_interrupted_bump(project_dir, warnings)?;
    let project = crate::pyproject::load(project_dir, warnings)?;
    let selection = discover::select(&project, warnings)?;
    let date = crate::changelog::today().map_err(Error::from)?;
    let plan = plan(&project, &selection, opts, &date, warnings)?;
    let root = &project.root;
    let commit = opts.commit || (opts.tag && !plan.edits.is_empty());
    let git_source = matches!(project.tool.version.source, VersionSource::Git { .. });
    // Before a dry run returns too: it must not promise a bump the real run refuses.
    if commit || opts.tag {
        check_git(root, plan.tag.as_deref())?;
    }
    if opts.dry_run {
        return Ok(Bumped { plan, committed: false, git_source });
    }
    let files: Vec<FileEdit> = plan
        .edits
        .iter()
        .map(|e| FileEdit {
            path: root.join(&e.rel),
            old: e.old.clone().into_bytes(),
            new: e.new.clone().into_bytes(),
        })
        .collect();
    transaction::apply_recorded(project_dir, &plan.change(false), &files).map_err(Error::from)?;
    if commit && !plan.edits.is_empty() {
        let message = format!("Bump version: {}", plan.change(false));
        if let Err(e) = commit_files(root, &files, &message) {
            return Err(undo(root, &files, e).into());
        }
    }
    let committed = commit && !plan.edits.is_empty();
    if let Some(t) = &plan.tag {
        let message = format!("Release {}", plan.new);
        let args = ["tag", "-a", t.as_str(), "-m", message.as_str()];
        git_ok(root, &args).map_err(|e| {
            // The files are written (and committed): the user must know only the tag is missing.
            let d = e.diagnostic();
            let state = if committed { "the bump is committed" } else { "the files are as they were" };
            let retry = format!("once that is fixed, tag it: `{}`", git::command_line(&args));
            let help = Some(d.help.map_or(retry.clone(), |h| format!("{h}\n{retry}")));
            Diagnostic {
                message: format!("{}; {state}, only the tag `{t}` is missing", d.message),
                help,
                ..d
            }
        })?;
    }
    Ok(Bumped { plan, committed, git_source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_git_failure_shows_the_command_and_what_git_said() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let git = |args: &[&str]| git_ok(root, args).map_err(|e| e.diagnostic().to_string());
        git(&["init", "-q"]).unwrap();
        // Silent: no help to add.
        assert_eq!(
            git(&["rev-parse", "--verify", "-q", "no such"]).unwrap_err(),
            "error: `git rev-parse --verify -q 'no such'` failed"
        );
        let said = git(&["tag", "-a", "v1", "-m", "Release 1"]).unwrap_err();
        let (head, rest) = said.split_once('\n').unwrap();
        assert_eq!(head, "error: `git tag -a v1 -m 'Release 1'` failed");
        // git's words (they vary by version) follow, under the help's first line.
        assert!(rest.starts_with("  = help: git said:\n          "), "{said}");
    }

    fn bump(from: &str, part: &str) -> Result<String, String> {
        let v = Version::from_str(from).unwrap();
        let p: Part = part.parse()?;
        next(&v, &p, false).map(|v| v.to_string()).map_err(|e| e.diagnostic().message)
    }

    #[test]
    fn bumps() {
        for (from, part, to) in [
            ("0.1.16", "minor", "0.2.0"),
            ("0.2.0", "rc", "0.2.1rc1"),
            ("0.2.1rc1", "rc", "0.2.1rc2"),
            ("0.2.1rc2", "release", "0.2.1"),
            ("1.2.3", "major", "2.0.0"),
            ("1.2.3", "post", "1.2.3.post1"),
            ("1.2.3", "dev", "1.2.4.dev1"),
            ("1.2.3", "patch", "1.2.4"),
            ("1.2", "patch", "1.2.1"),
            ("1.2", "minor", "1.3"),
            ("1", "major", "2"),
            ("1.2.3.4", "minor", "1.3.0.0"),
            ("2.0.0rc1", "major", "2.0.0"),
            ("2.1.0rc1", "major", "3.0.0"),
            ("1.3.0b2", "minor", "1.3.0"),
            ("1.2.4.dev3", "patch", "1.2.4"),
            ("1.2.4.dev3", "minor", "1.3.0"),
            ("1.2.3.post1", "patch", "1.2.4"),
            ("1.0a2", "beta", "1.0b1"),
            ("1.0a2", "pre", "1.0a3"),
            ("1.0rc1.dev2", "pre", "1.0rc1"),
            ("1.0rc1.dev2", "rc", "1.0rc1"),
            ("1.2.4.dev1", "alpha", "1.2.4a1"),
            ("1.2.3.post1", "post", "1.2.3.post2"),
            ("1.2.3.post1.dev1", "post", "1.2.3.post1"),
            ("1.2.4.dev1", "dev", "1.2.4.dev2"),
            ("1.0rc1", "dev", "1.0rc2.dev1"),
            ("1.2.3.post1", "dev", "1.2.3.post2.dev1"),
            ("1.0rc1.dev2", "release", "1.0"),
            ("1!1.2.3", "minor", "1!1.3.0"),
            // Post-releases of pre-releases.
            ("1.0rc1.post1", "release", "1.0"),
            ("1.2.3rc1.post2.dev3", "release", "1.2.3"),
            ("1.0.post1.dev1", "release", "1.0.post1"),
            ("1.2.3rc1.post2.dev3", "rc", "1.2.3rc2"),
            ("1.2.3rc1.post2.dev3", "pre", "1.2.3rc2"),
            ("1.0rc1.post1", "post", "1.0rc1.post2"),
            ("1.0rc1.post1.dev1", "post", "1.0rc1.post1"),
            ("1.0rc1.post1", "dev", "1.0rc1.post2.dev1"),
            ("1.2.3+local", "patch", "1.2.4"),
            ("1.2.3", "1.4.0", "1.4.0"),
            ("1.2.3", "2.0.0-rc.1", "2.0.0rc1"),
        ] {
            assert_eq!(bump(from, part).as_deref(), Ok(to), "{from} {part}");
        }
        let e = bump("0.2.1rc2", "beta").unwrap_err();
        assert_eq!(e, "0.2.1b1 is lower than the current version 0.2.1rc2");
    }

    #[test]
    fn refusals() {
        assert_eq!(bump("1.2.3", "release").unwrap_err(), "1.2.3 is already a final release");
        assert_eq!(bump("1.2.3", "1.2.3").unwrap_err(), "the version is already 1.2.3");
        assert_eq!(bump("1.1+abc", "1.1").as_deref(), Ok("1.1"));
        assert_eq!(bump("1.1+abc", "1.1+abc").unwrap_err(), "the version is already 1.1+abc");
        assert_eq!(bump("1.1+abc", "1.0").unwrap_err(), "1.0 is lower than the current version 1.1");
        assert_eq!(bump("1.2.3", "1.0").unwrap_err(), "1.0 is lower than the current version 1.2.3");
        assert_eq!(
            bump("1.0rc1", "post").unwrap_err(),
            "1.0rc1 is not a final release, so it cannot have a post-release"
        );
        assert_eq!(
            bump("1.0", "pre").unwrap_err(),
            "1.0 is not a pre-release, so `pre` has nothing to continue"
        );
        let max = u64::MAX;
        for (from, part) in
            [(format!("{max}"), "major"), (format!("1.0rc{max}"), "rc"), (format!("1.0.dev{max}"), "dev")]
        {
            assert_eq!(
                bump(&from, part).unwrap_err(),
                format!("the version number {max} cannot be incremented"),
                "{from} {part}"
            );
        }
        assert!(bump("1.0", "bogus")
            .unwrap_err()
            .starts_with("`bogus` is neither a part to bump (major, minor"));
        let v = Version::from_str("1.2.3").unwrap();
        assert_eq!(next(&v, &"1.0".parse().unwrap(), true).unwrap().to_string(), "1.0");
        assert_eq!(
            next(&Version::from_str("0.2.1rc2").unwrap(), &"beta".parse().unwrap(), true)
                .unwrap()
                .to_string(),
            "0.2.1b1"
        );
    }
}
