//! File names that would make an invalid archive or one that cannot be installed everywhere,
//! checked on the files selected for the artifacts only (an excluded file never matters).
//!
//! What breaks for users decides error or warning:
//! - a control character or a backslash makes a name readers disagree on (`\` is a folder
//!   separator to Windows installers, a newline splits a RECORD line): always an error;
//! - two names that differ only by case overwrite each other on macOS and Windows file
//!   systems, silently: always an error;
//! - a name Windows reserves (`CON`, `aux.py`, `lpt1.txt`), a character it forbids (`<>:"|?*`)
//!   or a trailing dot or space fails the install on Windows only: an error when the project
//!   claims Windows (an `Operating System :: Microsoft :: Windows` or `OS Independent`
//!   classifier), else a warning.

use std::collections::HashMap;

use super::{Error, FileEntry};
use crate::diagnostic::Diagnostic;
use crate::project::Project;

/// Names Windows reserves, whatever the extension (`nul.txt` too), compared without case.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
    "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Characters Windows forbids in file names (besides control characters and `\` and `/`).
const FORBIDDEN: [char; 7] = ['<', '>', ':', '"', '|', '?', '*'];

const HELP: &str = "rename it, or add it to `exclude` in `[tool.cartwheel]`";

/// Check the names of the wheel's and the sdist's files; returns the warnings, or the first
/// error.
pub fn check(project: &Project, wheel: &[&FileEntry], sdist: &[FileEntry]) -> Result<Vec<Diagnostic>, Error> {
    check_names(project, wheel, sdist).map_err(|d| Error::Invalid(Box::new(d)))
}

#[allow(clippy::result_large_err)] // boxed once, by `check`
fn check_names(
    project: &Project,
    wheel: &[&FileEntry],
    sdist: &[FileEntry],
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let windows = project.classifiers.iter().any(|c| {
        c.starts_with("Operating System :: Microsoft :: Windows") || c == "Operating System :: OS Independent"
    });
    let mut warnings = Vec::new();
    // A file is in both artifacts: one warning for it, not one per artifact.
    let mut warned = std::collections::HashSet::new();
    for e in wheel.iter().copied().chain(sdist) {
        if plainly_fine(&e.archive_path) || warned.contains(e.rel_path.as_str()) {
            continue;
        }
        for component in e.archive_path.split('/') {
            match problem(component) {
                None => {}
                Some(Problem::Invalid(why)) => {
                    return Err(Diagnostic::error(format!("`{}`: {why}", e.rel_path)).help(HELP));
                }
                Some(Problem::Windows(why)) => {
                    let d = format!(
                        "`{}`: {why}: the artifacts cannot be installed or unpacked on Windows",
                        e.rel_path
                    );
                    if windows {
                        return Err(Diagnostic::error(d).help(format!(
                            "{HELP} (an error because the classifiers say the project runs on Windows)"
                        )));
                    }
                    warnings.push(Diagnostic::warning(d).help(HELP));
                    warned.insert(e.rel_path.as_str());
                }
            }
        }
    }
    let sdist: Vec<&FileEntry> = sdist.iter().collect();
    for files in [wheel, &sdist[..]] {
        let mut seen: HashMap<String, &FileEntry> = HashMap::with_capacity(files.len());
        for &e in files {
            let folded = if e.archive_path.is_ascii() {
                e.archive_path.to_ascii_lowercase()
            } else {
                e.archive_path.to_lowercase()
            };
            if let Some(other) = seen.insert(folded, e) {
                let (a, b) = if other.rel_path < e.rel_path { (other, e) } else { (e, other) };
                return Err(Diagnostic::error(format!(
                    "`{}` and `{}` differ only by case: installed on macOS or Windows, one overwrites the other",
                    a.rel_path, b.rel_path
                ))
                .help("rename one of them, or add it to `exclude` in `[tool.cartwheel]`"));
            }
        }
    }
    Ok(warnings)
}

