//! Export stage: the store as open-data files (RDF formats, JSON-LD, CSV tables, DCAT).

use crate::store::GraphStore;
use std::path::PathBuf;

/// What `referat export` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct ExportArgs {
    /// turtle, ntriples, nquads, trig, rdfxml, jsonld
    pub format: Option<String>,
    /// Only this named graph (IRI).
    pub graph: Option<String>,
    /// Output file (or folder for per-graph output); stdout when absent.
    pub output: Option<PathBuf>,
    /// Write CSV tables and datapackage.json into this folder.
    pub tables: Option<PathBuf>,
    /// Print (or write to `output`) the DCAT-AP catalog.
    pub catalog: bool,
    /// Write everything (all formats, tables, catalog) into one folder per run.
    pub dump: Option<PathBuf>,
}

/// Run an export; returns a one-line summary for the user.
pub fn run(_store: &GraphStore, _args: &ExportArgs) -> anyhow::Result<String> {
    anyhow::bail!("export is not implemented yet")
}
