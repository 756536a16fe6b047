import Foundation
import Ledger
import Logging
import Schedules
import Testing

@testable import AttachProtocol

/// A session on a ledger of its own, and the JSON of each response.
final class Conversation {
    let folder: URL
    let session: AttachSession

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lrledger-attach-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        session = AttachSession(
            ledger: { [folder] in try Ledger(path: folder.appendingPathComponent("ledger.sqlite").path) },
            logger: Logger(label: "test"))
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var ledgerPath: String { folder.appendingPathComponent("ledger.sqlite").path }
    var checkpoints: String { folder.appendingPathComponent("checkpoints").path }

    /// Sends one request line and returns the parsed response object.
    func send(_ line: String) throws -> JSONObject {
        guard case .object(let object) = try JSONValue(parsing: session.respond(to: line)) else {
            throw ProtocolError(.malformed, "the response is not an object")
        }
        return object
    }

    func attach(_ run: String = "r", extra: String = "") throws -> JSONObject {
        try send(
            #"{"op":"attach","protocol":1,"run":"\#(run)","target_steps":100,"checkpoint_dir":"\#(checkpoints)","schedule":{"class_name":"InverseTimeDecay","config":{"initial_learning_rate":0.1,"decay_steps":1.0,"decay_rate":0.5}}\#(extra)}"#
        )
    }

    func writeCheckpoint(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: checkpoints + "/" + name))
    }

    func committedStep(_ run: String = "r") throws -> Int64? {
        try Ledger.openReadOnly(path: ledgerPath).runs().first { $0.name == run }?.step
    }
}

extension JSONObject {
    var ok: Bool { self["ok"] == .bool(true) }
    var code: String? {
        guard case .object(let error) = self["error"], case .string(let code) = error["code"] else { return nil }
        return code
    }
    func int(_ key: String) -> Int64? {
        guard case .number(let number) = self[key] else { return nil }
        return number.int64Value
    }
}

