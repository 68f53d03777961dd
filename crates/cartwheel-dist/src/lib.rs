//! cartwheel-dist: wheels, sdists and editable wheels assembled from a prepared build, each
//! checked by `cartwheel check` before it gets its final name. [`driver::run`] is the one entry
//! point: a request in, the artifacts and every warning out.

pub mod build;
pub mod driver;
pub mod editable;
pub mod one_pass;
pub mod sdist;
pub mod wheel;

pub use driver::{run, Outcome, Request, Target};
