import Foundation
import Logging
import PostgresNIO

/// The fleet's store: one PostgreSQL database that trainers on any host share, through
/// PostgresNIO.
///
/// **One connection.** A store holds a single connection, made on first use and made
/// again after it is lost, and runs one transaction at a time on it (a lock around each):
/// a trainer commits from one thread, and a reader's transactions are short. Each
/// statement is sent on the driver's event loop and awaited on the calling thread,
/// never on an event loop (see `PostgresSession`).
///
/// **Writes are serialized like SQLite's `BEGIN IMMEDIATE`.** The rules read, decide and
/// write in one transaction (the step counter, the open segment, the chain's last link),
/// and must not interleave with another writer's. Every write transaction therefore
/// starts by taking one transaction-level advisory lock, `pg_advisory_xact_lock` on a
/// constant key (`PostgresMigrations.writeLock`), released by its COMMIT or ROLLBACK:
/// one writer at a time on the whole ledger, as with SQLite's one write lock per file.
/// It runs at READ COMMITTED, so each statement sees every write committed before the
/// lock was granted. The lock waits at most the configured busy timeout (`lock_timeout`).
/// Reads run at REPEATABLE READ, READ ONLY: a consistent snapshot, never blocked.
///
/// **A writer's commit is one statement.** `commit` sends the whole commit as one call of
/// `lrledger_commit` (see `PostgresCommitCall`), which takes the same lock and checks the
/// same fences in the server: one round trip, and no transaction left open on the server
/// while the writer waits for the answer. A commit whose answer was lost is settled by
/// ending the lost session's server process and looking for the commit's chain link.
///
/// **A lost connection never commits twice.** A write that fails before its body runs
/// (connecting, BEGIN, the lock) is retried on a fresh connection, twice at most. One
/// that fails in its body was rolled back by the server with the connection: nothing is
/// saved and the error says so. One that fails during COMMIT has an unknown outcome: the
/// store asks the server on a fresh connection, by the transaction's id taken at its
/// start (`pg_xact_status`), whether it committed, and returns the result or throws
/// accordingly; when the server cannot be asked, the error says that the outcome is
/// unknown (the next attach reads the committed step, so the rules decide from what is
/// stored, never from what the writer believed).
///
/// **The first write makes the ledger.** Opening an empty database writes nothing; the
/// first write applies the migrations (see `PostgresMigrations`), and until then a read
/// sees an empty ledger (the schema made inside its transaction and rolled back).
final class PostgresStore: LedgerStore, @unchecked Sendable {
    let url: PostgresURL
    let isReadOnly: Bool
    private let busyTimeout: Double
    private let logger: Logger

    private let lock = NSLock()
    private var session: PostgresSession?
    private var isClosed = false
    /// False until the database holds every known migration.
    private var isMigrated: Bool
    private var madeLedger = false

    var location: String { url.location }
    /// Seconds a statement may go unanswered before its connection is taken for lost: the
    /// longest wait for the write lock, and a minute more.
    private var answerTimeout: Double { busyTimeout + 60 }
    var identity: String? { "postgres:\(url.host):\(url.port)/\(url.database)" }

    private init(url: PostgresURL, isReadOnly: Bool, busyTimeout: Double, logger: Logger, session: PostgresSession) {
        self.url = url
        self.isReadOnly = isReadOnly
        self.busyTimeout = busyTimeout
        self.logger = logger
        self.session = session
        self.isMigrated = false
    }

    /// Connects and checks the database: an empty one, or a ledger this build may use.
    ///
    /// - parameter readOnly: refuse an empty database and every write.
    /// - throws: `LedgerError` `.invalidArgument` (URL), `.cannotOpen` (unreachable server,
    ///   refused login, TLS), `.notALedger`, `.newerSchema`, `.olderSchema` (read-only),
    ///   `.migrationChecksumMismatch`.
    static func open(url: PostgresURL, readOnly: Bool, busyTimeout: Double, logger: Logger) throws -> PostgresStore {
        let session = try PostgresSession.connect(
            url, lockTimeout: busyTimeout, logger: logger, action: "open the ledger")
        let store = PostgresStore(
            url: url, isReadOnly: readOnly, busyTimeout: busyTimeout, logger: logger, session: session)
        let inspection: PostgresMigrations.Inspection
        do {
            inspection = try PostgresMigrations.inspect(session)
        } catch {
            session.close()
            throw LedgerError(postgres: error, url: url, action: "open the ledger")
        }
        switch inspection {
        case .empty where readOnly:
            session.close()
            throw LedgerError(
                .notALedger, "\(url.location) is an empty database, not an lrledger ledger; check the URL")
        case .ledger(let pending) where readOnly && !pending.isEmpty:
            session.close()
            throw LedgerError(
                .olderSchema,
                "\(url.location) was made by an older lrledger and lacks migration \(pending[0]); open it once read-write (by resuming a run) to migrate it"
            )
        case .ledger(let pending):
            store.isMigrated = pending.isEmpty
        case .empty:
            break
        }
        return store
    }

