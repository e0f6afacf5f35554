//! Benchmark of the OCR letter repair on synthetic damage.
//!
//! Takes clean Danish minutes, damages them the way the June 2025 KKR scan was damaged
//! (rates in `data/ocr/damage-rates.tsv`), runs `detect` + `repair` and reports the share of
//! damaged words restored exactly and of sound words wrongly changed.
//!
//! Usage: `cargo run --release --example ocr_bench -- [--seed N] CLEAN.txt [CLEAN2.txt ...]`

use referat::text::ocr::{apply, detect, repair, Lexicon};
use std::time::Instant;

const RATES_TSV: &str = include_str!("../data/ocr/damage-rates.tsv");

/// Small deterministic generator (SplitMix64), so runs are repeatable without dependencies.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Rate {
    intended: char,
    observed: String,
    rate: f64,
    /// "char", "start", "inner" or "word" (see the data file).
    scope: String,
}

fn rates() -> Vec<Rate> {
    RATES_TSV
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let intended = c.first()?.chars().next()?;
            Some(Rate {
                intended,
                observed: c.get(1)?.to_string(),
                rate: c.get(2)?.trim().parse().ok()?,
                scope: c.get(3).map_or("char", |s| s.trim()).to_string(),
            })
        })
        .collect()
}

/// Crude cleaning for born-digital text: drop blank lines, join line-end hyphenation.
fn crude_clean(t: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for l in t
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
    {
        if let Some(last) = out.last_mut() {
            let hyphen =
                last.ends_with('-') && last.chars().rev().nth(1).is_some_and(char::is_alphabetic);
            if hyphen
                && l.trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
            {
                last.pop();
                last.push_str(l.trim_start());
                continue;
            }
        }
        out.push(l.to_string());
    }
    out.join("\n")
}

fn damage(text: &str, rates: &[Rate], rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 64);
    for (i, &c) in chars.iter().enumerate() {
        let first = i == 0 || !chars[i - 1].is_alphanumeric();
        let alone = first && chars.get(i + 1).is_none_or(|n| !n.is_alphanumeric());
        let fits = |r: &Rate| match r.scope.as_str() {
            "word" => alone,
            "start" => first,
            "inner" => !first,
            _ => true,
        };
        let mut roll = rng.next_f64();
        let mut done = false;
        for r in rates.iter().filter(|r| r.intended == c && fits(r)) {
            if roll < r.rate {
                out.push_str(&r.observed);
                done = true;
                break;
            }
            roll -= r.rate;
        }
        if !done {
            out.push(c);
        }
    }
    out
}

fn words(t: &str) -> Vec<&str> {
    t.split_whitespace().collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut seed = 1u64;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--seed" {
            seed = args.next().ok_or("--seed needs a number")?.parse()?;
        } else {
            files.push(a);
        }
    }
    if files.is_empty() {
        return Err("usage: ocr_bench [--seed N] CLEAN.txt ...".into());
    }
    let t0 = Instant::now();
    let lex = Lexicon::load()?;
    println!(
        "lexicon: {} words, system list: {}, loaded in {:.0?}",
        lex.len(),
        lex.has_system_wordlist(),
        t0.elapsed()
    );
    let rates = rates();
    let mut rng = Rng(seed);
    let (mut damaged, mut restored, mut sound, mut wrong, mut clean_changes) = (0, 0, 0, 0, 0);
    let mut total_time = std::time::Duration::ZERO;
    let mut failures: Vec<String> = Vec::new();
    for f in &files {
        let clean = crude_clean(&std::fs::read_to_string(f)?);
        let noisy = damage(&clean, &rates, &mut rng);
        let t1 = Instant::now();
        let report = detect(&noisy, &[], &lex);
        let changes = repair(&noisy, &report, &lex);
        total_time += t1.elapsed();
        let fixed = apply(&noisy, &changes);
        let clean_report = detect(&clean, &[], &lex);
        clean_changes += repair(&clean, &clean_report, &lex).len();
        let (wc, wn, wf) = (words(&clean), words(&noisy), words(&fixed));
        if wc.len() != wn.len() || wc.len() != wf.len() {
            return Err(format!("{f}: word counts differ after damage/repair").into());
        }
        for ((c, n), x) in wc.iter().zip(&wn).zip(&wf) {
            if !c.chars().any(char::is_alphabetic) {
                continue;
            }
            if c != n {
                damaged += 1;
                if c == x {
                    restored += 1;
                } else {
                    failures.push(format!("{c} -> {n} -> {x}"));
                }
            } else {
                sound += 1;
                if c != x {
                    wrong += 1;
                    failures.push(format!("SOUND {c} -> {x}"));
                }
            }
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    if std::env::var_os("OCR_BENCH_VERBOSE").is_some() {
        for l in &failures {
            println!("  {l}");
        }
    }
    println!("seed: {seed}");
    println!("damaged words: {damaged}");
    println!(
        "restored exactly: {restored} ({:.2} %)",
        pct(restored, damaged)
    );
    println!(
        "sound words wrongly changed: {wrong} of {sound} ({:.3} %)",
        pct(wrong, sound)
    );
    println!("changes on the undamaged text: {clean_changes}");
    println!("detect+repair time: {total_time:.1?}");
    Ok(())
}
