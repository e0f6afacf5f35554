//! Synthetic minutes in KL's KKR template, for benchmarks and smoke tests.
//!
//! Writes `--count` documents for the five KKRs and municipal committees: cover, numbered
//! sections, 6–15 items with case lines, parts, recommendations, decisions of every kind,
//! organisations from the gazetteer, people with roles, amounts, references to the previous
//! and the next meeting, page furniture, born-digital double spacing with line-end
//! hyphenation, and (for `--ocr-share` of them) the æ/ø/å damage of the June 2025 scan at
//! the rates of `data/ocr/damage-rates.tsv`. All phrasing is the generator's own.
//!
//! Deterministic for a seed and streaming: one document is in memory at a time. A
//! `manifest.tsv` (file, body, date, items, layout, decision kinds) is written beside them.
//!
//! Usage: `cargo run --release --example gen_minutes -- --seed N --count K --out DIR
//! [--ocr-share 0.1]`

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

const GAZETTEER: &str = include_str!("../data/organisations.tsv");
const RATES: &str = include_str!("../data/ocr/damage-rates.tsv");

/// SplitMix64: small, fast and good enough for text generation.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------- vocabulary

const KKRS: &[(&str, &str)] = &[
    ("Nordjylland", "nordjylland"),
    ("Midtjylland", "midtjylland"),
    ("Syddanmark", "syddanmark"),
    ("Sjælland", "sjaelland"),
    ("Hovedstaden", "hovedstaden"),
];

const COMMITTEES: &[(&str, &str)] = &[
    ("Økonomiudvalget", "oekonomiudvalget"),
    ("Børne- og Skoleudvalget", "boerne-og-skoleudvalget"),
    ("Teknik- og Miljøudvalget", "teknik-og-miljoeudvalget"),
    ("Social- og Sundhedsudvalget", "social-og-sundhedsudvalget"),
    ("Kultur- og Fritidsudvalget", "kultur-og-fritidsudvalget"),
    ("Beskæftigelsesudvalget", "beskaeftigelsesudvalget"),
];

