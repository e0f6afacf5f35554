//! Link stage: organisations in the graph → external registries (DAGI codes, CVR, ROR,
//! Wikidata), written to their own named graph.

use crate::store::GraphStore;
use std::path::PathBuf;

/// What `referat link` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct LinkArgs {
    /// Also ask online services (Wikidata, ROR, Datafordeleren).
    pub online: bool,
    /// Write label-only candidate matches here for review.
    pub review: Option<PathBuf>,
    /// Accept reviewed candidates from this file.
    pub accept: Option<PathBuf>,
    /// Cache folder for online responses.
    pub cache_dir: Option<PathBuf>,
}

/// Run linking; returns a one-line summary for the user.
pub fn run(_store: &GraphStore, _args: &LinkArgs) -> anyhow::Result<String> {
    anyhow::bail!("link is not implemented yet")
}
