//! Finding the import package(s) and the `source` folder.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{normalize_rel, Error, Module};
use crate::diagnostic::Diagnostic;
use crate::names::is_module_name;
use crate::project::Project;

/// The modules and the folder they live in.
#[derive(Debug)]
pub(super) struct Found {
    /// One per requested name, in the order written.
    pub modules: Vec<Module>,
    /// Project-relative source folder, `""` for the project root.
    pub source_rel: String,
}

/// A requested import name and where it came from.
struct Wanted {
    name: String,
    span: Option<Range<usize>>,
    /// Whether it was written in `tool.cartwheel.module` (else derived from `project.name`).
    explicit: bool,
}

/// Find every module of the project, or explain where we looked.
pub(super) fn find(project: &Project, warnings: &mut Vec<Diagnostic>) -> Result<Found, Error> {
    let wanted: Vec<Wanted> = match &project.tool.module {
        Some(list) => list
            .iter()
            .map(|m| Wanted { name: m.value.to_string(), span: m.span.clone(), explicit: true })
            .collect(),
        None => {
            vec![Wanted { name: default_name(project), span: project.name.span.clone(), explicit: false }]
        }
    };
    if wanted.is_empty() {
        return Err(invalid(
            project
                .error_at("`module` lists no module", None)
                .key("tool.cartwheel.module")
                .help("name the import package, e.g. `module = \"acme\"`"),
        ));
    }
    let source_rel = match &project.tool.source {
        Some(src) => {
            let rel = normalize_rel(&src.value).ok_or_else(|| {
                invalid(project.error_in(
                    "tool.cartwheel.source",
                    src,
                    format!("`source` must be a folder inside the project, not `{}`", src.value),
                ))
            })?;
            if !project.root.join(&rel).is_dir() {
                return Err(invalid(project.error_in(
                    "tool.cartwheel.source",
                    src,
                    format!("source folder `{}` does not exist", display_dir(&rel)),
                )));
            }
            rel
        }
        None => {
            let src = project.root.join("src");
            if src.is_dir() && wanted.iter().any(|w| exists_any(&src, &w.name)) {
                "src".to_string()
            } else {
                String::new()
            }
        }
    };
    let source_dir =
        if source_rel.is_empty() { project.root.clone() } else { project.root.join(&source_rel) };

    let mut modules = Vec::new();
    for w in &wanted {
        match probe(project, &source_dir, &source_rel, w)? {
            Some(m) => {
                if m.init.is_none() && w.explicit && !w.name.contains('.') && !is_stubs(&w.name) {
                    warnings.push(namespace_root(project, &m, w));
                }
                modules.push(m)
            }
            None => return Err(not_found(project, w, &source_rel)),
        }
    }
    Ok(Found { modules, source_rel })
}

/// The import name a project name stands for: `acme-sdk` → `acme_sdk`, but a PEP 561
/// stub-only distribution `acme-stubs` → the folder `acme-stubs` (unless only `acme_stubs`
/// exists, a regular package that happens to end in `stubs`).
fn default_name(project: &Project) -> String {
    let module = project.normalized_name.as_module_name();
    let Some(base) = project.normalized_name.as_str().strip_suffix("-stubs") else {
        return module;
    };
    let stubs = format!("{}-stubs", base.replace('-', "_"));
    let exists =
        |name: &str| [project.root.join("src"), project.root.clone()].iter().any(|d| exists_any(d, name));
    if !is_module_name(&stubs) || (!exists(&stubs) && exists(&module)) {
        module
    } else {
        stubs
    }
}

fn is_stubs(name: &str) -> bool {
    name.ends_with("-stubs")
}

fn exists_any(source_dir: &Path, name: &str) -> bool {
    let path = name.replace('.', "/");
    source_dir.join(&path).is_dir() || source_dir.join(format!("{path}.py")).is_file()
}

fn join_rel(base: &str, rel: &str) -> String {
    if base.is_empty() {
        rel.to_string()
    } else {
        format!("{base}/{rel}")
    }
}

fn display_dir(rel: &str) -> &str {
    if rel.is_empty() {
        "."
    } else {
        rel
    }
}

/// The module at `source_dir`, if there is one there.
fn probe(
    project: &Project,
    source_dir: &Path,
    source_rel: &str,
    w: &Wanted,
) -> Result<Option<Module>, Error> {
    let (name, span) = (w.name.as_str(), w.span.clone());
    let path = name.replace('.', "/");
    let dir = source_dir.join(&path);
    let file = source_dir.join(format!("{path}.py"));
    let dotted = name.contains('.');
    let package_rel = join_rel(source_rel, &path);
    let module = |rel_path: String, init: Option<String>| Module {
        name: name.to_string(),
        rel_path,
        init,
        source_dir: source_dir.to_path_buf(),
    };
    // `__init__.pyi` alone marks a stub-only package (PEP 561): type checkers read it, and the
    // wheel ships the folder as it is.
    let init_name = ["__init__.py", "__init__.pyi"].into_iter().find(|n| dir.join(n).is_file());
    if let Some(init_name) = init_name {
        if file.is_file() {
            let why = if init_name == "__init__.py" {
                "Python would import the package and ignore the file"
            } else {
                "Python would import the file and type checkers the package's stubs"
            };
            return Err(invalid(
                project
                    .error_at(
                        format!("both `{package_rel}/{init_name}` and `{package_rel}.py` exist; {why}"),
                        span,
                    )
                    .key(if w.explicit { "tool.cartwheel.module" } else { "project.name" })
                    .help(format!("remove or rename `{package_rel}.py`")),
            ));
        }
        let init = format!("{package_rel}/{init_name}");
        return Ok(Some(module(package_rel, Some(init))));
    }
    if file.is_file() && !is_stubs(name) {
        let rel = format!("{package_rel}.py");
        return Ok(Some(module(rel.clone(), Some(rel))));
    }
    // A folder without `__init__.py` is a namespace package: a distribution unit below a
    // shared namespace (`acme.plugins.foo`), the stubs of one (PEP 561:
    // `acme-stubs/plugins/foo/__init__.pyi`), or, named explicitly, a namespace root whose
    // sub-packages all ship (a distribution owning a dozen of them need not list each).
    if (dotted || is_stubs(name) || w.explicit) && dir.is_dir() {
        return Ok(Some(module(package_rel, None)));
    }
    Ok(None)
}

