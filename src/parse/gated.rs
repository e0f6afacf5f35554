//! Run a slow regex only where it can match.
//!
//! A Unicode `\b` makes the regex crate leave its fast DFA at the first non-ASCII byte, so
//! on Danish text such patterns run in the slow engines over the whole haystack. [`Gated`]
//! first finds candidates with the same pattern minus its `\b` assertions (which the DFA
//! runs fast; it matches wherever the real pattern does, and more), then checks each
//! candidate with the real pattern on a short stretch of text. The matches are exactly
//! those of `re.find_iter(text)`.

use aho_corasick::AhoCorasick;
use regex::{Captures, Match, Regex};
use std::sync::OnceLock;

/// A regex with `\b` assertions, searched from candidates found without them.
///
/// Contract: the pattern uses `\b` only as the word-boundary assertion, has no end-of-text
/// assertion (`$`, `\z`), never matches the empty string, and no match contains a char for
/// which `inside` is false (this bounds how far the slow search runs from a candidate).
pub(crate) struct Gated {
    /// The pattern itself, compiled when first needed: with `\b`s only at its edges,
    /// whose test needs no regex, most patterns never need it (compiling the Unicode
    /// patterns was a sixth of a one-document parse's start-up).
    re: OnceLock<Regex>,
    /// Its text (or a pattern that matches nothing, for an invalid one).
    pattern: String,
    candidates: Regex,
    /// The chars a match may hold.
    inside: CharSet,
    /// The pattern is `\b X \b` (or `\b X`, `X \b`) with no assertion inside `X`.
    edge_boundaries: bool,
    /// Which ends of such a pattern carry a Unicode `\b` (both false: unknown, e.g. with
    /// flags that may turn Unicode off), to test them without running `re`.
    bounds: (bool, bool),
    /// One of these occurs in every match (`None`: no such knowledge).
    literals: Option<AhoCorasick>,
    /// How far a match reaches from its literal, each way (see [`Gated::with_literals_around`]):
    /// the chars that may come before the literal and after it, as ASCII tables and tests
    /// for the rest.
    around: Option<Around>,
    /// No two occurrences of the literals can overlap, so the search sees every one.
    overlap_free: bool,
    /// `inside` holds for every char: the stretch around any candidate is the whole text,
    /// known without walking it.
    anywhere: bool,
}

/// A pattern that matches nothing: what an invalid pattern becomes.
const NEVER: &str = r"[^\s\S]";

fn never() -> Regex {
    Regex::new(NEVER).unwrap_or_else(|_| unreachable!("compiles"))
}

