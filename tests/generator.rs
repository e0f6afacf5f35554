//! Smoke test of the synthetic corpus (`examples/gen_minutes.rs`): 50 documents from a fixed
//! seed parse with the number of items the generator wrote, and ingest into an on-disk
//! store, one graph each. Timing is `bench/run`'s job, not this test's.

#[allow(dead_code)]
#[path = "../examples/gen_minutes.rs"]
mod gen_minutes;

use referat::parse::{self, ParseOptions};
use referat::rdf::RdfConfig;
use referat::store::GraphStore;
use std::collections::BTreeMap;

#[test]
fn generated_minutes_parse_and_ingest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let docs_dir = dir.path().join("docs");
    std::fs::create_dir_all(&docs_dir).expect("docs dir");
    let mut g = gen_minutes::Generator::new(8, 0.2);
    let mut expected = Vec::new();
    for _ in 0..50 {
        let d = g.next_doc();
        let path = docs_dir.join(&d.file_name);
        assert!(!path.exists(), "file name repeated: {}", d.file_name);
        std::fs::write(&path, d.text.as_bytes()).expect("write");
        expected.push((path, d));
    }
    assert!(
        expected.iter().any(|(_, d)| d.ocr),
        "some documents are OCR-damaged"
    );
    assert!(expected.iter().any(|(_, d)| d.layout == "digital"));

    // Deterministic for a seed.
    let mut again = gen_minutes::Generator::new(8, 0.2);
    for (_, d) in expected.iter().take(5) {
        assert_eq!(again.next_doc().text, d.text);
    }

    let opts = ParseOptions::default();
    let store = GraphStore::open(&dir.path().join("store"), RdfConfig::default()).expect("store");
    store.ensure_gazetteer().expect("gazetteer");
    let mut bodies_ok = 0usize;
    let mut bodies_all = 0usize;
    let mut kinds_ok = 0usize;
    let mut kinds_all = 0usize;
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for (path, d) in &expected {
        let m = parse::parse_file(path, &opts)
            .unwrap_or_else(|e| panic!("{}: does not parse: {e}", d.file_name));
        assert_eq!(
            m.items.len(),
            d.items,
            "{} ({}, ocr {}): item count",
            d.file_name,
            d.layout,
            d.ocr
        );
        assert_eq!(
            m.meeting.date.as_deref(),
            Some(d.date.iso().as_str()),
            "{}: meeting date",
            d.file_name
        );
        // Every body, KKR or municipal committee, is read from the cover; a scan's
        // damaged letters may cost a few.
        bodies_all += 1;
        if m.meeting.body.as_deref() == Some(d.body.as_str()) {
            bodies_ok += 1;
        } else {
            assert!(
                d.ocr,
                "{}: body {:?}, want {}",
                d.file_name, m.meeting.body, d.body
            );
        }
        for (it, want) in m.items.iter().zip(&d.kinds) {
            kinds_all += 1;
            if it.decision.kind == *want {
                kinds_ok += 1;
            }
            *by_kind.entry(it.decision.kind.clone()).or_default() += 1;
        }
        let r = referat::ingest::ingest_file(&store, path, &opts);
        assert!(r.outcome.is_ok(), "{}: {:?}", d.file_name, r.outcome);
    }
    assert!(
        bodies_ok * 100 >= bodies_all * 90,
        "bodies: {bodies_ok} of {bodies_all} as generated"
    );
    // The decision phrasing maps to the intended kind (OCR damage may cost a few).
    assert!(
        kinds_ok * 100 >= kinds_all * 95,
        "decision kinds: {kinds_ok} of {kinds_all} as intended"
    );
    for k in [
        "approved",
        "noted",
        "endorsed",
        "discussed",
        "postponed",
        "rejected",
        "none",
    ] {
        assert!(
            by_kind.contains_key(k),
            "no decision of kind {k}: {by_kind:?}"
        );
    }
    store.flush().expect("flush");
    let graphs = store.document_graphs().expect("graphs");
    for (path, _) in &expected {
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
        assert!(
            graphs
                .iter()
                .any(|g| g.as_str().ends_with(&format!("/graph/{stem}"))),
            "no graph for {stem}"
        );
    }
    // Every curated query has rows to work on, so the benchmark times real work: requests,
    // reported decisions and relations included.
    for q in [
        "decisions",
        "amounts",
        "people",
        "meetings",
        "requests",
        "reported-decisions",
        "organisation-relations",
    ] {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("queries/{q}.rq")),
        )
        .expect("query file");
        let mut out = Vec::new();
        let rows = referat::query::run(
            store.store(),
            &text,
            &[],
            referat::query::ResultFormat::Csv,
            std::time::Duration::from_secs(120),
            &mut out,
        )
        .expect("query runs");
        assert!(rows >= 10, "{q}: {rows} rows from 50 generated documents");
    }
}

