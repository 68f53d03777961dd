//! Turning `cartwheel check` arguments into files: paths as given, directories walked for
//! distributions, anything else expanded as a glob (a pattern matching nothing is an error).

use std::path::{Path, PathBuf};

use globset::GlobBuilder;

/// Whether `name` looks like a distribution (`.whl`, `.tar.gz`, `.zip`).
fn is_dist(name: &str) -> bool {
    name.ends_with(".whl") || name.ends_with(".tar.gz") || name.ends_with(".zip")
}

/// Signatures and attestations twine skips too.
fn is_sidecar(name: &str) -> bool {
    name.ends_with(".asc") || name.ends_with(".attestation")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
            walk(&path, out)?;
        } else if is_dist(&e.file_name().to_string_lossy()) {
            out.push(path);
        }
    }
    Ok(())
}

/// The files to check, in argument order (each expansion sorted).
pub fn expand(args: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if path.is_dir() {
            walk(path, &mut out)?;
            continue;
        }
        if path.exists() {
            // twine drops signatures and attestations named outright too (`twine check dist/*`
            // gets them from the shell).
            if !is_sidecar(arg) {
                out.push(path.to_path_buf());
            }
            continue;
        }
        // The literal folders before the first wildcard are where the walk starts.
        let literal: Vec<&str> = arg.split('/').take_while(|c| !c.contains(['*', '?', '[', '{'])).collect();
        let base = if literal.is_empty() { ".".to_string() } else { literal.join("/") };
        let glob = GlobBuilder::new(arg.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| format!("`{arg}` is not a valid pattern: {e}"))?
            .compile_matcher();
        let mut found = Vec::new();
        if Path::new(&base).is_dir() && base != *arg {
            let mut all = Vec::new();
            walk_all(Path::new(&base), &mut all);
            found = all
                .into_iter()
                .filter(|p| {
                    let s = p.to_string_lossy();
                    glob.is_match(s.trim_start_matches("./"))
                })
                .collect();
        }
        found.retain(|p| !is_sidecar(&p.to_string_lossy()));
        if found.is_empty() {
            return Err(format!("cannot find file (or expand pattern): `{arg}`"));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// Every file under `dir` (bounded depth: globs over a whole disk are not the point).
fn walk_all(dir: &Path, out: &mut Vec<PathBuf>) {
    fn go(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.filter_map(|e| e.ok()) {
            let path = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() && depth < 16 => go(&path, depth + 1, out),
                Ok(t) if !t.is_dir() => out.push(path),
                _ => {}
            }
        }
    }
    go(dir, 0, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_globs() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in ["a-1-py3-none-any.whl", "a-1.tar.gz", "a-1.tar.gz.asc", "notes.txt"] {
            std::fs::write(d.join(f), b"").unwrap();
        }
        let s = |p: &Path| p.to_string_lossy().into_owned();
        let walked = expand(&[s(d)]).unwrap();
        assert_eq!(walked.len(), 2);
        let globbed = expand(&[format!("{}/*.tar.gz*", s(d))]).unwrap();
        assert_eq!(globbed, [d.join("a-1.tar.gz")]);
        assert_eq!(
            expand(&[format!("{}/*.egg", s(d))]).unwrap_err(),
            format!("cannot find file (or expand pattern): `{}/*.egg`", s(d))
        );
        let named: Vec<String> = ["a-1.tar.gz", "a-1.tar.gz.asc"].iter().map(|f| s(&d.join(f))).collect();
        assert_eq!(expand(&named).unwrap(), [d.join("a-1.tar.gz")]);
    }
}
