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
use oxigraph::model::{
    vocab::rdf, vocab::xsd, GraphName, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term,
    TermRef,
};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;

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

/// The exported graphs as the framing reads them: what a node states, which nodes point
/// at it, its classes, each looked up in the store's own indexes when the framing asks.
/// Why not an index in memory: it held every triple of the store (2.1 GB for the framed
/// JSON-LD of 1 000 documents); looked up, memory is that of the node being framed.
struct View<'a> {
    gs: &'a GraphStore,
    /// The named graphs exported.
    graphs: HashSet<NamedNode>,
    /// Whether the default graph is exported too.
    default: bool,
}

impl View<'_> {
    fn allowed(&self, g: &GraphName) -> bool {
        match g {
            GraphName::DefaultGraph => self.default,
            GraphName::NamedNode(n) => self.graphs.contains(n),
            GraphName::BlankNode(_) => false,
        }
    }

    /// The exported quads matching a pattern.
    fn quads<'b>(
        &'b self,
        s: Option<NamedNodeRef<'b>>,
        p: Option<NamedNodeRef<'b>>,
        o: Option<TermRef<'b>>,
    ) -> impl Iterator<Item = Result<Quad>> + 'b {
        self.gs
            .store()
            .quads_for_pattern(s.map(Into::into), p, o, None)
            .filter_map(move |q| match q {
                Ok(q) if self.allowed(&q.graph_name) => Some(Ok(q)),
                Ok(_) => None,
                Err(e) => Some(Err(anyhow::Error::from(e).context("cannot read the store"))),
            })
    }

    /// What a node states: its (predicate, object) pairs, each once however many graphs
    /// state it.
    fn triples(&self, id: &str) -> Result<Vec<(NamedNode, Term)>> {
        let s = NamedNodeRef::new_unchecked(id);
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for q in self.quads(Some(s), None, None) {
            let q = q?;
            if seen.insert((q.predicate.clone(), q.object.clone())) {
                out.push((q.predicate, q.object));
            }
        }
        Ok(out)
    }

    /// Whether a node states anything (so it can be embedded).
    fn has_triples(&self, id: &str) -> Result<bool> {
        self.quads(Some(NamedNodeRef::new_unchecked(id)), None, None)
            .next()
            .transpose()
            .map(|q| q.is_some())
    }

    /// The nodes (IRIs) that state `p` with `o` as object.
    fn subjects(&self, p: &str, o: &str) -> Result<BTreeSet<String>> {
        let o = NamedNodeRef::new_unchecked(o);
        let mut out = BTreeSet::new();
        for q in self.quads(None, Some(NamedNodeRef::new_unchecked(p)), Some(o.into())) {
            if let NamedOrBlankNode::NamedNode(s) = q?.subject {
                out.insert(s.into_string());
            }
        }
        Ok(out)
    }

    fn has_type(&self, node: &str, class: &str) -> Result<bool> {
        let c = NamedNodeRef::new_unchecked(class);
        self.quads(
            Some(NamedNodeRef::new_unchecked(node)),
            Some(rdf::TYPE),
            Some(c.into()),
        )
        .next()
        .transpose()
        .map(|q| q.is_some())
    }

    /// A root node's sort key: its date (as an RDF term), if it has one.
    fn date(&self, id: &str) -> Result<String> {
        let date = NamedNodeRef::new_unchecked("http://purl.org/dc/terms/date");
        Ok(self
            .quads(Some(NamedNodeRef::new_unchecked(id)), Some(date), None)
            .next()
            .transpose()?
            .map(|q| q.object.to_string())
            .unwrap_or_default())
    }
}

struct Framer<'a> {
    ctx: &'a Ctx,
    ix: &'a View<'a>,
}

