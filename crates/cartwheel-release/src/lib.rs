//! `cartwheel release`: preflight, the project's checks, bump + commit + tag, a build from a
//! clean clone of the tag, `check --strict`, smoke tests in fresh venvs, the test index and
//! the real index (each verified by hash and by installing from it), push, release notes and
//! the GitHub release. Undone on failure before the first upload; resumable after it.
//!
//! Nothing here prints or reads the environment: the caller passes [`Options`] and receives
//! [`Event`]s and an [`Outcome`].
//!
//! ```text
//! preflight ─► checks ─► bump ─► build ─► check ─► smoke          (undone on failure)
//!   ─► test-upload ─► test-verify ─► test-install
//!   ─► upload ─► verify ─► install ─► push ─► notes ─► github-release (resumable)
//! ```

mod git;
pub mod github;
mod run;
pub mod smoke;
pub mod state;

pub use run::{
    describe, dist_of, run, Event, Failure, GithubOptions, Options, Outcome, Request, Step, StepRecord,
    StepStatus,
};
