//! Open-data export end to end: ingest the reference corpus into an on-disk store, export
//! every format, read each back into a fresh store and export again (same graph, same
//! bytes), and check the dump with independent tools (rdflib, pyshacl, Python's csv) via
//! tests/export_check.py.

mod common;

use common::virtuoso::Virtuoso;
use common::{ingest_corpus, root};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphNameRef, NamedNode, Quad, QuadRef};
use oxigraph::store::Store;
use referat::export::tables::{build_tables_with, Sizes, Table};
use referat::export::{self, ExportArgs, Format};
use referat::rdf::RdfConfig;
use referat::store::GraphStore;
use sha2::Digest;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn export_bytes(gs: &GraphStore, format: Format) -> Vec<u8> {
    let graphs = export::export_graphs(gs, None).expect("graphs");
    let mut buf = Vec::new();
    export::write_format(gs, format, &graphs, true, &mut buf).expect("export");
    buf
}

/// Sorted N-Quads lines of a store (all graphs).
fn nquads_lines(store: &Store) -> Vec<String> {
    let mut v: Vec<String> = store.iter().map(|q| q.expect("quad").to_string()).collect();
    v.sort();
    v
}

/// Sorted, deduplicated N-Triples lines of the union of a store's graphs.
fn triple_lines(store: &Store) -> Vec<String> {
    let set: BTreeSet<String> = store
        .iter()
        .map(|q| {
            let q = q.expect("quad");
            format!("{} {} {}", q.subject, q.predicate, q.object)
        })
        .collect();
    set.into_iter().collect()
}

/// The document graphs of the on-disk store (no manifest) as an in-memory store.
fn reference(gs: &GraphStore) -> Store {
    let s = Store::new().expect("memory store");
    for g in gs.document_graphs().expect("graphs") {
        for q in gs.store().quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(g.as_ref())),
        ) {
            s.insert(&q.expect("quad")).expect("insert");
        }
    }
    s
}

fn load(bytes: &[u8], format: RdfFormat) -> GraphStore {
    let gs = GraphStore::in_memory(RdfConfig::default()).expect("memory store");
    gs.store()
        .load_from_reader(RdfParser::from_format(format), bytes)
        .expect("the export parses");
    gs
}

#[test]
fn every_format_round_trips_and_is_deterministic() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let reference = reference(&gs);
    let manifest = format!("{}graph/manifest", referat::rdf::DEFAULT_BASE);
    for format in Format::ALL {
        if format == Format::JsonLd {
            continue; // framed: a subset of the graph, checked below
        }
        let first = export_bytes(&gs, format);
        // Streamed graph by graph, or sorted in bounded runs, yet byte for byte the
        // output of sorting everything in memory.
        let graphs = export::export_graphs(&gs, None).expect("graphs");
        let quads = export::sorted_quads(&gs, &graphs, true).expect("quads");
        let mut whole = Vec::new();
        export::write_rdf(format, &quads, &mut whole).expect("write");
        assert!(first == whole, "{}: streamed != sorted", format.name());
        // Runs of 4 KB: the corpus's triples spill to many files and merge back (for the
        // quad formats, every graph of more than 100 quads).
        let mut merged = Vec::new();
        if format.keeps_graphs() {
            export::write_graph_by_graph(&gs, format, &graphs, true, &mut merged, 100, 4096)
        } else {
            export::write_union(&gs, format, &graphs, true, &mut merged, 4096)
        }
        .expect("runs");
        assert!(merged == whole, "{}: merged runs != sorted", format.name());
        assert_eq!(
            first,
            export_bytes(&gs, format),
            "{format:?} is deterministic"
        );
        let text = String::from_utf8(first.clone()).expect("utf8");
        assert!(
            !text.contains(&manifest),
            "{format:?} leaks the manifest graph"
        );
        assert!(!text.contains("_:"), "{format:?} has blank nodes");
        let back = load(&first, format.rdf_format());
        if format.keeps_graphs() {
            assert_eq!(
                nquads_lines(back.store()),
                nquads_lines(&reference),
                "{format:?}: same quads after a round trip"
            );
        } else {
            assert_eq!(
                triple_lines(back.store()),
                triple_lines(&reference),
                "{format:?}: same triples after a round trip"
            );
        }
        assert_eq!(
            export_bytes(&back, format),
            first,
            "{format:?}: exporting the re-loaded store gives the same file"
        );
    }
    let ttl = String::from_utf8(export_bytes(&gs, Format::Turtle)).expect("utf8");
    assert!(ttl.contains("@prefix besluit: <http://data.vlaanderen.be/ns/besluit#>"));
    assert!(ttl.contains("besluit:Zitting"));
}

