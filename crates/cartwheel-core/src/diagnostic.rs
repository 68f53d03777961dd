//! Findings as data (`Diagnostic`), rendered once at the edge with file:line:col and a caret.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information only (`cartwheel check`'s notes); never changes a verdict.
    Note,
    /// Reported, does not stop anything (`PASSED with warnings`; fails with `--strict`).
    Warning,
    /// Stops the build / fails the command.
    Error,
}

impl Severity {
    /// The word a rendering starts with.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A file's text kept for rendering locations (pyproject.toml, a stamped `__init__.py`, ...).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to the user.
    pub path: PathBuf,
    /// Whole text of the file.
    pub text: Arc<str>,
}

impl SourceFile {
    /// Wrap a file's path and text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        Self { path: path.into(), text: text.into() }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Where a finding points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A file whose text is at hand (pyproject.toml, a stamped module) and, when known, a
    /// byte span in it: rendered `path:line:col` with the line and a caret.
    Source {
        /// The file.
        file: SourceFile,
        /// Byte range of the offending text, if known.
        span: Option<Range<usize>>,
    },
    /// A member of a distribution archive, by its path inside it (or several, comma-joined).
    Member(String),
    /// A core-metadata field (`Description`, `Requires-Dist`).
    Field(String),
    /// A line of the long description; `readme` names the file it came from, when known (a
    /// build knows its README; a published archive only has the description).
    DescriptionLine {
        /// 1-based line of the description.
        line: usize,
        /// The README file (project-relative) the description was read from.
        readme: Option<String>,
    },
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.text == other.text
    }
}

impl Eq for SourceFile {}

/// One finding, for everything a user is told: a configuration error with its place in
/// pyproject.toml, a warning of a build, a verdict of `cartwheel check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Note, warning or error.
    pub severity: Severity,
    /// Stable code of a `cartwheel check` rule (`T001`, `M004`, `W001`...), documented in
    /// docs/check.md.
    pub code: Option<&'static str>,
    /// The distribution file the finding is about, when it is about one.
    pub artifact: Option<Box<str>>,
    /// One-line message.
    pub message: String,
    /// Dotted key the finding is about (`project.version`), if any.
    pub key: Option<String>,
    /// Where it is (boxed: findings travel in `Result`s, and most have no location).
    pub location: Option<Box<Location>>,
    /// A hint on how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with just a message.
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    /// A finding of `severity` with just a message.
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Self {
            severity,
            code: None,
            artifact: None,
            message: message.into(),
            key: None,
            location: None,
            help: None,
        }
    }

    /// A `cartwheel check` finding: its rule's code and what is wrong, in one sentence.
    pub fn coded(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self { code: Some(code), ..Self::new(severity, message) }
    }

    /// A warning with just a message.
    pub fn warning(message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(message) }
    }

    /// Point the finding at a span of a file.
    pub fn at(mut self, file: &SourceFile, span: Option<Range<usize>>) -> Self {
        self.location = Some(Box::new(Location::Source { file: file.clone(), span }));
        self
    }

    /// Point the finding at a member of the archive (its path inside it).
    pub fn at_member(mut self, member: impl Into<String>) -> Self {
        self.location = Some(Box::new(Location::Member(member.into())));
        self
    }

    /// Point the finding at a core-metadata field.
    pub fn at_field(mut self, field: impl Into<String>) -> Self {
        self.location = Some(Box::new(Location::Field(field.into())));
        self
    }

    /// Point the finding at a line of the long description.
    pub fn at_description_line(mut self, line: usize) -> Self {
        self.location = Some(Box::new(Location::DescriptionLine { line, readme: None }));
        self
    }

    /// The same finding, about the distribution file `name`.
    pub fn in_artifact(mut self, name: &str) -> Self {
        self.artifact = Some(name.into());
        self
    }

    /// Say which README the long description came from: its line findings name that file.
    pub fn with_readme(mut self, readme: &str) -> Self {
        if let Some(Location::DescriptionLine { readme: r, .. }) = self.location.as_deref_mut() {
            *r = Some(readme.to_string());
        }
        self
    }

    /// The location as one line: `path:line:col`, a member path, a field, `README line N`.
    pub fn location_text(&self) -> Option<String> {
        Some(match self.location.as_deref()? {
            Location::Source { .. } => self.position()?,
            Location::Member(m) | Location::Field(m) => m.clone(),
            Location::DescriptionLine { line, readme } => {
                format!("{} line {line}", readme.as_deref().unwrap_or("README"))
            }
        })
    }

    /// `[CODE] location: message`, control characters escaped (member names come from
    /// untrusted archives): a coded finding as every report shows it.
    pub fn finding_line(&self) -> String {
        let code = self.code.unwrap_or("-");
        let message = printable(&self.message);
        match self.location_text() {
            Some(at) => format!("[{code}] {}: {message}", printable(&at)),
            None => format!("[{code}] {message}"),
        }
    }

    /// Name the key the finding is about.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Add a hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `path:line:col` of the finding, when it has a location.
    pub fn position(&self) -> Option<String> {
        let Some(Location::Source { file, span }) = self.location.as_deref() else { return None };
        Some(match span {
            Some(span) => {
                let (line, col) = file.line_col(span.start);
                format!("{}:{}:{}", display_path(&file.path), line, col)
            }
            None => display_path(&file.path),
        })
    }
}

