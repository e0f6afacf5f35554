//! Ingest: files and folders → parsed minutes → one named graph each in the store.
//!
//! One bad document never stops the others and never touches the store: it is parsed
//! completely before its transaction starts. Folders are walked without following a
//! symlink into a directory already visited, so a symlink loop cannot hang the walk.

use crate::model::Minutes;
use crate::parse::{self, ParseOptions};
use crate::store::{Batch, GraphStore, IngestOutcome, Staged};
use oxigraph::model::NamedNode;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// File extensions taken from folders (a file named explicitly is always tried).
pub const EXTENSIONS: &[&str] = &["txt", "text"];

/// What happened to one file.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    pub outcome: Result<(IngestOutcome, usize), String>,
    pub warnings: Vec<String>,
}

/// Totals of an ingest run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub quads_written: usize,
}

/// A file as a parse worker hands it to the writer.
#[derive(Debug)]
pub enum Read {
    /// Parsed: to be stored (or found unchanged after all).
    Parsed(Box<Minutes>),
    /// The store already holds this file as it would store it now (see
    /// [`UnchangedCheck`]): not parsed. The SHA-256 of its bytes, in hex.
    Unchanged(String),
}

/// Tells, before a file is parsed, whether the store already holds it unchanged (same
/// file name, bytes and extraction; [`GraphStore::holds_unchanged`]): re-running an
/// ingest over a large archive then costs a hash and a few look-ups per old file, not a
/// parse. A run of more than [`crate::store::LOOK_UPS_BEFORE_LIST`] files first reads
/// which graphs the store has (one scan, 8 bytes a graph), so a new file, the common
/// case of a first ingest, costs nothing at all.
pub struct UnchangedCheck<'a> {
    store: &'a GraphStore,
    /// Hashes of the store's graph names when the run began (`None`: look each file up).
    graphs: Option<rustc_hash::FxHashSet<u64>>,
}

impl<'a> UnchangedCheck<'a> {
    /// For a run of `files` files.
    pub fn new(store: &'a GraphStore, files: usize) -> Self {
        let graphs = (files > crate::store::LOOK_UPS_BEFORE_LIST)
            .then(|| {
                store
                    .store()
                    .named_graphs()
                    .map(|g| g.map(|g| graph_key(&g.to_string())))
                    .collect::<Result<_, _>>()
                    .ok()
            })
            .flatten();
        UnchangedCheck { store, graphs }
    }

    /// Whether the store may hold a document of this file (only then is it hashed).
    fn may_hold(&self, path: &str) -> bool {
        self.graphs.as_ref().is_none_or(|g| {
            let graph = crate::rdf::document_graph_of_path(path, self.store.config());
            g.contains(&graph_key(&graph.to_string()))
        })
    }

    /// Whether the store holds the file unchanged. A store error counts as "no": the file
    /// is then parsed, and its write reports the error.
    fn holds(&self, path: &str, sha256: &str) -> bool {
        self.store.holds_unchanged(path, sha256).unwrap_or(false)
    }
}

/// The key of a graph name in [`UnchangedCheck`]'s list (its N-Triples form: `<iri>`).
fn graph_key(name: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}

/// Expand paths into the files to ingest, sorted within each folder. Unreadable folders
/// and symlink loops are reported in `errors` rather than aborting the walk.
pub fn collect_files(paths: &[PathBuf], errors: &mut Vec<(PathBuf, String)>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut visited: HashSet<PathBuf> = HashSet::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out, &mut visited, errors);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    visited: &mut HashSet<PathBuf>,
    errors: &mut Vec<(PathBuf, String)>,
) {
    let canon = match dir.canonicalize() {
        Ok(c) => c,
        Err(e) => {
            errors.push((dir.to_path_buf(), format!("cannot read the folder: {e}")));
            return;
        }
    };
    if !visited.insert(canon) {
        errors.push((
            dir.to_path_buf(),
            "skipped: a symlink leads back to a folder already read (loop)".to_string(),
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push((dir.to_path_buf(), format!("cannot read the folder: {e}")));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out, visited, errors);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_lowercase().as_str()))
        {
            out.push(p);
        }
    }
}

