import Schedules
import Testing

@Suite("Schedule config validation")
struct ScheduleValidationTests {
    static func config(_ body: String) -> String {
        #"{"class_name": "InverseTimeDecay", "config": {"# + body + "}}"
    }

    /// Each invalid config, with the field its message must name.
    static let invalidConfigs: [(json: String, field: String, dtype: DType)] = [
        (config(#""initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5"#), "decay_steps", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": -3.5, "decay_rate": 0.5"#), "decay_steps", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1e39, "decay_rate": 0.5"#), "decay_steps", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1e39, "decay_rate": 0.5"#), "decay_steps", .float64),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1e-50, "decay_rate": 0.5"#), "decay_steps", .float32),
        (
            config(#""initial_learning_rate": -0.1, "decay_steps": 1, "decay_rate": 0.5"#), "initial_learning_rate",
            .float32
        ),
        (
            config(#""initial_learning_rate": 1e39, "decay_steps": 1, "decay_rate": 0.5"#), "initial_learning_rate",
            .float32
        ),
        (
            config(#""initial_learning_rate": 1e309, "decay_steps": 1, "decay_rate": 0.5"#), "initial_learning_rate",
            .float64
        ),
        (
            config(#""initial_learning_rate": 1, "decay_steps": 1, "decay_rate": 0.5"#), "initial_learning_rate",
            .float32
        ),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": -0.5"#), "decay_rate", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 1e39"#), "decay_rate", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": "10", "decay_rate": 0.5"#), "decay_steps", .float32),
        (
            config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "staircase": "yes""#),
            "staircase", .float32
        ),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "name": 5"#), "name", .float32),
        (
            config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "warmup": 1"#), "warmup",
            .float32
        ),
        (config(#""initial_learning_rate": 0.1, "decay_rate": 0.5"#), "decay_steps", .float32),
        (#"{"class_name": "InverseTimeDecayy", "config": {}}"#, "class_name", .float32),
        (#"{"class_name": "InverseTimeDecay", "config": [], "extra": 1}"#, "extra", .float32),
    ]

    @Test("each invalid config is refused with a message naming the field")
    func invalidConfigsAreRefused() {
        for (json, field, dtype) in Self.invalidConfigs {
            do {
                _ = try ScheduleCodec.decode(json, dtype: dtype)
                Issue.record("accepted \(json) in \(dtype)")
            } catch let error as ScheduleError {
                #expect(error.field == field, "\(json): \(error.message)")
                #expect(error.message.contains(field), "\(error.message) names \(field)")
                #expect(!error.message.contains("\n"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    static func config(_ className: String, _ body: String) -> String {
        #"{"class_name": ""# + className + #"", "config": {"# + body + "}}"
    }

    /// Each invalid config of the other classes, with the field its message must name and a
    /// word the message must contain.
    static let familyInvalidConfigs: [(json: String, field: String, says: String)] = [
        (
            config("ExponentialDecay", #""initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5"#),
            "decay_steps", "> 0"
        ),
        (
            config("ExponentialDecay", #""initial_learning_rate": 0.1, "decay_steps": 1e39, "decay_rate": 0.5"#),
            "decay_steps", "finite"
        ),
        (
            config("ExponentialDecay", #""initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": -0.5"#),
            "decay_rate", ">= 0"
        ),
        (
            config("ExponentialDecay", #""initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 1e-40"#),
            "decay_rate", "least normal"
        ),
        (
            config("ExponentialDecay", #""initial_learning_rate": 1, "decay_steps": 10, "decay_rate": 0.5"#),
            "initial_learning_rate", "float"
        ),
        (
            config("ExponentialDecay", #""initial_learning_rate": 1e999, "decay_steps": 10, "decay_rate": 0.5"#),
            "initial_learning_rate", "finite"
        ),
        (
            config("PiecewiseConstantDecay", #""boundaries": [10, 5], "values": [0.1, 0.2, 0.3]"#), "boundaries",
            "strictly increasing"
        ),
        (
            config("PiecewiseConstantDecay", #""boundaries": [10, 10], "values": [0.1, 0.2, 0.3]"#), "boundaries",
            "strictly increasing"
        ),
        (
            config("PiecewiseConstantDecay", #""boundaries": [10, 20], "values": [0.1, 0.2]"#), "values",
            "one more than boundaries"
        ),
        (
            config("PiecewiseConstantDecay", #""boundaries": [10], "values": [0.1, 0.2, 0.3]"#), "values",
            "one more than boundaries"
        ),
        (config("PiecewiseConstantDecay", #""boundaries": [], "values": [0.1]"#), "boundaries", "at least one"),
        (config("PiecewiseConstantDecay", #""boundaries": [10], "values": [0.1, 1]"#), "values", "float"),
        (config("PiecewiseConstantDecay", #""boundaries": [10], "values": [0.1, -0.2]"#), "values", ">= 0"),
        (config("PiecewiseConstantDecay", #""boundaries": [10], "values": [0.1, 1e999]"#), "values", "finite"),
        (config("PiecewiseConstantDecay", #""boundaries": [1e999], "values": [0.1, 0.2]"#), "boundaries", "finite"),
        (config("PiecewiseConstantDecay", #""boundaries": [3000000000], "values": [0.1, 0.2]"#), "boundaries", "int32"),
        (config("PiecewiseConstantDecay", #""boundaries": 10, "values": [0.1, 0.2]"#), "boundaries", "array"),
        (
            config("PiecewiseConstantDecay", #""boundaries": [10, "20"], "values": [0.1, 0.2, 0.3]"#), "boundaries",
            "array of numbers"
        ),
        (config("PiecewiseConstantDecay", #""boundaries": [10]"#), "values", "missing"),
        (config("PolynomialDecay", #""initial_learning_rate": 0.1, "decay_steps": -100"#), "decay_steps", "> 0"),
        (
            config("PolynomialDecay", #""initial_learning_rate": 0.1, "decay_steps": 100, "end_learning_rate": -0.1"#),
            "end_learning_rate", ">= 0"
        ),
        (
            config("PolynomialDecay", #""initial_learning_rate": 0.1, "decay_steps": 100, "power": -1.0"#), "power",
            ">= 0"
        ),
        (
            config("PolynomialDecay", #""initial_learning_rate": 0.1, "decay_steps": 100, "power": 1e39"#), "power",
            "finite"
        ),
        (
            config("PolynomialDecay", #""initial_learning_rate": 0.1, "decay_steps": 100, "cycle": "no""#), "cycle",
            "true or false"
        ),
        (config("CosineDecay", #""initial_learning_rate": 0.1, "decay_steps": 0.0"#), "decay_steps", "> 0"),
        (config("CosineDecay", #""initial_learning_rate": 0.1, "decay_steps": 1e-50"#), "decay_steps", "rounds to 0"),
        (config("CosineDecay", #""initial_learning_rate": 0.1, "decay_steps": 100, "alpha": -0.1"#), "alpha", ">= 0"),
        (
            config(
                "CosineDecay",
                #""initial_learning_rate": 0.1, "decay_steps": 100, "warmup_target": 1e39, "warmup_steps": 5"#),
            "warmup_target", "finite"
        ),
        (
            config(
                "CosineDecay",
                #""initial_learning_rate": 0.1, "decay_steps": 100, "warmup_target": 0.1, "warmup_steps": -5"#),
            "warmup_steps", ">= 0"
        ),
        (
            config("CosineDecay", #""initial_learning_rate": 0.1, "decay_steps": 100, "warmup_target": "high""#),
            "warmup_target", "number"
        ),
        (
            config("CosineDecayRestarts", #""initial_learning_rate": 0.1, "first_decay_steps": 0"#),
            "first_decay_steps", "> 0"
        ),
        (
            config("CosineDecayRestarts", #""initial_learning_rate": 0.1, "first_decay_steps": 1e999"#),
            "first_decay_steps", "finite"
        ),
        (
            config("CosineDecayRestarts", #""initial_learning_rate": 0.1, "first_decay_steps": 10, "t_mul": 0.0"#),
            "t_mul", "> 0"
        ),
        (
            config("CosineDecayRestarts", #""initial_learning_rate": 0.1, "first_decay_steps": 10, "t_mul": -2.0"#),
            "t_mul", "> 0"
        ),
        (
            config("CosineDecayRestarts", #""initial_learning_rate": 0.1, "first_decay_steps": 10, "m_mul": 0"#),
            "m_mul", "> 0"
        ),
        (
            config("CosineDecayRestarts", #""initial_learning_rate": 0.1, "first_decay_steps": 10, "m_mul": 1e39"#),
            "m_mul", "finite"
        ),
        (
            config("CosineDecayRestarts", #""initial_learning_rate": 0.1, "first_decay_steps": 10, "alpha": -1.0"#),
            "alpha", ">= 0"
        ),
        (
            config("CosineDecayRestarts", #""initial_learning_rate": 0.1, "first_decay_steps": 10, "decay_steps": 10"#),
            "decay_steps", "unknown key"
        ),
    ]

    @Test("each invalid config of the other classes is refused with a message naming the field")
    func familyInvalidConfigsAreRefused() {
        for (json, field, says) in Self.familyInvalidConfigs {
            for dtype in DType.allCases {
                do {
                    _ = try ScheduleCodec.decode(json, dtype: dtype)
                    Issue.record("accepted \(json) in \(dtype)")
                } catch let error as ScheduleError {
                    #expect(error.field == field, "\(json): \(error.message)")
                    #expect(error.message.contains(field), "\(error.message) names \(field)")
                    #expect(error.message.contains(says), "\(error.message) says \(says)")
                    #expect(!error.message.contains("\n"))
                } catch {
                    Issue.record("unexpected error \(error)")
                }
            }
        }
    }

    @Test("an integer initial rate is refused, saying Keras would truncate decay_rate")
    func integerInitialRateIsExplained() {
        #expect {
            _ = try ScheduleCodec.decode(
                Self.config(#""initial_learning_rate": 1, "decay_steps": 1, "decay_rate": 0.5"#))
        } throws: { error in
            "\(error)".contains("truncates decay_rate")
        }
    }

    @Test("text that is not JSON, or NaN, is refused with one line")
    func nonJSONIsRefused() {
        for text in [
            "", "{", "nope", #"{"class_name": NaN}"#, "[1, 2", #"{"a": 1, "a": 2}"#, String(repeating: "[", count: 500),
        ] {
            #expect(throws: ScheduleError.self) { _ = try ScheduleCodec.decode(text) }
        }
    }

    @Test("step tokens: integers, fractions, and refusals")
    func stepTokens() throws {
        #expect(try ScheduleStep(parsing: "12") == .integer(12))
        #expect(try ScheduleStep(parsing: "9223372036854775807") == .integer(Int64.max))
        #expect(try ScheduleStep(parsing: "2.5") == .fractional(2.5))
        #expect(try ScheduleStep(parsing: "1e3") == .fractional(1000))
        for bad in ["", "-1", "abc", "9223372036854775808", "1e999", "0x10", "1.2.3", " 1", "-2.5", "inf", "nan"] {
            #expect(throws: ScheduleError.self, "\(bad)") { _ = try ScheduleStep(parsing: bad) }
        }
    }
}
