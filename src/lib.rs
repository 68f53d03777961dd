//! cartwheel: a PEP 517 build backend for pure-Python projects.
//!
//! ```text
//! pyproject.toml ─► pyproject ─► Project ─┬─► metadata ─► Metadata ─► METADATA / PKG-INFO
//!                                         ├─► version  ─► Version + stamps
//!                                         └─► discover ─► file list (wheel, sdist)
//!                        archive (zip | tar.gz, reproducible) ◄─ wheel / sdist assemble
//! ```

pub mod archive;
pub mod build;
pub mod changelog;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod discover;
pub mod editable;
pub mod error;
pub mod git;
pub mod metadata;
pub mod migrate_cmd;
pub mod migrate_verify;
pub mod names;
pub mod one_pass;
pub mod panic;
pub mod pattern;
pub mod project;
pub mod pyproject;
#[cfg(feature = "python")]
mod python;
pub mod sdist;
pub mod version;
pub mod wheel;

pub use error::{Error, Result};
