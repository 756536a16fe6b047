-- lrledger schema, version 2: checkpoints kept as files, by reference.
--
-- A trainer whose state is large (a Keras or PyTorch model) writes it to a file in its
-- checkpoint folder, syncs it, and then commits a reference: the file's path relative
-- to that folder, its size and its SHA-256 (in `sha256`), with the step counter, in
-- one transaction. Such a row keeps an empty `state`. `trainer_state` is a small JSON
-- object the trainer commits with the checkpoint (epoch, position in the data, ...),
-- handed back on resume.

ALTER TABLE checkpoint ADD COLUMN file TEXT CHECK (file IS NULL OR length(file) > 0);
ALTER TABLE checkpoint ADD COLUMN file_size INTEGER CHECK (file_size IS NULL OR file_size >= 0);
ALTER TABLE checkpoint ADD COLUMN trainer_state TEXT;

-- Public: the kept checkpoints; `bytes` is the state's size wherever it is kept, `file`
-- the referenced file (NULL for a state kept inline), `state` the trainer's JSON.
DROP VIEW checkpoints;
CREATE VIEW checkpoints AS
SELECT
    run.name AS run,
    checkpoint.step AS step,
    coalesce(checkpoint.file_size, length(checkpoint.state)) AS bytes,
    checkpoint.sha256 AS sha256,
    checkpoint.segment_id AS segment,
    checkpoint.created_at AS created_at,
    checkpoint.file AS file,
    checkpoint.trainer_state AS state
FROM checkpoint JOIN run ON run.id = checkpoint.run_id;
