//! The PyO3 face: the PEP 517 / PEP 660 hooks and the CLI entry, raising one exception type.
//!
//! Hooks run in the frontend's process with the working directory at the project root; they
//! take output folders as `str` and return the basename of what they wrote.

use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cartwheel_core::project::CheckLevel;
use cartwheel_dist::{Request, Target};

use crate::cli::print_warnings;

// Registered under `cartwheel` (where users import it from) so tracebacks name it right and
// pickle can find it again.
create_exception!(
    cartwheel,
    CartwheelError,
    PyException,
    "A cartwheel build or check failed; the message says where and why."
);

/// Run a whole hook, turning panics (here or on a worker thread) into `CartwheelError`.
fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    crate::panic::catch(f).unwrap_or_else(|report| Err(CartwheelError::new_err(report)))
}

/// A cartwheel error as the exception, rendered once.
fn raise(e: cartwheel_core::Error) -> PyErr {
    CartwheelError::new_err(e.to_diagnostic().to_string())
}

/// Run one build in the working directory (where frontends run hooks), printing its warnings;
/// returns the basename of what it wrote.
fn run(
    target: Target,
    out_dir: PathBuf,
    metadata_directory: Option<PathBuf>,
    config_settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let check = check_setting(config_settings)?;
    let request = Request { metadata_directory, check, ..Request::new(".", target, out_dir) };
    let outcome = cartwheel_dist::run(&request);
    print_warnings(&outcome.warnings);
    let written = outcome.result.map_err(raise)?;
    Ok(written.first().map(|a| a.file_name()).unwrap_or_default())
}

/// The `check` config setting (`python -m build -C check=warn`), overriding
/// `[tool.cartwheel] check`; other settings are not cartwheel's and are ignored.
fn check_setting(config_settings: Option<&Bound<'_, PyDict>>) -> PyResult<Option<CheckLevel>> {
    let Some(value) = config_settings.map(|c| c.get_item("check")).transpose()?.flatten() else {
        return Ok(None);
    };
    let text: String = value.extract().map_err(|_| {
        CartwheelError::new_err("config setting `check` must be a string: \"error\", \"warn\" or \"off\"")
    })?;
    CheckLevel::parse(&text).map(Some).ok_or_else(|| {
        CartwheelError::new_err(format!(
            "config setting `check = \"{text}\"`: expected \"error\", \"warn\" or \"off\""
        ))
    })
}

/// PEP 517 `build_sdist`.
#[pyfunction]
#[pyo3(signature = (sdist_directory, config_settings=None))]
fn build_sdist(sdist_directory: PathBuf, config_settings: Option<Bound<'_, PyDict>>) -> PyResult<String> {
    guarded(|| run(Target::Sdist, sdist_directory, None, config_settings.as_ref()))
}

/// Hooks that differ only in what they make: the `build_wheel`/`build_editable` pair, the
/// `prepare_metadata_for_build_*` pair (which run no check, so do not read the `check`
/// setting) and the `get_requires_for_build_*` trio.
macro_rules! wheel_hook {
    ($(#[$doc:meta])* $name:ident => $target:expr) => {
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(signature = (wheel_directory, config_settings=None, metadata_directory=None))]
        fn $name(
            wheel_directory: PathBuf,
            config_settings: Option<Bound<'_, PyDict>>,
            metadata_directory: Option<PathBuf>,
        ) -> PyResult<String> {
            guarded(|| run($target, wheel_directory, metadata_directory, config_settings.as_ref()))
        }
    };
}

macro_rules! metadata_hook {
    ($(#[$doc:meta])* $name:ident => $target:expr) => {
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(signature = (metadata_directory, config_settings=None))]
        fn $name(metadata_directory: PathBuf, config_settings: Option<Bound<'_, PyDict>>) -> PyResult<String> {
            let _ = config_settings;
            guarded(|| run($target, metadata_directory, None, None))
        }
    };
}

