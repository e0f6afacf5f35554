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
use std::io::{BufRead, BufReader, Read, Seek, Write};

/// Bytes of lines held before a sorted run is spilled (the lines' text; the vector's own
/// overhead comes on top).
pub const RUN_BYTES: usize = 32 << 20;

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

    /// How many distinct lines were pushed: a distinct count in the memory of one run, for
    /// figures like VoID's distinct objects where a set of every value would hold the store.
    pub fn count_unique(self) -> std::io::Result<u64> {
        let mut merged = self.into_ntriples()?;
        let mut n = 0;
        while merged.next_line()?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    /// Every triple once, in the order of its line, parsed back by Oxigraph's N-Triples
    /// parser as the runs are merged.
    pub fn into_triples(self) -> std::io::Result<impl Iterator<Item = anyhow::Result<Triple>>> {
        Ok(RdfParser::from_format(RdfFormat::NTriples)
            .for_reader(self.into_ntriples()?)
            .map(|q| {
                q.map(Triple::from)
                    .map_err(|e| anyhow::anyhow!("cannot read the sorted triples back: {e}"))
            }))
    }

    /// Every line once, in order, as N-Triples text (" .\n" after each), read as it is
    /// merged. A single run is read from memory; when runs were spilled, the last is
    /// spilled too, so the merge holds only a buffer per run (whatever fills up beside it,
    /// such as the catalog's distinct objects, has the memory to itself).
    pub fn into_ntriples(mut self) -> std::io::Result<Merged> {
        if !self.spilled.is_empty() && !self.lines.is_empty() {
            self.spill()?;
        }
        let last = self.sorted();
        let mut sources: Vec<Source> = self
            .spilled
            .drain(..)
            .map(|f| Source::File(BufReader::with_capacity(1 << 16, f)))
            .collect();
        if !last.is_empty() {
            sources.push(Source::Memory(last.into_iter()));
        }
        Ok(Merged {
            sources,
            heap: BinaryHeap::new(),
            started: false,
            last: None,
            pending: Vec::new(),
            pos: 0,
        })
    }
}

/// One sorted run being merged: a spilled file, or the lines still in memory.
enum Source {
    File(BufReader<File>),
    Memory(std::vec::IntoIter<String>),
}

/// The runs merged: a reader of sorted, unique N-Triples lines.
pub struct Merged {
    sources: Vec<Source>,
    heap: BinaryHeap<Reverse<(String, usize)>>,
    started: bool,
    last: Option<String>,
    pending: Vec<u8>,
    pos: usize,
}

impl Merged {
    fn next_of(&mut self, i: usize) -> std::io::Result<()> {
        let line = match &mut self.sources[i] {
            Source::Memory(lines) => lines.next(),
            Source::File(file) => {
                let mut line = String::new();
                if file.read_line(&mut line)? > 0 {
                    if line.ends_with('\n') {
                        line.pop();
                    }
                    Some(line)
                } else {
                    None
                }
            }
        };
        if let Some(line) = line {
            self.heap.push(Reverse((line, i)));
        }
        Ok(())
    }

    /// The next line not equal to the one before (runs may share lines), without its
    /// line break; `None` at the end.
    pub fn next_line(&mut self) -> std::io::Result<Option<String>> {
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
        runs.into_ntriples()
            .expect("merge")
            .read_to_string(&mut out)
            .expect("read");
        (out, spilled)
    }

    #[test]
    fn distinct_lines_are_counted_whatever_the_run_size() {
        let lines = ["b", "a", "ab", "a", "b", "", "abc", "ab"];
        for limit in [1, 2, 3, usize::MAX] {
            let mut runs = Runs::new(limit);
            for l in lines {
                runs.push(l.to_string()).expect("push");
            }
            assert_eq!(runs.count_unique().expect("count"), 5, "limit {limit}");
        }
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
