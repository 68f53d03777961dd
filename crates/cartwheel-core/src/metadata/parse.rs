//! Reading METADATA / PKG-INFO back: email headers (compat32 rules, as `packaging` reads them),
//! then the validation `packaging.metadata.Metadata.from_email(..., validate=True)` applies.

use std::str::FromStr;

use indexmap::IndexMap;
use pep440_rs::{Version, VersionSpecifiers};

use super::{metadata_version_tuple, Error, Metadata, KNOWN_METADATA_VERSIONS};
use crate::diagnostic::Diagnostic;
use crate::names::{is_valid_name, split_import_name};

/// One header as written: its name, its value lines (first line, then continuation lines
/// verbatim) and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHeader {
    /// Field name as written.
    pub name: String,
    /// Value: the first line without leading blanks, then continuation lines as written.
    pub lines: Vec<String>,
    /// 1-based line number of the header.
    pub line: usize,
}

impl RawHeader {
    /// The value as `packaging` sees it: continuation lines kept verbatim, indent included.
    pub fn raw_value(&self) -> String {
        self.lines.join("\n")
    }

    /// The value unfolded: the 8-space indent (or the `       |` of a 1.x `Description`)
    /// that writers put before continuation lines removed.
    pub fn value(&self) -> String {
        let mut out = self.lines[0].clone();
        for line in &self.lines[1..] {
            out.push('\n');
            let stripped = line
                .strip_prefix("        ")
                .or_else(|| line.strip_prefix("       |"))
                .unwrap_or_else(|| line.trim_start_matches([' ', '\t']));
            out.push_str(stripped);
        }
        out
    }
}

/// The headers of a metadata file, in order, and its body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawHeaders {
    /// Headers in file order.
    pub headers: Vec<RawHeader>,
    /// Text after the first blank line; `None` when absent or empty.
    pub body: Option<String>,
}

/// Split metadata text into headers and body, as Python's email parser (compat32) does.
pub fn parse_headers(text: &str) -> Result<RawHeaders, Error> {
    if text.starts_with('\u{feff}') {
        // packaging then sees no header at all; say why instead.
        return Err(err("the file starts with a byte order mark"));
    }
    let mut raw = RawHeaders::default();
    let mut rest = text;
    let mut line_no = 0;
    while !rest.is_empty() {
        line_no += 1;
        let (line, next) = split_line(rest);
        if line.is_empty() {
            rest = next;
            break;
        }
        if line.starts_with([' ', '\t']) {
            let Some(last) = raw.headers.last_mut() else {
                return Err(err(format!("line {line_no}: a continuation line before any header")));
            };
            last.lines.push(line.to_string());
        } else {
            let Some((name, value)) = line
                .split_once(':')
                .filter(|(name, _)| !name.is_empty() && name.bytes().all(|b| (b'!'..=b'~').contains(&b)))
            else {
                return Err(err(format!(
                    "line {line_no}: `{line}` is not a `Name: value` header (a blank line must \
                     separate the headers from the description)"
                )));
            };
            raw.headers.push(RawHeader {
                name: name.to_string(),
                lines: vec![value.trim_start_matches([' ', '\t']).to_string()],
                line: line_no,
            });
        }
        rest = next;
    }
    if !rest.is_empty() {
        raw.body = Some(rest.to_string());
    }
    Ok(raw)
}

/// The first line (without its line ending) and the text after it.
fn split_line(text: &str) -> (&str, &str) {
    match text.find(['\n', '\r']) {
        Some(i) => {
            let skip = if text[i..].starts_with("\r\n") { 2 } else { 1 };
            (&text[..i], &text[i + skip..])
        }
        None => (text, ""),
    }
}

fn err(message: impl Into<String>) -> Error {
    Diagnostic::error(message).into()
}

/// Whether `name` is a core-metadata field of some Metadata-Version (any case).
pub fn is_known_field(name: &str) -> bool {
    field_info(&name.to_ascii_lowercase()).is_some()
}

