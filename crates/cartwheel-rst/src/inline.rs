//! Inline markup (`docutils.parsers.rst.states.Inliner`): start/end-string recognition with
//! docutils' own look-around patterns, and what the verdict needs of each construct: the
//! warnings, interpreted text roles, and the names, references and substitutions it notes.

use std::sync::LazyLock;

use fancy_regex::{Captures, Regex};

use super::doc::{normalize_name, whitespace_normalize, Doc, RefKind};

/// docutils.utils.punctuation_chars, as regex class bodies.
const OPENERS: &str = "\"'(<\\[{\u{f3a}\u{f3c}\u{169b}\u{2045}\u{207d}\u{208d}\u{2329}\u{2768}\u{276a}\u{276c}\u{276e}\u{2770}\u{2772}\u{2774}\u{27c5}\u{27e6}\u{27e8}\u{27ea}\u{27ec}\u{27ee}\u{2983}\u{2985}\u{2987}\u{2989}\u{298b}\u{298d}\u{298f}\u{2991}\u{2993}\u{2995}\u{2997}\u{29d8}\u{29da}\u{29fc}\u{2e22}\u{2e24}\u{2e26}\u{2e28}\u{3008}\u{300a}\u{300c}\u{300e}\u{3010}\u{3014}\u{3016}\u{3018}\u{301a}\u{301d}\u{301d}\u{fd3e}\u{fe17}\u{fe35}\u{fe37}\u{fe39}\u{fe3b}\u{fe3d}\u{fe3f}\u{fe41}\u{fe43}\u{fe47}\u{fe59}\u{fe5b}\u{fe5d}\u{ff08}\u{ff3b}\u{ff5b}\u{ff5f}\u{ff62}\u{ab}\u{2018}\u{201c}\u{2039}\u{2e02}\u{2e04}\u{2e09}\u{2e0c}\u{2e1c}\u{2e20}\u{201a}\u{201e}\u{bb}\u{2019}\u{201d}\u{203a}\u{2e03}\u{2e05}\u{2e0a}\u{2e0d}\u{2e1d}\u{2e21}\u{201b}\u{201f}";
const CLOSERS: &str = "\"')>\\]}\u{f3b}\u{f3d}\u{169c}\u{2046}\u{207e}\u{208e}\u{232a}\u{2769}\u{276b}\u{276d}\u{276f}\u{2771}\u{2773}\u{2775}\u{27c6}\u{27e7}\u{27e9}\u{27eb}\u{27ed}\u{27ef}\u{2984}\u{2986}\u{2988}\u{298a}\u{298c}\u{298e}\u{2990}\u{2992}\u{2994}\u{2996}\u{2998}\u{29d9}\u{29db}\u{29fd}\u{2e23}\u{2e25}\u{2e27}\u{2e29}\u{3009}\u{300b}\u{300d}\u{300f}\u{3011}\u{3015}\u{3017}\u{3019}\u{301b}\u{301e}\u{301f}\u{fd3f}\u{fe18}\u{fe36}\u{fe38}\u{fe3a}\u{fe3c}\u{fe3e}\u{fe40}\u{fe42}\u{fe44}\u{fe48}\u{fe5a}\u{fe5c}\u{fe5e}\u{ff09}\u{ff3d}\u{ff5d}\u{ff60}\u{ff63}\u{bb}\u{2019}\u{201d}\u{203a}\u{2e03}\u{2e05}\u{2e0a}\u{2e0d}\u{2e1d}\u{2e21}\u{201b}\u{201f}\u{ab}\u{2018}\u{201c}\u{2039}\u{2e02}\u{2e04}\u{2e09}\u{2e0c}\u{2e1c}\u{2e20}\u{201a}\u{201e}";
const DELIMITERS: &str = "\\-/:\u{58a}\u{a1}\u{b7}\u{bf}\u{37e}\u{387}\u{55a}-\u{55f}\u{589}\u{5be}\u{5c0}\u{5c3}\u{5c6}\u{5f3}\u{5f4}\u{609}\u{60a}\u{60c}\u{60d}\u{61b}\u{61e}\u{61f}\u{66a}-\u{66d}\u{6d4}\u{700}-\u{70d}\u{7f7}-\u{7f9}\u{830}-\u{83e}\u{964}\u{965}\u{970}\u{df4}\u{e4f}\u{e5a}\u{e5b}\u{f04}-\u{f12}\u{f85}\u{fd0}-\u{fd4}\u{104a}-\u{104f}\u{10fb}\u{1361}-\u{1368}\u{1400}\u{166d}\u{166e}\u{16eb}-\u{16ed}\u{1735}\u{1736}\u{17d4}-\u{17d6}\u{17d8}-\u{17da}\u{1800}-\u{180a}\u{1944}\u{1945}\u{19de}\u{19df}\u{1a1e}\u{1a1f}\u{1aa0}-\u{1aa6}\u{1aa8}-\u{1aad}\u{1b5a}-\u{1b60}\u{1c3b}-\u{1c3f}\u{1c7e}\u{1c7f}\u{1cd3}\u{2010}-\u{2017}\u{2020}-\u{2027}\u{2030}-\u{2038}\u{203b}-\u{203e}\u{2041}-\u{2043}\u{2047}-\u{2051}\u{2053}\u{2055}-\u{205e}\u{2cf9}-\u{2cfc}\u{2cfe}\u{2cff}\u{2e00}\u{2e01}\u{2e06}-\u{2e08}\u{2e0b}\u{2e0e}-\u{2e1b}\u{2e1e}\u{2e1f}\u{2e2a}-\u{2e2e}\u{2e30}\u{2e31}\u{3001}-\u{3003}\u{301c}\u{3030}\u{303d}\u{30a0}\u{30fb}\u{a4fe}\u{a4ff}\u{a60d}-\u{a60f}\u{a673}\u{a67e}\u{a6f2}-\u{a6f7}\u{a874}-\u{a877}\u{a8ce}\u{a8cf}\u{a8f8}-\u{a8fa}\u{a92e}\u{a92f}\u{a95f}\u{a9c1}-\u{a9cd}\u{a9de}\u{a9df}\u{aa5c}-\u{aa5f}\u{aade}\u{aadf}\u{abeb}\u{fe10}-\u{fe16}\u{fe19}\u{fe30}-\u{fe32}\u{fe45}\u{fe46}\u{fe49}-\u{fe4c}\u{fe50}-\u{fe52}\u{fe54}-\u{fe58}\u{fe5f}-\u{fe61}\u{fe63}\u{fe68}\u{fe6a}\u{fe6b}\u{ff01}-\u{ff03}\u{ff05}-\u{ff07}\u{ff0a}\u{ff0c}-\u{ff0f}\u{ff1a}\u{ff1b}\u{ff1f}\u{ff20}\u{ff3c}\u{ff61}\u{ff64}\u{ff65}\u{10100}\u{10101}\u{1039f}\u{103d0}\u{10857}\u{1091f}\u{1093f}\u{10a50}-\u{10a58}\u{10a7f}\u{10b39}-\u{10b3f}\u{110bb}\u{110bc}\u{110be}-\u{110c1}\u{12470}-\u{12473}";
const CLOSING_DELIMITERS: &str = "\\\\.,;!?";

