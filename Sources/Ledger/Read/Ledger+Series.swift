import Foundation

extension Ledger {
    // MARK: - Series

    /// A run's canonical rate log over `from...to`, cut into at most `buckets` buckets
    /// of equal step width, each reduced to its first and last step and the minimum and
    /// maximum rate and loss: what a chart draws, whatever the run's length.
    ///
    /// Boundaries are deterministic: bucket `i` holds the steps of `from...to` from
    /// `origin + i * width` to `origin + (i + 1) * width - 1`, with
    /// `width = SeriesBucket.width(from:to:buckets:)` and
    /// `origin = SeriesBucket.origin(from:to:buckets:)`. Buckets of 1,024 steps or more
    /// fall on multiples of 1,024, the store's summary blocks (`StoredRateBlock`): a
    /// bucket is then reduced from the summaries of its whole blocks, and from rows only
    /// where the range cuts a block or a block has no summary, so a whole 10M-step run
    /// reads about 10,000 summaries, not ten million rows. Narrower buckets (ranges under
    /// about two million steps at 2,000 buckets) read their rows over the `(run_id, step)`
    /// key. Buckets without a logged step are left out. Either way every row counts in
    /// its bucket's minimum and maximum, so a one-step spike always shows.
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
            let width = SeriesBucket.width(from: from, to: to, buckets: buckets)
            let origin = SeriesBucket.origin(from: from, to: to, buckets: buckets)
            guard origin < from else {
                return try tx.seriesBuckets(runID: runID, from: from, to: to, width: width)
            }
            // The store cuts buckets from its `from`: the first, shortened bucket alone,
            // then the aligned rest, whose indexes count from 1.
            let (firstEnd, overflow) = origin.addingReportingOverflow(width - 1)
            let firstLast = overflow ? to : min(firstEnd, to)
            let first = try tx.seriesBuckets(runID: runID, from: from, to: firstLast, width: width)
            guard firstLast < to else { return first }
            let rest = try tx.seriesBuckets(runID: runID, from: firstLast + 1, to: to, width: width)
            return first
                + rest.map {
                    SeriesBucket(
                        index: $0.index + 1, firstStep: $0.firstStep, lastStep: $0.lastStep, count: $0.count,
                        minRate: $0.minRate, maxRate: $0.maxRate, minLoss: $0.minLoss, maxLoss: $0.maxLoss)
                }
        }
    }
}
