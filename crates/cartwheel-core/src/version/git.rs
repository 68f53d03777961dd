//! source = "git": the newest tag reachable from HEAD, read with the `git` command.
//!
//! On the tag itself the version is the tag's; past it, the next patch's dev release counting
//! the commits since, with the commit in the local label (`1.2.3` + 4 commits →
//! `1.2.4.dev4+gabc1234`); uncommitted changes to tracked files add `dirty` to the local label
//! (`1.2.3+dirty`, `1.2.4.dev4+gabc1234.dirty`). An unpacked sdist (PKG-INFO at the root, no
//! git history of its own) carries the version it was made with.

use std::ops::Range;
use std::str::FromStr;

use pep440_rs::{LocalSegment, Prerelease, Version};
use regex::Regex;

use super::Error;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::git::{self, Outcome};
use crate::project::{Located, Project};

/// What `git describe --tags --long` printed: `<tag>-<distance>-g<hash>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Describe {
    /// The tag's name.
    pub tag: String,
    /// Commits from the tag to HEAD.
    pub distance: u64,
    /// Abbreviated commit hash of HEAD.
    pub hash: String,
}

/// Parse `git describe --long` output; tags may themselves hold `-`.
pub fn parse_describe(out: &str) -> Option<Describe> {
    let mut parts = out.trim().rsplitn(3, '-');
    let hash = parts.next()?.strip_prefix('g')?;
    let distance = parts.next()?.parse().ok()?;
    let tag = parts.next()?;
    if tag.is_empty() || hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(Describe { tag: tag.to_string(), distance, hash: hash.to_string() })
}

/// The version of a tree `distance` commits past a tag at `tagged`.
pub fn version_at(tagged: &Version, d: &Describe, dirty: bool) -> Version {
    if d.distance == 0 {
        return if dirty {
            tagged.clone().with_local(vec![LocalSegment::String("dirty".into())])
        } else {
            tagged.clone()
        };
    }
    let mut local = vec![LocalSegment::String(format!("g{}", d.hash))];
    if dirty {
        local.push(LocalSegment::String("dirty".into()));
    }
    // Past a dev tag (`1.0.dev5`) the count continues from its number, so the version still
    // goes up (`1.0.dev7`, not `1.0.dev2`).
    let dev = tagged.dev().map_or(d.distance, |n| n.saturating_add(d.distance));
    next_after(tagged).with_dev(Some(dev)).with_local(local)
}

/// The release that follows `v` (whose dev releases the commits past its tag are): the next
/// pre-release or post-release number when `v` is one, else the next patch.
fn next_after(v: &Version) -> Version {
    let v = v.clone().without_local();
    if v.is_dev() {
        return v;
    }
    if let Some(post) = v.post() {
        return v.with_post(Some(post.saturating_add(1)));
    }
    if let Some(pre) = v.pre() {
        return v.with_pre(Some(Prerelease { kind: pre.kind, number: pre.number.saturating_add(1) }));
    }
    let mut release = v.release().to_vec();
    release.resize(release.len().max(3), 0);
    release[2] = release[2].saturating_add(1);
    release.truncate(3);
    v.with_release(release)
}

/// A tag name's version text: the pattern's `version` group, else the tag minus a leading `v`
/// (a pattern without the group only chooses the tags).
fn tag_version_text<'t>(tag: &'t str, pattern: Option<&Regex>) -> Option<&'t str> {
    tag_version_range(tag, pattern).map(|r| &tag[r])
}

/// Where in a tag name its version text is (see `tag_version_text`).
fn tag_version_range(tag: &str, pattern: Option<&Regex>) -> Option<Range<usize>> {
    let after_v = usize::from(tag.starts_with('v'))..tag.len();
    match pattern {
        Some(re) => Some(re.captures(tag)?.name("version").map_or(after_v, |m| m.range())),
        None => tag[after_v.clone()].starts_with(|c: char| c.is_ascii_digit()).then_some(after_v),
    }
}