#[test]
fn framed_jsonld_is_a_faithful_fixed_point() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let reference = triple_lines(&reference(&gs));
    let bytes = export_bytes(&gs, Format::JsonLd);
    let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    // Written node by node, yet exactly serde_json's pretty form of the whole document;
    // an empty store too.
    let whole = serde_json::to_string_pretty(&doc).expect("json") + "\n";
    assert!(
        whole.as_bytes() == bytes.as_slice(),
        "streamed != pretty-printed"
    );
    let empty = GraphStore::in_memory(RdfConfig::default()).expect("memory store");
    let none = export_bytes(&empty, Format::JsonLd);
    let none_doc: serde_json::Value = serde_json::from_slice(&none).expect("json");
    assert_eq!(none_doc["@graph"], serde_json::json!([]));
    let whole = serde_json::to_string_pretty(&none_doc).expect("json") + "\n";
    assert!(
        whole.as_bytes() == none.as_slice(),
        "empty: streamed != pretty-printed"
    );
    assert!(doc["@context"]["treats"].is_object(), "context is inline");
    let graph = doc["@graph"].as_array().expect("@graph");
    let meetings: Vec<&serde_json::Value> =
        graph.iter().filter(|n| n["type"] == "Meeting").collect();
    assert_eq!(meetings.len(), 4);
    let sept = meetings
        .iter()
        .find(|m| m["date"] == "2025-09-03")
        .expect("the September meeting");
    let items = sept["treats"].as_array().expect("items embedded");
    assert_eq!(items.len(), 9);
    assert_eq!(items[0]["notation"], "1.1", "items in agenda order");
    let decision = &items[3]["treatment"][0]["generated"];
    assert_eq!(items[3]["notation"], "3.2");
    assert_eq!(decision["type"], "Decision");
    assert_eq!(decision["decisionKind"]["notation"], "endorsed");
    assert!(decision["value"]
        .as_str()
        .expect("text")
        .contains("tiltrådte"));

    // Every triple of the framed document is in the graph …
    let back = load(&bytes, Format::JsonLd.rdf_format());
    let framed = triple_lines(back.store());
    let reference: BTreeSet<String> = reference.into_iter().collect();
    let extra: Vec<&String> = framed.iter().filter(|t| !reference.contains(*t)).collect();
    assert!(
        extra.is_empty(),
        "not in the graph: {:?}",
        &extra[..extra.len().min(5)]
    );
    assert!(framed.len() > 2000, "{} triples", framed.len());
    // … and framing what was read gives the same document.
    let again = String::from_utf8(export_bytes(&back, Format::JsonLd)).expect("utf8");
    let first = String::from_utf8(bytes).expect("utf8");
    if let Some((n, (a, b))) = again
        .lines()
        .zip(first.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!(
            "framing the framed document differs at line {}: {a:?} vs {b:?}",
            n + 1
        );
    }
    assert_eq!(again.len(), first.len());
}

