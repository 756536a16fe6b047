import Foundation
import Logging
import PostgresNIO

/// SQL a user typed (`lrledger sql`), run on a PostgreSQL ledger on a connection of its
/// own, reading only.
///
/// The statement runs inside `BEGIN READ ONLY`, after a first query has fixed the
/// transaction's snapshot (so it cannot switch the transaction to read-write), with
/// `SET LOCAL statement_timeout` when a timeout is given; the transaction is rolled back
/// and the connection closed after it. The server enforces the rest: any write is
/// refused with SQLSTATE 25006. One statement per call: the driver speaks the extended
/// protocol, which takes one statement per message (a trailing `;` is fine).
///
/// Values map to `QueryValue` by their PostgreSQL type: integers (and booleans, as 1 and
/// 0) to `.integer`, floating point and numeric to `.real`, bytea to `.blob`, anything
/// else to its text.
struct PostgresUserQuery {
    let url: PostgresURL
    let logger: Logger

    func run(
        _ sql: String, timeout: Double?, columns: ([String]) throws -> Void, row: ([QueryValue]) throws -> Void
    ) throws {
        var statement = Substring(sql)
        while let last = statement.last, last == ";" || last.isWhitespace { statement.removeLast() }
        guard !statement.allSatisfy(\.isWhitespace) else {
            throw LedgerError(.invalidArgument, "no SQL to run: pass a statement, such as SELECT * FROM runs")
        }
        let session = try PostgresSession.connect(url, lockTimeout: 5, logger: logger, action: "run SQL")
        defer { session.close() }
        let result: PostgresQueryResult
        do {
            try session.query("BEGIN READ ONLY")
            try session.query("SELECT 1")
            if let timeout {
                let milliseconds = max(1, Int((timeout * 1000).rounded(.up)))
                try session.query(PostgresQuery(unsafeSQL: "SET LOCAL statement_timeout = \(milliseconds)"))
            }
            result = try session.query(PostgresQuery(unsafeSQL: String(statement)))
        } catch {
            throw LedgerError(postgres: error, url: url, action: "run the SQL")
        }
        if let first = result.rows.first {
            try columns(first.map(\.columnName))
        } else if result.metadata.command == "SELECT" {
            try columns(Self.columnNames(of: String(statement), session: session))
        }
        for values in result.rows {
            try row(values.map(QueryValue.init(postgres:)))
        }
        _ = try? session.query("ROLLBACK")
    }

    /// The column names of a SELECT that returned no row: the driver gives names only
    /// with rows, so the statement is run again as the right side of a LEFT JOIN that
    /// yields one row of NULLs. Empty when that is not possible (not a plain query).
    private static func columnNames(of statement: String, session: PostgresSession) -> [String] {
        guard
            let rows = try? session.query(
                PostgresQuery(unsafeSQL: "SELECT q.* FROM (SELECT 1) AS one LEFT JOIN (\(statement)) AS q ON true")
            ).rows, let first = rows.first
        else { return [] }
        return first.map(\.columnName)
    }
}

extension QueryValue {
    /// The value of a PostgreSQL cell (results come in the binary format).
    init(postgres cell: PostgresCell) {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid:
            self = (try? cell.decode(Int64.self)).map(QueryValue.integer) ?? .null
        case .bool:
            self = (try? cell.decode(Bool.self)).map { .integer($0 ? 1 : 0) } ?? .null
        case .float4, .float8:
            self = (try? cell.decode(Double.self)).map(QueryValue.real) ?? .null
        case .numeric:
            if let decimal = try? cell.decode(Decimal.self) {
                self = .real(NSDecimalNumber(decimal: decimal).doubleValue)
            } else {
                self = .null
            }
        case .bytea:
            self = .blob(cell.bytes.map { Array($0.readableBytesView) } ?? [])
        case .timestamp, .timestamptz, .date:
            if let date = try? cell.decode(Date.self) {
                self = .text(Timestamp.string(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded())))
            } else {
                self = .null
            }
        default:
            if let text = try? cell.decode(String.self) {
                self = .text(text)
            } else {
                self = .blob(cell.bytes.map { Array($0.readableBytesView) } ?? [])
            }
        }
    }
}
