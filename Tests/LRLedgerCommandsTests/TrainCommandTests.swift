import Foundation
import Schedules
import TestSupport
import Testing

@Suite("lrledger train")
struct TrainCommandTests {
    static let steps: Int64 = 20_000

    static func train(_ run: String, db: String, extra: [String] = []) -> [String] {
        [
            "train", "--db", db, "--run", run, "--steps", "\(steps)", "--checkpoint-every", "10", "--seed", "7",
            "--momentum", "0.5",
        ] + extra
    }

    /// The run's committed step as the `sqlite3` shell sees it; -1 before the run exists.
    static func committedStep(_ run: String, db: String) -> Int64 {
        guard FileManager.default.fileExists(atPath: db),
            let text = try? SQLiteShell.query(db, "SELECT step FROM runs WHERE name = '\(run)'"), let step = Int64(text)
        else { return -1 }
        return step
    }

    static func showJSON(_ run: String, db: String) throws -> [String: Any] {
        let result = try LRLedgerProcess.run(["show", run, "--db", db, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test("a run killed with SIGKILL and stopped with SIGTERM ends identical to an uninterrupted twin")
    func interruptedRunMatchesUninterruptedTwin() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let straight = try LRLedgerProcess.run(Self.train("straight", db: db))
        #expect(straight.status == 0, "\(straight.stderr)")

        // Four SIGKILLs and one SIGTERM, each at a random instant after the run has made
        // progress (with a commit every 10 steps, many land inside a commit), then a
        // final start that finishes the run.
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var terms = 0
        let signals: [Int32] = [SIGKILL, SIGKILL, SIGTERM, SIGKILL, SIGKILL]
        for signal in signals {
            let before = Self.committedStep("interrupted", db: db)
            let process = try LRLedgerProcess.start(Self.train("interrupted", db: db))
            var waited = 0
            while process.isRunning, Self.committedStep("interrupted", db: db) <= before + 50, waited < 2000 {
                usleep(5_000)
                waited += 1
            }
            usleep(UInt32.random(in: 0...40_000, using: &generator))
            guard process.isRunning else {
                process.waitUntilExit()
                continue
            }
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            if signal == SIGKILL {
                kills += 1
                #expect(process.terminationReason == .uncaughtSignal)
            } else {
                terms += 1
                #expect(
                    process.terminationReason == .exit && process.terminationStatus == 0, "SIGTERM commits and exits 0")
                let reason = try SQLiteShell.query(
                    db, "SELECT end_reason FROM segments WHERE run = 'interrupted' ORDER BY id DESC LIMIT 1")
                #expect(reason == "interrupted")
            }
        }
        let last = try LRLedgerProcess.run(Self.train("interrupted", db: db))
        #expect(last.status == 0, "\(last.stderr)")
        print("train: \(kills) SIGKILLs and \(terms) SIGTERM landed mid-run")
        #expect(kills >= 3, "SIGKILLs landed while training")
        #expect(terms == 1, "the SIGTERM landed while training")

        // Every step once, same bits, same losses.
        let count = { (run: String) in
            try SQLiteShell.query(db, "SELECT count(*) FROM rate_history WHERE run = '\(run)'")
        }
        #expect(try count("straight") == "\(Self.steps)")
        #expect(try count("interrupted") == "\(Self.steps)")
        let distinct = try SQLiteShell.query(
            db, "SELECT count(DISTINCT step) FROM rate_history WHERE run = 'interrupted'")
        #expect(distinct == "\(Self.steps)")
        let equal = try SQLiteShell.query(
            db,
            """
            SELECT count(*) FROM rate_history a JOIN rate_history b ON a.step = b.step
            WHERE a.run = 'straight' AND b.run = 'interrupted' AND a.rate = b.rate AND a.loss IS b.loss
            """)
        #expect(equal == "\(Self.steps)")

        // The same final model, byte for byte.
        let shaStraight = try Self.showJSON("straight", db: db)["checkpoint_sha256"] as? String
        let shaInterrupted = try Self.showJSON("interrupted", db: db)["checkpoint_sha256"] as? String
        #expect(shaStraight != nil)
        #expect(shaStraight == shaInterrupted)

        // Every rate is the schedule's rate for its step (the default schedule).
        let schedule = try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.5))
        let rows = try SQLiteShell.query(
            db, "SELECT step, printf('%!.17g', rate) FROM rate_history WHERE run = 'interrupted' ORDER BY step",
            arguments: ["-separator", " "])
        var checked = 0
        for line in rows.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let step = Int64(parts[0]), let rate = Double(parts[1]) else {
                Issue.record("bad row \(line)")
                continue
            }
            #expect(rate == schedule.rate(at: step), "step \(step)")
            checked += 1
        }
        #expect(checked == Int(Self.steps))

        // The restart history: crashed segments for the kills, one interrupted, one finished.
        let reasons = try SQLiteShell.query(
            db, "SELECT end_reason, count(*) FROM segments WHERE run = 'interrupted' GROUP BY end_reason ORDER BY 1")
        #expect(reasons.contains("finished|1"))
    }

    @Test("a second trainer on a run that is training is refused and the first is unaffected")
    func secondTrainerIsRefused() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let arguments = ["train", "--db", db, "--run", "busy", "--steps", "200000", "--checkpoint-every", "100"]
        let first = try LRLedgerProcess.start(arguments)
        // Wait until the first trainer holds the run.
        var open = ""
        for _ in 0..<100 {
            usleep(50_000)
            open =
                (try? SQLiteShell.query(db, "SELECT count(*) FROM segments WHERE run = 'busy' AND ended_at IS NULL"))
                ?? ""
            if open == "1" { break }
        }
        #expect(open == "1")
        let second = try LRLedgerProcess.run(arguments)
        #expect(second.status != 0)
        #expect(second.stderr.contains("\(first.processIdentifier)"), "names the holder's pid: \(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(try SQLiteShell.query(db, "SELECT status, step FROM runs WHERE name = 'busy'") == "finished|200000")
    }

    @Test("a CSV with a bad row is refused at start with its line number and nothing is written")
    func badCSVIsRefused() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let cases = [
            ("wrong-columns.csv", "a,b,label\n1.0,2.0,0\n1.5,1\n", 3),
            ("not-numeric.csv", "1.0,2.0,0\n1.0,2.0,1\n0.5,abc,1\n", 3),
            ("bad-label.csv", "1.0,2.0,0\n1.0,2.0,-1\n", 2),
        ]
        for (name, text, line) in cases {
            let path = folder.path(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try LRLedgerProcess.run(["train", "--db", db, "--run", name, "--steps", "10", "--data", path])
            #expect(result.status != 0)
            #expect(result.stderr.contains("line \(line)"), "\(name): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db), "no ledger is created for a refused start")
        }
    }

    @Test("resuming with a different schedule is refused unless asked, then recorded")
    func scheduleChangeNeedsConsent() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let base = ["train", "--db", db, "--run", "change", "--model", "none"]
        #expect(try LRLedgerProcess.run(base + ["--steps", "100"]).status == 0)
        let refused = try LRLedgerProcess.run(base + ["--steps", "200", "--decay-rate", "0.25"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("0.25") && refused.stderr.contains("0.5"), "\(refused.stderr)")
        #expect(try SQLiteShell.query(db, "SELECT step FROM runs WHERE name = 'change'") == "100")
        let changed = try LRLedgerProcess.run(base + ["--steps", "200", "--decay-rate", "0.25", "--change-schedule"])
        #expect(changed.status == 0, "\(changed.stderr)")
        let old = try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.5))
        let new = try InverseTimeDecay(initialLearningRate: 0.1, decaySteps: .float(1.0), decayRate: .float(0.25))
        for (step, schedule) in [(Int64(99), old), (100, new), (199, new)] {
            let stored = try SQLiteShell.query(
                db, "SELECT printf('%!.17g', rate) FROM rate_history WHERE run = 'change' AND step = \(step)")
            #expect(Double(stored) == schedule.rate(at: step), "step \(step)")
        }
    }

    @Test("a finished run says so and exits 0; asked for more steps it continues")
    func finishedRunContinuesWhenAskedForMore() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let base = ["train", "--db", db, "--run", "more", "--model", "none"]
        #expect(try LRLedgerProcess.run(base + ["--steps", "50"]).status == 0)
        let again = try LRLedgerProcess.run(base + ["--steps", "50"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already finished"))
        #expect(try LRLedgerProcess.run(base + ["--steps", "80"]).status == 0)
        #expect(try SQLiteShell.query(db, "SELECT count(*), min(step), max(step) FROM rate_history") == "80|0|79")
    }
}
