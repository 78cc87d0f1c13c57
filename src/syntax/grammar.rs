//! The pest parser generated from `grammar/mflow.pest`.

#![allow(missing_docs, clippy::pedantic)]

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/mflow.pest"]
pub struct MflowParser;
