//! pyproject.toml bytes through the whole reader (TOML 1.0 check, schema, `[tool.cartwheel]`),
//! and every diagnostic rendered, as a build would show it.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use cartwheel_core::pyproject;
use libfuzzer_sys::fuzz_target;

/// An empty project folder: files the input names (readme, licenses) are simply missing.
static ROOT: LazyLock<tempfile::TempDir> = LazyLock::new(|| tempfile::tempdir().expect("temp dir"));

fuzz_target!(|data: &[u8]| {
    let root: &Path = ROOT.path();
    let mut warnings = Vec::new();
    let result = pyproject::parse(data.to_vec(), PathBuf::from("pyproject.toml"), root, &mut warnings);
    if let Err(e) = result {
        let _ = e.diagnostic().to_string();
    }
    let _ = cartwheel_core::diagnostic::render_all(&warnings);
});
