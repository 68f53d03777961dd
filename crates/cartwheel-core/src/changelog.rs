//! Keep a Changelog edits for `cartwheel bump`: the `## [Unreleased]` section becomes the
//! release's (`## [1.5.0] - 2026-11-24`) under a fresh, empty Unreleased section, and the
//! compare links at the bottom follow (`[Unreleased]: .../compare/v1.5.0...HEAD`, a new
//! `[1.5.0]: .../compare/v1.4.0...v1.5.0`), as does a compare link in the Unreleased heading
//! itself. A changelog without an Unreleased section gets the release's section before its
//! first one; one without sections, above its first change (under a `# Title`). Sections are `##`, or `###` where the changelog's are; line endings follow the
//! file's.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::{Diagnostic, SourceFile};

// `Unreleased`, `[Unreleased]`, `[Unreleased] - ...`, `[Unreleased](https://...)`.
static UNRELEASED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\[?unreleased\]?(?:[\s(:]|$)").expect("valid regex"));
// A release section's heading text: `[1.4.0] - ...`, `1.4.0 (...)`, `v1.4.0`.
static RELEASE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\[?v?\d").expect("valid regex"));
static LINK_DEF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[([^\]]+)\]:[ \t]*(\S+)").expect("valid regex"));
static COMPARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*/compare/)(.+?)\.\.\.(\S+)$").expect("valid regex"));
// `[Unreleased](https://.../compare/v1.4.0...HEAD)` as the heading itself.
static INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(#+[ \t]+\[(?i:unreleased)\])\((\S*/compare/)([^)\s]+?)\.\.\.([^)\s]+)\)(.*)$")
        .expect("valid regex")
});

/// One line of the changelog: its byte range (line ending excluded) and, for a Markdown
/// heading outside a code fence, its level (`## ` is 2).
struct Line {
    range: Range<usize>,
    end: usize,
    level: Option<usize>,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    // A byte order mark is not part of the first line (`\u{feff}## [Unreleased]` is a heading);
    // it stays in the text, before it.
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut start = text.len() - body.len();
    let mut fenced = false;
    for raw in body.split_inclusive('\n') {
        let body = raw.trim_end_matches(['\n', '\r']);
        if body.trim_start().starts_with("```") || body.trim_start().starts_with("~~~") {
            fenced = !fenced;
        }
        let hashes = body.len() - body.trim_start_matches('#').len();
        let level = (!fenced && (1..=6).contains(&hashes) && body[hashes..].starts_with([' ', '\t']))
            .then_some(hashes);
        out.push(Line { range: start..start + body.len(), end: start + raw.len(), level });
        start += raw.len();
    }
    out
}

/// The heading text of a level-2 heading line (`## [1.0.0] - date` → `[1.0.0] - date`).
fn heading_text<'t>(text: &'t str, line: &Line) -> &'t str {
    text[line.range.clone()].trim_start_matches('#').trim()
}

