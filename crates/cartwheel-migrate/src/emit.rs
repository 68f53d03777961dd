//! Writing the translation into pyproject.toml without disturbing what is already there.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use crate::{Error, Finding, Kind, Options, Outcome, Unused};

/// The translation of one project, before it is written.
#[derive(Debug, Default)]
pub struct Target {
    /// `[project]` keys in PEP 621 order; written only where `[project]` lacks them.
    pub project: Vec<(String, Item)>,
    /// The new `project.dynamic` (`Some(empty)` removes it).
    pub dynamic: Option<Vec<String>>,
    /// `[tool.cartwheel]` keys.
    pub tool: Vec<(String, Item)>,
    /// `[tool.cartwheel.version]` keys.
    pub version: Vec<(String, Item)>,
    /// PEP 735 `[dependency-groups]`.
    pub groups: Vec<(String, Vec<String>)>,
    /// Findings so far.
    pub findings: Vec<Finding>,
    /// Old configuration no longer used, and where it lives in pyproject.toml (a dotted path
    /// to remove with `remove_old`; empty for other files).
    pub unused: Vec<(Unused, Vec<String>)>,
    /// Files to delete with `remove_old`.
    pub delete: Vec<String>,
    /// setup.cfg's text without the sections cartwheel replaces (`remove_old`).
    pub setup_cfg: Option<String>,
    /// Undefined `[project]` keys holding a URL: (key, `[project.urls]` label, URL).
    pub url_repairs: Vec<(String, String, String)>,
}

impl Target {
    /// Set a `[project]` string.
    pub fn set_str(&mut self, key: &str, value: &str) {
        self.set(key, Item::Value(value.into()));
    }

    /// Set a `[project]` item.
    pub fn set(&mut self, key: &str, item: Item) {
        if let Some(slot) = self.project.iter_mut().find(|(k, _)| k == key) {
            slot.1 = item;
        } else {
            self.project.push((key.into(), item));
        }
    }

    /// Whether `[project]` gets `key`.
    pub fn has(&self, key: &str) -> bool {
        self.project.iter().any(|(k, _)| k == key)
    }

    /// Set a `[project]` list of strings.
    pub fn set_list(&mut self, key: &str, values: &[String]) {
        self.set(key, Item::Value(Value::Array(array(values))));
    }

    /// Set a `[tool.cartwheel]` key.
    pub fn tool(&mut self, key: &str, item: impl Into<Item>) {
        self.tool.retain(|(k, _)| k != key);
        self.tool.push((key.into(), item.into()));
    }

    /// Set a `[tool.cartwheel.version]` key.
    pub fn version(&mut self, key: &str, item: impl Into<Item>) {
        self.version.retain(|(k, _)| k != key);
        self.version.push((key.into(), item.into()));
    }

    /// Add to a `[tool.cartwheel]` glob list.
    pub fn add_globs(&mut self, key: &str, globs: &[String]) {
        if globs.is_empty() {
            return;
        }
        let mut all: Vec<String> = match self.tool.iter().find(|(k, _)| k == key) {
            Some((_, item)) => crate::src::strings(item).unwrap_or_default(),
            None => Vec::new(),
        };
        for g in globs {
            if !all.contains(g) {
                all.push(g.clone());
            }
        }
        self.tool(key, Item::Value(Value::Array(array(&all))));
    }

    /// Add a `data` entry (source → destination).
    pub fn add_data(&mut self, from: &str, to: &str) {
        let mut table = match self.tool.iter().find(|(k, _)| k == "data") {
            Some((_, Item::Value(Value::InlineTable(t)))) => t.clone(),
            _ => InlineTable::new(),
        };
        table.insert(from, to.into());
        self.tool("data", Item::Value(Value::InlineTable(table)));
    }

