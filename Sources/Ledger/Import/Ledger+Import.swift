import Foundation
import Schedules

extension Ledger {
    // MARK: - Importing a run recorded elsewhere

    /// Makes a run from another tool's record of one (a CSV export, TensorBoard event
    /// files, MLflow's store), so `audit(run:)` can check every rate it logged.
    ///
    /// Every record is kept in source order in `imported_row`. Where a record's step is not
    /// greater than the one before, the source restarted: a segment is closed there (as
    /// `interrupted`) and a new one starts at that step. The canonical history follows the
    /// ledger's rule for resumes: rows at or past a restart's step logged before it are
    /// replaced by the later ones, so `rate_history` holds each step's last value, and
    /// `segments` the inferred restarts (pid 0, host `imported`, times from the source's
    /// wall times where it has them). The run is `finished`, its step counter one past the
    /// last step logged, its schedule the one given. All of it is one transaction: an error
    /// from `records` (a damaged file) leaves the ledger as it was.
    ///
    /// ```swift
    /// let source = ImportSource(format: "csv", path: "lr.csv", series: "lr", precision: .decimal)
    /// let summary = try ledger.importRun("keras-1", schedule: schedule, source: source) { emit in
    ///     for (step, rate) in rows { try emit(ImportedRecord(step: step, rate: rate, wallTime: nil)) }
    /// }
    /// ```
    ///
    /// - parameter name: the new run's name; a run of that name must not exist.
    /// - parameter schedule: the schedule the source's run was meant to follow.
    /// - parameter source: where the records come from, recorded with the run.
    /// - parameter progress: called now and then with the number of records stored so far.
    /// - parameter records: feeds the records, in source order, to the function it is given.
    /// - returns: what was stored.
    /// - throws: `LedgerError` `.invalidArgument` (a bad name, no records), `.runExists`,
    ///   `.readOnly`, the store's failure, or what `records` throws.
    @discardableResult
    public func importRun(
        _ name: String, schedule: any LearningRateSchedule, source: ImportSource,
        progress: ((Int64) -> Void)? = nil,
        records: ((ImportedRecord) throws -> Void) throws -> Void
    ) throws -> ImportSummary {
        if let problem = RunName.problem(name) { throw LedgerError(.invalidArgument, problem) }
        try checkBeforeFirstWrite { try checkImport(run: name) }
        do {
            return try store.write("import run \(name)") { tx in
                try checkImport(tx, name: name)
                var writer = try ImportWriter(tx, name: name, schedule: schedule, now: Timestamp.now().description)
                try records { record in
                    try writer.add(record)
                    if writer.rows % 100_000 == 0 { progress?(writer.rows) }
                }
                return try writer.finish(source: source)
            }
        } catch {
            // A failed import into a ledger its own write created leaves no file behind.
            if store.createdLedger { store.discardCreatedLedger() }
            throw error
        }
    }

    /// Refuses, reading only, an import that `importRun` would refuse: a name that is not
    /// valid, or one a run has.
    ///
    /// - throws: `LedgerError` `.runExists` or `.invalidArgument` naming the run.
    public func checkImport(run name: String) throws {
        if let problem = RunName.problem(name) { throw LedgerError(.invalidArgument, problem) }
        do {
            try store.read("check run \(name)") { tx in try checkImport(tx, name: name) }
        } catch let error as LedgerError where error.code == .olderSchema {
            // The import's write migrates it first, then checks in its transaction.
        }
    }

    private func checkImport(_ tx: any LedgerTransaction, name: String) throws {
        if try tx.run(named: name) != nil {
            throw LedgerError(
                .runExists,
                "a run named \(name) already exists in \(location); import under another name, or delete it first")
        }
    }

    /// Whether the run was imported, and where from.
    ///
    /// - returns: the source as recorded, or nil for a run lrledger trained or attached.
    /// - throws: `LedgerError` `.runNotFound`.
    public func importSource(ofRun name: String) throws -> ImportSource? {
        try store.read("read run \(name)") { tx in try tx.importSource(runID: try runID(tx, named: name)) }
    }
}
