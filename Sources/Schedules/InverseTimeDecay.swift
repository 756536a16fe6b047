/// Keras's `InverseTimeDecay`: a rate that falls as the inverse of time.
///
/// Keras's code evaluates, one IEEE operation at a time in the schedule's dtype (with
/// TensorFlow's flush of subnormal results to zero, see `TensorFlowScalar`):
///
/// ```python
/// p = step / decay_steps            # floor(p) when staircase
/// return initial_learning_rate / (1 + decay_rate * p)
/// ```
///
/// With `staircase`, the rate is constant on `[k * decay_steps, (k + 1) * decay_steps)`.
///
/// ```swift
/// let schedule = try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.5))
/// schedule.rate(at: 2)  // 0.05 in float32
/// ```
///
/// Arguments, with the constraints lrledger enforces (stricter than Keras):
/// - `initialLearningRate`: finite and >= 0 in the dtype.
/// - `decaySteps`: finite and > 0 in the dtype.
/// - `decayRate`: finite and >= 0.
/// - `staircase`: apply the decay in discrete intervals.
/// - `name`: Keras's name, kept for the config; null allowed.
public struct InverseTimeDecay: LearningRateSchedule, Hashable, TensorFlowSchedule {
    public static let className = "InverseTimeDecay"

    public let initialLearningRate: Double
    public let decaySteps: KerasNumber
    public let decayRate: KerasNumber
    public let staircase: Bool
    public let name: String?
    public let dtype: DType

    @usableFromInline let float32: Constants<Float>
    @usableFromInline let float64: Constants<Double>

    /// Creates the schedule, validating every argument.
    ///
    /// - throws: `ScheduleError` naming the argument and the value when one is refused.
    public init(
        initialLearningRate: Double, decaySteps: KerasNumber, decayRate: KerasNumber, staircase: Bool = false,
        name: String? = "InverseTimeDecay", dtype: DType = .float32
    ) throws {
        let reader = ConfigReader(className: Self.className, config: JSONObject())
        let lr = dtype.round(initialLearningRate)
        guard initialLearningRate.isFinite, lr.isFinite else {
            if initialLearningRate.isFinite {
                throw reader.invalid(
                    "initial_learning_rate", "must be finite in \(dtype): \(initialLearningRate) overflows \(dtype)")
            }
            throw reader.invalid("initial_learning_rate", "must be finite, got \(initialLearningRate)")
        }
        guard lr >= 0 else {
            throw reader.invalid("initial_learning_rate", "must be >= 0, got \(initialLearningRate)")
        }
        let steps = try decaySteps.checkedCast("decay_steps", in: dtype, reader: reader)
        guard steps > 0 else {
            if decaySteps.doubleValue > 0 {
                throw reader.invalid("decay_steps", "must be > 0: \(decaySteps) rounds to 0 in float32")
            }
            throw reader.invalid("decay_steps", "must be > 0, got \(decaySteps)")
        }
        let rate = try decayRate.checkedCast("decay_rate", in: dtype, reader: reader)
        guard rate >= 0 else {
            throw reader.invalid("decay_rate", "must be >= 0, got \(decayRate)")
        }
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.decayRate = decayRate
        self.staircase = staircase
        self.name = name
        self.dtype = dtype
        float32 = Constants(Float(initialLearningRate), Float(steps), Float(rate), staircase)
        float64 = Constants(initialLearningRate, steps, rate, staircase)
    }

    public init(kerasConfig config: JSONObject, dtype: DType) throws {
        var reader = ConfigReader(className: Self.className, config: config)
        let initial = try reader.number("initial_learning_rate")
        let decaySteps = try reader.number("decay_steps")
        let decayRate = try reader.number("decay_rate")
        let staircase = try reader.bool("staircase", default: false)
        let name = try reader.name(default: Self.className)
        try reader.finish()
        guard case .float(let initialValue) = initial else {
            throw reader.invalid(
                "initial_learning_rate",
                "must be written as a float (\(initial).0, not \(initial)): with an integer initial rate Keras computes in integers and truncates decay_rate"
            )
        }
        try self.init(
            initialLearningRate: initialValue, decaySteps: decaySteps, decayRate: decayRate, staircase: staircase,
            name: name, dtype: dtype)
    }

    public var kerasConfig: JSONObject {
        JSONObject([
            ("initial_learning_rate", KerasNumber.float(initialLearningRate).jsonValue),
            ("decay_steps", decaySteps.jsonValue),
            ("decay_rate", decayRate.jsonValue),
            ("staircase", .bool(staircase)),
            ("name", name.map(JSONValue.string) ?? .null),
        ])
    }

    /// The hyper-parameters as Keras casts them to one dtype, and Keras's operations on them.
    @usableFromInline
    struct Constants<F: KerasFloat>: ScheduleConstants {
        @usableFromInline let initialLearningRate: F
        @usableFromInline let decaySteps: F
        @usableFromInline let decayRate: F
        @usableFromInline let staircase: Bool

        init(_ initialLearningRate: F, _ decaySteps: F, _ decayRate: F, _ staircase: Bool) {
            self.initialLearningRate = initialLearningRate
            self.decaySteps = decaySteps
            self.decayRate = decayRate
            self.staircase = staircase
        }

        /// Keras's operation order: `lr / (1 + rate * (step / steps))`, floor when staircase,
        /// each operation as TensorFlow's CPU kernels do it (see `TensorFlowScalar`).
        @inlinable
        func rate(_ step: TensorFlowScalar<F>) -> Double {
            var p = step / TensorFlowScalar(decaySteps)
            if staircase { p = p.floor }
            let denominator = TensorFlowScalar(literal: 1) + TensorFlowScalar(decayRate) * p
            return (TensorFlowScalar(initialLearningRate) / denominator).double
        }
    }

    // Equal when built from the same arguments, the initial rate compared by its bits
    // (unlike its siblings, which compare their Keras configs).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.initialLearningRate.bitPattern == rhs.initialLearningRate.bitPattern && lhs.decaySteps == rhs.decaySteps
            && lhs.decayRate == rhs.decayRate && lhs.staircase == rhs.staircase && lhs.name == rhs.name
            && lhs.dtype == rhs.dtype
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(initialLearningRate.bitPattern)
        hasher.combine(decaySteps)
        hasher.combine(decayRate)
        hasher.combine(staircase)
        hasher.combine(name)
        hasher.combine(dtype)
    }
}

extension InverseTimeDecay {
    /// The formula with this schedule's numbers, for people: `0.1 / (1 + 0.5 * step / 1.0)`,
    /// with `floor(step / decay_steps)` when staircase.
    public var formula: String {
        let quotient = staircase ? "floor(step / \(decaySteps))" : "step / \(decaySteps)"
        return "\(KerasNumber.float(initialLearningRate)) / (1 + \(decayRate) * \(quotient))"
    }
}
