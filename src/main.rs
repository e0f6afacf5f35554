//! The `referat` command line: argument parsing, printing and exit codes only; the work is
//! done by the library.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use referat::parse::{self, ParseOptions};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Turn Danish municipal meeting minutes into a knowledge graph.
#[derive(Parser)]
#[command(name = "referat", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse one minutes file and print its structure (no store involved).
    Parse {
        /// The minutes as text (UTF-8; Latin-1 and UTF-16 are accepted with a warning).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ParseFormat::Json)]
        format: ParseFormat,
        /// Do not repair OCR letter damage (æ/ø/å).
        #[arg(long)]
        no_ocr_repair: bool,
    },
    /// Print the cleaned text the parser works on.
    Text {
        file: PathBuf,
        /// Do not repair OCR letter damage (æ/ø/å).
        #[arg(long)]
        no_ocr_repair: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ParseFormat {
    /// The JSON contract of design/contract.md.
    Json,
    /// A short human-readable outline.
    Outline,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("referat: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Parse {
            file,
            format,
            no_ocr_repair,
        } => {
            let opts = ParseOptions {
                ocr_repair: !no_ocr_repair,
                ..ParseOptions::default()
            };
            let m =
                parse::parse_file(&file, &opts).with_context(|| format!("{}", file.display()))?;
            for w in &m.warnings {
                eprintln!("referat: {}: warning: {w}", file.display());
            }
            match format {
                ParseFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &m)?;
                    writeln!(out)?;
                }
                ParseFormat::Outline => {
                    writeln!(
                        out,
                        "{} {} {}",
                        m.meeting.body.as_deref().unwrap_or("?"),
                        m.meeting.date.as_deref().unwrap_or("?"),
                        m.meeting.location.as_deref().unwrap_or("")
                    )?;
                    for it in &m.items {
                        writeln!(out, "{:>5} {:<9} {}", it.number, it.decision.kind, it.title)?;
                    }
                }
            }
        }
        Command::Text {
            file,
            no_ocr_repair,
        } => {
            let opts = ParseOptions {
                ocr_repair: !no_ocr_repair,
                ..ParseOptions::default()
            };
            let p =
                parse::prepare_file(&file, &opts).with_context(|| format!("{}", file.display()))?;
            out.write_all(p.clean.text.as_bytes())?;
        }
    }
    Ok(())
}
