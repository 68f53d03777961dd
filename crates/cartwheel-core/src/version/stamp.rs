//! Stamping: rewriting the `__version__` (and `__version_info__`) literals of the stamp
//! targets, for the artifacts and for `cartwheel bump`.
//!
//! Only a string literal assigned at the top level of a module is rewritten
//! (`__version__ = "1.0"`, `__version__: str = '1.0'`); computed values are left alone. A build
//! never writes the source tree: stamped bytes replace the file's bytes inside the archives.
//!
//! `__version_info__` gets the release numbers, then each pre, post and dev segment as a
//! (label, number) pair, the way `sys.version_info` spells a release level: `1.2.3rc1` is
//! `(1, 2, 3, "rc", 1)`, `1.2.4.dev1` is `(1, 2, 4, "dev", 1)`; a local label is left out.
//! A tuple written with anything but integer and string literals is computed, and left alone.

use std::ops::Range;
use std::str::FromStr;
use std::sync::LazyLock;

use pep440_rs::{PrereleaseKind, Version};
// regex-lite: these patterns use explicit ASCII classes only (no `\s`, `\w`, `\b` or `(?i)`),
// so they match the same on any text, and compile in a tenth of the full engine's time (every
// build compiles them; see src/pattern.rs).
use regex_lite::Regex;

use super::{Error, Resolved};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::discover::Selection;
use crate::project::{Project, VersionSource};

/// A top-level `__version__` string-literal assignment found in a Python file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionAssignment {
    /// The literal's content (between the quotes).
    pub value: String,
    /// Byte range of the content in the file.
    pub span: Range<usize>,
    /// 1-based line.
    pub line: usize,
}

static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    // A plain string literal: optional r/u prefix, single or triple quotes on one line, an
    // optional annotation, trailing `;` or comment. Anything else is computed.
    Regex::new(concat!(
        // ASCII `\w`, as the annotation's first character already is.
        r#"^(__version__|VERSION)[ \t]*(?::[ \t]*[A-Za-z_][0-9A-Za-z_.\[\]]*[ \t]*)?=[ \t]*[rRuU]?"#,
        r#"(?:"""([^"\\\r\n]*)"""|'''([^'\\\r\n]*)'''|"([^"\\\r\n]*)"|'([^'\\\r\n]*)')"#,
        r#"[ \t]*;?[ \t]*(?:#[^\r\n]*)?\r?$"#
    ))
    .expect("valid regex")
});

static ANY_ASSIGNMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(__version__|VERSION)[ \t]*(?::[^=\r\n]*)?=").expect("valid regex"));