@Suite("The attach protocol session")
struct AttachSessionTests {
    @Test("attach, log, commit with a file and close record the run as RunWriter would")
    func fullConversation() throws {
        let conversation = try Conversation()
        let attached = try conversation.attach()
        #expect(attached.ok, "\(attached)")
        #expect(attached["created"] == .bool(true))
        #expect(attached.int("resume_step") == 0)
        #expect(try conversation.send(#"{"op":"log","start":0,"losses":[1.0,null,0.5]}"#).int("buffered") == 3)
        try conversation.writeCheckpoint("c3.bin", "three")
        let committed = try conversation.send(
            #"{"op":"commit","step":3,"checkpoint":{"file":"c3.bin","size":5},"state":{"epoch":0}}"#)
        #expect(committed.ok, "\(committed)")
        #expect(committed.int("rows") == 3)
        #expect(try conversation.send(#"{"op":"close","reason":"interrupted"}"#).ok)

        let resumed = try conversation.attach()
        #expect(resumed.int("resume_step") == 3)
        guard case .object(let checkpoint) = resumed["checkpoint"] else {
            Issue.record("no checkpoint in \(resumed)")
            return
        }
        #expect(checkpoint["file"] == .string("c3.bin"))
        #expect(checkpoint["state"] == (try JSONValue(parsing: #"{"epoch":0}"#)))
        conversation.session.endOfInput()
        let reader = try Ledger.openReadOnly(path: conversation.ledgerPath)
        let detail = try reader.run(named: "r")
        #expect(detail.segments.map(\.endReason) == [.interrupted, .crashed])
        var rates: [Double] = []
        try reader.history(run: "r") { rates.append($0.rate) }
        // InverseTimeDecay(0.1, 1.0, 0.5) in float32: 0.1, 0.1/1.5, 0.1/2.
        #expect(rates == [Double(Float(0.1)), Double(Float(0.1) / Float(1.5)), Double(Float(0.1) / Float(2))])
    }

    @Test("a refused log buffers none of its steps, and a refused commit keeps every buffered row")
    func refusalsChangeNothing() throws {
        let conversation = try Conversation()
        #expect(try conversation.attach().ok)
        #expect(try conversation.send(#"{"op":"log","start":0,"count":5}"#).ok)
        let backwards = try conversation.send(#"{"op":"log","steps":[5,6,4]}"#)
        #expect(backwards.code == "steps_out_of_order")
        let repeated = try conversation.send(#"{"op":"log","start":4,"count":1}"#)
        #expect(repeated.code == "steps_out_of_order")
        let missing = try conversation.send(#"{"op":"commit","step":5,"checkpoint":{"file":"nope.bin"}}"#)
        #expect(missing.code == "checkpoint_mismatch")
        try conversation.writeCheckpoint("c5.bin", "five")
        let wrongDigest = try conversation.send(
            #"{"op":"commit","step":5,"checkpoint":{"file":"c5.bin","sha256":"00"}}"#)
        #expect(wrongDigest.code == "checkpoint_mismatch")
        #expect(try conversation.committedStep() == 0)
        let good = try conversation.send(#"{"op":"commit","step":5,"checkpoint":{"file":"c5.bin"}}"#)
        #expect(good.int("rows") == 5)
        #expect(try conversation.committedStep() == 5)
    }

    @Test("malformed lines, unknown operations and requests before attach get one error each")
    func malformedRequests() throws {
        let conversation = try Conversation()
        #expect(try conversation.send("not json").code == "malformed")
        #expect(try conversation.send(#"{"op":"fly"}"#).code == "malformed")
        #expect(try conversation.send(#"{"op":"log","start":0,"count":1}"#).code == "not_attached")
        #expect(try conversation.attach(extra: #","surprise":1"#).code == "malformed")
        #expect(!FileManager.default.fileExists(atPath: conversation.ledgerPath))
        let version = try conversation.send(#"{"op":"attach","protocol":2,"run":"r","target_steps":1}"#)
        #expect(version.code == "unsupported_protocol")
        let noCreate = try conversation.send(
            #"{"op":"attach","protocol":1,"run":"r","target_steps":1,"creation":"forbidden","schedule":0.01}"#)
        #expect(noCreate.code == "run_not_found")
        #expect(!FileManager.default.fileExists(atPath: conversation.ledgerPath))
    }

    @Test("the rates request gives the schedule's float32 bits")
    func ratesRequest() throws {
        let conversation = try Conversation()
        #expect(try conversation.attach().ok)
        let response = try conversation.send(#"{"op":"rates","start":1,"count":2}"#)
        let expected: JSONValue = .array([
            .number(JSONNumber(literal: Double(Float(0.1) / Float(1.5)).description)),
            .number(JSONNumber(literal: Double(Float(0.1) / Float(2)).description)),
        ])
        #expect(response["rates"] == expected)
    }

    @Test("settings sent with the attach are stored as their compact text and come back on resume")
    func settingsRoundTrip() throws {
        let conversation = try Conversation()
        let sent = #"{"model": "softmax", "seed": 7, "layers": [8, 3], "rate": 2.50}"#
        let attached = try conversation.attach(extra: #","settings":\#(sent)"#)
        #expect(attached.ok, "\(attached)")
        #expect(attached["settings"] == (try JSONValue(parsing: sent)))
        #expect(try conversation.send(#"{"op":"close","reason":"interrupted"}"#).ok)

        let resumed = try conversation.attach(extra: #","settings":{"seed":8}"#)
        #expect(resumed["settings"] == (try JSONValue(parsing: sent)))
        let stored = try Ledger.openReadOnly(path: conversation.ledgerPath).run(named: "r").settings
        #expect(stored.json == #"{"model":"softmax","seed":7,"layers":[8,3],"rate":2.50}"#)

        let refused = try Conversation().attach(extra: #","settings":[1]"#)
        #expect(!refused.ok)
        #expect(refused.code == "malformed")
    }
}