/// Whether a field may appear once only, and the Metadata-Version that introduced it.
fn field_info(lower: &str) -> Option<(bool, (u32, u32))> {
    let single = |v| Some((true, v));
    let multi = |v| Some((false, v));
    match lower {
        "metadata-version" | "name" | "version" | "summary" | "description" | "keywords" | "home-page"
        | "author" | "author-email" | "license" => single((1, 0)),
        "platform" => multi((1, 0)),
        "download-url" => single((1, 1)),
        "supported-platform" | "classifier" | "requires" | "provides" | "obsoletes" => multi((1, 1)),
        "maintainer" | "maintainer-email" | "requires-python" => single((1, 2)),
        "requires-dist" | "requires-external" | "project-url" | "provides-dist" | "obsoletes-dist" => {
            multi((1, 2))
        }
        "description-content-type" => single((2, 1)),
        "provides-extra" => multi((2, 1)),
        "dynamic" => multi((2, 2)),
        "license-expression" => single((2, 4)),
        "license-file" => multi((2, 4)),
        "import-name" | "import-namespace" => multi((2, 5)),
        _ => None,
    }
}

/// Canonical spelling of a known field, for messages and `Dynamic` checks.
fn canonical_name(lower: &str) -> String {
    match lower {
        "home-page" => "Home-page".into(),
        "author-email" => "Author-email".into(),
        "maintainer-email" => "Maintainer-email".into(),
        "download-url" => "Download-URL".into(),
        "project-url" => "Project-URL".into(),
        _ => lower
            .split('-')
            .map(|p| {
                let mut c = p.chars();
                c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("-"),
    }
}

impl Metadata {
    /// Parse and validate METADATA / PKG-INFO text (every problem is reported, `; `-joined).
    pub fn parse(text: &str) -> Result<Metadata, Error> {
        let raw = parse_headers(text)?;
        let mut problems: Vec<String> = Vec::new();
        let mut singles: IndexMap<String, String> = IndexMap::new();
        let mut multis: IndexMap<String, Vec<String>> = IndexMap::new();
        for header in &raw.headers {
            let lower = header.name.to_ascii_lowercase();
            match field_info(&lower) {
                None => problems.push(format!("line {}: unrecognized field `{}`", header.line, header.name)),
                Some((true, _)) => {
                    if singles.insert(lower, header.value()).is_some() {
                        problems
                            .push(format!("line {}: `{}` given more than once", header.line, header.name));
                    }
                }
                Some((false, _)) => multis.entry(lower).or_default().push(header.value()),
            }
        }

        let declared = singles.shift_remove("metadata-version");
        let declared_tuple = declared.as_deref().and_then(metadata_version_tuple);
        match &declared {
            None => problems.push("`Metadata-Version` is missing".into()),
            Some(v) if !KNOWN_METADATA_VERSIONS.contains(&v.as_str()) => {
                problems.push(format!("`{v}` is not a valid Metadata-Version"))
            }
            Some(_) => {}
        }
        if declared_tuple.is_some_and(|v| v < (2, 4)) {
            // packaging drops these before validating: setuptools wrote them under 2.1/2.2.
            multis.shift_remove("license-file");
        }
        let known = declared.as_deref().is_some_and(|v| KNOWN_METADATA_VERSIONS.contains(&v));
        if let Some(declared_tuple) = declared_tuple.filter(|_| known) {
            let present = singles.keys().chain(multis.keys());
            for field in present {
                let (_, introduced) = field_info(field).expect("known field");
                if introduced > declared_tuple {
                    problems.push(format!(
                        "`{}` introduced in metadata version {}.{}, not {}",
                        canonical_name(field),
                        introduced.0,
                        introduced.1,
                        declared.as_deref().unwrap_or_default()
                    ));
                }
            }
        }

        let name = singles.shift_remove("name").unwrap_or_default();
        if name.is_empty() {
            problems.push("`Name` is missing".into());
        } else if !is_valid_name(&name) {
            problems.push(format!("`{name}` is not a valid distribution name"));
        }
        let version = match singles.shift_remove("version") {
            None => {
                problems.push("`Version` is missing".into());
                None
            }
            Some(v) => match Version::from_str(&v) {
                Ok(version) => Some(version),
                Err(e) => {
                    problems.push(format!("`{v}` is not a valid version: {e}"));
                    None
                }
            },
        };

        let mut m = Metadata::new(name, version.clone().unwrap_or(Version::new([0])));
        m.metadata_version = declared.unwrap_or_default();
        let mut take = |field: &str| multis.shift_remove(field).unwrap_or_default();
        m.dynamic = take("dynamic");
        m.platforms = take("platform");
        m.supported_platforms = take("supported-platform");
        m.license_files = take("license-file");
        m.classifiers = take("classifier");
        m.requires_dist = take("requires-dist");
        m.requires_external = take("requires-external");
        m.provides_extra = take("provides-extra");
        m.provides_dist = take("provides-dist");
        m.obsoletes_dist = take("obsoletes-dist");
        m.requires = take("requires");
        m.provides = take("provides");
        m.obsoletes = take("obsoletes");
        // Kept as written: a lone empty value says "no import names" (PEP 794), which is not
        // the same as giving none.
        m.import_names = take("import-name");
        m.import_namespaces = take("import-namespace");
        let project_urls = take("project-url");

        let mut take = |field: &str| singles.shift_remove(field);
        m.summary = take("summary");
        m.home_page = take("home-page");
        m.download_url = take("download-url");
        m.author = take("author");
        m.author_email = take("author-email");
        m.maintainer = take("maintainer");
        m.maintainer_email = take("maintainer-email");
        m.license = take("license");
        m.license_expression = take("license-expression");
        m.requires_python = take("requires-python");
        m.description_content_type = take("description-content-type");
        m.keywords = take("keywords")
            .map(|k| k.split(',').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect())
            .unwrap_or_default();
        m.description = match (take("description"), raw.body) {
            (Some(_), Some(_)) => {
                problems.push("the description is both in a header and in the body".into());
                None
            }
            (header, body) => header.or(body).filter(|d| !d.is_empty()),
        };

        for pair in project_urls {
            // packaging: `label, _, url = pair.partition(",")`, so no comma is a label with an
            // empty URL (PyPI's URL rule reports it).
            let (label, url) = pair.split_once(',').unwrap_or((&pair, ""));
            let label = label.trim().to_string();
            if m.project_urls.contains_key(&label) {
                problems.push(format!("`Project-URL` label `{label}` given twice"));
            }
            m.project_urls.insert(label, url.trim().to_string());
        }

        validate(&m, &mut problems);
        if problems.is_empty() {
            Ok(m)
        } else {
            problems.sort();
            Err(err(format!("invalid distribution metadata: {}", problems.join("; "))))
        }
    }
}

/// The value checks `packaging` makes with `validate=True`.
fn validate(m: &Metadata, problems: &mut Vec<String>) {
    if let Some(summary) = &m.summary {
        if summary.contains([
            '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}', '\u{2029}',
        ]) {
            problems.push("`Summary` must be one line".into());
        }
    }
    if let Some(dct) = &m.description_content_type {
        if let Err(why) = check_content_type(dct) {
            problems.push(format!("`Description-Content-Type: {dct}` is invalid: {why}"));
        }
    }
    for field in &m.dynamic {
        let lower = field.to_ascii_lowercase();
        if matches!(lower.as_str(), "name" | "version" | "metadata-version") {
            problems.push(format!("`{field}` cannot be `Dynamic`"));
        } else if field_info(&lower).is_none() {
            problems.push(format!("`Dynamic: {field}` is not a metadata field"));
        }
    }
    for extra in &m.provides_extra {
        if !is_valid_name(extra) {
            problems.push(format!("`Provides-Extra: {extra}` is not a valid name"));
        }
    }
    // packaging's grammar decides (pep440_rs / pep508_rs are more lenient); their messages
    // explain when they have one.
    if let Some(spec) = &m.requires_python {
        if !super::strict::specifier_set(spec) {
            let why = VersionSpecifiers::from_str(spec).err().map(|e| e.to_string());
            problems.push(format!(
                "`Requires-Python: {spec}` is invalid: {}",
                why.unwrap_or_else(|| "not a PEP 440 specifier set as packaging reads it".into())
            ));
        }
    }
    for req in &m.requires_dist {
        if let Err(why) = crate::names::check_nesting(req) {
            problems.push(format!("`Requires-Dist: {req}` is invalid: {why}"));
        } else if !super::strict::requirement(req) {
            let why = crate::names::parse_requirement(req).err();
            problems.push(format!(
                "`Requires-Dist: {req}` is invalid: {}",
                why.unwrap_or_else(|| "not a PEP 508 requirement as packaging reads it".into())
            ));
        }
    }
    if let Some(expr) = &m.license_expression {
        if let Err(why) = check_license_expression(expr) {
            problems.push(format!("`License-Expression: {expr}` is invalid: {why}"));
        }
    }
    for path in &m.license_files {
        if path.contains("..")
            || path.contains('*')
            || windows_as_posix(path).as_deref() != Some(path.as_str())
        {
            problems.push(format!("`License-File: {path}` must be a relative `/` path without `..` or `*`"));
        }
    }
    // One empty Import-Name says "no import names" (PEP 794); packaging reads it as `[]`.
    let import_names = if m.import_names == [""] { &[][..] } else { &m.import_names[..] };
    for name in import_names.iter().chain(&m.import_namespaces) {
        if let Err(why) = split_import_name(name) {
            problems.push(format!("`{name}` is not a valid import name: {why}"));
        }
    }
}

/// `PureWindowsPath(path).as_posix()`, or `None` when the path is absolute in the POSIX or
/// Windows sense: packaging takes a License-File only when this gives the path back unchanged
/// (so `./x`, `a//b`, `dir/` and `C:/x` fail, a drive-relative `C:x` passes).
fn windows_as_posix(path: &str) -> Option<String> {
    let slashed = path.replace('\\', "/");
    let bytes = slashed.as_bytes();
    let drive = if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' { 2 } else { 0 };
    let rest = &slashed[drive..];
    if path.starts_with('/') || rest.starts_with('/') {
        return None;
    }
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let out = format!("{}{}", &slashed[..drive], parts.join("/"));
    Some(if out.is_empty() { ".".into() } else { out })
}

/// packaging's Description-Content-Type rules.
/// Description-Content-Type as PyPI and twine accept it.
pub fn check_content_type(value: &str) -> Result<(), String> {
    if value.contains(['\n', '\r']) {
        return Err("it spans several lines".into());
    }
    let mime = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !matches!(mime.as_str(), "text/plain" | "text/x-rst" | "text/markdown") {
        return Err("the type must be text/plain, text/x-rst or text/markdown".into());
    }
    let rest = value.split_once(';').map(|(_, rest)| rest).unwrap_or("");
    for (key, val) in content_type_params(rest)? {
        match key.as_str() {
            "charset" if !val.eq_ignore_ascii_case("utf-8") => return Err("the charset must be UTF-8".into()),
            "variant" if mime == "text/markdown" && !matches!(val.as_str(), "GFM" | "CommonMark") => {
                return Err("the Markdown variant must be `GFM` or `CommonMark`".into())
            }
            _ => {}
        }
    }
    Ok(())
}

/// The parameters after a content type's first `;`, as `(lower-case name, value)`, parsed as
/// Python's email header parser does it: any defect it records makes packaging refuse the
/// content type (an empty entry between `;`s, a name without `=value`, text after a value, an
/// unterminated quoted string, an RFC 2231 `name*=` without `charset''`, control characters).
fn content_type_params(rest: &str) -> Result<Vec<(String, String)>, String> {
    if rest.chars().any(|c| (c.is_ascii_control() && c != '\t') || c == '\u{7f}') {
        return Err("a control character in the parameters".into());
    }
    // Split on `;` outside quoted strings and comments.
    let mut segments = vec![String::new()];
    let (mut quoted, mut escaped, mut depth) = (false, false, 0u32);
    for c in rest.chars() {
        let last = segments.last_mut().expect("one segment");
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted || depth > 0 => escaped = true,
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            ';' if !quoted && depth == 0 => {
                segments.push(String::new());
                continue;
            }
            _ => {}
        }
        last.push(c);
    }
    let count = segments.len();
    let mut out = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let segment = skip_cfws(segment);
        if segment.is_empty() {
            if i + 1 == count {
                break;
            }
            return Err("a parameter entry with no content".into());
        }
        let Some((key, value)) = segment.split_once('=') else {
            return Err(format!("parameter `{segment}` has no value"));
        };
        let key = key.trim_end();
        let token = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| !c.is_ascii() || c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?=".contains(c))
        };
        if !token(key) {
            return Err(format!("`{key}` is not a parameter name"));
        }
        let value = skip_cfws(value);
        let (text, after) = if let Some(inner) = value.strip_prefix('"') {
            let mut text = String::new();
            let mut chars = inner.char_indices();
            let mut end = None;
            while let Some((j, c)) = chars.next() {
                match c {
                    '\\' => text.extend(chars.next().map(|(_, c)| c)),
                    '"' => {
                        end = Some(j + 1);
                        break;
                    }
                    _ => text.push(c),
                }
            }
            let Some(end) = end else { return Err("the header ends inside a quoted string".into()) };
            (text, &inner[end..])
        } else {
            let end = value.find(|c: char| c.is_whitespace() || c == '(').unwrap_or(value.len());
            if !token(&value[..end]) {
                return Err(format!("parameter `{key}` has no valid value"));
            }
            (value[..end].to_string(), &value[end..])
        };
        if !skip_cfws(after).is_empty() {
            return Err(format!("text after the value of parameter `{key}`"));
        }
        let lower = key.to_ascii_lowercase();
        let (name, section) = lower.split_once('*').unwrap_or((&lower, ""));
        let extended = lower.ends_with('*');
        let first = matches!(section, "" | "*" | "0" | "0*");
        let text = if extended && first {
            // RFC 2231: charset'language'percent-encoded-value.
            let mut parts = text.splitn(3, '\'');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(_), Some(_), Some(v)) => percent_decode(v),
                _ => return Err("missing required charset/lang delimiters".into()),
            }
        } else if extended {
            percent_decode(&text)
        } else {
            text
        };
        match out.iter_mut().find(|(n, _): &&mut (String, String)| n == name).filter(|_| !section.is_empty())
        {
            // An RFC 2231 continuation (`name*1`) adds to its first section.
            Some((_, v)) => v.push_str(&text),
            None => out.push((name.to_string(), text)),
        }
    }
    Ok(out)
}

