//! The runtime: interprets the IR on tokio.

pub mod builtins;
pub mod call;
pub mod contain;
pub mod error;
pub mod eval;
pub mod events;
pub mod frame;
pub mod limits;
pub mod loops;
pub mod ops;
pub mod outputs;
pub mod params;
pub mod process;
pub mod quote;
pub mod regular;
pub mod report;
pub mod result;
pub mod resume;
pub mod run;
pub mod scheduler;
pub mod settings;
pub mod state;
pub mod step;
pub mod tail;
pub mod value;
pub mod wait;