#[test]
fn catalog_statistics_count_the_graph() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    // A registry link, as `referat link` writes them (a linkset), and a subject with no
    // class (a subject but not an entity).
    let links = NamedNode::new(format!("{}graph/links", referat::rdf::DEFAULT_BASE)).expect("iri");
    let kl = referat::rdf::organisation_iri("KL", &RdfConfig::default());
    let close = NamedNode::new("http://www.w3.org/2004/02/skos/core#closeMatch").expect("iri");
    let wikidata = NamedNode::new("http://www.wikidata.org/entity/Q6499361").expect("iri");
    let untyped = NamedNode::new("http://example.org/untyped").expect("iri");
    for q in [
        Quad::new(kl, close.clone(), wikidata.clone(), links.clone()),
        Quad::new(untyped, close.clone(), wikidata, links),
    ] {
        gs.store().insert(QuadRef::from(&q)).expect("insert");
    }
    let stats = export::catalog::Stats::of_store(&gs).expect("stats");
    assert!(stats.entities < stats.subjects, "{stats:?}");
    let linksets: Vec<(&(String, String), &u64)> = stats.links.iter().collect();
    let wikidata_close = ("www.wikidata.org".to_string(), close.as_str().to_string());
    assert_eq!(linksets, vec![(&wikidata_close, &2)]);
    // The same figures counted directly from the quads, with sets.
    let rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    let (mut subjects, mut objects, mut properties) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let mut classes: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    let mut dates = Vec::new();
    let store = reference(&gs);
    for q in store.iter() {
        let q = q.expect("quad");
        subjects.insert(q.subject.to_string());
        objects.insert(q.object.to_string());
        properties.insert(q.predicate.as_str().to_string());
        if q.predicate.as_str() == rdf_type {
            let class = q.object.to_string();
            let class = class.trim_start_matches('<').trim_end_matches('>');
            classes
                .entry(class.to_string())
                .or_default()
                .insert(q.subject.to_string());
        }
    }
    let meetings = classes["http://data.vlaanderen.be/ns/besluit#Zitting"].clone();
    for q in store.iter() {
        let q = q.expect("quad");
        if q.predicate.as_str() == "http://purl.org/dc/terms/date"
            && meetings.contains(&q.subject.to_string())
        {
            if let oxigraph::model::Term::Literal(l) = &q.object {
                dates.push(l.value().to_string());
            }
        }
    }
    dates.sort();
    let entities: BTreeSet<&String> = classes.values().flatten().collect();
    assert_eq!(stats.triples, triple_lines(&store).len() as u64);
    assert_eq!(stats.subjects, subjects.len() as u64);
    assert_eq!(stats.objects, objects.len() as u64);
    assert_eq!(stats.properties, properties);
    assert_eq!(stats.entities, entities.len() as u64);
    let per_class: std::collections::BTreeMap<String, u64> = classes
        .iter()
        .map(|(c, m)| (c.clone(), m.len() as u64))
        .collect();
    assert_eq!(stats.classes, per_class);
    assert_eq!(stats.meetings, 4);
    assert_eq!(
        stats.example_meeting.as_deref().map(|m| format!("<{m}>")),
        meetings.iter().next().cloned()
    );
    assert_eq!(
        stats.dates,
        Some((dates[0].clone(), dates[dates.len() - 1].clone()))
    );
    assert_eq!(stats.documents.len(), 2, "{:?}", stats.documents);
    assert!(stats.objects > 1000 && stats.subjects > 500, "{stats:?}");
    // Runs of 4 KB: the triples and the objects spill to many files, same figures.
    let graphs = export::export_graphs(&gs, None).expect("graphs");
    let runs = export::union_runs(&gs, &graphs, true, 4096).expect("runs");
    assert!(runs.spilled() > 10, "{} runs", runs.spilled());
    let small = export::catalog::Stats::gather(
        runs.into_triples().expect("merge"),
        referat::rdf::DEFAULT_BASE,
        4096,
    )
    .expect("stats");
    assert_eq!(small, stats);
}

/// Find a Python with rdflib and pyshacl: $REFERAT_PYTHON, else the project's .venv.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("REFERAT_PYTHON") {
        return PathBuf::from(p);
    }
    root().join(".venv/bin/python")
}

/// Every file under `dir`, by its path inside it.
fn files_under(dir: &std::path::Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let path = e.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("inside").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    out
}

