//! `referat link` end to end: the reference corpus in a real on-disk store, linked offline
//! against the shipped snapshot (with a precision check), and online against a real HTTP
//! server on 127.0.0.1 serving fixtures in each API's documented shape, errors included.

mod common;

use common::{ingest_corpus, root};
use referat::link::{self, online::OnlineConfig, LinkArgs};
use referat::query::{self, ResultFormat};
use referat::store::GraphStore;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// links.rq as rows of column → value.
fn links(gs: &GraphStore) -> Vec<BTreeMap<String, String>> {
    let q = std::fs::read_to_string(root().join("queries/links.rq")).expect("links.rq");
    let mut out = Vec::new();
    query::run(
        gs.store(),
        &q,
        &[],
        ResultFormat::Tsv,
        Duration::from_secs(60),
        &mut out,
    )
    .expect("query runs");
    let text = String::from_utf8(out).expect("utf8");
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split('\t')
        .map(|h| h.trim_start_matches('?').to_string())
        .collect();
    assert_eq!(
        header[..5],
        ["entity", "label", "registry", "identifier", "external_iri"]
    );
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split('\t').map(unquote))
                .collect()
        })
        .collect()
}

/// TSV results write literals as `"…"` (with datatype) and IRIs as `<…>`.
fn unquote(s: &str) -> String {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('"') {
        let end = rest.rfind('"').unwrap_or(rest.len());
        return rest[..end].replace("\\\"", "\"");
    }
    s.trim_start_matches('<').trim_end_matches('>').to_string()
}

fn has(rows: &[BTreeMap<String, String>], label: &str, registry: &str, id: &str) -> bool {
    rows.iter()
        .any(|r| r["label"] == label && r["registry"] == registry && r["identifier"] == id)
}

/// The registry's own names for each (registry, code) of the snapshot.
fn registry_names() -> BTreeMap<(String, String), Vec<String>> {
    let read = |f: &str| std::fs::read_to_string(root().join("data/registries").join(f)).expect(f);
    let mut m: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for l in read("regions.csv").lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        for (reg, i) in [
            ("regionskode", 0),
            ("nuts2", 2),
            ("iso3166-2", 3),
            ("dagi", 4),
        ] {
            m.entry((reg.into(), f[i].into()))
                .or_default()
                .push(f[1].into());
        }
    }
    for l in read("municipalities.csv").lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        let code = format!("{:0>4}", f[0]);
        m.entry(("kommunekode".into(), code))
            .or_default()
            .extend([f[1].to_string(), f[2].to_string()]);
    }
    for l in read("identifiers.csv").lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        m.entry((f[1].into(), f[2].into()))
            .or_default()
            .push(f[0].into());
    }
    m
}

fn norm(s: &str) -> String {
    link::normalise(s)
}

