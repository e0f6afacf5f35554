//! The `referat` command line: argument parsing, printing and exit codes only; the work is
//! done by the library.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use referat::ingest;
use referat::parse::{self, ParseOptions};
use referat::query::{self, ResultFormat};
use referat::rdf::RdfConfig;
use referat::store::{self, GraphStore};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// mimalloc for Rust's allocations (see `referat::alloc`).
#[global_allocator]
static ALLOCATOR: referat::alloc::Allocator = referat::alloc::Allocator;

/// Turn Danish municipal meeting minutes into a knowledge graph.
#[derive(Parser)]
#[command(name = "referat", version, about, long_about = None)]
struct Cli {
    /// The store (an Oxigraph/RocksDB folder). Default: $REFERAT_STORE, else
    /// ~/.local/share/referat/store.
    #[arg(long, global = true, env = "REFERAT_STORE")]
    store: Option<PathBuf>,
    /// Base IRI of the identifiers a new store mints (default
    /// https://w3id.org/referat/id/). A store keeps the base it was made with: later
    /// commands use it without this option and refuse another.
    #[arg(long, global = true)]
    base: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse one minutes file and print its structure (no store involved).
    Parse {
        /// The minutes as text (UTF-8; Latin-1 and UTF-16 are accepted with a warning).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ParseFormat::Json)]
        format: ParseFormat,
        /// Do not repair OCR letter damage (æ/ø/å).
        #[arg(long)]
        no_ocr_repair: bool,
    },
    /// Print the cleaned text the parser works on.
    Text {
        file: PathBuf,
        /// Do not repair OCR letter damage (æ/ø/å).
        #[arg(long)]
        no_ocr_repair: bool,
        /// List every OCR repair (position, before, after, why) instead of the text.
        #[arg(long)]
        explain: bool,
    },
    /// Parse files and folders into the store: one named graph per document.
    Ingest {
        /// Minutes files or folders (folders are read recursively for *.txt and *.text).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Do not repair OCR letter damage (æ/ø/å).
        #[arg(long)]
        no_ocr_repair: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// New documents are bulk-loaded in atomic batches of about this many quads (a
        /// file's line is printed once it is in the store); 1 stores each file on its own.
        #[arg(long, value_name = "QUADS", default_value_t = ingest::DEFAULT_BATCH_QUADS)]
        batch_quads: usize,
    },
    /// Run a SPARQL query (a .rq file or the query text) against the store.
    Query {
        /// A file with the query, or the query itself.
        query: String,
        /// Output format (default: table on a terminal, csv otherwise).
        #[arg(long, value_enum)]
        format: Option<QueryFormat>,
        /// Bind a variable: --param org=CDEU (a value in <…> binds an IRI). Bound as an RDF
        /// term, never pasted into the query text.
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Give up after this many seconds (at least 1).
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
        /// Also write Oxigraph's query plan with rows and time per operator (JSON) to this
        /// file, to see why a query is slow. Collecting the figures slows the query down.
        #[arg(long, value_name = "FILE")]
        explain: Option<PathBuf>,
    },
    /// Export the store as open data: RDF files, JSON-LD, CSV tables, a DCAT catalog.
    Export {
        /// RDF format: turtle, ntriples, nquads, trig, rdfxml, jsonld, jsonld-flat.
        #[arg(long)]
        format: Option<String>,
        /// Only this document: its graph's IRI, or its file name.
        #[arg(long)]
        graph: Option<String>,
        /// Output file (default: stdout).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Write CSV tables with datapackage.json into this folder.
        #[arg(long, value_name = "DIR")]
        tables: Option<PathBuf>,
        /// The DCAT-AP catalog of the dataset.
        #[arg(long)]
        catalog: bool,
        /// Everything (all formats, tables, catalog) into a new folder under DIR.
        #[arg(long, value_name = "DIR")]
        dump: Option<PathBuf>,
    },
    /// Link organisations to external registries (offline snapshot by default).
    Link {
        /// Also ask Wikidata, ROR and Datafordeleren (exact joins only become links).
        #[arg(long)]
        online: bool,
        /// Write label-only candidates for review to this file.
        #[arg(long, value_name = "FILE")]
        review: Option<PathBuf>,
        /// Accept the rows marked yes in this reviewed file (kept by later runs), and
        /// withdraw earlier acceptances marked no.
        #[arg(long, value_name = "FILE")]
        accept: Option<PathBuf>,
        /// Cache folder for online responses.
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Compact the store after a large ingest: smaller on disk, faster queries.
    Optimize,
    /// Push the graphs to an external SPARQL store (Graph Store Protocol).
    Push {
        /// The remote SPARQL endpoint, e.g. http://127.0.0.1:8890/sparql
        #[arg(long)]
        endpoint: String,
        /// The Graph Store Protocol endpoint (default: derived from --endpoint).
        #[arg(long)]
        graph_store: Option<String>,
        /// User name for HTTP basic authentication on the remote store.
        #[arg(long)]
        user: Option<String>,
        /// Name of the environment variable that holds the password.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// Remove remote graphs that an earlier push from this store sent and whose
        /// documents are gone here (not for a remote that several stores push to).
        #[arg(long)]
        delete_missing: bool,
        /// Writes to the remote store at once (1 to 64): more can hide a distant store's
        /// network latency; the next graphs are read while one is sent either way.
        #[arg(long, value_name = "N", default_value_t = referat::push::PARALLEL as u16,
              value_parser = clap::value_parser!(u16).range(1..=64))]
        parallel: u16,
        /// No progress output.
        #[arg(long, short)]
        quiet: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum QueryFormat {
    Table,
    Csv,
    Tsv,
    Json,
    Xml,
}

#[derive(Clone, Copy, ValueEnum)]
enum ParseFormat {
    /// The JSON contract of design/contract.md.
    Json,
    /// A short human-readable outline.
    Outline,
}

/// Print to stderr without panicking when stderr is a closed pipe (`… 2>&1 | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A reader that stopped early (`referat query … | head`) is not an error.
            let broken_pipe = e.chain().any(|c| {
                let io = c.downcast_ref::<std::io::Error>().map(|io| io.kind());
                let json = c
                    .downcast_ref::<serde_json::Error>()
                    .and_then(|j| j.io_error_kind());
                io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            say!("referat: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Parse {
            file,
            format,
            no_ocr_repair,
        } => {
            let opts = ParseOptions {
                ocr_repair: !no_ocr_repair,
                ..ParseOptions::default()
            };
            let m =
                parse::parse_file(&file, &opts).with_context(|| format!("{}", file.display()))?;
            for w in &m.warnings {
                say!("referat: {}: warning: {w}", file.display());
            }
            match format {
                ParseFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &m)?;
                    writeln!(out)?;
                }
                ParseFormat::Outline => {
                    writeln!(
                        out,
                        "{} {} {}",
                        m.meeting.body.as_deref().unwrap_or("?"),
                        m.meeting.date.as_deref().unwrap_or("?"),
                        m.meeting.location.as_deref().unwrap_or("")
                    )?;
                    for it in &m.items {
                        writeln!(out, "{:>5} {:<9} {}", it.number, it.decision.kind, it.title)?;
                    }
                }
            }
        }
        Command::Text {
            file,
            no_ocr_repair,
            explain,
        } => {
            let opts = ParseOptions {
                ocr_repair: !no_ocr_repair,
                ..ParseOptions::default()
            };
            let p =
                parse::prepare_file(&file, &opts).with_context(|| format!("{}", file.display()))?;
            for w in &p.warnings {
                say!("referat: {}: warning: {w}", file.display());
            }
            if explain {
                writeln!(
                    out,
                    "# {}: {} OCR repairs{} (offsets are chars in the cleaned text before repair)",
                    file.display(),
                    p.ocr_changes.len(),
                    if no_ocr_repair {
                        ", OCR repair off (--no-ocr-repair)"
                    } else {
                        ""
                    }
                )?;
                for c in &p.ocr_changes {
                    writeln!(
                        out,
                        "{}\t{}\t{} → {}\t{}",
                        c.start, c.end, c.from, c.to, c.reason
                    )?;
                }
            } else {
                out.write_all(p.clean.text.as_bytes())?;
            }
        }
        Command::Ingest {
            paths,
            no_ocr_repair,
            quiet,
            batch_quads,
        } => {
            referat::alloc::return_freed_memory_at_once();
            let opts = ParseOptions {
                ocr_repair: !no_ocr_repair,
                ..ParseOptions::default()
            };
            // The inputs first: with nothing to read, no store is made or touched.
            let mut walk_errors = Vec::new();
            let files = ingest::collect_files(&paths, &mut walk_errors);
            for (p, e) in &walk_errors {
                say!("referat: {}: {e}", p.display());
            }
            if files.is_empty() {
                let named: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                anyhow::bail!(
                    "{}: no minutes files to ingest (folders are read for {})",
                    named.join(", "),
                    ingest::EXTENSIONS
                        .iter()
                        .map(|e| format!("*.{e}"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                );
            }
            // Only missing paths (a typo): their errors, and no store made for nothing.
            let store_path = cli.store.clone().unwrap_or_else(store::default_location);
            if !store_path.join("CURRENT").is_file() && !files.iter().any(|f| f.exists()) {
                for f in &files {
                    if let Err(e) = ingest::parse_guarded(f, &opts) {
                        say!("referat: {}: {e}", f.display());
                    }
                }
                anyhow::bail!(
                    "{} of {} inputs failed; no store made",
                    files.len() + walk_errors.len(),
                    files.len() + walk_errors.len()
                );
            }
            let mut gs = open_store(cli.store, &cli.base)?;
            if no_ocr_repair {
                gs.set_extraction_note("OCR repair off");
            }
            gs.ensure_gazetteer()?;
            let bar = if quiet || !std::io::stderr().is_terminal() {
                indicatif::ProgressBar::hidden()
            } else {
                indicatif::ProgressBar::new(files.len() as u64)
            };
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} {elapsed_precise} {wide_msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let mut summary = ingest::Summary::default();
            let mut ingester = ingest::Ingester::new(&gs, &opts, batch_quads);
            let mut report = |results: Vec<ingest::FileResult>| {
                for r in results {
                    let f = r.path.display();
                    for w in &r.warnings {
                        bar.suspend(|| say!("referat: {f}: warning: {w}"));
                    }
                    if let Err(e) = &r.outcome {
                        bar.suspend(|| say!("referat: {f}: {e}"));
                    }
                    summary.add(&r);
                }
            };
            // One core writes; the others parse the next files meanwhile.
            let workers = referat::workers::cores().saturating_sub(1).max(1);
            // Files the store already holds unchanged are hashed, not parsed.
            let unchanged = ingest::UnchangedCheck::new(&gs, files.len());
            ingest::parse_ahead(&files, &opts, Some(&unchanged), workers, |f, parsed| {
                bar.set_message(f.display().to_string());
                report(ingester.add_parsed(f, parsed));
                bar.inc(1);
            });
            report(ingester.commit());
            bar.finish_and_clear();
            if summary.replaced > 0 {
                // A replaced document may have been the last to name an organisation,
                // person or case: drop what no document mentions any more.
                gs.collect_garbage()?;
            }
            gs.flush()?;
            writeln!(
                out,
                "ingested {} files into {}: {} added, {} replaced, {} unchanged, {} failed; {} quads written, {} documents in store",
                files.len(),
                gs.path().display(),
                summary.added,
                summary.replaced,
                summary.unchanged,
                summary.failed,
                summary.quads_written,
                gs.document_count()?
            )?;
            if summary.quads_written >= ingest::OPTIMIZE_HINT_QUADS {
                // Bulk loading leaves many overlapping sorted files, and every term a
                // reader decodes is then looked up in each of them (bench/RESULTS.md).
                say!(
                    "referat: tip: this ingest bulk-loaded {} quads into many sorted files; `referat --store {} optimize` merges them, after which exports run several times and large queries a little faster",
                    summary.quads_written,
                    gs.path().display()
                );
            }
            if summary.failed > 0 || !walk_errors.is_empty() {
                anyhow::bail!(
                    "{} of {} inputs failed",
                    summary.failed + walk_errors.len(),
                    files.len() + walk_errors.len()
                );
            }
        }
        Command::Query {
            query,
            format,
            params,
            timeout,
            explain,
        } => {
            // A query read from a file names that file in any error about it. A word with
            // no space or brace cannot be a query: it is a file name, and a missing file is
            // said to be one (not reported as a SPARQL syntax error).
            let as_path = std::path::Path::new(&query);
            if as_path.is_dir() {
                anyhow::bail!("{query}: a folder, not a query file");
            }
            let looks_like_path = !query.contains(char::is_whitespace) && !query.contains('{');
            if looks_like_path && !as_path.exists() {
                anyhow::bail!("{query}: no such query file (nor a SPARQL query)");
            }
            let (text, file) = if query.ends_with(".rq") || (looks_like_path && as_path.exists()) {
                let text = std::fs::read_to_string(&query).with_context(|| query.clone())?;
                (text, Some(query))
            } else {
                (query, None)
            };
            let params = query::parse_params(&params)?;
            let in_file = |e: query::QueryError| match &file {
                Some(f) => anyhow::Error::new(e).context(f.clone()),
                None => anyhow::Error::new(e),
            };
            query::check_declared(&text, &params).map_err(in_file)?;
            let format = match format {
                Some(QueryFormat::Table) => ResultFormat::Table,
                Some(QueryFormat::Csv) => ResultFormat::Csv,
                Some(QueryFormat::Tsv) => ResultFormat::Tsv,
                Some(QueryFormat::Json) => ResultFormat::Json,
                Some(QueryFormat::Xml) => ResultFormat::Xml,
                None if std::io::stdout().is_terminal() => ResultFormat::Table,
                None => ResultFormat::Auto,
            };
            let gs = open_store_read_only(cli.store, &cli.base)?;
            // Held until complete (a failed query leaves no half result), on disk past 64 MiB.
            let mut buf = query::Spool::new(64 << 20);
            let mut plan: Vec<u8> = Vec::new();
            query::run_with_plan(
                gs.store(),
                &text,
                &params,
                format,
                Duration::from_secs(timeout),
                &mut buf,
                explain.is_some().then_some(&mut plan as &mut dyn Write),
            )
            .map_err(in_file)?;
            if let Some(path) = &explain {
                std::fs::write(path, &plan)
                    .with_context(|| format!("{}: cannot write the plan", path.display()))?;
            }
            buf.copy_to(&mut out)?;
        }
        Command::Export {
            format,
            graph,
            output,
            tables,
            catalog,
            dump,
        } => {
            let gs = open_store_read_only(cli.store, &cli.base)?;
            let args = referat::export::ExportArgs {
                format,
                graph,
                output,
                tables,
                catalog,
                dump,
            };
            let summary = referat::export::run_and_close(gs, &args)?;
            if !summary.is_empty() {
                say!("{summary}");
            }
        }
        Command::Link {
            online,
            review,
            accept,
            cache_dir,
        } => {
            if cache_dir.is_some() && !online {
                anyhow::bail!(
                    "--cache-dir applies only with --online (offline linking asks no service)"
                );
            }
            let path = existing_store(cli.store)?;
            let gs = open_store(Some(path), &cli.base)?;
            let args = referat::link::LinkArgs {
                online,
                review,
                accept,
                cache_dir,
            };
            writeln!(out, "{}", referat::link::run(&gs, &args)?)?;
        }
        Command::Optimize => {
            let path = existing_store(cli.store)?;
            let gs = open_store(Some(path), &cli.base)?;
            let before = gs.disk_size();
            let started = std::time::Instant::now();
            gs.optimize()?;
            writeln!(
                out,
                "optimized {}: {} → {} on disk in {:.1} s",
                gs.path().display(),
                human_bytes(before),
                human_bytes(gs.disk_size()),
                started.elapsed().as_secs_f64()
            )?;
        }
        Command::Push {
            endpoint,
            graph_store,
            user,
            password_env,
            delete_missing,
            parallel,
            quiet,
        } => {
            let gs = open_store_read_only(cli.store, &cli.base)?;
            let args = referat::push::PushArgs {
                endpoint,
                graph_store,
                user,
                password_env,
                delete_missing,
                parallel: Some(usize::from(parallel)),
                quiet,
            };
            writeln!(out, "{}", referat::push::run(&gs, &args)?)?;
        }
    }
    Ok(())
}

/// Sizes as people read them (decimal units, like `du -h --si`).
fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.1} GB", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        n if n >= 1_000 => format!("{:.1} kB", n as f64 / 1e3),
        n => format!("{n} B"),
    }
}

