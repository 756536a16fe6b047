import Foundation
import Schedules
import TestSupport
import Testing

@testable import Ledger

@Suite("Migrations and opening")
struct MigrationTests {
    /// The text of the package's migration files, read from the source tree.
    static func migrationFiles() throws -> [(identifier: String, text: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations")
        return try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".sql") }.sorted()
            .map { name in
                (String(name.dropLast(4)), try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8))
            }
    }

    @Test("the build embeds every migrations/*.sql file with its exact text")
    func embedsMigrationFiles() throws {
        let files = try Self.migrationFiles()
        #expect(!files.isEmpty)
        #expect(EmbeddedMigration.all.map(\.identifier) == files.map(\.identifier))
        #expect(EmbeddedMigration.all.map(\.sql) == files.map(\.text))
    }

    @Test("migrations apply on a new file, recording each with its checksum, and are no-ops on a current one")
    func appliesThenNoOp() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        do { try makeLedger(path) }
        let files = try Self.migrationFiles()
        let recorded = try sqlite3(
            path, "SELECT identifier || ' ' || sha256 || ' ' || applied_at FROM lrledger_migration ORDER BY identifier")
        let lines = recorded.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == files.count)
        for (line, file) in zip(lines, files) {
            let parts = line.split(separator: " ")
            #expect(parts.count == 3)
            #expect(String(parts[0]) == file.identifier)
            let expected = try run("sh", ["-c", "printf '%s' \"$1\" | sha256sum | cut -d' ' -f1", "sh", file.text])
            #expect(String(parts[1]) == expected.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let applied = try sqlite3(path, "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        #expect(applied.stdout.split(separator: "\n").map(String.init) == files.map(\.identifier))
        let views = try sqlite3(path, "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
        for view in ["rate_history", "runs", "segments"] {
            #expect(views.stdout.contains(view))
        }

        // Opening again applies nothing: the records are untouched.
        do { try makeLedger(path) }
        let again = try sqlite3(
            path, "SELECT identifier || ' ' || sha256 || ' ' || applied_at FROM lrledger_migration ORDER BY identifier")
        #expect(again.stdout == recorded.stdout)
        let journal = try sqlite3(path, "PRAGMA journal_mode")
        #expect(journal.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "wal")
    }

    @Test("a zero-length file and an empty SQLite database become ledgers")
    func emptyFilesBecomeLedgers() throws {
        let directory = try TemporaryDirectory()
        let zero = directory.path("zero.sqlite")
        _ = FileManager.default.createFile(atPath: zero, contents: Data())
        try makeLedger(zero)
        let blank = directory.path("blank.sqlite")
        try sqlite3(blank, "PRAGMA user_version = 0; VACUUM;")
        try makeLedger(blank)
        for path in [zero, blank] {
            #expect(try Ledger.openReadOnly(path: path).runs().isEmpty)
        }
    }

    @Test("a database with a newer migration is refused and left unchanged")
    func newerMigrationRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        try makeLedgerWithARun(path)
        try sqlite3(
            path,
            """
            INSERT INTO grdb_migrations VALUES ('9999_from_the_future');
            INSERT INTO lrledger_migration VALUES ('9999_from_the_future', 'abc', '2030-01-01T00:00:00.000Z');
            """)
        try expectRefusedUnchanged(path, in: directory, code: .newerSchema, mentioning: "9999_from_the_future")
    }

    @Test("a database whose recorded migration checksum differs is refused and left unchanged")
    func checksumMismatchRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        try makeLedgerWithARun(path)
        try sqlite3(path, "UPDATE lrledger_migration SET sha256 = 'deadbeef' || substr(sha256, 9)")
        try expectRefusedUnchanged(path, in: directory, code: .migrationChecksumMismatch, mentioning: "0001_initial")
    }

    @Test("a file that is not an SQLite database is refused and left unchanged")
    func garbageRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        var generator = SystemRandomNumberGenerator()
        let garbage = Data((0..<10_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        _ = FileManager.default.createFile(atPath: path, contents: garbage)
        try expectRefusedUnchanged(path, in: directory, code: .notADatabase, mentioning: "not an SQLite database")
        let text = directory.path("notes.txt")
        _ = FileManager.default.createFile(atPath: text, contents: Data("step,rate\n0,0.1\n".utf8))
        try expectRefusedUnchanged(text, in: directory, code: .notADatabase, mentioning: "not an SQLite database")
    }

    @Test("a truncated database is refused and left unchanged")
    func truncatedRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        try makeLedgerWithARun(path, steps: 20_000)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size > 8 * 4096)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()
        try expectRefusedUnchanged(path, in: directory, code: .corrupt, mentioning: "truncated")
        // Cut mid-page as well.
        let handle2 = try #require(FileHandle(forWritingAtPath: path))
        try handle2.truncate(atOffset: UInt64(size / 2 - 1000))
        try handle2.close()
        try expectRefusedUnchanged(path, in: directory, code: .corrupt, mentioning: "truncated")
    }

    @Test("an SQLite database that lrledger did not make is refused and left unchanged")
    func foreignDatabaseRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path()
        try sqlite3(
            path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'a');")
        try expectRefusedUnchanged(path, in: directory, code: .notALedger, mentioning: "customers")
        // A database holding only a view is someone's too.
        let viewOnly = directory.path("view.sqlite")
        try sqlite3(viewOnly, "CREATE VIEW runs AS SELECT 1 AS name")
        try expectRefusedUnchanged(viewOnly, in: directory, code: .notALedger, mentioning: "runs")
    }

    @Test("opening read-only a path that does not exist fails and creates nothing")
    func readOnlyMissingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("missing.sqlite")
        let error = #expect(throws: LedgerError.self) { try Ledger.openReadOnly(path: path) }
        #expect(error?.code == .fileNotFound)
        #expect(error?.message.contains(path) == true)
        #expect(try directory.files().isEmpty)
    }

    @Test("a read-write open in a directory that does not exist fails with a clear message")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("no/such/dir/ledger.sqlite")
        let error = #expect(throws: LedgerError.self) { try Ledger(path: path) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.contains("directory") == true)
    }

    @Test("the writer connection uses synchronous=NORMAL by default and FULL on request, with the busy timeout")
    func durability() throws {
        let directory = try TemporaryDirectory()
        for (durability, expected) in [(LedgerConfiguration.Durability.normal, 1), (.full, 2)] {
            let ledger = try Ledger(
                path: directory.path("\(durability).sqlite"),
                configuration: LedgerConfiguration(durability: durability, busyTimeout: 2.5))
            let synchronous = try ledger.withSQLiteConnection { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            #expect(synchronous == expected, "\(durability)")
            let timeout = try ledger.withSQLiteConnection { db in
                try Int.fetchOne(db, sql: "PRAGMA busy_timeout")
            }
            #expect(timeout == 2500)
            let journal = try ledger.withSQLiteConnection { db in
                try String.fetchOne(db, sql: "PRAGMA journal_mode")
            }
            #expect(journal == "wal")
        }
    }

    @Test("a configuration with no checkpoints kept is refused, naming the field")
    func invalidConfiguration() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: LedgerError.self) {
            try Ledger(path: directory.path(), configuration: LedgerConfiguration(keepCheckpoints: 0))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("keepCheckpoints") == true)
        let huge = #expect(throws: LedgerError.self) {
            try Ledger(path: directory.path(), configuration: LedgerConfiguration(busyTimeout: 1e12))
        }
        #expect(huge?.message.contains("busyTimeout") == true)
        #expect(try directory.files().isEmpty)
    }

    // MARK: - Helpers

    /// Creates a ledger at `path` with one run of `steps` committed steps, then closes it.
    func makeLedgerWithARun(_ path: String, steps: Int64 = 100) throws {
        let ledger = try Ledger(path: path)
        let writer = try ledger.attach(try request("demo"))
        var step: Int64 = 0
        while step < steps {
            let next = min(steps, step + 5_000)
            try logAndCommit(writer, step..<next)
            step = next
        }
        try writer.close(reason: .finished)
    }

    /// Expects both opens to refuse `path` with `code`, and the directory (every file's
    /// bytes, and no new -wal or -shm file) to be unchanged.
    func expectRefusedUnchanged(
        _ path: String, in directory: TemporaryDirectory, code: LedgerError.Code, mentioning text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let filesBefore = try directory.files()
        let bytesBefore = try filesBefore.map { try Data(contentsOf: directory.url.appendingPathComponent($0)) }
        let readWrite = #expect(throws: LedgerError.self, sourceLocation: sourceLocation) { try Ledger(path: path) }
        #expect(readWrite?.code == code, "\(readWrite?.message ?? "")", sourceLocation: sourceLocation)
        #expect(
            readWrite?.message.contains(text) == true, "\(readWrite?.message ?? "")", sourceLocation: sourceLocation)
        #expect(readWrite?.message.contains(path) == true, sourceLocation: sourceLocation)
        let readOnly = #expect(throws: LedgerError.self, sourceLocation: sourceLocation) {
            try Ledger.openReadOnly(path: path)
        }
        #expect(readOnly?.code == code, "\(readOnly?.message ?? "")", sourceLocation: sourceLocation)
        #expect(try directory.files() == filesBefore, sourceLocation: sourceLocation)
        let bytesAfter = try filesBefore.map { try Data(contentsOf: directory.url.appendingPathComponent($0)) }
        #expect(bytesAfter == bytesBefore, "file bytes changed", sourceLocation: sourceLocation)
    }
}
