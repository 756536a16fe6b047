import Foundation
import TestSupport
import Testing

/// `lrledger delete`, `rename` and `note` on the built binary, and the rough edges of
/// resuming that a user meets through `train`.
struct RunManagementCommandTests {
    private func lrledger(_ arguments: [String], db: String) throws -> BoundedProcess.Result {
        try BoundedProcess.lrledger(arguments + ["--db", db], timeout: 120)
    }

    @Test("note, rename and delete record what they did; a renamed run resumes and audits clean")
    func manageRunEndToEnd() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        #expect(
            try lrledger(["train", "--run", "demo", "--steps", "50", "--checkpoint-every", "10"], db: db).status == 0)
        let noted = try lrledger(["note", "demo", "stopped to change the data loader"], db: db)
        #expect(noted.status == 0, "\(noted.stderr)")
        #expect(noted.stdout == "run demo: note added\n")
        let renamed = try lrledger(["rename", "demo", "demo-baseline"], db: db)
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect(renamed.stdout == "run demo: renamed to demo-baseline\n")
        let shown = try lrledger(["show", "demo-baseline"], db: db)
        #expect(shown.stdout.contains("notes and renames"))
        #expect(shown.stdout.contains("stopped to change the data loader"))
        #expect(shown.stdout.contains("renamed from demo to demo-baseline"))
        let resumed = try lrledger(
            ["train", "--run", "demo-baseline", "--steps", "80", "--checkpoint-every", "10"], db: db)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let audit = try lrledger(["audit", "demo-baseline"], db: db)
        #expect(audit.status == 0, "\(audit.stdout)")
        #expect(audit.stdout.contains("clean"))

        let deleted = try lrledger(["delete", "demo-baseline"], db: db)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.hasPrefix("run demo-baseline: deleted at step 80 (80 logged rates"))
        #expect(LedgerFiles.sideFiles(db).isEmpty)
        #expect(try SQLiteShell.query(db, "SELECT count(*) FROM runs") == "0")
        #expect(
            try SQLiteShell.query(db, "SELECT name || ' ' || step || ' ' || rate_rows FROM deleted_runs")
                == "demo-baseline 80 80")
    }

    @Test("refused changes print one line, exit non-zero and leave the ledger byte for byte unchanged")
    func refusalsWriteNothing() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        for run in ["alpha", "beta"] {
            #expect(try lrledger(["train", "--run", run, "--model", "none", "--steps", "20"], db: db).status == 0)
        }
        let before = LedgerFiles.bytes(db)
        let cases: [([String], String)] = [
            (["rename", "alpha", "beta"], "already exists"),
            (["rename", "alpha", "Beta"], "differs only by case or a small edit"),
            (["rename", "alpha", "bad\nname"], "control character"),
            (["rename", "ghost", "fresh"], "no run named ghost"),
            (["delete", "ghost"], "no run named ghost"),
            (["note", "alpha", ""], "the note is empty"),
            (["note", "ghost", "text"], "no run named ghost"),
        ]
        for (command, expected) in cases {
            let result = try lrledger(command, db: db)
            #expect(result.status != 0, "\(command)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(command): \(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: ") && result.stderr.contains(expected), "\(result.stderr)")
            #expect(LedgerFiles.bytes(db) == before, "\(command) changed the ledger")
            #expect(LedgerFiles.sideFiles(db).isEmpty, "\(command) left \(LedgerFiles.sideFiles(db))")
        }
        let missing = folder.path("missing.sqlite")
        #expect(try lrledger(["delete", "alpha"], db: missing).status != 0)
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test("a run a live trainer writes cannot be deleted, renamed or annotated: one line names its pid and host")
    func refusedWhileTraining() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let trainer = try LRLedgerProcess.start(
            [
                "train", "--db", db, "--run", "live", "--model", "none", "--steps", "2000000000",
                "--checkpoint-every", "100000",
            ])
        defer {
            if trainer.isRunning { kill(trainer.processIdentifier, SIGKILL) }
            trainer.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(60)
        while (try? SQLiteShell.query(db, "SELECT status FROM runs WHERE name = 'live'")) != "running",
            Date() < deadline
        {
            Thread.sleep(forTimeInterval: 0.1)
        }
        for command in [["delete", "live"], ["rename", "live", "dead"], ["note", "live", "hello"]] {
            let result = try lrledger(command, db: db)
            #expect(result.status != 0, "\(command)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("pid \(trainer.processIdentifier) on host "), "\(result.stderr)")
        }
        kill(trainer.processIdentifier, SIGTERM)
        trainer.waitUntilExit()
        #expect(try SQLiteShell.query(db, "SELECT count(*) FROM run_event WHERE kind IN ('note', 'renamed')") == "0")
        #expect(try lrledger(["delete", "live"], db: db).status == 0)
    }

    @Test("train --steps 0 on a new run is refused with one line, creating no run and no file")
    func zeroStepsNewRun() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let fresh = try lrledger(["train", "--run", "empty", "--steps", "0"], db: db)
        #expect(fresh.status != 0)
        #expect(fresh.errorLines.count == 1)
        #expect(fresh.errorLines.first?.contains("does not exist, and a target of 0 steps") == true, "\(fresh.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
        #expect(try lrledger(["train", "--run", "other", "--model", "none", "--steps", "5"], db: db).status == 0)
        let before = LedgerFiles.bytes(db)
        #expect(try lrledger(["train", "--run", "empty", "--steps", "0"], db: db).status != 0)
        #expect(LedgerFiles.bytes(db) == before)
        #expect(try SQLiteShell.query(db, "SELECT group_concat(name) FROM runs") == "other")
    }

    @Test("resuming a softmax run with --model none says in one sentence how to resume it")
    func modelNoneOnSoftmaxRun() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        #expect(try lrledger(["train", "--run", "soft", "--steps", "10"], db: db).status == 0)
        let before = LedgerFiles.bytes(db)
        let result = try lrledger(["train", "--run", "soft", "--steps", "20", "--model", "none"], db: db)
        #expect(result.status != 0)
        #expect(
            result.errorLines == [
                "Error: the run was trained with model softmax and cannot resume with model none; resume it with model softmax, or without naming a model (--model)"
            ], "\(result.stderr)")
        #expect(LedgerFiles.bytes(db) == before)
    }

    @Test("the run's data are known by content: the same bytes at another path resume, other bytes are refused")
    func dataByContent() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let original = folder.path("data.csv")
        let csv = (0..<40).map { "\(Double($0) / 10),\(Double($0 % 7)),\($0 % 3)" }.joined(separator: "\n") + "\n"
        try csv.write(toFile: original, atomically: true, encoding: .utf8)
        #expect(
            try lrledger(
                ["train", "--run", "csv", "--steps", "20", "--data", original, "--checkpoint-every", "5"], db: db
            )
            .status == 0)
        // The project moved: the same bytes at another path.
        try FileManager.default.createDirectory(atPath: folder.path("moved"), withIntermediateDirectories: true)
        let moved = folder.path("moved/data.csv")
        try FileManager.default.moveItem(atPath: original, toPath: moved)
        let resumed = try lrledger(["train", "--run", "csv", "--steps", "40", "--data", moved], db: db)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try lrledger(["audit", "csv"], db: db).status == 0)
        // Other bytes at another path: refused, naming both paths and both digests.
        let changed = folder.path("changed.csv")
        try (csv + "9,9,1\n").write(toFile: changed, atomically: true, encoding: .utf8)
        let before = LedgerFiles.bytes(db)
        let refused = try lrledger(["train", "--run", "csv", "--steps", "60", "--data", changed], db: db)
        #expect(refused.status != 0)
        #expect(refused.errorLines.count == 1, "\(refused.stderr)")
        let line = refused.errorLines.first ?? ""
        let stored = try SQLiteShell.query(db, "SELECT json_extract(settings, '$.data_fingerprint') FROM run")
        #expect(line.contains(changed) && line.contains(original), "\(line)")
        let digest = Mount.command("sha256sum", [changed]).output.prefix(64)
        #expect(line.contains(stored) && line.contains(digest), "\(line)")
        #expect(LedgerFiles.bytes(db) == before)
    }

    @Test("a schedule with another Keras name, or a decay_rate equal in float32, resumes as the same schedule")
    func sameScheduleByRates() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        func schedule(_ name: String, _ rate: String) -> String {
            #"{"class_name":"InverseTimeDecay","config":{"initial_learning_rate":0.1,"decay_steps":1.0,"decay_rate":\#(rate),"staircase":false,"name":"\#(name)"}}"#
        }
        let first = try lrledger(
            ["train", "--run", "s", "--model", "none", "--steps", "10", "--schedule", schedule("a", "0.5")], db: db)
        #expect(first.status == 0, "\(first.stderr)")
        for (index, (name, rate)) in [("other_name", "0.5"), ("a", "0.50000001")].enumerated() {
            let result = try lrledger(
                [
                    "train", "--run", "s", "--model", "none", "--steps", "\(20 + 10 * index)", "--schedule",
                    schedule(name, rate),
                ], db: db)
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try SQLiteShell.query(db, "SELECT count(*) FROM schedules") == "1")
        #expect(try SQLiteShell.query(db, "SELECT schedule FROM schedules").contains(#""name":"a""#))
        #expect(try lrledger(["audit", "s"], db: db).status == 0)
        // A rate that differs in float32 is still a change, refused unless asked for.
        let changed = try lrledger(
            ["train", "--run", "s", "--model", "none", "--steps", "40", "--schedule", schedule("a", "0.5000001")],
            db: db)
        #expect(changed.status != 0)
    }
}
