-- lrledger schema, migration 3: what a complete, tamper-evident audit needs.
--
-- 1. Writer identity that survives containers: the boot id and the PID namespace of
--    the process that opened a segment, beside its host name and pid.
-- 2. Completeness: the log interval each segment promised (it logs every step that is
--    a multiple of it), so the audit can name every missing or extra row.
-- 3. Tamper evidence: `chain_link`, one row per change a writer made to a run's
--    history (creation, attach, commit, close), each with a SHA-256 digest chaining the
--    previous link's digest with what the change wrote.
-- 4. The public views resolve "in force" and "logged by" as the latest recorded
--    version or segment at or before a step, so a rewind below an earlier segment or
--    schedule change attributes every step right.

ALTER TABLE segment ADD COLUMN boot_id TEXT;
ALTER TABLE segment ADD COLUMN pid_namespace TEXT;
-- The segment logs every step s with s % log_every = 0; NULL: it promised nothing.
ALTER TABLE segment ADD COLUMN log_every INTEGER CHECK (log_every IS NULL OR log_every >= 1);

-- The hash chain of a run's history. Link `seq` chains link seq-1's digest with a
-- canonical text of what it wrote: for a commit, the SHA-256 of its rows' raw bytes. `lrledger audit` recomputes every link
-- from the tables it describes; a link of kind 'legacy' stands for history written
-- before this migration, which is not chained.
CREATE TABLE chain_link (
    run_id INTEGER NOT NULL REFERENCES run(id),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    kind TEXT NOT NULL CHECK (kind IN ('legacy', 'create', 'attach', 'commit', 'close')),
    segment_id INTEGER,
    -- The step counter before and after the change.
    from_step INTEGER NOT NULL,
    to_step INTEGER NOT NULL,
    -- A commit's rows: how many, the first and last step (NULL when none), and the
    -- SHA-256 of their raw bytes (step, rate and loss, 8 little-endian bytes each).
    row_count INTEGER NOT NULL DEFAULT 0,
    first_row_step INTEGER,
    last_row_step INTEGER,
    rows_sha256 TEXT,
    -- The SHA-256 of the checkpoint a commit wrote (or an attach resumed from).
    checkpoint_sha256 TEXT,
    -- How many checkpoints the writer kept after this commit.
    keep_checkpoints INTEGER,
    -- The run's latest schedule version when the link was made: the link covers every
    -- version of the run up to this id.
    schedule_version_id INTEGER,
    -- For an attach: the segments it closed as crashed, comma-separated ids.
    closed_segments TEXT NOT NULL DEFAULT '',
    -- For an attach asked to resume past damaged checkpoints: the checkpoints whose bytes
    -- no longer matched their SHA-256 and that it deleted, as comma-separated STEP:SHA256.
    discarded_checkpoints TEXT NOT NULL DEFAULT '',
    -- The canonical text hashed, so an audit can name what changed; empty for a commit,
    -- whose text is made of this row's own columns.
    header TEXT NOT NULL DEFAULT '',
    -- Lowercase hex SHA-256 of the header, which holds the previous link's digest.
    digest TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

INSERT INTO chain_link (run_id, seq, kind, from_step, to_step, digest, at)
SELECT id, 0, 'legacy', step, step, '', strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM run;

DROP VIEW runs;
CREATE VIEW runs AS
SELECT
    run.name AS name,
    run.status AS status,
    run.step AS step,
    run.target_steps AS target_steps,
    (SELECT v.config FROM schedule_version AS v WHERE v.run_id = run.id AND v.from_step <= run.step
        ORDER BY v.id DESC LIMIT 1) AS schedule,
    (SELECT v.dtype FROM schedule_version AS v WHERE v.run_id = run.id AND v.from_step <= run.step
        ORDER BY v.id DESC LIMIT 1) AS dtype,
    run.created_at AS created_at,
    run.updated_at AS updated_at
FROM run;

DROP VIEW rate_history;
CREATE VIEW rate_history AS
SELECT
    run.name AS run,
    rate_log.step AS step,
    rate_log.rate AS rate,
    rate_log.loss AS loss,
    (SELECT max(segment.id) FROM segment WHERE segment.run_id = rate_log.run_id
        AND segment.start_step <= rate_log.step) AS segment
FROM rate_log JOIN run ON run.id = rate_log.run_id;
