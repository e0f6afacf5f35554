//! The remote side: a SPARQL endpoint (reads) and a Graph Store Protocol endpoint (writes),
//! with Basic authentication, retries with exponential back-off on 5xx and connection
//! errors, and one-line errors for the statuses a user can act on (401, 403, 404).

use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use url::Url;

/// Why a remote call failed. `Fatal` stops the whole push (wrong URL, credentials,
/// permissions: every further request would fail the same way); `Failed` concerns one graph.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{0}")]
    Fatal(String),
    #[error("{0}")]
    Failed(String),
}

/// Retry and size settings; the defaults suit a store on the network.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per request (1 = no retry).
    pub attempts: u32,
    /// Wait before the first retry; doubled after every further failure.
    pub backoff: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(300),
        }
    }
}

/// Credentials for HTTP Basic authentication. The password is never printed (no `Debug`).
#[derive(Clone)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

/// Traffic counters, for the summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Traffic {
    /// Graph Store requests that changed the remote (PUT, POST, DELETE).
    pub writes: u64,
    /// Body bytes sent by those requests.
    pub bytes: u64,
    /// SPARQL queries sent.
    pub queries: u64,
}

/// One remote store: its SPARQL endpoint and its Graph Store endpoint. Shared by the
/// threads that send graphs at once (`&self` everywhere; the client pools connections).
pub struct Remote {
    client: Client,
    endpoint: Url,
    graph_store: Url,
    credentials: Option<Credentials>,
    policy: RetryPolicy,
    writes: AtomicU64,
    bytes: AtomicU64,
    queries: AtomicU64,
}

/// What kind of endpoint a request went to, for the error messages.
#[derive(Clone, Copy)]
enum Kind {
    Sparql,
    GraphStore,
}

