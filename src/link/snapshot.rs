//! The offline registry snapshot (`data/registries/*.csv`) and the registries' metadata
//! (`registries.tsv`): what `referat link` can match against without a network.

use std::collections::BTreeMap;

/// A registry whose codes we record: where it comes from and under which terms, so the
/// `registries` graph can carry source, licence and attribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    pub token: String,
    pub title: String,
    pub agency: String,
    pub source: String,
    pub license: Option<String>,
    pub rights: Option<String>,
    pub attribution: String,
    /// When the snapshot was taken (`YYYY` or `YYYY-MM-DD`): the date offline links carry,
    /// so the output does not change from run to run.
    pub snapshot: String,
    /// `{}` is replaced by the code to give the registry's IRI for it.
    pub iri_template: Option<String>,
}

impl Registry {
    /// The registry's IRI for a code, when it has one.
    pub fn iri(&self, code: &str) -> Option<String> {
        self.iri_template.as_ref().map(|t| t.replace("{}", code))
    }
}

/// A territory (DAGI division) an authority governs: linked with `skos:closeMatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Territory {
    /// `kommune` or `region`.
    pub level: &'static str,
    pub name: String,
    /// `(registry, code)`: the division code and NUTS/ISO/DAGI codes.
    pub codes: Vec<(String, String)>,
}

/// One entry of the snapshot: an organisation's code in one registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub registry: String,
    /// As the registry writes it (`0730`, not the `730` of Danmarks Statistik's tables).
    pub code: String,
    /// Official name first, then other names the registry gives.
    pub names: Vec<String>,
    /// Names that identify the entry only for an entity already typed as `kind`
    /// (`Randers` is a town as well as a municipality).
    pub typed_names: Vec<String>,
    /// Gazetteer kind the entry is (`municipality`, `region`), `None` when not stated.
    pub kind: Option<&'static str>,
    /// `confirmed`, or `secondary` (one source only: never linked without review).
    pub status: String,
    pub note: String,
    pub territory: Option<Territory>,
}

/// The whole offline snapshot.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub registries: BTreeMap<String, Registry>,
    pub entries: Vec<Entry>,
}

/// Normalises a code as its registry writes it: municipality codes have four digits.
pub fn canonical_code(registry: &str, code: &str) -> String {
    let c = code.trim();
    if registry == "kommunekode"
        && !c.is_empty()
        && c.len() < 4
        && c.bytes().all(|b| b.is_ascii_digit())
    {
        format!("{c:0>4}")
    } else {
        c.to_string()
    }
}

/// Splits one CSV line (the snapshot files use no quoting beyond `"…"` around commas).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    out.push(field);
    out.into_iter().map(|f| f.trim().to_string()).collect()
}

/// Rows of a CSV file as header → value maps; errors name the file and line.
fn csv_rows(
    name: &str,
    text: &str,
    needed: &[&str],
) -> Result<Vec<BTreeMap<String, String>>, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = csv_fields(lines.next().unwrap_or_default());
    for n in needed {
        if !header.iter().any(|h| h == n) {
            return Err(format!("{name}: missing column {n:?}"));
        }
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let f = csv_fields(line);
        if f.len() != header.len() {
            return Err(format!(
                "{name} line {}: {} fields, expected {}",
                i + 2,
                f.len(),
                header.len()
            ));
        }
        rows.push(header.iter().cloned().zip(f).collect());
    }
    Ok(rows)
}

/// Parses `registries.tsv`.
pub fn parse_registries(tsv: &str) -> Result<BTreeMap<String, Registry>, String> {
    let mut out = BTreeMap::new();
    for (i, line) in tsv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if f.len() < 8 || f[0].is_empty() {
            return Err(format!(
                "registries.tsv line {}: needs at least 8 fields",
                i + 1
            ));
        }
        let opt = |n: usize| f.get(n).filter(|s| !s.is_empty()).map(|s| s.to_string());
        out.insert(
            f[0].to_string(),
            Registry {
                token: f[0].to_string(),
                title: f[1].to_string(),
                agency: f[2].to_string(),
                source: f[3].to_string(),
                license: opt(4),
                rights: opt(5),
                attribution: f[6].to_string(),
                snapshot: f[7].to_string(),
                iri_template: opt(8),
            },
        );
    }
    Ok(out)
}

