//! The union of many graphs' triples, deduplicated and in the order of their N-Triples
//! form, in bounded memory.
//!
//! Why: triple formats (Turtle, N-Triples, RDF/XML) merge every document graph into one,
//! sorted so that two exports of a store diff clean. Sorting the whole store in memory held
//! the corpus (about 400 bytes a quad: gigabytes at ten thousand documents). Here the lines
//! are sorted in runs of bounded size, runs beyond the first are spilled to anonymous
//! temporary files, and the runs are merged as they are read, so memory follows the run
//! size, not the store.

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Triple;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Seek, Write};

/// Bytes of lines held before a sorted run is spilled (the lines' text; the vector's own
/// overhead comes on top).
pub const RUN_BYTES: usize = 64 << 20;

/// N-Triples lines (without the final " ."), sorted and deduplicated in runs.
pub struct Runs {
    lines: Vec<String>,
    bytes: usize,
    limit: usize,
    spilled: Vec<File>,
}

impl Runs {
    /// Runs of about `limit` bytes of text each (at least one line).
    pub fn new(limit: usize) -> Self {
        Runs {
            lines: Vec::new(),
            bytes: 0,
            limit: limit.max(1),
            spilled: Vec::new(),
        }
    }

    /// Adds one triple's N-Triples form (no line break inside: N-Triples escapes them).
    pub fn push(&mut self, line: String) -> std::io::Result<()> {
        self.bytes += line.len();
        self.lines.push(line);
        if self.bytes >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// How many runs went to temporary files so far.
    pub fn spilled(&self) -> usize {
        self.spilled.len()
    }

    fn sorted(&mut self) -> Vec<String> {
        let mut lines = std::mem::take(&mut self.lines);
        self.bytes = 0;
        lines.sort_unstable();
        lines.dedup();
        lines
    }

    fn spill(&mut self) -> std::io::Result<()> {
        let lines = self.sorted();
        let mut file = std::io::BufWriter::new(tempfile::tempfile()?);
        for l in &lines {
            file.write_all(l.as_bytes())?;
            file.write_all(b"\n")?;
        }
        let mut file = file
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        file.rewind()?;
        self.spilled.push(file);
        Ok(())
    }

    /// Every triple once, in the order of its line, parsed back by Oxigraph's N-Triples
    /// parser as the runs are merged.
    pub fn into_triples(self) -> impl Iterator<Item = anyhow::Result<Triple>> {
        RdfParser::from_format(RdfFormat::NTriples)
            .for_reader(self.into_ntriples())
            .map(|q| {
                q.map(Triple::from)
                    .map_err(|e| anyhow::anyhow!("cannot read the sorted triples back: {e}"))
            })
    }

    /// Every line once, in order, as N-Triples text (" .\n" after each), read as it is
    /// merged. The last run stays in memory.
    pub fn into_ntriples(mut self) -> Merged {
        let last = self.sorted();
        let mut sources: Vec<Box<dyn BufRead>> = self
            .spilled
            .drain(..)
            .map(|f| Box::new(BufReader::with_capacity(1 << 16, f)) as Box<dyn BufRead>)
            .collect();
        let mut joined = Vec::with_capacity(last.iter().map(|l| l.len() + 1).sum());
        for l in last {
            joined.extend_from_slice(l.as_bytes());
            joined.push(b'\n');
        }
        sources.push(Box::new(Cursor::new(joined)));
        Merged {
            sources,
            heap: BinaryHeap::new(),
            started: false,
            last: None,
            pending: Vec::new(),
            pos: 0,
        }
    }
}

/// The runs merged: a reader of sorted, unique N-Triples lines.
pub struct Merged {
    sources: Vec<Box<dyn BufRead>>,
    heap: BinaryHeap<Reverse<(String, usize)>>,
    started: bool,
    last: Option<String>,
    pending: Vec<u8>,
    pos: usize,
}

impl Merged {
    fn next_of(&mut self, i: usize) -> std::io::Result<()> {
        let mut line = String::new();
        if self.sources[i].read_line(&mut line)? > 0 {
            if line.ends_with('\n') {
                line.pop();
            }
            self.heap.push(Reverse((line, i)));
        }
        Ok(())
    }

    /// The next line not equal to the one before (runs may share lines).
    fn next_line(&mut self) -> std::io::Result<Option<String>> {
        if !self.started {
            self.started = true;
            for i in 0..self.sources.len() {
                self.next_of(i)?;
            }
        }
        while let Some(Reverse((line, i))) = self.heap.pop() {
            self.next_of(i)?;
            if self.last.as_deref() != Some(line.as_str()) {
                self.last = Some(line.clone());
                return Ok(Some(line));
            }
        }
        Ok(None)
    }
}

impl Read for Merged {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.pending.len() {
            let Some(line) = self.next_line()? else {
                return Ok(0);
            };
            self.pending.clear();
            self.pending.extend_from_slice(line.as_bytes());
            self.pending.extend_from_slice(b" .\n");
            self.pos = 0;
        }
        let n = buf.len().min(self.pending.len() - self.pos);
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(lines: &[&str], limit: usize) -> (String, usize) {
        let mut runs = Runs::new(limit);
        for l in lines {
            runs.push((*l).to_string()).expect("push");
        }
        let spilled = runs.spilled();
        let mut out = String::new();
        runs.into_ntriples().read_to_string(&mut out).expect("read");
        (out, spilled)
    }

    #[test]
    fn runs_merge_to_the_sorted_unique_lines_whatever_the_run_size() {
        // Duplicates within a run, across runs, and lines that are prefixes of others.
        let lines = [
            "b", "a", "ab", "c", "a", "b", "abc", "a b", "ab", "z", "c", "", "a",
        ];
        let mut want: Vec<&str> = lines.to_vec();
        want.sort_unstable();
        want.dedup();
        let want: String = want.iter().map(|l| format!("{l} .\n")).collect();
        let (whole, spilled) = merged(&lines, usize::MAX);
        assert_eq!((whole.as_str(), spilled), (want.as_str(), 0));
        for limit in [1, 2, 3, 5, 8] {
            let (out, spilled) = merged(&lines, limit);
            assert!(spilled > 0, "limit {limit}");
            assert_eq!(out, want, "limit {limit}");
        }
    }
}
