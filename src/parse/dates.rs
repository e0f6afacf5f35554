//! Danish dates and times: `18. juni 2025`, `8.\napril 2025`, `18-06-2025`, `den 21. maj`,
//! `pr. 1 juli 2025`, `kl. 10:00`.
//!
//! Minutes write dates many ways and often leave out the year when it is the meeting's own;
//! callers pass that year as the default so `den 21. maj` still becomes a full date.

use super::gated::Gated;
use once_cell::sync::Lazy;
use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};

static MONTHS: Lazy<FxHashMap<String, u32>> = Lazy::new(|| {
    include_str!("../../data/parse/months.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (name, n) = l.split_once('\t')?;
            Some((name.trim().to_string(), n.trim().parse().ok()?))
        })
        .collect()
});

/// The month names that are abbreviations: those that begin a longer name of the same
/// month in the table (`jun` of `juni`, `sept` of `september`), whatever their length.
static ABBREVIATIONS: Lazy<FxHashSet<&'static str>> = Lazy::new(|| {
    MONTHS
        .iter()
        .filter(|(a, n)| {
            MONTHS
                .iter()
                .any(|(b, m)| m == *n && b.len() > a.len() && b.starts_with(a.as_str()))
        })
        .map(|(a, _)| a.as_str())
        .collect()
});

/// `18. juni 2025`: only digits, letters, white space and periods.
///
/// Digits here and in the other date patterns are `[0-9]`, not `\d`: the parts are read
/// with Rust's integer parsing, which takes ASCII digits only, and a Unicode `\d` keeps
/// the regex off its fast path (a scan three times slower).
static WORD_DATE: Lazy<Gated> = Lazy::new(|| {
    let names: Vec<String> = {
        let mut v: Vec<String> = MONTHS.keys().cloned().collect();
        v.sort_by_key(|s| std::cmp::Reverse(s.len()));
        v
    };
    Gated::new(&word_date_pattern(&names), |c| {
        c.is_alphanumeric() || c.is_whitespace() || c == '.'
    })
});

fn word_date_pattern(names: &[String]) -> String {
    format!(
        r"(?i)\b([0-9]{{1,2}})\.?\s+({})\.?(?:\s+([0-9]{{4}}))?\b",
        names.join("|")
    )
}

/// Whether every month name is letters only: then a `WORD_DATE` match's groups can be
/// read from the match itself ([`word_date_parts`]).
static LETTER_MONTHS: Lazy<bool> = Lazy::new(|| {
    MONTHS
        .keys()
        .all(|n| !n.is_empty() && n.chars().all(char::is_alphabetic))
});

/// A `WORD_DATE` match `text[s..e]` as its groups (day, month, year), read directly: a
/// capture search per match cost several thousand instructions. The day is the leading
/// digits; after it and an optional period and white space comes the month name, which
/// (letters only, see [`LETTER_MONTHS`]) runs to the next period, white space or the match
/// end; a year, if the match holds one, is its last four digits.
fn word_date_parts(text: &str, s: usize, e: usize) -> (&str, (usize, usize), Option<&str>) {
    let m = &text[s..e];
    let day_len = m.bytes().take_while(u8::is_ascii_digit).count();
    let after_day = &m[day_len..];
    let after_day = after_day.strip_prefix('.').unwrap_or(after_day);
    let month_start = e - after_day.trim_start().len();
    let month_len = text[month_start..e]
        .find(|c: char| c == '.' || c.is_whitespace())
        .unwrap_or(e - month_start);
    let month_end = month_start + month_len;
    let tail = &text[month_end..e];
    let tail = tail.strip_prefix('.').unwrap_or(tail);
    let year = (!tail.is_empty()).then(|| &text[e - 4..e]);
    (&m[..day_len], (month_start, month_end), year)
}

/// `18-06-2025`: only digits and separators.
static NUMERIC_DATE: Lazy<Gated> = Lazy::new(|| {
    Gated::new(r"\b([0-9]{1,2})[-./]([0-9]{1,2})[-./]([0-9]{4})\b", |c| {
        c.is_numeric() || matches!(c, '-' | '.' | '/')
    })
});

static TIME: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"\b([01]?[0-9]|2[0-3])[:.]([0-5][0-9])\b").unwrap_or_else(|_| never())
});

