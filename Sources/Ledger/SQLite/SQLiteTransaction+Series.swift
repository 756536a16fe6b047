import GRDB
import GRDBSQLite

/// The series of a run's rate log: buckets reduced from block summaries where a bucket
/// holds whole blocks that have one, and from rows elsewhere.
extension SQLiteTransaction {
    func seriesBuckets(runID: Int64, from: Int64, to: Int64, width: Int64) throws -> [SeriesBucket] {
        guard to >= from, width > 0 else { return [] }
        // Narrower buckets hold no whole block: their rows tell.
        let blocks: [StoredRateBlock] =
            try width >= StoredRateBlock.stepsPerBlock
            ? rateBlocks(runID: runID, from: StoredRateBlock.block(of: from), to: StoredRateBlock.block(of: to)) : []
        let rows = try RowRanges(db: db, runID: runID)
        defer { rows.finish() }
        var result: [SeriesBucket] = []
        var next = 0
        var index: Int64 = 0
        while true {
            let (offset, overflowsOffset) = index.multipliedReportingOverflow(by: width)
            let (low, overflowsLow) = from.addingReportingOverflow(offset)
            if overflowsOffset || overflowsLow || low > to { break }
            let (end, overflowsEnd) = low.addingReportingOverflow(width - 1)
            let high = overflowsEnd ? to : min(end, to)
            var bucket: StoredRateBlock?
            func merge(_ part: StoredRateBlock?) {
                guard let part else { return }
                if var merged = bucket {
                    merged.merge(part)
                    bucket = merged
                } else {
                    bucket = part
                }
            }
            // Whole blocks of the bucket with a summary are read from it; the steps
            // between them (cut blocks, blocks without a summary) from the rows.
            var uncovered: Int64? = low
            while next < blocks.count {
                let summary = blocks[next]
                let first = StoredRateBlock.firstStep(of: summary.block)
                let last = first + (StoredRateBlock.stepsPerBlock - 1)
                if first > high { break }
                if last > high, first >= low { break }  // cut by the bucket's end: the next bucket reads it too
                next += 1
                guard first >= low else { continue }  // cut by the bucket's start
                if let start = uncovered, start < first { merge(try rows.reduce(start, first - 1)) }
                merge(summary)
                uncovered = last < high ? last + 1 : nil
            }
            if let start = uncovered { merge(try rows.reduce(start, high)) }
            if let bucket {
                result.append(
                    SeriesBucket(
                        index: index, firstStep: bucket.firstStep, lastStep: bucket.lastStep, count: bucket.count,
                        minRate: bucket.minRate, maxRate: bucket.maxRate, minLoss: bucket.minLoss,
                        maxLoss: bucket.maxLoss))
            }
            if high == to { break }
            index += 1
        }
        return result
    }
}

/// Reduces ranges of a run's rows in SQL: the count and extremes in one pass over the
/// range, its first and last step as two seeks on the key.
private struct RowRanges {
    let db: Database
    let runID: Int64
    let aggregate: OpaquePointer?
    let first: OpaquePointer?
    let last: OpaquePointer?

    init(db: Database, runID: Int64) throws {
        self.db = db
        self.runID = runID
        aggregate = try db.cachedStatement(
            sql: """
                SELECT count(*), min(rate), max(rate), min(loss), max(loss)
                FROM rate_log WHERE run_id = ? AND step >= ? AND step <= ?
                """
        ).sqliteStatement
        first = try db.cachedStatement(
            sql: "SELECT step FROM rate_log WHERE run_id = ? AND step >= ? ORDER BY step LIMIT 1"
        ).sqliteStatement
        last = try db.cachedStatement(
            sql: "SELECT step FROM rate_log WHERE run_id = ? AND step <= ? ORDER BY step DESC LIMIT 1"
        ).sqliteStatement
    }

    /// Leaves the statements reset, for the statement cache.
    func finish() {
        sqlite3_reset(aggregate)
        sqlite3_reset(first)
        sqlite3_reset(last)
    }

    /// The rows of `low...high` as one summary, or nil when there is none.
    func reduce(_ low: Int64, _ high: Int64) throws -> StoredRateBlock? {
        sqlite3_reset(aggregate)
        sqlite3_bind_int64(aggregate, 1, runID)
        sqlite3_bind_int64(aggregate, 2, low)
        sqlite3_bind_int64(aggregate, 3, high)
        guard sqlite3_step(aggregate) == SQLITE_ROW else { throw SQLiteTransaction.stepError(db) }
        let count = sqlite3_column_int64(aggregate, 0)
        guard count > 0 else { return nil }
        return StoredRateBlock(
            block: StoredRateBlock.block(of: low), count: count, firstStep: try seek(first, low),
            lastStep: try seek(last, high), minRate: sqlite3_column_double(aggregate, 1),
            maxRate: sqlite3_column_double(aggregate, 2), minLoss: SQLiteTransaction.optionalDouble(aggregate, 3),
            maxLoss: SQLiteTransaction.optionalDouble(aggregate, 4))
    }

    private func seek(_ handle: OpaquePointer?, _ step: Int64) throws -> Int64 {
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, runID)
        sqlite3_bind_int64(handle, 2, step)
        guard sqlite3_step(handle) == SQLITE_ROW else { throw SQLiteTransaction.stepError(db) }
        return sqlite3_column_int64(handle, 0)
    }
}