/// An ASCII path with no character any rule is about and no component a reserved name could
/// be (those are 3 or 4 characters before the first dot): nothing to look at component by
/// component. Django's 10,000 paths are checked in a fraction of the time this way.
fn plainly_fine(path: &str) -> bool {
    let bytes = path.as_bytes();
    let clean =
        bytes.iter().all(|&b| (0x20..0x7f).contains(&b) && b != b'\\' && !FORBIDDEN.contains(&(b as char)));
    clean
        && path.split('/').all(|c| {
            let stem = c.split('.').next().unwrap_or(c);
            !c.ends_with('.') && !c.ends_with(' ') && !matches!(stem.trim_end().len(), 3 | 4)
        })
}

/// What is wrong with one path component.
#[derive(Debug, PartialEq, Eq)]
enum Problem {
    /// No archive can carry it unambiguously.
    Invalid(String),
    /// Windows cannot create it.
    Windows(String),
}

fn problem(name: &str) -> Option<Problem> {
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(Problem::Invalid(format!(
            "the name holds the control character U+{:04X}, which archives and RECORD cannot carry portably",
            c as u32
        )));
    }
    if name.contains('\\') {
        return Some(Problem::Invalid(
            "the name holds a backslash, which zip and tar readers on Windows take for a folder separator"
                .into(),
        ));
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        return Some(Problem::Windows(format!("the name holds `{c}`, which Windows forbids in file names")));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some(Problem::Windows("the name ends with a dot or a space, which Windows drops".into()));
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        return Some(Problem::Windows(format!(
            "`{stem}` is a device name Windows reserves, with any extension"
        )));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(problem("ok.py"), None);
        assert_eq!(problem("console.py"), None);
        assert_eq!(problem("com10.py"), None);
        assert_eq!(problem(".hidden"), None);
        let invalid = |m: &str| Some(Problem::Invalid(m.into()));
        let windows = |m: &str| Some(Problem::Windows(m.into()));
        assert_eq!(
            problem("a\nb"),
            invalid("the name holds the control character U+000A, which archives and RECORD cannot carry portably")
        );
        assert_eq!(
            problem("a\\b.py"),
            invalid("the name holds a backslash, which zip and tar readers on Windows take for a folder separator")
        );
        for (name, stem) in [
            ("aux.py", "aux"),
            ("NUL", "NUL"),
            ("Com1.tar.gz", "Com1"),
            ("lpt9.txt", "lpt9"),
            ("con .txt", "con"),
        ] {
            assert_eq!(
                problem(name),
                windows(&format!("`{stem}` is a device name Windows reserves, with any extension")),
                "{name}"
            );
        }
        assert_eq!(problem("a:b.py"), windows("the name holds `:`, which Windows forbids in file names"));
        assert_eq!(problem("what?.txt"), windows("the name holds `?`, which Windows forbids in file names"));
        for name in ["trailing.", "trailing "] {
            assert_eq!(
                problem(name),
                windows("the name ends with a dot or a space, which Windows drops"),
                "{name:?}"
            );
        }
    }

    #[test]
    fn the_fast_path_passes_only_names_the_rules_pass() {
        let names = [
            "ok.py",
            "console.py",
            "com10.py",
            ".hidden",
            "a\nb",
            "a\\b.py",
            "aux.py",
            "NUL",
            "Com1.tar.gz",
            "lpt9.txt",
            "con .txt",
            "a:b.py",
            "what?.txt",
            "trailing.",
            "trailing ",
            "caf\u{e9}.py",
            "x\u{7f}",
            "abc",
            "abcd.py",
            "abcde.py",
            "pkg/sub/mod.py",
        ];
        for name in names {
            let path = format!("pkg/{name}");
            if plainly_fine(&path) {
                assert!(path.split('/').all(|c| problem(c).is_none()), "{path:?}");
            }
        }
        assert!(plainly_fine("django/contrib/admin/static/admin/js/actions.js"));
        assert!(!plainly_fine("pkg/aux.py") && !plainly_fine("pkg/a:b") && !plainly_fine("caf\u{e9}"));
    }
}
