//! The integration tests of maestroc (one binary, to keep link times down).
#![allow(clippy::disallowed_methods, reason = "tests read fixtures and start processes")]
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

mod cli;
mod examples;
mod explain;
mod export;
mod fast_parser;
mod format;
mod hardening_cli;
mod hardening_processes;
mod hardening_values;
mod hooks;
mod hostile;
mod ir;
mod lsp;
mod ops_actions;
mod ops_views;
mod parser_oracle;
mod runs;
mod serve;
mod slurm;
mod store;
mod ui;
