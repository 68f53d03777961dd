//! setuptools: setup.cfg's declarative config, setup.py's literal `setup(...)` arguments,
//! `[tool.setuptools]`, MANIFEST.in, setuptools-scm and versioneer.

use serde_json::Value as Json;
use toml_edit::{InlineTable, Item, Value};

/// `setup()` options about the layout and the build: translated into `[tool.cartwheel]`, or
/// reported when computed or when they customise the build with code.
const LAYOUT_OPTIONS: [&str; 10] = [
    "package_dir",
    "packages",
    "py_modules",
    "package_data",
    "exclude_package_data",
    "namespace_packages",
    "cmdclass",
    "ext_modules",
    "distclass",
    "libraries",
];

use crate::emit::{array, at, inline};
use crate::ini;
use crate::src::{TableRef, TomlSrc};
use crate::{Error, Input, Kind, Target, Tree};

/// A setuptools option value, whichever file it came from.
#[derive(Debug, Clone)]
enum Sv {
    Str(String),
    List(Vec<String>),
    Dict(Vec<(String, Sv)>),
    /// A boolean option.
    Flag(bool),
    /// Computed by code in setup.py: its source text and the string literals inside it.
    Computed(String, Vec<String>),
    /// `find:` / `find_packages(...)`: where, include, exclude, namespace.
    Find {
        where_: String,
        include: Vec<String>,
        exclude: Vec<String>,
    },
}

/// setuptools commands a PEP 517 build runs (or that change what it writes): a `cmdclass`
/// entry for any of them customises the build.
const BUILD_COMMANDS: [&str; 18] = [
    "build",
    "build_py",
    "build_ext",
    "build_clib",
    "build_scripts",
    "sdist",
    "bdist",
    "bdist_wheel",
    "bdist_egg",
    "egg_info",
    "dist_info",
    "editable_wheel",
    "install",
    "install_lib",
    "install_scripts",
    "install_data",
    "install_headers",
    "develop",
];

/// An option and where it was written.
#[derive(Debug, Clone)]
struct Opt {
    value: Sv,
    file: &'static str,
    line: usize,
    col: usize,
}

impl Opt {
    /// A finding located where the option is written.
    fn finding(
        &self,
        kind: Kind,
        key: &str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> crate::Finding {
        at(kind, self.file, self.line, self.col, key, message, fix)
    }
}

impl Sv {
    fn text(&self) -> Option<String> {
        match self {
            Sv::Str(s) => Some(s.clone()),
            Sv::List(l) => Some(l.join("\n")),
            _ => None,
        }
    }

    fn list(&self) -> Vec<String> {
        match self {
            Sv::Str(s) => ini::list_semi(s),
            Sv::List(l) => l.clone(),
            _ => Vec::new(),
        }
    }

    /// A list option whose setup.cfg text is comma-separated (file and module lists).
    fn list_comma(&self) -> Vec<String> {
        match self {
            Sv::Str(s) => ini::list_comma(s),
            other => other.list(),
        }
    }
}

fn json_sv(v: &Json) -> Sv {
    match v {
        Json::String(s) => Sv::Str(s.clone()),
        Json::Bool(b) => Sv::Flag(*b),
        Json::Array(a) => Sv::List(
            a.iter().map(|x| x.as_str().map(String::from).unwrap_or_else(|| x.to_string())).collect(),
        ),
        Json::Object(o) if o.contains_key("$find") => Sv::Find {
            where_: o.get("where").and_then(|w| w.as_str()).unwrap_or(".").to_string(),
            include: o
                .get("include")
                .and_then(|x| x.as_array())
                .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
                .unwrap_or_default(),
            exclude: o
                .get("exclude")
                .and_then(|x| x.as_array())
                .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
                .unwrap_or_default(),
        },
        Json::Object(o) => Sv::Dict(o.iter().map(|(k, v)| (k.clone(), json_sv(v))).collect()),
        other => Sv::Str(other.to_string()),
    }
}

type Opts = Vec<(String, Opt)>;

fn get<'a>(opts: &'a Opts, key: &str) -> Option<&'a Opt> {
    // The last one wins: setup.py overrides setup.cfg, as setuptools does.
    opts.iter().rev().find(|(k, _)| k == key).map(|(_, o)| o)
}

const CFG: &str = "setup.cfg";
const PY: &str = "setup.py";

/// Sections of setup.cfg that cartwheel replaces.
fn replaced_section(name: &str) -> bool {
    name == "metadata"
        || name == "options"
        || name.starts_with("options.")
        || matches!(
            name,
            "bdist_wheel"
                | "sdist"
                | "egg_info"
                | "versioneer"
                | "wheel"
                | "aliases"
                | "install"
                | "build_py"
        )
}

