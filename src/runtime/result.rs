//! The result object (docs/cli.md, "Runs") (`run`/`resume --format json`, `runs show
//! --format json`), written from the run store as it is read, one step instance at a time.

use std::io::Write;

use serde::ser::{Error as _, SerializeMap as _};
use serde::{Serialize, Serializer};

use crate::store::runs::RunRow;
use crate::store::Store;

/// Writes the result object of `run` (pretty-printed JSON and a newline) to `out`.
pub fn write(store: &Store, run: &RunRow, out: &mut impl Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &ResultObject { store, run })?;
    writeln!(out)?;
    out.flush()
}

struct ResultObject<'a> {
    store: &'a Store,
    run: &'a RunRow,
}

/// A JSON text from the store, `null` when absent or unreadable.
fn json_of(text: Option<&str>) -> serde_json::Value {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(serde_json::Value::Null)
}

impl Serialize for ResultObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut outputs = json_of(self.run.outputs.as_deref());
        if outputs.is_null() {
            outputs = serde_json::Value::Object(serde_json::Map::new());
        }
        let mut map = serializer.serialize_map(Some(9))?;
        map.serialize_entry("run_id", &self.run.run_id)?;
        map.serialize_entry("workflow", &self.run.workflow)?;
        map.serialize_entry("state", &self.run.state)?;
        // Versioned runs and operator actions (docs/cli.md, "Runs").
        map.serialize_entry("version", &self.run.ir_hash)?;
        map.serialize_entry("tags", &json_of(Some(&self.run.tags)))?;
        map.serialize_entry("paused", &self.run.paused)?;
        map.serialize_entry("restarted_from", &self.run.restarted_from)?;
        map.serialize_entry("outputs", &outputs)?;
        map.serialize_entry(
            "steps",
            &Steps {
                store: self.store,
                run_id: &self.run.run_id,
            },
        )?;
        map.end()
    }
}

struct Steps<'a> {
    store: &'a Store,
    run_id: &'a str,
}

#[derive(Serialize)]
struct Step<'a> {
    state: &'a str,
    attempts: u32,
    outputs: serde_json::Value,
}

impl Serialize for Steps<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.store
            .each_step(self.run_id, |rows| {
                serializer.collect_map(rows.map(|row| {
                    let step = Step {
                        state: &row.state,
                        attempts: row.attempts,
                        outputs: json_of(row.outputs.as_deref()),
                    };
                    // The map takes the key and value by reference; serialize them now.
                    (row.name.clone(), serde_json::to_value(&step).unwrap_or_default())
                }))
            })
            .map_err(S::Error::custom)?
    }
}
