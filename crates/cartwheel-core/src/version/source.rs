//! Reading the version from its configured source: `project.version`, the module's
//! `__version__`, a file, or git (see `git`).

use std::ops::Range;

use pep440_rs::Version;
use regex::Regex;

use super::stamp::{any_assignment_of, find_literal};
use super::{parse_written, Error};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::discover::Selection;
use crate::project::{Located, Project, VersionSource};

/// The resolved version, and the one the source tree's stamp targets should hold.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The version the artifacts carry.
    pub version: Located<Version>,
    /// What the tree's stamp targets hold when in step: the version, except for source =
    /// "git", where it is the release the tree was last bumped to (the nearest tag's version,
    /// what `cartwheel bump --tag` writes), not the dev version between tags.
    pub tree: Version,
    /// For source = "git", the tag `tree` comes from.
    pub tag: Option<String>,
}

/// Resolve the project's version from its configured source; normalisation is reported in
/// `warnings`.
pub fn resolve(
    project: &Project,
    selection: &Selection,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Resolved, Error> {
    let version = match &project.tool.version.source {
        VersionSource::Pyproject => project.version.clone().ok_or_else(|| -> Error {
            project.error_in("project.version", &project.name, "`project.version` is missing")
                .help("set `version = \"...\"` in [project], or list \"version\" in `dynamic` and choose a [tool.cartwheel.version] source")
                .into()
        }),
        VersionSource::Module => {
            let init = module_file(project, selection)?;
            let text = fs_err::read_to_string(project.root.join(&init))?;
            let file = SourceFile::new(super::shown_path(project, &init), text.as_str());
            let (value, span) = python_literal(&file, &["__version__"], "write `__version__ = \"X.Y.Z\"`, or set `source = \"file\"` (with a `pattern`) or `source = \"git\"` in `[tool.cartwheel.version]`")?;
            Ok(Located::new(parse_written(&value, &file, Some(span), warnings)?, None))
        }
        VersionSource::File { path, pattern } => {
            let (value, file, span) = read_file_source(project, path, pattern.as_ref())?;
            Ok(Located::new(parse_written(&value, &file, Some(span), warnings)?, None))
        }
        VersionSource::Git { tag_pattern, fallback } => {
            let g = super::git::resolve(project, tag_pattern.as_ref(), fallback.as_ref(), warnings)?;
            return Ok(Resolved { version: Located::new(g.version, None), tree: g.release, tag: g.tag });
        }
    }?;
    Ok(Resolved { tree: version.value.clone(), version, tag: None })
}

/// The module file holding `__version__` for source = "module".
pub fn module_file(project: &Project, selection: &Selection) -> Result<String, Error> {
    selection.modules.iter().find_map(|m| m.init.clone()).ok_or_else(|| {
        project
            .version_source_error(
                "the version source is \"module\", but no module file to read `__version__` from was found",
            )
            .into()
    })
}

/// The value and span of the top-level string literal assigned to the first of `names` that
/// has one; a computed value or none at all is an error at the file.
fn python_literal(
    file: &SourceFile,
    names: &[&str],
    computed_help: &str,
) -> Result<(String, Range<usize>), Error> {
    let text = &*file.text;
    if let Some(found) = names.iter().find_map(|n| find_literal(text, n)) {
        return Ok((found.value, found.span));
    }
    let wanted = names.iter().map(|n| format!("`{n} = \"...\"`")).collect::<Vec<_>>().join(" or ");
    let (msg, help, line) = match names.iter().find_map(|n| any_assignment_of(text, n).map(|l| (n, l))) {
        Some((name, line)) => (
            format!(
                "`{name}` is computed, not a string literal, so it cannot be read without running the module"
            ),
            computed_help.to_string(),
            Some(line),
        ),
        None => (
            format!("no {wanted} assignment at the top level"),
            format!("add {wanted}, or set `project.version`"),
            None,
        ),
    };
    Err(Diagnostic::error(msg).at(file, line).help(help).into())
}

/// source = "file": the version text, the file it was read from and its span there.
/// `pattern`'s `version` group picks it out; without a pattern a `.py` file's top-level
/// `__version__` or `VERSION` literal, any other file's whole content (stripped).
pub fn read_file_source(
    project: &Project,
    path: &Located<String>,
    pattern: Option<&Located<String>>,
) -> Result<(String, SourceFile, Range<usize>), Error> {
    let abs = project.root.join(&path.value);
    let spelled = crate::spelling::spelling(&project.root, &path.value);
    if !abs.is_file() {
        let what = if abs.is_dir() { "is a folder" } else { "does not exist" };
        let mut d = project.error_in(
            "tool.cartwheel.version.path",
            path,
            format!("version file `{}` {what}", path.value),
        );
        if let Some(help) = spelled.missing_help() {
            d = d.help(help);
        }
        return Err(d.into());
    }
    if let Some((message, help)) = spelled.differs("version file", &path.value) {
        return Err(project.error_in("tool.cartwheel.version.path", path, message).help(help).into());
    }
    let text = fs_err::read_to_string(&abs)?;
    let file = SourceFile::new(super::shown_path(project, &path.value), text.as_str());
    let (value, span) = if let Some(p) = pattern {
        // Validated (with its `version` group) when pyproject.toml was read.
        let re = Regex::new(&p.value).expect("pattern validated in pyproject");
        let m = re.captures(&text).and_then(|c| c.name("version")).ok_or_else(|| {
            project
                .error_in(
                    "tool.cartwheel.version.pattern",
                    p,
                    format!("the pattern matches no version in `{}`", path.value),
                )
                .help("the `version` group must match the version text in the file")
        })?;
        (m.as_str().to_string(), m.range())
    } else if path.value.ends_with(".py") {
        python_literal(
            &file,
            &["__version__", "VERSION"],
            "write a string literal, or give a `pattern` with a `version` group",
        )?
    } else {
        let start = text.len() - text.trim_start().len();
        let value = text.trim();
        if value.is_empty() {
            return Err(project
                .error_in(
                    "tool.cartwheel.version.path",
                    path,
                    format!("version file `{}` is empty", path.value),
                )
                .into());
        }
        (value.to_string(), start..start + value.len())
    };
    Ok((value, file, span))
}
