//! In-process query latency on a store, for `bench/run`.
//!
//! Opens the store once, runs the query `--runs N` times (default 11) through
//! `referat::query::run` (CSV into memory) after one warm-up run, and prints
//! `median_ms min_ms max_ms rows` (tab-separated).
//!
//! Usage: `cargo run --release --example bench_query -- STORE QUERY.rq [--runs N]
//! [--timeout S] [--param NAME=VALUE]…`

use referat::query::{self, ResultFormat};
use referat::rdf::RdfConfig;
use referat::store::GraphStore;
use std::path::Path;
use std::time::{Duration, Instant};

/// mimalloc for Rust's allocations (see `referat::alloc`).
#[global_allocator]
static ALLOCATOR: referat::alloc::Allocator = referat::alloc::Allocator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (store, file) = match (args.first(), args.get(1)) {
        (Some(s), Some(f)) => (s, f),
        _ => return Err("usage: bench_query STORE QUERY.rq [--runs N] [--param K=V]".into()),
    };
    let mut runs = 11usize;
    let mut params = Vec::new();
    let mut timeout = Duration::from_secs(600);
    let mut i = 2;
    while i < args.len() {
        match args[i].as_str() {
            "--runs" => runs = args.get(i + 1).ok_or("--runs needs a value")?.parse()?,
            "--timeout" => {
                timeout =
                    Duration::from_secs(args.get(i + 1).ok_or("--timeout needs a value")?.parse()?)
            }
            "--param" => params.push(query::parse_param(
                args.get(i + 1).ok_or("--param needs a value")?,
            )?),
            other => return Err(format!("unknown argument {other}").into()),
        }
        i += 2;
    }
    let text = std::fs::read_to_string(file)?;
    let gs = GraphStore::open(Path::new(store), RdfConfig::default())?;
    let mut rows = 0;
    let mut times = Vec::with_capacity(runs);
    for k in 0..=runs {
        let mut buf = Vec::new();
        let t = Instant::now();
        rows = query::run(
            gs.store(),
            &text,
            &params,
            ResultFormat::Csv,
            timeout,
            &mut buf,
        )?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if k > 0 {
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{:.2}\t{:.2}\t{:.2}\t{}",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        rows
    );
    Ok(())
}