/// Parse and store one file.
pub fn ingest_file(store: &GraphStore, path: &Path, opts: &ParseOptions) -> FileResult {
    match parse_guarded(path, opts) {
        Ok(mut m) => {
            crate::crossref::infer_meeting_date(store, &mut m);
            let warnings = m.warnings.clone();
            let outcome = store.ingest(&m).map_err(|e| e.to_string());
            FileResult {
                path: path.to_path_buf(),
                outcome,
                warnings,
            }
        }
        Err(e) => FileResult {
            path: path.to_path_buf(),
            outcome: Err(e),
            warnings: Vec::new(),
        },
    }
}

/// Quads per bulk-load commit when ingesting many files (about 500 documents of the KL
/// template). Memory does not grow with it (the batch goes to files on disk chunk by
/// chunk, see [`Batch`]); each commit stalls the writer while RocksDB takes in the files,
/// so fewer commits are faster, and a killed ingest loses at most one batch (re-running
/// it stores just those documents again).
pub const DEFAULT_BATCH_QUADS: usize = 1_000_000;

/// Quads an ingest writes from which it suggests `referat optimize` (one default batch,
/// about 500 documents): below that the sorted files it leaves cost readers little.
pub const OPTIMIZE_HINT_QUADS: usize = DEFAULT_BATCH_QUADS;

/// Ingests many files: new documents are bulk-loaded in atomic batches, changed ones are
/// replaced one transaction each. A file's result is handed out only once it is in the
/// store, so whoever prints results never reports a document a crash could still lose.
pub struct Ingester<'a> {
    store: &'a GraphStore,
    opts: &'a ParseOptions,
    batch_quads: usize,
    batch: Batch<'a>,
    waiting: Vec<FileResult>,
    /// Each document graph of this run (by a 64-bit hash of its name), with the file it
    /// came from and that file's SHA-256: a document is known by its file name, so a
    /// second, different file of the same name (`2024/referat.txt`, `2025/referat.txt`)
    /// would silently replace the first. About 100 bytes a document (the graph's name and
    /// the hash as text took 260), since this grows with the run.
    named: HashMap<u64, (Box<Path>, [u8; 32])>,
    /// The first file of this run that recorded each meeting (by its
    /// [`crate::store::meeting_key`]): a second file of the same meeting is warned about
    /// (see [`Ingester::same_meeting_elsewhere`]).
    meetings: HashMap<u64, Box<Path>>,
    /// The keys of the meetings stored documents record, read at the first document.
    stored_meetings: Option<rustc_hash::FxHashSet<u64>>,
}

/// The key of a document graph in [`Ingester::named`].
fn name_key(graph: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    graph.hash(&mut h);
    h.finish()
}

/// A SHA-256 in hex as its 32 bytes (what is not hex counts as 0: the parser makes it).
fn sha_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = hex
            .get(2 * i..2 * i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0);
    }
    out
}

impl<'a> Ingester<'a> {
    /// `batch_quads`: quads per bulk commit; 0 or 1 commits every new document on its own.
    pub fn new(store: &'a GraphStore, opts: &'a ParseOptions, batch_quads: usize) -> Self {
        Ingester {
            store,
            opts,
            batch_quads,
            batch: Batch::remembering(),
            waiting: Vec::new(),
            named: HashMap::new(),
            meetings: HashMap::new(),
            stored_meetings: None,
        }
    }

    /// Reads the store's list of graphs after `n` documents instead of
    /// [`crate::store::LOOK_UPS_BEFORE_LIST`] (0: at once, e.g. for an ingest known to be
    /// large); until then each document's record is looked up on its own.
    pub fn looking_up_first(mut self, n: usize) -> Self {
        self.batch.look_up_first(n);
        self
    }

