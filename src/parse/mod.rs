//! Parse stage: clean text → the typed [`Minutes`] model.
//!
//! `parse_document` is the one entry point: it decodes, cleans, repairs OCR damage, reads
//! the template structure, and then extracts references and amounts per item. Each
//! sub-module owns one kind of fact so its rules can be tested on their own.

pub mod dates;
pub mod entities;
mod gated;
pub mod money;
mod name_runs;
pub mod references;
pub mod structure;

use crate::model::{Amount, Minutes, Source, Span};
use crate::text::{self, CleanOptions, CleanText};
use once_cell::sync::Lazy;
use regex::Regex;
use sha2::{Digest, Sha256};
use std::path::Path;
use thiserror::Error;

/// Why a document could not be parsed. The message is one line; the CLI prefixes the file.
#[derive(Debug, Error)]
pub enum ParseError {
    // No `#[from]`/source: the CLI prints the error chain, and the reason must appear once.
    #[error("cannot read the file: {0}")]
    Io(std::io::Error),
    #[error(transparent)]
    Decode(#[from] text::DecodeError),
    #[error(
        "the text is not minutes in the KL template: no case lines (SAG-…) or numbered items found"
    )]
    NotMinutes,
    #[error("the file is too large ({0} bytes; limit {1})")]
    TooLarge(u64, u64),
}

/// Options of a parse run.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Repair OCR letter damage (æ/ø/å) where it is detected.
    pub ocr_repair: bool,
    /// Refuse files larger than this many bytes (minutes are well under 10 MB of text).
    pub max_bytes: u64,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            ocr_repair: true,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Clean text of a document plus what was done to it (shared by `text` and `parse`).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub source_text: String,
    pub clean: CleanText,
    pub sha256: String,
    pub ocr_repaired: bool,
    /// Every OCR repair, with char offsets into the text as it was before repair.
    pub ocr_changes: Vec<text::ocr::Change>,
    pub warnings: Vec<String>,
}

/// The Danish lexicon for OCR repair: the system word list plus the gazetteer's names, so
/// organisation names count as known words. Loaded once per process.
static LEXICON: Lazy<text::ocr::Lexicon> = Lazy::new(|| {
    let mut lex = text::ocr::Lexicon::load()
        .unwrap_or_else(|_| text::ocr::Lexicon::from_words(Vec::<String>::new()));
    // Modern administrative words the system list lacks (data/ocr/extra-words.txt).
    lex.add_names(
        include_str!("../../data/ocr/extra-words.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#')),
    );
    let g = &*entities::GAZETTEER;
    lex.add_names(g.entries.iter().flat_map(|e| {
        std::iter::once(e.name.as_str()).chain(e.aliases.iter().map(String::as_str))
    }));
    lex
});

/// The lexicon used for OCR repair (shared with benchmarks and tests).
pub fn lexicon() -> &'static text::ocr::Lexicon {
    &LEXICON
}

/// Read and clean one file.
pub fn prepare_file(path: &Path, opts: &ParseOptions) -> Result<Prepared, ParseError> {
    prepare_bytes(&read_file(path, opts)?, opts)
}

/// The bytes of one file, refused as [`prepare_file`] refuses it (a folder, a FIFO or
/// device, over `opts.max_bytes`), so a caller can look at them (hash them to skip an
/// unchanged file) before paying for the parse.
pub fn read_file(path: &Path, opts: &ParseOptions) -> Result<Vec<u8>, ParseError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(ParseError::Io(std::io::Error::other("it is a directory")));
    }
    // Opening a FIFO (or a device) can block forever or never end: read regular files only.
    if !meta.is_file() {
        return Err(ParseError::Io(std::io::Error::other(
            "it is not a regular file (a FIFO, socket or device)",
        )));
    }
    if meta.len() > opts.max_bytes {
        return Err(ParseError::TooLarge(meta.len(), opts.max_bytes));
    }
    // Read at most one byte past the limit: a file that grows after the size check is
    // still refused without being read into memory whole.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(path)?, opts.max_bytes.saturating_add(1)),
        &mut bytes,
    )?;
    Ok(bytes)
}

