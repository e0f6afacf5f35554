//! Offline matching of the graph's organisations to snapshot entries: exact codes first,
//! then normalised names under type constraints. A false link is worse than none, so
//! anything short of that (a genitive form, a code whose name disagrees, a single-source
//! code) becomes a candidate for review, never a link.

use super::snapshot::{canonical_code, Entry, Snapshot};

/// An organisation of the graph, with every name it is known by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub iri: String,
    /// The canonical name (`skos:prefLabel`).
    pub label: String,
    /// Other names (`skos:altLabel`) from the documents and the gazetteer.
    pub aliases: Vec<String>,
    /// Gazetteer kind (`municipality`, `ministry`, …), `None` when untyped (`discovered`).
    pub kind: Option<String>,
    /// `(registry, code)` from the gazetteer.
    pub codes: Vec<(String, String)>,
}

/// How a link (or candidate) relates the entity to the registry record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// The code identifies the entity itself (`adms:identifier`).
    Identifier,
    /// The entity's territory carries the code (`skos:closeMatch` authority → territory).
    CloseMatch,
    /// The registry's IRI denotes the same thing (`owl:sameAs`).
    SameAs,
}

impl Relation {
    /// Token used in review files and the `relation` column.
    pub fn token(self) -> &'static str {
        match self {
            Relation::Identifier => "identifier",
            Relation::CloseMatch => "closeMatch",
            Relation::SameAs => "sameAs",
        }
    }

    /// Inverse of [`Relation::token`].
    pub fn from_token(s: &str) -> Option<Self> {
        match s.trim() {
            "identifier" => Some(Relation::Identifier),
            "closeMatch" => Some(Relation::CloseMatch),
            "sameAs" => Some(Relation::SameAs),
            _ => None,
        }
    }
}

/// One link (or candidate) between an entity and a registry code.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub entity: String,
    pub label: String,
    pub registry: String,
    pub code: String,
    pub relation: Relation,
    /// For [`Relation::CloseMatch`] to a territory: its path (`kommune/0730`) and name.
    pub territory: Option<(String, String)>,
    /// `registry-code`, `normalised-name`, `ror-external-id`, `wikidata-claim`, …
    pub method: String,
    /// 0..=1; 1 only for exact joins on a code.
    pub score: f64,
    /// When the evidence was current: the snapshot date, or the fetch date online.
    pub date: String,
    /// The name of the entity that matched, or the evidence for a candidate.
    pub evidence: String,
}

/// Lower-case, dashes folded, whitespace collapsed: how names are compared.
pub fn normalise(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\u{00a0}' => ' ',
            c => c,
        })
        .collect();
    folded
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', ',', ';', ':'])
        .to_lowercase()
}

fn names(e: &Entity) -> impl Iterator<Item = &String> {
    std::iter::once(&e.label).chain(e.aliases.iter())
}

/// Whether an entry may match an entity of this kind by name at all.
fn kind_allows(entity: &Entity, entry: &Entry) -> bool {
    match (entity.kind.as_deref(), entry.kind) {
        (Some(a), Some(b)) => a == b,
        // An untyped entity matches a typed entry only through the official name, which
        // carries the type word ("… Kommune", "Region …").
        (None, Some(_)) => true,
        // Entries without a kind (identifiers.csv) never match municipalities or regions
        // by name: those are matched through their codes.
        (Some(k), None) => k != "municipality" && k != "region",
        (None, None) => true,
    }
}

/// The result of offline matching.
#[derive(Debug, Default)]
pub struct Outcome {
    pub links: Vec<Link>,
    pub candidates: Vec<Link>,
}

