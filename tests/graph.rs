//! The knowledge graph end to end: ingest the reference corpus into a real on-disk store,
//! ask the curated queries, check idempotence and atomic replacement, and validate the
//! graph with an independent RDF library (Python rdflib + pyshacl).

use oxigraph::io::RdfFormat;
use referat::ingest;
use referat::parse::ParseOptions;
use referat::query::{self, ResultFormat};
use referat::rdf::RdfConfig;
use referat::store::{GraphStore, IngestOutcome, StoreError};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ingest_corpus(store_dir: &Path) -> GraphStore {
    let gs = GraphStore::open(store_dir, RdfConfig::default()).expect("open store");
    gs.ensure_gazetteer().expect("gazetteer");
    let mut errors = Vec::new();
    let files = ingest::collect_files(&[root().join("corpus")], &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(files.len(), 2);
    for f in files {
        let r = ingest::ingest_file(&gs, &f, &ParseOptions::default());
        assert!(r.outcome.is_ok(), "{}: {:?}", f.display(), r.outcome);
    }
    gs
}

fn csv(gs: &GraphStore, file: &str, params: &[&str]) -> Vec<Vec<String>> {
    let q = std::fs::read_to_string(root().join("queries").join(file)).expect("query file");
    let params: Vec<_> = params
        .iter()
        .map(|p| query::parse_param(p).expect("param"))
        .collect();
    let mut out = Vec::new();
    query::run(
        gs.store(),
        &q,
        &params,
        ResultFormat::Csv,
        Duration::from_secs(60),
        &mut out,
    )
    .expect("query runs");
    let text = String::from_utf8(out).expect("utf8");
    parse_csv(&text)
}

/// Minimal RFC 4180 reader (quoted fields with commas, quotes and newlines).
/// Columns `cols` of a query's rows, in that order, the header left out.
fn columns<const N: usize>(rows: &[Vec<String>], cols: [usize; N]) -> Vec<[String; N]> {
    rows[1..]
        .iter()
        .map(|r| cols.map(|c| r[c].clone()))
        .collect()
}

/// The reference corpus as the parser reads it, each document with its meeting date: what
/// the curated queries are held to.
fn parsed_corpus() -> Vec<(String, referat::model::Minutes)> {
    ingest::collect_files(&[root().join("corpus")], &mut Vec::new())
        .iter()
        .map(|f| {
            let m = referat::parse::parse_file(f, &ParseOptions::default()).expect("parses");
            (m.meeting.date.clone().expect("dated"), m)
        })
        .collect()
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("tests/expected/reference-minutes.json"))
        .expect("expectations");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn decisions_query_answers_who_decided_what() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let rows = csv(&gs, "decisions.rq", &[]);
    assert_eq!(
        rows[0][..7],
        [
            "body",
            "meeting_date",
            "item",
            "title",
            "case_number",
            "decision_kind",
            "decision"
        ]
    );
    let exp = expected();
    let mut n = 0;
    for (doc, date) in [
        (
            "referat-fra-moede-i-kkr-midtjylland-den-18-juni-2025.txt",
            "2025-06-18",
        ),
        (
            "referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt",
            "2025-09-03",
        ),
    ] {
        for e in exp[doc]["items"].as_array().expect("items") {
            let num = e["number"].as_str().expect("number");
            let row = rows
                .iter()
                .find(|r| r[1] == date && r[2] == num)
                .unwrap_or_else(|| panic!("no row for {date} {num}"));
            assert_eq!(row[0], "KKR Midtjylland");
            assert_eq!(row[3], e["title"].as_str().expect("title"), "{date} {num}");
            assert_eq!(row[4], e["case_no"].as_str().expect("case"), "{date} {num}");
            assert_eq!(
                row[5],
                e["decision_kind"].as_str().expect("kind"),
                "{date} {num}"
            );
            assert!(row[6].starts_with(e["decision_start"].as_str().expect("start")));
            n += 1;
        }
    }
    assert_eq!(rows.len() - 1, n, "one row per item, no duplicates");
}

