//! `cartwheel migrate`'s proof (its own crate: it builds, which the translator never does): build the project with its original backend and with
//! cartwheel, each from a copy of the tree without PKG-INFO or `*.egg-info`, and compare the
//! artifacts by meaning.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cartwheel_core::diagnostic::count;
use cartwheel_migrate::Outcome;
use serde::Serialize;

/// One difference between the two builds.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// `wheel`, `sdist`, `metadata` or `entry-points`.
    pub area: String,
    /// What differs.
    pub what: String,
    /// Why it is expected, when it is.
    pub explained: Option<String>,
    /// The sdist member only the original sdist holds (what a repair adds to `sdist-include`).
    #[serde(skip)]
    pub only_in_original: Option<String>,
}

/// The comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The original backend's artifacts (file names).
    pub original: Vec<String>,
    /// Cartwheel's.
    pub cartwheel: Vec<String>,
    /// Every difference found.
    pub diffs: Vec<Diff>,
    /// Seconds the original backend took.
    pub original_seconds: f64,
    /// Seconds cartwheel took.
    pub cartwheel_seconds: f64,
}

impl Report {
    /// How many differences nothing explains.
    pub fn unexplained(&self) -> usize {
        self.diffs.iter().filter(|d| d.explained.is_none()).count()
    }

    /// Files only in the original sdist, unexplained, that are files of the project tree.
    pub fn missing_from_sdist(&self, root: &Path) -> Vec<String> {
        self.diffs
            .iter()
            .filter(|d| d.area == "sdist" && d.explained.is_none())
            .filter_map(|d| d.only_in_original.clone())
            .filter(|p| root.join(p).is_file())
            .collect()
    }

    /// The report as text.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Verification: original backend {:.1}s ({}), cartwheel {:.2}s ({})",
            self.original_seconds,
            self.original.join(", "),
            self.cartwheel_seconds,
            self.cartwheel.join(", ")
        );
        for d in &self.diffs {
            match &d.explained {
                None => out.push_str(&format!("\n  DIFFERS {}: {}", d.area, d.what)),
                Some(why) => out.push_str(&format!("\n  expected {}: {} ({why})", d.area, d.what)),
            }
        }
        let n = self.unexplained();
        if n == 0 {
            out.push_str("\nVerification: no unexplained difference");
        } else {
            out.push_str(&format!(
                "\nVerification: {}",
                count(n, "unexplained difference", "unexplained differences")
            ));
        }
        out
    }
}

const SKIP_DIRS: &[&str] = &[
    ".tox",
    ".nox",
    ".venv",
    "venv",
    "dist",
    "build",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
];

