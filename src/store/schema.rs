//! The store's schema, as numbered migrations. `PRAGMA user_version` holds how many have
//! been applied; each runs once, in order, in one transaction. Documented in `docs/store.md`.

/// Migration `i` brings the schema from version `i` to `i + 1`. Never edit one that has
/// shipped: add a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: runs, step instances, attempts, signals.
    "
    CREATE TABLE runs (
        run_id       TEXT PRIMARY KEY,
        seq          INTEGER NOT NULL UNIQUE,
        workflow     TEXT NOT NULL,
        file         TEXT NOT NULL,
        workflow_key TEXT NOT NULL,
        state        TEXT NOT NULL,
        params       TEXT NOT NULL,
        strategy     TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        started_at   TEXT,
        ended_at     TEXT,
        run_dir      TEXT NOT NULL,
        pid          INTEGER,
        outputs      TEXT,
        message      TEXT,
        resumes      INTEGER NOT NULL DEFAULT 0,
        cancel_requested INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX runs_by_workflow ON runs (workflow_key, state, seq);
    CREATE TABLE steps (
        run_id     TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        state      TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        outputs    TEXT,
        started_at TEXT,
        ended_at   TEXT,
        message    TEXT,
        PRIMARY KEY (run_id, name)
    ) WITHOUT ROWID;
    CREATE TABLE attempts (
        run_id     TEXT NOT NULL,
        name       TEXT NOT NULL,
        attempt    INTEGER NOT NULL,
        state      TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at   TEXT,
        message    TEXT,
        log_prefix TEXT,
        PRIMARY KEY (run_id, name, attempt),
        FOREIGN KEY (run_id, name) REFERENCES steps (run_id, name) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE TABLE signals (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        name       TEXT NOT NULL,
        payload    TEXT NOT NULL,
        created_at TEXT NOT NULL,
        run_id     TEXT,
        step       TEXT
    );
    CREATE INDEX signals_by_name ON signals (name, id);
    ",
    // 2 (executors, issue 12): the executor a run was launched with, so `resume` uses it;
    // the Slurm job of every attempt, recorded before the attempt counts as started, so a
    // resume after `kill -9` re-attaches to it instead of submitting it again.
    "
    ALTER TABLE runs ADD COLUMN executor TEXT NOT NULL DEFAULT 'local';
    CREATE TABLE jobs (
        run_id     TEXT NOT NULL,
        name       TEXT NOT NULL,
        attempt    INTEGER NOT NULL,
        job_id     TEXT NOT NULL,
        log_prefix TEXT NOT NULL,
        state      TEXT NOT NULL,
        node       TEXT,
        submitted_at TEXT NOT NULL,
        PRIMARY KEY (run_id, name, attempt)
    ) WITHOUT ROWID;
    CREATE INDEX jobs_by_job ON jobs (job_id);
    ",
];
