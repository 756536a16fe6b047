import Dashboard
import Foundation
import HummingbirdTesting
import Ledger
import Testing

struct SeriesTests {
    /// Independent reasoning: every row of the range, grouped by `(step - from) / width`
    /// with the width defined by the API's contract (the least width giving at most
    /// `buckets` buckets), reduced by a plain loop. Valid for buckets under 1,024 steps,
    /// which start at `from` (wider ones fall on multiples of 1,024: LedgerTests'
    /// RateBlockTests check those).
    static func bruteForce(_ ledger: Ledger, run: String, from: Int64, to: Int64, buckets: Int64) throws
        -> [SeriesBucket]
    {
        let span = to - from + 1
        let width = max(1, (span + buckets - 1) / buckets)
        var grouped: [Int64: [RateRow]] = [:]
        try ledger.history(run: run, from: from, to: to) { grouped[($0.step - from) / width, default: []].append($0) }
        return grouped.keys.sorted().map { index in
            let rows = grouped[index]!
            let losses = rows.compactMap(\.loss)
            return SeriesBucket(
                index: index, firstStep: rows.map(\.step).min()!, lastStep: rows.map(\.step).max()!,
                count: Int64(rows.count), minRate: rows.map(\.rate).min()!, maxRate: rows.map(\.rate).max()!,
                minLoss: losses.min(), maxLoss: losses.max())
        }
    }

    @Test("buckets equal a brute-force min/max over the rows, for ranges that divide evenly and not")
    func matchesBruteForce() throws {
        let test = try TestLedger()
        // A gap (steps 300..<320 never logged) and a restart.
        try test.makeRun("alpha", segments: [(0..<300, .crashed), (320..<1000, .finished)], override: [777: 3.0])
        let ledger = try test.readOnly()
        let cases: [(Int64, Int64, Int)] = [
            (0, 999, 2000), (0, 999, 7), (0, 999, 1), (13, 871, 10), (290, 330, 3), (500, 500, 5), (990, 5000, 4),
            (0, 999, 999), (1001, 2000, 10),
        ]
        for (from, to, buckets) in cases {
            let series = try ledger.series(run: "alpha", from: from, to: to, buckets: buckets)
            let expected = try Self.bruteForce(ledger, run: "alpha", from: from, to: to, buckets: Int64(buckets))
            #expect(series == expected, "from \(from) to \(to) in \(buckets)")
            #expect(series.count <= buckets)
        }
    }

    @Test("a one-step spike survives bucketing at every bucket count")
    func spikeSurvives() throws {
        let test = try TestLedger()
        try test.makeRun("spiky", segments: [(0..<20_000, .finished)], override: [12_345: 9.5, 17: -2.0])
        let ledger = try test.readOnly()
        for buckets in [1, 2, 3, 10, 333, 2000] {
            let series = try ledger.series(run: "spiky", from: 0, to: 19_999, buckets: buckets)
            let holding = try #require(series.first { $0.firstStep <= 12_345 && 12_345 <= $0.lastStep })
            #expect(holding.maxRate == 9.5, "\(buckets) buckets")
            #expect(series.map(\.maxRate).max() == 9.5)
            #expect(series.map(\.minRate).min() == -2.0)
            #expect(series.reduce(0) { $0 + $1.count } == 20_000)
        }
    }

    @Test("bucket boundaries depend only on the range and count: the same request gives the same buckets")
    func deterministicBoundaries() throws {
        let test = try TestLedger()
        try test.makeRun("alpha", segments: [(0..<5000, .finished)])
        let ledger = try test.readOnly()
        let first = try ledger.series(run: "alpha", from: 7, to: 4321, buckets: 97)
        let second = try ledger.series(run: "alpha", from: 7, to: 4321, buckets: 97)
        #expect(first == second)
        let width = SeriesBucket.width(from: 7, to: 4321, buckets: 97)
        #expect(width == 45)  // 4315 steps in 97 buckets: 44.48..., rounded up
        for bucket in first {
            #expect(bucket.firstStep >= 7 + bucket.index * width)
            #expect(bucket.lastStep <= 7 + (bucket.index + 1) * width - 1)
            #expect(bucket.count == bucket.lastStep - bucket.firstStep + 1)
        }
        // From 1,024 steps on, widths are multiples of 1,024: 5,000 becomes 5,120.
        #expect(SeriesBucket.width(from: 0, to: 9_999_999, buckets: 2000) == 5120)
        #expect(SeriesBucket.width(from: 0, to: 10, buckets: 2000) == 1)
        #expect(SeriesBucket.width(from: 0, to: Int64.max, buckets: 2000) > 0)
    }

    @Test("the series endpoint answers each bucket's first and last step and min and max rate and loss")
    func endpoint() async throws {
        let test = try TestLedger()
        try test.makeRun("alpha", segments: [(0..<100, .finished)], override: [50: 1.5])
        try await withDashboard(test) { client in
            let response = try await client.execute(uri: "/api/runs/alpha/series?from=0&to=99&buckets=10", method: .get)
            #expect(response.status == .ok)
            let series = try response.object()
            #expect(series["width"] as? Int == 10)
            #expect(series["origin"] as? Int == 0)
            let buckets = try #require(series["buckets"] as? [[String: Any]])
            #expect(buckets.count == 10)
            #expect(buckets[5]["first_step"] as? Int == 50)
            #expect(buckets[5]["last_step"] as? Int == 59)
            struct Bucket: Decodable { let minRate, maxRate, minLoss, maxLoss: Double }
            struct Series: Decodable { let buckets: [Bucket] }
            let exact = try response.decode(Series.self).buckets
            #expect(exact[5].maxRate == 1.5)
            #expect(exact[5].minRate == docRate(59))
            #expect(exact[0].maxLoss == 1.0)
            #expect(exact[0].minLoss == 1.0 / 10)
            // Defaults: the whole committed range in at most 2,000 buckets.
            let whole = try await client.execute(uri: "/api/runs/alpha/series", method: .get).object()
            #expect(whole["from"] as? Int == 0)
            #expect(whole["to"] as? Int == 99)
            #expect((whole["buckets"] as? [Any])?.count == 100)
        }
    }
}
