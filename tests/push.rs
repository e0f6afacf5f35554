//! `referat push` against real Graph Store Protocol servers.
//!
//! 1. Virtuoso Open Source 7 (Debian `virtuoso-opensource-7-bin`), started on free ports in a
//!    temporary folder: push the ingested corpus, ask every curated query on Virtuoso's
//!    `/sparql` and compare with the local answers, push again (nothing sent), change one
//!    document (exactly that graph is sent), delete one (`--delete-missing`).
//! 2. A small Graph Store Protocol server written here against the spec (tiny_http in front
//!    of an in-memory Oxigraph store), with injected failures: retries on 503, one-line
//!    errors on 401 (Basic and Digest challenges), Basic authentication.
//!
//! If Virtuoso is not installed or does not start, the test fails and says why.

mod common;

use common::virtuoso::Virtuoso;
use referat::ingest;
use referat::parse::ParseOptions;
use referat::push::{self, PushArgs, PushOptions, RetryPolicy};
use referat::query::{self, ResultFormat};
use referat::rdf::RdfConfig;
use referat::store::{GraphStore, IngestOutcome};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const JUNE: &str = "referat-fra-moede-i-kkr-midtjylland-den-18-juni-2025.txt";
const SEPTEMBER: &str = "referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt";
const BASE: &str = "https://w3id.org/referat/id/";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ingest_paths(gs: &GraphStore, paths: &[PathBuf]) -> Vec<IngestOutcome> {
    let mut errors = Vec::new();
    let files = ingest::collect_files(paths, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    files
        .iter()
        .map(|f| {
            let r = ingest::ingest_file(gs, f, &ParseOptions::default());
            match r.outcome {
                Ok((o, _)) => o,
                Err(e) => panic!("{}: {e}", f.display()),
            }
        })
        .collect()
}

/// Ingests the June minutes with one decision changed ("Godkendt." → "Godkendt!", the
/// same number of triples), from a copy under `work`.
fn ingest_changed_june(gs: &GraphStore, work: &Path) -> Vec<IngestOutcome> {
    let changed = work.join("changed");
    std::fs::create_dir_all(&changed).expect("mkdir");
    let text = std::fs::read_to_string(root().join("corpus").join(JUNE)).expect("corpus");
    std::fs::write(
        changed.join(JUNE),
        text.replacen("Godkendt.", "Godkendt!", 1),
    )
    .expect("write");
    ingest_paths(gs, &[changed.join(JUNE)])
}

/// The corpus in a fresh on-disk store, plus the links/registries graphs when `link` works.
fn ingest_corpus(store_dir: &Path) -> GraphStore {
    let gs = GraphStore::open(store_dir, RdfConfig::default()).expect("open store");
    gs.ensure_gazetteer().expect("gazetteer");
    assert_eq!(ingest_paths(&gs, &[root().join("corpus")]).len(), 2);
    // Offline linking adds <base>graph/links and <base>graph/registries (links.rq).
    if let Err(e) = referat::link::run(&gs, &referat::link::LinkArgs::default()) {
        eprintln!("note: referat link failed, links.rq will compare empty answers: {e:#}");
    }
    gs
}

fn fast() -> PushOptions {
    PushOptions {
        retry: RetryPolicy {
            attempts: 4,
            backoff: Duration::from_millis(20),
            timeout: Duration::from_secs(120),
        },
        // Small batches, so a document graph goes as one PUT and several POSTs.
        batch_triples: 700,
        ..PushOptions::default()
    }
}

// ---------------------------------------------------------------------------------------
// Query answers, local and remote, as sorted rows of plain values.

type Answer = (Vec<String>, Vec<Vec<String>>);

/// Parameters the curated queries need (bound locally with --param semantics; remotely by
/// a VALUES block at the start of the WHERE clause).
fn params_for(file: &str) -> Vec<(&'static str, &'static str)> {
    match file {
        "organisation-history.rq" => vec![("org", "CDEU")],
        _ => vec![],
    }
}

/// Columns whose values are unordered lists: GROUP_CONCAT's order is not defined by SPARQL
/// (it follows the store's row order), so they are compared as sorted token lists.
fn unordered_columns(file: &str) -> &'static [&'static str] {
    match file {
        "reported-decisions.rq" => &["amounts"],
        _ => &[],
    }
}

