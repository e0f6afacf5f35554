//! Ingest: files and folders → parsed minutes → one named graph each in the store.
//!
//! One bad document never stops the others and never touches the store: it is parsed
//! completely before its transaction starts. Folders are walked without following a
//! symlink into a directory already visited, so a symlink loop cannot hang the walk.

use crate::parse::{self, ParseOptions};
use crate::store::{Batch, GraphStore, IngestOutcome, Staged};
use std::collections::HashSet;
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
    match parse::parse_file(path, opts) {
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
            outcome: Err(e.to_string()),
            warnings: Vec::new(),
        },
    }
}

/// Quads per bulk-load commit when ingesting many files: large enough that the store's bulk
/// loader, not per-commit overhead, sets the pace; small enough that a killed ingest loses
/// little and memory stays bounded (about 100 documents of the KL template).
pub const DEFAULT_BATCH_QUADS: usize = 200_000;

/// Ingests many files: new documents are bulk-loaded in atomic batches, changed ones are
/// replaced one transaction each. A file's result is handed out only once it is in the
/// store, so whoever prints results never reports a document a crash could still lose.
pub struct Ingester<'a> {
    store: &'a GraphStore,
    opts: &'a ParseOptions,
    batch_quads: usize,
    batch: Batch,
    waiting: Vec<FileResult>,
}

impl<'a> Ingester<'a> {
    /// `batch_quads`: quads per bulk commit; 0 or 1 commits every new document on its own.
    pub fn new(store: &'a GraphStore, opts: &'a ParseOptions, batch_quads: usize) -> Self {
        Ingester {
            store,
            opts,
            batch_quads,
            batch: Batch::default(),
            waiting: Vec::new(),
        }
    }

    /// Parses one file and stages or writes it. Returns the results that are final now:
    /// this file's when it failed or was written alone, and those of a committed batch.
    pub fn add(&mut self, path: &Path) -> Vec<FileResult> {
        let mut done = Vec::new();
        let mut m = match parse::parse_file(path, self.opts) {
            Ok(m) => m,
            Err(e) => {
                done.push(FileResult {
                    path: path.to_path_buf(),
                    outcome: Err(e.to_string()),
                    warnings: Vec::new(),
                });
                return done;
            }
        };
        // Dating from an earlier meeting, or a second file of one name, needs what is
        // waiting to be in the store first.
        let graph = crate::rdf::document_graph(&m, self.store.config());
        if m.meeting.date.is_none() || self.batch.holds(&graph) {
            done.extend(self.commit());
        }
        crate::crossref::infer_meeting_date(self.store, &mut m);
        let warnings = m.warnings.clone();
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
            Err(e) => done.push(result(Err(e.to_string()))),
        }
        done
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