/// The pattern with its `\b` assertions removed (an escaped backslash before `b` is kept).
fn without_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => {}
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Which ends of `(?flags)? \b? X \b?` are `\b` (`(false, false)` if the flags hold a
/// `-`, which could turn Unicode off, or if neither is).
fn edge_bounds(pattern: &str) -> (bool, bool) {
    let mut p = pattern;
    if p.starts_with("(?") {
        match p
            .find(')')
            .filter(|&i| p[2..i].chars().all(char::is_alphabetic))
        {
            Some(close) => p = &p[close + 1..],
            None => return (false, false),
        }
    }
    let start = p.starts_with(r"\b");
    let end = p
        .strip_suffix(r"\b")
        .is_some_and(|inner| !inner.ends_with('\\') && !inner.is_empty());
    (start, end)
}

/// Whether a Unicode `\b` holds at byte `i` of `text`: a word char on one side only.
fn word_boundary(text: &str, i: usize) -> bool {
    let word = |c: Option<char>| c.is_some_and(regex_syntax::is_word_character);
    word(text[..i].chars().next_back()) != word(text[i..].chars().next())
}

/// Whether the pattern is `(?flags)? \b? X \b?` with no assertion in `X` (no `\b`, `\B`,
/// `\A`, `\z`, `^`, `$`; a `^`/`$` in a class also counts, to keep the test simple).
fn only_edge_boundaries(pattern: &str) -> bool {
    let mut p = pattern;
    if p.starts_with("(?") {
        if let Some(close) = p
            .find(')')
            .filter(|&i| p[2..i].chars().all(char::is_alphabetic))
        {
            p = &p[close + 1..];
        }
    }
    let p = p.strip_prefix(r"\b").unwrap_or(p);
    let p = match p.strip_suffix(r"\b") {
        // `\\b` at the end is an escaped backslash and a `b`, not an assertion.
        Some(inner) if !inner.ends_with('\\') => inner,
        _ => p,
    };
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        match c {
            '^' | '$' => return false,
            '\\' => {
                if matches!(chars.next(), Some('b' | 'B' | 'A' | 'z')) {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

impl Gated {
    /// Compile `pattern`; an invalid pattern matches nothing (patterns are fixed in code
    /// and tested).
    pub(crate) fn new(pattern: &str, inside: fn(char) -> bool) -> Gated {
        // The pattern is checked now (parsing is cheap) and compiled when first needed.
        let (checked, candidates) = match (
            regex_syntax::Parser::new().parse(pattern),
            Regex::new(&without_word_boundaries(pattern)),
        ) {
            (Ok(_), Ok(candidates)) => (pattern.to_string(), candidates),
            _ => (NEVER.to_string(), never()),
        };
        Gated {
            re: OnceLock::new(),
            pattern: checked,
            candidates,
            inside: CharSet::new(inside),
            edge_boundaries: only_edge_boundaries(pattern),
            bounds: edge_bounds(pattern),
            literals: None,
            around: None,
            overlap_free: false,
            anywhere: false,
        }
    }

    /// The pattern, compiled on first use (it parsed when the gate was made, so it
    /// compiles; should it not, it matches nothing).
    fn re(&self) -> &Regex {
        self.re
            .get_or_init(|| Regex::new(&self.pattern).unwrap_or_else(|_| never()))
    }

    #[inline]
    fn is_inside(&self, c: char) -> bool {
        self.inside.contains(c)
    }

    /// A pattern whose matches may hold any char (a line end, say): `new` with an `inside`
    /// that is always true, which the search then never needs to call.
    pub(crate) fn anywhere(pattern: &str) -> Gated {
        Gated {
            anywhere: true,
            ..Gated::new(pattern, |_| true)
        }
    }

    /// Declare that every match holds one of `literals` (made of `inside` chars): only the
    /// stretches of `inside` chars around them are searched (found at memchr speed instead
    /// of by a regex scan of the whole text).
    pub(crate) fn with_literals(mut self, literals: &[&str]) -> Gated {
        self.literals = AhoCorasick::new(literals).ok();
        self.overlap_free = !literals_can_overlap(literals);
        self
    }

    /// Declare that every match is a run of `before` chars, one of `literals`, and a run of
    /// `after` chars: only those runs around each literal are searched. Where a match
    /// reaches a short way from its literal ("Aarhus Kommune", "Region Nord"), this is far
    /// less than the stretch of `inside` chars, a whole clause of words, which every hit
    /// of a frequent literal made the slow search walk. The literals must be such that no
    /// two occurrences can overlap (else every occurrence could not be told apart from the
    /// search's hits); literals that could are searched as [`Gated::with_literals`] does.
    pub(crate) fn with_literals_around(
        mut self,
        literals: &[&str],
        before: fn(char) -> bool,
        after: fn(char) -> bool,
    ) -> Gated {
        self = self.with_literals(literals);
        if self.literals.is_some() && self.overlap_free {
            self.around = Some(Around {
                before: CharSet::new(before),
                after: CharSet::new(after),
            });
        }
        self
    }

    /// The first match of `re` at or after `at`, found with `search` (`find_at` or
    /// `captures_at` of `re`) on a short haystack, and its end. `take` turns a candidate
    /// known to be `re`'s match into the result, where the caller can (a `Match`).
    ///
    /// `stretch` remembers the last stretch end found, `(from, stop, end)`: the chars from
    /// `from` up to `stop` are all `inside` (`stop` is the first that is not, or the text
    /// end) and `end` is just past `stop`'s char. Any candidate in `from..=stop` has the
    /// same end, so a long stretch with many candidates is walked once, not once each.
    fn next<'t, T>(
        &self,
        text: &'t str,
        mut at: usize,
        stretch: &mut Option<(usize, usize, usize)>,
        search: impl Fn(&'t str, usize) -> Option<(T, usize, usize)>,
        take: impl Fn(Match<'t>) -> Option<T>,
    ) -> Option<(T, usize)> {
        loop {
            // No match of `re` starts before the next candidate (nor does one of `X`).
            let cand = self.candidates.find_at(text, at)?;
            let s = cand.start();
            if self.edge_boundaries {
                // `X`'s preferred match at `s` ends at `cand.end()`; it is `re`'s match
                // exactly when the `\b`s hold at its ends. Known ends are tested here (and a
                // match is then the candidate itself, if the caller can take it as one);
                // otherwise `re` on the text up to one char past it tells.
                let (b_start, b_end) = self.bounds;
                if (b_start || b_end)
                    && cand.end() > s
                    && (!b_start || word_boundary(text, s))
                    && (!b_end || word_boundary(text, cand.end()))
                {
                    if let Some(t) = take(cand) {
                        return Some((t, cand.end()));
                    }
                }
                let cut = after_char(text, cand.end());
                if let Some((t, ms, me)) = search(&text[..cut], s) {
                    if ms == s && me == cand.end() && me > ms {
                        return Some((t, me));
                    }
                }
            }
            // The full check: from `s` to the end of the stretch of chars a match can hold
            // (plus one char of context).
            let end = match *stretch {
                _ if self.anywhere => text.len(),
                Some((from, stop, end)) if from <= s && s <= stop => end,
                _ => {
                    let (stop, end) = text[s..]
                        .char_indices()
                        .find(|&(_, c)| !self.is_inside(c))
                        .map_or((text.len(), text.len()), |(i, c)| {
                            (s + i, s + i + c.len_utf8())
                        });
                    *stretch = Some((s, stop, end));
                    end
                }
            };
            match search(&text[..end], s) {
                Some((t, ms, me)) if me > ms => return Some((t, me)),
                _ => at = end,
            }
        }
    }

    /// The parts of `text` to search: with literals, the stretches around them (each
    /// haystack ends one char past its stretch, for context); without, the whole text.
    /// Matches of `re` (and of `X` within a stretch) lie in these parts.
    fn parts<'t>(&self, text: &'t str) -> Vec<Part<'t>> {
        let whole = Part {
            start: 0,
            hay: text,
            last_literal: usize::MAX,
        };
        let Some(literals) = &self.literals else {
            return vec![whole];
        };
        if self.anywhere {
            // One stretch, the whole text, if a literal occurs at all.
            return match literals.find(text) {
                Some(_) => vec![whole],
                None => Vec::new(),
            };
        }
        if let Some(around) = &self.around {
            // Each hit's runs; runs that overlap (or touch the char of context that ends
            // the one before) are merged, so a match never spans two parts.
            let mut spans: Vec<(usize, usize, usize)> = Vec::new();
            for hit in literals.find_iter(text) {
                let start = run_start(text, hit.start(), |c| around.before.contains(c));
                let end = run_end(text, hit.end(), |c| around.after.contains(c));
                match spans.last_mut() {
                    Some(last) if start < last.1 => {
                        last.1 = last.1.max(end);
                        last.2 = hit.start();
                    }
                    _ => spans.push((start, end, hit.start())),
                }
            }
            return spans
                .into_iter()
                .map(|(start, e, last_literal)| Part {
                    start,
                    hay: &text[..e],
                    last_literal,
                })
                .collect();
        }
        let mut out: Vec<Part<'t>> = Vec::new();
        for hit in literals.find_iter(text) {
            if let Some(last) = out.last_mut().filter(|p| hit.start() < p.hay.len()) {
                if self.overlap_free {
                    last.last_literal = hit.start();
                }
                continue;
            }
            let start = run_start(text, hit.start(), |c| self.is_inside(c));
            let end = run_end(text, hit.start(), |c| self.is_inside(c));
            out.push(Part {
                start,
                hay: &text[..end],
                last_literal: if self.overlap_free {
                    hit.start()
                } else {
                    usize::MAX
                },
            });
        }
        out
    }

    /// Same as `re.find_iter(text)`.
    pub(crate) fn find_iter<'t>(&self, text: &'t str) -> Vec<Match<'t>> {
        let mut out = Vec::new();
        let search =
            |hay: &'t str, s: usize| self.re().find_at(hay, s).map(|m| (m, m.start(), m.end()));
        for part in self.parts(text) {
            let (mut at, hay) = (part.start, part.hay);
            let mut stretch = None;
            while at <= part.last_literal {
                let Some((m, end)) = self.next(hay, at, &mut stretch, search, Some) else {
                    break;
                };
                out.push(m);
                at = end;
            }
        }
        out
    }

    /// Same as `re.captures_iter(text)`.
    pub(crate) fn captures_iter<'t>(&self, text: &'t str) -> Vec<Captures<'t>> {
        let mut out = Vec::new();
        let search = |hay: &'t str, s: usize| {
            let c = self.re().captures_at(hay, s)?;
            let m = c.get(0)?;
            let (ms, me) = (m.start(), m.end());
            Some((c, ms, me))
        };
        for part in self.parts(text) {
            let (mut at, hay) = (part.start, part.hay);
            // A candidate known to be `re`'s match: its groups are those of the same path
            // through the pattern without its edge `\b`s, which the fast engines run.
            let take = |m: Match<'t>| {
                self.candidates
                    .captures_at(&hay[..m.end()], m.start())
                    .filter(|c| c.get(0).is_some_and(|g| g.range() == m.range()))
            };
            let mut stretch = None;
            while at <= part.last_literal {
                let Some((c, end)) = self.next(hay, at, &mut stretch, search, take) else {
                    break;
                };
                out.push(c);
                at = end;
            }
        }
        out
    }
}