fn copy_tree(from: &Path, to: &Path, top: bool) -> Result<(), String> {
    fs_err::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in fs_err::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let src = entry.path();
        let dst = to.join(&name);
        let ft = entry.file_type().map_err(|e| e.to_string())?;
        // An sdist's PKG-INFO would hide a wrong dynamic-version setting; egg-info likewise.
        if (top && name == "PKG-INFO")
            || name.ends_with(".egg-info")
            || (ft.is_dir() && (SKIP_DIRS.contains(&name.as_str()) || (top && name.starts_with(".venv"))))
        {
            continue;
        }
        if ft.is_symlink() {
            let target = fs_err::read_link(&src).map_err(|e| e.to_string())?;
            #[cfg(unix)]
            std::os::unix::fs::symlink(&target, &dst).map_err(|e| format!("{}: {e}", dst.display()))?;
            #[cfg(not(unix))]
            let _ = target;
        } else if ft.is_dir() {
            copy_tree(&src, &dst, false)?;
        } else {
            fs_err::copy(&src, &dst).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The original backend's artifacts, built once: a repair checks cartwheel's build again
/// against the same ones.
pub struct Original {
    /// Holds the copy and the artifacts until dropped.
    tmp: tempfile::TempDir,
    wheel: PathBuf,
    sdist: PathBuf,
    /// Their contents, read once: a repair compares them with a second cartwheel build.
    wheel_files: Files,
    sdist_files: BTreeSet<String>,
    seconds: f64,
}

/// Build the project with its original backend (`python -m build`, isolated), from a copy
/// without PKG-INFO or egg-info.
pub fn build_original(root: &Path, outcome: &Outcome, python: &str) -> Result<Original, String> {
    let tmp = tempfile::Builder::new().prefix("cartwheel-migrate").tempdir().map_err(|e| e.to_string())?;
    let orig = tmp.path().join("original");
    copy_tree(root, &orig, true)?;
    let out_orig = tmp.path().join("out-original");
    let t0 = Instant::now();
    let res = std::process::Command::new(python)
        .args(["-m", "build", "--sdist", "--wheel", "--outdir"])
        .arg(&out_orig)
        .arg(&orig)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{python} -m build`: {e}"))?;
    if !res.status.success() {
        let err = String::from_utf8_lossy(&res.stderr);
        let outp = String::from_utf8_lossy(&res.stdout);
        let tail: Vec<&str> =
            outp.lines().chain(err.lines()).rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
        return Err(format!(
            "the original backend ({}) failed to build the project (`{python} -m build`; pip install build, or --no-verify):\n{}",
            outcome.backend.name(),
            tail.join("\n")
        ));
    }
    let seconds = t0.elapsed().as_secs_f64();
    let (wheel, sdist) = (find(&out_orig, ".whl")?, find(&out_orig, ".tar.gz")?);
    let (wheel_files, sdist_files) = (read_wheel(&wheel)?, read_sdist(&sdist)?);
    Ok(Original { tmp, wheel, sdist, wheel_files, sdist_files, seconds })
}

/// The one file of `dir` whose name ends with `ext`.
fn find(dir: &Path, ext: &str) -> Result<PathBuf, String> {
    fs_err::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(ext))
        .ok_or_else(|| format!("no {ext} in {}", dir.display()))
}

/// Build the migrated project with cartwheel, from a fresh copy, and compare with the original
/// backend's artifacts.
pub fn compare(root: &Path, outcome: &Outcome, original: &Original) -> Result<Report, String> {
    let run = tempfile::Builder::new()
        .prefix("cartwheel-")
        .tempdir_in(original.tmp.path())
        .map_err(|e| e.to_string())?;
    let cw = run.path().join("cartwheel");
    copy_tree(root, &cw, true)?;
    let out_cw = run.path().join("out-cartwheel");
    fs_err::write(cw.join("pyproject.toml"), &outcome.pyproject).map_err(|e| e.to_string())?;
    if let Some(cfg) = &outcome.setup_cfg {
        fs_err::write(cw.join("setup.cfg"), cfg).map_err(|e| e.to_string())?;
    }
    for d in &outcome.delete {
        let _ = fs_err::remove_file(cw.join(d));
    }
    // The user commits the migration; until then git would call the copy dirty and a git
    // version would gain `+dirty`, which the committed project will not have.
    let mut changed = vec!["pyproject.toml".to_string(), "setup.cfg".to_string()];
    changed.extend(outcome.delete.iter().cloned());
    let mut args: Vec<&str> = vec!["update-index", "--assume-unchanged", "--"];
    args.extend(
        changed
            .iter()
            .map(String::as_str)
            .filter(|f| cw.join(f).exists() || outcome.delete.iter().any(|d| d == f)),
    );
    let _ = cartwheel_core::git::run(&cw, &args);
    let t1 = Instant::now();
    build_cartwheel(&cw, &out_cw)?;
    let cartwheel_seconds = t1.elapsed().as_secs_f64();
    let (ow, os) = (&original.wheel, &original.sdist);
    let (cwh, cs) = (find(&out_cw, ".whl")?, find(&out_cw, ".tar.gz")?);
    let mut diffs = Vec::new();
    compare_wheels(&original.wheel_files, &read_wheel(&cwh)?, outcome, &mut diffs);
    compare_sdists(&original.sdist_files, &read_sdist(&cs)?, outcome, &mut diffs);
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Report {
        original: vec![name(os), name(ow)],
        cartwheel: vec![name(&cs), name(&cwh)],
        diffs,
        original_seconds: original.seconds,
        cartwheel_seconds,
    })
}

/// Cartwheel's build, in process: the one build driver, as `cartwheel build` runs it.
fn build_cartwheel(project: &Path, out: &Path) -> Result<(), String> {
    let outcome =
        cartwheel_dist::run(&cartwheel_dist::Request::new(project, cartwheel_dist::Target::Both, out));
    outcome
        .result
        .map(drop)
        .map_err(|e| format!("cartwheel cannot build the migrated project:\n{}", e.to_diagnostic()))
}

/// An archive's files by name.
type Files = BTreeMap<String, Vec<u8>>;

fn read_wheel(path: &Path) -> Result<Files, String> {
    let file = fs_err::File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| e.to_string())?;
        if f.is_dir() {
            continue;
        }
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).map_err(|e| e.to_string())?;
        out.insert(f.name().to_string(), buf);
    }
    Ok(out)
}

fn read_sdist(path: &Path) -> Result<BTreeSet<String>, String> {
    let file = fs_err::File::open(path).map_err(|e| e.to_string())?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = BTreeSet::new();
    for entry in tar.entries().map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.header().entry_type().is_dir() {
            continue;
        }
        let p = entry.path().map_err(|e| e.to_string())?.to_string_lossy().into_owned();
        // Without the top folder (its name differs in case and separators between backends).
        if let Some((_, rest)) = p.split_once('/') {
            out.insert(rest.to_string());
        }
    }
    Ok(out)
}

fn diff(area: &str, what: String, explained: Option<&str>) -> Diff {
    Diff { area: area.into(), what, explained: explained.map(String::from), only_in_original: None }
}

fn compare_wheels(
    a: &BTreeMap<String, Vec<u8>>,
    b: &BTreeMap<String, Vec<u8>>,
    outcome: &Outcome,
    diffs: &mut Vec<Diff>,
) {
    // The `.dist-info` files (by their names inside it) and the rest.
    let dist_info = |m: &Files| -> (Files, Files) {
        let mut meta = BTreeMap::new();
        let mut files = BTreeMap::new();
        for (k, v) in m {
            match k.split_once('/') {
                Some((top, rest)) if top.ends_with(".dist-info") => {
                    meta.insert(rest.to_string(), v.clone());
                }
                _ => {
                    files.insert(k.clone(), v.clone());
                }
            }
        }
        (meta, files)
    };
    let (ma, fa) = dist_info(a);
    let (mb, fb) = dist_info(b);
    // A file that one wheel holds at P and the other at `<name>.data/purelib/P` (or platlib)
    // is installed to the same place, with the same content.
    let installed = |k: &str| -> Option<String> {
        let (top, rest) = k.split_once('/')?;
        let rest = rest.strip_prefix("purelib/").or_else(|| rest.strip_prefix("platlib/"))?;
        top.ends_with(".data").then(|| rest.to_string())
    };
    let same_place = |k: &str, m: &Files, other: &Files| {
        installed(k).is_some_and(|p| other.get(&p) == m.get(k))
            || other.iter().any(|(o, v)| installed(o).as_deref() == Some(k) && m.get(k) == Some(v))
    };
    const SAME_PLACE: &str = "installed to the same place: cartwheel ships it through the wheel's `.data/purelib/` (hatch `force-include`)";
    for k in fa.keys().filter(|k| !fb.contains_key(*k)) {
        let explained = if k.ends_with(".pyc") || k.contains("__pycache__/") {
            // A backend that builds itself (backend-path) imports the tree it packages.
            Some("compiled bytecode (written while the original backend imported the project): cartwheel never ships it")
        } else {
            same_place(k, &fa, &fb).then_some(SAME_PLACE)
        };
        diffs.push(diff("wheel", format!("{k} only in the original wheel"), explained));
    }
    for k in fb.keys().filter(|k| !fa.contains_key(*k)) {
        let explained = same_place(k, &fb, &fa).then_some(SAME_PLACE);
        diffs.push(diff("wheel", format!("{k} only in cartwheel's wheel"), explained));
    }
    for (k, va) in &fa {
        if let Some(vb) = fb.get(k) {
            if va != vb {
                diffs.push(diff("wheel", format!("{k} differs in content"), stamp_only(va, vb)));
            }
        }
    }
    let text = |m: &BTreeMap<String, Vec<u8>>, k: &str| {
        m.get(k).map(|v| String::from_utf8_lossy(v).into_owned()).unwrap_or_default()
    };
    compare_metadata(&text(&ma, "METADATA"), &text(&mb, "METADATA"), &Context::of(outcome), diffs);
    let ea = entry_points(&text(&ma, "entry_points.txt"));
    let eb = entry_points(&text(&mb, "entry_points.txt"));
    for e in ea.difference(&eb) {
        diffs.push(diff("entry-points", format!("{e} only in the original"), None));
    }
    for e in eb.difference(&ea) {
        diffs.push(diff("entry-points", format!("{e} only in cartwheel's"), None));
    }
    let licenses = |m: &BTreeMap<String, Vec<u8>>| -> BTreeSet<String> {
        m.keys()
            .filter(|k| {
                k.starts_with("licenses/")
                    || k.starts_with("LICEN")
                    || k.starts_with("COPYING")
                    || k.starts_with("NOTICE")
                    || k.starts_with("AUTHORS")
            })
            .map(|k| k.rsplit('/').next().unwrap_or(k).to_string())
            .collect()
    };
    let (la, lb) = (licenses(&ma), licenses(&mb));
    for l in la.difference(&lb) {
        diffs.push(diff("wheel", format!("license file {l} only in the original wheel"), None));
    }
    for l in lb.difference(&la) {
        diffs.push(diff(
            "wheel",
            format!("license file {l} only in cartwheel's wheel"),
            Some("cartwheel ships the conventional license files (LICEN[CS]E*, COPYING*, NOTICE*, AUTHORS*)"),
        ));
    }
}

/// Whether two versions of a file differ only in `__version__` lines (cartwheel stamps the
/// version into them).
fn stamp_only(a: &[u8], b: &[u8]) -> Option<&'static str> {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let la: Vec<&str> = a.lines().collect();
    let lb: Vec<&str> = b.lines().collect();
    if la.len() != lb.len() {
        return None;
    }
    let all = la.iter().zip(&lb).all(|(x, y)| {
        x == y || (x.trim_start().starts_with("__version__") && y.trim_start().starts_with("__version__"))
    });
    all.then_some("cartwheel stamps the version into `__version__`")
}

fn entry_points(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut group = String::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            group = line.trim_matches(['[', ']']).trim().to_string();
        } else if let Some((k, v)) = line.split_once('=') {
            let v: String =
                v.split_whitespace().collect::<Vec<_>>().join(" ").replace(" :", ":").replace(": ", ":");
            out.insert(format!("[{group}] {} = {v}", k.trim()));
        }
    }
    out
}

/// METADATA as multi-valued fields plus the body.
fn parse_metadata(text: &str) -> (BTreeMap<String, Vec<String>>, String) {
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let text = text.replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut last: Option<(String, usize)> = None;
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((k, i)) = &last {
                if let Some(v) = fields.get_mut(k).and_then(|v| v.get_mut(*i)) {
                    v.push('\n');
                    v.push_str(line.trim_start().trim_start_matches('|'));
                }
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            let k = k.trim().to_lowercase();
            let list = fields.entry(k.clone()).or_default();
            list.push(v.trim().to_string());
            last = Some((k, list.len() - 1));
        }
    }
    let mut body = body.to_string();
    if let Some(d) = fields.remove("description") {
        body = d.join("\n");
    }
    (fields, body)
}

fn norm_req(r: &str) -> String {
    match pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(r) {
        Ok(req) => {
            let mut specs: Vec<String> = match &req.version_or_url {
                Some(pep508_rs::VersionOrUrl::VersionSpecifier(s)) => {
                    s.iter().map(|x| x.to_string()).collect()
                }
                Some(pep508_rs::VersionOrUrl::Url(u)) => vec![format!("@ {u}")],
                None => Vec::new(),
            };
            specs.sort();
            let mut extras: Vec<String> = req.extras.iter().map(|e| e.to_string()).collect();
            extras.sort();
            let marker = req.marker.try_to_string().unwrap_or_default();
            format!("{}[{}]{}; {}", req.name, extras.join(","), specs.join(","), marker)
        }
        Err(_) => r.split_whitespace().collect::<Vec<_>>().join(""),
    }
}

use std::str::FromStr;

fn norm_url_label(l: &str) -> String {
    l.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase()
}

/// What the comparison needs to know about the migration.
#[derive(Default)]
struct Context {
    /// The project came from poetry-core (which writes only the first author and maintainer).
    poetry: bool,
    /// The new pyproject has `license = { file }` or `{ text }` (which becomes `License:`).
    license_file: bool,
}

impl Context {
    fn of(outcome: &Outcome) -> Self {
        let doc: Option<toml_edit::DocumentMut> = outcome.pyproject.parse().ok();
        let license_file = doc
            .as_ref()
            .and_then(|d| d.get("project")?.get("license")?.as_table_like().map(|_| ()))
            .is_some();
        Context { poetry: outcome.backend == cartwheel_migrate::Backend::Poetry, license_file }
    }
}

/// Why the same text may be written with other code points.
const NFC: &str = "the same text in another Unicode normalization form (the original backend writes NFC)";

/// Why poetry-core's automatic Python classifiers may differ from those migrate wrote.
const POETRY_PYTHONS: &str = "poetry-core adds a classifier per Python version it knows, which depends on its release; migrate writes the current poetry-core's list";

fn python_version_classifier(c: &str) -> bool {
    c.strip_prefix("Programming Language :: Python :: ")
        .is_some_and(|v| v.chars().all(|ch| ch.is_ascii_digit() || ch == '.'))
}

fn compare_metadata(a: &str, b: &str, cx: &Context, diffs: &mut Vec<Diff>) {
    let (mut fa, ba) = parse_metadata(a);
    let (mut fb, bb) = parse_metadata(b);
    for f in [&mut fa, &mut fb] {
        for k in
            ["metadata-version", "dynamic", "generator", "license-file", "platform", "supported-platform"]
        {
            f.remove(k);
        }
        // Home-page / Download-URL are Project-URL entries in PEP 621 terms.
        for (old, label) in [("home-page", "Homepage"), ("download-url", "Download")] {
            if let Some(v) = f.remove(old) {
                f.entry("project-url".into())
                    .or_default()
                    .extend(v.into_iter().map(|u| format!("{label}, {u}")));
            }
        }
        if let Some(v) = f.get_mut("project-url") {
            let mut seen = BTreeSet::new();
            *v = v
                .iter()
                .filter_map(|e| {
                    let (l, u) = e.split_once(',')?;
                    let n = format!("{}, {}", norm_url_label(l), u.trim().trim_end_matches('/'));
                    seen.insert(n.clone()).then_some(n)
                })
                .collect();
        }
        if let Some(v) = f.get_mut("requires-dist") {
            *v = v.iter().map(|r| norm_req(r)).collect();
        }
        if let Some(v) = f.get_mut("requires-python") {
            *v = v
                .iter()
                .map(|r| {
                    let mut s: Vec<String> =
                        r.split(',').map(|x| x.split_whitespace().collect::<String>()).collect();
                    s.sort();
                    s.join(",")
                })
                .collect();
        }
        if let Some(v) = f.get_mut("keywords") {
            *v = vec![v
                .join(",")
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(",")];
        }
        if let Some(v) = f.get_mut("description-content-type") {
            *v = v
                .iter()
                .map(|c| c.to_lowercase().replace("; charset=utf-8", "").replace(";charset=utf-8", ""))
                .collect();
        }
        if let Some(v) = f.get_mut("provides-extra") {
            *v = v.iter().map(|e| e.to_lowercase().replace(['_', '.'], "-")).collect();
        }
        people(f, "author");
        people(f, "maintainer");
    }
    // License: the old `License:` text and the new `License-Expression:` say the same thing.
    let la = fa.remove("license").unwrap_or_default();
    let lb = fb.remove("license").unwrap_or_default();
    let ea = fa.remove("license-expression").unwrap_or_default();
    let eb = fb.remove("license-expression").unwrap_or_default();
    if (la.clone(), ea.clone()) != (lb.clone(), eb.clone()) {
        let a_text = la.iter().chain(&ea).cloned().collect::<Vec<_>>().join(" | ");
        let b_text = lb.iter().chain(&eb).cloned().collect::<Vec<_>>().join(" | ");
        let same = cartwheel_migrate::poetry::spdx_of(&a_text)
            .is_some_and(|x| Some(x) == cartwheel_migrate::poetry::spdx_of(&b_text));
        let short = |t: &str| {
            if t.len() > 60 || t.contains('\n') {
                format!("{}...", t.lines().next().unwrap_or_default())
            } else {
                t.to_string()
            }
        };
        let explained = if same {
            Some("the license name written as its SPDX expression (PEP 639)")
        } else if a_text.is_empty() && cx.license_file {
            Some("PEP 621 `license = { file }` / `{ text }`: cartwheel writes it into License, the original backend left it out")
        } else {
            None
        };
        diffs.push(diff(
            "metadata",
            format!("license: `{}` became `{}`", short(&a_text), short(&b_text)),
            explained,
        ));
    }
    let keys: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc();
    for k in keys {
        let va: BTreeSet<&String> = fa.get(k).map(|v| v.iter().collect()).unwrap_or_default();
        let vb: BTreeSet<&String> = fb.get(k).map(|v| v.iter().collect()).unwrap_or_default();
        // poetry-core writes names in NFC whatever form pyproject.toml holds them in.
        let (na, nb): (BTreeSet<String>, BTreeSet<String>) = (
            va.iter().map(|x| nfc.normalize(x).into_owned()).collect(),
            vb.iter().map(|x| nfc.normalize(x).into_owned()).collect(),
        );
        for (x, side, other) in va
            .difference(&vb)
            .map(|x| (x, "the original", &nb))
            .chain(vb.difference(&va).map(|x| (x, "cartwheel's", &na)))
        {
            if other.contains(nfc.normalize(x).as_ref()) {
                diffs.push(diff("metadata", format!("{k}: `{x}` only in {side}"), Some(NFC)));
            }
        }
        let va: BTreeSet<&String> =
            va.into_iter().filter(|x| !nb.contains(nfc.normalize(x).as_ref())).collect();
        let vb: BTreeSet<&String> =
            vb.into_iter().filter(|x| !na.contains(nfc.normalize(x).as_ref())).collect();
        for x in va.difference(&vb) {
            if cx.poetry && k == "classifier" && python_version_classifier(x) {
                diffs.push(diff(
                    "metadata",
                    format!("{k}: `{x}` only in the original"),
                    Some(POETRY_PYTHONS),
                ));
                continue;
            }
            let explained = (k == "classifier" && x.starts_with("License ::"))
                .then_some("License classifiers are superseded by License-Expression (PEP 639)")
                .or_else(|| hatch_private(k, x, &vb));
            diffs.push(diff("metadata", format!("{k}: `{x}` only in the original"), explained));
        }
        for x in vb.difference(&va) {
            if k == "description-content-type" && va.is_empty() {
                diffs.push(diff(
                    "metadata",
                    format!("{k}: `{x}` only in cartwheel's"),
                    Some("cartwheel declares the readme's content type, from its extension"),
                ));
                continue;
            }
            if cx.poetry && k == "classifier" && python_version_classifier(x) {
                diffs.push(diff("metadata", format!("{k}: `{x}` only in cartwheel's"), Some(POETRY_PYTHONS)));
                continue;
            }
            let explained = (cx.poetry && (k == "author" || k == "maintainer"))
                .then_some(
                    "poetry-core writes only the first author and maintainer; cartwheel writes them all",
                )
                .or_else(|| hatch_private(k, x, &va));
            diffs.push(diff("metadata", format!("{k}: `{x}` only in cartwheel's"), explained));
        }
    }
    let norm_body = |s: &str| s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_string();
    if norm_body(&ba) != norm_body(&bb) {
        diffs.push(diff("metadata", "the description (long description) differs".into(), None));
    }
}

/// hatchling writes `; private` after every import name starting with `_` (PEP 794 leaves
/// privacy to the project): `x` differs from an entry of `other` only by that annotation.
fn hatch_private(field: &str, x: &str, other: &BTreeSet<&String>) -> Option<&'static str> {
    let bare = |s: &str| s.split(';').next().unwrap_or_default().trim().to_string();
    let name = bare(x);
    let twin = other.iter().any(|o| bare(o) == name);
    (matches!(field, "import-name" | "import-namespace") && name.starts_with('_') && twin)
        .then_some("hatchling marks every import name starting with `_` private; cartwheel writes what pyproject.toml says")
}

/// Author / Author-email (and maintainer) as one set of names and emails: `Author: A` +
/// `Author-email: a@x` says what `Author-email: A <a@x>` says.
fn people(f: &mut BTreeMap<String, Vec<String>>, who: &str) {
    let mut set = BTreeSet::new();
    for v in f.remove(who).unwrap_or_default() {
        for n in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            set.insert(format!("name {n}"));
        }
    }
    for v in f.remove(&format!("{who}-email")).unwrap_or_default() {
        for entry in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match entry.rsplit_once('<') {
                Some((name, email)) => {
                    let name = name.trim().trim_matches('"');
                    if !name.is_empty() {
                        set.insert(format!("name {name}"));
                    }
                    set.insert(format!("email {}", email.trim_end_matches('>').trim()));
                }
                None => {
                    set.insert(format!("email {entry}"));
                }
            }
        }
    }
    if !set.is_empty() {
        f.insert(who.into(), set.into_iter().collect());
    }
}

fn compare_sdists(a: &BTreeSet<String>, b: &BTreeSet<String>, outcome: &Outcome, diffs: &mut Vec<Diff>) {
    let generated = |p: &str| p == "PKG-INFO" || p.contains(".egg-info/") || p == "setup.cfg";
    let egg_info = a.difference(b).filter(|p| p.contains(".egg-info/")).count();
    if egg_info > 0 {
        diffs.push(diff(
            "sdist",
            format!("{} only in the original sdist", count(egg_info, "*.egg-info file", "*.egg-info files")),
            Some("written by setuptools"),
        ));
    }
    for p in a.difference(b).filter(|p| !p.contains(".egg-info/")) {
        let explained = if generated(p) {
            Some("written by the original backend")
        } else if p.split('/').any(|c| c == ".git" || c == ".hg") {
            Some("VCS metadata (a submodule's .git file): cartwheel never ships it")
        } else if p.ends_with(".pyc") || p.contains("__pycache__/") {
            Some("compiled bytecode: cartwheel never ships it")
        } else if outcome.delete.iter().any(|d| d == p) {
            Some("replaced by pyproject.toml (--remove-old)")
        } else if p == "setup.py" && outcome.backend == cartwheel_migrate::Backend::Poetry {
            Some("poetry-core generates a setup.py")
        } else {
            None
        };
        let d = diff("sdist", format!("{p} only in the original sdist"), explained);
        diffs.push(Diff { only_in_original: Some(p.clone()), ..d });
    }
    let extra: Vec<&String> = b.difference(a).collect();
    if !extra.is_empty() {
        let shown: Vec<&str> = extra.iter().take(8).map(|s| s.as_str()).collect();
        let more = if extra.len() > 8 { format!(" and {} more", extra.len() - 8) } else { String::new() };
        diffs.push(diff(
            "sdist",
            format!("{} only in cartwheel's sdist: {}{more}", count(extra.len(), "file", "files"), shown.join(", ")),
            Some("cartwheel's sdist holds the project's files; list any that must stay out in `tool.cartwheel.sdist-exclude`"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_compared_by_meaning() {
        let a = "Metadata-Version: 2.1\nName: acme\nVersion: 1.0\nAuthor: Ann\nAuthor-email: ann@x.org\nLicense: MIT\nClassifier: License :: OSI Approved :: MIT License\nRequires-Dist: requests (>=2.0,<3.0)\nHome-page: https://acme.example\n\nHello\n";
        let b = "Metadata-Version: 2.4\nName: acme\nVersion: 1.0\nAuthor-email: Ann <ann@x.org>\nLicense-Expression: MIT\nRequires-Dist: requests<3.0,>=2.0\nProject-URL: Homepage, https://acme.example\n\nHello\n";
        let mut d = Vec::new();
        compare_metadata(a, b, &Context::default(), &mut d);
        assert!(d.iter().all(|x| x.explained.is_some()), "{d:?}");
        assert_eq!(d.len(), 2);
        let mut d = Vec::new();
        compare_metadata(a, &b.replace("<3.0", "<4.0"), &Context::default(), &mut d);
        assert_eq!(d.iter().filter(|x| x.explained.is_none()).count(), 2, "{d:?}");
    }

    #[test]
    fn hatchlings_implicit_private_import_names_are_explained() {
        let a = "Metadata-Version: 2.5\nName: acme\nVersion: 1.0\nImport-Name: acme\nImport-Name: _acme_c; private\n\n";
        let b =
            "Metadata-Version: 2.5\nName: acme\nVersion: 1.0\nImport-Name: acme\nImport-Name: _acme_c\n\n";
        let mut d = Vec::new();
        compare_metadata(a, b, &Context::default(), &mut d);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d.iter().all(|x| x.explained.as_deref().is_some_and(|e| e.starts_with("hatchling marks"))),
            "{d:?}"
        );
        // Another name, or a public name losing its annotation, is a difference.
        for other in ["Import-Name: _acme_d\n", "Import-Name: acme; private\n"] {
            let mut d = Vec::new();
            compare_metadata(a, &b.replace("Import-Name: _acme_c\n", other), &Context::default(), &mut d);
            assert!(d.iter().any(|x| x.explained.is_none()), "{other}: {d:?}");
        }
    }

    #[test]
    fn the_same_name_in_nfd_and_nfc_is_explained() {
        // poetry 2.0.1's pyproject.toml spells its author with a combining accent (NFD);
        // poetry-core writes it composed.
        let a = "Metadata-Version: 2.3\nName: acme\nVersion: 1.0\nAuthor: S\u{e9}bastien\n\n";
        let b = "Metadata-Version: 2.4\nName: acme\nVersion: 1.0\nAuthor: Se\u{301}bastien\n\n";
        let mut d = Vec::new();
        compare_metadata(a, b, &Context::default(), &mut d);
        let shown: Vec<String> = d
            .iter()
            .map(|x| format!("{} ({})", x.what, x.explained.as_deref().unwrap_or("DIFFERS")))
            .collect();
        assert_eq!(
            shown,
            [
                "author: `name S\u{e9}bastien` only in the original (the same text in another Unicode normalization form (the original backend writes NFC))",
                "author: `name Se\u{301}bastien` only in cartwheel's (the same text in another Unicode normalization form (the original backend writes NFC))",
            ]
        );
        let mut d = Vec::new();
        compare_metadata(a, &b.replace("Se\u{301}", "Sa"), &Context::default(), &mut d);
        assert_eq!(d.iter().filter(|x| x.explained.is_none()).count(), 2, "{d:?}");
    }

    #[test]
    fn a_file_installed_to_the_same_place_through_purelib_is_explained() {
        let outcome = Outcome {
            backend: cartwheel_migrate::Backend::Hatchling,
            old_pyproject: String::new(),
            pyproject: String::new(),
            findings: Vec::new(),
            unused: Vec::new(),
            setup_cfg: None,
            delete: Vec::new(),
        };
        let wheel = |files: &[(&str, &str)]| -> Files {
            files.iter().map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())).collect()
        };
        let a = wheel(&[("acme/__init__.py", ""), ("acme/schema.json", "{}")]);
        let b = wheel(&[("acme/__init__.py", ""), ("acme-1.0.data/purelib/acme/schema.json", "{}")]);
        let mut d = Vec::new();
        compare_wheels(&a, &b, &outcome, &mut d);
        let shown: Vec<String> = d
            .iter()
            .map(|x| format!("{} ({})", x.what, x.explained.as_deref().unwrap_or("DIFFERS")))
            .collect();
        let why = "installed to the same place: cartwheel ships it through the wheel's `.data/purelib/` (hatch `force-include`)";
        assert_eq!(
            shown,
            [
                format!("acme/schema.json only in the original wheel ({why})"),
                format!("acme-1.0.data/purelib/acme/schema.json only in cartwheel's wheel ({why})"),
            ]
        );
        // Bytecode a self-building backend left in its own wheel.
        let with_pyc = wheel(&[("acme/__init__.py", ""), ("acme/__pycache__/__init__.cpython-311.pyc", "")]);
        let mut d = Vec::new();
        compare_wheels(&with_pyc, &wheel(&[("acme/__init__.py", "")]), &outcome, &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].explained.as_deref(),
            Some("compiled bytecode (written while the original backend imported the project): cartwheel never ships it")
        );
        // Another content is a difference.
        let b = wheel(&[("acme/__init__.py", ""), ("acme-1.0.data/purelib/acme/schema.json", "[]")]);
        let mut d = Vec::new();
        compare_wheels(&a, &b, &outcome, &mut d);
        assert_eq!(d.iter().filter(|x| x.explained.is_none()).count(), 2, "{d:?}");
    }

    #[test]
    fn entry_points_ignore_spacing() {
        assert_eq!(
            entry_points("[console_scripts]\nacme = acme.cli : main\n"),
            entry_points("[console_scripts]\nacme=acme.cli:main")
        );
    }
}
