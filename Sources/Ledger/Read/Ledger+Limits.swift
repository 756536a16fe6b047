import GRDBSQLite

extension Ledger {
    /// The largest checkpoint state, in bytes, a commit can store: SQLite's limit on a
    /// value's length (`SQLITE_LIMIT_LENGTH`, 1,000,000,000 in Debian's build), less
    /// room for the rest of the checkpoint's row.
    ///
    /// A trainer checks its model against this before training, so that a model too
    /// big to commit is refused at once rather than after hours of training.
    ///
    /// ```swift
    /// if state.count > Ledger.maximumCheckpointBytes { throw ... }
    /// ```
    public static let maximumCheckpointBytes: Int = {
        var connection: OpaquePointer?
        defer { sqlite3_close(connection) }
        guard sqlite3_open_v2(":memory:", &connection, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            return 1_000_000_000 - 4096
        }
        return Int(sqlite3_limit(connection, SQLITE_LIMIT_LENGTH, -1)) - 4096
    }()
}
