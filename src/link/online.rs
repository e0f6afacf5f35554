//! `referat link --online`: exact joins from ROR, Wikidata and Datafordeleren (DAGI).
//!
//! Politeness and robustness: a descriptive User-Agent, a timeout on every request, a pause
//! between requests, retries with exponential back-off that honour `Retry-After` on 429, and
//! a cache on disk (one JSON file per request, keyed by a SHA-256 of the request without
//! secrets) so a re-run asks nothing again and records the same dates. The Datafordeler API
//! key is read from `DATAFORDELER_API_KEY` and never written to a log, an error or the cache.
//!
//! Only exact joins become links: a ROR record's `external_ids`, a Wikidata item that
//! carries the entity's ROR id (P6782), CVR number (P1059) or ISO 3166-2 code (P300), a DAGI
//! division with the entity's code. A Wikidata label match is only a candidate for review.

use super::matching::{normalise, relation_for, Entity, Link, Relation};
use super::snapshot::Snapshot;
use serde_json::Value;
use sha2::Digest;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

/// Where and how to ask; every base URL can be overridden by an environment variable.
#[derive(Clone)]
pub struct OnlineConfig {
    pub user_agent: String,
    /// `REFERAT_WIKIDATA_API` (MediaWiki action API).
    pub wikidata_api: String,
    /// `REFERAT_WIKIDATA_SPARQL`.
    pub wikidata_sparql: String,
    /// `REFERAT_ROR_API` (organizations endpoint; the id is appended).
    pub ror_api: String,
    /// `REFERAT_DATAFORDELER_URL` (DAGI GraphQL endpoint).
    pub datafordeler_url: String,
    /// `DATAFORDELER_API_KEY`; DAGI is skipped without it.
    pub datafordeler_key: Option<String>,
    /// Per request (`REFERAT_HTTP_TIMEOUT`, seconds).
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// First back-off; doubled on each retry.
    pub backoff: Duration,
    /// Longest `Retry-After` we are willing to wait.
    pub max_retry_after: Duration,
    /// Pause between two network requests.
    pub pause: Duration,
}

