/// Where a ledger keeps its records: the narrow seam between the ledger's rules and a
/// database.
///
/// The rules (attach planning, commit fencing, liveness, audit) run in `Ledger` and
/// `RunWriter` and never see SQL: they ask a store for one transaction at a time and
/// read and write typed records through it (`LedgerTransaction`). A store owns its
/// connections, its schema and migrations, its error translation and its read-only SQL
/// surface. `SQLiteStore` is the embedded store, `PostgresStore` the server one; every
/// store must pass the conformance suite in `Tests/LedgerTests/Conformance`.
///
/// The protocol is synchronous. A transaction's body is the rules' read-decide-write,
/// run while the store holds the transaction open, and GRDB runs a transaction as a
/// synchronous closure on its own connection; an asynchronous body would not fit in it.
/// A store over an asynchronous driver (PostgresNIO) runs each transaction on a
/// connection of its own and waits for it on the calling thread, never on one of the
/// driver's event loops; a commit is one round trip (`commit`), so a trainer waits once
/// per commit. The per-step `log` never reaches a store: it is an in-memory append.
/// Callers in Swift concurrency reach the ledger through `Ledger.perform`, which runs
/// these calls off the cooperative pool.
protocol LedgerStore: AnyObject, Sendable {
    /// What a message names the store by: a file path, or a server URL without its password.
    var location: String { get }
    /// True when the store was opened for reading only: `write` refuses.
    var isReadOnly: Bool { get }
    /// A key that is the same for every handle on the same database, so this process
    /// can tell its own live writers from ones it released without closing.
    var identity: String? { get }

    /// True while the ledger is not made yet (no file, or one to migrate): the first
    /// write makes it, and until then reads see an empty ledger.
    var awaitsFirstWrite: Bool { get }
    /// True once a write of this store made a new ledger.
    var createdLedger: Bool { get }

    /// Runs `body` in one read transaction: a consistent snapshot.
    ///
    /// - parameter action: what is being done, for error messages ("list runs").
    /// - throws: `LedgerError`: the store's failures translated, or what `body` throws.
    func read<T>(_ action: @autoclosure () -> String, _ body: (any LedgerTransaction) throws -> T) throws -> T

    /// Runs `body` in one write transaction that takes the write lock at once: all of
    /// it is committed, or none of it when `body` throws or the process dies.
    ///
    /// - parameter action: what is being done, for error messages ("commit step 500 of run demo").
    /// - throws: `LedgerError` `.readOnly` on a read-only store, the store's failures
    ///   translated, or what `body` throws.
    func write<T>(_ action: @autoclosure () -> String, _ body: (any LedgerTransaction) throws -> T) throws -> T

    /// Makes one writer's commit (see `StoredCommit`): all of it, or nothing, behind the
    /// write lock and the commit's two fences. SQLite runs it as one write transaction of
    /// a few statements; PostgreSQL sends it whole, one round trip.
    ///
    /// - returns: the files of the checkpoints pruned, for the writer to delete.
    /// - throws: `CommitRefusal` at a fence, `DuplicateStep`, or what `write` throws.
    func commit(_ commit: StoredCommit, _ action: @autoclosure () -> String) throws -> [String]

    /// Runs SQL a user typed, reading only, streaming column names and rows.
    func query(
        _ sql: String, timeout: Double?, columns: ([String]) throws -> Void, row: ([QueryValue]) throws -> Void
    ) throws

    /// Removes what this store's first write made (a new file), while it holds no run, so
    /// a caller whose first write failed leaves things as they were. A store that made
    /// nothing of its own does nothing.
    func discardCreatedLedger()

    /// The largest inline checkpoint, in bytes, one commit can store.
    var maximumCheckpointBytes: Int { get }

    /// Releases the store's connections. Later calls fail.
    func close() throws
}
