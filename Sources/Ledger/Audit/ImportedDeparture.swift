import Schedules

/// One place where an imported run's logged rates left its schedule, as
/// `ImportedRateDiagnosis` classifies it.
///
/// Steps are the source's; rates are at the precision the audit compared at.
public enum ImportedDeparture: Sendable, Hashable {
    /// From `from`, the logged rate started over at the schedule's initial value, and
    /// followed the schedule from step 0 again through `through`: the optimizer's step
    /// counter was lost on a resume (Keras `fit(initial_epoch=...)` with a new optimizer).
    case restartedAtInitialValue(from: Int64, through: Int64, rows: Int64, initial: Double, expected: Double)
    /// Steps `from` through `through` each logged the schedule's rate for step + `by`: a
    /// logger that read the rate after the update (the next step's) or before a resume's
    /// counter was restored.
    case shifted(from: Int64, through: Int64, rows: Int64, by: Int64)
    /// Steps `from` through `through` were each logged again with a rate different from the
    /// one logged before (shown for the first: `first`, then `second`).
    case loggedTwice(from: Int64, through: Int64, rows: Int64, first: Double, second: Double, expected: Double)
    /// Steps `from` through `through` logged rates that are not the schedule's, nor one of
    /// the patterns above (shown for the first: `logged`, the schedule `expected`).
    case wrong(from: Int64, through: Int64, rows: Int64, logged: Double, expected: Double)

    /// The first step concerned.
    public var step: Int64 {
        switch self {
        case .restartedAtInitialValue(let from, _, _, _, _), .shifted(let from, _, _, _),
            .loggedTwice(let from, _, _, _, _, _), .wrong(let from, _, _, _, _):
            from
        }
    }

    /// The audit finding's kind.
    public var kind: AuditFinding.Kind {
        switch self {
        case .restartedAtInitialValue: .rateRestarted
        case .shifted: .stepsShifted
        case .loggedTwice: .loggedTwice
        case .wrong: .rateMismatch
        }
    }

    /// One line naming the steps and the rates, with rates printed in `dtype`.
    public func message(dtype: DType) -> String {
        func rate(_ value: Double) -> String { RateText.string(value, dtype: dtype) }
        func steps(_ from: Int64, _ through: Int64) -> String {
            from == through ? "step \(from)" : "steps \(from)-\(through)"
        }
        func count(_ rows: Int64) -> String { "\(rows) logged rate\(rows == 1 ? "" : "s")" }
        switch self {
        case .restartedAtInitialValue(let from, let through, let rows, let initial, let expected):
            return
                "from step \(from) the rate restarted at the initial value \(rate(initial)); the schedule gives \(rate(expected)) there: the step counter was lost on resume (\(count(rows)), \(steps(from, through)), follow the schedule from step 0)"
        case .shifted(let from, let through, let rows, let by):
            let distance = abs(by) == 1 ? "one step" : "\(abs(by)) steps"
            let direction = by > 0 ? "later" : "earlier"
            return
                "\(steps(from, through)) shifted by \(distance): \(rows == 1 ? "it" : "each of \(count(rows))") logged the rate the schedule gives \(distance) \(direction)"
        case .loggedTwice(let from, let through, let rows, let first, let second, let expected):
            let which = rows == 1 ? "" : " (\(rows) rows; step \(from):"
            return
                "\(steps(from, through)) logged twice with different rates\(which.isEmpty ? ":" : which) first \(rate(first)), then \(rate(second)); the schedule gives \(rate(expected))\(which.isEmpty ? "" : ")")"
        case .wrong(let from, let through, let rows, let logged, let expected):
            if rows == 1 {
                return "step \(from): logged rate \(rate(logged)) but the schedule gives \(rate(expected))"
            }
            return
                "\(steps(from, through)): \(count(rows)) differ from the schedule (step \(from) logged \(rate(logged)), the schedule gives \(rate(expected)))"
        }
    }
}
