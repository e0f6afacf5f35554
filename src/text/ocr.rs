//! Restore æ, ø and å in OCR-damaged Danish text.
//!
//! Scans run through OCR without a Danish model turn `møde` into `mgde`, `fælles` into
//! `feelles`, `på` into `p&` and so on. This module first decides, from evidence in the text
//! itself, which pages are damaged ([`detect`]), then proposes auditable token repairs
//! ([`repair`]). Candidates come from undoing the confusions listed in
//! `data/ocr/confusions.tsv`; they are chosen with a [`Lexicon`]: the system Danish word
//! list, word and word-pair frequencies learnt from clean minutes (`data/ocr/freq.tsv`,
//! `data/ocr/bigrams.tsv`), common words (`data/ocr/function-words.txt`), gazetteer names
//! and compound splitting. Nothing here knows any particular document.

use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

const CONFUSIONS_TSV: &str = include_str!("../../data/ocr/confusions.tsv");
const FREQ_TSV: &str = include_str!("../../data/ocr/freq.tsv");
const BIGRAMS_TSV: &str = include_str!("../../data/ocr/bigrams.tsv");
const FUNCTION_WORDS: &str = include_str!("../../data/ocr/function-words.txt");
const AFFIXES: &str = include_str!("../../data/ocr/affixes.txt");
const DEFAULT_WORDLIST: &str = "/usr/share/dict/danish";

/// Cost of a word that the system list knows but clean minutes never used.
const LEXICON_ONLY_COST: f32 = 3.0;
/// Extra cost of each compound split (Danish compounds are common, but a whole word is likelier).
const SPLIT_COST: f32 = 1.2;
/// Extra cost of a linking `s`/`e` between compound parts.
const LINK_COST: f32 = 0.3;
/// Floor on the cost of a compound part, so `de`+`i` never beats the word `del`.
const MIN_PART_COST: f32 = 1.0;
/// Extra cost, on damaged pages, of a word that is also a rendering of a frequent word.
const RISKY_PENALTY: f32 = 1.0;
/// Pseudo-count given to function words and names absent from the frequency list.
const PSEUDO_COUNT: u32 = 3;
/// A valid word is only replaced when the repair is cheaper by at least this much.
const VALID_MARGIN: f32 = 1.0;
/// Repairs of unknown tokens costing more than this (plus [`MAX_COST_PER_PART`] for each
/// compound part) are not trusted.
const MAX_REPAIR_COST: f32 = 6.0;
/// Edits dearer than this are too rare to build a compound repair on.
const RARE_EDIT_COST: f32 = 2.5;
/// See [`MAX_REPAIR_COST`].
const MAX_COST_PER_PART: f32 = 2.5;
/// Bonus for a candidate seen next to its neighbour in clean text.
const BIGRAM_BONUS: f32 = 0.9;
/// Non-forced edits allowed inside one compound part.
const MAX_EDITS_PER_PART: usize = 3;
/// Edit cost allowed inside one compound part.
const MAX_EDIT_COST_PER_PART: f32 = 6.0;
/// Compound parts allowed per token.
const MAX_PARTS: usize = 4;
/// Tokens longer than this (in chars) are left alone (they are not words).
const MAX_TOKEN_CHARS: usize = 40;

/// Where in a token a confusion may apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Any,
    Start,
    Inner,
}

/// One way OCR renders a letter: `observed` in the scan stands for `intended`.
#[derive(Clone, Debug)]
struct Confusion {
    observed: Vec<char>,
    intended: String,
    intended_lower: String,
    cost: f32,
    place: Place,
    forced: bool,
}

/// Word knowledge used to judge and choose repairs. The tables use FxHash: their keys are
/// the word lists, not input, so a keyed hash buys nothing, and lookups here are most of
/// the OCR stage's time.
pub struct Lexicon {
    words: WordSet,
    freq: FxHashMap<Box<str>, u32>,
    bigrams: FxHashSet<Box<str>>,
    short_parts: FxHashSet<Box<str>>,
    /// Valid words that are also OCR renderings of frequent words with æ/ø/å (`made`, `ar`).
    /// Made on first use from `freq` and `words` (see [`Lexicon::risky`]); reset whenever
    /// they change.
    risky: OnceLock<FxHashSet<Box<str>>>,
    confusions: Vec<Confusion>,
    /// Indices into `confusions` by first observed char.
    by_first: FxHashMap<char, Vec<usize>>,
    /// Chars that can never stand in a Danish word (`@`, `&`, `|`).
    forced: FxHashSet<char>,
    system: bool,
    /// Built while the system list is read, else on first use, from `words` and `freq`;
    /// every word added later is added to it.
    prefixes: OnceLock<PrefixFilter>,
    /// Identifies the lexicon's current content for caches of its verdicts: new for every
    /// lexicon and after every change.
    id: u64,
}

/// A set of words kept in one text, one after another, with a table of where each is:
/// the system list's 300 000 words were as many allocations (a box each) and a table twice
/// the size, most of the time of loading the lexicon at every start. Hashed with FxHash,
/// like the other word tables.
#[derive(Default)]
struct WordSet {
    text: String,
    /// (offset, length) in `text` of each word.
    table: hashbrown::HashTable<(u32, u32)>,
}

impl WordSet {
    fn hash(w: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(w)
    }

    fn word(text: &str, (at, len): (u32, u32)) -> &str {
        let at = at as usize;
        text.get(at..at + len as usize).unwrap_or_default()
    }

    fn contains(&self, w: &str) -> bool {
        self.table
            .find(Self::hash(w), |&e| Self::word(&self.text, e) == w)
            .is_some()
    }

    /// Adds `w` unless it is there (false then).
    fn insert(&mut self, w: &str) -> bool {
        let h = Self::hash(w);
        if self
            .table
            .find(h, |&e| Self::word(&self.text, e) == w)
            .is_some()
        {
            return false;
        }
        // Offsets are u32: a list of 4 GiB is far beyond any word list (its rest is
        // left out rather than misread).
        let (Ok(at), Ok(len), Ok(_)) = (
            u32::try_from(self.text.len()),
            u32::try_from(w.len()),
            u32::try_from(self.text.len() + w.len()),
        ) else {
            return false;
        };
        self.text.push_str(w);
        let text = &self.text;
        self.table
            .insert_unique(h, (at, len), |&e| Self::hash(Self::word(text, e)));
        true
    }

    /// Room for `words` more words of `bytes` bytes in all.
    fn reserve(&mut self, words: usize, bytes: usize) {
        self.text.reserve(bytes);
        let text = &self.text;
        self.table
            .reserve(words, |&e| Self::hash(Self::word(text, e)));
    }

    fn iter(&self) -> impl Iterator<Item = &str> + Clone {
        self.table.iter().map(|&e| Self::word(&self.text, e))
    }

    fn len(&self) -> usize {
        self.table.len()
    }

    fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

/// The next [`Lexicon::id`] (0 is never given out).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A Bloom filter of every prefix of every known word (with or without a frequency). When
/// it says no, no word starts with the string: the string is no word, and the repair
/// search need not extend it. (It may say yes wrongly, which only costs time.) Strings are
/// hashed char by char with [`hash_step`], so a search can hash its prefixes as it builds
/// them.
struct PrefixFilter {
    bits: Vec<u64>,
    /// The number of words in `bits` (a power of two) less one.
    mask: u64,
}

/// The hashes of the prefixes of `w` that `prev` does not share, appended to `out`;
/// `hashes` holds the hash of each prefix of `prev` (the empty one first) and is left
/// holding those of `w` (see [`PrefixFilter::insert_all`]).
fn prefix_hashes_after(prev: &str, w: &str, hashes: &mut Vec<u64>, out: &mut Vec<u64>) {
    let shared = prev
        .chars()
        .zip(w.chars())
        .take_while(|(a, b)| a == b)
        .count();
    hashes.truncate(shared + 1);
    let mut h = hashes.last().copied().unwrap_or(HASH_START);
    for c in w.chars().skip(shared) {
        h = hash_step(h, c);
        out.push(h);
        hashes.push(h);
    }
}

/// Hash of the empty string; see [`hash_step`].
const HASH_START: u64 = 0;

/// Extend the hash of a string by one char (FxHash's step).
fn hash_step(h: u64, c: char) -> u64 {
    (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x517c_c1b7_2722_0a95)
}

impl PrefixFilter {
    fn build<'a>(words: impl Iterator<Item = &'a str> + Clone) -> PrefixFilter {
        let chars: usize = words.clone().map(str::len).sum();
        let mut f = PrefixFilter::sized_for(chars);
        for w in words {
            f.insert_word(w);
        }
        f
    }

