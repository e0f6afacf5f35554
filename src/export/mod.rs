//! Export stage: the store as open-data files (RDF formats, JSON-LD, CSV tables, DCAT).
//!
//! Everything is written from the document graphs (every named graph but the internal
//! manifest) in sorted order, so two exports of the same store are byte-identical and diff
//! clean, and streamed: nothing holds the whole store in memory (sorting beyond a bounded
//! size goes through temporary files, [`union`]). Triple formats (Turtle, N-Triples, RDF/XML) get the union of the graphs; quad
//! formats (N-Quads, TriG, flat JSON-LD) keep them. `jsonld` is the framed form for web
//! developers (meetings as documents, see [`jsonld`]); `jsonld-flat` is Oxigraph's own
//! JSON-LD of every quad. Tables come from SPARQL ([`tables`]), the DCAT-AP catalog with
//! VoID statistics from the same snapshot ([`catalog`]).

pub mod catalog;
pub mod jsonld;
pub mod tables;
pub mod union;

use crate::store::GraphStore;
use anyhow::{anyhow, bail, Context, Result};
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, Quad, Triple, TripleRef};
use sha2::Digest;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `referat export` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct ExportArgs {
    /// turtle, ntriples, nquads, trig, rdfxml, jsonld, jsonld-flat
    pub format: Option<String>,
    /// Only this named graph (IRI).
    pub graph: Option<String>,
    /// Output file; stdout when absent.
    pub output: Option<PathBuf>,
    /// Write CSV tables and datapackage.json into this folder.
    pub tables: Option<PathBuf>,
    /// Print (or write to `output`) the DCAT-AP catalog.
    pub catalog: bool,
    /// Write everything (all formats, tables, catalog) into one folder per run.
    pub dump: Option<PathBuf>,
}

/// The export formats, named as on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Turtle,
    NTriples,
    NQuads,
    TriG,
    RdfXml,
    /// Framed JSON-LD: meetings → items → treatment → decision, with the published context.
    JsonLd,
    /// Oxigraph's streaming JSON-LD of every quad (graphs kept, no framing).
    JsonLdFlat,
}

impl Format {
    /// Every format, in the order a dump writes them.
    pub const ALL: [Format; 7] = [
        Format::Turtle,
        Format::NTriples,
        Format::NQuads,
        Format::TriG,
        Format::RdfXml,
        Format::JsonLd,
        Format::JsonLdFlat,
    ];

    /// Parses a command-line name (a few common aliases are accepted).
    pub fn parse(name: &str) -> Result<Format> {
        Ok(match name.trim().to_ascii_lowercase().as_str() {
            "turtle" | "ttl" => Format::Turtle,
            "ntriples" | "nt" | "n-triples" => Format::NTriples,
            "nquads" | "nq" | "n-quads" => Format::NQuads,
            "trig" => Format::TriG,
            "rdfxml" | "rdf" | "xml" | "rdf/xml" => Format::RdfXml,
            "jsonld" | "json-ld" => Format::JsonLd,
            "jsonld-flat" | "json-ld-flat" => Format::JsonLdFlat,
            other => bail!(
                "unknown export format {other:?}: use turtle, ntriples, nquads, trig, rdfxml, jsonld or jsonld-flat"
            ),
        })
    }

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Turtle => "turtle",
            Format::NTriples => "ntriples",
            Format::NQuads => "nquads",
            Format::TriG => "trig",
            Format::RdfXml => "rdfxml",
            Format::JsonLd => "jsonld",
            Format::JsonLdFlat => "jsonld-flat",
        }
    }

    /// File name in a dump.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Turtle => "referat.ttl",
            Format::NTriples => "referat.nt",
            Format::NQuads => "referat.nq",
            Format::TriG => "referat.trig",
            Format::RdfXml => "referat.rdf",
            Format::JsonLd => "referat.jsonld",
            Format::JsonLdFlat => "referat-flat.jsonld",
        }
    }

    /// The Oxigraph format that reads this file back.
    pub fn rdf_format(self) -> RdfFormat {
        match self {
            Format::Turtle => RdfFormat::Turtle,
            Format::NTriples => RdfFormat::NTriples,
            Format::NQuads => RdfFormat::NQuads,
            Format::TriG => RdfFormat::TriG,
            Format::RdfXml => RdfFormat::RdfXml,
            Format::JsonLd | Format::JsonLdFlat => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
        }
    }

    /// True when the format keeps named graphs.
    pub fn keeps_graphs(self) -> bool {
        matches!(self, Format::NQuads | Format::TriG | Format::JsonLdFlat)
    }
}

