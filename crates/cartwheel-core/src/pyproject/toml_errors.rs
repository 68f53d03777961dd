//! TOML errors in our own words: the key, what was expected, what was found, located.

#[allow(unused_imports)]
use super::*;

/// Turn a toml/serde error into a located diagnostic in our own words.
pub(super) fn toml_error(source: &SourceFile, text: &str, e: &toml::de::Error) -> Diagnostic {
    let span = e.span();
    let message = e.message().lines().next().unwrap_or_default().to_string();
    // Syntax errors come before any serde work: a document that still parses as "anything"
    // failed on schema, otherwise on syntax.
    if toml::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return Diagnostic::error(format!("invalid TOML: {message}")).at(source, span);
    }
    let keys = error_keys(e);
    let mut d;
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let table = keys.clone().unwrap_or_default();
        d = Diagnostic::error(format!("unknown key `{field}` in `[{table}]`")).key(join_key(&table, field));
        if let Some(s) = did_you_mean(field, expected.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        } else if !expected.is_empty() {
            d = d.help(format!("expected one of: {}", expected.join(", ")));
        }
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, "?"));
        let at_text = span.clone().and_then(|s| text.get(s)).unwrap_or_default();
        d = Diagnostic::error(format!(
            "expected {}, found {}",
            type_words(expected),
            found_words(found, at_text)
        ));
        if let Some(k) = keys {
            d = d.key(k);
        }
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        let table = keys.unwrap_or_default();
        d = Diagnostic::error(format!("missing key `{field}` in `[{table}]`")).key(join_key(&table, field));
    } else {
        d = Diagnostic::error(message);
        if let Some(k) = keys {
            d = d.key(k);
        }
    }
    d.at(source, span)
}

/// The dotted key toml recorded for an error; only its plain rendering exposes it.
pub(super) fn error_keys(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let rendered = bare.to_string();
    let line = rendered.lines().find_map(|l| l.strip_prefix("in `"))?;
    Some(line.trim_end_matches('`').to_string())
}

/// `segment` as a part of a dotted key: bare when TOML allows it, else quoted and escaped
/// (`project.scripts."my tool"`), so a key path shows what to write and stays on one line.
pub(super) fn key_part(segment: &str) -> String {
    toml_edit::Key::new(segment).display_repr().into_owned()
}

pub(super) fn join_key(table: &str, key: &str) -> String {
    if table.is_empty() {
        key.to_string()
    } else {
        format!("{table}.{key}")
    }
}

/// serde's "expected" wording in TOML terms.
pub(super) fn type_words(expected: &str) -> String {
    match expected {
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        s if s.starts_with("struct ") => "a table".into(),
        s => s.into(),
    }
}

/// serde's `Unexpected` wording in TOML terms.
pub(super) fn found_words(found: &str, at_text: &str) -> String {
    let kind = found.split(' ').next().unwrap_or(found);
    match kind {
        "integer" => "an integer".into(),
        "floating" => "a float".into(),
        "boolean" => "a boolean".into(),
        "string" => "a string".into(),
        "sequence" => "an array".into(),
        // toml hands dates to serde as a private one-key table.
        "map" if at_text.starts_with(|c: char| c.is_ascii_digit()) => "a date-time".into(),
        "map" => "a table".into(),
        _ => found.into(),
    }
}
