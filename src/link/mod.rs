//! Link stage: organisations in the graph → external registries (DAGI codes, CVR, ROR,
//! Wikidata), written to their own named graph.
//!
//! Offline (the default) the shipped snapshot (`data/registries/`) is matched by exact codes
//! first, then by normalised names under type constraints. `--online` adds exact joins from
//! ROR, Wikidata and Datafordeleren (see [`online`]). Label-only matches are never links:
//! they go to the `--review` file, and rows marked there come back with `--accept`.
//!
//! Output: graph `<base>graph/links` (identifiers, `skos:closeMatch`/`owl:sameAs`, and one
//! `owl:Axiom` per link recording method, score and date) and `<base>graph/registries`
//! (source, licence, attribution of each registry). Both are replaced in one transaction,
//! so `link` can be re-run and a reader never sees half a run.

mod graph;
mod matching;
pub mod online;
mod review;
mod snapshot;

pub use matching::{normalise, Entity, Link, Relation};
pub use snapshot::{Registry, Snapshot};

use crate::store::GraphStore;
use anyhow::Context;
use std::path::PathBuf;

/// What `referat link` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct LinkArgs {
    /// Also ask online services (Wikidata, ROR, Datafordeleren).
    pub online: bool,
    /// Write label-only candidate matches here for review.
    pub review: Option<PathBuf>,
    /// Accept reviewed candidates from this file.
    pub accept: Option<PathBuf>,
    /// Cache folder for online responses.
    pub cache_dir: Option<PathBuf>,
}

/// Run linking; returns a one-line summary for the user (warnings follow on later lines).
pub fn run(store: &GraphStore, args: &LinkArgs) -> anyhow::Result<String> {
    let cfg = online::OnlineConfig::from_env();
    run_with(store, args, &cfg)
}

/// [`run`] with explicit online settings (tests point them at a local server).
pub fn run_with(
    store: &GraphStore,
    args: &LinkArgs,
    cfg: &online::OnlineConfig,
) -> anyhow::Result<String> {
    let snap = snapshot::shipped().map_err(anyhow::Error::msg)?;
    let g = graph::Graphs::new(&store.config().base);
    let entities = graph::entities(store, &g).context("reading organisations from the store")?;
    let mut outcome = matching::match_offline(&entities, &snap);
    let mut warnings = Vec::new();
    let mut online_note = String::new();
    if args.online {
        let cache = args
            .cache_dir
            .clone()
            .unwrap_or_else(|| default_cache_dir(store));
        let mut client = online::Client::new(cfg, cache)?;
        let found = online::link_online(&mut client, &entities, &outcome.links, &snap)?;
        outcome.links.extend(found.links);
        outcome.candidates.extend(found.candidates);
        warnings.extend(found.warnings);
        online_note = format!(
            ", online: {} requests ({} from cache)",
            client.requests(),
            client.cache_hits()
        );
    }
    let mut accepted = graph::read_accepted(store, &g)?;
    if let Some(path) = &args.accept {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let reviewed = review::parse(&text, &entities, &snap)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        accepted.extend(reviewed.accepted);
        accepted.retain(|a| !reviewed.withdrawn.iter().any(|w| matching::same_link(a, w)));
    }
    // An accepted link of an organisation no document names any more goes with it.
    accepted.retain(|a| {
        let kept = entities.iter().any(|e| e.iri == a.entity);
        if !kept {
            warnings.push(format!(
                "accepted link of {} to {} {} dropped: the organisation is no longer in the store",
                a.label, a.registry, a.code
            ));
        }
        kept
    });
    accepted.sort_by(matching::order);
    accepted.dedup_by(|a, b| matching::same_link(a, b));
    let n_accepted = accepted.len();
    outcome.links.extend(accepted);
    outcome.links.sort_by(matching::order);
    outcome.links.dedup_by(|a, b| matching::same_link(a, b));
    let conflicts = matching::demote_conflicts(&mut outcome);
    for c in &conflicts {
        warnings.push(format!("conflicting codes, sent to review: {c}"));
    }
    // Listed as accepted in the review file: what stays linked by acceptance (one sent to
    // review by a conflict is a candidate there, not also an accepted row).
    let accepted_rows: Vec<matching::Link> = outcome
        .links
        .iter()
        .filter(|l| l.method.starts_with("accepted:"))
        .cloned()
        .collect();
    outcome.candidates.sort_by(matching::order);
    outcome
        .candidates
        .dedup_by(|a, b| matching::same_link(a, b));
    // A candidate already accepted or linked is not asked about again.
    outcome
        .candidates
        .retain(|c| !outcome.links.iter().any(|l| matching::same_link(l, c)));
    // The review file is made ready before the graph changes (see `ReviewOut`): one that
    // cannot be written fails the run with the store as it was.
    let review_out = match &args.review {
        Some(path) => Some(ReviewOut::prepare(
            path,
            review::render(&outcome.candidates, &accepted_rows, &snap),
        )?),
        None => None,
    };
    let quads = graph::write(store, &g, &outcome.links, &entities, &snap)?;
    if let Some(mut out) = review_out {
        out.finish()?;
    }
    let linked: std::collections::BTreeSet<&str> =
        outcome.links.iter().map(|l| l.entity.as_str()).collect();
    let mut summary = format!(
        "linked {} of {} organisations: {} links ({} accepted from review), {} candidates for review{}{}; {} quads in {}",
        linked.len(),
        entities.len(),
        outcome.links.len(),
        n_accepted,
        outcome.candidates.len(),
        args.review
            .as_ref()
            .map(|p| format!(" written to {}", p.display()))
            .unwrap_or_default(),
        online_note,
        quads,
        g.links.as_str()
    );
    for w in warnings {
        summary.push_str("\nwarning: ");
        summary.push_str(&w);
    }
    Ok(summary)
}

