//! `cartwheel migrate`'s readers. The first byte picks: setup.cfg through the INI reader and its
//! list/dict splitters; a poetry constraint through its PEP 440 / PEP 508 translations (which
//! must then parse as such); MANIFEST.in through the whole translation of a minimal setuptools
//! project; or the whole translation of pyproject.toml, setup.cfg, MANIFEST.in and setup.py's
//! arguments (JSON), separated by NUL bytes. A translation writes TOML that migrate then reads
//! as already cartwheel's, and a setup.cfg that reads again.
#![no_main]

use std::collections::BTreeMap;
use std::str::FromStr;

use cartwheel_migrate::{ini, migrate, poetry, Backend, Input, MemTree, Options};
use libfuzzer_sys::fuzz_target;

fn cfg(text: &str) {
    match ini::parse(text) {
        Ok(sections) => {
            let lines = text.lines().count();
            for s in &sections {
                assert!((1..=lines).contains(&s.line));
                for e in &s.entries {
                    assert!((1..=lines).contains(&e.line) && e.col >= 1);
                    let _ = (ini::list_comma(&e.value), ini::list_semi(&e.value), ini::dict(&e.value));
                }
            }
        }
        Err(e) => assert!(e.line >= 1),
    }
}

fn constraint(text: &str) {
    if let Ok(specs) = poetry::constraint(text) {
        if !specs.is_empty() {
            let parsed = pep440_rs::VersionSpecifiers::from_str(&specs);
            assert!(parsed.is_ok(), "{text:?} became {specs:?}: {parsed:?}");
        }
    }
    if let Ok(marker) = poetry::python_marker(text) {
        if !marker.is_empty() {
            let parsed = pep508_rs::MarkerTree::from_str(&marker);
            assert!(parsed.is_ok(), "{text:?} became {marker:?}: {parsed:?}");
        }
    }
    let _ = poetry::python_classifiers(text);
}

fn translate(
    pyproject: Option<&str>,
    setup_cfg: Option<&str>,
    manifest_in: Option<&str>,
    setup_py: Option<&str>,
) {
    let setup_py: Option<serde_json::Value> = setup_py.and_then(|t| serde_json::from_str(t).ok());
    let mut files = BTreeMap::new();
    for (path, text) in [
        ("README.md", "# acme\n"),
        ("LICENSE", "MIT License\n"),
        ("src/acme/__init__.py", "__version__ = \"1.0\"\n"),
        ("acme.py", ""),
    ] {
        files.insert(path.to_string(), text.to_string());
    }
    for (path, text) in
        [("pyproject.toml", pyproject), ("setup.cfg", setup_cfg), ("MANIFEST.in", manifest_in)]
    {
        if let Some(text) = text {
            files.insert(path.to_string(), text.to_string());
        }
    }
    let tree = MemTree(files);
    let input = Input { pyproject, setup_cfg, setup_py: setup_py.as_ref(), manifest_in, tree: &tree };
    for remove_old in [false, true] {
        let outcome = match migrate(&input, &Options { remove_old, ..Options::default() }) {
            Ok(o) => o,
            Err(e) => {
                let _ = e.to_string();
                return;
            }
        };
        for f in &outcome.findings {
            let _ = f.to_string();
        }
        if let Some(cfg) = &outcome.setup_cfg {
            assert!(ini::parse(cfg).is_ok(), "the setup.cfg kept does not read: {cfg:?}");
        }
        let written = &outcome.pyproject;
        let again = Input {
            pyproject: Some(written),
            setup_cfg: None,
            setup_py: None,
            manifest_in: None,
            tree: &tree,
        };
        match migrate(&again, &Options::default()) {
            Ok(o) => assert_eq!(o.backend, Backend::Cartwheel, "migrate wrote {written}"),
            Err(e) => panic!("migrate wrote what it cannot read ({e}):\n{written}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    match pick % 4 {
        0 => cfg(text),
        1 => constraint(text),
        2 => translate(None, Some("[metadata]\nname = acme\nversion = 1.0\n"), Some(text), None),
        _ => {
            let mut parts = text.split('\0');
            let mut next = || parts.next();
            let (py, cfg, manifest, setup_py) = (next(), next(), next(), next());
            translate(py, cfg, manifest, setup_py);
        }
    }
});
