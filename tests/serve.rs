//! `maestroc serve`: its HTTP API on a real loopback port, triggers end to end, shutdown.

mod api;
mod harness;
mod shutdown;
mod triggers;
