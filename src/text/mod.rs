//! Text stage: bytes → clean Danish text with a map back to the source.
//!
//! Minutes arrive as text layers of PDFs or OCR output. Everything downstream wants clean
//! prose, but every extracted fact must still point at the exact source characters, so the
//! cleaner never loses track of where each output character came from ([`CleanText::map`]).

pub mod clean;
pub mod decode;
pub mod ocr;

pub use clean::{clean, CleanOptions, CleanText};
pub use decode::{decode, DecodeError};
