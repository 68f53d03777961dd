//! The block state machine (`docutils.parsers.rst.states`: Body and its specialised list
//! states, Text, Definition, Line, QuotedLiteralBlock) over `docutils.statemachine`'s line
//! discipline: every construct consumes the lines docutils consumes and reports what it reports,
//! at the line it reports it.

use std::rc::Rc;
use std::sync::LazyLock;

use regex::Regex;

use super::doc::{normalize_name, Doc, Target, Top};
use super::inline;
use super::lines::{self, column_width, get_indented, get_text_block, is_blank, skip_chars};

/// The shape of what a machine made (element names and, for lists, their items): what the
/// directives that inspect their parsed content (`list-table`, `table`, `figure`) and the
/// DocInfo transform need of docutils' node tree.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Node {
    pub tag: &'static str,
    pub children: Vec<Node>,
}

/// docutils' control flow out of a transition method.
pub(super) enum Flow {
    /// Go on in this state.
    Next(St),
    /// `EOFError`: stop this machine (after `state.eof`).
    Eof,
    /// `TransitionCorrection`: re-read the line with one transition only.
    Retry(Tr),
    /// `StateCorrection`: re-read the line in another state with one transition.
    Switch(St, Tr),
}

/// The states of `state_classes` this port needs.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum St {
    Body,
    Bullet(char),
    DefinitionList,
    Enumerated { format: Fmt, enumtype: Seq, last: Ordinal, auto: bool },
    FieldList,
    OptionList,
    LineBlock,
    ExtensionOptions,
    Explicit,
    Text,
    Definition,
    Line,
    SubstitutionDef,
    QuotedLiteral { quote: Option<char>, first_line: Option<usize> },
}

/// Transition names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tr {
    Blank,
    Indent,
    Bullet,
    Enumerator,
    FieldMarker,
    OptionMarker,
    Doctest,
    LineBlock,
    GridTop,
    SimpleTop,
    Explicit,
    Anonymous,
    Line,
    Text,
    Underline,
    EmbeddedDirective,
    Quoted,
}

/// Enumerator formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fmt {
    Parens,
    Rparen,
    Period,
}

/// Enumerator sequences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Seq {
    Arabic,
    LowerAlpha,
    UpperAlpha,
    LowerRoman,
    UpperRoman,
    Auto,
}

const BODY: &[Tr] = &[
    Tr::Blank,
    Tr::Indent,
    Tr::Bullet,
    Tr::Enumerator,
    Tr::FieldMarker,
    Tr::OptionMarker,
    Tr::Doctest,
    Tr::LineBlock,
    Tr::GridTop,
    Tr::SimpleTop,
    Tr::Explicit,
    Tr::Anonymous,
    Tr::Line,
    Tr::Text,
];
const TEXT: &[Tr] = &[Tr::Blank, Tr::Indent, Tr::Underline, Tr::Text];
const SUBST: &[Tr] = &[Tr::Blank, Tr::Indent, Tr::EmbeddedDirective, Tr::Text];
const QUOTED: &[Tr] = &[Tr::Quoted, Tr::Blank, Tr::Indent, Tr::Text];

/// Nested state machines allowed (block quotes, list items, directive bodies...). docutils has
/// no limit of its own: Python's recursion limit stops it with a `RecursionError` (no verdict,
/// twine check crashes) after ~164 nested block quotes or ~108 nested directives; the bound
/// keeps this recursion off the end of the stack and refuses what docutils cannot render.
pub const MAX_DEPTH: usize = 164;

/// The problem reported instead of nesting deeper than `MAX_DEPTH`.
const TOO_DEEP: &str = "Nesting too deep: docutils stops with a RecursionError (Python's recursion limit).";

const ENUM: &str = r"[0-9]+|[a-z]|[A-Z]|[ivxlcdm]+|[IVXLCDM]+|#";
const OPTARG: &str = r"(?:[a-zA-Z][a-zA-Z0-9_-]*|<[^<>]+>)";

fn option_pattern() -> String {
    let short = format!(r"(?:-|\+)[a-zA-Z0-9](?: ?{OPTARG})?");
    let long = format!(r"(?:--|/)[a-zA-Z0-9][a-zA-Z0-9_-]*(?:[ =]{OPTARG})?");
    format!(r"(?:{short}|{long})")
}

pub(super) struct Pats {
    pub bullet: Regex,
    pub enumerator: Regex,
    pub field_marker: fancy_regex::Regex,
    pub option_marker: Regex,
    pub doctest: Regex,
    pub line_block: Regex,
    pub grid_top: Regex,
    pub simple_top: Regex,
    pub explicit: Regex,
    pub anonymous: Regex,
    pub embedded_directive: fancy_regex::Regex,
    pub simple_border: Regex,
    pub attribution: fancy_regex::Regex,
}

pub(super) static PATS: LazyLock<Pats> = LazyLock::new(|| {
    let opt = option_pattern();
    Pats {
        bullet: Regex::new("^[-+*\u{2022}\u{2023}\u{2043}](?: +|$)").expect("re"),
        enumerator: Regex::new(&format!(
            r"^(?:(?P<parens>\((?P<t1>{ENUM})\))|(?P<rparen>(?P<t2>{ENUM})\))|(?P<period>(?P<t3>{ENUM})\.))(?: +|$)"
        ))
        .expect("re"),
        field_marker: fancy_regex::Regex::new(r"^:(?![: ])(?:[^:\\]|\\.|:(?!(?:[ `]|$)))*(?<! ):(?: +|$)").expect("re"),
        option_marker: Regex::new(&format!(r"^{opt}(?:, {opt})*(?:  +| ?$)")).expect("re"),
        doctest: Regex::new(r"^>>>(?: +|$)").expect("re"),
        line_block: Regex::new(r"^\|(?: +|$)").expect("re"),
        grid_top: Regex::new(r"^\+-[-+]+-\+ *$").expect("re"),
        simple_top: Regex::new(r"^=+(?: +=+)+ *$").expect("re"),
        explicit: Regex::new(r"^\.\.(?: +|$)").expect("re"),
        anonymous: Regex::new(r"^__(?: +|$)").expect("re"),
        embedded_directive: fancy_regex::Regex::new(&format!(r"^({})::(?: +|$)", inline::SIMPLENAME)).expect("re"),
        simple_border: Regex::new(r"^=+[ =]*$").expect("re"),
        attribution: fancy_regex::Regex::new("^(?:---?(?!-)|\u{2014}) *(?=[^ \\n])").expect("re"),
    }
});

/// `Body.patterns['line']`: one repeated 7-bit punctuation character (lines are right-stripped).
pub(super) fn is_line(line: &str) -> bool {
    let mut chars = line.chars();
    let Some(c) = chars.next() else { return false };
    let punct = matches!(c, '!'..='/' | ':'..='@' | '['..='`' | '{'..='~');
    punct && line.trim_end_matches(' ').chars().all(|x| x == c)
}