    var awaitsFirstWrite: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !isMigrated
    }

    var createdLedger: Bool {
        lock.lock()
        defer { lock.unlock() }
        return madeLedger
    }

    /// PostgreSQL's limit on a bytea value (1 GB), less room for the rest of the row and
    /// the protocol's framing.
    var maximumCheckpointBytes: Int { 1_073_741_823 - 65_536 }

    // MARK: - Transactions

    func read<T>(_ action: @autoclosure () -> String, _ body: (any LedgerTransaction) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let action = action()
        let session = try beginWithRetry(
            action, isReadOnly || isMigrated ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
        do {
            if !isMigrated {
                // No ledger yet: make the schema inside this transaction and roll it back,
                // so the read sees an empty ledger and nothing is written.
                let (applied, _) = try PostgresMigrations.migrate(session)
                if applied.isEmpty { isMigrated = true }
            }
            let result = try body(PostgresTransaction(session: session))
            try session.query("ROLLBACK")
            return result
        } catch {
            rollback(session)
            throw translated(error, action)
        }
    }

    /// The database existed before and is the user's: migrating it is not undone.
    func discardCreatedLedger() {}

    func write<T>(_ action: @autoclosure () -> String, _ body: (any LedgerTransaction) throws -> T) throws -> T {
        let action = action()
        lock.lock()
        defer { lock.unlock() }
        try prepareWrite(action)
        let session = try beginWithRetry(action, "BEGIN ISOLATION LEVEL READ COMMITTED")
        let transactionID: String
        let result: T
        do {
            let row = try session.query(
                "SELECT pg_advisory_xact_lock(\(PostgresMigrations.writeLock))::text, pg_current_xact_id()::text"
            ).rows.first
            transactionID = try row?.makeRandomAccess().get(1, as: String.self) ?? ""
            result = try body(PostgresTransaction(session: session))
        } catch {
            rollback(session)
            throw translated(error, action)
        }
        do {
            try session.query("COMMIT")
            return result
        } catch  where PostgresConnectionLost.matches(error) {
            dropSession()
            try settleCommit(transactionID: transactionID, action: action)
            return result
        } catch {
            rollback(session)
            throw LedgerError(postgres: error, url: url, action: action)
        }
    }

    /// A writer's commit sent whole: one statement (`PostgresCommitCall`), one round trip,
    /// in a transaction of its own, so no transaction is ever left open on the server
    /// while the writer waits for an answer.
    ///
    /// When the connection is lost before the answer, the outcome is settled on a fresh
    /// connection: the lost session's server process is ended (so a commit it still holds
    /// can no longer complete), then the commit's chain link is looked for. Stored: the
    /// commit is done. Not stored: it never will be, and it is sent again, twice at most.
    func commit(_ commit: StoredCommit, _ action: @autoclosure () -> String) throws -> [String] {
        let action = action()
        lock.lock()
        defer { lock.unlock() }
        try prepareWrite(action)
        let call = PostgresCommitCall.query(commit)
        var losses = 0
        while true {
            let session = try sessionWithRetry(action, afterLoss: losses > 0)
            do {
                let row = try session.query(call).rows.first
                return try row?.makeRandomAccess().get(0, as: [String].self) ?? []
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresCommitCall.segmentClosedState {
                throw CommitRefusal.segmentClosed
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresCommitCall.stepMovedState {
                throw CommitRefusal.stepMoved
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                throw DuplicateStep(
                    detail: error.serverInfo?[.detail] ?? error.serverInfo?[.message] ?? "duplicate key")
            } catch  where PostgresConnectionLost.matches(error) {
                dropSession()
                if try isStoredAfterLoss(commit, lostSession: session.applicationName, action: action) {
                    logger.warning(
                        "the connection was lost during a commit; the server had stored it (checkpoint files it pruned, if any, stay on disk)",
                        metadata: ["ledger": "\(url.location)", "action": "\(action)"])
                    return []
                }
                losses += 1
                guard losses < 3 else {
                    throw LedgerError(
                        .unavailable,
                        "cannot \(action): the connection to \(url.location) was lost \(losses) times during the commit; nothing of it was saved: retry"
                    )
                }
                logger.warning(
                    "lost the connection to the ledger's server during a commit it did not store; sending it again",
                    metadata: ["ledger": "\(url.location)", "attempt": "\(losses)"])
            } catch {
                if session.isBroken { dropSession() }
                throw LedgerError(postgres: error, url: url, action: action)
            }
        }
    }

    /// Whether a commit whose answer was lost is stored. First ends the lost session's
    /// server process if it still runs (a partition the server has not noticed), so that
    /// the answer is final; retries on fresh connections for the busy timeout (ten
    /// seconds at least).
    ///
    /// - throws: `LedgerError` `.storeFailure` when the server cannot be asked: whether
    ///   the commit is stored is then unknown.
    private func isStoredAfterLoss(_ commit: StoredCommit, lostSession: String, action: String) throws -> Bool {
        let deadline = Date().addingTimeInterval(max(10, busyTimeout))
        var lastError: (any Error)?
        while Date() < deadline {
            do {
                let session = try currentSession(action)
                let running =
                    try session.query(PostgresCommitCall.endLostSession(applicationName: lostSession))
                    .rows.first.map { try $0.decode(Int64.self) } ?? 0
                if running == 0 {
                    return try session.query(PostgresCommitCall.storedQuery(commit)).rows.first
                        .map { try $0.decode(Bool.self) } ?? false
                }
            } catch {
                lastError = error
                dropSession()
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let reason = lastError.map { LedgerError(postgres: $0, url: url, action: "ask").message } ?? "no answer"
        throw LedgerError(
            .storeFailure,
            "cannot \(action): the connection to \(url.location) was lost during the commit and whether it was stored is unknown (\(reason)); resume the run: the next attach reads the committed step from the server and continues from it, so nothing is committed twice"
        )
    }

    /// Refuses a write on a read-only store, and makes the ledger on the first write.
    /// Called with the lock held.
    private func prepareWrite(_ action: String) throws {
        guard !isReadOnly else {
            throw LedgerError(
                .readOnly, "cannot \(action): \(url.location) was opened read-only; open it read-write to change it")
        }
        if !isMigrated { try migrate(action) }
    }

    /// Decides a COMMIT whose answer was lost with the connection: asks the server, on
    /// fresh connections, what became of the transaction.
    ///
    /// - throws: nothing when it committed; `LedgerError` `.storeFailure` saying nothing
    ///   was saved when it aborted, or that the outcome is unknown.
    private func settleCommit(transactionID: String, action: String) throws {
        let deadline = Date().addingTimeInterval(max(10, busyTimeout))
        var lastError: (any Error)?
        while Date() < deadline {
            let status: String?
            do {
                let session = try currentSession(action)
                status =
                    try session.query("SELECT pg_xact_status(\(transactionID)::xid8)").rows.first
                    .map { try $0.decode(String?.self) } ?? nil
            } catch {
                lastError = error
                dropSession()
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            switch status {
            case "committed":
                logger.warning(
                    "the connection was lost during COMMIT; the server says it committed",
                    metadata: ["ledger": "\(url.location)", "action": "\(action)"])
                return
            case "aborted":
                throw LedgerError(
                    .unavailable,
                    "cannot \(action): the connection to \(url.location) was lost during COMMIT and the server rolled the transaction back; nothing of it was saved: retry"
                )
            default:
                // In progress: the server has not finished the COMMIT it received.
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        let reason = lastError.map { LedgerError(postgres: $0, url: url, action: "ask").message } ?? "no answer"
        throw LedgerError(
            .storeFailure,
            "cannot \(action): the connection to \(url.location) was lost during COMMIT and whether it committed is unknown (\(reason)); resume the run: the next attach reads the committed step from the server and continues from it, so nothing is committed twice"
        )
    }

    /// The driver's errors translated; `LedgerError`s and the body's own errors unchanged.
    private func translated(_ error: any Error, _ action: String) -> any Error {
        error is PSQLError || error is PostgresConnectionLost
            ? LedgerError(postgres: error, url: url, action: action) : error
    }

    /// Applies the migrations in a transaction of their own.
    private func migrate(_ action: String) throws {
        let session = try beginWithRetry(action, "BEGIN")
        do {
            let (applied, wasEmpty) = try PostgresMigrations.migrate(session)
            try session.query("COMMIT")
            isMigrated = true
            if wasEmpty { madeLedger = true }
            if wasEmpty {
                logger.info("created ledger", metadata: ["ledger": "\(url.location)"])
            } else if !applied.isEmpty {
                logger.info(
                    "migrated ledger",
                    metadata: ["ledger": "\(url.location)", "migrations": "\(applied.joined(separator: ","))"])
            }
        } catch {
            rollback(session)
            throw translated(error, "apply its migrations to \(action)")
        }
    }

    /// A session with a transaction begun by `begin`. A connection lost before the
    /// transaction began is replaced (nothing was sent that could count), and while the
    /// server cannot be reached again (a restart) the connect is retried: four attempts
    /// in about three seconds at most.
    private func beginWithRetry(_ action: String, _ begin: String) throws -> PostgresSession {
        var attempt = 0
        while true {
            let session: PostgresSession
            do {
                session = try currentSession(action)
            } catch let error as LedgerError where attempt > 0 && attempt < 4 && error.code == .unavailable {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.3 * Double(attempt))
                continue
            }
            do {
                try session.query(PostgresQuery(unsafeSQL: begin))
                return session
            } catch  where PostgresConnectionLost.matches(error) && attempt < 4 {
                attempt += 1
                dropSession()
                logger.warning(
                    "lost the connection to the ledger's server; connecting again",
                    metadata: ["ledger": "\(url.location)", "attempt": "\(attempt)"])
                Thread.sleep(forTimeInterval: 0.2 * Double(attempt))
            } catch {
                dropSession()
                throw LedgerError(postgres: error, url: url, action: action)
            }
        }
    }

    /// The open session, connecting when there is none. After a lost connection
    /// (`afterLoss`), a server that cannot be reached (a restart) is tried again: four
    /// attempts in about three seconds at most.
    private func sessionWithRetry(_ action: String, afterLoss: Bool) throws -> PostgresSession {
        var attempt = afterLoss ? 1 : 0
        while true {
            do {
                return try currentSession(action)
            } catch let error as LedgerError where attempt > 0 && attempt < 4 && error.code == .unavailable {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.3 * Double(attempt))
            }
        }
    }

    /// The open session, connecting when there is none.
    private func currentSession(_ action: String) throws -> PostgresSession {
        if isClosed {
            throw LedgerError(
                .invalidArgument, "cannot \(action): the ledger at \(url.location) was closed; open it again")
        }
        if let session, !session.isBroken { return session }
        dropSession()
        let fresh = try PostgresSession.connect(
            url, lockTimeout: busyTimeout, answerTimeout: answerTimeout, logger: logger, action: action)
        session = fresh
        return fresh
    }

    /// Ends a failed transaction; a session that cannot is dropped.
    private func rollback(_ session: PostgresSession) {
        if session.isBroken {
            dropSession()
            return
        }
        do {
            try session.query("ROLLBACK")
        } catch {
            dropSession()
        }
    }

    private func dropSession() {
        session?.close()
        session = nil
    }

    // MARK: - User SQL

    func query(
        _ sql: String, timeout: Double?, columns: ([String]) throws -> Void, row: ([QueryValue]) throws -> Void
    ) throws {
        try PostgresUserQuery(url: url, logger: logger).run(sql, timeout: timeout, columns: columns, row: row)
    }

    // MARK: - Closing

    func close() throws {
        lock.lock()
        defer { lock.unlock() }
        isClosed = true
        dropSession()
    }

    deinit {
        session?.close()
    }
}
