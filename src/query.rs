//! Query stage: SPARQL over the store, with safe parameters and the standard result formats.
//!
//! Parameters are bound as RDF terms with `substitute_variable`, never spliced into the
//! query text, so a value can never change the query. The default graph is the union of
//! all document graphs, so curated queries need no GRAPH clauses.

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Literal, NamedNode, Term, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::io::Write;
use std::time::Duration;
use thiserror::Error;

/// Output formats of `referat query`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFormat {
    Table,
    Csv,
    Tsv,
    Json,
    Xml,
}

/// Why a query failed.
#[derive(Debug, Error)]
pub enum QueryError {
    #[error("SPARQL syntax error: {0}")]
    Syntax(String),
    #[error("invalid parameter {0:?}: expected name=value")]
    BadParam(String),
    #[error("the query did not finish within {0} s (use --timeout to allow more)")]
    Timeout(u64),
    #[error("query evaluation failed: {0}")]
    Evaluation(String),
    #[error("cannot write the results: {0}")]
    Io(#[from] std::io::Error),
}

/// A `name=value` parameter: `<…>` binds an IRI, anything else a plain string literal.
pub fn parse_param(s: &str) -> Result<(Variable, Term), QueryError> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| QueryError::BadParam(s.to_string()))?;
    let name = name.trim().trim_start_matches(['?', '$']);
    let var = Variable::new(name).map_err(|_| QueryError::BadParam(s.to_string()))?;
    let term: Term = match value.strip_prefix('<').and_then(|v| v.strip_suffix('>')) {
        Some(iri) => NamedNode::new(iri)
            .map_err(|_| QueryError::BadParam(s.to_string()))?
            .into(),
        None => Literal::new_simple_literal(value).into(),
    };
    Ok((var, term))
}

/// Run a query and write its results. Solutions are streamed; the first evaluation error
/// stops the output (partial results are never presented as complete).
pub fn run(
    store: &Store,
    query: &str,
    params: &[(Variable, Term)],
    format: ResultFormat,
    timeout: Duration,
    out: &mut dyn Write,
) -> Result<usize, QueryError> {
    run_with_plan(store, query, params, format, timeout, out, None)
}

/// [`run`], and when `plan` is given, Oxigraph's plan for the query with each operator's
/// rows and time (JSON) written to it after the results: the way to see why a query is slow
/// on a given store (which joins are nested loops, which are hash joins, where the rows come
/// from). Collecting the figures costs time of its own, so the query runs slower.
pub fn run_with_plan(
    store: &Store,
    query: &str,
    params: &[(Variable, Term)],
    format: ResultFormat,
    timeout: Duration,
    out: &mut dyn Write,
    plan: Option<&mut dyn Write>,
) -> Result<usize, QueryError> {
    let token = CancellationToken::new();
    let mut prepared = SparqlEvaluator::new()
        .with_cancellation_token(token.clone())
        .parse_query(query)
        .map_err(|e| QueryError::Syntax(e.to_string()))?;
    prepared.dataset_mut().set_default_graph_as_union();
    for (v, t) in params {
        prepared = prepared.substitute_variable(v.clone(), t.clone());
    }
    let timer = {
        let token = token.clone();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let handle = std::thread::spawn(move || {
            if rx.recv_timeout(timeout).is_err() {
                token.cancel();
            }
        });
        (tx, handle)
    };
    let result = match plan {
        None => write_results(
            prepared.on_store(store).execute(),
            format,
            out,
            timeout.as_secs(),
        ),
        Some(plan_out) => {
            let (results, explanation) = prepared.on_store(store).compute_statistics().explain();
            // The figures are complete only once every solution has been read.
            write_results(results, format, out, timeout.as_secs()).and_then(|rows| {
                explanation.write_in_json(&mut *plan_out)?;
                writeln!(plan_out)?;
                Ok(rows)
            })
        }
    };
    let _ = timer.0.send(());
    let _ = timer.1.join();
    result
}

fn eval_err(e: impl std::fmt::Display, secs: u64) -> QueryError {
    let msg = e.to_string();
    if msg.to_lowercase().contains("cancel") {
        QueryError::Timeout(secs)
    } else {
        QueryError::Evaluation(msg)
    }
}

