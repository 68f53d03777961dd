//! `.pypirc`: the INI file twine, uv and flit read repositories and credentials from
//! (Python's configparser rules: `key = value` or `key: value`, `#`/`;` comment lines,
//! indented continuation lines, no duplicate section or key).

use crate::{Error, Result};

/// One `[section]`; `Debug` shows a `password` as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Section {
    /// The section name.
    pub name: String,
    /// 1-based line of its header.
    pub line: usize,
    /// `(key, value, line)` in file order; keys lower-cased as configparser does.
    pub entries: Vec<(String, String, usize)>,
}

impl Section {
    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _, _)| k == key).map(|(_, v, _)| v.as_str())
    }

    /// The line `key` is on.
    pub fn line_of(&self, key: &str) -> usize {
        self.entries.iter().find(|(k, _, _)| k == key).map_or(self.line, |(_, _, l)| *l)
    }
}

/// Keys whose values are secrets (never shown).
const SECRET_KEYS: &[&str] = &["password"];

impl std::fmt::Debug for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries: Vec<(&str, &str, usize)> = self
            .entries
            .iter()
            .map(|(k, v, l)| {
                (k.as_str(), if SECRET_KEYS.contains(&k.as_str()) { "***" } else { v.as_str() }, *l)
            })
            .collect();
        f.debug_struct("Section")
            .field("name", &self.name)
            .field("line", &self.line)
            .field("entries", &entries)
            .finish()
    }
}

/// A parsed .pypirc (errors quote no line: it could hold a password).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pypirc {
    /// The file as named to the user (for `file:line` in messages).
    pub file: String,
    /// Sections in file order.
    pub sections: Vec<Section>,
}

impl Pypirc {
    /// Parse `text`, read from `file` (named in errors).
    pub fn parse(file: &str, text: &str) -> Result<Self> {
        let err = |line: usize, message: String| Error::Pypirc { file: file.to_string(), line, message };
        let mut out = Pypirc { file: file.to_string(), sections: Vec::new() };
        // The key a continuation line extends: (section index, entry index).
        let mut last: Option<(usize, usize)> = None;
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim_end();
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                // configparser keeps a value going past blank and comment lines; an empty
                // continuation adds nothing that matters for URLs and names.
                continue;
            }
            if line.starts_with([' ', '\t']) {
                let Some((s, e)) = last else {
                    return Err(err(n, "an indented line continues no `key = value`".into()));
                };
                let value = &mut out.sections[s].entries[e].1;
                if !value.is_empty() {
                    value.push('\n');
                }
                value.push_str(trimmed);
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let Some(name) = rest.strip_suffix(']') else {
                    return Err(err(n, "a section header must end with `]`".into()));
                };
                let name = name.trim();
                if let Some(prev) = out.sections.iter().find(|s| s.name == name) {
                    return Err(err(n, format!("section [{name}] already defined on line {}", prev.line)));
                }
                out.sections.push(Section { name: name.to_string(), line: n, entries: Vec::new() });
                last = None;
                continue;
            }
            let split = line.find(['=', ':']);
            let Some(at) = split else {
                return Err(err(n, "not `key = value` (nor a [section] header)".into()));
            };
            let key = line[..at].trim().to_ascii_lowercase();
            let value = line[at + 1..].trim().to_string();
            if key.is_empty() {
                return Err(err(n, format!("a key is missing before `{}`", &line[at..=at])));
            }
            let Some(s) = out.sections.len().checked_sub(1) else {
                return Err(err(n, format!("`{key}` comes before any [section] header")));
            };
            let section = &mut out.sections[s];
            if let Some((_, _, l)) = section.entries.iter().find(|(k, _, _)| *k == key) {
                return Err(err(n, format!("`{key}` already set in [{}] on line {l}", section.name)));
            }
            section.entries.push((key, value, n));
            last = Some((s, section.entries.len() - 1));
        }
        Ok(out)
    }

    /// The section called `name`.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The repository names defined here: `[distutils] index-servers` and every section with a
    /// `repository`, `username` or `password` key.
    pub fn repository_names(&self) -> Vec<String> {
        self.sections.iter().filter(|s| s.name != "distutils").map(|s| s.name.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_twine_style() {
        let text = "[distutils]\nindex-servers =\n    pypi\n    local\n\n[pypi]\nusername = __token__\npassword: pypi-x\n\n# comment\n[local]\nrepository = http://127.0.0.1:8080\n";
        let rc = Pypirc::parse("~/.pypirc", text).unwrap();
        assert_eq!(rc.section("distutils").unwrap().get("index-servers"), Some("pypi\nlocal"));
        assert_eq!(rc.section("pypi").unwrap().get("password"), Some("pypi-x"));
        assert_eq!(rc.section("local").unwrap().line_of("repository"), 12);
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = |t: &str| Pypirc::parse("rc", t).unwrap_err().to_string();
        assert_eq!(e("[pypi]\nusername\n"), "rc:2: not `key = value` (nor a [section] header)");
        assert_eq!(e("username = x\n"), "rc:1: `username` comes before any [section] header");
        assert_eq!(e("[a]\n[a]\n"), "rc:2: section [a] already defined on line 1");
        assert_eq!(e("[a\n"), "rc:1: a section header must end with `]`");
        assert_eq!(e("[a]\nx=1\nx=2\n"), "rc:3: `x` already set in [a] on line 2");
        assert_eq!(e("  x\n"), "rc:1: an indented line continues no `key = value`");
        assert_eq!(e("[a]\n= x\n"), "rc:2: a key is missing before `=`");
    }

    #[test]
    fn passwords_never_shown() {
        // A forgotten `=` or a stray token line: the error names the line, never its text.
        let e = |t: &str| Pypirc::parse("rc", t).unwrap_err().to_string();
        assert_eq!(
            e("[pypi]\npassword pypi-AgEIcHlwaS5vcmc\n"),
            "rc:2: not `key = value` (nor a [section] header)"
        );
        assert_eq!(e("  pypi-AgEIcHlwaS5vcmc\n"), "rc:1: an indented line continues no `key = value`");
        let rc =
            Pypirc::parse("rc", "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n").unwrap();
        let shown = format!("{rc:?}");
        assert!(!shown.contains("pypi-AgEIcHlwaS5vcmc"), "{shown}");
        assert!(shown.contains(r#"("password", "***", 3)"#), "{shown}");
        assert!(shown.contains(r#"("username", "__token__", 2)"#), "{shown}");
    }

    #[test]
    fn comment_lines_inside_a_value() {
        // configparser: a comment line neither ends a multi-line value nor joins it.
        let rc =
            Pypirc::parse("rc", "[distutils]\nindex-servers =\n    pypi\n# local is off\n    testpypi\n")
                .unwrap();
        assert_eq!(rc.section("distutils").unwrap().get("index-servers"), Some("pypi\ntestpypi"));
    }
}
