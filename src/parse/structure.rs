//! Minutes structure: cover, sections, items (number, title, case line), parts,
//! recommendations and decisions.
//!
//! The KL template is recognised by its layout, not by its words: a case line
//! (`SAG-2025-03032 chbn / jhp`) anchors every item; item numbers (`3.2.`) and section
//! numbers (`3.`) are matched to anchors by order, because OCR often prints a number at the
//! top of a page and its title further down. Part headings and decision phrases are data.

use super::dates;
use super::gated::Gated;
use crate::model::{AgendaItem, Decision, Meeting, Participant, Section, Span};
use once_cell::sync::Lazy;
use regex::Regex;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

fn never() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("empty class regex compiles"))
}

fn re(p: &str) -> Regex {
    Regex::new(p).unwrap_or_else(|_| never())
}

static CASE_LINE: Lazy<Regex> = Lazy::new(|| {
    re(
        r"^([A-ZÆØÅ]{2,6}-[0-9]{4}-[0-9]{2,7})(?:\s+((?:[\p{L}]{1,6})(?:\s*/\s*[\p{L}]{1,6})*))?\s*$",
    )
});
/// Searched over the whole text of every document: gated, as a Unicode `\b` would put the
/// regex in its slow engines on Danish text.
static BODY: Lazy<Gated> = Lazy::new(|| {
    Gated::new(r"(?i)\bKKR[\s-]+(\p{L}{4,})", |c| {
        c.is_alphabetic() || c.is_whitespace() || c == '-'
    })
});
/// The names after each `KKR` (`BODY`'s group), read from its matches: after the three
/// chars of `KKR` come white space and dashes, which no letter is, then the name (a
/// capture search per match cost several thousand instructions).
fn body_names(text: &str) -> impl Iterator<Item = &str> {
    BODY.find_iter(text).into_iter().map(|m| {
        let s = m.as_str();
        let after = s.char_indices().nth(3).map_or("", |(i, _)| &s[i..]);
        after.trim_start_matches(|c: char| c.is_whitespace() || c == '-')
    })
}
static PARTICIPANT: Lazy<Regex> =
    Lazy::new(|| re(r"^(\p{Lu}\p{L}+(?:\s+\p{Lu}\p{L}+){1,3}),\s*([^,]+?)(?:,\s*(.+))?$"));

/// `CASE_LINE.is_match`, skipping the regex for lines that cannot start a case number.
fn is_case_line(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_uppercase() || matches!(c, 'Æ' | 'Ø' | 'Å'))
        && CASE_LINE.is_match(line)
}

/// A numbered line: `3.2` (an item number; a period may follow) or `3.` (a section
/// number), alone or followed by white space and a text. Read directly: a regex capture
/// search for every line that starts with a digit was a visible share of the parse.
struct NumberLine<'a> {
    major: &'a str,
    /// The item number's second part (`None` for a section number).
    minor: Option<&'a str>,
    /// The text after the number and its white space.
    rest: Option<&'a str>,
}

/// Count of ASCII digits from `from`.
fn digits_at(b: &[u8], from: usize) -> usize {
    b.get(from..)
        .map_or(0, |t| t.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// What follows a number from byte `q`: nothing (`Some(None)`), or white space and then a
/// text of one line (`Some(Some(text))`); `None` for anything else.
fn number_tail(line: &str, q: usize) -> Option<Option<&str>> {
    let rest = line.get(q..)?;
    if rest.is_empty() {
        return Some(None);
    }
    let text = rest.trim_start();
    if text.len() == rest.len() || text.is_empty() || text.contains('\n') {
        return None;
    }
    Some(Some(text))
}

/// `3.2`, `3.2.` or `12.1 Title`: one or two digits, a period, one or two digits.
fn item_number(line: &str) -> Option<NumberLine<'_>> {
    let b = line.as_bytes();
    let k = digits_at(b, 0);
    if !(1..=2).contains(&k) || b.get(k) != Some(&b'.') {
        return None;
    }
    let m = digits_at(b, k + 1);
    if !(1..=2).contains(&m) {
        return None;
    }
    let p = k + 1 + m;
    let q = if b.get(p) == Some(&b'.') { p + 1 } else { p };
    Some(NumberLine {
        major: &line[..k],
        minor: Some(&line[k + 1..p]),
        rest: number_tail(line, q)?,
    })
}

/// `3.` or `3. Title`: one or two digits and a period.
fn section_number(line: &str) -> Option<NumberLine<'_>> {
    let b = line.as_bytes();
    let k = digits_at(b, 0);
    if !(1..=2).contains(&k) || b.get(k) != Some(&b'.') {
        return None;
    }
    Some(NumberLine {
        major: &line[..k],
        minor: None,
        rest: number_tail(line, k + 1)?,
    })
}

fn lines_of(data: &str) -> Vec<String> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn pairs_of(data: &str) -> Vec<(String, String)> {
    lines_of(data)
        .into_iter()
        .filter_map(|l| {
            let (a, b) = l.split_once('\t')?;
            Some((a.trim().to_string(), b.trim().to_string()))
        })
        .collect()
}

static PART_HEADINGS: Lazy<Vec<String>> =
    Lazy::new(|| lines_of(include_str!("../../data/parse/parts.txt")));
/// Lower-cased part heading → the first heading with that spelling, plus the longest
/// lower-cased heading in chars (`part_heading` runs on every line).
static PART_HEADINGS_LOWER: Lazy<(HashMap<String, &'static str>, usize)> = Lazy::new(|| {
    let mut map = HashMap::default();
    let mut longest = 0;
    for h in PART_HEADINGS.iter() {
        let l = h.to_lowercase();
        longest = longest.max(l.chars().count());
        map.entry(l).or_insert(h.as_str());
    }
    (map, longest)
});
static DECISION_KINDS: Lazy<Vec<(String, String)>> =
    Lazy::new(|| pairs_of(include_str!("../../data/parse/decision-kinds.tsv")));