/// Byte ranges of the lines that start a top-level statement: not inside a (triple-quoted)
/// string, a bracket or a backslash continuation. A docstring that shows
/// `__version__ = "..."` as an example must not be taken for the assignment.
fn statement_lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut triple: Option<&str> = None;
    let mut depth = 0usize;
    let mut continued = false;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        // A byte-order mark is not part of the first statement.
        let skip = if start == 0 && body.starts_with('\u{feff}') { 3 } else { 0 };
        let range = start + skip..start + body.len();
        start += line.len();
        if triple.is_none() && depth == 0 && !continued {
            out.push(range);
        }
        let bytes = body.as_bytes();
        let mut i = 0;
        continued = false;
        while i < bytes.len() {
            if let Some(q) = triple {
                match body[i..].find(q) {
                    Some(j) if !escaped(bytes, i + j) => {
                        triple = None;
                        i += j + 3;
                    }
                    Some(j) => i += j + 1,
                    None => break,
                }
                continue;
            }
            match bytes[i] {
                b'#' => break,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                b'\\' if i + 1 == bytes.len() => continued = true,
                q @ (b'"' | b'\'') => {
                    let three = if q == b'"' { "\"\"\"" } else { "'''" };
                    if body[i..].starts_with(three) {
                        triple = Some(three);
                        i += 3;
                        continue;
                    }
                    // A one-line string: skip to its closing quote.
                    let mut j = i + 1;
                    while j < bytes.len() && bytes[j] != q {
                        j += if bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    i = j;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// Whether the quote at `i` is preceded by an odd number of backslashes.
fn escaped(bytes: &[u8], i: usize) -> bool {
    bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// The top-level `__version__ = "..."` string literal of `text` that Python ends up with (the
/// last one), if any.
pub fn find_assignment(text: &str) -> Option<VersionAssignment> {
    find_literal(text, "__version__")
}

/// The last top-level string literal assigned to `name` (`__version__` or `VERSION`).
pub fn find_literal(text: &str, name: &str) -> Option<VersionAssignment> {
    statement_lines(text).into_iter().rev().find_map(|range| {
        let caps = ASSIGNMENT.captures(&text[range.clone()])?;
        if &caps[1] != name {
            return None;
        }
        let m = (2..=5).find_map(|i| caps.get(i))?;
        let span = range.start + m.start()..range.start + m.end();
        let line = text[..span.start].matches('\n').count() + 1;
        Some(VersionAssignment { value: m.as_str().to_string(), span, line })
    })
}

/// The line of the last top-level `__version__` assignment, literal or computed.
pub fn any_assignment(text: &str) -> Option<Range<usize>> {
    any_assignment_of(text, "__version__")
}

/// The line of the last top-level assignment to `name`, literal or computed.
pub fn any_assignment_of(text: &str, name: &str) -> Option<Range<usize>> {
    statement_lines(text)
        .into_iter()
        .rev()
        .find(|r| ANY_ASSIGNMENT.captures(&text[r.clone()]).is_some_and(|c| &c[1] == name))
}

static INFO: LazyLock<Regex> = LazyLock::new(|| {
    // A tuple of integer and plain string literals on one line; anything else is computed.
    let item = r#"(?:[0-9]+|"[A-Za-z0-9_.+]*"|'[A-Za-z0-9_.+]*')"#;
    Regex::new(&format!(
        r#"^__version_info__[ \t]*(?::[ \t]*[A-Za-z_][0-9A-Za-z_.\[\], ]*[ \t]*)?=[ \t]*(\([ \t]*(?:{item}[ \t]*,[ \t]*)*(?:{item}[ \t]*)?\))[ \t]*;?[ \t]*(?:#[^\r\n]*)?\r?$"#
    ))
    .expect("valid regex")
});

/// Byte range of the last top-level `__version_info__ = (1, 2, 3)` tuple literal, if any.
pub fn find_version_info(text: &str) -> Option<Range<usize>> {
    statement_lines(text).into_iter().rev().find_map(|range| {
        let m = INFO.captures(&text[range.clone()])?.get(1)?;
        Some(range.start + m.start()..range.start + m.end())
    })
}

/// `version` as a `__version_info__` tuple: `1.2.3rc1` → `(1, 2, 3, "rc", 1)`.
pub fn version_info(version: &Version) -> String {
    let mut parts: Vec<String> = version.release().iter().map(u64::to_string).collect();
    if let Some(pre) = version.pre() {
        let label = match pre.kind {
            PrereleaseKind::Alpha => "a",
            PrereleaseKind::Beta => "b",
            PrereleaseKind::Rc => "rc",
        };
        parts.extend([format!("\"{label}\""), pre.number.to_string()]);
    }
    if let Some(post) = version.post() {
        parts.extend(["\"post\"".to_string(), post.to_string()]);
    }
    if let Some(dev) = version.dev() {
        parts.extend(["\"dev\"".to_string(), dev.to_string()]);
    }
    format!("({})", parts.join(", "))
}

/// One literal a stamp rewrites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `__version__` or `__version_info__`.
    pub name: &'static str,
    /// The literal as it was (quotes excluded for `__version__`).
    pub old: String,
    /// The literal it becomes.
    pub new: String,
    /// Byte range of `old` in the original text.
    pub span: Range<usize>,
}

/// Rewrite `text`'s `__version__` literal (and `__version_info__` tuple, when present) to
/// `version`; `None` when there is no `__version__` string literal to rewrite.
pub fn stamp_text(text: &str, version: &Version) -> Option<(String, Vec<Change>)> {
    let found = find_assignment(text)?;
    let mut changes = Vec::new();
    let wanted = version.to_string();
    if found.value != wanted {
        changes.push(Change { name: "__version__", old: found.value, new: wanted, span: found.span });
    }
    if let Some(span) = find_version_info(text) {
        let wanted = version_info(version);
        if text[span.clone()] != wanted {
            changes.push(Change {
                name: "__version_info__",
                old: text[span.clone()].to_string(),
                new: wanted,
                span,
            });
        }
    }
    let mut out = text.to_string();
    // Back to front, so earlier spans stay valid.
    let mut ordered: Vec<&Change> = changes.iter().collect();
    ordered.sort_by_key(|c| std::cmp::Reverse(c.span.start));
    for c in ordered {
        out.replace_range(c.span.clone(), &c.new);
    }
    Some((out, changes))
}

/// A stamp target whose text changes: its path, both texts and what changed.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// Project-relative path, `/` separated.
    pub path: String,
    /// The path as diagnostics show it.
    pub shown: std::path::PathBuf,
    /// The text in the source tree.
    pub old: String,
    /// The stamped text.
    pub new: String,
    /// The rewritten literals.
    pub changes: Vec<Change>,
}

impl Stamp {
    /// One warning per rewritten literal. For an editable install (which imports the source
    /// tree) the point is that the installed package reports the stale value.
    pub fn warnings(&self, editable: bool) -> Vec<Diagnostic> {
        let file = SourceFile::new(self.shown.clone(), self.old.as_str());
        self.changes
            .iter()
            .map(|c| {
                let (old, new) = match c.name {
                    "__version__" => (format!("\"{}\"", c.old), format!("\"{}\"", c.new)),
                    _ => (c.old.clone(), c.new.clone()),
                };
                let d = if editable {
                    Diagnostic::warning(format!(
                        "`{} = {old}` disagrees with the version (expected {new}); an editable install imports the source tree, so it reports {old}",
                        c.name
                    ))
                    .help("`cartwheel version --check` lists every stale stamp; `cartwheel bump` keeps them in step")
                } else {
                    Diagnostic::warning(format!(
                        "`{} = {old}` is stamped as {new} in the artifacts (the source tree is left as it is)",
                        c.name
                    ))
                    .help("`cartwheel bump` keeps the source in step; `[tool.cartwheel.version] stamp = []` turns stamping off")
                };
                d.at(&file, Some(c.span.clone()))
            })
            .collect()
    }

    /// The change as a unified diff (`--- a/path`, `+++ b/path`).
    pub fn diff(&self) -> String {
        unified_diff(&self.path, &self.old, &self.new)
    }
}

/// A unified diff of `old` → `new` for `path`, empty when they are equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// The stamp targets: the explicit list (with each entry's span in pyproject.toml), else each
/// module's `__init__.py` (or `foo.py`).
fn targets(project: &Project, selection: &Selection) -> Vec<(String, Option<Range<usize>>)> {
    match project.tool.version.stamp.as_ref() {
        Some(list) => {
            list.iter().map(|l| (l.value.trim_start_matches("./").to_string(), l.span.clone())).collect()
        }
        None => selection.modules.iter().filter_map(|m| m.init.clone()).map(|p| (p, None)).collect(),
    }
}

/// Every stamp target whose text changes when stamped with `version`. `read` gives a target's
/// current text (the file's, or an edit `cartwheel bump` already made to it).
///
/// Default targets: each module's `__init__.py` (or `foo.py`) that assigns a string literal
/// to `__version__`. An explicit target without one is an error naming it.
pub fn plan(
    project: &Project,
    selection: &Selection,
    version: &Version,
    read: &mut dyn FnMut(&str) -> Result<String, Error>,
) -> Result<Vec<Stamp>, Error> {
    let explicit = project.tool.version.stamp.is_some();
    let mut out = Vec::new();
    for (rel, span) in targets(project, selection) {
        let path = project.root.join(&rel);
        let spelled = crate::spelling::spelling(&project.root, &rel);
        if !path.is_file() {
            let what = if path.is_dir() { "is a folder, not a Python file" } else { "does not exist" };
            let mut d = project
                .error_at(format!("stamp target `{rel}` {what}"), span)
                .key("tool.cartwheel.version.stamp");
            if let Some(help) = spelled.missing_help() {
                d = d.help(help);
            }
            return Err(d.into());
        }
        if let Some((message, help)) = spelled.differs("stamp target", &rel) {
            return Err(project
                .error_at(message, span)
                .key("tool.cartwheel.version.stamp")
                .help(help)
                .into());
        }
        let text = read(&rel)?;
        let Some((new, changes)) = stamp_text(&text, version) else {
            if explicit {
                let mut d = project
                    .error_at(
                        format!(
                            "stamp target `{rel}` has no top-level `__version__ = \"...\"` string literal"
                        ),
                        span,
                    )
                    .key("tool.cartwheel.version.stamp");
                if any_assignment(&text).is_some() {
                    d = d.help("its `__version__` is computed; only a string literal can be stamped: remove the file from `stamp`");
                } else {
                    d = d.help("add `__version__ = \"0.0.0\"` to it (the build writes the real version), or remove it from `stamp`");
                }
                return Err(d.into());
            }
            continue;
        };
        if !changes.is_empty() {
            out.push(Stamp { shown: super::shown_path(project, &rel), path: rel, old: text, new, changes });
        }
    }
    Ok(out)
}

/// The source tree's stamp targets checked against the version they should hold (what
/// `cartwheel version --check` reports and an editable install warns about).
#[derive(Debug, Clone)]
pub struct TreeCheck {
    /// The version the tree's stamp targets should hold (`Resolved::tree`).
    pub expected: Version,
    /// For source = "git", the tag `expected` comes from.
    pub tag: Option<String>,
    /// The stamp targets that disagree with `expected`, stamped with it.
    pub stale: Vec<Stamp>,
}

impl TreeCheck {
    /// Check the stamp targets against `resolved.tree`. With source = "git" a placeholder
    /// (`"0.0.0"`, `(0, 0, 0)`) is in step too: such a tree leaves the version to the build,
    /// which stamps the artifacts with the full one either way.
    pub fn new(project: &Project, selection: &Selection, resolved: &Resolved) -> Result<Self, Error> {
        let git = matches!(project.tool.version.source, VersionSource::Git { .. });
        let stale = plan(project, selection, &resolved.tree, &mut |rel| read_rel(project, rel))?
            .into_iter()
            .filter(|s| !(git && s.changes.iter().all(|c| is_placeholder(&c.old))))
            .collect();
        Ok(Self { expected: resolved.tree.clone(), tag: resolved.tag.clone(), stale })
    }
}

/// A literal that holds no version: `0`, `0.0.0`, or a tuple of zeros.
fn is_placeholder(literal: &str) -> bool {
    let tuple = literal.strip_prefix('(').and_then(|t| t.strip_suffix(')'));
    match tuple {
        Some(items) => {
            let items: Vec<&str> = items.split(',').map(str::trim).filter(|i| !i.is_empty()).collect();
            !items.is_empty() && items.iter().all(|i| *i == "0")
        }
        None => Version::from_str(literal).is_ok_and(|v| v == Version::new([0])),
    }
}

/// Read a project-relative file as text.
pub fn read_rel(project: &Project, rel: &str) -> Result<String, Error> {
    Ok(fs_err::read_to_string(project.root.join(rel))?)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literal_assignments() {
        let text = "\"\"\"Doc.\"\"\"\nimport os\n__version__ = \"0.0.0\"  # stamped\n";
        let a = find_assignment(text).unwrap();
        assert_eq!(a.value, "0.0.0");
        assert_eq!(a.line, 3);
        assert_eq!(&text[a.span.clone()], "0.0.0");
        assert_eq!(find_assignment("__version__: str = '1.2'\n").unwrap().value, "1.2");
        assert_eq!(find_assignment("__version__='1.2'").unwrap().value, "1.2");
        for text in [
            "__version__ = \"\"\"1.3\"\"\"\n",
            "__version__ = '''1.3'''\n",
            "__version__ = r\"1.3\"\n",
            "__version__ = u'1.3';\n",
        ] {
            let a = find_assignment(text).unwrap();
            assert_eq!((a.value.as_str(), &text[a.span.clone()]), ("1.3", "1.3"), "{text}");
        }
    }

    #[test]
    fn skips_docstrings_and_takes_the_last_assignment() {
        let text =
            "\"\"\"Doc.\n\n__version__ = \"0.0.0\"\n\"\"\"\n__version__ = \"1.0\"\n__version__ = \"1.1\"\n";
        let a = find_assignment(text).unwrap();
        assert_eq!((a.value.as_str(), a.line), ("1.1", 6));
        assert!(find_assignment("x = '''\n__version__ = \"9\"\n'''\n").is_none());
        let text = "x = (\n__version__ = \"9\"\n)\n__version__ = '2'\n";
        assert_eq!(find_assignment(text).unwrap().value, "2");
        let text = "s = \"a # b\" ; t = '\"\"\"'\n__version__ = '3'\n";
        assert_eq!(find_assignment(text).unwrap().value, "3");
        let text = "x = 1 + \\\n__version__ = '4'\n__version__ = '5'\n";
        assert_eq!(find_assignment(text).unwrap().value, "5");
    }

    #[test]
    fn reads_past_a_byte_order_mark() {
        let text = "\u{feff}__version__ = \"2.0\"\n";
        let a = find_assignment(text).unwrap();
        assert_eq!(&text[a.span.clone()], "2.0");
    }

    #[test]
    fn ignores_computed_and_nested() {
        assert!(find_assignment("__version__ = VERSION\n").is_none());
        assert_eq!(any_assignment("x = 1\n__version__ = VERSION\n"), Some(6..27));
        assert!(find_assignment("if x:\n    __version__ = \"1\"\n").is_none());
        assert!(find_assignment("__version__ = \"1\" + suffix\n").is_none());
        assert!(find_assignment("__version_info__ = (1, 2)\n").is_none());
    }
}
