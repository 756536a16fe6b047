import Foundation
import TestSupport
import Testing

/// Faults around the ledger, driven on the built binary: a full disk, read-only files
/// and folders, a lock held by another program, garbage and truncated files, a log
/// left by a killed trainer, a schedule edited with SQL. Each shows the one-line
/// message, the exit status, and the database unchanged or recovered.
@Suite("Faults around the ledger")
struct FaultTests {
    static let readers: [[String]] = [
        ["runs"], ["show", "fault"], ["history", "fault", "--to", "5"], ["audit", "fault"],
        ["sql", "SELECT count(*) FROM rate_history"],
    ]

    /// Checks a refusal: a non-zero exit, no crash, and exactly one `Error:` line, the
    /// last one on stderr (train logs its progress above it).
    static func expectRefusal(
        _ result: BoundedProcess.Result, _ command: [String], mentioning words: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!result.timedOut, "\(command) hung", sourceLocation: sourceLocation)
        #expect(
            result.crashSigns.isEmpty, "\(command): \(result.crashSigns)\n\(result.stderr)",
            sourceLocation: sourceLocation)
        #expect(result.status != 0, "\(command) succeeded: \(result.stdout)", sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "\(command): \(result.stderr)", sourceLocation: sourceLocation)
        let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(
            last.hasPrefix("Error: "), "\(command): the error is not the last line: \(result.stderr)",
            sourceLocation: sourceLocation)
        for word in words {
            #expect(
                last.localizedCaseInsensitiveContains(word), "\(command): '\(word)' missing from: \(last)",
                sourceLocation: sourceLocation)
        }
    }

    /// Trains `run` in a fresh `twin.sqlite` of `folder` without interruption.
    static func twin(_ run: String, in folder: TemporaryDirectory, steps: Int64 = 20_000) throws -> String {
        let db = folder.path("twin.sqlite")
        let result = try BoundedProcess.lrledger(LedgerFiles.train(run, db: db, steps: steps))
        #expect(result.status == 0, "\(result.stderr)")
        return db
    }

    /// Checks that `run` in `db` holds exactly the history and final checkpoint of its twin.
    static func expectIdentical(
        _ run: String, db: String, twin: String, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        let mine = try LedgerFiles.history(run, db: db)
        let theirs = try LedgerFiles.history(run, db: twin)
        #expect(
            mine.split(separator: "\n").count == theirs.split(separator: "\n").count, sourceLocation: sourceLocation)
        if mine != theirs {
            let difference = zip(mine.split(separator: "\n"), theirs.split(separator: "\n")).first { $0 != $1 }
            Issue.record(
                "rate_history differs from the twin's, first at: \(String(describing: difference))",
                sourceLocation: sourceLocation)
        }
        #expect(
            try LedgerFiles.finalCheckpoint(run, db: db) == LedgerFiles.finalCheckpoint(run, db: twin),
            sourceLocation: sourceLocation)
        let audit = try BoundedProcess.lrledger(["audit", run, "--db", db])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)", sourceLocation: sourceLocation)
    }

    /// The SHA-256 of `text`'s UTF-8 bytes, by the `sha256sum` tool, as a tamperer would.
    static func sha256(_ text: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    // MARK: - Disk full

    @Test(
        "a full disk stops train with one line, keeps the last commit, and once room is made the resume ends identical to an uninterrupted twin"
    )
    func diskFullMidTraining() throws {
        let folder = try TemporaryDirectory()
        let twin = try Self.twin("fault", in: folder)
        let small = folder.path("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        // 512 KiB hold the new ledger and a few hundred steps of its first segment.
        let mounted = Mount.tmpfs(at: small, kibibytes: 512)
        defer {
            if mounted { Mount.unmount(small) }
            withExtendedLifetime(folder) {}
        }
        let db = small + "/ledger.sqlite"
        let command = LedgerFiles.train("fault", db: db)
        let full: BoundedProcess.Result
        if mounted {
            full = try BoundedProcess.lrledger(command)
            Self.expectRefusal(full, command, mentioning: ["cannot commit step", "is full", db])
        } else {
            // No tmpfs: a file-size limit makes writes past 512 KiB fail; SQLite reports
            // EFBIG as an I/O error rather than SQLITE_FULL.
            print(
                "FaultTests: mounting a tmpfs is refused here; the full disk is simulated with a 512 KiB file-size limit"
            )
            full = try BoundedProcess.run(
                URL(fileURLWithPath: "/bin/sh"),
                ["-c", "trap '' XFSZ; ulimit -f 1024; exec \"$0\" \"$@\"", LRLedgerProcess.binary.path] + command,
                timeout: 60)
            Self.expectRefusal(full, command, mentioning: ["commit step", db])
        }

        // The last commit is intact: a whole number of checkpoint intervals, audit clean.
        let step = try #require(LedgerFiles.committedStep("fault", db: db))
        #expect(step > 0 && step < 20_000 && step % 10 == 0, "committed step \(step)")
        #expect(try SQLiteShell.query(db, "SELECT count(*) FROM rate_history WHERE run = 'fault'") == "\(step)")
        let audit = try BoundedProcess.lrledger(["audit", "fault", "--db", db])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")

        // Room is made; the same command resumes from the last commit.
        if mounted { try Mount.resize(small, kibibytes: 16_384) }
        let resumed = try BoundedProcess.lrledger(command)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(
            resumed.stdout.contains("finished at step 20000 (\(20_000 - step) steps trained now)"), "\(resumed.stdout)")
        try Self.expectIdentical("fault", db: db, twin: twin)
    }

    @Test("a ledger whose creation ran out of disk space is created by the same command once room is made")
    func diskFullWhileCreating() throws {
        let folder = try TemporaryDirectory()
        let small = folder.path("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        // 40 KiB hold the database's first page, not its write-ahead log.
        let mounted = Mount.tmpfs(at: small, kibibytes: 40)
        defer {
            if mounted { Mount.unmount(small) }
            withExtendedLifetime(folder) {}
        }
        let db = small + "/ledger.sqlite"
        let command = LedgerFiles.train("fault", db: db, steps: 100)
        if mounted {
            Self.expectRefusal(try BoundedProcess.lrledger(command), command, mentioning: [db, "is full"])
        } else {
            print(
                "FaultTests: mounting a tmpfs is refused here; the full disk is simulated with an 8 KiB file-size limit"
            )
            let limited = try BoundedProcess.run(
                URL(fileURLWithPath: "/bin/sh"),
                ["-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\"", LRLedgerProcess.binary.path] + command,
                timeout: 60)
            Self.expectRefusal(limited, command, mentioning: [db])
        }
        #expect(FileManager.default.fileExists(atPath: db), "the failed creation left a database without tables")

        if mounted { try Mount.resize(small, kibibytes: 4_096) }
        let created = try BoundedProcess.lrledger(command)
        #expect(created.status == 0, "\(created.stderr)")
        let audit = try BoundedProcess.lrledger(["audit", "fault", "--db", db])
        #expect(audit.status == 0 && audit.stdout.contains("clean (100 rates match"), "\(audit.stdout)\(audit.stderr)")
    }

    @Test("a trainer killed at any instant while creating its ledger leaves a file the same command makes a ledger of")
    func killedWhileCreating() throws {
        let folder = try TemporaryDirectory()
        // The state between GRDB's bookkeeping table and the first migration, made by hand.
        let crafted = folder.path("crafted.sqlite")
        _ = try SQLiteShell.modify(
            crafted, "PRAGMA journal_mode = WAL; CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        var cases = [crafted]
        // And real kills at random instants of the creation.
        var generator = SplitMix(seed: 9)
        for attempt in 0..<12 {
            let db = folder.path("killed-\(attempt).sqlite")
            let trainer = try LRLedgerProcess.start(LedgerFiles.train("fault", db: db, steps: 100))
            usleep(UInt32.random(in: 0...60_000, using: &generator))
            kill(trainer.processIdentifier, SIGKILL)
            trainer.waitUntilExit()
            if FileManager.default.fileExists(atPath: db) { cases.append(db) }
        }
        for db in cases {
            let command = LedgerFiles.train("fault", db: db, steps: 100)
            let result = try BoundedProcess.lrledger(command)
            #expect(result.status == 0, "\(db): \(result.stderr)")
            let audit = try BoundedProcess.lrledger(["audit", "fault", "--db", db])
            #expect(audit.status == 0, "\(db): \(audit.stdout)\(audit.stderr)")
        }
    }

    // MARK: - Read-only

    @Test("a read-only database file refuses train with one line and unchanged bytes; readers still work")
    func readOnlyDatabaseFile() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        #expect(try BoundedProcess.lrledger(LedgerFiles.train("fault", db: db, steps: 2_000)).status == 0)
        let before = LedgerFiles.bytes(db)
        let readOnly = try ReadOnlyGuard(db)
        defer {
            readOnly.undo()
            withExtendedLifetime(folder) {}
        }

        let command = LedgerFiles.train("fault", db: db, steps: 4_000)
        let refused = try BoundedProcess.lrledger(command)
        Self.expectRefusal(refused, command, mentioning: [db, "read-only"])
        #expect(LedgerFiles.bytes(db) == before)
        for reader in Self.readers {
            let result = try BoundedProcess.lrledger(reader + ["--db", db])
            #expect(result.status == 0, "\(reader): \(result.stderr)")
        }
        #expect(LedgerFiles.bytes(db) == before)

        // Writable again, the same command continues the run.
        readOnly.undo()
        let resumed = try BoundedProcess.lrledger(command)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(LedgerFiles.committedStep("fault", db: db) == 4_000)
    }

    @Test(
        "a read-only folder refuses train on its ledger and a new ledger in it, creates no file, and readers still work"
    )
    func readOnlyFolder() throws {
        let folder = try TemporaryDirectory()
        let shelf = folder.path("shelf")
        try FileManager.default.createDirectory(atPath: shelf, withIntermediateDirectories: true)
        let db = shelf + "/ledger.sqlite"
        #expect(try BoundedProcess.lrledger(LedgerFiles.train("fault", db: db, steps: 2_000)).status == 0)
        let before = LedgerFiles.bytes(db)
        let listing = try FileManager.default.contentsOfDirectory(atPath: shelf)
        let readOnly = try ReadOnlyGuard(shelf)
        defer {
            readOnly.undo()
            withExtendedLifetime(folder) {}
        }

        // A read-only mount makes the file read-only too; chattr +i on the folder does not.
        let reason = readOnly.method == .bindMount ? "the file is read-only" : "is not writable"
        let resume = LedgerFiles.train("fault", db: db, steps: 4_000)
        Self.expectRefusal(try BoundedProcess.lrledger(resume), resume, mentioning: [db, reason])
        let create = LedgerFiles.train("fault", db: shelf + "/new.sqlite")
        Self.expectRefusal(
            try BoundedProcess.lrledger(create), create,
            mentioning: ["cannot create", shelf + "/new.sqlite", "not writable"])
        for reader in Self.readers {
            let result = try BoundedProcess.lrledger(reader + ["--db", db])
            if readOnly.method == .bindMount {
                #expect(result.status == 0, "\(reader): \(result.stderr)")
            } else if result.status != 0 {
                // Without a read-only mount SQLite needs a -shm file it cannot create.
                Self.expectRefusal(result, reader, mentioning: [db, "not writable", "-shm"])
            }
        }
        #expect(LedgerFiles.bytes(db) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: shelf) == listing)
    }

    // MARK: - Locked

    @Test(
        "a database locked by another program past --busy-timeout fails train with a locked message; readers go on; nothing changes"
    )
    func lockedPastTheBusyTimeout() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        #expect(try BoundedProcess.lrledger(LedgerFiles.train("fault", db: db, steps: 2_000)).status == 0)
        let before = LedgerFiles.bytes(db)

        let holder = try SQLiteLockHolder(db)
        let command = LedgerFiles.train("fault", db: db, steps: 4_000, extra: ["--busy-timeout", "1"])
        let started = Date()
        let refused = try BoundedProcess.lrledger(command, timeout: 30)
        let waited = Date().timeIntervalSince(started)
        Self.expectRefusal(refused, command, mentioning: [db, "locked", "busy timeout"])
        #expect(waited >= 1 && waited < 4.5, "waited \(waited) s for a 1 s busy timeout (the default is 5)")
        // WAL: the lock blocks writers only.
        let runs = try BoundedProcess.lrledger(["runs", "--db", db, "--format", "csv"], timeout: 30)
        #expect(runs.status == 0, "\(runs.stderr)")
        #expect(runs.stdout.contains("fault,finished,2000,2000"), "\(runs.stdout)")
        holder.release()

        #expect(LedgerFiles.bytes(db) == before)
        let resumed = try BoundedProcess.lrledger(command)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(LedgerFiles.committedStep("fault", db: db) == 4_000)
    }

    // MARK: - Garbage and truncation

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case randomBytes = "random bytes"
        case headerThenRandomBytes = "SQLite's header, then random bytes"
        case truncatedToHalf = "a ledger truncated to half its pages"
        case truncatedMidPage = "a ledger truncated in the middle of a page"
        case truncatedInHeader = "a ledger truncated inside its header"

        var testDescription: String { rawValue }

        /// The words the one-line message must hold.
        var words: [String] {
            switch self {
            case .randomBytes: ["not an SQLite database"]
            case .headerThenRandomBytes: ["damaged"]
            case .truncatedToHalf, .truncatedMidPage, .truncatedInHeader: ["truncated"]
            }
        }
    }

    @Test(
        "a garbage or truncated file is refused by every command with one line, and its bytes never change",
        arguments: Damage.allCases)
    func damagedFileIsLeftAlone(_ damage: Damage) throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        var generator = SplitMix(seed: 8)
        func random(_ count: Int) -> Data { Data((0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }) }
        switch damage {
        case .randomBytes:
            try random(65_536).write(to: URL(fileURLWithPath: db))
        case .headerThenRandomBytes:
            try (Data("SQLite format 3\u{0}".utf8) + random(65_520)).write(to: URL(fileURLWithPath: db))
        case .truncatedToHalf, .truncatedMidPage, .truncatedInHeader:
            #expect(try BoundedProcess.lrledger(LedgerFiles.train("fault", db: db, steps: 3_000)).status == 0)
            #expect(LedgerFiles.sideFiles(db).isEmpty, "train closed the ledger cleanly")
            let whole = try #require(LedgerFiles.bytes(db))
            let length =
                switch damage {
                case .truncatedToHalf: whole.count / 4096 / 2 * 4096
                case .truncatedMidPage: whole.count - 1000
                default: 60
                }
            try whole.prefix(length).write(to: URL(fileURLWithPath: db))
        }
        let before = try #require(LedgerFiles.bytes(db))

        let commands: [[String]] =
            [LedgerFiles.train("fault", db: db)] + Self.readers.map { $0 + ["--db", db] }
            + [["plot", "fault", "--db", db, "--output", folder.path("fault.svg")]]
        for command in commands {
            let result = try BoundedProcess.lrledger(command, timeout: 30)
            Self.expectRefusal(result, command, mentioning: [db] + damage.words)
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
            #expect(LedgerFiles.bytes(db) == before, "\(command) changed the file")
            #expect(LedgerFiles.sideFiles(db).isEmpty, "\(command) created \(LedgerFiles.sideFiles(db))")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path("fault.svg")))
    }

    // MARK: - A log left by a killed trainer

    @Test("the -wal left by a SIGKILLed trainer is recovered by runs, audit and train with nothing committed lost")
    func walLeftByAKilledTrainer() throws {
        let folder = try TemporaryDirectory()
        let twin = try Self.twin("fault", in: folder)
        let db = folder.path("ledger.sqlite")
        // A target far away, so the kill lands mid-run; the resume asks for the twin's.
        let trainer = try LRLedgerProcess.start(LedgerFiles.train("fault", db: db, steps: 10_000_000))
        var waited = 0
        while (LedgerFiles.committedStep("fault", db: db) ?? 0) < 1_000, trainer.isRunning, waited < 3_000 {
            usleep(5_000)
            waited += 1
        }
        #expect(trainer.isRunning, "the trainer was still running when killed")
        kill(trainer.processIdentifier, SIGKILL)
        trainer.waitUntilExit()
        let walSize = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        #expect(walSize > 0, "the killed trainer left a non-empty -wal")

        // A copy of the database and its log alone, as a backup or another machine has
        // them (no -shm): lrledger recovers the log there too.
        let aside = folder.path("aside")
        try FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: true)
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(atPath: db + suffix, toPath: aside + "/ledger.sqlite" + suffix)
        }
        let copied = try BoundedProcess.lrledger(["runs", "--db", aside + "/ledger.sqlite", "--format", "csv"])
        #expect(copied.status == 0, "\(copied.stderr)")
        let step = try #require(LedgerFiles.committedStep("fault", db: aside + "/ledger.sqlite"))
        #expect(step >= 1_000 && step % 10 == 0, "committed step \(step)")
        #expect(step < 20_000, "killed before the twin's target")

        // The original, read first by lrledger while the log is pending.
        let runs = try BoundedProcess.lrledger(["runs", "--db", db, "--format", "csv"])
        #expect(runs.status == 0, "\(runs.stderr)")
        // The killed trainer is gone: readers say so (the stored status still says running).
        #expect(runs.stdout.contains("fault,crashed,\(step),10000000"), "\(runs.stdout)")
        #expect(runs.stdout == copied.stdout)
        let audit = try BoundedProcess.lrledger(["audit", "fault", "--db", db])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("clean (\(step) rates match"), "\(audit.stdout)")

        let resumed = try BoundedProcess.lrledger(LedgerFiles.train("fault", db: db))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(
            resumed.stdout.contains("(\(20_000 - step) steps trained now)"),
            "nothing committed was lost: \(resumed.stdout)")
        try Self.expectIdentical("fault", db: db, twin: twin)
        let reasons = try SQLiteShell.query(db, "SELECT group_concat(end_reason) FROM segments WHERE run = 'fault'")
        #expect(reasons == "crashed,finished")
    }

    @Test("a SIGKILLed trainer its parent has not reaped yet (a zombie) does not hold the run")
    func unreapedTrainerDoesNotHoldTheRun() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        // posix_spawn, not Process: Foundation reaps the children it starts at once.
        let arguments = [LRLedgerProcess.binary.path] + LedgerFiles.train("fault", db: db, steps: 10_000_000)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(
                &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0)
        defer {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        var waited = 0
        while (LedgerFiles.committedStep("fault", db: db) ?? 0) < 100, waited < 2_000 {
            usleep(5_000)
            waited += 1
        }
        kill(pid, SIGKILL)
        waited = 0
        while (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") != true,
            waited < 400
        {
            usleep(5_000)
            waited += 1
        }
        #expect(try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8).contains(") Z "), "a zombie")

        let resumed = try BoundedProcess.lrledger(LedgerFiles.train("fault", db: db, steps: 2_000))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(LedgerFiles.committedStep("fault", db: db) == 2_000)
        let reasons = try SQLiteShell.query(db, "SELECT group_concat(end_reason) FROM segments WHERE run = 'fault'")
        #expect(reasons == "crashed,finished")
    }

    // MARK: - Tampering

    @Test(
        "a schedule config edited with SQL fails audit naming it, and train refuses to resume with one line and the file unchanged"
    )
    func editedScheduleIsRefused() throws {
        let folder = try TemporaryDirectory()
        let db = folder.path("ledger.sqlite")
        #expect(try BoundedProcess.lrledger(LedgerFiles.train("fault", db: db, steps: 500)).status == 0)
        _ = try SQLiteShell.modify(
            db, "UPDATE schedule_version SET config = replace(config, '\"decay_rate\":0.5', '\"decay_rate\":0.25')")
        #expect(try SQLiteShell.query(db, "SELECT schedule FROM runs").contains("\"decay_rate\":0.25"))
        let before = LedgerFiles.bytes(db)

        let audit = try BoundedProcess.lrledger(["audit", "fault", "--db", db])
        #expect(audit.status == 1)
        #expect(audit.stderr.isEmpty, "findings go to stdout: \(audit.stderr)")
        #expect(audit.stdout.contains("(schedule_version 1) no longer matches its SHA-256"), "\(audit.stdout)")

        for extra in [[], ["--change-schedule", "--decay-rate", "0.25"]] {
            let command = LedgerFiles.train("fault", db: db, steps: 1_000, extra: extra)
            let refused = try BoundedProcess.lrledger(command)
            Self.expectRefusal(refused, command, mentioning: ["schedule_version 1", "no longer matches its SHA-256"])
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            #expect(LedgerFiles.bytes(db) == before, "\(command) changed the file")
        }

        // Rewriting the recorded SHA-256 too hides the edit from that check, not from
        // audit: every rate logged under the real schedule now differs.
        let config = try SQLiteShell.query(db, "SELECT config FROM schedule_version WHERE id = 1")
        _ = try SQLiteShell.modify(db, "UPDATE schedule_version SET sha256 = '\(try Self.sha256(config))' WHERE id = 1")
        let recomputed = try BoundedProcess.lrledger(["audit", "fault", "--db", db])
        #expect(recomputed.status == 1)
        #expect(recomputed.stdout.contains("logged rate"), "\(recomputed.stdout)")
    }
}

/// A small seeded generator, so every run of a test makes the same bytes.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
