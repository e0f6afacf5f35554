//! Framed JSON-LD: the graph as documents a web developer can use without an RDF library.
//!
//! The top level (`@graph`) holds every meeting, then every organisation and person. A
//! meeting embeds its items (`treats`), each item its treatment (`treatment`, the reverse of
//! `dct:subject`) with the decision (`generated`) and recommendations, its parts and the
//! facts stated in it (`parts`, `facts`: reverse properties), its case and every SKOS
//! concept it uses. Every embedded node carries *all* its triples, so the document is a
//! faithful subset of the graph; annotations and extraction activities (provenance) are
//! left to the flat formats. Keys are the short names of `ontology/context.jsonld`, which is
//! included inline (a remote context would need fetching). Oxigraph's JSON-LD writer does no
//! framing, so this module compacts by hand, term by term, following the context's type
//! coercions, and sorts everything so the output is deterministic.

use crate::store::GraphStore;
use anyhow::{anyhow, Context, Result};
use oxigraph::model::{vocab::rdf, vocab::xsd, GraphNameRef, NamedNode, NamedOrBlankNode, Term};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The published JSON-LD context (`ontology/context.jsonld`).
pub const CONTEXT: &str = include_str!("../../ontology/context.jsonld");

const SKOS_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";

/// Forward properties whose object is embedded (when it has triples of its own).
const EMBED: &[&str] = &[
    "http://data.vlaanderen.be/ns/besluit#behandelt",
    "http://data.vlaanderen.be/ns/besluit#heeftNotulen",
    "http://www.w3.org/ns/prov#generated",
    "https://w3id.org/referat/ns#recommendation",
    "https://w3id.org/referat/ns#case",
    "http://www.w3.org/ns/org#memberDuring",
    "http://www.w3.org/2006/time#hasBeginning",
    "http://www.w3.org/2006/time#hasEnd",
    "http://www.w3.org/ns/adms#identifier",
];

/// Reverse embeddings: (property, classes the embedded subject must have; empty = any).
const REVERSE: &[(&str, &[&str])] = &[
    (
        "http://purl.org/dc/terms/subject",
        &["http://data.vlaanderen.be/ns/besluit#BehandelingVanAgendapunt"],
    ),
    (
        "http://purl.org/dc/terms/isPartOf",
        &[
            "https://w3id.org/referat/ns#ItemPart",
            "https://w3id.org/referat/ns#Section",
        ],
    ),
    ("https://w3id.org/referat/ns#statedIn", &[]),
];

/// Top-level node classes, in output order.
const ROOTS: &[&str] = &[
    "http://data.vlaanderen.be/ns/besluit#Zitting",
    "http://www.w3.org/ns/org#Organization",
    "http://xmlns.com/foaf/0.1/Person",
];

/// A property term of the context.
#[derive(Debug, Clone)]
struct TermDef {
    name: String,
    /// `@id`, `@vocab`, a datatype IRI, or none.
    coerce: Option<String>,
    set: bool,
}

/// The context, read for compaction.
struct Ctx {
    props: HashMap<String, TermDef>,
    /// IRI → short name, for classes and `@vocab` values.
    names: HashMap<String, String>,
    reverse: HashMap<String, String>,
    prefixes: Vec<(String, String)>,
    context: Value,
}