/// Match every entity against the snapshot.
pub fn match_offline(entities: &[Entity], snap: &Snapshot) -> Outcome {
    let mut out = Outcome::default();
    for e in entities {
        let mut linked_registries: Vec<&str> = Vec::new();
        // 1. Exact keys: the gazetteer's codes.
        for (reg, code) in &e.codes {
            let code = canonical_code(reg, code);
            let Some(entry) = snap
                .entries
                .iter()
                .find(|x| &x.registry == reg && x.code == code)
            else {
                continue;
            };
            let name_agrees = names(e).any(|n| {
                entry
                    .names
                    .iter()
                    .chain(entry.typed_names.iter())
                    .any(|m| normalise(m) == normalise(n))
            });
            let date = snapshot_date(snap, reg);
            let base = link(e, entry, "registry-code", 1.0, &date, &e.label);
            if !name_agrees {
                out.candidates.push(Link {
                    method: "registry-code-name-differs".into(),
                    score: 0.5,
                    evidence: format!("code {reg}:{code} names {:?}", entry.names),
                    ..base
                });
            } else if entry.status != "confirmed" {
                out.candidates.push(Link {
                    score: 0.8,
                    evidence: format!("{} source: {}", entry.status, entry.note),
                    ..base
                });
            } else {
                linked_registries.push(entry.registry.as_str());
                push_with_territory(&mut out.links, e, entry, base, snap);
            }
        }
        // 2. Names, under type constraints, for registries not already joined by code.
        for entry in &snap.entries {
            if linked_registries.contains(&entry.registry.as_str()) || !kind_allows(e, entry) {
                continue;
            }
            let typed = e.kind.is_some() && e.kind.as_deref() == entry.kind;
            let mut best: Option<(f64, &String)> = None;
            let mut genitive: Option<&String> = None;
            for n in names(e) {
                let nn = normalise(n);
                let official = entry.names.iter().any(|m| normalise(m) == nn);
                let short = typed && entry.typed_names.iter().any(|m| normalise(m) == nn);
                if official || short {
                    let score = match (n == &e.label, official) {
                        (true, true) => 0.95,
                        (false, true) | (true, false) => 0.9,
                        (false, false) => 0.85,
                    };
                    if best.is_none_or(|(s, _)| score > s) {
                        best = Some((score, n));
                    }
                } else if nn.len() > 3
                    && nn.ends_with('s')
                    && entry
                        .names
                        .iter()
                        .any(|m| normalise(m) == nn[..nn.len() - 1])
                {
                    genitive = Some(n);
                }
            }
            let date = snapshot_date(snap, &entry.registry);
            if let Some((score, n)) = best {
                let l = link(e, entry, "normalised-name", score, &date, n);
                if entry.status == "confirmed" {
                    linked_registries.push(entry.registry.as_str());
                    push_with_territory(&mut out.links, e, entry, l, snap);
                } else {
                    out.candidates.push(Link {
                        evidence: format!("{} source: {}", entry.status, entry.note),
                        ..l
                    });
                }
            } else if let Some(n) = genitive {
                out.candidates
                    .push(link(e, entry, "genitive-name", 0.6, &date, n));
            }
        }
    }
    out.links.sort_by(order);
    out.links.dedup_by(|a, b| same_link(a, b));
    out.candidates.sort_by(order);
    out.candidates.dedup_by(|a, b| same_link(a, b));
    out
}

/// Moves links that give one entity two different codes in the same registry to the
/// candidates (at most one of them is true); returns a description of each conflict.
pub fn demote_conflicts(out: &mut Outcome) -> Vec<String> {
    let key = |l: &Link| (l.entity.clone(), l.registry.clone(), l.territory.is_some());
    let mut codes: std::collections::BTreeMap<_, std::collections::BTreeSet<String>> =
        std::collections::BTreeMap::new();
    for l in &out.links {
        codes.entry(key(l)).or_default().insert(l.code.clone());
    }
    let mut msgs = Vec::new();
    let (bad, good): (Vec<Link>, Vec<Link>) = std::mem::take(&mut out.links)
        .into_iter()
        .partition(|l| codes.get(&key(l)).is_some_and(|c| c.len() > 1));
    out.links = good;
    for l in bad {
        msgs.push(format!("{} {} {}", l.label, l.registry, l.code));
        out.candidates.push(l);
    }
    msgs
}

/// Sort key of links: entity, registry, code, relation.
pub fn order(a: &Link, b: &Link) -> std::cmp::Ordering {
    (&a.entity, &a.registry, &a.code, a.relation).cmp(&(
        &b.entity,
        &b.registry,
        &b.code,
        b.relation,
    ))
}

/// Two links state the same thing.
pub fn same_link(a: &Link, b: &Link) -> bool {
    order(a, b) == std::cmp::Ordering::Equal
}

fn snapshot_date(snap: &Snapshot, registry: &str) -> String {
    snap.registries
        .get(registry)
        .map(|r| r.snapshot.clone())
        .unwrap_or_default()
}

