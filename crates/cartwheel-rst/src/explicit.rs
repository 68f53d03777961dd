//! Explicit markup (`Body.explicit_construct` and the directives readme_renderer's docutils
//! knows): footnotes, citations, hyperlink targets, substitution definitions, comments and
//! directives with their argument, option and content rules and what their `run()` refuses.

use std::sync::LazyLock;

use fancy_regex::Regex;

use super::body::{chars_to, Machine, St, PATS};
use super::doc::{normalize_name, whitespace_normalize, Doc, RefKind, Target};
use super::inline::{self, escape2null, unescape, SIMPLENAME};
use super::lines::{is_blank, skip_chars};

struct Explicit {
    footnote: Regex,
    citation: Regex,
    hyperlink: Regex,
    substitution: Regex,
    directive: Regex,
    target: Regex,
    reference: Regex,
    subst_name: Regex,
    role_arg: Regex,
}

static EX: LazyLock<Explicit> = LazyLock::new(|| {
    let nwe = r"(?<![\s\x00])";
    let re = |s: &str| Regex::new(s).expect("docutils pattern");
    Explicit {
        footnote: re(&format!(r"^\.\.[ ]+\[([0-9]+|\#|\#{SIMPLENAME}|\*)\](?:[ ]+|$)")),
        citation: re(&format!(r"^\.\.[ ]+\[({SIMPLENAME})\](?:[ ]+|$)")),
        hyperlink: re(r"^\.\.[ ]+_(?![ ]|$)"),
        substitution: re(r"^\.\.[ ]+\|(?![ ]|$)"),
        directive: re(&format!(r"^\.\.[ ]+({SIMPLENAME})[ ]?::(?:[ ]+|$)")),
        target: re(&format!(
            r"^(?:_|(?!_)(?P<quote>`?)(?![ `])(?P<name>.+?){nwe}\k<quote>)(?:(?<!:)|(?<=\x00:)){nwe}[ ]?:(?:[ ]+|$)"
        )),
        reference: re(&format!(r"^(?:(?P<simple>{SIMPLENAME})_|`(?![ ])(?P<phrase>.+?){nwe}`_)$")),
        subst_name: re(&format!(r"^(?![ ])(?P<name>.+?){nwe}\|(?:[ ]+|$)")),
        role_arg: re(&format!(r"^({SIMPLENAME})\s*(?:\(\s*({SIMPLENAME})\s*\)\s*)?$")),
    }
});

fn match_end(re: &Regex, line: &str) -> Option<(usize, Vec<Option<String>>)> {
    let c = re.captures(line).ok().flatten()?;
    let groups = (1..c.len()).map(|i| c.get(i).map(|m| m.as_str().to_string())).collect();
    Some((chars_to(line, c.get(0)?.end()), groups))
}

/// How a directive option value is checked (`docutils.parsers.rst.directives` converters).
#[derive(Clone, Copy)]
enum Opt {
    Unchanged,
    Required,
    Flag,
    Class,
    Int,
    NonNegInt,
    Widths,
    Percentage,
    Length,
    LengthPct,
    Align,
    Loading,
    Encoding,
    Char,
    Backlinks,
    FigAlign,
    OptionalInt,
}

/// A directive's signature: required and optional arguments, whitespace in the last one,
/// content allowed, options.
struct Spec {
    required: usize,
    optional: usize,
    final_ws: bool,
    content: bool,
    options: &'static [(&'static str, Opt)],
}

const CN: &[(&str, Opt)] = &[("class", Opt::Class), ("name", Opt::Unchanged)];
const IMAGE: &[(&str, Opt)] = &[
    ("alt", Opt::Unchanged),
    ("height", Opt::Length),
    ("width", Opt::LengthPct),
    ("scale", Opt::Percentage),
    ("align", Opt::Align),
    ("target", Opt::Required),
    ("loading", Opt::Loading),
    ("class", Opt::Class),
    ("name", Opt::Unchanged),
];
const FIGURE: &[(&str, Opt)] = &[
    ("alt", Opt::Unchanged),
    ("height", Opt::Length),
    ("width", Opt::LengthPct),
    ("scale", Opt::Percentage),
    ("align", Opt::FigAlign),
    ("target", Opt::Required),
    ("loading", Opt::Loading),
    ("class", Opt::Class),
    ("name", Opt::Unchanged),
    ("figwidth", Opt::Unchanged),
    ("figclass", Opt::Class),
    ("figname", Opt::Unchanged),
];
const TABLE: &[(&str, Opt)] = &[
    ("class", Opt::Class),
    ("name", Opt::Unchanged),
    ("align", Opt::Unchanged),
    ("width", Opt::LengthPct),
    ("widths", Opt::Widths),
];
const CSV: &[(&str, Opt)] = &[
    ("header-rows", Opt::NonNegInt),
    ("stub-columns", Opt::NonNegInt),
    ("header", Opt::Unchanged),
    ("width", Opt::LengthPct),
    ("widths", Opt::Widths),
    ("file", Opt::Required),
    ("url", Opt::Required),
    ("encoding", Opt::Encoding),
    ("class", Opt::Class),
    ("name", Opt::Unchanged),
    ("align", Opt::Unchanged),
    ("delim", Opt::Char),
    ("keepspace", Opt::Flag),
    ("quote", Opt::Char),
    ("escape", Opt::Char),
];
const LIST_TABLE: &[(&str, Opt)] = &[
    ("header-rows", Opt::NonNegInt),
    ("stub-columns", Opt::NonNegInt),
    ("width", Opt::LengthPct),
    ("widths", Opt::Widths),
    ("class", Opt::Class),
    ("name", Opt::Unchanged),
    ("align", Opt::Unchanged),
];
const INCLUDE: &[(&str, Opt)] = &[
    ("literal", Opt::Flag),
    ("code", Opt::Unchanged),
    ("encoding", Opt::Encoding),
    ("parser", Opt::Unchanged),
    ("tab-width", Opt::Int),
    ("start-line", Opt::Int),
    ("end-line", Opt::Int),
    ("start-after", Opt::Required),
    ("end-before", Opt::Required),
    ("number-lines", Opt::Unchanged),
    ("class", Opt::Class),
    ("name", Opt::Unchanged),
];

