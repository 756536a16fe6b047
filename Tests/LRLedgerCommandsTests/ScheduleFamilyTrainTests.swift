import Foundation
import Schedules
import TestSupport
import Testing

@Suite("lrledger train with each schedule class")
struct ScheduleFamilyTrainTests {
    /// One schedule of each class (all six), with the dtype to train it in.
    static let schedules: [(json: String, dtype: String)] = [
        (
            #"{"class_name": "InverseTimeDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.5}}"#,
            "float32"
        ),
        (
            #"{"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96, "staircase": true}}"#,
            "float32"
        ),
        (
            #"{"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [1000, 5000.5, 20000], "values": [0.1, 0.05, 0.01, 0.001]}}"#,
            "float64"
        ),
        (
            #"{"class_name": "PolynomialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 3000, "end_learning_rate": 0.001, "power": 0.5, "cycle": true}}"#,
            "float32"
        ),
        (
            #"{"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.0, "decay_steps": 30000, "alpha": 0.1, "warmup_target": 0.1, "warmup_steps": 2000}}"#,
            "float64"
        ),
        (
            #"{"class_name": "CosineDecayRestarts", "config": {"initial_learning_rate": 0.1, "first_decay_steps": 500, "t_mul": 1.5, "m_mul": 0.8, "alpha": 0.05}}"#,
            "float32"
        ),
    ]

    static let steps: Int64 = 60_000

    static func committedStep(_ run: String, db: String) -> Int64 {
        guard FileManager.default.fileExists(atPath: db),
            let text = try? SQLiteShell.query(db, "SELECT step FROM runs WHERE name = '\(run)'"), let step = Int64(text)
        else { return -1 }
        return step
    }

    @Test(
        "a run with each class, killed mid-run, resumed and extended, logs every step once and audits clean",
        arguments: schedules.indices)
    func killedRunResumesAndAuditsClean(index: Int) throws {
        let (json, dtype) = Self.schedules[index]
        let expected = try ScheduleCodec.decode(json, dtype: DType(parsing: dtype))
        let className = type(of: expected).className
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let run = "family-\(index)"
        // The schedule arrives as a Keras optimizer config in a file, as a user would have it.
        let optimizer = #"{"name": "sgd", "learning_rate": "# + json + #", "momentum": 0.0, "nesterov": false}"#
        try optimizer.write(toFile: folder.path("optimizer.json"), atomically: true, encoding: .utf8)
        let arguments = [
            "train", "--db", db, "--run", run, "--model", "none", "--checkpoint-every", "10",
            "--schedule", "@" + folder.path("optimizer.json"), "--dtype", dtype,
        ]

        // Start, wait for progress, SIGKILL mid-run.
        let process = try LRLedgerProcess.start(arguments + ["--steps", "\(Self.steps)"])
        var waited = 0
        while process.isRunning, Self.committedStep(run, db: db) < 500, waited < 4000 {
            usleep(2_000)
            waited += 1
        }
        let killedMidRun = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let killedAt = Self.committedStep(run, db: db)
        #expect(killedMidRun, "\(className): the SIGKILL landed before the run finished")
        #expect(killedAt > 0 && killedAt < Self.steps, "\(className): killed at \(killedAt)")

        // Resume to the target, then extend the run by more steps.
        let resumed = try LRLedgerProcess.run(arguments + ["--steps", "\(Self.steps)"])
        #expect(resumed.status == 0, "\(className): \(resumed.stderr)")
        let extended = try LRLedgerProcess.run(
            ["train", "--db", db, "--run", run, "--steps", "\(Self.steps + 5000)"])
        #expect(extended.status == 0, "\(className): \(extended.stderr)")

        let audit = try LRLedgerProcess.run(["audit", run, "--db", db])
        #expect(audit.status == 0, "\(className): \(audit.stdout) \(audit.stderr)")
        #expect(audit.stdout.contains("clean"), "\(className): \(audit.stdout)")

        // The ledger keeps the schedule alone, in its canonical form, and every step once.
        let stored = try SQLiteShell.query(db, "SELECT schedule FROM runs WHERE name = '\(run)'")
        #expect(stored == expected.canonicalJSON, "\(className)")
        let counts = try SQLiteShell.query(
            db, "SELECT count(*), count(DISTINCT step), max(step) FROM rate_history WHERE run = '\(run)'")
        #expect(counts == "\(Self.steps + 5000)|\(Self.steps + 5000)|\(Self.steps + 4999)", "\(className)")
        let reasons = try SQLiteShell.query(
            db,
            "SELECT group_concat(end_reason, ',') FROM (SELECT end_reason FROM segments WHERE run = '\(run)' ORDER BY id)"
        )
        #expect(reasons == "crashed,finished,finished", "\(className)")

        // Spot-check stored rates against the library, bit for bit.
        let rows = try SQLiteShell.query(
            db,
            "SELECT step, printf('%!.17g', rate) FROM rate_history WHERE run = '\(run)' AND step % 997 = 0 ORDER BY step",
            arguments: ["-separator", " "])
        var checked = 0
        for line in rows.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let step = Int64(parts[0]), let rate = Double(parts[1]) else {
                Issue.record("bad row \(line)")
                continue
            }
            #expect(rate.bitPattern == expected.rate(at: step).bitPattern, "\(className) step \(step)")
            checked += 1
        }
        #expect(checked > 60)
    }
}