    /// An empty filter (but for the empty prefix) for words of `chars` bytes in all.
    fn sized_for(chars: usize) -> PrefixFilter {
        // About 4 bits per prefix (at most one per char) keeps false yeses near 1 %.
        let nbits = (chars * 4).next_power_of_two().clamp(1 << 12, 1 << 28);
        let mut f = PrefixFilter {
            bits: vec![0; nbits / 64],
            mask: (nbits / 64) as u64 - 1,
        };
        f.insert(HASH_START);
        f
    }

    /// Every prefix of `w`.
    fn insert_word(&mut self, w: &str) {
        let mut h = HASH_START;
        for c in w.chars() {
            h = hash_step(h, c);
            self.insert(h);
        }
    }

    /// Every prefix of `w` that `prev`, the word inserted just before, does not share:
    /// `hashes` holds the hash of each prefix of `prev` (the empty one first) and is left
    /// holding those of `w`. A sorted word list shares most of each word with the one
    /// before, so this sets a fraction of the bits [`PrefixFilter::insert_word`] would
    /// set again (the same ones).
    #[cfg(test)]
    fn insert_after(&mut self, prev: &str, w: &str, hashes: &mut Vec<u64>) {
        let mut new = Vec::new();
        prefix_hashes_after(prev, w, hashes, &mut new);
        self.insert_all(&new);
    }

