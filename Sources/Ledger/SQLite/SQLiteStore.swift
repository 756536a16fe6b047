import Foundation
import GRDB
import GRDBSQLite
import Logging

/// The embedded store: one SQLite file in WAL mode, through GRDB.
///
/// A read-write store creates and migrates the file with its first write: until then a
/// missing file reads as an empty ledger and nothing is created, so checks that refuse
/// a request leave the folder as it was. A read-only store opens the file with
/// `SQLITE_OPEN_READONLY` and never creates it. Both refuse, with a clear message and
/// without writing a byte, a file that is not an SQLite database, is truncated, was
/// made by a newer lrledger, or whose migrations differ from this build's.
final class SQLiteStore: LedgerStore, @unchecked Sendable {
    let path: String
    let isReadOnly: Bool
    private let busyTimeout: Double
    private let configuration: LedgerConfiguration

    /// Until the first write, what the open found, and a read-only store over the file
    /// when it is a current ledger: so opening and reading write nothing, and the first
    /// write creates or migrates the ledger. Then the read-write connections.
    private enum State {
        case deferred(DatabasePreflight.Inspection, reader: SQLiteStore?)
        case open(DatabasePool)
        case closed
    }
    private let lock = NSLock()
    private var state: State
    private var madeLedger = false
    /// True when the first write made the file itself (it did not exist).
    private var madeFile = false
    private let logger: Logger
    /// Whether releasing the store should let SQLite remove the `-wal` and `-shm`
    /// files: always for a read-write store; for a read-only one, only when they did
    /// not exist before it opened the file (a reader leaves the files as it found them).
    private let removesLogFiles: Bool

    var location: String { path }

    private init(
        path: String, isReadOnly: Bool, state: State, configuration: LedgerConfiguration, logger: Logger,
        removesLogFiles: Bool
    ) {
        self.path = path
        self.isReadOnly = isReadOnly
        self.state = state
        self.configuration = configuration
        self.busyTimeout = configuration.busyTimeout
        self.logger = logger
        self.removesLogFiles = removesLogFiles
    }

    deinit {
        // A read-only command that fails or is refused releases the store without
        // close(). (A read-write pool may still serve a RunWriter: only close() ends it.)
        if isReadOnly, removesLogFiles, case .open(let pool) = state {
            try? pool.close()
            DatabasePreflight.removeLogFilesIfUnused(path: path)
        }
    }

    /// The file's device and inode: the same for every path that names it (nil before it exists).
    var identity: String? {
        FileIdentity(path: path).map { "\($0.device):\($0.inode)" }
    }

    /// True once a write of this store made the ledger: the file did not exist, or held no database.
    var createdLedger: Bool {
        lock.lock()
        defer { lock.unlock() }
        return madeLedger
    }

    /// Opens the file at `path` for reading and writing, creating it when it does not
    /// exist and applying the migrations it lacks.
    ///
    /// - throws: `LedgerError` with `.notADatabase`, `.notALedger`, `.corrupt`,
    ///   `.newerSchema`, `.migrationChecksumMismatch`, `.cannotOpen`, `.readOnly`.
    static func openReadWrite(path: String, configuration: LedgerConfiguration, logger: Logger) throws -> SQLiteStore {
        let inspection = try DatabasePreflight.inspect(path: path, busyTimeout: configuration.busyTimeout)
        try DatabasePreflight.checkWritable(path: path)
        return SQLiteStore(
            path: path, isReadOnly: false, state: .deferred(inspection, reader: nil), configuration: configuration,
            logger: logger, removesLogFiles: true)
    }

    /// Opens the read-write pool, in WAL mode with the configured durability.
    private static func openPool(path: String, configuration: LedgerConfiguration) throws -> DatabasePool {
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
        return pool
    }

