/// Keras's `CosineDecay`: a half cosine from the initial rate down to `alpha` times it over
/// `decay_steps`, after an optional linear warmup.
///
/// Keras's code evaluates, one operation at a time in the schedule's dtype, `cos` being
/// the C library's `cosf` (float32) or `cos` (float64) as TensorFlow calls it:
///
/// ```python
/// def decay(step, from_rate):
///     fraction = step / decay_steps
///     cosine = 0.5 * (1.0 + cos(pi * fraction))
///     return from_rate * ((1 - alpha) * cosine + alpha)   # 1 - alpha in Python's double
///
/// if warmup_target is None:
///     return decay(min(step, decay_steps), initial_learning_rate)
/// step = min(step, decay_steps + warmup_steps)
/// if step < warmup_steps:
///     return (warmup_target - initial_learning_rate) * (step / warmup_steps) + initial_learning_rate
/// return decay(step - warmup_steps, warmup_target)
/// ```
///
/// Without a warmup target the rate falls from `initial_learning_rate`; with one it rises
/// linearly from `initial_learning_rate` to `warmup_target` over `warmup_steps`, then falls
/// from `warmup_target`. After the decay it stays at `alpha` times the rate it fell from.
///
/// ```swift
/// let schedule = try CosineDecay(initialLearningRate: 0.1, decaySteps: .int(100))
/// schedule.rate(at: 50)  // 0.049999997 in float32: cos(pi / 2) is not 0 with float32's pi
/// ```
///
/// Arguments, with the constraints lrledger enforces (stricter than Keras):
/// - `initialLearningRate`: finite and >= 0 in the dtype.
/// - `decaySteps`: finite and > 0 in the dtype.
/// - `alpha`: finite and >= 0, the final rate as a fraction (default 0.0).
/// - `name`: Keras's name, kept for the config; null allowed.
/// - `warmupTarget`: nil for no warmup (default), else finite and >= 0.
/// - `warmupSteps`: finite and >= 0 (default 0); used only with a warmup target.
public struct CosineDecay: LearningRateSchedule, Hashable, TensorFlowSchedule, KerasConfigHashable {
    public static let className = "CosineDecay"

    public let initialLearningRate: Double
    public let decaySteps: KerasNumber
    public let alpha: KerasNumber
    public let name: String?
    public let warmupTarget: KerasNumber?
    public let warmupSteps: KerasNumber
    public let dtype: DType

    @usableFromInline let float32: Constants<Float>
    @usableFromInline let float64: Constants<Double>

    /// Creates the schedule, validating every argument.
    ///
    /// - throws: `ScheduleError` naming the argument and the value when one is refused.
    public init(
        initialLearningRate: Double, decaySteps: KerasNumber, alpha: KerasNumber = .float(0.0),
        name: String? = "CosineDecay", warmupTarget: KerasNumber? = nil, warmupSteps: KerasNumber = .int(0),
        dtype: DType = .float32
    ) throws {
        let reader = ConfigReader(className: Self.className)
        try reader.checkRate("initial_learning_rate", initialLearningRate, in: dtype)
        _ = try reader.positiveSteps("decay_steps", decaySteps, in: dtype)
        _ = try reader.nonNegative("alpha", alpha, in: dtype)
        if let warmupTarget {
            _ = try reader.nonNegative("warmup_target", warmupTarget, in: dtype)
        }
        _ = try reader.nonNegative("warmup_steps", warmupSteps, in: dtype)
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.alpha = alpha
        self.name = name
        self.warmupTarget = warmupTarget
        self.warmupSteps = warmupSteps
        self.dtype = dtype
        float32 = Constants(initialLearningRate, decaySteps, alpha, warmupTarget, warmupSteps)
        float64 = Constants(initialLearningRate, decaySteps, alpha, warmupTarget, warmupSteps)
    }

