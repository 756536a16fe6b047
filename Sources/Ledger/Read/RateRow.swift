import Schedules

/// One canonical logged step: a row of the `rate_history` view.
public struct RateRow: Sendable, Hashable {
    /// The optimizer step the rate was used at.
    public let step: Int64
    /// The rate, a value of the run's dtype widened to `Double`.
    public let rate: Double
    /// The loss logged with it, if any.
    public let loss: Double?
    /// The segment that logged it.
    public let segment: Int64
    /// The dtype of the schedule in force at `step`, for printing `rate` as the
    /// shortest decimal that reads back to it (`RateText.string(rate, dtype:)`).
    public let dtype: DType

    public init(step: Int64, rate: Double, loss: Double?, segment: Int64, dtype: DType) {
        self.step = step
        self.rate = rate
        self.loss = loss
        self.segment = segment
        self.dtype = dtype
    }
}
