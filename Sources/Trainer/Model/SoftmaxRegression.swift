/// Multinomial logistic regression trained by mini-batch SGD: the built-in real workload.
///
/// Model: logits `z = W·x + b` with `W` of `classCount × featureCount` and `b` of
/// `classCount`; loss: mean cross-entropy of the softmax over the batch. Optimizer:
/// Keras's `SGD` with optional momentum (see `applySGD`). Initial weights are uniform
/// in `[-0.01, 0.01)` from the run seed's weight stream; bias and velocity start at 0.
///
/// Data order: a Fisher–Yates permutation per epoch; batches are always `batchSize`
/// samples and wrap into the next epoch (see `DataOrder`).
///
/// All arithmetic is `Double` in a fixed order on one thread, so equal settings and
/// rates give bit-identical states, and `encodeState()`/`restore(from:)` resume exactly.
///
/// ```swift
/// let settings = try WorkloadSettings(model: .softmax, seed: 7, batchSize: 32, momentum: 0.9)
/// var model = try SoftmaxRegression(settings: settings, dataset: .synthetic(seed: 7))
/// let loss = try model.step(rate: 0.1)
/// ```
public struct SoftmaxRegression: Workload {
    /// The run's settings, with `dataFingerprint` set to the data set's.
    public let settings: WorkloadSettings
    /// The data trained on.
    public let dataset: Dataset
    /// `classCount × featureCount` weights, row-major by class.
    public internal(set) var weights: [Double]
    /// One bias per class.
    public internal(set) var bias: [Double]
    /// Momentum buffer for `weights` (all zeros when momentum is 0).
    public internal(set) var weightVelocity: [Double]
    /// Momentum buffer for `bias` (all zeros when momentum is 0).
    public internal(set) var biasVelocity: [Double]
    public internal(set) var updateCount: UInt64
    var order: DataOrder

    // Working buffers reused by every step, so a step allocates nothing.
    private var batchIndices: [Int]
    private var weightGradient: [Double]
    private var biasGradient: [Double]
    private var scratch: [Double]

    /// Zero-based epoch of the next sample.
    public var epoch: UInt64 { order.epoch }

    /// Creates the workload at update 0 with seeded initial weights.
    ///
    /// - parameter settings: Must be `.softmax`. If `dataFingerprint` is set, it must
    ///   equal `dataset.fingerprint`.
    /// - parameter dataset: The data to train on.
    /// - throws: `WorkloadError` `.invalidSetting` for another model kind, `.dataChanged`
    ///   when the data's fingerprint differs from the settings'.
    public init(settings: WorkloadSettings, dataset: Dataset) throws {
        guard settings.model == .softmax else {
            throw WorkloadError(
                .invalidSetting, field: "model",
                "SoftmaxRegression needs model softmax, got \(settings.model.rawValue)")
        }
        if let expected = settings.dataFingerprint, expected != dataset.fingerprint {
            let source = settings.dataPath ?? "the built-in synthetic data set"
            throw WorkloadError(
                .dataChanged, field: "data_fingerprint",
                "\(source) changed since the run started: its SHA-256 is \(dataset.fingerprint), "
                    + "the run recorded \(expected); restore the original data or start a new run")
        }
        self.settings = try settings.withDataFingerprint(dataset.fingerprint)
        self.dataset = dataset
        let parameterCount = dataset.classCount * dataset.featureCount
        var generator = Xoshiro256StarStar(seed: settings.seed, stream: .initialWeights)
        weights = (0..<parameterCount).map { _ in (2.0 * generator.nextUniform() - 1.0) * 0.01 }
        bias = Array(repeating: 0, count: dataset.classCount)
        weightVelocity = Array(repeating: 0, count: parameterCount)
        biasVelocity = Array(repeating: 0, count: dataset.classCount)
        updateCount = 0
        order = DataOrder(
            sampleCount: dataset.sampleCount, generator: Xoshiro256StarStar(seed: settings.seed, stream: .shuffle))
        batchIndices = Array(repeating: 0, count: settings.batchSize)
        weightGradient = Array(repeating: 0, count: parameterCount)
        biasGradient = Array(repeating: 0, count: dataset.classCount)
        scratch = Array(repeating: 0, count: dataset.classCount)
    }

    /// Creates a workload with given parameters, for tests that need known starting values.
    init(settings: WorkloadSettings, dataset: Dataset, weights: [Double], bias: [Double]) throws {
        try self.init(settings: settings, dataset: dataset)
        self.weights = weights
        self.bias = bias
    }

    public mutating func step(rate: Double) throws -> Double? {
        guard rate.isFinite else {
            throw WorkloadError(.invalidRate, "the learning rate \(rate) is not finite")
        }
        let orderBefore = order
        for slot in 0..<batchIndices.count {
            batchIndices[slot] = order.next()
        }
        let loss = Self.lossAndGradient(
            weights: weights, bias: bias, dataset: dataset, indices: batchIndices,
            weightGradient: &weightGradient, biasGradient: &biasGradient, scratch: &scratch)
        guard loss.isFinite else {
            order = orderBefore
            throw WorkloadError(
                .diverged,
                "training diverged at update \(updateCount): the batch loss is \(loss); "
                    + "use a lower learning rate or rescale the features")
        }
        Self.applySGD(
            to: &weights, velocity: &weightVelocity, gradient: weightGradient, rate: rate,
            momentum: settings.momentum)
        Self.applySGD(
            to: &bias, velocity: &biasVelocity, gradient: biasGradient, rate: rate, momentum: settings.momentum)
        updateCount += 1
        return loss
    }
}
