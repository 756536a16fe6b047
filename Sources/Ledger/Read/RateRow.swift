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

    public init(step: Int64, rate: Double, loss: Double?, segment: Int64) {
        self.step = step
        self.rate = rate
        self.loss = loss
        self.segment = segment
    }
}
