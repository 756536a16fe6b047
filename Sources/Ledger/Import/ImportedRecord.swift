/// One value read from another tool's record of a run, in source order: what
/// `Ledger.importRun(_:schedule:source:records:)` stores.
public struct ImportedRecord: Sendable, Hashable {
    /// The step it was logged at.
    public let step: Int64
    /// The logged rate, widened to `Double`.
    public let rate: Double
    /// Seconds since the epoch when it was logged, where the source says.
    public let wallTime: Double?

    public init(step: Int64, rate: Double, wallTime: Double?) {
        self.step = step
        self.rate = rate
        self.wallTime = wallTime
    }
}