/// `amounts.rq` is rewritten for the evaluator's speed and memory (ARCHITECTURE.md,
/// "Curated queries"); whatever its shape, it must list every amount the parser read, in
/// the meeting and item it was read in, with its currency, unit and text, and nothing else.
#[test]
fn amounts_query_lists_every_amount_the_parser_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let rows = csv(&gs, "amounts.rq", &[]);
    assert_eq!(
        rows[0],
        [
            "meeting_date",
            "item",
            "amount",
            "currency",
            "per",
            "text",
            "amount_max",
            "price_year",
            "fact_kind",
            "actor"
        ]
    );
    // Several rows of one amount differ only in what it belongs to (fact_kind, actor).
    let mut got = columns(&rows, [0, 1, 3, 4, 5]);
    let mut want = Vec::new();
    for (date, m) in parsed_corpus() {
        for a in m.amounts.iter().filter(|a| a.value.is_finite()) {
            let item = a
                .item
                .as_deref()
                .filter(|n| m.items.iter().any(|i| i.number == n.trim()))
                .unwrap_or("");
            want.push([
                date.clone(),
                item.to_string(),
                a.currency.clone(),
                a.per.clone().unwrap_or_default(),
                a.text.clone(),
            ]);
        }
    }
    want.sort();
    want.dedup();
    got.sort();
    got.dedup();
    assert!(want.len() >= 10, "the corpus has amounts: {want:?}");
    assert_eq!(got, want);
}

/// `people.rq` is rewritten for the evaluator's memory too (the role is made inside a
/// sub-select); whatever its shape, it must list every role the parser read for a person,
/// with its organisation and item, and every organisational relation a person holds (as
/// its relation token), and nothing else.
#[test]
fn people_query_lists_every_role_the_parser_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let rows = csv(&gs, "people.rq", &[]);
    assert_eq!(
        rows[0],
        ["person", "role", "organisation", "meeting_date", "item"]
    );
    let mut got = columns(&rows, [3, 0, 1, 2, 4]);
    let mut want = Vec::new();
    for (date, m) in parsed_corpus() {
        for p in &m.persons {
            for r in &p.roles {
                want.push([
                    date.clone(),
                    p.name.clone(),
                    r.role.clone(),
                    r.organisation.clone().unwrap_or_default(),
                    r.item.clone().unwrap_or_default(),
                ]);
            }
        }
        for r in &m.relations {
            if m.persons.iter().any(|p| p.name == r.subject) {
                want.push([
                    date.clone(),
                    r.subject.clone(),
                    r.relation.clone(),
                    r.object.clone(),
                    r.item.clone().unwrap_or_default(),
                ]);
            }
        }
    }
    want.sort();
    want.dedup();
    got.sort();
    assert!(want.len() >= 5, "the corpus has people's roles: {want:?}");
    assert_eq!(got, want);
}

#[test]
fn meetings_form_a_chain_with_referenced_ends() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let rows = csv(&gs, "meetings.rq", &[]);
    let h = &rows[0];
    let col = |name: &str| h.iter().position(|c| c == name).expect("column");
    let (d, p, nx, kf) = (
        col("meeting_date"),
        col("previous_meeting"),
        col("next_meeting"),
        col("known_from"),
    );
    let mut chain: Vec<(String, String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[d].clone(), r[p].clone(), r[nx].clone(), r[kf].clone()))
        .collect();
    chain.sort();
    let dates: Vec<&str> = chain.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        dates,
        ["2025-04-08", "2025-06-18", "2025-09-03", "2025-10-20"]
    );
    assert_eq!(chain[1].1, "2025-04-08");
    assert_eq!(chain[1].2, "2025-09-03");
    assert_eq!(chain[2].2, "2025-10-20");
    let known: Vec<&str> = chain.iter().map(|c| c.3.as_str()).collect();
    assert_eq!(known, ["reference", "minutes", "minutes", "reference"]);
}

#[test]
fn organisation_history_takes_any_alias() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    for (alias, must) in [("CDEU", "3.1"), ("KD-net", "2.1")] {
        let rows = csv(&gs, "organisation-history.rq", &[&format!("org={alias}")]);
        assert!(rows.len() > 2, "{alias}: {rows:?}");
        let dates: std::collections::HashSet<&str> =
            rows[1..].iter().map(|r| r[1].as_str()).collect();
        assert!(
            dates.contains("2025-06-18") && dates.contains("2025-09-03"),
            "{alias}: {dates:?}"
        );
        assert!(
            rows[1..].iter().any(|r| r[2] == must),
            "{alias}: item {must}"
        );
    }
}