/// Byte offset → character offset.
pub(super) fn chars_to(line: &str, byte: usize) -> usize {
    line[..byte].chars().count()
}

/// One state machine over a view of lines (`docutils.statemachine.StateMachineWS`).
pub(super) struct Machine {
    pub data: Rc<Vec<String>>,
    pub lo: usize,
    pub hi: usize,
    pub input_offset: usize,
    pub line_offset: isize,
    pub match_titles: bool,
    pub blank_finish: bool,
    /// SubstitutionDef: the embedded directive made inline content.
    pub subst_ok: bool,
    /// The top-level machine's published position (see `sync`).
    pub track: Option<Rc<std::cell::Cell<usize>>>,
    /// Elements made at this machine's level.
    pub nodes: Vec<Node>,
    /// Parsing a sidebar's content (topics are allowed there).
    pub in_sidebar: bool,
    /// Populating the document or a section (docutils' `state_machine.node` is a Root or a
    /// section): where topics, sidebars and contents may go.
    pub at_root: bool,
    /// A field list that may become the document's bibliographic fields.
    pub docinfo: bool,
}

impl Machine {
    pub fn new(data: Rc<Vec<String>>, lo: usize, hi: usize, input_offset: usize, match_titles: bool) -> Self {
        Machine {
            data,
            lo,
            hi,
            input_offset,
            line_offset: -1,
            match_titles,
            blank_finish: true,
            subst_ok: false,
            track: None,
            nodes: Vec::new(),
            in_sidebar: false,
            at_root: match_titles,
            docinfo: false,
        }
    }

    pub fn lines(&self) -> &[String] {
        &self.data[self.lo..self.hi]
    }

    pub fn len(&self) -> usize {
        self.hi - self.lo
    }

    pub fn line(&self) -> &str {
        usize::try_from(self.line_offset).ok().and_then(|i| self.lines().get(i)).map_or("", |s| s.as_str())
    }

    pub fn abs_line_offset(&self) -> usize {
        (self.line_offset + self.input_offset as isize).max(0) as usize
    }

    pub fn abs_line_number(&self) -> usize {
        (self.line_offset + self.input_offset as isize + 1).max(0) as usize
    }

    /// `next_line(n)`: false at the end (docutils raises EOFError; the offset still moves).
    pub fn next_line(&mut self, n: isize) -> bool {
        self.line_offset += n;
        self.sync();
        self.line_offset >= 0 && (self.line_offset as usize) < self.len()
    }

    pub fn previous_line(&mut self, n: isize) {
        self.line_offset -= n;
        self.sync();
    }

    /// `RSTState.goto_line(abs)`: a jump past the end is not an error.
    pub fn goto_line(&mut self, abs: usize) {
        self.line_offset = abs as isize - self.input_offset as isize;
        self.sync();
    }

    /// The top-level machine publishes its position: docutils' reporter falls back to it for
    /// messages without a line of their own.
    fn sync(&self) {
        if let Some(cell) = &self.track {
            cell.set(self.abs_line_number());
        }
    }

    pub fn at_eof(&self) -> bool {
        self.line_offset >= self.len() as isize - 1
    }

    pub fn is_next_line_blank(&self) -> bool {
        self.lines().get((self.line_offset + 1) as usize).is_none_or(|l| is_blank(l))
    }

    fn cur(&self) -> usize {
        self.line_offset.max(0) as usize
    }

    /// `StateMachineWS.get_indented`.
    pub fn get_indented(
        &mut self,
        until_blank: bool,
        strip_indent: bool,
    ) -> (Vec<String>, usize, usize, bool) {
        let mut offset = self.abs_line_offset();
        let (mut block, indent, blank_finish) =
            get_indented(self.lines(), self.cur(), until_blank, strip_indent, None, None);
        if !block.is_empty() {
            self.next_line(block.len() as isize - 1);
        }
        let lead = block.iter().take_while(|l| is_blank(l)).count();
        block.drain(..lead);
        offset += lead;
        (block, indent, offset, blank_finish)
    }

    /// `StateMachineWS.get_known_indented`.
    pub fn get_known_indented(&mut self, indent: usize) -> (Vec<String>, usize, bool) {
        let mut offset = self.abs_line_offset();
        let (mut block, _, blank_finish) =
            get_indented(self.lines(), self.cur(), false, true, Some(indent), None);
        self.next_line(block.len() as isize - 1);
        let lead = block.iter().take_while(|l| is_blank(l)).count();
        block.drain(..lead);
        offset += lead;
        (block, offset, blank_finish)
    }

    /// `StateMachineWS.get_first_known_indented`.
    pub fn get_first_known_indented(
        &mut self,
        indent: usize,
        until_blank: bool,
        strip_indent: bool,
        strip_top: bool,
    ) -> (Vec<String>, usize, usize, bool) {
        let mut offset = self.abs_line_offset();
        let (mut block, indent, blank_finish) =
            get_indented(self.lines(), self.cur(), until_blank, strip_indent, None, Some(indent));
        self.next_line(block.len() as isize - 1);
        if strip_top {
            let lead = block.iter().take_while(|l| is_blank(l)).count();
            block.drain(..lead);
            offset += lead;
        }
        (block, indent, offset, blank_finish)
    }

    /// `StateMachine.get_text_block`; `Err` carries the 1-based line of the unexpected indent.
    pub fn get_text_block(&mut self, flush_left: bool) -> Result<Vec<String>, (Vec<String>, usize)> {
        let start = self.cur();
        match get_text_block(self.lines(), start, flush_left) {
            Ok(n) => {
                let block = self.lines()[start..start + n].to_vec();
                self.next_line(n as isize - 1);
                Ok(block)
            }
            Err(n) => {
                let block = self.lines()[start..start + n].to_vec();
                let line = self.input_offset + start + n + 1;
                self.next_line(n as isize - 1);
                Err((block, line))
            }
        }
    }

    /// `StateMachine.run` from the initial `state`, refusing nesting deeper than `MAX_DEPTH`.
    pub fn run(&mut self, doc: &mut Doc, state: St) {
        if doc.depth >= MAX_DEPTH {
            if !doc.too_deep {
                doc.too_deep = true;
                doc.report(4, TOO_DEEP, Some(self.input_offset + 1));
            }
            return;
        }
        doc.depth += 1;
        self.run_states(doc, state);
        doc.depth -= 1;
    }