impl Remote {
    /// A client for `endpoint` (SPARQL) and `graph_store` (Graph Store Protocol).
    pub fn new(
        endpoint: Url,
        graph_store: Url,
        credentials: Option<Credentials>,
        policy: RetryPolicy,
    ) -> Result<Self, RemoteError> {
        let client = Client::builder()
            .timeout(policy.timeout)
            .connect_timeout(Duration::from_secs(15))
            .user_agent(concat!("referat/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RemoteError::Fatal(format!("cannot create the HTTP client: {e}")))?;
        Ok(Remote {
            client,
            endpoint,
            graph_store,
            credentials,
            policy,
            writes: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            queries: AtomicU64::new(0),
        })
    }

    /// What was sent so far.
    pub fn traffic(&self) -> Traffic {
        Traffic {
            writes: self.writes.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            queries: self.queries.load(Ordering::Relaxed),
        }
    }

    /// The Graph Store endpoint in use.
    pub fn graph_store(&self) -> &Url {
        &self.graph_store
    }

    fn graph_url(&self, graph: &str) -> Url {
        let mut u = self.graph_store.clone();
        u.query_pairs_mut().append_pair("graph", graph);
        u
    }

    fn auth(&self, rb: RequestBuilder) -> RequestBuilder {
        match &self.credentials {
            Some(c) => rb.basic_auth(&c.user, Some(&c.password)),
            None => rb,
        }
    }

    /// Runs a SELECT query and returns its rows as (variable → plain value) maps, in order.
    pub fn select(
        &self,
        query: &str,
    ) -> Result<Vec<std::collections::HashMap<String, String>>, RemoteError> {
        self.queries.fetch_add(1, Ordering::Relaxed);
        let url = self.endpoint.clone();
        let resp = self.send(Kind::Sparql, &url, "query", false, || {
            self.auth(
                self.client
                    .post(url.clone())
                    .header("Accept", "application/sparql-results+json")
                    .form(&[("query", query)]),
            )
        })?;
        let body = resp
            .text()
            .map_err(|e| RemoteError::Failed(format!("{url}: reading the answer: {e}")))?;
        parse_select_json(&body).map_err(|e| RemoteError::Failed(format!("{url}: {e}")))
    }

    /// Replaces (`replace`: PUT) or extends (POST) a remote graph with N-Triples.
    pub fn write_graph(
        &self,
        graph: &str,
        body: Vec<u8>,
        replace: bool,
    ) -> Result<(), RemoteError> {
        let url = self.graph_url(graph);
        let len = body.len() as u64;
        let what = if replace { "PUT" } else { "POST" };
        self.send(Kind::GraphStore, &url, what, false, || {
            let rb = if replace {
                self.client.put(url.clone())
            } else {
                self.client.post(url.clone())
            };
            self.auth(
                rb.header("Content-Type", "application/n-triples")
                    .body(body.clone()),
            )
        })?;
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
        Ok(())
    }

    /// Deletes a remote graph; a graph that is already gone (404) is not an error.
    pub fn delete_graph(&self, graph: &str) -> Result<(), RemoteError> {
        let url = self.graph_url(graph);
        self.send(Kind::GraphStore, &url, "DELETE", true, || {
            self.auth(self.client.delete(url.clone()))
        })?;
        self.writes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Sends a request, retrying 5xx/408/429 answers and connection errors with exponential
    /// back-off; classifies the final failure. `gone_is_ok`: a 404 counts as success (DELETE).
    fn send(
        &self,
        kind: Kind,
        url: &Url,
        what: &str,
        gone_is_ok: bool,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<Response, RemoteError> {
        let mut wait = self.policy.backoff;
        let attempts = self.policy.attempts.max(1);
        let mut last = String::new();
        for attempt in 1..=attempts {
            match make().send() {
                Ok(resp)
                    if resp.status().is_success()
                        || (gone_is_ok && resp.status() == StatusCode::NOT_FOUND) =>
                {
                    return Ok(resp)
                }
                Ok(resp) => {
                    let status = resp.status();
                    let challenge = resp
                        .headers()
                        .get(reqwest::header::WWW_AUTHENTICATE)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let body = resp.text().unwrap_or_default();
                    if !retryable(status) {
                        return Err(self.classify(kind, url, what, status, &challenge, &body));
                    }
                    last = format!("{what} {}: {status}{}", show(url), detail(&body));
                }
                Err(e) => {
                    last = format!("{what} {}: {}", show(url), error_chain(&e));
                    if !(e.is_connect() || e.is_timeout() || e.is_request() || e.is_body()) {
                        return Err(RemoteError::Failed(last));
                    }
                }
            }
            if attempt < attempts {
                std::thread::sleep(wait);
                wait = wait.saturating_mul(2);
            }
        }
        Err(RemoteError::Failed(format!(
            "{last} (gave up after {attempts} attempts)"
        )))
    }

    fn classify(
        &self,
        kind: Kind,
        url: &Url,
        what: &str,
        status: StatusCode,
        challenge: &str,
        body: &str,
    ) -> RemoteError {
        let at = show(url);
        let code = status.as_u16();
        match code {
            401 => {
                let digest = challenge
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("digest");
                let hint = if digest && !challenge.to_ascii_lowercase().contains("basic") {
                    "the server asks for HTTP Digest authentication, which referat does not support: use an endpoint with Basic authentication (Virtuoso: /sparql-graph-crud after GRANT SPARQL_UPDATE TO \"SPARQL\")".to_string()
                } else if let Some(c) = &self.credentials {
                    format!("the server rejected the credentials of user {:?}", c.user)
                } else {
                    "the server wants credentials: give --user and --password-env VAR".to_string()
                };
                RemoteError::Fatal(format!("{what} {at}: 401 Unauthorized: {hint}"))
            }
            403 => {
                let hint = match kind {
                    Kind::GraphStore => "this user may not write graphs there (Virtuoso: GRANT SPARQL_UPDATE TO \"SPARQL\" for the unauthenticated /sparql-graph-crud)",
                    Kind::Sparql => "this user may not query there",
                };
                RemoteError::Fatal(format!(
                    "{what} {at}: 403 Forbidden: {hint}{}",
                    detail(body)
                ))
            }
            404 => {
                let hint = match kind {
                    Kind::GraphStore => "no Graph Store endpoint at this URL (give the right one with --graph-store)",
                    Kind::Sparql => "no SPARQL endpoint at this URL (check --endpoint)",
                };
                RemoteError::Fatal(format!("{what} {at}: 404 Not Found: {hint}"))
            }
            405 | 501 if matches!(kind, Kind::GraphStore) => RemoteError::Fatal(format!(
                "{what} {at}: {status}: not a Graph Store endpoint (give the right one with --graph-store)"
            )),
            _ => RemoteError::Failed(format!("{what} {at}: {status}{}", detail(body))),
        }
    }
}

/// Worth another try: server errors (but not "not implemented"), timeouts, rate limits.
fn retryable(s: StatusCode) -> bool {
    (s.is_server_error()
        && s != StatusCode::NOT_IMPLEMENTED
        && s != StatusCode::HTTP_VERSION_NOT_SUPPORTED)
        || s == StatusCode::REQUEST_TIMEOUT
        || s == StatusCode::TOO_MANY_REQUESTS
}

/// The URL as shown in messages: without query string (graph IRIs are long) and never with
/// user info.
fn show(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    let graph = u
        .query_pairs()
        .find(|(k, _)| k == "graph")
        .map(|(_, v)| v.into_owned());
    u.set_query(None);
    match graph {
        Some(g) => format!("{u} (graph {g})"),
        None => u.to_string(),
    }
}

/// The first meaningful line of an error body, tags stripped, shortened.
fn detail(body: &str) -> String {
    let text = strip_tags(body);
    let line = text
        .lines()
        .map(str::trim)
        .filter(|l| l.len() > 3)
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            !(l.starts_with("<!doctype") || l.contains("request failed") || l.starts_with("http/1"))
        })
        .collect::<Vec<_>>()
        .join(" ");
    if line.is_empty() {
        return String::new();
    }
    let short: String = line.chars().take(200).collect();
    format!(": {short}")
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push('\n');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let m = inner.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        src = inner.source();
    }
    s
}

/// Parses SPARQL 1.1 Query Results JSON into rows of plain values (IRIs without brackets,
/// literals' lexical forms).
pub fn parse_select_json(
    body: &str,
) -> Result<Vec<std::collections::HashMap<String, String>>, String> {
    let v: serde_json::Value = serde_json::from_str(body).map_err(|e| {
        format!(
            "the answer is not SPARQL results JSON ({e}){}",
            detail(body)
        )
    })?;
    let bindings = v
        .get("results")
        .and_then(|r| r.get("bindings"))
        .and_then(|b| b.as_array())
        .ok_or_else(|| "the answer has no results.bindings".to_string())?;
    Ok(bindings
        .iter()
        .filter_map(|b| b.as_object())
        .map(|b| {
            b.iter()
                .filter_map(|(k, t)| {
                    t.get("value")
                        .and_then(|v| v.as_str())
                        .map(|v| (k.clone(), v.to_string()))
                })
                .collect()
        })
        .collect())
}

/// The Graph Store URL for a SPARQL endpoint, for the stores whose layout is known:
/// Virtuoso (`/sparql` → `/sparql-graph-crud`), Oxigraph server (`/query` → `/store`),
/// Fuseki (`/ds/sparql` or `/ds/query` → `/ds/data`), GraphDB and RDF4J
/// (`/repositories/ID` → `/repositories/ID/rdf-graphs/service`).
pub fn derive_graph_store(endpoint: &Url) -> Option<Url> {
    let path = endpoint.path().trim_end_matches('/').to_string();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let new_path = match segs.as_slice() {
        ["sparql"] => "/sparql-graph-crud".to_string(),
        ["query"] => "/store".to_string(),
        [.., "repositories", _] => format!("{path}/rdf-graphs/service"),
        [rest @ .., "sparql" | "query"] if !rest.is_empty() => {
            format!("/{}/data", rest.join("/"))
        }
        _ => return None,
    };
    let mut u = endpoint.clone();
    u.set_path(&new_path);
    u.set_query(None);
    u.set_fragment(None);
    Some(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<String> {
        derive_graph_store(&Url::parse(s).expect("url")).map(|u| u.to_string())
    }

    #[test]
    fn graph_store_urls_for_known_stores() {
        assert_eq!(
            d("http://h:8890/sparql").as_deref(),
            Some("http://h:8890/sparql-graph-crud")
        );
        assert_eq!(
            d("http://h:7878/query").as_deref(),
            Some("http://h:7878/store")
        );
        assert_eq!(
            d("http://h:3030/ds/sparql").as_deref(),
            Some("http://h:3030/ds/data")
        );
        assert_eq!(
            d("http://h:7200/repositories/kkr").as_deref(),
            Some("http://h:7200/repositories/kkr/rdf-graphs/service")
        );
        assert_eq!(d("http://h/whatever"), None);
    }

    #[test]
    fn messages_never_show_user_info_and_keep_the_graph() {
        let u = Url::parse("http://u:secret@h/sparql-graph-crud?graph=http%3A%2F%2Fx%2Fg")
            .expect("url");
        let s = show(&u);
        assert!(!s.contains("secret") && !s.contains("u:"), "{s}");
        assert!(s.contains("(graph http://x/g)"), "{s}");
    }

    #[test]
    fn error_bodies_become_one_short_line() {
        let html = "<!DOCTYPE HTML><html><head><title>SPARQL Graph Protocol request failed</title></head><body><h1>HTTP/1.1 403 Forbidden</h1><h3>Error 42000</h3><xmp>SQ110:SECURITY: Permission denied</xmp></body></html>";
        assert_eq!(
            detail(html),
            ": Error 42000 SQ110:SECURITY: Permission denied"
        );
        assert_eq!(detail(""), "");
    }

    #[test]
    fn select_json_to_plain_rows() {
        let j = r#"{"head":{"vars":["g","n"]},"results":{"bindings":[
            {"g":{"type":"uri","value":"http://x/g"},"n":{"type":"typed-literal","value":"3"}},
            {"n":{"type":"literal","value":"0"}}]}}"#;
        let rows = parse_select_json(j).expect("json");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["g"], "http://x/g");
        assert!(!rows[1].contains_key("g"));
        assert!(parse_select_json("<html>oops</html>").is_err());
    }
}
