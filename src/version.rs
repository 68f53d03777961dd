//! The single-source version: resolving it and stamping `__version__` into the artifacts.
//!
//! Stamping rewrites only a string literal assigned at the top level of a module
//! (`__version__ = "1.0"`, `__version__: str = '1.0'`); computed values are left alone. The
//! source tree is never written: stamped bytes replace the file's bytes inside the archives.

use std::collections::BTreeMap;
use std::ops::Range;
use std::str::FromStr;
use std::sync::LazyLock;

use pep440_rs::Version;
use regex::Regex;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::discover::Selection;
use crate::project::{Located, Project, VersionSource};

/// A version that cannot be resolved or stamped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file system error, naming the path (fs-err).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Located problem.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
}

impl Error {
    /// The finding to show the user.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Error::Io(e) => Diagnostic::error(e.to_string()),
            Error::Invalid(d) => (**d).clone(),
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Invalid(Box::new(d))
    }
}

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
        r#"^__version__[ \t]*(?::[ \t]*[A-Za-z_][\w.\[\]]*[ \t]*)?=[ \t]*[rRuU]?"#,
        r#"(?:"""([^"\\\r\n]*)"""|'''([^'\\\r\n]*)'''|"([^"\\\r\n]*)"|'([^'\\\r\n]*)')"#,
        r#"[ \t]*;?[ \t]*(?:#[^\r\n]*)?\r?$"#
    ))
    .expect("valid regex")
});

static ANY_ASSIGNMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^__version__[ \t]*(?::[^=\r\n]*)?=").expect("valid regex"));

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
    statement_lines(text).into_iter().rev().find_map(|range| {
        let caps = ASSIGNMENT.captures(&text[range.clone()])?;
        let m = (1..=4).find_map(|i| caps.get(i))?;
        let span = range.start + m.start()..range.start + m.end();
        let line = text[..span.start].matches('\n').count() + 1;
        Some(VersionAssignment { value: m.as_str().to_string(), span, line })
    })
}

/// The line of the last top-level `__version__` assignment, literal or computed.
pub fn any_assignment(text: &str) -> Option<Range<usize>> {
    statement_lines(text).into_iter().rev().find(|r| ANY_ASSIGNMENT.is_match(&text[r.clone()]))
}

/// Resolve the project's version from its configured source.
pub fn resolve(project: &Project, selection: &Selection) -> Result<Located<Version>, Error> {
    match &project.tool.version.source {
        VersionSource::Pyproject => project.version.clone().ok_or_else(|| {
            project
                .error_at("`project.version` is missing", project.name.span.clone())
                .key("project.version")
                .help("set `version = \"...\"` in [project], or list \"version\" in `dynamic` and choose a [tool.cartwheel.version] source")
                .into()
        }),
        VersionSource::Module => {
            let init = selection.modules.iter().find_map(|m| m.init.clone()).ok_or_else(|| {
                Error::from(project.error_at("the version source is \"module\", but no module file to read `__version__` from was found", None).key("tool.cartwheel.version.source"))
            })?;
            let path = project.root.join(&init);
            let text = fs_err::read_to_string(&path)?;
            let file = SourceFile::new(init.clone(), text.as_str());
            let found = find_assignment(&text).ok_or_else(|| {
                let line = any_assignment(&text);
                let (msg, help) = if line.is_some() {
                    ("`__version__` is computed, not a string literal, so it cannot be read without running the module", "write `__version__ = \"X.Y.Z\"`, or use [tool.cartwheel.version] source = \"file\" or \"git\"")
                } else {
                    ("no `__version__ = \"...\"` assignment at the top level", "add `__version__ = \"X.Y.Z\"` or set `project.version`")
                };
                Error::from(Diagnostic::error(msg).at(&file, line).help(help))
            })?;
            let version = Version::from_str(&found.value).map_err(|e| {
                Error::from(Diagnostic::error(format!("invalid version `{}`: {e}", found.value)).at(&file, Some(found.span.clone())))
            })?;
            Ok(Located::new(version, None))
        }
        VersionSource::Git { .. } | VersionSource::File { .. } => Err(project
            .error_at("this version source is not supported by this cartwheel release yet", None)
            .key("tool.cartwheel.version.source")
            .help("use source = \"pyproject\" (project.version) or \"module\" (`__version__` in the package)")
            .into()),
    }
}

/// Rewritten bytes of every stamp target, keyed by project-relative path.
///
/// Default targets: each module's `__init__.py` (or `foo.py`) that assigns a string literal to
/// `__version__`. A literal whose value changes is reported as a warning with file:line, since
/// the artifact then differs from the source (some projects keep a different number on purpose
/// and must set `stamp = []`).
pub fn stamps(
    project: &Project,
    selection: &Selection,
    version: &Version,
    warnings: &mut Vec<Diagnostic>,
) -> Result<BTreeMap<String, Vec<u8>>, Error> {
    let mut out = BTreeMap::new();
    let explicit = project.tool.version.stamp.as_ref();
    let targets: Vec<(String, Option<Range<usize>>)> = match explicit {
        Some(list) => {
            list.iter().map(|l| (l.value.trim_start_matches("./").to_string(), l.span.clone())).collect()
        }
        None => selection.modules.iter().filter_map(|m| m.init.clone()).map(|p| (p, None)).collect(),
    };
    let wanted = version.to_string();
    for (rel, span) in targets {
        let path = project.root.join(&rel);
        if !path.is_file() {
            let what = if path.is_dir() { "is a folder, not a Python file" } else { "does not exist" };
            return Err(project
                .error_at(format!("stamp target `{rel}` {what}"), span)
                .key("tool.cartwheel.version.stamp")
                .into());
        }
        let text = fs_err::read_to_string(&path)?;
        let Some(found) = find_assignment(&text) else {
            if explicit.is_some() {
                return Err(project
                    .error_at(
                        format!(
                            "stamp target `{rel}` has no top-level `__version__ = \"...\"` string literal"
                        ),
                        span,
                    )
                    .key("tool.cartwheel.version.stamp")
                    .into());
            }
            continue;
        };
        if found.value == wanted {
            continue;
        }
        let file = SourceFile::new(rel.clone(), text.as_str());
        warnings.push(
            Diagnostic::warning(format!(
                "`__version__ = \"{}\"` is stamped as \"{wanted}\" in the artifacts (the source tree is left as it is)",
                found.value
            ))
            .at(&file, Some(found.span.clone()))
            .help("`cartwheel bump` keeps the source in step; `[tool.cartwheel.version] stamp = []` turns stamping off"),
        );
        let mut bytes = text.into_bytes();
        bytes.splice(found.span.clone(), wanted.bytes());
        out.insert(rel, bytes);
    }
    Ok(out)
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