fn display_path(path: &Path) -> String {
    path.display().to_string()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.severity.word())?;
        if let Some(artifact) = &self.artifact {
            write!(f, "{}: ", printable(artifact))?;
        }
        if self.code.is_some() {
            return write!(f, "{}", self.finding_line());
        }
        if let Some(pos) = self.position() {
            write!(f, "{pos}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(key) = &self.key {
            write!(f, " (key `{key}`)")?;
        }
        // `= help` lines up with the snippet's `|` (rustc's layout): one column further in for
        // a line number of two digits.
        let mut gutter = 1;
        if let Some(Location::Source { file, span: Some(span) }) = self.location.as_deref() {
            gutter = render_snippet(f, file, span.clone())?;
        }
        if let Some(help) = &self.help {
            // Lines after the first line up under its text, as rustc lays out a long note.
            let help = help.replace('\n', &format!("\n{:width$}", "", width = gutter + 9));
            write!(f, "\n{:gutter$} = help: {help}", "")?;
        }
        Ok(())
    }
}

/// The offending line with a caret run under the span (first line of the span only); returns
/// the width of the line-number gutter.
fn render_snippet(
    f: &mut fmt::Formatter<'_>,
    file: &SourceFile,
    span: Range<usize>,
) -> Result<usize, fmt::Error> {
    let text = &*file.text;
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let (line, col) = file.line_col(start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_text = text[line_start..line_end].trim_end_matches('\r');
    let end = floor_char_boundary(text, span.end.clamp(start, line_end));
    let width = text[start..end].chars().count().max(1);
    let gutter = line.to_string().len();
    // A huge line (minified data, a hostile value) is shown as a window around the caret.
    const WINDOW: usize = 120;
    let chars: Vec<char> = line_text.chars().collect();
    // A span that starts in the trimmed `\r` run ends the line (fuzz finding, pyproject target).
    let at = (col - 1).min(chars.len());
    let (first, prefix) = if chars.len() > WINDOW && at > 39 { (at - 30, "...") } else { (0, "") };
    let last = (first + WINDOW).min(chars.len());
    let suffix = if last < chars.len() { "..." } else { "" };
    let shown: String = chars[first..last].iter().collect();
    let line_text = format!("{prefix}{shown}{suffix}");
    let width = width.min(last.saturating_sub(at).max(1));
    let pad: String = prefix
        .chars()
        .map(|_| ' ')
        .chain(chars[first..at].iter().map(|&c| if c == '\t' { '\t' } else { ' ' }))
        .collect();
    write!(
        f,
        "\n{blank:gutter$} |\n{line} | {line_text}\n{blank:gutter$} | {pad}{carets}",
        blank = "",
        carets = "^".repeat(width),
    )?;
    Ok(gutter)
}

/// Text from an untrusted archive with its control characters escaped: a newline faking a line
/// of the report, or a terminal escape sequence, is shown, not obeyed.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
            .collect()
    } else {
        text.into()
    }
}

/// Render many findings, one per paragraph.
pub fn render_all(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n\n")
}

/// `n` with the noun that agrees with it: `count(1, "file", "files")` is `1 file`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(0, "file", "files"), "0 files");
        assert_eq!(count(1, "file", "files"), "1 file");
        assert_eq!(count(2, "check", "checks"), "2 checks");
    }

    #[test]
    fn renders_caret_under_span() {
        let file = SourceFile::new("pyproject.toml", "[project]\nname = \"x\"\nversion = \"1.0.x\"\n");
        let start = file.text.find("\"1.0.x\"").unwrap();
        let d = Diagnostic::error("invalid version").at(&file, Some(start..start + 7)).key("project.version");
        let out = d.to_string();
        assert_eq!(
            out,
            "error: pyproject.toml:3:11: invalid version (key `project.version`)\n  \
             |\n\
             3 | version = \"1.0.x\"\n  \
             |           ^^^^^^^"
        );
    }

    #[test]
    fn a_span_in_the_carriage_returns_ending_a_line_renders() {
        // Fuzz finding (pyproject target): the caret's column was past the trimmed line.
        let file = SourceFile::new("pyproject.toml", "a = [\r\r\r\r\nb = 1\n");
        let d = Diagnostic::error("invalid TOML").at(&file, Some(7..8));
        assert_eq!(d.to_string(), "error: pyproject.toml:1:8: invalid TOML\n  |\n1 | a = [\n  |      ^");
    }

    #[test]
    fn long_lines_are_windowed() {
        let text = format!("x = \"{}BAD{}\"\n", "a".repeat(5000), "b".repeat(5000));
        let file = SourceFile::new("f.toml", text.as_str());
        let start = text.find("BAD").unwrap();
        let out = Diagnostic::error("bad").at(&file, Some(start..start + 3)).to_string();
        assert!(out.len() < 600, "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let code = lines.iter().find(|l| l.starts_with("1 | ")).unwrap();
        let caret = lines.last().unwrap();
        assert_eq!(&code[caret.find('^').unwrap()..][..3], "BAD", "{out}");
    }

    #[test]
    fn line_col_counts_characters() {
        let file = SourceFile::new("f", "é = 1\nab");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (1, 3));
        assert_eq!(file.line_col(8), (2, 2));
    }
}
