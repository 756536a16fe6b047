import Crypto

/// A classification data set held in memory: numeric features and integer labels.
///
/// Features are one flat row-major array (`sampleCount × featureCount`), so a training
/// step reads a sample as a contiguous run of doubles without per-sample arrays.
/// The fingerprint identifies the data, so a resume can refuse data that changed.
///
/// ```swift
/// let synthetic = Dataset.synthetic(seed: 42)
/// let fromFile = try Dataset(csvAt: "iris.csv")
/// ```
public struct Dataset: Sendable, Equatable {
    /// Labels must lie in `0..<maximumClassCount`.
    public static let maximumClassCount = 1024

    /// Row-major features: sample `i`'s feature `f` is `features[i * featureCount + f]`.
    public let features: [Double]
    /// One label per sample, in `0..<classCount`.
    public let labels: [Int]
    /// Number of classes: the largest label plus one (or as given).
    public let classCount: Int
    /// Number of features per sample.
    public let featureCount: Int
    /// Lowercase hex SHA-256: of the file's bytes for CSV data, of a canonical encoding
    /// of the values otherwise.
    public let fingerprint: String

    /// Number of samples.
    public var sampleCount: Int { labels.count }

    /// Creates a data set from values, fingerprinting their canonical encoding.
    ///
    /// - parameter features: `labels.count × featureCount` finite values, row-major.
    /// - parameter labels: At least one label, each in `0..<classCount`.
    /// - parameter classCount: `1...maximumClassCount`.
    /// - parameter featureCount: At least 1.
    /// - throws: `DatasetError` `.invalidShape`, `.invalidValue` or `.invalidLabel`.
    public init(features: [Double], labels: [Int], classCount: Int, featureCount: Int) throws {
        guard !labels.isEmpty, featureCount >= 1 else {
            throw DatasetError(.invalidShape, "a data set needs at least one sample and one feature")
        }
        guard features.count / featureCount == labels.count, features.count % featureCount == 0 else {
            throw DatasetError(
                .invalidShape,
                "\(features.count) feature values do not make \(labels.count) samples of \(featureCount) features")
        }
        guard (1...Self.maximumClassCount).contains(classCount) else {
            throw DatasetError(
                .invalidShape, "the class count must be between 1 and \(Self.maximumClassCount), got \(classCount)")
        }
        if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
            throw DatasetError(.invalidLabel, "label \(labels[bad]) of sample \(bad) is outside 0..<\(classCount)")
        }
        if let bad = features.firstIndex(where: { !$0.isFinite }) {
            throw DatasetError(.invalidValue, "feature value \(features[bad]) at index \(bad) is not finite")
        }
        self.init(
            validFeatures: features, labels: labels, classCount: classCount, featureCount: featureCount,
            fingerprint: Self.canonicalFingerprint(
                features: features, labels: labels, classCount: classCount, featureCount: featureCount))
    }

    /// Creates a data set whose values the caller has already validated.
    init(validFeatures: [Double], labels: [Int], classCount: Int, featureCount: Int, fingerprint: String) {
        self.features = validFeatures
        self.labels = labels
        self.classCount = classCount
        self.featureCount = featureCount
        self.fingerprint = fingerprint
    }

    /// SHA-256 over a versioned little-endian encoding of the shape and values, so equal
    /// data give equal fingerprints on every platform.
    static func canonicalFingerprint(features: [Double], labels: [Int], classCount: Int, featureCount: Int)
        -> String
    {
        var writer = CheckpointWriter(capacity: 32 + features.count * 8 + labels.count * 4)
        writer.append(raw: Array("lrledger-dataset-v1".utf8))
        writer.append(UInt64(classCount))
        writer.append(UInt64(featureCount))
        writer.append(UInt64(labels.count))
        writer.append(features)
        for label in labels {
            writer.append(UInt32(truncatingIfNeeded: label))
        }
        return CheckpointFormat.sha256Hex(of: writer.bytes)
    }
}
