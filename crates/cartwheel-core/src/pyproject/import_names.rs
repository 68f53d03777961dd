//! `import-names` / `import-namespaces` (PEP 794): the import names a project provides.

#[allow(unused_imports)]
use super::*;

use crate::names::split_import_name;

/// The two lists, checked against the pyproject.toml spec and written the way the
/// `Import-Name` / `Import-Namespace` fields carry them (`name` or `name; private`).
pub(super) struct ImportNames {
    /// `None` when `import-names` is not written; `Some([])` for "no import names at all".
    pub names: Option<Vec<Located<String>>>,
    /// `import-namespaces`.
    pub namespaces: Vec<Located<String>>,
}

const NAMES: &str = "project.import-names";
const NAMESPACES: &str = "project.import-namespaces";

pub(super) fn import_names(cx: &mut Cx, names: Option<SList>, namespaces: Option<SList>) -> Res<ImportNames> {
    if let Some(list) = namespaces.as_ref().filter(|l| l.get_ref().is_empty()) {
        return Err(cx
            .error(NAMESPACES, list.span(), "`import-namespaces` cannot be an empty array")
            .help("remove the key; only `import-names = []` may say that a project provides no names"));
    }
    let names = names.map(Spanned::into_inner);
    // The spec lets an import name "be empty": alone, that is the empty array.
    let names = match names {
        Some(list) if list.len() == 1 && list[0].get_ref().is_empty() => Some(Vec::new()),
        other => other,
    };
    // (key, bare name, span) of every entry, names first.
    let mut seen: Vec<(&'static str, String, Range<usize>)> = Vec::new();
    let mut out = ImportNames { names: None, namespaces: Vec::new() };
    for (key, list) in [(NAMES, &names), (NAMESPACES, &namespaces.map(Spanned::into_inner))] {
        let Some(list) = list else { continue };
        let mut written = Vec::new();
        for entry in list {
            let (name, private) = entry_name(cx, key, entry)?;
            if let Some((other, _, _)) = seen.iter().find(|(_, n, _)| *n == name) {
                let message = if *other == key {
                    format!("`{name}` is listed twice in `{}`", short(key))
                } else {
                    format!("`{name}` is in both `import-names` and `import-namespaces`")
                };
                let help = if *other == key {
                    "remove one of them"
                } else {
                    "keep it in `import-namespaces` if other projects also install modules under it, else in `import-names`"
                };
                return Err(cx.error(key, entry.span(), message).help(help));
            }
            seen.push((key, name.to_string(), entry.span()));
            let value = if private { format!("{name}; private") } else { name.to_string() };
            written.push(located(value, entry.span()));
        }
        if key == NAMES {
            out.names = Some(written);
        } else {
            out.namespaces = written;
        }
    }
    warn_missing_parents(cx, &seen);
    Ok(out)
}

/// `import-names` for `project.import-names`, for messages.
fn short(key: &str) -> &str {
    key.trim_start_matches("project.")
}

/// The bare name of one entry and whether it is marked `; private`.
fn entry_name(cx: &Cx, key: &str, entry: &SStr) -> Res<(String, bool)> {
    let value = entry.get_ref();
    if value.is_empty() {
        let help = if key == NAMES {
            "an empty entry alone means \"no import names\"; write `import-names = []` for that, or remove it"
        } else {
            "remove it"
        };
        return Err(cx.error(key, entry.span(), format!("empty entry in `{}`", short(key))).help(help));
    }
    match split_import_name(value) {
        Ok((name, private)) => Ok((name.to_string(), private)),
        Err(why) => Err(cx
            .error(key, entry.span(), format!("`{value}` is not an import name: {why}"))
            .help("write a dotted Python name such as `acme.plugins`, optionally followed by `; private`")),
    }
}

/// The spec's SHOULD: every name between a dotted entry and its top-level name is listed too.
fn warn_missing_parents(cx: &mut Cx, seen: &[(&'static str, String, Range<usize>)]) {
    let mut warned: Vec<&str> = Vec::new();
    for (key, name, span) in seen {
        for (i, _) in name.match_indices('.') {
            let parent = &name[..i];
            if seen.iter().any(|(_, n, _)| n == parent) || warned.contains(&parent) {
                continue;
            }
            warned.push(parent);
            cx.warn(
                key,
                span.clone(),
                format!("`{parent}`, a parent of `{name}`, is in neither `import-names` nor `import-namespaces`"),
                &format!(
                    "add \"{parent}\" to `import-namespaces` if other projects also install modules under it, else to `import-names`"
                ),
            );
        }
    }
}