impl Ctx {
    fn load() -> Result<Ctx> {
        let doc: Value = serde_json::from_str(CONTEXT).context("ontology/context.jsonld")?;
        let ctx = doc
            .get("@context")
            .and_then(Value::as_object)
            .ok_or_else(|| anyhow!("ontology/context.jsonld has no @context object"))?;
        let mut prefixes: Vec<(String, String)> = ctx
            .iter()
            .filter_map(|(k, v)| {
                let v = v.as_str()?;
                (!k.contains(':') && v.contains("://") && (v.ends_with('#') || v.ends_with('/')))
                    .then(|| (k.clone(), v.to_string()))
            })
            .collect();
        // Longest namespace first, so a CURIE uses the most specific prefix.
        prefixes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        let expand = |s: &str| -> String {
            if let Some((p, local)) = s.split_once(':') {
                if let Some((_, ns)) = prefixes.iter().find(|(name, _)| name == p) {
                    return format!("{ns}{local}");
                }
            }
            s.to_string()
        };
        let mut props = HashMap::new();
        let mut names = HashMap::new();
        let mut reverse = HashMap::new();
        let mut keys: Vec<&String> = ctx.keys().collect();
        keys.sort();
        for k in keys {
            let v = &ctx[k.as_str()];
            if k.starts_with('@') || prefixes.iter().any(|(p, _)| p == k) {
                continue;
            }
            match v {
                Value::String(s) if !s.starts_with('@') => {
                    let iri = expand(s);
                    names.entry(iri.clone()).or_insert_with(|| k.clone());
                    props.entry(iri).or_insert_with(|| TermDef {
                        name: k.clone(),
                        coerce: None,
                        set: false,
                    });
                }
                Value::Object(o) => {
                    if let Some(r) = o.get("@reverse").and_then(Value::as_str) {
                        reverse.insert(expand(r), k.clone());
                        continue;
                    }
                    let Some(id) = o.get("@id").and_then(Value::as_str) else {
                        continue;
                    };
                    let coerce = o.get("@type").and_then(Value::as_str).map(|t| {
                        if t.starts_with('@') {
                            t.to_string()
                        } else {
                            expand(t)
                        }
                    });
                    let set = o.get("@container").and_then(Value::as_str) == Some("@set");
                    props.insert(
                        expand(id),
                        TermDef {
                            name: k.clone(),
                            coerce,
                            set,
                        },
                    );
                }
                _ => {}
            }
        }
        Ok(Ctx {
            props,
            names,
            reverse,
            prefixes,
            context: doc["@context"].clone(),
        })
    }

    /// A CURIE for an IRI when a prefix fits, else the IRI itself.
    fn curie(&self, iri: &str) -> String {
        for (p, ns) in &self.prefixes {
            if let Some(local) = iri.strip_prefix(ns.as_str()) {
                if !local.is_empty() && !local.contains(['/', '#', ':']) {
                    return format!("{p}:{local}");
                }
            }
        }
        iri.to_string()
    }
}

/// The triples of the exported graphs, indexed by subject and (for reverse embedding) by
/// object.
struct Index {
    by_subject: BTreeMap<String, Vec<(NamedNode, Term)>>,
    by_object: HashMap<(String, String), BTreeSet<String>>,
    types: HashMap<String, BTreeSet<String>>,
}

impl Index {
    fn build(gs: &GraphStore, graphs: &[NamedNode], all: bool) -> Result<Index> {
        let reverse: BTreeSet<&str> = REVERSE.iter().map(|(p, _)| *p).collect();
        let mut by_subject: BTreeMap<String, Vec<(NamedNode, Term)>> = BTreeMap::new();
        let mut by_object: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
        let mut types: HashMap<String, BTreeSet<String>> = HashMap::new();
        let mut seen = BTreeSet::new();
        let mut names: Vec<GraphNameRef<'_>> = graphs
            .iter()
            .map(|g| GraphNameRef::NamedNode(g.as_ref()))
            .collect();
        if all {
            names.push(GraphNameRef::DefaultGraph);
        }
        for g in names {
            for q in gs.store().quads_for_pattern(None, None, None, Some(g)) {
                let q = q.context("cannot read the store")?;
                let NamedOrBlankNode::NamedNode(s) = &q.subject else {
                    continue; // no blank nodes in our graphs; skip rather than mislabel
                };
                if !seen.insert((
                    s.as_str().to_string(),
                    q.predicate.to_string(),
                    q.object.to_string(),
                )) {
                    continue;
                }
                if q.predicate.as_ref() == rdf::TYPE {
                    if let Term::NamedNode(c) = &q.object {
                        types
                            .entry(s.as_str().to_string())
                            .or_default()
                            .insert(c.as_str().to_string());
                    }
                }
                if let Term::NamedNode(o) = &q.object {
                    if reverse.contains(q.predicate.as_str()) {
                        by_object
                            .entry((q.predicate.as_str().to_string(), o.as_str().to_string()))
                            .or_default()
                            .insert(s.as_str().to_string());
                    }
                }
                by_subject
                    .entry(s.as_str().to_string())
                    .or_default()
                    .push((q.predicate.clone(), q.object.clone()));
            }
        }
        Ok(Index {
            by_subject,
            by_object,
            types,
        })
    }