/// A part of the text to search: from `start` in `hay` (the text up to the part's end).
struct Part<'t> {
    start: usize,
    hay: &'t str,
    /// Where the part's last literal starts: every match holds a literal, so none starts
    /// after it and the search stops there (a failed regex search on a short haystack
    /// still costs a few thousand instructions). `usize::MAX` without that knowledge.
    last_literal: usize,
}

/// A set of chars given by a test, with the answers for ASCII in a table: runs of them
/// are walked char by char, and a call through the pointer per char was a fifth of the
/// cost of those walks.
struct CharSet {
    test: fn(char) -> bool,
    ascii: [bool; 128],
}

impl CharSet {
    fn new(test: fn(char) -> bool) -> CharSet {
        let mut ascii = [false; 128];
        for (b, slot) in ascii.iter_mut().enumerate() {
            *slot = test(char::from(b as u8));
        }
        CharSet { test, ascii }
    }

    #[inline]
    fn contains(&self, c: char) -> bool {
        match self.ascii.get(c as usize) {
            Some(&v) => v,
            None => (self.test)(c),
        }
    }
}

/// The chars a match may hold before and after its literal.
struct Around {
    before: CharSet,
    after: CharSet,
}

/// Whether two occurrences of `literals` (the same one twice included) can overlap in a
/// text: one holds another, or a proper suffix of one begins another.
fn literals_can_overlap(literals: &[&str]) -> bool {
    literals.iter().any(|a| {
        a.is_empty()
            || literals.iter().any(|b| {
                (a != b && a.contains(b))
                    || a.char_indices()
                        .skip(1)
                        .any(|(i, _)| b.starts_with(&a[i..]))
            })
    })
}

