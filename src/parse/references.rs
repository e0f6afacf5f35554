//! References from items to other meetings: the minutes an item approves, the next
//! meeting's points, an item carried to a later meeting, a meeting referred back to.
//!
//! A date counts as a meeting reference only when a meeting word stands shortly before it;
//! what kind of reference it is comes from the item's role and phrase tables in
//! `data/parse/`.

use super::dates::{self, FoundDate};
use super::structure::join_text;
use crate::model::{AgendaItem, Reference, Span};
use once_cell::sync::Lazy;

fn pairs(data: &str) -> Vec<(String, String)> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (a, b) = l.split_once('\t')?;
            Some((a.trim().to_string(), b.trim().to_lowercase()))
        })
        .collect()
}

static KINDS: Lazy<Vec<(String, String)>> =
    Lazy::new(|| pairs(include_str!("../../data/parse/reference-kinds.tsv")));
static ROLES: Lazy<Vec<(String, String)>> =
    Lazy::new(|| pairs(include_str!("../../data/parse/item-roles.tsv")));
static MEETING_WORDS: Lazy<Vec<String>> = Lazy::new(|| {
    include_str!("../../data/parse/meeting-words.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
        .collect()
});

/// The role an item's title gives it (`approves-minutes-of`, `next-meeting`), if any.
pub fn item_role(title: &str) -> Option<&'static str> {
    let t = title.to_lowercase();
    ROLES
        .iter()
        .find(|(_, p)| t.contains(p.as_str()))
        .map(|(r, _)| match r.as_str() {
            "approves-minutes-of" => "approves-minutes-of",
            _ => "next-meeting",
        })
}

/// Find the references of one item. `item_text` is the clean text of the item (title
/// first); `offset` its char offset in the clean text; `to_source` maps clean offsets to
/// source offsets.
pub fn item_references(
    item: &AgendaItem,
    item_text: &str,
    offset: usize,
    body: Option<&str>,
    meeting_date: Option<&str>,
    to_source: &dyn Fn(usize) -> usize,
) -> Vec<Reference> {
    let year = meeting_date
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok());
    let role = item_role(&item.title);
    let body_lower = body.map(str::to_lowercase);
    let mut out: Vec<Reference> = Vec::new();
    let mut next_seen = false;
    // Search per paragraph with line breaks folded, so "den 8.\napril" is one date.
    let flat: String = join_text(item_text);
    // Maps positions in `flat` back to `item_text`, walking the two in step as far as asked.
    let mut aligned = Align::new(&flat, item_text);
    let found: Vec<FoundDate> = dates::find_dates(&flat, year);
    for d in found {
        if Some(d.iso.as_str()) == meeting_date {
            continue;
        }
        let before = &flat[..d.start];
        let window_start = before
            .char_indices()
            .rev()
            .take(140)
            .last()
            .map(|(i, _)| i)
            .unwrap_or(0);
        let mut window = super::lowercase(&before[window_start..]);
        if let Some(p) = window.rfind(['\n']) {
            window = window[p + 1..].to_string();
        }
        let near = {
            let n = window
                .char_indices()
                .rev()
                .take(70)
                .last()
                .map(|(i, _)| i)
                .unwrap_or(0);
            &window[n..]
        };
        // A word of the table begins a token, or a token is a kind of "møde" (the table
        // being empty turns the whole test off).
        let is_meeting = !MEETING_WORDS.is_empty()
            && near
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .any(|tok| {
                    tok.ends_with("møde")
                        || tok.ends_with("mødet")
                        || MEETING_WORDS.iter().any(|w| tok.starts_with(w.as_str()))
                });
        let in_title = d.start < item.title.len() && flat.starts_with(&item.title);
        let kind: Option<&str> = if role == Some("approves-minutes-of")
            && (in_title || out.iter().all(|r| r.kind != "approves-minutes-of"))
            && (in_title || is_meeting)
        {
            Some("approves-minutes-of")
        } else if !is_meeting {
            None
        } else if let Some((k, _)) = KINDS.iter().find(|(_, p)| window.contains(p.as_str())) {
            Some(match k.as_str() {
                "carried-to" => "carried-to",
                "refers-to" => "refers-to",
                _ => "later-meeting",
            })
        } else {
            let same_body = body_lower.as_deref().is_some_and(|b| window.contains(b));
            match (role, same_body || role == Some("next-meeting")) {
                (Some("next-meeting"), _) if !next_seen => {
                    next_seen = true;
                    Some("next-meeting")
                }
                (_, true) => Some(match meeting_date {
                    Some(md) if d.iso.as_str() < md => "refers-to",
                    _ => "later-meeting",
                }),
                _ => Some("other-meeting"),
            }
        };
        let Some(kind) = kind else { continue };
        if out
            .iter()
            .any(|r| r.kind == kind && r.date.as_deref() == Some(&d.iso))
        {
            continue;
        }
        let s = aligned.map(d.start);
        let e = aligned.map(d.end);
        let start_char = offset + item_text[..s].chars().count();
        let end_char = offset + item_text[..e].chars().count();
        out.push(Reference {
            item: Some(item.number.clone()).filter(|n| !n.is_empty()),
            kind: kind.to_string(),
            date: Some(d.iso.clone()),
            url: None,
            text: flat[d.start..d.end].to_string(),
            span: Span {
                start: to_source(start_char),
                end: to_source(end_char),
            },
        });
    }
    // The approval item's URL is the approved minutes.
    if let Some(url) = item.urls.first() {
        if let Some(r) = out.iter_mut().find(|r| r.kind == "approves-minutes-of") {
            r.url = Some(url.clone());
        }
    }
    out
}

