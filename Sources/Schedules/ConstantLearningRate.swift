/// A constant learning rate: what a Keras optimizer does with a plain number as its
/// `learning_rate` (Adam's default `0.001`, say).
///
/// Keras keeps such a rate in a variable of the float dtype, so every step uses the
/// number rounded once to float32 (or exactly, in float64):
///
/// ```python
/// optimizer = keras.optimizers.Adam(learning_rate=0.001)
/// optimizer.get_config()["learning_rate"]  # 0.0010000000474974513: float32(0.001)
/// ```
///
/// Its JSON is the plain number, as it stands in an optimizer's config, so a Keras user
/// pastes what they have; `{"class_name": ...}` forms are not used for it.
///
/// ```swift
/// let schedule = try ConstantLearningRate(learningRate: 0.001)
/// schedule.rate(at: 1_000_000)  // 0.0010000000474974513
/// schedule.canonicalJSON        // "0.001"
/// ```
///
/// - `learningRate`: finite and >= 0 in the dtype.
public struct ConstantLearningRate: LearningRateSchedule, Hashable {
    /// Not a Keras schedule class: the name under which the rate shows in summaries.
    public static let className = "Constant"

    /// The rate as written (a Python float), before the dtype's rounding.
    public let learningRate: Double
    public let dtype: DType
    @usableFromInline let rounded: Double

    /// Creates the schedule, refusing a negative or non-finite rate.
    ///
    /// - throws: `ScheduleError` naming `learning_rate` and the value.
    public init(learningRate: Double, dtype: DType = .float32) throws {
        let reader = ConfigReader(className: "learning rate", config: JSONObject())
        let rounded = dtype.round(learningRate)
        guard learningRate.isFinite, rounded.isFinite else {
            throw reader.invalid("learning_rate", "must be finite in \(dtype), got \(learningRate)")
        }
        guard rounded >= 0 else {
            throw reader.invalid("learning_rate", "must be >= 0, got \(learningRate)")
        }
        self.learningRate = learningRate
        self.dtype = dtype
        self.rounded = rounded
    }

    /// Reads `{"learning_rate": number}`; the number alone is the usual form.
    public init(kerasConfig config: JSONObject, dtype: DType) throws {
        var reader = ConfigReader(className: "learning rate", config: config)
        let value = try reader.number("learning_rate")
        try reader.finish()
        try self.init(learningRate: value.doubleValue, dtype: dtype)
    }

    public var kerasConfig: JSONObject {
        JSONObject([("learning_rate", KerasNumber.float(learningRate).jsonValue)])
    }

    /// The plain number, as in an optimizer's config.
    public var serialized: JSONValue {
        KerasNumber.float(learningRate).jsonValue
    }

    @inlinable
    public func rate(at step: Int64) -> Double { rounded }

    @inlinable
    public func rate(atFractionalStep step: Double) -> Double { rounded }

    @inlinable
    public func rates(from start: Int64, into rates: inout [Double]) {
        for index in rates.indices { rates[index] = rounded }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.learningRate.bitPattern == rhs.learningRate.bitPattern && lhs.dtype == rhs.dtype
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(learningRate.bitPattern)
        hasher.combine(dtype)
    }
}
