import Schedules
import Testing

/// A small deterministic generator for property tests, so a failure reproduces.
struct TestGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("InverseTimeDecay")
struct InverseTimeDecayTests {
    static func randomSchedule(_ generator: inout TestGenerator, integerSteps: Bool, staircase: Bool, dtype: DType)
        throws
        -> InverseTimeDecay
    {
        let initial = Double.random(in: 0.0001...1, using: &generator)
        let decaySteps: KerasNumber =
            integerSteps
            ? .int(Int64.random(in: 1...500, using: &generator))
            : .float(Double.random(in: 0.01...500, using: &generator))
        let decayRate: KerasNumber = .float(Double.random(in: 0...20, using: &generator))
        return try InverseTimeDecay(
            initialLearningRate: initial, decaySteps: decaySteps, decayRate: decayRate, staircase: staircase,
            dtype: dtype)
    }

    @Test("the rate never increases with the step for a non-negative decay rate")
    func rateIsNonIncreasing() throws {
        var generator = TestGenerator(state: 1)
        for dtype in DType.allCases {
            for staircase in [false, true] {
                for _ in 0..<200 {
                    let schedule = try Self.randomSchedule(
                        &generator, integerSteps: Bool.random(using: &generator), staircase: staircase, dtype: dtype)
                    var steps = (0..<50).map { _ in Int64.random(in: 0...Int64(1) << 40, using: &generator) }
                    steps.sort()
                    for (earlier, later) in zip(steps, steps.dropFirst()) {
                        #expect(
                            schedule.rate(at: later) <= schedule.rate(at: earlier),
                            "\(schedule.canonicalJSON) \(dtype): step \(later) above step \(earlier)")
                    }
                }
            }
        }
    }

    @Test("staircase holds the rate constant within each decay interval")
    func staircaseIsConstantWithinIntervals() throws {
        var generator = TestGenerator(state: 2)
        for dtype in DType.allCases {
            for _ in 0..<200 {
                let schedule = try Self.randomSchedule(&generator, integerSteps: true, staircase: true, dtype: dtype)
                guard case .int(let decaySteps) = schedule.decaySteps else { continue }
                let interval = Int64.random(in: 0...1000, using: &generator)
                let start = interval * decaySteps
                let first = schedule.rate(at: start)
                for step in start..<(start + decaySteps) {
                    #expect(schedule.rate(at: step).bitPattern == first.bitPattern)
                }
                if decaySteps > 0 && schedule.decayRate.doubleValue > 0.01 {
                    #expect(schedule.rate(at: start + decaySteps) < first, "the next interval decays")
                }
            }
        }
    }

    @Test("continuous mode equals staircase at multiples of decay_steps")
    func continuousEqualsStaircaseAtMultiples() throws {
        var generator = TestGenerator(state: 3)
        for dtype in DType.allCases {
            for _ in 0..<300 {
                var copy = generator
                let smooth = try Self.randomSchedule(&generator, integerSteps: true, staircase: false, dtype: dtype)
                let stairs = try Self.randomSchedule(&copy, integerSteps: true, staircase: true, dtype: dtype)
                guard case .int(let decaySteps) = smooth.decaySteps else { continue }
                for k in [Int64(0), 1, 2, 7, 100, Int64.random(in: 0...30_000, using: &generator)] {
                    let step = k * decaySteps
                    #expect(smooth.rate(at: step).bitPattern == stairs.rate(at: step).bitPattern)
                }
            }
        }
    }

    @Test("the Keras documentation example gives 0.1 / (1 + 0.5 * step)")
    func kerasDocumentationExample() throws {
        let schedule = try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.5))
        // Each value below is the float32 rounding of the exact quotient, computed by hand.
        #expect(schedule.rate(at: 0) == Double(Float(0.1)))
        #expect(schedule.rate(at: 2) == Double(Float(0.1) / Float(2)))
        #expect(schedule.rate(at: 8) == Double(Float(0.1) / Float(5)))
    }

    @Test("a float32 integer step rounds once, so 2^24+1 gives the rate of 2^24")
    func float32StepRoundsOnce() throws {
        let schedule = try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .int(1), decayRate: .float(0.5))
        #expect(schedule.rate(at: (1 << 24) + 1) == schedule.rate(at: 1 << 24))
        let wide = try InverseTimeDecay(
            initialLearningRate: 0.1, decaySteps: .int(1), decayRate: .float(0.5), dtype: .float64)
        #expect(wide.rate(at: (1 << 24) + 1) != wide.rate(at: 1 << 24))
    }

    @Test("float64 rounds fractional hyper-parameters through float32 but takes integers exactly")
    func float64RoundsFractionalHyperParametersThroughFloat32() throws {
        let fractional = try InverseTimeDecay(
            initialLearningRate: 0.1, decaySteps: .float(0.3), decayRate: .float(1.0), dtype: .float64)
        let expected = 0.1 / (1 + 1.0 * (10 / Double(Float(0.3))))
        #expect(fractional.rate(at: 10) == expected)
        #expect(fractional.rate(at: 10) != 0.1 / (1 + 1.0 * (10 / 0.3)))
    }

    @Test("decode then encode gives an equal config")
    func configRoundTrips() throws {
        let texts = [
            #"{"module": "keras.optimizers.schedules", "class_name": "InverseTimeDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "staircase": false, "name": "InverseTimeDecay"}, "registered_name": null}"#,
            #"{"class_name": "InverseTimeDecay", "config": {"initial_learning_rate": 0.001, "decay_steps": 1.0, "decay_rate": 7.25, "staircase": true, "name": null}}"#,
            #"{"class_name": "InverseTimeDecay", "config": {"initial_learning_rate": 1e-05, "decay_steps": 1000, "decay_rate": 0}}"#,
        ]
        for text in texts {
            for dtype in DType.allCases {
                let schedule = try ScheduleCodec.decode(text, dtype: dtype)
                let again = try ScheduleCodec.decode(schedule.canonicalJSON, dtype: dtype)
                #expect(again.canonicalJSON == schedule.canonicalJSON)
                #expect(again.kerasConfig == schedule.kerasConfig)
                let original = try JSONValue(parsing: text)
                guard case .object(let object) = original, case .object(let config) = object["config"] else {
                    Issue.record("fixture is not an object")
                    continue
                }
                for key in config.keys {
                    #expect(schedule.kerasConfig[key] == config[key], "key \(key) keeps its value and kind")
                }
            }
        }
    }
}
