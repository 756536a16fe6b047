import Foundation
import Testing

/// Mounts for the fault tests: a small tmpfs (a real full disk) and read-only bind
/// mounts. They need root with CAP_SYS_ADMIN, as the tests and CI run; each caller
/// falls back to another honest simulation, and says so, when mounting is refused.
enum Mount {
    /// Runs `mount`/`umount` with `arguments`; the status and what it printed.
    @discardableResult
    static func command(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return (-1, "\(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Mounts a tmpfs of `kibibytes` at the existing folder `path`; false when refused.
    static func tmpfs(at path: String, kibibytes: Int) -> Bool {
        if ProcessInfo.processInfo.environment["LRLEDGER_TEST_NO_MOUNT"] != nil { return false }
        return command("mount", ["-t", "tmpfs", "-o", "size=\(kibibytes)k", "tmpfs", path]).status == 0
    }

    /// Grows or shrinks the tmpfs at `path`.
    static func resize(_ path: String, kibibytes: Int) throws {
        let result = command("mount", ["-o", "remount,size=\(kibibytes)k", path])
        if result.status != 0 { throw FixtureError("cannot resize the tmpfs at \(path): \(result.output)") }
    }

    /// Bind-mounts `path` (a file or a folder) onto itself read-only; false when refused.
    static func bindReadOnly(_ path: String) -> Bool {
        if ProcessInfo.processInfo.environment["LRLEDGER_TEST_NO_MOUNT"] != nil { return false }
        guard command("mount", ["--bind", path, path]).status == 0 else { return false }
        guard command("mount", ["-o", "remount,ro,bind", path]).status == 0 else {
            unmount(path)
            return false
        }
        return true
    }

    /// Unmounts `path`, lazily when something still holds it.
    static func unmount(_ path: String) {
        if command("umount", [path]).status != 0 {
            command("umount", ["-l", path])
        }
    }
}

/// Makes a file or folder read-only for a test, by the strongest means this machine
/// allows, and undoes it. Root ignores permission bits, so root uses a read-only bind
/// mount, else `chattr +i`; other users get `chmod a-w`.
final class ReadOnlyGuard {
    enum Method: String {
        case bindMount = "a read-only bind mount"
        case immutable = "chattr +i"
        case permissions = "chmod a-w"
    }

    let path: String
    let method: Method
    private var active = true

    init(_ path: String) throws {
        self.path = path
        if Mount.bindReadOnly(path) {
            method = .bindMount
        } else if getuid() == 0 {
            let result = Mount.command("chattr", ["+i", path])
            guard result.status == 0 else {
                throw FixtureError(
                    "cannot make \(path) read-only as root: mounting is refused and chattr +i failed (\(result.output))"
                )
            }
            method = .immutable
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: path)
            method = .permissions
        }
        if method != .bindMount {
            print("FaultTests: bind mounts are refused here; \(path) is made read-only with \(method.rawValue)")
        }
    }

    /// Makes the path writable again.
    func undo() {
        guard active else { return }
        active = false
        switch method {
        case .bindMount: Mount.unmount(path)
        case .immutable: Mount.command("chattr", ["-i", path])
        case .permissions: try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
    }

    deinit { undo() }
}

/// Another program holding a database's write lock: the `sqlite3` shell inside
/// `BEGIN EXCLUSIVE`, until `release()`.
final class SQLiteLockHolder {
    private let process = Process()
    private let input = Pipe()
    let database: String

    init(_ database: String) throws {
        self.database = database
        // Writing to the shell after it died must fail, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", database]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait (rather than fail) if the probe below holds the lock for an instant.
        input.fileHandleForWriting.write(Data(".timeout 5000\nBEGIN EXCLUSIVE;\n".utf8))
        // The lock is held once a write transaction from another connection is refused.
        for _ in 0..<500 {
            if let probe = try? SQLiteShell.modify(database, "BEGIN IMMEDIATE; ROLLBACK;"), probe.isEmpty {
                usleep(10_000)
                continue
            }
            return
        }
        release()
        throw FixtureError("sqlite3 did not take the lock on \(database) within 5 seconds")
    }

    /// Ends the transaction and the shell.
    func release() {
        guard process.isRunning else { return }
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { release() }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reading a ledger from outside lrledger, as the fault tests compare them.
enum LedgerFiles {
    /// The training command the fault tests use: a commit every 10 steps.
    static func train(_ run: String, db: String, steps: Int64 = 20_000, extra: [String] = []) -> [String] {
        [
            "train", "--db", db, "--run", run, "--steps", "\(steps)", "--checkpoint-every", "10", "--seed", "7",
            "--momentum", "0.5",
        ] + extra
    }

    /// The file's bytes, or nil when it does not exist.
    static func bytes(_ path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }

    /// Which of SQLite's side files (`-wal`, `-shm`, `-journal`) exist beside `database`.
    static func sideFiles(_ database: String) -> [String] {
        ["-wal", "-shm", "-journal"].filter { FileManager.default.fileExists(atPath: database + $0) }
    }

    /// The run's committed step as the sqlite3 shell reads it, nil when unreadable.
    static func committedStep(_ run: String, db: String) -> Int64? {
        (try? SQLiteShell.query(db, "SELECT step FROM runs WHERE name = '\(run)'")).flatMap { Int64($0) }
    }

    /// The run's canonical history with every rate and loss to 17 significant digits
    /// (enough to tell any two doubles apart), one row per line.
    static func history(_ run: String, db: String) throws -> String {
        try SQLiteShell.query(
            db,
            """
            SELECT step, printf('%!.17g', rate), ifnull(printf('%!.17g', loss), 'NULL')
            FROM rate_history WHERE run = '\(run)' ORDER BY step
            """)
    }

    /// The SHA-256 of the run's latest checkpoint.
    static func finalCheckpoint(_ run: String, db: String) throws -> String {
        try SQLiteShell.query(db, "SELECT sha256 FROM checkpoints WHERE run = '\(run)' ORDER BY step DESC LIMIT 1")
    }
}
