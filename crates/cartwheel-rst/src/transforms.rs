//! The transforms that run after parsing and can report (`docutils.transforms.references` and
//! `misc`), in their priority order: class (210), substitutions (220), anonymous hyperlinks
//! (440), indirect hyperlinks (460), footnotes (620), transitions (830), dangling references
//! (850).

use std::collections::HashMap;

use super::doc::{make_id, normalize_name, Doc, RefKind, Top};

/// Run every reporting transform over the parsed document.
pub fn apply(doc: &mut Doc) {
    class_attribute(doc);
    substitutions(doc);
    docinfo(doc);
    anonymous(doc);
    indirect(doc);
    footnotes(doc);
    transitions(doc);
    dangling(doc);
}

fn class_attribute(doc: &mut Doc) {
    for line in std::mem::take(&mut doc.pending_class) {
        doc.report(3, "No suitable element following \"class\" directive", Some(line));
    }
}

/// `references.Substitutions`: every reference must name a definition, and expanding them (in
/// docutils' order: the document's references, then the copies each expansion adds) must not
/// reach a definition from inside itself.
fn substitutions(doc: &mut Doc) {
    /// One substitution reference: in the document or (directly) in a definition.
    struct Ref {
        name: String,
        line: Option<usize>,
        parent: Option<usize>,
        origin: Option<usize>,
    }
    // A bound on the copies: docutils would take forever on exponential expansions too.
    const MAX_COPIES: usize = 10_000;
    let defs = std::mem::take(&mut doc.subst_def_refs);
    let exact: HashMap<&str, usize> = defs.iter().enumerate().map(|(i, (n, _, _))| (n.as_str(), i)).collect();
    let normed: HashMap<String, usize> =
        defs.iter().enumerate().map(|(i, (n, _, _))| (normalize_name(n), i)).collect();
    let key_of = |name: &str| exact.get(name).or_else(|| normed.get(&normalize_name(name))).copied();
    let mut refs: Vec<Ref> = std::mem::take(&mut doc.subst_refs)
        .into_iter()
        .map(|(name, line)| Ref { name, line, parent: None, origin: None })
        .collect();
    for (def, (_, _, range)) in defs.iter().enumerate() {
        for r in range.clone() {
            refs[r].parent = Some(def);
        }
    }
    let limit = refs.len() + MAX_COPIES;
    let mut children: Vec<Vec<usize>> = defs.iter().map(|(_, _, r)| r.clone().collect()).collect();
    // Definition → the definitions whose expansion brought in a reference to it.
    let mut nested: Vec<Vec<usize>> = vec![Vec::new(); defs.len()];
    let mut i = 0;
    while i < refs.len() {
        let Some(key) = key_of(&refs[i].name) else {
            let (name, line) = (refs[i].name.clone(), refs[i].line);
            doc.report(3, format!("Undefined substitution referenced: \"{name}\"."), line);
            i += 1;
            continue;
        };
        if refs.len() >= limit {
            i += 1;
            continue;
        }
        let mut copies = Vec::new();
        for c in children[key].clone() {
            let Some(inner) = key_of(&refs[c].name) else {
                // docutils fails here with a KeyError: refuse the inner reference.
                let (name, line) = (refs[c].name.clone(), refs[c].line);
                doc.report(3, format!("Undefined substitution referenced: \"{name}\"."), line);
                return;
            };
            if nested[inner].contains(&inner) {
                match refs[i].parent {
                    Some(def) => {
                        doc.report(3, "Circular substitution definition detected:", Some(defs[def].1))
                    }
                    None => {
                        let mut origin = i;
                        while let Some(o) = refs[origin].origin {
                            origin = o;
                        }
                        let name = refs[i].name.clone();
                        let line = refs[origin].line;
                        doc.report(
                            3,
                            format!("Circular substitution definition referenced: \"{name}\"."),
                            line,
                        );
                    }
                }
                // docutils stops at this error (halt level).
                return;
            }
            nested[inner].push(key);
            copies.push(refs.len());
            let copy = Ref {
                name: refs[c].name.clone(),
                line: refs[c].line,
                parent: refs[i].parent,
                origin: Some(i),
            };
            refs.push(copy);
        }
        if let Some(def) = refs[i].parent {
            if let Some(at) = children[def].iter().position(|&c| c == i) {
                children[def].splice(at..=at, copies);
            }
        }
        i += 1;
    }
}

/// `frontmatter.DocInfo` (340): a leading field list's bibliographic fields must have the shape
/// their element needs.
fn docinfo(doc: &mut Doc) {
    const TEXT: &[&str] = &[
        "author",
        "organization",
        "address",
        "contact",
        "version",
        "revision",
        "status",
        "date",
        "copyright",
    ];
    let mut topics: Vec<String> = Vec::new();
    for (name, line, body) in std::mem::take(&mut doc.docinfo) {
        let norm = normalize_name(&name);
        let topic = norm == "dedication" || norm == "abstract";
        if !(TEXT.contains(&norm.as_str()) || norm == "authors" || topic) {
            continue;
        }
        if body.is_empty() {
            doc.report(2, format!("Cannot extract empty bibliographic field \"{name}\"."), Some(line));
            continue;
        }
        let single = body.len() == 1 && body[0].tag == "paragraph";
        if TEXT.contains(&norm.as_str()) && !single {
            let tags: Vec<String> = body.iter().map(|n| format!("<{}>", n.tag)).collect();
            let content =
                if tags.len() > 1 { format!("[{}]", tags.join(", ")) } else { format!("a {}", tags[0]) };
            doc.report(
                2,
                format!("Bibliographic field \"{name}\"\nmust contain a single <paragraph>, not {content}."),
                Some(line),
            );
        } else if norm == "authors" {
            let ok = if body.len() == 1 {
                single
                    || (body[0].tag == "bullet_list"
                        && body[0].children.iter().all(|i| !i.children.is_empty()))
            } else {
                body.iter().all(|n| n.tag == "paragraph")
            };
            if !ok {
                doc.report(
                    2,
                    format!(
                        "Cannot extract \"{name}\" from bibliographic field:\nBibliographic field \"{name}\" must contain either\n a single paragraph (with author names separated by a character from the set \";,\"),\n multiple paragraphs (one per author),\n or a bullet list with one author name per item.\nNote: Leading initials can cause (mis)recognizing names as enumerated list."
                    ),
                    Some(line),
                );
            }
        } else if topic {
            if topics.contains(&norm) {
                doc.report(2, format!("There can only be one \"{name}\" field."), Some(line));
            }
            topics.push(norm);
        }
    }
}

