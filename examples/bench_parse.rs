//! Parse+clean throughput over a folder of minutes, for `bench/run`.
//!
//! Every `*.txt` file is read, then decoded, cleaned, OCR-repaired and parsed with
//! `referat::parse::{prepare_bytes, parse_prepared}`, by `--threads N` workers (default 1)
//! taking files from a shared counter. Prints `files bytes seconds MB/s items failed` on
//! one line (tab-separated). File reading is outside the timed part.
//!
//! With `--dump FILE` it parses every file once more, untimed, and writes each result as
//! one JSON line (files in name order, an error as `{"error": …}`): a golden file to
//! diff when the parser is changed for speed.
//!
//! Usage: `cargo run --release --example bench_parse -- DIR [--threads N] [--dump FILE]`

use referat::parse::{parse_prepared, prepare_bytes, ParseOptions};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// mimalloc for Rust's allocations (see `referat::alloc`).
#[global_allocator]
static ALLOCATOR: referat::alloc::Allocator = referat::alloc::Allocator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(args.first().ok_or("usage: bench_parse DIR [--threads N]")?);
    let threads: usize = args
        .iter()
        .position(|a| a == "--threads")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1)
        .max(1);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let opts = ParseOptions::default();
    let first = match files.first() {
        Some(f) => Some(std::fs::read(f)?),
        None => None,
    };
    let next = AtomicUsize::new(0);
    // The wall time runs from when every worker is warm to when the last one is done.
    let ready = std::sync::Barrier::new(threads);
    let results: Vec<(u64, Duration, usize, usize, Instant, Instant)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    // Warm up (the lexicon, the tables, this thread's regex caches) outside
                    // the timing, on the worker as `referat ingest` does: the first thread to
                    // use a regex owns its cache; the others take one from its pool.
                    if let Some(data) = &first {
                        let _ = prepare_bytes(data, &opts).and_then(|p| parse_prepared(&p, ""));
                    }
                    ready.wait();
                    let began = Instant::now();
                    let (mut bytes, mut busy, mut items, mut failed) =
                        (0u64, Duration::ZERO, 0usize, 0usize);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        let Ok(data) = std::fs::read(f) else {
                            failed += 1;
                            continue;
                        };
                        let t = Instant::now();
                        let r = prepare_bytes(&data, &opts)
                            .and_then(|p| parse_prepared(&p, &f.display().to_string()));
                        busy += t.elapsed();
                        bytes += data.len() as u64;
                        match r {
                            Ok(m) => items += m.items.len(),
                            Err(_) => failed += 1,
                        }
                    }
                    (bytes, busy, items, failed, began, Instant::now())
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let wall = match (
        results.iter().map(|r| r.4).min(),
        results.iter().map(|r| r.5).max(),
    ) {
        (Some(a), Some(b)) => (b - a).as_secs_f64(),
        _ => 0.0,
    };
    let bytes: u64 = results.iter().map(|r| r.0).sum();
    let items: usize = results.iter().map(|r| r.2).sum();
    let failed: usize = results.iter().map(|r| r.3).sum();
    // One thread: bytes over time spent parsing; several: bytes over wall time.
    let secs = if threads == 1 {
        results.iter().map(|r| r.1.as_secs_f64()).sum::<f64>()
    } else {
        wall
    };
    println!(
        "{}\t{}\t{:.3}\t{:.2}\t{}\t{}",
        files.len(),
        bytes,
        secs,
        bytes as f64 / 1e6 / secs.max(1e-9),
        items,
        failed
    );
    if let Some(out) = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1))
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        for f in &files {
            let name = f.display().to_string();
            let r =
                prepare_bytes(&std::fs::read(f)?, &opts).and_then(|p| parse_prepared(&p, &name));
            match r {
                Ok(m) => serde_json::to_writer(&mut w, &m)?,
                Err(e) => {
                    serde_json::to_writer(&mut w, &serde_json::json!({"error": e.to_string()}))?
                }
            }
            writeln!(w)?;
        }
    }
    Ok(())
}
