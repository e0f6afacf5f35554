//! Push stage: the store's graphs → an external SPARQL store over the SPARQL 1.1 Graph Store
//! HTTP Protocol, so a publisher can serve the graph from the store they already run
//! (Virtuoso, Fuseki, GraphDB, an Oxigraph server, …).
//!
//! Each graph is sent as sorted N-Triples: the first batch is PUT (replacing the remote
//! graph), further batches are POSTed. A manifest graph on the remote side
//! (`<base>graph/push-manifest`, `<graph> ref:contentSha256 "…"`) records what was pushed,
//! so an unchanged graph is skipped and pushing twice transfers nothing. The next graphs are
//! read while one is sent (`--parallel` writes at once); a graph counts as pushed once its
//! hash is recorded (a hundred per request), and a graph the manifest names gets its new
//! hash announced before it is sent, so whatever fails in between, the next push sends it
//! again rather than skip it. After pushing, the triple count of every graph on the remote
//! SPARQL endpoint must equal the local count (a graph held in part is sent once more).
//!
//! Authentication: HTTP Basic only (HTTP Digest is not supported). The password comes from
//! an environment variable (`--password-env VAR`) or a prompt on a terminal, never from the
//! command line, and is never printed.

mod local;
mod remote;

pub use remote::{derive_graph_store, Credentials, RemoteError, RetryPolicy, Traffic};

use crate::store::GraphStore;
use anyhow::{bail, Context};
use oxigraph::model::NamedNode;
use remote::Remote;
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::time::Instant;
use url::Url;

const REF: &str = "https://w3id.org/referat/ns#";

/// Writes at once unless `--parallel` says otherwise. Four: a first push of 1 000
/// documents to a Virtuoso 50 ms away (a round trip; `bench/push-latency`) took 108 s one
/// write at a time and 50–52 s with four (48 s with sixteen), and on 127.0.0.1 four were
/// no slower than one (bench/RESULTS.md). Not more: stores differ in how well they take
/// overlapping writes (Virtuoso's tracker has deadlocks of concurrent graph writes; a
/// failed write is retried, and a graph whose remote count is wrong is sent again alone).
pub const PARALLEL: usize = 4;

/// What `referat push` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct PushArgs {
    /// The remote SPARQL query endpoint (used for verification counts).
    pub endpoint: String,
    /// The Graph Store Protocol endpoint (default: derived from `endpoint`).
    pub graph_store: Option<String>,
    /// User for HTTP Basic authentication.
    pub user: Option<String>,
    /// Name of the environment variable holding the password (never the password itself).
    pub password_env: Option<String>,
    /// Remove remote graphs whose documents are gone locally.
    pub delete_missing: bool,
    /// Writes at once (default [`PARALLEL`]). A distant store keeps a request waiting on
    /// the network; several in flight hide that.
    pub parallel: Option<usize>,
    /// No progress bar.
    pub quiet: bool,
}

/// Tuning that the command line does not expose (tests use short back-offs and small
/// batches).
#[derive(Debug, Clone)]
pub struct PushOptions {
    /// Retries and timeouts of each request.
    pub retry: RetryPolicy,
    /// Most triples in one request.
    pub batch_triples: usize,
    /// About the most bytes in one request.
    pub batch_bytes: usize,
    /// Rewrite the (append-only between rewrites) remote manifest after this many pushes.
    pub manifest_every: usize,
    /// Graphs the remote manifest did not name are recorded in it this many at a time, in
    /// one request (a crash in between only makes the next push send them again).
    pub record_every: usize,
}

impl Default for PushOptions {
    fn default() -> Self {
        PushOptions {
            retry: RetryPolicy::default(),
            batch_triples: 50_000,
            batch_bytes: 8 << 20,
            manifest_every: 100,
            record_every: 100,
        }
    }
}

