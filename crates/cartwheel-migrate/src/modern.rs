//! Backends that already read `[project]`: hatchling, flit_core, pdm-backend, uv_build. Only
//! their tool tables need translating.
use crate::src::{strings, TomlSrc};
use crate::{Kind, Target, Tree};

fn name(py: &TomlSrc) -> String {
    py.str_at(&["project", "name"]).unwrap_or_default()
}

/// The version comes from a file: the default (`module`) when it is the module's
/// `__init__.py`, else `file` with the path (and the pattern when not the default one).
fn version_file(tree: &dyn Tree, t: &mut Target, name: &str, path: &str, pattern: Option<&str>) {
    let module = crate::src::default_module(name);
    let init = [format!("src/{module}/__init__.py"), format!("{module}/__init__.py")];
    if pattern.is_none() && init.iter().any(|i| i == path) && tree.read(path).is_some() {
        return;
    }
    t.version("source", "file");
    t.version("path", path);
    if let Some(p) = pattern {
        t.version("pattern", p);
    }
}

/// The dotted module a package folder or `.py` file under `src` stands for (`src/acme/io/` →
/// `acme.io`).
fn module_of(path: &str, src: &str) -> String {
    path.trim_start_matches(&format!("{src}/"))
        .trim_end_matches('/')
        .trim_end_matches(".py")
        .replace('/', ".")
}

/// A version from git tags (hatch-vcs, pdm's `scm`), with the plugin's fallback when it has one.
fn git_version(py: &TomlSrc, t: &mut Target, tool: &str, fallback_key: &str) {
    t.version("source", "git");
    if let Some(fb) = py.str_at(&["tool", tool, "version", fallback_key]) {
        t.version("fallback", fallback_version(&fb));
    }
}