    fn run_states(&mut self, doc: &mut Doc, mut state: St) {
        let mut context: Vec<String> = Vec::new();
        let mut only: Option<Tr> = None;
        loop {
            // readme_renderer halts docutils at its first problem (halt_level 2).
            if !doc.problems.is_empty() {
                return;
            }
            // At the end of the input, docutils calls `state.eof` as for an EOFError.
            let flow = if self.next_line(1) {
                let before = doc.elements;
                let flow = self.check_line(doc, &mut state, &mut context, only.take());
                self.note_top(doc, before);
                flow
            } else {
                Flow::Eof
            };
            match flow {
                Flow::Next(next) => state = next,
                Flow::Eof => {
                    let before = doc.elements;
                    let again = self.eof(doc, &mut state, &mut context);
                    self.note_top(doc, before);
                    match again {
                        Some(tr) => {
                            self.previous_line(1);
                            state = St::Body;
                            only = Some(tr);
                        }
                        None => return,
                    }
                }
                Flow::Retry(tr) => {
                    self.previous_line(1);
                    only = Some(tr);
                }
                Flow::Switch(next, tr) => {
                    self.previous_line(1);
                    state = next;
                    only = Some(tr);
                }
            }
        }
    }

    fn note_top(&self, doc: &mut Doc, before: usize) {
        if self.match_titles && doc.elements > before && doc.top.last() != Some(&Top::Body) {
            doc.top.push(Top::Body);
        }
    }

