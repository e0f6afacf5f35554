//! Who's who: organisations (gazetteer + name patterns), people (from the text's own
//! patterns, never from a list of names), requests, reported decisions and organisational
//! relations.
//!
//! The gazetteer (`data/organisations.tsv`) holds what is known in advance; the trigger
//! words (roles, verbs, relation phrases) are data in `data/parse/`. Patterns here are about
//! Danish sentence shapes, not about any particular document.

use super::dates;
use super::gated::Gated;
use super::name_runs::name_runs;
use crate::model::{Organisation, Person, Relation, ReportedDecision, Request, Role, Span};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use once_cell::sync::Lazy;
use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

fn never() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("empty class regex compiles"))
}

fn re(p: &str) -> Regex {
    Regex::new(p).unwrap_or_else(|_| never())
}

fn words(data: &str) -> Vec<String> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// One organisation known in advance.
#[derive(Debug, Clone)]
pub struct OrgEntry {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub aliases: Vec<String>,
    pub part_of: Option<String>,
    pub codes: Vec<String>,
}

/// The organisation gazetteer with a fast multi-pattern matcher over all surface forms.
pub struct Gazetteer {
    pub entries: Vec<OrgEntry>,
    surfaces: Vec<(String, usize)>,
    matcher: Option<AhoCorasick>,
    /// Whether a surface form starts with this byte: a mention is searched only at a word
    /// start whose first byte is one (a lead byte or ASCII, so always a char boundary).
    first_bytes: [bool; 256],
    /// Whether a surface form starts with these two bytes (bit `first << 8 | second`; every
    /// bit of `first` for a one-byte form). Most positions `first_bytes` lets through (a
    /// `d`, a `k`, the lead byte of every æ, ø and å) begin no form: this tells them apart
    /// before the word-start test and the anchored search.
    first_pairs: Vec<u64>,
    /// Lower-cased name or alias → first entry with it (`lookup` runs for every candidate
    /// name in every document; a scan of all entries was a tenth of the parse time).
    by_name: FxHashMap<String, usize>,
    /// Lower-cased bare place name → first municipality with it as an alias or as its name
    /// before " kommune" (`municipality` runs for every participant of every cover).
    by_place: FxHashMap<String, usize>,
}

