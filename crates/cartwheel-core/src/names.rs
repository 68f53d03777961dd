//! Distribution, extra and file names as types: the only place those strings are made or parsed.

use std::fmt;
use std::str::FromStr;

use pep440_rs::Version;

/// Whether `name` is a valid distribution / extra name (PEP 508).
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let ok_edge = |b: u8| b.is_ascii_alphanumeric();
    !bytes.is_empty()
        && ok_edge(bytes[0])
        && ok_edge(bytes[bytes.len() - 1])
        && bytes.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A Python identifier (ASCII or Unicode letters, digits, `_`; not starting with a digit).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// `a.b.c`, each part an identifier.
pub fn is_dotted_identifier(s: &str) -> bool {
    s.split('.').all(is_identifier)
}

/// Python's hard keywords (`keyword.kwlist`): never an import name.
const PYTHON_KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
    "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// A PEP 794 import name (`Import-Name` / `Import-Namespace` value, `import-names` entry) split
/// into the dotted name and whether `; private` follows, by packaging's rule: dotted
/// identifiers, no keyword, whitespace only around the `;`, and only `private` after it.
pub fn split_import_name(value: &str) -> Result<(&str, bool), String> {
    let (name, private) = match value.split_once(';') {
        Some((name, private)) => (name.trim_end(), Some(private)),
        None => (value, None),
    };
    for part in name.split('.') {
        if !is_identifier(part) {
            return Err(format!("`{part}` is not an identifier"));
        }
        if PYTHON_KEYWORDS.contains(&part) {
            return Err(format!("`{part}` is a keyword"));
        }
    }
    match private {
        Some(p) if p.trim_start() != "private" => Err("only `private` may follow the `;`".into()),
        p => Ok((name, p.is_some())),
    }
}

/// An importable module name (dotted identifier), or a PEP 561 stub-only package
/// `<dotted identifier>-stubs`.
pub fn is_module_name(name: &str) -> bool {
    is_dotted_identifier(name) || name.strip_suffix("-stubs").is_some_and(is_dotted_identifier)
}

/// An import name: a dotted Python identifier (`acme`, `acme.plugins.foo`), or a PEP 561
/// stub-only package `<dotted identifier>-stubs`. Made only through [`ModuleName::new`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleName(String);

