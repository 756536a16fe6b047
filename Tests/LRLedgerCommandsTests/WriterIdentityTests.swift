import Foundation
import TestSupport
import Testing

/// Who holds a run, as writers and readers judge it: across PID namespaces, after a kill,
/// and which runs `train` may create.
@Suite("Writer identity, status and creating runs")
struct WriterIdentityTests {
    /// Waits until the run has an open segment; false after ten seconds.
    static func waitForOpenSegment(_ run: String, db: String) -> Bool {
        for _ in 0..<200 {
            let open = try? SQLiteShell.query(
                db, "SELECT count(*) FROM segments WHERE run = '\(run)' AND ended_at IS NULL")
            if open == "1" { return true }
            usleep(50_000)
        }
        return false
    }

    /// The host pid of the trainer `unshare --fork` started (its only child); unshare itself
    /// ignores SIGTERM while it waits, so signals go to the trainer.
    static func trainerPID(under unshare: Process) -> Int32? {
        for _ in 0..<100 {
            let path = "/proc/\(unshare.processIdentifier)/task/\(unshare.processIdentifier)/children"
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            usleep(20_000)
        }
        return nil
    }

    /// `unshare --pid --fork --mount-proc lrledger ARGS...`: a trainer in a PID namespace of
    /// its own, where its pid is small and means something else outside.
    static func startInNewPIDNamespace(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["unshare", "--pid", "--fork", "--mount-proc", LRLedgerProcess.binary.path] + arguments
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    @Test("a trainer in another PID namespace is refused while the first one lives")
    func twoPIDNamespaces() throws {
        guard getuid() == 0 else {
            print("WriterIdentityTests: not root, so unshare --pid cannot run; skipped")
            return
        }
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let arguments = ["train", "--db", db, "--run", "shared", "--model", "none", "--checkpoint-every", "1000"]
        let first = try Self.startInNewPIDNamespace(arguments + ["--steps", "4000000000"])
        let trainer = try #require(Self.trainerPID(under: first))
        defer {
            if first.isRunning {
                kill(trainer, SIGKILL)
                first.waitUntilExit()
            }
        }
        #expect(Self.waitForOpenSegment("shared", db: db))
        let holderPID = try SQLiteShell.query(db, "SELECT pid FROM segments WHERE run = 'shared' AND ended_at IS NULL")
        #expect(Int(holderPID) ?? 99 < 10, "inside its namespace the trainer has a small pid, got \(holderPID)")

        let second = try Self.startInNewPIDNamespace(arguments + ["--steps", "10"])
        second.waitUntilExit()
        let stderr = String(
            decoding: (second.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(second.terminationStatus != 0)
        #expect(stderr.contains("is being written by pid \(holderPID)"), "\(stderr)")
        #expect(stderr.contains("PID namespace"), "\(stderr)")
        #expect(first.isRunning, "the first trainer is unaffected")
        #expect(try SQLiteShell.query(db, "SELECT count(*) FROM segments WHERE run = 'shared'") == "1")
        // A reader outside both namespaces cannot check that pid either: it says so.
        let runs = try LRLedgerProcess.run(["runs", "--db", db, "--format", "csv"])
        #expect(runs.stdout.contains("shared,running?,"), "\(runs.stdout)")

        kill(trainer, SIGTERM)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(try SQLiteShell.query(db, "SELECT status FROM runs WHERE name = 'shared'") == "interrupted")
    }

    @Test("a killed trainer's run is shown as crashed by runs and show, not as running")
    func killedRunIsNotRunning() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let trainer = try LRLedgerProcess.start(
            ["train", "--db", db, "--run", "killed", "--model", "none", "--steps", "4000000000"])
        #expect(Self.waitForOpenSegment("killed", db: db))
        let live = try LRLedgerProcess.run(["runs", "--db", db, "--format", "csv"])
        #expect(live.stdout.contains("killed,running,"), "\(live.stdout)")
        kill(trainer.processIdentifier, SIGKILL)
        trainer.waitUntilExit()

        // The stored status still says running (nobody has attached since)...
        #expect(try SQLiteShell.query(db, "SELECT status FROM runs WHERE name = 'killed'") == "running")
        // ...but the readers judge the holder as a writer would.
        let runs = try LRLedgerProcess.run(["runs", "--db", db, "--format", "csv"])
        #expect(runs.stdout.contains("killed,crashed,"), "\(runs.stdout)")
        let show = try LRLedgerProcess.run(["show", "killed", "--db", db])
        #expect(show.stdout.contains("status      crashed"), "\(show.stdout)")
    }

    @Test("--run Demo beside demo exits non-zero and changes no byte; --new creates it and says so first")
    func similarNameIsRefused() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let first = try LRLedgerProcess.run(["train", "--db", db, "--run", "demo", "--steps", "100"])
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "created ledger \(db)", "\(first.stdout)")
        #expect(lines.dropFirst().first == "created run demo in \(db)", "\(first.stdout)")
        let bytes = try #require(LedgerFiles.bytes(db))
        let log = LedgerFiles.bytes(db + "-wal")

        for name in ["Demo", "deno", "dmo"] {
            let typo = try LRLedgerProcess.run(["train", "--db", db, "--run", name, "--steps", "100"])
            #expect(typo.status != 0, "\(name): \(typo.stdout)")
            #expect(typo.stderr.contains("run demo exists"), "\(typo.stderr)")
            #expect(typo.stderr.split(separator: "\n").count == 1, "\(typo.stderr)")
            #expect(typo.stdout.isEmpty)
        }
        #expect(LedgerFiles.bytes(db) == bytes)
        // A reader's connection may leave an empty -wal beside the file; it holds no byte.
        #expect((LedgerFiles.bytes(db + "-wal") ?? Data()) == (log ?? Data()))

        let again = try LRLedgerProcess.run(["train", "--db", db, "--run", "demo", "--steps", "200"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stdout.contains("created"), "resuming creates nothing: \(again.stdout)")

        let explicit = try LRLedgerProcess.run(["train", "--db", db, "--run", "Demo", "--steps", "100", "--new"])
        #expect(explicit.status == 0, "\(explicit.stderr)")
        #expect(explicit.stdout.hasPrefix("created run Demo in \(db)\n"), "\(explicit.stdout)")
        let existing = try LRLedgerProcess.run(["train", "--db", db, "--run", "demo", "--steps", "300", "--new"])
        #expect(existing.status != 0)
        #expect(existing.stderr.contains("already exists"), "\(existing.stderr)")
    }
}