fn never() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("empty class regex compiles"))
}

/// A date found in text, with its byte range in the searched string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    pub iso: String,
    pub start: usize,
    pub end: usize,
    /// False when the year was taken from the default (the text did not print it).
    pub year_printed: bool,
}

/// Build an ISO date if the parts form a real calendar date.
pub fn iso_date(year: i32, month: u32, day: u32) -> Option<String> {
    if !(1..=12).contains(&month) || day == 0 || !(1900..=2200).contains(&year) {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day > days[(month - 1) as usize] {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// A `WORD_DATE` match and its groups (the month as a byte range of the text).
struct WordDate<'t> {
    start: usize,
    end: usize,
    day: &'t str,
    month: (usize, usize),
    year: Option<&'t str>,
}

/// All dates in `text`, in order. `default_year` completes dates printed without a year.
pub fn find_dates(text: &str, default_year: Option<i32>) -> Vec<FoundDate> {
    let mut out: Vec<FoundDate> = Vec::new();
    let word_dates: Vec<WordDate<'_>> = if *LETTER_MONTHS {
        WORD_DATE
            .find_iter(text)
            .into_iter()
            .map(|m| {
                let (day, month, year) = word_date_parts(text, m.start(), m.end());
                WordDate {
                    start: m.start(),
                    end: m.end(),
                    day,
                    month,
                    year,
                }
            })
            .collect()
    } else {
        WORD_DATE
            .captures_iter(text)
            .into_iter()
            .filter_map(|c| {
                let (all, day, month) = (c.get(0)?, c.get(1)?, c.get(2)?);
                Some(WordDate {
                    start: all.start(),
                    end: all.end(),
                    day: day.as_str(),
                    month: (month.start(), month.end()),
                    year: c.get(3).map(|y| y.as_str()),
                })
            })
            .collect()
    };
    for w in word_dates {
        let (ms, me) = w.month;
        let name = &text[ms..me];
        let Some(month) = MONTHS.get(&name.to_lowercase()).copied() else {
            continue;
        };
        // Abbreviations need their period or a year: "mar" alone is too often a word.
        let abbreviated = ABBREVIATIONS.contains(name.to_lowercase().as_str());
        let period = text[me..].starts_with('.');
        let year = w.year.and_then(|y| y.parse::<i32>().ok());
        if abbreviated && !period && year.is_none() {
            continue;
        }
        let Some(y) = year.or(default_year) else {
            continue;
        };
        let Ok(day) = w.day.parse::<u32>() else {
            continue;
        };
        if let Some(iso) = iso_date(y, month, day) {
            out.push(FoundDate {
                iso,
                start: w.start,
                end: w.end,
                year_printed: year.is_some(),
            });
        }
    }
    // `dd-mm-yyyy`: the three digit runs between single separators.
    for all in NUMERIC_DATE.find_iter(text) {
        let mut groups = all.as_str().split(|c: char| !c.is_ascii_digit());
        let (Some(d), Some(m), Some(y)) = (groups.next(), groups.next(), groups.next()) else {
            continue;
        };
        let parts = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>());
        if let (Ok(y), Ok(m), Ok(d)) = parts {
            if let Some(iso) = iso_date(y, m, d) {
                out.push(FoundDate {
                    iso,
                    start: all.start(),
                    end: all.end(),
                    year_printed: true,
                });
            }
        }
    }
    out.sort_by_key(|d| d.start);
    out
}

/// The first time of day (`10:00`, `kl. 9.30`) in `text`, as `HH:MM`.
pub fn find_time(text: &str) -> Option<String> {
    let c = TIME.captures(text)?;
    let h: u32 = c.get(1)?.as_str().parse().ok()?;
    let m: u32 = c.get(2)?.as_str().parse().ok()?;
    Some(format!("{h:02}:{m:02}"))
}