    /// Record a finding.
    pub fn find(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Record old configuration that is no longer read; `path` is where it is in pyproject.toml.
    pub fn unused(&mut self, file: &str, what: &str, path: &[&str]) {
        let u = Unused { file: file.into(), what: what.into() };
        if !self.unused.iter().any(|(x, _)| *x == u) {
            self.unused.push((u, path.iter().map(|s| s.to_string()).collect()));
        }
    }

    /// Write into `doc`, the old pyproject.toml (`old`, its text) as read, or a new one.
    pub fn apply(
        mut self,
        mut doc: DocumentMut,
        old: &str,
        backend: crate::Backend,
        options: &Options,
    ) -> Result<Outcome, Error> {
        build_system(&mut doc, options);
        let project = doc.entry("project").or_insert_with(|| Item::Table(Table::new()));
        let Some(project) = project.as_table_like_mut() else {
            return Err(Error::NoProject("pyproject.toml: `project` is not a table".into()));
        };
        let old_dynamic: Option<Vec<String>> = project.get("dynamic").and_then(crate::src::strings);
        let mut inserted = Vec::new();
        for (key, item) in self.project.drain(..) {
            if project.contains_key(&key) {
                continue;
            }
            let item = match item {
                // Sub-tables read better as `[project.urls]` than inline.
                Item::Value(Value::InlineTable(t)) if is_sub_table(&key) => Item::Table(t.into_table()),
                other => other,
            };
            project.insert(&key, item);
            inserted.push(key);
        }
        for (key, label, url) in &self.url_repairs {
            project.remove(key);
            let urls = project.entry("urls").or_insert_with(|| Item::Table(Table::new()));
            if let Some(urls) = urls.as_table_like_mut() {
                if !urls.contains_key(label) {
                    urls.insert(label, Item::Value(url.as_str().into()));
                }
            }
        }
        // `dynamic`: what is now written statically leaves it; a version read from a file,
        // the module or git joins it.
        let dynamic_version = self.dynamic.as_ref().is_some_and(|d| d.iter().any(|x| x == "version"))
            || self.version.iter().any(|(k, v)| k == "source" && v.as_str() != Some("pyproject"));
        let mut dynamic: Vec<String> = old_dynamic.clone().unwrap_or_default();
        dynamic.retain(|k| !inserted.contains(k));
        if let Some(wanted) = &self.dynamic {
            dynamic.retain(|k| k == "version" || wanted.contains(k) || !inserted.contains(k));
        }
        if dynamic_version {
            if !dynamic.iter().any(|k| k == "version") {
                dynamic.insert(0, "version".into());
            }
            project.remove("version");
        }
        if old_dynamic.as_ref() != Some(&dynamic) && !(old_dynamic.is_none() && dynamic.is_empty()) {
            if dynamic.is_empty() {
                project.remove("dynamic");
            } else {
                match project.get_mut("dynamic") {
                    Some(Item::Value(v)) => {
                        let decor = v.decor().clone();
                        *v = Value::Array(array(&dynamic));
                        *v.decor_mut() = decor;
                    }
                    _ => {
                        project.insert("dynamic", Item::Value(Value::Array(array(&dynamic))));
                    }
                }
            }
        }
        if !self.groups.is_empty() && doc.get("dependency-groups").is_none() {
            let mut t = Table::new();
            for (name, reqs) in &self.groups {
                t.insert(name, Item::Value(Value::Array(array(reqs))));
            }
            doc.insert("dependency-groups", Item::Table(t));
        }
        if !self.tool.is_empty() || !self.version.is_empty() {
            let tool = doc.entry("tool").or_insert_with(|| {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            });
            if let Some(tool) = tool.as_table_like_mut() {
                let mut fresh = Table::new();
                // Only `[tool.cartwheel.version]`: no empty `[tool.cartwheel]` header above it.
                fresh.set_implicit(self.tool.is_empty());
                let cw = tool.entry("cartwheel").or_insert(Item::Table(fresh));
                if let Some(cw) = cw.as_table_like_mut() {
                    for (k, v) in self.tool.drain(..) {
                        cw.insert(&k, v);
                    }
                    if !self.version.is_empty() {
                        let mut vt = Table::new();
                        for (k, v) in self.version.drain(..) {
                            vt.insert(&k, v);
                        }
                        cw.insert("version", Item::Table(vt));
                    }
                }
            }
        }
        if options.remove_old {
            for (_, path) in &self.unused {
                if !path.is_empty() {
                    remove_path(&mut doc, path);
                }
            }
        }
        place_new_tables(&mut doc);
        let mut findings = self.findings;
        findings.sort_by_key(|f| f.kind);
        let (setup_cfg, delete) =
            if options.remove_old { (self.setup_cfg, self.delete) } else { (None, Vec::new()) };
        Ok(Outcome {
            backend,
            old_pyproject: old.to_string(),
            pyproject: doc.to_string(),
            findings,
            unused: self.unused.into_iter().map(|(u, _)| u).collect(),
            setup_cfg,
            delete,
        })
    }
}

/// New tables go after every existing one, `[project]` first, then `[dependency-groups]`, then
/// `[tool.cartwheel]` (toml_edit would otherwise put `[tool.cartwheel]` after the last `[tool.*]`
/// table, which may come before `[project]`).
fn place_new_tables(doc: &mut DocumentMut) {
    fn max_pos(t: &Table, max: &mut isize) {
        if let Some(p) = t.position() {
            *max = (*max).max(p);
        }
        for (_, item) in t.iter() {
            if let Item::Table(sub) = item {
                max_pos(sub, max);
            }
        }
    }
    fn assign(t: &mut Table, next: &mut isize) {
        if t.position().is_none() {
            *next += 1;
            t.set_position(*next);
        }
        for (_, item) in t.iter_mut() {
            if let Item::Table(sub) = item {
                assign(sub, next);
            }
        }
    }
    let mut next = 0;
    max_pos(doc.as_table(), &mut next);
    for key in ["build-system", "project", "dependency-groups", "tool"] {
        if let Some(Item::Table(t)) = doc.get_mut(key) {
            assign(t, &mut next);
        }
    }
}

/// `[project]` keys written as `[project.<key>]` tables.
fn is_sub_table(key: &str) -> bool {
    matches!(key, "urls" | "scripts" | "gui-scripts" | "entry-points" | "optional-dependencies")
}

fn build_system(doc: &mut DocumentMut, options: &Options) {
    let bs = doc.entry("build-system").or_insert_with(|| Item::Table(Table::new()));
    if let Some(bs) = bs.as_table_like_mut() {
        let mut requires = Array::new();
        requires.push(options.requirement.as_str());
        // Keep the written decoration of the old values (comments after them stay).
        match bs.get_mut("requires") {
            Some(Item::Value(v)) => {
                let decor = v.decor().clone();
                *v = Value::Array(requires);
                *v.decor_mut() = decor;
            }
            _ => {
                bs.insert("requires", Item::Value(Value::Array(requires)));
            }
        }
        match bs.get_mut("build-backend") {
            Some(Item::Value(v)) => {
                let decor = v.decor().clone();
                *v = Value::from("cartwheel");
                *v.decor_mut() = decor;
            }
            _ => {
                bs.insert("build-backend", Item::Value("cartwheel".into()));
            }
        }
        // An in-tree backend path belonged to the old backend.
        bs.remove("backend-path");
    }
}

fn remove_path(doc: &mut DocumentMut, path: &[String]) {
    let Some((last, parents)) = path.split_last() else { return };
    let first = first_table(doc);
    let mut table: &mut dyn toml_edit::TableLike = doc.as_table_mut();
    for p in parents {
        match table.get_mut(p).and_then(Item::as_table_like_mut) {
            Some(t) => table = t,
            None => return,
        }
    }
    let Some(Item::Table(removed)) = table.remove(last) else { return };
    // What stands above the file's first table is the file's opening (`# The acme project.`),
    // not that table's: it stays, above the table that now comes first.
    if first.is_some_and(|(_, p)| p == path) {
        let opening = removed.decor().prefix().and_then(|p| p.as_str()).unwrap_or_default().to_string();
        if let Some((_, next)) = first_table(doc) {
            if let Some(t) = table_at(doc, &next) {
                let rest = t.decor().prefix().and_then(|p| p.as_str()).unwrap_or_default();
                let rest =
                    if opening.trim().is_empty() { rest.trim_start_matches(['\n', '\r']) } else { rest };
                let prefix = format!("{}{rest}", opening.trim_start_matches(['\n', '\r']));
                t.decor_mut().set_prefix(prefix);
            }
        }
    }
}

/// The position and key path of the document's first written table header.
fn first_table(doc: &DocumentMut) -> Option<(isize, Vec<String>)> {
    fn visit(t: &Table, path: &mut Vec<String>, best: &mut Option<(isize, Vec<String>)>) {
        for (k, item) in t.iter() {
            let Item::Table(sub) = item else { continue };
            path.push(k.to_string());
            if let Some(p) = sub.position().filter(|_| !sub.is_implicit()) {
                if best.as_ref().is_none_or(|(b, _)| p < *b) {
                    *best = Some((p, path.clone()));
                }
            }
            visit(sub, path, best);
            path.pop();
        }
    }
    let mut best = None;
    visit(doc.as_table(), &mut Vec::new(), &mut best);
    best
}

/// The table at `path`, if every step is a table.
fn table_at<'d>(doc: &'d mut DocumentMut, path: &[String]) -> Option<&'d mut Table> {
    let mut t = doc.as_table_mut();
    for k in path {
        t = t.get_mut(k)?.as_table_mut()?;
    }
    Some(t)
}

