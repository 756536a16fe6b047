extension SoftmaxRegression {
    /// The state in checkpoint format, kind 1 (softmax). Payload, in order:
    ///
    /// ```
    /// u64 seed, u64 batch size, f64 momentum, 32 bytes data SHA-256
    /// u32 class count, u32 feature count, u64 sample count
    /// u64 update count, u64 epoch, u64 position in epoch
    /// 4×u64 generator state before this epoch's shuffle
    /// f64 weights[classes×features], f64 bias[classes],
    /// f64 weight velocity[classes×features], f64 bias velocity[classes]
    /// ```
    ///
    /// The data path is not stored: it is a fact of the machine, and the fingerprint
    /// already identifies the data.
    /// At least the size of `encodeState()`'s bytes for a model of these dimensions, and
    /// at most 256 bytes more, known before the model is built: weights, bias and their
    /// momentum buffers, 8 bytes each, plus the fixed fields.
    public static func stateByteCount(classCount: Int, featureCount: Int) -> Int {
        let (weights, overflow) = classCount.multipliedReportingOverflow(by: featureCount)
        guard !overflow, weights < Int.max / 32 else { return Int.max }
        return CheckpointFormat.headerSize + CheckpointFormat.checksumSize + 256 + 16 * (weights + classCount)
    }

    public func encodeState() -> [UInt8] {
        let parameterCount = weights.count + bias.count
        var writer = CheckpointWriter(capacity: 128 + 16 * parameterCount)
        writer.append(settings.seed)
        writer.append(UInt64(settings.batchSize))
        writer.append(settings.momentum)
        writer.append(raw: Self.digest(dataset.fingerprint))
        writer.append(UInt32(dataset.classCount))
        writer.append(UInt32(dataset.featureCount))
        writer.append(UInt64(dataset.sampleCount))
        writer.append(updateCount)
        writer.append(order.epoch)
        writer.append(UInt64(order.position))
        writer.append(order.epochStartGenerator)
        writer.append(weights)
        writer.append(bias)
        writer.append(weightVelocity)
        writer.append(biasVelocity)
        return CheckpointFormat.seal(kind: .softmax, payload: writer.bytes)
    }

    public mutating func restore(from bytes: [UInt8]) throws {
        var (kind, reader) = try CheckpointFormat.open(bytes)
        guard kind == .softmax else {
            throw CheckpointError(
                .mismatch, "the checkpoint holds model \(kind.rawValue) but this run trains model softmax")
        }
        let seed = try reader.readUInt64()
        let batchSize = try reader.readUInt64()
        let momentum = try reader.readDouble()
        let fingerprint = CheckpointFormat.hex(try reader.readBytes(count: 32))
        let classCount = try reader.readUInt32()
        let featureCount = try reader.readUInt32()
        let sampleCount = try reader.readUInt64()
        try Self.require(seed == settings.seed, "seed \(seed)", "seed \(settings.seed)")
        try Self.require(
            batchSize == UInt64(settings.batchSize), "batch size \(batchSize)", "batch size \(settings.batchSize)")
        try Self.require(
            momentum.bitPattern == settings.momentum.bitPattern, "momentum \(momentum)", "momentum \(settings.momentum)"
        )
        try Self.require(
            fingerprint == dataset.fingerprint, "data with SHA-256 \(fingerprint)",
            "data with SHA-256 \(dataset.fingerprint)")
        try Self.require(
            classCount == dataset.classCount && featureCount == dataset.featureCount
                && sampleCount == dataset.sampleCount,
            "\(sampleCount) samples × \(featureCount) features, \(classCount) classes",
            "\(dataset.sampleCount) samples × \(dataset.featureCount) features, \(dataset.classCount) classes")

        let updates = try reader.readUInt64()
        let epoch = try reader.readUInt64()
        let position = try reader.readUInt64()
        let generator = try reader.readGenerator()
        guard position <= sampleCount else {
            throw CheckpointError(
                .corrupt, "the stored data position \(position) is outside the data set's \(sampleCount) samples")
        }
        let restoredOrder = try DataOrder(
            sampleCount: dataset.sampleCount, epoch: epoch, position: Int(position), epochStartGenerator: generator)
        let parameterCount = dataset.classCount * dataset.featureCount
        let restoredWeights = try reader.readDoubles(count: parameterCount)
        let restoredBias = try reader.readDoubles(count: dataset.classCount)
        let restoredWeightVelocity = try reader.readDoubles(count: parameterCount)
        let restoredBiasVelocity = try reader.readDoubles(count: dataset.classCount)
        guard reader.isAtEnd else {
            throw CheckpointError(.corrupt, "the checkpoint's payload is longer than its dimensions require")
        }

        updateCount = updates
        order = restoredOrder
        weights = restoredWeights
        bias = restoredBias
        weightVelocity = restoredWeightVelocity
        biasVelocity = restoredBiasVelocity
    }

    private static func require(_ condition: Bool, _ stored: String, _ expected: String) throws {
        guard condition else {
            throw CheckpointError(
                .mismatch, "the checkpoint belongs to another run: it has \(stored), this run has \(expected)")
        }
    }

    /// The 32 bytes of a 64-digit lowercase hex fingerprint (validated by `Dataset`).
    private static func digest(_ hex: String) -> [UInt8] {
        func nibble(_ c: UInt8) -> UInt8 { c >= 0x61 ? c - 0x61 + 10 : c &- 0x30 }
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
    }
}