/// The base IRI as the mapping uses it (always ending in `/` or `#`).
pub(crate) fn base_of(gs: &GraphStore) -> String {
    gs.config().clone().normalised().base
}

/// The graphs an export covers: every document graph, or the one asked for.
pub fn export_graphs(gs: &GraphStore, graph: Option<&str>) -> Result<Vec<NamedNode>> {
    let all = gs.document_graphs()?;
    let Some(g) = graph else { return Ok(all) };
    let g = g.trim().trim_start_matches('<').trim_end_matches('>');
    // A bare name (no scheme) is a document's file name or stem: its graph's IRI.
    let node = if g.contains(':') {
        NamedNode::new(g).map_err(|e| anyhow!("--graph {g:?} is not an IRI: {e}"))?
    } else {
        NamedNode::new(format!(
            "{}graph/{}",
            base_of(gs),
            crate::rdf::document_stem(g)
        ))
        .map_err(|e| anyhow!("--graph {g:?} names no document graph: {e}"))?
    };
    if !all.contains(&node) {
        // A few examples, not every graph of a large store on one line.
        let examples: Vec<String> = all
            .iter()
            .take(3)
            .map(|n| format!("<{}>", n.as_str()))
            .collect();
        bail!(
            "no graph <{}> in the store ({})",
            node.as_str(),
            match all.len() {
                0 => "it has no document graphs".to_string(),
                n if n <= 3 => format!("it has {}", examples.join(", ")),
                n => format!(
                    "it has {n} document graphs, such as {}",
                    examples.join(", ")
                ),
            }
        );
    }
    Ok(vec![node])
}

/// The quads of `graphs` (plus the default graph when exporting everything), sorted by
/// their N-Quads form, all in memory: the plain form of what the streamed writers do in
/// bounded memory, which the tests hold them to (for a small store it is also the simplest
/// way to get them).
pub fn sorted_quads(gs: &GraphStore, graphs: &[NamedNode], all: bool) -> Result<Vec<Quad>> {
    let mut names: Vec<GraphNameRef<'_>> = graphs.iter().map(|g| g.as_ref().into()).collect();
    if all {
        names.push(GraphNameRef::DefaultGraph);
    }
    let mut keyed: Vec<(String, Quad)> = Vec::new();
    crate::workers::map_in_order_on_all_cores(
        &names,
        |g| keyed_quads_of(gs, *g),
        |_, quads| {
            keyed.extend(quads?);
            Ok::<(), anyhow::Error>(())
        },
    )?;
    Ok(by_key(keyed))
}

/// The quads in the order of their keys.
fn by_key(mut keyed: Vec<(String, Quad)>) -> Vec<Quad> {
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, q)| q).collect()
}

/// The quads of one graph with their sort keys, unsorted.
fn keyed_quads_of(gs: &GraphStore, g: GraphNameRef<'_>) -> Result<Vec<(String, Quad)>> {
    gs.store()
        .quads_for_pattern(None, None, None, Some(g))
        .map(|q| {
            let q = q.context("cannot read the store")?;
            Ok((quad_key(&q), q))
        })
        .collect()
}

