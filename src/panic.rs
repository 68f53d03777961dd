//! Panics are bugs: they never reach the user as a bare abort or a traceback, but as one
//! "internal error" naming where the panic happened, with a request to report it.
//!
//! Built extensions do not unwind (`panic = "abort"` in Cargo.toml), as uv_build's do not:
//! without landing pads and unwind tables the wheel every isolated build downloads is a tenth
//! smaller, at the same speed (bench/RESULTS.md). There the panic hook installed by
//! [`install_hook`] prints the report on stderr, removes what the process was still writing
//! ([`cartwheel_core::leftover::remove_unfinished`]: no `.part` file stays behind), and ends the
//! process with the CLI's internal-error status. Frontends run every hook in a process of their
//! own and report its failure with that text, as they do any backend's crash.
//!
//! Where panics unwind (`cargo test`: the test harness needs it) the hook records the message
//! and location instead, also for panics on rayon's worker threads, whose payload rayon
//! re-raises on the caller, and [`catch`] turns the panic into the same report.

use std::sync::Mutex;

pub use cartwheel_core::fault::INJECT;

/// The first panic since the current [`catch`] began: "message (at file:line:col)".
static FIRST: Mutex<Option<String>> = Mutex::new(None);

/// Replace the default panic hook (its "thread 'x' panicked at" block would precede our
/// message inside every frontend's output) with cartwheel's.
pub fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let at = info.location().map(|l| format!(" (at {}:{}:{})", l.file(), l.line(), l.column()));
            let what = format!("{}{}", payload_text(info.payload()), at.unwrap_or_default());
            if cfg!(panic = "abort") {
                end(&what);
            }
            // Several workers may panic at once; the first is the cause, the others follow it.
            if let Ok(mut first) = FIRST.lock() {
                first.get_or_insert(what);
            }
        }));
    });
}

/// Report the panic described by `what` and end the process, for builds that do not unwind.
fn end(what: &str) -> ! {
    use std::sync::atomic::{AtomicBool, Ordering};
    static ENDING: AtomicBool = AtomicBool::new(false);
    // Several workers may panic at once; the first is the cause and reports it, the others
    // wait for the end.
    if ENDING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    cartwheel_core::leftover::remove_unfinished();
    crate::cli::say(&format!("error: {}", report(what)));
    std::process::exit(crate::cli::INTERNAL_ERROR)
}

/// Run `f`; a panic that unwinds becomes `Err` with the text for the user ([`report`]).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    if let Ok(mut first) = FIRST.lock() {
        *first = None;
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let recorded = FIRST.lock().ok().and_then(|mut f| f.take());
        report(&recorded.unwrap_or_else(|| payload_text(&*payload).to_string()))
    })
}

/// The message shown for a panic described by `what`.
pub fn report(what: &str) -> String {
    format!("internal error: {what}\nthis is a bug in cartwheel, please report it with the project that triggered it")
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("panic with a non-text payload")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_bug_report_message() {
        // Without the hook (tests keep the default one) the payload alone is reported.
        let err = catch(|| -> u8 { panic!("boom {}", 1) }).unwrap_err();
        assert!(
            err.starts_with("internal error: boom 1\nthis is a bug in cartwheel, please report it"),
            "{err}"
        );
        assert_eq!(catch(|| 7).unwrap(), 7);
    }

    #[test]
    fn built_extensions_abort_and_tests_unwind() {
        // The panic hook ends the process where panics abort; tests need them to unwind.
        let manifest: toml_edit::DocumentMut = include_str!("../Cargo.toml").parse().unwrap();
        for profile in ["release", "dev"] {
            assert_eq!(manifest["profile"][profile]["panic"].as_str(), Some("abort"), "{profile}");
        }
    }
}