    /// Inserts every hash of `hashes`, grouped by the part of the table
    /// they land in, 256 KB at a time, so the bits are set in a table part the CPU's cache
    /// holds: set in list order, each insert was a cache miss that held up the next.
    fn insert_all(&mut self, hashes: &[u64]) {
        const GROUP_WORDS: usize = 1 << 15;
        let groups = self.bits.len().div_ceil(GROUP_WORDS);
        if groups <= 1 {
            for &h in hashes.iter() {
                self.insert(h);
            }
            return;
        }
        let group = |f: &PrefixFilter, h: u64| f.slot(h).0 / GROUP_WORDS;
        let mut starts = vec![0usize; groups + 1];
        for &h in hashes.iter() {
            starts[group(self, h) + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut sorted = vec![0u64; hashes.len()];
        let mut next = starts.clone();
        for &h in hashes.iter() {
            let g = group(self, h);
            sorted[next[g]] = h;
            next[g] += 1;
        }
        for &h in &sorted {
            self.insert(h);
        }
    }

    /// The word of `bits` that holds a hash's two bits, and those bits (murmur3's
    /// finaliser spreads FxHash's weak low bits). Both bits in one word: an insert or a test
    /// is one memory access, where two bits anywhere in a 2 MB table were two cache misses
    /// (building the filter at start-up was mostly those).
    fn slot(&self, h: u64) -> (usize, u64) {
        let mut f = h ^ (h >> 33);
        f = f.wrapping_mul(0xff51_afd7_ed55_8ccd);
        f ^= f >> 33;
        f = f.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        f ^= f >> 33;
        let bits = (1u64 << ((f >> 52) & 63)) | (1u64 << ((f >> 58) & 63));
        ((f & self.mask) as usize, bits)
    }

    fn insert(&mut self, h: u64) {
        let (w, bits) = self.slot(h);
        self.bits[w] |= bits;
    }

    /// False when no known word starts with the string of hash `h`.
    fn may_start(&self, h: u64) -> bool {
        let (w, bits) = self.slot(h);
        self.bits[w] & bits == bits
    }
}

impl Lexicon {
    /// Embedded data (confusions, frequencies, common words) plus the system word list:
    /// path from env `REFERAT_WORDLIST`, else `/usr/share/dict/danish` (Debian `wdanish`).
    /// A missing system list is not an error: the embedded data still work, and
    /// [`Lexicon::has_system_wordlist`] tells the caller the repair is weaker.
    pub fn load() -> std::io::Result<Lexicon> {
        let path =
            std::env::var("REFERAT_WORDLIST").unwrap_or_else(|_| DEFAULT_WORDLIST.to_string());
        let mut lex = Lexicon::embedded();
        match std::fs::read_to_string(&path) {
            Ok(list) => {
                lex.words.reserve(list.len() / 12, list.len());
                // The prefix filter is built here, in the list's (sorted) order, where each
                // word shares most of its prefixes with the one before: a build from the
                // word table afterwards walked every char of every word in hash order, a
                // third of the time of a one-document `referat parse`.
                let embedded: usize = lex
                    .words
                    .iter()
                    .chain(lex.freq.keys().map(|w| &**w))
                    .map(str::len)
                    .sum();
                let mut filter = PrefixFilter::sized_for(list.len() + embedded);
                for w in lex.words.iter().chain(lex.freq.keys().map(|w| &**w)) {
                    filter.insert_word(w);
                }
                let mut hashes = vec![HASH_START];
                let mut new_prefixes: Vec<u64> = Vec::with_capacity(list.len() / 5);
                let mut prev = String::new();
                for line in list.lines() {
                    let w = line.trim();
                    if !w.is_empty() && !w.starts_with('#') {
                        // Most entries are lower case already: taken as they are, without
                        // lowering char by char (a third of the start-up time of every run).
                        let lowered;
                        let w: &str = if is_lower(w) {
                            w
                        } else {
                            lowered = lower(w);
                            &lowered
                        };
                        prefix_hashes_after(&prev, w, &mut hashes, &mut new_prefixes);
                        prev.clear();
                        prev.push_str(w);
                        lex.words.insert(w);
                    }
                }
                filter.insert_all(&new_prefixes);
                lex.prefixes = OnceLock::from(filter);
                lex.system = true;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        lex.tables_changed();
        Ok(lex)
    }

    /// True when a system word list was read; without it only embedded words are known.
    pub fn has_system_wordlist(&self) -> bool {
        self.system
    }

    /// A lexicon of the embedded data plus `words` (no system list); meant for tests.
    pub fn from_words<I: IntoIterator<Item = S>, S: AsRef<str>>(words: I) -> Lexicon {
        let mut lex = Lexicon::embedded();
        for w in words {
            let w = w.as_ref().trim();
            if !w.is_empty() {
                let w = lower(w);
                if let Some(f) = lex.prefixes.get_mut() {
                    f.insert_word(&w);
                }
                lex.words.insert(&w);
            }
        }
        lex.tables_changed();
        lex
    }

    /// Add gazetteer names (organisations, persons), so their words count as known and
    /// their spelling is preferred when a damaged token could be one of them.
    pub fn add_names<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        for name in names {
            for w in name
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
            {
                let w = lower(w);
                // A built filter only gains bits: the new word's prefixes are added to it.
                if let Some(f) = self.prefixes.get_mut() {
                    f.insert_word(&w);
                }
                self.freq.entry(w.clone().into_boxed_str()).or_insert(1);
                self.words.insert(&w);
            }
        }
        self.tables_changed();
    }

    /// Case-insensitive membership; accepts compounds made of known parts (with linking
    /// `-s-`/`-e-`), since Danish compounds are rarely in a word list whole.
    pub fn contains(&self, word: &str) -> bool {
        let chars: Vec<char> = word.chars().collect();
        let l: Vec<char> = chars.iter().map(|&c| lower_char(c)).collect();
        if l.is_empty() || !l.iter().all(|c| c.is_alphabetic()) {
            return false;
        }
        self.plain_cost(&l, false).is_some()
    }

    /// Number of distinct known words (for reports).
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when no word is known.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn embedded() -> Lexicon {
        let mut lex = Lexicon {
            words: WordSet::default(),
            freq: FxHashMap::default(),
            bigrams: FxHashSet::default(),
            short_parts: FxHashSet::default(),
            risky: OnceLock::new(),
            confusions: Vec::new(),
            by_first: FxHashMap::default(),
            forced: FxHashSet::default(),
            system: false,
            prefixes: OnceLock::new(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        };
        for line in data_lines(FREQ_TSV) {
            let mut it = line.split('\t');
            let (Some(w), Some(n)) = (it.next(), it.next()) else {
                continue;
            };
            let w = lower(w.trim());
            let n: u32 = n.trim().parse().unwrap_or(1);
            lex.words.insert(&w);
            lex.freq.insert(w.into_boxed_str(), n);
        }
        for line in data_lines(BIGRAMS_TSV) {
            if let Some(pair) = line.split('\t').next() {
                lex.bigrams.insert(lower(pair.trim()).into_boxed_str());
            }
        }
        for line in data_lines(FUNCTION_WORDS) {
            let w = lower(line.trim());
            lex.words.insert(&w);
            let n = lex.freq.entry(w.into_boxed_str()).or_insert(0);
            *n = (*n).max(PSEUDO_COUNT);
        }
        for line in data_lines(AFFIXES) {
            lex.short_parts.insert(lower(line.trim()).into_boxed_str());
        }
        lex.confusions = parse_confusions(CONFUSIONS_TSV);
        for (i, c) in lex.confusions.iter().enumerate() {
            if let Some(&first) = c.observed.first() {
                lex.by_first.entry(first).or_default().push(i);
                if c.forced {
                    lex.forced
                        .extend(c.observed.iter().filter(|ch| !ch.is_alphabetic()));
                }
            }
        }
        lex
    }

    /// Every change of the word tables ends here: derived data are stale (the prefix
    /// filter, if built, was given every new word where it was added; the risky words are
    /// worked out again when next asked for, once however many changes came before: a
    /// lexicon is loaded and given two lists of names, and working them out each time was a
    /// tenth of a one-document parse).
    fn tables_changed(&mut self) {
        self.id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        self.risky = OnceLock::new();
    }

    /// Valid words that an OCR scan produces from frequent words with æ/ø/å are "risky":
    /// they are checked for repair even though the word list knows them (`made` for `møde`).
    fn risky(&self) -> &FxHashSet<Box<str>> {
        self.risky.get_or_init(|| self.risky_words())
    }

    fn risky_words(&self) -> FxHashSet<Box<str>> {
        let mut reverse: HashMap<char, Vec<String>> = HashMap::new();
        for c in &self.confusions {
            if c.forced {
                continue;
            }
            let mut it = c.intended_lower.chars();
            if let (Some(ch), None) = (it.next(), it.next()) {
                let obs = lower(&c.observed.iter().collect::<String>());
                let v = reverse.entry(ch).or_default();
                if !v.contains(&obs) {
                    v.push(obs);
                }
            }
        }
        let mut risky = FxHashSet::default();
        for w in self.freq.keys() {
            let chars: Vec<char> = w.chars().collect();
            let spots: Vec<usize> = (0..chars.len())
                .filter(|&i| reverse.contains_key(&chars[i]))
                .collect();
            if spots.is_empty() || spots.len() > 3 {
                continue;
            }
            let mut out = String::new();
            render_all(&chars, 0, &reverse, &mut out, &mut |r: &str| {
                if r != &**w && self.words.contains(r) {
                    risky.insert(r.to_string().into_boxed_str());
                }
            });
        }
        risky
    }

    /// The prefix filter of every word with a cost (`words` and `freq`).
    fn prefixes(&self) -> &PrefixFilter {
        self.prefixes.get_or_init(|| {
            PrefixFilter::build(self.words.iter().chain(self.freq.keys().map(|w| &**w)))
        })
    }

    /// [`Lexicon::word_cost`] for candidate parts, which are mostly no words: the filter
    /// answers those without a lookup in the big word table.
    fn part_word_cost(&self, w: &str) -> Option<f32> {
        if self.may_be_word(w) {
            self.word_cost(w)
        } else {
            None
        }
    }

    /// False when `w` surely has no [`Lexicon::word_cost`]; cheaper than asking that.
    fn may_be_word(&self, w: &str) -> bool {
        self.prefixes()
            .may_start(w.chars().fold(HASH_START, hash_step))
    }

    /// Cost of a lower-case word as it stands: known directly, or as a compound.
    fn plain_cost(&self, l: &[char], damaged: bool) -> Option<f32> {
        let n = l.len();
        let prefixes = self.prefixes();
        let mut best: Vec<Option<(f32, usize)>> = vec![None; n + 1];
        best[0] = Some((0.0, 0));
        let mut buf = String::new();
        for i in 0..n {
            let Some((base, parts)) = best[i] else {
                continue;
            };
            if parts >= MAX_PARTS {
                continue;
            }
            buf.clear();
            let mut h = HASH_START;
            for j in i + 1..=n {
                buf.push(l[j - 1]);
                h = hash_step(h, l[j - 1]);
                let whole = i == 0 && j == n;
                if let Some(c) = self.part_cost(&buf, whole, j < n, damaged) {
                    let c = base + c + if i > 0 { SPLIT_COST } else { 0.0 };
                    if best[j].is_none_or(|(b, _)| c < b) {
                        best[j] = Some((c, parts + 1));
                    }
                }
                // A part has a cost only if it, or it minus a last letter, is a word: once
                // no word starts with `buf`, no longer part has one.
                if !prefixes.may_start(h) {
                    break;
                }
            }
        }
        best[n].map(|(c, _)| c)
    }

    /// Prior cost of a lower-case word: frequent in clean minutes = cheap.
    fn word_cost(&self, w: &str) -> Option<f32> {
        if let Some(&f) = self.freq.get(w) {
            return Some((1.0 - 0.6 * (f.max(1) as f32).ln()).max(-2.5));
        }
        if self.words.contains(w) {
            return Some(LEXICON_ONLY_COST);
        }
        None
    }

    /// Cost of `w` as one compound part (`whole` = the token itself; `linkable` = a linking
    /// `s`/`e` may end it).
    fn part_cost(&self, w: &str, whole: bool, linkable: bool, damaged: bool) -> Option<f32> {
        let c = self.part_cost_plain(w, whole, linkable)?;
        Some(if damaged && self.risky().contains(w) {
            c + RISKY_PENALTY
        } else {
            c
        })
    }

    fn part_cost_plain(&self, w: &str, whole: bool, linkable: bool) -> Option<f32> {
        let len = w.chars().count();
        if !whole && len < 3 && (!linkable || !self.short_parts.contains(w)) {
            return None;
        }
        // Inside a compound even a very frequent word is only an ordinary part.
        let direct = if whole {
            self.part_word_cost(w)
        } else {
            self.part_word_cost(w).map(|c| c.max(MIN_PART_COST))
        };
        if direct.is_some() && (whole || !linkable) {
            return direct;
        }
        // Linking -s-/-e- inside a compound; genitive or passive -s at the end.
        let link_ok = if linkable {
            w.ends_with('s') || w.ends_with('e')
        } else {
            w.ends_with('s')
        };
        let linked = if link_ok && len > 3 {
            self.part_word_cost(&w[..w.len() - 1])
                .map(|c| c.max(MIN_PART_COST) + LINK_COST)
        } else {
            None
        };
        match (direct, linked) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn has_bigram(&self, a: &str, b: &str) -> bool {
        if a.is_empty() || b.is_empty() {
            return false;
        }
        let mut key = String::with_capacity(a.len() + b.len() + 1);
        key.push_str(a);
        key.push(' ');
        key.push_str(b);
        self.bigrams.contains(key.as_str())
    }
}

/// Generate every rendering of `chars` with each special letter replaced by one of its
/// observed forms (or kept), calling `f` on each.
fn render_all(
    chars: &[char],
    i: usize,
    reverse: &HashMap<char, Vec<String>>,
    out: &mut String,
    f: &mut dyn FnMut(&str),
) {
    if i == chars.len() {
        f(out);
        return;
    }
    let len = out.len();
    out.push(chars[i]);
    render_all(chars, i + 1, reverse, out, f);
    out.truncate(len);
    if let Some(alts) = reverse.get(&chars[i]) {
        for a in alts {
            out.push_str(a);
            render_all(chars, i + 1, reverse, out, f);
            out.truncate(len);
        }
    }
}

fn data_lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

fn parse_confusions(tsv: &str) -> Vec<Confusion> {
    let mut out: Vec<Confusion> = Vec::new();
    for line in data_lines(tsv) {
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        if cols.len() < 5 {
            continue;
        }
        let place = match cols[3] {
            "start" => Place::Start,
            "inner" => Place::Inner,
            _ => Place::Any,
        };
        let Ok(cost) = cols[2].parse::<f32>() else {
            continue;
        };
        let base = Confusion {
            observed: cols[0].chars().collect(),
            intended: cols[1].to_string(),
            intended_lower: lower(cols[1]),
            cost,
            place,
            forced: cols[4] == "yes",
        };
        let upper_obs: Vec<char> = base
            .observed
            .iter()
            .flat_map(|c| c.to_uppercase())
            .collect();
        let twin = (upper_obs != base.observed).then(|| Confusion {
            observed: upper_obs,
            intended: base.intended.to_uppercase(),
            intended_lower: base.intended_lower.clone(),
            ..base.clone()
        });
        for c in std::iter::once(base).chain(twin) {
            let dup = out.iter().any(|o| {
                o.observed == c.observed && o.intended == c.intended && o.place == c.place
            });
            if !dup {
                out.push(c);
            }
        }
    }
    out
}

fn lower_char(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn lower(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

/// Whether `lower(s) == s`, found without building `lower(s)`.
fn is_lower(s: &str) -> bool {
    if s.is_ascii() {
        return !s.bytes().any(|b| b.is_ascii_uppercase());
    }
    s.chars().all(|c| lower_char(c) == c)
}

/// Damage evidence for one page.
#[derive(Clone, Debug, PartialEq)]
pub struct PageDamage {
    /// First char offset of the page.
    pub start: usize,
    /// Char offset just past the page.
    pub end: usize,
    /// Whether the page is judged OCR-damaged (and so gets repaired).
    pub damaged: bool,
    /// Tokens with impossible letters or unknown words that undoing a confusion explains.
    pub suspicious: usize,
    /// Word tokens (2+ chars) on the page.
    pub words: usize,
}

/// Per-document and per-page verdict of [`detect`].
#[derive(Clone, Debug, PartialEq)]
pub struct DamageReport {
    /// True when any page is damaged.
    pub damaged: bool,
    /// Pages in text order.
    pub pages: Vec<PageDamage>,
}

/// One token of the text, in char offsets (and byte offsets, to look it up by slice).
struct Token {
    start: usize,
    end: usize,
    byte_start: usize,
    byte_end: usize,
}

fn is_token_char(c: char) -> bool {
    c.is_alphabetic() || c == '@' || c == '&' || c == '|'
}

/// What the tokenizer makes of a char: white space, a token char, or neither.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Space,
    Token,
    Other,
}

/// [`CharClass`] of every ASCII byte (`char::is_whitespace`, `is_token_char`), so most of
/// a text is classified by one table read.
static ASCII_CLASS: [CharClass; 128] = {
    let mut t = [CharClass::Other; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = if matches!(c, b'\t'..=b'\r' | b' ') {
            CharClass::Space
        } else if c.is_ascii_alphabetic() || matches!(c, b'@' | b'&' | b'|') {
            CharClass::Token
        } else {
            CharClass::Other
        };
        i += 1;
    }
    t
};

/// [`CharClass`] and UTF-8 length of the char at byte `b` of `text` (a char boundary).
/// Inlined: it runs for nearly every byte outside tokens, and a call per byte was a sixth
/// of the tokenizer's time.
#[inline(always)]
fn char_class(text: &str, b: usize) -> (CharClass, usize) {
    let bytes = text.as_bytes();
    match bytes[b] {
        a if a < 0x80 => (ASCII_CLASS[usize::from(a)], 1),
        // U+00C0–U+00FF (æ, ø, å, é …) are letters, but for × and ÷.
        0xC3 if bytes.get(b + 1).is_some_and(|&n| n != 0x97 && n != 0xB7) => (CharClass::Token, 2),
        _ => char_class_slow(text, b),
    }
}

/// `char_class` of a char outside ASCII and Latin-1 letters (rare: kept out of line).
#[inline(never)]
fn char_class_slow(text: &str, b: usize) -> (CharClass, usize) {
    let c = text[b..].chars().next().unwrap_or('\u{fffd}');
    (class_of(c), c.len_utf8())
}

/// [`CharClass`] of a char, by the char tests (`ASCII_CLASS` holds it for ASCII).
fn class_of(c: char) -> CharClass {
    if c.is_whitespace() {
        CharClass::Space
    } else if is_token_char(c) {
        CharClass::Token
    } else {
        CharClass::Other
    }
}

/// Tokens outside URLs and e-mail addresses (never touched), in one pass: a token never
/// holds white space, so it lies inside one white-space separated chunk, and a URL or an
/// address drops the tokens of its whole chunk. ASCII bytes are classified by table,
/// without decoding (most of the text); a chunk is tested for a URL or an address only
/// when it holds a `:`, an `@` or starts with `w`.
fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut tokens = Vec::with_capacity(n / 6);
    let (mut b, mut ci) = (0usize, 0usize); // byte and char offset
    while b < n {
        let (k, len) = char_class(text, b);
        if k == CharClass::Space {
            b += len;
            ci += 1;
            continue;
        }
        let (chunk_start, first_token) = (b, tokens.len());
        let (mut colon, mut at) = (false, false);
        while b < n {
            let (k, len) = char_class(text, b);
            match k {
                CharClass::Space => break,
                CharClass::Other => {
                    colon |= bytes[b] == b':';
                    b += len;
                    ci += 1;
                }
                CharClass::Token => {
                    let (s, bs) = (ci, b);
                    b += len;
                    ci += 1;
                    at |= bytes[bs] == b'@';
                    while b < n {
                        let x = bytes[b];
                        if x < 0x80 {
                            if ASCII_CLASS[usize::from(x)] != CharClass::Token {
                                break;
                            }
                            at |= x == b'@';
                            b += 1;
                        } else {
                            let (k, len) = char_class(text, b);
                            if k != CharClass::Token {
                                break;
                            }
                            b += len;
                        }
                        ci += 1;
                    }
                    tokens.push(Token {
                        start: s,
                        end: ci,
                        byte_start: bs,
                        byte_end: b,
                    });
                }
            }
        }
        let chunk = &bytes[chunk_start..b];
        // Only `W` lower-cases to `w`, and nothing lower-cases to `:`, `/` or `.`, so these
        // tests on the chunk as it stands equal the same tests on its lower-case form.
        let url = (colon && chunk.windows(3).any(|w| w == b"://"))
            || (chunk.len() >= 4
                && chunk[..3].iter().all(|&c| c == b'w' || c == b'W')
                && chunk[3] == b'.');
        // An `@` after the first char with a `.` after it (the first such `@` has one if any
        // has).
        let at_inner = at
            && chunk
                .iter()
                .skip(1)
                .position(|&c| c == b'@')
                .is_some_and(|k| chunk[k + 1..].contains(&b'.'));
        if url || at_inner {
            tokens.truncate(first_token);
        }
    }
    tokens
}

fn page_ranges(n: usize, page_starts: &[usize]) -> Vec<(usize, usize)> {
    let mut starts: Vec<usize> = page_starts.iter().copied().filter(|&s| s < n).collect();
    starts.push(0);
    starts.sort_unstable();
    starts.dedup();
    let mut out = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(n);
        out.push((s, e));
    }
    out
}

/// `has_danish_letter` on the UTF-8 of a token: æ ø å Æ Ø Å are `C3` followed by one of
/// these bytes.
fn has_danish_letter_str(t: &str) -> bool {
    t.as_bytes()
        .windows(2)
        .any(|w| w[0] == 0xC3 && matches!(w[1], 0xA6 | 0xB8 | 0xA5 | 0x86 | 0x98 | 0x85))
}

/// Judge, per page, whether the text carries OCR letter damage. `page_starts` are char
/// offsets where pages begin (empty = one page). The evidence is the text itself: tokens
/// with chars no Danish word has (`@`, `&`, a lone `|`), unknown words that a single
/// undone confusion turns into known ones, against the number of words spelt with æ/ø/å.
pub fn detect(text: &str, page_starts: &[usize], lex: &Lexicon) -> DamageReport {
    let tokens = tokenize(text);
    let ranges = page_ranges(text.chars().count(), page_starts);
    SUSPICIOUS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let map = cache.for_lexicon(lex.id, SUSPICIOUS_LIMIT);
        detect_with(text, &tokens, &ranges, lex, map)
    })
}

/// Results by token, kept per thread across documents (most tokens recur), valid for the
/// lexicon of one [`Lexicon::id`] and emptied when another lexicon or a full map comes.
struct LexiconCache<V> {
    lexicon: u64,
    map: TokenMap<V>,
}

impl<V> LexiconCache<V> {
    fn new() -> Self {
        LexiconCache {
            lexicon: 0,
            map: TokenMap::default(),
        }
    }

    fn for_lexicon(&mut self, lexicon: u64, limit: usize) -> &mut TokenMap<V> {
        if self.lexicon != lexicon || self.map.len() > limit {
            self.lexicon = lexicon;
            self.map = TokenMap::default();
        }
        &mut self.map
    }
}

/// Values by token text. Detection looks up every word of every document, and hashing
/// and comparing the text as a string was a visible share of that: a token of up to 15
/// bytes (nearly all) is keyed by its bytes and length packed into one integer, hashed in
/// two steps and compared in one; longer ones by their text.
struct TokenMap<V> {
    short: FxHashMap<u128, V>,
    long: FxHashMap<String, V>,
}

impl<V> Default for TokenMap<V> {
    fn default() -> Self {
        TokenMap {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
        }
    }
}

/// A text of up to 15 bytes as one integer: its bytes, zero-padded, and its length in the
/// top byte (so texts that differ only by trailing NULs still differ).
fn pack_short(key: &str) -> Option<u128> {
    let b = key.as_bytes();
    if b.len() > 15 {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[..b.len()].copy_from_slice(b);
    buf[15] = b.len() as u8;
    Some(u128::from_le_bytes(buf))
}

impl<V> TokenMap<V> {
    fn get(&self, key: &str) -> Option<&V> {
        match pack_short(key) {
            Some(k) => self.short.get(&k),
            None => self.long.get(key),
        }
    }

    fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn insert(&mut self, key: &str, v: V) {
        match pack_short(key) {
            Some(k) => {
                self.short.insert(k, v);
            }
            None => {
                self.long.insert(key.to_string(), v);
            }
        }
    }

    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }
}

thread_local! {
    /// Verdicts of [`is_suspicious`] by token.
    static SUSPICIOUS: RefCell<LexiconCache<bool>> = RefCell::new(LexiconCache::new());
}

/// Tokens kept in [`SUSPICIOUS`] at most; it starts over when fuller.
const SUSPICIOUS_LIMIT: usize = 100_000;

fn detect_with(
    text: &str,
    tokens: &[Token],
    ranges: &[(usize, usize)],
    lex: &Lexicon,
    cache: &mut TokenMap<bool>,
) -> DamageReport {
    let mut pages: Vec<PageDamage> = Vec::with_capacity(ranges.len());
    let mut good_per_page = vec![0usize; ranges.len()];
    let mut page = 0;
    for (s, e) in ranges {
        pages.push(PageDamage {
            start: *s,
            end: *e,
            damaged: false,
            suspicious: 0,
            words: 0,
        });
    }
    for t in tokens {
        while page + 1 < ranges.len() && t.start >= ranges[page].1 {
            page += 1;
        }
        let key = &text[t.byte_start..t.byte_end];
        let lone_bar = key == "|" && bar_means_i_at(text, t);
        if t.end - t.start < 2 && !lone_bar {
            continue;
        }
        pages[page].words += 1;
        if has_danish_letter_str(key) {
            good_per_page[page] += 1;
            continue;
        }
        let suspicious = lone_bar
            || if let Some(&v) = cache.get(key) {
                v
            } else {
                let tc: Vec<char> = key.chars().collect();
                let v = is_suspicious(&tc, lex);
                cache.insert(key, v);
                v
            };
        if suspicious {
            pages[page].suspicious += 1;
        }
    }
    let total_s: usize = pages.iter().map(|p| p.suspicious).sum();
    let total_good: usize = good_per_page.iter().sum();
    let total_w: usize = pages.iter().map(|p| p.words).sum();
    let doc_damaged = damaged_by(total_s, total_good, total_w);
    for (p, &good) in pages.iter_mut().zip(&good_per_page) {
        p.damaged = damaged_by(p.suspicious, good, p.words)
            || (doc_damaged && p.suspicious > 0 && p.suspicious >= good);
    }
    DamageReport {
        damaged: pages.iter().any(|p| p.damaged),
        pages,
    }
}

/// The verdict rule: suspicious tokens must be several, a visible share of the words, and
/// outnumber the words correctly spelt with æ/ø/å.
fn damaged_by(suspicious: usize, good: usize, words: usize) -> bool {
    suspicious >= 3 && suspicious * 50 >= words && suspicious > good * 2
}

/// A token that no Danish word could be, or an unknown word that one undone confusion
/// turns into a known one.
fn is_suspicious(tc: &[char], lex: &Lexicon) -> bool {
    if tc.iter().any(|c| lex.forced.contains(c)) {
        return tc.iter().any(|c| c.is_alphabetic());
    }
    let l: Vec<char> = tc.iter().map(|&c| lower_char(c)).collect();
    let mut buf = String::new();
    buf.extend(&l);
    if lex.risky().contains(buf.as_str()) {
        return true;
    }
    if lex.word_cost(&buf).is_some() || lex.plain_cost(&l, false).is_some() {
        return false;
    }
    // One undone confusion makes a known word?
    for i in 0..tc.len() {
        let Some(idx) = lex.by_first.get(&tc[i]) else {
            continue;
        };
        for &k in idx {
            let c = &lex.confusions[k];
            if !applies(c, tc, i) {
                continue;
            }
            buf.clear();
            buf.extend(&l[..i]);
            buf.push_str(&c.intended_lower);
            buf.extend(&l[i + c.observed.len()..]);
            if lex.may_be_word(&buf) && lex.word_cost(&buf).is_some() {
                return true;
            }
        }
    }
    false
}

fn applies(c: &Confusion, tc: &[char], i: usize) -> bool {
    let place_ok = match c.place {
        Place::Any => true,
        Place::Start => i == 0,
        Place::Inner => i > 0,
    };
    place_ok && tc.len() >= i + c.observed.len() && tc[i..i + c.observed.len()] == c.observed[..]
}

/// A lone `|` is the OCR of `I` when it begins a clause and a word or number follows
/// (`| dag`, `| 2025`), not when it separates things (`SIDE | 14`).
/// `bar_means_i` on the text itself (byte offsets of the token).
fn bar_means_i_at(text: &str, t: &Token) -> bool {
    let prev = text[..t.byte_start]
        .chars()
        .rev()
        .find(|&c| c == '\n' || !c.is_whitespace());
    let prev_ok = prev.is_none_or(|c| !c.is_alphanumeric());
    let rest = &text[t.byte_end..];
    if !rest.starts_with(' ') {
        return false;
    }
    let next_ok = rest
        .trim_start_matches(' ')
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric);
    prev_ok && next_ok
}

fn bar_means_i(chars: &[char], t: &Token) -> bool {
    let prev = chars[..t.start]
        .iter()
        .rev()
        .find(|&&c| c == '\n' || !c.is_whitespace());
    let prev_ok = prev.is_none_or(|c| !c.is_alphanumeric());
    let mut k = t.end;
    if k >= chars.len() || chars[k] != ' ' {
        return false;
    }
    while k < chars.len() && chars[k] == ' ' {
        k += 1;
    }
    let next_ok = chars.get(k).is_some_and(|c| c.is_alphanumeric());
    prev_ok && next_ok
}

/// One proposed replacement, in char offsets into the original text.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// First char offset of the replaced token.
    pub start: usize,
    /// Char offset just past it.
    pub end: usize,
    /// Text as it stood.
    pub from: String,
    /// Repaired text.
    pub to: String,
    /// Which confusions were undone, for auditing (`--explain`).
    pub reason: String,
}

