//! How a command names a run (`RUN` arguments).

use super::error::CliError;
use crate::store::Store;

/// The id of the run that `given` names in `store`: for now its exact id.
pub(super) fn resolve_run(store: &Store, given: &str) -> Result<String, CliError> {
    Ok(store.run(given)?.run_id)
}