impl Gazetteer {
    /// Parse the TSV (`key name kind aliases part_of codes notes`).
    pub fn from_tsv(data: &str) -> Gazetteer {
        let mut entries = Vec::new();
        for line in data.lines() {
            if line.starts_with('#') || line.trim().is_empty() || line.starts_with("key\t") {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 3 {
                continue;
            }
            let list = |i: usize| -> Vec<String> {
                f.get(i)
                    .map(|s| {
                        s.split('|')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            entries.push(OrgEntry {
                key: f[0].trim().to_string(),
                name: f[1].trim().to_string(),
                kind: f[2].trim().to_string(),
                aliases: list(3),
                part_of: f
                    .get(4)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
                codes: list(5),
            });
        }
        let mut surfaces: Vec<(String, usize)> = Vec::new();
        let mut seen = FxHashSet::default();
        for (i, e) in entries.iter().enumerate() {
            for s in std::iter::once(&e.name).chain(e.aliases.iter()) {
                // A bare municipality name ("Randers") is a place far more often than an
                // authority; it is resolved only in role context (see `municipality`).
                if e.kind == "municipality" && !s.contains(' ') {
                    continue;
                }
                if seen.insert(s.clone()) {
                    surfaces.push((s.clone(), i));
                }
            }
        }
        let mut first_bytes = [false; 256];
        let mut first_pairs = vec![0u64; 1 << 10];
        for (surface, _) in &surfaces {
            let sb = surface.as_bytes();
            if let Some(&b) = sb.first() {
                first_bytes[b as usize] = true;
                let pairs = match sb.get(1) {
                    Some(&n) => (n as usize)..=(n as usize),
                    None => 0..=255,
                };
                for n in pairs {
                    let bit = (b as usize) << 8 | n;
                    first_pairs[bit >> 6] |= 1 << (bit & 63);
                }
            }
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(surfaces.iter().map(|(s, _)| s.as_str()))
            .ok();
        let mut by_name = FxHashMap::default();
        for (i, e) in entries.iter().enumerate() {
            // Names first, then aliases, as the scan it replaces checked an entry's name
            // and aliases together: keep the first entry that has the string either way.
            for s in std::iter::once(&e.name).chain(e.aliases.iter()) {
                by_name.entry(s.to_lowercase()).or_insert(i);
            }
        }
        let mut by_place = FxHashMap::default();
        for (i, e) in entries.iter().enumerate() {
            if e.kind != "municipality" {
                continue;
            }
            for a in &e.aliases {
                by_place.entry(a.to_lowercase()).or_insert(i);
            }
            if let Some(place) = e.name.to_lowercase().strip_suffix(" kommune") {
                by_place.entry(place.to_string()).or_insert(i);
            }
        }
        Gazetteer {
            entries,
            surfaces,
            matcher,
            first_bytes,
            first_pairs,
            by_name,
            by_place,
        }
    }

    /// Mentions in `text` (byte ranges), whole words only: the longest surface form that
    /// starts at a word start, ends at a word end (or before a possessive), and does not
    /// overlap the one before. Searched anchored at each word start that can begin one,
    /// not over every byte (an unanchored search of some 600 forms has no fast skip).
    pub fn mentions(&self, text: &str) -> Vec<Mention<'_>> {
        let Some(m) = &self.matcher else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(off) = bytes[at..]
            .iter()
            .position(|&b| self.first_bytes[b as usize])
        {
            let s = at + off;
            at = s + 1;
            // (No form is empty: one that starts here and ends at the text end is one byte.)
            let bit = (bytes[s] as usize) << 8 | bytes.get(s + 1).map_or(0, |&n| n as usize);
            let may_start = match bytes.get(s + 1) {
                Some(_) => self.first_pairs[bit >> 6] & (1 << (bit & 63)) != 0,
                None => true,
            };
            if !may_start || !mention_edge(text[..s].chars().next_back()) {
                continue;
            }
            let input = Input::new(text).range(s..).anchored(Anchored::Yes);
            let Some(hit) = m.find(input) else {
                continue;
            };
            let e = hit.end();
            // Mentions do not overlap: the next starts past this form, taken or not (a form
            // running on into a word is dropped, as the search over every byte dropped it).
            at = e.max(at);
            if mention_ends_at(text, e) {
                let (surface, idx) = &self.surfaces[hit.pattern().as_usize()];
                out.push(Mention {
                    start: s,
                    end: e,
                    entry: *idx,
                    surface,
                });
            }
        }
        out
    }

    /// Entry by exact name or alias (case-insensitive).
    pub fn lookup(&self, name: &str) -> Option<&OrgEntry> {
        self.by_name
            .get(&name.to_lowercase())
            .and_then(|&i| self.entries.get(i))
    }

    /// `lookup` of a name already lower-cased.
    fn lookup_lower(&self, lower: &str) -> Option<&OrgEntry> {
        self.by_name.get(lower).and_then(|&i| self.entries.get(i))
    }

    /// The municipality whose bare name is `place` ("Randers" → Randers Kommune).
    pub fn municipality(&self, place: &str) -> Option<&OrgEntry> {
        self.by_place
            .get(&place.trim().to_lowercase())
            .and_then(|&i| self.entries.get(i))
    }

    fn by_key(&self, key: &str) -> Option<&OrgEntry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The name to report as the actor: a governing body reports as its organisation
    /// (the regional council's decision is Region Midtjylland's decision).
    pub fn actor_name(&self, e: &OrgEntry) -> String {
        if e.kind == "political-body" {
            if let Some(p) = e.part_of.as_deref().and_then(|k| self.by_key(k)) {
                // Only a council acts for its authority; a KKR acts as itself, not as KL.
                if p.kind == "region" || p.kind == "municipality" {
                    return p.name.clone();
                }
            }
        }
        e.name.clone()
    }
}

/// Whether a char beside a gazetteer form (`None`: the text's edge) leaves it a whole word.
fn mention_edge(c: Option<char>) -> bool {
    c.is_none_or(|c| !c.is_alphanumeric() && c != '-')
}

/// Whether a form ending at byte `e` of `text` ends a word there, allowing a possessive or
/// genitive s after the name ("KL's", "CDEUs").
fn mention_ends_at(text: &str, e: usize) -> bool {
    let after = text[e..].chars().next();
    mention_edge(after)
        || (after == Some('s') && mention_edge(text[e + 1..].chars().next()))
        || (after == Some('’') || after == Some('\''))
}

/// A gazetteer hit. The surface form is the gazetteer's own string (a copy per hit was a
/// share of the entity stage's allocations).
#[derive(Debug, Clone)]
pub struct Mention<'g> {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
    pub surface: &'g str,
}

/// The shipped gazetteer.
pub static GAZETTEER: Lazy<Gazetteer> =
    Lazy::new(|| Gazetteer::from_tsv(include_str!("../../data/organisations.tsv")));

static ROLES: Lazy<Vec<String>> = Lazy::new(|| {
    let mut v = words(include_str!("../../data/parse/roles.txt"));
    v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    v
});
/// The longest role, in chars.
static ROLE_CHARS: Lazy<usize> =
    Lazy::new(|| ROLES.iter().map(|r| r.chars().count()).max().unwrap_or(0));
static PERSON_VERBS: Lazy<FxHashSet<String>> = Lazy::new(|| {
    words(include_str!("../../data/parse/person-verbs.txt"))
        .into_iter()
        .collect()
});
/// All relation phrases at once: one pass over an item's text finds where each occurs.
static RELATION_FINDER: Lazy<super::CaselessPhrases> = Lazy::new(|| {
    let phrases: Vec<&str> = RELATIONS.iter().map(|(_, p)| p.as_str()).collect();
    super::CaselessPhrases::new(&phrases)
});
static NAME_STOP: Lazy<FxHashSet<String>> = Lazy::new(|| {
    words(include_str!("../../data/parse/name-stopwords.txt"))
        .into_iter()
        .collect()
});
static RELATIONS: Lazy<Vec<(String, String)>> = Lazy::new(|| {
    let mut v: Vec<(String, String)> = words(include_str!("../../data/parse/relations.tsv"))
        .into_iter()
        .filter_map(|l| {
            let (a, b) = l.split_once('\t')?;
            Some((a.trim().to_string(), b.trim().to_string()))
        })
        .filter(|(_, p)| !p.is_empty())
        .collect();
    v.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
    v
});

/// Chars of a run of capitalised words (names, organisation names).
fn in_name_run(c: char) -> bool {
    c.is_alphabetic() || c == '-' || c == ' '
}

/// Organisation name shapes beyond the gazetteer, each with the literals its matches hold.
static DISCOVER: Lazy<Vec<Gated>> = Lazy::new(|| {
    type Chars = fn(char) -> bool;
    let words: Chars = |c| c.is_alphabetic() || c == ' ';
    let word: Chars = |c| c.is_alphabetic() || c == '-';
    let letters: Chars = char::is_alphabetic;
    let none: Chars = |_| false;
    // Each shape with the literals its matches hold and the chars a match may hold before
    // and after its literal.
    let shapes: [(&str, &[&str], Chars, Chars); 6] = [
        // Ministries and agencies, also with a suspended first part.
        (
            r"\b(?:\p{Lu}\p{Ll}+-(?:, \p{Lu}\p{Ll}+-)* og )?\p{Lu}\p{Ll}*(?:ministeriet|styrelsen|Styrelsen|styrelse)\b",
            &["ministeriet", "styrelse", "Styrelse"],
            |c| in_name_run(c) || c == ',',
            |c| c == 'n',
        ),
        (
            r"\b\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)? Kommune\b",
            &[" Kommune"],
            word,
            none,
        ),
        (r"\bRegion \p{Lu}\p{Ll}+\b", &["Region "], none, letters),
        (
            r"\b(?:\p{Lu}\p{Ll}+ )+Universitet\b",
            &[" Universitet"],
            words,
            none,
        ),
        (
            r"\b(?:\p{Lu}\p{Ll}+ )+University College\b",
            &[" University College"],
            words,
            none,
        ),
        (
            r"\bErhvervshus \p{Lu}\p{Ll}+\b",
            &["Erhvervshus "],
            none,
            letters,
        ),
    ];
    shapes
        .iter()
        .map(|&(p, literals, before, after)| {
            Gated::new(p, |c| in_name_run(c) || c == ',')
                .with_literals_around(literals, before, after)
        })
        .collect()
});
/// "Long Name (ACRONYM)".
static ACRONYM_DEF: Lazy<Gated> = Lazy::new(|| {
    Gated::new(
        r"\b((?:\p{Lu}[\p{L}-]*\s){1,5}\p{Lu}[\p{L}-]*)\s\((\p{Lu}{2,}[\p{Lu}\d-]*)\)",
        |c| c.is_alphanumeric() || c.is_whitespace() || matches!(c, '-' | '(' | ')'),
    )
    // Every match holds one "(": before it words and white space, after it the acronym.
    .with_literals_around(
        &["("],
        |c| c.is_alphabetic() || c.is_whitespace() || c == '-',
        |c| c.is_uppercase() || c.is_numeric() || c == '-' || c == ')',
    )
});

/// Everything the entity stage finds in one document.
#[derive(Debug, Default)]
pub struct Entities {
    pub organisations: Vec<Organisation>,
    pub persons: Vec<Person>,
    pub requests: Vec<Request>,
    pub reported_decisions: Vec<ReportedDecision>,
    pub relations: Vec<Relation>,
}

/// One unit of text to search: an item's flat text (or the cover), with its item number
/// and a function to turn byte offsets into source spans.
pub struct Unit<'a> {
    pub item: Option<String>,
    pub title: String,
    pub text: &'a str,
    pub span_of: &'a dyn Fn(usize, usize) -> Span,
}

/// Context of the document: its body and year (for dates without one).
pub struct DocContext<'a> {
    pub body: Option<&'a str>,
    pub year: Option<i32>,
}

#[derive(Default)]
struct OrgAcc {
    kind: String,
    aliases: Vec<String>,
    items: Vec<String>,
}

#[derive(Default, Clone)]
struct PersonAcc {
    roles: Vec<Role>,
    aliases: Vec<String>,
    orgs: Vec<String>,
    items: Vec<String>,
    merged_from: Vec<String>,
}

/// Extract entities from the units of a document.
pub fn extract(
    units: &[Unit<'_>],
    ctx: &DocContext<'_>,
    participants: &[crate::model::Participant],
) -> Entities {
    let g = &*GAZETTEER;
    let mut orgs: BTreeMap<String, OrgAcc> = BTreeMap::new();
    let mut people: BTreeMap<String, PersonAcc> = BTreeMap::new();
    let mut out = Entities::default();
    let region = ctx.body.and_then(|b| body_region(g, b));

    let add_org = |orgs: &mut BTreeMap<String, OrgAcc>,
                   name: &str,
                   kind: &str,
                   surface: &str,
                   item: &Option<String>| {
        // Most calls find the organisation already there: a key is made only for a new one.
        if !orgs.contains_key(name) {
            orgs.insert(
                name.to_string(),
                OrgAcc {
                    kind: kind.to_string(),
                    ..OrgAcc::default()
                },
            );
        }
        let Some(acc) = orgs.get_mut(name) else {
            return;
        };
        if surface != name && !acc.aliases.iter().any(|a| a == surface) {
            acc.aliases.push(surface.to_string());
        }
        if let Some(i) = item {
            if !acc.items.contains(i) {
                acc.items.push(i.clone());
            }
        }
    };
    if let Some(b) = ctx.body {
        let kind = g
            .lookup(b)
            .map(|e| e.kind.clone())
            .unwrap_or_else(|| "political-body".into());
        let name = g
            .lookup(b)
            .map(|e| e.name.clone())
            .unwrap_or_else(|| b.to_string());
        add_org(&mut orgs, &name, &kind, &name, &None);
    }

    // Cover participants: "Name, role, Place" under "Fra <group>".
    for p in participants {
        let mut acc = PersonAcc::default();
        if let Some(role) = &p.role {
            let org = p
                .place
                .as_deref()
                .and_then(|pl| g.municipality(pl))
                .map(|e| e.name.clone());
            if let Some(o) = &org {
                add_org(
                    &mut orgs,
                    o,
                    "municipality",
                    p.place.as_deref().unwrap_or(o),
                    &None,
                );
            }
            acc.roles.push(Role {
                role: role.clone(),
                organisation: org.clone(),
                item: None,
            });
            acc.orgs.extend(org);
        }
        if let Some(group) = &p.group {
            let org = g
                .lookup(group)
                .map(|e| e.name.clone())
                .unwrap_or_else(|| group.clone());
            acc.roles.push(Role {
                role: "deltager".into(),
                organisation: Some(org.clone()),
                item: None,
            });
            acc.orgs.push(org);
        }
        merge_person(&mut people, &p.name, acc);
    }

    for u in units {
        let text = u.text;
        let mentions = g.mentions(text);
        for m in &mentions {
            let e = &g.entries[m.entry];
            add_org(&mut orgs, &e.name, &e.kind, m.surface, &u.item);
        }
        // Discovery beyond the gazetteer.
        for r in DISCOVER.iter() {
            for m in r.find_iter(text) {
                let s = m.as_str();
                if mentions
                    .iter()
                    .any(|x| x.start <= m.start() && x.end >= m.end())
                {
                    continue;
                }
                // A genitive ("Region Midtjyllands") is the organisation itself.
                let known = g
                    .lookup(s)
                    .or_else(|| s.strip_suffix('s').and_then(|b| g.lookup(b)));
                match known {
                    Some(e) => add_org(&mut orgs, &e.name, &e.kind, s, &u.item),
                    None => add_org(&mut orgs, s, "discovered", s, &u.item),
                }
            }
        }
        for c in ACRONYM_DEF.captures_iter(text) {
            let (Some(long), Some(short)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let long = long.as_str().trim();
            match g.lookup(long).or_else(|| g.lookup(short.as_str())) {
                Some(e) => {
                    add_org(&mut orgs, &e.name, &e.kind, short.as_str(), &u.item);
                }
                None if long.split_whitespace().count() >= 2 => {
                    add_org(&mut orgs, long, "discovered", short.as_str(), &u.item);
                }
                None => {}
            }
        }

        find_people(text, u, &mentions, &mut people);
        find_requests(text, u, &mentions, ctx, &mut out.requests);
        find_reported(text, u, &mentions, ctx, region, &mut out.reported_decisions);
        find_relations(
            text,
            u,
            &mentions,
            ctx,
            region,
            &people,
            &mut out.relations,
            &mut orgs,
        );
    }

    // Short forms ("Jesper Kaas" of "Jesper Kaas Schmidt") and near spellings in one
    // context ("Steffen Damsgaard" / "Steffen Husted Damgaard", both CDEU) are merged,
    // with the evidence recorded.
    let names: Vec<String> = people.keys().cloned().collect();
    let tokens: Vec<Vec<&str>> = names.iter().map(|n| n.split(' ').collect()).collect();
    let mut merged: FxHashSet<String> = FxHashSet::default();
    for (a, ta) in names.iter().zip(&tokens) {
        for (b, tb) in names.iter().zip(&tokens) {
            if a == b || merged.contains(a) || merged.contains(b) {
                continue;
            }
            // Both a short form and a near spelling share the first name: most pairs end
            // here, before their records are looked at.
            if ta.len() > tb.len() || ta.first() != tb.first() {
                continue;
            }
            let prefix = ta.len() < tb.len() && tb.starts_with(ta);
            let close = ta.len() >= 2 && edit_distance(ta[ta.len() - 1], tb[tb.len() - 1]) <= 1;
            if !prefix && !close {
                continue;
            }
            let (Some(pa), Some(pb)) = (people.get(a), people.get(b)) else {
                continue;
            };
            let shared_org = pa.orgs.iter().find(|o| pb.orgs.contains(o)).cloned();
            let shared_item = pa.items.iter().find(|i| pb.items.contains(i)).cloned();
            let near = close && (shared_org.is_some() || shared_item.is_some());
            // Of two equally long spellings, keep the better attested one (more roles,
            // then the longer, then the first in order) so the choice is deterministic.
            let keep_b = ta.len() < tb.len()
                || (pb.roles.len(), b.len(), std::cmp::Reverse(b))
                    > (pa.roles.len(), a.len(), std::cmp::Reverse(a));
            if (prefix || near) && keep_b {
                let why = if prefix {
                    format!("{a}: short form of {b}")
                } else {
                    let context = match (&shared_org, &shared_item) {
                        (Some(o), _) => format!("both with {o}"),
                        (None, Some(i)) => format!("both in item {i}"),
                        _ => String::new(),
                    };
                    format!("{a}: same first name, surname one edit from {b}'s, {context}")
                };
                let pa = pa.clone();
                if let Some(target) = people.get_mut(b) {
                    target.aliases.push(a.clone());
                    target.aliases.extend(pa.aliases);
                    target.roles.extend(pa.roles);
                    target.merged_from.push(why);
                    for o in pa.orgs {
                        if !target.orgs.contains(&o) {
                            target.orgs.push(o);
                        }
                    }
                }
                merged.insert(a.clone());
            }
        }
    }

    for (name, p) in people {
        if merged.contains(&name) {
            continue;
        }
        let mut roles: Vec<Role> = Vec::new();
        for r in p.roles {
            if !roles.contains(&r) {
                roles.push(r);
            }
        }
        let mut aliases = p.aliases;
        aliases.sort();
        aliases.dedup();
        out.persons.push(Person {
            name,
            aliases,
            roles,
            merged_from: p.merged_from,
        });
    }
    for (name, o) in orgs {
        out.organisations.push(Organisation {
            name,
            aliases: o.aliases,
            kind: o.kind,
            items: o.items,
        });
    }
    out
}

/// The region that goes with a KKR ("KKR Midtjylland" → "Region Midtjylland"), for
/// resolving "regionen" / "regionsrådet".
fn body_region<'g>(g: &'g Gazetteer, body: &str) -> Option<&'g OrgEntry> {
    let last = body.split_whitespace().last()?;
    g.entries
        .iter()
        .find(|e| e.kind == "region" && e.name.ends_with(last))
}

fn merge_person(people: &mut BTreeMap<String, PersonAcc>, name: &str, acc: PersonAcc) {
    let p = people.entry(name.to_string()).or_default();
    p.roles.extend(acc.roles);
    for i in acc.items {
        if !p.items.contains(&i) {
            p.items.push(i);
        }
    }
    for o in acc.orgs {
        if !p.orgs.contains(&o) {
            p.orgs.push(o);
        }
    }
}

/// Whether capitalised words make a person's name, from their lower-cased forms (computed
/// once per candidate: this runs for every run of capitalised words in every item).
fn valid_name(g: &Gazetteer, lower: &[&str]) -> bool {
    if lower.len() < 2 || lower.len() > 4 {
        return false;
    }
    if lower.iter().any(|t| NAME_STOP.contains(*t)) {
        return false;
    }
    if g.lookup_lower(&lower.join(" ")).is_some()
        || lower.iter().any(|t| g.lookup_lower(t).is_some())
    {
        return false;
    }
    // Names are not common words: a title-cased run of Danish words ends in -ende, -else,
    // -ning etc. far more often than a surname does.
    !lower.iter().any(|l| {
        ["ningen", "heden", "ering", "ministeriet", "styrelsen"]
            .iter()
            .any(|s| l.ends_with(s))
    })
}

/// How far `sentence_bounds` looks each way for a sentence end. A run of text without one
/// (a list, a table flattened into a line) is not a sentence, and without this bound every
/// name in a long run would walk the whole run: quadratic time on such input.
const SENTENCE_REACH: usize = 2000;

fn sentence_bounds(text: &str, at: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    // Only a '.' or a line end can end a sentence: the candidates are found by `memchr`
    // (this runs for every name, request and relation; walking byte by byte was 2 % of the
    // parse).
    let is_end = |i: usize| -> bool {
        // A line end always; ". " only before an upper-case letter, not after an
        // abbreviation or a number.
        if bytes[i] == b'\n' {
            return true;
        }
        let next = text[i + 1..].trim_start().chars().next();
        if !next.is_some_and(|c| c.is_uppercase()) {
            return false;
        }
        // The word before the '.'.
        let word = &text[text[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(j, c)| j + c.len_utf8())..i];
        let abbrev = [
            "kr", "mio", "mia", "bl.a", "jf", "pr", "ca", "fx", "mv", "d", "nr", "stk", "fmd",
            "dvs", "evt", "ift", "vedr",
        ];
        // An ASCII word is compared without lower-casing a copy (a non-ASCII one may lower
        // to ASCII, as the Kelvin sign does, so it takes the full lower case).
        let is_abbrev = if word.is_ascii() {
            abbrev.iter().any(|a| a.eq_ignore_ascii_case(word))
        } else {
            abbrev.contains(&word.to_lowercase().as_str())
        };
        !(is_abbrev || word.chars().all(|c| c.is_ascii_digit()))
    };
    let at = at.min(text.len());
    // The start: just past the last end in `floor..at`, else the floor.
    let floor = at.saturating_sub(SENTENCE_REACH);
    let mut s = memchr::memrchr2_iter(b'.', b'\n', &bytes[floor..at])
        .map(|i| floor + i)
        .find(|&i| is_end(i))
        .map_or(floor, |i| i + 1);
    // The end: just past the first end in `at..ceil`, else the ceiling.
    let ceil = at.saturating_add(SENTENCE_REACH).min(text.len());
    let mut e = memchr::memchr2_iter(b'.', b'\n', &bytes[at..ceil])
        .map(|i| at + i)
        .find(|&i| is_end(i))
        .map_or(ceil, |i| i + 1);
    while !text.is_char_boundary(s) {
        s += 1;
    }
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    (s, e.min(text.len()))
}

fn find_people(
    text: &str,
    u: &Unit<'_>,
    mentions: &[Mention<'_>],
    people: &mut BTreeMap<String, PersonAcc>,
) {
    let g = &*GAZETTEER;
    // Two to four capitalised words.
    for (m_start, m_end) in name_runs(text) {
        let m_str = &text[m_start..m_end];
        let toks: Vec<&str> = m_str.split(' ').collect();
        // The words lower-cased at once (lower case makes no spaces, so the words match up).
        let lower_all = super::lowercase(m_str);
        let lower: Vec<&str> = lower_all.split(' ').collect();
        let (mut a, mut b) = (0, toks.len());
        // Trim trailing stop words ("Jesper Kaas Schmidt Og" cannot occur, but "Per Okkels
        // Region" might).
        while b - a > 1 && NAME_STOP.contains(lower[b - 1]) {
            b -= 1;
        }
        // Leading stop words: "Fra Steffen …" is not a name start; but a determiner
        // ("Den Kommende Periode") means a noun phrase, not a name.
        if b - a > 1 && ["den", "det", "de", "en", "et", "denne", "dette"].contains(&lower[a]) {
            continue;
        }
        while b - a > 1 && NAME_STOP.contains(lower[a]) {
            a += 1;
        }
        if !valid_name(g, &lower[a..b]) {
            continue;
        }
        let name = toks[a..b].join(" ");
        let start = m_start + m_str.find(&name).unwrap_or(0);
        let end = start + name.len();
        let before = text[..start].trim_end();
        let after = text[end..].trim_start();
        let before_word = before
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_lowercase();
        let after_word = after
            .split(|c: char| c.is_whitespace() || c == ',')
            .next()
            .unwrap_or("")
            .to_lowercase();
        let (sent_s, _) = sentence_bounds(text, start);
        let sentence_org = {
            // "Fra CDEU deltager næstformand …": the org the sentence introduces.
            let sent = &text[sent_s..start];
            if sent.trim_start().starts_with("Fra ") {
                mentions
                    .iter()
                    .find(|x| x.start >= sent_s && x.end <= start)
                    .map(|x| g.entries[x.entry].name.clone())
            } else {
                None
            }
        };
        let mut acc = PersonAcc::default();
        let mut found = false;
        // "Name, role …"
        if let Some(rest) = after.strip_prefix(',') {
            let rest = rest.trim_start();
            let lower = super::lower_head(rest, *ROLE_CHARS);
            if let Some(role) = ROLES.iter().find(|r| lower.starts_with(r.as_str())) {
                // The role phrase runs to the next comma or sentence end.
                let phrase_end = rest
                    .find([',', ';'])
                    .unwrap_or(rest.len())
                    .min(sentence_bounds(rest, 0).1);
                let mut phrase = rest[..phrase_end].trim().trim_end_matches('.').to_string();
                // Cut at the end of an organisation named right in the phrase.
                let phrase_off = text.len() - rest.len();
                if let Some(x) = mentions
                    .iter()
                    .find(|x| x.start >= phrase_off && x.start < phrase_off + phrase.len())
                {
                    phrase = text[phrase_off..x.end].to_string();
                    acc.orgs.push(g.entries[x.entry].name.clone());
                }
                acc.roles.push(Role {
                    role: phrase.split_whitespace().collect::<Vec<_>>().join(" "),
                    organisation: acc.orgs.first().cloned(),
                    item: u.item.clone(),
                });
                let _ = role;
                found = true;
            }
        }
        // "role Name" ("næstformand Steffen Damsgaard")
        if let Some(role) = ROLES.iter().find(|r| before_word == **r) {
            acc.roles.push(Role {
                role: role.clone(),
                organisation: sentence_org.clone(),
                item: u.item.clone(),
            });
            acc.orgs.extend(sentence_org.clone());
            found = true;
        }
        // "Name gav en status", "vil Name give …"
        if PERSON_VERBS.contains(&after_word)
            || (["vil", "har", "gav", "hvor"].contains(&before_word.as_str())
                && after_word.chars().all(|c| c.is_lowercase()))
        {
            found = true;
            if let Some(o) = &sentence_org {
                acc.orgs.push(o.clone());
            }
        }
        if found {
            acc.items.extend(u.item.clone());
            merge_person(people, &name, acc);
        }
    }
}

fn org_after<'m, 'g>(
    mentions: &'m [Mention<'g>],
    from: usize,
    within: usize,
) -> Option<&'m Mention<'g>> {
    mentions
        .iter()
        .find(|m| m.start >= from && m.start <= from + within)
}

fn org_before<'m, 'g>(
    mentions: &'m [Mention<'g>],
    to: usize,
    not_before: usize,
) -> Option<&'m Mention<'g>> {
    mentions
        .iter()
        .rfind(|m| m.end <= to && m.start >= not_before)
}

