//! packaging's own grammar for requirements and version specifiers, which pep508_rs and
//! pep440_rs relax (they take `foo>=1 and <2`, `foo; os_name == "a" or`, `>=3.8 <4`,
//! `1.0.dev1.post1`...). twine validates with packaging, so `cartwheel check` must refuse
//! what it refuses. A port of `packaging._parser` (recursive descent over regex tokens) and of
//! `packaging.specifiers.Specifier`'s regex; it only says yes or no.

use std::sync::LazyLock;

use crate::pattern::Pattern;

/// One PEP 440 specifier clause (`>=1.0`, `==1.*`, `===x`), as `Specifier._specifier_regex_str`.
const SPECIFIER: &str = r"(?ix)
    (?:
        (?: === \s* [^\s;)]* )
        |
        (?:
            (?:==|!=) \s* v? (?:[0-9]+!)? [0-9]+(?:\.[0-9]+)*
            (?:
                \.\*
                |
                (?: [-_\.]? (alpha|beta|preview|pre|a|b|c|rc) [-_\.]? [0-9]* )?
                (?: (?:-[0-9]+)|(?:[-_\.]?(post|rev|r)[-_\.]?[0-9]*) )?
                (?: [-_\.]?dev[-_\.]?[0-9]* )?
                (?: \+[a-z0-9]+(?:[-_\.][a-z0-9]+)* )?
            )?
        )
        |
        (?:
            (?:~=) \s* v? (?:[0-9]+!)? [0-9]+(?:\.[0-9]+)+
            (?: [-_\.]? (alpha|beta|preview|pre|a|b|c|rc) [-_\.]? [0-9]* )?
            (?: (?:-[0-9]+)|(?:[-_\.]?(post|rev|r)[-_\.]?[0-9]*) )?
            (?: [-_\.]?dev[-_\.]?[0-9]* )?
        )
        |
        (?:
            (?:<=|>=|<|>) \s* v? (?:[0-9]+!)? [0-9]+(?:\.[0-9]+)*
            (?: [-_\.]? (alpha|beta|preview|pre|a|b|c|rc) [-_\.]? [0-9]* )?
            (?: (?:-[0-9]+)|(?:[-_\.]?(post|rev|r)[-_\.]?[0-9]*) )?
            (?: [-_\.]?dev[-_\.]?[0-9]* )?
        )
    )";

/// The tokens of `packaging._tokenizer.DEFAULT_RULES` the grammar needs.
#[derive(Clone, Copy)]
enum Token {
    Ws,
    Identifier,
    Specifier,
    Url,
    QuotedString,
    Op,
    BoolOp,
    In,
    Not,
    Variable,
}

static RULES: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let rule = |re: &str| Pattern::new(format!("^(?:{re})"));
    vec![
        rule(r"[ \t]+"),
        rule(r"\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b"),
        rule(SPECIFIER),
        rule(r"[^ \t]+"),
        rule(r#"'[^']*'|"[^"]*""#),
        rule(r"===|==|~=|!=|<=|>=|<|>"),
        rule(r"\b(?:or|and)\b"),
        rule(r"\bin\b"),
        rule(r"\bnot\b"),
        rule(concat!(
            r"\b(?:python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)",
            r"|platform[._](?:version|machine|python_implementation)|python_implementation",
            r"|implementation_(?:name|version)|extras?|dependency_groups)\b",
        )),
    ]
});

/// A cursor over the text: `check` matches a token at the position, `read` takes it.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    /// Open parentheses: the grammar recurses on each, so it is bounded here too.
    depth: usize,
    /// Whether the whole text is ASCII (the tokens' regex engine depends on it).
    ascii: bool,
}

type Parse<T = ()> = Result<T, ()>;

