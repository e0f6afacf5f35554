//! The local side: which graphs to push, and each graph as sorted N-Triples with its content
//! hash, cut into batches.
//!
//! One graph is held in memory at a time (a document graph is a few thousand triples), never
//! the whole store; batches bound the size of one request.

use crate::store::GraphStore;
use oxigraph::model::{GraphNameRef, NamedNode, NamedOrBlankNode, Term, TripleRef};
use sha2::{Digest, Sha256};

/// One graph, serialised: sorted N-Triples lines (each ending in `" .\n"`).
pub struct GraphText {
    pub lines: Vec<String>,
    /// sha256 (hex) of the concatenated sorted lines: equal content, equal hash.
    pub sha256: String,
    /// Blank node labels are scoped to one request: such a graph must go in one request.
    pub has_blank_nodes: bool,
}

/// The graphs `push` sends: every document graph, the gazetteer, and the `links` and
/// `registries` graphs when present; never the local ingest manifest or the remote push
/// manifest.
pub fn graphs_to_push(store: &GraphStore) -> Result<Vec<NamedNode>, crate::store::StoreError> {
    let base = &store.config().base;
    let skip = [
        format!("{base}graph/manifest"),
        format!("{base}graph/push-manifest"),
    ];
    let mut graphs: Vec<NamedNode> = store
        .document_graphs()?
        .into_iter()
        // Also under another base (a store opened with a different --base).
        .filter(|g| {
            !skip.iter().any(|s| s == g.as_str())
                && !g.as_str().ends_with("/graph/manifest")
                && !g.as_str().ends_with("/graph/push-manifest")
        })
        .collect();
    graphs.sort();
    graphs.dedup();
    Ok(graphs)
}

/// Reads one graph from the store as sorted N-Triples.
pub fn serialise(
    store: &GraphStore,
    graph: &NamedNode,
) -> Result<GraphText, oxigraph::store::StorageError> {
    let mut lines = Vec::new();
    let mut has_blank_nodes = false;
    for q in store.store().quads_for_pattern(
        None,
        None,
        None,
        Some(GraphNameRef::NamedNode(graph.as_ref())),
    ) {
        let q = q?;
        if matches!(q.subject, NamedOrBlankNode::BlankNode(_))
            || matches!(q.object, Term::BlankNode(_))
        {
            has_blank_nodes = true;
        }
        let t = TripleRef::new(q.subject.as_ref(), q.predicate.as_ref(), q.object.as_ref());
        lines.push(format!("{t} .\n"));
    }
    lines.sort_unstable();
    lines.dedup();
    let mut h = Sha256::new();
    for l in &lines {
        h.update(l.as_bytes());
    }
    let sha256 = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(GraphText {
        lines,
        sha256,
        has_blank_nodes,
    })
}

/// Cuts the lines into request bodies of at most `max_triples` lines and about `max_bytes`
/// bytes (a single longer line still makes one batch). A graph with blank nodes is one batch.
pub fn batches(
    text: &GraphText,
    max_triples: usize,
    max_bytes: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    if text.lines.is_empty() || text.has_blank_nodes {
        out.push(0..text.lines.len());
        return out;
    }
    let mut start = 0;
    let mut bytes = 0;
    for (i, l) in text.lines.iter().enumerate() {
        if i > start && (i - start >= max_triples.max(1) || bytes + l.len() > max_bytes) {
            out.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += l.len();
    }
    out.push(start..text.lines.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: usize, bnodes: bool) -> GraphText {
        GraphText {
            lines: (0..n)
                .map(|i| format!("<a:{i:03}> <a:p> \"x\" .\n"))
                .collect(),
            sha256: String::new(),
            has_blank_nodes: bnodes,
        }
    }

    #[test]
    fn batches_cover_every_line_once() {
        let t = text(25, false);
        let b = batches(&t, 10, usize::MAX);
        assert_eq!(b, vec![0..10, 10..20, 20..25]);
        let line = t.lines[0].len();
        let b = batches(&t, 1000, line * 4);
        assert_eq!(b.len(), 7);
        assert_eq!(b.iter().map(|r| r.len()).sum::<usize>(), 25);
        assert_eq!(
            batches(&text(25, true), 10, 10),
            vec![std::ops::Range { start: 0, end: 25 }]
        );
        assert_eq!(
            batches(&text(0, false), 10, 10),
            vec![std::ops::Range { start: 0, end: 0 }]
        );
    }
}