/// `Inliner.simplename`: a reference name without spaces.
pub const SIMPLENAME: &str = r"(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*";

fn end_suffix() -> String {
    format!(r"(?:$|(?=\s|[\x00{CLOSING_DELIMITERS}{DELIMITERS}{CLOSERS}]))")
}

fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("docutils pattern")
}

struct Patterns {
    /// `patterns.initial` without its start-string prefix, anchored: tried only where
    /// `prefix` allows a construct to start.
    initial: Regex,
    prefix: regex::Regex,
    emphasis: EndPattern,
    strong: EndPattern,
    interpreted: EndPattern,
    literal: EndPattern,
    target: EndPattern,
    substitution: EndPattern,
    embedded: Regex,
    uri_scheme: Regex,
}

/// What an end-string's look-behind refuses just before it.
#[derive(Clone, Copy)]
enum Before {
    /// `(?<!\s)`.
    Space,
    /// `(?<![\s\x00])`: not whitespace, not an escape.
    SpaceOrEscape,
    /// `(?<!(?<!\x00)[\s\x00])`: not whitespace or NUL unless that one is escaped.
    UnescapedSpace,
}

/// One of docutils' end-string patterns (`(?<!...)(END)end_suffix`), searched as Python's
/// `re.search` does but with the look-behind checked by hand at each occurrence of the
/// end-string's first character, and the rest anchored there.
///
/// The look-around regex is slow per call, and a start-string without an end-string makes
/// docutils search the rest of the text from every later start-string: so it runs only where
/// the end-string's fixed text is present and the character after it can end a construct
/// (`**a **a ...` took minutes for 10 KB before).
struct EndPattern {
    needle: char,
    before: Before,
    /// The end-string's fixed text.
    fixed: &'static str,
    /// Characters that may follow `fixed` and start an optional suffix (`_`, `:role:`).
    suffix_starts: &'static [char],
    anchored: Regex,
}