/// `text` without leading blanks and `(comments)`.
fn skip_cfws(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        let Some(inner) = text.strip_prefix('(') else { return text };
        let mut depth = 1;
        let mut escaped = false;
        let mut end = inner.len();
        for (i, c) in inner.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        text = &inner[end..];
    }
}

/// `%XX` escapes decoded (RFC 2231 values); invalid escapes kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match hex.filter(|_| bytes[i] == b'%').and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An SPDX expression over known ids, matched case-insensitively as packaging does.
pub(crate) fn check_license_expression(expr: &str) -> Result<(), String> {
    // Rewrite each id in its canonical case, then let the spdx crate check the grammar.
    let spaced = expr.replace('(', " ( ").replace(')', " ) ");
    let mut canonical = Vec::new();
    for token in spaced.split_whitespace() {
        let upper = token.to_ascii_uppercase();
        let fixed = if matches!(upper.as_str(), "AND" | "OR" | "WITH") {
            upper
        } else if token == "(" || token == ")" {
            token.to_string()
        } else if let Some(rest) =
            token.get(..11).filter(|p| p.eq_ignore_ascii_case("LicenseRef-")).map(|_| &token[11..])
        {
            if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
                return Err(format!("`{token}` is not a valid LicenseRef"));
            }
            format!("LicenseRef-{rest}")
        } else {
            // packaging takes `+` after any known license id (`GPL-3.0-or-later+` too), which
            // the spdx grammar refuses: check the id alone.
            let id = token.strip_suffix('+').unwrap_or(token);
            let license = spdx::identifiers::LICENSES
                .iter()
                .find(|(name, _, _)| name.eq_ignore_ascii_case(id))
                .map(|(name, _, _)| *name);
            let exception = spdx::identifiers::EXCEPTIONS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(id))
                .map(|(name, _)| *name);
            match license.or(exception) {
                Some(name) => name.to_string(),
                None => return Err(format!("unknown license `{token}`")),
            }
        };
        canonical.push(fixed);
    }
    let mode = spdx::ParseMode { allow_deprecated: true, ..spdx::ParseMode::STRICT };
    spdx::Expression::parse_mode(&canonical.join(" "), mode).map(|_| ()).map_err(|e| e.reason.to_string())
}
