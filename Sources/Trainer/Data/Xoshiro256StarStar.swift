/// The xoshiro256** generator (Blackman and Vigna), the project's only source of
/// randomness: data order, initial weights and the built-in synthetic data set.
///
/// Its whole state is four `UInt64`s, so a checkpoint stores it exactly and a resumed
/// run draws the same numbers an uninterrupted run would have drawn. It deliberately
/// does not conform to `RandomNumberGenerator`: the standard library's algorithms that
/// take one (`shuffle(using:)`, `Int.random(in:using:)`) may change between Swift
/// releases, which would silently break resume across toolchains. Use the helpers in
/// `Xoshiro256StarStar+Distributions.swift` instead.
///
/// ```swift
/// var generator = Xoshiro256StarStar(seed: 42)
/// let u = generator.nextUniform()           // in [0, 1)
/// let k = generator.nextInt(below: 10)      // in 0..<10, unbiased
/// ```
public struct Xoshiro256StarStar: Sendable, Hashable {
    /// The four state words, in the reference implementation's order `s[0]...s[3]`.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the state with four successive SplitMix64 outputs, as Vigna recommends.
    ///
    /// - parameter seed: Any 64-bit value; equal seeds give equal sequences.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// Restores a generator from a stored state.
    ///
    /// - parameter state: Four words previously read from `state`.
    /// - throws: `CheckpointError` with code `.corrupt` when all four words are zero,
    ///   the one state xoshiro never leaves (it would output zeros forever).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) throws {
        guard state != (0, 0, 0, 0) else {
            throw CheckpointError(.corrupt, "the stored random-generator state is all zeros, which no run produces")
        }
        self.state = state
    }

    /// Returns the next 64-bit output and advances the state.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, by: 45)
        return result
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.state == rhs.state
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(state.0)
        hasher.combine(state.1)
        hasher.combine(state.2)
        hasher.combine(state.3)
    }

    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

extension Xoshiro256StarStar {
    /// Independent streams derived from one run seed, so that (for example) changing the
    /// data set does not change the initial weights or the data order.
    enum Stream: UInt64 {
        /// The built-in synthetic data set.
        case data = 0x6461_7461_0000_0000
        /// Initial model weights.
        case initialWeights = 0x696e_6974_0000_0000
        /// The per-epoch shuffles of the data order.
        case shuffle = 0x7368_7566_0000_0000
    }

    /// Seeds the generator for one purpose of a run.
    init(seed: UInt64, stream: Stream) {
        self.init(seed: seed ^ stream.rawValue)
    }
}
