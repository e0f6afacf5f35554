//! Vocabulary terms used by the mapping, and the controlled lists (SKOS schemes) of
//! `ontology/referat.ttl` that the mapping copies into each document graph, so a graph is
//! self-describing and the curated queries can read a concept's `skos:notation` without the
//! ontology being loaded.

/// Namespace prefixes, in the order they are written to Turtle/TriG.
pub const PREFIXES: &[(&str, &str)] = &[
    ("ref", REF),
    ("besluit", BESLUIT),
    ("eli", ELI),
    ("org", ORG),
    ("foaf", FOAF),
    ("dct", DCT),
    ("schema", SCHEMA),
    ("prov", PROV),
    ("oa", OA),
    ("skos", SKOS),
    ("adms", ADMS),
    ("time", TIME),
    ("rdf", RDF),
    ("rdfs", RDFS),
    ("xsd", XSD),
];

pub const REF: &str = "https://w3id.org/referat/ns#";
pub const BESLUIT: &str = "http://data.vlaanderen.be/ns/besluit#";
pub const ELI: &str = "http://data.europa.eu/eli/ontology#";
pub const ORG: &str = "http://www.w3.org/ns/org#";
pub const FOAF: &str = "http://xmlns.com/foaf/0.1/";
pub const DCT: &str = "http://purl.org/dc/terms/";
pub const SCHEMA: &str = "http://schema.org/";
pub const PROV: &str = "http://www.w3.org/ns/prov#";
pub const OA: &str = "http://www.w3.org/ns/oa#";
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub const ADMS: &str = "http://www.w3.org/ns/adms#";
pub const TIME: &str = "http://www.w3.org/2006/time#";
pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// A SKOS scheme of `ontology/referat.ttl`: `ref:{scheme}`, concepts `ref:{prefix}-{token}`.
pub struct Scheme {
    pub scheme: &'static str,
    pub prefix: &'static str,
    /// `(notation token, Danish label, English label)`.
    pub concepts: &'static [(&'static str, &'static str, &'static str)],
    /// Whether tokens outside `concepts` may be minted (free-text kinds from the parser).
    pub open: bool,
}

/// Outcome of a decision, as `decision.kind` in the JSON contract.
pub const DECISION_KINDS: Scheme = Scheme {
    scheme: "DecisionKindScheme",
    prefix: "decision",
    concepts: &[
        ("approved", "godkendt", "approved"),
        ("noted", "taget til efterretning", "noted"),
        ("endorsed", "tiltrådt", "endorsed"),
        ("discussed", "drøftet", "discussed"),
        ("postponed", "udsat", "postponed"),
        ("rejected", "afvist", "rejected"),
        ("none", "ingen beslutning", "no decision"),
    ],
    open: false,
};

/// Headings of an item's parts in the KL template; other headings are kept as `other`.
pub const PART_KINDS: Scheme = Scheme {
    scheme: "PartKindScheme",
    prefix: "part",
    concepts: &[
        ("baggrund", "Baggrund", "background"),
        ("indstilling", "Indstilling", "recommendation"),
        ("sagsfremstilling", "Sagsfremstilling", "case presentation"),
        ("beslutning", "Beslutning", "decision"),
        ("bilag", "Bilag", "annexes"),
        ("oekonomi", "Økonomi", "finances"),
        ("videre-proces", "Videre proces", "next steps"),
        ("kommunikation", "Kommunikation", "communication"),
        ("other", "anden overskrift", "other heading"),
    ],
    open: false,
};

/// How an item refers to another meeting or document.
pub const REFERENCE_KINDS: Scheme = Scheme {
    scheme: "ReferenceKindScheme",
    prefix: "reference",
    concepts: &[
        (
            "approves-minutes-of",
            "godkender referat af",
            "approves the minutes of",
        ),
        ("next-meeting", "næste møde", "next meeting"),
        ("carried-to", "videreført til", "carried to"),
        ("refers-to", "henviser til", "refers to"),
        ("later-meeting", "senere møde", "later meeting"),
        ("event", "begivenhed", "event"),
    ],
    open: true,
};