/// The curated queries, `queries/*.rq`, in name order (nine at least).
fn curated_query_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("queries"))
        .expect("queries/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    files
}

/// Every curated SELECT sorts by all the columns it returns (after any sort key of its own,
/// such as an item's position), so its answer comes out in one order whatever plan the
/// evaluator picks: rows that tie on the first keys are not left in hash-table order.
#[test]
fn curated_queries_order_their_answers_by_every_column() {
    use spargebra::algebra::{Expression, GraphPattern, OrderExpression};
    for f in curated_query_files() {
        let text = std::fs::read_to_string(&f).expect("query file");
        let parsed = spargebra::SparqlParser::new()
            .parse_query(&text)
            .expect("query parses");
        let spargebra::Query::Select { pattern, .. } = parsed else {
            panic!("{}: not a SELECT", f.display());
        };
        let (mut projected, mut keys) = (Vec::new(), Vec::new());
        let mut p = &pattern;
        loop {
            match p {
                GraphPattern::Slice { inner, .. }
                | GraphPattern::Distinct { inner }
                | GraphPattern::Reduced { inner } => p = inner,
                GraphPattern::Project { inner, variables } => {
                    projected.clone_from(variables);
                    p = inner;
                }
                GraphPattern::OrderBy { expression, .. } => {
                    for e in expression {
                        let (OrderExpression::Asc(Expression::Variable(v))
                        | OrderExpression::Desc(Expression::Variable(v))) = e
                        else {
                            panic!("{}: a sort key that is not a variable", f.display());
                        };
                        keys.push(v.clone());
                    }
                    break;
                }
                _ => panic!("{}: no ORDER BY", f.display()),
            }
        }
        assert!(!projected.is_empty(), "{}", f.display());
        let unsorted: Vec<_> = projected.iter().filter(|v| !keys.contains(v)).collect();
        assert!(
            unsorted.is_empty(),
            "{}: ORDER BY lacks {unsorted:?}",
            f.display()
        );
    }
}

/// `run_with_plan` gives the same rows as `run` plus Oxigraph's plan with figures, and the
/// curated queries are planned without a cross product (a join with no key variable: every
/// row of one side against every row of the other), the shape that made
/// organisation-history run every branch for every organisation.
#[test]
fn curated_queries_are_planned_without_cross_products() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    for f in curated_query_files() {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(&f).expect("query file");
        let params: Vec<_> = if name == "organisation-history.rq" {
            vec![query::parse_param("org=KD-net").expect("param")]
        } else {
            vec![]
        };
        let mut plain = Vec::new();
        let rows = query::run(
            gs.store(),
            &text,
            &params,
            ResultFormat::Csv,
            Duration::from_secs(60),
            &mut plain,
        )
        .expect("query runs");
        let (mut out, mut plan) = (Vec::new(), Vec::new());
        let explained_rows = query::run_with_plan(
            gs.store(),
            &text,
            &params,
            ResultFormat::Csv,
            Duration::from_secs(60),
            &mut out,
            Some(&mut plan),
        )
        .expect("query runs with explanation");
        assert_eq!(explained_rows, rows, "{name}");
        assert_eq!(
            parse_csv(&String::from_utf8(out).expect("utf8")).len(),
            parse_csv(&String::from_utf8(plain).expect("utf8")).len(),
            "{name}"
        );
        let plan: serde_json::Value = serde_json::from_slice(&plan).expect("plan is JSON");
        let top = &plan["plan"];
        assert!(top["name"].is_string(), "{name}: {plan}");
        // The root operator counted the rows the query returned (links has a Distinct or
        // Project root, so its count is the row count too).
        assert_eq!(
            top["number of results"].as_u64(),
            Some(rows as u64),
            "{name}"
        );
        let mut stack = vec![top];
        while let Some(node) = stack.pop() {
            let op = node["name"].as_str().unwrap_or_default();
            assert!(
                !(op.starts_with("Join(") && op.contains("keys = )")),
                "{name}: cross product {op}"
            );
            if let Some(children) = node["children"].as_array() {
                stack.extend(children);
            }
        }
    }
}

