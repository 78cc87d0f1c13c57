//! The integration tests of maestroc (one binary, to keep link times down).

#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

mod cli;
mod examples;
mod explain;
mod fast_parser;
mod hooks;
mod hostile;
mod ir;
mod parser_oracle;
mod runs;
mod store;
mod ui;
