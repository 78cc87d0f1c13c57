//! Versioned runs (docs/store.md, "Versions"): the source of every file a run loaded,
//! stored once per content (`sources`, keyed by SHA-256) and linked to the run
//! (`run_sources`), with the SHA-256 of its IR on the run's row.

use rusqlite::{params, OptionalExtension as _, Transaction};
use sha2::{Digest as _, Sha256};

use super::{Result, Store};

/// One file a run loaded, as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFile {
    /// The path the front end loaded it by (the root as given on the command line).
    pub path: String,
    pub text: String,
    /// The file named on the command line (the others were imported).
    pub root: bool,
}

/// The definition a run ran: its files and the hash of its IR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub files: Vec<VersionFile>,
    /// SHA-256 of the IR (hex).
    pub ir_hash: String,
}

impl Version {
    /// The root file, if the version has one.
    #[must_use]
    pub fn root(&self) -> Option<&VersionFile> {
        self.files.iter().find(|f| f.root)
    }
}

/// The lowercase hex SHA-256 of some bytes.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The short form of a version shown to people: the first 12 hex digits of the IR hash.
#[must_use]
pub fn short(ir_hash: &str) -> &str {
    ir_hash.get(..12).unwrap_or(ir_hash)
}

/// Records the files of a new run, each text stored once whatever number of runs share it.
pub(super) fn record(tx: &Transaction<'_>, run_id: &str, version: &Version) -> Result<()> {
    for file in &version.files {
        let hash = sha256_hex(file.text.as_bytes());
        tx.prepare_cached("INSERT INTO sources (hash, text) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING")?
            .execute(params![hash, file.text])?;
        tx.prepare_cached(
            "INSERT INTO run_sources (run_id, path, hash, root) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (run_id, path) DO UPDATE SET hash = ?3, root = ?4",
        )?
        .execute(params![run_id, file.path, hash, file.root])?;
    }
    Ok(())
}

impl Store {
    /// The definition a run ran, or `None` for a run recorded before versions existed.
    pub fn version(&self, run_id: &str) -> Result<Option<Version>> {
        self.read(|c| {
            let ir_hash: Option<String> = c
                .query_row("SELECT ir_hash FROM runs WHERE run_id = ?1", [run_id], |r| r.get(0))
                .optional()?
                .flatten();
            let Some(ir_hash) = ir_hash else {
                return Ok(None);
            };
            let mut stmt = c.prepare(
                "SELECT run_sources.path, sources.text, run_sources.root FROM run_sources
                 JOIN sources ON sources.hash = run_sources.hash
                 WHERE run_sources.run_id = ?1 ORDER BY run_sources.root DESC, run_sources.path",
            )?;
            let files = stmt
                .query_map([run_id], |r| {
                    Ok(VersionFile {
                        path: r.get(0)?,
                        text: r.get(1)?,
                        root: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some(Version { files, ir_hash }))
        })
    }

    /// Moves a run to a new version (`resume --upgrade`): its files, IR hash and the
    /// workflow's tags (a JSON list) in that version.
    pub fn upgrade_version(&self, run_id: &str, version: &Version, tags: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM run_sources WHERE run_id = ?1", [run_id])?;
            tx.execute(
                "UPDATE runs SET ir_hash = ?2, tags = ?3 WHERE run_id = ?1",
                params![run_id, version.ir_hash, tags],
            )?;
            record(tx, run_id, version)
        })
    }

    /// How many distinct source texts the store holds (deduplication, for tests and docs).
    pub fn source_count(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM sources", [], |r| r.get(0))?))
    }
}
