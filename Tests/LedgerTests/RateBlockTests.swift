import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

/// The block summaries behind `Ledger.series`: kept by the writer, checked by the audit,
/// and never making the series differ from the rows. Every expected value comes from a
/// plain loop over the rates the test logged (`Logged`), with the bucket rule of
/// `SeriesBucket.width(from:to:buckets:)` written out again from its documentation.
@Suite("Rate blocks")
struct RateBlockTests {
    /// What a test logged and the history keeps: step to rate and loss.
    struct Logged {
        var rows: [Int64: (rate: Double, loss: Double?)] = [:]

        /// Logs `steps` through `writer` with `rate(step)` and records them.
        mutating func log(
            _ writer: RunWriter, _ steps: some Sequence<Int64>, rate: (Int64) -> Double = docRate,
            loss: ((Int64) -> Double)? = nil
        ) {
            for step in steps {
                let value = (rate(step), loss?(step))
                writer.log(step: step, rate: value.0, loss: value.1)
                rows[step] = value
            }
        }

        /// A resume from `step` moved the rows at or past it out of the history.
        mutating func rewind(to step: Int64) {
            rows = rows.filter { $0.key < step }
        }

        /// The documented layout: under 1,024 steps a bucket, the least width from
        /// `from`; otherwise multiples of 1,024 from `from` rounded down to one.
        static func layout(from: Int64, to: Int64, buckets: Int64) -> (origin: Int64, width: Int64) {
            let least = max(1, (to - from + 1 + buckets - 1) / buckets)
            if least < 1024 { return (from, least) }
            let origin = from / 1024 * 1024
            let aligned = (to - origin + 1 + buckets - 1) / buckets
            return (origin, (aligned + 1023) / 1024 * 1024)
        }

        /// The buckets of `from...to`, by a loop over the logged rows.
        func series(from: Int64, to: Int64, buckets: Int64) -> [SeriesBucket] {
            let (origin, width) = Self.layout(from: from, to: to, buckets: buckets)
            var grouped: [Int64: [Int64]] = [:]
            for step in rows.keys where step >= from && step <= to {
                grouped[(step - origin) / width, default: []].append(step)
            }
            return grouped.keys.sorted().map { index in
                let steps = grouped[index]!
                let rates = steps.map { rows[$0]!.rate }
                let losses = steps.compactMap { rows[$0]!.loss }
                return SeriesBucket(
                    index: index, firstStep: steps.min()!, lastStep: steps.max()!, count: Int64(steps.count),
                    minRate: rates.min()!, maxRate: rates.max()!, minLoss: losses.min(), maxLoss: losses.max())
            }
        }

        /// Each block's summary, by a loop over the logged rows.
        func blocks() -> [Int64: (count: Int64, first: Int64, last: Int64, minRate: Double, maxRate: Double)] {
            var result: [Int64: (count: Int64, first: Int64, last: Int64, minRate: Double, maxRate: Double)] = [:]
            for (step, value) in rows {
                let block = step / 1024
                if let old = result[block] {
                    result[block] = (
                        old.count + 1, min(old.first, step), max(old.last, step), min(old.minRate, value.rate),
                        max(old.maxRate, value.rate)
                    )
                } else {
                    result[block] = (1, step, step, value.rate, value.rate)
                }
            }
            return result
        }
    }

    /// Ranges and bucket counts that make wide buckets (from summaries) and narrow ones
    /// (from rows), aligned and not.
    static func cases(last: Int64) -> [(Int64, Int64, Int64)] {
        [
            (0, last, 1), (0, last, 3), (0, last, 7), (5, last, 2), (1000, last - 3, 4), (2047, 9000, 3),
            (0, last, 2000), (1030, 1500, 10), (4000, 6000, 1), (5000, 5000, 1), (3000, last + 5000, 5),
        ]
    }

    /// The summaries the store holds, as the test's tuples.
    static func storedBlocks(_ ledger: Ledger, _ run: String) throws
        -> [Int64: (count: Int64, first: Int64, last: Int64, minRate: Double, maxRate: Double)]
    {
        try ledger.store.read("read the blocks") { tx in
            let runID = try #require(try tx.run(named: run)).id
            var result: [Int64: (count: Int64, first: Int64, last: Int64, minRate: Double, maxRate: Double)] = [:]
            for block in try tx.rateBlocks(runID: runID, from: .min, to: .max) {
                result[block.block] = (block.count, block.firstStep, block.lastStep, block.minRate, block.maxRate)
            }
            return result
        }
    }

