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
    /// The kind of problem. New codes may be added in any release: compare with the
    /// constants, and keep a default case when switching.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The file is not an SQLite database (SQLITE_NOTADB, or a header that is not SQLite's).
        public static let notADatabase = Code("notADatabase")
        /// The file is an SQLite database that lrledger did not create.
        public static let notALedger = Code("notALedger")
        /// The database is damaged or truncated (SQLITE_CORRUPT, or a size that disagrees with its header).
        public static let corrupt = Code("corrupt")
        /// A newer lrledger applied a migration this build does not know.
        public static let newerSchema = Code("newerSchema")
        /// An older lrledger made the database; a read-write open migrates it.
        public static let olderSchema = Code("olderSchema")
        /// A recorded migration checksum differs from this build's migration text.
        public static let migrationChecksumMismatch = Code("migrationChecksumMismatch")
        /// A read-only open was given a path that does not exist.
        public static let fileNotFound = Code("fileNotFound")
        /// SQLite could not open the file (SQLITE_CANTOPEN): a missing directory or no permission.
        public static let cannotOpen = Code("cannotOpen")
        /// No run has the given name.
        public static let runNotFound = Code("runNotFound")
        /// Creation was required but a run has the name.
        public static let runExists = Code("runExists")
        /// Creation was allowed, but another run's name differs only by case or a small edit.
        public static let similarRunExists = Code("similarRunExists")
        /// The run's history no longer matches its hash chain or is incomplete: a resume
        /// from it is refused with the finding an audit reports.
        public static let historyTampered = Code("historyTampered")
        /// Another live process holds the run's open segment.
        public static let runBusy = Code("runBusy")
        /// This writer's segment was closed or its step counter changed by another process.
        public static let segmentLost = Code("segmentLost")
        /// The requested schedule differs from the stored one and no change was allowed.
        public static let scheduleMismatch = Code("scheduleMismatch")
        /// A stored schedule no longer matches its SHA-256: it was edited outside lrledger.
        public static let scheduleTampered = Code("scheduleTampered")
        /// A stored checkpoint no longer matches its SHA-256.
        public static let checkpointCorrupt = Code("checkpointCorrupt")
        /// A write was attempted on a read-only connection (SQLITE_READONLY).
        public static let readOnly = Code("readOnly")
        /// The disk or the database is full (SQLITE_FULL).
        public static let databaseFull = Code("databaseFull")
        /// Another connection held a lock longer than the busy timeout (SQLITE_BUSY, SQLITE_LOCKED).
        public static let busy = Code("busy")
        /// An argument is out of range, or the API was used out of order.
        public static let invalidArgument = Code("invalidArgument")
        /// An operating-system I/O error (SQLITE_IOERR).
        public static let io = Code("io")
        /// An SQL statement given to `query` failed (syntax, unknown table, ...).
        public static let sql = Code("sql")
        /// SQL given to `query` tried something only reading allows not: ATTACH,
        /// `fts3_tokenizer`, `load_extension`, a PRAGMA that sets a value.
        public static let notAllowed = Code("notAllowed")
        /// SQL given to `query` ran longer than its timeout and was interrupted.
        public static let timedOut = Code("timedOut")
        /// The store's server could not be reached, is restarting, or dropped the
        /// connection before anything of the attempt was saved: the same call may
        /// succeed in a moment. (A commit whose outcome is unknown is `storeFailure`.)
        public static let unavailable = Code("unavailable")
        /// Any other failure of the store (an SQLite error, a commit whose answer the
        /// server's connection lost).
        public static let storeFailure = Code("storeFailure")
    }

    /// The kind of problem.
    public let code: Code
    /// One sentence a user can act on.
    public let message: String
    /// The store's own code for the failure behind the error, when there is one (for
    /// the SQLite store, its extended result code), for diagnostics.
    public let storeCode: Int32?

    /// Creates an error.
    ///
    /// - parameter code: the kind of problem.
    /// - parameter message: one sentence a user can act on.
    /// - parameter storeCode: the store's own code for the failure, if any.
    public init(_ code: Code, _ message: String, storeCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.storeCode = storeCode
    }

    public var description: String { message }
}
