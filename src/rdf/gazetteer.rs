//! The organisation gazetteer (`data/organisations.tsv`) as RDF, for its own named graph:
//! canonical names, aliases, kinds, structure (`org:subOrganizationOf`) and registry codes.
//!
//! Loading it lets alias look-ups (`organisation-history.rq --param org=CDEU`) and registry
//! links work for organisations a document names by only one of their names.

use super::iri::{encode_segment, slug};
use super::vocab::{ADMS, DCT, ORG, ORGANISATION_KINDS, RDF, REF, SKOS};
use super::{organisation_iri, t, RdfConfig};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

/// The gazetteer shipped with referat, loaded into every store's gazetteer graph.
pub const SHIPPED_TSV: &str = include_str!("../../data/organisations.tsv");

/// The triples of the shipped gazetteer graph under `cfg`'s base (computed once per base).
/// Documents do not restate them in the shared entities graph: a second copy of an
/// organisation's label or type would double every row joined through it.
pub fn shipped_triples(cfg: &RdfConfig) -> Arc<HashSet<Triple>> {
    static CACHE: Mutex<Option<(String, Arc<HashSet<Triple>>)>> = Mutex::new(None);
    let base = cfg.normalised_base();
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((b, triples)) = cache.as_ref() {
        if *b == base {
            return Arc::clone(triples);
        }
    }
    // The shipped file is checked by a unit test; were it broken, nothing is skipped.
    let triples: Arc<HashSet<Triple>> = Arc::new(
        parse_gazetteer(SHIPPED_TSV)
            .map(|entries| {
                gazetteer_quads(&entries, cfg)
                    .into_iter()
                    .map(Triple::from)
                    .collect()
            })
            .unwrap_or_default(),
    );
    *cache = Some((base, Arc::clone(&triples)));
    triples
}

/// The columns the gazetteer file must start with, in order.
pub const HEADER: [&str; 7] = [
    "key", "name", "kind", "aliases", "part_of", "codes", "notes",
];

/// One row of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerEntry {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub aliases: Vec<String>,
    pub part_of: Option<String>,
    /// `(registry, code)`, e.g. `("kommunekode", "0730")`.
    pub codes: Vec<(String, String)>,
    pub notes: String,
}

/// Parses the tab-separated gazetteer; errors name the line, so a bad edit is easy to find.
pub fn parse_gazetteer(tsv: &str) -> Result<Vec<GazetteerEntry>, String> {
    let mut lines = tsv.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, l)| l.split('\t').collect())
        .unwrap_or_default();
    if header.len() < HEADER.len() || header[..HEADER.len()] != HEADER {
        return Err(format!("gazetteer header must be {:?}", HEADER.join("\t")));
    }
    let mut out: Vec<GazetteerEntry> = Vec::new();
    let mut keys = HashSet::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 || f[0].trim().is_empty() || f[1].trim().is_empty() {
            return Err(format!(
                "gazetteer line {}: needs key, name and kind",
                i + 1
            ));
        }
        let col = |n: usize| f.get(n).map_or("", |s| s.trim());
        let list = |n: usize| -> Vec<String> {
            col(n)
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        let mut codes = Vec::new();
        for c in list(5) {
            match c.split_once(':') {
                Some((reg, code)) if !reg.is_empty() && !code.is_empty() => {
                    codes.push((reg.to_string(), code.to_string()));
                }
                _ => {
                    return Err(format!(
                        "gazetteer line {}: code {c:?} is not registry:code",
                        i + 1
                    ))
                }
            }
        }
        if !keys.insert(col(0).to_string()) {
            return Err(format!(
                "gazetteer line {}: duplicate key {:?}",
                i + 1,
                col(0)
            ));
        }
        out.push(GazetteerEntry {
            key: col(0).to_string(),
            name: col(1).to_string(),
            kind: col(2).to_string(),
            aliases: list(3),
            part_of: Some(col(4).to_string()).filter(|s| !s.is_empty()),
            codes,
            notes: col(6).to_string(),
        });
    }
    for e in &out {
        if let Some(p) = &e.part_of {
            if !keys.contains(p) {
                return Err(format!("gazetteer: {} is part of unknown key {p:?}", e.key));
            }
        }
    }
    Ok(out)
}

/// The named graph the gazetteer is loaded into.
pub fn gazetteer_graph(cfg: &RdfConfig) -> NamedNode {
    cfg.node("graph/gazetteer")
}

