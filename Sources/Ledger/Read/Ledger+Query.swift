import Foundation

extension Ledger {
    // MARK: - Read-only SQL

    /// Runs SQL a user typed on a read-only connection of its own, streaming each
    /// result row, for `lrledger sql`.
    ///
    /// The SQL may read the ledger and nothing else. The connection is opened with
    /// `SQLITE_OPEN_READONLY`; an authorizer (`UserSQLAuthorizer`) refuses, before a
    /// statement runs, anything that writes, ATTACH and DETACH, `fts3_tokenizer`,
    /// `load_extension` and PRAGMAs that set a value; the two-argument `fts3_tokenizer`
    /// is also turned off on the connection. Several statements separated by `;` run in
    /// order, in one read transaction; a refused one stops the rest.
    ///
    /// ```swift
    /// try ledger.query("SELECT step, rate FROM rate_history WHERE run = 'demo'", timeout: 10) { names in
    ///     print(names.joined(separator: ","))
    /// } row: { values in
    ///     print(values.map(\.description).joined(separator: ","))
    /// }
    /// ```
    ///
    /// - parameter sql: one or more SQL statements.
    /// - parameter timeout: seconds after which a running query is interrupted; nil for no bound.
    /// - parameter columns: called with the column names before the rows of each
    ///   statement that returns columns (also when it returns no row).
    /// - parameter row: called with each row's values, in column order. Text values keep
    ///   any NUL byte they hold.
    /// - throws: `LedgerError` `.readOnly` for a statement that would write, `.notAllowed`
    ///   for ATTACH, a denied function or PRAGMA, `.timedOut` past `timeout`, `.sql` for
    ///   an invalid statement (the message is SQLite's), `.invalidArgument` for empty
    ///   SQL, or what the callbacks throw, unchanged.
    public func query(
        _ sql: String, timeout: Double? = nil, columns: ([String]) throws -> Void = { _ in },
        row: ([QueryValue]) throws -> Void
    ) throws {
        if let timeout, !(timeout.isFinite && timeout > 0) {
            throw LedgerError(.invalidArgument, "a query timeout must be a number of seconds > 0, got \(timeout)")
        }
        try store.query(sql, timeout: timeout, columns: columns, row: row)
    }
}
