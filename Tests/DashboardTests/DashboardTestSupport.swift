import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Logging
import Schedules
import Testing

/// A temporary folder holding one ledger, removed when released.
final class TestLedger: Sendable {
    let folder: URL
    let path: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lrledger-dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("ledger.sqlite").path
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes a run through the ledger's writer API: one segment per entry of
    /// `segments` (each logging the doc schedule's rate for its steps, committing at
    /// its end and closing with its reason), with `override` replacing the rate logged
    /// at some steps (a spike, or a wrong rate the audit must find).
    func makeRun(
        _ name: String, segments: [(Range<Int64>, EndReason)], target: Int64 = 1_000_000,
        override: [Int64: Double] = [:], loss: Bool = true
    ) throws {
        let ledger = try Ledger(path: path)
        for (range, reason) in segments {
            let writer = try ledger.attach(
                AttachRequest(run: name, defaultSchedule: try docSchedule(), targetSteps: target))
            for step in range {
                writer.log(
                    step: step, rate: override[step] ?? docRate(step), loss: loss ? 1.0 / Double(step + 1) : nil)
            }
            try writer.commit(step: range.upperBound, state: [1, 2, 3])
            try writer.close(reason: reason)
        }
        try ledger.close()
    }

    /// The ledger, read-only, as `lrledger serve` opens it.
    func readOnly() throws -> Ledger {
        try Ledger.openReadOnly(path: path)
    }
}

/// The schedule of Keras's documentation example, InverseTimeDecay(0.1, 1.0, 0.5) in float32.
func docSchedule() throws -> InverseTimeDecay {
    try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.5))
}

/// The doc schedule's rate at `step`, computed independently: Keras's float32 operations.
func docRate(_ step: Int64) -> Double {
    Double(Float(0.1) / (Float(1) + Float(0.5) * (Float(step) / Float(1.0))))
}

/// Runs `body` against the dashboard of `ledger`, in process (no socket).
func withDashboard<Value: Sendable>(
    _ ledger: TestLedger, token: AccessToken? = nil,
    _ body: @Sendable (any TestClientProtocol) async throws -> Value
) async throws -> Value {
    var logger = Logger(label: "test")
    logger.logLevel = .error
    let dashboard = Dashboard(ledger: try ledger.readOnly(), token: token, logger: logger)
    return try await dashboard.makeApplication(listening: .loopback).test(.router, body)
}

extension TestResponse {
    /// The body as text.
    var text: String {
        String(buffer: body)
    }

    /// The body parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// The body decoded as `type`, keys from snake_case. (JSONSerialization may read the
    /// last digit of a double differently; JSONDecoder reads the shortest form exactly.)
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(text.utf8))
    }

    /// The body parsed as a JSON object.
    func object() throws -> [String: Any] {
        try #require(try json() as? [String: Any], "not a JSON object: \(text)")
    }
}

/// `name` percent-encoded as one path component.
func pathComponent(_ name: String) -> String {
    name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
}