    public init(kerasConfig config: JSONObject, dtype: DType) throws {
        var reader = ConfigReader(className: Self.className, config: config)
        let initial = try reader.number("initial_learning_rate")
        let decaySteps = try reader.number("decay_steps")
        let alpha = try reader.number("alpha", default: .float(0.0))
        let name = try reader.name(default: Self.className)
        let warmupTarget = try reader.optionalNumber("warmup_target")
        let warmupSteps = try reader.number("warmup_steps", default: .int(0))
        try reader.finish()
        try self.init(
            initialLearningRate: try reader.floatRate("initial_learning_rate", initial), decaySteps: decaySteps,
            alpha: alpha, name: name, warmupTarget: warmupTarget, warmupSteps: warmupSteps, dtype: dtype)
    }

    public var kerasConfig: JSONObject {
        JSONObject([
            ("initial_learning_rate", KerasNumber.float(initialLearningRate).jsonValue),
            ("decay_steps", decaySteps.jsonValue),
            ("alpha", alpha.jsonValue),
            ("name", name.map(JSONValue.string) ?? .null),
            ("warmup_target", warmupTarget?.jsonValue ?? .null),
            ("warmup_steps", warmupSteps.jsonValue),
        ])
    }

    /// The hyper-parameters as Keras casts them to one dtype, and Keras's operations on them.
    @usableFromInline
    struct Constants<F: KerasFloat>: ScheduleConstants {
        @usableFromInline let initialLearningRate: TensorFlowScalar<F>
        @usableFromInline let decaySteps: TensorFlowScalar<F>
        /// `1 - alpha`, computed in Python's double, then converted to the dtype.
        @usableFromInline let oneMinusAlpha: TensorFlowScalar<F>
        /// `alpha` as the Python number added to a tensor.
        @usableFromInline let alpha: TensorFlowScalar<F>
        @usableFromInline let warmupTarget: TensorFlowScalar<F>?
        @usableFromInline let warmupSteps: TensorFlowScalar<F>
        /// `decay_steps + warmup_steps` in the dtype.
        @usableFromInline let totalSteps: TensorFlowScalar<F>

        init(
            _ initial: Double, _ decaySteps: KerasNumber, _ alpha: KerasNumber, _ warmupTarget: KerasNumber?,
            _ warmupSteps: KerasNumber
        ) {
            initialLearningRate = TensorFlowScalar(F(initial))
            self.decaySteps = TensorFlowScalar(cast: decaySteps)
            oneMinusAlpha =
                switch alpha {
                case .int(let value): TensorFlowScalar(python: .int(1 - value))
                case .float(let value): TensorFlowScalar(python: .float(1 - value))
                }
            self.alpha = TensorFlowScalar(python: alpha)
            self.warmupTarget = warmupTarget.map { TensorFlowScalar(cast: $0) }
            self.warmupSteps = TensorFlowScalar(cast: warmupSteps)
            totalSteps = self.decaySteps + self.warmupSteps
        }

        @inlinable
        func rate(_ step: TensorFlowScalar<F>) -> Double {
            guard let warmupTarget else {
                return decay(.minimum(step, decaySteps), from: initialLearningRate).double
            }
            let step = TensorFlowScalar.minimum(step, totalSteps)
            if step < warmupSteps {
                let fraction = step / warmupSteps
                return ((warmupTarget - initialLearningRate) * fraction + initialLearningRate).double
            }
            return decay(step - warmupSteps, from: warmupTarget).double
        }

        @inlinable
        func decay(_ step: TensorFlowScalar<F>, from rate: TensorFlowScalar<F>) -> TensorFlowScalar<F> {
            let fraction = step / decaySteps
            let pi = TensorFlowScalar<F>(literal: Double.pi)
            let cosine = TensorFlowScalar(literal: 0.5) * (TensorFlowScalar(literal: 1.0) + .cos(pi * fraction))
            return rate * (oneMinusAlpha * cosine + alpha)
        }
    }
}
