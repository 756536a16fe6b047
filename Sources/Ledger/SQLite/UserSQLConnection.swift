import Foundation
import GRDB
import GRDBSQLite

/// A connection of its own for SQL a user typed (`lrledger sql`), opened read-only and
/// closed after the query, with every guard in place before the first statement
/// compiles.
///
/// The guards: `SQLITE_OPEN_READONLY`; `SQLiteHardening` (no two-argument
/// `fts3_tokenizer`, no `load_extension`, defensive mode, nothing attached);
/// `UserSQLAuthorizer` (reads only); `sqlite3_stmt_readonly` on each statement; and,
/// when asked, a deadline enforced by a progress handler, which interrupts a query
/// that runs too long. It does not go through GRDB's pool, whose own authorizer would
/// replace this one.
final class UserSQLConnection {
    private let handle: OpaquePointer
    private let path: String
    private let authorizer = UserSQLAuthorizer()
    private var deadline: UInt64?

    /// Opens the ledger at `path` (the user's spelling, for messages) as `openName`.
    ///
    /// - throws: `LedgerError` when SQLite cannot open it, or when the guards cannot be
    ///   put in place (then no user SQL runs).
    init(path: String, openName: String, busyTimeout: Double) throws {
        self.path = path
        var connection: OpaquePointer?
        var flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE
        if openName.hasPrefix("file:") { flags |= SQLITE_OPEN_URI }  // only the immutable form lrledger builds
        let code = sqlite3_open_v2(openName, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            sqlite3_close_v2(connection)
            throw LedgerError(
                DatabaseError(resultCode: ResultCode(rawValue: code), message: message), path: path,
                action: "open the database read-only")
        }
        handle = connection
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(clamping: Int64(busyTimeout * 1000)))
        guard SQLiteHardening.apply(to: handle, defensive: true), SQLiteHardening.fts3TokenizerEnabled(handle) == false
        else {
            sqlite3_close_v2(handle)
            throw LedgerError(
                .notAllowed,
                "cannot run user SQL safely: this SQLite library does not let lrledger turn off fts3_tokenizer; nothing was run"
            )
        }
        authorizer.install(on: handle)
        sqlite3_progress_handler(
            handle, 1000,
            { context in
                guard let context else { return 0 }
                let connection = Unmanaged<UserSQLConnection>.fromOpaque(context).takeUnretainedValue()
                return connection.pastDeadline ? 1 : 0
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        sqlite3_progress_handler(handle, 0, nil, nil)
        sqlite3_set_authorizer(handle, nil, nil)
        sqlite3_close_v2(handle)
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    private var pastDeadline: Bool { deadline.map { Self.now() >= $0 } ?? false }

    /// Runs every statement of `sql` in order, in one read transaction.
    ///
    /// - parameter timeout: seconds after which the query is interrupted; nil for no bound.
    /// - throws: as `Ledger.query(_:timeout:columns:row:)`.
    func run(
        _ sql: String, timeout: Double?, columns: ([String]) throws -> Void, row: ([DatabaseValue]) throws -> Void
    ) throws {
        if let timeout { deadline = Self.now() + UInt64(max(0, timeout) * 1e9) }
        guard sqlite3_exec(handle, "BEGIN DEFERRED", nil, nil, nil) == SQLITE_OK else { throw sqliteError(nil) }
        defer { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
        var count = 0
        try sql.withCString { base in
            var tail: UnsafePointer<CChar>? = base
            while let start = tail, start.pointee != 0 {
                var statement: OpaquePointer?
                var next: UnsafePointer<CChar>?
                authorizer.reset()
                let code = sqlite3_prepare_v2(handle, start, -1, &statement, &next)
                defer { sqlite3_finalize(statement) }
                guard code == SQLITE_OK else { throw prepareError(code, timeout: timeout) }
                tail = next
                guard let statement else { continue }  // only a comment or blanks left
                count += 1
                guard sqlite3_stmt_readonly(statement) != 0 else {
                    let text = String(cString: sqlite3_sql(statement))
                    throw LedgerError(
                        .readOnly,
                        "lrledger sql is read-only: `\(text)` would modify \(path), so it was not run; use SELECT (or a PRAGMA that only reports)"
                    )
                }
                let columnCount = sqlite3_column_count(statement)
                if columnCount > 0 {
                    try columns((0..<columnCount).map { String(cString: sqlite3_column_name(statement, $0)) })
                }
                while true {
                    let step = sqlite3_step(statement)
                    if step == SQLITE_DONE { break }
                    guard step == SQLITE_ROW else { throw stepError(step, timeout: timeout) }
                    try row((0..<columnCount).map { Self.value(statement, $0) })
                    if pastDeadline { throw timedOut(timeout) }
                }
            }
        }
        guard count > 0 else {
            throw LedgerError(.invalidArgument, "no SQL statement given; pass a query such as SELECT * FROM runs")
        }
    }

    /// A column's value, text and blobs read with their full length (a NUL byte inside a
    /// text value does not cut it).
    private static func value(_ statement: OpaquePointer, _ index: Int32) -> DatabaseValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return sqlite3_column_int64(statement, index).databaseValue
        case SQLITE_FLOAT: return sqlite3_column_double(statement, index).databaseValue
        case SQLITE_TEXT:
            let bytes = sqlite3_column_text(statement, index)
            let count = Int(sqlite3_column_bytes(statement, index))
            guard let bytes else { return "".databaseValue }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self).databaseValue
        case SQLITE_BLOB:
            let bytes = sqlite3_column_blob(statement, index)
            let count = Int(sqlite3_column_bytes(statement, index))
            guard let bytes else { return Data().databaseValue }
            return Data(bytes: bytes, count: count).databaseValue
        default: return .null
        }
    }

    // MARK: - Errors

    private func prepareError(_ code: Int32, timeout: Double?) -> LedgerError {
        switch authorizer.denial {
        case .write(let action):
            return LedgerError(
                .readOnly,
                "lrledger sql is read-only: the statement would \(action) in \(path), so it was not run; use SELECT (or a PRAGMA that only reports)",
                storeCode: code)
        case .escape(let what):
            return LedgerError(
                .notAllowed,
                "lrledger sql does not allow \(what): it only reads the ledger \(path); nothing was run",
                storeCode: code)
        case nil:
            return code & 0xff == SQLITE_INTERRUPT ? timedOut(timeout) : sqliteError(code)
        }
    }

    private func stepError(_ code: Int32, timeout: Double?) -> LedgerError {
        if code & 0xff == SQLITE_INTERRUPT { return timedOut(timeout) }
        if code & 0xff == SQLITE_READONLY {
            return LedgerError(
                .readOnly,
                "lrledger sql is read-only: the statement tried to modify \(path) and was refused (\(message))",
                storeCode: code)
        }
        return sqliteError(code)
    }

    private func timedOut(_ timeout: Double?) -> LedgerError {
        LedgerError(
            .timedOut,
            "the query ran longer than its timeout of \(timeout.map { "\($0)" } ?? "?") seconds and was stopped; nothing was changed"
        )
    }

    private var message: String { String(cString: sqlite3_errmsg(handle)) }

    private func sqliteError(_ code: Int32?) -> LedgerError {
        let extended = sqlite3_extended_errcode(handle)
        if extended & 0xff == SQLITE_ERROR {
            return LedgerError(.sql, "invalid SQL: \(message)", storeCode: extended)
        }
        return LedgerError(
            DatabaseError(resultCode: ResultCode(rawValue: extended), message: message), path: path,
            action: "run the query")
    }
}
