//! Runs of two to four capitalised words, found without a regex.
//!
//! People are looked for in every item, and the regex
//! `\b\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?(?: \p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?){1,3}\b`
//! (whose Unicode `\b` keeps the regex crate off its fast engines, so it ran as a
//! candidate scan plus a check of each candidate) was a visible share of the parse.
//! [`name_runs`] finds exactly that regex's matches in one pass over the bytes: the
//! lower-case ASCII between capitals is skipped eight bytes at a time, and only at a
//! capital with a word boundary before it are words read. Unit tests hold it to the regex.

use once_cell::sync::Lazy;

const UPPER: u8 = 1;
const LOWER: u8 = 2;
const WORD: u8 = 4;

/// Chars below this are classified by table; the rest by bisection of the class ranges.
const TABLE_CHARS: usize = 0x250;

/// General categories `Lu` and `Ll` (as the regex crate reads `\p{Lu}`, `\p{Ll}`) and the
/// word chars of its `\b`.
struct Classes {
    upper: Vec<(char, char)>,
    lower: Vec<(char, char)>,
    table: [u8; TABLE_CHARS],
}

/// The ranges of a one-class pattern, read from the regex crate's own tables.
fn class_ranges(pattern: &str) -> Vec<(char, char)> {
    use regex_syntax::hir::{Class, HirKind};
    match regex_syntax::parse(pattern).map(|h| h.into_kind()) {
        Ok(HirKind::Class(Class::Unicode(c))) => {
            c.ranges().iter().map(|r| (r.start(), r.end())).collect()
        }
        _ => Vec::new(),
    }
}

static CLASSES: Lazy<Classes> = Lazy::new(|| {
    let upper = class_ranges(r"\p{Lu}");
    let lower = class_ranges(r"\p{Ll}");
    let mut table = [0u8; TABLE_CHARS];
    for (i, slot) in table.iter_mut().enumerate() {
        let c = char::from_u32(i as u32).unwrap_or('\0');
        if in_ranges(&upper, c) {
            *slot |= UPPER;
        }
        if in_ranges(&lower, c) {
            *slot |= LOWER;
        }
        if regex_syntax::is_word_character(c) {
            *slot |= WORD;
        }
    }
    Classes {
        upper,
        lower,
        table,
    }
});

/// Whether `c` lies in sorted, non-overlapping ranges.
fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    let i = ranges.partition_point(|&(a, _)| a <= c);
    i > 0 && c <= ranges[i - 1].1
}

impl Classes {
    fn flags(&self, c: char) -> u8 {
        if let Some(&f) = self.table.get(c as usize) {
            return f;
        }
        let mut f = 0;
        if in_ranges(&self.upper, c) {
            f |= UPPER;
        }
        if in_ranges(&self.lower, c) {
            f |= LOWER;
        }
        if regex_syntax::is_word_character(c) {
            f |= WORD;
        }
        f
    }

    /// Flags and UTF-8 length of the char at byte `i` (a char boundary); none at the end.
    #[inline(always)]
    fn at(&self, text: &str, i: usize) -> (u8, usize) {
        match text.as_bytes().get(i) {
            None => (0, 0),
            Some(&b) if b < 0x80 => (self.table[usize::from(b)], 1),
            Some(_) => text[i..]
                .chars()
                .next()
                .map_or((0, 0), |c| (self.flags(c), c.len_utf8())),
        }
    }

    /// End of the run of `Ll` chars from `i` (`i` itself when there is none).
    fn lower_run(&self, text: &str, mut i: usize) -> usize {
        let bytes = text.as_bytes();
        loop {
            while bytes.get(i).is_some_and(u8::is_ascii_lowercase) {
                i += 1;
            }
            let (f, len) = self.at(text, i);
            if f & LOWER == 0 {
                return i;
            }
            i += len;
        }
    }

    /// Where a capitalised word starting at `i` can end, in the regex's order of
    /// preference: with its hyphenated second part if it has one, then without.
    fn word_ends(&self, text: &str, i: usize) -> ([usize; 2], usize) {
        let (f, len) = self.at(text, i);
        if f & UPPER == 0 {
            return ([0; 2], 0);
        }
        let e1 = self.lower_run(text, i + len);
        if e1 == i + len {
            return ([0; 2], 0);
        }
        if text.as_bytes().get(e1) == Some(&b'-') {
            let (g, glen) = self.at(text, e1 + 1);
            if g & UPPER != 0 {
                let start = e1 + 1 + glen;
                let e2 = self.lower_run(text, start);
                if e2 > start {
                    return ([e2, e1], 2);
                }
            }
        }
        ([e1, 0], 1)
    }

    /// The end of the regex's preferred match that has read `count` words up to `pos`.
    fn rest(&self, text: &str, pos: usize, count: usize) -> Option<usize> {
        if count < 4 && text.as_bytes().get(pos) == Some(&b' ') {
            let (ends, n) = self.word_ends(text, pos + 1);
            for &e in &ends[..n] {
                if let Some(r) = self.rest(text, e, count + 1) {
                    return Some(r);
                }
            }
        }
        // The last char read is a word char (`Ll`): `\b` holds when the next is not one.
        if count >= 2 && self.at(text, pos).0 & WORD == 0 {
            return Some(pos);
        }
        None
    }
}

