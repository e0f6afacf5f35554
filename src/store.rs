//! Store stage: the embedded Oxigraph (RocksDB) database, one named graph per document.
//!
//! A document's graph is replaced in one transaction (clear + insert + manifest update), so
//! a reader sees either the old or the new version, never a mix, and a crash leaves the
//! previous version. A manifest graph records each document's source hash and the
//! extractor version, so re-ingesting an unchanged file is a no-op.

use crate::model::Minutes;
use crate::rdf::{self, RdfConfig};
use oxigraph::model::{GraphName, GraphNameRef, Literal, NamedNode, Quad, QuadRef, Term};
use oxigraph::store::{StorageError, Store};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Environment variable that overrides the default store location.
pub const STORE_ENV: &str = "REFERAT_STORE";

/// Why the store could not be used.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the store at {0} is busy: another referat process has it open for writing; try again when it has finished")]
    Busy(PathBuf),
    /// A writer found the store open: by another writer or by readers (`query`,
    /// `export`, `push`).
    #[error("the store at {0} is busy: another referat process is reading or writing it; try again when it has finished")]
    InUse(PathBuf),
    /// Reading commands never create a store: a wrong path must not look like an empty one.
    #[error("{0}: no store here (a store is made by `referat ingest`)")]
    Missing(PathBuf),
    #[error("cannot open the store at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: StorageError,
    },
    /// `--store` names a file, or a folder of other files: RocksDB would mix its files in.
    #[error("{0}: not a store: {1}; a new store needs a new or empty folder")]
    NotAStore(PathBuf, &'static str),
    /// A store's identifiers are minted under one base; a second would duplicate them.
    #[error("{path}: this store's identifiers are under {store_base}, not {given} (a store has one base: give --base {store_base}, or none, or use another --store)")]
    OtherBase {
        path: PathBuf,
        store_base: String,
        given: String,
    },
    #[error("store error: {0}")]
    Storage(#[from] StorageError),
    #[error("invalid IRI: {0}")]
    Iri(String),
    #[error("an earlier write of this batch failed: {0}")]
    BatchFailed(String),
}

impl StoreError {
    /// The store at `path` could not be opened, for `source`.
    fn open(path: &Path, source: impl Into<StorageError>) -> Self {
        StoreError::Open {
            path: path.to_path_buf(),
            source: source.into(),
        }
    }
}

/// Whether a file of this name may be in a store folder without making the folder someone
/// else's: RocksDB's own files, `lost+found`, hidden files.
fn store_may_hold(name: &str) -> bool {
    name.starts_with('.')
        || name == "lost+found"
        || matches!(name, "CURRENT" | "IDENTITY" | "LOCK" | "LOG")
        || ["LOG.old.", "MANIFEST-", "OPTIONS-"]
            .iter()
            .any(|p| name.starts_with(p))
        || [".log", ".sst", ".dbtmp", ".blob"].iter().any(|s| {
            name.ends_with(s)
                && name[..name.len() - s.len()]
                    .bytes()
                    .all(|b| b.is_ascii_digit())
        })
}

/// The default location: `$REFERAT_STORE`, else `$XDG_DATA_HOME/referat/store`, else
/// `~/.local/share/referat/store`, else `./referat-store`.
pub fn default_location() -> PathBuf {
    if let Some(p) = std::env::var_os(STORE_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("XDG_DATA_HOME").filter(|p| !p.is_empty()) {
        return PathBuf::from(p).join("referat/store");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|p| !p.is_empty()) {
        return PathBuf::from(h).join(".local/share/referat/store");
    }
    PathBuf::from("referat-store")
}

/// What ingesting one document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// New document graph.
    Added,
    /// The document changed (or the extractor did): its graph was replaced.
    Replaced,
    /// Same source hash and extractor version: nothing written.
    Unchanged,
}

/// Memory the bulk loader may use (Oxigraph's default is 2 GB per thread); keeps
/// `referat ingest` well under 500 MiB whatever the corpus or batch size.
const BULK_LOAD_MEMORY_MB: usize = 128;

/// Threads the bulk loader sorts and writes chunks on.
fn bulk_load_threads() -> usize {
    crate::workers::cores()
}

/// Quads handed to the bulk loader at a time: exactly what it takes per thread within
/// [`BULK_LOAD_MEMORY_MB`], so each hand-over becomes one set of sorted files on disk and
/// a batch of any size holds at most a few chunks in memory.
pub fn bulk_load_chunk() -> usize {
    (BULK_LOAD_MEMORY_MB * 1000 / bulk_load_threads()).max(1)
}

/// New documents waiting to be bulk-loaded together (see [`GraphStore::stage`]). Its
/// quads go to an open bulk loader chunk by chunk, which writes them to files beside the
/// store in the background while the next documents are parsed; they become visible, all
/// at once, when the batch commits. Dropping an uncommitted batch deletes those files.
#[derive(Default)]
pub struct Batch<'s> {
    loader: Option<oxigraph::store::BulkLoader<'s>>,
    chunk: Vec<Quad>,
    len: usize,
    graphs: std::collections::HashSet<NamedNode>,
    /// Why a hand-over failed: the chunks already on disk are gone with the loader, so
    /// the batch can only fail as a whole at its commit.
    failed: Option<String>,
    /// Graphs the store may know, when this batch is reused for many documents (see
    /// [`Batch::remembering`]).
    known: Option<KnownGraphs>,
}