/// What a push did, graph by graph.
#[derive(Debug, Default, Clone)]
pub struct PushReport {
    /// The Graph Store endpoint used.
    pub graph_store: String,
    /// Graphs sent (replaced on the remote side).
    pub pushed: Vec<String>,
    /// Graphs the remote already held with the same content.
    pub skipped: Vec<String>,
    /// Remote graphs removed by `--delete-missing`.
    pub deleted: Vec<String>,
    /// Graphs that could not be pushed, with the reason.
    pub failed: Vec<(String, String)>,
    /// Graphs whose remote triple count differs from the local one: (graph, local, remote).
    pub mismatched: Vec<(String, usize, usize)>,
    /// Graphs the remote held only part of after it answered their writes as done (a store
    /// that drops part of a write, another client clearing the graph meanwhile), sent once
    /// more, alone, and then complete.
    pub resent: Vec<String>,
    /// Triples sent.
    pub triples: u64,
    /// Requests and bytes sent.
    pub traffic: Traffic,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl PushReport {
    /// The one-line summary printed by `referat push`.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "pushed {} graphs to {}: {} skipped (unchanged), {} deleted, {} failed; {} triples, {} bytes in {} requests; {} s",
            self.pushed.len(),
            self.graph_store,
            self.skipped.len(),
            self.deleted.len(),
            self.failed.len(),
            self.triples,
            self.traffic.bytes,
            self.traffic.writes,
            (self.seconds * 10.0).round() / 10.0,
        );
        if !self.resent.is_empty() {
            s.push_str(&format!(
                "; {} sent again after the remote kept only part",
                self.resent.len()
            ));
        }
        if self.mismatched.is_empty() && self.failed.is_empty() {
            s.push_str(&format!(
                "; verified {} graphs",
                self.pushed.len() + self.skipped.len()
            ));
        }
        s
    }
}

/// Run a push; returns a one-line summary for the user. Failed graphs and count
/// mismatches are an error (after the other graphs were pushed).
pub fn run(store: &GraphStore, args: &PushArgs) -> anyhow::Result<String> {
    let report = push(store, args, &PushOptions::default())?;
    for (g, e) in &report.failed {
        eprintln!("referat: push {g}: {e}");
    }
    for (g, l, r) in &report.mismatched {
        eprintln!("referat: push {g}: verification failed: {l} triples here, {r} on the remote");
    }
    if !report.failed.is_empty() || !report.mismatched.is_empty() {
        bail!(
            "{}; {} graphs failed, {} differ after pushing",
            report.summary(),
            report.failed.len(),
            report.mismatched.len()
        );
    }
    Ok(report.summary())
}

