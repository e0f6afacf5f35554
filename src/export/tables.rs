//! CSV tables for spreadsheet users, with a Frictionless Data `datapackage.json`.
//!
//! One table per kind of thing (meetings, items, decisions, organisations, people, their
//! memberships, amounts), built with SPARQL over the document graphs. Every row has a stable
//! id: the node's IRI relative to the base (`meeting/kkr-midtjylland/2025-09-03/item/3.2`),
//! which never changes between runs and joins across tables (`items.meeting_id` →
//! `meetings.meeting_id`); the full IRI is in the `iri` column for linked-data users.
//! Single-valued columns take the smallest value (SPARQL `MIN`) so one row per id is
//! guaranteed; multi-valued columns are sorted and joined with ` | `.

use super::{base_of, union};
use crate::store::GraphStore;
use anyhow::{anyhow, Context, Result};
use oxigraph::model::Term;
use oxigraph::sparql::{QueryResults, QuerySolution, SparqlEvaluator};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

const PREFIXES: &str = "PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX ref: <https://w3id.org/referat/ns#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
";

/// The tables, in the order they are written (file `{name}.csv`).
pub const TABLE_NAMES: [&str; 7] = [
    "meetings",
    "items",
    "decisions",
    "organisations",
    "people",
    "roles",
    "amounts",
];

/// Separator of multi-valued cells.
pub const LIST_SEPARATOR: &str = " | ";

/// Runs a SELECT over the union of the store's graphs and hands each row to `row` as it
/// comes (the first evaluation error aborts, so a table is never silently partial). Rows
/// are not collected: a map per row held ten times the table's text. The union, not a list
/// of the document graphs: Oxigraph looks a pattern up in each graph of a list, one search
/// per graph, so a list of a thousand graphs made every look-up a thousand (the tables of
/// 1 000 documents took over five minutes). The one graph the union adds, the ingest
/// manifest, holds only `ref:` bookkeeping that no table query asks for.
fn select(
    gs: &GraphStore,
    body: &str,
    mut row: impl FnMut(&QuerySolution) -> Result<()>,
) -> Result<()> {
    let q = format!("{PREFIXES}{body}");
    let mut prepared = SparqlEvaluator::new()
        .parse_query(&q)
        .map_err(|e| anyhow!("internal table query does not parse: {e}"))?;
    prepared.dataset_mut().set_default_graph_as_union();
    let QueryResults::Solutions(sols) = prepared
        .on_store(gs.store())
        .execute()
        .map_err(|e| anyhow!("table query failed: {e}"))?
    else {
        return Err(anyhow!("internal table query is not a SELECT"));
    };
    for s in sols {
        row(&s.map_err(|e| anyhow!("table query failed: {e}"))?)?;
    }
    Ok(())
}

/// How much of a table is held at once.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Rows per grouping query: the store's evaluator holds a set of aggregates per group
    /// until its query ends, about 1.5 KB per row (the amounts of 10 000 documents alone:
    /// 750 MB in one query), so the table queries run on this many of their rows at a time.
    pub batch: usize,
    /// Bytes of rows sorted in memory before a run is spilled to a temporary file.
    pub run_bytes: usize,
}

impl Sizes {
    /// What exports use.
    pub const DEFAULT: Sizes = Sizes {
        batch: 2000,
        run_bytes: union::RUN_BYTES,
    };
}

/// Runs a table's grouping query (`GROUP BY ?{var}`, one row per `?{var}`) on batches of
/// the instances of `class`: `#VALUES#` in the query stands for `?{var} a {class}`, and is
/// replaced by a `VALUES` list of a batch of them. The same rows as one query over them
/// all (each group is one `?{var}`), in the memory of a batch. The list must be all the
/// query starts from: beside the class pattern, Oxigraph scans every instance once per
/// batch. Instances that are blank nodes, which `VALUES` cannot name, are grouped in one
/// more query of their own.
fn select_grouped(
    gs: &GraphStore,
    batch_size: usize,
    var: &str,
    class: &str,
    body: &str,
    mut row: impl FnMut(&QuerySolution) -> Result<()>,
) -> Result<()> {
    let mut batch: Vec<String> = Vec::new();
    let mut blank = false;
    let mut run = |batch: &mut Vec<String>| -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let values = format!("VALUES ?{var} {{ {} }}", batch.join(" "));
        batch.clear();
        select(gs, &body.replace("#VALUES#", &values), &mut row)
    };
    select(
        gs,
        &format!("SELECT DISTINCT ?{var} WHERE {{ ?{var} a {class} }}"),
        |r| {
            match r.get(var) {
                Some(Term::NamedNode(n)) => batch.push(n.to_string()),
                Some(_) => blank = true,
                None => {}
            }
            if batch.len() >= batch_size.max(1) {
                run(&mut batch)?;
            }
            Ok(())
        },
    )?;
    run(&mut batch)?;
    if blank {
        select(
            gs,
            &body.replace(
                "#VALUES#",
                &format!("?{var} a {class} . FILTER(isBlank(?{var}))"),
            ),
            &mut row,
        )?;
    }
    Ok(())
}

