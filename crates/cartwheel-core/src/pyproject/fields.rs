//! The `[project]` table into `Project`: the core-metadata fields (name, version, description,
//! requires-python, dynamic, people, URLs), calling each field family's validator.

#[allow(unused_imports)]
use super::*;

/// The `[project]` fields whose value is a string; the others (`dynamic` aside) are lists or
/// tables, which PEP 808 lets be static and dynamic at once.
pub(super) const STRING_FIELDS: &[&str] =
    &["name", "version", "description", "readme", "requires-python", "license"];

pub(super) fn build(cx: &mut Cx, raw: raw::PyProject) -> Res<Project> {
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
    let imports = import_names(cx, p.import_names, p.import_namespaces)?;

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
        import_names: imports.names,
        import_namespaces: imports.namespaces,
        dynamic: dynamic.into_iter().map(|(f, _)| f).collect(),
        tool,
    })
}

pub(super) fn strings(list: Option<SList>) -> Vec<SStr> {
    list.map(Spanned::into_inner).unwrap_or_default()
}

/// Which `[project]` fields were written, with the span of their value.
pub(super) fn static_fields(p: &raw::Project) -> Vec<(&'static str, Range<usize>)> {
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
        ("import-names", s(&p.import_names)),
        ("import-namespaces", s(&p.import_namespaces)),
    ];
    all.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
}

pub(super) fn check_dynamic(
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

pub(super) fn parse_version(cx: &mut Cx, v: &SStr) -> Res<Located<Version>> {
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

pub(super) fn requires_python(cx: &mut Cx, r: &SStr) -> Res<String> {
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

pub(super) fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default().trim_end_matches(':')
}

/// The span of `len` bytes at `offset` inside a string value, when the TOML text holds the value
/// verbatim (no escapes); otherwise the span of the whole value.
pub(super) fn inner_span(source: &SourceFile, s: &SStr, offset: usize, len: usize) -> Range<usize> {
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

/// Metadata header values are one line: a line break would end the field (or fold it into
/// something else).
pub(super) fn one_line(cx: &Cx, key: &str, s: &SStr) -> Res<()> {
    if s.get_ref().contains(|c: char| c.is_control() && c != '\t') {
        return Err(cx
            .error(key, s.span(), format!("{:?} holds a line break or control character", s.get_ref()))
            .help("this value becomes a one-line metadata field"));
    }
    Ok(())
}

pub(super) fn contacts(
    cx: &mut Cx,
    key: &str,
    list: Option<Spanned<Vec<Spanned<raw::Contact>>>>,
) -> Res<Vec<Contact>> {
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
            // The spec forbids it (the unquoted `Author` field is comma-joined), but PyPI and
            // every other backend accept it; with an e-mail the name is quoted, losing nothing.
            if n.contains(',') {
                let where_ = if c.email.is_some() {
                    "it is written quoted in `Author-email`, but PEP 621 forbids commas in names"
                } else {
                    "it is written as is in `Author`, where readers split names at commas"
                };
                cx.warn(
                    &format!("{key}.name"),
                    name.span(),
                    format!("the name `{n}` contains a comma: {where_}"),
                    "list each person as a separate entry (`cartwheel migrate` does it)",
                );
            }
        }
        if let Some(email) = &c.email {
            check_email(cx, &format!("{key}.email"), email)?;
        }
        out.push(Contact { name: c.name.map(Spanned::into_inner), email: c.email.map(Spanned::into_inner) });
    }
    Ok(out)
}

pub(super) fn check_email(cx: &Cx, key: &str, email: &SStr) -> Res<()> {
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

pub(super) fn urls(
    cx: &Cx,
    urls: Option<Spanned<raw::Entries<SStr>>>,
) -> Res<Vec<(Located<String>, String)>> {
    let mut out = Vec::new();
    for (label, url) in urls.map(|u| u.into_inner().0).unwrap_or_default() {
        let key = format!("project.urls.{}", key_part(label.get_ref()));
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