#[test]
fn reingest_is_idempotent_and_a_changed_document_replaces_its_graph() {
    let dir = tempfile::tempdir().expect("tmp");
    let store_dir = dir.path().join("store");
    let gs = ingest_corpus(&store_dir);
    let before = gs.len().expect("len");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    let name = "referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt";
    let copy = docs.join(name);
    std::fs::copy(root().join("corpus").join(name), &copy).expect("copy");
    let r = ingest::ingest_file(&gs, &copy, &ParseOptions::default());
    // Same content, same graph (derived from the file name): nothing written.
    assert!(
        matches!(r.outcome, Ok((IngestOutcome::Unchanged, 0))),
        "{:?}",
        r.outcome
    );
    assert_eq!(gs.len().expect("len"), before);

    // Change the decision of one item: the graph is replaced, the old text is gone.
    let text = std::fs::read_to_string(&copy).expect("read");
    let changed = text.replacen("Taget til efterretning.", "Sagen blev udsat.", 1);
    assert_ne!(text, changed);
    std::fs::write(&copy, changed).expect("write");
    let r = ingest::ingest_file(&gs, &copy, &ParseOptions::default());
    assert!(
        matches!(r.outcome, Ok((IngestOutcome::Replaced, _))),
        "{:?}",
        r.outcome
    );
    let rows = csv(&gs, "decisions.rq", &[]);
    let sept: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "2025-09-03").collect();
    assert_eq!(sept.len(), 9, "still one row per item after replacement");
    assert!(sept.iter().any(|r| r[5] == "postponed"));

    // A failing document leaves the store as it was.
    let n = gs.len().expect("len");
    let bad = docs.join("broken.txt");
    std::fs::write(&bad, b"\x89PNG\r\n\x1a\n\0\0\0").expect("write");
    let r = ingest::ingest_file(&gs, &bad, &ParseOptions::default());
    let err = r.outcome.expect_err("binary is refused");
    assert!(err.contains("PNG"), "{err}");
    assert_eq!(gs.len().expect("len"), n);
}

/// Files for a second ingest into a store of the reference minutes, in `dir`/docs: June's
/// minutes again (unchanged), September's with one decision edited (changed), and
/// September's original under another name (another graph, new to the store).
fn rerun_files(dir: &Path) -> [PathBuf; 3] {
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    let june = "referat-fra-moede-i-kkr-midtjylland-den-18-juni-2025.txt";
    let sept = "referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt";
    let same = docs.join(june);
    std::fs::copy(root().join("corpus").join(june), &same).expect("copy");
    let changed = docs.join(sept);
    let text = std::fs::read_to_string(root().join("corpus").join(sept)).expect("read");
    let edited = text.replacen("Taget til efterretning.", "Sagen blev udsat.", 1);
    assert_ne!(text, edited);
    std::fs::write(&changed, edited).expect("write");
    let renamed = docs.join("referat-fra-moede-i-kkr-midtjylland-kopi.txt");
    std::fs::write(&renamed, &text).expect("write");
    [same, changed, renamed]
}

/// An ingest of many files reads once which graphs the store holds, so new documents skip
/// the per-document look-ups; documents the store already holds must still be found
/// unchanged or replaced, and a new file given twice is stored once.
#[test]
fn an_ingest_of_many_files_still_finds_what_the_store_holds() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let [same, changed, renamed] = rerun_files(dir.path());

    let opts = ParseOptions::default();
    let before = gs.document_graphs().expect("graphs").len();
    // The list read at once (0), after one document (1), and not at all (a small ingest).
    for first in [0, 1, referat::store::LOOK_UPS_BEFORE_LIST] {
        check_ingest_of_many(&gs, &opts, first, [&renamed, &same, &changed], before);
    }
    let rows = csv(&gs, "decisions.rq", &[]);
    assert!(rows
        .iter()
        .any(|r| r[1] == "2025-09-03" && r[5] == "postponed"));
}

