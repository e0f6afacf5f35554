//! Push stage: document graphs → an external SPARQL store over the Graph Store Protocol.

use crate::store::GraphStore;

/// What `referat push` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct PushArgs {
    /// The remote SPARQL query endpoint (used for verification counts).
    pub endpoint: String,
    /// The Graph Store Protocol endpoint (default: derived from `endpoint`).
    pub graph_store: Option<String>,
    pub user: Option<String>,
    /// Name of the environment variable holding the password (never the password itself).
    pub password_env: Option<String>,
    /// Remove remote graphs whose documents are gone locally.
    pub delete_missing: bool,
    pub quiet: bool,
}

/// Run a push; returns a one-line summary for the user.
pub fn run(_store: &GraphStore, _args: &PushArgs) -> anyhow::Result<String> {
    anyhow::bail!("push is not implemented yet")
}
