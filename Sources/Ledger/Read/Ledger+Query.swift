import Foundation
import GRDB

extension Ledger {
    // MARK: - Read-only SQL

    /// Runs arbitrary SQL on a read-only connection, streaming each result row, for
    /// `lrledger sql`.
    ///
    /// The connection is opened with `SQLITE_OPEN_READONLY` and each statement is
    /// checked with `sqlite3_stmt_readonly` before it runs, so a statement that would
    /// modify the database fails with `.readOnly` and the file is unchanged. Several
    /// statements separated by `;` run in order, in one read transaction.
    ///
    /// ```swift
    /// try ledger.query("SELECT step, rate FROM rate_history WHERE run = 'demo'") { names in
    ///     print(names.joined(separator: ","))
    /// } row: { values in
    ///     print(values.map(\.description).joined(separator: ","))
    /// }
    /// ```
    ///
    /// - parameter sql: one or more SQL statements.
    /// - parameter columns: called with the column names before the rows of each
    ///   statement that returns columns (also when it returns no row).
    /// - parameter row: called with each row's values, in column order.
    /// - throws: `LedgerError` `.readOnly` for a modifying statement, `.sql` for an
    ///   invalid one (the message is SQLite's), `.invalidArgument` for empty SQL, or
    ///   what the callbacks throw, unchanged.
    public func query(
        _ sql: String, columns: ([String]) throws -> Void = { _ in }, row: ([DatabaseValue]) throws -> Void
    ) throws {
        do {
            try pool.read { db in
                let statements = try db.allStatements(sql: sql)
                var count = 0
                while let statement = try statements.next() {
                    count += 1
                    guard statement.isReadonly else {
                        throw LedgerError(
                            .readOnly,
                            "lrledger sql is read-only: `\(statement.sql)` would modify \(path), so it was not run; use SELECT (or a read-only PRAGMA)"
                        )
                    }
                    let names = statement.columnNames
                    if !names.isEmpty { try columns(names) }
                    let rows = try Row.fetchCursor(statement)
                    while let next = try rows.next() {
                        try row(Array(next.databaseValues))
                    }
                }
                guard count > 0 else {
                    throw LedgerError(
                        .invalidArgument, "no SQL statement given; pass a query such as SELECT * FROM runs")
                }
            }
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_READONLY:
                throw LedgerError(
                    .readOnly,
                    "lrledger sql is read-only: the statement tried to modify \(path) and was refused (\(error.message ?? "read-only"))",
                    sqliteCode: error.extendedResultCode.rawValue)
            case .SQLITE_ERROR:
                throw LedgerError(
                    .sql, "invalid SQL: \(error.message ?? "SQL error")", sqliteCode: error.extendedResultCode.rawValue)
            default:
                throw LedgerError(error, path: path, action: "run the query")
            }
        }
    }

    /// Runs arbitrary SQL read-only like `query(_:columns:row:)`, giving each row's
    /// values as `QueryValue`s, so callers need not import GRDB.
    ///
    /// ```swift
    /// try ledger.queryValues("SELECT * FROM runs") { print($0) } row: { print($0.map(\.description)) }
    /// ```
    ///
    /// - parameter sql: one or more SQL statements.
    /// - parameter columns: called with the column names before each statement's rows.
    /// - parameter row: called with each row's values, in column order.
    /// - throws: as `query(_:columns:row:)`.
    public func queryValues(
        _ sql: String, columns: ([String]) throws -> Void = { _ in }, row: ([QueryValue]) throws -> Void
    ) throws {
        try query(sql, columns: columns) { values in
            try row(values.map(QueryValue.init))
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