/// Sort key of a quad: graph first (so TriG blocks are contiguous), then the triple.
fn quad_key(q: &Quad) -> String {
    let g = match &q.graph_name {
        GraphName::DefaultGraph => String::new(),
        g => g.to_string(),
    };
    format!("{g}\u{0}{} {} {}", q.subject, q.predicate, q.object)
}

/// The union of the quads' triples, deduplicated and sorted by their N-Triples form.
pub fn union_triples(quads: &[Quad]) -> Vec<Triple> {
    let mut keyed: Vec<(String, Triple)> = quads
        .iter()
        .map(|q| {
            let t = Triple::new(q.subject.clone(), q.predicate.clone(), q.object.clone());
            (t.to_string(), t)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    keyed.into_iter().map(|(_, t)| t).collect()
}

/// Oxigraph's serialiser for a format, with the project prefixes where the format has them.
fn serializer(format: Format) -> Result<RdfSerializer> {
    let mut ser = RdfSerializer::from_format(format.rdf_format());
    if matches!(format, Format::Turtle | Format::TriG | Format::RdfXml) {
        for (p, iri) in crate::rdf::prefixes() {
            ser = ser
                .with_prefix(*p, *iri)
                .map_err(|e| anyhow!("bad prefix {p}: {e}"))?;
        }
    }
    Ok(ser)
}

/// Writes sorted quads in an RDF format with Oxigraph's serialiser (project prefixes for
/// Turtle, TriG and RDF/XML), from memory; exports go through [`write_format`], which
/// streams the same bytes.
pub fn write_rdf(format: Format, quads: &[Quad], out: &mut dyn Write) -> Result<()> {
    if format == Format::JsonLd {
        bail!("the framed JSON-LD is written by export::jsonld, not write_rdf");
    }
    let mut w = serializer(format)?.for_writer(out);
    if format.keeps_graphs() {
        for q in quads {
            w.serialize_quad(q)?;
        }
    } else {
        for t in union_triples(quads) {
            w.serialize_triple(&t)?;
        }
    }
    w.finish()?;
    Ok(())
}

/// Writes one format of the given graphs into `out`.
pub fn write_format(
    gs: &GraphStore,
    format: Format,
    graphs: &[NamedNode],
    all: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if format == Format::JsonLd {
        return jsonld::write_framed(gs, graphs, all, out);
    }
    if format.keeps_graphs() {
        return write_graph_by_graph(gs, format, graphs, all, out, SPILL_QUADS, union::RUN_BYTES);
    }
    write_union(gs, format, graphs, all, out, union::RUN_BYTES)
}

/// Quads of one graph held and sorted in memory; a larger graph (the shared entities
/// graph grows with the corpus) is sorted in runs on disk instead.
pub const SPILL_QUADS: usize = 100_000;

/// One graph read for a quad format: sorted in memory, or in runs of its triples' lines.
enum GraphQuads {
    Sorted(Vec<Quad>),
    Runs(GraphName, union::Runs),
}

/// Writes a quad format graph by graph, each sorted on its own: the same bytes as sorting
/// everything (the sort key starts with the graph), in the memory of a few graphs (those
/// read ahead) rather than of the whole store; a graph of more than `spill_quads` quads is
/// sorted in runs of about `run_bytes` on disk ([`union`]), so no graph's size sets the
/// memory either.
pub fn write_graph_by_graph(
    gs: &GraphStore,
    format: Format,
    graphs: &[NamedNode],
    all: bool,
    out: &mut dyn Write,
    spill_quads: usize,
    run_bytes: usize,
) -> Result<()> {
    let mut names: Vec<(String, GraphName)> = graphs
        .iter()
        .map(|g| (g.to_string(), GraphName::NamedNode(g.clone())))
        .collect();
    if all {
        names.push((String::new(), GraphName::DefaultGraph));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    let mut w = serializer(format)?.for_writer(out);
    // The next graphs are read and sorted on the other threads while one is written.
    crate::workers::map_in_order_on_all_cores(
        &names,
        |(_, g)| graph_quads(gs, g, spill_quads, run_bytes),
        |_, quads| {
            match quads? {
                GraphQuads::Sorted(quads) => {
                    for q in quads {
                        w.serialize_quad(&q)?;
                    }
                }
                GraphQuads::Runs(g, runs) => {
                    // Within one graph the key's order is that of the triple's line.
                    let triples = runs
                        .into_triples()
                        .context("cannot read a temporary file back")?;
                    for t in triples {
                        w.serialize_quad(t?.in_graph(g.clone()).as_ref())?;
                    }
                }
            }
            Ok::<(), anyhow::Error>(())
        },
    )?;
    w.finish()?;
    Ok(())
}

/// One graph's quads, sorted in memory while there are at most `spill_quads`, else as runs.
fn graph_quads(
    gs: &GraphStore,
    g: &GraphName,
    spill_quads: usize,
    run_bytes: usize,
) -> Result<GraphQuads> {
    let mut keyed: Vec<(String, Quad)> = Vec::new();
    let mut quads = gs
        .store()
        .quads_for_pattern(None, None, None, Some(g.as_ref()));
    for q in quads.by_ref() {
        let q = q.context("cannot read the store")?;
        keyed.push((quad_key(&q), q));
        if keyed.len() > spill_quads {
            break;
        }
    }
    if keyed.len() <= spill_quads {
        return Ok(GraphQuads::Sorted(by_key(keyed)));
    }
    let mut runs = union::Runs::new(run_bytes);
    let rest = quads.map(|q| q.context("cannot read the store"));
    for q in keyed.into_iter().map(|(_, q)| Ok(q)).chain(rest) {
        runs.push(triple_line(&q?))
            .context("cannot write a temporary file")?;
    }
    Ok(GraphQuads::Runs(g.clone(), runs))
}

/// Writes the union of the graphs' triples in a triple format, the same bytes as
/// [`write_rdf`] of all their quads, in memory that does not follow the store: the
/// triples' N-Triples lines are sorted in runs of about `run_bytes` ([`union`]), merged,
/// and read back into the format's serialiser.
pub fn write_union(
    gs: &GraphStore,
    format: Format,
    graphs: &[NamedNode],
    all: bool,
    out: &mut dyn Write,
    run_bytes: usize,
) -> Result<()> {
    let runs = union_runs(gs, graphs, all, run_bytes)?;
    let mut w = serializer(format)?.for_writer(out);
    let triples = runs
        .into_triples()
        .context("cannot read a temporary file back")?;
    for t in triples {
        w.serialize_triple(&t?)?;
    }
    w.finish()?;
    Ok(())
}

/// The triples of the graphs (and of the default graph when `all`) as sorted runs of
/// their N-Triples lines, about `run_bytes` each, read on every core: what the triple
/// formats and the catalog's statistics are written from.
pub fn union_runs(
    gs: &GraphStore,
    graphs: &[NamedNode],
    all: bool,
    run_bytes: usize,
) -> Result<union::Runs> {
    let mut names: Vec<GraphNameRef<'_>> = graphs.iter().map(|g| g.as_ref().into()).collect();
    if all {
        names.push(GraphNameRef::DefaultGraph);
    }
    let mut runs = union::Runs::new(run_bytes);
    crate::workers::map_in_order_on_all_cores(
        &names,
        |g| triple_lines_of(gs, *g),
        |_, lines| {
            for l in lines? {
                runs.push(l).context("cannot write a temporary file")?;
            }
            Ok::<(), anyhow::Error>(())
        },
    )?;
    Ok(runs)
}

/// The N-Triples form of every triple of one graph.
fn triple_lines_of(gs: &GraphStore, g: GraphNameRef<'_>) -> Result<Vec<String>> {
    gs.store()
        .quads_for_pattern(None, None, None, Some(g))
        .map(|q| Ok(triple_line(&q.context("cannot read the store")?)))
        .collect()
}

/// A quad's triple in N-Triples form, without the final " .": the sort key of the
/// triple formats ([`union_triples`]) and of the quads within one graph.
fn triple_line(q: &Quad) -> String {
    TripleRef::new(q.subject.as_ref(), q.predicate.as_ref(), q.object.as_ref()).to_string()
}

/// Counts the bytes written through it (for the summary line of a streamed export).
struct Counting<W: Write> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Streams one format into `output` (or standard output). A file is written under a
/// temporary name beside it and renamed when complete, so a failed export never leaves a
/// truncated file under the asked-for name.
fn stream_format(
    gs: &GraphStore,
    format: Format,
    graphs: &[NamedNode],
    all: bool,
    output: Option<&Path>,
) -> Result<String> {
    let Some(p) = output else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        write_format(gs, format, graphs, all, &mut out)?;
        out.flush().context("cannot write to standard output")?;
        return Ok(String::new());
    };
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "export".to_string());
    let tmp = p.with_file_name(format!(".{name}.partial"));
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", p.display()))?;
    let mut out = Counting {
        inner: std::io::BufWriter::new(file),
        bytes: 0,
    };
    let written = write_format(gs, format, graphs, all, &mut out)
        .and_then(|()| out.flush().map_err(anyhow::Error::from))
        .and_then(|()| std::fs::rename(&tmp, p).map_err(anyhow::Error::from));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context(format!("cannot write {}", p.display())));
    }
    Ok(format!(
        "wrote {} ({} bytes) to {}",
        format.name(),
        out.bytes,
        p.display()
    ))
}

