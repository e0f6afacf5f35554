//! The review file: label-only candidates as TSV, one per line. A person writes `yes` in the
//! `accept` column of the rows that are right and passes the file back with `--accept`.
//! Links accepted earlier are listed too, marked `accepted` (which changes nothing when the
//! file comes back): writing `no` there and passing the file back withdraws one (an
//! accepted link is otherwise kept by every later run). Only a person's `yes` accepts, so an
//! old review file cannot bring back a link withdrawn since.

use super::matching::{Entity, Link, Relation};
use super::snapshot::{canonical_code, Snapshot};

/// Columns of the review file, in order.
pub const HEADER: [&str; 11] = [
    "accept",
    "entity",
    "label",
    "relation",
    "registry",
    "identifier",
    "external_iri",
    "method",
    "score",
    "date",
    "evidence",
];

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// The candidates as a review file, after the links accepted earlier (marked `yes`).
pub fn render(candidates: &[Link], accepted: &[Link], snap: &Snapshot) -> String {
    let mut out = String::from(
        "# referat link: candidate links for review. Write yes in the accept column of the rows that\n\
         # are right, then run: referat link --accept THIS_FILE\n\
         # Rows marked accepted were accepted earlier; write no there to withdraw one.\n",
    );
    out.push_str(&HEADER.join("\t"));
    out.push('\n');
    let rows = accepted
        .iter()
        .map(|a| (ACCEPTED_MARK, a))
        .chain(candidates.iter().map(|c| ("", c)));
    for (mark, c) in rows {
        let iri = snap
            .registries
            .get(&c.registry)
            .and_then(|r| r.iri(&c.code))
            .unwrap_or_default();
        let row = [
            mark.to_string(),
            c.entity.clone(),
            c.label.clone(),
            c.relation.token().to_string(),
            c.registry.clone(),
            c.code.clone(),
            iri,
            c.method
                .strip_prefix("accepted:")
                .unwrap_or(&c.method)
                .to_string(),
            format!("{:.2}", c.score),
            c.date.clone(),
            c.evidence.clone(),
        ];
        out.push_str(&row.iter().map(|f| clean(f)).collect::<Vec<_>>().join("\t"));
        out.push('\n');
    }
    out
}

/// How a review file marks the links accepted before it was written.
const ACCEPTED_MARK: &str = "accepted";

/// What a reviewed file says: the rows marked yes (accepted) and those marked no
/// (withdrawn, if accepted earlier).
#[derive(Debug, Default)]
pub struct Reviewed {
    pub accepted: Vec<Link>,
    pub withdrawn: Vec<Link>,
}

/// The marked rows of a review file, checked against the graph's entities and the known
/// registries; errors name the line.
pub fn parse(text: &str, entities: &[Entity], snap: &Snapshot) -> Result<Reviewed, String> {
    let mut out = Reviewed::default();
    let mut header_seen = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if !header_seen {
            if f.len() < HEADER.len() || f[..HEADER.len()] != HEADER {
                return Err(format!(
                    "line {n}: the header must be {:?}",
                    HEADER.join("\t")
                ));
            }
            header_seen = true;
            continue;
        }
        if f.len() < HEADER.len() {
            return Err(format!(
                "line {n}: {} fields, expected {}",
                f.len(),
                HEADER.len()
            ));
        }
        let yes = match f[0].to_lowercase().as_str() {
            "yes" | "y" | "x" | "1" | "true" => true,
            "no" | "n" | "0" | "false" => false,
            _ => continue,
        };
        // A withdrawal names what was accepted, checked or not, and may be of an
        // organisation the store no longer has: it is matched, never refused.
        let entity = entities.iter().find(|e| e.iri == f[1]);
        let relation = Relation::from_token(f[3]);
        let code = canonical_code(f[4], f[5]);
        let known_registry = snap.registries.contains_key(f[4]);
        if !yes {
            if let (Some(relation), true) = (relation, known_registry) {
                out.withdrawn.push(Link {
                    entity: f[1].to_string(),
                    label: f[2].to_string(),
                    registry: f[4].to_string(),
                    code,
                    relation,
                    territory: None,
                    method: String::new(),
                    score: 0.0,
                    date: String::new(),
                    evidence: String::new(),
                });
            }
            continue;
        }
        let Some(entity) = entity else {
            return Err(format!(
                "line {n}: {} is not an organisation in the store",
                f[1]
            ));
        };
        let Some(relation) = relation else {
            return Err(format!("line {n}: unknown relation {:?}", f[3]));
        };
        if !known_registry {
            return Err(format!("line {n}: unknown registry {:?}", f[4]));
        }
        if !valid_code(f[4], &code) {
            return Err(format!(
                "line {n}: {:?} is not a valid {} identifier",
                f[5], f[4]
            ));
        }
        let link = Link {
            entity: entity.iri.clone(),
            label: entity.label.clone(),
            registry: f[4].to_string(),
            code,
            relation,
            territory: None,
            method: format!("accepted:{}", f[7].trim_start_matches("accepted:")),
            score: f[8].parse().unwrap_or(0.0),
            date: f[9].to_string(),
            evidence: f[10..].join(" "),
        };
        out.accepted.push(link);
    }
    Ok(out)
}