fn anonymous(doc: &mut Doc) {
    let targets = doc.anon_targets.len();
    if doc.anon_refs != targets {
        let refs = doc.anon_refs;
        doc.report(
            3,
            format!("Anonymous hyperlink mismatch: {refs} references but {targets} targets.\nSee \"backrefs\" attribute for IDs."),
            None,
        );
    }
}

/// `IndirectHyperlinks`: each indirect target must reach an existing, unique name without a cycle.
fn indirect(doc: &mut Doc) {
    for idx in doc.indirect.clone() {
        let mut seen = vec![idx];
        let mut current = idx;
        while let Some(refname) = doc.targets[current].refname.clone() {
            match doc.lookup(&refname) {
                None | Some(None) => {
                    let why = if doc.lookup(&refname) == Some(None) {
                        "which is a duplicate, and cannot be used as a unique reference"
                    } else {
                        "which does not exist"
                    };
                    report_indirect(doc, current, why);
                    // docutils reports the innermost broken link once and marks it resolved.
                    doc.targets[current].refname = None;
                    break;
                }
                Some(Some(next)) => {
                    if seen.contains(&next) {
                        // docutils notices the loop when it re-enters the first repeated target.
                        report_indirect(doc, next, "forming a circular reference");
                        doc.targets[next].refname = None;
                        break;
                    }
                    seen.push(next);
                    current = next;
                }
            }
        }
    }
}

fn report_indirect(doc: &mut Doc, idx: usize, why: &str) {
    let t = &doc.targets[idx];
    let naming = match &t.name {
        Some(n) => format!("\"{n}\" (id=\"{}\")", make_id(n)),
        None => String::new(),
    };
    let refname = t.refname.clone().unwrap_or_default();
    let line = t.line;
    doc.report(3, format!("Indirect hyperlink target {naming} refers to target \"{refname}\", {why}."), line);
}

fn footnotes(doc: &mut Doc) {
    // `number_footnotes`: each auto-numbered footnote takes the next number no name uses yet;
    // an unlabelled one is then a target by that number (`[1]_` reaches it).
    let mut next = 1usize;
    for unlabelled in std::mem::take(&mut doc.auto_footnote_order) {
        let label = loop {
            let label = next.to_string();
            next += 1;
            if doc.lookup(&label).is_none() {
                break label;
            }
        };
        if unlabelled {
            doc.note_target(super::doc::Target { name: Some(label), ..Default::default() }, true);
        }
    }
    let n = doc.auto_footnotes;
    let labels = std::mem::take(&mut doc.auto_footnote_labels);
    let unresolved: Vec<Option<usize>> = std::mem::take(&mut doc.auto_footnote_refs)
        .into_iter()
        .filter(|(label, _)| label.as_ref().is_none_or(|l| !labels.contains(l)))
        .map(|(_, line)| line)
        .collect();
    if unresolved.len() > n {
        let line = unresolved[n];
        let s = if n > 1 { "s" } else { "" };
        doc.report(
            3,
            format!(
                "Too many autonumbered footnote references: only {n} corresponding footnote{s} available."
            ),
            line,
        );
    }
    let n = doc.symbol_footnotes;
    if doc.symbol_refs.len() > n {
        let line = doc.symbol_refs[n];
        doc.report(
            3,
            format!("Too many symbol footnote references: only {n} corresponding footnotes available."),
            line,
        );
    }
}

/// `misc.Transitions`: not first in a section, not last in the document, not two in a row.
fn transitions(doc: &mut Doc) {
    let top = std::mem::take(&mut doc.top);
    for (i, ev) in top.iter().enumerate() {
        let Top::Transition(line) = *ev else { continue };
        let prev = i.checked_sub(1).map(|j| top[j]);
        match prev {
            None => doc.report(2, "Transition at the start of the document.", Some(line)),
            Some(Top::Section(_)) => doc.report(2, "Transition at the start of the section.", Some(line)),
            Some(Top::Transition(_)) => {
                doc.report(2, "At least one body element should separate transitions.", Some(line))
            }
            Some(Top::Body) => {
                if i + 1 == top.len() {
                    doc.report(2, "Transition at the end of the document.", Some(line));
                }
            }
        }
    }
}

fn dangling(doc: &mut Doc) {
    for (kind, name, line) in std::mem::take(&mut doc.refs) {
        match doc.lookup(&name) {
            Some(Some(_)) => {}
            Some(None) => doc.report(
                3,
                format!("Duplicate target name, cannot be used as a unique reference: \"{name}\"."),
                line,
            ),
            None if kind == RefKind::Image => {
                doc.report_at(3, format!("Unknown target name: \"{name}\"."), None)
            }
            None => doc.report(3, format!("Unknown target name: \"{name}\"."), line),
        }
    }
}
