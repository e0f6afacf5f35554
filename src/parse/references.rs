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
    // Map positions in `flat` back to `item_text` by walking non-space chars in step (built
    // when the first reference needs it: most items have none).
    let aligned = std::cell::OnceCell::new();
    let flat_to_item = |f: usize| aligned.get_or_init(|| align(&flat, item_text))(f);
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
        let s = flat_to_item(d.start);
        let e = flat_to_item(d.end);
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

/// A function mapping byte offsets in `flat` (whitespace-folded) to byte offsets in `orig`:
/// a char that is not white space maps to the same char in `orig` (the n-th such char of
/// the one is the n-th of the other: folding changes only white space), any other offset to
/// just past the char before it. The map is kept as runs of chars at the same distance in
/// the two texts (a new run where folding took white space out), not as a pair per char.
fn align<'a>(flat: &'a str, orig: &'a str) -> impl Fn(usize) -> usize + 'a {
    // (offset in `flat` of a run's first char, offset of that char in `orig`)
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut oi = orig.char_indices();
    for (fi, fc) in flat.char_indices() {
        if fc.is_whitespace() {
            continue;
        }
        if let Some((o, _)) = oi.by_ref().find(|&(_, oc)| oc == fc) {
            if runs.last().is_none_or(|&(rf, ro)| o - ro != fi - rf) {
                runs.push((fi, o));
            }
        }
    }
    // The offset in `orig` of the non-white char at `f` in `flat`.
    let at = move |runs: &[(usize, usize)], f: usize| -> Option<usize> {
        let k = runs.partition_point(|&(rf, _)| rf <= f);
        let (rf, ro) = *runs.get(k.checked_sub(1)?)?;
        Some(ro + (f - rf))
    };
    move |f: usize| -> usize {
        if flat[f.min(flat.len())..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace())
        {
            return at(&runs, f).unwrap_or(0);
        }
        // Just past the last non-white char before `f` (0 if there is none).
        let Some((p, c)) = flat[..f.min(flat.len())]
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_whitespace())
        else {
            return 0;
        };
        at(&runs, p).map_or(0, |o| (o + c.len_utf8()).min(orig.len()))
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

    #[test]
    fn runs_map_every_offset_as_pairs_did() {
        for orig in [
            "",
            "  \n ",
            "Mødet den 8.\napril 2025  blev   holdt.\n\n\n- at KKR\n  godkender\u{a0}planen ",
            "  Indledning\n\nÆndring af  dagsorden\n- punkt 1\n-  punkt 2\n\n  \nslut",
            "ét\u{2003}ord og\tet andet\r\nog æøå\n \n ÅØÆ.",
        ] {
            let flat = join_text(orig);
            let (new, old) = (align(&flat, orig), align_by_pairs(&flat, orig));
            for f in (0..=flat.len()).filter(|&f| flat.is_char_boundary(f)) {
                assert_eq!(new(f), old(f), "offset {f} of {flat:?} from {orig:?}");
            }
        }
    }
}