/// All quads of the gazetteer, in its own graph; organisation IRIs are the same as the
/// document graphs mint (from the canonical name, not the gazetteer key).
pub fn gazetteer_quads(entries: &[GazetteerEntry], cfg: &RdfConfig) -> Vec<Quad> {
    let graph = GraphName::NamedNode(gazetteer_graph(cfg));
    let names: BTreeMap<&str, &str> = entries
        .iter()
        .map(|e| (e.key.as_str(), e.name.as_str()))
        .collect();
    let mut quads = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |s: &NamedNode, p: NamedNode, o: Term| {
        let q = Quad::new(NamedOrBlankNode::from(s.clone()), p, o, graph.clone());
        if seen.insert(q.clone()) {
            quads.push(q);
        }
    };
    let lit = |s: &str| Term::from(Literal::new_simple_literal(s));
    for e in entries {
        let o = organisation_iri(&e.name, cfg);
        add(&o, t(RDF, "type"), t(ORG, "Organization").into());
        add(&o, t(SKOS, "prefLabel"), lit(&e.name));
        add(&o, t(REF, "nameKey"), lit(&super::name_key(&e.name)));
        for a in &e.aliases {
            add(&o, t(SKOS, "altLabel"), lit(a));
            add(&o, t(REF, "nameKey"), lit(&super::name_key(a)));
        }
        if let Some((tok, da, en)) = ORGANISATION_KINDS.concept(&e.kind) {
            let c = NamedNode::new_unchecked(ORGANISATION_KINDS.concept_iri(&tok));
            add(&o, t(ORG, "classification"), c.clone().into());
            add(&c, t(RDF, "type"), t(SKOS, "Concept").into());
            add(&c, t(SKOS, "notation"), lit(&tok));
            for (label, lang) in [(da, "da"), (en, "en")] {
                if let Ok(l) = Literal::new_language_tagged_literal(label, lang) {
                    add(&c, t(SKOS, "prefLabel"), l.into());
                }
            }
        }
        if let Some(parent) = e.part_of.as_deref().and_then(|k| names.get(k)) {
            add(
                &o,
                t(ORG, "subOrganizationOf"),
                organisation_iri(parent, cfg).into(),
            );
        }
        if !e.notes.is_empty() {
            add(&o, t(SKOS, "editorialNote"), lit(&e.notes));
        }
        for (registry, code) in &e.codes {
            let id =
                NamedNode::new_unchecked(format!("{}/identifier/{}", o.as_str(), slug(registry)));
            add(&o, t(ADMS, "identifier"), id.clone().into());
            add(&id, t(RDF, "type"), t(ADMS, "Identifier").into());
            add(&id, t(SKOS, "notation"), lit(code));
            add(&id, t(ADMS, "schemaAgency"), lit(registry));
            add(
                &id,
                t(DCT, "identifier"),
                lit(&format!("{registry}:{}", encode_segment(code))),
            );
        }
    }
    quads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_gazetteer_parses_and_maps() {
        let entries = parse_gazetteer(SHIPPED_TSV).expect("gazetteer parses");
        let municipalities = entries.iter().filter(|e| e.kind == "municipality").count();
        let regions = entries.iter().filter(|e| e.kind == "region").count();
        assert_eq!((municipalities, regions), (98, 5));
        for e in &entries {
            assert!(
                ORGANISATION_KINDS.concept(&e.kind).is_some(),
                "{}: unknown kind {}",
                e.key,
                e.kind
            );
        }
        let cfg = RdfConfig::default();
        let quads = gazetteer_quads(&entries, &cfg);
        let council = organisation_iri("Regionsrådet i Region Midtjylland", &cfg);
        let region = organisation_iri("Region Midtjylland", &cfg);
        assert!(quads.iter().any(|q| q.subject == council.clone().into()
            && q.predicate.as_str().ends_with("subOrganizationOf")
            && q.object == region.clone().into()));
        assert!(quads
            .iter()
            .any(|q| q.object == Literal::new_simple_literal("0730").into()));
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let head = HEADER.join("\t");
        assert!(parse_gazetteer("x\ty").is_err());
        let err = parse_gazetteer(&format!("{head}\na\tA\tnetwork\t\tnope\t\t\n")).unwrap_err();
        assert!(err.contains("nope"), "{err}");
        let err = parse_gazetteer(&format!("{head}\na\tA\tnetwork\t\t\tbad\t\n")).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