impl Framer<'_> {
    fn node(
        &self,
        id: &str,
        ancestors: &mut Vec<String>,
        back: Option<(&str, &str)>,
    ) -> Result<Value> {
        ancestors.push(id.to_string());
        let mut obj = Map::new();
        obj.insert("id".into(), Value::String(id.to_string()));
        let mut types: Vec<String> = Vec::new();
        let mut props: BTreeMap<String, (Option<&TermDef>, Vec<Value>)> = BTreeMap::new();
        for (p, o) in &self.ix.triples(id)? {
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
            let v = self.value(p.as_str(), o, def, ancestors)?;
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
            let mut vals = Vec::new();
            for s in self.ix.subjects(p, id)? {
                if ancestors.contains(&s) || !self.any_type(&s, classes)? {
                    continue;
                }
                vals.push(self.node(&s, ancestors, Some((p, id)))?);
            }
            if !vals.is_empty() {
                obj.insert(name.clone(), pack(vals, true));
            }
        }
        ancestors.pop();
        Ok(Value::Object(obj))
    }

    /// Whether a node has one of `classes` (any node when there are none).
    fn any_type(&self, node: &str, classes: &[&str]) -> Result<bool> {
        if classes.is_empty() {
            return Ok(true);
        }
        for c in classes {
            if self.ix.has_type(node, c)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn value(
        &self,
        p: &str,
        o: &Term,
        def: Option<&TermDef>,
        ancestors: &mut Vec<String>,
    ) -> Result<Value> {
        let coerce = def.and_then(|d| d.coerce.as_deref());
        Ok(match o {
            Term::NamedNode(n) => {
                let iri = n.as_str();
                let embed = !ancestors.iter().any(|a| a == iri)
                    && (EMBED.contains(&p) || self.ix.has_type(iri, SKOS_CONCEPT)?)
                    && self.ix.has_triples(iri)?;
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
                    return Ok(serde_json::json!({ "@value": l.value(), "@language": lang }));
                }
                match coerce {
                    Some(c) if c == dt.as_str() => {
                        if dt == xsd::INTEGER {
                            if let Ok(n) = l.value().parse::<i64>() {
                                return Ok(Value::from(n));
                            }
                        }
                        if dt == xsd::BOOLEAN && matches!(l.value(), "true" | "false") {
                            return Ok(Value::Bool(l.value() == "true"));
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
        })
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

/// Writes the framed JSON-LD document of `graphs` (and of the default graph when `all`):
/// `{"@context": …, "@graph": [meetings…, organisations…, people…]}`, pretty-printed as
/// serde_json prints the whole document, followed by a line break. Each top-level node is
/// framed and written before the next is read, so memory is that of one meeting with all
/// it embeds, not of the store.
pub fn write_framed(
    gs: &GraphStore,
    graphs: &[NamedNode],
    all: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let ctx = Ctx::load()?;
    let ix = View {
        gs,
        graphs: graphs.iter().cloned().collect(),
        default: all,
    };
    let framer = Framer { ctx: &ctx, ix: &ix };
    // serde_json's pretty printer indents two spaces a level and escapes every line break
    // inside strings, so a value printed alone is indented for its depth line by line.
    let context = serde_json::to_string_pretty(&ctx.context)?.replace('\n', "\n  ");
    write!(out, "{{\n  \"@context\": {context},\n  \"@graph\": [")?;
    let mut first = true;
    let mut done = BTreeSet::new();
    for class in ROOTS {
        let mut roots: Vec<(String, String)> = Vec::new();
        let c = NamedNodeRef::new_unchecked(class);
        for q in ix.quads(None, Some(rdf::TYPE), Some(c.into())) {
            if let NamedOrBlankNode::NamedNode(id) = q?.subject {
                if !done.contains(id.as_str()) {
                    roots.push((ix.date(id.as_str())?, id.into_string()));
                }
            }
        }
        roots.sort();
        roots.dedup();
        for (_, id) in roots {
            let node = framer.node(&id, &mut Vec::new(), None)?;
            let text = serde_json::to_string_pretty(&node)?.replace('\n', "\n    ");
            write!(out, "{}\n    {text}", if first { "" } else { "," })?;
            first = false;
            done.insert(id);
        }
    }
    writeln!(out, "{}]\n}}", if first { "" } else { "\n  " })?;
    Ok(())
}