macro_rules! requires_hook {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(signature = (config_settings=None))]
        fn $name(config_settings: Option<Bound<'_, PyDict>>) -> PyResult<Vec<String>> {
            guarded(|| requires(config_settings))
        }
    };
}

wheel_hook!(
    /// PEP 517 `build_wheel`.
    build_wheel => Target::Wheel
);
wheel_hook!(
    /// PEP 660 `build_editable`.
    build_editable => Target::Editable
);
metadata_hook!(
    /// PEP 517 `prepare_metadata_for_build_wheel`.
    prepare_metadata_for_build_wheel => Target::WheelMetadata
);
metadata_hook!(
    /// PEP 660 `prepare_metadata_for_build_editable`.
    prepare_metadata_for_build_editable => Target::EditableMetadata
);
requires_hook!(
    /// PEP 517 `get_requires_for_build_wheel`: nothing beyond cartwheel itself.
    get_requires_for_build_wheel
);
requires_hook!(
    /// PEP 517 `get_requires_for_build_sdist`: nothing beyond cartwheel itself.
    get_requires_for_build_sdist
);
requires_hook!(
    /// PEP 660 `get_requires_for_build_editable`: nothing beyond cartwheel itself.
    get_requires_for_build_editable
);

/// What every `get_requires_*` hook answers: nothing beyond cartwheel itself (the settings
/// are still read, so a bad `check` setting fails here, first, as it would later).
fn requires(config_settings: Option<Bound<'_, PyDict>>) -> PyResult<Vec<String>> {
    cartwheel_core::fault::inject("requires");
    check_setting(config_settings.as_ref())?;
    Ok(Vec::new())
}

/// The CLI: `cli_main(sys.argv)` returns the exit status.
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> PyResult<i32> {
    let mut args = argv;
    if let Some(first) = args.first_mut() {
        *first = "cartwheel".into();
    }
    let sys = py.import("sys")?;
    let python: Option<String> = sys.getattr("executable")?.extract().ok().filter(|s: &String| !s.is_empty());
    let package: Option<String> = py.import("cartwheel")?.getattr("__file__")?.extract().ok();
    crate::cli::set_host(crate::cli::Host {
        python: python.map(std::path::PathBuf::from),
        package: package.and_then(|f| std::path::Path::new(&f).parent().map(std::path::Path::to_path_buf)),
    });
    let status = py.detach(|| crate::panic::catch(|| crate::cli::run(args)));
    Ok(status.unwrap_or_else(|report| {
        crate::cli::say(&format!("error: {report}"));
        crate::cli::INTERNAL_ERROR
    }))
}

/// The native module `cartwheel._native`.
/// The reStructuredText validator (for the differential tests against docutils): every problem
/// as `(line, level name, message)`, docutils' order; the first is `twine check`'s verdict.
#[pyfunction]
fn validate_rst(text: &str) -> PyResult<Vec<(Option<usize>, &'static str, String)>> {
    guarded(|| {
        Ok(cartwheel_rst::validate(text).into_iter().map(|p| (p.line, p.level.name(), p.message)).collect())
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::panic::install_hook();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("CartwheelError", m.py().get_type::<CartwheelError>())?;
    m.add_function(wrap_pyfunction!(build_wheel, m)?)?;
    m.add_function(wrap_pyfunction!(build_sdist, m)?)?;
    m.add_function(wrap_pyfunction!(build_editable, m)?)?;
    m.add_function(wrap_pyfunction!(prepare_metadata_for_build_wheel, m)?)?;
    m.add_function(wrap_pyfunction!(prepare_metadata_for_build_editable, m)?)?;
    m.add_function(wrap_pyfunction!(get_requires_for_build_wheel, m)?)?;
    m.add_function(wrap_pyfunction!(get_requires_for_build_sdist, m)?)?;
    m.add_function(wrap_pyfunction!(get_requires_for_build_editable, m)?)?;
    m.add_function(wrap_pyfunction!(cli_main, m)?)?;
    m.add_function(wrap_pyfunction!(validate_rst, m)?)?;
    Ok(())
}
