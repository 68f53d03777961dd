//! A small setup.cfg reader that keeps line numbers.
//!
//! The INI crates (rust-ini, configparser) drop positions, and every untranslatable item must be
//! reported at file:line:col; setup.cfg's dialect (configparser: `=` or `:`, indented
//! continuation lines, `#`/`;` comments) is small enough to read here.

/// One `key = value` of a section: the value's lines joined with `\n`, continuation lines
/// stripped.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Key as written, lowercased (configparser lowercases keys).
    pub key: String,
    /// Value, continuation lines joined with `\n` (the first line may be empty).
    pub value: String,
    /// 1-based line of the key.
    pub line: usize,
    /// 1-based column of the key.
    pub col: usize,
}

/// One `[section]`.
#[derive(Debug, Clone)]
pub struct Section {
    /// Name as written.
    pub name: String,
    /// 1-based line of the header.
    pub line: usize,
    /// Entries in order.
    pub entries: Vec<Entry>,
}

impl Section {
    /// The entry named `key` (also with `_`/`-` swapped, as setuptools accepts both).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        let alt = key.replace('_', "-");
        self.entries.iter().find(|e| e.key == key || e.key == alt || e.key.replace('-', "_") == key)
    }
}

/// A parse error: line and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Read setup.cfg text into its sections.
pub fn parse(text: &str) -> Result<Vec<Section>, IniError> {
    let mut sections: Vec<Section> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        let indented = raw.starts_with([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if indented {
            if let Some(entry) = sections.last_mut().and_then(|s| s.entries.last_mut()) {
                // A continuation line; an inline ` #` comment is not stripped by configparser
                // by default, but full-line comments are (handled above).
                // Always a newline, also after an empty first line: a value written on
                // continuation lines is a multi-line list (setuptools splits a one-line value
                // on `;`, a multi-line one on newlines only).
                entry.value.push('\n');
                entry.value.push_str(trimmed);
                continue;
            }
        }
        if trimmed.starts_with('[') {
            let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
                return Err(IniError { line, message: format!("section header not closed: `{trimmed}`") });
            };
            sections.push(Section { name: name.trim().to_string(), line, entries: Vec::new() });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err(IniError { line, message: "a key before any [section]".into() });
        };
        let sep = trimmed.find(['=', ':']);
        let Some(sep) = sep else {
            return Err(IniError { line, message: format!("expected `key = value`, found `{trimmed}`") });
        };
        let col = raw.len() - raw.trim_start().len() + 1;
        section.entries.push(Entry {
            key: trimmed[..sep].trim().to_lowercase(),
            value: trimmed[sep + 1..].trim().to_string(),
            line,
            col,
        });
    }
    Ok(sections)
}

/// The value's non-empty lines, or its comma-separated items when on one line (setuptools'
/// "list-comma" fields).
pub fn list_comma(value: &str) -> Vec<String> {
    if value.contains('\n') {
        value
            .lines()
            .flat_map(|l| l.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    } else {
        value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    }
}

/// The value's non-empty lines, or `;`-separated items (setuptools' "list-semi" fields:
/// install_requires and friends), without comments.
pub fn list_semi(value: &str) -> Vec<String> {
    value
        .lines()
        .flat_map(|l| if value.contains('\n') { vec![l] } else { l.split(';').collect() })
        .map(|l| l.split(" #").next().unwrap_or_default().trim())
        .filter(|s| !s.is_empty() && !s.starts_with('#'))
        .map(String::from)
        .collect()
}

/// `key = value` lines of a dict-valued field (project_urls, package_dir).
pub fn dict(value: &str) -> Vec<(String, String)> {
    value
        .lines()
        .flat_map(|l| l.split(','))
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_continuations_and_positions() {
        let s = parse("[metadata]\nname = acme\nclassifiers =\n    A :: B\n    # gone\n    C :: D\n[options]\n  \ninstall_requires = x>=1; y\n").unwrap();
        assert_eq!(s.len(), 2);
        let c = s[0].get("classifiers").unwrap();
        assert_eq!((c.value.as_str(), c.line, c.col), ("\nA :: B\nC :: D", 3, 1));
        assert_eq!(list_semi(&s[1].get("install_requires").unwrap().value), ["x>=1", "y"]);
        let multi = parse("[options]\ninstall_requires =\n\tx>=4; python_version < \"3.11\"\n").unwrap();
        assert_eq!(
            list_semi(&multi[0].get("install_requires").unwrap().value),
            ["x>=4; python_version < \"3.11\""]
        );
        assert_eq!(parse("x = 1").unwrap_err().line, 1);
    }
}
