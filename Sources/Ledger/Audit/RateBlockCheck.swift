/// Checks the store's block summaries (`StoredRateBlock`) against the rows the audit
/// streams, in step order: each block's rows are reduced as they pass and compared with
/// its stored summary when the scan leaves the block.
///
/// A wrong summary would make a chart hide or invent values, so it is a finding; a
/// missing one is not (the series then reads the block's rows). Rows inserted with SQL
/// around the ledger's rules leave their block's summary behind: this is where that shows.
///
/// ```swift
/// var check = RateBlockCheck(stored: try tx.rateBlocks(runID: id, from: .min, to: .max))
/// for row in rows { check.row(step: row.step, rate: row.rate, loss: row.loss) }
/// check.finish()   // then check.findings
/// ```
struct RateBlockCheck {
    /// The stored summaries, by block.
    private let stored: [StoredRateBlock]
    /// The next stored summary not compared yet.
    private var next = 0
    /// The rows of the block the scan is in, when `inBlock`.
    private var current = StoredRateBlock(step: 0, rate: 0, loss: nil)
    private var inBlock = false
    private(set) var findings = FindingCollector()

    init(stored: [StoredRateBlock]) {
        self.stored = stored
    }

    /// The next row, in step order.
    @inline(__always)
    mutating func row(step: Int64, rate: Double, loss: Double?) {
        if inBlock, current.block == StoredRateBlock.block(of: step) {
            current.add(step: step, rate: rate, loss: loss)
        } else {
            finishBlock()
            current = StoredRateBlock(step: step, rate: rate, loss: loss)
            inBlock = true
        }
    }

    /// Compares the last block and reports stored summaries of blocks without rows.
    mutating func finish() {
        finishBlock()
        while next < stored.count {
            reportEmpty(stored[next])
            next += 1
        }
    }

    private mutating func finishBlock() {
        guard inBlock else { return }
        let rows = current
        inBlock = false
        while next < stored.count, stored[next].block < rows.block {
            reportEmpty(stored[next])
            next += 1
        }
        guard next < stored.count, stored[next].block == rows.block else { return }
        let summary = stored[next]
        next += 1
        if !summary.agrees(with: rows) {
            findings.add(
                .rateSummaryMismatch, step: StoredRateBlock.firstStep(of: rows.block),
                "the rate summary of steps \(Self.range(rows.block)) disagrees with the rows (summary: \(Self.describe(summary)); rows: \(Self.describe(rows))): rows were written around lrledger, and charts of this range may show the summary"
            )
        }
    }

    private mutating func reportEmpty(_ summary: StoredRateBlock) {
        findings.add(
            .rateSummaryMismatch, step: StoredRateBlock.firstStep(of: summary.block),
            "the rate summary of steps \(Self.range(summary.block)) describes \(Self.describe(summary)), but the history has no row there"
        )
    }

    private static func range(_ block: Int64) -> String {
        let first = StoredRateBlock.firstStep(of: block)
        return "\(first)–\(first + StoredRateBlock.stepsPerBlock - 1)"
    }

    private static func describe(_ block: StoredRateBlock) -> String {
        var text =
            "\(block.count) rows, steps \(block.firstStep)–\(block.lastStep), rates \(block.minRate)–\(block.maxRate)"
        if let low = block.minLoss, let high = block.maxLoss { text += ", losses \(low)–\(high)" }
        return text
    }
}
