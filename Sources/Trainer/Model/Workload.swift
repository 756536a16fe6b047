/// A deterministic training workload whose whole state can be saved and restored.
///
/// The trainer applies one optimizer update per call to `step(rate:)`, with the rate
/// the schedule gives for the current step, and stores `encodeState()` in the ledger
/// in the same transaction as the step counter. Because a workload is deterministic
/// for its settings, restoring those bytes into a fresh workload and continuing gives
/// exactly the state an uninterrupted run would have reached.
///
/// ```swift
/// var workload = try makeWorkload(settings: settings)
/// let loss = try workload.step(rate: 0.1)        // one update on the next mini-batch
/// let bytes = workload.encodeState()             // store with the step counter
/// var resumed = try restoreWorkload(settings: workload.settings, checkpoint: bytes)
/// ```
///
/// A workload does no timing and no logging: callers time `step(rate:)` themselves.
public protocol Workload: Sendable {
    /// The settings that define the run, with `dataFingerprint` filled in for data the
    /// workload reads. Store these (`jsonText()`) and pass them back to resume.
    var settings: WorkloadSettings { get }

    /// Number of updates applied since the run began (restored from a checkpoint).
    /// After k updates it is k, like Keras's `optimizer.iterations`.
    var updateCount: UInt64 { get }

    /// Applies one optimizer update with `rate` on the next mini-batch.
    ///
    /// - parameter rate: The learning rate for this update, as the schedule gives it.
    /// - returns: The batch's mean loss before the update, or nil for a workload
    ///   without a model.
    /// - throws: `WorkloadError` `.invalidRate` for a non-finite rate, `.diverged` when
    ///   the loss is not finite. The state is unchanged when it throws.
    mutating func step(rate: Double) throws -> Double?

    /// The complete training state in the checkpoint format (see `CheckpointFormat`). Equal
    /// states give equal bytes.
    func encodeState() -> [UInt8]

    /// Replaces this workload's state with a checkpoint's.
    ///
    /// - parameter bytes: Bytes from `encodeState()` of a workload with the same settings.
    /// - throws: `CheckpointError` if the bytes are damaged or belong to another run
    ///   (other kind, settings, data or dimensions). The state is unchanged when it throws.
    mutating func restore(from bytes: [UInt8]) throws
}