impl ModuleName {
    /// Validate `name` as an import name.
    pub fn new(name: &str) -> Result<Self, InvalidName> {
        if is_module_name(name) {
            Ok(Self(name.to_string()))
        } else {
            Err(InvalidName(name.to_string()))
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The module's path below its source folder: `acme/plugins/foo`.
    pub fn as_path(&self) -> String {
        self.0.replace('.', "/")
    }
}

impl std::ops::Deref for ModuleName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ModuleName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ModuleName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for ModuleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Deepest parenthesis nesting pep508_rs may see: its marker parser recurses once per level
/// and would overflow the stack (a crash no `catch_unwind` stops) on hostile input.
pub const MAX_MARKER_NESTING: usize = 64;

/// Refuse parenthesis nesting deeper than [`MAX_MARKER_NESTING`].
pub fn check_nesting(text: &str) -> Result<(), String> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_MARKER_NESTING {
        return Err(format!("parentheses nested {deepest} deep (at most {MAX_MARKER_NESTING})"));
    }
    Ok(())
}

/// Refuse a requirement whose name ends in `.`, `-` or `_` followed by more text (`foo-==1`):
/// pep508_rs 0.9 panics on it instead of returning an error.
pub fn check_name_end(text: &str) -> Result<(), String> {
    let rest = text.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    if name.ends_with(['.', '-', '_']) {
        return Err(format!("the name `{name}` must end with a letter or digit"));
    }
    Ok(())
}

/// Refuse an extra that ends in `.`, `-` or `_` (`foo[c.]`): pep508_rs 0.9 panics on it too
/// (found by the `metadata` fuzz target).
pub fn check_extras(text: &str) -> Result<(), String> {
    let rest = text.trim_start();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    let Some(extras) = rest.trim_start().strip_prefix('[') else { return Ok(()) };
    let extras = extras.split(']').next().unwrap_or(extras);
    for extra in extras.split(',').map(str::trim) {
        let word = extra
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
            .map_or(extra, |end| &extra[..end]);
        if word.ends_with(['.', '-', '_']) {
            return Err(format!("the extra `{word}` must end with a letter or digit"));
        }
    }
    Ok(())
}

/// Refuse a non-ASCII character in the marker (`; extra == "x" ©`, `; os_name == "é"`): PEP
/// 508's marker grammar is ASCII, quoted strings included (`python_str_c`), and pep508_rs 0.9
/// slices its input by a character count when it reports an error after one, and panics
/// (metadata fuzz target, twice: outside quotes, then inside an unterminated one).
pub fn check_marker_ascii(text: &str) -> Result<(), String> {
    // A URL (`name @ url ; marker`) may hold `;`: its marker starts at a `;` after a blank.
    let url = text.find('@').is_some_and(|at| text.find(';').is_none_or(|semi| at < semi));
    let mut in_marker = false;
    let mut previous = ' ';
    for c in text.chars() {
        if !in_marker {
            in_marker = c == ';' && (!url || previous.is_whitespace());
        } else if !c.is_ascii() {
            return Err(format!(
                "the marker holds `{c}`: PEP 508 markers are ASCII, quoted strings included"
            ));
        }
        previous = c;
    }
    Ok(())
}

/// What must be refused before pep508_rs sees a requirement: absurd nesting (its parser
/// recurses) and the input it panics on.
pub fn check_before_pep508(text: &str) -> Result<(), String> {
    check_nesting(text)?;
    check_name_end(text)?;
    check_extras(text)?;
    check_marker_ascii(text)
}

/// Parse a PEP 508 requirement, refusing absurd nesting before the recursive parser sees it.
pub fn parse_requirement(text: &str) -> Result<pep508_rs::Requirement<pep508_rs::VerbatimUrl>, String> {
    check_before_pep508(text)?;
    text.parse::<pep508_rs::Requirement<pep508_rs::VerbatimUrl>>().map_err(|e| pep508_message(&e))
}

/// pep508_rs's message with the input and a caret run under the span, as its `Display` writes
/// it; its `Display` panics on a span inside a multi-byte character (metadata fuzz target).
fn pep508_message<T: pep508_rs::Pep508Url>(e: &pep508_rs::Pep508Error<T>) -> String {
    let input = e.input.as_str();
    let boundary = |mut i: usize| {
        i = i.min(input.len());
        while !input.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = boundary(e.start);
    let end = boundary(e.start.saturating_add(e.len)).max(start);
    let column = input[..start].chars().count();
    let width = input[start..end].chars().count().max(1);
    format!("{}\n{input}\n{}{}", e.message, " ".repeat(column), "^".repeat(width))
}

/// Lower-case, every run of `-_.` replaced by `sep`.
fn collapse(name: &str, sep: char) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push(sep);
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// A normalised (PEP 503) distribution name: lower-case, `-` separated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageName(String);

/// The name is not a valid PEP 508 name.
#[derive(Debug, Clone, thiserror::Error)]
#[error("`{0}` is not a valid name: use letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit")]
pub struct InvalidName(pub String);

impl PackageName {
    /// Validate and normalise.
    pub fn new(name: &str) -> Result<Self, InvalidName> {
        if !is_valid_name(name) {
            return Err(InvalidName(name.to_string()));
        }
        Ok(Self(collapse(name, '-')))
    }

    /// `acme-sdk`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `acme_sdk`: the form used in wheel and sdist file names and `.dist-info` folders.
    pub fn as_dist_info_name(&self) -> String {
        self.0.replace('-', "_")
    }

    /// `acme_sdk`: the default import name.
    pub fn as_module_name(&self) -> String {
        self.as_dist_info_name()
    }
}

impl fmt::Display for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PackageName {
    type Err = InvalidName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// Normalise an extra name (PEP 685): same rule as distribution names.
pub fn normalize_extra(name: &str) -> Result<String, InvalidName> {
    PackageName::new(name).map(|n| n.0)
}

/// `{name}-{version}` with the name escaped and the version normalised: the stem shared by the
/// wheel, the sdist, `.dist-info` and `.data`.
fn stem(name: &PackageName, version: &Version) -> String {
    // Normalised versions never hold `-`, but a local part may have been written with one.
    format!("{}-{}", name.as_dist_info_name(), version.to_string().replace('-', "_"))
}

/// `{name}-{version}-py3-none-any.whl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelFilename {
    /// Distribution name.
    pub name: PackageName,
    /// Version.
    pub version: Version,
    /// Optional build tag (starts with a digit).
    pub build: Option<String>,
    /// Python tag(s), `.` separated.
    pub python: String,
    /// ABI tag(s).
    pub abi: String,
    /// Platform tag(s).
    pub platform: String,
}

impl WheelFilename {
    /// The pure-Python wheel name for a distribution.
    pub fn pure(name: PackageName, version: Version) -> Self {
        Self { name, version, build: None, python: "py3".into(), abi: "none".into(), platform: "any".into() }
    }

    /// `acme_sdk-1.0.dist-info`.
    pub fn dist_info_dir(&self) -> String {
        format!("{}.dist-info", stem(&self.name, &self.version))
    }

    /// `acme_sdk-1.0.data`.
    pub fn data_dir(&self) -> String {
        format!("{}.data", stem(&self.name, &self.version))
    }

    /// Every tag the name stands for, expanded (`py2.py3-none-any` → two).
    pub fn tags(&self) -> Vec<String> {
        let mut tags = Vec::new();
        for py in self.python.split('.') {
            for abi in self.abi.split('.') {
                for plat in self.platform.split('.') {
                    tags.push(format!("{py}-{abi}-{plat}"));
                }
            }
        }
        tags
    }
}

impl fmt::Display for WheelFilename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", stem(&self.name, &self.version))?;
        if let Some(build) = &self.build {
            write!(f, "-{build}")?;
        }
        write!(f, "-{}-{}-{}.whl", self.python, self.abi, self.platform)
    }
}