/// Translate a setuptools project.
pub fn translate(py: Option<&TomlSrc>, input: &Input<'_>, t: &mut Target) -> Result<(), Error> {
    let tree = input.tree;
    let mut opts: Opts = Vec::new();
    if let Some(text) = input.setup_cfg {
        let sections = ini::parse(text).map_err(|e| Error::Parse {
            file: CFG.into(),
            line: e.line,
            col: 1,
            message: e.message,
        })?;
        read_cfg(&sections, &mut opts);
        let universal = sections
            .iter()
            .filter(|s| s.name == "bdist_wheel" || s.name == "wheel")
            .find_map(|s| s.get("universal"))
            .filter(|e| truthy(&e.value));
        if let Some(e) = universal {
            t.find(at(
                Kind::Note,
                CFG,
                e.line,
                e.col,
                "bdist_wheel.universal",
                "`universal = 1` tags the wheel py2.py3; cartwheel tags it py3 (it builds for Python 3 only)",
                "",
            ));
        }
        let mut kept = String::new();
        let mut keep = true;
        let mut any = false;
        for (i, line) in text.lines().enumerate() {
            if let Some(s) = sections.iter().find(|s| s.line == i + 1) {
                keep = !replaced_section(&s.name);
                if !keep {
                    t.unused(CFG, &format!("[{}]", s.name), &[]);
                }
            }
            if keep {
                kept.push_str(line);
                kept.push('\n');
                any |= !line.trim().is_empty() && !line.trim_start().starts_with(['#', ';']);
            }
        }
        if any {
            if kept != text {
                t.setup_cfg = Some(kept);
            }
        } else {
            t.delete.push(CFG.into());
        }
    }
    if let Some(json) = input.setup_py {
        read_py(json, &mut opts, t);
        t.unused(PY, "", &[]);
        t.delete.push(PY.into());
    }
    if let Some(py) = py {
        read_toml(py, &mut opts, t);
    }
    let scm = uses_scm(py, &opts);
    metadata(&opts, tree, t, scm, py);
    let name = get(&opts, "name")
        .and_then(|o| o.value.text())
        .or_else(|| py.and_then(|p| p.str_at(&["project", "name"])))
        .unwrap_or_default();
    // setuptools' default: true for a project configured in pyproject.toml's `[project]`,
    // false for setup.cfg / setup.py.
    let include_data = match get(&opts, "include_package_data").map(|o| &o.value) {
        Some(Sv::Flag(b)) => *b,
        Some(Sv::Str(v)) => truthy(v),
        _ => py.is_some_and(|p| p.get(&["project"]).is_some()),
    };
    packages(&opts, tree, t, &name, include_data);
    if let Some(text) = input.manifest_in {
        manifest(text, t);
        t.unused("MANIFEST.in", "", &[]);
        t.delete.push("MANIFEST.in".into());
    }
    if tree.read("versioneer.py").is_some() {
        t.find(at(Kind::Untranslatable, "versioneer.py", 0, 0, "versioneer", "versioneer rewrites the package's `_version.py` with the version at build time; cartwheel takes the version from git tags but does not generate that file", "read the version at run time with `importlib.metadata.version(\"<dist>\")` in `_version.py`, then delete versioneer.py"));
    }
    Ok(())
}

fn read_cfg(sections: &[ini::Section], opts: &mut Opts) {
    for s in sections {
        let opt = |e: &ini::Entry, value: Sv| Opt { value, file: CFG, line: e.line, col: e.col };
        match s.name.as_str() {
            "metadata" | "options" => {
                for e in &s.entries {
                    let key = e.key.replace('-', "_");
                    let key = match key.as_str() {
                        "home_page" => "url".to_string(),
                        "summary" => "description".to_string(),
                        "license_file" => "license_files".to_string(),
                        "classifier" => "classifiers".to_string(),
                        _ => key,
                    };
                    let value = if e.value.trim() == "find:" || e.value.trim() == "find_namespace:" {
                        let find = sections.iter().find(|s| s.name == "options.packages.find");
                        let f = |k: &str| {
                            find.and_then(|s| s.get(k)).map(|e| ini::list_comma(&e.value)).unwrap_or_default()
                        };
                        Sv::Find {
                            where_: f("where").first().cloned().unwrap_or_else(|| ".".into()),
                            include: f("include"),
                            exclude: f("exclude"),
                        }
                    } else {
                        Sv::Str(e.value.clone())
                    };
                    opts.push((key, opt(e, value)));
                }
            }
            "options.extras_require"
            | "options.entry_points"
            | "options.package_data"
            | "options.exclude_package_data"
            | "options.data_files" => {
                let key = s.name.trim_start_matches("options.").to_string();
                let dict = s.entries.iter().map(|e| (e.key.clone(), Sv::Str(e.value.clone()))).collect();
                let (line, col) = s.entries.first().map(|e| (e.line, e.col)).unwrap_or((s.line, 1));
                opts.push((key, Opt { value: Sv::Dict(dict), file: CFG, line, col }));
            }
            _ => {}
        }
    }
}

fn read_py(json: &Json, opts: &mut Opts, t: &mut Target) {
    let pos = |v: &Json| {
        (
            v.get("line").and_then(Json::as_u64).unwrap_or(0) as usize,
            v.get("col").and_then(Json::as_u64).unwrap_or(0) as usize,
        )
    };
    if let Some(args) = json.get("args").and_then(Json::as_object) {
        for (k, v) in args {
            let (line, col) = pos(v);
            let mut value = json_sv(v.get("value").unwrap_or(&Json::Null));
            // setup.py's requirement strings hold one requirement a line (a `;` starts a
            // marker), where setup.cfg's `list-semi` values are split at `;`.
            let lines = |v: &mut Sv| {
                if let Sv::Str(s) = v {
                    *v = Sv::List(
                        s.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
                    );
                }
            };
            match (k.as_str(), &mut value) {
                ("install_requires" | "setup_requires" | "tests_require", v) => lines(v),
                ("extras_require", Sv::Dict(d)) => d.iter_mut().for_each(|(_, v)| lines(v)),
                _ => {}
            }
            opts.push((k.clone(), Opt { value, file: PY, line, col }));
        }
    }
    if let Some(computed) = json.get("computed").and_then(Json::as_object) {
        for (k, v) in computed {
            let (line, col) = pos(v);
            let source = v.get("source").and_then(Json::as_str).unwrap_or_default().to_string();
            let strings = v
                .get("strings")
                .and_then(Json::as_array)
                .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
                .unwrap_or_default();
            opts.push((k.clone(), Opt { value: Sv::Computed(source, strings), file: PY, line, col }));
        }
    }
    for star in json.get("star").and_then(Json::as_array).into_iter().flatten() {
        let (line, col) = pos(star);
        let source = star.get("source").and_then(Json::as_str).unwrap_or_default();
        t.find(at(
            Kind::Untranslatable,
            PY,
            line,
            col,
            "**",
            format!("setup() takes arguments from `**{source}`, computed when setup.py runs"),
            "write those arguments into `[project]` by hand",
        ));
    }
    if json.get("found").and_then(Json::as_bool) == Some(false) {
        t.find(at(
            Kind::Untranslatable,
            PY,
            0,
            0,
            "setup",
            "no `setup(...)` call found in setup.py",
            "write `[project]` by hand",
        ));
    }
}

