//! Reading pyproject.toml into a typed, validated `Project` (PEP 621 + `[tool.cartwheel]`).
//!
//! Two steps: serde fills the `raw` mirror (TOML types and unknown keys, with spans), then the
//! functions here check every value against the specs and build `Project`. Every finding is one
//! `Diagnostic` pointing at the offending text of pyproject.toml.

mod raw;
mod tool;

use std::io::ErrorKind;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use indexmap::IndexMap;
use pep440_rs::{Version, VersionSpecifier, VersionSpecifiers};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::names::{is_dotted_identifier, normalize_extra, PackageName};
use crate::project::{Contact, License, Located, Project, Readme};

use raw::{SList, SStr, StringOr};

/// Every stage fails with the one error type.
pub use crate::error::Error;

/// Read and validate `<project_dir>/pyproject.toml`; warnings are pushed to `warnings`.
pub fn load(project_dir: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Project, Error> {
    let path = project_dir.join("pyproject.toml");
    let shown = shown_path(project_dir);
    let bytes = match fs_err::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Diagnostic::error(format!("`{}` not found", shown.display()))
                .help("run cartwheel in the folder holding pyproject.toml, or pass that folder's path")
                .into())
        }
        Err(e) => return Err(Error::Io(e)),
    };
    let root = fs_err::canonicalize(project_dir)?;
    parse(bytes, shown, &root, warnings)
}

/// Validate pyproject.toml's `bytes`, shown as `shown` in diagnostics; files it names (readme,
/// licenses) are looked up under `root`.
pub fn parse(
    bytes: Vec<u8>,
    shown: PathBuf,
    root: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Project, Error> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // Point at the first bad byte in a lossy copy of the text.
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::error("pyproject.toml is not valid UTF-8")
                .help("TOML files must be UTF-8; re-save the file with that encoding");
            return Err(Error::Invalid(Box::new(d.at(&SourceFile::new(shown, lossy), Some(at..at + 1)))));
        }
    };
    let source = SourceFile::new(shown, text.as_str());
    check_toml_10(&source, &text)?;
    let raw: raw::PyProject = toml::from_str(&text).map_err(|e| toml_error(&source, &text, &e))?;
    let mut cx = Cx { source: &source, root, warnings };
    Ok(build(&mut cx, raw)?)
}

/// Refuse what TOML 1.1 allows and 1.0 does not (newlines and trailing commas in inline
/// tables, `\e`, `\xHH`, times without seconds): pip, build and every Python frontend parse
/// pyproject.toml with tomllib (TOML 1.0), so such a file would build here and nowhere else.
fn check_toml_10(source: &SourceFile, text: &str) -> Result<(), Error> {
    if text.starts_with('\u{feff}') {
        // tomllib refuses a byte-order mark; so do pip and build.
        let d = Diagnostic::error("pyproject.toml starts with a UTF-8 byte-order mark")
            .help("save the file as UTF-8 without BOM: pip, build and Python's tomllib cannot read it");
        return Err(Error::Invalid(Box::new(d.at(source, Some(0..3)))));
    }
    let Err(e) = text.parse::<toml10::DocumentMut>() else { return Ok(()) };
    // The parser's message may span lines ("invalid table header" / "duplicate key ...").
    let message = e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(": ");
    let d = if toml::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        Diagnostic::error(format!("invalid TOML 1.0: {message}"))
            .help("this is TOML 1.1 syntax, which pip, build and Python's tomllib cannot read yet")
    } else {
        Diagnostic::error(format!("invalid TOML: {message}"))
    };
    Err(Error::Invalid(Box::new(d.at(source, e.span()))))
}

/// pyproject.toml's path as diagnostics show it: the way the user named the folder, minus a
/// noisy `./`.
fn shown_path(project_dir: &Path) -> PathBuf {
    if project_dir.as_os_str().is_empty() || project_dir == Path::new(".") {
        PathBuf::from("pyproject.toml")
    } else {
        project_dir.join("pyproject.toml")
    }
}

/// What every check needs: the file (for locations), the root (for files the user names) and
/// the warnings sink.
struct Cx<'a> {
    source: &'a SourceFile,
    root: &'a Path,
    warnings: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    fn error(&self, key: &str, span: Range<usize>, message: impl Into<String>) -> Diag {
        Diag::from(Diagnostic::error(message).at(self.source, Some(span)).key(key))
    }

    fn warn(&mut self, key: &str, span: Range<usize>, message: impl Into<String>, help: &str) {
        let mut d = Diagnostic::warning(message).at(self.source, Some(span)).key(key);
        if !help.is_empty() {
            d = d.help(help);
        }
        self.warnings.push(d);
    }
}

/// A boxed error diagnostic: keeps the many `Result`s of this module small.
struct Diag(Box<Diagnostic>);

impl Diag {
    fn help(self, help: impl Into<String>) -> Self {
        Diag(Box::new(self.0.help(help)))
    }
}

impl From<Diagnostic> for Diag {
    fn from(d: Diagnostic) -> Self {
        Diag(Box::new(d))
    }
}

impl From<Diag> for Error {
    fn from(d: Diag) -> Self {
        Error::Invalid(d.0)
    }
}

type Res<T> = Result<T, Diag>;

fn located<T>(value: T, span: Range<usize>) -> Located<T> {
    Located::new(value, Some(span))
}

/// The closest candidate, if it is close enough to be a plausible typo.
///
/// Jaro-Winkler alone misses transpositions in short words (`gti` → `git`), so an edit
/// distance of one also counts.
fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_lowercase();
            let jw = strsim::jaro_winkler(&word, &lc);
            let close = strsim::damerau_levenshtein(&word, &lc) <= 1 && word.len() >= 3;
            (jw >= 0.8 || close).then(|| (jw + strsim::normalized_damerau_levenshtein(&word, &lc), c))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

// ---------------------------------------------------------------------------------------------
// TOML errors

/// Turn a toml/serde error into a located diagnostic in our own words.
fn toml_error(source: &SourceFile, text: &str, e: &toml::de::Error) -> Diagnostic {
    let span = e.span();
    let message = e.message().lines().next().unwrap_or_default().to_string();
    // Syntax errors come before any serde work: a document that still parses as "anything"
    // failed on schema, otherwise on syntax.
    if toml::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return Diagnostic::error(format!("invalid TOML: {message}")).at(source, span);
    }
    let keys = error_keys(e);
    let mut d;
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let table = keys.clone().unwrap_or_default();
        d = Diagnostic::error(format!("unknown key `{field}` in `[{table}]`")).key(join_key(&table, field));
        if let Some(s) = did_you_mean(field, expected.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        } else if !expected.is_empty() {
            d = d.help(format!("expected one of: {}", expected.join(", ")));
        }
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, "?"));
        let at_text = span.clone().and_then(|s| text.get(s)).unwrap_or_default();
        d = Diagnostic::error(format!(
            "expected {}, found {}",
            type_words(expected),
            found_words(found, at_text)
        ));
        if let Some(k) = keys {
            d = d.key(k);
        }
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        let table = keys.unwrap_or_default();
        d = Diagnostic::error(format!("missing key `{field}` in `[{table}]`")).key(join_key(&table, field));
    } else {
        d = Diagnostic::error(message);
        if let Some(k) = keys {
            d = d.key(k);
        }
    }
    d.at(source, span)
}

/// The dotted key toml recorded for an error; only its plain rendering exposes it.
fn error_keys(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let rendered = bare.to_string();
    let line = rendered.lines().find_map(|l| l.strip_prefix("in `"))?;
    Some(line.trim_end_matches('`').to_string())
}

fn join_key(table: &str, key: &str) -> String {
    if table.is_empty() {
        key.to_string()
    } else {
        format!("{table}.{key}")
    }
}

/// serde's "expected" wording in TOML terms.
fn type_words(expected: &str) -> String {
    match expected {
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        s if s.starts_with("struct ") => "a table".into(),
        s => s.into(),
    }
}

