import Logging

extension Ledger {
    /// Opens the ledger at `location` for reading and writing: an SQLite file (as
    /// `init(path:configuration:logger:)`), or a PostgreSQL database.
    ///
    /// A PostgreSQL database must exist; when it is empty, the first write makes the
    /// ledger in it (until then nothing is written). The connection is made and the
    /// database checked at once, so a wrong URL, password or database is refused here,
    /// in one line naming the server without the password.
    ///
    /// - throws: `LedgerError` as `init(path:configuration:logger:)`, and for a server
    ///   `.invalidArgument` (a malformed URL), `.cannotOpen` (unreachable server, refused
    ///   login, failed TLS, no such database), `.notALedger` (tables but no lrledger
    ///   migrations), `.newerSchema`, `.migrationChecksumMismatch`.
    public convenience init(
        location: LedgerLocation, configuration: LedgerConfiguration = LedgerConfiguration(),
        logger: Logger = Logger(label: "lrledger.ledger")
    ) throws {
        switch location {
        case .file(let path):
            try self.init(path: path, configuration: configuration, logger: logger)
        case .postgres(let text):
            try configuration.validate()
            let url = try PostgresURL(parsing: text)
            let store = try PostgresStore.open(
                url: url, readOnly: false, busyTimeout: configuration.busyTimeout, logger: logger)
            self.init(store: store, configuration: configuration, logger: logger)
        }
    }

    /// Opens the ledger at `location` for reading only (as
    /// `openReadOnly(path:busyTimeout:logger:)`). On PostgreSQL every transaction is
    /// `READ ONLY`, and an empty database is refused, as a missing file is.
    ///
    /// - throws: `LedgerError` as `openReadOnly(path:busyTimeout:logger:)` and
    ///   `init(location:configuration:logger:)`.
    public static func openReadOnly(
        location: LedgerLocation, busyTimeout: Double = LedgerConfiguration().busyTimeout,
        logger: Logger = Logger(label: "lrledger.ledger")
    ) throws -> Ledger {
        switch location {
        case .file(let path):
            return try openReadOnly(path: path, busyTimeout: busyTimeout, logger: logger)
        case .postgres(let text):
            let configuration = LedgerConfiguration(busyTimeout: busyTimeout)
            try configuration.validate()
            let url = try PostgresURL(parsing: text)
            let store = try PostgresStore.open(url: url, readOnly: true, busyTimeout: busyTimeout, logger: logger)
            return Ledger(store: store, configuration: configuration, logger: logger)
        }
    }
}
