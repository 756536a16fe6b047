/// The workload of `--model none`: no model, only a step counter.
///
/// It lets lrledger track a schedule for a training job it does not run (or benchmark
/// the ledger without model arithmetic) through the same loop and checkpoint path as
/// a real model. `step(rate:)` returns nil; the state is the seed and the update count.
public struct NullWorkload: Workload {
    public let settings: WorkloadSettings
    public internal(set) var updateCount: UInt64 = 0

    /// Creates the workload at update 0.
    ///
    /// - parameter settings: Must be `.noModel`.
    /// - throws: `WorkloadError` `.invalidSetting` for another model kind.
    public init(settings: WorkloadSettings) throws {
        guard settings.model == .noModel else {
            throw WorkloadError(
                .invalidSetting, field: "model", "NullWorkload needs model none, got \(settings.model.rawValue)")
        }
        self.settings = settings
    }

    public mutating func step(rate: Double) throws -> Double? {
        guard rate.isFinite else {
            throw WorkloadError(.invalidRate, "the learning rate \(rate) is not finite")
        }
        updateCount += 1
        return nil
    }
}
