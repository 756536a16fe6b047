-- lrledger schema, migration 5: runs imported from other tools' records.
--
-- `lrledger import` makes a run from a CSV export, TensorBoard event files or MLflow's
-- tracking store, so that `audit` can check what that tool logged against the schedule.
--
-- 1. `imported_run`: one row per imported run, saying where its rates came from.
-- 2. `imported_row`: every value the source held, in source order (`seq`), including a
--    step logged twice or a step lower than the one before (a restart): the evidence the
--    audit reads. rate_log's key (run_id, step) cannot hold those.
-- 3. The canonical history (`rate_log`, hence `rate_history`) of an imported run follows
--    the ledger's own rule for resumes: where the source's step goes back or repeats, the
--    source restarted there, a new segment starts at that step, and the rows at or past it
--    logged before are replaced by the later ones. So `rate_history` holds, for each step,
--    the value logged last, and `segments` the restarts inferred (pid 0, host 'imported').
-- The public views are unchanged; `imported_runs` is added.

CREATE TABLE imported_run (
    run_id INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
    -- csv, tensorboard or mlflow.
    format TEXT NOT NULL CHECK (format IN ('csv', 'tensorboard', 'mlflow')),
    -- The file or folder read, as given.
    path TEXT NOT NULL,
    -- The series read: CSV column, TensorBoard tag or MLflow metric key.
    series TEXT NOT NULL,
    -- The MLflow run id; NULL for other formats.
    source_run TEXT,
    -- How precisely the source kept its values: float32, float64 or decimal (CSV text).
    precision TEXT NOT NULL CHECK (precision IN ('float32', 'float64', 'decimal')),
    -- How many values were read (rows of imported_row).
    row_count INTEGER NOT NULL CHECK (row_count >= 0),
    imported_at TEXT NOT NULL
);

CREATE TABLE imported_row (
    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    -- The value's place in the source, from 0.
    seq INTEGER NOT NULL CHECK (seq >= 0),
    step INTEGER NOT NULL CHECK (step >= 0),
    rate REAL NOT NULL,
    -- Seconds since the epoch when the source says it was logged; NULL where it does not.
    wall_time REAL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
-- The audit looks up the earlier values of a step.
CREATE INDEX imported_row_by_step ON imported_row(run_id, step, seq);

-- Public: where each imported run came from.
CREATE VIEW imported_runs AS
SELECT
    run.name AS run,
    imported_run.format AS format,
    imported_run.path AS path,
    imported_run.series AS series,
    imported_run.source_run AS source_run,
    imported_run.precision AS precision,
    imported_run.row_count AS rows,
    imported_run.imported_at AS imported_at
FROM imported_run JOIN run ON run.id = imported_run.run_id;
