//! The GitHub release of a tag through GitHub's REST API: the release, then each file as an
//! asset; resumable (an existing release is reused, assets it already has are skipped).