/// A TOML array of strings, one per line when there are several.
pub fn array(values: &[String]) -> Array {
    let mut a = Array::new();
    for v in values {
        a.push(v.as_str());
    }
    if values.len() > 1 {
        for v in a.iter_mut() {
            v.decor_mut().set_prefix("\n    ");
        }
        a.set_trailing_comma(true);
        a.set_trailing("\n");
    }
    a
}

/// An inline table of strings.
pub fn inline(pairs: &[(String, String)]) -> InlineTable {
    let mut t = InlineTable::new();
    for (k, v) in pairs {
        t.insert(k, v.as_str().into());
    }
    t
}

/// The requirements that are not valid PEP 508, each as a finding at the option that gave it.
pub fn bad_requirements(reqs: &[String], file: &str, line: usize, col: usize, key: &str) -> Vec<Finding> {
    reqs.iter()
        .filter_map(|r| {
            // Core's parser, with its gate against the text pep508_rs 0.9 panics on; its
            // message's first line (the rest draws a caret under the input).
            let why = cartwheel_core::names::parse_requirement(r).err()?;
            let why = why.lines().next().unwrap_or_default();
            Some(at(
                Kind::Untranslatable,
                file,
                line,
                col,
                key,
                format!("`{r}` is not a PEP 508 requirement: {why}"),
                "write it as a PEP 508 requirement (`name>=1.0; python_version < \"3.11\"`)",
            ))
        })
        .collect()
}

