//! Serde mirror of pyproject.toml: types only, every user value wrapped in `Spanned`.
//!
//! Nothing here validates beyond TOML types; `mod.rs` and `tool.rs` turn these into `Project`.
//! String-or-table / string-or-list fields use hand-written visitors instead of untagged enums,
//! since untagged enums buffer the value and so lose toml's spans.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

/// A spanned string.
pub type SStr = Spanned<String>;
/// A spanned list of spanned strings.
pub type SList = Spanned<Vec<SStr>>;

/// The whole file. Tables other than `[project]` and `[tool]` are not ours to judge.
#[derive(Debug, Deserialize)]
pub struct PyProject {
    /// `[project]`.
    pub project: Option<Spanned<Project>>,
    /// `[tool]`.
    pub tool: Option<Tool>,
}

/// `[tool]`: only `cartwheel` is read; `poetry` is noticed to explain a missing `[project]`.
#[derive(Debug, Deserialize)]
pub struct Tool {
    /// `[tool.cartwheel]`.
    pub cartwheel: Option<Spanned<ToolCartwheel>>,
    /// `[tool.poetry]`.
    pub poetry: Option<IgnoredAny>,
}

/// `[project]` (PEP 621), as written.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Project {
    /// `name`.
    pub name: Option<SStr>,
    /// `version`.
    pub version: Option<SStr>,
    /// `description`.
    pub description: Option<SStr>,
    /// `readme`: path or table.
    pub readme: Option<Spanned<StringOr<ReadmeTable>>>,
    /// `requires-python`.
    pub requires_python: Option<SStr>,
    /// `license`: SPDX expression or legacy table.
    pub license: Option<Spanned<StringOr<LicenseTable>>>,
    /// `license-files`.
    pub license_files: Option<SList>,
    /// `authors`.
    pub authors: Option<Spanned<Vec<Spanned<Contact>>>>,
    /// `maintainers`.
    pub maintainers: Option<Spanned<Vec<Spanned<Contact>>>>,
    /// `keywords`.
    pub keywords: Option<SList>,
    /// `classifiers`.
    pub classifiers: Option<SList>,
    /// `urls`.
    pub urls: Option<Spanned<Entries<SStr>>>,
    /// `dependencies`.
    pub dependencies: Option<SList>,
    /// `optional-dependencies`.
    pub optional_dependencies: Option<Spanned<Entries<SList>>>,
    /// `scripts`.
    pub scripts: Option<Spanned<Entries<SStr>>>,
    /// `gui-scripts`.
    pub gui_scripts: Option<Spanned<Entries<SStr>>>,
    /// `entry-points`.
    pub entry_points: Option<Spanned<Entries<Spanned<Entries<SStr>>>>>,
    /// `import-names` (PEP 794).
    pub import_names: Option<SList>,
    /// `import-namespaces` (PEP 794).
    pub import_namespaces: Option<SList>,
    /// `dynamic`.
    pub dynamic: Option<SList>,
}

/// Every key `[project]` accepts, for did-you-mean and for `dynamic`.
pub const PROJECT_FIELDS: &[&str] = &[
    "name",
    "version",
    "description",
    "readme",
    "requires-python",
    "license",
    "license-files",
    "authors",
    "maintainers",
    "keywords",
    "classifiers",
    "urls",
    "dependencies",
    "optional-dependencies",
    "scripts",
    "gui-scripts",
    "entry-points",
    "import-names",
    "import-namespaces",
    "dynamic",
];

/// `readme = { ... }`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReadmeTable {
    /// Path of the file.
    pub file: Option<SStr>,
    /// Inline text.
    pub text: Option<SStr>,
    /// MIME type.
    pub content_type: Option<SStr>,
    /// Charset of the file (non-standard but common; defaults to UTF-8).
    pub charset: Option<SStr>,
}

/// Legacy `license = { ... }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseTable {
    /// Path of the license file.
    pub file: Option<SStr>,
    /// Inline license text.
    pub text: Option<SStr>,
}

/// An entry of `authors` / `maintainers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    pub name: Option<SStr>,
    /// E-mail address.
    pub email: Option<SStr>,
}

/// `[tool.cartwheel]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ToolCartwheel {
    /// `module`: one name or a list.
    pub module: Option<Spanned<StringOrList>>,
    /// `source`.
    pub source: Option<SStr>,
    /// `include`.
    pub include: Option<SList>,
    /// `exclude`.
    pub exclude: Option<SList>,
    /// `wheel-exclude`.
    pub wheel_exclude: Option<SList>,
    /// `sdist-include`.
    pub sdist_include: Option<SList>,
    /// `sdist-exclude`.
    pub sdist_exclude: Option<SList>,
    /// `data`: source → destination.
    pub data: Option<Spanned<Entries<SStr>>>,
    /// `check`.
    pub check: Option<SStr>,
    /// `check-ignore`: warning codes.
    pub check_ignore: Option<SList>,
    /// `[tool.cartwheel.version]`.
    pub version: Option<Spanned<ToolVersion>>,
    /// `[tool.cartwheel.release]`.
    pub release: Option<Spanned<ToolRelease>>,
}

/// `[tool.cartwheel.release]` (read by `cartwheel release` only).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ToolRelease {
    /// `checks`: shell commands run before anything changes.
    pub checks: Option<SList>,
    /// `python`: interpreters for the smoke tests.
    pub python: Option<SList>,
}

/// `[tool.cartwheel.version]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ToolVersion {
    /// `source`.
    pub source: Option<SStr>,
    /// `path` (source = "file").
    pub path: Option<SStr>,
    /// `pattern` (source = "file").
    pub pattern: Option<SStr>,
    /// `tag-pattern` (source = "git").
    pub tag_pattern: Option<SStr>,
    /// `fallback` (source = "git").
    pub fallback: Option<SStr>,
    /// `stamp`.
    pub stamp: Option<SList>,
    /// `changelog`.
    pub changelog: Option<SStr>,
}

/// A value that is either a string or a table `T`, keeping the spans inside `T`.
#[derive(Debug)]
pub enum StringOr<T> {
    /// The string form.
    String(String),
    /// The table form.
    Table(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for StringOr<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = StringOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a table")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StringOr::String(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(StringOr::String(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                // Handing toml's own MapAccess on keeps the spans of the table's values.
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(StringOr::Table)
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// A value that is either one string or a list of strings (`module`).
#[derive(Debug)]
pub enum StringOrList {
    /// `module = "a"`.
    String(String),
    /// `module = ["a", "b"]`.
    List(Vec<SStr>),
}

impl<'de> Deserialize<'de> for StringOrList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringOrList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StringOrList::String(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(StringOrList::String(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(StringOrList::List)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A table's entries in the order they were written.
///
/// toml (without `preserve_order`) hands tables over sorted by key; the key spans give the
/// written order back, which `urls`, extras and entry points must keep.
#[derive(Debug)]
pub struct Entries<V>(pub Vec<(SStr, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Vis<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<SStr>()? {
                    let value = map.next_value::<V>()?;
                    out.push((key, value));
                }
                out.sort_by_key(|(k, _)| k.span().start);
                Ok(Entries(out))
            }
        }
        deserializer.deserialize_map(Vis(PhantomData))
    }
}