/// Offset of the first byte at or after `i` that is an ASCII capital or not ASCII (where a
/// capitalised word can start), or the text end. Eight bytes at a time: the text between
/// capitals is mostly lower-case ASCII.
fn next_interesting(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let x = u64::from_le_bytes(w);
        // Per byte: the high bit is set where the byte is >= 0x80 or in `A..=Z`
        // (for a byte below 0x80, `b + (0x80 - 'A')` reaches 0x80 from 'A' on, and
        // `b + (0x80 - 'Z' - 1)` from past 'Z' on; no carry crosses bytes below 0x80).
        let low = x & !HIGH;
        let ge_a = low + ONES * u64::from(0x80 - b'A');
        let gt_z = low + ONES * u64::from(0x80 - b'Z' - 1);
        let hits = (x | (ge_a & !gt_z)) & HIGH;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] < 0x80 && !bytes[i].is_ascii_uppercase() {
        i += 1;
    }
    i
}

/// The byte ranges of the module's regex's `find_iter` matches in `text`: a capitalised
/// word (`Hansen`, `Anne-Marie`), then one to three more, each after one space.
pub(crate) fn name_runs(text: &str) -> Vec<(usize, usize)> {
    let cl = &*CLASSES;
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut out = Vec::new();
    let mut i = next_interesting(bytes, 0);
    while i < n {
        let (f, len) = cl.at(text, i);
        // `\b` before a capital (a word char) needs the char before not to be one.
        let boundary = || {
            text[..i]
                .chars()
                .next_back()
                .is_none_or(|c| cl.flags(c) & WORD == 0)
        };
        if f & UPPER != 0 && boundary() {
            let (ends, k) = cl.word_ends(text, i);
            if let Some(e) = ends[..k].iter().find_map(|&e| cl.rest(text, e, 1)) {
                out.push((i, e));
                i = next_interesting(bytes, e);
                continue;
            }
        }
        i = next_interesting(bytes, i + len.max(1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    /// The regex [`name_runs`] stands for.
    const NAME_PATTERN: &str =
        r"\b\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?(?: \p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?){1,3}\b";

    fn by_regex(text: &str) -> Vec<(usize, usize)> {
        static RE: Lazy<Regex> = Lazy::new(|| Regex::new(NAME_PATTERN).unwrap());
        RE.find_iter(text).map(|m| (m.start(), m.end())).collect()
    }

    #[test]
    fn finds_what_the_regex_finds_in_the_reference_minutes() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        let mut seen = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                let t = std::fs::read_to_string(&p).unwrap();
                let runs = name_runs(&t);
                assert_eq!(runs, by_regex(&t), "{}", p.display());
                seen += runs.len();
            }
        }
        assert!(seen > 50, "only {seen} name runs in the reference minutes");
    }

    #[test]
    fn eight_byte_skip_stops_where_the_byte_walk_does() {
        let walk = |b: &[u8], mut i: usize| {
            while i < b.len() && b[i] < 0x80 && !b[i].is_ascii_uppercase() {
                i += 1;
            }
            i
        };
        for v in 0..=255u8 {
            for at in 0..20 {
                let mut b = vec![b'a'; 20];
                b[at] = v;
                for from in [0, 3, 12] {
                    assert_eq!(next_interesting(&b, from), walk(&b, from), "{v} at {at}");
                }
            }
        }
    }

    #[test]
    fn backtracks_as_the_regex_does() {
        for t in [
            "Anne Marie Hansen Jensen Olsen",
            "Hans Anne-MarieX og Ib",
            "Hans Anne-Marie og Ib Ås",
            "Hans Anne-",
            "Ib Ås-Øster",
            "XYZ Ab Cd",
            "_Ab Cd Ab Cd",
            "Ab  Cd Ef Gh",
            "Ab Cd1 Ef Gh",
            "Ab Cd\u{301} Ef",
            "Ǆa Ab Ab",
            "Ab Ǆa Ab",
            "Ab ǅa Ab",
            "Ⅰab Ab Ab",
            "Ab Cdª",
            "Dorte Jensen, Søren Ørsted-Ågård Hansen.",
        ] {
            assert_eq!(name_runs(t), by_regex(t), "{t:?}");
        }
        assert_eq!(name_runs("Hans Anne-MarieX"), vec![(0, 9)]);
    }

    /// Texts of word-like pieces (capitalised words and others that start, continue or
    /// break one), mostly joined by single spaces, so runs of two to five words are common.
    fn texts() -> impl Strategy<Value = String> {
        let words = vec![
            "Ab",
            "Æble",
            "Øst",
            "İx",
            "Ab-Cd",
            "Ab-",
            "-Cd",
            "ab",
            "æø",
            "A",
            "AB",
            "Ǆa",
            "ǅa",
            "Ⅰa",
            "a\u{301}",
            "Ab\u{301}",
            "1",
            "_",
            "ß",
            "ª",
            "ʰ",
            "Abª",
        ];
        let joins = vec![" ", " ", " ", " ", " ", "  ", "", "-", ",", ".", "\n"];
        proptest::collection::vec(
            (
                proptest::sample::select(words),
                proptest::sample::select(joins),
            ),
            0..12,
        )
        .prop_map(|v| v.into_iter().flat_map(|(w, j)| [w, j]).collect())
    }

    proptest! {
        #[test]
        fn same_as_the_regex(t in texts()) {
            prop_assert_eq!(name_runs(&t), by_regex(&t));
        }
    }
}
