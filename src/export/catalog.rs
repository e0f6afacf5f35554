//! The DCAT-AP catalog: what a data portal needs to list the export, with VoID statistics.
//!
//! Written against DCAT-AP 2.1.1 (the profile DCAT-AP-DK builds on): a `dcat:Catalog` with
//! one `dcat:Dataset` (also a `void:Dataset`) and a `dcat:Distribution` per file, EU
//! authority tables for themes, languages, file types, frequency and licence (as DCAT-AP-DK
//! asks), VoID counts (triples, entities per class as `void:classPartition`, links to
//! external registries as `void:Linkset`s), the licence and a provenance statement. Dates
//! come from `SOURCE_DATE_EPOCH` when set (reproducible catalogs), else today. Download
//! URLs are `$REFERAT_DOWNLOAD_URL` + file name (default `{base}download/`); the publisher
//! name is `$REFERAT_PUBLISHER` and the contact `$REFERAT_CONTACT` (a URL or e-mail).

use super::{base_of, export_graphs, union, union_runs, DumpFile, Format};
use crate::rdf::{slug, RdfConfig};
use crate::store::GraphStore;
use anyhow::{anyhow, Result};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{vocab::rdf, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::{BTreeMap, BTreeSet};

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const VOID: &str = "http://rdfs.org/ns/void#";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const SPDX: &str = "http://spdx.org/rdf/terms#";
const PROV: &str = "http://www.w3.org/ns/prov#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
const OWL: &str = "http://www.w3.org/2002/07/owl#";
const EU: &str = "http://publications.europa.eu/resource/authority/";

/// The licence of the data: CC BY 4.0, attribution to KL for the minutes text.
pub const LICENCE: &str = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0";
/// Attribution statement, Danish and English.
pub const ATTRIBUTION: [(&str, &str); 2] = [
    (
        "Referaterne er udgivet af KL (Kommunernes Landsforening) og KKR. Data udtrukket med referat; registerkoder fra DAGI (Klimadatastyrelsen), Danmarks Statistik, CVR, ROR og Wikidata. Genbrug efter CC BY 4.0 med kildeangivelse: \"Kilde: KL/KKR-referater, bearbejdet med referat\".",
        "da",
    ),
    (
        "The minutes are published by KL (Local Government Denmark) and the KKRs. Data extracted with referat; registry codes from DAGI (Danish Agency for Climate Data), Statistics Denmark, CVR, ROR and Wikidata. Reuse under CC BY 4.0 with attribution: \"Source: KL/KKR minutes, processed with referat\".",
        "en",
    ),
];

/// Properties that link an entity to the same or a matching thing elsewhere.
const LINK_PREDICATES: &[&str] = &[
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/2004/02/skos/core#closeMatch",
    "http://www.w3.org/2004/02/skos/core#broadMatch",
    "http://www.w3.org/2004/02/skos/core#narrowMatch",
    "http://www.w3.org/2004/02/skos/core#relatedMatch",
    "http://schema.org/sameAs",
];

struct G {
    triples: Vec<Triple>,
}

impl G {
    fn add(&mut self, s: &str, p: &str, o: Term) -> Result<()> {
        let s = NamedNode::new(s).map_err(|e| anyhow!("bad catalog IRI {s}: {e}"))?;
        let p = NamedNode::new_unchecked(p);
        self.triples.push(Triple::new(s, p, o));
        Ok(())
    }
    fn iri(&mut self, s: &str, p: &str, o: &str) -> Result<()> {
        let o = NamedNode::new(o).map_err(|e| anyhow!("bad catalog IRI {o}: {e}"))?;
        self.add(s, p, o.into())
    }
    fn a(&mut self, s: &str, class: &str) -> Result<()> {
        self.iri(s, &format!("{RDF}type"), class)
    }
    fn lit(&mut self, s: &str, p: &str, v: &str) -> Result<()> {
        self.add(s, p, Literal::new_simple_literal(v).into())
    }
    fn lang(&mut self, s: &str, p: &str, v: &str, lang: &str) -> Result<()> {
        let l = Literal::new_language_tagged_literal(v, lang)
            .map_err(|e| anyhow!("bad language tag {lang}: {e}"))?;
        self.add(s, p, l.into())
    }
    fn typed(&mut self, s: &str, p: &str, v: &str, dt: &str) -> Result<()> {
        self.add(
            s,
            p,
            Literal::new_typed_literal(v, NamedNode::new_unchecked(format!("{XSD}{dt}"))).into(),
        )
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The release date: `SOURCE_DATE_EPOCH` when set, else today (UTC).
fn release_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| default.to_string())
}

/// (media type, EU file type, description) of a dump file.
fn file_kind(path: &str) -> (&'static str, &'static str, &'static str) {
    let formats = Format::ALL;
    if let Some(f) = formats.iter().find(|f| f.file_name() == path) {
        return match f {
            Format::Turtle => ("text/turtle", "RDF_TURTLE", "The whole graph (union of the document graphs) in Turtle."),
            Format::NTriples => ("application/n-triples", "RDF_N_TRIPLES", "The whole graph (union of the document graphs) in N-Triples."),
            Format::NQuads => ("application/n-quads", "RDF_N_QUADS", "Every document graph in N-Quads, one named graph per source document."),
            Format::TriG => ("application/trig", "RDF_TRIG", "Every document graph in TriG, one named graph per source document."),
            Format::RdfXml => ("application/rdf+xml", "RDF_XML", "The whole graph (union of the document graphs) in RDF/XML."),
            Format::JsonLd => ("application/ld+json", "JSON_LD", "Meetings framed as JSON-LD documents (meeting, items, decisions), with the context inline."),
            Format::JsonLdFlat => ("application/ld+json", "JSON_LD", "Every document graph as flat JSON-LD."),
        };
    }
    if path == "context.jsonld" {
        return (
            "application/ld+json",
            "JSON_LD",
            "The JSON-LD context: short names for the vocabulary.",
        );
    }
    if path.ends_with("datapackage.json") {
        return (
            "application/json",
            "JSON",
            "Frictionless Data package describing the CSV tables.",
        );
    }
    (
        "text/csv",
        "CSV",
        "CSV table (UTF-8, header row); see datapackage.json.",
    )
}

/// The files a dump holds, for a catalog written without a dump.
fn default_files() -> Vec<DumpFile> {
    let mut names: Vec<String> = Format::ALL
        .iter()
        .map(|f| f.file_name().to_string())
        .collect();
    names.push("context.jsonld".into());
    for t in super::tables::TABLE_NAMES {
        names.push(format!("tables/{t}.csv"));
    }
    names.push("tables/datapackage.json".into());
    names
        .into_iter()
        .map(|path| DumpFile {
            path,
            bytes: 0,
            sha256: String::new(),
        })
        .collect()
}

/// The catalog as Turtle, with statistics read from the store. `files` are the dump's
/// files (with sizes and checksums); empty means "describe the standard file set" without
/// them.
pub fn catalog_turtle(gs: &GraphStore, files: &[DumpFile]) -> Result<String> {
    turtle(gs.config(), &Stats::of_store(gs)?, files)
}

/// The catalog as Turtle, from statistics already gathered (a dump gathers them from the
/// N-Triples file it wrote rather than reading the store once more).
pub fn turtle(config: &RdfConfig, stats: &Stats, files: &[DumpFile]) -> Result<String> {
    let triples = catalog_triples(config, stats, files)?;
    let mut keyed: Vec<(String, Triple)> =
        triples.into_iter().map(|t| (t.to_string(), t)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    let mut ser = RdfSerializer::from_format(RdfFormat::Turtle);
    for (p, iri) in crate::rdf::prefixes() {
        ser = ser
            .with_prefix(*p, *iri)
            .map_err(|e| anyhow!("bad prefix {p}: {e}"))?;
    }
    for (p, iri) in [
        ("dcat", DCAT),
        ("dct", DCT),
        ("void", VOID),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("spdx", SPDX),
        ("prov", PROV),
        ("rdfs", RDFS),
        ("skos", SKOS),
        ("xsd", XSD),
        ("owl", OWL),
    ] {
        ser = ser
            .with_prefix(p, iri)
            .map_err(|e| anyhow!("bad prefix {p}: {e}"))?;
    }
    let mut w = ser.for_writer(Vec::new());
    for (_, t) in &keyed {
        w.serialize_triple(t)?;
    }
    let bytes = w.finish()?;
    String::from_utf8(bytes).map_err(|e| anyhow!("catalog is not UTF-8: {e}"))
}

const MEETING_CLASS: &str = "http://data.vlaanderen.be/ns/besluit#Zitting";
const DOCUMENT_CLASS: &str = "http://xmlns.com/foaf/0.1/Document";
const DCT_DATE: &str = "http://purl.org/dc/terms/date";

/// The VoID statistics of the exported union and what the catalog says of its meetings
/// and documents.
///
/// Gathered in one pass over the triples in the order of their N-Triples lines (how
/// [`super::union::Runs`] yields them, and how `referat.nt` is written). Why that order: a
/// subject's triples are then contiguous, so what is counted per subject (its classes, a
/// meeting's date) needs only the current subject in memory, and the distinct objects are
/// counted by sorting them on disk. Memory stays that of one run, not of the store (a set
/// of every subject and object held 2.9 GB for 1 000 documents).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Triples of the union (`void:triples`).
    pub triples: u64,
    /// `void:distinctSubjects`.
    pub subjects: u64,
    /// `void:distinctObjects`.
    pub objects: u64,
    /// Subjects with at least one class (`void:entities`).
    pub entities: u64,
    /// The predicates (`void:properties` counts them).
    pub properties: BTreeSet<String>,
    /// Entities per class (`void:classPartition`).
    pub classes: BTreeMap<String, u64>,
    /// Namespaces of the predicates and classes (`void:vocabulary`).
    pub vocabularies: BTreeSet<String>,
    /// Subjects that are meetings.
    pub meetings: u64,
    /// The first meeting in the order of the triples (`void:exampleResource`).
    pub example_meeting: Option<String>,
    /// The earliest and latest meeting date (`dct:temporal`).
    pub dates: Option<(String, String)>,
    /// The source documents (`prov:used` of the export activity).
    pub documents: BTreeSet<String>,
    /// Links to other datasets: (host, link predicate) → triples.
    pub links: BTreeMap<(String, String), u64>,
}

/// What is known of the subject whose triples are being read.
#[derive(Default)]
struct Subject {
    meeting: bool,
    document: bool,
    typed: bool,
    dates: Vec<String>,
}

impl Stats {
    /// The statistics of every document graph and the default graph of the store.
    pub fn of_store(gs: &GraphStore) -> Result<Stats> {
        let graphs = export_graphs(gs, None)?;
        let runs = union_runs(gs, &graphs, true, union::RUN_BYTES)?;
        let triples = runs
            .into_triples()
            .map_err(|e| anyhow!("cannot read a temporary file back: {e}"))?;
        Stats::gather(triples, &base_of(gs), union::RUN_BYTES)
    }

    /// Gathers the statistics of unique triples given in the order of their N-Triples
    /// lines; distinct objects are sorted in runs of about `run_bytes`. `base` tells the
    /// store's own IRIs from links to other datasets.
    pub fn gather(
        triples: impl Iterator<Item = Result<Triple>>,
        base: &str,
        run_bytes: usize,
    ) -> Result<Stats> {
        let mut st = Stats::default();
        let mut objects = union::Runs::new(run_bytes);
        let mut current: Option<(NamedOrBlankNode, Subject)> = None;
        for t in triples {
            let t = t?;
            if current.as_ref().is_none_or(|(s, _)| *s != t.subject) {
                if let Some((s, facts)) = current.take() {
                    st.close(&s, facts);
                }
                current = Some((t.subject.clone(), Subject::default()));
            }
            let Some((_, facts)) = current.as_mut() else {
                continue;
            };
            st.triples += 1;
            objects
                .push(t.object.to_string())
                .map_err(|e| anyhow!("cannot write a temporary file: {e}"))?;
            let p = t.predicate.as_str();
            if !st.properties.contains(p) {
                st.properties.insert(p.to_string());
                st.vocabularies.insert(namespace(p));
            }
            if p == rdf::TYPE.as_str() {
                if let Term::NamedNode(c) = &t.object {
                    facts.typed = true;
                    facts.meeting |= c.as_str() == MEETING_CLASS;
                    facts.document |= c.as_str() == DOCUMENT_CLASS;
                    match st.classes.get_mut(c.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            st.classes.insert(c.as_str().to_string(), 1);
                            st.vocabularies.insert(namespace(c.as_str()));
                        }
                    }
                }
            }
            if p == DCT_DATE {
                if let Term::Literal(l) = &t.object {
                    facts.dates.push(l.value().to_string());
                }
            }
            if LINK_PREDICATES.contains(&p) {
                if let Term::NamedNode(o) = &t.object {
                    if !o.as_str().starts_with(base) {
                        if let Some(host) = host_of(o.as_str()) {
                            *st.links.entry((host, p.to_string())).or_default() += 1;
                        }
                    }
                }
            }
        }
        if let Some((s, facts)) = current.take() {
            st.close(&s, facts);
        }
        st.objects = objects
            .count_unique()
            .map_err(|e| anyhow!("cannot read a temporary file back: {e}"))?;
        st.vocabularies.retain(|v| !v.is_empty());
        Ok(st)
    }

    /// Counts a subject whose triples have all been read.
    fn close(&mut self, s: &NamedOrBlankNode, facts: Subject) {
        self.subjects += 1;
        self.entities += u64::from(facts.typed);
        if facts.document {
            if let NamedOrBlankNode::NamedNode(d) = s {
                self.documents.insert(d.as_str().to_string());
            }
        }
        if !facts.meeting {
            return;
        }
        self.meetings += 1;
        if self.example_meeting.is_none() {
            if let NamedOrBlankNode::NamedNode(m) = s {
                self.example_meeting = Some(m.as_str().to_string());
            }
        }
        for d in facts.dates {
            self.dates = Some(match self.dates.take() {
                None => (d.clone(), d),
                Some((first, last)) => (first.min(d.clone()), last.max(d)),
            });
        }
    }
}

