//! Writing METADATA / PKG-INFO and entry_points.txt.

use std::fmt::Write as _;

use pep508_rs::{Requirement, VersionOrUrl};

use super::Metadata;
use crate::project::Project;

/// Continuation indent of folded values: `len("License: ") - 1`, as setuptools and hatchling
/// write it (setuptools' reader strips exactly this back off).
pub(crate) const FOLD_INDENT: &str = "        ";

impl Metadata {
    /// METADATA (wheel) text; `for_sdist` renders PKG-INFO (Metadata-Version at least 2.2).
    pub fn render(&self, for_sdist: bool) -> String {
        let mut out = String::new();
        push_field(&mut out, "Metadata-Version", &self.metadata_version(for_sdist));
        push_field(&mut out, "Name", &self.name);
        push_field(&mut out, "Version", &self.version.to_string());
        many(&mut out, "Dynamic", &self.dynamic);
        many(&mut out, "Platform", &self.platforms);
        many(&mut out, "Supported-Platform", &self.supported_platforms);
        opt(&mut out, "Summary", &self.summary);
        opt(&mut out, "Home-page", &self.home_page);
        opt(&mut out, "Download-URL", &self.download_url);
        if !self.keywords.is_empty() {
            // packaging splits on `,` and strips each part; no space keeps the field compact.
            push_field(&mut out, "Keywords", &self.keywords.join(","));
        }
        opt(&mut out, "Author", &self.author);
        opt(&mut out, "Author-email", &self.author_email);
        opt(&mut out, "Maintainer", &self.maintainer);
        opt(&mut out, "Maintainer-email", &self.maintainer_email);
        opt(&mut out, "License", &self.license);
        opt(&mut out, "License-Expression", &self.license_expression);
        many(&mut out, "License-File", &self.license_files);
        many(&mut out, "Classifier", &self.classifiers);
        opt(&mut out, "Requires-Python", &self.requires_python);
        many(&mut out, "Requires-Dist", &self.requires_dist);
        many(&mut out, "Requires-External", &self.requires_external);
        many(&mut out, "Provides-Dist", &self.provides_dist);
        many(&mut out, "Obsoletes-Dist", &self.obsoletes_dist);
        many(&mut out, "Requires", &self.requires);
        many(&mut out, "Provides", &self.provides);
        many(&mut out, "Obsoletes", &self.obsoletes);
        for (label, url) in &self.project_urls {
            push_field(&mut out, "Project-URL", &format!("{label}, {url}"));
        }
        many(&mut out, "Provides-Extra", &self.provides_extra);
        many(&mut out, "Import-Name", &self.import_names);
        many(&mut out, "Import-Namespace", &self.import_namespaces);
        opt(&mut out, "Description-Content-Type", &self.description_content_type);
        if let Some(description) = &self.description {
            // Metadata 2.1+: the body, verbatim; no header escaping needed.
            out.push('\n');
            out.push_str(description);
        }
        out
    }
}

fn opt(out: &mut String, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        push_field(out, name, v);
    }
}

fn many(out: &mut String, name: &str, values: &[String]) {
    for v in values {
        push_field(out, name, v);
    }
}

/// `Name: value`, continuation lines indented by 8 spaces.
///
/// packaging (email compat32) keeps continuation lines verbatim, indent included, so no
/// folding is lossless for it; this is the layout setuptools and hatchling write and strip.
/// Blank lines keep the indent: an empty line would end the headers.
fn push_field(out: &mut String, name: &str, value: &str) {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines = value.split('\n');
    let _ = write!(out, "{name}: {}", lines.next().unwrap_or(""));
    for line in lines {
        out.push('\n');
        out.push_str(FOLD_INDENT);
        out.push_str(line);
    }
    out.push('\n');
}

/// RFC 5322 specials: a display name holding one must be quoted (`email.headerregistry`).
const SPECIALS: &[char] = &['(', ')', '<', '>', '@', ',', ':', ';', '.', '\\', '"', '[', ']'];

/// `Name <email>` or `email`, quoted as Python's `email.headerregistry.Address` does.
pub fn format_address(name: Option<&str>, email: &str) -> String {
    let email = match email.rsplit_once('@') {
        Some((local, domain)) if local.contains(|c: char| c != '.' && SPECIALS.contains(&c)) => {
            format!("{}@{domain}", quote_string(local))
        }
        _ => email.to_string(),
    };
    match name {
        Some(name) if !name.is_empty() => {
            if name.contains(SPECIALS) {
                format!("{} <{email}>", quote_string(name))
            } else {
                format!("{name} <{email}>")
            }
        }
        _ => email,
    }
}

