/// The SplitMix64 generator (Steele, Lea and Flood; Vigna's public-domain reference
/// `splitmix64.c`), used only to expand one 64-bit seed into a xoshiro256** state.
///
/// Why our own: Swift's `SystemRandomNumberGenerator` cannot be seeded, and the standard
/// library promises no stable algorithm for `shuffle(using:)`. Exact resume needs every
/// random draw to be reproducible forever from a stored seed, so the generator and
/// everything built on it belong to this project.
///
/// ```swift
/// var mixer = SplitMix64(seed: 0)
/// mixer.next()  // 0xe220a8397b1dcdaf, as the reference implementation prints
/// ```
public struct SplitMix64: Sendable, Hashable {
    /// The whole state: one counter that advances by the golden-ratio increment.
    public private(set) var state: UInt64

    /// Creates a generator whose first output is the reference's first output for `seed`.
    ///
    /// - parameter seed: Any 64-bit value; every value is a valid seed.
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64-bit output and advances the state.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