fn read_toml(py: &TomlSrc, opts: &mut Opts, t: &mut Target) {
    let Some(st) = py.table(&["tool", "setuptools"]) else { return };
    t.unused("pyproject.toml", "[tool.setuptools]", &["tool", "setuptools"]);
    let mut push = |key: &str, item: &Item, value: Sv| {
        let (line, col) = py.pos(item);
        opts.push((key.into(), Opt { value, file: "pyproject.toml", line, col }));
    };
    for (k, item) in st.entries() {
        let key = k.replace('-', "_");
        match key.as_str() {
            "packages" => {
                if let Some(find) = item.get("find") {
                    let s = |k: &str| find.get(k).and_then(crate::src::strings).unwrap_or_default();
                    let value = Sv::Find {
                        where_: s("where").first().cloned().unwrap_or_else(|| ".".into()),
                        include: s("include"),
                        exclude: s("exclude"),
                    };
                    push("packages", &item, value);
                } else if let Some(l) = crate::src::strings(&item) {
                    push("packages", &item, Sv::List(l));
                }
            }
            "dynamic" => {
                for (field, spec) in item
                    .as_table_like()
                    .map(|t| t.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Vec<_>>())
                    .unwrap_or_default()
                {
                    let text = if let Some(a) = spec.get("attr").and_then(|a| a.as_str()) {
                        format!("attr: {a}")
                    } else if let Some(f) = spec.get("file").and_then(crate::src::strings) {
                        format!("file: {}", f.join(", "))
                    } else {
                        continue;
                    };
                    let key = match field.as_str() {
                        "readme" => "long_description".to_string(),
                        "dependencies" => "install_requires".to_string(),
                        other => other.replace('-', "_"),
                    };
                    if field == "readme" {
                        if let Some(ct) = spec.get("content-type").and_then(|c| c.as_str()) {
                            push("long_description_content_type", &spec, Sv::Str(ct.into()));
                        }
                    }
                    if field == "optional-dependencies" {
                        t.find(py.finding(
                            Kind::Untranslatable,
                            Some(&spec),
                            "tool.setuptools.dynamic.optional-dependencies",
                            "optional dependencies read from files",
                            "write them into `project.optional-dependencies`",
                        ));
                        continue;
                    }
                    push(&key, &spec, Sv::Str(text));
                }
            }
            _ => {
                let value = if let Some(b) = item.as_bool() {
                    Sv::Flag(b)
                } else if let Some(l) =
                    item.as_array().map(|_| crate::src::strings(&item).unwrap_or_default())
                {
                    Sv::List(l)
                } else if let Some(tb) = item.as_table_like() {
                    Sv::Dict(
                        tb.iter()
                            .map(|(k, v)| {
                                (k.to_string(), Sv::List(crate::src::strings(v).unwrap_or_default()))
                            })
                            .collect(),
                    )
                } else if let Some(s) = item.as_str() {
                    Sv::Str(s.into())
                } else {
                    continue;
                };
                push(&key, &item, value);
            }
        }
    }
}

fn uses_scm(py: Option<&TomlSrc>, opts: &Opts) -> bool {
    let requires = py
        .and_then(|p| p.get(&["build-system", "requires"]))
        .and_then(crate::src::strings)
        .unwrap_or_default();
    let setup_requires = get(opts, "setup_requires").map(|o| o.value.list()).unwrap_or_default();
    // setuptools-scm in the requirements alone may only list the sdist's files from git: a
    // version given as `attr:`/`file:` (or a literal) still wins.
    let explicit = get(opts, "version").is_some_and(|o| !matches!(o.value, Sv::Computed(..)));
    if explicit
        && py.is_none_or(|p| p.get(&["tool", "setuptools_scm"]).is_none())
        && get(opts, "use_scm_version").is_none()
    {
        return false;
    }
    requires
        .iter()
        .chain(&setup_requires)
        .any(|r| r.to_lowercase().replace('-', "_").starts_with("setuptools_scm"))
        || py.is_some_and(|p| p.get(&["tool", "setuptools_scm"]).is_some())
        || get(opts, "use_scm_version").is_some()
}