/// A file name that is not a valid wheel or sdist name.
#[derive(Debug, Clone, thiserror::Error)]
#[error("`{name}` is not a valid {kind} file name: {reason}")]
pub struct InvalidFilename {
    /// The file name.
    pub name: String,
    /// `wheel` or `sdist`.
    pub kind: &'static str,
    /// Why.
    pub reason: String,
}

impl FromStr for WheelFilename {
    type Err = InvalidFilename;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| InvalidFilename { name: s.into(), kind: "wheel", reason: reason.into() };
        let stem = s.strip_suffix(".whl").ok_or_else(|| err("it does not end in `.whl`"))?;
        let parts: Vec<&str> = stem.split('-').collect();
        let (name, version, build, py, abi, plat) = match parts.as_slice() {
            [n, v, p, a, pl] => (*n, *v, None, *p, *a, *pl),
            [n, v, b, p, a, pl] => (*n, *v, Some(*b), *p, *a, *pl),
            _ => return Err(err("expected 5 or 6 `-` separated parts")),
        };
        let name = PackageName::new(name).map_err(|e| err(&e.to_string()))?;
        let version = Version::from_str(version).map_err(|e| err(&e.to_string()))?;
        if let Some(b) = build {
            if !b.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(err("the build tag must start with a digit"));
            }
        }
        Ok(Self {
            name,
            version,
            build: build.map(String::from),
            python: py.into(),
            abi: abi.into(),
            platform: plat.into(),
        })
    }
}

/// `{name}-{version}.tar.gz` (PEP 625).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdistFilename {
    /// Distribution name.
    pub name: PackageName,
    /// Version.
    pub version: Version,
}

impl SdistFilename {
    /// The sdist name for a distribution.
    pub fn new(name: PackageName, version: Version) -> Self {
        Self { name, version }
    }

    /// The single top-level folder inside the archive.
    pub fn top_dir(&self) -> String {
        stem(&self.name, &self.version)
    }
}

impl fmt::Display for SdistFilename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.tar.gz", self.top_dir())
    }
}

impl FromStr for SdistFilename {
    type Err = InvalidFilename;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| InvalidFilename { name: s.into(), kind: "sdist", reason: reason.into() };
        let stem = s.strip_suffix(".tar.gz").ok_or_else(|| err("it does not end in `.tar.gz`"))?;
        let (name, version) = stem.rsplit_once('-').ok_or_else(|| err("expected `{name}-{version}`"))?;
        let name = PackageName::new(name).map_err(|e| err(&e.to_string()))?;
        let version = Version::from_str(version).map_err(|e| err(&e.to_string()))?;
        Ok(Self { name, version })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each requirement under a `---` line quoting it, over the error that refuses it.
    fn refusals(requirements: &[&str]) -> String {
        let refused = |r: &&str| format!("--- {r:?}\n{}", parse_requirement(r).unwrap_err());
        requirements.iter().map(refused).collect::<Vec<_>>().join("\n\n")
    }