    fn transitions(state: &St) -> &'static [Tr] {
        match state {
            St::Text | St::Definition | St::Line => TEXT,
            St::SubstitutionDef => SUBST,
            St::QuotedLiteral { .. } => QUOTED,
            _ => BODY,
        }
    }

    /// Which transition matches the current line, and its match end (in characters).
    fn matches(&self, tr: Tr, state: &St) -> Option<usize> {
        let line = self.line();
        let p = &*PATS;
        let re_end = |re: &Regex| re.find(line).map(|m| chars_to(line, m.end()));
        match tr {
            Tr::Blank => line.is_empty().then_some(0),
            Tr::Indent => line.starts_with(' ').then(|| line.chars().take_while(|&c| c == ' ').count()),
            Tr::Bullet => re_end(&p.bullet),
            Tr::Enumerator => re_end(&p.enumerator),
            Tr::FieldMarker if !line.starts_with(':') => None,
            Tr::FieldMarker => p.field_marker.find(line).ok().flatten().map(|m| chars_to(line, m.end())),
            Tr::OptionMarker => re_end(&p.option_marker),
            Tr::Doctest => re_end(&p.doctest),
            Tr::LineBlock => re_end(&p.line_block),
            Tr::GridTop => re_end(&p.grid_top),
            Tr::SimpleTop => re_end(&p.simple_top),
            Tr::Explicit => re_end(&p.explicit),
            Tr::Anonymous => re_end(&p.anonymous),
            Tr::Line | Tr::Underline => is_line(line).then_some(0),
            Tr::EmbeddedDirective => {
                p.embedded_directive.find(line).ok().flatten().map(|m| chars_to(line, m.end()))
            }
            Tr::Text => Some(0),
            Tr::Quoted => match state {
                St::QuotedLiteral { quote: Some(q), .. } => line.starts_with(*q).then_some(1),
                _ => None,
            },
        }
    }

    fn check_line(
        &mut self,
        doc: &mut Doc,
        state: &mut St,
        context: &mut Vec<String>,
        only: Option<Tr>,
    ) -> Flow {
        let candidates: Vec<Tr> = match only {
            Some(t) => vec![t],
            None => Self::transitions(state).to_vec(),
        };
        for tr in candidates {
            if matches!(state, St::QuotedLiteral { quote: None, .. }) && tr == Tr::Quoted {
                // `initial_quoted` stands in for `quoted` until the first line is seen.
                let line = self.line();
                if line.chars().next().is_some_and(|c| c.is_ascii_punctuation()) {
                    return self.quoted_literal_line(doc, state, context);
                }
                continue;
            }
            if let Some(end) = self.matches(tr, state) {
                return self.dispatch(doc, tr, end, state, context);
            }
        }
        Flow::Next(state.clone())
    }

    fn dispatch(
        &mut self,
        doc: &mut Doc,
        tr: Tr,
        end: usize,
        state: &mut St,
        context: &mut Vec<String>,
    ) -> Flow {
        let specialized = !matches!(state, St::Body | St::SubstitutionDef);
        match state.clone() {
            St::Text => return self.text_state(doc, tr, end, context),
            St::Definition => {
                return match tr {
                    Tr::Indent => {
                        let blank = self.definition_list_item(doc, context);
                        self.blank_finish = blank;
                        context.clear();
                        Flow::Next(St::DefinitionList)
                    }
                    _ => Flow::Eof,
                };
            }
            St::Line => return self.line_state(doc, tr, context),
            St::QuotedLiteral { .. } => return self.quoted_state(doc, tr, state, context),
            _ => {}
        }
        match tr {
            Tr::Blank => {
                if matches!(state, St::LineBlock | St::Explicit) {
                    self.previous_line(1);
                    return Flow::Eof;
                }
                Flow::Next(state.clone())
            }
            Tr::Indent if specialized => self.invalid(),
            Tr::Indent => {
                let (indented, _, offset, blank_finish) = self.get_indented(false, true);
                self.block_quote(doc, indented, offset);
                if !blank_finish {
                    self.unindent_warning(doc, "Block quote");
                }
                Flow::Next(state.clone())
            }
            Tr::Bullet => {
                let bullet = self.line().chars().next().unwrap_or('-');
                match state {
                    St::Body => self.list(doc, "Bullet list", end, St::Bullet(bullet)),
                    St::Bullet(b) if *b == bullet => {
                        let (blank, item) = self.list_item(doc, end);
                        self.blank_finish = blank;
                        self.nodes.push(item);
                        Flow::Next(state.clone())
                    }
                    _ => self.invalid(),
                }
            }
            Tr::Enumerator => self.enumerator(doc, state),
            Tr::FieldMarker => match state {
                St::Body => {
                    // The first element of the document: docutils' DocInfo transform reads it.
                    self.docinfo = self.match_titles && doc.elements == 0 && doc.top.is_empty();
                    self.emit(doc, "field_list");
                    let blank = self.field(doc, end, false);
                    let flow = self.nested_list(doc, St::FieldList, blank, "Field list");
                    self.docinfo = false;
                    flow
                }
                St::FieldList | St::ExtensionOptions => {
                    let ext = *state == St::ExtensionOptions;
                    self.blank_finish = self.field(doc, end, ext);
                    Flow::Next(state.clone())
                }
                _ => self.invalid(),
            },
            Tr::OptionMarker => match state {
                St::Body => self.option_marker(doc, end),
                St::OptionList => match self.option_list_item(doc, end) {
                    Ok(Some(blank)) => {
                        self.blank_finish = blank;
                        Flow::Next(state.clone())
                    }
                    Ok(None) => Flow::Retry(Tr::Text),
                    Err(_) => self.invalid(),
                },
                _ => self.invalid(),
            },
            Tr::Doctest if !specialized => {
                self.emit(doc, "doctest_block");
                let _ = self.get_text_block(false);
                Flow::Next(St::Body)
            }
            Tr::LineBlock => match state {
                St::Body => self.line_block(doc, end),
                St::LineBlock => {
                    let lineno = self.abs_line_number();
                    self.blank_finish = self.line_block_line(doc, end, lineno);
                    Flow::Next(St::LineBlock)
                }
                _ => self.invalid(),
            },
            Tr::GridTop | Tr::SimpleTop if !specialized => {
                let blank_finish =
                    if tr == Tr::GridTop { self.grid_table(doc) } else { self.simple_table(doc) };
                if !blank_finish {
                    let line = self.abs_line_number() + 1;
                    doc.report(2, "Blank line required after table.", Some(line));
                }
                Flow::Next(St::Body)
            }
            Tr::Explicit | Tr::Anonymous => match state {
                St::Body => {
                    let blank = if tr == Tr::Explicit {
                        self.explicit_construct(doc)
                    } else {
                        self.anonymous_target(doc, end)
                    };
                    self.nested_list(doc, St::Explicit, blank, "Explicit markup")
                }
                St::Explicit => {
                    self.blank_finish = if tr == Tr::Explicit {
                        self.explicit_construct(doc)
                    } else {
                        self.anonymous_target(doc, end)
                    };
                    Flow::Next(St::Explicit)
                }
                _ => self.invalid(),
            },
            Tr::Line if !specialized => self.line_transition(doc, context),
            Tr::EmbeddedDirective => {
                let (blank, inline) = self.directive(doc, true);
                self.subst_ok = inline;
                if !self.at_eof() {
                    self.blank_finish = blank;
                }
                Flow::Eof
            }
            Tr::Text => match state {
                St::Body => {
                    context.clear();
                    context.push(self.line().to_string());
                    Flow::Next(St::Text)
                }
                St::DefinitionList => {
                    context.clear();
                    context.push(self.line().to_string());
                    Flow::Next(St::Definition)
                }
                St::SubstitutionDef => {
                    if !self.at_eof() {
                        self.blank_finish = self.is_next_line_blank();
                    }
                    Flow::Eof
                }
                _ => self.invalid(),
            },
            _ => self.invalid(),
        }
    }

    /// `SpecializedBody.invalid_input`.
    fn invalid(&mut self) -> Flow {
        self.previous_line(1);
        Flow::Eof
    }

    /// `state.eof`; `Some` when docutils re-reads the line as text (a short marker at the end).
    fn eof(&mut self, doc: &mut Doc, state: &mut St, context: &mut Vec<String>) -> Option<Tr> {
        match state {
            St::Text if !context.is_empty() => {
                let line = self.abs_line_number() - 1;
                self.end_paragraph(doc, context, line);
            }
            St::Definition => self.previous_line(2),
            St::Line => {
                let marker = context.first().map_or("", |s| s.trim());
                if marker.chars().count() < 4 {
                    self.previous_line(1);
                    context.clear();
                    return Some(Tr::Text);
                }
                doc.top.push(Top::Transition(self.abs_line_number() - 1));
            }
            St::QuotedLiteral { first_line, .. } => {
                if context.is_empty() {
                    let line = self.abs_line_number();
                    doc.report(2, "Literal block expected; none found.", Some(line));
                    self.previous_line(1);
                } else {
                    let _ = first_line;
                }
            }
            _ => {}
        }
        None
    }

    /// An element made here.
    pub fn emit(&mut self, doc: &mut Doc, tag: &'static str) {
        doc.element();
        self.nodes.push(Node { tag, children: Vec::new() });
    }

    /// `RSTState.nested_parse` with a fresh Body machine (titles never allowed in nested blocks):
    /// what it made.
    pub fn nested_parse(&self, doc: &mut Doc, block: Vec<String>, input_offset: usize) -> Vec<Node> {
        self.nested_parse_in(doc, block, input_offset, false)
    }

    /// `nested_parse`, saying whether the content belongs to a sidebar.
    pub fn nested_parse_in(
        &self,
        doc: &mut Doc,
        block: Vec<String>,
        input_offset: usize,
        sidebar: bool,
    ) -> Vec<Node> {
        let n = block.len();
        let mut m = Machine::new(Rc::new(block), 0, n, input_offset, false);
        m.in_sidebar = sidebar;
        m.run(doc, St::Body);
        m.nodes
    }

    /// `nested_list_parse` over the rest of this machine's lines: the end offset, the blank
    /// finish and the items made.
    pub fn nested_list_parse(
        &self,
        doc: &mut Doc,
        state: St,
        blank_finish: bool,
    ) -> (usize, bool, Vec<Node>) {
        let explicit = state == St::Explicit;
        let lo = self.lo + self.cur() + 1;
        let mut m =
            Machine::new(self.data.clone(), lo.min(self.hi), self.hi, self.abs_line_offset() + 1, false);
        m.blank_finish = blank_finish;
        m.docinfo = self.docinfo;
        // Explicit markup after the first construct still goes into this machine's node.
        m.at_root = self.at_root && explicit;
        m.in_sidebar = self.in_sidebar && explicit;
        m.run(doc, state);
        (m.abs_line_offset(), m.blank_finish, m.nodes)
    }

    /// The tail of Body.bullet / enumerator / field_marker / explicit_list: the follow-up items
    /// in their own state (children of the list just made, or, for explicit markup, siblings),
    /// then the unindent warning.
    fn nested_list(&mut self, doc: &mut Doc, state: St, blank_finish: bool, what: &str) -> Flow {
        let siblings = state == St::Explicit;
        let (offset, blank_finish, nodes) = self.nested_list_parse(doc, state, blank_finish);
        match self.nodes.last_mut() {
            Some(list) if !siblings => list.children.extend(nodes),
            _ => self.nodes.extend(nodes),
        }
        self.goto_line(offset);
        if !blank_finish {
            self.unindent_warning(doc, what);
        }
        Flow::Next(St::Body)
    }

    fn list(&mut self, doc: &mut Doc, what: &str, end: usize, state: St) -> Flow {
        let tag = if what == "Bullet list" { "bullet_list" } else { "enumerated_list" };
        self.emit(doc, tag);
        let item = self.list_item(doc, end);
        if let Some(list) = self.nodes.last_mut() {
            list.children.push(item.1);
        }
        self.nested_list(doc, state, item.0, what)
    }

    pub fn unindent_warning(&self, doc: &mut Doc, what: &str) {
        let line = self.abs_line_number() + 1;
        doc.report(2, format!("{what} ends without a blank line; unexpected unindent."), Some(line));
    }

    fn block_quote(&mut self, doc: &mut Doc, mut indented: Vec<String>, mut line_offset: usize) {
        self.emit(doc, "block_quote");
        while !indented.is_empty() {
            let split = split_attribution(&indented);
            match split {
                None => {
                    self.nested_parse(doc, std::mem::take(&mut indented), line_offset);
                }
                Some((i, end, text)) => {
                    let rest = indented.split_off(end);
                    let mut quote = indented;
                    quote.truncate(i);
                    self.nested_parse(doc, quote, line_offset);
                    inline::parse(doc, &text, Some(line_offset + i + 1));
                    indented = rest;
                    line_offset += end;
                    let lead = indented.iter().take_while(|l| l.is_empty()).count();
                    indented.drain(..lead);
                    line_offset += lead;
                }
            }
        }
    }

    /// `Body.list_item`: the item's blank finish and the item.
    fn list_item(&mut self, doc: &mut Doc, indent: usize) -> (bool, Node) {
        let (indented, offset, blank_finish) = if !skip_chars(self.line(), indent).is_empty() {
            self.get_known_indented(indent)
        } else {
            let (b, _, o, f) = self.get_first_known_indented(indent, false, true, true);
            (b, o, f)
        };
        let children =
            if indented.is_empty() { Vec::new() } else { self.nested_parse(doc, indented, offset) };
        (blank_finish, Node { tag: "list_item", children })
    }

    fn enumerator(&mut self, doc: &mut Doc, state: &St) -> Flow {
        let line = self.line().to_string();
        let expected = match state {
            St::Enumerated { enumtype, .. } => Some(*enumtype),
            St::Body => None,
            _ => return self.invalid(),
        };
        let Some((format, sequence, ordinal, end)) = parse_enumerator(&line, expected) else {
            return match state {
                St::Body => Flow::Retry(Tr::Text),
                _ => self.invalid(),
            };
        };
        match state.clone() {
            St::Body => {
                if ordinal.is_none() || !self.is_enumerated_list_item(ordinal.as_ref(), sequence, format) {
                    return Flow::Retry(Tr::Text);
                }
                let ordinal = ordinal.unwrap_or_else(|| Ordinal::small(1));
                let enumtype = if sequence == Seq::Auto { Seq::Arabic } else { sequence };
                let next = St::Enumerated { format, enumtype, last: ordinal, auto: sequence == Seq::Auto };
                self.list(doc, "Enumerated list", end, next)
            }
            St::Enumerated { format: f, enumtype, last, auto } => {
                let bad = format != f
                    || (sequence != Seq::Auto
                        && (sequence != enumtype || auto || ordinal.as_ref() != Some(&last.succ())))
                    || !self.is_enumerated_list_item(ordinal.as_ref(), sequence, format);
                if bad {
                    return self.invalid();
                }
                let (blank, item) = self.list_item(doc, end);
                self.blank_finish = blank;
                self.nodes.push(item);
                Flow::Next(St::Enumerated {
                    format: f,
                    enumtype,
                    last: ordinal.unwrap_or(last),
                    auto: auto || sequence == Seq::Auto,
                })
            }
            _ => self.invalid(),
        }
    }

    fn is_enumerated_list_item(&mut self, ordinal: Option<&Ordinal>, sequence: Seq, format: Fmt) -> bool {
        let Some(ordinal) = ordinal else { return false };
        let next = self.lines().get((self.line_offset + 1) as usize).cloned();
        let Some(next) = next else { return true };
        if next.chars().next().is_none_or(lines::py_space) {
            return true;
        }
        match make_enumerator(&ordinal.succ(), sequence, format) {
            Some((a, b)) => next.starts_with(&a) || next.starts_with(&b),
            None => false,
        }
    }

    /// `Body.field`: the blank finish. Extension options skip inline parsing.
    fn field(&mut self, doc: &mut Doc, end: usize, extension: bool) -> bool {
        let line = self.line().to_string();
        let marker: String = line.chars().take(end).collect();
        let name = &marker[1..marker.trim_end().len() - 1];
        let lineno = self.abs_line_number();
        let (indented, _, offset, blank_finish) = self.get_first_known_indented(end, false, true, true);
        if !extension {
            let text = inline::parse(doc, name, Some(lineno));
            let body =
                if indented.is_empty() { Vec::new() } else { self.nested_parse(doc, indented, offset) };
            if self.docinfo {
                doc.docinfo.push((text, lineno, body));
            }
        }
        blank_finish
    }

    fn option_marker(&mut self, doc: &mut Doc, end: usize) -> Flow {
        match self.option_list_item(doc, end) {
            Ok(Some(blank)) => {
                self.emit(doc, "option_list");
                self.nested_list(doc, St::OptionList, blank, "Option list")
            }
            Ok(None) => Flow::Retry(Tr::Text),
            Err(detail) => {
                doc.report(3, format!("Invalid option list marker: {detail}"), Some(self.abs_line_number()));
                let (indented, _, offset, blank_finish) =
                    self.get_first_known_indented(end, false, true, true);
                self.block_quote(doc, indented, offset);
                if !blank_finish {
                    self.unindent_warning(doc, "Option list");
                }
                Flow::Next(St::Body)
            }
        }
    }

    /// `Body.option_list_item`: `Ok(None)` when it is not an option list item after all.
    fn option_list_item(&mut self, doc: &mut Doc, end: usize) -> Result<Option<bool>, String> {
        let offset = self.abs_line_offset();
        let marker: String = self.line().chars().take(end).collect();
        parse_option_marker(marker.trim_end())?;
        let (indented, _, line_offset, blank_finish) = self.get_first_known_indented(end, false, true, true);
        if indented.is_empty() {
            self.goto_line(offset);
            return Ok(None);
        }
        self.nested_parse(doc, indented, line_offset);
        Ok(Some(blank_finish))
    }

    fn line_block(&mut self, doc: &mut Doc, end: usize) -> Flow {
        self.emit(doc, "line_block");
        let lineno = self.abs_line_number();
        let mut blank_finish = self.line_block_line(doc, end, lineno);
        if !blank_finish {
            let (offset, blank, _) = self.nested_list_parse(doc, St::LineBlock, false);
            blank_finish = blank;
            self.goto_line(offset);
        }
        if !blank_finish {
            doc.report(2, "Line block ends without a blank line.", Some(lineno + 1));
        }
        Flow::Next(St::Body)
    }

    fn line_block_line(&mut self, doc: &mut Doc, end: usize, lineno: usize) -> bool {
        let (indented, _, _, blank_finish) = self.get_first_known_indented(end, true, true, true);
        inline::parse(doc, &indented.join("\n"), Some(lineno));
        blank_finish
    }

    fn line_transition(&mut self, doc: &mut Doc, context: &mut Vec<String>) -> Flow {
        let line = self.line().to_string();
        if self.match_titles {
            context.clear();
            context.push(line);
            return Flow::Next(St::Line);
        }
        let stripped = line.trim();
        if stripped == "::" || stripped.chars().count() < 4 {
            return Flow::Retry(Tr::Text);
        }
        doc.report(3, "Unexpected section title or transition.", Some(self.abs_line_number()));
        Flow::Next(St::Body)
    }

    fn text_state(&mut self, doc: &mut Doc, tr: Tr, _end: usize, context: &mut Vec<String>) -> Flow {
        match tr {
            Tr::Blank => {
                let line = self.abs_line_number() - 1;
                let ctx = std::mem::take(context);
                self.end_paragraph(doc, &ctx, line);
                Flow::Next(St::Body)
            }
            Tr::Indent => {
                self.emit(doc, "definition_list");
                let blank = self.definition_list_item(doc, context);
                let (offset, blank_finish, _) = self.nested_list_parse(doc, St::DefinitionList, blank);
                self.goto_line(offset);
                context.clear();
                if !blank_finish {
                    self.unindent_warning(doc, "Definition list");
                }
                Flow::Next(St::Body)
            }
            Tr::Underline => self.underline(doc, context),
            _ => {
                let startline = self.abs_line_number() - 1;
                let (block, error) = match self.get_text_block(true) {
                    Ok(b) => (b, None),
                    Err((b, line)) => (b, Some(line)),
                };
                if let Some(line) = error {
                    doc.report(3, "Unexpected indentation.", Some(line));
                }
                let mut all = std::mem::take(context);
                all.extend(block);
                if self.paragraph(doc, &all, startline) {
                    self.next_line(1);
                    self.literal_block(doc);
                }
                Flow::Next(St::Body)
            }
        }
    }

    /// Text.blank / Text.eof: the paragraph, then a literal block when it ends with `::`.
    fn end_paragraph(&mut self, doc: &mut Doc, context: &[String], line: usize) {
        if self.paragraph(doc, context, line) {
            self.literal_block(doc);
        }
    }

    /// `RSTState.paragraph`: true when a literal block follows.
    fn paragraph(&mut self, doc: &mut Doc, lines: &[String], lineno: usize) -> bool {
        let data = lines.join("\n");
        let data = data.trim_end_matches(lines::py_space);
        // `(?<!\\)(\\\\)*::$`: ends with `::` after an even run of backslashes.
        let literal = data
            .strip_suffix("::")
            .is_some_and(|before| (before.len() - before.trim_end_matches('\\').len()) % 2 == 0);
        let text: String = if literal {
            if data.chars().count() == 2 {
                return true;
            }
            let before: Vec<char> = data.chars().collect();
            let c = before[before.len() - 3];
            if c == ' ' || c == '\n' {
                before[..before.len() - 3].iter().collect::<String>().trim_end().to_string()
            } else {
                before[..before.len() - 1].iter().collect()
            }
        } else {
            data.to_string()
        };
        self.emit(doc, "paragraph");
        inline::parse(doc, &text, Some(lineno));
        literal
    }

    /// `Text.literal_block`.
    fn literal_block(&mut self, doc: &mut Doc) {
        let (mut indented, _, _, blank_finish) = self.get_indented(false, true);
        while indented.last().is_some_and(|l| is_blank(l)) {
            indented.pop();
        }
        if indented.is_empty() {
            let offset = self.cur();
            let lo = (self.lo + offset).min(self.hi);
            let mut m = Machine::new(self.data.clone(), lo, self.hi, self.abs_line_offset(), false);
            m.run(doc, St::QuotedLiteral { quote: None, first_line: None });
            let end = m.abs_line_offset();
            self.goto_line(end);
            return;
        }
        self.emit(doc, "literal_block");
        if !blank_finish {
            self.unindent_warning(doc, "Literal block");
        }
    }

    fn quoted_literal_line(&mut self, _doc: &mut Doc, state: &mut St, context: &mut Vec<String>) -> Flow {
        let line = self.line().to_string();
        let quote = line.chars().next();
        *state = St::QuotedLiteral { quote, first_line: Some(self.abs_line_number()) };
        context.push(line);
        Flow::Next(state.clone())
    }

    fn quoted_state(&mut self, doc: &mut Doc, tr: Tr, state: &mut St, context: &mut Vec<String>) -> Flow {
        match tr {
            Tr::Quoted => {
                context.push(self.line().to_string());
                Flow::Next(state.clone())
            }
            Tr::Blank => {
                if context.is_empty() {
                    Flow::Next(state.clone())
                } else {
                    Flow::Eof
                }
            }
            Tr::Indent => {
                doc.report(3, "Unexpected indentation.", Some(self.abs_line_number()));
                self.previous_line(1);
                Flow::Eof
            }
            _ => {
                if !context.is_empty() {
                    doc.report(3, "Inconsistent literal block quoting.", Some(self.abs_line_number()));
                    self.previous_line(1);
                }
                Flow::Eof
            }
        }
    }

    /// `Text.definition_list_item`: the blank finish.
    fn definition_list_item(&mut self, doc: &mut Doc, termline: &[String]) -> bool {
        let dd_lineno = self.abs_line_number();
        let (indented, _, offset, blank_finish) = self.get_indented(false, true);
        if let Some(term) = termline.first() {
            inline::parse(doc, term, Some(dd_lineno - 1));
        }
        self.nested_parse(doc, indented, offset);
        blank_finish
    }

    fn underline(&mut self, doc: &mut Doc, context: &mut Vec<String>) -> Flow {
        let lineno = self.abs_line_number();
        let title = context.first().map_or("", |s| s.trim_end()).to_string();
        let underline = self.line().trim_end().to_string();
        let ulen = underline.chars().count();
        if column_width(&title) > ulen {
            if ulen < 4 {
                return Flow::Retry(Tr::Text);
            }
            doc.report(2, "Title underline too short.", Some(lineno));
        }
        if !self.match_titles {
            doc.report(3, "Unexpected section title.", Some(lineno));
            context.clear();
            return Flow::Next(St::Body);
        }
        let style = (underline.chars().next().unwrap_or('='), None);
        context.clear();
        self.section(doc, &title, style, lineno - 1);
        Flow::Next(St::Body)
    }

    /// `RSTState.section`: `check_subsection` then the title's inline markup and its name.
    fn section(&mut self, doc: &mut Doc, title: &str, style: (char, Option<char>), lineno: usize) {
        let oldlevel = doc.section_level;
        let newlevel =
            doc.title_styles.iter().position(|s| *s == style).map_or(doc.title_styles.len() + 1, |i| i + 1);
        if newlevel > oldlevel + 1 {
            doc.report(
                3,
                format!("Inconsistent title style: skip from level {oldlevel} to {newlevel}."),
                Some(lineno),
            );
            return;
        }
        if newlevel > doc.title_styles.len() {
            doc.title_styles.push(style);
        }
        doc.section_level = newlevel;
        doc.top.push(Top::Section(newlevel));
        let text = inline::parse(doc, title, Some(lineno));
        doc.note_target(
            Target { name: Some(normalize_name(&text)), line: Some(lineno), ..Default::default() },
            false,
        );
    }

    fn line_state(&mut self, doc: &mut Doc, tr: Tr, context: &mut Vec<String>) -> Flow {
        let overline = context.first().cloned().unwrap_or_default();
        let short = overline.trim_end().chars().count() < 4;
        match tr {
            Tr::Blank => {
                if short {
                    return self.state_correction(context, 1);
                }
                doc.top.push(Top::Transition(self.abs_line_number() - 1));
                context.clear();
                Flow::Next(St::Body)
            }
            Tr::Underline => {
                let lineno = self.abs_line_number() - 1;
                if short {
                    return self.state_correction(context, 1);
                }
                doc.report(3, "Invalid section title or transition marker.", Some(lineno));
                context.clear();
                Flow::Next(St::Body)
            }
            _ => {
                let lineno = self.abs_line_number() - 1;
                let title = self.line().to_string();
                if !self.next_line(1) {
                    if short {
                        return self.state_correction(context, 2);
                    }
                    doc.report(3, "Incomplete section title.", Some(lineno));
                    context.clear();
                    return Flow::Next(St::Body);
                }
                let underline = self.line().trim_end().to_string();
                let overline = overline.trim_end();
                if !is_line(&underline) {
                    if short {
                        return self.state_correction(context, 2);
                    }
                    doc.report(3, "Missing matching underline for section title overline.", Some(lineno));
                    context.clear();
                    return Flow::Next(St::Body);
                }
                if overline != underline {
                    if short {
                        return self.state_correction(context, 2);
                    }
                    doc.report(3, "Title overline & underline mismatch.", Some(lineno));
                    context.clear();
                    return Flow::Next(St::Body);
                }
                let title = title.trim_end();
                if column_width(title) > overline.chars().count() {
                    if short {
                        return self.state_correction(context, 2);
                    }
                    doc.report(2, "Title overline too short.", Some(lineno));
                }
                let first = |s: &str| s.chars().next().unwrap_or('=');
                context.clear();
                self.section(doc, title.trim_start(), (first(overline), Some(first(&underline))), lineno + 1);
                Flow::Next(St::Body)
            }
        }
    }

    /// `Line.state_correction`: re-read the overline as ordinary text.
    fn state_correction(&mut self, context: &mut Vec<String>, lines: isize) -> Flow {
        self.previous_line(lines);
        context.clear();
        Flow::Switch(St::Body, Tr::Text)
    }
}

