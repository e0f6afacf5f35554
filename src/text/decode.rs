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
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
        .count();
    if controls * 100 > text.chars().count().max(1) {
        return Err(DecodeError::Binary("control characters"));
    }
    if text.trim().is_empty() {
        return Err(DecodeError::OnlyWhitespace);
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    Ok(Decoded { text, warning })
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
        return Err(DecodeError::NotUtf8(bytes.len() - 1));
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
        .map_err(|_| DecodeError::NotUtf8(2))
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
}
