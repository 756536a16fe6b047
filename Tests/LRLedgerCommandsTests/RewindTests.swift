import Foundation
import TestSupport
import Testing

/// Issue 12's rewind past a schedule change: the latest checkpoints are damaged, the run
/// resumes from an older one below a recorded `--change-schedule` and below the start of
/// the segment that made it.
@Suite("Rewinding past a schedule change")
struct RewindTests {
    /// The rate of `InverseTimeDecay(initial, 1.0, 0.5)` at `step` in float32, computed here
    /// from Keras's order of operations: `initial / (1 + 0.5 * (step / 1.0))`.
    static func rate(_ initial: Float, _ step: Int64) -> Double {
        Double(initial / (Float(1) + Float(0.5) * (Float(step) / Float(1.0))))
    }

    @Test(
        "a resume from a checkpoint before a schedule change trains each step on the schedule in force and audits clean"
    )
    func rewindPastScheduleChange() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let base = ["train", "--db", db, "--run", "demo", "--checkpoint-every", "100", "--keep-checkpoints", "10"]
        let first = try LRLedgerProcess.run(base + ["--steps", "1000"])
        #expect(first.status == 0, "\(first.stderr)")
        let changed = try LRLedgerProcess.run(
            base + ["--steps", "1200", "--change-schedule", "--initial-learning-rate", "0.05"])
        #expect(changed.status == 0, "\(changed.stderr)")

        // Disk damage hits the checkpoints at 1000, 1100 and 1200.
        _ = try SQLiteShell.modify(
            db, "UPDATE checkpoint SET state = zeroblob(length(state)) WHERE step >= 1000")
        let bytes = try #require(LedgerFiles.bytes(db))
        let refused = try LRLedgerProcess.run(base + ["--steps", "1500"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("checkpoint at step 1000 no longer matches its SHA-256"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--discard-damaged-checkpoints"), "\(refused.stderr)")
        #expect(LedgerFiles.bytes(db) == bytes)

        let resumed = try LRLedgerProcess.run(base + ["--steps", "1500", "--discard-damaged-checkpoints"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("finished at step 1500 (600 steps trained now)"), "\(resumed.stdout)")

        // Each step's rate is the schedule's in force at it: 0.1 before 1000, 0.05 from 1000.
        let rows = try SQLiteShell.query(
            db, "SELECT step, printf('%!.17g', rate), segment FROM rate_history WHERE run = 'demo' ORDER BY step"
        )
        .split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        #expect(rows.count == 1500)
        for row in rows {
            let step = try #require(Int64(row[0]))
            let expected = Self.rate(step < 1000 ? 0.1 : 0.05, step)
            #expect(Double(row[1]) == expected, "step \(step): \(row[1]) vs \(expected)")
            // Rows from 900 on were trained by the segment that rewound (the third).
            #expect(row[2] == (step < 900 ? "1" : "3"), "step \(step) attributed to segment \(row[2])")
        }
        #expect(
            try SQLiteShell.query(db, "SELECT json_extract(schedule, '$.config.initial_learning_rate') FROM runs")
                == "0.05")
        #expect(
            try SQLiteShell.query(db, "SELECT start_step || ',' || rewound_from FROM segment WHERE id = 3")
                == "900,1200")
        #expect(try SQLiteShell.query(db, "SELECT count(*) FROM run_event WHERE kind = 'checkpoint_discarded'") == "3")

        let audit = try LRLedgerProcess.run(["audit", "demo", "--db", db])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("clean (1500 rates match"), "\(audit.stdout)")
        let again = try LRLedgerProcess.run(base + ["--steps", "1600"])
        #expect(again.status == 0, "\(again.stderr)")
    }
}