/// hatchling: `[tool.hatch.version]`, `[tool.hatch.build]` and its wheel/sdist targets.
pub fn hatch(py: &TomlSrc, tree: &dyn Tree, t: &mut Target) {
    let name = name(py);
    if let Some(v) = py.table(&["tool", "hatch", "version"]) {
        t.unused("pyproject.toml", "[tool.hatch.version]", &["tool", "hatch", "version"]);
        match v.str("source").as_deref() {
            Some("vcs") => {
                git_version(py, t, "hatch", "fallback-version");
                if let Some(raw) = py.get(&["tool", "hatch", "version", "raw-options"]) {
                    t.find(py.finding(Kind::Warning, Some(raw), "tool.hatch.version.raw-options", "setuptools-scm options are not read: cartwheel takes the version of the nearest tag", "check that `git describe` tags give the version you expect; set `tool.cartwheel.version.tag-pattern` if tags are not `vX.Y.Z`"));
                }
            }
            Some("code") | Some("env") => {
                t.find(py.finding(
                    Kind::Untranslatable,
                    py.get(&["tool", "hatch", "version", "source"]),
                    "tool.hatch.version.source",
                    "the version is computed by code or read from the environment",
                    "write `project.version` or keep the version in a file",
                ));
            }
            _ => {
                if let Some(path) = v.str("path") {
                    version_file(tree, t, &name, &path, v.str("pattern").as_deref().filter(|p| *p != "true"));
                }
            }
        }
    }
    for (k, what) in [("vcs", "writes the version into a file at build time")] {
        if let Some(item) = py.get(&["tool", "hatch", "build", "hooks", k, "version-file"]) {
            t.find(py.finding(
                Kind::Untranslatable,
                Some(item),
                &format!("tool.hatch.build.hooks.{k}.version-file"),
                format!("hatch-vcs {what}; cartwheel does not generate files"),
                "read the version at run time with `importlib.metadata.version(\"<dist>\")`",
            ));
        }
    }
    if let Some(hooks) = py.get(&["tool", "hatch", "build", "hooks"]) {
        if let Some(tb) = hooks.as_table_like() {
            for (hook, _) in tb.iter().filter(|(k, _)| *k != "vcs") {
                t.find(py.finding(
                    Kind::Untranslatable,
                    Some(hooks),
                    &format!("tool.hatch.build.hooks.{hook}"),
                    "a build hook runs code at build time",
                    "generate its files before building and list them in `tool.cartwheel.include`",
                ));
            }
        }
    }
    if py.get(&["tool", "hatch", "metadata"]).is_some() {
        t.unused("pyproject.toml", "[tool.hatch.metadata]", &["tool", "hatch", "metadata"]);
    }
    let build = py.get(&["tool", "hatch", "build"]).is_some();
    if build {
        t.unused("pyproject.toml", "[tool.hatch.build]", &["tool", "hatch", "build"]);
    }
    // Shared options apply to both targets.
    let shared = |k: &str| py.get(&["tool", "hatch", "build", k]);
    let wheel = |k: &str| py.get(&["tool", "hatch", "build", "targets", "wheel", k]).or_else(|| shared(k));
    let sdist = |k: &str| py.get(&["tool", "hatch", "build", "targets", "sdist", k]).or_else(|| shared(k));
    let root = |g: &str| if g.starts_with('/') || g.contains('*') { g.to_string() } else { format!("/{g}") };
    if let Some(p) = wheel("packages") {
        let list = strings(p).unwrap_or_default();
        let mut sources = Vec::new();
        let mut modules = Vec::new();
        for path in &list {
            let path = path.trim_end_matches('/');
            let (src, module) = path.rsplit_once('/').unwrap_or((".", path));
            modules.push(module.trim_end_matches(".py").to_string());
            if !sources.contains(&src.to_string()) {
                sources.push(src.to_string());
            }
        }
        if sources.len() > 1 {
            t.find(py.finding(
                Kind::Untranslatable,
                Some(p),
                "tool.hatch.build.targets.wheel.packages",
                "packages from several folders",
                "move them under one folder",
            ));
        }
        crate::poetry::set_modules(
            tree,
            t,
            &name,
            &modules,
            sources.first().map(String::as_str).unwrap_or("."),
        );
    } else if let Some(oi) = wheel("only-include") {
        let list = strings(oi).unwrap_or_default();
        let sources_t = wheel("sources");
        let src = sources_t
            .and_then(|s| {
                s.as_table_like()
                    .and_then(|t| t.iter().next().map(|(k, _)| k.to_string()))
                    .or_else(|| strings(s).and_then(|l| l.first().cloned()))
            })
            .unwrap_or_else(|| ".".into());
        let modules: Vec<String> = list.iter().map(|p| module_of(p, &src)).collect();
        crate::poetry::set_modules(tree, t, &name, &modules, &src);
    }
    if let Some(inc) = wheel("include") {
        if py.get(&["tool", "hatch", "build", "targets", "wheel", "packages"]).is_none() {
            t.find(py.finding(
                Kind::Warning,
                Some(inc),
                "tool.hatch.build.targets.wheel.include",
                "the wheel's include globs select the package; cartwheel finds it by name",
                "check `tool.cartwheel.module` against the verification",
            ));
        }
    }
    if let Some(ex) = wheel("exclude") {
        t.add_globs(
            "wheel-exclude",
            &strings(ex).unwrap_or_default().iter().map(|g| root(g)).collect::<Vec<_>>(),
        );
    }
    if let Some(inc) = sdist("only-include") {
        t.find(py.finding(Kind::Warning, Some(inc), "tool.hatch.build.targets.sdist.only-include", "the sdist holds only these paths; cartwheel's sdist holds the project's files minus `sdist-exclude`", "the verification lists the extra files: add them to `tool.cartwheel.sdist-exclude` if they must stay out"));
    }
    if let Some(inc) = sdist("include") {
        t.add_globs(
            "sdist-include",
            &strings(inc).unwrap_or_default().iter().map(|g| root(g)).collect::<Vec<_>>(),
        );
    }
    if let Some(ex) = sdist("exclude") {
        t.add_globs(
            "sdist-exclude",
            &strings(ex).unwrap_or_default().iter().map(|g| root(g)).collect::<Vec<_>>(),
        );
    }
    for target in ["wheel", "sdist"] {
        let own = py.get(&["tool", "hatch", "build", "targets", target, "force-include"]);
        let key = if own.is_some() {
            format!("tool.hatch.build.targets.{target}.force-include")
        } else {
            "tool.hatch.build.force-include".to_string()
        };
        let Some(fi) = own.or_else(|| shared("force-include")) else { continue };
        let Some(tb) = fi.as_table_like() else { continue };
        for (from, at) in tb.iter() {
            let Some(to) = at.as_str() else { continue };
            let to = to.trim_start_matches('/').trim_end_matches('/');
            let from_t = from.trim_end_matches('/');
            if from_t.starts_with("..") || from_t.starts_with('/') {
                t.find(py.finding(
                    Kind::Untranslatable,
                    Some(at),
                    &key,
                    format!("`{from}` is outside the project"),
                    "copy it into the project, then map it with `tool.cartwheel.data` or move it into the package",
                ));
            } else if from_t == to || (target == "wheel" && from_t == format!("src/{to}")) {
                // Already where the artifact holds it: only hatch's exclusions are overridden.
                let glob = format!("/{from_t}");
                t.add_globs(if target == "wheel" { "include" } else { "sdist-include" }, &[glob]);
            } else if target == "wheel" {
                t.add_data(from_t, &format!("purelib/{to}"));
                t.find(py.finding(
                    Kind::Warning,
                    Some(at),
                    &key,
                    format!("`{from}` goes in the wheel as `{to}`: cartwheel maps it through the wheel's `.data/purelib/`, which installers put at the same place"),
                    "",
                ));
            } else {
                t.find(py.finding(
                    Kind::Untranslatable,
                    Some(at),
                    &key,
                    format!("`{from}` is copied to `{to}` inside the sdist"),
                    "move the file to where the sdist should hold it",
                ));
            }
        }
    }
    if let Some(sd) = wheel("shared-data") {
        if let Some(tb) = sd.as_table_like() {
            for (from, to) in tb.iter() {
                if let Some(to) = to.as_str() {
                    t.add_data(from, &format!("data/{}", to.trim_matches('/')));
                }
            }
        }
    }
    if let Some(ss) = wheel("shared-scripts") {
        if let Some(tb) = ss.as_table_like() {
            for (from, to) in tb.iter() {
                if let Some(to) = to.as_str() {
                    t.add_data(from, &format!("scripts/{}", to.trim_matches('/')));
                }
            }
        }
    }
    if let Some(item) = shared("dev-mode-dirs") {
        t.find(py.finding(
            Kind::Note,
            Some(item),
            "tool.hatch.build.dev-mode-dirs",
            "editable installs put the module's source folder on the path",
            "",
        ));
    }
}