/// The review file, made ready before the links graph changes. A file (new or plain, or
/// the file a symlink points to) is written beside its place and moved there afterwards
/// (atomic, and nothing is left of a run whose graph write failed). The process's own
/// standard output or error (`-`, `/dev/stdout`, `/dev/stderr`) is written to through its
/// handle afterwards, so a redirection (`>> run.log`) is kept as the shell made it; any
/// other path under `/dev` or `/proc` (a device, `/dev/fd/N`) is opened for appending at
/// once and written afterwards. A folder is refused up front.
enum ReviewOut {
    Replace {
        tmp: PathBuf,
        path: PathBuf,
    },
    Stdout(String),
    Stderr(String),
    Open {
        file: std::fs::File,
        path: PathBuf,
        text: String,
    },
}

impl ReviewOut {
    fn prepare(path: &std::path::Path, text: String) -> anyhow::Result<ReviewOut> {
        let cannot = || format!("cannot write {}", path.display());
        let as_given = path.to_string_lossy();
        if as_given == "-" || as_given == "/dev/stdout" {
            return Ok(ReviewOut::Stdout(text));
        }
        if as_given == "/dev/stderr" {
            return Ok(ReviewOut::Stderr(text));
        }
        let special = path.starts_with("/dev") || path.starts_with("/proc");
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                anyhow::bail!("cannot write {}: it is a folder", path.display())
            }
            Ok(m) if special || !m.is_file() => {
                let file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(path)
                    .with_context(cannot)?;
                Ok(ReviewOut::Open {
                    file,
                    path: path.to_path_buf(),
                    text,
                })
            }
            found => {
                // Through a symlink, the file it points to is replaced (not the link; a
                // dangling link is replaced by the file).
                let real = match found {
                    Ok(_) => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
                    Err(_) => path.to_path_buf(),
                };
                let name = real
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let tmp =
                    real.with_file_name(format!(".{name}.referat-{}.tmp", std::process::id()));
                std::fs::write(&tmp, text).with_context(cannot)?;
                Ok(ReviewOut::Replace { tmp, path: real })
            }
        }
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        match self {
            ReviewOut::Replace { tmp, path } => std::fs::rename(&*tmp, &*path)
                .with_context(|| format!("cannot write {}", path.display())),
            ReviewOut::Stdout(text) => {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes())
                    .and_then(|()| out.flush())
                    .context("cannot write the review to standard output")
            }
            ReviewOut::Stderr(text) => {
                use std::io::Write;
                std::io::stderr()
                    .lock()
                    .write_all(text.as_bytes())
                    .context("cannot write the review to standard error")
            }
            ReviewOut::Open { file, path, text } => {
                use std::io::Write;
                file.write_all(text.as_bytes())
                    .with_context(|| format!("cannot write {}", path.display()))
            }
        }
    }
}

impl Drop for ReviewOut {
    /// A run that fails before `finish` leaves no temporary file.
    fn drop(&mut self) {
        if let ReviewOut::Replace { tmp, .. } = self {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Online responses are cached next to the store, so a re-run asks nothing again.
fn default_cache_dir(store: &GraphStore) -> PathBuf {
    let p = store.path();
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => parent.join(format!("{}-link-cache", name.to_string_lossy())),
        _ => PathBuf::from("referat-link-cache"),
    }
}