    static func expectSameBlocks(_ ledger: Ledger, _ run: String, _ logged: Logged) throws {
        let stored = try storedBlocks(ledger, run)
        let expected = logged.blocks()
        #expect(stored.keys.sorted() == expected.keys.sorted())
        for (block, value) in expected {
            let summary = try #require(stored[block])
            #expect(
                summary.count == value.count && summary.first == value.first && summary.last == value.last
                    && summary.minRate == value.minRate && summary.maxRate == value.maxRate, "block \(block)")
        }
    }

    static func expectSeries(_ ledger: Ledger, _ run: String, _ logged: Logged, last: Int64) throws {
        for (from, to, buckets) in cases(last: last) {
            let series = try ledger.series(run: run, from: from, to: to, buckets: Int(buckets))
            #expect(series == logged.series(from: from, to: to, buckets: buckets), "\(from)...\(to) in \(buckets)")
            #expect(series.count <= buckets)
        }
    }

    @Test("the series equals a loop over the logged rates through a rewind and a schedule change, from summaries")
    func seriesThroughRewindsAndScheduleChanges() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        var logged = Logged()
        let first = try ledger.attach(try request("demo"))
        logged.log(first, 0..<5000, loss: { 1.0 / Double($0 + 1) })
        try first.commit(step: 5000, state: stepState(5000))
        // Rows past the checkpoint: the resume moves them to the audit trail.
        logged.log(first, 5000..<7300)
        try first.commit(step: 7300, state: nil)
        try first.close(reason: .interrupted)

        let resumed = try ledger.attach(try request("demo"))
        #expect(resumed.resumeStep == 5000)
        logged.rewind(to: 5000)
        try Self.expectSameBlocks(ledger, "demo", logged)
        logged.log(resumed, 5000..<9000, loss: { Double($0 % 17) })
        try resumed.commit(step: 9000, state: stepState(9000))
        try resumed.close(reason: .interrupted)

        let other = try InverseTimeDecay(
            initialLearningRate: 0.05, decaySteps: .float(10), decayRate: .float(0.5), staircase: true)
        var change = try request("demo", schedule: other)
        change.allowScheduleChange = true
        let changed = try ledger.attach(change)
        logged.log(changed, stride(from: 9000, to: 12_000, by: 3), rate: { other.rate(at: $0) })
        try changed.commit(step: 12_000, state: stepState(12_000))
        try changed.close(reason: .finished)

        try Self.expectSameBlocks(ledger, "demo", logged)
        let reader = try Ledger.openReadOnly(path: path)
        try Self.expectSeries(reader, "demo", logged, last: 11_999)
        #expect(try reader.audit(run: "demo").isClean)
    }

    @Test("a rate changed with SQL shows in the series at once, and its block's summary is dropped")
    func updatedRowShows() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        var logged = Logged()
        let writer = try ledger.attach(try request("demo"))
        logged.log(writer, 0..<5000)
        try writer.commit(step: 5000, state: stepState(5000))
        try writer.close(reason: .finished)

        let result = try sqlite3(
            path, "UPDATE rate_log SET rate = 7.5 WHERE step = 2500; DELETE FROM rate_log WHERE step = 4100")
        #expect(result.status == 0, "\(result.stderr)")
        logged.rows[2500] = (7.5, nil)
        logged.rows[4100] = nil

        let reader = try Ledger.openReadOnly(path: path)
        try Self.expectSeries(reader, "demo", logged, last: 4999)
        let whole = try reader.series(run: "demo", from: 0, to: 4999, buckets: 1)
        #expect(whole.first?.maxRate == 7.5)
        #expect(whole.first?.count == 4999)
        let stored = try Self.storedBlocks(reader, "demo")
        #expect(stored[2] == nil && stored[4] == nil)
        #expect(stored.keys.sorted() == [0, 1, 3])
        // The audit finds the edit itself, not the summary: a missing summary is no finding.
        let kinds = Set(try reader.audit(run: "demo").findings.map(\.kind))
        #expect(kinds.contains(.rateMismatch))
        #expect(!kinds.contains(.rateSummaryMismatch))
    }

    @Test(
        "the writer's own deletes keep the triggers off only while they run: an edit on its connection after drops the block"
    )
    func triggersBackOnAfterRewind() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        var logged = Logged()
        let first = try ledger.attach(try request("demo"))
        logged.log(first, 0..<3000)
        try first.commit(step: 3000, state: stepState(3000))
        logged.log(first, 3000..<3500)
        try first.commit(step: 3500, state: nil)
        try first.close(reason: .interrupted)
        let resumed = try ledger.attach(try request("demo"))  // removes steps 3000..<3500 itself
        logged.rewind(to: 3000)
        try Self.expectSameBlocks(ledger, "demo", logged)
        try ledger.store.write("edit a row") { tx in
            try #require(tx as? SQLiteTransaction).db.execute(sql: "UPDATE rate_log SET rate = 7 WHERE step = 10")
        }
        #expect(try Self.storedBlocks(ledger, "demo").keys.sorted() == [1, 2])
        try resumed.close(reason: .interrupted)
    }

    @Test("a row inserted with SQL around the writer is an audit finding naming the block's steps")
    func insertedRowFound() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("demo"))
        var logged = Logged()
        logged.log(writer, stride(from: 0, to: 5000, by: 2))
        try writer.commit(step: 5000, state: stepState(5000))
        try writer.close(reason: .finished)
        #expect(try ledger.audit(run: "demo").isClean)

        let result = try sqlite3(path, "INSERT INTO rate_log (run_id, step, rate) VALUES (1, 2501, 9.0)")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Ledger.openReadOnly(path: path).audit(run: "demo")
        let finding = try #require(report.findings.first { $0.kind == .rateSummaryMismatch })
        #expect(finding.step == 2048)
        #expect(finding.message.hasPrefix("the rate summary of steps 2048–3071 disagrees with the rows"))
        #expect(finding.message.contains("512 rows") && finding.message.contains("513 rows"))

        // A summary edited with SQL is found the same way.
        let edited = try sqlite3(path, "UPDATE rate_block SET max_rate = 0.5 WHERE block = 0")
        #expect(edited.status == 0, "\(edited.stderr)")
        let again = try Ledger.openReadOnly(path: path).audit(run: "demo")
        #expect(again.findings.filter { $0.kind == .rateSummaryMismatch }.map(\.step) == [0, 2048])
    }

    @Test("a one-step spike in a million-step run shows at every bucket count, read from summaries")
    func spikeInLargeRun() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("big", target: 1_000_000))
        let spike: Int64 = 777_777
        let dip: Int64 = 12_345
        var rates: [Double] = []
        rates.reserveCapacity(1_000_000)
        for start in stride(from: Int64(0), to: 1_000_000, by: 100_000) {
            for step in start..<start + 100_000 {
                let rate = step == spike ? 9.5 : step == dip ? -2.0 : docRate(step)
                writer.log(step: step, rate: rate)
                rates.append(rate)
            }
            try writer.commit(step: start + 100_000, state: stepState(start + 100_000))
        }
        try writer.close(reason: .finished)
        let reader = try Ledger.openReadOnly(path: path)
        for buckets in [1, 2, 7, 100, 333, 2000] {
            let series = try reader.series(run: "big", from: 0, to: 999_999, buckets: buckets)
            let (origin, width) = Logged.layout(from: 0, to: 999_999, buckets: Int64(buckets))
            let holding = try #require(series.first { $0.firstStep <= spike && spike <= $0.lastStep })
            #expect(holding.maxRate == 9.5, "\(buckets) buckets")
            #expect(holding.index == (spike - origin) / width)
            let lowest = try #require(series.first { $0.firstStep <= dip && dip <= $0.lastStep })
            #expect(lowest.minRate == -2.0)
            #expect(series.reduce(0) { $0 + $1.count } == 1_000_000)
            // Every bucket against a loop over its steps.
            for bucket in series {
                let steps =
                    Int(
                        max(0, origin + bucket.index * width))..<Int(
                        min(999_999, origin + (bucket.index + 1) * width - 1) + 1)
                #expect(bucket.minRate == rates[steps].min() && bucket.maxRate == rates[steps].max())
                #expect(bucket.firstStep == Int64(steps.lowerBound) && bucket.lastStep == Int64(steps.upperBound - 1))
            }
        }
    }

    @Test("a ledger made before block summaries is served from its rows, and its first write adds them")
    func ledgerBeforeSummaries() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        var logged = Logged()
        do {
            let ledger = try Ledger(path: path)
            let writer = try ledger.attach(try request("old"))
            logged.log(writer, 0..<6000, loss: { Double($0 % 5) })
            try writer.commit(step: 6000, state: stepState(6000))
            try writer.close(reason: .interrupted)
            try ledger.close()
        }
        // The file as lrledger made it before migration 0006.
        let downgrade = try sqlite3(
            path,
            """
            DROP TRIGGER rate_log_update_drops_block; DROP TRIGGER rate_log_delete_drops_block; DROP TABLE rate_block;
            DELETE FROM grdb_migrations WHERE identifier = '0006_rate_blocks';
            DELETE FROM lrledger_migration WHERE identifier = '0006_rate_blocks';
            """)
        #expect(downgrade.status == 0, "\(downgrade.stderr)")

        let reader = try Ledger.openReadOnly(path: path)
        try Self.expectSeries(reader, "old", logged, last: 5999)
        #expect(try reader.audit(run: "old").isClean)
        try reader.close()

        // The first write migrates: the summaries of the rows logged before are added.
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("old"))
        logged.log(writer, 6000..<7000)
        try writer.commit(step: 7000, state: stepState(7000))
        try writer.close(reason: .finished)
        try Self.expectSameBlocks(ledger, "old", logged)
        try Self.expectSeries(try Ledger.openReadOnly(path: path), "old", logged, last: 6999)
    }

    @Test("an imported run that restarted keeps summaries equal to its history")
    func importedRun() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        var logged = Logged()
        // 0..<4000, then a restart at 2500 (the later values replace the earlier), on to 6000.
        var records: [(Int64, Double)] = (0..<4000).map { ($0, 0.1) }
        records += (2500..<6000).map { ($0, 0.2) }
        for (step, rate) in records { logged.rows[step] = (rate, nil) }
        let source = ImportSource(format: "csv", path: "rows.csv", series: "lr", precision: .decimal)
        _ = try ledger.importRun("imported", schedule: try ScheduleCodec.decode("0.1"), source: source) { emit in
            for (step, rate) in records { try emit(ImportedRecord(step: step, rate: rate, wallTime: nil)) }
        }
        try Self.expectSameBlocks(ledger, "imported", logged)
        try Self.expectSeries(ledger, "imported", logged, last: 5999)
        #expect(!(try ledger.audit(run: "imported").findings.contains { $0.kind == .rateSummaryMismatch }))
    }

    @Test("bucket layout: least width under 1,024 steps, multiples of 1,024 from a block boundary above")
    func layoutRule() {
        #expect(SeriesBucket.width(from: 0, to: 9_999_999, buckets: 2000) == 5120)
        #expect(SeriesBucket.origin(from: 0, to: 9_999_999, buckets: 2000) == 0)
        #expect(SeriesBucket.width(from: 5000, to: 9_999_999, buckets: 2000) == 5120)
        #expect(SeriesBucket.origin(from: 5000, to: 9_999_999, buckets: 2000) == 4096)
        #expect(SeriesBucket.width(from: 0, to: 99_999, buckets: 2000) == 50)
        #expect(SeriesBucket.origin(from: 7, to: 99_999, buckets: 2000) == 7)
        #expect(SeriesBucket.width(from: 0, to: 10, buckets: 2000) == 1)
        #expect(SeriesBucket.width(from: 0, to: Int64.max, buckets: 2000) > 0)
        #expect(SeriesBucket.width(from: 0, to: Int64.max, buckets: 1) > 0)
        for (from, to, buckets) in [(0, 9_999_999, 2000), (5000, 9_999_999, 1999), (1023, 3_000_000, 7), (3, 2047, 2)] {
            let expected = Logged.layout(from: Int64(from), to: Int64(to), buckets: Int64(buckets))
            let width = SeriesBucket.width(from: Int64(from), to: Int64(to), buckets: buckets)
            let origin = SeriesBucket.origin(from: Int64(from), to: Int64(to), buckets: buckets)
            #expect(width == expected.width && origin == expected.origin, "\(from)...\(to) in \(buckets)")
            #expect((Int64(to) - origin) / width + 1 <= Int64(buckets))
        }
    }
}
