//! reStructuredText long descriptions, validated natively: docutils 0.23's parser as
//! readme_renderer 46 runs it for PyPI and `twine check` (`halt_level=2`: the first message at
//! warning level or above refuses the description).
//!
//! A port of what decides that verdict, not a renderer: the block state machine (`body`), inline
//! markup (`inline`), tables (`table`), explicit markup and directives (`explicit`), and the
//! reference-resolving transforms (`transforms`), sharing the document's names in `doc`.
//!
//! Known approximations (docutils' behaviour is the default everywhere else): substitution
//! references are followed only as direct children of their definition (not inside inline
//! markup) when looking for circular definitions; `csv-table` content is split on commas
//! without Python's csv dialect errors; `unicode` character codes are not checked; directive option
//! encodings are a short list; a duplicate ID (`Duplicate ID`) is never reported; messages are
//! docutils' own text without the source block docutils appends to some of them.

mod body;
mod doc;
mod explicit;
mod inline;
mod lexers;
mod lines;
mod table;
mod transforms;

use std::rc::Rc;

use serde::Serialize;

/// docutils' message levels that stop readme_renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Level {
    /// `WARNING/2`.
    Warning,
    /// `ERROR/3`.
    Error,
    /// `SEVERE/4`.
    Severe,
}

impl Level {
    /// docutils' upper-case name (`WARNING`).
    pub fn name(self) -> &'static str {
        match self {
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
            Level::Severe => "SEVERE",
        }
    }

    /// twine's spelling (`Warning`).
    pub fn title(self) -> &'static str {
        match self {
            Level::Warning => "Warning",
            Level::Error => "Error",
            Level::Severe => "Severe",
        }
    }
}

/// One docutils system message at warning level or above.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RstProblem {
    /// 1-based line as docutils reports it (none for document-wide problems).
    pub line: Option<usize>,
    /// Its level.
    pub level: Level,
    /// docutils' wording.
    pub message: String,
}

/// The problems docutils reports, in its order, up to where readme_renderer halts it: the
/// first is the verdict (the parse stops at it, as docutils does).
pub fn validate(text: &str) -> Vec<RstProblem> {
    let data = lines::string2lines(text);
    let n = data.len();
    // The parser refuses over-long lines before parsing (`line_length_limit`, 10,000).
    if let Some(i) = data.iter().position(|l| l.chars().count() > 10_000) {
        return vec![RstProblem {
            line: None,
            level: Level::Error,
            message: format!("Line {} exceeds the line-length-limit.", i + 1),
        }];
    }
    let mut doc = doc::Doc::default();
    doc.n_lines = n;
    let mut machine = body::Machine::new(Rc::new(data), 0, n, 0, true);
    machine.track = Some(doc.cur_line.clone());
    machine.run(&mut doc, body::St::Body);
    // Parsing stops at its first problem, as docutils under readme_renderer's halt_level does;
    // the transforms only run on a document that parsed cleanly.
    if doc.problems.is_empty() {
        transforms::apply(&mut doc);
    }
    if doc.problems.is_empty() && doc.elements == 0 && doc.title_styles.is_empty() {
        // readme_renderer's own message when docutils renders nothing.
        doc.report_at(3, "No content rendered from RST source.", None);
    }
    doc.problems
}

#[cfg(test)]
mod tests;
