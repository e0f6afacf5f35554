//! Helpers shared by the integration tests: a throw-away Virtuoso on 127.0.0.1.

// Each test binary uses a part of these helpers.
#[allow(dead_code)]
pub mod virtuoso;
