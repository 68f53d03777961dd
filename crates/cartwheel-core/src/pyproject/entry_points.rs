//! `scripts`, `gui-scripts` and `entry-points`: object references and name clashes.

#[allow(unused_imports)]
use super::*;

/// Parse `module.sub:attr.attr [extras]` into its canonical spelling; `Err` holds the reason.
pub(super) fn object_reference(value: &str, need_attr: bool) -> Result<(String, bool), String> {
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

pub(super) type Named = Vec<(Located<String>, String)>;

pub(super) fn scripts(cx: &mut Cx, key: &str, table: Option<Spanned<raw::Entries<SStr>>>) -> Res<Named> {
    let mut out = Vec::new();
    for (name, value) in table.map(|t| t.into_inner().0).unwrap_or_default() {
        let n = name.get_ref();
        let k = format!("{key}.{}", key_part(n));
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

pub(super) fn entry_value(cx: &mut Cx, key: &str, value: &SStr, need_attr: bool) -> Res<String> {
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

pub(super) fn check_script_clash(cx: &Cx, scripts: &Named, gui: &Named) -> Res<()> {
    for (name, _) in gui {
        if let Some((first, _)) = scripts.iter().find(|(n, _)| n.value == name.value) {
            let (line, col) = first.span.clone().map_or((0, 0), |s| cx.source.line_col(s.start));
            return Err(cx
                .error(
                    &format!("project.gui-scripts.{}", key_part(&name.value)),
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

pub(super) fn entry_points(
    cx: &mut Cx,
    table: Option<Spanned<raw::Entries<Spanned<raw::Entries<SStr>>>>>,
) -> Res<IndexMap<String, IndexMap<String, String>>> {
    let mut out = IndexMap::new();
    for (group, entries) in table.map(|t| t.into_inner().0).unwrap_or_default() {
        let g = group.get_ref();
        let key = format!("project.entry-points.{}", key_part(g));
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
            let k = format!("{key}.{}", key_part(n));
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