/// The SHA-256 of a source file's bytes, in hex: what [`crate::model::Source`]'s `sha256` holds and
/// the store's manifest compares.
pub fn source_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Decode and clean bytes.
pub fn prepare_bytes(bytes: &[u8], opts: &ParseOptions) -> Result<Prepared, ParseError> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(ParseError::TooLarge(bytes.len() as u64, opts.max_bytes));
    }
    let sha256 = source_sha256(bytes);
    let decoded = text::decode(bytes)?;
    let mut warnings: Vec<String> = decoded.warning.into_iter().collect();
    let mut clean = text::clean(&decoded.text, &CleanOptions::default());
    let mut ocr_repaired = false;
    let mut ocr_changes = Vec::new();
    if opts.ocr_repair {
        let lex = lexicon();
        let report = text::ocr::detect(&clean.text, &clean.page_starts, lex);
        if report.damaged {
            if !lex.has_system_wordlist() {
                warnings.push(
                    "OCR damage detected but no Danish word list found (install Debian's wdanish or set REFERAT_WORDLIST): repair is limited".to_string(),
                );
            }
            let changes = text::ocr::repair(&clean.text, &report, lex);
            let repl: Vec<(usize, usize, String)> = changes
                .iter()
                .map(|c| (c.start, c.end, c.to.clone()))
                .collect();
            clean.apply_replacements(&repl);
            ocr_repaired = true;
            ocr_changes = changes;
        }
    }
    if clean.text.trim().is_empty() {
        warnings.push("nothing left after cleaning".to_string());
    }
    Ok(Prepared {
        source_text: decoded.text,
        clean,
        sha256,
        ocr_repaired,
        ocr_changes,
        warnings,
    })
}

impl From<std::io::Error> for ParseError {
    fn from(e: std::io::Error) -> Self {
        ParseError::Io(e)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

static URL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(https?://|www\.)[^\s<>()]+[^\s<>().,;:]")
        .unwrap_or_else(|_| Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!()))
});

/// Parse one file into the model.
pub fn parse_file(path: &Path, opts: &ParseOptions) -> Result<Minutes, ParseError> {
    let prepared = prepare_file(path, opts)?;
    parse_prepared(&prepared, &path.display().to_string())
}

/// Parse already prepared text; `path` names the source in the output and gives the
/// fallback date from KL's file naming.
pub fn parse_prepared(p: &Prepared, path: &str) -> Result<Minutes, ParseError> {
    let stem = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let text = &p.clean.text;
    let s = structure::parse_structure(text, &stem).ok_or(ParseError::NotMinutes)?;
    if s.items.is_empty() {
        return Err(ParseError::NotMinutes);
    }
    // Byte ranges of the items (their char ranges found in one walk over the text): item
    // texts are slices of the clean text, not copies.
    let byte_ranges = byte_ranges(text, &s.item_ranges);
    let to_source = |i: usize| p.clean.source_offset(i);
    let mut items = s.items;
    let mut references = Vec::new();
    let mut amounts = Vec::new();
    for (k, item) in items.iter_mut().enumerate() {
        let (a, b) = s.item_ranges[k];
        let item_text = &text[byte_ranges[k].0..byte_ranges[k].1];
        item.urls = URL
            .find_iter(item_text)
            .map(|m| m.as_str().to_string())
            .fold(Vec::new(), |mut v, u| {
                if !v.contains(&u) {
                    v.push(u);
                }
                v
            });
        item.span = Span {
            start: to_source(a),
            end: to_source(b),
        };
        references.extend(references::item_references(
            item,
            item_text,
            a,
            s.meeting.body.as_deref(),
            s.meeting.date.as_deref(),
            &to_source,
        ));
        let mut chars = CharCursor::new(item_text);
        for f in money::find_amounts(item_text) {
            let start = a + chars.at(f.start);
            let end = a + chars.at(f.end);
            amounts.push(Amount {
                item: Some(item.number.clone()).filter(|n| !n.is_empty()),
                value: f.value,
                value_max: f.value_max,
                currency: "DKK".to_string(),
                per: f.per,
                year: f.year,
                text: f.text,
                span: Span {
                    start: to_source(start),
                    end: to_source(end),
                },
            });
        }
    }
    // Entities, per item, on the item text with single line breaks folded to spaces
    // (same length, so offsets stay valid).
    let flats: Vec<String> = byte_ranges
        .iter()
        .map(|&(a, b)| fold_single_newlines(&text[a..b]))
        .collect();
    let span_fns: Vec<Box<dyn Fn(usize, usize) -> Span + '_>> = s
        .item_ranges
        .iter()
        .zip(flats.iter())
        .map(|(&(a, _), flat)| {
            let chars = std::cell::RefCell::new(CharCursor::new(flat));
            let f: Box<dyn Fn(usize, usize) -> Span + '_> =
                Box::new(move |bs: usize, be: usize| {
                    let mut chars = chars.borrow_mut();
                    let cs = a + chars.at(bs.min(flat.len()));
                    let ce = a + chars.at(be.min(flat.len()));
                    Span {
                        start: to_source(cs),
                        end: to_source(ce),
                    }
                });
            f
        })
        .collect();
    let units: Vec<entities::Unit<'_>> = items
        .iter()
        .zip(flats.iter())
        .zip(span_fns.iter())
        .map(|((it, flat), f)| entities::Unit {
            item: Some(it.number.clone()).filter(|n| !n.is_empty()),
            title: it.title.clone(),
            text: flat,
            span_of: f.as_ref(),
        })
        .collect();
    let ctx = entities::DocContext {
        body: s.meeting.body.as_deref(),
        year: s
            .meeting
            .date
            .as_deref()
            .and_then(|d| d.get(..4))
            .and_then(|y| y.parse().ok()),
    };
    let ents = entities::extract(&units, &ctx, &s.meeting.participants);
    drop(units);
    let mut warnings = p.warnings.clone();
    warnings.extend(s.warnings);
    if s.meeting.date.is_none() {
        // Undated minutes are stored under an `undated-…` meeting and fall out of every
        // listing by date: worth a word (an ingest may still date them from earlier minutes,
        // and then drops this warning).
        warnings.push(NO_DATE_WARNING.to_string());
    }
    Ok(Minutes {
        source: Source {
            path: path.to_string(),
            sha256: p.sha256.clone(),
            ocr_repaired: p.ocr_repaired,
            chars: p.source_text.chars().count(),
        },
        meeting: s.meeting,
        sections: s.sections,
        items,
        persons: ents.persons,
        organisations: ents.organisations,
        amounts,
        references,
        reported_decisions: ents.reported_decisions,
        requests: ents.requests,
        relations: ents.relations,
        warnings,
    })
}