impl EndPattern {
    fn new(
        before: Before,
        fixed: &'static str,
        suffix_starts: &'static [char],
        group: &str,
        end: &str,
    ) -> Self {
        let needle = fixed.chars().next().expect("end-string");
        EndPattern { needle, before, fixed, suffix_starts, anchored: compile(&format!("^{group}{end}")) }
    }

    /// What the anchored pattern needs at `rest` (a cheap necessary condition).
    fn may_match(&self, rest: &str) -> bool {
        let Some(after) = rest.strip_prefix(self.fixed) else { return false };
        let ends = |t: &str| t.chars().next().is_none_or(ends_construct);
        match after.chars().next() {
            None => true,
            // `_` or `__` (a reference suffix) must itself be followed by an end.
            Some('_') if self.suffix_starts.contains(&'_') => {
                ends(&after[1..]) || after.strip_prefix("__").is_some_and(ends)
            }
            Some(c) => self.suffix_starts.contains(&c) || ends_construct(c),
        }
    }

    /// The leftmost match: its offset in `text` and the captures of `text[offset..]`.
    fn search<'t>(&self, text: &'t str) -> Option<(usize, Captures<'t>)> {
        let space = |c: char| c.is_whitespace() || c == '\0';
        for (i, _) in text.match_indices(self.needle) {
            let mut back = text[..i].chars().rev();
            let ok = match (self.before, back.next()) {
                (_, None) => true,
                (Before::Space, Some(c)) => !c.is_whitespace(),
                (Before::SpaceOrEscape, Some(c)) => !space(c),
                (Before::UnescapedSpace, Some(c)) => !space(c) || back.next() == Some('\0'),
            };
            if ok && self.may_match(&text[i..]) {
                if let Ok(Some(m)) = self.anchored.captures(&text[i..]) {
                    return Some((i, m));
                }
            }
        }
        None
    }
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let end = end_suffix();
    Patterns {
        initial: compile(&format!(
            r"^(?P<initial>(?P<start>\*\*|\*(?!\*)|``|_`|\|(?!\|))(?!\s)|(?P<whole>(?P<refname>{SIMPLENAME})(?P<refend>__?)|\[(?P<fnlabel>[0-9]+|\#(?:{SIMPLENAME})?|\*|(?P<citation>{SIMPLENAME}))(?P<fnend>\]_)){end}|(?P<role>(?::{SIMPLENAME}:)?)(?P<backquote>`(?!`))(?!\s))"
        )),
        prefix: regex::Regex::new(&format!(r"^(?:\s|[{OPENERS}{DELIMITERS}])$")).expect("docutils pattern"),
        emphasis: EndPattern::new(Before::SpaceOrEscape, "*", &[], r"(\*)", &end),
        strong: EndPattern::new(Before::SpaceOrEscape, "**", &[], r"(\*\*)", &end),
        interpreted: EndPattern::new(
            Before::UnescapedSpace,
            "`",
            &[':', '_'],
            &format!(r"(`(?P<suffix>(?P<role>:{SIMPLENAME}:)?(?P<refend>__?)?))"),
            &end,
        ),
        literal: EndPattern::new(Before::Space, "``", &[], r"(``)", &end),
        target: EndPattern::new(Before::SpaceOrEscape, "`", &[], r"(`)", &end),
        substitution: EndPattern::new(Before::SpaceOrEscape, "|", &['_'], r"(\|_{0,2})", &end),
        embedded: compile(r"((?:[ \n]+|^)<(?!\s)((?:[^<>]|\x00[<>])+)(?<![\s\x00])>)$"),
        uri_scheme: compile(r"^[a-zA-Z][a-zA-Z0-9.+-]*:"),
    }
});