/// `Body.split_attribution`: (index of the attribution, index past it, its text).
fn split_attribution(indented: &[String]) -> Option<(usize, usize, String)> {
    let mut blank: Option<usize> = None;
    let mut nonblank_seen = false;
    for (i, raw) in indented.iter().enumerate() {
        let line = raw.trim_end();
        if line.is_empty() {
            blank = Some(i);
            continue;
        }
        if nonblank_seen && i > 0 && blank == Some(i - 1) {
            if let Ok(Some(m)) = PATS.attribution.find(line) {
                if let Some((end, indent)) = check_attribution(indented, i) {
                    let mut text = vec![line[m.end()..].to_string()];
                    for l in &indented[i + 1..end] {
                        text.push(skip_chars(l, indent).to_string());
                    }
                    return Some((i, end, text.join("\n").trim_end().to_string()));
                }
            }
        }
        nonblank_seen = true;
    }
    None
}

fn check_attribution(indented: &[String], start: usize) -> Option<(usize, usize)> {
    let mut indent: Option<usize> = None;
    let mut i = start + 1;
    while i < indented.len() {
        let line = indented[i].trim_end();
        if line.is_empty() {
            break;
        }
        let li = lines::indent_of(line);
        match indent {
            None => indent = Some(li),
            Some(x) if x != li => return None,
            _ => {}
        }
        i += 1;
    }
    Some((i, indent.unwrap_or(0)))
}