    /// Opens the file at `path` for reading only.
    ///
    /// - throws: `LedgerError` with `.fileNotFound`, `.notADatabase`, `.notALedger`,
    ///   `.corrupt`, `.newerSchema`, `.olderSchema`, `.migrationChecksumMismatch`, `.busy`.
    static func openReadOnly(path: String, busyTimeout: Double, logger: Logger) throws -> SQLiteStore {
        switch try DatabasePreflight.inspect(path: path, busyTimeout: busyTimeout) {
        case .missing:
            throw LedgerError(.fileNotFound, "no ledger at \(path): the file does not exist; check the path")
        case .empty:
            throw LedgerError(.notALedger, "\(path) is an empty database, not an lrledger ledger; check the path")
        case .ledger(let pending) where !LedgerMigrations.readable(lacking: pending):
            let missing = pending.first { !LedgerMigrations.derived.contains($0) } ?? pending[0]
            throw LedgerError(
                .olderSchema,
                "\(path) was made by an older lrledger and lacks migration \(missing); open it once read-write (by resuming a run) to migrate it"
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
        return SQLiteStore(
            path: path, isReadOnly: true, state: .open(pool),
            configuration: LedgerConfiguration(busyTimeout: busyTimeout),
            logger: logger, removesLogFiles: !logFilesExisted)
    }

    // MARK: - Transactions

    func read<T>(_ action: @autoclosure () -> String, _ body: (any LedgerTransaction) throws -> T) throws -> T {
        switch try readState() {
        case .open(let pool):
            return try LedgerError.translating(path: path, action()) {
                try pool.read { db in try body(SQLiteTransaction(db: db, path: path)) }
            }
        case .deferred(_, let reader?):
            return try reader.read(action(), body)
        case .deferred(.ledger(let pending), nil):
            throw LedgerError(
                .olderSchema,
                "\(path) was made by an older lrledger and lacks migration \(pending.first ?? "?"); the first write migrates it"
            )
        case .closed:
            throw Self.closedError(path, action())
        case .deferred:
            // No ledger yet: it reads as an empty one.
            return try LedgerError.translating(path: path, action()) {
                try Self.emptyLedger.get().read { db in try body(SQLiteTransaction(db: db, path: path)) }
            }
        }
    }

    func write<T>(_ action: @autoclosure () -> String, _ body: (any LedgerTransaction) throws -> T) throws -> T {
        try writeTransaction(action(), body)
    }

    /// A writer's commit as one write transaction of its writes in turn: the heartbeat
    /// with the segment's fence, the step counter with its own, the rows (the hot path:
    /// one prepared statement bound row by row), the checkpoint and its pruning, the
    /// chain link.
    func commit(_ commit: StoredCommit, _ action: @autoclosure () -> String) throws -> [String] {
        try writeTransaction(action()) { tx in
            guard try tx.touchSegment(id: commit.segmentID, now: commit.now) else { throw CommitRefusal.segmentClosed }
            guard try tx.advanceRun(id: commit.runID, from: commit.expectedStep, to: commit.step, now: commit.now)
            else { throw CommitRefusal.stepMoved }
            if !commit.rows.isEmpty {
                try tx.insertRates(runID: commit.runID, rows: commit.rows)
            }
            var dropped: [String] = []
            if let checkpoint = commit.checkpoint {
                try tx.insertCheckpoint(checkpoint, runID: commit.runID)
                dropped = try tx.pruneCheckpoints(runID: commit.runID, keep: commit.keepCheckpoints)
            }
            try tx.insertChainLink(commit.link, runID: commit.runID, at: commit.now)
            return dropped
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer connection.
    private func writeTransaction<T>(_ action: @autoclosure () -> String, _ body: (SQLiteTransaction) throws -> T)
        throws -> T
    {
        guard !isReadOnly else {
            throw LedgerError(
                .readOnly, "cannot \(action()): \(path) was opened read-only; open it read-write to change it")
        }
        let pool = try writablePool()
        return try LedgerError.translating(path: path, action()) {
            try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(SQLiteTransaction(db: db, path: path))
                    return .commit
                }
                guard let result else {
                    throw LedgerError(.storeFailure, "cannot \(action()): the transaction did not complete")
                }
                return result
            }
        }
    }

    /// Removes the file this store's first write created, while it still holds no run:
    /// for a caller whose first write failed (an import of a damaged file), so the folder
    /// is left as it was. Does nothing for a file that existed before.
    ///
    /// Call it only where no other process is expected to be writing the same new file:
    /// one that opened it meanwhile would lose it.
    func discardCreatedLedger() {
        lock.lock()
        defer { lock.unlock() }
        guard madeFile, case .open(let pool) = state else { return }
        let holdsRuns = (try? pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run") ?? 0 }) ?? 1
        guard holdsRuns == 0, (try? pool.close()) != nil else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        madeLedger = false
        madeFile = false
        state = .deferred(.missing, reader: nil)
    }

    /// Whether the ledger is not made yet: its first write creates or migrates it.
    var awaitsFirstWrite: Bool {
        lock.lock()
        defer { lock.unlock() }
        if case .deferred = state { return true }
        return false
    }

    /// The state for a read: before the first write, a read-only store over a current
    /// ledger (also one another process has made meanwhile).
    private func readState() throws -> State {
        lock.lock()
        defer { lock.unlock() }
        guard case .deferred(let found, nil) = state else { return state }
        let inspection =
            found == .ledger(pending: []) ? found : try DatabasePreflight.inspect(path: path, busyTimeout: busyTimeout)
        var readable = false
        if case .ledger(let pending) = inspection { readable = LedgerMigrations.readable(lacking: pending) }
        let reader =
            readable
            ? try SQLiteStore.openReadOnly(path: path, busyTimeout: busyTimeout, logger: logger) : nil
        state = .deferred(inspection, reader: reader)
        return state
    }

    /// The read-write pool; the first call creates or migrates the ledger when it needs it.
    private func writablePool() throws -> DatabasePool {
        lock.lock()
        defer { lock.unlock() }
        if case .open(let pool) = state { return pool }
        if case .closed = state { throw Self.closedError(path, "write") }
        if case .deferred(_, let reader?) = state {
            try? reader.close()
            state = .deferred(.missing, reader: nil)
        }
        // Inspect again: another process may have made or migrated the file meanwhile.
        let inspection = try DatabasePreflight.inspect(path: path, busyTimeout: busyTimeout)
        let pool = try Self.openPool(path: path, configuration: configuration)
        if inspection != .ledger(pending: []) {
            try migrate(pool, inspection)
            madeFile = inspection == .missing
            madeLedger = inspection == .missing || inspection == .empty
        }
        state = .open(pool)
        return pool
    }

    /// The refusal of any use after `close()`.
    private static func closedError(_ path: String, _ action: String) -> LedgerError {
        LedgerError(.invalidArgument, "cannot \(action): the ledger at \(path) was closed; open it again")
    }

    /// An empty ledger in memory: what a ledger not made yet reads as.
    private static let emptyLedger = Result { () throws -> DatabaseQueue in
        let queue = try DatabaseQueue()
        try LedgerMigrations.migrator().migrate(queue)
        return queue
    }

    /// Runs raw statements outside the ledger's rules: for tests that damage a ledger
    /// on purpose, and for pragmas.
    func writeWithoutRules<T>(_ body: (Database) throws -> T) throws -> T {
        try writablePool().writeWithoutTransaction(body)
    }

    // MARK: - User SQL

    func query(
        _ sql: String, timeout: Double?, columns: ([String]) throws -> Void, row: ([QueryValue]) throws -> Void
    ) throws {
        let connection = try UserSQLConnection(
            path: path, openName: DatabasePreflight.readOnlyOpenName(path: path), busyTimeout: busyTimeout)
        try connection.run(sql, timeout: timeout, columns: columns) { values in
            try row(values.map(QueryValue.init))
        }
    }

    /// SQLite's limit on a value's length (`SQLITE_LIMIT_LENGTH`, 1,000,000,000 in
    /// Debian's build), less room for the rest of the checkpoint's row.
    static let maximumValueBytes: Int = {
        var connection: OpaquePointer?
        defer { sqlite3_close(connection) }
        guard sqlite3_open_v2(":memory:", &connection, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            return 1_000_000_000 - 4096
        }
        return Int(sqlite3_limit(connection, SQLITE_LIMIT_LENGTH, -1)) - 4096
    }()

    var maximumCheckpointBytes: Int { Self.maximumValueBytes }

    // MARK: - Closing

    /// Checkpoints the write-ahead log (read-write), closes the connections, and lets
    /// SQLite remove the `-wal` and `-shm` files when no other connection uses them.
    func close() throws {
        lock.lock()
        defer { lock.unlock() }
        let current = state
        state = .closed
        if case .deferred(_, let reader?) = current { try reader.close() }
        guard case .open(let pool) = current else { return }
        try LedgerError.translating(path: path, "close the database") {
            if !isReadOnly {
                _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            }
            try pool.close()
        }
        if removesLogFiles { DatabasePreflight.removeLogFilesIfUnused(path: path) }
    }

    // MARK: - Migrations

    private func migrate(_ pool: DatabasePool, _ inspection: DatabasePreflight.Inspection) throws {
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
                .storeFailure,
                "\(path) still lacks migration \(pending[0]) after migrating; check the file's permissions")
        }
        if case .ledger(let applied) = inspection {
            logger.info(
                "migrated ledger", metadata: ["path": "\(path)", "migrations": "\(applied.joined(separator: ","))"])
        } else {
            logger.info("created ledger", metadata: ["path": "\(path)"])
        }
    }
}

extension QueryValue {
    /// The value of a GRDB `DatabaseValue`.
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob([UInt8](data))
        }
    }
}
