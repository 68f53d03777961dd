//! cartwheel-core: pyproject.toml → a typed [`project::Project`] → core metadata, the version
//! and the files of each artifact. Nothing here writes an archive or prints: findings are
//! [`diagnostic::Diagnostic`] values returned to the caller.
//!
//! ```text
//! pyproject.toml ─► pyproject ─► Project ─┬─► metadata ─► Metadata ─► METADATA / PKG-INFO
//!                                         ├─► version  ─► Version + stamps
//!                                         └─► discover ─► file list (wheel, sdist)
//! ```

pub mod changelog;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod fault;
pub mod git;
pub mod metadata;
pub mod names;
pub mod pattern;
pub mod project;
pub mod pyproject;
pub mod record;
pub mod version;

pub use error::{Error, Result};