/// A list ordinal as Python's unbounded `int`: an Arabic enumerator may have any number of digits
/// (`9223372036854775807.` followed by `9223372036854775808.` is a list to docutils).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Ordinal {
    /// Decimal digits without leading zeros (`"0"` for zero).
    digits: String,
}

impl Ordinal {
    /// An ordinal that fits a machine integer.
    fn small(n: i64) -> Self {
        Ordinal { digits: n.to_string() }
    }

    /// `int(text)` of ASCII digits.
    fn from_digits(text: &str) -> Self {
        let digits = text.trim_start_matches('0');
        Ordinal { digits: if digits.is_empty() { "0".to_string() } else { digits.to_string() } }
    }

    /// `ordinal + 1`, carried through the digits.
    fn succ(&self) -> Self {
        let mut bytes = self.digits.clone().into_bytes();
        for b in bytes.iter_mut().rev() {
            if *b == b'9' {
                *b = b'0';
            } else {
                *b += 1;
                return Ordinal { digits: String::from_utf8(bytes).unwrap_or_default() };
            }
        }
        bytes.insert(0, b'1');
        Ordinal { digits: String::from_utf8(bytes).unwrap_or_default() }
    }

    /// The value when it fits an `i64` (alphabetic and Roman sequences are bounded far below).
    fn value(&self) -> Option<i64> {
        self.digits.parse().ok()
    }
}