/// flit_core: `[tool.flit.module]`, `[tool.flit.sdist]`, `[tool.flit.external-data]`, and the
/// description from the module's docstring.
pub fn flit(py: &TomlSrc, tree: &dyn Tree, t: &mut Target) {
    let name = name(py);
    let module =
        py.str_at(&["tool", "flit", "module", "name"]).unwrap_or_else(|| crate::src::default_module(&name));
    if py.get(&["tool", "flit"]).is_some() {
        t.unused("pyproject.toml", "[tool.flit]", &["tool", "flit"]);
    }
    let src = if tree.is_dir(&format!("src/{}", module.replace('.', "/")))
        || tree.read(&format!("src/{module}.py")).is_some()
    {
        "src"
    } else {
        "."
    };
    crate::poetry::set_modules(tree, t, &name, std::slice::from_ref(&module), src);
    let base = if src == "src" { "src/" } else { "" };
    let init = format!("{base}{}/__init__.py", module.replace('.', "/"));
    if py.is_dynamic("version") {
        if let Some(text) = tree.read(&init) {
            if !crate::setuptools::literal_assign(&text, "__version__") {
                // flit imports the module when `__version__` is not a literal: most such
                // modules re-export it from a sibling (`from ._meta import __version__`).
                let dir = format!("{base}{}", module.replace('.', "/"));
                match crate::setuptools::reexported(tree, &text, &dir, "__version__") {
                    Some(f) => {
                        t.version("source", "file");
                        t.version("path", f.as_str());
                    }
                    None => t.find(py.finding(
                        Kind::Untranslatable,
                        py.get(&["project", "dynamic"]),
                        "project.dynamic",
                        format!(
                            "flit imports {init} to find `__version__`, which is not a string literal there"
                        ),
                        "assign `__version__ = \"X.Y.Z\"` in the module, or write `project.version`",
                    )),
                }
            }
        }
    }
    if py.is_dynamic("description") {
        let base = if src == "src" { "src/" } else { "" };
        let text = [format!("{base}{}/__init__.py", module.replace('.', "/")), format!("{base}{module}.py")]
            .into_iter()
            .find_map(|f| tree.read(&f));
        match text.and_then(|text| docstring(&text)) {
            Some(doc) => {
                t.set_str("description", &doc);
                let dynamic: Vec<String> = py
                    .get(&["project", "dynamic"])
                    .and_then(strings)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|d| d != "description")
                    .collect();
                t.dynamic = Some(dynamic);
            }
            None => t.find(py.finding(
                Kind::Untranslatable,
                py.get(&["project", "dynamic"]),
                "project.dynamic",
                "the description comes from the module's docstring, which could not be read",
                "write `project.description`",
            )),
        }
    }
    if let Some(inc) = py.get(&["tool", "flit", "sdist", "include"]) {
        t.add_globs(
            "sdist-include",
            &strings(inc).unwrap_or_default().iter().map(|g| format!("/{g}")).collect::<Vec<_>>(),
        );
    }
    if let Some(ex) = py.get(&["tool", "flit", "sdist", "exclude"]) {
        t.add_globs(
            "sdist-exclude",
            &strings(ex).unwrap_or_default().iter().map(|g| format!("/{g}")).collect::<Vec<_>>(),
        );
    }
    if let Some(dir) = py.str_at(&["tool", "flit", "external-data", "directory"]) {
        t.add_data(&dir, "data");
    }
    if let Some(m) = py.get(&["tool", "flit", "metadata"]) {
        t.find(py.finding(
            Kind::Untranslatable,
            Some(m),
            "tool.flit.metadata",
            "flit's old metadata table (before PEP 621)",
            "write `[project]` (flit's `flit init` docs show the mapping)",
        ));
    }
}

