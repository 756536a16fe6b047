-- lrledger schema, version 1.
--
-- Base tables hold the data under singular names; the views `runs`, `rate_history`
-- and `segments` at the end are the public SQL surface, and their column names are a
-- contract that later migrations keep. Times are ISO-8601 UTC text with milliseconds,
-- such as 2026-11-25T09:12:03.123Z. Shipped migrations are never edited: change the
-- schema with a new file, migrations/NNNN_name.sql.

-- One row per training run.
CREATE TABLE run (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    -- running while a segment is open; otherwise how the last segment ended.
    status TEXT NOT NULL CHECK (status IN ('running', 'interrupted', 'finished', 'failed', 'crashed')),
    -- The committed optimizer step counter: the next update uses schedule(step).
    step INTEGER NOT NULL DEFAULT 0 CHECK (step >= 0),
    target_steps INTEGER NOT NULL CHECK (target_steps >= 0),
    -- Opaque to the ledger: the trainer's JSON (model, seed, batch size, ...).
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The schedule in force from `from_step` on. A change on resume adds a row; the row
-- in force at step s has the greatest from_step <= s (the latest id among equals).
CREATE TABLE schedule_version (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run(id),
    from_step INTEGER NOT NULL CHECK (from_step >= 0),
    -- Canonical Keras JSON (`serialize()` form, compact, Keras's key order).
    config TEXT NOT NULL,
    dtype TEXT NOT NULL CHECK (dtype IN ('float32', 'float64')),
    -- Lowercase hex SHA-256 of config's UTF-8 bytes: an edit made with SQL shows.
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX schedule_version_by_run ON schedule_version(run_id, from_step, id);

-- One row per process that attached to a run: the run's restart history.
CREATE TABLE segment (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run(id),
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    -- The process's start time, field 22 of /proc/<pid>/stat (clock ticks after
    -- boot), so a reused pid is not mistaken for the writer; NULL where unknown.
    process_start INTEGER,
    start_step INTEGER NOT NULL CHECK (start_step >= 0),
    -- The committed step when the segment ended; NULL while it is open.
    end_step INTEGER,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    -- Updated at each commit; a writer on another host whose heartbeat is older
    -- than the lease timeout is considered dead. A segment closed as crashed by a
    -- later attach gets its last heartbeat as ended_at: its last sign of life.
    heartbeat_at TEXT NOT NULL,
    end_reason TEXT CHECK (end_reason IN ('finished', 'interrupted', 'crashed', 'failed')),
    -- The committed step before this segment rewound to its checkpoint, if it did.
    rewound_from INTEGER,
    CHECK ((end_reason IS NULL) = (ended_at IS NULL)),
    CHECK ((end_reason IS NULL) = (end_step IS NULL))
);
CREATE INDEX segment_by_run ON segment(run_id, start_step, id);
-- One writer per run, enforced by the database itself.
CREATE UNIQUE INDEX segment_open_per_run ON segment(run_id) WHERE end_reason IS NULL;

-- The canonical rate log: one row per logged step, the big table. Keyed by
-- (run_id, step) without a rowid and with the optional loss last, so a row with
-- rate only costs about 23 bytes on disk, page slack included. The segment that
-- logged a row is not stored: it is the run's segment with the greatest start_step
-- <= step (the latest among equals), because each attach moves every row at or past
-- its start step to rate_log_superseded. No foreign keys, to keep inserts at raw
-- SQLite speed; the ledger writes it only inside its own transactions.
CREATE TABLE rate_log (
    run_id INTEGER NOT NULL,
    step INTEGER NOT NULL,
    rate REAL NOT NULL,
    loss REAL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

-- Audit trail: rate rows moved out of the canonical log because the run resumed
-- from a checkpoint before them (their model state was never saved).
CREATE TABLE rate_log_superseded (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run(id),
    step INTEGER NOT NULL,
    rate REAL NOT NULL,
    loss REAL,
    -- The segment that logged the row (NULL if unknown), and the one whose resume
    -- superseded it.
    segment_id INTEGER,
    superseded_by INTEGER NOT NULL,
    superseded_at TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX rate_log_superseded_by_run ON rate_log_superseded(run_id, step);

-- Model/optimizer state committed with the step counter; the last few are kept.
CREATE TABLE checkpoint (
    run_id INTEGER NOT NULL REFERENCES run(id),
    step INTEGER NOT NULL CHECK (step >= 0),
    state BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    segment_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, step)
);

-- What happened to a run and why: created, attached, crash detected, rewound to a
-- checkpoint, schedule changed, closed.
CREATE TABLE run_event (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run(id),
    segment_id INTEGER,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    step INTEGER,
    message TEXT NOT NULL
);
CREATE INDEX run_event_by_run ON run_event(run_id, id);

-- Public surface: one row per run, with the schedule in force now.
CREATE VIEW runs AS
SELECT
    run.name AS name,
    run.status AS status,
    run.step AS step,
    run.target_steps AS target_steps,
    (SELECT v.config FROM schedule_version AS v WHERE v.run_id = run.id
        ORDER BY v.from_step DESC, v.id DESC LIMIT 1) AS schedule,
    (SELECT v.dtype FROM schedule_version AS v WHERE v.run_id = run.id
        ORDER BY v.from_step DESC, v.id DESC LIMIT 1) AS dtype,
    run.created_at AS created_at,
    run.updated_at AS updated_at
FROM run;

-- Public surface: one row per canonical logged step.
CREATE VIEW rate_history AS
SELECT
    run.name AS run,
    rate_log.step AS step,
    rate_log.rate AS rate,
    rate_log.loss AS loss,
    (SELECT segment.id FROM segment WHERE segment.run_id = rate_log.run_id AND segment.start_step <= rate_log.step
        ORDER BY segment.start_step DESC, segment.id DESC LIMIT 1) AS segment
FROM rate_log JOIN run ON run.id = rate_log.run_id;

-- Public surface: the restart history.
CREATE VIEW segments AS
SELECT
    run.name AS run,
    segment.id AS id,
    segment.pid AS pid,
    segment.host AS host,
    segment.start_step AS start_step,
    segment.end_step AS end_step,
    segment.started_at AS started_at,
    segment.ended_at AS ended_at,
    segment.end_reason AS end_reason
FROM segment JOIN run ON run.id = segment.run_id;

-- Also public, for convenience: every schedule version, and the kept checkpoints.
CREATE VIEW schedules AS
SELECT
    run.name AS run,
    schedule_version.from_step AS from_step,
    schedule_version.config AS schedule,
    schedule_version.dtype AS dtype,
    schedule_version.sha256 AS sha256,
    schedule_version.created_at AS created_at
FROM schedule_version JOIN run ON run.id = schedule_version.run_id;

CREATE VIEW checkpoints AS
SELECT
    run.name AS run,
    checkpoint.step AS step,
    length(checkpoint.state) AS bytes,
    checkpoint.sha256 AS sha256,
    checkpoint.segment_id AS segment,
    checkpoint.created_at AS created_at
FROM checkpoint JOIN run ON run.id = checkpoint.run_id;