/// `Body.parse_enumerator`: format, sequence, ordinal (None: bad Roman numeral), match end.
pub(super) fn parse_enumerator(
    line: &str,
    expected: Option<Seq>,
) -> Option<(Fmt, Seq, Option<Ordinal>, usize)> {
    let m = PATS.enumerator.captures(line)?;
    let end = chars_to(line, m.get(0)?.end());
    let (format, text) = if m.name("parens").is_some() {
        (Fmt::Parens, m.name("t1")?.as_str())
    } else if m.name("rparen").is_some() {
        (Fmt::Rparen, m.name("t2")?.as_str())
    } else {
        (Fmt::Period, m.name("t3")?.as_str())
    };
    let fits = |s: Seq| match s {
        Seq::Arabic => text.bytes().all(|b| b.is_ascii_digit()),
        Seq::LowerAlpha => text.len() == 1 && text.bytes().all(|b| b.is_ascii_lowercase()),
        Seq::UpperAlpha => text.len() == 1 && text.bytes().all(|b| b.is_ascii_uppercase()),
        Seq::LowerRoman => text.bytes().all(|b| b"ivxlcdm".contains(&b)),
        Seq::UpperRoman => text.bytes().all(|b| b"IVXLCDM".contains(&b)),
        Seq::Auto => text == "#",
    };
    let sequence = if text == "#" {
        Seq::Auto
    } else if let Some(s) = expected.filter(|&s| fits(s)) {
        s
    } else if expected.is_none() && text == "i" {
        Seq::LowerRoman
    } else if expected.is_none() && text == "I" {
        Seq::UpperRoman
    } else {
        [Seq::Arabic, Seq::LowerAlpha, Seq::UpperAlpha, Seq::LowerRoman, Seq::UpperRoman]
            .into_iter()
            .find(|&s| fits(s))?
    };
    let ordinal = match sequence {
        Seq::Auto => Some(Ordinal::small(1)),
        Seq::Arabic => Some(Ordinal::from_digits(text)),
        Seq::LowerAlpha | Seq::UpperAlpha => {
            Some(Ordinal::small((text.as_bytes()[0].to_ascii_lowercase() - b'a' + 1) as i64))
        }
        Seq::LowerRoman | Seq::UpperRoman => roman_value(text).map(Ordinal::small),
    };
    Some((format, sequence, ordinal, end))
}

