//! Wheel integrity and contents: RECORD complete and right, `.dist-info` name and WHEEL tags
//! against the file name, and check-wheel-contents' default checks (W001-W010, same codes and
//! messages) so users recognise them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

use super::read::{Archive, Kind, Member};
use super::{problem, Diagnostic};
use cartwheel_core::names::{is_identifier, PackageName, WheelFilename};

/// Files that may be missing from RECORD (RECORD itself and its signatures).
const UNRECORDED: [&str; 3] = ["RECORD", "RECORD.jws", "RECORD.p7s"];

/// Every wheel rule `archive` breaks.
pub fn check(archive: &Archive, file_name: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let filename = match WheelFilename::from_str(file_name) {
        Ok(w) => {
            if w.to_string() != file_name {
                out.push(problem::error(
                    "N001",
                    format!("the file name is not normalised as the binary distribution format requires: expected `{w}`"),
                ));
            }
            Some(w)
        }
        Err(e) => {
            out.push(problem::error("N001", e.to_string()));
            None
        }
    };
    let mut dist_infos: Vec<&str> = archive
        .members
        .iter()
        .filter_map(|m| m.name.split_once('/').map(|(top, _)| top))
        .filter(|top| top.ends_with(".dist-info"))
        .collect();
    dist_infos.sort_unstable();
    dist_infos.dedup();
    let dist_info = match dist_infos.as_slice() {
        [] => {
            out.push(problem::error("N002", "no `.dist-info` folder at the top of the wheel"));
            return out;
        }
        [one] => *one,
        many => {
            out.push(problem::error("N002", format!("several `.dist-info` folders: {}", many.join(", "))));
            return out;
        }
    };
    if let Some(w) = &filename {
        if !stem_matches(dist_info.trim_end_matches(".dist-info"), w) {
            out.push(
                problem::error(
                    "N003",
                    format!("`{dist_info}` does not match the file name (expected `{}`)", w.dist_info_dir()),
                )
                .at_member(dist_info),
            );
        }
    }
    let root_is_purelib = wheel_file(archive, dist_info, filename.as_ref(), &mut out);
    // check-wheel-contents judges the files RECORD lists; without a usable RECORD (already an
    // error), the archive's own list stands in.
    let listed = record(archive, dist_info, &mut out).unwrap_or_else(|| {
        archive
            .files()
            .map(|m| Listed { name: m.name.clone(), size: Some(m.size), hash: m.hash.clone() })
            .collect()
    });
    let data_dir = format!("{}.data", dist_info.trim_end_matches(".dist-info"));
    contents(&listed, dist_info, &data_dir, root_is_purelib, &mut out);
    out
}

/// `name-version` of a dist-info / data folder against the wheel's file name.
fn stem_matches(stem: &str, w: &WheelFilename) -> bool {
    let Some((name, version)) = stem.rsplit_once('-') else { return false };
    PackageName::new(name).ok().as_ref() == Some(&w.name)
        && pep440_rs::Version::from_str(version).ok().as_ref() == Some(&w.version)
}

/// WHEEL: present, version 1.x, `Tag`s equal to the file name's; returns Root-Is-Purelib.
fn wheel_file(
    archive: &Archive,
    dist_info: &str,
    filename: Option<&WheelFilename>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let path = format!("{dist_info}/WHEEL");
    let Some(text) = archive.last(&path).and_then(|m| m.data.as_deref()).map(String::from_utf8_lossy) else {
        out.push(problem::error("N004", "no WHEEL file").at_member(path));
        return true;
    };
    let mut tags = HashSet::new();
    let mut purelib = None;
    let mut version = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "tag" => {
                tags.insert(value.to_string());
            }
            "root-is-purelib" => purelib = Some(value.to_ascii_lowercase()),
            "wheel-version" => version = Some(value.to_string()),
            _ => {}
        }
    }
    match version.as_deref() {
        Some(v) if v.split('.').next() == Some("1") => {}
        Some(v) => out.push(
            problem::error("N004", format!("Wheel-Version `{v}`: installers support 1.x only"))
                .at_member(&path),
        ),
        None => out.push(problem::error("N004", "WHEEL has no Wheel-Version").at_member(&path)),
    }
    let root_is_purelib = match purelib.as_deref() {
        Some("true") => true,
        Some("false") => false,
        _ => {
            out.push(
                problem::error("N004", "WHEEL has no valid Root-Is-Purelib (true or false)").at_member(&path),
            );
            true
        }
    };
    if let Some(w) = filename {
        let expected: HashSet<String> = w.tags().into_iter().collect();
        if tags != expected {
            let mut got: Vec<_> = tags.into_iter().collect();
            got.sort();
            let mut want: Vec<_> = expected.into_iter().collect();
            want.sort();
            out.push(
                problem::error(
                    "N005",
                    format!(
                        "WHEEL tags [{}] do not match the file name's [{}]",
                        got.join(", "),
                        want.join(", ")
                    ),
                )
                .at_member(&path),
            );
        }
    }
    root_is_purelib
}