    /// Another file of this run, or another document in the store, that records the same
    /// meeting as `path`. IRIs are made from content (body and date), so two documents of
    /// one meeting describe one node, and whatever both state of it and of its items adds
    /// up in the union: a curated query then lists every combination (at 20 000 generated
    /// documents, 146 such pairs made `decisions` 20 times slower: bench/RESULTS.md). The
    /// ingest cannot tell an agenda beside its minutes from a copy, so it says so.
    fn same_meeting_elsewhere(
        &mut self,
        path: &Path,
        graph: &NamedNode,
        meeting: &NamedNode,
    ) -> Option<String> {
        let key = crate::store::meeting_key(meeting.as_str());
        match self.meetings.get(&key) {
            Some(first) if **first != *path => return Some(first.display().to_string()),
            Some(_) => {}
            None => {
                self.meetings.insert(key, path.into());
            }
        }
        // Documents stored before this run: looked up only when the meeting may be theirs
        // (one look-up per document grew an ingest of 1 000 documents by about 8 %). A
        // store that cannot be read here gets no warning; the ingest itself will say why.
        if self.stored_meetings.is_none() {
            self.stored_meetings = Some(self.store.stored_meeting_keys().unwrap_or_default());
        }
        if !self
            .stored_meetings
            .as_ref()
            .is_some_and(|keys| keys.contains(&key))
        {
            return None;
        }
        match self.store.other_document_of_meeting(meeting, graph) {
            Ok(Some(other)) => Some(format!("the stored document <{}>", other.as_str())),
            _ => None,
        }
    }

    /// Parses one file and stages or writes it. Returns the results that are final now:
    /// this file's when it failed or was written alone, and those of a committed batch.
    pub fn add(&mut self, path: &Path) -> Vec<FileResult> {
        let parsed = parse_guarded(path, self.opts).map(|m| Read::Parsed(Box::new(m)));
        self.add_parsed(path, parsed)
    }

    /// [`Ingester::add`] for a file parsed elsewhere (by [`parse_ahead`]'s workers), so
    /// parsing the next files overlaps with writing this one.
    pub fn add_parsed(&mut self, path: &Path, parsed: Result<Read, String>) -> Vec<FileResult> {
        let mut done = Vec::new();
        let mut m = match parsed {
            Ok(Read::Parsed(m)) => *m,
            Ok(Read::Unchanged(sha)) => {
                let graph = crate::rdf::document_graph_of_path(
                    &path.display().to_string(),
                    self.store.config(),
                );
                let outcome = match self.same_name_conflict(path, &graph, sha_bytes(&sha)) {
                    Some(e) => Err(e),
                    None => Ok((IngestOutcome::Unchanged, 0)),
                };
                done.push(FileResult {
                    path: path.to_path_buf(),
                    outcome,
                    warnings: Vec::new(),
                });
                return done;
            }
            Err(e) => {
                done.push(FileResult {
                    path: path.to_path_buf(),
                    outcome: Err(e),
                    warnings: Vec::new(),
                });
                return done;
            }
        };
        let graph = crate::rdf::document_graph(&m, self.store.config());
        if let Some(e) = self.same_name_conflict(path, &graph, sha_bytes(&m.source.sha256)) {
            done.push(FileResult {
                path: path.to_path_buf(),
                outcome: Err(e),
                warnings: Vec::new(),
            });
            return done;
        }
        // Dating from an earlier meeting, or a second file of one name, needs what is
        // waiting to be in the store first.
        if m.meeting.date.is_none() || self.batch.holds(&graph) {
            done.extend(self.commit());
        }
        crate::crossref::infer_meeting_date(self.store, &mut m);
        let mut warnings = m.warnings.clone();
        // A file that replaces the stored minutes of another meeting (same file name,
        // other body or date) is most likely another document, not a correction. Said to
        // the user only: it is about this ingest, not a fact of the document's graph.
        if self.batch.may_be_stored(&graph) {
            if let Ok(Some(old)) = self.store.replaces_another_meeting(&m) {
                warnings.push(format!(
                    "replaces the stored minutes of another meeting under the same file name (<{}> before, <{}> now)",
                    old.as_str(),
                    crate::rdf::meeting_of(&m, self.store.config()).as_str()
                ));
            }
        }
        let meeting = crate::rdf::meeting_of(&m, self.store.config());
        if let Some(other) = self.same_meeting_elsewhere(path, &graph, &meeting) {
            warnings.push(format!(
                "records the same meeting as {other} (<{}>): what both say of it adds up in the graph, so its items may get two titles or decisions (an agenda beside its minutes, or a copy under another name?)",
                meeting.as_str()
            ));
        }
        let result = |outcome| FileResult {
            path: path.to_path_buf(),
            outcome,
            warnings,
        };
        match self.store.stage(&m, &mut self.batch) {
            Ok(Staged::Done(outcome, n)) => done.push(result(Ok((outcome, n)))),
            Ok(Staged::Pending(n)) => {
                self.waiting.push(result(Ok((IngestOutcome::Added, n))));
                if self.batch.len() >= self.batch_quads {
                    done.extend(self.commit());
                }
            }
            Err(e) => {
                done.push(result(Err(e.to_string())));
                // A failed hand-over fails the whole batch: say so for its files now.
                if self.batch.failed() {
                    done.extend(self.commit());
                }
            }
        }
        done
    }

