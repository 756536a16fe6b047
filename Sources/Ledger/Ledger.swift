import Foundation
import GRDB
import GRDBSQLite
import Logging

/// A ledger: one SQLite database holding runs, their schedules, segments, logged rates
/// and checkpoints.
///
/// Open it read-write with `init(path:configuration:logger:)` to train (it creates
/// and migrates the file), or with `openReadOnly(path:busyTimeout:logger:)` to list, show, audit
/// or query (it never writes and never creates a file). Both refuse, with a clear
/// message and without writing a byte, a file that is not an SQLite database, is
/// truncated, was made by a newer lrledger, or whose migrations differ from this
/// build's.
///
/// ```swift
/// let ledger = try Ledger(path: "lrledger.sqlite")
/// let writer = try ledger.attach(AttachRequest(run: "demo", defaultSchedule: schedule, targetSteps: 1000))
/// for step in writer.resumeStep..<1000 {
///     writer.log(step: step, rate: writer.schedule.rate(at: step))
///     if (step + 1) % 100 == 0 { try writer.commit(step: step + 1, state: modelState()) }
/// }
/// try writer.close(reason: .finished)
/// ```
///
/// A `Ledger` is safe to share between threads and tasks; each `RunWriter` it hands
/// out is for one task at a time.
public final class Ledger: Sendable {
    /// The database file.
    public let path: String
    /// True when opened with `openReadOnly(path:busyTimeout:logger:)`.
    public let isReadOnly: Bool
    /// The configuration the ledger was opened with.
    public let configuration: LedgerConfiguration
    /// True when this open made the ledger: the file did not exist, or held no database.
    public let createdFile: Bool

    let pool: DatabasePool
    let logger: Logger
    let fileIdentity: FileIdentity?
    /// Whether releasing the ledger should let SQLite remove the `-wal` and `-shm`
    /// files: always for a read-write ledger; for a read-only one, only when they did
    /// not exist before it opened the file (a reader leaves the files as it found them).
    private let removesLogFiles: Bool

    private init(
        path: String, isReadOnly: Bool, configuration: LedgerConfiguration, pool: DatabasePool, logger: Logger,
        removesLogFiles: Bool, createdFile: Bool = false
    ) {
        self.path = path
        self.createdFile = createdFile
        self.isReadOnly = isReadOnly
        self.configuration = configuration
        self.pool = pool
        self.logger = logger
        self.fileIdentity = FileIdentity(path: path)
        self.removesLogFiles = removesLogFiles
    }

    deinit {
        // A read-only command that fails or is refused releases the ledger without
        // close(). (A read-write pool may still serve a RunWriter: only close() ends it.)
        if isReadOnly, removesLogFiles {
            try? pool.close()
            DatabasePreflight.removeLogFilesIfUnused(path: path)
        }
    }

    /// Opens the ledger at `path` for reading and writing, creating the file when it
    /// does not exist and applying the migrations it lacks.
    ///
    /// The database is put in WAL mode with the configured busy timeout and
    /// durability. Nothing is written when the file is refused.
    ///
    /// - parameter path: the database file; its directory must exist.
    /// - parameter configuration: durability, busy timeout, checkpoints kept, lease timeout.
    /// - parameter logger: where the ledger logs migrations, recovered crashes and rewinds.
    /// - throws: `LedgerError` with `.notADatabase`, `.notALedger`, `.corrupt`,
    ///   `.newerSchema`, `.migrationChecksumMismatch`, `.cannotOpen`, `.readOnly` (the
    ///   file or its folder is not writable), `.invalidArgument` (configuration) or an
    ///   SQLite error code.
    public convenience init(
        path: String, configuration: LedgerConfiguration = LedgerConfiguration(),
        logger: Logger = Logger(label: "lrledger.ledger")
    ) throws {
        try configuration.validate()
        let inspection = try DatabasePreflight.inspect(path: path, busyTimeout: configuration.busyTimeout)
        try DatabasePreflight.checkWritable(path: path)
        var grdbConfiguration = Configuration()
        grdbConfiguration.label = "lrledger"
        grdbConfiguration.busyMode = .timeout(configuration.busyTimeout)
        grdbConfiguration.prepareDatabase { db in
            if let connection = db.sqliteConnection { SQLiteHardening.apply(to: connection) }
        }
        let pool = try LedgerError.translating(path: path, "open the database") {
            try DatabasePool(path: DatabasePreflight.fileName(path: path), configuration: grdbConfiguration)
        }
        // GRDB sets synchronous = NORMAL when it switches to WAL; apply the choice after.
        let synchronous = configuration.durability == .full ? "FULL" : "NORMAL"
        try LedgerError.translating(path: path, "set its durability") {
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        }
        self.init(
            path: path, isReadOnly: false, configuration: configuration, pool: pool, logger: logger,
            removesLogFiles: true, createdFile: inspection == .missing || inspection == .empty)
        if inspection != .ledger(pending: []) {
            try migrate(inspection)
        }
    }

