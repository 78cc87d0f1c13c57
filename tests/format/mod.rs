//! `maestroc fmt` (issue 15): the layout, comments kept in place, idempotence and meaning
//! preservation over every fixture, example and stdlib file and over generated programs,
//! and the command line (`-`, `--check` with its diff, in-place rewrite, syntax errors).

mod cli;
mod corpus;
mod layout;