/// A column of a table: name, Frictionless type, description.
pub struct Field {
    pub name: &'static str,
    pub kind: &'static str,
    pub description: &'static str,
}

const fn f(name: &'static str, kind: &'static str, description: &'static str) -> Field {
    Field {
        name,
        kind,
        description,
    }
}

/// One CSV table and its schema.
pub struct Table {
    pub name: &'static str,
    pub description: &'static str,
    pub fields: Vec<Field>,
    pub primary_key: &'static str,
    /// (field, referenced table, referenced field).
    pub foreign_keys: Vec<(&'static str, &'static str, &'static str)>,
    pub rows: Vec<Vec<String>>,
}

struct Ids {
    base: String,
}

impl Ids {
    fn id(&self, t: Option<&Term>) -> String {
        match t {
            Some(Term::NamedNode(n)) => n
                .as_str()
                .strip_prefix(&self.base)
                .unwrap_or(n.as_str())
                .to_string(),
            Some(other) => cell(Some(other)),
            None => String::new(),
        }
    }
}

/// The lexical value of a term (a literal's text, an IRI as is).
fn cell(t: Option<&Term>) -> String {
    match t {
        Some(Term::Literal(l)) => l.value().to_string(),
        Some(Term::NamedNode(n)) => n.as_str().to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// The `(id, value)` rows of a query → id → sorted, deduplicated values joined with ` | `.
fn lists(
    gs: &GraphStore,
    body: &str,
    ids: &Ids,
    key: &str,
    val: &str,
) -> Result<HashMap<String, String>> {
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    select(gs, body, |r| {
        let v = cell(r.get(val));
        if !v.is_empty() {
            m.entry(ids.id(r.get(key))).or_default().insert(v);
        }
        Ok(())
    })?;
    Ok(m.into_iter()
        .map(|(k, v)| (k, v.into_iter().collect::<Vec<_>>().join(LIST_SEPARATOR)))
        .collect())
}

/// Builds every table from the store, in the order of [`TABLE_NAMES`].
pub fn build_tables(gs: &GraphStore) -> Result<Vec<Table>> {
    build_tables_with(gs, Sizes::DEFAULT)
}

/// [`build_tables`] holding at most `sizes` at a time (the same tables whatever the sizes).
pub fn build_tables_with(gs: &GraphStore, sizes: Sizes) -> Result<Vec<Table>> {
    let mut tables = Vec::new();
    each_table(gs, sizes, |mut t, rows| {
        t.rows = rows.into_rows()?.collect::<Result<_>>()?;
        tables.push(t);
        Ok(())
    })?;
    tables.sort_by_key(|t| TABLE_NAMES.iter().position(|n| *n == t.name));
    Ok(tables)
}

/// The tables' schemas, without rows, in the order of [`TABLE_NAMES`].
fn schemas() -> Vec<Table> {
    vec![
        Table {
            name: "meetings",
            description:
                "Meetings, from their own minutes or known only from references in other minutes.",
            fields: vec![
                f(
                    "meeting_id",
                    "string",
                    "Stable id: the meeting's IRI relative to the base.",
                ),
                f("iri", "string", "The meeting's IRI in the knowledge graph."),
                f(
                    "body_id",
                    "string",
                    "The body that held the meeting (organisations.organisation_id).",
                ),
                f("body", "string", "Name of the body."),
                f("date", "date", "Date of the meeting."),
                f("start_time", "time", "Planned start, local (Danish) time."),
                f("location", "string", "Where the meeting was held."),
                f(
                    "known_from",
                    "string",
                    "minutes (own minutes in the data) or reference (only referred to).",
                ),
                f("items", "integer", "Number of agenda items in the data."),
                f("document_id", "string", "The minutes document."),
                f("source_file", "string", "File name of the minutes."),
                f("source_sha256", "string", "SHA-256 of the minutes file."),
            ],
            primary_key: "meeting_id",
            foreign_keys: vec![("body_id", "organisations", "organisation_id")],
            rows: Vec::new(),
        },
        Table {
            name: "items",
            description: "Agenda items, in agenda order.",
            fields: vec![
                f(
                    "item_id",
                    "string",
                    "Stable id: the item's IRI relative to the base.",
                ),
                f("iri", "string", "The item's IRI."),
                f("meeting_id", "string", "The meeting (meetings.meeting_id)."),
                f("number", "string", "The printed item number (3.2)."),
                f("position", "integer", "Position on the agenda, from 1."),
                f("section", "string", "Printed number of the agenda section."),
                f("section_title", "string", "Title of the agenda section."),
                f("title", "string", "Title of the item."),
                f(
                    "case_number",
                    "string",
                    "KL case number (SAG-…); one case can span meetings.",
                ),
                f(
                    "case_officers",
                    "string",
                    "Case officers' initials, separated by ' | '.",
                ),
                f(
                    "decision_id",
                    "string",
                    "The decision (decisions.decision_id).",
                ),
            ],
            primary_key: "item_id",
            foreign_keys: vec![("meeting_id", "meetings", "meeting_id")],
            rows: Vec::new(),
        },
        Table {
            name: "decisions",
            description: "What was decided on each item.",
            fields: vec![
                f("decision_id", "string", "Stable id of the decision."),
                f("iri", "string", "The decision's IRI."),
                f("item_id", "string", "The item (items.item_id)."),
                f("meeting_id", "string", "The meeting (meetings.meeting_id)."),
                f(
                    "kind",
                    "string",
                    "approved, noted, endorsed, discussed, postponed, rejected or none.",
                ),
                f("kind_label", "string", "The kind in Danish."),
                f(
                    "passed_by_id",
                    "string",
                    "The deciding body (organisations.organisation_id).",
                ),
                f(
                    "follows_recommendation",
                    "boolean",
                    "True when the decision adopts every recommendation of the item.",
                ),
                f("text", "string", "The decision as written in the minutes."),
            ],
            primary_key: "decision_id",
            foreign_keys: vec![
                ("item_id", "items", "item_id"),
                ("meeting_id", "meetings", "meeting_id"),
                ("passed_by_id", "organisations", "organisation_id"),
            ],
            rows: Vec::new(),
        },
        Table {
            name: "organisations",
            description: "Organisations named in the minutes or in the shipped gazetteer.",
            fields: vec![
                f(
                    "organisation_id",
                    "string",
                    "Stable id of the organisation.",
                ),
                f("iri", "string", "The organisation's IRI."),
                f("name", "string", "Canonical name."),
                f("aliases", "string", "Other names seen, separated by ' | '."),
                f(
                    "kind",
                    "string",
                    "municipality, region, ministry, agency, association, …",
                ),
                f(
                    "part_of_id",
                    "string",
                    "Parent organisation (organisations.organisation_id).",
                ),
                f(
                    "identifiers",
                    "string",
                    "Registry codes as registry:code, separated by ' | '.",
                ),
                f(
                    "same_as",
                    "string",
                    "IRIs of the same organisation in external registries, separated by ' | '.",
                ),
                f(
                    "mentions",
                    "integer",
                    "Number of items and meetings that mention it.",
                ),
            ],
            primary_key: "organisation_id",
            foreign_keys: vec![("part_of_id", "", "organisation_id")],
            rows: Vec::new(),
        },
        Table {
            name: "people",
            description: "People named in the minutes.",
            fields: vec![
                f("person_id", "string", "Stable id of the person."),
                f("iri", "string", "The person's IRI."),
                f("name", "string", "Canonical name."),
                f(
                    "aliases",
                    "string",
                    "Other forms of the name, separated by ' | '.",
                ),
                f(
                    "meetings_attended",
                    "integer",
                    "Number of meetings the minutes list them as present at.",
                ),
            ],
            primary_key: "person_id",
            foreign_keys: vec![],
            rows: Vec::new(),
        },
        Table {
            name: "roles",
            description:
                "Roles the minutes state for people: who was what, where, according to which item.",
            fields: vec![
                f("role_id", "string", "Stable id of the stated role."),
                f("person_id", "string", "The person (people.person_id)."),
                f(
                    "organisation_id",
                    "string",
                    "The organisation, if named (organisations.organisation_id).",
                ),
                f(
                    "role",
                    "string",
                    "The role as written, or a relation token (chair-of).",
                ),
                f(
                    "meeting_id",
                    "string",
                    "The meeting whose minutes state it (meetings.meeting_id).",
                ),
                f(
                    "item_id",
                    "string",
                    "The item that states it, empty for the cover page (items.item_id).",
                ),
            ],
            primary_key: "role_id",
            foreign_keys: vec![
                ("person_id", "people", "person_id"),
                ("organisation_id", "organisations", "organisation_id"),
                ("meeting_id", "meetings", "meeting_id"),
                ("item_id", "items", "item_id"),
            ],
            rows: Vec::new(),
        },
        Table {
            name: "amounts",
            description: "Money in the minutes, normalised to the unit of the currency.",
            fields: vec![
                f("amount_id", "string", "Stable id of the amount."),
                f("iri", "string", "The amount's IRI."),
                f("meeting_id", "string", "The meeting (meetings.meeting_id)."),
                f("item_id", "string", "The item, if any (items.item_id)."),
                f("value", "number", "The amount (2,6 mio. kr. is 2600000)."),
                f(
                    "value_max",
                    "number",
                    "Upper bound when the text gives a range.",
                ),
                f("currency", "string", "ISO 4217 code."),
                f(
                    "per",
                    "string",
                    "What the amount is per (inhabitant, year), if stated.",
                ),
                f("price_year", "year", "Price level year, if stated."),
                f("text", "string", "The amount as written."),
            ],
            primary_key: "amount_id",
            foreign_keys: vec![
                ("meeting_id", "meetings", "meeting_id"),
                ("item_id", "items", "item_id"),
            ],
            rows: Vec::new(),
        },
    ]
}

/// The schema of one table with its rows.
fn schema(name: &str) -> Result<Table> {
    schemas()
        .into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| anyhow!("no table named {name}"))
}

/// A table's rows, sorted.
pub enum Rows {
    /// Held in memory (the organisations, which are few).
    Memory(Vec<Vec<String>>),
    /// Sorted on disk by a key in bounded runs (see `SortedRows`).
    Runs(union::Runs),
}

impl Rows {
    /// Every row, in order.
    pub fn into_rows(self) -> Result<Box<dyn Iterator<Item = Result<Vec<String>>>>> {
        Ok(match self {
            Rows::Memory(rows) => Box::new(rows.into_iter().map(Ok)),
            Rows::Runs(runs) => {
                let mut merged = runs
                    .into_ntriples()
                    .context("cannot read a temporary file back")?;
                Box::new(std::iter::from_fn(move || {
                    let line = match merged.next_line() {
                        Ok(Some(line)) => line,
                        Ok(None) => return None,
                        Err(e) => {
                            return Some(Err(
                                anyhow::Error::from(e).context("cannot read a temporary file back")
                            ))
                        }
                    };
                    let row = line.split_once(KEY_END).map(|(_, json)| json).unwrap_or("");
                    Some(serde_json::from_str(row).context("a sorted table row does not read back"))
                }))
            }
        })
    }
}

/// Ends a row's sort key in its line (below every character a key holds).
const KEY_END: char = '\u{1}';

/// Rows of a table sorted by a key, in runs of bounded size spilled to temporary files
/// ([`union::Runs`]): the larger tables grow with the corpus (the amounts of 10 000
/// documents are 100 MB of CSV, several times that as strings in memory). A row is
/// stored as its key, [`KEY_END`] and the row as JSON (which escapes line breaks), so the
/// lines sort by key.
struct SortedRows {
    runs: union::Runs,
}

impl SortedRows {
    fn new(run_bytes: usize) -> Self {
        SortedRows {
            runs: union::Runs::new(run_bytes),
        }
    }

    /// Adds a row under the key made of `key` (each part's control characters, which no
    /// id or date has, read as spaces; parts separated by a character below all others).
    fn push(&mut self, key: &[&str], row: &[String]) -> Result<()> {
        let mut line = String::new();
        for (i, k) in key.iter().enumerate() {
            if i > 0 {
                line.push('\u{0}');
            }
            line.extend(k.chars().map(|c| if c < ' ' { ' ' } else { c }));
        }
        line.push(KEY_END);
        line.push_str(&serde_json::to_string(row)?);
        self.runs
            .push(line)
            .context("cannot write a temporary file")
    }

    fn rows(self) -> Rows {
        Rows::Runs(self.runs)
    }
}

/// A position as a key that sorts like the number (negative numbers first).
fn number_key(n: i64) -> String {
    format!("{:020}", (n as u64) ^ (1 << 63))
}

/// Builds the tables from the store and hands each (its schema, its sorted rows) to `done`
/// as soon as its rows are complete. Memory holds the ids that join the next tables, not
/// the tables: their grouping queries run on batches of rows ([`select_grouped`]) and
/// their rows are sorted on disk (`SortedRows`). All seven in memory held 1.8 GB for
/// 10 000 documents.
pub fn each_table(
    gs: &GraphStore,
    sizes: Sizes,
    mut done: impl FnMut(Table, Rows) -> Result<()>,
) -> Result<()> {
    let ids = Ids { base: base_of(gs) };

    // organisations
    let mut organisations: Vec<Vec<String>> = Vec::new();
    select(
        gs,
        "SELECT ?org (MIN(?l) AS ?name) (MIN(?k) AS ?kind) (MIN(?parent) AS ?part_of)
                (COUNT(DISTINCT ?ctx) AS ?mentions)
         WHERE { ?org a org:Organization .
           OPTIONAL { ?org skos:prefLabel ?l }
           OPTIONAL { ?org org:classification/skos:notation ?k }
           OPTIONAL { ?org org:subOrganizationOf ?parent }
           OPTIONAL { ?org ref:mentionedIn ?ctx } }
         GROUP BY ?org",
        |r| {
            organisations.push(vec![
                ids.id(r.get("org")),
                cell(r.get("org")),
                cell(r.get("name")),
                String::new(),
                cell(r.get("kind")),
                ids.id(r.get("part_of")),
                String::new(),
                String::new(),
                cell(r.get("mentions")),
            ]);
            Ok(())
        },
    )?;
    let aliases = lists(
        gs,
        "SELECT ?org ?a WHERE { ?org a org:Organization ; skos:altLabel ?a }",
        &ids,
        "org",
        "a",
    )?;
    let codes = lists(
        gs,
        "SELECT ?org (CONCAT(STR(?reg), \":\", STR(?code)) AS ?c) WHERE {
               ?org a org:Organization ; adms:identifier ?id .
               ?id adms:schemaAgency ?reg ; skos:notation ?code }",
        &ids,
        "org",
        "c",
    )?;
    let links = lists(
        gs,
        "SELECT ?org ?x WHERE { ?org a org:Organization ;
               owl:sameAs|skos:exactMatch|skos:closeMatch ?x FILTER(isIRI(?x)) }",
        &ids,
        "org",
        "x",
    )?;
    let org_ids: BTreeSet<String> = organisations.iter().map(|r| r[0].clone()).collect();
    let org_names: HashMap<String, String> = organisations
        .iter()
        .map(|r| (r[0].clone(), r[2].clone()))
        .collect();
    for r in &mut organisations {
        let id = r[0].clone();
        r[3] = aliases.get(&id).cloned().unwrap_or_default();
        r[6] = codes.get(&id).cloned().unwrap_or_default();
        r[7] = links.get(&id).cloned().unwrap_or_default();
        if !org_ids.contains(&r[5]) {
            r[5] = String::new();
        }
    }
    organisations.sort();
    done(schema("organisations")?, Rows::Memory(organisations))?;

