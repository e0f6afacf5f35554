//! Bytes → decode → clean → OCR repair → structure parse. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use referat::parse::{self, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ParseOptions {
        ocr_repair: true,
        max_bytes: 1 << 20,
    };
    if let Ok(prepared) = parse::prepare_bytes(data, &opts) {
        // The cleaned text keeps a source offset for every char.
        let n = prepared.clean.text.chars().count();
        for i in [0, n / 2, n] {
            let _ = prepared.clean.source_offset(i);
        }
        let _ = parse::parse_prepared(&prepared, "referat-fra-moede-den-3-september-2025.txt");
    }
});
