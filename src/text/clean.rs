//! Cleaning: page furniture, doubled blank lines, line-end hyphenation, broken URLs, bullets.
//!
//! Works line by line on `(char, source offset)` pairs, so that whatever is removed or
//! joined, each output character still knows where it came from. The rules are layout
//! rules of PDF text layers and OCR, not rules about any one document; the word lists they
//! need (hyphen prefixes that stay, conjunctions after a suspended hyphen, furniture
//! patterns) are data in `data/text/`.

use once_cell::sync::Lazy;
use regex::Regex;
use rustc_hash::FxHashSet as HashSet;

/// Cleaned text plus the way back to the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanText {
    /// The clean text: one logical line per source line, paragraphs separated by one empty
    /// line, a page start marked by one leading space.
    pub text: String,
    /// `map[i]` is the source char offset of output char `i`; one extra entry at the end
    /// holds the source length, so spans `[a, b)` map to `[map[a], map[b])`.
    pub map: Vec<usize>,
    /// Char offsets in `text` where a page begins.
    pub page_starts: Vec<usize>,
    /// True when the source had a blank line after every line (born-digital PDF text).
    pub double_spaced: bool,
}

impl CleanText {
    /// Source char offset of an output char offset (clamped to the end).
    pub fn source_offset(&self, i: usize) -> usize {
        self.map
            .get(i)
            .copied()
            .unwrap_or_else(|| self.map.last().copied().unwrap_or(0))
    }

    /// Replace char ranges of the text (sorted, non-overlapping), keeping the map: new chars
    /// inherit the source offsets of the chars they replace.
    pub fn apply_replacements(&mut self, repl: &[(usize, usize, String)]) {
        let chars: Vec<char> = self.text.chars().collect();
        let mut out = String::with_capacity(self.text.len());
        let mut map = Vec::with_capacity(self.map.len());
        let mut pos = 0;
        let mut page_shift: Vec<(usize, isize)> = Vec::new();
        let mut shift: isize = 0;
        for (start, end, to) in repl {
            let (start, end) = ((*start).min(chars.len()), (*end).min(chars.len()));
            if start < pos || end < start {
                continue;
            }
            out.extend(&chars[pos..start]);
            map.extend_from_slice(&self.map[pos..start]);
            let src_start = self.map[start];
            let src_end = self.map[end.max(start)];
            let n = to.chars().count();
            for (k, c) in to.chars().enumerate() {
                out.push(c);
                let off = if k < end - start {
                    self.map[start + k]
                } else {
                    src_end.max(src_start)
                };
                map.push(off);
            }
            shift += n as isize - (end - start) as isize;
            page_shift.push((end, shift));
            pos = end;
        }
        out.extend(&chars[pos..]);
        map.extend_from_slice(&self.map[pos..chars.len()]);
        map.push(self.map.last().copied().unwrap_or(0));
        self.page_starts = self
            .page_starts
            .iter()
            .map(|p| {
                let s = page_shift
                    .iter()
                    .rev()
                    .find(|(e, _)| *e <= *p)
                    .map(|(_, s)| *s)
                    .unwrap_or(0);
                (*p as isize + s).max(0) as usize
            })
            .collect();
        self.text = out;
        self.map = map;
    }
}

/// Options for cleaning; the defaults are what `referat text` does.
#[derive(Debug, Clone)]
pub struct CleanOptions {
    /// Mark page starts with a leading space in the output.
    pub mark_pages: bool,
}

impl Default for CleanOptions {
    fn default() -> Self {
        CleanOptions { mark_pages: true }
    }
}

/// Word lists for the hyphenation rules, loaded from `data/text/`.
struct HyphenRules {
    keep_prefixes: HashSet<String>,
    conjunctions: HashSet<String>,
}

fn word_list(data: &str) -> HashSet<String> {
    data.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.to_lowercase())
        .collect()
}

static HYPHEN: Lazy<HyphenRules> = Lazy::new(|| HyphenRules {
    keep_prefixes: word_list(include_str!("../../data/text/hyphen-keep-prefixes.txt")),
    conjunctions: word_list(include_str!(
        "../../data/text/suspended-hyphen-conjunctions.txt"
    )),
});

/// Inclusive char ranges.
type CharRanges = Vec<(char, char)>;

