//! Robustness of the CLI against bad input, crashes and concurrent use (issue 9).
//!
//! Every case runs the real `referat` binary against a real on-disk store in a temp folder,
//! with a time limit (no case may hang), and compares a dump of every quad before and after:
//! a refused file must leave the store exactly as it was.

use oxigraph::model::{GraphNameRef, NamedNode, Quad};
use referat::parse::{self, ParseOptions};
use referat::rdf::RdfConfig;
use referat::store::GraphStore;
use std::collections::HashSet;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const JUNE: &str = "referat-fra-moede-i-kkr-midtjylland-den-18-juni-2025.txt";
const SEPT: &str = "referat-fra-moede-i-kkr-midtjylland-den-3-september-2025.txt";
const DUMP: &str = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o";

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(name)
}

fn corpus_text(name: &str) -> String {
    std::fs::read_to_string(corpus(name)).expect("corpus file")
}

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    /// Lines of stderr that mention `path`.
    fn lines_about(&self, path: &Path) -> Vec<&str> {
        let p = path.display().to_string();
        self.stderr.lines().filter(|l| l.contains(&p)).collect()
    }
}

fn command(store: Option<&Path>, args: &[&OsStr]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_referat"));
    c.env_remove("REFERAT_STORE");
    if let Some(s) = store {
        c.arg("--store").arg(s);
    }
    c.args(args);
    c
}

/// Wait for a child, killing it (and failing the test) after `limit`.
fn wait_with_limit(mut child: Child, limit: Duration, what: &str) -> Run {
    let start = Instant::now();
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait().expect("try_wait") {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?} (hang)");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&t_out.join().expect("stdout reader")).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().expect("stderr reader")).into_owned(),
        elapsed,
    }
}

