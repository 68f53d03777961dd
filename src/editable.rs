//! PEP 660 editable wheels: a `.pth` that makes the source tree importable in place.
//!
//! A src layout gets a plain path entry (IDEs and type checkers understand those). A flat
//! layout's source folder is the project root, where a path entry would also expose `tests/`,
//! `docs/` and every stray module; there a small import hook maps exactly the project's
//! top-level names to their folders.

use std::collections::BTreeMap;

use crate::build::{Blob, Build};
use crate::diagnostic::Diagnostic;
use crate::error::Result;

/// The payload files of the editable wheel (`.pth` and, for flat layouts, the finder module).
pub fn files(build: &Build) -> Result<Vec<Blob>> {
    let dist = build.project.normalized_name.as_dist_info_name();
    let mut source_dirs = BTreeMap::new();
    for m in &build.selection.modules {
        let dir = m.source_dir.to_str().ok_or_else(|| {
            Diagnostic::error(format!(
                "the source folder `{}` is not valid UTF-8; a .pth file cannot name it",
                m.source_dir.display()
            ))
        })?;
        source_dirs.insert(m.name.split('.').next().unwrap_or(&m.name).to_string(), dir.to_string());
    }
    let root = build.project.root.to_string_lossy();
    let flat = source_dirs.values().any(|d| d.trim_end_matches('/') == root.trim_end_matches('/'));
    let pth_name = format!("_{dist}_editable.pth");
    if !flat {
        let mut dirs: Vec<&String> = source_dirs.values().collect();
        dirs.dedup();
        let text: String = dirs.iter().map(|d| format!("{d}\n")).collect();
        return Ok(vec![Blob { path: pth_name, data: text.into_bytes(), executable: false }]);
    }
    let finder = format!("_cartwheel_editable_{dist}");
    let mapping: String = source_dirs.iter().map(|(name, dir)| format!("    {name:?}: {dir:?},\n")).collect();
    let module = format!(
        r#""""Editable install of {name}: maps its top-level modules to the source tree (cartwheel)."""

import sys
from importlib.machinery import PathFinder

MAPPING = {{
{mapping}}}


class _EditableFinder:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        parent = MAPPING.get(fullname)
        if parent is None:
            return None
        return PathFinder.find_spec(fullname, [parent])


if not any(getattr(f, "__name__", "") == "_EditableFinder" and getattr(f, "__module__", "") == __name__ for f in sys.meta_path):
    sys.meta_path.append(_EditableFinder)
"#,
        name = build.project.name.value,
    );
    Ok(vec![
        Blob { path: pth_name, data: format!("import {finder}\n").into_bytes(), executable: false },
        Blob { path: format!("{finder}.py"), data: module.into_bytes(), executable: false },
    ])
}
