/// A learning-rate schedule: maps an optimizer step to a rate, bit for bit as Keras does.
///
/// `step` is the optimizer's iteration counter when an update is applied, as Keras's
/// `optimizer.iterations`: the first update uses `rate(at: 0)`. The result is a value
/// of the schedule's `dtype`, widened to `Double` exactly (a float32 schedule only
/// returns doubles that are floats).
///
/// ```swift
/// let schedule = try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .int(1), decayRate: .float(0.5))
/// schedule.rate(at: 1)  // 0.06666667014360428, the float32 value 0.06666667
/// ```
public protocol LearningRateSchedule: Sendable {
    /// Keras's class name, the `class_name` of its serialized form.
    static var className: String { get }

    /// Builds the schedule from Keras's `get_config()` dictionary, validating every value.
    ///
    /// - throws: `ScheduleError` naming the key and the value when the config is refused.
    init(kerasConfig: JSONObject, dtype: DType) throws

    /// The dtype the schedule computes in.
    var dtype: DType { get }

    /// Keras's `get_config()`: exactly the constructor arguments, with Keras's keys.
    var kerasConfig: JSONObject { get }

    /// The schedule as Keras serializes it; see the default below. A constant rate is
    /// the plain number, as in an optimizer's config.
    var serialized: JSONValue { get }

    /// The rate for an integer step. The step converts to the dtype with one rounding.
    func rate(at step: Int64) -> Double

    /// The rate for a fractional step. As Keras on TensorFlow does, the step is first
    /// rounded to float32 (also for float64 schedules).
    func rate(atFractionalStep step: Double) -> Double

    /// Fills `rates` with the rates of consecutive integer steps: `rates[i]` is
    /// `rate(at: start + i)`.
    ///
    /// One call per block keeps a schedule held as `any LearningRateSchedule` (as a
    /// trainer holds the one it read from the ledger) as fast as the concrete type: the
    /// default implementation is specialized for each schedule.
    func rates(from start: Int64, into rates: inout [Double])

    /// Text that identifies the rates the schedule computes: its dtype and every constant
    /// its arithmetic uses, as cast to that dtype, and its flags. Keras's `name` and the
    /// way a hyper-parameter was written (`0.5` or `0.50000001` where both are the same
    /// float32) are left out. Two schedules of one class with equal keys give the same
    /// rate at every step; see `computesSameRates(as:)`.
    var rateDefiningKey: String { get }
}

extension LearningRateSchedule {
    @inlinable
    public func rates(from start: Int64, into rates: inout [Double]) {
        for index in rates.indices {
            rates[index] = rate(at: start + Int64(index))
        }
    }
}

extension LearningRateSchedule {
    /// The rate for a step of either kind.
    public func rate(at step: ScheduleStep) -> Double {
        switch step {
        case .integer(let value): rate(at: value)
        case .fractional(let value): rate(atFractionalStep: value)
        }
    }

    /// The schedule in Keras's `serialize()` form:
    /// `{"module": "keras.optimizers.schedules", "class_name": ..., "config": {...}, "registered_name": null}`.
    public var serialized: JSONValue {
        .object(
            JSONObject([
                ("module", .string(ScheduleCodec.kerasModule)),
                ("class_name", .string(Self.className)),
                ("config", .object(kerasConfig)),
                ("registered_name", .null),
            ]))
    }

    /// The canonical JSON text of `serialized`: compact, keys in Keras's order. Equal
    /// schedules give equal text, so its SHA-256 identifies the config.
    public var canonicalJSON: String {
        serialized.compactText
    }
}

extension LearningRateSchedule {
    /// The schedule as a call with its arguments, for people (the dtype is said apart):
    /// `InverseTimeDecay(initial_learning_rate=0.1, decay_steps=1.0, decay_rate=0.5, staircase=false)`.
    public var summary: String {
        let arguments = kerasConfig.entries.filter { $0.key != "name" }.map { "\($0.key)=\($0.value.compactText)" }
        return "\(Self.className)(\(arguments.joined(separator: ", ")))"
    }
}
