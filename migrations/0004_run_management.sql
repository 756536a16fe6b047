-- lrledger schema, migration 4: runs can be deleted, renamed and annotated.
--
-- 1. `deleted_run`: one row per run deleted with `lrledger delete`, kept after the run and
--    everything that belonged to it are gone, so a ledger still says that the run
--    existed, how far it went, what its chain head was, and who deleted it when.
-- 2. A rename is a link of the run's hash chain, kind 'rename', holding the name the run
--    had before (`renamed_from`): links made before it vouch for the old name, links
--    after it for the new one, and `audit` checks both. SQLite cannot change a CHECK
--    constraint in place, so `chain_link` is rebuilt with the new kind allowed; its rows
--    are copied unchanged.
-- 3. Renames and notes are also `run_event` rows (kinds 'renamed' and 'note'), which need
--    no schema change.

CREATE TABLE chain_link_new (
    run_id INTEGER NOT NULL REFERENCES run(id),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    kind TEXT NOT NULL CHECK (kind IN ('legacy', 'create', 'attach', 'commit', 'close', 'rename')),
    segment_id INTEGER,
    from_step INTEGER NOT NULL,
    to_step INTEGER NOT NULL,
    row_count INTEGER NOT NULL DEFAULT 0,
    first_row_step INTEGER,
    last_row_step INTEGER,
    rows_sha256 TEXT,
    checkpoint_sha256 TEXT,
    keep_checkpoints INTEGER,
    schedule_version_id INTEGER,
    closed_segments TEXT NOT NULL DEFAULT '',
    discarded_checkpoints TEXT NOT NULL DEFAULT '',
    header TEXT NOT NULL DEFAULT '',
    digest TEXT NOT NULL,
    at TEXT NOT NULL,
    -- For a rename: the run's name before it (the name after it is the one the next
    -- rename, or the run row, holds).
    renamed_from TEXT,
    CHECK ((kind = 'rename') = (renamed_from IS NOT NULL)),
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

INSERT INTO chain_link_new (run_id, seq, kind, segment_id, from_step, to_step, row_count, first_row_step,
    last_row_step, rows_sha256, checkpoint_sha256, keep_checkpoints, schedule_version_id, closed_segments,
    discarded_checkpoints, header, digest, at)
SELECT run_id, seq, kind, segment_id, from_step, to_step, row_count, first_row_step, last_row_step, rows_sha256,
    checkpoint_sha256, keep_checkpoints, schedule_version_id, closed_segments, discarded_checkpoints, header, digest, at
FROM chain_link;

DROP TABLE chain_link;
ALTER TABLE chain_link_new RENAME TO chain_link;

-- A deleted run: what it was, and who deleted it when. `chain_head` is the digest of its
-- last chain link, so a backup or export of the run can be matched with this record.
CREATE TABLE deleted_run (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    step INTEGER NOT NULL,
    target_steps INTEGER NOT NULL,
    -- The schedule in force at its last step (Keras JSON) and its dtype.
    schedule TEXT,
    dtype TEXT,
    settings TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- What was deleted with it: canonical rate rows, rows in the audit trail, segments,
    -- kept checkpoints (a checkpoint file in a trainer's folder is left where it is).
    rate_rows INTEGER NOT NULL,
    superseded_rows INTEGER NOT NULL,
    segments INTEGER NOT NULL,
    checkpoints INTEGER NOT NULL,
    chain_head TEXT,
    deleted_at TEXT NOT NULL,
    -- The process that deleted it.
    pid INTEGER NOT NULL,
    host TEXT NOT NULL
);

-- Public: one row per deleted run.
CREATE VIEW deleted_runs AS
SELECT
    name, status, step, target_steps, schedule, dtype, created_at, rate_rows, superseded_rows, segments, checkpoints,
    chain_head, deleted_at, pid, host
FROM deleted_run;
