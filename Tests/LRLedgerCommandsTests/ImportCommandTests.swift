import Foundation
import TestSupport
import Testing

/// End-to-end tests of `lrledger import`: the built binary imports the fixtures of
/// Tests/ImportTests (made with Keras, TensorFlow and MLflow) and audits them; bad files get
/// one line, a non-zero exit, and leave the ledger as it was.
@Suite("lrledger import")
struct ImportCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ImportTests/Fixtures")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    static var schedule: String { "@" + fixture("schedule.json") }

    static func lrledger(_ arguments: [String]) throws -> LRLedgerProcess.Result {
        try LRLedgerProcess.run(arguments)
    }

    @Test("each fixture imports; audit exits 0 on the clean runs and 1 naming each planted fault")
    func importAndAudit() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let imports: [(String, String, Int32)] = [
            ("clean-csv", "keras-clean.csv", 0), ("clean-tb", "keras-clean", 0),
            ("lost-csv", "keras-lost-counter.csv", 1), ("lost-tb", "keras-lost-counter", 1), ("mlflow", "mlflow.db", 1),
        ]
        for (run, file, _) in imports {
            let result = try Self.lrledger([
                "import", "--db", db, "--run", run, "--schedule", Self.schedule, "--from", Self.fixture(file),
            ])
            #expect(result.status == 0, "\(run): \(result.stderr)")
            #expect(result.stdout.hasPrefix("imported run \(run): "))
        }
        for (run, _, status) in imports {
            let audit = try Self.lrledger(["audit", "--db", db, run])
            #expect(audit.status == status, "\(run): \(audit.stdout) \(audit.stderr)")
        }
        let lost = try Self.lrledger(["audit", "--db", db, "lost-tb"])
        #expect(lost.stdout.contains("from step 25 the rate restarted at the initial value 0.1"))
        let mlflow = try Self.lrledger(["audit", "--db", db, "mlflow"])
        #expect(mlflow.stdout.contains("step 24 logged twice with different rates"))
        #expect(mlflow.stdout.contains("steps 30-34 shifted by one step"))
        let segments = try sqlite3(
            db, "SELECT run, start_step, end_step, end_reason FROM segments WHERE run = 'mlflow'")
        #expect(segments.stdout == "mlflow|0|30|interrupted\nmlflow|20|45|finished\n")
        let sources = try sqlite3(db, "SELECT run, format, series, precision, rows FROM imported_runs ORDER BY run")
        #expect(sources.stdout.contains("lost-tb|tensorboard|learning_rate|float32|40\n"))
        #expect(sources.stdout.contains("mlflow|mlflow|lr|float64|55\n"))
        for command in [["runs"], ["show", "mlflow"], ["history", "mlflow"]] {
            let result = try Self.lrledger(command + ["--db", db])
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let plot = try Self.lrledger(["plot", "--db", db, "mlflow", "--output", folder.path("mlflow.svg")])
        #expect(plot.status == 0, "\(plot.stderr)")
    }

    @Test("an existing run name is refused and the ledger is unchanged")
    func existingRun() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let arguments = [
            "import", "--db", db, "--run", "one", "--schedule", Self.schedule, "--from",
            Self.fixture("keras-clean.csv"),
        ]
        #expect(try Self.lrledger(arguments).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let again = try Self.lrledger(arguments)
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("Error: a run named one already exists in \(db)"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }

    @Test("hostile files: one line naming the problem and the file, exit 1, the ledger's bytes unchanged")
    func hostileFiles() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        #expect(
            try Self.lrledger([
                "import", "--db", db, "--run", "first", "--schedule", Self.schedule, "--from",
                Self.fixture("keras-clean.csv"),
            ]).status == 0)
        let original = try Data(
            contentsOf: Self.fixtures.appendingPathComponent("keras-clean/events.out.tfevents.1.fixture.v2"))
        let truncated = folder.path("events.out.tfevents.truncated")
        try Data(original.prefix(original.count - 7)).write(to: URL(fileURLWithPath: truncated))
        var flipped = [UInt8](original)
        flipped[flipped.count - 9] ^= 0x40
        let badCRC = folder.path("events.out.tfevents.badcrc")
        try Data(flipped).write(to: URL(fileURLWithPath: badCRC))
        let noRate = folder.path("no-rate.csv")
        try "step,loss\n0,1\n".write(toFile: noRate, atomically: true, encoding: .utf8)
        let words = folder.path("words.csv")
        try "step,lr\n0,0.1\n1,fast\n".write(toFile: words, atomically: true, encoding: .utf8)
        let notMLflow = folder.path("other.db")
        try "just text".write(toFile: notMLflow, atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            (truncated, "\(truncated) is truncated"), (badCRC, "\(badCRC) is damaged"),
            (noRate, "\(noRate) has no single rate column"), (words, "\(words) line 3: column lr holds \"fast\""),
            (notMLflow, "\(notMLflow) is not an MLflow tracking store"),
            (folder.path("missing.csv"), "cannot read \(folder.path("missing.csv"))"),
        ]
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for (file, message) in cases {
            let result = try Self.lrledger([
                "import", "--db", db, "--run", "second", "--schedule", Self.schedule, "--from", file,
            ])
            #expect(result.status == 1, "\(file)")
            #expect(result.stderr.hasPrefix("Error: \(message)"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "\(file)")
            if file == noRate { #expect(result.stderr.contains("(--rate-column)"), "\(result.stderr)") }
        }
        // Into a ledger that does not exist yet: no file is left behind.
        let fresh = folder.path("fresh.sqlite")
        let result = try Self.lrledger([
            "import", "--db", fresh, "--run", "x", "--schedule", Self.schedule, "--from", truncated,
        ])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    @Test("a path whose format cannot be guessed, and an option of another format, are refused")
    func formatChoice() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let odd = folder.path("rates.txt")
        try "step,lr\n0,0.1\n".write(toFile: odd, atomically: true, encoding: .utf8)
        let guessed = try Self.lrledger([
            "import", "--db", db, "--run", "r", "--schedule", Self.schedule, "--from", odd,
        ])
        #expect(guessed.status != 0)
        #expect(guessed.stderr.contains("cannot tell the format of \(odd)"))
        let given = try Self.lrledger([
            "import", "--db", db, "--run", "r", "--schedule", Self.schedule, "--from", odd, "--format", "csv",
        ])
        #expect(given.status == 0, "\(given.stderr)")
        let wrong = try Self.lrledger([
            "import", "--db", db, "--run", "s", "--schedule", Self.schedule, "--from", odd, "--format", "csv", "--tag",
            "lr",
        ])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("--tag applies to --format tensorboard, not csv"))
    }
}