fn run_limited(store: Option<&Path>, args: &[&OsStr], limit: Duration) -> Run {
    let child = command(store, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn referat");
    wait_with_limit(child, limit, &format!("referat {args:?}"))
}

fn run(store: Option<&Path>, args: &[&str]) -> Run {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run_limited(store, &args, Duration::from_secs(120))
}

fn ingest(store: &Path, paths: &[&Path]) -> Run {
    let mut args: Vec<&OsStr> = vec![OsStr::new("ingest"), OsStr::new("-q")];
    args.extend(paths.iter().map(|p| p.as_os_str()));
    run_limited(Some(store), &args, Duration::from_secs(300))
}

/// Every quad of the store, sorted, as TSV.
fn dump(store: &Path) -> String {
    let r = run(Some(store), &["query", DUMP, "--format", "tsv"]);
    assert_eq!(r.code, Some(0), "dump failed: {}", r.stderr);
    r.stdout
}

/// A store holding the two reference minutes.
fn seeded_store(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    let r = ingest(&store, &[&corpus(JUNE), &corpus(SEPT)]);
    assert_eq!(r.code, Some(0), "seeding failed: {}", r.stderr);
    store
}

fn utf16le(text: &str) -> Vec<u8> {
    [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

fn utf16be(text: &str) -> Vec<u8> {
    [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect()
}

/// Deterministic noise (xorshift), so failures reproduce.
fn noise(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// Assert the refusal contract: exit 1, exactly one stderr line naming the file, that line
/// gives `reason` once (not repeated by the error chain), and nothing on stdout for `parse`.
fn assert_refused(r: &Run, file: &Path, reason: &str, what: &str) {
    assert_eq!(r.code, Some(1), "{what}: exit code; stderr: {}", r.stderr);
    let lines = r.lines_about(file);
    assert_eq!(
        lines.len(),
        1,
        "{what}: one line about the file: {}",
        r.stderr
    );
    let line = lines[0];
    assert!(
        line.starts_with(&format!("referat: {}: ", file.display())),
        "{what}: line names the file first: {line}"
    );
    assert_eq!(
        line.matches(reason).count(),
        1,
        "{what}: reason {reason:?} given once in: {line}"
    );
}

struct BadCase {
    name: &'static str,
    file: PathBuf,
    reason: String,
}

/// Files that must be refused: `ingest` exits 1 with one clear line, and the store is
/// byte-for-byte unchanged; `parse` gives the same line.
#[test]
fn bad_inputs_are_refused_with_one_line_and_leave_the_store_unchanged() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = seeded_store(dir.path());
    let before = dump(&store);
    assert!(before.lines().count() > 1000, "seeded store has quads");

    let sept = corpus_text(SEPT);
    let files = dir.path().join("in");
    std::fs::create_dir(&files).expect("mkdir");
    let write = |name: &str, bytes: &[u8]| {
        let p = files.join(name);
        std::fs::write(&p, bytes).expect("write case file");
        p
    };
    let mut nul = sept.clone().into_bytes();
    nul.insert(nul.len() / 2, 0);
    // Windows-1252: its en dash is the C1 byte 0x96, which makes Latin-1 ambiguous.
    let cp1252: Vec<u8> = format!("Referat \u{2013} KKR Midtjylland\n{sept}")
        .chars()
        .map(|c| match c {
            '\u{2013}' => 0x96,
            'ø' => 0xF8,
            'æ' => 0xE6,
            'å' => 0xE5,
            c if c.is_ascii() => c as u8,
            _ => b'?',
        })
        .collect();
    let bomless: Vec<u8> = sept.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut odd16 = utf16le(&sept);
    odd16.pop();
    let cases = vec![
        BadCase {
            name: "empty file",
            file: write("empty.txt", b""),
            reason: "the file is empty".to_string(),
        },
        BadCase {
            name: "only whitespace",
            file: write("blank.txt", b" \n\t\r\n  \x0c\n"),
            reason: "the file contains only whitespace".to_string(),
        },
        BadCase {
            name: "PNG image",
            file: write("scan.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0"),
            reason: "the file looks binary (PNG image), not text".to_string(),
        },
        BadCase {
            name: "PDF",
            file: write("minutes.txt", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"),
            reason: "PDF document: extract its text first".to_string(),
        },
        BadCase {
            name: "random bytes",
            file: write("random.txt", &noise(64 * 1024, 0x9E37_79B9_7F4A_7C15)),
            reason: "the file looks binary (unknown binary data".to_string(),
        },
        BadCase {
            name: "NUL byte in the middle",
            file: write("nul.txt", &nul),
            reason: format!("the file contains a NUL byte at offset {}", nul.len() / 2),
        },
        BadCase {
            name: "Windows-1252 (C1 bytes: Latin-1 ambiguous)",
            file: write("cp1252.txt", &cp1252),
            reason: "is not valid UTF-8 (invalid byte at offset".to_string(),
        },
        BadCase {
            name: "UTF-16 without BOM",
            file: write("utf16-nobom.txt", &bomless),
            reason: "looks like UTF-16 without a byte order mark".to_string(),
        },
        BadCase {
            name: "UTF-16 BOM, odd length",
            file: write("utf16-odd.txt", &odd16),
            reason: "UTF-16 byte order mark but is not valid UTF-16 (odd number of bytes)".to_string(),
        },
        BadCase {
            name: "not minutes",
            file: write(
                "letter.txt",
                "Kære Ole,\n\nTak for sidst. Vi ses til sommer i Aarhus den 3. juli 2025.\n\nHilsen Mette\n"
                    .as_bytes(),
            ),
            reason: "the text is not minutes in the KL template".to_string(),
        },
        BadCase {
            name: "missing file",
            file: files.join("does-not-exist.txt"),
            reason: "cannot read the file: No such file or directory".to_string(),
        },
        BadCase {
            name: "a directory given as file to parse",
            file: files.clone(),
            reason: "it is a directory".to_string(),
        },
    ];
    for c in &cases {
        let r = run(None, &["parse", c.file.to_str().expect("utf8 path")]);
        assert_refused(&r, &c.file, &c.reason, c.name);
        assert!(r.stdout.is_empty(), "{}: nothing on stdout", c.name);
        assert!(r.elapsed < Duration::from_secs(20), "{}: quick", c.name);
        if c.file == files {
            continue; // a folder given to ingest is walked, not refused
        }
        let r = ingest(&store, &[&c.file]);
        assert_refused(&r, &c.file, &c.reason, c.name);
        assert!(
            r.stdout
                .contains("0 added, 0 replaced, 0 unchanged, 1 failed"),
            "{}: summary: {}",
            c.name,
            r.stdout
        );
        assert_eq!(dump(&store), before, "{}: store unchanged", c.name);
    }
}

/// A 200 MB file is refused by its size before it is read: quickly, with a clear message,
/// and without the memory to hold it (checked under a 512 MiB address-space limit).
#[test]
fn a_200_mb_file_is_refused_by_size_without_reading_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let big = dir.path().join("huge-minutes.txt");
    {
        // Valid-looking: the reference minutes over and over (written fast, 1 MiB blocks).
        let mut block = corpus_text(SEPT).into_bytes();
        while block.len() < 1 << 20 {
            let again = block.clone();
            block.extend_from_slice(&again);
        }
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).expect("create"));
        let mut written = 0usize;
        while written < 200_000_000 {
            let n = block.len().min(200_000_000 - written);
            f.write_all(&block[..n]).expect("write");
            written += n;
        }
        f.flush().expect("flush");
    }
    let reason = "the file is too large (200000000 bytes; limit 67108864)";
    let r = run(None, &["parse", big.to_str().expect("utf8")]);
    assert_refused(&r, &big, reason, "parse 200 MB");
    assert!(r.elapsed < Duration::from_secs(10), "{:?}", r.elapsed);

    // The same under an address-space limit far below what reading it would take.
    let limited = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 524288 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_referat"))
        .arg("parse")
        .arg(&big)
        .output()
        .expect("sh");
    let stderr = String::from_utf8_lossy(&limited.stderr);
    assert_eq!(limited.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(reason), "{stderr}");
    // The limit leaves room for a normal parse, so the refusal is not an accident of it.
    let normal = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 524288 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_referat"))
        .arg("parse")
        .arg(corpus(SEPT))
        .output()
        .expect("sh");
    assert!(
        normal.status.success(),
        "normal parse under the limit: {}",
        String::from_utf8_lossy(&normal.stderr)
    );

    let store = seeded_store(dir.path());
    let before = dump(&store);
    let r = ingest(&store, &[&big]);
    assert_refused(&r, &big, reason, "ingest 200 MB");
    assert!(r.elapsed < Duration::from_secs(20), "{:?}", r.elapsed);
    assert_eq!(dump(&store), before);
}

/// UTF-16 with a BOM and unambiguous Latin-1 are decoded with a warning and give the same
/// minutes as the UTF-8 original.
#[test]
fn utf16_and_latin1_are_decoded_with_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let sept = corpus_text(SEPT);
    let outline = |p: &Path| {
        run(
            None,
            &["parse", p.to_str().expect("utf8"), "--format", "outline"],
        )
    };
    let reference = outline(&corpus(SEPT));
    assert_eq!(reference.code, Some(0));
    let latin1_text: String = sept
        .chars()
        .map(|c| if (c as u32) < 0x100 { c } else { '-' })
        .collect();
    let latin1: Vec<u8> = latin1_text.chars().map(|c| c as u32 as u8).collect();
    for (name, bytes, warning) in [
        (
            "le",
            utf16le(&sept),
            "decoded as UTF-16 (byte order mark found)",
        ),
        (
            "be",
            utf16be(&sept),
            "decoded as UTF-16 (byte order mark found)",
        ),
        (
            "latin1",
            latin1,
            "not UTF-8: decoded as Latin-1 (ISO 8859-1)",
        ),
    ] {
        let p = dir.path().join(format!("{name}-{SEPT}"));
        std::fs::write(&p, bytes).expect("write");
        let r = outline(&p);
        assert_eq!(r.code, Some(0), "{name}: {}", r.stderr);
        assert_eq!(
            r.stderr.trim(),
            format!("referat: {}: warning: {warning}", p.display()),
            "{name}"
        );
        if name != "latin1" {
            assert_eq!(r.stdout, reference.stdout, "{name}: same minutes as UTF-8");
        } else {
            assert_eq!(
                r.stdout.lines().count(),
                reference.stdout.lines().count(),
                "latin1: same items"
            );
        }
        let store = dir.path().join(format!("store-{name}"));
        let r = ingest(&store, &[&p]);
        assert_eq!(r.code, Some(0), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(warning), "{name}: {}", r.stderr);
        assert!(r.stdout.contains("1 added"), "{name}: {}", r.stdout);
    }
}

/// Minutes cut off in the middle of an item keep what is there, and say so.
#[test]
fn minutes_cut_off_mid_item_keep_the_items_before_the_cut() {
    let dir = tempfile::tempdir().expect("tmp");
    let sept = corpus_text(SEPT);
    let full = parse::parse_file(&corpus(SEPT), &ParseOptions::default()).expect("parse");
    // Cut inside the body of item 3.3, mid-word.
    let at = sept
        .find("Central Denmark EU Office")
        .expect("item 3.3 title");
    let at = sept[at..]
        .find("Baggrund")
        .map(|b| at + b + 200)
        .expect("item body");
    let cut_at = (at..)
        .find(|i| sept.is_char_boundary(*i))
        .expect("boundary");
    let p = dir.path().join(format!("cut-{SEPT}"));
    std::fs::write(&p, &sept[..cut_at]).expect("write");
    let r = run(None, &["parse", p.to_str().expect("utf8")]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let m: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let numbers: Vec<&str> = m["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["number"].as_str().expect("number"))
        .collect();
    assert_eq!(numbers, ["1.1", "2.1", "3.1", "3.2", "3.3"]);
    assert!(full.items.len() > numbers.len());
    assert!(
        r.stderr.contains("warning: item 3.3 has no decision"),
        "the cut is reported: {}",
        r.stderr
    );
    let store = dir.path().join("store");
    let r = ingest(&store, &[&p]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("1 added"), "{}", r.stdout);
}

/// Two items with the same number: both are kept, with a warning.
#[test]
fn duplicate_item_numbers_give_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let sept = corpus_text(SEPT);
    // Renumber item 3.2 as a second 3.1.
    let dup = sept.replacen(
        "3.2. Fordeling af lærepladser",
        "3.1. Fordeling af lærepladser",
        1,
    );
    assert_ne!(dup, sept);
    let p = dir.path().join(format!("dup-{SEPT}"));
    std::fs::write(&p, dup).expect("write");
    let r = run(
        None,
        &["parse", p.to_str().expect("utf8"), "--format", "outline"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.lines().any(
            |l| l.starts_with(&format!("referat: {}: warning: ", p.display()))
                && l.ends_with("warning: item number 3.1 occurs more than once")
        ),
        "a warning names the duplicate: {}",
        r.stderr
    );
    let store = dir.path().join("store");
    let r = ingest(&store, &[&p]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("warning"), "{}", r.stderr);
}

/// Unreadable entries: a file without read permission (only when not running with
/// CAP_DAC_OVERRIDE, i.e. not as root), a dangling symlink, and a FIFO (which would block
/// a naive reader forever). Each is refused in its own line; the good files load.
#[test]
fn unreadable_files_are_refused_and_the_rest_loads() {
    let dir = tempfile::tempdir().expect("tmp");
    let folder = dir.path().join("in");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::copy(corpus(JUNE), folder.join(JUNE)).expect("copy");
    std::fs::copy(corpus(SEPT), folder.join(SEPT)).expect("copy");
    let dangling = folder.join("dangling.txt");
    std::os::unix::fs::symlink(dir.path().join("nowhere.txt"), &dangling).expect("symlink");
    let fifo = folder.join("fifo.txt");
    let mk = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(mk.success());
    let locked = folder.join("locked.txt");
    std::fs::copy(corpus(SEPT), &locked).expect("copy");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // As root, chmod 000 does not stop reading; then the file is expected to load.
    let privileged = std::fs::read(&locked).is_ok();
    if privileged {
        eprintln!("note: running with CAP_DAC_OVERRIDE (root): chmod 000 does not block reads; the dangling symlink and FIFO cases cover unreadable entries");
    }

    let store = dir.path().join("store");
    let r = ingest(&store, &[&folder]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.elapsed < Duration::from_secs(120), "FIFO must not block");
    assert_refused(
        &r,
        &dangling,
        "cannot read the file: No such file or directory",
        "dangling",
    );
    assert_refused(
        &r,
        &fifo,
        "it is not a regular file (a FIFO, socket or device)",
        "fifo",
    );
    let graphs = document_graphs(&store);
    if privileged {
        // Loaded; a copy of the September minutes under a name without a date, read
        // before the June minutes that could date it, is only warned about as undated.
        assert!(
            r.lines_about(&locked)
                .iter()
                .all(|l| l.contains(": warning: no meeting date found")),
            "{}",
            r.stderr
        );
        assert_eq!(graphs.len(), 3, "{graphs:?}");
        assert!(r.stdout.contains("3 added"), "{}", r.stdout);
    } else {
        assert_refused(
            &r,
            &locked,
            "cannot read the file: Permission denied",
            "chmod 000",
        );
        assert_eq!(graphs.len(), 2, "{graphs:?}");
        assert!(r.stdout.contains("2 added"), "{}", r.stdout);
    }
    assert!(
        r.stderr
            .lines()
            .last()
            .is_some_and(|l| l.contains("inputs failed")),
        "{}",
        r.stderr
    );
    // parse refuses the FIFO at once too.
    let r = run(None, &["parse", fifo.to_str().expect("utf8")]);
    assert_refused(&r, &fifo, "it is not a regular file", "parse fifo");
}

/// A folder with symlink loops among good files: the good ones load, the loops are
/// reported, the exit code is 1, and the walk ends.
#[test]
fn a_symlink_loop_is_reported_and_the_good_files_still_load() {
    let dir = tempfile::tempdir().expect("tmp");
    let folder = dir.path().join("in");
    let sub = folder.join("sub");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::copy(corpus(JUNE), folder.join(JUNE)).expect("copy");
    std::fs::copy(corpus(SEPT), sub.join(SEPT)).expect("copy");
    std::os::unix::fs::symlink(&folder, folder.join("loop")).expect("symlink");
    std::os::unix::fs::symlink("..", sub.join("up")).expect("symlink");
    // A file symlink that points at itself (ELOOP when opened).
    let selfref = folder.join("self.txt");
    std::os::unix::fs::symlink("self.txt", &selfref).expect("symlink");

    let store = dir.path().join("store");
    let r = ingest(&store, &[&folder]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let loops = r.stderr.lines().filter(|l| l.contains("(loop)")).count();
    assert_eq!(loops, 2, "both folder loops reported: {}", r.stderr);
    assert_refused(
        &r,
        &selfref,
        "Too many levels of symbolic links",
        "self symlink",
    );
    assert!(r.stdout.contains("2 added"), "{}", r.stdout);
    assert_eq!(document_graphs(&store).len(), 2);
}

/// One bad file among good ones never stops the others.
#[test]
fn a_bad_file_among_good_ones_fails_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").expect("write");
    let store = dir.path().join("store");
    let r = ingest(&store, &[&corpus(JUNE), &empty, &corpus(SEPT)]);
    assert_refused(&r, &empty, "the file is empty", "empty among good");
    assert!(
        r.stdout
            .contains("2 added, 0 replaced, 0 unchanged, 1 failed"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("1 of 3 inputs failed"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------
// Query safety

/// `--param` values are bound as literals: quotes, `>`, newlines and SPARQL keywords come
/// back verbatim and cannot change the query; updates are refused; the store is unchanged.
#[test]
fn query_params_cannot_inject() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = seeded_store(dir.path());
    let before = dump(&store);
    let values = [
        "\" } ; DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
        "x\" . } } DELETE WHERE { GRAPH ?g { ?s ?p ?o } } #",
        "a > b <urn:x> '",
        "line one\nline two\r\n} CLEAR ALL",
        "' UNION { ?s ?p ?o } '",
        "\\\" \\u0022 \\n",
        "<urn:not-closed",
        "SELECT * WHERE { ?s ?p ?o }",
    ];
    for v in values {
        let r = run(
            Some(&store),
            &[
                "query",
                "SELECT ?x (STRLEN(?x) AS ?n) WHERE {}",
                "--param",
                &format!("x={v}"),
                "--format",
                "json",
            ],
        );
        assert_eq!(r.code, Some(0), "{v:?}: {}", r.stderr);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).expect("json results");
        let rows = j["results"]["bindings"].as_array().expect("bindings");
        assert_eq!(rows.len(), 1, "{v:?}: one solution");
        assert_eq!(rows[0]["x"]["type"], "literal", "{v:?}");
        assert_eq!(rows[0]["x"]["value"], v, "{v:?} comes back verbatim");
        assert_eq!(
            rows[0]["n"]["value"],
            v.chars().count().to_string(),
            "{v:?}: one literal of its own length"
        );
    }
    // A value in <…> must be a valid IRI, else the parameter is refused.
    let r = run(
        Some(&store),
        &[
            "query",
            "SELECT ?x WHERE {}",
            "--param",
            "x=<a> } DROP ALL { <b>",
            "--format",
            "tsv",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("is not a valid IRI"), "{}", r.stderr);
    // A parameter used as a graph pattern term matches nothing, it does not widen the query.
    let r = run(
        Some(&store),
        &[
            "query",
            "SELECT ?x ?s WHERE { ?s ?p ?x }",
            "--param",
            "x=\" || true || \"",
            "--format",
            "tsv",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().count(),
        1,
        "header only, no rows: {}",
        r.stdout
    );
    // Updates are not queries.
    let r = run(Some(&store), &["query", "DROP ALL", "--format", "tsv"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("referat: this is a SPARQL update; a query is SELECT"),
        "{}",
        r.stderr
    );
    let r = run(
        Some(&store),
        &["query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("this is a SPARQL update"), "{}", r.stderr);
    assert_eq!(dump(&store), before, "store unchanged");
}

/// A `--param` for a variable the query does not select is refused with one line that
/// names the option, the variable and what the query selects; an error in a query file
/// names the file.
/// Rows are streamed out of the evaluator, but a query that fails after some rows must not
/// leave them as if they were the answer: `referat query` holds its output until the end.
#[test]
fn a_query_that_fails_late_prints_no_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = seeded_store(dir.path());
    // The store's triples come first; the SERVICE branch then fails (no federation here).
    let q = "SELECT ?s WHERE { { ?s ?p ?o } UNION { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }";
    let r = run(Some(&store), &["query", "--format", "csv", q]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(r.stdout, "", "no half result");
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("referat: "), "{}", r.stderr);
    // The same rows without the failing branch are many: the failure came after them.
    let r = run(
        Some(&store),
        &["query", "--format", "csv", "SELECT ?s WHERE { ?s ?p ?o }"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.lines().count() > 1000,
        "{}",
        r.stdout.lines().count()
    );
}

#[test]
fn query_errors_name_the_parameter_and_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = seeded_store(dir.path());
    let r = run(
        Some(&store),
        &[
            "query",
            "SELECT DISTINCT ?s ?label WHERE { ?s ?p ?label } ORDER BY ?s LIMIT 3",
            "--param",
            "org=KL",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let line = r.stderr.trim_end();
    assert_eq!(line.lines().count(), 1, "one line: {line}");
    assert!(line.starts_with("referat: --param org: "), "{line}");
    assert!(line.contains("selects no ?org"), "{line}");
    assert!(line.contains("(it selects ?s ?label)"), "{line}");
    // The same query from a file: the file first.
    let file = dir.path().join("listing.rq");
    std::fs::write(&file, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1").expect("write query");
    let r = run(
        Some(&store),
        &["query", &file.display().to_string(), "--param", "org=KL"],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with(&format!("referat: {}: --param org: ", file.display())),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("(it selects ?s)"), "{}", r.stderr);
    // A syntax error in a file names the file and the place.
    std::fs::write(&file, "SELECT ?s WHERE { ?s ?p }").expect("write query");
    let r = run(Some(&store), &["query", &file.display().to_string()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "referat: {}: SPARQL syntax error: error at 1:",
            file.display()
        )),
        "{}",
        r.stderr
    );
    // ASK and CONSTRUCT bind any variable of their pattern: the message says so.
    let r = run(
        Some(&store),
        &["query", "ASK { ?s ?p ?o }", "--param", "x=1"],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.stderr.trim_end(),
        "referat: --param x: the query has no ?x"
    );
    // A file name that names no file, and a folder, are said to be so.
    let missing = dir.path().join("nosuch.sparql");
    let r = run(Some(&store), &["query", &missing.display().to_string()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.stderr.trim_end(),
        format!(
            "referat: {}: no such query file (nor a SPARQL query)",
            missing.display()
        )
    );
    let r = run(Some(&store), &["query", &dir.path().display().to_string()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("a folder, not a query file"),
        "{}",
        r.stderr
    );
    // Triples are Turtle: a table format asked for is refused, not ignored; without
    // --format a CONSTRUCT gives Turtle.
    let construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1";
    let r = run(Some(&store), &["query", construct, "--format", "json"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.starts_with("referat: --format json: a CONSTRUCT"),
        "{}",
        r.stderr
    );
    let r = run(Some(&store), &["query", construct]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().filter(|l| l.ends_with(" .")).count(),
        1,
        "{}",
        r.stdout
    );
    // A parameter the query does select still binds.
    let r = run(
        Some(&store),
        &[
            "query",
            "SELECT ?org WHERE {}",
            "--param",
            "org=KL",
            "--format",
            "tsv",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("\"KL\""), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------
// Crash safety and concurrency

/// The document graphs of a store (opened with the library; no other process may have it).
fn document_graphs(store: &Path) -> Vec<NamedNode> {
    let gs = GraphStore::open(store, RdfConfig::default()).expect("open store");
    document_graphs_of(&gs)
}

fn document_graphs_of(gs: &GraphStore) -> Vec<NamedNode> {
    gs.document_graphs()
        .expect("graphs")
        .into_iter()
        .filter(|g| {
            !g.as_str().ends_with("/graph/gazetteer") && !g.as_str().ends_with("/graph/entities")
        })
        .collect()
}

/// A folder of `n` UTF-16 copies of the reference minutes. UTF-16 makes every file print a
/// warning line right after it is committed, which shows the test how far an ingest is.
fn utf16_corpus(dir: &Path, n: usize) -> PathBuf {
    let folder = dir.join("corpus");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let texts = [corpus_text(JUNE), corpus_text(SEPT)];
    let names = [JUNE, SEPT];
    for k in 0..n {
        let p = folder.join(format!("c{k:03}-{}", names[k % 2]));
        std::fs::write(&p, utf16le(&texts[k % 2])).expect("write copy");
    }
    folder
}

/// What each document graph must hold: its quads after a clean, uninterrupted ingest of
/// the same files (read with the library; no other process may have the store open).
fn graphs_of(store: &Path) -> Vec<(NamedNode, HashSet<Quad>)> {
    let gs = GraphStore::open(store, RdfConfig::default()).expect("open reference store");
    document_graphs_of(&gs)
        .into_iter()
        .map(|g| {
            let quads = gs
                .store()
                .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g.as_ref())))
                .collect::<Result<_, _>>()
                .expect("read graph");
            (g, quads)
        })
        .collect()
}

/// Spawn an ingest whose stderr is streamed line by line to the returned channel.
/// Bulk batches of about two documents, so a run of a few files commits several times (a
/// file's warning is printed once its batch is in the store).
fn spawn_ingest(store: &Path, folder: &Path) -> (Child, mpsc::Receiver<String>) {
    let mut child = command(
        Some(store),
        &[
            OsStr::new("ingest"),
            OsStr::new("--batch-quads"),
            OsStr::new("4000"),
            folder.as_os_str(),
        ],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn ingest");
    let err = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Keep draining after the receiver is gone: a closed pipe would fail the child.
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

/// Wait for `n` committed files (their warning lines) from a running ingest.
fn wait_for_commits(rx: &mpsc::Receiver<String>, n: usize) {
    let mut seen = 0;
    while seen < n {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("ingest progresses");
        if line.contains("warning: decoded as UTF-16") {
            seen += 1;
        }
    }
}

/// After a crash, every document graph is whole (exactly the quads of its file, with its
/// manifest entry) or absent (no quads, no manifest entry). Returns how many are present.
fn check_all_or_nothing(store: &Path, expected: &[(NamedNode, HashSet<Quad>)]) -> usize {
    let gs = GraphStore::open(store, RdfConfig::default()).expect("reopen after kill");
    let manifest = NamedNode::new(format!("{}graph/manifest", RdfConfig::default().base))
        .expect("manifest iri");
    let mut present = 0;
    for (g, want) in expected {
        let have: HashSet<Quad> = gs
            .store()
            .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g.as_ref())))
            .collect::<Result<_, _>>()
            .expect("read graph");
        let entries = gs
            .store()
            .quads_for_pattern(
                Some(g.as_ref().into()),
                None,
                None,
                Some(GraphNameRef::NamedNode(manifest.as_ref())),
            )
            .count();
        if have.is_empty() {
            assert_eq!(entries, 0, "{g}: absent graph has no manifest entry");
        } else {
            assert_eq!(have.len(), want.len(), "{g}: whole graph (quad count)");
            assert!(have == *want, "{g}: whole graph (same quads)");
            assert_eq!(
                entries, 3,
                "{g}: present graph has its manifest entry (hash, version, shared statements)"
            );
            present += 1;
        }
    }
    present
}

#[test]
fn sigkill_mid_ingest_leaves_whole_graphs_and_a_rerun_completes() {
    const N: usize = 10;
    let dir = tempfile::tempdir().expect("tmp");
    let folder = utf16_corpus(dir.path(), N);

    // The uninterrupted run: the reference for every graph.
    let clean = dir.path().join("clean");
    let r = ingest(&clean, &[&folder]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let expected = graphs_of(&clean);
    assert_eq!(expected.len(), N);
    // Same content, same count: copies of the same minutes differ only in names.
    for pair in expected.chunks(2).collect::<Vec<_>>().windows(2) {
        assert_eq!(pair[0][0].1.len(), pair[1][0].1.len());
        assert_eq!(pair[0][1].1.len(), pair[1][1].1.len());
    }
    let clean_dump = dump(&clean);

    // Kill twice, at different points, then let a third run finish.
    let store = dir.path().join("killed");
    let mut before_kill = 0;
    for commits in [3, 3] {
        let (mut child, rx) = spawn_ingest(&store, &folder);
        // Files already in the store are found unchanged before they are parsed, so
        // they print no warning: only the new ones count.
        wait_for_commits(&rx, commits);
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), None, "killed by a signal");
        let present = check_all_or_nothing(&store, &expected);
        assert!(
            present >= before_kill + commits && present < N,
            "kill after {commits} commits: {present} of {N} graphs present"
        );
        before_kill = present;
    }
    let r = ingest(&store, &[&folder]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "{} added, 0 replaced, {before_kill} unchanged",
            N - before_kill
        )),
        "{}",
        r.stdout
    );
    assert_eq!(check_all_or_nothing(&store, &expected), N);
    assert!(
        dump(&store) == clean_dump,
        "final dump equals the uninterrupted run's"
    );
}

/// While an ingest writes, `query` and a second `ingest` fail fast with "store is busy"
/// (RocksDB allows one writer per store, and readers only while nobody writes); nothing
/// hangs and the ingest's result is whole.
#[test]
fn a_store_in_use_is_reported_busy_quickly() {
    const N: usize = 6;
    let dir = tempfile::tempdir().expect("tmp");
    let folder = utf16_corpus(dir.path(), N);
    let store = dir.path().join("store");
    let (child, rx) = spawn_ingest(&store, &folder);
    wait_for_commits(&rx, 1);
    let busy = format!(
        "referat: the store at {} is busy: another referat process has it open for writing; try again when it has finished",
        store.display()
    );
    let in_use = format!(
        "referat: the store at {} is busy: another referat process is reading or writing it; try again when it has finished",
        store.display()
    );
    let june = corpus(JUNE);
    let probes: [(&[&str], &str); 3] = [
        (
            &[
                "query",
                "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                "--format",
                "tsv",
            ],
            &busy,
        ),
        (&["ingest", "-q", june.to_str().expect("utf8")], &in_use),
        (&["query", DUMP, "--format", "tsv"], &busy),
    ];
    for (args, message) in probes {
        let r = run_limited(
            Some(&store),
            &args.iter().map(OsStr::new).collect::<Vec<_>>(),
            Duration::from_secs(30),
        );
        assert_eq!(r.code, Some(1), "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.trim(), message, "{args:?}");
        assert!(
            r.elapsed < Duration::from_secs(5),
            "{args:?}: fails fast, {:?}",
            r.elapsed
        );
    }
    // `parse` needs no store and works meanwhile.
    let r = run(
        None,
        &[
            "parse",
            corpus(SEPT).to_str().expect("utf8"),
            "--format",
            "outline",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    drop(rx);
    let r = wait_with_limit_status(child);
    assert_eq!(r, Some(0), "the ingest finished despite the probes");
    // Same result as an ingest nobody disturbed.
    let reference = dir.path().join("reference");
    let r = ingest(&reference, &[&folder]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(check_all_or_nothing(&store, &graphs_of(&reference)), N);
    assert!(
        dump(&store) == dump(&reference),
        "same dump as an undisturbed ingest"
    );
    let r = run(
        Some(&store),
        &[
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "--format",
            "tsv",
        ],
    );
    assert_eq!(
        r.code,
        Some(0),
        "the store is usable afterwards: {}",
        r.stderr
    );
}

fn wait_with_limit_status(mut child: Child) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait().expect("try_wait") {
            return st.code();
        }
        if start.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("ingest hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------------------
// Store identity: names, base, location

/// A document is known by its file name: a second, different file of the same name in one
/// run is refused (it would replace the first), an identical copy is unchanged.
#[test]
fn two_files_of_one_name_in_one_run_do_not_replace_each_other() {
    let dir = tempfile::tempdir().expect("tmp");
    let folders = ["a", "b", "c"].map(|f| dir.path().join(f));
    for (folder, source) in folders.iter().zip([JUNE, SEPT, JUNE]) {
        std::fs::create_dir_all(folder).expect("mkdir");
        std::fs::copy(corpus(source), folder.join("referat.txt")).expect("copy");
    }
    let store = dir.path().join("store");
    let paths: Vec<&Path> = folders.iter().map(PathBuf::as_path).collect();
    let r = ingest(&store, &paths);
    let second = folders[1].join("referat.txt");
    assert_refused(
        &r,
        &second,
        "has the same document name (referat, from the file name)",
        "same name, other text",
    );
    assert!(
        r.stderr.contains(&format!(
            "{} of this run",
            folders[0].join("referat.txt").display()
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("1 added, 0 replaced, 1 unchanged, 1 failed"),
        "{}",
        r.stdout
    );
    assert_eq!(document_graphs(&store).len(), 1);
    let june = parse::parse_file(&corpus(JUNE), &ParseOptions::default()).expect("parse");
    let sept = parse::parse_file(&corpus(SEPT), &ParseOptions::default()).expect("parse");
    let stored = dump(&store);
    assert!(
        stored.contains(&june.source.sha256),
        "the first file's text is stored"
    );
    assert!(
        !stored.contains(&sept.source.sha256),
        "the second file's is not"
    );
    // In a later run the file replaces the stored one (a corrected file keeps its name),
    // with a warning when the two record different meetings.
    let r = ingest(&store, &[&second]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("0 added, 1 replaced"), "{}", r.stdout);
    assert!(
        r.lines_about(&second).iter().any(|l| l.contains(
            "warning: replaces the stored minutes of another meeting under the same file name \
             (<https://w3id.org/referat/id/meeting/kkr-midtjylland/2025-06-18> before, \
             <https://w3id.org/referat/id/meeting/kkr-midtjylland/2025-09-03> now)"
        )),
        "{}",
        r.stderr
    );
    assert!(
        !dump(&store).contains("replaces the stored minutes"),
        "a message about the ingest, not a fact of the document"
    );
    let r = ingest(&store, &[&second]);
    assert!(r.stdout.contains("1 unchanged"), "{}", r.stdout);
    assert!(
        !r.stderr.contains("another meeting"),
        "unchanged: no warning: {}",
        r.stderr
    );
}

/// Two files of one meeting (an agenda beside its minutes, a copy under another name) make
/// one meeting node whose items get the values of both: the ingest warns, naming the other
/// file, whether that was stored before or comes earlier in the same run; the same file
/// again, or the minutes of another meeting, get no such warning.
#[test]
fn a_second_document_of_one_meeting_is_warned_about() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = seeded_store(dir.path());
    let copy = |name: &str| {
        let p = dir.path().join(name);
        std::fs::copy(corpus(JUNE), &p).expect("copy");
        p
    };
    let meeting = "<https://w3id.org/referat/id/meeting/kkr-midtjylland/2025-06-18>";
    let same_meeting = |r: &Run, path: &Path| {
        r.lines_about(path)
            .into_iter()
            .filter(|l| l.contains("records the same meeting as") && l.contains(meeting))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };

    // A copy under another name, against the stored document.
    let first = copy("dagsorden-kkr-midtjylland-2025-06-18.txt");
    let r = ingest(&store, &[&first]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let warned = same_meeting(&r, &first);
    assert_eq!(warned.len(), 1, "{}", r.stderr);
    assert!(
        warned[0].contains("the stored document <https://w3id.org/referat/id/"),
        "{}",
        warned[0]
    );

    // Two more copies in one run: the second names the first of the run.
    let (a, b) = (copy("kopi-a.txt"), copy("kopi-b.txt"));
    let r = ingest(&store, &[&a, &b]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let warned = same_meeting(&r, &b);
    assert_eq!(warned.len(), 1, "{}", r.stderr);
    assert!(
        warned[0].contains(&format!("records the same meeting as {}", a.display())),
        "{}",
        warned[0]
    );

    // Two meetings' minutes in one run into a new store: no warning.
    let r = ingest(&dir.path().join("other"), &[&corpus(JUNE), &corpus(SEPT)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        !r.stderr.contains("records the same meeting"),
        "{}",
        r.stderr
    );
}

/// A store keeps the base its identifiers were minted under: another `--base` is refused
/// with the store unchanged, and commands without `--base` use the store's own.
#[test]
fn a_store_keeps_the_base_it_was_made_with() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = seeded_store(dir.path());
    let before = dump(&store);
    let june = corpus(JUNE);
    let r = run(
        Some(&store),
        &[
            "--base",
            "https://example.org/id/",
            "ingest",
            "-q",
            &june.display().to_string(),
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "this store's identifiers are under https://w3id.org/referat/id/, not https://example.org/id/"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(dump(&store), before, "store unchanged");
    // A store made under another base (given without its final slash).
    let other = dir.path().join("other");
    let r = run(
        Some(&other),
        &[
            "--base",
            "https://example.org/id",
            "ingest",
            "-q",
            &june.display().to_string(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(Some(&other), &["export", "--format", "nquads"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("<https://example.org/id/graph/"),
        "{}",
        &r.stdout[..200.min(r.stdout.len())]
    );
    assert!(
        !r.stdout.contains("https://w3id.org/referat/id/"),
        "no second base"
    );
    assert!(
        !r.stdout.contains("graph/manifest"),
        "the manifest is not exported"
    );
    let r = ingest(&other, &[&june]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("0 added, 0 replaced, 1 unchanged"),
        "{}",
        r.stdout
    );
}

/// Nothing to ingest, a missing store for `link`, a file or a folder of other files as the
/// store: each refused with one line, and no store made.
#[test]
fn no_store_is_made_where_none_was_meant() {
    let dir = tempfile::tempdir().expect("tmp");
    let folder = dir.path().join("pdfs");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("minutes.pdf"), b"%PDF-1.4").expect("write");
    let store = dir.path().join("store");
    let r = ingest(&store, &[&folder]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.stderr.trim_end(),
        format!(
            "referat: {}: no minutes files to ingest (folders are read for *.txt and *.text)",
            folder.display()
        )
    );
    assert!(!store.exists(), "no store made");
    for cmd in ["link", "optimize"] {
        let r = run(Some(&store), &[cmd]);
        assert_eq!(r.code, Some(1), "{cmd}: {}", r.stderr);
        assert!(r.stderr.contains("no store here"), "{cmd}: {}", r.stderr);
        assert!(!store.exists(), "{cmd}: no store made");
    }
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "notes").expect("write");
    let r = ingest(&file, &[&corpus(JUNE)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("not a store: it is a file"),
        "{}",
        r.stderr
    );
    let r = ingest(&folder, &[&corpus(JUNE)]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("not a store: a folder of other files"),
        "{}",
        r.stderr
    );
    let left: Vec<_> = std::fs::read_dir(&folder).expect("list").collect();
    assert_eq!(left.len(), 1, "nothing written beside the user's file");
    // A mistyped input path: its error, and still no store.
    let typo = dir.path().join("corpsu");
    let r = ingest(&store, &[&typo]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "referat: {}: cannot read the file: No such file or directory",
            typo.display()
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 of 1 inputs failed; no store made"),
        "{}",
        r.stderr
    );
    assert!(!store.exists(), "no store made for a typo");
    // A folder holding only hidden files (a .gitkeep) is as good as an empty one.
    let kept = dir.path().join("kept");
    std::fs::create_dir_all(&kept).expect("mkdir");
    std::fs::write(kept.join(".gitkeep"), "").expect("write");
    let r = ingest(&kept, &[&corpus(JUNE)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// `--no-ocr-repair` takes effect on documents already stored with repair (and back): the
/// option is part of what makes a stored document current.
#[test]
fn ocr_repair_off_replaces_a_repaired_document() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("store");
    let june = corpus(JUNE);
    let counts = |r: &Run| {
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.stdout.clone()
    };
    let r = ingest(&store, &[&june]);
    assert!(
        counts(&r).contains("1 added, 0 replaced, 0 unchanged"),
        "{}",
        r.stdout
    );
    let mut args: Vec<&OsStr> = ["ingest", "-q", "--no-ocr-repair"]
        .iter()
        .map(OsStr::new)
        .collect();
    args.push(june.as_os_str());
    let r = run_limited(Some(&store), &args, Duration::from_secs(300));
    assert!(
        counts(&r).contains("0 added, 1 replaced, 0 unchanged"),
        "{}",
        r.stdout
    );
    let r = run_limited(Some(&store), &args, Duration::from_secs(300));
    assert!(
        counts(&r).contains("0 added, 0 replaced, 1 unchanged"),
        "{}",
        r.stdout
    );
    let r = ingest(&store, &[&june]);
    assert!(
        counts(&r).contains("0 added, 1 replaced, 0 unchanged"),
        "{}",
        r.stdout
    );
}

/// A corrected file that gives the date an unreadable first version lacked replaces it
/// without the "another meeting" warning: an undated meeting is not another meeting.
#[test]
fn a_dated_correction_of_undated_minutes_is_no_other_meeting() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("juni.txt");
    let text = corpus_text(JUNE);
    let undated: String = text
        .lines()
        .map(|l| if l.starts_with("Dato:") { "Dato:" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(
        undated,
        text.replace("\r\n", "\n"),
        "the date line was there"
    );
    std::fs::write(&file, undated).expect("write");
    let store = dir.path().join("store");
    let r = ingest(&store, &[&file]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: no meeting date found"),
        "{}",
        r.stderr
    );
    std::fs::write(&file, &text).expect("write");
    let r = ingest(&store, &[&file]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("0 added, 1 replaced"), "{}", r.stdout);
    assert!(!r.stderr.contains("another meeting"), "{}", r.stderr);
    assert!(dump(&store).contains("/meeting/kkr-midtjylland/2025-06-18>"));
}
