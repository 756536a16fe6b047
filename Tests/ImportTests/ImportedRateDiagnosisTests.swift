import Ledger
import Schedules
import Testing

/// The diagnosis rules, without a database: rows in, departures out.
struct ImportedRateDiagnosisTests {
    /// A strictly decreasing schedule, so no two steps share a rate: 1 / (1 + step).
    static func rate(_ step: Int64) -> Double { 1 / (1 + Double(step)) }

    static func diagnose(_ rows: [(Int64, Double)]) -> [ImportedDeparture] {
        var diagnosis = ImportedRateDiagnosis(rate: rate)
        var seen: [Int64: Double] = [:]
        var out: [ImportedDeparture] = []
        for (step, logged) in rows {
            out += diagnosis.observe(step: step, logged: logged, earlier: seen[step])
            seen[step] = logged
        }
        return out + diagnosis.finish()
    }

    static func following(_ steps: ClosedRange<Int64>, _ rate: (Int64) -> Double = rate) -> [(Int64, Double)] {
        steps.map { ($0, rate($0)) }
    }

    @Test("rows that follow the schedule, even logged twice alike after a restart, have no departure")
    func clean() {
        #expect(Self.diagnose(Self.following(0...9) + Self.following(5...19)).isEmpty)
    }

    @Test("a rate that starts over at the initial value while the steps go on is a lost step counter")
    func restartAtInitialValue() {
        let rows = Self.following(0...9) + (10...14).map { ($0, Self.rate($0 - 10)) }
        #expect(
            Self.diagnose(rows) == [
                .restartedAtInitialValue(from: 10, through: 14, rows: 5, initial: 1, expected: Self.rate(10))
            ])
    }

    @Test("rates of the next step over a run of steps are one departure, shifted by one")
    func shiftedByOne() {
        let rows = Self.following(0...4) + (5...8).map { ($0, Self.rate($0 + 1)) } + Self.following(9...12)
        #expect(Self.diagnose(rows) == [.shifted(from: 5, through: 8, rows: 4, by: 1)])
    }

    @Test("rates of an earlier step are shifted by a negative distance")
    func shiftedBack() {
        let rows = Self.following(0...4) + (5...6).map { ($0, Self.rate($0 - 3)) }
        #expect(Self.diagnose(rows) == [.shifted(from: 5, through: 6, rows: 2, by: -3)])
    }

    @Test("a step logged again with a different rate is logged twice, not also wrong")
    func loggedTwice() {
        let rows = Self.following(0...9) + [(7, 0.5)] + Self.following(8...9)
        #expect(
            Self.diagnose(rows) == [
                .loggedTwice(from: 7, through: 7, rows: 1, first: Self.rate(7), second: 0.5, expected: Self.rate(7))
            ])
    }

    @Test("a rate that fits no pattern is wrong; consecutive wrong rows are one departure")
    func plainWrong() {
        let rows = Self.following(0...2) + [(3, 7.0), (4, 8.0)] + Self.following(5...6) + [(7, 9.0)]
        #expect(
            Self.diagnose(rows) == [
                .wrong(from: 3, through: 4, rows: 2, logged: 7, expected: Self.rate(3)),
                .wrong(from: 7, through: 7, rows: 1, logged: 9, expected: Self.rate(7)),
            ])
    }

    @Test("departures read as the audit prints them")
    func messages() {
        let restart = ImportedDeparture.restartedAtInitialValue(
            from: 500_001, through: 500_010, rows: 10, initial: 0.1, expected: 1.9999960e-07)
        #expect(
            restart.message(dtype: .float32)
                == "from step 500001 the rate restarted at the initial value 0.1; the schedule gives 1.999996e-07 there: the step counter was lost on resume (10 logged rates, steps 500001-500010, follow the schedule from step 0)"
        )
        #expect(
            ImportedDeparture.shifted(from: 1200, through: 1263, rows: 64, by: 1).message(dtype: .float32)
                == "steps 1200-1263 shifted by one step: each of 64 logged rates logged the rate the schedule gives one step later"
        )
        #expect(
            ImportedDeparture.loggedTwice(from: 7, through: 7, rows: 1, first: 0.1, second: 0.05, expected: 0.1)
                .message(dtype: .float64)
                == "step 7 logged twice with different rates: first 0.1, then 0.05; the schedule gives 0.1")
    }
}
