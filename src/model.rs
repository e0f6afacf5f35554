//! The typed model of one set of minutes: the `referat parse --format json` contract.
//!
//! Every later stage (RDF mapping, store, export, link) reads this model and nothing else,
//! so the parser can change its heuristics without touching them. Field names follow
//! `design/contract.md`; additions are allowed, renames are not.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One parsed document: what the minutes say, with enough provenance to trace every fact back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Minutes {
    pub source: Source,
    pub meeting: Meeting,
    pub sections: Vec<Section>,
    pub items: Vec<AgendaItem>,
    pub persons: Vec<Person>,
    pub organisations: Vec<Organisation>,
    pub amounts: Vec<Amount>,
    pub references: Vec<Reference>,
    pub reported_decisions: Vec<ReportedDecision>,
    pub requests: Vec<Request>,
    pub relations: Vec<Relation>,
    /// Things the parser saw but could not reconcile (e.g. an item number it could not place);
    /// reported rather than invented.
    pub warnings: Vec<String>,
}

/// Where the text came from and what was done to it before parsing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Source {
    pub path: String,
    pub sha256: String,
    /// True when OCR letter damage was detected and repaired (æ/ø/å restored).
    pub ocr_repaired: bool,
    /// Number of characters of the source text (spans index into this, counted in chars).
    pub chars: usize,
}

/// The meeting the minutes record.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Meeting {
    pub body: Option<String>,
    pub date: Option<String>,
    /// `text`, `filename`, `cross-reference` or `none`: a date's origin matters for citation.
    pub date_source: String,
    pub start_time: Option<String>,
    pub location: Option<String>,
    /// Participants listed on the cover (`Fra KD-Net` / `Jesper Kaas Schmidt, …`).
    pub participants: Vec<Participant>,
}

/// A person listed on the cover, with the group they attend for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Participant {
    pub name: String,
    pub group: Option<String>,
    pub role: Option<String>,
    pub place: Option<String>,
}

/// A numbered section of the KL template (`3. Regionalpolitiske sager`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Section {
    pub number: String,
    pub title: String,
}

/// One agenda item with its parts, recommendation and decision.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AgendaItem {
    pub number: String,
    pub section: String,
    pub title: String,
    pub case_number: Option<String>,
    pub case_officers: Vec<String>,
    /// Part heading (`Baggrund`, `Indstilling`, …) → clean text, in document order of first use.
    pub parts: BTreeMap<String, String>,
    pub recommendations: Vec<String>,
    pub decision: Decision,
    pub urls: Vec<String>,
    pub span: Span,
}

/// The decision recorded under `Beslutning`, classified by phrase tables in `data/`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Decision {
    /// `approved`, `noted`, `endorsed`, `discussed`, `postponed`, `rejected` or `none`.
    pub kind: String,
    pub text: String,
}

/// Character offsets (Unicode scalar values) into the source text, end exclusive.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A person found in the text, never from a list of names.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Person {
    pub name: String,
    pub aliases: Vec<String>,
    pub roles: Vec<Role>,
    /// Why two spellings were merged into this person, if they were.
    pub merged_from: Vec<String>,
}

/// A role a person holds, in an organisation, as stated in an item (or on the cover).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Role {
    pub role: String,
    pub organisation: Option<String>,
    pub item: Option<String>,
}

/// An organisation mentioned in the minutes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Organisation {
    pub name: String,
    pub aliases: Vec<String>,
    /// Gazetteer type (`municipality`, `ministry`, …) or `discovered` for pattern finds.
    pub kind: String,
    pub items: Vec<String>,
}

/// A money amount in DKK, normalised to a number.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Amount {
    pub item: Option<String>,
    pub value: f64,
    /// Upper bound for ranges such as `210-265 mio. kr.`.
    pub value_max: Option<f64>,
    pub currency: String,
    /// `inhabitant` for `kr. pr. indbygger`, `year` for `årligt`.
    pub per: Option<String>,
    pub year: Option<i32>,
    pub text: String,
    pub span: Span,
}

/// A reference from an item to another meeting (or document).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Reference {
    pub item: Option<String>,
    /// `approves-minutes-of`, `next-meeting`, `carried-to`, `refers-to`, `later-meeting`, `event`.
    pub kind: String,
    pub date: Option<String>,
    pub url: Option<String>,
    pub text: String,
    pub span: Span,
}

/// A decision of another body that the minutes report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReportedDecision {
    pub item: Option<String>,
    pub by: String,
    pub what: String,
    pub date: Option<String>,
    pub span: Span,
}

/// One body asking another to do something.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Request {
    pub item: Option<String>,
    pub from: String,
    pub to: String,
    pub about: String,
    pub span: Span,
}

/// Organisational history the minutes record (membership, chairs, steering groups, …).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Relation {
    pub item: Option<String>,
    pub subject: String,
    pub relation: String,
    pub object: String,
    pub from: Option<String>,
    pub until: Option<String>,
    pub span: Span,
}