/// One RECORD row, split as Python's csv module splits it.
fn csv_row(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// A file as RECORD lists it.
struct Listed {
    name: String,
    size: Option<u64>,
    hash: Option<String>,
}

/// RECORD: present, one row per file, every hash and size right, nothing unlisted. Returns
/// the file rows when RECORD could be read.
fn record(archive: &Archive, dist_info: &str, out: &mut Vec<Diagnostic>) -> Option<Vec<Listed>> {
    let path = format!("{dist_info}/RECORD");
    let Some(record) = archive.last(&path) else {
        out.push(problem::error("R001", "no RECORD file").at_member(path));
        return None;
    };
    let data = record.data.as_deref()?;
    let Ok(text) = std::str::from_utf8(data) else {
        out.push(problem::error("R002", "RECORD is not UTF-8").at_member(path));
        return None;
    };
    let mut rows = Vec::new();
    let files: HashMap<&str, &Member> =
        archive.members.iter().filter(|m| m.kind == Kind::File).map(|m| (m.name.as_str(), m)).collect();
    let mut listed = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let at = format!("{path} line {}", i + 1);
        let row = csv_row(line);
        let [name, hash, size] = row.as_slice() else {
            out.push(problem::error("R002", format!("`{line}` is not a `path,hash,size` row")).at_member(at));
            continue;
        };
        if !name.ends_with('/') {
            rows.push(Listed {
                name: name.clone(),
                size: size.parse().ok(),
                hash: Some(hash.clone()).filter(|h| !h.is_empty()),
            });
        }
        if !listed.insert(name.clone()) {
            out.push(problem::error("R003", format!("`{name}` is listed twice")).at_member(at));
            continue;
        }
        let Some(member) = files.get(name.as_str()) else {
            if !name.ends_with('/') {
                out.push(
                    problem::error("R005", "listed in RECORD but not in the wheel").at_member(name.clone()),
                );
            }
            continue;
        };
        let unrecorded =
            name.rsplit_once('/').is_some_and(|(d, f)| d == dist_info && UNRECORDED.contains(&f));
        if hash.is_empty() {
            if !unrecorded {
                out.push(problem::error("R006", "no hash in RECORD").at_member(name.clone()));
            }
            continue;
        }
        match hash.split_once('=') {
            Some(("sha256", _)) => {
                if member.hash.as_deref() != Some(hash.as_str()) {
                    out.push(
                        problem::error("R007", "the content does not match its RECORD hash")
                            .at_member(name.clone()),
                    );
                }
            }
            Some(("sha384" | "sha512", _)) => {}
            Some((algo, _)) => out.push(
                problem::error("R006", format!("hash algorithm `{algo}` is too weak (sha256 or better)"))
                    .at_member(name.clone()),
            ),
            None => out.push(
                problem::error("R006", format!("`{hash}` is not `algorithm=digest`")).at_member(name.clone()),
            ),
        }
        if size.parse::<u64>().ok() != Some(member.size) {
            out.push(
                problem::error("R008", format!("RECORD says {size} bytes, the file has {}", member.size))
                    .at_member(name.clone()),
            );
        }
    }
    let mut missing: Vec<&str> = files
        .keys()
        .copied()
        .filter(|n| !listed.contains(*n))
        .filter(|n| !n.rsplit_once('/').is_some_and(|(d, f)| d == dist_info && UNRECORDED.contains(&f)))
        .collect();
    missing.sort_unstable();
    for name in missing {
        out.push(problem::error("R004", "in the wheel but not in RECORD").at_member(name));
    }
    Some(rows)
}

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
    "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// check-wheel-contents' `COMMON_NAMES`.