/// The catalog's triples (see the module documentation).
pub fn catalog_triples(
    config: &RdfConfig,
    stats: &Stats,
    files: &[DumpFile],
) -> Result<Vec<Triple>> {
    let base = config.clone().normalised().base;
    let version = config.extractor_version.clone();
    let today = release_date();
    let download = {
        let d = env_or("REFERAT_DOWNLOAD_URL", &format!("{base}download/"));
        if d.ends_with('/') {
            d
        } else {
            format!("{d}/")
        }
    };

    let mut g = G {
        triples: Vec::new(),
    };
    let catalog = format!("{base}catalog");
    let dataset = format!("{base}dataset");
    let publisher = format!("{base}agent/publisher");
    let contact = format!("{base}agent/contact");

    // Catalog.
    g.a(&catalog, &format!("{DCAT}Catalog"))?;
    g.lang(
        &catalog,
        &format!("{DCT}title"),
        "Referater fra kommunale møder som åbne data",
        "da",
    )?;
    g.lang(
        &catalog,
        &format!("{DCT}title"),
        "Danish municipal meeting minutes as open data",
        "en",
    )?;
    g.lang(&catalog, &format!("{DCT}description"), "Katalog over vidensgrafen udtrukket af referater fra KKR-møder (KL's skabelon) med referat.", "da")?;
    g.lang(&catalog, &format!("{DCT}description"), "Catalog of the knowledge graph that referat extracts from KKR meeting minutes (KL's template).", "en")?;
    g.iri(&catalog, &format!("{DCT}publisher"), &publisher)?;
    g.iri(&catalog, &format!("{DCAT}dataset"), &dataset)?;
    g.iri(
        &catalog,
        &format!("{FOAF}homepage"),
        &env_or("REFERAT_HOMEPAGE", "https://w3id.org/referat/"),
    )?;
    g.iri(
        &catalog,
        &format!("{DCT}language"),
        &format!("{EU}language/DAN"),
    )?;
    g.iri(&catalog, &format!("{DCT}license"), LICENCE)?;
    g.typed(&catalog, &format!("{DCT}modified"), &today, "date")?;

    // Publisher and contact.
    g.a(&publisher, &format!("{FOAF}Agent"))?;
    g.lit(
        &publisher,
        &format!("{FOAF}name"),
        &env_or("REFERAT_PUBLISHER", "referat"),
    )?;
    g.a(&contact, &format!("{VCARD}Kind"))?;
    g.a(&contact, &format!("{VCARD}Organization"))?;
    g.lit(
        &contact,
        &format!("{VCARD}fn"),
        &env_or("REFERAT_PUBLISHER", "referat"),
    )?;
    if let Ok(c) = std::env::var("REFERAT_CONTACT") {
        let c = c.trim();
        if c.contains('@') && !c.contains(':') {
            g.iri(
                &contact,
                &format!("{VCARD}hasEmail"),
                &format!("mailto:{c}"),
            )?;
        } else if !c.is_empty() {
            g.iri(&contact, &format!("{VCARD}hasURL"), c)?;
        }
    }

    // Dataset (DCAT-AP) …
    g.a(&dataset, &format!("{DCAT}Dataset"))?;
    g.a(&dataset, &format!("{VOID}Dataset"))?;
    g.lang(&dataset, &format!("{DCT}title"), "Vidensgraf over KKR-referater: møder, punkter, beslutninger, organisationer, personer og beløb", "da")?;
    g.lang(&dataset, &format!("{DCT}title"), "Knowledge graph of KKR minutes: meetings, agenda items, decisions, organisations, people and amounts", "en")?;
    g.lang(&dataset, &format!("{DCT}description"), &format!("{} møder, {} dokumenter. Hvem besluttede hvad, hvornår, i hvilken sag; hver oplysning kan spores til sin tekst i referatet.", stats.meetings, stats.documents.len()), "da")?;
    g.lang(&dataset, &format!("{DCT}description"), &format!("{} meetings, {} documents. Who decided what, when, on which case; every fact is traced to its span in the minutes.", stats.meetings, stats.documents.len()), "en")?;
    g.lit(&dataset, &format!("{DCT}identifier"), &dataset)?;
    for k in [
        "referater",
        "kommunalpolitik",
        "KKR",
        "KL",
        "beslutninger",
        "åbne data",
    ] {
        g.lang(&dataset, &format!("{DCAT}keyword"), k, "da")?;
    }
    let theme = format!("{EU}data-theme/GOVE");
    g.iri(&dataset, &format!("{DCAT}theme"), &theme)?;
    g.a(&theme, &format!("{SKOS}Concept"))?;
    let lang = format!("{EU}language/DAN");
    g.iri(&dataset, &format!("{DCT}language"), &lang)?;
    g.a(&lang, &format!("{DCT}LinguisticSystem"))?;
    let spatial = format!("{EU}country/DNK");
    g.iri(&dataset, &format!("{DCT}spatial"), &spatial)?;
    g.a(&spatial, &format!("{DCT}Location"))?;
    let freq = format!("{EU}frequency/IRREG");
    g.iri(&dataset, &format!("{DCT}accrualPeriodicity"), &freq)?;
    g.a(&freq, &format!("{DCT}Frequency"))?;
    g.iri(&dataset, &format!("{DCT}publisher"), &publisher)?;
    g.iri(&dataset, &format!("{DCAT}contactPoint"), &contact)?;
    g.typed(&dataset, &format!("{DCT}issued"), &today, "date")?;
    g.typed(&dataset, &format!("{DCT}modified"), &today, "date")?;
    g.lit(&dataset, &format!("{OWL}versionInfo"), &version)?;
    g.iri(
        &dataset,
        &format!("{DCT}conformsTo"),
        "https://w3id.org/referat/ns",
    )?;
    g.a("https://w3id.org/referat/ns", &format!("{DCT}Standard"))?;
    if let Some((first, last)) = &stats.dates {
        let period = format!("{dataset}/temporal");
        g.iri(&dataset, &format!("{DCT}temporal"), &period)?;
        g.a(&period, &format!("{DCT}PeriodOfTime"))?;
        g.typed(&period, &format!("{DCAT}startDate"), first, "date")?;
        g.typed(&period, &format!("{DCAT}endDate"), last, "date")?;
    }
    // … licence and rights …
    g.a(LICENCE, &format!("{DCT}LicenseDocument"))?;
    g.iri(
        LICENCE,
        &format!("{RDFS}seeAlso"),
        "https://creativecommons.org/licenses/by/4.0/",
    )?;
    let rights = format!("{dataset}/rights");
    g.iri(
        &dataset,
        &format!("{DCT}accessRights"),
        &format!("{EU}access-right/PUBLIC"),
    )?;
    g.a(
        &format!("{EU}access-right/PUBLIC"),
        &format!("{DCT}RightsStatement"),
    )?;
    g.a(&rights, &format!("{DCT}RightsStatement"))?;
    for (text, l) in ATTRIBUTION {
        g.lang(&rights, &format!("{RDFS}label"), text, l)?;
    }
    // … provenance …
    let prov_stmt = format!("{dataset}/provenance");
    g.iri(&dataset, &format!("{DCT}provenance"), &prov_stmt)?;
    g.a(&prov_stmt, &format!("{DCT}ProvenanceStatement"))?;
    g.lang(&prov_stmt, &format!("{RDFS}label"), &format!("Udtrukket automatisk af referat {version} fra de offentliggjorte referater (tekst); hver oplysning har en Web Annotation med tegnpositioner i kildeteksten og en prov:Activity pr. dokument. Organisationer er normaliseret mod et medfølgende gazetteer."), "da")?;
    g.lang(&prov_stmt, &format!("{RDFS}label"), &format!("Extracted automatically by referat {version} from the published minutes (text); every fact carries a Web Annotation with character offsets into the source text and one prov:Activity per document. Organisations are normalised against a shipped gazetteer."), "en")?;
    let activity = format!("{dataset}/export");
    let agent = format!("{base}agent/referat/{}", encode_segment(&version));
    g.iri(&dataset, &format!("{PROV}wasGeneratedBy"), &activity)?;
    g.a(&activity, &format!("{PROV}Activity"))?;
    g.iri(&activity, &format!("{PROV}wasAssociatedWith"), &agent)?;
    g.a(&agent, &format!("{PROV}SoftwareAgent"))?;
    g.lit(
        &agent,
        &format!("{FOAF}name"),
        &format!("referat {version}"),
    )?;
    for d in &stats.documents {
        g.iri(&activity, &format!("{PROV}used"), d)?;
    }

    // … VoID statistics …
    g.typed(
        &dataset,
        &format!("{VOID}triples"),
        &stats.triples.to_string(),
        "integer",
    )?;
    g.typed(
        &dataset,
        &format!("{VOID}entities"),
        &stats.entities.to_string(),
        "integer",
    )?;
    g.typed(
        &dataset,
        &format!("{VOID}classes"),
        &stats.classes.len().to_string(),
        "integer",
    )?;
    g.typed(
        &dataset,
        &format!("{VOID}properties"),
        &stats.properties.len().to_string(),
        "integer",
    )?;
    g.typed(
        &dataset,
        &format!("{VOID}distinctSubjects"),
        &stats.subjects.to_string(),
        "integer",
    )?;
    g.typed(
        &dataset,
        &format!("{VOID}distinctObjects"),
        &stats.objects.to_string(),
        "integer",
    )?;
    g.lit(&dataset, &format!("{VOID}uriSpace"), &base)?;
    for v in &stats.vocabularies {
        g.iri(&dataset, &format!("{VOID}vocabulary"), v)?;
    }
    if let Some(m) = &stats.example_meeting {
        g.iri(&dataset, &format!("{VOID}exampleResource"), m)?;
    }
    for (class, members) in &stats.classes {
        let part = format!("{dataset}/class/{}", slug(&curie_like(class)));
        g.iri(&dataset, &format!("{VOID}classPartition"), &part)?;
        g.a(&part, &format!("{VOID}Dataset"))?;
        g.iri(&part, &format!("{VOID}class"), class)?;
        g.typed(
            &part,
            &format!("{VOID}entities"),
            &members.to_string(),
            "integer",
        )?;
    }
    for ((host, pred), n) in &stats.links {
        let target = format!("{dataset}/external/{}", slug(host));
        let ls = format!(
            "{dataset}/linkset/{}-{}",
            slug(host),
            slug(&curie_like(pred))
        );
        g.iri(&dataset, &format!("{VOID}subset"), &ls)?;
        g.a(&ls, &format!("{VOID}Linkset"))?;
        g.a(&ls, &format!("{VOID}Dataset"))?;
        g.iri(&ls, &format!("{VOID}subjectsTarget"), &dataset)?;
        g.iri(&ls, &format!("{VOID}objectsTarget"), &target)?;
        g.iri(&ls, &format!("{VOID}linkPredicate"), pred)?;
        g.typed(&ls, &format!("{VOID}triples"), &n.to_string(), "integer")?;
        g.a(&target, &format!("{VOID}Dataset"))?;
        g.lit(&target, &format!("{DCT}title"), host)?;
        g.iri(
            &target,
            &format!("{FOAF}homepage"),
            &format!("https://{host}/"),
        )?;
    }

    // Distributions.
    let defaults;
    let files = if files.is_empty() {
        defaults = default_files();
        defaults.as_slice()
    } else {
        files
    };
    for f in files {
        let (media, filetype, description) = file_kind(&f.path);
        let dist = format!("{dataset}/distribution/{}", slug(&f.path));
        let url = format!("{download}{}", f.path);
        g.iri(&dataset, &format!("{DCAT}distribution"), &dist)?;
        g.a(&dist, &format!("{DCAT}Distribution"))?;
        g.iri(&dist, &format!("{DCAT}accessURL"), &url)?;
        g.iri(&dist, &format!("{DCAT}downloadURL"), &url)?;
        g.lit(&dist, &format!("{DCT}title"), &f.path)?;
        g.lang(&dist, &format!("{DCT}description"), description, "en")?;
        let ft = format!("{EU}file-type/{filetype}");
        g.iri(&dist, &format!("{DCT}format"), &ft)?;
        g.a(&ft, &format!("{DCT}MediaTypeOrExtent"))?;
        let mt = format!("http://www.iana.org/assignments/media-types/{media}");
        g.iri(&dist, &format!("{DCAT}mediaType"), &mt)?;
        g.a(&mt, &format!("{DCT}MediaType"))?;
        g.iri(&dist, &format!("{DCT}license"), LICENCE)?;
        g.iri(&dist, &format!("{DCT}rights"), &rights)?;
        g.typed(&dist, &format!("{DCT}issued"), &today, "date")?;
        if f.path.starts_with("referat") {
            g.iri(
                &dist,
                &format!("{DCT}conformsTo"),
                "https://w3id.org/referat/ns",
            )?;
            if !f.path.ends_with(".jsonld") || f.path.contains("flat") {
                g.iri(&dataset, &format!("{VOID}dataDump"), &url)?;
            }
        } else if f.path.starts_with("tables/") {
            let ts = "https://specs.frictionlessdata.io/table-schema/";
            g.iri(&dist, &format!("{DCT}conformsTo"), ts)?;
            g.a(ts, &format!("{DCT}Standard"))?;
        }
        if f.bytes > 0 {
            g.typed(
                &dist,
                &format!("{DCAT}byteSize"),
                &f.bytes.to_string(),
                "decimal",
            )?;
        }
        if !f.sha256.is_empty() {
            let sum = format!("{dist}/checksum");
            g.iri(&dist, &format!("{SPDX}checksum"), &sum)?;
            g.a(&sum, &format!("{SPDX}Checksum"))?;
            g.iri(
                &sum,
                &format!("{SPDX}algorithm"),
                &format!("{SPDX}checksumAlgorithm_sha256"),
            )?;
            g.typed(
                &sum,
                &format!("{SPDX}checksumValue"),
                &f.sha256,
                "hexBinary",
            )?;
        }
    }
    Ok(g.triples)
}

