import Foundation
import Ledger
import TestSupport
import Testing

/// The tamper suite of issue 12, on the built binary: each table and column of a run's
/// history edited, given an extra row and robbed of one with the `sqlite3` shell. `audit`
/// must exit 1 naming it, and `train` must refuse to resume with the same finding and
/// leave the file byte for byte as it was.
@Suite("Tampering with a run's history")
struct TamperTests {
    /// One tampering: its name, the SQL, and a phrase the finding must contain.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var sql: String
        var finding: String
        var description: String { name }
    }

    /// A run `demo` whose history has every kind of record: three trainer segments and one
    /// of a library writer that committed past its checkpoint (so the next resume moved
    /// rows 300..<350 to the audit trail), a recorded schedule change at step 300, kept
    /// checkpoints, losses, and every segment closed. 12 chain links: a resume checks them all.
    static func makeHistory(in folder: TemporaryDirectory) throws -> String {
        let db = folder.path("ledger.sqlite")
        let base = ["train", "--db", db, "--run", "demo", "--checkpoint-every", "100", "--seed", "3"]
        let first = try LRLedgerProcess.run(base + ["--steps", "300"])
        #expect(first.status == 0, "\(first.stderr)")
        // A library writer logs past its checkpoint and commits the counter without a state.
        let ledger = try Ledger(path: db)
        let writer = try ledger.attach(AttachRequest(run: "demo", targetSteps: 350, logEvery: 1))
        for step in Int64(300)..<350 { writer.log(step: step, rate: writer.schedule.rate(at: step), loss: 0.25) }
        try writer.commit(step: 350, state: nil)
        try writer.close(reason: .interrupted)
        try ledger.close()
        let second = try LRLedgerProcess.run(
            base + ["--steps", "500", "--change-schedule", "--initial-learning-rate", "0.05"])
        #expect(second.status == 0, "\(second.stderr)")
        let clean = try LRLedgerProcess.run(["audit", "demo", "--db", db])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(try SQLiteShell.query(db, "SELECT count(*) FROM rate_log_superseded") == "50")
        #expect(try SQLiteShell.query(db, "SELECT count(*) FROM schedule_version") == "2")
        return db
    }

    static let cases: [Case] = [
        Case(
            name: "rate edited", sql: "UPDATE rate_log SET rate = rate * 2 WHERE step = 123", finding: "steps 100..<200"
        ),
        Case(
            name: "loss edited", sql: "UPDATE rate_log SET loss = loss + 1e-9 WHERE step = 456",
            finding: "steps 400..<500"),
        Case(
            name: "rate row inserted", sql: "INSERT INTO rate_log VALUES (1, 10000, 0.1, NULL)", finding: "step 10000"),
        Case(name: "rate row deleted", sql: "DELETE FROM rate_log WHERE step = 250", finding: "step 250"),
        Case(
            name: "rate rows 200-205 deleted", sql: "DELETE FROM rate_log WHERE step BETWEEN 200 AND 205",
            finding: "steps 200...205"),
        Case(name: "every rate row deleted", sql: "DELETE FROM rate_log", finding: "missing from the history"),
        Case(
            name: "last 100 rate rows deleted", sql: "DELETE FROM rate_log WHERE step >= 400",
            finding: "steps 400...499"),
        Case(
            name: "superseded rate edited", sql: "UPDATE rate_log_superseded SET rate = 0.5 WHERE step = 320",
            finding: "steps 300..<350"),
        Case(
            name: "superseded row inserted",
            sql:
                "INSERT INTO rate_log_superseded (run_id, step, rate, segment_id, superseded_by, superseded_at, reason) VALUES (1, 360, 0.1, 2, 3, '', '')",
            finding: "step 360"),
        Case(
            name: "superseded row deleted", sql: "DELETE FROM rate_log_superseded WHERE step = 333", finding: "step 333"
        ),
        Case(
            name: "segment end reason edited", sql: "UPDATE segment SET end_reason = 'finished' WHERE id = 2",
            finding: "'closed 2 350 interrupted"),
        Case(
            name: "segment inserted",
            sql:
                "INSERT INTO segment (run_id, pid, host, start_step, end_step, started_at, ended_at, heartbeat_at, end_reason) VALUES (1, 1, 'x', 500, 500, '', '', '', 'finished')",
            finding: "segment 4 is not in the run's chain"),
        Case(name: "segment deleted", sql: "DELETE FROM segment WHERE id = 2", finding: "segment 2"),
        Case(
            name: "checkpoint state edited",
            sql: "UPDATE checkpoint SET state = zeroblob(length(state)) WHERE step = 400",
            finding: "checkpoint at step 400 no longer matches its SHA-256"),
        Case(
            name: "checkpoint step edited", sql: "UPDATE checkpoint SET step = 450 WHERE step = 500",
            finding: "step 450"),
        Case(
            name: "checkpoint inserted",
            sql:
                "INSERT INTO checkpoint (run_id, step, state, sha256, segment_id, created_at) SELECT run_id, 50, state, sha256, segment_id, created_at FROM checkpoint WHERE step = 400",
            finding: "checkpoint at step 50"),
        Case(
            name: "checkpoint deleted", sql: "DELETE FROM checkpoint WHERE step = 500",
            finding: "checkpoint at step 500"),
        Case(
            name: "schedule dtype edited", sql: "UPDATE schedule_version SET dtype = 'float64' WHERE id = 1",
            finding: "float64"),
        Case(
            name: "schedule from_step edited", sql: "UPDATE schedule_version SET from_step = 250 WHERE id = 2",
            finding: ":250:"),
        Case(
            name: "schedule version inserted",
            sql:
                "INSERT INTO schedule_version (run_id, from_step, config, dtype, sha256, created_at) SELECT run_id, 400, config, dtype, sha256, created_at FROM schedule_version WHERE id = 1",
            finding: "schedule version 3"),
        Case(name: "schedule change deleted", sql: "DELETE FROM schedule_version WHERE id = 2", finding: "versions"),
        Case(name: "step counter edited", sql: "UPDATE run SET step = 400", finding: "step counter is 400"),
        Case(
            name: "chain link deleted", sql: "DELETE FROM chain_link WHERE seq = 9",
            finding: "chain links 9..<10 are missing"),
    ]

    @Test(
        "audit exits 1 naming the tampering, and train refuses it with the same finding, changing no byte",
        arguments: cases)
    func tamperingIsFoundAndRefused(_ tampering: Case) throws {
        let folder = try TemporaryDirectory()
        let db = try Self.makeHistory(in: folder)
        _ = try SQLiteShell.modify(db, tampering.sql)

        let audit = try LRLedgerProcess.run(["audit", "demo", "--db", db])
        let bytes = try #require(LedgerFiles.bytes(db))
        let log = LedgerFiles.bytes(db + "-wal")
        #expect(audit.status == 1, "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains(tampering.finding), "\(audit.stdout)")

        let train = try LRLedgerProcess.run(["train", "--db", db, "--run", "demo", "--steps", "600"])
        #expect(train.status != 0, "\(train.stdout)")
        #expect(train.stderr.contains("cannot resume"), "\(train.stderr)")
        // The finding train names is one audit lists, word for word.
        let finding =
            train.stderr.components(separatedBy: "cannot resume: ").last?
            .components(separatedBy: " (and ").first?.components(separatedBy: "; audit the run").first ?? "?"
        #expect(audit.stdout.contains(finding), "train said \(finding); audit said \(audit.stdout)")
        #expect(LedgerFiles.bytes(db) == bytes, "train changed the file")
        #expect(LedgerFiles.bytes(db + "-wal") == log, "train changed the write-ahead log")
    }
}
