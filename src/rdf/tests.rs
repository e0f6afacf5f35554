//! Mapping tests on small hand-built minutes (not the reference documents).

use super::*;
use crate::model::*;

fn span(start: usize, end: usize) -> Span {
    Span { start, end }
}

fn item(number: &str, case: &str, kind: &str, at: usize) -> AgendaItem {
    AgendaItem {
        number: number.into(),
        section: number.split('.').next().unwrap_or("").into(),
        title: format!("Punkt {number}"),
        case_number: Some(case.into()),
        case_officers: vec!["abc".into()],
        parts: [(
            "Indstilling".to_string(),
            "Det indstilles, at udvalget godkender".to_string(),
        )]
        .into_iter()
        .collect(),
        recommendations: vec!["at udvalget godkender".into()],
        decision: Decision {
            kind: kind.into(),
            text: "Godkendt.".into(),
        },
        urls: vec![],
        span: span(at, at + 100),
    }
}

fn minutes(file: &str, date: &str, next: &str) -> Minutes {
    Minutes {
        source: Source {
            path: format!("corpus/{file}"),
            sha256: "00ff".into(),
            ocr_repaired: false,
            chars: 1000,
        },
        meeting: Meeting {
            body: Some("Udvalget for Æbleø".into()),
            date: Some(date.into()),
            date_source: "text".into(),
            start_time: Some("09:30".into()),
            location: Some("Rådhuset".into()),
            participants: vec![],
        },
        sections: vec![Section {
            number: "1".into(),
            title: "Sager".into(),
        }],
        items: vec![
            item("1.1", "SAG-2024-00001", "approved", 0),
            item("1.2", "SAG-2024-00002", "noted", 200),
        ],
        persons: vec![Person {
            name: "Anne Åberg Sørensen".into(),
            aliases: vec!["Anne Åberg".into()],
            roles: vec![Role {
                role: "formand".into(),
                organisation: Some("NetX".into()),
                item: Some("1.2".into()),
            }],
            merged_from: vec![],
        }],
        organisations: vec![Organisation {
            name: "Netværket X".into(),
            aliases: vec!["NetX".into()],
            kind: "network".into(),
            items: vec!["1.2".into()],
        }],
        amounts: vec![Amount {
            item: Some("1.2".into()),
            value: 0.9 * 1_000_000.0,
            value_max: None,
            currency: "DKK".into(),
            per: None,
            year: Some(2026),
            text: "0,9 mio. kr.".into(),
            span: span(230, 242),
        }],
        references: vec![Reference {
            item: Some("1.1".into()),
            kind: "next-meeting".into(),
            date: Some(next.into()),
            url: None,
            text: "næste møde".into(),
            span: span(10, 20),
        }],
        reported_decisions: vec![ReportedDecision {
            item: Some("1.2".into()),
            by: "Netværket X".into(),
            what: "sparer 0,9 mio. kr.".into(),
            date: Some("2024-01-31".into()),
            span: span(220, 250),
        }],
        requests: vec![Request {
            item: Some("1.2".into()),
            from: "Udvalget for Æbleø".into(),
            to: "NetX".into(),
            about: "et oplæg".into(),
            span: span(260, 280),
        }],
        relations: vec![Relation {
            item: Some("1.2".into()),
            subject: "Anne Åberg".into(),
            relation: "chair-of".into(),
            object: "NetX".into(),
            from: Some("2024-07-01".into()),
            until: None,
            span: span(200, 210),
        }],
        warnings: vec![],
    }
}

fn has(quads: &[Quad], s: &str, p: &str, o: &str) -> bool {
    quads.iter().any(|q| {
        q.subject.to_string() == format!("<{s}>")
            && q.predicate.as_str() == p
            && q.object.to_string() == o
    })
}

