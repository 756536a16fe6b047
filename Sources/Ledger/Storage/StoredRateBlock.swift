/// The summary of one block of a run's canonical rate log: the rows whose step falls in
/// `block * stepsPerBlock ..< (block + 1) * stepsPerBlock`, reduced to their count, first
/// and last step, and the minimum and maximum of their rates and losses.
///
/// A store keeps one per block that has rows, written in the transaction that writes the
/// rows, so a chart of a long run reads a summary per block instead of every row
/// (`Ledger.series(run:from:to:buckets:)`). A block may lack its summary (a ledger made
/// before summaries, a row edited outside lrledger): readers then use its rows. The audit
/// recomputes every block from the rows and reports a summary that disagrees.
///
/// ```swift
/// var block = StoredRateBlock(step: 2048, rate: 0.1, loss: nil)   // block 2
/// block.add(step: 2049, rate: 0.09, loss: 1.5)
/// block.minRate  // 0.09
/// ```
struct StoredRateBlock: Equatable {
    /// Steps per block, as a shift: block = step >> 10. The SQLite store's migration
    /// 0006_rate_blocks.sql uses the same number.
    static let shift: Int64 = 10
    /// Steps per block: 1,024.
    static let stepsPerBlock: Int64 = 1 << shift

    var block: Int64
    var count: Int64
    var firstStep: Int64
    var lastStep: Int64
    var minRate: Double
    var maxRate: Double
    /// Nil when no row of the block has a loss.
    var minLoss: Double?
    var maxLoss: Double?

    /// The block holding `step`.
    static func block(of step: Int64) -> Int64 { step >> shift }

    /// The first step of `block`.
    static func firstStep(of block: Int64) -> Int64 { block << shift }

    /// The summary of one row.
    init(step: Int64, rate: Double, loss: Double?) {
        let loss = Self.storable(loss)
        self.init(
            block: Self.block(of: step), count: 1, firstStep: step, lastStep: step, minRate: rate, maxRate: rate,
            minLoss: loss, maxLoss: loss)
    }

    init(
        block: Int64, count: Int64, firstStep: Int64, lastStep: Int64, minRate: Double, maxRate: Double,
        minLoss: Double?, maxLoss: Double?
    ) {
        self.block = block
        self.count = count
        self.firstStep = firstStep
        self.lastStep = lastStep
        self.minRate = minRate
        self.maxRate = maxRate
        self.minLoss = minLoss
        self.maxLoss = maxLoss
    }

    /// Adds one row of the same block.
    mutating func add(step: Int64, rate: Double, loss: Double?) {
        count += 1
        if step < firstStep { firstStep = step }
        if step > lastStep { lastStep = step }
        if rate < minRate { minRate = rate }
        if rate > maxRate { maxRate = rate }
        if let loss = Self.storable(loss) {
            if let low = minLoss { minLoss = Swift.min(low, loss) } else { minLoss = loss }
            if let high = maxLoss { maxLoss = Swift.max(high, loss) } else { maxLoss = loss }
        }
    }

    /// Adds the rows another summary describes.
    mutating func merge(_ other: StoredRateBlock) {
        count += other.count
        firstStep = Swift.min(firstStep, other.firstStep)
        lastStep = Swift.max(lastStep, other.lastStep)
        minRate = Swift.min(minRate, other.minRate)
        maxRate = Swift.max(maxRate, other.maxRate)
        if let low = other.minLoss { minLoss = minLoss.map { Swift.min($0, low) } ?? low }
        if let high = other.maxLoss { maxLoss = maxLoss.map { Swift.max($0, high) } ?? high }
    }

    /// A loss as a REAL column keeps it: SQLite stores NaN as NULL.
    private static func storable(_ loss: Double?) -> Double? {
        guard let loss, !loss.isNaN else { return nil }
        return loss
    }

    /// Whether `other` says the same of the block's rows: the same count, first and last
    /// step, and extremes equal as numbers (0.0 equals -0.0, which a REAL column cannot
    /// keep apart).
    func agrees(with other: StoredRateBlock) -> Bool {
        block == other.block && count == other.count && firstStep == other.firstStep && lastStep == other.lastStep
            && minRate == other.minRate && maxRate == other.maxRate && minLoss == other.minLoss
            && maxLoss == other.maxLoss
    }
}