/// Where each of a table's phrases occurs in `hay`, found in one pass of `finder` (built
/// from `phrases`, in order): per phrase, the occurrences that repeated `str::find` from
/// the end of the last one visits (left to right, none overlapping the one before).
/// Replaces a search per phrase; a phrase listed twice is found under its first index.
pub(crate) fn phrase_occurrences(
    finder: &aho_corasick::AhoCorasick,
    phrases: &[&str],
    hay: &str,
) -> Vec<Vec<usize>> {
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); phrases.len()];
    for m in finder.find_overlapping_iter(hay) {
        let k = m.pattern().as_usize();
        let k = phrases.iter().position(|p| *p == phrases[k]).unwrap_or(k);
        let at = m.start();
        let len = phrases[k].len();
        if found[k].last().is_none_or(|&prev| at >= prev + len.max(1)) {
            found[k].push(at);
        }
    }
    found
}

/// The warning for minutes without a date on the cover or in the file name.
pub const NO_DATE_WARNING: &str =
    "no meeting date found (none on the cover, none in the file name): the meeting is stored as undated";

/// Lower-case phrases found in text of any case, with the offsets and the answer of
/// [`phrase_occurrences`] on `lowercase_aligned(text)`, without making that lower-cased
/// copy of the text (a copy per item was a quarter of the relation search). ASCII letters
/// match either case; every other char of a phrase is spelled out in each char that
/// `lowercase_aligned` lowers to it (æ as æ and Æ), so the patterns are the phrase's
/// spellings in the original text.
pub(crate) struct CaselessPhrases {
    finder: Option<aho_corasick::AhoCorasick>,
    /// The phrase (its first index in the table) of each pattern.
    phrase_of: Vec<usize>,
    /// Each phrase's length in bytes (the same in every spelling).
    lens: Vec<usize>,
}

/// A char as `lowercase_aligned` lowers it: to its lower case where that is one char of
/// the same UTF-8 length, else unchanged.
fn lower_aligned_char(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(s), None) if s.len_utf8() == c.len_utf8() => s,
        _ => c,
    }
}