/// A bulk batch bigger than the loader's chunk goes to disk in several hand-overs before it
/// commits. Committed, the store holds exactly what storing each document on its own gives;
/// dropped uncommitted, nothing of it.
#[test]
fn a_batch_of_several_chunks_commits_whole_or_not_at_all() {
    use referat::store::{bulk_load_chunk, Batch, Staged};
    use std::collections::HashSet;
    let dir = tempfile::tempdir().expect("temp dir");
    let docs_dir = dir.path().join("docs");
    std::fs::create_dir_all(&docs_dir).expect("docs dir");
    let open = |name: &str| GraphStore::open(&dir.path().join(name), RdfConfig::default());
    let (one, batched, dropped) = (
        open("one").expect("store"),
        open("batched").expect("store"),
        open("dropped").expect("store"),
    );
    let opts = ParseOptions::default();
    let chunk = bulk_load_chunk();
    let mut g = gen_minutes::Generator::new(11, 0.2);
    let mut batch = Batch::default();
    let mut lost = Batch::default();
    let mut docs = 0;
    while batch.len() < chunk * 3 / 2 {
        assert!(docs < 2000, "{docs} documents and still under 1.5 chunks");
        let d = g.next_doc();
        let path = docs_dir.join(&d.file_name);
        std::fs::write(&path, d.text.as_bytes()).expect("write");
        let m = parse::parse_file(&path, &opts).expect("generated minutes parse");
        one.ingest(&m).expect("stored alone");
        let staged = batched.stage(&m, &mut batch).expect("staged");
        assert!(matches!(staged, Staged::Pending(_)), "{staged:?}");
        dropped.stage(&m, &mut lost).expect("staged");
        docs += 1;
    }
    drop(lost);
    batched.commit_batch(&mut batch).expect("commit");
    assert!(batch.is_empty());

    let all = |s: &GraphStore| -> HashSet<oxigraph::model::Quad> {
        s.store()
            .iter()
            .collect::<Result<_, _>>()
            .expect("read store")
    };
    let (want, have) = (all(&one), all(&batched));
    assert!(want.len() > chunk, "{} quads", want.len());
    assert_eq!(have.len(), want.len());
    assert!(
        have == want,
        "the batched store differs from one stored per document"
    );
    let graphs = batched.document_graphs().expect("graphs");
    assert!(
        graphs.len() > docs,
        "{docs} documents and the shared entities graph"
    );
    assert_eq!(graphs, one.document_graphs().expect("graphs"));
    assert!(dropped.document_graphs().expect("graphs").is_empty());
    assert_eq!(dropped.len().expect("len"), 0, "nothing of a dropped batch");
}

/// `referat optimize` after an ingest in many small bulk batches: the store keeps exactly
/// the same quads, ends up in fewer files, and a path with no store is refused, not created.
#[test]
fn optimize_merges_the_files_of_many_batches_and_keeps_every_quad() {
    use std::collections::HashSet;
    use std::process::Command;
    let dir = tempfile::tempdir().expect("temp dir");
    let docs_dir = dir.path().join("docs");
    std::fs::create_dir_all(&docs_dir).expect("docs dir");
    let mut g = gen_minutes::Generator::new(5, 0.2);
    for _ in 0..40 {
        let d = g.next_doc();
        std::fs::write(docs_dir.join(&d.file_name), d.text.as_bytes()).expect("write");
    }
    let store = dir.path().join("store");
    let referat = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_referat"))
            .env_remove("REFERAT_STORE")
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .expect("run referat");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let docs = docs_dir.to_string_lossy().into_owned();
    let (code, _, err) = referat(&["ingest", "-q", "--batch-quads", "10000", &docs]);
    assert_eq!(code, Some(0), "{err}");
    let sst_files = || {
        std::fs::read_dir(&store)
            .expect("store folder")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "sst"))
            .count()
    };
    let quads = || -> HashSet<oxigraph::model::Quad> {
        let s = GraphStore::open(&store, RdfConfig::default()).expect("open store");
        s.store().iter().collect::<Result<_, _>>().expect("read")
    };
    let (files_before, quads_before) = (sst_files(), quads());
    assert!(quads_before.len() > 40_000, "{} quads", quads_before.len());

    let (code, out, err) = referat(&["optimize"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("optimized "), "{out}");
    let files_after = sst_files();
    assert!(
        files_after < files_before,
        "{files_before} files before, {files_after} after"
    );
    assert!(quads() == quads_before, "optimize changed the quads");

    let nowhere = dir.path().join("no-store-here");
    let out = Command::new(env!("CARGO_BIN_EXE_referat"))
        .env_remove("REFERAT_STORE")
        .arg("--store")
        .arg(&nowhere)
        .arg("optimize")
        .output()
        .expect("run referat");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no-store-here") && err.contains("no store"),
        "{err}"
    );
    assert!(!nowhere.exists(), "a failed optimize created a store");
}