/// A document graph's manifest record (source hash, extraction) and whether the graph
/// exists: what decides whether a file is unchanged.
#[derive(Default)]
struct Record {
    sha: Option<Term>,
    version: Option<Term>,
    exists: bool,
}

impl Record {
    /// The graph is there and recorded with these bytes' hash and this extraction: an
    /// ingest of the file would change nothing.
    fn is_current(&self, sha: &Literal, version: &Literal) -> bool {
        self.exists
            && self.sha == Some(Term::from(sha.clone()))
            && self.version == Some(Term::from(version.clone()))
    }
}

/// Hashes of every graph the store had a record of when the list was read (one scan, after
/// an ingest's first documents), plus every graph the ingest has staged. A document whose graph is not among them
/// is new, and needs none of the three look-ups per document (manifest record, graph)
/// that otherwise slow down as bulk loads pile up sorted files: on 10 000 documents they
/// took 5 s of the writer thread, twice as long per document at the end as at the start
/// (bench/RESULTS.md, Ingest). A hash found (an old graph, or a rare collision) sends the
/// document to those exact look-ups, so the set can only save work, never change an answer.
#[derive(Default)]
struct KnownGraphs {
    loaded: bool,
    /// Documents still to look up one by one before the set is read.
    look_ups_first: usize,
    hashes: rustc_hash::FxHashSet<u64>,
}

/// Documents an ingest looks up one by one before it reads the store's list of graphs: a
/// small ingest into a large store should not read the whole list.
pub const LOOK_UPS_BEFORE_LIST: usize = 100;

impl KnownGraphs {
    /// True when `graph` is surely new to the store (never while documents are still
    /// looked up one by one); remembers it either way.
    fn surely_new(&mut self, gs: &GraphStore, graph: &NamedNode) -> Result<bool, StoreError> {
        let new = if self.look_ups_first > 0 {
            self.look_ups_first -= 1;
            false
        } else {
            self.load(gs)?;
            !self.may_know(graph)
        };
        self.insert(graph);
        Ok(new)
    }

    fn key(graph: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(graph)
    }

    /// Reads the manifest's subjects and the store's named graphs, once.
    fn load(&mut self, gs: &GraphStore) -> Result<(), StoreError> {
        if self.loaded {
            return Ok(());
        }
        let manifest = gs.manifest_graph()?;
        for q in gs.store.quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(manifest.as_ref())),
        ) {
            if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = q?.subject {
                self.insert(&n);
            }
        }
        for g in gs.store.named_graphs() {
            if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = g? {
                self.insert(&n);
            }
        }
        self.loaded = true;
        Ok(())
    }

    /// False only when the store surely has no record of `graph`.
    fn may_know(&self, graph: &NamedNode) -> bool {
        self.hashes.contains(&Self::key(graph.as_str()))
    }

    fn insert(&mut self, graph: &NamedNode) {
        self.hashes.insert(Self::key(graph.as_str()));
    }
}

impl Batch<'_> {
    /// A batch for an ingest of many documents: after its first
    /// [`LOOK_UPS_BEFORE_LIST`] documents it reads which graphs the store already has (one
    /// scan, about 16 bytes kept per graph), so that new documents skip the per-document
    /// look-ups.
    pub fn remembering() -> Self {
        let mut batch = Batch::default();
        batch.look_up_first(LOOK_UPS_BEFORE_LIST);
        batch
    }

    /// Reads the store's graph list after `n` more documents (0: at the next one), keeping
    /// what this batch already remembers; documents before are looked up one by one.
    pub fn look_up_first(&mut self, n: usize) {
        self.known
            .get_or_insert_with(KnownGraphs::default)
            .look_ups_first = n;
    }

    /// False only when the store surely has no document of `graph` (known from the graph
    /// list this batch read); true while documents are still looked up one by one.
    pub fn may_be_stored(&self, graph: &NamedNode) -> bool {
        match &self.known {
            Some(k) if k.loaded => k.may_know(graph),
            _ => true,
        }
    }

    /// True when a document of `graph` is already waiting in this batch.
    pub fn holds(&self, graph: &NamedNode) -> bool {
        self.graphs.contains(graph)
    }

    /// Quads waiting (documents' quads and their manifest entries).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when a hand-over failed: committing will fail, storing none of the batch.
    pub fn failed(&self) -> bool {
        self.failed.is_some()
    }

    /// Gives up what is on disk (dropping the loader deletes its files) and remembers
    /// why, so the commit fails instead of storing part of the batch.
    fn fail(&mut self, e: StoreError) -> StoreError {
        self.loader = None;
        self.chunk.clear();
        self.failed = Some(e.to_string());
        e
    }
}

/// What [`GraphStore::stage`] did with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staged {
    /// Finished: unchanged, or written in its own transaction (with the quads written).
    Done(IngestOutcome, usize),
    /// Waiting in the batch (with its quad count): in the store once the batch commits.
    Pending(usize),
}

