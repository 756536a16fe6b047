import GRDB

extension Ledger {
    /// Runs raw SQL on the SQLite store outside the ledger's rules: for tests that
    /// damage or constrain a ledger on purpose.
    func withSQLiteConnection<T>(_ body: (GRDB.Database) throws -> T) throws -> T {
        guard let store = store as? SQLiteStore else {
            throw LedgerError(.invalidArgument, "\(location) is not an SQLite ledger")
        }
        return try store.writeWithoutRules(body)
    }
}
