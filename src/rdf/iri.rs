//! IRI segments: slugs for names, percent-encoding for printed identifiers.
//!
//! One place decides how a name becomes part of an IRI, so the same organisation, person or
//! case gets the same IRI from every document and every run.

use std::fmt::Write as _;

/// Slug of a name for an IRI path segment: lower case ASCII words joined by `-`.
///
/// Danish letters are transliterated the way Danish itself does without them
/// (`æ`→`ae`, `ø`→`oe`, `å`→`aa`), so `Børne- og Undervisningsministeriet` and an OCR
/// damaged `Borne-` spelling never share a slug by accident but a correctly restored one
/// always does. Letters with no ASCII form are percent-encoded rather than dropped, so
/// two different names never collapse to one slug just because they are not Latin.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let piece: Option<&str> = match c {
            'æ' | 'ä' => Some("ae"),
            'ø' | 'ö' | 'œ' => Some("oe"),
            'å' => Some("aa"),
            'ü' => Some("ue"),
            'ß' => Some("ss"),
            'é' | 'è' | 'ê' | 'ë' => Some("e"),
            'á' | 'à' | 'â' => Some("a"),
            'í' | 'ì' | 'î' | 'ï' => Some("i"),
            'ó' | 'ò' | 'ô' => Some("o"),
            'ú' | 'ù' | 'û' => Some("u"),
            'ý' | 'ÿ' => Some("y"),
            'ñ' => Some("n"),
            'ç' => Some("c"),
            _ => None,
        };
        let is_word = piece.is_some() || c.is_alphanumeric();
        if !is_word {
            pending_dash = !out.is_empty();
            continue;
        }
        if pending_dash {
            out.push('-');
            pending_dash = false;
        }
        match piece {
            Some(p) => out.push_str(p),
            None if c.is_ascii_alphanumeric() => out.push(c),
            None => percent_encode_char(c, &mut out),
        }
    }
    if out.is_empty() {
        // A name of punctuation only still needs a distinct, stable segment.
        let mut enc = String::from("x-");
        for c in name.chars() {
            percent_encode_char(c, &mut enc);
        }
        if enc.len() == 2 {
            enc.push_str("empty");
        }
        return enc;
    }
    out
}

/// Percent-encodes a printed identifier (`SAG-2025-01937`, `3.2`) keeping its case, so the
/// segment reads like the identifier and stays reversible.
pub fn encode_segment(s: &str) -> String {
    let trimmed = s.trim();
    let mut out = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
            out.push(c);
        } else {
            percent_encode_char(c, &mut out);
        }
    }
    if out.is_empty() || out == "." || out == ".." {
        // Empty and dot segments would be removed by IRI normalisation.
        return format!("x{out}");
    }
    out
}

fn percent_encode_char(c: char, out: &mut String) {
    let mut buf = [0_u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        let _ = write!(out, "%{b:02X}");
    }
}

/// The file-name stem of a path (`corpus/a b.txt` → `a-b`): the stable identity of a source
/// document, so a corrected file with the same name replaces its predecessor's graph.
pub fn document_stem(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    };
    slug(stem)
}

/// True for a valid ISO 8601 calendar date `YYYY-MM-DD` (what `xsd:date` accepts without a
/// time zone), so a malformed date never becomes an ill-typed literal or an IRI segment.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter()
            .fold(0_u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// True for `HH:MM` or `HH:MM:SS` on a 24-hour clock.
pub fn is_clock_time(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return false;
    }
    let limits = [23, 59, 59];
    parts.iter().zip(limits).all(|(p, max)| {
        p.len() == 2
            && p.bytes().all(|d| d.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|v| v <= max)
    })
}

/// Lexical `xsd:decimal` of an amount: money has at most two decimals, and printing the
/// float's shortest form would leak binary noise (`900000.0000000001`) into the graph.
pub fn decimal_lexical(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    let mut s = format!("{v:.2}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_transliterate_danish_letters() {
        assert_eq!(slug("KKR Midtjylland"), "kkr-midtjylland");
        assert_eq!(
            slug("Regionsrådet i Region Midtjylland"),
            "regionsraadet-i-region-midtjylland"
        );
        assert_eq!(
            slug("Børne- og Undervisningsministeriet"),
            "boerne-og-undervisningsministeriet"
        );
        assert_eq!(slug("Ærø Kommune"), "aeroe-kommune");
        assert_eq!(slug("  KD-Net "), "kd-net");
        assert_eq!(slug("---"), "x-%2D%2D%2D");
        assert_eq!(slug(""), "x-empty");
        assert_eq!(slug("Ελλάδα"), slug("Ελλάδα"));
        assert_ne!(slug("Ελλάδα"), slug("Κύπρος"));
    }

    #[test]
    fn segments_keep_printed_identifiers() {
        assert_eq!(encode_segment("SAG-2025-01937"), "SAG-2025-01937");
        assert_eq!(encode_segment("3.2"), "3.2");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(encode_segment(""), "x");
        assert_eq!(encode_segment(".."), "x..");
    }

    #[test]
    fn document_stems_ignore_folder_and_extension() {
        assert_eq!(
            document_stem("corpus/Referat 18. juni.txt"),
            "referat-18-juni"
        );
        assert_eq!(document_stem("C:\\x\\a.pdf"), "a");
        assert_eq!(document_stem(".hidden"), "hidden");
    }

    #[test]
    fn dates_times_and_decimals() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2025-02-29"));
        assert!(!is_iso_date("2025-6-18"));
        assert!(is_clock_time("10:00"));
        assert!(!is_clock_time("25:00"));
        assert_eq!(
            decimal_lexical(0.9 * 1_000_000.0).as_deref(),
            Some("900000")
        );
        assert_eq!(decimal_lexical(2.5).as_deref(), Some("2.5"));
        assert_eq!(decimal_lexical(22.3e9).as_deref(), Some("22300000000"));
        assert_eq!(decimal_lexical(f64::NAN), None);
    }
}
