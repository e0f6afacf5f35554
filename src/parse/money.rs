//! Danish money amounts: `129 kr. pr. indbygger`, `5,8 mio. kr.`, `3,45 mia. kr.`,
//! `300.000 kr.`, `0,9 mio. kr./årligt`, `210-265 mio. kr.`, `5,8 mio. kr. (2024-niveau)`.
//!
//! Danish writes `.` for thousands and `,` for decimals; the scale words and the "per"
//! phrases are data (`data/parse/money-scales.tsv`, `data/parse/money-per.tsv`).

use once_cell::sync::Lazy;
use regex::Regex;

/// An amount found in text (byte range into the searched string).
#[derive(Debug, Clone, PartialEq)]
pub struct FoundAmount {
    pub value: f64,
    pub value_max: Option<f64>,
    pub per: Option<String>,
    pub year: Option<i32>,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

fn table(data: &str) -> Vec<(String, String)> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (a, b) = l.split_once('\t')?;
            Some((a.trim().to_string(), b.trim().to_string()))
        })
        .collect()
}

static SCALES: Lazy<Vec<(String, f64)>> = Lazy::new(|| {
    let mut v: Vec<(String, f64)> = table(include_str!("../../data/parse/money-scales.tsv"))
        .into_iter()
        .filter_map(|(w, f)| Some((w, f.parse().ok()?)))
        .collect();
    v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    v
});

static PERS: Lazy<Vec<(String, String)>> = Lazy::new(|| {
    let mut v = table(include_str!("../../data/parse/money-per.tsv"));
    v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    v
});

/// The longest "per" phrase, in chars.
static PER_CHARS: Lazy<usize> = Lazy::new(|| {
    PERS.iter()
        .map(|(p, _)| p.chars().count())
        .max()
        .unwrap_or(0)
});

/// `1.500.000 kr.`, `2,5 mio. kr.`, `10-12 mia. kroner`. ASCII digits, as in the date
/// patterns: the numbers are parsed by Rust, which takes no others.
static AMOUNT: Lazy<Regex> = Lazy::new(|| {
    let scales: Vec<String> = SCALES.iter().map(|(w, _)| regex::escape(w)).collect();
    Regex::new(&format!(
        r"(?i)(?:^|[^0-9,.])(-?[0-9]{{1,3}}(?:\.[0-9]{{3}})+|-?[0-9]+)(?:,([0-9]+))?(?:\s*[-–]\s*([0-9]{{1,3}}(?:\.[0-9]{{3}})+|[0-9]+)(?:,([0-9]+))?)?\s*(?:({})\s*)?(kr\.?|kroner|DKK)(?:\W|$)",
        scales.join("|")
    ))
    .unwrap_or_else(|_| never())
});

static LEVEL_YEAR: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^\s*\(?\s*([0-9]{4})\s*-?\s*(?:niveau|pl|priser|p/l|pris-\s*og\s*lønniveau)")
        .unwrap_or_else(|_| never())
});

fn never() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("empty class regex compiles"))
}

/// The number, if it is a finite one: Rust parses a digit run too long for an `f64` as
/// infinity, which is no amount.
fn number(int: &str, frac: Option<&str>) -> Option<f64> {
    let s = format!("{}.{}", int.replace('.', ""), frac.unwrap_or("0"));
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// All amounts in `text`, in order.
pub fn find_amounts(text: &str) -> Vec<FoundAmount> {
    let mut out = Vec::new();
    for c in AMOUNT.captures_iter(text) {
        let (Some(int), Some(kr)) = (c.get(1), c.get(6)) else {
            continue;
        };
        let Some(mut value) = number(int.as_str(), c.get(2).map(|m| m.as_str())) else {
            continue;
        };
        let mut value_max = match c.get(3) {
            Some(hi) => number(hi.as_str(), c.get(4).map(|m| m.as_str())),
            None => None,
        };
        let factor = c
            .get(5)
            .and_then(|s| {
                let w = s.as_str().to_lowercase();
                SCALES.iter().find(|(k, _)| *k == w).map(|(_, f)| *f)
            })
            .unwrap_or(1.0);
        value = round(value * factor);
        value_max = value_max
            .map(|v| round(v * factor))
            .filter(|v| v.is_finite());
        if !value.is_finite() {
            continue;
        }
        let start = int.start();
        let mut end = kr.end();
        let rest = &text[end..];
        let rest_lower = super::lower_head(rest, *PER_CHARS);
        let mut per = None;
        for (phrase, what) in PERS.iter() {
            let trimmed = rest_lower.trim_start();
            if trimmed.starts_with(phrase.as_str()) {
                let skipped = rest_lower.len() - trimmed.len();
                end += skipped + phrase.len();
                per = Some(what.clone());
                break;
            }
        }
        let mut year = None;
        if let Some(y) = LEVEL_YEAR.captures(&text[end..]) {
            if let (Some(all), Some(yy)) = (y.get(0), y.get(1)) {
                year = yy.as_str().parse().ok();
                let close = text[end + all.end()..].find(')').filter(|p| *p < 3);
                end += all.end() + close.map(|p| p + 1).unwrap_or(0);
            }
        }
        out.push(FoundAmount {
            value,
            value_max,
            per,
            year,
            text: text[start..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            start,
            end,
        });
    }
    out
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(t: &str) -> FoundAmount {
        let mut v = find_amounts(t);
        assert_eq!(v.len(), 1, "{t}: {v:?}");
        v.remove(0)
    }

    #[test]
    fn scales_and_separators() {
        assert_eq!(one("med 5,8 mio. kr. i alt").value, 5_800_000.0);
        assert_eq!(
            one("løftes med 3,45 mia. kr. Samtidig").value,
            3_450_000_000.0
        );
        assert_eq!(one("med 300.000\nkr. årligt").value, 300_000.0);
        assert_eq!(one("samlet 22,3 mia. kr.").value, 22_300_000_000.0);
        assert_eq!(
            one("svarer til 0,033 mia. kr. (2025-pl)").value,
            33_000_000.0
        );
    }

    #[test]
    fn per_year_and_ranges() {
        let a = one("fastsættes til 129 kr. pr. indbygger, hvilket");
        assert_eq!((a.value, a.per.as_deref()), (129.0, Some("inhabitant")));
        assert_eq!(a.text, "129 kr. pr. indbygger");
        let a = one("med 0,9 mio. kr./årligt dog");
        assert_eq!((a.value, a.per.as_deref()), (900_000.0, Some("year")));
        let a = one("potentiale på 210-265 mio. kr. årligt");
        assert_eq!((a.value, a.value_max), (210_000_000.0, Some(265_000_000.0)));
        let a = one("- CDEU: 5,8 mio. kr. (2024-niveau)");
        assert_eq!(a.year, Some(2024));
        assert_eq!(a.text, "5,8 mio. kr. (2024-niveau)");
    }

    #[test]
    fn not_amounts() {
        assert!(find_amounts("i 2026 blev 600 flygtninge visiteret, jf. § 8, stk. 3.").is_empty());
        assert!(find_amounts("15 pct. af bygningsmassen").is_empty());
    }
}