fn find_requests(
    text: &str,
    u: &Unit<'_>,
    mentions: &[Mention<'_>],
    ctx: &DocContext<'_>,
    out: &mut Vec<Request>,
) {
    let g = &*GAZETTEER;
    static ASK: Lazy<Gated> = Lazy::new(|| {
        Gated::new(r"\banmod(?:er|ede|e|es)\b", char::is_alphabetic).with_literals(&["anmod"])
    });
    for m in ASK.find_iter(text) {
        let Some(to) = org_after(mentions, m.end(), 3) else {
            continue;
        };
        let (sent_s, sent_e) = sentence_bounds(text, m.start());
        let from = org_before(mentions, m.start(), sent_s)
            .map(|x| g.entries[x.entry].name.clone())
            .or_else(|| ctx.body.map(str::to_string));
        let Some(from) = from else { continue };
        let rest = &text[to.end..];
        let about_start = rest.find(" om ").map(|p| p + 4).unwrap_or(0);
        let mut about_end = (sent_e.saturating_sub(to.end)).min(rest.len());
        while !rest.is_char_boundary(about_end) {
            about_end -= 1;
        }
        let about = rest[about_start.min(about_end)..about_end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let about = about
            .trim_start_matches("at ")
            .trim_end_matches('.')
            .to_string();
        out.push(Request {
            item: u.item.clone(),
            from,
            to: g.entries[to.entry].name.clone(),
            about,
            span: (u.span_of)(m.start(), sent_e),
        });
    }
}

fn find_reported(
    text: &str,
    u: &Unit<'_>,
    mentions: &[Mention<'_>],
    ctx: &DocContext<'_>,
    region: Option<&OrgEntry>,
    out: &mut Vec<ReportedDecision>,
) {
    let g = &*GAZETTEER;
    // A match may run over line ends: every char may be inside one.
    static DECIDED: Lazy<Gated> = Lazy::new(|| {
        Gated::anywhere(r"\bhar\b[^\n]{0,80}?\bbesluttet\b,?\s*(?:at\s+)?")
            .with_literals(&["besluttet"])
    });
    for m in DECIDED.find_iter(text) {
        let (sent_s, sent_e) = sentence_bounds(text, m.start());
        // The actor: an organisation right before "har", or between "har" and "besluttet".
        let actor = mentions
            .iter()
            .rfind(|x| {
                x.start >= sent_s
                    && x.end <= m.end()
                    && !text[..x.start].trim_end().ends_with("ikke")
            })
            .map(|x| &g.entries[x.entry])
            .or_else(|| {
                let s = text[sent_s..m.start()].to_lowercase();
                if s.contains("regionsrådet") || s.contains("regionen") {
                    region
                } else {
                    None
                }
            });
        let Some(actor) = actor else { continue };
        let by = g.actor_name(actor);
        if Some(by.as_str()) == ctx.body {
            continue;
        }
        let what_end = sent_e.min(text.len());
        // A sentence may end inside the match (a date's "1." at a line end): nothing follows.
        let what = text
            .get(m.end()..what_end)
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_end_matches('.')
            .to_string();
        let date = dates::find_dates(&text[m.start()..m.end()], ctx.year)
            .into_iter()
            .next()
            .map(|d| d.iso);
        out.push(ReportedDecision {
            item: u.item.clone(),
            by,
            what,
            date,
            span: (u.span_of)(sent_s, sent_e),
        });
    }
}

#[allow(clippy::too_many_arguments)]
fn find_relations(
    text: &str,
    u: &Unit<'_>,
    mentions: &[Mention<'_>],
    ctx: &DocContext<'_>,
    region: Option<&OrgEntry>,
    people: &BTreeMap<String, PersonAcc>,
    out: &mut Vec<Relation>,
    orgs: &mut BTreeMap<String, OrgAcc>,
) {
    let g = &*GAZETTEER;
    static CAP_NAME: Lazy<Regex> = Lazy::new(|| {
        re(r"^\s*(?:et |en |det |den )?(\p{Lu}[\p{L}-]+(?: (?:i|for) \p{Lu}\p{L}+| \p{Lu}\p{L}+)*)")
    });
    // The organisation an item is mostly about (for "ejerkredsen", "samarbejdet").
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for m in mentions {
        if Some(g.entries[m.entry].name.as_str()) != ctx.body {
            *counts.entry(m.entry).or_default() += 1;
        }
    }
    let title_org = g.mentions(&u.title).first().map(|m| m.entry);
    let topic = title_org.or_else(|| counts.iter().max_by_key(|(_, n)| **n).map(|(e, _)| *e));

    let resolve_subject = |sent_s: usize, at: usize| -> Option<String> {
        if let Some(x) = org_before(mentions, at, sent_s) {
            return Some(g.actor_name(&g.entries[x.entry]));
        }
        // Lowered in place: offsets in `text` are offsets in it.
        let before = super::lowercase_aligned(&text[sent_s..at]);
        if before.contains("regionen") || before.contains("regionsrådet") {
            return region.map(|r| r.name.clone());
        }
        // A person named in the sentence.
        people
            .keys()
            .find(|p| text[sent_s..at].contains(p.as_str()))
            .cloned()
    };

    // Where each phrase occurs, from one pass over the text for all of them.
    let found = RELATION_FINDER.occurrences(text);
    for (k, (relation, phrase)) in RELATIONS.iter().enumerate() {
        for &at in found.get(k).into_iter().flatten() {
            // (Case does not change whether a char is alphanumeric.)
            if at > 0
                && text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric())
            {
                continue;
            }
            let (sent_s, sent_e) = sentence_bounds(text, at);
            let after = at + phrase.len();
            let sentence_dates: Vec<String> = dates::find_dates(&text[sent_s..sent_e], ctx.year)
                .into_iter()
                .map(|d| d.iso)
                .collect();
            let obj_mention = org_after(mentions, after, 4);
            let cap_object = || -> Option<String> {
                CAP_NAME
                    .captures(&text[after..sent_e.max(after)])
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str().trim().to_string())
            };
            let mut rels: Vec<(String, String, Option<String>, Option<String>)> = Vec::new();
            match relation.as_str() {
                "abolished" => {
                    let Some(obj) = cap_object() else { continue };
                    let until = static_year_end(&text[after..sent_e]);
                    rels.push((obj.clone(), obj, None, until));
                }
                "establishes" => {
                    let Some(obj) = obj_mention
                        .map(|m| g.entries[m.entry].name.clone())
                        .or_else(cap_object)
                    else {
                        continue;
                    };
                    let Some(subj) = resolve_subject(sent_s, at) else {
                        continue;
                    };
                    rels.push((subj, obj, sentence_dates.first().cloned(), None));
                }
                "chair-of" | "deputy-chair-of" => {
                    let Some(obj) = obj_mention.map(|m| g.entries[m.entry].name.clone()) else {
                        continue;
                    };
                    let Some(subj) = people
                        .keys()
                        .rfind(|p| text[sent_s..at].contains(p.as_str()))
                        .cloned()
                    else {
                        continue;
                    };
                    rels.push((subj, obj, None, None));
                }
                "member-of" if phrase.contains("ejerkredsen") => {
                    let Some(t) = topic else { continue };
                    let obj = g.entries[t].name.clone();
                    for m in mentions
                        .iter()
                        .filter(|m| m.start >= after && m.end <= sent_e)
                    {
                        let s = g.actor_name(&g.entries[m.entry]);
                        if s != obj {
                            rels.push((s, obj.clone(), None, None));
                        }
                    }
                }
                "member-of" => {
                    let Some(obj) = obj_mention.map(|m| g.entries[m.entry].name.clone()) else {
                        continue;
                    };
                    let Some(subj) = resolve_subject(sent_s, at) else {
                        continue;
                    };
                    if subj != obj {
                        rels.push((subj, obj, None, None));
                    }
                }
                _ => {
                    // steering-group-of, withdraws-from and the like: subject before, object after
                    // (or the organisation the paragraph is about).
                    let Some(subj) = resolve_subject(sent_s, at) else {
                        continue;
                    };
                    // A withdrawal from "samarbejdet" is from the organisation the paragraph
                    // just named; other relations need their object in the sentence.
                    let obj = obj_mention
                        .map(|m| g.entries[m.entry].name.clone())
                        .or_else(cap_object)
                        .or_else(|| {
                            (relation == "withdraws-from")
                                .then(|| org_before(mentions, sent_s, sent_s.saturating_sub(400)))
                                .flatten()
                                .map(|m| g.entries[m.entry].name.clone())
                                .filter(|o| *o != subj)
                        });
                    let Some(obj) = obj else { continue };
                    rels.push((subj, obj, sentence_dates.first().cloned(), None));
                }
            }
            for (subject, object, from_d, until) in rels {
                if subject == object && relation != "abolished" {
                    continue;
                }
                if g.lookup(&object).is_none()
                    && !orgs.contains_key(&object)
                    && !people.contains_key(&object)
                {
                    orgs.insert(
                        object.clone(),
                        OrgAcc {
                            kind: "discovered".into(),
                            aliases: Vec::new(),
                            items: u.item.iter().cloned().collect(),
                        },
                    );
                }
                let r = Relation {
                    item: u.item.clone(),
                    subject,
                    relation: relation.clone(),
                    object,
                    from: from_d,
                    until,
                    span: (u.span_of)(sent_s, sent_e),
                };
                if !out.iter().any(|x| {
                    x.subject == r.subject
                        && x.relation == r.relation
                        && x.object == r.object
                        && x.item == r.item
                }) {
                    out.push(r);
                }
            }
        }
    }
}

/// "med udgangen af 2025" → 2025-12-31.
fn static_year_end(text: &str) -> Option<String> {
    static END: Lazy<Regex> = Lazy::new(|| re(r"udgangen af ([0-9]{4})"));
    END.captures(text)
        .and_then(|c| c.get(1))
        .map(|y| format!("{}-12-31", y.as_str()))
}

/// Levenshtein distance on chars (names are short).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaz() -> Gazetteer {
        Gazetteer::from_tsv(
            "key\tname\tkind\taliases\tpart_of\tcodes\tnotes\n\
             kl\tKL\tassociation\tKommunernes Landsforening\t\t\t\n\
             kkr-nord\tKKR Nordjylland\tpolitical-body\t\tkl\t\t\n\
             net\tKD-Net\tnetwork\tKD-net|Kommunaldirektørnetværket\t\t\t\n\
             aal\tAalborg Kommune\tmunicipality\tAalborg\t\tkommunekode:0851\t\n",
        )
    }

    #[test]
    fn gazetteer_matches_whole_words_and_possessives() {
        let g = gaz();
        let m = g.mentions("KL's formand og KD-net mødes; KLIMA er ikke KL.");
        let names: Vec<&str> = m.iter().map(|x| g.entries[x.entry].name.as_str()).collect();
        assert_eq!(names, ["KL", "KD-Net", "KL"]);
        assert_eq!(
            g.municipality("Aalborg").map(|e| e.name.as_str()),
            Some("Aalborg Kommune")
        );
        assert!(
            g.mentions("i Aalborg").is_empty(),
            "bare place names are not authorities"
        );
    }

    /// The walk byte by byte that `sentence_bounds` replaced, to hold it to.
    fn sentence_bounds_walked(text: &str, at: usize) -> (usize, usize) {
        let bytes = text.as_bytes();
        let is_end = |i: usize| -> bool {
            // ". " followed by an upper-case letter, not after an abbreviation or a number.
            if bytes.get(i) != Some(&b'.') && bytes.get(i) != Some(&b'\n') {
                return false;
            }
            if bytes.get(i) == Some(&b'\n') {
                return true;
            }
            let next = text[i + 1..].trim_start().chars().next();
            if !next.is_some_and(|c| c.is_uppercase()) {
                return false;
            }
            let word: String = text[..i]
                .chars()
                .rev()
                .take_while(|c| !c.is_whitespace())
                .collect();
            let word: String = word.chars().rev().collect::<String>().to_lowercase();
            let abbrev = [
                "kr", "mio", "mia", "bl.a", "jf", "pr", "ca", "fx", "mv", "d", "nr", "stk", "fmd",
                "dvs", "evt", "ift", "vedr",
            ];
            !(abbrev.contains(&word.as_str()) || word.chars().all(|c| c.is_ascii_digit()))
        };
        let mut s = at.min(text.len());
        let s_floor = s.saturating_sub(SENTENCE_REACH);
        while s > s_floor {
            if is_end(s - 1) && s - 1 < at {
                break;
            }
            s -= 1;
        }
        let mut e = at.min(text.len());
        let e_ceil = e.saturating_add(SENTENCE_REACH).min(text.len());
        while e < e_ceil {
            if is_end(e) {
                e += 1;
                break;
            }
            e += 1;
        }
        while !text.is_char_boundary(s) {
            s += 1;
        }
        while e < text.len() && !text.is_char_boundary(e) {
            e += 1;
        }
        (s, e.min(text.len()))
    }

    #[test]
    fn sentence_bounds_agree_with_the_walk_byte_by_byte() {
        let long = "ord ".repeat(700);
        let texts = [
            String::new(),
            "Ingen ende her".to_string(),
            "Mødet. Det blev besluttet ca. 3. maj. Kr. 5 mio. kr. Næste punkt\nNy linje. æøå. Ø"
                .to_string(),
            format!("Start. {long}midt {long}slut. Efter"),
            "a.\n.\n. . .A bl.a. B. Æble. 12. Dec".to_string(),
            "KR. Stk. \u{212a}r. Næste BL.A. Ja. ÆØ. Nej. 3ø. Så \t\u{a0}Fx. Ok".to_string(),
        ];
        for t in &texts {
            for at in (0..=t.len() + 2).filter(|&i| i > t.len() || t.is_char_boundary(i)) {
                assert_eq!(
                    sentence_bounds(t, at),
                    sentence_bounds_walked(t, at),
                    "{t:?} at {at}"
                );
            }
        }
    }

    /// The unanchored search over every byte that `mentions` replaced, to hold it to (the
    /// same word-edge rules, the other search).
    fn mentions_unanchored<'g>(g: &'g Gazetteer, text: &str) -> Vec<Mention<'g>> {
        let m = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(g.surfaces.iter().map(|(s, _)| s.as_str()))
            .unwrap_or_else(|_| unreachable!("the gazetteer's forms build"));
        let mut out = Vec::new();
        for hit in m.find_iter(text) {
            let (s, e) = (hit.start(), hit.end());
            if mention_edge(text[..s].chars().next_back()) && mention_ends_at(text, e) {
                let (surface, idx) = &g.surfaces[hit.pattern().as_usize()];
                out.push(Mention {
                    start: s,
                    end: e,
                    entry: *idx,
                    surface,
                });
            }
        }
        out
    }

    fn spans(m: &[Mention<'_>]) -> Vec<(usize, usize, usize)> {
        m.iter().map(|x| (x.start, x.end, x.entry)).collect()
    }

    #[test]
    fn mentions_are_those_of_the_search_over_every_byte() {
        let g = &*GAZETTEER;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        let mut texts = vec![
            "KL's formand, KD-Net og KD-net; KLIMA er ikke KL. Region Midtjyllands råd, \
             den danske regering og Den Danske Regering, 3F. Æ KKR Midtjylland"
                .to_string(),
        ];
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{dir}: {e}")).path();
            if path.extension().is_some_and(|e| e == "txt") {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
                texts.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        assert!(texts.len() >= 3, "the corpus holds the reference minutes");
        let mut found = 0;
        for t in &texts {
            let new = g.mentions(t);
            found += new.len();
            assert_eq!(spans(&new), spans(&mentions_unanchored(g, t)));
        }
        assert!(found > 100, "{found} mentions in the reference minutes");
    }

    #[test]
    fn a_form_inside_a_word_hides_no_mention() {
        // The search over every byte took "AB CD" in "XAB CD" (then dropped it, as it
        // starts inside a word) and so never saw "CD"; anchored at word starts, it does.
        let g = Gazetteer::from_tsv(
            "key\tname\tkind\taliases\tpart_of\tcodes\tnotes\n\
             ab\tAB CD\tassociation\t\t\t\t\n\
             cd\tCD\tassociation\t\t\t\t\n",
        );
        assert_eq!(spans(&g.mentions("XAB CD")), [(4, 6, 1)]);
        assert!(mentions_unanchored(&g, "XAB CD").is_empty());
        assert_eq!(spans(&g.mentions("AB CD, CDs")), [(0, 5, 0), (7, 9, 1)]);
    }

    #[test]
    fn edit_distance_works() {
        assert_eq!(edit_distance("Damsgaard", "Damgaard"), 1);
        assert_eq!(edit_distance("Holte", "Holte"), 0);
    }

    /// Run the extractor on one synthetic item against the shipped gazetteer.
    fn run(text: &str, body: &str) -> Entities {
        let span = |a: usize, b: usize| Span { start: a, end: b };
        let units = [Unit {
            item: Some("4.2".into()),
            title: "Prøvepunkt".into(),
            text,
            span_of: &span,
        }];
        let ctx = DocContext {
            body: Some(body),
            year: Some(2024),
        };
        extract(&units, &ctx, &[])
    }

    #[test]
    fn people_come_from_the_text_patterns() {
        let e = run(
            "På mødet vil Anne Marie Holm, direktør for Danske Regioner, give et oplæg. \
             Fra KL deltager chefkonsulent Bo Lund. Annes oplæg vedlægges. \
             Vejle Kommune og Region Syddanmark deltager.",
            "KKR Syddanmark",
        );
        let names: Vec<&str> = e.persons.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Anne Marie Holm", "Bo Lund"], "{:?}", e.persons);
        let anne = &e.persons[0];
        assert_eq!(
            anne.roles[0].organisation.as_deref(),
            Some("Danske Regioner")
        );
        assert_eq!(e.persons[1].roles[0].role, "chefkonsulent");
        assert_eq!(e.persons[1].roles[0].organisation.as_deref(), Some("KL"));
        assert!(e.organisations.iter().any(|o| o.name == "Vejle Kommune"));
    }

    #[test]
    fn short_forms_and_near_spellings_merge_with_evidence() {
        let e = run(
            "Fra KL deltager næstformand Mette Kjærsgaard. Mette Kjærgaard gav en status. \
             Derefter gav Ole Bach Nielsen et oplæg. Ole Bach svarede på spørgsmål og Ole Bach gav en status.",
            "KKR Sjælland",
        );
        let names: Vec<&str> = e.persons.iter().map(|p| p.name.as_str()).collect();
        assert!(names.contains(&"Ole Bach Nielsen"), "{names:?}");
        assert!(!names.contains(&"Ole Bach"), "short form merged: {names:?}");
        assert_eq!(
            e.persons
                .iter()
                .filter(|p| p.name.starts_with("Mette"))
                .count(),
            1,
            "near spellings in one context merge: {names:?}"
        );
        let mette = e.persons.iter().find(|p| p.name.starts_with("Mette"));
        assert!(mette.is_some_and(|m| !m.merged_from.is_empty()));
    }

    #[test]
    fn requests_reported_decisions_and_relations() {
        let e = run(
            "KKR Nordjylland anmoder KD-Net om at udarbejde et oplæg om fælles indkøb. \
             Regionsrådet har på sit møde den 3. marts besluttet, at bidraget hæves. \
             Således nedlægges Trafikudvalget med udgangen af 2024. \
             Det foreslås, at KKR Nordjylland fungerer som styregruppe for Klima Midt pr. 1. maj 2024.",
            "KKR Nordjylland",
        );
        assert_eq!(e.requests.len(), 1);
        assert_eq!(
            (e.requests[0].from.as_str(), e.requests[0].to.as_str()),
            ("KKR Nordjylland", "KD-Net")
        );
        assert!(e.requests[0].about.starts_with("udarbejde et oplæg"));
        let rd = &e.reported_decisions[0];
        assert_eq!(rd.by, "Region Nordjylland");
        assert_eq!(rd.date.as_deref(), Some("2024-03-03"));
        let abolished = e
            .relations
            .iter()
            .find(|r| r.relation == "abolished")
            .expect("abolished");
        assert_eq!(abolished.object, "Trafikudvalget");
        assert_eq!(abolished.until.as_deref(), Some("2024-12-31"));
        let steer = e
            .relations
            .iter()
            .find(|r| r.relation == "steering-group-of")
            .expect("steering group");
        assert_eq!(
            (steer.subject.as_str(), steer.object.as_str()),
            ("KKR Nordjylland", "Klima Midt")
        );
        assert_eq!(steer.from.as_deref(), Some("2024-05-01"));
    }

    #[test]
    fn job_titles_and_places_are_not_people() {
        let e = run(
            "Kommunaldirektør Randers gav status. Det Specialiserede Socialområde drøftes. \
             Region Midtjylland og Aarhus Universitet deltager. Den Kommende Periode gav anledning til drøftelse.",
            "KKR Midtjylland",
        );
        assert!(e.persons.is_empty(), "{:?}", e.persons);
    }

    #[test]
    fn names_are_not_institutions() {
        let g = gaz();
        let valid = |name: &str| {
            let lower = crate::parse::lowercase(name);
            valid_name(&g, &lower.split(' ').collect::<Vec<_>>())
        };
        assert!(valid("Mette Frederiksen"));
        assert!(!valid("Region Nordjylland"));
        assert!(!valid("Den Kommende"));
        assert!(!valid("Anne"));
    }
}
