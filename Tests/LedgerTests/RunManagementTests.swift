import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

/// Deleting, renaming and annotating runs through the `Ledger` API.
struct RunManagementTests {
    /// A ledger with run `name` trained to step 30 in three commits, then closed.
    private func trainedRun(_ name: String, in directory: TemporaryDirectory) throws -> Ledger {
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try request(name))
        try logAndCommit(writer, 0..<10)
        try logAndCommit(writer, 10..<20)
        try logAndCommit(writer, 20..<30)
        try writer.close(reason: .interrupted)
        return ledger
    }

    @Test("a renamed run audits clean, and still does after it resumes and trains under its new name")
    func renameKeepsChainVerifiable() throws {
        let directory = try TemporaryDirectory()
        let ledger = try trainedRun("demo", in: directory)
        try ledger.renameRun("demo", to: "demo-lr0.1")
        #expect(throws: LedgerError.self) { try ledger.run(named: "demo") }
        let renamed = try ledger.audit(run: "demo-lr0.1")
        #expect(renamed.isClean, "\(renamed.findings.map(\.message))")

        let writer = try ledger.attach(try request("demo-lr0.1"))
        #expect(writer.resumeStep == 30)
        try logAndCommit(writer, 30..<40)
        try writer.close(reason: .finished)
        try ledger.renameRun("demo-lr0.1", to: "Demo-final")
        let report = try ledger.audit(run: "Demo-final")
        #expect(report.isClean, "\(report.findings.map(\.message))")
        #expect(try historyRows(ledger, "Demo-final").count == 40)
        let events = try ledger.run(named: "Demo-final").events.filter { $0.kind == "renamed" }.map(\.message)
        #expect(events.count == 2)
        #expect(events.first?.hasPrefix("renamed from demo to demo-lr0.1 by pid") == true)
    }

    @Test("a rename link names the old name: editing it, or the run's name with SQL, is an audit finding")
    func renameIsTamperEvident() throws {
        let directory = try TemporaryDirectory()
        let ledger = try trainedRun("demo", in: directory)
        try ledger.renameRun("demo", to: "renamed")
        _ = try sqlite3(directory.path(), "UPDATE chain_link SET renamed_from = 'other' WHERE kind = 'rename'")
        let edited = try ledger.audit(run: "renamed")
        #expect(!edited.isClean)
        #expect(edited.findings.contains { $0.kind == .chainMismatch })
        _ = try sqlite3(directory.path(), "UPDATE chain_link SET renamed_from = 'demo' WHERE kind = 'rename'")
        #expect(try ledger.audit(run: "renamed").isClean)
        _ = try sqlite3(directory.path(), "UPDATE run SET name = 'sneaky'")
        #expect(!(try ledger.audit(run: "sneaky")).isClean)
    }

    @Test("a rename to a taken, close or invalid name is refused and changes nothing")
    func renameRefusals() throws {
        let directory = try TemporaryDirectory()
        let ledger = try trainedRun("resnet-a", in: directory)
        let other = try ledger.attach(try request("baseline"))
        try logAndCommit(other, 0..<5)
        try other.close(reason: .finished)
        func code(_ body: () throws -> Void) -> LedgerError.Code? {
            do { try body() } catch let error as LedgerError { return error.code } catch { return nil }
            return nil
        }
        #expect(code { try ledger.renameRun("resnet-a", to: "baseline") } == .runExists)
        #expect(code { try ledger.renameRun("resnet-a", to: "Baseline") } == .similarRunExists)
        #expect(code { try ledger.renameRun("resnet-a", to: "baselin") } == .similarRunExists)
        #expect(code { try ledger.renameRun("resnet-a", to: "bad\u{1B}[31mname") } == .invalidArgument)
        #expect(code { try ledger.renameRun("resnet-a", to: "") } == .invalidArgument)
        #expect(code { try ledger.renameRun("nosuch", to: "fresh") } == .runNotFound)
        #expect(try ledger.runs().map(\.name).sorted() == ["baseline", "resnet-a"])
        // Fixing the case of its own name is allowed: the run itself is not another run.
        try ledger.renameRun("resnet-a", to: "ResNet-A")
        #expect(try ledger.audit(run: "ResNet-A").isClean)
    }

    @Test("delete removes the run and everything of it in one go, and keeps a deleted_run record")
    func deleteRemovesEverything() throws {
        let directory = try TemporaryDirectory()
        let ledger = try trainedRun("gone", in: directory)
        // A rewind puts rows in the audit trail, so every table has rows of the run.
        let writer = try ledger.attach(try request("gone"))
        try logAndCommit(writer, 30..<35, checkpoint: false)
        try writer.close(reason: .interrupted)
        let rewound = try ledger.attach(try request("gone"))
        try rewound.close(reason: .interrupted)
        try ledger.addNote(toRun: "gone", "typo in the seed")
        let keep = try ledger.attach(try request("kept"))
        try logAndCommit(keep, 0..<5)
        try keep.close(reason: .finished)

        let deleted = try ledger.deleteRun(named: "gone")
        #expect(deleted.step == 30)
        #expect(deleted.rateRows == 30)
        #expect(deleted.supersededRows == 5)
        let counts = try sqlite3(
            directory.path(),
            """
            SELECT (SELECT count(*) FROM rate_log WHERE run_id NOT IN (SELECT id FROM run))
                + (SELECT count(*) FROM rate_log_superseded) + (SELECT count(*) FROM segment WHERE run_id NOT IN (SELECT id FROM run))
                + (SELECT count(*) FROM schedule_version WHERE run_id NOT IN (SELECT id FROM run))
                + (SELECT count(*) FROM checkpoint WHERE run_id NOT IN (SELECT id FROM run))
                + (SELECT count(*) FROM chain_link WHERE run_id NOT IN (SELECT id FROM run))
                + (SELECT count(*) FROM run_event WHERE run_id NOT IN (SELECT id FROM run));
            SELECT name || ' ' || step || ' ' || rate_rows || ' ' || superseded_rows || ' ' || (chain_head IS NOT NULL)
                FROM deleted_runs;
            PRAGMA foreign_key_check;
            """)
        #expect(counts.stdout == "0\ngone 30 30 5 1\n")
        #expect(try ledger.runs().map(\.name) == ["kept"])
        #expect(try ledger.audit(run: "kept").isClean)
        #expect(throws: LedgerError.self) { try ledger.deleteRun(named: "gone") }
    }

    @Test("delete, rename and note are refused, naming the pid and host, while a live writer holds the run")
    func refusedWhileWriting() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger(path: directory.path())
        let writer = try ledger.attach(try request("busy"))
        try logAndCommit(writer, 0..<10)
        let me = ProcessInfo.processInfo.processIdentifier
        for change in [RunChange.delete(run: "busy"), .rename(run: "busy", to: "calm"), .note(run: "busy", text: "hi")]
        {
            do {
                switch change {
                case .delete: try ledger.deleteRun(named: "busy")
                case .rename: try ledger.renameRun("busy", to: "calm")
                case .note: try ledger.addNote(toRun: "busy", "hi")
                }
                Issue.record("\(change) was not refused")
            } catch let error as LedgerError {
                #expect(error.code == .runBusy)
                #expect(error.message.contains("pid \(me) on host "))
            }
            #expect(throws: LedgerError.self) { try Ledger.openReadOnly(path: directory.path()).checkChange(change) }
        }
        try logAndCommit(writer, 10..<20)
        try writer.close(reason: .finished)
        try ledger.addNote(toRun: "busy", "now it works")
        #expect(try ledger.run(named: "busy").events.last?.message == "now it works")
    }

    @Test("an empty note, or one holding control characters, is refused")
    func noteRefusals() throws {
        let directory = try TemporaryDirectory()
        let ledger = try trainedRun("demo", in: directory)
        #expect(throws: LedgerError.self) { try ledger.addNote(toRun: "demo", "  ") }
        #expect(throws: LedgerError.self) { try ledger.addNote(toRun: "demo", "red \u{1B}[31m") }
        try ledger.addNote(toRun: "demo", "two\nlines")
        let notes = try ledger.run(named: "demo").events.filter { $0.kind == "note" }
        #expect(notes.map(\.message) == ["two\nlines"])
        #expect(notes.first?.step == 30)
        #expect(try ledger.audit(run: "demo").isClean)
    }
}
