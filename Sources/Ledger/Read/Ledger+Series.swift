import Foundation

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
    ///   bucket count out of range, or the store's failure.
    public func series(run: String, from: Int64, to: Int64, buckets: Int) throws -> [SeriesBucket] {
        guard (1...SeriesBucket.maximumCount).contains(buckets) else {
            throw LedgerError(
                .invalidArgument, "buckets must be from 1 to \(SeriesBucket.maximumCount), got \(buckets)")
        }
        return try store.read("read the series of run \(run)") { tx in
            let runID = try runID(tx, named: run)
            guard to >= from else { return [] }
            return try tx.seriesBuckets(
                runID: runID, from: from, to: to, width: SeriesBucket.width(from: from, to: to, buckets: buckets))
        }
    }
}
