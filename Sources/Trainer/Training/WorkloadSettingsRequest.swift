import Foundation

/// The workload settings a user asked for: each field is nil when not given.
///
/// A new run fills the gaps with defaults; a resumed run fills them from the settings
/// it stored, and refuses any given field that differs, because changing the model,
/// the seed, the batch size, the momentum or the data would not continue the same
/// computation.
public struct WorkloadSettingsRequest: Sendable, Hashable {
    public var model: ModelKind?
    public var seed: UInt64?
    public var batchSize: Int?
    public var momentum: Double?
    /// A CSV path as the user typed it; resolved against the working directory.
    public var dataPath: String?

    public init(
        model: ModelKind? = nil, seed: UInt64? = nil, batchSize: Int? = nil, momentum: Double? = nil,
        dataPath: String? = nil
    ) {
        self.model = model
        self.seed = seed
        self.batchSize = batchSize
        self.momentum = momentum
        self.dataPath = dataPath
    }

    /// The settings to train with.
    ///
    /// - parameter stored: the run's stored settings, or nil for a new run.
    /// - throws: `WorkloadError` for an invalid value, `TrainingError` `.settingsMismatch`
    ///   naming every difference when a resumed run was asked to change.
    public func resolve(against stored: WorkloadSettings?) throws -> WorkloadSettings {
        let absoluteData = dataPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        guard let stored else {
            return try WorkloadSettings(
                model: model ?? .softmax, seed: seed ?? 0, batchSize: batchSize ?? 32, momentum: momentum ?? 0,
                dataPath: absoluteData)
        }
        let requested = try WorkloadSettings(
            model: model ?? stored.model, seed: seed ?? stored.seed, batchSize: batchSize ?? stored.batchSize,
            momentum: momentum ?? stored.momentum, dataPath: absoluteData ?? stored.dataPath,
            dataFingerprint: stored.dataFingerprint)
        let differences = requested.differences(from: stored)
        guard differences.isEmpty else {
            throw TrainingError(
                .settingsMismatch,
                "cannot resume with other settings: \(differences.joined(separator: "; ")); "
                    + "leave them out to use the run's own, or train a new run")
        }
        return stored
    }
}
