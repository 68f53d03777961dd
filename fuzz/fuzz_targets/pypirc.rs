//! .pypirc text through the reader and the repository resolution `cartwheel publish` runs on it
//! (every section as `-r NAME`, and no `-r`): nothing panics, and a password never shows in what
//! comes back (the parse's `Debug`, the resolved target, any error).
#![no_main]

use cartwheel_publish::pypirc::Pypirc;
use cartwheel_publish::target::{resolve, Options};
use libfuzzer_sys::fuzz_target;

const FILE: &str = "~/.pypirc";

/// Only what looks like a PyPI token counts as a secret here: any shorter or commoner text may
/// also be a key, a URL or a word of a message.
fn secret_shaped(value: &str) -> bool {
    value.contains("pypi-")
}

/// The keys and section names of `text` (errors may quote those), read as the reader does.
fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim_end).filter(|l| !l.starts_with([' ', '\t'])) {
        if let Some(header) = line.strip_prefix('[') {
            out.push(header.strip_suffix(']').unwrap_or(header).trim().to_string());
        } else if let Some(at) = line.find(['=', ':']) {
            out.push(line[..at].trim().to_ascii_lowercase());
        }
    }
    out
}

/// What could be a value in `text`, read as the reader does: an indented line, the text after
/// a line's `=`/`:`, a line that is neither a header nor `key = value`.
fn values(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim_end) {
        if line.starts_with([' ', '\t']) {
            out.push(line.trim_start());
        } else if line.starts_with('[') {
            continue;
        } else if let Some(at) = line.find(['=', ':']) {
            out.push(line[at + 1..].trim());
        } else {
            out.push(line.trim_start());
        }
    }
    out
}

/// `shown` without `names` where quoted as messages and `Debug` quote them (`` `key` ``,
/// `[section]`, `"text"`, also as the `Debug` of a message escapes them), longest first: a
/// secret left in the rest was shown as the secret.
fn without<S: AsRef<str>>(shown: &str, names: &[S]) -> String {
    let mut forms: Vec<String> = Vec::new();
    for n in names.iter().map(AsRef::as_ref).filter(|n| !n.is_empty()) {
        let e = debug_inner(n);
        forms.extend([
            format!("`{n}`"),
            format!("[{n}]"),
            format!("{n:?}"),
            format!("`{e}`"),
            format!("[{e}]"),
        ]);
    }
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    // Replaced by a NUL, not removed: removing `[distutils]` from `…pypi-local[distutils]-x` made
    // a URL's text into a password's (`pypi-local-`), a leak the target invented.
    forms.iter().fold(shown.to_string(), |s, f| s.replace(f.as_str(), "\0"))
}

/// `text` as `Debug` shows it inside its quotes.
fn debug_inner(text: &str) -> String {
    let d = format!("{text:?}");
    d[1..d.len() - 1].to_string()
}

fn assert_hidden(shown: &str, secret: &str, what: &str) {
    assert!(!shown.contains(secret), "{what} shows the secret {secret:?}: {shown}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rc = match Pypirc::parse(FILE, text) {
        Ok(rc) => rc,
        Err(e) => {
            let shown = without(&format!("{e} {e:?}"), &names(text));
            for v in values(text).into_iter().filter(|v| secret_shaped(v) && debug_inner(v) == *v) {
                assert_hidden(&shown, v, "a .pypirc error");
            }
            return;
        }
    };
    // Every other name and value: shown as such.
    let mut others: Vec<&str> = Vec::new();
    for s in &rc.sections {
        others.push(&s.name);
        for (k, v, _) in &s.entries {
            others.push(k);
            if k != "password" {
                others.push(v);
            }
        }
    }
    // Passwords no part of another name or value, which `Debug` shows as they are. A URL is
    // shown parsed, and URL parsing drops tabs and line breaks (WHATWG): `pypi-x\t-` written in a
    // repository URL is shown as `pypi-x-`, the input's own text, not the password.
    let passwords: Vec<&str> = rc
        .sections
        .iter()
        .filter_map(|s| s.get("password"))
        .filter(|p| {
            secret_shaped(p)
                && debug_inner(p) == *p
                && !others.iter().any(|o| o.contains(*p) || o.replace(['\t', '\n', '\r'], "").contains(*p))
        })
        .collect();
    let parsed = without(&format!("{rc:?}"), &others);
    let _ = rc.repository_names();
    let mut repositories: Vec<Option<String>> = rc.sections.iter().map(|s| Some(s.name.clone())).collect();
    repositories.push(None);
    for repository in repositories {
        let opts = Options { repository, pypirc: Some(rc.clone()), ..Options::default() };
        let shown = match resolve(&opts) {
            Ok(target) => {
                format!("{target:?} {:?}", target.credentials.as_ref().map(|c| c.source.to_string()))
            }
            Err(e) => format!("{e} {e:?}"),
        };
        let shown = without(&shown, &others);
        for p in &passwords {
            assert_hidden(&parsed, p, "the parsed .pypirc");
            assert_hidden(&shown, p, "the resolved repository");
        }
    }
});
