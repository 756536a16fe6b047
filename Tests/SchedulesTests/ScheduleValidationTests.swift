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
        (config(#""initial_learning_rate": -0.1, "decay_steps": 1, "decay_rate": 0.5"#), "initial_learning_rate", .float32),
        (config(#""initial_learning_rate": 1e39, "decay_steps": 1, "decay_rate": 0.5"#), "initial_learning_rate", .float32),
        (config(#""initial_learning_rate": 1e309, "decay_steps": 1, "decay_rate": 0.5"#), "initial_learning_rate", .float64),
        (config(#""initial_learning_rate": 1, "decay_steps": 1, "decay_rate": 0.5"#), "initial_learning_rate", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": -0.5"#), "decay_rate", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 1e39"#), "decay_rate", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": "10", "decay_rate": 0.5"#), "decay_steps", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "staircase": "yes""#), "staircase", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "name": 5"#), "name", .float32),
        (config(#""initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "warmup": 1"#), "warmup", .float32),
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

    @Test("an integer initial rate is refused, saying Keras would truncate decay_rate")
    func integerInitialRateIsExplained() {
        #expect {
            _ = try ScheduleCodec.decode(Self.config(#""initial_learning_rate": 1, "decay_steps": 1, "decay_rate": 0.5"#))
        } throws: { error in
            "\(error)".contains("truncates decay_rate")
        }
    }

    @Test("text that is not JSON, or NaN, is refused with one line")
    func nonJSONIsRefused() {
        for text in ["", "{", "nope", #"{"class_name": NaN}"#, "[1, 2", #"{"a": 1, "a": 2}"#, String(repeating: "[", count: 500)] {
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