fn quote_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A `Requires-Dist` value: the requirement with `extra == "<extra>"` and-ed to its marker.
///
/// The existing marker is parenthesised when it has a top-level `or` (`and` binds tighter).
/// A URL requirement keeps a space before `;`, which is legal inside URLs.
pub fn format_requirement(text: &str, req: &Requirement, extra: Option<&str>) -> String {
    // The user's own text is kept: pep508_rs would rewrite markers (`python_version` →
    // `python_full_version`, expanded `or`s), valid but not what the maintainer wrote.
    let is_url = matches!(req.version_or_url, Some(VersionOrUrl::Url(_)));
    let (base, marker) = split_marker(text.trim(), is_url);
    let mut out = base.to_string();
    let marker = match (marker, extra) {
        (None, None) => return out,
        (Some(m), None) => m.to_string(),
        (None, Some(e)) => format!("extra == \"{e}\""),
        (Some(m), Some(e)) if has_top_level_or(m) => format!("({m}) and extra == \"{e}\""),
        (Some(m), Some(e)) => format!("{m} and extra == \"{e}\""),
    };
    out.push_str(if is_url { " ; " } else { "; " });
    out.push_str(&marker);
    out
}

/// Split a valid PEP 508 string into the requirement and its marker text. In a URL
/// requirement only a `;` after white space starts the marker (`;` is legal in URLs).
fn split_marker(text: &str, is_url: bool) -> (&str, Option<&str>) {
    let at = if is_url {
        let url_start = text.find('@').unwrap_or(0);
        text[url_start..]
            .char_indices()
            .find(|&(i, c)| c == ';' && i > 0 && text[url_start..][..i].ends_with(char::is_whitespace))
            .map(|(i, _)| url_start + i)
    } else {
        text.find(';')
    };
    match at {
        Some(i) => {
            let marker = text[i + 1..].trim();
            (text[..i].trim_end(), (!marker.is_empty()).then_some(marker))
        }
        None => (text, None),
    }
}

/// Whether `marker` has an `or` outside parentheses and quoted values.
fn has_top_level_or(marker: &str) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let bytes = marker.as_bytes();
    for (i, c) in marker.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, 'o') if depth == 0 => {
                // `or` is a keyword wherever it is not part of a name: PEP 508 needs no space
                // around it after a quote or a parenthesis (`'3.8'or os_name == 'nt'`).
                let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.';
                let before_ok = i == 0 || !word(&bytes[i - 1]);
                let after_ok = bytes.get(i + 1) == Some(&b'r') && bytes.get(i + 2).is_none_or(|b| !word(b));
                if before_ok && after_ok {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// `.dist-info/entry_points.txt`: `[console_scripts]`, `[gui_scripts]`, then the other
/// groups in pyproject order; `None` when there is no entry point at all.
pub fn entry_points_txt(project: &Project) -> Option<String> {
    let mut groups: Vec<(&str, &indexmap::IndexMap<String, String>)> =
        vec![("console_scripts", &project.scripts), ("gui_scripts", &project.gui_scripts)];
    for (group, entries) in &project.entry_points {
        // pyproject validation rejects these two as tables; never write a group twice.
        if group != "console_scripts" && group != "gui_scripts" {
            groups.push((group, entries));
        }
    }
    let sections: Vec<String> = groups
        .into_iter()
        .filter(|(_, entries)| !entries.is_empty())
        .map(|(group, entries)| {
            let mut section = format!("[{group}]\n");
            for (name, reference) in entries {
                let _ = writeln!(section, "{name} = {reference}");
            }
            section
        })
        .collect();
    (!sections.is_empty()).then(|| sections.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_or_only() {
        assert!(has_top_level_or("a == '1' or b == '2'"));
        assert!(has_top_level_or("python_version>='3.8'or os_name=='nt'"));
        assert!(has_top_level_or("(a == '1')or(b == '2')"));
        assert!(!has_top_level_or("platform_version == '1' and os_name == 'nt'"));
        assert!(!has_top_level_or("(a == '1' or b == '2') and c == '3'"));
        assert!(!has_top_level_or("platform_release == 'x or y'"));
        assert!(!has_top_level_or("os_name == 'nt' and implementation_name == 'cpython'"));
    }

    #[test]
    fn folds_multi_line_values() {
        let mut out = String::new();
        push_field(&mut out, "License", "MIT License\r\n\r\nCopyright (c) me");
        assert_eq!(out, "License: MIT License\n        \n        Copyright (c) me\n");
    }

    #[test]
    fn formats_addresses_like_python() {
        assert_eq!(format_address(None, "a@b.org"), "a@b.org");
        assert_eq!(format_address(Some(""), "a@b.org"), "a@b.org");
        assert_eq!(format_address(Some("Jane Doe"), "jane@b.org"), "Jane Doe <jane@b.org>");
        assert_eq!(format_address(Some("J. Doe"), "j@b.org"), "\"J. Doe\" <j@b.org>");
        assert_eq!(format_address(Some(r#"Jo "Dev" Doe"#), "j@b.org"), r#""Jo \"Dev\" Doe" <j@b.org>"#);
        assert_eq!(format_address(Some("Zoë"), "z@b.org"), "Zoë <z@b.org>");
        assert_eq!(format_address(None, "first.last@b.org"), "first.last@b.org");
    }
}