/// `end_suffix`'s look-ahead for one character: whitespace, NUL or closing punctuation.
fn ends_construct(c: char) -> bool {
    static CLASS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(&format!(r"^(?:\s|[\x00{CLOSING_DELIMITERS}{DELIMITERS}{CLOSERS}])$"))
            .expect("docutils pattern")
    });
    let mut buf = [0u8; 4];
    CLASS.is_match(c.encode_utf8(&mut buf))
}

/// `docutils.utils.escape2null`: a backslash-escaped character becomes NUL + the character.
pub fn escape2null(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push('\0');
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `docutils.utils.unescape` (backslashes dropped, escaped whitespace removed).
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\0' {
            if chars.peek().is_some_and(|&n| n == ' ' || n == '\n') {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `punctuation_chars.match_chars`: the start-string sits between a matching pair.
fn match_chars(open: char, close: char) -> bool {
    let openers: Vec<char> = OPENERS.chars().filter(|&c| c != '\\').collect();
    let closers: Vec<char> = CLOSERS.chars().filter(|&c| c != '\\').collect();
    let Some(i) = openers.iter().position(|&c| c == open) else { return false };
    if closers.get(i) == Some(&close) {
        return true;
    }
    let pairs: &[(char, &str)] = &[
        ('\u{bb}', "\u{bb}"),
        ('\u{2018}', "\u{201a}"),
        ('\u{2019}', "\u{2019}"),
        ('\u{201a}', "\u{2018}\u{2019}"),
        ('\u{201c}', "\u{201e}"),
        ('\u{201e}', "\u{201c}\u{201d}"),
        ('\u{201d}', "\u{201d}"),
        ('\u{203a}', "\u{203a}"),
    ];
    pairs.iter().any(|&(o, cs)| o == open && cs.contains(close))
}

/// Roles known to docutils' English language module and role registry.
pub const ROLES: &[&str] = &[
    "abbreviation",
    "ab",
    "acronym",
    "ac",
    "code",
    "emphasis",
    "literal",
    "math",
    "pep-reference",
    "pep",
    "rfc-reference",
    "rfc",
    "strong",
    "subscript",
    "sub",
    "superscript",
    "sup",
    "title-reference",
    "title",
    "t",
    "raw",
    "index",
    "i",
    "anonymous-reference",
    "citation-reference",
    "footnote-reference",
    "named-reference",
    "substitution-reference",
    "uri-reference",
    "uri",
    "url",
    "target",
    "restructuredtext-unimplemented-role",
];

fn group_range(c: &Captures, name: &str) -> Option<(usize, usize)> {
    c.name(name).map(|m| (m.start(), m.end()))
}

/// `Inliner.parse` over one text block whose messages carry `lineno`.
/// `patterns.initial.search(text)`: the leftmost position where docutils' start-string prefix
/// holds (start of text, or after whitespace, an opener or a delimiter) and a construct starts
/// there. The look-around regex runs only at positions that can start one: a start-string
/// character, `[`, a role's `:`, or a word whose run of non-space characters holds a `_`.
fn find_initial(text: &str) -> Option<(usize, Captures<'_>)> {
    let p = &*PATTERNS;
    let mut prev: Option<char> = None;
    let mut word_has_underscore: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let candidate = match c {
            '*' | '`' | '_' | '|' | '[' | ':' => true,
            c if c.is_alphanumeric() => {
                if prev.is_none_or(|p| !p.is_alphanumeric() && p != '_') || word_has_underscore.is_none() {
                    let rest = &text[i..];
                    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    word_has_underscore = Some(rest[..end].contains('_'));
                }
                word_has_underscore == Some(true)
            }
            _ => false,
        };
        if c.is_whitespace() {
            word_has_underscore = None;
        }
        let prefix_ok = match prev {
            None => true,
            Some(pc) => {
                let mut buf = [0u8; 4];
                p.prefix.is_match(pc.encode_utf8(&mut buf))
            }
        };
        prev = Some(c);
        if candidate && prefix_ok {
            if let Ok(Some(m)) = p.initial.captures(&text[i..]) {
                return Some((i, m));
            }
        }
    }
    None
}

/// Returns the text without markup (docutils' `astext()`, for a section's name).
pub fn parse(doc: &mut Doc, text: &str, lineno: Option<usize>) -> String {
    let p = &*PATTERNS;
    let escaped = escape2null(text);
    // A slice, not a copy per construct (quadratic in a long paragraph).
    let mut remaining: &str = &escaped;
    let mut astext = String::new();
    // Every start-string and reference contains one of these: most text has none, and the
    // look-around regex is the costly part of a README.
    // readme_renderer halts at the first problem: nothing after it can change the verdict,
    // and a long paragraph of unclosed start-strings is quadratic to scan.
    while doc.problems.is_empty() && remaining.contains(['*', '`', '|', '_']) {
        let Some((at, m)) = find_initial(remaining) else { break };
        let group_range = |m: &Captures, name: &str| group_range(m, name).map(|(s, e)| (s + at, e + at));
        let (next, shown) = if let Some((s, e)) = group_range(&m, "start") {
            let start = &remaining[s..e];
            let (pattern, what) = match start {
                "**" => (&p.strong, "strong"),
                "*" => (&p.emphasis, "emphasis"),
                "``" => (&p.literal, "literal"),
                "_`" => (&p.target, "target"),
                _ => (&p.substitution, "substitution_reference"),
            };
            inline_obj(doc, remaining, s, e, pattern, what, lineno)
        } else if let Some((s, e)) = group_range(&m, "backquote") {
            let role = m
                .name("role")
                .map(|r| (r.start() + at, r.as_str().to_string()))
                .filter(|(_, r)| !r.is_empty());
            interpreted_or_phrase_ref(doc, remaining, s, e, role, lineno)
        } else if let Some((s, e)) = group_range(&m, "whole") {
            if let Some(name) = m.name("refname") {
                let anonymous = m.name("refend").is_some_and(|r| r.as_str() == "__");
                if anonymous {
                    doc.anon_refs += 1;
                    doc.illegal_in_subst("Anonymous references");
                } else {
                    doc.note_ref(RefKind::Named, &normalize_name(&unescape(name.as_str())), lineno);
                }
            } else if let Some(label) = m.name("fnlabel") {
                footnote_reference(doc, label.as_str(), m.name("citation").is_some(), lineno);
            }
            let shown = m.name("refname").or_else(|| m.name("fnlabel")).map(|n| (s, n.as_str().to_string()));
            (e.max(s), shown)
        } else {
            break;
        };
        match shown {
            Some((start, text)) => {
                astext.push_str(&remaining[..start]);
                astext.push_str(&text);
            }
            None => astext.push_str(&remaining[..next]),
        }
        remaining = &remaining[next..];
    }
    astext.push_str(remaining);
    unescape(&astext)
}

/// Returns where parsing resumes.
fn inline_obj(
    doc: &mut Doc,
    string: &str,
    start: usize,
    end: usize,
    pattern: &EndPattern,
    what: &str,
    lineno: Option<usize>,
) -> (usize, Option<(usize, String)>) {
    if quoted_start(string, start, end) {
        return (end, None);
    }
    if let Some((at, em)) = pattern.search(&string[end..]) {
        let g = em.get(1).expect("group 1");
        if at > 0 {
            let text = &string[end..end + at];
            let endstring = g.as_str();
            match what {
                "target" => {
                    let name = normalize_name(&unescape(text));
                    doc.illegal_in_subst("Targets (names and identifiers)");
                    // Not yet in the tree when noted: a duplicate is reported at the current line.
                    doc.note_target(
                        super::doc::Target { name: Some(name), line: None, ..Default::default() },
                        true,
                    );
                }
                "substitution_reference" => {
                    let sub = unescape(text);
                    doc.subst_refs.push((whitespace_normalize(&sub), lineno));
                    if endstring.ends_with("__") {
                        doc.anon_refs += 1;
                        doc.illegal_in_subst("Anonymous references");
                    } else if endstring.ends_with('_') {
                        doc.note_ref(RefKind::Named, &normalize_name(&sub), lineno);
                    }
                }
                _ => {}
            }
            return (end + at + g.end(), Some((start, text.to_string())));
        }
    }
    doc.report(2, format!("Inline {what} start-string without end-string."), lineno);
    (end, None)
}

/// `Inliner.quoted_start`: `start` is at the text's start, or the start-string is enclosed in a
/// matching pair, or ends the text.
fn quoted_start(string: &str, start: usize, end: usize) -> bool {
    if start == 0 {
        return false;
    }
    let pre = string[..start].chars().next_back().expect("char before");
    match string[end..].chars().next() {
        None => true,
        Some(post) => match_chars(pre, post),
    }
}

fn interpreted_or_phrase_ref(
    doc: &mut Doc,
    string: &str,
    start: usize,
    end: usize,
    role: Option<(usize, String)>,
    lineno: Option<usize>,
) -> (usize, Option<(usize, String)>) {
    let p = &*PATTERNS;
    let mut role_name = role.as_ref().map(|(_, r)| r[1..r.len() - 1].to_string());
    let mut position = "prefix";
    if role_name.is_none() && quoted_start(string, start, end) {
        return (end, None);
    }
    let from = role.as_ref().map_or(start, |(s, _)| *s);
    if let Some((at, em)) = p.interpreted.search(&string[end..]) {
        if at > 0 {
            let textend = end + at + em.get(0).expect("match").end();
            if let Some(suffix_role) = em.name("role") {
                if role_name.is_some() {
                    doc.report(
                        2,
                        "Multiple roles in interpreted text (both prefix and suffix present; only one allowed).",
                        lineno,
                    );
                    return (textend, None);
                }
                role_name = Some(suffix_role.as_str()[1..suffix_role.as_str().len() - 1].to_string());
                position = "suffix";
            }
            let escaped = &string[end..end + at];
            let raw_end = em.name("refend").map(|r| r.as_str());
            if let Some(refend) = raw_end {
                if role_name.is_some() {
                    doc.report(
                        2,
                        format!("Mismatch: both interpreted text role {position} and reference suffix."),
                        lineno,
                    );
                    return (textend, None);
                }
                let shown = phrase_ref(doc, escaped, refend == "__", lineno);
                return (textend, Some((from, shown)));
            }
            interpreted(doc, role_name.as_deref(), escaped, lineno);
            return (textend, Some((from, escaped.to_string())));
        }
    }
    doc.report(2, "Inline interpreted text or phrase reference start-string without end-string.", lineno);
    (end, None)
}

/// Returns the reference's text.
fn phrase_ref(doc: &mut Doc, escaped: &str, anonymous: bool, lineno: Option<usize>) -> String {
    let p = &*PATTERNS;
    let embedded = p.embedded.captures(escaped).ok().flatten();
    if let Some(m) = embedded {
        if !anonymous {
            // The embedded alias becomes a named target.
            doc.illegal_in_subst("Targets (names and identifiers)");
        }
        let text = &escaped[..m.get(0).expect("match").start()];
        let shown =
            if text.is_empty() { m.get(2).expect("alias").as_str().to_string() } else { text.to_string() };
        let alias = m.get(2).expect("alias").as_str();
        let is_name =
            alias.ends_with('_') && !alias.ends_with("\0_") && !p.uri_scheme.is_match(alias).unwrap_or(false);
        let refname = normalize_name(&unescape(if text.is_empty() { alias } else { text }));
        if is_name {
            let alias_name = normalize_name(&unescape(&alias[..alias.len() - 1]));
            if anonymous {
                doc.note_ref(RefKind::Named, &alias_name, lineno);
            } else {
                let idx = doc.note_target(
                    super::doc::Target {
                        name: Some(refname),
                        refname: Some(alias_name.clone()),
                        line: lineno,
                        ..Default::default()
                    },
                    false,
                );
                doc.indirect.push(idx);
                doc.note_ref(RefKind::Named, &alias_name, lineno);
            }
        } else if !anonymous {
            let uri: String = unescape(alias).split_whitespace().collect();
            doc.note_target(
                super::doc::Target {
                    name: Some(refname),
                    refuri: Some(uri),
                    line: lineno,
                    ..Default::default()
                },
                false,
            );
        }
        shown
    } else {
        if anonymous {
            doc.anon_refs += 1;
            doc.illegal_in_subst("Anonymous references");
        } else {
            doc.note_ref(RefKind::Named, &normalize_name(&unescape(escaped)), lineno);
        }
        escaped.to_string()
    }
}

fn interpreted(doc: &mut Doc, role: Option<&str>, text: &str, lineno: Option<usize>) {
    let role = match role {
        Some(r) => r.to_lowercase(),
        None => doc.default_role.clone(),
    };
    let base = match doc.roles.get(&role) {
        Some(base) => base.clone(),
        None if ROLES.contains(&role.as_str()) => role.clone(),
        None => {
            doc.report(3, format!("Unknown interpreted text role \"{role}\"."), lineno);
            return;
        }
    };
    let text = unescape(text);
    if let Some(language) = base.strip_prefix("code:") {
        if !language.is_empty() && language != "text" && !super::lexers::known(language) {
            doc.report(2, format!("Cannot analyze code. No Pygments lexer found for \"{language}\"."), None);
        }
        return;
    }
    match base.as_str() {
        "raw" => doc.report(2, "raw (and derived) roles disabled", None),
        "index"
        | "i"
        | "named-reference"
        | "anonymous-reference"
        | "uri-reference"
        | "uri"
        | "url"
        | "footnote-reference"
        | "citation-reference"
        | "substitution-reference"
        | "target"
        | "restructuredtext-unimplemented-role" => {
            let canonical = match base.as_str() {
                "i" => "index",
                "uri" | "url" => "uri-reference",
                other => other,
            };
            doc.report(3, format!("Interpreted text role \"{canonical}\" not implemented."), lineno);
        }
        "pep" | "pep-reference" if !text.parse::<i64>().is_ok_and(|n| (0..=9999).contains(&n)) => {
            doc.report(
                3,
                format!("PEP number must be a number from 0 to 9999; \"{text}\" is invalid."),
                lineno,
            );
        }
        "rfc" | "rfc-reference" => {
            let num = text.split('#').next().unwrap_or("");
            if !num.parse::<i64>().is_ok_and(|n| n >= 1) {
                doc.report(
                    3,
                    format!("RFC number must be a number greater than or equal to 1; \"{text}\" is invalid."),
                    lineno,
                );
            }
        }
        _ => {}
    }
}

fn footnote_reference(doc: &mut Doc, label: &str, citation: bool, lineno: Option<usize>) {
    let refname = normalize_name(label);
    let auto = refname.starts_with('#') || refname == "*";
    doc.illegal_in_subst(if auto {
        "References to auto-numbered and auto-symbol footnotes"
    } else {
        "Targets (names and identifiers)"
    });
    if citation {
        doc.note_ref(RefKind::Citation, &refname, lineno);
    } else if let Some(name) = refname.strip_prefix('#') {
        // Labelled or not, an auto-numbered reference is numbered unless a labelled
        // auto-numbered footnote takes it.
        doc.auto_footnote_refs.push((Some(name.to_string()).filter(|n| !n.is_empty()), lineno));
        if !name.is_empty() {
            doc.note_ref(RefKind::Footnote, name, lineno);
        }
    } else if refname == "*" {
        doc.symbol_refs.push(lineno);
    } else {
        doc.note_ref(RefKind::Footnote, &refname, lineno);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Option<String> {
        let mut doc = Doc::default();
        parse(&mut doc, text, Some(1));
        doc.problems.first().map(|p| p.message.clone())
    }

    #[test]
    fn start_and_end_strings() {
        assert_eq!(first("a *b* **c** ``d`` `e`"), None);
        assert_eq!(first("2 * 3 and 2*3 and (*) '*'"), None);
        assert_eq!(first("a *b"), Some("Inline emphasis start-string without end-string.".into()));
        assert_eq!(first("``x"), Some("Inline literal start-string without end-string.".into()));
        assert_eq!(first("**x"), Some("Inline strong start-string without end-string.".into()));
        assert_eq!(
            first("`x"),
            Some("Inline interpreted text or phrase reference start-string without end-string.".into())
        );
        assert_eq!(first(r"\*x"), None);
    }

    #[test]
    fn roles() {
        assert_eq!(first(":code:`x` :sup:`2`"), None);
        assert_eq!(first(":bogus:`x`"), Some("Unknown interpreted text role \"bogus\".".into()));
        assert_eq!(first(":raw:`x`"), Some("raw (and derived) roles disabled".into()));
        assert_eq!(
            first(":code:`x`_"),
            Some("Mismatch: both interpreted text role prefix and reference suffix.".into())
        );
    }
}