    #[test]
    fn deep_markers_are_refused_not_recursed() {
        let deep = format!("a ; {}python_version > '3'{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(parse_requirement(&deep).unwrap_err(), "parentheses nested 5000 deep (at most 64)");
        assert!(parse_requirement("a ; ((python_version > '3'))").is_ok());
        insta::assert_snapshot!(refusals(&[
            "foo-==1",
            "foo. >=1",
            "foo_[x]",
            "foo-; python_version > '3'",
            "  a.@ https://x.org"
        ]));
    }

    #[test]
    fn extras_pep508_rs_panics_on_are_refused() {
        // Fuzz finding (metadata target): pep508_rs 0.9 panicked on an extra ending in `.`.
        insta::assert_snapshot!(refusals(&[
            "a[b,c.]>=1",
            "a [c-]",
            "a[ c_ , d]",
            "a[c.];python_version>'3'"
        ]));
        assert!(parse_requirement("a[b.c, d-e]>=1").is_ok());
        assert!(parse_requirement("a[]").is_ok());
        assert!(parse_requirement("a[.b]").is_err());
    }

    #[test]
    fn non_ascii_in_a_marker_is_refused() {
        // Fuzz findings (metadata target): pep508_rs sliced `\u{feff}` in two after a marker,
        // then inside an unterminated quoted string.
        insta::assert_snapshot!(refusals(&[
            "comrak>=0.0.13; extra == \"m\u{feff}Dyn.13; extra == \"m\u{feff}: mDymic: license-filds; a, b",
            "comrak>=0.0.13; extra == \"m\u{feff}Dyn.13ps://x.org",
            "comrak>text/x-rstx]ra == \"m\u{feff}Dyn.13; extra == \"m\u{feff}Dym md",
            "a; platform_release == '\u{e9}' and nonsense",
            "a; extra == \"x\" \u{e9}",
        ]));
        assert!(parse_requirement("a; platform_release == '\u{e9}'").is_err());
        assert!(parse_requirement("a @ https://x.org/\u{e9};x.whl").is_ok());
        assert!(parse_requirement("a @ https://x.org/\u{e9}.whl ; os_name == 'nt'").is_ok());
    }

    #[test]
    fn an_error_inside_a_multibyte_character_is_rendered() {
        // Fuzz finding (metadata target): pep508_rs's Display sliced inside `©`.
        let e = parse_requirement("a[ pyright © 2014, The Python Packaging Authority.").unwrap_err();
        insta::assert_snapshot!(e);
    }

    #[test]
    fn normalises_names() {
        assert_eq!(PackageName::new("Acme.SDK__x").unwrap().as_str(), "acme-sdk-x");
        assert_eq!(PackageName::new("Acme.SDK__x").unwrap().as_dist_info_name(), "acme_sdk_x");
        assert!(PackageName::new("-bad").is_err());
        assert!(PackageName::new("bad name").is_err());
        assert!(PackageName::new("").is_err());
    }

    #[test]
    fn wheel_name_round_trips_and_normalises_version() {
        let v = Version::from_str("1.0.0-RC.1").unwrap();
        let w = WheelFilename::pure(PackageName::new("Acme-SDK").unwrap(), v);
        assert_eq!(w.to_string(), "acme_sdk-1.0.0rc1-py3-none-any.whl");
        assert_eq!(w.dist_info_dir(), "acme_sdk-1.0.0rc1.dist-info");
        let parsed: WheelFilename = w.to_string().parse().unwrap();
        assert_eq!(parsed, w);
        let tagged: WheelFilename = "a-1-py2.py3-none-any.whl".parse().unwrap();
        assert_eq!(tagged.tags(), ["py2-none-any", "py3-none-any"]);
        assert!("a-1-x-py3-none-any.whl".parse::<WheelFilename>().is_err());
    }

    #[test]
    fn sdist_name_is_pep625() {
        let s = SdistFilename::new(PackageName::new("Acme.SDK").unwrap(), Version::from_str("1.0").unwrap());
        assert_eq!(s.to_string(), "acme_sdk-1.0.tar.gz");
        assert_eq!(s.to_string().parse::<SdistFilename>().unwrap(), s);
    }
}