fn normalise(mut a: Answer, file: &str) -> Answer {
    let cols: Vec<usize> = unordered_columns(file)
        .iter()
        .filter_map(|c| a.0.iter().position(|v| v == c))
        .collect();
    for row in &mut a.1 {
        for &c in &cols {
            let mut tokens: Vec<&str> = row[c].split(' ').collect();
            tokens.sort_unstable();
            row[c] = tokens.join(" ");
        }
    }
    a.1.sort();
    a
}

fn local_answer(gs: &GraphStore, text: &str, params: &[(&str, &str)]) -> Answer {
    let params: Vec<_> = params
        .iter()
        .map(|(k, v)| query::parse_param(&format!("{k}={v}")).expect("param"))
        .collect();
    let mut out = Vec::new();
    query::run(
        gs.store(),
        text,
        &params,
        ResultFormat::Json,
        Duration::from_secs(120),
        &mut out,
    )
    .expect("local query runs");
    json_answer(&String::from_utf8(out).expect("utf8"))
}

fn json_answer(body: &str) -> Answer {
    let v: serde_json::Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("not SPARQL JSON results ({e}): {body:.500}"));
    let vars: Vec<String> = v["head"]["vars"]
        .as_array()
        .expect("head.vars")
        .iter()
        .map(|x| x.as_str().expect("var").to_string())
        .collect();
    let mut rows: Vec<Vec<String>> = v["results"]["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .map(|b| {
            vars.iter()
                .map(|k| b[k]["value"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .collect();
    rows.sort();
    (vars, rows)
}

fn bind_in_text(text: &str, params: &[(&str, &str)]) -> String {
    if params.is_empty() {
        return text.to_string();
    }
    let values: String = params
        .iter()
        .map(|(k, v)| format!(" VALUES ?{k} {{ \"{v}\" }}"))
        .collect();
    let at = text.find("WHERE {").expect("WHERE {") + "WHERE {".len();
    format!("{}{}{}", &text[..at], values, &text[at..])
}

fn remote_answer(endpoint: &str, text: &str) -> Result<Answer, String> {
    let resp = reqwest::blocking::Client::new()
        .post(endpoint)
        .header("Accept", "application/sparql-results+json")
        .form(&[("query", text)])
        .timeout(Duration::from_secs(120))
        .send()
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let body = resp.text().map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {body:.400}"));
    }
    Ok(json_answer(&body))
}

fn remote_count(endpoint: &str, graph: &str) -> usize {
    let q = format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}");
    let (_, rows) = remote_answer(endpoint, &q).expect("count query");
    rows[0][0].parse().expect("a number")
}

/// Every curated query, local vs remote; returns the differences (empty = all equal).
fn compare_curated(gs: &GraphStore, endpoint: &str) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("queries"))
        .expect("queries/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rq"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    let mut problems = Vec::new();
    for f in &files {
        let name = f.file_name().expect("name").to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).expect("query text");
        let params = params_for(&name);
        let local = normalise(local_answer(gs, &text, &params), &name);
        match remote_answer(endpoint, &bind_in_text(&text, &params)).map(|a| normalise(a, &name)) {
            Err(e) => problems.push(format!("{name}: the remote store refused it: {e}")),
            Ok(remote) if remote != local => {
                let only_local: Vec<_> = local.1.iter().filter(|r| !remote.1.contains(r)).collect();
                let only_remote: Vec<_> =
                    remote.1.iter().filter(|r| !local.1.contains(r)).collect();
                problems.push(format!(
                    "{name}: answers differ: columns {:?} vs {:?}; {} rows here, {} there; only here: {:?}; only there: {:?}",
                    local.0,
                    remote.0,
                    local.1.len(),
                    remote.1.len(),
                    only_local.iter().take(3).collect::<Vec<_>>(),
                    only_remote.iter().take(3).collect::<Vec<_>>()
                ));
            }
            Ok(_) => eprintln!("{name}: {} rows, equal", local.1.len()),
        }
    }
    problems
}

