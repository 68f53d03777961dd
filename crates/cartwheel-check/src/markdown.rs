//! Markdown long descriptions, as PyPI renders them (cmark-gfm, no base URL): anything renders,
//! so the honest findings are a relative link or image, which points nowhere on pypi.org, and
//! Markdown shipped without a content type, which PyPI renders as reStructuredText.

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::twine::Parsed;
use super::{problem, Diagnostic};

/// Relative links and images in a Markdown description.
pub(super) fn check(parsed: &Parsed) -> Vec<Diagnostic> {
    let m = &parsed.metadata;
    validate(m.description.as_deref(), m.description_content_type.as_deref())
}

/// The findings for a description `text` declared as `content_type`.
pub fn validate(text: Option<&str>, content_type: Option<&str>) -> Vec<Diagnostic> {
    let is_markdown = content_type
        .is_some_and(|ct| ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("text/markdown"));
    if content_type.is_none() {
        if let Some(line) = text.and_then(markdown_line) {
            return vec![problem::warning(
                "D002",
                "the description looks like Markdown but has no content type: PyPI will show it as \
                 reStructuredText (set `text/markdown`)",
            )
            .at_description_line(line)];
        }
    }
    let Some(text) = text.filter(|_| is_markdown) else { return Vec::new() };
    let mut out = Vec::new();
    let (mut line, mut counted) = (1, 0);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let (what, url) = match &event {
            Event::Start(Tag::Link { dest_url, .. }) => ("link", dest_url),
            Event::Start(Tag::Image { dest_url, .. }) => ("image", dest_url),
            _ => continue,
        };
        if is_relative(url) {
            // Counted on from the previous finding: a description of many links stays linear.
            line += text[counted..range.start].matches('\n').count();
            counted = range.start;
            out.push(
                problem::warning(
                    "D001",
                    format!("relative {what} `{url}` points nowhere on PyPI: use an absolute URL"),
                )
                .at_description_line(line),
            );
        }
    }
    out
}

/// The first line that only Markdown would write: an ATX heading, a code fence, an inline link.
fn markdown_line(text: &str) -> Option<usize> {
    let heading = regex::Regex::new(r"^#{1,6} \S|^```|\]\((https?://|\.{0,2}/)").expect("valid regex");
    let lines: Vec<&str> = text.lines().collect();
    // A line of backticks under a title (or over and under it) is a reST section adornment,
    // not a fence: "0.7.0 - 2021-01-23" underlined with ``````````.
    let adornment = |i: usize| {
        let line = lines[i].trim_end();
        line.len() >= 3
            && line.bytes().all(|b| b == b'`')
            && ((i > 0 && !lines[i - 1].trim().is_empty())
                || lines.get(i + 2).map(|l| l.trim_end()) == Some(line))
    };
    (0..lines.len()).find(|&i| heading.is_match(lines[i]) && !adornment(i)).map(|i| i + 1)
}

/// Neither absolute (`scheme:`), protocol-relative, nor an in-page anchor.
fn is_relative(url: &str) -> bool {
    if url.is_empty() || url.starts_with('#') || url.starts_with("//") {
        return false;
    }
    let scheme = url.split_once(':').map(|(s, _)| s);
    !scheme.is_some_and(|s| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_without_content_type() {
        assert_eq!(markdown_line("Title\n=====\n\n# heading\n"), Some(4));
        assert_eq!(markdown_line("See [docs](https://x.org).\n"), Some(1));
        assert_eq!(markdown_line("Plain words.\n\n.. note:: rst\n"), None);
        // reST section titles adorned with backticks are not code fences.
        assert_eq!(
            markdown_line("Changes\n-------\n\n0.7.0 - 2021-01-23\n``````````````````\n\n* x\n"),
            None
        );
        assert_eq!(markdown_line("\n``````\nTitle\n``````\n\ntext\n"), None);
        assert_eq!(markdown_line("Intro.\n\n```python\nx = 1\n```\n"), Some(3));
    }

    #[test]
    fn relative_links_are_located_in_linear_time() {
        let text = "[a](x.md)\n".repeat(100_000);
        let found = validate(Some(&text), Some("text/markdown"));
        assert_eq!(found.len(), 100_000);
        assert_eq!(found[99_999].location_text().as_deref(), Some("README line 100000"));
    }

    #[test]
    fn relative_urls() {
        assert!(is_relative("docs/x.png"));
        assert!(is_relative("./CONTRIBUTING.md"));
        assert!(!is_relative("https://x.org/a.png"));
        assert!(!is_relative("mailto:a@b.c"));
        assert!(!is_relative("#usage"));
    }
}
