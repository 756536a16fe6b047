/// Keras's `CosineDecayRestarts` (SGDR): cosine decays that restart, each period `t_mul`
/// times longer and starting `m_mul` times lower than the one before.
///
/// Keras's code evaluates, one operation at a time in the schedule's dtype, `pow`, `cos`
/// and `log` being the C library's float32 or float64 routines as TensorFlow calls them:
///
/// ```python
/// fraction = step / first_decay_steps
/// if t_mul == 1.0:
///     i = floor(fraction)
///     fraction = fraction - i
/// else:
///     i = floor(log(1.0 - fraction * (1.0 - t_mul)) / log(t_mul))
///     sum_r = (1.0 - pow(t_mul, i)) / (1.0 - t_mul)
///     fraction = (fraction - sum_r) / pow(t_mul, i)
/// cosine = 0.5 * pow(m_mul, i) * (1.0 + cos(pi * fraction))
/// return initial_learning_rate * ((1 - alpha) * cosine + alpha)
/// ```
///
/// `i` counts the restarts so far. With `t_mul < 1` the periods shrink and their total is
/// finite, `first_decay_steps / (1 - t_mul)`: past it the logarithm is of a negative
/// number and the rate is NaN, as in Keras.
///
/// ```swift
/// let schedule = try CosineDecayRestarts(initialLearningRate: 0.1, firstDecaySteps: .int(10))
/// schedule.rate(at: 10)  // 0.1 again: the first restart
/// ```
///
/// Arguments, with the constraints lrledger enforces (stricter than Keras):
/// - `initialLearningRate`: finite and >= 0 in the dtype.
/// - `firstDecaySteps`: finite and > 0 in the dtype.
/// - `tMul`: finite and > 0, not a float32 subnormal (default 2.0).
/// - `mMul`: finite and > 0, not a float32 subnormal (default 1.0).
/// - `alpha`: finite and >= 0, the lowest rate as a fraction (default 0.0).
/// - `name`: Keras's name, kept for the config; null allowed.
public struct CosineDecayRestarts: LearningRateSchedule, Hashable, TensorFlowSchedule, KerasConfigHashable {
    public static let className = "CosineDecayRestarts"

    public let initialLearningRate: Double
    public let firstDecaySteps: KerasNumber
    public let tMul: KerasNumber
    public let mMul: KerasNumber
    public let alpha: KerasNumber
    public let name: String?
    public let dtype: DType

    @usableFromInline let float32: Constants<Float>
    @usableFromInline let float64: Constants<Double>

    /// Creates the schedule, validating every argument.
    ///
    /// - throws: `ScheduleError` naming the argument and the value when one is refused.
    public init(
        initialLearningRate: Double, firstDecaySteps: KerasNumber, tMul: KerasNumber = .float(2.0),
        mMul: KerasNumber = .float(1.0), alpha: KerasNumber = .float(0.0), name: String? = "SGDRDecay",
        dtype: DType = .float32
    ) throws {
        let reader = ConfigReader(className: Self.className)
        try reader.checkRate("initial_learning_rate", initialLearningRate, in: dtype)
        _ = try reader.positiveSteps("first_decay_steps", firstDecaySteps, in: dtype)
        _ = try reader.positive("t_mul", tMul, in: dtype)
        _ = try reader.positive("m_mul", mMul, in: dtype)
        try reader.normalInFloat32("t_mul", tMul)
        try reader.normalInFloat32("m_mul", mMul)
        _ = try reader.nonNegative("alpha", alpha, in: dtype)
        self.initialLearningRate = initialLearningRate
        self.firstDecaySteps = firstDecaySteps
        self.tMul = tMul
        self.mMul = mMul
        self.alpha = alpha
        self.name = name
        self.dtype = dtype
        float32 = Constants(initialLearningRate, firstDecaySteps, tMul, mMul, alpha)
        float64 = Constants(initialLearningRate, firstDecaySteps, tMul, mMul, alpha)
    }

    public init(kerasConfig config: JSONObject, dtype: DType) throws {
        var reader = ConfigReader(className: Self.className, config: config)
        let initial = try reader.number("initial_learning_rate")
        let firstDecaySteps = try reader.number("first_decay_steps")
        let tMul = try reader.number("t_mul", default: .float(2.0))
        let mMul = try reader.number("m_mul", default: .float(1.0))
        let alpha = try reader.number("alpha", default: .float(0.0))
        let name = try reader.name(default: "SGDRDecay")
        try reader.finish()
        try self.init(
            initialLearningRate: try reader.floatRate("initial_learning_rate", initial),
            firstDecaySteps: firstDecaySteps, tMul: tMul, mMul: mMul, alpha: alpha, name: name, dtype: dtype)
    }

    public var kerasConfig: JSONObject {
        JSONObject([
            ("initial_learning_rate", KerasNumber.float(initialLearningRate).jsonValue),
            ("first_decay_steps", firstDecaySteps.jsonValue),
            ("t_mul", tMul.jsonValue),
            ("m_mul", mMul.jsonValue),
            ("alpha", alpha.jsonValue),
            ("name", name.map(JSONValue.string) ?? .null),
        ])
    }

    /// The hyper-parameters as Keras casts them to one dtype, and Keras's operations on them.
    @usableFromInline
    struct Constants<F: KerasFloat>: ScheduleConstants {
        @usableFromInline let initialLearningRate: TensorFlowScalar<F>
        @usableFromInline let firstDecaySteps: TensorFlowScalar<F>
        @usableFromInline let tMul: TensorFlowScalar<F>
        @usableFromInline let mMul: TensorFlowScalar<F>
        @usableFromInline let alpha: TensorFlowScalar<F>
        /// `1.0 - t_mul`, `log(t_mul)` and `1 - alpha`, as Keras computes them on each call.
        @usableFromInline let oneMinusTMul: TensorFlowScalar<F>
        @usableFromInline let logTMul: TensorFlowScalar<F>
        @usableFromInline let oneMinusAlpha: TensorFlowScalar<F>

        init(
            _ initial: Double, _ firstDecaySteps: KerasNumber, _ tMul: KerasNumber, _ mMul: KerasNumber,
            _ alpha: KerasNumber
        ) {
            initialLearningRate = TensorFlowScalar(F(initial))
            self.firstDecaySteps = TensorFlowScalar(cast: firstDecaySteps)
            self.tMul = TensorFlowScalar(cast: tMul)
            self.mMul = TensorFlowScalar(cast: mMul)
            self.alpha = TensorFlowScalar(cast: alpha)
            let one = TensorFlowScalar<F>(literal: 1.0)
            oneMinusTMul = one - self.tMul
            logTMul = .log(self.tMul)
            oneMinusAlpha = one - self.alpha
        }

        @inlinable
        func rate(_ step: TensorFlowScalar<F>) -> Double {
            let one = TensorFlowScalar<F>(literal: 1.0)
            var fraction = step / firstDecaySteps
            let restarts: TensorFlowScalar<F>
            if tMul == one {
                restarts = fraction.floor
                fraction = fraction - restarts
            } else {
                restarts = (TensorFlowScalar.log(one - fraction * oneMinusTMul) / logTMul).floor
                let growth = TensorFlowScalar.pow(tMul, restarts)
                let sumR = (one - growth) / oneMinusTMul
                fraction = (fraction - sumR) / growth
            }
            let pi = TensorFlowScalar<F>(literal: Double.pi)
            let cosine = TensorFlowScalar(literal: 0.5) * .pow(mMul, restarts) * (one + .cos(pi * fraction))
            return (initialLearningRate * (oneMinusAlpha * cosine + alpha)).double
        }
    }
}
