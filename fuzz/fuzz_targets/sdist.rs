//! Bytes as an sdist: the first byte picks `.tar.gz` or the legacy `.zip`; then every check
//! and both renderings of the report.
#![no_main]

use cartwheel_check::{check_bytes, report, Limits, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let name = if pick & 1 == 0 { "demo-1.0.tar.gz" } else { "demo-1.0.zip" };
    let limits =
        Limits { member_bytes: 1 << 20, total_bytes: 4 << 20, ratio_floor: 64 << 10, ..Limits::default() };
    let options = Options { limits, ..Options::default() };
    let r = check_bytes(rest, name, &options);
    let _ = (report::text(&r), report::json(std::slice::from_ref(&r)));
});
