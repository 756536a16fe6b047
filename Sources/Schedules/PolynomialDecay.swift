/// Keras's `PolynomialDecay`: a rate that falls from the initial to the end rate along
/// `(1 - step / decay_steps)^power`, optionally starting over every `decay_steps`.
///
/// Keras's code evaluates, one operation at a time in the schedule's dtype, `pow` being
/// the C library's `powf` (float32) or `pow` (float64) as TensorFlow calls it:
///
/// ```python
/// if cycle:
///     multiplier = 1.0 if step == 0 else ceil(step / decay_steps)
///     decay_steps = decay_steps * multiplier
/// else:
///     step = min(step, decay_steps)
/// p = step / decay_steps
/// return (initial_learning_rate - end_learning_rate) * pow(1 - p, power) + end_learning_rate
/// ```
///
/// Without `cycle` the rate stays at `end_learning_rate` after `decay_steps`. With it, the
/// decay restarts from the first multiple of `decay_steps` at or above the step. (In the
/// ceiling, a fractional `decay_steps` keeps its full double value in float64, while the
/// other uses round it through float32, as Keras's code does.)
///
/// ```swift
/// let schedule = try PolynomialDecay(initialLearningRate: 0.1, decaySteps: .int(100), endLearningRate: .float(0.01))
/// schedule.rate(at: 50)  // 0.055 in float32
/// ```
///
/// Arguments, with the constraints lrledger enforces (stricter than Keras):
/// - `initialLearningRate`: finite and >= 0 in the dtype.
/// - `decaySteps`: finite and > 0 in the dtype.
/// - `endLearningRate`: finite and >= 0 (default 0.0001).
/// - `power`: finite and >= 0, not a float32 subnormal (default 1.0; a negative power is
///   infinite at the end).
/// - `cycle`: start the decay over after `decay_steps` (default false).
/// - `name`: Keras's name, kept for the config; null allowed.
public struct PolynomialDecay: LearningRateSchedule, Hashable, TensorFlowSchedule, KerasConfigHashable {
    public static let className = "PolynomialDecay"

    public let initialLearningRate: Double
    public let decaySteps: KerasNumber
    public let endLearningRate: KerasNumber
    public let power: KerasNumber
    public let cycle: Bool
    public let name: String?
    public let dtype: DType

    @usableFromInline let float32: Constants<Float>
    @usableFromInline let float64: Constants<Double>

    /// Creates the schedule, validating every argument.
    ///
    /// - throws: `ScheduleError` naming the argument and the value when one is refused.
    public init(
        initialLearningRate: Double, decaySteps: KerasNumber, endLearningRate: KerasNumber = .float(0.0001),
        power: KerasNumber = .float(1.0), cycle: Bool = false, name: String? = "PolynomialDecay",
        dtype: DType = .float32
    ) throws {
        let reader = ConfigReader(className: Self.className)
        try reader.checkRate("initial_learning_rate", initialLearningRate, in: dtype)
        _ = try reader.positiveSteps("decay_steps", decaySteps, in: dtype)
        _ = try reader.nonNegative("end_learning_rate", endLearningRate, in: dtype)
        let castPower = try power.checkedCast("power", in: dtype, reader: reader)
        try reader.normalInFloat32("power", power)
        guard castPower >= 0 else {
            throw reader.invalid(
                "power", "must be >= 0, got \(power): (1 - step / decay_steps)^power is infinite at decay_steps")
        }
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.endLearningRate = endLearningRate
        self.power = power
        self.cycle = cycle
        self.name = name
        self.dtype = dtype
        float32 = Constants(initialLearningRate, decaySteps, endLearningRate, power, cycle)
        float64 = Constants(initialLearningRate, decaySteps, endLearningRate, power, cycle)
    }

    public init(kerasConfig config: JSONObject, dtype: DType) throws {
        var reader = ConfigReader(className: Self.className, config: config)
        let initial = try reader.number("initial_learning_rate")
        let decaySteps = try reader.number("decay_steps")
        let end = try reader.number("end_learning_rate", default: .float(0.0001))
        let power = try reader.number("power", default: .float(1.0))
        let cycle = try reader.bool("cycle", default: false)
        let name = try reader.name(default: Self.className)
        try reader.finish()
        try self.init(
            initialLearningRate: try reader.floatRate("initial_learning_rate", initial), decaySteps: decaySteps,
            endLearningRate: end, power: power, cycle: cycle, name: name, dtype: dtype)
    }

    public var kerasConfig: JSONObject {
        JSONObject([
            ("initial_learning_rate", KerasNumber.float(initialLearningRate).jsonValue),
            ("decay_steps", decaySteps.jsonValue),
            ("end_learning_rate", endLearningRate.jsonValue),
            ("power", power.jsonValue),
            ("cycle", .bool(cycle)),
            ("name", name.map(JSONValue.string) ?? .null),
        ])
    }

    /// The hyper-parameters as Keras casts them to one dtype, and Keras's operations on them.
    @usableFromInline
    struct Constants<F: KerasFloat>: ScheduleConstants {
        @usableFromInline let initialLearningRate: TensorFlowScalar<F>
        /// `cast(decay_steps, dtype)`.
        @usableFromInline let decaySteps: TensorFlowScalar<F>
        /// `decay_steps` as the Python number in `step / self.decay_steps`.
        @usableFromInline let decayStepsPython: TensorFlowScalar<F>
        @usableFromInline let endLearningRate: TensorFlowScalar<F>
        @usableFromInline let power: TensorFlowScalar<F>
        @usableFromInline let cycle: Bool

        init(_ initial: Double, _ decaySteps: KerasNumber, _ end: KerasNumber, _ power: KerasNumber, _ cycle: Bool) {
            initialLearningRate = TensorFlowScalar(F(initial))
            self.decaySteps = TensorFlowScalar(cast: decaySteps)
            decayStepsPython = TensorFlowScalar(python: decaySteps)
            endLearningRate = TensorFlowScalar(cast: end)
            self.power = TensorFlowScalar(cast: power)
            self.cycle = cycle
        }

        @inlinable
        func rate(_ step: TensorFlowScalar<F>) -> Double {
            var step = step
            var decaySteps = decaySteps
            if cycle {
                let multiplier =
                    step == TensorFlowScalar(literal: 0)
                    ? TensorFlowScalar(literal: 1.0) : (step / decayStepsPython).ceil
                decaySteps = decaySteps * multiplier
            } else {
                step = .minimum(step, decaySteps)
            }
            let p = step / decaySteps
            let one = TensorFlowScalar<F>(literal: 1)
            return ((initialLearningRate - endLearningRate) * .pow(one - p, power) + endLearningRate).double
        }
    }
}