const COMMON_NAMES: [&str; 19] = [
    ".eggs", ".nox", ".tox", ".venv", "app", "build", "cli", "data", "dist", "doc", "docs", "example",
    "examples", "lib", "scripts", "src", "test", "tests", "venv",
];

/// Contents of one byte string check-wheel-contents allows to repeat (W002).
const ALLOWED_DUPLICATES: [&[u8]; 6] = [
    b"",
    b"\n",
    b"\r\n",
    b"# -*- coding: utf-8 -*-",
    b"# -*- coding: utf-8 -*-\n",
    b"# -*- coding: utf-8 -*-\n\r",
];

/// The name before a module extension (`.py`, `.pyd`, `.so`, `.<tag>.so`), as
/// check-wheel-contents' `MODULE_EXT_RGX` finds it.
fn module_base(file: &str) -> Option<&str> {
    for (i, _) in file.match_indices('.').filter(|(i, _)| *i > 0) {
        let rest = &file[i + 1..];
        let tagged = rest.split_once('.').is_some_and(|(tag, ext)| {
            !tag.is_empty()
                && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && matches!(ext, "pyd" | "so")
        });
        if matches!(rest, "py" | "pyd" | "so") || tagged {
            return Some(&file[..i]);
        }
    }
    None
}

fn is_import_part(p: &str) -> bool {
    is_identifier(p) && !KEYWORDS.contains(&p)
}

/// A library tree (purelib or platlib): paths relative to it, with the full path for messages.
struct Tree<'a> {
    files: Vec<(&'a str, &'a str)>,
    prefix: String,
}

impl Tree<'_> {
    /// Top-level entries: name → (is a directory, full path as check-wheel-contents shows it).
    fn top(&self) -> BTreeMap<&str, (bool, String)> {
        let mut top = BTreeMap::new();
        for (rel, _) in &self.files {
            match rel.split_once('/') {
                Some((dir, _)) => top.insert(dir, (true, format!("{}{dir}/", self.prefix))),
                None => top.insert(*rel, (false, format!("{}{rel}", self.prefix))),
            };
        }
        top
    }
}