impl std::fmt::Debug for OnlineConfig {
    // Hand-written so the API key can never be printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnlineConfig")
            .field("wikidata_api", &self.wikidata_api)
            .field("wikidata_sparql", &self.wikidata_sparql)
            .field("ror_api", &self.ror_api)
            .field("datafordeler_url", &self.datafordeler_url)
            .field(
                "datafordeler_key",
                &self.datafordeler_key.as_ref().map(|_| "(set)"),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Default for OnlineConfig {
    fn default() -> Self {
        OnlineConfig {
            user_agent: format!(
                "referat/{} (knowledge graph of Danish municipal minutes; {})",
                env!("CARGO_PKG_VERSION"),
                option_env!("CARGO_PKG_REPOSITORY")
                    .filter(|s| !s.is_empty())
                    .unwrap_or("https://w3id.org/referat")
            ),
            wikidata_api: "https://www.wikidata.org/w/api.php".into(),
            wikidata_sparql: "https://query.wikidata.org/sparql".into(),
            ror_api: "https://api.ror.org/v2/organizations".into(),
            datafordeler_url: "https://graphql.datafordeler.dk/DAGI/v1".into(),
            datafordeler_key: None,
            timeout: Duration::from_secs(20),
            retries: 3,
            backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(120),
            pause: Duration::from_millis(500),
        }
    }
}

impl OnlineConfig {
    /// Defaults, overridden by the environment.
    pub fn from_env() -> Self {
        let mut c = OnlineConfig::default();
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let Some(v) = var("REFERAT_WIKIDATA_API") {
            c.wikidata_api = v;
        }
        if let Some(v) = var("REFERAT_WIKIDATA_SPARQL") {
            c.wikidata_sparql = v;
        }
        if let Some(v) = var("REFERAT_ROR_API") {
            c.ror_api = v;
        }
        if let Some(v) = var("REFERAT_DATAFORDELER_URL") {
            c.datafordeler_url = v;
        }
        c.datafordeler_key = var("DATAFORDELER_API_KEY");
        if let Some(s) = var("REFERAT_HTTP_TIMEOUT").and_then(|v| v.parse::<f64>().ok()) {
            if s > 0.0 && s.is_finite() {
                c.timeout = Duration::from_secs_f64(s);
            }
        }
        c
    }
}

/// Why a request failed (after its retries).
#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    #[error("cannot reach {0} (no network?)")]
    Unreachable(String),
    #[error("{0}: no answer within {1:?}")]
    Timeout(String, Duration),
    #[error("{0}: HTTP {1}")]
    Status(String, u16),
    #[error("{0}: the answer is not the JSON expected: {1}")]
    BadJson(String, String),
    #[error("{0}: {1}")]
    Other(String, String),
}

/// HTTP with pauses, retries and a disk cache.
pub struct Client {
    http: reqwest::blocking::Client,
    cfg: OnlineConfig,
    cache_dir: PathBuf,
    last: Option<Instant>,
    requests: usize,
    cache_hits: usize,
}

enum Req<'a> {
    Get(&'a [(&'a str, &'a str)]),
    Post(&'a Value),
}

impl Client {
    /// A client writing its cache under `cache_dir` (created when needed).
    pub fn new(cfg: &OnlineConfig, cache_dir: PathBuf) -> anyhow::Result<Self> {
        let http = reqwest::blocking::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout)
            .build()?;
        Ok(Client {
            http,
            cfg: cfg.clone(),
            cache_dir,
            last: None,
            requests: 0,
            cache_hits: 0,
        })
    }

    /// Requests made (network or cache).
    pub fn requests(&self) -> usize {
        self.requests
    }

    /// Requests answered from the cache.
    pub fn cache_hits(&self) -> usize {
        self.cache_hits
    }

    /// GET (query pairs) or POST (JSON body) and parse JSON; `secret` is an extra query pair
    /// kept out of the cache key and every message. Returns the body and the fetch date.
    fn fetch(
        &mut self,
        url: &str,
        req: Req<'_>,
        secret: Option<(&str, &str)>,
    ) -> Result<(Value, String), OnlineError> {
        self.requests += 1;
        let shown = url.split('?').next().unwrap_or(url).to_string();
        let key = match &req {
            Req::Get(q) => format!("GET {url} {q:?}"),
            Req::Post(b) => format!("POST {url} {b}"),
        };
        let file = self.cache_dir.join(format!(
            "{}.json",
            sha2::Sha256::digest(key.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ));
        if let Ok(text) = std::fs::read_to_string(&file) {
            if let Ok(v) = serde_json::from_str::<Value>(&text) {
                if let (Some(body), Some(date)) = (v.get("body"), v["fetched"].as_str()) {
                    self.cache_hits += 1;
                    return Ok((body.clone(), date.to_string()));
                }
            }
        }
        let mut attempt = 0u32;
        loop {
            if let Some(last) = self.last {
                let since = last.elapsed();
                if since < self.cfg.pause {
                    std::thread::sleep(self.cfg.pause - since);
                }
            }
            self.last = Some(Instant::now());
            let mut b = match &req {
                Req::Get(q) => self.http.get(url).query(q),
                Req::Post(body) => self.http.post(url).json(body),
            };
            if let Some(s) = secret {
                b = b.query(&[s]);
            }
            let backoff = self.cfg.backoff * 2u32.saturating_pow(attempt);
            let retry = |wait: Duration, attempt: &mut u32, err: OnlineError| {
                if *attempt >= self.cfg.retries {
                    return Err(err);
                }
                *attempt += 1;
                std::thread::sleep(wait);
                Ok(())
            };
            match b.send() {
                Err(e) => {
                    let e = e.without_url();
                    let err = if e.is_timeout() {
                        OnlineError::Timeout(shown.clone(), self.cfg.timeout)
                    } else if e.is_connect() {
                        OnlineError::Unreachable(shown.clone())
                    } else {
                        OnlineError::Other(shown.clone(), e.to_string())
                    };
                    retry(backoff, &mut attempt, err)?;
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if status == 429 {
                        let wait = resp
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.trim().parse::<u64>().ok())
                            .map(Duration::from_secs)
                            .unwrap_or(backoff)
                            .min(self.cfg.max_retry_after);
                        retry(
                            wait,
                            &mut attempt,
                            OnlineError::Status(shown.clone(), status),
                        )?;
                        continue;
                    }
                    if status >= 500 {
                        retry(
                            backoff,
                            &mut attempt,
                            OnlineError::Status(shown.clone(), status),
                        )?;
                        continue;
                    }
                    if status >= 400 {
                        return Err(OnlineError::Status(shown, status));
                    }
                    let text = match resp.text() {
                        Ok(t) => t,
                        Err(e) => {
                            let e = e.without_url();
                            let err = if e.is_timeout() {
                                OnlineError::Timeout(shown.clone(), self.cfg.timeout)
                            } else {
                                OnlineError::Other(shown.clone(), e.to_string())
                            };
                            retry(backoff, &mut attempt, err)?;
                            continue;
                        }
                    };
                    let body: Value = serde_json::from_str(&text)
                        .map_err(|e| OnlineError::BadJson(shown.clone(), e.to_string()))?;
                    let date = today();
                    if std::fs::create_dir_all(&self.cache_dir).is_ok() {
                        let entry =
                            serde_json::json!({"request": key, "fetched": date, "body": body});
                        // A cache that cannot be written only costs a later re-fetch.
                        let _ = std::fs::write(&file, entry.to_string());
                    }
                    return Ok((body, date));
                }
            }
        }
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the days since 1970 (civil calendar).
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// What the online services added.
#[derive(Debug, Default)]
pub struct Found {
    pub links: Vec<Link>,
    pub candidates: Vec<Link>,
    pub warnings: Vec<String>,
}

fn qid(v: &str) -> Option<String> {
    let id = v.rsplit('/').next()?.trim();
    (id.len() > 1 && id.starts_with('Q') && id[1..].bytes().all(|b| b.is_ascii_digit()))
        .then(|| id.to_string())
}

fn names_match(e: &Entity, name: &str) -> bool {
    let n = normalise(name);
    std::iter::once(&e.label)
        .chain(e.aliases.iter())
        .any(|a| normalise(a) == n)
}

/// Wikidata properties whose value is one of our codes: an item with the same value is the
/// same organisation (or, for P300, the region's territory).
const WIKIDATA_JOINS: &[(&str, &str)] =
    &[("ror", "P6782"), ("cvr", "P1059"), ("iso3166-2", "P300")];

/// Ask the services about every entity; offline links supply the codes to join on.
pub fn link_online(
    client: &mut Client,
    entities: &[Entity],
    offline: &[Link],
    _snap: &Snapshot,
) -> anyhow::Result<Found> {
    let mut found = Found::default();
    let mut reached_any = false;
    let mut first_unreachable: Option<String> = None;
    // Classifies one failure: unreachable is remembered (the run stops if nothing at all
    // could be reached); anything else is a warning and the run goes on.
    let fail = |found: &mut Found, what: &str, e: OnlineError, first: &mut Option<String>| {
        if let OnlineError::Unreachable(u) = &e {
            first.get_or_insert_with(|| u.clone());
        }
        found.warnings.push(format!("{what}: {e}"));
    };
    if client.cfg.datafordeler_key.is_none() {
        found
            .warnings
            .push("DAGI skipped: set DATAFORDELER_API_KEY to ask Datafordeleren".into());
    }
    for e in entities {
        let mine: Vec<&Link> = offline.iter().filter(|l| l.entity == e.iri).collect();
        let code = |reg: &str| {
            mine.iter()
                .find(|l| l.registry == reg)
                .map(|l| l.code.clone())
        };
        let mut wikidata: Vec<Link> = Vec::new();
        // ROR record → Wikidata item.
        if let Some(ror) = code("ror") {
            let url = format!("{}/{}", client.cfg.ror_api.trim_end_matches('/'), ror);
            match client.fetch(&url, Req::Get(&[]), None) {
                Ok((v, date)) => {
                    reached_any = true;
                    let names: Vec<String> = match v.get("names").and_then(Value::as_array) {
                        Some(a) => a
                            .iter()
                            .filter_map(|n| n["value"].as_str().map(String::from))
                            .collect(),
                        None => v["name"].as_str().map(String::from).into_iter().collect(),
                    };
                    let ids = ror_wikidata(&v);
                    if names.is_empty() && ids.is_empty() {
                        found.warnings.push(format!("ROR {ror}: empty record"));
                    } else if !names.iter().any(|n| names_match(e, n)) {
                        found.warnings.push(format!(
                            "ROR {ror}: record names {names:?}, not {:?}; not used",
                            e.label
                        ));
                    } else if ids.len() == 1 {
                        wikidata.push(wd_link(
                            e,
                            &ids[0],
                            "ror-external-id",
                            1.0,
                            &date,
                            &format!("ROR {ror} external_ids"),
                        ));
                    } else {
                        for id in &ids {
                            found.candidates.push(wd_link(
                                e,
                                id,
                                "ror-external-id-ambiguous",
                                0.7,
                                &date,
                                &format!("ROR {ror} lists {ids:?}"),
                            ));
                        }
                    }
                }
                Err(err) => fail(
                    &mut found,
                    &format!("ROR {ror}"),
                    err,
                    &mut first_unreachable,
                ),
            }
        }
        // Wikidata SPARQL: items carrying one of our codes.
        for (reg, prop) in WIKIDATA_JOINS {
            let Some(c) = code(reg) else { continue };
            if !c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                continue;
            }
            let q = format!("SELECT ?item WHERE {{ ?item wdt:{prop} \"{c}\" }} LIMIT 5");
            match client.fetch(
                &client.cfg.wikidata_sparql.clone(),
                Req::Get(&[("query", &q), ("format", "json")]),
                None,
            ) {
                Ok((v, date)) => {
                    reached_any = true;
                    let Some(bindings) = v.pointer("/results/bindings").and_then(Value::as_array)
                    else {
                        found.warnings.push(format!(
                            "Wikidata SPARQL {prop}={c}: no results/bindings in the answer"
                        ));
                        continue;
                    };
                    let ids: Vec<String> = bindings
                        .iter()
                        .filter_map(|b| {
                            b.pointer("/item/value")
                                .and_then(Value::as_str)
                                .and_then(qid)
                        })
                        .collect();
                    let evidence = format!("Wikidata {prop} = {c}");
                    match ids.len() {
                        0 => {}
                        1 => wikidata.push(wd_link(
                            e,
                            &ids[0],
                            &format!("wikidata-{prop}"),
                            1.0,
                            &date,
                            &evidence,
                        )),
                        _ => {
                            for id in &ids {
                                found.candidates.push(wd_link(
                                    e,
                                    id,
                                    &format!("wikidata-{prop}-ambiguous"),
                                    0.7,
                                    &date,
                                    &evidence,
                                ));
                            }
                        }
                    }
                }
                Err(err) => fail(
                    &mut found,
                    &format!("Wikidata SPARQL {prop}={c}"),
                    err,
                    &mut first_unreachable,
                ),
            }
        }
        // Label search only for typed entities without an exact join: a candidate unless
        // the item's own claims carry one of our codes.
        if wikidata.is_empty() && e.kind.is_some() {
            match search_wikidata(client, e, &mine) {
                Ok((links, cands)) => {
                    reached_any = true;
                    wikidata.extend(links);
                    found.candidates.extend(cands);
                }
                Err(err) => fail(
                    &mut found,
                    &format!("Wikidata search {:?}", e.label),
                    err,
                    &mut first_unreachable,
                ),
            }
        }
        found.links.extend(wikidata);
        // DAGI: the division with our code, for its DAGI id.
        if let Some(key) = client.cfg.datafordeler_key.clone() {
            for (reg, entity_name, field) in [
                ("kommunekode", "DAGI_Kommuneinddeling", "kommunekode"),
                ("regionskode", "DAGI_Regionsinddeling", "regionskode"),
            ] {
                let Some(l) = mine
                    .iter()
                    .find(|l| l.registry == reg && l.territory.is_some())
                else {
                    continue;
                };
                let query = format!(
                    "query($code: String!) {{ {entity_name}(first: 2, where: {{ {field}: {{ eq: $code }} }}) {{ nodes {{ id_lokalId {field} navn }} }} }}"
                );
                let body = serde_json::json!({"query": query, "variables": {"code": l.code}});
                match client.fetch(
                    &client.cfg.datafordeler_url.clone(),
                    Req::Post(&body),
                    Some(("apiKey", &key)),
                ) {
                    Ok((v, date)) => {
                        reached_any = true;
                        if let Some(errs) = v.get("errors") {
                            found
                                .warnings
                                .push(format!("DAGI {reg} {}: {}", l.code, errs));
                            continue;
                        }
                        let nodes = v
                            .pointer(&format!("/data/{entity_name}/nodes"))
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default();
                        let terr_name = l
                            .territory
                            .as_ref()
                            .map(|t| t.1.as_str())
                            .unwrap_or_default();
                        match nodes.as_slice() {
                            [] => found
                                .warnings
                                .push(format!("DAGI {reg} {}: no division found", l.code)),
                            [n] => {
                                let navn = n["navn"].as_str().unwrap_or_default();
                                let id = n["id_lokalId"].as_str().unwrap_or_default();
                                if normalise(navn) == normalise(terr_name) && !id.is_empty() {
                                    found.links.push(Link {
                                        registry: "dagi".into(),
                                        code: id.to_string(),
                                        relation: Relation::CloseMatch,
                                        method: "datafordeler-dagi".into(),
                                        score: 1.0,
                                        date,
                                        evidence: format!("DAGI {field} {} = {navn}", l.code),
                                        ..(*l).clone()
                                    });
                                } else {
                                    found.warnings.push(format!("DAGI {reg} {}: named {navn:?}, expected {terr_name:?}; not used", l.code));
                                }
                            }
                            _ => found.warnings.push(format!(
                                "DAGI {reg} {}: several divisions; not used",
                                l.code
                            )),
                        }
                    }
                    Err(err) => fail(
                        &mut found,
                        &format!("DAGI {reg} {}", l.code),
                        err,
                        &mut first_unreachable,
                    ),
                }
            }
        }
    }
    if let (false, Some(u)) = (reached_any, first_unreachable) {
        anyhow::bail!(
            "link --online: cannot reach {u} (offline?); nothing written — run `referat link` without --online for the offline snapshot"
        );
    }
    Ok(found)
}

fn wd_link(e: &Entity, id: &str, method: &str, score: f64, date: &str, evidence: &str) -> Link {
    Link {
        entity: e.iri.clone(),
        label: e.label.clone(),
        registry: "wikidata".into(),
        code: id.to_string(),
        relation: relation_for(e.kind.as_deref(), "wikidata"),
        territory: None,
        method: method.to_string(),
        score,
        date: date.to_string(),
        evidence: evidence.to_string(),
    }
}

/// Wikidata ids in a ROR record: v2 `external_ids: [{type, all, preferred}]` or v1
/// `external_ids: {Wikidata: {all, preferred}}`; the preferred one when given.
fn ror_wikidata(v: &Value) -> Vec<String> {
    let pick = |x: &Value| -> Vec<String> {
        if let Some(p) = x["preferred"].as_str().and_then(qid) {
            return vec![p];
        }
        match &x["all"] {
            Value::Array(a) => a.iter().filter_map(|s| s.as_str().and_then(qid)).collect(),
            Value::String(s) => qid(s).into_iter().collect(),
            _ => Vec::new(),
        }
    };
    let mut out = match &v["external_ids"] {
        Value::Array(a) => a
            .iter()
            .filter(|x| {
                x["type"]
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case("wikidata"))
            })
            .flat_map(pick)
            .collect(),
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("wikidata"))
            .flat_map(|(_, x)| pick(x))
            .collect(),
        _ => Vec::new(),
    };
    out.sort();
    out.dedup();
    out
}

