/// One bucket of a run's rate series: the canonical logged steps of a fixed step range,
/// reduced to their first and last step and the minimum and maximum of their rates and
/// losses.
///
/// Drawing each bucket as a vertical bar from its minimum to its maximum shows every
/// value the rows hold, so a one-step spike is never averaged away, while a chart of
/// ten million steps needs no more than a few thousand buckets.
///
/// Buckets come from `Ledger.series(run:from:to:buckets:)`. Their boundaries depend only
/// on the range and the bucket count asked for (`SeriesBucket.width(from:to:buckets:)`),
/// never on the rows, so two requests for the same range get the same buckets.
public struct SeriesBucket: Sendable, Hashable {
    /// The bucket's index in the range: its steps are `from + index * width` up to
    /// `from + (index + 1) * width - 1`.
    public let index: Int64
    /// The first logged step in the bucket.
    public let firstStep: Int64
    /// The last logged step in the bucket.
    public let lastStep: Int64
    /// How many steps are logged in it.
    public let count: Int64
    /// The smallest logged rate.
    public let minRate: Double
    /// The largest logged rate.
    public let maxRate: Double
    /// The smallest logged loss, nil when no row of the bucket has one.
    public let minLoss: Double?
    /// The largest logged loss, nil when no row of the bucket has one.
    public let maxLoss: Double?

    public init(
        index: Int64, firstStep: Int64, lastStep: Int64, count: Int64, minRate: Double, maxRate: Double,
        minLoss: Double?, maxLoss: Double?
    ) {
        self.index = index
        self.firstStep = firstStep
        self.lastStep = lastStep
        self.count = count
        self.minRate = minRate
        self.maxRate = maxRate
        self.minLoss = minLoss
        self.maxLoss = maxLoss
    }

    /// The most buckets one request may ask for.
    public static let maximumCount = 2000

    /// The number of steps each bucket spans when `from...to` is cut into at most
    /// `buckets` buckets: the smallest width that needs no more, at least 1.
    ///
    /// ```swift
    /// SeriesBucket.width(from: 0, to: 9_999_999, buckets: 2000)  // 5000
    /// SeriesBucket.width(from: 0, to: 10, buckets: 2000)         // 1
    /// ```
    public static func width(from: Int64, to: Int64, buckets: Int) -> Int64 {
        guard to >= from, buckets > 0 else { return 1 }
        let (span, overflow) = (to - from).addingReportingOverflow(1)
        let steps = overflow ? Int64.max : span
        let count = Int64(buckets)
        return max(1, steps / count + (steps % count == 0 ? 0 : 1))
    }
}
