//! Property test: mutated minutes never make the parser panic.
//!
//! The reference minutes are mutated the way real files get damaged (lines deleted,
//! inserted, swapped or duplicated; random bytes; truncation; CRLF line ends; blank lines
//! removed) and fed to `prepare_bytes` + `parse_prepared`. Whatever comes out must be an
//! `Ok` with sane spans or a one-line `Err` — never a panic. The case count is kept modest
//! so this runs in seconds in CI; `fuzz/` runs the same pipeline for longer.

use proptest::prelude::*;
use referat::parse::{self, ParseOptions};

const JUNE: &str =
    include_str!("../corpus/referat-fra-moede-i-kkr-midtjylland-den-18-juni-2025.txt");
const SEPT: &str =
    include_str!("../corpus/referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt");

/// Lines that exercise the template rules when inserted at random places.
const POOL: &[&str] = &[
    "SAG-2025-03032 chbn",
    "SAG-2025-",
    "1.1. Godkendelse af referat",
    "3.2",
    "4294967296.1. Overløb af nummeret",
    "0.0. Nul",
    " 7. Eventuelt",
    "Beslutning",
    "Indstilling",
    "Bemærkninger",
    "Det indstilles, at KKR Midtjylland godkender",
    "- ",
    "-",
    "5,8 mio. kr. (2024-niveau)",
    "210-265 mio. kr.",
    "99999999999999999999999999999999999999999999,999 mia. kr.",
    "den 31. februar 2025 kl. 25:61",
    "mødet den 18. juni",
    "https://www.kl.dk/media/liinn5uq/referat-fra-moede-",
    "\u{feff}",
    "\u{0c}",
    "æøå ÆØÅ Ã¦Ã¸Ã¥ ¢ø",
    "",
    " ",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    InsertLine(usize, String),
    SwapLines(usize, usize),
    DuplicateLine(usize),
    RandomBytes(usize, Vec<u8>),
    Truncate(usize),
    Crlf,
    RemoveBlankLines,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let any_line = prop_oneof![
        proptest::sample::select(POOL).prop_map(str::to_string),
        "\\PC{0,40}",
    ];
    prop_oneof![
        3 => any::<usize>().prop_map(Mutation::DeleteLine),
        3 => (any::<usize>(), any_line).prop_map(|(i, l)| Mutation::InsertLine(i, l)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Mutation::SwapLines(i, j)),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        2 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::RandomBytes(i, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => Just(Mutation::Crlf),
        1 => Just(Mutation::RemoveBlankLines),
    ]
}

fn apply(base: &str, muts: &[Mutation]) -> Vec<u8> {
    let mut bytes = base.as_bytes().to_vec();
    for m in muts {
        // Line operations work on raw byte lines, so earlier byte damage is kept.
        let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
        let n = lines.len().max(1);
        match m {
            Mutation::DeleteLine(i) => {
                if !lines.is_empty() {
                    lines.remove(i % lines.len());
                }
            }
            Mutation::InsertLine(i, l) => lines.insert(i % (lines.len() + 1), l.clone().into()),
            Mutation::SwapLines(i, j) => {
                if !lines.is_empty() {
                    lines.swap(i % n, j % n);
                }
            }
            Mutation::DuplicateLine(i) => {
                if !lines.is_empty() {
                    let l = lines[i % n].clone();
                    lines.insert(i % n, l);
                }
            }
            Mutation::RandomBytes(i, b) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, b.iter().copied());
                continue;
            }
            Mutation::Truncate(i) => {
                bytes.truncate(i % (bytes.len() + 1));
                continue;
            }
            Mutation::Crlf => {
                bytes = lines.join(&b"\r\n"[..]);
                continue;
            }
            Mutation::RemoveBlankLines => lines.retain(|l| !l.iter().all(u8::is_ascii_whitespace)),
        }
        bytes = lines.join(&b'\n');
    }
    bytes
}

fn check(bytes: &[u8], ocr_repair: bool, name: &str) {
    let opts = ParseOptions {
        ocr_repair,
        ..ParseOptions::default()
    };
    let prepared = match parse::prepare_bytes(bytes, &opts) {
        Ok(p) => p,
        Err(e) => {
            assert!(!e.to_string().contains('\n'), "error is one line: {e}");
            return;
        }
    };
    let source_chars = prepared.source_text.chars().count();
    let n = prepared.clean.text.chars().count();
    for i in [0, n / 2, n] {
        assert!(prepared.clean.source_offset(i) <= source_chars);
    }
    match parse::parse_prepared(&prepared, name) {
        Ok(m) => {
            assert!(!m.items.is_empty());
            for it in &m.items {
                assert!(
                    it.span.start <= it.span.end && it.span.end <= source_chars,
                    "item {} span {:?} outside 0..{source_chars}",
                    it.number,
                    it.span
                );
            }
            for a in &m.amounts {
                assert!(a.value.is_finite(), "amount {a:?}");
                assert!(a.span.start <= a.span.end && a.span.end <= source_chars);
            }
            serde_json::to_string(&m).expect("the model serialises");
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "error is one line: {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // PROPTEST_CASES=5000 for a long run outside CI.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_minutes_never_panic(
        sept in any::<bool>(),
        ocr in any::<bool>(),
        muts in proptest::collection::vec(mutation(), 0..12),
    ) {
        let (base, name) = if sept {
            (SEPT, "referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt")
        } else {
            (JUNE, "referat-fra-moede-i-kkr-midtjylland-den-18-juni-2025.txt")
        };
        check(&apply(base, &muts), ocr, name);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}", ocr in any::<bool>()) {
        check(text.as_bytes(), ocr, "x.txt");
    }
}

/// Regression inputs (from the fuzzer and the property test) stay fixed.
#[test]
fn regressions() {
    let cases: &[&[u8]] = &[
        b"1.1. A\nSAG-1",
        b"\n\n1.1. Titel\n",
        b"SAG-2025-03032 chbn\n",
        b"3.2\nSAG-2025-1 x\n3.1\nSAG-2025-2 y\n",
        b"1.1. A\n1.1. A\n1.1. A\n",
        "\u{feff}1.1. Å\r\nSAG-1 x\r\nBeslutning\r\n5 kr.".as_bytes(),
        // A reported decision whose sentence ends inside "har … besluttet" (generated minutes).
        "SAG-2011-21422 knp\nDanmarks Erhvervsfremmebestyrelse har den 1. december 2011 besluttet\n\nBørne- og Skoleudvalget, Billund Kommune | 13-08-2012".as_bytes(),
        // A char whose standard lower case is shorter (the Kelvin sign) before a relation
        // phrase: offsets found in the lowered text must still slice the original.
        "1.1. Titel\nSAG-2025-1 x\n\n\u{212a} Anne Hansen \u{2014}formand for KL.\n".as_bytes(),
        "1.1. Titel\nSAG-2025-1 x\n\n\u{130} Regionen opretter\u{2014}Ny Enhed.\n".as_bytes(),
    ];
    // Digit runs too long for an f64 (which parses them as infinity), alone and scaled.
    let huge = "0".repeat(309);
    let long_numbers = [
        format!("1.1. Titel\nSAG-2025-1 x\n\nI alt 1{huge} kr.\n"),
        format!(
            "1.1. Titel\nSAG-2025-1 x\n\nI alt 1{} mia. kr. og 5-1{huge} kr.\n",
            &huge[..300]
        ),
    ];
    for c in cases
        .iter()
        .copied()
        .chain(long_numbers.iter().map(|s| s.as_bytes()))
    {
        check(c, true, "x.txt");
        check(c, false, "referat-den-3-september-2025.txt");
    }
}