fn write_results(
    results: Result<QueryResults<'_>, oxigraph::sparql::QueryEvaluationError>,
    format: ResultFormat,
    out: &mut dyn Write,
    secs: u64,
) -> Result<usize, QueryError> {
    let results = results.map_err(|e| eval_err(e, secs))?;
    match results {
        QueryResults::Solutions(solutions) => {
            let vars: Vec<Variable> = solutions.variables().to_vec();
            if format == ResultFormat::Table {
                let mut rows: Vec<Vec<String>> = Vec::new();
                for s in solutions {
                    let s = s.map_err(|e| eval_err(e, secs))?;
                    rows.push(
                        vars.iter()
                            .map(|v| s.get(v).map(plain).unwrap_or_default())
                            .collect(),
                    );
                }
                write_table(&vars, &rows, out)?;
                return Ok(rows.len());
            }
            // Collect first so that an evaluation error never leaves half a result file.
            let mut all = Vec::new();
            for s in solutions {
                all.push(s.map_err(|e| eval_err(e, secs))?);
            }
            let fmt = match format {
                ResultFormat::Csv => QueryResultsFormat::Csv,
                ResultFormat::Tsv => QueryResultsFormat::Tsv,
                ResultFormat::Xml => QueryResultsFormat::Xml,
                _ => QueryResultsFormat::Json,
            };
            let mut ser = QueryResultsSerializer::from_format(fmt)
                .serialize_solutions_to_writer(&mut *out, vars)?;
            for s in &all {
                ser.serialize(s)?;
            }
            ser.finish()?;
            if format == ResultFormat::Json {
                writeln!(out)?;
            }
            Ok(all.len())
        }
        QueryResults::Boolean(b) => {
            match format {
                ResultFormat::Table => writeln!(out, "{b}")?,
                f => {
                    let fmt = match f {
                        ResultFormat::Csv => QueryResultsFormat::Csv,
                        ResultFormat::Tsv => QueryResultsFormat::Tsv,
                        ResultFormat::Xml => QueryResultsFormat::Xml,
                        _ => QueryResultsFormat::Json,
                    };
                    QueryResultsSerializer::from_format(fmt)
                        .serialize_boolean_to_writer(&mut *out, b)?;
                }
            }
            Ok(1)
        }
        QueryResults::Graph(triples) => {
            let mut all = Vec::new();
            for t in triples {
                all.push(t.map_err(|e| eval_err(e, secs))?);
            }
            let mut ser = RdfSerializer::from_format(RdfFormat::Turtle).for_writer(&mut *out);
            for t in &all {
                ser.serialize_triple(t)?;
            }
            ser.finish()?;
            Ok(all.len())
        }
    }
}

/// The value a reader wants to see: a literal's lexical form, an IRI without brackets.
fn plain(t: &Term) -> String {
    match t {
        Term::NamedNode(n) => n.as_str().to_string(),
        Term::Literal(l) => l.value().to_string(),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

fn write_table(
    vars: &[Variable],
    rows: &[Vec<String>],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    const MAX: usize = 60;
    let clip = |s: &str| -> String {
        let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > MAX {
            one_line.chars().take(MAX - 1).collect::<String>() + "…"
        } else {
            one_line
        }
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clip(c)).collect())
        .collect();
    let mut widths: Vec<usize> = vars.iter().map(|v| v.as_str().chars().count()).collect();
    for r in &cells {
        for (k, c) in r.iter().enumerate() {
            widths[k] = widths[k].max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, vals: &[String]| -> std::io::Result<()> {
        let parts: Vec<String> = vals
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v}{}", " ".repeat(w - v.chars().count())))
            .collect();
        writeln!(out, "{}", parts.join(" | ").trim_end())
    };
    let header: Vec<String> = vars.iter().map(|v| v.as_str().to_string()).collect();
    line(out, &header)?;
    writeln!(
        out,
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-")
    )?;
    for r in &cells {
        line(out, r)?;
    }
    writeln!(out, "({} rows)", rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_terms_not_text() {
        let (v, t) = parse_param("org=KD\" } ; DROP ALL ; #").expect("param");
        assert_eq!(v.as_str(), "org");
        assert_eq!(
            t,
            Term::from(Literal::new_simple_literal("KD\" } ; DROP ALL ; #"))
        );
        let (_, t) = parse_param("g=<https://example.org/x>").expect("iri param");
        assert!(matches!(t, Term::NamedNode(_)));
        assert!(parse_param("novalue").is_err());
    }

    #[test]
    fn injection_is_impossible() {
        let store = Store::new().expect("memory store");
        let q = "SELECT ?org (STRLEN(?org) AS ?n) WHERE { }";
        let evil = "x\" . } } INSERT DATA { <a:b> <a:c> <a:d> } #\n>";
        let p = parse_param(&format!("org={evil}")).expect("param");
        let mut out = Vec::new();
        run(
            &store,
            q,
            &[p],
            ResultFormat::Csv,
            Duration::from_secs(10),
            &mut out,
        )
        .expect("query runs");
        let text = String::from_utf8(out).expect("utf8");
        assert!(text.contains(&evil.chars().count().to_string()), "{text}");
        assert!(store.is_empty().expect("len"));
    }
}