fn graph_names(gs: &GraphStore) -> Vec<String> {
    let mut g: Vec<String> = gs
        .document_graphs()
        .expect("graphs")
        .into_iter()
        .map(|n| n.as_str().to_string())
        .filter(|n| !n.ends_with("graph/manifest"))
        .collect();
    g.sort();
    g
}

/// The scenario both servers go through.
fn scenario(gs: &GraphStore, workdir: &Path, endpoint: &str, graph_store: Option<String>) {
    let args = PushArgs {
        endpoint: endpoint.to_string(),
        graph_store,
        quiet: true,
        ..PushArgs::default()
    };
    let all = graph_names(gs);
    assert!(all.len() >= 3, "{all:?}");

    // 1. First push: everything goes, and the counts agree.
    let t = Instant::now();
    let r = push::push(gs, &args, &fast()).expect("first push");
    eprintln!(
        "first push: {} ({:.1} s)",
        r.summary(),
        t.elapsed().as_secs_f64()
    );
    assert!(r.failed.is_empty(), "{:?}", r.failed);
    assert!(r.mismatched.is_empty(), "{:?}", r.mismatched);
    let mut pushed = r.pushed.clone();
    pushed.sort();
    assert_eq!(pushed, all);
    assert!(r.skipped.is_empty());
    assert!(r.triples > 3000, "{}", r.triples);
    // More requests than graphs and one manifest record: the big graphs went in several
    // batches.
    assert!(r.traffic.writes > all.len() as u64 + 1, "{:?}", r.traffic);

    // 2. The curated queries answer the same there as here.
    let problems = compare_curated(gs, endpoint);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));

    // 3. Pushing again transfers nothing.
    let r = push::push(gs, &args, &fast()).expect("second push");
    eprintln!("second push: {}", r.summary());
    assert!(r.pushed.is_empty(), "{:?}", r.pushed);
    assert_eq!(r.skipped.len(), all.len());
    assert_eq!((r.traffic.writes, r.traffic.bytes, r.triples), (0, 0, 0));
    assert!(r.mismatched.is_empty() && r.failed.is_empty());

    // 4. One changed document: exactly its graph is replaced.
    let changed_dir = workdir.join("changed");
    std::fs::create_dir_all(&changed_dir).expect("mkdir");
    let original = std::fs::read_to_string(root().join("corpus").join(JUNE)).expect("corpus");
    let edited = original.replacen("Godkendt.", "Godkendt med en tilføjelse fra testen.", 1);
    assert_ne!(
        edited, original,
        "the June minutes contain a decision \"Godkendt.\""
    );
    std::fs::write(changed_dir.join(JUNE), edited).expect("write");
    assert_eq!(
        ingest_paths(gs, &[changed_dir.join(JUNE)]),
        vec![IngestOutcome::Replaced]
    );
    let june_graph = format!("{BASE}graph/{}", JUNE.trim_end_matches(".txt"));
    assert!(all.contains(&june_graph), "{june_graph} not in {all:?}");
    let r = push::push(gs, &args, &fast()).expect("push after a change");
    eprintln!("push after change: {}", r.summary());
    assert_eq!(r.pushed, vec![june_graph.clone()]);
    assert_eq!(r.skipped.len(), all.len() - 1);
    assert!(r.mismatched.is_empty() && r.failed.is_empty());
    let (_, rows) = remote_answer(
        endpoint,
        &std::fs::read_to_string(root().join("queries/decisions.rq")).expect("rq"),
    )
    .expect("decisions on the remote");
    assert!(
        rows.iter().any(|r| r
            .iter()
            .any(|v| v == "Godkendt med en tilføjelse fra testen.")),
        "the changed decision is not on the remote"
    );
    let problems = compare_curated(gs, endpoint);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));

    // 5. A document gone locally: --delete-missing removes its graph there.
    let sept_graph = format!("{BASE}graph/{}", SEPTEMBER.trim_end_matches(".txt"));
    let node = oxigraph::model::NamedNode::new(&sept_graph).expect("iri");
    gs.store().remove_named_graph(&node).expect("remove graph");
    let keep = push::push(gs, &args, &fast()).expect("push without --delete-missing");
    assert!(keep.deleted.is_empty() && keep.pushed.is_empty());
    assert!(remote_count(endpoint, &sept_graph) > 0);
    let del = PushArgs {
        delete_missing: true,
        ..args.clone()
    };
    let r = push::push(gs, &del, &fast()).expect("push --delete-missing");
    eprintln!("push --delete-missing: {}", r.summary());
    assert_eq!(r.deleted, vec![sept_graph.clone()]);
    assert!(r.pushed.is_empty() && r.failed.is_empty() && r.mismatched.is_empty());
    assert_eq!(remote_count(endpoint, &sept_graph), 0);
    let problems = compare_curated(gs, endpoint);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));

    // 6. The CLI entry point: a one-line summary, nothing sent.
    let line = push::run(gs, &args).expect("run");
    assert!(line.starts_with("pushed 0 graphs to "), "{line}");
    assert!(line.contains("verified"), "{line}");
}

