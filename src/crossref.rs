//! Dates from cross-references: minutes that print no date and whose file name gives none
//! still get one when the store already holds the previous meeting's minutes.
//!
//! The evidence chain is the one a reader follows: this document approves the minutes of
//! the meeting of date D; the minutes of D (already in the store, same body) list the
//! points for their next meeting on date N; so this is the meeting of N. Only an
//! unambiguous answer is taken, and the evidence is recorded with the result.

use crate::model::Minutes;
use crate::store::GraphStore;
use oxigraph::model::{Literal, Term, Variable};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use std::collections::BTreeSet;

const NEXT_MEETING_QUERY: &str = r#"
PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#>
PREFIX dct:     <http://purl.org/dc/terms/>
PREFIX ref:     <https://w3id.org/referat/ns#>
PREFIX skos:    <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?next ?body ?approved WHERE {
  ?meeting a besluit:Zitting ;
           dct:date ?d ;
           besluit:behandelt ?item .
  FILTER(STR(?d) = ?approved)
  OPTIONAL { ?meeting besluit:isGehoudenDoor/skos:prefLabel ?body }
  ?r ref:statedIn ?item ;
     ref:referenceKind/skos:notation "next-meeting" ;
     dct:date ?next .
}
"#;

/// Fill in `m.meeting.date` from the store when the text and file name gave none.
/// (Oxigraph substitutes only projected variables, hence `?approved` in the SELECT.)
/// Returns the evidence when a date was inferred.
pub fn infer_meeting_date(store: &GraphStore, m: &mut Minutes) -> Option<String> {
    if m.meeting.date.is_some() {
        return None;
    }
    let approved = m
        .references
        .iter()
        .find(|r| r.kind == "approves-minutes-of")
        .and_then(|r| r.date.clone())?;
    let mut prepared = SparqlEvaluator::new()
        .parse_query(NEXT_MEETING_QUERY)
        .ok()?
        .substitute_variable(
            Variable::new_unchecked("approved"),
            Term::from(Literal::new_simple_literal(&approved)),
        );
    prepared.dataset_mut().set_default_graph_as_union();
    let QueryResults::Solutions(solutions) = prepared.on_store(store.store()).execute().ok()?
    else {
        return None;
    };
    let mut found: BTreeSet<String> = BTreeSet::new();
    for s in solutions {
        let s = s.ok()?;
        let same_body = match (s.get("body"), m.meeting.body.as_deref()) {
            (Some(Term::Literal(b)), Some(mine)) => b.value() == mine,
            _ => true,
        };
        if !same_body {
            continue;
        }
        if let Some(Term::Literal(next)) = s.get("next") {
            found.insert(next.value().to_string());
        }
    }
    if found.len() != 1 {
        return None;
    }
    let next = found.into_iter().next()?;
    m.meeting.date = Some(next.clone());
    m.meeting.date_source = "cross-reference".to_string();
    let evidence = format!(
        "meeting date {next} inferred: this document approves the minutes of {approved}, whose \
         minutes name {next} as the next meeting"
    );
    m.warnings.retain(|w| w != crate::parse::NO_DATE_WARNING);
    m.warnings.push(evidence.clone());
    Some(evidence)
}