/// The tag for release `version` in the project's style: the nearest release tag with its
/// version text replaced (`1.2.3` → `1.2.4`, `acme-v2.0` → `acme-v2.1`), else `v{version}`
/// (or `{version}` when only that matches the `tag-pattern`). A name the tag pattern would
/// not read back as `version` is an error at the pattern.
pub fn tag_name(
    project: &Project,
    tag_pattern: Option<&Located<String>>,
    version: &Version,
) -> Result<String, Error> {
    let pattern = tag_pattern.map(|p| Regex::new(&p.value).expect("tag-pattern validated in pyproject"));
    let text = version.to_string();
    let reads_back = |name: &str| tag_version_text(name, pattern.as_ref()) == Some(text.as_str());
    // Outside a repository there is no style to follow (and `--tag` is refused before use).
    let nearest = nearest_tag(project, tag_pattern, pattern.as_ref()).ok().flatten();
    let name = match nearest.and_then(|d| Some((tag_version_range(&d.tag, pattern.as_ref())?, d.tag))) {
        Some((r, tag)) => format!("{}{text}{}", &tag[..r.start], &tag[r.end..]),
        None => [format!("v{text}"), text.clone()]
            .into_iter()
            .find(|n| reads_back(n))
            .unwrap_or_else(|| format!("v{text}")),
    };
    match tag_pattern {
        Some(p) if !reads_back(&name) => Err(project
            .error_in(
                "tool.cartwheel.version.tag-pattern",
                p,
                format!("the new tag `{name}` would not match tag-pattern `{}` as version {text}", p.value),
            )
            .help(format!("tag the release yourself (`git tag -a <name> -m {text}`), or widen the pattern"))
            .into()),
        _ => Ok(name),
    }
}

/// `*?[\` are glob characters to `git describe --match`; a tag name is matched literally.
fn glob_escape(tag: &str) -> String {
    tag.chars().flat_map(|c| if "*?[\\".contains(c) { vec!['\\', c] } else { vec![c] }).collect()
}

/// What git says about the tree.
#[derive(Debug, Clone)]
pub struct GitVersion {
    /// The tree's version (what the artifacts carry).
    pub version: Version,
    /// The release the tree was last bumped to: the nearest tag's version (PKG-INFO's in an
    /// unpacked sdist, whose stamp targets are already stamped).
    pub release: Version,
    /// The nearest tag (none in an unpacked sdist).
    pub tag: Option<String>,
}

impl GitVersion {
    fn unpacked(version: Version) -> Self {
        Self { release: version.clone(), version, tag: None }
    }
}