/// Run an export; returns a one-line summary for the user.
pub fn run(store: &GraphStore, args: &ExportArgs) -> Result<String> {
    check_args(args)?;
    if let Some(dir) = &args.dump {
        let (folder, files) = dump(store, dir)?;
        return Ok(format!("wrote {files} files to {}", folder.display()));
    }
    run_checked(store, args)
}

/// As [`run`], for a caller done with the store afterwards (the command line): a dump
/// reopens it between its passes over it and closes it before the half that reads only
/// the dump's own files, so that RocksDB's caches of one pass are not held through the
/// next (see [`GraphStore::reopened`]).
pub fn run_and_close(store: GraphStore, args: &ExportArgs) -> Result<String> {
    check_args(args)?;
    if let Some(dir) = &args.dump {
        let (folder, files) = dump_from(DumpSource::Owned(Box::new(store)), dir)?;
        return Ok(format!("wrote {files} files to {}", folder.display()));
    }
    run_checked(&store, args)
}

/// Refuses what no export can do: no mode, more than one, or options the mode ignores.
fn check_args(args: &ExportArgs) -> Result<()> {
    let modes = usize::from(args.format.is_some())
        + usize::from(args.tables.is_some())
        + usize::from(args.catalog)
        + usize::from(args.dump.is_some());
    if modes == 0 {
        bail!("nothing to export: give --format FORMAT, --tables DIR, --catalog or --dump DIR");
    }
    if modes > 1 {
        bail!("give only one of --format, --tables, --catalog and --dump per run");
    }
    if args.graph.is_some() && args.format.is_none() {
        bail!("--graph applies only to --format (tables, catalog and dump cover every graph)");
    }
    if args.output.is_some() && (args.tables.is_some() || args.dump.is_some()) {
        bail!("--output applies only to --format and --catalog (--tables and --dump write into their folder)");
    }
    Ok(())
}

