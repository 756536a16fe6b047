extension LearningRateSchedule {
    /// Whether `other` gives the same rate as this schedule at every step: the same
    /// class and dtype, and the same constants once cast to the dtype
    /// (`rateDefiningKey`).
    ///
    /// A resume compares schedules with this, not by their config text, so a config
    /// that differs only in Keras's `name`, or in a hyper-parameter written differently
    /// but equal in the dtype, is the same schedule and not a change.
    ///
    /// ```swift
    /// let a = try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .int(1), decayRate: .float(0.5))
    /// let b = try InverseTimeDecay(
    ///     initialLearningRate: 0.1, decaySteps: .int(1), decayRate: .float(0.50000001), name: "mine")
    /// a.computesSameRates(as: b)  // true: 0.50000001 is 0.5 in float32
    /// ```
    public func computesSameRates(as other: any LearningRateSchedule) -> Bool {
        Self.className == type(of: other).className && dtype == other.dtype
            && rateDefiningKey == other.rateDefiningKey
    }
}

// Each key lists the values the type's `rate` functions read, in the dtype in use. A
// struct's reflection prints every stored value (floats as their shortest exact text).

extension InverseTimeDecay {
    public var rateDefiningKey: String {
        switch dtype {
        case .float32:
            "float32 \(float32.initialLearningRate) \(float32.decaySteps) \(float32.decayRate) staircase \(staircase)"
        case .float64:
            "float64 \(float64.initialLearningRate) \(float64.decaySteps) \(float64.decayRate) staircase \(staircase)"
        }
    }
}

extension TensorFlowSchedule {
    /// The dtype and the reflection of the constants in it (ExponentialDecay, PolynomialDecay,
    /// CosineDecay and CosineDecayRestarts; InverseTimeDecay spells its own).
    public var rateDefiningKey: String {
        dtype == .float32 ? "float32 \(String(reflecting: float32))" : "float64 \(String(reflecting: float64))"
    }
}

extension PiecewiseConstantDecay {
    public var rateDefiningKey: String {
        "\(dtype) boundaries \(integerBoundaries) \(floatBoundaries) rates \(rates)"
    }
}

extension ConstantLearningRate {
    public var rateDefiningKey: String { "\(dtype) \(rounded)" }
}