/// The on-disk graph store.
pub struct GraphStore {
    store: Store,
    path: PathBuf,
    config: RdfConfig,
    /// How this run extracts documents, when not the default (see
    /// [`GraphStore::set_extraction_note`]).
    extraction_note: Option<String>,
    /// Held by a read-only store until after `store` is closed (fields drop in order).
    _reader: Option<ReaderLock>,
}

const NS: &str = "https://w3id.org/referat/ns#";

/// `foaf:primaryTopic`: what ties a document to the meeting it records.
fn primary_topic() -> Result<NamedNode, StoreError> {
    iri("http://xmlns.com/foaf/0.1/primaryTopic")
}

impl GraphStore {
    /// Open (or create) the store at `path` for reading and writing.
    pub fn open(path: &Path, config: RdfConfig) -> Result<Self, StoreError> {
        if path.is_file() {
            return Err(StoreError::NotAStore(path.to_path_buf(), "it is a file"));
        }
        if path.is_dir() && !path.join("CURRENT").is_file() {
            // What a first open that died part-way leaves (RocksDB's own files), a volume's
            // lost+found and hidden files (.gitkeep) do not make a folder someone else's.
            let foreign = std::fs::read_dir(path)
                .map_err(|e| StoreError::open(path, e))?
                .filter_map(Result::ok)
                .any(|e| !store_may_hold(&e.file_name().to_string_lossy()));
            if foreign {
                return Err(StoreError::NotAStore(
                    path.to_path_buf(),
                    "a folder of other files",
                ));
            }
        }
        let config = config.normalised();
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| StoreError::open(path, e))?;
            }
        }
        let store = open_on_disk(path)?;
        Ok(GraphStore {
            store,
            path: path.to_path_buf(),
            config,
            extraction_note: None,
            _reader: None,
        })
    }

    /// Opens an existing store for reading only (`query`, `export`, `push`). Any number of
    /// readers may have a store open at once (a writer excludes everyone else), a reader writes
    /// nothing (no RocksDB option or log files: a store on read-only media can be
    /// queried), and the open is about a third quicker. RocksDB's read-only mode is only
    /// safe while no process writes, so the reader holds a shared lock on the store's
    /// `LOCK` file, the file whose exclusive lock RocksDB's writer takes: a writer cannot
    /// open the store while a reader has it, nor a reader while a writer has it (then
    /// [`StoreError::Busy`]). Where that lock is not available (not Linux, or a kernel
    /// without open-file-description locks) the store is opened as by [`GraphStore::open`]:
    /// one process at a time. A clone of [`GraphStore::store`] must not outlive this value,
    /// which holds the lock.
    pub fn open_read_only(path: &Path, config: RdfConfig) -> Result<Self, StoreError> {
        if !path.join("CURRENT").is_file() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let config = config.normalised();
        let (store, reader) = match reader_lock(path)? {
            ReaderAccess::Locked(lock) => (open_read_only_on_disk(path)?, Some(lock)),
            ReaderAccess::NoWriterPossible => (open_read_only_on_disk(path)?, None),
            ReaderAccess::Unsupported => (open_on_disk(path)?, None),
        };
        Ok(GraphStore {
            store,
            path: path.to_path_buf(),
            config,
            extraction_note: None,
            _reader: reader,
        })
    }

    /// The same store opened afresh, for a reader that has read much of it and will read
    /// much more: RocksDB keeps its read caches (a block cache per column and the index of
    /// every table file it opened) for as long as a store is open, so a process that reads
    /// the store several times over holds the caches of every pass. A dump of 10 000
    /// documents peaked at 617 MiB that way, where no single pass needs 500
    /// (bench/RESULTS.md). Only a read-only store that holds its reader lock is reopened:
    /// the lock is kept throughout, so no writer can change the store in between; any
    /// other store is returned as it is.
    pub fn reopened(mut self) -> Result<Self, StoreError> {
        if self._reader.is_none() || self.path.as_os_str().is_empty() {
            return Ok(self);
        }
        // The old instance is closed before the new one opens, and the memory of its caches
        // handed back to the system: the two never add up.
        drop(std::mem::replace(&mut self.store, Store::new()?));
        crate::alloc::return_freed_memory();
        self.store = open_read_only_on_disk(&self.path)?;
        Ok(self)
    }

    /// An in-memory store (tests and one-shot conversions).
    pub fn in_memory(config: RdfConfig) -> Result<Self, StoreError> {
        Ok(GraphStore {
            store: Store::new()?,
            path: PathBuf::new(),
            config,
            extraction_note: None,
            _reader: None,
        })
    }

    /// The underlying Oxigraph store, for queries and export.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Where the store lives on disk.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records how documents are being extracted (e.g. with OCR repair off) beside the
    /// version: the manifest then counts a document stored another way as changed, so the
    /// option takes effect instead of the document being skipped as unchanged.
    pub fn set_extraction_note(&mut self, note: &str) {
        self.extraction_note = Some(note.to_string());
    }

    /// What the manifest records as the extraction of a document: the version, and the
    /// note of [`GraphStore::set_extraction_note`] if any.
    fn extraction_key(&self) -> String {
        match &self.extraction_note {
            Some(note) => format!("{} ({note})", self.config.extractor_version),
            None => self.config.extractor_version.clone(),
        }
    }

    /// The RDF configuration (base IRI) documents were mapped with.
    pub fn config(&self) -> &RdfConfig {
        &self.config
    }

    /// When `minutes` would replace a stored document of another text that records another
    /// meeting (same file name, other body or date): that meeting. Such a file is most
    /// likely another document rather than a correction, which an ingest warns about.
    pub fn replaces_another_meeting(
        &self,
        minutes: &Minutes,
    ) -> Result<Option<NamedNode>, StoreError> {
        let graph = rdf::document_graph(minutes, &self.config);
        let p_sha = iri(&format!("{NS}sourceSha256"))?;
        let stored_sha = self.object_of(&graph, &p_sha, &self.manifest_graph()?)?;
        if stored_sha.is_none()
            || stored_sha
                == Some(Term::from(Literal::new_simple_literal(
                    &minutes.source.sha256,
                )))
        {
            return Ok(None);
        }
        let topic = primary_topic()?;
        let stored = self
            .store
            .quads_for_pattern(
                None,
                Some(topic.as_ref()),
                None,
                Some(GraphNameRef::NamedNode(graph.as_ref())),
            )
            .next()
            .transpose()?
            .map(|q| q.object);
        // A stored meeting without a known body or date (an unreadable scan) is not
        // "another meeting": the file that gives them is the correction this allows.
        Ok(match stored {
            Some(Term::NamedNode(old))
                if old != rdf::meeting_of(minutes, &self.config)
                    && !old.as_str().contains("/meeting/unknown-body/")
                    && !old.as_str().contains("/undated-") =>
            {
                Some(old)
            }
            _ => None,
        })
    }

    /// The [`meeting_key`] of every meeting a stored document records (its
    /// `foaf:primaryTopic`), read in one pass over those statements (one per document):
    /// an ingest looks a meeting up in the store only when its key is among them.
    pub fn stored_meeting_keys(&self) -> Result<rustc_hash::FxHashSet<u64>, StoreError> {
        let topic = primary_topic()?;
        let mut keys = rustc_hash::FxHashSet::default();
        for q in self
            .store
            .quads_for_pattern(None, Some(topic.as_ref()), None, None)
        {
            if let Term::NamedNode(m) = q?.object {
                keys.insert(meeting_key(m.as_str()));
            }
        }
        Ok(keys)
    }

    /// A document graph other than `graph` whose document records `meeting` (its
    /// `foaf:primaryTopic`): another file of the same meeting (see the ingest's warning).
    pub fn other_document_of_meeting(
        &self,
        meeting: &NamedNode,
        graph: &NamedNode,
    ) -> Result<Option<NamedNode>, StoreError> {
        let topic = primary_topic()?;
        for q in self.store.quads_for_pattern(
            None,
            Some(topic.as_ref()),
            Some(meeting.as_ref().into()),
            None,
        ) {
            if let GraphName::NamedNode(g) = q?.graph_name {
                if g != *graph {
                    return Ok(Some(g));
                }
            }
        }
        Ok(None)
    }

    /// The base this store's identifiers were minted under, when it differs from the
    /// configured one: the configured base's manifest and gazetteer graphs are looked for,
    /// then the graph of the first manifest record (`ref:sourceSha256`, which every document
    /// and the gazetteer have) names the store's. `None` for a store under the configured
    /// base and for an empty one.
    pub fn other_base(&self) -> Result<Option<String>, StoreError> {
        let base = &self.config.base;
        for name in ["graph/manifest", "graph/gazetteer"] {
            if self
                .store
                .contains_named_graph(iri(&format!("{base}{name}"))?.as_ref())?
            {
                return Ok(None);
            }
        }
        // Any manifest record (every document and the gazetteer have one) is in the
        // manifest graph: one seek in the predicate index, whatever the store's size.
        let p_sha = iri(&format!("{NS}sourceSha256"))?;
        let Some(q) = self
            .store
            .quads_for_pattern(None, Some(p_sha.as_ref()), None, None)
            .next()
            .transpose()?
        else {
            return Ok(None);
        };
        Ok(match q.graph_name {
            GraphName::NamedNode(g) => g
                .as_str()
                .strip_suffix("graph/manifest")
                .map(str::to_string),
            _ => None,
        })
    }

    /// Take the store's own base when it has another (see [`GraphStore::other_base`]), or
    /// refuse with [`StoreError::OtherBase`] when the caller chose the base explicitly: a
    /// second base would mint every meeting, item and organisation again beside the first.
    pub fn use_stored_base(&mut self, explicit: bool) -> Result<(), StoreError> {
        if let Some(b) = self.other_base()? {
            if explicit {
                return Err(StoreError::OtherBase {
                    path: self.path.clone(),
                    store_base: b,
                    given: self.config.base.clone(),
                });
            }
            self.config.base = b;
        }
        Ok(())
    }

    fn manifest_graph(&self) -> Result<NamedNode, StoreError> {
        iri(&format!("{}graph/manifest", self.config.base))
    }

    /// True when the store holds the document of the file at `path` exactly as an ingest
    /// now would store it: its graph, a manifest record of the same bytes (`sha256`, see
    /// [`crate::parse::source_sha256`]) and of the same extraction. The test [`stage`]
    /// makes after parsing, made before: a re-run over a large archive then parses only
    /// what is new or changed (three look-ups per file instead of a parse).
    ///
    /// [`stage`]: Self::stage
    pub fn holds_unchanged(&self, path: &str, sha256: &str) -> Result<bool, StoreError> {
        let graph = rdf::document_graph_of_path(path, &self.config);
        Ok(self.record_of(&graph)?.is_current(
            &Literal::new_simple_literal(sha256),
            &Literal::new_simple_literal(self.extraction_key()),
        ))
    }

    /// What the manifest records of a document graph, and whether the graph is there.
    fn record_of(&self, graph: &NamedNode) -> Result<Record, StoreError> {
        let manifest = self.manifest_graph()?;
        Ok(Record {
            sha: self.object_of(graph, &iri(&format!("{NS}sourceSha256"))?, &manifest)?,
            version: self.object_of(graph, &iri(&format!("{NS}extractorVersion"))?, &manifest)?,
            exists: self.store.contains_named_graph(graph.as_ref())?,
        })
    }

    /// Add or replace one document's graph atomically.
    /// Returns what happened and how many quads were written (0 when unchanged).
    pub fn ingest(&self, minutes: &Minutes) -> Result<(IngestOutcome, usize), StoreError> {
        let mut batch = Batch::default();
        match self.stage(minutes, &mut batch)? {
            Staged::Done(outcome, n) => Ok((outcome, n)),
            Staged::Pending(n) => {
                self.commit_batch(&mut batch)?;
                Ok((IngestOutcome::Added, n))
            }
        }
    }

    /// Prepares one document for the store. Unchanged: nothing to do. A graph the store
    /// already has (or once had): replaced now, in its own transaction. A new graph: its
    /// quads and manifest entries are added to `batch`, to be written by
    /// [`commit_batch`](Self::commit_batch) with many others through Oxigraph's bulk
    /// loader, which is much faster than a transaction per document and, like one, all or
    /// nothing. When `batch` already holds this document's graph (two files of one name),
    /// the batch is committed first; callers that report per batch check
    /// [`Batch::holds`] and commit themselves before.
    pub fn stage<'s>(
        &'s self,
        minutes: &Minutes,
        batch: &mut Batch<'s>,
    ) -> Result<Staged, StoreError> {
        let graph = rdf::document_graph(minutes, &self.config);
        if batch.holds(&graph) {
            self.commit_batch(batch)?;
        }
        let manifest = self.manifest_graph()?;
        let p_sha = iri(&format!("{NS}sourceSha256"))?;
        let p_ver = iri(&format!("{NS}extractorVersion"))?;
        let sha = Literal::new_simple_literal(&minutes.source.sha256);
        let ver = Literal::new_simple_literal(self.extraction_key());
        let surely_new = match batch.known.as_mut() {
            Some(known) => known.surely_new(self, &graph)?,
            None => false,
        };
        let record = if surely_new {
            Record::default()
        } else {
            self.record_of(&graph)?
        };
        if record.is_current(&sha, &ver) {
            return Ok(Staged::Done(IngestOutcome::Unchanged, 0));
        }
        let quads = rdf::to_quads(minutes, &self.config);
        let p_shared = iri(&format!("{NS}sharedStatements"))?;
        let mut digests: Vec<String> = quads.shared.iter().map(statement_digest).collect();
        digests.sort();
        let shared = Literal::new_simple_literal(digests.join(" "));
        let entries = [(p_sha, sha), (p_ver, ver), (p_shared, shared)];
        if record.exists || record.sha.is_some() || record.version.is_some() {
            self.replace_graph(&graph, quads.all(), &entries)?;
            let outcome = if record.exists {
                IngestOutcome::Replaced
            } else {
                IngestOutcome::Added
            };
            return Ok(Staged::Done(outcome, quads.len()));
        }
        let n = quads.len();
        let mg = GraphName::NamedNode(manifest);
        let mut staged = quads.own;
        staged.extend(quads.shared);
        for (p, value) in entries {
            staged.push(Quad::new(graph.clone(), p, value, mg.clone()));
        }
        batch.len += staged.len();
        batch.graphs.insert(graph);
        let chunk = bulk_load_chunk();
        for q in staged {
            batch.chunk.push(q);
            if batch.chunk.len() >= chunk {
                if let Err(e) = self.hand_over(batch) {
                    return Err(batch.fail(e));
                }
            }
        }
        Ok(Staged::Pending(n))
    }

    /// Gives the batch's current chunk to its bulk loader (opened on first use), which
    /// sorts and writes it on a thread of its own; waits only when every thread is busy.
    fn hand_over<'s>(&'s self, batch: &mut Batch<'s>) -> Result<(), StoreError> {
        if batch.chunk.is_empty() {
            return Ok(());
        }
        let loader = batch.loader.get_or_insert_with(|| {
            self.store
                .bulk_loader()
                .with_num_threads(bulk_load_threads())
                .with_max_memory_size_in_megabytes(BULK_LOAD_MEMORY_MB)
        });
        let chunk = std::mem::take(&mut batch.chunk);
        loader.load_quads(chunk)?;
        Ok(())
    }

    /// Writes every document staged in `batch` in one atomic bulk load and empties it. On
    /// error nothing of the batch is in the store.
    pub fn commit_batch<'s>(&'s self, batch: &mut Batch<'s>) -> Result<(), StoreError> {
        let handed = match batch.failed.take() {
            Some(why) => Err(StoreError::BatchFailed(why)),
            None => self.hand_over(batch),
        };
        let loader = batch.loader.take();
        batch.chunk.clear();
        batch.len = 0;
        batch.graphs.clear();
        handed?;
        if let Some(loader) = loader {
            loader.commit()?;
        }
        Ok(())
    }

    /// Load (or refresh) the gazetteer graph when the shipped gazetteer changed, so alias
    /// look-ups work for organisations a document names by one name only.
    pub fn ensure_gazetteer(&self) -> Result<bool, StoreError> {
        let data = rdf::GAZETTEER_TSV;
        let entries = rdf::parse_gazetteer(data).map_err(StoreError::Iri)?;
        let graph = rdf::gazetteer_graph(&self.config);
        let manifest = self.manifest_graph()?;
        let p_sha = iri(&format!("{NS}sourceSha256"))?;
        let digest: String = {
            use sha2::Digest;
            sha2::Sha256::digest(format!("{}\n{}", data, self.config.extractor_version).as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        let sha = Literal::new_simple_literal(&digest);
        if self.object_of(&graph, &p_sha, &manifest)? == Some(Term::from(sha.clone())) {
            return Ok(false);
        }
        let quads = rdf::gazetteer_quads(&entries, &self.config);
        self.replace_graph(&graph, &quads, &[(p_sha, sha)])?;
        Ok(true)
    }

    /// In one transaction: replace `graph`'s content with `quads` and set its manifest
    /// entries (one value per predicate), so readers never see a graph without its record.
    /// Quads in another graph (the shared entities graph) are added to it in the same
    /// transaction.
    fn replace_graph<'q>(
        &self,
        graph: &NamedNode,
        quads: impl IntoIterator<Item = &'q Quad>,
        manifest_entries: &[(NamedNode, Literal)],
    ) -> Result<(), StoreError> {
        let manifest = self.manifest_graph()?;
        let mg = GraphNameRef::NamedNode(manifest.as_ref());
        let mut tx = self.store.start_transaction()?;
        tx.clear_graph(graph.as_ref())?;
        for q in quads {
            tx.insert(q);
        }
        for (p, value) in manifest_entries {
            let old: Vec<Quad> = tx
                .quads_for_pattern(
                    Some(graph.as_ref().into()),
                    Some(p.as_ref()),
                    None,
                    Some(mg),
                )
                .collect::<Result<_, _>>()?;
            for q in &old {
                tx.remove(q);
            }
            tx.insert(QuadRef::new(graph.as_ref(), p.as_ref(), value.as_ref(), mg));
        }
        tx.commit()?;
        Ok(())
    }

    fn object_of(
        &self,
        s: &NamedNode,
        p: &NamedNode,
        g: &NamedNode,
    ) -> Result<Option<Term>, StoreError> {
        Ok(self
            .store
            .quads_for_pattern(
                Some(s.as_ref().into()),
                Some(p.as_ref()),
                None,
                Some(GraphNameRef::NamedNode(g.as_ref())),
            )
            .next()
            .transpose()?
            .map(|q| q.object))
    }

    /// Removes from the shared entities graph what no document states any more: after a
    /// document was replaced, the organisations, people, cases or spellings only it named
    /// would otherwise stay behind. Exact, because every document's manifest entry lists
    /// digests of the shared statements it made: a shared statement stays while one
    /// document lists it. Does nothing when a document graph has no such list (written by
    /// an older referat), since its statements are then unknown. Returns the number of
    /// quads removed.
    pub fn collect_garbage(&self) -> Result<usize, StoreError> {
        let entities = rdf::entities_graph(&self.config);
        let manifest = self.manifest_graph()?;
        let mg = GraphNameRef::NamedNode(manifest.as_ref());
        let p_ver = iri(&format!("{NS}extractorVersion"))?;
        let p_shared = iri(&format!("{NS}sharedStatements"))?;
        let mut documents = 0usize;
        for q in self
            .store
            .quads_for_pattern(None, Some(p_ver.as_ref()), None, Some(mg))
        {
            q?;
            documents += 1;
        }
        let mut listed = 0usize;
        let mut live: std::collections::HashSet<String> = std::collections::HashSet::new();
        for q in self
            .store
            .quads_for_pattern(None, Some(p_shared.as_ref()), None, Some(mg))
        {
            if let Term::Literal(l) = q?.object {
                listed += 1;
                live.extend(l.value().split_whitespace().map(str::to_string));
            }
        }
        if listed < documents {
            return Ok(0);
        }
        let eg = GraphNameRef::NamedNode(entities.as_ref());
        let mut dead = Vec::new();
        for q in self.store.quads_for_pattern(None, None, None, Some(eg)) {
            let q = q?;
            if !live.contains(&statement_digest(&q)) {
                dead.push(q);
            }
        }
        if dead.is_empty() {
            return Ok(0);
        }
        let mut tx = self.store.start_transaction()?;
        for q in &dead {
            tx.remove(q);
        }
        tx.commit()?;
        Ok(dead.len())
    }

    /// Document graphs in the store (every named graph but the manifest), sorted.
    pub fn document_graphs(&self) -> Result<Vec<NamedNode>, StoreError> {
        let manifest = self.manifest_graph()?;
        let mut out: Vec<NamedNode> = Vec::new();
        for g in self.store.named_graphs() {
            if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = g? {
                if n != manifest {
                    out.push(n);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Number of documents in the store (their manifest records). What an ingest reports
    /// at its end: it reads one record per document, where counting the store's quads
    /// ([`GraphStore::len`]) reads every quad, seconds on a large store for every ingest.
    pub fn document_count(&self) -> Result<usize, StoreError> {
        let manifest = self.manifest_graph()?;
        let p_sha = iri(&format!("{NS}sourceSha256"))?;
        // (The gazetteer's graph has a record too: it is reloaded when its data changes.)
        let gazetteer = oxigraph::model::NamedOrBlankNode::from(rdf::gazetteer_graph(&self.config));
        let mut n = 0;
        for q in self.store.quads_for_pattern(
            None,
            Some(p_sha.as_ref()),
            None,
            Some(GraphNameRef::NamedNode(manifest.as_ref())),
        ) {
            if q?.subject != gazetteer {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Number of quads in the store (reads them all).
    pub fn len(&self) -> Result<usize, StoreError> {
        Ok(self.store.len()?)
    }

    /// True when the store holds no quads.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.store.is_empty()?)
    }

    /// Compacts the store. Bulk loading leaves many overlapping sorted files that every
    /// look-up has to consult; after a large ingest, merging them makes the store about 40 %
    /// smaller and queries 10–20 % faster (bench/RESULTS.md), at the cost of rewriting it once.
    pub fn optimize(&self) -> Result<(), StoreError> {
        #[cfg(feature = "rocksdb")]
        self.store.optimize()?;
        Ok(())
    }

    /// Bytes the store's files take on disk (0 for an in-memory store); reported around
    /// [`GraphStore::optimize`] so the user sees what it bought.
    pub fn disk_size(&self) -> u64 {
        std::fs::read_dir(&self.path)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Make sure everything is on disk.
    pub fn flush(&self) -> Result<(), StoreError> {
        #[cfg(feature = "rocksdb")]
        self.store.flush()?;
        Ok(())
    }
}

/// A short, stable digest of a quad's triple (its N-Triples form): what a document's
/// manifest entry lists for each shared statement it made.
fn statement_digest(q: &Quad) -> String {
    use sha2::Digest;
    let text = format!("{} {} {}", q.subject, q.predicate, q.object);
    sha2::Sha256::digest(text.as_bytes())[..10]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn iri(s: &str) -> Result<NamedNode, StoreError> {
    NamedNode::new(s).map_err(|e| StoreError::Iri(format!("{s}: {e}")))
}

#[cfg(feature = "rocksdb")]
fn open_on_disk(path: &Path) -> Result<Store, StoreError> {
    match writer_max_open_files() {
        Some(n) => Store::open_with_options(
            path,
            oxigraph::store::StoreOptions::default().with_max_open_files(n),
        ),
        None => Store::open(path),
    }
    .map_err(|e| classify_open_error(path, e))
}

/// A meeting's key in [`GraphStore::stored_meeting_keys`]: a 64-bit hash of its IRI.
pub fn meeting_key(meeting: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(meeting)
}

/// Table files a writer keeps open at most. RocksDB holds each open file's index in
/// memory outside any cache, and Oxigraph otherwise keeps as many files open as the
/// process may (thousands), so an ingest's memory grew with the store: at 30 000
/// generated documents (21 GB on disk) the peak was 445 MiB against 304 MiB at 10 000.
/// With 256 it was 341 MiB, in no more time (bench/RESULTS.md, "Memory and the size of the
/// store"). Readers keep Oxigraph's default: a query's speed, not its memory, is what
/// counts there.
pub const WRITER_MAX_OPEN_FILES: u32 = 256;

/// File descriptors Oxigraph keeps for anything but table files.
const FD_RESERVE: u64 = 48;

/// [`WRITER_MAX_OPEN_FILES`] where the process may open that many files and more
/// (`None`: under a lower limit, Oxigraph derives the number from the limit itself, as
/// before, and says when it is too low). Public so tests know which applies.
pub fn writer_max_open_files() -> Option<u32> {
    let wanted = u64::from(WRITER_MAX_OPEN_FILES);
    match fd_limit() {
        Some(limit) if limit < wanted + FD_RESERVE => None,
        _ => Some(WRITER_MAX_OPEN_FILES),
    }
}

/// The process's soft limit of open files (`None`: unlimited or unknown).
#[cfg(unix)]
#[allow(clippy::useless_conversion)] // `rlim_t` is `u64` on Linux, `i64` on FreeBSD.
fn fd_limit() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0;
    (ok && lim.rlim_cur != libc::RLIM_INFINITY)
        .then(|| u64::try_from(lim.rlim_cur).ok())
        .flatten()
}

#[cfg(not(unix))]
fn fd_limit() -> Option<u64> {
    None
}

/// Builds without RocksDB (the fuzz targets) have no on-disk store.
#[cfg(not(feature = "rocksdb"))]
fn open_on_disk(path: &Path) -> Result<Store, StoreError> {
    Err(StoreError::open(
        path,
        StorageError::Other("referat was built without the `rocksdb` feature".into()),
    ))
}

#[cfg(feature = "rocksdb")]
fn open_read_only_on_disk(path: &Path) -> Result<Store, StoreError> {
    Store::open_read_only(path).map_err(|e| StoreError::open(path, e))
}

#[cfg(not(feature = "rocksdb"))]
fn open_read_only_on_disk(path: &Path) -> Result<Store, StoreError> {
    open_on_disk(path)
}

/// A shared lock on a store's `LOCK` file, released when dropped (the file is closed).
#[cfg_attr(not(all(feature = "rocksdb", target_os = "linux")), allow(dead_code))]
struct ReaderLock {
    _file: std::fs::File,
}

/// What [`reader_lock`] found.
#[cfg_attr(not(all(feature = "rocksdb", target_os = "linux")), allow(dead_code))]
enum ReaderAccess {
    /// The shared lock is held: no writer has the store, and none can open it meanwhile.
    Locked(ReaderLock),
    /// The store has no `LOCK` file and none can be made on its read-only file system: no
    /// RocksDB writer can have it open, or open it.
    NoWriterPossible,
    /// No lock of the kind needed here: open the store as a writer does.
    Unsupported,
}

/// Takes a shared open-file-description lock (`F_OFD_SETLK`, Linux 3.15+) on the store's
/// `LOCK` file. RocksDB's writer holds an exclusive `fcntl` lock on that file for as long
/// as it has the store open, and the two kinds conflict even within one process; unlike a
/// process's `fcntl` lock, this one is not dropped when some other descriptor of the file
/// is closed, so a RocksDB open and close in the same process cannot release it.
#[cfg(all(feature = "rocksdb", target_os = "linux"))]
fn reader_lock(path: &Path) -> Result<ReaderAccess, StoreError> {
    use std::os::fd::AsRawFd;
    let lock_path = path.join("LOCK");
    let file = match std::fs::File::open(&lock_path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // RocksDB makes the file at its first open; make it, as a writer would.
            match std::fs::OpenOptions::new()
                .read(true)
                .append(true)
                .create(true)
                .open(&lock_path)
            {
                Ok(f) => f,
                Err(e) if e.raw_os_error() == Some(libc::EROFS) => {
                    return Ok(ReaderAccess::NoWriterPossible)
                }
                Err(e) => return Err(StoreError::open(path, e)),
            }
        }
        Err(e) => return Err(StoreError::open(path, e)),
    };
    // SAFETY: `flock` is a plain C struct of integers, for which all zeroes is a valid
    // value (offset 0 and length 0 = the whole file; `l_pid` must be 0 for this command).
    let mut request: libc::flock = unsafe { std::mem::zeroed() };
    request.l_type = libc::F_RDLCK as libc::c_short;
    request.l_whence = libc::SEEK_SET as libc::c_short;
    // SAFETY: the descriptor is open for as long as `file` lives, and `request` is a
    // valid `flock` that the call only reads.
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_OFD_SETLK, &request) };
    if rc == 0 {
        return Ok(ReaderAccess::Locked(ReaderLock { _file: file }));
    }
    let err = std::io::Error::last_os_error();
    // The descriptor stays open (one per refused open, for the life of the process):
    // closing any descriptor of a file drops every process-associated lock the process
    // holds on it, so if this process is the writer, closing it would free the store.
    let _ = std::os::fd::IntoRawFd::into_raw_fd(file);
    match err.raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EACCES) => Err(StoreError::Busy(path.to_path_buf())),
        Some(libc::EINVAL) => Ok(ReaderAccess::Unsupported),
        _ => Err(StoreError::open(path, err)),
    }
}

#[cfg(not(all(feature = "rocksdb", target_os = "linux")))]
fn reader_lock(_path: &Path) -> Result<ReaderAccess, StoreError> {
    Ok(ReaderAccess::Unsupported)
}

/// RocksDB refuses a second writer with a lock error: tell the user the store is busy.
#[cfg(feature = "rocksdb")]
fn classify_open_error(path: &Path, e: StorageError) -> StoreError {
    // RocksDB: "While lock file: …/LOCK: Resource temporarily unavailable" (another
    // process) or "lock hold by current process" (this one). Not "lock" anywhere: the
    // store's path may hold the word.
    let msg = e.to_string().to_lowercase();
    if msg.contains("while lock file")
        || msg.contains("lock hold by current process")
        || msg.contains("resource temporarily unavailable")
    {
        StoreError::InUse(path.to_path_buf())
    } else {
        StoreError::open(path, e)
    }
}
