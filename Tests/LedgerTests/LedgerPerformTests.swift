import Foundation
import TestSupport
import Testing

@testable import Ledger

@Suite("Ledger.perform")
struct LedgerPerformTests {
    @Test("from async code, perform returns what the ledger's calls return, and their errors unchanged")
    func performReturnsResultsAndErrors() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try request("demo"))
        try logAndCommit(writer, 0..<10)
        try writer.close(reason: .finished)
        let runs = try await ledger.perform { try $0.runs() }
        #expect(runs.map(\.name) == ["demo"] && runs.first?.step == 10)
        let error = await #expect(throws: LedgerError.self) {
            try await ledger.perform { try $0.audit(run: "missing") }
        }
        #expect(error?.code == .runNotFound)
    }

    @Test("perform runs the calls outside any Swift task, so they block no thread of the cooperative pool")
    func performRunsOutsideTasks() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        #expect(withUnsafeCurrentTask { $0 != nil })
        let ranInTask = try await ledger.perform { ledger in
            _ = try ledger.runs()
            return withUnsafeCurrentTask { $0 != nil }
        }
        #expect(!ranInTask)
    }
}
