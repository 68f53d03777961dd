//! PEP 660 editable wheels: a `.pth` that makes the source tree importable in place.
//!
//! A src layout gets a plain path entry (IDEs and type checkers understand those). A flat
//! layout's source folder is the project root, where a path entry would also expose `tests/`,
//! `docs/` and every stray module; there a small import hook maps exactly the project's
//! top-level names to their folders.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::build::{Blob, Build};
use cartwheel_core::diagnostic::Diagnostic;
use cartwheel_core::error::Result;

/// The payload files of the editable wheel (`.pth` and, for flat layouts, the finder module).
pub fn files(build: &Build) -> Result<Vec<Blob>> {
    let dist = build.project.normalized_name.as_dist_info_name();
    let root = &build.project.root;
    let pth_name = format!("_{dist}_editable.pth");
    let utf8 = |p: &Path| -> Result<String> {
        p.to_str().map(str::to_string).ok_or_else(|| {
            Diagnostic::error(format!("`{}` is not valid UTF-8; a .pth file cannot name it", p.display()))
                .into()
        })
    };
    let flat = build.selection.modules.iter().any(|m| m.source_dir == *root);
    if !flat {
        let dirs: BTreeSet<String> =
            build.selection.modules.iter().map(|m| utf8(&m.source_dir)).collect::<Result<_>>()?;
        let text: String = dirs.iter().map(|d| format!("{d}\n")).collect();
        return Ok(vec![Blob::bytes(pth_name, text)]);
    }
    // Every module and each of its dotted parents (namespace packages) maps to the folder that
    // holds it, so `acme.plugins.foo` imports even when another distribution owns `acme`.
    let mut mapping = BTreeMap::new();
    for m in &build.selection.modules {
        let parts: Vec<&str> = m.name.split('.').collect();
        for i in 1..=parts.len() {
            let parent = parts[..i - 1].iter().fold(m.source_dir.clone(), |p, c| p.join(c));
            mapping.entry(parts[..i].join(".")).or_insert(utf8(&parent)?);
        }
    }
    let finder = format!("_cartwheel_editable_{dist}");
    let entries: String = mapping.iter().map(|(name, dir)| format!("    {name:?}: {dir:?},\n")).collect();
    let module = format!(
        r#""""Editable install of {name}: maps its modules to the source tree (cartwheel)."""

import sys
from importlib.machinery import PathFinder

MAPPING = {{
{entries}}}


class _EditableFinder:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        parent = MAPPING.get(fullname)
        if parent is None:
            return None
        return PathFinder.find_spec(fullname, [parent])


if not any(getattr(f, "__module__", None) == __name__ for f in sys.meta_path):
    sys.meta_path.append(_EditableFinder)
"#,
        name = build.project.name.value,
    );
    Ok(vec![Blob::bytes(pth_name, format!("import {finder}\n")), Blob::bytes(format!("{finder}.py"), module)])
}
