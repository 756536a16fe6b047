/// The floating-point type a schedule computes in, as Keras's schedule output dtype.
///
/// A plain Python float for `initial_learning_rate` makes Keras compute in float32,
/// so `.float32` is the default everywhere. `.float64` matches a schedule whose
/// initial rate was passed as a float64 tensor.
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case float32
    case float64

    public var description: String { rawValue }

    /// Parses `float32` or `float64`, naming the accepted values when the text is neither.
    public init(parsing text: String) throws {
        guard let value = DType(rawValue: text) else {
            throw ScheduleError(
                .invalidValue, field: "dtype", "dtype must be float32 or float64, got '\(text)'")
        }
        self = value
    }

    /// Rounds `value` to this dtype: exact for float64, one IEEE rounding for float32.
    @inlinable
    public func round(_ value: Double) -> Double {
        switch self {
        case .float32: Double(Float(value))
        case .float64: value
        }
    }
}
