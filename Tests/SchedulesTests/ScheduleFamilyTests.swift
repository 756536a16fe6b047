import Schedules
import Testing

@Suite("The Keras schedule family")
struct ScheduleFamilyTests {
    /// Each class's config as Keras's `get_config()` writes it, defaults included, in Keras's key order.
    static let kerasConfigs: [String] = [
        #"{"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.96, "staircase": false, "name": "ExponentialDecay"}, "registered_name": null}"#,
        #"{"module": "keras.optimizers.schedules", "class_name": "PiecewiseConstantDecay", "config": {"boundaries": [100, 200.5], "values": [1.0, 0.5, 1e-05], "name": "PiecewiseConstant"}, "registered_name": null}"#,
        #"{"module": "keras.optimizers.schedules", "class_name": "PolynomialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "end_learning_rate": 0.0001, "power": 1.0, "cycle": false, "name": "PolynomialDecay"}, "registered_name": null}"#,
        #"{"module": "keras.optimizers.schedules", "class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.0, "name": "CosineDecay", "warmup_target": null, "warmup_steps": 0}, "registered_name": null}"#,
        #"{"module": "keras.optimizers.schedules", "class_name": "CosineDecay", "config": {"initial_learning_rate": 0.0, "decay_steps": 1000, "alpha": 0.1, "name": null, "warmup_target": 0.1, "warmup_steps": 100}, "registered_name": null}"#,
        #"{"module": "keras.optimizers.schedules", "class_name": "CosineDecayRestarts", "config": {"initial_learning_rate": 0.1, "first_decay_steps": 10, "t_mul": 2.0, "m_mul": 1.0, "alpha": 0.0, "name": "SGDRDecay"}, "registered_name": null}"#,
        #"{"module": "keras.optimizers.schedules", "class_name": "CosineDecayRestarts", "config": {"initial_learning_rate": 1.0, "first_decay_steps": 7.5, "t_mul": 1, "m_mul": 0.9, "alpha": 0, "name": "warm"}, "registered_name": null}"#,
    ]

    @Test("decode then encode gives Keras's own text, keys in Keras's order and numbers of the same kind")
    func kerasConfigsRoundTrip() throws {
        for text in Self.kerasConfigs {
            let original = try JSONValue(parsing: text)
            for dtype in DType.allCases {
                let schedule = try ScheduleCodec.decode(text, dtype: dtype)
                #expect(schedule.serialized == original, "\(text)")
                #expect(schedule.canonicalJSON == original.compactText)
                let again = try ScheduleCodec.decode(schedule.canonicalJSON, dtype: dtype)
                #expect(again.canonicalJSON == schedule.canonicalJSON)
                for step in [Int64(0), 1, 7, 50, 99, 100, 101, 1234, 1 << 40] {
                    #expect(again.rate(at: step).bitPattern == schedule.rate(at: step).bitPattern)
                }
            }
        }
    }

    /// Each class with only its required keys, and the config Keras's defaults fill in.
    static let defaults: [(given: String, filled: String)] = [
        (
            #"{"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}}"#,
            #"{"initial_learning_rate":0.1,"decay_steps":10,"decay_rate":0.5,"staircase":false,"name":"ExponentialDecay"}"#
        ),
        (
            #"{"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [5], "values": [0.1, 0.01]}}"#,
            #"{"boundaries":[5],"values":[0.1,0.01],"name":"PiecewiseConstant"}"#
        ),
        (
            #"{"class_name": "PolynomialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 100}}"#,
            #"{"initial_learning_rate":0.1,"decay_steps":100,"end_learning_rate":0.0001,"power":1.0,"cycle":false,"name":"PolynomialDecay"}"#
        ),
        (
            #"{"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 100}}"#,
            #"{"initial_learning_rate":0.1,"decay_steps":100,"alpha":0.0,"name":"CosineDecay","warmup_target":null,"warmup_steps":0}"#
        ),
        (
            #"{"class_name": "CosineDecayRestarts", "config": {"initial_learning_rate": 0.1, "first_decay_steps": 10}}"#,
            #"{"initial_learning_rate":0.1,"first_decay_steps":10,"t_mul":2.0,"m_mul":1.0,"alpha":0.0,"name":"SGDRDecay"}"#
        ),
    ]

    @Test("absent keys take Keras's defaults, written back as Keras writes them")
    func defaultsAreKeras() throws {
        for (given, filled) in Self.defaults {
            let schedule = try ScheduleCodec.decode(given)
            #expect(JSONValue.object(schedule.kerasConfig).compactText == filled)
        }
    }

