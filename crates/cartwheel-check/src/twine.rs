//! The `twine check` verdict (twine 7, packaging 26, readme_renderer 46), quirks included:
//! which member holds the metadata, packaging's validation, the two warnings, and where twine
//! crashes with a traceback, a FAILED with the reason. See docs/check.md and
//! the twine-check reference for each rule.

use std::borrow::Cow;

use super::read::{Archive, Format, Kind};
use super::{problem, Diagnostic};
use cartwheel_core::metadata::Metadata;

/// The metadata twine read, for the checks that go further.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The validated metadata.
    pub metadata: Metadata,
    /// The member it came from.
    pub member: String,
    /// Where a line that is not a header ended the header block early, losing fields.
    pub header_break: Option<HeaderBreak>,
}

/// A line inside the header block that is not `Name: value`: Python's email parser (twine,
/// pip, PyPI's readers) starts the description there, so the fields after it are lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderBreak {
    /// 1-based line of the metadata file.
    pub line: usize,
    /// The line as written.
    pub text: String,
    /// The known fields below it that are read as description text, in order.
    pub lost: Vec<String>,
}

/// twine's findings, and the metadata when it could be read and validated.
#[derive(Debug, Default)]
pub struct Outcome {
    /// T0xx problems.
    pub problems: Vec<Diagnostic>,
    /// `None` when twine rejects the metadata.
    pub metadata: Option<Parsed>,
}

/// What `twine check` says about `archive`.
pub fn check(archive: &Archive) -> Outcome {
    let mut out = Outcome::default();
    let (member, bytes) = match find_metadata(archive) {
        Ok(found) => found,
        Err(problem) => {
            out.problems.push(problem);
            return out;
        }
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.problems.push(problem::error("T003", "the metadata is not valid UTF-8").at_member(member));
        return out;
    };
    if let Some(crash) = metadata_version_crash(text) {
        out.problems.push(crash.at_member(member));
        return out;
    }
    let metadata = match Metadata::parse(&email_compat(text)) {
        Ok(m) => m,
        Err(e) => {
            out.problems.push(problem::error("T003", e.diagnostic().message).at_member(member));
            return out;
        }
    };
    let broken = header_break(text);
    let text = email_compat(text);
    out.problems.extend(description(&metadata, &rendered_description(&text)));
    out.metadata = Some(Parsed { metadata, member: member.to_string(), header_break: broken });
    out
}

/// The member twine reads and its bytes, or why there is none.
pub(crate) fn find_metadata(archive: &Archive) -> Result<(&str, &[u8]), Diagnostic> {
    match archive.format {
        Format::Wheel => {
            // Any name containing `METADATA`, shallowest first, then by path parts; the first
            // holding the bytes `Metadata-Version` wins (a stray `METADATA.txt` at the top
            // beats the real `.dist-info/METADATA`).
            let mut candidates: Vec<Vec<&str>> = Vec::new();
            for m in &archive.members {
                if m.name.contains("METADATA") {
                    let parts: Vec<&str> = m.name.split('/').collect();
                    if !candidates.contains(&parts) {
                        candidates.push(parts);
                    }
                }
            }
            candidates.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
            for parts in candidates {
                let name = parts.join("/");
                let m = archive.last(&name).expect("listed member");
                if m.kind == Kind::Dir {
                    continue;
                }
                let data = bytes(m)?;
                if contains(data, b"Metadata-Version") {
                    return Ok((&m.name, data));
                }
            }
            Err(problem::error("T001", "no METADATA in archive or METADATA missing 'Metadata-Version'"))
        }
        Format::TarGz | Format::ZipSdist => {
            let names: Vec<&str> = archive.members.iter().map(|m| m.name.as_str()).collect();
            let root = commonpath(&names).map_err(|why| problem::error("T007", why))?;
            if matches!(root.as_str(), "" | "." | "/") {
                return Err(problem::error("T001", "too many top-level members in sdist archive"));
            }
            let pkg_info = format!("{}/PKG-INFO", root.trim_end_matches('/'));
            let missing = || {
                problem::error("T001", "no PKG-INFO in archive or PKG-INFO missing 'Metadata-Version'")
                    .at_member(&pkg_info)
            };
            let Some(m) = archive.last(&pkg_info) else { return Err(missing()) };
            if archive.format == Format::TarGz && m.kind != Kind::File {
                return Err(problem::error("T001", "PKG-INFO is not a regular file").at_member(&pkg_info));
            }
            let data = bytes(m)?;
            if contains(data, b"Metadata-Version") {
                Ok((&m.name, data))
            } else {
                Err(missing())
            }
        }
    }
}

