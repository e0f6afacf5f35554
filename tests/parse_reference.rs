//! The parser held to what a careful reader finds in the two reference minutes
//! (`tests/expected/reference-minutes.json`, a copy of the shared expectations).

use referat::parse::{parse_file, ParseOptions};
use referat::Minutes;
use serde_json::Value;
use std::path::Path;

const JUNE: &str = "referat-fra-moede-i-kkr-midtjylland-den-18-juni-2025.txt";
const SEPTEMBER: &str = "referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt";

fn expected() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/expected/reference-minutes.json"))
        .expect("expectations file is part of the repo");
    serde_json::from_str(&text).expect("expectations are valid JSON")
}

fn parse(name: &str) -> Minutes {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(name);
    parse_file(&path, &ParseOptions::default()).expect("reference minutes parse")
}

/// Compare case-insensitively with æ/ø/å kept: the OCR-independent part of a title.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_string()
}

fn check_items(name: &str, strict_titles: bool) {
    let exp = expected();
    let doc = &exp[name];
    let m = parse(name);
    let items = doc["items"].as_array().expect("items");
    assert_eq!(m.items.len(), items.len(), "{name}: item count");
    for e in items {
        let num = e["number"].as_str().expect("number");
        let got = m
            .items
            .iter()
            .find(|i| i.number == num)
            .unwrap_or_else(|| panic!("{name}: item {num} missing"));
        if strict_titles {
            assert_eq!(
                norm(&got.title),
                norm(e["title"].as_str().unwrap_or("")),
                "{name} {num} title"
            );
        }
        assert_eq!(
            got.case_number.as_deref(),
            e["case_no"].as_str(),
            "{name} {num} case"
        );
        let officers: Vec<&str> = e["officers"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(got.case_officers, officers, "{name} {num} officers");
        if strict_titles {
            assert_eq!(
                got.decision.kind,
                e["decision_kind"].as_str().unwrap_or(""),
                "{name} {num} kind"
            );
            let start = e["decision_start"].as_str().unwrap_or("");
            assert!(
                got.decision.text.starts_with(start),
                "{name} {num}: decision {:?} should start with {start:?}",
                got.decision.text
            );
        }
        assert!(got.span.end > got.span.start, "{name} {num}: span");
        assert!(
            got.span.end <= m.source.chars,
            "{name} {num}: span inside source"
        );
    }
    assert_eq!(
        m.meeting.body.as_deref(),
        doc["body"].as_str(),
        "{name}: body"
    );
    assert_eq!(
        m.meeting.date.as_deref(),
        doc["date"].as_str(),
        "{name}: date"
    );
    let sections = doc["sections"].as_object().expect("sections");
    for (n, t) in sections {
        let got = m.sections.iter().find(|s| &s.number == n);
        let got = got.unwrap_or_else(|| panic!("{name}: section {n} missing"));
        if strict_titles {
            assert_eq!(got.title, t.as_str().unwrap_or(""), "{name}: section {n}");
        }
    }
}

#[test]
fn september_items_match_expectations() {
    check_items(SEPTEMBER, true);
}

#[test]
fn june_ocr_layout_items_match_expectations_after_repair() {
    check_items(JUNE, true);
}

#[test]
fn ocr_repair_only_where_damaged() {
    let june = parse(JUNE);
    assert!(june.source.ocr_repaired);
    let sept = parse(SEPTEMBER);
    assert!(!sept.source.ocr_repaired);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let with = referat::parse::prepare_file(&root.join(SEPTEMBER), &ParseOptions::default())
        .expect("prepare");
    assert!(
        with.ocr_changes.is_empty(),
        "clean text passes through unchanged"
    );
    let no = ParseOptions {
        ocr_repair: false,
        ..ParseOptions::default()
    };
    let raw = parse_file(&root.join(JUNE), &no).expect("parse");
    assert!(!raw.source.ocr_repaired);
    assert!(
        raw.items.iter().any(|i| i.title.contains("mgde")),
        "without repair the damage stays"
    );
}

#[test]
fn people_organisations_and_facts_match_expectations() {
    let exp = expected();
    for name in [JUNE, SEPTEMBER] {
        let m = parse(name);
        let doc = &exp[name];
        for p in doc["persons"].as_array().expect("persons") {
            let n = p["name"].as_str().expect("name");
            let got = m.persons.iter().find(|x| x.name == n);
            let got = got.unwrap_or_else(|| panic!("{name}: person {n} missing"));
            for a in p["aliases"].as_array().into_iter().flatten() {
                let a = a.as_str().expect("alias");
                assert!(got.aliases.iter().any(|x| x == a), "{name}: {n} alias {a}");
            }
        }
        for o in doc["organisations_must"].as_array().expect("orgs") {
            let o = o.as_str().expect("org");
            assert!(
                m.organisations
                    .iter()
                    .any(|x| x.name == o || x.aliases.iter().any(|a| a == o)),
                "{name}: organisation {o} missing"
            );
        }
        for r in doc["requests"].as_array().expect("requests") {
            let (f, t) = (
                r["from"].as_str().expect("from"),
                r["to"].as_str().expect("to"),
            );
            assert!(
                m.requests.iter().any(|x| x.from == f && x.to == t),
                "{name}: request {f} → {t}"
            );
        }
        for r in doc["reported_decisions"].as_array().into_iter().flatten() {
            let by = r["by"].as_str().expect("by");
            let got = m.reported_decisions.iter().find(|x| x.by == by);
            let got = got.unwrap_or_else(|| panic!("{name}: reported decision by {by}"));
            if let Some(d) = r["date"].as_str() {
                assert_eq!(
                    got.date.as_deref(),
                    Some(d),
                    "{name}: reported decision date"
                );
            }
        }
        // No false people: every person found is one the expectations list.
        let known: Vec<&str> = doc["persons"]
            .as_array()
            .expect("persons")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for p in &m.persons {
            assert!(
                known.contains(&p.name.as_str()),
                "{name}: unexpected person {:?}",
                p.name
            );
        }
    }
}

#[test]
fn september_date_comes_from_the_file_name() {
    let m = parse(SEPTEMBER);
    assert_eq!(m.meeting.date_source, "filename");
    assert_eq!(m.meeting.location, None);
}

#[test]
fn june_cover_gives_date_time_place() {
    let m = parse(JUNE);
    assert_eq!(m.meeting.date_source, "text");
    assert_eq!(m.meeting.start_time.as_deref(), Some("10:00"));
    let loc = m.meeting.location.unwrap_or_default();
    assert!(
        loc.starts_with("Scandic, Udg") && loc.ends_with("8600 Silkeborg"),
        "{loc}"
    );
    assert_eq!(m.meeting.participants.len(), 1);
    assert_eq!(m.meeting.participants[0].group.as_deref(), Some("KD-Net"));
}

#[test]
fn amounts_match_expectations() {
    let exp = expected();
    for name in [JUNE, SEPTEMBER] {
        let m = parse(name);
        for a in exp[name]["amounts_must"].as_array().expect("amounts") {
            let v = a["value"].as_f64().expect("value");
            let item = a["item"].as_str().expect("item");
            assert!(
                m.amounts
                    .iter()
                    .any(|g| (g.value - v).abs() < 0.01 && g.item.as_deref() == Some(item)),
                "{name}: amount {v} in item {item} missing"
            );
        }
    }
}

#[test]
fn september_references_match_expectations() {
    let exp = expected();
    let m = parse(SEPTEMBER);
    for r in exp[SEPTEMBER]["crossrefs"].as_array().expect("crossrefs") {
        let item = r["item"].as_str().expect("item");
        let date = r["meeting_date"].as_str().expect("date");
        assert!(
            m.references
                .iter()
                .any(|g| g.item.as_deref() == Some(item) && g.date.as_deref() == Some(date)),
            "reference {item} → {date} missing: {:?}",
            m.references
        );
    }
    let approve = m
        .references
        .iter()
        .find(|r| r.kind == "approves-minutes-of")
        .expect("approval reference");
    assert_eq!(approve.date.as_deref(), Some("2025-06-18"));
    let url = approve.url.as_deref().unwrap_or("");
    assert!(
        url.ends_with("den-18-juni-2025.pdf?format=noformat"),
        "{url}"
    );
    assert!(m
        .references
        .iter()
        .any(|r| r.kind == "carried-to" && r.date.as_deref() == Some("2025-10-20")));
    assert!(m
        .references
        .iter()
        .any(|r| r.kind == "next-meeting" && r.date.as_deref() == Some("2025-10-20")));
}

#[test]
fn spans_point_at_the_item_in_the_source() {
    let m = parse(SEPTEMBER);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(SEPTEMBER);
    let source: Vec<char> = std::fs::read_to_string(path)
        .expect("read")
        .chars()
        .collect();
    for it in &m.items {
        let text: String = source[it.span.start..it.span.end].iter().collect();
        let first_word = it.title.split_whitespace().next().unwrap_or("");
        assert!(
            text.contains(first_word),
            "{}: span text {:?}",
            it.number,
            &text[..text.len().min(80)]
        );
        assert!(
            text.contains(it.case_number.as_deref().unwrap_or("")),
            "{}",
            it.number
        );
    }
}
