//! Reading the old TOML with spans, for findings that point at file:line:col.

use toml_edit::{Item, Table, Value};

use crate::{Error, Finding, Kind};

/// A parsed TOML file that remembers where everything was written.
pub struct TomlSrc {
    /// Project-relative name.
    pub file: String,
    /// The text.
    pub text: String,
    /// The document, with spans.
    pub doc: toml_edit::Document<String>,
}

impl TomlSrc {
    /// Parse `text`; a syntax error is an [`Error::Parse`].
    pub fn parse(file: &str, text: &str) -> Result<Self, Error> {
        let error = |span: Option<std::ops::Range<usize>>, message: &str| {
            let (line, col) = span.map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            Error::Parse { file: file.into(), line, col, message: message.to_string() }
        };
        // toml_edit 0.23 panics on some invalid documents (`==\n.=`: its error recovery meets a
        // value without a span; migrate fuzz target); toml, on the same parser, answers them
        // with an error, so it decides first.
        toml::from_str::<serde::de::IgnoredAny>(text).map_err(|e| error(e.span(), e.message()))?;
        let doc = toml_edit::Document::parse(text.to_string()).map_err(|e| error(e.span(), e.message()))?;
        Ok(Self { file: file.into(), text: text.into(), doc })
    }

    /// Whether `[project] dynamic` lists `field`.
    pub fn is_dynamic(&self, field: &str) -> bool {
        self.get(&["project", "dynamic"]).and_then(strings).is_some_and(|d| d.iter().any(|x| x == field))
    }

    /// The item at a dotted path.
    pub fn get(&self, path: &[&str]) -> Option<&Item> {
        let mut item = self.doc.as_item();
        for key in path {
            item = item.get(key)?;
        }
        Some(item)
    }

    /// The table (standard or inline) at a path.
    pub fn table(&self, path: &[&str]) -> Option<TableRef<'_>> {
        match self.get(path)? {
            Item::Table(t) => Some(TableRef::Table(t)),
            Item::Value(Value::InlineTable(t)) => Some(TableRef::Inline(t)),
            _ => None,
        }
    }

    /// A string at a path.
    pub fn str_at(&self, path: &[&str]) -> Option<String> {
        self.get(path)?.as_str().map(String::from)
    }

    /// Line and column of an item (1, 1 when unknown).
    pub fn pos(&self, item: &Item) -> (usize, usize) {
        item.span().map(|s| line_col(&self.text, s.start)).unwrap_or((1, 1))
    }

    /// Line and column of a value.
    pub fn vpos(&self, value: &Value) -> (usize, usize) {
        value.span().map(|s| line_col(&self.text, s.start)).unwrap_or((1, 1))
    }

    /// A finding at `item`.
    pub fn finding(
        &self,
        kind: Kind,
        item: Option<&Item>,
        key: &str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        let (line, col) = item.map(|i| self.pos(i)).unwrap_or((0, 0));
        Finding {
            kind,
            file: self.file.clone(),
            line,
            col,
            key: key.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

/// A standard or an inline table.
#[derive(Clone, Copy)]
pub enum TableRef<'a> {
    /// `[a.b]`.
    Table(&'a Table),
    /// `{ ... }`.
    Inline(&'a toml_edit::InlineTable),
}

impl<'a> TableRef<'a> {
    /// Entries in written order, as items.
    pub fn entries(&self) -> Vec<(String, Item)> {
        match self {
            TableRef::Table(t) => t.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            TableRef::Inline(t) => t.iter().map(|(k, v)| (k.to_string(), Item::Value(v.clone()))).collect(),
        }
    }

    /// One entry.
    pub fn get(&self, key: &str) -> Option<Item> {
        match self {
            TableRef::Table(t) => t.get(key).cloned(),
            TableRef::Inline(t) => t.get(key).cloned().map(Item::Value),
        }
    }

    /// A string entry.
    pub fn str(&self, key: &str) -> Option<String> {
        self.get(key)?.as_str().map(String::from)
    }

    /// A list of strings (a lone string counts as one).
    pub fn strings(&self, key: &str) -> Option<Vec<String>> {
        strings(&self.get(key)?)
    }
}

/// A project-relative folder as a path prefix: `""` for the root (`""` or `.`), else `dir/`.
pub fn dir_prefix(dir: &str) -> String {
    if dir.is_empty() || dir == "." {
        String::new()
    } else {
        format!("{dir}/")
    }
}

/// The import name cartwheel takes when `module` is not written: the normalised project name
/// with `_` (PEP 503 collapses a run of `-_.`), as the build looks for it.
pub fn default_module(name: &str) -> String {
    cartwheel_core::names::PackageName::new(name)
        .map(|n| n.as_module_name())
        .unwrap_or_else(|_| name.to_lowercase().replace(['-', '.'], "_"))
}

/// A string or an array of strings as a list.
pub fn strings(item: &Item) -> Option<Vec<String>> {
    if let Some(s) = item.as_str() {
        return Some(vec![s.to_string()]);
    }
    let arr = item.as_array()?;
    Some(arr.iter().filter_map(|v| v.as_str().map(String::from)).collect())
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_toml_edit_panics_on_is_a_located_error() {
        // Migrate fuzz finding: toml_edit 0.23 panicked ("all items have spans") on this.
        let Err(e) = TomlSrc::parse("pyproject.toml", "==\n.=") else { panic!("parsed") };
        assert_eq!(e.to_string(), "pyproject.toml:1:2: extra `=`, expected nothing");
    }

    #[test]
    fn the_import_name_the_build_looks_for() {
        // A run of `-_.` is one `_`, as cartwheel's build derives it (it was `a__b` here).
        assert_eq!(default_module("a--b"), "a_b");
        assert_eq!(default_module("Acme.SDK"), "acme_sdk");
        assert_eq!(default_module("x_.y"), "x_y");
    }
}
