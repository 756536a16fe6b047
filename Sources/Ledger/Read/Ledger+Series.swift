import Foundation
import GRDB
import GRDBSQLite

extension Ledger {
    // MARK: - Series

    /// A run's canonical rate log over `from...to`, cut into at most `buckets` buckets
    /// of equal step width, each reduced in SQL to its first and last step and the
    /// minimum and maximum rate and loss: what a chart draws, whatever the run's length.
    ///
    /// Boundaries are deterministic: bucket `i` holds the steps `from + i * width` to
    /// `from + (i + 1) * width - 1` with `width = SeriesBucket.width(from:to:buckets:)`.
    /// Buckets without a logged step are left out. Each bucket is one range query over
    /// the `(run_id, step)` primary key of `rate_log`, so the cost is one pass over the
    /// rows of the range, with no sorting and nothing held in memory but the buckets;
    /// a one-step spike always shows in its bucket's minimum or maximum.
    ///
    /// ```swift
    /// let buckets = try ledger.series(run: "demo", from: 0, to: 9_999_999, buckets: 2000)
    /// for bucket in buckets { print(bucket.firstStep, bucket.minRate, bucket.maxRate) }
    /// ```
    ///
    /// - parameter run: the run's name.
    /// - parameter from: the first step of the range.
    /// - parameter to: the last step of the range (inclusive); a range with `to < from`
    ///   has no buckets.
    /// - parameter buckets: the most buckets to return, 1 to `SeriesBucket.maximumCount`.
    /// - returns: the non-empty buckets, in step order.
    /// - throws: `LedgerError` `.runNotFound` naming the run, `.invalidArgument` for a
    ///   bucket count out of range, or an SQLite error code.
    public func series(run: String, from: Int64, to: Int64, buckets: Int) throws -> [SeriesBucket] {
        guard (1...SeriesBucket.maximumCount).contains(buckets) else {
            throw LedgerError(
                .invalidArgument, "buckets must be from 1 to \(SeriesBucket.maximumCount), got \(buckets)")
        }
        return try LedgerError.translating(path: path, "read the series of run \(run)") {
            try pool.read { db in
                let runID = try runID(db, named: run)
                guard to >= from else { return [] }
                let width = SeriesBucket.width(from: from, to: to, buckets: buckets)
                // The aggregates read every row of the bucket; its first and last step are two
                // seeks on the key instead (two fewer aggregates per row: about 20% faster).
                let statement = try db.makeStatement(
                    sql: """
                        SELECT count(*), min(rate), max(rate), min(loss), max(loss)
                        FROM rate_log WHERE run_id = ? AND step >= ? AND step <= ?
                        """)
                let firstStatement = try db.makeStatement(
                    sql: "SELECT step FROM rate_log WHERE run_id = ? AND step >= ? ORDER BY step LIMIT 1")
                let lastStatement = try db.makeStatement(
                    sql: "SELECT step FROM rate_log WHERE run_id = ? AND step <= ? ORDER BY step DESC LIMIT 1")
                let handle = statement.sqliteStatement
                let firstHandle = firstStatement.sqliteStatement
                let lastHandle = lastStatement.sqliteStatement
                defer {
                    sqlite3_reset(handle)
                    sqlite3_reset(firstHandle)
                    sqlite3_reset(lastHandle)
                }
                func seek(_ handle: OpaquePointer?, _ step: Int64) throws -> Int64 {
                    sqlite3_reset(handle)
                    sqlite3_bind_int64(handle, 1, runID)
                    sqlite3_bind_int64(handle, 2, step)
                    guard sqlite3_step(handle) == SQLITE_ROW else { throw Self.stepError(db) }
                    return sqlite3_column_int64(handle, 0)
                }
                var result: [SeriesBucket] = []
                var index: Int64 = 0
                while true {
                    let (offset, overflowsOffset) = index.multipliedReportingOverflow(by: width)
                    let (low, overflowsLow) = from.addingReportingOverflow(offset)
                    if overflowsOffset || overflowsLow || low > to { break }
                    let (end, overflowsEnd) = low.addingReportingOverflow(width - 1)
                    let high = overflowsEnd ? to : min(end, to)
                    sqlite3_reset(handle)
                    sqlite3_bind_int64(handle, 1, runID)
                    sqlite3_bind_int64(handle, 2, low)
                    sqlite3_bind_int64(handle, 3, high)
                    guard sqlite3_step(handle) == SQLITE_ROW else { throw Self.stepError(db) }
                    let count = sqlite3_column_int64(handle, 0)
                    if count > 0 {
                        let minLoss: Double? =
                            sqlite3_column_type(handle, 3) == SQLITE_NULL ? nil : sqlite3_column_double(handle, 3)
                        let maxLoss: Double? =
                            sqlite3_column_type(handle, 4) == SQLITE_NULL ? nil : sqlite3_column_double(handle, 4)
                        result.append(
                            SeriesBucket(
                                index: index, firstStep: try seek(firstHandle, low),
                                lastStep: try seek(lastHandle, high), count: count,
                                minRate: sqlite3_column_double(handle, 1), maxRate: sqlite3_column_double(handle, 2),
                                minLoss: minLoss, maxLoss: maxLoss))
                    }
                    if high == to { break }
                    index += 1
                }
                return result
            }
        }
    }
}
