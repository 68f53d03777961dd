//! reStructuredText long descriptions through the validator (`cartwheel::check::rst`).
#![no_main]

use cartwheel_rst::validate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = validate(text);
});
