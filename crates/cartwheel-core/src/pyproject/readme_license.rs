//! `readme`, `license` and `license-files`: the files the user names, the content type, SPDX
//! expressions (PEP 639).

#[allow(unused_imports)]
use super::*;

/// Validate a project-relative path and return it normalised (`/`-separated, no `.` parts).
pub(super) fn relative_path(cx: &Cx, key: &str, s: &SStr, what: &str) -> Res<String> {
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
pub(super) fn read_named_file(cx: &Cx, key: &str, s: &SStr, what: &str) -> Res<(String, String)> {
    let rel = relative_path(cx, key, s, what)?;
    let path = cx.root.join(&rel);
    let spelled = crate::spelling::spelling(cx.root, &rel);
    if !path.exists() {
        let help = spelled
            .missing_help()
            .unwrap_or_else(|| format!("the path is relative to {}", cx.root.display()));
        return Err(cx.error(key, s.span(), format!("{what} file `{rel}` not found")).help(help));
    }
    if let Some((message, help)) = spelled.differs(&format!("{what} file"), &rel) {
        return Err(cx.error(key, s.span(), message).help(help));
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

pub(super) fn content_type_for(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "md" => Some("text/markdown"),
        "rst" => Some("text/x-rst"),
        _ => None,
    }
}

pub(super) fn readme(cx: &mut Cx, r: Spanned<StringOr<raw::ReadmeTable>>) -> Res<Readme> {
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
pub(super) fn readme_content_type(cx: &mut Cx, ct: &SStr, charset: Option<&SStr>) -> Res<String> {
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
                // Shown as written: the `; charset=UTF-8` cartwheel adds would read as the user's.
                let from_key = charset.filter(|_| why.contains("charset"));
                let span = from_key.map_or(ct.span(), |c| c.span());
                let shown =
                    from_key.map_or(value.to_string(), |c| format!("{value}; charset={}", c.get_ref()));
                Err(cx.error(KEY, span, format!("invalid readme content type `{shown}`: {why}")))
            }
        }
    })
}

pub(super) fn license(cx: &mut Cx, l: Spanned<StringOr<raw::LicenseTable>>) -> Res<Located<License>> {
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
pub(super) fn spdx_expression(cx: &mut Cx, s: &SStr) -> Res<String> {
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
pub(super) fn spdx_tokens(expr: &str) -> Vec<(usize, &str)> {
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

pub(super) fn find_license(id: &str) -> Option<spdx::LicenseId> {
    spdx::license_id(id).or_else(|| {
        let name = spdx::identifiers::LICENSES.iter().find(|(name, _, _)| name.eq_ignore_ascii_case(id))?.0;
        spdx::license_id(name)
    })
}

pub(super) fn find_exception(id: &str) -> Option<&'static str> {
    spdx::identifiers::EXCEPTIONS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(id))
        .map(|(name, _)| *name)
}

pub(super) fn suggest_license(id: &str) -> Option<&'static str> {
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
pub(super) fn license_glob(cx: &Cx, g: SStr) -> Res<Located<String>> {
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
