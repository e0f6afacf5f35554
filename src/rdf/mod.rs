//! The model → RDF mapping: one named graph of quads per source document.
//!
//! Vocabulary: LBLOD `besluit:` for meetings, items, treatments and decisions, W3C ORG for
//! organisations and roles, FOAF for people and documents, schema.org for money, PROV-O and
//! Web Annotation (`oa:`) for provenance, SKOS for controlled lists, and `ref:`
//! (`ontology/referat.ttl`) for what those lack. `ontology/shapes.ttl` describes the result.
//!
//! Identity (all IRIs under [`RdfConfig::base`], derived from content, never from counters
//! over the whole document, and no blank nodes, so re-loading a document is idempotent):
//!
//! | node | IRI |
//! |---|---|
//! | document / its graph | `document/{file-stem}` / `graph/{file-stem}` |
//! | meeting | `meeting/{body-slug}/{date}` |
//! | item | `{meeting}/item/{number}` (+ `/treatment`, `/decision`, `/part/{heading}`, `/recommendation/{n}`, `/reference/{n}`) |
//! | facts of an item | `{item}/amount/{n}`, `/request/{n}`, `/reported-decision/{n}`, `/relation/{n}` (`{meeting}/…` without an item) |
//! | role stated for a person | `{meeting}/membership/{person-slug}/{n}` |
//! | case | `case/{case-number}` (one node across meetings) |
//! | organisation, person, role | `organisation/{slug}`, `person/{slug}`, `role/{slug}` |
//! | provenance | `{document}/annotation/{path of the fact}`, `{document}/extraction` |
//! | gazetteer | graph `graph/gazetteer`; identifiers `{organisation}/identifier/{registry}` |

mod gazetteer;
mod iri;
mod vocab;

use crate::model::{Minutes, Span};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

pub use gazetteer::{
    gazetteer_graph, gazetteer_quads, parse_gazetteer, GazetteerEntry, SHIPPED_TSV as GAZETTEER_TSV,
};
pub use iri::{document_stem, slug};
use vocab::*;

/// Where the mapping mints IRIs and which extractor version it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdfConfig {
    /// Base of every minted IRI; should end in `/` (one is added if not).
    pub base: String,
    /// Recorded on the extraction activity, so facts can be traced to the code that made them.
    pub extractor_version: String,
}

/// The base IRI used when none is configured.
pub const DEFAULT_BASE: &str = "https://w3id.org/referat/id/";

impl Default for RdfConfig {
    fn default() -> Self {
        Self {
            base: DEFAULT_BASE.to_string(),
            extractor_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

impl RdfConfig {
    /// Checks the base IRI up front, so a bad `--base` is reported instead of silently
    /// replaced by [`DEFAULT_BASE`] (which is what the mapping does as a last resort).
    pub fn check(&self) -> Result<(), String> {
        NamedNode::new(self.normalised_base())
            .map(|_| ())
            .map_err(|e| format!("invalid base IRI {:?}: {e}", self.base))
    }

    /// This configuration with its base ending in `/` or `#`, as every minted IRI has it
    /// (code that appends to the base, such as the manifest's graph name, needs that).
    pub fn normalised(mut self) -> Self {
        self.base = self.normalised_base();
        self
    }

    fn normalised_base(&self) -> String {
        let b = self.base.trim();
        if b.ends_with('/') || b.ends_with('#') {
            b.to_string()
        } else {
            format!("{b}/")
        }
    }

    /// An IRI under the base; `path` is built from slugs and encoded segments only.
    fn node(&self, path: &str) -> NamedNode {
        NamedNode::new(format!("{}{path}", self.normalised_base()))
            .unwrap_or_else(|_| NamedNode::new_unchecked(format!("{DEFAULT_BASE}{path}")))
    }
}

/// The named graph of one source document, from its file-name stem: a re-ingested unchanged
/// file gets the same graph, and a corrected file under the same name replaces the old graph
/// (a sha256-derived graph would instead leave the stale version beside the new one).
pub fn document_graph(m: &Minutes, cfg: &RdfConfig) -> NamedNode {
    document_graph_of_path(&m.source.path, cfg)
}

/// [`document_graph`] from the file's path alone, before it is parsed: an ingest can then
/// tell an unchanged file without parsing it.
pub fn document_graph_of_path(path: &str, cfg: &RdfConfig) -> NamedNode {
    cfg.node(&format!("graph/{}", document_stem(path)))
}

/// Prefixes for Turtle/TriG output.
pub fn prefixes() -> &'static [(&'static str, &'static str)] {
    PREFIXES
}

/// The graph that holds what documents say about nodes none of them owns (organisations,
/// people, roles, cases, concepts, meetings only referred to): one copy per statement, so
/// queries over the union of all graphs do not multiply rows per document.
pub fn entities_graph(cfg: &RdfConfig) -> NamedNode {
    cfg.node("graph/entities")
}

/// The quads of one document, split by graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentQuads {
    /// In the document's own graph ([`document_graph`]): replaced as a whole on re-ingest.
    pub own: Vec<Quad>,
    /// In [`entities_graph`]: added to what other documents said (set semantics).
    pub shared: Vec<Quad>,
}

impl DocumentQuads {
    /// Every quad, the document's own first.
    pub fn all(&self) -> impl Iterator<Item = &Quad> {
        self.own.iter().chain(&self.shared)
    }

