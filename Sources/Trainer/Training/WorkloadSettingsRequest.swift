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
        if let model, model != stored.model {
            throw TrainingError(
                .settingsMismatch,
                "the run was trained with model \(stored.model.rawValue) and cannot resume with model "
                    + "\(model.rawValue); resume it with model \(stored.model.rawValue), or without naming a model",
                setting: "model")
        }
        // Data are identified by content: the same bytes at another path (a moved project,
        // another machine's mount) are the run's data; the stored path is information.
        let movedData = Self.movedData(requested: absoluteData, stored: stored)
        let requested = try WorkloadSettings(
            model: model ?? stored.model, seed: seed ?? stored.seed, batchSize: batchSize ?? stored.batchSize,
            momentum: momentum ?? stored.momentum,
            dataPath: movedData == nil ? absoluteData ?? stored.dataPath : stored.dataPath,
            dataFingerprint: stored.dataFingerprint)
        let differences = requested.differences(from: stored)
        guard differences.isEmpty else {
            throw TrainingError(
                .settingsMismatch,
                "cannot resume with other settings: \(differences.joined(separator: "; ")); "
                    + "leave them out to use the run's own, or train a new run")
        }
        guard let movedData else { return stored }
        if let digest = movedData.digest, digest != stored.dataFingerprint {
            throw TrainingError(
                .settingsMismatch,
                "cannot resume: the data at \(movedData.path) (SHA-256 \(digest)) are not the run's data, "
                    + "which were at \(stored.dataPath ?? "-") (SHA-256 \(stored.dataFingerprint ?? "-")); "
                    + "give the run's data, or train a new run")
        }
        return try WorkloadSettings(
            model: stored.model, seed: stored.seed, batchSize: stored.batchSize, momentum: stored.momentum,
            dataPath: movedData.path, dataFingerprint: stored.dataFingerprint)
    }

    /// The data file asked for and its SHA-256 (nil when it cannot be read: loading it
    /// then reports why), when it is at another path than the run's data and the run
    /// recorded its data's SHA-256; nil otherwise (a run from before data were identified
    /// by content keeps comparing paths).
    private static func movedData(requested: String?, stored: WorkloadSettings) -> (path: String, digest: String?)? {
        guard let requested, let recorded = stored.dataPath, requested != recorded, stored.dataFingerprint != nil
        else { return nil }
        let digest = FileManager.default.contents(atPath: requested).map {
            CheckpointFormat.sha256Hex(of: [UInt8]($0))
        }
        return (requested, digest)
    }
}