/// [`run`] returning the per-graph report (failures and mismatches are in the report, not
/// errors); `Err` only for problems that stop everything (bad URL, credentials, 401/403/404).
pub fn push(store: &GraphStore, args: &PushArgs, opts: &PushOptions) -> anyhow::Result<PushReport> {
    let started = Instant::now();
    let endpoint = parse_url(&args.endpoint, "--endpoint")?;
    let graph_store = match &args.graph_store {
        Some(g) => parse_url(g, "--graph-store")?,
        None => derive_graph_store(&endpoint).with_context(|| {
            format!("cannot tell the Graph Store endpoint of {endpoint}: give it with --graph-store (Virtuoso …/sparql-graph-crud, Fuseki …/DATASET/data, Oxigraph server …/store)")
        })?,
    };
    let credentials = credentials(args)?;
    let remote = Remote::new(endpoint, graph_store, credentials, opts.retry.clone())?;
    let mut report = PushReport {
        graph_store: remote.graph_store().to_string(),
        ..PushReport::default()
    };

    let base = &store.config().base;
    let manifest_graph = format!("{base}graph/push-manifest");
    let p_sha = format!("{REF}contentSha256");
    let remote_manifest = read_manifest(&remote, &manifest_graph, &p_sha)?;
    // What the remote holds after this run, written back as the manifest.
    let manifest: BTreeMap<String, BTreeSet<String>> = remote_manifest.clone();
    let manifest_dirty = manifest.values().any(|h| h.len() != 1);

    let graphs = local::graphs_to_push(store)?;
    let local_names: BTreeSet<String> = graphs.iter().map(|g| g.as_str().to_string()).collect();

    let bar = progress_bar(args.quiet, graphs.len() as u64);

    // A graph is unchanged when the manifest holds exactly its hash and the remote count
    // agrees (a graph dropped behind our back is pushed again). Only graphs the remote
    // manifest names can be, so only those are hashed now; the others are read once, when
    // they are sent.
    let mut hashes: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let known: Vec<&NamedNode> = graphs
        .iter()
        .filter(|g| remote_manifest.contains_key(g.as_str()))
        .collect();
    crate::workers::map_in_order_on_all_cores(
        &known,
        |g| local::serialise(store, g).map(|t| (t.sha256, t.lines.len())),
        |g, hashed| {
            hashes.insert(g.as_str().to_string(), hashed?);
            Ok::<(), anyhow::Error>(())
        },
    )?;
    let candidates: Vec<&String> = hashes
        .iter()
        .filter(|(g, (h, _))| {
            remote_manifest
                .get(*g)
                .is_some_and(|set| set.len() == 1 && set.contains(h))
        })
        .map(|(g, _)| g)
        .collect();
    let remote_counts = count_remote(&remote, &candidates)?;
    let unchanged: BTreeSet<&String> = candidates
        .into_iter()
        .filter(|g| remote_counts.get(*g).copied().unwrap_or(0) == hashes[*g].1)
        .collect();

    let (skipped, to_send): (Vec<&NamedNode>, Vec<&NamedNode>) = graphs
        .iter()
        .partition(|g| unchanged.contains(&g.as_str().to_string()));
    report
        .skipped
        .extend(skipped.iter().map(|g| g.as_str().to_string()));
    bar.inc(skipped.len() as u64);
    // `parallel` writes at once (the manifest's included, so one means one at a time),
    // and graphs read on at least every core, so the next ones are ready when a request
    // ends (with `--parallel 1` too).
    let parallel = args.parallel.unwrap_or(PARALLEL).max(1);
    let readers = parallel.max(crate::workers::cores());
    let sending = crate::workers::Permits::new(parallel);
    let mut book = Book {
        manifest,
        dirty: manifest_dirty,
        pending: Vec::new(),
        since_rewrite: 0,
        graph: &manifest_graph,
        p_sha: &p_sha,
        opts,
        sending: &sending,
    };
    // A graph the manifest names gets its new hash appended before it is sent: with two
    // hashes it is "unknown" to the next push, so a failure or a crash between sending it
    // and recording it can never make a later push skip it (say, after the document went
    // back to its old text).
    let named: Vec<(String, String)> = to_send
        .iter()
        .filter(|g| remote_manifest.contains_key(g.as_str()))
        .filter_map(|g| {
            let (sha, _) = hashes.get(g.as_str())?;
            Some((g.as_str().to_string(), sha.clone()))
        })
        .collect();
    let to_send: Vec<&NamedNode> = match book.announce(&remote, &named) {
        Ok(()) => to_send,
        Err(RemoteError::Fatal(m)) => {
            bar.finish_and_clear();
            bail!(m);
        }
        Err(RemoteError::Failed(m)) => {
            // Not sent, so the manifest's hash still tells their remote content.
            for (g, _) in named {
                bar.inc(1);
                let why = format!("announcing it in the push manifest: {m}");
                report.failed.push((g, why));
            }
            to_send
                .into_iter()
                .filter(|g| !remote_manifest.contains_key(g.as_str()))
                .collect()
        }
    };
    // Graphs are read and serialised on the workers, and sent there when a write is free;
    // what came of each is recorded here, in input order.
    let sent = crate::workers::map_in_order(
        &to_send,
        readers,
        2 * readers,
        |g| {
            local::serialise(store, g)
                .map_err(|e| RemoteError::Failed(format!("reading the local graph: {e}")))
                .and_then(|text| sending.run(|| send_graph(g, &text, &remote, opts)))
        },
        |g, sent| {
            let name = g.as_str().to_string();
            bar.set_message(short_name(&name, base));
            bar.inc(1);
            match sent {
                Ok((sha, n)) => {
                    report.triples += n as u64;
                    hashes.insert(name.clone(), (sha.clone(), n));
                    book.pending.push((name, sha));
                    if book.pending.len() >= opts.record_every.max(1) {
                        book.flush(&remote, &mut report)
                    } else {
                        Ok(())
                    }
                }
                Err(RemoteError::Fatal(m)) => Err(anyhow::anyhow!(m)),
                Err(RemoteError::Failed(m)) => {
                    // The remote graph may be half replaced: forget its hash so it is retried.
                    book.forget(&name);
                    report.failed.push((name, m));
                    Ok(())
                }
            }
        },
    )
    .and_then(|()| book.flush(&remote, &mut report));
    if let Err(e) = sent {
        bar.finish_and_clear();
        return Err(e);
    }
    let Book {
        mut manifest,
        dirty: mut manifest_dirty,
        ..
    } = book;

    if args.delete_missing {
        let gone: Vec<String> = remote_manifest
            .keys()
            .filter(|g| !local_names.contains(*g))
            .cloned()
            .collect();
        for g in gone {
            bar.set_message(format!("delete {}", short_name(&g, base)));
            match remote.delete_graph(&g) {
                Ok(()) => {
                    manifest.remove(&g);
                    manifest_dirty = true;
                    report.deleted.push(g);
                }
                Err(RemoteError::Fatal(m)) => {
                    bar.finish_and_clear();
                    return Err(anyhow::anyhow!(m));
                }
                Err(RemoteError::Failed(m)) => report.failed.push((g, m)),
            }
        }
    }
    if manifest_dirty {
        match write_manifest(&remote, &manifest_graph, &p_sha, &manifest) {
            Ok(()) => {}
            Err(RemoteError::Fatal(m)) => {
                bar.finish_and_clear();
                return Err(anyhow::anyhow!(m));
            }
            Err(RemoteError::Failed(m)) => report.failed.push((manifest_graph.clone(), m)),
        }
    }
    bar.finish_and_clear();

    // Verification: the remote count of every pushed graph equals the local count (skipped
    // graphs were checked before deciding to skip them).
    let pushed: Vec<&String> = report.pushed.iter().collect();
    let counts = count_remote(&remote, &pushed)?;
    for g in &report.pushed {
        let local = hashes.get(g).map(|h| h.1).unwrap_or(0);
        let remote_n = counts.get(g).copied().unwrap_or(0);
        if local == remote_n {
            continue;
        }
        // Answered as done, held in part (a store that dropped part of a write, another
        // client at work on the graph): sent once more, alone, and counted again.
        let again = graphs
            .iter()
            .find(|n| n.as_str() == g.as_str())
            .and_then(|node| {
                let text = local::serialise(store, node).ok()?;
                send_graph(node, &text, &remote, opts).ok()?;
                count_remote(&remote, &[g]).ok()?.get(g).copied()
            });
        match again {
            Some(n) if n == local => report.resent.push(g.clone()),
            _ => report
                .mismatched
                .push((g.clone(), local, again.unwrap_or(remote_n))),
        }
    }
    for g in &report.deleted {
        let c = count_remote(&remote, &[g])?;
        if let Some(n) = c.get(g).copied().filter(|n| *n > 0) {
            report.mismatched.push((g.clone(), 0, n));
        }
    }
    report.traffic = remote.traffic();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The push manifest as this run changes it, and the graphs sent but not yet recorded.
struct Book<'a> {
    manifest: BTreeMap<String, BTreeSet<String>>,
    dirty: bool,
    pending: Vec<(String, String)>,
    since_rewrite: usize,
    graph: &'a str,
    p_sha: &'a str,
    opts: &'a PushOptions,
    /// The manifest's writes take their turn with the graphs' (see `--parallel`).
    sending: &'a crate::workers::Permits,
}