    // meetings
    let mut meetings = SortedRows::new(sizes.run_bytes);
    let mut meeting_ids: BTreeSet<String> = BTreeSet::new();
    select_grouped(
        gs,
        sizes.batch,
        "m",
        "besluit:Zitting",
        "SELECT ?m (MIN(?o) AS ?body) (MIN(?d) AS ?date) (MIN(?st) AS ?start)
                (MIN(?loc) AS ?location) (MIN(?kf) AS ?known_from)
                (COUNT(DISTINCT ?item) AS ?items) (MIN(?doc) AS ?document)
                (MIN(?file) AS ?source_file) (MIN(?sha) AS ?sha256)
         WHERE { #VALUES#
           OPTIONAL { ?m besluit:isGehoudenDoor ?o }
           OPTIONAL { ?m dct:date ?d }
           OPTIONAL { ?m besluit:geplandeStart ?st }
           OPTIONAL { ?m schema:location ?loc }
           OPTIONAL { ?m ref:knownFrom/skos:notation ?kf }
           OPTIONAL { ?m besluit:behandelt ?item }
           OPTIONAL { ?m besluit:heeftNotulen ?doc .
                      OPTIONAL { ?doc schema:name ?file } OPTIONAL { ?doc ref:sha256 ?sha } } }
         GROUP BY ?m",
        |r| {
            let body = ids.id(r.get("body"));
            let start = cell(r.get("start"));
            let time = start
                .split_once('T')
                .map(|(_, t)| t.chars().take(8).collect::<String>())
                .unwrap_or_default();
            let row = vec![
                ids.id(r.get("m")),
                cell(r.get("m")),
                body.clone(),
                org_names.get(&body).cloned().unwrap_or_default(),
                cell(r.get("date")),
                time,
                cell(r.get("location")),
                cell(r.get("known_from")),
                cell(r.get("items")),
                ids.id(r.get("document")),
                cell(r.get("source_file")),
                cell(r.get("sha256")),
            ];
            meeting_ids.insert(row[0].clone());
            meetings.push(&[&row[2], &row[4], &row[0]], &row)
        },
    )?;
    drop(org_names);
    done(schema("meetings")?, meetings.rows())?;

