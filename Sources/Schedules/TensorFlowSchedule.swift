/// The hyper-parameters of a schedule as Keras casts them to one dtype, and Keras's
/// operations on them: a schedule's arithmetic, written once for both dtypes.
@usableFromInline
protocol ScheduleConstants<F>: Sendable {
    associatedtype F: KerasFloat

    /// The rate at `step`, computed as TensorFlow computes it in `F`.
    func rate(_ step: TensorFlowScalar<F>) -> Double
}

/// A Keras schedule that holds its constants in both dtypes and computes in the one it
/// was built with. The dtype dispatch of `rate(at:)`, `rate(atFractionalStep:)` and
/// `rates(from:into:)` is written here once; the defaults are inlinable, so each
/// schedule's rate is specialized and inlined as if written in the schedule itself.
///
/// ```swift
/// struct Halving: TensorFlowSchedule {
///     let float32: Constants<Float>    // Constants<F>: ScheduleConstants, with rate(_:)
///     let float64: Constants<Double>
///     ...
/// }
/// ```
@usableFromInline
protocol TensorFlowSchedule: LearningRateSchedule {
    associatedtype Float32Constants: ScheduleConstants<Float>
    associatedtype Float64Constants: ScheduleConstants<Double>

    /// The constants cast to float32, used when `dtype` is `.float32`.
    var float32: Float32Constants { get }
    /// The constants cast to float64, used when `dtype` is `.float64`.
    var float64: Float64Constants { get }
}

extension TensorFlowSchedule {
    @inlinable
    public func rate(at step: Int64) -> Double {
        switch dtype {
        case .float32: float32.rate(TensorFlowScalar(step: step))
        case .float64: float64.rate(TensorFlowScalar(step: step))
        }
    }

    @inlinable
    public func rate(atFractionalStep step: Double) -> Double {
        switch dtype {
        case .float32: float32.rate(TensorFlowScalar(fractionalStep: step))
        case .float64: float64.rate(TensorFlowScalar(fractionalStep: step))
        }
    }

    /// `rate(at:)` for each step of the block, with the dtype dispatched once per block.
    @inlinable
    public func rates(from start: Int64, into rates: inout [Double]) {
        switch dtype {
        case .float32: Self.fill(&rates, from: start, with: float32)
        case .float64: Self.fill(&rates, from: start, with: float64)
        }
    }

    @inlinable
    static func fill<Constants: ScheduleConstants>(
        _ rates: inout [Double], from start: Int64, with constants: Constants
    ) {
        for index in rates.indices {
            rates[index] = constants.rate(TensorFlowScalar(step: start + Int64(index)))
        }
    }
}

/// A schedule that is equal to another of its type when both compute in the same dtype
/// from the same Keras config (`name` included), and hashes the same way.
@usableFromInline
protocol KerasConfigHashable: LearningRateSchedule, Hashable {}

extension KerasConfigHashable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.dtype == rhs.dtype && lhs.kerasConfig == rhs.kerasConfig
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(dtype)
        hasher.combine(kerasConfig)
    }
}