/// An edit inside a token: `len` chars from `pos` replaced by confusion `conf`.
#[derive(Clone, Copy, Debug)]
struct Edit {
    pos: usize,
    len: usize,
    conf: usize,
}

/// A repair candidate for a token type.
#[derive(Clone, Debug)]
struct Candidate {
    cost: f32,
    lower: String,
    edits: Vec<Edit>,
    /// One part (not a compound): bigram context applies.
    single: bool,
    /// Compound parts.
    parts: usize,
}

/// What is known about a token type, independent of its neighbours.
struct Analysis {
    orig_cost: Option<f32>,
    candidates: Vec<Candidate>,
}

/// Propose repairs for the damaged pages of `text`. Offsets are char offsets, sorted and
/// non-overlapping. A token that is a known word is only changed when a repair is clearly
/// likelier (frequent in clean minutes, seen with its neighbour), so sound text survives.
pub fn repair(text: &str, report: &DamageReport, lex: &Lexicon) -> Vec<Change> {
    let chars: Vec<char> = text.chars().collect();
    let tokens = tokenize(text);
    let damaged_ranges: Vec<(usize, usize)> = report
        .pages
        .iter()
        .filter(|p| p.damaged)
        .map(|p| (p.start, p.end))
        .collect();
    if damaged_ranges.is_empty() {
        return Vec::new();
    }
    ANALYSES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let map = cache.for_lexicon(lex.id, ANALYSES_LIMIT);
        repair_with(&chars, &tokens, &damaged_ranges, lex, map)
    })
}

