//! Panics are bugs: they never reach the user as an abort or a traceback, but as one
//! "internal error" naming where the panic happened, with a request to report it.
//!
//! The Python face runs every hook and the CLI under [`catch`]. The panic hook installed by
//! [`install_hook`] prints nothing (the default hook's "thread 'x' panicked at" block would
//! precede our message inside every frontend's output); it records the message and location,
//! also for panics on rayon's worker threads, whose payload rayon re-raises on the caller.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

pub use cartwheel_core::fault::INJECT;

/// The first panic since the current [`catch`] began: "message (at file:line:col)".
static FIRST: Mutex<Option<String>> = Mutex::new(None);

/// Replace the default panic hook with one that records the panic instead of printing it.
pub fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let at = info.location().map(|l| format!(" (at {}:{}:{})", l.file(), l.line(), l.column()));
            let what = format!("{}{}", payload_text(info.payload()), at.unwrap_or_default());
            // Several workers may panic at once; the first is the cause, the others follow it.
            if let Ok(mut first) = FIRST.lock() {
                first.get_or_insert(what);
            }
        }));
    });
}

/// Run `f`; a panic becomes `Err` with the text for the user ([`report`]).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    if let Ok(mut first) = FIRST.lock() {
        *first = None;
    }
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
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
    fn cargo_toml_never_aborts_on_panic() {
        // `panic = "abort"` would turn every caught panic into a crash of the user's pip.
        let manifest = include_str!("../Cargo.toml");
        assert!(!manifest.contains("abort"), "Cargo.toml must not set panic = \"abort\"");
    }
}