/// `text` with a section for `version` released on `date` (YYYY-MM-DD); warnings (an empty
/// Unreleased section) go to `warnings`, pointed at `file`.
pub fn release(
    file: &SourceFile,
    version: &str,
    date: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<String, Box<Diagnostic>> {
    let text = &*file.text;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines = lines(text);
    // Sections are `##` in Keep a Changelog; a changelog whose Unreleased (else first release)
    // heading is `###` gets `###` sections, rather than one `##` section at its very end.
    let level = lines
        .iter()
        .filter(|l| l.level.is_some_and(|n| n >= 2))
        .find(|l| UNRELEASED.is_match(heading_text(text, l)))
        .or_else(|| {
            lines.iter().find(|l| l.level.is_some_and(|n| n >= 2) && RELEASE.is_match(heading_text(text, l)))
        })
        .and_then(|l| l.level)
        .unwrap_or(2);
    let headings: Vec<&Line> = lines.iter().filter(|l| l.level == Some(level)).collect();
    let names_version = |h: &str| {
        let h = h.trim_start_matches('[');
        h.strip_prefix(version).is_some_and(|rest| rest.is_empty() || rest.starts_with([']', ' ', '\t']))
    };
    if let Some(h) = headings.iter().find(|h| names_version(heading_text(text, h))) {
        return Err(Box::new(
            Diagnostic::error(format!("the changelog already has a section for {version}"))
                .at(file, Some(h.range.clone()))
                .help("bump to another version, or `--no-changelog`"),
        ));
    }
    let mut out = String::with_capacity(text.len() + 200);
    let unreleased = headings.iter().position(|h| UNRELEASED.is_match(heading_text(text, h)));
    let bracketed = match unreleased {
        Some(i) => heading_text(text, headings[i]).starts_with('['),
        None => headings.first().is_none_or(|h| heading_text(text, h).starts_with('[')),
    };
    let hashes = "#".repeat(level);
    let title = if bracketed {
        format!("{hashes} [{version}] - {date}")
    } else {
        format!("{hashes} {version} - {date}")
    };
    match unreleased {
        Some(i) => {
            let h = headings[i];
            let body_end = headings.get(i + 1).map_or(text.len(), |n| n.range.start);
            // Keep a Changelog's empty `### Added` / `### Fixed` headings list no change either.
            let lists_changes = text[h.end..body_end]
                .lines()
                .map(str::trim)
                .any(|l| !l.is_empty() && !l.starts_with('#') && !LINK_DEF.is_match(l));
            if !lists_changes {
                warnings.push(
                    Diagnostic::warning(format!(
                        "the Unreleased section is empty: {version}'s section lists no changes"
                    ))
                    .at(file, Some(h.range.clone()))
                    .help("note the changes under `## [Unreleased]` before releasing"),
                );
            }
            // The heading as the user wrote it stays on top, empty, for the next changes; one
            // that links its compare view moves it on, and the release links its own.
            let (heading, title) = match INLINE.captures(&text[h.range.clone()]) {
                Some(c) if bracketed => {
                    let tag = tag_like(&c[3], version);
                    let (base, from) = (&c[2], &c[3]);
                    (
                        format!("{}({base}{tag}...{}){}", &c[1], &c[4], &c[5]),
                        format!("{hashes} [{version}]({base}{from}...{tag}) - {date}"),
                    )
                }
                _ => (text[h.range.clone()].to_string(), title),
            };
            out.push_str(&text[..h.range.start]);
            out.push_str(&heading);
            out.push_str(if h.end == h.range.end { eol } else { &text[h.range.end..h.end] });
            out.push_str(eol);
            out.push_str(&title);
            out.push_str(&text[h.range.end..]);
        }
        None => {
            let at = match headings.first() {
                Some(h) => h.range.start,
                None => first_change(text, &lines),
            };
            out.push_str(&text[..at]);
            if !out.trim_start_matches('\u{feff}').trim().is_empty() {
                // A blank line between what comes before (a title) and the new section.
                if !out.ends_with('\n') {
                    out.push_str(eol);
                }
                if !(out.ends_with("\n\n") || out.ends_with("\n\r\n")) {
                    out.push_str(eol);
                }
            }
            out.push_str(&title);
            out.push_str(eol);
            out.push_str(eol);
            out.push_str(&text[at..]);
        }
    }
    if bracketed {
        out = compare_links(&out, version, eol);
    }
    Ok(out)
}

/// The body of `version`'s section (the release notes): the lines under its heading up to
/// the next heading of the same or a higher level, trimmed; `None` when no section names it.
pub fn notes(text: &str, version: &str) -> Option<String> {
    let all = lines(text);
    let names_version = |h: &str| {
        let h = h.trim_start_matches('[').trim_start_matches('v');
        h.strip_prefix(version).is_some_and(|rest| rest.is_empty() || rest.starts_with([']', ' ', '\t', '(']))
    };
    let (i, level) = all.iter().enumerate().find_map(|(i, l)| {
        l.level.filter(|&n| n >= 2 && names_version(heading_text(text, l))).map(|n| (i, n))
    })?;
    let end = all[i + 1..]
        .iter()
        .find(|l| l.level.is_some_and(|n| n <= level))
        .map_or(text.len(), |l| l.range.start);
    // Link definitions at the end of the file belong to every section, not to the last one.
    let body: Vec<&str> =
        text[all[i].end.min(end)..end].lines().filter(|l| !LINK_DEF.is_match(l.trim_start())).collect();
    Some(body.join("\n").trim().to_string())
}

/// Where a changelog without sections has its first change: after a leading `# Title` line
/// and the blank lines around it (the end of the text when nothing follows).
fn first_change(text: &str, lines: &[Line]) -> usize {
    let content =
        |from: usize| (from..lines.len()).find(|&i| !text[lines[i].range.clone()].trim().is_empty());
    let first = match content(0) {
        Some(i) if lines[i].level == Some(1) => content(i + 1),
        other => other,
    };
    first.map_or(text.len(), |i| lines[i].range.start)
}

/// `version`'s tag, spelled like the tag `from` (`v1.4.0` → `v1.5.0`, `1.4.0` → `1.5.0`).
fn tag_like(from: &str, version: &str) -> String {
    let prefix = from.find(|c: char| c.is_ascii_digit()).map_or("", |i| &from[..i]);
    format!("{prefix}{version}")
}

/// Point the `[Unreleased]` compare link at the new tag and add the release's own link after
/// it, reusing the previous tag's spelling (`v1.4.0` → `v1.5.0`).
fn compare_links(text: &str, version: &str, eol: &str) -> String {
    let all = lines(text);
    let defs: Vec<(&Line, regex::Captures)> =
        all.iter().filter_map(|l| LINK_DEF.captures(&text[l.range.clone()]).map(|c| (l, c))).collect();
    if defs.iter().any(|(_, c)| c[1].eq_ignore_ascii_case(version)) {
        return text.to_string();
    }
    let Some((line, url)) = defs
        .iter()
        .find(|(_, c)| c[1].eq_ignore_ascii_case("unreleased"))
        .map(|(l, c)| (*l, c[2].to_string()))
    else {
        return text.to_string();
    };
    let Some(cmp) = COMPARE.captures(&url) else { return text.to_string() };
    let (base, from, to) = (&cmp[1], &cmp[2], &cmp[3]);
    let tag = tag_like(from, version);
    let label = &text[line.range.start + 1..line.range.start + 1 + "unreleased".len()];
    let mut out = String::with_capacity(text.len() + 100);
    out.push_str(&text[..line.range.start]);
    out.push_str(&format!("[{label}]: {base}{tag}...{to}{eol}[{version}]: {base}{from}...{tag}"));
    out.push_str(&text[line.range.end..]);
    out
}

/// Today (UTC) as YYYY-MM-DD; `SOURCE_DATE_EPOCH`, when set, fixes "now" for reproducible
/// output.
pub fn today() -> Result<String, Box<Diagnostic>> {
    let secs = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.trim().is_empty() => s.trim().parse::<i64>().map_err(|_| {
            Diagnostic::error(format!(
                "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got `{s}`"
            ))
        })?,
        _ => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    Ok(date(secs))
}

/// Seconds since 1970 as a proleptic Gregorian YYYY-MM-DD (H. Hinnant's civil_from_days).
pub fn date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (String, Vec<Diagnostic>) {
        let mut w = Vec::new();
        let out = release(&SourceFile::new("CHANGELOG.md", text), "1.5.0", "2026-11-24", &mut w).unwrap();
        (out, w)
    }

    const KEEP: &str = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n\n- Thing.\n\n## [1.4.0] - 2026-11-20\n\n- Old.\n\n[Unreleased]: https://github.com/o/r/compare/v1.4.0...HEAD\n[1.4.0]: https://github.com/o/r/compare/v1.3.0...v1.4.0\n";

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(1_795_996_800), "2026-11-30");
        assert_eq!(date(-1), "1969-12-31");
    }

    #[test]
    fn keep_a_changelog() {
        let (out, w) = run(KEEP);
        assert!(w.is_empty());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn crlf_and_plain_headings() {
        let text = KEEP.replace('\n', "\r\n");
        let (out, _) = run(&text);
        assert_eq!(out, run(KEEP).0.replace('\n', "\r\n"));
        assert_eq!(
            run("# Changes\n\n## Unreleased\n- a\n\n## 1.4.0 - 2026-01-01\n").0,
            "# Changes\n\n## Unreleased\n\n## 1.5.0 - 2026-11-24\n- a\n\n## 1.4.0 - 2026-01-01\n"
        );
    }

    #[test]
    fn no_unreleased_section() {
        for (before, after) in [
            (
                "# Changelog\n\nIntro.\n\n## [1.4.0] - 2026-11-20\n\n- Old.\n",
                "# Changelog\n\nIntro.\n\n## [1.5.0] - 2026-11-24\n\n## [1.4.0] - 2026-11-20\n\n- Old.\n",
            ),
            ("# Changelog\n\n", "# Changelog\n\n## [1.5.0] - 2026-11-24\n\n"),
            ("", "## [1.5.0] - 2026-11-24\n\n"),
        ] {
            assert_eq!(run(before).0, after, "{before:?}");
        }
    }

    #[test]
    fn content_without_sections_becomes_the_release() {
        // The changes listed so far are the release's: its heading goes above them, under the
        // title.
        for (before, after) in [
            (
                "# Changelog\n\n- Fixed a thing.\n- Added another.\n",
                "# Changelog\n\n## [1.5.0] - 2026-11-24\n\n- Fixed a thing.\n- Added another.\n",
            ),
            ("# Changelog\r\n- Fixed.\r\n", "# Changelog\r\n\r\n## [1.5.0] - 2026-11-24\r\n\r\n- Fixed.\r\n"),
            ("\n- Fixed.\n", "\n## [1.5.0] - 2026-11-24\n\n- Fixed.\n"),
            ("\u{feff}- Fixed.\n", "\u{feff}## [1.5.0] - 2026-11-24\n\n- Fixed.\n"),
        ] {
            assert_eq!(run(before).0, after, "{before:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_heading() {
        let (out, w) = run("\u{feff}## [Unreleased]\n- a\n\n## [1.4.0] - 2026-01-01\n");
        assert!(w.is_empty());
        assert_eq!(
            out,
            "\u{feff}## [Unreleased]\n\n## [1.5.0] - 2026-11-24\n- a\n\n## [1.4.0] - 2026-01-01\n"
        );
        assert_eq!(
            run("\u{feff}# Changelog\n\n- a\n").0,
            "\u{feff}# Changelog\n\n## [1.5.0] - 2026-11-24\n\n- a\n"
        );
    }

    #[test]
    fn empty_unreleased_warns_and_code_fences_are_not_headings() {
        let (out, w) = run("# C\n\n```\n## [Unreleased]\n```\n## [Unreleased]\n## [1.0.0]\n");
        assert_eq!(
            out,
            "# C\n\n```\n## [Unreleased]\n```\n## [Unreleased]\n\n## [1.5.0] - 2026-11-24\n## [1.0.0]\n"
        );
        assert_eq!(w.len(), 1);
        insta::assert_snapshot!(w[0].to_string());
        // Only empty sub-headings, and the link definitions of a last section: still empty.
        let (_, w) = run(
            "# C\n\n## [Unreleased]\n\n### Added\n\n### Fixed\n\n[Unreleased]: https://x/compare/v1...HEAD\n",
        );
        assert_eq!(w.len(), 1);
        let (_, w) = run("# C\n\n## [Unreleased]\n\n### Added\n\n- Thing.\n");
        assert!(w.is_empty());
    }

    #[test]
    fn refuses_a_second_section_for_the_version() {
        let mut w = Vec::new();
        let file = SourceFile::new("CHANGELOG.md", "## [Unreleased]\n\n## [1.5.0] - 2026-01-01\n");
        let e = release(&file, "1.5.0", "2026-11-24", &mut w).unwrap_err().to_string();
        insta::assert_snapshot!(e);
    }

    #[test]
    fn other_heading_forms() {
        // Level-3 sections: the release goes under Unreleased, not to the end of the file.
        for (before, after) in [
            (
                "# C\n\n### [Unreleased]\n- a\n\n### [1.4.0] - 2026-01-01\n- b\n",
                "# C\n\n### [Unreleased]\n\n### [1.5.0] - 2026-11-24\n- a\n\n### [1.4.0] - 2026-01-01\n- b\n",
            ),
            ("# C\n\n### 1.4.0\n- b\n", "# C\n\n### 1.5.0 - 2026-11-24\n\n### 1.4.0\n- b\n"),
        ] {
            assert_eq!(run(before).0, after, "{before:?}");
        }
        // An Unreleased heading that is itself a compare link: the link moves on, the release
        // links its own compare view.
        for (before, after) in [
            ("# C\n\n## [Unreleased](https://github.com/o/r/compare/v1.4.0...HEAD)\n- a\n", "# C\n\n## [Unreleased](https://github.com/o/r/compare/v1.5.0...HEAD)\n\n## [1.5.0](https://github.com/o/r/compare/v1.4.0...v1.5.0) - 2026-11-24\n- a\n"),
            ("## [Unreleased](https://example.com/log)\r\n- a\r\n", "## [Unreleased](https://example.com/log)\r\n\r\n## [1.5.0] - 2026-11-24\r\n- a\r\n"),
        ] {
            assert_eq!(run(before).0, after, "{before:?}");
        }
        // `#hashtag` lines are not headings.
        assert_eq!(
            run("# C\n\n## [Unreleased]\n#tag\n").0,
            "# C\n\n## [Unreleased]\n\n## [1.5.0] - 2026-11-24\n#tag\n"
        );
    }

    #[test]
    fn links_keep_the_tag_spelling() {
        let (out, _) =
            run("## [Unreleased]\n- x\n\n[unreleased]: https://gitlab.com/o/r/-/compare/1.4.0...main\n");
        assert!(out.ends_with("[unreleased]: https://gitlab.com/o/r/-/compare/1.5.0...main\n[1.5.0]: https://gitlab.com/o/r/-/compare/1.4.0...1.5.0\n"), "{out}");
        // Not a compare link: left alone.
        let text = "## [Unreleased]\n- x\n\n[Unreleased]: https://github.com/o/r/commits/main\n";
        assert!(run(text).0.ends_with("[Unreleased]: https://github.com/o/r/commits/main\n"));
    }

    #[test]
    fn notes_of_a_version() {
        let text = "# Changelog\n\n## [Unreleased]\n\n## [1.5.0] - 2026-12-07\n\n### Added\n- `acme-client ping`\n\n## [1.4.0] - 2026-01-01\n- old\n\n[Unreleased]: https://x/compare/v1.5.0...HEAD\n[1.5.0]: https://x/compare/v1.4.0...v1.5.0\n";
        assert_eq!(notes(text, "1.5.0").as_deref(), Some("### Added\n- `acme-client ping`"));
        assert_eq!(notes(text, "1.4.0").as_deref(), Some("- old"));
        assert_eq!(notes(text, "1.4"), None);
        assert_eq!(notes(text, "2.0.0"), None);
        assert_eq!(notes("## v2.0 (2026-12-07)\nfirst\n", "2.0").as_deref(), Some("first"));
    }
}
