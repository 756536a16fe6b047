import Testing

@testable import Trainer

struct WorkloadSettingsTests {
    @Test("out-of-range settings are refused, naming the field and the value")
    func validation() throws {
        let batch = try #require(throws: WorkloadError.self) { try WorkloadSettings(batchSize: 0) }
        #expect(batch.field == "batch_size")
        #expect(batch.message.contains("got 0"))
        for momentum in [1.0, -0.1, .nan, .infinity] {
            let error = try #require(throws: WorkloadError.self) { try WorkloadSettings(momentum: momentum) }
            #expect(error.field == "momentum")
        }
        #expect(throws: WorkloadError.self) { try WorkloadSettings(dataFingerprint: "ABC") }
        #expect(throws: WorkloadError.self) { try WorkloadSettings(model: .noModel, dataPath: "x.csv") }
        #expect(throws: WorkloadError.self) { try WorkloadSettings(dataPath: "") }
    }

    @Test("the JSON form is one stable line with sorted keys and explicit nulls")
    func stableJSON() throws {
        let settings = try WorkloadSettings(model: .softmax, seed: 42, batchSize: 32, momentum: 0.9)
        #expect(
            settings.jsonText()
                == #"{"batch_size":32,"data_fingerprint":null,"data_path":null,"model":"softmax","momentum":0.9,"seed":42}"#
        )
        let none = try WorkloadSettings(model: .noModel, seed: 1, momentum: -0.0)
        #expect(none.jsonText().contains(#""model":"none""#))
        #expect(none.jsonText().contains(#""momentum":0.0"#))
    }

    @Test("the JSON form round-trips every value exactly")
    func roundTrip() throws {
        let settings = try WorkloadSettings(
            model: .softmax, seed: .max, batchSize: 7, momentum: 0.1 + 0.2, dataPath: "dir/\"odd\"\\name\n.csv",
            dataFingerprint: String(repeating: "ab", count: 32))
        let decoded = try WorkloadSettings(jsonText: settings.jsonText())
        #expect(decoded == settings)
        #expect(decoded.momentum.bitPattern == (0.1 + 0.2).bitPattern)
        #expect(decoded.jsonText() == settings.jsonText())
    }

    @Test("bad settings JSON is refused with the key concerned")
    func badJSON() throws {
        #expect(throws: WorkloadError.self) { try WorkloadSettings(jsonText: "not json") }
        let missing = try #require(throws: WorkloadError.self) {
            try WorkloadSettings(jsonText: #"{"model":"softmax","seed":1,"momentum":0}"#)
        }
        #expect(missing.field == "batch_size")
        let invalid = try #require(throws: WorkloadError.self) {
            try WorkloadSettings(jsonText: #"{"model":"softmax","seed":1,"batch_size":0,"momentum":0}"#)
        }
        #expect(invalid.code == .invalidSetting)
        let unknownModel = try #require(throws: WorkloadError.self) {
            try WorkloadSettings(jsonText: #"{"model":"mlp","seed":1,"batch_size":2,"momentum":0}"#)
        }
        #expect(unknownModel.field == "model")
    }

    @Test("differences name each setting that would change the run")
    func differences() throws {
        let stored = try WorkloadSettings(seed: 1, batchSize: 32, momentum: 0.9)
        #expect(try WorkloadSettings(seed: 1, batchSize: 32, momentum: 0.9).differences(from: stored).isEmpty)
        let changed = try WorkloadSettings(seed: 2, batchSize: 16, momentum: 0.9, dataPath: "d.csv")
        #expect(changed.differences(from: stored).count == 3)
        #expect(changed.differences(from: stored)[0] == "seed is 2 but the run uses 1")
    }
}