fn bytes(m: &super::read::Member) -> Result<&[u8], Diagnostic> {
    m.data.as_deref().ok_or_else(|| {
        problem::error("T001", "the metadata file cannot be read (see the problem above)")
            .at_member(m.name.clone())
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Python's `os.path.commonpath` over `/` paths (empty and `.` components dropped).
fn commonpath(paths: &[&str]) -> Result<String, String> {
    if paths.is_empty() {
        return Err("twine crashes on an empty archive (commonpath of nothing)".into());
    }
    let absolute = paths[0].starts_with('/');
    if paths.iter().any(|p| p.starts_with('/') != absolute) {
        return Err("twine crashes on an archive mixing absolute and relative member names".into());
    }
    let split =
        |p: &str| p.split('/').filter(|c| !c.is_empty() && *c != ".").map(String::from).collect::<Vec<_>>();
    let mut common = split(paths[0]);
    for p in &paths[1..] {
        let parts = split(p);
        let same = common.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        common.truncate(same);
    }
    let prefix = if absolute { "/" } else { "" };
    Ok(format!("{prefix}{}", common.join("/")))
}

/// twine compares Metadata-Version as a PEP 440 version before validating; a value that is
/// not one ends in an `InvalidVersion` traceback.
fn metadata_version_crash(text: &str) -> Option<Diagnostic> {
    let headers = cartwheel_core::metadata::parse_headers(&email_compat(text)).ok()?;
    let values: Vec<_> =
        headers.headers.iter().filter(|h| h.name.eq_ignore_ascii_case("metadata-version")).collect();
    let [only] = values.as_slice() else { return None };
    let value = only.raw_value();
    match value.trim().parse::<pep440_rs::Version>() {
        Ok(_) => None,
        _ => Some(problem::error(
            "T007",
            format!(
                "`Metadata-Version: {value}` is not a version number (twine crashes with InvalidVersion)"
            ),
        )),
    }
}

/// What a non-empty line of the header block is to Python's email parser (compat32).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// `Name: value`.
    Header,
    /// Indented: part of the header above (dropped before any header).
    Continuation,
    /// `: value` (an empty name) or a `From ` line: skipped.
    Dropped,
    /// Anything else: the headers end and the body starts here.
    Break,
}

/// The kind of a non-empty `line`.
fn line_kind(line: &str) -> Line {
    let header = line.find(':').is_some_and(|i| line[..i].bytes().all(|b| (b'!'..=b'~').contains(&b)));
    if line.starts_with([' ', '\t']) {
        Line::Continuation
    } else if header && !line.starts_with(':') {
        Line::Header
    } else if header || line.starts_with("From ") {
        Line::Dropped
    } else {
        Line::Break
    }
}

/// The header block as Python's email parser (compat32) sees it: a line that is not a header
/// ends the headers and starts the body; a leading continuation line or an empty field name
/// is dropped.
fn email_compat(text: &str) -> Cow<'_, str> {
    let mut out = String::with_capacity(text.len() + 1);
    let mut rest = text;
    let mut seen_header = false;
    let mut changed = false;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = &rest[..end];
        let skip = if rest[end..].starts_with("\r\n") { 2 } else { usize::from(end < rest.len()) };
        if line.is_empty() {
            out.push_str(rest);
            return if changed { Cow::Owned(out) } else { Cow::Borrowed(text) };
        }
        match line_kind(line) {
            Line::Continuation if seen_header => out.push_str(&rest[..end + skip]),
            Line::Continuation | Line::Dropped => changed = true,
            Line::Header => {
                seen_header = true;
                out.push_str(&rest[..end + skip]);
            }
            Line::Break => {
                // The blank line that starts the body; after a lone `\r` a `\n` alone would merge
                // with it into one `\r\n` line ending and the body would be lost.
                out.push_str(if out.ends_with('\r') { "\n\n" } else { "\n" });
                out.push_str(rest);
                return Cow::Owned(out);
            }
        }
        rest = &rest[end + skip..];
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// How much of a line a finding quotes.
const SHOWN_MAX: usize = 80;

/// The first line of the header block that is neither a header nor a continuation (where
/// `email_compat` starts the body), when known fields follow it before the first blank line.
fn header_break(text: &str) -> Option<HeaderBreak> {
    // Lines as the email parser splits them: `\n`, `\r\n` or a lone `\r` ends one.
    let mut rest = text;
    let mut lines = std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = &rest[..end];
        let skip = if rest[end..].starts_with("\r\n") { 2 } else { usize::from(end < rest.len()) };
        rest = &rest[end + skip..];
        Some(line)
    })
    .enumerate()
    .map(|(i, line)| (i + 1, line));
    let (at, shown) = lines.find(|(_, line)| line.is_empty() || line_kind(line) == Line::Break)?;
    if shown.is_empty() {
        return None;
    }
    let lost: Vec<String> = lines
        .map(|(_, line)| line)
        .take_while(|line| !line.is_empty())
        .filter(|line| line_kind(line) == Line::Header)
        .filter_map(|line| line.split_once(':').map(|(name, _)| name.to_string()))
        .filter(|name| cartwheel_core::metadata::is_known_field(name))
        .collect();
    // The line is quoted in the finding: a long one is cut (it is untrusted text).
    let text = match shown.char_indices().nth(SHOWN_MAX) {
        Some((cut, _)) => format!("{}...", &shown[..cut]),
        None => shown.to_string(),
    };
    (!lost.is_empty()).then_some(HeaderBreak { line: at, text, lost })
}