/// Whether `text` starts with a stretch whose `lowercase_aligned` is `lower` (compared char
/// by char, without lowering a copy).
pub(crate) fn starts_with_lowered(text: &str, lower: &str) -> bool {
    let Some(head) = text.get(..lower.len()) else {
        return false;
    };
    // Lowering keeps every char's length, so equal lengths pair the chars up.
    head.chars()
        .zip(lower.chars())
        .all(|(c, l)| c == l || lower_aligned_char(c) == l)
}

/// Every spelling of `phrase` whose `lowercase_aligned` is `phrase`, with ASCII letters
/// left to the finder's ASCII case folding. None for a phrase holding an ASCII capital
/// (or a char no text char lowers to): no lowered text holds it.
fn aligned_spellings(phrase: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for p in phrase.chars() {
        let spellings: Vec<char> = if p.is_ascii() {
            if p.is_ascii_uppercase() {
                return Vec::new();
            }
            vec![p]
        } else {
            // Only a char of the same UTF-8 length lowers to `p`.
            let range = match p.len_utf8() {
                2 => 0x80..=0x7ff,
                3 => 0x800..=0xffff,
                _ => 0x10000..=0x10ffff,
            };
            range
                .filter_map(char::from_u32)
                .filter(|&c| lower_aligned_char(c) == p)
                .collect()
        };
        out = out
            .iter()
            .flat_map(|prefix| {
                spellings.iter().map(move |&c| {
                    let mut s = prefix.clone();
                    s.push(c);
                    s
                })
            })
            .collect();
    }
    out
}

impl CaselessPhrases {
    /// A finder for `phrases` (lower case, as `phrase_occurrences` takes them).
    pub(crate) fn new(phrases: &[&str]) -> CaselessPhrases {
        let mut patterns: Vec<String> = Vec::new();
        let mut phrase_of = Vec::new();
        for (k, phrase) in phrases.iter().enumerate() {
            let first = phrases.iter().position(|p| p == phrase).unwrap_or(k);
            if first != k {
                continue;
            }
            for spelling in aligned_spellings(phrase) {
                patterns.push(spelling);
                phrase_of.push(k);
            }
        }
        let finder = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&patterns)
            .ok();
        CaselessPhrases {
            finder,
            phrase_of,
            lens: phrases.iter().map(|p| p.len()).collect(),
        }
    }

    /// `phrase_occurrences(finder, phrases, &lowercase_aligned(hay))`, searched in `hay`.
    pub(crate) fn occurrences(&self, hay: &str) -> Vec<Vec<usize>> {
        let mut found: Vec<Vec<usize>> = vec![Vec::new(); self.lens.len()];
        let Some(finder) = &self.finder else {
            return found;
        };
        for m in finder.find_overlapping_iter(hay) {
            let k = self.phrase_of[m.pattern().as_usize()];
            let at = m.start();
            let len = self.lens[k];
            if found[k].last().is_none_or(|&prev| at >= prev + len.max(1)) {
                found[k].push(at);
            }
        }
        found
    }
}

/// `text.to_lowercase()`, faster on Danish text: ASCII and Latin-1 letters (æ, ø, å, é …)
/// are lower-cased by table, the rest char by char as the standard library does. A text
/// holding a capital sigma goes to the standard library whole, since its lower case depends
/// on the letters around it.
pub(crate) fn lowercase(text: &str) -> String {
    if text.contains('\u{3a3}') {
        return text.to_lowercase();
    }
    lower_with(text, |c, out| match c {
        // Latin-1 capitals (not the multiplication sign) are their small letter - 0x20.
        '\u{c0}'..='\u{de}' if c != '\u{d7}' => {
            out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c));
        }
        c if (c as u32) < 0x100 => out.push(c),
        c => out.extend(c.to_lowercase()),
    })
}

/// Lower case that keeps every char's byte offset: a char whose lower case is one char of
/// the same UTF-8 length is lowered, any other (`İ`, the Kelvin sign, a capital sigma …)
/// is kept as it is. Code that finds a phrase in the lowered text and then slices the
/// original text at the same offsets needs this; `lowercase` can change the length.
pub(crate) fn lowercase_aligned(text: &str) -> String {
    lower_with(text, |c, out| out.push(lower_aligned_char(c)))
}

/// The walk both lower cases share: runs of ASCII (most of a Danish text) are copied and
/// lowered in place, and each other char is handed to `other` to write.
fn lower_with(text: &str, other: impl Fn(char, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let n = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let from = out.len();
        out.push_str(&rest[..n]);
        out[from..].make_ascii_lowercase();
        rest = &rest[n..];
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        other(c, &mut out);
        rest = chars.as_str();
    }
    out
}

