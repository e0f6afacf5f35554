//! A throw-away Virtuoso Open Source 7 (Debian `virtuoso-opensource-7-bin`) on free
//! 127.0.0.1 ports in a temporary folder, as a real external SPARQL store for the tests.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Kills the server when the test ends, also on panic.
pub struct Virtuoso {
    child: Child,
    dir: tempfile::TempDir,
    /// The HTTP port (`/sparql`, `/sparql-graph-crud`).
    pub http: u16,
    /// The SQL port (`isql-vt`).
    pub sql: u16,
}

impl Drop for Virtuoso {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Virtuoso {
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("virtuoso.log"))
            .or_else(|_| std::fs::read_to_string(self.dir.path().join("stdout.log")))
            .unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// Starts a fresh server in a temporary folder and waits until it answers SPARQL and
    /// lets the anonymous user write; panics with the log tail if it does not.
    pub fn start() -> Virtuoso {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/virtuoso.sh");
        if Command::new("virtuoso-t").arg("--help").output().is_err()
            || Command::new("isql-vt").arg("--help").output().is_err()
        {
            panic!("Virtuoso is not installed (virtuoso-t / isql-vt not on PATH): install the Debian package virtuoso-opensource-7-bin (.ci/run does)");
        }
        let dir = tempfile::tempdir().expect("tmp");
        let (sql, http) = (free_port(), free_port());
        let out = Command::new("bash")
            .arg(&script)
            .arg("ini")
            .arg(dir.path())
            .arg(sql.to_string())
            .arg(http.to_string())
            .output()
            .expect("run virtuoso.sh ini");
        assert!(out.status.success(), "virtuoso.sh ini: {out:?}");
        let log = std::fs::File::create(dir.path().join("stdout.log")).expect("log");
        let child = Command::new("virtuoso-t")
            .arg("+foreground")
            .arg("+configfile")
            .arg(dir.path().join("virtuoso.ini"))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start virtuoso-t");
        let mut v = Virtuoso {
            child,
            dir,
            http,
            sql,
        };
        let deadline = Instant::now() + Duration::from_secs(180);
        let client = reqwest::blocking::Client::new();
        loop {
            if let Ok(Some(status)) = v.child.try_wait() {
                panic!(
                    "virtuoso-t exited ({status}) before it was up:\n{}",
                    v.log_tail()
                );
            }
            let up = client
                .get(format!("http://127.0.0.1:{http}/sparql?query=ASK%7B%7D"))
                .timeout(Duration::from_secs(5))
                .send()
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if up {
                break;
            }
            if Instant::now() > deadline {
                panic!(
                    "Virtuoso did not answer on 127.0.0.1:{http} within 180 s:\n{}",
                    v.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        let mut granted = None;
        for _ in 0..20 {
            let out = Command::new("bash")
                .arg(&script)
                .arg("grant")
                .arg(sql.to_string())
                .output()
                .expect("run virtuoso.sh grant");
            if out.status.success() {
                granted = None;
                break;
            }
            granted = Some(String::from_utf8_lossy(&out.stderr).to_string());
            std::thread::sleep(Duration::from_millis(500));
        }
        if let Some(e) = granted {
            panic!("GRANT SPARQL_UPDATE TO \"SPARQL\" through isql-vt failed: {e}");
        }
        v
    }
    /// The server's folder: the only place (besides `.`) its bulk loader may read from.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs SQL through `isql-vt` as dba; returns stdout, or stderr+stdout on failure.
    pub fn isql(&self, sql: &str) -> Result<String, String> {
        let out = Command::new("isql-vt")
            .arg(self.sql.to_string())
            .arg("dba")
            .arg("dba")
            .arg(format!("exec={sql}"))
            .output()
            .map_err(|e| format!("isql-vt: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        if out.status.success() && !stdout.contains("*** Error") {
            Ok(stdout)
        } else {
            Err(format!("{sql}: {stderr}{stdout}"))
        }
    }
}