/// The warning that says what was taken as a namespace root: a folder without `__init__.py`
/// named in `module`, shipped whole.
fn namespace_root(project: &Project, m: &Module, w: &Wanted) -> Diagnostic {
    let mut subs = top_level_packages(&project.root.join(&m.rel_path));
    subs.sort();
    let holding = match subs.len() {
        0 => String::new(),
        1 => format!(" with its sub-package `{}`", subs[0]),
        n => format!(
            " with its {n} sub-packages {}",
            subs.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        ),
    };
    Diagnostic::warning(format!(
        "`{}/` has no `__init__.py`: module `{}` is taken as a PEP 420 namespace package and ships whole{holding}",
        m.rel_path, w.name
    ))
    .at(&project.source, w.span.clone())
    .key("tool.cartwheel.module")
        .help("name sub-packages (`module = [\"ns.a\", \"ns.b\"]`) to ship only those; add an `__init__.py` for a regular package")
}

fn not_found(project: &Project, w: &Wanted, source_rel: &str) -> Error {
    let path = w.name.replace('.', "/");
    let mut folders: Vec<String> = Vec::new();
    if project.tool.source.is_some() {
        folders.push(source_rel.to_string());
    } else {
        folders.push("src".to_string());
        folders.push(String::new());
    }
    let mut looked = Vec::new();
    let mut bare_folder = None;
    for folder in &folders {
        let pkg = join_rel(folder, &path);
        if is_stubs(&w.name) {
            looked.push(format!("{pkg}/"));
            continue;
        }
        looked.push(format!("{pkg}/__init__.py"));
        looked.push(format!("{pkg}.py"));
        let dir = project.root.join(&pkg);
        let has_init = ["__init__.py", "__init__.pyi"].iter().any(|n| dir.join(n).is_file());
        if dir.is_dir() && !has_init && bare_folder.is_none() {
            bare_folder = Some(pkg);
        }
    }
    let mut found: Vec<String> =
        folders.iter().flat_map(|f| top_level_packages(&project.root.join(f))).collect();
    found.sort_by(|a, b| {
        let sa = strsim::jaro_winkler(a, &w.name);
        let sb = strsim::jaro_winkler(b, &w.name);
        sb.total_cmp(&sa).then_with(|| a.cmp(b))
    });
    found.dedup();

    let what = if w.explicit {
        format!("cannot find module `{}`", w.name)
    } else if is_stubs(&w.name) {
        format!("cannot find the stub-only package `{}` (PEP 561: named after the project)", w.name)
    } else {
        // Said only where the name was changed: `acme` found nowhere needs no explaining.
        let changed = project.name.value.contains(['-', '.']);
        let how = if changed { " (the project name with `-` → `_`)" } else { "" };
        format!("cannot find the import package `{}`{how}", w.name)
    };
    let message = format!("{what}; looked for {}", looked.join(", "));
    let mut help = match found.first() {
        Some(best) => {
            let mut h = format!("set `[tool.cartwheel] module = \"{best}\"`");
            if found.len() > 1 {
                h.push_str(&format!("; packages found: {} (a list names several)", found.join(", ")));
            }
            h
        }
        None => "set `[tool.cartwheel] module = \"...\"` to the name you import \
                 (and `source` if it is not in `src/` or the project folder)"
            .to_string(),
    };
    if let Some(folder) = bare_folder {
        help.push_str(&format!(
            "; `{folder}/` exists but has no `__init__.py`: add one, or name it in `module` to ship \
             it whole as a namespace package"
        ));
    }
    let key = if w.explicit { "tool.cartwheel.module" } else { "project.name" };
    invalid(project.error_at(message, w.span.clone()).key(key).help(help))
}

/// Folders of `dir` holding `__init__.py` (or `__init__.pyi`), minus the usual
/// non-distributed ones.
fn top_level_packages(dir: &Path) -> Vec<String> {
    const NOT_PACKAGES: &[&str] = &["tests", "test", "docs", "doc", "examples", "benchmarks"];
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = read
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let p: PathBuf = e.path();
            (!name.starts_with('.')
                && !NOT_PACKAGES.contains(&name.as_str())
                && (p.join("__init__.py").is_file() || p.join("__init__.pyi").is_file()))
            .then_some(name)
        })
        .collect();
    out.sort();
    out
}

fn invalid(d: Diagnostic) -> Error {
    Error::Invalid(Box::new(d))
}
