/// An optimizer step as a user writes it: an integer, or a fractional number.
///
/// Keras accepts both; a fractional step is rounded to float32 before use.
public enum ScheduleStep: Sendable, Hashable, CustomStringConvertible {
    case integer(Int64)
    case fractional(Double)

    /// Parses a step token: one with a `.` or an exponent is fractional, anything
    /// else an integer from 0 to 2^63-1.
    ///
    /// - throws: `ScheduleError` with code `.invalidStep` naming the token.
    public init(parsing token: String) throws {
        let isFractional = token.contains { $0 == "." || $0 == "e" || $0 == "E" }
        if isFractional {
            guard token.allSatisfy({ "0123456789.eE+-".contains($0) }), let value = Double(token) else {
                throw ScheduleError(.invalidStep, "invalid step '\(token)': expected a number such as 12 or 2.5")
            }
            guard value.isFinite else {
                throw ScheduleError(.invalidStep, "invalid step '\(token)': the number is too large")
            }
            guard value >= 0 else {
                throw ScheduleError(.invalidStep, "invalid step '\(token)': steps are never negative")
            }
            self = .fractional(value)
        } else {
            if token.hasPrefix("-"), Int64(token.dropFirst()) != nil {
                throw ScheduleError(.invalidStep, "invalid step '\(token)': steps are never negative")
            }
            guard !token.isEmpty, token.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw ScheduleError(.invalidStep, "invalid step '\(token)': expected a number such as 12 or 2.5")
            }
            guard let value = Int64(token) else {
                throw ScheduleError(
                    .invalidStep, "invalid step '\(token)': integer steps go up to \(Int64.max)")
            }
            self = .integer(value)
        }
    }

    /// The step as the user wrote it, in its shortest form.
    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .fractional(let value): value.description
        }
    }
}
