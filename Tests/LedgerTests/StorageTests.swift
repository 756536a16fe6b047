import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

@Suite("Storage cost")
struct StorageTests {
    @Test("the rate log costs at most 24 bytes on disk per logged step at 1,000,000 steps in one run")
    func bytesPerStep() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        let steps: Int64 = 1_000_000
        do {
            let ledger = try Ledger(path: path)
            let writer = try ledger.attach(try request("big", target: steps))
            var step: Int64 = 0
            while step < steps {
                try logAndCommit(writer, step..<step + 10_000)
                step += 10_000
            }
            try writer.close(reason: .finished)
        }
        let ledger = try Ledger.openReadOnly(path: path)
        var bytes: Int64 = -1
        var rows: Int64 = -1
        try ledger.query(
            "SELECT sum(pgsize), (SELECT count(*) FROM rate_log) FROM dbstat WHERE name = 'rate_log'",
            row: { row in
                if case .integer(let value) = row[0] { bytes = value }
                if case .integer(let value) = row[1] { rows = value }
            })
        #expect(rows == steps)
        let perStep = Double(bytes) / Double(steps)
        print(
            "rate_log: \(bytes) bytes on disk for \(rows) logged steps = \(String(format: "%.2f", perStep)) bytes/step (dbstat, pages of the table's b-tree)"
        )
        let fileSize = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        print("whole file: \(fileSize) bytes = \(String(format: "%.2f", Double(fileSize) / Double(steps))) bytes/step")
        #expect(bytes > 0)
        #expect(perStep <= 24)
    }
}
