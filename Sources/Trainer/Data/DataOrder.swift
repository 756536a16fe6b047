/// The order in which training visits samples: a fresh Fisher–Yates permutation each
/// epoch, read front to back.
///
/// Batches wrap across epochs: when an epoch runs out in the middle of a batch, the
/// next epoch is shuffled and the batch is completed from it. Every update therefore
/// averages exactly `batchSize` samples, and a batch larger than the data set works.
///
/// The resumable state is small on purpose: the generator state from *before* the
/// current epoch's shuffle, the epoch number and the position. The permutation itself
/// is regenerated on restore (a checkpoint of a million-sample data set stays tiny), and
/// the generator state after the shuffle, which seeds the next epoch, follows from it.
struct DataOrder: Sendable, Equatable {
    /// Number of samples in the data set.
    let sampleCount: Int
    /// Zero-based number of the epoch the permutation belongs to.
    private(set) var epoch: UInt64
    /// Index into `permutation` of the next sample; `sampleCount` when the epoch is spent.
    private(set) var position: Int
    /// Generator state before this epoch's shuffle: what a checkpoint stores.
    private(set) var epochStartGenerator: Xoshiro256StarStar
    /// Generator state after this epoch's shuffle: where the next epoch's shuffle starts.
    private var generator: Xoshiro256StarStar
    private var permutation: [Int]

    /// Starts epoch 0 at position 0.
    ///
    /// - parameter sampleCount: At least 1.
    /// - parameter generator: The run's shuffle stream, before any shuffle.
    init(sampleCount: Int, generator: Xoshiro256StarStar) {
        self.sampleCount = sampleCount
        epoch = 0
        position = 0
        epochStartGenerator = generator
        self.generator = generator
        permutation = Array(0..<sampleCount)
        Self.shuffle(&permutation, using: &self.generator)
    }

    /// Rebuilds the order from a checkpoint's fields, regenerating the epoch's shuffle.
    ///
    /// - throws: `CheckpointError` `.corrupt` if `position` is outside `0...sampleCount`.
    init(sampleCount: Int, epoch: UInt64, position: Int, epochStartGenerator: Xoshiro256StarStar) throws {
        guard (0...sampleCount).contains(position) else {
            throw CheckpointError(
                .corrupt,
                "the stored data position \(position) is outside the data set's \(sampleCount) samples")
        }
        self.init(sampleCount: sampleCount, generator: epochStartGenerator)
        self.epoch = epoch
        self.position = position
    }

    /// Returns the index of the next sample, moving to a new epoch when this one is spent.
    mutating func next() -> Int {
        if position == sampleCount {
            epoch &+= 1
            position = 0
            epochStartGenerator = generator
            Self.shuffle(&permutation, using: &generator)
        }
        let index = permutation[position]
        position += 1
        return index
    }

    /// Resets `indices` to the identity and applies the Fisher–Yates (Durstenfeld)
    /// shuffle from the last element down, one unbiased draw per swap.
    private static func shuffle(_ indices: inout [Int], using generator: inout Xoshiro256StarStar) {
        for i in indices.indices {
            indices[i] = i
        }
        var i = indices.count - 1
        while i > 0 {
            let j = Int(generator.nextInt(below: UInt64(i) + 1))
            indices.swapAt(i, j)
            i -= 1
        }
    }
}
