//! `cartwheel release`: preflight, the project's checks, bump + commit + tag, a build from a
//! clean export of the tag, `check --strict`, smoke tests in fresh venvs, the test index and
//! the real index (each verified by hash and by installing from it), push, release notes and
//! the GitHub release. Undone on failure before the first upload; resumable after it.
//!
//! Nothing here prints or reads the environment: the caller passes [`Options`] and receives
//! [`Event`]s.

pub mod github;
pub mod smoke;