// ---------------------------------------------------------------------------------------
// Virtuoso

#[test]
fn push_to_virtuoso_and_ask_the_curated_queries_there() {
    let t = Instant::now();
    let v = Virtuoso::start();
    eprintln!("virtuoso up in {:.1} s", t.elapsed().as_secs_f64());
    let work = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&work.path().join("store"));
    let endpoint = format!("http://127.0.0.1:{}/sparql", v.http);
    // The Graph Store endpoint is derived: …/sparql → …/sparql-graph-crud.
    scenario(&gs, work.path(), &endpoint, None);
    eprintln!(
        "virtuoso scenario done in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------
// A Graph Store Protocol server written against the spec, with injected failures.

#[derive(Default)]
struct Faults {
    /// Answer this many Graph Store writes with 503 before accepting.
    unavailable: AtomicUsize,
    /// Require this `Authorization` header; otherwise 401 with `challenge`.
    auth: Mutex<Option<(String, String)>>,
    /// Requests seen (method, url).
    seen: Mutex<Vec<(String, String)>>,
    /// Keep only the first ten triples of this many PUTs, and answer them as done.
    truncate: AtomicUsize,
    /// Answer Graph Store requests to a URL containing this text with 500, after letting
    /// this many through.
    broken: Mutex<Option<(String, usize)>>,
}

struct TestServer {
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
    port: u16,
    faults: Arc<Faults>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn base64(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = ((c[0] as u32) << 16)
            | ((*c.get(1).unwrap_or(&0) as u32) << 8)
            | (*c.get(2).unwrap_or(&0) as u32);
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl TestServer {
    fn start() -> TestServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
        let port = server.server_addr().to_ip().expect("ip").port();
        let faults = Arc::new(Faults::default());
        let store = oxigraph::store::Store::new().expect("store");
        let (s, f) = (server.clone(), faults.clone());
        let thread = std::thread::spawn(move || {
            for mut req in s.incoming_requests() {
                let (status, body, headers) = handle(&store, &f, &mut req);
                let mut resp = tiny_http::Response::from_string(body).with_status_code(status);
                for (k, v) in headers {
                    if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                        resp.add_header(h);
                    }
                }
                let _ = req.respond(resp);
            }
        });
        TestServer {
            server,
            thread: Some(thread),
            port,
            faults,
        }
    }
}

fn handle(
    store: &oxigraph::store::Store,
    f: &Faults,
    req: &mut tiny_http::Request,
) -> (u16, String, Vec<(String, String)>) {
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::{GraphName, NamedNode};
    use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
    use oxigraph::sparql::{QueryResults, SparqlEvaluator};

    let method = req.method().to_string();
    let url = req.url().to_string();
    f.seen
        .lock()
        .expect("lock")
        .push((method.clone(), url.clone()));
    if let Some((expected, challenge)) = f.auth.lock().expect("lock").clone() {
        let given = req
            .headers()
            .iter()
            .find(|h| h.field.equiv("Authorization"))
            .map(|h| h.value.as_str().to_string());
        if given.as_deref() != Some(expected.as_str()) {
            return (
                401,
                "unauthorized".into(),
                vec![("WWW-Authenticate".into(), challenge)],
            );
        }
    }
    let mut body = String::new();
    if req.as_reader().read_to_string(&mut body).is_err() {
        return (400, "body is not UTF-8".into(), vec![]);
    }
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let param = |name: &str, from: &str| {
        url::form_urlencoded::parse(from.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    match path {
        "/query" => {
            let Some(q) = param("query", &body).or_else(|| param("query", query)) else {
                return (400, "no query".into(), vec![]);
            };
            let mut prepared = match SparqlEvaluator::new().parse_query(&q) {
                Ok(p) => p,
                Err(e) => return (400, e.to_string(), vec![]),
            };
            prepared.dataset_mut().set_default_graph_as_union();
            let Ok(QueryResults::Solutions(sols)) = prepared.on_store(store).execute() else {
                return (400, "only SELECT".into(), vec![]);
            };
            let vars = sols.variables().to_vec();
            let mut out = Vec::new();
            let mut ser = QueryResultsSerializer::from_format(QueryResultsFormat::Json)
                .serialize_solutions_to_writer(&mut out, vars)
                .expect("serializer");
            for s in sols {
                match s {
                    Ok(s) => ser.serialize(&s).expect("serialize"),
                    Err(e) => return (500, e.to_string(), vec![]),
                }
            }
            ser.finish().expect("finish");
            (
                200,
                String::from_utf8(out).expect("utf8"),
                vec![(
                    "Content-Type".into(),
                    "application/sparql-results+json".into(),
                )],
            )
        }
        "/store" => {
            let Some(g) = param("graph", query).and_then(|g| NamedNode::new(g).ok()) else {
                return (400, "?graph=IRI expected".into(), vec![]);
            };
            if let Some((part, allowed)) = f.broken.lock().expect("lock").as_mut() {
                if url.contains(part.as_str()) {
                    if *allowed == 0 {
                        return (500, "broken".into(), vec![]);
                    }
                    *allowed -= 1;
                }
            }
            if method != "DELETE"
                && f.unavailable
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
            {
                return (503, "try again".into(), vec![]);
            }
            match method.as_str() {
                "PUT" | "POST" => {
                    if method == "PUT" {
                        store.clear_graph(&g).expect("clear");
                    }
                    let parser = RdfParser::from_format(RdfFormat::NTriples)
                        .with_default_graph(GraphName::NamedNode(g.clone()));
                    let keep = if method == "PUT"
                        && f.truncate
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok()
                    {
                        10
                    } else {
                        usize::MAX
                    };
                    for q in parser.for_slice(body.as_bytes()).take(keep) {
                        match q {
                            Ok(q) => {
                                store.insert(&q).expect("insert");
                            }
                            Err(e) => return (400, e.to_string(), vec![]),
                        }
                    }
                    store.insert_named_graph(&g).expect("graph");
                    (
                        if method == "PUT" { 201 } else { 204 },
                        String::new(),
                        vec![],
                    )
                }
                "DELETE" => {
                    if !store.contains_named_graph(&g).expect("contains") {
                        return (404, "no such graph".into(), vec![]);
                    }
                    store.remove_named_graph(&g).expect("remove");
                    (204, String::new(), vec![])
                }
                _ => (405, "method".into(), vec![]),
            }
        }
        _ => (404, "not found".into(), vec![]),
    }
}

#[test]
fn push_to_a_spec_graph_store_with_retries_and_auth() {
    let work = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&work.path().join("store"));
    let srv = TestServer::start();
    let endpoint = format!("http://127.0.0.1:{}/query", srv.port);

    // 401 with a Digest challenge: referat says it cannot do Digest.
    *srv.faults.auth.lock().expect("lock") =
        Some(("never".into(), "Digest realm=\"x\", nonce=\"n\"".into()));
    let args = PushArgs {
        endpoint: endpoint.clone(),
        quiet: true,
        ..PushArgs::default()
    };
    let e = push::push(&gs, &args, &fast()).expect_err("digest");
    assert!(format!("{e:#}").contains("Digest"), "{e:#}");

    // 401 with a Basic challenge and no credentials: one line asking for --user.
    *srv.faults.auth.lock().expect("lock") = Some((
        format!("Basic {}", base64("alice:s3cret")),
        "Basic realm=\"x\"".into(),
    ));
    let e = push::push(&gs, &args, &fast()).expect_err("401");
    let msg = format!("{e:#}");
    assert!(msg.contains("401") && msg.contains("--user"), "{msg}");
    assert_eq!(msg.lines().count(), 1, "{msg}");

    // Wrong password: rejected, and the password never appears in the message.
    std::env::set_var("REFERAT_TEST_PUSH_WRONG", "hunter2");
    let wrong = PushArgs {
        user: Some("alice".into()),
        password_env: Some("REFERAT_TEST_PUSH_WRONG".into()),
        ..args.clone()
    };
    let msg = format!("{:#}", push::push(&gs, &wrong, &fast()).expect_err("wrong"));
    assert!(
        msg.contains("rejected") && !msg.contains("hunter2"),
        "{msg}"
    );
    let missing = PushArgs {
        password_env: Some("REFERAT_TEST_PUSH_UNSET".into()),
        ..wrong.clone()
    };
    let msg = format!(
        "{:#}",
        push::push(&gs, &missing, &fast()).expect_err("unset")
    );
    assert!(
        msg.contains("REFERAT_TEST_PUSH_UNSET") && msg.contains("not set"),
        "{msg}"
    );
    // The password itself given to --password-env is not repeated.
    let pasted = PushArgs {
        password_env: Some("S3cret!pw".into()),
        ..wrong.clone()
    };
    let msg = format!(
        "{:#}",
        push::push(&gs, &pasted, &fast()).expect_err("not a variable name")
    );
    assert!(
        msg.contains("takes the NAME of an environment variable") && !msg.contains("S3cret"),
        "{msg}"
    );

    // Right credentials, and the first three writes fail with 503: retried, all arrive.
    std::env::set_var("REFERAT_TEST_PUSH_PASSWORD", "s3cret");
    let ok = PushArgs {
        user: Some("alice".into()),
        password_env: Some("REFERAT_TEST_PUSH_PASSWORD".into()),
        ..args.clone()
    };
    srv.faults.unavailable.store(3, Ordering::SeqCst);
    let r = push::push(&gs, &ok, &fast()).expect("push with retries");
    assert!(r.failed.is_empty() && r.mismatched.is_empty(), "{r:?}");
    assert_eq!(r.pushed.len(), graph_names(&gs).len());
    let puts = srv
        .faults
        .seen
        .lock()
        .expect("lock")
        .iter()
        .filter(|(m, _)| m == "PUT")
        .count();
    assert!(puts >= r.pushed.len() + 3, "{puts}");

    // Retries give up: the graph is reported as failed, the push is an error for the CLI.
    srv.faults.unavailable.store(1000, Ordering::SeqCst);
    ingest_changed_june(&gs, work.path());
    let r = push::push(&gs, &ok, &fast()).expect("push reports failures");
    let june_graph = format!("{BASE}graph/{}", JUNE.trim_end_matches(".txt"));
    assert!(
        r.failed
            .iter()
            .any(|(g, m)| g == &june_graph && m.contains("503") && m.contains("gave up")),
        "{:?}",
        r.failed
    );
    srv.faults.unavailable.store(0, Ordering::SeqCst);
    // The failed graph is pushed on the next run.
    let r = push::push(&gs, &ok, &fast()).expect("push after recovery");
    assert_eq!(r.pushed.len(), 1, "{r:?}");
    *srv.faults.auth.lock().expect("lock") = None;

    // 404: a wrong Graph Store URL is one clear line (a fresh server, so writes are due).
    let fresh = TestServer::start();
    let bad = PushArgs {
        endpoint: format!("http://127.0.0.1:{}/query", fresh.port),
        graph_store: Some(format!("http://127.0.0.1:{}/nope", fresh.port)),
        ..args.clone()
    };
    let msg = format!("{:#}", push::push(&gs, &bad, &fast()).expect_err("404"));
    assert!(
        msg.contains("404") && msg.contains("--graph-store"),
        "{msg}"
    );

    // Credentials in the URL are refused before anything is sent.
    let inline = PushArgs {
        endpoint: format!("http://alice:s3cret@127.0.0.1:{}/query", srv.port),
        ..args.clone()
    };
    let msg = format!(
        "{:#}",
        push::push(&gs, &inline, &fast()).expect_err("inline")
    );
    assert!(
        msg.contains("--password-env") && !msg.contains("s3cret"),
        "{msg}"
    );
}

#[test]
fn the_spec_server_passes_the_full_scenario() {
    let work = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&work.path().join("store"));
    let srv = TestServer::start();
    let endpoint = format!("http://127.0.0.1:{}/query", srv.port);
    // …/query → …/store is the Oxigraph server layout the test server copies.
    scenario(&gs, work.path(), &endpoint, None);
    let counts: BTreeMap<String, usize> =
        srv.faults
            .seen
            .lock()
            .expect("lock")
            .iter()
            .fold(BTreeMap::new(), |mut m, (method, _)| {
                *m.entry(method.clone()).or_default() += 1;
                m
            });
    eprintln!("requests seen by the spec server: {counts:?}");
}

/// Graphs are recorded in the remote manifest a batch at a time, and count as pushed only
/// once their record is there. When recording fails the graphs are reported failed and the
/// next push sends them again, even a graph whose document went back to the text the
/// manifest last recorded for it.
#[test]
fn graphs_are_recorded_in_batches_and_resent_when_recording_failed() {
    let work = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&work.path().join("store"));
    let all = graph_names(&gs);
    assert!(all.len() >= 3, "{all:?}");
    let manifest_writes = |srv: &TestServer| {
        srv.faults
            .seen
            .lock()
            .expect("lock")
            .iter()
            .filter(|(m, u)| m != "GET" && u.contains("push-manifest"))
            .count()
    };
    let args = |srv: &TestServer| PushArgs {
        endpoint: format!("http://127.0.0.1:{}/query", srv.port),
        parallel: Some(3),
        quiet: true,
        ..PushArgs::default()
    };
    // One full batch and a last, shorter one.
    let opts = PushOptions {
        record_every: all.len() - 1,
        ..fast()
    };

    // Two record requests for all the graphs, not one per graph.
    let srv = TestServer::start();
    let r = push::push(&gs, &args(&srv), &opts).expect("first push");
    assert!(r.failed.is_empty() && r.mismatched.is_empty(), "{r:?}");
    assert_eq!(r.pushed, all, "pushed in the store's order");
    assert_eq!(manifest_writes(&srv), 2);
    let again = push::push(&gs, &args(&srv), &opts).expect("second push");
    assert_eq!((again.pushed.len(), again.skipped.len()), (0, all.len()));

    // A changed document whose graph is sent but not recorded (the manifest takes one
    // request, then fails), then changed back: the manifest's hash is its text's again,
    // the remote holds the changed one, and the next push must send it.
    let june_graph = format!("{BASE}graph/{}", JUNE.trim_end_matches(".txt"));
    assert_eq!(
        ingest_changed_june(&gs, work.path()),
        vec![IngestOutcome::Replaced]
    );
    *srv.faults.broken.lock().expect("lock") = Some(("push-manifest".into(), 1));
    let r = push::push(&gs, &args(&srv), &opts).expect("push, recording fails");
    assert!(r.pushed.is_empty(), "{:?}", r.pushed);
    assert!(
        r.failed
            .iter()
            .any(|(g, m)| g == &june_graph && m.contains("recording it in the push manifest")),
        "{:?}",
        r.failed
    );
    *srv.faults.broken.lock().expect("lock") = None;
    assert_eq!(
        ingest_paths(&gs, &[root().join("corpus").join(JUNE)]),
        vec![IngestOutcome::Replaced]
    );
    let r = push::push(&gs, &args(&srv), &opts).expect("push after going back");
    assert!(r.failed.is_empty() && r.mismatched.is_empty(), "{r:?}");
    assert_eq!(r.pushed, vec![june_graph.clone()]);

    // The manifest cannot be written at all: every graph is sent, none counts as pushed,
    // and the next push sends them all again instead of skipping them.
    let srv = TestServer::start();
    *srv.faults.broken.lock().expect("lock") = Some(("push-manifest".into(), 0));
    let r = push::push(&gs, &args(&srv), &opts).expect("push with a broken manifest");
    assert!(r.pushed.is_empty(), "{:?}", r.pushed);
    let failed: Vec<&String> = r
        .failed
        .iter()
        .filter(|(_, m)| m.contains("recording it in the push manifest"))
        .map(|(g, _)| g)
        .collect();
    assert_eq!(failed.len(), all.len(), "{:?}", r.failed);
    *srv.faults.broken.lock().expect("lock") = None;
    let r = push::push(&gs, &args(&srv), &opts).expect("push after the repair");
    assert!(r.failed.is_empty() && r.mismatched.is_empty(), "{r:?}");
    assert_eq!((r.pushed.len(), r.skipped.len()), (all.len(), 0));
}

