//! The integration tests of maestroc (one binary).
