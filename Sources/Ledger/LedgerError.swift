/// Why the ledger refused an operation or could not complete it.
///
/// `message` is one sentence a user can act on: it names the file, run, step, pid or
/// config concerned and says what to do. `code` lets programs react; new codes may be
/// added, so switch over it with a `default`.
///
/// ```swift
/// do {
///     let writer = try ledger.attach(request)
/// } catch let error as LedgerError where error.code == .runBusy {
///     print(error.message)  // names the pid, host and start time of the live writer
/// }
/// ```
public struct LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// The file is not an SQLite database (SQLITE_NOTADB, or a header that is not SQLite's).
        case notADatabase
        /// The file is an SQLite database that lrledger did not create.
        case notALedger
        /// The database is damaged or truncated (SQLITE_CORRUPT, or a size that disagrees with its header).
        case corrupt
        /// A newer lrledger applied a migration this build does not know.
        case newerSchema
        /// An older lrledger made the database; a read-write open migrates it.
        case olderSchema
        /// A recorded migration checksum differs from this build's migration text.
        case migrationChecksumMismatch
        /// A read-only open was given a path that does not exist.
        case fileNotFound
        /// SQLite could not open the file (SQLITE_CANTOPEN): a missing directory or no permission.
        case cannotOpen
        /// No run has the given name.
        case runNotFound
        /// Creation was required but a run has the name.
        case runExists
        /// Creation was allowed, but another run's name differs only by case or a small edit.
        case similarRunExists
        /// The run's history no longer matches its hash chain or is incomplete: a resume
        /// from it is refused with the finding an audit reports.
        case historyTampered
        /// Another live process holds the run's open segment.
        case runBusy
        /// This writer's segment was closed or its step counter changed by another process.
        case segmentLost
        /// The requested schedule differs from the stored one and no change was allowed.
        case scheduleMismatch
        /// A stored schedule no longer matches its SHA-256: it was edited outside lrledger.
        case scheduleTampered
        /// A stored checkpoint no longer matches its SHA-256.
        case checkpointCorrupt
        /// A write was attempted on a read-only connection (SQLITE_READONLY).
        case readOnly
        /// The disk or the database is full (SQLITE_FULL).
        case databaseFull
        /// Another connection held a lock longer than the busy timeout (SQLITE_BUSY, SQLITE_LOCKED).
        case busy
        /// An argument is out of range, or the API was used out of order.
        case invalidArgument
        /// An operating-system I/O error (SQLITE_IOERR).
        case io
        /// An SQL statement given to `query` failed (syntax, unknown table, ...).
        case sql
        /// SQL given to `query` tried something only reading allows not: ATTACH,
        /// `fts3_tokenizer`, `load_extension`, a PRAGMA that sets a value.
        case notAllowed
        /// SQL given to `query` ran longer than its timeout and was interrupted.
        case timedOut
        /// Any other SQLite error.
        case sqlite
    }

    /// The kind of problem.
    public let code: Code
    /// One sentence a user can act on.
    public let message: String
    /// The SQLite extended result code behind the error, when there is one.
    public let sqliteCode: Int32?

    /// Creates an error.
    ///
    /// - parameter code: the kind of problem.
    /// - parameter message: one sentence a user can act on.
    /// - parameter sqliteCode: the SQLite extended result code, if any.
    public init(_ code: Code, _ message: String, sqliteCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.sqliteCode = sqliteCode
    }

    public var description: String { message }
}
