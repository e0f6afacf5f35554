//! Query stage: SPARQL over the store, with safe parameters and the standard result formats.
//!
//! Parameters are bound as RDF terms with `substitute_variable`, never spliced into the
//! query text, so a value can never change the query. The default graph is the union of
//! all document graphs, so curated queries need no GRAPH clauses.

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Literal, NamedNode, Term, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::io::Write;
use std::time::Duration;
use thiserror::Error;

/// Output formats of `referat query`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFormat {
    Table,
    /// No format asked for, output not a terminal: CSV for solutions and booleans, Turtle
    /// for the triples of CONSTRUCT and DESCRIBE.
    Auto,
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
    /// An update given to `query`: the store is changed by `ingest` and `link` only.
    #[error("this is a SPARQL update; a query is SELECT, ASK, CONSTRUCT or DESCRIBE (the store is changed by `referat ingest` and `referat link` only)")]
    Update,
    /// Results of a CONSTRUCT or DESCRIBE are triples, not a table.
    #[error("--format {0}: a CONSTRUCT or DESCRIBE query gives triples, written as Turtle (leave --format out, or use `referat export` for other RDF formats)")]
    TriplesFormat(&'static str),
    /// A `--param` that binds nothing: the text says which and why.
    #[error("--param {0}")]
    BadParam(String),
    /// A parameter the query's header declares (`# Parameter: ?org`) was not given.
    #[error("the query needs --param {0}=VALUE (its header declares ?{0})")]
    MissingParam(String),
    /// A `--param` for a variable the query does not select: Oxigraph binds only those, and
    /// its own message names neither the option nor what the query does select.
    #[error("--param {name}: the query selects no ?{name} (it selects {selected}); a parameter binds a variable of the SELECT clause")]
    UnknownParam { name: String, selected: String },
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
        .ok_or_else(|| QueryError::BadParam(format!("{s:?}: expected NAME=VALUE")))?;
    let name = name.trim().trim_start_matches(['?', '$']);
    let var = Variable::new(name)
        .map_err(|_| QueryError::BadParam(format!("{s:?}: {name:?} is not a variable name")))?;
    let term: Term = match value.strip_prefix('<').and_then(|v| v.strip_suffix('>')) {
        Some(iri) => NamedNode::new(iri)
            .map_err(|_| {
                QueryError::BadParam(format!(
                    "{name}: {value} is not a valid IRI (write <https://…>, or leave out the brackets to bind a string)"
                ))
            })?
            .into(),
        None => Literal::new_simple_literal(value).into(),
    };
    Ok((var, term))
}

/// Every `--param`, each variable once (a second value would silently win).
pub fn parse_params(raw: &[String]) -> Result<Vec<(Variable, Term)>, QueryError> {
    let mut out: Vec<(Variable, Term)> = Vec::with_capacity(raw.len());
    for s in raw {
        let (v, t) = parse_param(s)?;
        if out.iter().any(|(seen, _)| *seen == v) {
            return Err(QueryError::BadParam(format!("{}: given twice", v.as_str())));
        }
        out.push((v, t));
    }
    Ok(out)
}

/// The parameters a query's header comment declares, by the curated queries' convention
/// (`# Parameter: ?org, …` or `# Parameters: ?a ?b …`; `none` declares none).
pub fn declared_params(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in query.lines().map(str::trim) {
        let Some(comment) = line.strip_prefix('#') else {
            if line.is_empty() {
                continue;
            }
            break;
        };
        let c = comment.trim();
        let Some(rest) = c
            .strip_prefix("Parameters:")
            .or_else(|| c.strip_prefix("Parameter:"))
        else {
            continue;
        };
        for word in rest.split_whitespace() {
            if let Some(v) = word.strip_prefix('?') {
                let v = v.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
                if Variable::new(v).is_ok() {
                    out.push(v.to_string());
                }
            }
        }
    }
    out
}

/// [`QueryError::MissingParam`] for the first declared parameter not given.
pub fn check_declared(query: &str, params: &[(Variable, Term)]) -> Result<(), QueryError> {
    match declared_params(query)
        .into_iter()
        .find(|d| !params.iter().any(|(v, _)| v.as_str() == d))
    {
        Some(d) => Err(QueryError::MissingParam(d)),
        None => Ok(()),
    }
}