#[test]
fn offline_links_are_right_and_nothing_false() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let review = dir.path().join("review.tsv");
    let args = LinkArgs {
        review: Some(review.clone()),
        ..LinkArgs::default()
    };
    let summary = link::run(&gs, &args).expect("link runs");
    assert!(summary.starts_with("linked "), "{summary}");
    let rows = links(&gs);
    assert!(
        has(&rows, "Region Midtjylland", "regionskode", "1082"),
        "{rows:#?}"
    );
    // DAGI writes municipality codes with four digits; Danmarks Statistik's 730 is the same.
    assert!(
        has(&rows, "Randers Kommune", "kommunekode", "0730"),
        "{rows:#?}"
    );
    assert!(rows.iter().any(|r| r["label"] == "Aarhus Universitet"
        && r["registry"] == "ror"
        && r["identifier"] == "01aj84f44"
        && r["external_iri"] == "https://ror.org/01aj84f44"));
    assert!(has(
        &rows,
        "KL",
        "eu-transparency-register",
        "43783176689-06"
    ));
    // The region's territory codes come with a closeMatch, not as the authority's own.
    assert!(rows.iter().any(|r| r["label"] == "Region Midtjylland"
        && r["registry"] == "nuts2"
        && r["identifier"] == "DK04"
        && r["relation"] == "closeMatch"));
    // Every municipality and region the minutes name is linked (the corpus names these).
    for name in ["Randers Kommune", "Region Midtjylland"] {
        assert!(rows.iter().any(|r| r["label"] == name), "{name} not linked");
    }

    // Precision: every link's label is one of the registry's names for the code (or, for a
    // territory's code, the authority's name contains the territory's name).
    let names = registry_names();
    let mut right = 0;
    let mut wrong = Vec::new();
    for r in &rows {
        let key = (r["registry"].clone(), r["identifier"].clone());
        let ok = names.get(&key).is_some_and(|ns| {
            ns.iter().any(|n| {
                norm(n) == norm(&r["label"])
                    || (r["relation"] == "closeMatch" && norm(&r["label"]).contains(&norm(n)))
            })
        });
        if ok {
            right += 1;
        } else {
            wrong.push(format!(
                "{} {} {}",
                r["label"], r["registry"], r["identifier"]
            ));
        }
    }
    let precision = right as f64 / rows.len() as f64;
    eprintln!("offline precision: {right}/{} = {precision:.3}", rows.len());
    assert!(wrong.is_empty(), "false links: {wrong:?}");
    // Nothing links bodies that are not the authority (KKR, councils, ministries).
    for r in &rows {
        assert!(
            !r["label"].starts_with("KKR") && !r["label"].contains("ministeriet"),
            "{r:?}"
        );
    }
    // Near misses are candidates, not links: the single-source CVR number. (The parser
    // folds genitives such as "Region Midtjyllands", so no such entity reaches linking.)
    let review_text = std::fs::read_to_string(&review).expect("review file");
    assert!(
        !review_text.contains("Region Midtjyllands"),
        "{review_text}"
    );
    assert!(review_text.contains("\tcvr\t31119103\t"), "{review_text}");
    assert!(!has(&rows, "Aarhus Universitet", "cvr", "31119103"));

    // Re-running replaces the graph: same rows.
    let again = link::run(&gs, &args).expect("second run");
    assert_eq!(links(&gs), rows, "{again}");

    // Accepting the reviewed CVR row links it, and a later run keeps it.
    let accepted: String = review_text
        .lines()
        .map(|l| {
            if l.contains("\tcvr\t31119103\t") {
                format!("yes{l}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let accept_file = dir.path().join("accept.tsv");
    std::fs::write(&accept_file, accepted).expect("write");
    let args2 = LinkArgs {
        accept: Some(accept_file),
        ..LinkArgs::default()
    };
    link::run(&gs, &args2).expect("accept run");
    let rows = links(&gs);
    assert!(rows.iter().any(|r| r["label"] == "Aarhus Universitet"
        && r["identifier"] == "31119103"
        && r["method"].starts_with("accepted:")));
    link::run(&gs, &LinkArgs::default()).expect("plain run");
    assert!(has(&links(&gs), "Aarhus Universitet", "cvr", "31119103"));

    // The next review file lists the accepted link, marked yes; marking it no and passing
    // the file back withdraws it, and it is a candidate again.
    let review2 = dir.path().join("review2.tsv");
    let args3 = LinkArgs {
        review: Some(review2.clone()),
        ..LinkArgs::default()
    };
    link::run(&gs, &args3).expect("review run");
    let text = std::fs::read_to_string(&review2).expect("review file");
    let row = text
        .lines()
        .find(|l| l.contains("\tcvr\t31119103\t"))
        .expect("the accepted link is listed");
    assert!(row.starts_with("accepted\t"), "{row}");
    assert!(!row.contains("accepted:"), "method as first found: {row}");
    let withdrawn: String = text
        .lines()
        .map(|l| match l.strip_prefix("accepted\t") {
            Some(rest) if l.contains("\tcvr\t31119103\t") => format!("no\t{rest}\n"),
            _ => format!("{l}\n"),
        })
        .collect();
    let old_review = text.clone();
    let withdraw_file = dir.path().join("withdraw.tsv");
    std::fs::write(&withdraw_file, withdrawn).expect("write");
    let summary = link::run(
        &gs,
        &LinkArgs {
            accept: Some(withdraw_file),
            review: Some(review2.clone()),
            ..LinkArgs::default()
        },
    )
    .expect("withdraw run");
    assert!(summary.contains("(0 accepted from review)"), "{summary}");
    assert!(!has(&links(&gs), "Aarhus Universitet", "cvr", "31119103"));
    let text = std::fs::read_to_string(&review2).expect("review file");
    assert!(
        text.lines()
            .any(|l| l.starts_with("\t") && l.contains("\tcvr\t31119103\t")),
        "a candidate again: {text}"
    );
    link::run(&gs, &LinkArgs::default()).expect("plain run");
    assert!(!has(&links(&gs), "Aarhus Universitet", "cvr", "31119103"));
    // The review file of before the withdrawal lists the link as accepted, not as a
    // person's yes: passed back, it does not bring the link back.
    let old_file = dir.path().join("old-review.tsv");
    std::fs::write(&old_file, old_review).expect("write");
    link::run(
        &gs,
        &LinkArgs {
            accept: Some(old_file),
            ..LinkArgs::default()
        },
    )
    .expect("old review run");
    assert!(!has(&links(&gs), "Aarhus Universitet", "cvr", "31119103"));
    // A review written to a device is appended to it, not put in its place.
    link::run(
        &gs,
        &LinkArgs {
            review: Some(std::path::PathBuf::from("/dev/null")),
            ..LinkArgs::default()
        },
    )
    .expect("review to /dev/null");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null")
        .expect("meta")
        .file_type()
        .is_char_device());
}

/// A fixture server on 127.0.0.1: routes by path and query, counts requests, records every
/// query string it saw.
struct Server {
    base: String,
    hits: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<String>>>,
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/link").join(name)).expect(name)
}

fn serve() -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind loopback");
    let port = server.server_addr().to_ip().expect("ip").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let ror_calls = Arc::new(AtomicUsize::new(0));
    let (h, s) = (hits.clone(), seen.clone());
    std::thread::spawn(move || {
        for mut req in server.incoming_requests() {
            h.fetch_add(1, Ordering::SeqCst);
            let ror_calls = ror_calls.clone();
            let s = s.clone();
            std::thread::spawn(move || {
                let url = req.url().to_string();
                let mut body = String::new();
                let _ = req.as_reader().read_to_string(&mut body);
                let decoded =
                    url::form_urlencoded::parse(url.split_once('?').map_or("", |x| x.1).as_bytes())
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("&");
                if let Ok(mut s) = s.lock() {
                    s.push(format!(
                        "{} {decoded} {body}",
                        url.split('?').next().unwrap_or("")
                    ));
                }
                let json = |status: u16, text: String| {
                    tiny_http::Response::from_string(text)
                        .with_status_code(status)
                        .with_header(
                            tiny_http::Header::from_bytes("Content-Type", "application/json")
                                .expect("header"),
                        )
                };
                let path = url.split('?').next().unwrap_or("").to_string();
                let resp = if path == "/ror/01aj84f44" {
                    if ror_calls.fetch_add(1, Ordering::SeqCst) == 0 {
                        json(429, "{}".into()).with_header(
                            tiny_http::Header::from_bytes("Retry-After", "1").expect("header"),
                        )
                    } else {
                        json(200, fixture("ror-01aj84f44.json"))
                    }
                } else if path == "/sparql" {
                    if decoded.contains("P6782") {
                        json(200, fixture("sparql-p6782.json"))
                    } else if decoded.contains("P300") {
                        json(500, "internal error".into())
                    } else {
                        json(200, fixture("sparql-empty.json"))
                    }
                } else if path == "/w/api.php" {
                    if decoded.contains("wbgetentities") {
                        if decoded.contains("Q1361285") {
                            json(200, fixture("wbget-region-midtjylland.json"))
                        } else {
                            json(200, fixture("wbget-finansministeriet.json"))
                        }
                    } else if decoded.contains("search=Region Midtjylland&") {
                        json(200, fixture("wbsearch-region-midtjylland.json"))
                    } else if decoded.contains("search=Finansministeriet&") {
                        json(200, fixture("wbsearch-finansministeriet.json"))
                    } else if decoded.contains("search=KL&") {
                        json(200, fixture("malformed.json"))
                    } else if decoded.contains("search=Sundhedsstyrelsen&") {
                        std::thread::sleep(Duration::from_millis(1500));
                        json(200, fixture("wbsearch-empty.json"))
                    } else {
                        json(200, fixture("wbsearch-empty.json"))
                    }
                } else if path == "/dagi" {
                    if !decoded.contains("apiKey=test-key-123") {
                        json(401, "{}".into())
                    } else if body.contains("0730") {
                        json(200, fixture("dagi-randers.json"))
                    } else {
                        json(200, fixture("dagi-empty.json"))
                    }
                } else {
                    json(404, "{}".into())
                };
                let _ = req.respond(resp);
            });
        }
    });
    Server {
        base: format!("http://127.0.0.1:{port}"),
        hits,
        seen,
    }
}

fn config(base: &str) -> OnlineConfig {
    OnlineConfig {
        wikidata_api: format!("{base}/w/api.php"),
        wikidata_sparql: format!("{base}/sparql"),
        ror_api: format!("{base}/ror"),
        datafordeler_url: format!("{base}/dagi"),
        datafordeler_key: Some("test-key-123".into()),
        timeout: Duration::from_millis(400),
        retries: 2,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(2),
        pause: Duration::from_millis(0),
        ..OnlineConfig::default()
    }
}

#[test]
fn online_joins_against_a_local_server() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let srv = serve();
    let cache = dir.path().join("cache");
    let review = dir.path().join("review.tsv");
    let args = LinkArgs {
        online: true,
        review: Some(review.clone()),
        cache_dir: Some(cache.clone()),
        ..LinkArgs::default()
    };
    let started = Instant::now();
    let summary = link::run_with(&gs, &args, &config(&srv.base)).expect("online run");
    // 429 with Retry-After: 1 was honoured.
    assert!(started.elapsed() >= Duration::from_secs(1));
    let rows = links(&gs);
    // ROR external_ids and the SPARQL join on P6782 agree on one item: a sameAs link.
    assert!(
        rows.iter().any(|r| r["label"] == "Aarhus Universitet"
            && r["registry"] == "wikidata"
            && r["identifier"] == "Q924265"
            && r["relation"] == "sameAs"
            && r["score"].starts_with("1")),
        "{rows:#?}"
    );
    // The region's item joins through its own P300 claim (the SPARQL endpoint failed with
    // 500): closeMatch, since an authority is not quite its Wikidata item.
    assert!(
        rows.iter().any(|r| r["label"] == "Region Midtjylland"
            && r["identifier"] == "Q1361285"
            && r["relation"] == "closeMatch"
            && r["method"] == "wikidata-claim"),
        "{rows:#?}"
    );
    // DAGI gives Randers' division id.
    assert!(has(
        &rows,
        "Randers Kommune",
        "dagi",
        "4f2c9e1a-0730-4d1b-9a6e-000000000730"
    ));
    // Offline links are still there.
    assert!(has(&rows, "Randers Kommune", "kommunekode", "0730"));
    // A label-only hit is a candidate, not a link.
    assert!(!rows.iter().any(|r| r["label"] == "Finansministeriet"));
    let review_text = std::fs::read_to_string(&review).expect("review");
    assert!(
        review_text.contains("Finansministeriet\tsameAs\twikidata\tQ1399640"),
        "{review_text}"
    );
    assert!(
        !review_text.contains("Q9999991"),
        "a different label is no candidate"
    );
    // Failures are warnings, one each, and the run went on.
    for w in [
        "Wikidata SPARQL P300=DK-82: ",
        "HTTP 500",
        "Wikidata search \"KL\": ",
        "not the JSON expected",
        "Wikidata search \"Sundhedsstyrelsen\": ",
        "no answer within",
        "DAGI regionskode 1082: no division found",
    ] {
        assert!(summary.contains(w), "missing {w:?} in {summary}");
    }
    // The API key went to the server but nowhere else.
    assert!(srv
        .seen
        .lock()
        .expect("lock")
        .iter()
        .any(|s| s.contains("apiKey=test-key-123")));
    assert!(!summary.contains("test-key-123"));
    for f in std::fs::read_dir(&cache).expect("cache") {
        let text = std::fs::read_to_string(f.expect("entry").path()).expect("read");
        assert!(!text.contains("test-key-123"));
    }
    // Every request carried our User-Agent? (checked by reqwest config); a re-run is served
    // from the cache for everything that succeeded before.
    let before = srv.hits.load(Ordering::SeqCst);
    let summary2 = link::run_with(&gs, &args, &config(&srv.base)).expect("cached run");
    let after = srv.hits.load(Ordering::SeqCst);
    let failed_requests = 3 * 3; // 500, timeout (3 attempts each) and malformed (1) are not cached
    assert!(
        after - before <= failed_requests,
        "{before} → {after}: {summary2}"
    );
    assert_eq!(links(&gs), rows);
}

