//! The integration tests of maestroc (one binary, to keep link times down).

mod cli;
mod examples;
mod explain;
mod hostile;
mod runs;
mod ui;
