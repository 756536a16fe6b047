/// One bucket of a run's rate series: the canonical logged steps of a fixed step range,
/// reduced to their first and last step and the minimum and maximum of their rates and
/// losses.
///
/// Drawing each bucket as a vertical bar from its minimum to its maximum shows every
/// value the rows hold, so a one-step spike is never averaged away, while a chart of
/// ten million steps needs no more than a few thousand buckets.
///
/// Buckets come from `Ledger.series(run:from:to:buckets:)`. Their boundaries depend only
/// on the range and the bucket count asked for (`SeriesBucket.width(from:to:buckets:)` and
/// `SeriesBucket.origin(from:to:buckets:)`), never on the rows, so two requests for the
/// same range get the same buckets.
public struct SeriesBucket: Sendable, Hashable {
    /// The bucket's index in the range: its steps are `origin + index * width` up to
    /// `origin + (index + 1) * width - 1`, within `from...to` (see `origin(from:to:buckets:)`).
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
    /// `buckets` buckets.
    ///
    /// The rule: let `w` be the least width that needs no more than `buckets` buckets
    /// starting at `from` (at least 1). Below 1,024 steps, the width is `w` and bucket
    /// `i` starts at `from + i * w`. From 1,024 steps on, buckets fall on multiples of
    /// 1,024 (the ledger's summary blocks, so a long range is read from its summaries):
    /// they start at `origin`, `from` rounded down to a multiple of 1,024, and the width
    /// is the least multiple of 1,024 that needs no more than `buckets` buckets from
    /// `origin` to `to`. The first bucket then holds fewer steps when `from` is not a
    /// multiple of 1,024, and the last one when the range ends inside it.
    ///
    /// ```swift
    /// SeriesBucket.width(from: 0, to: 9_999_999, buckets: 2000)  // 5120: 1,954 buckets
    /// SeriesBucket.width(from: 0, to: 99_999, buckets: 2000)     // 50: 2,000 buckets
    /// SeriesBucket.width(from: 0, to: 10, buckets: 2000)         // 1
    /// ```
    public static func width(from: Int64, to: Int64, buckets: Int) -> Int64 {
        let plain = leastWidth(from: from, to: to, buckets: buckets)
        guard plain >= blockSteps else { return plain }
        let least = leastWidth(from: blockStart(from), to: to, buckets: buckets)
        let (rounded, overflow) = ((least - 1) / blockSteps + 1).multipliedReportingOverflow(by: blockSteps)
        return overflow ? least : rounded
    }

    /// The step bucket 0 nominally starts at: `from` when buckets are narrower than 1,024
    /// steps, otherwise `from` rounded down to a multiple of 1,024 (see
    /// `width(from:to:buckets:)`). Bucket `i` holds the steps of `from...to` from
    /// `origin + i * width` to `origin + (i + 1) * width - 1`.
    ///
    /// ```swift
    /// SeriesBucket.origin(from: 5000, to: 9_999_999, buckets: 2000)  // 4096
    /// SeriesBucket.origin(from: 5000, to: 6000, buckets: 2000)       // 5000
    /// ```
    public static func origin(from: Int64, to: Int64, buckets: Int) -> Int64 {
        leastWidth(from: from, to: to, buckets: buckets) >= blockSteps ? blockStart(from) : from
    }

    /// The block size buckets align to: the store's summary blocks.
    static var blockSteps: Int64 { StoredRateBlock.stepsPerBlock }

    private static func blockStart(_ step: Int64) -> Int64 {
        StoredRateBlock.firstStep(of: StoredRateBlock.block(of: step))
    }

    /// The smallest width that cuts `from...to` into no more than `buckets` buckets, at least 1.
    private static func leastWidth(from: Int64, to: Int64, buckets: Int) -> Int64 {
        guard to >= from, buckets > 0 else { return 1 }
        let (span, overflow) = to.subtractingReportingOverflow(from)
        let steps = overflow || span == Int64.max ? Int64.max : span + 1
        let count = Int64(buckets)
        return max(1, steps / count + (steps % count == 0 ? 0 : 1))
    }
}