#[test]
fn mapping_is_deterministic_and_has_no_blank_nodes() {
    let m = minutes("m1.txt", "2024-02-01", "2024-03-01");
    let cfg = RdfConfig::default();
    let split = to_quads(&m, &cfg);
    assert_eq!(split, to_quads(&m, &cfg));
    assert!(!split.own.is_empty() && !split.shared.is_empty());
    let graph = document_graph(&m, &cfg);
    let shared = entities_graph(&cfg);
    for (quads, g) in [(&split.own, &graph), (&split.shared, &shared)] {
        for q in quads {
            assert!(matches!(q.subject, NamedOrBlankNode::NamedNode(_)), "{q}");
            assert!(!matches!(q.object, Term::BlankNode(_)), "{q}");
            assert_eq!(q.graph_name, GraphName::NamedNode(g.clone()));
        }
    }
    let a: Vec<&Quad> = split.all().collect();
    let unique: HashSet<_> = a.iter().collect();
    assert_eq!(unique.len(), a.len(), "no repeated quads");
}

#[test]
fn statements_about_shared_nodes_go_to_the_entities_graph() {
    let cfg = RdfConfig::default();
    let m = minutes("m1.txt", "2024-02-01", "2024-03-01");
    let split = to_quads(&m, &cfg);
    let base = DEFAULT_BASE;
    let meeting = format!("{base}meeting/udvalget-for-aebleoe/2024-02-01");
    let org = format!("{base}organisation/netvaerket-x");
    let person = format!("{base}person/anne-aaberg-soerensen");
    let label = format!("{SKOS}prefLabel");
    // Labels, types and concept notations of hubs: once, in the shared graph.
    assert!(has(&split.shared, &org, &label, "\"Netværket X\""));
    assert!(has(
        &split.shared,
        &person,
        &format!("{FOAF}name"),
        "\"Anne Åberg Sørensen\""
    ));
    assert!(has(
        &split.shared,
        &format!("{REF}decision-noted"),
        &format!("{SKOS}notation"),
        "\"noted\""
    ));
    // What it says about a meeting it only refers to is shared: other minutes refer to
    // the same meeting, and one copy keeps joins on meetings from multiplying.
    let march = meeting_iri("Udvalget for Æbleø", "2024-03-01", &cfg);
    assert!(has(
        &split.shared,
        march.as_str(),
        &format!("{REF}knownFrom"),
        &format!("<{REF}known-reference>")
    ));
    // What the document itself records, and its links to hubs, stay in its graph.
    assert!(has(
        &split.own,
        &meeting,
        &format!("{REF}knownFrom"),
        &format!("<{REF}known-minutes>")
    ));
    assert!(has(
        &split.own,
        &format!("{meeting}/item/1.2/decision"),
        &format!("{REF}decisionKind"),
        &format!("<{REF}decision-noted>")
    ));
    assert!(split
        .own
        .iter()
        .all(|q| !(q.subject.to_string() == format!("<{org}>") && q.predicate.as_str() == label)));
    assert!(split
        .own
        .iter()
        .any(|q| q.subject.to_string() == format!("<{org}>")
            && q.predicate.as_str() == format!("{REF}mentionedIn")));
}

#[test]
fn identity_is_derived_from_content() {
    let m = minutes("Referat 1. februar.txt", "2024-02-01", "2024-03-01");
    let cfg = RdfConfig::default();
    let q: Vec<Quad> = to_quads(&m, &cfg).all().cloned().collect();
    let base = DEFAULT_BASE;
    assert_eq!(
        document_graph(&m, &cfg).as_str(),
        format!("{base}graph/referat-1-februar")
    );
    let meeting = format!("{base}meeting/udvalget-for-aebleoe/2024-02-01");
    let item = format!("{meeting}/item/1.2");
    assert!(has(
        &q,
        &meeting,
        &format!("{BESLUIT}behandelt"),
        &format!("<{item}>")
    ));
    assert!(has(
        &q,
        &format!("{item}/decision"),
        &format!("{REF}decisionKind"),
        &format!("<{REF}decision-noted>")
    ));
    assert!(has(
        &q,
        &format!("{REF}decision-noted"),
        &format!("{SKOS}notation"),
        "\"noted\""
    ));
    // Aliases resolve to the canonical organisation and person.
    let person = format!("{base}person/anne-aaberg-soerensen");
    let org = format!("{base}organisation/netvaerket-x");
    assert!(has(
        &q,
        &format!("{item}/relation/1"),
        &format!("{REF}actor"),
        &format!("<{person}>")
    ));
    assert!(has(
        &q,
        &format!("{item}/request/1"),
        &format!("{REF}addressee"),
        &format!("<{org}>")
    ));
    assert!(has(
        &q,
        &format!("{meeting}/membership/anne-aaberg-soerensen/1"),
        &format!("{ORG}organization"),
        &format!("<{org}>")
    ));
    // Money without binary noise, linked to the reported decision whose text holds it.
    assert!(has(
        &q,
        &format!("{item}/amount/1"),
        &format!("{SCHEMA}value"),
        &format!("\"900000\"^^<{XSD}decimal>")
    ));
    assert!(has(
        &q,
        &format!("{item}/reported-decision/1"),
        &format!("{REF}amount"),
        &format!("<{item}/amount/1>")
    ));
    // Provenance with a text position selector.
    let ann = format!("{base}document/referat-1-februar/annotation/meeting/udvalget-for-aebleoe/2024-02-01/item/1.2/amount/1");
    assert!(has(
        &q,
        &ann,
        &format!("{OA}hasBody"),
        &format!("<{item}/amount/1>")
    ));
    assert!(has(
        &q,
        &format!("{ann}/selector"),
        &format!("{OA}start"),
        &format!("\"230\"^^<{XSD}integer>")
    ));
}