/// Syntax of the identifiers a reviewer may accept.
pub fn valid_code(registry: &str, code: &str) -> bool {
    let digits = |n: usize| code.len() == n && code.bytes().all(|b| b.is_ascii_digit());
    match registry {
        "wikidata" => {
            code.len() > 1 && code.starts_with('Q') && code[1..].bytes().all(|b| b.is_ascii_digit())
        }
        "ror" => {
            code.len() == 9
                && code.starts_with('0')
                && code.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        "cvr" => digits(8),
        "kommunekode" | "regionskode" => digits(4),
        _ => !code.is_empty() && !code.contains(char::is_whitespace),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::snapshot::shipped;

    #[test]
    fn rendered_rows_can_be_accepted() {
        let snap = shipped().expect("snapshot");
        let e = Entity {
            iri: "urn:x:au".into(),
            label: "Aarhus Universitet".into(),
            aliases: vec![],
            kind: Some("university".into()),
            codes: vec![],
        };
        let c = Link {
            entity: e.iri.clone(),
            label: e.label.clone(),
            registry: "wikidata".into(),
            code: "Q924265".into(),
            relation: Relation::SameAs,
            territory: None,
            method: "wikidata-label".into(),
            score: 0.7,
            date: "2025-01-01".into(),
            evidence: "label\tAarhus Universitet".into(),
        };
        let text = render(&[c], &[], &snap);
        let none = parse(&text, std::slice::from_ref(&e), &snap).expect("parses");
        assert!(none.accepted.is_empty() && none.withdrawn.is_empty());
        let accepted =
            text.replacen("\nurn:x:au", "\nyes\turn:x:au", 1)
                .replacen("\n\turn", "\nyes\turn", 1);
        let got = parse(&accepted, std::slice::from_ref(&e), &snap).expect("parses");
        assert_eq!(got.accepted.len(), 1);
        assert_eq!(got.accepted[0].method, "accepted:wikidata-label");
        // Listed again as accepted, and read back the same; marked no, withdrawn.
        let again = render(&[], &got.accepted, &snap);
        // Marked yes again by a person, it is read back as it was accepted.
        let back = parse(
            &again.replacen("\naccepted\t", "\nyes\t", 1),
            std::slice::from_ref(&e),
            &snap,
        )
        .expect("parses");
        assert_eq!(back.accepted.len(), 1);
        assert_eq!(back.accepted[0].method, "accepted:wikidata-label");
        // A withdrawal of an organisation the store no longer has is read, not refused.
        let gone = parse(&again.replacen("\naccepted\t", "\nno\t", 1), &[], &snap)
            .expect("a no row needs no organisation in the store");
        assert_eq!(gone.withdrawn.len(), 1);
        assert!(
            again.contains("\naccepted\t"),
            "listed as accepted: {again}"
        );
        let back_unchanged = parse(&again, std::slice::from_ref(&e), &snap).expect("parses");
        assert!(back_unchanged.accepted.is_empty() && back_unchanged.withdrawn.is_empty());
        let no = parse(
            &again.replacen("\naccepted\t", "\nno\t", 1),
            std::slice::from_ref(&e),
            &snap,
        )
        .expect("parses");
        assert!(no.accepted.is_empty());
        assert_eq!(no.withdrawn.len(), 1);
        let bad = accepted.replace("Q924265", "Q92x");
        assert!(parse(&bad, &[e], &snap).unwrap_err().contains("line 5"));
    }
}