/// The description as twine hands it to the renderer: packaging keeps a `Description` header's
/// continuation lines verbatim, indent included (so docutils sees them indented), or the body.
fn rendered_description(text: &str) -> String {
    let Ok(raw) = cartwheel_core::metadata::parse_headers(text) else { return String::new() };
    match raw.headers.iter().find(|h| h.name.eq_ignore_ascii_case("description")) {
        Some(header) => header.raw_value(),
        None => raw.body.unwrap_or_default(),
    }
}

/// The long-description step: the two warnings, Markdown and plain text never rendered, reST
/// validated as docutils would (through readme_renderer, halting at the first warning) on
/// `rendered`, twine's view of the text.
fn description(m: &Metadata, rendered: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let content_type = match &m.description_content_type {
        Some(ct) => ct.clone(),
        None => {
            problems.push(
                problem::warning(
                    "T004",
                    "`long_description_content_type` missing. defaulting to `text/x-rst`.",
                )
                .at_field("Description-Content-Type"),
            );
            "text/x-rst".into()
        }
    };
    let mut parts = content_type.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let missing = m.description.as_deref().is_none_or(|d| d.is_empty() || d.trim_end() == "UNKNOWN");
    if missing {
        problems.push(problem::warning("T005", "`long_description` missing.").at_field("Description"));
    } else if mime == "text/x-rst" {
        let clash = parts
            .filter_map(|p| p.split_once('=').map(|(k, _)| k.trim().to_ascii_lowercase()))
            .find(|k| k == "stream" || k == "raw");
        if let Some(key) = clash {
            problems.push(
                problem::error(
                    "T007",
                    format!("content-type parameter `{key}` collides with the reST renderer's own argument (twine crashes with TypeError)"),
                )
                .at_field("Description-Content-Type"),
            );
        } else if let Some(problem) = super::rst::validate(rendered).first() {
            problems.push(rst_problem(problem));
        }
    }
    problems
}

