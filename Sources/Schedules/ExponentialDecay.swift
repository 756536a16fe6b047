/// Keras's `ExponentialDecay`: a rate multiplied by `decay_rate` every `decay_steps` steps.
///
/// Keras's code evaluates, one operation at a time in the schedule's dtype, `pow` being
/// the C library's `powf` (float32) or `pow` (float64) as TensorFlow calls it:
///
/// ```python
/// p = step / decay_steps            # floor(p) when staircase
/// return initial_learning_rate * pow(decay_rate, p)
/// ```
///
/// With `staircase`, the rate is constant on `[k * decay_steps, (k + 1) * decay_steps)`.
///
/// ```swift
/// let schedule = try ExponentialDecay(initialLearningRate: 0.1, decaySteps: .int(10), decayRate: .float(0.96))
/// schedule.rate(at: 10)  // 0.096 in float32
/// ```
///
/// Arguments, with the constraints lrledger enforces (stricter than Keras):
/// - `initialLearningRate`: finite and >= 0 in the dtype.
/// - `decaySteps`: finite and > 0 in the dtype.
/// - `decayRate`: finite and >= 0 (a negative base gives NaN at fractional powers), not a
///   float32 subnormal.
/// - `staircase`: apply the decay in discrete intervals.
/// - `name`: Keras's name, kept for the config; null allowed.
public struct ExponentialDecay: LearningRateSchedule, Hashable, TensorFlowSchedule, KerasConfigHashable {
    public static let className = "ExponentialDecay"

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
        name: String? = "ExponentialDecay", dtype: DType = .float32
    ) throws {
        let reader = ConfigReader(className: Self.className)
        try reader.checkRate("initial_learning_rate", initialLearningRate, in: dtype)
        _ = try reader.positiveSteps("decay_steps", decaySteps, in: dtype)
        _ = try reader.nonNegative("decay_rate", decayRate, in: dtype)
        try reader.normalInFloat32("decay_rate", decayRate)
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.decayRate = decayRate
        self.staircase = staircase
        self.name = name
        self.dtype = dtype
        float32 = Constants(initialLearningRate, decaySteps, decayRate, staircase)
        float64 = Constants(initialLearningRate, decaySteps, decayRate, staircase)
    }

    public init(kerasConfig config: JSONObject, dtype: DType) throws {
        var reader = ConfigReader(className: Self.className, config: config)
        let initial = try reader.number("initial_learning_rate")
        let decaySteps = try reader.number("decay_steps")
        let decayRate = try reader.number("decay_rate")
        let staircase = try reader.bool("staircase", default: false)
        let name = try reader.name(default: Self.className)
        try reader.finish()
        try self.init(
            initialLearningRate: try reader.floatRate("initial_learning_rate", initial), decaySteps: decaySteps,
            decayRate: decayRate, staircase: staircase, name: name, dtype: dtype)
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
        @usableFromInline let initialLearningRate: TensorFlowScalar<F>
        @usableFromInline let decaySteps: TensorFlowScalar<F>
        @usableFromInline let decayRate: TensorFlowScalar<F>
        @usableFromInline let staircase: Bool

        init(_ initial: Double, _ decaySteps: KerasNumber, _ decayRate: KerasNumber, _ staircase: Bool) {
            initialLearningRate = TensorFlowScalar(F(initial))
            self.decaySteps = TensorFlowScalar(cast: decaySteps)
            self.decayRate = TensorFlowScalar(cast: decayRate)
            self.staircase = staircase
        }

        @inlinable
        func rate(_ step: TensorFlowScalar<F>) -> Double {
            var p = step / decaySteps
            if staircase { p = p.floor }
            return (initialLearningRate * .pow(decayRate, p)).double
        }
    }
}
