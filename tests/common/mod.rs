//! Helpers shared by the integration tests: the reference corpus in an on-disk store, and
//! a throw-away Virtuoso on 127.0.0.1. Each test binary uses a part of them.

#![allow(dead_code)]

pub mod virtuoso;

use referat::ingest;
use referat::parse::ParseOptions;
use referat::rdf::RdfConfig;
use referat::store::GraphStore;
use std::path::{Path, PathBuf};

/// The repository root (where `corpus/` and `queries/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reference minutes ingested into a new on-disk store at `store_dir`.
pub fn ingest_corpus(store_dir: &Path) -> GraphStore {
    let gs = GraphStore::open(store_dir, RdfConfig::default()).expect("open store");
    gs.ensure_gazetteer().expect("gazetteer");
    let mut errors = Vec::new();
    let files = ingest::collect_files(&[root().join("corpus")], &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    for f in files {
        let r = ingest::ingest_file(&gs, &f, &ParseOptions::default());
        assert!(r.outcome.is_ok(), "{}: {:?}", f.display(), r.outcome);
    }
    gs
}