/// Where the run of `keep` chars that ends at byte `i` starts.
fn run_start(text: &str, i: usize, keep: impl Fn(char) -> bool) -> usize {
    text[..i]
        .char_indices()
        .rev()
        .find(|&(_, c)| !keep(c))
        .map_or(0, |(j, c)| j + c.len_utf8())
}

/// Just past the first char from byte `i` on that is not `keep` (the run from `i` and one
/// char of context), or the text end.
fn run_end(text: &str, i: usize, keep: impl Fn(char) -> bool) -> usize {
    text[i..]
        .char_indices()
        .find(|&(_, c)| !keep(c))
        .map_or(text.len(), |(j, c)| i + j + c.len_utf8())
}

/// The offset just past the char at `i` (or the text end).
fn after_char(text: &str, i: usize) -> usize {
    text[i..]
        .chars()
        .next()
        .map_or(text.len(), |c| i + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn strips_only_word_boundaries() {
        assert_eq!(without_word_boundaries(r"\bab\\b\d\b"), r"ab\\b\d");
        assert!(only_edge_boundaries(r"(?i)\b\d+ kr\b"));
        assert!(only_edge_boundaries(r"\b(\p{Lu}+)\s\("));
        assert!(!only_edge_boundaries(r"\bhar\b.{0,8}\bbesluttet\b"));
        assert!(!only_edge_boundaries(r"^ab\b"));
    }

    /// `g` finds and captures on `t` exactly what the plain regex `re` does.
    fn assert_same_as_regex(g: &Gated, re: &Regex, t: &str) {
        let a: Vec<_> = g.find_iter(t).iter().map(|m| m.range()).collect();
        let b: Vec<_> = re.find_iter(t).map(|m| m.range()).collect();
        assert_eq!(a, b, "{} on {t}", re.as_str());
        let a: Vec<_> = g
            .captures_iter(t)
            .iter()
            .map(|c| c.iter().map(|m| m.map(|m| m.range())).collect::<Vec<_>>())
            .collect();
        let b: Vec<_> = re
            .captures_iter(t)
            .map(|c| c.iter().map(|m| m.map(|m| m.range())).collect::<Vec<_>>())
            .collect();
        assert_eq!(a, b, "{} on {t}", re.as_str());
    }

    #[test]
    fn same_matches_as_the_plain_regex() {
        type Case = (&'static str, fn(char) -> bool);
        let patterns: [Case; 5] = [
            (r"\b\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+){1,3}\b", |c| {
                c.is_alphabetic() || c == ' '
            }),
            (r"\bRegion \p{Lu}\p{Ll}+", |c| c.is_alphabetic() || c == ' '),
            (r"(?i)\p{Lu}\p{Ll}+ kommune\b", |c| {
                c.is_alphabetic() || c == ' '
            }),
            (r"\bhar\b[^\n]{0,20}?\bbesluttet\b,?\s*", |_| true),
            (r"(?i)\b(\d{1,2})\.?\s+(maj|juni)\b", |c| c != ','),
        ];
        let texts = [
            "Fra KL deltager Anne Marie Holm og Bo Lund. Æble Øst, xAnne Holm, Bo Lund2 Ole Sø",
            "Søren Ørsted Ærø Anne Holm Bo Lund Ib Ek Åse Ny",
            "",
            "æAnne Holm Bo Lund",
            "KKR har besluttet, at ... har nu besluttet3 og harbesluttet, har i dag besluttet",
            "den 5. maj og 12 juni2 og 123 maj, 7 MAJ",
            "_Region Øst, Region Århus2, xRegion Fyn, Region Ae\u{301}rø Region Nord_",
            "Aarhus Kommune_x, Odense KOMMUNE, Ærø kommune\u{301}, Vejle Kommune1, Bo Ib Kommune",
        ];
        for (pattern, inside) in patterns {
            let g = Gated::new(pattern, inside);
            let re = Regex::new(pattern).unwrap_or_else(|_| unreachable!());
            for t in texts {
                assert_same_as_regex(&g, &re, t);
            }
        }
    }

    #[test]
    fn anywhere_gives_the_plain_regex_matches() {
        let pattern = r"\bhar\b[^\n]{0,20}?\bbesluttet\b,?\s*(?:at\s+)?";
        let re = Regex::new(pattern).unwrap_or_else(|_| unreachable!());
        for g in [
            Gated::anywhere(pattern),
            Gated::anywhere(pattern).with_literals(&["besluttet"]),
        ] {
            for t in [
                "",
                "KKR har besluttet, at ... har nu besluttet3 og harbesluttet, har i dag besluttet",
                "Region Øst har\nbesluttet at\n vente. Æble har, som før, besluttet,\nat gå",
                "har besluttet har besluttet",
                "ingen beslutning her",
            ] {
                assert_same_as_regex(&g, &re, t);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// The direct word-boundary test and the remembered stretch give exactly the plain
        /// regex's matches, on text made of the chars that decide them: letters of both
        /// cases with and without accents, digits, `_`, a combining mark, punctuation.
        #[test]
        fn random_text_gives_the_plain_regex_matches(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    "A", "a", "B", "b", "Æ", "æ", "Ø", "ø", "Å", "å", "É", "é", "K", "k",
                    "1", "_", "\u{301}", " ", " ", " ", "-", ",", ".", "\n", "(", ")",
                    "Kommune", "Region", "ministeriet", "styrelse",
                ]),
                0..60,
            ).prop_map(|v| v.concat())
        ) {
            type Case = (&'static str, fn(char) -> bool);
            let patterns: [Case; 4] = [
                (
                    r"\b\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?(?: \p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?){1,3}\b",
                    |c| c.is_alphabetic() || c == '-' || c == ' ',
                ),
                (r"\bRegion \p{Lu}\p{Ll}+\b", |c| c.is_alphabetic() || c == ' '),
                (r"\p{Lu}\p{Ll}+ Kommune\b", |c| c.is_alphabetic() || c == ' '),
                (
                    r"\b\p{Lu}\p{Ll}*(?:ministeriet|styrelse)\b",
                    |c| c.is_alphabetic(),
                ),
            ];
            for (pattern, inside) in patterns {
                let re = Regex::new(pattern).unwrap_or_else(|_| unreachable!());
                let want: Vec<_> = re.find_iter(&text).map(|m| m.range()).collect();
                let plain = Gated::new(pattern, inside);
                let got: Vec<_> = plain.find_iter(&text).iter().map(|m| m.range()).collect();
                proptest::prop_assert_eq!(&got, &want, "{} on {:?}", pattern, text);
                let lit = Gated::new(pattern, inside).with_literals(&["Kommune", "Region", "ministeriet", "styrelse"]);
                if ["Kommune", "Region", "ministeriet", "styrelse"].iter().any(|l| pattern.contains(l)) {
                    let got: Vec<_> = lit.find_iter(&text).iter().map(|m| m.range()).collect();
                    proptest::prop_assert_eq!(&got, &want, "{} (literals) on {:?}", pattern, text);
                }
            }
        }

        /// Searching only the runs around each literal gives the plain regex's matches and
        /// groups, with literals close together, repeated, and inside each other's runs.
        #[test]
        fn runs_around_literals_give_the_plain_regex_matches(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    "A", "a", "B", "b", "Æ", "æ", "Ø", "ø", "É", "é", "K", "k", "1", "_",
                    "\u{301}", " ", " ", " ", "-", ",", ".", "\n", "(", ")", "AB", "NB2",
                    "Kommune", " Kommune", "Region ", "Region", "ministeriet", "styrelse",
                    "styrelsen", "Styrelse", "Social", " og ", "Erhvervshus ",
                ]),
                0..60,
            ).prop_map(|v| v.concat())
        ) {
            type Case = (&'static str, &'static [&'static str], fn(char) -> bool, fn(char) -> bool);
            let patterns: [Case; 5] = [
                (
                    r"\b\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)? Kommune\b",
                    &[" Kommune"],
                    |c| c.is_alphabetic() || c == '-',
                    |_| false,
                ),
                (r"\bRegion \p{Lu}\p{Ll}+\b", &["Region "], |_| false, char::is_alphabetic),
                (
                    r"\b(?:\p{Lu}\p{Ll}+-(?:, \p{Lu}\p{Ll}+-)* og )?\p{Lu}\p{Ll}*(?:ministeriet|styrelsen|Styrelsen|styrelse)\b",
                    &["ministeriet", "styrelse", "Styrelse"],
                    |c| c.is_alphabetic() || matches!(c, '-' | ' ' | ','),
                    |c| c == 'n',
                ),
                (r"\bErhvervshus \p{Lu}\p{Ll}+", &["Erhvervshus "], |_| false, char::is_alphabetic),
                (
                    r"\b((?:\p{Lu}[\p{L}-]*\s){1,5}\p{Lu}[\p{L}-]*)\s\((\p{Lu}{2,}[\p{Lu}\d-]*)\)",
                    &["("],
                    |c| c.is_alphabetic() || c.is_whitespace() || c == '-',
                    |c| c.is_uppercase() || c.is_numeric() || c == '-' || c == ')',
                ),
            ];
            for (pattern, literals, before, after) in patterns {
                let re = Regex::new(pattern).unwrap_or_else(|_| unreachable!());
                let g = Gated::new(pattern, |c| c.is_alphanumeric() || c.is_whitespace() || matches!(c, '-' | ',' | '(' | ')'))
                    .with_literals_around(literals, before, after);
                proptest::prop_assert!(g.around.is_some());
                assert_same_as_regex(&g, &re, &text);
            }
        }
    }

    /// Several literals in one part: the search goes on past the first match to the last
    /// literal (a part that stopped early would lose the later matches).
    #[test]
    fn every_literal_of_a_part_is_searched() {
        let texts = [
            "Aarhus Kommune og Odense Kommune, Vejle Kommune",
            "Region Region Region Nord og Region Syd Region",
            "Aarhus Kommune Kommune Kommune Aarhus-Skive Kommune",
        ];
        type Case = (
            &'static str,
            &'static str,
            fn(char) -> bool,
            fn(char) -> bool,
        );
        let cases: [Case; 2] = [
            (
                r"\b\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)? Kommune\b",
                " Kommune",
                |c| c.is_alphabetic() || c == '-',
                |_| false,
            ),
            (
                r"\bRegion \p{Lu}\p{Ll}+\b",
                "Region ",
                |_| false,
                char::is_alphabetic,
            ),
        ];
        for (pattern, literal, before, after) in cases {
            let re = Regex::new(pattern).unwrap_or_else(|_| unreachable!());
            let inside: fn(char) -> bool = |c| c.is_alphabetic() || c == ' ' || c == '-';
            for g in [
                Gated::new(pattern, inside).with_literals(&[literal]),
                Gated::new(pattern, inside).with_literals_around(&[literal], before, after),
            ] {
                for t in texts {
                    assert!(re.find_iter(t).count() >= 2 || !t.contains(literal.trim()));
                    assert_same_as_regex(&g, &re, t);
                }
            }
        }
    }

    #[test]
    fn literals_that_can_overlap_are_told() {
        assert!(!literals_can_overlap(&[" Kommune"]));
        assert!(!literals_can_overlap(&[
            "ministeriet",
            "styrelse",
            "Styrelse"
        ]));
        assert!(literals_can_overlap(&["aba"]));
        assert!(literals_can_overlap(&["ab", "bc"]));
        assert!(literals_can_overlap(&["styrelsen", "styrelse"]));
        assert!(literals_can_overlap(&[""]));
        // Such literals fall back to the stretches of `inside` chars.
        let g =
            Gated::new(r"abc", |_| true).with_literals_around(&["ab", "bc"], |_| true, |_| true);
        assert!(g.around.is_none() && g.literals.is_some());
    }
}