#[test]
fn cases_and_meetings_are_shared_across_documents() {
    let cfg = RdfConfig::default();
    let first = minutes("m1.txt", "2024-02-01", "2024-03-01");
    let mut second = minutes("m2.txt", "2024-03-01", "2024-04-01");
    second.items[0].case_number = Some("SAG-2024-00002".into());
    let a: Vec<Quad> = to_quads(&first, &cfg).all().cloned().collect();
    let b: Vec<Quad> = to_quads(&second, &cfg).all().cloned().collect();
    let case = case_iri("SAG-2024-00002", &cfg);
    let items_of_case = |qs: &[Quad]| {
        qs.iter()
            .filter(|q| {
                q.predicate.as_str() == format!("{REF}case") && q.object == Term::from(case.clone())
            })
            .count()
    };
    assert_eq!(items_of_case(&a), 1);
    assert_eq!(items_of_case(&b), 2);
    assert_ne!(document_graph(&first, &cfg), document_graph(&second, &cfg));
    // The meeting the first document refers to is the meeting the second one records.
    let march = meeting_iri("Udvalget for Æbleø", "2024-03-01", &cfg);
    assert!(has(
        &a,
        march.as_str(),
        &format!("{REF}knownFrom"),
        &format!("<{REF}known-reference>")
    ));
    assert!(has(
        &b,
        march.as_str(),
        &format!("{REF}knownFrom"),
        &format!("<{REF}known-minutes>")
    ));
}

#[test]
fn a_changed_document_keeps_its_graph() {
    let cfg = RdfConfig::default();
    let old = minutes("m1.txt", "2024-02-01", "2024-03-01");
    let mut new = old.clone();
    new.source.sha256 = "abcd".into();
    assert_eq!(document_graph(&old, &cfg), document_graph(&new, &cfg));
}

#[test]
fn bad_input_does_not_make_bad_literals() {
    let cfg = RdfConfig {
        base: "https://example.org/x".into(),
        extractor_version: "0.0.0 test".into(),
    };
    assert!(cfg.check().is_ok());
    let mut m = minutes("m1.txt", "18. juni", "2024-13-01");
    m.meeting.start_time = Some("kl. 10".into());
    m.amounts[0].value = f64::NAN;
    m.items[1].decision.kind = "something else".into();
    let q: Vec<Quad> = to_quads(&m, &cfg).all().cloned().collect();
    assert!(q.iter().all(
        |q| q.subject.to_string().starts_with("<https://example.org/x/")
            || q.subject.to_string().starts_with(&format!("<{REF}"))
    ));
    assert!(!q
        .iter()
        .any(|q| q.predicate.as_str() == format!("{BESLUIT}geplandeStart")));
    assert!(!q
        .iter()
        .any(|q| q.predicate.as_str() == format!("{SCHEMA}value")));
    assert!(!q
        .iter()
        .any(|q| q.predicate.as_str() == format!("{REF}referencedMeeting")));
    assert!(q
        .iter()
        .any(|q| q.subject.to_string().contains("/undated-m1>")));
    let bad = RdfConfig {
        base: "not an iri".into(),
        ..RdfConfig::default()
    };
    assert!(bad.check().is_err());
}
