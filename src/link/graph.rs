//! Reading the organisations out of the store and writing the `links` and `registries`
//! graphs back, atomically.

use super::matching::{Entity, Link, Relation};
use super::snapshot::Snapshot;
use crate::store::GraphStore;
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const ORG: &str = "http://www.w3.org/ns/org#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const ADMS: &str = "http://www.w3.org/ns/adms#";
const DCT: &str = "http://purl.org/dc/terms/";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const OWL: &str = "http://www.w3.org/2002/07/owl#";
const PROV: &str = "http://www.w3.org/ns/prov#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
const REF: &str = "https://w3id.org/referat/ns#";
const SSSOM: &str = "https://w3id.org/sssom/";
const SEMAPV: &str = "https://w3id.org/semapv/vocab/";

fn t(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// The graphs and IRIs this stage reads and writes, under the store's base IRI.
pub struct Graphs {
    base: String,
    pub links: NamedNode,
    pub registries: NamedNode,
    gazetteer: NamedNode,
    manifest: NamedNode,
}

impl Graphs {
    /// The graphs for a base IRI (normalised as the mapping does: ends in `/` or `#`).
    pub fn new(base: &str) -> Self {
        let b = base.trim();
        let base = if b.ends_with('/') || b.ends_with('#') {
            b.to_string()
        } else {
            format!("{b}/")
        };
        let n = |p: &str| NamedNode::new_unchecked(format!("{base}{p}"));
        Graphs {
            links: n("graph/links"),
            registries: n("graph/registries"),
            gazetteer: n("graph/gazetteer"),
            manifest: n("graph/manifest"),
            base,
        }
    }

    fn node(&self, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.base))
    }

    fn registry(&self, token: &str) -> NamedNode {
        self.node(&format!("registry/{}", crate::rdf::slug(token)))
    }
}

/// Percent-encodes everything but unreserved characters, for codes in IRI paths.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn literal_value(t: &Term) -> Option<String> {
    match t {
        Term::Literal(l) => Some(l.value().to_string()),
        _ => None,
    }
}

fn objects(
    store: &GraphStore,
    s: NamedNodeRef<'_>,
    p: &NamedNode,
    g: Option<&NamedNode>,
) -> anyhow::Result<Vec<Term>> {
    let mut out = Vec::new();
    for q in store.store().quads_for_pattern(
        Some(s.into()),
        Some(p.as_ref()),
        None,
        g.map(|g| GraphNameRef::NamedNode(g.as_ref())),
    ) {
        out.push(q?.object);
    }
    Ok(out)
}