/// The canonical directive for a name as docutils' English module maps it.
fn canonical(name: &str) -> Option<&'static str> {
    const NAMES: &[&str] = &[
        "attention",
        "caution",
        "danger",
        "error",
        "hint",
        "important",
        "note",
        "tip",
        "warning",
        "admonition",
        "sidebar",
        "topic",
        "line-block",
        "parsed-literal",
        "code",
        "math",
        "rubric",
        "epigraph",
        "highlights",
        "pull-quote",
        "compound",
        "container",
        "table",
        "csv-table",
        "list-table",
        "meta",
        "image",
        "figure",
        "include",
        "raw",
        "replace",
        "unicode",
        "date",
        "class",
        "role",
        "default-role",
        "title",
        "contents",
        "sectnum",
        "header",
        "footer",
        "target-notes",
        "restructuredtext-test-directive",
    ];
    let lower = name.to_lowercase();
    match lower.as_str() {
        "code-block" | "sourcecode" => Some("code"),
        "rst-class" => Some("class"),
        "section-numbering" => Some("sectnum"),
        other => NAMES.iter().copied().find(|n| *n == other),
    }
}

fn spec(name: &str) -> Spec {
    let s = |required, optional, final_ws, content, options| Spec {
        required,
        optional,
        final_ws,
        content,
        options,
    };
    match name {
        "admonition" => s(1, 0, true, true, CN),
        "attention" | "caution" | "danger" | "error" | "hint" | "important" | "note" | "tip" | "warning" => {
            s(0, 0, true, true, CN)
        }
        "class" => s(1, 0, true, true, &[]),
        "code" => s(
            0,
            1,
            false,
            true,
            &[("class", Opt::Class), ("name", Opt::Unchanged), ("number-lines", Opt::OptionalInt)],
        ),
        "compound" => s(0, 0, false, true, CN),
        "container" => s(0, 1, true, true, &[("name", Opt::Unchanged)]),
        "contents" => s(
            0,
            1,
            true,
            false,
            &[
                ("depth", Opt::NonNegInt),
                ("local", Opt::Flag),
                ("backlinks", Opt::Backlinks),
                ("class", Opt::Class),
            ],
        ),
        "csv-table" => s(0, 1, true, true, CSV),
        "date" | "epigraph" | "footer" | "header" | "highlights" | "meta" | "pull-quote" | "replace"
        | "role" => s(0, 0, false, true, &[]),
        "default-role" => s(0, 1, false, false, &[]),
        "figure" => s(1, 0, true, true, FIGURE),
        "image" => s(1, 0, true, false, IMAGE),
        "include" => s(1, 0, true, false, INCLUDE),
        "line-block" | "math" | "parsed-literal" => s(0, 0, false, true, CN),
        "list-table" => s(0, 1, true, true, LIST_TABLE),
        "raw" => s(
            1,
            0,
            true,
            true,
            &[
                ("file", Opt::Required),
                ("url", Opt::Required),
                ("encoding", Opt::Encoding),
                ("class", Opt::Class),
            ],
        ),
        "restructuredtext-test-directive" => s(0, 1, true, true, &[("option", Opt::Required)]),
        "rubric" => s(1, 0, true, false, CN),
        "sectnum" => s(
            0,
            0,
            false,
            false,
            &[("depth", Opt::Int), ("start", Opt::Int), ("prefix", Opt::Required), ("suffix", Opt::Required)],
        ),
        "sidebar" => s(
            0,
            1,
            true,
            true,
            &[("class", Opt::Class), ("name", Opt::Unchanged), ("subtitle", Opt::Required)],
        ),
        "table" => s(0, 1, true, true, TABLE),
        "target-notes" => s(0, 0, false, false, &[("class", Opt::Class)]),
        "title" => s(1, 0, true, false, &[]),
        "topic" => s(1, 0, true, true, CN),
        "unicode" => s(1, 0, true, false, &[("trim", Opt::Flag), ("ltrim", Opt::Flag), ("rtrim", Opt::Flag)]),
        _ => s(0, 0, false, true, &[]),
    }
}

