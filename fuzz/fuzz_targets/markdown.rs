//! A long description through the Markdown checks: the first byte picks the declared content
//! type (Markdown, none, or Markdown with parameters), the rest is the text.
#![no_main]

use cartwheel_check::markdown::validate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let content_type = match pick % 3 {
        0 => Some("text/markdown"),
        1 => None,
        _ => Some("text/markdown; charset=UTF-8; variant=GFM"),
    };
    let _ = validate(Some(text), content_type);
});