    @Test("the Swift initializers' defaults are Keras's")
    func swiftDefaultsAreKeras() throws {
        let swiftMade: [any LearningRateSchedule] = [
            try ExponentialDecay(initialLearningRate: 0.1, decaySteps: .int(10), decayRate: .float(0.5)),
            try PiecewiseConstantDecay(boundaries: [.int(5)], values: [0.1, 0.01]),
            try PolynomialDecay(initialLearningRate: 0.1, decaySteps: .int(100)),
            try CosineDecay(initialLearningRate: 0.1, decaySteps: .int(100)),
            try CosineDecayRestarts(initialLearningRate: 0.1, firstDecaySteps: .int(10)),
        ]
        for (schedule, (_, filled)) in zip(swiftMade, Self.defaults) {
            #expect(JSONValue.object(schedule.kerasConfig).compactText == filled)
        }
    }

    @Test("PiecewiseConstantDecay compares an integer step with a truncated boundary, a float step in float32")
    func piecewiseCastsBoundariesToTheStepType() throws {
        let schedule = try PiecewiseConstantDecay(boundaries: [.float(2.5), .int(7)], values: [0.3, 0.2, 0.1])
        #expect(schedule.rate(at: 2) == Double(Float(0.3)))
        #expect(schedule.rate(at: 3) == Double(Float(0.2)), "2.5 acts as 2 for an integer step")
        #expect(schedule.rate(atFractionalStep: 2.5) == Double(Float(0.3)))
        #expect(schedule.rate(atFractionalStep: 2.75) == Double(Float(0.2)))
        #expect(schedule.rate(at: 7) == Double(Float(0.2)))
        #expect(schedule.rate(at: 8) == Double(Float(0.1)))
        let wide = try PiecewiseConstantDecay(boundaries: [.int(1)], values: [0.1, 0.01], dtype: .float64)
        #expect(wide.rate(at: 0) == 0.1)
        #expect(wide.rate(at: 2) == 0.01)
    }

    @Test("PolynomialDecay without cycle holds the end rate; with cycle it restarts from each multiple")
    func polynomialCycle() throws {
        let held = try PolynomialDecay(initialLearningRate: 0.1, decaySteps: .int(10), endLearningRate: .float(0.01))
        #expect(held.rate(at: 10) == Double(Float(0.01)))
        #expect(held.rate(at: 1000) == Double(Float(0.01)))
        let cycled = try PolynomialDecay(
            initialLearningRate: 0.1, decaySteps: .int(10), endLearningRate: .float(0.01), cycle: true)
        #expect(cycled.rate(at: 0) == Double(Float(0.1)))
        #expect(cycled.rate(at: 10) == Double(Float(0.01)))
        #expect(cycled.rate(at: 11) > cycled.rate(at: 10), "the decay starts over, over 20 steps")
        #expect(cycled.rate(at: 20) == Double(Float(0.01)))
    }

    @Test("CosineDecay warms up linearly to warmup_target, then decays from it to alpha times it")
    func cosineWarmup() throws {
        let schedule = try CosineDecay(
            initialLearningRate: 0.0, decaySteps: .int(100), alpha: .float(0.1), warmupTarget: .float(0.1),
            warmupSteps: .int(10))
        #expect(schedule.rate(at: 0) == 0)
        #expect(schedule.rate(at: 5) == Double(Float(0.1) * Float(0.5)))
        #expect(schedule.rate(at: 10) == Double(Float(0.1)))
        #expect(schedule.rate(at: 60) < schedule.rate(at: 10))
        #expect(Float(schedule.rate(at: 110)) == Float(0.1) * (Float(0.9) * 0 + Float(0.1)))
        #expect(schedule.rate(at: 10_000) == schedule.rate(at: 110))
    }

    @Test("CosineDecayRestarts restarts at first_decay_steps, then after t_mul times as many, m_mul times lower")
    func cosineRestarts() throws {
        let schedule = try CosineDecayRestarts(
            initialLearningRate: 1.0, firstDecaySteps: .int(10), tMul: .float(2.0), mMul: .float(0.5))
        #expect(schedule.rate(at: 0) == 1.0)
        #expect(schedule.rate(at: 9) < 0.1)
        #expect(schedule.rate(at: 10) == 0.5, "first restart, half the rate")
        #expect(schedule.rate(at: 29) < 0.05)
        #expect(schedule.rate(at: 30) == 0.25, "second restart after 20 more steps")
    }