fn contents(
    files: &[Listed],
    dist_info: &str,
    data_dir: &str,
    root_is_purelib: bool,
    out: &mut Vec<Diagnostic>,
) {
    let mut root = Tree { files: Vec::new(), prefix: String::new() };
    let sub = |lib: &str| {
        let prefix = format!("{data_dir}/{lib}/");
        let files =
            files.iter().filter_map(|m| m.name.strip_prefix(&prefix).map(|r| (r, m.name.as_str()))).collect();
        Tree { files, prefix }
    };
    for m in files {
        let top = m.name.split('/').next().unwrap_or("");
        if top != dist_info && top != data_dir {
            root.files.push((m.name.as_str(), m.name.as_str()));
        }
    }
    let other = sub(if root_is_purelib { "platlib" } else { "purelib" });
    let trees = [&root, &other];
    let warn = |code: &'static str, message: &str, paths: Vec<String>| {
        if paths.is_empty() {
            return None;
        }
        let location = paths.join(", ");
        Some(problem::warning(code, message).at_member(location))
    };

    let pyc: Vec<String> = files
        .iter()
        .filter(|m| {
            let base = m.name.rsplit('/').next().unwrap_or("");
            base.rfind('.').is_some_and(|i| i > 0 && matches!(&base[i..], ".pyc" | ".pyo"))
        })
        .map(|m| m.name.clone())
        .collect();
    out.extend(warn("W001", "Wheel contains .pyc/.pyo files", pyc));

    let allowed: HashSet<(Option<u64>, Option<String>)> = ALLOWED_DUPLICATES
        .iter()
        .map(|d| (Some(d.len() as u64), Some(cartwheel_core::record::record_hash(d))))
        .chain([(None, None)])
        .collect();
    let mut by_sig: BTreeMap<(Option<u64>, Option<String>), Vec<String>> = BTreeMap::new();
    for m in files {
        let sig = (m.size, m.hash.clone());
        if !allowed.contains(&sig) {
            by_sig.entry(sig).or_default().push(m.name.clone());
        }
    }
    for paths in by_sig.into_values().filter(|p| p.len() > 1) {
        out.extend(warn("W002", "Wheel contains duplicate files", paths));
    }

    let mut w003 = Vec::new();
    let mut w004 = Vec::new();
    let mut w005 = Vec::new();
    let mut w006 = Vec::new();
    let mut w009 = Vec::new();
    let mut w010 = Vec::new();
    for tree in trees {
        let top = tree.top();
        for (name, (is_dir, full)) in &top {
            let pth = name.len() > 4 && name.ends_with(".pth");
            if !is_dir && !pth && module_base(name).is_none() {
                w003.push(full.clone());
            }
            if COMMON_NAMES.contains(name) {
                w005.push(full.clone());
            }
            if !is_dir && *name == "__init__.py" {
                w006.push(full.clone());
            }
            if !name.starts_with('_') && (*is_dir || !pth) {
                w009.push(full.clone());
            }
            let stubs = name.strip_suffix("-stubs").is_some_and(is_import_part);
            if *is_dir && !stubs {
                let dir = format!("{name}/");
                let has_module = tree.files.iter().any(|(rel, _)| {
                    rel.starts_with(&dir) && module_base(rel.rsplit('/').next().unwrap_or("")).is_some()
                });
                if !has_module {
                    w010.push(full.clone());
                }
            }
        }
        for (rel, full) in &tree.files {
            let (dirs, file) = rel.rsplit_once('/').unwrap_or(("", rel));
            if let Some(base) = module_base(file) {
                let ok = dirs.split('/').filter(|d| !dirs.is_empty() || !d.is_empty()).all(is_import_part)
                    && is_import_part(base);
                if !ok {
                    w004.push(full.to_string());
                }
            }
        }
    }
    out.extend(warn("W003", "Wheel contains non-module at library toplevel", w003));
    out.extend(warn("W004", "Module is not located at importable path", w004));
    out.extend(warn("W005", "Wheel contains common toplevel name in library", w005));
    out.extend(warn("W006", "__init__.py at top level of library", w006));
    if root.files.is_empty() && other.files.is_empty() {
        out.push(problem::warning("W007", "Wheel library is empty"));
    }
    if files.iter().all(|m| m.name.split('/').next() == Some(dist_info)) {
        out.push(problem::warning("W008", "Wheel is empty"));
    }
    if w009.len() > 1 {
        out.extend(warn("W009", "Wheel contains multiple toplevel library entries", w009));
    }
    out.extend(warn("W010", "Toplevel library directory contains no Python modules", w010));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_extensions_like_check_wheel_contents() {
        assert_eq!(module_base("a.py"), Some("a"));
        assert_eq!(module_base("a.b.py"), Some("a.b"));
        assert_eq!(module_base("foo.cpython-311-x86_64-linux-gnu.so"), Some("foo"));
        assert_eq!(module_base(".py"), None);
        assert_eq!(module_base("a.txt"), None);
        assert_eq!(module_base("a.pyi"), None);
    }

    #[test]
    fn csv_rows() {
        assert_eq!(csv_row("a,b,1"), ["a", "b", "1"]);
        assert_eq!(csv_row("\"a,b\",h,2"), ["a,b", "h", "2"]);
        assert_eq!(csv_row("\"say \"\"hi\"\"\",,"), ["say \"hi\"", "", ""]);
    }
}