/// Python's `repr` of a string.
fn py_repr(v: &str) -> String {
    let (quote, other) = if v.contains('\'') && !v.contains('"') { ('"', '\'') } else { ('\'', '"') };
    let mut out = String::from(quote);
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => {
                let _ = other;
                out.push(c);
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `int(str)`: surrounding whitespace, a sign, digits with single underscores between.
fn py_int(v: &str) -> Option<i64> {
    let t = v.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    let well_formed = digits.split('_').all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return None;
    }
    // Python's ints are unbounded: only the sign matters past i64.
    Some(t.replace('_', "").parse::<i64>().unwrap_or(if t.starts_with('-') { i64::MIN } else { i64::MAX }))
}

/// A converter's verdict on one value (`None` = the field had no body).
fn convert(kind: Opt, value: Option<&str>) -> Result<(), String> {
    const UNITS: &[&str] =
        &["em", "ex", "ch", "rem", "vw", "vh", "vmin", "vmax", "cm", "mm", "Q", "in", "pt", "pc", "px"];
    let int = |v: Option<&str>| -> Result<i64, String> {
        let v =
            v.ok_or("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")?;
        py_int(v).ok_or_else(|| format!("invalid literal for int() with base 10: {}", py_repr(v)))
    };
    // `get_measure` over `nodes.parse_measure`: a number, optional spaces, a unit.
    let measure = |v: Option<&str>, extra: &[&str]| -> Result<(), String> {
        let v = v.ok_or("expected string or bytes-like object, got 'NoneType'")?;
        let num_end = v
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-')))
            .map_or(v.len(), |(i, _)| i);
        let (num, unit) = v.split_at(num_end);
        let unit = unit.trim_start_matches(' ');
        let unit_ok = unit == "%" || unit.chars().all(|c| c.is_ascii_alphabetic() || c == 'µ');
        let Some(value) = num.parse::<f64>().ok().filter(|_| unit_ok) else {
            return Err(format!("\"{v}\" is no valid measure."));
        };
        if value < 0.0 || !(UNITS.contains(&unit) || unit.is_empty() || extra.contains(&unit)) {
            let mut units: Vec<&str> = UNITS.to_vec();
            units.extend(extra);
            return Err(format!(
                "not a positive number or measure of one of the following units:\n{}",
                units.join(", ")
            ));
        }
        Ok(())
    };
    let choice = |v: Option<&str>, values: &[&str]| -> Result<(), String> {
        let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
        let list = format!("{}, or {}", quoted[..quoted.len() - 1].join(", "), quoted[quoted.len() - 1]);
        match v {
            None => Err(format!("must supply an argument; choose from {list}")),
            Some(v) if values.contains(&v.trim().to_lowercase().as_str()) => Ok(()),
            Some(v) => Err(format!("\"{v}\" unknown; choose from {list}")),
        }
    };
    match kind {
        Opt::Unchanged => Ok(()),
        Opt::Required => value.map(|_| ()).ok_or_else(|| "argument required but none supplied".into()),
        Opt::Flag => match value {
            Some(v) if !v.trim().is_empty() => Err(format!("no argument is allowed; \"{v}\" supplied")),
            _ => Ok(()),
        },
        Opt::Class => {
            let v = value.ok_or("argument required but none supplied")?;
            for name in v.split_whitespace() {
                if super::doc::make_id(name) == "user-content-" {
                    return Err(format!("cannot make \"{name}\" into a class name"));
                }
            }
            Ok(())
        }
        Opt::Int => int(value).map(|_| ()),
        // `value_or(('auto', 'grid'), positive_int_list)`.
        Opt::Widths => {
            let v = value.ok_or("argument of type 'NoneType' is not iterable")?;
            if v == "auto" || v == "grid" {
                return Ok(());
            }
            let entries: Vec<&str> =
                if v.contains(',') { v.split(',').collect() } else { v.split_whitespace().collect() };
            for entry in entries {
                if int(Some(entry))? < 1 {
                    return Err("negative or zero value; must be positive".into());
                }
            }
            Ok(())
        }
        Opt::NonNegInt => {
            if int(value)? < 0 {
                return Err("negative value; must be positive or zero".into());
            }
            Ok(())
        }
        Opt::Percentage => {
            let v = value.map(|v| v.trim_end().trim_end_matches('%'));
            if int(v)? < 0 {
                return Err("negative value; must be positive or zero".into());
            }
            Ok(())
        }
        Opt::Length => measure(value, &[]),
        Opt::LengthPct => measure(value, &["%"]),
        Opt::Align => choice(value, &["top", "middle", "bottom", "left", "center", "right"]),
        Opt::Loading => choice(value, &["embed", "link", "lazy"]),
        Opt::Backlinks => choice(value, &["top", "entry", "none"]),
        Opt::FigAlign => choice(value, &["left", "center", "right"]),
        Opt::OptionalInt => match value {
            Some(v) if !v.trim().is_empty() && v.trim() != "auto" => int(Some(v)).map(|_| ()),
            _ => Ok(()),
        },
        Opt::Encoding => {
            let v = value.ok_or("lookup() argument must be str, not None")?;
            const KNOWN: &[&str] =
                &["utf-8", "utf8", "utf-16", "utf-32", "latin-1", "latin1", "ascii", "iso-8859-1", "cp1252"];
            if KNOWN.contains(&v.trim().to_lowercase().as_str()) {
                Ok(())
            } else {
                Err(format!("unknown encoding: \"{v}\""))
            }
        }
        Opt::Char => {
            let v = value.unwrap_or("");
            if v.chars().count() == 1
                || v == "tab"
                || v == "space"
                || v.starts_with("0x")
                || v.starts_with("U+")
            {
                Ok(())
            } else {
                Err(format!("{} invalid; must be a single character or a Unicode code", py_repr(v)))
            }
        }
    }
}

/// A parsed directive block.
struct Parsed {
    arguments: Vec<String>,
    options: Vec<(String, Option<String>)>,
    content: Vec<String>,
    content_offset: usize,
}

impl Machine {
    /// `Body.explicit_construct`: the blank finish.
    pub(super) fn explicit_construct(&mut self, doc: &mut Doc) -> bool {
        let line = self.line().to_string();
        let ex = &*EX;
        let result: Option<Result<bool, String>> = if let Some((end, g)) = match_end(&ex.footnote, &line) {
            Some(Ok(self.footnote(doc, end, g[0].as_deref().unwrap_or(""), false)))
        } else if let Some((end, g)) = match_end(&ex.citation, &line) {
            Some(Ok(self.footnote(doc, end, g[0].as_deref().unwrap_or(""), true)))
        } else if let Some((end, _)) = match_end(&ex.hyperlink, &line) {
            Some(self.hyperlink_target(doc, end))
        } else if let Some((end, _)) = match_end(&ex.substitution, &line) {
            Some(self.substitution_def(doc, end))
        } else if match_end(&ex.directive, &line).is_some() {
            Some(Ok(self.directive(doc, false).0))
        } else {
            None
        };
        match result {
            Some(Ok(blank)) => blank,
            Some(Err(message)) => {
                doc.report(2, message, Some(self.abs_line_number()));
                self.comment(&line)
            }
            None => self.comment(&line),
        }
    }

    /// `Body.comment` for the explicit markup start line `line`.
    fn comment(&mut self, line: &str) -> bool {
        let end = PATS.explicit.find(line).map_or(2, |m| chars_to(line, m.end()));
        if self.is_next_line_blank() && is_blank(skip_chars(line, end)) {
            return true;
        }
        self.get_first_known_indented(end, false, true, true).3
    }

    fn footnote(&mut self, doc: &mut Doc, end: usize, label: &str, citation: bool) -> bool {
        let lineno = self.abs_line_number();
        let (indented, _, offset, blank_finish) = self.get_first_known_indented(end, false, true, true);
        let name = normalize_name(label);
        if citation {
            doc.note_target(Target { name: Some(name), line: Some(lineno), ..Default::default() }, true);
        } else if let Some(auto) = name.strip_prefix('#') {
            doc.auto_footnote_order.push(auto.is_empty());
            if auto.is_empty() {
                doc.auto_footnotes += 1;
            } else {
                doc.auto_footnote_labels.push(auto.to_string());
                doc.note_target(
                    Target { name: Some(auto.to_string()), line: Some(lineno), ..Default::default() },
                    true,
                );
            }
        } else if name == "*" {
            doc.symbol_footnotes += 1;
        } else {
            doc.note_target(Target { name: Some(name), line: Some(lineno), ..Default::default() }, true);
        }
        self.emit(doc, if citation { "citation" } else { "footnote" });
        if indented.is_empty() {
            let what = if citation { "Citation" } else { "Footnote" };
            // No line of its own: the reporter's fallback, the top-level machine's line.
            doc.report(2, format!("{what} content expected."), None);
        } else {
            self.nested_parse(doc, indented, offset);
        }
        blank_finish
    }

    fn hyperlink_target(&mut self, doc: &mut Doc, end: usize) -> Result<bool, String> {
        let lineno = self.abs_line_number();
        let (block, _, _, blank_finish) = self.get_first_known_indented(end, true, false, true);
        let block: Vec<String> = block.iter().map(|l| escape2null(l)).collect();
        let mut escaped = block.first().cloned().unwrap_or_default();
        let mut index = 0;
        let caps = loop {
            if let Ok(Some(c)) = EX.target.captures(&escaped) {
                break c;
            }
            index += 1;
            match block.get(index) {
                Some(l) => escaped.push_str(l),
                None => return Err("malformed hyperlink target.".into()),
            }
        };
        let name = caps.name("name").map(|m| m.as_str().to_string());
        let mut rest: Vec<String> = block[index..].to_vec();
        let first = format!("{} ", rest[0]);
        let cut = caps.get(0).map_or(0, |m| m.end()) as isize - escaped.len() as isize - 1;
        let start = (first.len() as isize + cut).max(0) as usize;
        rest[0] = first.get(start..).unwrap_or("").trim().to_string();
        self.make_target(doc, &rest, lineno, name.as_deref());
        Ok(blank_finish)
    }

    /// `Body.make_target` + `add_target`.
    fn make_target(&mut self, doc: &mut Doc, block: &[String], lineno: usize, name: Option<&str>) {
        let refname = parse_indirect(block);
        let refuri = if refname.is_none() {
            Some(
                block
                    .iter()
                    .map(|l| unescape(l).split_whitespace().collect::<String>())
                    .collect::<Vec<_>>()
                    .join(""),
            )
        } else {
            None
        };
        let mut target = Target { line: Some(lineno), ..Default::default() };
        target.refname = refname.as_deref().map(normalize_name);
        target.refuri = refuri.filter(|u| !u.is_empty());
        match name {
            Some(n) if !n.is_empty() => {
                target.name = Some(normalize_name(&unescape(n)));
                let idx = doc.note_target(target, true);
                if refname.is_some() {
                    doc.indirect.push(idx);
                }
            }
            _ => {
                target.anonymous = true;
                let idx = doc.note_target(target, false);
                doc.anon_targets.push(idx);
                if refname.is_some() {
                    doc.indirect.push(idx);
                }
            }
        }
    }

    /// `Body.anonymous_target`: `__ uri`.
    pub(super) fn anonymous_target(&mut self, doc: &mut Doc, end: usize) -> bool {
        let lineno = self.abs_line_number();
        let (block, _, _, blank_finish) = self.get_first_known_indented(end, true, true, true);
        let block: Vec<String> = block.iter().map(|l| escape2null(l)).collect();
        self.make_target(doc, &block, lineno, None);
        blank_finish
    }

    fn substitution_def(&mut self, doc: &mut Doc, end: usize) -> Result<bool, String> {
        let srcline = self.abs_line_number();
        let (mut block, _, mut offset, blank_finish) = self.get_first_known_indented(end, false, false, true);
        let mut escaped = escape2null(block.first().map_or("", |l| l.trim_end()));
        let mut index = 0;
        let caps = loop {
            if let Ok(Some(c)) = EX.subst_name.captures(&escaped) {
                break c;
            }
            index += 1;
            match block.get(index) {
                Some(l) => escaped = format!("{escaped} {}", escape2null(l.trim())),
                None => return Err("malformed substitution definition.".into()),
            }
        };
        let subname = caps.name("name").map_or("", |m| m.as_str()).to_string();
        let subname_text = unescape(&subname);
        let cut = caps.get(0).map_or(0, |m| m.end()) as isize - escaped.len() as isize - 1;
        block.drain(..index);
        let first = format!("{} ", block[0].trim());
        let start = (first.len() as isize + cut).max(0) as usize;
        block[0] = first.get(start..first.len() - 1).unwrap_or("").to_string();
        if block[0].is_empty() {
            block.remove(0);
            offset += 1;
        }
        while block.last().is_some_and(|l| is_blank(l)) {
            block.pop();
        }
        let name = whitespace_normalize(&subname_text);
        if block.is_empty() {
            doc.report(2, format!("Substitution definition \"{subname}\" missing contents."), Some(srcline));
            return Ok(blank_finish);
        }
        block[0] = block[0].trim().to_string();
        let n = block.len();
        let before = doc.problems.len();
        let first_ref = doc.subst_refs.len();
        doc.subst_illegal = None;
        let elements = doc.elements;
        let mut m = Machine::new(std::rc::Rc::new(block), 0, n, offset, false);
        m.blank_finish = blank_finish;
        m.subst_ok = false;
        m.run(doc, St::SubstitutionDef);
        let blank_finish = m.blank_finish;
        doc.elements = elements;
        if doc.problems.len() > before && m.subst_ok {
            doc.report(3, "Problematic content in substitution definition", Some(srcline));
            return Ok(blank_finish);
        }
        if let Some(illegal) = doc.subst_illegal.take().filter(|_| m.subst_ok) {
            doc.report(
                3,
                format!("{illegal} are not supported in a substitution definition."),
                Some(srcline),
            );
            return Ok(blank_finish);
        }
        if !m.subst_ok {
            doc.report(2, format!("Substitution definition \"{subname}\" empty or invalid."), Some(srcline));
            return Ok(blank_finish);
        }
        doc.subst_def_refs.push((name.clone(), srcline, first_ref..doc.subst_refs.len()));
        if doc.subst_defs.contains(&name) {
            doc.report(3, format!("Duplicate substitution definition name: \"{name}\"."), Some(srcline));
        }
        doc.subst_norm.insert(normalize_name(&name));
        doc.subst_defs.insert(name);
        Ok(blank_finish)
    }

    /// `Body.directive` / `run_directive`: the blank finish, and whether it made inline content
    /// (what a substitution definition needs).
    pub(super) fn directive(&mut self, doc: &mut Doc, in_subst: bool) -> (bool, bool) {
        let line = self.line().to_string();
        let re = if in_subst { &*SUBST_DIRECTIVE } else { &EX.directive };
        let Some((end, groups)) = match_end(re, &line) else { return (true, false) };
        let type_name = groups[0].clone().unwrap_or_default();
        let lineno = self.abs_line_number();
        let Some(name) = canonical(&type_name) else {
            let (_, _, _, blank_finish) = self.get_first_known_indented(0, false, false, true);
            doc.report(3, format!("Unknown directive type \"{type_name}\"."), Some(lineno));
            return (blank_finish, false);
        };
        let spec = spec(name);
        let (indented, _, line_offset, blank_finish) = self.get_first_known_indented(end, false, true, false);
        let blank_finish = blank_finish || self.is_next_line_blank();
        let parsed = match self.parse_directive_block(doc, indented, line_offset, &spec) {
            Ok(p) => p,
            Err(detail) => {
                doc.report(3, format!("Error in \"{type_name}\" directive:\n{detail}."), Some(lineno));
                return (blank_finish, false);
            }
        };
        let inline = self.run_directive(doc, name, &type_name, lineno, parsed, in_subst);
        (blank_finish, inline)
    }

    fn parse_directive_block(
        &self,
        doc: &mut Doc,
        mut indented: Vec<String>,
        mut line_offset: usize,
        spec: &Spec,
    ) -> Result<Parsed, String> {
        if indented.first().is_some_and(|l| is_blank(l)) {
            indented.remove(0);
            line_offset += 1;
        }
        while indented.last().is_some_and(|l| is_blank(l)) {
            indented.pop();
        }
        let has_args = spec.required > 0 || spec.optional > 0;
        let (mut arg_block, mut content, mut content_offset, i);
        if !indented.is_empty() && (has_args || !spec.options.is_empty()) {
            i = indented.iter().position(|l| is_blank(l)).unwrap_or(indented.len());
            arg_block = indented[..i].to_vec();
            content = indented.get(i + 1..).map(|c| c.to_vec()).unwrap_or_default();
            content_offset = line_offset + i + 1;
        } else {
            i = 0;
            arg_block = Vec::new();
            content = indented.clone();
            content_offset = line_offset;
        }
        let mut options = Vec::new();
        if !spec.options.is_empty() {
            if let Some(start) = arg_block.iter().position(|l| PATS.field_marker.is_match(l).unwrap_or(false))
            {
                let opt_block = arg_block.split_off(start);
                options = self.parse_options(doc, opt_block, spec)?;
            }
        }
        if !arg_block.is_empty() && !has_args {
            let mut c = arg_block.clone();
            c.extend(indented[i..].iter().cloned());
            content = c;
            content_offset = line_offset;
            arg_block.clear();
        }
        while content.first().is_some_and(|l| is_blank(l)) {
            content.remove(0);
            content_offset += 1;
        }
        let mut arguments = Vec::new();
        if has_args {
            let text = arg_block.join("\n");
            arguments = text.split_whitespace().map(String::from).collect();
            if arguments.len() < spec.required {
                return Err(format!("{} argument(s) required, {} supplied", spec.required, arguments.len()));
            }
            if arguments.len() > spec.required + spec.optional {
                if spec.final_ws {
                    let n = spec.required + spec.optional;
                    let mut parts = Vec::new();
                    let mut rest = text.trim_start();
                    while parts.len() + 1 < n {
                        let cut = rest.find(char::is_whitespace).unwrap_or(rest.len());
                        parts.push(rest[..cut].to_string());
                        rest = rest[cut..].trim_start();
                    }
                    parts.push(rest.trim_end().to_string());
                    arguments = parts;
                } else {
                    return Err(format!(
                        "maximum {} argument(s) allowed, {} supplied",
                        spec.required + spec.optional,
                        arguments.len()
                    ));
                }
            }
        }
        if !content.is_empty() && !spec.content {
            return Err("no content permitted".into());
        }
        Ok(Parsed { arguments, options, content, content_offset })
    }

    /// `parse_extension_options`.
    fn parse_options(
        &self,
        doc: &mut Doc,
        opt_block: Vec<String>,
        spec: &Spec,
    ) -> Result<Vec<(String, Option<String>)>, String> {
        let n = opt_block.len();
        let data = std::rc::Rc::new(opt_block);
        let mut m = Machine::new(data.clone(), 0, n, 0, false);
        m.run(doc, St::ExtensionOptions);
        if m.abs_line_offset() != n {
            return Err("invalid option block".into());
        }
        let blank_finish = m.blank_finish;
        // The field list first (names parsed as inline text, at the option block's own line
        // numbers), then `extract_options` over every field, then `assemble_option_dict`.
        let mut fields: Vec<(String, Vec<String>)> = Vec::new();
        let mut i = 0;
        while i < n {
            let line = &data[i];
            let Ok(Some(mk)) = PATS.field_marker.find(line) else {
                i += 1;
                continue;
            };
            let end = chars_to(line, mk.end());
            let marker = &line[..mk.end()];
            let raw = &marker.trim_end()[1..marker.trim_end().len() - 1];
            let name = inline::parse(doc, raw, Some(i + 1)).to_lowercase();
            let (body, _, _) = super::lines::get_indented(&data, i, false, true, None, Some(end));
            i += body.len().max(1);
            let mut paragraphs: Vec<String> = Vec::new();
            let mut cur: Vec<&str> = Vec::new();
            for l in body.iter().map(|s| s.as_str()).chain([""]) {
                if !is_blank(l) {
                    cur.push(l);
                } else if !cur.is_empty() {
                    paragraphs.push(cur.join("\n"));
                    cur.clear();
                }
            }
            fields.push((name, paragraphs));
        }
        for (name, paragraphs) in &fields {
            if name.split_whitespace().count() != 1 {
                return Err(
                    "invalid option data: extension option field name may not contain multiple words".into(),
                );
            }
            if paragraphs.len() > 1 {
                return Err(format!(
                    "invalid option data: extension option field body may contain\na single paragraph only (option \"{name}\")"
                ));
            }
        }
        let mut options: Vec<(String, Option<String>)> = Vec::new();
        for (name, paragraphs) in fields {
            let value = paragraphs.into_iter().next();
            let Some(&(_, kind)) = spec.options.iter().find(|(k, _)| *k == name) else {
                return Err(format!("unknown option: \"{name}\""));
            };
            if options.iter().any(|(k, _)| *k == name) {
                return Err(format!("invalid option data: duplicate option \"{name}\""));
            }
            if let Err(e) = convert(kind, value.as_deref()) {
                let shown = value.as_deref().map_or("None".to_string(), py_repr);
                return Err(format!("invalid option value: (option: \"{name}\"; value: {shown})\n{e}"));
            }
            options.push((name, value));
        }
        if !blank_finish {
            return Err("option data incompletely parsed".into());
        }
        Ok(options)
    }

    /// What each directive's `run()` refuses, and its content parsed where docutils parses it.
    fn run_directive(
        &mut self,
        doc: &mut Doc,
        name: &'static str,
        type_name: &str,
        lineno: usize,
        p: Parsed,
        in_subst: bool,
    ) -> bool {
        let need_content = |doc: &mut Doc, p: &Parsed| {
            if p.content.is_empty() {
                doc.report(
                    3,
                    format!("Content block expected for the \"{type_name}\" directive; none found."),
                    Some(lineno),
                );
                false
            } else {
                true
            }
        };
        let opt =
            |k: &str| p.options.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone().unwrap_or_default());
        // Not in the tree yet when named: a duplicate is reported at the reporter's fallback line.
        let add_name = |doc: &mut Doc, key: &str| {
            if let Some(n) = opt(key) {
                doc.note_target(
                    Target { name: Some(normalize_name(&n)), line: None, ..Default::default() },
                    true,
                );
            }
        };
        let substitution_only = |doc: &mut Doc| {
            if !in_subst {
                doc.report(
                    3,
                    format!(
                        "Invalid context: the \"{type_name}\" directive can only be used within a substitution definition."
                    ),
                    Some(lineno),
                );
            }
            in_subst
        };
        match name {
            "attention" | "caution" | "danger" | "error" | "hint" | "important" | "note" | "tip"
            | "warning" | "admonition" => {
                if !need_content(doc, &p) {
                    return false;
                }
                self.emit(doc, name);
                if name == "admonition" {
                    inline::parse(doc, &p.arguments[0], Some(lineno));
                }
                add_name(doc, "name");
                self.nested_parse(doc, p.content, p.content_offset);
            }
            "topic" | "sidebar" => {
                if self.in_sidebar && name == "sidebar" {
                    doc.report(
                        3,
                        format!("The \"{type_name}\" directive may not be used within a sidebar element."),
                        Some(lineno),
                    );
                    return false;
                }
                if !(self.at_root || (self.in_sidebar && name == "topic")) {
                    doc.report(
                        3,
                        format!(
                            "The \"{type_name}\" directive may not be used within topics or body elements."
                        ),
                        Some(lineno),
                    );
                    return false;
                }
                if !need_content(doc, &p) {
                    return false;
                }
                self.emit(doc, name);
                if let Some(title) = p.arguments.first() {
                    inline::parse(doc, title, Some(lineno));
                }
                if let Some(sub) = opt("subtitle") {
                    if p.arguments.is_empty() {
                        doc.report(
                            3,
                            "The \"subtitle\" option may not be used without a title.",
                            Some(lineno),
                        );
                        return false;
                    }
                    inline::parse(doc, &sub, Some(lineno));
                }
                add_name(doc, "name");
                self.nested_parse_in(doc, p.content, p.content_offset, name == "sidebar");
            }
            "line-block" => {
                if !need_content(doc, &p) {
                    return false;
                }
                self.emit(doc, name);
                add_name(doc, "name");
                for l in &p.content {
                    inline::parse(doc, l.trim(), Some(lineno + p.content_offset));
                }
            }
            "parsed-literal" => {
                if !need_content(doc, &p) {
                    return false;
                }
                self.emit(doc, name);
                add_name(doc, "name");
                inline::parse(doc, &p.content.join("\n"), Some(lineno));
            }
            "code" => {
                if !need_content(doc, &p) {
                    return false;
                }
                self.emit(doc, name);
                add_name(doc, "name");
            }
            "math" => {
                if !need_content(doc, &p) {
                    return false;
                }
                self.emit(doc, name);
                add_name(doc, "name");
            }
            "rubric" => {
                self.emit(doc, name);
                inline::parse(doc, &p.arguments[0], Some(lineno));
                add_name(doc, "name");
            }
            "epigraph" | "highlights" | "pull-quote" | "compound" | "container" | "header" | "footer" => {
                if !need_content(doc, &p) {
                    return false;
                }
                self.emit(doc, name);
                add_name(doc, "name");
                self.nested_parse(doc, p.content, p.content_offset);
            }
            "table" | "list-table" => {
                if p.content.is_empty() {
                    if name == "table" {
                        let message =
                            format!("Content block expected for the \"{type_name}\" directive; none found.");
                        doc.report(2, message, Some(lineno));
                    } else {
                        doc.report(
                            3,
                            format!("The \"{type_name}\" directive is empty; content required."),
                            Some(lineno),
                        );
                    }
                    return false;
                }
                if let Some(title) = p.arguments.first() {
                    inline::parse(doc, title, Some(lineno));
                }
                let before = doc.elements;
                let nodes = self.nested_parse(doc, p.content, p.content_offset);
                doc.elements = before;
                let widths = opt("widths");
                let result = if name == "table" {
                    table_content(type_name, &nodes)
                        .and_then(|cols| check_widths(type_name, widths.as_deref(), cols))
                } else {
                    list_table_content(type_name, &nodes, widths.as_deref(), opt("header-rows").as_deref())
                };
                match result {
                    Ok(()) => {
                        self.emit(doc, "table");
                        add_name(doc, "name");
                    }
                    Err(message) => {
                        doc.report(3, message, Some(lineno));
                        return false;
                    }
                }
            }
            "csv-table" => {
                if opt("file").is_some() || opt("url").is_some() {
                    doc.report(
                        2,
                        format!("File and URL access deactivated; ignoring \"{type_name}\" directive."),
                        Some(lineno),
                    );
                    return false;
                }
                if p.content.is_empty() {
                    doc.report(
                        2,
                        format!("The \"{type_name}\" directive requires content; none supplied."),
                        Some(lineno),
                    );
                    return false;
                }
                if let Some(title) = p.arguments.first() {
                    inline::parse(doc, title, Some(lineno));
                }
                let Some(rows) = csv_rows(&p.content) else {
                    doc.report(
                        3,
                        format!("Error with CSV data in \"{type_name}\" directive:\nunexpected end of data"),
                        Some(lineno),
                    );
                    return false;
                };
                let cols = rows.iter().map(|(_, cells)| cells.len()).max().unwrap_or(0);
                if let Err(message) = check_widths(type_name, opt("widths").as_deref(), Some(cols)) {
                    doc.report(3, message, Some(lineno));
                    return false;
                }
                self.emit(doc, name);
                add_name(doc, "name");
                // `build_table_row` with docutils' cell offset 0 for every CSV cell: each one is
                // parsed as if it started on the content's first line.
                for (_, cells) in rows {
                    for cell in cells.iter().filter(|c| !c.trim().is_empty()) {
                        let offset = p.content_offset.saturating_sub(1);
                        self.nested_parse(doc, vec![cell.trim().to_string()], offset);
                    }
                }
            }
            "image" | "figure" => {
                if let Some(align) = opt("align") {
                    let a = align.trim().to_lowercase();
                    if in_subst && !["top", "middle", "bottom"].contains(&a.as_str()) {
                        doc.report(
                            3,
                            format!(
                                "Error in \"{type_name}\" directive: \"{align}\" is not a valid value for the \"align\" option within a substitution definition.  Valid values for \"align\" are: \"top\", \"middle\", \"bottom\"."
                            ),
                            Some(lineno),
                        );
                        return false;
                    }
                    if !in_subst && !["left", "center", "right"].contains(&a.as_str()) {
                        doc.report(
                            3,
                            format!(
                                "Error in \"{type_name}\" directive: \"{align}\" is not a valid value for the \"align\" option.  Valid values for \"align\" are: \"left\", \"center\", \"right\"."
                            ),
                            Some(lineno),
                        );
                        return false;
                    }
                }
                if let Some(target) = opt("target") {
                    let block: Vec<String> = escape2null(&target).lines().map(String::from).collect();
                    if let Some(r) = parse_indirect(&block) {
                        doc.note_ref(RefKind::Image, &normalize_name(&r), None);
                    }
                }
                if name == "figure" {
                    add_name(doc, "figname");
                }
                add_name(doc, "name");
                self.emit(doc, name);
                if name == "figure" && !p.content.is_empty() {
                    let nodes = self.nested_parse(doc, p.content, p.content_offset);
                    if nodes.first().is_some_and(|n| n.tag != "paragraph" && n.tag != "comment") {
                        doc.report(3, "Figure caption must be a paragraph or empty comment.", Some(lineno));
                        return false;
                    }
                }
                return true;
            }
            "include" => doc.report(2, format!("\"{type_name}\" directive disabled."), Some(lineno)),
            "raw" => doc.report(2, format!("\"{type_name}\" directive disabled."), Some(lineno)),
            "replace" => {
                if !substitution_only(doc) || !need_content(doc, &p) {
                    return false;
                }
                let n = p.content.len();
                let mut m = Machine::new(std::rc::Rc::new(p.content), 0, n, p.content_offset, false);
                m.run(doc, St::Body);
                if m.nodes.iter().any(|n| n.tag != "paragraph") || m.nodes.len() > 1 {
                    doc.report(
                        3,
                        format!("Error in \"{type_name}\" directive: may contain a single paragraph only."),
                        Some(lineno),
                    );
                    return false;
                }
                return true;
            }
            "unicode" | "date" => return substitution_only(doc),
            "class" => {
                let value = &p.arguments[0];
                if value.split_whitespace().any(|c| super::doc::make_id(c) == "user-content-") {
                    doc.report(
                        3,
                        format!("Invalid class attribute value for \"{type_name}\" directive: \"{value}\"."),
                        Some(lineno),
                    );
                    return false;
                }
                if p.content.is_empty() {
                    doc.pending_class.push(lineno);
                } else {
                    self.nested_parse(doc, p.content, p.content_offset);
                }
            }
            "role" => self.role_directive(doc, lineno, &p),
            "default-role" => {
                if let Some(role) = p.arguments.first() {
                    let r = role.to_lowercase();
                    if !doc.roles.contains_key(&r) && !inline::ROLES.contains(&r.as_str()) {
                        doc.report(3, format!("Unknown interpreted text role \"{role}\"."), Some(lineno));
                        return false;
                    }
                    doc.default_role = r;
                } else {
                    doc.default_role = "title-reference".into();
                }
            }
            "contents" => {
                if !(self.at_root || self.in_sidebar) {
                    doc.report(
                        3,
                        format!(
                            "The \"{type_name}\" directive may not be used within topics or body elements."
                        ),
                        Some(lineno),
                    );
                    return false;
                }
                let title = match p.arguments.first() {
                    Some(title) => inline::parse(doc, title, Some(lineno)),
                    None => "Contents".to_string(),
                };
                // The topic is an implicit target by its title, unless the name is taken.
                let title = normalize_name(&title);
                if doc.lookup(&title).is_none() {
                    doc.note_target(
                        Target { name: Some(title), line: Some(lineno), ..Default::default() },
                        false,
                    );
                }
                self.emit(doc, name);
            }
            "meta" => {
                if !need_content(doc, &p) {
                    return false;
                }
                for l in &p.content {
                    if l.starts_with(' ') || l.trim().is_empty() {
                        continue;
                    }
                    if !PATS.field_marker.is_match(l).unwrap_or(false) {
                        doc.report(3, "Invalid meta directive.", Some(lineno));
                        return false;
                    }
                    let end = l[1..].find(':').map_or(l.len(), |i| i + 1);
                    for attr in l[1..end].split_whitespace().skip(1) {
                        if !attr.contains('=') {
                            doc.report(
                                3,
                                format!("Error parsing meta tag attribute \"{attr}\": missing \"=\"."),
                                // No line of its own: the reporter's current one, the end of
                                // the directive's block (trailing blank lines included).
                                None,
                            );
                            return false;
                        }
                    }
                }
            }
            "sectnum" => self.emit(doc, name),
            "title" | "target-notes" | "restructuredtext-test-directive" => {}
            _ => {}
        }
        false
    }

    /// The `role` directive: `name(base)` on the first line, the base role's options below.
    fn role_directive(&mut self, doc: &mut Doc, lineno: usize, p: &Parsed) {
        let Some(first) = p.content.first().filter(|_| p.content_offset <= lineno) else {
            doc.report(3, "\"role\" directive requires arguments on the first line.", Some(lineno));
            return;
        };
        let Ok(Some(c)) = EX.role_arg.captures(first.trim()) else {
            doc.report(
                3,
                format!("\"role\" directive arguments not valid role names: \"{first}\"."),
                Some(lineno),
            );
            return;
        };
        let new = c.get(1).map_or("", |m| m.as_str()).to_string();
        let base = match c.get(2).map(|m| m.as_str().to_lowercase()) {
            Some(b) if !doc.roles.contains_key(&b) && !inline::ROLES.contains(&b.as_str()) => {
                doc.report(3, format!("Unknown interpreted text role \"{b}\"."), Some(lineno));
                return;
            }
            Some(b) => doc.roles.get(&b).cloned().unwrap_or(b),
            None => "generic".into(),
        };
        const CLASS: &[(&str, Opt)] = &[("class", Opt::Class)];
        const CODE: &[(&str, Opt)] = &[("class", Opt::Class), ("language", Opt::Unchanged)];
        const RAW: &[(&str, Opt)] = &[("class", Opt::Class), ("format", Opt::Unchanged)];
        let options = match base.split(':').next().unwrap_or("") {
            "code" => CODE,
            "raw" => RAW,
            _ => CLASS,
        };
        let spec = Spec { required: 0, optional: 0, final_ws: false, content: false, options };
        let parsed =
            match self.parse_directive_block(doc, p.content[1..].to_vec(), p.content_offset + 1, &spec) {
                Ok(parsed) => parsed,
                Err(detail) => {
                    doc.report(3, format!("Error in \"role\" directive:\n{detail}."), Some(lineno));
                    return;
                }
            };
        // A `code` role remembers its language: an unknown one warns where the role is used.
        let base = match parsed.options.iter().find(|(k, _)| k == "language") {
            Some((_, Some(lang))) if base == "code" => format!("code:{}", lang.trim()),
            _ => base,
        };
        doc.roles.insert(new.to_lowercase(), base);
    }
}