/// The first string literal of a Python module, first paragraph, one line (as flit takes it).
fn docstring(text: &str) -> Option<String> {
    let body = text
        .lines()
        .skip_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let body = body.trim_start_matches(['r', 'u', 'R', 'U']);
    let quote = ["\"\"\"", "'''", "\"", "'"].into_iter().find(|q| body.starts_with(q))?;
    let rest = &body[quote.len()..];
    let end = rest.find(quote)?;
    let doc = rest[..end].trim();
    let first = doc.split("\n\n").next().unwrap_or_default();
    Some(first.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// pdm-backend: `[tool.pdm.build]`, `[tool.pdm.version]`, dev-dependencies.
pub fn pdm(py: &TomlSrc, tree: &dyn Tree, t: &mut Target) {
    let name = name(py);
    // pdm-backend runs a `pdm_build.py` beside pyproject.toml as a build hook, unasked.
    if tree.read("pdm_build.py").is_some() {
        t.find(crate::emit::at(Kind::Untranslatable, "pdm_build.py", 0, 0, "pdm_build.py", "a pdm build hook runs code at build time", "generate its output before building and list it in `tool.cartwheel.include`, or keep pdm-backend"));
    }
    if py.get(&["tool", "pdm", "build"]).is_some() {
        t.unused("pyproject.toml", "[tool.pdm.build]", &["tool", "pdm", "build"]);
    }
    let build = |k: &str| py.get(&["tool", "pdm", "build", k]);
    let pkg_dir = py.str_at(&["tool", "pdm", "build", "package-dir"]);
    if let Some(inc) = build("includes") {
        let list = strings(inc).unwrap_or_default();
        let src = pkg_dir.clone().unwrap_or_else(|| ".".into());
        let modules: Vec<String> =
            list.iter().filter(|p| !p.contains('*')).map(|p| module_of(p, &src)).collect();
        if modules.len() != list.len() {
            t.find(py.finding(
                Kind::Warning,
                Some(inc),
                "tool.pdm.build.includes",
                "glob includes: cartwheel finds the package by name",
                "check `tool.cartwheel.module` against the verification",
            ));
        }
        crate::poetry::set_modules(tree, t, &name, &modules, &src);
    } else if let Some(src) = &pkg_dir {
        let module = crate::src::default_module(&name);
        crate::poetry::set_modules(tree, t, &name, &[module], src);
    }
    if let Some(ex) = build("excludes") {
        t.add_globs(
            "exclude",
            &strings(ex).unwrap_or_default().iter().map(|g| format!("/{g}")).collect::<Vec<_>>(),
        );
    }
    if let Some(si) = build("source-includes") {
        t.add_globs(
            "sdist-include",
            &strings(si).unwrap_or_default().iter().map(|g| format!("/{g}")).collect::<Vec<_>>(),
        );
    }
    if let Some(v) = py.table(&["tool", "pdm", "version"]) {
        t.unused("pyproject.toml", "[tool.pdm.version]", &["tool", "pdm", "version"]);
        match v.str("source").as_deref() {
            Some("scm") => {
                git_version(py, t, "pdm", "fallback_version");
                if let Some(w) = py.get(&["tool", "pdm", "version", "write_to"]) {
                    t.find(py.finding(
                        Kind::Untranslatable,
                        Some(w),
                        "tool.pdm.version.write_to",
                        "pdm writes the version into a file at build time; cartwheel does not generate files",
                        "read it at run time with `importlib.metadata.version(\"<dist>\")`",
                    ));
                }
            }
            Some("file") => {
                if let Some(path) = v.str("path") {
                    version_file(tree, t, &name, &path, None);
                }
            }
            other => t.find(py.finding(
                Kind::Untranslatable,
                py.get(&["tool", "pdm", "version", "source"]),
                "tool.pdm.version.source",
                format!("version source `{}`", other.unwrap_or("?")),
                "write `project.version`",
            )),
        }
    }
    if let Some(dev) = py.table(&["tool", "pdm", "dev-dependencies"]) {
        for (group, reqs) in dev.entries() {
            t.groups.push((
                group,
                strings(&reqs).unwrap_or_default().into_iter().filter(|r| !r.starts_with("-e")).collect(),
            ));
        }
        t.unused("pyproject.toml", "[tool.pdm.dev-dependencies]", &["tool", "pdm", "dev-dependencies"]);
    }
}

/// uv_build: `[tool.uv.build-backend]`.
pub fn uv(py: &TomlSrc, tree: &dyn Tree, t: &mut Target) {
    let name = name(py);
    let Some(b) = py.table(&["tool", "uv", "build-backend"]) else { return };
    t.unused("pyproject.toml", "[tool.uv.build-backend]", &["tool", "uv", "build-backend"]);
    let root = b
        .str("module-root")
        .map(|r| if r.is_empty() { ".".to_string() } else { r })
        .unwrap_or_else(|| "src".into());
    let modules = b.strings("module-name").unwrap_or_else(|| vec![crate::src::default_module(&name)]);
    crate::poetry::set_modules(tree, t, &name, &modules, &root);
    if let Some(item) = b.get("namespace") {
        t.find(py.finding(Kind::Note, Some(&item), "tool.uv.build-backend.namespace", "a module folder without __init__.py named in `tool.cartwheel.module` is a namespace root and ships whole", ""));
    }
    if let Some(data) = b.get("data") {
        if let Some(tb) = data.as_table_like() {
            for (scheme, dir) in tb.iter() {
                if let Some(dir) = dir.as_str() {
                    t.add_data(dir, scheme);
                }
            }
        }
    }
    let root_glob =
        |g: &String| if g.starts_with('/') || g.contains('*') { g.clone() } else { format!("/{g}") };
    if let Some(si) = b.strings("source-include") {
        t.add_globs("sdist-include", &si.iter().map(root_glob).collect::<Vec<_>>());
    }
    if let Some(se) = b.strings("source-exclude") {
        t.add_globs("sdist-exclude", &se.iter().map(root_glob).collect::<Vec<_>>());
    }
    if let Some(we) = b.strings("wheel-exclude") {
        t.add_globs("wheel-exclude", &we.iter().map(root_glob).collect::<Vec<_>>());
    }
    if let Some(item) = b.get("default-excludes") {
        t.find(py.finding(
            Kind::Note,
            Some(&item),
            "tool.uv.build-backend.default-excludes",
            "cartwheel always leaves out caches and VCS folders",
            "",
        ));
    }
}

/// A fallback version as cartwheel takes it: PEP 440's normal form (`1.0-dev` → `1.0.dev0`),
/// or as written when it is not a version (cartwheel then names it at build time).
pub(crate) fn fallback_version(text: &str) -> String {
    text.parse::<pep440_rs::Version>().map_or_else(|_| text.to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn docstrings_as_flit_reads_them() {
        assert_eq!(super::docstring("# c\n\"\"\"A thing.\n\nMore.\"\"\"\n").as_deref(), Some("A thing."));
        assert_eq!(super::docstring("'''One\n  line'''").as_deref(), Some("One line"));
        assert_eq!(super::docstring("import x"), None);
    }
}
