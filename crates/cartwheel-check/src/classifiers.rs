//! The trove classifiers PyPI accepts, bundled at build time from the `trove-classifiers`
//! package (`scripts/refresh-classifiers.py` regenerates `classifiers.txt`).

use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("classifiers.txt");

/// What PyPI makes of one classifier.
#[derive(Debug, PartialEq, Eq)]
pub enum Status {
    /// Accepted.
    Known,
    /// Refused; these replace it (possibly none).
    Deprecated(Vec<&'static str>),
    /// Refused: not a classifier.
    Unknown,
}

/// Classifier → `None` (known) or its replacements (deprecated).
fn table() -> &'static HashMap<&'static str, Option<Vec<&'static str>>> {
    static TABLE: OnceLock<HashMap<&'static str, Option<Vec<&'static str>>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| match l.strip_prefix('!') {
                Some(dep) => {
                    let (name, repl) = dep.split_once('\t').unwrap_or((dep, ""));
                    (name, Some(repl.split('|').filter(|r| !r.is_empty()).collect()))
                }
                None => (l, None),
            })
            .collect()
    })
}

/// Look `classifier` up.
pub fn status(classifier: &str) -> Status {
    match table().get(classifier) {
        Some(None) => Status::Known,
        Some(Some(repl)) => Status::Deprecated(repl.clone()),
        None => Status::Unknown,
    }
}

/// The trove-classifiers release the table was generated from.
pub fn source_version() -> &'static str {
    DATA.lines()
        .next()
        .and_then(|l| l.strip_prefix("# trove-classifiers "))
        .and_then(|l| l.split(':').next())
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_table() {
        assert_eq!(status("Programming Language :: Python :: 3"), Status::Known);
        assert_eq!(
            status("Natural Language :: Ukranian"),
            Status::Deprecated(vec!["Natural Language :: Ukrainian"])
        );
        assert_eq!(status("Programming Language :: Cobol :: 99"), Status::Unknown);
        assert!(source_version().starts_with("20"));
    }
}
