import GRDB
import GRDBSQLite

/// The block summaries of the rate log (`rate_block`, migration 0006): kept by the writer
/// in the transaction that writes the rows, read by the series and the audit.
///
/// A block whose summary is missing is read from its rows, so a summary is only ever
/// written when it describes every row of its block: appended rows merge into the
/// summary they extend; a block the batch starts without a summary, while rows before
/// the batch are in it (a summary dropped by the triggers on a changed row), is summed
/// up again from its rows.
extension SQLiteTransaction {
    // MARK: - Writing

    /// Brings the summaries of the blocks `rows` touched up to date; `rows` are in the log already.
    func updateRateBlocks(runID: Int64, rows: UnsafeBufferPointer<LoggedRate>) throws {
        guard let first = rows.first else { return }
        var blocks: [StoredRateBlock] = []
        var current = StoredRateBlock(step: first.step, rate: first.rate, loss: first.hasLoss ? first.loss : nil)
        var ascending = true
        var previous = first.step
        for row in rows.dropFirst() {
            if row.step <= previous { ascending = false }
            previous = row.step
            let loss = row.hasLoss ? row.loss : nil
            if row.step >> StoredRateBlock.shift == current.block {
                current.add(step: row.step, rate: row.rate, loss: loss)
            } else {
                blocks.append(current)
                current = StoredRateBlock(step: row.step, rate: row.rate, loss: loss)
            }
        }
        blocks.append(current)
        guard ascending else {
            // Out of order (no writer of lrledger logs so): sum each touched block up again.
            for block in Set(blocks.map(\.block)) { try resummarize(runID: runID, block: block) }
            return
        }
        for block in blocks { try merge(block, runID: runID) }
    }

