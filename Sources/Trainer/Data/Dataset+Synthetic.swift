extension Dataset {
    /// Classes in the built-in synthetic data set.
    public static let syntheticClassCount = 3
    /// Features per sample in the built-in synthetic data set.
    public static let syntheticFeatureCount = 8
    /// Samples in the built-in synthetic data set.
    public static let syntheticSampleCount = 1024

    /// The built-in data set, so `lrledger train` works without a file: Gaussian blobs.
    ///
    /// Each of the 3 classes gets a center with coordinates uniform in `[-1.5, 1.5)`;
    /// sample `i` has label `i % 3` and features `center + N(0, 1)` per coordinate. The
    /// classes overlap a little, so the loss falls well below `ln 3` but not to zero.
    /// Everything is drawn from the run seed's data stream, so the set depends only on
    /// the seed; its fingerprint covers the values, so a platform whose `log` or `cos`
    /// rounds differently is detected on resume rather than silently changing the data.
    ///
    /// - parameter seed: The run seed.
    public static func synthetic(seed: UInt64) -> Dataset {
        var generator = Xoshiro256StarStar(seed: seed, stream: .data)
        let classes = syntheticClassCount
        let width = syntheticFeatureCount
        var centers = [Double]()
        centers.reserveCapacity(classes * width)
        for _ in 0..<(classes * width) {
            centers.append(3.0 * generator.nextUniform() - 1.5)
        }
        var features = [Double]()
        features.reserveCapacity(syntheticSampleCount * width)
        var labels = [Int]()
        labels.reserveCapacity(syntheticSampleCount)
        for sample in 0..<syntheticSampleCount {
            let label = sample % classes
            labels.append(label)
            for feature in 0..<width {
                features.append(centers[label * width + feature] + generator.nextGaussian())
            }
        }
        return Dataset(
            validFeatures: features, labels: labels, classCount: classes, featureCount: width,
            fingerprint: canonicalFingerprint(
                features: features, labels: labels, classCount: classes, featureCount: width))
    }
}
