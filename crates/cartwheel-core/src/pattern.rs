//! Regexes that cost little to compile: `regex-lite` for ASCII text, the Unicode `regex` engine
//! only for text that needs it.
//!
//! Every build compiles packaging's specifier grammar (the build-time check reads
//! Requires-Python) and the `__version__` assignment pattern. The full engine spends 0.5–1 ms
//! on the first (Unicode tables, DFAs): a tenth of what a tiny project's whole build costs
//! beyond the interpreter. `regex-lite` compiles it in about 0.1 ms and matches these short
//! texts as fast. Its `\s`, `\w`, `\b` and `(?i)` are ASCII-only; on ASCII text they mean what
//! the Unicode ones do, so any text with another character goes to the Unicode engine and
//! verdicts stay those of Python's Unicode-aware `re`, which packaging uses.

use std::ops::Range;
use std::sync::OnceLock;

/// One pattern, compiled for each engine the first time that engine is asked.
pub struct Pattern {
    source: String,
    lite: OnceLock<regex_lite::Regex>,
    full: OnceLock<regex::Regex>,
}

impl Pattern {
    /// A pattern both engines accept (checked by the tests of each user).
    pub fn new(source: impl Into<String>) -> Self {
        Self { source: source.into(), lite: OnceLock::new(), full: OnceLock::new() }
    }

    fn lite(&self) -> &regex_lite::Regex {
        self.lite.get_or_init(|| regex_lite::Regex::new(&self.source).expect("valid regex"))
    }

    fn full(&self) -> &regex::Regex {
        self.full.get_or_init(|| regex::Regex::new(&self.source).expect("valid regex"))
    }

    /// Whether the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        if text.is_ascii() {
            self.lite().is_match(text)
        } else {
            self.full().is_match(text)
        }
    }

    /// Where the leftmost match is, in a text the caller knows to be ASCII or not (a tokenizer
    /// asks at every position: checking the rest of the text each time would be quadratic).
    pub fn find_known(&self, text: &str, ascii: bool) -> Option<Range<usize>> {
        if ascii {
            self.lite().find(text).map(|m| m.range())
        } else {
            self.full().find(text).map(|m| m.range())
        }
    }

    /// Group `group` of every successive match (empty where the group did not take part).
    pub fn group_iter<'t>(&self, text: &'t str, group: usize) -> Vec<&'t str> {
        let pick = |m: Option<Range<usize>>| m.map_or("", |r| &text[r]);
        if text.is_ascii() {
            self.lite().captures_iter(text).map(|c| pick(c.get(group).map(|m| m.range()))).collect()
        } else {
            self.full().captures_iter(text).map(|c| pick(c.get(group).map(|m| m.range()))).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_text_uses_the_light_engine_and_other_text_the_unicode_one() {
        let p = Pattern::new(r"^a\s*b$");
        assert!(p.is_match("a \t b"));
        assert!(p.lite.get().is_some() && p.full.get().is_none());
        // NO-BREAK SPACE is `\s` to Python's `re` (and to `regex`), not to regex-lite.
        assert!(p.is_match("a\u{a0}b"));
        assert!(p.full.get().is_some());
        assert!(regex_lite::Regex::new(r"^a\s*b$").unwrap().find("a\u{a0}b").is_none());
    }

    #[test]
    fn both_engines_agree_on_ascii() {
        let p = Pattern::new(r#"(?i)\bextra\s*==\s*['"]([^'"]*)['"]"#);
        for text in ["extra == 'a'", "EXTRA=='b' and extra ==\"c\"", "notextra == 'x'", "extra=", ""] {
            assert_eq!(p.lite().is_match(text), p.full().is_match(text), "{text:?}");
            let lite: Vec<_> = p.lite().captures_iter(text).map(|c| c.get(1).map(|m| m.range())).collect();
            let full: Vec<_> = p.full().captures_iter(text).map(|c| c.get(1).map(|m| m.range())).collect();
            assert_eq!(lite, full, "{text:?}");
        }
        assert_eq!(p.group_iter("EXTRA=='b' and extra ==\"c\"", 1), ["b", "c"]);
    }
}