fn link(e: &Entity, entry: &Entry, method: &str, score: f64, date: &str, matched: &str) -> Link {
    Link {
        relation: relation_for(e.kind.as_deref(), &entry.registry),
        entity: e.iri.clone(),
        label: e.label.clone(),
        registry: entry.registry.clone(),
        code: entry.code.clone(),
        territory: None,
        method: method.to_string(),
        score,
        date: date.to_string(),
        evidence: matched.to_string(),
    }
}

/// How an entity of this kind relates to a registry record: ROR and Wikidata records
/// denote the organisation itself (`owl:sameAs`), except that a municipality or region as
/// an authority is not quite its Wikidata item (`skos:closeMatch`); other registries give
/// codes (`adms:identifier`).
pub fn relation_for(kind: Option<&str>, registry: &str) -> Relation {
    match (kind, registry) {
        (Some("municipality" | "region"), "wikidata") => Relation::CloseMatch,
        (_, "ror" | "wikidata") => Relation::SameAs,
        _ => Relation::Identifier,
    }
}

/// The authority's code, and `skos:closeMatch` links to its territory's codes.
fn push_with_territory(out: &mut Vec<Link>, e: &Entity, entry: &Entry, l: Link, snap: &Snapshot) {
    if let Some(t) = &entry.territory {
        for (reg, code) in &t.codes {
            out.push(Link {
                registry: reg.clone(),
                code: code.clone(),
                relation: Relation::CloseMatch,
                territory: Some((
                    format!(
                        "{}/{}",
                        t.level,
                        t.codes.first().map_or("", |c| c.1.as_str())
                    ),
                    t.name.clone(),
                )),
                date: snapshot_date(snap, reg),
                ..l.clone()
            });
        }
    }
    let _ = e;
    out.push(l);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::snapshot::shipped;

    fn ent(label: &str, kind: Option<&str>, aliases: &[&str], codes: &[(&str, &str)]) -> Entity {
        Entity {
            iri: format!("urn:x:{}", normalise(label)),
            label: label.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            kind: kind.map(String::from),
            codes: codes
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn codes_link_and_bring_the_territory() {
        let snap = shipped().expect("snapshot");
        let e = ent(
            "Randers Kommune",
            Some("municipality"),
            &["Randers"],
            &[("kommunekode", "0730")],
        );
        let out = match_offline(&[e], &snap);
        let ids: Vec<_> = out
            .links
            .iter()
            .map(|l| {
                (
                    l.registry.as_str(),
                    l.code.as_str(),
                    l.relation,
                    l.method.as_str(),
                )
            })
            .collect();
        assert!(ids.contains(&("kommunekode", "0730", Relation::Identifier, "registry-code")));
        assert!(ids.contains(&("kommunekode", "0730", Relation::CloseMatch, "registry-code")));
        assert_eq!(out.links.len(), 2, "{ids:?}");
    }

    #[test]
    fn types_constrain_names() {
        let snap = shipped().expect("snapshot");
        // A ministry named like a municipality never matches it; a bare town name matches
        // only an entity typed as a municipality.
        let m = ent("Randers Kommune", Some("ministry"), &[], &[]);
        let town = ent("Randers", None, &[], &[]);
        let typed = ent("Randers", Some("municipality"), &[], &[]);
        let council = ent("KKR Midtjylland", Some("political-body"), &[], &[]);
        let out = match_offline(&[m, town, council], &snap);
        assert!(out.links.is_empty(), "{:?}", out.links);
        let out = match_offline(&[typed], &snap);
        assert!(out
            .links
            .iter()
            .any(|l| l.code == "0730" && l.method == "normalised-name"));
    }

    #[test]
    fn near_misses_are_candidates_not_links() {
        let snap = shipped().expect("snapshot");
        let gen = ent("Region Midtjyllands", None, &[], &[]);
        let au = ent(
            "Aarhus Universitet",
            Some("university"),
            &[],
            &[("ror", "01aj84f44"), ("cvr", "31119103")],
        );
        let out = match_offline(&[gen, au], &snap);
        assert!(
            out.links
                .iter()
                .all(|l| l.label == "Aarhus Universitet" && l.registry == "ror"),
            "{:?}",
            out.links
        );
        assert!(out
            .candidates
            .iter()
            .any(|c| c.method == "genitive-name" && c.code == "1082"));
        assert!(out.candidates.iter().any(|c| c.registry == "cvr"));
    }

    #[test]
    fn normalise_folds_case_dashes_and_space() {
        assert_eq!(
            normalise(" Indenrigs–  og Sundhedsministeriet. "),
            "indenrigs- og sundhedsministeriet"
        );
    }
}