/// Parses the snapshot files.
pub fn parse_snapshot(
    registries_tsv: &str,
    regions_csv: &str,
    municipalities_csv: &str,
    identifiers_csv: &str,
) -> Result<Snapshot, String> {
    let registries = parse_registries(registries_tsv)?;
    let mut entries = Vec::new();
    let mut region_names = BTreeMap::new();
    for r in csv_rows(
        "regions.csv",
        regions_csv,
        &["regionskode", "name", "nuts2", "iso3166_2", "dagi_id"],
    )? {
        let code = r["regionskode"].clone();
        let name = r["name"].clone();
        region_names.insert(code.clone(), name.clone());
        entries.push(Entry {
            registry: "regionskode".into(),
            code: code.clone(),
            names: vec![name.clone()],
            typed_names: Vec::new(),
            kind: Some("region"),
            status: "confirmed".into(),
            note: String::new(),
            territory: Some(Territory {
                level: "region",
                name,
                codes: vec![
                    ("regionskode".into(), code),
                    ("nuts2".into(), r["nuts2"].clone()),
                    ("iso3166-2".into(), r["iso3166_2"].clone()),
                    ("dagi".into(), r["dagi_id"].clone()),
                ]
                .into_iter()
                .filter(|(_, c)| !c.is_empty())
                .collect(),
            }),
        });
    }
    for r in csv_rows(
        "municipalities.csv",
        municipalities_csv,
        &["kommunekode", "name", "official_name", "regionskode"],
    )? {
        let code = canonical_code("kommunekode", &r["kommunekode"]);
        entries.push(Entry {
            registry: "kommunekode".into(),
            code: code.clone(),
            names: vec![r["official_name"].clone()],
            typed_names: vec![r["name"].clone()],
            kind: Some("municipality"),
            status: "confirmed".into(),
            note: region_names
                .get(&r["regionskode"])
                .map(|n| format!("in {n}"))
                .unwrap_or_default(),
            territory: Some(Territory {
                level: "kommune",
                name: r["name"].clone(),
                codes: vec![("kommunekode".into(), code)],
            }),
        });
    }
    for r in csv_rows(
        "identifiers.csv",
        identifiers_csv,
        &["entity", "registry", "identifier", "status", "source"],
    )? {
        entries.push(Entry {
            registry: r["registry"].clone(),
            code: canonical_code(&r["registry"], &r["identifier"]),
            names: vec![r["entity"].clone()],
            typed_names: Vec::new(),
            kind: None,
            status: r["status"].clone(),
            note: r["source"].clone(),
            territory: None,
        });
    }
    for e in &entries {
        if !registries.contains_key(&e.registry) {
            return Err(format!(
                "registry {:?} has no line in registries.tsv",
                e.registry
            ));
        }
    }
    Ok(Snapshot {
        registries,
        entries,
    })
}

/// The snapshot shipped with the binary.
pub fn shipped() -> Result<Snapshot, String> {
    parse_snapshot(
        include_str!("registries.tsv"),
        include_str!("../../data/registries/regions.csv"),
        include_str!("../../data/registries/municipalities.csv"),
        include_str!("../../data/registries/identifiers.csv"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_snapshot_loads() {
        let s = shipped().expect("snapshot");
        let m = s
            .entries
            .iter()
            .filter(|e| e.registry == "kommunekode")
            .count();
        let r = s
            .entries
            .iter()
            .filter(|e| e.registry == "regionskode")
            .count();
        assert_eq!((m, r), (98, 5));
        assert!(s
            .entries
            .iter()
            .any(|e| e.code == "0730" && e.names == ["Randers Kommune"]));
    }

    #[test]
    fn municipality_codes_get_four_digits() {
        assert_eq!(canonical_code("kommunekode", "730"), "0730");
        assert_eq!(canonical_code("kommunekode", "0101"), "0101");
        assert_eq!(canonical_code("regionskode", "1082"), "1082");
        assert_eq!(canonical_code("ror", "01aj84f44"), "01aj84f44");
    }

    #[test]
    fn bad_csv_names_the_line() {
        let err = csv_rows("x.csv", "a,b\n1,2\n3\n", &["a"]).unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(csv_rows("x.csv", "a,b\n", &["c"]).is_err());
    }
}
