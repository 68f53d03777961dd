//! METADATA / PKG-INFO text through the header splitter and packaging's validation; what
//! parses is rendered back for a wheel and an sdist.
#![no_main]

use cartwheel_core::metadata::{parse_headers, Metadata};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(raw) = parse_headers(text) {
        for h in &raw.headers {
            let _ = (h.value(), h.raw_value());
        }
    }
    match Metadata::parse(text) {
        Ok(m) => {
            // What parsed renders to METADATA that parses again, to the same values.
            let again = Metadata::parse(&m.render(false)).expect("rendered metadata parses");
            assert_eq!(again.requires_dist, m.requires_dist);
            let _ = m.render(true);
        }
        Err(e) => {
            let _ = e.diagnostic().to_string();
        }
    }
});