/// All decision phrases at once: one pass finds where each occurs.
static DECISION_FINDER: Lazy<Option<aho_corasick::AhoCorasick>> = Lazy::new(|| {
    aho_corasick::AhoCorasick::new(DECISION_KINDS.iter().map(|(_, p)| p.as_str())).ok()
});
static BODY_WORDS: Lazy<Vec<(String, String)>> =
    Lazy::new(|| pairs_of(include_str!("../../data/parse/body-words.tsv")));
static COVER_LABELS: Lazy<Vec<(String, String)>> =
    Lazy::new(|| pairs_of(include_str!("../../data/parse/cover-labels.tsv")));

/// One line of the clean text, with its char range in that text.
#[derive(Debug, Clone)]
pub(crate) struct TextLine<'t> {
    /// Trimmed; a slice of the text (a copy per line cost a seventh of this stage).
    pub text: &'t str,
    pub start: usize,
    pub end: usize,
    pub blank: bool,
}

/// Split clean text into trimmed lines with char offsets.
pub(crate) fn text_lines(text: &str) -> Vec<TextLine<'_>> {
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut off = 0;
    for l in text.split('\n') {
        let n = l.chars().count();
        let lead = l.chars().take_while(|c| c.is_whitespace()).count();
        out.push(TextLine {
            text: l.trim(),
            start: off + lead,
            end: off + n,
            blank: l.trim().is_empty(),
        });
        off += n + 1;
    }
    out
}

/// The part heading a line is, if it is one.
pub(crate) fn part_heading(line: &str) -> Option<&'static str> {
    let t = line.trim().trim_end_matches(':').trim();
    let (map, longest) = &*PART_HEADINGS_LOWER;
    // Lower-casing never makes a text shorter in chars, so a longer line is no heading.
    if t.chars().nth(*longest).is_some() {
        return None;
    }
    map.get(&t.to_lowercase()).copied()
}

/// Classify a decision text with the phrase table: the first kind in the table that has a
/// matching phrase wins.
pub fn decision_kind(text: &str) -> &'static str {
    let lower = super::lowercase(text);
    let lower = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    if lower.is_empty() {
        return "none";
    }
    // The first phrase of the table that occurs at a word start (`godkendt` matches
    // `Godkendt.`, not `ugodkendt`).
    let phrases: Vec<&str> = DECISION_KINDS.iter().map(|(_, p)| p.as_str()).collect();
    let found = match &*DECISION_FINDER {
        Some(ac) => super::phrase_occurrences(ac, &phrases, &lower),
        None => Vec::new(),
    };
    let at_word_start = |at: usize| {
        lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    };
    for (k, (kind, _)) in DECISION_KINDS.iter().enumerate() {
        if found
            .get(k)
            .is_some_and(|f| f.iter().any(|&at| at_word_start(at)))
        {
            return match kind.as_str() {
                "approved" => "approved",
                "noted" => "noted",
                "endorsed" => "endorsed",
                "discussed" => "discussed",
                "postponed" => "postponed",
                "rejected" => "rejected",
                _ => "none",
            };
        }
    }
    "none"
}