    /// Number of quads in both graphs.
    pub fn len(&self) -> usize {
        self.own.len() + self.shared.len()
    }

    /// True when the mapping produced nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// All quads for one document in a deterministic order, without blank nodes.
pub fn to_quads(m: &Minutes, cfg: &RdfConfig) -> DocumentQuads {
    let mut map = Mapper::new(m, cfg);
    map.run();
    DocumentQuads {
        own: first_occurrences(map.out.quads),
        shared: first_occurrences(map.out.shared),
    }
}

/// `quads` without repeats, in order. Done once at the end, with a set of references, so
/// the mapping neither clones each quad into a set nor hashes it with SipHash (both were a
/// tenth of an ingest's CPU).
fn first_occurrences(quads: Vec<Quad>) -> Vec<Quad> {
    let keep: Vec<bool> = {
        let mut seen: rustc_hash::FxHashSet<&Quad> = rustc_hash::FxHashSet::default();
        seen.reserve(quads.len());
        quads.iter().map(|q| seen.insert(q)).collect()
    };
    if keep.iter().all(|&k| k) {
        return quads;
    }
    quads
        .into_iter()
        .zip(keep)
        .filter_map(|(q, k)| k.then_some(q))
        .collect()
}

/// IRI of an organisation from its canonical name (the one place that decides it).
pub fn organisation_iri(name: &str, cfg: &RdfConfig) -> NamedNode {
    cfg.node(&format!("organisation/{}", slug(name)))
}

/// IRI of a person from their canonical name.
pub fn person_iri(name: &str, cfg: &RdfConfig) -> NamedNode {
    cfg.node(&format!("person/{}", slug(name)))
}

/// IRI of a case from its case number; shared by every item of the case in every meeting.
pub fn case_iri(case_number: &str, cfg: &RdfConfig) -> NamedNode {
    cfg.node(&format!("case/{}", iri::encode_segment(case_number)))
}

/// IRI of a meeting of a body on a date (also used for meetings only referred to).
pub fn meeting_iri(body: &str, date: &str, cfg: &RdfConfig) -> NamedNode {
    cfg.node(&format!(
        "meeting/{}/{}",
        slug(body),
        iri::encode_segment(date)
    ))
}

/// The meeting's body as the minutes name it, if they do.
fn body_name(m: &Minutes) -> Option<&str> {
    m.meeting
        .body
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
}

/// IRI of the meeting a document records (its body and date; keyed by the document as well
/// where either is unknown). An ingest compares it with a stored document's, to warn when a
/// file replaces the minutes of another meeting.
pub fn meeting_of(m: &Minutes, cfg: &RdfConfig) -> NamedNode {
    let stem = document_stem(&m.source.path);
    let body_name = body_name(m);
    let date = m
        .meeting
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| iri::is_iso_date(d));
    let body_slug = body_name.map_or_else(|| "unknown-body".to_string(), slug);
    match date {
        // Without a known body, two bodies meeting on one day must not become one
        // meeting: key the meeting by its document as well.
        Some(d) if body_name.is_none() => cfg.node(&format!("meeting/{body_slug}/{d}-{stem}")),
        Some(d) => cfg.node(&format!("meeting/{body_slug}/{d}")),
        // Undated minutes stay apart from every dated meeting, keyed by their file.
        None => cfg.node(&format!("meeting/{body_slug}/undated-{stem}")),
    }
}

/// An organisation's name as `ref:nameKey` holds it: trimmed and lower-cased like SPARQL's
/// `LCASE`, so a query finds an organisation by any of its names, in any case, with one
/// index look-up (`BIND (LCASE(STR(?org)) AS ?key) ?o ref:nameKey ?key`) instead of a
/// filter over every label in the store.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn t(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// Collects quads in first-emission order, dropping repeats, and sorts each into the
/// document's graph or the shared entities graph.
struct Out {
    graph: GraphName,
    shared_graph: GraphName,
    /// IRIs of the nodes this document owns: its document node and its meeting; every
    /// node minted under one of them is owned too. Meetings it only refers to are not
    /// owned: several minutes refer to the same meeting.
    owned: Vec<String>,
    /// May hold repeats until [`to_quads`] drops them.
    quads: Vec<Quad>,
    shared: Vec<Quad>,
    /// What the gazetteer graph already states; not repeated in the shared graph.
    gazetteer: Arc<HashSet<Triple>>,
}

impl Out {
    fn owns(&self, iri: &str) -> bool {
        self.owned.iter().any(|o| {
            iri.strip_prefix(o.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// A statement about a node no document owns (organisation, person, role, case,
    /// concept, the software agent) that links to nothing this
    /// document owns goes to the shared entities graph, where it is stored once however
    /// many documents state it. Kept in every document graph instead, the union default
    /// graph would hold one copy per document and every join through such a hub would
    /// multiply rows by the number of documents.
    fn add(&mut self, s: &NamedNode, p: NamedNode, o: impl Into<Term>) {
        let o = o.into();
        let shared = !self.owns(s.as_str())
            && match &o {
                Term::NamedNode(n) => !self.owns(n.as_str()),
                _ => true,
            };
        self.push(s, p, o, shared);
    }

    fn push(&mut self, s: &NamedNode, p: NamedNode, o: Term, shared: bool) {
        if shared && !self.gazetteer.is_empty() {
            let triple = Triple::new(s.clone(), p, o);
            if self.gazetteer.contains(&triple) {
                return;
            }
            let Triple {
                predicate: p,
                object: o,
                ..
            } = triple;
            return self.push_unchecked(s, p, o, shared);
        }
        self.push_unchecked(s, p, o, shared)
    }

    fn push_unchecked(&mut self, s: &NamedNode, p: NamedNode, o: Term, shared: bool) {
        let graph = if shared {
            self.shared_graph.clone()
        } else {
            self.graph.clone()
        };
        let q = Quad::new(NamedOrBlankNode::from(s.clone()), p, o, graph);
        if shared {
            self.shared.push(q);
        } else {
            self.quads.push(q);
        }
    }

    /// What identifies a meeting (its type, body and date) goes to the shared graph even
    /// for the document's own meeting: the next minutes refer to it too, and one copy in
    /// the store keeps every join on `?meeting dct:date` from multiplying rows.
    fn meeting_identity(&mut self, z: &NamedNode, body: Option<&NamedNode>, date: Option<&str>) {
        self.push(z, t(RDF, "type"), t(BESLUIT, "Zitting").into(), true);
        if let Some(b) = body {
            self.push(z, t(BESLUIT, "isGehoudenDoor"), b.clone().into(), true);
        }
        if let Some(d) = date.map(str::trim).filter(|d| iri::is_iso_date(d)) {
            let lit = Literal::new_typed_literal(d, t(XSD, "date"));
            self.push(z, t(DCT, "date"), lit.into(), true);
        }
    }

    fn a(&mut self, s: &NamedNode, ns: &str, class: &str) {
        self.add(s, t(RDF, "type"), t(ns, class));
    }

    fn text(&mut self, s: &NamedNode, p: NamedNode, v: &str) {
        let v = v.trim();
        if !v.is_empty() {
            self.add(s, p, Literal::new_simple_literal(v));
        }
    }

    /// An organisation's name (`skos:prefLabel` or `skos:altLabel`) and its [`name_key`].
    fn org_name(&mut self, o: &NamedNode, p: NamedNode, v: &str) {
        if !v.trim().is_empty() {
            self.text(o, p, v);
            self.text(o, t(REF, "nameKey"), &name_key(v));
        }
    }

    fn text_da(&mut self, s: &NamedNode, p: NamedNode, v: &str) {
        let v = v.trim();
        if !v.is_empty() {
            if let Ok(l) = Literal::new_language_tagged_literal(v, "da") {
                self.add(s, p, l);
            }
        }
    }

    fn typed(&mut self, s: &NamedNode, p: NamedNode, lexical: &str, dt: &str) {
        self.add(s, p, Literal::new_typed_literal(lexical, t(XSD, dt)));
    }

    fn date(&mut self, s: &NamedNode, p: NamedNode, v: Option<&str>) {
        if let Some(d) = v.map(str::trim).filter(|d| iri::is_iso_date(d)) {
            self.typed(s, p, d, "date");
        }
    }

    fn int(&mut self, s: &NamedNode, p: NamedNode, v: usize, dt: &str) {
        self.typed(s, p, &v.to_string(), dt);
    }
}

/// The mapping of one document; holds the lookups built from the model.
struct Mapper<'a> {
    m: &'a Minutes,
    cfg: &'a RdfConfig,
    out: Out,
    doc: NamedNode,
    activity: NamedNode,
    meeting: NamedNode,
    body: Option<NamedNode>,
    /// Item number → item IRI (first item with that number wins).
    items: BTreeMap<String, NamedNode>,
    /// Lower-cased organisation name or alias → canonical name.
    org_names: BTreeMap<String, String>,
    /// Lower-cased person name or alias → canonical name.
    person_names: BTreeMap<String, String>,
    /// Item spans, to fall back on for facts the model gives no span of their own.
    item_spans: BTreeMap<String, Span>,
}

impl<'a> Mapper<'a> {
    fn new(m: &'a Minutes, cfg: &'a RdfConfig) -> Self {
        let stem = document_stem(&m.source.path);
        let doc = cfg.node(&format!("document/{stem}"));
        let activity = cfg.node(&format!("document/{stem}/extraction"));
        let body_name = body_name(m);
        let meeting = meeting_of(m, cfg);
        let mut org_names = BTreeMap::new();
        for o in &m.organisations {
            for alias in std::iter::once(&o.name).chain(&o.aliases) {
                org_names
                    .entry(alias.trim().to_lowercase())
                    .or_insert_with(|| o.name.trim().to_string());
            }
        }
        let mut person_names = BTreeMap::new();
        for p in &m.persons {
            for alias in std::iter::once(&p.name).chain(&p.aliases) {
                person_names
                    .entry(alias.trim().to_lowercase())
                    .or_insert_with(|| p.name.trim().to_string());
            }
        }
        let mut items = BTreeMap::new();
        let mut item_spans = BTreeMap::new();
        for it in &m.items {
            let key = it.number.trim().to_string();
            if !items.contains_key(&key) {
                items.insert(
                    key.clone(),
                    NamedNode::new_unchecked(format!(
                        "{}/item/{}",
                        meeting.as_str(),
                        iri::encode_segment(&key)
                    )),
                );
                item_spans.insert(key, it.span);
            }
        }
        Self {
            m,
            cfg,
            out: Out {
                graph: GraphName::NamedNode(document_graph(m, cfg)),
                shared_graph: GraphName::NamedNode(entities_graph(cfg)),
                owned: vec![doc.as_str().to_string(), meeting.as_str().to_string()],
                quads: Vec::new(),
                shared: Vec::new(),
                gazetteer: gazetteer::shipped_triples(cfg),
            },
            doc,
            activity,
            meeting,
            body: body_name.map(|b| organisation_iri(b, cfg)),
            items,
            org_names,
            person_names,
            item_spans,
        }
    }

    fn run(&mut self) {
        self.document();
        self.meeting();
        self.items();
        self.organisations();
        self.persons();
        self.amounts();
        self.references();
        self.reported_decisions();
        self.requests();
        self.relations();
    }

    fn sub(node: &NamedNode, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}/{path}", node.as_str()))
    }

    /// The item a fact is stated in, or the meeting when the item is unknown.
    fn context(&self, item: Option<&str>) -> NamedNode {
        item.and_then(|n| self.items.get(n.trim()))
            .cloned()
            .unwrap_or_else(|| self.meeting.clone())
    }

    fn concept(&mut self, scheme: &Scheme, token: &str) -> Option<NamedNode> {
        let (tok, da, en) = scheme.concept(token)?;
        let c = NamedNode::new_unchecked(scheme.concept_iri(&tok));
        let s = NamedNode::new_unchecked(scheme.scheme_iri());
        self.out.a(&c, SKOS, "Concept");
        self.out.add(&c, t(SKOS, "inScheme"), s.clone());
        self.out.text(&c, t(SKOS, "notation"), &tok);
        let da = if da.is_empty() { tok.as_str() } else { da };
        self.out.text_da(&c, t(SKOS, "prefLabel"), da);
        if !en.is_empty() {
            if let Ok(l) = Literal::new_language_tagged_literal(en, "en") {
                self.out.add(&c, t(SKOS, "prefLabel"), l);
            }
        }
        self.out.a(&s, SKOS, "ConceptScheme");
        Some(c)
    }

    /// Records where a fact was read: an annotation targeting a span of the document.
    fn annotate(&mut self, fact: &NamedNode, span: Option<Span>) {
        let path = fact
            .as_str()
            .strip_prefix(&self.cfg.normalised_base())
            .unwrap_or(fact.as_str())
            .to_string();
        let ann = Self::sub(&self.doc, &format!("annotation/{path}"));
        let target = Self::sub(&ann, "target");
        self.out.a(&ann, OA, "Annotation");
        self.out
            .add(&ann, t(OA, "motivatedBy"), t(OA, "identifying"));
        self.out.add(&ann, t(OA, "hasBody"), fact.clone());
        self.out.add(&ann, t(OA, "hasTarget"), target.clone());
        self.out
            .add(&ann, t(PROV, "wasGeneratedBy"), self.activity.clone());
        self.out.a(&target, OA, "SpecificResource");
        self.out.add(&target, t(OA, "hasSource"), self.doc.clone());
        if let Some(span) = span.filter(|s| s.end > s.start) {
            let sel = Self::sub(&ann, "selector");
            self.out.add(&target, t(OA, "hasSelector"), sel.clone());
            self.out.a(&sel, OA, "TextPositionSelector");
            // xsd:integer, not the xsd:nonNegativeInteger of the OA spec: Oxigraph stores
            // derived integer types as xsd:integer, so the spec type would not survive a load.
            self.out.int(&sel, t(OA, "start"), span.start, "integer");
            self.out.int(&sel, t(OA, "end"), span.end, "integer");
        }
    }

    fn item_span(&self, item: Option<&str>) -> Option<Span> {
        item.and_then(|n| self.item_spans.get(n.trim())).copied()
    }

    /// The node for an actor named in a fact: a person of this document if the name is one
    /// of theirs, otherwise an organisation (created here if the parser listed it nowhere).
    fn actor(&mut self, name: &str) -> Option<NamedNode> {
        let key = name.trim().to_lowercase();
        if key.is_empty() {
            return None;
        }
        if let Some(p) = self.person_names.get(&key) {
            return Some(person_iri(p, self.cfg));
        }
        Some(self.organisation(name))
    }

    fn organisation(&mut self, name: &str) -> NamedNode {
        let canonical = self
            .org_names
            .get(&name.trim().to_lowercase())
            .cloned()
            .unwrap_or_else(|| name.trim().to_string());
        let o = organisation_iri(&canonical, self.cfg);
        self.out.a(&o, ORG, "Organization");
        self.out.org_name(&o, t(SKOS, "prefLabel"), &canonical);
        o
    }

    fn document(&mut self) {
        let src = &self.m.source;
        let doc = self.doc.clone();
        let act = self.activity.clone();
        self.out.a(&doc, FOAF, "Document");
        let file = src.path.rsplit(['/', '\\']).next().unwrap_or(&src.path);
        self.out.text(&doc, t(SCHEMA, "name"), file);
        self.out.text(&doc, t(REF, "sha256"), &src.sha256);
        self.out.typed(
            &doc,
            t(REF, "ocrRepaired"),
            if src.ocr_repaired { "true" } else { "false" },
            "boolean",
        );
        self.out
            .int(&doc, t(REF, "characterCount"), src.chars, "integer");
        self.out
            .add(&doc, t(FOAF, "primaryTopic"), self.meeting.clone());

        let agent = self.cfg.node(&format!(
            "agent/referat/{}",
            iri::encode_segment(&self.cfg.extractor_version)
        ));
        self.out.a(&act, PROV, "Activity");
        self.out.a(&act, REF, "Extraction");
        self.out.add(&act, t(PROV, "used"), doc.clone());
        self.out
            .add(&act, t(PROV, "wasAssociatedWith"), agent.clone());
        for w in &self.m.warnings {
            self.out.text(&act, t(REF, "warning"), w);
        }
        self.out.a(&agent, PROV, "SoftwareAgent");
        self.out.text(&agent, t(SCHEMA, "name"), "referat");
        self.out.text(
            &agent,
            t(SCHEMA, "softwareVersion"),
            &self.cfg.extractor_version,
        );
    }

    fn meeting(&mut self) {
        let mt = &self.m.meeting;
        let z = self.meeting.clone();
        let date = mt
            .date
            .as_deref()
            .map(str::trim)
            .filter(|d| iri::is_iso_date(d));
        self.out.meeting_identity(&z, self.body.as_ref(), date);
        if let Some(body) = self.body.clone() {
            self.out.a(&body, BESLUIT, "Bestuursorgaan");
            self.out.a(&body, ORG, "Organization");
            if let Some(name) = mt.body.as_deref() {
                let canonical = self
                    .org_names
                    .get(&name.trim().to_lowercase())
                    .cloned()
                    .unwrap_or_else(|| name.trim().to_string());
                self.out.org_name(&body, t(SKOS, "prefLabel"), &canonical);
            }
        }
        if let (Some(d), Some(time)) = (date, mt.start_time.as_deref().map(str::trim)) {
            if iri::is_clock_time(time) {
                let secs = if time.len() == 5 { ":00" } else { "" };
                // Local (Danish) wall-clock time: the minutes give no zone, so none is invented.
                self.out.typed(
                    &z,
                    t(BESLUIT, "geplandeStart"),
                    &format!("{d}T{time}{secs}"),
                    "dateTime",
                );
            }
        }
        if let Some(loc) = mt.location.as_deref() {
            self.out.text(&z, t(SCHEMA, "location"), loc);
        }
        self.out.text(&z, t(REF, "dateSource"), &mt.date_source);
        self.out
            .add(&z, t(BESLUIT, "heeftNotulen"), self.doc.clone());
        if let Some(c) = self.concept(&KNOWN_FROM, "minutes") {
            self.out.add(&z, t(REF, "knownFrom"), c);
        }
        for p in &mt.participants {
            let name = self
                .person_names
                .get(&p.name.trim().to_lowercase())
                .cloned()
                .unwrap_or_else(|| p.name.trim().to_string());
            if name.is_empty() {
                continue;
            }
            let person = person_iri(&name, self.cfg);
            self.out.a(&person, FOAF, "Person");
            self.out.text(&person, t(FOAF, "name"), &name);
            self.out.add(&z, t(SCHEMA, "attendee"), person);
        }
        for s in &self.m.sections {
            let sec = Self::sub(&z, &format!("section/{}", iri::encode_segment(&s.number)));
            self.out.a(&sec, REF, "Section");
            self.out.text(&sec, t(SKOS, "notation"), s.number.trim());
            self.out.text(&sec, t(DCT, "title"), &s.title);
            self.out.add(&sec, t(DCT, "isPartOf"), z.clone());
        }
    }

    fn items(&mut self) {
        let m = self.m;
        let mut done = HashSet::new();
        for (pos, it) in m.items.iter().enumerate() {
            let number = it.number.trim();
            if !done.insert(number.to_string()) {
                continue; // a repeated number was reported by the parser; keep the first.
            }
            let Some(item) = self.items.get(number).cloned() else {
                continue;
            };
            let z = self.meeting.clone();
            self.out.add(&z, t(BESLUIT, "behandelt"), item.clone());
            self.out.a(&item, BESLUIT, "Agendapunt");
            self.out.text(&item, t(SKOS, "notation"), number);
            self.out.text(&item, t(DCT, "title"), &it.title);
            self.out
                .int(&item, t(SCHEMA, "position"), pos + 1, "integer");
            if !it.section.trim().is_empty() {
                let sec = Self::sub(&z, &format!("section/{}", iri::encode_segment(&it.section)));
                self.out.add(&item, t(DCT, "isPartOf"), sec);
            }
            if let Some(cn) = it
                .case_number
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                let case = case_iri(cn, self.cfg);
                self.out.a(&case, REF, "Case");
                self.out.text(&case, t(DCT, "identifier"), cn);
                self.out.add(&item, t(REF, "case"), case);
            }
            for o in &it.case_officers {
                self.out.text(&item, t(REF, "caseOfficer"), o);
            }
            for u in &it.urls {
                self.out.text(&item, t(SCHEMA, "url"), u);
            }
            self.annotate(&item, Some(it.span));

            for (heading, text) in &it.parts {
                let part = Self::sub(&item, &format!("part/{}", slug(heading)));
                self.out.a(&part, REF, "ItemPart");
                self.out.add(&part, t(DCT, "isPartOf"), item.clone());
                self.out.text(&part, t(DCT, "title"), heading);
                self.out.text(&part, t(PROV, "value"), text);
                let kind = PART_KINDS
                    .concept(&slug(heading))
                    .map_or("other".to_string(), |c| c.0);
                if let Some(c) = self.concept(&PART_KINDS, &kind) {
                    self.out.add(&part, t(DCT, "type"), c);
                }
            }

            let treatment = Self::sub(&item, "treatment");
            let decision = Self::sub(&item, "decision");
            self.out.a(&treatment, BESLUIT, "BehandelingVanAgendapunt");
            self.out.add(&treatment, t(DCT, "subject"), item.clone());
            self.out
                .add(&treatment, t(PROV, "generated"), decision.clone());
            self.out.a(&decision, BESLUIT, "Besluit");
            self.out
                .text(&decision, t(PROV, "value"), &it.decision.text);
            if let Some(body) = self.body.clone() {
                self.out.add(&decision, t(ELI, "passed_by"), body);
            }
            let kind = it.decision.kind.trim();
            if let Some(c) = self.concept(&DECISION_KINDS, kind) {
                self.out.add(&decision, t(REF, "decisionKind"), c);
            }
            let follows = matches!(kind, "approved" | "endorsed");
            for (n, r) in it.recommendations.iter().enumerate() {
                let rec = Self::sub(&item, &format!("recommendation/{}", n + 1));
                self.out.a(&rec, REF, "Recommendation");
                self.out.text(&rec, t(PROV, "value"), r);
                self.out.int(&rec, t(SCHEMA, "position"), n + 1, "integer");
                self.out
                    .add(&treatment, t(REF, "recommendation"), rec.clone());
                if follows {
                    self.out.add(&decision, t(PROV, "wasDerivedFrom"), rec);
                }
            }
            // The model has no span of its own for a decision: its item's span is the
            // narrowest true statement of where it was read.
            self.annotate(&decision, Some(it.span));
        }
    }

    fn organisations(&mut self) {
        let m = self.m;
        for o in &m.organisations {
            let node = self.organisation(&o.name);
            for a in &o.aliases {
                if a.trim() != o.name.trim() {
                    self.out.org_name(&node, t(SKOS, "altLabel"), a);
                }
            }
            if let Some(c) = self.concept(&ORGANISATION_KINDS, &o.kind) {
                self.out.add(&node, t(ORG, "classification"), c);
            }
            for n in &o.items {
                let ctx = self.context(Some(n));
                self.out.add(&node, t(REF, "mentionedIn"), ctx);
            }
        }
    }

    fn persons(&mut self) {
        let m = self.m;
        for p in &m.persons {
            let name = p.name.trim();
            if name.is_empty() {
                continue;
            }
            let person = person_iri(name, self.cfg);
            self.out.a(&person, FOAF, "Person");
            self.out.text(&person, t(FOAF, "name"), name);
            for a in &p.aliases {
                if a.trim() != name {
                    self.out.text(&person, t(SKOS, "altLabel"), a);
                }
            }
            for why in &p.merged_from {
                self.out.text(&person, t(SKOS, "historyNote"), why);
            }
            for (n, r) in p.roles.iter().enumerate() {
                let ms = Self::sub(
                    &self.meeting,
                    &format!("membership/{}/{}", slug(name), n + 1),
                );
                self.out.a(&ms, ORG, "Membership");
                self.out.add(&ms, t(ORG, "member"), person.clone());
                let role_text = r.role.trim();
                if !role_text.is_empty() {
                    let role = self.cfg.node(&format!("role/{}", slug(role_text)));
                    self.out.a(&role, ORG, "Role");
                    self.out.a(&role, SKOS, "Concept");
                    self.out.text_da(&role, t(SKOS, "prefLabel"), role_text);
                    self.out.add(&ms, t(ORG, "role"), role);
                }
                if let Some(org) = r.organisation.as_deref().filter(|o| !o.trim().is_empty()) {
                    let o = self.organisation(org);
                    self.out.add(&ms, t(ORG, "organization"), o);
                }
                let ctx = self.context(r.item.as_deref());
                self.out.add(&ms, t(REF, "statedIn"), ctx);
                let span = self.item_span(r.item.as_deref());
                self.annotate(&ms, span);
            }
        }
    }

    /// Amounts whose span lies inside `span`: the money a request, reported decision or
    /// relation is about (the model gives no payer/payee, so text containment decides).
    fn amounts_within(&self, span: Span) -> Vec<NamedNode> {
        if span.end <= span.start {
            return Vec::new();
        }
        self.amount_nodes()
            .into_iter()
            .filter(|(s, _)| s.start >= span.start && s.end <= span.end && s.end > s.start)
            .map(|(_, n)| n)
            .collect()
    }

    fn amount_nodes(&self) -> Vec<(Span, NamedNode)> {
        let mut counters: BTreeMap<String, usize> = BTreeMap::new();
        self.m
            .amounts
            .iter()
            .map(|a| {
                let ctx = self.context(a.item.as_deref());
                let n = counters.entry(ctx.as_str().to_string()).or_default();
                *n += 1;
                (a.span, Self::sub(&ctx, &format!("amount/{n}")))
            })
            .collect()
    }

    fn amounts(&mut self) {
        let nodes = self.amount_nodes();
        for (a, (_, node)) in self.m.amounts.iter().zip(nodes) {
            let Some(value) = iri::decimal_lexical(a.value) else {
                continue;
            };
            self.out.a(&node, SCHEMA, "MonetaryAmount");
            self.out.typed(&node, t(SCHEMA, "value"), &value, "decimal");
            if let Some(max) = a.value_max.and_then(iri::decimal_lexical) {
                self.out
                    .typed(&node, t(SCHEMA, "maxValue"), &max, "decimal");
            }
            self.out.text(&node, t(SCHEMA, "currency"), &a.currency);
            if let Some(per) = a.per.as_deref() {
                self.out.text(&node, t(REF, "per"), per);
            }
            if let Some(y) = a.year.filter(|y| (1000..=9999).contains(y)) {
                self.out
                    .typed(&node, t(REF, "priceYear"), &y.to_string(), "gYear");
            }
            self.out.text(&node, t(PROV, "value"), &a.text);
            let ctx = self.context(a.item.as_deref());
            self.out.add(&node, t(REF, "statedIn"), ctx);
            self.annotate(&node, Some(a.span));
        }
    }

    fn references(&mut self) {
        let m = self.m;
        let mut counters: BTreeMap<String, usize> = BTreeMap::new();
        for r in &m.references {
            let ctx = self.context(r.item.as_deref());
            let n = counters.entry(ctx.as_str().to_string()).or_default();
            *n += 1;
            let node = Self::sub(&ctx, &format!("reference/{n}"));
            self.out.a(&node, REF, "CrossReference");
            if let Some(c) = self.concept(&REFERENCE_KINDS, &r.kind) {
                self.out.add(&node, t(REF, "referenceKind"), c);
            }
            self.out.date(&node, t(DCT, "date"), r.date.as_deref());
            if let Some(u) = r.url.as_deref() {
                self.out.text(&node, t(SCHEMA, "url"), u);
            }
            self.out.text(&node, t(PROV, "value"), &r.text);
            self.out.add(&node, t(REF, "statedIn"), ctx.clone());
            let date = r
                .date
                .as_deref()
                .map(str::trim)
                .filter(|d| iri::is_iso_date(d));
            let about_meeting = MEETING_REFERENCE_KINDS.contains(&r.kind.trim());
            if let (Some(d), Some(body), true) =
                (date, self.m.meeting.body.as_deref(), about_meeting)
            {
                let other = meeting_iri(body, d, self.cfg);
                if other != self.meeting {
                    // Not owned: several minutes refer to the same meeting, so what they
                    // say about it goes once into the shared graph.
                    self.out
                        .meeting_identity(&other, self.body.as_ref(), Some(d));
                    if let Some(c) = self.concept(&KNOWN_FROM, "reference") {
                        self.out.add(&other, t(REF, "knownFrom"), c);
                    }
                }
                self.out.add(&node, t(REF, "referencedMeeting"), other);
            }
            self.annotate(&node, Some(r.span));
        }
    }

    fn reported_decisions(&mut self) {
        let m = self.m;
        let mut counters: BTreeMap<String, usize> = BTreeMap::new();
        for d in &m.reported_decisions {
            let ctx = self.context(d.item.as_deref());
            let n = counters.entry(ctx.as_str().to_string()).or_default();
            *n += 1;
            let node = Self::sub(&ctx, &format!("reported-decision/{n}"));
            self.out.a(&node, REF, "ReportedDecision");
            if let Some(by) = self.actor(&d.by) {
                self.out.add(&node, t(ELI, "passed_by"), by);
            }
            self.out.text(&node, t(PROV, "value"), &d.what);
            self.out.date(&node, t(DCT, "date"), d.date.as_deref());
            for a in self.amounts_within(d.span) {
                self.out.add(&node, t(REF, "amount"), a);
            }
            self.out.add(&node, t(REF, "statedIn"), ctx);
            self.annotate(&node, Some(d.span));
        }
    }

    fn requests(&mut self) {
        let m = self.m;
        let mut counters: BTreeMap<String, usize> = BTreeMap::new();
        for r in &m.requests {
            let ctx = self.context(r.item.as_deref());
            let n = counters.entry(ctx.as_str().to_string()).or_default();
            *n += 1;
            let node = Self::sub(&ctx, &format!("request/{n}"));
            self.out.a(&node, REF, "Request");
            if let Some(from) = self.actor(&r.from) {
                self.out.add(&node, t(REF, "requester"), from);
            }
            if let Some(to) = self.actor(&r.to) {
                self.out.add(&node, t(REF, "addressee"), to);
            }
            self.out.text(&node, t(PROV, "value"), &r.about);
            for a in self.amounts_within(r.span) {
                self.out.add(&node, t(REF, "amount"), a);
            }
            self.out.add(&node, t(REF, "statedIn"), ctx);
            self.annotate(&node, Some(r.span));
        }
    }

    fn relations(&mut self) {
        let m = self.m;
        let mut counters: BTreeMap<String, usize> = BTreeMap::new();
        for r in &m.relations {
            let ctx = self.context(r.item.as_deref());
            let n = counters.entry(ctx.as_str().to_string()).or_default();
            *n += 1;
            let node = Self::sub(&ctx, &format!("relation/{n}"));
            let Some(kind) = self.concept(&RELATION_KINDS, &r.relation) else {
                continue;
            };
            let token = RELATION_KINDS
                .concept(&r.relation)
                .map(|c| c.0)
                .unwrap_or_default();
            self.out.a(&node, REF, "OrganisationalRelation");
            self.out.add(&node, t(REF, "relationKind"), kind.clone());
            let subject = self.actor(&r.subject);
            let object = self.actor(&r.object);
            if let Some(s) = &subject {
                self.out.add(&node, t(REF, "actor"), s.clone());
            }
            if let Some(o) = &object {
                self.out.add(&node, t(REF, "target"), o.clone());
            }
            let from = r
                .from
                .as_deref()
                .map(str::trim)
                .filter(|d| iri::is_iso_date(d));
            let until = r
                .until
                .as_deref()
                .map(str::trim)
                .filter(|d| iri::is_iso_date(d));
            self.out.date(&node, t(SCHEMA, "startDate"), from);
            self.out.date(&node, t(SCHEMA, "endDate"), until);
            if MEMBERSHIP_RELATIONS.contains(&token.as_str()) {
                self.out.a(&node, ORG, "Membership");
                if let Some(s) = &subject {
                    self.out.add(&node, t(ORG, "member"), s.clone());
                }
                if let Some(o) = &object {
                    self.out.add(&node, t(ORG, "organization"), o.clone());
                }
                self.out.add(&node, t(ORG, "role"), kind);
                if from.is_some() || until.is_some() {
                    let interval = Self::sub(&node, "interval");
                    self.out
                        .add(&node, t(ORG, "memberDuring"), interval.clone());
                    self.out.a(&interval, TIME, "Interval");
                    for (p, d, leg) in [
                        ("hasBeginning", from, "beginning"),
                        ("hasEnd", until, "end"),
                    ] {
                        if let Some(d) = d {
                            let instant = Self::sub(&interval, leg);
                            self.out.add(&interval, t(TIME, p), instant.clone());
                            self.out.a(&instant, TIME, "Instant");
                            self.out.date(&instant, t(TIME, "inXSDDate"), Some(d));
                        }
                    }
                }
            } else {
                self.out.a(&node, ORG, "ChangeEvent");
                if let Some(s) = &subject {
                    self.out.add(&node, t(PROV, "wasAssociatedWith"), s.clone());
                }
                if let Some(o) = &object {
                    let p = if ENDING_RELATIONS.contains(&token.as_str()) {
                        "originalOrganization"
                    } else {
                        "resultingOrganization"
                    };
                    self.out.add(&node, t(ORG, p), o.clone());
                }
            }
            for a in self.amounts_within(r.span) {
                self.out.add(&node, t(REF, "amount"), a);
            }
            self.out.add(&node, t(REF, "statedIn"), ctx);
            self.annotate(&node, Some(r.span));
        }
    }
}

#[cfg(test)]
mod tests;