/// twine's failure for a description docutils refuses, with docutils' first message as twine
/// shows it (`line N: Warning: ...`; multi-line messages joined).
fn rst_problem(p: &super::rst::RstProblem) -> Diagnostic {
    const FAILED: &str = "`long_description` has syntax errors in markup and would not be rendered on PyPI.";
    let detail = p.message.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join(" ");
    let problem = match p.line {
        Some(_) => problem::error("T006", format!("{FAILED} {}: {detail}", p.level.title())),
        // readme_renderer's own "No content rendered" and line-less docutils messages.
        None if detail.starts_with("No content") => problem::error("T006", format!("{FAILED} {detail}")),
        None => problem::error("T006", format!("{FAILED} {}: {detail}", p.level.title())),
    };
    match p.line {
        Some(line) => problem.at_description_line(line),
        None => problem.at_field("Description"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commonpath_like_python() {
        assert_eq!(commonpath(&["p-1", "p-1/PKG-INFO", "p-1/a/b"]).unwrap(), "p-1");
        assert_eq!(commonpath(&["./p-1/PKG-INFO", "./p-1/x"]).unwrap(), "p-1");
        assert_eq!(commonpath(&["a/x", "b/x"]).unwrap(), "");
        assert_eq!(commonpath(&["p-1/PKG-INFO"]).unwrap(), "p-1/PKG-INFO");
        assert_eq!(commonpath(&["/a/x", "/a/y"]).unwrap(), "/a");
        assert!(commonpath(&["/a", "b"]).is_err());
    }

    #[test]
    fn email_compat_starts_the_body_at_a_non_header() {
        let t = "Metadata-Version: 2.1\nName: a\nnot a header\nmore\n";
        assert_eq!(email_compat(t), "Metadata-Version: 2.1\nName: a\n\nnot a header\nmore\n");
        let t = "Metadata-Version: 2.1\n\nbody\n";
        assert!(matches!(email_compat(t), Cow::Borrowed(_)));
        assert_eq!(email_compat(" lead\nName: a\n"), "Name: a\n");
        // CR-only line endings: a `\r` in a Summary ends the header block as a `\n` does.
        let t = "Metadata-Version: 2.1\rSummary: a\rb\rName: x\r";
        let parsed = cartwheel_core::metadata::parse_headers(&email_compat(t)).unwrap();
        assert_eq!(parsed.headers.len(), 2);
        assert_eq!(parsed.body.as_deref(), Some("b\rName: x\r"));
    }

    #[test]
    fn header_break_names_the_fields_it_loses() {
        // hatchling 1.33's METADATA for `import-names = []`.
        let t = "Metadata-Version: 2.5\nName: a\nVersion: 1\nImport-Name\nSummary: s\nRequires-Dist: b\nx: y\n\nbody\n";
        let b = header_break(t).unwrap();
        assert_eq!((b.line, b.text.as_str()), (4, "Import-Name"));
        assert_eq!(b.lost, ["Summary", "Requires-Dist"]);
        // CRLF and lone CR line endings count lines as the email parser does.
        let b = header_break(&t.replace('\n', "\r\n")).unwrap();
        assert_eq!((b.line, b.lost.len()), (4, 2));
        assert_eq!(header_break(&t.replace('\n', "\r")).unwrap().line, 4);
        // No field after the break (a description without its blank line), a dropped `:x`
        // line, a `From ` line, a clean file: nothing lost.
        assert_eq!(header_break("Metadata-Version: 2.1\nName: a\nJust prose.\nSummary is here\n"), None);
        assert_eq!(header_break("Metadata-Version: 2.1\n:odd\nFrom x\nName: a\n\nSummary: b\n"), None);
        assert_eq!(header_break(GOOD), None);
        // A long line is quoted cut.
        let long = format!("Name: a\n{}\nSummary: s\n", "x".repeat(200));
        assert_eq!(header_break(&long).unwrap().text, format!("{}...", "x".repeat(80)));
    }

    fn wheel(members: &[(&str, &str)]) -> Archive {
        let members = members
            .iter()
            .map(|(name, text)| super::super::read::Member {
                name: name.to_string(),
                kind: Kind::File,
                size: text.len() as u64,
                hash: None,
                data: Some(text.as_bytes().to_vec()),
                link: None,
            })
            .collect();
        Archive { format: Format::Wheel, members, problems: Vec::new() }
    }

    const GOOD: &str =
        "Metadata-Version: 2.1\nName: a\nVersion: 1\nDescription-Content-Type: text/plain\n\nHi\n";

    #[test]
    fn shallowest_metadata_wins_and_needs_the_marker() {
        let a = wheel(&[("a-1.dist-info/METADATA", GOOD), ("METADATA.txt", "no marker")]);
        assert_eq!(find_metadata(&a).unwrap().0, "a-1.dist-info/METADATA");
        let a = wheel(&[("a-1.dist-info/METADATA", GOOD), ("METADATA", "Metadata-Version: 2.0\n")]);
        assert_eq!(find_metadata(&a).unwrap().0, "METADATA");
        assert!(check(&a).problems.iter().any(|p| p.code.unwrap_or_default() == "T003"));
        let clean = check(&wheel(&[("a-1.dist-info/METADATA", GOOD)]));
        assert!(clean.problems.is_empty() && clean.metadata.is_some(), "{:?}", clean.problems);
    }

    #[test]
    fn warnings_and_crashes() {
        let no_type = GOOD.replace("Description-Content-Type: text/plain\n", "");
        let out = check(&wheel(&[("a-1.dist-info/METADATA", &no_type)]));
        let codes: Vec<_> = out.problems.iter().map(|p| p.code.unwrap_or_default()).collect();
        assert_eq!(codes, ["T004"]);
        let bad = no_type.replace("\n\nHi\n", "\n\nTitle\n===\n\nLong title\n====\n");
        let out = check(&wheel(&[("a-1.dist-info/METADATA", &bad)]));
        let t006 = out.problems.iter().find(|p| p.code.unwrap_or_default() == "T006").expect("T006");
        assert_eq!(t006.severity, super::super::Severity::Error);
        assert_eq!(t006.location_text().as_deref(), Some("README line 5"));
        assert!(t006.message.ends_with("PyPI. Warning: Title underline too short."), "{}", t006.message);
        let stream = GOOD.replace("text/plain", "text/x-rst; stream=x");
        let out = check(&wheel(&[("a-1.dist-info/METADATA", &stream)]));
        assert_eq!(out.problems[0].code.unwrap_or_default(), "T007");
    }

    #[test]
    fn metadata_version_must_be_a_version() {
        assert!(metadata_version_crash("Metadata-Version: x\n").is_some());
        assert!(metadata_version_crash("Metadata-Version: 2.1\n").is_none());
        assert!(metadata_version_crash("Metadata-Version: 9.9\n").is_none());
    }
}