fn metadata(opts: &Opts, tree: &dyn Tree, t: &mut Target, scm: bool, py: Option<&TomlSrc>) {
    let text = |k: &str| get(opts, k).and_then(|o| o.value.text());
    for k in ["name", "description"] {
        if let Some(v) = text(k) {
            t.set_str(k, v.trim());
        }
    }
    version(opts, tree, t, scm, py);
    readme(opts, tree, t);
    if let Some(v) = text("python_requires") {
        t.set_str("requires-python", v.trim());
    }
    if let Some(o) = get(opts, "license") {
        if let Some(l) = o.value.text() {
            license(t, l.trim(), o);
        }
    }
    if let Some(o) = get(opts, "license_files") {
        t.set_list("license-files", &o.value.list_comma());
    }
    for (who, field) in [("author", "authors"), ("maintainer", "maintainers")] {
        let name = text(who).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let email = text(&format!("{who}_email")).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        if name.is_none() && email.is_none() {
            continue;
        }
        let mut tb = InlineTable::new();
        if let Some(n) = name {
            tb.insert("name", n.into());
        }
        if let Some(e) = email {
            tb.insert("email", e.into());
        }
        let mut a = toml_edit::Array::new();
        a.push(Value::InlineTable(tb));
        t.set(field, Item::Value(Value::Array(a)));
    }
    if let Some(k) = get(opts, "keywords") {
        let list = match &k.value {
            Sv::Str(s) if s.contains(',') => ini::list_comma(s),
            Sv::Str(s) => s.split_whitespace().map(String::from).collect(),
            other => other.list(),
        };
        t.set_list("keywords", &list);
    }
    if let Some(c) = get(opts, "classifiers") {
        let list = file_or_list(c, tree, t, "classifiers");
        t.set_list("classifiers", &list);
    }
    let mut urls = Vec::new();
    if let Some(u) = text("url").filter(|u| !u.trim().is_empty()) {
        urls.push(("Homepage".to_string(), u.trim().to_string()));
    }
    if let Some(u) = text("download_url") {
        urls.push(("Download".to_string(), u.trim().to_string()));
    }
    if let Some(o) = get(opts, "project_urls") {
        match &o.value {
            Sv::Str(s) => urls.extend(ini::dict(s)),
            Sv::Dict(d) => urls.extend(d.iter().filter_map(|(k, v)| Some((k.clone(), v.text()?)))),
            _ => {}
        }
    }
    if !urls.is_empty() {
        t.set("urls", Item::Value(Value::InlineTable(inline(&urls))));
    }
    if let Some(o) = get(opts, "install_requires") {
        let reqs = file_or_list(o, tree, t, "install_requires");
        for f in crate::emit::bad_requirements(&reqs, o.file, o.line, o.col, "install_requires") {
            t.find(f);
        }
        if !reqs.is_empty() {
            t.set_list("dependencies", &reqs);
        }
    }
    if let Some(o) = get(opts, "extras_require") {
        let mut table = InlineTable::new();
        if let Sv::Dict(d) = &o.value {
            for (extra, v) in d {
                let reqs = match v {
                    Sv::Str(s) => ini::list_semi(s),
                    other => other.list(),
                };
                for f in crate::emit::bad_requirements(
                    &reqs,
                    o.file,
                    o.line,
                    o.col,
                    &format!("extras_require.{extra}"),
                ) {
                    t.find(f);
                }
                table.insert(extra, Value::Array(array(&reqs)));
            }
        }
        t.set("optional-dependencies", Item::Value(Value::InlineTable(table)));
    }
    entry_points(opts, tree, t);
    for (k, note) in [
        ("platforms", "`Platform` metadata is not written by cartwheel (PEP 621 has no field for it)"),
        ("zip_safe", "wheels are never zipped eggs; cartwheel needs nothing for it"),
        ("setup_requires", "build requirements are `[build-system] requires`; cartwheel needs none"),
        ("tests_require", "setuptools ignores it; put test tools in `[dependency-groups]`"),
        ("test_suite", "setuptools ignores it"),
        ("use_scm_version", "the version comes from git tags"),
        ("obsoletes", "not written"),
        ("provides", "not written"),
        ("long_description_content_type", "the readme's content type comes from its extension"),
    ] {
        if let Some(o) = get(opts, k) {
            t.find(o.finding(Kind::Note, k, note, ""));
        }
    }
    if let Some(o) = get(opts, "include_package_data") {
        let note = if matches!(o.value, Sv::Flag(false)) || o.value.text().is_some_and(|v| !truthy(&v)) {
            "cartwheel ships every file of a package: those `package_data` does not name are in `wheel-exclude`"
        } else {
            "cartwheel ships the package's data files"
        };
        t.find(o.finding(Kind::Note, "include_package_data", note, ""));
    }
    if let Some(o) = get(opts, "scripts").or_else(|| get(opts, "script_files")) {
        for s in o.value.list() {
            let base = s.rsplit('/').next().unwrap_or(&s).to_string();
            t.add_data(&s, &format!("scripts/{base}"));
        }
    }
    if let Some(o) = get(opts, "data_files") {
        if let Sv::Dict(d) = &o.value {
            for (dest, files) in d {
                let files = files.list_comma();
                for f in files {
                    let base = f.rsplit('/').next().unwrap_or(&f).to_string();
                    let dest = dest.trim_matches('/');
                    t.add_data(&f, &format!("data/{dest}/{base}"));
                }
            }
        } else if let Sv::List(_) = &o.value {
            t.find(o.finding(
                Kind::Untranslatable,
                "data_files",
                "data_files as a list of pairs",
                "write `tool.cartwheel.data` entries (source = \"data/<dest>/<name>\")",
            ));
        }
    }
    for k in LAYOUT_OPTIONS {
        if let Some(o) = get(opts, k) {
            if let (Sv::Computed(_, commands), "cmdclass") = (&o.value, k) {
                if !commands.is_empty() && commands.iter().all(|c| !BUILD_COMMANDS.contains(&c.as_str())) {
                    t.find(o.finding(
                        Kind::Note,
                        k,
                        format!(
                            "`cmdclass` adds setup.py commands ({}) that no build runs",
                            commands.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                        ),
                        "",
                    ));
                    continue;
                }
            }
            if let Sv::Computed(src, _) = &o.value {
                t.find(o.finding(
                    Kind::Untranslatable,
                    k,
                    format!("`{k}` is computed by setup.py (`{src}`)"),
                    "write what it evaluates to in `[tool.cartwheel]` (module, source)",
                ));
            } else if matches!(k, "cmdclass" | "ext_modules" | "distclass" | "libraries") {
                t.find(o.finding(
                    Kind::Untranslatable,
                    k,
                    format!(
                        "`{k}` customises the build with code; cartwheel builds pure-Python projects only"
                    ),
                    "generate its output before building, or keep setuptools",
                ));
            }
        }
    }
    let known = [
        "name",
        "version",
        "description",
        "long_description",
        "long_description_content_type",
        "python_requires",
        "license",
        "license_files",
        "author",
        "author_email",
        "maintainer",
        "maintainer_email",
        "keywords",
        "classifiers",
        "url",
        "download_url",
        "project_urls",
        "install_requires",
        "extras_require",
        "entry_points",
        "platforms",
        "zip_safe",
        "setup_requires",
        "tests_require",
        "test_suite",
        "include_package_data",
        "use_scm_version",
        "obsoletes",
        "provides",
        "scripts",
        "script_files",
        "data_files",
        "license_expression",
    ];
    for (k, o) in opts {
        if known.contains(&k.as_str()) || LAYOUT_OPTIONS.contains(&k.as_str()) {
            if let (Sv::Computed(src, _), true) = (
                &o.value,
                matches!(
                    k.as_str(),
                    "description"
                        | "install_requires"
                        | "extras_require"
                        | "entry_points"
                        | "classifiers"
                        | "keywords"
                        | "python_requires"
                        | "author"
                        | "author_email"
                        | "url"
                        | "license"
                        | "name"
                ),
            ) {
                t.find(o.finding(
                    Kind::Untranslatable,
                    k,
                    format!("`{k}` is computed by setup.py (`{src}`)"),
                    "write its value into `[project]` by hand",
                ));
            }
            continue;
        }
        t.find(o.finding(
            Kind::Untranslatable,
            k,
            "a setup option with no cartwheel equivalent".to_string(),
            "remove it, or keep setuptools for what it does",
        ));
    }
}

