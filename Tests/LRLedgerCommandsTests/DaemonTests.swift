import Foundation
import TestSupport
import Testing

/// `lrledger train` as a daemon under a supervisor, on the built binary: it stops
/// promptly on SIGTERM whatever its commit interval, keeps its memory bounded, waits
/// for a lock a stopped program holds, survives a closed output pipe, and refuses a
/// model it could never commit before training it.
@Suite("A trainer that stays up")
struct DaemonTests {
    /// Polls `body` every 20 ms until it is true or `seconds` pass.
    static func wait(seconds: Double, _ body: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if body() { return true }
            usleep(20_000)
        }
        return body()
    }

    /// Reads a pipe to its end in the background, so a chatty child never blocks on it.
    final class Drain: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private let group = DispatchGroup()

        init(_ pipe: Pipe) {
            DispatchQueue.global().async(group: group) {
                let bytes = pipe.fileHandleForReading.readDataToEndOfFile()
                self.lock.withLock { self.data = bytes }
            }
        }

        var text: String {
            group.wait()
            return lock.withLock { String(decoding: data, as: UTF8.self) }
        }
    }

    /// Starts `command` (the binary and its arguments, or another program) with both
    /// outputs drained.
    static func start(_ executable: URL, _ arguments: [String]) throws -> (Process, Drain, Drain) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "LRLEDGER_DB")
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, Drain(out), Drain(err))
    }

    static func committedStep(_ run: String, db: String) -> Int64? {
        (try? SQLiteShell.query(db, "SELECT step FROM runs WHERE name = '\(run)'")).flatMap { Int64($0) }
    }

    @Test("SIGTERM under taskset -c 0 with a commit interval of 1e9 stops the trainer within seconds, exit 0")
    func sigtermStopsPromptlyOnOneCPU() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let taskset = URL(fileURLWithPath: "/usr/bin/taskset")
        try #require(FileManager.default.isExecutableFile(atPath: taskset.path), "taskset (util-linux) is needed")
        let arguments = [
            "-c", "0", LRLedgerProcess.binary.path, "train", "--db", db, "--run", "slow", "--steps", "1000000000000",
            "--checkpoint-every", "1000000000",
        ]
        let (trainer, _, err) = try Self.start(taskset, arguments)
        defer { if trainer.isRunning { kill(trainer.processIdentifier, SIGKILL) } }
        // Wait until it trains: its segment is open in the ledger.
        let training = Self.wait(seconds: 60) {
            (try? SQLiteShell.query(db, "SELECT count(*) FROM segments WHERE run = 'slow' AND ended_at IS NULL")) == "1"
        }
        try #require(training, "the trainer did not start")
        usleep(1_500_000)  // well into the interval, far from any scheduled commit
        let signalled = Date()
        kill(trainer.processIdentifier, SIGTERM)
        let stopped = Self.wait(seconds: 30) { !trainer.isRunning }
        let took = Date().timeIntervalSince(signalled)
        try #require(stopped, "the trainer was still running 30 s after SIGTERM")
        trainer.waitUntilExit()
        // The bound, generously: a second is the aim; speed belongs to benchmarks.
        #expect(took < 5, "SIGTERM took \(took) s to take effect")
        #expect(trainer.terminationStatus == 0, "\(err.text)")
        #expect(try SQLiteShell.query(db, "SELECT status FROM runs") == "interrupted")
        let audit = try BoundedProcess.lrledger(["audit", "slow", "--db", db])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }

    @Test("a 4,000,000-step run with a commit interval of 1e9 stays under 150 MB resident and audits clean")
    func memoryStaysBounded() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let (trainer, _, err) = try Self.start(
            LRLedgerProcess.binary,
            [
                "train", "--db", db, "--run", "long", "--steps", "4000000", "--checkpoint-every", "1000000000",
                "--model", "none",
            ])
        defer { if trainer.isRunning { kill(trainer.processIdentifier, SIGKILL) } }
        // VmHWM is the peak resident size; read it until the process is gone.
        var peakKiB = 0
        let status = "/proc/\(trainer.processIdentifier)/status"
        while trainer.isRunning {
            if let text = try? String(contentsOfFile: status, encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
            {
                peakKiB = max(peakKiB, kib)
            }
            usleep(50_000)
        }
        trainer.waitUntilExit()
        #expect(trainer.terminationStatus == 0, "\(err.text)")
        #expect(peakKiB > 0, "VmHWM was read")
        #expect(peakKiB < 150 * 1024, "peak resident \(peakKiB / 1024) MB")
        #expect(Self.committedStep("long", db: db) == 4_000_000)
        let audit = try BoundedProcess.lrledger(["audit", "long", "--db", db], timeout: 120)
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }

    @Test(
        "a run killed after commits without a model state resumes to the same history and model as an uninterrupted one"
    )
    func boundedCommitsResumeExactly() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let twin = folder.path("twin.sqlite")
        let steps = "300000"
        let train = { (path: String) in
            ["train", "--db", path, "--run", "r", "--steps", steps, "--checkpoint-every", "1000000000", "--seed", "3"]
        }
        let reference = try BoundedProcess.lrledger(train(twin), timeout: 600)
        #expect(reference.status == 0, "\(reference.stderr)")

        let (trainer, _, _) = try Self.start(LRLedgerProcess.binary, train(db))
        defer { if trainer.isRunning { kill(trainer.processIdentifier, SIGKILL) } }
        // Past two commits of 100,000 rows without a state, then SIGKILL.
        let past = Self.wait(seconds: 300) { (Self.committedStep("r", db: db) ?? 0) >= 200_000 }
        kill(trainer.processIdentifier, SIGKILL)
        trainer.waitUntilExit()
        try #require(past, "the trainer did not reach step 200,000")
        let resumed = try BoundedProcess.lrledger(train(db), timeout: 600)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("rewound"), "the resume rewound to the step-0 checkpoint: \(resumed.stderr)")

        let history = "SELECT count(*), sum(step), total(rate), total(loss) FROM rate_history"
        #expect(try SQLiteShell.query(db, history) == SQLiteShell.query(twin, history))
        let last = "SELECT step, sha256 FROM checkpoints ORDER BY step DESC LIMIT 1"
        #expect(try SQLiteShell.query(db, last) == SQLiteShell.query(twin, last))
        #expect(try SQLiteShell.query(db, last).hasPrefix("300000|"))
        let audit = try BoundedProcess.lrledger(["audit", "r", "--db", db], timeout: 120)
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }

    @Test(
        "a trainer of run B survives a stopped program holding the write lock for 10 s, logs that it waits, and finishes"
    )
    func trainerWaitsForAStoppedLockHolder() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        #expect(try BoundedProcess.lrledger(["train", "--db", db, "--run", "alpha", "--steps", "200"]).status == 0)
        // A program stopped inside a write transaction, as Ctrl-Z on a trainer mid-commit.
        let holder = try StoppedLockHolder(db)
        let (trainer, out, err) = try Self.start(
            LRLedgerProcess.binary,
            ["train", "--db", db, "--run", "bravo", "--steps", "2000", "--checkpoint-every", "10"])
        defer { if trainer.isRunning { kill(trainer.processIdentifier, SIGKILL) } }
        let diedWhileLocked = Self.wait(seconds: 10) { !trainer.isRunning }
        holder.release()
        #expect(!diedWhileLocked, "the trainer of run b gave up while the lock was held: \(err.text)")
        #expect(Self.wait(seconds: 120) { !trainer.isRunning })
        trainer.waitUntilExit()
        #expect(trainer.terminationStatus == 0, "\(err.text)")
        #expect(err.text.contains("waiting for the write lock"), "\(err.text)")
        #expect(out.text.contains("finished at step 2000"))
        #expect(Self.committedStep("bravo", db: db) == 2000)
    }

    @Test("train 2>&1 | head -2 keeps training to the end: a closed pipe does not stop it")
    func closedPipeDoesNotStopTraining() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let script = "\"$0\" train --db \"$1\" --run piped --steps 300000 --checkpoint-every 1000 2>&1 | head -2"
        let result = try BoundedProcess.run(
            URL(fileURLWithPath: "/bin/bash"), ["-o", "pipefail", "-c", script, LRLedgerProcess.binary.path, db],
            timeout: 600)
        #expect(!result.timedOut)
        #expect(result.status == 0, "the pipeline's status is the trainer's with pipefail: \(result.stderr)")
        #expect(try SQLiteShell.query(db, "SELECT status, step FROM runs WHERE name = 'piped'") == "finished|300000")
    }

    @Test("a softmax model too big for one checkpoint is refused before training, naming the limit")
    func hugeModelIsRefusedBeforeTraining() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        let data = folder.path("wide.csv")
        // 62,000 features and class labels up to 1023: a 1 GB state, over SQLite's value limit.
        let row = String(repeating: "0,", count: 62_000)
        try Data((row + "1023\n" + row + "0\n").utf8).write(to: URL(fileURLWithPath: data))
        let command = ["train", "--db", db, "--run", "wide", "--steps", "10", "--data", data]
        let started = Date()
        let result = try BoundedProcess.lrledger(command, timeout: 120)
        FaultTests.expectRefusal(
            result, command, mentioning: ["62000 features", "1024 classes", "one checkpoint can hold"])
        #expect(Date().timeIntervalSince(started) < 60, "refused before training")
        #expect(!FileManager.default.fileExists(atPath: db), "nothing was created")
    }
}

/// An `sqlite3` shell that takes the write lock of a database (BEGIN IMMEDIATE and a
/// write) and is then stopped with SIGSTOP, holding it, until `release()`.
final class StoppedLockHolder {
    private let process = Process()
    private let input = Pipe()

    init(_ database: String) throws {
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", database]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(
            Data(".timeout 5000\nBEGIN IMMEDIATE;\nUPDATE run SET updated_at = updated_at;\n".utf8))
        // Held once another connection's write transaction is refused at once.
        let held = DaemonTests.wait(seconds: 10) {
            (try? SQLiteShell.modify(database, "BEGIN IMMEDIATE; ROLLBACK;")) == nil
        }
        guard held else {
            release()
            throw SQLiteShell.ShellError(description: "sqlite3 did not take the write lock of \(database)")
        }
        kill(process.processIdentifier, SIGSTOP)
    }

    /// Lets the shell go on, roll back and quit.
    func release() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGCONT)
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { release() }
}