/// A re-run over files the store already holds finds them unchanged before parsing them
/// (the parse is what a re-run over a large archive cost), in both ways the check works
/// (each file looked up, or the store's graph list read first), and only those: a changed
/// file, a new name, and a store that now extracts another way all get parsed.
#[test]
fn an_unchanged_file_is_found_before_it_is_parsed() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut gs = ingest_corpus(&dir.path().join("store"));
    let [same, changed, renamed] = rerun_files(dir.path());
    let files = vec![renamed.clone(), same.clone(), changed.clone(), same.clone()];
    let opts = ParseOptions::default();
    let stored_sha = ingest::parse_guarded(&same, &opts)
        .expect("parses")
        .source
        .sha256;

    let reads = |gs: &GraphStore, run_of: usize| -> Vec<String> {
        let check = ingest::UnchangedCheck::new(gs, run_of);
        let mut out = Vec::new();
        ingest::parse_ahead(&files, &opts, Some(&check), 2, |_, r| {
            out.push(match r {
                Ok(ingest::Read::Parsed(_)) => "parsed".to_string(),
                Ok(ingest::Read::Unchanged(sha)) => {
                    assert_eq!(sha, stored_sha, "the hash the manifest holds");
                    "unchanged".to_string()
                }
                Err(e) => format!("error: {e}"),
            })
        });
        out
    };
    let want = ["parsed", "unchanged", "parsed", "unchanged"];
    // A run of 4 files looks each up; one over the threshold reads the list first.
    for run_of in [files.len(), referat::store::LOOK_UPS_BEFORE_LIST + 1] {
        assert_eq!(reads(&gs, run_of), want, "a run of {run_of} files");
    }

    // What the check skips is what the store would find unchanged after parsing: the
    // same outcomes through the writer.
    let mut results = Vec::new();
    {
        let check = ingest::UnchangedCheck::new(&gs, files.len());
        let mut ingester = ingest::Ingester::new(&gs, &opts, ingest::DEFAULT_BATCH_QUADS);
        ingest::parse_ahead(&files, &opts, Some(&check), 2, |f, r| {
            results.extend(ingester.add_parsed(f, r));
        });
        results.extend(ingester.commit());
    }
    let outcomes: Vec<String> = files
        .iter()
        .map(|f| {
            results
                .iter()
                .filter(|r| &r.path == f)
                .map(|r| match &r.outcome {
                    Ok((o, _)) => format!("{o:?}"),
                    Err(e) => format!("error: {e}"),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            "Added",
            "Unchanged Unchanged",
            "Replaced",
            "Unchanged Unchanged"
        ]
    );

    // Extracted another way now (`--no-ocr-repair`): nothing is current, all is parsed.
    gs.set_extraction_note("no OCR repair");
    assert_eq!(reads(&gs, files.len()), ["parsed"; 4]);
}

/// Readers (`query`, `export`, `push`) share a store; a writer excludes them and they
/// exclude it (RocksDB's read-only mode is only safe while nobody writes), in this process
/// and in others; a reader never makes a store where there is none.
#[test]
fn readers_share_a_store_and_exclude_a_writer() {
    let dir = tempfile::tempdir().expect("tmp");
    let store_dir = dir.path().join("store");
    let (total, decisions) = {
        let gs = ingest_corpus(&store_dir);
        (gs.len().expect("len"), csv(&gs, "decisions.rq", &[]))
    };
    assert!(decisions.len() > 10, "{}", decisions.len());
    let open_reader = || GraphStore::open_read_only(&store_dir, RdfConfig::default());
    let open_writer = || GraphStore::open(&store_dir, RdfConfig::default());
    let a = open_reader().expect("first reader");
    let b = open_reader().expect("second reader, while the first is open");
    assert_eq!(a.len().expect("len"), total);
    assert_eq!(csv(&b, "decisions.rq", &[]), decisions);
    let refused = |r: Result<GraphStore, StoreError>| r.err().map(|e| e.to_string());
    let in_use = format!(
        "the store at {} is busy: another referat process is reading or writing it; try again when it has finished",
        store_dir.display()
    );
    assert_eq!(refused(open_writer()), Some(in_use.clone()), "two readers");
    drop(a);
    assert_eq!(refused(open_writer()), Some(in_use), "one reader");
    drop(b);
    let w = open_writer().expect("a writer once the readers are gone");
    let busy = format!(
        "referat: the store at {} is busy: another referat process has it open for writing; try again when it has finished",
        store_dir.display()
    );
    // Refused twice in this process: a refused reader must leave the writer's lock in
    // place (closing a descriptor of the lock file would drop it).
    for _ in 0..2 {
        assert!(
            matches!(open_reader().err(), Some(StoreError::Busy(_))),
            "a reader while the writer is open"
        );
    }
    // … and refused in other processes, `query` and `export` alike.
    let out_dir = dir.path().join("export");
    let probes: [&[&str]; 2] = [
        &["query", "ASK { ?s ?p ?o }"],
        &["export", "--tables", out_dir.to_str().expect("utf8")],
    ];
    for args in probes {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_referat"))
            .arg("--store")
            .arg(&store_dir)
            .args(args)
            .output()
            .expect("run referat");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            busy,
            "{args:?}"
        );
    }
    drop(w);
    let r = open_reader().expect("a reader once the writer is gone");
    assert_eq!(csv(&r, "decisions.rq", &[]), decisions);
    // Reopened (to drop RocksDB's caches between passes), a reader keeps its lock
    // throughout and reads the same store.
    let r = r.reopened().expect("reopened");
    let w = open_writer();
    assert!(
        matches!(w, Err(StoreError::InUse(_))),
        "a writer while a reopened reader is open: {:?}",
        w.err()
    );
    assert_eq!(csv(&r, "decisions.rq", &[]), decisions);
    drop(r);
    let missing = dir.path().join("missing");
    assert!(matches!(
        GraphStore::open_read_only(&missing, RdfConfig::default()).err(),
        Some(StoreError::Missing(_))
    ));
    assert!(!missing.exists(), "a reader made a store");
}