fn file_or_list(o: &Opt, tree: &dyn Tree, t: &mut Target, key: &str) -> Vec<String> {
    match &o.value {
        Sv::Str(s) if s.trim_start().starts_with("file:") => {
            let mut out = Vec::new();
            for f in ini::list_comma(s.trim_start().trim_start_matches("file:")) {
                match tree.read(&f) {
                    Some(text) => out.extend(
                        text.lines()
                            .map(|l| l.split(" #").next().unwrap_or_default().trim())
                            .filter(|l| !l.is_empty() && !l.starts_with('#'))
                            .map(String::from),
                    ),
                    None => t.find(o.finding(
                        Kind::Untranslatable,
                        key,
                        format!("`file: {f}` does not exist"),
                        "write the list by hand",
                    )),
                }
            }
            if out.iter().any(|l| l.starts_with('-')) {
                t.find(o.finding(
                    Kind::Untranslatable,
                    key,
                    "the file has pip options (`-r`, `-e`, ...)",
                    "write the requirements by hand",
                ));
                out.retain(|l| !l.starts_with('-'));
            }
            out
        }
        Sv::Str(s) if key == "classifiers" => {
            s.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
        }
        other => other.list(),
    }
}

fn license(t: &mut Target, l: &str, o: &Opt) {
    if l.is_empty() || l == "UNKNOWN" {
        return;
    }
    if let Some((kind, message, fix)) = crate::poetry::license_to(t, l) {
        t.find(at(kind, o.file, o.line, o.col, "license", message, fix));
    }
}