#[test]
fn a_dump_that_closes_the_store_halfway_writes_the_same_files() {
    // The command line's dump reopens the store between its passes and closes it before
    // re-serialising its own files; the folder must be the one a dump with the store open
    // throughout writes, byte for byte.
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let dump_into = |name: &str| ExportArgs {
        dump: Some(dir.path().join(name)),
        ..ExportArgs::default()
    };
    export::run(&gs, &dump_into("open")).expect("dump, store open");
    drop(gs);
    // Read-only, as the command line opens it: only such a store is reopened between passes.
    let reader = GraphStore::open_read_only(&dir.path().join("store"), RdfConfig::default())
        .expect("reader");
    let summary = export::run_and_close(reader, &dump_into("closed")).expect("dump, reopened");
    assert!(summary.starts_with("wrote 18 files to "), "{summary}");
    let open = files_under(&dir.path().join("open"));
    let closed = files_under(&dir.path().join("closed"));
    assert_eq!(open.len(), 18, "{:?}", open.keys().collect::<Vec<_>>());
    assert_eq!(
        open.keys().collect::<Vec<_>>(),
        closed.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &open {
        assert!(closed[path] == *bytes, "{} differs", path.display());
    }
    // The store was closed, not leaked: a writer can open it again.
    GraphStore::open(&dir.path().join("store"), RdfConfig::default()).expect("store reopens");
}

#[test]
fn dump_passes_rdflib_pyshacl_and_csv() {
    let py = python();
    assert!(
        py.exists(),
        "{} not found: run `./run setup` (it creates .venv with rdflib and pyshacl)",
        py.display()
    );
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    // A link to an external registry, as `referat link` writes them: becomes a linkset.
    let links = NamedNode::new(format!("{}graph/links", referat::rdf::DEFAULT_BASE)).expect("iri");
    let kl = referat::rdf::organisation_iri("KL", &RdfConfig::default());
    let q = Quad::new(
        kl,
        NamedNode::new("http://www.w3.org/2004/02/skos/core#closeMatch").expect("iri"),
        NamedNode::new("http://www.wikidata.org/entity/Q6499361").expect("iri"),
        links,
    );
    gs.store().insert(QuadRef::from(&q)).expect("insert");

    let out = dir.path().join("dump");
    let args = ExportArgs {
        dump: Some(out.clone()),
        ..ExportArgs::default()
    };
    let summary = export::run(&gs, &args).expect("dump");
    let folders: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("dump dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    let folder = &folders[0];
    assert!(summary.contains(&folder.display().to_string()), "{summary}");
    // Every file is the bytes `export --format` writes, and its checksum is right.
    let sums = std::fs::read_to_string(folder.join("SHA256SUMS")).expect("sums");
    for f in Format::ALL {
        let file = std::fs::read(folder.join(f.file_name())).expect("file");
        assert!(file == export_bytes(&gs, f), "{}: dump != export", f.name());
        let sum: String = sha2::Sha256::digest(&file)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(
            sums.contains(&format!("{sum}  {}\n", f.file_name())),
            "{}: checksum",
            f.name()
        );
    }
    // Same data, same folder (content hash), replaced in place.
    export::run(&gs, &args).expect("second dump");
    assert_eq!(std::fs::read_dir(&out).expect("dump dir").count(), 1);

    let output = std::process::Command::new(&py)
        .arg(root().join("tests/export_check.py"))
        .arg(folder)
        .arg(root().join("ontology/dcat-ap-shapes.ttl"))
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "check failed:\n{stdout}\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json report");

    // rdflib reads as many triples / quads as Oxigraph wrote.
    let reference = reference(&gs);
    let triples = triple_lines(&reference).len() as u64;
    let quads = nquads_lines(&reference).len() as u64;
    for (file, n) in [
        ("referat.ttl", triples),
        ("referat.nt", triples),
        ("referat.rdf", triples),
        ("referat.nq", quads),
        ("referat.trig", quads),
        ("referat-flat.jsonld", quads),
    ] {
        assert_eq!(report["rdf"][file].as_u64(), Some(n), "{file}: {stdout}");
    }
    let framed = std::fs::read(folder.join("referat.jsonld")).expect("framed");
    let framed_n = triple_lines(load(&framed, Format::JsonLd.rdf_format()).store()).len() as u64;
    assert_eq!(
        report["rdf"]["referat.jsonld"].as_u64(),
        Some(framed_n),
        "{stdout}"
    );

    assert_eq!(report["catalog_conforms"], true);
    let t = &report["tables"];
    assert_eq!(t["meetings"], 4, "{stdout}");
    assert_eq!(t["items"], 20, "{stdout}");
    assert_eq!(t["decisions"], 20, "{stdout}");
    assert!(t["amounts"].as_u64() > Some(10), "{stdout}");
    assert!(t["people"].as_u64() >= Some(1), "{stdout}");
    assert!(t["joins"].as_u64() > Some(100), "{stdout}");

    let catalog = std::fs::read_to_string(folder.join("catalog.ttl")).expect("catalog");
    assert!(
        catalog.contains("void:Linkset"),
        "linkset for the registry link"
    );
    assert!(catalog.contains("www.wikidata.org"));
    assert!(
        catalog.contains(&format!("void:triples {triples}"))
            || catalog.contains(&format!("void:triples \"{triples}\"")),
        "void:triples counts the union"
    );
    assert!(catalog.contains("CC_BY_4_0"));
    assert!(catalog.contains("spdx:checksumValue"));
    let orgs = std::fs::read_to_string(folder.join("tables/organisations.csv")).expect("csv");
    assert!(orgs.contains("http://www.wikidata.org/entity/Q6499361"));
    let sums = std::fs::read_to_string(folder.join("SHA256SUMS")).expect("sums");
    assert!(sums.contains("  tables/items.csv"));
}

#[test]
fn tables_join_and_read_like_the_curated_queries() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let tables = referat::export::tables::build_tables(&gs).expect("tables");
    // Grouped three rows at a time and sorted in runs of 256 bytes (spilled to files and
    // merged): the same tables as in one query and one run.
    let whole = Sizes {
        batch: usize::MAX,
        run_bytes: usize::MAX,
    };
    let small = Sizes {
        batch: 3,
        run_bytes: 256,
    };
    let rows = |t: &[Table]| -> Vec<(String, Vec<Vec<String>>)> {
        t.iter()
            .map(|t| (t.name.to_string(), t.rows.clone()))
            .collect()
    };
    let one = rows(&build_tables_with(&gs, whole).expect("tables"));
    assert_eq!(one, rows(&tables));
    assert_eq!(one, rows(&build_tables_with(&gs, small).expect("tables")));
    assert!(
        one.iter().all(|(_, r)| r.len() > 3),
        "every table spans batches"
    );
    let items = tables.iter().find(|t| t.name == "items").expect("items");
    let row = items
        .rows
        .iter()
        .find(|r| r[0].ends_with("kkr-midtjylland/2025-09-03/item/3.2"))
        .expect("item 3.2");
    assert_eq!(row[2], "meeting/kkr-midtjylland/2025-09-03");
    assert_eq!(row[3], "3.2");
    assert_eq!(
        row[7],
        "Fordeling af lærepladser for SOSU-uddannelserne i 2026"
    );
    assert_eq!(row[8], "SAG-2025-03032");
    let decisions = tables
        .iter()
        .find(|t| t.name == "decisions")
        .expect("decisions");
    let d = decisions
        .rows
        .iter()
        .find(|r| r[0] == row[10])
        .expect("the item's decision");
    assert_eq!(d[4], "endorsed");
    assert_eq!(d[2], row[0]);
}

