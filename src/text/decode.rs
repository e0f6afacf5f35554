//! Decoding raw bytes into text, refusing what is not minutes text.
//!
//! Bad input must produce one clear sentence, never a panic: the caller prefixes it with
//! the file name.

use thiserror::Error;

/// Why a file could not be read as text.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file contains only whitespace")]
    OnlyWhitespace,
    #[error("the file looks binary ({0}), not text")]
    Binary(&'static str),
    #[error("the file contains a NUL byte at offset {0}")]
    Nul(usize),
    #[error("the file is not valid UTF-8 (invalid byte at offset {0}) and not unambiguous Latin-1 or UTF-16")]
    NotUtf8(usize),
    #[error("the file has a UTF-16 byte order mark but is not valid UTF-16 ({0})")]
    BadUtf16(&'static str),
    #[error("the file looks like UTF-16 without a byte order mark (byte order unknown): save it as UTF-8")]
    Utf16WithoutBom,
}

/// Result of decoding: the text plus a warning when a fallback encoding was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub warning: Option<String>,
}

/// Decode bytes as UTF-8 (BOM stripped, CRLF/CR normalised to LF). UTF-16 with a BOM and
/// Latin-1 text that is unambiguous (no C1 control bytes) are accepted with a warning.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(kind) = binary_signature(bytes) {
        return Err(DecodeError::Binary(kind));
    }
    let (text, warning) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (utf8(rest)?, None)
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        (
            utf16(bytes)?,
            Some("decoded as UTF-16 (byte order mark found)".to_string()),
        )
    } else if looks_like_bomless_utf16(bytes) {
        return Err(DecodeError::Utf16WithoutBom);
    } else if looks_binary(bytes) {
        return Err(DecodeError::Binary(
            "unknown binary data: many control bytes",
        ));
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), None),
            Err(e) => {
                let pos = e.valid_up_to();
                if let Some(nul) = bytes.iter().position(|b| *b == 0) {
                    return Err(DecodeError::Nul(nul));
                }
                // Latin-1 is unambiguous only if no byte falls in the C1 range 0x80–0x9F
                // (those would be Windows-1252 or garbage) and the text is mostly ASCII.
                let c1 = bytes.iter().any(|b| (0x80..0xA0).contains(b));
                let high = bytes.iter().filter(|b| **b >= 0x80).count();
                if !c1 && high * 10 < bytes.len() {
                    (
                        bytes.iter().map(|b| *b as char).collect(),
                        Some("not UTF-8: decoded as Latin-1 (ISO 8859-1)".to_string()),
                    )
                } else {
                    return Err(DecodeError::NotUtf8(pos));
                }
            }
        }
    };
    if let Some(nul) = text.find('\0') {
        return Err(DecodeError::Nul(nul));
    }
    let (controls, chars) = count_controls(&text);
    if controls * 100 > chars.max(1) {
        return Err(DecodeError::Binary("control characters"));
    }
    if text.trim().is_empty() {
        return Err(DecodeError::OnlyWhitespace);
    }
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    Ok(Decoded { text, warning })
}

/// Control chars other than line feed, carriage return, tab and form feed, and all chars,
/// counted on the bytes: the controls are C0 and DEL (one byte each) and C1
/// (U+0080–U+009F: `C2 80`–`C2 9F`), and a char starts at every byte that does not
/// continue one. The two byte counts run over blocks with 8-bit counters, which the
/// compiler turns into vector code (an iterator's `filter().count()` it does not); a C1
/// control starts with `C2`, which `memchr` finds (rare in Danish text: æ/ø/å are `C3 …`).
fn count_controls(text: &str) -> (usize, usize) {
    let b = text.as_bytes();
    let chars = count_bytes(b, |c| (c as i8) >= -0x40);
    let c0 = count_bytes(b, is_c0_control);
    let c1 = memchr::memchr_iter(0xc2, b)
        .filter(|&i| b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
        .count();
    (c0 + c1, chars)
}

/// A one-byte control other than tab, line feed, carriage return and form feed.
#[inline(always)]
fn is_c0_control(c: u8) -> bool {
    (c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t' | 0x0c)) || c == 0x7f
}

/// How many bytes satisfy `pred`, counted in blocks of 128 with 8-bit counters (so the
/// loop vectorises; `pred` must be branch-free on its byte).
#[inline(always)]
fn count_bytes(b: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    let mut blocks = b.chunks_exact(128);
    let mut n = 0usize;
    for block in &mut blocks {
        let mut k = 0u8;
        for &c in block {
            k += u8::from(pred(c));
        }
        n += usize::from(k);
    }
    n + blocks.remainder().iter().filter(|&&c| pred(c)).count()
}

fn utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|e| DecodeError::NotUtf8(e.valid_up_to() + 3))
}