impl Book<'_> {
    /// Appends the hashes of graphs about to be sent to the remote manifest, in one
    /// request, beside the hashes it holds for them.
    fn announce(
        &mut self,
        remote: &Remote,
        graphs: &[(String, String)],
    ) -> Result<(), RemoteError> {
        if graphs.is_empty() {
            return Ok(());
        }
        remote.write_graph(self.graph, self.entries(graphs).into_bytes(), false)?;
        for (g, sha) in graphs {
            let set = self.manifest.entry(g.clone()).or_default();
            set.insert(sha.clone());
            self.dirty |= set.len() != 1;
        }
        Ok(())
    }

    fn entries(&self, graphs: &[(String, String)]) -> String {
        graphs
            .iter()
            .map(|(g, sha)| format!("<{g}> <{}> \"{sha}\" .\n", self.p_sha))
            .collect()
    }

    /// Drops a graph's hashes, whose remote content is now unknown (it is rewritten out of
    /// the remote manifest).
    fn forget(&mut self, graph: &str) {
        if self.manifest.remove(graph).is_some() {
            self.dirty = true;
        }
    }

    /// Appends the hashes of the graphs sent since the last call to the remote manifest,
    /// in one request; they count as pushed once that succeeded. Now and then, when old
    /// hashes wait to be dropped, rewrites the whole manifest.
    fn flush(&mut self, remote: &Remote, report: &mut PushReport) -> anyhow::Result<()> {
        let sent = std::mem::take(&mut self.pending);
        if sent.is_empty() {
            return Ok(());
        }
        // Until the next rewrite a graph may have two hashes, which mean "unknown".
        let body = self.entries(&sent).into_bytes();
        match self
            .sending
            .run(|| remote.write_graph(self.graph, body, false))
        {
            Ok(()) => {}
            Err(RemoteError::Fatal(m)) => return Err(anyhow::anyhow!(m)),
            Err(RemoteError::Failed(m)) => {
                for (g, _) in sent {
                    self.forget(&g);
                    let why = format!("recording it in the push manifest: {m}");
                    report.failed.push((g, why));
                }
                return Ok(());
            }
        }
        for (g, sha) in sent {
            let set = self.manifest.entry(g.clone()).or_default();
            if !set.is_empty() {
                self.dirty = true;
            }
            set.clear();
            set.insert(sha);
            report.pushed.push(g);
            self.since_rewrite += 1;
        }
        if self.since_rewrite >= self.opts.manifest_every.max(1) && self.dirty {
            let written = self
                .sending
                .run(|| write_manifest(remote, self.graph, self.p_sha, &self.manifest));
            match written {
                Ok(()) => self.dirty = false,
                Err(RemoteError::Fatal(m)) => return Err(anyhow::anyhow!(m)),
                // Not fatal: a stale manifest only makes the next push send more.
                Err(RemoteError::Failed(m)) => report.failed.push((self.graph.to_string(), m)),
            }
            self.since_rewrite = 0;
        }
        Ok(())
    }
}