    /// Merges a batch's summary of one block into the stored one, or stores it.
    private func merge(_ block: StoredRateBlock, runID: Int64) throws {
        let update = try db.cachedStatement(
            sql: """
                UPDATE rate_block SET row_count = row_count + ?3, first_step = min(first_step, ?4),
                    last_step = max(last_step, ?5), min_rate = min(min_rate, ?6), max_rate = max(max_rate, ?7),
                    min_loss = min(coalesce(min_loss, ?8), coalesce(?8, min_loss)),
                    max_loss = max(coalesce(max_loss, ?9), coalesce(?9, max_loss))
                WHERE run_id = ?1 AND block = ?2
                """)
        try execute(update, runID: runID, block)
        if db.changesCount == 1 { return }
        if block.firstStep > StoredRateBlock.firstStep(of: block.block) {
            let earlier = try db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM rate_log WHERE run_id = ? AND step >= ? AND step < ?)")
            if try Bool.fetchOne(
                earlier, arguments: [runID, StoredRateBlock.firstStep(of: block.block), block.firstStep]) == true
            {
                return try resummarize(runID: runID, block: block.block)
            }
        }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO rate_block (run_id, block, row_count, first_step, last_step, min_rate, max_rate, min_loss,
                    max_loss)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                """)
        try execute(insert, runID: runID, block)
    }

    private func execute(_ statement: Statement, runID: Int64, _ block: StoredRateBlock) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, runID)
        sqlite3_bind_int64(handle, 2, block.block)
        sqlite3_bind_int64(handle, 3, block.count)
        sqlite3_bind_int64(handle, 4, block.firstStep)
        sqlite3_bind_int64(handle, 5, block.lastStep)
        sqlite3_bind_double(handle, 6, block.minRate)
        sqlite3_bind_double(handle, 7, block.maxRate)
        if let low = block.minLoss { sqlite3_bind_double(handle, 8, low) } else { sqlite3_bind_null(handle, 8) }
        if let high = block.maxLoss { sqlite3_bind_double(handle, 9, high) } else { sqlite3_bind_null(handle, 9) }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw Self.stepError(db) }
    }

    /// Replaces the summary of `block` by one summed up from its rows (none when it has
    /// no rows, or a value edited into another type than REAL).
    func resummarize(runID: Int64, block: Int64) throws {
        try db.execute(sql: "DELETE FROM rate_block WHERE run_id = ? AND block = ?", arguments: [runID, block])
        let first = StoredRateBlock.firstStep(of: block)
        try db.execute(
            sql: """
                INSERT INTO rate_block (run_id, block, row_count, first_step, last_step, min_rate, max_rate, min_loss,
                    max_loss)
                SELECT run_id, step >> 10, count(*), min(step), max(step), min(rate), max(rate), min(loss), max(loss)
                FROM rate_log WHERE run_id = ? AND step >= ? AND step <= ?
                GROUP BY run_id, step >> 10
                HAVING sum(typeof(rate) != 'real') = 0 AND sum(typeof(loss) NOT IN ('real', 'null')) = 0
                """, arguments: [runID, first, first + StoredRateBlock.stepsPerBlock - 1])
    }

    /// Deletes canonical rows with `sql` and `arguments` without the per-row triggers of
    /// migration 0006, which only stand in for the writer's own bookkeeping when someone
    /// else deletes a row: the caller brings the summaries up to date itself. Deleting a
    /// 10M-step run took 11.9 s with the triggers and 3.4 s without. Where the connection
    /// cannot turn them off, they run, and the result is the same.
    func deleteRatesWithoutTriggers(sql: String, arguments: StatementArguments) throws {
        guard let connection = db.sqliteConnection, SQLiteHardening.setTriggers(false, on: connection) else {
            return try db.execute(sql: sql, arguments: arguments)
        }
        defer { SQLiteHardening.setTriggers(true, on: connection) }
        try db.execute(sql: sql, arguments: arguments)
    }

    /// After the rows at or past `step` were removed: drops the summaries of the blocks
    /// past them and sums up again the block `step` cuts.
    func truncateRateBlocks(runID: Int64, from step: Int64) throws {
        let block = StoredRateBlock.block(of: step)
        try db.execute(sql: "DELETE FROM rate_block WHERE run_id = ? AND block >= ?", arguments: [runID, block])
        if step > StoredRateBlock.firstStep(of: block) { try resummarize(runID: runID, block: block) }
    }

    // MARK: - Reading

    /// Whether the ledger has block summaries: a ledger made before migration 0006, opened
    /// read-only, has none.
    func hasRateBlocks() throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rate_block')")
            ?? false
    }

    /// The number of canonical rows of a run: the counts of its block summaries, plus
    /// the rows of the ranges no summary covers, so a 10M-step run is counted from about
    /// 10,000 summaries instead of ten million rows.
    func rateCount(runID: Int64) throws -> Int64 {
        let counter = try db.cachedStatement(
            sql: "SELECT count(*) FROM rate_log WHERE run_id = ? AND step >= ? AND step <= ?")
        func count(_ low: Int64, _ high: Int64) throws -> Int64 {
            try Int64.fetchOne(counter, arguments: [runID, low, high]) ?? 0
        }
        var total: Int64 = 0
        var uncovered: Int64? = .min
        for block in try rateBlocks(runID: runID, from: .min, to: .max) {
            let first = StoredRateBlock.firstStep(of: block.block)
            if let start = uncovered, start < first { total += try count(start, first - 1) }
            total += block.count
            let (next, overflow) = first.addingReportingOverflow(StoredRateBlock.stepsPerBlock)
            uncovered = overflow ? nil : next
        }
        if let start = uncovered { total += try count(start, .max) }
        return total
    }

    func rateBlocks(runID: Int64, from: Int64, to: Int64) throws -> [StoredRateBlock] {
        guard try hasRateBlocks() else { return [] }
        let statement = try db.cachedStatement(
            sql: """
                SELECT block, row_count, first_step, last_step, min_rate, max_rate, min_loss, max_loss
                FROM rate_block WHERE run_id = ? AND block >= ? AND block <= ? ORDER BY block
                """)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, runID)
        sqlite3_bind_int64(handle, 2, from)
        sqlite3_bind_int64(handle, 3, to)
        defer { sqlite3_reset(handle) }
        var blocks: [StoredRateBlock] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw Self.stepError(db) }
            blocks.append(
                StoredRateBlock(
                    block: sqlite3_column_int64(handle, 0), count: sqlite3_column_int64(handle, 1),
                    firstStep: sqlite3_column_int64(handle, 2), lastStep: sqlite3_column_int64(handle, 3),
                    minRate: sqlite3_column_double(handle, 4), maxRate: sqlite3_column_double(handle, 5),
                    minLoss: Self.optionalDouble(handle, 6), maxLoss: Self.optionalDouble(handle, 7)))
        }
        return blocks
    }
}
