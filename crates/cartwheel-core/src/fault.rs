//! Test-only fault injection: the panic path (caught and reported by the PyO3 face and the
//! CLI) cannot be tested end to end without a panic, and some panics must happen deep inside
//! a build (on a rayon worker), so the build itself has the injection points.

/// Test-only fault injection: panic at the named point (`prepare`, `worker`, `cli`). Not a
/// user-facing option; the panic path cannot be tested end to end without a panic.
pub const INJECT: &str = "CARTWHEEL_TEST_PANIC";

/// Panic when [`INJECT`] names `point` (tests only; see there).
pub fn inject(point: &str) {
    // Read once: this sits on the per-file path.
    static POINT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if POINT.get_or_init(|| std::env::var(INJECT).ok()).as_deref() == Some(point) {
        let on_worker = rayon::current_thread_index().is_some();
        panic!("injected panic at `{point}` ({INJECT}; on a rayon worker: {on_worker})");
    }
}