    fn has_type(&self, node: &str, class: &str) -> bool {
        self.types.get(node).is_some_and(|t| t.contains(class))
    }
}

struct Framer<'a> {
    ctx: &'a Ctx,
    ix: &'a Index,
}

impl Framer<'_> {
    fn node(&self, id: &str, ancestors: &mut Vec<String>, back: Option<(&str, &str)>) -> Value {
        ancestors.push(id.to_string());
        let mut obj = Map::new();
        obj.insert("id".into(), Value::String(id.to_string()));
        let mut types: Vec<String> = Vec::new();
        let mut props: BTreeMap<String, (Option<&TermDef>, Vec<Value>)> = BTreeMap::new();
        for (p, o) in self.ix.by_subject.get(id).map(Vec::as_slice).unwrap_or(&[]) {
            if let (Some((bp, bo)), Term::NamedNode(on)) = (back, o) {
                if p.as_str() == bp && on.as_str() == bo {
                    continue; // stated by the reverse property that embeds this node
                }
            }
            if p.as_ref() == rdf::TYPE {
                if let Term::NamedNode(c) = o {
                    types.push(
                        self.ctx
                            .names
                            .get(c.as_str())
                            .cloned()
                            .unwrap_or_else(|| self.ctx.curie(c.as_str())),
                    );
                    continue;
                }
            }
            let def = self.ctx.props.get(p.as_str());
            let key = def.map_or_else(|| self.ctx.curie(p.as_str()), |d| d.name.clone());
            let v = self.value(p.as_str(), o, def, ancestors);
            props.entry(key).or_insert((def, Vec::new())).1.push(v);
        }
        types.sort();
        types.dedup();
        match types.len() {
            0 => {}
            1 => {
                obj.insert("type".into(), Value::String(types.remove(0)));
            }
            _ => {
                obj.insert(
                    "type".into(),
                    Value::Array(types.into_iter().map(Value::String).collect()),
                );
            }
        }
        for (key, (def, vals)) in props {
            obj.insert(key, pack(vals, def.is_some_and(|d| d.set)));
        }
        for (p, classes) in REVERSE {
            let Some(name) = self.ctx.reverse.get(*p) else {
                continue;
            };
            let subjects = self
                .ix
                .by_object
                .get(&(p.to_string(), id.to_string()))
                .cloned()
                .unwrap_or_default();
            let mut vals = Vec::new();
            for s in subjects {
                if ancestors.contains(&s)
                    || !(classes.is_empty() || classes.iter().any(|c| self.ix.has_type(&s, c)))
                {
                    continue;
                }
                vals.push(self.node(&s, ancestors, Some((p, id))));
            }
            if !vals.is_empty() {
                obj.insert(name.clone(), pack(vals, true));
            }
        }
        ancestors.pop();
        Value::Object(obj)
    }

    fn value(
        &self,
        p: &str,
        o: &Term,
        def: Option<&TermDef>,
        ancestors: &mut Vec<String>,
    ) -> Value {
        let coerce = def.and_then(|d| d.coerce.as_deref());
        match o {
            Term::NamedNode(n) => {
                let iri = n.as_str();
                let embed = (EMBED.contains(&p) || self.ix.has_type(iri, SKOS_CONCEPT))
                    && self.ix.by_subject.contains_key(iri)
                    && !ancestors.iter().any(|a| a == iri);
                if embed {
                    return self.node(iri, ancestors, None);
                }
                match coerce {
                    Some("@id") => Value::String(iri.to_string()),
                    Some("@vocab") => Value::String(
                        self.ctx
                            .names
                            .get(iri)
                            .cloned()
                            .unwrap_or_else(|| iri.to_string()),
                    ),
                    _ => serde_json::json!({ "@id": iri }),
                }
            }
            Term::Literal(l) => {
                let dt = l.datatype();
                if let Some(lang) = l.language() {
                    return serde_json::json!({ "@value": l.value(), "@language": lang });
                }
                match coerce {
                    Some(c) if c == dt.as_str() => {
                        if dt == xsd::INTEGER {
                            if let Ok(n) = l.value().parse::<i64>() {
                                return Value::from(n);
                            }
                        }
                        if dt == xsd::BOOLEAN && matches!(l.value(), "true" | "false") {
                            return Value::Bool(l.value() == "true");
                        }
                        Value::String(l.value().to_string())
                    }
                    None if dt == xsd::STRING => Value::String(l.value().to_string()),
                    _ => serde_json::json!({
                        "@value": l.value(),
                        "@type": self.ctx.curie(dt.as_str()),
                    }),
                }
            }
            #[allow(unreachable_patterns)]
            other => Value::String(other.to_string()),
        }
    }
}