fn version(opts: &Opts, tree: &dyn Tree, t: &mut Target, scm: bool, py: Option<&TomlSrc>) {
    if scm {
        t.version("source", "git");
        t.dynamic = Some(vec!["version".into()]);
        if let Some(p) = py {
            if let Some(TableRef::Table(scm_t)) = p.table(&["tool", "setuptools_scm"]) {
                t.unused("pyproject.toml", "[tool.setuptools_scm]", &["tool", "setuptools_scm"]);
                for k in ["write_to", "version_file"] {
                    if let Some(item) = scm_t.get(k) {
                        t.find(p.finding(Kind::Untranslatable, Some(item), &format!("tool.setuptools_scm.{k}"), "setuptools-scm writes the version into a file at build time; cartwheel does not generate files", "read the version at run time with `importlib.metadata.version(\"<dist>\")` instead of importing the generated file"));
                    }
                }
                if let Some(fb) = scm_t.get("fallback_version").and_then(|i| i.as_str()) {
                    t.version("fallback", crate::modern::fallback_version(fb));
                }
            }
        }
        return;
    }
    let Some(o) = get(opts, "version") else { return };
    match &o.value {
        Sv::Str(s) if s.trim_start().starts_with("attr:") => {
            let attr = s.trim_start().trim_start_matches("attr:").trim();
            let (module, name) = attr.rsplit_once('.').unwrap_or(("", attr));
            let pkg_dir = package_dir(opts);
            let base = crate::src::dir_prefix(&pkg_dir);
            let rel = module.replace('.', "/");
            let candidates = [format!("{base}{rel}/__init__.py"), format!("{base}{rel}.py")];
            // The first candidate that exists, read once: its literal, or (setuptools imports
            // the package when the value is not a literal) the sibling module most such
            // packages re-export it from.
            let found = candidates.iter().find_map(|c| tree.read(c).map(|text| (c, text))).and_then(
                |(file, text)| match file.strip_suffix("/__init__.py") {
                    _ if literal_assign(&text, name) => Some(file.clone()),
                    Some(dir) => reexported(tree, &text, dir, name),
                    None => None,
                },
            );
            match found.as_ref() {
                Some(file) => {
                    t.dynamic = Some(vec!["version".into()]);
                    if file.ends_with("/__init__.py") && !module.contains('.') && name == "__version__" {
                        // The default for a dynamic version: the module's `__version__`.
                    } else {
                        t.version("source", "file");
                        t.version("path", file.as_str());
                        if name != "__version__" && name != "VERSION" {
                            t.version(
                                "pattern",
                                format!(r#"(?m)^{name}\s*(?::[^=]*)?=\s*['"](?P<version>[^'"]+)['"]"#),
                            );
                        }
                    }
                }
                _ => t.find(o.finding(
                    Kind::Untranslatable,
                    "version",
                    format!(
                        "`attr: {attr}` is not a string literal assigned at the top level of {}",
                        candidates.join(" or ")
                    ),
                    "assign the version as a string literal there, or write `project.version`",
                )),
            }
        }
        Sv::Str(s) if s.trim_start().starts_with("file:") => {
            let f = s.trim_start().trim_start_matches("file:").trim();
            t.dynamic = Some(vec!["version".into()]);
            t.version("source", "file");
            t.version("path", f);
        }
        Sv::Str(s) => t.set_str("version", s.trim()),
        Sv::Computed(src, _) => {
            // The common pattern: setup.py reads `__version__` out of the package.
            let name = crate::src::default_module(
                &get(opts, "name").and_then(|o| o.value.text()).unwrap_or_default(),
            );
            let pkg_dir = package_dir(opts);
            let base = crate::src::dir_prefix(&pkg_dir);
            // The package's `__init__.py` (or module) that exists, read once.
            let init = [format!("{base}{name}/__init__.py"), format!("{base}{name}.py")]
                .into_iter()
                .find_map(|f| tree.read(&f).map(|text| (f, text)))
                .filter(|(_, text)| literal_assign(text, "__version__"));
            let version_py = format!("{base}{name}/__version__.py");
            let version_py2 = format!("{base}{name}/_version.py");
            if let Some((init, _)) = init {
                t.dynamic = Some(vec!["version".into()]);
                t.find(o.finding(Kind::Warning, "version", format!("setup.py computes the version (`{src}`); cartwheel reads `__version__` from {init}: the verification shows whether they agree"), ""));
            } else if let Some(f) = [version_py, version_py2]
                .into_iter()
                .find(|f| tree.read(f).is_some_and(|s| literal_assign(&s, "__version__")))
            {
                t.dynamic = Some(vec!["version".into()]);
                t.version("source", "file");
                t.version("path", f.as_str());
                t.find(o.finding(Kind::Warning, "version", format!("setup.py computes the version (`{src}`); cartwheel reads `__version__` from {f}: the verification shows whether they agree"), ""));
            } else {
                t.find(o.finding(Kind::Untranslatable, "version", format!("the version is computed by setup.py (`{src}`)"), "write `project.version`, or assign `__version__` as a string literal in the package's __init__.py"));
            }
        }
        _ => {}
    }
}

/// The sibling module of package folder `dir` that `__init__.py` (`text`) imports `name`
/// from (`from .meta import __version__`), when it assigns `name` a string literal.
pub(crate) fn reexported(tree: &dyn Tree, text: &str, dir: &str, name: &str) -> Option<String> {
    let re = regex::Regex::new(r"(?m)^from\s+\.(\w+)\s+import\s+(\([^)]*\)|[^\n]*)").expect("valid regex");
    let word = regex::Regex::new(&format!(r"\b{}\b", regex::escape(name))).ok()?;
    let found = re
        .captures_iter(text)
        .filter(|c| word.is_match(&c[2]))
        .flat_map(|c| [format!("{dir}/{}.py", &c[1]), format!("{dir}/{}/__init__.py", &c[1])])
        .find(|f| tree.read(f).is_some_and(|s| literal_assign(&s, name)));
    found
}

/// Whether `name = "..."` is assigned a string literal at the top level of `text`: for
/// `__version__` and `VERSION`, exactly as cartwheel's build reads them (core's reader skips
/// docstrings and brackets); another name gets an explicit `pattern` anyway.
pub(crate) fn literal_assign(text: &str, name: &str) -> bool {
    if matches!(name, "__version__" | "VERSION") {
        return cartwheel_core::version::stamp::find_literal(text, name).is_some();
    }
    let re = regex::Regex::new(&format!(
        r#"(?m)^{}\s*(?::[^=]*)?=\s*(['"])[^'"]+(['"])\s*(#.*)?$"#,
        regex::escape(name)
    ))
    .expect("valid regex");
    re.is_match(text)
}

fn package_dir(opts: &Opts) -> String {
    match get(opts, "package_dir").map(|o| &o.value) {
        Some(Sv::Str(s)) => {
            let pairs = ini::dict(s);
            pairs.iter().find(|(k, _)| k.is_empty()).map(|(_, v)| v.clone()).unwrap_or_else(|| {
                if s.trim().starts_with('=') {
                    s.trim().trim_start_matches('=').trim().to_string()
                } else {
                    String::new()
                }
            })
        }
        Some(Sv::Dict(d)) => {
            d.iter().find(|(k, _)| k.is_empty()).and_then(|(_, v)| v.text()).unwrap_or_default()
        }
        _ => String::new(),
    }
}

fn readme(opts: &Opts, tree: &dyn Tree, t: &mut Target) {
    let Some(o) = get(opts, "long_description") else { return };
    let content_type = get(opts, "long_description_content_type").and_then(|o| o.value.text());
    let file = match &o.value {
        Sv::Str(s) if s.trim_start().starts_with("file:") => {
            let files = ini::list_comma(s.trim_start().trim_start_matches("file:"));
            if files.len() > 1 {
                t.find(o.finding(
                    Kind::Untranslatable,
                    "long_description",
                    format!("the description joins several files ({})", files.join(", ")),
                    "join them into one file and name it in `project.readme`",
                ));
            }
            files.first().cloned()
        }
        Sv::Computed(src, strings) => {
            let f = strings
                .iter()
                .find(|s| s.to_lowercase().starts_with("readme") && tree.read(s).is_some())
                .cloned();
            let others: Vec<&String> =
                strings.iter().filter(|s| Some(*s) != f.as_ref() && tree.read(s).is_some()).collect();
            match &f {
                Some(f) if others.is_empty() => t.find(o.finding(
                    Kind::Warning,
                    "long_description",
                    format!("setup.py reads the description with code (`{src}`); taken as the file {f}"),
                    "",
                )),
                _ => t.find(o.finding(
                    Kind::Untranslatable,
                    "long_description",
                    format!("the description is computed by setup.py (`{src}`)"),
                    "put it in one file and name it in `project.readme`",
                )),
            }
            f
        }
        Sv::Str(_) => {
            t.find(o.finding(
                Kind::Untranslatable,
                "long_description",
                "the description is inline text",
                "move it into README.md (or .rst) and name it in `project.readme`",
            ));
            None
        }
        _ => None,
    };
    let Some(file) = file else { return };
    let by_ext = if file.ends_with(".md") {
        Some("text/markdown")
    } else if file.ends_with(".rst") {
        Some("text/x-rst")
    } else {
        None
    };
    match (content_type.as_deref().map(|c| c.split(';').next().unwrap_or_default().trim()), by_ext) {
        (Some(ct), Some(e)) if ct == e => t.set_str("readme", &file),
        (None, Some(_)) => t.set_str("readme", &file),
        (Some(ct), _) => {
            let mut tb = InlineTable::new();
            tb.insert("file", file.as_str().into());
            tb.insert("content-type", ct.into());
            t.set("readme", Item::Value(Value::InlineTable(tb)));
        }
        (None, None) => {
            let mut tb = InlineTable::new();
            tb.insert("file", file.as_str().into());
            tb.insert("content-type", "text/plain".into());
            t.set("readme", Item::Value(Value::InlineTable(tb)));
        }
    }
}

fn entry_points(opts: &Opts, tree: &dyn Tree, t: &mut Target) {
    let Some(o) = get(opts, "entry_points") else { return };
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let parse_lines = |s: &str| -> Vec<(String, String)> {
        s.lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect()
    };
    match &o.value {
        Sv::Dict(d) => {
            for (g, v) in d {
                let members = match v {
                    Sv::Str(s) => parse_lines(s),
                    Sv::List(l) => parse_lines(&l.join("\n")),
                    _ => Vec::new(),
                };
                groups.push((g.clone(), members));
            }
        }
        Sv::Str(s) => {
            // Inline INI text, or `file:` naming a file that holds it.
            let (text, what) = match s.trim_start().strip_prefix("file:") {
                Some(f) => (tree.read(f.trim()), format!("`file: {}`", f.trim())),
                None => (Some(s.clone()), "the entry points text".to_string()),
            };
            match text.as_deref().map(ini::parse) {
                Some(Ok(sections)) => groups.extend(
                    sections
                        .into_iter()
                        .map(|sec| (sec.name, sec.entries.into_iter().map(|e| (e.key, e.value)).collect())),
                ),
                Some(Err(e)) => t.find(o.finding(
                    Kind::Untranslatable,
                    "entry_points",
                    format!("{what} is not INI text (line {}: {})", e.line, e.message),
                    "write the entry points into `[project.entry-points]`",
                )),
                None => t.find(o.finding(
                    Kind::Untranslatable,
                    "entry_points",
                    format!("{what} cannot be read"),
                    "write the entry points into `[project.entry-points]`",
                )),
            }
        }
        _ => {}
    }
    let mut others = InlineTable::new();
    for (g, members) in groups {
        match g.as_str() {
            "console_scripts" => t.set("scripts", Item::Value(Value::InlineTable(inline(&members)))),
            "gui_scripts" => t.set("gui-scripts", Item::Value(Value::InlineTable(inline(&members)))),
            _ => {
                others.insert(&g, Value::InlineTable(inline(&members)));
            }
        }
    }
    if !others.is_empty() {
        t.set("entry-points", Item::Value(Value::InlineTable(others)));
    }
}

/// fnmatch on dotted package names, as setuptools' find does.
fn fnmatch(pattern: &str, name: &str) -> bool {
    let re = format!("^{}$", regex::escape(pattern).replace(r"\*", ".*").replace(r"\?", "."));
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(name))
}