fn utf16(bytes: &[u8]) -> Result<String, DecodeError> {
    let le = bytes.starts_with(&[0xFF, 0xFE]);
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Err(DecodeError::BadUtf16("odd number of bytes"));
    }
    let units = body.chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| DecodeError::BadUtf16("unpaired surrogate"))
}

/// The first 64 KiB, enough to judge what kind of data a file holds.
fn sample(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(64 * 1024)]
}

/// UTF-16 text without a BOM: NUL in (almost) every other byte, on one side only. Both byte
/// orders are plausible, so it is refused rather than guessed.
fn looks_like_bomless_utf16(bytes: &[u8]) -> bool {
    let s = sample(bytes);
    // Without a NUL there is nothing to count (and text has none).
    if s.len() < 8 || memchr::memchr(0, s).is_none() {
        return false;
    }
    let pairs = s.len() / 2;
    // One pass over byte pairs (a last odd byte is at an even offset).
    let (mut even, mut odd) = (0usize, 0usize);
    for p in s.chunks_exact(2) {
        even += usize::from(p[0] == 0);
        odd += usize::from(p[1] == 0);
    }
    even += usize::from(s.len() % 2 == 1 && s.last() == Some(&0));
    (even * 10 >= pairs * 9 && odd * 10 < pairs) || (odd * 10 >= pairs * 9 && even * 10 < pairs)
}

/// Random or unknown binary data: more than one byte in twenty is a C0 control other than
/// tab, line feed, form feed or carriage return. A single stray NUL is reported as such.
fn looks_binary(bytes: &[u8]) -> bool {
    let s = sample(bytes);
    let controls = count_bytes(s, |b| {
        b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | b'\x0c')
    });
    controls * 20 > s.len() && controls > 1
}

/// Recognise common binary formats by their magic bytes, so the error names what it is.
fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGS: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"%PDF", "PDF document: extract its text first"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "ZIP archive or Office document"),
        (b"\x1F\x8B", "gzip archive"),
        (b"\x7FELF", "executable"),
    ];
    SIGS.iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, what)| *what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_empty_whitespace_binary_and_nul() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b"  \n\t\n"), Err(DecodeError::OnlyWhitespace));
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0"),
            Err(DecodeError::Binary(_))
        ));
        assert_eq!(decode(b"Referat\0 mere"), Err(DecodeError::Nul(7)));
    }

    #[test]
    fn counts_controls_as_char_is_control_does() {
        for t in [
            "",
            "abc",
            "a\u{1}b\u{7f}\u{85}\u{9f}\u{a0}æøå\t\n\r\x0c",
            "\u{80}x\u{2028}",
            // Longer than a counting block, with controls on both sides of its borders.
            "a\u{1}b\u{7f}\u{85}\u{9f}\u{a0}æøå\t\n\r\x0c Møde §"
                .repeat(40)
                .as_str(),
        ] {
            let want = (
                t.chars()
                    .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
                    .count(),
                t.chars().count(),
            );
            assert_eq!(count_controls(t), want, "{t:?}");
        }
    }

    #[test]
    fn normalises_line_ends_and_accepts_fallbacks() {
        let d = decode(b"a\r\nb\rc").expect("ascii decodes");
        assert_eq!(d.text, "a\nb\nc");
        let latin1 = b"M\xF8de i KKR den 3. september, referat af m\xF8det.";
        let d = decode(latin1).expect("latin-1 decodes");
        assert!(d.text.starts_with("Møde"));
        assert!(d.warning.is_some());
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Møde".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16).expect("utf16").text, "Møde");
    }

    #[test]
    fn names_utf16_problems_and_random_binary() {
        let bomless: Vec<u8> = "Referat af mødet"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(decode(&bomless), Err(DecodeError::Utf16WithoutBom));
        assert_eq!(
            decode(&[0xFF, 0xFE, b'a', 0, b'b']),
            Err(DecodeError::BadUtf16("odd number of bytes"))
        );
        assert_eq!(
            decode(&[0xFF, 0xFE, 0x00, 0xD8, b'a', 0]),
            Err(DecodeError::BadUtf16("unpaired surrogate"))
        );
        let noise: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(matches!(decode(&noise), Err(DecodeError::Binary(_))));
    }
}