/// The namespace of an IRI: everything up to the last `#` or `/`.
fn namespace(iri: &str) -> String {
    iri.rfind(['#', '/'])
        .map(|i| iri[..=i].to_string())
        .unwrap_or_default()
}

/// `prefix-Local` for a class or property (project prefixes, else the namespace's last path
/// segment), only for readable partition and linkset ids.
fn curie_like(iri: &str) -> String {
    let local = iri.rsplit(['#', '/']).next().unwrap_or(iri);
    let ns = namespace(iri);
    if let Some((p, _)) = crate::rdf::prefixes().iter().find(|(_, n)| *n == ns) {
        return format!("{p}-{local}");
    }
    let short = ns
        .trim_end_matches(['#', '/'])
        .rsplit('/')
        .next()
        .unwrap_or("");
    format!("{short}-{local}")
}

/// Percent-encodes an IRI path segment the way the RDF mapping does for versions.
fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.trim().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Host of an http(s) IRI.
fn host_of(iri: &str) -> Option<String> {
    let rest = iri
        .strip_prefix("https://")
        .or_else(|| iri.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_epoch() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_333), (2025, 9, 2));
    }

    #[test]
    fn hosts_and_namespaces() {
        assert_eq!(
            host_of("http://www.wikidata.org/entity/Q35").as_deref(),
            Some("www.wikidata.org")
        );
        assert_eq!(host_of("urn:x"), None);
        assert_eq!(
            namespace("http://www.w3.org/ns/org#Organization"),
            "http://www.w3.org/ns/org#"
        );
        assert_eq!(
            curie_like("http://www.w3.org/ns/org#Organization"),
            "org-Organization"
        );
    }
}