fn packages(opts: &Opts, tree: &dyn Tree, t: &mut Target, name: &str, include_data: bool) {
    let mut source = package_dir(opts);
    let mut modules: Vec<String> = Vec::new();
    if let Some(o) = get(opts, "packages") {
        match &o.value {
            Sv::Find { where_, include, exclude } => {
                let where_ = where_.trim_end_matches('/').to_string();
                if source.is_empty() {
                    source = where_.clone();
                }
                let base = crate::src::dir_prefix(&where_);
                for entry in
                    tree.list(&where_.replace('.', "").is_empty().then(String::new).unwrap_or(where_.clone()))
                {
                    let dir = format!("{base}{entry}");
                    if !tree.is_dir(&dir) || tree.read(&format!("{dir}/__init__.py")).is_none() {
                        continue;
                    }
                    if !include.is_empty() && !include.iter().any(|p| fnmatch(p, &entry)) {
                        continue;
                    }
                    if exclude.iter().any(|p| fnmatch(p, &entry)) {
                        continue;
                    }
                    modules.push(entry.clone());
                    // An excluded sub-package of a shipped one stays out of the wheel.
                    for p in exclude {
                        if let Some(rest) = p.strip_prefix(&format!("{entry}.")) {
                            let rest = rest.trim_end_matches(".*");
                            if !rest.contains('*')
                                && tree.is_dir(&format!("{dir}/{}", rest.replace('.', "/")))
                            {
                                t.add_globs(
                                    "wheel-exclude",
                                    &[format!("/{dir}/{}/", rest.replace('.', "/"))],
                                );
                            }
                        }
                    }
                }
            }
            Sv::List(l) => modules.extend(l.iter().filter(|p| !p.contains('.')).cloned()),
            Sv::Str(s) => modules.extend(ini::list_comma(s).into_iter().filter(|p| !p.contains('.'))),
            _ => {}
        }
    }
    if let Some(o) = get(opts, "py_modules") {
        modules.extend(o.value.list_comma());
    }
    if let Some(Sv::Str(s)) = get(opts, "package_dir").map(|o| &o.value) {
        for (k, v) in ini::dict(s) {
            if !k.is_empty() && v != k {
                let o = get(opts, "package_dir").expect("read above");
                t.find(o.finding(Kind::Untranslatable, "package_dir", format!("package `{k}` lives in `{v}`: cartwheel takes packages from one source folder under their own names"), "move the package to `<source>/<name>` or name the folder after the package"));
            }
        }
    }
    if let Some(o) = get(opts, "exclude_package_data") {
        if let Sv::Dict(d) = &o.value {
            for (pkg, pats) in d {
                let pats = pats.list_comma();
                let base = crate::src::dir_prefix(&source);
                let prefix = if pkg.is_empty() || pkg == "*" {
                    String::new()
                } else {
                    format!("/{base}{}/", pkg.replace('.', "/"))
                };
                t.add_globs(
                    "wheel-exclude",
                    &pats.iter().map(|p| format!("{prefix}{p}")).collect::<Vec<_>>(),
                );
            }
        }
    }
    if modules.is_empty() {
        return;
    }
    if !include_data {
        package_data_only(opts, tree, t, &modules, &source);
    }
    crate::poetry::set_modules(tree, t, name, &modules, &source);
}

