/// A number from a Keras config, remembering whether it was written as an integer.
///
/// Keras treats `1` and `1.0` differently: on TensorFlow a Python int converts to a
/// float dtype exactly, while a Python float used as a float64 hyper-parameter is
/// first rounded to float32. Keeping the kind lets lrledger follow the same rules and
/// write the config back as it was read.
public enum KerasNumber: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case float(Double)

    /// The value as a double, before any dtype rounding.
    public var doubleValue: Double {
        switch self {
        case .int(let value): Double(value)
        case .float(let value): value
        }
    }

    /// The value a TensorFlow-backed Keras schedule computes with when it casts this
    /// hyper-parameter to `dtype`.
    ///
    /// - float32: one rounding from the written value.
    /// - float64: an integer converts directly; a fractional number is rounded to
    ///   float32 first and then widened, as `tf.cast` of a Python float does.
    public func castValue(in dtype: DType) -> Double {
        switch (self, dtype) {
        case (.int(let value), .float32): Double(Float(value))
        case (.int(let value), .float64): Double(value)
        case (.float(let value), _): Double(Float(value))
        }
    }

    /// The JSON text of the number: integers plainly, floats as the shortest text that
    /// reads back to the same double, always with a `.` or an exponent.
    public var description: String {
        switch self {
        case .int(let value): String(value)
        case .float(let value): value.description
        }
    }

    var jsonValue: JSONValue {
        .number(JSONNumber(literal: description))
    }
}

extension KerasNumber {
    /// Parses a number as a user types it on a command line, with JSON's rules: a token
    /// with a `.` or an exponent is a float, any other an integer.
    ///
    /// - parameter field: the config key, for the error message.
    /// - throws: `ScheduleError` naming the field and the token.
    public init(parsing token: String, field: String) throws {
        let number = JSONNumber(literal: token)
        let isNumber = (try? JSONValue(parsing: token)).map { if case .number = $0 { true } else { false } } ?? false
        guard isNumber, !token.contains(where: \.isWhitespace) else {
            throw ScheduleError(.wrongType, field: field, "\(field) must be a number, got '\(token)'")
        }
        if number.isFractional {
            self = .float(number.doubleValue)
        } else if let value = number.int64Value {
            self = .int(value)
        } else {
            throw ScheduleError(.invalidValue, field: field, "\(field) is out of range, got \(token)")
        }
    }
}
