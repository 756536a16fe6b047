/// Names the places where an imported run's logged rates left its schedule, from the
/// rates alone: pure rules, no storage, fed one source row at a time.
///
/// Rows come in source order, each with its step, the rate logged and, when the same step
/// was logged before, the rate logged then. All rates (and `rate(at:)`) are already at the
/// precision of the comparison. A row that matches its step's rate is fine. Mismatches are
/// grouped over consecutive rows of the source and classified, first rule that fits:
///
/// 1. **logged twice**: the step was logged before with a different rate;
/// 2. **restarted at the initial value**: the rate is the schedule's rate at step 0 (at a
///    step > 0), and the rows after it follow the schedule from 0 again: the rate at step
///    `s` is `rate(at: s - start)`;
/// 3. **shifted by k**: the rate is the schedule's rate at `step + k` for one k with
///    0 < |k| <= `maximumShift` (the smallest |k|, later steps first), the same k for the
///    whole group;
/// 4. **wrong**: anything else; consecutive wrong rows make one departure.
///
/// ```swift
/// var diagnosis = ImportedRateDiagnosis { step in schedule.rate(at: step) }
/// for row in rows { departures += diagnosis.observe(step: row.step, logged: row.rate, earlier: row.earlier) }
/// departures += diagnosis.finish()
/// ```
public struct ImportedRateDiagnosis {
    /// The largest shift looked for.
    public static let maximumShift: Int64 = 16

    private enum Pattern: Equatable {
        case restart(start: Int64)
        case shift(Int64)
        case twice
        case wrong
    }

    private struct Group {
        var pattern: Pattern
        var from: Int64
        var through: Int64
        var rows: Int64
        var logged: Double
        var earlier: Double
        var expected: Double
    }

    private let rate: (Int64) -> Double
    private var group: Group?

    /// - parameter rate: the schedule's rate at a step, at the comparison's precision.
    public init(rate: @escaping (Int64) -> Double) {
        self.rate = rate
    }

    /// Takes the next row of the source.
    ///
    /// - parameter step: the step logged.
    /// - parameter logged: the rate logged.
    /// - parameter earlier: the rate logged at the same step the last time before, if any.
    /// - returns: the departures this row closed (usually none).
    public mutating func observe(step: Int64, logged: Double, earlier: Double?) -> [ImportedDeparture] {
        let expected = rate(step)
        let pattern: Pattern
        if let earlier, earlier != logged {
            pattern = .twice
        } else if logged == expected {
            return finish()
        } else if let group, group.pattern != .twice, step > group.through, fits(group.pattern, step, logged) {
            self.group?.through = step
            self.group?.rows += 1
            return []
        } else {
            pattern = classify(step, logged)
        }
        var closed: [ImportedDeparture] = []
        if let group, pattern == .twice, group.pattern == .twice, step == group.through + 1 {
            self.group?.through = step
            self.group?.rows += 1
            return []
        }
        if group != nil { closed = finish() }
        group = Group(
            pattern: pattern, from: step, through: step, rows: 1, logged: logged, earlier: earlier ?? logged,
            expected: expected)
        return closed
    }

    /// Closes the open group, if any.
    ///
    /// - returns: its departure.
    public mutating func finish() -> [ImportedDeparture] {
        guard let group else { return [] }
        self.group = nil
        switch group.pattern {
        case .restart:
            return [
                .restartedAtInitialValue(
                    from: group.from, through: group.through, rows: group.rows, initial: group.logged,
                    expected: group.expected)
            ]
        case .shift(let k):
            return [.shifted(from: group.from, through: group.through, rows: group.rows, by: k)]
        case .twice:
            return [
                .loggedTwice(
                    from: group.from, through: group.through, rows: group.rows, first: group.earlier,
                    second: group.logged, expected: group.expected)
            ]
        case .wrong:
            return [
                .wrong(
                    from: group.from, through: group.through, rows: group.rows, logged: group.logged,
                    expected: group.expected)
            ]
        }
    }

    // MARK: - Rules

    private func classify(_ step: Int64, _ logged: Double) -> Pattern {
        if step > 0, logged == rate(0) { return .restart(start: step) }
        for distance in 1...Self.maximumShift {
            if logged == rate(step + distance) { return .shift(distance) }
            if step - distance >= 0, logged == rate(step - distance) { return .shift(-distance) }
        }
        return .wrong
    }

    private func fits(_ pattern: Pattern, _ step: Int64, _ logged: Double) -> Bool {
        switch pattern {
        case .restart(let start): logged == rate(step - start)
        case .shift(let k): step + k >= 0 && logged == rate(step + k)
        case .twice: false
        case .wrong: classify(step, logged) == .wrong
        }
    }
}
