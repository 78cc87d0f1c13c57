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
    // 2 (ops-actions): versioned runs (the source of every file a run loaded, stored once
    // by content hash, and a hash of its IR), operator actions (pause, breakpoints, restart
    // links), tags, and the params each resume changed.
    "
    CREATE TABLE sources (
        hash TEXT PRIMARY KEY,
        text TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE run_sources (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        path   TEXT NOT NULL,
        hash   TEXT NOT NULL REFERENCES sources (hash),
        root   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, path)
    ) WITHOUT ROWID;
    ALTER TABLE runs ADD COLUMN ir_hash TEXT;
    ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE runs ADD COLUMN restarted_from TEXT;
    ALTER TABLE runs ADD COLUMN paused TEXT;
    ALTER TABLE runs ADD COLUMN breakpoints TEXT NOT NULL DEFAULT '[]';
    CREATE TABLE param_changes (
        run_id     TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        resume     INTEGER NOT NULL,
        name       TEXT NOT NULL,
        old        TEXT,
        new        TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        PRIMARY KEY (run_id, resume, name)
    ) WITHOUT ROWID;
    ",
    // 3 (serve, issue 14): triggers `serve` knows, each fire it claimed (a schedule tick or a
    // signal, at most once per trigger across every `serve` process), and the run it started.
    "
    CREATE TABLE triggers (
        trigger     TEXT PRIMARY KEY,
        since       TEXT NOT NULL,
        since_signal INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE trigger_fires (
        trigger    TEXT NOT NULL,
        tick       TEXT NOT NULL,
        kind       TEXT NOT NULL,
        signal_id  INTEGER,
        claimed_at TEXT NOT NULL,
        owner      TEXT NOT NULL,
        outcome    TEXT NOT NULL,
        run_id     TEXT,
        message    TEXT,
        PRIMARY KEY (trigger, tick)
    ) WITHOUT ROWID;
    CREATE INDEX trigger_fires_by_outcome ON trigger_fires (outcome, trigger);
    ",
    // 4 (executors, issue 12): the executor a run was launched with, so `resume` uses it;
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