#[test]
fn errors_are_one_clear_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = GraphStore::open(&dir.path().join("store"), RdfConfig::default()).expect("store");
    let cases: Vec<(ExportArgs, &str)> = vec![
        (ExportArgs::default(), "nothing to export"),
        (
            ExportArgs {
                format: Some("yaml".into()),
                ..ExportArgs::default()
            },
            "unknown export format \"yaml\"",
        ),
        (
            ExportArgs {
                format: Some("turtle".into()),
                graph: Some("https://example.org/nope".into()),
                ..ExportArgs::default()
            },
            "no graph <https://example.org/nope> in the store",
        ),
        (
            ExportArgs {
                format: Some("turtle".into()),
                graph: Some("urn:not an iri".into()),
                ..ExportArgs::default()
            },
            "is not an IRI",
        ),
        (
            ExportArgs {
                tables: Some(dir.path().join("t")),
                catalog: true,
                ..ExportArgs::default()
            },
            "only one of",
        ),
        (
            ExportArgs {
                catalog: true,
                graph: Some("https://example.org/g".into()),
                ..ExportArgs::default()
            },
            "--graph applies only to --format",
        ),
        (
            ExportArgs {
                format: Some("nt".into()),
                output: Some(dir.path().join("missing/dir/out.nt")),
                ..ExportArgs::default()
            },
            "cannot write",
        ),
        (
            ExportArgs {
                tables: Some(dir.path().join("tables")),
                output: Some(dir.path().join("x.csv")),
                ..ExportArgs::default()
            },
            "--output applies only to --format and --catalog",
        ),
    ];
    for (args, want) in cases {
        let err = export::run(&gs, &args).expect_err(want);
        let msg = format!("{err:#}");
        assert!(msg.contains(want), "{msg:?} should say {want:?}");
        assert!(!msg.contains('\n'), "one line: {msg:?}");
    }
}