/// A setup.cfg boolean as setuptools reads it.
fn truthy(v: &str) -> bool {
    matches!(v.trim().to_lowercase().as_str(), "true" | "1" | "yes" | "on")
}

/// Without `include_package_data`, setuptools' wheel holds a package's modules and only the
/// data files that `package_data` names; cartwheel ships every file of a package, so the
/// others become `wheel-exclude` entries.
fn package_data_only(opts: &Opts, tree: &dyn Tree, t: &mut Target, modules: &[String], source: &str) {
    let base = crate::src::dir_prefix(source);
    let mut patterns: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(Sv::Dict(d)) = get(opts, "package_data").map(|o| &o.value) {
        for (pkg, pats) in d {
            let pats = pats.list_comma();
            patterns.push((pkg.clone(), pats));
        }
    }
    // Relative to the package `pkg` (dotted), does a `package_data` pattern take `rel`?
    let wanted = |pkg: &str, rel: &str| {
        patterns.iter().filter(|(p, _)| p.is_empty() || p == "*" || p == pkg).any(|(_, pats)| {
            pats.iter().any(|pat| {
                let re = format!(
                    "^{}$",
                    regex::escape(pat)
                        .replace(r"\*\*", "\u{0}")
                        .replace(r"\*", "[^/]*")
                        .replace(r"\?", "[^/]")
                        .replace('\u{0}', ".*")
                );
                regex::Regex::new(&re).is_ok_and(|r| r.is_match(rel))
            })
        })
    };
    let mut excluded = Vec::new();
    let mut stack: Vec<String> =
        modules.iter().map(|m| format!("{base}{}", m.replace('.', "/"))).filter(|d| tree.is_dir(d)).collect();
    while let Some(dir) = stack.pop() {
        for entry in tree.list(&dir) {
            let path = format!("{dir}/{entry}");
            if entry == "__pycache__" || entry.ends_with(".pyc") {
                continue;
            }
            if tree.is_dir(&path) {
                stack.push(path);
                continue;
            }
            let is_package = |d: &str| tree.read(&format!("{d}/__init__.py")).is_some();
            if entry.ends_with(".py") && is_package(&dir) {
                continue;
            }
            // Every package above the file may name it, by a path relative to itself.
            let rel_all = path.strip_prefix(&base).unwrap_or(&path);
            let parts: Vec<&str> = rel_all.split('/').collect();
            let taken = (1..parts.len()).any(|n| {
                let pkg_dir = format!("{base}{}", parts[..n].join("/"));
                is_package(&pkg_dir) && wanted(&parts[..n].join("."), &parts[n..].join("/"))
            });
            if !taken {
                excluded.push(format!("/{path}"));
            }
        }
    }
    excluded.sort();
    t.add_globs("wheel-exclude", &excluded);
}

/// MANIFEST.in as sdist globs (gitignore syntax: a leading `/` anchors at the root).
fn manifest(text: &str, t: &mut Target) {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        let mut words = line.split_whitespace();
        let Some(cmd) = words.next() else { continue };
        let args: Vec<&str> = words.collect();
        match cmd {
            "include" => include.extend(args.iter().map(|a| format!("/{a}"))),
            "exclude" => exclude.extend(args.iter().map(|a| format!("/{a}"))),
            "recursive-include" | "recursive-exclude" => {
                let Some((dir, pats)) = args.split_first() else { continue };
                let dir = dir.trim_end_matches('/');
                let globs = pats.iter().map(|p| {
                    if dir == "." || dir.is_empty() {
                        p.to_string()
                    } else {
                        format!("/{dir}/**/{p}")
                    }
                });
                if cmd == "recursive-include" {
                    include.extend(globs);
                } else {
                    exclude.extend(globs);
                }
            }
            "global-include" => include.extend(args.iter().map(|a| a.to_string())),
            "global-exclude" => exclude.extend(args.iter().map(|a| a.to_string())),
            "graft" => include.extend(args.iter().map(|a| format!("/{}/", a.trim_end_matches('/')))),
            "prune" => exclude.extend(args.iter().map(|a| format!("/{}/", a.trim_end_matches('/')))),
            other => t.find(at(
                Kind::Untranslatable,
                "MANIFEST.in",
                i + 1,
                1,
                other,
                "not a MANIFEST.in command".to_string(),
                "write `tool.cartwheel.sdist-include` / `sdist-exclude` globs by hand",
            )),
        }
    }
    // Files the sdist would hold anyway need no include; only what git ignores does.
    t.add_globs("sdist-include", &include);
    t.add_globs("sdist-exclude", &exclude);
}