/// `wbsearchentities` by label, then `wbgetentities` to look for an exact join in the
/// item's claims. Returns (links, candidates).
fn search_wikidata(
    client: &mut Client,
    e: &Entity,
    mine: &[&Link],
) -> Result<(Vec<Link>, Vec<Link>), OnlineError> {
    let api = client.cfg.wikidata_api.clone();
    let (v, date) = client.fetch(
        &api,
        Req::Get(&[
            ("action", "wbsearchentities"),
            ("search", &e.label),
            ("language", "da"),
            ("uselang", "da"),
            ("type", "item"),
            ("limit", "5"),
            ("format", "json"),
        ]),
        None,
    )?;
    let hits: Vec<String> = v["search"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|h| h["label"].as_str().is_some_and(|l| names_match(e, l)))
                .filter_map(|h| h["id"].as_str().and_then(qid))
                .collect()
        })
        .unwrap_or_default();
    if v.get("search").is_none() {
        return Err(OnlineError::BadJson(api, "no \"search\" array".into()));
    }
    if hits.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let ids = hits.join("|");
    let (v, date2) = client.fetch(
        &api,
        Req::Get(&[
            ("action", "wbgetentities"),
            ("ids", &ids),
            ("props", "claims|labels"),
            ("format", "json"),
        ]),
        None,
    )?;
    let mut links = Vec::new();
    let mut cands = Vec::new();
    for id in &hits {
        let claims = &v["entities"][id]["claims"];
        let mut joined = None;
        for (reg, prop) in WIKIDATA_JOINS {
            let Some(ours) = mine.iter().find(|l| l.registry == *reg) else {
                continue;
            };
            let values: Vec<&str> = claims[*prop]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| {
                            c.pointer("/mainsnak/datavalue/value")
                                .and_then(Value::as_str)
                        })
                        .collect()
                })
                .unwrap_or_default();
            if values.contains(&ours.code.as_str()) {
                joined = Some(format!("Wikidata {id} claims {prop} = {}", ours.code));
                break;
            }
        }
        match joined {
            Some(ev) => links.push(wd_link(e, id, "wikidata-claim", 1.0, &date2, &ev)),
            None => cands.push(wd_link(
                e,
                id,
                "wikidata-label",
                0.7,
                &date,
                &format!("label search {:?}", e.label),
            )),
        }
    }
    if links.len() > 1 {
        cands.append(&mut links);
    }
    Ok((links, cands))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ror_v1_and_v2_shapes() {
        let v2 = serde_json::json!({"external_ids": [{"type": "wikidata", "all": ["Q924265"], "preferred": null}, {"type": "grid", "all": ["grid.7048.b"]}]});
        let v1 = serde_json::json!({"external_ids": {"Wikidata": {"preferred": null, "all": ["Q924265"]}}});
        assert_eq!(ror_wikidata(&v2), ["Q924265"]);
        assert_eq!(ror_wikidata(&v1), ["Q924265"]);
        assert!(ror_wikidata(&serde_json::json!({})).is_empty());
    }

    #[test]
    fn dates_are_civil() {
        let d = today();
        assert_eq!(d.len(), 10);
        assert!(d.as_str() > "2024-01-01");
    }

    #[test]
    fn the_key_is_never_printed() {
        let c = OnlineConfig {
            datafordeler_key: Some("sekret".into()),
            ..OnlineConfig::default()
        };
        assert!(!format!("{c:?}").contains("sekret"));
    }
}