/// Structure of one document, before entity extraction.
#[derive(Debug, Clone)]
pub struct Structure {
    pub meeting: Meeting,
    pub sections: Vec<Section>,
    pub items: Vec<AgendaItem>,
    /// Clean-text char range of each item (parallel to `items`).
    pub item_ranges: Vec<(usize, usize)>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
struct NumberToken {
    line: usize,
    major: u32,
    minor: u32,
    inline_title: Option<String>,
}

/// Parse the structure of clean text. Returns `None` when the text has no trace of the
/// minutes template (no case line, no numbered items).
pub fn parse_structure(text: &str, file_stem: &str) -> Option<Structure> {
    let lines = text_lines(text);
    let mut warnings = Vec::new();

    // Anchors: case lines.
    let anchors: Vec<usize> = (0..lines.len())
        .filter(|&i| is_case_line(lines[i].text))
        .collect();
    // Item number tokens.
    let tokens: Vec<NumberToken> = (0..lines.len())
        .filter_map(|i| {
            let c = item_number(lines[i].text)?;
            let major = c.major.parse().ok()?;
            let minor = c.minor?.parse().ok()?;
            let inline_title = c.rest.map(str::to_string);
            // A sentence that merely starts with a number ("3.2 mia. kr. …") is not a number line.
            if let Some(t) = &inline_title {
                if !t.chars().next().is_some_and(|ch| ch.is_uppercase()) {
                    return None;
                }
            }
            Some(NumberToken {
                line: i,
                major,
                minor,
                inline_title,
            })
        })
        .collect();
    if anchors.is_empty() && tokens.iter().all(|t| t.inline_title.is_none()) {
        return None;
    }

    // Pair numbers with anchors.
    let assigned = assign_numbers(&anchors, &tokens, &lines, &mut warnings);

    // Items without a case line but with an inline title (number + title on one line, no
    // anchor near it) still count.
    let used_tokens: HashSet<usize> = assigned.iter().filter_map(|a| *a).collect();
    let mut item_heads: Vec<ItemHead> = Vec::new();
    for (k, &a) in anchors.iter().enumerate() {
        item_heads.push(ItemHead {
            anchor: Some(a),
            token: assigned[k],
        });
    }
    for (ti, t) in tokens.iter().enumerate() {
        if used_tokens.contains(&ti) || t.inline_title.is_none() {
            continue;
        }
        item_heads.push(ItemHead {
            anchor: None,
            token: Some(ti),
        });
    }
    item_heads.sort_by_key(|h| h.anchor.or(h.token.map(|t| tokens[t].line)).unwrap_or(0));

    // Sections.
    let (sections, section_lines, section_title_lines) =
        find_sections(&lines, &tokens, &item_heads, &mut warnings);

    // Meeting cover: everything before the first structural line.
    let first_struct = section_lines
        .iter()
        .copied()
        .chain(item_heads.iter().filter_map(|h| h.anchor))
        .min()
        .unwrap_or(lines.len());
    let meeting = parse_cover(&lines[..first_struct], text, file_stem);

    // Lines that are structure, never content.
    let mut structural: HashSet<usize> = section_lines.iter().copied().collect();
    structural.extend(section_title_lines.iter().copied());
    structural.extend(tokens.iter().map(|t| t.line));
    structural.extend(anchors.iter().copied());

    // Title block and extent of each item.
    let mut heads: Vec<(usize, usize, String)> = Vec::new(); // (first line, anchor/last head line, title)
    for h in &item_heads {
        let (first, last, title) = title_block(h, &tokens, &lines, &structural);
        heads.push((first, last, title));
    }
    let mut items = Vec::new();
    let mut item_ranges = Vec::new();
    for (k, h) in item_heads.iter().enumerate() {
        let (first, last, title) = &heads[k];
        let end_line = heads
            .get(k + 1)
            .map(|n| n.0)
            .into_iter()
            .chain(section_lines.iter().copied().filter(|s| s > last))
            .min()
            .unwrap_or(lines.len());
        let (number, section) = match h.token {
            Some(t) => (
                format!("{}.{}", tokens[t].major, tokens[t].minor),
                tokens[t].major.to_string(),
            ),
            None => {
                // No number could be reconciled: report it, do not invent one.
                warnings.push(format!(
                    "item \"{title}\" (line {}) has no item number that could be reconciled",
                    first + 1
                ));
                let sec = sections
                    .iter()
                    .zip(section_lines.iter())
                    .filter(|(_, l)| **l < *first)
                    .map(|(s, _)| s.number.clone())
                    .next_back()
                    .unwrap_or_default();
                (String::new(), sec)
            }
        };
        let (case_number, case_officers) = match h.anchor {
            Some(a) => case_parts(lines[a].text),
            None => (None, Vec::new()),
        };
        let content: Vec<&TextLine<'_>> = (last + 1..end_line)
            .filter(|i| !structural.contains(i))
            .map(|i| &lines[i])
            .collect();
        let parts = split_parts(&content);
        let recommendations = parts
            .iter()
            .find(|(h, _)| h == "Indstilling")
            .map(|(_, ls)| recommendations(ls))
            .unwrap_or_default();
        let mut part_map = BTreeMap::new();
        for (h, ls) in &parts {
            let t = join_lines(ls);
            part_map
                .entry(h.clone())
                .and_modify(|e: &mut String| {
                    e.push_str("\n\n");
                    e.push_str(&t);
                })
                .or_insert(t);
        }
        let decision_text = part_map.get("Beslutning").cloned().unwrap_or_default();
        let kind = decision_kind(&decision_text).to_string();
        let start = lines[*first].start;
        let end = if end_line > 0 {
            (*last..end_line)
                .rev()
                .find(|&i| !lines[i].blank && !structural.contains(&i) || i == *last)
                .map(|i| lines[i].end)
                .unwrap_or(lines[*last].end)
        } else {
            lines[*last].end
        };
        items.push(AgendaItem {
            number,
            section,
            title: title.clone(),
            case_number,
            case_officers,
            parts: part_map,
            recommendations,
            decision: Decision {
                kind,
                text: decision_text,
            },
            urls: Vec::new(),
            span: Span { start, end },
        });
        item_ranges.push((start, end));
    }

    // Duplicate numbers are reported.
    let mut seen = HashSet::default();
    for it in &items {
        if !it.number.is_empty() && !seen.insert(it.number.clone()) {
            warnings.push(format!("item number {} occurs more than once", it.number));
        }
    }
    // Minutes whose earlier items have decisions but whose last item has none were most
    // likely cut off (an interrupted download or conversion): keep the items, say so.
    if let Some((last, earlier)) = items.split_last() {
        if !last.parts.contains_key("Beslutning")
            && earlier.iter().any(|it| it.parts.contains_key("Beslutning"))
        {
            let name = if last.number.is_empty() {
                format!("\"{}\"", last.title)
            } else {
                last.number.clone()
            };
            warnings.push(format!(
                "item {name} has no decision although earlier items have one: the text may be cut off"
            ));
        }
    }
    Some(Structure {
        meeting,
        sections,
        items,
        item_ranges,
        warnings,
    })
}

#[derive(Debug, Clone)]
struct ItemHead {
    anchor: Option<usize>,
    token: Option<usize>,
}

/// Match item number tokens to anchors. When the counts agree and the numbers increase,
/// they pair in order (the OCR layout prints numbers away from their titles, but never out
/// of order). Otherwise each anchor takes the nearest plausible number before it.
fn assign_numbers(
    anchors: &[usize],
    tokens: &[NumberToken],
    lines: &[TextLine<'_>],
    warnings: &mut Vec<String>,
) -> Vec<Option<usize>> {
    let increasing = tokens
        .windows(2)
        .all(|w| (w[0].major, w[0].minor) < (w[1].major, w[1].minor));
    // Tokens with an inline title far from any anchor are items of their own.
    let numbered_only: Vec<usize> = (0..tokens.len()).collect();
    if increasing && numbered_only.len() == anchors.len() {
        let ok = anchors
            .iter()
            .zip(tokens.iter())
            .all(|(a, t)| t.inline_title.is_none() || t.line < *a);
        if ok {
            return numbered_only.into_iter().map(Some).collect();
        }
    }
    let mut out = vec![None; anchors.len()];
    let mut used = HashSet::default();
    let mut last: (u32, u32) = (0, 0);
    for (k, &a) in anchors.iter().enumerate() {
        let lo = if k == 0 { 0 } else { anchors[k - 1] };
        let cand = (0..tokens.len())
            .filter(|t| !used.contains(t))
            .filter(|&t| tokens[t].line >= lo && tokens[t].line < a)
            .rfind(|&t| (tokens[t].major, tokens[t].minor) > last);
        if let Some(t) = cand {
            used.insert(t);
            last = (tokens[t].major, tokens[t].minor);
            out[k] = Some(t);
        } else {
            warnings.push(format!(
                "case line {} (line {}) has no item number before it",
                lines[a].text,
                a + 1
            ));
        }
    }
    out
}

/// Choose section heading lines: for each section number, the last candidate before the
/// first item of that section (numbered lists inside an item come earlier or have lower
/// numbers). Returns the sections, their lines and the lines used as section titles.
fn find_sections(
    lines: &[TextLine<'_>],
    tokens: &[NumberToken],
    heads: &[ItemHead],
    warnings: &mut Vec<String>,
) -> (Vec<Section>, Vec<usize>, Vec<usize>) {
    let token_lines: HashSet<usize> = tokens.iter().map(|t| t.line).collect();
    let cands: Vec<(usize, u32, Option<String>)> = (0..lines.len())
        .filter(|i| !token_lines.contains(i))
        .filter_map(|i| {
            let c = section_number(lines[i].text)?;
            let n: u32 = c.major.parse().ok()?;
            let title = c.rest.map(|t| t.trim().to_string());
            if let Some(t) = &title {
                let words = t.split_whitespace().count();
                let starts_upper = t.chars().next().is_some_and(|ch| ch.is_uppercase());
                if words > 10 || t.ends_with(',') || t.ends_with('.') || !starts_upper {
                    return None;
                }
            }
            Some((i, n, title))
        })
        .collect();
    let first_item_line = |n: u32| -> Option<usize> {
        heads
            .iter()
            .filter_map(|h| h.token.map(|t| (h, &tokens[t])))
            .filter(|(_, t)| t.major == n)
            .map(|(h, t)| h.anchor.unwrap_or(t.line).min(t.line))
            .min()
    };
    let max_n = cands.iter().map(|c| c.1).max().unwrap_or(0);
    let mut chosen: Vec<(usize, u32, Option<String>)> = Vec::new();
    let mut prev_line: Option<usize> = None;
    for n in 1..=max_n.max(tokens.iter().map(|t| t.major).max().unwrap_or(0)) {
        let after_prev = |l: usize| prev_line.is_none_or(|p| l > p);
        let pick = match first_item_line(n) {
            Some(limit) => cands
                .iter()
                .rfind(|c| c.1 == n && c.0 < limit && after_prev(c.0)),
            None => cands.iter().find(|c| c.1 == n && after_prev(c.0)),
        };
        match pick {
            Some(c) => {
                prev_line = Some(c.0);
                chosen.push(c.clone());
            }
            None => {
                if first_item_line(n).is_some() {
                    warnings.push(format!("section {n} has items but no heading"));
                }
            }
        }
    }
    let mut sections = Vec::new();
    let mut section_lines = Vec::new();
    let mut title_lines = Vec::new();
    for (line, n, title) in chosen {
        let title = match title {
            Some(t) => t,
            None => {
                // OCR layout: "3." then "3.1." then the section title on a later line.
                let found = (line + 1..lines.len().min(line + 8))
                    .filter(|&i| !lines[i].blank && !token_lines.contains(&i))
                    .find(|&i| !is_case_line(lines[i].text));
                match found {
                    Some(i) if section_number(lines[i].text).is_none() => {
                        title_lines.push(i);
                        lines[i].text.to_string()
                    }
                    _ => String::new(),
                }
            }
        };
        sections.push(Section {
            number: n.to_string(),
            title,
        });
        section_lines.push(line);
    }
    (sections, section_lines, title_lines)
}

/// Find the title of an item: its number line's inline title (plus continuation lines), or
/// the paragraph right above its case line.
fn title_block(
    h: &ItemHead,
    tokens: &[NumberToken],
    lines: &[TextLine<'_>],
    structural: &HashSet<usize>,
) -> (usize, usize, String) {
    let token = h.token.map(|t| &tokens[t]);
    match (h.anchor, token) {
        (Some(a), Some(t)) if t.inline_title.is_some() && t.line < a && a - t.line <= 5 => {
            let mut parts = vec![t.inline_title.clone().unwrap_or_default()];
            parts.extend(
                (t.line + 1..a)
                    .filter(|&i| !lines[i].blank && !structural.contains(&i))
                    .map(|i| lines[i].text.to_string()),
            );
            (t.line, a, fold_ws(&parts.join(" ")))
        }
        (Some(a), _) => {
            let mut i = a;
            let mut taken: Vec<usize> = Vec::new();
            // Allow one blank line between title and case line.
            let mut gap = 0;
            while i > 0 {
                i -= 1;
                let l = &lines[i];
                if l.blank {
                    if taken.is_empty() && gap == 0 {
                        gap += 1;
                        continue;
                    }
                    break;
                }
                if structural.contains(&i) || part_heading(l.text).is_some() {
                    break;
                }
                let ends_sentence = l.text.ends_with(['.', ':', '!', '?', ';']);
                if ends_sentence && !taken.is_empty() {
                    break;
                }
                if ends_sentence && taken.is_empty() && l.text.split_whitespace().count() > 12 {
                    break;
                }
                taken.push(i);
                if taken.len() >= 3 {
                    break;
                }
            }
            taken.reverse();
            let first = taken.first().copied().unwrap_or(a);
            let title = taken
                .iter()
                .map(|&i| lines[i].text)
                .collect::<Vec<_>>()
                .join(" ");
            (first, a, fold_ws(&title))
        }
        (None, Some(t)) => (
            t.line,
            t.line,
            fold_ws(t.inline_title.as_deref().unwrap_or("")),
        ),
        (None, None) => (0, 0, String::new()),
    }
}

fn fold_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_folded(&mut out, s);
    out
}

/// Append `s` with white-space runs folded to one space and trimmed (as `fold_ws`).
fn push_folded(out: &mut String, s: &str) {
    // Most lines are already folded: no white space but single ASCII spaces inside. Every
    // other white-space char is a control byte or starts with one of the lead bytes checked.
    let b = s.as_bytes();
    // (A fold without early exit, which the compiler vectorises.)
    let plain = b.first().is_none_or(|&c| c != b' ')
        && b.last().is_none_or(|&c| c != b' ')
        && !b.iter().fold(false, |seen, &c| {
            seen | matches!(c, b'\t'..=b'\r' | 0x1c..=0x1f | 0xc2 | 0xe1 | 0xe2 | 0xe3)
        })
        && !s.contains("  ");
    if plain {
        out.push_str(s);
        return;
    }
    for (k, w) in s.split_whitespace().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
}

/// Case number and officers from a case line.
fn case_parts(line: &str) -> (Option<String>, Vec<String>) {
    match case_groups(line) {
        Some((number, officers)) => (
            Some(number.to_uppercase()),
            officers
                .map(|o| {
                    o.split('/')
                        .map(|s| s.trim().to_lowercase())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        ),
        None => (None, Vec::new()),
    }
}

/// `CASE_LINE`'s two groups: the case number and the officers' initials after it. The
/// match is told by the regex's DFA; the groups are then plain to read (the number runs to
/// the end of its digits, the initials are the rest without white space at its ends),
/// where a capture search with the pattern's Unicode letter classes cost some ten thousand
/// instructions a line.
fn case_groups(line: &str) -> Option<(&str, Option<&str>)> {
    if !CASE_LINE.is_match(line) {
        return None;
    }
    // `[A-ZÆØÅ]{2,6}-[0-9]{4}-[0-9]{2,7}`: the letters hold no `-`.
    let serial = line.find('-')? + "-0000-".len();
    let end = serial + digits_at(line.as_bytes(), serial);
    let rest = line.get(end..)?.trim_start();
    Some((&line[..end], (!rest.is_empty()).then(|| rest.trim_end())))
}

/// Split item content into parts by their headings (text before the first heading is
/// dropped when empty, else kept as `Indledning`).
fn split_parts<'a, 't>(content: &[&'a TextLine<'t>]) -> Vec<(String, Vec<&'a TextLine<'t>>)> {
    let mut parts: Vec<(String, Vec<&TextLine<'t>>)> = Vec::new();
    let mut cur: Option<(String, Vec<&TextLine<'t>>)> = None;
    let mut intro: Vec<&TextLine<'t>> = Vec::new();
    for l in content {
        if let Some(h) = part_heading(l.text) {
            if let Some(p) = cur.take() {
                parts.push(p);
            }
            cur = Some((h.to_string(), Vec::new()));
            continue;
        }
        match cur.as_mut() {
            Some((_, ls)) => ls.push(l),
            None => intro.push(l),
        }
    }
    if let Some(p) = cur {
        parts.push(p);
    }
    if intro.iter().any(|l| !l.blank) {
        parts.insert(0, ("Indledning".to_string(), intro));
    }
    parts
}

/// Join part lines into clean text: paragraphs separated by a blank line, list items on
/// their own lines, other line breaks folded to spaces.
pub(crate) fn join_lines(ls: &[&TextLine<'_>]) -> String {
    // The lines and a separator after each: room enough for the join.
    let room = ls.iter().map(|l| l.text.len() + 2).sum();
    join_trimmed(ls.iter().map(|l| (l.text, l.blank)), room)
}

/// `join_lines(text_lines(text))`, without building the lines.
pub(crate) fn join_text(text: &str) -> String {
    // Folding never lengthens the text: room enough for the join.
    let mut from = 0;
    let lines = memchr::memchr_iter(b'\n', text.as_bytes())
        .chain([text.len()])
        .map(move |end| {
            let t = text[from..end].trim();
            from = end + 1;
            (t, t.is_empty())
        });
    join_trimmed(lines, text.len())
}

/// The join of `join_lines` over `(trimmed line, blank)` pairs.
/// `room` is the capacity to start with (the join grew step by step before, copied at each
/// reallocation).
fn join_trimmed<'a>(ls: impl Iterator<Item = (&'a str, bool)>, room: usize) -> String {
    let mut out = String::with_capacity(room);
    let mut pending_para = false;
    for (text, blank) in ls {
        if blank {
            pending_para = !out.is_empty();
            continue;
        }
        let bullet = text.starts_with("- ");
        if out.is_empty() {
        } else if pending_para {
            out.push_str("\n\n");
        } else if bullet {
            out.push('\n');
        } else {
            out.push(' ');
        }
        pending_para = false;
        push_folded(&mut out, text);
    }
    // Folded lines neither start nor end with white space, so `out` is already trimmed.
    out
}

/// The recommendations of an `Indstilling` part: each `- at …` bullet, or the single
/// `at …` clause after `Det indstilles,`.
fn recommendations(ls: &[&TextLine<'_>]) -> Vec<String> {
    let text = join_lines(ls);
    let mut bullets: Vec<String> = Vec::new();
    let mut lead = String::new();
    for (k, raw) in text.split('\n').enumerate() {
        let line = raw.trim();
        if let Some(b) = line.strip_prefix("- ") {
            if raw.starts_with("  ") {
                if let Some(last) = bullets.last_mut() {
                    last.push_str(if last.ends_with(':') { " " } else { "; " });
                    last.push_str(b.trim());
                }
                continue;
            }
            bullets.push(b.trim().to_string());
        } else if bullets.is_empty() && k < 3 {
            lead.push_str(line);
            lead.push(' ');
        } else if let Some(last) = bullets.last_mut() {
            if !line.is_empty() {
                last.push(' ');
                last.push_str(line);
            }
        }
    }
    let lead_at = lead
        .find("indstilles")
        .map(|p| {
            lead[p + "indstilles".len()..]
                .trim_start_matches([',', ' '])
                .trim()
        })
        .unwrap_or("")
        .to_string();
    let lower_first = |s: &str| -> String {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
            None => String::new(),
        }
    };
    if !bullets.is_empty() {
        return bullets
            .into_iter()
            .map(|b| {
                let b = fold_ws(&b);
                let lower = lower_first(&b);
                if lower.starts_with("at ") {
                    lower
                } else if lead_at.starts_with("at ") {
                    format!("{} {}", lead_at, lower)
                } else {
                    b
                }
            })
            .collect();
    }
    if lead_at.starts_with("at ") || lead_at.starts_with("At ") {
        let full = text
            .find("indstilles")
            .map(|p| text[p + "indstilles".len()..].trim_start_matches([',', ' ']))
            .unwrap_or("");
        return vec![
            fold_ws(&lower_first(full.split("\n\n").next().unwrap_or("")))
                .trim_end_matches('.')
                .to_string(),
        ];
    }
    Vec::new()
}

/// The meeting facts on the cover: body, date, time, place, participants.
fn parse_cover(cover: &[TextLine<'_>], text: &str, file_stem: &str) -> Meeting {
    let mut m = Meeting {
        date_source: "none".to_string(),
        ..Meeting::default()
    };
    for l in cover {
        let Some((label, value)) = l.text.split_once(':') else {
            continue;
        };
        let label = label.trim().to_lowercase();
        let value = value.trim();
        let Some((_, field)) = COVER_LABELS.iter().find(|(k, _)| *k == label) else {
            continue;
        };
        match field.as_str() {
            "date" => {
                if let Some(d) = dates::find_dates(value, None).into_iter().next() {
                    m.date = Some(d.iso);
                    m.date_source = "text".to_string();
                }
                if m.start_time.is_none() {
                    m.start_time =
                        dates::find_time(&value.replace('-', " ")).filter(|_| value.contains(':'));
                }
            }
            "time" => m.start_time = dates::find_time(value),
            "location" => m.location = Some(fold_ws(value)),
            _ => {}
        }
    }
    if m.date.is_none() {
        if let Some(d) = dates::date_from_file_name(file_stem) {
            m.date = Some(d);
            m.date_source = "filename".to_string();
        }
    }
    // Body: a council or committee named on the cover ("ØKONOMIUDVALGET, RØDOVRE
    // KOMMUNE"), else the most frequent "KKR <Name>" in the text. The cover comes first:
    // a committee's minutes may well mention a KKR in an item.
    if let Some(b) = cover.iter().find_map(|l| cover_body(l.text, text)) {
        m.body = Some(b);
    }
    // Counted only when the cover names no body: it reads the whole text.
    if m.body.is_none() {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for name in body_names(text) {
            *counts.entry(titlecase(name)).or_default() += 1;
        }
        m.body = counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|(name, _)| format!("KKR {name}"));
    }
    // Participants: "Fra <group>" followed by "Name, role, place" lines.
    let mut group: Option<String> = None;
    for l in cover {
        if let Some(g) = l.text.strip_prefix("Fra ") {
            group = Some(g.trim().to_string());
            continue;
        }
        // The pattern begins with a capital.
        let c = if l.text.starts_with(char::is_uppercase) {
            PARTICIPANT.captures(l.text)
        } else {
            None
        };
        if let Some(c) = c {
            if let Some(name) = c.get(1) {
                m.participants.push(Participant {
                    name: name.as_str().to_string(),
                    group: group.clone(),
                    role: c.get(2).map(|r| r.as_str().trim().to_string()),
                    place: c.get(3).map(|r| r.as_str().trim().to_string()),
                });
            }
        }
    }
    m
}

fn body_words(kind: &str) -> impl Iterator<Item = &'static str> {
    let kind = kind.to_string();
    BODY_WORDS
        .iter()
        .filter(move |(_, k)| *k == kind)
        .map(|(w, _)| w.as_str())
}

/// A body's name on one cover line: `<name ending in a body word>[, <owner>]`, after
/// optional words such as "Referat fra mødet i". Capitals are undone from the way the text
/// writes the same name elsewhere (page headers, items), else word by word.
fn cover_body(line: &str, text: &str) -> Option<String> {
    let line = line.trim().trim_end_matches(['.', ':']);
    if line.is_empty() || line.contains(':') || line.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut words: Vec<&str> = line.split_whitespace().collect();
    while words.first().is_some_and(|w| {
        let w = w.to_lowercase();
        body_words("prefix").any(|p| p == w)
    }) {
        words.remove(0);
    }
    let rest = words.join(" ");
    let (head, owner) = match rest.split_once(',') {
        Some((h, o)) => (h.trim(), Some(o.trim())),
        None => (rest.trim(), None),
    };
    let head_words: Vec<&str> = head.split_whitespace().collect();
    let last = head_words.last()?.to_lowercase();
    if head_words.len() > 6 || !body_words("suffix").any(|s| last.ends_with(s)) {
        return None;
    }
    if !head_words
        .first()
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase)
    {
        return None;
    }
    if let Some(o) = owner {
        let ow: Vec<&str> = o.split_whitespace().collect();
        if ow.is_empty()
            || ow.len() > 4
            || !ow
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        {
            return None;
        }
    }
    let name = match owner {
        Some(o) => format!("{head}, {o}"),
        None => head.to_string(),
    };
    if name.chars().any(char::is_lowercase) {
        return Some(name);
    }
    // Written in capitals: find the same name in mixed case in the text.
    let found = mixed_case_occurrence(text, &name);
    // Word by word otherwise. Either way a word the cover prints in capitals starts with
    // one (an OCR repair may have lower-cased a letter that was damaged, "@konomi-").
    let source = found.unwrap_or_else(|| name.to_lowercase());
    let cased: Vec<String> = source
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && body_words("minor").any(|m| m == lower) {
                lower
            } else {
                let mut c = w.chars();
                c.next().map_or_else(String::new, |f| {
                    f.to_uppercase().collect::<String>() + c.as_str()
                })
            }
        })
        .collect();
    Some(cased.join(" "))
}

/// The first place in `text` that reads `name` in any case, with any white space between
/// its words, and holds a small letter: how the text writes a name its cover prints in
/// capitals. (A case-insensitive regex built per name was compiled for nearly every
/// document, as covers name many different committees.)
fn mixed_case_occurrence(text: &str, name: &str) -> Option<String> {
    let words: Vec<String> = name
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(super::lowercase_aligned)
        .collect();
    let first = words.first()?;
    // Where the first word may start: at its first letter in either case (found by
    // `memchr`), each checked in place; the text is not lowered whole (that was most of
    // this search's time). A word that starts with another char is looked for everywhere.
    let b0 = *first.as_bytes().first()?;
    let candidates: Box<dyn Iterator<Item = usize>> = if b0.is_ascii() {
        Box::new(memchr::memchr2_iter(
            b0.to_ascii_lowercase(),
            b0.to_ascii_uppercase(),
            text.as_bytes(),
        ))
    } else {
        Box::new(text.char_indices().map(|(i, _)| i))
    };
    let mut from = 0;
    for start in candidates {
        if start < from || !super::starts_with_lowered(&text[start..], first) {
            continue;
        }
        from = start + first.len();
        let mut end = from;
        let whole = words[1..].iter().all(|w| {
            let gap = text[end..]
                .char_indices()
                .find(|&(_, c)| !c.is_whitespace())
                .map_or(text.len() - end, |(i, _)| i);
            if gap == 0 || !super::starts_with_lowered(&text[end + gap..], w) {
                return false;
            }
            end += gap + w.len();
            true
        });
        if whole && text[start..end].chars().any(char::is_lowercase) {
            return Some(fold_ws(&text[start..end]));
        }
    }
    None
}

fn titlecase(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The regexes [`item_number`] and [`section_number`] stand for.
    static ITEM_NO: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"^([0-9]{1,2})\.([0-9]{1,2})\.?(?:\s+(\S.*))?$").unwrap());
    static SECTION_NO: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"^([0-9]{1,2})\.(?:\s+(\S.*))?$").unwrap());

    /// The groups of `re`'s match on `line`.
    fn by_regex(re: &Regex, line: &str) -> Option<Vec<Option<String>>> {
        let c = re.captures(line)?;
        Some(
            c.iter()
                .skip(1)
                .map(|m| m.map(|m| m.as_str().to_string()))
                .collect(),
        )
    }

    fn read(n: Option<NumberLine<'_>>, item: bool) -> Option<Vec<Option<String>>> {
        let n = n?;
        let mut v = vec![Some(n.major.to_string())];
        if item {
            v.push(n.minor.map(str::to_string));
        }
        v.push(n.rest.map(str::to_string));
        Some(v)
    }

    fn same_as_regexes(line: &str) {
        assert_eq!(
            read(item_number(line), true),
            by_regex(&ITEM_NO, line),
            "item {line:?}"
        );
        assert_eq!(
            read(section_number(line), false),
            by_regex(&SECTION_NO, line),
            "section {line:?}"
        );
    }

    #[test]
    fn body_names_read_as_the_regex_did() {
        fn agree(t: &str) {
            static RE: Lazy<Regex> =
                Lazy::new(|| Regex::new(r"(?i)\bKKR[\s-]+(\p{L}{4,})").unwrap());
            let by_regex: Vec<&str> = RE
                .captures_iter(t)
                .map(|c| c.get(1).unwrap().as_str())
                .collect();
            assert_eq!(body_names(t).collect::<Vec<_>>(), by_regex, "{t:?}");
        }
        for t in [
            "KKR Midtjylland",
            "kkr-nordjylland og KKR  -  Syddanmark",
            "\u{212a}KR Sjælland",
            "xKKR Midt",
            "KKR Øst\u{345}land",
            "KKR\nHovedstaden",
            "KKR Ab",
        ] {
            agree(t);
        }
        proptest!(|(t in "([xK\u{212a}k][kK][rR][ \n\t-]{0,3}[a-zæøÅ\u{345}]{0,6}[ ,]?){0,4}")| {
            agree(&t);
        });
    }

    #[test]
    fn case_lines_read_as_the_regex_did() {
        fn by_regex(l: &str) -> Option<(Option<&str>, Option<&str>)> {
            CASE_LINE
                .captures(l)
                .map(|c| (c.get(1).map(|m| m.as_str()), c.get(2).map(|m| m.as_str())))
        }
        fn direct(l: &str) -> Option<(Option<&str>, Option<&str>)> {
            case_groups(l).map(|(a, b)| (Some(a), b))
        }
        for l in [
            "SAG-2025-01234",
            "SAG-2025-01234 ABC",
            "SAG-2025-01234  abc / DEF ",
            "ÆØÅ-2025-12 æøå/ØÅ",
            "SAG-2025-1",
            "SAG-2025-12345678",
            "SAG-2025-12345 a/b/c/d",
            "SAG-2025-12345 abcdefg",
            "SAG-2025-12345\u{a0}AB\t",
            "S-2025-12",
            "SAG-2025-12 1",
        ] {
            assert_eq!(direct(l), by_regex(l), "{l:?}");
        }
        proptest!(|(l in "(SAG|ÆØ|ABCDEFG)-[0-9]{3,5}-[0-9]{1,9}[ a-cé/Ø\t\u{a0}0]{0,14}")| {
            prop_assert_eq!(direct(&l), by_regex(&l));
        });
    }

    #[test]
    fn number_lines_read_as_the_regexes_did() {
        for l in [
            "3.2",
            "3.2.",
            "3.2 Title",
            "3.2. Title",
            "12.10  Title x",
            "3.",
            "3. Title",
            "123.4 X",
            "3.234 X",
            "3.2.Title",
            "3.2 ",
            "3. ",
            "3.\u{a0}Titel",
            "3.2\nX",
            "3.2 X\nY",
            "18. juni 2025",
            "3.2 mia. kr.",
            "",
            "3",
            ".3",
            "03.04.",
        ] {
            same_as_regexes(l);
        }
    }

    proptest! {
        #[test]
        fn number_lines_match_the_regexes(l in "[0-9.a A\u{a0}\t\n\u{2028}\u{85}\u{180e}ø]{0,12}") {
            same_as_regexes(&l);
        }
    }

    #[test]
    fn part_headings_are_found_in_any_case_and_only_whole() {
        assert!(!PART_HEADINGS.is_empty());
        for h in PART_HEADINGS.iter() {
            for line in [
                h.clone(),
                h.to_uppercase(),
                h.to_lowercase(),
                format!("  {h}: "),
            ] {
                assert_eq!(part_heading(&line), part_heading(h), "{line:?}");
                assert!(part_heading(&line).is_some(), "{line:?}");
            }
            assert_eq!(part_heading(&format!("{h}x")), None, "{h}x");
            assert_eq!(part_heading(&format!("Om {h}")), None, "Om {h}");
        }
        assert_eq!(part_heading(""), None);
    }

    /// The search of a lowered copy of the whole text that `mixed_case_occurrence` replaced.
    fn mixed_case_by_lowered_copy(text: &str, name: &str) -> Option<String> {
        let words: Vec<String> = name
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(super::super::lowercase_aligned)
            .collect();
        let first = words.first()?;
        let lower = super::super::lowercase_aligned(text);
        let mut from = 0;
        while let Some(p) = lower[from..].find(first.as_str()) {
            let start = from + p;
            from = start + first.len();
            let mut end = from;
            let whole = words[1..].iter().all(|w| {
                let gap = text[end..]
                    .char_indices()
                    .find(|&(_, c)| !c.is_whitespace())
                    .map_or(text.len() - end, |(i, _)| i);
                if gap == 0 || !lower[end + gap..].starts_with(w.as_str()) {
                    return false;
                }
                end += gap + w.len();
                true
            });
            if whole && text[start..end].chars().any(char::is_lowercase) {
                return Some(fold_ws(&text[start..end]));
            }
        }
        None
    }

    #[test]
    fn mixed_case_names_are_found_as_in_a_lowered_copy() {
        let text = "KKR MIDTJYLLAND\nMøde i KKR  Midtjylland den 3. maj. kkr\nmidtjylland. \
                    ØKONOMIUDVALGET og Økonomiudvalget; Børne- og Ungeudvalget, \
                    BØRNE- OG UNGEUDVALGET, \u{130}stanbul Udvalg, \u{212a}KR Midtjylland";
        let names = [
            "KKR MIDTJYLLAND",
            "ØKONOMIUDVALGET",
            "BØRNE- OG UNGEUDVALGET",
            "İSTANBUL UDVALG",
            "KKR",
            "MIDTJYLLAND DEN",
            "INGEN SÅDAN",
            "",
        ];
        let mut found = 0;
        for name in names {
            let got = mixed_case_occurrence(text, name);
            found += usize::from(got.is_some());
            assert_eq!(got, mixed_case_by_lowered_copy(text, name), "{name}");
        }
        assert!(found >= 4, "{found} names found");
    }

    #[test]
    fn decision_kinds_follow_the_table() {
        assert_eq!(decision_kind("Godkendt."), "approved");
        assert_eq!(decision_kind("Taget til orientering."), "noted");
        assert_eq!(
            decision_kind(
                "Formanden gav en orientering. Udvalget drøftede sagen og tiltrådte indstillingen."
            ),
            "endorsed"
        );
        assert_eq!(decision_kind("Udvalget drøftede oplægget."), "discussed");
        assert_eq!(decision_kind("Sagen blev udsat."), "postponed");
        assert_eq!(decision_kind("Intet at bemærke."), "none");
        assert_eq!(decision_kind(""), "none");
        assert_eq!(decision_kind("Forslaget blev afvist."), "rejected");
    }

    #[test]
    fn template_with_numbers_apart_from_titles() {
        let t = "Dato: 02-03-2024 09:30\nSted: Rådhuset, Torvet 1, 9000 Aalborg\n\n 1.\n\n1.1.\n\nGodkendelse af referat\n\nGodkendelse af referat fra mødet den 1. februar 2024\nSAG-2024-00001 abc\n\nBeslutning\nGodkendt.\n\n 2. Sager\n2.1. Ny sag om\nnoget vigtigt\nSAG-2024-00002 abc / de\n\nIndstilling\nDet indstilles,\n- at KKR Nordjylland godkender planen\n- at KKR Nordjylland drøfter\n\nBeslutning\nKKR Nordjylland tiltrådte indstillingen.\n";
        let s = parse_structure(t, "x").expect("structure");
        assert_eq!(s.meeting.date.as_deref(), Some("2024-03-02"));
        assert_eq!(s.meeting.start_time.as_deref(), Some("09:30"));
        assert_eq!(s.meeting.body.as_deref(), Some("KKR Nordjylland"));
        assert_eq!(s.sections.len(), 2);
        assert_eq!(s.sections[0].title, "Godkendelse af referat");
        assert_eq!(s.items.len(), 2);
        assert_eq!(s.items[0].number, "1.1");
        assert_eq!(
            s.items[0].title,
            "Godkendelse af referat fra mødet den 1. februar 2024"
        );
        assert_eq!(s.items[0].decision.kind, "approved");
        assert_eq!(s.items[1].title, "Ny sag om noget vigtigt");
        assert_eq!(s.items[1].case_officers, ["abc", "de"]);
        assert_eq!(s.items[1].recommendations.len(), 2);
        assert_eq!(s.items[1].decision.kind, "endorsed");
    }

    #[test]
    fn a_committee_on_the_cover_is_the_body() {
        let body = |t: &str| parse_structure(t, "x").expect("structure").meeting.body;
        let items = "\n 1. Sager\n1.1. Plan for noget\nSAG-2024-00002 abc\n\nBeslutning\nKKR Syddanmark orienteres. KKR Syddanmark og KKR Syddanmark.\n";
        // Capitals on the cover, mixed case in a page header.
        let t = format!("REFERAT 2024\n\nBØRNE- OG SKOLEUDVALGET, VEJLE KOMMUNE\n\nDato: 02-03-2024 09:30\n{items}\nBørne- og Skoleudvalget, Vejle Kommune | 02.03.2024\n");
        assert_eq!(
            body(&t).as_deref(),
            Some("Børne- og Skoleudvalget, Vejle Kommune")
        );
        // Capitals only: word by word, small words in lower case.
        let t = format!("KULTUR- OG FRITIDSUDVALGET\nDato: 02-03-2024\n{items}");
        assert_eq!(body(&t).as_deref(), Some("Kultur- og Fritidsudvalget"));
        let t = format!("Referat fra mødet i Byrådet\nDato: 02-03-2024\n{items}");
        assert_eq!(body(&t).as_deref(), Some("Byrådet"));
        // No body on the cover: the KKR the text names.
        let t = format!("REFERAT 2024\nDato: 02-03-2024\nJens Hansen, formand, Aalborg\n{items}");
        assert_eq!(body(&t).as_deref(), Some("KKR Syddanmark"));
        assert_eq!(cover_body("Sted: Udvalgsværelset", ""), None);
        assert_eq!(cover_body("dette udvalget", ""), None);
    }

    #[test]
    fn not_minutes() {
        assert!(parse_structure("Kære Hans\n\nTak for sidst.\n", "brev").is_none());
    }
}
