//! The runtime: interprets the IR on tokio.

pub mod events;
pub mod state;