/// A writer keeps at most `WRITER_MAX_OPEN_FILES` table files open (RocksDB holds each
/// open file's index in memory, so without the limit an ingest's memory grows with the
/// store): RocksDB records the option it runs with in the store's OPTIONS file.
#[test]
fn a_writer_keeps_a_bounded_number_of_table_files_open() {
    let Some(limit) = referat::store::writer_max_open_files() else {
        eprintln!("skipped: this process may open too few files for the limit");
        return;
    };
    assert_eq!(limit, referat::store::WRITER_MAX_OPEN_FILES);
    let dir = tempfile::tempdir().expect("tmp");
    let store_dir = dir.path().join("store");
    drop(ingest_corpus(&store_dir));
    let options: Vec<String> = std::fs::read_dir(&store_dir)
        .expect("store folder")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("OPTIONS-"))
        .map(|e| std::fs::read_to_string(e.path()).expect("OPTIONS file"))
        .collect();
    assert!(!options.is_empty(), "RocksDB wrote no OPTIONS file");
    let wanted = format!("max_open_files={}", referat::store::WRITER_MAX_OPEN_FILES);
    for text in &options {
        let set: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("max_open_files="))
            .collect();
        assert_eq!(set, [wanted.as_str()], "{text}");
    }
}

/// Ingests `renamed`, `same` and `changed` and again the first two, through one ingester:
/// on the first round (`before` graphs stored) they are new, stored and changed; on later
/// rounds all stored, with `changed` as stored before.
fn check_ingest_of_many(
    gs: &GraphStore,
    opts: &ParseOptions,
    first: usize,
    [renamed, same, changed]: [&Path; 3],
    before: usize,
) {
    let first_round = gs.document_graphs().expect("graphs").len() == before;
    let mut ingester =
        ingest::Ingester::new(gs, opts, ingest::DEFAULT_BATCH_QUADS).looking_up_first(first);
    let mut results = Vec::new();
    for f in [renamed, same, changed, renamed, same] {
        results.extend(ingester.add(f));
    }
    results.extend(ingester.commit());
    let outcome = |f: &Path| -> Vec<String> {
        results
            .iter()
            .filter(|r| r.path == f)
            .map(|r| match &r.outcome {
                Ok((o, _)) => format!("{o:?}"),
                Err(e) => format!("error: {e}"),
            })
            .collect()
    };
    let (renamed_now, changed_now) = if first_round {
        (["Added", "Unchanged"], ["Replaced"])
    } else {
        (["Unchanged", "Unchanged"], ["Unchanged"])
    };
    assert_eq!(outcome(same), ["Unchanged", "Unchanged"], "first {first}");
    assert_eq!(outcome(changed), changed_now, "first {first}");
    assert_eq!(outcome(renamed), renamed_now, "first {first}");
    assert_eq!(gs.document_graphs().expect("graphs").len(), before + 1);
}