const ROMAN: &[(i64, &str)] = &[
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
];

fn to_roman(mut n: i64) -> Option<String> {
    if !(1..=4999).contains(&n) {
        return None;
    }
    let mut s = String::new();
    for &(v, r) in ROMAN {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    Some(s)
}

/// `RomanNumeral.from_string`: canonical numerals only.
fn roman_value(text: &str) -> Option<i64> {
    let upper = text.to_ascii_uppercase();
    let mut rest = upper.as_str();
    let mut n = 0;
    for &(v, r) in ROMAN {
        while rest.starts_with(r) {
            n += v;
            rest = &rest[r.len()..];
        }
    }
    (rest.is_empty() && to_roman(n).as_deref() == Some(upper.as_str())).then_some(n)
}

/// `Body.make_enumerator`: the next marker and the auto marker (each with a trailing space).
fn make_enumerator(ordinal: &Ordinal, sequence: Seq, format: Fmt) -> Option<(String, String)> {
    let e = match sequence {
        Seq::Auto => "#".to_string(),
        Seq::Arabic => ordinal.digits.clone(),
        Seq::LowerAlpha | Seq::UpperAlpha => {
            let ordinal = ordinal.value().filter(|&n| n <= 26)?;
            let c = (b'a' + (ordinal - 1) as u8) as char;
            if sequence == Seq::UpperAlpha { c.to_ascii_uppercase() } else { c }.to_string()
        }
        Seq::LowerRoman => to_roman(ordinal.value()?)?.to_lowercase(),
        Seq::UpperRoman => to_roman(ordinal.value()?)?,
    };
    let (pre, suf) = match format {
        Fmt::Parens => ("(", ")"),
        Fmt::Rparen => ("", ")"),
        Fmt::Period => ("", "."),
    };
    Some((format!("{pre}{e}{suf} "), format!("{pre}#{suf} ")))
}

/// `Body.parse_option_marker`'s checks.
fn parse_option_marker(marker: &str) -> Result<(), String> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = marker.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b',' && bytes.get(i + 1) == Some(&b' ') && i >= start {
            let rest = &marker[i + 2..];
            let closes_first = rest.find('>').is_some_and(|g| rest.find('<').is_none_or(|l| g < l));
            if !closes_first {
                parts.push(&marker[start..i]);
                start = i + 2;
            }
        }
    }
    parts.push(&marker[start..]);
    for opt in parts {
        let mut tokens: Vec<String> = opt.split_whitespace().map(String::from).collect();
        if tokens.is_empty() {
            return Err(format!("wrong number of option tokens (=0), should be 1 or 2: \"{opt}\""));
        }
        if let Some((a, b)) = tokens[0].clone().split_once('=') {
            tokens.splice(0..1, [a.to_string(), b.to_string()]);
        } else if tokens[0].chars().count() > 2
            && ((tokens[0].starts_with('-') && !tokens[0].starts_with("--")) || tokens[0].starts_with('+'))
        {
            let t = tokens[0].clone();
            tokens.splice(0..1, [t[..2].to_string(), t[2..].to_string()]);
        }
        if tokens.len() > 1 && tokens[1].starts_with('<') && tokens.last().is_some_and(|t| t.ends_with('>')) {
            let joined = tokens[1..].join(" ");
            tokens.truncate(1);
            tokens.push(joined);
        }
        if tokens.is_empty() || tokens.len() > 2 {
            return Err(format!(
                "wrong number of option tokens (={}), should be 1 or 2: \"{opt}\"",
                tokens.len()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerators() {
        assert_eq!(
            parse_enumerator("1. a", None).map(|e| (e.1, e.2)),
            Some((Seq::Arabic, Some(Ordinal::small(1))))
        );
        assert_eq!(
            parse_enumerator("(iv) a", None).map(|e| (e.1, e.2)),
            Some((Seq::LowerRoman, Some(Ordinal::small(4))))
        );
        assert_eq!(parse_enumerator("iiii. a", None).map(|e| e.2), Some(None));
        assert_eq!(
            make_enumerator(&Ordinal::small(3), Seq::UpperRoman, Fmt::Period),
            Some(("III. ".into(), "#. ".into()))
        );
        assert!(is_line("=====") && !is_line("==-=") && !is_line("aaaa"));
        assert!(parse_option_marker("-a, --bee=<x y>").is_ok());
    }

    #[test]
    fn ordinals_are_unbounded() {
        // The fuzzer's input: the successor of 2**63 - 1 overflowed an i64.
        let max = parse_enumerator("9223372036854775807. a", None).and_then(|e| e.2).unwrap();
        assert_eq!(max.succ(), Ordinal::from_digits("9223372036854775808"));
        assert_eq!(Ordinal::from_digits("00999").succ(), Ordinal::from_digits("1000"));
        assert_eq!(Ordinal::from_digits("000").succ(), Ordinal::small(1));
        let big = Ordinal::from_digits("123456789012345678901234567890");
        assert_eq!(make_enumerator(&big, Seq::LowerAlpha, Fmt::Period), None);
        assert_eq!(
            make_enumerator(&big.succ(), Seq::Arabic, Fmt::Parens).map(|e| e.0),
            Some("(123456789012345678901234567891) ".to_string())
        );
    }
}
