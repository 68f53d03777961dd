//! What docutils' `document` node keeps that the verdict depends on: the reporter (messages in
//! the order they are made), reference names with docutils' duplicate rules
//! (`document.set_duplicate_name`), references, footnotes, substitutions and section styles.

use std::collections::{HashMap, HashSet};

use super::{Level, RstProblem};

/// One element that carries a reference name (target, footnote, citation, section...).
#[derive(Debug, Default, Clone)]
pub struct Target {
    /// Normalised reference name.
    pub name: Option<String>,
    /// External URI.
    pub refuri: Option<String>,
    /// Indirect target: the name it points to.
    pub refname: Option<String>,
    /// Line docutils reports for it.
    pub line: Option<usize>,
    /// An anonymous target (`__ uri`, `.. __: uri`).
    pub anonymous: bool,
}

/// What kind of reference a name was used by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// `name_`, `` `a b`_ ``.
    Named,
    /// `[1]_`, `[#label]_`.
    Footnote,
    /// `[CIT]_`.
    Citation,
    /// An image's `:target: name_` (docutils knows no line for it).
    Image,
}

/// A top-level event for the transitions check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Top {
    /// A section title at this level (1-based).
    Section(usize),
    /// A transition at this line.
    Transition(usize),
    /// Any other body element.
    Body,
}

/// The document-wide state of one validation.
#[derive(Debug)]
pub struct Doc {
    /// Messages at warning level and above, in docutils' order.
    pub problems: Vec<RstProblem>,
    names: HashMap<String, Option<usize>>,
    nametypes: HashMap<String, bool>,
    /// Every named or anonymous target in document order.
    pub targets: Vec<Target>,
    /// References by name, in document order.
    pub refs: Vec<(RefKind, String, Option<usize>)>,
    /// Anonymous references.
    pub anon_refs: usize,
    /// Anonymous targets (indices into `targets`).
    pub anon_targets: Vec<usize>,
    /// Indirect targets (indices into `targets`) in the order docutils notes them.
    pub indirect: Vec<usize>,
    /// Unlabelled auto-numbered footnotes.
    pub auto_footnotes: usize,
    /// `[#]_` and `[#label]_` references (label, line).
    pub auto_footnote_refs: Vec<(Option<String>, Option<usize>)>,
    /// Every auto-numbered footnote in document order: true when unlabelled (`.. [#]`).
    pub auto_footnote_order: Vec<bool>,
    /// Labels of `.. [#label]` footnotes.
    pub auto_footnote_labels: Vec<String>,
    /// `[*]` footnotes.
    pub symbol_footnotes: usize,
    /// `[*]_` references.
    pub symbol_refs: Vec<Option<usize>>,
    /// Substitution definitions: exact names and fully normalised names.
    pub subst_defs: HashSet<String>,
    /// Lower-cased substitution names.
    pub subst_norm: HashSet<String>,
    /// Substitution references (whitespace-normalised name, line).
    pub subst_refs: Vec<(String, Option<usize>)>,
    /// Each substitution definition: its name, line, and its own references (a range of
    /// `subst_refs`), for the circular-definition check.
    pub subst_def_refs: Vec<(String, usize, std::ops::Range<usize>)>,
    /// What the substitution definition being parsed holds that docutils refuses there
    /// (`disallowed_inside_substitution_definitions`), the first one met.
    pub subst_illegal: Option<&'static str>,
    /// Section adornment styles in the order met (`title_styles`).
    pub title_styles: Vec<(char, Option<char>)>,
    /// Current section depth (0 = document).
    pub section_level: usize,
    /// Roles defined with the `role` directive → their base role.
    pub roles: HashMap<String, String>,
    /// The role of `` `text` `` without one.
    pub default_role: String,
    /// Top-level structure, for the transitions check.
    pub top: Vec<Top>,
    /// `class` directives without content still waiting for an element (their lines).
    pub pending_class: Vec<usize>,
    /// The top-level machine's current line: docutils' reporter uses it for messages that
    /// carry no line of their own.
    pub cur_line: std::rc::Rc<std::cell::Cell<usize>>,
    /// Input lines.
    pub n_lines: usize,
    /// The document's first field list, when it comes first: (name, line, body).
    pub docinfo: Vec<(String, usize, Vec<super::body::Node>)>,
    /// Elements made so far (the top-level machine turns new ones into `Top::Body`).
    pub elements: usize,
    /// Nested state machines running now (bounded: see `body::MAX_DEPTH`).
    pub depth: usize,
    /// The nesting limit was reported (once per document).
    pub too_deep: bool,
}

