//! cartwheel: a PEP 517 build backend for pure-Python projects.
//!
//! ```text
//! pyproject.toml ─► pyproject ─► Project ─┬─► metadata ─► Metadata ─► METADATA / PKG-INFO
//!                                         ├─► version  ─► Version + stamps
//!                                         └─► discover ─► file list (wheel, sdist)
//!                        archive (zip | tar.gz, reproducible) ◄─ wheel / sdist assemble
//! ```

pub mod archive;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod metadata;
pub mod names;
pub mod project;
pub mod pyproject;
pub mod version;

pub use error::{Error, Result};