/// An untranslatable finding outside TOML (setup.cfg, setup.py, MANIFEST.in).
pub fn at(
    kind: Kind,
    file: &str,
    line: usize,
    col: usize,
    key: &str,
    message: impl Into<String>,
    fix: impl Into<String>,
) -> Finding {
    Finding { kind, file: file.into(), line, col, key: key.into(), message: message.into(), fix: fix.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_pep508_rs_would_panic_on_are_findings() {
        // Fuzz finding (migrate target): pep508_rs 0.9 panicked on `importlib-\x01>= 1` in
        // setup.cfg's install_requires.
        let deep = format!("foo; {}", "(".repeat(65));
        let reqs = [
            "importlib-\u{1}>= 1",
            "foo-==1",
            "foo[c.]>=1",
            "foo; os_name == \"é\"",
            &deep,
            "foo[a,b]>=1; extra == \"x\"",
        ];
        let reqs: Vec<String> = reqs.iter().map(|r| r.to_string()).collect();
        let found: Vec<String> = bad_requirements(&reqs, "setup.cfg", 3, 1, "options.install_requires")
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            found,
            [
                "`importlib-\u{1}>= 1` is not a PEP 508 requirement: the name `importlib-` must end with a letter or digit",
                "`foo-==1` is not a PEP 508 requirement: the name `foo-` must end with a letter or digit",
                "`foo[c.]>=1` is not a PEP 508 requirement: the extra `c.` must end with a letter or digit",
                "`foo; os_name == \"é\"` is not a PEP 508 requirement: the marker holds `é`: PEP 508 markers are ASCII, quoted strings included",
                &format!("`{deep}` is not a PEP 508 requirement: parentheses nested 65 deep (at most 64)"),
            ]
        );
    }

    #[test]
    fn the_files_opening_outlives_its_first_table() {
        let removed = |text: &str, path: &[&str]| {
            let mut doc: DocumentMut = text.parse().unwrap();
            remove_path(&mut doc, &path.iter().map(|p| p.to_string()).collect::<Vec<_>>());
            doc.to_string()
        };
        // The opening comment moves to the table that now comes first.
        assert_eq!(
            removed("# Acme.\n[tool.poetry]\nname = \"a\"\n\n[tool.black]\nx = 1\n", &["tool", "poetry"]),
            "# Acme.\n\n[tool.black]\nx = 1\n"
        );
        // With no opening, the file does not start with a blank line.
        assert_eq!(removed("[tool.poetry]\nname = \"a\"\n\n[project]\n", &["tool", "poetry"]), "[project]\n");
        // A comment above a later table is that table's, and goes with it.
        assert_eq!(
            removed("[project]\n\n# Poetry's.\n[tool.poetry]\nname = \"a\"\n", &["tool", "poetry"]),
            "[project]\n"
        );
    }
}