/// `Table.run`'s check: exactly one table; its column count.
fn table_content(type_name: &str, nodes: &[super::body::Node]) -> Result<Option<usize>, String> {
    if nodes.len() != 1 || nodes[0].tag != "table" {
        return Err(format!(
            "Error parsing content block for the \"{type_name}\" directive: exactly one table expected."
        ));
    }
    Ok(Some(nodes[0].children.len()))
}

/// `ListTable.check_list_content` and `check_table_dimensions`: the column count.
fn list_table_content(
    type_name: &str,
    nodes: &[super::body::Node],
    widths: Option<&str>,
    header_rows: Option<&str>,
) -> Result<(), String> {
    let prefix = format!("Error parsing content block for the \"{type_name}\" directive: ");
    if nodes.len() != 1 || nodes[0].tag != "bullet_list" {
        return Err(format!("{prefix}exactly one bullet list expected."));
    }
    let rows = &nodes[0].children;
    let mut cols = 0;
    for (i, row) in rows.iter().enumerate() {
        if row.children.len() != 1 || row.children[0].tag != "bullet_list" {
            return Err(format!(
                "{prefix}two-level bullet list expected, but row {} does not contain a second-level bullet list.",
                i + 1
            ));
        }
        let n = row.children[0].children.len();
        if i == 0 {
            cols = n;
        } else if n != cols {
            return Err(format!(
                "{prefix}uniform two-level bullet list expected, but row {} does not contain the same number of items as row 1 ({n} vs {cols}).",
                i + 1
            ));
        }
    }
    check_widths(type_name, widths, Some(cols))?;
    let header = header_rows.and_then(|h| h.trim().parse::<usize>().ok()).unwrap_or(0);
    if rows.len() < header {
        return Err(format!(
            "{header} header row(s) specified but only {} row(s) of data supplied (\"{type_name}\" directive).",
            rows.len()
        ));
    }
    if rows.len() == header && header > 0 {
        return Err(format!(
            "Insufficient data supplied ({} row(s)); no data remaining for table body, required by \"{type_name}\" directive.",
            rows.len()
        ));
    }
    Ok(())
}