    // items
    let officers = lists(
        gs,
        "SELECT ?item ?o WHERE { ?item a besluit:Agendapunt ; ref:caseOfficer ?o }",
        &ids,
        "item",
        "o",
    )?;
    let mut item_meeting: HashMap<String, String> = HashMap::new();
    let mut items = SortedRows::new(sizes.run_bytes);
    let mut item_ids: BTreeSet<String> = BTreeSet::new();
    select_grouped(
        gs,
        sizes.batch,
        "item",
        "besluit:Agendapunt",
        "SELECT ?item (MIN(?m) AS ?meeting) (MIN(?n) AS ?number) (MIN(?pos) AS ?position)
                (MIN(?secn) AS ?section) (MIN(?sect) AS ?section_title) (MIN(?t) AS ?title)
                (MIN(?cn) AS ?case_number) (MIN(?dec) AS ?decision)
         WHERE { #VALUES#
           OPTIONAL { ?m besluit:behandelt ?item }
           OPTIONAL { ?item skos:notation ?n }
           OPTIONAL { ?item schema:position ?pos }
           OPTIONAL { ?item dct:isPartOf ?sec . ?sec a ref:Section .
                      OPTIONAL { ?sec skos:notation ?secn } OPTIONAL { ?sec dct:title ?sect } }
           OPTIONAL { ?item dct:title ?t }
           OPTIONAL { ?item ref:case/dct:identifier ?cn }
           OPTIONAL { ?tr dct:subject ?item ; prov:generated ?dec } }
         GROUP BY ?item",
        |r| {
            let id = ids.id(r.get("item"));
            let meeting = ids.id(r.get("meeting"));
            item_meeting.insert(id.clone(), meeting.clone());
            let pos = cell(r.get("position"));
            let order = number_key(pos.parse().unwrap_or(i64::MAX));
            let row = vec![
                id.clone(),
                cell(r.get("item")),
                meeting,
                cell(r.get("number")),
                pos,
                cell(r.get("section")),
                cell(r.get("section_title")),
                cell(r.get("title")),
                cell(r.get("case_number")),
                officers.get(&id).cloned().unwrap_or_default(),
                ids.id(r.get("decision")),
            ];
            items.push(&[&row[2], &order, &id], &row)?;
            item_ids.insert(id);
            Ok(())
        },
    )?;
    drop(officers);
    done(schema("items")?, items.rows())?;