/// Maps byte offsets in `flat` (`join_text(orig)`: folding changes only white space, so
/// the n-th char that is not white space in the one is the n-th in the other) to byte
/// offsets in `orig`: such a char maps to the same char in `orig`, any other offset to just
/// past the char before it (0 if there is none). It walks the two texts in step only as
/// far as the offsets asked for, which come in increasing order (an earlier one walks
/// again from the start): a reference is mostly near an item's start, and mapping the
/// whole item for it was a tenth of the references' time.
struct Align<'a> {
    flat: &'a str,
    orig: &'a str,
    /// Where the walk stands in `flat`.
    fp: usize,
    /// Where it stands in `orig`: just past the last char that is not white space among
    /// those walked (0 if none).
    op: usize,
}

impl<'a> Align<'a> {
    fn new(flat: &'a str, orig: &'a str) -> Self {
        Align {
            flat,
            orig,
            fp: 0,
            op: 0,
        }
    }

    /// The offset in `orig` for offset `f` in `flat`.
    fn map(&mut self, f: usize) -> usize {
        let f = f.min(self.flat.len());
        if f < self.fp {
            (self.fp, self.op) = (0, 0);
        }
        while self.fp < f {
            let (c, n) = char_at(self.flat, self.fp);
            self.fp += n;
            if !c.is_whitespace() {
                let o = next_solid(self.orig, self.op);
                self.op = o + char_at(self.orig, o).1;
            }
        }
        match self.flat[f..].chars().next() {
            Some(c) if !c.is_whitespace() => next_solid(self.orig, self.op),
            _ => self.op,
        }
    }
}

/// The char at byte `i` of `s` and its length (`(' ', 0)` at the end).
fn char_at(s: &str, i: usize) -> (char, usize) {
    match s.as_bytes().get(i) {
        Some(&b) if b < 0x80 => (b as char, 1),
        Some(_) => s[i..]
            .chars()
            .next()
            .map_or((' ', 0), |c| (c, c.len_utf8())),
        None => (' ', 0),
    }
}

/// The offset of the first char at or after `i` in `s` that is not white space (`s.len()`
/// if none is).
fn next_solid(s: &str, mut i: usize) -> usize {
    loop {
        let (c, n) = char_at(s, i);
        if n == 0 || !c.is_whitespace() {
            return i;
        }
        i += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map as it was first written: a pair per char that is not white space.
    fn align_by_pairs<'a>(flat: &'a str, orig: &'a str) -> impl Fn(usize) -> usize + 'a {
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut oi = orig.char_indices().peekable();
        for (fi, fc) in flat.char_indices() {
            if fc.is_whitespace() {
                continue;
            }
            while let Some(&(o, oc)) = oi.peek() {
                oi.next();
                if oc == fc {
                    pairs.push((fi, o));
                    break;
                }
            }
        }
        move |f: usize| -> usize {
            match pairs.binary_search_by_key(&f, |p| p.0) {
                Ok(k) => pairs[k].1,
                Err(0) => 0,
                Err(k) => {
                    let (pf, po) = pairs[k - 1];
                    let c = orig[po..].chars().next().map(char::len_utf8).unwrap_or(0);
                    if f > pf {
                        (po + c).min(orig.len())
                    } else {
                        po
                    }
                }
            }
        }
    }

    /// The texts of the tests below: folding of every kind of white space.
    const TEXTS: [&str; 5] = [
        "",
        "  \n ",
        "Mødet den 8.\napril 2025  blev   holdt.\n\n\n- at KKR\n  godkender\u{a0}planen ",
        "  Indledning\n\nÆndring af  dagsorden\n- punkt 1\n-  punkt 2\n\n  \nslut",
        "ét\u{2003}ord og\tet andet\r\nog æøå\n \n ÅØÆ.",
    ];

    /// Every char boundary of `flat` against the map by pairs, in increasing order (the
    /// walk goes on) and then in decreasing order (each offset walks again from the start).
    fn agrees_with_pairs(orig: &str) -> Result<(), String> {
        let flat = join_text(orig);
        let old = align_by_pairs(&flat, orig);
        let mut new = Align::new(&flat, orig);
        let offsets: Vec<usize> = (0..=flat.len() + 1)
            .filter(|&f| f > flat.len() || flat.is_char_boundary(f))
            .collect();
        for &f in offsets.iter().chain(offsets.iter().rev()) {
            let (n, o) = (new.map(f), old(f));
            if n != o {
                return Err(format!("offset {f} of {flat:?} from {orig:?}: {n} != {o}"));
            }
        }
        Ok(())
    }

    #[test]
    fn walk_maps_every_offset_as_pairs_did() {
        for orig in TEXTS {
            assert_eq!(agrees_with_pairs(orig), Ok(()));
        }
    }

    #[test]
    fn walk_differs_from_a_shifted_map() {
        // The check above can fail: a map one char off is caught.
        let orig = TEXTS[2];
        let flat = join_text(orig);
        let mut new = Align::new(&flat, orig);
        let f = flat.find("april").unwrap_or(0);
        assert_eq!(&orig[new.map(f)..new.map(f) + 5], "april");
        assert_ne!(new.map(f), align_by_pairs(&flat, orig)(f + 1));
    }

    proptest::proptest! {
        #[test]
        fn walk_maps_random_texts_as_pairs_did(
            orig in "[a-cæ.\\- \t\n\r\u{a0}\u{2003}\u{3000}\u{85}\u{1c}]{0,40}"
        ) {
            proptest::prop_assert_eq!(agrees_with_pairs(&orig), Ok(()));
        }
    }
}