/// Reference kinds that point at another meeting of the same body (an `event` does not).
pub const MEETING_REFERENCE_KINDS: &[&str] = &[
    "approves-minutes-of",
    "next-meeting",
    "carried-to",
    "refers-to",
    "later-meeting",
];

/// Organisational relations the minutes record (`relations[].relation`).
pub const RELATION_KINDS: Scheme = Scheme {
    scheme: "RelationKindScheme",
    prefix: "relation",
    concepts: &[
        ("member-of", "medlem af", "member of"),
        ("owner-of", "ejer af", "owner of"),
        ("chair-of", "formand for", "chair of"),
        ("deputy-chair-of", "næstformand for", "deputy chair of"),
        ("director-of", "direktør for", "director of"),
        ("steering-group-of", "styregruppe for", "steering group of"),
        ("secretariat-of", "sekretariat for", "secretariat of"),
        ("part-of", "del af", "part of"),
        ("joins", "indtræder i", "joins"),
        ("withdraws-from", "udtræder af", "withdraws from"),
        ("establishes", "opretter", "establishes"),
        ("abolished", "nedlagt", "abolished"),
        ("merges-into", "fusionerer med", "merges into"),
    ],
    open: true,
};

/// Relation kinds that are a standing relation (an `org:Membership`); the others are
/// changes (`org:ChangeEvent`).
pub const MEMBERSHIP_RELATIONS: &[&str] = &[
    "member-of",
    "owner-of",
    "chair-of",
    "deputy-chair-of",
    "director-of",
    "steering-group-of",
    "secretariat-of",
    "part-of",
];

/// Change events whose object is the organisation that ends (`org:originalOrganization`);
/// for the others the object is the one that results (`org:resultingOrganization`).
pub const ENDING_RELATIONS: &[&str] = &["withdraws-from", "abolished", "merges-into"];

/// Gazetteer types of organisation (`organisations[].kind`); `discovered` is no type but
/// the origin of a pattern find, and gets no classification.
pub const ORGANISATION_KINDS: Scheme = Scheme {
    scheme: "OrganisationKindScheme",
    prefix: "orgkind",
    concepts: &[
        ("municipality", "kommune", "municipality"),
        ("region", "region", "region"),
        ("ministry", "ministerium", "ministry"),
        ("agency", "styrelse", "agency"),
        ("association", "forening", "association"),
        ("network", "netværk", "network"),
        ("company", "virksomhed", "company"),
        (
            "university",
            "uddannelsesinstitution",
            "university or college",
        ),
        ("political-body", "politisk organ", "political body"),
        ("union", "faglig organisation", "trade union"),
        ("parliament", "parlament", "parliament"),
        ("government", "regering", "government"),
    ],
    open: false,
};

/// How a meeting is known: from its own minutes or only from references in other minutes.
pub const KNOWN_FROM: Scheme = Scheme {
    scheme: "KnownFromScheme",
    prefix: "known",
    concepts: &[
        (
            "minutes",
            "kendt fra eget referat",
            "known from its own minutes",
        ),
        (
            "reference",
            "kendt fra henvisning",
            "known only from references",
        ),
    ],
    open: false,
};

impl Scheme {
    /// The concept for a token, or `None` for a closed scheme that lacks it.
    pub fn concept(&self, token: &str) -> Option<(String, &'static str, &'static str)> {
        let t = token.trim();
        if let Some((tok, da, en)) = self.concepts.iter().find(|(tok, _, _)| *tok == t) {
            return Some((tok.to_string(), da, en));
        }
        if self.open && !t.is_empty() {
            return Some((super::iri::slug(t), "", ""));
        }
        None
    }

    pub fn scheme_iri(&self) -> String {
        format!("{REF}{}", self.scheme)
    }

    pub fn concept_iri(&self, token: &str) -> String {
        format!("{REF}{}-{token}", self.prefix)
    }
}
