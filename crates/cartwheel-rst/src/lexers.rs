//! The Pygments lexer names docutils can highlight with, bundled from Pygments
//! (`scripts/refresh-lexers.py` regenerates `lexers.txt`).

use std::collections::HashSet;
use std::sync::LazyLock;

const DATA: &str = include_str!("lexers.txt");

static ALIASES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| DATA.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect());

/// Whether `get_lexer_by_name(language)` finds a lexer (names are case-insensitive).
pub fn known(language: &str) -> bool {
    ALIASES.contains(language.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn bundled_aliases() {
        assert!(super::known("Python") && super::known("console") && super::known("rst"));
        assert!(!super::known("nosuchlang"));
        assert!(super::DATA.starts_with("# Pygments "));
    }
}