impl Default for Doc {
    fn default() -> Self {
        Doc {
            problems: Vec::new(),
            names: HashMap::new(),
            nametypes: HashMap::new(),
            targets: Vec::new(),
            refs: Vec::new(),
            anon_refs: 0,
            anon_targets: Vec::new(),
            indirect: Vec::new(),
            auto_footnotes: 0,
            auto_footnote_refs: Vec::new(),
            auto_footnote_labels: Vec::new(),
            auto_footnote_order: Vec::new(),
            symbol_footnotes: 0,
            symbol_refs: Vec::new(),
            subst_defs: HashSet::new(),
            subst_norm: HashSet::new(),
            subst_refs: Vec::new(),
            subst_def_refs: Vec::new(),
            subst_illegal: None,
            title_styles: Vec::new(),
            section_level: 0,
            roles: HashMap::new(),
            default_role: "title-reference".into(),
            top: Vec::new(),
            pending_class: Vec::new(),
            elements: 0,
            depth: 0,
            too_deep: false,
            n_lines: 0,
            docinfo: Vec::new(),
            cur_line: Default::default(),
        }
    }
}

/// `nodes.fully_normalize_name`: whitespace collapsed, lower case.
pub fn normalize_name(name: &str) -> String {
    whitespace_normalize(name).to_lowercase()
}

/// `nodes.whitespace_normalize_name`.
pub fn whitespace_normalize(name: &str) -> String {
    name.split(super::lines::py_space).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The id docutils gives a named element under readme_renderer's `id_prefix`.
pub fn make_id(name: &str) -> String {
    let lower = format!("x{}", name.to_lowercase());
    let mut id = String::new();
    for c in lower.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if c.is_ascii() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_start_matches(|c: char| c == '-' || c.is_ascii_digit()).trim_end_matches('-');
    format!("user-content-{}", &id[1.min(id.len())..])
}

impl Doc {
    /// `Reporter.system_message`: info (level 1) is dropped, as `halt_level=2` never stops on it.
    pub fn report(&mut self, level: u8, message: impl Into<String>, line: Option<usize>) {
        // docutils maps the line through the input: just past the end is still a line, beyond
        // that there is none.
        let line = line.or_else(|| Some(self.cur_line.get()).filter(|&l| l > 0 && l <= self.n_lines + 1));
        self.report_at(level, message, line);
    }

    /// A message whose line stays unknown (its node has a source but no line).
    pub fn report_at(&mut self, level: u8, message: impl Into<String>, line: Option<usize>) {
        let level = match level {
            0 | 1 => return,
            2 => Level::Warning,
            3 => Level::Error,
            _ => Level::Severe,
        };
        self.problems.push(RstProblem { line, level, message: message.into() });
    }

    /// An element docutils refuses inside a substitution definition was made.
    pub fn illegal_in_subst(&mut self, what: &'static str) {
        self.subst_illegal.get_or_insert(what);
    }

    /// A visible element was made (for a pending `class` directive).
    pub fn element(&mut self) {
        self.elements += 1;
        self.pending_class.clear();
    }

    /// `note_ref`: a reference by name.
    pub fn note_ref(&mut self, kind: RefKind, name: &str, line: Option<usize>) {
        self.refs.push((kind, name.to_string(), line));
    }

    /// `note_explicit_target` / `note_implicit_target`, with `set_duplicate_name`'s table.
    pub fn note_target(&mut self, target: Target, explicit: bool) -> usize {
        let idx = self.targets.len();
        let name = target.name.clone();
        self.targets.push(target);
        let Some(name) = name else { return idx };
        let Some(&old) = self.names.get(&name) else {
            self.names.insert(name.clone(), Some(idx));
            self.nametypes.entry(name).or_insert(explicit);
            return idx;
        };
        let old_explicit = self.nametypes[&name];
        self.nametypes.insert(name.clone(), old_explicit || explicit);
        let node = &self.targets[idx];
        let same = old.is_some_and(|o| {
            let o = &self.targets[o];
            (node.refname.is_some() && node.refname == o.refname)
                || (node.refuri.is_some() && node.refuri == o.refuri)
        });
        if same {
            return idx;
        }
        if explicit {
            if old_explicit {
                let line = self.targets[idx].line;
                self.report(2, format!("Duplicate explicit target name: \"{name}\"."), line);
                if old.is_some() {
                    self.names.insert(name, None);
                }
            } else {
                self.names.insert(name, Some(idx));
            }
        } else if old.is_some() && !old_explicit {
            self.names.insert(name, None);
        }
        idx
    }

    /// A name's state: `None` unknown, `Some(None)` duplicate, `Some(Some(i))` the element.
    pub fn lookup(&self, name: &str) -> Option<Option<usize>> {
        self.names.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_follow_docutils_table() {
        let mut doc = Doc::default();
        let t = |uri: &str| Target {
            name: Some("a".into()),
            refuri: Some(uri.into()),
            line: Some(1),
            ..Default::default()
        };
        doc.note_target(t("x"), true);
        doc.note_target(t("x"), true);
        assert!(doc.problems.is_empty());
        doc.note_target(t("y"), true);
        assert_eq!(doc.problems[0].message, "Duplicate explicit target name: \"a\".");
        assert_eq!(doc.lookup("a"), Some(None));
        assert_eq!(make_id("Foo Bar!"), "user-content-foo-bar");
        assert_eq!(make_id("1 x"), "user-content-1-x");
    }
}
