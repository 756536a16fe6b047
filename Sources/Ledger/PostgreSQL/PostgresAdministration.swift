import Logging
import PostgresNIO

/// Statements run on a PostgreSQL server outside any ledger's rules: for tests, which
/// make a scratch database per ledger, damage one on purpose, and drop it afterwards.
enum PostgresAdministration {
    /// Runs `statements` in order, each on its own (outside a transaction, as `CREATE
    /// DATABASE` must be), on the database `url` names.
    ///
    /// - throws: `LedgerError` naming the server without the password.
    static func execute(_ url: String, _ statements: [String]) throws {
        let parsed = try PostgresURL(parsing: url)
        let session = try PostgresSession.connect(
            parsed, lockTimeout: 30, logger: Logger(label: "lrledger.postgres.admin"), action: "administer")
        defer { session.close() }
        for statement in statements {
            do {
                try session.query(PostgresQuery(unsafeSQL: statement))
            } catch {
                throw LedgerError(postgres: error, url: parsed, action: "run \(statement.prefix(40))")
            }
        }
    }

    /// The integer in the first column of the first row `sql` returns on the database
    /// `url` names, or nil.
    static func integer(_ url: String, _ sql: String) throws -> Int64? {
        let parsed = try PostgresURL(parsing: url)
        let session = try PostgresSession.connect(
            parsed, lockTimeout: 30, logger: Logger(label: "lrledger.postgres.admin"), action: "administer")
        defer { session.close() }
        do {
            return try session.query(PostgresQuery(unsafeSQL: sql)).rows.first?.makeRandomAccess().get(
                0, as: Int64?.self)
        } catch {
            throw LedgerError(postgres: error, url: parsed, action: "run \(sql.prefix(40))")
        }
    }
}
