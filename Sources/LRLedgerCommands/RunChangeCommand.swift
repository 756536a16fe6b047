import Foundation
import Ledger

/// What `delete`, `rename` and `note` share: check the change on the ledger opened
/// read-only, so a refused change leaves every file as it was, then make it.
enum RunChangeCommand {
    /// Checks `change` without writing, then opens the ledger read-write and calls `apply`.
    ///
    /// A ledger an older lrledger made cannot be read before it is migrated: its checks
    /// run in the change's transaction, after the migration.
    static func perform<T>(_ change: RunChange, path: String, _ apply: (Ledger) throws -> T) throws -> T {
        do {
            try Ledger.checkChange(path: path, change)
        } catch let error as LedgerError where error.code == .olderSchema {
            // Migrated by the read-write open below; the change checks again.
        }
        let ledger = try Ledger(path: path)
        // Closing lets SQLite remove the -wal and -shm files, as a trainer's clean exit does.
        do {
            let result = try apply(ledger)
            try ledger.close()
            return result
        } catch {
            try? ledger.close()
            throw error
        }
    }
}