/// Page furniture patterns: one regex per line of `data/text/furniture.txt`, each with the
/// chars its matches can end with when it is anchored at the end. (Kept apart: a
/// `RegexSet` of these anchored patterns was several times slower.)
static FURNITURE: Lazy<Vec<(Regex, Option<CharRanges>)>> = Lazy::new(|| {
    include_str!("../../data/text/furniture.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| Some((Regex::new(l).ok()?, last_chars(l).map(merged))))
        .collect()
});

/// The ranges sorted and merged, so one binary search tells whether a char is in them
/// (a Unicode `\d` alone is some 70 ranges; scanning them for every line and pattern was
/// a fifth of the cleaning instructions, a third of its time under `perf`).
fn merged(mut ranges: CharRanges) -> CharRanges {
    ranges.sort_unstable();
    let mut out: CharRanges = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match out.last_mut() {
            Some(last) if a as u32 <= last.1 as u32 + 1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Whether `c` lies in sorted, merged ranges.
fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    let i = ranges.partition_point(|&(a, _)| a <= c);
    i > 0 && c <= ranges[i - 1].1
}

/// Whether a trimmed line is page furniture. Most lines end with a char no furniture
/// pattern can end with (a letter, a period) and are told apart without running one: the
/// three regexes per line were a third of the cleaning time.
fn is_furniture(trimmed: &str) -> bool {
    let last = trimmed.chars().next_back();
    FURNITURE.iter().any(|(r, ends)| {
        let possible = match (ends, last) {
            (Some(ranges), Some(c)) => in_ranges(ranges, c),
            _ => true,
        };
        possible && r.is_match(trimmed)
    })
}

/// The chars a match of `pattern` can end with, as ranges, when the pattern ends with `$`
/// (end of text) and cannot match the empty string; `None` when that is not known.
fn last_chars(pattern: &str) -> Option<CharRanges> {
    use regex_syntax::hir::{Hir, HirKind, Look};
    /// The chars a match of `h` can end with (`None`: any) and whether it can be empty.
    fn ends(h: &Hir) -> (Option<CharRanges>, bool) {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => (Some(Vec::new()), true),
            HirKind::Literal(l) => match std::str::from_utf8(&l.0)
                .ok()
                .map(|s| s.chars().next_back())
            {
                Some(Some(c)) => (Some(vec![(c, c)]), false),
                Some(None) => (Some(Vec::new()), true),
                None => (None, false),
            },
            HirKind::Class(regex_syntax::hir::Class::Unicode(c)) => (
                Some(c.ranges().iter().map(|r| (r.start(), r.end())).collect()),
                false,
            ),
            HirKind::Class(_) => (None, false),
            HirKind::Repetition(r) => {
                let (set, empty) = ends(&r.sub);
                (set, empty || r.min == 0)
            }
            HirKind::Capture(c) => ends(&c.sub),
            HirKind::Concat(xs) => {
                let mut acc = Some(Vec::new());
                for x in xs.iter().rev() {
                    let (set, empty) = ends(x);
                    acc = union(acc, set);
                    if !empty {
                        return (acc, false);
                    }
                }
                (acc, true)
            }
            HirKind::Alternation(xs) => xs.iter().fold((Some(Vec::new()), false), |(a, e), x| {
                let (set, empty) = ends(x);
                (union(a, set), e || empty)
            }),
        }
    }
    fn union(a: Option<CharRanges>, b: Option<CharRanges>) -> Option<CharRanges> {
        let (mut a, b) = (a?, b?);
        a.extend(b);
        Some(a)
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    let anchored = match hir.kind() {
        HirKind::Concat(xs) => xs
            .last()
            .is_some_and(|x| matches!(x.kind(), HirKind::Look(Look::End))),
        _ => false,
    };
    match ends(&hir) {
        (Some(set), false) if anchored => Some(set),
        _ => None,
    }
}

static COVER_START: Lazy<(HashSet<String>, usize)> = Lazy::new(|| {
    let set = word_list(include_str!("../../data/text/cover-headings.txt"));
    let longest = set.iter().map(|h| h.chars().count()).max().unwrap_or(0);
    (set, longest)
});

static URL_ONLY: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(https?://|www\.)\S+$").unwrap_or_else(|_| unreachable_regex()));
static URL_TAIL: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(https?://|www\.)\S+$").unwrap_or_else(|_| unreachable_regex()));
static URL_ANY: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(https?://|www\.)\S+").unwrap_or_else(|_| unreachable_regex()));
static BULLET: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^([-–—•▪●]|o)\s+").unwrap_or_else(|_| unreachable_regex()));

/// A regex that matches nothing; only used if a literal pattern above failed to compile,
/// which the unit tests rule out.
fn unreachable_regex() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("empty class regex compiles"))
}

/// One line being built: its characters with their source offsets.
///
/// Most lines are never edited: they stay a slice of the source (`plain`) until a rule
/// changes them, and only then become a vector of `(char, source offset)` pairs. Building
/// that vector for every line was half the time of cleaning.
#[derive(Debug, Clone, Default)]
struct Line<'s> {
    /// The line's text as a source slice whose chars have consecutive source offsets
    /// from `.1`; `chars` is empty while this is set.
    plain: Option<(&'s str, usize)>,
    chars: Vec<(char, usize)>,
    /// A paragraph break (blank line) rather than content.
    blank: bool,
    page_start: bool,
    /// Whether `chars` hold `://` or `www.`, kept up to date as the line changes (checked
    /// for every line twice; most have neither).
    url_hint: bool,
    /// Whether `chars` may hold a `-` (false only when they hold none).
    dash: bool,
}

impl Line<'_> {
    fn text(&self) -> String {
        match self.plain {
            Some((s, _)) => s.to_string(),
            None => self.chars.iter().map(|(c, _)| *c).collect(),
        }
    }

    fn ends_with(&self, c: char) -> bool {
        match self.plain {
            Some((s, _)) => s.ends_with(c),
            None => self.chars.last().is_some_and(|&(l, _)| l == c),
        }
    }

    fn is_empty(&self) -> bool {
        match self.plain {
            Some((s, _)) => s.is_empty(),
            None => self.chars.is_empty(),
        }
    }

    /// The first char and its source offset.
    fn first(&self) -> Option<(char, usize)> {
        match self.plain {
            Some((s, off)) => s.chars().next().map(|c| (c, off)),
            None => self.chars.first().copied(),
        }
    }

    /// The chars with their source offsets, to edit (a plain line becomes a vector).
    fn chars_mut(&mut self) -> &mut Vec<(char, usize)> {
        if let Some((s, off)) = self.plain.take() {
            self.chars = s.chars().enumerate().map(|(k, c)| (c, off + k)).collect();
        }
        &mut self.chars
    }

    /// Append the text to `text` and each char's source offset to `map`.
    fn emit(&self, text: &mut String, map: &mut Vec<usize>) {
        match self.plain {
            Some((s, off)) => {
                text.push_str(s);
                map.extend(off..off + s.chars().count());
            }
            None => {
                for &(c, o) in &self.chars {
                    text.push(c);
                    map.push(o);
                }
            }
        }
    }

    /// Whether the line holds `://` or `www.`, which every URL pattern here needs.
    fn may_hold_url(&self) -> bool {
        self.url_hint
    }

    /// Recompute the hints from the chars (after a word moved between lines).
    fn rehint(&mut self) {
        if let Some((s, _)) = self.plain {
            self.url_hint = may_hold_url(s);
            self.dash = s.contains('-');
            return;
        }
        self.url_hint = self.scan_url();
        self.dash = self.chars.iter().any(|&(c, _)| c == '-');
    }

    /// `may_hold_url`, found by looking at every char.
    fn scan_url(&self) -> bool {
        let at = |k: usize| self.chars.get(k).map(|&(c, _)| c);
        (0..self.chars.len()).any(|k| match at(k) {
            Some(':') => at(k + 1) == Some('/') && at(k + 2) == Some('/'),
            Some('w') => at(k + 1) == Some('w') && at(k + 2) == Some('w') && at(k + 3) == Some('.'),
            _ => false,
        })
    }
}

/// Whether `s` holds `://` or `www.`, which every URL pattern here needs.
fn may_hold_url(s: &str) -> bool {
    let b = s.as_bytes();
    holds(b, b"://") || holds(b, b"www.")
}

/// Whether `b` holds `needle`, looked for at each place of its first byte. For the
/// needles here (first bytes rare in Danish text) this is cheaper than `str::contains`,
/// which sets up a substring searcher on every call, once per line.
fn holds(b: &[u8], needle: &[u8]) -> bool {
    needle
        .first()
        .is_some_and(|&first| memchr::memchr_iter(first, b).any(|i| b[i..].starts_with(needle)))
}

/// Whether a line needs its white space normalised (a tab, a no-break space or two
/// spaces in a row); most lines need none and stay slices of the source.
fn needs_space_folding(s: &str) -> bool {
    static DOUBLE_SPACE: Lazy<memchr::memmem::Finder<'static>> =
        Lazy::new(|| memchr::memmem::Finder::new("  "));
    let b = s.as_bytes();
    memchr::memchr(b'\t', b).is_some()
        || holds(b, "\u{a0}".as_bytes())
        || DOUBLE_SPACE.find(b).is_some()
}

/// A line of the source as [`clean`] first reads it.
struct RawLine<'a> {
    text: &'a str,
    /// `text` without white space at its ends (looked at several times below).
    trimmed: &'a str,
    /// Source char offset of the line's start.
    start: usize,
    /// Whether it may hold a URL (looked at twice below, searched once).
    url_hint: bool,
}

/// Clean a decoded document. Never fails: on text with none of the layout quirks it only
/// normalises whitespace.
pub fn clean(source: &str, opts: &CleanOptions) -> CleanText {
    // (Sized from the line count: grown step by step, the vectors of lines were copied at
    // every reallocation.)
    let line_count = memchr::memchr_iter(b'\n', source.as_bytes()).count() + 1;
    let mut raw: Vec<RawLine<'_>> = Vec::with_capacity(line_count);
    let mut off = 0usize;
    let mut from = 0usize;
    for end in memchr::memchr_iter(b'\n', source.as_bytes()).chain([source.len()]) {
        let text = &source[from..end];
        raw.push(RawLine {
            text,
            trimmed: text.trim(),
            start: off,
            url_hint: may_hold_url(text),
        });
        off += text.chars().count() + 1;
        from = end + 1;
    }
    let src_len = source.chars().count();

    // 1. Doubled blank lines: a born-digital text layer puts an empty line after every line,
    //    and marks real paragraph breaks by a line holding only spaces.
    let nonblank = raw.iter().filter(|l| !l.trimmed.is_empty()).count();
    let followed_by_empty = raw
        .windows(2)
        .filter(|w| !w[0].trimmed.is_empty() && w[1].text.is_empty())
        .count();
    let double_spaced = nonblank > 10 && followed_by_empty * 10 >= nonblank * 8;

    // 2. Evidence for URLs: URL-only lines (PDF link dumps) tell how broken URLs rejoin.
    // (White space at a line's ends makes no `://` or `www.`: the hint holds for the trimmed
    // line too.)
    let url_lines: HashSet<String> = raw
        .iter()
        .filter(|l| l.url_hint)
        .map(|l| l.trimmed)
        .filter(|l| URL_ONLY.is_match(l))
        .map(str::to_string)
        .collect();

    // 3. Build content lines, dropping furniture and marking page starts.
    let mut lines: Vec<Line> = Vec::with_capacity(line_count);
    let mut next_is_page_start = false;
    let mut in_cover = false;
    let mut cover_seen = 0usize;
    for &RawLine {
        text,
        trimmed,
        start,
        url_hint,
    } in &raw
    {
        if trimmed.is_empty() {
            if double_spaced && text.is_empty() {
                continue;
            }
            push_blank(&mut lines);
            continue;
        }
        if is_furniture(trimmed) {
            next_is_page_start = true;
            push_blank(&mut lines);
            continue;
        }
        // The KL cover (mission, vision) is boilerplate: drop from its first heading to the
        // end of the paragraph after its last heading. (Lower-casing never shortens a text
        // in chars, so a line longer than every heading is none.)
        let (cover_start, longest_heading) = &*COVER_START;
        if trimmed.chars().nth(*longest_heading).is_none()
            && cover_start.contains(&trimmed.to_lowercase())
            && cover_seen < cover_start.len()
        {
            in_cover = true;
            cover_seen += 1;
            continue;
        }
        if in_cover {
            if cover_seen >= cover_start.len() && trimmed.ends_with('.') {
                in_cover = false;
            }
            continue;
        }
        let leading_space = text.starts_with(' ') && !text.starts_with("   ");
        let page_start = next_is_page_start || leading_space;
        next_is_page_start = false;
        // The chars `trim` dropped at the start (white space, mostly none).
        let lead = text[..text.len() - text.trim_start().len()].chars().count();
        let dash = memchr::memchr(b'-', text.as_bytes()).is_some();
        // Without tabs, no-break spaces or double spaces the line is its source slice.
        let body = trimmed;
        if !needs_space_folding(body) {
            lines.push(Line {
                plain: Some((body, start + lead)),
                chars: Vec::new(),
                blank: false,
                page_start,
                url_hint,
                dash,
            });
            continue;
        }
        let mut chars: Vec<(char, usize)> = Vec::with_capacity(text.len());
        let mut prev_space = false;
        for (k, c) in text.chars().enumerate().skip(lead) {
            let c = if c == '\t' || c == '\u{a0}' { ' ' } else { c };
            if c == ' ' && prev_space {
                continue;
            }
            prev_space = c == ' ';
            chars.push((c, start + k));
        }
        while chars.last().is_some_and(|(c, _)| c.is_whitespace()) {
            chars.pop();
        }
        // Dropping white space at the ends, turning tabs and no-break spaces into spaces
        // and folding runs of them neither makes nor breaks `://`, `www.` or a `-`.
        lines.push(Line {
            plain: None,
            chars,
            blank: false,
            page_start,
            url_hint,
            dash,
        });
    }

    // 4. Bullets: normalise the marker, keep the item on its own line.
    for line in lines.iter_mut().filter(|l| !l.blank) {
        // Every bullet starts with one of the markers of `BULLET`.
        if !line
            .first()
            .is_some_and(|(c, _)| matches!(c, '-' | '–' | '—' | '•' | '▪' | '●' | 'o'))
        {
            continue;
        }
        let t = line.text();
        if let Some(m) = BULLET.find(&t) {
            let marker = t.chars().next().unwrap_or('-');
            let n = m.as_str().chars().count();
            let chars = line.chars_mut();
            let off = chars.first().map_or(0, |&(_, o)| o);
            let rest: Vec<(char, usize)> = chars[n..].to_vec();
            // `o` only counts as a bullet when followed by a capital: "o Et fortsat …".
            if marker == 'o' && !rest.first().is_some_and(|(c, _)| c.is_uppercase()) {
                continue;
            }
            let prefix = if marker == 'o' { "  - " } else { "- " };
            let mut chars: Vec<(char, usize)> = prefix.chars().map(|c| (c, off)).collect();
            chars.extend(rest);
            line.chars = chars;
            line.dash = true;
        }
    }

    // 4b. "it- driftsenheder": a PDF text layer sometimes leaves a space after a compound
    //     hyphen; close it unless a conjunction follows ("Børne- og …").
    for line in lines.iter_mut().filter(|l| !l.blank && l.dash) {
        close_split_hyphens(line);
    }

    // 5. Join line-end hyphenation and broken URLs.
    join_broken_words(&mut lines, &url_lines);

    // 6. Drop URL-only lines that repeat a URL cited in the text (PDF link annotations).
    // The text of each line that may hold a URL (the others need no look).
    let url_texts: Vec<Option<String>> = lines
        .iter()
        .map(|l| (!l.blank && l.may_hold_url()).then(|| l.text()))
        .collect();
    let running: Vec<String> = url_texts
        .iter()
        .flatten()
        .filter(|t| !URL_ONLY.is_match(t))
        .flat_map(|t| {
            URL_ANY
                .find_iter(t)
                .map(|m| m.as_str().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut seen_url_lines: HashSet<String> = HashSet::default();
    let mut kept: Vec<Line> = Vec::new();
    for (line, t) in lines.into_iter().zip(url_texts) {
        if let Some(t) = t {
            if URL_ONLY.is_match(&t) {
                let cited = running.iter().any(|u| u.trim_end_matches('.') == t);
                if cited || !seen_url_lines.insert(t.clone()) {
                    push_blank(&mut kept);
                    continue;
                }
            }
        }
        kept.push(line);
    }

    // 7. Emit.
    let mut text = String::with_capacity(source.len() + 2);
    let mut map = Vec::with_capacity(src_len + 2);
    let mut page_starts = Vec::new();
    let mut pending_blank = false;
    let mut first = true;
    for line in kept {
        if line.blank {
            pending_blank = true;
            continue;
        }
        let Some((_, off)) = line.first() else {
            continue;
        };
        if !first {
            text.push('\n');
            map.push(off);
            if pending_blank {
                text.push('\n');
                map.push(off);
            }
        }
        first = false;
        pending_blank = false;
        if line.page_start {
            page_starts.push(map.len());
            if opts.mark_pages {
                text.push(' ');
                map.push(off);
            }
        }
        line.emit(&mut text, &mut map);
    }
    text.push('\n');
    map.push(src_len);
    map.push(src_len);
    CleanText {
        text,
        map,
        page_starts,
        double_spaced,
    }
}

fn push_blank(lines: &mut Vec<Line>) {
    if lines.last().is_some_and(|l| !l.blank) {
        lines.push(Line {
            blank: true,
            ..Line::default()
        });
    }
}

/// Join a word broken at a line end with the first word of the next content line.
fn join_broken_words(lines: &mut [Line], url_lines: &HashSet<String>) {
    let n = lines.len();
    let mut i = 0;
    while i < n {
        if lines[i].blank || lines[i].is_empty() {
            i += 1;
            continue;
        }
        // Next content line, allowing paragraph breaks (page breaks) in between.
        let Some(j) = (i + 1..n).find(|&j| !lines[j].blank && !lines[j].is_empty()) else {
            break;
        };
        // Only a line ending in a hyphen or holding a URL can continue on the next.
        if !lines[i].ends_with('-') && !lines[i].may_hold_url() {
            i += 1;
            continue;
        }
        let cur = lines[i].text();
        let next = lines[j].text();
        let next_word: String = next.chars().take_while(|c| !c.is_whitespace()).collect();
        if next_word.is_empty()
            || BULLET.is_match(&next)
            || next_word.starts_with("http")
            || next_word.starts_with("www.")
        {
            i += 1;
            continue;
        }
        let mut handled = false;
        if let Some(m) = URL_TAIL.find(&cur) {
            if let Some(joined_hyphen) = url_join(m.as_str(), &next_word, url_lines) {
                move_word(
                    lines,
                    i,
                    j,
                    &next_word,
                    !joined_hyphen && cur.ends_with('-'),
                );
                handled = true;
            }
        }
        if !handled && cur.ends_with('-') && cur.chars().count() >= 2 {
            let before: String = cur
                .chars()
                .rev()
                .nth(1)
                .map(String::from)
                .unwrap_or_default();
            let prev_is_letter = before.chars().all(|c| c.is_alphanumeric());
            if prev_is_letter {
                let frag: String = cur[..cur.len() - 1]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric())
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let first_alpha = next_word.chars().next().unwrap_or(' ');
                let nw_lower = next_word
                    .trim_end_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                if HYPHEN.conjunctions.contains(&nw_lower) {
                    // "Børne- / og Undervisningsministeriet": a suspended compound, not a
                    // break; the lines stay as they are.
                } else if first_alpha.is_lowercase() && !frag.is_empty() && !is_kept_prefix(&frag) {
                    move_word(lines, i, j, &next_word, true);
                } else if first_alpha.is_alphanumeric() {
                    // Acronyms, digits, kept prefixes, capitalised second parts: the
                    // hyphen is real ("SOSU-uddannelserne", "2027-2029", "it-tilstanden").
                    move_word(lines, i, j, &next_word, false);
                }
            }
        }
        i += 1;
    }
}

fn close_split_hyphens(line: &mut Line) {
    // The rule needs a hyphen before a space; most lines with a hyphen have none.
    if line.plain.is_some_and(|(s, _)| !holds(s.as_bytes(), b"- ")) {
        return;
    }
    let chars = line.chars_mut();
    let mut i = 1;
    while i + 2 < chars.len() {
        let (prev, c, sp, next) = (chars[i - 1].0, chars[i].0, chars[i + 1].0, chars[i + 2].0);
        if c == '-' && sp == ' ' && prev.is_alphabetic() && next.is_lowercase() {
            let word: String = chars[i + 2..]
                .iter()
                .map(|(c, _)| *c)
                .take_while(|c| c.is_alphanumeric() || *c == '/' || *c == '.')
                .collect();
            if !HYPHEN
                .conjunctions
                .contains(word.trim_end_matches('.').to_lowercase().as_str())
            {
                chars.remove(i + 1);
            }
        }
        i += 1;
    }
}

fn is_kept_prefix(frag: &str) -> bool {
    let lower = frag.to_lowercase();
    HYPHEN.keep_prefixes.contains(&lower)
        || frag.chars().any(|c| c.is_ascii_digit())
        || (frag.chars().count() >= 2 && frag.chars().all(|c| c.is_uppercase()))
}

/// Decide whether a URL at a line end continues on the next line, and whether its final
/// hyphen belongs to the URL. `Some(true)`: join keeping the hyphen; `Some(false)`: join
/// (dropping a trailing hyphen); `None`: not a continuation.
fn url_join(url: &str, next_word: &str, url_lines: &HashSet<String>) -> Option<bool> {
    let cont_ok = next_word
        .chars()
        .all(|c| c.is_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c));
    if !cont_ok {
        return None;
    }
    let breaks = url.ends_with(['-', '/', '=', '?', '&', '_']);
    let looks_like_path =
        next_word.contains('/') || next_word.contains('?') || next_word.contains('=');
    if next_word
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    if !breaks && !looks_like_path {
        return None;
    }
    if !url.ends_with('-') {
        return Some(true);
    }
    let with = format!("{url}{next_word}");
    let without = format!("{}{next_word}", &url[..url.len() - 1]);
    let known = |u: &str| {
        url_lines
            .iter()
            .any(|l| l.starts_with(u.trim_end_matches('.')))
    };
    if known(&with) {
        return Some(true);
    }
    if known(&without) {
        return Some(false);
    }
    // No evidence: slug-like segments ("den-18-") keep the hyphen, words ("sundhedsrefor-") don't.
    let last_segment = url[..url.len() - 1].rsplit('/').next().unwrap_or("");
    Some(last_segment.contains('-') || last_segment.ends_with(|c: char| c.is_ascii_digit()))
}

/// Move `word` from the start of line `j` to the end of line `i`, dropping line `i`'s
/// trailing hyphen when `drop_hyphen`.
fn move_word(lines: &mut [Line], i: usize, j: usize, word: &str, drop_hyphen: bool) {
    let n = word.chars().count();
    let next = lines[j].chars_mut();
    let taken: Vec<(char, usize)> = next[..n].to_vec();
    let mut rest: Vec<(char, usize)> = next[n..].to_vec();
    while rest.first().is_some_and(|(c, _)| c.is_whitespace()) {
        rest.remove(0);
    }
    let cur = lines[i].chars_mut();
    if drop_hyphen && cur.last().is_some_and(|(c, _)| *c == '-') {
        cur.pop();
    }
    cur.extend(taken);
    *lines[j].chars_mut() = rest;
    lines[i].rehint();
    lines[j].rehint();
    if lines[j].is_empty() {
        lines[j].blank = false;
    }
    // A paragraph break between the two halves was a page break, not a paragraph end.
    for line in lines.iter_mut().take(j).skip(i + 1) {
        if line.blank {
            line.chars_mut().clear();
            line.blank = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        clean(s, &CleanOptions { mark_pages: false }).text
    }

    #[test]
    fn furniture_patterns_are_screened_by_their_last_char() {
        // Every shipped pattern is anchored at the end and ends with a digit.
        assert!(!FURNITURE.is_empty());
        for (re, ends) in FURNITURE.iter() {
            let ranges = ends
                .as_ref()
                .unwrap_or_else(|| panic!("no screen for {re}"));
            assert!(ranges.iter().any(|&(a, b)| a <= '7' && '7' <= b), "{re}");
            assert!(!ranges.iter().any(|&(a, b)| a <= 'e' && 'e' <= b), "{re}");
        }
        assert_eq!(
            last_chars(r"^ab(c|d+)?$"),
            Some(vec![('c', 'c'), ('d', 'd'), ('b', 'b')])
        );
        assert_eq!(last_chars(r"^a*$"), None, "may match the empty string");
        assert_eq!(last_chars(r"^abc"), None, "not anchored at the end");
        assert!(is_furniture("SIDE | 14"));
        assert!(is_furniture("KKR Midtjylland | 18-06-2025"));
        assert!(is_furniture("Side 3 af 14"));
        assert!(!is_furniture("Side 3 af fjorten"));
    }

    #[test]
    fn merged_ranges_hold_the_same_chars() {
        let ranges = vec![
            ('x', 'z'),
            ('a', 'c'),
            ('b', 'e'),
            ('f', 'f'),
            ('0', '9'),
            ('é', 'é'),
        ];
        let m = merged(ranges.clone());
        assert_eq!(m, vec![('0', '9'), ('a', 'f'), ('x', 'z'), ('é', 'é')]);
        for c in [
            '\0', '/', '0', '5', '9', ':', 'a', 'f', 'g', 'w', 'x', 'z', '{', 'é', 'ê', 'ø',
        ] {
            let want = ranges.iter().any(|&(a, b)| a <= c && c <= b);
            assert_eq!(in_ranges(&m, c), want, "{c:?}");
        }
    }

    #[test]
    fn byte_searches_agree_with_str_contains() {
        for t in [
            "",
            "w",
            "ww",
            "www",
            "www.",
            "se wwwx www.kl.dk",
            "https:/ /x :// ",
            "a:b:/c",
            "a\tb",
            "a\u{a0}b",
            "a \u{c2}b æ ø å",
            "en  to",
            " ",
            "  ",
            "a b c d e f g",
        ] {
            assert_eq!(
                may_hold_url(t),
                t.contains("://") || t.contains("www."),
                "{t:?}"
            );
            assert_eq!(
                needs_space_folding(t),
                t.contains(['\t', '\u{a0}']) || t.contains("  "),
                "{t:?}"
            );
        }
    }

    #[test]
    fn joins_line_end_hyphenation() {
        assert_eq!(
            c("vedr. fastsættel-\nse af bidraget\n"),
            "vedr. fastsættelse\naf bidraget\n"
        );
        assert!(c("fmd. for Kommunaldi-\nrektørnetværket giver\n")
            .contains("Kommunaldirektørnetværket"));
    }

    #[test]
    fn keeps_real_compound_hyphens() {
        let t = c("Børne-\nog Undervisningsministeriet forventes\n");
        assert!(t.contains("Børne-\nog Undervisningsministeriet"), "{t}");
        assert!(c("frafaldet på SOSU-\nuddannelserne.\n").contains("SOSU-uddannelserne"));
        assert!(c("indblik i it-\ntilstanden\n").contains("it-tilstanden"));
        assert!(c("i 2027-\n2029 til\n").contains("2027-2029"));
        assert!(c("social- og sundhedshjælpere\n").contains("social- og sundhedshjælpere"));
    }

    #[test]
    fn removes_page_furniture_and_marks_pages() {
        let src =
            "Første side slutter\n\nSIDE | 11\n\nKKR Nordjylland | 02-03-2024\n\nNy side her\n";
        let out = clean(src, &CleanOptions::default());
        assert!(!out.text.contains("SIDE"));
        assert!(!out.text.contains("02-03-2024"));
        assert!(out.text.contains("\n Ny side her"), "{}", out.text);
        assert_eq!(out.page_starts.len(), 1);
    }

    #[test]
    fn folds_doubled_blank_lines_but_keeps_paragraphs() {
        let mut src = String::new();
        for i in 0..12 {
            src.push_str(&format!("linje {i} \n\n"));
            if i == 5 {
                src.push_str(" \n\n");
            }
        }
        let out = clean(&src, &CleanOptions::default());
        assert!(out.double_spaced);
        assert!(out.text.contains("linje 0\nlinje 1\n"));
        assert!(out.text.contains("linje 5\n\nlinje 6"), "{}", out.text);
    }

    #[test]
    fn rejoins_urls_and_drops_repeated_url_lines() {
        let src = "se https://www.kl.dk/media/x/referat-den-18-\njuni-2025.pdf?format=noformat\nmere tekst\n\nhttps://www.kl.dk/media/x/referat-den-18-juni-2025.pdf?format=noformat\nhttps://www.kl.dk/media/x/referat-den-18-juni-2025.pdf?format=noformat\n";
        let t = c(src);
        assert!(
            t.contains("se https://www.kl.dk/media/x/referat-den-18-juni-2025.pdf?format=noformat")
        );
        assert_eq!(t.matches("https://").count(), 1, "{t}");
        let t = c("på https://www.kl.dk/sundhed/sundhedsrefor-\nmen/baggrund\n");
        assert!(
            t.contains("https://www.kl.dk/sundhed/sundhedsreformen/baggrund"),
            "{t}"
        );
    }

    #[test]
    fn closes_space_after_compound_hyphen() {
        assert!(c("fælles it- driftsenheder\n").contains("fælles it-driftsenheder"));
        assert!(c("Børne- og Undervisningsministeriet\n").contains("Børne- og Under"));
    }

    #[test]
    fn keeps_bullets_as_list_items() {
        let t = c("Det drejer sig om:\n– Samarbejdet\n— Kulturen\no Et fortsat kontor\n");
        assert!(
            t.contains("\n- Samarbejdet\n- Kulturen\n  - Et fortsat kontor"),
            "{t}"
        );
    }

    #[test]
    fn map_points_back_to_source() {
        let src = "abc fastsættel-\nse xyz\n";
        let out = clean(src, &CleanOptions::default());
        let i = out
            .text
            .find("xyz")
            .map(|b| out.text[..b].chars().count())
            .unwrap_or(0);
        let s = out.source_offset(i);
        assert_eq!(src.chars().skip(s).take(3).collect::<String>(), "xyz");
    }

    #[test]
    fn removes_cover_boilerplate() {
        let t = c("Mission\nVi hjælper.\nVision\nVi vil noget\nfor borgerne.\n1. Godkendelse af referat\n");
        assert!(!t.contains("Vi hjælper"), "{t}");
        assert!(t.contains("1. Godkendelse af referat"));
    }
}
