/// Keras's `PiecewiseConstantDecay`: a constant rate on each interval between boundaries.
///
/// The rate is `values[0]` while `step <= boundaries[0]`, `values[i]` while
/// `boundaries[i - 1] < step <= boundaries[i]`, and the last value after the last boundary.
/// Keras compares in the step's type, casting each boundary to it:
///
/// ```python
/// b = [cast(x, step.dtype) for x in boundaries]   # int step: 2.5 -> 2; float step: float32
/// return values[0] if step <= b[0] else values[-1] if step > b[-1] else
///        values[i] where b[i - 1] < step <= b[i]
/// ```
///
/// An integer step is an int32 or int64 tensor, so a fractional boundary truncates toward
/// zero (`2.5` acts as `2`); a fractional step is float32, so an integer boundary rounds to
/// float32. The value is the dtype's rounding of the written number.
///
/// ```swift
/// let schedule = try PiecewiseConstantDecay(boundaries: [.int(100), .int(200)], values: [1.0, 0.5, 0.1])
/// schedule.rate(at: 100)  // 1.0
/// schedule.rate(at: 101)  // 0.5
/// ```
///
/// Arguments, with the constraints lrledger enforces (stricter than Keras):
/// - `boundaries`: at least one, strictly increasing (Keras adds two values together when
///   they are not), each within the int32 range (Keras casts them to an int32 step).
/// - `values`: one more than `boundaries`, each written as a float, finite and >= 0 in the dtype.
/// - `name`: Keras's name, kept for the config; null allowed.
public struct PiecewiseConstantDecay: LearningRateSchedule, Hashable, KerasConfigHashable {
    public static let className = "PiecewiseConstantDecay"

    public let boundaries: [KerasNumber]
    public let values: [Double]
    public let name: String?
    public let dtype: DType

    /// Each boundary as an integer step compares with it: truncated toward zero.
    @usableFromInline let integerBoundaries: [Int64]
    /// Each boundary as a float32 step compares with it.
    @usableFromInline let floatBoundaries: [Float]
    /// Each value in the dtype, widened exactly to a double.
    @usableFromInline let rates: [Double]

    /// Creates the schedule, validating every argument.
    ///
    /// - throws: `ScheduleError` naming the argument and the value when one is refused.
    public init(
        boundaries: [KerasNumber], values: [Double], name: String? = "PiecewiseConstant", dtype: DType = .float32
    ) throws {
        let reader = ConfigReader(className: Self.className)
        guard !boundaries.isEmpty else {
            throw reader.invalid("boundaries", "must hold at least one boundary, got []")
        }
        guard values.count == boundaries.count + 1 else {
            throw reader.invalid(
                "values",
                "must have \(boundaries.count + 1) entries, one more than boundaries, got \(values.count)"
            )
        }
        for (index, boundary) in boundaries.enumerated() {
            let label = "boundaries[\(index)]"
            guard boundary.doubleValue.isFinite else {
                throw reader.invalid("boundaries", "must be finite, got \(boundary)", label: label)
            }
            // An int32 step compares with the boundary cast to int32: keep that cast exact.
            let inRange: Bool
            switch boundary {
            case .int(let value): inRange = Int64(Int32.min) <= value && value <= Int64(Int32.max)
            case .float(let value): inRange = -0x1p31 <= Float(value) && Float(value) < 0x1p31
            }
            guard inRange else {
                throw reader.invalid(
                    "boundaries", "must be within the int32 range, as Keras casts it to an int32 step, got \(boundary)",
                    label: label)
            }
            if index > 0, !(boundaries[index - 1].doubleValue < boundary.doubleValue) {
                throw reader.invalid(
                    "boundaries",
                    "must be strictly increasing: \(label) is \(boundary) after \(boundaries[index - 1]) (Keras would add two values together)"
                )
            }
        }
        for (index, value) in values.enumerated() {
            try reader.checkRate("values", value, in: dtype, label: "values[\(index)]")
        }
        self.boundaries = boundaries
        self.values = values
        self.name = name
        self.dtype = dtype
        integerBoundaries = boundaries.map { boundary in
            switch boundary {
            case .int(let value): value
            case .float(let value): Int64(Float(value).rounded(.towardZero))
            }
        }
        floatBoundaries = boundaries.map { TensorFlowScalar<Float>(cast: $0).value }
        rates = values.map { value in
            let rate =
                switch dtype {
                case .float32: TensorFlowScalar<Float>(literal: value).double
                case .float64: TensorFlowScalar<Double>(literal: value).double
                }
            // Keras sums `0 + 1 * value` (and zeros for the other intervals): a zero is +0.
            return rate == 0 ? 0 : rate
        }
    }

    public init(kerasConfig config: JSONObject, dtype: DType) throws {
        var reader = ConfigReader(className: Self.className, config: config)
        let boundaries = try reader.numbers("boundaries")
        let values = try reader.numbers("values")
        let name = try reader.name(default: "PiecewiseConstant")
        try reader.finish()
        let floats = try values.enumerated().map { index, value in
            guard case .float(let float) = value else {
                throw reader.invalid(
                    "values",
                    "must be written as floats (\(value).0, not \(value)): with integer values Keras computes in integers",
                    label: "values[\(index)]")
            }
            return float
        }
        try self.init(boundaries: boundaries, values: floats, name: name, dtype: dtype)
    }

    public var kerasConfig: JSONObject {
        JSONObject([
            ("boundaries", .array(boundaries.map(\.jsonValue))),
            ("values", .array(values.map { KerasNumber.float($0).jsonValue })),
            ("name", name.map(JSONValue.string) ?? .null),
        ])
    }

    @inlinable
    public func rate(at step: Int64) -> Double {
        rates[integerBoundaries.partitioningIndex { step <= $0 }]
    }

    @inlinable
    public func rate(atFractionalStep step: Double) -> Double {
        let single = TensorFlowScalar<Float>(fractionalStep: step).value
        return rates[floatBoundaries.partitioningIndex { single <= $0 }]
    }
}

extension Array {
    /// The index of the first element that satisfies `predicate`, or `count` when none does;
    /// the elements that satisfy it must come after those that do not.
    @inlinable
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = low + (high - low) / 2
            if predicate(self[middle]) {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }
}