/// Organisations named in a document graph, with names, kind and codes from every graph
/// (the gazetteer adds aliases, kinds and codes for the ones it knows).
pub fn entities(store: &GraphStore, g: &Graphs) -> anyhow::Result<Vec<Entity>> {
    let own: HashSet<&NamedNode> = [&g.links, &g.registries, &g.gazetteer, &g.manifest].into();
    let ty = t(RDF, "type");
    let class = t(ORG, "Organization");
    let mut typed: BTreeSet<NamedNode> = BTreeSet::new();
    for q in
        store
            .store()
            .quads_for_pattern(None, Some(ty.as_ref()), Some(class.as_ref().into()), None)
    {
        if let NamedOrBlankNode::NamedNode(s) = q?.subject {
            typed.insert(s);
        }
    }
    // Named by a document: some statement outside the gazetteer and link graphs is about
    // it or points to it. (A gazetteer organisation's type and label are stated once, by
    // the gazetteer graph, so its type alone does not tell.)
    let in_documents = |quads: oxigraph::store::QuadIter<'_>| -> anyhow::Result<bool> {
        for q in quads {
            if let GraphName::NamedNode(gn) = q?.graph_name {
                if !own.contains(&gn) {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    };
    let mut named: BTreeSet<NamedNode> = BTreeSet::new();
    for s in typed {
        let st = store.store();
        if in_documents(st.quads_for_pattern(Some(s.as_ref().into()), None, None, None))?
            || in_documents(st.quads_for_pattern(None, None, Some(s.as_ref().into()), None))?
        {
            named.insert(s);
        }
    }
    let kind_prefix = format!("{REF}orgkind-");
    let mut out = Vec::new();
    for s in named {
        let mut labels: Vec<String> = objects(store, s.as_ref(), &t(SKOS, "prefLabel"), None)?
            .iter()
            .filter_map(literal_value)
            .collect();
        labels.sort();
        labels.dedup();
        let Some(label) = labels.first().cloned() else {
            continue;
        };
        let mut aliases: Vec<String> = objects(store, s.as_ref(), &t(SKOS, "altLabel"), None)?
            .iter()
            .filter_map(literal_value)
            .chain(labels.into_iter().skip(1))
            .filter(|a| a != &label)
            .collect();
        aliases.sort();
        aliases.dedup();
        let mut kinds: Vec<String> = objects(store, s.as_ref(), &t(ORG, "classification"), None)?
            .iter()
            .filter_map(|o| match o {
                Term::NamedNode(n) => n.as_str().strip_prefix(&kind_prefix).map(String::from),
                _ => None,
            })
            .collect();
        kinds.sort();
        kinds.dedup();
        // Two different kinds is a contradiction: treat the entity as untyped.
        let kind = if kinds.len() == 1 { kinds.pop() } else { None };
        let mut codes = Vec::new();
        for id in objects(
            store,
            s.as_ref(),
            &t(ADMS, "identifier"),
            Some(&g.gazetteer),
        )? {
            let Term::NamedNode(id) = id else { continue };
            let notation = objects(store, id.as_ref(), &t(SKOS, "notation"), Some(&g.gazetteer))?;
            let agency = objects(
                store,
                id.as_ref(),
                &t(ADMS, "schemaAgency"),
                Some(&g.gazetteer),
            )?;
            if let (Some(code), Some(reg)) = (
                notation.first().and_then(literal_value),
                agency.first().and_then(literal_value),
            ) {
                codes.push((reg, code));
            }
        }
        codes.sort();
        out.push(Entity {
            iri: s.as_str().to_string(),
            label,
            aliases,
            kind,
            codes,
        });
    }
    Ok(out)
}

fn property(r: Relation) -> NamedNode {
    match r {
        Relation::Identifier => t(ADMS, "identifier"),
        Relation::CloseMatch => t(SKOS, "closeMatch"),
        Relation::SameAs => t(OWL, "sameAs"),
    }
}

fn justification(method: &str) -> NamedNode {
    let local = if method.starts_with("accepted") {
        "MappingReview"
    } else if method == "registry-code" {
        // The gazetteer's codes were entered and checked by hand.
        "ManualMappingCuration"
    } else if method.contains("name") {
        "LexicalMatching"
    } else {
        // Online joins go through a shared identifier (ROR id, CVR number, …).
        "MappingChaining"
    };
    t(SEMAPV, local)
}

fn date_literal(d: &str) -> Literal {
    let dt = match d.len() {
        4 => "gYear",
        10 => "date",
        _ => "string",
    };
    Literal::new_typed_literal(d, t(XSD, dt))
}

/// Everything the two graphs should hold after this run.
pub fn quads(g: &Graphs, links: &[Link], entities: &[Entity], snap: &Snapshot) -> Vec<Quad> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let lg = GraphName::NamedNode(g.links.clone());
    let rg = GraphName::NamedNode(g.registries.clone());
    let mut add = |graph: &GraphName, s: &NamedNode, p: NamedNode, o: Term| {
        let q = Quad::new(s.clone(), p, o, graph.clone());
        if seen.insert(q.clone()) {
            out.push(q);
        }
    };
    let lit = |s: &str| Term::from(Literal::new_simple_literal(s));
    let kinds: BTreeMap<&str, Option<&str>> = entities
        .iter()
        .map(|e| (e.iri.as_str(), e.kind.as_deref()))
        .collect();
    let activity = g.node("link/activity");
    let mut used = BTreeSet::new();
    for l in links {
        let Some(reg) = snap.registries.get(&l.registry) else {
            continue;
        };
        used.insert(reg.token.clone());
        let entity = NamedNode::new_unchecked(l.entity.clone());
        let ext = reg.iri(&l.code);
        let (holder, target) = match (&l.relation, &l.territory) {
            (Relation::CloseMatch, Some((path, name))) => {
                let terr = g.node(&format!("territory/{path}"));
                add(&lg, &terr, t(RDF, "type"), t(DCT, "Location").into());
                add(&lg, &terr, t(SKOS, "prefLabel"), lit(name));
                add(&lg, &entity, t(SKOS, "closeMatch"), terr.clone().into());
                (terr.clone(), Term::from(terr))
            }
            (Relation::CloseMatch, None) => {
                let holder = g.node(&format!("external/{}/{}", reg.token, enc(&l.code)));
                let target = ext
                    .as_ref()
                    .map(|x| Term::from(NamedNode::new_unchecked(x.clone())))
                    .unwrap_or_else(|| holder.clone().into());
                add(&lg, &entity, t(SKOS, "closeMatch"), target.clone());
                (holder, target)
            }
            _ => (entity.clone(), Term::from(entity.clone())),
        };
        let id = NamedNode::new_unchecked(format!(
            "{}/identifier/{}",
            holder.as_str(),
            crate::rdf::slug(&reg.token)
        ));
        if !matches!((&l.relation, &l.territory), (Relation::CloseMatch, None)) {
            add(&lg, &holder, t(ADMS, "identifier"), id.clone().into());
        }
        add(&lg, &id, t(RDF, "type"), t(ADMS, "Identifier").into());
        add(&lg, &id, t(SKOS, "notation"), lit(&l.code));
        add(&lg, &id, t(ADMS, "schemaAgency"), lit(&reg.agency));
        add(&lg, &id, t(DCT, "creator"), g.registry(&reg.token).into());
        let mut target = if l.relation == Relation::Identifier || l.territory.is_some() {
            Term::from(id.clone())
        } else {
            target
        };
        if let Some(x) = &ext {
            let x = NamedNode::new_unchecked(x.clone());
            add(&lg, &id, t(RDFS, "seeAlso"), x.clone().into());
            let municipal = matches!(
                kinds.get(l.entity.as_str()),
                Some(Some("municipality" | "region"))
            );
            if l.relation == Relation::SameAs && l.score >= 1.0 && !municipal {
                add(&lg, &entity, t(OWL, "sameAs"), x.clone().into());
                target = x.into();
            }
        }
        let node = g.node(&format!(
            "link/{}/{}/{}/{}",
            enc(l.entity.rsplit('/').next().unwrap_or_default()),
            crate::rdf::slug(&reg.token),
            enc(&l.code),
            l.relation.token().to_lowercase()
        ));
        add(&lg, &node, t(RDF, "type"), t(REF, "RegistryLink").into());
        add(&lg, &node, t(RDF, "type"), t(OWL, "Axiom").into());
        add(&lg, &node, t(OWL, "annotatedSource"), entity.clone().into());
        let prop = match (l.relation, &l.territory) {
            (Relation::SameAs, _) if target == Term::from(id.clone()) => {
                property(Relation::Identifier)
            }
            (r, _) => property(r),
        };
        add(&lg, &node, t(OWL, "annotatedProperty"), prop.into());
        add(&lg, &node, t(OWL, "annotatedTarget"), target);
        add(&lg, &node, t(REF, "identifier"), id.clone().into());
        add(&lg, &node, t(REF, "matchMethod"), lit(&l.method));
        add(&lg, &node, t(REF, "matchRelation"), lit(l.relation.token()));
        add(
            &lg,
            &node,
            t(REF, "matchScore"),
            Literal::new_typed_literal(format!("{:.2}", l.score), t(XSD, "decimal")).into(),
        );
        add(&lg, &node, t(REF, "matchedLabel"), lit(&l.evidence));
        add(&lg, &node, t(DCT, "date"), date_literal(&l.date).into());
        add(&lg, &node, t(DCT, "source"), g.registry(&reg.token).into());
        add(
            &lg,
            &node,
            t(SSSOM, "mapping_justification"),
            justification(&l.method).into(),
        );
        add(
            &lg,
            &node,
            t(PROV, "wasGeneratedBy"),
            activity.clone().into(),
        );
    }
    if !links.is_empty() {
        add(&lg, &activity, t(RDF, "type"), t(PROV, "Activity").into());
        add(
            &lg,
            &activity,
            t(PROV, "wasAssociatedWith"),
            lit(&format!("referat {}", env!("CARGO_PKG_VERSION"))),
        );
    }
    for token in &used {
        let Some(reg) = snap.registries.get(token) else {
            continue;
        };
        let r = g.registry(token);
        add(&rg, &r, t(RDF, "type"), t(DCAT, "Dataset").into());
        add(&rg, &r, t(SKOS, "notation"), lit(&reg.token));
        add(&rg, &r, t(DCT, "title"), lit(&reg.title));
        add(&rg, &r, t(DCT, "publisher"), lit(&reg.agency));
        if let Ok(src) = NamedNode::new(reg.source.clone()) {
            add(&rg, &r, t(DCT, "source"), src.into());
        }
        if let Some(lic) = reg
            .license
            .as_ref()
            .and_then(|l| NamedNode::new(l.clone()).ok())
        {
            add(&rg, &r, t(DCT, "license"), lic.into());
        }
        if let Some(rights) = &reg.rights {
            add(&rg, &r, t(DCT, "rights"), lit(rights));
        }
        add(
            &rg,
            &r,
            t(DCT, "bibliographicCitation"),
            lit(&reg.attribution),
        );
        add(&rg, &r, t(DCT, "date"), date_literal(&reg.snapshot).into());
    }
    out
}

/// Replaces both graphs in one transaction; returns the number of quads written.
pub fn write(
    store: &GraphStore,
    g: &Graphs,
    links: &[Link],
    entities: &[Entity],
    snap: &Snapshot,
) -> anyhow::Result<usize> {
    let qs = quads(g, links, entities, snap);
    let mut tx = store.store().start_transaction()?;
    tx.clear_graph(g.links.as_ref())?;
    tx.clear_graph(g.registries.as_ref())?;
    for q in &qs {
        tx.insert(q);
    }
    tx.commit()?;
    store.flush()?;
    Ok(qs.len())
}

/// Links accepted from review in an earlier run, so a re-run keeps them.
pub fn read_accepted(store: &GraphStore, g: &Graphs) -> anyhow::Result<Vec<Link>> {
    let mut out = Vec::new();
    let method_p = t(REF, "matchMethod");
    let gn = GraphNameRef::NamedNode(g.links.as_ref());
    let quads: Vec<Quad> = store
        .store()
        .quads_for_pattern(None, Some(method_p.as_ref()), None, Some(gn))
        .collect::<Result<_, _>>()?;
    for q in quads {
        let (NamedOrBlankNode::NamedNode(node), Some(method)) =
            (&q.subject, literal_value(&q.object))
        else {
            continue;
        };
        if !method.starts_with("accepted") {
            continue;
        }
        let one = |p: &str, ns: &str| -> anyhow::Result<Option<Term>> {
            Ok(objects(store, node.as_ref(), &t(ns, p), Some(&g.links))?
                .into_iter()
                .next())
        };
        let (Some(Term::NamedNode(entity)), Some(Term::NamedNode(id)), Some(Term::NamedNode(reg))) = (
            one("annotatedSource", OWL)?,
            one("identifier", REF)?,
            one("source", DCT)?,
        ) else {
            continue;
        };
        let code = objects(store, id.as_ref(), &t(SKOS, "notation"), Some(&g.links))?
            .first()
            .and_then(literal_value)
            .unwrap_or_default();
        let text = |p: &str| -> anyhow::Result<String> {
            Ok(one(p, REF)?
                .as_ref()
                .and_then(literal_value)
                .unwrap_or_default())
        };
        let label = objects(store, entity.as_ref(), &t(SKOS, "prefLabel"), None)?
            .first()
            .and_then(literal_value)
            .unwrap_or_default();
        let Some(relation) = Relation::from_token(&text("matchRelation")?) else {
            continue;
        };
        out.push(Link {
            entity: entity.as_str().to_string(),
            label,
            registry: reg
                .as_str()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string(),
            code,
            relation,
            territory: None,
            method,
            score: text("matchScore")?.parse().unwrap_or(0.0),
            date: one("date", DCT)?
                .as_ref()
                .and_then(literal_value)
                .unwrap_or_default(),
            evidence: text("matchedLabel")?,
        });
    }
    Ok(out)
}
