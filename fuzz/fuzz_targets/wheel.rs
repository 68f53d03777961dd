//! Bytes as a `.whl`: the zip reader under tight bounds, then every check (twine's verdict,
//! metadata, RECORD, contents) and both renderings of the report.
#![no_main]

use cartwheel_check::{check_bytes, report, Limits, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Bounds a fuzzer can reach: a bomb is found in microseconds, not after 4 GiB.
    let limits =
        Limits { member_bytes: 1 << 20, total_bytes: 4 << 20, ratio_floor: 64 << 10, ..Limits::default() };
    let options = Options { limits, ..Options::default() };
    let r = check_bytes(data, "demo-1.0-py3-none-any.whl", &options);
    let _ = (report::text(&r), report::json(std::slice::from_ref(&r)));
});