thread_local! {
    /// Analyses of token types.
    static ANALYSES: RefCell<LexiconCache<Option<Analysis>>> = RefCell::new(LexiconCache::new());
}

/// Token types kept in [`ANALYSES`] at most; it starts over when fuller.
const ANALYSES_LIMIT: usize = 50_000;

fn repair_with(
    chars: &[char],
    tokens: &[Token],
    damaged_ranges: &[(usize, usize)],
    lex: &Lexicon,
    cache: &mut TokenMap<Option<Analysis>>,
) -> Vec<Change> {
    let in_damaged = |pos: usize| damaged_ranges.iter().any(|&(s, e)| pos >= s && pos < e);
    let mut changes = Vec::new();
    let mut prev_out = String::new();
    let mut key = String::new();
    for (ti, t) in tokens.iter().enumerate() {
        let tc = &chars[t.start..t.end];
        let joined_prev = ti > 0 && tokens[ti - 1].end + 1 >= t.start;
        if !in_damaged(t.start) {
            prev_out.clear();
            prev_out.extend(tc.iter().map(|&c| lower_char(c)));
            continue;
        }
        // A suffix after an apostrophe (`SOSU’erne`, `KL's`) is not a word of its own.
        if t.start > 0 && matches!(chars[t.start - 1], '\'' | '’') {
            prev_out.clear();
            continue;
        }
        if tc == ['|'] {
            if bar_means_i(chars, t) {
                changes.push(Change {
                    start: t.start,
                    end: t.end,
                    from: "|".into(),
                    to: "I".into(),
                    reason: "ocr: |→I (lone bar before a word)".into(),
                });
                prev_out = "i".into();
            } else {
                prev_out.clear();
            }
            continue;
        }
        key.clear();
        key.extend(tc);
        if !cache.contains_key(key.as_str()) {
            let a = analyse(tc, lex);
            cache.insert(&key, a);
        }
        let Some(Some(a)) = cache.get(key.as_str()) else {
            prev_out.clear();
            prev_out.extend(tc.iter().map(|&c| lower_char(c)));
            continue;
        };
        let next_lower: String = tokens
            .get(ti + 1)
            .filter(|n| n.start <= t.end + 1)
            .map(|n| {
                chars[n.start..n.end]
                    .iter()
                    .map(|&c| lower_char(c))
                    .collect()
            })
            .unwrap_or_default();
        let ctx_prev = if joined_prev {
            prev_out.clone()
        } else {
            String::new()
        };
        let score = |c: &Candidate| -> f32 {
            let mut s = c.cost;
            if c.single {
                if lex.has_bigram(&ctx_prev, &c.lower) {
                    s -= BIGRAM_BONUS;
                }
                if lex.has_bigram(&c.lower, &next_lower) {
                    s -= BIGRAM_BONUS;
                }
            }
            s
        };
        let orig_score = a.orig_cost.map(|oc| {
            let own = lower(&key);
            let mut s = oc;
            if lex.has_bigram(&ctx_prev, &own) {
                s -= BIGRAM_BONUS;
            }
            if lex.has_bigram(&own, &next_lower) {
                s -= BIGRAM_BONUS;
            }
            s
        });
        let best = a
            .candidates
            .iter()
            .map(|c| (score(c), c))
            .min_by(|x, y| x.0.total_cmp(&y.0));
        let chosen = match (best, orig_score) {
            (Some((s, c)), Some(o)) if s + VALID_MARGIN < o => Some(c),
            (Some((s, c)), None) if trusted(s, c, tc.len(), lex) => Some(c),
            _ => None,
        };
        match chosen {
            Some(c) if !c.edits.is_empty() => {
                let to = render(tc, &c.edits, lex, starts_clause(chars, t.start));
                let reason = explain(tc, &c.edits, lex);
                prev_out = c.lower.clone();
                changes.push(Change {
                    start: t.start,
                    end: t.end,
                    from: key.clone(),
                    to,
                    reason,
                });
            }
            _ => {
                prev_out.clear();
                prev_out.extend(tc.iter().map(|&c| lower_char(c)));
            }
        }
    }
    changes
}