    /// Opens the ledger at `path` for reading only: `runs`, `run(named:)`, `history`,
    /// `audit` and `query` work; `attach` is refused. The connection is opened with
    /// `SQLITE_OPEN_READONLY`, so no statement can modify the file, and a missing file
    /// is not created.
    ///
    /// - parameter path: an existing ledger file.
    /// - parameter busyTimeout: seconds to wait for another connection's lock, as
    ///   `LedgerConfiguration.busyTimeout` (a reader waits only for a program holding
    ///   the file in exclusive locking mode, or recovering its log).
    /// - parameter logger: where the ledger logs.
    /// - throws: `LedgerError` with `.fileNotFound`, `.notADatabase`, `.notALedger`,
    ///   `.corrupt`, `.newerSchema`, `.olderSchema`, `.migrationChecksumMismatch`,
    ///   `.busy`, `.invalidArgument` (busy timeout).
    public static func openReadOnly(
        path: String, busyTimeout: Double = LedgerConfiguration().busyTimeout,
        logger: Logger = Logger(label: "lrledger.ledger")
    ) throws -> Ledger {
        let configuration = LedgerConfiguration(busyTimeout: busyTimeout)
        try configuration.validate()
        switch try DatabasePreflight.inspect(path: path, busyTimeout: busyTimeout) {
        case .missing:
            throw LedgerError(
                .fileNotFound, "no ledger at \(path): the file does not exist; check the path (--db or LRLEDGER_DB)")
        case .empty:
            throw LedgerError(
                .notALedger,
                "\(path) is an empty database, not an lrledger ledger; check the path (--db or LRLEDGER_DB)")
        case .ledger(let pending) where !pending.isEmpty:
            throw LedgerError(
                .olderSchema,
                "\(path) was made by an older lrledger and lacks migration \(pending[0]); open it once read-write (for example with lrledger train) to migrate it"
            )
        case .ledger:
            break
        }
        let logFilesExisted =
            FileManager.default.fileExists(atPath: path + "-wal")
            || FileManager.default.fileExists(atPath: path + "-shm")
        var grdbConfiguration = Configuration()
        grdbConfiguration.label = "lrledger.readonly"
        grdbConfiguration.readonly = true
        grdbConfiguration.busyMode = .timeout(busyTimeout)
        grdbConfiguration.prepareDatabase { db in
            if let connection = db.sqliteConnection { SQLiteHardening.apply(to: connection) }
        }
        let pool = try LedgerError.translating(path: path, "open the database read-only") {
            try DatabasePool(path: DatabasePreflight.readOnlyOpenName(path: path), configuration: grdbConfiguration)
        }
        return Ledger(
            path: path, isReadOnly: true, configuration: configuration, pool: pool, logger: logger,
            removesLogFiles: !logFilesExisted)
    }

    /// Closes the ledger's SQLite connections now rather than when the ledger is
    /// released. Later calls fail. Writers should be closed first.
    ///
    /// A read-write ledger checkpoints its write-ahead log first, and when no other
    /// connection uses the file, SQLite then removes the `-wal` and `-shm` files, as
    /// it does when the ledger is released. A read-only ledger does the same for log
    /// files that did not exist when it opened the file, so `runs` or a refused command
    /// leave the folder as they found it.
    ///
    /// - throws: `LedgerError` when a connection cannot close (a statement still runs).
    public func close() throws {
        try LedgerError.translating(path: path, "close the database") {
            if !isReadOnly {
                _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            }
            try pool.close()
        }
        if removesLogFiles { DatabasePreflight.removeLogFilesIfUnused(path: path) }
    }

    // MARK: - Migrations

    private func migrate(_ inspection: DatabasePreflight.Inspection) throws {
        let migrator = LedgerMigrations.migrator()
        do {
            try migrator.migrate(pool)
        } catch {
            // Another process may have migrated the same new file at the same moment:
            // accept the result when the database is now complete and consistent.
            let pending = try? pool.read { try LedgerMigrations.pending(path: path, db: $0) }
            guard pending == [] else {
                if let error = error as? DatabaseError {
                    throw LedgerError(error, path: path, action: "apply its migrations")
                }
                throw error
            }
        }
        let pending = try LedgerError.translating(path: path, "check its migrations") {
            try pool.read { try LedgerMigrations.pending(path: path, db: $0) }
        }
        guard pending.isEmpty else {
            throw LedgerError(
                .sqlite, "\(path) still lacks migration \(pending[0]) after migrating; check the file's permissions")
        }
        if case .ledger(let applied) = inspection {
            logger.info(
                "migrated ledger", metadata: ["path": "\(path)", "migrations": "\(applied.joined(separator: ","))"])
        } else {
            logger.info("created ledger", metadata: ["path": "\(path)"])
        }
    }

    /// The pool for writing, or a `.readOnly` error naming `action`.
    func writablePool(for action: @autoclosure () -> String) throws -> DatabasePool {
        guard !isReadOnly else {
            throw LedgerError(
                .readOnly, "cannot \(action()): \(path) was opened read-only; open it with Ledger(path:) to write")
        }
        return pool
    }
}
