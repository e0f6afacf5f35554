//! Lexicon coverage: the share of word tokens (3+ letters) of the cleaned (and, where
//! damaged, repaired) text that the OCR lexicon knows. Issue 3's yardstick: an OCR'd
//! document after repair should score at least as high as born-digital minutes. URLs and
//! case lines (officer initials) are left out: they hold no words.
//!
//! usage: cargo run --release --example lexicon_coverage -- FILE...

use referat::parse::{self, ParseOptions};
use std::path::Path;

fn main() {
    let lex = parse::lexicon();
    for arg in std::env::args().skip(1) {
        for repair in [false, true] {
            let opts = ParseOptions {
                ocr_repair: repair,
                ..ParseOptions::default()
            };
            let p = match parse::prepare_file(Path::new(&arg), &opts) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{arg}: {e}");
                    std::process::exit(1);
                }
            };
            let (mut n, mut known) = (0usize, 0usize);
            let mut missing: std::collections::BTreeMap<String, usize> = Default::default();
            // URLs and case lines (officer initials) hold no words: leave them out.
            let words_only: String = p
                .clean
                .text
                .lines()
                .filter(|l| !l.trim_start().starts_with("SAG-"))
                .flat_map(|l| l.split_whitespace())
                .filter(|w| !w.contains("://") && !w.starts_with("www."))
                .collect::<Vec<_>>()
                .join(" ");
            for tok in words_only.split(|c: char| !c.is_alphabetic()) {
                if tok.chars().count() < 3 {
                    continue;
                }
                n += 1;
                if lex.contains(tok) {
                    known += 1;
                } else {
                    *missing.entry(tok.to_string()).or_default() += 1;
                }
            }
            println!(
                "{arg}\trepair={repair}\ttokens={n}\tknown={known}\tcoverage={:.4}",
                known as f64 / n.max(1) as f64
            );
            if repair && std::env::var_os("VERBOSE").is_some() {
                let mut v: Vec<_> = missing.into_iter().collect();
                v.sort_by_key(|(_, c)| std::cmp::Reverse(*c));
                for (w, c) in v.iter().take(40) {
                    println!("  {c}\t{w}");
                }
            }
        }
    }
}
