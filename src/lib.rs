//! cartwheel: a PEP 517 build backend for pure-Python projects. This crate is the top of the
//! workspace (docs/architecture.md): the command line and the PyO3 face, the only places that
//! print or read argv; everything they do is done by the crates below.

pub mod cli;
pub mod migrate_cmd;
pub mod panic;
pub mod publish_cmd;
#[cfg(feature = "python")]
mod python;
pub mod release_cmd;