/// Sort key of a value: position first (items in agenda order), then id or text, then the
/// whole value (so `"region"@da` and `"region"@en` have a fixed order too).
fn sort_key(v: &Value) -> (i64, String, String) {
    match v {
        Value::Object(o) => (
            o.get("position")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX),
            o.get("id")
                .or_else(|| o.get("@id"))
                .or_else(|| o.get("@value"))
                .map(|x| x.to_string())
                .unwrap_or_default(),
            v.to_string(),
        ),
        other => (i64::MAX, other.to_string(), String::new()),
    }
}

fn pack(mut vals: Vec<Value>, set: bool) -> Value {
    vals.sort_by_key(sort_key);
    vals.dedup();
    if vals.len() == 1 && !set {
        vals.remove(0)
    } else {
        Value::Array(vals)
    }
}

/// The framed JSON-LD document of `graphs` (and of the default graph when `all`):
/// `{"@context": …, "@graph": [meetings…, organisations…, people…]}`.
pub fn framed(gs: &GraphStore, graphs: &[NamedNode], all: bool) -> Result<Value> {
    let ctx = Ctx::load()?;
    let ix = Index::build(gs, graphs, all)?;
    let framer = Framer { ctx: &ctx, ix: &ix };
    let mut out = Vec::new();
    let mut done = BTreeSet::new();
    for class in ROOTS {
        let mut roots: Vec<(String, String)> = ix
            .types
            .iter()
            .filter(|(id, t)| t.contains(*class) && !done.contains(*id))
            .map(|(id, _)| {
                let date = ix
                    .by_subject
                    .get(id)
                    .and_then(|ts| {
                        ts.iter()
                            .find(|(p, _)| p.as_str() == "http://purl.org/dc/terms/date")
                    })
                    .map(|(_, o)| o.to_string())
                    .unwrap_or_default();
                (date, id.clone())
            })
            .collect();
        roots.sort();
        for (_, id) in roots {
            let mut anc = Vec::new();
            out.push(framer.node(&id, &mut anc, None));
            done.insert(id);
        }
    }
    let mut doc = Map::new();
    doc.insert("@context".into(), ctx.context.clone());
    doc.insert("@graph".into(), Value::Array(out));
    Ok(Value::Object(doc))
}
