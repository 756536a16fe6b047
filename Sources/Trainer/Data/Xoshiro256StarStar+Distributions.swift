import Foundation

extension Xoshiro256StarStar {
    /// Returns a uniform `Double` in `[0, 1)`: the top 53 bits of one output, scaled.
    ///
    /// Every value is a multiple of 2⁻⁵³, so the result is exact and identical on every
    /// platform.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Returns a uniform integer in `0..<bound` without modulo bias (Lemire's
    /// multiply-and-reject method), consuming one or more outputs.
    ///
    /// - parameter bound: The exclusive upper bound. A bound of 0 returns 0 without
    ///   consuming any output, so callers need not special-case empty ranges.
    public mutating func nextInt(below bound: UInt64) -> UInt64 {
        guard bound > 0 else { return 0 }
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// Returns a uniform integer in `range` without modulo bias.
    ///
    /// - parameter range: Any closed range, negative bounds included; a single-value
    ///   range such as `3...3` returns its only value.
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        // A width of 0 means the full 64-bit range; take one raw output.
        let offset = width == 0 ? next() : nextInt(below: width)
        return range.lowerBound &+ Int(truncatingIfNeeded: offset)
    }

    /// Returns a standard normal value by the Box–Muller transform.
    ///
    /// Consumes exactly two outputs and keeps no cached second value, so the generator's
    /// four words remain its whole state. `u1` lies in `(0, 1]`, so the logarithm is
    /// finite. The result is as reproducible as the platform's `log`, `sqrt` and `cos`
    /// (bit-identical on one machine and libm; checkpoints record a data fingerprint so
    /// a different libm is detected rather than silently diverging).
    public mutating func nextGaussian() -> Double {
        let u1 = Double((next() >> 11) + 1) * 0x1p-53
        let u2 = nextUniform()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }
}
