import Foundation
import Ledger

/// What `delete`, `rename` and `note` share: open the ledger (which writes nothing), make
/// the change (which writes nothing when it is refused), and close the ledger.
enum RunChangeCommand {
    /// Opens the ledger read-write, calls `apply`, and closes it on every way out.
    static func perform<T>(_ change: RunChange, location: LedgerLocation, _ apply: (Ledger) throws -> T) throws -> T {
        let ledger = try Ledger(location: location)
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