/// Whether a repair of an unknown token is believable: cheap enough for its number of
/// parts, and for short tokens backed by clean minutes (initials like `lar` are not `lår`).
fn trusted(score: f32, c: &Candidate, len: usize, lex: &Lexicon) -> bool {
    if c.edits.iter().all(|e| lex.confusions[e.conf].forced) {
        return true;
    }
    if len <= 3 && !lex.freq.contains_key(c.lower.as_str()) {
        return false;
    }
    // Rare confusions are believed inside whole words only, not to glue compounds together.
    if c.parts > 1
        && c.edits
            .iter()
            .any(|e| lex.confusions[e.conf].cost > RARE_EDIT_COST)
    {
        return false;
    }
    score <= MAX_REPAIR_COST + MAX_COST_PER_PART * c.parts as f32
}

/// Candidates for one token type, or `None` when the token is left alone.
fn analyse(tc: &[char], lex: &Lexicon) -> Option<Analysis> {
    if tc.len() > MAX_TOKEN_CHARS || !tc.iter().any(|c| c.is_alphabetic()) {
        return None;
    }
    let has_forced = tc.iter().any(|c| lex.forced.contains(c));
    let letters: Vec<char> = tc.iter().copied().filter(|c| c.is_alphabetic()).collect();
    let all_caps = letters.len() >= 2 && letters.iter().all(|c| !c.is_lowercase());
    // Short all-caps tokens are acronyms (PA, SOSU), not damaged words.
    if all_caps && letters.len() <= 4 && !has_forced {
        return None;
    }
    let l: Vec<char> = tc.iter().map(|&c| lower_char(c)).collect();
    let lw: String = l.iter().collect();
    let orig_cost = if has_forced {
        None
    } else {
        lex.plain_cost(&l, true)
    };
    // Known words not resembling a frequent æ/ø/å word are fine as they are.
    if orig_cost.is_some() && lex.word_cost(&lw).is_some() && !lex.risky().contains(lw.as_str()) {
        return None;
    }
    let sites = sites_of(tc, lex);
    if sites.iter().all(Vec::is_empty) {
        return None;
    }
    let mut candidates = search(tc, &sites, lex);
    if candidates.is_empty() && has_forced {
        if let Some(c) = forced_only(tc, &sites, lex) {
            candidates.push(c);
        }
    }
    if candidates.is_empty() {
        return None;
    }
    Some(Analysis {
        orig_cost,
        candidates,
    })
}