/// Opens (or makes) the store for writing, under the base it already has.
fn open_store(path: Option<PathBuf>, base: &Option<String>) -> Result<GraphStore> {
    let (path, config) = store_location(path, base)?;
    let mut gs = GraphStore::open(&path, config)?;
    gs.use_stored_base(base.is_some())?;
    Ok(gs)
}

/// For commands that only read: many may run at once, and a wrong path is an error.
fn open_store_read_only(path: Option<PathBuf>, base: &Option<String>) -> Result<GraphStore> {
    let (path, config) = store_location(path, base)?;
    let mut gs = GraphStore::open_read_only(&path, config)?;
    gs.use_stored_base(base.is_some())?;
    Ok(gs)
}

/// The store for commands that change an existing one (`link`, `optimize`): opening would
/// make an empty store, and a wrong path must not look like success.
fn existing_store(path: Option<PathBuf>) -> Result<PathBuf> {
    let path = path.unwrap_or_else(store::default_location);
    if !path.join("CURRENT").is_file() {
        return Err(store::StoreError::Missing(path).into());
    }
    Ok(path)
}

fn store_location(path: Option<PathBuf>, base: &Option<String>) -> Result<(PathBuf, RdfConfig)> {
    let path = path.unwrap_or_else(store::default_location);
    let mut config = RdfConfig::default();
    if let Some(b) = base {
        config.base = b.clone();
    }
    config.check().map_err(anyhow::Error::msg)?;
    Ok((path, config))
}