/// Every mode but the dump, with the arguments checked.
fn run_checked(store: &GraphStore, args: &ExportArgs) -> Result<String> {
    if let Some(f) = &args.format {
        let format = Format::parse(f)?;
        let graphs = export_graphs(store, args.graph.as_deref())?;
        return stream_format(
            store,
            format,
            &graphs,
            args.graph.is_none(),
            args.output.as_deref(),
        );
    }
    if let Some(dir) = &args.tables {
        let n = tables::write_tables(store, dir)?;
        return Ok(format!(
            "wrote {n} tables and datapackage.json to {}",
            dir.display()
        ));
    }
    if args.catalog {
        let text = catalog::catalog_turtle(store, &[])?;
        return emit(text.as_bytes(), args.output.as_deref(), "catalog");
    }
    Ok(String::new())
}

fn emit(bytes: &[u8], output: Option<&Path>, what: &str) -> Result<String> {
    match output {
        Some(p) => {
            std::fs::write(p, bytes).with_context(|| format!("cannot write {}", p.display()))?;
            Ok(format!(
                "wrote {what} ({} bytes) to {}",
                bytes.len(),
                p.display()
            ))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .context("cannot write to standard output")?;
            Ok(String::new())
        }
    }
}

/// A file written into a dump, for the catalog's distributions.
#[derive(Debug, Clone)]
pub struct DumpFile {
    /// Path relative to the dump folder (`referat.ttl`, `tables/items.csv`).
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes (SHA-256) and counts what is written through it: a dump's files get their
/// checksums as they are written, never read back whole.
struct Hashing<W: Write> {
    inner: Counting<W>,
    hasher: sha2::Sha256,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner: Counting { inner, bytes: 0 },
            hasher: sha2::Sha256::new(),
        }
    }

    fn bytes(&self) -> u64 {
        self.inner.bytes
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A file being written into a dump folder.
struct DumpWriter {
    rel: String,
    path: PathBuf,
    out: Hashing<std::io::BufWriter<std::fs::File>>,
}

impl DumpWriter {
    fn create(folder: &Path, rel: &str) -> Result<DumpWriter> {
        let path = folder.join(rel);
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(DumpWriter {
            rel: rel.to_string(),
            path,
            out: Hashing::new(std::io::BufWriter::with_capacity(1 << 16, file)),
        })
    }

    fn finish(mut self) -> Result<DumpFile> {
        self.out
            .flush()
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        Ok(DumpFile {
            path: self.rel,
            bytes: self.out.bytes(),
            sha256: hex(&self.out.hasher.finalize()),
        })
    }
}

/// Writes one file of a dump with `write` and returns its size and checksum.
fn dump_file(
    folder: &Path,
    rel: &str,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<DumpFile> {
    let mut w = DumpWriter::create(folder, rel)?;
    write(&mut w.out).with_context(|| format!("cannot write {}", w.path.display()))?;
    w.finish()
}

/// The checksum and size of a file already written (the tables), read in blocks.
fn hash_file(path: &Path, rel: String) -> Result<DumpFile> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut sink = Hashing::new(std::io::sink());
    std::io::copy(&mut file, &mut sink)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(DumpFile {
        path: rel,
        bytes: sink.bytes(),
        sha256: hex(&sink.hasher.finalize()),
    })
}

/// Re-serialises a dump's N-Quads or N-Triples file into other formats in one read: the
/// file holds the quads (or the union's triples) sorted and unique, so each output is the
/// same bytes as exporting that format from the store, for a read of a file rather than
/// of the whole store. `each` sees every quad as it passes (the catalog's statistics).
fn convert(
    from: &Path,
    format: RdfFormat,
    outputs: Vec<(Format, DumpWriter)>,
    each: impl FnOnce(&mut dyn Iterator<Item = Result<Quad>>) -> Result<()>,
) -> Result<Vec<DumpFile>> {
    let file =
        std::fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    let mut writers = Vec::new();
    for (f, w) in outputs {
        writers.push((
            f,
            w.path.clone(),
            w.rel.clone(),
            serializer(f)?.for_writer(w.out),
        ));
    }
    let quads = oxigraph::io::RdfParser::from_format(format)
        .for_reader(std::io::BufReader::with_capacity(1 << 16, file));
    let mut each_quad = quads.map(|q| {
        let q = q.with_context(|| format!("cannot read {} back", from.display()))?;
        for (f, path, _, w) in writers.iter_mut() {
            if f.keeps_graphs() {
                w.serialize_quad(&q)
            } else {
                w.serialize_triple(TripleRef::from(q.as_ref()))
            }
            .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(q)
    });
    each(&mut each_quad)?;
    for q in each_quad {
        q?;
    }
    let mut files = Vec::new();
    for (_, path, rel, w) in writers {
        let out = w
            .finish()
            .with_context(|| format!("cannot write {}", path.display()))?;
        files.push(DumpWriter { rel, path, out }.finish()?);
    }
    Ok(files)
}

/// Writes every format, the tables and the catalog into `DIR/referat-<hash>/`, where the
/// hash is that of the sorted N-Quads: the same data always gives the same folder name, so a
/// re-run replaces the folder rather than piling up copies. Returns the folder and how many
/// files it holds. The store stays open throughout, caches and all; [`run_and_close`]
/// reopens it between its passes and closes it for the half that reads only files.
pub fn dump(gs: &GraphStore, dir: &Path) -> Result<(PathBuf, usize)> {
    dump_from(DumpSource::Borrowed(gs), dir)
}

/// The store a dump reads: borrowed, or owned and so free to be reopened between passes
/// (dropping RocksDB's read caches, see [`GraphStore::reopened`]) and closed when done.
enum DumpSource<'a> {
    Borrowed(&'a GraphStore),
    Owned(Box<GraphStore>),
}

impl DumpSource<'_> {
    fn store(&self) -> &GraphStore {
        match self {
            DumpSource::Borrowed(gs) => gs,
            DumpSource::Owned(gs) => gs,
        }
    }

    /// After a pass over the store: an owned store starts the next pass with empty caches.
    fn next_pass(self) -> Result<Self> {
        Ok(match self {
            DumpSource::Owned(gs) => DumpSource::Owned(Box::new(gs.reopened()?)),
            borrowed => borrowed,
        })
    }
}

/// Every file is streamed and hashed as it is written. The store is read three times (the
/// N-Quads, the N-Triples of the union, the framed JSON-LD) and the tables queried; the rest
/// ([`StoreHalfOfDump::finish`]) reads only the files written, so an owned store is closed
/// first and the memory of its caches handed back.
fn dump_from(source: DumpSource<'_>, dir: &Path) -> Result<(PathBuf, usize)> {
    let mut source = source;
    let graphs = export_graphs(source.store(), None)?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // Written under a temporary name (removed if anything fails), renamed when complete.
    let partial = tempfile::Builder::new()
        .prefix(".referat-")
        .suffix(".partial")
        .tempdir_in(dir)
        .with_context(|| format!("cannot create a folder in {}", dir.display()))?;
    let p = partial.path();
    let mut by_format: Vec<(Format, DumpFile)> = Vec::new();
    for f in [Format::NQuads, Format::NTriples, Format::JsonLd] {
        let gs = source.store();
        let file = dump_file(p, f.file_name(), |w| write_format(gs, f, &graphs, true, w))?;
        by_format.push((f, file));
        source = source.next_pass()?;
    }
    let tables_dir = p.join("tables");
    tables::write_tables(source.store(), &tables_dir)?;
    let mut table_files: Vec<String> = std::fs::read_dir(&tables_dir)
        .with_context(|| format!("cannot read {}", tables_dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .collect();
    table_files.sort();
    let mut tables = Vec::new();
    for t in table_files {
        tables.push(hash_file(&tables_dir.join(&t), format!("tables/{t}"))?);
    }
    let config = source.store().config().clone();
    if let DumpSource::Owned(gs) = source {
        drop(gs);
        crate::alloc::return_freed_memory();
    }
    StoreHalfOfDump {
        dir: dir.to_path_buf(),
        partial,
        config,
        by_format,
        tables,
    }
    .finish()
}

/// A dump whose store-derived files are written: what is left reads only those files.
struct StoreHalfOfDump {
    dir: PathBuf,
    partial: tempfile::TempDir,
    config: crate::rdf::RdfConfig,
    by_format: Vec<(Format, DumpFile)>,
    tables: Vec<DumpFile>,
}

impl StoreHalfOfDump {
    /// The rest, from the files alone: TriG and flat JSON-LD re-serialised from the N-Quads
    /// file, Turtle and RDF/XML from the N-Triples file, whose single read also gives the
    /// catalog its statistics; then the catalog, `SHA256SUMS` and the folder's final name.
    fn finish(self) -> Result<(PathBuf, usize)> {
        let StoreHalfOfDump {
            dir,
            partial,
            config,
            mut by_format,
            tables,
        } = self;
        let p = partial.path();
        let from_nquads = [Format::TriG, Format::JsonLdFlat]
            .into_iter()
            .map(|f| Ok((f, DumpWriter::create(p, f.file_name())?)))
            .collect::<Result<Vec<_>>>()?;
        let made = convert(
            &p.join(Format::NQuads.file_name()),
            RdfFormat::NQuads,
            from_nquads,
            |_| Ok(()),
        )?;
        by_format.extend([Format::TriG, Format::JsonLdFlat].into_iter().zip(made));
        let from_ntriples = [Format::Turtle, Format::RdfXml]
            .into_iter()
            .map(|f| Ok((f, DumpWriter::create(p, f.file_name())?)))
            .collect::<Result<Vec<_>>>()?;
        let base = config.clone().normalised().base;
        let mut stats = None;
        let made = convert(
            &p.join(Format::NTriples.file_name()),
            RdfFormat::NTriples,
            from_ntriples,
            |quads| {
                let triples = quads.map(|q| q.map(Triple::from));
                stats = Some(catalog::Stats::gather(triples, &base, union::RUN_BYTES)?);
                Ok(())
            },
        )?;
        by_format.extend([Format::Turtle, Format::RdfXml].into_iter().zip(made));
        let mut files: Vec<DumpFile> = Vec::new();
        for f in Format::ALL {
            if let Some((_, file)) = by_format.iter().find(|(g, _)| *g == f) {
                files.push(file.clone());
            }
        }
        files.push(dump_file(p, "context.jsonld", |w| {
            w.write_all(jsonld::CONTEXT.as_bytes())?;
            Ok(())
        })?);
        files.extend(tables);
        let stats = stats.ok_or_else(|| anyhow!("the catalog's statistics were not gathered"))?;
        let cat = catalog::turtle(&config, &stats, &files)?;
        let cat_path = p.join("catalog.ttl");
        std::fs::write(&cat_path, cat.as_bytes())
            .with_context(|| format!("cannot write {}", cat_path.display()))?;
        let mut sums = String::new();
        for f in &files {
            sums.push_str(&format!("{}  {}\n", f.sha256, f.path));
        }
        sums.push_str(&format!("{}  catalog.ttl\n", sha256_hex(cat.as_bytes())));
        std::fs::write(p.join("SHA256SUMS"), sums.as_bytes())
            .with_context(|| format!("cannot write SHA256SUMS in {}", p.display()))?;
        let nquads = files
            .iter()
            .find(|f| f.path == Format::NQuads.file_name())
            .ok_or_else(|| anyhow!("the dump has no N-Quads file"))?;
        let folder = dir.join(format!("referat-{}", &nquads.sha256[..12]));
        if folder.exists() {
            std::fs::remove_dir_all(&folder)
                .with_context(|| format!("cannot replace {}", folder.display()))?;
        }
        let count = files.len() + 2;
        let kept = partial.keep();
        std::fs::rename(&kept, &folder).map_err(|e| {
            let _ = std::fs::remove_dir_all(&kept);
            anyhow!("cannot move the dump into {}: {e}", folder.display())
        })?;
        Ok((folder, count))
    }
}
