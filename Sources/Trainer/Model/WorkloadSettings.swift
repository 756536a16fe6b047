/// The settings that define a training workload: everything, besides the schedule,
/// that must be equal for a resumed run to continue the same computation.
///
/// The initializer validates eagerly, so a value of this type is always usable. Store
/// `jsonText()` with the run and compare it on resume (see `differences(from:)`).
///
/// ```swift
/// let settings = try WorkloadSettings(model: .softmax, seed: 42, batchSize: 32, momentum: 0.9)
/// let workload = try makeWorkload(settings: settings)
/// let stored = workload.settings.jsonText()   // now with the data fingerprint
/// ```
public struct WorkloadSettings: Sendable, Hashable {
    /// The largest accepted batch size. Batches are built sample by sample, so larger
    /// values only make single steps slow; the bound catches typos like `--batch-size 3e9`.
    public static let maximumBatchSize = 1 << 20

    /// Which workload to train.
    public let model: ModelKind
    /// The run's seed: initial weights, data order and the synthetic data derive from it.
    public let seed: UInt64
    /// Samples per update, `1...maximumBatchSize`.
    public let batchSize: Int
    /// SGD momentum in `[0, 1)`; 0 is plain SGD.
    public let momentum: Double
    /// The CSV file to train on, or nil for the built-in synthetic data set.
    public let dataPath: String?
    /// Lowercase hex SHA-256 of the data (the file's bytes, or the synthetic set's
    /// canonical encoding), or nil when not yet known. A workload built with a
    /// fingerprint refuses data that do not match it.
    public let dataFingerprint: String?

    /// Creates and validates settings.
    ///
    /// - parameter model: The workload kind.
    /// - parameter seed: Any 64-bit seed.
    /// - parameter batchSize: Samples per update, at least 1. Ignored by `.noModel` but
    ///   still validated, so a typo is never silently accepted.
    /// - parameter momentum: Finite, in `[0, 1)`.
    /// - parameter dataPath: A CSV path, or nil for synthetic data. Must be nil for `.noModel`.
    /// - parameter dataFingerprint: 64 lowercase hex digits, or nil. Must be nil for `.noModel`.
    /// - throws: `WorkloadError` `.invalidSetting` naming the field and the value.
    public init(
        model: ModelKind = .softmax,
        seed: UInt64 = 0,
        batchSize: Int = 32,
        momentum: Double = 0,
        dataPath: String? = nil,
        dataFingerprint: String? = nil
    ) throws {
        guard (1...Self.maximumBatchSize).contains(batchSize) else {
            throw WorkloadError(
                .invalidSetting, field: "batch_size",
                "batch size must be between 1 and \(Self.maximumBatchSize), got \(batchSize)")
        }
        guard momentum.isFinite, momentum >= 0, momentum < 1 else {
            throw WorkloadError(
                .invalidSetting, field: "momentum", "momentum must be at least 0 and less than 1, got \(momentum)")
        }
        if let dataPath, dataPath.isEmpty {
            throw WorkloadError(.invalidSetting, field: "data_path", "the data path is empty")
        }
        if let dataFingerprint {
            let isHex = dataFingerprint.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
            guard dataFingerprint.utf8.count == 64, isHex else {
                throw WorkloadError(
                    .invalidSetting, field: "data_fingerprint",
                    "the data fingerprint must be 64 lowercase hex digits (a SHA-256), got \"\(dataFingerprint)\"")
            }
        }
        if model == .noModel, let dataPath {
            throw WorkloadError(
                .invalidSetting, field: "data_path",
                "model none trains no model, so it takes no data file (got \(dataPath))")
        }
        if model == .noModel, dataFingerprint != nil {
            throw WorkloadError(
                .invalidSetting, field: "data_fingerprint",
                "model none trains no model, so it has no data fingerprint")
        }
        self.model = model
        self.seed = seed
        self.batchSize = batchSize
        self.momentum = momentum == 0 ? 0 : momentum  // -0.0 becomes 0.0: one spelling, one checkpoint
        self.dataPath = dataPath
        self.dataFingerprint = dataFingerprint
    }

    /// Returns a copy with `dataFingerprint` set.
    ///
    /// - throws: `WorkloadError` if the fingerprint is not 64 lowercase hex digits.
    public func withDataFingerprint(_ fingerprint: String?) throws -> WorkloadSettings {
        try WorkloadSettings(
            model: model, seed: seed, batchSize: batchSize, momentum: momentum, dataPath: dataPath,
            dataFingerprint: fingerprint)
    }

    /// Describes, one sentence each, how `self` (the requested settings) differs from
    /// `stored` (the run's settings), for refusing a resume that would change the run.
    ///
    /// A nil `dataFingerprint` on either side is not a difference: the fingerprint is
    /// checked against the data when the workload is built. `dataPath` is compared as
    /// text; callers that allow moving a data file can ignore that entry.
    ///
    /// - parameter stored: The settings recorded when the run started.
    /// - returns: An empty array when the settings describe the same run.
    public func differences(from stored: WorkloadSettings) -> [String] {
        var found: [String] = []
        if model != stored.model {
            found.append("model is \(model.rawValue) but the run uses \(stored.model.rawValue)")
        }
        if seed != stored.seed {
            found.append("seed is \(seed) but the run uses \(stored.seed)")
        }
        if batchSize != stored.batchSize {
            found.append("batch size is \(batchSize) but the run uses \(stored.batchSize)")
        }
        if momentum.bitPattern != stored.momentum.bitPattern {
            found.append("momentum is \(momentum) but the run uses \(stored.momentum)")
        }
        if dataPath != stored.dataPath {
            found.append(
                "data is \(dataPath ?? "the built-in synthetic set") but the run uses "
                    + "\(stored.dataPath ?? "the built-in synthetic set")")
        }
        if let mine = dataFingerprint, let theirs = stored.dataFingerprint, mine != theirs {
            found.append("the data's SHA-256 is \(mine) but the run's data had \(theirs)")
        }
        return found
    }
}