/// Sends one graph (PUT, then POST for further batches); returns its hash and triple count.
fn send_graph(
    g: &NamedNode,
    text: &local::GraphText,
    remote: &Remote,
    opts: &PushOptions,
) -> Result<(String, usize), RemoteError> {
    for (i, range) in local::batches(text, opts.batch_triples, opts.batch_bytes)
        .into_iter()
        .enumerate()
    {
        let body: Vec<u8> = text.lines[range].concat().into_bytes();
        remote.write_graph(g.as_str(), body, i == 0)?;
    }
    Ok((text.sha256.clone(), text.lines.len()))
}

fn read_manifest(
    remote: &Remote,
    graph: &str,
    p_sha: &str,
) -> anyhow::Result<BTreeMap<String, BTreeSet<String>>> {
    let q = format!("SELECT ?g ?h WHERE {{ GRAPH <{graph}> {{ ?g <{p_sha}> ?h }} }}");
    let rows = remote
        .select(&q)
        .map_err(|e| anyhow::anyhow!("reading the push manifest: {e}"))?;
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows {
        if let (Some(g), Some(h)) = (r.get("g"), r.get("h")) {
            out.entry(g.clone()).or_default().insert(h.clone());
        }
    }
    Ok(out)
}

fn write_manifest(
    remote: &Remote,
    graph: &str,
    p_sha: &str,
    manifest: &BTreeMap<String, BTreeSet<String>>,
) -> Result<(), RemoteError> {
    let mut body = String::new();
    for (g, hashes) in manifest {
        // Only a single known hash is worth keeping; several mean "unknown".
        if let (1, Some(h)) = (hashes.len(), hashes.iter().next()) {
            body.push_str(&format!("<{g}> <{p_sha}> \"{h}\" .\n"));
        }
    }
    remote.write_graph(graph, body.into_bytes(), true)
}

/// Triple counts per graph on the remote SPARQL endpoint (graphs it does not hold are
/// absent), asked for 50 graphs at a time.
fn count_remote(remote: &Remote, graphs: &[&String]) -> anyhow::Result<BTreeMap<String, usize>> {
    let mut out = BTreeMap::new();
    for chunk in graphs.chunks(50) {
        let values: Vec<String> = chunk.iter().map(|g| format!("<{g}>")).collect();
        let q = format!(
            "SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
            values.join(" ")
        );
        let rows = remote
            .select(&q)
            .map_err(|e| anyhow::anyhow!("counting the remote triples: {e}"))?;
        for r in rows {
            if let (Some(g), Some(n)) = (r.get("g"), r.get("n").and_then(|n| n.parse().ok())) {
                out.insert(g.clone(), n);
            }
        }
    }
    Ok(out)
}