/// Find a Python with rdflib and pyshacl: $REFERAT_PYTHON, else the project's .venv.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("REFERAT_PYTHON") {
        return PathBuf::from(p);
    }
    root().join(".venv/bin/python")
}

#[test]
fn graph_validates_with_rdflib_and_pyshacl() {
    let py = python();
    assert!(
        py.exists(),
        "{} not found: run `./run setup` (it creates .venv with rdflib and pyshacl)",
        py.display()
    );
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let dump = dir.path().join("graph.nq");
    let mut buf = Vec::new();
    gs.store()
        .dump_to_writer(RdfFormat::NQuads, &mut buf)
        .expect("dump");
    std::fs::write(&dump, &buf).expect("write dump");
    let out = std::process::Command::new(&py)
        .arg(root().join("tests/validate.py"))
        .arg(&dump)
        .arg(root().join("ontology/shapes.ttl"))
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "validation failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("conforms: True"), "{stdout}");
}

#[test]
fn undated_minutes_get_their_date_from_the_previous_meetings_minutes() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = GraphStore::open(&dir.path().join("store"), RdfConfig::default()).expect("open");
    let june = root()
        .join("corpus")
        .join("referat-fra-moede-i-kkr-midtjylland-den-18-juni-2025.txt");
    let r = ingest::ingest_file(&gs, &june, &ParseOptions::default());
    assert!(r.outcome.is_ok(), "{:?}", r.outcome);
    // The September minutes print no date; under a name without one, only the June
    // minutes' "points for the next meeting" can date them.
    let undated = dir.path().join("kkr-referat.txt");
    std::fs::copy(
        root()
            .join("corpus")
            .join("referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt"),
        &undated,
    )
    .expect("copy");
    let mut m = referat::parse_file(&undated, &ParseOptions::default()).expect("parse");
    assert_eq!(m.meeting.date, None);
    assert_eq!(m.meeting.date_source, "none");
    assert!(
        m.warnings
            .iter()
            .any(|w| w == referat::parse::NO_DATE_WARNING),
        "{:?}",
        m.warnings
    );
    let evidence = referat::crossref::infer_meeting_date(&gs, &mut m).expect("inferred");
    assert!(
        !m.warnings
            .iter()
            .any(|w| w == referat::parse::NO_DATE_WARNING),
        "dated now: {:?}",
        m.warnings
    );
    assert_eq!(m.meeting.date.as_deref(), Some("2025-09-03"));
    assert_eq!(m.meeting.date_source, "cross-reference");
    assert!(evidence.contains("2025-06-18"), "{evidence}");
    let r = ingest::ingest_file(&gs, &undated, &ParseOptions::default());
    assert!(r.outcome.is_ok(), "{:?}", r.outcome);
    let rows = csv(&gs, "decisions.rq", &[]);
    assert_eq!(rows.iter().filter(|r| r[1] == "2025-09-03").count(), 9);
}

fn graph_quads(
    gs: &GraphStore,
    g: &oxigraph::model::NamedNode,
) -> std::collections::BTreeSet<String> {
    gs.store()
        .quads_for_pattern(
            None,
            None,
            None,
            Some(oxigraph::model::GraphNameRef::NamedNode(g.as_ref())),
        )
        .map(|q| {
            let q = q.expect("read quad");
            format!("{} {} {}", q.subject, q.predicate, q.object)
        })
        .collect()
}

