import GRDB

extension Row {
    /// The value of `column` decoded as `T`.
    ///
    /// GRDB's subscripts stop the process when a value does not convert; a ledger
    /// edited with SQL (text in an integer column, say) must give an error instead.
    ///
    /// - throws: `LedgerError` `.corrupt` naming the column and the value found.
    func value<T: DatabaseValueConvertible>(_ column: String, as type: T.Type = T.self) throws -> T {
        do {
            return try decode(T.self, forColumn: column)
        } catch {
            let found: DatabaseValue = self[column] ?? .null
            throw LedgerError(
                .corrupt,
                "column \(column) holds \(found) where lrledger expects \(T.self); the database was edited outside lrledger"
            )
        }
    }

    /// The value at column `index` decoded as `T`. See `value(_:as:)`.
    func value<T: DatabaseValueConvertible>(at index: Int, as type: T.Type = T.self) throws -> T {
        do {
            return try decode(T.self, atIndex: index)
        } catch {
            let found: DatabaseValue = self[index]
            throw LedgerError(
                .corrupt,
                "column \(index + 1) holds \(found) where lrledger expects \(T.self); the database was edited outside lrledger"
            )
        }
    }
}
