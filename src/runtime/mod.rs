//! The runtime: interprets the IR on tokio.
