import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

@Suite("Audit")
struct AuditTests {
    /// A ledger with run `demo`: 1,000 committed steps over two segments.
    func makeRun(_ path: String) throws -> Ledger {
        let ledger = try Ledger(path: path)
        let first = try ledger.attach(try request("demo"))
        try logAndCommit(first, 0..<400)
        try first.close(reason: .interrupted)
        let second = try ledger.attach(try request("demo"))
        try logAndCommit(second, 400..<1000)
        try second.close(reason: .finished)
        return ledger
    }

    @Test("a run written through the ledger audits clean, every row checked")
    func cleanRun() throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeRun(directory.path())
        let report = try ledger.audit(run: "demo")
        #expect(report.isClean, "\(report.findings)")
        #expect(report.rowsChecked == 1000)
        #expect(report.segmentsChecked == 2)
        #expect(report.schedulesChecked == 1)
        #expect(try ledger.auditAll().map(\.run) == ["demo"])
    }

    @Test("audit finds a single rate row altered by plain SQL, naming its step")
    func alteredRate() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        _ = try makeRun(path)
        // The next float32 after the logged value: the smallest possible edit.
        let nudged = Double(Float(docRate(567)).nextUp)
        let result = try sqlite3(path, "UPDATE rate_log SET rate = \(nudged) WHERE step = 567")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Ledger.openReadOnly(path: path).audit(run: "demo")
        // The recomputed rate differs, and so does the digest of the commit that wrote step 567.
        #expect(report.findings.map(\.kind) == [.rateMismatch, .chainMismatch], "\(report.findings)")
        #expect(report.findings.first?.step == 567)
        #expect(report.findings.first?.message.contains("567") == true)
        #expect(report.findings.last?.step == 400)
        #expect(report.findings.last?.message.contains("steps 400..<1000") == true)
        #expect(report.rowsChecked == 1000)
    }

    @Test("schedule tampering is detected by audit and refused by attach")
    func scheduleTampering() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        _ = try makeRun(path)
        let result = try sqlite3(
            path, "UPDATE schedule_version SET config = replace(config, '\"decay_rate\":0.5', '\"decay_rate\":0.25')")
        #expect(result.status == 0, "\(result.stderr)")
        let changed = try sqlite3(path, "SELECT config FROM schedule_version")
        #expect(changed.stdout.contains("\"decay_rate\":0.25"))

        let ledger = try Ledger(path: path)
        let report = try ledger.audit(run: "demo")
        #expect(report.findings.contains { $0.kind == .scheduleTampered && $0.step == 0 })
        // The tampered schedule no longer gives the logged rates (step 0 still matches).
        #expect(report.findings.contains { $0.kind == .rateMismatch && $0.step == 1 })
        let error = #expect(throws: LedgerError.self) { try ledger.attach(try request("demo")) }
        #expect(error?.code == .scheduleTampered)
        #expect(error?.message.contains("SHA-256") == true)
        #expect(try ledger.run(named: "demo").segments.count == 2)
    }

    @Test("audit reports a gap between segments, a row past the committed step and a counter off its checkpoint")
    func bookkeepingFindings() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        _ = try makeRun(path)
        let result = try sqlite3(
            path,
            """
            UPDATE segment SET start_step = 390 WHERE id = 2;
            INSERT INTO rate_log (run_id, step, rate) VALUES (1, 1000, 0.1);
            UPDATE run SET step = 1001;
            """)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Ledger.openReadOnly(path: path).audit(run: "demo")
        let kinds = Set(report.findings.map(\.kind))
        #expect(kinds.contains(.segmentGap))
        #expect(kinds.contains(.counterCheckpointMismatch))
        #expect(kinds.contains(.segmentInconsistent))
        #expect(kinds.contains(.rateMismatch))
        #expect(!kinds.contains(.rowPastCommittedStep))
        let sqlResult = try sqlite3(path, "UPDATE run SET step = 900")
        #expect(sqlResult.status == 0)
        let later = try Ledger.openReadOnly(path: path).audit(run: "demo")
        // Steps 900...1000 are past the counter: 20 listed, the other 81 counted.
        #expect(later.findings.filter { $0.kind == .rowPastCommittedStep }.count == AuditReport.findingsPerKind)
        #expect(
            later.findings.contains { $0.kind == .moreFindings && $0.message.contains("81 more rowPastCommittedStep") })
    }

    @Test("audit checks a million rows, streaming them, and finds a clean run clean")
    func auditMillionRows() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try request("big"))
        var step: Int64 = 0
        while step < 1_000_000 {
            try logAndCommit(writer, step..<step + 50_000, checkpoint: false)
            step += 50_000
        }
        try writer.close(reason: .finished)
        // Its speed is measured by scripts/bench (audit vs a plain scan), not here.
        let report = try? ledger.audit(run: "big")
        #expect(report?.isClean == true)
        #expect(report?.rowsChecked == 1_000_000)
    }
}
