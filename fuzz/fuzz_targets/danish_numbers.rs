//! The Danish date and money parsers on arbitrary text. Must never panic, and every
//! reported range must be a valid char boundary range of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use referat::parse::{dates, money};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for d in dates::find_dates(text, Some(2025)) {
        assert!(d.start <= d.end && text.is_char_boundary(d.start) && text.is_char_boundary(d.end));
    }
    let _ = dates::find_dates(text, None);
    let _ = dates::find_time(text);
    let _ = dates::date_from_file_name(text);
    for a in money::find_amounts(text) {
        assert!(a.start <= a.end && text.is_char_boundary(a.start) && text.is_char_boundary(a.end));
        assert!(a.value.is_finite(), "{a:?}");
    }
});
