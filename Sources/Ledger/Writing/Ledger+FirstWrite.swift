extension Ledger {
    /// Makes a write's checks reading only when the write would make a ledger not made
    /// yet (create or migrate its file), so that a refused write leaves no file behind.
    ///
    /// A ledger an older lrledger made cannot be read before it is migrated: its write
    /// migrates it first and checks in its transaction, as every write does.
    func checkBeforeFirstWrite(_ check: () throws -> Void) throws {
        guard store.awaitsFirstWrite else { return }
        do {
            try check()
        } catch let error as LedgerError where error.code == .olderSchema {
            // Checked in the write's transaction, after the migration.
        }
    }
}
