/// Builds the workload the settings describe, at update 0.
///
/// Loads the data: the CSV at `settings.dataPath`, or the built-in synthetic set for
/// the seed. When `settings.dataFingerprint` is set, the data must match it.
///
/// ```swift
/// var workload = try makeWorkload(settings: try WorkloadSettings(seed: 42))
/// ledgerSettingsJSON = workload.settings.jsonText()
/// ```
///
/// - parameter settings: Validated settings.
/// - throws: `DatasetError` when the data file is unreadable or malformed,
///   `WorkloadError` `.dataChanged` when the data do not match the fingerprint.
public func makeWorkload(settings: WorkloadSettings) throws -> any Workload {
    try makeWorkload(settings: settings, maximumStateBytes: nil)
}

/// Builds the workload the settings describe, refusing, before it allocates the model,
/// one whose checkpoint would exceed `maximumStateBytes`.
///
/// A model too big for one checkpoint would otherwise train, holding gigabytes, and
/// fail only at its first commit.
///
/// - parameter settings: Validated settings.
/// - parameter maximumStateBytes: the largest checkpoint the ledger stores
///   (`Ledger.maximumCheckpointBytes`), or nil for no check.
/// - throws: as `makeWorkload(settings:)`, and `WorkloadError` `.stateTooLarge` naming
///   the model's size and the limit.
public func makeWorkload(settings: WorkloadSettings, maximumStateBytes: Int?) throws -> any Workload {
    switch settings.model {
    case .noModel:
        return try NullWorkload(settings: settings)
    case .softmax:
        let dataset = try settings.dataPath.map { try Dataset(csvAt: $0) } ?? Dataset.synthetic(seed: settings.seed)
        if let maximumStateBytes {
            let bytes = SoftmaxRegression.stateByteCount(
                classCount: dataset.classCount, featureCount: dataset.featureCount)
            if bytes > maximumStateBytes {
                throw WorkloadError(
                    .stateTooLarge, field: "data",
                    "a softmax model of \(dataset.featureCount) features × \(dataset.classCount) classes has a \(bytes.formatted())-byte state (weights and momentum), more than the \(maximumStateBytes.formatted()) bytes one checkpoint can hold; use fewer features or classes"
                )
            }
        }
        return try SoftmaxRegression(settings: settings, dataset: dataset)
    }
}

/// Builds the workload the settings describe and restores a checkpoint into it.
///
/// - parameter settings: The run's stored settings (with the data fingerprint).
/// - parameter checkpoint: Bytes from `encodeState()`.
/// - throws: What `makeWorkload(settings:)` throws, or `CheckpointError` when the
///   bytes are damaged or belong to another run.
public func restoreWorkload(settings: WorkloadSettings, checkpoint: [UInt8]) throws -> any Workload {
    var workload = try makeWorkload(settings: settings)
    try workload.restore(from: checkpoint)
    return workload
}