/// Run a query and write its results. Solutions are streamed to `out` as they are read, so
/// memory does not grow with the result; the first evaluation error stops the output and is
/// returned, with what was written so far left in `out`. A caller that must never show half
/// a result (a file, a terminal) writes into a [`Spool`] and copies it on success.
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
        .map_err(|e| {
            if spargebra::SparqlParser::new().parse_update(query).is_ok() {
                QueryError::Update
            } else {
                QueryError::Syntax(e.to_string())
            }
        })?;
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
            query,
        ),
        Some(plan_out) => {
            let (results, explanation) = prepared.on_store(store).compute_statistics().explain();
            // The figures are complete only once every solution has been read.
            write_results(results, format, out, timeout.as_secs(), query).and_then(|rows| {
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

/// The variables a SELECT query projects, in order (empty for other query forms and for
/// text that does not parse).
fn selected_variables(query: &str) -> Vec<Variable> {
    use spargebra::algebra::GraphPattern;
    let Ok(spargebra::Query::Select { pattern, .. }) =
        spargebra::SparqlParser::new().parse_query(query)
    else {
        return Vec::new();
    };
    let mut p = &pattern;
    loop {
        match p {
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::OrderBy { inner, .. } => p = inner,
            GraphPattern::Project { variables, .. } => return variables.clone(),
            _ => return Vec::new(),
        }
    }
}

/// [`QueryError::UnknownParam`] for `var`, naming what `query` selects (ASK, CONSTRUCT
/// and DESCRIBE bind any variable of their pattern: there the query just lacks it).
fn unknown_param(var: &Variable, query: &str) -> QueryError {
    let is_select = matches!(
        spargebra::SparqlParser::new().parse_query(query),
        Ok(spargebra::Query::Select { .. })
    );
    if !is_select {
        return QueryError::BadParam(format!("{}: the query has no ?{0}", var.as_str()));
    }
    let selected = selected_variables(query);
    QueryError::UnknownParam {
        name: var.as_str().to_string(),
        selected: if selected.is_empty() {
            "no variables".to_string()
        } else {
            selected
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        },
    }
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
    results: Result<QueryResults<'_>, QueryEvaluationError>,
    format: ResultFormat,
    out: &mut dyn Write,
    secs: u64,
    query: &str,
) -> Result<usize, QueryError> {
    let results = results.map_err(|e| match e {
        QueryEvaluationError::NotExistingSubstitutedVariable(v) => unknown_param(&v, query),
        e => eval_err(e, secs),
    })?;
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
            // Streamed: a solution is decoded, written and dropped. Holding them all, as
            // this did, took 290 MB for 318 000 rows of `amounts.rq` at 10 000 documents,
            // more than the evaluator's own tables; a caller that must not show half a
            // result gives a [`Spool`].
            let fmt = match format {
                ResultFormat::Csv | ResultFormat::Auto => QueryResultsFormat::Csv,
                ResultFormat::Tsv => QueryResultsFormat::Tsv,
                ResultFormat::Xml => QueryResultsFormat::Xml,
                _ => QueryResultsFormat::Json,
            };
            let mut ser = QueryResultsSerializer::from_format(fmt)
                .serialize_solutions_to_writer(&mut *out, vars)?;
            let mut rows = 0;
            for s in solutions {
                ser.serialize(&s.map_err(|e| eval_err(e, secs))?)?;
                rows += 1;
            }
            ser.finish()?;
            if format == ResultFormat::Json {
                writeln!(out)?;
            }
            Ok(rows)
        }
        QueryResults::Boolean(b) => {
            match format {
                ResultFormat::Table => writeln!(out, "{b}")?,
                f => {
                    let fmt = match f {
                        ResultFormat::Csv | ResultFormat::Auto => QueryResultsFormat::Csv,
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
            // Turtle is the one form for triples here; the table formats are refused, not
            // silently ignored (a table on a terminal, the default, stays Turtle).
            match format {
                ResultFormat::Csv => return Err(QueryError::TriplesFormat("csv")),
                ResultFormat::Tsv => return Err(QueryError::TriplesFormat("tsv")),
                ResultFormat::Json => return Err(QueryError::TriplesFormat("json")),
                ResultFormat::Xml => return Err(QueryError::TriplesFormat("xml")),
                ResultFormat::Table | ResultFormat::Auto => {}
            }
            let mut ser = RdfSerializer::from_format(RdfFormat::Turtle).for_writer(&mut *out);
            let mut count = 0;
            for t in triples {
                ser.serialize_triple(&t.map_err(|e| eval_err(e, secs))?)?;
                count += 1;
            }
            ser.finish()?;
            Ok(count)
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

/// A result held until it is complete: in memory up to a limit, then in an anonymous
/// temporary file. Why: `referat query` must not leave half a result when evaluation fails
/// late (a timeout, a store error), but holding a large result in memory broke the memory
/// bound that streaming keeps (bench/RESULTS.md, "Memory of the curated queries").
pub struct Spool {
    memory: Vec<u8>,
    file: Option<std::io::BufWriter<std::fs::File>>,
    limit: usize,
}

impl Spool {
    /// A spool that keeps up to `limit` bytes in memory before it moves to a file.
    pub fn new(limit: usize) -> Self {
        Spool {
            memory: Vec::new(),
            file: None,
            limit,
        }
    }

    /// Writes everything spooled to `out`.
    pub fn copy_to(self, out: &mut dyn Write) -> std::io::Result<()> {
        use std::io::Seek;
        match self.file {
            None => out.write_all(&self.memory),
            Some(file) => {
                let mut file = file.into_inner().map_err(|e| e.into_error())?;
                file.rewind()?;
                std::io::copy(&mut std::io::BufReader::new(file), out).map(|_| ())
            }
        }
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.file.is_none() && self.memory.len() + buf.len() > self.limit {
            let mut file = std::io::BufWriter::new(tempfile::tempfile()?);
            file.write_all(&self.memory)?;
            self.memory = Vec::new();
            self.file = Some(file);
        }
        match &mut self.file {
            Some(file) => file.write(buf),
            None => {
                self.memory.extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
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
    fn params_are_given_once_and_declared_ones_are_required() {
        let raw = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let e = parse_params(&raw(&["x=a", "y=b", "x=c"])).expect_err("twice");
        assert_eq!(e.to_string(), "--param x: given twice");
        let e = parse_params(&raw(&["x=<not an iri>"])).expect_err("iri");
        assert!(
            e.to_string()
                .starts_with("--param x: <not an iri> is not a valid IRI"),
            "{e}"
        );
        let q = "# listing\n# Parameter: ?org, a plain string literal\n# Parameters: none.\n\
                 PREFIX x: <urn:x#>\n# Parameter: ?late (after the header: not one)\nSELECT ?org WHERE {}";
        assert_eq!(declared_params(q), ["org"]);
        assert_eq!(
            declared_params("# Parameters: ?a ?b_2, and nothing else.\nSELECT * {}"),
            ["a", "b_2"]
        );
        let given = parse_params(&raw(&["org=KL"])).expect("param");
        assert!(check_declared(q, &given).is_ok());
        let e = check_declared(q, &[]).expect_err("missing");
        assert_eq!(
            e.to_string(),
            "the query needs --param org=VALUE (its header declares ?org)"
        );
        let e = parse_params(&raw(&["no value"])).expect_err("no =");
        assert_eq!(e.to_string(), "--param \"no value\": expected NAME=VALUE");
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

    #[test]
    fn a_spool_gives_back_what_was_written_in_memory_and_past_its_limit() {
        let text: Vec<u8> = (0..10_000u32).flat_map(|i| i.to_le_bytes()).collect();
        for limit in [usize::MAX, 1_000, 0] {
            let mut spool = Spool::new(limit);
            for chunk in text.chunks(777) {
                spool.write_all(chunk).expect("spool write");
            }
            assert_eq!(spool.file.is_some(), limit < text.len(), "limit {limit}");
            let mut out = Vec::new();
            spool.copy_to(&mut out).expect("copy");
            assert_eq!(out, text, "limit {limit}");
        }
    }
}