    /// A second file of one name in this run: the same file again (or an identical copy)
    /// is unchanged; another text would replace the first file's document, and is refused
    /// with this error. The first file of a name is remembered.
    fn same_name_conflict(
        &mut self,
        path: &Path,
        graph: &NamedNode,
        sha: [u8; 32],
    ) -> Option<String> {
        let key = name_key(graph.as_str());
        let stem = crate::rdf::document_stem(&path.display().to_string());
        // (Only a file of the same stem has the same graph: two names whose hashes
        // collide, about one pair in 10^19, are told apart here, and the second is then
        // not checked against later files.)
        let earlier = self
            .named
            .get(&key)
            .filter(|(first, _)| crate::rdf::document_stem(&first.to_string_lossy()) == stem);
        match earlier {
            Some((first, first_sha)) if *first_sha != sha && !same_file(first, path) => {
                Some(format!(
                    "not stored: {} of this run has the same document name ({}, from the \
                     file name), and a document is known by it (graph <{}>), so this one \
                     would replace it; rename one of the two",
                    first.display(),
                    stem,
                    graph.as_str()
                ))
            }
            Some(_) => None,
            None => {
                self.named.entry(key).or_insert_with(|| (path.into(), sha));
                None
            }
        }
    }

    /// Commits what waits; returns the results of its files (all failed if the commit did).
    pub fn commit(&mut self) -> Vec<FileResult> {
        let mut results = std::mem::take(&mut self.waiting);
        if let Err(e) = self.store.commit_batch(&mut self.batch) {
            for r in &mut results {
                r.outcome = Err(format!("not stored: the batch it was in failed: {e}"));
            }
        }
        results
    }
}

/// Whether two paths name one file (as given, or after resolving links and `..`).
fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// Parses one file; a panic in the parser (a bug) becomes this file's error instead of
/// ending the whole ingest, and a worker thread always hands back a result.
pub fn parse_guarded(path: &Path, opts: &ParseOptions) -> Result<Minutes, String> {
    guarded(|| parse::parse_file(path, opts))
}

/// [`parse_guarded`], but a file `check` finds unchanged in the store is read and hashed,
/// not parsed.
pub fn read_guarded(
    path: &Path,
    opts: &ParseOptions,
    check: Option<&UnchangedCheck>,
) -> Result<Read, String> {
    guarded(|| {
        let name = path.display().to_string();
        let bytes = parse::read_file(path, opts)?;
        if let Some(check) = check.filter(|c| c.may_hold(&name)) {
            let sha = parse::source_sha256(&bytes);
            if check.holds(&name, &sha) {
                return Ok(Read::Unchanged(sha));
            }
        }
        let prepared = parse::prepare_bytes(&bytes, opts)?;
        parse::parse_prepared(&prepared, &name).map(|m| Read::Parsed(Box::new(m)))
    })
}