const MONTHS: &[&str] = &[
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

const FIRST: &[&str] = &[
    "Anne", "Mette", "Lars", "Henrik", "Søren", "Jørgen", "Camilla", "Pernille", "Thomas",
    "Karina", "Mads", "Birgitte", "Niels", "Helle", "Rasmus", "Louise", "Jens", "Dorthe", "Kasper",
    "Trine", "Ole", "Lone", "Anders", "Signe", "Morten", "Britt", "Peter", "Hanne", "Bjarne",
    "Tove", "Frederik", "Maja", "Kristian", "Line", "Torben", "Vibeke",
];
const MIDDLE: &[&str] = &[
    "Holm", "Kirk", "Vang", "Bech", "Lund", "Juul", "Bak", "Friis", "Kjær", "Dam",
];
const LAST: &[&str] = &[
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Knudsen",
    "Mortensen",
    "Møller",
    "Iversen",
    "Lauridsen",
    "Frandsen",
    "Bruun",
    "Dalsgaard",
    "Overgaard",
    "Skovgaard",
    "Mikkelsen",
    "Vestergaard",
    "Bendtsen",
    "Hvidberg",
    "Aagaard",
];

/// Roles and whether the role is written before the name (`næstformand Name`) or after it.
const ROLES: &[&str] = &[
    "formand",
    "næstformand",
    "direktør",
    "kommunaldirektør",
    "borgmester",
    "regionsdirektør",
    "chefkonsulent",
    "kontorchef",
    "afdelingschef",
    "sekretariatschef",
];

const TOPICS: &[&str] = &[
    "Status for sundhedsreformen",
    "Den regionale udviklingsstrategi",
    "Kapacitet på det specialiserede socialområde",
    "Rammeaftale for det sociale område",
    "Praktikpladser på social- og sundhedsuddannelserne",
    "Kollektiv trafik og busplanlægning",
    "Klimasamarbejdet i regionen",
    "Fordeling af flygtninge mellem kommunerne",
    "Erhvervsfremme og turisme",
    "Beskæftigelsesindsatsen efter reformen",
    "Fælles indkøbsaftaler",
    "Digitalisering og cybersikkerhed",
    "Dimensionering af uddannelser",
    "Akutområdet og det nære sundhedsvæsen",
    "Udviklingsbidraget til regionen",
    "Budgetopfølgning for fælleskommunale projekter",
    "Samarbejde om ungdomsuddannelser",
    "Vandplaner og kystbeskyttelse",
    "Rekruttering af medarbejdere til ældreplejen",
    "Borgerrettet forebyggelse",
    "Kulturaftale for perioden",
    "Grøn omstilling af landbruget",
    "Tværkommunal it-drift",
    "Beredskab og samfundssikkerhed",
    "Psykiatriplanen",
    "Infrastrukturprojekter i landsdelen",
    "Boligsociale indsatser",
    "Evaluering af samarbejdsmodellen",
];

const FOLLOWUPS: &[&str] = &[
    "Opfølgning på økonomiaftalen",
    "Status på rammeaftalen",
    "Forslag til mødeplan for næste år",
    "Temadrøftelse om rekruttering",
    "Orientering om klimaplanerne",
    "Besøg fra regionsrådet",
];

const PLACES: &[&str] = &[
    "Rådhuset, mødelokale 2",
    "Byrådssalen",
    "Hotel Park, Søvej 4",
    "Kulturhuset, Torvegade 12",
    "Virtuelt møde via Teams",
    "Erhvervshuset, Havnevej 9",
];

/// Sentences for background text. `{O}` an organisation, `{B}` the body, `{M}` an amount,
/// `{Y}` a year, `{P}` a person with a role, `{K}` a municipality, `{D}` a date.
const BACKGROUND: &[&str] = &[
    "Sagen rejses på baggrund af en henvendelse fra {O}, som ønsker en fælles drøftelse af det videre forløb.",
    "{B} har tidligere behandlet området og bedt om en opdateret status i {Y}.",
    "Den samlede ramme for indsatsen udgør {M}, hvoraf kommunerne afholder den største andel.",
    "Der er fra statens side afsat {M} til formålet i perioden frem til {Y}.",
    "I forlængelse af aftalen mellem {O} og {O} skal kommunerne tage stilling til organiseringen.",
    "Udfordringerne er størst i de mindre kommuner, hvor rekrutteringen af fagpersoner er vanskelig.",
    "Sekretariatet har samlet erfaringer fra kommunerne og lagt op til en fælles tilgang.",
    "Punktet blev sidst drøftet på mødet den {D}, hvor der blev efterspurgt flere data.",
    "{P} vil på mødet give en kort introduktion til sagen.",
    "Aftalen indebærer en udgift på {M} for de deltagende kommuner.",
    "Bidraget fastsættes til {R}, hvilket svarer til niveauet i {Y}.",
    "Kommunerne skal samtidig sikre, at borgerne oplever sammenhæng på tværs af sektorerne.",
];

const DETAIL: &[&str] = &[
    "Arbejdsgruppen har peget på tre spor, som kan understøtte en mere ensartet praksis på tværs af kommunerne.",
    "Analysen viser, at udgifterne på området er steget med {M} siden {Y}, særligt til de mest komplekse forløb.",
    "{O} har tilkendegivet, at de gerne deltager i det videre arbejde og bidrager med viden om målgruppen.",
    "Det foreslås, at {B} nedsætter en styregruppe med deltagelse af kommunaldirektører fra tre kommuner.",
    "Fra {O} deltager {P} i drøftelsen.",
    "{K} har gode erfaringer med en lignende model og kan bidrage med et oplæg.",
    "Den forventede besparelse er opgjort til {M} årligt, når modellen er fuldt indfaset.",
    "Regionen og kommunerne er enige om at følge udviklingen tæt og vende tilbage med en status.",
    "{P} præsenterede hovedpunkterne for styregruppen, som bakkede op om retningen.",
    "Der er behov for at afklare ansvarsfordelingen, inden en ny aftale kan træde i kraft.",
    "Finansieringen sker inden for den eksisterende ramme på {M}, og der søges ikke om nye midler.",
    "Tidsplanen lægger op til, at arbejdet afsluttes inden udgangen af {Y}.",
    "Høringssvarene fra kommunerne er overvejende positive, men flere efterlyser en mere fleksibel implementering.",
    "Puljen udmøntes efter en fordelingsnøgle, der afspejler kommunernes befolkningstal.",
    "Den nuværende kapacitet vurderes at være tilstrækkelig frem mod {Y}, dog med lokale forskelle.",
    "{O} har i en skrivelse anmodet om, at kommunerne melder tilbage inden for fire uger.",
    // A request, a decision reported from another body, and an organisational relation,
    // in phrasings the parser is meant to recognise (so the curated queries have rows).
    "{B} anmoder {O} om at udarbejde en samlet oversigt over kapaciteten frem mod {Y}.",
    "{O} har den {D} besluttet at afsætte {M} til en ny fælles indsats.",
    "{O} fungerer som styregruppe for {O} i den kommende periode.",
];

const BULLETS: &[&str] = &[
    "status på de igangværende projekter",
    "forslag til fælles principper for samarbejdet",
    "tidsplan for den videre proces",
    "økonomiske konsekvenser for kommunerne",
    "erfaringer fra andre landsdele",
    "mulige modeller for organisering",
    "kommunikation til borgere og medarbejdere",
    "den politiske forankring i kommunerne",
];

const VERBS_REC: &[&str] = &[
    "godkender",
    "drøfter",
    "tager orienteringen til efterretning",
    "tiltræder",
    "udpeger",
    "anbefaler",
];

/// Decision kinds in the parser's vocabulary with phrasings (`{B}` = body).
const DECISIONS: &[(&str, &[&str])] = &[
    (
        "approved",
        &[
            "Godkendt.",
            "{B} godkendte indstillingen.",
            "Indstillingen blev godkendt uden bemærkninger.",
        ],
    ),
    (
        "noted",
        &[
            "Taget til efterretning.",
            "Taget til orientering.",
            "{B} tog orienteringen til efterretning.",
        ],
    ),
    (
        "endorsed",
        &[
            "{B} tiltrådte indstillingen.",
            "Indstillingen blev tiltrådt med enkelte bemærkninger.",
        ],
    ),
    (
        "discussed",
        &[
            "{B} drøftede sagen og gav input til det videre arbejde.",
            "Sagen blev drøftet, og sekretariatet arbejder videre med de fremførte synspunkter.",
        ],
    ),
    (
        "postponed",
        &["Sagen blev udsat.", "Punktet udsættes til næste møde."],
    ),
    (
        "rejected",
        &[
            "{B} afviste indstillingen.",
            "Indstillingen blev afvist, da finansieringen ikke er på plads.",
        ],
    ),
    ("none", &["Intet at bemærke.", "Ingen bemærkninger."]),
];

// ---------------------------------------------------------------- dates

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A calendar day (days since 1970-01-01).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day(i64);

impl Day {
    fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }
    /// ISO form, `2025-06-18`.
    pub fn iso(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }
    fn long(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d}. {} {y}", MONTHS[m as usize - 1])
    }
    fn numeric(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d:02}-{m:02}-{y:04}")
    }
    /// Weekdays only: a meeting on a Saturday or Sunday moves to Monday.
    fn weekday_or_next(self) -> Day {
        // 1970-01-01 was a Thursday (index 3 with Monday = 0).
        match (self.0 + 3).rem_euclid(7) {
            5 => Day(self.0 + 2),
            6 => Day(self.0 + 1),
            _ => self,
        }
    }
}