/// Resolve the version from git (or from PKG-INFO in an unpacked sdist); `fallback` when git
/// cannot give one, with a warning saying why.
pub fn resolve(
    project: &Project,
    tag_pattern: Option<&Located<String>>,
    fallback: Option<&Located<Version>>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<GitVersion, Error> {
    let no_tag = || {
        let which = match tag_pattern {
            Some(p) => format!("matching tag-pattern `{}`", p.value),
            None => "named like `v1.2.3` or `1.2.3`".to_string(),
        };
        tag_config_error(
            project,
            tag_pattern,
            format!("version source \"git\": no tag {which} is reachable from HEAD"),
        )
        .help("tag the first release: `cartwheel bump 0.1.0 --tag`, or `git tag -a v0.1.0 -m v0.1.0`")
    };
    let why = match (lookup(project, tag_pattern, warnings)?, fallback) {
        (Lookup::Found(g), _) => return Ok(g),
        (Lookup::NoTag, None) => return Err(no_tag().into()),
        (Lookup::Unavailable(e), None) => return Err(e),
        (Lookup::NoTag, Some(_)) => no_tag().message,
        (Lookup::Unavailable(e), Some(_)) => e.diagnostic().message,
    };
    let fallback = fallback.expect("matched above");
    warnings.push(
        Diagnostic::warning(format!("{why}: the version is the fallback, {}", fallback.value))
            .at(&project.source, fallback.span.clone())
            .key("tool.cartwheel.version.fallback"),
    );
    Ok(GitVersion::unpacked(fallback.value.clone()))
}

/// What git said: a version, no release tag yet, or no answer at all (no git, no repository,
/// no commit, a shallow clone): the cases a fallback version stands in for.
enum Lookup {
    Found(GitVersion),
    NoTag,
    Unavailable(Error),
}

/// The version from git (or from PKG-INFO in an unpacked sdist); `None` when no release tag
/// is reachable from HEAD (a project before its first release).
pub fn describe(
    project: &Project,
    tag_pattern: Option<&Located<String>>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Option<GitVersion>, Error> {
    match lookup(project, tag_pattern, warnings)? {
        Lookup::Found(g) => Ok(Some(g)),
        Lookup::NoTag => Ok(None),
        Lookup::Unavailable(e) => Err(e),
    }
}

/// [`describe`], telling the repository's state (no answer at all) apart from a mistake in it
/// (a tag that is not a version is an error whatever the fallback).
fn lookup(
    project: &Project,
    tag_pattern: Option<&Located<String>>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Lookup, Error> {
    let unavailable = |d: Diagnostic| -> Result<Lookup, Error> { Ok(Lookup::Unavailable(d.into())) };
    let root = &project.root;
    let config_error = |msg: String| project.version_source_error(msg);
    let in_sdist = root.join("PKG-INFO").is_file();
    match git::run(root, &["rev-parse", "--show-toplevel"]) {
        Outcome::Missing(_) | Outcome::Failed(_) if in_sdist => {
            return from_pkg_info(project, warnings).map(|v| Lookup::Found(GitVersion::unpacked(v)))
        }
        Outcome::Missing(e) => {
            return unavailable(
                config_error(format!(
                    "version source \"git\" needs the `git` command, which cannot be run: {e}"
                ))
                .help("install git, or build from an sdist (it records the version in PKG-INFO)"),
            )
        }
        Outcome::Failed(msg) => {
            // git's own words, unless they only say the same thing again.
            let said = msg.lines().next().unwrap_or_default();
            let said = if said.starts_with("fatal: not a git repository") {
                String::new()
            } else {
                format!(" (git: {said})")
            };
            return unavailable(config_error(format!(
                "version source \"git\": `{}` is not in a git repository{said}",
                root.display()
            ))
            .help("build from the git checkout or from an sdist (which records the version in PKG-INFO); a tree copied without `.git` has no version")
            );
        }
        Outcome::Ok(_) => {}
    }
    // An sdist unpacked inside some other repository: its pyproject.toml is not tracked there.
    if in_sdist
        && matches!(git::run(root, &["ls-files", "--", "pyproject.toml"]), Outcome::Ok(s) if s.is_empty())
    {
        return from_pkg_info(project, warnings).map(|v| Lookup::Found(GitVersion::unpacked(v)));
    }
    if !matches!(git::run(root, &["rev-parse", "--verify", "-q", "HEAD"]), Outcome::Ok(_)) {
        return unavailable(
            config_error("version source \"git\": the repository has no commits yet".into())
                .help("commit and tag a first release: `git tag -a v0.1.0 -m v0.1.0`"),
        );
    }
    let shallow =
        matches!(git::run(root, &["rev-parse", "--is-shallow-repository"]), Outcome::Ok(s) if s == "true");
    let pattern = tag_pattern.map(|p| Regex::new(&p.value).expect("tag-pattern validated in pyproject"));
    let d = nearest_tag(project, tag_pattern, pattern.as_ref())?;
    // A shallow clone may hold no tag only because its history is cut off.
    if shallow && d.as_ref().is_none_or(|d| d.distance != 0) {
        return unavailable(config_error("version source \"git\": this is a shallow clone, so the commits since the newest tag cannot be counted".into())
                .help("fetch the whole history (`git fetch --unshallow --tags`; in GitHub Actions `fetch-depth: 0`), or build from an sdist"));
    }
    let Some(d) = d else { return Ok(Lookup::NoTag) };
    let text = tag_version_text(&d.tag, pattern.as_ref()).unwrap_or(&d.tag);
    let tagged = Version::from_str(text).map_err(|e| {
        let msg = format!("tag `{}` (the newest tag reachable from HEAD) is not a PEP 440 version: {e}", d.tag);
        tag_config_error(project, tag_pattern, msg).help("tag releases with PEP 440 versions (`v1.2.3`, `v1.3.0rc1`); `tag-pattern` (a regex with a `version` group) selects which tags count")
    })?;
    if tagged.to_string() != text {
        warnings.push(
            Diagnostic::warning(format!(
                "git tag `{}` is read as version `{tagged}` (PEP 440 normalisation)",
                d.tag
            ))
            .help(format!("the artifacts carry `{tagged}`; spell release tags that way (`v{tagged}`)")),
        );
    }
    let dirty = !run_ok(project, &["--no-optional-locks", "status", "--porcelain", "--untracked-files=no"])?
        .is_empty();
    let version = version_at(&tagged, &d, dirty);
    Ok(Lookup::Found(GitVersion { version, release: tagged.without_local(), tag: Some(d.tag) }))
}

/// An error about the tags: at `tag-pattern` when there is one, else at the source key.
fn tag_config_error(project: &Project, tag_pattern: Option<&Located<String>>, msg: String) -> Diagnostic {
    match tag_pattern {
        Some(p) => project.error_at(msg, p.span.clone()).key("tool.cartwheel.version.tag-pattern"),
        None => project.version_source_error(msg),
    }
}

/// `git ARGS` in the project's root; a failure is an error naming the command.
fn run_ok(project: &Project, args: &[&str]) -> Result<String, Error> {
    let fail = |why: String| -> Error {
        project.version_source_error(format!("`{}` failed: {why}", git::command_line(args))).into()
    };
    match git::run(&project.root, args) {
        Outcome::Ok(s) => Ok(s),
        Outcome::Failed(msg) => Err(fail(msg)),
        Outcome::Missing(e) => Err(fail(e.to_string())),
    }
}

/// The nearest tag that counts (as `git describe` measures it; on one commit, the highest
/// version), or none.
fn nearest_tag(
    project: &Project,
    tag_pattern: Option<&Located<String>>,
    pattern: Option<&Regex>,
) -> Result<Option<Describe>, Error> {
    let tags = run_ok(project, &["tag", "--merged", "HEAD"])?;
    let candidates: Vec<&str> =
        tags.lines().map(str::trim).filter(|t| tag_version_text(t, pattern).is_some()).collect();
    if candidates.is_empty() {
        return Ok(None);
    }
    // `--match` takes globs: each candidate, escaped, so a regex `tag-pattern` works too.
    let mut args: Vec<String> = ["describe", "--tags", "--long", "--abbrev=7"].map(String::from).to_vec();
    args.extend(candidates.iter().map(|t| format!("--match={}", glob_escape(t))));
    let described = run_ok(project, &args.iter().map(String::as_str).collect::<Vec<_>>())?;
    let mut d = parse_describe(&described).ok_or_else(|| {
        Error::from(tag_config_error(
            project,
            tag_pattern,
            format!("cannot read `git describe` output `{described}`"),
        ))
    })?;
    // Tags on one commit (`v2.0.0rc1`, then `v2.0.0` once it passed): git would pick by name
    // or date.
    let peers = run_ok(project, &["tag", "--points-at", &format!("{}^{{commit}}", d.tag)])?;
    let best = peers
        .lines()
        .map(str::trim)
        .filter_map(|t| Some((Version::from_str(tag_version_text(t, pattern)?).ok()?, t)))
        .max_by(|a, b| a.0.cmp(&b.0));
    if let Some((_, t)) = best {
        d.tag = t.to_string();
    }
    Ok(Some(d))
}

/// The `Version:` of an unpacked sdist's PKG-INFO.
fn from_pkg_info(project: &Project, warnings: &mut Vec<Diagnostic>) -> Result<Version, Error> {
    let text = fs_err::read_to_string(project.root.join("PKG-INFO"))?;
    let file = SourceFile::new(super::shown_path(project, "PKG-INFO"), text.as_str());
    // Headers end at the first blank line; the description may quote a `Version:` line.
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\r', '\n']);
        if body.is_empty() {
            break;
        }
        if let Some(v) = body.strip_prefix("Version:") {
            let start = offset + "Version:".len() + (v.len() - v.trim_start().len());
            let value = v.trim();
            return super::parse_written(value, &file, Some(start..start + value.len()), warnings);
        }
        offset += line.len();
    }
    Err(Diagnostic::error("no `Version:` field in the headers")
        .at(&file, None)
        .help("this tree has no .git, so its version can only come from an sdist's PKG-INFO; build from the git checkout")
        .into())
}