/// The lower-cased start of `rest` (which may be long): its leading white space and `n`
/// more chars, through the next white space, lowered by `lowercase_aligned` so that a
/// phrase's length in it is its length in `rest` too.
pub(crate) fn lower_head(rest: &str, n: usize) -> String {
    let mut it = rest.char_indices().skip_while(|(_, c)| c.is_whitespace());
    let cut = it
        .by_ref()
        .nth(n)
        .and_then(|_| it.find(|(_, c)| c.is_whitespace()))
        .map_or(rest.len(), |(i, c)| i + c.len_utf8());
    lowercase_aligned(&rest[..cut])
}

/// Char offsets of byte offsets in one text, counted on from the last one asked (offsets
/// mostly come in order: counting each from the text start made long items quadratic).
struct CharCursor<'t> {
    text: &'t str,
    byte: usize,
    chars: usize,
}

impl<'t> CharCursor<'t> {
    fn new(text: &'t str) -> Self {
        CharCursor {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// `text[..b].chars().count()` (`b` a char boundary of the text).
    fn at(&mut self, b: usize) -> usize {
        if b < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..b].chars().count();
        self.byte = b;
        self.chars
    }
}

/// The byte ranges in `text` of char ranges (clamped to the text), found in one walk.
fn byte_ranges(text: &str, char_ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut wanted: Vec<usize> = char_ranges.iter().flat_map(|&(a, b)| [a, b]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut at: rustc_hash::FxHashMap<usize, usize> = rustc_hash::FxHashMap::default();
    let mut w = wanted.iter().peekable();
    for (ci, (bi, _)) in text.char_indices().enumerate() {
        while let Some(&&c) = w.peek() {
            if c > ci {
                break;
            }
            at.insert(c, bi);
            w.next();
        }
    }
    let byte = |c: usize| at.get(&c).copied().unwrap_or(text.len());
    char_ranges
        .iter()
        .map(|&(a, b)| (byte(a), byte(b).max(byte(a))))
        .collect()
}

/// Fold single line breaks to spaces, keeping paragraph breaks and list items, without
/// changing the length (so char and byte offsets stay valid). Every byte tested is ASCII,
/// which no byte inside a multi-byte char equals.
fn fold_single_newlines(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Line breaks found by `memchr` (a search for one ASCII char), not a test of every byte;
    // the text between them copied as it is (a byte copy of the whole text had to be
    // checked for UTF-8 again).
    let mut from = 0;
    for i in memchr::memchr_iter(b'\n', b) {
        let prev_nl = i > 0 && b[i - 1] == b'\n';
        let next_nl = b.get(i + 1) == Some(&b'\n');
        let next_bullet = b.get(i + 1) == Some(&b'-') && b.get(i + 2) == Some(&b' ');
        out.push_str(&text[from..i]);
        out.push(if !prev_nl && !next_nl && !next_bullet {
            ' '
        } else {
            '\n'
        });
        from = i + 1;
    }
    out.push_str(&text[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::{
        aligned_spellings, fold_single_newlines, lowercase, lowercase_aligned, phrase_occurrences,
        CaselessPhrases,
    };

    #[test]
    fn the_char_cursor_counts_as_a_count_from_the_start() {
        let text = "Æble, ø og å: 5 mio. kr. \u{1f600} slut";
        let mut cursor = super::CharCursor::new(text);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&b| text.is_char_boundary(b))
            .collect();
        // In order, backwards, and jumping about.
        let order = offsets
            .iter()
            .chain(offsets.iter().rev())
            .chain(offsets.iter().step_by(3))
            .chain(offsets.iter().rev().step_by(2));
        for &b in order {
            assert_eq!(cursor.at(b), text[..b].chars().count(), "{b}");
        }
    }

    #[test]
    fn single_line_breaks_fold_as_a_byte_copy_did() {
        let by_bytes = |text: &str| -> String {
            let b = text.as_bytes();
            let mut out = b.to_vec();
            for (i, _) in text.match_indices('\n') {
                let prev_nl = i > 0 && b[i - 1] == b'\n';
                let next_nl = b.get(i + 1) == Some(&b'\n');
                let next_bullet = b.get(i + 1) == Some(&b'-') && b.get(i + 2) == Some(&b' ');
                if !prev_nl && !next_nl && !next_bullet {
                    out[i] = b' ';
                }
            }
            String::from_utf8(out).unwrap_or_else(|_| unreachable!())
        };
        for t in [
            "",
            "\n",
            "a\nb",
            "\nMødet\nden 8.\napril\n\nNy del\n- at KKR\n-ikke punkt\n\n\næøå\n",
            "- punkt\n- punkt\nslut\n-",
        ] {
            assert_eq!(fold_single_newlines(t), by_bytes(t), "{t:?}");
        }
        assert_eq!(fold_single_newlines("a\nb\n\nc\n- d"), "a b\n\nc\n- d");
    }

    #[test]
    fn phrase_occurrences_are_those_repeated_find_visits() {
        // Phrases that overlap themselves and each other, one listed twice.
        let phrases = ["aa", "a a", "ba", "aa", "formand for", "næstformand for"];
        let finder = aho_corasick::AhoCorasick::new(phrases).unwrap_or_else(|_| unreachable!());
        for hay in [
            "",
            "aaaa a a aba",
            "næstformand for formand for aaa",
            "ba ba baa",
        ] {
            let found = phrase_occurrences(&finder, &phrases, hay);
            for (k, phrase) in phrases.iter().enumerate() {
                let first = phrases.iter().position(|p| p == phrase).unwrap_or(k);
                let mut want = Vec::new();
                let mut from = 0;
                while let Some(p) = hay[from..].find(phrase) {
                    want.push(from + p);
                    from += p + phrase.len();
                }
                let got = if first == k { &found[k] } else { &found[first] };
                assert_eq!(got, &want, "{phrase:?} in {hay:?}");
                if first != k {
                    assert!(
                        found[k].is_empty(),
                        "a repeated phrase is found under its first index"
                    );
                }
            }
        }
    }

    #[test]
    fn caseless_phrases_find_what_the_lowered_text_holds() {
        let phrases = [
            "næstformand for",
            "formand for",
            "sig fra",
            "formand for",
            "træder ud af",
            "KL mødes",
            "é",
        ];
        let finder = aho_corasick::AhoCorasick::new(phrases).unwrap_or_else(|_| unreachable!());
        let caseless = CaselessPhrases::new(&phrases);
        for hay in [
            "",
            "NÆSTFORMAND FOR Næstformand For næstformand for",
            "Formand for formand FOR FoRmAnD fOr næstFORMAND for",
            "Hun trækker SIG FRA og TRÆDER UD AF; Træder ud af, trÆder ud af",
            "KL mødes kl mødes KL MØDES É é",
            "\u{130}formand for \u{212a}L mødes ǅ",
        ] {
            assert_eq!(
                caseless.occurrences(hay),
                phrase_occurrences(&finder, &phrases, &lowercase_aligned(hay)),
                "{hay:?}"
            );
        }
        assert_eq!(aligned_spellings("æ").len(), 2);
        assert!(aligned_spellings("Æ").is_empty());
    }

    #[test]
    fn lowercase_is_the_standard_lower_case() {
        for t in [
            "",
            "KKR Midtjylland ÆØÅ æøå ÉÈ ×÷ ß İstanbul ǅ Ꙁ KELVIN K",
            "ΟΔΟΣ Σ ΣΑ",
            "Århus Kommune, ØKONOMIUDVALGET",
        ] {
            assert_eq!(lowercase(t), t.to_lowercase(), "{t}");
        }
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let t = format!("a{c}b");
            assert_eq!(lowercase(&t), t.to_lowercase(), "{c:?}");
        }
    }

    #[test]
    fn lowercase_aligned_keeps_offsets_and_agrees_on_danish() {
        let danish = "KKR Midtjylland ÆØÅ æøå ÉÈ, ØKONOMIUDVALGET";
        assert_eq!(lowercase_aligned(danish), danish.to_lowercase());
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let t = format!("A{c}B");
            let l = lowercase_aligned(&t);
            assert_eq!(l.len(), t.len(), "{c:?}");
            assert!(l.starts_with('a') && l.ends_with('b'), "{c:?}");
            assert!(
                l.is_char_boundary(1) && l.is_char_boundary(1 + c.len_utf8()),
                "{c:?}"
            );
        }
        // Where the standard lower case changes the length, the char is kept.
        assert_eq!(lowercase_aligned("\u{130}X\u{212a}"), "\u{130}x\u{212a}");
    }
}
