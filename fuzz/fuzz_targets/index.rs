//! What an index answers, through the readers cartwheel runs on it. The first byte picks:
//! a PEP 691 JSON project page, a PEP 503 HTML one, or an answer to an upload or a trusted
//! publishing request (lines: `status reason`, content type, the secret that was sent, then
//! the body), whose summary must not show that secret.
#![no_main]

use cartwheel_publish::simple::parse_page;
use cartwheel_publish::upload::{standard_reason, Answer};
use libfuzzer_sys::fuzz_target;

fn answer(text: &str) {
    let mut lines = text.splitn(4, '\n');
    let mut first = lines.next().unwrap_or_default().splitn(2, ' ');
    let status = first.next().unwrap_or_default().parse::<u16>().unwrap_or(400);
    let reason = first.next().unwrap_or_default().to_string();
    let content_type = lines.next().unwrap_or_default().to_string();
    let secret = lines.next().unwrap_or_default();
    let body = lines.next().unwrap_or_default().to_string();
    let sent = vec![secret.to_string()];
    let a = Answer { status, reason, content_type, location: None, body, sent };
    let _ = (a.detail(), a.is_conflict());
    let shown = a.summary();
    // A token's alphabet (base64url, JWT dots): no space, markup or `*` the summary could add.
    let token_shaped = secret.len() >= 8
        && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && !standard_reason(status).is_some_and(|r| r.contains(secret));
    if token_shaped {
        assert!(!shown.contains(secret), "the summary shows the secret {secret:?}: {shown}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    // The client reads answers lossily too.
    let text = String::from_utf8_lossy(rest);
    match pick % 3 {
        0 => {
            let _ = parse_page("application/vnd.pypi.simple.v1+json", &text);
        }
        1 => {
            let files = parse_page("text/html", &text).expect("an HTML page always reads");
            for f in files {
                assert!(f.sha256.is_none_or(|h| !h.bytes().any(|b| b.is_ascii_uppercase())));
            }
        }
        _ => answer(&text),
    }
});