// ---------------------------------------------------------------- corpus state

/// A body that meets: a KKR or a municipal committee.
#[derive(Clone)]
struct Body {
    name: String,
    /// Short subject in decisions ("KKR Sjælland", "Udvalget").
    actor: String,
    slug: String,
    kkr: Option<(&'static str, &'static str)>,
    municipality: String,
}

/// One generated document.
pub struct Doc {
    pub file_name: String,
    pub text: String,
    pub body: String,
    pub date: Day,
    pub items: usize,
    /// Intended decision kind of each item, in order.
    pub kinds: Vec<&'static str>,
    pub layout: &'static str,
    pub ocr: bool,
}

struct Rate {
    intended: char,
    observed: String,
    rate: f64,
    scope: String,
}

/// The generator: a seed, the share of OCR-damaged documents, and per body the dates of its
/// previous and next meeting (the only state kept between documents).
pub struct Generator {
    seed: u64,
    ocr_share: f64,
    index: u64,
    municipalities: Vec<String>,
    orgs: Vec<String>,
    rates: Vec<Rate>,
    next_date: HashMap<String, (Day, Day)>,
}

impl Generator {
    /// A generator for a seed; `ocr_share` of the documents get OCR letter damage.
    pub fn new(seed: u64, ocr_share: f64) -> Generator {
        let mut municipalities = Vec::new();
        let mut orgs = Vec::new();
        for line in GAZETTEER.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 3 || line.starts_with('#') {
                continue;
            }
            match f[2] {
                "municipality" => municipalities.push(f[1].to_string()),
                "political-body" if f[1].starts_with("KKR") => {}
                _ => orgs.push(f[1].to_string()),
            }
        }
        let rates = RATES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some(Rate {
                    intended: f.first()?.chars().next()?,
                    observed: f.get(1)?.to_string(),
                    rate: f.get(2)?.parse().ok()?,
                    scope: f.get(3)?.trim().to_string(),
                })
            })
            .collect();
        Generator {
            seed,
            ocr_share,
            index: 0,
            municipalities,
            orgs,
            rates,
            next_date: HashMap::new(),
        }
    }

    fn pick_body(&self, r: &mut Rng) -> Body {
        if r.chance(0.3) {
            let k = *r.pick(KKRS);
            Body {
                name: format!("KKR {}", k.0),
                actor: format!("KKR {}", k.0),
                slug: format!("kkr-{}", k.1),
                kkr: Some(k),
                municipality: String::new(),
            }
        } else {
            let m = r.pick(&self.municipalities).clone();
            let c = *r.pick(COMMITTEES);
            Body {
                name: format!("{}, {m}", c.0),
                actor: "Udvalget".to_string(),
                slug: format!("{}-{}", slugify(&m), c.1),
                kkr: None,
                municipality: m,
            }
        }
    }

    /// The next document.
    pub fn next_doc(&mut self) -> Doc {
        let mut r = Rng::new(
            self.seed
                .wrapping_mul(0x2545_F491_4F6C_DD1D)
                .wrapping_add(self.index.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        );
        self.index += 1;
        let body = self.pick_body(&mut r);
        // Dates: each body meets every 2–7 weeks from a start between 2012 and 2016, so
        // (body, date) never repeats and the previous/next meeting are real meetings.
        let step = |r: &mut Rng, d: Day| Day(d.0 + r.range(14, 49) as i64).weekday_or_next();
        let (prev, date) = match self.next_date.get(&body.slug) {
            Some(&(p, d)) => (p, d),
            None => {
                let d0 =
                    Day(days_from_civil(2012, 1, 10) + r.range(0, 1500) as i64).weekday_or_next();
                (Day(d0.0 - r.range(21, 60) as i64).weekday_or_next(), d0)
            }
        };
        let next = step(&mut r, date);
        self.next_date.insert(body.slug.clone(), (date, next));

        let ocr = r.chance(self.ocr_share);
        let layout = if ocr {
            "scan"
        } else if r.chance(0.5) {
            "digital"
        } else {
            "plain"
        };
        let kl_name = body.kkr.is_some() && r.chance(0.5);
        let (y, m, d) = date.ymd();
        let file_name = match body.kkr {
            Some((_, slug)) if kl_name => format!(
                "referat-fra-moede-i-kkr-{slug}-den-{d}-{}-{y}.txt",
                MONTHS[m as usize - 1]
            ),
            _ => format!("{}-{}.txt", body.slug, date.iso()),
        };
        let mut w = Writer::new(&mut r, layout);
        let (items, kinds) = self.write_doc(&mut w, &body, prev, date, next, !kl_name);
        let mut text = w.render(&body, date);
        if ocr {
            text = damage(&text, &self.rates, &mut r);
        }
        Doc {
            file_name,
            text,
            body: body.name,
            date,
            items,
            kinds,
            layout,
            ocr,
        }
    }

    fn org(&self, r: &mut Rng) -> String {
        r.pick(&self.orgs).clone()
    }

    fn person(&self, r: &mut Rng) -> String {
        let mut n = r.pick(FIRST).to_string();
        if r.chance(0.3) {
            n.push(' ');
            n.push_str(r.pick::<&str>(MIDDLE));
        }
        n.push(' ');
        n.push_str(r.pick::<&str>(LAST));
        n
    }

    fn fill(&self, r: &mut Rng, t: &str, body: &Body, date: Day) -> String {
        let mut out = String::with_capacity(t.len() + 40);
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '{' {
                let k = chars.next().unwrap_or('?');
                chars.next();
                match k {
                    'O' => out.push_str(&self.org(r)),
                    'B' => out.push_str(&body.actor),
                    'M' => out.push_str(&amount(r)),
                    'R' => {
                        let _ = write!(out, "{} kr. pr. indbygger", r.range(40, 400));
                    }
                    'Y' => {
                        let _ = write!(out, "{}", date.ymd().0 + r.range(0, 3) as i64);
                    }
                    'K' => out.push_str(r.pick(&self.municipalities).as_str()),
                    'D' => out.push_str(&Day(date.0 - r.range(60, 400) as i64).long()),
                    'P' => {
                        let role = *r.pick(ROLES);
                        let name = self.person(r);
                        if r.chance(0.5) {
                            let _ = write!(out, "{role} {name}");
                        } else {
                            let _ = write!(out, "{name}, {role}");
                        }
                    }
                    _ => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn paragraph(&self, r: &mut Rng, pool: &[&str], n: usize, body: &Body, date: Day) -> String {
        (0..n)
            .map(|_| {
                let t = *r.pick(pool);
                self.fill(r, t, body, date)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Writes the whole document; returns the item count and intended decision kinds.
    fn write_doc(
        &self,
        w: &mut Writer,
        body: &Body,
        prev: Day,
        date: Day,
        next: Day,
        print_date: bool,
    ) -> (usize, Vec<&'static str>) {
        let r = &mut Rng::new(w.r.next_u64());
        // Cover.
        w.line(&format!("REFERAT {}", date.ymd().0));
        w.blank();
        w.line(&body.name.to_uppercase());
        w.blank();
        if print_date {
            w.line(&format!(
                "Dato: {} {:02}:{:02}",
                date.numeric(),
                r.range(8, 16),
                *r.pick(&[0, 15, 30])
            ));
            w.line(&format!("Sted: {}", r.pick(PLACES)));
        }
        w.blank();
        let group = if body.kkr.is_some() {
            "Fra KD-Net".to_string()
        } else {
            format!("Fra {}", body.municipality)
        };
        w.line(&group);
        for _ in 0..r.range(1, 3) {
            let role = *r.pick(&["kommunaldirektør", "direktør", "sekretariatschef"]);
            let place = r.pick(&self.municipalities).replace(" Kommune", "");
            w.line(&format!("{}, {role}, {place}", self.person(r)));
        }
        w.blank();

        // Sections and items.
        let n_items = r.range(6, 15);
        let s2 = r.range(1, 2);
        let middle = n_items - 3 - s2;
        let k = r.range(1, middle.min(3));
        let mut plan: Vec<(String, usize)> = Vec::new();
        let munic = body.kkr.is_none();
        plan.push((
            if munic {
                "Godkendelse af protokol"
            } else {
                "Godkendelse af referat"
            }
            .to_string(),
            1,
        ));
        plan.push((
            if munic { "Meddelelser" } else { "Siden sidst" }.to_string(),
            s2,
        ));
        let middle_titles: &[&str] = if munic {
            &[
                "Sager til beslutning",
                "Sager til drøftelse",
                "Sager til orientering",
            ]
        } else {
            &[
                "Regionalpolitiske sager",
                "Udpegninger",
                "KKR",
                "Sager til drøftelse",
            ]
        };
        let mut left = middle;
        for j in 0..k {
            let n = if j + 1 == k {
                left
            } else {
                r.range(1, left - (k - j - 1))
            };
            left -= n;
            plan.push((middle_titles[j % middle_titles.len()].to_string(), n));
        }
        plan.push(("Punkter til næste møde".to_string(), 1));
        plan.push(("Eventuelt".to_string(), 1));

        let case_year = date.ymd().0;
        let case_no = r.range(100, 99_999);
        let mut kinds = Vec::new();
        for (si, (title, n)) in plan.iter().enumerate() {
            let sec = si + 1;
            w.section(&format!("{sec}. {title}"));
            for it in 1..=*n {
                let role = if si == 0 {
                    Role::Approve
                } else if si + 2 == plan.len() {
                    Role::Next
                } else if si + 1 == plan.len() {
                    Role::Any
                } else {
                    Role::Topic
                };
                let y = if r.chance(0.8) {
                    case_year
                } else {
                    case_year - 1
                };
                let c = if r.chance(0.6) {
                    case_no
                } else {
                    r.range(100, 99_999)
                };
                let mut case_line = format!("SAG-{y}-{c:05} {}", initials(r));
                if r.chance(0.5) {
                    let sep = if r.chance(0.5) { " / " } else { "/" };
                    let _ = write!(case_line, "{sep}{}", initials(r));
                }
                let kind = self.item(w, r, body, (sec, it), role, (prev, date, next), case_line);
                kinds.push(kind);
            }
        }
        (n_items, kinds)
    }

    #[allow(clippy::too_many_arguments)]
    fn item(
        &self,
        w: &mut Writer,
        r: &mut Rng,
        body: &Body,
        (sec, no): (usize, usize),
        role: Role,
        (prev, date, next): (Day, Day, Day),
        case_line: String,
    ) -> &'static str {
        let title = match role {
            Role::Approve => format!("Godkendelse af referat fra mødet den {}", prev.long()),
            Role::Next => "Punkter til kommende møde".to_string(),
            Role::Any => "Eventuelt".to_string(),
            Role::Topic if sec == 2 => if no == 1 {
                "Orientering fra formandskabet"
            } else {
                "Nyt fra sekretariatet"
            }
            .to_string(),
            Role::Topic => r.pick(TOPICS).to_string(),
        };
        w.item_head(&format!("{sec}.{no}. {title}"), &case_line);
        let actor = &body.actor;
        let kind: &'static str = match role {
            Role::Approve => {
                w.part("Baggrund");
                w.para(&format!(
                    "Referatet fra mødet i {} den {} er udsendt til medlemmerne og ligger på hjemmesiden.",
                    body.name,
                    prev.long()
                ));
                w.part("Indstilling");
                w.para(&format!(
                    "Det indstilles, at {actor} godkender referatet fra mødet den {}.",
                    prev.long()
                ));
                "approved"
            }
            Role::Next => {
                w.part("Baggrund");
                w.para(&format!(
                    "Næste møde i {} afholdes den {}. Følgende punkter forventes på dagsordenen:",
                    body.name,
                    next.long()
                ));
                for _ in 0..r.range(2, 4) {
                    w.bullet(r.pick::<&str>(FOLLOWUPS));
                }
                w.part("Indstilling");
                w.para(&format!(
                    "Det indstilles, at {actor} drøfter forslagene til punkter til det kommende møde."
                ));
                "noted"
            }
            Role::Any => "none",
            Role::Topic => {
                w.part("Baggrund");
                let n = r.range(2, 4);
                let p = self.paragraph(r, BACKGROUND, n, body, date);
                w.para(&p);
                w.part("Indstilling");
                if r.chance(0.5) {
                    let v = *r.pick(VERBS_REC);
                    w.para(&format!("Det indstilles, at {actor} {v} sagen."));
                } else {
                    w.para("Det indstilles,");
                    for _ in 0..r.range(2, 3) {
                        let v = *r.pick(VERBS_REC);
                        let b = *r.pick(BULLETS);
                        w.bullet(&format!("at {actor} {v} oplægget om {b}"));
                    }
                }
                w.part("Sagsfremstilling");
                for _ in 0..r.range(2, 6) {
                    let n = r.range(2, 5);
                    let p = self.paragraph(r, DETAIL, n, body, date);
                    w.para(&p);
                }
                if r.chance(0.3) {
                    w.part("Økonomi");
                    w.para(&format!(
                        "Udgiften på {} afholdes inden for de eksisterende budgetter i {}.",
                        amount(r),
                        date.ymd().0 + 1
                    ));
                }
                DECISIONS[r.below(DECISIONS.len())].0
            }
        };
        w.part("Beslutning");
        let phrases = DECISIONS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| *p)
            .unwrap_or(&["Godkendt."]);
        let d = r.pick(phrases).replace("{B}", actor);
        w.para(&d);
        kind
    }
}

#[derive(Clone, Copy)]
enum Role {
    Approve,
    Topic,
    Next,
    Any,
}

fn initials(r: &mut Rng) -> String {
    const L: &[u8] = b"abcdefghijklmnoprstv";
    (0..r.range(2, 4))
        .map(|_| L[r.below(L.len())] as char)
        .collect()
}

fn amount(r: &mut Rng) -> String {
    match r.below(5) {
        0 => format!("{},{} mio. kr.", r.range(1, 90), r.range(1, 9)),
        1 => format!("{} mio. kr.", r.range(2, 400)),
        2 => format!("{},{} mia. kr.", r.range(1, 9), r.range(1, 9)),
        3 => format!("{}.000 kr.", r.range(50, 950)),
        _ => format!("{} kr. pr. indbygger", r.range(20, 300)),
    }
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    out.trim_matches('-').to_string()
}

// ---------------------------------------------------------------- layout

/// A logical line: its text and whether a page break may come before it.
struct Line {
    text: String,
    breakable: bool,
    section: bool,
}

/// Collects logical lines, then renders them in one of three layouts: `digital` (a blank
/// line after every line, pages start with a space), `plain` and `scan` (single spaced, with
/// page headers and footers).
struct Writer<'a> {
    r: &'a mut Rng,
    layout: &'static str,
    width: usize,
    hyphenate: f64,
    lines: Vec<Line>,
}

impl<'a> Writer<'a> {
    fn new(r: &'a mut Rng, layout: &'static str) -> Writer<'a> {
        let width = r.range(68, 82);
        Writer {
            r,
            layout,
            width,
            hyphenate: 0.35,
            lines: Vec::new(),
        }
    }
    fn push(&mut self, text: String, breakable: bool) {
        self.lines.push(Line {
            text,
            breakable,
            section: false,
        });
    }
    fn line(&mut self, t: &str) {
        self.push(t.to_string(), false);
    }
    fn blank(&mut self) {
        self.push(String::new(), true);
    }
    fn section(&mut self, t: &str) {
        self.blank();
        self.lines.push(Line {
            text: t.to_string(),
            breakable: true,
            section: true,
        });
        self.blank();
    }
    fn item_head(&mut self, title: &str, case_line: &str) {
        self.blank();
        self.push(title.to_string(), true);
        self.push(case_line.to_string(), false);
    }
    fn part(&mut self, h: &str) {
        self.blank();
        self.push(h.to_string(), true);
    }
    fn bullet(&mut self, t: &str) {
        self.wrap(t, "- ");
    }
    fn para(&mut self, t: &str) {
        self.wrap(t, "");
        self.blank();
    }
    /// Wraps at the layout's width, sometimes hyphenating a long word across the line end.
    fn wrap(&mut self, t: &str, first_prefix: &str) {
        let mut cur = first_prefix.to_string();
        let mut first = true;
        for word in t.split(' ') {
            let len = cur.chars().count();
            let wl = word.chars().count();
            if len > 0 && len + 1 + wl > self.width {
                let room = self.width.saturating_sub(len + 2);
                let chars: Vec<char> = word.chars().collect();
                if wl >= 9
                    && room >= 4
                    && chars.iter().all(|c| c.is_alphabetic())
                    && self.r.chance(self.hyphenate)
                {
                    let cut = room.min(wl - 4);
                    let head: String = chars[..cut].iter().collect();
                    let tail: String = chars[cut..].iter().collect();
                    cur.push(' ');
                    cur.push_str(&head);
                    cur.push('-');
                    self.push(std::mem::take(&mut cur), !first);
                    cur = tail;
                } else {
                    self.push(std::mem::take(&mut cur), !first);
                    cur = word.to_string();
                }
                first = false;
            } else {
                if !cur.is_empty() && !cur.ends_with(' ') {
                    cur.push(' ');
                }
                cur.push_str(word);
            }
        }
        if !cur.is_empty() {
            self.push(cur, !first);
        }
    }

    fn render(&mut self, body: &Body, date: Day) -> String {
        let mut out = String::with_capacity(self.lines.len() * 60);
        let furniture = self.layout == "scan" || (self.layout == "plain" && self.r.chance(0.5));
        let page_len = self.r.range(42, 56);
        let mut on_page = 0;
        let mut page = 1;
        let mut page_start = false;
        for l in &self.lines {
            if furniture && on_page >= page_len && l.breakable && !l.text.is_empty() {
                page += 1;
                let _ = write!(
                    out,
                    "\nSIDE | {page}\n\n\n\n{} | {}\n\n",
                    body.name,
                    date.numeric()
                );
                on_page = 0;
                page_start = true;
            }
            let lead = if page_start || (self.layout == "digital" && l.section) {
                " "
            } else {
                ""
            };
            page_start = false;
            if self.layout == "digital" {
                // Born-digital text layer: a trailing space and a blank line after each line.
                let _ = write!(out, "{lead}{} \n\n", l.text);
            } else {
                let _ = writeln!(out, "{lead}{}", l.text);
            }
            on_page += 1;
        }
        out
    }
}

// ---------------------------------------------------------------- OCR damage

/// Damages æ/ø/å (and `I`, `l`) as the June 2025 scan did.
fn damage(text: &str, rates: &[Rate], r: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for (i, &c) in chars.iter().enumerate() {
        let prev_letter = i > 0 && chars[i - 1].is_alphabetic();
        let next_letter = chars.get(i + 1).is_some_and(|c| c.is_alphabetic());
        let mut x = r.f64();
        let mut done = false;
        for rt in rates.iter().filter(|rt| rt.intended == c) {
            let applies = match rt.scope.as_str() {
                "start" => !prev_letter,
                "inner" => prev_letter,
                "word" => !prev_letter && !next_letter,
                _ => true,
            };
            if !applies {
                continue;
            }
            if x < rt.rate {
                out.push_str(&rt.observed);
                done = true;
                break;
            }
            x -= rt.rate;
        }
        if !done {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------- CLI

fn arg_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") || args.is_empty() {
        eprintln!("usage: gen_minutes --seed N --count K --out DIR [--ocr-share 0.1]");
        return Ok(());
    }
    let seed: u64 = arg_value(&args, "--seed").unwrap_or("1".into()).parse()?;
    let count: u64 = arg_value(&args, "--count")
        .ok_or("--count is required")?
        .parse()?;
    let out = PathBuf::from(arg_value(&args, "--out").ok_or("--out is required")?);
    let share: f64 = arg_value(&args, "--ocr-share")
        .unwrap_or("0.1".into())
        .parse()?;
    if !(0.0..=1.0).contains(&share) {
        return Err("--ocr-share must be between 0 and 1".into());
    }
    std::fs::create_dir_all(&out)?;
    let mut manifest = std::io::BufWriter::new(std::fs::File::create(out.join("manifest.tsv"))?);
    writeln!(manifest, "file\tbody\tdate\titems\tlayout\tocr\tkinds")?;
    let mut g = Generator::new(seed, share);
    let mut bytes = 0u64;
    for _ in 0..count {
        let d = g.next_doc();
        std::fs::write(out.join(&d.file_name), d.text.as_bytes())?;
        bytes += d.text.len() as u64;
        writeln!(
            manifest,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            d.file_name,
            d.body,
            d.date.iso(),
            d.items,
            d.layout,
            d.ocr,
            d.kinds.join(",")
        )?;
    }
    manifest.flush()?;
    eprintln!(
        "wrote {count} documents ({:.1} MB) to {}",
        bytes as f64 / 1e6,
        out.display()
    );
    Ok(())
}
