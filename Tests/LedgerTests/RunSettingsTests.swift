import Foundation
import TestSupport
import Testing

@testable import Ledger

@Suite("Run settings")
struct RunSettingsTests {
    struct Setup: Codable, Equatable {
        var model: String
        var seed: Int
        var batchSize: Int
        var momentum: Double?
    }

    @Test("settings accept a JSON object and keep its text as given")
    func objectAccepted() throws {
        let text = #"{ "model": "softmax", "seed": 7, "layers": [1, 2] }"#
        let settings = try RunSettings(json: text)
        #expect(settings.json == text)
        #expect(settings.description == text)
        #expect(try RunSettings(json: "{}") == RunSettings.empty)
        #expect(RunSettings.empty.json == "{}")
    }

    @Test(
        "settings refuse text that is not a JSON object, in one clear line",
        arguments: [
            (#"[1, 2]"#, "not an array"), (#"{seed: 7}"#, "is not valid JSON"), (#"{"seed": 7"#, "is not valid JSON"),
            (#""seed""#, "not a string"), ("7", "not a number"), ("null", "not null"), ("", "is not valid JSON"),
        ])
    func nonObjectRefused(text: String, expected: String) {
        let error = #expect(throws: LedgerError.self) { try RunSettings(json: text) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("must be a JSON object") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("\n") == false)
    }

    @Test("settings encode a Codable value with sorted keys and decode it back")
    func codableRoundTrip() throws {
        let setup = Setup(model: "softmax", seed: 7, batchSize: 32, momentum: 0.9)
        let settings = try RunSettings(encoding: setup)
        #expect(settings.json == #"{"batchSize":32,"model":"softmax","momentum":0.9,"seed":7}"#)
        #expect(try settings.decode(Setup.self) == setup)
        #expect(try RunSettings(json: settings.json) == settings)
        #expect(try RunSettings(encoding: ["b": 2, "a": 1]).json == #"{"a":1,"b":2}"#)
    }

    @Test("settings that are not an object, or do not fit the type, are refused naming the problem")
    func codableRefusals() throws {
        let array = #expect(throws: LedgerError.self) { try RunSettings(encoding: [1, 2]) }
        #expect(array?.code == .invalidArgument)
        #expect(array?.message.contains("not an array") == true, "\(array?.message ?? "")")

        let missing = #expect(throws: LedgerError.self) {
            try RunSettings(json: #"{"model":"softmax","seed":7}"#).decode(Setup.self)
        }
        #expect(missing?.code == .invalidArgument)
        #expect(missing?.message.contains("Setup") == true, "\(missing?.message ?? "")")
        #expect(missing?.message.contains(#"the key "batchSize" is missing"#) == true, "\(missing?.message ?? "")")

        let wrongType = #expect(throws: LedgerError.self) {
            try RunSettings(json: #"{"model":"softmax","seed":"seven","batchSize":32}"#).decode(Setup.self)
        }
        #expect(wrongType?.message.contains(#"the value at "seed""#) == true, "\(wrongType?.message ?? "")")
    }

    @Test("the settings a run is created with come back typed from the writer, the detail and the summary")
    func attachRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let setup = Setup(model: "softmax", seed: 7, batchSize: 32, momentum: nil)
        var creating = try request("demo")
        creating.settings = try RunSettings(encoding: setup)
        let first = try ledger.attach(creating)
        #expect(first.createdRun)
        #expect(first.settings == creating.settings)
        #expect(try first.settings.decode(Setup.self) == setup)
        try logAndCommit(first, 0..<10)
        try first.close(reason: .interrupted)

        // A resume's settings are ignored: the stored ones come back.
        var resuming = try request("demo")
        resuming.settings = try RunSettings(encoding: Setup(model: "softmax", seed: 8, batchSize: 16))
        let second = try ledger.attach(resuming)
        #expect(!second.createdRun)
        #expect(try second.settings.decode(Setup.self) == setup)
        try second.close(reason: .interrupted)

        let detail = try ledger.run(named: "demo")
        #expect(detail.settings == creating.settings)
        #expect(try detail.settings.decode(Setup.self) == setup)
        #expect(try ledger.summaryAndSettings(ofRun: "demo").settings == creating.settings)
        // The stored text is the settings' text, for any SQL client.
        let stored = try sqlite3(directory.path(), "SELECT settings FROM run").stdout
        #expect(stored == creating.settings.json + "\n")
    }
}