#[test]
fn hub_statements_are_stored_once_and_orphans_are_collected() {
    use referat::rdf::{entities_graph, organisation_iri};
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let cfg = RdfConfig::default();
    let entities = entities_graph(&cfg);
    // Both minutes name KL, which the gazetteer knows: its label is stated once in the
    // whole store, by the gazetteer graph, in neither the shared nor a document graph.
    let kl = organisation_iri("KL", &cfg);
    let shared = graph_quads(&gs, &entities);
    let label = format!("{kl} <http://www.w3.org/2004/02/skos/core#prefLabel> \"KL\"");
    assert!(!shared.contains(&label), "{}", shared.len());
    let gazetteer =
        oxigraph::model::NamedNode::new(format!("{}graph/gazetteer", cfg.base)).expect("iri");
    assert!(graph_quads(&gs, &gazetteer).contains(&label));
    let skos_pref =
        oxigraph::model::NamedNode::new("http://www.w3.org/2004/02/skos/core#prefLabel")
            .expect("iri");
    let kl_labels = gs
        .store()
        .quads_for_pattern(
            Some(kl.as_ref().into()),
            Some(skos_pref.as_ref()),
            None,
            None,
        )
        .count();
    assert_eq!(kl_labels, 1);
    // An organisation the gazetteer does not know keeps its label in the shared graph.
    assert!(
        shared.iter().any(|q| q.contains("core#prefLabel")
            && q.starts_with("<https://w3id.org/referat/id/organisation/")),
        "no organisation label in the shared graph"
    );
    let manifest =
        oxigraph::model::NamedNode::new(format!("{}graph/manifest", cfg.base)).expect("iri");
    for g in gs.document_graphs().expect("graphs") {
        if g == entities || g == manifest || g.as_str().ends_with("/graph/gazetteer") {
            continue;
        }
        let own = graph_quads(&gs, &g);
        let repeated: Vec<&String> = own.intersection(&shared).collect();
        assert!(repeated.is_empty(), "{g}: {repeated:?}");
        assert!(
            !own.iter()
                .any(|q| q.starts_with(&format!("{kl} ")) && q.contains("core#prefLabel")),
            "{g} repeats a hub label"
        );
    }
    // Each meeting (its own minutes' or one referred to by the other minutes) has its
    // date stated once in the whole store, so joins on meeting dates do not multiply.
    let dct_date = oxigraph::model::NamedNode::new("http://purl.org/dc/terms/date").expect("iri");
    let zitting = oxigraph::model::NamedNode::new("http://data.vlaanderen.be/ns/besluit#Zitting")
        .expect("iri");
    let meetings: std::collections::BTreeSet<String> = gs
        .store()
        .quads_for_pattern(None, None, Some(zitting.as_ref().into()), None)
        .map(|q| q.expect("read quad").subject.to_string())
        .collect();
    assert!(meetings.len() >= 4, "{meetings:?}");
    for m in &meetings {
        let s =
            oxigraph::model::NamedNode::new(m.trim_matches(|c| c == '<' || c == '>')).expect("iri");
        let dates = gs
            .store()
            .quads_for_pattern(Some(s.as_ref().into()), Some(dct_date.as_ref()), None, None)
            .count();
        assert_eq!(dates, 1, "{m} has {dates} date statements");
    }

    // Replace the June document with the September text under the June name: what only
    // June named goes, and the shared graph equals that of a store that never saw June.
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    let june = "referat-fra-moede-i-kkr-midtjylland-den-18-juni-2025.txt";
    let sept = "referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt";
    let sept_text = std::fs::read(root().join("corpus").join(sept)).expect("read");
    let fake = docs.join(june);
    std::fs::write(&fake, &sept_text).expect("write");
    let r = ingest::ingest_file(&gs, &fake, &ParseOptions::default());
    assert!(
        matches!(r.outcome, Ok((IngestOutcome::Replaced, _))),
        "{:?}",
        r.outcome
    );
    let removed = gs.collect_garbage().expect("gc");
    assert!(removed > 0, "June named things September does not");
    assert_eq!(gs.collect_garbage().expect("gc again"), 0);

    let fresh_dir = dir.path().join("fresh");
    let fresh = GraphStore::open(&fresh_dir, RdfConfig::default()).expect("open");
    fresh.ensure_gazetteer().expect("gazetteer");
    for f in [root().join("corpus").join(sept), fake.clone()] {
        let r = ingest::ingest_file(&fresh, &f, &ParseOptions::default());
        assert!(r.outcome.is_ok(), "{:?}", r.outcome);
    }
    let (after, clean) = (graph_quads(&gs, &entities), graph_quads(&fresh, &entities));
    let stale: Vec<&String> = after.difference(&clean).collect();
    let missing: Vec<&String> = clean.difference(&after).collect();
    assert!(
        stale.is_empty() && missing.is_empty(),
        "left behind: {stale:#?}\nmissing: {missing:#?}"
    );
}
