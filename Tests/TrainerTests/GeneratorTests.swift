import Testing

@testable import Trainer

struct GeneratorTests {
    // Reference values printed by Vigna's splitmix64.c and xoshiro256starstar.c
    // (prng.di.unimi.it), compiled with gcc; not derived from this implementation.

    @Test("SplitMix64 reproduces the reference implementation's outputs for seeds 0 and 1")
    func splitMixMatchesReference() {
        var zero = SplitMix64(seed: 0)
        #expect(
            (0..<5).map { _ in zero.next() } == [
                0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4, 0x06c4_5d18_8009_454f, 0xf88b_b8a8_724c_81ec,
                0x1b39_896a_51a8_749b,
            ])
        var one = SplitMix64(seed: 1)
        #expect(
            (0..<5).map { _ in one.next() } == [
                0x910a_2dec_8902_5cc1, 0xbeeb_8da1_658e_ec67, 0xf893_a2ee_fb32_555e, 0x71c1_8690_ee42_c90b,
                0x71bb_54d8_d101_b5b9,
            ])
    }

    @Test("xoshiro256** reproduces the reference outputs from an explicit state")
    func xoshiroMatchesReferenceFromState() throws {
        var generator = try Xoshiro256StarStar(state: (1, 2, 3, 4))
        #expect(
            (0..<5).map { _ in generator.next() } == [
                0x2d00, 0, 0x5a00_7080, 0x10e0_0000_0000_9d80, 0x10e0_b61c_e100_9d80,
            ])
    }

    @Test("xoshiro256** seeded through SplitMix64 reproduces the reference outputs")
    func xoshiroMatchesReferenceFromSeed() {
        var generator = Xoshiro256StarStar(seed: 0)
        #expect(
            (0..<5).map { _ in generator.next() } == [
                0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0, 0x6aa5_94f1_262d_2d2c,
                0xbba5_ad4a_1f84_2e59,
            ])
    }

    @Test("the all-zero state is refused because the generator would output zeros forever")
    func zeroStateIsRefused() {
        #expect(throws: CheckpointError.self) { try Xoshiro256StarStar(state: (0, 0, 0, 0)) }
    }

    @Test("uniform integers stay within their bounds and reach every value")
    func uniformIntegerBounds() {
        var generator = Xoshiro256StarStar(seed: 3)
        var seen = Set<UInt64>()
        for _ in 0..<2000 {
            let value = generator.nextInt(below: 7)
            #expect(value < 7)
            seen.insert(value)
        }
        #expect(seen == Set(0..<7))
        for _ in 0..<100 {
            #expect(generator.nextInt(below: 1) == 0)
            #expect((-3...3).contains(generator.nextInt(in: -3...3)))
            #expect(generator.nextInt(in: 5...5) == 5)
            #expect(generator.nextInt(below: UInt64.max) < UInt64.max)
        }
        #expect(generator.nextInt(below: 0) == 0)
    }

    @Test("a bound just above a power of two is not biased toward small values")
    func uniformIntegerIsUnbiased() {
        // Reducing a 64-bit output modulo 3 × 2^62 would fold the top quarter of outputs
        // onto the lowest values: the lower half would get 62.5% of draws, not 50%.
        var generator = Xoshiro256StarStar(seed: 11)
        let bound: UInt64 = 3 << 62
        var low = 0
        for _ in 0..<20_000 where generator.nextInt(below: bound) < bound / 2 {
            low += 1
        }
        #expect((9_500...10_500).contains(low))
    }

    @Test("uniform doubles lie in [0, 1) and Gaussians have mean 0 and variance 1")
    func doublesAndGaussians() {
        var generator = Xoshiro256StarStar(seed: 5)
        var sum = 0.0
        var squares = 0.0
        let count = 20_000
        for _ in 0..<count {
            let u = generator.nextUniform()
            #expect(u >= 0 && u < 1)
            let g = generator.nextGaussian()
            #expect(g.isFinite)
            sum += g
            squares += g * g
        }
        let mean = sum / Double(count)
        #expect(abs(mean) < 0.05)
        #expect(abs(squares / Double(count) - mean * mean - 1) < 0.05)
    }

    @Test("each epoch's data order is a permutation, and epochs differ")
    func dataOrderIsAPermutationPerEpoch() {
        var order = DataOrder(sampleCount: 10, generator: Xoshiro256StarStar(seed: 1))
        let first = (0..<10).map { _ in order.next() }
        let second = (0..<10).map { _ in order.next() }
        #expect(first.sorted() == Array(0..<10))
        #expect(second.sorted() == Array(0..<10))
        #expect(first != second)
        #expect(order.epoch == 1)
    }
}