    @Test("a result below the least normal number is zero, as TensorFlow flushes it")
    func subnormalResultsFlushToZero() throws {
        let tiny = try InverseTimeDecay(initialLearningRate: 2e-38, decaySteps: .int(1), decayRate: .float(1.0))
        #expect(tiny.rate(at: 0) == Double(Float(2e-38)))
        #expect(tiny.rate(at: 3) == 0, "2e-38 / 4 is subnormal in float32")
        let exponential = try ExponentialDecay(initialLearningRate: 1e-37, decaySteps: .int(1), decayRate: .float(0.5))
        #expect(exponential.rate(at: 3) > 0)
        #expect(exponential.rate(at: 5) == 0, "1e-37 / 32 is subnormal in float32")
        let values = try PiecewiseConstantDecay(boundaries: [.int(1)], values: [1e-40, 0.1])
        #expect(values.rate(at: 0) == 0, "a subnormal float32 value reads as zero")
    }
}

@Suite("Optimizer configs")
struct OptimizerConfigTests {
    static let schedule =
        #"{"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.96, "staircase": false, "name": "ExponentialDecay"}, "registered_name": null}"#

    /// `keras.optimizers.SGD(learning_rate=schedule).get_config()`, as Keras 3 writes it.
    static let getConfig =
        #"{"name": "sgd", "learning_rate": "# + schedule
        + #", "weight_decay": null, "clipnorm": null, "global_clipnorm": null, "clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null, "loss_scale_factor": null, "gradient_accumulation_steps": null, "momentum": 0.0, "nesterov": false}"#

    @Test("an optimizer's get_config() and serialize() forms give the schedule under learning_rate")
    func optimizerFormsGiveTheSchedule() throws {
        let expected = try ScheduleCodec.decode(Self.schedule)
        let serialized =
            #"{"module": "keras.optimizers", "class_name": "SGD", "config": "# + Self.getConfig
            + #", "registered_name": null}"#
        let older =
            #"{"class_name": "Adam", "config": {"learning_rate": {"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.96}}, "beta_1": 0.9}}"#
        for text in [Self.getConfig, serialized, older, Self.schedule] {
            for dtype in DType.allCases {
                let schedule = try ScheduleCodec.decode(scheduleOrOptimizer: text, dtype: dtype)
                #expect(schedule.canonicalJSON == expected.canonicalJSON, "\(text)")
                #expect(schedule.dtype == dtype)
            }
        }
    }

    @Test("a constant learning rate is a schedule whose every step uses the number rounded to the dtype")
    func constantLearningRateIsAccepted() throws {
        // Keras keeps a plain learning_rate in a float32 variable: float32(0.001) is
        // 0.0010000000474974513, the value Keras's own get_config() prints.
        let adam = #"{"name": "adam", "learning_rate": 0.001, "beta_1": 0.9}"#
        let serialized = #"{"module": "keras.optimizers", "class_name": "Adam", "config": "# + adam + "}"
        for text in [adam, serialized, "0.001"] {
            let schedule = try ScheduleCodec.decode(scheduleOrOptimizer: text)
            #expect(schedule.canonicalJSON == "0.001", "\(text)")
            for step: Int64 in [0, 1, 1_000_000_000] {
                #expect(schedule.rate(at: step) == 0.0010000000474974513)
            }
            let wide = try ScheduleCodec.decode(scheduleOrOptimizer: text, dtype: .float64)
            #expect(wide.rate(at: 7) == 0.001)
        }
        let stored = try ScheduleCodec.decode(try ScheduleCodec.decode("0.001").canonicalJSON)
        #expect(stored.rate(at: 3) == 0.0010000000474974513)
    }

    @Test("a negative or overflowing constant learning rate is refused, naming learning_rate")
    func badConstantLearningRateIsRefused() {
        for text in [#"{"name": "sgd", "learning_rate": -0.1}"#, "-1.0", "1e39"] {
            #expect {
                _ = try ScheduleCodec.decode(scheduleOrOptimizer: text)
            } throws: { error in
                (error as? ScheduleError)?.field == "learning_rate"
            }
        }
    }

    @Test("a learning_rate that is neither a schedule nor a number is refused; a plain decode takes no optimizer")
    func otherLearningRatesAreRefused() {
        let texts = [
            #"{"name": "sgd", "learning_rate": "fast"}"#,
            #"{"name": "sgd", "learning_rate": {"class_name": "Nope", "config": {}}}"#,
            #"{"name": "sgd", "learning_rate": {"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5}}}"#,
        ]
        let fields = ["learning_rate", "class_name", "decay_steps"]
        for (text, field) in zip(texts, fields) {
            #expect {
                _ = try ScheduleCodec.decode(scheduleOrOptimizer: text)
            } throws: { error in
                (error as? ScheduleError)?.field == field
            }
        }
        #expect(throws: ScheduleError.self) { _ = try ScheduleCodec.decode(Self.getConfig) }
    }
}
