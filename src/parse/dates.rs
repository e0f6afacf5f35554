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
    Gated::new(
        &format!(
            r"(?i)\b([0-9]{{1,2}})\.?\s+({})\.?(?:\s+([0-9]{{4}}))?\b",
            names.join("|")
        ),
        |c| c.is_alphanumeric() || c.is_whitespace() || c == '.',
    )
});

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

/// All dates in `text`, in order. `default_year` completes dates printed without a year.
pub fn find_dates(text: &str, default_year: Option<i32>) -> Vec<FoundDate> {
    let mut out: Vec<FoundDate> = Vec::new();
    for c in WORD_DATE.captures_iter(text) {
        let (Some(all), Some(d), Some(m)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let Some(month) = MONTHS.get(&m.as_str().to_lowercase()).copied() else {
            continue;
        };
        // Abbreviations need their period or a year: "mar" alone is too often a word.
        let abbreviated = ABBREVIATIONS.contains(m.as_str().to_lowercase().as_str());
        let period = text[m.end()..].starts_with('.');
        let year = c.get(3).and_then(|y| y.as_str().parse::<i32>().ok());
        if abbreviated && !period && year.is_none() {
            continue;
        }
        let Some(y) = year.or(default_year) else {
            continue;
        };
        let Ok(day) = d.as_str().parse::<u32>() else {
            continue;
        };
        if let Some(iso) = iso_date(y, month, day) {
            out.push(FoundDate {
                iso,
                start: all.start(),
                end: all.end(),
                year_printed: year.is_some(),
            });
        }
    }
    for c in NUMERIC_DATE.captures_iter(text) {
        let (Some(all), Some(d), Some(m), Some(y)) = (c.get(0), c.get(1), c.get(2), c.get(3))
        else {
            continue;
        };
        let parts = (
            y.as_str().parse::<i32>(),
            m.as_str().parse::<u32>(),
            d.as_str().parse::<u32>(),
        );
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
