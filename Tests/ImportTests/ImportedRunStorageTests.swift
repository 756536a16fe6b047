import Foundation
import Ledger
import Schedules
import TestSupport
import Testing

/// How an imported run is stored: every source row, the restarts inferred as segments, and
/// the canonical history under the ledger's rule for resumes.
struct ImportedRunStorageTests {
    static func importRows(_ rows: [(Int64, Double)]) throws -> (TemporaryDirectory, Ledger, ImportSummary) {
        let folder = try TemporaryDirectory()
        let ledger = try Ledger(path: folder.path())
        let source = ImportSource(format: "csv", path: "rows.csv", series: "lr", precision: .decimal)
        let summary = try ledger.importRun("run", schedule: try ScheduleCodec.decode("0.1"), source: source) { emit in
            for (step, rate) in rows { try emit(ImportedRecord(step: step, rate: rate, wallTime: nil)) }
        }
        return (folder, ledger, summary)
    }

    @Test("a step going back or repeating starts a segment there; the history keeps each step's last value")
    func restartsBecomeSegments() throws {
        let rows: [(Int64, Double)] = [(0, 0.1), (1, 0.1), (2, 0.1), (3, 0.1), (2, 0.2), (3, 0.2), (4, 0.2), (4, 0.3)]
        let (_, ledger, summary) = try Self.importRows(rows)
        #expect(summary.rows == 8)
        #expect(summary.segments == 3)
        #expect(summary.step == 5)
        let segments = try ledger.outline(ofRun: "run").segments
        #expect(segments.map(\.startStep) == [0, 2, 4])
        #expect(segments.map(\.endStep) == [4, 5, 5])
        #expect(segments.map(\.endReason) == [.interrupted, .interrupted, .finished])
        var history: [(Int64, Double, Int64)] = []
        try ledger.history(run: "run") { history.append(($0.step, $0.rate, $0.segment)) }
        #expect(history.map(\.0) == [0, 1, 2, 3, 4])
        #expect(history.map(\.1) == [0.1, 0.1, 0.2, 0.2, 0.3])
        #expect(history.map(\.2) == [segments[0].id, segments[0].id, segments[1].id, segments[1].id, segments[2].id])
    }

    @Test("an existing name, a bad name and a source with no rows are refused, and nothing is written")
    func refusals() throws {
        let (_, ledger, _) = try Self.importRows([(0, 0.1)])
        let source = ImportSource(format: "csv", path: "rows.csv", series: "lr", precision: .decimal)
        let schedule = try ScheduleCodec.decode("0.1")
        let exists = #expect(throws: LedgerError.self) {
            try ledger.importRun("run", schedule: schedule, source: source) { _ in }
        }
        #expect(exists?.code == .runExists)
        #expect(throws: LedgerError.self) {
            try ledger.importRun("bad\nname", schedule: schedule, source: source) { _ in }
        }
        let empty = #expect(throws: LedgerError.self) {
            try ledger.importRun("empty", schedule: schedule, source: source) { _ in }
        }
        #expect(empty?.message == "rows.csv holds no lr value to import")
        #expect(try ledger.runs().map(\.name) == ["run"])
    }

    @Test("an import that fails part way into a ledger that did not exist leaves no file behind")
    func failedFirstImportLeavesNoFile() throws {
        struct DamagedSource: Error {}
        let folder = try TemporaryDirectory()
        let path = folder.path("fresh.sqlite")
        let ledger = try Ledger(path: path)
        defer { try? ledger.close() }
        let source = ImportSource(format: "csv", path: "rows.csv", series: "lr", precision: .decimal)
        #expect(throws: DamagedSource.self) {
            try ledger.importRun("run", schedule: try ScheduleCodec.decode("0.1"), source: source) { emit in
                try emit(ImportedRecord(step: 0, rate: 0.1, wallTime: nil))
                throw DamagedSource()
            }
        }
        for suffix in ["", "-wal", "-shm"] {
            #expect(!FileManager.default.fileExists(atPath: path + suffix), "\(path + suffix)")
        }
        // The same ledger imports once the source is whole, creating the file then.
        try ledger.importRun("run", schedule: try ScheduleCodec.decode("0.1"), source: source) { emit in
            try emit(ImportedRecord(step: 0, rate: 0.1, wallTime: nil))
        }
        #expect(try ledger.runs().map(\.name) == ["run"])
        #expect(FileManager.default.fileExists(atPath: path))
    }
}
