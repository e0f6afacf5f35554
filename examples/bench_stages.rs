//! Where parse time goes, stage by stage, for whoever makes the parser faster.
//!
//! Reads every `*.txt` file of a folder into memory, then on one thread times the whole of
//! `prepare_bytes` + `parse_prepared` (what `bench_parse` measures), and in a second pass,
//! per document and in pipeline order: decoding, cleaning, OCR damage detection, repair
//! where damage is found, and the template structure. Prints nanoseconds per byte of
//! minutes for each, and what the parse spends after the structure (entities, references,
//! amounts). One untimed document first loads the lexicon and tables. In the second pass
//! the OCR verdict caches already hold every token of the folder, so its detection and
//! repair figures are their floor; the first pass starts as an ingest does.
//!
//! Usage: `cargo run --release --example bench_stages -- DIR`

use referat::parse::{lexicon, parse_prepared, prepare_bytes, structure, ParseOptions};
use referat::text::{self, ocr, CleanOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// mimalloc for Rust's allocations (see `referat::alloc`).
#[global_allocator]
static ALLOCATOR: referat::alloc::Allocator = referat::alloc::Allocator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: bench_stages DIR")?);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let docs: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let bytes: usize = docs.iter().map(Vec::len).sum();
    let opts = ParseOptions::default();
    if let Some(d) = docs.first() {
        let _ = prepare_bytes(d, &opts).and_then(|p| parse_prepared(&p, ""));
    }
    let lex = lexicon();
    let (mut prepare, mut parse) = (Duration::ZERO, Duration::ZERO);
    for d in &docs {
        let t = Instant::now();
        let Ok(p) = prepare_bytes(d, &opts) else {
            continue;
        };
        let t2 = Instant::now();
        let _ = parse_prepared(&p, "");
        prepare += t2 - t;
        parse += t2.elapsed();
    }
    let names = [
        "decode",
        "clean",
        "OCR detection",
        "OCR repair",
        "structure",
    ];
    let mut stage = [Duration::ZERO; 5];
    for d in &docs {
        let mut t = Instant::now();
        let mut lap = |k: usize, t: &mut Instant| {
            stage[k] += t.elapsed();
            *t = Instant::now();
        };
        let Ok(decoded) = text::decode(d) else {
            continue;
        };
        lap(0, &mut t);
        let clean = text::clean(&decoded.text, &CleanOptions::default());
        lap(1, &mut t);
        let report = ocr::detect(&clean.text, &clean.page_starts, lex);
        lap(2, &mut t);
        if report.damaged {
            let _ = ocr::repair(&clean.text, &report, lex);
        }
        lap(3, &mut t);
        let _ = structure::parse_structure(&clean.text, "");
        lap(4, &mut t);
    }
    let per_byte = |d: Duration| d.as_secs_f64() * 1e9 / bytes.max(1) as f64;
    println!("{} documents, {bytes} bytes, one thread", docs.len());
    for (name, d) in names.iter().zip(stage) {
        println!("{name:<34}{:>7.1} ns/B", per_byte(d));
    }
    let rest = parse.saturating_sub(stage[4]);
    println!(
        "{:<34}{:>7.1} ns/B",
        "entities, references, amounts",
        per_byte(rest)
    );
    let all = prepare + parse;
    println!(
        "{:<34}{:>7.1} ns/B = {:.2} MB/s",
        "prepare + parse",
        per_byte(all),
        bytes as f64 / 1e6 / all.as_secs_f64().max(1e-9)
    );
    Ok(())
}