impl Cursor<'_> {
    fn peek(&self, token: Token) -> Option<usize> {
        RULES[token as usize].find_known(&self.text[self.pos..], self.ascii).map(|m| m.end)
    }

    /// Take `token` when it is next.
    fn take(&mut self, token: Token) -> bool {
        match self.peek(token) {
            Some(len) => {
                self.pos += len;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, token: Token) -> Parse {
        if self.take(token) {
            Ok(())
        } else {
            Err(())
        }
    }

    fn literal(&mut self, text: &str) -> bool {
        if self.text[self.pos..].starts_with(text) {
            self.pos += text.len();
            true
        } else {
            false
        }
    }

    fn ws(&mut self) {
        self.take(Token::Ws);
    }

    fn at_end(&self) -> bool {
        self.pos == self.text.len()
    }
}

/// Whether packaging's `Requirement(text)` accepts `text`.
pub fn requirement(text: &str) -> bool {
    let mut c = Cursor { text, pos: 0, depth: 0, ascii: text.is_ascii() };
    let parsed = (|| -> Parse {
        c.ws();
        c.expect(Token::Identifier)?;
        c.ws();
        extras(&mut c)?;
        c.ws();
        details(&mut c)?;
        if c.at_end() {
            Ok(())
        } else {
            Err(())
        }
    })();
    parsed.is_ok()
}

fn extras(c: &mut Cursor) -> Parse {
    if !c.literal("[") {
        return Ok(());
    }
    c.ws();
    if c.take(Token::Identifier) {
        loop {
            c.ws();
            if !c.literal(",") {
                break;
            }
            c.ws();
            c.expect(Token::Identifier)?;
        }
    }
    c.ws();
    if c.literal("]") {
        Ok(())
    } else {
        Err(())
    }
}

fn details(c: &mut Cursor) -> Parse {
    if c.literal("@") {
        c.ws();
        c.expect(Token::Url)?;
        if c.at_end() {
            return Ok(());
        }
        c.expect(Token::Ws)?;
        if c.at_end() {
            return Ok(());
        }
        return requirement_marker(c);
    }
    let paren = c.literal("(");
    c.ws();
    while c.take(Token::Specifier) {
        c.ws();
        if !c.literal(",") {
            break;
        }
        c.ws();
    }
    c.ws();
    if paren && !c.literal(")") {
        return Err(());
    }
    c.ws();
    if c.at_end() {
        return Ok(());
    }
    requirement_marker(c)
}

fn requirement_marker(c: &mut Cursor) -> Parse {
    if !c.literal(";") {
        return Err(());
    }
    marker(c)?;
    c.ws();
    Ok(())
}

fn marker(c: &mut Cursor) -> Parse {
    marker_atom(c)?;
    while c.take(Token::BoolOp) {
        marker_atom(c)?;
    }
    Ok(())
}

fn marker_atom(c: &mut Cursor) -> Parse {
    c.ws();
    if c.literal("(") {
        c.depth += 1;
        if c.depth > crate::names::MAX_MARKER_NESTING {
            return Err(());
        }
        c.ws();
        marker(c)?;
        c.ws();
        if !c.literal(")") {
            return Err(());
        }
        c.depth -= 1;
    } else {
        marker_var(c)?;
        c.ws();
        if c.take(Token::In) {
        } else if c.take(Token::Not) {
            c.expect(Token::Ws)?;
            c.expect(Token::In)?;
        } else {
            c.expect(Token::Op)?;
        }
        c.ws();
        marker_var(c)?;
    }
    c.ws();
    Ok(())
}

fn marker_var(c: &mut Cursor) -> Parse {
    if c.take(Token::Variable) || c.take(Token::QuotedString) {
        Ok(())
    } else {
        Err(())
    }
}

/// Whether packaging's `SpecifierSet(text)` accepts `text` (Requires-Python).
pub fn specifier_set(text: &str) -> bool {
    static FULL: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(format!(r"^\s*(?:{SPECIFIER})\s*$")));
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).all(|s| FULL.is_match(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_bounded_without_the_caller() {
        let deep = |n| format!("a; {}os_name == 'x'{}", "(".repeat(n), ")".repeat(n));
        assert!(requirement(&deep(crate::names::MAX_MARKER_NESTING)));
        assert!(!requirement(&deep(100_000)));
    }

    /// Each verdict is what packaging 26 says (found comparing `cartwheel check` with twine).
    #[test]
    fn requirements_as_packaging_reads_them() {
        for ok in [
            "foo",
            "foo>=1.0,",
            "foo (>=1.0, <2)",
            "foo[ bar , baz ]>=1",
            "foo[]",
            "foo ===abc",
            "foo==1.0+local",
            "foo!=1.0.*",
            "foo @ https://x.org/f.whl ; python_version < '3'",
            "foo@https://x.org/f.whl",
            "foo; python_version in \"2.7 3.6\"",
            "foo; \"3.8\" < python_version",
            "foo; extra=='test'and os_name=='nt'",
            "foo; (os.name == 'nt' or sys_platform == 'linux') and python_version not in '3.6'",
            "Foo.Bar_baz-qux>=1",
            "foo\t>=1",
        ] {
            assert!(requirement(ok), "{ok:?} refused");
        }
        for bad in [
            "foo[bar]baz",
            "foo; os_name==\"a\" or",
            "foo>=1.0.dev1.post1",
            "foo<=1.0.*",
            "foo; sys_platform.startswith(\"linux\")",
            "foo; python_version < '3.8' # c",
            "foo >= 1.0; python_version < \"3.8\"; extra == \"x\"",
            "foo ~= 1.0.0.*",
            "foo >= 1.0.*",
            "foo == 1.*.0",
            "foo==1.0 ; ",
            "foo>=1.0 extra",
            "foo==\u{663}",
            "\u{f1}ame>=1",
            "foo-==1",
            "foo>=1 and <2",
            "foo\n>=1",
            "foo (>=1",
        ] {
            assert!(!requirement(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn specifier_sets_as_packaging_reads_them() {
        // Python's `re` is Unicode-aware (NO-BREAK SPACE is `\s`): such text goes to the Unicode
        // engine, ASCII text to regex-lite (src/pattern.rs).
        for ok in ["", ">=3.8,", ">=3.8,,<4", "==3.*", "!=3.8.*", ">= 3.8 , < 4", "===foo", ">=\u{a0}3.8"] {
            assert!(specifier_set(ok), "{ok:?} refused");
        }
        for bad in [">= 3.8.*", "~=3", "3.8.*", ">=3.8 <4", ">=3.8+local", "<=3.8.*", ">=\u{663}", ">=3.8; x"]
        {
            assert!(!specifier_set(bad), "{bad:?} accepted");
        }
    }
}