/// Applicable confusions at each position of the token.
fn sites_of(tc: &[char], lex: &Lexicon) -> Vec<Vec<usize>> {
    (0..tc.len())
        .map(|i| {
            lex.by_first
                .get(&tc[i])
                .map(|v| {
                    v.iter()
                        .copied()
                        .filter(|&k| applies(&lex.confusions[k], tc, i))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// A reading of a token prefix: cost, parts, lower-case text, edits.
type Reading = (f32, usize, String, Vec<Edit>);

/// Best readings of the token: every one-part reading (for context scoring) plus the best
/// compound reading, by dynamic programming over compound parts.
fn search(tc: &[char], sites: &[Vec<usize>], lex: &Lexicon) -> Vec<Candidate> {
    let n = tc.len();
    let lowered: Vec<char> = tc.iter().map(|&c| lower_char(c)).collect();
    let forced: Vec<bool> = tc.iter().map(|c| lex.forced.contains(c)).collect();
    // Pruning needs every step of a reading to add a char (see `Walk::enumerate`).
    let prunable = lex.confusions.iter().all(|c| !c.intended_lower.is_empty());
    let walk = Walk {
        lowered: &lowered,
        forced: &forced,
        sites,
        lex,
        prefixes: prunable.then(|| lex.prefixes()),
    };
    // best[j] = cheapest reading of tc[..j]: (cost, parts, lower text, edits)
    let mut best: Vec<Option<Reading>> = vec![None; n + 1];
    best[0] = Some((0.0, 0, String::new(), Vec::new()));
    let mut singles: Vec<Candidate> = Vec::new();
    let mut buf = String::new();
    let mut edits: Vec<Edit> = Vec::new();
    // seg_best[j] = cheapest reading of the part tc[i..j] (the first of equals).
    let mut seg_best: Vec<Option<(f32, String, Vec<Edit>)>> = vec![None; n + 1];
    for i in 0..n {
        let Some((base, parts, _, _)) = best[i].as_ref().map(|b| (b.0, b.1, (), ())) else {
            continue;
        };
        if parts >= MAX_PARTS {
            continue;
        }
        // One walk from `i` reaches every end `j`, in the order separate walks to each `j`
        // would visit that `j`'s readings.
        seg_best.iter_mut().for_each(|b| *b = None);
        buf.clear();
        edits.clear();
        let mut visit = |j: usize, s: &str, e: &[Edit], ecost: f32| {
            let whole = i == 0 && j == n;
            let Some(wc) = lex.part_cost(s, whole, j < n, true) else {
                return;
            };
            let c = ecost + wc;
            if whole {
                singles.push(Candidate {
                    cost: c,
                    lower: s.to_string(),
                    edits: e.to_vec(),
                    single: true,
                    parts: 1,
                });
            }
            if seg_best[j].as_ref().is_none_or(|b| c < b.0) {
                seg_best[j] = Some((c, s.to_string(), e.to_vec()));
            }
        };
        walk.enumerate(i, i, 0, 0.0, HASH_START, &mut buf, &mut edits, &mut visit);
        for (j, seg) in seg_best.iter_mut().enumerate().skip(i + 1) {
            if let Some((c, s, e)) = seg.take() {
                let total = base + c + if i > 0 { SPLIT_COST } else { 0.0 };
                if best[j].as_ref().is_none_or(|b| total < b.0) {
                    let (mut text, mut all_edits) = best[i]
                        .as_ref()
                        .map(|b| (b.2.clone(), b.3.clone()))
                        .unwrap_or_default();
                    text.push_str(&s);
                    all_edits.extend(e);
                    best[j] = Some((total, parts + 1, text, all_edits));
                }
            }
        }
    }
    if let Some((cost, parts, text, e)) = best[n].take() {
        if parts > 1 {
            singles.push(Candidate {
                cost,
                lower: text,
                edits: e,
                single: false,
                parts,
            });
        }
    }
    // Only candidates that change something are useful; the token itself is judged apart.
    singles.retain(|c| !c.edits.is_empty());
    singles
}

/// Called by [`Walk::enumerate`] with each reading: its end, text, edits and edit cost.
type Visit<'a> = dyn FnMut(usize, &str, &[Edit], f32) + 'a;

/// What [`Walk::enumerate`] needs of one token, computed once per token.
struct Walk<'a> {
    /// The token's chars in lower case.
    lowered: &'a [char],
    /// Whether each char can never stand in a word (so it must be replaced).
    forced: &'a [bool],
    sites: &'a [Vec<usize>],
    lex: &'a Lexicon,
    /// For pruning readings no word starts with.
    prefixes: Option<&'a PrefixFilter>,
}

impl Walk<'_> {
    /// Enumerate readings of the token from `start` with bounded edits, calling `visit` with
    /// the end `p` of each reading of `tc[start..p]` (`p > start`), depth first. `h` is the
    /// [`hash_step`] hash of `buf`, the reading so far.
    ///
    /// `visit` only acts on readings that are a word or a word plus one letter. Every step
    /// adds a char, so once no word starts with `buf`, no longer reading is either, and the
    /// readings beyond are skipped.
    #[allow(clippy::too_many_arguments)]
    fn enumerate(
        &self,
        start: usize,
        p: usize,
        nedits: usize,
        cost: f32,
        h: u64,
        buf: &mut String,
        edits: &mut Vec<Edit>,
        visit: &mut Visit<'_>,
    ) {
        if p > start {
            visit(p, buf, edits, cost);
            if self.prefixes.is_some_and(|f| !f.may_start(h)) {
                return;
            }
        }
        let n = self.lowered.len();
        if p == n {
            return;
        }
        let len = buf.len();
        if !self.forced[p] {
            buf.push(self.lowered[p]);
            let h = hash_step(h, self.lowered[p]);
            self.enumerate(start, p + 1, nedits, cost, h, buf, edits, visit);
            buf.truncate(len);
        }
        for &k in &self.sites[p] {
            let c = &self.lex.confusions[k];
            let end = p + c.observed.len();
            if end > n {
                continue;
            }
            let counts = usize::from(!c.forced);
            if nedits + counts > MAX_EDITS_PER_PART || cost + c.cost > MAX_EDIT_COST_PER_PART {
                continue;
            }
            buf.push_str(&c.intended_lower);
            let h = c.intended_lower.chars().fold(h, hash_step);
            edits.push(Edit {
                pos: p,
                len: c.observed.len(),
                conf: k,
            });
            self.enumerate(
                start,
                end,
                nedits + counts,
                cost + c.cost,
                h,
                buf,
                edits,
                visit,
            );
            edits.pop();
            buf.truncate(len);
        }
    }
}

/// Replace only the impossible chars, with their cheapest reading (e.g. `@A` → `ØA`).
fn forced_only(tc: &[char], sites: &[Vec<usize>], lex: &Lexicon) -> Option<Candidate> {
    let mut edits = Vec::new();
    let mut lowered = String::new();
    let mut cost = 0.0;
    let mut p = 0;
    while p < tc.len() {
        if lex.forced.contains(&tc[p]) {
            let k = sites[p]
                .iter()
                .copied()
                .filter(|&k| lex.confusions[k].forced)
                .min_by(|&a, &b| lex.confusions[a].cost.total_cmp(&lex.confusions[b].cost))?;
            let c = &lex.confusions[k];
            edits.push(Edit {
                pos: p,
                len: c.observed.len(),
                conf: k,
            });
            lowered.push_str(&c.intended_lower);
            cost += c.cost;
            p += c.observed.len();
        } else {
            lowered.push(lower_char(tc[p]));
            p += 1;
        }
    }
    Some(Candidate {
        cost: cost + MAX_REPAIR_COST,
        lower: lowered,
        edits,
        single: false,
        parts: 1,
    })
}

/// True when the token at `start` begins a line or follows sentence punctuation, where a
/// capital is expected.
fn starts_clause(chars: &[char], start: usize) -> bool {
    chars[..start]
        .iter()
        .rev()
        .find(|&&c| c == '\n' || !c.is_whitespace())
        .is_none_or(|&c| matches!(c, '\n' | '.' | ':' | '!' | '?' | '-' | '–' | '—' | '•'))
}

/// Build the repaired token, keeping its case (`Arlig` → `Årlig`, `@KONOMI` → `ØKONOMI`).
/// `@` stands for both `Ø`/`Æ` and `ø`/`æ`; inside a sentence a lower-case word gets the
/// lower-case letter (`Der @&ndres` → `Der ændres`).
fn render(tc: &[char], edits: &[Edit], lex: &Lexicon, clause_start: bool) -> String {
    let letters: Vec<char> = tc.iter().copied().filter(|c| c.is_alphabetic()).collect();
    let all_caps = letters.len() >= 2 && letters.iter().all(|c| !c.is_lowercase());
    let rest_lower =
        tc.iter().skip(1).any(|c| c.is_lowercase()) && !tc.iter().skip(1).any(|c| c.is_uppercase());
    let mut out = String::with_capacity(tc.len() + 4);
    let mut p = 0;
    let mut k = 0;
    while p < tc.len() {
        if k < edits.len() && edits[k].pos == p {
            let c = &lex.confusions[edits[k].conf];
            if all_caps {
                out.push_str(&c.intended.to_uppercase());
            } else if p == 0 && c.forced && !clause_start && rest_lower {
                out.push_str(&c.intended_lower);
            } else {
                out.push_str(&c.intended);
            }
            p += edits[k].len;
            k += 1;
        } else {
            out.push(tc[p]);
            p += 1;
        }
    }
    out
}

fn explain(tc: &[char], edits: &[Edit], lex: &Lexicon) -> String {
    let mut s = String::from("ocr:");
    for e in edits {
        let obs: String = tc[e.pos..e.pos + e.len].iter().collect();
        s.push(' ');
        s.push_str(&obs);
        s.push('→');
        s.push_str(&lex.confusions[e.conf].intended);
    }
    s
}

/// Apply `changes` (char offsets, sorted, non-overlapping) to `text`.
pub fn apply(text: &str, changes: &[Change]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut k = 0;
    let mut skip_until = 0;
    for (i, c) in text.chars().enumerate() {
        while k < changes.len() && changes[k].start < i && changes[k].start < skip_until {
            k += 1;
        }
        if k < changes.len() && changes[k].start == i && i >= skip_until {
            out.push_str(&changes[k].to);
            skip_until = changes[k].end;
            k += 1;
        }
        if i >= skip_until {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_map_keeps_every_text_apart() {
        let keys = [
            "",
            "a",
            "a\0",
            "\0",
            "ab",
            "æ",
            "ø",
            "abcdefghijklmno",
            "abcdefghijklmno\0",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
        ];
        let mut m = TokenMap::default();
        for (i, k) in keys.iter().enumerate() {
            m.insert(k, i);
        }
        assert_eq!(m.len(), keys.len());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(m.get(k), Some(&i), "{k:?}");
            assert!(m.contains_key(k));
        }
        assert_eq!(m.get("b"), None);
        assert_eq!(m.get("abcdefghijklmnoq"), None);
    }

    #[test]
    fn ascii_classes_are_the_char_tests() {
        for b in 0u8..128 {
            let c = char::from(b);
            assert!(ASCII_CLASS[usize::from(b)] == class_of(c), "{c:?}");
        }
        // The two-byte fast path: every char from U+00C0 to U+00FF is a token char but
        // for × and ÷.
        for c in '\u{c0}'..='\u{ff}' {
            assert_eq!(is_token_char(c), !matches!(c, '×' | '÷'), "{c:?}");
            assert!(!c.is_whitespace());
        }
    }

    fn lex() -> Lexicon {
        Lexicon::from_words([
            "byrådet",
            "godkendte",
            "forslaget",
            "skole",
            "møde",
            "mødet",
            "mode",
            "model",
            "drøftede",
            "sagen",
            "udvalget",
            "kommunal",
            "bestyrelse",
            "årlig",
            "økonomi",
            "økonomien",
            "fælles",
            "løbende",
            "løftes",
            "ændres",
            "ændret",
            "vejen",
            "dag",
            "beslutning",
            "klima",
            "plan",
            "planen",
            "vedtaget",
            "borgerne",
            "tilbud",
            "skal",
            "ny",
            "side",
            "blev",
            "næste",
            "punkter",
            "kommende",
            "made",
        ])
    }

    fn all_damaged(text: &str) -> DamageReport {
        DamageReport {
            damaged: true,
            pages: vec![PageDamage {
                start: 0,
                end: text.chars().count(),
                damaged: true,
                suspicious: 0,
                words: 0,
            }],
        }
    }

    fn fix(text: &str, lex: &Lexicon) -> String {
        apply(text, &repair(text, &all_damaged(text), lex))
    }

    #[test]
    fn restores_letters() {
        let lex = lex();
        assert_eq!(
            fix("Udvalget drgftede sagen pa mgdet i &r.", &lex),
            "Udvalget drøftede sagen på mødet i år."
        );
        assert_eq!(
            fix(
                "Byradet godkendte feelles tilbud, der Igbende |gftes.",
                &lex
            ),
            "Byrådet godkendte fælles tilbud, der løbende løftes."
        );
        assert_eq!(
            fix("Planen @&ndres ikke p& vejen.", &lex),
            "Planen ændres ikke på vejen."
        );
    }

    #[test]
    fn keeps_case() {
        let lex = lex();
        assert_eq!(fix("Arlig plan", &lex), "Årlig plan");
        assert_eq!(fix("@KONOMI. @konomien", &lex), "ØKONOMI. Økonomien");
        assert_eq!(fix("Der @&ndres ikke", &lex), "Der ændres ikke");
        assert_eq!(fix("Andret model", &lex), "Ændret model");
        assert_eq!(fix("pA mgdet", &lex), "på mødet");
        // An impossible char is replaced even in an unknown token.
        assert_eq!(fix("@A27 blev vedtaget", &lex), "ØA27 blev vedtaget");
    }

    #[test]
    fn leaves_valid_words_and_acronyms() {
        let lex = lex();
        let t = "Udvalget godkendte model og PA skole";
        assert_eq!(fix(t, &lex), t);
        // `mode` is a word, but after `næste` the minutes mean `møde`.
        assert_eq!(
            fix("Punkter til naeste mode", &lex),
            "Punkter til næste møde"
        );
    }

    #[test]
    fn lone_bar() {
        let lex = lex();
        assert_eq!(
            fix("| dag blev planen vedtaget", &lex),
            "I dag blev planen vedtaget"
        );
        assert_eq!(fix("SIDE | 14", &lex), "SIDE | 14");
    }

    #[test]
    fn urls_and_mail_untouched() {
        let lex = lex();
        let t = "Se https://www.kl.dk/moede-pa-mgde og skriv til abc@kl.dk pa mgdet";
        let out = fix(t, &lex);
        assert!(out.starts_with("Se https://www.kl.dk/moede-pa-mgde og skriv til abc@kl.dk"));
        assert!(out.ends_with("på mødet"));
    }

    #[test]
    fn compounds_and_contains() {
        let lex = lex();
        assert!(lex.contains("Kommunalbestyrelsesmøde"));
        assert!(lex.contains("klimaplanen"));
        assert!(lex.contains("ØKONOMI"));
        assert!(!lex.contains("mgde"));
        assert!(!lex.contains("pa"));
        assert_eq!(
            fix("Kommunalbestyrelsesmgdet og klimaplanen", &lex),
            "Kommunalbestyrelsesmødet og klimaplanen"
        );
    }

    #[test]
    fn gazetteer_names() {
        let mut lex = lex();
        assert!(!lex.contains("Sjælsø"));
        lex.add_names(["Sjælsø Vandværk"]);
        assert!(lex.contains("sjælsø"));
        assert_eq!(fix("Sjeelsg Vandveerk", &lex), "Sjælsø Vandværk");
    }

    #[test]
    fn detect_damage_per_page() {
        let lex = lex();
        let bad = "Udvalget drgftede sagen pa mgdet. Byradet godkendte feelles tilbud. \
                   Arlig plan skal drgftes pa naeste mgde. ";
        let good = "Udvalget drøftede sagen på mødet. Byrådet godkendte fælles tilbud. \
                    Årlig plan skal drøftes på næste møde. ";
        let text = format!("{good}{bad}");
        let split = good.chars().count();
        let r = detect(&text, &[split], &lex);
        assert_eq!(r.pages.len(), 2);
        assert!(!r.pages[0].damaged);
        assert!(r.pages[1].damaged);
        assert!(r.damaged);
        let changes = repair(&text, &r, &lex);
        assert!(changes.iter().all(|c| c.start >= split));
        assert_eq!(apply(&text, &changes), format!("{good}{good}"));
        assert!(!detect(good, &[], &lex).damaged);
        assert!(repair(good, &detect(good, &[], &lex), &lex).is_empty());
    }

    #[test]
    fn changes_are_char_offsets() {
        let lex = lex();
        let text = "Økonomi, fælles: pa mgdet";
        let changes = repair(text, &all_damaged(text), &lex);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].start, 17);
        assert_eq!(changes[0].end, 19);
        assert_eq!(changes[0].from, "pa");
        assert!(changes[1].reason.contains("g→ø"));
        assert!(changes.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn load_without_failing() {
        let lex = Lexicon::load();
        assert!(lex.is_ok());
    }

    /// The filter built in list order, each word after the one before, has exactly the
    /// bits of one built word by word; and a lexicon's filter, built at load and given the
    /// names added since, equals one built afresh from its final word tables.
    #[test]
    fn prefix_filters_built_in_order_and_grown_are_the_full_build() {
        let words = [
            "", "a", "ab", "abe", "aben", "abens", "b", "bar", "barn", "barne", "bo", "bø", "bøg",
            "bøgen", "ål", "ålen", "abe", "x",
        ];
        let chars: usize = words.iter().map(|w| w.len()).sum();
        let full = PrefixFilter::build(words.iter().copied());
        let mut ordered = PrefixFilter::sized_for(chars);
        let mut hashes = vec![HASH_START];
        let mut prev = "";
        for w in words {
            ordered.insert_after(prev, w, &mut hashes);
            prev = w;
        }
        assert_eq!(ordered.bits, full.bits);
        // A missed prefix would show: the filter without the last word's own chars differs.
        let mut short = PrefixFilter::sized_for(chars);
        let mut hashes = vec![HASH_START];
        for pair in words.windows(2).take(words.len() - 2) {
            short.insert_after(pair[0], pair[1], &mut hashes);
        }
        assert_ne!(short.bits, full.bits);

        let Ok(mut lex) = Lexicon::load() else {
            return;
        };
        lex.add_names([
            "Sundhedskoordinationsforum Qxyzværk",
            "Æblegårdens Zørk-Udvalg",
        ]);
        let built = lex.prefixes().bits.clone();
        let afresh =
            PrefixFilter::build(lex.words.iter().chain(lex.freq.keys().map(|w| &**w))).bits;
        if lex.has_system_wordlist() {
            // The load sized the filter by the list's bytes; the same power of two here.
            assert_eq!(built.len(), afresh.len());
            assert_eq!(built, afresh);
        }
        assert!(lex.may_be_word("qxyzværk") && lex.may_be_word("zørk"));
    }
}
