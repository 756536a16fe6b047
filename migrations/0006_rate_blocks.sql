-- lrledger schema, migration 6: per-block summaries of the rate log, for charts.
--
-- `rate_block` holds, for each run and each block of 1,024 steps (block = step >> 10, so
-- block b covers steps b*1024 to b*1024+1023), how many canonical rows the block has,
-- its first and last logged step, and the minimum and maximum of its rates and losses.
-- A chart of a whole 10M-step run then reads about 10,000 summaries instead of ten
-- million rows, and still shows a one-step spike in its block's maximum.
--
-- It is derived data, not part of the public SQL surface: the writer keeps it in the
-- same transaction as the rows it summarizes, a reader falls back to the rows of any
-- block without a summary, and `lrledger audit` checks every summary against the rows.
-- A ledger made before this migration gets its summaries here, once, at its first write.

CREATE TABLE rate_block (
    run_id INTEGER NOT NULL,
    block INTEGER NOT NULL CHECK (block >= 0),
    row_count INTEGER NOT NULL CHECK (row_count > 0),
    first_step INTEGER NOT NULL,
    last_step INTEGER NOT NULL,
    min_rate REAL NOT NULL,
    max_rate REAL NOT NULL,
    -- NULL when no row of the block has a loss.
    min_loss REAL,
    max_loss REAL,
    PRIMARY KEY (run_id, block)
) WITHOUT ROWID;

INSERT INTO rate_block (run_id, block, row_count, first_step, last_step, min_rate, max_rate, min_loss, max_loss)
SELECT run_id, step >> 10, count(*), min(step), max(step), min(rate), max(rate), min(loss), max(loss)
FROM rate_log GROUP BY run_id, step >> 10
-- A block holding a value edited into another type (text, say) is left to the rows.
HAVING sum(typeof(rate) != 'real') = 0 AND sum(typeof(loss) NOT IN ('real', 'null')) = 0;

-- The writer never updates a rate_log row, and deletes rows only with the summaries it
-- then rewrites. A row changed or deleted with SQL outside lrledger drops its block's
-- summary, so charts read that block's rows and show what the table holds now.
CREATE TRIGGER rate_log_update_drops_block AFTER UPDATE ON rate_log
BEGIN
    DELETE FROM rate_block WHERE run_id = OLD.run_id AND block = OLD.step >> 10;
    DELETE FROM rate_block WHERE run_id = NEW.run_id AND block = NEW.step >> 10;
END;

CREATE TRIGGER rate_log_delete_drops_block AFTER DELETE ON rate_log
BEGIN
    DELETE FROM rate_block WHERE run_id = OLD.run_id AND block = OLD.step >> 10;
END;