/// serde's `Unexpected` wording in TOML terms.
fn found_words(found: &str, at_text: &str) -> String {
    let kind = found.split(' ').next().unwrap_or(found);
    match kind {
        "integer" => "an integer".into(),
        "floating" => "a float".into(),
        "boolean" => "a boolean".into(),
        "string" => "a string".into(),
        "sequence" => "an array".into(),
        // toml hands dates to serde as a private one-key table.
        "map" if at_text.starts_with(|c: char| c.is_ascii_digit()) => "a date-time".into(),
        "map" => "a table".into(),
        _ => found.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// [project]

/// The `[project]` fields whose value is a string; the others (`dynamic` aside) are lists or
/// tables, which PEP 808 lets be static and dynamic at once.
const STRING_FIELDS: &[&str] = &["name", "version", "description", "readme", "requires-python", "license"];

fn build(cx: &mut Cx, raw: raw::PyProject) -> Res<Project> {
    let tool = raw.tool;
    let Some(project) = raw.project else {
        let mut d = Diagnostic::error("no `[project]` table").at(cx.source, None).key("project");
        d = if tool.as_ref().is_some_and(|t| t.poetry.is_some()) {
            d.help("cartwheel reads the standard `[project]` table (PEP 621), not `[tool.poetry]`; move name, version, dependencies... there")
        } else {
            d.help("add `[project]` with at least `name` and `version`")
        };
        return Err(d.into());
    };
    let project_span = project.span();
    let p = project.into_inner();

    let statics = static_fields(&p);
    let dynamic = check_dynamic(cx, p.dynamic.as_ref(), &statics)?;
    let version_dynamic = dynamic.iter().find(|(f, _)| f == "version").map(|(_, s)| s.clone());

    let Some(name) = p.name else {
        return Err(cx
            .error("project.name", project_span, "`project.name` is missing")
            .help("add `name = \"...\"` to `[project]`"));
    };
    let normalized_name =
        PackageName::new(name.get_ref()).map_err(|e| cx.error("project.name", name.span(), e.to_string()))?;
    let name = located(name.get_ref().clone(), name.span());

    let version = match p.version {
        Some(v) => Some(parse_version(cx, &v)?),
        None if version_dynamic.is_some() => None,
        None => {
            return Err(cx
                .error("project.version", project_span, "`project.version` is missing")
                .help("add `version = \"0.1.0\"` to `[project]`, or list \"version\" in `project.dynamic` to read it from the module, git or a file"))
        }
    };

    let description = match p.description {
        Some(d) if d.get_ref().contains(['\n', '\r']) => {
            return Err(cx
                .error(
                    "project.description",
                    d.span(),
                    "the description must be one line (it becomes the `Summary` field)",
                )
                .help("put the long text in `readme`"))
        }
        Some(d) if d.get_ref().chars().count() > 512 => {
            return Err(cx
                .error(
                    "project.description",
                    d.span(),
                    format!(
                        "the description has {} characters; PyPI refuses a `Summary` over 512",
                        d.get_ref().chars().count()
                    ),
                )
                .help("shorten it and put the long text in `readme`"))
        }
        Some(d) => Some(d.into_inner()),
        None => None,
    };

    let readme = p.readme.map(|r| readme(cx, r)).transpose()?;

    let requires_python = p.requires_python.map(|r| requires_python(cx, &r)).transpose()?;

    let classifiers = strings(p.classifiers);
    let license = p.license.map(|l| license(cx, l)).transpose()?;
    if let Some(l) = &license {
        match &l.value {
            License::Spdx(expr) => {
                for c in classifiers.iter().filter(|c| c.get_ref().starts_with("License ::")) {
                    cx.warn(
                        "project.classifiers",
                        c.span(),
                        format!("`License ::` classifier together with the license expression `{expr}`"),
                        "PEP 639 deprecates license classifiers: `license` says it all; remove the classifier",
                    );
                }
            }
            License::Text(_) => {
                if let Some(files) = &p.license_files {
                    return Err(cx
                        .error(
                            "project.license-files",
                            files.span(),
                            "`license-files` cannot be used with the legacy `license` table",
                        )
                        .help("write `license` as an SPDX expression, e.g. `license = \"MIT\"` (PEP 639)"));
                }
            }
        }
    }

    let license_files = p
        .license_files
        .map(|files| files.into_inner().into_iter().map(|g| license_glob(cx, g)).collect::<Res<Vec<_>>>())
        .transpose()?;

    let authors = contacts(cx, "project.authors", p.authors)?;
    let maintainers = contacts(cx, "project.maintainers", p.maintainers)?;

    let keywords = strings(p.keywords);
    for k in &keywords {
        one_line(cx, "project.keywords", k)?;
        if k.get_ref().contains(',') {
            return Err(cx
                .error("project.keywords", k.span(), "keyword contains a comma")
                .help("the Keywords field is comma-separated, so this would split into several keywords; list them separately"));
        }
    }
    for c in &classifiers {
        one_line(cx, "project.classifiers", c)?;
    }

    let urls = urls(cx, p.urls)?;
    let dependencies = requirements(cx, "project.dependencies", p.dependencies)?;
    let optional_dependencies = extras(cx, p.optional_dependencies)?;
    let console = scripts(cx, "project.scripts", p.scripts)?;
    let gui = scripts(cx, "project.gui-scripts", p.gui_scripts)?;
    check_script_clash(cx, &console, &gui)?;
    let entry_points = entry_points(cx, p.entry_points)?;

    let tool = tool::tool_config(
        cx,
        tool.and_then(|t| t.cartwheel),
        version_dynamic,
        version.as_ref().and_then(|v| v.span.clone()),
    )?;

    Ok(Project {
        root: cx.root.to_path_buf(),
        source: cx.source.clone(),
        name,
        normalized_name,
        version,
        description,
        readme,
        requires_python,
        license,
        license_files,
        authors,
        maintainers,
        keywords: keywords.into_iter().map(Spanned::into_inner).collect(),
        classifiers: classifiers.into_iter().map(Spanned::into_inner).collect(),
        urls: urls.into_iter().map(|(k, v)| (k.value, v)).collect(),
        dependencies,
        optional_dependencies,
        scripts: console.into_iter().map(|(k, v)| (k.value, v)).collect(),
        gui_scripts: gui.into_iter().map(|(k, v)| (k.value, v)).collect(),
        entry_points,
        dynamic: dynamic.into_iter().map(|(f, _)| f).collect(),
        tool,
    })
}

fn strings(list: Option<SList>) -> Vec<SStr> {
    list.map(Spanned::into_inner).unwrap_or_default()
}

/// Which `[project]` fields were written, with the span of their value.
fn static_fields(p: &raw::Project) -> Vec<(&'static str, Range<usize>)> {
    fn s<T>(v: &Option<Spanned<T>>) -> Option<Range<usize>> {
        v.as_ref().map(Spanned::span)
    }
    let all = [
        ("name", s(&p.name)),
        ("version", s(&p.version)),
        ("description", s(&p.description)),
        ("readme", s(&p.readme)),
        ("requires-python", s(&p.requires_python)),
        ("license", s(&p.license)),
        ("license-files", s(&p.license_files)),
        ("authors", s(&p.authors)),
        ("maintainers", s(&p.maintainers)),
        ("keywords", s(&p.keywords)),
        ("classifiers", s(&p.classifiers)),
        ("urls", s(&p.urls)),
        ("dependencies", s(&p.dependencies)),
        ("optional-dependencies", s(&p.optional_dependencies)),
        ("scripts", s(&p.scripts)),
        ("gui-scripts", s(&p.gui_scripts)),
        ("entry-points", s(&p.entry_points)),
    ];
    all.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
}

fn check_dynamic(
    cx: &mut Cx,
    dynamic: Option<&SList>,
    statics: &[(&'static str, Range<usize>)],
) -> Res<Vec<(String, Range<usize>)>> {
    const KEY: &str = "project.dynamic";
    let mut out: Vec<(String, Range<usize>)> = Vec::new();
    for entry in dynamic.map(|d| d.get_ref().as_slice()).unwrap_or_default() {
        let field = entry.get_ref().as_str();
        let span = entry.span();
        if field == "name" {
            return Err(cx
                .error(KEY, span, "`name` may not be dynamic")
                .help("write the name in `project.name`"));
        }
        if field == "dynamic" || !raw::PROJECT_FIELDS.contains(&field) {
            let mut d = cx.error(KEY, span, format!("`{field}` is not a `[project]` field"));
            let candidates =
                raw::PROJECT_FIELDS.iter().copied().filter(|f| !matches!(*f, "name" | "dynamic"));
            if let Some(s) = did_you_mean(field, candidates) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            return Err(d);
        }
        if out.iter().any(|(f, _)| f == field) {
            cx.warn(KEY, span, format!("`{field}` is listed twice"), "");
            continue;
        }
        match statics.iter().find(|(f, _)| *f == field) {
            Some(_) if !STRING_FIELDS.contains(&field) => {}
            Some(_) => {
                return Err(cx
                    .error(
                        KEY,
                        span,
                        format!("`{field}` is both set in `[project]` and listed as dynamic"),
                    )
                    .help(format!(
                        "remove `project.{field}` or remove \"{field}\" from `project.dynamic`"
                    )))
            }
            // Cartwheel computes only the version; PEP 621 requires an error for a dynamic
            // field the backend cannot fill instead of silently leaving it empty.
            None if field != "version" => {
                return Err(cx
                    .error(
                        KEY,
                        span,
                        format!("cartwheel cannot compute a dynamic `{field}`"),
                    )
                    .help(format!(
                        "write `project.{field}` in pyproject.toml and remove \"{field}\" from `project.dynamic`; only `version` can be dynamic"
                    )))
            }
            None => {}
        }
        out.push((field.to_string(), span));
    }
    Ok(out)
}

fn parse_version(cx: &mut Cx, v: &SStr) -> Res<Located<Version>> {
    const KEY: &str = "project.version";
    let written = v.get_ref();
    let version = Version::from_str(written).map_err(|e| {
        cx.error(KEY, v.span(), format!("invalid version `{written}`: {e}"))
            .help("use a PEP 440 version such as `1.2.0`, `1.2.0rc1` or `1.2.0.post1`")
    })?;
    let normalized = version.to_string();
    if normalized != *written {
        cx.warn(
            KEY,
            v.span(),
            format!("version `{written}` is normalised to `{normalized}`"),
            &format!("write `version = \"{normalized}\"`: that is what the artifacts will carry"),
        );
    }
    if version.is_local() {
        cx.warn(
            KEY,
            v.span(),
            format!("`{normalized}` has a local version label"),
            "PyPI rejects uploads with a local version (`+...`)",
        );
    }
    Ok(located(version, v.span()))
}

fn requires_python(cx: &mut Cx, r: &SStr) -> Res<String> {
    const KEY: &str = "project.requires-python";
    let text = r.get_ref();
    if text.trim().is_empty() {
        return Err(cx
            .error(KEY, r.span(), "`requires-python` is empty")
            .help("remove it, or write a specifier such as `>=3.9`"));
    }
    match VersionSpecifiers::from_str(text) {
        Ok(specs) => Ok(specs.to_string()),
        Err(_) => {
            // Re-parse piecewise to point at the clause that failed.
            let mut offset = 0;
            for part in text.split(',') {
                if let Err(e) = VersionSpecifier::from_str(part.trim()) {
                    let lead = part.len() - part.trim_start().len();
                    let span = inner_span(cx.source, r, offset + lead, part.trim().len());
                    return Err(cx
                        .error(
                            KEY,
                            span,
                            format!("invalid version specifier: {}", first_line(&e.to_string())),
                        )
                        .help("write comma-separated PEP 440 specifiers, e.g. `>=3.9, <4`"));
                }
                offset += part.len() + 1;
            }
            Err(cx.error(KEY, r.span(), "invalid version specifiers"))
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default().trim_end_matches(':')
}

/// The span of `len` bytes at `offset` inside a string value, when the TOML text holds the value
/// verbatim (no escapes); otherwise the span of the whole value.
fn inner_span(source: &SourceFile, s: &SStr, offset: usize, len: usize) -> Range<usize> {
    let span = s.span();
    let raw = source.text.get(span.clone()).unwrap_or_default();
    let value = s.get_ref();
    let quoted = raw.len() == value.len() + 2
        && (raw.starts_with('"') || raw.starts_with('\''))
        && raw.get(1..raw.len() - 1) == Some(value.as_str());
    if quoted && offset <= value.len() {
        let start = span.start + 1 + offset;
        start..start + len.max(1).min(value.len() - offset).max(1)
    } else {
        span
    }
}

// ---------------------------------------------------------------------------------------------
// Files the user names (readme, license)

/// Validate a project-relative path and return it normalised (`/`-separated, no `.` parts).
fn relative_path(cx: &Cx, key: &str, s: &SStr, what: &str) -> Res<String> {
    let text = s.get_ref();
    if text.trim().is_empty() {
        return Err(cx.error(key, s.span(), format!("the {what} path is empty")));
    }
    if text.contains('\\') {
        return Err(cx
            .error(key, s.span(), format!("the {what} path contains `\\`"))
            .help(format!("use `/` as the separator: `{}`", text.replace('\\', "/"))));
    }
    let bytes = text.as_bytes();
    if text.starts_with('/') || (bytes.len() >= 2 && bytes[1] == b':') {
        return Err(cx
            .error(key, s.span(), format!("the {what} path must be relative to the project root"))
            .help("paths in pyproject.toml are relative to the folder holding it"));
    }
    let mut parts = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(cx
                    .error(key, s.span(), format!("the {what} path leaves the project (`..`)"))
                    .help("files outside the project folder cannot go into the sdist; move or copy the file into the project"))
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(cx.error(key, s.span(), format!("the {what} path names no file")));
    }
    Ok(parts.join("/"))
}

/// Read a UTF-8 file the user named; errors point at the string that named it.
fn read_named_file(cx: &Cx, key: &str, s: &SStr, what: &str) -> Res<(String, String)> {
    let rel = relative_path(cx, key, s, what)?;
    let path = cx.root.join(&rel);
    if !path.exists() {
        return Err(cx
            .error(key, s.span(), format!("{what} file `{rel}` not found"))
            .help(format!("the path is relative to {}", cx.root.display())));
    }
    if !path.is_file() {
        return Err(cx.error(key, s.span(), format!("{what} path `{rel}` is not a file")));
    }
    let bytes = fs_err::read(&path).map_err(|e| cx.error(key, s.span(), e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        cx.error(
            key,
            s.span(),
            format!("{what} file `{rel}` is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        )
        .help("save the file as UTF-8")
    })?;
    // A BOM would end up verbatim at the start of the metadata body.
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    Ok((rel, text))
}

fn content_type_for(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "md" => Some("text/markdown"),
        "rst" => Some("text/x-rst"),
        _ => None,
    }
}

fn readme(cx: &mut Cx, r: Spanned<StringOr<raw::ReadmeTable>>) -> Res<Readme> {
    const KEY: &str = "project.readme";
    let span = r.span();
    match r.into_inner() {
        StringOr::String(p) => {
            let s = Spanned::new(span.clone(), p);
            let (rel, text) = read_named_file(cx, KEY, &s, "readme")?;
            let Some(ct) = content_type_for(&rel) else {
                return Err(cx
                    .error(KEY, span, format!("cannot tell the content type of `{rel}`"))
                    .help(format!("name it `.md` or `.rst`, or write `readme = {{ file = \"{rel}\", content-type = \"text/plain\" }}`")));
            };
            Ok(Readme { text, content_type: format!("{ct}; charset=UTF-8"), path: Some(rel) })
        }
        StringOr::Table(t) => {
            let (text, path) = match (&t.file, &t.text) {
                (Some(_), Some(text)) => {
                    return Err(cx
                        .error("project.readme.text", text.span(), "`readme` has both `file` and `text`")
                        .help("keep one of them"))
                }
                (None, None) => return Err(cx.error(KEY, span, "the `readme` table needs `file` or `text`")),
                (Some(f), None) => {
                    let (rel, text) = read_named_file(cx, "project.readme.file", f, "readme")?;
                    (text, Some(rel))
                }
                (None, Some(text)) => (text.get_ref().clone(), None),
            };
            let Some(ct) = &t.content_type else {
                let guess = path.as_deref().and_then(content_type_for).unwrap_or("text/plain");
                return Err(cx
                    .error(KEY, span, "the `readme` table needs `content-type`")
                    .help(format!("add `content-type = \"{guess}\"`")));
            };
            let content_type = readme_content_type(cx, ct, t.charset.as_ref())?;
            Ok(Readme { text, content_type, path })
        }
    }
}

/// The content type with a charset parameter, taken from `charset` or defaulting to UTF-8.
fn readme_content_type(cx: &mut Cx, ct: &SStr, charset: Option<&SStr>) -> Res<String> {
    const KEY: &str = "project.readme.content-type";
    let value = ct.get_ref().trim();
    let mut parts = value.split(';');
    let base = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    if base.is_empty() {
        return Err(cx.error(KEY, ct.span(), "the content type is empty"));
    }
    if !matches!(base.as_str(), "text/plain" | "text/x-rst" | "text/markdown") {
        return Err(cx
            .error(KEY, ct.span(), format!("PyPI does not accept the content type `{base}`"))
            .help("use `text/markdown`, `text/x-rst` or `text/plain`"));
    }
    let given = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().to_string())
    });
    match (given, charset) {
        (Some(in_ct), Some(cs)) if !in_ct.eq_ignore_ascii_case(cs.get_ref()) => Err(cx
            .error(
                "project.readme.charset",
                cs.span(),
                format!("charset `{}` contradicts `charset={in_ct}` in content-type", cs.get_ref()),
            )
            .help("keep one of them")),
        (Some(_), _) => Ok(value.to_string()),
        (None, Some(cs)) => Ok(format!("{value}; charset={}", cs.get_ref())),
        (None, None) => Ok(format!("{value}; charset=UTF-8")),
    }
    .and_then(|full| {
        // The rules PyPI and twine apply (charset UTF-8 only, markdown variant GFM or CommonMark).
        match crate::metadata::check_content_type(&full) {
            Ok(()) => Ok(full),
            Err(why) => {
                let span = charset.filter(|_| why.contains("charset")).map_or(ct.span(), |c| c.span());
                Err(cx.error(KEY, span, format!("invalid readme content type `{full}`: {why}")))
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// License

fn license(cx: &mut Cx, l: Spanned<StringOr<raw::LicenseTable>>) -> Res<Located<License>> {
    let span = l.span();
    match l.into_inner() {
        StringOr::String(expr) => {
            let s = Spanned::new(span.clone(), expr);
            let normalized = spdx_expression(cx, &s)?;
            Ok(located(License::Spdx(normalized), span))
        }
        StringOr::Table(t) => {
            let text = match (&t.file, &t.text) {
                (Some(_), Some(text)) => {
                    return Err(cx
                        .error("project.license.text", text.span(), "`license` has both `file` and `text`")
                        .help("keep one of them"))
                }
                (None, None) => {
                    return Err(cx
                        .error("project.license", span, "the `license` table needs `file` or `text`")
                        .help("better: `license = \"MIT\"` (an SPDX expression, PEP 639)"))
                }
                (Some(f), None) => read_named_file(cx, "project.license.file", f, "license")?.1,
                (None, Some(text)) => text.get_ref().clone(),
            };
            cx.warn(
                "project.license",
                span.clone(),
                "the `license` table is deprecated (PEP 639)",
                "write an SPDX expression (`license = \"MIT\"`) and list the files in `license-files`",
            );
            Ok(located(License::Text(text), span))
        }
    }
}

/// Validate an SPDX expression and normalise its case (`apache-2.0 or mit` → `Apache-2.0 OR MIT`).
///
/// The `spdx` crate matches ids case-sensitively, so ids are looked up here first, case-folded,
/// and the rebuilt expression is then parsed strictly for its structure.
fn spdx_expression(cx: &mut Cx, s: &SStr) -> Res<String> {
    const KEY: &str = "project.license";
    let expr = s.get_ref();
    let mut out = String::new();
    let mut deprecated = Vec::new();
    for (start, token) in spdx_tokens(expr) {
        let piece = match token {
            "(" | ")" => token.to_string(),
            _ if ["and", "or", "with"].iter().any(|op| token.eq_ignore_ascii_case(op)) => {
                token.to_ascii_uppercase()
            }
            _ if token.len() > 11 && token[..11].eq_ignore_ascii_case("licenseref-") => {
                let rest = &token[11..];
                if !rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
                    return Err(cx
                        .error(
                            KEY,
                            inner_span(cx.source, s, start, token.len()),
                            format!("invalid license reference `{token}`"),
                        )
                        .help("after `LicenseRef-` use only letters, digits, `.` and `-`"));
                }
                format!("LicenseRef-{rest}")
            }
            _ => {
                let (id, plus) = match token.strip_suffix('+') {
                    Some(id) => (id, "+"),
                    None => (token, ""),
                };
                if let Some(lic) = find_license(id) {
                    if lic.is_deprecated() {
                        deprecated.push((start, token, lic.name));
                    }
                    format!("{}{plus}", lic.name)
                } else if let Some(exc) = find_exception(id).filter(|_| plus.is_empty()) {
                    exc.to_string()
                } else {
                    let mut d = cx.error(
                        KEY,
                        inner_span(cx.source, s, start, token.len()),
                        format!("unknown SPDX license identifier `{token}`"),
                    );
                    d = match suggest_license(id) {
                        Some(sug) => d.help(format!("did you mean `{sug}`? (identifiers: https://spdx.org/licenses/)")),
                        None => d.help("use an identifier from https://spdx.org/licenses/, or `LicenseRef-<name>` for a custom license"),
                    };
                    return Err(d);
                }
            }
        };
        let glue = !(out.is_empty() || out.ends_with('(') || piece == ")");
        if glue {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    let mode = spdx::ParseMode { allow_deprecated: true, ..spdx::ParseMode::STRICT };
    if let Err(e) = spdx::Expression::parse_mode(&out, mode) {
        return Err(cx
            .error(KEY, s.span(), format!("invalid license expression: {}", e.reason))
            .help("combine SPDX identifiers with AND, OR, WITH and parentheses, e.g. `MIT OR Apache-2.0`"));
    }
    for (start, token, name) in deprecated {
        let help = match (
            spdx::license_id(&format!("{name}-only")),
            spdx::license_id(&format!("{name}-or-later")),
        ) {
            (Some(a), Some(b)) => format!("use `{}` or `{}`", a.name, b.name),
            _ => "see https://spdx.org/licenses/ for its replacement".to_string(),
        };
        cx.warn(
            KEY,
            inner_span(cx.source, s, start, token.len()),
            format!("`{name}` is a deprecated SPDX identifier"),
            &help,
        );
    }
    Ok(out)
}

/// Tokens of an SPDX expression with their byte offsets: parentheses and whitespace-separated words.
fn spdx_tokens(expr: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in expr.char_indices() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if let Some(s) = start.take() {
                out.push((s, &expr[s..i]));
            }
            if c != ' ' && !c.is_whitespace() {
                out.push((i, &expr[i..i + 1]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &expr[s..]));
    }
    out
}

fn find_license(id: &str) -> Option<spdx::LicenseId> {
    spdx::license_id(id).or_else(|| {
        let name = spdx::identifiers::LICENSES.iter().find(|(name, _, _)| name.eq_ignore_ascii_case(id))?.0;
        spdx::license_id(name)
    })
}

fn find_exception(id: &str) -> Option<&'static str> {
    spdx::identifiers::EXCEPTIONS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(id))
        .map(|(name, _)| *name)
}

fn suggest_license(id: &str) -> Option<&'static str> {
    if let Some((lic, len)) = spdx::imprecise_license_id(id) {
        if len == id.len() {
            return Some(lic.name);
        }
    }
    did_you_mean(
        id,
        spdx::identifiers::LICENSES
            .iter()
            .filter(|(_, _, flags)| flags & spdx::identifiers::IS_DEPRECATED == 0)
            .map(|(name, _, _)| *name),
    )
}

/// PEP 639 glob syntax: literal alphanumerics, `_ - .` (and space), `* ? **`, `[...]` of
/// literals, `/` separators; no leading `/`, no `..`, no `\`.
fn license_glob(cx: &Cx, g: SStr) -> Res<Located<String>> {
    const KEY: &str = "project.license-files";
    let text = g.get_ref();
    let bad = |msg: String, at: Option<(usize, usize)>| {
        let span = match at {
            Some((o, l)) => inner_span(cx.source, &g, o, l),
            None => g.span(),
        };
        cx.error(KEY, span, msg)
    };
    if text.is_empty() {
        return Err(bad("empty license-files pattern".into(), None));
    }
    if text.starts_with('/') {
        return Err(bad("license-files patterns must be relative (no leading `/`)".into(), Some((0, 1)))
            .help(format!("write `{}`", text.trim_start_matches('/'))));
    }
    if let Some(i) = text.find('\\') {
        return Err(bad("`\\` is not allowed in license-files patterns".into(), Some((i, 1)))
            .help(format!("use `/` as the separator: `{}`", text.replace('\\', "/"))));
    }
    let mut offset = 0;
    for part in text.split('/') {
        if part == ".." {
            return Err(bad("`..` is not allowed in license-files patterns".into(), Some((offset, 2)))
                .help("license files must be inside the project"));
        }
        offset += part.len() + 1;
    }
    let literal = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ');
    let mut in_class: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (in_class, c) {
            (None, '[') => in_class = Some(i),
            (Some(_), ']') => in_class = None,
            (Some(_), c) if literal(c) => {}
            (None, c) if literal(c) || matches!(c, '*' | '?' | '/') => {}
            (_, c) => {
                return Err(bad(
                    format!("`{c}` is not allowed in a license-files pattern"),
                    Some((i, c.len_utf8())),
                )
                .help("PEP 639 globs allow letters, digits, `_ - .`, `* ? **`, `[...]` and `/`"))
            }
        }
    }
    if let Some(i) = in_class {
        return Err(bad("unclosed `[` in license-files pattern".into(), Some((i, 1))));
    }
    Ok(located(text.clone(), g.span()))
}

// ---------------------------------------------------------------------------------------------
// People, URLs

/// Metadata header values are one line: a line break would end the field (or fold it into
/// something else).
fn one_line(cx: &Cx, key: &str, s: &SStr) -> Res<()> {
    if s.get_ref().contains(|c: char| c.is_control() && c != '\t') {
        return Err(cx
            .error(key, s.span(), format!("{:?} holds a line break or control character", s.get_ref()))
            .help("this value becomes a one-line metadata field"));
    }
    Ok(())
}

fn contacts(cx: &Cx, key: &str, list: Option<Spanned<Vec<Spanned<raw::Contact>>>>) -> Res<Vec<Contact>> {
    let mut out = Vec::new();
    for entry in list.map(Spanned::into_inner).unwrap_or_default() {
        let span = entry.span();
        let c = entry.into_inner();
        if c.name.is_none() && c.email.is_none() {
            return Err(cx
                .error(key, span, "an entry needs `name` or `email`")
                .help("write `{ name = \"Jane Doe\", email = \"jane@example.org\" }`"));
        }
        if let Some(name) = &c.name {
            let n = name.get_ref();
            if n.trim().is_empty() {
                return Err(cx.error(&format!("{key}.name"), name.span(), "the name is empty"));
            }
            one_line(cx, &format!("{key}.name"), name)?;
            if n.contains(',') {
                return Err(cx
                    .error(&format!("{key}.name"), name.span(), format!("the name `{n}` contains a comma"))
                    .help("names are comma-joined in the metadata; list each person as a separate entry"));
            }
        }
        if let Some(email) = &c.email {
            check_email(cx, &format!("{key}.email"), email)?;
        }
        out.push(Contact { name: c.name.map(Spanned::into_inner), email: c.email.map(Spanned::into_inner) });
    }
    Ok(out)
}

fn check_email(cx: &Cx, key: &str, email: &SStr) -> Res<()> {
    let e = email.get_ref();
    if e.contains(['<', '>']) {
        return Err(cx
            .error(key, email.span(), format!("`{e}` is not a bare e-mail address"))
            .help("put the person's name in `name` and only the address in `email`"));
    }
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !e.contains(|c: char| c.is_whitespace() || c == ',')
        }
        None => false,
    };
    if !ok {
        return Err(cx
            .error(key, email.span(), format!("`{e}` is not an e-mail address"))
            .help("write one address such as `jane@example.org`"));
    }
    Ok(())
}

fn urls(cx: &Cx, urls: Option<Spanned<raw::Entries<SStr>>>) -> Res<Vec<(Located<String>, String)>> {
    let mut out = Vec::new();
    for (label, url) in urls.map(|u| u.into_inner().0).unwrap_or_default() {
        let key = format!("project.urls.{}", label.get_ref());
        let n = label.get_ref().chars().count();
        if n == 0 || n > 32 {
            return Err(cx
                .error(
                    &key,
                    label.span(),
                    format!("URL labels must be 1 to 32 characters long, this one has {n}"),
                )
                .help("PyPI rejects longer labels; shorten it"));
        }
        one_line(cx, &key, &label)?;
        one_line(cx, &key, &url)?;
        if label.get_ref().contains(',') {
            return Err(cx
                .error(&key, label.span(), format!("URL label `{}` contains a comma", label.get_ref()))
                .help("`Project-URL` is `label, url`: a comma ends the label"));
        }
        let u = url.get_ref().trim();
        if u.is_empty() {
            return Err(cx.error(&key, url.span(), "the URL is empty"));
        }
        // PyPI validates Project-URL values as absolute http(s) URLs at upload.
        match u.split_once("://") {
            Some((scheme, rest)) if !rest.is_empty() && !rest.starts_with('/') => {
                if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
                    return Err(cx
                        .error(&key, url.span(), format!("`{u}` is not an http or https URL"))
                        .help("PyPI accepts only http and https project URLs"));
                }
            }
            _ => {
                let e = cx.error(&key, url.span(), format!("`{u}` is not an absolute URL"));
                let looks_like_host = !u.contains(char::is_whitespace) && !u.contains(':');
                return Err(if looks_like_host {
                    e.help(format!("write it in full, e.g. `https://{}`", u.trim_start_matches('/')))
                } else {
                    e.help("write an absolute http(s) URL such as `https://example.org/docs`")
                });
            }
        }
        out.push((located(label.get_ref().clone(), label.span()), url.into_inner()));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Dependencies

fn requirement(cx: &Cx, key: &str, r: &SStr) -> Res<String> {
    let help = "write a PEP 508 requirement such as `requests>=2.28` or `tomli; python_version < \"3.11\"`";
    let text = r.get_ref();
    crate::names::check_before_pep508(text)
        .map_err(|why| cx.error(key, r.span(), format!("invalid requirement: {why}")).help(help))?;
    match pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(text) {
        // Validated, but kept as written: pep508_rs's Display rewrites markers
        // (`python_version` → `python_full_version`), which METADATA should not show.
        Ok(_) => Ok(text.trim().to_string()),
        Err(e) => {
            let span = inner_span(cx.source, r, e.start, e.len);
            Err(cx
                .error(key, span, format!("invalid requirement: {}", first_line(&e.message.to_string())))
                .help(help))
        }
    }
}

fn requirements(cx: &Cx, key: &str, list: Option<SList>) -> Res<Vec<String>> {
    strings(list).iter().map(|r| requirement(cx, key, r)).collect()
}

fn extras(cx: &Cx, table: Option<Spanned<raw::Entries<SList>>>) -> Res<IndexMap<String, Vec<String>>> {
    let mut out: IndexMap<String, Vec<String>> = IndexMap::new();
    let mut seen: Vec<(String, SStr)> = Vec::new();
    for (extra, reqs) in table.map(|t| t.into_inner().0).unwrap_or_default() {
        let key = format!("project.optional-dependencies.{}", extra.get_ref());
        let normalized = normalize_extra(extra.get_ref())
            .map_err(|e| cx.error(&key, extra.span(), format!("invalid extra name: {e}")))?;
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == normalized) {
            let (line, col) = cx.source.line_col(first.span().start);
            return Err(cx
                .error(
                    &key,
                    extra.span(),
                    format!(
                        "extras `{}` and `{}` are the same name once normalised (`{normalized}`)",
                        first.get_ref(),
                        extra.get_ref()
                    ),
                )
                .help(format!("merge this extra into the one at line {line}:{col}")));
        }
        let reqs = requirements(cx, &key, Some(reqs))?;
        seen.push((normalized.clone(), extra));
        out.insert(normalized, reqs);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Entry points

/// Parse `module.sub:attr.attr [extras]` into its canonical spelling; `Err` holds the reason.
fn object_reference(value: &str, need_attr: bool) -> Result<(String, bool), String> {
    let value = value.trim();
    let (main, extras) = match value.split_once('[') {
        Some((main, rest)) => {
            let inner = rest.trim_end().strip_suffix(']').ok_or("unclosed `[`")?;
            (main.trim(), Some(inner.trim()))
        }
        None => (value, None),
    };
    let (module, attr) = match main.split_once(':') {
        Some((m, a)) => (m.trim(), Some(a.trim())),
        None => (main, None),
    };
    if !is_dotted_identifier(module) {
        return Err(format!("`{module}` is not a dotted module name"));
    }
    let mut canonical = module.to_string();
    match attr {
        Some(a) if !is_dotted_identifier(a) => return Err(format!("`{a}` is not a dotted attribute name")),
        Some(a) => {
            canonical.push(':');
            canonical.push_str(a);
        }
        None if need_attr => return Err("the function is missing".into()),
        None => {}
    }
    if let Some(extras) = extras {
        canonical.push_str(&format!(" [{extras}]"));
    }
    Ok((canonical, extras.is_some()))
}

type Named = Vec<(Located<String>, String)>;

fn scripts(cx: &mut Cx, key: &str, table: Option<Spanned<raw::Entries<SStr>>>) -> Res<Named> {
    let mut out = Vec::new();
    for (name, value) in table.map(|t| t.into_inner().0).unwrap_or_default() {
        let n = name.get_ref();
        let k = format!("{key}.{n}");
        if n.is_empty() || !n.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-')) {
            return Err(cx
                .error(&k, name.span(), format!("invalid script name `{n}`"))
                .help("script names may only hold letters, digits, `_`, `.` and `-` (PyPI rejects others)"));
        }
        let reference = entry_value(cx, &k, &value, true)?;
        out.push((located(n.clone(), name.span()), reference));
    }
    Ok(out)
}

fn entry_value(cx: &mut Cx, key: &str, value: &SStr, need_attr: bool) -> Res<String> {
    match object_reference(value.get_ref(), need_attr) {
        Ok((canonical, extras)) => {
            if extras {
                cx.warn(
                    key,
                    value.span(),
                    "extras in an entry point are deprecated",
                    "installers ignore them; drop the `[...]`",
                );
            }
            Ok(canonical)
        }
        Err(reason) => Err(cx
            .error(key, value.span(), format!("invalid object reference `{}`: {reason}", value.get_ref()))
            .help(if need_attr {
                "write `package.module:function`"
            } else {
                "write `package.module` or `package.module:object.attribute`"
            })),
    }
}

fn check_script_clash(cx: &Cx, scripts: &Named, gui: &Named) -> Res<()> {
    for (name, _) in gui {
        if let Some((first, _)) = scripts.iter().find(|(n, _)| n.value == name.value) {
            let (line, col) = first.span.clone().map_or((0, 0), |s| cx.source.line_col(s.start));
            return Err(cx
                .error(
                    &format!("project.gui-scripts.{}", name.value),
                    name.span.clone().unwrap_or_default(),
                    format!("`{}` is both a script and a GUI script", name.value),
                )
                .help(format!(
                    "both would install the same file; rename one (the other is at line {line}:{col})"
                )));
        }
    }
    Ok(())
}

fn entry_points(
    cx: &mut Cx,
    table: Option<Spanned<raw::Entries<Spanned<raw::Entries<SStr>>>>>,
) -> Res<IndexMap<String, IndexMap<String, String>>> {
    let mut out = IndexMap::new();
    for (group, entries) in table.map(|t| t.into_inner().0).unwrap_or_default() {
        let g = group.get_ref();
        let key = format!("project.entry-points.{g}");
        match g.as_str() {
            "console_scripts" | "gui_scripts" => {
                let field = if g == "console_scripts" { "scripts" } else { "gui-scripts" };
                return Err(cx
                    .error(&key, group.span(), format!("`{g}` may not be given in `entry-points`"))
                    .help(format!("use `[project.{field}]` instead")));
            }
            _ => {}
        }
        let valid_group = g
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_'));
        if !valid_group {
            return Err(cx
                .error(&key, group.span(), format!("invalid entry-point group `{g}`"))
                .help("group names are dot-separated words of letters, digits and `_`"));
        }
        let mut items = IndexMap::new();
        for (name, value) in entries.into_inner().0 {
            let n = name.get_ref();
            let k = format!("{key}.{n}");
            if n.is_empty()
                || n.contains('=')
                || n.starts_with(['[', '#', ';'])
                || n.starts_with(char::is_whitespace)
                || n.ends_with(char::is_whitespace)
                || n.contains(char::is_control)
            {
                // entry_points.txt is INI: a line break splits the entry (and breaks reading
                // every entry point of the distribution), `#`/`;` start a comment.
                return Err(cx
                    .error(&k, name.span(), format!("invalid entry-point name {n:?}"))
                    .help("names may not contain `=` or control characters, start with `[`, `#` or `;`, or start or end with whitespace; write letters, digits, `_`, `-` and `.`"));
            }
            if !n.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
                cx.warn(
                    &k,
                    name.span(),
                    format!("entry-point name {n:?} has characters outside `[\\w.-]`"),
                    "the entry points spec asks tools to write only letters, digits, `_`, `-` and `.`",
                );
            }
            let reference = entry_value(cx, &k, &value, false)?;
            items.insert(n.clone(), reference);
        }
        out.insert(g.clone(), items);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::project::{CheckLevel, VersionSource};

    /// Write `toml` (and `files`) into a fresh folder and load it.
    pub(super) fn load_with(
        toml: &str,
        files: &[(&str, &[u8])],
    ) -> (Result<Project, Error>, Vec<Diagnostic>, tempfile::TempDir) {
        let dir = crate::testing::tree(toml, files);
        let mut warnings = Vec::new();
        let result = load(dir.path(), &mut warnings);
        (result, warnings, dir)
    }

    pub(super) fn ok(toml: &str) -> (Project, Vec<Diagnostic>) {
        let (r, w, _dir) = load_with(toml, &[]);
        match r {
            Ok(p) => (p, w),
            Err(e) => panic!("{}", e.diagnostic()),
        }
    }

    /// The rendered error for `[project]` + name + version + `extra`.
    pub(super) fn err(extra: &str) -> String {
        err_full(&format!("{HEAD}{extra}"))
    }

    pub(super) fn err_full(toml: &str) -> String {
        let (r, _, _dir) = load_with(toml, &[]);
        match r {
            Ok(_) => panic!("expected an error for:\n{toml}"),
            Err(e) => e.diagnostic().to_string(),
        }
    }

    pub(super) fn warnings(extra: &str) -> Vec<String> {
        ok(&format!("{HEAD}{extra}"))
            .1
            .iter()
            .map(|w| {
                assert_eq!(w.severity, Severity::Warning);
                w.to_string()
            })
            .collect()
    }

    /// Three lines, so a tested key written next sits on line 4.
    pub(super) const HEAD: &str = "[project]\nname = \"acme-sdk\"\nversion = \"1.0\"\n";

    pub(super) fn has(out: &str, parts: &[&str]) {
        for p in parts {
            assert!(out.contains(p), "missing {p:?} in:\n{out}");
        }
    }

    const FULL: &str = r#"
[build-system]
requires = ["cartwheel>=0.1"]
build-backend = "cartwheel"

[project]
name = "Acme.SDK"
version = "1.4.0"
description = "Acme database SDK"
readme = "README.md"
requires-python = ">=3.8,<4"
license = "apache-2.0 or mit"
license-files = ["LICENSE*", "licenses/**/*.txt"]
authors = [{ name = "Jane Doe", email = "jane@example.org" }, { email = "team@example.org" }]
maintainers = [{ name = "Bob" }]
keywords = ["db", "sql"]
classifiers = ["Programming Language :: Python :: 3"]
dependencies = ["SQLAlchemy >=2", "tomli; python_version < '3.11'"]

[project.optional-dependencies]
Test_Extra = ["pytest"]
docs = ["sphinx>=7"]

[project.urls]
Source = "https://example.org/src"
Docs = "https://example.org/docs"

[project.scripts]
acme-client = "acme.cli:main"

[project.gui-scripts]
acme-gui = "acme.gui : run"

[project.entry-points."acme.plugins"]
csv = "acme.plugins.csv:Plugin"
base = "acme.plugins"

[tool.black]
line-length = 100

[tool.cartwheel]
module = ["acme", "acme_extra"]
source = "src"
include = ["generated/*.json"]
exclude = ["**/*.tmp"]
wheel-exclude = ["tests/"]
sdist-include = ["docs/**"]
sdist-exclude = ["docs/_build/"]
data = { "bin" = "scripts", "share/x.json" = "data/etc/x.json" }
check = "warn"

[tool.cartwheel.version]
stamp = ["src/acme/__init__.py"]
changelog = "CHANGES.md"
"#;

    #[test]
    fn fuzz_regressions_are_errors_not_panics() {
        // A TOML error located in the `\r` run that ends a line (pyproject fuzz target).
        let bytes = include_bytes!("../../../../fuzz/corpus/pyproject/regress-cr-span.toml");
        let dir = tempfile::tempdir().unwrap();
        let e =
            parse(bytes.to_vec(), PathBuf::from("pyproject.toml"), dir.path(), &mut Vec::new()).unwrap_err();
        assert!(e.diagnostic().to_string().starts_with("error: pyproject.toml:2:"), "{}", e.diagnostic());
    }

    #[test]
    fn deeply_nested_marker_is_an_error_not_a_crash() {
        let deep = format!("a ; {}python_version > '3'{}", "(".repeat(3000), ")".repeat(3000));
        let out = err(&format!("dependencies = [\"{deep}\"]\n"));
        has(&out, &["pyproject.toml:4:17: invalid requirement: parentheses nested 3000 deep"]);
    }

    #[test]
    fn name_ending_in_a_separator_is_an_error_not_a_crash() {
        let out = err("dependencies = [\"foo-==1\"]\n");
        has(
            &out,
            &["pyproject.toml:4:17: invalid requirement: the name `foo-` must end with a letter or digit"],
        );
    }

    #[test]
    fn bom_and_duplicate_tables_are_explained() {
        let out = err_full("\u{feff}[project]\nname = \"a\"\nversion = \"1\"\n");
        has(&out, &["pyproject.toml:1:1: pyproject.toml starts with a UTF-8 byte-order mark"]);
        let out = err_full("[project]\nname = \"a\"\nversion = \"1\"\n[project]\n");
        has(&out, &["pyproject.toml:4:1: invalid TOML: invalid table header: duplicate key `\"project\"`"]);
    }

    #[test]
    fn non_utf8_file_is_located() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pyproject.toml"), b"[project]\nname = \"caf\xe9\"\n").unwrap();
        let e = load(dir.path(), &mut Vec::new()).unwrap_err().diagnostic().to_string();
        assert!(e.contains("pyproject.toml:2:12: pyproject.toml is not valid UTF-8"), "{e}");
    }

    #[test]
    fn toml_11_syntax_is_refused() {
        let e = err_full(
            "[project]\nname = \"a\"\nversion = \"1\"\nauthors = [{name = \"A\",\n  email = \"a@b.co\",}]\n",
        );
        assert!(e.contains("invalid TOML 1.0"), "{e}");
        assert!(e.contains("pyproject.toml:4:"), "{e}");
        let e = err_full("[project]\nname = \"a\"\nversion = \"1\"\ndescription = \"\\e[1m\"\n");
        assert!(e.contains("invalid TOML 1.0") && e.contains("pyproject.toml:4:"), "{e}");
        let e = err_full("[project\n");
        assert!(e.contains("invalid TOML: ") && e.contains("pyproject.toml:1:"), "{e}");
    }

    #[test]
    fn full_pyproject() {
        let (r, w, dir) = load_with(FULL, &[("README.md", "# Acme\n".as_bytes())]);
        let p = r.unwrap_or_else(|e| panic!("{}", e.diagnostic()));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(p.root, dir.path().canonicalize().unwrap());
        assert_eq!(p.name.value, "Acme.SDK");
        assert_eq!(p.normalized_name.as_str(), "acme-sdk");
        assert_eq!(p.version.as_ref().unwrap().value.to_string(), "1.4.0");
        let span = p.version.as_ref().unwrap().span.clone().unwrap();
        assert_eq!(&p.source.text[span], "\"1.4.0\"");
        assert_eq!(p.description.as_deref(), Some("Acme database SDK"));
        assert_eq!(
            p.readme,
            Some(Readme {
                text: "# Acme\n".into(),
                content_type: "text/markdown; charset=UTF-8".into(),
                path: Some("README.md".into()),
            })
        );
        assert_eq!(p.requires_python.as_deref(), Some(">=3.8, <4"));
        assert_eq!(p.license.as_ref().unwrap().value, License::Spdx("Apache-2.0 OR MIT".into()));
        let globs: Vec<_> = p.license_files.unwrap().into_iter().map(|g| g.value).collect();
        assert_eq!(globs, ["LICENSE*", "licenses/**/*.txt"]);
        assert_eq!(
            p.authors,
            [
                Contact { name: Some("Jane Doe".into()), email: Some("jane@example.org".into()) },
                Contact { name: None, email: Some("team@example.org".into()) }
            ]
        );
        assert_eq!(p.maintainers[0].name.as_deref(), Some("Bob"));
        assert_eq!(p.keywords, ["db", "sql"]);
        assert_eq!(p.classifiers, ["Programming Language :: Python :: 3"]);
        assert_eq!(p.dependencies[0], "SQLAlchemy >=2");
        assert_eq!(p.dependencies[1], "tomli; python_version < '3.11'");
        // Order as written, keys normalised.
        let extras: Vec<_> = p.optional_dependencies.keys().cloned().collect();
        assert_eq!(extras, ["test-extra", "docs"]);
        assert_eq!(p.optional_dependencies["docs"], ["sphinx>=7"]);
        let labels: Vec<_> = p.urls.keys().cloned().collect();
        assert_eq!(labels, ["Source", "Docs"]);
        assert_eq!(p.scripts["acme-client"], "acme.cli:main");
        assert_eq!(p.gui_scripts["acme-gui"], "acme.gui:run");
        let eps = &p.entry_points["acme.plugins"];
        assert_eq!(eps.keys().collect::<Vec<_>>(), ["csv", "base"]);
        assert_eq!(eps["base"], "acme.plugins");
        assert!(p.dynamic.is_empty());
        let t = &p.tool;
        let modules: Vec<_> = t.module.as_ref().unwrap().iter().map(|m| &m.value).collect();
        assert_eq!(modules, ["acme", "acme_extra"]);
        assert_eq!(t.source.as_ref().unwrap().value, "src");
        assert_eq!(t.include[0].value, "generated/*.json");
        assert_eq!(t.exclude[0].value, "**/*.tmp");
        assert_eq!(t.wheel_exclude[0].value, "tests/");
        assert_eq!(t.sdist_include[0].value, "docs/**");
        assert_eq!(t.sdist_exclude[0].value, "docs/_build/");
        let data: Vec<_> = t.data.iter().map(|(s, d)| (&*s.value, &*d.value)).collect();
        assert_eq!(data, [("bin", "scripts"), ("share/x.json", "data/etc/x.json")]);
        assert_eq!(t.check, CheckLevel::Warn);
        assert_eq!(t.version.source, VersionSource::Pyproject);
        assert_eq!(t.version.stamp.as_ref().unwrap()[0].value, "src/acme/__init__.py");
        assert_eq!(t.version.changelog.as_ref().unwrap().value, "CHANGES.md");
    }

    #[test]
    fn minimal_defaults() {
        let (p, w) = ok(HEAD);
        assert!(w.is_empty());
        assert_eq!(p.readme, None);
        assert_eq!(p.license, None);
        assert_eq!(p.license_files, None);
        assert_eq!(p.tool.module, None);
        assert_eq!(p.tool.check, CheckLevel::Error);
        assert_eq!(p.tool.version.stamp, None);
        assert!(p.source.path.ends_with("pyproject.toml"));
    }

    #[test]
    fn shown_path_drops_dot() {
        assert_eq!(shown_path(Path::new(".")), Path::new("pyproject.toml"));
        assert_eq!(shown_path(Path::new("")), Path::new("pyproject.toml"));
        assert_eq!(shown_path(Path::new("proj")), Path::new("proj/pyproject.toml"));
    }

    #[test]
    fn missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = load(dir.path(), &mut Vec::new()).unwrap_err();
        let out = e.diagnostic().to_string();
        has(&out, &["pyproject.toml` not found", &dir.path().display().to_string()]);
    }

    #[test]
    fn syntax_error_is_located() {
        let out = err_full("[project]\nname = \"x\nversion = \"1\"\n");
        has(&out, &["pyproject.toml:2:10: invalid TOML"]);
    }

    #[test]
    fn missing_project_name_version() {
        let out = err_full("[build-system]\nrequires = []\n");
        has(&out, &["no `[project]` table", "(key `project`)"]);
        let out = err_full("[tool.poetry]\nname = \"x\"\n");
        has(&out, &["not `[tool.poetry]`"]);
        let out = err_full("\n[project]\nversion = \"1\"\n");
        has(&out, &["pyproject.toml:2:1: `project.name` is missing"]);
        let out = err_full("[project]\nname = \"x\"\n");
        has(&out, &["pyproject.toml:1:1: `project.version` is missing", "dynamic"]);
    }

    #[test]
    fn unknown_keys_suggest() {
        let out = err("nmae = \"x\"\n");
        has(
            &out,
            &[
                "pyproject.toml:4:1: unknown key `nmae` in `[project]` (key `project.nmae`)",
                "help: did you mean `name`?",
            ],
        );
        let out = err("[tool.cartwheel]\nmodules = \"x\"\n");
        has(&out, &["pyproject.toml:5:1: unknown key `modules`", "did you mean `module`?"]);
        let out = err("[tool.cartwheel.version]\nsorce = \"git\"\n");
        has(&out, &["pyproject.toml:5:1", "(key `tool.cartwheel.version.sorce`)", "`source`"]);
        let out = err("authors = [{ name = \"a\", mail = \"x\" }]\n");
        has(&out, &["pyproject.toml:4:26: unknown key `mail`", "did you mean `email`?"]);
        // Other tools' tables are not ours to judge.
        ok(&format!("{HEAD}[tool.black]\nwhatever = 1\n[build-system]\nx = 1\n"));
    }

    #[test]
    fn wrong_types_are_located() {
        let out = err("description = 3\n");
        has(&out, &["pyproject.toml:4:15: expected a string, found an integer (key `project.description`)"]);
        let out = err("keywords = \"a\"\n");
        has(&out, &["pyproject.toml:4:12: expected an array, found a string"]);
        let out = err("readme = 2\n");
        has(&out, &["expected a string or a table, found an integer"]);
        let out = err("readme = { file = 2, content-type = \"text/plain\" }\n");
        has(&out, &["pyproject.toml:4:19: expected a string", "(key `project.readme.file`)"]);
        let out = err("[tool.cartwheel]\nmodule = [\"a\", 1]\n");
        has(&out, &["pyproject.toml:5:16: expected a string, found an integer"]);
        let out = err_full("[project]\nname = \"x\"\nversion = 1979-05-27\n");
        has(&out, &["pyproject.toml:3:11: expected a string, found a date-time"]);
    }

    #[test]
    fn name_rules() {
        let out = err_full("[project]\nname = \"-bad\"\nversion = \"1\"\n");
        has(&out, &["pyproject.toml:2:8: `-bad` is not a valid name", "(key `project.name`)"]);
        let out = err("dynamic = [\"name\"]\n");
        has(&out, &["pyproject.toml:4:12: `name` may not be dynamic"]);
    }

    #[test]
    fn version_rules() {
        let out = err_full("[project]\nname = \"x\"\nversion = \"1.0.x\"\n");
        has(&out, &["pyproject.toml:3:11: invalid version `1.0.x`", "(key `project.version`)"]);
        let (p, w) = ok("[project]\nname = \"x\"\nversion = \"1.0.0-rc.1\"\n");
        assert_eq!(p.version.unwrap().value.to_string(), "1.0.0rc1");
        has(
            &w[0].to_string(),
            &["warning: ", "pyproject.toml:3:11: version `1.0.0-rc.1` is normalised to `1.0.0rc1`"],
        );
        let out = err("dynamic = [\"version\"]\n");
        has(&out, &["pyproject.toml:4:12: `version` is both set in `[project]` and listed as dynamic"]);
        let (p, _) = ok("[project]\nname = \"x\"\ndynamic = [\"version\"]\n");
        assert_eq!(p.version, None);
        assert_eq!(p.dynamic, ["version"]);
        assert_eq!(p.tool.version.source, VersionSource::Module);
    }

    #[test]
    fn dynamic_rules() {
        let out = err("dynamic = [\"requires_python\"]\n");
        has(
            &out,
            &[
                "pyproject.toml:4:12: `requires_python` is not a `[project]` field",
                "did you mean `requires-python`?",
            ],
        );
        let out = err("description = \"d\"\ndynamic = [\"description\"]\n");
        has(&out, &["pyproject.toml:5:12: `description` is both set"]);
        // PEP 808: list and table fields may be static and dynamic at once.
        let (p, _) = ok(&format!("{HEAD}dependencies = [\"a\"]\ndynamic = [\"dependencies\"]\n"));
        assert_eq!(p.dynamic, ["dependencies"]);
        let out = err("dynamic = [\"dependencies\"]\n");
        has(&out, &["pyproject.toml:4:12: cartwheel cannot compute a dynamic `dependencies`"]);
    }

    #[test]
    fn description_and_urls_as_pypi_wants_them() {
        let long = "x".repeat(513);
        let out = err(&format!("description = \"{long}\"\n"));
        has(&out, &["pyproject.toml:4:15: the description has 513 characters"]);
        let out = err("[project.urls]\nHomepage = \"example.com\"\n");
        has(&out, &["pyproject.toml:5:12: `example.com` is not an absolute URL", "https://example.com"]);
        let out = err("[project.urls]\nHomepage = \"ftp://example.com\"\n");
        has(&out, &["is not an http or https URL"]);
    }

    #[test]
    fn metadata_field_rules_are_located() {
        let out = err("keywords = [\"a,b\"]\n");
        has(&out, &["pyproject.toml:4:13: keyword contains a comma (key `project.keywords`)"]);
        let out = err("classifiers = [\"a\\nb\"]\n");
        has(&out, &["pyproject.toml:4:16: \"a\\nb\" holds a line break"]);
        let out = err("[project.urls]\n\"a,b\" = \"https://x.org\"\n");
        has(&out, &["pyproject.toml:5:1: URL label `a,b` contains a comma"]);
        let out = err("readme = {text = \"hi\", content-type = \"text/html\"}\n");
        has(&out, &["pyproject.toml:4:39: PyPI does not accept the content type `text/html`"]);
        let out = err("readme = {text = \"hi\", content-type = \"text/markdown\", charset = \"latin-1\"}\n");
        has(&out, &["pyproject.toml:4:66: invalid readme content type", "charset"]);
        let out = err("readme = {text = \"hi\", content-type = \"text/markdown; variant=Bogus\"}\n");
        has(&out, &["pyproject.toml:4:39: invalid readme content type", "variant"]);
    }

    #[test]
    fn description_one_line() {
        let out = err("description = \"\"\"two\nlines\"\"\"\n");
        has(&out, &["pyproject.toml:4:15: the description must be one line"]);
    }

    #[test]
    fn readme_forms() {
        let toml = format!("{HEAD}readme = \"docs/INTRO.RST\"\n");
        let (r, _, _d) = load_with(&toml, &[("docs/INTRO.RST", b"Intro\n=====\n")]);
        let readme = r.unwrap().readme.unwrap();
        assert_eq!(readme.content_type, "text/x-rst; charset=UTF-8");
        assert_eq!(readme.path.as_deref(), Some("docs/INTRO.RST"));

        let toml = format!("{HEAD}readme = \"./README.Md\"\n");
        let (r, _, _d) = load_with(&toml, &[("README.Md", b"hi")]);
        let readme = r.unwrap().readme.unwrap();
        assert_eq!(readme.content_type, "text/markdown; charset=UTF-8");
        assert_eq!(readme.path.as_deref(), Some("README.Md"));

        let toml = format!("{HEAD}readme = {{ file = \"README.txt\", content-type = \"text/plain\" }}\n");
        let (r, _, _d) = load_with(&toml, &[("README.txt", b"plain")]);
        assert_eq!(r.unwrap().readme.unwrap().content_type, "text/plain; charset=UTF-8");

        let (p, _) = ok(&format!(
            "{HEAD}readme = {{ text = \"inline\", content-type = \"text/markdown; variant=GFM\", charset = \"utf-8\" }}\n"
        ));
        let readme = p.readme.unwrap();
        assert_eq!(readme.text, "inline");
        assert_eq!(readme.content_type, "text/markdown; variant=GFM; charset=utf-8");
        assert_eq!(readme.path, None);
    }

    #[test]
    fn readme_errors() {
        let toml = format!("{HEAD}readme = \"README.txt\"\n");
        let (r, _, _d) = load_with(&toml, &[("README.txt", b"x")]);
        let out = r.unwrap_err().diagnostic().to_string();
        has(&out, &["pyproject.toml:4:10: cannot tell the content type of `README.txt`", "content-type"]);

        let out = err("readme = \"MISSING.md\"\n");
        has(&out, &["pyproject.toml:4:10: readme file `MISSING.md` not found"]);

        let out = err("readme = { file = \"R.md\", text = \"x\", content-type = \"text/markdown\" }\n");
        has(&out, &["pyproject.toml:4:34: `readme` has both `file` and `text`"]);

        let out = err("readme = { text = \"x\" }\n");
        has(&out, &["pyproject.toml:4:10: the `readme` table needs `content-type`"]);

        let out = err("readme = \"../README.md\"\n");
        has(&out, &["readme path leaves the project"]);

        let toml = format!("{HEAD}readme = \"README.md\"\n");
        let (r, _, _d) = load_with(&toml, &[("README.md", b"caf\xe9")]);
        let out = r.unwrap_err().diagnostic().to_string();
        has(&out, &["pyproject.toml:4:10: readme file `README.md` is not valid UTF-8 (byte 3)"]);
    }

    #[test]
    fn requires_python_normalised_and_located() {
        let (p, _) = ok(&format!("{HEAD}requires-python = \">= 3.9\"\n"));
        assert_eq!(p.requires_python.as_deref(), Some(">=3.9"));
        let out = err("requires-python = \">=3.8, =>4\"\n");
        has(&out, &["pyproject.toml:4:27: invalid version specifier", "(key `project.requires-python`)"]);
    }

    #[test]
    fn license_expressions() {
        let lic = |expr: &str| {
            let (p, w) = ok(&format!("{HEAD}license = \"{expr}\"\n"));
            match p.license.unwrap().value {
                License::Spdx(s) => (s, w),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(lic("mit").0, "MIT");
        assert_eq!(lic("apache-2.0 or mit").0, "Apache-2.0 OR MIT");
        assert_eq!(
            lic("(mit OR bsd-3-clause) and gpl-3.0-or-later WITH classpath-exception-2.0").0,
            "(MIT OR BSD-3-Clause) AND GPL-3.0-or-later WITH Classpath-exception-2.0"
        );
        assert_eq!(lic("LicenseRef-Acme-1.0 OR MIT").0, "LicenseRef-Acme-1.0 OR MIT");
        let (s, w) = lic("GPL-2.0");
        assert_eq!(s, "GPL-2.0");
        has(&w[0].to_string(), &["deprecated SPDX identifier", "GPL-2.0-only"]);

        let out = err("license = \"MIT OR Apache2\"\n");
        has(
            &out,
            &["pyproject.toml:4:19: unknown SPDX license identifier `Apache2`", "did you mean `Apache-2.0`?"],
        );
        let out = err("license = \"MIT OR\"\n");
        has(&out, &["pyproject.toml:4:11: invalid license expression"]);
        let out = err("license = \"LicenseRef-my_license\"\n");
        has(&out, &["invalid license reference"]);
    }

    #[test]
    fn license_tables() {
        let toml = format!("{HEAD}license = {{ file = \"LICENSE\" }}\n");
        let (r, w, _d) = load_with(&toml, &[("LICENSE", b"Permission is granted")]);
        assert_eq!(r.unwrap().license.unwrap().value, License::Text("Permission is granted".into()));
        has(&w[0].to_string(), &["deprecated (PEP 639)"]);
        let (p, _) = ok(&format!("{HEAD}license = {{ text = \"MIT\" }}\n"));
        assert_eq!(p.license.unwrap().value, License::Text("MIT".into()));

        let out = err("license = { file = \"L\", text = \"x\" }\n");
        has(&out, &["pyproject.toml:4:32: `license` has both `file` and `text`"]);
        let out = err("license = { file = \"NOPE\" }\n");
        has(&out, &["pyproject.toml:4:20: license file `NOPE` not found"]);
        let out = err("license = { text = \"x\" }\nlicense-files = []\n");
        has(&out, &["pyproject.toml:5:17: `license-files` cannot be used with the legacy"]);
    }

    #[test]
    fn license_classifier_is_a_warning() {
        let w = warnings("license = \"MIT\"\nclassifiers = [\"License :: OSI Approved :: MIT License\"]\n");
        assert_eq!(w.len(), 1);
        has(&w[0], &["warning: ", "pyproject.toml:5:16: `License ::` classifier"]);
    }

    #[test]
    fn license_file_globs() {
        let (p, _) = ok(&format!("{HEAD}license-files = []\n"));
        assert_eq!(p.license_files, Some(vec![]));
        for (glob, col, msg) in [
            ("/LICENSE", 19, "no leading `/`"),
            ("../LICENSE", 19, "`..` is not allowed"),
            ("a/../b", 21, "`..` is not allowed"),
            ("LICENSE{,.txt}", 26, "`{` is not allowed"),
            ("[ab", 19, "unclosed `[`"),
        ] {
            let out = err(&format!("license-files = [\"{glob}\"]\n"));
            has(&out, &[&format!("pyproject.toml:4:{col}: "), msg, "(key `project.license-files`)"]);
        }
        let out = err("license-files = ['a\\b']\n");
        has(&out, &["`\\` is not allowed"]);
    }

    #[test]
    fn contacts_rules() {
        let out = err("authors = [{ name = \"Doe, Jane\" }]\n");
        has(&out, &["pyproject.toml:4:21: the name `Doe, Jane` contains a comma", "separate entry"]);
        let out = err("authors = [{ email = \"jane.example.org\" }]\n");
        has(&out, &["pyproject.toml:4:22: `jane.example.org` is not an e-mail address"]);
        let out = err("maintainers = [{ email = \"Jane <j@x.org>\" }]\n");
        has(&out, &["is not a bare e-mail address", "(key `project.maintainers.email`)"]);
        let out = err("authors = [{}]\n");
        has(&out, &["pyproject.toml:4:12: an entry needs `name` or `email`"]);
    }

    #[test]
    fn urls_rules() {
        let label = "x".repeat(33);
        let out = err(&format!("[project.urls]\n{label} = \"https://x\"\n"));
        has(&out, &["pyproject.toml:5:1: URL labels must be 1 to 32 characters"]);
        let out = err("[project.urls]\nHome = \"\"\n");
        has(&out, &["pyproject.toml:5:8: the URL is empty"]);
    }

    #[test]
    fn dependencies_rules() {
        let out = err("dependencies = [\"requests >>= 2\"]\n");
        has(&out, &["pyproject.toml:4:", "invalid requirement", "(key `project.dependencies`)"]);
        let out = err("[project.optional-dependencies]\ntest = [\"pytest\", \"bad name\"]\n");
        has(&out, &["pyproject.toml:5:", "invalid requirement", "optional-dependencies.test"]);
        let out = err("[project.optional-dependencies]\nTest = []\nTEST = []\n");
        has(&out, &["pyproject.toml:6:1: extras `Test` and `TEST` are the same name"]);
        let out = err("[project.optional-dependencies]\nTest = []\n\"te_st\" = []\ntest = []\n");
        has(&out, &["pyproject.toml:7:1: extras `Test` and `test`", "line 5:1"]);
        let out = err("[project.optional-dependencies]\n\"-x\" = []\n");
        has(&out, &["pyproject.toml:5:1: invalid extra name"]);
    }

    #[test]
    fn entry_point_rules() {
        let out = err("[project.scripts]\n\"my tool\" = \"a:b\"\n");
        has(&out, &["pyproject.toml:5:1: invalid script name `my tool`"]);
        let out = err("[project.scripts]\ntool = \"acme.cli\"\n");
        has(&out, &["pyproject.toml:5:8: invalid object reference `acme.cli`: the function is missing"]);
        let out = err("[project.scripts]\ntool = \"acme-cli:main\"\n");
        has(&out, &["not a dotted module name"]);
        let out = err("[project.gui-scripts]\ntool = \"a:1b\"\n");
        has(&out, &["`1b` is not a dotted attribute name"]);
        let out = err("[project.entry-points.console_scripts]\nx = \"a:b\"\n");
        has(&out, &["pyproject.toml:4:23: `console_scripts` may not be given", "[project.scripts]"]);
        let out = err("[project.entry-points.gui_scripts]\nx = \"a:b\"\n");
        has(&out, &["[project.gui-scripts]"]);
        let out = err("[project.entry-points.\"bad-group\"]\nx = \"a:b\"\n");
        has(&out, &["invalid entry-point group `bad-group`"]);
        let out = err("[project.entry-points.g]\n\"[x\" = \"a:b\"\n");
        has(&out, &["invalid entry-point name \"[x\""]);
        let out = err("[project.entry-points.g]\n\"new\\nline\" = \"a:b\"\n");
        has(&out, &["pyproject.toml:5:1: invalid entry-point name \"new\\nline\""]);
        let out = err("[project.entry-points.g]\n\"#hash\" = \"a:b\"\n");
        has(&out, &["invalid entry-point name \"#hash\""]);
        let w = warnings("[project.entry-points.g]\n\"a b\" = \"a:b\"\n");
        has(&w[0], &["outside `[\\w.-]`"]);
        let out = err("[project.scripts]\nx = \"a:b\"\n[project.gui-scripts]\nx = \"a:c\"\n");
        has(&out, &["pyproject.toml:7:1: `x` is both a script and a GUI script"]);
        let w = warnings("[project.entry-points.g]\nx = \"a:b [extra]\"\n");
        has(&w[0], &["extras in an entry point are deprecated"]);
    }
}
