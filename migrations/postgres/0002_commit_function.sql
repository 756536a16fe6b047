-- A writer's commit in one statement, so it costs one round trip to the server instead
-- of one per write (BEGIN, the lock, the fence, the counter, the rows, the checkpoint,
-- its pruning, the chain link, COMMIT).
--
-- The store calls it as a statement of its own (an implicit transaction): all of it is
-- committed, or none of it. It takes the ledger's write lock first, as every write
-- transaction does, and at READ COMMITTED each statement below then sees every write
-- committed before the lock was granted. The checks are the rules' fences, evaluated
-- by the rules' own conditions:
--   - the writer's segment must still be open (another process may have taken the run
--     over): SQLSTATE LRS01 otherwise;
--   - the run's step counter must still be the one the writer committed last: LRS02.
-- A step already in the history fails the rows' INSERT with unique_violation (23505).
--
-- Returns the files of the checkpoints pruned beyond p_keep, for the writer to delete.
CREATE FUNCTION lrledger_commit(
    p_write_lock bigint,
    p_run_id bigint,
    p_segment_id bigint,
    p_now text,
    p_expected_step bigint,
    p_step bigint,
    p_steps bigint[],
    p_rates double precision[],
    p_losses double precision[],
    p_has_losses boolean[],
    p_has_checkpoint boolean,
    p_state bytea,
    p_sha256 text,
    p_file text,
    p_file_size bigint,
    p_trainer_state text,
    p_keep bigint,
    p_seq bigint,
    p_from_step bigint,
    p_row_count bigint,
    p_first_row_step bigint,
    p_last_row_step bigint,
    p_rows_sha256 text,
    p_checkpoint_sha256 text,
    p_keep_checkpoints bigint,
    p_schedule_version_id bigint,
    p_digest text
) RETURNS text[]
LANGUAGE plpgsql
AS $commit$
DECLARE
    dropped text[] := '{}';
BEGIN
    PERFORM pg_advisory_xact_lock(p_write_lock);

    UPDATE segment SET heartbeat_at = p_now WHERE id = p_segment_id AND end_reason IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'segment % is closed', p_segment_id USING ERRCODE = 'LRS01';
    END IF;

    UPDATE run SET step = p_step, updated_at = p_now WHERE id = p_run_id AND step = p_expected_step;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the step counter of run % is not %', p_run_id, p_expected_step USING ERRCODE = 'LRS02';
    END IF;

    IF cardinality(p_steps) > 0 THEN
        INSERT INTO rate_log (run_id, step, rate, loss)
        SELECT p_run_id, s, r, CASE WHEN h THEN l END
        FROM unnest(p_steps, p_rates, p_losses, p_has_losses) AS t(s, r, l, h);
    END IF;

    IF p_has_checkpoint THEN
        INSERT INTO checkpoint (run_id, step, state, sha256, segment_id, created_at, file, file_size, trainer_state)
        VALUES (p_run_id, p_step, p_state, p_sha256, p_segment_id, p_now, p_file, p_file_size, p_trainer_state)
        ON CONFLICT (run_id, step) DO UPDATE SET state = excluded.state, sha256 = excluded.sha256,
            segment_id = excluded.segment_id, created_at = excluded.created_at, file = excluded.file,
            file_size = excluded.file_size, trainer_state = excluded.trainer_state;
        WITH pruned AS (
            DELETE FROM checkpoint WHERE run_id = p_run_id AND step < (
                SELECT step FROM checkpoint WHERE run_id = p_run_id ORDER BY step DESC LIMIT 1 OFFSET p_keep - 1)
            RETURNING file
        )
        SELECT coalesce(array_agg(file) FILTER (WHERE file IS NOT NULL), '{}') INTO dropped FROM pruned;
    END IF;

    INSERT INTO chain_link (run_id, seq, kind, segment_id, from_step, to_step, row_count, first_row_step,
        last_row_step, rows_sha256, checkpoint_sha256, keep_checkpoints, schedule_version_id, digest, at)
    VALUES (p_run_id, p_seq, 'commit', p_segment_id, p_from_step, p_step, p_row_count, p_first_row_step,
        p_last_row_step, p_rows_sha256, p_checkpoint_sha256, p_keep_checkpoints,
        p_schedule_version_id, p_digest, p_now);

    RETURN dropped;
END
$commit$;