/// A date from a KL file name: `referat-fra-moede-i-kkr-midtjylland-den-3-september-2025`.
pub fn date_from_file_name(name: &str) -> Option<String> {
    let spaced = name.replace(['-', '_'], " ");
    find_dates(&spaced, None)
        .into_iter()
        .find(|d| d.year_printed)
        .map(|d| d.iso)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The groups of every `WORD_DATE` match, read directly and by the regex.
    fn word_date_groups_agree(t: &str) {
        static RE: Lazy<Regex> = Lazy::new(|| {
            let mut names: Vec<String> = MONTHS.keys().cloned().collect();
            names.sort_by_key(|s| std::cmp::Reverse(s.len()));
            Regex::new(&word_date_pattern(&names)).unwrap()
        });
        let by_regex: Vec<_> = RE
            .captures_iter(t)
            .map(|c| {
                let m = c.get(2).unwrap();
                (
                    c[1].to_string(),
                    (m.start(), m.end()),
                    c.get(3).map(|y| y.as_str().to_string()),
                )
            })
            .collect();
        let direct: Vec<_> = WORD_DATE
            .find_iter(t)
            .iter()
            .map(|m| {
                let (d, month, y) = word_date_parts(t, m.start(), m.end());
                (d.to_string(), month, y.map(str::to_string))
            })
            .collect();
        assert_eq!(direct, by_regex, "{t:?}");
    }

    #[test]
    fn word_date_groups_read_as_the_regex_did() {
        assert!(*LETTER_MONTHS, "the month names are letters only");
        for t in [
            "den 18. juni 2025.",
            "8.\napril 2025",
            "1 juli",
            "3. sept. 2024",
            "3. SEPT.2024",
            "12.  marts\t2025x",
            "12. marts. 2025",
            "5 maj.",
            "31. december 20255",
            "1. jan",
        ] {
            word_date_groups_agree(t);
        }
    }

    proptest! {
        #[test]
        fn word_date_groups_match_the_regex(t in "([0-9]{1,3}(\\.)?[ \t\n\u{a0}]{0,2}(juni|jun|Sept|september|marts|x)(\\.)?[ \n]{0,2}[0-9]{0,5}[a ]?){1,3}") {
            word_date_groups_agree(&t);
        }
    }

    fn isos(t: &str, y: Option<i32>) -> Vec<String> {
        find_dates(t, y).into_iter().map(|d| d.iso).collect()
    }

    #[test]
    fn danish_word_dates() {
        assert_eq!(isos("mødet den 18. juni 2025.", None), ["2025-06-18"]);
        assert_eq!(isos("den 8.\napril 2025", None), ["2025-04-08"]);
        assert_eq!(isos("pr. 1 juli 2025 og", None), ["2025-07-01"]);
        assert_eq!(isos("den 21. maj besluttet", Some(2025)), ["2025-05-21"]);
        assert_eq!(isos("den 21. maj besluttet", None), Vec::<String>::new());
        assert_eq!(isos("d. 3. sept. 2024", None), ["2024-09-03"]);
        assert_eq!(isos("den 31. februar 2025", None), Vec::<String>::new());
    }

    #[test]
    fn short_full_names_need_no_year_but_abbreviations_their_period() {
        // "juni" and "juli" are full names, as short as some abbreviations.
        assert_eq!(isos("mødet den 18. juni", Some(2025)), ["2025-06-18"]);
        assert_eq!(isos("fra 1. juli", Some(2026)), ["2026-07-01"]);
        assert_eq!(isos("den 3. jun. var", Some(2025)), ["2025-06-03"]);
        assert_eq!(isos("nr. 2. Jan Hansen", Some(2025)), Vec::<String>::new());
        assert_eq!(isos("punkt 4 mar", Some(2025)), Vec::<String>::new());
        assert!(ABBREVIATIONS.contains("sept") && ABBREVIATIONS.contains("jun"));
        assert!(!ABBREVIATIONS.contains("maj") && !ABBREVIATIONS.contains("juni"));
    }

    #[test]
    fn numeric_dates_and_times() {
        assert_eq!(isos("Dato: 18-06-2025 10:00", None), ["2025-06-18"]);
        assert_eq!(
            find_time("Dato: 18-06-2025 10:00").as_deref(),
            Some("10:00")
        );
        assert_eq!(find_time("kl. 9.30").as_deref(), Some("09:30"));
    }

    #[test]
    fn file_names() {
        assert_eq!(
            date_from_file_name("referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt")
                .as_deref(),
            Some("2025-09-03")
        );
        assert_eq!(date_from_file_name("minutes.txt"), None);
    }
}