/// Runs the parser; its error, or a panic in it (a bug), becomes this file's one-line
/// error.
fn guarded<T>(parse: impl FnOnce() -> Result<T, parse::ParseError>) -> Result<T, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)) {
        Ok(parsed) => parsed.map_err(|e| e.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let what: String = what
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            Err(format!(
                "internal error in the parser (a bug in referat; please report it with this file): {what}"
            ))
        }
    }
}

/// How many files the parse workers may run ahead of the writer: enough to keep them
/// busy while a batch is committed, few enough that parsed minutes waiting in memory stay
/// bounded (a KL document's model is well under a megabyte).
pub const PARSE_AHEAD: usize = 64;

/// Parses `files` on `workers` threads and hands each result to `consume` in input order,
/// on the calling thread. Parsing needs no store, so it runs while the caller writes the
/// previous files: an ingest then costs about the larger of parsing and writing, not their
/// sum. Workers stay at most [`PARSE_AHEAD`] files ahead of `consume`; with `workers == 0`
/// every file is parsed on the calling thread.
pub fn parse_ahead(
    files: &[PathBuf],
    opts: &ParseOptions,
    check: Option<&UnchangedCheck>,
    workers: usize,
    mut consume: impl FnMut(&Path, Result<Read, String>),
) {
    let taken: Result<(), std::convert::Infallible> = crate::workers::map_in_order(
        files,
        workers,
        PARSE_AHEAD,
        |f| read_guarded(f, opts, check),
        |f, parsed| {
            consume(f, parsed);
            Ok(())
        },
    );
    let Ok(()) = taken;
}

impl Summary {
    /// Count one file's result.
    pub fn add(&mut self, r: &FileResult) {
        match &r.outcome {
            Ok((IngestOutcome::Added, n)) => {
                self.added += 1;
                self.quads_written += n;
            }
            Ok((IngestOutcome::Replaced, n)) => {
                self.replaced += 1;
                self.quads_written += n;
            }
            Ok((IngestOutcome::Unchanged, _)) => self.unchanged += 1,
            Err(_) => self.failed += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Workers finish out of order; the consumer must still see input order and the same
    /// results as parsing one file after the other, failures included.
    #[test]
    fn parse_ahead_keeps_input_order_and_results() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("corpus"))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
        files.sort();
        assert_eq!(files.len(), 2, "{files:?}");
        // Repeat them, with a missing file between, so three workers interleave.
        let missing = root.join("corpus/no-such-minutes.txt");
        let files: Vec<PathBuf> = (0..3)
            .flat_map(|_| [files[1].clone(), missing.clone(), files[0].clone()])
            .collect();
        let opts = ParseOptions::default();
        let describe = |r: &Result<Read, String>| match r {
            Ok(Read::Parsed(m)) => format!("{:?} {} items", m.meeting.date, m.items.len()),
            Ok(Read::Unchanged(sha)) => format!("unchanged {sha}"),
            Err(e) => format!("error: {e}"),
        };
        let mut sequential = Vec::new();
        parse_ahead(&files, &opts, None, 0, |p, r| {
            sequential.push((p.to_path_buf(), describe(&r)))
        });
        let mut parallel = Vec::new();
        parse_ahead(&files, &opts, None, 3, |p, r| {
            parallel.push((p.to_path_buf(), describe(&r)))
        });
        assert_eq!(parallel, sequential);
        let paths: Vec<PathBuf> = parallel.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(paths, files);
        assert_eq!(
            parallel
                .iter()
                .filter(|(_, d)| d.starts_with("error"))
                .count(),
            3
        );
        assert!(
            parallel[0].1.starts_with("Some(\"2025-"),
            "{}",
            parallel[0].1
        );
    }
}