/// A store that answers a write as done but keeps only part of it: the count check finds
/// the graph, which is sent once more.
#[test]
fn a_graph_the_store_kept_only_part_of_is_sent_again() {
    let work = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&work.path().join("store"));
    let all = graph_names(&gs);
    let srv = TestServer::start();
    srv.faults.truncate.store(1, Ordering::SeqCst);
    let args = PushArgs {
        endpoint: format!("http://127.0.0.1:{}/query", srv.port),
        parallel: Some(2),
        quiet: true,
        ..PushArgs::default()
    };
    let r = push::push(&gs, &args, &fast()).expect("push");
    assert!(r.failed.is_empty() && r.mismatched.is_empty(), "{r:?}");
    assert_eq!(r.pushed.len(), all.len());
    assert_eq!(r.resent.len(), 1, "{:?}", r.resent);
    assert!(r.summary().contains("1 sent again"), "{}", r.summary());
    for g in &all {
        let local = gs
            .store()
            .quads_for_pattern(
                None,
                None,
                None,
                Some(oxigraph::model::NamedNodeRef::new(g).expect("iri").into()),
            )
            .count();
        let endpoint = format!("http://127.0.0.1:{}/query", srv.port);
        assert_eq!(remote_count(&endpoint, g), local, "{g}");
    }
    // Recorded with its full content: the next push skips everything.
    let again = push::push(&gs, &args, &fast()).expect("push again");
    assert_eq!((again.pushed.len(), again.skipped.len()), (0, all.len()));
}