#[test]
fn offline_machine_gets_one_clear_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut cfg = config(&format!("http://127.0.0.1:{port}"));
    cfg.retries = 0;
    cfg.datafordeler_key = None;
    let args = LinkArgs {
        online: true,
        cache_dir: Some(dir.path().join("cache")),
        ..LinkArgs::default()
    };
    let err = link::run_with(&gs, &args, &cfg).expect_err("offline");
    let msg = format!("{err:#}");
    assert!(msg.contains("cannot reach") && !msg.contains('\n'), "{msg}");
    assert!(links(&gs).is_empty(), "nothing written");
}

/// A review file that cannot be written fails the run before the links graph changes, and
/// leaves no temporary file behind.
#[test]
fn an_unwritable_review_file_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().expect("tmp");
    let gs = ingest_corpus(&dir.path().join("store"));
    let review = dir.path().join("no-such-folder").join("review.tsv");
    let args = LinkArgs {
        review: Some(review.clone()),
        ..LinkArgs::default()
    };
    let err = link::run(&gs, &args).expect_err("review file cannot be written");
    let msg = format!("{err:#}");
    assert!(
        msg.starts_with(&format!("cannot write {}", review.display())),
        "{msg}"
    );
    assert!(links(&gs).is_empty(), "no links stored: {:?}", links(&gs));
    // Where it can be written, the run stores links and writes the file, and nothing else.
    let review = dir.path().join("review.tsv");
    let args = LinkArgs {
        review: Some(review.clone()),
        ..LinkArgs::default()
    };
    link::run(&gs, &args).expect("link runs");
    assert!(!links(&gs).is_empty());
    assert!(review.is_file());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    // A folder as the review file is refused before the graph changes.
    let store2 = tempfile::tempdir().expect("tmp");
    let gs2 = ingest_corpus(&store2.path().join("store"));
    let args = LinkArgs {
        review: Some(dir.path().to_path_buf()),
        ..LinkArgs::default()
    };
    let msg = format!("{:#}", link::run(&gs2, &args).expect_err("a folder"));
    assert!(msg.ends_with("it is a folder"), "{msg}");
    assert!(links(&gs2).is_empty());
    // Through a symlink, the file it points to is written and the link stays a link.
    let target = dir.path().join("target.tsv");
    std::fs::write(&target, "old text, longer than nothing at all\n".repeat(50)).expect("write");
    let link_path = dir.path().join("review-link.tsv");
    std::os::unix::fs::symlink(&target, &link_path).expect("symlink");
    let args = LinkArgs {
        review: Some(link_path.clone()),
        ..LinkArgs::default()
    };
    link::run(&gs2, &args).expect("link runs");
    assert!(std::fs::symlink_metadata(&link_path)
        .expect("meta")
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(&target).expect("target"),
        std::fs::read_to_string(&review).expect("review"),
        "the same candidates as the plain file, nothing of the old text"
    );
}