    // decisions
    let mut decisions = SortedRows::new(sizes.run_bytes);
    select_grouped(
        gs,
        sizes.batch,
        "d",
        "besluit:Besluit",
        "SELECT ?d (MIN(?item) AS ?it) (MIN(?kind) AS ?k) (MIN(?label) AS ?kl)
                (MIN(?by) AS ?passed_by) (MIN(?text) AS ?txt)
                (COUNT(DISTINCT ?rec) AS ?recs) (COUNT(DISTINCT ?follows) AS ?followed)
         WHERE { #VALUES#
           OPTIONAL { ?tr prov:generated ?d ; dct:subject ?item .
                      OPTIONAL { ?tr ref:recommendation ?rec } }
           OPTIONAL { ?d ref:decisionKind ?c .
                      OPTIONAL { ?c skos:notation ?kind }
                      OPTIONAL { ?c skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), \"da\")) } }
           OPTIONAL { ?d eli:passed_by ?by }
           OPTIONAL { ?d prov:value ?text }
           OPTIONAL { ?d prov:wasDerivedFrom ?follows } }
         GROUP BY ?d",
        |r| {
            let item = ids.id(r.get("it"));
            let by = ids.id(r.get("passed_by"));
            let recs: u64 = cell(r.get("recs")).parse().unwrap_or(0);
            let followed: u64 = cell(r.get("followed")).parse().unwrap_or(0);
            let row = vec![
                ids.id(r.get("d")),
                cell(r.get("d")),
                item.clone(),
                item_meeting.get(&item).cloned().unwrap_or_default(),
                cell(r.get("k")),
                cell(r.get("kl")),
                if org_ids.contains(&by) {
                    by
                } else {
                    String::new()
                },
                (recs > 0 && followed >= recs).to_string(),
                cell(r.get("txt")),
            ];
            decisions.push(&[&row[0]], &row)
        },
    )?;
    done(schema("decisions")?, decisions.rows())?;

    // people and their roles
    let person_aliases = lists(
        gs,
        "SELECT ?p ?a WHERE { ?p a foaf:Person ; skos:altLabel ?a }",
        &ids,
        "p",
        "a",
    )?;
    let mut people = SortedRows::new(sizes.run_bytes);
    let mut person_ids: BTreeSet<String> = BTreeSet::new();
    select_grouped(
        gs,
        sizes.batch,
        "p",
        "foaf:Person",
        "SELECT ?p (MIN(?n) AS ?name) (COUNT(DISTINCT ?m) AS ?attended)
         WHERE { #VALUES# OPTIONAL { ?p foaf:name ?n }
                 OPTIONAL { ?m schema:attendee ?p } }
         GROUP BY ?p",
        |r| {
            let id = ids.id(r.get("p"));
            let row = vec![
                id.clone(),
                cell(r.get("p")),
                cell(r.get("name")),
                person_aliases.get(&id).cloned().unwrap_or_default(),
                cell(r.get("attended")),
            ];
            people.push(&[&id], &row)?;
            person_ids.insert(id);
            Ok(())
        },
    )?;
    drop(person_aliases);
    done(schema("people")?, people.rows())?;
    let context = |ctx: String| -> (String, String) {
        if item_ids.contains(&ctx) {
            let m = item_meeting.get(&ctx).cloned().unwrap_or_default();
            (m, ctx)
        } else if meeting_ids.contains(&ctx) {
            (ctx, String::new())
        } else {
            (String::new(), String::new())
        }
    };
    let mut memberships = SortedRows::new(sizes.run_bytes);
    select_grouped(
        gs,
        sizes.batch,
        "ms",
        "org:Membership",
        "SELECT ?ms (MIN(?p) AS ?person) (MIN(?o) AS ?org) (MIN(?role) AS ?r) (MIN(?ctx) AS ?c)
         WHERE { #VALUES# ?ms org:member ?p . FILTER EXISTS { ?p a foaf:Person }
           OPTIONAL { ?ms org:organization ?o }
           OPTIONAL { ?ms org:role ?rr .
                      OPTIONAL { ?rr skos:notation ?rt }
                      OPTIONAL { ?rr skos:prefLabel ?rl FILTER(LANGMATCHES(LANG(?rl), \"da\")) } }
           BIND (COALESCE(?rt, STR(?rl)) AS ?role)
           OPTIONAL { ?ms ref:statedIn ?ctx } }
         GROUP BY ?ms",
        |r| {
            let person = ids.id(r.get("person"));
            if !person_ids.contains(&person) {
                return Ok(());
            }
            let org = ids.id(r.get("org"));
            let (m, it) = context(ids.id(r.get("c")));
            let row = vec![
                ids.id(r.get("ms")),
                person,
                if org_ids.contains(&org) {
                    org
                } else {
                    String::new()
                },
                cell(r.get("r")),
                m,
                it,
            ];
            memberships.push(&[&row[0]], &row)
        },
    )?;
    done(schema("roles")?, memberships.rows())?;

    // amounts
    let mut amounts = SortedRows::new(sizes.run_bytes);
    select_grouped(
        gs,
        sizes.batch,
        "a",
        "schema:MonetaryAmount",
        "SELECT ?a (MIN(?v) AS ?value) (MIN(?mx) AS ?value_max) (MIN(?c) AS ?currency)
                (MIN(?per_) AS ?per) (MIN(?y) AS ?year) (MIN(?t) AS ?text) (MIN(?ctx) AS ?context)
         WHERE { #VALUES#
           OPTIONAL { ?a schema:value ?v } OPTIONAL { ?a schema:maxValue ?mx }
           OPTIONAL { ?a schema:currency ?c } OPTIONAL { ?a ref:per ?per_ }
           OPTIONAL { ?a ref:priceYear ?y } OPTIONAL { ?a prov:value ?t }
           OPTIONAL { ?a ref:statedIn ?ctx } }
         GROUP BY ?a",
        |r| {
            let (m, it) = context(ids.id(r.get("context")));
            let row = vec![
                ids.id(r.get("a")),
                cell(r.get("a")),
                m,
                it,
                cell(r.get("value")),
                cell(r.get("value_max")),
                cell(r.get("currency")),
                cell(r.get("per")),
                cell(r.get("year")),
                cell(r.get("text")),
            ];
            amounts.push(&[&row[0]], &row)
        },
    )?;
    done(schema("amounts")?, amounts.rows())
}

/// The Frictionless Data package descriptor of the tables.
pub fn datapackage(tables: &[Table]) -> serde_json::Value {
    let resources: Vec<serde_json::Value> = tables
        .iter()
        .map(|t| {
            let fields: Vec<serde_json::Value> = t
                .fields
                .iter()
                .map(|fd| {
                    let mut v = json!({
                        "name": fd.name,
                        "type": fd.kind,
                        "description": fd.description,
                    });
                    if fd.name == t.primary_key {
                        v["constraints"] = json!({"required": true, "unique": true});
                    }
                    v
                })
                .collect();
            let fks: Vec<serde_json::Value> = t
                .foreign_keys
                .iter()
                .map(|(field, res, rf)| {
                    json!({"fields": field, "reference": {"resource": res, "fields": rf}})
                })
                .collect();
            json!({
                "name": t.name,
                "path": format!("{}.csv", t.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": t.description,
                "dialect": {"delimiter": ",", "quoteChar": "\"", "header": true, "lineTerminator": "\n"},
                "schema": {
                    "fields": fields,
                    "primaryKey": t.primary_key,
                    "foreignKeys": fks,
                    "missingValues": [""],
                },
            })
        })
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": "referat",
        "title": "Danish municipal meeting minutes as tables (referat)",
        "description": format!(
            "Meetings, agenda items, decisions, organisations, people, roles and amounts extracted by referat {} from meeting minutes. Ids are the graph IRIs relative to the base; multi-valued cells are separated by '{}'.",
            env!("CARGO_PKG_VERSION"),
            LIST_SEPARATOR
        ),
        "licenses": [{
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }],
        "sources": [{
            "title": "Meeting minutes published by KL (Kommunernes Landsforening) and the KKRs",
            "path": "https://www.kl.dk/",
        }],
        "resources": resources,
    })
}

/// Writes every table and `datapackage.json` into `dir` (created if missing); returns how
/// many tables were written.
pub fn write_tables(gs: &GraphStore, dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tables = Vec::new();
    each_table(gs, Sizes::DEFAULT, |t, rows| {
        let path = dir.join(format!("{}.csv", t.name));
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_path(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        w.write_record(t.fields.iter().map(|fd| fd.name))
            .with_context(|| format!("cannot write {}", path.display()))?;
        for r in rows.into_rows()? {
            w.write_record(r?)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        w.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        tables.push(t);
        Ok(())
    })?;
    tables.sort_by_key(|t| TABLE_NAMES.iter().position(|n| *n == t.name));
    let pkg = datapackage(&tables);
    let path = dir.join("datapackage.json");
    let mut text = serde_json::to_string_pretty(&pkg)?;
    text.push('\n');
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(tables.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_rows_follow_their_keys_whatever_the_run_size() {
        // (meeting, position, id) as the items table sorts them: a meeting id that is a
        // prefix of others, positions past 9, a negative one, a missing one (MAX), and
        // the same row twice.
        let rows = [
            ("m/1", 10, "b"),
            ("m/1", 2, "a"),
            ("m/10", 1, "c"),
            ("m/1", -1, "d"),
            ("m/1 x", 1, "e"),
            ("m/1", i64::MAX, "f"),
            ("m/1", 2, "a"),
        ];
        let mut want: Vec<(String, i64, String)> = rows
            .iter()
            .map(|(m, p, id)| (m.to_string(), *p, id.to_string()))
            .collect();
        want.sort();
        want.dedup();
        let text = "a decision,\nover two lines \"quoted\"";
        for run_bytes in [1, 64, usize::MAX] {
            let mut sorted = SortedRows::new(run_bytes);
            for (m, pos, id) in rows {
                let row = vec![
                    id.to_string(),
                    m.to_string(),
                    pos.to_string(),
                    text.to_string(),
                ];
                sorted.push(&[m, &number_key(pos), id], &row).expect("push");
            }
            let got: Vec<Vec<String>> = sorted
                .rows()
                .into_rows()
                .expect("rows")
                .collect::<Result<_>>()
                .expect("read back");
            assert!(got.iter().all(|r| r[3] == text), "{got:?}");
            let got: Vec<(String, i64, String)> = got
                .iter()
                .map(|r| (r[1].clone(), r[2].parse().expect("number"), r[0].clone()))
                .collect();
            assert_eq!(got, want, "runs of {run_bytes} bytes");
        }
    }
}