/// `Table.get_column_widths`: a `:widths:` list must give one width per column.
fn check_widths(type_name: &str, widths: Option<&str>, cols: Option<usize>) -> Result<(), String> {
    let (Some(w), Some(cols)) = (widths, cols) else { return Ok(()) };
    let w = w.trim();
    if w == "auto" || w == "grid" {
        return Ok(());
    }
    let n = w.split(|c: char| c == ',' || c.is_whitespace()).filter(|x| !x.is_empty()).count();
    if n != cols {
        return Err(format!("\"{type_name}\" widths do not match the number of columns in table ({cols})."));
    }
    Ok(())
}

static SUBST_DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^({SIMPLENAME})::(?:[ ]+|$)")).expect("docutils pattern"));

/// `Body.parse_target`'s indirect case: the reference name a target block points to.
fn parse_indirect(block: &[String]) -> Option<String> {
    if !block.last().is_some_and(|l| l.trim().ends_with('_')) {
        return None;
    }
    let reference = block.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
    let normalized = whitespace_normalize(&reference);
    let c = EX.reference.captures(&normalized).ok().flatten()?;
    let name = c.name("simple").or_else(|| c.name("phrase"))?.as_str();
    Some(unescape(name))
}

/// CSV rows (first line index, cells) as Python's csv module reads them (double quotes,
/// commas, quoted line breaks); `None` when a quote is left open at the end.
fn csv_rows(lines: &[String]) -> Option<Vec<(usize, Vec<String>)>> {
    let mut rows = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut start = 0;
    for (k, line) in lines.iter().enumerate() {
        if !quoted {
            start = k;
        }
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ',' if !quoted => cells.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            }
        }
        if quoted {
            cur.push('\n');
        } else {
            cells.push(std::mem::take(&mut cur));
            rows.push((start, std::mem::take(&mut cells)));
        }
    }
    (!quoted).then_some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_converters() {
        assert!(convert(Opt::LengthPct, Some("50%")).is_ok());
        assert!(convert(Opt::Length, Some("12 px")).is_ok());
        assert_eq!(convert(Opt::Length, Some("abc")).unwrap_err(), "\"abc\" is no valid measure.");
        assert_eq!(convert(Opt::Flag, Some("x")).unwrap_err(), "no argument is allowed; \"x\" supplied");
        assert!(convert(Opt::Align, Some("Center")).is_ok());
        let rows = csv_rows(&["a,\"b,c\",d".to_string()]).unwrap();
        assert_eq!(rows[0].1, ["a", "b,c", "d"]);
        assert!(csv_rows(&["a,\"b".to_string()]).is_none());
        assert_eq!(py_repr("1\n:x"), "'1\\n:x'");
        assert_eq!(parse_indirect(&["`a b`_".to_string()]), Some("a b".into()));
    }

    #[test]
    fn widths_are_positive_int_lists() {
        assert!(convert(Opt::Widths, Some("auto")).is_ok());
        assert!(convert(Opt::Widths, Some("1_0 20")).is_ok());
        assert!(convert(Opt::Widths, Some(" 10, 20 ")).is_ok());
        let junk = convert(Opt::Widths, Some("10 20__")).unwrap_err();
        assert_eq!(junk, "invalid literal for int() with base 10: '20__'");
        assert_eq!(
            convert(Opt::Widths, Some("1,,2")).unwrap_err(),
            "invalid literal for int() with base 10: ''"
        );
        assert_eq!(
            convert(Opt::Widths, Some("0 1")).unwrap_err(),
            "negative or zero value; must be positive"
        );
        assert_eq!(py_int(" -1_000 "), Some(-1000));
        assert_eq!(py_int("_1"), None);
        assert_eq!(py_int("1__0"), None);
    }
}