/// An environment variable's name as they are written (`REFERAT_PASSWORD`): upper-case
/// letters, digits and `_`, not starting with a digit. Anything else given to
/// `--password-env` may be a password, and is not repeated.
fn is_variable_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn parse_url(s: &str, flag: &str) -> anyhow::Result<Url> {
    // `host:8890/sparql` would parse with `host` as its scheme, `127.0.0.1:8890` not at all.
    if !s.contains("://") {
        bail!("{flag} {s:?}: give a full URL, e.g. http://{}", s.trim());
    }
    let u = Url::parse(s.trim()).with_context(|| format!("{flag} {s:?} is not a URL"))?;
    if !matches!(u.scheme(), "http" | "https") {
        bail!("{flag} {s:?}: only http and https URLs are supported");
    }
    if !u.username().is_empty() || u.password().is_some() {
        bail!("{flag}: do not put credentials in the URL (they would show in `ps` and logs); use --user and --password-env VAR");
    }
    Ok(u)
}

/// Credentials from `--user` plus the environment variable named by `--password-env`, or a
/// prompt when on a terminal.
fn credentials(args: &PushArgs) -> anyhow::Result<Option<Credentials>> {
    let Some(user) = args.user.clone().filter(|u| !u.is_empty()) else {
        if args.password_env.is_some() {
            bail!("--password-env needs --user");
        }
        return Ok(None);
    };
    let password = match &args.password_env {
        Some(var) => match std::env::var(var) {
            Ok(p) if !p.is_empty() => p,
            Ok(_) => bail!("the environment variable {var} (--password-env) is empty"),
            // A value that is no variable name may be the password itself, given by
            // mistake: it is not repeated into the terminal and logs.
            Err(_) if !is_variable_name(var) => bail!(
                "--password-env takes the NAME of an environment variable holding the password (e.g. REFERAT_PASSWORD), not the password"
            ),
            Err(_) => bail!("the environment variable {var} (--password-env) is not set"),
        },
        None if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() => {
            prompt_password(&user)?
        }
        None => bail!("--user {user} needs a password: name the environment variable that holds it with --password-env VAR (not on a terminal, so no prompt)"),
    };
    Ok(Some(Credentials { user, password }))
}

/// Reads a password from the terminal without echo (via `stty`).
fn prompt_password(user: &str) -> anyhow::Result<String> {
    use std::io::Write;
    let stty = |arg: &str| {
        std::process::Command::new("stty")
            .arg(arg)
            .stdin(std::process::Stdio::inherit())
            .status()
    };
    eprint!("password for {user}: ");
    let _ = std::io::stderr().flush();
    let echo_off = stty("-echo").map(|s| s.success()).unwrap_or(false);
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    if echo_off {
        let _ = stty("echo");
    }
    eprintln!();
    read.context("reading the password")?;
    let p = line.trim_end_matches(['\n', '\r']).to_string();
    if p.is_empty() {
        bail!("no password given");
    }
    Ok(p)
}

fn progress_bar(quiet: bool, len: u64) -> indicatif::ProgressBar {
    let bar = if quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(len)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} graphs {elapsed_precise} {wide_msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

fn short_name(g: &str, base: &str) -> String {
    g.strip_prefix(base).unwrap_or(g).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_need_a_full_url_and_passwords_are_not_echoed() {
        for given in ["127.0.0.1:8890/sparql", "localhost:8890/sparql"] {
            let e = parse_url(given, "--endpoint").expect_err(given);
            assert_eq!(
                e.to_string(),
                format!("--endpoint {given:?}: give a full URL, e.g. http://{given}")
            );
        }
        assert!(parse_url("http://127.0.0.1:8890/sparql", "--endpoint").is_ok());
        assert!(is_variable_name("REFERAT_PASSWORD"));
        for maybe_a_password in ["Summer2024", "S3cret!pw", "9LIVES", ""] {
            assert!(!is_variable_name(maybe_a_password), "{maybe_a_password}");
        }
    }
}
