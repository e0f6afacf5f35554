//! referat: Danish municipal meeting minutes (KL's template) → a knowledge graph.
//!
//! The pipeline runs one way, one module per stage:
//! bytes → [`text`] (decode, clean, repair) → [`parse`] (structure and facts) →
//! [`model`] (the typed contract) → [`rdf`] (triples with provenance) → [`store`]
//! (Oxigraph on disk) → [`query`]. See `ARCHITECTURE.md` for the map.

pub mod alloc;
pub mod crossref;
pub mod export;
pub mod ingest;
pub mod link;
pub mod model;
pub mod parse;
pub mod push;
pub mod query;
pub mod rdf;
pub mod store;
pub mod text;
pub mod workers;

pub use model::Minutes;
pub use parse::{parse_file, ParseError, ParseOptions};