#[test]
fn one_graph_exports_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let g = gs
        .document_graphs()
        .expect("graphs")
        .into_iter()
        .find(|g| g.as_str().contains("3-september"))
        .expect("september graph");
    let out = dir.path().join("sept.nq");
    let args = ExportArgs {
        format: Some("nquads".into()),
        graph: Some(g.as_str().to_string()),
        output: Some(out.clone()),
        ..ExportArgs::default()
    };
    let summary = export::run(&gs, &args).expect("export");
    assert!(summary.contains("wrote nquads"), "{summary}");
    // The document's file name names the same graph.
    let by_name = dir.path().join("sept-by-name.nq");
    let args = ExportArgs {
        format: Some("nquads".into()),
        graph: Some("referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt".into()),
        output: Some(by_name.clone()),
        ..ExportArgs::default()
    };
    export::run(&gs, &args).expect("export by file name");
    assert_eq!(
        std::fs::read(&by_name).expect("read"),
        std::fs::read(&out).expect("read")
    );
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.lines().count() > 100);
    assert!(
        text.lines().all(|l| l.ends_with(&format!("{g} ."))),
        "only that graph"
    );
}

/// The N-Quads dump is what a portal or a triple store loads: Virtuoso's bulk loader
/// (`ld_dir` + `rdf_loader_run`) takes it without an error, and holds the same number of
/// triples in every graph as our store.
#[test]
fn virtuoso_bulk_loads_the_nquads_dump() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let v = Virtuoso::start();
    let dump = export_bytes(&gs, Format::NQuads);
    std::fs::write(v.dir().join("referat.nq"), &dump).expect("write dump");
    let folder = v.dir().display().to_string();
    v.isql(&format!(
        "ld_dir('{folder}', 'referat.nq', 'https://w3id.org/referat/id/graph/default');"
    ))
    .expect("ld_dir");
    v.isql("rdf_loader_run();").expect("rdf_loader_run");
    let errors = v
        .isql("SELECT ll_file, ll_state, ll_error FROM DB.DBA.LOAD_LIST;")
        .expect("load list");
    assert!(
        errors.contains("referat.nq") && !errors.contains("Error") && !errors.contains("error"),
        "the bulk loader reports: {errors}"
    );
    v.isql("checkpoint;").expect("checkpoint");

    let client = reqwest::blocking::Client::new();
    let endpoint = format!("http://127.0.0.1:{}/sparql", v.http);
    let mut checked = 0;
    for g in export::export_graphs(&gs, None).expect("graphs") {
        let ours = gs
            .store()
            .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g.as_ref())))
            .count();
        let q = format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{}> {{ ?s ?p ?o }} }}",
            g.as_str()
        );
        let body = client
            .get(&endpoint)
            .query(&[("query", q.as_str())])
            .header("Accept", "text/csv")
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.text())
            .expect("count query on Virtuoso");
        let theirs: usize = body
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or_else(|| panic!("no count in {body:?}"));
        assert_eq!(theirs, ours, "{g}: triples in Virtuoso vs referat");
        checked += ours;
    }
    let total: usize = gs
        .store()
        .iter()
        .filter(|q| {
            q.as_ref()
                .map(|q| !q.graph_name.to_string().ends_with("/graph/manifest>"))
                .unwrap_or(true)
        })
        .count();
    assert!(checked > 1000, "{checked}");
    assert_eq!(checked, total, "every exported graph was counted");
}
